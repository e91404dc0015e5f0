"""Operations on tensors: the functions of the array API standard's namespace.

Each function checks its arguments, then runs where its operands live through
:func:`corten.ops._dispatch.run`: NumPy inline on the CPU, the backend's ``compute`` verb
on other devices. ``linalg_ext`` and ``fft_ext`` are the standard's two extensions, which
the top-level namespace offers as ``corten.linalg`` and ``corten.fft``.
"""

from corten.ops import linalg
from corten.ops.indexing import (
    take,
    take_along_axis,
)
from corten.ops.linalg import (
    matmul,
    matrix_transpose,
    tensordot,
    vecdot,
)
from corten.ops.manipulation import (
    broadcast_arrays,
    broadcast_to,
    concat,
    expand_dims,
    flip,
    moveaxis,
    permute_dims,
    repeat,
    reshape,
    roll,
    squeeze,
    stack,
    tile,
    unstack,
)
from corten.ops.searching import (
    argmax,
    argmin,
    count_nonzero,
    nonzero,
    searchsorted,
    where,
)
from corten.ops.sets import (
    UniqueAllResult,
    UniqueCountsResult,
    UniqueInverseResult,
    unique_all,
    unique_counts,
    unique_inverse,
    unique_values,
)
from corten.ops.sorting import (
    argsort,
    sort,
)
from corten.ops.statistical import (
    cumulative_prod,
    cumulative_sum,
    max,
    mean,
    min,
    prod,
    std,
    sum,
    var,
)
from corten.ops.utility import (
    all,
    any,
    diff,
)
from corten.tensor._hooks import EXT

__all__ = [
    "UniqueAllResult",
    "UniqueCountsResult",
    "UniqueInverseResult",
    "all",
    "any",
    "argmax",
    "argmin",
    "argsort",
    "broadcast_arrays",
    "broadcast_to",
    "concat",
    "count_nonzero",
    "cumulative_prod",
    "cumulative_sum",
    "diff",
    "expand_dims",
    "flip",
    "matmul",
    "matrix_transpose",
    "max",
    "mean",
    "min",
    "moveaxis",
    "nonzero",
    "permute_dims",
    "prod",
    "repeat",
    "reshape",
    "roll",
    "searchsorted",
    "sort",
    "squeeze",
    "stack",
    "std",
    "sum",
    "take",
    "take_along_axis",
    "tensordot",
    "tile",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "unstack",
    "var",
    "vecdot",
    "where",
]


def _register() -> None:
    """Give the tensor types ``@`` (see ``corten.tensor._hooks``)."""
    EXT.matmul = linalg.matmul


_register()
