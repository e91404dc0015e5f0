"""Exact types of arithmetic: same dtype and device in, AnyRank out (broadcasting)."""

from typing_extensions import assert_type

import corten as ct
from corten import AnyRank, Bool, Cpu, Cuda, Float32, Int32, Rank2, Tensor

a = ct.zeros((2, 3))
row = ct.ones(3)
i = ct.zeros((2, 3), dtype=ct.int32)
g = ct.zeros((2, 3), device=ct.cuda)

assert_type(a + a, Tensor[Float32, AnyRank, Cpu])
assert_type(a + row, Tensor[Float32, AnyRank, Cpu])
assert_type(a + 1, Tensor[Float32, AnyRank, Cpu])
assert_type(1 + a, Tensor[Float32, AnyRank, Cpu])
assert_type(a - 1.5, Tensor[Float32, AnyRank, Cpu])
assert_type(2 * a, Tensor[Float32, AnyRank, Cpu])
assert_type(a / a, Tensor[Float32, AnyRank, Cpu])
assert_type(a // 2, Tensor[Float32, AnyRank, Cpu])
assert_type(a % 2, Tensor[Float32, AnyRank, Cpu])
assert_type(a**2, Tensor[Float32, AnyRank, Cpu])
assert_type(a.view() + a.view_mut(), Tensor[Float32, AnyRank, Cpu])
assert_type(i & 1, Tensor[Int32, AnyRank, Cpu])
assert_type(i | i, Tensor[Int32, AnyRank, Cpu])
assert_type(i ^ i, Tensor[Int32, AnyRank, Cpu])
assert_type(g + g, Tensor[Float32, AnyRank, Cuda])
assert_type(g * 3, Tensor[Float32, AnyRank, Cuda])

assert_type(-a, Tensor[Float32, Rank2, Cpu])
assert_type(+a, Tensor[Float32, Rank2, Cpu])
assert_type(abs(a), Tensor[Float32, Rank2, Cpu])
assert_type(~i, Tensor[Int32, Rank2, Cpu])
assert_type(-g, Tensor[Float32, Rank2, Cuda])

assert_type(a == a, Tensor[Bool, AnyRank, Cpu])
assert_type(a != 0, Tensor[Bool, AnyRank, Cpu])
assert_type(a < row, Tensor[Bool, AnyRank, Cpu])
assert_type(a >= 1.0, Tensor[Bool, AnyRank, Cpu])
assert_type(g > g, Tensor[Bool, AnyRank, Cuda])
