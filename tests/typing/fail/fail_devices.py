"""Tensors on different devices do not mix; device moves are reflected in the type.

Every line that must be an error carries the exact mypy code and pyright rule; the
suite fails when an expected error stops being reported (unused ignores are errors).
Type-checked only, never run.
"""

from typing import Any, TypeVar

import corten as ct
from corten import AnyRank, Cpu, Cuda, Device, Float32, Rank1, Rank2, Tensor, TensorView

D_ = TypeVar("D_", bound=Device)

cpu_t = ct.zeros((2, 3))
gpu_t = ct.zeros((2, 3), device=ct.cuda)
sim_t = ct.zeros((2, 3), device=ct.sim)

# Binary operators: no CPU + CUDA (at run time: DeviceMismatchError).
_ = cpu_t + gpu_t  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = gpu_t + cpu_t  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = cpu_t * sim_t  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = cpu_t.view() - gpu_t.view()  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = cpu_t.view_mut() + gpu_t  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = cpu_t < gpu_t  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = cpu_t == gpu_t  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]

# Writes from another device.
cpu_t.copy_(gpu_t)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
cpu_t.view_mut().copy_(gpu_t.view())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
owner = ct.zeros((2, 3))
owner += gpu_t  # type: ignore[arg-type]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]

# Moves rewrite the device parameter. (Given the declared type as context, mypy solves
# to()'s device TypeVar from it and reports the argument: arg-type, not assignment.)
moved: Tensor[Float32, Rank2, Cpu] = cpu_t.to_cuda()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
moved = cpu_t.to(ct.cuda)  # type: ignore[arg-type]  # pyright: ignore[reportAssignmentType]
moved = cpu_t.to(ct.sim)  # type: ignore[arg-type]  # pyright: ignore[reportAssignmentType]
on_gpu: Tensor[Float32, Rank2, Cuda] = gpu_t.to_cpu()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
on_gpu = cpu_t.clone()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


def on_cuda(x: TensorView[Float32, Rank2, Cuda]) -> None: ...


on_cuda(cpu_t)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
on_cuda(gpu_t.to_cpu())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

# The device parameter is invariant: a concrete device is not a `Device`. (Code that
# works on any device takes a TypeVar bound to Device; see pass/pass_views.py.)


def any_device(x: TensorView[Float32, Rank2, Device]) -> None: ...


any_device(cpu_t)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
widened: Tensor[Float32, Rank2, Device] = cpu_t  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


def add_same_device(
    a: TensorView[Float32, Any, D_], b: TensorView[Float32, Any, D_]
) -> Tensor[Float32, AnyRank, D_]:
    return a + b


# A generic function over one device: with a covariant device parameter D_ would widen
# to Device and CPU + CUDA would pass silently.
add_same_device(cpu_t, gpu_t)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
add_same_device(gpu_t.view(), cpu_t.view_mut())  # type: ignore[misc]  # pyright: ignore[reportArgumentType]

# Devices are Device objects, not strings, in typed code.
ct.zeros((2, 3), device="cuda")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
cpu_t.to("cuda")  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]

# Factories without a device make CPU tensors: the variable's declared device is not a
# hint they follow.
made_here: Tensor[Float32, Rank2, Cuda] = ct.zeros((2, 3))  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
made_here = ct.empty((2, 3))  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
made_here = ct.ones((2, 3), ct.float32)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
made_here = ct.full((2, 3), 1.0)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
made_here = ct.eye(2)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
made_here = ct.tensor([[1.0]], ct.float32)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
one_d: Tensor[Float32, Rank1, Cuda] = ct.arange(3.0)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
