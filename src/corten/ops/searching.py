"""Searching functions of the array API: ``argmax``, ``argmin``, ``count_nonzero``,
``nonzero``, ``searchsorted`` and ``where``.

Indices come back as int64 tensors (the default index dtype). ``nonzero`` is the one
function here whose result's shape depends on the elements, so ``meta`` tensors refuse it.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from corten.core.dtypes import DType, Int64
from corten.core.errors import ArgumentError, DTypeError, ShapeError
from corten.core.layout import broadcast_shapes
from corten.core.typeparams import AnyRank, D
from corten.ops._args import (
    as_promoted,
    axes_arg,
    axis_arg,
    bool_arg,
    promote,
    scalar_operand,
    tensor_arg,
)
from corten.ops._dispatch import device_of, run
from corten.tensor import Tensor, TensorView

__all__ = ["argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where"]

Array = np.ndarray[Any, Any]
Scalar = bool | int | float | complex


def _arg_extremum(
    name: str, x: TensorView[Any, Any, Any], axis: object, keepdims: object
) -> Tensor[Any, Any, Any]:
    x = tensor_arg(name, x)
    ax = None if axis is None else axis_arg(name, axis, x.ndim)
    kd = bool_arg(name, keepdims, "keepdims")
    size = math.prod(x.shape) if ax is None else x.shape[ax]
    if size == 0:
        raise ShapeError(
            f"{name}() of an empty selection: the tensor has shape {x.shape} and "
            f"{'it has' if ax is None else f'axis {ax} has'} no element"
        )
    fn = np.argmax if name == "argmax" else np.argmin

    def arg(a: Array, **kwargs: Any) -> Array:
        return np.asarray(fn(a, **kwargs), dtype=np.int64)

    return run(name, arg, x, axis=ax, keepdims=kd)  # type: ignore[no-any-return]


def argmax(
    x: TensorView[Any, Any, D], /, *, axis: int | None = None, keepdims: bool = False
) -> Tensor[Int64, AnyRank, D]:
    """The index of the first largest element along ``axis`` (of the flattened tensor
    by default); NaN counts as the largest.

    Raises
    ------
    AxisError
        If ``axis`` is out of range or not an int.
    ShapeError
        If there is no element to choose from.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.searching import argmax
    >>> argmax(ct.tensor([[1, 9, 9], [7, 2, 3]]), axis=1).tolist()
    [1, 0]
    """
    return _arg_extremum("argmax", x, axis, keepdims)


def argmin(
    x: TensorView[Any, Any, D], /, *, axis: int | None = None, keepdims: bool = False
) -> Tensor[Int64, AnyRank, D]:
    """The index of the first smallest element along ``axis`` (of the flattened tensor
    by default); NaN counts as the smallest.

    Raises
    ------
    AxisError
        If ``axis`` is out of range or not an int.
    ShapeError
        If there is no element to choose from.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.searching import argmin
    >>> argmin(ct.tensor([4.0, 1.0, 1.0])).item()
    1
    """
    return _arg_extremum("argmin", x, axis, keepdims)


def _count_nonzero(a: Array, axis: tuple[int, ...] | None, keepdims: bool) -> Array:
    return np.asarray(np.count_nonzero(a, axis=axis, keepdims=keepdims), dtype=np.int64)


def count_nonzero(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
) -> Tensor[Int64, AnyRank, D]:
    """How many elements along ``axis`` (all of them by default) are non-zero.

    A complex element is non-zero if either part is; NaN is non-zero.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.searching import count_nonzero
    >>> count_nonzero(ct.tensor([[0, 1, 2], [0, 0, 3]]), axis=1).tolist()
    [2, 1]
    """
    x = tensor_arg("count_nonzero", x)
    axes = axes_arg("count_nonzero", axis, x.ndim)
    kd = bool_arg("count_nonzero", keepdims, "keepdims")
    return run("count_nonzero", _count_nonzero, x, axis=axes, keepdims=kd)  # type: ignore[no-any-return]


def _nonzero(a: Array) -> tuple[Array, ...]:
    return tuple(i.astype(np.int64, copy=False) for i in np.nonzero(a))


def nonzero(x: TensorView[Any, Any, D], /) -> tuple[Tensor[Int64, AnyRank, D], ...]:
    """The indices of the non-zero elements: one 1-D tensor per dimension, in row-major
    order of the elements.

    The number of indices depends on the elements, so ``meta`` tensors refuse it.

    Raises
    ------
    ShapeError
        If ``x`` has rank 0.
    DeviceMismatchError
        If ``x`` is on ``meta``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.searching import nonzero
    >>> rows, cols = nonzero(ct.tensor([[0, 5], [7, 0]]))
    >>> rows.tolist(), cols.tolist()
    ([0, 1], [1, 0])
    """
    x = tensor_arg("nonzero", x)
    if x.ndim == 0:
        raise ShapeError(
            "nonzero() of a rank-0 tensor: it has no dimensions to index; reshape it to "
            "rank 1 first"
        )
    return run("nonzero", _nonzero, x, data_dependent=True)  # type: ignore[no-any-return]


def searchsorted(
    x1: TensorView[Any, Any, D],
    x2: TensorView[Any, Any, D] | Scalar,
    /,
    *,
    side: Literal["left", "right"] = "left",
    sorter: TensorView[Any, Any, D] | None = None,
) -> Tensor[Int64, AnyRank, D]:
    """Where the elements of ``x2`` go in the sorted 1-D tensor ``x1`` to keep it sorted.

    With ``side="left"`` the index ``i`` of each value ``v`` satisfies
    ``x1[i - 1] < v <= x1[i]``; with ``"right"``, ``x1[i - 1] <= v < x1[i]``. ``sorter``
    holds the indices that sort ``x1`` when it is not sorted itself (as from
    ``argsort``). ``x2`` may be a Python scalar (the 2025.12 standard allows it).

    Raises
    ------
    ShapeError
        If ``x1`` is not 1-D, or ``sorter`` is not 1-D of ``x1``'s length.
    DTypeError
        If ``x1`` and ``x2`` mix kinds of dtype, or ``sorter`` is not an integer tensor.
    ArgumentError
        If ``side`` is neither ``"left"`` nor ``"right"``.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.searching import searchsorted
    >>> searchsorted(ct.tensor([1, 3, 3, 7]), ct.tensor([0, 3, 8])).tolist()
    [0, 1, 4]
    >>> searchsorted(ct.tensor([1, 3, 3, 7]), ct.tensor([3]), side="right").tolist()
    [3]
    """
    x1 = tensor_arg("searchsorted", x1, "x1")
    if x1.ndim != 1:
        raise ShapeError(f"searchsorted() needs a 1-D x1, got shape {x1.shape}")
    if side not in ("left", "right"):
        raise ArgumentError(f"searchsorted() takes side='left' or side='right', got {side!r}")
    tensors: list[TensorView[Any, Any, Any]] = [x1]
    if isinstance(x2, TensorView):
        tensors.append(x2)
    if sorter is not None:
        sorter = tensor_arg("searchsorted", sorter, "sorter")
        if sorter.shape != x1.shape:
            raise ShapeError(
                f"searchsorted(): sorter has shape {sorter.shape}, it must be x1's {x1.shape}"
            )
        if not sorter.dtype.is_integer:
            raise DTypeError(
                f"searchsorted(): sorter must be an integer tensor (indices), got {sorter.dtype}"
            )
        tensors.append(sorter)
    device_of("searchsorted", tensors)
    values: Any
    if isinstance(x2, TensorView):
        _, (x1, values) = as_promoted("searchsorted", [x1, x2])
    else:
        values = scalar_operand("searchsorted", x2, x1.dtype)
        if values.dtype != x1.dtype.numpy:
            raise DTypeError(
                f"searchsorted(): a complex scalar does not meet the {x1.dtype.name} x1"
            )

    def search(a: Array, v: Any, side: str, sorter: Array | None) -> Array:
        return np.searchsorted(a, v, side=side, sorter=sorter).astype(np.int64, copy=False)  # type: ignore[call-overload,no-any-return]

    return run("searchsorted", search, x1, values, side=side, sorter=sorter)  # type: ignore[no-any-return]


def _where_dtype(
    x1: TensorView[Any, Any, Any] | Scalar, x2: TensorView[Any, Any, Any] | Scalar
) -> DType:
    if isinstance(x1, TensorView) and isinstance(x2, TensorView):
        return promote("where", x1.dtype, x2.dtype)
    if isinstance(x1, TensorView):
        return x1.dtype  # type: ignore[no-any-return]
    return x2.dtype  # type: ignore[union-attr,no-any-return]  # the caller checked it


def where(
    condition: TensorView[Any, Any, D],
    x1: TensorView[Any, Any, D] | Scalar,
    x2: TensorView[Any, Any, D] | Scalar,
    /,
) -> Tensor[Any, AnyRank, D]:
    """Elements of ``x1`` where ``condition`` is true, of ``x2`` elsewhere.

    The three broadcast together. ``x1`` or ``x2`` (not both) may be a Python scalar,
    which takes the other's dtype (a complex scalar with a real floating tensor gives a
    complex result); two tensors are promoted within their kind.

    Raises
    ------
    DTypeError
        If ``condition`` is not a bool tensor, both ``x1`` and ``x2`` are scalars, or
        their dtypes mix kinds.
    ShapeError
        If the shapes do not broadcast together.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.searching import where
    >>> x = ct.tensor([1.0, -2.0, 3.0])
    >>> where(x > 0, x, 0.0).tolist()
    [1.0, 0.0, 3.0]
    """
    condition = tensor_arg("where", condition, "condition")
    if not condition.dtype.is_bool:
        raise DTypeError(
            f"where() takes a bool condition, got {condition.dtype.name}; compare first, "
            "e.g. where(x != 0, ...)"
        )
    if not isinstance(x1, TensorView) and not isinstance(x2, TensorView):
        raise DTypeError(
            "where() needs x1 or x2 to be a tensor (both are Python scalars); make one with "
            "ct.asarray(...)"
        )
    tensors = [condition] + [v for v in (x1, x2) if isinstance(v, TensorView)]
    device_of("where", tensors)
    shape = condition.shape
    for v in (x1, x2):
        if isinstance(v, TensorView):
            shape = broadcast_shapes(shape, v.shape)
    dt = _where_dtype(x1, x2)
    operands: list[Any] = []
    for v in (x1, x2):
        if isinstance(v, TensorView):
            operands.append(v if v.dtype is dt else v.astype(dt))
        else:
            operands.append(scalar_operand("where", v, dt))
    return run("where", np.where, condition, *operands)  # type: ignore[no-any-return]
