"""A CUDA :class:`~corten.backends.cuda.driver.Driver` on host memory, for tests.

"Device" memory is 256-byte aligned host memory, so the CUDA backend's pointers are host
addresses; copies are ``memmove`` by address; streams and events are synchronous (work
has run when a call returns); kernels run through ``cuda_emu.run``, which compiles their
CUDA C++ source with g++ and loops over blocks and threads. Two devices exist, so peer
copies are exercised.

``install()`` makes ``ct.cuda`` use it; ``uninstall()`` restores the real probe.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from corten.backends.base import aligned_bytes
from corten.backends.cuda.driver import DeviceAllocation, Driver

if TYPE_CHECKING:
    from corten.backends.cuda.kernels import Launch

#: Bytes each emulated device holds by default.
DEFAULT_CAPACITY = 1 << 30


class EmulatedStream:
    """A stream of the emulated driver: work runs at once, so it only counts."""

    def __init__(self, device: int, handle: int) -> None:
        self.device = device
        self.handle = handle
        self.launches = 0


class EmulatedEvent:
    """An event of the emulated driver: always complete."""

    def __init__(self, stream: EmulatedStream) -> None:
        self.stream = stream


class EmulatedDriver(Driver):
    """``devices`` GPUs of ``capacity`` bytes each, on host memory (see the module)."""

    def __init__(self, devices: int = 2, capacity: int = DEFAULT_CAPACITY) -> None:
        self.devices = devices
        self.capacity = [capacity] * devices
        self.held = [0] * devices
        self.cache: list[dict[int, list[np.ndarray[Any, Any]]]] = [{} for _ in range(devices)]
        self.live: dict[int, tuple[int, np.ndarray[Any, Any]]] = {}  # ptr -> (device, memory)
        self.pinned: dict[int, np.ndarray[Any, Any]] = {}
        self.memcpys = 0
        self.launches: list[str] = []
        self._lock = threading.Lock()
        self._next_stream = 0x1000
        self._defaults = [self._new_stream(i) for i in range(devices)]

    def _new_stream(self, index: int) -> EmulatedStream:
        with self._lock:
            self._next_stream += 16
            return EmulatedStream(index, self._next_stream)

    def _check_device(self, index: int) -> None:
        if not 0 <= index < self.devices:
            raise ValueError(f"no emulated device {index}")

    # -- devices

    def device_count(self) -> int:
        return self.devices

    def device_name(self, index: int) -> str:
        self._check_device(index)
        return f"emulated GPU {index}"

    def compute_capability(self, index: int) -> tuple[int, int]:
        self._check_device(index)
        return (9, 0)

    def can_access_peer(self, index: int, peer: int) -> bool:
        return True

    def device_synchronize(self, index: int) -> None:
        self._check_device(index)

    # -- memory

    def alloc(self, index: int, nbytes: int, stream: Any) -> DeviceAllocation:
        self._check_device(index)
        with self._lock:
            cached = self.cache[index].get(nbytes)
            if cached:
                memory = cached.pop()
            else:
                if self.held[index] + nbytes > self.capacity[index]:
                    raise MemoryError(
                        f"CUDA_ERROR_OUT_OF_MEMORY: emulated device {index} holds "
                        f"{self.held[index]} of {self.capacity[index]} bytes"
                    )
                self.held[index] += nbytes
                memory = aligned_bytes(max(nbytes, 1), 256)[:nbytes]
                memory.fill(0xCD)  # device memory is never zeroed
            ptr = int(memory.ctypes.data)
            self.live[ptr] = (index, memory)
        return DeviceAllocation(ptr, nbytes, index, memory)

    def free(self, allocation: DeviceAllocation, stream: Any) -> None:
        with self._lock:
            entry = self.live.pop(allocation.ptr, None)
            if entry is None:
                raise AssertionError(f"double free of {allocation!r}")
            index, memory = entry
            memory.fill(0xDD)
            self.cache[index].setdefault(allocation.nbytes, []).append(memory)

    def trim(self, index: int) -> None:
        with self._lock:
            for size, blocks in self.cache[index].items():
                self.held[index] -= size * len(blocks)
            self.cache[index].clear()

    def reserved(self, index: int) -> int | None:
        return self.held[index]

    def alloc_pinned(self, nbytes: int) -> DeviceAllocation:
        memory = aligned_bytes(max(nbytes, 1), 4096)[:nbytes]
        ptr = int(memory.ctypes.data)
        with self._lock:
            self.pinned[ptr] = memory
        return DeviceAllocation(ptr, nbytes, -1, memory)

    def free_pinned(self, allocation: DeviceAllocation) -> None:
        with self._lock:
            del self.pinned[allocation.ptr]

    def memcpy(self, dst: int, src: int, nbytes: int, stream: Any) -> None:
        self.memcpys += 1
        if nbytes:
            ctypes.memmove(dst, src, nbytes)

    # -- streams and events

    def default_stream(self, index: int) -> Any:
        self._check_device(index)
        return self._defaults[index]

    def create_stream(self, index: int) -> Any:
        self._check_device(index)
        return self._new_stream(index)

    def stream_handle(self, stream: Any) -> int:
        return int(stream.handle)

    def stream_synchronize(self, stream: Any) -> None:
        assert isinstance(stream, EmulatedStream)

    def record_event(self, stream: Any) -> Any:
        assert isinstance(stream, EmulatedStream)
        return EmulatedEvent(stream)

    def event_synchronize(self, event: Any) -> None:
        assert isinstance(event, EmulatedEvent)

    def event_query(self, event: Any) -> bool:
        return True

    def stream_wait_event(self, stream: Any, event: Any) -> None:
        assert isinstance(stream, EmulatedStream)
        assert isinstance(event, EmulatedEvent)

    def stream_from_handle(self, index: int, handle: int) -> Any:
        return EmulatedStream(index, handle)

    # -- kernels

    def launch(self, index: int, stream: Any, launch: Launch) -> None:
        import cuda_emu

        self._check_device(index)
        assert isinstance(stream, EmulatedStream)
        assert stream.device == index
        stream.launches += 1
        self.launches.append(launch.kernel.name)
        cuda_emu.run(launch)


def install(driver: EmulatedDriver | None = None) -> EmulatedDriver:
    """Make ``ct.cuda`` run on ``driver`` (a new EmulatedDriver by default)."""
    from corten.backends.cuda import backend as cuda

    driver = EmulatedDriver() if driver is None else driver
    cuda.set_driver(driver)
    return driver


def uninstall() -> None:
    """Give ``ct.cuda`` back its real probe."""
    from corten.backends.cuda import backend as cuda

    cuda.set_driver(None)


@contextmanager
def installed(driver: EmulatedDriver | None = None) -> Iterator[EmulatedDriver]:
    """``install()`` for the duration of a ``with`` block."""
    d = install(driver)
    try:
        yield d
    finally:
        uninstall()
