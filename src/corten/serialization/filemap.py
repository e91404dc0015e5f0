"""Maps of whole files for loading: private (copy-on-write), holding no file descriptor.

A file that corten loads with ``mmap=True`` is mapped so that neither careless consumers
nor many live loads can do harm: the map is private, so a write through a read-only
export reaches only this process's copy of a page (never the file, and it cannot fault),
and it keeps no file descriptor open, so any number of loads can be alive.
"""

from __future__ import annotations

import ctypes
import mmap as _mmap
import os
from typing import Any, ClassVar, Final

import numpy as np

__all__ = ["map_file"]

Array = np.ndarray[Any, Any]


def map_file(fd: int, size: int) -> Array | None:
    """The first ``size`` bytes of the file as a uint8 array over a map, or None.

    The map is private (copy-on-write): corten never writes it (tensors over it are
    read-only for corten), and a consumer that writes through a read-only export anyway
    changes a page of this process, never the file, and cannot crash the interpreter as
    a write to a read-only map would. Where the system refuses a private map (one that
    it would have to reserve memory for, under strict overcommit), the map is shared and
    read-only, and its array says so (exports that cannot mark memory read-only copy).
    No map keeps a file descriptor: it lives while an array over it does.
    """
    if size <= 0:
        return None
    if _LibcMap.mmap is None:  # not POSIX: Python's mmap (which keeps a duplicate handle)
        try:
            return np.frombuffer(_mmap.mmap(fd, size, access=_mmap.ACCESS_COPY), dtype=np.uint8)
        except (OSError, ValueError):
            return None
    for prot, flags in (
        (_mmap.PROT_READ | _mmap.PROT_WRITE, _mmap.MAP_PRIVATE),
        (_mmap.PROT_READ, _mmap.MAP_SHARED),
    ):
        addr = _LibcMap.mmap(None, size, prot, flags, fd, 0)
        if addr is not None and addr != _MAP_FAILED:
            return np.asarray(_LibcMap(addr, size, writable=bool(prot & _mmap.PROT_WRITE)))
    return None  # not mappable (a pipe, some file systems): read instead


def _libc_function(name: str, restype: Any, *argtypes: Any) -> Any:
    """A function of the C library with its signature, or None where there is none."""
    if os.name != "posix":
        return None
    try:
        fn = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    fn.restype = restype
    fn.argtypes = argtypes
    return fn


_MAP_FAILED: Final = ctypes.c_void_p(-1).value


class _LibcMap:
    """A map made by the C library's ``mmap``, unmapped when the last array over it dies.

    Python's ``mmap.mmap`` keeps a duplicate of the file descriptor open for as long as
    the map lives (until Python 3.13's ``trackfd=False``), so each live load would hold
    one and a process would run out after about a thousand. The array over this object
    (``np.asarray``) has it as its base; every array derived from that one keeps it.
    """

    __slots__ = ("__array_interface__", "_addr", "_size")
    # void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset):
    # corten maps whole files (offset 0), which ``long`` passes on every ABI.
    mmap: ClassVar[Any] = _libc_function(
        "mmap",
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_long,
    )
    munmap: ClassVar[Any] = _libc_function("munmap", ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t)

    def __init__(self, addr: int, size: int, *, writable: bool) -> None:
        self._addr = addr
        self._size = size
        self.__array_interface__ = {
            "data": (addr, not writable),
            "shape": (size,),
            "typestr": "|u1",
            "version": 3,
        }

    def __del__(self) -> None:
        self.munmap(self._addr, self._size)
