"""Pure layout arithmetic over tuples: strides, contiguity, broadcasting, extents.

Strides and offsets are counted in elements, not bytes, and strides may be negative.
Nothing here touches memory or devices.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import index as _index

from corten.errors import AxisError, ShapeError

__all__ = [
    "broadcast_shapes",
    "contiguous_strides",
    "extent",
    "is_contiguous",
    "normalize_axes",
    "normalize_axis",
    "normalize_shape",
    "numel",
]


def numel(shape: Sequence[int]) -> int:
    """Number of elements of ``shape``.

    Examples
    --------
    >>> numel((2, 3, 4)), numel(())
    (24, 1)
    """
    n = 1
    for s in shape:
        n *= s
    return n


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    """Row-major (C order) strides in elements.

    Examples
    --------
    >>> contiguous_strides((2, 3, 4))
    (12, 4, 1)
    """
    strides = [0] * len(shape)
    acc = 1
    for i in range(len(shape) - 1, -1, -1):
        strides[i] = acc
        acc *= max(shape[i], 1)
    return tuple(strides)


def is_contiguous(shape: Sequence[int], strides: Sequence[int]) -> bool:
    """Whether a layout is row-major contiguous (dimensions of size 1 may have any stride).

    Examples
    --------
    >>> is_contiguous((2, 3), (3, 1)), is_contiguous((2, 3), (1, 2))
    (True, False)
    """
    acc = 1
    for s, st in zip(reversed(shape), reversed(strides), strict=True):
        if s == 0:
            return True
        if s != 1 and st != acc:
            return False
        acc *= s
    return True


def extent(shape: Sequence[int], strides: Sequence[int], offset: int) -> tuple[int, int]:
    """The lowest and one-past-highest element index that a layout touches.

    An empty layout touches nothing and returns ``(offset, offset)``.

    Examples
    --------
    >>> extent((2, 3), (3, 1), 0)
    (0, 6)
    >>> extent((3,), (-1,), 2)
    (0, 3)
    """
    if 0 in shape:
        return offset, offset
    lo = hi = offset
    for s, st in zip(shape, strides, strict=True):
        if st > 0:
            hi += (s - 1) * st
        else:
            lo += (s - 1) * st
    return lo, hi + 1


def normalize_shape(shape: int | Sequence[int]) -> tuple[int, ...]:
    """Validate a shape given as an int or a sequence of ints.

    Raises
    ------
    ShapeError
        If a dimension is negative or not an integer.

    Examples
    --------
    >>> normalize_shape(3), normalize_shape([2, 0])
    ((3,), (2, 0))
    """
    if isinstance(shape, bool):
        raise ShapeError(f"a shape is an int or a sequence of ints, got {shape!r}")
    try:
        dims = (_index(shape),) if not isinstance(shape, Sequence) else tuple(map(_index, shape))
    except TypeError as exc:
        raise ShapeError(f"a shape is an int or a sequence of ints, got {shape!r}") from exc
    if any(d < 0 for d in dims):
        raise ShapeError(f"dimensions must be >= 0, got shape {dims}")
    return dims


def normalize_axis(axis: int, ndim: int) -> int:
    """Map ``axis`` in ``[-ndim, ndim)`` to ``[0, ndim)``.

    Raises
    ------
    AxisError
        If ``axis`` is out of range.

    Examples
    --------
    >>> normalize_axis(-1, 3)
    2
    """
    try:
        ax = _index(axis)
    except TypeError as exc:
        raise AxisError(f"an axis is an int, got {axis!r}") from exc
    if not -ndim <= ax < ndim:
        raise AxisError(
            f"axis {ax} is out of range for a tensor of rank {ndim}; use -{ndim} <= axis < {ndim}"
            if ndim
            else f"axis {ax} is out of range: a rank-0 tensor has no axes"
        )
    return ax % ndim


def normalize_axes(axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    """Validate ``axis`` as given to a reduction: None, an int or a sequence of ints.

    Examples
    --------
    >>> normalize_axes((0, -1), 3), normalize_axes(None, 2)
    ((0, 2), None)
    """
    if axis is None:
        return None
    axes = (axis,) if not isinstance(axis, Sequence) else tuple(axis)
    out = tuple(normalize_axis(a, ndim) for a in axes)
    if len(set(out)) != len(out):
        raise AxisError(f"repeated axis in {axis!r}")
    return out


def broadcast_shapes(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """The shape that NumPy's broadcasting rules give two shapes.

    Raises
    ------
    ShapeError
        If the shapes cannot be broadcast together.

    Examples
    --------
    >>> broadcast_shapes((3, 1), (4,))
    (3, 4)
    """
    n = max(len(a), len(b))
    pa = (1,) * (n - len(a)) + tuple(a)
    pb = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(pa, pb, strict=True):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ShapeError(
                f"shapes {tuple(a)} and {tuple(b)} cannot be broadcast together "
                f"(dimension sizes {x} and {y} differ and neither is 1)"
            )
    return tuple(out)
