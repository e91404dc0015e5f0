"""The ``cuda`` device kind: NVIDIA GPUs through a :class:`~corten.backends._cuda_driver.Driver`.

:class:`CudaBackend` is written against the driver interface alone. By default the driver
is :class:`~corten.backends._cuda_driver.CudaCoreDriver` (``cuda.core``, the ``cuda``
extra); :func:`set_driver` installs another one (corten's test suite installs one that
keeps "device" memory on the host and runs the kernels on the CPU, so that every line of
this module runs in CI without a GPU).

Device memory comes from a stream-ordered pool with statistics
(``ct.memory_stats(ct.cuda)``); a failed allocation empties the cache, retries once and
raises :class:`~corten.errors.OutOfMemoryError`. Compute runs the kernels that
``corten.backends._cuda_kernels`` generates, on the current stream. Host code never reads
device memory: ``numpy()``, ``tolist()`` and friends raise until ``to_cpu()``.

Not yet run on a GPU: with ``CudaCoreDriver`` this module has only been checked by the
tests that run without one (docs/design.md, "Devices and backends"); a GPU run is
recorded in ``docs/gpu-verification.md`` when there is one.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Final

import numpy as np

from corten.backends import _cuda_kernels as _K
from corten.backends._base import (
    Allocator,
    Backend,
    Block,
    CurrentStream,
    Event,
    Stream,
    host_index,
)
from corten.backends._cuda_driver import DeviceAllocation, Driver
from corten.devices import Cuda, Device, cpu
from corten.errors import DeviceMismatchError, ShapeError
from corten.storage import DEVICE_STATE, Buffer

if TYPE_CHECKING:
    from corten.backends._cuda_kernels import Launch, Operand, Strided
    from corten.tensor import Tensor, TensorView

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
    from corten.backends import register_backend

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
            from corten.backends._cuda_driver import CudaCoreDriver

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


def device_pointer(buf: Buffer) -> int:
    """The device address of the first element of a CUDA Buffer.

    Raises
    ------
    DeviceMismatchError
        If ``buf`` is not on a ``cuda`` device.
    """
    if buf.device.kind != "cuda":
        raise DeviceMismatchError(f"a buffer on {buf.device} has no CUDA device pointer")
    return int(buf.block.memory.ptr)


def _placeholder(dtype: np.dtype[Any], numel: int) -> Array:
    """``numel`` read-only elements of ``dtype`` over one element of host memory: what a
    device Buffer's ``array`` is (its shape and dtype; never its data)."""
    one = np.zeros(1, dtype=dtype)
    return np.broadcast_to(one, (numel,))  # (as_strided cannot take ml_dtypes' float8_e5m2)


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides = []
    step = 1
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


def _is_contiguous(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    step = 1
    for d, s in zip(reversed(shape), reversed(strides), strict=True):
        if d == 0:
            return True
        if d != 1 and s != step:
            return False
        step *= d
    return True


def _broadcast_strides(
    shape: tuple[int, ...], strides: tuple[int, ...], to: tuple[int, ...]
) -> tuple[int, ...]:
    """Strides of a ``shape``/``strides`` operand broadcast to ``to`` (0 where repeated)."""
    pad = len(to) - len(shape)
    out = [0] * pad
    for d, s, t in zip(shape, strides, to[pad:], strict=True):
        out.append(0 if d == 1 and t != 1 else s)
    return tuple(out)


def _element_offsets(layout: Layout) -> Array:
    """The element offset of every element of ``layout`` (int64, in its shape)."""
    shape, strides, offset = layout
    acc = np.full(shape, offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides, strict=True)):
        if n > 1 and s:
            ix = [1] * len(shape)
            ix[d] = n
            acc += (np.arange(n, dtype=np.int64) * s).reshape(ix)
    return acc


#: corten's binary operators (``operator`` functions and NumPy ufunc names) to the
#: kernels' op names.
_BINARY: Final = {
    "add": "add",
    "sub": "subtract",
    "subtract": "subtract",
    "mul": "multiply",
    "multiply": "multiply",
    "truediv": "true_divide",
    "true_divide": "true_divide",
    "divide": "true_divide",
    "floordiv": "floor_divide",
    "floor_divide": "floor_divide",
    "mod": "remainder",
    "remainder": "remainder",
    "pow": "power",
    "power": "power",
    "and_": "bitwise_and",
    "bitwise_and": "bitwise_and",
    "or_": "bitwise_or",
    "bitwise_or": "bitwise_or",
    "xor": "bitwise_xor",
    "bitwise_xor": "bitwise_xor",
    "eq": "equal",
    "equal": "equal",
    "ne": "not_equal",
    "not_equal": "not_equal",
    "lt": "less",
    "less": "less",
    "le": "less_equal",
    "less_equal": "less_equal",
    "gt": "greater",
    "greater": "greater",
    "ge": "greater_equal",
    "greater_equal": "greater_equal",
    "maximum": "maximum",
    "minimum": "minimum",
}
_UNARY: Final = {
    "neg": "negative",
    "negative": "negative",
    "pos": "positive",
    "positive": "positive",
    "abs": "absolute",
    "absolute": "absolute",
    "invert": "invert",
    "inv": "invert",
    "bitwise_invert": "invert",
    "logical_not": "invert",
    "sqrt": "sqrt",
    "exp": "exp",
    "log": "log",
    "sin": "sin",
    "cos": "cos",
}


def _op_name(op: Callable[..., Any], table: dict[str, str]) -> str:
    name = getattr(op, "__name__", "")
    found = table.get(name)
    if found is None:
        raise NotImplementedError(f"the cuda backend has no kernel for {op!r}")
    return found


def _result_dtype(op: Callable[..., Any], dtype: np.dtype[Any], arity: int) -> np.dtype[Any]:
    """The dtype NumPy gives ``op`` on operands of ``dtype``."""
    x = np.ones(1, dtype=dtype)
    with np.errstate(all="ignore"):
        out = op(x, x) if arity == 2 else op(x)
    return np.asarray(out).dtype


def _scalar(value: Any) -> bool | int | float:
    return value.item() if isinstance(value, np.generic) else value  # type: ignore[no-any-return]


class CudaEvent(Event):
    """A point in a CUDA stream's work."""

    def __init__(self, driver: Driver, raw: Any) -> None:
        self._driver = driver
        self.raw = raw

    def synchronize(self) -> None:
        self._driver.event_synchronize(self.raw)

    def query(self) -> bool:
        return self._driver.event_query(self.raw)


class CudaStream(Stream):
    """A CUDA stream of one device (``ct.cuda.Stream()``)."""

    def __init__(self, device: Device, driver: Driver, raw: Any) -> None:
        self.device = device
        self._driver = driver
        self.raw = raw

    def __repr__(self) -> str:
        return f"<CudaStream {self.handle:#x} on {self.device}>"

    @property
    def handle(self) -> int:
        """The ``CUstream`` address (0 or 1 for the legacy default stream, 2 for the
        per-thread one, as the driver reports them)."""
        return self._driver.stream_handle(self.raw)

    def __cuda_stream__(self) -> tuple[int, int]:
        return (0, self.handle)

    def synchronize(self) -> None:
        self._driver.stream_synchronize(self.raw)

    def record_event(self) -> CudaEvent:
        return CudaEvent(self._driver, self._driver.record_event(self.raw))

    def wait_event(self, event: Event) -> None:
        if not isinstance(event, CudaEvent):
            event.synchronize()  # an event of another kind: the host waits for it
            return
        self._driver.stream_wait_event(self.raw, event.raw)


class CudaAllocator(Allocator):
    """Device memory from the driver's stream-ordered pool, 256-byte aligned.

    Memory is allocated on the backend's current stream and freed on the stream it was
    allocated on, after the work queued so far on the current stream: so the pool cannot
    hand it out again while either stream may still use it. (Work on a third stream
    must be synchronized before the tensor is dropped.)
    """

    alignment: ClassVar[int] = 256

    def __init__(self, backend: CudaBackend) -> None:
        super().__init__(backend.device)
        self._backend = backend
        self._driver = backend.driver
        self._index = backend.device.index
        # The stream each live allocation was made on, by (address, size).
        self._made_on: dict[tuple[int, int], CudaStream] = {}

    def _allocate(self, nbytes: int) -> Any:
        # The driver raises MemoryError for CUDA_ERROR_OUT_OF_MEMORY.
        stream = self._backend.current_stream()
        memory = self._driver.alloc(self._index, nbytes, stream.raw)
        self._made_on[memory.ptr, memory.nbytes] = stream
        return memory

    def _free(self, memory: Any, nbytes: int) -> None:
        try:
            made_on = self._made_on.pop((memory.ptr, memory.nbytes), None)
            current = self._backend.current_stream()
            if made_on is None:
                made_on = current
            elif made_on is not current:
                made_on.wait_event(current.record_event())
            self._driver.free(memory, made_on.raw)
        except Exception as exc:  # often called from a finalizer: say it, do not raise
            if sys.is_finalizing():
                return  # at exit the driver may already be gone
            warnings.warn(
                f"freeing {nbytes} bytes on {self.device} failed ({exc}); the memory leaks",
                RuntimeWarning,
                stacklevel=2,
            )

    def _trim(self) -> None:
        self._backend.synchronize()
        self._driver.trim(self._index)

    def _reserved(self) -> int:
        found = self._driver.reserved(self._index)
        return self._allocated if found is None else max(found, self._allocated)


class _PinnedHolder:
    """The base of the NumPy array over a pinned allocation: frees it with the last
    array over it."""

    __slots__ = ("__array_interface__", "_alloc", "_driver")

    def __init__(self, driver: Driver, alloc: DeviceAllocation) -> None:
        self._driver = driver
        self._alloc = alloc
        self.__array_interface__ = {
            "shape": (alloc.nbytes,),
            "typestr": "|u1",
            "data": (alloc.ptr, False),
            "version": 3,
        }

    def __del__(self) -> None:
        try:  # noqa: SIM105 (at interpreter exit contextlib may be gone already)
            self._driver.free_pinned(self._alloc)
        except Exception:
            pass


class PinnedAllocator(Allocator):
    """Page-locked host memory for one CUDA device's copies (counted, not cached)."""

    alignment: ClassVar[int] = 64

    def __init__(self, device: Device, driver: Driver) -> None:
        super().__init__(device)
        self._driver = driver

    def _allocate(self, nbytes: int) -> Any:
        alloc = self._driver.alloc_pinned(nbytes)
        return np.asarray(_PinnedHolder(self._driver, alloc))

    def _free(self, memory: Any, nbytes: int) -> None:
        pass  # the memory goes back with the last array over it (_PinnedHolder)


class _AdoptedBlock:
    """The ``block`` of a Buffer over foreign device memory: keeps its owner alive."""

    __slots__ = ("live", "memory", "nbytes", "owner")

    def __init__(self, ptr: int, nbytes: int, owner: object) -> None:
        self.memory = DeviceAllocation(ptr, nbytes, -1)
        self.nbytes = nbytes
        self.owner = owner
        self.live = True


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
        buf = Buffer(_placeholder(dtype, numel), self.device, readonly=readonly)
        buf.block = _AdoptedBlock(int(ptr), numel * dtype.itemsize, owner)
        return buf

    def _strided(self, t: TensorView[Any, Any, Any]) -> Strided:
        buf = t._storage.buffer
        return _K.Strided(device_pointer(buf) + t._offset * buf.array.itemsize, tuple(t._strides))

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
        src: TensorView[Any, Any, Any],
        *,
        non_blocking: bool = False,
        stream: Stream | None = None,
    ) -> Buffer:
        from corten.backends import get_backend

        if non_blocking:
            dst = self.pinned_host(src.numel, src.dtype.numpy)
        else:
            dst = get_backend(cpu).allocate(src.numel, src.dtype.numpy)
        event = self._copy_to_host(dst, src, non_blocking=non_blocking, stream=stream)
        if event is not None:
            DEVICE_STATE.mark_in_flight(dst, event)
        return dst

    def _dense(self, src: TensorView[Any, Any, Any]) -> tuple[int, Any]:
        """The address of ``src``'s elements in row-major order, and what keeps it alive
        (a contiguous copy on this device when ``src`` is strided)."""
        if src.is_contiguous:
            buf = src._storage.buffer
            return device_pointer(buf) + src._offset * buf.array.itemsize, buf
        dense = self.contiguous(src)
        return device_pointer(dense._storage.buffer), dense

    def _copy_to_host(
        self,
        dst: Buffer,
        src: TensorView[Any, Any, Any],
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        s = self._stream(stream)
        nbytes = src.numel * src.dtype.numpy.itemsize
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

    def copy_peer(self, src: TensorView[Any, Any, Any]) -> Buffer:
        from corten.backends import get_backend

        source = get_backend(src._device)
        if not isinstance(source, CudaBackend):
            return super().copy_peer(src)
        ptr, keep = source._dense(src)
        source.current_stream().synchronize()  # the source's work has run
        dst = self.allocate(src.numel, src.dtype.numpy)
        nbytes = src.numel * src.dtype.numpy.itemsize
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

    def _new(self, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Tensor[Any, Any, Any]:
        from corten.tensor import _wrap_buffer

        return _wrap_buffer(self.allocate(_numel(shape), dtype), shape)

    def _operand(self, b: Any, shape: tuple[int, ...]) -> Operand:
        """A kernel operand for ``b`` (a tensor on this device, or a scalar) broadcast
        to ``shape``."""
        from corten.tensor import TensorView

        if isinstance(b, TensorView):
            return self._broadcast(b, shape)
        return _scalar(b)

    def _broadcast(self, b: TensorView[Any, Any, Any], shape: tuple[int, ...]) -> Strided:
        """``b``'s elements broadcast to ``shape``, as a kernel operand."""
        s = self._strided(b)
        return _K.Strided(s.ptr, _broadcast_strides(b._shape, b._strides, shape))

    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: TensorView[Any, Any, Any],
        b: Any,
        reflected: bool,
    ) -> Tensor[Any, Any, Any]:
        from corten.tensor import TensorView

        name = _op_name(op, _BINARY)
        b_shape: tuple[int, ...] = b._shape if isinstance(b, TensorView) else ()
        try:
            shape = tuple(np.broadcast_shapes(a._shape, b_shape))
        except ValueError as exc:
            raise ShapeError(
                f"shapes {a.shape} and {b_shape} cannot be broadcast together"
            ) from exc
        in_dtype = a.dtype.numpy
        out_dtype = _result_dtype(op, in_dtype, 2)
        out = self._new(shape, out_dtype)
        if out.numel:
            x = self._operand(a, shape)
            y = self._operand(b, shape)
            if reflected:
                x, y = y, x
            self._launch(_K.binary(name, self._strided(out), out_dtype, shape, x, y, in_dtype))
        return out

    def unary(
        self, op: Callable[[Any], Any], a: TensorView[Any, Any, Any]
    ) -> Tensor[Any, Any, Any]:
        name = _op_name(op, _UNARY)
        in_dtype = a.dtype.numpy
        out_dtype = _result_dtype(op, in_dtype, 1)
        out = self._new(a._shape, out_dtype)
        if out.numel:
            self._launch(
                _K.unary(name, self._strided(out), out_dtype, a._shape, self._strided(a), in_dtype)
            )
        return out

    def reduce(
        self, name: str, a: TensorView[Any, Any, Any], axis: Any, keepdims: bool
    ) -> Tensor[Any, Any, Any]:
        ndim = a.ndim
        if axis is None:
            red = tuple(range(ndim))
        elif isinstance(axis, (int, np.integer)):
            red = (int(axis),)
        else:
            red = tuple(sorted(int(x) for x in axis))
        kept = tuple(i for i in range(ndim) if i not in red)
        probe = np.ones((1,) * ndim, dtype=a.dtype.numpy)
        with np.errstate(all="ignore"):
            out_dtype = np.asarray(getattr(np, name)(probe, axis=axis)).dtype
        kept_shape = tuple(a._shape[i] for i in kept)
        if keepdims:
            shape = tuple(1 if i in red else a._shape[i] for i in range(ndim))
        else:
            shape = kept_shape
        if name == "mean" and not _numel(tuple(a._shape[i] for i in red)):
            warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=2)  # as NumPy
        out = self._new(shape, out_dtype)
        if out.numel:
            src = self._strided(a)
            kept_src = _K.Strided(src.ptr, tuple(a._strides[i] for i in kept))
            dst = _K.Strided(self._strided(out).ptr, _contiguous_strides(kept_shape))
            plan = _K.reduce(
                name,
                dst,
                out_dtype,
                kept_shape,
                kept_src,
                a.dtype.numpy,
                tuple(a._shape[i] for i in red),
                tuple(a._strides[i] for i in red),
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

    def cast(self, a: TensorView[Any, Any, Any], dtype: np.dtype[Any]) -> Tensor[Any, Any, Any]:
        out = self._new(a._shape, dtype)
        self._copy_into(self._strided(out), dtype, a._shape, self._strided(a), a.dtype.numpy)
        return out

    def contiguous(self, a: TensorView[Any, Any, Any]) -> Tensor[Any, Any, Any]:
        return self.cast(a, a.dtype.numpy)

    def _upload_offsets(self, offsets: Array) -> Buffer:
        return self.from_host(np.ascontiguousarray(offsets, dtype=np.int64))

    def gather(self, a: TensorView[Any, Any, Any], index: Any) -> Tensor[Any, Any, Any]:
        index = host_index(index, a._device)
        sel = _element_offsets((a._shape, a._strides, a._offset))[index]
        dtype = a.dtype.numpy
        out = self._new(sel.shape, dtype)
        if sel.size:
            offsets = self._upload_offsets(sel)
            self._launch(
                _K.gather(
                    device_pointer(out._storage.buffer),
                    dtype,
                    sel.size,
                    device_pointer(a._storage.buffer),
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
        from corten.tensor import TensorView

        if isinstance(value, TensorView) and value._storage.buffer is dst:
            return self.contiguous(value)
        return value

    def assign(self, dst: Buffer, layout: Layout, value: Any) -> None:
        from corten.tensor import TensorView

        shape, strides, offset = layout
        n = _numel(shape)
        if not n:
            return
        dtype = dst.array.dtype
        ptr = device_pointer(dst) + offset * dtype.itemsize
        if not isinstance(value, TensorView):
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
        from corten.tensor import TensorView

        sel = _element_offsets(layout)[host_index(index, self.device)]
        if not sel.size:
            return
        dtype = dst.array.dtype
        src: Any
        if isinstance(value, TensorView):
            dense = self._new(sel.shape, dtype)  # broadcast and copied away from ``dst``
            self._copy_into(
                self._strided(dense), dtype, sel.shape, self._broadcast(value, sel.shape), dtype
            )
            src = _K.Strided(device_pointer(dense._storage.buffer), (1,))
        else:
            src = _scalar(value)
        offsets = self._upload_offsets(sel)
        self._launch(_K.scatter(device_pointer(dst), dtype, sel.size, device_pointer(offsets), src))
