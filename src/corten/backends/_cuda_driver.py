"""The only code in corten that talks to CUDA: the :class:`Driver` interface and its
implementation on ``cuda.core`` (:class:`CudaCoreDriver`).

The CUDA backend (``corten.backends.cuda``) is written against :class:`Driver` alone, so
that everything above this module runs without a GPU: the test suite installs a driver
that keeps "device" memory on the host and runs the kernels' CUDA C++ sources on the CPU.

Pointers are plain ``int`` byte addresses throughout. Every asynchronous verb takes the
stream it is ordered on (an object the driver made, see :meth:`Driver.create_stream`).

:class:`CudaCoreDriver` has not yet run on a GPU: no machine it was written on had one.
Its argument conversion (:func:`kernel_args`) is tested without a driver.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from corten.backends._cuda_kernels import Launch

__all__ = ["CudaCoreDriver", "DeviceAllocation", "Driver", "DriverError", "kernel_args"]


class DriverError(RuntimeError):
    """A CUDA call failed (the message carries the driver's own words)."""


class DeviceAllocation:
    """Memory a :class:`Driver` handed out: ``ptr`` (byte address) and ``nbytes``.

    ``raw`` is the driver's own object for it (kept alive with the allocation).
    """

    __slots__ = ("__weakref__", "device", "nbytes", "ptr", "raw")

    def __init__(self, ptr: int, nbytes: int, device: int, raw: Any = None) -> None:
        self.ptr = ptr
        self.nbytes = nbytes
        self.device = device
        self.raw = raw

    def __repr__(self) -> str:
        return f"<DeviceAllocation {self.nbytes} bytes at {self.ptr:#x} on device {self.device}>"


class Driver(ABC):
    """What the CUDA backend needs from a CUDA driver.

    Device indices are CUDA ordinals. ``stream`` arguments are objects that this driver
    made (:meth:`default_stream`, :meth:`create_stream`); events likewise.
    """

    # -- devices

    @abstractmethod
    def device_count(self) -> int:
        """How many GPUs can be used (0 when none); raise DriverError when no driver."""

    @abstractmethod
    def device_name(self, index: int) -> str:
        """The GPU's name."""

    @abstractmethod
    def compute_capability(self, index: int) -> tuple[int, int]:
        """``(major, minor)``."""

    @abstractmethod
    def can_access_peer(self, index: int, peer: int) -> bool:
        """Whether device ``index`` can read ``peer``'s memory directly."""

    @abstractmethod
    def device_synchronize(self, index: int) -> None:
        """Wait until all work on the device has run."""

    # -- memory

    @abstractmethod
    def alloc(self, index: int, nbytes: int, stream: Any) -> DeviceAllocation:
        """Device memory, ordered on ``stream``; raise MemoryError when there is none."""

    @abstractmethod
    def free(self, allocation: DeviceAllocation, stream: Any) -> None:
        """Give device memory back, ordered on ``stream``."""

    def trim(self, index: int) -> None:
        """Give the memory pool's unused memory back to the system (default: nothing)."""
        return None

    def reserved(self, index: int) -> int | None:
        """Bytes the device's pool holds, or None when unknown."""
        return None

    @abstractmethod
    def alloc_pinned(self, nbytes: int) -> DeviceAllocation:
        """Page-locked host memory; raise MemoryError when there is none."""

    @abstractmethod
    def free_pinned(self, allocation: DeviceAllocation) -> None:
        """Give page-locked host memory back."""

    @abstractmethod
    def memcpy(self, dst: int, src: int, nbytes: int, stream: Any) -> None:
        """Copy ``nbytes`` between any two addresses (host, device, or two devices),
        ordered on ``stream``. From or to pageable host memory it returns when the host
        side is done; otherwise it may still be running."""

    # -- streams and events

    @abstractmethod
    def default_stream(self, index: int) -> Any:
        """The device's default stream."""

    @abstractmethod
    def create_stream(self, index: int) -> Any:
        """A new stream on the device."""

    @abstractmethod
    def stream_handle(self, stream: Any) -> int:
        """The ``CUstream`` address of ``stream`` (0 for the legacy default stream)."""

    @abstractmethod
    def stream_synchronize(self, stream: Any) -> None:
        """Wait until all work queued on ``stream`` has run."""

    @abstractmethod
    def record_event(self, stream: Any) -> Any:
        """A new event recorded on ``stream`` now."""

    @abstractmethod
    def event_synchronize(self, event: Any) -> None:
        """Wait until the work before ``event`` has run."""

    @abstractmethod
    def event_query(self, event: Any) -> bool:
        """Whether the work before ``event`` has run."""

    @abstractmethod
    def stream_wait_event(self, stream: Any, event: Any) -> None:
        """Make later work on ``stream`` wait for ``event`` (the host does not wait)."""

    def stream_from_handle(self, index: int, handle: int) -> Any:
        """A stream object for a ``CUstream`` that another library made (corten never
        destroys it). Drivers that cannot wrap one raise NotImplementedError."""
        raise NotImplementedError(f"{type(self).__name__} cannot wrap foreign streams")

    # -- kernels

    @abstractmethod
    def launch(self, index: int, stream: Any, launch: Launch) -> None:
        """Run ``launch`` on device ``index``, ordered on ``stream``. The kernel's source
        is compiled once per device and kept."""


#: NumPy scalar types for the C kinds of kernel parameters (a pointer is 8 bytes).
_ARG_TYPES: Final[dict[str, Any]] = {
    "ptr": np.uint64,
    "i64": np.int64,
    "u64": np.uint64,
    "i32": np.int32,
    "u32": np.uint32,
    "i16": np.int16,
    "u16": np.uint16,
    "i8": np.int8,
    "u8": np.uint8,
    "bool": np.bool_,
    "f64": np.float64,
    "f32": np.float32,
    "f16": np.float16,
}


def kernel_args(params: tuple[str, ...], args: tuple[int | float, ...]) -> list[Any]:
    """``args`` as NumPy scalars of the C kinds in ``params``, which is what
    ``cuda.core.launch`` packs into a kernel's parameter buffer.

    Pointers (``"ptr"``) become 8-byte unsigned integers; integers must fit their kind.

    Raises
    ------
    ValueError
        If the counts differ, a kind is unknown, or an integer does not fit its kind.

    Examples
    --------
    >>> from corten.backends._cuda_driver import kernel_args
    >>> [type(a).__name__ for a in kernel_args(("ptr", "i64", "f32"), (4096, -1, 0.5))]
    ['uint64', 'int64', 'float32']
    """
    if len(params) != len(args):
        raise ValueError(f"the kernel takes {len(params)} arguments, {len(args)} were given")
    out: list[Any] = []
    for kind, value in zip(params, args, strict=True):
        typ = _ARG_TYPES.get(kind)
        if typ is None:
            raise ValueError(f"unknown kernel parameter kind {kind!r}")
        if typ is np.bool_:
            out.append(np.bool_(bool(value)))
        elif np.issubdtype(typ, np.integer):
            if isinstance(value, (float, np.floating)):
                raise ValueError(f"a {kind} kernel argument must be an integer, got {value!r}")
            info = np.iinfo(typ)
            v = int(value)
            if not info.min <= v <= info.max:
                raise ValueError(f"{v} does not fit a {kind} kernel argument")
            out.append(typ(v))
        else:
            out.append(typ(value))
    return out


def _import_core() -> Any:
    """The ``cuda.core`` module of 1.x, or the ``experimental`` one of older releases."""
    try:
        import cuda.core as core

        if hasattr(core, "Device"):
            return core
    except ImportError:
        pass
    import cuda.core.experimental as experimental

    return experimental


def _check(result: Any, what: str) -> Any:
    """The values of a ``cuda.bindings`` call after its error code, or DriverError."""
    from cuda.bindings import driver as cu

    err, *rest = result if isinstance(result, tuple) else (result,)
    if err != cu.CUresult.CUDA_SUCCESS:
        if err == cu.CUresult.CUDA_ERROR_OUT_OF_MEMORY:
            raise MemoryError(f"{what}: CUDA_ERROR_OUT_OF_MEMORY")
        raise DriverError(f"{what} failed: {err!r}")
    return rest[0] if len(rest) == 1 else tuple(rest)


def _is_oom(exc: BaseException) -> bool:
    return "OUT_OF_MEMORY" in str(exc) or "out of memory" in str(exc).lower()


class CudaCoreDriver(Driver):
    """:class:`Driver` on ``cuda.core`` 1.x, with ``cuda.bindings.driver`` for the verbs
    that ``cuda.core`` lacks (copies by address, pool trimming).

    Device memory comes from each device's stream-ordered pool
    (``DeviceMemoryResource``), pinned host memory from ``LegacyPinnedMemoryResource``,
    kernels from NVRTC (``Program(..., "c++").compile("cubin")`` for the device's own
    architecture).

    Not yet run on a GPU.
    """

    def __init__(self) -> None:
        self._core = _import_core()
        self._lock = threading.Lock()
        self._devices: dict[int, Any] = {}
        self._pools: dict[int, Any] = {}
        self._pinned: Any = None
        self._kernels: dict[tuple[int, str, str], Any] = {}
        self._initialized = False

    # -- devices

    def _init(self) -> None:
        if not self._initialized:
            from cuda.bindings import driver as cu

            _check(cu.cuInit(0), "cuInit")
            self._initialized = True

    def _device(self, index: int) -> Any:
        """The ``cuda.core`` Device ``index``, made current on this thread."""
        dev = self._devices.get(index)
        if dev is None:
            self._init()
            dev = self._core.Device(index)
            self._devices[index] = dev
        dev.set_current()
        return dev

    def device_count(self) -> int:
        from cuda.bindings import driver as cu

        try:
            self._init()
        except DriverError as exc:
            if "NO_DEVICE" in str(exc):
                return 0
            raise
        return int(_check(cu.cuDeviceGetCount(), "cuDeviceGetCount"))

    def device_name(self, index: int) -> str:
        return str(self._device(index).name)

    def compute_capability(self, index: int) -> tuple[int, int]:
        cc = self._device(index).compute_capability
        return int(cc.major), int(cc.minor)

    def can_access_peer(self, index: int, peer: int) -> bool:
        if index == peer:
            return True
        return bool(self._device(index).can_access_peer(peer))

    def device_synchronize(self, index: int) -> None:
        self._device(index).sync()

    # -- memory

    def _pool(self, index: int) -> Any:
        pool = self._pools.get(index)
        if pool is None:
            pool = self._core.DeviceMemoryResource(self._device(index))
            self._pools[index] = pool
        return pool

    def alloc(self, index: int, nbytes: int, stream: Any) -> DeviceAllocation:
        pool = self._pool(index)
        try:
            buf = pool.allocate(max(nbytes, 1), stream=stream)
        except Exception as exc:
            if _is_oom(exc):
                raise MemoryError(str(exc)) from exc
            raise
        return DeviceAllocation(int(buf.handle), nbytes, index, buf)

    def free(self, allocation: DeviceAllocation, stream: Any) -> None:
        allocation.raw.close(stream)

    def trim(self, index: int) -> None:
        from cuda.bindings import driver as cu

        pool = self._pools.get(index)
        if pool is not None:
            self._device(index).sync()
            _check(cu.cuMemPoolTrimTo(pool.handle, 0), "cuMemPoolTrimTo")

    def reserved(self, index: int) -> int | None:
        pool = self._pools.get(index)
        if pool is None:
            return 0
        try:
            return int(pool.attributes.reserved_mem_current)
        except Exception:
            return None

    def alloc_pinned(self, nbytes: int) -> DeviceAllocation:
        if self._pinned is None:
            self._pinned = self._core.LegacyPinnedMemoryResource()
        try:
            buf = self._pinned.allocate(max(nbytes, 1))
        except Exception as exc:
            if _is_oom(exc):
                raise MemoryError(str(exc)) from exc
            raise
        return DeviceAllocation(int(buf.handle), nbytes, -1, buf)

    def free_pinned(self, allocation: DeviceAllocation) -> None:
        allocation.raw.close()

    def memcpy(self, dst: int, src: int, nbytes: int, stream: Any) -> None:
        from cuda.bindings import driver as cu

        if nbytes:
            _check(cu.cuMemcpyAsync(dst, src, nbytes, self.stream_handle(stream)), "cuMemcpyAsync")

    # -- streams and events

    def default_stream(self, index: int) -> Any:
        return self._device(index).default_stream

    def create_stream(self, index: int) -> Any:
        return self._device(index).create_stream()

    def stream_handle(self, stream: Any) -> int:
        return int(stream.handle)

    def stream_synchronize(self, stream: Any) -> None:
        stream.sync()

    def record_event(self, stream: Any) -> Any:
        return stream.record()

    def event_synchronize(self, event: Any) -> None:
        event.sync()

    def event_query(self, event: Any) -> bool:
        return bool(event.is_done)

    def stream_wait_event(self, stream: Any, event: Any) -> None:
        stream.wait(event)

    def stream_from_handle(self, index: int, handle: int) -> Any:
        self._device(index)
        return self._core.Stream.from_handle(handle)

    # -- kernels

    def _kernel(self, index: int, name: str, source: str) -> Any:
        key = (index, name, source)
        found = self._kernels.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._kernels.get(key)
            if found is None:
                major, minor = self.compute_capability(index)
                options = self._core.ProgramOptions(arch=f"sm_{major}{minor}", name=name)
                code = self._core.Program(source, "c++", options).compile("cubin")
                found = code.get_kernel(name)
                self._kernels[key] = found
        return found

    def launch(self, index: int, stream: Any, launch: Launch) -> None:
        kernel = launch.kernel
        compiled = self._kernel(index, kernel.name, kernel.source)
        self._device(index)
        config = self._core.LaunchConfig(grid=launch.grid, block=launch.block)
        self._core.launch(stream, config, compiled, *kernel_args(kernel.params, launch.args))
