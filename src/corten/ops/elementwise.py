"""The array API's elementwise functions of one tensor (``sqrt``, ``exp``, ``isnan``...).

Each takes a tensor (Python scalars are for the functions of two arguments) and gives a
new owner of the same shape on the same device, in the dtype the standard says: the
input's, bool for the predicates, the real dtype of the same precision for ``abs``,
``real`` and ``imag`` of complex tensors. Functions that the standard defines for
floating dtypes refuse integers (``DTypeError`` naming the ``astype`` to write) rather
than computing in float64, as NumPy would. ``abs``, ``negative``, ``positive`` and
``bitwise_invert`` are the operators ``abs(x)``, ``-x``, ``+x`` and ``~x``.
"""

from __future__ import annotations

import operator
from typing import Any, Final

import numpy as np

from corten.core.dtypes import Bool
from corten.core.typeparams import DT, D, R
from corten.ops import _elementwise as _e
from corten.ops._elementwise import (
    ANY,
    COMPLEX,
    FLOATING,
    NUMERIC,
    REAL,
    REAL_FLOATING,
    Spec,
    tensor_arg,
    unary,
)
from corten.tensor import Tensor, TensorView

__all__ = [
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "bitwise_invert",
    "ceil",
    "conj",
    "cos",
    "cosh",
    "exp",
    "expm1",
    "floor",
    "imag",
    "isfinite",
    "isinf",
    "isnan",
    "log",
    "log10",
    "log1p",
    "log2",
    "logical_not",
    "negative",
    "positive",
    "real",
    "reciprocal",
    "round",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "tan",
    "tanh",
    "trunc",
]

_ACOS: Final = Spec("acos", np.arccos, FLOATING)
_ACOSH: Final = Spec("acosh", np.arccosh, FLOATING)
_ASIN: Final = Spec("asin", np.arcsin, FLOATING)
_ASINH: Final = Spec("asinh", np.arcsinh, FLOATING)
_ATAN: Final = Spec("atan", np.arctan, FLOATING)
_ATANH: Final = Spec("atanh", np.arctanh, FLOATING)
_CEIL: Final = Spec("ceil", np.ceil, REAL, identity_ints=True)
_CONJ: Final = Spec("conj", np.conjugate, NUMERIC)
_COS: Final = Spec("cos", np.cos, FLOATING, verb=np.cos)
_COSH: Final = Spec("cosh", np.cosh, FLOATING)
_EXP: Final = Spec("exp", np.exp, FLOATING, verb=np.exp)
_EXPM1: Final = Spec("expm1", _e.expm1, FLOATING)
_FLOOR: Final = Spec("floor", np.floor, REAL, identity_ints=True)
_IMAG: Final = Spec("imag", _e.imag, COMPLEX, result="real")
_ISFINITE: Final = Spec("isfinite", np.isfinite, NUMERIC, result="bool")
_ISINF: Final = Spec("isinf", np.isinf, NUMERIC, result="bool")
_ISNAN: Final = Spec("isnan", np.isnan, NUMERIC, result="bool")
_LOG: Final = Spec("log", np.log, FLOATING, verb=np.log)
_LOG1P: Final = Spec("log1p", np.log1p, FLOATING)
_LOG2: Final = Spec("log2", np.log2, FLOATING)
_LOG10: Final = Spec("log10", np.log10, FLOATING)
_LOGICAL_NOT: Final = Spec("logical_not", np.logical_not, ANY, result="bool")
_REAL: Final = Spec("real", _e.real, NUMERIC, result="real")
_RECIPROCAL: Final = Spec("reciprocal", np.reciprocal, FLOATING)
_ROUND: Final = Spec("round", np.round, NUMERIC, identity_ints=True)
_SIGN: Final = Spec("sign", np.sign, NUMERIC)
_SIGNBIT: Final = Spec("signbit", np.signbit, REAL_FLOATING, result="bool")
_SIN: Final = Spec("sin", np.sin, FLOATING, verb=np.sin)
_SINH: Final = Spec("sinh", np.sinh, FLOATING)
_SQUARE: Final = Spec("square", np.square, NUMERIC)
_SQRT: Final = Spec("sqrt", np.sqrt, FLOATING, verb=np.sqrt)
_TAN: Final = Spec("tan", np.tan, FLOATING)
_TANH: Final = Spec("tanh", np.tanh, FLOATING)
_TRUNC: Final = Spec("trunc", np.trunc, REAL, identity_ints=True)


def abs(x: TensorView[DT, R, D], /) -> Tensor[Any, R, D]:
    """The absolute value of each element; of a complex element, its modulus (in the real
    dtype of the same precision).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.abs(ct.tensor([-1.5, 2.0])).tolist()
    [1.5, 2.0]
    """
    return operator.abs(tensor_arg("abs", x))


def acos(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The inverse cosine of each element, in radians ([0, pi] for real elements).

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.acos(ct.tensor([1.0])).tolist()
    [0.0]
    """
    return unary(_ACOS, x)


def acosh(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The inverse hyperbolic cosine of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.acosh(ct.tensor([1.0])).tolist()
    [0.0]
    """
    return unary(_ACOSH, x)


def asin(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The inverse sine of each element, in radians.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.asin(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_ASIN, x)


def asinh(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The inverse hyperbolic sine of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.asinh(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_ASINH, x)


def atan(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The inverse tangent of each element, in radians.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.atan(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_ATAN, x)


def atanh(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The inverse hyperbolic tangent of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.atanh(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_ATANH, x)


def bitwise_invert(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The bitwise NOT of each element (``~x``); of a bool, its negation.

    Needs an integer or bool dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.bitwise_invert(ct.tensor([0, 5], dtype=ct.uint8)).tolist()
    [255, 250]
    """
    return operator.invert(tensor_arg("bitwise_invert", x))


def ceil(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The smallest integer-valued number not below each element (integers stay as they
    are).

    Needs a real dtype (integer or real floating).

    Examples
    --------
    >>> import corten as ct
    >>> ct.ceil(ct.tensor([-1.5, 1.2])).tolist()
    [-1.0, 2.0]
    """
    return unary(_CEIL, x)


def conj(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The complex conjugate of each element (a copy of a real tensor).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.conj(ct.tensor([1 + 2j])).tolist()
    [(1-2j)]
    """
    return unary(_CONJ, x)


def cos(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The cosine of each element (in radians).

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.cos(ct.tensor([0.0])).tolist()
    [1.0]
    """
    return unary(_COS, x)


def cosh(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The hyperbolic cosine of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.cosh(ct.tensor([0.0])).tolist()
    [1.0]
    """
    return unary(_COSH, x)


def exp(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """e raised to each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.exp(ct.tensor([0.0])).tolist()
    [1.0]
    """
    return unary(_EXP, x)


def expm1(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """``exp(x) - 1`` of each element, accurate for small elements.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.expm1(ct.tensor([0.0], dtype=ct.float64)).tolist()
    [0.0]
    """
    return unary(_EXPM1, x)


def floor(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The largest integer-valued number not above each element (integers stay as they
    are).

    Needs a real dtype (integer or real floating).

    Examples
    --------
    >>> import corten as ct
    >>> ct.floor(ct.tensor([-1.5, 1.2])).tolist()
    [-2.0, 1.0]
    """
    return unary(_FLOOR, x)


def imag(x: TensorView[DT, R, D], /) -> Tensor[Any, R, D]:
    """The imaginary part of each complex element, in the real dtype of the same precision.

    Needs a complex dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.imag(ct.tensor([1 + 2j])).tolist()
    [2.0]
    """
    return unary(_IMAG, x)


def isfinite(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """Whether each element is finite (for complex: both parts finite).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.isfinite(ct.tensor([1.0, float('inf'), float('nan')])).tolist()
    [True, False, False]
    """
    return unary(_ISFINITE, x)


def isinf(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """Whether each element is infinite (for complex: either part).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.isinf(ct.tensor([1.0, float('-inf')])).tolist()
    [False, True]
    """
    return unary(_ISINF, x)


def isnan(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """Whether each element is NaN (for complex: either part).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.isnan(ct.tensor([1.0, float('nan')])).tolist()
    [False, True]
    """
    return unary(_ISNAN, x)


def log(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The natural logarithm of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.log(ct.tensor([1.0])).tolist()
    [0.0]
    """
    return unary(_LOG, x)


def log1p(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """``log(1 + x)`` of each element, accurate for small elements.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.log1p(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_LOG1P, x)


def log2(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The base-2 logarithm of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.log2(ct.tensor([8.0])).tolist()
    [3.0]
    """
    return unary(_LOG2, x)


def log10(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The base-10 logarithm of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.log10(ct.tensor([100.0])).tolist()
    [2.0]
    """
    return unary(_LOG10, x)


def logical_not(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """The logical NOT of each element (numbers count as true when nonzero).

    Takes every dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.logical_not(ct.tensor([True, False])).tolist()
    [False, True]
    """
    return unary(_LOGICAL_NOT, x)


def negative(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """Each element negated (``-x``).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.negative(ct.tensor([1, -2])).tolist()
    [-1, 2]
    """
    return operator.neg(tensor_arg("negative", x))


def positive(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """Each element unchanged (``+x``): a new owner.

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.positive(ct.tensor([1, -2])).tolist()
    [1, -2]
    """
    return operator.pos(tensor_arg("positive", x))


def real(x: TensorView[DT, R, D], /) -> Tensor[Any, R, D]:
    """The real part of each element, in the real dtype of the same precision (a copy of a
    real tensor).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.real(ct.tensor([1 + 2j])).tolist()
    [1.0]
    """
    return unary(_REAL, x)


def reciprocal(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """``1 / x`` of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.reciprocal(ct.tensor([2.0, -0.5])).tolist()
    [0.5, -2.0]
    """
    return unary(_RECIPROCAL, x)


def round(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """Each element rounded to the nearest integer-valued number, halves to even (complex:
    each part; integers stay as they are).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.round(ct.tensor([0.5, 1.5, -2.5])).tolist()
    [0.0, 2.0, -2.0]
    """
    return unary(_ROUND, x)


def sign(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The sign of each element: -1, 0 or 1 (complex: ``x / abs(x)``, 0 at 0).

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.sign(ct.tensor([-3, 0, 5])).tolist()
    [-1, 0, 1]
    """
    return unary(_SIGN, x)


def signbit(x: TensorView[DT, R, D], /) -> Tensor[Bool, R, D]:
    """Whether the sign bit of each element is set (true for -0.0 and negative NaNs too).

    Needs a real floating dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.signbit(ct.tensor([-0.0, 0.0, -1.0])).tolist()
    [True, False, True]
    """
    return unary(_SIGNBIT, x)


def sin(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The sine of each element (in radians).

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.sin(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_SIN, x)


def sinh(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The hyperbolic sine of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.sinh(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_SINH, x)


def square(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """Each element times itself.

    Needs a numeric dtype.

    Examples
    --------
    >>> import corten as ct
    >>> ct.square(ct.tensor([3, -4])).tolist()
    [9, 16]
    """
    return unary(_SQUARE, x)


def sqrt(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The square root of each element, correctly rounded.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.sqrt(ct.tensor([4.0, 9.0])).tolist()
    [2.0, 3.0]
    """
    return unary(_SQRT, x)


def tan(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The tangent of each element (in radians).

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.tan(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_TAN, x)


def tanh(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """The hyperbolic tangent of each element.

    Needs a floating dtype (real or complex).

    Examples
    --------
    >>> import corten as ct
    >>> ct.tanh(ct.tensor([0.0])).tolist()
    [0.0]
    """
    return unary(_TANH, x)


def trunc(x: TensorView[DT, R, D], /) -> Tensor[DT, R, D]:
    """Each element rounded toward zero (integers stay as they are).

    Needs a real dtype (integer or real floating).

    Examples
    --------
    >>> import corten as ct
    >>> ct.trunc(ct.tensor([-1.7, 1.7])).tolist()
    [-1.0, 1.0]
    """
    return unary(_TRUNC, x)
