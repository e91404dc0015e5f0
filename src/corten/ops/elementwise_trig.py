"""The trigonometric and hyperbolic functions of one tensor (``sin``, ``acos``,
``tanh``...); angles are in radians. They need a floating dtype (real or complex)."""

from __future__ import annotations

from typing import Final

import numpy as np

from corten.core.typeparams import DT, D, R
from corten.ops._elementwise import FLOATING, Spec, unary
from corten.tensor import Tensor, TensorView

__all__ = [
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "cos",
    "cosh",
    "sin",
    "sinh",
    "tan",
    "tanh",
]

_ACOS: Final = Spec("acos", np.arccos, FLOATING)
_ACOSH: Final = Spec("acosh", np.arccosh, FLOATING)
_ASIN: Final = Spec("asin", np.arcsin, FLOATING)
_ASINH: Final = Spec("asinh", np.arcsinh, FLOATING)
_ATAN: Final = Spec("atan", np.arctan, FLOATING)
_ATANH: Final = Spec("atanh", np.arctanh, FLOATING)
_COS: Final = Spec("cos", np.cos, FLOATING, verb=np.cos)
_COSH: Final = Spec("cosh", np.cosh, FLOATING)
_SIN: Final = Spec("sin", np.sin, FLOATING, verb=np.sin)
_SINH: Final = Spec("sinh", np.sinh, FLOATING)
_TAN: Final = Spec("tan", np.tan, FLOATING)
_TANH: Final = Spec("tanh", np.tanh, FLOATING)


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
