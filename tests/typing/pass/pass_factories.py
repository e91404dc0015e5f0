"""Factories: one overload per rank, a dtype parameter and a device parameter.

Type-checked only (mypy --strict, pyright strict), never run.
"""

from typing import Any

import numpy as np

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
    Rank0,
    Rank1,
    Rank2,
    Rank3,
    Rank4,
    Sim,
    Tensor,
    UInt8,
)

# The shape's length picks the rank; dtype defaults to float32, device to cpu.
r0: Tensor[Float32, Rank0, Cpu] = ct.zeros(())
r1: Tensor[Float32, Rank1, Cpu] = ct.zeros(3)
r1_tuple: Tensor[Float32, Rank1, Cpu] = ct.zeros((3,))
r2: Tensor[Float32, Rank2, Cpu] = ct.zeros((2, 3))
r3: Tensor[Float32, Rank3, Cpu] = ct.ones((2, 3, 4))
r4: Tensor[Float32, Rank4, Cpu] = ct.empty((1, 2, 3, 4))
r_list: Tensor[Float32, AnyRank, Cpu] = ct.zeros([2, 3])

shape2: tuple[int, int] = (4, 5)
shape_n: tuple[int, ...] = (4, 5, 6, 7, 8)
from_var2: Tensor[Float32, Rank2, Cpu] = ct.ones(shape2)
from_var_n: Tensor[Float32, AnyRank, Cpu] = ct.ones(shape_n)

# dtype and device, by keyword or by position.
u8: Tensor[UInt8, Rank2, Cpu] = ct.zeros((2, 3), dtype=ct.uint8)
i32: Tensor[Int32, Rank1, Cpu] = ct.ones(4, ct.int32)
f64_gpu: Tensor[Float64, Rank2, Cuda] = ct.zeros((2, 2), dtype=ct.float64, device=ct.cuda)
gpu1: Tensor[Float32, Rank1, Cuda] = ct.empty(8, device=ct.cuda(1))
sim3: Tensor[Bool, Rank3, Sim] = ct.zeros((1, 1, 1), ct.bool_, ct.sim)
explicit_cpu: Tensor[Float32, Rank2, Cpu] = ct.zeros((2, 2), device=ct.cpu)

eye: Tensor[Float32, Rank2, Cpu] = ct.eye(3)
eye_int: Tensor[Int64, Rank2, Cpu] = ct.eye(2, 3, dtype=ct.int64)
eye_gpu: Tensor[Float32, Rank2, Cuda] = ct.eye(4, device=ct.cuda)

# full() and tensor() take their dtype from the data unless told: the dtype is Any.
full2: Tensor[Any, Rank2, Cpu] = ct.full((2, 2), 7)
full_gpu: Tensor[Any, Rank1, Cuda] = ct.full(3, 1.5, device=ct.cuda)
data: Tensor[Any, AnyRank, Cpu] = ct.tensor([[1, 2], [3, 4]])
data_f32: Tensor[Float32, AnyRank, Cpu] = ct.tensor([1.0, 2.0], ct.float32)
data_u8_gpu: Tensor[UInt8, AnyRank, Cuda] = ct.tensor([1, 2], dtype=ct.uint8, device=ct.cuda)
steps: Tensor[Any, Rank1, Any] = ct.arange(0, 10, 2)
from_np: Tensor[Any, AnyRank, Any] = ct.from_numpy(np.zeros((2, 2), dtype=np.float32))
vec: Tensor[Any, AnyRank, Any] = ct.from_shape_vec((2, 2), [1, 2, 3, 4])
fn: Tensor[Any, AnyRank, Any] = ct.from_shape_fn((2, 3), lambda ij: ij[0] + ij[1])
like: Tensor[Any, Any, Any] = ct.zeros_like(r2)
like_ones: Tensor[Any, Any, Any] = ct.ones_like(u8, dtype=ct.int32)
like_full: Tensor[Any, Any, Any] = ct.full_like(r3, 2.0)
like_empty: Tensor[Any, Any, Any] = ct.empty_like(r1, device=ct.cpu)

# The rank parameter is covariant: a declared AnyRank accepts every rank.
any_rank: Tensor[Float32, AnyRank, Cpu] = r2
any_rank = r0
any_rank = r4

# A bare Tensor means Tensor[Any, AnyRank, Any] (PEP 696 defaults), so untyped code works.
loose: ct.Tensor = ct.tensor([1, 2])
loose = f64_gpu
loose = sim3


def describe(t: ct.TensorView) -> str:
    return f"{t.shape} {t.dtype} {t.device}"


summary = describe(r2) + describe(f64_gpu) + describe(loose)

same: bool = ct.allclose(r2, r2) and ct.array_equal(u8, u8)
