"""The array API's elementwise functions of two arguments (``add``, ``maximum``,
``atan2``...) and ``clip``.

Either argument may be a Python scalar (at least one is a tensor): tensors promote by the
standard's table within a kind, scalars take the tensor's dtype (a complex scalar makes a
real floating tensor complex), and shapes broadcast. The functions that are operators
(``add`` is ``+``, ``less`` is ``<``, ``bitwise_left_shift`` is ``<<``...) call the
operator, so both always agree.
"""

from __future__ import annotations

import operator
from typing import Any, Final

import numpy as np

from corten.core.convert import scalar_for
from corten.core.dtypes import Bool, promote_types
from corten.core.errors import DTypeError, ShapeError
from corten.core.typeparams import DT, AnyRank, D, R
from corten.ops import _elementwise as _e
from corten.ops._dispatch import device_of, run
from corten.ops._elementwise import (
    ANY,
    REAL,
    REAL_FLOATING,
    Spec,
    binary,
    check_kind,
    tensor_arg,
    via_operator,
)
from corten.tensor import Tensor, TensorView
from corten.tensor._build import _result

__all__ = [
    "add",
    "atan2",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "clip",
    "copysign",
    "divide",
    "equal",
    "floor_divide",
    "greater",
    "greater_equal",
    "hypot",
    "less",
    "less_equal",
    "logaddexp",
    "logical_and",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "multiply",
    "nextafter",
    "not_equal",
    "pow",
    "remainder",
    "subtract",
]

_ATAN2: Final = Spec("atan2", np.arctan2, REAL_FLOATING)
_COPYSIGN: Final = Spec("copysign", np.copysign, REAL_FLOATING)
_HYPOT: Final = Spec("hypot", np.hypot, REAL_FLOATING)
_LOGADDEXP: Final = Spec("logaddexp", np.logaddexp, REAL_FLOATING)
_LOGICAL_AND: Final = Spec("logical_and", np.logical_and, ANY, result="bool")
_LOGICAL_OR: Final = Spec("logical_or", np.logical_or, ANY, result="bool")
_LOGICAL_XOR: Final = Spec("logical_xor", np.logical_xor, ANY, result="bool")
_MAXIMUM: Final = Spec("maximum", np.maximum, REAL, verb=np.maximum)
_MINIMUM: Final = Spec("minimum", np.minimum, REAL, verb=np.minimum)
_NEXTAFTER: Final = Spec("nextafter", _e.nextafter, REAL_FLOATING)
_CLIP: Final = Spec("clip", _e.clip_fn, REAL)


def add(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The sum of each pair of elements (``x1 + x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.add(ct.tensor([1, 2]), 10).tolist()
    [11, 12]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 + x2  # type: ignore[operator]
    return via_operator("add", operator.add, x1, x2)  # type: ignore[no-any-return]


def atan2(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The angle of each point ``(x2, x1)``: the inverse tangent of ``x1 / x2`` in the
    right quadrant, in radians.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.atan2(ct.tensor([1.0]), ct.tensor([1.0])).tolist() == [0.7853981852531433]
    True
    """
    return binary(_ATAN2, x1, x2)


def bitwise_and(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The bitwise AND of each pair of elements (``x1 & x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.bitwise_and(ct.tensor([12]), 10).tolist()
    [8]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 & x2  # type: ignore[operator]
    return via_operator("bitwise_and", operator.and_, x1, x2)  # type: ignore[no-any-return]


def bitwise_left_shift(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """Each element of ``x1`` shifted left by ``x2`` bits (``x1 << x2``); ``x2`` must not
    be negative.

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.bitwise_left_shift(ct.tensor([1, 3]), 2).tolist()
    [4, 12]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 << x2  # type: ignore[operator]
    return via_operator("bitwise_left_shift", operator.lshift, x1, x2)  # type: ignore[no-any-return]


def bitwise_or(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The bitwise OR of each pair of elements (``x1 | x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.bitwise_or(ct.tensor([12]), 10).tolist()
    [14]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 | x2  # type: ignore[operator]
    return via_operator("bitwise_or", operator.or_, x1, x2)  # type: ignore[no-any-return]


def bitwise_right_shift(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """Each element of ``x1`` shifted right by ``x2`` bits (``x1 >> x2``, arithmetic for
    signed integers); ``x2`` must not be negative.

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.bitwise_right_shift(ct.tensor([-8, 12]), 2).tolist()
    [-2, 3]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 >> x2  # type: ignore[operator]
    return via_operator("bitwise_right_shift", operator.rshift, x1, x2)  # type: ignore[no-any-return]


def bitwise_xor(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The bitwise XOR of each pair of elements (``x1 ^ x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.bitwise_xor(ct.tensor([12]), 10).tolist()
    [6]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 ^ x2  # type: ignore[operator]
    return via_operator("bitwise_xor", operator.xor, x1, x2)  # type: ignore[no-any-return]


def copysign(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The magnitude of each element of ``x1`` with the sign of ``x2``'s.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.copysign(ct.tensor([1.5, -2.0]), -0.0).tolist()
    [-1.5, -2.0]
    """
    return binary(_COPYSIGN, x1, x2)


def divide(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The quotient of each pair of elements (``x1 / x2``); floating dtypes only (use
    ``floor_divide`` for integers).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.divide(ct.tensor([1.0, 3.0]), 2).tolist()
    [0.5, 1.5]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 / x2  # type: ignore[operator]
    return via_operator("divide", operator.truediv, x1, x2)  # type: ignore[no-any-return]


def equal(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """Whether each pair of elements is equal (``x1 == x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.equal(ct.tensor([1, 2]), 2).tolist()
    [False, True]
    """
    return via_operator("equal", operator.eq, x1, x2)  # type: ignore[no-any-return]


def floor_divide(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The floor of the quotient of each pair of elements (``x1 // x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.floor_divide(ct.tensor([7, -7]), 2).tolist()
    [3, -4]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 // x2  # type: ignore[operator]
    return via_operator("floor_divide", operator.floordiv, x1, x2)  # type: ignore[no-any-return]


def greater(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """Whether each element of ``x1`` is greater than ``x2``'s (``x1 > x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.greater(ct.tensor([1, 3]), 2).tolist()
    [False, True]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 > x2  # type: ignore[operator]
    return via_operator("greater", operator.gt, x1, x2)  # type: ignore[no-any-return]


def greater_equal(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """Whether each element of ``x1`` is at least ``x2``'s (``x1 >= x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.greater_equal(ct.tensor([1, 2]), 2).tolist()
    [False, True]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 >= x2  # type: ignore[operator]
    return via_operator("greater_equal", operator.ge, x1, x2)  # type: ignore[no-any-return]


def hypot(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """``sqrt(x1**2 + x2**2)`` of each pair of elements, without overflow or underflow in
    between.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.hypot(ct.tensor([3.0]), 4.0).tolist()
    [5.0]
    """
    return binary(_HYPOT, x1, x2)


def less(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """Whether each element of ``x1`` is less than ``x2``'s (``x1 < x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.less(ct.tensor([1, 3]), 2).tolist()
    [True, False]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 < x2  # type: ignore[operator]
    return via_operator("less", operator.lt, x1, x2)  # type: ignore[no-any-return]


def less_equal(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """Whether each element of ``x1`` is at most ``x2``'s (``x1 <= x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.less_equal(ct.tensor([2, 3]), 2).tolist()
    [True, False]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 <= x2  # type: ignore[operator]
    return via_operator("less_equal", operator.le, x1, x2)  # type: ignore[no-any-return]


def logaddexp(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """``log(exp(x1) + exp(x2))`` of each pair of elements, without overflow in between.

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.logaddexp(ct.tensor([0.0]), 0.0).tolist() == [0.6931471824645996]
    True
    """
    return binary(_LOGADDEXP, x1, x2)


def logical_and(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """The logical AND of each pair of elements (numbers count as true when nonzero).

    Takes every dtype. Either argument may be a Python scalar; the dtypes promote within
    a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.logical_and(ct.tensor([True, False]), True).tolist()
    [True, False]
    """
    return binary(_LOGICAL_AND, x1, x2)


def logical_or(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """The logical OR of each pair of elements (numbers count as true when nonzero).

    Takes every dtype. Either argument may be a Python scalar; the dtypes promote within
    a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.logical_or(ct.tensor([True, False]), False).tolist()
    [True, False]
    """
    return binary(_LOGICAL_OR, x1, x2)


def logical_xor(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """The logical XOR of each pair of elements (numbers count as true when nonzero).

    Takes every dtype. Either argument may be a Python scalar; the dtypes promote within
    a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.logical_xor(ct.tensor([True, False]), True).tolist()
    [False, True]
    """
    return binary(_LOGICAL_XOR, x1, x2)


def maximum(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The larger of each pair of elements; NaN if either is NaN.

    Needs real dtypes (integer or real floating). Either argument may be a Python
    scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.maximum(ct.tensor([1, 5]), 3).tolist()
    [3, 5]
    """
    return binary(_MAXIMUM, x1, x2)


def minimum(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The smaller of each pair of elements; NaN if either is NaN.

    Needs real dtypes (integer or real floating). Either argument may be a Python
    scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.minimum(ct.tensor([1, 5]), 3).tolist()
    [1, 3]
    """
    return binary(_MINIMUM, x1, x2)


def multiply(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The product of each pair of elements (``x1 * x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.multiply(ct.tensor([1, 2]), 3).tolist()
    [3, 6]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 * x2  # type: ignore[operator]
    return via_operator("multiply", operator.mul, x1, x2)  # type: ignore[no-any-return]


def nextafter(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The next representable number after each element of ``x1`` toward ``x2``'s (``x2``
    itself where they are equal).

    Needs real floating dtypes. Either argument may be a Python scalar; the dtypes
    promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.nextafter(ct.tensor([1.0]), 2.0).tolist() == [1.0000001192092896]
    True
    """
    return binary(_NEXTAFTER, x1, x2)


def not_equal(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[Bool, AnyRank, D]:
    """Whether each pair of elements differs (``x1 != x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.not_equal(ct.tensor([1, 2]), 2).tolist()
    [True, False]
    """
    return via_operator("not_equal", operator.ne, x1, x2)  # type: ignore[no-any-return]


def pow(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """Each element of ``x1`` raised to the power ``x2`` (``x1 ** x2``); integers to
    negative integer powers raise.

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.pow(ct.tensor([2, 3]), 2).tolist()
    [4, 9]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1**x2  # type: ignore[operator]
    return via_operator("pow", operator.pow, x1, x2)  # type: ignore[no-any-return]


def remainder(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The remainder of each floor division (``x1 % x2``): it has the sign of ``x2``, as
    Python's.

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.remainder(ct.tensor([7, -7]), 3).tolist()
    [1, 2]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 % x2  # type: ignore[operator]
    return via_operator("remainder", operator.mod, x1, x2)  # type: ignore[no-any-return]


def subtract(
    x1: TensorView[DT, Any, D] | complex, x2: TensorView[DT, Any, D] | complex, /
) -> Tensor[DT, AnyRank, D]:
    """The difference of each pair of elements (``x1 - x2``).

    Either argument may be a Python scalar; the dtypes promote within a kind.

    Examples
    --------
    >>> import corten as ct
    >>> ct.subtract(ct.tensor([5, 2]), 1).tolist()
    [4, 1]
    """
    if isinstance(x1, TensorView):  # the operator itself: the fast path
        return x1 - x2  # type: ignore[operator]
    return via_operator("subtract", operator.sub, x1, x2)  # type: ignore[no-any-return]


def clip(
    x: TensorView[DT, R, D],
    /,
    min: int | float | TensorView[Any, Any, D] | None = None,
    max: int | float | TensorView[Any, Any, D] | None = None,
) -> Tensor[DT, R, D]:
    """Each element of ``x`` limited to ``[min, max]``, in ``x``'s dtype and shape.

    ``min`` and ``max`` are Python scalars (which must fit ``x``'s dtype) or tensors that
    broadcast to ``x``'s shape; None leaves that side open. A NaN in ``x``, ``min`` or
    ``max`` gives NaN. Needs real dtypes; tensor bounds of another dtype of the same
    kind are rounded to ``x``'s.

    Raises
    ------
    ShapeError
        If a tensor bound does not broadcast to ``x``'s shape.

    Examples
    --------
    >>> import corten as ct
    >>> ct.clip(ct.tensor([-2.0, 0.5, 3.0]), 0.0, 1.0).tolist()
    [0.0, 0.5, 1.0]
    >>> ct.clip(ct.tensor([1, 5, 9]), max=6).tolist()
    [1, 5, 6]
    """
    t = tensor_arg("clip", x)
    dtype = t._dtype
    check_kind(_CLIP, dtype)
    bounds: list[Any] = []
    for which, v in (("min", min), ("max", max)):
        if v is None or isinstance(v, TensorView):
            bounds.append(v)
        elif isinstance(v, (bool, int, float, np.integer, np.floating)):
            bounds.append(scalar_for(v, dtype))
        else:
            raise DTypeError(
                f"clip's {which} is a Python scalar, a tensor or None, got {type(v).__name__}"
            )
    lo, hi = bounds
    tensors = [v for v in (t, lo, hi) if isinstance(v, TensorView)]
    device_of("clip", tensors)
    for which, v in (("min", lo), ("max", hi)):
        if isinstance(v, TensorView):
            check_kind(_CLIP, v._dtype)
            promote_types(dtype, v._dtype)  # the same kind, or DTypeError
            if v._shape != t._shape and np.broadcast_shapes(v._shape, t._shape) != t._shape:
                raise ShapeError(
                    f"clip's {which} of shape {v._shape} does not broadcast to {t._shape}"
                )
    if t._device.kind == "cpu":
        with np.errstate(all="ignore"):
            out = _e.clip_fn(
                t._np(),
                lo._np() if isinstance(lo, TensorView) else lo,
                hi._np() if isinstance(hi, TensorView) else hi,
            )
        return _result(np.asarray(out, dtype=dtype.numpy), t._device)
    same = [
        v if not isinstance(v, TensorView) or v._dtype is dtype else v.astype(dtype)
        for v in (lo, hi)
    ]
    return run(  # type: ignore[no-any-return]
        "clip", lambda a, p, q: np.asarray(_e.clip_fn(a, p, q), dtype=dtype.numpy), t, *same
    )
