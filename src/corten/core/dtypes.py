"""Element types.

Each dtype is a small value object (a singleton per kind) whose class is the marker used
in static types: ``ct.float32`` is an instance of :class:`Float32`, so
``Tensor[Float32, Rank2, Cpu]`` names a 2-D float32 CPU tensor.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Self

import ml_dtypes
import numpy as np

from corten.core.errors import DTypeError

__all__ = [
    "BFloat16",
    "Bool",
    "Complex64",
    "Complex128",
    "DType",
    "Float16",
    "Float32",
    "Float64",
    "Float8E4M3FN",
    "Float8E5M2",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "all_dtypes",
    "as_dtype",
    "bfloat16",
    "bool_",
    "complex64",
    "complex128",
    "complex_dtype",
    "float8_e4m3fn",
    "float8_e5m2",
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "promote_types",
    "real_dtype",
    "result_type",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
]


class DType:
    """An element type: its name, its NumPy dtype and its size in bytes.

    Instances are singletons; compare them with ``==`` or ``is``. A dtype also equals
    the NumPy dtypes, scalar types and names that :func:`as_dtype` maps to it, and
    ``np.dtype(d)`` is its NumPy dtype, so NumPy functions accept it as a ``dtype=``.

    Examples
    --------
    >>> import numpy as np
    >>> import corten as ct
    >>> ct.float32
    corten.float32
    >>> ct.float32.itemsize, ct.float32.numpy
    (4, dtype('float32'))
    >>> ct.as_dtype("uint8") is ct.uint8
    True
    >>> ct.int64 == np.int64, ct.float32 == "float32", ct.float32 == np.dtype("float64")
    (True, True, False)
    >>> np.dtype(ct.uint8), np.zeros(2, dtype=ct.bfloat16).dtype
    (dtype('uint8'), dtype(bfloat16))
    """

    __slots__ = ()
    name: ClassVar[str]
    numpy: ClassVar[np.dtype[Any]]
    #: The NumPy dtype again, under the name that ``np.dtype(obj)`` reads from objects.
    dtype: ClassVar[np.dtype[Any]]
    itemsize: ClassVar[int]
    kind: ClassVar[str]  # "b" bool, "i" signed, "u" unsigned, "f" floating
    _hash: ClassVar[int]
    #: Whether the NumPy dtype is one of ml_dtypes' (bfloat16, float8): NumPy's array
    #: interface and DLPack describe these as void or refuse them, and their loops raise
    #: the "invalid" flag on NaN in ordered comparisons and min/max, where NumPy's own do
    #: not (so CPU operations on them run with NumPy's float warnings off).
    _ml_dtypes: ClassVar[bool] = False
    _instance: ClassVar[DType | None] = None

    def __new__(cls) -> Self:
        inst = cls._instance
        if not isinstance(inst, cls):
            inst = super().__new__(cls)
            cls._instance = inst
        return inst

    def __init_subclass__(
        cls, *, name: str = "", numpy_type: Any = None, kind: str = "", **kwargs: Any
    ) -> None:
        # ``numpy_type`` and ``kind`` are for the ml_dtypes types, whose NumPy kind is
        # "V" (or "f") although they are floats.
        super().__init_subclass__(**kwargs)
        if name:
            cls.name = name
            cls.numpy = np.dtype(name if numpy_type is None else numpy_type)
            cls.dtype = cls.numpy
            cls.itemsize = cls.numpy.itemsize
            cls.kind = kind or cls.numpy.kind
            cls._hash = hash(cls.numpy)
            cls._ml_dtypes = numpy_type is not None
            cls._instance = None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DType):
            return other is self
        found = _named_by(other)
        if found is None:
            return NotImplemented
        return found is self

    def __hash__(self) -> int:
        # Equal to its NumPy dtype, so it hashes like it (strings and scalar types that
        # compare equal hash differently, as with NumPy's own dtypes; see docs/design.md).
        return self._hash

    def __repr__(self) -> str:
        return f"corten.{self.name}"

    def __str__(self) -> str:
        return self.name

    def __reduce__(self) -> tuple[Any, ...]:
        return (as_dtype, (self.name,))

    @property
    def is_floating(self) -> bool:
        """True for float16, float32 and float64."""
        return self.kind == "f"

    @property
    def is_integer(self) -> bool:
        """True for the signed and unsigned integer dtypes."""
        return self.kind in "iu"

    @property
    def is_bool(self) -> bool:
        """True for bool."""
        return self.kind == "b"

    @property
    def is_complex(self) -> bool:
        """True for complex64 and complex128."""
        return self.kind == "c"


class Bool(DType, name="bool"):
    """Marker class of ``ct.bool_``."""

    __slots__ = ()


class UInt8(DType, name="uint8"):
    """Marker class of ``ct.uint8``."""

    __slots__ = ()


class UInt16(DType, name="uint16"):
    """Marker class of ``ct.uint16``."""

    __slots__ = ()


class UInt32(DType, name="uint32"):
    """Marker class of ``ct.uint32``."""

    __slots__ = ()


class UInt64(DType, name="uint64"):
    """Marker class of ``ct.uint64``."""

    __slots__ = ()


class Int8(DType, name="int8"):
    """Marker class of ``ct.int8``."""

    __slots__ = ()


class Int16(DType, name="int16"):
    """Marker class of ``ct.int16``."""

    __slots__ = ()


class Int32(DType, name="int32"):
    """Marker class of ``ct.int32``."""

    __slots__ = ()


class Int64(DType, name="int64"):
    """Marker class of ``ct.int64``."""

    __slots__ = ()


class Float16(DType, name="float16"):
    """Marker class of ``ct.float16``."""

    __slots__ = ()


class Float32(DType, name="float32"):
    """Marker class of ``ct.float32``."""

    __slots__ = ()


class Float64(DType, name="float64"):
    """Marker class of ``ct.float64``."""

    __slots__ = ()


class Complex64(DType, name="complex64"):
    """Marker class of ``ct.complex64`` (two float32: real and imaginary parts)."""

    __slots__ = ()


class Complex128(DType, name="complex128"):
    """Marker class of ``ct.complex128`` (two float64: real and imaginary parts)."""

    __slots__ = ()


class BFloat16(DType, name="bfloat16", numpy_type=ml_dtypes.bfloat16, kind="f"):
    """Marker class of ``ct.bfloat16`` (brain float: float32's range with 8 bits of precision).

    Its NumPy dtype is ``ml_dtypes.bfloat16``, the type JAX and TensorFlow use.
    """

    __slots__ = ()


class Float8E4M3FN(DType, name="float8_e4m3fn", numpy_type=ml_dtypes.float8_e4m3fn, kind="f"):
    """Marker class of ``ct.float8_e4m3fn`` (``ml_dtypes.float8_e4m3fn``, safetensors' F8_E4M3).

    A storage type: see docs/design.md for the operations it supports.
    """

    __slots__ = ()


class Float8E5M2(DType, name="float8_e5m2", numpy_type=ml_dtypes.float8_e5m2, kind="f"):
    """Marker class of ``ct.float8_e5m2`` (``ml_dtypes.float8_e5m2``, safetensors' F8_E5M2).

    A storage type: see docs/design.md for the operations it supports.
    """

    __slots__ = ()


bool_: Final = Bool()
uint8: Final = UInt8()
uint16: Final = UInt16()
uint32: Final = UInt32()
uint64: Final = UInt64()
int8: Final = Int8()
int16: Final = Int16()
int32: Final = Int32()
int64: Final = Int64()
float16: Final = Float16()
float32: Final = Float32()
float64: Final = Float64()
complex64: Final = Complex64()
complex128: Final = Complex128()
bfloat16: Final = BFloat16()
float8_e4m3fn: Final = Float8E4M3FN()
float8_e5m2: Final = Float8E5M2()

all_dtypes: Final[tuple[DType, ...]] = (
    bool_,
    uint8,
    uint16,
    uint32,
    uint64,
    int8,
    int16,
    int32,
    int64,
    float16,
    float32,
    float64,
    complex64,
    complex128,
    bfloat16,
)

#: The float8 dtypes: stored, converted and serialized, but not computed with (see
#: docs/design.md); not in ``all_dtypes``, whose dtypes every operation supports.
FLOAT8_DTYPES: Final[tuple[DType, ...]] = (float8_e4m3fn, float8_e5m2)

_BY_NUMPY: Final[dict[np.dtype[Any], DType]] = {d.numpy: d for d in all_dtypes + FLOAT8_DTYPES}
_BY_NAME: Final[dict[str, DType]] = {d.name: d for d in all_dtypes + FLOAT8_DTYPES}


_NO_DTYPE: Final = object()


def _named_by(value: object) -> object:
    """The dtype that a name, NumPy dtype or scalar type means, for ``==``; None if none.

    Unlike :func:`as_dtype` it never raises: a value that is not a dtype spelling at all
    gives None, and a NumPy dtype corten does not have gives ``_NO_DTYPE``.
    """
    if isinstance(value, str):
        found = _BY_NAME.get(value)
        if found is not None:
            return found
    elif not isinstance(value, (type, np.dtype)):
        return None
    try:
        npd = np.dtype(value)
    except (TypeError, ValueError):
        return None
    found = _BY_NUMPY.get(npd.newbyteorder("=")) if npd.byteorder != "|" else _BY_NUMPY.get(npd)
    return _NO_DTYPE if found is None else found


def as_dtype(value: object) -> DType:
    """Return the corten dtype that ``value`` names.

    Parameters
    ----------
    value : DType, str, numpy.dtype or scalar type
        ``ct.float32``, ``"float32"``, ``np.float32`` or ``np.dtype("float32")``.

    Returns
    -------
    DType
        The singleton dtype.

    Raises
    ------
    DTypeError
        If ``value`` names no dtype corten supports.

    Examples
    --------
    >>> import numpy as np
    >>> import corten as ct
    >>> ct.as_dtype(np.int16)
    corten.int16
    """
    if isinstance(value, DType):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    try:
        npd = np.dtype(value)  # type: ignore[call-overload]
    except TypeError as exc:
        raise DTypeError(
            f"{value!r} is not a dtype; use one of {', '.join(_BY_NAME)} (for example ct.float32)"
        ) from exc
    found = _BY_NUMPY.get(npd.newbyteorder("=")) if npd.byteorder != "|" else _BY_NUMPY.get(npd)
    if found is None:
        raise DTypeError(
            f"dtype {npd} is not supported by corten; supported: {', '.join(_BY_NAME)}"
        )
    return found


# ------------------------------------------------------------------------------ promotion

#: The kind groups that promote among themselves: bool, integers (signed and unsigned),
#: floating (real and complex), as the array API standard's promotion graph joins them.
_GROUP: Final[dict[str, str]] = {
    "b": "bool",
    "i": "integer",
    "u": "integer",
    "f": "real floating",
    "c": "complex floating",
}
_SIGNED_BY_SIZE: Final[dict[int, DType]] = {1: int8, 2: int16, 4: int32, 8: int64}
_COMPLEX_BY_PART: Final[dict[int, DType]] = {2: complex64, 4: complex64, 8: complex128}
_REAL_BY_PART: Final[dict[int, DType]] = {4: float32, 8: float64}


def complex_dtype(dtype: DType) -> DType:
    """The complex dtype of ``dtype``'s precision: complex64 for float16 and float32,
    complex128 for float64; a complex dtype is its own.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.core.dtypes import complex_dtype
    >>> complex_dtype(ct.float64)
    corten.complex128
    """
    if dtype.kind == "c":
        return dtype
    if dtype.kind != "f" or dtype.itemsize not in _COMPLEX_BY_PART:
        raise DTypeError(
            f"{dtype.name} has no complex counterpart; only floating dtypes do (not the "
            "float8 storage types: convert with .astype(ct.float32) first)"
        )
    return _COMPLEX_BY_PART[dtype.itemsize]


def real_dtype(dtype: DType) -> DType:
    """The real dtype of a complex dtype's parts (float32 for complex64, float64 for
    complex128); any other dtype is its own."""
    if dtype.kind != "c":
        return dtype
    return _REAL_BY_PART[dtype.itemsize // 2]


def _promote(a: DType, b: DType) -> DType | None:
    """The array API standard's promotion of ``a`` and ``b`` (corten's float16 joins the
    floating kind), or None where it joins nothing."""
    if a is b:
        return a
    ka, kb = a.kind, b.kind
    if ka == "b" or kb == "b":
        return None
    if (ka in "iu") != (kb in "iu"):
        return None
    if ka in "iu":
        if ka == kb:
            return a if a.itemsize >= b.itemsize else b
        signed, unsigned = (a, b) if ka == "i" else (b, a)
        if unsigned.itemsize < signed.itemsize:
            return signed
        return _SIGNED_BY_SIZE.get(unsigned.itemsize * 2)  # None for uint64
    if ka == "c" or kb == "c":
        part = max(
            a.itemsize // 2 if ka == "c" else a.itemsize,
            b.itemsize // 2 if kb == "c" else b.itemsize,
        )
        return _COMPLEX_BY_PART[part]
    if a.itemsize == b.itemsize:  # bfloat16 and float16: neither holds the other
        return float32
    return a if a.itemsize >= b.itemsize else b


_PROMOTIONS: Final[dict[tuple[DType, DType], DType | None]] = {
    (a, b): _promote(a, b) for a in all_dtypes for b in all_dtypes
}


def _no_promotion(a: DType, b: DType) -> DTypeError:
    fix = f"convert one operand with .astype(ct.{a.name}) or .astype(ct.{b.name})"
    if a.kind in "iu" and b.kind in "iu":
        return DTypeError(
            f"dtypes differ: {a.name} and {b.name} have no common integer dtype (the array "
            f"API standard leaves uint64 with a signed integer unspecified); {fix}"
        )
    return DTypeError(
        f"dtypes differ: {a.name} and {b.name} are of different kinds ({_GROUP[a.kind]} and "
        f"{_GROUP[b.kind]}), and corten promotes only within a kind; {fix}"
    )


def promote_types(a: DType, b: DType) -> DType:
    """The dtype that an operation on ``a`` and ``b`` computes in: the array API
    standard's promotion table within a kind.

    Integers promote to the smallest integer dtype holding both (``int8`` with ``uint8``
    is ``int16``); floating dtypes to the wider precision, complex if either is
    (``float64`` with ``complex64`` is ``complex128``); ``bfloat16`` is a floating dtype
    of 16 bits, and with ``float16`` (neither holds the other) gives ``float32``. Kinds
    never mix. The float8 dtypes (storage types) promote only with themselves.

    Raises
    ------
    DTypeError
        If ``a`` and ``b`` are of different kinds (bool, integer, floating), or are
        ``uint64`` and a signed integer (which the standard leaves unspecified), or a
        float8 dtype and another dtype; the message names the ``astype`` to write.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.core.dtypes import promote_types
    >>> promote_types(ct.uint8, ct.int8), promote_types(ct.float64, ct.complex64)
    (corten.int16, corten.complex128)
    >>> promote_types(ct.bfloat16, ct.float16), promote_types(ct.bfloat16, ct.float64)
    (corten.float32, corten.float64)
    """
    found = _PROMOTIONS.get((a, b), _NO_DTYPE)
    if found is _NO_DTYPE:  # a float8 dtype: a storage type, which promotes only to itself
        if a is b:
            return a
        raise DTypeError(
            f"dtypes differ: {a.name} and {b.name}, and the float8 dtypes are storage types "
            "that promote with no other dtype; convert with .astype(ct.float32) (or "
            "ct.bfloat16) first"
        )
    if found is None:
        raise _no_promotion(a, b)
    return found  # type: ignore[return-value]


def result_type(*dtypes: DType) -> DType:
    """``promote_types`` over any number of dtypes (at least one).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.core.dtypes import result_type
    >>> result_type(ct.int8, ct.uint16, ct.int32)
    corten.int32
    """
    if not dtypes:
        raise DTypeError("result_type needs at least one dtype")
    out = dtypes[0]
    for d in dtypes[1:]:
        out = promote_types(out, d)
    return out
