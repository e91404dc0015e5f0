"""The ``fft`` extension of the array API (``corten.fft``) against NumPy, on cpu, sim and
meta. The transforms with complex inputs or results need corten's complex dtypes (issue
16); until those exist, those tests skip."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from api_ops_support import DEVICES, assert_cuda_refuses, check, device_params, on

import corten as ct
import corten.ops.fft_ext as fft
from corten.core.errors import ArgumentError

needs_complex = pytest.mark.skipif(
    not hasattr(ct, "complex64"), reason="corten has no complex dtypes yet (issue 16)"
)
FLOATS = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])


def _tol(dtype: Any) -> dict[str, float]:
    single = np.dtype(dtype) in (np.float32, np.complex64)
    return {"rtol": 1e-4, "atol": 1e-4} if single else {"rtol": 1e-10, "atol": 1e-10}


def _complex(dtype: Any) -> Any:
    return np.complex64 if np.dtype(dtype) == np.float32 else np.complex128


def _signal(shape: tuple[int, ...], dtype: Any) -> np.ndarray[Any, Any]:
    return np.random.default_rng(0).standard_normal(shape).astype(dtype)


@needs_complex
@device_params
@FLOATS
@pytest.mark.parametrize("norm", ["backward", "ortho", "forward"])
def test_one_axis_transforms_match_numpy(device: Any, dtype: Any, norm: str) -> None:
    a = _signal((3, 8), dtype)
    c = (a + 1j * _signal((3, 8), dtype)).astype(_complex(dtype))
    for n in (None, 5, 12):
        for axis in (-1, 0):
            kw = {"n": n, "axis": axis, "norm": norm}
            for name, src in (("fft", c), ("ifft", c), ("rfft", a), ("ihfft", a), ("fft", a)):
                want = getattr(np.fft, name)(src, **kw)
                want = want.astype(_complex(dtype))
                check(getattr(fft, name)(on(src, device), **kw), want, device, **_tol(dtype))
            for name in ("irfft", "hfft"):
                want = getattr(np.fft, name)(c, **kw).astype(dtype)
                check(getattr(fft, name)(on(c, device), **kw), want, device, **_tol(dtype))


@needs_complex
@device_params
@FLOATS
def test_n_dimensional_transforms_match_numpy(device: Any, dtype: Any) -> None:
    a = _signal((2, 4, 6), dtype)
    c = (a + 1j * a[::-1]).astype(_complex(dtype))
    cases: list[dict[str, Any]] = [
        {},
        {"axes": (0, 2)},
        {"s": (3, 5)},
        {"s": (4, -1), "axes": (2, 1)},
        {"norm": "ortho", "axes": (1,)},
    ]
    for kw in cases:
        np_kw = dict(kw)
        if "s" in kw and "axes" not in kw:  # the last len(s) axes, named for NumPy 2
            np_kw["axes"] = tuple(range(a.ndim - len(kw["s"]), a.ndim))
        for name, src in (("fftn", c), ("ifftn", c), ("rfftn", a)):
            want = getattr(np.fft, name)(src, **np_kw).astype(_complex(dtype))
            check(getattr(fft, name)(on(src, device), **kw), want, device, **_tol(dtype))
        if "s" in kw:  # the standard: -1 uses the whole input, 2 * (m - 1) on the last axis
            sizes = list(kw["s"])
            for i, ax in enumerate(np_kw["axes"]):
                if sizes[i] == -1:
                    m = c.shape[ax]
                    sizes[i] = 2 * (m - 1) if i == len(sizes) - 1 else m
            np_kw["s"] = tuple(sizes)
        want = np.fft.irfftn(c, **np_kw).astype(dtype)
        check(fft.irfftn(on(c, device), **kw), want, device, **_tol(dtype))


@device_params
@pytest.mark.parametrize("dtype", [None, ct.float32, ct.float64], ids=str)
def test_frequencies_match_numpy(device: Any, dtype: Any) -> None:
    want_dtype = np.float32 if dtype is None else dtype.numpy
    for n in (1, 4, 7):
        for d in (1.0, 0.25, 3):
            kw = {"d": d, "dtype": dtype, "device": device}
            check(fft.fftfreq(n, **kw), np.fft.fftfreq(n, d).astype(want_dtype), device, rtol=1e-6)
            check(
                fft.rfftfreq(n, **kw), np.fft.rfftfreq(n, d).astype(want_dtype), device, rtol=1e-6
            )


@device_params
def test_shifts_match_numpy(device: Any) -> None:
    a = np.arange(30).reshape(5, 6)
    for axes in (None, 0, (1,), (0, 1), -1):
        for name in ("fftshift", "ifftshift"):
            want = getattr(np.fft, name)(a, axes=axes)
            check(getattr(fft, name)(on(a, device, strided=True), axes=axes), want, device)


def test_inverse_shift_undoes_the_shift() -> None:
    x = ct.tensor(np.arange(7))
    assert fft.ifftshift(fft.fftshift(x)).tolist() == list(range(7))


def test_errors() -> None:
    x = ct.ones((4,))
    with pytest.raises(ct.DTypeError, match=r"ct\.astype\(x, ct\.float64\)"):
        fft.fft(ct.ones((4,), dtype=ct.int32))
    with pytest.raises(ct.DTypeError, match="float32, float64 or complex"):
        fft.rfft(ct.ones((4,), dtype=ct.float16))
    with pytest.raises(ct.DTypeError, match="complex floating"):
        fft.irfft(x)
    with pytest.raises(ct.DTypeError, match="complex floating"):
        fft.hfft(x)
    with pytest.raises(ArgumentError, match="norm="):
        fft.fft(x, norm="none")
    with pytest.raises(ArgumentError, match="n >= 1"):
        fft.rfft(x, n=0)
    with pytest.raises(ct.DTypeError, match="as n"):
        fft.rfft(x, n=2.0)
    with pytest.raises(ct.AxisError):
        fft.rfft(x, axis=1)
    with pytest.raises(ct.ShapeError, match="empty axis"):
        fft.rfft(ct.ones((0,)))
    with pytest.raises(ct.AxisError, match="repeated"):
        fft.rfftn(ct.ones((2, 2)), axes=(0, 0))
    with pytest.raises(ct.ShapeError, match="2 sizes for 1 axes"):
        fft.rfftn(ct.ones((2, 2)), s=(2, 2), axes=(0,))
    with pytest.raises(ArgumentError, match="sizes >= 1"):
        fft.rfftn(ct.ones((2, 2)), s=(0,))
    with pytest.raises(ArgumentError, match="n >= 1"):
        fft.fftfreq(0)
    with pytest.raises(ArgumentError, match="other than 0"):
        fft.rfftfreq(4, d=0.0)
    with pytest.raises(ct.DTypeError, match="real floating"):
        fft.fftfreq(4, dtype=ct.int32)
    with pytest.raises(ct.AxisError):
        fft.fftshift(x, axes=(1,))
    with pytest.raises(TypeError):
        fft.fft(x, 4)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_cuda_refuses_with_the_function_name(name: str) -> None:
    assert_cuda_refuses(name, getattr(fft, name), np.ones(4, np.float32))


def test_devices_cover_meta() -> None:
    assert ct.meta in DEVICES
