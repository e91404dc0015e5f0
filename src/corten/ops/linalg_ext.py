"""The array API's ``linalg`` extension: ``corten.linalg``.

Import it as a namespace (``import corten.ops.linalg_ext as linalg``). Matrices are the
last two dimensions of a tensor; the dimensions before them are a batch. The
decompositions, solvers, inverses and norms take floating tensors (float32, float64 and
complex ones; NumPy's LAPACK has no float16) and keep their precision; integer tensors
raise :class:`~corten.core.errors.DTypeError` naming the ``astype`` to write, as corten
never changes a kind of dtype silently. A matrix the computation cannot take (a singular
one for ``inv``/``solve``, one that is not positive definite for ``cholesky``) raises
:class:`~corten.core.errors.ArgumentError`.

``matmul``, ``matrix_transpose``, ``tensordot`` and ``vecdot`` are the main namespace's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Generic, Literal, NamedTuple

import numpy as np

from corten.core.devices import meta
from corten.core.dtypes import Int64
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
from corten.ops.linalg import matmul, matrix_transpose, tensordot, vecdot
from corten.tensor import Tensor, TensorView

__all__ = [
    "EighResult",
    "QRResult",
    "SVDResult",
    "SlogdetResult",
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "matrix_transpose",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "tensordot",
    "trace",
    "vecdot",
    "vector_norm",
]

Array = np.ndarray[Any, Any]


class EighResult(NamedTuple, Generic[DT, D]):
    """What :func:`eigh` returns."""

    eigenvalues: Tensor[Any, AnyRank, D]
    eigenvectors: Tensor[DT, AnyRank, D]


class QRResult(NamedTuple, Generic[DT, D]):
    """What :func:`qr` returns."""

    Q: Tensor[DT, AnyRank, D]
    R: Tensor[DT, AnyRank, D]


class SlogdetResult(NamedTuple, Generic[DT, D]):
    """What :func:`slogdet` returns."""

    sign: Tensor[DT, AnyRank, D]
    logabsdet: Tensor[Any, AnyRank, D]


class SVDResult(NamedTuple, Generic[DT, D]):
    """What :func:`svd` returns."""

    U: Tensor[DT, AnyRank, D]
    S: Tensor[Any, AnyRank, D]
    Vh: Tensor[DT, AnyRank, D]


# ----------------------------------------------------------------------------- checks


def _floating(name: str, x: object, what: str = "x") -> TensorView[Any, Any, Any]:
    """A floating tensor that LAPACK takes (float32, float64, complex)."""
    t = tensor_arg(name, x, what)
    if t.dtype.kind not in "fc" or t.dtype.itemsize < 4:
        raise DTypeError(
            f"{name}() needs a float32 or float64 tensor, {what} is {t.dtype.name}; "
            f"convert it with ct.astype({what}, ct.float64) (or ct.float32)"
        )
    return t


def _matrices(name: str, x: object, *, square: bool = False) -> TensorView[Any, Any, Any]:
    """A floating tensor of rank 2 or more (square matrices when ``square``)."""
    t = _floating(name, x)
    _check_matrices(name, t, square=square)
    return t


def _check_matrices(name: str, t: TensorView[Any, Any, Any], *, square: bool) -> None:
    if t.ndim < 2:
        raise ShapeError(
            f"{name}() takes matrices (a tensor of rank 2 or more), got shape {t.shape}"
        )
    if square and t.shape[-1] != t.shape[-2]:
        raise ShapeError(f"{name}() takes square matrices, got shape {t.shape}")


def _identity(a: Any) -> Any:
    """A meta stand-in's square matrices as identities (zeros are singular)."""
    if isinstance(a, np.ndarray) and a.ndim >= 2 and a.shape[-1] == a.shape[-2]:
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return a


def _run(
    name: str, fn: Callable[..., Any], x: TensorView[Any, Any, Any], *args: Any, **kwargs: Any
) -> Any:
    """``run`` for LAPACK functions: a matrix they cannot take raises ArgumentError, and on
    ``meta`` the stand-ins of square matrices are identities (which every function takes)."""
    on_meta = x.device == meta

    def call(*a: Any, **k: Any) -> Any:
        if on_meta:
            a = tuple(_identity(v) for v in a)
        try:
            return fn(*a, **k)
        except np.linalg.LinAlgError as exc:
            raise ArgumentError(
                f"{name}(): {exc}; the computation does not exist for these elements"
            ) from None

    return run(name, call, x, *args, **kwargs)


# ----------------------------------------------------------------------------- decompositions


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
