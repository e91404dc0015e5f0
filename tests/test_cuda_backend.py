"""The CUDA backend's own behaviour: availability, drivers, pointers, allocator, transfers.

Most tests run on the emulated driver (tests/cuda_emu_driver.py: "device" memory is host
memory), installed for the test and removed after it, so they run without a GPU. Tests
marked ``requires_cuda`` run on a real GPU only. The contract suites
(test_device_contract.py, test_device_ops.py) run every device behaviour as ``cuda-emu``.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import cuda_emu_driver
import numpy as np
import pytest

import corten as ct
from corten.backends import backend_status, get_backend
from corten.backends.cuda import backend as cuda_backend
from corten.backends.cuda.core_driver import CudaCoreDriver
from corten.backends.cuda.driver import kernel_args

REAL_REASON = backend_status(ct.cuda)
requires_cuda = pytest.mark.skipif(REAL_REASON is not None, reason=f"cuda: {REAL_REASON}")


@pytest.fixture
def emu() -> Iterator[cuda_emu_driver.EmulatedDriver]:
    with cuda_emu_driver.installed() as driver:
        yield driver


# ----------------------------------------------------------------------------- availability


def test_without_a_driver_the_reason_says_why() -> None:
    if REAL_REASON is None:
        pytest.skip("a GPU is present")
    assert not ct.cuda.is_available()
    assert "no CUDA driver" in REAL_REASON or "extra is missing" in REAL_REASON
    with pytest.raises(ct.DeviceUnavailableError, match="cannot be used"):
        ct.zeros(3, device=ct.cuda)


def test_probe_names_each_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoGpu(cuda_emu_driver.EmulatedDriver):
        def device_count(self) -> int:
            return 0

    class Broken(cuda_emu_driver.EmulatedDriver):
        def device_count(self) -> int:
            raise RuntimeError("libcuda.so not found")

    try:
        cuda_backend.set_driver(NoGpu())
        assert "sees no GPU" in str(backend_status(ct.cuda))
        cuda_backend.set_driver(Broken())
        assert "no CUDA driver found (libcuda.so not found)" in str(backend_status(ct.cuda))
        cuda_backend.set_driver(None)
        monkeypatch.setattr(cuda_backend.importlib.util, "find_spec", lambda name: None)
        cuda_backend.CudaBackend._reason = None
        assert "extra is missing" in cuda_backend._probe()  # type: ignore[operator]
    finally:
        monkeypatch.undo()
        cuda_backend.set_driver(None)
    assert backend_status(ct.cuda) == REAL_REASON


def test_set_driver_makes_cuda_available_and_none_restores(
    emu: cuda_emu_driver.EmulatedDriver,
) -> None:
    assert ct.cuda.is_available()
    assert backend_status(ct.cuda(1)) is None
    assert "does not exist" in str(backend_status(ct.cuda(2)))
    backend = get_backend(ct.cuda)
    assert backend.driver is emu  # type: ignore[attr-defined]
    assert sorted(backend.capabilities) == ["data", "peer_copy", "pinned_memory", "streams"]
    cuda_emu_driver.uninstall()
    assert backend_status(ct.cuda) == REAL_REASON
    cuda_emu_driver.install(emu)


# ----------------------------------------------------------------------------- kernel args


def test_kernel_args_convert_by_parameter_kind() -> None:
    args = kernel_args(
        ("ptr", "i64", "u64", "f64", "f32", "i32", "bool"),
        (2**64 - 8, -(2**63), 2**64 - 1, 0.1, 0.5, -7, 1),
    )
    assert [type(a) for a in args] == [
        np.uint64,
        np.int64,
        np.uint64,
        np.float64,
        np.float32,
        np.int32,
        np.bool_,
    ]
    assert int(args[0]) == 2**64 - 8
    assert int(args[1]) == -(2**63)
    assert float(args[3]) == 0.1
    assert bool(args[6]) is True


@pytest.mark.parametrize(
    ("params", "args"),
    [
        (("i64",), (1, 2)),
        (("what",), (1,)),
        (("i32",), (2**31,)),
        (("u64",), (-1,)),
        (("i64",), (1.5,)),
    ],
    ids=["count", "kind", "overflow", "negative-unsigned", "float-for-int"],
)
def test_kernel_args_refuse_what_does_not_fit(params: tuple[str, ...], args: Any) -> None:
    with pytest.raises(ValueError, match="kernel"):
        kernel_args(params, args)


def test_cuda_core_driver_reports_a_missing_driver() -> None:
    if REAL_REASON is None:
        pytest.skip("a GPU is present")
    driver = CudaCoreDriver()
    with pytest.raises(Exception, match="cuda"):
        driver.device_count()


# ----------------------------------------------------------------------------- pointers


def test_device_pointer_and_buffers(emu: cuda_emu_driver.EmulatedDriver) -> None:
    a = np.arange(10, dtype=np.int32)
    t = ct.tensor(a, device=ct.cuda)
    buf = t._storage.buffer
    ptr = cuda_backend.device_pointer(buf)
    assert ptr in emu.live
    assert ptr % 256 == 0
    # device memory is host memory here: the emulated device holds the elements
    assert bytes(emu.live[ptr][1][: a.nbytes]) == a.tobytes()
    assert buf.array.strides == (0,)
    assert not buf.array.flags.writeable
    with pytest.raises(ct.DeviceMismatchError):
        cuda_backend.device_pointer(ct.zeros(2)._storage.buffer)


def test_adopt_pointer_keeps_the_owner_alive(emu: cuda_emu_driver.EmulatedDriver) -> None:
    class Owner:
        pass

    source = ct.tensor(np.arange(6, dtype=np.float64), device=ct.cuda)
    owner = Owner()
    owner.t = source  # type: ignore[attr-defined]
    ref = weakref.ref(owner)
    backend = get_backend(ct.cuda)
    ptr = cuda_backend.device_pointer(source._storage.buffer)
    buf = backend.adopt_pointer(ptr, 6, np.dtype(np.float64), owner, readonly=True)  # type: ignore[attr-defined]
    del owner, source
    gc.collect()
    assert ref() is not None
    from corten.tensor._build import _wrap_buffer

    t = _wrap_buffer(buf, (2, 3))
    assert t.to_cpu().tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert cuda_backend.device_pointer(t._storage.buffer) == ptr
    del buf, t
    gc.collect()
    assert ref() is None


def test_streams_have_handles_and_nest(emu: cuda_emu_driver.EmulatedDriver) -> None:
    s = ct.cuda.Stream()
    assert isinstance(s.handle, int)
    assert s.handle != ct.cuda.current_stream().handle
    assert s.__cuda_stream__() == (0, s.handle)
    with ct.cuda.stream(s):
        assert ct.cuda.current_stream() is s
        ev = s.record_event()
        assert ev.query()
    assert ct.cuda.current_stream() is not s
    with pytest.raises(ct.DeviceMismatchError), ct.cuda(1).stream(s):
        pass
    ct.cuda.current_stream().wait_event(ev)
    ct.cuda.synchronize()


# ----------------------------------------------------------------------------- memory


def test_transfers_without_kernels(emu: cuda_emu_driver.EmulatedDriver) -> None:
    """Contiguous transfers are memcpys: no kernel runs."""
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    t = ct.tensor(a, device=ct.cuda)
    assert np.array_equal(t.to_cpu().numpy(), a)
    nb = t.to(ct.cpu, non_blocking=True)
    assert nb.is_pinned
    assert np.array_equal(nb.numpy(), a)
    p = ct.tensor(a).pin_memory(ct.cuda)
    assert p.is_pinned
    d = p.to(ct.cuda, non_blocking=True)
    peer = d.to(ct.cuda(1))
    assert peer.device == ct.cuda(1)
    assert np.array_equal(peer.to_cpu().numpy(), a)
    assert np.array_equal(t.to(ct.sim).to_cpu().numpy(), a)
    c = t.clone()
    assert c._storage.buffer is t._storage.buffer
    assert emu.launches == []


def test_host_access_is_refused(emu: cuda_emu_driver.EmulatedDriver) -> None:
    t = ct.tensor([1], device=ct.cuda)
    for read in (t.numpy, t.tolist, t.__array__):
        with pytest.raises(ct.DeviceMismatchError, match="to_cpu"):
            read()
    assert t.item() == 1  # a Python scalar copies its one element
    with pytest.raises(ct.DeviceMismatchError, match="to_cpu"):
        t._np()


def test_out_of_memory_frees_the_cache_then_raises_with_sizes(
    emu: cuda_emu_driver.EmulatedDriver,
) -> None:
    emu.capacity[0] = 4096
    a = ct.tensor(np.zeros(512, dtype=np.float64), device=ct.cuda)  # 4096 bytes
    del a
    gc.collect()
    # the freed block is cached: a new size needs the cache freed first
    b = ct.tensor(np.zeros(1000, dtype=np.int32), device=ct.cuda)
    assert ct.memory_stats(ct.cuda)["allocated"] == 4000
    with pytest.raises(ct.OutOfMemoryError, match=r"cannot allocate 800 bytes \(4000 bytes"):
        ct.tensor(np.zeros(100, dtype=np.int64), device=ct.cuda)
    del b
    gc.collect()
    ct.empty_cache(ct.cuda)
    assert ct.memory_stats(ct.cuda)["reserved"] == 0


def test_pinned_memory_is_freed_with_its_last_array(emu: cuda_emu_driver.EmulatedDriver) -> None:
    p = ct.tensor(np.arange(100, dtype=np.uint8)).pin_memory(ct.cuda)
    arr = p.numpy()
    assert arr.ctypes.data in emu.pinned
    assert arr.ctypes.data % 64 == 0
    del p
    gc.collect()
    assert len(emu.pinned) == 1  # the read-only export still holds it
    assert arr.tolist() == list(range(100))
    del arr
    gc.collect()
    assert emu.pinned == {}


# ----------------------------------------------------------------------------- real GPU


@requires_cuda
def test_real_gpu_round_trip() -> None:
    a = np.arange(1 << 20, dtype=np.float32)
    t = ct.tensor(a, device=ct.cuda)
    assert np.array_equal(t.to_cpu().numpy(), a)
    assert np.array_equal((t * 2.0).to_cpu().numpy(), a * 2.0)
    assert float(t.sum().to_cpu().item()) == float(a.sum(dtype=np.float32))


@requires_cuda
def test_real_gpu_streams_threads_and_pinned_copies() -> None:
    """What CudaCoreDriver does beyond one thread and the default stream: a thread with
    no current context, a stream of its own, non-blocking copies through pinned memory,
    a reduction's scratch memory freed on the stream."""
    import threading

    a = np.arange(3 * 1024, dtype=np.float64).reshape(3, 1024)
    t = ct.tensor(a, device=ct.cuda)
    got: list[Any] = []

    def work(x: Any) -> None:
        got.append((x + 1.0).to_cpu().numpy())

    th = threading.Thread(target=work, args=(t,))
    th.start()
    th.join()
    assert np.array_equal(got[0], a + 1.0)
    s = ct.cuda.Stream()
    with ct.cuda.stream(s):
        host = (t * 3.0).to_cpu(non_blocking=True)
    assert np.array_equal(host.numpy(), a * 3.0)
    assert float(t.sum(axis=1).to_cpu().numpy()[2]) == float(a.sum(axis=1)[2])
    assert np.array_equal(t.T.contiguous().to_cpu().numpy(), np.ascontiguousarray(a.T))
    del t
    ct.cuda.synchronize()
    ct.empty_cache(ct.cuda)


@requires_cuda
def test_real_gpu_peer_copy() -> None:
    if cuda_backend._driver().device_count() < 2:
        pytest.skip("one GPU")
    a = np.arange(1 << 16, dtype=np.int32)
    t = ct.tensor(a, device="cuda:0").to("cuda:1")
    assert np.array_equal(t.to_cpu().numpy(), a)
