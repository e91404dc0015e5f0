"""Rounding, sign and magnitude of one tensor: ``ceil``, ``floor``, ``round``, ``trunc``,
``sign``, ``signbit``, and the operators ``abs(x)``, ``-x`` (``negative``) and ``+x``
(``positive``)."""

from __future__ import annotations

import operator
from typing import Any, Final

import numpy as np

from corten.core.dtypes import Bool
from corten.core.typeparams import DT, D, R
from corten.ops._elementwise import NUMERIC, REAL, REAL_FLOATING, Spec, tensor_arg, unary
from corten.tensor import Tensor, TensorView

__all__ = ["abs", "ceil", "floor", "negative", "positive", "round", "sign", "signbit", "trunc"]

_CEIL: Final = Spec("ceil", np.ceil, REAL, identity_ints=True)
_FLOOR: Final = Spec("floor", np.floor, REAL, identity_ints=True)
_ROUND: Final = Spec("round", np.round, NUMERIC, identity_ints=True)
_SIGN: Final = Spec("sign", np.sign, NUMERIC)
_SIGNBIT: Final = Spec("signbit", np.signbit, REAL_FLOATING, result="bool")
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
