"""Saving and loading tensors: safetensors files, bytes, and a JSON-able dict.

Files and bytes follow the safetensors format (see ``corten.serialization.safetensors``), so the
``safetensors`` package and the tools built on it read what corten writes, and corten
reads what they write.

Loading treats its input as untrusted: it runs no code (JSON only), checks the header's
length against the size of the input before reading it, validates the whole header
before it allocates anything, and never allocates more than the input holds. Every
malformation raises :class:`~corten.core.errors.SerializationError` saying what was wrong.

A single tensor is saved under the name ``"tensor"`` (:data:`TENSOR_KEY`);
:func:`load_tensor` and :func:`from_bytes` read back a file that holds one tensor,
whatever its name.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import math
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, Final, NoReturn

import numpy as np

from corten.core.devices import Device, as_device, cpu, require_available
from corten.core.dtypes import _BY_NAME, DType, bool_, real_dtype
from corten.core.errors import MissingTensorError, SerializationError
from corten.core.layout import contiguous_strides
from corten.core.typeparams import AnyRank
from corten.memory.storage import Buffer, Storage
from corten.serialization import safetensors as fmt
from corten.serialization.filemap import map_file
from corten.serialization.safetensors import (
    HEADER_LIMIT,
    MAX_BYTES,
    MAX_RANK,
    Entry,
    Header,
    brief,
    fail,
)
from corten.tensor import Tensor, TensorView
from corten.tensor._build import _result

__all__ = [
    "HEADER_LIMIT",
    "TENSOR_KEY",
    "LoadedTensors",
    "from_bytes",
    "from_dict",
    "load",
    "load_tensor",
    "save",
    "to_bytes",
    "to_dict",
]

TENSOR_KEY: Final = "tensor"
"""The name under which ``save(path, tensor)`` and ``to_bytes`` store a single tensor."""

_CHUNK_BYTES: Final = 16 << 20  # non-contiguous tensors are written this much at a time
_PREALLOCATE_BYTES: Final = 1 << 20  # files from this size get their blocks reserved first
_PAUSE_GC_BYTES: Final = 1 << 20  # headers from this size are loaded with the collector paused
_LITTLE: Final = sys.byteorder == "little"

Array = np.ndarray[Any, Any]
AnyTensor = TensorView[Any, Any, Any]
PathOrFile = str | os.PathLike[str] | IO[bytes]


class LoadedTensors(dict[str, Tensor[Any, AnyRank, Any]]):
    """The tensors of a file by name (a ``dict``), with the file's metadata.

    Attributes
    ----------
    metadata : dict[str, str]
        The header's ``"__metadata__"`` (empty when the file has none).

    Examples
    --------
    >>> import io
    >>> import corten as ct
    >>> f = io.BytesIO()
    >>> ct.save(f, {"w": ct.ones((2,))}, metadata={"format": "pt"})
    >>> loaded = ct.load(io.BytesIO(f.getvalue()))
    >>> list(loaded), loaded.metadata
    (['w'], {'format': 'pt'})
    """

    __slots__ = ("metadata",)
    metadata: dict[str, str]

    def __init__(
        self,
        tensors: Mapping[str, Tensor[Any, AnyRank, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(tensors or {})
        self.metadata = dict(metadata or {})


# ----------------------------------------------------------------------------- writing


def save(
    path_or_file: PathOrFile,
    tensor_or_mapping: AnyTensor | Mapping[str, AnyTensor],
    metadata: Mapping[str, str] | None = None,
) -> None:
    """Write tensors to a safetensors file.

    A path is written through a temporary file in the same directory that then replaces
    the target, so a reader never sees a half-written file and tensors loaded from the
    old file with ``mmap=True`` keep their data. A binary file object is written from
    its current position. Tensors are written contiguous whatever their layout; on
    another device they travel through the host.

    Parameters
    ----------
    path_or_file : str, os.PathLike or binary file object
        Where to write.
    tensor_or_mapping : TensorView or Mapping[str, TensorView]
        The tensors by name; a single tensor is stored as ``"tensor"`` (:data:`TENSOR_KEY`).
    metadata : Mapping[str, str], optional
        Free-form text stored in the header as ``"__metadata__"``.

    Raises
    ------
    SerializationError
        If a name is not a str or is ``"__metadata__"``, a value is not a tensor, the
        metadata is not str to str, or the header would exceed :data:`HEADER_LIMIT`.

    Examples
    --------
    >>> import io
    >>> import corten as ct
    >>> f = io.BytesIO()
    >>> ct.save(f, ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8))
    >>> ct.load(io.BytesIO(f.getvalue()))["tensor"].tolist()
    [[1, 2], [3, 4]]
    """
    is_path = isinstance(path_or_file, (str, os.PathLike))
    if not is_path and (
        not callable(getattr(path_or_file, "write", None))
        or isinstance(path_or_file, io.TextIOBase)
    ):
        raise SerializationError(
            "save takes a path or a binary file object opened for writing ('wb'), got "
            f"{type(path_or_file).__name__}"
        )
    named = _named_tensors(tensor_or_mapping)
    prefix, arrays = _encode(named, metadata)
    if isinstance(path_or_file, (str, os.PathLike)):
        _write_path(os.fsdecode(path_or_file), prefix, arrays)
    else:
        _write_all(path_or_file, prefix, arrays)


def to_bytes(t: AnyTensor) -> bytes:
    """One tensor as bytes in the safetensors format, under the name ``"tensor"``.

    ``from_bytes`` reads them back, and so does ``safetensors.numpy.load``.

    Examples
    --------
    >>> import corten as ct
    >>> b = ct.serialization.to_bytes(ct.tensor([1.5, -2.0]))
    >>> ct.from_bytes(b).tolist()
    [1.5, -2.0]
    """
    if not isinstance(t, TensorView):
        raise SerializationError(f"to_bytes takes a tensor, got {type(t).__name__}")
    prefix, arrays = _encode({TENSOR_KEY: t}, None)
    return b"".join([prefix, *(c for a in arrays for c in _chunks(a))])


def _named_tensors(obj: object) -> dict[str, AnyTensor]:
    if isinstance(obj, TensorView):
        return {TENSOR_KEY: obj}
    if not isinstance(obj, Mapping):
        raise SerializationError(
            f"save takes a tensor or a mapping of names to tensors, got {type(obj).__name__}"
        )
    named: dict[str, AnyTensor] = {}
    for name, t in obj.items():
        if not isinstance(name, str):
            raise SerializationError(f"tensor names must be str, got {name!r}")
        if name == fmt.METADATA_KEY:
            raise SerializationError(
                f"{fmt.METADATA_KEY!r} is reserved for the metadata; pass metadata=... instead"
            )
        if not isinstance(t, TensorView):
            raise SerializationError(
                f"the value for {name!r} is a {type(t).__name__}, not a tensor; convert it "
                "with ct.tensor(...) or ct.from_numpy(...)"
            )
        named[name] = t
    return named


def _encode(
    named: dict[str, AnyTensor], metadata: Mapping[str, str] | None
) -> tuple[bytes, list[Array]]:
    """The length field and padded header, and the arrays to write after them in order."""
    meta = None if metadata is None else _checked_metadata(metadata)
    # Larger elements first, then by name (as the safetensors package orders them): with
    # the data starting 8-aligned, every tensor then starts aligned to its element size.
    order = sorted(named.items(), key=lambda kv: (-kv[1]._dtype.itemsize, kv[0]))
    prefix = fmt.encode_header([(name, t._dtype, t._shape) for name, t in order], meta)
    return prefix, [_host_array(t) for _, t in order]


def _checked_metadata(metadata: object) -> dict[str, str]:
    if not isinstance(metadata, Mapping):
        raise SerializationError(
            f"metadata must be a mapping of str to str, got {type(metadata).__name__}"
        )
    for k, v in metadata.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise SerializationError(
                f"metadata must map str to str, got {k!r}: {v!r}; convert values with str()"
            )
    return dict(metadata)


def _host_array(t: AnyTensor) -> Array:
    """The elements of ``t`` as a host array (possibly strided) to write out."""
    if t._device.kind != "cpu":
        t = t.to(cpu)  # device tensors travel through the host
    return t._np()


def _chunks(a: Array) -> Iterator[memoryview]:
    """The bytes of ``a`` in row-major, little-endian order, without one big copy."""
    if a.size == 0:
        return
    if a.flags.c_contiguous and _LITTLE:
        yield a.reshape(-1).view(np.uint8).data
        return
    rows = a.shape[0] if a.ndim else 1
    step = max(1, _CHUNK_BYTES // max(1, a.nbytes // rows))
    for i in range(0, rows, step):
        part = np.ascontiguousarray(a[i : i + step] if a.ndim else a)
        if not _LITTLE:
            part = part.astype(part.dtype.newbyteorder("<"))
        yield part.reshape(-1).view(np.uint8).data


def _write_all(f: IO[bytes], prefix: bytes, arrays: list[Array]) -> None:
    _preallocate(f, len(prefix) + sum(a.nbytes for a in arrays))
    _write_fully(f, memoryview(prefix))
    for a in arrays:
        for chunk in _chunks(a):
            _write_fully(f, chunk)


def _preallocate(f: IO[bytes], nbytes: int) -> None:
    """Reserve the file's blocks before a large write, as ``numpy.ndarray.tofile`` does.

    Filesystems with delayed allocation (ext4) otherwise allocate while writing and, for
    a file that replaces another, start writing it back to disk on close: preallocating
    makes saving about three times faster there. A full disk fails here, before writing.
    """
    if nbytes < _PREALLOCATE_BYTES or not hasattr(os, "posix_fallocate"):
        return
    try:
        fd = f.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return
        os.posix_fallocate(fd, f.tell(), nbytes)
    except OSError as exc:  # io.UnsupportedOperation too: a file without a descriptor
        if exc.errno == errno.ENOSPC:
            raise


def _write_fully(f: IO[bytes], data: memoryview) -> None:
    # Buffered files write everything; a raw file may write less and say so.
    while data.nbytes:
        n = f.write(data)
        if n is None or n >= data.nbytes:
            return
        data = data[n:]


def _write_path(path: str, prefix: bytes, arrays: list[Array]) -> None:
    target = os.path.realpath(path)
    tmp = os.path.join(
        os.path.dirname(target),
        f".{os.path.basename(target)}.{os.getpid()}.{secrets.token_hex(4)}.tmp",
    )
    try:
        with open(tmp, "xb") as f:
            _write_all(f, prefix, arrays)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


# ----------------------------------------------------------------------------- reading


def load(
    path_or_file: PathOrFile,
    device: Device | str | None = None,
    mmap: bool = True,
    *,
    names: Iterable[str] | None = None,
) -> LoadedTensors:
    """Read the tensors of a safetensors file, or only those named.

    With ``mmap=True`` (the default) a file is mapped and each tensor is a window on the
    map: nothing is copied, so the time does not depend on the file's size, and each
    tensor keeps the map alive. The tensors are owners like any other; the first write to
    one copies it (copy-on-write), so the file is never changed. The map is private to
    the process (copy-on-write at the OS level too), so even a consumer that writes
    through a read-only export (PyTorch ignores DLPack's read-only flag) changes only
    this process's copy of a page, never the file; and it holds no file descriptor, so
    any number of loads can be alive. With ``mmap=False`` every tensor is read into
    memory of its own.

    Parameters
    ----------
    path_or_file : str, os.PathLike or binary file object
        The file; a file object is read from its current position. Objects without a
        file descriptor (``io.BytesIO``, pipes) are read into memory first.
    device : Device or str, optional
        Where to put the tensors (the CPU by default); other devices receive copies.
    mmap : bool, default True
        Map the file instead of reading it.
    names : iterable of str, optional
        Load only these tensors (the keys of ``safetensors.safe_open(...).keys()``), in
        this order. The whole header is still validated, but a tensor of a dtype that
        corten lacks stops the load only when it is asked for; the others are not read.

    Returns
    -------
    LoadedTensors
        A ``dict`` of the tensors by name, in the header's order (or that of ``names``),
        with the file's metadata as ``.metadata``.

    Raises
    ------
    SerializationError
        If the data is not a valid safetensors file (saying what is wrong), a tensor to
        load has a dtype corten lacks, or ``names`` is not a collection of str.
    MissingTensorError
        If a name in ``names`` is not in the file (a ``KeyError`` too).
    DeviceUnavailableError
        If ``device`` cannot be used here (checked before reading).
    OSError
        If the file cannot be opened or read.

    Notes
    -----
    Tensors whose data is not aligned to their element size in the file (files written
    by corten and by the safetensors package always are) are copied, even with
    ``mmap=True``. BOOL tensors are checked to hold only 0 and 1 bytes, which reads them.
    Like every memory map, a mapped file must not be truncated by another process while
    tensors loaded from it are alive; ``save`` replaces files rather than rewriting them.

    Examples
    --------
    >>> import os, tempfile
    >>> import corten as ct
    >>> path = os.path.join(tempfile.mkdtemp(), "weights.safetensors")
    >>> ct.save(path, {"w": ct.ones((2, 2)), "b": ct.zeros((2,))})
    >>> tensors = ct.load(path)
    >>> sorted(tensors), tensors["w"].tolist()
    (['b', 'w'], [[1.0, 1.0], [1.0, 1.0]])
    >>> list(ct.load(path, names=["b"]))
    ['b']
    """
    dev = _target_device(device)
    wanted = None if names is None else _checked_names(names)
    with _open_source(path_or_file) as src:
        loaded = _load(src, zero_copy=mmap, names=wanted)
    if dev.kind != "cpu":
        loaded = LoadedTensors({k: _to_device(t, dev) for k, t in loaded.items()}, loaded.metadata)
    return loaded


def load_tensor(
    path_or_file: PathOrFile,
    device: Device | str | None = None,
    mmap: bool = True,
) -> Tensor[Any, AnyRank, Any]:
    """The one tensor of a safetensors file that holds exactly one, whatever its name.

    The counterpart of ``save(path, tensor)``; ``path_or_file``, ``device`` and ``mmap``
    are those of :func:`load`.

    Raises
    ------
    SerializationError
        If the file is invalid or does not hold exactly one tensor.

    Examples
    --------
    >>> import io
    >>> import corten as ct
    >>> f = io.BytesIO()
    >>> ct.save(f, ct.arange(3))
    >>> ct.serialization.load_tensor(io.BytesIO(f.getvalue())).tolist()
    [0, 1, 2]
    """
    dev = _target_device(device)
    with _open_source(path_or_file) as src:
        t = _single(_load(src, zero_copy=mmap), src.where)
    return _to_device(t, dev)


def from_bytes(data: bytes | bytearray | memoryview) -> Tensor[Any, AnyRank, Any]:
    """The tensor that ``t.to_bytes()`` wrote (any safetensors data with one tensor).

    The tensor is a zero-copy window on a ``bytes`` object (which is immutable), and
    copies itself on its first write; other buffers are copied first.

    Raises
    ------
    SerializationError
        If ``data`` is not valid safetensors data holding exactly one tensor.

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.tensor([[1, 2, 3]], dtype=ct.int16)
    >>> u = ct.from_bytes(t.to_bytes())
    >>> u.tolist(), u.dtype
    ([[1, 2, 3]], corten.int16)
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise SerializationError(
            f"from_bytes takes bytes, bytearray or memoryview, got {type(data).__name__}"
        )
    src = _BytesSource(data if type(data) is bytes else bytes(data), "the bytes")
    return _single(_load(src, zero_copy=True), src.where)


def _target_device(device: Device | str | None) -> Device:
    dev = cpu if device is None else as_device(device)
    require_available(dev)
    return dev


def _to_device(t: Tensor[Any, AnyRank, Any], dev: Device) -> Tensor[Any, AnyRank, Any]:
    """The one place where a loaded (host) tensor moves to another device."""
    return t if dev.kind == "cpu" else t.to(dev)


def _single(loaded: LoadedTensors, where: str) -> Tensor[Any, AnyRank, Any]:
    if len(loaded) != 1:
        fail(
            where,
            f"expected exactly one tensor, found {len(loaded)} ({sorted(loaded)}); "
            "use ct.load for files that hold several",
        )
    return next(iter(loaded.values()))


class _Source:
    """Random access to the bytes of a file or buffer; ``array`` maps them if it can."""

    where: str
    size: int

    def read(self, offset: int, n: int) -> bytes:
        raise NotImplementedError

    def fill(self, offset: int, out: memoryview) -> None:
        raise NotImplementedError

    def array(self, offset: int, dtype: np.dtype[Any], count: int) -> Array | None:
        raise NotImplementedError


class _BytesSource(_Source):
    def __init__(self, data: bytes, where: str) -> None:
        self.data = data
        self.size = len(data)
        self.where = where

    def read(self, offset: int, n: int) -> bytes:
        return self.data[offset : offset + n]

    def fill(self, offset: int, out: memoryview) -> None:
        out[:] = memoryview(self.data)[offset : offset + out.nbytes]

    def array(self, offset: int, dtype: np.dtype[Any], count: int) -> Array | None:
        return np.frombuffer(self.data, dtype=dtype, count=count, offset=offset)


class _FileSource(_Source):
    """A regular file from position ``base``: read through ``f``, mapped on demand."""

    def __init__(self, f: IO[bytes], fd: int, base: int, size: int, where: str) -> None:
        self.f = f
        self.fd = fd
        self.base = base
        self.size = size
        self.where = where
        self._map: Array | None = None
        self._mapped = False

    def read(self, offset: int, n: int) -> bytes:
        self.f.seek(self.base + offset)
        parts = []
        while n:  # a raw (unbuffered) file may return less than asked
            part = self.f.read(n)
            if not part:
                fail(self.where, "the file became shorter while it was read")
            parts.append(part)
            n -= len(part)
        return b"".join(parts)

    def fill(self, offset: int, out: memoryview) -> None:
        readinto = getattr(self.f, "readinto", None)
        if readinto is None:
            out[:] = self.read(offset, out.nbytes)
            return
        self.f.seek(self.base + offset)
        view = out.cast("B")
        while view.nbytes:
            n = readinto(view)
            if not n:
                fail(self.where, "the file became shorter while it was read")
            view = view[n:]

    def array(self, offset: int, dtype: np.dtype[Any], count: int) -> Array | None:
        if not self._mapped:
            self._mapped = True
            self._map = map_file(self.fd, self.base + self.size)
        m = self._map
        start = self.base + offset
        if m is None or start + count * dtype.itemsize > len(m):
            return None
        return np.frombuffer(m, dtype=dtype, count=count, offset=start)


@contextlib.contextmanager
def _open_source(path_or_file: PathOrFile) -> Iterator[_Source]:
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.fsdecode(path_or_file)
        with open(path, "rb") as opened:
            yield _file_source(opened, repr(path))
        return
    f = path_or_file
    if not callable(getattr(f, "read", None)) or isinstance(f, io.TextIOBase):
        raise SerializationError(
            f"load takes a path or a binary file object opened for reading ('rb'), got "
            f"{type(f).__name__}"
        )
    name = getattr(f, "name", None)
    where = repr(name) if isinstance(name, str) else f"the {type(f).__name__}"
    src = _file_source(f, where)
    yield src
    if isinstance(src, _FileSource):
        f.seek(src.base + src.size)


def _file_source(f: IO[bytes], where: str) -> _Source:
    """A mappable source for a regular file, else the rest of the stream read into memory."""
    try:
        fd = f.fileno()
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and f.seekable():
            base = f.tell()
            return _FileSource(f, fd, base, max(0, st.st_size - base), where)
    except (OSError, AttributeError, ValueError):  # io.UnsupportedOperation is an OSError
        pass
    data = f.read()
    if not isinstance(data, bytes):
        raise SerializationError(
            f"{where} gave {type(data).__name__}, not bytes: open it in binary mode ('rb')"
        )
    return _BytesSource(data, where)


def _checked_names(names: object) -> list[str]:
    """``names`` of ``load`` as a list of str, each once, in order."""
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        raise SerializationError(
            f"names must be a collection of tensor names, got {brief(names)}; for one "
            f"tensor write names=[{brief(names)}]"
        )
    picked = list(names)
    for name in picked:
        if not isinstance(name, str):
            raise SerializationError(f"names must be str, got {brief(name)} in names")
    return list(dict.fromkeys(picked))


def _load(src: _Source, *, zero_copy: bool, names: list[str] | None = None) -> LoadedTensors:
    where = src.where
    n = fmt.header_length(src.read(0, min(8, src.size)), src.size, where)
    with _gc_paused(n >= _PAUSE_GC_BYTES):
        return _load_tensors(src, n, zero_copy, names)


@contextlib.contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large header is loaded.

    A header of a million tensors makes millions of container objects (its JSON, then
    the tensors), none of them garbage and none in a cycle; the collector would walk
    them all again and again as they are made, which more than doubles the time. The
    pause changes no result: collection resumes after, and runs as before.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _load_tensors(src: _Source, n: int, zero_copy: bool, names: list[str] | None) -> LoadedTensors:
    where = src.where
    header = fmt.parse_header(src.read(8, n), src.size - 8 - n, where)
    entries = _selected(header, names, where)
    start = 8 + n
    loaded = LoadedTensors(None, header.metadata)
    if zero_copy:  # a map (or the bytes) in any order
        for e in entries:
            loaded[e.name] = _read_tensor(src, start + e.begin, e, True)
        return loaded
    tensors: dict[str, Tensor[Any, AnyRank, Any]] = {}
    for e in sorted(entries, key=fmt.FILE_ORDER):  # read in file order
        tensors[e.name] = _read_tensor(src, start + e.begin, e, False)
    for e in entries:
        loaded[e.name] = tensors[e.name]
    return loaded


def _selected(header: Header, names: list[str] | None, where: str) -> list[Entry]:
    """The entries to load: all (every dtype must be corten's), or those named."""
    if names is None:
        if header.unsupported:
            others = len(header.entries) + len(header.unsupported) - 1
            hint = f"; ct.load(..., names=[...]) loads the other {others}" if others else ""
            fmt.refuse(header.unsupported[0], where, hint)
        return header.entries
    by_name = {e.name: e for e in header.entries}
    picked = []
    for name in names:
        e = by_name.get(name)
        if e is None:
            for u in header.unsupported:
                if u.name == name:
                    fmt.refuse(u, where)
            held = [*by_name, *(u.name for u in header.unsupported)]
            shown = ", ".join(brief(k, 40) for k in held[:5]) + (", ..." if len(held) > 5 else "")
            raise MissingTensorError(
                f"{where} holds no tensor named {brief(name)}; it holds {len(held)}"
                + (f": {shown}" if held else "")
            )
        picked.append(e)
    return picked


def _read_tensor(src: _Source, at: int, e: Entry, zero_copy: bool) -> Tensor[Any, AnyRank, Any]:
    dt = e.dtype
    count = math.prod(e.shape)
    if count == 0:
        return _result(np.empty(e.shape, dtype=dt.numpy), cpu)
    if zero_copy and _LITTLE:
        root = src.array(at, dt.numpy, count)
        if root is not None and root.flags.aligned:
            _check_bools(root, e, src.where)
            buf = Buffer(root, cpu, readonly=True)  # never written: the first write copies
            return Tensor._new(Storage.adopt(buf), e.shape, contiguous_strides(e.shape), 0, dt)
    arr = np.empty(count, dtype=dt.numpy)
    src.fill(at, arr.view(np.uint8).data)
    if not _LITTLE:
        arr = arr.byteswap()
    _check_bools(arr, e, src.where)
    return _result(arr.reshape(e.shape), cpu)


def _check_bools(arr: Array, e: Entry, where: str) -> None:
    if e.dtype is bool_ and int(arr.view(np.uint8).max()) > 1:
        fail(where, f"tensor {brief(e.name)} of dtype BOOL holds bytes other than 0 and 1")


# ----------------------------------------------------------------------------- dict form


_NONFINITE: Final[dict[str, float]] = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def to_dict(t: AnyTensor) -> dict[str, Any]:
    """One tensor as a dict of plain JSON-able values: dtype, shape and data.

    ``data`` is the flat list of elements in row-major order: bools, ints (exact, for
    int64 and uint64 too) or floats, with the non-finite floats as the strings
    ``"nan"``, ``"inf"`` and ``"-inf"`` (JSON has no such numbers). A complex element is
    the pair ``[real, imag]`` of such floats. ``from_dict`` reads it back; ``json.dumps``
    writes it.

    Examples
    --------
    >>> import corten as ct
    >>> ct.serialization.to_dict(ct.tensor([[1.0, float("inf")]], dtype=ct.float16))
    {'dtype': 'float16', 'shape': [1, 2], 'data': [1.0, 'inf']}
    >>> ct.serialization.to_dict(ct.tensor([1 - 2j]))
    {'dtype': 'complex64', 'shape': [1], 'data': [[1.0, -2.0]]}
    """
    if not isinstance(t, TensorView):
        raise SerializationError(f"to_dict takes a tensor, got {type(t).__name__}")
    a = _host_array(t)
    if t._dtype.is_complex:
        # [re, im] pairs: JSON has no complex numbers.
        flat = a.reshape(-1)
        data = np.stack([flat.real, flat.imag], axis=-1).tolist()
        for i, j in np.argwhere(~np.isfinite(np.stack([flat.real, flat.imag], axis=-1))):
            x = data[i][j]
            data[i][j] = "nan" if x != x else ("inf" if x > 0 else "-inf")
        return {"dtype": t._dtype.name, "shape": list(t._shape), "data": data}
    data = a.reshape(-1).tolist()
    if t._dtype.is_floating:
        flat = a.reshape(-1)
        for i in np.flatnonzero(~np.isfinite(flat)).tolist():
            x = data[i]
            data[i] = "nan" if x != x else ("inf" if x > 0 else "-inf")
    return {"dtype": t._dtype.name, "shape": list(t._shape), "data": data}


def from_dict(d: Mapping[str, Any]) -> Tensor[Any, AnyRank, Any]:
    """The tensor that ``to_dict`` described, validated as untrusted input.

    Raises
    ------
    SerializationError
        If ``d`` is not a mapping with exactly the keys dtype, shape and data, the dtype
        is unknown, the shape is not a list of integers >= 0, the data is not a flat list
        of as many elements as the shape holds, or an element does not fit the dtype
        (bools for bool, ints in range for integers, numbers or "nan"/"inf"/"-inf" within
        range for floats, ``[real, imag]`` pairs of those for complex dtypes).

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.from_dict({"dtype": "uint64", "shape": [2], "data": [0, 2**64 - 1]})
    >>> t.tolist()
    [0, 18446744073709551615]
    """
    if not isinstance(d, Mapping):
        raise SerializationError(
            f"from_dict takes a dict with keys dtype, shape and data, got {type(d).__name__}"
        )
    keys = set(d)
    if keys != {"dtype", "shape", "data"}:
        missing = sorted(str(k) for k in {"dtype", "shape", "data"} - keys)
        extra = sorted(repr(k) for k in keys - {"dtype", "shape", "data"})
        raise SerializationError(
            "from_dict needs exactly the keys dtype, shape and data"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(extra)}" if extra else "")
        )
    name = d["dtype"]
    dtype = _BY_NAME.get(name) if isinstance(name, str) else None
    if dtype is None:
        raise SerializationError(
            f"from_dict: unknown dtype {brief(name)}; expected one of {', '.join(_BY_NAME)}"
        )
    shape = d["shape"]
    if (
        not isinstance(shape, (list, tuple))
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)
        or len(shape) > MAX_RANK
    ):
        raise SerializationError(
            f"from_dict: shape {brief(shape)} is not a list of at most {MAX_RANK} integers >= 0"
        )
    if fmt.nonzero_bytes(shape, dtype.itemsize) > MAX_BYTES:
        raise SerializationError(f"from_dict: shape {brief(shape)} is too large to describe")
    data = d["data"]
    if not isinstance(data, (list, tuple)):
        raise SerializationError(
            f"from_dict: data must be a flat list of elements, got {type(data).__name__}"
        )
    count = math.prod(shape)
    if len(data) != count:
        raise SerializationError(
            f"from_dict: shape {list(shape)} holds {count} elements but data has {len(data)}"
        )
    arr = _elements(data, dtype)
    return _result(arr.reshape(tuple(shape)), cpu)


def _elements(data: list[Any] | tuple[Any, ...], dtype: DType) -> Array:
    def bad(i: int, why: str) -> NoReturn:
        raise SerializationError(f"from_dict: data[{i}] = {brief(data[i])} {why}")

    if dtype.is_bool:
        for i, x in enumerate(data):
            if type(x) is not bool:
                bad(i, "is not a bool (the dtype is bool)")
        return np.array(data, dtype=np.bool_).reshape(-1)
    if dtype.is_integer:
        info = np.iinfo(dtype.numpy)
        lo, hi = int(info.min), int(info.max)
        for i, x in enumerate(data):
            if not isinstance(x, int) or isinstance(x, bool):
                bad(i, f"is not an integer (the dtype is {dtype.name})")
            if not lo <= x <= hi:
                bad(i, f"is outside the range of {dtype.name} [{lo}, {hi}]")
        return np.array(data, dtype=dtype.numpy).reshape(-1)
    if dtype.is_complex:
        part = real_dtype(dtype)
        pairs: list[Any] = []
        for i, x in enumerate(data):
            if not isinstance(x, (list, tuple)) or len(x) != 2:
                bad(i, f"is not a [real, imag] pair (the dtype is {dtype.name})")
            pairs.extend(x)
        try:
            parts = _elements(pairs, part)
        except SerializationError:
            for i, x in enumerate(data):  # the first bad pair, for the message
                try:
                    _elements(list(x), part)
                except SerializationError as exc:
                    why = str(exc).partition("] = ")[2].partition(" ")[2]
                    bad(i, f"has a part that {why}")
            raise
        return parts.view(dtype.numpy).reshape(-1)
    values = np.empty(len(data), dtype=np.float64)
    for i, x in enumerate(data):
        if isinstance(x, str):
            v = _NONFINITE.get(x)
            if v is None:
                bad(i, 'is not a number nor one of "nan", "inf", "-inf"')
        elif isinstance(x, float):
            v = x
        elif isinstance(x, int) and not isinstance(x, bool):
            try:
                v = float(x)
            except OverflowError:
                bad(i, f"is too large for {dtype.name}")
        else:
            bad(i, f"is not a number (the dtype is {dtype.name})")
        values[i] = v
    with np.errstate(over="ignore"):
        arr = values.astype(dtype.numpy)
    # (float8_e4m3fn has no infinity: what does not fit it becomes NaN)
    overflow = ~np.isnan(values) & (np.isnan(arr) | (np.isinf(arr) & ~np.isinf(values)))
    if overflow.any():
        bad(int(np.flatnonzero(overflow)[0]), f"is too large for {dtype.name}")
    return arr
