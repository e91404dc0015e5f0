"""Named view operations: zero-copy windows onto the same buffer.

Each operation computes a new layout with the pure functions of ``corten.core.layout`` and
asks the tensor for a view of its own kind over it (``_view``): a frozen ``TensorView``
from an owner or a frozen view, a ``TensorViewMut`` from a mutable view. A view of a view
points at the root buffer with combined strides and offset; no chain of objects grows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import index as _index
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Generic, overload

from corten.core.errors import AxisError, ShapeError, TensorIndexError
from corten.core.layout import (
    AdvancedIndex,
    extent,
    fast_narrow_layout,
    fast_permute_layout,
    index_layout,
    normalize_axis,
    normalize_shape,
    numel,
    reshape_strides,
)
from corten.core.typeparams import DT, AnyRank, D, R, Rank0, Rank1, Rank2, Rank3, Rank4
from corten.memory.storage import GappedBuffer
from corten.tensor._reductions import _UnknownRank

if TYPE_CHECKING:
    from corten.memory.storage import Storage
    from corten.tensor import TensorView

__all__: list[str] = []


def _axes(value: int | Sequence[int]) -> tuple[int, ...]:
    """One axis (an int or NumPy integer) or a sequence of them, as a tuple."""
    if isinstance(value, Sequence):
        return tuple(value)
    return (_index(value),)


def _dims_arg(dims: tuple[Any, ...]) -> tuple[int, ...]:
    """``f(2, 0, 1)`` and ``f((2, 0, 1))`` both mean the dims (2, 0, 1)."""
    if len(dims) == 1 and isinstance(dims[0], Sequence):
        return tuple(dims[0])
    return tuple(dims)


# Validated permutations, keyed by (rank, order): each picks a tuple's items in the new
# order with one C-level call, so permute costs a dict lookup once an order was seen.
_PERMUTERS: dict[tuple[int, Any], Callable[[tuple[int, ...]], tuple[int, ...]]] = {}


def _permuter(n: int, order: Any) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
    """Validate ``order`` as a permutation of ``n`` dimensions and make its picker."""
    try:
        norm = tuple(normalize_axis(d, n) for d in order)
        ok = len(norm) == n and len(set(norm)) == n
    except (TypeError, AxisError):
        ok = False
    if not ok:
        raise AxisError(
            f"permute needs each of the {n} dimensions exactly once, got {tuple(order)!r}"
        )
    if n >= 2:
        pick: Callable[[tuple[int, ...]], tuple[int, ...]] = itemgetter(*norm)
    else:
        pick = tuple
    if len(_PERMUTERS) < 1024 and all(type(d) is int for d in order):
        _PERMUTERS[(n, tuple(order))] = pick
    return pick


class _ViewOps(Generic[DT, R, D]):
    __slots__ = ()
    _storage: Storage
    _shape: tuple[int, ...]
    _strides: tuple[int, ...]
    _offset: int

    def _view(self, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Any:
        raise NotImplementedError

    def _copy_reshaped(self, shape: tuple[int, ...]) -> Any:
        raise NotImplementedError

    def slice(self, *indices: int | slice | None) -> TensorView[DT, AnyRank, D]:
        """A view selected by basic indices: ``t.slice(0, slice(1, 3))`` is ``t[0, 1:3]``.

        Raises
        ------
        TensorIndexError
            If an index is out of range or not a basic index.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape((2, 3)).slice(1, slice(None, None, -1)).tolist()
        [5, 4, 3]
        """
        try:
            layout = index_layout(self._shape, self._strides, self._offset, indices)
        except AdvancedIndex as exc:
            raise TensorIndexError(
                "slice() takes basic indices (ints, slices, ..., None); got "
                f"{type(exc.args[0]).__name__}; index with t[...] for advanced indexing"
            ) from None
        return self._view(*layout)  # type: ignore[no-any-return]

    def narrow(self, dim: int, start: int, length: int) -> TensorView[DT, AnyRank, D]:
        """Elements ``start`` to ``start + length`` along ``dim`` (a negative start counts
        from the end).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(10).narrow(0, 2, 3).tolist()
        [2, 3, 4]
        """
        shape = self._shape
        if fast_narrow_layout is not None:
            layout = fast_narrow_layout(shape, self._strides, self._offset, dim, start, length)
            if layout is not None:
                return self._view(layout[0], self._strides, layout[1])  # type: ignore[no-any-return]
        ndim = len(shape)
        d = dim + ndim if type(dim) is int and dim < 0 else dim
        if type(d) is not int or not 0 <= d < ndim:
            d = normalize_axis(dim, ndim)  # raises the AxisError (or takes a NumPy int)
        size = shape[d]
        s = start if type(start) is int else _index(start)
        if s < 0:
            s += size
        n = length if type(length) is int else _index(length)
        if not (0 <= s <= size and 0 <= n <= size - s):
            raise TensorIndexError(
                f"narrow({dim}, {start}, {length}) is out of range for dimension {d} of size {size}"
            )
        off = self._offset + (s * self._strides[d] if n else 0)
        return self._view((*shape[:d], n, *shape[d + 1 :]), self._strides, off)  # type: ignore[no-any-return]

    @overload
    def select(
        self: _ViewOps[DT, _UnknownRank, D], dim: int, index: int
    ) -> TensorView[DT, AnyRank, D]: ...
    @overload
    def select(self: _ViewOps[DT, Rank1, D], dim: int, index: int) -> TensorView[DT, Rank0, D]: ...
    @overload
    def select(self: _ViewOps[DT, Rank2, D], dim: int, index: int) -> TensorView[DT, Rank1, D]: ...
    @overload
    def select(self: _ViewOps[DT, Rank3, D], dim: int, index: int) -> TensorView[DT, Rank2, D]: ...
    @overload
    def select(self: _ViewOps[DT, Rank4, D], dim: int, index: int) -> TensorView[DT, Rank3, D]: ...
    @overload
    def select(self, dim: int, index: int) -> TensorView[DT, AnyRank, D]: ...
    def select(self, dim: int, index: int) -> TensorView[DT, Any, D]:
        """The slice at ``index`` along ``dim``, one rank lower.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape((2, 3)).select(1, -1).tolist()
        [2, 5]
        """
        d = normalize_axis(dim, len(self._shape))
        size = self._shape[d]
        i = _index(index)
        if not -size <= i < size:
            raise TensorIndexError(f"index {i} is out of bounds for dimension {d} with size {size}")
        off = self._offset + (i % size) * self._strides[d]
        return self._view(  # type: ignore[no-any-return]
            self._shape[:d] + self._shape[d + 1 :], self._strides[:d] + self._strides[d + 1 :], off
        )

    def permute(self, *dims: int | Sequence[int]) -> TensorView[DT, R, D]:
        """The dimensions reordered: dimension ``i`` of the result is ``dims[i]`` of this.

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros((480, 640, 3)).permute(2, 0, 1).shape
        (3, 480, 640)
        """
        order: Any = dims
        if len(dims) == 1 and type(dims[0]) is not int and hasattr(dims[0], "__iter__"):
            order = dims[0]  # permute((2, 0, 1)) or permute([2, 0, 1])
        shape = self._shape
        if fast_permute_layout is not None:
            layout = fast_permute_layout(shape, self._strides, order)
            if layout is not None:
                return self._view(layout[0], layout[1], self._offset)  # type: ignore[no-any-return]
        n = len(shape)
        try:
            pick = _PERMUTERS.get((n, order))
        except TypeError:  # an unhashable order such as a list
            order = tuple(order)
            pick = _PERMUTERS.get((n, order))
        for d in order:  # the cache compares by ==: 0.0 and True must not hit it
            if type(d) is not int:
                pick = None
                break
        if pick is None:
            pick = _permuter(n, order)
        return self._view(pick(shape), pick(self._strides), self._offset)  # type: ignore[no-any-return]

    def transpose(self, dim0: int, dim1: int) -> TensorView[DT, R, D]:
        """Dimensions ``dim0`` and ``dim1`` swapped.

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros((2, 3, 4)).transpose(0, 2).shape
        (4, 3, 2)
        """
        n = len(self._shape)
        order = list(range(n))
        a, b = normalize_axis(dim0, n), normalize_axis(dim1, n)
        order[a], order[b] = order[b], order[a]
        return self.permute(order)

    @property
    def T(self) -> TensorView[DT, R, D]:
        """All dimensions reversed, as NumPy's ``.T``."""
        return self.permute(tuple(range(len(self._shape) - 1, -1, -1)))

    @property
    def mT(self) -> TensorView[DT, R, D]:
        """The last two dimensions swapped (a batch of matrices transposed)."""
        if len(self._shape) < 2:
            raise ShapeError(f"mT needs a rank of at least 2, got shape {self._shape}")
        return self.transpose(-2, -1)

    def _target_shape(self, shape: tuple[Any, ...]) -> tuple[int, ...]:
        dims = list(_dims_arg(shape))
        total = numel(self._shape)
        if dims.count(-1) > 1:
            raise ShapeError(f"only one dimension can be -1, got {tuple(dims)}")
        if -1 in dims:
            known = numel([d for d in dims if d != -1])
            if known == 0 or total % known:
                raise ShapeError(f"cannot reshape a tensor of {total} elements into {tuple(dims)}")
            dims[dims.index(-1)] = total // known
        new = normalize_shape(dims)
        if numel(new) != total:
            raise ShapeError(
                f"cannot reshape a tensor of shape {self._shape} ({total} elements) into "
                f"{new} ({numel(new)} elements)"
            )
        return new

    def reshape(self, *shape: int | Sequence[int]) -> TensorView[DT, AnyRank, D]:
        """The same elements in another shape: a view when the layout allows, else a copy.

        One dimension may be -1 (inferred). Use ``view_as`` to refuse copies.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape(2, -1).tolist()
        [[0, 1, 2], [3, 4, 5]]
        """
        new = self._target_shape(shape)
        strides = reshape_strides(self._shape, self._strides, new)
        if strides is None:
            return self._copy_reshaped(new)  # type: ignore[no-any-return]
        return self._view(new, strides, self._offset)  # type: ignore[no-any-return]

    def view_as(self, *shape: int | Sequence[int]) -> TensorView[DT, AnyRank, D]:
        """The same elements in another shape, always zero-copy.

        Raises
        ------
        ShapeError
            If the layout cannot be reshaped without a copy (``reshape`` would copy).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).view_as(3, 2).shape
        (3, 2)
        """
        new = self._target_shape(shape)
        strides = reshape_strides(self._shape, self._strides, new)
        if strides is None:
            raise ShapeError(
                f"a tensor of shape {self._shape} and strides {self._strides} cannot be "
                f"viewed as shape {new} without a copy; use .reshape(...) or "
                ".contiguous() first"
            )
        return self._view(new, strides, self._offset)  # type: ignore[no-any-return]

    def flatten(self) -> TensorView[DT, Rank1, D]:
        """The elements as one dimension: a view when the layout allows, else a copy.

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros((2, 3)).flatten().shape
        (6,)
        """
        return self.reshape(-1)

    def ravel(self) -> TensorView[DT, Rank1, D]:
        """NumPy's name for :meth:`flatten`: the elements as one dimension, a view when the
        layout allows (libraries written for NumPy arrays, such as scikit-image, call it).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape((2, 3)).ravel().tolist()
        [0, 1, 2, 3, 4, 5]
        """
        return self.reshape(-1)

    def squeeze(self, dim: int | Sequence[int] | None = None) -> TensorView[DT, AnyRank, D]:
        """Dimensions of size 1 removed (all of them, or those named, which must be 1).

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros((1, 3, 1)).squeeze().shape, ct.zeros((1, 3, 1)).squeeze(0).shape
        ((3,), (3, 1))
        """
        n = len(self._shape)
        if dim is None:
            drop = {i for i, s in enumerate(self._shape) if s == 1}
        else:
            drop = {normalize_axis(d, n) for d in _axes(dim)}
            bad = [d for d in sorted(drop) if self._shape[d] != 1]
            if bad:
                raise ShapeError(
                    f"cannot squeeze dimension {bad[0]} of size {self._shape[bad[0]]}; only "
                    "dimensions of size 1 can be removed"
                )
        keep = [i for i in range(n) if i not in drop]
        return self._view(  # type: ignore[no-any-return]
            tuple(self._shape[i] for i in keep), tuple(self._strides[i] for i in keep), self._offset
        )

    def unsqueeze(self, dim: int) -> TensorView[DT, AnyRank, D]:
        """A dimension of size 1 inserted at ``dim`` (``-1`` appends).

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros((2, 3)).unsqueeze(0).shape, ct.zeros((2, 3)).unsqueeze(-1).shape
        ((1, 2, 3), (2, 3, 1))
        """
        d = normalize_axis(dim, len(self._shape) + 1)
        return self._view(  # type: ignore[no-any-return]
            (*self._shape[:d], 1, *self._shape[d:]),
            (*self._strides[:d], 0, *self._strides[d:]),
            self._offset,
        )

    def expand(self, *shape: int | Sequence[int]) -> TensorView[DT, AnyRank, D]:
        """A broadcast view of ``shape`` (stride 0 along repeated dimensions); ``-1``
        keeps a size. The result overlaps itself, so it is never writable.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1, 2, 3]).expand(2, 3).tolist()
        [[1, 2, 3], [1, 2, 3]]
        """
        target = list(_dims_arg(shape))
        n, m = len(self._shape), len(target)
        if m < n:
            raise ShapeError(
                f"cannot expand a tensor of shape {self._shape} to fewer dimensions: "
                f"{tuple(target)}"
            )
        src_shape = (1,) * (m - n) + self._shape
        src_strides = (0,) * (m - n) + self._strides
        out_shape: list[int] = []
        out_strides: list[int] = []
        for i, (want, have, st) in enumerate(zip(target, src_shape, src_strides, strict=True)):
            size = have if want == -1 and i >= m - n else _index(want)
            if size == have:
                out_shape.append(have)
                out_strides.append(st)
            elif have == 1 and size >= 0:
                out_shape.append(size)
                out_strides.append(0)
            else:
                raise ShapeError(
                    f"cannot expand shape {self._shape} to {tuple(target)}: dimension {i} "
                    f"has size {have}, which is neither 1 nor {size}"
                )
        return self._view(tuple(out_shape), tuple(out_strides), self._offset)  # type: ignore[no-any-return]

    def broadcast_to(self, shape: Sequence[int]) -> TensorView[DT, AnyRank, D]:
        """A broadcast view of ``shape`` following NumPy's rules (see ``expand``).

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros((3, 1)).broadcast_to((2, 3, 4)).strides
        (0, 1, 0)
        """
        return self.expand(tuple(shape))

    def flip(self, dims: int | Sequence[int] | None = None) -> TensorView[DT, R, D]:
        """The order of elements reversed along ``dims`` (all of them by default).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(4).reshape((2, 2)).flip(1).tolist()
        [[1, 0], [3, 2]]
        """
        n = len(self._shape)
        axes = range(n) if dims is None else {normalize_axis(d, n) for d in _axes(dims)}
        shape, strides, off = self._shape, list(self._strides), self._offset
        if numel(shape):
            for d in axes:
                off += (shape[d] - 1) * strides[d]
                strides[d] = -strides[d]
        return self._view(shape, tuple(strides), off)  # type: ignore[no-any-return]

    def split(
        self, split_size_or_sections: int | Sequence[int], dim: int = 0
    ) -> list[TensorView[DT, R, D]]:
        """Views of consecutive pieces along ``dim``: of one size (the last may be
        smaller), or of the listed sizes, which must add up to the dimension.

        Examples
        --------
        >>> import corten as ct
        >>> [p.tolist() for p in ct.arange(5).split(2)]
        [[0, 1], [2, 3], [4]]
        >>> [p.shape for p in ct.zeros((5, 2)).split([1, 4])]
        [(1, 2), (4, 2)]
        """
        d = normalize_axis(dim, len(self._shape))
        size = self._shape[d]
        if not isinstance(split_size_or_sections, Sequence):
            step = _index(split_size_or_sections)
            if step <= 0:
                raise ShapeError(f"split size must be positive, got {step}")
            sizes = [min(step, size - s) for s in range(0, size, step)] or [0]
        else:
            sizes = [_index(s) for s in split_size_or_sections]
            if any(s < 0 for s in sizes) or sum(sizes) != size:
                raise ShapeError(
                    f"split sizes {sizes} must be >= 0 and add up to {size}, the size of "
                    f"dimension {d}"
                )
        out = []
        start = 0
        for s in sizes:
            out.append(self.narrow(d, start, s))
            start += s
        return out  # type: ignore[return-value]

    def chunk(self, chunks: int, dim: int = 0) -> list[TensorView[DT, R, D]]:
        """At most ``chunks`` views of equal size along ``dim`` (the last may be smaller).

        Examples
        --------
        >>> import corten as ct
        >>> [p.tolist() for p in ct.arange(5).chunk(2)]
        [[0, 1, 2], [3, 4]]
        """
        chunks = _index(chunks)
        if chunks <= 0:
            raise ShapeError(f"chunks must be positive, got {chunks}")
        size = self._shape[normalize_axis(dim, len(self._shape))]
        return self.split(max(1, -(-size // chunks)), dim)

    def unbind(self, dim: int = 0) -> list[TensorView[DT, AnyRank, D]]:
        """The slices along ``dim``, each one rank lower.

        Examples
        --------
        >>> import corten as ct
        >>> [r.tolist() for r in ct.arange(4).reshape((2, 2)).unbind(1)]
        [[0, 2], [1, 3]]
        """
        d = normalize_axis(dim, len(self._shape))
        return [self.select(d, i) for i in range(self._shape[d])]

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> TensorView[DT, AnyRank, D]:
        """The diagonal of dims ``dim1``/``dim2`` as the last dimension (NumPy's rules).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(9).reshape((3, 3)).diagonal(1).tolist()
        [1, 5]
        """
        n = len(self._shape)
        a, b = normalize_axis(dim1, n), normalize_axis(dim2, n)
        if a == b:
            raise AxisError(f"diagonal needs two different dimensions, got {dim1} and {dim2}")
        na, nb = self._shape[a], self._shape[b]
        sa, sb = self._strides[a], self._strides[b]
        k = _index(offset)
        off = self._offset
        if k >= 0:
            length = max(0, min(na, nb - k))
            if length:
                off += k * sb
        else:
            length = max(0, min(na + k, nb))
            if length:
                off += -k * sa
        keep = [i for i in range(n) if i not in (a, b)]
        return self._view(  # type: ignore[no-any-return]
            (*(self._shape[i] for i in keep), length),
            (*(self._strides[i] for i in keep), sa + sb),
            off,
        )

    def as_strided(
        self, shape: Sequence[int], strides: Sequence[int], offset: int | None = None
    ) -> TensorView[DT, AnyRank, D]:
        """A view with any layout over this tensor's buffer, checked to stay inside it.

        ``strides`` and ``offset`` count elements from the start of the buffer (``offset``
        defaults to this tensor's). A layout that overlaps itself is never writable.

        Raises
        ------
        ShapeError
            If the layout reaches outside the buffer.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).as_strided((2, 2), (3, 1)).tolist()
        [[0, 1], [3, 4]]
        """
        new_shape = normalize_shape(shape)
        new_strides = tuple(_index(s) for s in strides)
        if len(new_strides) != len(new_shape):
            raise ShapeError(
                f"as_strided needs one stride per dimension: shape {new_shape}, "
                f"strides {new_strides}"
            )
        off = self._offset if offset is None else _index(offset)
        if type(self._storage.buffer) is GappedBuffer:
            raise ShapeError(
                "as_strided counts from the start of the tensor's buffer, and this tensor is "
                "a strided window of a NumPy array whose gaps are not its elements; take "
                "t.clone() first (a compact copy of its elements) or index the array in NumPy"
            )
        size = self._storage.buffer.array.size
        lo, hi = extent(new_shape, new_strides, off)
        if off < 0 or lo < 0 or hi > size:
            raise ShapeError(
                f"as_strided layout shape={new_shape} strides={new_strides} offset={off} "
                f"reaches elements {lo}..{hi - 1}, outside the buffer of {size} elements"
            )
        return self._view(new_shape, new_strides, off)  # type: ignore[no-any-return]
