"""Helpers of the array API function tests (``test_api_*.py``): tensors on a device from
NumPy arrays, and checks of results against NumPy, the oracle.

On ``meta`` only shapes and dtypes are compared (there are no elements); on ``sim`` the
elements are read through ``to_cpu()``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import cuda_emu_driver
import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import strategies as st

import corten as ct

#: The devices every function runs on in these tests.
DEVICES = (ct.cpu, ct.sim, ct.meta)
#: The devices with elements to compare.
DATA_DEVICES = (ct.cpu, ct.sim)

device_params = pytest.mark.parametrize("device", DEVICES, ids=str)
data_device_params = pytest.mark.parametrize("device", DATA_DEVICES, ids=str)


def on(a: Any, device: ct.Device = ct.cpu, *, strided: bool = False) -> Any:
    """A tensor holding ``a``'s elements on ``device``; ``strided`` makes it a frozen view
    with every stride doubled and the last axis reversed (a layout NumPy must not see
    as contiguous)."""
    a = np.asarray(a)
    if not strided or a.ndim == 0:
        return ct.tensor(a, device=device)
    base = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
    sl = (*(slice(None, None, 2) for _ in range(a.ndim - 1)), slice(None, None, -2))
    base[sl] = a
    return ct.tensor(base, device=device)[sl]


@st.composite
def layouts_on(draw: Any, a: np.ndarray[Any, Any], device: ct.Device) -> Any:
    """A tensor holding ``a`` on ``device``: contiguous, or a strided view."""
    return on(a, device, strided=draw(st.booleans()))


def host(t: Any) -> np.ndarray[Any, Any]:
    """The elements of ``t`` as a new NumPy array (via ``to_cpu()``)."""
    return np.array(t.to_cpu().numpy())


def check(
    got: Any,
    expected: Any,
    device: ct.Device,
    *,
    rtol: float | None = None,
    atol: float = 0.0,
) -> None:
    """``got`` is a tensor on ``device`` with ``expected``'s shape and dtype, and (off
    ``meta``) its elements: exactly, NaN equal to NaN, or within ``rtol``/``atol``."""
    expected = np.asarray(expected)
    assert isinstance(got, ct.TensorView), type(got)
    assert got.device == device, (got.device, device)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == ct.as_dtype(expected.dtype), (got.dtype, expected.dtype)
    if device == ct.meta:
        return
    values = host(got)
    if rtol is None:
        equal_nan = ct.as_dtype(values.dtype).kind in "fc"  # (bfloat16: NumPy kind "V")
        assert np.array_equal(values, expected, equal_nan=equal_nan), (values, expected)
    else:
        assert np.allclose(values, expected, rtol=rtol, atol=atol, equal_nan=True), (
            values,
            expected,
        )


def same_error(fn: Callable[[], object], error: type[BaseException]) -> BaseException:
    """Run ``fn`` and return the ``error`` it must raise."""
    with pytest.raises(error) as info:
        fn()
    return info.value


def float_tol(dtype: Any) -> float:
    """A relative tolerance for sums reordered against NumPy's in ``dtype``."""
    return {"float16": 1e-2, "float32": 1e-5}.get(np.dtype(dtype).name, 1e-12)


def assert_cuda_refuses(name: str, call: Callable[..., object], *arrays: Any) -> None:
    """``call`` on ``arrays`` moved to an emulated CUDA device raises
    DeviceUnavailableError naming the function ``name`` and the device."""
    with cuda_emu_driver.installed():
        tensors = [ct.tensor(np.asarray(a), device=ct.cuda(0)) for a in arrays]
        with pytest.raises(ct.DeviceUnavailableError) as info:
            call(*tensors)
        ct.cuda(0).synchronize()
    assert f"{name}()" in str(info.value)
    assert "cuda:0" in str(info.value)


@contextmanager
def numpy_quiet() -> Iterator[None]:
    """NumPy's oracle without its RuntimeWarnings (empty means, lost degrees of freedom,
    overflow), which the tests' warnings-as-errors would otherwise raise."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


@st.composite
def axes_for(draw: Any, ndim: int) -> Any:
    """None, one int axis (maybe negative) or a tuple of distinct axes of a rank."""
    if ndim == 0:
        return draw(st.sampled_from([None, ()]))
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none":
        return None
    if choice == "int":
        return draw(st.integers(-ndim, ndim - 1))
    picked = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(p - ndim if draw(st.booleans()) else p for p in picked)


#: Shapes of rank 0 to 3, sides 0 to 4.
small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
#: The same without empty dimensions.
nonempty_small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
