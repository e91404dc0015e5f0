"""Exact types of the named view operations.

Views of owners and frozen views are frozen (TensorView); views of mutable views are
mutable (TensorViewMut). select lowers a known rank by one; permute, transpose, .T,
.mT and flip keep it; the others give AnyRank.
"""

from typing_extensions import assert_type

import corten as ct
from corten import (
    AnyRank,
    Cpu,
    Cuda,
    Float32,
    Int32,
    Rank0,
    Rank1,
    Rank2,
    Rank3,
    Rank4,
    Tensor,
    TensorView,
    TensorViewMut,
)


def frozen(v: TensorView[Float32, Rank3, Cpu]) -> None:
    assert_type(v.select(0, 1), TensorView[Float32, Rank2, Cpu])
    assert_type(v.select(0, 1).select(0, 0), TensorView[Float32, Rank1, Cpu])
    assert_type(v.select(0, 1).select(0, 0).select(0, 0), TensorView[Float32, Rank0, Cpu])
    assert_type(v[0], TensorView[Float32, AnyRank, Cpu])
    assert_type(v.permute(2, 0, 1), TensorView[Float32, Rank3, Cpu])


def mutable(m: TensorViewMut[Float32, Rank3, Cpu]) -> None:
    assert_type(m.select(0, 1), TensorViewMut[Float32, Rank2, Cpu])
    assert_type(m.select(0, 1).select(1, 0), TensorViewMut[Float32, Rank1, Cpu])
    assert_type(m[0], TensorViewMut[Float32, AnyRank, Cpu])
    assert_type(m.permute(2, 0, 1), TensorViewMut[Float32, Rank3, Cpu])


t1 = ct.zeros(5)
t2 = ct.zeros((2, 3))
t3 = ct.zeros((2, 3, 4))
t4 = ct.zeros((2, 3, 4, 5))
tn = ct.zeros([2, 3])
g3 = ct.zeros((2, 3, 4), device=ct.cuda)
i2 = ct.zeros((2, 3), dtype=ct.int32)
m3 = t3.view_mut()

# select lowers a known rank, on owners, frozen views and mutable views.
assert_type(t1.select(0, 1), TensorView[Float32, Rank0, Cpu])
assert_type(t2.select(0, 1), TensorView[Float32, Rank1, Cpu])
assert_type(t3.select(0, 1), TensorView[Float32, Rank2, Cpu])
assert_type(t4.select(-1, 0), TensorView[Float32, Rank3, Cpu])
assert_type(t3.view().select(0, 1), TensorView[Float32, Rank2, Cpu])
assert_type(m3.select(0, 1), TensorViewMut[Float32, Rank2, Cpu])
assert_type(t4.view_mut().select(0, 1), TensorViewMut[Float32, Rank3, Cpu])
assert_type(t1.view_mut().select(0, 1), TensorViewMut[Float32, Rank0, Cpu])
assert_type(t3.select_mut(0, 1), TensorViewMut[Float32, AnyRank, Cpu])
# an unknown rank stays unknown
assert_type(tn.select(0, 1), TensorView[Float32, AnyRank, Cpu])
assert_type(tn.view_mut().select(0, 1), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(t3[0].select(0, 0), TensorView[Float32, AnyRank, Cpu])
# dtype and device are kept
assert_type(g3.select(0, 1), TensorView[Float32, Rank2, Cuda])
assert_type(i2.select(1, 0), TensorView[Int32, Rank1, Cpu])

# Indexing: frozen from an owner or a frozen view, mutable from a mutable view.
assert_type(t3[0], TensorView[Float32, AnyRank, Cpu])
assert_type(t3[0, 1:, ::-1], TensorView[Float32, AnyRank, Cpu])
assert_type(t3.view()[..., None], TensorView[Float32, AnyRank, Cpu])
assert_type(m3[0], TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3[0, 1:, ::-1], TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3[0][1], TensorViewMut[Float32, AnyRank, Cpu])
assert_type(g3.view_mut()[1], TensorViewMut[Float32, AnyRank, Cuda])

# Operations that keep the rank.
assert_type(t3.permute(2, 0, 1), TensorView[Float32, Rank3, Cpu])
assert_type(t3.permute((2, 0, 1)), TensorView[Float32, Rank3, Cpu])
assert_type(t3.transpose(0, 2), TensorView[Float32, Rank3, Cpu])
assert_type(t3.T, TensorView[Float32, Rank3, Cpu])
assert_type(t3.mT, TensorView[Float32, Rank3, Cpu])
assert_type(t3.flip(), TensorView[Float32, Rank3, Cpu])
assert_type(t3.flip((0, 1)), TensorView[Float32, Rank3, Cpu])
assert_type(m3.permute(2, 0, 1), TensorViewMut[Float32, Rank3, Cpu])
assert_type(m3.transpose(0, 1), TensorViewMut[Float32, Rank3, Cpu])
assert_type(m3.T, TensorViewMut[Float32, Rank3, Cpu])
assert_type(m3.mT, TensorViewMut[Float32, Rank3, Cpu])
assert_type(m3.flip(0), TensorViewMut[Float32, Rank3, Cpu])
assert_type(g3.permute(1, 2, 0), TensorView[Float32, Rank3, Cuda])
assert_type(t4.T, TensorView[Float32, Rank4, Cpu])
assert_type(t4.view_mut().flip(), TensorViewMut[Float32, Rank4, Cpu])

# Operations whose rank depends on the arguments.
assert_type(t3.slice(0, slice(1, None)), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.narrow(1, 0, 2), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.reshape(6, 4), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.reshape((6, -1)), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.view_as(24), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.flatten(), TensorView[Float32, Rank1, Cpu])
assert_type(t3.squeeze(), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.unsqueeze(0), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.expand(5, 2, 3, 4), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.broadcast_to((5, 2, 3, 4)), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.diagonal(), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.as_strided((2, 2), (1, 1)), TensorView[Float32, AnyRank, Cpu])
assert_type(t3.view().narrow(0, 0, 1), TensorView[Float32, AnyRank, Cpu])
assert_type(m3.slice(0), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.narrow(1, 0, 2), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(t3.view_mut().narrow(0, 0, 1), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.view_as(24), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.squeeze(0), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.unsqueeze(-1), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.expand(5, 2, 3, 4), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.broadcast_to((5, 2, 3, 4)), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.diagonal(0, 1, 2), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(m3.as_strided((2, 2), (4, 1)), TensorViewMut[Float32, AnyRank, Cpu])
# reshape may copy, so even on a mutable view it promises only a frozen view
assert_type(m3.reshape(6, 4), TensorView[Float32, AnyRank, Cpu])
assert_type(m3.flatten(), TensorView[Float32, Rank1, Cpu])

# The mutable short forms of owners.
assert_type(t3.slice_mut(0), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(t3.narrow_mut(0, 0, 1), TensorViewMut[Float32, AnyRank, Cpu])
assert_type(g3.narrow_mut(0, 0, 1), TensorViewMut[Float32, AnyRank, Cuda])

# Lists of views.
assert_type(t3.split(1), list[TensorView[Float32, Rank3, Cpu]])
assert_type(t3.split([1, 1], dim=0), list[TensorView[Float32, Rank3, Cpu]])
assert_type(t3.chunk(2, 1), list[TensorView[Float32, Rank3, Cpu]])
assert_type(t3.unbind(), list[TensorView[Float32, AnyRank, Cpu]])
assert_type(m3.split(1), list[TensorViewMut[Float32, Rank3, Cpu]])
assert_type(m3.chunk(2), list[TensorViewMut[Float32, Rank3, Cpu]])
assert_type(m3.unbind(2), list[TensorViewMut[Float32, AnyRank, Cpu]])

# Copies are owners.
assert_type(t3.T.contiguous(), Tensor[Float32, Rank3, Cpu])
assert_type(m3.T.contiguous(), Tensor[Float32, Rank3, Cpu])
assert_type(t3.select(0, 0).clone(), Tensor[Float32, Rank2, Cpu])
