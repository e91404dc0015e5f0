"""The ``sim`` device: a NumPy-backed accelerator with CUDA's semantics.

It exists so that device code can be tested without a GPU, and it is strict where a GPU
is strict:

- The host cannot touch its memory implicitly: ``numpy()``, ``__array__``, ``tolist()``
  and iteration raise until ``to_cpu()``. A Python scalar of one element (``item()``,
  ``float()``, ``bool()``...) waits for the stream and copies that element, as on a GPU.
- ``empty`` memory is garbage (the byte ``0xCD``), never zeros; freed memory is
  poisoned (``0xDD``) and kept in a cache, so a stale alias sees garbage, and any use of a
  freed block by queued work raises :class:`UseAfterFreeError`.
- Work on a stream is deferred: a non-blocking copy from pinned memory, or to the host,
  runs only when its stream is synchronized, an event after it is waited on, or later
  work on the same stream needs it. Computation runs in stream order: before it runs, the
  current stream's queue is drained, but other streams' queues are not, so work that
  reads a tensor produced on another stream without ``wait_event`` reads garbage, as it
  would on a GPU.
- ``sim:0`` and ``sim:1`` exist (two devices for cross-device tests); each has a memory
  capacity (16 GiB by default, :meth:`SimBackend.set_capacity`) past which allocation
  fails with :class:`~corten.core.errors.OutOfMemoryError`.

Examples
--------
>>> import corten as ct
>>> t = ct.arange(4, device=ct.sim)
>>> (t * 2).to_cpu().tolist()
[0, 2, 4, 6]
>>> try:
...     t.tolist()
... except ct.DeviceMismatchError as exc:
...     print(exc)
tolist() needs the data on the cpu, the tensor is on sim:0; call .to_cpu() first
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar, Final

import numpy as np

from corten.backends.base import (
    BACKEND_REGISTRY,
    Allocator,
    CurrentStream,
    Event,
    NumpyBackend,
    Stream,
    aligned_bytes,
)
from corten.core.devices import Device, Sim
from corten.core.errors import CortenError, DeviceMismatchError
from corten.memory.region import Region, raw_array
from corten.memory.storage import DEVICE_STATE, Buffer

__all__ = ["SimAllocator", "SimBackend", "SimEvent", "SimStream", "UseAfterFreeError"]

Array = np.ndarray[Any, Any]

#: How many sim devices exist (``sim:0`` .. ``sim:1``).
DEVICE_COUNT: Final = 2
#: The byte that fresh (``empty``) sim memory holds.
GARBAGE: Final = 0xCD
#: The byte that freed sim memory is overwritten with.
POISON: Final = 0xDD


_STREAMS_LOCK: Final = threading.RLock()


class UseAfterFreeError(CortenError, RuntimeError):
    """Work on the sim device touched memory that had been freed."""


class SimAllocator(Allocator):
    """Device memory for ``sim``: 256-byte aligned, garbage-filled, poisoned on free,
    with a cache of freed blocks by size (as a GPU's caching allocator keeps them)."""

    alignment: ClassVar[int] = 256

    def __init__(self, device: Device, capacity: int) -> None:
        super().__init__(device)
        self.capacity = capacity
        self._cache: dict[int, list[Array]] = {}
        self._held = 0  # bytes taken from the host, cache included
        self._cache_lock = threading.Lock()

    def _allocate(self, nbytes: int) -> Any:
        with self._cache_lock:
            cached = self._cache.get(nbytes)
            if cached:
                return cached.pop()
            if self._held + nbytes > self.capacity:
                raise MemoryError(f"sim capacity {self.capacity} bytes reached")
            self._held += nbytes
        memory = aligned_bytes(nbytes, self.alignment)
        memory.fill(GARBAGE)
        return memory

    def _free(self, memory: Any, nbytes: int, poison: int = POISON) -> None:
        # ``poison`` is bound at definition: blocks may be freed at interpreter exit,
        # after the module's globals are gone.
        memory.fill(poison)
        with self._cache_lock:
            self._cache.setdefault(nbytes, []).append(memory)

    def _trim(self) -> None:
        with self._cache_lock:
            for size, blocks in self._cache.items():
                self._held -= size * len(blocks)
            self._cache.clear()

    def _reserved(self) -> int:
        return self._held


class SimEvent(Event):
    """A point in a :class:`SimStream`'s queue."""

    def __init__(self, stream: SimStream, seq: int) -> None:
        self.stream = stream
        self.seq = seq

    def synchronize(self) -> None:
        self.stream._run_until(self.seq)

    def query(self) -> bool:
        return self.stream._done >= self.seq


class SimStream(Stream):
    """A queue of deferred work on one sim device; nothing runs until it is needed."""

    def __init__(self, device: Device) -> None:
        self.device = device
        self._jobs: deque[tuple[int, Callable[[], None]]] = deque()
        self._issued = 0
        self._done = 0
        # One lock for every sim stream: a queued wait_event drains another stream while
        # this one is being drained, and streams that wait on each other from two threads
        # would deadlock on locks of their own.
        self._lock = _STREAMS_LOCK

    def __repr__(self) -> str:
        return f"<SimStream on {self.device}: {len(self._jobs)} queued>"

    def enqueue(self, job: Callable[[], None]) -> int:
        """Queue ``job``; return its sequence number."""
        with self._lock:
            self._issued += 1
            self._jobs.append((self._issued, job))
            return self._issued

    @property
    def pending(self) -> int:
        """How many jobs are queued and have not run."""
        return len(self._jobs)

    def _run_until(self, seq: int) -> None:
        with self._lock:
            while self._jobs and self._jobs[0][0] <= seq:
                n, job = self._jobs.popleft()
                self._done = n
                job()

    def synchronize(self) -> None:
        self._run_until(self._issued)

    def record_event(self) -> SimEvent:
        return SimEvent(self, self._issued)

    def wait_event(self, event: Event) -> None:
        self.enqueue(event.synchronize)

    def query(self) -> bool:
        """Whether all queued work has run."""
        return not self._jobs


def _raw(r: Region) -> Array:
    """``r``'s elements without any device hook (for queued jobs)."""
    return raw_array(r.buffer, r.shape, r.strides, r.offset)


def _check_live(buf: Buffer, what: str) -> None:
    block = getattr(buf, "block", None)
    if block is not None and not block.live:
        raise UseAfterFreeError(
            f"{what} touched sim memory of {block.nbytes} bytes on {buf.device} after it was freed"
        )


class SimBackend(CurrentStream[SimStream], NumpyBackend):
    """The ``sim`` devices (see the module docstring for their semantics)."""

    kind: ClassVar[str] = "sim"
    device_type: ClassVar[type[Device]] = Sim
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {"data", "streams", "pinned_memory", "peer_copy"}
    )
    default_capacity: ClassVar[int] = 16 << 30

    def __init__(self, device: Device) -> None:
        super().__init__(device)
        self._default_stream = SimStream(device)
        self._streams: list[SimStream] = [self._default_stream]
        self._current = threading.local()

    @classmethod
    def unavailable_reason(cls, device: Device) -> str | None:
        if device.index >= DEVICE_COUNT:
            return (
                f"the sim backend simulates {DEVICE_COUNT} devices (sim:0 and sim:1); "
                "use ct.cpu or one of those"
            )
        return None

    def _make_allocator(self) -> Allocator:
        return SimAllocator(self.device, self.default_capacity)

    def set_capacity(self, nbytes: int) -> None:
        """Limit this device's memory to ``nbytes`` (cache included), to test OOM paths."""
        allocator = self.allocator
        assert isinstance(allocator, SimAllocator)
        allocator.capacity = nbytes

    # ------------------------------------------------------------------ streams

    def new_stream(self) -> SimStream:
        stream = SimStream(self.device)
        with _STREAMS_LOCK:
            # Forget streams nobody holds any more once their queue is empty (a dropped
            # stream's queued work still runs at the next synchronize, as on a GPU).
            self._streams = [
                s
                for s in self._streams
                if s._jobs or sys.getrefcount(s) > 3 or s is self._default_stream
            ]
            self._streams.append(stream)
        return stream

    def synchronize(self) -> None:
        for stream in list(self._streams):
            stream.synchronize()

    def _stream(self, stream: Stream | None) -> SimStream:
        if stream is None:
            return self.current_stream()
        if not isinstance(stream, SimStream) or stream.device != self.device:
            raise DeviceMismatchError(f"{stream!r} is not a stream of {self.device}")
        return stream

    # ------------------------------------------------------------------ memory access

    def access(self, buf: Buffer) -> None:
        # Computation runs in stream order: what is queued on the current stream first.
        self.current_stream().synchronize()
        _check_live(buf, "an operation")

    def _copy_from_host(
        self, dst: Buffer, src: Array, *, non_blocking: bool, stream: Stream | None
    ) -> None:
        s = self._stream(stream)
        flat = src.reshape(-1)

        def job() -> None:
            _check_live(dst, "a host-to-device copy")
            np.copyto(dst.array, flat)

        s.enqueue(job)
        if not non_blocking:
            s.synchronize()

    def _copy_to_host(
        self,
        dst: Buffer,
        src: Region,
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        s = self._stream(stream)
        # The job keeps ``src`` (and its ``keep``, a frozen view of the source as it is
        # now: a later write to the source copies away from what the job reads).

        def job() -> None:
            _check_live(src.buffer, "a device-to-host copy")
            np.copyto(dst.array.reshape(src.shape), _raw(src))
            DEVICE_STATE.in_flight.pop(dst, None)

        s.enqueue(job)
        if not non_blocking:
            s.synchronize()
            return None
        return s.record_event()

    def copy_peer(self, src: Region) -> Buffer:
        source = BACKEND_REGISTRY.get(src.device)
        if not isinstance(source, SimBackend):
            return super().copy_peer(src)
        source.current_stream().synchronize()
        _check_live(src.buffer, "a peer copy")
        dst = self.allocate(src.numel, src.dtype)
        np.copyto(dst.array.reshape(src.shape), _raw(src))
        return dst
