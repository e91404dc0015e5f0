"""Element types.

Each dtype is a small value object (a singleton per kind) whose class is the marker used
in static types: ``ct.float32`` is an instance of :class:`Float32`, so
``Tensor[Float32, Rank2, Cpu]`` names a 2-D float32 CPU tensor.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Self

import ml_dtypes
import numpy as np

from corten.errors import DTypeError

__all__ = [
    "BFloat16",
    "Bool",
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
    "float8_e4m3fn",
    "float8_e5m2",
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
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
