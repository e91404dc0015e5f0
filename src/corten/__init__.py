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

from corten._interop import from_dlpack
from corten._iterators import (
    CompilationWarning,
    ElementMut,
    ParIter,
    get_num_threads,
    set_num_threads,
)
from corten._typing import AnyRank, Rank0, Rank1, Rank2, Rank3, Rank4
from corten.backends import empty_cache, memory_stats
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
from corten.devices import Cpu, Cuda, Device, Meta, Sim, as_device, cpu, cuda, meta, sim
from corten.dtypes import (
    BFloat16,
    Bool,
    DType,
    Float8E4M3FN,
    Float8E5M2,
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
    bfloat16,
    bool_,
    float8_e4m3fn,
    float8_e5m2,
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
from corten.errors import (
    AxisError,
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
from corten.serialization import from_bytes, from_dict, load, save
from corten.storage import CopyOnWriteWarning, cow_stats, set_cow_warning
from corten.tensor import CannotWriteToTensorView, Tensor, TensorView, TensorViewMut

__version__ = "0.1.0"

device = as_device

__all__ = [
    "AnyRank",
    "AxisError",
    "BFloat16",
    "Bool",
    "CannotWriteToTensorView",
    "CompilationWarning",
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
    "Float8E4M3FN",
    "Float8E5M2",
    "Float16",
    "Float32",
    "Float64",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
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
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "all_dtypes",
    "allclose",
    "arange",
    "array_equal",
    "as_device",
    "as_dtype",
    "bfloat16",
    "bool_",
    "cow_stats",
    "cpu",
    "cuda",
    "device",
    "empty",
    "empty_cache",
    "empty_like",
    "eye",
    "float8_e4m3fn",
    "float8_e5m2",
    "float16",
    "float32",
    "float64",
    "from_bytes",
    "from_dict",
    "from_dlpack",
    "from_numpy",
    "from_shape_fn",
    "from_shape_vec",
    "full",
    "full_like",
    "get_num_threads",
    "int8",
    "int16",
    "int32",
    "int64",
    "load",
    "memory_stats",
    "meta",
    "ones",
    "ones_like",
    "save",
    "set_cow_warning",
    "set_num_threads",
    "sim",
    "tensor",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "zeros",
    "zeros_like",
]
