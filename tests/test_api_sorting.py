"""The sorting functions of the array API against NumPy, on cpu, sim and meta."""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from api_ops_support import (
    DEVICES,
    assert_cuda_refuses,
    check,
    data_device_params,
    host,
    layouts_on,
    on,
    small_shapes,
)
from conftest import ALL_DTYPES
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.ops import sorting as xs


@st.composite
def with_ties(draw: Any) -> np.ndarray[Any, Any]:
    """Arrays of rank >= 1 with many equal elements (and NaN, signed zeros for floats)."""
    dtype = draw(st.sampled_from(ALL_DTYPES))
    if dtype.is_floating:
        elements = st.sampled_from([0.0, -0.0, 1.5, -2.0, float("nan"), float("inf")])
    elif dtype.is_bool:
        elements = st.booleans()
    else:
        elements = st.integers(0, 3)
    return draw(hnp.arrays(dtype.numpy, small_shapes.filter(len), elements=elements))


def _stable_descending_order(a: np.ndarray[Any, Any], axis: int) -> np.ndarray[Any, Any]:
    """The oracle: positions sorted by (value descending, NaN first; position ascending)."""
    moved = np.moveaxis(a, axis, -1)
    out = np.empty(moved.shape, dtype=np.int64)
    for idx in np.ndindex(moved.shape[:-1]):
        lane = moved[idx].tolist()
        key = [(0 if v != v else 1, -v if v == v else 0, i) for i, v in enumerate(lane)]
        out[idx] = [k[2] for k in sorted(key)]
    return np.moveaxis(out, -1, axis)


@given(data=st.data())
def test_argsort_is_stable_both_ways(data: Any) -> None:
    a = data.draw(with_ties())
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    descending = data.draw(st.booleans())
    got = xs.argsort(data.draw(layouts_on(a, device)), axis=axis, descending=descending)
    if descending:
        want = _stable_descending_order(a.astype(np.float64), axis)
    else:
        want = np.argsort(a, axis=axis, kind="stable").astype(np.int64)
    check(got, want, device)


@given(data=st.data())
def test_sort_matches_the_stable_sort(data: Any) -> None:
    a = data.draw(with_ties())
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    descending = data.draw(st.booleans())
    stable = data.draw(st.booleans())
    x = data.draw(layouts_on(a, device))
    got = xs.sort(x, axis=axis, descending=descending, stable=stable)
    order = _stable_descending_order(a.astype(np.float64), axis) if descending else None
    want = (
        np.take_along_axis(a, order, axis)
        if order is not None
        else np.sort(a, axis=axis, kind="stable")
    )
    check(got, want, device)
    if device != ct.meta and a.dtype.kind == "f":  # the signs of the zeros too
        assert (np.signbit(host(got)) == np.signbit(want)).all()


@data_device_params
def test_unstable_argsort_still_sorts(device: ct.Device) -> None:
    a = np.array([[3, 1, 3, 2], [0, 0, 5, 1]], dtype=np.int32)
    for descending in (False, True):
        idx = host(xs.argsort(on(a, device), stable=False, descending=descending))
        got = np.take_along_axis(a, idx, -1)
        want = -np.sort(-a, axis=-1) if descending else np.sort(a, axis=-1)
        assert (got == want).all()


def test_the_signs_of_sorted_zeros_keep_their_order_in_long_inputs() -> None:
    rng = np.random.default_rng(0)
    a = rng.choice(np.array([-0.0, 0.0, 1.0, -1.0], np.float32), size=(3, 2000))
    for axis in (0, 1, -1):
        for descending in (False, True):
            got = host(xs.sort(ct.tensor(a), axis=axis, descending=descending))
            if descending:
                want = np.flip(np.sort(np.flip(a, axis), axis=axis, kind="stable"), axis)
            else:
                want = np.sort(a, axis=axis, kind="stable")
            assert (np.signbit(got) == np.signbit(want)).all()
    flat = a.reshape(-1)
    assert (
        np.signbit(host(xs.sort(ct.tensor(flat)))) == np.signbit(np.sort(flat, kind="stable"))
    ).all()


@pytest.mark.parametrize("name", ["sort", "argsort"])
def test_errors(name: str) -> None:
    fn = getattr(xs, name)
    with pytest.raises(ct.AxisError, match="rank-0"):
        fn(ct.tensor(1.0))
    with pytest.raises(ct.AxisError):
        fn(ct.ones((2, 2)), axis=2)
    with pytest.raises(ct.DTypeError, match="descending"):
        fn(ct.ones((2,)), descending=None)
    with pytest.raises(ct.DTypeError, match="stable"):
        fn(ct.ones((2,)), stable="yes")
    with pytest.raises(TypeError):
        fn(ct.ones((2,)), -1)


@pytest.mark.parametrize("name", ["sort", "argsort"])
def test_cuda_refuses_with_the_function_name(name: str) -> None:
    assert_cuda_refuses(name, getattr(xs, name), np.ones(3, np.float32))
