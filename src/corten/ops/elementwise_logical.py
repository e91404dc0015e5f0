"""The logical functions: ``logical_and``, ``logical_or``, ``logical_xor`` and
``logical_not`` (numbers count as true when nonzero; bool results)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from corten.core.dtypes import Bool
from corten.core.typeparams import DT, AnyRank, D, R
from corten.ops._elementwise import ANY, Spec, binary, unary
from corten.tensor import Tensor, TensorView

__all__ = ["logical_and", "logical_not", "logical_or", "logical_xor"]

_LOGICAL_NOT: Final = Spec("logical_not", np.logical_not, ANY, result="bool")
_LOGICAL_AND: Final = Spec("logical_and", np.logical_and, ANY, result="bool")
_LOGICAL_OR: Final = Spec("logical_or", np.logical_or, ANY, result="bool")
_LOGICAL_XOR: Final = Spec("logical_xor", np.logical_xor, ANY, result="bool")


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
