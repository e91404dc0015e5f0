"""The arithmetic functions of two arguments, each its operator: ``add`` (``+``),
``subtract``, ``multiply``, ``divide``, ``floor_divide``, ``remainder`` and ``pow``."""

from __future__ import annotations

import operator
from typing import Any

from corten.core.typeparams import DT, AnyRank, D
from corten.ops._elementwise import via_operator
from corten.tensor import Tensor, TensorView

__all__ = ["add", "divide", "floor_divide", "multiply", "pow", "remainder", "subtract"]


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
