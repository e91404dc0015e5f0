"""Regression tests for defects found in a review of the device backends and ownership code.

Each test asserts the correct behaviour; see the docstrings for the cause.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
import tracemalloc
import weakref

import numpy as np
import pytest

import corten as ct
from corten.backends import Event


def test_a_view_of_shared_memory_copies_nothing_and_keeps_nothing_alive() -> None:
    """A frozen view of shared memory is a window on the owner's buffer (issue 13); the
    owner's frozen-Storage cache holds no copy, and a dropped owner frees its Storage."""
    t = ct.from_numpy(np.zeros(1000))
    v = t[0:2]
    assert v._storage.buffer is t._storage.buffer
    storage = weakref.ref(t._storage)
    del t
    gc.collect()
    assert storage() is None
    assert v.tolist() == [0.0, 0.0]


@pytest.mark.xfail(
    strict=True,
    reason="known: a tensor object's array cache keeps the buffer it last read until its "
    "next read (docs/design.md, 'Ownership, as implemented')",
)
def test_a_write_through_a_mutable_view_frees_the_old_buffer_before_the_next_read() -> None:
    """After a copy-on-write made through a mutable view, the owner's array cache
    (``_cache``) must not keep the replaced buffer alive when nothing else holds it."""
    t = ct.zeros((1000,))
    t.tolist()  # the owner caches an array over its buffer
    c = t.clone()
    old = weakref.ref(t._storage.buffer)
    t.view_mut().fill_(1.0)  # copies away from the buffer that c shares
    del c
    gc.collect()
    assert old() is None


@pytest.mark.parametrize("factory", [ct.zeros, ct.empty])
def test_cpu_allocation_beyond_the_address_space_raises_a_corten_error(factory: object) -> None:
    with pytest.raises(ct.OutOfMemoryError):
        factory((2**40, 2**30))  # type: ignore[operator]


def test_meta_tensor_with_more_elements_than_an_index_can_hold_raises_a_corten_error() -> None:
    with pytest.raises(ct.CortenError):
        ct.zeros((2**40, 2**30), device=ct.meta)


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda: ct.arange(4_000_000, device=ct.meta), (4_000_000,)),
        (lambda: ct.eye(2000, device=ct.meta), (2000, 2000)),
    ],
    ids=["arange", "eye"],
)
def test_meta_factories_allocate_no_data(make: object, shape: tuple[int, ...]) -> None:
    """The meta device promises that creation allocates nothing."""
    tracemalloc.start()
    try:
        t = make()  # type: ignore[operator]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert t.shape == shape
    assert t.device == ct.meta
    assert peak < 1 << 20, f"{peak} bytes allocated on the host for a meta tensor"


class _Gate(Event):
    """A foreign event whose wait meets the other thread's first: it makes the two
    drains below overlap deterministically (the overlap happens by chance otherwise)."""

    def __init__(self, barrier: threading.Barrier) -> None:
        self.barrier = barrier

    def synchronize(self) -> None:
        # A design that never runs the two drains at once breaks the barrier: fine.
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=1)

    def query(self) -> bool:
        return False


def test_two_threads_draining_streams_that_wait_on_each_other_do_not_deadlock() -> None:
    """s1 waits on an event of s2 and s2 on an event of s1, each recorded before the
    wait (legal on a GPU, where it cannot hang). Draining both at once must finish."""
    s1, s2 = ct.sim.Stream(), ct.sim.Stream()
    e1, e2 = s1.record_event(), s2.record_event()
    barrier = threading.Barrier(2)
    s1.wait_event(_Gate(barrier))
    s2.wait_event(_Gate(barrier))
    s1.wait_event(e2)
    s2.wait_event(e1)
    threads = [threading.Thread(target=s.synchronize, daemon=True) for s in (s1, s2)]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 5
    for th in threads:
        th.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(th.is_alive() for th in threads), "the two stream drains deadlocked"
