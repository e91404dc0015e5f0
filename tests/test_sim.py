"""The sim device's CUDA-like semantics: deferred streams, events, garbage and poisoned
memory, use-after-free detection, pinned versus pageable copies, and out-of-memory."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import numpy as np
import pytest

import corten as ct
from corten.backends import get_backend
from corten.backends.sim import GARBAGE, POISON, SimBackend, UseAfterFreeError

GARBAGE_I32 = int(np.frombuffer(bytes([GARBAGE] * 4), dtype=np.int32)[0])
POISON_I32 = int(np.frombuffer(bytes([POISON] * 4), dtype=np.int32)[0])
# Fresh sim memory is garbage; memory reused from the cache still holds the poison.
NOT_DATA_I32 = {GARBAGE_I32, POISON_I32}


@pytest.fixture(autouse=True)
def _quiet_sim() -> Iterator[None]:
    """Each test starts and ends with every sim stream drained and default capacity."""
    for dev in (ct.sim(0), ct.sim(1)):
        dev.synchronize()
    yield
    for dev in (ct.sim(0), ct.sim(1)):
        dev.synchronize()
        backend = get_backend(dev)
        assert isinstance(backend, SimBackend)
        backend.set_capacity(SimBackend.default_capacity)


def _sim(dev: ct.Device = ct.sim) -> SimBackend:
    backend = get_backend(dev)
    assert isinstance(backend, SimBackend)
    return backend


# ----------------------------------------------------------------------------- deferral


def test_non_blocking_copy_from_pinned_memory_is_deferred_until_a_sync() -> None:
    host = ct.arange(6, dtype=ct.int32).pin_memory(ct.sim)
    stream = ct.sim.current_stream()
    d = host.to(ct.sim, non_blocking=True)
    assert stream.pending == 1
    ct.sim.synchronize()
    assert stream.pending == 0
    assert d.to_cpu().tolist() == list(range(6))


def test_non_blocking_copy_from_pageable_memory_runs_at_once() -> None:
    stream = ct.sim.current_stream()
    d = ct.arange(6, dtype=ct.int32).to(ct.sim, non_blocking=True)
    assert stream.pending == 0
    assert d.to_cpu().tolist() == list(range(6))


def test_work_on_the_same_stream_runs_in_order() -> None:
    host = ct.arange(4, dtype=ct.int32).pin_memory(ct.sim)
    d = host.to(ct.sim, non_blocking=True)
    # The addition runs after the queued copy on the current stream: no sync needed.
    assert (d + 1).to_cpu().tolist() == [1, 2, 3, 4]


def test_reading_across_streams_without_waiting_sees_garbage() -> None:
    """The test that leaves out a needed sync, and fails: proof that work is deferred."""
    host = ct.arange(4, dtype=ct.int32).pin_memory(ct.sim)
    side = ct.sim.Stream()
    with ct.sim.stream(side):
        d = host.to(ct.sim, non_blocking=True)
    wrong = (d + 0).to_cpu().tolist()  # the default stream does not wait for `side`
    assert wrong != [0, 1, 2, 3]
    assert set(wrong) <= NOT_DATA_I32


def test_wait_event_orders_work_across_streams() -> None:
    host = ct.arange(4, dtype=ct.int32).pin_memory(ct.sim)
    side = ct.sim.Stream()
    with ct.sim.stream(side):
        d = host.to(ct.sim, non_blocking=True)
        done = side.record_event()
    assert not done.query()
    ct.sim.current_stream().wait_event(done)
    assert (d + 0).to_cpu().tolist() == [0, 1, 2, 3]
    assert done.query()


def test_event_synchronize_runs_the_work_before_it_only() -> None:
    host = ct.arange(3, dtype=ct.int32).pin_memory(ct.sim)
    stream = ct.sim.Stream()
    with ct.sim.stream(stream):
        host.to(ct.sim, non_blocking=True)
        first = stream.record_event()
        host.to(ct.sim, non_blocking=True)
    assert stream.pending == 2
    first.synchronize()
    assert stream.pending == 1
    stream.synchronize()
    assert stream.pending == 0


def test_host_reads_of_a_non_blocking_result_wait_for_it() -> None:
    d = ct.arange(5, dtype=ct.int64, device=ct.sim)
    stream = ct.sim.current_stream()
    reads = {
        "tolist": lambda t: t.tolist(),
        "numpy": lambda t: t.numpy().tolist(),
        "item": lambda t: t[4].item(),
        "iter": lambda t: [int(x) for x in t],
        "sum": lambda t: t.sum().item(),
    }
    expected = {"tolist": [0, 1, 2, 3, 4], "numpy": [0, 1, 2, 3, 4], "item": 4}
    expected |= {"iter": [0, 1, 2, 3, 4], "sum": 10}
    for name, read in reads.items():
        h = d.to_cpu(non_blocking=True)
        assert h.is_pinned
        assert stream.pending == 1, name
        assert read(h) == expected[name], name
        assert stream.pending == 0, name


def test_a_non_blocking_copy_sees_its_source_as_it_was() -> None:
    d = ct.zeros(3, dtype=ct.int32, device=ct.sim)
    h = d.to_cpu(non_blocking=True)
    d += 7  # queued copy holds the old buffer: the write copies away from it
    assert h.tolist() == [0, 0, 0]
    assert d.to_cpu().tolist() == [7, 7, 7]


def test_writing_the_host_source_of_a_queued_copy_does_not_change_the_copy() -> None:
    host = ct.zeros(4, dtype=ct.int32).pin_memory(ct.sim)
    d = host.to(ct.sim, non_blocking=True)
    host.fill_(9)  # the queued copy pins the source: this write copies away from it
    assert d.to_cpu().tolist() == [0, 0, 0, 0]
    assert host.tolist() == [9, 9, 9, 9]


def test_stream_of_another_device_is_refused() -> None:
    other = ct.sim(1).Stream()
    with pytest.raises(ct.DeviceMismatchError, match="not a stream of sim:0"):
        ct.arange(3).to(ct.sim, stream=other)
    with pytest.raises(ct.DeviceMismatchError, match="sim:0"), ct.sim.stream(other):
        pass


def test_stream_context_restores_the_previous_stream() -> None:
    default = ct.sim.current_stream()
    s = ct.sim.Stream()
    with ct.sim.stream(s):
        assert ct.sim.current_stream() is s
        inner = ct.sim.Stream()
        with ct.sim.stream(inner):
            assert ct.sim.current_stream() is inner
        assert ct.sim.current_stream() is s
    assert ct.sim.current_stream() is default


# ----------------------------------------------------------------------------- memory


def test_empty_is_garbage_not_zeros() -> None:
    ct.empty_cache(ct.sim)
    t = ct.empty(16, dtype=ct.uint8, device=ct.sim)
    assert t.to_cpu().tolist() == [GARBAGE] * 16


def test_freed_memory_is_poisoned() -> None:
    backend = _sim()
    buf = backend.allocate(8, np.dtype(np.uint8))
    memory = buf.block.memory
    backend.allocator.free(buf.block)
    assert memory.tolist() == [POISON] * 8


def test_queued_work_on_freed_memory_is_detected() -> None:
    backend = _sim()
    buf = backend.allocate(4, np.dtype(np.int32))
    src = np.arange(4, dtype=np.int32)
    backend._copy_from_host(buf, src, non_blocking=True, stream=None)
    backend.allocator.free(buf.block)
    with pytest.raises(UseAfterFreeError, match="after it was freed"):
        ct.sim.synchronize()


def test_computing_with_freed_memory_is_detected() -> None:
    t = ct.arange(4, device=ct.sim)
    backend = _sim()
    backend.allocator.free(t._storage.buffer.block)
    with pytest.raises(UseAfterFreeError, match="sim:0"):
        t + 1


def test_memory_stats_return_to_baseline() -> None:
    gc.collect()
    before = ct.memory_stats(ct.sim)
    ts = [ct.zeros((100, 10), dtype=ct.float64, device=ct.sim) for _ in range(5)]
    during = ct.memory_stats(ct.sim)
    assert during["allocated"] - before["allocated"] == 5 * 8000
    assert during["count"] - before["count"] == 5
    assert during["peak"] >= during["allocated"]
    del ts
    gc.collect()
    after = ct.memory_stats(ct.sim)
    assert after["allocated"] == before["allocated"]
    assert after["count"] == before["count"]
    ct.empty_cache(ct.sim)
    assert ct.memory_stats(ct.sim)["reserved"] == ct.memory_stats(ct.sim)["allocated"]


def test_freed_blocks_are_reused_from_the_cache() -> None:
    ct.empty_cache(ct.sim)
    t = ct.zeros(64, dtype=ct.uint8, device=ct.sim)
    reserved = ct.memory_stats(ct.sim)["reserved"]
    del t
    gc.collect()
    u = ct.empty(64, dtype=ct.uint8, device=ct.sim)
    assert ct.memory_stats(ct.sim)["reserved"] == reserved
    assert u.to_cpu().tolist() == [POISON] * 64  # the reused block, still poisoned


def test_out_of_memory_frees_the_cache_and_retries() -> None:
    dev = ct.sim(1)
    ct.empty_cache(dev)
    base = ct.memory_stats(dev)["reserved"]
    _sim(dev).set_capacity(base + 1000)
    t = ct.zeros(600, dtype=ct.uint8, device=dev)
    del t
    gc.collect()
    assert ct.memory_stats(dev)["reserved"] == base + 600  # cached
    # 900 bytes fit only once the cached 600 are given back: the retry succeeds.
    u = ct.zeros(900, dtype=ct.uint8, device=dev)
    assert ct.memory_stats(dev)["reserved"] == base + 900
    assert u.to_cpu().tolist() == [0] * 900


def test_out_of_memory_raises_with_the_sizes_and_changes_nothing() -> None:
    dev = ct.sim(1)
    ct.empty_cache(dev)
    base = ct.memory_stats(dev)
    _sim(dev).set_capacity(base["reserved"] + 1000)
    keep = ct.ones(800, dtype=ct.uint8, device=dev)
    with pytest.raises(ct.OutOfMemoryError) as info:
        ct.zeros(500, dtype=ct.uint8, device=dev)
    message = str(info.value)
    assert "500 bytes" in message
    assert "sim:1" in message
    assert isinstance(info.value, MemoryError)
    assert keep.to_cpu().tolist() == [1] * 800
    assert ct.memory_stats(dev)["allocated"] == base["allocated"] + 800


# ----------------------------------------------------------------------------- host access


@pytest.mark.parametrize(
    "read",
    [
        lambda t: t.numpy(),
        lambda t: np.asarray(t),
        lambda t: t.tolist(),
        lambda t: list(t.iter()),
    ],
    ids=["numpy", "asarray", "tolist", "iter"],
)
def test_host_cannot_read_sim_memory(read: object) -> None:
    t = ct.arange(3, device=ct.sim)
    with pytest.raises(ct.DeviceMismatchError, match=r"sim:0; call \.to_cpu\(\) first"):
        read(t)  # type: ignore[operator]
    assert t.to_cpu().tolist() == [0, 1, 2]


def test_pinned_memory_is_a_host_copy() -> None:
    t = ct.arange(4)
    p = t.pin_memory(ct.sim)
    assert p.is_pinned
    assert not t.is_pinned
    assert p.device == ct.cpu
    assert p.tolist() == [0, 1, 2, 3]
    assert p.pin_memory(ct.sim).is_pinned
    with pytest.raises(ct.DeviceMismatchError, match="pin_memory"):
        ct.arange(3, device=ct.sim).pin_memory(ct.sim)
    with pytest.raises(ct.DeviceUnavailableError, match="cuda"):
        t.pin_memory()  # pinned memory for CUDA needs the CUDA backend


def test_peer_copies_between_sim_devices() -> None:
    a = ct.arange(6, dtype=ct.float32, device=ct.sim(0)).reshape((2, 3)).T
    b = a.to(ct.sim(1))
    assert b.device == ct.sim(1)
    assert b.to_cpu().tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    with pytest.raises(ct.DeviceMismatchError, match=r"sim:0 and sim:1"):
        a.contiguous() + b
