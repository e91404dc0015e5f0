"""Reductions lower the rank where it is known.

Type-checked only (mypy --strict, pyright strict), never run.
"""

from typing import Any

import corten as ct
from corten import AnyRank, Bool, Cpu, Cuda, Float32, Int64, Rank0, Rank1, Rank2, Rank3, Tensor

t1 = ct.zeros(5)
t2 = ct.zeros((2, 3))
t3 = ct.zeros((2, 3, 4))
t4 = ct.zeros((2, 3, 4, 5))

# No axis: rank 0.
total: Tensor[Any, Rank0, Cpu] = t2.sum()
product: Tensor[Any, Rank0, Cpu] = t3.prod()
mean: Tensor[Float32, Rank0, Cpu] = t2.mean()
smallest: Tensor[Float32, Rank0, Cpu] = t4.min()
largest: Tensor[Float32, Rank0, Cpu] = t1.max()
where_min: Tensor[Int64, Rank0, Cpu] = t2.argmin()
everything: Tensor[Bool, Rank0, Cpu] = t2.all()
anything: Tensor[Bool, Rank0, Cpu] = t2.any()

# One int axis: one rank less.
from_r1: Tensor[Any, Rank0, Cpu] = t1.sum(axis=0)
from_r2: Tensor[Any, Rank1, Cpu] = t2.sum(axis=0)
from_r3: Tensor[Float32, Rank2, Cpu] = t3.mean(axis=1)
from_r4: Tensor[Float32, Rank3, Cpu] = t4.max(axis=-1)
positional_axis: Tensor[Any, Rank1, Cpu] = t2.prod(1)
arg_r2: Tensor[Int64, Rank1, Cpu] = t2.argmax(axis=1)
all_r3: Tensor[Bool, Rank2, Cpu] = t3.all(axis=0)

# keepdims=True: same rank.
kept: Tensor[Any, Rank2, Cpu] = t2.sum(axis=1, keepdims=True)
kept_all: Tensor[Float32, Rank3, Cpu] = t3.min(keepdims=True)
kept_arg: Tensor[Int64, Rank2, Cpu] = t2.argmin(axis=0, keepdims=True)

# Several axes, or a rank the checker does not know: AnyRank.
several: Tensor[Any, AnyRank, Cpu] = t3.sum(axis=(0, 1))
unknown_rank: Tensor[Float32, AnyRank, Cpu] = ct.zeros([2, 3]).mean(axis=0)

# Views reduce the same way, and the device is kept.
from_view: Tensor[Any, Rank1, Cpu] = t2.view().sum(axis=0)
from_mut: Tensor[Float32, Rank1, Cpu] = t2.view_mut().max(axis=1)
g = ct.zeros((2, 3), device=ct.cuda)
on_gpu: Tensor[Float32, Rank1, Cuda] = g.mean(axis=0)
gpu_total: Tensor[Any, Rank0, Cuda] = g.sum()

# Chained reductions.
chained: Tensor[Any, Rank0, Cpu] = t3.sum(axis=0).sum(axis=0).sum(axis=0)
mask_all: Tensor[Bool, Rank0, Cpu] = (t2 > 0).all()
