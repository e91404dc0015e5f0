"""Conversions of Python and NumPy values into arrays of a given dtype, with the checks
of the dtype rule: a Python scalar takes the tensor's dtype and must fit it."""

from __future__ import annotations

import math
from typing import Any, Final

import ml_dtypes
import numpy as np

from corten.core.dtypes import _BY_NUMPY, FLOAT8_DTYPES, DType, all_dtypes, bfloat16
from corten.core.errors import DeviceMismatchError, DTypeError

# Keyed by name: a str hashes in C, a DType through its Python __hash__ (on the hot path).
_INT_LIMITS: Final[dict[str, tuple[int, int]]] = {
    d.name: (int(np.iinfo(d.numpy).min), int(np.iinfo(d.numpy).max))
    for d in all_dtypes
    if d.is_integer
}
# ml_dtypes' finfo also knows bfloat16 and the float8 types, which NumPy's does not.
_finfo: Any = ml_dtypes.finfo
_FLOAT_MAX: Final[dict[str, float]] = {
    d.name: float(_finfo(d.numpy).max) for d in all_dtypes + FLOAT8_DTYPES if d.kind in "fc"
}

# float8_e4m3fn has no infinity (it would become NaN): infinities do not fit it.
_NO_INFINITY: Final = frozenset(
    d.name for d in FLOAT8_DTYPES if not np.isinf(np.array(np.inf, np.float32).astype(d.numpy))
)


# ml_dtypes' loops add and multiply in the dtype itself (1000 ones sum to 256 in
# bfloat16), NumPy's float16 loops in float32: these accumulate in float32 too.
_ACCUMULATE_IN_FLOAT32: Final = frozenset(d.numpy for d in (bfloat16, *FLOAT8_DTYPES))


def reduce_array(name: str, arr: np.ndarray[Any, Any], axis: Any, keepdims: bool) -> Any:
    """NumPy's reduction ``name`` (``np.sum``, ``np.argmax``, ...) of ``arr``, with sums,
    products and means of bfloat16 and float8 accumulated in float32 and rounded once
    (with NumPy's warnings off, see ``DType._ml_dtypes``)."""
    fn = getattr(np, name)
    if arr.dtype not in _ACCUMULATE_IN_FLOAT32:
        return fn(arr, axis=axis, keepdims=keepdims)
    with np.errstate(all="ignore"):  # ml_dtypes' min and max raise "invalid" on NaN
        if name in ("sum", "prod", "mean"):
            wide = fn(arr, axis=axis, keepdims=keepdims, dtype=np.float32)
            return np.asarray(wide).astype(arr.dtype)
        return fn(arr, axis=axis, keepdims=keepdims)


def value_kind(dt: np.dtype[Any]) -> str:
    """NumPy's kind of ``dt``, but "f" for the ml_dtypes floats (whose kind is "V")."""
    found = _BY_NUMPY.get(dt)
    return dt.kind if found is None else found.kind


def scalar_for(value: object, dtype: DType) -> Any:
    """Convert a Python or NumPy scalar to a NumPy scalar of ``dtype``, or raise DTypeError.

    Ints must lie in the integer dtype's range, floats must be finite-in-range or
    non-finite for float dtypes, and a bool tensor takes only bools.
    """
    kind = dtype.kind
    if isinstance(value, (bool, np.bool_)):
        return dtype.numpy.type(bool(value))
    if isinstance(value, (int, np.integer)):
        v = int(value)
        if kind in "fc":
            fmax = _FLOAT_MAX[dtype.name]
            if abs(v) > fmax:
                raise DTypeError(f"the scalar {v} does not fit {dtype.name} (largest {fmax:g})")
            return dtype.numpy.type(v)
        if kind in "iu":
            lo, hi = _INT_LIMITS[dtype.name]
            if not lo <= v <= hi:
                raise DTypeError(
                    f"the scalar {v} does not fit {dtype.name} (range {lo} to {hi}); "
                    "convert the tensor first with .astype(...)"
                )
            return dtype.numpy.type(v)
        raise DTypeError(f"a bool tensor takes only True or False, got the int {v}")
    if isinstance(value, (float, np.floating)):
        if kind not in "fc":
            raise DTypeError(
                f"the float scalar {value!r} does not fit a {dtype.name} tensor; "
                "convert the tensor first with .astype(ct.float32) or pass an int"
            )
        f = float(value)
        fmax = _FLOAT_MAX[dtype.name]
        if math.isfinite(f) and abs(f) > fmax:
            raise DTypeError(f"the scalar {f!r} does not fit {dtype.name} (largest {fmax:g})")
        if math.isinf(f) and dtype.name in _NO_INFINITY:
            raise DTypeError(f"{dtype.name} has no infinity: the scalar {f!r} does not fit it")
        return dtype.numpy.type(f)
    if isinstance(value, (complex, np.complexfloating)):
        if kind != "c":
            raise DTypeError(
                f"the complex scalar {value!r} does not fit a {dtype.name} tensor; "
                "convert the tensor first with .astype(ct.complex64) or .astype(ct.complex128)"
            )
        z = complex(value)
        fmax = _FLOAT_MAX[dtype.name]
        for part in (z.real, z.imag):
            if math.isfinite(part) and abs(part) > fmax:
                raise DTypeError(
                    f"the scalar {z!r} does not fit {dtype.name} (largest part {fmax:g})"
                )
        return dtype.numpy.type(z)
    raise DTypeError(
        "expected a tensor or a Python scalar (bool, int, float, complex), got "
        f"{type(value).__name__}"
    )


def array_for(value: object, dtype: DType) -> np.ndarray[Any, Any]:
    """Convert nested sequences or a NumPy array to an array of ``dtype`` with checks.

    Floats never go silently into an integer or bool dtype, and integers must fit.
    """
    if isinstance(value, np.ndarray):
        src = value
    else:
        try:
            src = source_array(value)
        except (ValueError, TypeError) as exc:
            if isinstance(exc, DTypeError):
                raise
            raise DTypeError(f"cannot convert {type(value).__name__} to a tensor: {exc}") from exc
    return cast_checked(src, dtype)


def _only_ints(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_only_ints(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool)


def source_array(value: object) -> np.ndarray[Any, Any]:
    """``np.asarray(value)`` for Python data, keeping large Python ints integers.

    NumPy turns a list mixing ints of 2**63 and above with smaller ones into float64
    (rounding them) and ints beyond 64 bits into objects; here they become int64 or
    uint64 when every value fits one of them, and a DTypeError when none does.
    """
    if _dlpack_only(value):
        return _from_host_dlpack(value)
    src = np.asarray(value)
    if src.size and src.dtype.kind in "fO" and _only_ints(value):
        for candidate in (np.int64, np.uint64):
            try:
                return np.array(value, dtype=candidate)
            except OverflowError:
                continue
        raise DTypeError("integer values do not fit int64 or uint64, the widest integer dtypes")
    return src


_PYTHON_SCALARS: Final = frozenset((bool, int, float, complex))
_NOT_PRODUCERS: Final = (list, tuple, bool, int, float, complex, str, np.ndarray, np.generic)
# __array__ first: a corten tensor's or a Pillow image's __array_interface__ does work.
_NUMPY_PROTOCOLS: Final = ("__array__", "__array_interface__", "__array_struct__")


def carries_dtype(value: object) -> bool:
    """Whether ``value`` brings its own element type, which ``ct.tensor`` keeps.

    Python data (bools, ints, floats and nested lists or tuples of them) has none and gets
    the defaults. NumPy arrays and scalars, and objects with an array protocol (Pillow
    images, PyTorch and corten tensors) have one; so has a list holding any of them, which
    then takes the dtype NumPy gives it.
    """
    if not isinstance(value, (list, tuple)):
        if isinstance(value, (str, bytes)):
            return False  # not numbers: infer_dtype says so
        # Anything else that NumPy turned into numbers came with a dtype (asking for its
        # protocols could run them: Pillow's __array_interface__ copies the pixels).
        return isinstance(value, np.generic) or not isinstance(value, (bool, int, float, complex))
    if set(map(type, value)) <= _PYTHON_SCALARS:  # the common case, without a Python loop
        return False
    return any(carries_dtype(v) for v in value if type(v) not in _PYTHON_SCALARS)


def _dlpack_only(value: object) -> bool:
    """Whether ``value`` offers its elements through DLPack alone (NumPy cannot read it)."""
    return (
        not isinstance(value, _NOT_PRODUCERS)
        and hasattr(value, "__dlpack__")
        and not any(hasattr(value, name) for name in _NUMPY_PROTOCOLS)
    )


def _from_host_dlpack(value: Any) -> np.ndarray[Any, Any]:
    kind = value.__dlpack_device__()[0]
    if kind != 1:  # kDLCPU
        raise DeviceMismatchError(
            f"ct.tensor copies host data, and this {type(value).__name__} lives on DLPack "
            f"device type {kind}; import it with ct.from_dlpack(x, copy=True)"
        )
    return np.from_dlpack(value)


def cast_checked(src: np.ndarray[Any, Any], dtype: DType) -> np.ndarray[Any, Any]:
    """``src`` as ``dtype`` when every value fits; DTypeError otherwise."""
    target = dtype.numpy
    if src.dtype == target:
        return src
    if src.size == 0:  # no values to check: empty data takes any dtype
        return src.astype(target)
    k = value_kind(src.dtype)
    if k not in "biufc":
        raise DTypeError(f"cannot make a {dtype.name} tensor from values of dtype {src.dtype}")
    if dtype.kind == "b" and k != "b":
        raise DTypeError(f"a bool tensor takes only bools, got values of dtype {src.dtype}")
    if k == "c" and dtype.kind != "c":
        raise DTypeError(
            f"complex values do not fit a {dtype.name} tensor; use a complex dtype "
            "(ct.complex64, ct.complex128), or take the real part first"
        )
    if dtype.kind in "iu":
        if k == "f":
            raise DTypeError(
                f"float values do not fit a {dtype.name} tensor without rounding; "
                "round them first, or use a float dtype"
            )
        if k in "iu" and src.size:
            lo, hi = _INT_LIMITS[dtype.name]
            mn, mx = int(src.min()), int(src.max())
            if mn < lo or mx > hi:
                raise DTypeError(
                    f"values from {mn} to {mx} do not fit {dtype.name} (range {lo} to {hi})"
                )
    if dtype.kind in "fc" and k in "iufc" and src.size:
        parts = src.astype(np.complex128).reshape(-1).view(np.float64) if k == "c" else src
        finite = parts[np.isfinite(parts)] if k in "fc" else parts
        fmax = _FLOAT_MAX[dtype.name]
        if finite.size and float(np.max(np.abs(finite.astype(np.float64)))) > fmax:
            raise DTypeError(f"values of magnitude above {fmax:g} do not fit {dtype}")
        if dtype.name in _NO_INFINITY and k == "f" and np.isinf(src).any():
            raise DTypeError(f"{dtype.name} has no infinity: infinite values do not fit it")
    return src.astype(target)


def infer_dtype(src: np.ndarray[Any, Any]) -> np.dtype[Any]:
    """The dtype a tensor built from Python data takes: bool, int64, float32 or complex64."""
    k = value_kind(src.dtype)
    if k == "b":
        return np.dtype(np.bool_)
    if k in "iu":
        return np.dtype(np.int64) if k == "i" or src.dtype.itemsize < 8 else src.dtype
    if k == "f":
        return np.dtype(np.float32)
    if k == "c":
        return np.dtype(np.complex64)
    raise DTypeError(f"cannot make a tensor from values of dtype {src.dtype} ({src.dtype.kind})")
