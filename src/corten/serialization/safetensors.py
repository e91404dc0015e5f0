"""The safetensors format: its header, written and validated, apart from any I/O.

A file is::

    8 bytes    N, the length of the header (unsigned, little-endian)
    N bytes    the header: a UTF-8 JSON object, padded with spaces so that the data
               starts at a multiple of 8 bytes. Each tensor's name maps to
               {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]};
               the optional "__metadata__" maps str to str.
    the rest   the data: each tensor's elements, row-major and little-endian, at
               [begin, end) from the start of the data; the tensors cover it exactly,
               without gaps or overlaps.

Everything read here is untrusted: :func:`header_length` and :func:`parse_header` check
every field and raise :class:`~corten.core.errors.SerializationError` naming what is wrong,
before the caller allocates anything for the data.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple, NoReturn

from corten.core.dtypes import (
    DType,
    bfloat16,
    bool_,
    float8_e4m3fn,
    float8_e5m2,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)
from corten.core.errors import SerializationError

__all__ = [
    "HEADER_LIMIT",
    "MAX_BYTES",
    "MAX_RANK",
    "Entry",
    "Header",
    "Unsupported",
    "brief",
    "encode_header",
    "fail",
    "header_length",
    "nonzero_bytes",
    "parse_header",
    "refuse",
]

HEADER_LIMIT: Final = 100_000_000  # bytes, as the safetensors package
MAX_RANK: Final = 64  # NumPy's limit
MAX_BYTES: Final = 2**63 - 1  # the largest array NumPy can describe
METADATA_KEY: Final = "__metadata__"
_ENTRY_KEYS: Final = ("dtype", "shape", "data_offsets")

FORMAT_NAMES: Final[dict[DType, str]] = {
    bool_: "BOOL",
    uint8: "U8",
    int8: "I8",
    uint16: "U16",
    int16: "I16",
    uint32: "U32",
    int32: "I32",
    uint64: "U64",
    int64: "I64",
    float16: "F16",
    float32: "F32",
    float64: "F64",
    bfloat16: "BF16",
    float8_e4m3fn: "F8_E4M3",
    float8_e5m2: "F8_E5M2",
}
_BY_FORMAT_NAME: Final[dict[str, DType]] = {v: k for k, v in FORMAT_NAMES.items()}

# Every dtype of the safetensors format (the package's ``Dtype``) and its size in bits,
# corten's or not: a header is validated whole, also where it holds tensors of dtypes
# that corten cannot load (``load(..., names=...)`` leaves those out).
FORMAT_BITS: Final[dict[str, int]] = {
    "BOOL": 8,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "F8_E4M3FNUZ": 8,
    "F8_E5M2FNUZ": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "C64": 64,
    "F64": 64,
    "I64": 64,
    "U64": 64,
}


class Entry(NamedTuple):
    """One tensor of a header: its name, dtype, shape and byte range in the data."""

    name: str
    dtype: DType
    shape: tuple[int, ...]
    begin: int
    end: int


class Unsupported(NamedTuple):
    """A tensor of a header whose dtype (``code``) is the format's but not corten's."""

    name: str
    code: str
    shape: tuple[int, ...]
    begin: int
    end: int


class Header(NamedTuple):
    """A validated header: the tensors corten can load, in header order, the metadata,
    and the tensors of dtypes that corten does not support."""

    entries: list[Entry]
    metadata: dict[str, str]
    unsupported: list[Unsupported]


# Entries are built by the hundred thousand from large headers: construct the tuples
# directly (NamedTuple's generated __new__ is a Python function), and sort on fields.
_new_entry: Final = tuple.__new__
FILE_ORDER: Final = operator.itemgetter(3, 4)  # (begin, end) of an Entry or Unsupported
_INT: Final = frozenset({int})
_STR: Final = frozenset({str})


def fail(where: str, what: str) -> NoReturn:
    """Raise the SerializationError for invalid data read from ``where``."""
    raise SerializationError(f"invalid safetensors data in {where}: {what}")


def brief(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short: untrusted values can be arbitrarily large."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def nonzero_bytes(shape: Sequence[int], itemsize: int) -> int:
    """The bytes of ``shape`` with its zero dimensions left out (NumPy's size check).

    The product stops growing past :data:`MAX_BYTES`, so huge dimensions cost nothing.
    """
    n = itemsize
    for s in shape:
        if s:
            n *= s
            if n > MAX_BYTES:
                break
    return n


# ----------------------------------------------------------------------------- writing


def encode_header(
    tensors: Sequence[tuple[str, DType, tuple[int, ...]]], metadata: Mapping[str, str] | None
) -> bytes:
    """The 8-byte length field and the padded header for ``tensors``, in data order.

    Raises SerializationError if a dtype has no safetensors name (complex), a string
    cannot be encoded as UTF-8 or the header would exceed :data:`HEADER_LIMIT`.
    """
    header: dict[str, Any] = {}
    if metadata is not None:
        header[METADATA_KEY] = dict(metadata)
    offset = 0
    for name, dtype, shape in tensors:
        code = FORMAT_NAMES.get(dtype)
        if code is None:
            raise SerializationError(
                f"tensor {name!r} is {dtype.name}, which the safetensors format cannot hold "
                "(it has no complex dtype); save ct.real(t) and ct.imag(t) as two tensors, "
                "or use to_dict() or pickle, which keep complex tensors"
            )
        nbytes = math.prod(shape) * dtype.itemsize
        header[name] = {
            "dtype": code,
            "shape": list(shape),
            "data_offsets": [offset, offset + nbytes],
        }
        offset += nbytes
    try:
        text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SerializationError(
            f"a tensor name or metadata string cannot be encoded as UTF-8: {exc}"
        ) from exc
    text += b" " * (-len(text) % 8)
    if len(text) > HEADER_LIMIT:
        raise SerializationError(
            f"the header would take {len(text)} bytes, more than the {HEADER_LIMIT} that "
            "readers accept; save fewer tensors or less metadata per file"
        )
    return len(text).to_bytes(8, "little") + text


# ----------------------------------------------------------------------------- reading


def header_length(prefix: bytes, size: int, where: str) -> int:
    """The header length in the first 8 of ``size`` bytes, checked against ``size``."""
    if size < 8:
        fail(where, f"{size} bytes, too short for the 8-byte header length")
    n = int.from_bytes(prefix[:8], "little")
    if n > HEADER_LIMIT:
        fail(where, f"the header length {n} exceeds the limit of {HEADER_LIMIT} bytes")
    if n > size - 8:
        fail(
            where,
            f"the header length {n} exceeds the {size - 8} bytes that follow the length "
            "field (truncated file?)",
        )
    return n


def parse_header(raw: bytes, data_len: int, where: str) -> Header:
    """Validate a header completely: its entries in header order, and its metadata.

    ``data_len`` is the number of bytes after the header, which the tensors must cover.
    Tensors of the format's dtypes that corten does not support are validated too, and
    listed apart in :attr:`Header.unsupported`; any other dtype is an error.

    Time and memory are linear in the size of the header. Headers as writers make them
    take the quick way (:func:`_parse_usual`); anything else is decoded again and
    checked field by field (:func:`_parse_strict`), which names what is wrong.
    """
    if raw[:1] != b"{":
        fail(where, f"the header must be a JSON object starting with '{{', got {raw[:16]!r}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(where, f"the header is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    header = _parse_usual(text, data_len, where)
    return header if header is not None else _parse_strict(text, data_len, where)


def _decode(text: str, where: str, object_pairs_hook: Any) -> Any:
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=_reject)
    except RecursionError:
        fail(where, "the header nests JSON too deeply")
    except ValueError as exc:  # json.JSONDecodeError, and too long integers
        fail(where, f"the header is not valid JSON: {exc}")


def _parse_usual(text: str, data_len: int, where: str) -> Header | None:
    """The header if it is in the usual form and plainly valid, else None.

    The usual form: every entry's keys in the order dtype, shape, data_offsets, every
    dtype corten's, metadata (if any) of str to str. JSON is decoded into dicts, which
    is fast but keeps only the last of repeated keys; so the pairs are counted: in valid
    JSON a colon outside strings separates a key from its value, and the text holds
    exactly as many as the dicts hold pairs when no key repeats. (A colon escaped in a
    string, ``\\u003a``, would upset the count: such a header goes the strict way.)
    """
    if "\\u003a" in text or "\\u003A" in text:
        return None
    obj = _decode(text, where, None)
    if type(obj) is not dict:  # unreachable after the "{" check; kept for safety
        fail(where, f"the header is {_json_type(obj)}, not an object")
    pairs = len(obj)
    in_strings = "".join(obj).count(":")
    meta = obj.pop(METADATA_KEY, None)
    metadata: dict[str, str] = {}
    if meta is not None:
        if type(meta) is not dict or not set(map(type, meta.values())) <= _STR:
            return None
        metadata = meta
        pairs += len(meta)
        in_strings += "".join(meta).count(":") + "".join(meta.values()).count(":")
    entries: list[Entry] = []
    keep = entries.append
    for name, info in obj.items():
        e = _quick_entry(name, info, data_len)
        if e is None:
            return None
        keep(e)
    if text.count(":") != pairs + len(_ENTRY_KEYS) * len(entries) + in_strings:
        return None  # a repeated key
    _check_coverage(entries, [], data_len, where)
    return Header(entries, metadata, [])


def _parse_strict(text: str, data_len: int, where: str) -> Header:
    """Validate the header field by field; JSON objects are decoded as tuples of pairs,
    so that a repeated key is seen."""
    obj = _object(_decode(text, where, tuple), where)
    metadata = _parse_metadata(obj.pop(METADATA_KEY, None), where)
    entries: list[Entry] = []
    unsupported: list[Unsupported] = []
    for name, info in obj.items():
        e = _parse_entry(name, info, data_len, where)
        if isinstance(e, Unsupported):
            unsupported.append(e)
        else:
            entries.append(e)
    _check_coverage(entries, unsupported, data_len, where)
    return Header(entries, metadata, unsupported)


def refuse(u: Unsupported, where: str, hint: str = "") -> NoReturn:
    """Raise the SerializationError for loading a tensor of a dtype corten lacks."""
    fail(
        where,
        f"tensor {brief(u.name)} has dtype {brief(u.code)}, which corten does not support "
        f"(supported: {', '.join(_BY_FORMAT_NAME)}){hint}",
    )


def _check_coverage(
    entries: list[Entry], unsupported: list[Unsupported], data_len: int, where: str
) -> None:
    """The tensors cover the data exactly, without gaps or overlaps."""
    pos = 0
    prev: Entry | Unsupported | None = None
    every: list[Entry | Unsupported] = [*entries, *unsupported]
    for e in sorted(every, key=FILE_ORDER):
        if e.begin != pos:
            if prev is not None and e.begin < pos:
                fail(
                    where,
                    f"tensor {brief(e.name)} at data_offsets [{e.begin}, {e.end}] overlaps "
                    f"tensor {brief(prev.name)} at [{prev.begin}, {prev.end}]",
                )
            fail(
                where,
                f"tensor {brief(e.name)} starts at byte {e.begin} of the data, but the "
                f"bytes from {pos} belong to no tensor (data_offsets must be contiguous)",
            )
        pos = e.end
        prev = e
    if pos != data_len:
        fail(
            where,
            f"the tensors cover {pos} bytes but the data after the header holds {data_len} "
            "(truncated file, or trailing bytes)",
        )


def _object(pairs: Any, where: str) -> dict[str, Any]:
    """A JSON object, as the pairs the decoder gives, as a dict; a repeated key is an error."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                fail(where, f"the header repeats the key {brief(key)}")
            seen.add(key)
    return obj


def _quick_entry(name: str, info: object, data_len: int) -> Entry | None:
    """The entry for ``info`` if it is plainly valid, else None.

    Every check of :func:`_parse_entry` in a few C-level operations, for the entries
    that writers produce; anything else goes the strict way, which names what is wrong.
    """
    if type(info) is not dict or len(info) != 3:
        return None
    try:
        code = info["dtype"]
        shape = info["shape"]
        offsets = info["data_offsets"]
    except KeyError:
        return None
    dtype = _BY_FORMAT_NAME.get(code) if type(code) is str else None
    if (
        dtype is None
        or type(shape) is not list
        or len(shape) > MAX_RANK
        or type(offsets) is not list
        or len(offsets) != 2
    ):
        return None
    if shape and (not set(map(type, shape)) <= _INT or min(shape) < 0):
        return None
    begin, end = offsets
    if type(begin) is not int or type(end) is not int or not 0 <= begin <= end <= data_len:
        return None
    if 0 in shape:
        if max(shape) > 1 and nonzero_bytes(shape, dtype.itemsize) > MAX_BYTES:
            return None
        nbytes = 0
    elif shape and max(shape) > data_len:  # more bytes than there are; keeps prod small
        return None
    else:
        nbytes = math.prod(shape) * dtype.itemsize
    if nbytes != end - begin:
        return None
    entry: Entry = _new_entry(Entry, (name, dtype, tuple(shape), begin, end))
    return entry


def _reject(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _json_type(value: object) -> str:
    names = {tuple: "an object", list: "an array", str: "a string", bool: "a boolean"}
    names.update({int: "an integer", float: "a number", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _parse_metadata(meta: object, where: str) -> dict[str, str]:
    if meta is None:
        return {}
    if type(meta) is not tuple:
        fail(where, f"{METADATA_KEY!r} must be an object of str to str, got {_json_type(meta)}")
    fields = _object(meta, where)
    for k, v in fields.items():
        if not isinstance(v, str):
            fail(where, f"{METADATA_KEY!r} value for {brief(k)} is {_json_type(v)}, not a string")
    return fields


def _parse_entry(name: str, info: object, data_len: int, where: str) -> Entry | Unsupported:
    what = f"tensor {brief(name)}"
    if type(info) is not tuple:
        fail(
            where,
            f"{what} must be an object with dtype, shape and data_offsets, got {_json_type(info)}",
        )
    fields = _object(info, where)
    missing = [k for k in _ENTRY_KEYS if k not in fields]
    if missing:
        fail(where, f"{what} lacks {', '.join(missing)}")
    extra = sorted(k for k in fields if k not in _ENTRY_KEYS)
    if extra:
        fail(where, f"{what} has unknown keys {brief(extra)}; expected only {list(_ENTRY_KEYS)}")
    code = fields["dtype"]
    if not isinstance(code, str):
        fail(where, f"{what} has dtype {brief(code)}, which is not a string")
    dtype = _BY_FORMAT_NAME.get(code)
    bits = dtype.itemsize * 8 if dtype is not None else FORMAT_BITS.get(code)
    if bits is None:
        fail(
            where,
            f"{what} has dtype {brief(code)}, which corten does not support (supported: "
            f"{', '.join(_BY_FORMAT_NAME)})",
        )
    shape = fields["shape"]
    if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape):
        fail(where, f"{what} has shape {brief(shape)}; a shape is a list of integers >= 0")
    if len(shape) > MAX_RANK:
        fail(where, f"{what} has {len(shape)} dimensions, more than the {MAX_RANK} allowed")
    if nonzero_bytes(shape, max(1, bits // 8)) > MAX_BYTES:
        fail(where, f"{what} has shape {brief(shape)}, too large to describe")
    offsets = fields["data_offsets"]
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(type(o) is int and o >= 0 for o in offsets)
    ):
        fail(
            where,
            f"{what} has data_offsets {brief(offsets)}; expected [begin, end], integers >= 0",
        )
    begin, end = offsets
    if begin > end:
        fail(where, f"{what} has data_offsets [{begin}, {end}] with begin after end")
    if end > data_len:
        fail(where, f"{what} has data_offsets [{begin}, {end}] beyond the {data_len} bytes of data")
    nbits = math.prod(shape) * bits
    if nbits % 8:
        fail(
            where,
            f"{what} of shape {shape} and dtype {code} takes {nbits} bits, which do not end "
            "on a byte boundary",
        )
    if nbits // 8 != end - begin:
        fail(
            where,
            f"{what} of shape {shape} and dtype {code} needs {nbits // 8} bytes but its "
            f"data_offsets [{begin}, {end}] hold {end - begin}",
        )
    if dtype is None:
        return Unsupported(name, code, tuple(shape), begin, end)
    return Entry(name, dtype, tuple(shape), begin, end)
