"""The array API's data type functions: ``astype``, ``can_cast``, ``finfo``, ``iinfo``,
``isdtype`` and ``result_type``, over corten's promotion table (``core.dtypes``)."""

from __future__ import annotations

from typing import Any, Final, NamedTuple

import ml_dtypes
import numpy as np

from corten.core.devices import Device
from corten.core.dtypes import (
    DType,
    as_dtype,
    complex_dtype,
    promote_types,
    real_dtype,
)
from corten.core.dtypes import (
    result_type as _promote_all,
)
from corten.core.errors import DTypeError
from corten.tensor import TensorView

__all__ = [
    "astype",
    "can_cast",
    "finfo",
    "finfo_object",
    "iinfo",
    "iinfo_object",
    "isdtype",
    "result_type",
]

#: The kinds that ``isdtype`` knows, by the dtype kinds (NumPy's letters) they hold.
#: float16, corten's extra dtype, is a real floating (and numeric) dtype.
_KINDS: Final[dict[str, str]] = {
    "bool": "b",
    "signed integer": "i",
    "unsigned integer": "u",
    "integral": "iu",
    "real floating": "f",
    "complex floating": "c",
    "numeric": "iufc",
}


def _dtype_of(value: object, what: str) -> DType:
    """The dtype of a tensor, or ``value`` as a dtype."""
    if isinstance(value, TensorView):
        return value._dtype
    if isinstance(value, DType):
        return value
    raise DTypeError(f"{what} takes a dtype or a tensor, got {value!r}")


def astype(
    x: TensorView[Any, Any, Any],
    dtype: DType,
    /,
    *,
    copy: bool = True,
    device: Device | str | None = None,
) -> TensorView[Any, Any, Any]:
    """``x`` converted to ``dtype`` (and moved to ``device`` when given).

    Parameters
    ----------
    x : TensorView
        The tensor.
    dtype : DType
        The dtype of the result. Complex to a real or integer dtype raises (take
        ``real``, ``imag`` or ``abs`` first); bool becomes 0 and 1, numbers become
        ``x != 0`` as bool.
    copy : bool
        True (the default): always a new owner (an O(1) clone when nothing changes).
        False: ``x`` itself when it already has ``dtype`` and is on ``device``.
    device : Device or str, optional
        Where the result lives; by default ``x``'s device.

    Examples
    --------
    >>> import corten as ct
    >>> x = ct.tensor([1.7, -2.5])
    >>> ct.astype(x, ct.int32).tolist()
    [1, -2]
    >>> ct.astype(x, ct.float32, copy=False) is x
    True
    """
    if not isinstance(x, TensorView):
        raise DTypeError(f"astype takes a tensor, got {type(x).__name__}")
    target = as_dtype(dtype)
    dev = x._device if device is None else device
    if not copy and target is x._dtype and dev == x._device:
        return x
    out: TensorView[Any, Any, Any] = x.astype(target)
    if out._device != dev:
        out = out.to(dev)
    return out


def can_cast(from_: DType | TensorView[Any, Any, Any], to: DType, /) -> bool:
    """Whether promotion lets a value of ``from_`` (a dtype or a tensor's) become ``to``:
    ``result_type(from_, to)`` is ``to``.

    Examples
    --------
    >>> import corten as ct
    >>> ct.can_cast(ct.int8, ct.int32), ct.can_cast(ct.int64, ct.int32)
    (True, False)
    >>> ct.can_cast(ct.float32, ct.complex64), ct.can_cast(ct.int32, ct.float64)
    (True, False)
    """
    a = _dtype_of(from_, "can_cast")
    b = _dtype_of(to, "can_cast")
    try:
        return promote_types(a, b) is b
    except DTypeError:
        return False


class finfo_object(NamedTuple):
    """What ``finfo`` returns: the limits of a floating dtype, as Python floats."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: DType


class iinfo_object(NamedTuple):
    """What ``iinfo`` returns: the limits of an integer dtype, as Python ints."""

    bits: int
    max: int
    min: int
    dtype: DType


_finfo: Any = ml_dtypes.finfo


def finfo(type: DType | TensorView[Any, Any, Any], /) -> finfo_object:
    """The limits of a floating dtype (for a complex dtype, of its real parts).

    Raises
    ------
    DTypeError
        If the dtype is not floating (use ``iinfo`` for integers).

    Examples
    --------
    >>> import corten as ct
    >>> f = ct.finfo(ct.float32)
    >>> f.bits, f.eps, f.dtype
    (32, 1.1920928955078125e-07, corten.float32)
    >>> ct.finfo(ct.complex128).dtype, ct.finfo(ct.bfloat16).eps
    (corten.float64, 0.0078125)
    """
    dt = _dtype_of(type, "finfo")
    if dt.kind not in "fc":
        raise DTypeError(f"finfo takes a floating dtype, got {dt.name}; use iinfo for integers")
    part = real_dtype(dt)
    info = _finfo(part.numpy)  # ml_dtypes' finfo also knows bfloat16 and float8
    return finfo_object(
        bits=int(info.bits),
        eps=float(info.eps),
        max=float(info.max),
        min=float(info.min),
        smallest_normal=float(info.smallest_normal),
        dtype=part,
    )


def iinfo(type: DType | TensorView[Any, Any, Any], /) -> iinfo_object:
    """The limits of an integer dtype.

    Raises
    ------
    DTypeError
        If the dtype is not an integer dtype (use ``finfo`` for floating dtypes).

    Examples
    --------
    >>> import corten as ct
    >>> ct.iinfo(ct.uint8)
    iinfo_object(bits=8, max=255, min=0, dtype=corten.uint8)
    """
    dt = _dtype_of(type, "iinfo")
    if dt.kind not in "iu":
        raise DTypeError(f"iinfo takes an integer dtype, got {dt.name}; use finfo for floats")
    info = np.iinfo(dt.numpy)
    return iinfo_object(bits=int(info.bits), max=int(info.max), min=int(info.min), dtype=dt)


def isdtype(dtype: DType, kind: DType | str | tuple[DType | str, ...]) -> bool:
    """Whether ``dtype`` is ``kind``: a dtype, one of the standard's kind names, or a
    tuple of them (any matches).

    The kind names are ``"bool"``, ``"signed integer"``, ``"unsigned integer"``,
    ``"integral"``, ``"real floating"``, ``"complex floating"`` and ``"numeric"``;
    corten's float16 counts as a real floating (and numeric) dtype.

    Raises
    ------
    DTypeError
        If ``dtype`` is not a dtype, or ``kind`` holds something that is neither a dtype
        nor a kind name.
    ValueError
        If a kind name is unknown.

    Examples
    --------
    >>> import corten as ct
    >>> ct.isdtype(ct.float32, "real floating"), ct.isdtype(ct.uint8, ("bool", ct.int8))
    (True, False)
    """
    if not isinstance(dtype, DType):
        raise DTypeError(f"isdtype takes a dtype first, got {dtype!r}")
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, DType):
            if k is dtype:
                return True
        elif isinstance(k, str):
            letters = _KINDS.get(k)
            if letters is None:
                raise ValueError(
                    f"unknown dtype kind {k!r}; use a dtype or one of "
                    f"{', '.join(map(repr, _KINDS))}"
                )
            if dtype.kind in letters:
                return True
        else:
            raise DTypeError(f"isdtype kinds are dtypes or kind names, got {k!r}")
    return False


def _scalar_fits(value: object, dtype: DType) -> DType:
    """The dtype of ``dtype`` with the Python scalar ``value``, by the standard's rules."""
    kind = dtype.kind
    if isinstance(value, bool):
        return dtype  # as the operators take it: True is 1 for numbers
    if isinstance(value, int):
        if kind in "iufc":
            return dtype
    elif isinstance(value, float):
        if kind in "fc":
            return dtype
    elif isinstance(value, complex) and kind in "fc":
        return complex_dtype(dtype)
    raise DTypeError(
        f"a Python {type(value).__name__} does not combine with {dtype.name}; "
        "use a scalar of the dtype's kind, or convert with astype"
    )


def result_type(*arrays_and_dtypes: object) -> DType:
    """The dtype that an operation on ``arrays_and_dtypes`` computes in.

    Tensors and dtypes promote by the standard's table (within a kind); Python scalars
    then take that dtype, as the operators take them: a ``bool`` goes with any dtype,
    an ``int`` with numbers, a ``float`` with floating dtypes, a ``complex`` with
    floating dtypes (making a real one complex). At least one tensor or dtype is needed.

    Raises
    ------
    DTypeError
        If kinds mix, a scalar does not combine with the dtype, or no tensor or dtype is
        given.

    Examples
    --------
    >>> import corten as ct
    >>> ct.result_type(ct.int8, ct.uint8), ct.result_type(ct.tensor([1.0]), 1j)
    (corten.int16, corten.complex64)
    """
    dtypes = []
    scalars = []
    for v in arrays_and_dtypes:
        if isinstance(v, (TensorView, DType)):
            dtypes.append(_dtype_of(v, "result_type"))
        elif isinstance(v, (bool, int, float, complex)):
            scalars.append(v)
        else:
            raise DTypeError(
                f"result_type takes tensors, dtypes and Python scalars, got {type(v).__name__}"
            )
    if not dtypes:
        raise DTypeError("result_type needs at least one tensor or dtype besides scalars")
    out = _promote_all(*dtypes)
    for s in scalars:
        out = _scalar_fits(s, out)
    return out
