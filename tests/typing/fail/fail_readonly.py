"""A TensorView is frozen: no fill_, no item assignment, no in-place operators.

In-place operators are declared on TensorView to return CannotWriteToTensorView, so
`v += 1` on a name annotated TensorView[...] is an incompatible assignment.
Every line that must be an error carries the exact mypy code and pyright rule.
Type-checked only, never run.
"""

import corten as ct
from corten import Cpu, Float32, Int32, Rank2, TensorView, TensorViewMut


def read_only(v: TensorView[Float32, Rank2, Cpu], iv: TensorView[Int32, Rank2, Cpu]) -> None:
    v.fill_(1.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    v.copy_(v)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    v.view_mut()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    v[0] = 1  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    v[0, 1] = 2.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    v[...] = v  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    v[0][0] = 1  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
    v += 1  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v -= 1  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v *= 2  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v /= 2  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v //= 2  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v %= 2  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v **= 2  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v += v  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    iv &= 1  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    iv |= 1  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    iv ^= 1  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]
    v.numpy(writable=True)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def writes(m: TensorViewMut[Float32, Rank2, Cpu]) -> None: ...


t = ct.zeros((2, 3))

# Indexing an owner gives a frozen view.
t[0].fill_(1.0)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
t[0][1] = 1.0  # type: ignore[index]  # pyright: ignore[reportIndexIssue]
row: TensorView[Float32, tuple[int], Cpu] = t[0]
row += 1  # type: ignore[misc]  # pyright: ignore[reportAssignmentType]

# A frozen view is not a mutable view; an owner is passed as t.view_mut().
writes(t.view())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes(t[...])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
writes(t.view_mut()[[0, 1]])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def forwards(v: TensorView[Float32, Rank2, Cpu]) -> None:
    writes(v)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
