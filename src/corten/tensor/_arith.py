"""Operators and elementwise arithmetic of every tensor, and the dtype checks they make.

``+ * == != < <= > >=`` are the hot path of small operations: each gets its own closure
(``_elementwise``) with the checks and the result construction inlined. The other
operators check their dtype preconditions and silence NumPy's warnings. On devices other
than the CPU every operation goes to the tensor's backend with Regions as operands.

Operands of two dtypes promote as the array API standard's table says, within a kind
(:func:`corten.core.dtypes.promote_types`); kinds never mix. Only when the dtypes differ
does promotion cost anything: on the CPU NumPy computes in the promoted dtype (its
promotion agrees with the standard's for every pair corten allows), on other devices the
operands are cast first, so backends always see operands of one dtype.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from corten.core.convert import array_for, scalar_for
from corten.core.devices import cpu
from corten.core.dtypes import _BY_NUMPY, Bool, DType, complex_dtype, promote_types
from corten.core.errors import (
    DeviceMismatchError,
    DeviceUnavailableError,
    DTypeError,
    ShapeError,
)
from corten.core.typeparams import DT, AnyRank, D, R
from corten.memory.storage import ONE_HOLDER, Buffer, Storage
from corten.tensor._base import CannotWriteToTensorView, _TensorBase
from corten.tensor._build import (
    _STRIDES_CACHE,
    KINDS,
    TENSOR_TYPES,
    _as_operand,
    _backend,
    _new_object,
    _result,
    _wrap_buffer,
    _wrap_region,
)
from corten.tensor._hooks import EXT

if TYPE_CHECKING:
    from corten.tensor.owner import Tensor
    from corten.tensor.view import TensorView

__all__: list[str] = []

Array = np.ndarray[Any, Any]
Scalar = bool | int | float

_SCALAR_TYPES: Final = (np.ndarray, bool, int, float, complex, np.generic)
_COMPLEX_SCALARS: Final = (complex, np.complexfloating)
# Operands that ``==`` compares elementwise: scalars, arrays and Python data (nested lists
# or tuples, converted to the tensor's dtype like scalars); anything else compares unequal.
_OPERAND_TYPES: Final = (*_SCALAR_TYPES, list, tuple)


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
            if foreign_is_unequal and not isinstance(other, (*_OPERAND_TYPES, _TensorBase)):
                return NotImplemented
            x, y = self._device_operands(other)
            return _wrap_region(_backend(x).binary(op, x._region(), _as_operand(y), reflected))
        if type(other) in TENSOR_TYPES:
            o: TensorView[Any, Any, Any] = other  # type: ignore[assignment]
            if o._dtype is self._dtype and o._device is self._device:
                cache = o._cache
                b = cache[1] if cache[0] is o._storage.buffer else o._np()
            else:
                b = self._promoted_other(o)
        elif foreign_is_unequal and not isinstance(other, _OPERAND_TYPES):
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
        t = _new_object(KINDS.owner)
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


def _check_ufunc_dtype(ufunc: np.ufunc, dtype: DType) -> None:
    kind = dtype.kind
    if ufunc is np.true_divide and kind not in "fc":
        raise DTypeError(
            f"true division needs a floating dtype, the tensor is {dtype.name}; use // for "
            "integer division or convert with .astype(ct.float32)"
        )
    if ufunc in (np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert) and kind in "fc":
        raise DTypeError(f"bitwise operations need an integer or bool dtype, got {dtype.name}")
    if ufunc in (np.left_shift, np.right_shift) and kind not in "iu":
        raise DTypeError(f"bit shifts need an integer dtype, got {dtype.name}")
    if kind == "c" and ufunc in (np.floor_divide, np.remainder):
        raise DTypeError(
            f"{ufunc.__name__} is not defined for complex tensors ({dtype.name}); take the "
            "real part first with ct.real(t)"
        )
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


class _Arithmetic(_TensorBase[DT, R, D]):
    __slots__ = ()

    def _check_other(self, other: _TensorBase[Any, Any, Any]) -> Array:
        self._check_devices_and_dtypes(other)
        return other._np()

    def _check_devices_and_dtypes(self, other: _TensorBase[Any, Any, Any]) -> None:
        self._check_device(other)
        if other._dtype is not self._dtype:
            raise DTypeError(
                f"dtypes differ: {self._dtype.name} and {other._dtype.name}; copies, "
                "assignments and comparisons of whole tensors take one dtype: convert one "
                f"operand with .astype(ct.{self._dtype.name}) or .astype(ct.{other._dtype.name})"
            )

    def _check_device(self, other: _TensorBase[Any, Any, Any]) -> None:
        if other._device != self._device:
            raise DeviceMismatchError(
                f"tensors on different devices: {self._device} and {other._device}; "
                f"move one with .to({str(self._device)!r})"
            )

    def _promoted_other(self, other: _TensorBase[Any, Any, Any]) -> Array:
        """``other``'s array for an operation with this CPU tensor, after checking that
        the dtypes promote (NumPy then computes in the promoted dtype)."""
        self._check_device(other)
        dt = promote_types(self._dtype, other._dtype)  # raises across kinds
        if (self._dtype._ml_dtypes or other._dtype._ml_dtypes) and dt not in (
            self._dtype,
            other._dtype,
        ):  # NumPy has no rule for bfloat16 with float16: give it the float32 operand
            return other._np().astype(dt.numpy)
        return other._np()

    def _device_operands(self, other: object) -> tuple[_TensorBase[Any, Any, Any], Any]:
        """``(self, other)`` for a backend verb off the CPU: a tensor on this device or a
        scalar, both converted to the promoted dtype (backends take one dtype)."""
        if isinstance(other, _TensorBase):
            if other._dtype is self._dtype:
                if other._device != self._device:
                    self._check_device(other)
                return self, other
            self._check_device(other)
            dt = promote_types(self._dtype, other._dtype)
            a = self if self._dtype is dt else self.astype(dt)
            return a, (other if other._dtype is dt else other.astype(dt))
        if isinstance(other, _COMPLEX_SCALARS) and self._dtype.kind == "f":
            dt = complex_dtype(self._dtype)  # a complex scalar makes a real tensor complex
            return self.astype(dt), scalar_for(other, dt)
        return self, self._device_operand(other)

    def _inplace_other(self, other: object) -> object:
        """``other`` for ``self op= other``, whose result must keep this tensor's dtype:
        a tensor of another dtype that promotes to it (cast to it off the CPU), or
        ``other`` unchanged. Raises when the result would change the dtype."""
        if isinstance(other, _TensorBase) and other._dtype is not self._dtype:
            self._check_device(other)
            dt = promote_types(self._dtype, other._dtype)  # raises across kinds
            if dt is not self._dtype:
                raise DTypeError(
                    f"an in-place operation keeps the tensor's dtype, {self._dtype.name}, "
                    f"but {self._dtype.name} with {other._dtype.name} gives {dt.name}; write "
                    f"x = x op y to get {dt.name}, or convert the operand with "
                    f".astype(ct.{self._dtype.name})"
                )
            return other if self._device is cpu else other.astype(self._dtype)
        if isinstance(other, _COMPLEX_SCALARS) and self._dtype.kind != "c":
            raise DTypeError(
                f"an in-place operation keeps the tensor's dtype, {self._dtype.name}; a "
                f"complex scalar ({other!r}) would make it complex: write x = x op y, or "
                "convert the tensor with .astype(ct.complex64) first"
            )
        return other

    def _operand(self, other: object) -> Any:
        """The NumPy operand for ``other``: a checked tensor, array or scalar; nested lists
        or tuples (Python data) take the tensor's dtype under the scalar rule."""
        if isinstance(other, _TensorBase):
            return self._promoted_other(other)
        if isinstance(other, np.ndarray):
            if self._device.kind != "cpu":
                raise DeviceMismatchError(
                    f"a NumPy array lives on the cpu, the tensor on {self._device}"
                )
            if other.dtype != self._dtype.numpy:
                raise DTypeError(
                    f"dtypes differ: {self._dtype.name} and NumPy {other.dtype}; a NumPy "
                    "operand must have the tensor's dtype: convert with .astype(...), or "
                    "make it a tensor with ct.asarray (tensors promote within a kind)"
                )
            return other
        if isinstance(other, (list, tuple)):
            return array_for(other, self._dtype)
        if isinstance(other, _COMPLEX_SCALARS) and self._dtype.kind == "f":
            # The array API: a complex scalar with a real floating tensor computes in the
            # complex dtype of the same precision (1j * float32 is complex64).
            return scalar_for(other, complex_dtype(self._dtype))
        return scalar_for(other, self._dtype)

    def _device_operand(self, other: object) -> Any:
        """The operand for a device backend: a checked tensor on this device, or a scalar.

        Nested lists are converted on the host and moved to the device, as ``t[...] = data``
        does.
        """
        if isinstance(other, _TensorBase):
            if other._device != self._device or other._dtype is not self._dtype:
                self._check_other(other)  # raises DeviceMismatchError or DTypeError
            return other
        if isinstance(other, np.ndarray):
            raise DeviceMismatchError(
                f"a NumPy array lives on the cpu, the tensor on {self._device}; move the "
                f"array with ct.tensor(a).to({str(self._device)!r})"
            )
        if isinstance(other, (list, tuple)):
            h = np.ascontiguousarray(array_for(other, self._dtype))
            return _wrap_buffer(_backend(self).from_host(h), h.shape)
        return scalar_for(other, self._dtype)

    def _checked_binary(
        self, other: object, ufunc: np.ufunc, reflected: bool = False
    ) -> Tensor[Any, Any, Any]:
        """Binary operations with a dtype precondition and silenced NumPy warnings."""
        _check_ufunc_dtype(ufunc, self._dtype)
        if self._device is not cpu:
            x, b_dev = self._device_operands(other)
            _check_ufunc_dtype(ufunc, x._dtype)
            if ufunc is np.power:
                if self._device.kind != "meta":
                    exponent = b_dev._host_np() if isinstance(b_dev, _TensorBase) else b_dev
                    _check_pow(ufunc, x._dtype, x._host_np() if reflected else exponent)
                elif not reflected and not isinstance(b_dev, _TensorBase):
                    _check_pow(ufunc, x._dtype, b_dev)  # a scalar needs no data
            try:
                region = _backend(x).binary(ufunc, x._region(), _as_operand(b_dev), reflected)
            except NotImplementedError as exc:
                raise DeviceUnavailableError(
                    f"{ufunc.__name__} cannot run on {self._device} in this version ({exc}); "
                    "move the tensors with .to_cpu()"
                ) from exc
            return _wrap_region(region)
        b = self._operand(other)
        bd = b.dtype
        if bd != self._dtype.numpy:  # promoted: check the dtype the operation computes in
            _check_ufunc_dtype(ufunc, _BY_NUMPY[np.promote_types(self._dtype.numpy, bd)])
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
            return _wrap_region(_backend(self).unary(ufunc, self._region()))
        return _result(ufunc(self._np()), self._device)

    # ----------------------------------------------------------------- arithmetic

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
        def __ilshift__(self, other: object) -> CannotWriteToTensorView: ...
        def __irshift__(self, other: object) -> CannotWriteToTensorView: ...

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

    def __lshift__(self, other: TensorView[DT, Any, D] | int) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.left_shift)

    def __rlshift__(self, other: int) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.left_shift, True)

    def __rshift__(self, other: TensorView[DT, Any, D] | int) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.right_shift)

    def __rrshift__(self, other: int) -> Tensor[DT, AnyRank, D]:
        return self._checked_binary(other, np.right_shift, True)

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

    def __matmul__(self, other: TensorView[DT, Any, D]) -> Tensor[DT, AnyRank, D]:
        # A NumPy operand is taken as the other operators take it (cpu, same dtype).
        if isinstance(other, np.ndarray):
            other = _result(np.array(self._operand(other)), self._device)
        if not isinstance(other, _TensorBase):
            return NotImplemented
        return EXT.matmul(self, other)  # type: ignore[no-any-return]

    def __rmatmul__(self, other: TensorView[DT, Any, D]) -> Tensor[DT, AnyRank, D]:
        if isinstance(other, np.ndarray):
            other = _result(np.array(self._operand(other)), self._device)
        if not isinstance(other, _TensorBase):
            return NotImplemented
        return EXT.matmul(other, self)  # type: ignore[no-any-return]
