"""Products, traces and norms of the ``linalg`` extension: ``trace``, ``diagonal``,
``matrix_power``, ``outer``, ``cross``, ``matrix_norm`` and ``vector_norm``."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from corten.core.errors import ArgumentError, DTypeError, ShapeError
from corten.core.layout import broadcast_shapes
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import (
    accumulator,
    as_promoted,
    axes_arg,
    axis_arg,
    bool_arg,
    int_arg,
    tensor_arg,
    view_result,
)
from corten.ops._dispatch import device_of, run
from corten.ops._linalg_common import (
    _check_matrices,
    _floating,
    _matrices,
    _run,
)
from corten.tensor import Tensor, TensorView

__all__ = ["cross", "diagonal", "matrix_norm", "matrix_power", "outer", "trace", "vector_norm"]

Array = np.ndarray[Any, Any]


def trace(
    x: TensorView[DT, Any, D], /, *, offset: int = 0, dtype: Any = None
) -> Tensor[Any, AnyRank, D]:
    """The sum of each matrix's diagonal ``offset`` (above the main one when positive).

    The dtype rules are those of ``sum``: integers accumulate in int64 (uint64 when
    unsigned) unless ``dtype`` says otherwise.

    Raises
    ------
    ShapeError
        If ``x`` has rank below 2.
    DTypeError
        If ``dtype`` is of a narrower kind than ``x``.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.trace(ct.tensor([[1, 2], [3, 4]])).item(), linalg.trace(ct.eye(3), offset=1).item()
    (5, 0.0)
    """
    x = tensor_arg("trace", x)
    _check_matrices("trace", x, square=False)
    k = int_arg("trace", offset, "offset")
    acc = accumulator("trace", x, dtype)
    return run("trace", np.trace, x, k, axis1=-2, axis2=-1, dtype=acc)  # type: ignore[no-any-return]


def diagonal(x: TensorView[DT, Any, D], /, *, offset: int = 0) -> TensorView[DT, AnyRank, D]:
    """The diagonal ``offset`` of each matrix (above the main one when positive), as a
    zero-copy owner sharing ``x``'s buffer copy-on-write.

    Raises
    ------
    ShapeError
        If ``x`` has rank below 2.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.diagonal(ct.tensor([[1, 2], [3, 4]]), offset=-1).tolist()
    [3]
    """
    x = tensor_arg("diagonal", x)
    _check_matrices("diagonal", x, square=False)
    k = int_arg("diagonal", offset, "offset")
    return view_result(x.diagonal(k, -2, -1))


# ----------------------------------------------------------------------------- products


def matrix_power(x: TensorView[DT, Any, D], n: int, /) -> Tensor[DT, AnyRank, D]:
    """Each square matrix raised to the integer power ``n`` (the identity for 0, powers
    of the inverse for negative ``n``, which need floating, invertible matrices).

    Raises
    ------
    ArgumentError
        If ``n`` is negative and a matrix is singular.
    ShapeError
        If the matrices are not square.
    DTypeError
        If ``n`` is not an int, or negative with an integer tensor.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.matrix_power(ct.tensor([[1, 1], [1, 0]]), 5).tolist()
    [[8, 5], [5, 3]]
    """
    x = tensor_arg("matrix_power", x)
    _check_matrices("matrix_power", x, square=True)
    power = int_arg("matrix_power", n, "n")
    if power < 0:
        _floating("matrix_power", x)
    elif x.dtype.is_bool:
        raise DTypeError("matrix_power() takes a numeric tensor, got bool")
    return _run("matrix_power", np.linalg.matrix_power, x, power)  # type: ignore[no-any-return]


def outer(x1: TensorView[DT, Any, D], x2: TensorView[DT, Any, D], /) -> Tensor[DT, AnyRank, D]:
    """The outer product of two vectors: ``result[i, j] = x1[i] * x2[j]``.

    Raises
    ------
    ShapeError
        If an operand is not 1-D.
    DTypeError
        If the dtypes mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.outer(ct.tensor([1, 2]), ct.tensor([1, 10, 100])).tolist()
    [[1, 10, 100], [2, 20, 200]]
    """
    a = tensor_arg("outer", x1, "x1")
    b = tensor_arg("outer", x2, "x2")
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"outer() takes two 1-D tensors, got shapes {a.shape} and {b.shape}")
    device_of("outer", [a, b])
    _, (a, b) = as_promoted("outer", [a, b])
    return run("outer", np.outer, a, b)  # type: ignore[no-any-return]


def cross(
    x1: TensorView[DT, Any, D], x2: TensorView[DT, Any, D], /, *, axis: int = -1
) -> Tensor[DT, AnyRank, D]:
    """The cross products of the 3-vectors of ``x1`` and ``x2`` along ``axis``.

    The two broadcast against each other but along ``axis`` (counted in the broadcast
    shape), where both must have size 3.

    Raises
    ------
    ShapeError
        If a size along ``axis`` is not 3, or the other dimensions do not broadcast.
    AxisError
        If ``axis`` is out of range.
    DTypeError
        If the dtypes mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.cross(ct.tensor([1, 0, 0]), ct.tensor([0, 1, 0])).tolist()
    [0, 0, 1]
    """
    a = tensor_arg("cross", x1, "x1")
    b = tensor_arg("cross", x2, "x2")
    device_of("cross", [a, b])
    nd = max(a.ndim, b.ndim)
    ax = axis_arg("cross", axis, nd) - nd
    for what, t in (("x1", a), ("x2", b)):
        if -t.ndim > ax or t.shape[ax] != 3:
            raise ShapeError(f"cross(): {what} of shape {t.shape} must have size 3 along axis {ax}")

    def others(s: tuple[int, ...]) -> tuple[int, ...]:
        return (*s[:ax], 1, *s[len(s) + ax + 1 :])

    broadcast_shapes(others(a.shape), others(b.shape))
    _, (a, b) = as_promoted("cross", [a, b])
    return run("cross", np.cross, a, b, axis=ax)  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------- norms

_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def matrix_norm(
    x: TensorView[Any, Any, D],
    /,
    *,
    keepdims: bool = False,
    ord: int | float | Literal["fro", "nuc"] | None = "fro",
) -> Tensor[Any, AnyRank, D]:
    """A norm of each matrix: ``"fro"`` (Frobenius, the default), ``"nuc"`` (the sum of
    the singular values), ``1``/``-1`` (largest/smallest column sum of absolute values),
    ``2``/``-2`` (largest/smallest singular value), ``inf``/``-inf`` (row sums).

    Raises
    ------
    ArgumentError
        If ``ord`` is none of those.
    ShapeError
        If ``x`` has rank below 2.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.matrix_norm(ct.tensor([[3.0, 0.0], [0.0, 4.0]])).item()
    5.0
    >>> linalg.matrix_norm(ct.tensor([[3.0, 0.0], [0.0, 4.0]]), ord=2).item()
    4.0
    """
    x = _matrices("matrix_norm", x)
    kd = bool_arg("matrix_norm", keepdims, "keepdims")
    if ord is None:
        ord = "fro"
    if isinstance(ord, bool) or ord not in _MATRIX_ORDS:
        raise ArgumentError(
            f"matrix_norm() takes ord in 'fro', 'nuc', 1, -1, 2, -2, inf, -inf; got {ord!r}"
        )
    return _run("matrix_norm", np.linalg.matrix_norm, x, keepdims=kd, ord=ord)  # type: ignore[no-any-return]


def vector_norm(
    x: TensorView[Any, Any, D],
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
    ord: int | float = 2,
) -> Tensor[Any, AnyRank, D]:
    """The ``ord``-norm of the vectors along ``axis`` (all elements as one vector by
    default): ``sum(abs(x) ** ord) ** (1 / ord)``; ``inf`` is the largest absolute value,
    ``-inf`` the smallest, ``0`` the number of non-zero elements.

    Raises
    ------
    AxisError
        If an axis is out of range or repeated.
    ArgumentError
        If ``ord`` is not a number.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.vector_norm(ct.tensor([[3.0, 4.0], [6.0, 8.0]]), axis=1).tolist()
    [5.0, 10.0]
    """
    x = _floating("vector_norm", x)
    axes = axes_arg("vector_norm", axis, x.ndim)
    kd = bool_arg("vector_norm", keepdims, "keepdims")
    if isinstance(ord, (bool, np.bool_)) or not isinstance(
        ord, (int, float, np.integer, np.floating)
    ):
        raise ArgumentError(f"vector_norm() takes a number as ord, got {ord!r}")
    return _run("vector_norm", np.linalg.vector_norm, x, axis=axes, keepdims=kd, ord=ord)  # type: ignore[no-any-return]
