"""Factories: every public way to make a tensor ends in ``TensorView._new``.

Defaults follow PyTorch for a vision library: float32 when no dtype is given for shapes,
and for Python data bool, int64 or float32 by the kind of the values; data that has a dtype
(a NumPy array, a Pillow image, a PyTorch tensor) keeps it.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable, Sequence
from itertools import product
from typing import Any, overload

import numpy as np

from corten.backends import get_backend
from corten.core.convert import array_for, carries_dtype, infer_dtype, scalar_for, source_array
from corten.core.devices import Cpu, Device, as_device, cpu, require_available
from corten.core.dtypes import DType, Float32, as_dtype, bool_, complex64, float32, int64
from corten.core.errors import DeviceMismatchError, DTypeError, OutOfMemoryError, ShapeError
from corten.core.layout import (
    check_numel,
    check_shape,
    contiguous_strides,
    extent,
    may_overlap,
    normalize_shape,
    numel,
)
from corten.core.typeparams import AnyRank, NewD, NewDT, Rank0, Rank1, Rank2, Rank3, Rank4
from corten.memory.storage import Buffer, GappedBuffer, Storage, count_copy
from corten.tensor import Tensor, TensorView
from corten.tensor._base import Scalar
from corten.tensor._build import _wrap_buffer

__all__ = [
    "allclose",
    "arange",
    "array_equal",
    "empty",
    "empty_like",
    "eye",
    "from_numpy",
    "from_shape_fn",
    "from_shape_vec",
    "full",
    "full_like",
    "ones",
    "ones_like",
    "tensor",
    "zeros",
    "zeros_like",
]


def _device(device: object) -> Device:
    dev = cpu if device is None else as_device(device)
    require_available(dev)
    return dev


def _owner(arr: np.ndarray[Any, Any], device: Device) -> Tensor[Any, Any, Any]:
    """An owning tensor over ``arr``, a fresh C-contiguous array that nobody else holds."""
    if device is not cpu:
        return _wrap_buffer(get_backend(device).from_host(arr), arr.shape)
    storage = Storage.fresh(arr.reshape(-1), device)
    return Tensor._new(storage, arr.shape, contiguous_strides(arr.shape), 0, as_dtype(arr.dtype))


def _filled(
    shape: object, dtype: object, device: object, fill: Any | None
) -> Tensor[Any, Any, Any]:
    dims = normalize_shape(shape)  # type: ignore[arg-type]
    dt = float32 if dtype is None else as_dtype(dtype)
    dev = _device(device)
    if dev.kind == "meta":  # no memory: the allocator would not say the count is too big
        check_numel(dims)
    # Through the device's allocator (aligned, counted in ct.memory_stats).
    backend = get_backend(dev)
    buf = backend.allocate(numel(dims), dt.numpy)
    if fill is not None:
        backend.fill(buf, scalar_for(fill, dt))
    return _wrap_buffer(buf, dims)


@overload
def empty(
    shape: tuple[()], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank0, Cpu]: ...
@overload
def empty(
    shape: tuple[()], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank0, Cpu]: ...
@overload
def empty(
    shape: tuple[()], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank0, NewD]: ...
@overload
def empty(shape: tuple[()], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank0, NewD]: ...
@overload
def empty(
    shape: int | tuple[int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank1, Cpu]: ...
@overload
def empty(
    shape: int | tuple[int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank1, Cpu]: ...
@overload
def empty(
    shape: int | tuple[int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank1, NewD]: ...
@overload
def empty(shape: int | tuple[int], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank1, NewD]: ...
@overload
def empty(
    shape: tuple[int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank2, Cpu]: ...
@overload
def empty(
    shape: tuple[int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank2, Cpu]: ...
@overload
def empty(
    shape: tuple[int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank2, NewD]: ...
@overload
def empty(shape: tuple[int, int], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank2, NewD]: ...
@overload
def empty(
    shape: tuple[int, int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank3, Cpu]: ...
@overload
def empty(
    shape: tuple[int, int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank3, Cpu]: ...
@overload
def empty(
    shape: tuple[int, int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank3, NewD]: ...
@overload
def empty(
    shape: tuple[int, int, int], dtype: NewDT, device: NewD
) -> Tensor[NewDT, Rank3, NewD]: ...
@overload
def empty(
    shape: tuple[int, int, int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank4, Cpu]: ...
@overload
def empty(
    shape: tuple[int, int, int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank4, Cpu]: ...
@overload
def empty(
    shape: tuple[int, int, int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank4, NewD]: ...
@overload
def empty(
    shape: tuple[int, int, int, int], dtype: NewDT, device: NewD
) -> Tensor[NewDT, Rank4, NewD]: ...
@overload
def empty(
    shape: Sequence[int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, AnyRank, Cpu]: ...
@overload
def empty(
    shape: Sequence[int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, AnyRank, Cpu]: ...
@overload
def empty(
    shape: Sequence[int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, AnyRank, NewD]: ...
@overload
def empty(shape: Sequence[int], dtype: NewDT, device: NewD) -> Tensor[NewDT, AnyRank, NewD]: ...


def empty(shape: Any, dtype: Any = float32, device: Any = cpu) -> Tensor[Any, Any, Any]:
    """A new tensor whose elements are not initialized.

    Parameters
    ----------
    shape : int or sequence of int
        The size of each dimension.
    dtype : DType
        The element type (default ``ct.float32``).
    device : Device
        Where the memory lives (default ``ct.cpu``).

    Examples
    --------
    >>> import corten as ct
    >>> ct.empty((2, 3), dtype=ct.uint8).shape
    (2, 3)
    """
    return _filled(shape, dtype, device, None)


@overload
def zeros(
    shape: tuple[()], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank0, Cpu]: ...
@overload
def zeros(
    shape: tuple[()], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank0, Cpu]: ...
@overload
def zeros(
    shape: tuple[()], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank0, NewD]: ...
@overload
def zeros(shape: tuple[()], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank0, NewD]: ...
@overload
def zeros(
    shape: int | tuple[int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank1, Cpu]: ...
@overload
def zeros(
    shape: int | tuple[int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank1, Cpu]: ...
@overload
def zeros(
    shape: int | tuple[int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank1, NewD]: ...
@overload
def zeros(shape: int | tuple[int], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank1, NewD]: ...
@overload
def zeros(
    shape: tuple[int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank2, Cpu]: ...
@overload
def zeros(
    shape: tuple[int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank2, Cpu]: ...
@overload
def zeros(
    shape: tuple[int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank2, NewD]: ...
@overload
def zeros(shape: tuple[int, int], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank2, NewD]: ...
@overload
def zeros(
    shape: tuple[int, int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank3, Cpu]: ...
@overload
def zeros(
    shape: tuple[int, int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank3, Cpu]: ...
@overload
def zeros(
    shape: tuple[int, int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank3, NewD]: ...
@overload
def zeros(
    shape: tuple[int, int, int], dtype: NewDT, device: NewD
) -> Tensor[NewDT, Rank3, NewD]: ...
@overload
def zeros(
    shape: tuple[int, int, int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank4, Cpu]: ...
@overload
def zeros(
    shape: tuple[int, int, int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank4, Cpu]: ...
@overload
def zeros(
    shape: tuple[int, int, int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank4, NewD]: ...
@overload
def zeros(
    shape: tuple[int, int, int, int], dtype: NewDT, device: NewD
) -> Tensor[NewDT, Rank4, NewD]: ...
@overload
def zeros(
    shape: Sequence[int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, AnyRank, Cpu]: ...
@overload
def zeros(
    shape: Sequence[int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, AnyRank, Cpu]: ...
@overload
def zeros(
    shape: Sequence[int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, AnyRank, NewD]: ...
@overload
def zeros(shape: Sequence[int], dtype: NewDT, device: NewD) -> Tensor[NewDT, AnyRank, NewD]: ...


def zeros(shape: Any, dtype: Any = float32, device: Any = cpu) -> Tensor[Any, Any, Any]:
    """A new tensor of zeros.

    Parameters
    ----------
    shape : int or sequence of int
        The size of each dimension.
    dtype : DType
        The element type (default ``ct.float32``).
    device : Device
        Where the memory lives (default ``ct.cpu``).

    Examples
    --------
    >>> import corten as ct
    >>> ct.zeros((2, 2), dtype=ct.int32).tolist()
    [[0, 0], [0, 0]]
    """
    return _filled(shape, dtype, device, False)


@overload
def ones(
    shape: tuple[()], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank0, Cpu]: ...
@overload
def ones(shape: tuple[()], dtype: NewDT, device: Cpu | None = ...) -> Tensor[NewDT, Rank0, Cpu]: ...
@overload
def ones(
    shape: tuple[()], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank0, NewD]: ...
@overload
def ones(shape: tuple[()], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank0, NewD]: ...
@overload
def ones(
    shape: int | tuple[int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank1, Cpu]: ...
@overload
def ones(
    shape: int | tuple[int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank1, Cpu]: ...
@overload
def ones(
    shape: int | tuple[int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank1, NewD]: ...
@overload
def ones(shape: int | tuple[int], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank1, NewD]: ...
@overload
def ones(
    shape: tuple[int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank2, Cpu]: ...
@overload
def ones(
    shape: tuple[int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank2, Cpu]: ...
@overload
def ones(
    shape: tuple[int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank2, NewD]: ...
@overload
def ones(shape: tuple[int, int], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank2, NewD]: ...
@overload
def ones(
    shape: tuple[int, int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank3, Cpu]: ...
@overload
def ones(
    shape: tuple[int, int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank3, Cpu]: ...
@overload
def ones(
    shape: tuple[int, int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank3, NewD]: ...
@overload
def ones(shape: tuple[int, int, int], dtype: NewDT, device: NewD) -> Tensor[NewDT, Rank3, NewD]: ...
@overload
def ones(
    shape: tuple[int, int, int, int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, Rank4, Cpu]: ...
@overload
def ones(
    shape: tuple[int, int, int, int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank4, Cpu]: ...
@overload
def ones(
    shape: tuple[int, int, int, int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, Rank4, NewD]: ...
@overload
def ones(
    shape: tuple[int, int, int, int], dtype: NewDT, device: NewD
) -> Tensor[NewDT, Rank4, NewD]: ...
@overload
def ones(
    shape: Sequence[int], dtype: Float32 | None = ..., device: Cpu | None = ...
) -> Tensor[Float32, AnyRank, Cpu]: ...
@overload
def ones(
    shape: Sequence[int], dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, AnyRank, Cpu]: ...
@overload
def ones(
    shape: Sequence[int], dtype: Float32 | None = ..., *, device: NewD
) -> Tensor[Float32, AnyRank, NewD]: ...
@overload
def ones(shape: Sequence[int], dtype: NewDT, device: NewD) -> Tensor[NewDT, AnyRank, NewD]: ...


def ones(shape: Any, dtype: Any = float32, device: Any = cpu) -> Tensor[Any, Any, Any]:
    """A new tensor of ones.

    Parameters
    ----------
    shape : int or sequence of int
        The size of each dimension.
    dtype : DType
        The element type (default ``ct.float32``).
    device : Device
        Where the memory lives (default ``ct.cpu``).

    Examples
    --------
    >>> import corten as ct
    >>> ct.ones(3).tolist()
    [1.0, 1.0, 1.0]
    """
    return _filled(shape, dtype, device, True)


@overload
def full(
    shape: tuple[()],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    device: Cpu | None = ...,
) -> Tensor[Any, Rank0, Cpu]: ...
@overload
def full(
    shape: tuple[()], fill_value: Scalar | complex, dtype: DType | None = ..., *, device: NewD
) -> Tensor[Any, Rank0, NewD]: ...
@overload
def full(
    shape: tuple[()], fill_value: Scalar | complex, dtype: DType | None, device: NewD
) -> Tensor[Any, Rank0, NewD]: ...
@overload
def full(
    shape: int | tuple[int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    device: Cpu | None = ...,
) -> Tensor[Any, Rank1, Cpu]: ...
@overload
def full(
    shape: int | tuple[int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    *,
    device: NewD,
) -> Tensor[Any, Rank1, NewD]: ...
@overload
def full(
    shape: int | tuple[int], fill_value: Scalar | complex, dtype: DType | None, device: NewD
) -> Tensor[Any, Rank1, NewD]: ...
@overload
def full(
    shape: tuple[int, int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    device: Cpu | None = ...,
) -> Tensor[Any, Rank2, Cpu]: ...
@overload
def full(
    shape: tuple[int, int], fill_value: Scalar | complex, dtype: DType | None = ..., *, device: NewD
) -> Tensor[Any, Rank2, NewD]: ...
@overload
def full(
    shape: tuple[int, int], fill_value: Scalar | complex, dtype: DType | None, device: NewD
) -> Tensor[Any, Rank2, NewD]: ...
@overload
def full(
    shape: tuple[int, int, int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    device: Cpu | None = ...,
) -> Tensor[Any, Rank3, Cpu]: ...
@overload
def full(
    shape: tuple[int, int, int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    *,
    device: NewD,
) -> Tensor[Any, Rank3, NewD]: ...
@overload
def full(
    shape: tuple[int, int, int], fill_value: Scalar | complex, dtype: DType | None, device: NewD
) -> Tensor[Any, Rank3, NewD]: ...
@overload
def full(
    shape: tuple[int, int, int, int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    device: Cpu | None = ...,
) -> Tensor[Any, Rank4, Cpu]: ...
@overload
def full(
    shape: tuple[int, int, int, int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    *,
    device: NewD,
) -> Tensor[Any, Rank4, NewD]: ...
@overload
def full(
    shape: tuple[int, int, int, int],
    fill_value: Scalar | complex,
    dtype: DType | None,
    device: NewD,
) -> Tensor[Any, Rank4, NewD]: ...
@overload
def full(
    shape: Sequence[int],
    fill_value: Scalar | complex,
    dtype: DType | None = ...,
    device: Cpu | None = ...,
) -> Tensor[Any, AnyRank, Cpu]: ...
@overload
def full(
    shape: Sequence[int], fill_value: Scalar | complex, dtype: DType | None = ..., *, device: NewD
) -> Tensor[Any, AnyRank, NewD]: ...
@overload
def full(
    shape: Sequence[int], fill_value: Scalar | complex, dtype: DType | None, device: NewD
) -> Tensor[Any, AnyRank, NewD]: ...


def full(
    shape: Any, fill_value: Scalar | complex, dtype: DType | None = None, device: Any = cpu
) -> Tensor[Any, Any, Any]:
    """A new tensor with every element set to ``fill_value``.

    Without ``dtype`` the value decides: bool, int64 or float32.

    Examples
    --------
    >>> import corten as ct
    >>> ct.full((2,), 7).tolist(), ct.full((2,), 7).dtype
    ([7, 7], corten.int64)
    """
    if dtype is None:
        dtype = _scalar_dtype(fill_value)
    return _filled(shape, dtype, device, fill_value)


def _scalar_dtype(value: object) -> DType:
    if isinstance(value, (bool, np.bool_)):
        return bool_
    if isinstance(value, (int, np.integer)):
        return int64
    if isinstance(value, (float, np.floating)):
        return float32
    if isinstance(value, (complex, np.complexfloating)):
        return complex64
    raise DTypeError(f"a fill value is a bool, int, float or complex, got {type(value).__name__}")


def _like_args(t: TensorView[Any, Any, Any], dtype: object, device: object) -> tuple[Any, Any]:
    return (t.dtype if dtype is None else dtype), (t.device if device is None else device)


def empty_like(
    t: TensorView[Any, Any, Any], dtype: DType | None = None, device: Device | None = None
) -> Tensor[Any, Any, Any]:
    """An uninitialized tensor with ``t``'s shape, dtype and device (unless given).

    Examples
    --------
    >>> import corten as ct
    >>> ct.empty_like(ct.zeros((2, 3), dtype=ct.int8)).dtype
    corten.int8
    """
    return _filled(t.shape, *_like_args(t, dtype, device), None)


def zeros_like(
    t: TensorView[Any, Any, Any], dtype: DType | None = None, device: Device | None = None
) -> Tensor[Any, Any, Any]:
    """Zeros with ``t``'s shape, dtype and device (unless given).

    Examples
    --------
    >>> import corten as ct
    >>> ct.zeros_like(ct.ones((2,))).tolist()
    [0.0, 0.0]
    """
    return _filled(t.shape, *_like_args(t, dtype, device), False)


def ones_like(
    t: TensorView[Any, Any, Any], dtype: DType | None = None, device: Device | None = None
) -> Tensor[Any, Any, Any]:
    """Ones with ``t``'s shape, dtype and device (unless given).

    Examples
    --------
    >>> import corten as ct
    >>> ct.ones_like(ct.zeros((2,), dtype=ct.int32)).tolist()
    [1, 1]
    """
    return _filled(t.shape, *_like_args(t, dtype, device), True)


def full_like(
    t: TensorView[Any, Any, Any],
    fill_value: Scalar | complex,
    dtype: DType | None = None,
    device: Device | None = None,
) -> Tensor[Any, Any, Any]:
    """``fill_value`` everywhere, with ``t``'s shape, dtype and device (unless given).

    Examples
    --------
    >>> import corten as ct
    >>> ct.full_like(ct.zeros((2,), dtype=ct.uint8), 9).tolist()
    [9, 9]
    """
    return _filled(t.shape, *_like_args(t, dtype, device), fill_value)


@overload
def arange(
    start: int | float,
    stop: int | float | None = None,
    step: int | float = 1,
    *,
    dtype: DType | None = None,
    device: Cpu | None = ...,
) -> Tensor[Any, Rank1, Cpu]: ...
@overload
def arange(
    start: int | float,
    stop: int | float | None = None,
    step: int | float = 1,
    *,
    dtype: DType | None = None,
    device: NewD,
) -> Tensor[Any, Rank1, NewD]: ...
def arange(
    start: int | float,
    stop: int | float | None = None,
    step: int | float = 1,
    *,
    dtype: DType | None = None,
    device: Device | None = cpu,
) -> Tensor[Any, Rank1, Any]:
    """Evenly spaced values in ``[start, stop)``, as NumPy's ``arange``.

    Without ``dtype``: int64 when every argument is an int, float32 otherwise.

    Examples
    --------
    >>> import corten as ct
    >>> ct.arange(5).tolist(), ct.arange(1, 2, 0.5).tolist()
    ([0, 1, 2, 3, 4], [1.0, 1.5])
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ShapeError("arange step must not be zero")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = int64 if ints else float32
    dt = as_dtype(dtype)
    dev = _device(device)
    if all(isinstance(v, (int, np.integer)) for v in (start, stop, step)):
        n = max(0, -((int(start) - int(stop)) // int(step)))  # len(range(...)), any size
    else:
        span = (float(stop) - float(start)) / float(step)
        if not math.isfinite(span):
            raise ShapeError(
                f"arange({start!r}, {stop!r}, {step!r}) has no finite number of elements"
            )
        n = max(0, math.ceil(span))
    check_shape((n,))  # ShapeError for more elements than an int64 counts
    if dev.kind == "meta":  # the length only: meta tensors hold no data
        return _filled((n,), dt, dev, None)
    # NumPy computes the values as int64 or float64 (8 bytes each) before the cast.
    arr = _host_array(
        lambda: np.arange(start, stop, step, dtype=np.float64 if dt.is_floating else None),
        f"arange({start!r}, {stop!r}, {step!r}) of {n} elements",
        n * max(8, dt.itemsize),
    )
    return _owner(array_for(arr, dt) if not dt.is_floating else arr.astype(dt.numpy), dev)


def _host_array(make: Callable[[], np.ndarray[Any, Any]], what: str, nbytes: int) -> Any:
    """``make()``, a NumPy array of ``nbytes`` made on the host for a factory, with
    corten's :class:`OutOfMemoryError` (and the sizes) where NumPy would fail."""
    if nbytes > sys.maxsize:
        raise OutOfMemoryError(
            f"out of memory on cpu: {what} needs {nbytes} bytes, more than the address "
            f"space ({sys.maxsize} bytes)"
        )
    try:
        return make()
    except MemoryError as exc:
        raise OutOfMemoryError(
            f"out of memory on cpu: {what} needs {nbytes} bytes, which cannot be allocated"
        ) from exc


@overload
def eye(
    n: int, m: int | None = None, *, k: int = 0, dtype: None = None, device: Cpu | None = ...
) -> Tensor[Float32, Rank2, Cpu]: ...
@overload
def eye(
    n: int, m: int | None = None, *, k: int = 0, dtype: None = None, device: NewD
) -> Tensor[Float32, Rank2, NewD]: ...
@overload
def eye(
    n: int, m: int | None = None, *, k: int = 0, dtype: NewDT, device: Cpu | None = ...
) -> Tensor[NewDT, Rank2, Cpu]: ...
@overload
def eye(
    n: int, m: int | None = None, *, k: int = 0, dtype: NewDT, device: NewD
) -> Tensor[NewDT, Rank2, NewD]: ...
def eye(
    n: int, m: int | None = None, *, k: int = 0, dtype: DType | None = None, device: Any = cpu
) -> Tensor[Any, Rank2, Any]:
    """A 2-D tensor with ones on the diagonal ``k`` (0: the main one, > 0 above it, < 0
    below it) and zeros elsewhere; ``m`` columns (default ``n``).

    Examples
    --------
    >>> import corten as ct
    >>> ct.eye(2, dtype=ct.int32).tolist()
    [[1, 0], [0, 1]]
    >>> ct.eye(2, 3, k=1).tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    dt = as_dtype(float32 if dtype is None else dtype)
    dev = _device(device)
    dims = normalize_shape((n, n if m is None else m))
    if dev.kind == "meta":
        return _filled(dims, dt, dev, None)
    arr = _host_array(
        lambda: np.eye(dims[0], dims[1], k=operator.index(k), dtype=dt.numpy),
        f"eye{dims} of {numel(dims)} elements of {dt.name}",
        numel(dims) * dt.itemsize,
    )
    return _owner(arr, dev)


@overload
def tensor(
    data: object, dtype: None = None, device: Cpu | None = ...
) -> Tensor[Any, AnyRank, Cpu]: ...
@overload
def tensor(data: object, dtype: None = None, *, device: NewD) -> Tensor[Any, AnyRank, NewD]: ...
@overload
def tensor(data: object, dtype: NewDT, device: Cpu | None = ...) -> Tensor[NewDT, AnyRank, Cpu]: ...
@overload
def tensor(data: object, dtype: NewDT, device: NewD) -> Tensor[NewDT, AnyRank, NewD]: ...
def tensor(data: object, dtype: DType | None = None, device: Any = cpu) -> Tensor[Any, Any, Any]:
    """A new tensor holding a copy of ``data``.

    Parameters
    ----------
    data : scalar, nested sequences, NumPy array or tensor
        The elements. Ragged nesting raises ShapeError.
    dtype : DType, optional
        The element type. Without it, data that has a dtype keeps it, as with
        ``np.asarray``: NumPy arrays and scalars, tensors, and objects with
        ``__array_interface__``, ``__array__`` or ``__dlpack__`` (Pillow images, PyTorch
        tensors). Python data (scalars and nested lists of them) gets bool, int64 or
        float32 by the kind of its values. Values must fit the dtype: floats never go
        silently into an integer tensor.
    device : Device
        Where the memory lives (default ``ct.cpu``).

    Examples
    --------
    >>> import corten as ct
    >>> ct.tensor([[1, 2], [3, 4]]).dtype
    corten.int64
    >>> ct.tensor(2.5).shape
    ()
    >>> import numpy as np
    >>> ct.tensor(np.array([1, 2], dtype=np.uint8)).dtype
    corten.uint8
    """
    dev = _device(device)
    if isinstance(data, TensorView):
        src = data._np()
    else:
        try:
            src = source_array(data)
        except (DTypeError, DeviceMismatchError):
            raise
        except ValueError as exc:
            raise ShapeError(f"cannot make a tensor of ragged or invalid data: {exc}") from exc
    if src.dtype == object:
        raise ShapeError(
            "cannot make a tensor of ragged or non-numeric data; every row must have the "
            "same length and every element be a bool, int or float"
        )
    if dtype is None:
        keep = isinstance(data, TensorView) or carries_dtype(data)
        dt = as_dtype(src.dtype) if keep else as_dtype(infer_dtype(src))
    else:
        dt = as_dtype(dtype)
    return _owner(np.array(array_for(src, dt), copy=True, order="C"), dev)


def from_numpy(a: np.ndarray[Any, Any], copy: bool = False) -> Tensor[Any, AnyRank, Any]:
    """A tensor over a NumPy array's memory (zero-copy by default).

    The tensor keeps ``a`` alive. Both see each other's writes, as with PyTorch's
    ``from_numpy``. The memory is *shared* (``t.is_shared``): views of the tensor are
    zero-copy windows that see writes made through ``a``, the tensor writes in place, and
    a clone copies its elements. A read-only array is never written: the tensor copies
    on its first write. Byte-swapped arrays, and arrays whose elements repeat
    (``np.broadcast_to``), are copied.

    Examples
    --------
    >>> import numpy as np
    >>> import corten as ct
    >>> a = np.arange(4, dtype=np.float32)
    >>> t = ct.from_numpy(a)
    >>> t += 1.0
    >>> a.tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    if not isinstance(a, np.ndarray):
        raise DTypeError(f"from_numpy takes a numpy.ndarray, got {type(a).__name__}")
    dt = as_dtype(a.dtype)
    if copy or not a.dtype.isnative:
        return _owner(np.array(a, dtype=dt.numpy, order="C", copy=True), cpu)
    isz = a.itemsize
    if any(s % isz for s in a.strides):
        return _owner(np.array(a, order="C", copy=True), cpu)
    # The flat root starts at the lowest address the array touches and spans its extent.
    strides = tuple(s // isz for s in a.strides)
    if may_overlap(a.shape, strides):
        # An owner never aliases its own elements (np.broadcast_to, sliding windows): the
        # elements are copied into a dense owner, a copy counted in ct.cow_stats().
        dense = _owner(np.array(a, dtype=dt.numpy, order="C", copy=True), cpu)
        count_copy(dense.nbytes)
        return dense
    if a.size == 0:
        root = np.empty(0, dtype=a.dtype)
        offset = 0
    else:
        lo, hi = extent(a.shape, strides, 0)
        flips = tuple(slice(None, None, -1) if s < 0 else slice(None) for s in strides)
        corner = a[(*flips, ...)]  # `...` keeps a 0-d array an array
        if dt._ml_dtypes:  # as_strided goes through the array interface, which cannot
            corner = corner.view(f"u{isz}")  # describe ml_dtypes' types: strided as bits
        root = np.lib.stride_tricks.as_strided(
            corner, shape=(hi - lo,), strides=(isz,), writeable=bool(a.flags.writeable)
        ).view(a.dtype)
        offset = -lo
    kind = GappedBuffer if a.size and hi - lo != a.size else Buffer
    buf = kind(root, cpu, escaped=True, readonly=not a.flags.writeable)
    return Tensor._new(Storage.adopt(buf), a.shape, strides, offset, dt)


def from_shape_vec(
    shape: int | Sequence[int],
    data: Sequence[Any] | np.ndarray[Any, Any],
    dtype: DType | None = None,
) -> Tensor[Any, AnyRank, Any]:
    """A tensor of ``shape`` from a flat sequence of its elements in row-major order.

    Raises
    ------
    ShapeError
        If ``len(data)`` differs from the number of elements of ``shape``.

    Examples
    --------
    >>> import corten as ct
    >>> ct.from_shape_vec((2, 2), [1, 2, 3, 4]).tolist()
    [[1, 2], [3, 4]]
    """
    dims = normalize_shape(shape)
    flat = tensor(data, dtype)
    if flat.ndim != 1 or flat.shape[0] != numel(dims):
        raise ShapeError(
            f"from_shape_vec needs a flat sequence of {numel(dims)} elements for shape "
            f"{dims}, got {flat.numel} in shape {flat.shape}"
        )
    return _owner(flat._np().reshape(dims), cpu)


def from_shape_fn(
    shape: int | Sequence[int], fn: Callable[[tuple[int, ...]], Any], dtype: DType | None = None
) -> Tensor[Any, AnyRank, Any]:
    """A tensor of ``shape`` whose element at each index tuple is ``fn(index)``.

    Examples
    --------
    >>> import corten as ct
    >>> ct.from_shape_fn((2, 3), lambda ij: ij[0] * 10 + ij[1]).tolist()
    [[0, 1, 2], [10, 11, 12]]
    """
    dims = normalize_shape(shape)
    values = [fn(idx) for idx in product(*(range(d) for d in dims))]
    if dtype is None and not values:
        dtype = float32
    flat = tensor(values, dtype)
    return _owner(flat._np().reshape(dims), cpu)


def allclose(
    a: TensorView[Any, Any, Any],
    b: TensorView[Any, Any, Any],
    *,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> bool:
    """Whether two tensors are equal within tolerances (see ``TensorView.allclose``).

    Examples
    --------
    >>> import corten as ct
    >>> ct.allclose(ct.tensor([1.0]), ct.tensor([1.0 + 1e-9]))
    True
    """
    return a.allclose(b, rtol=rtol, atol=atol)


def array_equal(a: TensorView[Any, Any, Any], b: TensorView[Any, Any, Any]) -> bool:
    """Whether two tensors have the same shape and elements.

    Examples
    --------
    >>> import corten as ct
    >>> ct.array_equal(ct.tensor([1, 2]), ct.tensor([1, 3]))
    False
    """
    return a.array_equal(b)
