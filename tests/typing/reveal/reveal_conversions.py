"""Exact types of device moves, dtype conversions and views."""

from typing import Any

from typing_extensions import assert_type

import corten as ct
from corten import (
    AnyRank,
    Cpu,
    Cuda,
    Float32,
    Float64,
    Int32,
    Meta,
    Rank2,
    Sim,
    Tensor,
    TensorView,
    TensorViewMut,
    UInt8,
)

t = ct.zeros((2, 3))
g = ct.zeros((2, 3), device=ct.cuda)

assert_type(t.to(ct.cuda), Tensor[Float32, Rank2, Cuda])
assert_type(t.to(ct.cuda(1)), Tensor[Float32, Rank2, Cuda])
assert_type(t.to(ct.sim), Tensor[Float32, Rank2, Sim])
assert_type(t.to(ct.meta), Tensor[Float32, Rank2, Meta])
assert_type(t.to(ct.cpu), Tensor[Float32, Rank2, Cpu])
assert_type(t.to_cuda(), Tensor[Float32, Rank2, Cuda])
assert_type(t.to_cuda(1), Tensor[Float32, Rank2, Cuda])
assert_type(g.to_cpu(), Tensor[Float32, Rank2, Cpu])
assert_type(g.to(ct.cpu), Tensor[Float32, Rank2, Cpu])
assert_type(t.view().to_cuda(), Tensor[Float32, Rank2, Cuda])

assert_type(t.astype(ct.int32), Tensor[Int32, Rank2, Cpu])
assert_type(t.astype(ct.float64), Tensor[Float64, Rank2, Cpu])
assert_type(g.astype(ct.uint8), Tensor[UInt8, Rank2, Cuda])
assert_type(t.view_mut().astype(ct.int32), Tensor[Int32, Rank2, Cpu])

assert_type(t.dtype, Float32)
assert_type(t.device, Cpu)
assert_type(g.device, Cuda)
assert_type(t.astype(ct.int32).dtype, Int32)

assert_type(t.clone(), Tensor[Float32, Rank2, Cpu])
assert_type(t.view(), TensorView[Float32, Rank2, Cpu])
assert_type(t.view_mut(), TensorViewMut[Float32, Rank2, Cpu])
assert_type(t.view_mut().view_mut(), TensorViewMut[Float32, Rank2, Cpu])
assert_type(t.view().clone(), Tensor[Float32, Rank2, Cpu])
assert_type(t.contiguous(), Tensor[Float32, Rank2, Cpu])
assert_type(t.reshape_copy((3, 2)), Tensor[Float32, AnyRank, Cpu])

# Indexing: frozen views from owners and frozen views, mutable views from mutable views.
assert_type(t[0], TensorView[Float32, AnyRank, Cpu])
assert_type(t[0, 1:], TensorView[Float32, AnyRank, Cpu])
assert_type(t.view()[0], TensorView[Float32, AnyRank, Cpu])
assert_type(t.view_mut()[0], TensorViewMut[Float32, AnyRank, Cpu])
assert_type(t.view_mut()[:, None], TensorViewMut[Float32, AnyRank, Cpu])
assert_type(t.view_mut()[..., 0], TensorViewMut[Float32, AnyRank, Cpu])
assert_type(t.view_mut()[[0, 1]], TensorView[Float32, AnyRank, Cpu])
for row in t:
    assert_type(row, TensorView[Float32, AnyRank, Cpu])

# In-place operators on owners and mutable views keep the type.
m = t.view_mut()
m += 1
assert_type(m, TensorViewMut[Float32, Rank2, Cpu])
t *= 2
assert_type(t, Tensor[Float32, Rank2, Cpu])

assert_type(t.item(), Any)
assert_type(t.tolist(), Any)
assert_type(t.shape, tuple[int, ...])
assert_type(t.ndim, int)
