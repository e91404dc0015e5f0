"""Exact types of the factories (assert_type: both checkers report a mismatch)."""

from typing import Any

import numpy as np
from typing_extensions import assert_type

import corten as ct
from corten import (
    AnyRank,
    Bool,
    Cpu,
    Cuda,
    Float32,
    Float64,
    Int32,
    Int64,
    Meta,
    Rank0,
    Rank1,
    Rank2,
    Rank3,
    Rank4,
    Sim,
    Tensor,
    UInt8,
)

assert_type(ct.zeros(()), Tensor[Float32, Rank0, Cpu])
assert_type(ct.zeros(3), Tensor[Float32, Rank1, Cpu])
assert_type(ct.zeros((3,)), Tensor[Float32, Rank1, Cpu])
assert_type(ct.zeros((2, 3)), Tensor[Float32, Rank2, Cpu])
assert_type(ct.zeros((2, 3, 4)), Tensor[Float32, Rank3, Cpu])
assert_type(ct.zeros((2, 3, 4, 5)), Tensor[Float32, Rank4, Cpu])
assert_type(ct.zeros((2, 3, 4, 5, 6)), Tensor[Float32, AnyRank, Cpu])
assert_type(ct.zeros([2, 3]), Tensor[Float32, AnyRank, Cpu])
assert_type(ct.ones((2, 3)), Tensor[Float32, Rank2, Cpu])
assert_type(ct.empty((2, 3)), Tensor[Float32, Rank2, Cpu])

assert_type(ct.zeros((2,), dtype=ct.uint8, device=ct.cuda), Tensor[UInt8, Rank1, Cuda])
assert_type(ct.zeros((2, 3), dtype=ct.int32), Tensor[Int32, Rank2, Cpu])
assert_type(ct.zeros((2, 3), device=ct.cuda), Tensor[Float32, Rank2, Cuda])
assert_type(ct.zeros((2, 3), device=ct.cuda(1)), Tensor[Float32, Rank2, Cuda])
assert_type(ct.ones(4, ct.float64, ct.sim), Tensor[Float64, Rank1, Sim])
assert_type(ct.empty((1, 1, 1), dtype=ct.bool_, device=ct.meta), Tensor[Bool, Rank3, Meta])

assert_type(ct.eye(3), Tensor[Float32, Rank2, Cpu])
assert_type(ct.eye(2, 3, dtype=ct.int64, device=ct.cuda), Tensor[Int64, Rank2, Cuda])

assert_type(ct.full((2, 3), 1.0), Tensor[Any, Rank2, Cpu])
assert_type(ct.full(3, 1, dtype=ct.int32, device=ct.cuda), Tensor[Any, Rank1, Cuda])
assert_type(ct.tensor([1, 2]), Tensor[Any, AnyRank, Cpu])
assert_type(ct.tensor([1, 2], ct.int32), Tensor[Int32, AnyRank, Cpu])
assert_type(ct.tensor([1.0], dtype=ct.float64, device=ct.cuda), Tensor[Float64, AnyRank, Cuda])
assert_type(ct.arange(5), Tensor[Any, Rank1, Cpu])
assert_type(ct.arange(5, device=ct.sim), Tensor[Any, Rank1, Sim])
assert_type(ct.eye(2, device=ct.cuda), Tensor[Float32, Rank2, Cuda])
assert_type(ct.zeros((2,), ct.uint8, ct.cuda), Tensor[UInt8, Rank1, Cuda])
assert_type(ct.from_numpy(np.zeros(3)), Tensor[Any, AnyRank, Any])

# The dtype and device singletons are instances of their marker classes. (pyright infers
# a class's instances from the return type of __new__, so DType.__new__ returns Self.)
assert_type(ct.float32, Float32)
assert_type(ct.int32, Int32)
assert_type(ct.uint8, UInt8)
assert_type(ct.bool_, Bool)
assert_type(ct.cpu, Cpu)
assert_type(ct.cuda, Cuda)
assert_type(ct.cuda(1), Cuda)
assert_type(ct.sim(1), Sim)
assert_type(ct.meta, Meta)
