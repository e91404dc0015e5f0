"""The user-facing tensor types: TensorView (frozen), TensorViewMut (aliasing) and Tensor.

``TensorView`` is the base of both others and holds every reading operation; the write
operations live in ``_Writable``, the one base that ``Tensor`` and ``TensorViewMut``
share. Every tensor object has a Storage: owners and their mutable views share one,
while clones and frozen views hold Storages of their own over the same Buffer, so any
write first makes its Buffer exclusive (copy-on-write; see DESIGN §2).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Final, Literal, NoReturn, Self, SupportsIndex, overload

import numpy as np

from corten import _format
from corten._convert import array_for, cast_checked, reduce_array, scalar_for
from corten._reductions import _Reductions, _UnknownRank
from corten._typing import DT, AnyRank, D, NewD, NewDT, R, Rank0, Rank1, Rank2, Rank3, Rank4
from corten._viewops import _ViewOps
from corten.devices import Cpu, Cuda, Device, cpu, cuda
from corten.dtypes import _BY_NUMPY, Bool, DType, as_dtype
from corten.errors import (
    DeviceMismatchError,
    DTypeError,
    ReadOnlyError,
    ShapeError,
    TensorIndexError,
)
from corten.layout import (
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
from corten.storage import _STRIPES, DEVICE_STATE, ONE_HOLDER, Buffer, Storage

if TYPE_CHECKING:
    from typing_extensions import CapsuleType

__all__ = ["CannotWriteToTensorView", "Tensor", "TensorView", "TensorViewMut"]

Array = np.ndarray[Any, Any]
Scalar = bool | int | float


class CannotWriteToTensorView:
    """What static checkers see as the result of an in-place operator on a TensorView.

    Writing ``v += 1`` where ``v`` is a frozen view is reported as assigning this type to
    ``v``; at run time it raises :class:`~corten.errors.ReadOnlyError`.
    """

    __slots__ = ()


def _array_at(buf: Buffer, shape: tuple[int, ...], strides: tuple[int, ...], off: int) -> Array:
    if DEVICE_STATE.active:
        DEVICE_STATE.before_access(buf)
    return _raw_array(buf, shape, strides, off)


def _raw_array(buf: Buffer, shape: tuple[int, ...], strides: tuple[int, ...], off: int) -> Array:
    """The NumPy array of a layout over ``buf``, with no device hook."""
    root = buf.array
    isz = root.itemsize
    n = _numel(shape)
    if n == 0:
        return root.reshape(-1)[:0].reshape(shape)
    if off == 0 and root.size == n and is_contiguous(shape, strides):
        return root.reshape(shape)
    return np.ndarray(
        shape, root.dtype, buffer=root, offset=off * isz, strides=[s * isz for s in strides]
    )


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


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
    """An index with tensors replaced by host NumPy arrays, for advanced indexing.

    Index tensors must be on ``device``, the indexed tensor's (see
    :func:`corten.backends._base.host_index`; imported here late, the backends import
    this module).
    """
    from corten.backends._base import host_index

    return host_index(idx, device)


def _index_error(exc: Exception, idx: object, shape: tuple[int, ...]) -> TensorIndexError:
    return TensorIndexError(f"invalid index {idx!r} for a tensor of shape {shape}: {exc}")


try:  # the C pin (corten._speedups.Pin); _Pin below where it was not compiled
    from corten._speedups import Pin as _FastPin
except ImportError:  # pragma: no cover - built without a C compiler
    _FastPin = None  # type: ignore[assignment, misc]


class _Pin:
    """The base object of a read-only export: holds its Buffer until every array over
    the export is gone."""

    __slots__ = ("__array_interface__", "_array", "_buffer")

    def __init__(self, arr: Array, buf: Buffer) -> None:
        interface = arr.__array_interface__
        interface["data"] = (interface["data"][0], True)  # read-only
        self.__array_interface__ = interface
        self._array = arr  # keeps the memory itself alive
        self._buffer = buf

    def __del__(self) -> None:
        self._buffer.release()


_STRIDES_CACHE: dict[tuple[int, ...], tuple[int, ...]] = {}
_new_object: Final = object.__new__


def _result(arr: Array, device: Device) -> Tensor[Any, Any, Any]:
    """Wrap ``arr``, a fresh NumPy result that nobody else holds, as an owning Tensor.

    This is the hot path of every operation, so it builds the objects directly; the
    layout is row-major over the whole buffer and needs no validation. NumPy gives
    scalars for rank-0 results: they become writable 0-d arrays.
    """
    if type(arr) is not np.ndarray:
        arr = np.array(arr)
    elif not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    shape = arr.shape
    strides = _STRIDES_CACHE.get(shape)
    if strides is None:
        strides = contiguous_strides(shape)
        if len(_STRIDES_CACHE) < 4096:
            _STRIDES_CACHE[shape] = strides
    buf = _new_object(Buffer)
    buf.array = arr
    buf.device = device
    buf.escaped = buf.readonly = False
    buf._holders = ONE_HOLDER
    storage = _new_object(Storage)
    storage.buffer = buf
    storage.frozen = None
    t = _new_object(Tensor)
    t._storage = storage
    t._shape = shape
    t._strides = strides
    t._offset = 0
    t._dtype = _BY_NUMPY[arr.dtype]
    t._device = device
    t._cache = (buf, arr)
    return t


def _wrap_buffer(buf: Buffer, shape: tuple[int, ...]) -> Tensor[Any, Any, Any]:
    """An owning Tensor over ``buf`` (fresh, nobody else holds it), row-major ``shape``."""
    return Tensor._new(
        Storage.adopt(buf), shape, contiguous_strides(shape), 0, _BY_NUMPY[buf.array.dtype]
    )


def _backend(t: TensorView[Any, Any, Any]) -> Any:
    from corten.backends import get_backend

    return get_backend(t._device)


_NO_CACHE: Final = (None, None)
_SCALAR_TYPES: Final = (np.ndarray, bool, int, float, np.generic)


def _elementwise(
    op: Callable[[Any, Any], Any], *, reflected: bool = False, foreign_is_unequal: bool = False
) -> Callable[..., Any]:
    """An operator method computing ``op`` (from ``operator``) elementwise.

    This is the hot path of small operations (``a + b`` on a few elements), so each
    operator gets its own closure with the checks and the result construction inlined.
    ``foreign_is_unequal`` makes ``==``/``!=`` defer to Python for unrelated types.
    """

    def method(self: TensorView[Any, Any, Any], other: object) -> Any:
        if self._device is not cpu:
            if foreign_is_unequal and not isinstance(other, (*_SCALAR_TYPES, TensorView)):
                return NotImplemented
            return _backend(self).binary(op, self, self._device_operand(other), reflected)
        if type(other) in _TENSOR_TYPES:
            o: TensorView[Any, Any, Any] = other  # type: ignore[assignment]
            if o._dtype is self._dtype and o._device is self._device:
                cache = o._cache
                b = cache[1] if cache[0] is o._storage.buffer else o._np()
            else:
                b = self._check_other(o)
        elif foreign_is_unequal and not isinstance(other, _SCALAR_TYPES):
            return NotImplemented
        else:
            b = self._operand(other)
        cache = self._cache
        a = cache[1] if cache[0] is self._storage.buffer else self._np()
        try:
            if self._dtype._ml_dtypes:
                with np.errstate(all="ignore"):
                    out = op(b, a) if reflected else op(a, b)
            else:
                out = op(b, a) if reflected else op(a, b)
        except ValueError as exc:
            raise ShapeError(
                f"shapes {self._shape} and {np.shape(b)} cannot be broadcast together"
            ) from exc
        shape = out.shape
        strides = _STRIDES_CACHE.get(shape)
        if (
            strides is None
            or type(out) is not np.ndarray
            or (len(shape) > 1 and not out.flags.c_contiguous)
        ):
            return _result(out, self._device)
        device = self._device
        buf = _new_object(Buffer)
        buf.array = out
        buf.device = device
        buf.escaped = buf.readonly = False
        buf._holders = ONE_HOLDER
        storage = _new_object(Storage)
        storage.buffer = buf
        storage.frozen = None
        t = _new_object(Tensor)
        t._storage = storage
        t._shape = shape
        t._strides = strides
        t._offset = 0
        dtype = self._dtype
        t._dtype = dtype if out.dtype is dtype.numpy else _BY_NUMPY[out.dtype]
        t._device = device
        t._cache = (buf, out)
        return t

    return method


class TensorView(_Reductions[DT, R, D], _ViewOps[DT, R, D]):
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
        """``_new`` without the checks, for layouts derived by corten.layout's functions."""
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
    def ndim(self) -> int:
        """The rank: the number of dimensions."""
        return len(self._shape)

    @property
    def numel(self) -> int:
        """The number of elements."""
        return _numel(self._shape)

    @property
    def itemsize(self) -> int:
        """The size of one element in bytes."""
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        """The size of the elements in bytes (``numel * itemsize``)."""
        return _numel(self._shape) * self._dtype.itemsize

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
        arr = _array_at(buf, self._shape, self._strides, self._offset)
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

    def _copy_reshaped(self, shape: tuple[int, ...]) -> Any:
        if self._device is not cpu:
            return self._dense_copy()._view_as_owner(shape)
        return _result(np.ascontiguousarray(self._np()).reshape(shape), self._device)

    def _view_as_owner(self, shape: tuple[int, ...]) -> Any:
        """This fresh row-major owner with another shape of the same size (no copy)."""
        return Tensor._make(self._storage, shape, contiguous_strides(shape), 0, self._dtype)

    def _check_other(self, other: TensorView[Any, Any, Any]) -> Array:
        self._check_devices_and_dtypes(other)
        return other._np()

    def _check_devices_and_dtypes(self, other: TensorView[Any, Any, Any]) -> None:
        if other._device != self._device:
            raise DeviceMismatchError(
                f"tensors on different devices: {self._device} and {other._device}; "
                f"move one with .to({str(self._device)!r})"
            )
        if other._dtype is not self._dtype:
            raise DTypeError(
                f"dtypes differ: {self._dtype.name} and {other._dtype.name}; corten does not "
                f"promote implicitly: convert one operand with .astype(ct.{self._dtype.name}) "
                f"or .astype(ct.{other._dtype.name})"
            )

    def _operand(self, other: object) -> Any:
        """The NumPy operand for ``other``: a checked tensor, array or scalar."""
        if isinstance(other, TensorView):
            return self._check_other(other)
        if isinstance(other, np.ndarray):
            if self._device.kind != "cpu":
                raise DeviceMismatchError(
                    f"a NumPy array lives on the cpu, the tensor on {self._device}"
                )
            if other.dtype != self._dtype.numpy:
                raise DTypeError(
                    f"dtypes differ: {self._dtype.name} and NumPy {other.dtype}; corten does "
                    "not promote implicitly: convert with .astype(...)"
                )
            return other
        return scalar_for(other, self._dtype)

    def _device_operand(self, other: object) -> Any:
        """The operand for a device backend: a checked tensor on this device, or a scalar."""
        if isinstance(other, TensorView):
            if other._device != self._device or other._dtype is not self._dtype:
                self._check_other(other)  # raises DeviceMismatchError or DTypeError
            return other
        if isinstance(other, np.ndarray):
            raise DeviceMismatchError(
                f"a NumPy array lives on the cpu, the tensor on {self._device}; move the "
                f"array with ct.tensor(a).to({str(self._device)!r})"
            )
        return scalar_for(other, self._dtype)

    def _checked_binary(
        self, other: object, ufunc: np.ufunc, reflected: bool = False
    ) -> Tensor[Any, Any, Any]:
        """Binary operations with a dtype precondition and silenced NumPy warnings."""
        _check_ufunc_dtype(ufunc, self._dtype)
        if self._device is not cpu:
            b_dev = self._device_operand(other)
            if ufunc is np.power:
                if self._device.kind != "meta":
                    exponent = b_dev._host_np() if isinstance(b_dev, TensorView) else b_dev
                    _check_pow(ufunc, self._dtype, self._host_np() if reflected else exponent)
                elif not reflected and not isinstance(b_dev, TensorView):
                    _check_pow(ufunc, self._dtype, b_dev)  # a scalar needs no data
            return _backend(self).binary(ufunc, self, b_dev, reflected)  # type: ignore[no-any-return]
        b = self._operand(other)
        _check_pow(ufunc, self._dtype, b if not reflected else self._np())
        a = self._np()
        try:
            with np.errstate(all="ignore"):
                out = ufunc(b, a) if reflected else ufunc(a, b)
        except ValueError as exc:
            raise ShapeError(
                f"shapes {self._shape} and {np.shape(b)} cannot be broadcast together"
            ) from exc
        return _result(out, self._device)

    def _unary(self, ufunc: np.ufunc) -> Tensor[DT, R, D]:
        _check_ufunc_dtype(ufunc, self._dtype)
        if self._device is not cpu:
            return _backend(self).unary(ufunc, self)  # type: ignore[no-any-return]
        return _result(ufunc(self._np()), self._device)

    # ----------------------------------------------------------------- conversions

    def numpy(self, *, writable: Literal[False] = False) -> Array:
        """The elements as a NumPy array that shares memory with this tensor.

        The array is read-only and keeps seeing what this tensor holds now; a later write
        to the tensor copies the tensor away. Frozen views cannot export writable arrays.

        Examples
        --------
        >>> import corten as ct
        >>> a = ct.tensor([1, 2]).numpy()
        >>> a.flags.writeable
        False
        """
        if writable:
            raise ReadOnlyError(
                "a TensorView is frozen and cannot export a writable array; take "
                ".clone().numpy(writable=True) or use the owner's view_mut()"
            )
        return self._export_readonly()

    def _export_readonly(self) -> Array:
        """A read-only array that pins the buffer like a frozen view (a holder while alive).

        An escaped buffer is copied instead: writes through its outside alias would
        otherwise reach the export, and the pin would cut the alias off from the tensor.
        """
        self._require_host("numpy()")
        st = self._storage
        with st.lock:
            buf = st.buffer
            if DEVICE_STATE.active:
                DEVICE_STATE.before_access(buf)
            if buf.escaped:
                arr = _raw_array(buf, self._shape, self._strides, self._offset).copy()
                arr.flags.writeable = False
                return arr
            st.pin()
        # The export's base is a pin that gives the hold back when it dies. NumPy makes
        # every array derived from the export point at that same base (it collapses
        # chains of views, but not through a base that is not an ndarray), so the hold
        # lasts while any of them is alive. The C pin offers the memory read-only, so
        # the export's WRITEABLE flag cannot be set either.
        shape = self._shape
        if _FastPin is not None and 0 not in shape:
            root = buf.array
            isz = root.itemsize
            return np.ndarray(
                shape,
                root.dtype,
                buffer=_FastPin(root, buf.release),  # type: ignore[arg-type]
                offset=self._offset * isz,
                strides=[s * isz for s in self._strides],
            )
        raw = _raw_array(buf, shape, self._strides, self._offset)
        if self._dtype._ml_dtypes:  # the pin's array interface cannot describe their dtype
            return np.asarray(_Pin(raw.view(f"u{raw.itemsize}"), buf)).view(raw.dtype)
        return np.asarray(_Pin(raw, buf))

    def _require_host(self, what: str) -> None:
        if self._device.kind == "meta":
            raise DeviceMismatchError(
                f"{what} needs data: meta tensors have shapes and dtypes but no data; make "
                "the tensor on a device with data (ct.cpu, ct.sim, ct.cuda) instead"
            )
        if self._device.kind != "cpu":
            raise DeviceMismatchError(
                f"{what} needs the data on the cpu, the tensor is on {self._device}; "
                "call .to_cpu() first"
            )

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Array:
        self._require_host("__array__")
        if copy:
            arr = np.array(self._np(), dtype=dtype, copy=True)
        else:
            arr = self._export_readonly()
            if dtype is not None and np.dtype(dtype) != arr.dtype:
                if copy is False:
                    raise ValueError(
                        f"converting {self._dtype.name} to {np.dtype(dtype)} needs a copy"
                    )
                arr = arr.astype(dtype)
        return arr

    def tolist(self) -> Any:
        """The elements as nested Python lists (a Python scalar for rank 0).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        self._require_host("tolist()")
        return self._np().tolist()

    def item(self) -> Any:
        """The single element as a Python scalar.

        Raises
        ------
        ShapeError
            If the tensor does not hold exactly one element.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([[7]]).item()
        7
        """
        if self.numel != 1:
            raise ShapeError(
                f"item() needs exactly one element, the tensor has shape {self._shape}"
            )
        self._require_host("item()")
        return self._np().reshape(-1)[0].item()

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of a rank-0 tensor; use .item()")
        return self._shape[0]

    def __iter__(self) -> Iterator[TensorView[DT, AnyRank, D]]:
        if not self._shape:
            raise TypeError("iteration over a rank-0 tensor; use .item()")
        for i in range(self._shape[0]):
            yield self[i]

    def __bool__(self) -> bool:
        if self.numel != 1:
            raise ShapeError(
                f"the truth value of a tensor of shape {self._shape} is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __index__(self) -> int:
        if not self._dtype.is_integer or self._shape:
            raise DTypeError(
                "only rank-0 integer tensors can be used as an index, got a "
                f"{self._dtype} tensor of shape {self._shape}"
            )
        return int(self.item())

    def __repr__(self) -> str:
        if self._device.kind == "meta":
            return f"tensor(..., shape={self._shape}, dtype={self._dtype.name}, device='meta')"
        return _format.tensor_repr(self._host_np(), self._dtype.name, self._device)

    def __str__(self) -> str:
        if self._device.kind == "meta":
            return repr(self)
        return _format.tensor_str(self._host_np())

    def _host_np(self) -> Array:
        """The elements as a host array, copied there from memory the host cannot read."""
        if self._device.kind == "cuda":
            return self.to_cpu()._np()
        return self._np()

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
        return Tensor._make(
            self._owner_storage(), self._shape, self._strides, self._offset, self._dtype
        )

    def _dense_copy(self) -> Tensor[DT, R, D]:
        """A new row-major owner of the elements (always a copy)."""
        if self._device is not cpu:
            return _backend(self).contiguous(self)  # type: ignore[no-any-return]
        return _result(np.array(self._np(), copy=True), self._device)

    def __copy__(self) -> Tensor[DT, R, D]:
        # NumPy's copy.copy copies the data: the same here, as an O(1) clone.
        return self.clone()

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor[DT, R, D]:
        return self.clone()

    # ---- iteration (begin): owned by the iterators work; methods delegate to _iterators

    if TYPE_CHECKING:
        from corten._pipeline import ParIter as _ParIter

    def iter(self) -> Iterator[Any]:
        """The elements as Python scalars, in row-major logical order.

        Elements are converted a chunk at a time, for any layout. The iterator sees the
        elements as they are when ``iter()`` is called: a write to the tensor during
        the loop is not seen (it copies the tensor's buffer away).

        Examples
        --------
        >>> import corten as ct
        >>> list(ct.tensor([[1, 2], [3, 4]]).T.iter())
        [1, 3, 2, 4]
        """
        from corten import _iterators

        return _iterators.iter_elements(self)

    def indexed_iter(self) -> Iterator[tuple[tuple[int, ...], Any]]:
        """``(index, element)`` pairs in row-major order; the index has one int per
        dimension (``()`` for rank 0).

        Examples
        --------
        >>> import corten as ct
        >>> list(ct.tensor([[1, 2], [3, 4]]).indexed_iter())
        [((0, 0), 1), ((0, 1), 2), ((1, 0), 3), ((1, 1), 4)]
        """
        from corten import _iterators

        return _iterators.indexed_iter(self)

    def iter_dim(self, dim: int) -> Iterator[TensorView[DT, AnyRank, D]]:
        """The views along ``dim``: ``select(dim, i)`` for each ``i``, one rank lower.

        Frozen views here; mutable views when iterating a ``TensorViewMut``.

        Raises
        ------
        AxisError
            If ``dim`` is out of range.

        Examples
        --------
        >>> import corten as ct
        >>> [c.tolist() for c in ct.tensor([[1, 2], [3, 4]]).iter_dim(1)]
        [[1, 3], [2, 4]]
        """
        from corten import _iterators

        return _iterators.iter_dim(self, dim)

    def map(self, fn: Callable[..., Any], dtype: DType | str | None = None) -> Tensor[Any, R, D]:
        """A new tensor of ``fn(x)`` for every element ``x``, computed in parallel.

        The same as ``par_iter().map(fn, dtype).collect()``: ``fn`` is compiled with
        numba, and the result keeps this tensor's dtype when ``fn`` returns the same kind
        (bool, integer or float), else takes ``fn``'s own type; ``dtype`` overrides it.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1.0, 4.0, 9.0]).map(lambda x: x ** 0.5).tolist()
        [1.0, 2.0, 3.0]
        """
        from corten import _iterators

        return _iterators.map_elements(self, fn, dtype)

    def par_iter(self) -> _ParIter:
        """A lazy parallel pipeline over the elements (see :class:`corten.ParIter`).

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(5).par_iter().map(lambda x: x * x).sum()
        30
        """
        from corten import _pipeline

        return _pipeline.ParIter(self)

    if not TYPE_CHECKING:

        def _frozen_write(self, *args: object, **kwargs: object) -> NoReturn:
            raise ReadOnlyError(
                "a TensorView is frozen: it cannot be written. Write through the owner, "
                "or through a mutable view from owner.view_mut()"
            )

        iter_mut = apply_ = _frozen_write

    # ---- iteration (end)

    # ---- interop (begin): owned by the interop work; methods delegate to _interop

    def __dlpack__(
        self,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: tuple[int, int] | None = None,
        copy: bool | None = None,
    ) -> CapsuleType:
        """Export the elements as a DLPack capsule (the array API's protocol).

        A frozen ``TensorView`` exports read-only memory that pins its buffer, in a
        versioned capsule (``max_version >= (1, 0)``) that carries the read-only flag. A
        ``Tensor`` or ``TensorViewMut`` exports a writable alias: its buffer escapes, as
        with ``numpy(writable=True)``, so writes through the consumer are seen by the
        tensor. Export ``t.view()`` to hand out read-only memory instead.

        Note: PyTorch (2.13) ignores the read-only flag; do not write to a torch tensor
        imported from a frozen view.

        Where sharing is impossible (a legacy capsule for read-only memory, negative
        strides, which corten never exports) ``copy=None`` exports a copy, and
        ``copy=False`` raises ``BufferError``; ``copy=True`` always exports a copy that the
        consumer owns. ``dl_device`` must be the tensor's own device, and ``stream`` must
        be None on the cpu.

        Examples
        --------
        >>> import numpy as np
        >>> import corten as ct
        >>> t = ct.tensor([1, 2, 3])
        >>> a = np.from_dlpack(t.view())  # read-only, zero-copy
        >>> a.flags.writeable
        False
        >>> w = np.from_dlpack(t)  # a writable alias
        >>> w[0] = 7
        >>> t.tolist()
        [7, 2, 3]
        """
        from corten import _interop

        return _interop.dlpack(
            self, stream=stream, max_version=max_version, dl_device=dl_device, copy=copy
        )

    def __dlpack_device__(self) -> tuple[int, int]:
        from corten import _interop

        return _interop.dlpack_device(self)

    @property
    def __array_interface__(self) -> dict[str, Any]:
        """NumPy's array interface (version 3), on frozen cpu views only.

        ``data`` is ``(pointer, True)``: the pointer is valid while this view lives (NumPy
        keeps it alive as the base of arrays built from it; other readers of the raw
        pointer must too). An owner or mutable view raises AttributeError, since a later
        write could replace its buffer under the pointer: use ``t.view()``.
        """
        from corten import _interop

        return _interop.array_interface(self)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        # Absent (AttributeError, so hasattr() is False) on every device but cuda.
        from corten import _interop

        return _interop.cuda_array_interface(self)

    def __buffer__(self, flags: int, /) -> memoryview:
        # The buffer protocol (PEP 688) works from Python 3.12; on 3.11 memoryview(t)
        # does not call this method. Read-only requests pin the buffer; writable ones
        # make it escape (frozen views refuse them).
        from corten import _interop

        return _interop.buffer(self, flags)

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        # By value: each kind unpickles as the same kind over a buffer of its own; on
        # protocol 5 the elements travel as an out-of-band PickleBuffer (zero-copy).
        from corten import _interop

        return _interop.reduce_ex(self, protocol)

    # ---- interop (end)

    # ---- serialization (begin): owned by the serialization work; delegates to serialization

    def to_bytes(self) -> bytes:
        """This tensor as bytes in the safetensors format (one tensor, named ``"tensor"``).

        ``ct.from_bytes`` reads them back, and so does ``safetensors.numpy.load``.

        Examples
        --------
        >>> import corten as ct
        >>> b = ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8).to_bytes()
        >>> ct.from_bytes(b).tolist()
        [[1, 2], [3, 4]]
        """
        from corten import serialization

        return serialization.to_bytes(self)

    def to_dict(self) -> dict[str, Any]:
        """This tensor as plain JSON-able values: ``{"dtype", "shape", "data"}``.

        ``data`` is the flat list of elements in row-major order; non-finite floats are
        the strings ``"nan"``, ``"inf"`` and ``"-inf"``. ``ct.from_dict`` reads it back.

        Examples
        --------
        >>> import corten as ct
        >>> d = ct.tensor([[1.5], [float("nan")]]).to_dict()
        >>> d
        {'dtype': 'float32', 'shape': [2, 1], 'data': [1.5, 'nan']}
        >>> ct.from_dict(d).shape
        (2, 1)
        """
        from corten import serialization

        return serialization.to_dict(self)

    # ---- serialization (end)

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

    def contiguous(self) -> Tensor[DT, R, D]:
        """An owner whose elements are row-major; O(1) when they already are.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape_copy((2, 3)).contiguous().is_contiguous
        True
        """
        if self.is_contiguous:
            return self.clone()
        if self._device is not cpu:
            return _backend(self).contiguous(self)  # type: ignore[no-any-return]
        return _result(np.ascontiguousarray(self._np()), self._device)

    def reshape_copy(self, shape: int | Sequence[int]) -> Tensor[DT, AnyRank, D]:
        """A new owner with the same elements in row-major order and another shape.

        Raises
        ------
        ShapeError
            If the number of elements differs.

        Examples
        --------
        >>> import corten as ct
        >>> ct.arange(6).reshape_copy((2, 3)).shape
        (2, 3)
        """
        from corten.layout import normalize_shape

        dims = normalize_shape(shape)
        if _numel(dims) != self.numel:
            raise ShapeError(
                f"cannot reshape a tensor of shape {self._shape} ({self.numel} elements) "
                f"into {dims} ({_numel(dims)} elements)"
            )
        if self._device is not cpu:
            return self._dense_copy()._view_as_owner(dims)  # type: ignore[no-any-return]
        return _result(np.array(self._np().reshape(dims), copy=True), self._device)

    def astype(self, dtype: NewDT) -> Tensor[NewDT, R, D]:
        """The elements converted to ``dtype``, as a new owner (O(1) if already ``dtype``).

        Conversions follow NumPy's casting: floats to integers truncate toward zero,
        and out-of-range values wrap or saturate as NumPy's do.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1.7, -2.5]).astype(ct.int32).tolist()
        [1, -2]
        """
        target = as_dtype(dtype)
        if target is self._dtype:
            return self.clone()  # type: ignore[return-value]
        if self._device is not cpu:
            return _backend(self).cast(self, target.numpy)  # type: ignore[no-any-return]
        with np.errstate(all="ignore"):
            out = self._np().astype(target.numpy)
        return _result(out, self._device)

    def to(
        self, device: NewD, *, non_blocking: bool = False, stream: Any = None
    ) -> Tensor[DT, R, NewD]:
        """This tensor on ``device``: an O(1) clone when it is there already.

        Parameters
        ----------
        device : Device or str
            Where the result lives.
        non_blocking : bool
            Let the copy run asynchronously on ``stream`` where the device allows it (from
            pinned host memory, or to the host). Any host read of the result (``numpy()``,
            ``tolist()``, ``item()``, iteration) waits for the copy first.
        stream : Stream, optional
            The stream of the device side that runs the copy (default: its current one).
            A device result copied on a stream that is not the current one is ready in
            that stream's order: synchronize it (or make the current stream wait for an
            event of it) before computing with the result on the current stream.

        Raises
        ------
        DeviceUnavailableError
            If the device's backend cannot be used here.
        DeviceMismatchError
            If this tensor is on ``meta`` (it has no data to move).

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([1, 2])
        >>> t.to(ct.cpu).device
        device('cpu')
        >>> g = t.to("sim:1")
        >>> g.device, g.to_cpu().tolist()
        (device('sim:1'), [1, 2])
        """
        from corten.backends import get_backend
        from corten.devices import as_device

        dev = as_device(device)
        if dev is self._device:
            return self.clone()  # type: ignore[return-value]
        dst = get_backend(dev)
        here = self._device.kind
        if dev.kind == "meta":
            buf = dst.allocate(self.numel, self._dtype.numpy)
        elif here == "meta":
            get_backend(self._device).access(self._storage.buffer)  # raises: no data
            raise AssertionError("unreachable")
        elif here == "cpu":
            if self.is_contiguous:
                host = self._export_readonly()  # pins the source while a copy is queued
            else:
                host = np.ascontiguousarray(self._np())
            buf = dst.from_host(
                host, non_blocking=non_blocking, stream=stream, pinned=self.is_pinned
            )
        elif dev.kind == "cpu":
            buf = get_backend(self._device).to_host(self, non_blocking=non_blocking, stream=stream)
        elif dev.kind == here:
            buf = dst.copy_peer(self)
        else:
            staged = get_backend(self._device).to_host(self)
            buf = dst.from_host(staged.array)
        return _wrap_buffer(buf, self._shape)

    @property
    def is_pinned(self) -> bool:
        """Whether the elements are in page-locked host memory (see ``pin_memory``).

        Examples
        --------
        >>> import corten as ct
        >>> ct.zeros(3).is_pinned, ct.zeros(3).pin_memory(ct.sim).is_pinned
        (False, True)
        """
        return self._storage.buffer in DEVICE_STATE.pinned

    def pin_memory(self, device: Device | str = "cuda") -> Tensor[DT, R, D]:
        """A copy of this CPU tensor in page-locked memory, for non-blocking copies.

        Parameters
        ----------
        device : Device or str
            The accelerator whose copies the memory is for (``ct.sim`` simulates it).

        Raises
        ------
        DeviceUnavailableError
            If ``device`` cannot be used here.
        DeviceMismatchError
            If this tensor is not on the CPU.

        Examples
        --------
        >>> import corten as ct
        >>> p = ct.arange(3).pin_memory(ct.sim)
        >>> p.is_pinned, p.tolist()
        (True, [0, 1, 2])
        """
        from corten.backends import get_backend

        self._require_host("pin_memory()")
        if self.is_pinned:
            return self.clone()
        buf = get_backend(device).pinned_host(self.numel, self._dtype.numpy)
        np.copyto(buf.array.reshape(self._shape), self._np())
        return _wrap_buffer(buf, self._shape)

    def to_cpu(self, *, non_blocking: bool = False, stream: Any = None) -> Tensor[DT, R, Cpu]:
        """This tensor on the CPU (``to(ct.cpu, ...)``)."""
        return self.to(cpu, non_blocking=non_blocking, stream=stream)

    def to_cuda(
        self, index: int = 0, *, non_blocking: bool = False, stream: Any = None
    ) -> Tensor[DT, R, Cuda]:
        """This tensor on GPU ``index`` (``to(ct.cuda(index), ...)``)."""
        return self.to(cuda(index), non_blocking=non_blocking, stream=stream)

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
            return _backend(self).gather(self, np_idx)  # type: ignore[no-any-return]
        except IndexError as exc:
            raise _index_error(exc, idx, self._shape) from exc

    # ----------------------------------------------------------------- arithmetic

    if TYPE_CHECKING:

        def __add__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]: ...
        def __radd__(self, other: Scalar) -> Tensor[DT, AnyRank, D]: ...
        def __mul__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]: ...
        def __rmul__(self, other: Scalar) -> Tensor[DT, AnyRank, D]: ...
        def __eq__(  # type: ignore[override]
            self, other: TensorView[DT, Any, D] | Scalar
        ) -> Tensor[Bool, AnyRank, D]: ...
        def __ne__(  # type: ignore[override]
            self, other: TensorView[DT, Any, D] | Scalar
        ) -> Tensor[Bool, AnyRank, D]: ...
        def __lt__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[Bool, AnyRank, D]: ...
        def __le__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[Bool, AnyRank, D]: ...
        def __gt__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[Bool, AnyRank, D]: ...
        def __ge__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[Bool, AnyRank, D]: ...
    else:
        __add__ = _elementwise(operator.add)
        __radd__ = _elementwise(operator.add, reflected=True)
        __mul__ = _elementwise(operator.mul)
        __rmul__ = _elementwise(operator.mul, reflected=True)
        __eq__ = _elementwise(operator.eq, foreign_is_unequal=True)
        __ne__ = _elementwise(operator.ne, foreign_is_unequal=True)
        __lt__ = _elementwise(operator.lt)
        __le__ = _elementwise(operator.le)
        __gt__ = _elementwise(operator.gt)
        __ge__ = _elementwise(operator.ge)

    def __sub__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.subtract)

    def __rsub__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.subtract, True)

    def __truediv__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.true_divide)

    def __rtruediv__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.true_divide, True)

    def __floordiv__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.floor_divide)

    def __rfloordiv__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.floor_divide, True)

    def __mod__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.remainder)

    def __rmod__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.remainder, True)

    def __pow__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.power)

    def __rpow__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.power, True)

    def __and__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.bitwise_and)

    def __rand__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.bitwise_and, True)

    def __or__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.bitwise_or)

    def __ror__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.bitwise_or, True)

    def __xor__(self, other: TensorView[DT, Any, D] | Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.bitwise_xor)

    def __rxor__(self, other: Scalar) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.bitwise_xor, True)

    def __neg__(self) -> Tensor[DT, R, D]:
        return self._unary(np.negative)

    def __pos__(self) -> Tensor[DT, R, D]:
        return self.clone()

    def __abs__(self) -> Tensor[DT, R, D]:
        return self._unary(np.absolute)

    def __invert__(self) -> Tensor[DT, R, D]:
        return self._unary(np.invert)

    def allclose(
        self, other: TensorView[DT, Any, D], *, rtol: float = 1e-5, atol: float = 1e-8
    ) -> bool:
        """Whether the elements equal ``other``'s within tolerances (NumPy's ``allclose``).

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1.0, 2.0]).allclose(ct.tensor([1.0, 2.0000001]))
        True
        """
        self._check_devices_and_dtypes(other)
        a, b = self._host_np(), other._host_np()
        try:
            return bool(np.allclose(a, b, rtol=rtol, atol=atol))
        except ValueError as exc:
            raise ShapeError(
                f"shapes {self._shape} and {other.shape} cannot be broadcast together"
            ) from exc

    def array_equal(self, other: TensorView[DT, Any, D]) -> bool:
        """Whether ``other`` has the same shape and the same elements.

        Examples
        --------
        >>> import corten as ct
        >>> ct.tensor([1, 2]).array_equal(ct.tensor([1, 2]))
        True
        """
        self._check_devices_and_dtypes(other)
        return bool(np.array_equal(self._host_np(), other._host_np()))

    def _reduce(
        self, name: str, axis: int | Sequence[int] | None, keepdims: bool
    ) -> Tensor[Any, Any, D]:
        if name in ("argmin", "argmax"):
            if axis is not None and not isinstance(axis, (int, np.integer)):
                raise DTypeError(f"{name} takes one int axis or None, got {axis!r}")
            ax: Any = None if axis is None else normalize_axis(axis, self.ndim)
        else:
            ax = normalize_axes(axis, self.ndim)
        if name == "mean" and not self._dtype.is_floating:
            raise DTypeError(
                f"mean() needs a floating dtype, the tensor is {self._dtype.name}; "
                "convert it with .astype(ct.float32) or .astype(ct.float64)"
            )
        if name in ("min", "max", "argmin", "argmax") and self.numel == 0:
            reduced = range(self.ndim) if ax is None else (ax if isinstance(ax, tuple) else (ax,))
            if any(self._shape[i] == 0 for i in reduced):
                raise ShapeError(f"{name}() of an empty tensor of shape {self._shape}")
        if self._device is not cpu:
            return _backend(self).reduce(name, self, ax, keepdims)  # type: ignore[no-any-return]
        out = reduce_array(name, self._np(), ax, keepdims)
        return _result(np.asarray(out), self._device)

    if TYPE_CHECKING:
        # Frozen views have no writing methods. The in-place operators are declared only
        # so that static checkers reject ``v += x`` instead of rebinding ``v``.
        def __iadd__(self, other: object) -> CannotWriteToTensorView: ...
        def __isub__(self, other: object) -> CannotWriteToTensorView: ...
        def __imul__(self, other: object) -> CannotWriteToTensorView: ...
        def __itruediv__(self, other: object) -> CannotWriteToTensorView: ...
        def __ifloordiv__(self, other: object) -> CannotWriteToTensorView: ...
        def __imod__(self, other: object) -> CannotWriteToTensorView: ...
        def __ipow__(self, other: object) -> CannotWriteToTensorView: ...
        def __iand__(self, other: object) -> CannotWriteToTensorView: ...
        def __ior__(self, other: object) -> CannotWriteToTensorView: ...
        def __ixor__(self, other: object) -> CannotWriteToTensorView: ...
    else:

        def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
            raise ReadOnlyError(
                "a TensorView is frozen: it cannot be written. Write through the owner, "
                "or through a mutable view from owner.view_mut()"
            )

        __setitem__ = fill_ = copy_ = _read_only
        __iadd__ = __isub__ = __imul__ = __itruediv__ = __ifloordiv__ = _read_only
        __imod__ = __ipow__ = __iand__ = __ior__ = __ixor__ = _read_only


def _check_ufunc_dtype(ufunc: np.ufunc, dtype: DType) -> None:
    kind = dtype.kind
    if ufunc is np.true_divide and kind != "f":
        raise DTypeError(
            f"true division needs a floating dtype, the tensor is {dtype.name}; use // for "
            "integer division or convert with .astype(ct.float32)"
        )
    if ufunc in (np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert) and kind == "f":
        raise DTypeError(f"bitwise operations need an integer or bool dtype, got {dtype.name}")
    if kind == "b" and ufunc in (
        np.subtract,
        np.negative,
        np.floor_divide,
        np.remainder,
        np.power,
    ):
        raise DTypeError(
            f"{ufunc.__name__} is not defined for bool tensors; use ^ or ~, or convert with "
            ".astype(ct.uint8)"
        )


def _check_pow(ufunc: np.ufunc, dtype: DType, exponent: Any) -> None:
    if ufunc is np.power and dtype.is_integer and np.any(np.asarray(exponent) < 0):
        raise DTypeError(
            "integers to negative integer powers are not allowed; convert the tensor with "
            ".astype(ct.float64) first"
        )


class _Writable(TensorView[DT, R, D]):
    """The write operations shared by Tensor and TensorViewMut (not by frozen views)."""

    __slots__ = ()

    def view_mut(self) -> TensorViewMut[DT, R, D]:
        """A mutable view: writes through it are seen by this tensor, and the reverse.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((3,), dtype=ct.int32)
        >>> m = t.view_mut()
        >>> m += 5
        >>> t.tolist()
        [5, 5, 5]
        """
        return TensorViewMut._make(
            self._storage, self._shape, self._strides, self._offset, self._dtype
        )

    def slice_mut(self, *indices: int | slice | None) -> TensorViewMut[DT, AnyRank, D]:
        """``view_mut().slice(...)``: a mutable window selected by basic indices.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((2, 3), dtype=ct.int32)
        >>> t.slice_mut(0, slice(1, None)).fill_(7)
        >>> t.tolist()
        [[0, 7, 7], [0, 0, 0]]
        """
        return self.view_mut().slice(*indices)

    def narrow_mut(self, dim: int, start: int, length: int) -> TensorViewMut[DT, AnyRank, D]:
        """``view_mut().narrow(dim, start, length)``.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((4,), dtype=ct.int32)
        >>> t.narrow_mut(0, 1, 2).fill_(1)
        >>> t.tolist()
        [0, 1, 1, 0]
        """
        return self.view_mut().narrow(dim, start, length)

    def select_mut(self, dim: int, index: int) -> TensorViewMut[DT, AnyRank, D]:
        """``view_mut().select(dim, index)``: a mutable slice, one rank lower.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((2, 2), dtype=ct.int32)
        >>> t.select_mut(1, 0).fill_(3)
        >>> t.tolist()
        [[3, 0], [3, 0]]
        """
        return self.view_mut().select(dim, index)

    def _frozen_storage(self) -> Storage:
        # A writer's frozen views share one Storage per buffer, which the writer's Storage
        # caches; a write reclaims it once no view holds it (Storage._reclaim_frozen).
        st = self._storage
        fs = st.frozen
        if fs is not None and fs.buffer is st.buffer:
            # Lock-free hit: holding ``fs`` now counts as a reference in the writer's check.
            return fs
        with _STRIPES[(id(st) >> 4) & 63]:  # st.lock, inlined: this is every view's path
            fs = st.frozen
            if fs is not None and fs.buffer is st.buffer:
                return fs
            fs = st.share()
            if fs.buffer is st.buffer:  # an escaped buffer gives a copy: nothing to share
                st.frozen = fs
            return fs

    def _owner_storage(self) -> Storage:
        st = self._storage
        with _STRIPES[(id(st) >> 4) & 63]:
            return st.share()

    def _write(
        self, fn: Callable[[Array], object], dev: Callable[[Any, Buffer], object] | None = None
    ) -> None:
        """Run ``fn`` on this tensor's elements after making its buffer exclusive.

        Off the CPU, ``dev(backend, buffer)`` runs instead when given: it writes through
        the device's backend verbs, without host access to the memory.
        """
        st = self._storage
        with st.lock:
            buf = st.writable()
            if dev is not None and buf.device is not cpu:
                dev(_backend(self), buf)
                return
            cache = self._cache
            if cache[0] is buf:
                out = cache[1]
            else:
                out = _array_at(buf, self._shape, self._strides, self._offset)
                if buf.device is cpu:
                    self._cache = (buf, out)
            fn(out)

    def numpy(self, *, writable: bool = False) -> Array:
        """The elements as a NumPy array that shares memory with this tensor.

        By default the array is read-only. With ``writable=True`` the array is a writable
        alias: the tensor's buffer is made exclusive and marked escaped, so later clones
        and frozen views of it copy eagerly (corten cannot see writes made through it).

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((2,), dtype=ct.int64)
        >>> a = t.numpy(writable=True)
        >>> a[0] = 7
        >>> t.tolist()
        [7, 0]
        """
        if not writable:
            return self._export_readonly()
        self._require_host("numpy(writable=True)")
        st = self._storage
        with st.lock:
            buf = st.escape()
            return _array_at(buf, self._shape, self._strides, self._offset)

    # ---- mutable iteration (begin): owned by the iterators work

    if TYPE_CHECKING:
        from corten._iterators import ElementMut as _ElementMut

    def iter_mut(self) -> Iterator[_ElementMut]:
        """Handles to the elements in row-major order, to replace them in a loop.

        Each handle has ``index``, ``get()`` and ``set(value)``; ``set`` writes through
        the copy-on-write path, so clones and frozen views taken before the loop keep
        their values. Writing starts when ``iter_mut()`` is called (a view that overlaps
        itself raises ``ReadOnlyError`` then). For speed, prefer ``apply_``.

        Raises
        ------
        ReadOnlyError
            If this view overlaps itself (after ``expand``).

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([[1, 2], [3, 4]])
        >>> c = t.clone()
        >>> for e in t.iter_mut():
        ...     if e.index[0] == 1:
        ...         e.set(-e.get())
        >>> t.tolist(), c.tolist()
        ([[1, 2], [-3, -4]], [[1, 2], [3, 4]])
        """
        from corten import _iterators

        return _iterators.iter_mut(self)

    def apply_(self, fn: Callable[[Any], Any]) -> None:
        """Replace every element ``x`` by ``fn(x)``, computed in parallel.

        ``fn`` is compiled like ``par_iter().map(fn)``; its results must fit the dtype
        by kind (a float result for an integer tensor raises ``DTypeError``), and
        integers wrap. All or nothing: if ``fn`` raises, no element changes.

        Raises
        ------
        DTypeError
            If ``fn`` returns a kind that does not fit the dtype.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.tensor([250, 5], dtype=ct.uint8)
        >>> t.apply_(lambda x: x + 10)
        >>> t.tolist()
        [4, 15]
        """
        from corten import _iterators

        _iterators.apply_elements(self, fn)

    # ---- mutable iteration (end)

    def fill_(self, value: Scalar) -> None:
        """Set every element to ``value`` (which must fit the dtype).

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((2, 2), dtype=ct.uint8)
        >>> t.fill_(255)
        >>> t.tolist()
        [[255, 255], [255, 255]]
        """
        v = scalar_for(value, self._dtype)
        layout = (self._shape, self._strides, self._offset)
        self._write(lambda out: out.fill(v), lambda be, buf: be.assign(buf, layout, v))

    def copy_(self, src: TensorView[DT, Any, D]) -> None:
        """Copy ``src``'s elements into this tensor, broadcasting ``src``.

        Examples
        --------
        >>> import corten as ct
        >>> t = ct.zeros((2, 2))
        >>> t.copy_(ct.tensor([1.0, 2.0]))
        >>> t.tolist()
        [[1.0, 2.0], [1.0, 2.0]]
        """
        if self._device is not cpu and self._device.kind != "meta":
            dv = self._device_operand(src) if isinstance(src, TensorView) else None
            if dv is None:
                self._check_other(src)  # raises, as on the cpu
            self._check_broadcast_into(np.shape(dv), self._shape)
            layout = (self._shape, self._strides, self._offset)
            self._write(lambda out: None, lambda be, buf: be.assign(buf, layout, dv))
            return
        b = self._check_other(src)
        self._check_broadcast_into(b.shape, self._shape)
        self._write(lambda out: np.copyto(out, b.copy() if np.may_share_memory(out, b) else b))

    def _check_broadcast_into(self, src: tuple[int, ...], dst: tuple[int, ...]) -> None:
        try:
            ok = np.broadcast_shapes(src, dst) == dst
        except ValueError:
            ok = False
        if not ok:
            raise ShapeError(f"a value of shape {src} cannot be broadcast into shape {dst}")

    def _value_array(self, value: object) -> Any:
        if isinstance(value, TensorView):
            return self._check_other(value)
        if isinstance(value, (bool, int, float, np.generic)):
            return scalar_for(value, self._dtype)
        if isinstance(value, np.ndarray):
            if self._device is not cpu:
                raise DeviceMismatchError(
                    f"a NumPy array lives on the cpu, the tensor on {self._device}; move the "
                    f"array with ct.tensor(a).to({str(self._device)!r})"
                )
            return cast_checked(value, self._dtype)
        return array_for(value, self._dtype)

    def __setitem__(self, idx: object, value: object) -> None:
        """NumPy assignment with broadcasting; nothing is written if anything is wrong."""
        if self._device is not cpu and self._device.kind != "meta":
            # Device memory: shapes are checked on the host, the write is the backend's.
            basic = _is_basic(idx)
            d_idx: Any = idx if basic else _np_index(idx, self._device)
            try:
                target = np.broadcast_to(np.zeros((), np.int8), self._shape)[d_idx].shape
            except IndexError as exc:
                raise _index_error(exc, idx, self._shape) from exc
            dval: Any
            if isinstance(value, TensorView):
                dval = self._device_operand(value)
            elif isinstance(value, (bool, int, float, np.generic, np.ndarray)):
                dval = self._value_array(value)  # a scalar; an array raises
            else:  # nested sequences: converted on the host, then moved to the device
                h = np.ascontiguousarray(array_for(value, self._dtype))
                dval = _wrap_buffer(_backend(self).from_host(h), h.shape)
            dshape = np.shape(dval)
            extra = len(dshape) - len(target)
            if extra > 0 and all(d == 1 for d in dshape[:extra]):
                dval = dval[(0,) * extra]  # NumPy drops leading 1s of a value
                dshape = dshape[extra:]
            self._check_broadcast_into(dshape, target)
            whole = (self._shape, self._strides, self._offset)
            if basic:
                sub = index_layout(*whole, idx)
                self._write(lambda out: None, lambda be, buf: be.assign(buf, sub, dval))
            else:
                self._write(lambda out: None, lambda be, buf: be.scatter(buf, whole, d_idx, dval))
            return
        arr = self._np()
        np_idx: Any = idx if _is_basic(idx) else _np_index(idx, self._device)
        try:
            target_shape = np.shape(arr[np_idx])
        except IndexError as exc:
            raise _index_error(exc, idx, self._shape) from exc
        val = self._value_array(value)
        vshape = np.shape(val)
        extra = len(vshape) - len(target_shape)
        if extra > 0 and all(d == 1 for d in vshape[:extra]):
            val = np.reshape(val, vshape[extra:])  # NumPy drops leading 1s of a value
        self._check_broadcast_into(np.shape(val), target_shape)

        def assign(out: Array) -> None:
            # An overlapping source behaves as if copied first.
            src = val.copy() if type(val) is np.ndarray and np.may_share_memory(out, val) else val
            out[np_idx] = src

        self._write(assign)

    def _inplace(self, other: object, ufunc: np.ufunc) -> Self:
        _check_ufunc_dtype(ufunc, self._dtype)
        if self._device is not cpu and self._device.kind != "meta":
            dv = self._device_operand(other)
            if isinstance(dv, TensorView):
                if ufunc is np.power and self._dtype.is_integer:
                    _check_pow(ufunc, self._dtype, dv.to_cpu()._np())
            else:
                _check_pow(ufunc, self._dtype, dv)
            self._check_broadcast_into(np.shape(dv), self._shape)
            layout = (self._shape, self._strides, self._offset)
            self._write(lambda out: None, lambda be, buf: be.inplace(ufunc, buf, layout, dv))
            return self
        b = self._operand(other)
        _check_pow(ufunc, self._dtype, b)
        self._check_broadcast_into(np.shape(b), self._shape)

        def apply(out: Array) -> None:
            with np.errstate(all="ignore"):
                ufunc(out, b, out=out)

        self._write(apply)
        return self

    def __iadd__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.add)

    def __isub__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.subtract)

    def __imul__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.multiply)

    def __itruediv__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.true_divide)

    def __ifloordiv__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.floor_divide)

    def __imod__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.remainder)

    def __ipow__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.power)

    def __iand__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.bitwise_and)

    def __ior__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.bitwise_or)

    def __ixor__(self, other: TensorView[DT, Any, D] | Scalar) -> Self:  # type: ignore[override]
        return self._inplace(other, np.bitwise_xor)


class TensorViewMut(_Writable[DT, R, D]):
    """A writable alias of an owner: writes are seen by the owner and its other mutable
    views, and by no clone or frozen view.

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.zeros((2, 3), dtype=ct.int32)
    >>> row = t.view_mut()[1]
    >>> row.fill_(4)
    >>> t.tolist()
    [[0, 0, 0], [4, 4, 4]]
    """

    __slots__ = ()

    def _view(self, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Any:
        cls = _OverlappingViewMut if may_overlap(shape, strides) else TensorViewMut
        return cls._make(self._storage, shape, strides, offset, self._dtype)

    if TYPE_CHECKING:
        # The same indexing as TensorView's; basic indices give mutable views here.
        @overload
        def __getitem__(
            self,
            idx: int | slice | EllipsisType | tuple[int | slice | EllipsisType | None, ...] | None,
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        @overload
        def __getitem__(self, idx: object) -> TensorView[DT, AnyRank, D]: ...
        def __getitem__(self, idx: object) -> TensorView[DT, AnyRank, D]: ...

    if TYPE_CHECKING:
        # The view operations of a mutable view give mutable views.
        def slice(self, *indices: int | slice | None) -> TensorViewMut[DT, AnyRank, D]: ...
        def narrow(self, dim: int, start: int, length: int) -> TensorViewMut[DT, AnyRank, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, _UnknownRank, D], dim: int, index: int
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank1, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank0, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank2, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank1, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank3, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank2, D]: ...
        @overload
        def select(
            self: TensorViewMut[DT, Rank4, D], dim: int, index: int
        ) -> TensorViewMut[DT, Rank3, D]: ...
        @overload
        def select(self, dim: int, index: int) -> TensorViewMut[DT, AnyRank, D]: ...
        def select(self, dim: int, index: int) -> Any: ...
        def iter_dim(self, dim: int) -> Iterator[TensorViewMut[DT, AnyRank, D]]: ...
        def permute(self, *dims: int | Sequence[int]) -> TensorViewMut[DT, R, D]: ...
        def transpose(self, dim0: int, dim1: int) -> TensorViewMut[DT, R, D]: ...
        @property
        def T(self) -> TensorViewMut[DT, R, D]: ...
        @property
        def mT(self) -> TensorViewMut[DT, R, D]: ...
        def view_as(self, *shape: int | Sequence[int]) -> TensorViewMut[DT, AnyRank, D]: ...
        def squeeze(
            self, dim: int | Sequence[int] | None = None
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        def unsqueeze(self, dim: int) -> TensorViewMut[DT, AnyRank, D]: ...
        def expand(self, *shape: int | Sequence[int]) -> TensorViewMut[DT, AnyRank, D]: ...
        def broadcast_to(self, shape: Sequence[int]) -> TensorViewMut[DT, AnyRank, D]: ...
        def flip(self, dims: int | Sequence[int] | None = None) -> TensorViewMut[DT, R, D]: ...
        def split(  # type: ignore[override]
            self, split_size_or_sections: int | Sequence[int], dim: int = 0
        ) -> list[TensorViewMut[DT, R, D]]: ...
        def chunk(self, chunks: int, dim: int = 0) -> list[TensorViewMut[DT, R, D]]: ...  # type: ignore[override]
        def unbind(self, dim: int = 0) -> list[TensorViewMut[DT, AnyRank, D]]: ...  # type: ignore[override]
        def diagonal(
            self, offset: int = 0, dim1: int = 0, dim2: int = 1
        ) -> TensorViewMut[DT, AnyRank, D]: ...
        def as_strided(
            self, shape: Sequence[int], strides: Sequence[int], offset: int | None = None
        ) -> TensorViewMut[DT, AnyRank, D]: ...


class _OverlappingViewMut(TensorViewMut[DT, R, D]):
    """A mutable view whose layout overlaps itself (after ``expand``, some ``as_strided``).

    It reads like any mutable view but refuses every write, as do views derived from it:
    one write would land in several elements at once.
    """

    __slots__ = ()

    def _view(self, shape: tuple[int, ...], strides: tuple[int, ...], offset: int) -> Any:
        return _OverlappingViewMut._make(self._storage, shape, strides, offset, self._dtype)

    def view_mut(self) -> TensorViewMut[DT, R, D]:
        return self._view(self._shape, self._strides, self._offset)  # type: ignore[no-any-return]

    def _write(
        self, fn: Callable[[Array], object], dev: Callable[[Any, Buffer], object] | None = None
    ) -> None:
        raise ReadOnlyError(
            f"this view overlaps itself (shape {self._shape}, strides {self._strides}): "
            "several of its elements share memory, so it cannot be written; write "
            "through a view without repeated elements, or .contiguous() a copy"
        )

    def numpy(self, *, writable: bool = False) -> Array:
        if writable:
            self._write(lambda out: None)
        return super().numpy()


class Tensor(_Writable[DT, R, D]):
    """An owning tensor: an element type, a shape and a device, with value semantics.

    ``clone()`` is O(1) and copies on the first write; ``t[...]`` and ``view()`` give
    frozen views, ``view_mut()`` a writable alias. Make tensors with the factories
    (``ct.tensor``, ``ct.zeros``, ``ct.from_numpy``, ...).

    Examples
    --------
    >>> import corten as ct
    >>> t = ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8)
    >>> t.shape, t.dtype, t.device
    ((2, 2), corten.uint8, device('cpu'))
    >>> (t + 1).tolist()
    [[2, 3], [4, 5]]
    """

    __slots__ = ()


_TENSOR_TYPES: Final = frozenset({TensorView, TensorViewMut, Tensor})
