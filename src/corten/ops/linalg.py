"""Linear algebra functions of the array API's main namespace: ``matmul`` (also ``t @ u``),
``matrix_transpose``, ``tensordot`` and ``vecdot``.

Operands of one kind of dtype are promoted (int8 with int16 gives int16); mixing kinds
is a :class:`~corten.core.errors.DTypeError` naming the ``astype`` to write. No operand
is conjugated but ``vecdot``'s first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from corten.core.errors import AxisError, ShapeError
from corten.core.layout import broadcast_shapes
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import as_promoted, axis_arg, int_arg, tensor_arg, view_result
from corten.ops._dispatch import device_of, run
from corten.tensor import Tensor, TensorView

__all__ = ["matmul", "matrix_transpose", "tensordot", "vecdot"]

Array = np.ndarray[Any, Any]


def _matmul_shape(s1: tuple[int, ...], s2: tuple[int, ...]) -> None:
    """Check the shapes of ``matmul``'s operands (the standard's rules)."""
    if not s1 or not s2:
        raise ShapeError(
            f"matmul() takes tensors of rank 1 or more, got shapes {s1} and {s2}; multiply "
            "by a rank-0 tensor with * instead"
        )
    k1 = s1[-1]
    k2 = s2[0] if len(s2) == 1 else s2[-2]
    if k1 != k2:
        raise ShapeError(
            f"matmul() of shapes {s1} and {s2}: the contracted sizes {k1} and {k2} differ"
        )
    if len(s1) > 2 or len(s2) > 2:
        try:
            broadcast_shapes(s1[:-2], s2[:-2])
        except ShapeError:
            raise ShapeError(
                f"matmul() of shapes {s1} and {s2}: the batch dimensions {s1[:-2]} and "
                f"{s2[:-2]} do not broadcast together"
            ) from None


def matmul(x1: TensorView[DT, Any, D], x2: TensorView[DT, Any, D], /) -> Tensor[DT, AnyRank, D]:
    """The matrix product of ``x1`` and ``x2`` (``x1 @ x2``).

    A 1-D operand is a vector (a row on the left, a column on the right, its dimension
    removed from the result); dimensions before the last two are a batch and broadcast.

    Raises
    ------
    ShapeError
        If an operand has rank 0, the contracted sizes differ, or the batch dimensions
        do not broadcast.
    DTypeError
        If the dtypes mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.linalg import matmul
    >>> a = ct.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> matmul(a, ct.tensor([1.0, 1.0])).tolist()
    [3.0, 7.0]
    >>> (a @ a).tolist()
    [[7.0, 10.0], [15.0, 22.0]]
    """
    x1 = tensor_arg("matmul", x1, "x1")
    x2 = tensor_arg("matmul", x2, "x2")
    device_of("matmul", [x1, x2])
    _matmul_shape(x1.shape, x2.shape)
    _, (a, b) = as_promoted("matmul", [x1, x2])
    return run("matmul", np.matmul, a, b)  # type: ignore[no-any-return]


def matrix_transpose(x: TensorView[DT, Any, D], /) -> TensorView[DT, AnyRank, D]:
    """``x`` with its last two dimensions swapped (each matrix of a batch transposed).

    Zero-copy: the result shares ``x``'s buffer copy-on-write (an owner that may be
    written without either side seeing the other's writes).

    Raises
    ------
    ShapeError
        If ``x`` has rank below 2.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.linalg import matrix_transpose
    >>> matrix_transpose(ct.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    x = tensor_arg("matrix_transpose", x)
    if x.ndim < 2:
        raise ShapeError(f"matrix_transpose() needs a rank of at least 2, got shape {x.shape}")
    return view_result(x.mT)


def _tensordot_axes(
    x1: TensorView[Any, Any, Any], x2: TensorView[Any, Any, Any], axes: object
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The contracted axes of each operand, normalized and checked."""
    if isinstance(axes, (tuple, list)):
        if len(axes) != 2 or not all(isinstance(a, Sequence) for a in axes):
            raise AxisError(
                f"tensordot() takes axes as an int or a pair of sequences of axes, got {axes!r}"
            )
        a1 = tuple(axis_arg("tensordot", a, x1.ndim, "axes") for a in axes[0])
        a2 = tuple(axis_arg("tensordot", a, x2.ndim, "axes") for a in axes[1])
        if len(a1) != len(a2):
            raise AxisError(
                f"tensordot() needs as many axes of x1 as of x2, got {axes[0]!r} and {axes[1]!r}"
            )
        if len(set(a1)) != len(a1) or len(set(a2)) != len(a2):
            raise AxisError(f"tensordot() got a repeated axis in {axes!r}")
    else:
        n = int_arg("tensordot", axes, "axes")
        if n < 0 or n > x1.ndim or n > x2.ndim:
            raise AxisError(
                f"tensordot() cannot contract {n} axes of tensors of ranks {x1.ndim} and "
                f"{x2.ndim}; use 0 <= axes <= {min(x1.ndim, x2.ndim)}"
            )
        a1 = tuple(range(x1.ndim - n, x1.ndim))
        a2 = tuple(range(n))
    for i, j in zip(a1, a2, strict=True):
        if x1.shape[i] != x2.shape[j]:
            raise ShapeError(
                f"tensordot(): axis {i} of x1 has size {x1.shape[i]} and axis {j} of x2 has "
                f"size {x2.shape[j]}; contracted axes must have equal sizes"
            )
    return a1, a2


def tensordot(
    x1: TensorView[DT, Any, D],
    x2: TensorView[DT, Any, D],
    /,
    *,
    axes: int | tuple[Sequence[int], Sequence[int]] = 2,
) -> Tensor[DT, AnyRank, D]:
    """The sum of products of ``x1`` and ``x2`` over the contracted ``axes``.

    ``axes=n`` contracts the last ``n`` axes of ``x1`` with the first ``n`` of ``x2``; a
    pair of sequences names the axes of each (negative ones count from the end). The
    result has ``x1``'s other axes, then ``x2``'s.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated, or ``axes`` is malformed.
    ShapeError
        If contracted axes differ in size.
    DTypeError
        If the dtypes mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.linalg import tensordot
    >>> tensordot(ct.ones((2, 3, 4)), ct.ones((4, 3)), axes=([1, 2], [1, 0])).tolist()
    [12.0, 12.0]
    """
    x1 = tensor_arg("tensordot", x1, "x1")
    x2 = tensor_arg("tensordot", x2, "x2")
    device_of("tensordot", [x1, x2])
    a1, a2 = _tensordot_axes(x1, x2, axes)
    _, (a, b) = as_promoted("tensordot", [x1, x2])
    return run("tensordot", np.tensordot, a, b, axes=(a1, a2))  # type: ignore[no-any-return]


def _vecdot(a: Array, b: Array, shape: tuple[int, ...], axis: int) -> Array:
    return np.vecdot(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=axis)  # type: ignore[call-overload,no-any-return]


def vecdot(
    x1: TensorView[DT, Any, D], x2: TensorView[DT, Any, D], /, *, axis: int = -1
) -> Tensor[DT, AnyRank, D]:
    """The dot products of the vectors of ``x1`` and ``x2`` along ``axis``: the sum of
    ``conj(x1) * x2`` (the conjugate matters for complex tensors only).

    The two broadcast against each other except along ``axis`` (counted in the
    broadcast shape), where their sizes must be equal.

    Raises
    ------
    AxisError
        If ``axis`` is out of range of the broadcast shape.
    ShapeError
        If the shapes do not broadcast, or the sizes along ``axis`` differ.
    DTypeError
        If the dtypes mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> from corten.ops.linalg import vecdot
    >>> vecdot(ct.tensor([[1.0, 2.0], [3.0, 4.0]]), ct.tensor([1.0, 10.0])).tolist()
    [21.0, 43.0]
    """
    x1 = tensor_arg("vecdot", x1, "x1")
    x2 = tensor_arg("vecdot", x2, "x2")
    device_of("vecdot", [x1, x2])
    nd = max(x1.ndim, x2.ndim)
    ax = axis_arg("vecdot", axis, nd) - nd  # counted from the end: -nd..-1
    sizes = [t.shape[ax] if -t.ndim <= ax else None for t in (x1, x2)]
    if sizes[0] != sizes[1]:
        raise ShapeError(
            f"vecdot() of shapes {x1.shape} and {x2.shape}: the sizes along axis {ax} "
            f"({sizes[0]} and {sizes[1]}) must be equal"
        )

    def others(s: tuple[int, ...]) -> tuple[int, ...]:
        return (*s[:ax], 1, *s[len(s) + ax + 1 :])

    shape = list(broadcast_shapes(others(x1.shape), others(x2.shape)))
    shape[ax] = x1.shape[ax]
    _, (a, b) = as_promoted("vecdot", [x1, x2])
    return run("vecdot", _vecdot, a, b, tuple(shape), ax)  # type: ignore[no-any-return]
