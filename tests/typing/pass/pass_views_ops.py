"""Named view operations in use: readers take TensorView[...], writers TensorViewMut[...].

Type-checked only (mypy --strict, pyright strict), never run.
"""

import corten as ct
from corten import AnyRank, Cpu, Float32, Rank1, Rank2, Rank3, TensorView, TensorViewMut


def total(x: TensorView[Float32, AnyRank, Cpu]) -> float:
    return float(x.sum().item())


def row_total(x: TensorView[Float32, Rank1, Cpu]) -> float:
    return float(x.sum().item())


def plane_total(x: TensorView[Float32, Rank2, Cpu]) -> float:
    return float(x.sum().item())


def zero_(x: TensorViewMut[Float32, AnyRank, Cpu]) -> None:
    x.fill_(0.0)


def zero_plane_(x: TensorViewMut[Float32, Rank2, Cpu]) -> None:
    x[...] = 0.0


def zero_volume_(x: TensorViewMut[Float32, Rank3, Cpu]) -> None:
    x *= 0.0


t = ct.zeros((2, 3, 4))
m = t.view_mut()

# Every view, frozen or mutable, is readable where a TensorView is expected.
s = total(t[0]) + total(t.slice(0, slice(1, None))) + total(t.narrow(1, 0, 2))
s += total(t.reshape(6, 4)) + total(t.view_as(24)) + total(t.squeeze()) + total(t.unsqueeze(0))
s += total(t.expand(5, 2, 3, 4)) + total(t.broadcast_to((5, 2, 3, 4))) + total(t.diagonal())
s += total(t.as_strided((2, 2), (1, 1))) + total(m.narrow(0, 0, 1)) + total(m[0])
s += row_total(t.flatten()) + row_total(t.select(0, 0).select(0, 0)) + row_total(m.flatten())
s += plane_total(t.select(0, 1)) + plane_total(t.view().select(2, 0)) + plane_total(m.select(1, 0))
s += plane_total(t.select(0, 0).T) + plane_total(m.select(0, 0).mT)

# Mutable views of mutable views can be written and passed to writers.
zero_(m[0])
zero_(m.slice(0, slice(None, None, -1)))
zero_(m.narrow(2, 1, 2))
zero_(t.view_mut().narrow(0, 0, 1))
zero_(t.narrow_mut(0, 0, 1))
zero_(t.slice_mut(1))
zero_(t.select_mut(2, 0))
zero_(m.view_as(6, 4))
zero_(m.squeeze())
zero_(m.unsqueeze(0))
zero_(m.diagonal(0, 1, 2))
zero_(m.as_strided((2, 2), (12, 1)))
zero_plane_(m.select(0, 1))
zero_plane_(m.select(0, 1).T)
zero_plane_(m.select(2, 0).transpose(0, 1))
zero_volume_(m.permute(2, 0, 1))
zero_volume_(m.flip())
zero_volume_(m.mT)
for piece in m.split(1):
    zero_volume_(piece)
for part in m.chunk(2, dim=2):
    part.fill_(1.0)
for r in m.unbind(1):
    r[0] = 2.0
m.select(0, 0)[1] = 3.0
m.T[0, 0] += 1.0
row = m.select(0, 0).select(0, 0)
row += 1.0
t.narrow_mut(2, 0, 2).copy_(t.narrow(2, 2, 2))

# Frozen views of frozen views, and their copies, are frozen views and owners.
frozen: TensorView[Float32, Rank3, Cpu] = t.view().permute(1, 0, 2).flip(0)
owned = t.T.contiguous()
owned.fill_(1.0)
owned.view_mut().select(0, 0).fill_(2.0)
