"""Statistical functions of the array API: reductions and cumulative sums and products.

``sum``, ``prod`` and the cumulative functions give integer tensors the widest integer of
their signedness (int64, uint64) unless ``dtype`` says otherwise, floating tensors their
own dtype; ``mean``, ``std`` and ``var`` take floating tensors only. The special cases are
the standard's: the sum of nothing is 0, the product 1, the mean NaN, a variance with no
degrees of freedom left NaN; ``min`` and ``max`` of nothing raise
:class:`~corten.core.errors.ShapeError` (the standard leaves them to the library).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from corten.core.dtypes import DType
from corten.core.errors import DTypeError, ShapeError
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import (
    accumulator,
    axes_arg,
    axis_arg,
    bool_arg,
    quietly,
    tensor_arg,
)
from corten.ops._dispatch import run
from corten.tensor import Tensor, TensorView

__all__ = [
    "cumulative_prod",
    "cumulative_sum",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
]


def _reduced_size(x: TensorView[Any, Any, Any], axes: tuple[int, ...] | None) -> int:
    if axes is None:
        return math.prod(x.shape)
    return math.prod(x.shape[a] for a in axes)


def _floating(name: str, x: TensorView[Any, Any, Any]) -> None:
    if x.dtype.kind not in "fc":
        raise DTypeError(
            f"{name}() needs a floating dtype, the tensor is {x.dtype.name}; convert it "
            "with ct.astype(x, ct.float32) or ct.astype(x, ct.float64)"
        )


def sum(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: DType | None = None,
    keepdims: bool = False,
) -> Tensor[Any, AnyRank, D]:
    """The sum of the elements along ``axis`` (all of them by default).

    Parameters
    ----------
    x : TensorView
        The tensor to sum.
    axis : int or tuple of int or None
        The axes to reduce.
    dtype : DType or None
        The dtype to compute and return in. By default integer and bool tensors sum in
        int64 (uint64 when unsigned) and floating tensors in their own dtype.
    keepdims : bool
        Keep the reduced axes as dimensions of size 1.

    Returns
    -------
    Tensor
        A new tensor on ``x``'s device.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    DTypeError
        If ``dtype`` is of a narrower kind than ``x`` (float into int).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import sum
    >>> sum(ct.tensor([[1, 2], [3, 4]], dtype=ct.int8), axis=0).tolist()
    [4, 6]
    """
    x = tensor_arg("sum", x)
    axes = axes_arg("sum", axis, x.ndim)
    acc = accumulator("sum", x, dtype)
    kd = bool_arg("sum", keepdims, "keepdims")
    return run("sum", np.sum, x, axis=axes, dtype=acc, keepdims=kd)  # type: ignore[no-any-return]


def prod(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    dtype: DType | None = None,
    keepdims: bool = False,
) -> Tensor[Any, AnyRank, D]:
    """The product of the elements along ``axis`` (all of them by default).

    The dtype rules are those of :func:`sum`; the product of nothing is 1.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    DTypeError
        If ``dtype`` is of a narrower kind than ``x``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import prod
    >>> prod(ct.tensor([[1, 2], [3, 4]]), axis=1).tolist()
    [2, 12]
    """
    x = tensor_arg("prod", x)
    axes = axes_arg("prod", axis, x.ndim)
    acc = accumulator("prod", x, dtype)
    kd = bool_arg("prod", keepdims, "keepdims")
    return run("prod", np.prod, x, axis=axes, dtype=acc, keepdims=kd)  # type: ignore[no-any-return]


def mean(
    x: TensorView[DT, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
) -> Tensor[DT, AnyRank, D]:
    """The arithmetic mean along ``axis`` (all of them by default); floating tensors only.

    The mean of nothing is NaN.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    DTypeError
        If ``x`` is not floating (convert it with ``ct.astype`` first).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import mean
    >>> mean(ct.tensor([[1.0, 2.0], [3.0, 5.0]]), axis=1).tolist()
    [1.5, 4.0]
    """
    x = tensor_arg("mean", x)
    axes = axes_arg("mean", axis, x.ndim)
    _floating("mean", x)
    kd = bool_arg("mean", keepdims, "keepdims")
    fn = np.mean if _reduced_size(x, axes) else quietly(np.mean)
    return run("mean", fn, x, axis=axes, keepdims=kd)  # type: ignore[no-any-return]


def _moment(
    name: str,
    x: TensorView[Any, Any, Any],
    axis: object,
    correction: object,
    keepdims: object,
) -> Tensor[Any, Any, Any]:
    x = tensor_arg(name, x)
    axes = axes_arg(name, axis, x.ndim)
    _floating(name, x)
    if isinstance(correction, (bool, np.bool_)) or not isinstance(
        correction, (int, float, np.integer, np.floating)
    ):
        raise DTypeError(f"{name}() takes an int or float as correction, got {correction!r}")
    if not correction >= 0:
        raise ShapeError(f"{name}() needs correction >= 0, got {correction!r}")
    kd = bool_arg(name, keepdims, "keepdims")
    np_fn = np.std if name == "std" else np.var
    fn = np_fn if _reduced_size(x, axes) - correction > 0 else quietly(np_fn)
    return run(name, fn, x, axis=axes, ddof=correction, keepdims=kd)  # type: ignore[no-any-return]


def std(
    x: TensorView[DT, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Tensor[DT, AnyRank, D]:
    """The standard deviation along ``axis`` (all of them by default); floating only.

    ``correction`` is subtracted from the number of elements in the divisor (0 for the
    population's deviation, 1 for Bessel's correction). With no degrees of freedom left
    the result is NaN.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    DTypeError
        If ``x`` is not floating.
    ShapeError
        If ``correction`` is negative.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import std
    >>> round(std(ct.tensor([1.0, 2.0, 3.0, 4.0]), correction=1).item(), 4)
    1.291
    """
    return _moment("std", x, axis, correction, keepdims)


def var(
    x: TensorView[DT, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Tensor[DT, AnyRank, D]:
    """The variance along ``axis`` (all of them by default); floating only.

    ``correction`` as in :func:`std`.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    DTypeError
        If ``x`` is not floating.
    ShapeError
        If ``correction`` is negative.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import var
    >>> var(ct.tensor([[1.0, 3.0], [2.0, 2.0]]), axis=1).tolist()
    [1.0, 0.0]
    """
    return _moment("var", x, axis, correction, keepdims)


def _extremum(
    name: str, x: TensorView[Any, Any, Any], axis: object, keepdims: object
) -> Tensor[Any, Any, Any]:
    x = tensor_arg(name, x)
    axes = axes_arg(name, axis, x.ndim)
    kd = bool_arg(name, keepdims, "keepdims")
    if _reduced_size(x, axes) == 0:
        raise ShapeError(
            f"{name}() of an empty selection: the tensor has shape {x.shape} and the "
            f"reduced axes {axes if axes is not None else 'all'} hold no element"
        )
    return run(name, np.max if name == "max" else np.min, x, axis=axes, keepdims=kd)  # type: ignore[no-any-return]


def max(
    x: TensorView[DT, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
) -> Tensor[DT, AnyRank, D]:
    """The largest element along ``axis`` (all of them by default); NaN if any is NaN.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ShapeError
        If a reduced axis has size 0 (there is no largest element).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import max
    >>> max(ct.tensor([[1, 7], [3, 4]]), axis=0).tolist()
    [3, 7]
    """
    return _extremum("max", x, axis, keepdims)


def min(
    x: TensorView[DT, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
) -> Tensor[DT, AnyRank, D]:
    """The smallest element along ``axis`` (all of them by default); NaN if any is NaN.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ShapeError
        If a reduced axis has size 0 (there is no smallest element).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import min
    >>> min(ct.tensor([[1, 7], [3, 4]]), axis=1, keepdims=True).tolist()
    [[1], [3]]
    """
    return _extremum("min", x, axis, keepdims)


def _cumulative(
    name: str,
    np_fn: Any,
    x: TensorView[Any, Any, Any],
    axis: object,
    dtype: object,
    include_initial: object,
) -> Tensor[Any, Any, Any]:
    x = tensor_arg(name, x)
    if x.ndim == 0:
        raise ShapeError(f"{name}() needs a tensor of rank 1 or more, got a rank-0 tensor")
    if axis is None:
        if x.ndim > 1:
            raise ShapeError(
                f"{name}() of a tensor of rank {x.ndim} needs an axis (axis=None is for "
                "rank 1 only)"
            )
        ax = 0
    else:
        ax = axis_arg(name, axis, x.ndim)
    acc = accumulator(name, x, dtype)
    initial = bool_arg(name, include_initial, "include_initial")
    return run(name, np_fn, x, axis=ax, dtype=acc, include_initial=initial)  # type: ignore[no-any-return]


def cumulative_sum(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | None = None,
    dtype: DType | None = None,
    include_initial: bool = False,
) -> Tensor[Any, AnyRank, D]:
    """The running sums along ``axis`` (which a tensor of rank above 1 must name).

    With ``include_initial`` the result starts with the empty sum (0) and is one longer
    along ``axis``. The dtype rules are those of :func:`sum`.

    Raises
    ------
    AxisError
        If ``axis`` is out of range.
    ShapeError
        If ``x`` has rank 0, or rank above 1 without ``axis``.
    DTypeError
        If ``dtype`` is of a narrower kind than ``x``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import cumulative_sum
    >>> cumulative_sum(ct.tensor([1, 2, 3]), include_initial=True).tolist()
    [0, 1, 3, 6]
    """
    return _cumulative("cumulative_sum", np.cumulative_sum, x, axis, dtype, include_initial)


def cumulative_prod(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | None = None,
    dtype: DType | None = None,
    include_initial: bool = False,
) -> Tensor[Any, AnyRank, D]:
    """The running products along ``axis`` (which a tensor of rank above 1 must name).

    With ``include_initial`` the result starts with the empty product (1). The dtype
    rules are those of :func:`sum`.

    Raises
    ------
    AxisError
        If ``axis`` is out of range.
    ShapeError
        If ``x`` has rank 0, or rank above 1 without ``axis``.
    DTypeError
        If ``dtype`` is of a narrower kind than ``x``.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.statistical import cumulative_prod
    >>> cumulative_prod(ct.tensor([[1, 2], [3, 4]]), axis=1).tolist()
    [[1, 2], [3, 12]]
    """
    return _cumulative("cumulative_prod", np.cumulative_prod, x, axis, dtype, include_initial)
