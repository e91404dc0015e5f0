"""The array API's creation functions.

Those that corten's factories already were (``arange``, ``empty``, ``eye``, ``full``,
``ones``, ``zeros`` and the ``*_like``) are the same functions, re-exported: they take
the standard's arguments (``dtype=None``, ``device=None``, ``eye``'s ``k``). This module
adds ``asarray`` (with the standard's ``copy`` semantics), ``linspace``, ``meshgrid``,
``tril`` and ``triu``. ``from_dlpack`` is ``corten.interop``'s, exported by ``corten``.
"""

from __future__ import annotations

import operator
from typing import Any, Literal, overload

import numpy as np

from corten.core.devices import Device, as_device, cpu, require_available
from corten.core.dtypes import DType, as_dtype, complex64, float32
from corten.core.dtypes import result_type as _promote_all
from corten.core.errors import CopyError, DTypeError, ShapeError
from corten.creation import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from corten.ops._dispatch import device_of, run
from corten.tensor import Tensor, TensorView

__all__ = [
    "arange",
    "asarray",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "linspace",
    "meshgrid",
    "ones",
    "ones_like",
    "tril",
    "triu",
    "zeros",
    "zeros_like",
]

Array = np.ndarray[Any, Any]


def _target_device(device: object) -> Device | None:
    if device is None:
        return None
    dev = as_device(device)
    require_available(dev)
    return dev


def _copy_refused(what: str) -> CopyError:
    return CopyError(
        f"asarray(copy=False) cannot share memory here: {what}; pass copy=None to copy "
        "only when needed"
    )


def _shares(a: Array) -> bool:
    """Whether ``from_numpy`` takes ``a`` without copying."""
    return a.dtype.isnative and not any(s % a.itemsize for s in a.strides)


def _from_array(a: Array, dt: DType | None, dev: Device | None, copy: bool | None) -> Any:
    try:
        src = as_dtype(a.dtype)
    except DTypeError:
        raise DTypeError(
            f"asarray: NumPy dtype {a.dtype} has no corten dtype; convert the array first"
        ) from None
    target = src if dt is None else dt
    where = cpu if dev is None else dev
    if not copy and target is src and where is cpu and _shares(a):
        return from_numpy(a)  # shares the array's memory
    if copy is False:
        raise _copy_refused(
            f"a NumPy {a.dtype} array as {target.name} on {where}"
            if target is not src or where is not cpu
            else "the array's byte order or strides need a copy"
        )
    return tensor(a, dtype=target, device=where)


@overload
def asarray(  # type: ignore[overload-overlap]
    obj: TensorView[Any, Any, Any],
    /,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    copy: bool | None = None,
) -> TensorView[Any, Any, Any]: ...
@overload
def asarray(
    obj: object,
    /,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    copy: bool | None = None,
) -> Tensor[Any, Any, Any]: ...
def asarray(
    obj: object,
    /,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    copy: bool | None = None,
) -> TensorView[Any, Any, Any]:
    """``obj`` as a tensor: a corten tensor, a NumPy array, an object with
    ``__dlpack__`` or the buffer protocol, a Python scalar or nested sequences.

    Parameters
    ----------
    obj : object
        The data.
    dtype : DType, optional
        The dtype of the result. Without it: a tensor's or array's own dtype; for Python
        data bool, int64, float32 or complex64 by the kind of the values.
    device : Device or str, optional
        Where the result lives: by default a tensor's own device, else the cpu.
    copy : bool, optional
        True: always a new owner that no one else can write (for a tensor of the right
        dtype and device an O(1) clone, which copies on its first write). None (the
        default): share memory where possible (a tensor comes back itself, a NumPy array
        is shared as ``ct.from_numpy`` shares it), copy otherwise. False: never copy.

    Raises
    ------
    CopyError
        With ``copy=False`` where the result cannot share ``obj``'s memory (another
        dtype or device, Python data). It is a ``ValueError``, as the standard asks.
    DTypeError
        If the values do not fit ``dtype`` (floats into an integer dtype, out-of-range
        integers), or ``obj`` holds no numbers.

    Examples
    --------
    >>> import numpy as np
    >>> import corten as ct
    >>> ct.asarray([1, 2]).dtype, ct.asarray([1.5]).dtype, ct.asarray(1j).dtype
    (corten.int64, corten.float32, corten.complex64)
    >>> a = np.zeros(2)
    >>> t = ct.asarray(a)                  # shares a's memory
    >>> t += 1.0
    >>> a.tolist()
    [1.0, 1.0]
    >>> x = ct.tensor([1, 2])
    >>> ct.asarray(x) is x, ct.asarray(x, copy=True) is x
    (True, False)
    """
    dt = None if dtype is None else as_dtype(dtype)
    dev = _target_device(device)
    if isinstance(obj, TensorView):
        target = obj._dtype if dt is None else dt
        where = obj._device if dev is None else dev
        if target is obj._dtype and where == obj._device:
            return obj.clone() if copy else obj
        if copy is False:
            raise _copy_refused(
                f"the {obj._dtype.name} tensor on {obj._device} as {target.name} on {where}"
            )
        out: TensorView[Any, Any, Any] = obj.astype(target) if target is not obj._dtype else obj
        return out.to(where) if out._device != where else out
    if isinstance(obj, np.generic):
        obj = np.asarray(obj)
    if isinstance(obj, np.ndarray):
        return _from_array(obj, dt, dev, copy)  # type: ignore[no-any-return]
    if hasattr(obj, "__dlpack__"):
        try:
            arr = np.from_dlpack(obj)
        except (BufferError, RuntimeError, TypeError, ValueError) as exc:
            raise DTypeError(
                f"asarray cannot read the {type(obj).__name__} on the host ({exc}); use "
                "ct.from_dlpack for device memory"
            ) from exc
        return _from_array(arr, dt, dev, copy)  # type: ignore[no-any-return]
    if not isinstance(obj, (bool, int, float, complex, list, tuple, range)):
        try:
            view = memoryview(obj)  # type: ignore[arg-type]
        except TypeError:
            pass
        else:
            return _from_array(np.asarray(view), dt, dev, copy)  # type: ignore[no-any-return]
    if copy is False:
        raise _copy_refused(f"Python data ({type(obj).__name__}) is always copied")
    return tensor(obj, dtype=dt, device=cpu if dev is None else dev)


def linspace(
    start: int | float | complex,
    stop: int | float | complex,
    /,
    num: int,
    *,
    dtype: DType | None = None,
    device: Device | str | None = None,
    endpoint: bool = True,
) -> Tensor[Any, Any, Any]:
    """``num`` evenly spaced values from ``start`` to ``stop`` (included when
    ``endpoint``), computed in double precision and rounded to ``dtype``.

    Without ``dtype``: float32, or complex64 when ``start`` or ``stop`` is complex.

    Raises
    ------
    DTypeError
        If ``dtype`` is not floating, or the bounds are complex and ``dtype`` is real.
    ShapeError
        If ``num`` is negative.

    Examples
    --------
    >>> import corten as ct
    >>> ct.linspace(0, 1, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> ct.linspace(0, 1, 4, endpoint=False, dtype=ct.float64).tolist()
    [0.0, 0.25, 0.5, 0.75]
    """
    if isinstance(num, bool):
        raise DTypeError(f"linspace's num is an int, got {num!r}")
    n = operator.index(num)
    if n < 0:
        raise ShapeError(f"linspace needs num >= 0, got {n}")
    for v in (start, stop):
        if isinstance(v, bool) or not isinstance(v, (int, float, complex, np.number)):
            raise DTypeError(f"linspace's start and stop are numbers, got {v!r}")
    is_complex = isinstance(start, (complex, np.complexfloating)) or isinstance(
        stop, (complex, np.complexfloating)
    )
    dt = (complex64 if is_complex else float32) if dtype is None else as_dtype(dtype)
    if dt.kind not in "fc" or (is_complex and dt.kind != "c"):
        raise DTypeError(
            f"linspace makes floating tensors{' of complex bounds' if is_complex else ''}, "
            f"got dtype={dt.name}; round and convert the result with astype for integers"
        )
    dev = _target_device(device) or cpu
    if dev.kind == "meta":
        return empty((n,), dtype=dt, device=dev)
    arr = np.linspace(
        start, stop, n, endpoint=endpoint, dtype=np.complex128 if dt.kind == "c" else np.float64
    )
    return tensor(arr, dtype=dt, device=dev)


def _meshgrid(*arrays: Array, indexing: Literal["xy", "ij"]) -> tuple[Array, ...]:
    return tuple(np.meshgrid(*arrays, indexing=indexing, copy=True))


def meshgrid(
    *arrays: TensorView[Any, Any, Any], indexing: Literal["xy", "ij"] = "xy"
) -> list[Tensor[Any, Any, Any]]:
    """Coordinate grids from 1-D tensors, as NumPy's ``meshgrid``: new owners, one per
    input, in the promoted dtype of the inputs.

    ``indexing="xy"`` (Cartesian) swaps the first two dimensions of the result relative
    to ``"ij"`` (matrix).

    Raises
    ------
    ShapeError
        If an input is not 1-D.
    ValueError
        If ``indexing`` is neither ``"xy"`` nor ``"ij"``.

    Examples
    --------
    >>> import corten as ct
    >>> x, y = ct.meshgrid(ct.tensor([1, 2, 3]), ct.tensor([10, 20]))
    >>> x.tolist(), y.shape
    ([[1, 2, 3], [1, 2, 3]], (2, 3))
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid's indexing is 'xy' or 'ij', got {indexing!r}")
    for i, a in enumerate(arrays):
        if not isinstance(a, TensorView):
            raise DTypeError(f"meshgrid takes tensors, argument {i} is a {type(a).__name__}")
        if a.ndim != 1:
            raise ShapeError(f"meshgrid takes 1-D tensors, argument {i} has shape {a.shape}")
    if not arrays:
        return []
    device_of("meshgrid", list(arrays))
    dt = _promote_all(*(a._dtype for a in arrays))
    same = [a if a._dtype is dt else a.astype(dt) for a in arrays]
    return list(run("meshgrid", _meshgrid, *same, indexing=indexing))


def _triangle(name: str, x: TensorView[Any, Any, Any], k: int) -> Tensor[Any, Any, Any]:
    if not isinstance(x, TensorView):
        raise DTypeError(f"{name} takes a tensor, got {type(x).__name__}")
    if x.ndim < 2:
        raise ShapeError(f"{name} needs a tensor of rank 2 or more, got shape {x.shape}")
    if isinstance(k, bool):
        raise DTypeError(f"{name}'s k is an int, got {k!r}")
    fn = np.tril if name == "tril" else np.triu
    return run(name, fn, x, k=operator.index(k))  # type: ignore[no-any-return]


def tril(x: TensorView[Any, Any, Any], /, *, k: int = 0) -> Tensor[Any, Any, Any]:
    """The lower triangle of each matrix in ``x`` (its last two dimensions): the elements
    on and below the diagonal ``k``, zeros above it, as a new owner.

    Examples
    --------
    >>> import corten as ct
    >>> ct.tril(ct.ones((3, 3), dtype=ct.int8)).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    return _triangle("tril", x, k)


def triu(x: TensorView[Any, Any, Any], /, *, k: int = 0) -> Tensor[Any, Any, Any]:
    """The upper triangle of each matrix in ``x``: the elements on and above the
    diagonal ``k``, zeros below it, as a new owner.

    Examples
    --------
    >>> import corten as ct
    >>> ct.triu(ct.ones((2, 3), dtype=ct.int8), k=1).tolist()
    [[0, 1, 1], [0, 0, 1]]
    """
    return _triangle("triu", x, k)
