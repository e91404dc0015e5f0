"""``_Writable``: the write operations that ``Tensor`` and ``TensorViewMut`` share.

Every write path (setitem, ``fill_``, ``copy_``, in-place operators, ``iter_mut``,
``apply_``, writable exports) first asks the Storage for write access, which makes the
Buffer exclusive (copy-on-write) before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from corten.core.convert import array_for, cast_checked, scalar_for
from corten.core.devices import cpu
from corten.core.errors import (
    DeviceMismatchError,
    DTypeError,
    ShapeError,
)
from corten.core.layout import (
    broadcast_shapes,
    index_layout,
)
from corten.core.typeparams import DT, AnyRank, D, R
from corten.memory.region import array_at
from corten.memory.storage import _STRIPES, Buffer, Storage
from corten.tensor._arith import _check_pow, _check_ufunc_dtype
from corten.tensor._build import KINDS, _as_operand, _backend, _wrap_buffer
from corten.tensor._hooks import EXT
from corten.tensor.view import TensorView, _index_error, _is_basic, _np_index

if TYPE_CHECKING:
    from corten.pipelines.iterators import ElementMut
    from corten.tensor.mutable import TensorViewMut

__all__: list[str] = []

Array = np.ndarray[Any, Any]
Scalar = bool | int | float


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
        return KINDS.mutable._make(
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
            # Views of shared memory are windows that hold nothing: the owner writes in
            # place and they see it, as NumPy views do.
            fs = st.window() if st.buffer.escaped else st.share()
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
                out = array_at(buf, self._shape, self._strides, self._offset)
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
            return array_at(buf, self._shape, self._strides, self._offset)

    # ---- mutable iteration: corten.pipelines, through the extension registry

    def iter_mut(self) -> Iterator[ElementMut]:
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
        return EXT.iter_mut(self)  # type: ignore[no-any-return]

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
        EXT.apply_(self, fn)

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
        if not isinstance(src, TensorView):
            raise DTypeError(
                f"copy_ takes a corten tensor, got {type(src).__name__}; convert it first "
                "with ct.tensor(src, dtype=t.dtype, device=t.device) (ct.from_numpy(src) "
                "needs no copy for a NumPy array on the cpu), or assign it with t[...] = src"
            )
        if self._device is not cpu and self._device.kind != "meta":
            dv = self._device_operand(src)
            self._check_broadcast_into(np.shape(dv), self._shape)
            layout = (self._shape, self._strides, self._offset)
            self._write(lambda out: None, lambda be, buf: be.assign(buf, layout, _as_operand(dv)))
            return
        b = self._check_other(src)
        self._check_broadcast_into(b.shape, self._shape)
        self._write(lambda out: np.copyto(out, b.copy() if np.may_share_memory(out, b) else b))

    def _check_broadcast_into(self, src: tuple[int, ...], dst: tuple[int, ...]) -> None:
        try:  # corten's own: np.broadcast_shapes stops at 32 dimensions
            ok = broadcast_shapes(src, dst) == dst
        except ShapeError:
            ok = False
        if not ok:
            raise ShapeError(f"a value of shape {src} cannot be broadcast into shape {dst}")

    def _value_array(self, value: object) -> Any:
        if isinstance(value, TensorView):
            return self._check_other(value)
        if isinstance(value, (bool, int, float, complex, np.generic)):
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
            except (IndexError, ValueError) as exc:  # ValueError: a zero slice step
                raise _index_error(exc, idx, self._shape) from exc
            dval: Any
            if isinstance(value, TensorView):
                dval = self._device_operand(value)
            elif isinstance(value, (bool, int, float, complex, np.generic, np.ndarray)):
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
                self._write(
                    lambda out: None, lambda be, buf: be.assign(buf, sub, _as_operand(dval))
                )
            else:
                self._write(
                    lambda out: None,
                    lambda be, buf: be.scatter(buf, whole, d_idx, _as_operand(dval)),
                )
            return
        arr = self._np()
        np_idx: Any = idx if _is_basic(idx) else _np_index(idx, self._device)
        try:
            target_shape = np.shape(arr[np_idx])
        except (IndexError, ValueError) as exc:  # ValueError: a zero slice step
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
        other = self._inplace_other(other)  # promotes when the result keeps the dtype
        if self._device is not cpu and self._device.kind != "meta":
            dv = self._device_operand(other)
            if isinstance(dv, TensorView):
                if ufunc is np.power and self._dtype.is_integer:
                    _check_pow(ufunc, self._dtype, dv.to_cpu()._np())
            else:
                _check_pow(ufunc, self._dtype, dv)
            self._check_broadcast_into(np.shape(dv), self._shape)
            layout = (self._shape, self._strides, self._offset)
            self._write(
                lambda out: None, lambda be, buf: be.inplace(ufunc, buf, layout, _as_operand(dv))
            )
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

    def __ilshift__(self, other: TensorView[DT, Any, D] | int) -> Self:  # type: ignore[override]
        return self._inplace(other, np.left_shift)

    def __irshift__(self, other: TensorView[DT, Any, D] | int) -> Self:  # type: ignore[override]
        return self._inplace(other, np.right_shift)
