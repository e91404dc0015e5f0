"""The array API's elementwise functions of two arguments (``add``, ``maximum``,
``atan2``...) and ``clip``.

Either argument may be a Python scalar (at least one is a tensor): tensors promote by the
standard's table within a kind, scalars take the tensor's dtype (a complex scalar makes a
real floating tensor complex), and shapes broadcast. The functions that are operators
(``add`` is ``+``, ``less`` is ``<``, ``bitwise_left_shift`` is ``<<``...) call the
operator, so both always agree.
"""

from corten.ops.elementwise_arithmetic import (
    add,
    divide,
    floor_divide,
    multiply,
    pow,
    remainder,
    subtract,
)
from corten.ops.elementwise_bitwise import (
    bitwise_and,
    bitwise_left_shift,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
)
from corten.ops.elementwise_bounds import clip, maximum, minimum
from corten.ops.elementwise_comparison import (
    equal,
    greater,
    greater_equal,
    less,
    less_equal,
    not_equal,
)
from corten.ops.elementwise_floating import atan2, copysign, hypot, logaddexp, nextafter
from corten.ops.elementwise_logical import logical_and, logical_or, logical_xor

__all__ = [
    "add",
    "atan2",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "clip",
    "copysign",
    "divide",
    "equal",
    "floor_divide",
    "greater",
    "greater_equal",
    "hypot",
    "less",
    "less_equal",
    "logaddexp",
    "logical_and",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "multiply",
    "nextafter",
    "not_equal",
    "pow",
    "remainder",
    "subtract",
]
