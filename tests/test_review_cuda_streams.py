"""Stream ordering of the CUDA backend, on an emulated driver that defers work.

``DeferredDriver`` is the emulated driver of ``tests/cuda_emu_driver.py`` with CUDA's
asynchrony put back: copies, kernel launches and frees are queued per stream and run
only when something waits for them (a stream or event synchronize, a device
synchronize, or a stream that waits on an event when it reaches that point). Work that
the backend orders wrongly therefore reads memory that has not been written yet, as it
could on a GPU. Nothing here runs on a GPU.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import corten as ct

cuda_emu_driver = pytest.importorskip("cuda_emu_driver")
pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")


class DeferredStream(cuda_emu_driver.EmulatedStream):
    def __init__(self, device: int, handle: int) -> None:
        super().__init__(device, handle)
        self.queue: list[Callable[[], None]] = []
        self.issued = 0  # work items ever queued
        self.done = 0  # work items run

    def run_to(self, position: int) -> None:
        while self.done < position:
            work = self.queue.pop(0)
            self.done += 1
            work()


class DeferredEvent:
    def __init__(self, stream: DeferredStream) -> None:
        self.stream = stream
        self.position = stream.issued


class DeferredDriver(cuda_emu_driver.EmulatedDriver):
    """Work runs when waited for (see the module docstring)."""

    def __init__(self) -> None:
        self.streams: list[DeferredStream] = []
        super().__init__()

    def _new_stream(self, index: int) -> DeferredStream:
        self._next_stream += 16
        s = DeferredStream(index, self._next_stream)
        self.streams.append(s)
        return s

    def _queue(self, stream: Any, work: Callable[[], None]) -> None:
        assert isinstance(stream, DeferredStream)
        stream.queue.append(work)
        stream.issued += 1

    def memcpy(self, dst: int, src: int, nbytes: int, stream: Any) -> None:
        base = super().memcpy
        self._queue(stream, lambda: base(dst, src, nbytes, stream))

    def launch(self, index: int, stream: Any, launch: Any) -> None:
        base = super().launch
        self._queue(stream, lambda: base(index, stream, launch))

    def free(self, allocation: Any, stream: Any) -> None:
        base = super().free
        self._queue(stream, lambda: base(allocation, stream))

    def free_pinned(self, allocation: Any) -> None:
        allocation.raw.fill(0xDD)  # a use after free reads poison
        super().free_pinned(allocation)

    def stream_synchronize(self, stream: Any) -> None:
        stream.run_to(stream.issued)

    def device_synchronize(self, index: int) -> None:
        while any(s.done < s.issued for s in self.streams if s.device == index):
            for s in self.streams:
                if s.device == index:
                    s.run_to(s.issued)

    def record_event(self, stream: Any) -> Any:
        return DeferredEvent(stream)

    def event_synchronize(self, event: Any) -> None:
        event.stream.run_to(event.position)

    def event_query(self, event: Any) -> bool:
        return bool(event.stream.done >= event.position)

    def stream_wait_event(self, stream: Any, event: Any) -> None:
        self._queue(stream, lambda: event.stream.run_to(event.position))

    def stream_from_handle(self, index: int, handle: int) -> Any:
        s = DeferredStream(index, handle)
        self.streams.append(s)
        return s


@pytest.fixture
def drv() -> Iterator[DeferredDriver]:
    driver = DeferredDriver()
    with cuda_emu_driver.installed(driver):
        yield driver
        ct.cuda(0).synchronize()


def test_the_deferred_driver_defers(drv: DeferredDriver) -> None:
    """The oracle can fail: a kernel's result is not there before its stream ran."""
    t = ct.zeros((4,), dtype=ct.float32, device=ct.cuda)
    t.fill_(5.0)
    default = drv.default_stream(0)
    assert default.done < default.issued  # the fill is still queued
    np.testing.assert_array_equal(t.to_cpu().numpy(), np.full(4, 5.0, np.float32))


def test_a_non_blocking_copy_to_the_host_is_waited_for(drv: DeferredDriver) -> None:
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    d = ct.tensor(a).to(ct.cuda)
    d += 1
    h = d.T.to_cpu(non_blocking=True)
    np.testing.assert_array_equal(h.numpy(), (a + 1).T)
    assert h.tolist() == (a + 1).T.tolist()


def test_a_blocking_copy_to_the_host_on_the_current_stream(drv: DeferredDriver) -> None:
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    d = ct.tensor(a).to(ct.cuda)
    np.testing.assert_array_equal(d.T.to_cpu().numpy(), a.T)


def test_writes_on_a_side_stream_are_ordered(drv: DeferredDriver) -> None:
    a = np.arange(6, dtype=np.int64)
    s = ct.cuda.Stream()
    with ct.cuda.stream(s):
        d = ct.tensor(a).to(ct.cuda)
        d[1:] = d[:-1]
        d += 1
        out = d.to_cpu()
    expect = a.copy()
    expect[1:] = a[:-1]
    np.testing.assert_array_equal(out.numpy(), expect + 1)


def test_a_strided_copy_to_the_host_on_another_stream_sees_the_data(
    drv: DeferredDriver,
) -> None:
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    d = ct.tensor(a).to(ct.cuda)
    s = ct.cuda.Stream()
    np.testing.assert_array_equal(d.T.to_cpu(stream=s).numpy(), a.T)


def test_memory_freed_under_another_stream_is_not_reused_too_early(
    drv: DeferredDriver,
) -> None:
    n = 64
    u = ct.zeros((n,), dtype=ct.float64, device=ct.cuda)  # fill queued on the default stream
    s = ct.cuda.Stream()
    with ct.cuda.stream(s):
        del u  # the last reference goes while another stream is current
        s.synchronize()
        v = ct.full((n,), 7.0, dtype=ct.float64, device=ct.cuda)
        s.synchronize()
    ct.cuda.synchronize()  # the default stream's queued fill of u runs now
    with ct.cuda.stream(s):
        np.testing.assert_array_equal(v.to_cpu().numpy(), np.full(n, 7.0))


_HOST_READS: dict[str, Callable[[Any], Any]] = {
    "numpy": lambda h: h.numpy().copy(),
    "tolist": lambda h: np.array(h.tolist()),
    "iter": lambda h: np.array([x.item() for x in h]),
    "array": lambda h: np.array(h),
    "add": lambda h: (h + 1).numpy() - 1,
    "item": lambda h: np.array([h[i].item() for i in range(4)]),
    "max": lambda h: np.array([2.0, 4.0, 6.0, h.max().item()]),
    "clone": lambda h: h.clone().numpy(),
    "to_cuda": lambda h: h.to(ct.cuda).to_cpu().numpy(),
    "to_sim": lambda h: h.to(ct.sim).to_cpu().numpy(),
    "contiguous_view": lambda h: h[::-1].contiguous().numpy()[::-1],
}


@pytest.mark.parametrize("read", list(_HOST_READS))
def test_every_host_read_of_a_non_blocking_result_waits(drv: DeferredDriver, read: str) -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    d = ct.tensor(a).to(ct.cuda)
    d *= 2.0  # queued: only a wait makes it visible
    h = d.to_cpu(non_blocking=True)
    np.testing.assert_array_equal(_HOST_READS[read](h), a * 2)


def test_a_host_write_to_a_non_blocking_result_lands_after_the_copy(drv: DeferredDriver) -> None:
    d = ct.tensor(np.arange(4.0)).to(ct.cuda)
    h = d.to_cpu(non_blocking=True)
    h[0] = 9.0
    assert h.tolist() == [9.0, 1.0, 2.0, 3.0]


def test_a_non_blocking_upload_keeps_its_pinned_source_alive(drv: DeferredDriver) -> None:
    import gc

    a = np.arange(256, dtype=np.int64)
    p = ct.tensor(a).pin_memory()
    assert p.is_pinned
    g = p.to(ct.cuda, non_blocking=True)
    default = drv.default_stream(0)
    assert default.done < default.issued  # the copy is still queued
    del p
    gc.collect()
    np.testing.assert_array_equal(g.to_cpu().numpy(), a)
