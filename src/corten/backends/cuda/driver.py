"""The only interface through which corten talks to CUDA: :class:`Driver`.

The CUDA backend (``corten.backends.cuda.backend``) is written against :class:`Driver`
alone, so that everything above it runs without a GPU: the test suite installs a driver
that keeps "device" memory on the host and runs the kernels' CUDA C++ sources on the CPU.
The implementation on ``cuda.core`` is :class:`~corten.backends.cuda.core_driver.CudaCoreDriver`.

Pointers are plain ``int`` byte addresses throughout. Every asynchronous verb takes the
stream it is ordered on (an object the driver made, see :meth:`Driver.create_stream`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from corten.backends.cuda.kernels import Launch

__all__ = ["DeviceAllocation", "Driver", "DriverError", "kernel_args"]


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
        """Copy ``nbytes`` between any two addresses of one device or the host, ordered
        on ``stream``. From or to pageable host memory it returns when the host side is
        done; otherwise it may still be running."""

    def memcpy_peer(
        self, dst: int, dst_index: int, src: int, src_index: int, nbytes: int, stream: Any
    ) -> None:
        """Copy ``nbytes`` of device ``src_index``'s memory to device ``dst_index``'s,
        ordered on ``stream`` (a stream of ``dst_index``). Default: :meth:`memcpy`."""
        self.memcpy(dst, src, nbytes, stream)

    def make_current(self, index: int) -> None:
        """Make device ``index`` the calling thread's current CUDA device (for libraries
        such as numba-cuda that work on the current context). Default: nothing."""
        return None

    # -- streams and events

    @abstractmethod
    def default_stream(self, index: int) -> Any:
        """The device's default stream."""

    @abstractmethod
    def create_stream(self, index: int) -> Any:
        """A new stream on the device."""

    @abstractmethod
    def stream_handle(self, stream: Any) -> int:
        """The ``CUstream`` address of ``stream``: 0 or ``CU_STREAM_LEGACY`` (1) for the
        legacy default stream, ``CU_STREAM_PER_THREAD`` (2) for the per-thread one."""

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
    >>> from corten.backends.cuda.driver import kernel_args
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
