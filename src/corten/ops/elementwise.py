"""The array API's elementwise functions of one tensor (``sqrt``, ``exp``, ``isnan``...).

Each takes a tensor (Python scalars are for the functions of two arguments) and gives a
new owner of the same shape on the same device, in the dtype the standard says: the
input's, bool for the predicates, the real dtype of the same precision for ``abs``,
``real`` and ``imag`` of complex tensors. Functions that the standard defines for
floating dtypes refuse integers (``DTypeError`` naming the ``astype`` to write) rather
than computing in float64, as NumPy would. ``abs``, ``negative``, ``positive`` and
``bitwise_invert`` are the operators ``abs(x)``, ``-x``, ``+x`` and ``~x``.
"""

from corten.ops.elementwise_bitwise import bitwise_invert
from corten.ops.elementwise_classify import isfinite, isinf, isnan
from corten.ops.elementwise_complex import conj, imag, real
from corten.ops.elementwise_exp_log import (
    exp,
    expm1,
    log,
    log1p,
    log2,
    log10,
    reciprocal,
    sqrt,
    square,
)
from corten.ops.elementwise_logical import logical_not
from corten.ops.elementwise_rounding import (
    abs,
    ceil,
    floor,
    negative,
    positive,
    round,
    sign,
    signbit,
    trunc,
)
from corten.ops.elementwise_trig import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cosh,
    sin,
    sinh,
    tan,
    tanh,
)

__all__ = [
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "bitwise_invert",
    "ceil",
    "conj",
    "cos",
    "cosh",
    "exp",
    "expm1",
    "floor",
    "imag",
    "isfinite",
    "isinf",
    "isnan",
    "log",
    "log10",
    "log1p",
    "log2",
    "logical_not",
    "negative",
    "positive",
    "real",
    "reciprocal",
    "round",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "tan",
    "tanh",
    "trunc",
]
