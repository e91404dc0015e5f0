"""Functions that read take TensorView[...]; functions that write take TensorViewMut[...].

Type-checked only (mypy --strict, pyright strict), never run.
"""

from typing import Any, TypeVar

import corten as ct
from corten import (
    AnyRank,
    Cpu,
    Cuda,
    Device,
    DType,
    Float32,
    Rank1,
    Rank2,
    Tensor,
    TensorView,
    TensorViewMut,
)

DT_ = TypeVar("DT_", bound=DType)
R_ = TypeVar("R_", bound=tuple[Any, ...])
D_ = TypeVar("D_", bound=Device)


def total(x: TensorView[Float32, Rank2, Cpu]) -> float:
    return float(x.sum().item())


def first_row(x: TensorView[Float32, Rank2, Cpu]) -> TensorView[Float32, AnyRank, Cpu]:
    return x[0]


def scale_(x: TensorViewMut[Float32, Rank2, Cpu], k: float) -> None:
    x *= k
    x[0] = 0.0
    x[:, 1] = k
    x.fill_(k)
    x.copy_(ct.zeros((2, 3)))


def double(x: TensorView[DT_, R_, D_]) -> Tensor[DT_, AnyRank, D_]:
    return x + x


def copy_of(x: TensorView[DT_, R_, D_]) -> Tensor[DT_, R_, D_]:
    return x.clone()


def add_same_device(
    a: TensorView[DT_, Any, D_], b: TensorView[DT_, Any, D_]
) -> Tensor[DT_, AnyRank, D_]:
    return a + b


def norms(x: TensorView[Float32, AnyRank, D_]) -> Tensor[Float32, AnyRank, D_]:
    return x * x


t = ct.zeros((2, 3))

# A TensorView parameter accepts owners, frozen views and mutable views.
read_total = total(t) + total(t.view()) + total(t.view_mut()) + total(t.clone())
read_row = first_row(t)

# A TensorViewMut parameter accepts a mutable view.
scale_(t.view_mut(), 2.0)
mut: TensorViewMut[Float32, Rank2, Cpu] = t.view_mut()
scale_(mut, 0.5)
scale_(mut.view_mut(), 0.5)

# Owners and mutable views are TensorViews of the same parameters.
as_view: TensorView[Float32, Rank2, Cpu] = t
as_view = mut
as_view = t.view()

# Indexing an owner or a frozen view gives a frozen view; indexing a mutable view
# gives a mutable view (for basic indices).
frozen_row: TensorView[Float32, AnyRank, Cpu] = t[0]
frozen_row = t.view()[0]
frozen_row = t[[0, 1]]
mutable_row: TensorViewMut[Float32, AnyRank, Cpu] = mut[0]
mutable_row = mut[0, 1:]
mutable_row = mut[..., None]  # Ellipsis is a basic index: a mutable view at run time
mutable_row.fill_(1.0)

# Writing through owners and mutable views.
t[0] = 1.0
t[0, 1] = 2
t[...] = ct.ones(3)
t.fill_(0.0)
t.copy_(t.view())
mut[1] = t[0]

# Iteration yields frozen views.
for r in t:
    rows: TensorView[Float32, AnyRank, Cpu] = r

# Generic functions keep dtype and device (and rank where they can).
g = ct.zeros((4,), device=ct.cuda)
doubled: Tensor[Float32, AnyRank, Cuda] = double(g)
copied: Tensor[Float32, Rank1, Cuda] = copy_of(g)
copied_view: Tensor[Float32, Rank2, Cpu] = copy_of(t.view())
added: Tensor[Float32, AnyRank, Cuda] = add_same_device(g, g.view())
added_cpu: Tensor[Float32, AnyRank, Cpu] = add_same_device(t.view_mut(), t)
n: Tensor[Float32, AnyRank, Cuda] = norms(g)
n_cpu: Tensor[Float32, AnyRank, Cpu] = norms(t.view_mut())

# A view of a view, a clone of a view.
vv: TensorView[Float32, Rank2, Cpu] = t.view().view()
cv: Tensor[Float32, Rank2, Cpu] = t.view().clone()
contig: Tensor[Float32, Rank2, Cpu] = t.view().contiguous()
reshaped: Tensor[Float32, AnyRank, Cpu] = t.reshape_copy((3, 2))
