"""Indexing functions of the array API: ``take`` and ``take_along_axis``.

Indices are integer tensors on the indexed tensor's device; negative ones count from the
end. An index out of range raises :class:`~corten.core.errors.TensorIndexError` (the
standard does not require the check; corten never reads outside a tensor).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from corten.core.errors import AxisError, DTypeError, ShapeError, TensorIndexError
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import axis_arg, tensor_arg
from corten.ops._dispatch import device_of, run
from corten.tensor import Tensor, TensorView

__all__ = ["take", "take_along_axis"]

Array = np.ndarray[Any, Any]


def _indices(name: str, indices: object) -> TensorView[Any, Any, Any]:
    t = tensor_arg(name, indices, "indices")
    if not t.dtype.is_integer:
        raise DTypeError(
            f"{name}() takes integer indices, got a {t.dtype.name} tensor; convert it with "
            "ct.astype(indices, ct.int64)"
        )
    return t


def _take(a: Array, idx: Array, axis: int) -> Array:
    try:
        return np.take(a, idx, axis=axis)
    except IndexError as exc:
        raise TensorIndexError(f"take(): {exc} (shape {a.shape})") from None


def take(
    x: TensorView[DT, Any, D],
    indices: TensorView[Any, Any, D],
    /,
    *,
    axis: int | None = None,
) -> Tensor[DT, AnyRank, D]:
    """The elements of ``x`` at ``indices`` (1-D, integer) along ``axis``.

    ``axis`` may be left out for a 1-D ``x`` only. The result has ``x``'s shape with the
    size along ``axis`` replaced by the number of indices.

    Raises
    ------
    AxisError
        If ``axis`` is out of range, or left out for ``x`` of rank above 1.
    ShapeError
        If ``indices`` is not 1-D.
    DTypeError
        If ``indices`` is not an integer tensor.
    TensorIndexError
        If an index is out of range.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.indexing import take
    >>> take(ct.tensor([[1, 2, 3], [4, 5, 6]]), ct.tensor([2, -3]), axis=1).tolist()
    [[3, 1], [6, 4]]
    """
    x = tensor_arg("take", x)
    idx = _indices("take", indices)
    if idx.ndim != 1:
        raise ShapeError(f"take() takes 1-D indices, got shape {idx.shape}")
    if axis is None:
        if x.ndim != 1:
            raise AxisError(
                f"take() of a tensor of rank {x.ndim} needs an axis (axis=None is for rank 1)"
            )
        ax = 0
    else:
        ax = axis_arg("take", axis, x.ndim)
    device_of("take", [x, idx])
    return run("take", _take, x, idx, ax)  # type: ignore[no-any-return]


def _take_along_axis(a: Array, idx: Array, axis: int) -> Array:
    try:
        return np.take_along_axis(a, idx, axis=axis)
    except IndexError as exc:
        raise TensorIndexError(f"take_along_axis(): {exc} (shape {a.shape})") from None


def take_along_axis(
    x: TensorView[DT, Any, D],
    indices: TensorView[Any, Any, D],
    /,
    *,
    axis: int = -1,
) -> Tensor[DT, AnyRank, D]:
    """The elements of ``x`` at ``indices`` along ``axis``, lane by lane.

    ``indices`` has ``x``'s rank; its other dimensions broadcast against ``x``'s. It
    pairs with ``argsort``: ``take_along_axis(x, argsort(x, axis=a), axis=a)`` sorts.

    Raises
    ------
    AxisError
        If ``axis`` is out of range.
    ShapeError
        If ``indices`` has another rank or does not broadcast against ``x``.
    DTypeError
        If ``indices`` is not an integer tensor.
    TensorIndexError
        If an index is out of range.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.indexing import take_along_axis
    >>> x = ct.tensor([[10, 30, 20], [60, 40, 50]])
    >>> take_along_axis(x, ct.tensor([[0], [2]]), axis=1).tolist()
    [[10], [50]]
    """
    x = tensor_arg("take_along_axis", x)
    idx = _indices("take_along_axis", indices)
    ax = axis_arg("take_along_axis", axis, x.ndim)
    if idx.ndim != x.ndim:
        raise ShapeError(
            f"take_along_axis(): indices has rank {idx.ndim} (shape {idx.shape}), it must "
            f"have x's rank {x.ndim}"
        )
    for d, (n, m) in enumerate(zip(x.shape, idx.shape, strict=True)):
        if d != ax and n != m and 1 not in (n, m):
            raise ShapeError(
                f"take_along_axis(): indices of shape {idx.shape} do not broadcast against x "
                f"of shape {x.shape} outside axis {ax}"
            )
    device_of("take_along_axis", [x, idx])
    return run("take_along_axis", _take_along_axis, x, idx, ax)  # type: ignore[no-any-return]
