"""corten: typed, device-aware N-dimensional tensors.

One tensor type that knows its element type, rank and device; O(1) copy-on-write
clones; zero-copy frozen and mutable views. See ``docs/design.md``.

Examples
--------
>>> import corten as ct
>>> t = ct.zeros((2, 3), dtype=ct.uint8)
>>> c = t.clone()
>>> t += 1
>>> c.sum().item(), t.sum().item()
(0, 6)
"""

from __future__ import annotations

import math
import sys
from types import ModuleType

from corten.backends import empty_cache, memory_stats
from corten.core.devices import Cpu, Cuda, Device, Meta, Sim, as_device, cpu, cuda, meta, sim
from corten.core.dtypes import (
    Bool,
    Complex64,
    Complex128,
    DType,
    Float16,
    Float32,
    Float64,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    all_dtypes,
    as_dtype,
    bool_,
    complex64,
    complex128,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)
from corten.core.errors import (
    AxisError,
    CopyError,
    CortenError,
    DeviceMismatchError,
    DeviceUnavailableError,
    DTypeError,
    OutOfMemoryError,
    ReadOnlyError,
    SerializationError,
    ShapeError,
    TensorIndexError,
)
from corten.core.typeparams import AnyRank, Rank0, Rank1, Rank2, Rank3, Rank4
from corten.creation import (
    allclose,
    arange,
    array_equal,
    empty,
    empty_like,
    eye,
    from_numpy,
    from_shape_fn,
    from_shape_vec,
    full,
    full_like,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from corten.interop._interop import from_dlpack
from corten.memory.storage import CopyOnWriteWarning, cow_stats, set_cow_warning
from corten.ops.creation import asarray, linspace, meshgrid, tril, triu
from corten.ops.dtypes import (
    astype,
    can_cast,
    finfo,
    finfo_object,
    iinfo,
    iinfo_object,
    isdtype,
    result_type,
)
from corten.ops.elementwise import (
    abs,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    bitwise_invert,
    ceil,
    conj,
    cos,
    cosh,
    exp,
    expm1,
    floor,
    imag,
    isfinite,
    isinf,
    isnan,
    log,
    log1p,
    log2,
    log10,
    logical_not,
    negative,
    positive,
    real,
    reciprocal,
    round,
    sign,
    signbit,
    sin,
    sinh,
    sqrt,
    square,
    tan,
    tanh,
    trunc,
)
from corten.ops.elementwise_binary import (
    add,
    atan2,
    bitwise_and,
    bitwise_left_shift,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    clip,
    copysign,
    divide,
    equal,
    floor_divide,
    greater,
    greater_equal,
    hypot,
    less,
    less_equal,
    logaddexp,
    logical_and,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    multiply,
    nextafter,
    not_equal,
    pow,
    remainder,
    subtract,
)
from corten.ops.info import Info, __array_namespace_info__
from corten.pipelines.iterators import (
    CompilationWarning,
    ElementMut,
    ParIter,
    get_num_threads,
    set_num_threads,
)
from corten.serialization import from_bytes, from_dict, load, save
from corten.tensor import CannotWriteToTensorView, Tensor, TensorView, TensorViewMut
from corten.tensor._hooks import EXT as _EXT

__version__ = "0.1.0"

device = as_device

#: The version of the Python array API standard that this namespace implements.
__array_api_version__ = "2024.12"
#: The versions ``t.__array_namespace__(api_version=...)`` accepts: corten's namespace is
#: a superset of each earlier one.
_API_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12")

# The array API's constants.
e: float = math.e
inf: float = math.inf
nan: float = math.nan
pi: float = math.pi
newaxis = None

_NAMESPACE = sys.modules[__name__]


def _array_namespace(api_version: str | None) -> ModuleType:
    """``t.__array_namespace__(api_version=...)``: this module, for a version it provides."""
    if api_version is not None and api_version not in _API_VERSIONS:
        raise ValueError(
            f"corten implements the array API standard {__array_api_version__} (and the "
            f"earlier {', '.join(_API_VERSIONS[:-1])}), not {api_version!r}; pass "
            "api_version=None for the newest"
        )
    return _NAMESPACE


_EXT.namespace = _array_namespace

__all__ = [
    "AnyRank",
    "AxisError",
    "Bool",
    "CannotWriteToTensorView",
    "CompilationWarning",
    "Complex128",
    "Complex64",
    "CopyError",
    "CopyOnWriteWarning",
    "CortenError",
    "Cpu",
    "Cuda",
    "DType",
    "DTypeError",
    "Device",
    "DeviceMismatchError",
    "DeviceUnavailableError",
    "ElementMut",
    "Float16",
    "Float32",
    "Float64",
    "Info",
    "Int16",
    "Int32",
    "Int64",
    "Int8",
    "Meta",
    "OutOfMemoryError",
    "ParIter",
    "Rank0",
    "Rank1",
    "Rank2",
    "Rank3",
    "Rank4",
    "ReadOnlyError",
    "SerializationError",
    "ShapeError",
    "Sim",
    "Tensor",
    "TensorIndexError",
    "TensorView",
    "TensorViewMut",
    "UInt16",
    "UInt32",
    "UInt64",
    "UInt8",
    "__array_api_version__",
    "__array_namespace_info__",
    "abs",
    "acos",
    "acosh",
    "add",
    "all_dtypes",
    "allclose",
    "arange",
    "array_equal",
    "as_device",
    "as_dtype",
    "asarray",
    "asin",
    "asinh",
    "astype",
    "atan",
    "atan2",
    "atanh",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "bool",
    "bool_",
    "can_cast",
    "ceil",
    "clip",
    "complex128",
    "complex64",
    "conj",
    "copysign",
    "cos",
    "cosh",
    "cow_stats",
    "cpu",
    "cuda",
    "device",
    "divide",
    "e",
    "empty",
    "empty_cache",
    "empty_like",
    "equal",
    "exp",
    "expm1",
    "eye",
    "finfo",
    "finfo_object",
    "float16",
    "float32",
    "float64",
    "floor",
    "floor_divide",
    "from_bytes",
    "from_dict",
    "from_dlpack",
    "from_numpy",
    "from_shape_fn",
    "from_shape_vec",
    "full",
    "full_like",
    "get_num_threads",
    "greater",
    "greater_equal",
    "hypot",
    "iinfo",
    "iinfo_object",
    "imag",
    "inf",
    "int16",
    "int32",
    "int64",
    "int8",
    "isdtype",
    "isfinite",
    "isinf",
    "isnan",
    "less",
    "less_equal",
    "linspace",
    "load",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "memory_stats",
    "meshgrid",
    "meta",
    "minimum",
    "multiply",
    "nan",
    "negative",
    "newaxis",
    "nextafter",
    "not_equal",
    "ones",
    "ones_like",
    "pi",
    "positive",
    "pow",
    "real",
    "reciprocal",
    "remainder",
    "result_type",
    "round",
    "save",
    "set_cow_warning",
    "set_num_threads",
    "sign",
    "signbit",
    "sim",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "subtract",
    "tan",
    "tanh",
    "tensor",
    "tril",
    "triu",
    "trunc",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "zeros",
    "zeros_like",
]

# The array API's name of the bool dtype. Assigned last: it shadows the builtin ``bool``
# in this module.
bool = bool_
