"""The searching functions of the array API against NumPy, on cpu, sim and meta."""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from api_ops_support import (
    DATA_DEVICES,
    DEVICES,
    assert_cuda_refuses,
    axes_for,
    check,
    data_device_params,
    device_params,
    layouts_on,
    nonempty_small_shapes,
    on,
    small_shapes,
)
from conftest import ALL_DTYPES, INTEGER_DTYPES, NUMERIC_DTYPES, arrays
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.core.errors import ArgumentError
from corten.ops import searching as xs

# ----------------------------------------------------------------------------- argmax/argmin


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@given(data=st.data())
def test_argmax_and_argmin_match_numpy(name: str, data: Any) -> None:
    dtype = data.draw(st.sampled_from(NUMERIC_DTYPES))
    # few distinct values, so that ties (first occurrence wins) are common
    a = data.draw(hnp.arrays(dtype.numpy, nonempty_small_shapes, elements=st.integers(0, 3)))
    device = data.draw(st.sampled_from(DEVICES))
    axis = None if a.ndim == 0 else data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1))
    keepdims = data.draw(st.booleans())
    got = getattr(xs, name)(data.draw(layouts_on(a, device)), axis=axis, keepdims=keepdims)
    check(got, getattr(np, name)(a, axis=axis, keepdims=keepdims).astype(np.int64), device)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_and_argmin_see_nan_first(name: str) -> None:
    assert getattr(xs, name)(ct.tensor([1.0, float("nan"), 5.0, float("nan")])).item() == 1


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_and_argmin_errors(name: str) -> None:
    fn = getattr(xs, name)
    with pytest.raises(ct.ShapeError, match="empty"):
        fn(ct.zeros((0, 2)))
    with pytest.raises(ct.ShapeError, match="axis 0 has no element"):
        fn(ct.zeros((0, 2)), axis=0)
    check(fn(ct.zeros((0, 2)), axis=1), np.zeros(0, np.int64), ct.cpu)
    for axis in ((0,), 2, 1.0):
        with pytest.raises(ct.AxisError):
            fn(ct.zeros((2, 2)), axis=axis)


# ----------------------------------------------------------------------------- count_nonzero


@given(data=st.data())
def test_count_nonzero_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    a = data.draw(hnp.arrays(dtype.numpy, small_shapes, elements=st.integers(0, 1)))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(axes_for(a.ndim))
    keepdims = data.draw(st.booleans())
    got = xs.count_nonzero(data.draw(layouts_on(a, device)), axis=axis, keepdims=keepdims)
    want = np.asarray(np.count_nonzero(a, axis=axis, keepdims=keepdims), dtype=np.int64)
    check(got, want, device)


# ----------------------------------------------------------------------------- nonzero


@given(data=st.data())
def test_nonzero_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    a = data.draw(hnp.arrays(dtype.numpy, small_shapes.filter(len), elements=st.integers(0, 1)))
    device = data.draw(st.sampled_from(DATA_DEVICES))
    got = xs.nonzero(data.draw(layouts_on(a, device)))
    want = np.nonzero(a)
    assert isinstance(got, tuple)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        check(g, w.astype(np.int64), device)


def test_nonzero_refuses_rank_0_and_meta() -> None:
    with pytest.raises(ct.ShapeError, match="rank-0"):
        xs.nonzero(ct.tensor(1))
    with pytest.raises(ct.DeviceMismatchError, match=r"nonzero\(\).*depends on the elements"):
        xs.nonzero(ct.ones((2,), device=ct.meta))


# ----------------------------------------------------------------------------- searchsorted


@given(data=st.data())
def test_searchsorted_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(NUMERIC_DTYPES))
    a = np.sort(data.draw(hnp.arrays(dtype.numpy, st.integers(0, 6), elements=st.integers(1, 9))))
    v = data.draw(hnp.arrays(dtype.numpy, small_shapes, elements=st.integers(0, 10)))
    side = data.draw(st.sampled_from(["left", "right"]))
    device = data.draw(st.sampled_from(DEVICES))
    x1 = data.draw(layouts_on(a, device))
    got = xs.searchsorted(x1, data.draw(layouts_on(v, device)), side=side)
    check(got, np.searchsorted(a, v, side=side).astype(np.int64), device)


@device_params
def test_searchsorted_with_a_sorter(device: ct.Device) -> None:
    a = np.array([5.0, 1.0, 3.0, 3.0])
    order = np.argsort(a, kind="stable")
    v = np.array([0.0, 3.0, 4.0, 6.0])
    for side in ("left", "right"):
        got = xs.searchsorted(on(a, device), on(v, device), side=side, sorter=on(order, device))
        check(got, np.searchsorted(a, v, side=side, sorter=order).astype(np.int64), device)


@data_device_params
def test_searchsorted_takes_a_python_scalar(device: ct.Device) -> None:
    check(xs.searchsorted(on([1.0, 2.0, 3.0], device), 2.5), np.int64(2), device)


def test_searchsorted_errors() -> None:
    x1 = ct.tensor([1, 2, 3])
    with pytest.raises(ct.ShapeError, match="1-D x1"):
        xs.searchsorted(ct.ones((2, 2)), x1)
    with pytest.raises(ArgumentError, match="side='left'"):
        xs.searchsorted(x1, x1, side="middle")
    with pytest.raises(ct.DTypeError, match="integer and real floating"):
        xs.searchsorted(x1, ct.tensor([1.5]))
    with pytest.raises(ct.DTypeError, match="does not meet"):
        xs.searchsorted(x1, 1.5)
    with pytest.raises(ct.ShapeError, match="sorter"):
        xs.searchsorted(x1, x1, sorter=ct.tensor([0, 1]))
    with pytest.raises(ct.DTypeError, match="sorter must be an integer"):
        xs.searchsorted(x1, x1, sorter=ct.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ct.DeviceMismatchError, match="cpu and sim:0"):
        xs.searchsorted(x1, ct.tensor([1], device=ct.sim))


# ----------------------------------------------------------------------------- where


@given(data=st.data())
def test_where_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    c_shape, s1, s2 = shapes.input_shapes
    c = data.draw(arrays(ct.bool_, st.just(c_shape)))
    a1 = data.draw(arrays(dtype, st.just(s1)))
    a2 = data.draw(arrays(dtype, st.just(s2)))
    device = data.draw(st.sampled_from(DEVICES))
    got = xs.where(
        data.draw(layouts_on(c, device)),
        data.draw(layouts_on(a1, device)),
        data.draw(layouts_on(a2, device)),
    )
    check(got, np.where(c, a1, a2), device)


@device_params
def test_where_takes_python_scalars_of_the_tensors_kind(device: ct.Device) -> None:
    c = on(np.array([True, False, True]), device)
    x = on(np.array([1.5, 2.5, 3.5], np.float32), device)
    check(xs.where(c, x, 0), np.array([1.5, 0, 3.5], np.float32), device)
    check(xs.where(c, -1.0, x), np.array([-1, 2.5, -1], np.float32), device)
    i = on(np.array([1, 2, 3], np.uint8), device)
    check(xs.where(c, i, 255), np.array([1, 255, 3], np.uint8), device)
    b = on(np.array([False, False, True]), device)
    check(xs.where(c, True, b), np.array([True, False, True]), device)


@device_params
@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [
        (ct.int8, ct.int16, ct.int16),
        (ct.uint8, ct.int8, ct.int16),
        (ct.uint16, ct.uint32, ct.uint32),
        (ct.float32, ct.float64, ct.float64),
    ],
    ids=str,
)
def test_where_promotes_within_a_kind(
    d1: ct.DType, d2: ct.DType, expected: ct.DType, device: ct.Device
) -> None:
    c = ct.ones((2,), dtype=ct.bool_, device=device)
    got = xs.where(c, ct.ones((2,), dtype=d1, device=device), ct.zeros((2,), d2, device))
    assert got.dtype is expected


def test_where_errors() -> None:
    c = ct.tensor([True, False])
    x = ct.tensor([1, 2])
    with pytest.raises(ct.DTypeError, match="bool condition"):
        xs.where(ct.tensor([1, 0]), x, x)
    with pytest.raises(ct.DTypeError, match="both are Python scalars"):
        xs.where(c, 1, 2)
    with pytest.raises(ct.DTypeError, match=r"ct.astype\(x, ct.float32\)"):
        xs.where(c, x, ct.tensor([1.0, 2.0]))
    with pytest.raises(ct.DTypeError, match="uint64 and int64"):
        xs.where(c, x, ct.tensor([1, 2], dtype=ct.uint64))
    with pytest.raises(ct.DTypeError, match="does not meet"):
        xs.where(c, x, 0.5)
    with pytest.raises(ct.DTypeError, match="does not fit int8"):
        xs.where(c, ct.tensor([1, 2], dtype=ct.int8), 300)
    with pytest.raises(ct.ShapeError, match="broadcast"):
        xs.where(c, ct.ones((3,)), 0.0)
    with pytest.raises(ct.DeviceMismatchError, match="cpu and sim:0"):
        xs.where(c, x, ct.tensor([1, 2], device=ct.sim))


@pytest.mark.parametrize("dtype", INTEGER_DTYPES, ids=str)
def test_where_results_are_new_owners(dtype: ct.DType) -> None:
    x = ct.ones((2,), dtype=dtype)
    r = xs.where(ct.tensor([True, True]), x, 0)
    assert type(r) is ct.Tensor
    r += 1
    assert x.tolist() == [1, 1]


# ----------------------------------------------------------------------------- cuda


@pytest.mark.parametrize("name", ["argmax", "argmin", "count_nonzero", "nonzero"])
def test_cuda_refuses_with_the_function_name(name: str) -> None:
    assert_cuda_refuses(name, getattr(xs, name), np.ones(3, np.float32))


def test_cuda_refuses_searchsorted_and_where() -> None:
    a = np.arange(3.0)
    assert_cuda_refuses("searchsorted", xs.searchsorted, a, a)
    assert_cuda_refuses("where", xs.where, a > 1, a, a)
