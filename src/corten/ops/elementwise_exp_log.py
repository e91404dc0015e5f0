"""Exponentials, logarithms, powers and roots of one tensor: ``exp``, ``expm1``, ``log``,
``log1p``, ``log2``, ``log10``, ``reciprocal``, ``sqrt`` and ``square``."""

from __future__ import annotations

from typing import Final

import numpy as np

from corten.core.typeparams import DT, D, R
from corten.ops import _elementwise as _e
from corten.ops._elementwise import FLOATING, NUMERIC, Spec, unary
from corten.tensor import Tensor, TensorView

__all__ = ["exp", "expm1", "log", "log10", "log1p", "log2", "reciprocal", "sqrt", "square"]

_EXP: Final = Spec("exp", np.exp, FLOATING, verb=np.exp)
_EXPM1: Final = Spec("expm1", _e.expm1, FLOATING)
_LOG: Final = Spec("log", np.log, FLOATING, verb=np.log)
_LOG1P: Final = Spec("log1p", np.log1p, FLOATING)
_LOG2: Final = Spec("log2", np.log2, FLOATING)
_LOG10: Final = Spec("log10", np.log10, FLOATING)
_RECIPROCAL: Final = Spec("reciprocal", np.reciprocal, FLOATING)
_SQUARE: Final = Spec("square", np.square, NUMERIC)
_SQRT: Final = Spec("sqrt", np.sqrt, FLOATING, verb=np.sqrt)


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
