"""Exact types of the array API functions: elementwise functions keep dtype, rank and
device; predicates give Bool; binary functions give AnyRank (broadcasting)."""

from typing import Any

from typing_extensions import assert_type

import corten as ct
from corten import AnyRank, Bool, Cpu, Float32, Float64, Int32, Rank1, Rank2, Sim, Tensor

a = ct.zeros((2, 3))
d = ct.zeros((4,), dtype=ct.float64)
i = ct.zeros((2, 3), dtype=ct.int32)
s = ct.zeros((2, 3), device=ct.sim)

assert_type(ct.sqrt(a), Tensor[Float32, Rank2, Cpu])
assert_type(ct.exp(d), Tensor[Float64, Rank1, Cpu])
assert_type(ct.sin(s), Tensor[Float32, Rank2, Sim])
assert_type(ct.negative(i), Tensor[Int32, Rank2, Cpu])
assert_type(ct.isnan(a), Tensor[Bool, Rank2, Cpu])
assert_type(ct.signbit(d), Tensor[Bool, Rank1, Cpu])
assert_type(ct.abs(a), Tensor[Any, Rank2, Cpu])
assert_type(ct.real(a), Tensor[Any, Rank2, Cpu])

assert_type(ct.add(a, a), Tensor[Float32, AnyRank, Cpu])
assert_type(ct.maximum(a, 1.0), Tensor[Float32, AnyRank, Cpu])
assert_type(ct.hypot(2.0, s), Tensor[Float32, AnyRank, Sim])
assert_type(ct.less(i, i), Tensor[Bool, AnyRank, Cpu])
assert_type(ct.bitwise_left_shift(i, 2), Tensor[Int32, AnyRank, Cpu])
assert_type(ct.clip(a, 0.0, 1.0), Tensor[Float32, Rank2, Cpu])
assert_type(i << 2, Tensor[Int32, AnyRank, Cpu])

assert_type(ct.tril(a), Tensor[Any, Any, Any])
assert_type(ct.asarray([1, 2]), Tensor[Any, Any, Any])
assert_type(ct.result_type(a, 1), ct.DType)
assert_type(ct.can_cast(ct.int8, ct.int16), bool)
assert_type(ct.finfo(ct.float32).eps, float)
assert_type(ct.iinfo(ct.int8).max, int)
assert_type(ct.isdtype(ct.float32, "real floating"), bool)
assert_type(a.to_device(ct.sim), Tensor[Float32, Rank2, Sim])
