"""Buffers and Storages: the ownership machinery of DESIGN §2.

A :class:`Buffer` is one allocation. A :class:`Storage` is the mutable identity that an
owning Tensor and its mutable views share; it points at one Buffer and swaps it for a
private copy when it is written while the Buffer has other holders (copy-on-write).
Frozen views and clones hold Storages of their own over the same Buffer, so the holder
count of a Buffer is the number of live Storages over it plus read-only exports.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
import weakref
from typing import Any, Final

import numpy as np

from corten.core.devices import Device

__all__ = [
    "DEVICE_STATE",
    "Buffer",
    "CopyOnWriteWarning",
    "Storage",
    "cow_stats",
    "set_cow_warning",
]

# Writers lock their Storage; the locks are striped over a fixed pool so that making a
# Storage (on every operation's result) costs no lock allocation. A writer holds one
# stripe at a time and never waits on another while holding it, so stripes cannot
# deadlock.
_STRIPES: Final = tuple(threading.Lock() for _ in range(64))


class CopyOnWriteWarning(UserWarning):
    """A write copied a shared buffer larger than the threshold set by ``set_cow_warning``."""


class _CowStats:
    __slots__ = ("bytes", "copies", "warn_above")

    def __init__(self) -> None:
        self.copies = 0
        self.bytes = 0
        self.warn_above: int | None = None


_STATS: Final = _CowStats()
ONE_HOLDER: Final = (None,)
_STATS_LOCK: Final = threading.Lock()
#: The corten package (this file is corten/memory/storage.py).
_PACKAGE_DIR: Final = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _in_package(filename: str) -> bool:
    folder = os.path.dirname(filename)
    return folder == _PACKAGE_DIR or folder.startswith(_PACKAGE_DIR + os.sep)


def _caller_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning name the first frame outside corten."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and _in_package(frame.f_code.co_filename):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def cow_stats() -> dict[str, int]:
    """The copies corten made so far in this process to keep a promise, and their bytes.

    They are the copy-on-write copies (a write to a buffer that a clone, frozen view or
    read-only export still holds) and the copies that clones of memory shared with code
    outside corten make (``ct.from_numpy``, ``numpy(writable=True)``, ...): a clone is a
    value. A copy the user asks for (``ct.tensor(a)``, ``contiguous()``) is not counted.

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.zeros((4,))
    >>> before = ct.cow_stats()["copies"]
    >>> c = t.clone()
    >>> t.fill_(1.0)
    >>> ct.cow_stats()["copies"] - before
    1
    """
    return {"copies": _STATS.copies, "bytes": _STATS.bytes}


def set_cow_warning(threshold_bytes: int | None) -> None:
    """Warn with :class:`CopyOnWriteWarning` when a write copies more than ``threshold_bytes``.

    ``None`` turns the warning off (the default). The warning names the line that wrote.

    Examples
    --------
    >>> import corten as ct
    >>> ct.set_cow_warning(None)
    """
    if threshold_bytes is not None and threshold_bytes < 0:
        raise ValueError(f"threshold_bytes must be >= 0 or None, got {threshold_bytes!r}")
    _STATS.warn_above = threshold_bytes


class Buffer:
    """One allocation on one device, shared by every Storage over it.

    ``array`` is a C-contiguous NumPy array of the element type (on the CPU); layouts
    index its elements in row-major order, whatever its shape. ``escaped`` marks
    *shared* memory: code outside corten can write it (it came from ``from_numpy`` or a
    writable DLPack producer, or a writable alias left corten). corten cannot freeze shared
    memory: its views are windows that hold nothing (:meth:`Storage.window`), its owner
    writes in place, and clones copy. ``readonly`` marks memory corten must never write (a
    read-only NumPy array).
    """

    __slots__ = ("__weakref__", "_holders", "array", "block", "device", "escaped", "readonly")
    array: np.ndarray[Any, Any]
    # The allocator block behind ``array``, for buffers that a device allocator made
    # (unset on results that NumPy allocated on the CPU; only device code reads it).
    block: Any
    device: Device
    escaped: bool
    readonly: bool
    # One entry per holder. list.append and list.pop are atomic (under the GIL, and
    # per object in free-threaded builds), so the count needs no lock of its own. A
    # result's buffer starts with the shared tuple ``ONE_HOLDER`` (no list to allocate);
    # ``_hold`` turns it into a list when a second holder comes.
    _holders: list[None] | tuple[None]

    def __init__(
        self,
        array: np.ndarray[Any, Any],
        device: Device,
        *,
        escaped: bool = False,
        readonly: bool = False,
    ) -> None:
        self.array = array
        self.device = device
        self.escaped = escaped
        self.readonly = readonly
        self._holders = []

    @property
    def nbytes(self) -> int:
        return int(self.array.nbytes)

    @property
    def holders(self) -> int:
        """How many Storages and read-only exports hold this buffer now."""
        return len(self._holders)

    def _hold(self) -> None:
        holders = self._holders
        if type(holders) is tuple:
            self._holders = [None, None]
        else:
            holders.append(None)  # type: ignore[union-attr]

    def release(self) -> None:
        self._holders.pop()  # type: ignore[union-attr]

    def copy(self) -> Buffer:
        """A fresh, unshared, writable copy of this buffer on the same device."""
        if DEVICE_STATE.active:
            if self.device.kind != "cpu":  # the backend orders the copy (and checks access)
                return DEVICE_STATE.copy_buffer(self)
            DEVICE_STATE.before_access(self)
            if self in DEVICE_STATE.pinned:
                return DEVICE_STATE.copy_pinned(self)
        return Buffer(self.array.copy(), self.device)


class Storage:
    """The mutable identity shared by an owner and its mutable views.

    Writers call :meth:`writable` under :attr:`lock`; it copies the Buffer first when
    anyone else holds it, or when it is read-only.

    The first Storage over a new Buffer (every operation's result) is *untracked*: it has
    no ``__del__``, so making and dropping results costs no finalizer. That is safe while
    it is its Buffer's only holder, because the Buffer dies with it. Every way a Buffer
    gains another holder goes through :meth:`share` or :meth:`pin` on a Storage over it,
    which first turns that Storage into a :class:`_TrackedStorage`, whose ``__del__``
    gives its hold back; new holders are tracked from the start.
    """

    __slots__ = ("__weakref__", "buffer", "frozen")
    buffer: Buffer
    # The Storage that this writer's frozen views share (see
    # ``_Writable._frozen_storage``), valid while it is over ``buffer``. The writer holds
    # it strongly, so views taken one after another share it; a write reclaims it when no
    # view holds it any more (``_reclaim_frozen``), so it never forces a copy by itself.
    frozen: Storage | None

    def __init__(self) -> None:
        raise TypeError("make Storages with Storage.adopt, Storage.fresh or share()")

    @property
    def lock(self) -> threading.Lock:
        """The lock a writer holds while it makes the Buffer exclusive and writes."""
        return _STRIPES[(id(self) >> 4) & 63]

    @classmethod
    def adopt(cls, buffer: Buffer) -> Storage:
        """The first Storage over a new Buffer: it takes the Buffer without copying."""
        if buffer._holders:
            raise ValueError("adopt() takes a Buffer that nobody holds yet")
        buffer._hold()
        self = _new_storage(cls)
        self.buffer = buffer
        self.frozen = None
        return self

    @classmethod
    def fresh(cls, array: np.ndarray[Any, Any], device: Device) -> Storage:
        """A Storage over a new Buffer around ``array``, which nobody else holds."""
        return cls.adopt(Buffer(array, device))

    def share(self) -> Storage:
        """A new holder over this Storage's Buffer, for a clone or frozen views.

        A shared (escaped) Buffer is copied for the new holder instead (corten cannot
        freeze memory that others write); frozen views of shared memory take
        :meth:`window` instead. Call with :attr:`lock` held.
        """
        buf = self.buffer
        if buf.escaped:
            buf = buf.copy()
            count_copy(buf.nbytes)
        elif type(self) is Storage:
            self.__class__ = _TrackedStorage
        buf._hold()
        new = _new_storage(_TrackedStorage)
        new.buffer = buf
        new.frozen = None
        return new

    def window(self) -> Storage:
        """A Storage over this Storage's shared Buffer that holds nothing: what views of
        memory shared with code outside corten stand on.

        Such views see every write to the memory (through the outside alias and through
        the owner, which writes in place), as NumPy views do; they are read-only for
        corten. They keep the memory alive through the Buffer, but never make a writer
        copy.
        """
        new = _new_storage(_WindowStorage)
        new.buffer = self.buffer
        new.frozen = None
        return new

    def pin(self) -> Buffer:
        """Hold this Storage's Buffer for a read-only export; ``Buffer.release`` ends it.

        Call with :attr:`lock` held.
        """
        if type(self) is Storage:
            self.__class__ = _TrackedStorage
        buf = self.buffer
        buf._hold()
        return buf

    def _reclaim_frozen(self) -> None:
        """Give back the hold of the cached frozen-view Storage if no view uses it.

        Call with :attr:`lock` held. The cache is emptied *before* the Storage's references
        are counted: a view that read it from the cache a moment earlier holds a
        reference that the count sees (and the write then copies), and a view that comes
        later finds the cache empty and waits for the lock.
        """
        fs = self.frozen
        if fs is None:
            return
        self.frozen = None
        # References left: the local name and getrefcount's argument.
        if type(fs) is _WindowStorage:
            return  # it holds nothing to give back
        if sys.getrefcount(fs) <= 2 and fs.buffer is self.buffer:
            fs.__class__ = Storage  # untracked: its hold is given back here, not in __del__
            self.buffer.release()

    def writable(self) -> Buffer:
        """The Buffer to write into, made exclusive first. Call with :attr:`lock` held."""
        buf = self.buffer
        if len(buf._holders) == 1 and not buf.readonly:
            return buf
        if self.frozen is not None:
            self._reclaim_frozen()
            if len(buf._holders) == 1 and not buf.readonly:
                return buf
        new = buf.copy()
        new._hold()
        self.buffer = new
        self.frozen = None  # the views keep their Storage (and the old buffer) themselves
        # The old buffer is vacated: never written again. A read of this tensor that
        # another thread began before the copy may still be inside it, so the holder left
        # with it (a clone) copies on its first write instead of writing in place.
        buf.readonly = True
        buf.release()
        count_copy(new.nbytes)
        if _STATS.warn_above is not None and new.nbytes > _STATS.warn_above:
            warnings.warn(
                f"a write copied a shared buffer of {new.nbytes} bytes (copy-on-write): a "
                "clone, frozen view or read-only export of it is still alive; delete it, or "
                "write through view_mut() before taking views",
                CopyOnWriteWarning,
                stacklevel=_caller_stacklevel(),
            )
        return new

    def escape(self) -> Buffer:
        """Make the Buffer exclusive and mark it escaped. Call with :attr:`lock` held."""
        buf = self.writable()
        buf.escaped = True
        return buf


def count_copy(nbytes: int) -> None:
    """Count a copy corten made to keep a promise (copy-on-write, a clone of shared
    memory) in :func:`cow_stats`."""
    with _STATS_LOCK:
        _STATS.copies += 1
        _STATS.bytes += nbytes


class GappedBuffer(Buffer):
    """A Buffer over a strided window of memory that belongs to someone else (a NumPy
    array imported with gaps between its elements, ``ct.from_numpy(a[::10])``): the
    gaps are not the tensor's elements, so ``as_strided``, which counts from the
    buffer's start, refuses it (clone it first: a clone copies only its elements)."""

    __slots__ = ()


class _WindowStorage(Storage):
    """A Storage that holds nothing: views of shared memory stand on it (see
    :meth:`Storage.window`)."""

    __slots__ = ()


class _TrackedStorage(Storage):
    """A Storage whose Buffer has (or had) other holders: it gives its hold back when it
    is garbage-collected."""

    __slots__ = ()

    def __del__(self) -> None:
        holders = self.buffer._holders
        if type(holders) is list:  # a tuple: never shared, the Buffer dies with us
            holders.pop()


_new_storage: Final = object.__new__


class _DeviceState:
    """What the tensor layer must know about devices other than the CPU.

    ``active`` stays False until a buffer on another device, or a host buffer that a
    transfer is still filling, exists: until then no data access pays for a device check.
    ``in_flight`` maps host buffers that a non-blocking copy is still filling to the
    event that marks its end; any host access waits on it first.
    """

    __slots__ = ("_hooks", "active", "in_flight", "pinned")

    def __init__(self) -> None:
        self.active = False
        self.in_flight: dict[Buffer, Any] = {}
        self.pinned: weakref.WeakSet[Buffer] = weakref.WeakSet()
        self._hooks: Any = None

    def install(self, hooks: Any) -> None:
        """Route device accesses to ``hooks`` (``corten.backends`` installs itself)."""
        self._hooks = hooks
        self.active = True

    def mark_in_flight(self, buf: Buffer, event: Any) -> None:
        self.in_flight[buf] = event
        self.active = True

    def before_access(self, buf: Buffer) -> None:
        """Called before corten makes an array over ``buf`` (when ``active``)."""
        event = self.in_flight.get(buf)
        if event is not None:
            event.synchronize()
            self.in_flight.pop(buf, None)
        if buf.device.kind != "cpu":
            self._hooks.access(buf)

    def copy_buffer(self, buf: Buffer) -> Buffer:
        return self._hooks.copy_buffer(buf)  # type: ignore[no-any-return]

    def copy_pinned(self, buf: Buffer) -> Buffer:
        """A copy of a pinned host buffer, pinned too (a write keeps the memory kind)."""
        new = self._hooks.copy_host(buf)
        self.pinned.add(new)
        return new  # type: ignore[no-any-return]


DEVICE_STATE: Final = _DeviceState()
