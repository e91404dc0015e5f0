"""Exact types of reductions: rank 0 without an axis, one rank less with an int axis,
the same rank with keepdims=True."""

from typing import Any

from typing_extensions import assert_type

import corten as ct
from corten import (
    AnyRank,
    Bool,
    Cpu,
    Cuda,
    Float32,
    Int64,
    Rank0,
    Rank1,
    Rank2,
    Rank3,
    Rank4,
    Tensor,
)

t1 = ct.zeros(5)
t2 = ct.zeros((2, 3))
t3 = ct.zeros((2, 3, 4))
t4 = ct.zeros((2, 3, 4, 5))
tn = ct.zeros([2, 3])
g2 = ct.zeros((2, 3), device=ct.cuda)

assert_type(t2.sum(), Tensor[Any, Rank0, Cpu])
assert_type(t2.sum(axis=0), Tensor[Any, Rank1, Cpu])
assert_type(t2.sum(0), Tensor[Any, Rank1, Cpu])
assert_type(t2.sum(axis=0, keepdims=True), Tensor[Any, Rank2, Cpu])
assert_type(t2.sum(keepdims=True), Tensor[Any, Rank2, Cpu])
assert_type(t2.sum(axis=(0, 1)), Tensor[Any, AnyRank, Cpu])
assert_type(t1.sum(axis=0), Tensor[Any, Rank0, Cpu])
assert_type(t3.sum(axis=2), Tensor[Any, Rank2, Cpu])
assert_type(t4.sum(axis=3), Tensor[Any, Rank3, Cpu])
# An unknown rank stays unknown: AnyRank (tuple[Any, ...]) must not match the Rank1
# overload and claim rank 0.
assert_type(tn.sum(axis=0), Tensor[Any, AnyRank, Cpu])
assert_type((t2 + t2).sum(axis=0), Tensor[Any, AnyRank, Cpu])
assert_type(t3.prod(axis=1), Tensor[Any, Rank2, Cpu])

assert_type(t2.mean(), Tensor[Float32, Rank0, Cpu])
assert_type(t2.mean(axis=1), Tensor[Float32, Rank1, Cpu])
assert_type(t4.mean(axis=0, keepdims=True), Tensor[Float32, Rank4, Cpu])
assert_type(t3.min(axis=0), Tensor[Float32, Rank2, Cpu])
assert_type(t2.max(), Tensor[Float32, Rank0, Cpu])

assert_type(t2.argmax(), Tensor[Int64, Rank0, Cpu])
assert_type(t2.argmax(axis=1), Tensor[Int64, Rank1, Cpu])
assert_type(t3.argmin(axis=0, keepdims=True), Tensor[Int64, Rank3, Cpu])

assert_type(t2.all(), Tensor[Bool, Rank0, Cpu])
assert_type(t2.any(axis=0), Tensor[Bool, Rank1, Cpu])
assert_type((t2 > 0).all(), Tensor[Bool, Rank0, Cpu])

# Views reduce the same way; the device is kept.
assert_type(t2.view().sum(axis=0), Tensor[Any, Rank1, Cpu])
assert_type(t2.view_mut().mean(axis=0), Tensor[Float32, Rank1, Cpu])
assert_type(g2.sum(), Tensor[Any, Rank0, Cuda])
assert_type(g2.max(axis=1), Tensor[Float32, Rank1, Cuda])
