"""Utility functions of the array API: ``all``, ``any`` and ``diff``."""

from __future__ import annotations

from typing import Any

import numpy as np

from corten.core.dtypes import Bool
from corten.core.errors import ArgumentError, ShapeError
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import (
    as_promoted,
    axes_arg,
    axis_arg,
    bool_arg,
    int_arg,
    tensor_arg,
)
from corten.ops._dispatch import device_of, run
from corten.tensor import Tensor, TensorView

__all__ = ["all", "any", "diff"]


def _truth(
    name: str, x: TensorView[Any, Any, Any], axis: object, keepdims: object
) -> Tensor[Any, Any, Any]:
    x = tensor_arg(name, x)
    axes = axes_arg(name, axis, x.ndim)
    kd = bool_arg(name, keepdims, "keepdims")
    return run(name, np.all if name == "all" else np.any, x, axis=axes, keepdims=kd)  # type: ignore[no-any-return]


def all(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
) -> Tensor[Bool, AnyRank, D]:
    """Whether every element along ``axis`` (all of them by default) is true (non-zero).

    NaN and infinities are true; the answer for no elements is True.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.utility import all
    >>> all(ct.tensor([[1, 0], [2, 3]]), axis=1).tolist()
    [False, True]
    """
    return _truth("all", x, axis, keepdims)


def any(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
) -> Tensor[Bool, AnyRank, D]:
    """Whether some element along ``axis`` (all of them by default) is true (non-zero).

    NaN and infinities are true; the answer for no elements is False.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.utility import any
    >>> any(ct.tensor([[0.0, 0.0], [0.0, float("nan")]]), axis=1).tolist()
    [False, True]
    """
    return _truth("any", x, axis, keepdims)


def _check_edge(
    x: TensorView[Any, Any, Any], edge: TensorView[Any, Any, Any], ax: int, what: str
) -> None:
    if edge.ndim != x.ndim or _differs_outside(x.shape, edge.shape, ax):
        raise ShapeError(
            f"diff(): {what} has shape {edge.shape}, which must equal x's shape {x.shape} "
            f"except along axis {ax}"
        )


def _differs_outside(a: tuple[int, ...], b: tuple[int, ...], skip: int) -> bool:
    """Whether shapes ``a`` and ``b`` (of one rank) differ outside dimension ``skip``."""
    return a[:skip] != b[:skip] or a[skip + 1 :] != b[skip + 1 :]


def diff(
    x: TensorView[DT, Any, D],
    /,
    *,
    axis: int = -1,
    n: int = 1,
    prepend: TensorView[DT, Any, D] | None = None,
    append: TensorView[DT, Any, D] | None = None,
) -> Tensor[DT, AnyRank, D]:
    """The ``n``-th forward difference along ``axis``: ``x[i + 1] - x[i]``, ``n`` times.

    ``prepend`` and ``append`` are joined to ``x`` along ``axis`` first; they have
    ``x``'s shape but along ``axis`` and a dtype of its kind (the result is promoted).
    The result is ``n`` shorter along ``axis`` than the joined tensor.

    Raises
    ------
    AxisError
        If ``axis`` is out of range (a rank-0 tensor has none).
    ArgumentError
        If ``n`` is negative.
    ShapeError
        If ``prepend`` or ``append`` does not fit ``x``.
    DTypeError
        If they mix kinds of dtype with ``x``.
    DeviceMismatchError
        If they are on another device.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.utility import diff
    >>> diff(ct.tensor([1, 4, 9, 16])).tolist()
    [3, 5, 7]
    >>> diff(ct.tensor([[1, 2], [4, 8]]), axis=0, prepend=ct.tensor([[0, 0]])).tolist()
    [[1, 2], [3, 6]]
    """
    x = tensor_arg("diff", x)
    ax = axis_arg("diff", axis, x.ndim)
    count = int_arg("diff", n, "n")
    if count < 0:
        raise ArgumentError(f"diff() needs n >= 0, got {count}")
    edges: dict[str, Any] = {}
    for what, edge in (("prepend", prepend), ("append", append)):
        if edge is not None:
            edges[what] = tensor_arg("diff", edge, what)
            _check_edge(x, edges[what], ax, what)
    device_of("diff", [x, *edges.values()])
    if edges:
        _, converted = as_promoted("diff", [x, *edges.values()])
        x = converted[0]
        edges = dict(zip(edges, converted[1:], strict=True))
    return run("diff", np.diff, x, n=count, axis=ax, **edges)  # type: ignore[no-any-return]
