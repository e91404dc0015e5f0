"""Decompositions of the ``linalg`` extension: ``cholesky``, ``eigh``, ``eigvalsh``,
``qr``, ``svd`` and ``svdvals``."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from corten.core.errors import ArgumentError
from corten.core.typeparams import DT, AnyRank, D
from corten.ops._args import (
    bool_arg,
)
from corten.ops._linalg_common import (
    EighResult,
    QRResult,
    SVDResult,
    _matrices,
    _run,
)
from corten.tensor import Tensor, TensorView

__all__ = ["cholesky", "eigh", "eigvalsh", "qr", "svd", "svdvals"]

Array = np.ndarray[Any, Any]


def cholesky(x: TensorView[DT, Any, D], /, *, upper: bool = False) -> Tensor[DT, AnyRank, D]:
    """The Cholesky factor of each symmetric (Hermitian) positive-definite matrix:
    lower triangular ``L`` with ``x = L @ L.mT`` (upper ``U = L.mT`` with ``upper``).

    Only the lower triangle of ``x`` is read.

    Raises
    ------
    ArgumentError
        If a matrix is not positive definite.
    ShapeError
        If the matrices are not square.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.cholesky(ct.tensor([[4.0, 2.0], [2.0, 5.0]])).tolist()
    [[2.0, 0.0], [1.0, 2.0]]
    """
    x = _matrices("cholesky", x, square=True)
    up = bool_arg("cholesky", upper, "upper")
    return _run("cholesky", np.linalg.cholesky, x, upper=up)  # type: ignore[no-any-return]


def eigh(x: TensorView[DT, Any, D], /) -> EighResult[DT, D]:
    """The eigenvalues (ascending) and eigenvectors (the columns) of each symmetric
    (Hermitian) matrix. Only the lower triangle is read.

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
    >>> linalg.eigh(ct.tensor([[2.0, 0.0], [0.0, 1.0]])).eigenvalues.tolist()
    [1.0, 2.0]
    """
    x = _matrices("eigh", x, square=True)
    return EighResult(*_run("eigh", np.linalg.eigh, x))


def eigvalsh(x: TensorView[DT, Any, D], /) -> Tensor[Any, AnyRank, D]:
    """The eigenvalues (ascending) of each symmetric (Hermitian) matrix.

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
    >>> linalg.eigvalsh(ct.tensor([[2.0, 1.0], [1.0, 2.0]])).tolist()
    [1.0, 3.0]
    """
    x = _matrices("eigvalsh", x, square=True)
    return _run("eigvalsh", np.linalg.eigvalsh, x)  # type: ignore[no-any-return]


def qr(
    x: TensorView[DT, Any, D], /, *, mode: Literal["reduced", "complete"] = "reduced"
) -> QRResult[DT, D]:
    """The QR decomposition of each matrix: ``Q`` with orthonormal columns and upper
    triangular ``R`` with ``x = Q @ R``. ``mode="reduced"`` gives ``Q`` of shape
    ``(..., M, K)`` and ``R`` of ``(..., K, N)`` with ``K = min(M, N)``; ``"complete"``
    gives a square ``Q``.

    Raises
    ------
    ArgumentError
        If ``mode`` is neither ``"reduced"`` nor ``"complete"``.
    ShapeError
        If ``x`` has rank below 2.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> q, r = linalg.qr(ct.ones((3, 2), dtype=ct.float64))
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    """
    x = _matrices("qr", x)
    if mode not in ("reduced", "complete"):
        raise ArgumentError(f"qr() takes mode='reduced' or mode='complete', got {mode!r}")
    return QRResult(*_run("qr", np.linalg.qr, x, mode=mode))


def svd(x: TensorView[DT, Any, D], /, *, full_matrices: bool = True) -> SVDResult[DT, D]:
    """The singular value decomposition of each matrix: ``x = U @ diag(S) @ Vh`` with
    ``S`` descending and real. ``full_matrices=False`` gives the reduced ``U`` and ``Vh``
    (``K = min(M, N)`` columns and rows).

    Raises
    ------
    ShapeError
        If ``x`` has rank below 2.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> u, s, vh = linalg.svd(ct.tensor([[3.0, 0.0], [0.0, 4.0], [0.0, 0.0]]), full_matrices=False)
    >>> u.shape, s.tolist(), vh.shape
    ((3, 2), [4.0, 3.0], (2, 2))
    """
    x = _matrices("svd", x)
    full = bool_arg("svd", full_matrices, "full_matrices")
    return SVDResult(*_run("svd", np.linalg.svd, x, full_matrices=full))


def svdvals(x: TensorView[DT, Any, D], /) -> Tensor[Any, AnyRank, D]:
    """The singular values of each matrix, descending.

    Raises
    ------
    ShapeError
        If ``x`` has rank below 2.
    DTypeError
        If ``x`` is not float32 or float64.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.linalg_ext as linalg
    >>> linalg.svdvals(ct.tensor([[0.0, 2.0], [1.0, 0.0]])).tolist()
    [2.0, 1.0]
    """
    x = _matrices("svdvals", x)
    return _run("svdvals", np.linalg.svdvals, x)  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------- inverses
