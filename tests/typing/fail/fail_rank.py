"""Declared ranks are checked: per-rank factory overloads and rank-lowering reductions.

Every line that must be an error carries the exact mypy code and pyright rule.
Type-checked only, never run.
"""

import corten as ct
from corten import Cpu, Float32, Rank0, Rank1, Rank2, Rank3, Tensor, TensorView

t2 = ct.zeros((2, 3))
t3 = ct.zeros((2, 3, 4))


def takes_rank3(x: TensorView[Float32, Rank3, Cpu]) -> None: ...


def takes_rank2(x: TensorView[Float32, Rank2, Cpu]) -> None: ...


takes_rank3(t2)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
takes_rank3(t2.view())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
takes_rank2(t3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
takes_rank2(ct.zeros(4))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

# Factories: the shape's length is the rank.
r1: Tensor[Float32, Rank1, Cpu] = ct.zeros((2, 3))  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
r3: Tensor[Float32, Rank3, Cpu] = ct.ones((2, 3))  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
r0: Tensor[Float32, Rank0, Cpu] = ct.zeros(5)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
eye3: Tensor[Float32, Rank3, Cpu] = ct.eye(3)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]

# Reductions: rank 0 without an axis, one rank less with an int axis, the same rank
# with keepdims=True.
total: Tensor[Float32, Rank1, Cpu] = t2.mean()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
cols: Tensor[Float32, Rank2, Cpu] = t2.mean(axis=0)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
kept: Tensor[Float32, Rank1, Cpu] = t2.mean(axis=0, keepdims=True)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
planes: Tensor[Float32, Rank3, Cpu] = t3.max(axis=2)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]

# Unary operators and copies keep the rank.
neg: Tensor[Float32, Rank3, Cpu] = -t2  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
clone: Tensor[Float32, Rank3, Cpu] = t2.clone()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
