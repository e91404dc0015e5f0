"""The device interface: allocators with statistics, streams and events, and ``Backend``.

A :class:`Backend` serves one device (``cpu``, ``sim:1``, ...). Its public verbs
(``allocate``, ``from_host``, ``to_host``, ``copy_peer``, ``synchronize`` and the compute
verbs that tensor operations call) check their arguments and call underscore hooks that
each backend implements. What a backend can do beyond the required hooks is declared in
:attr:`Backend.capabilities`, never probed.

:class:`NumpyBackend` implements every compute hook with NumPy over memory that NumPy can
address (the CPU, the ``sim`` device, out-of-tree backends for host-visible memory).
"""

from __future__ import annotations

import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar

import numpy as np

from corten._convert import reduce_array
from corten.devices import Device, cpu
from corten.errors import DeviceMismatchError, DeviceUnavailableError, OutOfMemoryError, ShapeError
from corten.storage import DEVICE_STATE, Buffer

if TYPE_CHECKING:
    from corten.tensor import Tensor, TensorView

__all__ = ["Allocator", "Backend", "Block", "Event", "NumpyBackend", "Stream", "host_index"]

Array = np.ndarray[Any, Any]
#: A tensor's layout over its Buffer: shape, strides and offset, in elements.
Layout = tuple[tuple[int, ...], tuple[int, ...], int]


def host_index(idx: object, device: Device) -> Any:
    """An advanced index with its tensors replaced by host NumPy arrays.

    Index tensors must be on ``device`` (the indexed tensor's); those on a device the
    host cannot read are copied to the host first.

    Raises
    ------
    DeviceMismatchError
        If an index tensor is on another device.
    """
    from corten.tensor import TensorView

    def array(i: TensorView[Any, Any, Any]) -> Array:
        if i._device is not device:
            raise DeviceMismatchError(
                f"an index tensor on {i._device} for a tensor on {device}; move the index "
                f"with .to({str(device)!r})"
            )
        return i._host_np()

    if isinstance(idx, TensorView):
        return array(idx)
    if isinstance(idx, tuple):
        return tuple(array(i) if isinstance(i, TensorView) else i for i in idx)
    return idx


#: Capabilities a backend may declare.
CAPABILITIES: Final = frozenset(
    {
        "host_access",  # NumPy may read its memory directly (numpy() needs no copy)
        "streams",  # asynchronous work queues, events, non-blocking copies
        "pinned_memory",  # page-locked host memory for faster non-blocking copies
        "peer_copy",  # copies between two devices of this kind without the host
        "data",  # tensors hold elements (``meta`` declares no data)
    }
)


class Block:
    """One allocation handed out by an :class:`Allocator`.

    ``memory`` is the allocation (for NumPy-addressable devices a ``uint8`` array of
    ``nbytes``). The block gives its memory back when it is garbage-collected, or
    earlier through :meth:`Allocator.free`; ``live`` is False from then on, which is how
    a use after free is detected.
    """

    __slots__ = ("__weakref__", "allocator", "live", "memory", "nbytes")
    allocator: Allocator
    memory: Any
    nbytes: int
    live: bool

    def __del__(self) -> None:
        if self.live:
            self.allocator.free(self)


class Allocator(ABC):
    """Device memory with statistics; subclasses implement the three underscore hooks.

    Statistics (bytes): ``allocated`` (in live blocks), ``peak`` (the most ever
    allocated at once), ``reserved`` (held from the system, cached blocks included) and
    ``count`` (live blocks). A failed allocation frees the cache, retries once, and then
    raises :class:`~corten.errors.OutOfMemoryError` with the sizes.
    """

    #: Every block's address is a multiple of this many bytes.
    alignment: ClassVar[int] = 64

    def __init__(self, device: Device) -> None:
        self.device = device
        self._lock = threading.Lock()
        self._allocated = 0
        self._peak = 0
        self._count = 0

    # -- hooks

    @abstractmethod
    def _allocate(self, nbytes: int) -> Any:
        """New memory of ``nbytes``; raise MemoryError when there is none."""

    @abstractmethod
    def _free(self, memory: Any, nbytes: int) -> None:
        """Take back memory from a block (to a cache or to the system)."""

    def _trim(self) -> None:
        """Give cached memory back to the system (nothing to do without a cache)."""
        return None

    def _reserved(self) -> int:
        """Bytes held from the system, cache included (default: those allocated)."""
        return self._allocated

    # -- verbs

    def allocate(self, nbytes: int) -> Block:
        """A block of ``nbytes``, aligned to :attr:`alignment`.

        Raises
        ------
        OutOfMemoryError
            If the memory cannot be had even after the cache is freed.
        """
        if nbytes < 0:
            raise ValueError(f"cannot allocate {nbytes} bytes")
        if nbytes > sys.maxsize:
            raise OutOfMemoryError(
                f"out of memory on {self.device}: {nbytes} bytes exceed the address space"
            )
        try:
            memory = self._allocate(nbytes)
        except MemoryError:
            self.empty_cache()
            try:
                memory = self._allocate(nbytes)
            except MemoryError as exc:
                raise OutOfMemoryError(
                    f"out of memory on {self.device}: cannot allocate {nbytes} bytes "
                    f"({self._allocated} bytes allocated in {self._count} blocks, "
                    f"{self._reserved()} reserved, cache already freed)"
                ) from exc
        block = Block.__new__(Block)
        block.allocator = self
        block.memory = memory
        block.nbytes = nbytes
        block.live = True
        with self._lock:
            self._allocated += nbytes
            self._count += 1
            if self._allocated > self._peak:
                self._peak = self._allocated
        return block

    def free(self, block: Block) -> None:
        """Give ``block`` back now (it is also given back when garbage-collected)."""
        with self._lock:
            if not block.live:
                return
            block.live = False
            self._allocated -= block.nbytes
            self._count -= 1
        self._free(block.memory, block.nbytes)

    def stats(self) -> dict[str, int]:
        """``allocated``, ``peak``, ``reserved`` and ``count`` (see the class docstring)."""
        with self._lock:
            return {
                "allocated": self._allocated,
                "peak": self._peak,
                "reserved": self._reserved(),
                "count": self._count,
            }

    def reset_peak(self) -> None:
        """Start measuring ``peak`` again from what is allocated now."""
        with self._lock:
            self._peak = self._allocated

    def empty_cache(self) -> None:
        """Give cached, unused memory back to the system."""
        self._trim()


def aligned_bytes(nbytes: int, alignment: int) -> Array:
    """A new ``uint8`` array of ``nbytes`` whose address is a multiple of ``alignment``."""
    raw = np.empty(nbytes + alignment, dtype=np.uint8)
    start = -raw.ctypes.data % alignment
    return raw[start : start + nbytes]


class Event(ABC):
    """A point in a stream's work; :meth:`synchronize` waits until the work before it ran."""

    @abstractmethod
    def synchronize(self) -> None:
        """Wait until the work recorded before this event has run."""

    @abstractmethod
    def query(self) -> bool:
        """Whether the work recorded before this event has run."""


class Stream(ABC):
    """An ordered queue of work on one device."""

    device: Device

    @abstractmethod
    def synchronize(self) -> None:
        """Wait until all work queued on this stream has run."""

    @abstractmethod
    def record_event(self) -> Event:
        """An event marking the work queued so far."""

    @abstractmethod
    def wait_event(self, event: Event) -> None:
        """Make work queued after this call wait for ``event`` (no host wait)."""


S = TypeVar("S", bound=Stream)


class CurrentStream(Generic[S]):
    """A per-thread current stream over a default one, for backends with streams.

    The backend sets ``_default_stream`` and ``_current`` (a ``threading.local``).
    """

    device: Device
    _default_stream: S
    _current: threading.local

    def current_stream(self) -> S:
        """The stream work on this device goes to now (in this thread)."""
        stream: S | None = getattr(self._current, "stream", None)
        return self._default_stream if stream is None else stream

    @contextmanager
    def use_stream(self, stream: Stream) -> Iterator[Stream]:
        """Make ``stream`` current in this thread within a ``with`` block."""
        if not isinstance(stream, type(self._default_stream)) or stream.device != self.device:
            raise DeviceMismatchError(
                f"{stream!r} is not a stream of {self.device}; make one with "
                f"ct.{self.device.kind}({self.device.index}).Stream()"
            )
        previous = getattr(self._current, "stream", None)
        self._current.stream = stream
        try:
            yield stream
        finally:
            self._current.stream = previous


class Backend(ABC):
    """Everything corten does on one device.

    Subclasses set :attr:`kind` and :attr:`device_type`, declare :attr:`capabilities`,
    and implement the hooks. One instance serves one device;
    :func:`corten.backends.get_backend` makes it once.
    """

    kind: ClassVar[str]
    device_type: ClassVar[type[Device]]
    capabilities: ClassVar[frozenset[str]] = frozenset({"data"})

    def __init__(self, device: Device) -> None:
        self.device = device
        self.allocator = self._make_allocator()

    @classmethod
    def unavailable_reason(cls, device: Device) -> str | None:
        """Why ``device`` cannot be used, or None when it can (probed once per device)."""
        return None

    # ------------------------------------------------------------------ hooks

    @abstractmethod
    def _make_allocator(self) -> Allocator:
        """The allocator of this device's memory."""

    @abstractmethod
    def _buffer(self, block: Block, dtype: np.dtype[Any], numel: int) -> Buffer:
        """A Buffer of ``numel`` elements over ``block``."""

    @abstractmethod
    def _copy_from_host(
        self, dst: Buffer, src: Array, *, non_blocking: bool, stream: Stream | None
    ) -> None:
        """Copy the C-contiguous host array ``src`` into ``dst`` (same element count)."""

    @abstractmethod
    def _copy_to_host(
        self,
        dst: Buffer,
        src: TensorView[Any, Any, Any],
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        """Copy ``src``'s elements in row-major order into the host Buffer ``dst``.

        Return an event when the copy may still be running, None when it has finished.
        """

    # ------------------------------------------------------------------ memory verbs

    def allocate(self, numel: int, dtype: np.dtype[Any]) -> Buffer:
        """A new Buffer of ``numel`` elements of ``dtype``; its contents are undefined."""
        block = self.allocator.allocate(numel * dtype.itemsize)
        return self._buffer(block, dtype, numel)

    def memory_stats(self) -> dict[str, int]:
        """The allocator's statistics (see :class:`Allocator`)."""
        return self.allocator.stats()

    def empty_cache(self) -> None:
        """Give the allocator's cached memory back."""
        self.allocator.empty_cache()

    # ------------------------------------------------------------------ transfer verbs

    def from_host(
        self,
        src: Array,
        *,
        non_blocking: bool = False,
        stream: Stream | None = None,
        pinned: bool = False,
    ) -> Buffer:
        """A new Buffer on this device holding the C-contiguous host array ``src``.

        With ``non_blocking`` from ``pinned`` memory the copy may still be queued when
        this returns (from pageable memory it is synchronous, as CUDA's is); ``src``
        must then stay unchanged until it ran (corten's transfers hand in a pinned,
        read-only export, so a later write to the source copies it away).
        """
        if not src.flags.c_contiguous:
            raise ValueError("from_host takes a C-contiguous array")
        dst = self.allocate(src.size, src.dtype)
        self._copy_from_host(dst, src, non_blocking=non_blocking and pinned, stream=stream)
        return dst

    def to_host(
        self,
        src: TensorView[Any, Any, Any],
        *,
        non_blocking: bool = False,
        stream: Stream | None = None,
    ) -> Buffer:
        """A new host Buffer holding ``src``'s elements in row-major order.

        With ``non_blocking`` the Buffer may still be in flight: corten waits for it
        before any host read (see ``storage.DEVICE_STATE``).
        """
        from corten.backends import get_backend

        dst = get_backend(cpu).allocate(src.numel, src.dtype.numpy)
        if non_blocking and "pinned_memory" in self.capabilities:
            DEVICE_STATE.pinned.add(dst)
        event = self._copy_to_host(dst, src, non_blocking=non_blocking, stream=stream)
        if event is not None:
            DEVICE_STATE.mark_in_flight(dst, event)
        return dst

    def pinned_host(self, numel: int, dtype: np.dtype[Any]) -> Buffer:
        """A new host Buffer in page-locked memory for this device's copies."""
        if "pinned_memory" not in self.capabilities:
            raise DeviceUnavailableError(f"{self.device} has no pinned host memory")
        from corten.backends import get_backend

        buf = get_backend(cpu).allocate(numel, dtype)
        DEVICE_STATE.pinned.add(buf)
        return buf

    def copy_peer(self, src: TensorView[Any, Any, Any]) -> Buffer:
        """A Buffer on this device with ``src``'s elements (``src`` on another device of
        this kind). The default goes through the host."""
        src_backend = _backend_of(src)
        staged = src_backend.to_host(src)
        return self.from_host(staged.array)

    @abstractmethod
    def copy_buffer(self, buf: Buffer) -> Buffer:
        """A new Buffer on this device with ``buf``'s elements (device to device)."""

    def synchronize(self) -> None:
        """Wait until all queued work on this device has run (nothing, by default)."""
        return None

    # ------------------------------------------------------------------ streams

    def new_stream(self) -> Stream:
        """A new stream on this device."""
        raise NotImplementedError(f"{self.device} has no streams")

    def current_stream(self) -> Stream:
        """The stream work on this device goes to now."""
        raise NotImplementedError(f"{self.device} has no streams")

    @contextmanager
    def use_stream(self, stream: Stream) -> Iterator[Stream]:
        """Make ``stream`` current within a ``with`` block."""
        raise NotImplementedError(f"{self.device} has no streams")
        yield stream  # pragma: no cover

    # ------------------------------------------------------------------ data access

    def access(self, buf: Buffer) -> None:
        """Called before corten computes with ``buf``'s memory on this device."""
        return None

    # ------------------------------------------------------------------ compute verbs

    def adopt(self, arr: Any) -> Tensor[Any, Any, Any]:
        """An owning tensor on this device holding ``arr``, a fresh result computed over
        this device's memory (NumPy-addressable backends implement it)."""
        raise NotImplementedError(f"{type(self).__name__} cannot adopt computed results")

    @abstractmethod
    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: TensorView[Any, Any, Any],
        b: Any,
        reflected: bool,
    ) -> Tensor[Any, Any, Any]:
        """``op(a, b)`` elementwise with broadcasting; ``b`` is a checked tensor or scalar."""

    @abstractmethod
    def unary(
        self, op: Callable[[Any], Any], a: TensorView[Any, Any, Any]
    ) -> Tensor[Any, Any, Any]:
        """``op(a)`` elementwise."""

    @abstractmethod
    def reduce(
        self, name: str, a: TensorView[Any, Any, Any], axis: Any, keepdims: bool
    ) -> Tensor[Any, Any, Any]:
        """NumPy's reduction ``name`` over checked axes."""

    @abstractmethod
    def cast(self, a: TensorView[Any, Any, Any], dtype: np.dtype[Any]) -> Tensor[Any, Any, Any]:
        """The elements converted to ``dtype`` (NumPy's casting)."""

    @abstractmethod
    def contiguous(self, a: TensorView[Any, Any, Any]) -> Tensor[Any, Any, Any]:
        """A row-major copy of the elements (strided to contiguous)."""

    @abstractmethod
    def gather(self, a: TensorView[Any, Any, Any], index: Any) -> Tensor[Any, Any, Any]:
        """Advanced (integer-array or mask) indexing, as a copy."""

    @abstractmethod
    def fill(self, buf: Buffer, value: Any) -> None:
        """Set every element of ``buf`` to the scalar ``value`` (of its dtype)."""

    # ------------------------------------------------------------------ write verbs
    # ``dst`` is a Buffer that the caller made exclusive; ``layout`` the elements of it
    # to write; ``value`` a tensor on this device of the same dtype, or a scalar of it,
    # already checked to broadcast. A value that shares ``dst`` behaves as if copied
    # first.

    def assign(self, dst: Buffer, layout: Layout, value: Any) -> None:
        """Write ``value``, broadcast, into the elements of ``layout`` over ``dst``."""
        self.access(dst)
        raise NotImplementedError(f"{type(self).__name__} cannot write elements")

    def inplace(self, op: Callable[..., Any], dst: Buffer, layout: Layout, value: Any) -> None:
        """Replace the elements ``x`` of ``layout`` over ``dst`` by ``op(x, value)``."""
        self.access(dst)
        raise NotImplementedError(f"{type(self).__name__} cannot write elements")

    def scatter(self, dst: Buffer, layout: Layout, index: Any, value: Any) -> None:
        """Write ``value`` into ``layout``'s elements that the advanced ``index`` (host
        arrays, see :func:`host_index`) selects, as NumPy's ``out[index] = value``."""
        self.access(dst)
        raise NotImplementedError(f"{type(self).__name__} cannot write elements")


def _backend_of(t: TensorView[Any, Any, Any]) -> Backend:
    from corten.backends import get_backend

    return get_backend(t._device)


class NumpyBackend(Backend):
    """Compute hooks in NumPy, for devices whose memory NumPy can address.

    Results are computed by NumPy and moved into this device's allocator (the default
    ``adopt``), so every buffer of the device comes from its allocator.
    """

    def _buffer(self, block: Block, dtype: np.dtype[Any], numel: int) -> Buffer:
        buf = Buffer(block.memory[: numel * dtype.itemsize].view(dtype), self.device)
        buf.block = block
        return buf

    def adopt(self, arr: Array) -> Tensor[Any, Any, Any]:
        """An owning tensor on this device holding ``arr``'s elements (a fresh result)."""
        from corten.tensor import _wrap_buffer

        arr = np.asarray(arr)
        buf = self.allocate(arr.size, arr.dtype)
        np.copyto(buf.array, arr.reshape(-1))
        return _wrap_buffer(buf, arr.shape)

    def copy_buffer(self, buf: Buffer) -> Buffer:
        self.access(buf)
        new = self.allocate(buf.array.size, buf.array.dtype)
        np.copyto(new.array, buf.array)
        return new

    def _copy_from_host(
        self, dst: Buffer, src: Array, *, non_blocking: bool, stream: Stream | None
    ) -> None:
        np.copyto(dst.array, src.reshape(-1))

    def _copy_to_host(
        self,
        dst: Buffer,
        src: TensorView[Any, Any, Any],
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        np.copyto(dst.array.reshape(src.shape), src._np())
        return None

    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: TensorView[Any, Any, Any],
        b: Any,
        reflected: bool,
    ) -> Tensor[Any, Any, Any]:
        x = a._np()
        y = b._np() if hasattr(b, "_np") else b
        try:
            with np.errstate(all="ignore"):
                out = op(y, x) if reflected else op(x, y)
        except ValueError as exc:
            raise ShapeError(
                f"shapes {a.shape} and {np.shape(y)} cannot be broadcast together"
            ) from exc
        return self.adopt(out)

    def unary(
        self, op: Callable[[Any], Any], a: TensorView[Any, Any, Any]
    ) -> Tensor[Any, Any, Any]:
        with np.errstate(all="ignore"):
            return self.adopt(op(a._np()))

    def reduce(
        self, name: str, a: TensorView[Any, Any, Any], axis: Any, keepdims: bool
    ) -> Tensor[Any, Any, Any]:
        return self.adopt(np.asarray(reduce_array(name, a._np(), axis, keepdims)))

    def cast(self, a: TensorView[Any, Any, Any], dtype: np.dtype[Any]) -> Tensor[Any, Any, Any]:
        with np.errstate(all="ignore"):
            return self.adopt(a._np().astype(dtype))

    def contiguous(self, a: TensorView[Any, Any, Any]) -> Tensor[Any, Any, Any]:
        return self.adopt(a._np())

    def gather(self, a: TensorView[Any, Any, Any], index: Any) -> Tensor[Any, Any, Any]:
        return self.adopt(a._np()[index])

    def fill(self, buf: Buffer, value: Any) -> None:
        self.access(buf)
        buf.array.fill(value)

    def _target(self, dst: Buffer, layout: Layout) -> Array:
        from corten.tensor import _raw_array

        self.access(dst)
        return _raw_array(dst, *layout)

    @staticmethod
    def _source(out: Array, value: Any) -> Any:
        src = value._np() if hasattr(value, "_np") else value
        if isinstance(src, np.ndarray) and np.may_share_memory(out, src):
            src = src.copy()  # an overlapping source behaves as if copied first
        return src

    def assign(self, dst: Buffer, layout: Layout, value: Any) -> None:
        out = self._target(dst, layout)
        np.copyto(out, self._source(out, value))

    def inplace(self, op: Callable[..., Any], dst: Buffer, layout: Layout, value: Any) -> None:
        out = self._target(dst, layout)
        src = self._source(out, value)
        with np.errstate(all="ignore"):
            op(out, src, out=out)

    def scatter(self, dst: Buffer, layout: Layout, index: Any, value: Any) -> None:
        out = self._target(dst, layout)
        out[index] = self._source(out, value)
