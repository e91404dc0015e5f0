"""The array API's ``fft`` extension: ``corten.fft``.

Import it as a namespace (``import corten.ops.fft_ext as fft``). The transforms keep the
precision of their input: float32 and complex64 give complex64 (or float32 for the
inverse real transforms), float64 and complex128 give complex128 (float64). Integer and
float16 tensors raise :class:`~corten.core.errors.DTypeError` naming the ``astype`` to
write. ``norm`` is ``"backward"`` (no scaling forward, ``1/n`` inverse), ``"ortho"``
(``1/sqrt(n)`` both ways) or ``"forward"`` (``1/n`` forward).

Note: until corten has the complex dtypes of issue 16, complex results cannot be
wrapped as tensors; the examples that make one are skipped by doctest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from corten.core.devices import Device, as_device, cpu
from corten.core.dtypes import DType, float32
from corten.core.errors import ArgumentError, AxisError, DTypeError, ShapeError
from corten.core.typeparams import AnyRank, D
from corten.creation import tensor
from corten.ops._args import axis_arg, dtype_arg, int_arg, tensor_arg
from corten.ops._dispatch import run
from corten.tensor import Tensor, TensorView

__all__ = [
    "fft",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfftn",
    "rfft",
    "rfftfreq",
    "rfftn",
]

Array = np.ndarray[Any, Any]
Norm = Literal["backward", "ortho", "forward"]

_NORMS = ("backward", "ortho", "forward")


def _input(name: str, x: object, kinds: str) -> TensorView[Any, Any, Any]:
    """A tensor of a floating kind in ``kinds`` ("f" real, "c" complex) NumPy transforms."""
    t = tensor_arg(name, x)
    k = t.dtype.kind
    if k not in "fc" or t.dtype.itemsize < 4:
        raise DTypeError(
            f"{name}() needs a float32, float64 or complex tensor, got {t.dtype.name}; "
            "convert it with ct.astype(x, ct.float64) (or ct.float32)"
        )
    if k not in kinds:
        want = "a real floating" if kinds == "f" else "a complex floating"
        raise DTypeError(
            f"{name}() needs {want} tensor, got {t.dtype.name}; "
            + (
                "take the real part first with ct.real(x)"
                if kinds == "f"
                else "convert it with ct.astype(x, ct.complex64) (or ct.complex128)"
            )
        )
    return t


def _norm(name: str, norm: object) -> str:
    if norm not in _NORMS:
        raise ArgumentError(f"{name}() takes norm='backward', 'ortho' or 'forward', got {norm!r}")
    return norm


def _length(name: str, n: object, what: str = "n") -> int | None:
    if n is None:
        return None
    size = int_arg(name, n, what)
    if size < 1:
        raise ArgumentError(f"{name}() needs {what} >= 1, got {size}")
    return size


def _keep_precision(fn: Callable[..., Array], real_out: bool) -> Callable[..., Array]:
    """``fn`` with its result in the input's precision (pocketfft computes float32 in
    float32 already; this only guards the dtype)."""

    def call(a: Array, *args: Any, **kwargs: Any) -> Array:
        out = fn(a, *args, **kwargs)
        single = a.dtype in (np.float32, np.complex64)
        want: Any
        if real_out:
            want = np.float32 if single else np.float64
        else:
            want = np.complex64 if single else np.complex128
        return out if out.dtype == want else out.astype(want)

    return call


def _one_axis(
    name: str,
    fn: Callable[..., Array],
    x: object,
    kinds: str,
    real_out: bool,
    n: object,
    axis: object,
    norm: object,
) -> Tensor[Any, Any, Any]:
    t = _input(name, x, kinds)
    ax = axis_arg(name, axis, t.ndim)
    size = _length(name, n)
    how = _norm(name, norm)
    if size is None and t.shape[ax] == 0:
        raise ShapeError(f"{name}() of an empty axis {ax} (shape {t.shape}); pass n >= 1")
    return run(name, _keep_precision(fn, real_out), t, n=size, axis=ax, norm=how)  # type: ignore[no-any-return]


def fft(
    x: TensorView[Any, Any, D], /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
) -> Tensor[Any, AnyRank, D]:
    """The one-dimensional discrete Fourier transform along ``axis``.

    ``n`` crops or zero-pads the input along ``axis`` to that length first. A real
    input is taken as complex of its precision.

    Raises
    ------
    DTypeError
        If ``x`` is not floating (float32, float64, complex).
    AxisError
        If ``axis`` is out of range.
    ArgumentError
        If ``n < 1`` or ``norm`` is unknown.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.fft(ct.tensor([1.0, 0.0, 0.0, 0.0])).shape  # doctest: +SKIP
    (4,)
    """
    return _one_axis("fft", np.fft.fft, x, "fc", False, n, axis, norm)


def ifft(
    x: TensorView[Any, Any, D], /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
) -> Tensor[Any, AnyRank, D]:
    """The one-dimensional inverse discrete Fourier transform along ``axis`` (see
    :func:`fft` for ``n`` and ``norm``).

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.ifft(ct.tensor([4.0, 0.0, 0.0, 0.0]), norm="forward").shape  # doctest: +SKIP
    (4,)
    """
    return _one_axis("ifft", np.fft.ifft, x, "fc", False, n, axis, norm)


def rfft(
    x: TensorView[Any, Any, D], /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
) -> Tensor[Any, AnyRank, D]:
    """The discrete Fourier transform of a real input along ``axis``: the ``n // 2 + 1``
    non-negative frequencies (the others are their conjugates).

    Raises
    ------
    DTypeError
        If ``x`` is not real floating.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.rfft(ct.ones((6,))).shape  # doctest: +SKIP
    (4,)
    """
    return _one_axis("rfft", np.fft.rfft, x, "f", False, n, axis, norm)


def irfft(
    x: TensorView[Any, Any, D], /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
) -> Tensor[Any, AnyRank, D]:
    """The inverse of :func:`rfft`: a real output of length ``n`` along ``axis``
    (``2 * (m - 1)`` for an input of length ``m`` by default).

    Raises
    ------
    DTypeError
        If ``x`` is not complex.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.irfft(fft.rfft(ct.tensor([1.0, 2.0, 3.0, 4.0]))).tolist()  # doctest: +SKIP
    [1.0, 2.0, 3.0, 4.0]
    """
    return _one_axis("irfft", np.fft.irfft, x, "c", True, n, axis, norm)


def hfft(
    x: TensorView[Any, Any, D], /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
) -> Tensor[Any, AnyRank, D]:
    """The discrete Fourier transform of a signal with Hermitian symmetry, given by its
    first half ``x``: a real output of length ``n`` (``2 * (m - 1)`` by default).

    Raises
    ------
    DTypeError
        If ``x`` is not complex.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.hfft(fft.ihfft(ct.tensor([1.0, 2.0, 3.0, 2.0]))).tolist()  # doctest: +SKIP
    [1.0, 2.0, 3.0, 2.0]
    """
    return _one_axis("hfft", np.fft.hfft, x, "c", True, n, axis, norm)


def ihfft(
    x: TensorView[Any, Any, D], /, *, n: int | None = None, axis: int = -1, norm: Norm = "backward"
) -> Tensor[Any, AnyRank, D]:
    """The inverse of :func:`hfft`: the first half of the spectrum of a real input.

    Raises
    ------
    DTypeError
        If ``x`` is not real floating.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.ihfft(ct.ones((4,))).shape  # doctest: +SKIP
    (3,)
    """
    return _one_axis("ihfft", np.fft.ihfft, x, "f", False, n, axis, norm)


def _many_axes(
    name: str,
    fn: Callable[..., Array],
    x: object,
    kinds: str,
    real_out: bool,
    s: object,
    axes: object,
    norm: object,
) -> Tensor[Any, Any, Any]:
    t = _input(name, x, kinds)
    how = _norm(name, norm)
    if axes is not None:
        if not isinstance(axes, Sequence):
            raise AxisError(f"{name}() takes a sequence of axes, got {axes!r}")
        ax = tuple(axis_arg(name, a, t.ndim) for a in axes)
        if len(set(ax)) != len(ax):
            raise AxisError(f"{name}() got a repeated axis in {tuple(axes)!r}")
    sizes: tuple[int, ...] | None = None
    if s is not None:
        if not isinstance(s, Sequence):
            raise ShapeError(f"{name}() takes a sequence of sizes as s, got {s!r}")
        raw = tuple(int_arg(name, v, "s") for v in s)
        if axes is None:
            if len(raw) > t.ndim:
                raise ShapeError(f"{name}(): s has {len(raw)} sizes for a tensor of rank {t.ndim}")
            ax = tuple(range(t.ndim - len(raw), t.ndim))
        elif len(raw) != len(ax):
            raise ShapeError(f"{name}(): s has {len(raw)} sizes for {len(ax)} axes")
        for v in raw:
            if v < 1 and v != -1:
                raise ArgumentError(f"{name}() needs sizes >= 1 (or -1) in s, got {raw}")
        last = len(raw) - 1
        sizes = tuple(
            v if v != -1 else (2 * (t.shape[a] - 1) if real_out and i == last else t.shape[a])
            for i, (v, a) in enumerate(zip(raw, ax, strict=True))
        )
    elif axes is None:
        ax = tuple(range(t.ndim))
    if sizes is None and any(t.shape[a] == 0 for a in ax):
        raise ShapeError(f"{name}() of an empty axis (shape {t.shape}); pass s with sizes >= 1")
    return run(name, _keep_precision(fn, real_out), t, s=sizes, axes=ax, norm=how)  # type: ignore[no-any-return]


def fftn(
    x: TensorView[Any, Any, D],
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor[Any, AnyRank, D]:
    """The n-dimensional discrete Fourier transform over ``axes`` (all by default, or
    the last ``len(s)``). ``s`` crops or zero-pads each to a length (``-1`` keeps it).

    Raises
    ------
    DTypeError
        If ``x`` is not floating.
    AxisError
        If an axis is out of range or repeated.
    ShapeError
        If ``s`` and ``axes`` differ in length.
    ArgumentError
        If a size is below 1 (but -1), or ``norm`` is unknown.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.fftn(ct.ones((2, 3)), s=(4, -1)).shape  # doctest: +SKIP
    (4, 3)
    """
    return _many_axes("fftn", np.fft.fftn, x, "fc", False, s, axes, norm)


def ifftn(
    x: TensorView[Any, Any, D],
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor[Any, AnyRank, D]:
    """The n-dimensional inverse discrete Fourier transform (see :func:`fftn`).

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.ifftn(ct.ones((2, 2)), axes=(0,)).shape  # doctest: +SKIP
    (2, 2)
    """
    return _many_axes("ifftn", np.fft.ifftn, x, "fc", False, s, axes, norm)


def rfftn(
    x: TensorView[Any, Any, D],
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor[Any, AnyRank, D]:
    """The n-dimensional discrete Fourier transform of a real input; the last axis
    keeps its ``n // 2 + 1`` non-negative frequencies (see :func:`fftn`).

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.rfftn(ct.ones((4, 6))).shape  # doctest: +SKIP
    (4, 4)
    """
    return _many_axes("rfftn", np.fft.rfftn, x, "f", False, s, axes, norm)


def irfftn(
    x: TensorView[Any, Any, D],
    /,
    *,
    s: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    norm: Norm = "backward",
) -> Tensor[Any, AnyRank, D]:
    """The inverse of :func:`rfftn`: a real output (the last axis of length
    ``2 * (m - 1)`` by default, or as ``s`` says).

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.irfftn(fft.rfftn(ct.ones((4, 6)))).shape  # doctest: +SKIP
    (4, 6)
    """
    return _many_axes("irfftn", np.fft.irfftn, x, "c", True, s, axes, norm)


def _freq(
    name: str, fn: Callable[..., Array], n: object, d: object, dtype: object, device: object
) -> Tensor[Any, Any, Any]:
    count = int_arg(name, n, "n")
    if count < 1:
        raise ArgumentError(f"{name}() needs n >= 1, got {count}")
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, float, np.integer, np.floating)):
        raise DTypeError(f"{name}() takes a number as d, got {d!r}")
    if d == 0:
        raise ArgumentError(f"{name}() needs a sample spacing d other than 0")
    dt: DType | None = dtype_arg(name, dtype)
    if dt is None:
        dt = float32  # corten's default real floating dtype
    if dt.kind != "f":
        raise DTypeError(f"{name}() returns a real floating dtype, got dtype={dt.name}")
    dev: Device = cpu if device is None else as_device(device)
    return tensor(fn(count, d=float(d)).astype(dt.numpy), dtype=dt, device=dev)


def fftfreq(
    n: int, /, *, d: float = 1.0, dtype: DType | None = None, device: Device | None = None
) -> Tensor[Any, AnyRank, Any]:
    """The sample frequencies of an ``n``-point :func:`fft` with sample spacing ``d``:
    ``[0, 1, ..., n//2 - 1 (or (n-1)//2), -(n//2), ..., -1] / (d * n)``.

    The dtype defaults to corten's default real floating dtype, float32.

    Raises
    ------
    ArgumentError
        If ``n < 1`` or ``d`` is 0.
    DTypeError
        If ``dtype`` is not real floating.

    Examples
    --------
    >>> import corten.ops.fft_ext as fft
    >>> fft.fftfreq(4, d=0.5).tolist()
    [0.0, 0.5, -1.0, -0.5]
    """
    return _freq("fftfreq", np.fft.fftfreq, n, d, dtype, device)


def rfftfreq(
    n: int, /, *, d: float = 1.0, dtype: DType | None = None, device: Device | None = None
) -> Tensor[Any, AnyRank, Any]:
    """The non-negative sample frequencies of an ``n``-point :func:`rfft`:
    ``[0, 1, ..., n // 2] / (d * n)``.

    Raises
    ------
    ArgumentError
        If ``n < 1`` or ``d`` is 0.
    DTypeError
        If ``dtype`` is not real floating.

    Examples
    --------
    >>> import corten.ops.fft_ext as fft
    >>> fft.rfftfreq(4).tolist()
    [0.0, 0.25, 0.5]
    """
    return _freq("rfftfreq", np.fft.rfftfreq, n, d, dtype, device)


def _shift(name: str, fn: Callable[..., Array], x: object, axes: object) -> Tensor[Any, Any, Any]:
    t = tensor_arg(name, x)
    ax: tuple[int, ...] | None
    if axes is None:
        ax = None
    elif isinstance(axes, Sequence):
        ax = tuple(axis_arg(name, a, t.ndim) for a in axes)
    else:
        ax = (axis_arg(name, axes, t.ndim),)
    return run(name, fn, t, axes=ax)  # type: ignore[no-any-return]


def fftshift(
    x: TensorView[Any, Any, D], /, *, axes: int | Sequence[int] | None = None
) -> Tensor[Any, AnyRank, D]:
    """``x`` with the zero frequency moved to the middle of ``axes`` (all by default):
    each axis rolled by half its length.

    Raises
    ------
    AxisError
        If an axis is out of range.

    Examples
    --------
    >>> import corten.ops.fft_ext as fft
    >>> fft.fftshift(fft.fftfreq(5)).tolist() == sorted(fft.fftfreq(5).tolist())
    True
    """
    return _shift("fftshift", np.fft.fftshift, x, axes)


def ifftshift(
    x: TensorView[Any, Any, D], /, *, axes: int | Sequence[int] | None = None
) -> Tensor[Any, AnyRank, D]:
    """The inverse of :func:`fftshift` (they differ for odd lengths).

    Raises
    ------
    AxisError
        If an axis is out of range.

    Examples
    --------
    >>> import corten as ct
    >>> import corten.ops.fft_ext as fft
    >>> fft.ifftshift(ct.tensor([-2, -1, 0, 1, 2])).tolist()
    [0, 1, 2, -2, -1]
    """
    return _shift("ifftshift", np.fft.ifftshift, x, axes)
