"""DLPack and ``__cuda_array_interface__`` for ``cuda`` tensors, over the emulated driver.

The emulated driver (``cuda_emu_driver``) keeps device memory on the host, so a test can
read what a capsule or an interface points at. The capsule structures are checked
against NumPy's own DLPack code in both directions (NumPy consumes corten's capsules of
host memory; corten parses NumPy's capsules), and the CUDA paths use the same
structures. A recording driver shows the stream handshake: which consumer streams were
made to wait, on which event.

Tests marked ``requires_cuda`` exchange tensors with CuPy and PyTorch on a real GPU.
"""

from __future__ import annotations

import ctypes
import gc
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import cuda_emu_driver
import numpy as np
import pytest

import corten as ct
from corten.interop import _interop

# ----------------------------------------------------------------------------- fixtures


class RecordingDriver(cuda_emu_driver.EmulatedDriver):
    """The emulated driver, recording stream waits and the consumer streams it wrapped."""

    def __init__(self) -> None:
        super().__init__()
        self.wrapped: list[tuple[int, int]] = []  # (device, CUstream)
        self.waits: list[tuple[int, int]] = []  # (waiting stream, stream of the event)
        self.synced: list[int] = []

    def stream_from_handle(self, index: int, handle: int) -> Any:
        self.wrapped.append((index, handle))
        return cuda_emu_driver.EmulatedStream(index, handle)

    def stream_wait_event(self, stream: Any, event: Any) -> None:
        self.waits.append((stream.handle, event.stream.handle))
        super().stream_wait_event(stream, event)

    def device_synchronize(self, index: int) -> None:
        self.synced.append(index)
        super().device_synchronize(index)


@pytest.fixture
def drv() -> Iterator[RecordingDriver]:
    driver = RecordingDriver()
    with cuda_emu_driver.installed(driver):
        yield driver


@pytest.fixture
def kernels() -> None:
    """Tests that run device kernels (copies on the device) need the kernel emulator."""
    pytest.importorskip("cuda_emu", reason="the CUDA kernel emulator (tests/cuda_emu.py)")
    pytest.importorskip("corten.backends.cuda.kernels", reason="the CUDA kernels")


def host_view(ptr: int, dtype: Any, shape: tuple[int, ...], strides: tuple[int, ...]) -> Any:
    """A NumPy array over emulated device memory (``strides`` in elements)."""
    dt = np.dtype(dtype)
    lo = sum((s - 1) * st for s, st in zip(shape, strides, strict=True) if st < 0)
    hi = sum((s - 1) * st for s, st in zip(shape, strides, strict=True) if st > 0)
    n = hi - lo + 1
    raw = (ctypes.c_byte * (n * dt.itemsize)).from_address(ptr + lo * dt.itemsize)
    flat = np.frombuffer(memoryview(raw).cast("B"), dtype=dt)
    return np.lib.stride_tricks.as_strided(
        flat[-lo:], shape=shape, strides=[s * dt.itemsize for s in strides]
    )


def on_cuda(a: Any, device: Any = None) -> Any:
    return ct.tensor(np.ascontiguousarray(a)).to(ct.cuda if device is None else device)


class Producer:
    """A DLPack producer forwarding to ``target``, recording how it was called."""

    def __init__(self, target: Any, device: tuple[int, int] | None = None) -> None:
        self.target = target
        self.device = device
        self.calls: list[dict[str, Any]] = []

    def __dlpack__(self, **kwargs: Any) -> Any:
        self.calls.append(dict(kwargs))
        kwargs.pop("stream", None)
        return self.target.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.device or self.target.__dlpack_device__()


def as_cuda_capsule(capsule: Any, index: int = 0) -> Any:
    """NumPy's capsule of host memory, relabelled as memory on CUDA device ``index``
    (the emulated driver's device memory is host memory)."""
    for name, cls in ((b"dltensor_versioned", _interop._DLManagedTensorVersioned),):
        if _interop._is_valid(capsule, name):
            managed = cls.from_address(_interop._get_pointer(capsule, name))
            managed.dl_tensor.device.device_type = 2
            managed.dl_tensor.device.device_id = index
            return capsule
    managed = _interop._DLManagedTensor.from_address(_interop._get_pointer(capsule, b"dltensor"))
    managed.dl_tensor.device.device_type = 2
    managed.dl_tensor.device.device_id = index
    return capsule


class NumpyOnCuda:
    """A producer of NumPy memory that says it lives on ``cuda:index``."""

    def __init__(self, a: Any, index: int = 0, legacy: bool = False) -> None:
        self.a = a
        self.index = index
        self.legacy = legacy
        self.streams: list[Any] = []

    def __dlpack__(self, *, stream: Any = None, **kwargs: Any) -> Any:
        self.streams.append(stream)
        if self.legacy:
            if kwargs:
                raise TypeError("an old producer: no max_version")
            return as_cuda_capsule(self.a.__dlpack__(), self.index)
        return as_cuda_capsule(self.a.__dlpack__(**kwargs), self.index)

    def __dlpack_device__(self) -> tuple[int, int]:
        return (2, self.index)


class CaiOnly:
    """An object with ``__cuda_array_interface__`` only (as a Numba device array)."""

    def __init__(self, iface: dict[str, Any], keep: Any = None) -> None:
        self.__cuda_array_interface__ = iface
        self.keep = keep


def cai_of(a: Any, **extra: Any) -> dict[str, Any]:
    iface = {
        "shape": a.shape,
        "typestr": a.dtype.str,
        "data": (a.ctypes.data, not a.flags.writeable),
        "strides": None if a.flags.c_contiguous else a.strides,
        "version": 3,
    }
    iface.update(extra)
    return iface


# ----------------------------------------------------------------------------- capsules


@pytest.mark.parametrize("versioned", [True, False])
@pytest.mark.parametrize("read_only", [True, False])
def test_capsules_are_read_by_numpy(versioned: bool, read_only: bool) -> None:
    # The structures corten builds are the ones NumPy's importer reads (host memory).
    a = np.arange(24, dtype=np.int16).reshape(4, 6)
    released: list[int] = []
    cap = _interop.make_capsule(
        data=a.ctypes.data,
        device=(1, 0),
        dtype=a.dtype,
        shape=(3, 2),
        strides=(6, -2),
        byte_offset=5 * 2,
        versioned=versioned,
        read_only=read_only,
        copied=False,
        release=lambda: released.append(1),
    )
    b = np.from_dlpack(Producer(_Fixed(cap), (1, 0)))
    np.testing.assert_array_equal(b, a[:3, 5::-2][:, :2])
    if versioned:
        assert b.flags.writeable is not read_only
    assert released == []
    del b, cap
    gc.collect()
    assert released == [1]
    assert not _interop._LIVE


def test_an_unconsumed_capsule_releases_its_hold() -> None:
    released: list[int] = []
    a = np.zeros(3)
    cap = _interop.make_capsule(
        data=a.ctypes.data,
        device=(2, 0),
        dtype=a.dtype,
        shape=(3,),
        strides=None,
        byte_offset=0,
        versioned=True,
        read_only=False,
        copied=False,
        release=lambda: released.append(1),
    )
    del cap
    gc.collect()
    assert released == [1]


class _Fixed:
    def __init__(self, capsule: Any) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self.capsule


def test_numpy_capsules_are_parsed() -> None:
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    f = _interop.ForeignTensor(a[::-1, 1::2].__dlpack__(max_version=(1, 0)))
    assert (f.shape, f.strides, f.dtype, f.device) == ((3, 2), (-4, 2), np.float32, (1, 0))
    assert f.data == a[2, 1:].ctypes.data
    assert f.version[0] == 1
    assert not f.read_only
    legacy = _interop.ForeignTensor(a.__dlpack__())
    assert legacy.version == (0, 0)
    assert legacy.strides == (4, 1)
    ro = a.copy()
    ro.flags.writeable = False
    assert _interop.ForeignTensor(ro.__dlpack__(max_version=(1, 0))).read_only


def test_a_foreign_capsule_is_released_once() -> None:
    a = np.arange(5.0)
    before = sys.getrefcount(a)
    f = _interop.ForeignTensor(a.__dlpack__(max_version=(1, 0)))
    assert sys.getrefcount(a) == before + 1  # NumPy's capsule holds the array
    f.close()
    f.close()
    assert sys.getrefcount(a) == before


def test_bad_capsules_are_refused_and_left_unconsumed() -> None:
    with pytest.raises(BufferError, match="no unused DLPack capsule"):
        _interop.ForeignTensor(object())
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():  # torch calls complex32 experimental
        warnings.simplefilter("ignore", UserWarning)
        cap = torch.zeros(2, dtype=torch.complex32).__dlpack__(max_version=(1, 0))
    with pytest.raises(ct.DTypeError, match="no corten dtype"):
        _interop.ForeignTensor(cap)
    assert _interop._is_valid(cap, b"dltensor_versioned")  # still the producer's


# ----------------------------------------------------------------------------- export


def test_dlpack_device_of_cuda_tensors(drv: RecordingDriver) -> None:
    assert on_cuda([1, 2]).__dlpack_device__() == (2, 0)
    assert on_cuda([1, 2], ct.cuda(1)).__dlpack_device__() == (2, 1)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int16", "int64", "float16", "float64"])
def test_export_describes_the_device_memory(drv: RecordingDriver, dtype: str) -> None:
    a = (np.arange(24) % 7).astype(dtype).reshape(2, 3, 4)
    t = on_cuda(a)
    v = t.view().permute(2, 0, 1)[1:, :, ::2]
    f = _interop.ForeignTensor(v.__dlpack__(max_version=(1, 0)))
    expected = a.transpose(2, 0, 1)[1:, :, ::2]
    assert f.device == (2, 0)
    assert f.dtype == np.dtype(dtype)
    assert f.shape == expected.shape
    np.testing.assert_array_equal(host_view(f.data, f.dtype, f.shape, f.strides), expected)
    assert f.read_only


def test_read_only_export_pins(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(6, dtype=np.int32))
    buf = t._storage.buffer
    v = t.view()
    before = buf.holders
    cap = v.__dlpack__(max_version=(1, 0))
    assert buf.holders == before + 1
    assert not buf.escaped
    del cap
    gc.collect()
    assert buf.holders == before


def test_writable_export_escapes(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(6, dtype=np.int32))
    f = _interop.ForeignTensor(t.__dlpack__(max_version=(1, 0)))
    assert not f.read_only
    assert t._storage.buffer.escaped
    # A writable alias: writes through it are seen by the tensor.
    host_view(f.data, np.int32, (6,), (1,))[0] = 42
    assert t.to_cpu().tolist() == [42, 1, 2, 3, 4, 5]


def test_writable_export_of_a_shared_buffer_copies_it_first(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(4, dtype=np.int32))
    v = t.view()
    f = _interop.ForeignTensor(t.__dlpack__(max_version=(1, 0)))
    assert f.data != v._storage.buffer.block.memory.ptr  # the view keeps the old buffer
    host_view(f.data, np.int32, (4,), (1,))[0] = 9
    assert v.to_cpu().tolist() == [0, 1, 2, 3]
    assert t.to_cpu().tolist() == [9, 1, 2, 3]


def test_legacy_consumers_get_a_capsule_without_flags(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(4, dtype=np.uint8))
    f = _interop.ForeignTensor(t.__dlpack__())
    assert f.version == (0, 0)
    assert host_view(f.data, np.uint8, (4,), f.strides).tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("stream", "waiting"),
    [(None, 1), (1, 1), (2, 2), (0x5000, 0x5000)],
)
def test_the_consumer_stream_waits_for_corten_current_stream(
    drv: RecordingDriver, stream: Any, waiting: int
) -> None:
    t = on_cuda(np.arange(3.0))
    current = ct.cuda.current_stream().handle
    t.__dlpack__(stream=stream, max_version=(1, 0))
    assert drv.wrapped == [(0, waiting)]
    assert drv.waits == [(waiting, current)]


def test_the_handshake_uses_the_current_stream(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(3.0))
    s = ct.cuda.Stream()
    with ct.cuda.stream(s):
        t.__dlpack__(stream=0x7000, max_version=(1, 0))
        t.__dlpack__(stream=s.handle, max_version=(1, 0))  # the same stream: no wait
        t.__dlpack__(stream=-1, max_version=(1, 0))  # the consumer asked for none
    assert drv.waits == [(0x7000, s.handle)]


class NoForeignStreams(cuda_emu_driver.EmulatedDriver):
    """A driver that cannot wrap other libraries' streams: the host waits instead."""

    def __init__(self) -> None:
        super().__init__()
        self.stream_syncs: list[int] = []
        self.device_syncs: list[int] = []

    def stream_from_handle(self, index: int, handle: int) -> Any:
        raise NotImplementedError("this driver cannot wrap foreign streams")

    def stream_synchronize(self, stream: Any) -> None:
        self.stream_syncs.append(stream.handle)
        super().stream_synchronize(stream)

    def device_synchronize(self, index: int) -> None:
        self.device_syncs.append(index)
        super().device_synchronize(index)


def test_without_foreign_streams_the_host_waits() -> None:
    driver = NoForeignStreams()
    with cuda_emu_driver.installed(driver):
        t = on_cuda(np.arange(3.0))
        driver.stream_syncs.clear()
        t.__dlpack__(stream=0x5000, max_version=(1, 0))
        assert driver.stream_syncs == [ct.cuda.current_stream().handle]
        a = np.arange(2.0)
        driver.device_syncs.clear()
        ct.from_dlpack(CaiOnly(cai_of(a, stream=0x6000), keep=a))
        assert driver.device_syncs == [0]


def test_a_cuda_stream_object_is_accepted(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(3.0))
    s = ct.cuda.Stream()
    t.__dlpack__(stream=s, max_version=(1, 0))
    assert drv.waits == [(s.handle, ct.cuda.current_stream().handle)]


@pytest.mark.parametrize("stream", [0, -2, 1.5, True, "1"])
def test_bad_streams_raise_and_change_nothing(drv: RecordingDriver, stream: Any) -> None:
    t = on_cuda(np.arange(3.0))
    buf = t._storage.buffer
    with pytest.raises(BufferError, match="stream"):
        t.__dlpack__(stream=stream, max_version=(1, 0))
    assert (buf.holders, buf.escaped, t._storage.buffer is buf) == (1, False, True)
    assert drv.waits == []
    assert not _interop._LIVE


@pytest.mark.parametrize("dl_device", [(2, 1), (3, 0), (1, 1), "cuda"])
def test_bad_devices_raise_and_change_nothing(drv: RecordingDriver, dl_device: Any) -> None:
    t = on_cuda(np.arange(3.0))
    buf = t._storage.buffer
    with pytest.raises(BufferError):
        t.__dlpack__(stream=None, max_version=(1, 0), dl_device=dl_device)
    assert (buf.holders, buf.escaped) == (1, False)
    assert drv.waits == []


def test_export_to_the_host_copies(drv: RecordingDriver) -> None:
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    t = on_cuda(a)
    got = np.from_dlpack(t, device="cpu")  # NumPy asks for dl_device=(kDLCPU, 0)
    np.testing.assert_array_equal(got, a)
    got[0, 0] = 99  # the consumer's own copy
    assert t.to_cpu()[0, 0].item() == 0
    with pytest.raises(BufferError, match="copy=False"):
        t.__dlpack__(dl_device=(1, 0), copy=False, max_version=(1, 0))


def test_a_copy_is_exported_where_sharing_is_impossible(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(6, dtype=np.int32))
    buf = t._storage.buffer
    v, m = t.view(), t.view_mut()[::-1]
    before = buf.holders
    with pytest.raises(BufferError, match="copy=False"):
        v.__dlpack__(copy=False)  # read-only memory in a legacy capsule
    with pytest.raises(BufferError, match="backwards"):
        m.__dlpack__(copy=False, max_version=(1, 0))
    assert (buf.holders, buf.escaped) == (before, False)


@pytest.mark.usefixtures("kernels")
def test_copy_true_exports_a_fresh_copy(drv: RecordingDriver) -> None:
    a = np.arange(6, dtype=np.int32)
    t = on_cuda(a)
    f = _interop.ForeignTensor(t[::-2].__dlpack__(copy=True, max_version=(1, 0)))
    assert f.strides == (1,)
    assert host_view(f.data, np.int32, f.shape, f.strides).tolist() == a[::-2].tolist()
    assert f.data != t._storage.buffer.block.memory.ptr
    assert not t._storage.buffer.escaped


# ----------------------------------------------------------------------------- import


def test_round_trip_through_dlpack(drv: RecordingDriver) -> None:
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = on_cuda(a)
    producer = Producer(t.view()[:, ::2])
    u = ct.from_dlpack(producer)
    assert u.device == ct.cuda(0)
    assert u.to_cpu().tolist() == a[:, ::2].tolist()
    assert producer.calls == [
        {"stream": ct.cuda.current_stream().handle or 1, "max_version": (1, 0)}
    ]
    assert u._storage.buffer.readonly  # the producer exported read-only memory
    assert u._storage.buffer.escaped
    holders = t._storage.buffer.holders
    del u
    gc.collect()
    assert t._storage.buffer.holders == holders - 1  # the import gave its pin back


@pytest.mark.parametrize("legacy", [False, True])
def test_import_of_a_foreign_cuda_producer(drv: RecordingDriver, legacy: bool) -> None:
    a = np.arange(20, dtype=np.int16).reshape(4, 5)[::-1, 1::2]
    producer = NumpyOnCuda(a, legacy=legacy)
    before = sys.getrefcount(a)
    u = ct.from_dlpack(producer)
    assert u.device == ct.cuda(0)
    assert (u.shape, u.dtype) == (a.shape, ct.int16)
    assert u.to_cpu().tolist() == a.tolist()
    assert producer.streams[-1] == ct.cuda.current_stream().handle or 1
    assert u._storage.buffer.escaped
    assert sys.getrefcount(a) > before  # the tensor keeps the producer's memory
    del u
    gc.collect()
    assert sys.getrefcount(a) == before


def test_import_on_the_second_gpu(drv: RecordingDriver) -> None:
    a = np.arange(4, dtype=np.int32)
    u = ct.from_dlpack(NumpyOnCuda(a, index=1))
    assert u.device == ct.cuda(1)
    assert u.to_cpu().tolist() == [0, 1, 2, 3]


def test_import_to_another_device_copies(drv: RecordingDriver) -> None:
    a = np.arange(4, dtype=np.int32)
    u = ct.from_dlpack(NumpyOnCuda(a), device=ct.cuda(1))
    assert u.device == ct.cuda(1)
    a[0] = 7
    assert u.to_cpu().tolist() == [0, 1, 2, 3]
    with pytest.raises(BufferError, match="copy=False"):
        ct.from_dlpack(NumpyOnCuda(a), device=ct.cuda(1), copy=False)


def test_cuda_import_of_a_bad_dtype_raises(drv: RecordingDriver) -> None:
    with pytest.raises(ct.DeviceUnavailableError, match="complex128 tensors cannot live on cuda"):
        ct.from_dlpack(NumpyOnCuda(np.zeros(2, dtype=np.complex128)))


def test_cuda_imports_need_a_cuda_backend() -> None:
    if ct.cuda.is_available():
        pytest.skip("a CUDA device is available here")
    with pytest.raises(ct.DeviceUnavailableError):
        ct.from_dlpack(NumpyOnCuda(np.zeros(2)))


# ----------------------------------------------------------------------------- cuda array interface


def test_cuda_array_interface_of_a_frozen_view(drv: RecordingDriver) -> None:
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    t = on_cuda(a)
    v = t.view()[1:, ::2]
    iface = v.__cuda_array_interface__
    assert iface["version"] == 3
    assert iface["shape"] == (3, 3)
    assert iface["typestr"] == "<f4"
    assert iface["strides"] == (24, 8)
    ptr, read_only = iface["data"]
    assert read_only
    assert iface["stream"] == (ct.cuda.current_stream().handle or 1)
    got = host_view(ptr, np.float32, (3, 3), (6, 2))
    np.testing.assert_array_equal(got, a[1:, ::2])
    assert not t._storage.buffer.escaped


def test_cuda_array_interface_of_an_owner_escapes(drv: RecordingDriver) -> None:
    t = on_cuda(np.arange(4, dtype=np.int64))
    iface = t.__cuda_array_interface__
    assert iface["strides"] is None
    assert iface["data"][1] is False
    assert t._storage.buffer.escaped


def test_cuda_array_interface_of_an_empty_tensor(drv: RecordingDriver) -> None:
    t = on_cuda(np.zeros((0, 3), dtype=np.uint8))
    iface = t.view().__cuda_array_interface__
    assert iface["data"] == (0, True)
    assert iface["shape"] == (0, 3)


def test_cuda_array_interface_is_absent_off_cuda() -> None:
    assert not hasattr(ct.tensor([1.0]), "__cuda_array_interface__")
    assert not hasattr(ct.tensor([1.0]).view(), "__cuda_array_interface__")


def test_import_through_the_cuda_array_interface(drv: RecordingDriver) -> None:
    a = np.arange(30, dtype=np.uint16).reshape(5, 6)[1:, ::-2]
    u = ct.from_dlpack(CaiOnly(cai_of(a), keep=a))
    assert u.device == ct.cuda(0)
    assert u.to_cpu().tolist() == a.tolist()
    assert not u._storage.buffer.readonly
    ro = np.arange(3.0)
    ro.flags.writeable = False
    assert ct.from_dlpack(CaiOnly(cai_of(ro), keep=ro))._storage.buffer.readonly
    w = ct.from_dlpack(CaiOnly(cai_of(ro), keep=ro), device=ct.cuda(1))
    assert w.device == ct.cuda(1)
    assert drv.waits == []


def test_cuda_array_interface_round_trip(drv: RecordingDriver) -> None:
    a = np.arange(8, dtype=np.int8).reshape(2, 4)
    t = on_cuda(a)
    u = ct.from_dlpack(CaiOnly(t.view()[:, 1:].__cuda_array_interface__, keep=t))
    assert u.to_cpu().tolist() == a[:, 1:].tolist()


def test_the_producer_stream_comes_first(drv: RecordingDriver) -> None:
    a = np.arange(3.0)
    ct.from_dlpack(CaiOnly(cai_of(a, stream=0x9000), keep=a))
    assert drv.wrapped == [(0, 0x9000)]
    assert drv.waits == [(ct.cuda.current_stream().handle, 0x9000)]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"version": 4}, BufferError),
        ({"mask": object()}, BufferError),
        ({"strides": (3,)}, BufferError),
        ({"stream": 0}, BufferError),
        ({"typestr": "<c8"}, ct.DeviceUnavailableError),
        ({"typestr": "<f16"}, ct.DTypeError),
        ({"data": None}, BufferError),
    ],
)
def test_bad_cuda_array_interfaces_raise(
    drv: RecordingDriver, change: dict[str, Any], error: type[Exception]
) -> None:
    a = np.arange(3.0)
    with pytest.raises(error):
        ct.from_dlpack(CaiOnly(cai_of(a, **change), keep=a))


# ----------------------------------------------------------------------------- real GPUs


@pytest.mark.requires_cuda
def test_round_trips_with_cupy() -> None:  # pragma: no cover - needs a GPU
    cupy = pytest.importorskip("cupy")
    if not ct.cuda.is_available():
        pytest.skip(f"no CUDA device: {ct.backends.backend_status(ct.cuda)}")
    a = cupy.arange(12, dtype=cupy.float32).reshape(3, 4)
    t = ct.from_dlpack(a[:, ::2])
    assert t.device == ct.cuda(0)
    np.testing.assert_array_equal(t.to_cpu().numpy(), cupy.asnumpy(a[:, ::2]))
    back = cupy.from_dlpack(t.view())
    np.testing.assert_array_equal(cupy.asnumpy(back), cupy.asnumpy(a[:, ::2]))
    via_cai = cupy.asarray(t.view())
    np.testing.assert_array_equal(cupy.asnumpy(via_cai), cupy.asnumpy(a[:, ::2]))


@pytest.mark.requires_cuda
def test_round_trips_with_torch_cuda() -> None:  # pragma: no cover - needs a GPU
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available() or not ct.cuda.is_available():
        pytest.skip("no CUDA device for PyTorch and corten")
    src = torch.arange(10, device="cuda", dtype=torch.int32)
    t = ct.from_dlpack(src)
    assert t.to_cpu().tolist() == list(range(10))
    back = torch.from_dlpack(t)
    back[0] = 5  # a writable alias
    assert t.to_cpu().tolist()[0] == 5
