"""Pure layout arithmetic over tuples: strides, contiguity, broadcasting, extents.

Strides and offsets are counted in elements, not bytes, and strides may be negative.
Nothing here touches memory or devices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import prod
from operator import index as _index

from corten.core.errors import AxisError, ShapeError, TensorIndexError

MAX_NDIM = 64
"""The most dimensions a tensor may have: NumPy's limit (``NPY_MAXDIMS``)."""

_MAX_INT64 = 2**63 - 1

__all__ = [
    "MAX_NDIM",
    "broadcast_shapes",
    "check_numel",
    "check_shape",
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
    if 0 in shape:
        return True
    acc = 1
    for s, st in zip(reversed(shape), reversed(strides), strict=True):
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
        If a dimension is negative or not an integer, or NumPy cannot hold the shape
        (see :func:`check_shape`).

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
    return check_shape(dims)


def check_shape(dims: tuple[int, ...]) -> tuple[int, ...]:
    """``dims`` if NumPy can hold a shape of that many dimensions and sizes, else ShapeError.

    At most :data:`MAX_NDIM` dimensions, each below ``2**63`` (an int64 in NumPy and in
    DLPack), even when another dimension is 0. The element count is :func:`check_numel`'s
    business: a factory that allocates reports a count too large for memory as
    ``OutOfMemoryError`` instead.

    Raises
    ------
    ShapeError
        If the shape has too many dimensions, or a dimension that does not fit in int64.

    Examples
    --------
    >>> check_shape((2, 3))
    (2, 3)
    >>> try:
    ...     check_shape((0, 2**70))
    ... except ShapeError as exc:
    ...     print(str(exc)[-48:])
    a dimension must be below 2**63 (it is an int64)
    """
    if len(dims) > MAX_NDIM:
        raise ShapeError(
            f"a tensor has at most {MAX_NDIM} dimensions (NumPy's limit), got a shape of "
            f"{len(dims)} dimensions; merge dimensions with reshape"
        )
    if dims and max(dims) > _MAX_INT64:
        i, d = next((i, d) for i, d in enumerate(dims) if d > _MAX_INT64)
        power = f"2**{d.bit_length() - 1}" if d & (d - 1) == 0 else str(d)
        raise ShapeError(
            f"dimension {i} of shape {dims} is {power}: a dimension must be below 2**63 "
            "(it is an int64)"
        )
    return dims


def check_numel(dims: tuple[int, ...]) -> tuple[int, ...]:
    """``dims`` if its number of elements fits in an int64 (as NumPy counts), else ShapeError.

    Raises
    ------
    ShapeError
        If the shape has ``2**63`` elements or more.

    Examples
    --------
    >>> check_numel((2**31, 2**31))
    (2147483648, 2147483648)
    """
    n = prod(dims)
    if n > _MAX_INT64:
        raise ShapeError(
            f"a tensor of shape {dims} would have {n} elements, more than an int64 can count "
            "(2**63 - 1)"
        )
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


Layout = tuple[tuple[int, ...], tuple[int, ...], int]


class AdvancedIndex(Exception):
    """Raised by ``index_layout`` for an index that is not basic (lists, arrays, masks,
    bools): the caller then applies NumPy's advanced indexing, which copies."""


try:  # the C version of the common cases (ints and slices); None where it declines
    from corten.core import _speedups
except ImportError:  # built without a C compiler: the Python path does everything
    _speedups = None  # type: ignore[assignment]

fast_basic_layout: Callable[[tuple[int, ...], tuple[int, ...], int, object], Layout | None] | None
fast_narrow_layout: (
    Callable[
        [tuple[int, ...], tuple[int, ...], int, int, int, int], tuple[tuple[int, ...], int] | None
    ]
    | None
)
fast_permute_layout: (
    Callable[
        [tuple[int, ...], tuple[int, ...], object], tuple[tuple[int, ...], tuple[int, ...]] | None
    ]
    | None
)
fast_basic_layout = None if _speedups is None else _speedups.basic_layout
fast_narrow_layout = None if _speedups is None else _speedups.narrow_layout
fast_permute_layout = None if _speedups is None else _speedups.permute_layout


def index_layout(
    shape: tuple[int, ...], strides: tuple[int, ...], offset: int, idx: object
) -> Layout:
    """The layout that a basic index (ints, slices, ``...``, ``None``) selects.

    Follows NumPy's rules: ints drop their dimension (negative ones count from the end),
    slices keep it with their step, ``None`` inserts a dimension of size 1 and ``...``
    stands for the dimensions not named.

    Raises
    ------
    TensorIndexError
        If an int is out of range, there are too many indices, or more than one ``...``.
    AdvancedIndex
        If an item is not a basic index (a list, an array, a bool...).

    Examples
    --------
    >>> index_layout((4, 5), (5, 1), 0, (1, slice(None, None, -2)))
    ((3,), (-2,), 9)
    >>> index_layout((4, 5), (5, 1), 0, (None, Ellipsis, 2))
    ((1, 4), (0, 5), 2)
    """
    items = idx if type(idx) is tuple else (idx,)
    if len(items) <= len(shape):
        layout = _basic_layout(shape, strides, offset, items)
        if layout is not None:
            return layout
    # ``None`` or ``...`` present: expand ``...`` into full slices, take the layout of
    # the ints and slices, then insert the new axes where the ``None``s stand.
    ndim = len(shape)
    named = 0
    ellipses = 0
    for it in items:
        if it is Ellipsis:
            ellipses += 1
        elif it is not None:
            named += 1
    if ellipses > 1:
        raise TensorIndexError("an index can only have a single ellipsis ('...')")
    if named > ndim:
        raise TensorIndexError(
            f"too many indices: {named} given for a tensor of rank {ndim} (shape {shape})"
        )
    basic: list[object] = []
    new_axes: list[int] = []  # positions of the inserted axes in the result
    kept = 0  # result dimensions produced so far
    for it in items:
        if it is None:
            new_axes.append(kept)
            kept += 1
        elif it is Ellipsis:
            basic.extend([slice(None)] * (ndim - named))
            kept += ndim - named
        else:
            basic.append(it)
            kept += type(it) is slice  # an int drops its dimension
    layout = _basic_layout(shape, strides, offset, tuple(basic))
    assert layout is not None  # no None or ... left
    out_shape, out_strides, off = layout
    if len(out_shape) + len(new_axes) > MAX_NDIM:
        raise TensorIndexError(
            f"the index {idx!r} gives {len(out_shape) + len(new_axes)} dimensions; a tensor "
            f"has at most {MAX_NDIM} dimensions"
        )
    for p in new_axes:
        out_shape = (*out_shape[:p], 1, *out_shape[p:])
        out_strides = (*out_strides[:p], 0, *out_strides[p:])
    return out_shape, out_strides, off


def _basic_layout(
    shape: tuple[int, ...], strides: tuple[int, ...], offset: int, items: tuple[object, ...]
) -> Layout | None:
    """The layout of at most ``len(shape)`` ints and slices; None on meeting None or ``...``.

    This is the hot path of indexing, written out without helper calls.
    """
    out_shape: list[int] = []
    out_strides: list[int] = []
    dim = 0
    for it in items:
        if type(it) is slice:
            size = shape[dim]
            stride = strides[dim]
            try:
                start, stop, step = it.indices(size)
            except ValueError as exc:  # a zero step
                raise TensorIndexError(
                    f"invalid slice {it!r} for dimension {dim}: {exc}; a slice step must "
                    "not be zero"
                ) from exc
            n = (
                (stop - start + step - 1) // step
                if step > 0
                else (start - stop - step - 1) // -step
            )
            if n > 0:
                offset += start * stride
            else:
                n = 0
            out_shape.append(n)
            out_strides.append(step * stride)
        else:
            if type(it) is int:
                i = it
            elif it is None or it is Ellipsis:
                return None
            elif isinstance(it, bool):
                raise AdvancedIndex(it)
            else:
                try:
                    i = _index(it)  # type: ignore[arg-type]
                except TypeError as exc:
                    raise AdvancedIndex(it) from exc
            size = shape[dim]
            if not -size <= i < size:
                raise TensorIndexError(
                    f"index {i} is out of bounds for dimension {dim} with size {size}"
                )
            offset += (i + size if i < 0 else i) * strides[dim]
        dim += 1
    if dim < len(shape):
        out_shape.extend(shape[dim:])
        out_strides.extend(strides[dim:])
    return tuple(out_shape), tuple(out_strides), offset


def reshape_strides(
    shape: tuple[int, ...], strides: tuple[int, ...], new_shape: tuple[int, ...]
) -> tuple[int, ...] | None:
    """Strides that give ``new_shape`` over the same elements without copying, or None.

    The element counts must agree. Dimensions are matched in row-major order in groups
    whose products agree; each old group must be contiguous within itself.

    Examples
    --------
    >>> reshape_strides((2, 3), (3, 1), (3, 2))
    (2, 1)
    >>> reshape_strides((2, 3), (1, 2), (6,)) is None
    True
    """
    if numel(new_shape) == 0 or numel(shape) == 0:
        return contiguous_strides(new_shape)
    old = [(s, st) for s, st in zip(shape, strides, strict=True) if s != 1]
    out = [0] * len(new_shape)
    oi = ni = 0
    n_old, n_new = len(old), len(new_shape)
    while ni < n_new:
        if new_shape[ni] == 1:
            out[ni] = 0
            ni += 1
            continue
        if oi >= n_old:
            return None
        # Grow a group of old dims and new dims with equal products.
        o_start, n_start = oi, ni
        po, pn = old[oi][0], new_shape[ni]
        oi += 1
        ni += 1
        while po != pn:
            if po < pn:
                if oi >= n_old:
                    return None
                po *= old[oi][0]
                oi += 1
            else:
                while ni < n_new and new_shape[ni] == 1:
                    ni += 1
                if ni >= n_new:
                    return None
                pn *= new_shape[ni]
                ni += 1
        # The old group must be contiguous within itself.
        for k in range(o_start, oi - 1):
            if old[k][1] != old[k + 1][1] * old[k + 1][0]:
                return None
        # Lay out the new group from the innermost old stride outwards.
        acc = old[oi - 1][1]
        for k in range(ni - 1, n_start - 1, -1):
            if new_shape[k] == 1:
                out[k] = 0
                continue
            out[k] = acc
            acc *= new_shape[k]
    if oi != n_old:
        return None
    return tuple(out)


def may_overlap(shape: tuple[int, ...], strides: tuple[int, ...]) -> bool:
    """Whether two distinct indices of a layout might address the same element.

    Conservative: True is returned for every overlapping layout (a stride of 0 on a
    dimension longer than 1, and interleavings such as some ``as_strided`` results),
    and possibly for a few exotic layouts that do not overlap.

    Examples
    --------
    >>> may_overlap((3, 4), (0, 1)), may_overlap((3, 4), (-4, 1))
    (True, False)
    """
    if 0 in shape:
        return False
    # One pass from the innermost dimension settles row-major-like layouts; anything
    # else (transposed, interleaved) takes the sorted pass below.
    reach = 0  # the largest offset the inner dimensions span
    for s, st in zip(reversed(shape), reversed(strides), strict=True):
        if s == 1:
            continue
        a = st if st >= 0 else -st
        if a <= reach:
            break
        reach += a * (s - 1)
    else:
        return False
    dims = sorted((abs(st), s) for s, st in zip(shape, strides, strict=True) if s > 1)
    reach = 0
    for st, s in dims:
        if st <= reach:
            return True
        reach += st * (s - 1)
    return False
