"""bfloat16 and float8 in the static types: marker classes like the other dtypes."""

from typing_extensions import assert_type

import corten as ct
from corten import AnyRank, BFloat16, Bool, Cpu, Float8E4M3FN, Float32, Rank1, Rank2, Sim, Tensor

assert_type(ct.bfloat16, BFloat16)
assert_type(ct.zeros((2, 3), dtype=ct.bfloat16), Tensor[BFloat16, Rank2, Cpu])
assert_type(ct.ones((4,), dtype=ct.bfloat16, device=ct.sim), Tensor[BFloat16, Rank1, Sim])
assert_type(ct.zeros((3,), dtype=ct.float8_e4m3fn), Tensor[Float8E4M3FN, Rank1, Cpu])

bf = ct.zeros((4,), dtype=ct.bfloat16)
assert_type(bf.astype(ct.float32), Tensor[Float32, Rank1, Cpu])
assert_type(ct.zeros((4,)).astype(ct.bfloat16), Tensor[BFloat16, Rank1, Cpu])
assert_type(bf + bf, Tensor[BFloat16, AnyRank, Cpu])
assert_type(bf < bf, Tensor[Bool, AnyRank, Cpu])
assert_type(bf.dtype == "bfloat16", bool)
