"""Indexing and assignment with NumPy as the oracle.

Basic indices (ints, slices, Ellipsis, None) give zero-copy views; advanced indices
(integer lists and arrays, boolean masks) give copies; assignment broadcasts the value.
"""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import (
    ALL_DTYPES,
    arrays,
    assert_tensor_equal,
    elements,
    layouts,
    tensor_and_array,
)
from hypothesis import given
from hypothesis import strategies as st

import corten as ct

dtypes = st.sampled_from(ALL_DTYPES)
index_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5)


def _np_get(a: np.ndarray[Any, Any], idx: Any) -> np.ndarray[Any, Any]:
    """NumPy's ``a[idx]`` as an array (a 0-d view where NumPy would give a scalar)."""
    r = a[idx]
    if not isinstance(r, np.ndarray):
        r = a[(*idx, ...) if isinstance(idx, tuple) else (idx, ...)]
    return r


def _shares(r: Any, base: Any) -> bool:
    return bool(np.shares_memory(r.numpy(), base.numpy()))


# ----------------------------------------------------------------------------- basic


@given(st.data())
def test_basic_indexing_matches_numpy_on_every_layout(data: Any) -> None:
    dtype = data.draw(dtypes, label="dtype")
    t, a = data.draw(tensor_and_array(dtype, index_shapes), label="t")
    idx = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True), label="idx")
    r = t[idx]
    assert_tensor_equal(r, _np_get(a, idx))
    expected_type = ct.TensorViewMut if isinstance(t, ct.TensorViewMut) else ct.TensorView
    assert type(r) is expected_type
    assert_tensor_equal(t, a)


@given(st.data())
def test_basic_indexing_is_zero_copy(data: Any) -> None:
    dtype = data.draw(dtypes, label="dtype")
    a = data.draw(arrays(dtype, index_shapes), label="a")
    idx = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True), label="idx")
    t = ct.tensor(a)
    for base in (t, t.view(), t.view_mut()):
        r = base[idx]
        expected = _np_get(a, idx)
        assert_tensor_equal(r, expected)
        if r.numel:
            assert _shares(r, t)
            assert r.numpy().__array_interface__["data"][0] - t.numpy().__array_interface__["data"][
                0
            ] == (expected.__array_interface__["data"][0] - a.__array_interface__["data"][0])
        # a view of a view is still a view of the same memory
        idx2 = data.draw(hnp.basic_indices(r.shape, allow_newaxis=True), label="idx2")
        r2 = r[idx2]
        assert_tensor_equal(r2, _np_get(expected, idx2))
        if r2.numel:
            assert _shares(r2, t)


def test_basic_index_examples() -> None:
    a = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
    t = ct.tensor(a)
    cases = [
        1,
        -1,
        (0, -1),
        (1, 2, -4),
        slice(None, None, -1),
        (slice(None), slice(None, None, 2)),
        (Ellipsis, 1),
        (Ellipsis, slice(None, None, -3)),
        (None, 0),
        (0, None, Ellipsis, None),
        (slice(-1, -4, -1), 1, slice(1, None)),
        (),
        Ellipsis,
        np.int64(1),
        (np.int32(-2), slice(5, 0, -2)),
    ]
    for idx in cases:
        assert_tensor_equal(t[idx], _np_get(a, idx))
    assert t[1, 2, 3].item() == 23
    assert t[-1, -1, -1].shape == ()


def test_writes_through_a_mutable_view_of_an_index_reach_the_owner() -> None:
    t = ct.zeros((3, 4), dtype=ct.int32)
    m = t.view_mut()[1:, ::-2]
    assert isinstance(m, ct.TensorViewMut)
    m.fill_(7)
    a = np.zeros((3, 4), dtype=np.int32)
    a[1:, ::-2] = 7
    assert t.tolist() == a.tolist()
    row = t.view_mut()[0]
    row[2] = 5
    assert t.tolist()[0] == [0, 0, 5, 0]


@given(tensor_and_array(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)))
def test_iteration_yields_the_rows(case: Any) -> None:
    t, a = case
    rows = list(t)
    assert len(rows) == len(a)
    for row, expected in zip(rows, a, strict=True):
        assert_tensor_equal(row, np.asarray(expected))


# ----------------------------------------------------------------------------- advanced


@given(st.data())
def test_integer_array_indexing_returns_an_equal_copy(data: Any) -> None:
    dtype = data.draw(dtypes, label="dtype")
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    a = data.draw(arrays(dtype, shape), label="a")
    t = data.draw(layouts(a), label="t")
    arrs = data.draw(
        hnp.integer_array_indices(
            shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)
        ),
        label="idx",
    )
    form = data.draw(st.sampled_from(["lists", "numpy", "tensors"]), label="form")
    if form == "lists":
        idx: Any = tuple(x.tolist() for x in arrs)
    elif form == "numpy":
        idx = arrs
    else:
        idx = tuple(ct.tensor(x) for x in arrs)
    if len(idx) == 1 and data.draw(st.booleans(), label="bare"):
        idx = idx[0]
    r = t[idx]
    expected = a[arrs]
    assert type(r) is ct.Tensor
    assert_tensor_equal(r, expected)
    if r.numel and a.size:
        assert not _shares(r, t)
        r.fill_(True if r.dtype.is_bool else 1)
        assert_tensor_equal(t, a)


@given(st.data())
def test_boolean_mask_indexing_returns_an_equal_copy(data: Any) -> None:
    dtype = data.draw(dtypes, label="dtype")
    a = data.draw(arrays(dtype, index_shapes), label="a")
    t = data.draw(layouts(a), label="t")
    k = data.draw(st.integers(1, a.ndim), label="mask_dims")
    mask = data.draw(hnp.arrays(np.bool_, a.shape[:k]), label="mask")
    form = data.draw(st.sampled_from(["tensor", "numpy", "list"]), label="form")
    idx = {"tensor": ct.tensor(mask), "numpy": mask, "list": mask.tolist()}[form]
    if form == "list" and mask.size == 0:
        idx = mask
    r = t[idx]
    assert type(r) is ct.Tensor
    assert_tensor_equal(r, a[mask])
    assert_tensor_equal(t, a)


def test_mask_from_a_comparison_selects_like_numpy() -> None:
    a = np.array([[3, -1, 4], [-1, 5, -9]], dtype=np.int8)
    t = ct.tensor(a)
    assert_tensor_equal(t[t > 0], a[a > 0])
    assert_tensor_equal(t[[1, 0], 1:], a[[1, 0], 1:])
    assert_tensor_equal(t[:, [2, 0, 2]], a[:, [2, 0, 2]])
    assert_tensor_equal(t[..., [True, False, True]], a[..., [True, False, True]])


# ----------------------------------------------------------------------------- setitem


@st.composite
def value_shapes(draw: Any, target: tuple[int, ...]) -> tuple[int, ...]:
    """Shapes that broadcast into ``target`` (trailing dimensions, each itself or 1)."""
    k = draw(st.integers(0, len(target)))
    return tuple(draw(st.sampled_from([n, 1])) for n in target[k:])


@st.composite
def values_for(draw: Any, dtype: ct.DType, target: tuple[int, ...]) -> tuple[Any, Any]:
    """(value for corten, value for NumPy) of a drawn kind that broadcasts into ``target``."""
    kind = draw(st.sampled_from(["scalar", "tensor", "numpy", "list"]))
    if kind == "scalar":
        v = draw(elements(dtype))
        v = float(v) if dtype.is_floating else v
        return v, dtype.numpy.type(v)
    val = draw(arrays(dtype, value_shapes(target), lists=kind == "list"))
    if kind == "tensor":
        return draw(layouts(val)), val
    if kind == "list" and val.size:
        return val.tolist(), val
    return val.copy(), val


@given(st.data())
def test_setitem_basic_index_broadcasts_like_numpy(data: Any) -> None:
    dtype = data.draw(dtypes, label="dtype")
    a = data.draw(arrays(dtype, index_shapes), label="a")
    t = data.draw(layouts(a, writable=True), label="t")
    idx = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True), label="idx")
    value, np_value = data.draw(values_for(dtype, _np_get(a, idx).shape), label="value")
    t[idx] = value
    expected = a.copy()
    expected[idx] = np_value
    assert_tensor_equal(t, expected)


@given(st.data())
def test_setitem_through_view_mut_writes_the_owner(data: Any) -> None:
    dtype = data.draw(dtypes, label="dtype")
    a = data.draw(arrays(dtype, index_shapes), label="a")
    idx1 = data.draw(hnp.basic_indices(a.shape), label="idx1")
    owner = ct.tensor(a)
    m = owner.view_mut()[idx1]
    assert isinstance(m, ct.TensorViewMut)
    sub = _np_get(a.copy(), idx1)
    idx2 = data.draw(hnp.basic_indices(sub.shape, allow_newaxis=True), label="idx2")
    value, np_value = data.draw(values_for(dtype, _np_get(sub, idx2).shape), label="value")
    m[idx2] = value
    expected = a.copy()
    _np_get(expected, idx1)[idx2] = np_value
    assert_tensor_equal(owner, expected)
    assert_tensor_equal(m, _np_get(expected, idx1))


@given(st.data())
def test_setitem_advanced_index_matches_numpy(data: Any) -> None:
    dtype = data.draw(dtypes, label="dtype")
    a = data.draw(arrays(dtype, index_shapes), label="a")
    t = data.draw(layouts(a, writable=True), label="t")
    if data.draw(st.booleans(), label="use_mask"):
        mask = data.draw(hnp.arrays(np.bool_, a.shape), label="mask")
        idx: Any = ct.tensor(mask)
        np_idx: Any = mask
    else:
        np_idx = data.draw(
            hnp.integer_array_indices(
                a.shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=1, max_side=4)
            )
            if a.size
            else st.just((np.zeros(0, dtype=np.intp),) * a.ndim),
            label="idx",
        )
        idx = tuple(x.tolist() for x in np_idx)
    v = data.draw(elements(dtype), label="value")
    v = float(v) if dtype.is_floating else v
    t[idx] = v
    expected = a.copy()
    expected[np_idx] = v
    assert_tensor_equal(t, expected)


_OVERLAPS = {
    "shift_right": (slice(1, None), slice(None, -1)),
    "shift_left": (slice(None, -1), slice(1, None)),
    "reverse": (slice(None, None, -1), slice(None)),
    "strided": (slice(None, None, 2), slice(None, 3)),
}


@pytest.mark.parametrize(
    ("writer", "dst", "src"),
    [
        pytest.param(
            writer,
            *pair,
            id=f"{name}-{writer}",
            marks=(),
        )
        for name, pair in _OVERLAPS.items()
        for writer in ("owner", "view_mut")
    ],
)
def test_overlapping_assignment_reads_a_copy_of_the_source(
    writer: str, dst: slice, src: slice
) -> None:
    a = np.arange(6, dtype=np.float64)
    t = ct.tensor(a)
    target = t if writer == "owner" else t.view_mut()
    target[dst] = target[src]
    expected = a.copy()
    expected[dst] = a[src].copy()
    assert t.tolist() == expected.tolist()


def test_setitem_2d_overlap_like_numpy() -> None:
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = ct.tensor(a)
    t[1:] = t[:-1]
    t[:, ::-1] = t
    expected = a.copy()
    expected[1:] = a[:-1].copy()
    expected[:, ::-1] = expected.copy()
    assert t.tolist() == expected.tolist()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, [[5, 5, 5], [0, 0, 0]]),
        ([1, 2, 3], [[1, 2, 3], [0, 0, 0]]),
        (np.array([4, 5, 6], dtype=np.int64), [[4, 5, 6], [0, 0, 0]]),
        (ct.tensor([7, 8, 9]), [[7, 8, 9], [0, 0, 0]]),
        (ct.tensor([[7], [8]])[0], [[7, 7, 7], [0, 0, 0]]),
        (True, [[1, 1, 1], [0, 0, 0]]),
    ],
    ids=["int", "list", "numpy", "tensor", "view", "bool"],
)
def test_setitem_value_kinds(value: Any, expected: Any) -> None:
    t = ct.zeros((2, 3), dtype=ct.int64)
    t[0] = value
    assert t.tolist() == expected


def test_setitem_converts_fitting_numpy_values_and_lists() -> None:
    t = ct.zeros((3,), dtype=ct.float32)
    t[:] = np.array([1, 2, 3], dtype=np.int64)
    assert t.tolist() == [1.0, 2.0, 3.0]
    u = ct.zeros((3,), dtype=ct.uint8)
    u[:] = [1, 2, 255]
    assert u.tolist() == [1, 2, 255]


@pytest.mark.parametrize("extra", [(1,), (1, 1)])
def test_setitem_accepts_extra_leading_unit_dimensions_like_numpy(extra: tuple[int, ...]) -> None:
    a = np.zeros((2, 3), dtype=np.float32)
    t = ct.tensor(a)
    value = np.ones((*extra, 3), dtype=np.float32)
    a[0] = value
    t[0] = ct.tensor(value)
    assert t.tolist() == a.tolist()
