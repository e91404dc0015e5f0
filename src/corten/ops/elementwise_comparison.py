"""The comparisons of two arguments, each its operator: ``equal`` (``==``), ``not_equal``,
``greater``, ``greater_equal``, ``less`` and ``less_equal`` (bool results)."""

from __future__ import annotations

import operator
from typing import Any

from corten.core.dtypes import Bool
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._elementwise import via_operator
from corten.tensor import Tensor, TensorView

__all__ = ["equal", "greater", "greater_equal", "less", "less_equal", "not_equal"]


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
