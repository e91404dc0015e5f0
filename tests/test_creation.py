"""Factories, properties, conversions and text forms of CPU tensors, with NumPy as oracle."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import (
    ALL_DTYPES,
    FLOAT_DTYPES,
    INTEGER_DTYPES,
    arrays,
    assert_tensor_equal,
    data_pointer,
    dtype_params,
    elements,
    nonempty_shapes,
    scalars,
    shapes,
    tensor_and_array,
    values,
)
from hypothesis import given
from hypothesis import strategies as st

import corten as ct

dtypes = st.sampled_from(ALL_DTYPES)


def _set_all(a: np.ndarray[Any, Any], seed: int) -> None:
    """Overwrite every element of ``a`` in place with new values of its dtype."""
    new = np.arange(seed, seed + a.size).reshape(a.shape)
    a[...] = (new % 2 == 0) if a.dtype.kind == "b" else (new % 100).astype(a.dtype)


# ----------------------------------------------------------------------------- zeros & co


@given(dtypes, shapes)
def test_zeros_ones_empty_match_numpy(dtype: Any, shape: tuple[int, ...]) -> None:
    assert_tensor_equal(ct.zeros(shape, dtype=dtype), np.zeros(shape, dtype.numpy))
    assert_tensor_equal(ct.ones(shape, dtype=dtype), np.ones(shape, dtype.numpy))
    e = ct.empty(shape, dtype=dtype)
    assert (e.shape, e.dtype, e.device) == (shape, dtype, ct.cpu)
    for t in (e, ct.zeros(shape, dtype), ct.ones(shape, dtype, ct.cpu)):
        assert type(t) is ct.Tensor
        assert t.is_contiguous
        assert t.offset == 0
        if t.numel:
            assert t.strides == tuple(
                s // dtype.itemsize for s in np.ones(shape, dtype.numpy).strides
            )


def test_shape_factories_default_to_float32_and_accept_an_int_shape() -> None:
    for factory in (ct.zeros, ct.ones, ct.empty):
        t = factory(3)
        assert t.dtype is ct.float32
        assert t.shape == (3,)
        assert factory(()).shape == ()
        assert factory([2, np.int64(3)]).shape == (2, 3)
    assert ct.zeros((2, 3), "int16").dtype is ct.int16
    assert ct.zeros((2, 3), np.uint8).dtype is ct.uint8


@given(dtypes.flatmap(lambda d: st.tuples(st.just(d), scalars(d, small=False))), shapes)
def test_full_matches_numpy(case: Any, shape: tuple[int, ...]) -> None:
    dtype, value = case
    assert_tensor_equal(ct.full(shape, value, dtype=dtype), np.full(shape, value, dtype.numpy))


@pytest.mark.parametrize(
    ("value", "dtype"), [(True, ct.bool_), (7, ct.int64), (2.5, ct.float32), (-1, ct.int64)]
)
def test_full_infers_the_dtype_from_the_value(value: Any, dtype: Any) -> None:
    t = ct.full((2, 2), value)
    assert t.dtype is dtype
    assert t.tolist() == [[value, value], [value, value]]


@given(
    st.integers(-40, 40),
    st.one_of(st.none(), st.integers(-40, 40)),
    st.integers(-7, 7).filter(bool),
)
def test_arange_of_ints_matches_numpy(start: int, stop: int | None, step: int) -> None:
    if stop is None:
        t, expected = ct.arange(start), np.arange(start, dtype=np.int64)
    else:
        t, expected = ct.arange(start, stop, step), np.arange(start, stop, step, dtype=np.int64)
    assert_tensor_equal(t, expected)


@given(
    st.floats(-20, 20),
    st.floats(-20, 20),
    st.floats(0.25, 5).flatmap(lambda s: st.sampled_from([s, -s])),
)
def test_arange_of_floats_matches_numpy(start: float, stop: float, step: float) -> None:
    expected = np.arange(start, stop, step, dtype=np.float64)
    assert_tensor_equal(ct.arange(start, stop, step, dtype=ct.float64), expected)
    assert_tensor_equal(ct.arange(start, stop, step), expected.astype(np.float32))


@dtype_params(INTEGER_DTYPES + FLOAT_DTYPES)
def test_arange_with_a_dtype(dtype: Any) -> None:
    assert_tensor_equal(ct.arange(2, 9, 3, dtype=dtype), np.arange(2, 9, 3, dtype=dtype.numpy))
    assert_tensor_equal(ct.arange(5, dtype=dtype), np.arange(5, dtype=dtype.numpy))


def test_arange_counts_down_and_can_be_empty() -> None:
    assert ct.arange(5, 0, -2).tolist() == [5, 3, 1]
    assert ct.arange(3, 3).shape == (0,)
    assert ct.arange(3, 0).shape == (0,)
    assert ct.arange(0.0, 1.0, 0.5).tolist() == [0.0, 0.5]


@given(st.integers(0, 5), st.one_of(st.none(), st.integers(0, 5)), dtypes)
def test_eye_matches_numpy(n: int, m: int | None, dtype: Any) -> None:
    assert_tensor_equal(ct.eye(n, m, dtype=dtype), np.eye(n, m, dtype=dtype.numpy))
    assert ct.eye(n, m).dtype is ct.float32


@given(tensor_and_array(), st.one_of(st.none(), dtypes))
def test_like_factories_take_shape_and_dtype(case: Any, dtype: Any) -> None:
    t, a = case
    want = t.dtype if dtype is None else dtype
    z = ct.zeros_like(t, dtype=dtype)
    o = ct.ones_like(t, dtype=dtype)
    e = ct.empty_like(t, dtype=dtype)
    assert_tensor_equal(z, np.zeros(a.shape, want.numpy))
    assert_tensor_equal(o, np.ones(a.shape, want.numpy))
    assert (e.shape, e.dtype) == (a.shape, want)
    f = ct.full_like(t, True, dtype=dtype)
    assert_tensor_equal(f, np.full(a.shape, True, want.numpy))
    for r in (z, o, e, f):
        assert type(r) is ct.Tensor
        assert r.device == ct.cpu
        assert r.is_contiguous


def test_full_like_keeps_the_dtype_of_its_model() -> None:
    t = ct.full_like(ct.zeros((2,), dtype=ct.uint8), 9)
    assert t.dtype is ct.uint8
    assert t.tolist() == [9, 9]


# ----------------------------------------------------------------------------- ct.tensor


def _inferred(a: np.ndarray[Any, Any]) -> np.dtype[Any]:
    return {"b": np.dtype(np.bool_), "f": np.dtype(np.float32)}.get(a.dtype.kind, np.int64)


@given(
    st.sampled_from([ct.bool_, ct.int64, ct.int8, ct.float64]).flatmap(
        lambda d: arrays(d, nonempty_shapes, small=True)
    )
)
def test_tensor_from_nested_lists_infers_bool_int64_or_float32(a: np.ndarray[Any, Any]) -> None:
    data = a.tolist()
    expected = np.array(data, dtype=_inferred(a)).reshape(a.shape)
    t = ct.tensor(data)
    assert type(t) is ct.Tensor
    assert_tensor_equal(t, expected)
    assert t.is_contiguous


@given(dtypes.flatmap(lambda d: st.tuples(st.just(d), arrays(d, nonempty_shapes, lists=True))))
def test_tensor_from_nested_lists_with_a_dtype(case: Any) -> None:
    dtype, a = case
    assert_tensor_equal(ct.tensor(a.tolist(), dtype=dtype), a)
    assert_tensor_equal(ct.tensor(a.tolist(), dtype), a)


@pytest.mark.parametrize(
    ("data", "dtype", "expected"),
    [
        (3, ct.int64, 3),
        (2.5, ct.float32, 2.5),
        (True, ct.bool_, True),
        ([], ct.float32, []),
        ([[1, 2], [3, 4]], ct.int64, [[1, 2], [3, 4]]),
        (((1, 2), (3, 4)), ct.int64, [[1, 2], [3, 4]]),
        ([1, 2.5], ct.float32, [1.0, 2.5]),
        ([True, False], ct.bool_, [True, False]),
        ([[[]]], ct.float32, [[[]]]),
    ],
    ids=repr,
)
def test_tensor_from_python_data(data: Any, dtype: Any, expected: Any) -> None:
    t = ct.tensor(data)
    assert t.dtype is dtype
    assert t.shape == np.shape(data)
    assert t.tolist() == expected


@pytest.mark.parametrize(("value", "dtype"), [(7, ct.uint8), (-2, ct.int16), (3, ct.float16)])
def test_tensor_of_a_scalar_with_a_dtype(value: Any, dtype: Any) -> None:
    t = ct.tensor(value, dtype=dtype)
    assert (t.shape, t.dtype, t.item()) == ((), dtype, value)


@given(tensor_and_array(shape=nonempty_shapes))
def test_tensor_copies_numpy_arrays_and_tensors_keeping_their_dtype(case: Any) -> None:
    t, a = case
    before = a.copy()
    from_array = ct.tensor(a)
    from_tensor = ct.tensor(t)
    for r in (from_array, from_tensor):
        assert_tensor_equal(r, a)
        assert type(r) is ct.Tensor
        assert r.is_contiguous
    _set_all(a, 1)
    assert_tensor_equal(from_array, before)
    from_tensor.fill_(True if t.dtype.is_bool else 0)
    assert_tensor_equal(t, before)
    assert not np.shares_memory(from_tensor.numpy(), t.numpy())


def test_tensor_from_a_tensor_is_independent() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int8)
    c = ct.tensor(t)
    c += 1
    assert t.tolist() == [1, 2, 3]
    assert c.tolist() == [2, 3, 4]
    t.fill_(0)
    assert c.tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    "data", [[[1, 2], [3]], [[1, 2], 3], [[[1], [2]], [[3]]], [1, [2]]], ids=repr
)
def test_ragged_data_raises_shape_error(data: Any) -> None:
    with pytest.raises(ct.ShapeError, match="ragged") as info:
        ct.tensor(data)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "dtype",
    [pytest.param(d) for d in (ct.bool_, ct.uint8, ct.int64, ct.float16, ct.float64)],
    ids=str,
)
@pytest.mark.parametrize(
    "make",
    [
        lambda d: ct.tensor([], dtype=d),
        lambda d: ct.tensor([[], []], dtype=d),
        lambda d: ct.from_shape_vec((0, 3), [], dtype=d),
        lambda d: ct.from_shape_fn((2, 0), lambda idx: 1, dtype=d),
    ],
    ids=["tensor", "tensor_2d", "from_shape_vec", "from_shape_fn"],
)
def test_empty_python_data_takes_any_dtype(make: Any, dtype: Any) -> None:
    t = make(dtype)
    assert t.dtype is dtype
    assert t.numel == 0


@pytest.mark.parametrize(
    "data", [[2**63, 0], [[2**64 - 1], [1]], [1, 2**63 + 1]], ids=["pair", "nested", "small_first"]
)
def test_python_ints_above_int64_keep_an_integer_dtype(data: Any) -> None:
    t = ct.tensor(data)
    assert t.dtype is ct.uint64
    assert t.tolist() == data


def test_python_ints_above_int64_fit_uint64() -> None:
    data = [2**63, 0, 2**64 - 1]
    assert ct.tensor(data, dtype=ct.uint64).tolist() == data
    assert ct.from_shape_vec((3,), data, dtype=ct.uint64).tolist() == data
    t = ct.zeros((3,), dtype=ct.uint64)
    t[:] = data
    assert t.tolist() == data


def test_python_ints_above_int64_alone_give_uint64() -> None:
    assert ct.tensor([2**63]).dtype is ct.uint64
    assert ct.tensor([2**63]).tolist() == [2**63]


def test_tensor_of_a_huge_int_raises_dtype_error() -> None:
    with pytest.raises(ct.DTypeError, match="fit"):
        ct.tensor([2**70])


# ----------------------------------------------------------------------------- from_numpy


@st.composite
def strided_arrays(draw: Any) -> np.ndarray[Any, Any]:
    """Non-empty contiguous, sliced, stepped, reversed and transposed NumPy arrays."""
    dtype = draw(dtypes)
    base = draw(arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)))
    view = base[draw(hnp.basic_indices(base.shape, allow_newaxis=True, min_dims=1))]
    view = view.transpose(draw(st.permutations(range(view.ndim))))
    if view.size == 0:
        return base
    return view


@given(strided_arrays())
def test_from_numpy_is_zero_copy_for_any_strides(a: np.ndarray[Any, Any]) -> None:
    t = ct.from_numpy(a)
    assert type(t) is ct.Tensor
    assert_tensor_equal(t, a)
    assert t.strides == tuple(s // a.itemsize for s in a.strides)
    assert t.is_contiguous == a.flags.c_contiguous
    # Note: t.numpy() may copy here: the memory escaped (the array can write it), so a
    # read-only export must not see later writes. Shared memory shows in the writes:
    # writes through the array are seen by the tensor ...
    _set_all(a, 3)
    assert_tensor_equal(t, a)
    # ... and writes through the tensor by the array
    t.fill_(True if t.dtype.is_bool else 1)
    assert np.all(a == a.dtype.type(1))


@pytest.mark.parametrize(
    "make",
    [
        lambda b: b,
        lambda b: b.T,
        lambda b: b[::-1],
        lambda b: b[:, ::-2],
        lambda b: b[1:, 1:3],
        lambda b: b[::-1, ::-1].T,
        lambda b: np.asfortranarray(b),
    ],
    ids=["contiguous", "transposed", "reversed", "neg_step", "sliced", "rev_transposed", "fortran"],
)
def test_from_numpy_layouts_share_memory(make: Any) -> None:
    a = make(np.arange(12, dtype=np.int32).reshape(3, 4))
    t = ct.from_numpy(a)
    assert t.tolist() == a.tolist()
    lowest = min(
        data_pointer(a)
        + sum((n - 1) * s for n, s in zip(a.shape, a.strides, strict=True) if s < 0),
        data_pointer(a),
    )
    assert t.offset == (data_pointer(a) - lowest) // a.itemsize
    a[0, 0] = 100
    assert t[0, 0].item() == 100
    t[-1, -1] = 200
    assert a[-1, -1] == 200


def test_from_numpy_keeps_the_array_alive() -> None:
    def make() -> Any:
        a = np.arange(10, dtype=np.float64)[::-2]
        return ct.from_numpy(a)

    t = make()
    a = np.arange(6, dtype=np.int16).reshape(2, 3).T
    u = ct.from_numpy(a)
    del a
    gc.collect()
    _ = [np.full(1000, 7.0) for _ in range(50)]  # reuse freed memory if it were freed
    assert t.tolist() == [9.0, 7.0, 5.0, 3.0, 1.0]
    assert u.tolist() == [[0, 3], [1, 4], [2, 5]]


def test_from_numpy_releases_the_array_with_the_tensor() -> None:
    owner = np.arange(12, dtype=np.float32)  # owns the memory that views point into
    alive = weakref.ref(owner)
    t = ct.from_numpy(owner.reshape(3, 4)[::-1, 1:])
    v = t[0]
    del owner
    gc.collect()
    assert alive() is not None
    assert v.tolist() == [9.0, 10.0, 11.0]
    del t, v
    gc.collect()
    assert alive() is None


@given(strided_arrays())
def test_from_numpy_copy_is_independent(a: np.ndarray[Any, Any]) -> None:
    before = a.copy()
    t = ct.from_numpy(a, copy=True)
    assert_tensor_equal(t, a)
    assert t.is_contiguous
    assert not np.shares_memory(t.numpy(), a)
    _set_all(a, 5)
    assert_tensor_equal(t, before)
    written = a.copy()
    t.fill_(False if t.dtype.is_bool else 0)
    assert np.array_equal(a, written)


def test_from_numpy_of_a_read_only_array_never_writes_it() -> None:
    a = np.arange(4, dtype=np.float32)
    a.flags.writeable = False
    t = ct.from_numpy(a)
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    t += 1.0
    assert t.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_from_numpy_of_a_broadcast_array() -> None:
    a = np.broadcast_to(np.arange(3, dtype=np.int64), (4, 3))
    t = ct.from_numpy(a)
    # An owner never aliases its own elements: the repeated rows become a dense copy.
    assert t.strides == (3, 1)
    assert t.tolist() == a.tolist()
    t[0, 0] = 9  # the copy is the tensor's own: the write stays in one element
    assert a[1, 0] == 0
    assert t.tolist()[0] == [9, 1, 2]


@pytest.mark.parametrize("order", [">", "<"])
def test_from_numpy_of_any_byte_order_gives_native_values(order: str) -> None:
    a = np.arange(5, dtype=f"{order}i4")
    t = ct.from_numpy(a)
    assert t.dtype is ct.int32
    assert t.tolist() == [0, 1, 2, 3, 4]


def test_from_numpy_of_an_unaligned_array_copies_the_values() -> None:
    raw = np.zeros(32, dtype=np.uint8)
    a = np.ndarray((4,), dtype=np.int32, buffer=raw, offset=1, strides=(5,))
    a[...] = [1, -2, 3, -4]
    t = ct.from_numpy(a)
    assert t.tolist() == [1, -2, 3, -4]


@dtype_params(ALL_DTYPES)
def test_from_numpy_keeps_every_dtype(dtype: Any) -> None:
    a = np.ones((2, 3), dtype=dtype.numpy)
    assert ct.from_numpy(a).dtype is dtype
    assert ct.from_numpy(a, copy=True).dtype is dtype


def test_from_numpy_of_an_empty_array() -> None:
    a = np.zeros((0, 3), dtype=np.uint16)
    t = ct.from_numpy(a)
    assert (t.shape, t.dtype, t.numel, t.tolist()) == ((0, 3), ct.uint16, 0, [])


def test_from_numpy_of_a_0d_array_shares_memory() -> None:
    a = np.array(5.0)
    t = ct.from_numpy(a)
    a[...] = 7.0
    assert t.item() == 7.0


@pytest.mark.parametrize("obj", [[1, 2], 3, ct.tensor([1])], ids=repr)
def test_from_numpy_takes_only_arrays(obj: Any) -> None:
    with pytest.raises(ct.DTypeError, match=r"numpy\.ndarray"):
        ct.from_numpy(obj)


# ----------------------------------------------------------------------------- shape_vec/fn


@given(dtypes.flatmap(lambda d: st.tuples(st.just(d), arrays(d, shapes, lists=True))))
def test_from_shape_vec_matches_reshape(case: Any) -> None:
    dtype, a = case
    flat = a.reshape(-1)
    if a.size or dtype.is_floating:  # see test_empty_python_data_takes_any_dtype
        assert_tensor_equal(ct.from_shape_vec(a.shape, flat.tolist(), dtype=dtype), a)
    assert_tensor_equal(ct.from_shape_vec(a.shape, flat), a)
    assert_tensor_equal(ct.from_shape_vec(list(a.shape), flat), a)


def test_from_shape_vec_infers_the_dtype() -> None:
    t = ct.from_shape_vec((2, 2), [1, 2, 3, 4])
    assert (t.dtype, t.tolist()) == (ct.int64, [[1, 2], [3, 4]])
    assert ct.from_shape_vec(3, [1.0, 2.0, 3.0]).dtype is ct.float32


@pytest.mark.parametrize(
    ("shape", "data"), [((2, 2), [1, 2, 3]), ((2,), [1, 2, 3]), ((2, 2), [[1, 2], [3, 4]])]
)
def test_from_shape_vec_needs_exactly_numel_flat_elements(shape: Any, data: Any) -> None:
    with pytest.raises(ct.ShapeError, match="flat sequence of") as info:
        ct.from_shape_vec(shape, data)
    assert str(tuple(shape)) in str(info.value)


@given(nonempty_shapes, st.sampled_from([None, ct.int32, ct.float64]))
def test_from_shape_fn_calls_fn_with_each_index_tuple(shape: Any, dtype: Any) -> None:
    calls: list[tuple[int, ...]] = []

    def fn(idx: tuple[int, ...]) -> int:
        calls.append(idx)
        return sum((i + 1) * 10**k for k, i in enumerate(idx))

    t = ct.from_shape_fn(shape, fn, dtype=dtype)
    expected = np.zeros(shape, dtype=np.int64)
    for idx in np.ndindex(*shape):
        expected[idx] = sum((i + 1) * 10**k for k, i in enumerate(idx))
    assert sorted(calls) == list(np.ndindex(*shape))
    assert all(isinstance(c, tuple) for c in calls)
    if dtype is None:
        assert t.dtype is (ct.int64 if calls else ct.float32)
    assert_tensor_equal(t, expected.astype(t.dtype.numpy))


def test_from_shape_fn_gives_a_rank_0_tensor_for_shape_unit() -> None:
    calls: list[object] = []
    t = ct.from_shape_fn((), lambda idx: calls.append(idx) or 2.5)
    assert calls == [()]
    assert (t.shape, t.dtype, t.item()) == ((), ct.float32, 2.5)


def test_from_shape_fn_with_an_int_shape_passes_one_element_tuples() -> None:
    assert ct.from_shape_fn(3, lambda idx: idx[0] * 2).tolist() == [0, 2, 4]


# ----------------------------------------------------------------------------- properties


@given(tensor_and_array())
def test_properties_match_numpy(case: Any) -> None:
    t, a = case
    assert t.shape == a.shape
    assert t.ndim == a.ndim
    assert t.numel == a.size
    assert t.itemsize == a.itemsize
    assert t.nbytes == a.nbytes
    assert t.device == ct.cpu
    assert t.dtype is ct.as_dtype(a.dtype)
    assert isinstance(t.shape, tuple)
    assert isinstance(t.strides, tuple)
    assert len(t.strides) == t.ndim
    assert isinstance(t.offset, int)
    assert t.offset >= 0
    if t.numel:
        assert t.is_contiguous == _same_layout_array(t).flags.c_contiguous


def _same_layout_array(t: Any) -> np.ndarray[Any, Any]:
    """A NumPy array with ``t``'s shape, strides and offset over scratch memory."""
    isz = t.itemsize
    hi = t.offset + sum((n - 1) * s for n, s in zip(t.shape, t.strides, strict=True) if s > 0)
    scratch = np.zeros(hi + 1, dtype=t.dtype.numpy)
    return np.ndarray(
        t.shape,
        t.dtype.numpy,
        buffer=scratch,
        offset=t.offset * isz,
        strides=[s * isz for s in t.strides],
    )


@given(st.data())
def test_strides_and_offset_locate_the_elements(data: Any) -> None:
    a = data.draw(arrays(ct.int32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)))
    idx = data.draw(hnp.basic_indices(a.shape, allow_newaxis=True))
    t = ct.tensor(a)
    v = t[idx]
    expected = a[idx]
    if not isinstance(expected, np.ndarray):  # a 0-d view instead of NumPy's scalar
        expected = a[(*idx, ...) if isinstance(idx, tuple) else (idx, ...)]
    assert v.shape == expected.shape
    if expected.size == 0:
        return
    assert v.strides == tuple(s // a.itemsize for s in expected.strides)
    assert v.offset == (data_pointer(expected) - data_pointer(a)) // a.itemsize
    flat = a.reshape(-1)
    for i in np.ndindex(*v.shape):
        pos = v.offset + sum(k * s for k, s in zip(i, v.strides, strict=True))
        assert flat[pos] == expected[i]


def test_strides_are_signed_elements() -> None:
    t = ct.arange(12, dtype=ct.int16).contiguous()
    assert t.strides == (1,)
    r = t[::-3]
    assert r.strides == (-3,)
    assert r.offset == 11
    assert r.tolist() == [11, 8, 5, 2]
    m = ct.zeros((3, 4), dtype=ct.float64)
    assert m.strides == (4, 1)
    assert m.nbytes == 96
    assert m[:, ::-1].strides == (4, -1)
    assert m[:, ::-1].offset == 3
    assert not m[:, ::2].is_contiguous
    assert m[1].is_contiguous


# ----------------------------------------------------------------------------- copies


@given(tensor_and_array())
def test_clone_is_an_equal_independent_owner(case: Any) -> None:
    t, a = case
    c = t.clone()
    assert type(c) is ct.Tensor
    assert_tensor_equal(c, a)
    assert (c.shape, c.dtype, c.device) == (t.shape, t.dtype, t.device)
    if a.size:
        c.fill_(True if c.dtype.is_bool else 1)
        assert_tensor_equal(t, a)
        assert np.all(values(c) == 1)


@pytest.mark.parametrize(
    ("shape", "idx"),
    [
        ((0, 2), (slice(None), slice(None, None, -1))),
        ((3, 2), (slice(2, 2), slice(None, None, -1))),
        ((3, 2), (slice(None, None, -1), slice(0, 0))),
        ((0,), slice(None, None, -2)),
    ],
    ids=["empty_reversed", "empty_rows_reversed", "reversed_no_cols", "empty_step"],
)
def test_copies_of_empty_views(shape: tuple[int, ...], idx: Any) -> None:
    a = np.zeros(shape, dtype=np.float32)
    v = ct.zeros(shape)[idx]
    expected = a[idx]
    for r in (v.clone(), v.contiguous(), v.astype(ct.int8), ct.tensor(v), v.view()):
        assert r.shape == expected.shape
        assert r.numel == 0
        assert r.tolist() == expected.tolist()


def test_clone_of_a_writable_tensor_does_not_see_later_writes() -> None:
    t = ct.tensor([1, 2, 3])
    c = t.clone()
    t += 10
    assert c.tolist() == [1, 2, 3]
    c[0] = -1
    assert t.tolist() == [11, 12, 13]
    assert c.tolist() == [-1, 2, 3]


@given(tensor_and_array())
def test_contiguous_is_a_row_major_equal_owner(case: Any) -> None:
    t, a = case
    c = t.contiguous()
    assert type(c) is ct.Tensor
    assert c.is_contiguous
    assert_tensor_equal(c, a)
    if a.size:
        c.fill_(False if c.dtype.is_bool else 0)
        assert_tensor_equal(t, a)


@given(
    dtypes.flatmap(lambda d: tensor_and_array(d, small=False, finite=False)),
    dtypes,
)
def test_astype_matches_numpy(case: Any, target: Any) -> None:
    t, a = case
    with np.errstate(all="ignore"):
        expected = a.astype(target.numpy)
    r = t.astype(target)
    assert type(r) is ct.Tensor
    if a.dtype.kind == "f" and target.is_integer:
        # Note: NaN, infinities and out-of-range floats have no defined integer value (C
        # leaves them undefined; NumPy's loops differ), so only defined elements compare.
        info = np.iinfo(target.numpy)
        with np.errstate(all="ignore"):
            whole = np.trunc(a.astype(np.float64))
            defined = (whole >= float(info.min)) & (whole < float(info.max) + 1.0)
        assert (r.shape, r.dtype) == (expected.shape, target)
        assert np.array_equal(values(r)[defined], expected[defined])
    else:
        assert_tensor_equal(r, expected, dtype=target)
    if target is not t.dtype:  # the same dtype gives an O(1) clone in the same layout
        assert r.is_contiguous
    assert_tensor_equal(t, a)


@given(tensor_and_array())
def test_astype_to_the_same_dtype_is_an_independent_copy(case: Any) -> None:
    t, a = case
    r = t.astype(t.dtype)
    assert_tensor_equal(r, a)
    r.fill_(True if r.dtype.is_bool else 1)
    assert_tensor_equal(t, a)


@pytest.mark.parametrize("spelling", [ct.int32, "int32", np.int32, np.dtype("int32")], ids=repr)
def test_astype_accepts_dtype_spellings(spelling: Any) -> None:
    r = ct.tensor([1.7, -2.5, 3.0]).astype(spelling)
    assert r.dtype is ct.int32
    assert r.tolist() == [1, -2, 3]


# ----------------------------------------------------------------------------- conversions


@given(tensor_and_array())
def test_numpy_is_a_read_only_view_with_equal_values(case: Any) -> None:
    t, a = case
    n = t.numpy()
    assert isinstance(n, np.ndarray)
    assert not n.flags.writeable
    assert n.dtype == a.dtype
    assert np.array_equal(n, a, equal_nan=a.dtype.kind == "f")
    with pytest.raises(ValueError, match="read-only"):
        n[...] = a
    assert np.array_equal(np.asarray(t), a, equal_nan=a.dtype.kind == "f")


def test_numpy_shares_memory_with_the_tensor() -> None:
    t = ct.arange(6, dtype=ct.int32).contiguous()
    n1 = t.numpy()
    n2 = t.numpy()
    assert np.shares_memory(n1, n2)
    assert n1.tolist() == [0, 1, 2, 3, 4, 5]


def test_numpy_writable_is_an_alias_of_an_owner() -> None:
    t = ct.zeros((2, 3), dtype=ct.int64)
    a = t.numpy(writable=True)
    assert a.flags.writeable
    a[1, 2] = 5
    assert t.tolist() == [[0, 0, 0], [0, 0, 5]]
    t[0, 0] = 7
    assert a[0, 0] == 7
    m = t.view_mut()[1]
    b = m.numpy(writable=True)
    b[0] = 9
    assert t.tolist()[1] == [9, 0, 5]


@given(tensor_and_array())
def test_tolist_matches_numpy(case: Any) -> None:
    t, a = case
    assert t.tolist() == a.tolist()


@given(
    dtypes.flatmap(
        lambda d: tensor_and_array(
            d, st.sampled_from([(), (1,), (1, 1), (1, 1, 1)]), small=False, finite=False
        )
    )
)
def test_item_returns_the_python_scalar(case: Any) -> None:
    t, a = case
    item = t.item()
    assert type(item) is type(a.item())
    assert item == a.item() or (item != item and a.item() != a.item())


@given(tensor_and_array(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4)))
def test_len_is_the_first_dimension(case: Any) -> None:
    t, a = case
    assert len(t) == len(a)


def test_len_of_a_rank_0_tensor_raises_type_error() -> None:
    with pytest.raises(TypeError, match="rank-0"):
        len(ct.tensor(1.0))


# ----------------------------------------------------------------------------- text


@given(
    dtypes.flatmap(
        lambda d: tensor_and_array(
            d, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), small=False
        )
    )
)
def test_str_is_numpy_like(case: Any) -> None:
    t, a = case
    assert str(t) == str(a)


@pytest.mark.parametrize(
    ("t", "text"),
    [
        (ct.tensor([[1, 2, 3], [4, 5, 6]], dtype=ct.uint8), "[[1 2 3]\n [4 5 6]]"),
        (ct.tensor([1.5, -2.0]), "[ 1.5 -2. ]"),
        (ct.tensor([True, False]), "[ True False]"),
        (ct.tensor(3), "3"),
    ],
    ids=repr,
)
def test_str_examples(t: Any, text: str) -> None:
    assert str(t) == text


@pytest.mark.parametrize(
    ("t", "text"),
    [
        (
            ct.tensor([[1, 2, 3], [4, 5, 6]], dtype=ct.uint8),
            "tensor([[1, 2, 3],\n        [4, 5, 6]], dtype=uint8)",
        ),
        (ct.tensor([1.5, -2.0]), "tensor([ 1.5, -2. ])"),
        (ct.tensor([1, 2]), "tensor([1, 2])"),
        (ct.tensor([True, False]), "tensor([ True, False])"),
        (ct.tensor([1.0], dtype=ct.float64), "tensor([1.], dtype=float64)"),
        (ct.tensor(2.5), "tensor(2.5)"),
        (ct.zeros((0, 3)), "tensor([], shape=(0, 3))"),
        (ct.zeros((0,), dtype=ct.int8), "tensor([], dtype=int8, shape=(0,))"),
    ],
    ids=repr,
)
def test_repr_examples(t: Any, text: str) -> None:
    assert repr(t) == text


@given(tensor_and_array(shape=nonempty_shapes))
def test_repr_names_non_default_dtypes(case: Any) -> None:
    t, _ = case
    r = repr(t)
    assert r.startswith("tensor(")
    assert r.endswith(")")
    assert ("dtype=" in r) == (t.dtype not in (ct.float32, ct.int64, ct.bool_))
    if "dtype=" in r:
        assert f"dtype={t.dtype.name}" in r


@pytest.mark.parametrize(
    "t",
    [ct.arange(10000), ct.zeros((100, 100)), ct.ones((10, 10, 100), dtype=ct.uint8)],
    ids=["arange", "2d", "3d"],
)
def test_large_tensors_are_elided(t: Any) -> None:
    for text in (repr(t), str(t)):
        assert "..." in text
        assert len(text) < 2000
    assert repr(ct.arange(10000)) == "tensor([   0,    1,    2, ..., 9997, 9998, 9999])"


def test_small_tensors_are_not_elided() -> None:
    t = ct.arange(1000)
    assert "..." not in repr(t)
    assert "..." not in str(t)
    assert str(ct.zeros((10, 10))).count("0.") == 100


@given(dtypes.flatmap(lambda d: st.tuples(st.just(d), elements(d))))
def test_str_and_repr_of_views_match_owners(case: Any) -> None:
    dtype, value = case
    t = ct.full((2, 3), value, dtype=dtype)
    assert repr(t.view()) == repr(t) == repr(t.view_mut())
    assert str(t[:]) == str(t)
