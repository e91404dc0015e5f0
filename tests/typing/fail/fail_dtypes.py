"""Statically, operands of two dtypes need an explicit astype (the runtime promotes within
a kind, as the array API standard says; the static types stay stricter, never looser).

Every line that must be an error carries the exact mypy code and pyright rule.
Type-checked only, never run.
"""

import numpy as np

import corten as ct
from corten import Cpu, Float32, Float64, Int32, Int64, Rank1, Rank2, Tensor, TensorView

f32 = ct.zeros((2, 3))
f64 = ct.zeros((2, 3), dtype=ct.float64)
i32 = ct.zeros((2, 3), dtype=ct.int32)

# Binary operators between different dtypes (at run time: DTypeError).
_ = f32 + i32  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = f64 + i32  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = f32 * f64  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = f32.view() / f64.view_mut()  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]
_ = i32 > f32  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]

# In-place writes of another dtype.
f32.copy_(i32)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
f32.view_mut().copy_(f64)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
acc = ct.zeros((2, 3))
acc += f64  # type: ignore[arg-type]  # pyright: ignore[reportOperatorIssue, reportUnknownVariableType]

# astype rewrites the dtype parameter; reductions keep or set it. (Given the declared
# type as context, mypy solves astype()'s dtype TypeVar from it and reports the argument.)
as_f32: Tensor[Float32, Rank2, Cpu] = f32.astype(ct.int32)  # type: ignore[arg-type]  # pyright: ignore[reportAssignmentType]
as_i64: Tensor[Int64, Rank2, Cpu] = f32.astype(ct.int32)  # type: ignore[arg-type]  # pyright: ignore[reportAssignmentType]
wrong_dtype: Tensor[Float32, Rank2, Cpu] = f64  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
indices: Tensor[Float32, Rank1, Cpu] = f32.argmax(axis=0)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
means: Tensor[Float64, Rank1, Cpu] = f32.mean(axis=0)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


def takes_f64(x: TensorView[Float64, Rank2, Cpu]) -> None: ...


def takes_i32(x: TensorView[Int32, Rank2, Cpu]) -> None: ...


takes_f64(f32)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
takes_i32(f64)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

# dtypes are corten dtypes, not NumPy ones, in typed code.
ct.zeros((2, 3), dtype=np.float32)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
f32.astype(np.int32)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]

# Factories without a dtype make float32 tensors: the declared dtype is not a hint.
ints_wanted: Tensor[Int32, Rank2, Cpu] = ct.zeros((2, 3))  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
ints_wanted = ct.empty((2, 3))  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
ints_wanted = ct.ones((2, 3), device=ct.cpu)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
