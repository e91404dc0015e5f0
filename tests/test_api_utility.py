"""The utility functions of the array API (all, any, diff) against NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from api_ops_support import (
    DEVICES,
    assert_cuda_refuses,
    axes_for,
    check,
    device_params,
    layouts_on,
    on,
    small_shapes,
)
from conftest import ALL_DTYPES, NUMERIC_DTYPES, SIGNED_DTYPES, arrays
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.core.errors import ArgumentError
from corten.ops import utility as xu


@pytest.mark.parametrize("name", ["all", "any"])
@given(data=st.data())
def test_all_and_any_match_numpy(name: str, data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    a = data.draw(arrays(dtype, small_shapes, small=False, finite=False))
    if dtype.is_integer or dtype.is_floating:
        a = np.where(data.draw(arrays(ct.bool_, st.just(a.shape))), a, np.zeros((), a.dtype))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(axes_for(a.ndim))
    keepdims = data.draw(st.booleans())
    got = getattr(xu, name)(data.draw(layouts_on(a, device)), axis=axis, keepdims=keepdims)
    check(got, getattr(np, name)(a, axis=axis, keepdims=keepdims), device)


@device_params
def test_all_and_any_of_nothing(device: ct.Device) -> None:
    empty = ct.zeros((0,), device=device)
    check(xu.all(empty), np.bool_(True), device)
    check(xu.any(empty), np.bool_(False), device)


def test_nan_and_infinities_are_true() -> None:
    assert xu.all(ct.tensor([float("nan"), float("inf"), -float("inf")])).item() is True


@given(data=st.data())
def test_diff_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(NUMERIC_DTYPES))
    a = data.draw(arrays(dtype, small_shapes.filter(lambda s: len(s) >= 1)))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    n = data.draw(st.integers(0, 3))
    kwargs: dict[str, Any] = {}
    np_kwargs: dict[str, Any] = {}
    for edge in ("prepend", "append"):
        if data.draw(st.booleans()):
            shape = list(a.shape)
            shape[axis] = data.draw(st.integers(0, 2))
            e = data.draw(arrays(dtype, st.just(tuple(shape))))
            kwargs[edge] = on(e, device)
            np_kwargs[edge] = e
    x = data.draw(layouts_on(a, device))
    got = xu.diff(x, axis=axis, n=n, **kwargs)
    with np.errstate(all="ignore"):
        want = np.diff(a, n=n, axis=axis, **np_kwargs)
    check(got, want, device)


@device_params
def test_diff_promotes_edges_within_a_kind(device: ct.Device) -> None:
    x = on(np.array([1, 2, 4], np.int8), device)
    edge = on(np.array([-1000], np.int16), device)
    check(xu.diff(x, prepend=edge), np.array([1001, 1, 2], np.int16), device)


@pytest.mark.parametrize("dtype", SIGNED_DTYPES, ids=str)
def test_diff_refuses_mixed_kinds(dtype: ct.DType) -> None:
    x = ct.ones((3,), dtype=dtype)
    with pytest.raises(ct.DTypeError, match=r"ct.astype\(x, ct.float32\)"):
        xu.diff(x, append=ct.ones((1,)))


def test_diff_errors() -> None:
    x = ct.ones((2, 3))
    with pytest.raises(ct.AxisError):
        xu.diff(x, axis=2)
    with pytest.raises(ct.AxisError):
        xu.diff(ct.tensor(1.0))
    with pytest.raises(ArgumentError, match="n >= 0"):
        xu.diff(x, n=-1)
    with pytest.raises(ct.DTypeError, match="as n"):
        xu.diff(x, n=1.0)
    with pytest.raises(ct.ShapeError, match="except along axis 1"):
        xu.diff(x, prepend=ct.ones((3, 1)))
    with pytest.raises(ct.ShapeError):
        xu.diff(x, append=ct.ones((3,)))
    with pytest.raises(ct.DeviceMismatchError, match="cpu and sim:0"):
        xu.diff(x, append=ct.ones((2, 1), device=ct.sim))
    with pytest.raises(TypeError):
        xu.diff(x, 0)


@pytest.mark.parametrize("name", ["all", "any"])
def test_bad_axes(name: str) -> None:
    for axis in (1, -2, (0, 0), 0.5):
        with pytest.raises(ct.AxisError):
            getattr(xu, name)(ct.ones((3,)), axis=axis)


@pytest.mark.parametrize("name", ["all", "any", "diff"])
def test_cuda_refuses_with_the_function_name(name: str) -> None:
    assert_cuda_refuses(name, getattr(xu, name), np.ones(3, np.float32))
