"""Sorting functions of the array API: ``sort`` and ``argsort``.

Both sort along one axis, ascending or descending, NaN as the largest value (last when
ascending, first when descending). ``stable=True`` (the default) keeps equal elements in
their order, also when descending. ``sort`` of values runs NumPy's fastest sort: equal
values are indistinguishable but for the sign of zero, and the rare input whose sorted
zeros mix signs is sorted again stably.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from corten.core.dtypes import Int64
from corten.core.typeparams import DT, D, R
from corten.ops._args import axis_arg, bool_arg, tensor_arg
from corten.ops._dispatch import run
from corten.tensor import Tensor, TensorView

__all__ = ["argsort", "sort"]

Array = np.ndarray[Any, Any]


def _zeros_mix_signs(s: Array, axis: int) -> bool:
    """Whether sorted ``s`` holds both -0.0 and +0.0 (whose order a fast sort may lose)."""
    if s.ndim == 1:
        zero = s.dtype.type(0)  # of the array's dtype: a Python float would convert s
        lo, hi = np.searchsorted(s, zero, "left"), np.searchsorted(s, zero, "right")
        if hi - lo < 2:
            return False
        signs = np.signbit(s[lo:hi])
    else:
        zeros = s[s == 0]
        if zeros.size < 2:
            return False
        signs = np.signbit(zeros)
    return bool(signs.any()) and not bool(signs.all())


def _sort(a: Array, axis: int, descending: bool) -> Array:
    src = np.flip(a, axis) if descending else a
    s = np.sort(src, axis=axis)
    if a.dtype.kind == "f" and _zeros_mix_signs(s, axis):
        s = np.sort(src, axis=axis, kind="stable")
    return np.flip(s, axis) if descending else s


def _argsort(a: Array, axis: int, descending: bool, stable: bool) -> Array:
    kind: Literal["stable"] | None = "stable" if stable else None
    if not descending:
        return np.argsort(a, axis=axis, kind=kind).astype(np.int64, copy=False)
    if not stable:
        return np.flip(np.argsort(a, axis=axis), axis).astype(np.int64, copy=False)
    # Stable and descending: sort the reversed tensor stably, reverse the order, and
    # map the reversed positions back.
    idx = np.argsort(np.flip(a, axis), axis=axis, kind="stable")
    out: Array = (a.shape[axis] - 1 - np.flip(idx, axis)).astype(np.int64, copy=False)
    return out


def sort(
    x: TensorView[DT, R, D],
    /,
    *,
    axis: int = -1,
    descending: bool = False,
    stable: bool = True,
) -> Tensor[DT, R, D]:
    """The elements of ``x`` sorted along ``axis`` (the last by default).

    Parameters
    ----------
    x : TensorView
        The tensor to sort (rank 1 or more).
    axis : int
        The axis to sort along.
    descending : bool
        Largest first.
    stable : bool
        Keep equal elements in their order (only the sign of zeros can tell).

    Raises
    ------
    AxisError
        If ``axis`` is out of range (a rank-0 tensor has none).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.sorting import sort
    >>> sort(ct.tensor([[3, 1, 2], [0, 9, 5]]), descending=True).tolist()
    [[3, 2, 1], [9, 5, 0]]
    """
    x = tensor_arg("sort", x)
    ax = axis_arg("sort", axis, x.ndim)
    desc = bool_arg("sort", descending, "descending")
    bool_arg("sort", stable, "stable")
    return run("sort", _sort, x, ax, desc)  # type: ignore[no-any-return]


def argsort(
    x: TensorView[Any, R, D],
    /,
    *,
    axis: int = -1,
    descending: bool = False,
    stable: bool = True,
) -> Tensor[Int64, R, D]:
    """The indices that sort ``x`` along ``axis`` (the last by default), as int64.

    With ``stable`` (the default) equal elements keep their order, ascending or
    descending; without it their order is unspecified (and the sort faster).

    Raises
    ------
    AxisError
        If ``axis`` is out of range (a rank-0 tensor has none).

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.sorting import argsort
    >>> argsort(ct.tensor([2, 1, 2, 0]), descending=True).tolist()
    [0, 2, 1, 3]
    """
    x = tensor_arg("argsort", x)
    ax = axis_arg("argsort", axis, x.ndim)
    desc = bool_arg("argsort", descending, "descending")
    st = bool_arg("argsort", stable, "stable")
    return run("argsort", _argsort, x, ax, desc, st)  # type: ignore[no-any-return]
