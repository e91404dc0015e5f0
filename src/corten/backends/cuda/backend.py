"""The ``cuda`` device kind: NVIDIA GPUs through a :class:`~corten.backends.cuda.driver.Driver`.

:class:`CudaBackend` is written against the driver interface alone. By default the driver
is :class:`~corten.backends.cuda.driver.CudaCoreDriver` (``cuda.core``, the ``cuda``
extra); :func:`set_driver` installs another one (corten's test suite installs one that
keeps "device" memory on the host and runs the kernels on the CPU, so that every line of
this module runs in CI without a GPU).

Device memory comes from a stream-ordered pool with statistics
(``ct.memory_stats(ct.cuda)``); a failed allocation empties the cache, retries once and
raises :class:`~corten.core.errors.OutOfMemoryError`. Compute runs the kernels that
``corten.backends.cuda.kernels`` generates, on the current stream. Host code never reads
device memory: ``numpy()``, ``tolist()`` and friends raise until ``to_cpu()``.

Not yet run on a GPU: with ``CudaCoreDriver`` this module has only been checked by the
tests that run without one (docs/design.md, "Devices and backends"); a GPU run is
recorded in ``docs/gpu-verification.md`` when there is one.
"""

from __future__ import annotations

import importlib.util
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Final

import numpy as np

from corten.backends.base import (
    BACKEND_REGISTRY,
    Allocator,
    Backend,
    Block,
    CurrentStream,
    Event,
    Stream,
)
from corten.backends.cuda import kernels as _K
from corten.backends.cuda.driver import Driver
from corten.backends.cuda.ops import (
    _BINARY,
    _UNARY,
    _broadcast_strides,
    _contiguous_strides,
    _element_offsets,
    _is_contiguous,
    _numel,
    _op_name,
    _placeholder,
    _result_dtype,
    _scalar,
)
from corten.backends.cuda.resources import (
    CudaAllocator,
    CudaEvent,
    CudaStream,
    PinnedAllocator,
    _AdoptedBlock,
    device_pointer,
)
from corten.backends.registry import register_backend
from corten.core.devices import Cuda, Device, cpu
from corten.core.errors import DeviceMismatchError, DeviceUnavailableError, ShapeError
from corten.core.layout import is_contiguous
from corten.memory.region import Region
from corten.memory.storage import DEVICE_STATE, Buffer

if TYPE_CHECKING:
    from corten.backends.cuda.kernels import Launch, Operand, Strided

__all__ = ["CudaBackend", "CudaEvent", "CudaStream", "device_pointer", "set_driver"]

Array = np.ndarray[Any, Any]
Layout = tuple[tuple[int, ...], tuple[int, ...], int]

_installed: Driver | None = None
_default: Driver | None = None
_DRIVER_LOCK: Final = threading.Lock()


def set_driver(driver: Driver | None) -> None:
    """Make ``ct.cuda`` devices run on ``driver``; ``None`` goes back to ``cuda.core``.

    Backends made before keep their driver for the memory they hold; new tensors use the
    new one. Availability is probed again.

    Examples
    --------
    >>> from corten.backends import cuda
    >>> cuda.set_driver(None)
    """
    global _installed
    with _DRIVER_LOCK:
        _installed = driver
        CudaBackend._reason = None
    register_backend(CudaBackend)  # forgets the instances and reasons of cuda devices


def _driver() -> Driver:
    """The installed driver, or the ``cuda.core`` one (made once)."""
    global _default
    if _installed is not None:
        return _installed
    with _DRIVER_LOCK:
        if _default is None:
            from corten.backends.cuda.core_driver import CudaCoreDriver

            _default = CudaCoreDriver()
        return _default


def _probe() -> str | None:
    """Why no CUDA device can be used here, or None; then ``_driver()`` works."""
    if _installed is None:
        if (
            importlib.util.find_spec("cuda") is None
            or importlib.util.find_spec("cuda.core") is None
        ):
            return (
                "cuda-core is not installed, so no CUDA driver can be reached (the extra is "
                "missing: pip install corten[cuda]); use ct.cpu, or ct.sim to test device code"
            )
        try:
            driver = _driver()
        except Exception as exc:
            return f"cuda-core cannot be imported ({exc}); use ct.cpu, or ct.sim"
    else:
        driver = _installed
    try:
        count = driver.device_count()
    except Exception as exc:  # the driver library is missing or refuses: say what it said
        return (
            f"no CUDA driver found ({exc}); a GPU needs the NVIDIA driver and "
            "pip install corten[cuda]; use ct.cpu, or ct.sim to test device code"
        )
    if count == 0:
        return "the CUDA driver is installed but sees no GPU; use ct.cpu, or ct.sim"
    return None


class CudaBackend(CurrentStream[CudaStream], Backend):
    """One CUDA device (see the module docstring). Not yet run on a GPU."""

    kind: ClassVar[str] = "cuda"
    device_type: ClassVar[type[Device]] = Cuda
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {"data", "streams", "pinned_memory", "peer_copy"}
    )
    _reason: ClassVar[str | None] = None
    _probed: ClassVar[bool] = False

    def __init__(self, device: Device) -> None:
        self.driver = _driver()
        self._current = threading.local()
        self._default_stream = CudaStream(
            device, self.driver, self.driver.default_stream(device.index)
        )
        self._pending: list[tuple[CudaEvent, tuple[Any, ...]]] = []
        self._pending_lock = threading.Lock()
        super().__init__(device)
        self.pinned_allocator = PinnedAllocator(cpu, self.driver)

    @classmethod
    def unavailable_reason(cls, device: Device) -> str | None:
        if cls._reason is None:
            reason = _probe()
            if reason is not None:
                cls._reason = reason
                return reason
            cls._reason = ""
        if cls._reason:
            return cls._reason
        count = _driver().device_count()
        if device.index >= count:
            return (
                f"{device} does not exist: {count} GPU(s) are visible; "
                f"use cuda:0 to cuda:{count - 1}"
            )
        return None

    def _make_allocator(self) -> Allocator:
        return CudaAllocator(self)

    def _check_dtype(self, dtype: Any) -> None:
        if dtype.kind == "c":  # a NumPy dtype or a corten DType
            raise DeviceUnavailableError(
                f"{dtype} tensors cannot live on {self.device} in this version: the CUDA "
                "kernels take bool, integer and real floating elements; keep complex data "
                "on ct.cpu (or ct.sim), or move the real and imaginary parts separately"
            )

    def allocate(self, numel: int, dtype: np.dtype[Any]) -> Buffer:
        self._check_dtype(dtype)
        return super().allocate(numel, dtype)

    def _buffer(self, block: Block, dtype: np.dtype[Any], numel: int) -> Buffer:
        buf = Buffer(_placeholder(dtype, numel), self.device)
        buf.block = block
        return buf

    # ------------------------------------------------------------------ pointers

    def adopt_pointer(
        self, ptr: int, numel: int, dtype: np.dtype[Any], owner: object, *, readonly: bool
    ) -> Buffer:
        """A Buffer over ``numel`` elements of ``dtype`` at device address ``ptr`` on this
        device, without copying; the Buffer keeps ``owner`` alive. A ``readonly`` Buffer
        is copied before corten writes to it."""
        dtype = np.dtype(dtype)
        self._check_dtype(dtype)
        buf = Buffer(_placeholder(dtype, numel), self.device, readonly=readonly)
        buf.block = _AdoptedBlock(int(ptr), numel * dtype.itemsize, owner)
        return buf

    def _strided(self, t: Region) -> Strided:
        buf = t.buffer
        return _K.Strided(device_pointer(buf) + t.offset * buf.array.itemsize, tuple(t.strides))

    # ------------------------------------------------------------------ streams

    def new_stream(self) -> CudaStream:
        return CudaStream(self.device, self.driver, self.driver.create_stream(self.device.index))

    def _stream(self, stream: Stream | None) -> CudaStream:
        if stream is None:
            return self.current_stream()
        if not isinstance(stream, CudaStream) or stream.device != self.device:
            raise DeviceMismatchError(f"{stream!r} is not a stream of {self.device}")
        return stream

    def synchronize(self) -> None:
        self.driver.device_synchronize(self.device.index)
        self._prune(everything=True)

    def _keep(self, stream: CudaStream, *refs: Any) -> CudaEvent:
        """An event after the work queued on ``stream``; ``refs`` (the memory that work
        uses) stay alive until it has run."""
        event = stream.record_event()
        self._prune()
        with self._pending_lock:
            self._pending.append((event, refs))
        return event

    def _prune(self, everything: bool = False) -> None:
        with self._pending_lock:
            if everything:
                self._pending.clear()
            else:
                self._pending = [p for p in self._pending if not p[0].query()]

    def _launch(self, launches: list[Launch]) -> None:
        raw = self.current_stream().raw
        index = self.device.index
        for launch in launches:
            self.driver.launch(index, raw, launch)

    # ------------------------------------------------------------------ data access

    def access(self, buf: Buffer) -> None:
        raise DeviceMismatchError(
            f"host code cannot read or write memory on {self.device}; call .to_cpu() first"
        )

    # ------------------------------------------------------------------ transfers

    def _copy_from_host(
        self, dst: Buffer, src: Array, *, non_blocking: bool, stream: Stream | None
    ) -> None:
        s = self._stream(stream)
        nbytes = src.nbytes
        if not nbytes:
            return
        self.driver.memcpy(device_pointer(dst), int(src.ctypes.data), nbytes, s.raw)
        if non_blocking:
            self._keep(s, src)  # the source must outlive the copy
        else:
            s.synchronize()

    def to_host(
        self,
        src: Region,
        *,
        non_blocking: bool = False,
        stream: Stream | None = None,
    ) -> Buffer:
        if non_blocking:
            dst = self.pinned_host(src.numel, src.dtype)
        else:
            dst = BACKEND_REGISTRY.get(cpu).allocate(src.numel, src.dtype)
        event = self._copy_to_host(dst, src, non_blocking=non_blocking, stream=stream)
        if event is not None:
            DEVICE_STATE.mark_in_flight(dst, event)
        return dst

    def _dense(self, src: Region) -> tuple[int, Any]:
        """The address of ``src``'s elements in row-major order, and what keeps it alive
        (a contiguous copy on this device when ``src`` is strided)."""
        if is_contiguous(src.shape, src.strides):
            buf = src.buffer
            return device_pointer(buf) + src.offset * buf.array.itemsize, src
        dense = self.contiguous(src)
        return device_pointer(dense.buffer), dense

    def _copy_to_host(
        self,
        dst: Buffer,
        src: Region,
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        s = self._stream(stream)
        nbytes = src.numel * src.dtype.itemsize
        if not nbytes:
            return None
        ptr, keep = self._dense(src)  # a strided source is made dense on the current stream
        if s is not self.current_stream():
            # the source (and its dense copy) is produced in the current stream's order
            s.wait_event(self.current_stream().record_event())
        self.driver.memcpy(int(dst.array.ctypes.data), ptr, nbytes, s.raw)
        if non_blocking:
            return self._keep(s, keep, dst)
        s.synchronize()
        return None

    def pinned_host(self, numel: int, dtype: np.dtype[Any]) -> Buffer:
        block = self.pinned_allocator.allocate(numel * dtype.itemsize)
        buf = Buffer(block.memory[: numel * dtype.itemsize].view(dtype), cpu)
        buf.block = block
        DEVICE_STATE.pinned.add(buf)
        return buf

    def copy_buffer(self, buf: Buffer) -> Buffer:
        numel = buf.array.size
        new = self.allocate(numel, buf.array.dtype)
        nbytes = numel * buf.array.itemsize
        if nbytes:
            self.driver.memcpy(
                device_pointer(new), device_pointer(buf), nbytes, self.current_stream().raw
            )
        return new

    def copy_peer(self, src: Region) -> Buffer:
        source = BACKEND_REGISTRY.get(src.device)
        if not isinstance(source, CudaBackend):
            return super().copy_peer(src)
        ptr, keep = source._dense(src)
        source.current_stream().synchronize()  # the source's work has run
        dst = self.allocate(src.numel, src.dtype)
        nbytes = src.numel * src.dtype.itemsize
        if nbytes:
            stream = self.current_stream()
            # cuMemcpyPeerAsync on a GPU: pool memory is not mapped into other devices.
            self.driver.memcpy_peer(
                device_pointer(dst), self.device.index, ptr, source.device.index, nbytes, stream.raw
            )
            stream.synchronize()  # ``keep`` may be freed on the source's stream after this
        del keep
        return dst

    # ------------------------------------------------------------------ compute

    def _new(self, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Region:
        return Region.whole(self.allocate(_numel(shape), dtype), shape)

    def _operand(self, b: Any, shape: tuple[int, ...]) -> Operand:
        """A kernel operand for ``b`` (a tensor on this device, or a scalar) broadcast
        to ``shape``."""
        if isinstance(b, Region):
            return self._broadcast(b, shape)
        return _scalar(b)

    def _broadcast(self, b: Region, shape: tuple[int, ...]) -> Strided:
        """``b``'s elements broadcast to ``shape``, as a kernel operand."""
        s = self._strided(b)
        return _K.Strided(s.ptr, _broadcast_strides(b.shape, b.strides, shape))

    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: Region,
        b: Any,
        reflected: bool,
    ) -> Region:
        name = _op_name(op, _BINARY)
        b_shape: tuple[int, ...] = b.shape if isinstance(b, Region) else ()
        try:
            shape = tuple(np.broadcast_shapes(a.shape, b_shape))
        except ValueError as exc:
            raise ShapeError(
                f"shapes {a.shape} and {b_shape} cannot be broadcast together"
            ) from exc
        in_dtype = a.dtype
        out_dtype = _result_dtype(op, in_dtype, 2)
        out = self._new(shape, out_dtype)
        if out.numel:
            x = self._operand(a, shape)
            y = self._operand(b, shape)
            if reflected:
                x, y = y, x
            self._launch(_K.binary(name, self._strided(out), out_dtype, shape, x, y, in_dtype))
        return out

    def unary(self, op: Callable[[Any], Any], a: Region) -> Region:
        name = _op_name(op, _UNARY)
        in_dtype = a.dtype
        out_dtype = _result_dtype(op, in_dtype, 1)
        out = self._new(a.shape, out_dtype)
        if out.numel:
            self._launch(
                _K.unary(name, self._strided(out), out_dtype, a.shape, self._strided(a), in_dtype)
            )
        return out

    def reduce(self, name: str, a: Region, axis: Any, keepdims: bool) -> Region:
        ndim = len(a.shape)
        if axis is None:
            red = tuple(range(ndim))
        elif isinstance(axis, (int, np.integer)):
            red = (int(axis),)
        else:
            red = tuple(sorted(int(x) for x in axis))
        kept = tuple(i for i in range(ndim) if i not in red)
        probe = np.ones((1,) * ndim, dtype=a.dtype)
        with np.errstate(all="ignore"):
            out_dtype = np.asarray(getattr(np, name)(probe, axis=axis)).dtype
        kept_shape = tuple(a.shape[i] for i in kept)
        if keepdims:
            shape = tuple(1 if i in red else a.shape[i] for i in range(ndim))
        else:
            shape = kept_shape
        if name == "mean" and not _numel(tuple(a.shape[i] for i in red)):
            warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=2)  # as NumPy
        out = self._new(shape, out_dtype)
        if out.numel:
            src = self._strided(a)
            kept_src = _K.Strided(src.ptr, tuple(a.strides[i] for i in kept))
            dst = _K.Strided(self._strided(out).ptr, _contiguous_strides(kept_shape))
            plan = _K.reduce(
                name,
                dst,
                out_dtype,
                kept_shape,
                kept_src,
                a.dtype,
                tuple(a.shape[i] for i in red),
                tuple(a.strides[i] for i in red),
            )
            scratch = self.allocator.allocate(plan.scratch_bytes) if plan.scratch_bytes else None
            self._launch(plan.launches(0 if scratch is None else int(scratch.memory.ptr)))
            if scratch is not None:
                self.allocator.free(scratch)  # ordered after the launches on the stream
        return out

    def _copy_into(
        self,
        dst: Strided,
        dst_dtype: np.dtype[Any],
        shape: tuple[int, ...],
        src: Strided,
        src_dtype: np.dtype[Any],
    ) -> None:
        if _numel(shape):
            self._launch(_K.copy(dst, dst_dtype, shape, src, src_dtype))

    def cast(self, a: Region, dtype: np.dtype[Any]) -> Region:
        out = self._new(a.shape, dtype)
        self._copy_into(self._strided(out), dtype, a.shape, self._strided(a), a.dtype)
        return out

    def contiguous(self, a: Region) -> Region:
        return self.cast(a, a.dtype)

    def _upload_offsets(self, offsets: Array) -> Buffer:
        return self.from_host(np.ascontiguousarray(offsets, dtype=np.int64))

    def gather(self, a: Region, index: Any) -> Region:
        sel = _element_offsets((a.shape, a.strides, a.offset))[index]
        dtype = a.dtype
        out = self._new(sel.shape, dtype)
        if sel.size:
            offsets = self._upload_offsets(sel)
            self._launch(
                _K.gather(
                    device_pointer(out.buffer),
                    dtype,
                    sel.size,
                    device_pointer(a.buffer),
                    device_pointer(offsets),
                )
            )
        return out

    def fill(self, buf: Buffer, value: Any) -> None:
        numel = buf.array.size
        if numel:
            self._launch(_K.fill(device_pointer(buf), buf.array.dtype, numel, _scalar(value)))

    # ------------------------------------------------------------------ writes

    def _value(self, dst: Buffer, value: Any) -> Any:
        """``value`` as a tensor that does not share ``dst`` (copied if it does), or a scalar."""
        if isinstance(value, Region) and value.buffer is dst:
            return self.contiguous(value)
        return value

    def assign(self, dst: Buffer, layout: Layout, value: Any) -> None:
        shape, strides, offset = layout
        n = _numel(shape)
        if not n:
            return
        dtype = dst.array.dtype
        ptr = device_pointer(dst) + offset * dtype.itemsize
        if not isinstance(value, Region):
            if _is_contiguous(shape, strides):
                self._launch(_K.fill(ptr, dtype, n, _scalar(value)))
                return
            one = self.allocate(1, dtype)
            self.fill(one, value)
            src = _K.Strided(device_pointer(one), (0,) * len(shape))
            self._copy_into(_K.Strided(ptr, strides), dtype, shape, src, dtype)
            return
        value = self._value(dst, value)
        src = self._broadcast(value, shape)
        self._copy_into(_K.Strided(ptr, strides), dtype, shape, src, dtype)

    def inplace(self, op: Callable[..., Any], dst: Buffer, layout: Layout, value: Any) -> None:
        shape, strides, offset = layout
        if not _numel(shape):
            return
        name = _op_name(op, _BINARY)
        dtype = dst.array.dtype
        out = _K.Strided(device_pointer(dst) + offset * dtype.itemsize, strides)
        value = self._value(dst, value)
        self._launch(_K.binary(name, out, dtype, shape, out, self._operand(value, shape), dtype))

    def scatter(self, dst: Buffer, layout: Layout, index: Any, value: Any) -> None:
        sel = _element_offsets(layout)[index]
        if not sel.size:
            return
        dtype = dst.array.dtype
        src: Any
        if isinstance(value, Region):
            dense = self._new(sel.shape, dtype)  # broadcast and copied away from ``dst``
            self._copy_into(
                self._strided(dense), dtype, sel.shape, self._broadcast(value, sel.shape), dtype
            )
            src = _K.Strided(device_pointer(dense.buffer), (1,))
        else:
            src = _scalar(value)
        offsets = self._upload_offsets(sel)
        self._launch(_K.scatter(device_pointer(dst), dtype, sel.size, device_pointer(offsets), src))
