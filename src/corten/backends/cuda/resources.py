"""CUDA resources through the driver: events, streams, the stream-ordered device
allocator, pinned host memory, and device pointers of Buffers."""

from __future__ import annotations

import sys
import warnings
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from corten.backends.base import (
    Allocator,
    Event,
    Stream,
)
from corten.backends.cuda.driver import DeviceAllocation, Driver
from corten.core.devices import Device
from corten.core.errors import DeviceMismatchError
from corten.memory.storage import Buffer

if TYPE_CHECKING:
    from corten.backends.cuda.backend import CudaBackend


__all__ = [
    "CudaAllocator",
    "CudaEvent",
    "CudaStream",
    "PinnedAllocator",
    "device_pointer",
]

Array = np.ndarray[Any, Any]


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
