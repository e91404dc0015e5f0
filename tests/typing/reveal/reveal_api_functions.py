"""Exact types of the array API functions of corten.ops: dtype and device are kept where
the function keeps them, ranks are what the function can know."""

from typing import Any

from typing_extensions import assert_type

import corten as ct
import corten.ops.linalg_ext as linalg
from corten import AnyRank, Bool, Cpu, Float32, Int64, Rank1, Rank2, Sim, Tensor, TensorView
from corten.ops import (
    indexing,
    linalg as main_linalg,
    manipulation,
    searching,
    sets,
    sorting,
    statistical,
    utility,
)

t2 = ct.zeros((2, 3))
s2 = ct.zeros((2, 3), device=ct.sim)
i1 = ct.zeros(3, dtype=ct.int64)

assert_type(statistical.sum(t2, axis=0), Tensor[Any, AnyRank, Cpu])
assert_type(statistical.mean(t2), Tensor[Float32, AnyRank, Cpu])
assert_type(statistical.std(s2, correction=1), Tensor[Float32, AnyRank, Sim])
assert_type(statistical.max(t2, axis=(0, 1)), Tensor[Float32, AnyRank, Cpu])
assert_type(statistical.cumulative_sum(t2, axis=1), Tensor[Any, AnyRank, Cpu])

assert_type(utility.all(t2), Tensor[Bool, AnyRank, Cpu])
assert_type(utility.diff(s2), Tensor[Float32, AnyRank, Sim])

assert_type(searching.argmax(t2, axis=0), Tensor[Int64, AnyRank, Cpu])
assert_type(searching.where(t2 > 0, t2, 0.0), Tensor[Any, AnyRank, Cpu])
assert_type(searching.nonzero(t2), tuple[Tensor[Int64, AnyRank, Cpu], ...])
assert_type(searching.searchsorted(i1, i1), Tensor[Int64, AnyRank, Cpu])

assert_type(sets.unique_values(t2), Tensor[Float32, Rank1, Cpu])
assert_type(sets.unique_counts(s2).counts, Tensor[Int64, Rank1, Sim])

assert_type(sorting.sort(t2), Tensor[Float32, Rank2, Cpu])
assert_type(sorting.argsort(s2), Tensor[Int64, Rank2, Sim])

assert_type(manipulation.reshape(t2, (3, 2)), TensorView[Float32, AnyRank, Cpu])
assert_type(manipulation.concat([t2, t2]), Tensor[Any, AnyRank, Cpu])
assert_type(manipulation.unstack(s2), tuple[TensorView[Float32, AnyRank, Sim], ...])

assert_type(indexing.take(t2, i1, axis=1), Tensor[Float32, AnyRank, Cpu])

assert_type(main_linalg.matmul(t2, t2), Tensor[Float32, AnyRank, Cpu])
assert_type(t2 @ t2, Tensor[Float32, AnyRank, Cpu])
assert_type(linalg.svd(s2).S, Tensor[Any, AnyRank, Sim])
assert_type(linalg.inv(t2), Tensor[Float32, AnyRank, Cpu])
