"""The pure layout functions of corten.core.layout, against NumPy and brute force."""

from __future__ import annotations

import itertools
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.lib.array_utils import byte_bounds, normalize_axis_index, normalize_axis_tuple

import corten as ct
from corten.core import layout

any_shapes = hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=5)


# ----------------------------------------------------------------------------- numel


@given(any_shapes)
def test_numel_is_the_product_of_the_shape(shape: tuple[int, ...]) -> None:
    n = layout.numel(shape)
    assert n == int(np.prod(shape, dtype=np.int64)) == np.empty(shape, np.int8).size
    assert isinstance(n, int)


# ----------------------------------------------------------------------------- strides


@given(hnp.array_shapes(min_dims=0, max_dims=5, min_side=1, max_side=6), st.sampled_from([1, 8]))
def test_contiguous_strides_match_numpy(shape: tuple[int, ...], itemsize: int) -> None:
    a = np.empty(shape, dtype=np.dtype(f"u{itemsize}"))
    expected = tuple(s // itemsize for s in a.strides)
    assert layout.contiguous_strides(shape) == expected
    assert layout.contiguous_strides(list(shape)) == expected


@given(any_shapes)
def test_contiguous_strides_are_contiguous(shape: tuple[int, ...]) -> None:
    strides = layout.contiguous_strides(shape)
    assert len(strides) == len(shape)
    assert all(s >= 1 for s in strides)
    assert layout.is_contiguous(shape, strides)
    lo, hi = layout.extent(shape, strides, 0)
    assert (lo, hi) == ((0, 0) if 0 in shape else (0, layout.numel(shape)))


@st.composite
def numpy_views(draw: Any) -> np.ndarray[Any, Any]:
    """Views of a NumPy array: stepped, reversed, sliced, transposed, with new axes."""
    base_shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    base = np.arange(int(np.prod(base_shape)), dtype=np.int16).reshape(base_shape)
    view = base[draw(hnp.basic_indices(base_shape, allow_newaxis=True))]
    if not isinstance(view, np.ndarray):
        view = np.asarray(view)[...]
    perm = draw(st.permutations(range(view.ndim)))
    return view.transpose(perm)


def _elements(a: np.ndarray[Any, Any]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return a.shape, tuple(s // a.itemsize for s in a.strides)


@given(numpy_views())
def test_is_contiguous_matches_numpy_for_nonempty_views(view: np.ndarray[Any, Any]) -> None:
    if view.size == 0:
        return
    shape, strides = _elements(view)
    assert layout.is_contiguous(shape, strides) == view.flags.c_contiguous


@pytest.mark.parametrize(
    ("shape", "strides"),
    [
        ((3, 0), (5, 7)),
        ((0,), (9,)),
        ((0, 3), (6, 2)),
    ],
)
def test_is_contiguous_holds_for_every_empty_layout(
    shape: tuple[int, ...], strides: tuple[int, ...]
) -> None:
    assert np.lib.stride_tricks.as_strided(np.empty(64), shape, strides).flags.c_contiguous
    assert layout.is_contiguous(shape, strides)


def test_is_contiguous_ignores_strides_of_size_one_dimensions() -> None:
    assert layout.is_contiguous((1, 3), (99, 1))
    assert layout.is_contiguous((3, 1), (1, -5))
    assert not layout.is_contiguous((2, 3), (1, 2))
    assert not layout.is_contiguous((3,), (-1,))
    assert not layout.is_contiguous((3,), (2,))


# ----------------------------------------------------------------------------- extent


@given(
    st.integers(0, 4).flatmap(
        lambda n: st.tuples(
            st.tuples(*[st.integers(0, 4)] * n),
            st.tuples(*[st.integers(-6, 6)] * n),
            st.integers(0, 50),
        )
    )
)
def test_extent_is_the_span_of_the_touched_elements(case: Any) -> None:
    shape, strides, offset = case
    lo, hi = layout.extent(shape, strides, offset)
    touched = [
        offset + sum(i * s for i, s in zip(idx, strides, strict=True))
        for idx in itertools.product(*(range(n) for n in shape))
    ]
    if not touched:
        assert (lo, hi) == (offset, offset)
    else:
        assert (lo, hi) == (min(touched), max(touched) + 1)


@given(numpy_views())
def test_extent_matches_numpy_byte_bounds(view: np.ndarray[Any, Any]) -> None:
    root = view
    while isinstance(root.base, np.ndarray):
        root = root.base
    start = root.__array_interface__["data"][0]
    isz = view.itemsize
    offset = (view.__array_interface__["data"][0] - start) // isz
    shape, strides = _elements(view)
    lo, hi = layout.extent(shape, strides, offset)
    if view.size == 0:
        assert (lo, hi) == (offset, offset)
        return
    blo, bhi = byte_bounds(view)
    assert (lo, hi) == ((blo - start) // isz, (bhi - start) // isz)
    assert 0 <= lo < hi <= root.size


# ----------------------------------------------------------------------------- broadcasting


@given(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=5, min_side=0))
def test_broadcast_shapes_matches_numpy(shapes: Any) -> None:
    a, b = shapes.input_shapes
    assert layout.broadcast_shapes(a, b) == np.broadcast_shapes(a, b) == shapes.result_shape
    assert layout.broadcast_shapes(b, a) == shapes.result_shape
    assert layout.broadcast_shapes(list(a), list(b)) == shapes.result_shape


@given(
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
)
def test_broadcast_shapes_fails_exactly_where_numpy_fails(
    a: tuple[int, ...], b: tuple[int, ...]
) -> None:
    try:
        expected = np.broadcast_shapes(a, b)
    except ValueError:
        with pytest.raises(ct.ShapeError, match="cannot be broadcast") as info:
            layout.broadcast_shapes(a, b)
        assert isinstance(info.value, ValueError)
        assert str(a) in str(info.value)
        assert str(b) in str(info.value)
    else:
        assert layout.broadcast_shapes(a, b) == expected


def test_broadcast_shapes_error_names_the_dimensions() -> None:
    with pytest.raises(ct.ShapeError, match=r"\(2, 3\) and \(4,\).*3 and 4"):
        layout.broadcast_shapes((2, 3), (4,))


# ----------------------------------------------------------------------------- axes


@given(st.integers(0, 5), st.integers(-8, 8))
def test_normalize_axis_matches_numpy(ndim: int, axis: int) -> None:
    try:
        expected = normalize_axis_index(axis, ndim)
    except np.exceptions.AxisError:
        with pytest.raises(ct.AxisError, match="out of range") as info:
            layout.normalize_axis(axis, ndim)
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, IndexError)
        assert isinstance(info.value, ct.ShapeError)
        assert str(axis) in str(info.value)
    else:
        assert layout.normalize_axis(axis, ndim) == expected
        assert layout.normalize_axis(np.int64(axis), ndim) == expected


def test_normalize_axis_message_gives_the_valid_range() -> None:
    with pytest.raises(ct.AxisError, match=r"-2 <= axis < 2"):
        layout.normalize_axis(2, 2)
    with pytest.raises(ct.AxisError, match="rank-0"):
        layout.normalize_axis(0, 0)


@pytest.mark.parametrize("axis", [1.0, "0", None, [0]], ids=repr)
def test_normalize_axis_rejects_non_integers(axis: Any) -> None:
    with pytest.raises(ct.AxisError, match="an axis is an int"):
        layout.normalize_axis(axis, 3)


@given(
    st.integers(0, 4).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.integers(-5, 5), max_size=4))
    )
)
def test_normalize_axes_matches_numpy(case: Any) -> None:
    ndim, axes = case
    try:
        expected = normalize_axis_tuple(axes, ndim)
    except (np.exceptions.AxisError, ValueError):
        with pytest.raises(ct.AxisError):
            layout.normalize_axes(axes, ndim)
    else:
        assert layout.normalize_axes(axes, ndim) == expected
        assert layout.normalize_axes(tuple(axes), ndim) == expected


def test_normalize_axes_accepts_none_and_ints() -> None:
    assert layout.normalize_axes(None, 3) is None
    assert layout.normalize_axes(-1, 3) == (2,)
    assert layout.normalize_axes((), 3) == ()
    with pytest.raises(ct.AxisError, match="repeated axis"):
        layout.normalize_axes((0, -3), 3)


# ----------------------------------------------------------------------------- shapes


@given(any_shapes)
def test_normalize_shape_accepts_sequences_and_ints(shape: tuple[int, ...]) -> None:
    assert layout.normalize_shape(shape) == shape
    assert layout.normalize_shape(list(shape)) == shape
    assert layout.normalize_shape([np.int64(s) for s in shape]) == shape
    if len(shape) == 1:
        assert layout.normalize_shape(shape[0]) == shape
        assert layout.normalize_shape(np.int32(shape[0])) == shape


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        (-1, ">= 0"),
        ((2, -3), ">= 0"),
        (2.0, "sequence of ints"),
        ((2, 1.5), "sequence of ints"),
        ((2, (3,)), "sequence of ints"),
        (True, "sequence of ints"),
        (None, "sequence of ints"),
    ],
    ids=repr,
)
def test_normalize_shape_rejects_bad_shapes(shape: Any, match: str) -> None:
    with pytest.raises(ct.ShapeError, match=match) as info:
        layout.normalize_shape(shape)
    assert isinstance(info.value, ValueError)
