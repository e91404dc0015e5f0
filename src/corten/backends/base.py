"""The device interface: ``Backend``, its verbs and the hooks each backend implements.

A :class:`Backend` serves one device (``cpu``, ``sim:1``, ...). Its public verbs
(``allocate``, ``from_host``, ``to_host``, ``copy_peer``, ``synchronize`` and the compute
verbs that tensor operations call) check their arguments and call underscore hooks that
each backend implements. What a backend can do beyond the required hooks is declared in
:attr:`Backend.capabilities`, never probed.

:class:`NumpyBackend` implements every compute hook with NumPy over memory that NumPy can
address (the CPU, the ``sim`` device, out-of-tree backends for host-visible memory).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, Final

import numpy as np

from corten.backends.allocators import Allocator, Block, aligned_bytes
from corten.backends.streams import CurrentStream, Event, Stream
from corten.core.convert import reduce_array
from corten.core.devices import Device, cpu
from corten.core.errors import (
    DeviceUnavailableError,
    ShapeError,
)
from corten.core.operands import map_leaves
from corten.memory.region import Region, raw_array
from corten.memory.storage import DEVICE_STATE, Buffer

__all__ = [
    "BACKEND_REGISTRY",
    "CAPABILITIES",
    "Allocator",
    "Backend",
    "Block",
    "CurrentStream",
    "Event",
    "NumpyBackend",
    "Region",
    "Stream",
    "aligned_bytes",
]

Array = np.ndarray[Any, Any]
#: A layout over a Buffer: shape, strides and offset, in elements.
Layout = tuple[tuple[int, ...], tuple[int, ...], int]


class _Registry:
    """How a backend reaches another device's backend (the host's, a peer's).

    ``corten.backends.registry`` fills ``get`` in when it is imported: the registry stands
    above this module.
    """

    __slots__ = ("get",)

    def __init__(self) -> None:
        self.get: Callable[[Device], Backend] = _no_registry


def _no_registry(device: Device) -> Backend:
    raise RuntimeError("corten.backends.registry has not been imported; import corten first")


#: Filled in by :mod:`corten.backends.registry`.
BACKEND_REGISTRY: Final = _Registry()


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
        src: Region,
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
        src: Region,
        *,
        non_blocking: bool = False,
        stream: Stream | None = None,
    ) -> Buffer:
        """A new host Buffer holding ``src``'s elements in row-major order.

        With ``non_blocking`` the Buffer may still be in flight: corten waits for it
        before any host read (see ``storage.DEVICE_STATE``).
        """
        dst = BACKEND_REGISTRY.get(cpu).allocate(src.numel, src.dtype)
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
        buf = BACKEND_REGISTRY.get(cpu).allocate(numel, dtype)
        DEVICE_STATE.pinned.add(buf)
        return buf

    def copy_peer(self, src: Region) -> Buffer:
        """A Buffer on this device with ``src``'s elements (``src`` on another device of
        this kind). The default goes through the host."""
        staged = BACKEND_REGISTRY.get(src.device).to_host(src)
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

    def adopt(self, arr: Any) -> Region:
        """A new row-major Region on this device holding ``arr``, a fresh result computed
        over this device's memory (NumPy-addressable backends implement it)."""
        raise NotImplementedError(f"{type(self).__name__} cannot adopt computed results")

    @abstractmethod
    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: Region,
        b: Any,
        reflected: bool,
    ) -> Region:
        """``op(a, b)`` elementwise with broadcasting; ``b`` is a Region (checked) or a scalar."""

    @abstractmethod
    def unary(self, op: Callable[[Any], Any], a: Region) -> Region:
        """``op(a)`` elementwise."""

    @abstractmethod
    def reduce(self, name: str, a: Region, axis: Any, keepdims: bool) -> Region:
        """NumPy's reduction ``name`` over checked axes."""

    @abstractmethod
    def cast(self, a: Region, dtype: np.dtype[Any]) -> Region:
        """The elements converted to ``dtype`` (NumPy's casting)."""

    @abstractmethod
    def contiguous(self, a: Region) -> Region:
        """A row-major copy of the elements (strided to contiguous)."""

    @abstractmethod
    def gather(self, a: Region, index: Any) -> Region:
        """Advanced (integer-array or mask) indexing, as a copy."""

    @abstractmethod
    def fill(self, buf: Buffer, value: Any) -> None:
        """Set every element of ``buf`` to the scalar ``value`` (of its dtype)."""

    def compute(
        self,
        name: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        data_dependent: bool = False,
    ) -> Any:
        """``fn(*args, **kwargs)``, a NumPy function named ``name``, over this device's
        memory: the general verb of the operations that have no verb of their own.

        ``args`` and ``kwargs`` hold Regions (the tensors' operands, one level deep in
        lists and tuples too) and plain values. The result is a Region, a tuple of
        Regions, or a Python scalar. ``data_dependent`` marks functions whose result
        shape depends on the elements (``unique``, ``nonzero``). A backend that cannot
        run ``name`` raises :class:`~corten.core.errors.DeviceUnavailableError` naming
        the function and the device (this default).
        """
        raise DeviceUnavailableError(
            f"{name}() cannot run on {self.device} in this version; move the tensors with "
            ".to_cpu() (or use ct.sim to test device code)"
        )

    # ------------------------------------------------------------------ write verbs
    # ``dst`` is a Buffer that the caller made exclusive; ``layout`` the elements of it
    # to write; ``value`` a Region on this device of the same dtype, or a scalar of it,
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
        arrays) selects, as NumPy's ``out[index] = value``."""
        self.access(dst)
        raise NotImplementedError(f"{type(self).__name__} cannot write elements")


def map_regions(value: Any, fn: Callable[[Region], Any]) -> Any:
    """``value`` with ``fn`` applied to each Region in it: top level, and one level deep
    in tuples, lists and dicts (the shapes of ``compute``'s arguments)."""
    return map_leaves(value, Region, fn)


def map_results(out: Any, adopt: Callable[[Any], Region]) -> Any:
    """``compute``'s result: arrays (and NumPy scalars) adopted as Regions, tuples of
    them as tuples, Python scalars as they are."""
    if isinstance(out, tuple):
        return tuple(map_results(o, adopt) for o in out)
    if isinstance(out, (np.ndarray, np.generic)):
        return adopt(np.asarray(out))
    return out


class NumpyBackend(Backend):
    """Compute hooks in NumPy, for devices whose memory NumPy can address.

    Results are computed by NumPy and moved into this device's allocator (the default
    ``adopt``), so every buffer of the device comes from its allocator.
    """

    def _buffer(self, block: Block, dtype: np.dtype[Any], numel: int) -> Buffer:
        buf = Buffer(block.memory[: numel * dtype.itemsize].view(dtype), self.device)
        buf.block = block
        return buf

    def adopt(self, arr: Array) -> Region:
        """A new row-major Region on this device holding ``arr``'s elements."""
        arr = np.asarray(arr)
        buf = self.allocate(arr.size, arr.dtype)
        np.copyto(buf.array, arr.reshape(-1))
        return Region.whole(buf, arr.shape)

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
        src: Region,
        *,
        non_blocking: bool,
        stream: Stream | None,
    ) -> Event | None:
        np.copyto(dst.array.reshape(src.shape), src.array())
        return None

    def binary(
        self,
        op: Callable[[Any, Any], Any],
        a: Region,
        b: Any,
        reflected: bool,
    ) -> Region:
        x = a.array()
        y = b.array() if isinstance(b, Region) else b
        try:
            with np.errstate(all="ignore"):
                out = op(y, x) if reflected else op(x, y)
        except ValueError as exc:
            raise ShapeError(
                f"shapes {a.shape} and {np.shape(y)} cannot be broadcast together"
            ) from exc
        return self.adopt(out)

    def unary(self, op: Callable[[Any], Any], a: Region) -> Region:
        with np.errstate(all="ignore"):
            return self.adopt(op(a.array()))

    def reduce(self, name: str, a: Region, axis: Any, keepdims: bool) -> Region:
        return self.adopt(np.asarray(reduce_array(name, a.array(), axis, keepdims)))

    def cast(self, a: Region, dtype: np.dtype[Any]) -> Region:
        with np.errstate(all="ignore"):
            return self.adopt(a.array().astype(dtype))

    def contiguous(self, a: Region) -> Region:
        return self.adopt(a.array())

    def gather(self, a: Region, index: Any) -> Region:
        return self.adopt(a.array()[index])

    def fill(self, buf: Buffer, value: Any) -> None:
        self.access(buf)
        buf.array.fill(value)

    def compute(
        self,
        name: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        data_dependent: bool = False,
    ) -> Any:
        # NumPy over the device's memory (after its access hooks); results move into
        # this device's allocator. NumPy's floating-point warnings are silenced, as the
        # array API's special cases (sqrt(-1) is nan) ask.
        with np.errstate(all="ignore"):
            out = fn(*map_regions(args, Region.array), **map_regions(kwargs, Region.array))
        return map_results(out, self.adopt)

    def _target(self, dst: Buffer, layout: Layout) -> Array:
        self.access(dst)
        return raw_array(dst, *layout)

    @staticmethod
    def _source(out: Array, value: Any) -> Any:
        src = value.array() if isinstance(value, Region) else value
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
