"""The indexing functions of the array API (take, take_along_axis) against NumPy."""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from api_ops_support import DEVICES, assert_cuda_refuses, check, device_params, layouts_on, on
from conftest import ALL_DTYPES, SIGNED_DTYPES, arrays
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.ops import indexing as xi
from corten.ops import sorting

nonempty = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@given(data=st.data())
def test_take_matches_numpy(data: Any) -> None:
    a = data.draw(arrays(data.draw(st.sampled_from(ALL_DTYPES)), nonempty))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    size = a.shape[axis]
    idx_dtype = data.draw(st.sampled_from(SIGNED_DTYPES))
    lo = max(-size, int(np.iinfo(idx_dtype.numpy).min))
    idx = data.draw(
        hnp.arrays(idx_dtype.numpy, st.integers(0, 5), elements=st.integers(lo, size - 1))
    )
    x = data.draw(layouts_on(a, device))
    check(xi.take(x, on(idx, device), axis=axis), np.take(a, idx, axis=axis), device)
    if a.ndim == 1:
        check(xi.take(x, on(idx, device)), np.take(a, idx), device)


@given(data=st.data())
def test_take_along_axis_matches_numpy(data: Any) -> None:
    a = data.draw(arrays(data.draw(st.sampled_from(ALL_DTYPES)), nonempty))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    shape = [data.draw(st.sampled_from([1, s])) for s in a.shape]
    shape[axis] = data.draw(st.integers(0, 4))
    size = a.shape[axis]
    idx = data.draw(hnp.arrays(np.int64, tuple(shape), elements=st.integers(-size, size - 1)))
    got = xi.take_along_axis(data.draw(layouts_on(a, device)), on(idx, device), axis=axis)
    check(got, np.take_along_axis(a, idx, axis=axis), device)


@device_params
def test_take_along_axis_with_argsort_sorts(device: ct.Device) -> None:
    a = np.array([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]])
    x = on(a, device)
    check(xi.take_along_axis(x, sorting.argsort(x, axis=1), axis=1), np.sort(a, axis=1), device)


def test_errors() -> None:
    x = ct.tensor([[1, 2, 3], [4, 5, 6]])
    i = ct.tensor([0, 1])
    with pytest.raises(ct.AxisError, match="needs an axis"):
        xi.take(x, i)
    with pytest.raises(ct.AxisError):
        xi.take(x, i, axis=2)
    with pytest.raises(ct.ShapeError, match="1-D indices"):
        xi.take(x, ct.tensor([[0]]), axis=0)
    with pytest.raises(ct.DTypeError, match="integer indices"):
        xi.take(x, ct.tensor([0.0]), axis=0)
    with pytest.raises(ct.TensorIndexError, match="out of bounds"):
        xi.take(x, ct.tensor([3]), axis=1)
    with pytest.raises(ct.TensorIndexError):
        xi.take(x, ct.tensor([-4]), axis=1)
    with pytest.raises(ct.DeviceMismatchError, match="cpu and sim:0"):
        xi.take(x, ct.tensor([0], device=ct.sim), axis=0)
    with pytest.raises(ct.ShapeError, match="rank"):
        xi.take_along_axis(x, i, axis=1)
    with pytest.raises(ct.ShapeError, match="do not broadcast"):
        xi.take_along_axis(x, ct.tensor([[0], [1], [0]]), axis=1)
    with pytest.raises(ct.TensorIndexError):
        xi.take_along_axis(x, ct.tensor([[5]]), axis=1)
    with pytest.raises(ct.TensorIndexError):
        xi.take(ct.zeros((2,), device=ct.sim), ct.tensor([2], device=ct.sim))
    with pytest.raises(TypeError):
        xi.take(x, i, 0)


def test_results_are_new_owners() -> None:
    x = ct.tensor([1.0, 2.0])
    r = xi.take(x, ct.tensor([0, 1]))
    assert type(r) is ct.Tensor
    r += 1.0
    assert x.tolist() == [1.0, 2.0]


def test_cuda_refuses_with_the_function_name() -> None:
    a, idx = np.arange(3.0), np.array([0, 2])
    assert_cuda_refuses("take", xi.take, a, idx)
    assert_cuda_refuses("take_along_axis", xi.take_along_axis, a, idx)
