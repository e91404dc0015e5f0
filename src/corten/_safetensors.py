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
every field and raise :class:`~corten.errors.SerializationError` naming what is wrong,
before the caller allocates anything for the data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from corten.dtypes import (
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
from corten.errors import SerializationError

__all__ = [
    "HEADER_LIMIT",
    "MAX_BYTES",
    "MAX_RANK",
    "Entry",
    "brief",
    "encode_header",
    "fail",
    "header_length",
    "nonzero_bytes",
    "parse_header",
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One tensor of a header: its name, dtype, shape and byte range in the data."""

    name: str
    dtype: DType
    shape: tuple[int, ...]
    begin: int
    end: int


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

    Raises SerializationError if a string cannot be encoded as UTF-8 or the header
    would exceed :data:`HEADER_LIMIT`.
    """
    header: dict[str, Any] = {}
    if metadata is not None:
        header[METADATA_KEY] = dict(metadata)
    offset = 0
    for name, dtype, shape in tensors:
        nbytes = math.prod(shape) * dtype.itemsize
        header[name] = {
            "dtype": FORMAT_NAMES[dtype],
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


def parse_header(raw: bytes, data_len: int, where: str) -> tuple[list[Entry], dict[str, str]]:
    """Validate a header completely: its entries in header order, and its metadata.

    ``data_len`` is the number of bytes after the header, which the tensors must cover.
    """
    if raw[:1] != b"{":
        fail(where, f"the header must be a JSON object starting with '{{', got {raw[:16]!r}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(where, f"the header is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    try:
        obj = json.loads(
            text, object_pairs_hook=_object_without_duplicates, parse_constant=_reject_constant
        )
    except _DuplicateKey as exc:
        fail(where, f"the header repeats the key {brief(exc.key)}")
    except RecursionError:
        fail(where, "the header nests JSON too deeply")
    except ValueError as exc:  # json.JSONDecodeError, and too long integers
        fail(where, f"the header is not valid JSON: {exc}")
    if not isinstance(obj, dict):  # unreachable after the "{" check; kept for safety
        fail(where, f"the header is {_json_type(obj)}, not an object")
    metadata = _parse_metadata(obj.pop(METADATA_KEY, None), where)
    entries = [_parse_entry(name, info, data_len, where) for name, info in obj.items()]
    pos = 0
    prev: Entry | None = None
    for e in sorted(entries, key=lambda e: (e.begin, e.end)):
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
    return entries, metadata


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON value")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    names.update({int: "an integer", float: "a number", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _parse_metadata(meta: object, where: str) -> dict[str, str]:
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        fail(where, f"{METADATA_KEY!r} must be an object of str to str, got {_json_type(meta)}")
    for k, v in meta.items():
        if not isinstance(v, str):
            fail(where, f"{METADATA_KEY!r} value for {brief(k)} is {_json_type(v)}, not a string")
    return meta


def _parse_entry(name: str, info: object, data_len: int, where: str) -> Entry:
    what = f"tensor {brief(name)}"
    if not isinstance(info, dict):
        fail(
            where,
            f"{what} must be an object with dtype, shape and data_offsets, got {_json_type(info)}",
        )
    missing = [k for k in _ENTRY_KEYS if k not in info]
    if missing:
        fail(where, f"{what} lacks {', '.join(missing)}")
    extra = sorted(k for k in info if k not in _ENTRY_KEYS)
    if extra:
        fail(where, f"{what} has unknown keys {brief(extra)}; expected only {list(_ENTRY_KEYS)}")
    code = info["dtype"]
    if not isinstance(code, str):
        fail(where, f"{what} has dtype {brief(code)}, which is not a string")
    dtype = _BY_FORMAT_NAME.get(code)
    if dtype is None:
        fail(
            where,
            f"{what} has dtype {brief(code)}, which corten does not support (supported: "
            f"{', '.join(_BY_FORMAT_NAME)})",
        )
    shape = info["shape"]
    if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape):
        fail(where, f"{what} has shape {brief(shape)}; a shape is a list of integers >= 0")
    if len(shape) > MAX_RANK:
        fail(where, f"{what} has {len(shape)} dimensions, more than the {MAX_RANK} allowed")
    if nonzero_bytes(shape, dtype.itemsize) > MAX_BYTES:
        fail(where, f"{what} has shape {brief(shape)}, too large to describe")
    offsets = info["data_offsets"]
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
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes != end - begin:
        fail(
            where,
            f"{what} of shape {shape} and dtype {code} needs {nbytes} bytes but its "
            f"data_offsets [{begin}, {end}] hold {end - begin}",
        )
    return Entry(name, dtype, tuple(shape), begin, end)
