"""Argument checks shared by the array API functions of ``corten.ops``.

Every function checks its arguments here before it runs anything, so a bad call raises
one of corten's errors (which derive from the exception types the standard names) and
leaves every tensor as it was.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from operator import index as _index
from typing import Any, Final

import numpy as np

from corten.core.dtypes import DType, as_dtype, int64, result_type, uint64
from corten.core.errors import AxisError, DTypeError, ShapeError
from corten.core.layout import may_overlap
from corten.ops._dispatch import device_of
from corten.tensor import TensorView

__all__: list[str] = []

Array = np.ndarray[Any, Any]

#: The standard's kinds, in the order in which promotion would widen them.
_KIND_NAMES: Final = {"b": "bool", "i": "integer", "u": "integer", "f": "real floating"}
KIND_RANK: Final = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}


def kind_name(dtype: DType) -> str:
    """The standard's name of ``dtype``'s kind: bool, integer, real or complex floating."""
    return _KIND_NAMES.get(dtype.kind, "complex floating")


def tensor_arg(name: str, x: object, what: str = "x") -> TensorView[Any, Any, Any]:
    """``x`` itself when it is a corten tensor.

    Raises
    ------
    DTypeError
        If ``x`` is anything else (a list, a NumPy array, a scalar).
    """
    if not isinstance(x, TensorView):
        raise DTypeError(
            f"{name}() takes a corten tensor as {what}, got {type(x).__name__}; make one "
            "with ct.asarray(...) or ct.tensor(...)"
        )
    return x


def tensors_arg(name: str, arrays: object) -> list[TensorView[Any, Any, Any]]:
    """A non-empty tuple or list of tensors on one device, as a list.

    Raises
    ------
    DTypeError
        If ``arrays`` is not a tuple or list of tensors.
    ShapeError
        If it is empty.
    DeviceMismatchError
        If the tensors are on different devices.
    """
    if not isinstance(arrays, (tuple, list)):
        raise DTypeError(f"{name}() takes a tuple or list of tensors, got {type(arrays).__name__}")
    if not arrays:
        raise ShapeError(f"{name}() needs at least one tensor, got an empty sequence")
    out = [tensor_arg(name, a, f"arrays[{i}]") for i, a in enumerate(arrays)]
    device_of(name, out)
    return out


def int_arg(name: str, value: object, what: str) -> int:
    """``value`` as a Python int (an int or NumPy integer, never a bool).

    Raises
    ------
    DTypeError
        If ``value`` is not an integer.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise DTypeError(f"{name}() takes an int as {what}, got {value!r}")
    return int(value)


def axis_arg(name: str, axis: object, ndim: int, what: str = "axis") -> int:
    """One axis in ``[-ndim, ndim)``, mapped to ``[0, ndim)``.

    Raises
    ------
    AxisError
        If ``axis`` is not an int or is out of range.
    """
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise AxisError(f"{name}() takes an int as {what}, got {axis!r}")
    ax = int(axis)
    if not -ndim <= ax < ndim:
        if ndim == 0:
            raise AxisError(f"{name}(): {what} {ax} is out of range: a rank-0 tensor has no axes")
        raise AxisError(
            f"{name}(): {what} {ax} is out of range for a tensor of rank {ndim}; use "
            f"-{ndim} <= {what} < {ndim}"
        )
    return ax % ndim


def axes_arg(name: str, axis: object, ndim: int) -> tuple[int, ...] | None:
    """None (every axis), one axis or a tuple of distinct axes, normalized and sorted.

    Raises
    ------
    AxisError
        If an axis is out of range, not an int, or repeated.
    """
    if axis is None:
        return None
    if isinstance(axis, (tuple, list)):
        axes = tuple(axis_arg(name, a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise AxisError(f"{name}() got a repeated axis in {tuple(axis)!r}")
        return tuple(sorted(axes))
    return (axis_arg(name, axis, ndim),)


def dtype_arg(name: str, dtype: object) -> DType | None:
    """None, or the corten dtype that ``dtype`` names.

    Raises
    ------
    DTypeError
        If ``dtype`` names no dtype corten supports.
    """
    if dtype is None:
        return None
    try:
        return as_dtype(dtype)
    except DTypeError as exc:
        raise DTypeError(f"{name}(): {exc}") from None


def bool_arg(name: str, value: object, what: str) -> bool:
    """``value`` when it is a bool.

    Raises
    ------
    DTypeError
        If ``value`` is not a bool.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise DTypeError(f"{name}() takes True or False as {what}, got {value!r}")
    return bool(value)


def shape_arg(name: str, shape: object, what: str = "shape") -> tuple[int, ...]:
    """A tuple of ints (``-1`` allowed where the caller checks it).

    Raises
    ------
    ShapeError
        If ``shape`` is not an int or a sequence of ints.
    """
    if isinstance(shape, (bool, np.bool_)):
        raise ShapeError(f"{name}() takes a tuple of ints as {what}, got {shape!r}")
    try:
        if isinstance(shape, Sequence):
            dims = tuple(_index(d) for d in shape)
            if any(isinstance(d, (bool, np.bool_)) for d in shape):
                raise TypeError
            return dims
        return (_index(shape),)  # type: ignore[arg-type]
    except TypeError:
        raise ShapeError(f"{name}() takes a tuple of ints as {what}, got {shape!r}") from None


def accumulator(name: str, x: TensorView[Any, Any, Any], dtype: object) -> np.dtype[Any]:
    """The dtype ``sum``, ``prod``, ``trace`` and the cumulative functions compute and
    return in: ``dtype`` if given (of ``x``'s kind or a wider one), else int64 for bool and
    signed integers, uint64 for unsigned ones, ``x``'s own dtype for the others.

    Raises
    ------
    DTypeError
        If ``dtype`` names no dtype, or one of a narrower kind than ``x``'s.
    """
    dt: DType | None = dtype_arg(name, dtype)
    src: DType = x.dtype
    if dt is None:
        if src.kind in "bi":
            dt = int64
        elif src.kind == "u":
            dt = uint64
        else:
            dt = src
    if KIND_RANK[dt.kind] < KIND_RANK[src.kind]:
        raise DTypeError(
            f"{name}() cannot compute a {src.name} tensor in {dt.name}: a "
            f"{kind_name(src)} dtype does not go into a {kind_name(dt)} one without "
            "rounding; convert the tensor first with ct.astype(...) if that is meant"
        )
    return dt.numpy


def promote(name: str, *dtypes: DType) -> DType:
    """The dtype that tensors of ``dtypes`` promote to: the standard's table within a kind.

    Raises
    ------
    DTypeError
        If the dtypes mix kinds (bool, integer, real floating, complex floating), or mix
        uint64 with a signed integer (the standard leaves both unspecified); the message
        names the ``astype`` that makes the call work.
    """
    first = dtypes[0]
    if all(d is first for d in dtypes):
        return first
    try:
        return result_type(*dtypes)  # the standard's table (core.dtypes)
    except DTypeError:
        pass  # refused: say so in this function's words
    widest = max(dtypes, key=lambda d: KIND_RANK[d.kind])
    for d in dtypes:
        if KIND_RANK[d.kind] != KIND_RANK[widest.kind]:
            raise DTypeError(
                f"{name}() got tensors of dtypes {d.name} and {widest.name}: {kind_name(d)} "
                f"and {kind_name(widest)} dtypes are not promoted to each other; convert "
                f"the {d.name} one first with ct.astype(x, ct.{widest.name})"
            )
    if widest.kind in "iu":
        unsigned64 = [d for d in dtypes if d.kind == "u" and d.itemsize == 8]
        signed = [d for d in dtypes if d.kind == "i"]
        if unsigned64 and signed:
            raise DTypeError(
                f"{name}() got tensors of dtypes uint64 and {signed[0].name}: no integer "
                "dtype holds both; convert one first, e.g. ct.astype(x, ct.int64)"
            )
    raise DTypeError(f"{name}() got tensors of dtypes {', '.join(d.name for d in dtypes)}")


def as_promoted(
    name: str, tensors: Sequence[TensorView[Any, Any, Any]]
) -> tuple[DType, list[TensorView[Any, Any, Any]]]:
    """The promoted dtype of ``tensors`` and the tensors converted to it (the others as
    they are); the conversions run on the tensors' device."""
    dt = promote(name, *(t.dtype for t in tensors))
    return dt, [t if t.dtype is dt else t.astype(dt) for t in tensors]


# promotion: replaced by core.dtypes at merge
def scalar_operand(name: str, value: object, dtype: DType) -> Array:
    """A Python scalar as a 0-d array of ``dtype``, the dtype of the tensor it meets.

    The standard's rules: a bool meets a bool tensor, an int an integer or floating
    tensor (and must fit an integer one), a float a floating tensor, a complex a
    floating tensor (a real one becomes complex of its precision, returned as such).

    Raises
    ------
    DTypeError
        If the scalar does not meet ``dtype``'s kind or does not fit it.
    """
    k = dtype.kind
    if isinstance(value, (bool, np.bool_)):
        ok = k == "b"
    elif isinstance(value, (int, np.integer)):
        ok = k in "iufc"
        if ok and k in "iu":
            info = np.iinfo(dtype.numpy)
            if not int(info.min) <= int(value) <= int(info.max):
                raise DTypeError(
                    f"{name}(): the scalar {value} does not fit {dtype.name} (range "
                    f"{int(info.min)} to {int(info.max)}); convert the tensor first with "
                    "ct.astype(...)"
                )
    elif isinstance(value, (float, np.floating)):
        ok = k in "fc"
    elif isinstance(value, (complex, np.complexfloating)):
        if k == "f":
            cdt = np.result_type(dtype.numpy, np.complex64)
            return np.asarray(value, dtype=cdt)
        ok = k == "c"
    else:
        raise DTypeError(
            f"{name}() takes a tensor or a Python scalar (bool, int, float, complex), got "
            f"{type(value).__name__}"
        )
    if not ok:
        raise DTypeError(
            f"{name}(): a Python {type(value).__name__} does not meet a {dtype.name} tensor "
            f"({kind_name(dtype)}); pass a scalar of its kind or convert the tensor with "
            "ct.astype(...)"
        )
    with np.errstate(over="ignore"):
        return np.asarray(value, dtype=dtype.numpy)


def view_result(view: TensorView[Any, Any, Any]) -> TensorView[Any, Any, Any]:
    """A view operation's result, as the array API functions return it.

    An owner that shares the view's buffer copy-on-write (O(1), no copy): zero-copy like
    a view, and writable like every other function result (SciPy and scikit-learn write
    into ``reshape`` and ``permute_dims`` results) without either side seeing the
    other's writes. A layout that repeats elements (a broadcast) stays the frozen view:
    a write to it would land in several elements, and its clone would be a full copy.
    """
    if may_overlap(view.shape, view.strides):
        return view
    return view.clone()


def quietly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with NumPy's RuntimeWarnings silenced: the standard's special cases (the mean
    of nothing is NaN, a variance with no degrees of freedom is NaN) come quietly."""

    def call(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(*args, **kwargs)

    return call
