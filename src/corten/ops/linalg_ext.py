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

from corten.ops._linalg_common import EighResult, QRResult, SlogdetResult, SVDResult
from corten.ops.linalg import matmul, matrix_transpose, tensordot, vecdot
from corten.ops.linalg_decomp import cholesky, eigh, eigvalsh, qr, svd, svdvals
from corten.ops.linalg_norms import (
    cross,
    diagonal,
    matrix_norm,
    matrix_power,
    outer,
    trace,
    vector_norm,
)
from corten.ops.linalg_solve import det, inv, matrix_rank, pinv, slogdet, solve

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
