"""Sequential iteration: iter, indexed_iter, iter_dim, iter_mut, apply_, map.

NumPy is the oracle for the order (``np.ndindex``) and the values; every layout of the
conftest strategies is checked, plus large non-contiguous layouts that span many of the
chunks that iteration converts at a time. The write paths are checked against the
copy-on-write rules: clones and frozen views taken before a loop keep their values.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import numpy as np
import pytest
from conftest import ALL_DTYPES, tensor_and_array, values
from hypothesis import given, settings
from hypothesis import strategies as st

import corten as ct
from corten.pipelines.chunks import CHUNK, row_major_chunks


def _ndindex_values(a: np.ndarray[Any, Any]) -> list[Any]:
    return [a[idx].item() for idx in np.ndindex(a.shape)]


# ----------------------------------------------------------------------------- iter


@given(tensor_and_array())
def test_iter_yields_python_scalars_in_ndindex_order(pair: Any) -> None:
    t, a = pair
    got = list(t.iter())
    assert got == _ndindex_values(a)
    assert all(type(x) is type(y) for x, y in zip(got, _ndindex_values(a), strict=True))


@given(tensor_and_array())
def test_indexed_iter_pairs_ndindex_with_the_elements(pair: Any) -> None:
    t, a = pair
    assert list(t.indexed_iter()) == [(idx, a[idx].item()) for idx in np.ndindex(a.shape)]


BIG_LAYOUTS = {
    "transposed": lambda a: a.reshape(40, 1000).T,
    "reversed": lambda a: a[::-1],
    "stepped_reversed_3d": lambda a: a.reshape(10, 40, 100)[::-2, ::3, ::-1],
    "long_last_dim": lambda a: a.reshape(2, 20000)[:, ::-1],
    "broadcast": lambda a: np.broadcast_to(a[:4], (5000, 4)),
    "permuted_channels": lambda a: a.reshape(100, 100, 4).transpose(2, 0, 1),
}


@pytest.mark.parametrize("layout", BIG_LAYOUTS)
def test_iter_of_large_strided_layouts_crosses_chunks_in_order(layout: str) -> None:
    view = BIG_LAYOUTS[layout](np.arange(40000, dtype=np.int32))
    s = ct.from_numpy(view)  # zero-copy over the strided layout
    assert list(s.iter()) == view.ravel().tolist()


def test_iter_of_an_expanded_view_repeats_elements() -> None:
    t = ct.arange(3).expand(5000, 3)  # stride 0: 15000 elements over 3
    assert list(t.iter()) == [0, 1, 2] * 5000


def test_row_major_chunks_never_exceed_the_chunk_size() -> None:
    a = np.arange(30000).reshape(3, 10000).T[::-1]
    chunks = list(row_major_chunks(a, chunk=4096))
    assert all(0 < len(c) <= 4096 for c in chunks)
    assert list(itertools.chain.from_iterable(chunks)) == a.ravel().tolist()


def test_iter_of_rank_0_and_empty_tensors() -> None:
    assert list(ct.tensor(7).iter()) == [7]
    assert list(ct.tensor(7).indexed_iter()) == [((), 7)]
    assert list(ct.zeros((3, 0, 2)).iter()) == []
    assert list(ct.zeros((3, 0, 2)).indexed_iter()) == []


def test_iter_sees_the_elements_as_they_were_when_it_started() -> None:
    t = ct.arange(3 * CHUNK, dtype=ct.int64)
    it = t.iter()
    first = next(it)
    t.fill_(-1)  # copies t's buffer away from the iterator's frozen view
    rest = list(it)
    assert [first, *rest] == list(range(3 * CHUNK))
    assert set(t.iter()) == {-1}


# ----------------------------------------------------------------------------- iter_dim


def test_iter_dim_gives_frozen_views_of_an_owner() -> None:
    t = ct.tensor(np.arange(24).reshape(2, 3, 4))
    a = np.arange(24).reshape(2, 3, 4)
    for dim in (0, 1, 2, -1):
        views = list(t.iter_dim(dim))
        assert len(views) == a.shape[dim]
        for i, v in enumerate(views):
            assert type(v) is ct.TensorView
            np.testing.assert_array_equal(values(v), np.take(a, i, axis=dim))


def test_iter_dim_of_a_mutable_view_gives_mutable_views_that_write_the_owner() -> None:
    t = ct.zeros((3, 2), dtype=ct.int32)
    c = t.clone()
    for i, row in enumerate(t.view_mut().iter_dim(0)):
        assert type(row) is ct.TensorViewMut
        row.fill_(i + 1)
    assert t.tolist() == [[1, 1], [2, 2], [3, 3]]
    assert c.tolist() == [[0, 0], [0, 0], [0, 0]]


def test_iter_dim_rejects_a_bad_dimension() -> None:
    with pytest.raises(ct.AxisError):
        ct.zeros((2, 2)).iter_dim(2)
    with pytest.raises(ct.AxisError):
        ct.tensor(1.0).iter_dim(0)


# ----------------------------------------------------------------------------- iter_mut


@settings(max_examples=30)
@given(st.data())
def test_iter_mut_replaces_elements_and_respects_copy_on_write(data: Any) -> None:
    dtype = data.draw(st.sampled_from([ct.int16, ct.uint8, ct.float32, ct.float64]))
    t, a = data.draw(tensor_and_array(dtype, writable=True))
    clone = t.clone()
    frozen = t.view()
    expected = a.copy()
    for e in t.iter_mut():
        new = (e.get() + 1) if dtype.is_integer else e.get() * 2.0
        if dtype.is_integer:
            new = int(np.array(new).astype(dtype.numpy))  # uint8 255 + 1 wraps to 0
        e.set(new)
        assert e.get() == new
        expected[e.index] = new
    np.testing.assert_array_equal(values(t), expected)
    np.testing.assert_array_equal(values(clone), a)
    # A frozen view keeps what it saw, but a view of memory shared with NumPy
    # (from_numpy layouts) is a window on it and follows the owner's writes.
    np.testing.assert_array_equal(values(frozen), expected if t.is_shared else a)


def test_iter_mut_handles_see_a_clone_taken_inside_the_loop_as_independent() -> None:
    t = ct.tensor([1, 2, 3])
    clones = []
    for e in t.iter_mut():
        clones.append(t.clone())
        e.set(0)
    assert t.tolist() == [0, 0, 0]
    assert [c.tolist() for c in clones] == [[1, 2, 3], [0, 2, 3], [0, 0, 3]]


def test_iter_mut_through_a_mutable_view_writes_the_owner_only() -> None:
    t = ct.tensor(np.arange(6).reshape(2, 3))
    c = t.clone()
    for e in t.view_mut()[:, ::2].iter_mut():
        e.set(-1)
    assert t.tolist() == [[-1, 1, -1], [-1, 4, -1]]
    assert c.tolist() == [[0, 1, 2], [3, 4, 5]]


def test_iter_mut_rejects_values_that_do_not_fit_and_writes_nothing() -> None:
    t = ct.tensor([1, 2], dtype=ct.uint8)
    e = next(t.iter_mut())
    with pytest.raises(ct.DTypeError):
        e.set(1.5)
    with pytest.raises(ct.DTypeError):
        e.set(256)
    assert t.tolist() == [1, 2]
    assert "ElementMut (0,)" in repr(e)


def test_iter_mut_of_an_overlapping_view_fails_before_the_loop() -> None:
    t = ct.zeros((3,))
    with pytest.raises(ct.ReadOnlyError):
        t.view_mut().expand(2, 3).iter_mut()


def test_frozen_views_have_no_write_iteration() -> None:
    v = ct.zeros((3,)).view()
    with pytest.raises(ct.ReadOnlyError):
        v.iter_mut()  # type: ignore[attr-defined]
    with pytest.raises(ct.ReadOnlyError):
        v.apply_(lambda x: x)  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- apply_ and map


def _twice(x: Any) -> Any:
    return x * 2


def _to_float(x: Any) -> Any:
    return x * 0.5


def _fails_on_3(x: Any) -> Any:
    if x == 3:
        raise ValueError("three")
    return x


@pytest.mark.parametrize("dtype", [ct.int8, ct.float32], ids=str)
@settings(max_examples=15)
@given(data=st.data())
def test_apply_matches_numpy_and_leaves_clones_alone(dtype: ct.DType, data: Any) -> None:
    t, a = data.draw(tensor_and_array(dtype, writable=True))
    clone = t.clone()
    t.apply_(_twice)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(values(t), a * dtype.numpy.type(2))
    np.testing.assert_array_equal(values(clone), a)


def test_apply_refuses_a_float_result_for_an_integer_tensor() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int32)
    with pytest.raises(ct.DTypeError, match="round inside the function"):
        t.apply_(_to_float)
    assert t.tolist() == [1, 2, 3]


def test_apply_is_all_or_nothing_when_the_function_raises() -> None:
    t = ct.arange(5 * CHUNK, dtype=ct.int64)
    with pytest.raises(ValueError, match="three"):
        t.apply_(_fails_on_3)
    assert t.tolist() == list(range(5 * CHUNK))


def test_apply_through_a_mutable_view_and_on_an_overlapping_one() -> None:
    t = ct.tensor(np.arange(6.0).reshape(2, 3))
    t.view_mut()[1].apply_(_twice)
    assert t.tolist() == [[0.0, 1.0, 2.0], [6.0, 8.0, 10.0]]
    with pytest.raises(ct.ReadOnlyError):
        t.view_mut()[0].expand(2, 3).apply_(_twice)


def test_map_gives_a_new_tensor_with_the_dtype_rule() -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.int8).T
    doubled = t.map(_twice)
    assert doubled.dtype is ct.int8
    assert doubled.tolist() == [[2, 6], [4, 8]]
    halves = t.map(_to_float)
    assert halves.dtype is ct.float64
    assert halves.tolist() == [[0.5, 1.5], [1.0, 2.0]]
    assert t.map(_twice, dtype=ct.float32).dtype is ct.float32
    assert t.tolist() == [[1, 3], [2, 4]]


# ----------------------------------------------------------------------------- threads, devices


def test_set_num_threads_validates_and_round_trips() -> None:
    before = ct.get_num_threads()
    try:
        ct.set_num_threads(1)
        assert ct.get_num_threads() == 1
        for bad in (0, -1, 10**6, 1.5, True, "2"):
            with pytest.raises(ValueError, match="number of threads"):
                ct.set_num_threads(bad)  # type: ignore[arg-type]
        assert ct.get_num_threads() == 1
    finally:
        ct.set_num_threads(before)


@pytest.mark.parametrize("device", [ct.sim, ct.meta], ids=str)
def test_iteration_on_other_devices_is_refused_clearly(device: ct.Device) -> None:
    t = ct.zeros((3,), device=device)
    # Python iteration reads elements on the host: no silent copy off the device.
    for host in (lambda: t.iter(), lambda: t.indexed_iter(), lambda: t.iter_mut()):
        with pytest.raises(ct.DeviceMismatchError, match=device.kind):
            host()
    if device.kind == "meta":  # meta tensors have no elements to run a pipeline on
        for pipeline in (lambda: t.par_iter(), lambda: t.map(_twice), lambda: t.apply_(_twice)):
            with pytest.raises(ct.DeviceMismatchError, match="meta"):
                pipeline()


def test_pipelines_on_sim_run_on_the_device_and_match_the_cpu() -> None:
    host = ct.arange(3 * 7, dtype=ct.int32).reshape((3, 7)).T  # strided
    dev = host.to(ct.sim)
    other = ct.arange(7, dtype=ct.int32).reshape((7, 1))
    assert dev.par_iter().map(_twice).sum() == host.par_iter().map(_twice).sum()
    got = dev.par_iter().zip(other.to(ct.sim)).map(lambda x, y: x * y).collect()
    want = host.par_iter().zip(other).map(lambda x, y: x * y).collect()
    assert got.device == ct.sim
    assert got.to_cpu().tolist() == want.tolist()
    assert dev.par_iter().filter(lambda x: x % 2 == 0).count() == 11  # 0, 2, ..., 20
    assert dev.map(_twice).device == ct.sim
    owner = ct.arange(4, dtype=ct.int64, device=ct.sim)
    snapshot = owner.clone()
    owner.apply_(_twice)
    assert owner.to_cpu().tolist() == [0, 2, 4, 6]
    assert snapshot.to_cpu().tolist() == [0, 1, 2, 3]
    with pytest.raises(ct.DeviceMismatchError, match=r"sim:0 and cpu|cpu and sim:0"):
        dev.par_iter().zip(other)


def test_pipelines_from_several_threads_at_once() -> None:
    t = ct.arange(4 * CHUNK, dtype=ct.int64)
    want = 2 * sum(range(4 * CHUNK))
    results: list[int] = []

    def work() -> None:
        results.extend(t.par_iter().map(_twice).sum() for _ in range(5))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [want] * 20


def test_every_dtype_iterates_as_python_scalars() -> None:
    for dtype in ALL_DTYPES:
        t = ct.ones((2,), dtype=dtype)
        kinds = {type(x) for x in t.iter()}
        assert kinds == {type(np.ones(1, dtype=dtype.numpy)[0].item())}
