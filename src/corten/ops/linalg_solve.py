"""Inverses and solvers of the ``linalg`` extension: ``inv``, ``pinv``, ``matrix_rank``,
``solve``, ``det`` and ``slogdet``."""

from __future__ import annotations

from typing import Any

import numpy as np

from corten.core.dtypes import Int64
from corten.core.errors import ArgumentError, DTypeError, ShapeError
from corten.core.layout import broadcast_shapes
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import (
    as_promoted,
)
from corten.ops._dispatch import device_of
from corten.ops._linalg_common import (
    SlogdetResult,
    _floating,
    _matrices,
    _run,
)
from corten.tensor import Tensor, TensorView

__all__ = ["det", "inv", "matrix_rank", "pinv", "slogdet", "solve"]

Array = np.ndarray[Any, Any]


def inv(x: TensorView[DT, Any, D], /) -> Tensor[DT, AnyRank, D]:
    """The inverse of each square matrix.

    Raises
    ------
    ArgumentError
        If a matrix is singular.
    ShapeError
        If the matrices are not square.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.inv(ct.tensor([[2.0, 0.0], [0.0, 4.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    x = _matrices("inv", x, square=True)
    return _run("inv", np.linalg.inv, x)  # type: ignore[no-any-return]


def _default_rtol(x: TensorView[Any, Any, Any]) -> float:
    return max(x.shape[-2:]) * float(np.finfo(x.dtype.numpy).eps)


def _rtol_arg(
    name: str, x: TensorView[Any, Any, Any], rtol: object
) -> float | TensorView[Any, Any, Any]:
    if rtol is None:
        return _default_rtol(x)
    if isinstance(rtol, TensorView):
        if rtol.dtype.kind != "f":
            raise DTypeError(f"{name}() takes a floating rtol, got a {rtol.dtype.name} tensor")
        device_of(name, [x, rtol])
        try:
            broadcast_shapes(rtol.shape, x.shape[:-2])
        except ShapeError:
            raise ShapeError(
                f"{name}(): rtol of shape {rtol.shape} does not broadcast against the batch "
                f"shape {x.shape[:-2]}"
            ) from None
        return rtol
    if isinstance(rtol, (bool, np.bool_)) or not isinstance(
        rtol, (int, float, np.integer, np.floating)
    ):
        raise DTypeError(f"{name}() takes a float or a tensor as rtol, got {rtol!r}")
    if rtol < 0:
        raise ArgumentError(f"{name}() needs rtol >= 0, got {rtol}")
    return float(rtol)


def pinv(
    x: TensorView[DT, Any, D], /, *, rtol: float | TensorView[Any, Any, D] | None = None
) -> Tensor[DT, AnyRank, D]:
    """The Moore-Penrose pseudo-inverse of each matrix.

    Singular values at most ``rtol`` times the largest are treated as zero;
    ``rtol=None`` is ``max(M, N)`` times the dtype's epsilon.

    Raises
    ------
    ShapeError
        If ``x`` has rank below 2, or ``rtol`` does not broadcast against the batch.
    DTypeError
        If ``x`` is not float32 or float64.
    ArgumentError
        If ``rtol`` is negative.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.pinv(ct.tensor([[2.0, 0.0], [0.0, 0.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    x = _matrices("pinv", x)
    tol = _rtol_arg("pinv", x, rtol)
    return _run("pinv", _pinv, x, tol)  # type: ignore[no-any-return]


def _pinv(a: Array, rtol: Any) -> Array:
    return np.linalg.pinv(a, rtol=rtol)


def matrix_rank(
    x: TensorView[Any, Any, D], /, *, rtol: float | TensorView[Any, Any, D] | None = None
) -> Tensor[Int64, AnyRank, D]:
    """The rank of each matrix: how many singular values exceed ``rtol`` times the
    largest (``rtol=None`` is ``max(M, N)`` times the dtype's epsilon).

    Raises
    ------
    ShapeError
        If ``x`` has rank below 2, or ``rtol`` does not broadcast against the batch.
    DTypeError
        If ``x`` is not float32 or float64.
    ArgumentError
        If ``rtol`` is negative.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.matrix_rank(ct.tensor([[1.0, 2.0], [2.0, 4.0]])).item()
    1
    """
    x = _matrices("matrix_rank", x)
    tol = _rtol_arg("matrix_rank", x, rtol)
    return _run("matrix_rank", _matrix_rank, x, tol)  # type: ignore[no-any-return]


def _matrix_rank(a: Array, rtol: Any) -> Array:
    if a.shape[-1] == 0 or a.shape[-2] == 0:
        return np.zeros(a.shape[:-2], dtype=np.int64)
    s = np.linalg.svd(a, compute_uv=False)
    tol = s.max(axis=-1) * np.asarray(rtol)
    return np.count_nonzero(s > tol[..., np.newaxis], axis=-1).astype(np.int64)  # type: ignore[no-any-return]


def solve(x1: TensorView[DT, Any, D], x2: TensorView[DT, Any, D], /) -> Tensor[DT, AnyRank, D]:
    """The solution ``X`` of ``x1 @ X = x2`` for each square matrix of ``x1``.

    ``x2`` holds right-hand sides as matrices of shape ``(..., M, K)``, or, if it is 1-D,
    one vector of shape ``(M,)``; batch dimensions broadcast.

    Raises
    ------
    ArgumentError
        If a matrix of ``x1`` is singular.
    ShapeError
        If ``x1``'s matrices are not square or the shapes do not fit.
    DTypeError
        If an operand is not float32 or float64, or the two mix kinds.
    DeviceMismatchError
        If the tensors are on different devices.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.solve(ct.tensor([[2.0, 0.0], [0.0, 4.0]]), ct.tensor([1.0, 1.0])).tolist()
    [0.5, 0.25]
    """
    a = _matrices("solve", x1, square=True)
    b = _floating("solve", x2, "x2")
    device_of("solve", [a, b])
    m = a.shape[-1]
    if b.ndim == 0 or (b.ndim == 1 and b.shape[0] != m) or (b.ndim > 1 and b.shape[-2] != m):
        raise ShapeError(
            f"solve(): x2 of shape {b.shape} does not fit x1 of shape {a.shape}; it must be "
            f"({m},) or (..., {m}, K)"
        )
    if b.ndim > 1:
        try:
            broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ShapeError:
            raise ShapeError(
                f"solve(): the batch shapes {a.shape[:-2]} and {b.shape[:-2]} do not "
                "broadcast together"
            ) from None
    _, (a, b) = as_promoted("solve", [a, b])
    return _run("solve", np.linalg.solve, a, b)  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------- determinants


def det(x: TensorView[DT, Any, D], /) -> Tensor[DT, AnyRank, D]:
    """The determinant of each square matrix.

    Raises
    ------
    ShapeError
        If the matrices are not square.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> round(linalg.det(ct.tensor([[1.0, 2.0], [3.0, 4.0]])).item(), 6)
    -2.0
    """
    x = _matrices("det", x, square=True)
    return _run("det", np.linalg.det, x)  # type: ignore[no-any-return]


def slogdet(x: TensorView[DT, Any, D], /) -> SlogdetResult[DT, D]:
    """The sign and the natural logarithm of the absolute value of each determinant
    (sign 0 and logabsdet ``-inf`` for a singular matrix).

    Raises
    ------
    ShapeError
        If the matrices are not square.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> sign, logabsdet = linalg.slogdet(ct.tensor([[0.0, 2.0], [3.0, 0.0]]))
    >>> sign.item(), round(logabsdet.item(), 6)
    (-1.0, 1.791759)
    """
    x = _matrices("slogdet", x, square=True)
    return SlogdetResult(*_run("slogdet", np.linalg.slogdet, x))
