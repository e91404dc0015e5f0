"""The set functions of the array API against NumPy, on cpu and sim; meta refuses them."""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from api_ops_support import DATA_DEVICES, assert_cuda_refuses, check, layouts_on, small_shapes
from conftest import ALL_DTYPES
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.ops import sets as xs

NAMES = ("unique_all", "unique_counts", "unique_inverse", "unique_values")


@st.composite
def repetitive(draw: Any) -> np.ndarray[Any, Any]:
    """Arrays with repeated values (and NaNs, signed zeros for floats)."""
    dtype = draw(st.sampled_from(ALL_DTYPES))
    if dtype.is_floating:
        elements = st.sampled_from([0.0, -0.0, 1.5, -2.0, float("nan"), float("inf")])
    elif dtype.is_bool:
        elements = st.booleans()
    else:
        elements = st.integers(0, 3)
    return draw(hnp.arrays(dtype.numpy, small_shapes, elements=elements))


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_unique_functions_match_numpy(name: str, data: Any) -> None:
    a = data.draw(repetitive())
    device = data.draw(st.sampled_from(DATA_DEVICES))
    got = getattr(xs, name)(data.draw(layouts_on(a, device)))
    want = getattr(np, name)(a)
    if name == "unique_values":
        check(got, want, device)
        return
    assert type(got).__name__ == type(want).__name__
    assert got._fields == want._fields
    for field in want._fields:
        w = getattr(want, field)
        if field != "values":
            w = w.astype(np.int64)
        if field == "inverse_indices":
            w = w.reshape(a.shape)
        check(getattr(got, field), w, device)


@pytest.mark.parametrize("device", DATA_DEVICES, ids=str)
def test_nans_are_distinct_and_signed_zeros_are_one(device: ct.Device) -> None:
    x = ct.tensor([0.0, float("nan"), -0.0, float("nan"), 1.0], device=device)
    values, counts = xs.unique_counts(x)
    got = values.to_cpu().tolist()
    assert got[:2] == [0.0, 1.0]
    assert np.isnan(got[2:]).all()
    assert len(got) == 4
    assert counts.to_cpu().tolist() == [2, 1, 1, 1]


@pytest.mark.parametrize("device", DATA_DEVICES, ids=str)
def test_the_inverse_rebuilds_the_input(device: ct.Device) -> None:
    a = np.array([[3, 1], [1, 2], [3, 3]], dtype=np.int16)
    values, inverse = xs.unique_inverse(ct.tensor(a, device=device))
    assert inverse.shape == a.shape
    assert (values.to_cpu().numpy()[inverse.to_cpu().numpy()] == a).all()


@pytest.mark.parametrize("name", NAMES)
def test_meta_refuses_because_the_size_depends_on_the_elements(name: str) -> None:
    with pytest.raises(ct.DeviceMismatchError, match=rf"{name}\(\).*depends on the elements"):
        getattr(xs, name)(ct.ones((3,), device=ct.meta))


@pytest.mark.parametrize("name", NAMES)
def test_cuda_refuses_with_the_function_name(name: str) -> None:
    assert_cuda_refuses(name, getattr(xs, name), np.ones(3, np.float32))


@pytest.mark.parametrize("name", NAMES)
def test_non_tensors_are_refused(name: str) -> None:
    with pytest.raises(ct.DTypeError, match="corten tensor"):
        getattr(xs, name)([1, 2, 2])
