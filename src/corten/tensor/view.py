"""``TensorView``: the frozen, read-only tensor and the base of every tensor type.

Its methods come from mixins, one file each: arithmetic (``_arith``), conversions to
NumPy and Python (``_conversions``), copies and device moves (``_moves``), the methods
that upper layers implement (``_bridges``), reductions and named view operations. This
module holds what makes a tensor: construction, layout, views, clones and indexing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Final, NoReturn, Self, overload

import numpy as np

from corten.core.convert import reduce_array
from corten.core.devices import Device, cpu
from corten.core.dtypes import DType
from corten.core.errors import (
    DeviceMismatchError,
    DTypeError,
    ReadOnlyError,
    ShapeError,
    TensorIndexError,
)
from corten.core.layout import (
    AdvancedIndex,
    contiguous_strides,
    extent,
    fast_basic_layout,
    index_layout,
    is_contiguous,
    may_overlap,
    normalize_axes,
    normalize_axis,
)
from corten.core.typeparams import DT, AnyRank, D, R
from corten.memory.region import Region, array_at, numel
from corten.memory.storage import Buffer, Storage, count_copy
from corten.tensor._arith import _Arithmetic
from corten.tensor._bridges import _Bridges
from corten.tensor._build import _NO_CACHE, KINDS, _backend, _new_object, _result, _wrap_region
from corten.tensor._conversions import _Conversions
from corten.tensor._moves import _Moves
from corten.tensor._reductions import _Reductions
from corten.tensor._viewops import _ViewOps

if TYPE_CHECKING:
    from corten.tensor.owner import Tensor

__all__ = ["TensorView"]

Array = np.ndarray[Any, Any]

_BASIC_EXACT: Final = frozenset({int, slice, type(Ellipsis), type(None)})


def _is_basic(idx: object) -> bool:
    """Whether ``idx`` is a basic index: ints, slices, ``...``, ``None`` and tuples of them."""
    if type(idx) is tuple:
        for i in idx:
            if type(i) not in _BASIC_EXACT and not (
                isinstance(i, np.integer) or (isinstance(i, int) and not isinstance(i, bool))
            ):
                return False
        return True
    return type(idx) in _BASIC_EXACT or (
        isinstance(idx, (int, np.integer)) and not isinstance(idx, bool)
    )


def _np_index(idx: object, device: Device) -> Any:
    """An advanced index with its tensors replaced by host NumPy arrays.

    Index tensors must be on ``device`` (the indexed tensor's); those on a device the
    host cannot read are copied to the host first. Backends take the result.

    Raises
    ------
    DeviceMismatchError
        If an index tensor is on another device.
    """

    def array(i: TensorView[Any, Any, Any]) -> Array:
        if i._device is not device:
            raise DeviceMismatchError(
                f"an index tensor on {i._device} for a tensor on {device}; move the index "
                f"with .to({str(device)!r})"
            )
        return i._host_np()

    if isinstance(idx, TensorView):
        return array(idx)
    if isinstance(idx, tuple):
        return tuple(array(i) if isinstance(i, TensorView) else i for i in idx)
    return idx


def _index_error(exc: Exception, idx: object, shape: tuple[int, ...]) -> TensorIndexError:
    return TensorIndexError(f"invalid index {idx!r} for a tensor of shape {shape}: {exc}")


class TensorView(
    _Reductions[DT, R, D],
    _ViewOps[DT, R, D],
    _Arithmetic[DT, R, D],
    _Conversions[DT, R, D],
    _Moves[DT, R, D],
    _Bridges[DT, R, D],
):
    """A frozen, read-only tensor: what ``t.view()`` and ``t[...]`` return.

    It keeps the data it saw: a later write to its owner copies the owner away. It has
    no mutating methods; a function that only reads should take ``TensorView[...]``,
    which accepts owners and mutable views too.

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.tensor([1.0, 2.0, 3.0])
    >>> v = t.view()
    >>> t.fill_(0.0)
    >>> v.tolist(), t.tolist()
    ([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    """

    __slots__ = ("_cache", "_device", "_dtype", "_offset", "_shape", "_storage", "_strides")
    __array_priority__ = 1000
    __hash__ = None  # type: ignore[assignment]

    _storage: Storage
    _shape: tuple[int, ...]
    _strides: tuple[int, ...]
    _offset: int
    _dtype: DType
    _device: Device
    _cache: tuple[Buffer, Array] | tuple[None, None]

    def __init__(self) -> None:
        raise TypeError(
            f"{type(self).__name__} cannot be constructed directly; use ct.tensor, ct.zeros, "
            "ct.from_numpy or another factory"
        )

    @classmethod
    def _new(
        cls,
        storage: Storage,
        shape: tuple[int, ...],
        strides: tuple[int, ...],
        offset: int,
        dtype: DType,
    ) -> Self:
        """The one validating constructor: every tensor object is made here."""
        if len(shape) != len(strides):
            raise ShapeError(f"shape {shape} and strides {strides} differ in length")
        size = storage.buffer.array.size
        lo, hi = extent(shape, strides, offset)
        if (lo < 0 or hi > size) and 0 not in shape:
            raise ShapeError(
                f"layout shape={shape} strides={strides} offset={offset} reaches elements "
                f"{lo}..{hi - 1}, outside the buffer of {size} elements"
            )
        return cls._make(storage, shape, strides, offset, dtype)

    @classmethod
    def _make(
        cls,
        storage: Storage,
        shape: tuple[int, ...],
        strides: tuple[int, ...],
        offset: int,
        dtype: DType,
    ) -> Self:
        """``_new`` without the checks, for layouts derived by corten.core.layout's functions."""
        self = _new_object(cls)
        self._storage = storage
        self._shape = shape
        self._strides = strides
        self._offset = offset
        self._dtype = dtype
        self._device = storage.buffer.device
        self._cache = _NO_CACHE
        return self

    # ----------------------------------------------------------------- properties

    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each dimension."""
        return self._shape

    @property
    def strides(self) -> tuple[int, ...]:
        """The step of each dimension, in elements (negative for reversed views)."""
        return self._strides

    @property
    def offset(self) -> int:
        """The position of the first element in the underlying buffer, in elements."""
        return self._offset

    @property
    def dtype(self) -> DT:
        """The element type, such as ``ct.float32``."""
        return self._dtype  # type: ignore[return-value]

    @property
    def device(self) -> D:
        """The device that holds the data, such as ``ct.cpu``."""
        return self._device  # type: ignore[return-value]

    @property
    def is_shared(self) -> bool:
        """Whether the memory is shared with code outside corten, which can write it.

        Memory taken in by ``ct.from_numpy`` or ``ct.from_dlpack`` of a writable producer,
        or handed out by ``numpy(writable=True)`` or a writable DLPack export, is shared:
        its views are zero-copy windows that see writes made outside (as NumPy views do),
        the owner writes in place, and a clone copies. ``clone()`` or ``ct.tensor(a)``
        give memory corten owns, with every copy-on-write guarantee.

        Examples
        --------
        >>> import numpy as np
        >>> import corten as ct
        >>> a = np.zeros(3)
        >>> t = ct.from_numpy(a)
        >>> t.is_shared, t[1:].is_shared, t.clone().is_shared
        (True, True, False)
        >>> v = t[1:]
        >>> a[1] = 5.0
        >>> v.tolist()
        [5.0, 0.0]
        """
        return self._storage.buffer.escaped

    @property
    def ndim(self) -> int:
        """The rank: the number of dimensions."""
        return len(self._shape)

    @property
    def numel(self) -> int:
        """The number of elements."""
        return numel(self._shape)

    @property
    def itemsize(self) -> int:
        """The size of one element in bytes."""
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        """The size of the elements in bytes (``numel * itemsize``)."""
        return numel(self._shape) * self._dtype.itemsize

    @property
    def is_contiguous(self) -> bool:
        """Whether the elements lie in row-major order without gaps."""
        return is_contiguous(self._shape, self._strides)

    # ----------------------------------------------------------------- internals

    def _np(self) -> Array:
        """The elements as a NumPy array over the current buffer. Never handed out."""
        buf = self._storage.buffer
        cache = self._cache
        if cache[0] is buf:
            return cache[1]
        arr = array_at(buf, self._shape, self._strides, self._offset)
        if buf.device is cpu:  # device arrays are not kept: each use runs in stream order
            self._cache = (buf, arr)
        return arr

    def _frozen_storage(self) -> Storage:
        """The Storage for a frozen view of this tensor's current Buffer.

        Frozen views never write, so all frozen views of one buffer share one Storage:
        a frozen view's own Storage serves every view derived from it.
        """
        return self._storage

    def _owner_storage(self) -> Storage:
        """A new Storage over this tensor's current Buffer, for a new owner (a clone)."""
        return self._storage.share()

    def _view(self, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Any:
        """A frozen view over a layout derived from this tensor's (zero-copy).

        ``_make`` inlined: this is every view operation's path.
        """
        st = self._storage
        storage = st.frozen  # the lock-free hit of _frozen_storage, inlined
        if storage is None or storage.buffer is not st.buffer:
            storage = self._frozen_storage()
        v = _new_object(TensorView)
        v._storage = storage
        v._shape = shape
        v._strides = strides
        v._offset = offset
        v._dtype = self._dtype
        v._device = self._device
        v._cache = _NO_CACHE
        return v

    def _region(self) -> Region:
        """This tensor's elements as a Region, the operand form of the backends' verbs.

        The Region keeps this tensor alive (``keep``): a frozen view passed as a Region
        keeps its hold on the Buffer while a backend's queued work reads it.
        """
        return Region(self._storage.buffer, self._shape, self._strides, self._offset, self)

    def _copy_reshaped(self, shape: tuple[int, ...]) -> Any:
        if self._device is not cpu:
            return self._dense_copy()._view_as_owner(shape)
        return _result(np.ascontiguousarray(self._np()).reshape(shape), self._device)

    def _view_as_owner(self, shape: tuple[int, ...]) -> Any:
        """This fresh row-major owner with another shape of the same size (no copy)."""
        return KINDS.owner._make(self._storage, shape, contiguous_strides(shape), 0, self._dtype)

    # ----------------------------------------------------------------- copies and views

    def clone(self) -> Tensor[DT, R, D]:
        """An independent owner of the same elements, made in O(1).

        The clone shares the buffer until one side writes; the writer then copies.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([1, 2, 3])
        >>> c = t.clone()
        >>> c += 10
        >>> t.tolist(), c.tolist()
        ([1, 2, 3], [11, 12, 13])
        """
        if may_overlap(self._shape, self._strides):
            # An owner never aliases its own elements: an overlapping layout (expand,
            # some as_strided) becomes a dense copy.
            return self._dense_copy()
        if self._storage.buffer.escaped:
            # Memory that code outside corten writes cannot be shared by a value: the
            # clone copies its own elements (counted in ct.cow_stats()).
            dense = self._dense_copy()
            count_copy(dense.nbytes)
            return dense
        return KINDS.owner._make(
            self._owner_storage(), self._shape, self._strides, self._offset, self._dtype
        )

    def _dense_copy(self) -> Tensor[DT, R, D]:
        """A new row-major owner of the elements (always a copy)."""
        if self._device is not cpu:
            return _wrap_region(_backend(self).contiguous(self._region()))
        return _result(np.array(self._np(), copy=True), self._device)

    def __copy__(self) -> Tensor[DT, R, D]:
        # NumPy's copy.copy copies the data: the same here, as an O(1) clone.
        return self.clone()

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor[DT, R, D]:
        return self.clone()

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of a rank-0 tensor; use .item()")
        return self._shape[0]

    def __iter__(self) -> Iterator[TensorView[DT, AnyRank, D]]:
        if not self._shape:
            raise TypeError("iteration over a rank-0 tensor; use .item()")
        for i in range(self._shape[0]):
            yield self[i]

    def view(self) -> TensorView[DT, R, D]:
        """A frozen view of the elements as they are now (zero-copy).

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((2,))
        >>> v = t.view()
        >>> t += 1.0
        >>> v.tolist()
        [0.0, 0.0]
        """
        return TensorView._make(
            self._frozen_storage(), self._shape, self._strides, self._offset, self._dtype
        )

    @overload
    def __getitem__(
        self, idx: int | slice | EllipsisType | tuple[int | slice | EllipsisType | None, ...] | None
    ) -> TensorView[DT, AnyRank, D]: ...
    @overload
    def __getitem__(self, idx: object) -> TensorView[DT, AnyRank, D]: ...
    def __getitem__(self, idx: object) -> TensorView[DT, AnyRank, D]:
        """NumPy indexing: basic indices give a zero-copy view, advanced ones a copy."""
        if fast_basic_layout is not None:
            layout = fast_basic_layout(self._shape, self._strides, self._offset, idx)
            if layout is not None:
                return self._view(*layout)  # type: ignore[no-any-return]
        try:
            layout = index_layout(self._shape, self._strides, self._offset, idx)
        except AdvancedIndex:
            return self._advanced_get(idx)
        return self._view(*layout)  # type: ignore[no-any-return]

    def _advanced_get(self, idx: object) -> Tensor[DT, AnyRank, D]:
        if self._device is not cpu:
            return self._device_gather(idx)
        arr = self._np()
        try:
            sub = arr[_np_index(idx, self._device)]
        except IndexError as exc:
            raise _index_error(exc, idx, self._shape) from exc
        return _result(np.array(sub, copy=True), self._device)

    def _device_gather(self, idx: object) -> Tensor[DT, AnyRank, D]:
        np_idx = _np_index(idx, self._device)
        try:
            return _wrap_region(_backend(self).gather(self._region(), np_idx))
        except IndexError as exc:
            raise _index_error(exc, idx, self._shape) from exc

    def _reduce(
        self, name: str, axis: int | Sequence[int] | None, keepdims: bool
    ) -> Tensor[Any, Any, D]:
        if name in ("argmin", "argmax"):
            if axis is not None and not isinstance(axis, (int, np.integer)):
                raise DTypeError(f"{name} takes one int axis or None, got {axis!r}")
            ax: Any = None if axis is None else normalize_axis(axis, self.ndim)
        else:
            ax = normalize_axes(axis, self.ndim)
        if name == "mean" and self._dtype.kind not in "fc":
            raise DTypeError(
                f"mean() needs a floating dtype, the tensor is {self._dtype.name}; "
                "convert it with .astype(ct.float32) or .astype(ct.float64)"
            )
        if name in ("min", "max", "argmin", "argmax") and self.numel == 0:
            reduced = range(self.ndim) if ax is None else (ax if isinstance(ax, tuple) else (ax,))
            if any(self._shape[i] == 0 for i in reduced):
                raise ShapeError(f"{name}() of an empty tensor of shape {self._shape}")
        if self._device is not cpu:
            return _wrap_region(_backend(self).reduce(name, self._region(), ax, keepdims))
        out = reduce_array(name, self._np(), ax, keepdims)
        return _result(np.asarray(out), self._device)

    if not TYPE_CHECKING:

        def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
            raise ReadOnlyError(
                "a TensorView is frozen: it cannot be written. Write through the owner, "
                "or through a mutable view from owner.view_mut()"
            )

        __setitem__ = fill_ = copy_ = _read_only
        __iadd__ = __isub__ = __imul__ = __itruediv__ = __ifloordiv__ = _read_only
        __imod__ = __ipow__ = __iand__ = __ior__ = __ixor__ = _read_only
        __ilshift__ = __irshift__ = _read_only


KINDS.register_view(TensorView)
