"""Allocators: device memory handed out in :class:`Block` s, with statistics.

Every backend makes one :class:`Allocator` for its device; the hooks ``_allocate``,
``_free`` and ``_trim`` are all a new kind of memory needs.
"""

from __future__ import annotations

import sys
import threading
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np

from corten.core.devices import Device
from corten.core.errors import (
    OutOfMemoryError,
)

__all__ = ["Allocator", "Block", "aligned_bytes"]

Array = np.ndarray[Any, Any]


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
    raises :class:`~corten.core.errors.OutOfMemoryError` with the sizes.
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
