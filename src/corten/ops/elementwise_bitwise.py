"""The bitwise functions, each its operator: ``bitwise_and`` (``&``), ``bitwise_or``,
``bitwise_xor``, ``bitwise_left_shift`` (``<<``), ``bitwise_right_shift`` (``>>``) and
``bitwise_invert`` (``~``)."""

from __future__ import annotations

import operator
from typing import Any

from corten.core.typeparams import DT, AnyRank, D, R
from corten.ops._elementwise import tensor_arg, via_operator
from corten.tensor import Tensor, TensorView

__all__ = [
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
]


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
