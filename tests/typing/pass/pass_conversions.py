"""Device moves rewrite the device parameter, astype rewrites the dtype parameter.

Type-checked only (mypy --strict, pyright strict), never run: the CUDA moves below
need a GPU at run time.
"""

from typing import Any

import numpy as np

import corten as ct
from corten import Cpu, Cuda, Float32, Float64, Int32, Meta, Rank2, Sim, Tensor, UInt8

t = ct.zeros((2, 3))

on_gpu: Tensor[Float32, Rank2, Cuda] = t.to(ct.cuda)
on_gpu1: Tensor[Float32, Rank2, Cuda] = t.to(ct.cuda(1))
via_to_cuda: Tensor[Float32, Rank2, Cuda] = t.to_cuda()
via_to_cuda1: Tensor[Float32, Rank2, Cuda] = t.to_cuda(1)
back: Tensor[Float32, Rank2, Cpu] = on_gpu.to_cpu()
back = on_gpu.to(ct.cpu)
on_sim: Tensor[Float32, Rank2, Sim] = t.to(ct.sim)
on_meta: Tensor[Float32, Rank2, Meta] = t.to(ct.meta)
round_trip: Tensor[Float32, Rank2, Cpu] = t.to_cuda().to_cpu()

# Views move too (the result is an owner).
view_to_gpu: Tensor[Float32, Rank2, Cuda] = t.view().to(ct.cuda)
mut_to_gpu: Tensor[Float32, Rank2, Cuda] = t.view_mut().to_cuda()

as_int: Tensor[Int32, Rank2, Cpu] = t.astype(ct.int32)
as_f64: Tensor[Float64, Rank2, Cpu] = t.astype(ct.float64)
gpu_u8: Tensor[UInt8, Rank2, Cuda] = t.to_cuda().astype(ct.uint8)
same_dtype: Tensor[Float32, Rank2, Cpu] = t.astype(ct.float32)

# After astype, arithmetic with the other dtype is fine.
ints = ct.zeros((2, 3), dtype=ct.int32)
summed: Tensor[Int32, Any, Cpu] = t.astype(ct.int32) + ints

dtype: Float32 = t.dtype
device: Cpu = t.device
gpu_device: Cuda = on_gpu.device
int_dtype: Int32 = as_int.dtype

arr: np.ndarray[Any, Any] = t.numpy()
values: Any = t.tolist()
first: Any = t[0, 0].item()
shape: tuple[int, ...] = t.shape
meta_info: tuple[tuple[int, ...], int, int, int, int, bool] = (
    t.strides,
    t.offset,
    t.ndim,
    t.numel,
    t.nbytes,
    t.is_contiguous,
)
