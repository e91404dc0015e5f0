"""Views of owners and frozen views are frozen: no writes, and no TensorViewMut
parameter accepts them. select lowers the rank, so ranks are checked through it.

Every line that must be an error carries the exact mypy code and pyright rule.
Type-checked only, never run.
"""

import corten as ct
from corten import Cpu, Float32, Rank1, Rank2, Rank3, TensorView, TensorViewMut


def writes(x: TensorViewMut[Float32, Rank3, Cpu]) -> None: ...


def writes_any(x: TensorViewMut[Float32, tuple[int, ...], Cpu]) -> None: ...


def takes_plane(x: TensorView[Float32, Rank2, Cpu]) -> None: ...


t = ct.zeros((2, 3, 4))
v = t.view()

# The view operations of an owner give frozen views: no writing methods.
t.select(0, 0).fill_(1.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t.narrow(0, 0, 1).fill_(1.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t.permute(2, 0, 1).copy_(t)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t.T.fill_(0.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t.slice(0).view_mut()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t.expand(5, 2, 3, 4).fill_(0.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t[0] = 1.0  # an owner can be written...
t[0][0] = 1.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
t.select(0, 0)[0] = 1.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
t.narrow(1, 0, 1)[...] = 0.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
t.diagonal()[0] = 1.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
t.split(1)[0].fill_(0.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t.unbind()[0][0] = 1.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]

# ... and so do those of a frozen view.
v[0] = 1.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
v.select(0, 0).fill_(1.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
row: TensorView[Float32, Rank2, Cpu] = v.select(0, 0)
row += 1.0  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]

# A frozen view is not a mutable view.
writes(t.permute(0, 1, 2))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes(t.flip())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes(v.T)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes(t.split(1)[0])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes_any(t.narrow(0, 0, 1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes_any(t.select(0, 0))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes_any(t[0])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes_any(t.view_mut().reshape(6, 4))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes_any(t.view_mut()[[0, 1]])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

# select lowers the rank by one; permute keeps it.
takes_plane(t.select(0, 0).select(0, 0))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
takes_plane(t.permute(2, 0, 1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
plane: TensorView[Float32, Rank2, Cpu] = t.select(0, 0).select(0, 0)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
line: TensorViewMut[Float32, Rank1, Cpu] = t.view_mut().select(0, 0)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
