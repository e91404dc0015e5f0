"""The C layout arithmetic (corten.core._speedups) against the Python path it shortcuts.

Both must give the same layouts; where the C code declines (returns None) the Python
path decides, so every error keeps its class and message.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corten as ct
from corten.core.errors import CortenError
from corten.core.layout import (
    AdvancedIndex,
    fast_basic_layout,
    fast_narrow_layout,
    fast_permute_layout,
    index_layout,
)
from corten.tensor import _viewops as viewops

view_mod = importlib.import_module("corten.tensor.view")  # indexing
conversions_mod = importlib.import_module("corten.tensor._conversions")  # read-only exports

pytestmark = pytest.mark.skipif(
    fast_basic_layout is None, reason="corten.core._speedups was not compiled (no C compiler)"
)

shapes = st.lists(st.integers(0, 6), min_size=0, max_size=5).map(tuple)
big = st.integers(-(2**70), 2**70)
small = st.integers(-8, 8)


def _strides(shape: tuple[int, ...]) -> st.SearchStrategy[tuple[int, ...]]:
    return st.tuples(*[st.integers(-50, 50) for _ in shape])


index_items = st.one_of(
    small,
    st.builds(slice, st.none() | small, st.none() | small, st.none() | small.filter(bool)),
    st.just(None),
    st.just(Ellipsis),
    st.booleans(),
    small.map(np.int64),
    st.builds(slice, big, big),
    big,
)


def _python_layout(shape: Any, strides: Any, offset: int, idx: object) -> object:
    try:
        return index_layout(shape, strides, offset, idx)
    except (CortenError, AdvancedIndex) as exc:
        return type(exc), str(exc)


@settings(max_examples=400, deadline=None)
@given(data=st.data(), shape=shapes, offset=st.integers(0, 1000))
def test_basic_layout_agrees_with_the_python_path(
    data: st.DataObject, shape: tuple[int, ...], offset: int
) -> None:
    strides = data.draw(_strides(shape))
    items = data.draw(st.lists(index_items, max_size=len(shape) + 1))
    idx: object = tuple(items) if data.draw(st.booleans()) or len(items) != 1 else items[0]
    fast = fast_basic_layout(shape, strides, offset, idx)
    want = _python_layout(shape, strides, offset, idx)
    if fast is not None:
        assert fast == want
    common = all(type(i) in (int, slice) for i in (idx if type(idx) is tuple else (idx,)))
    if common and isinstance(want, tuple) and len(want) == 3 and isinstance(want[0], tuple):
        # the common case is the C code's to take, unless its numbers overflow a C long
        values = [v for i in items if type(i) is slice for v in (i.start, i.stop)]
        if all(v is None or abs(v) < 2**62 for v in values + items if type(v) is not slice):
            assert fast is not None


def test_overflowing_layouts_fall_back_instead_of_wrapping() -> None:
    huge = 2**62
    assert fast_basic_layout((huge,), (huge,), 0, 3) is None  # 3 * 2**62 overflows
    assert fast_basic_layout((4,), (1,), 2**63, 0) is None  # offset is not a C long
    assert fast_basic_layout((4,), (1,), 0, 2**80) is None
    assert fast_basic_layout([4], (1,), 0, 0) is None  # only exact tuples
    t = ct.empty((huge, 1), dtype=ct.uint8, device=ct.meta)
    assert t[huge - 1].shape == (1,)  # near the limit the C path still answers
    assert fast_basic_layout(t.shape, t.strides, 0, huge - 1) == ((1,), (1,), huge - 1)


def test_refcounts_are_balanced() -> None:
    shape, strides = (5, 6, 7), (42, 7, 1)
    idx = (slice(1, 4), 2)
    before = sys.getrefcount(shape), sys.getrefcount(strides), sys.getrefcount(idx)
    for _ in range(1000):
        fast_basic_layout(shape, strides, 0, idx)
        assert fast_narrow_layout is not None
        fast_narrow_layout(shape, strides, 0, 1, 2, 3)
        assert fast_permute_layout is not None
        fast_permute_layout(shape, strides, (2, 0, -2))
    assert (sys.getrefcount(shape), sys.getrefcount(strides), sys.getrefcount(idx)) == before


def _narrow(t: Any, args: tuple[Any, ...]) -> object:
    try:
        v = t.narrow(*args)
    except CortenError as exc:
        return type(exc), str(exc)
    return v.shape, v.strides, v._offset


@settings(max_examples=300, deadline=None)
@given(
    shape=st.lists(st.integers(0, 6), min_size=1, max_size=4).map(tuple),
    dim=st.integers(-5, 5) | st.integers(-5, 5).map(np.int64),
    start=small | small.map(np.int32) | big,
    length=small | big,
)
def test_narrow_agrees_with_the_python_path(
    shape: tuple[int, ...], dim: Any, start: Any, length: Any
) -> None:
    t = ct.zeros(shape).permute(*reversed(range(len(shape)))).view()
    fast = _narrow(t, (dim, start, length))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(viewops, "fast_narrow_layout", None)
        want = _narrow(t, (dim, start, length))
    assert fast == want


def test_indexing_results_match_numpy_with_and_without_the_c_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = np.arange(4 * 5 * 6).reshape(4, 5, 6)
    t = ct.tensor(a)
    for idx in [(1, slice(None, None, -2)), (slice(-3, None), 4, slice(1, 5, 2)), 2, (-1,)]:
        got = t[idx]
        with monkeypatch.context() as m:
            m.setattr(view_mod, "fast_basic_layout", None)
            slow = t[idx]
        assert got.tolist() == slow.tolist() == a[idx].tolist()
        assert (got.shape, got.strides, got._offset) == (slow.shape, slow.strides, slow._offset)


def _permute(t: Any, order: Any) -> object:
    try:
        v = t.permute(*order) if type(order) is tuple else t.permute(order)
    except CortenError as exc:
        return type(exc), str(exc)
    return v.shape, v.strides, v._offset


dims = st.integers(-6, 6) | st.integers(-6, 6).map(np.int64) | st.sampled_from([True, 0.0])


@settings(max_examples=300, deadline=None)
@given(
    shape=st.lists(st.integers(0, 5), max_size=5).map(tuple),
    data=st.data(),
)
def test_permute_agrees_with_the_python_path(shape: tuple[int, ...], data: st.DataObject) -> None:
    n = len(shape)
    valid = data.draw(st.permutations(range(n)).map(tuple))
    signed = tuple(d - n if data.draw(st.booleans()) else d for d in valid)
    order = data.draw(
        st.sampled_from([signed, list(signed)]) | st.lists(dims, max_size=n + 1).map(tuple)
    )
    t = ct.zeros(shape).view()
    fast = _permute(t, order)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(viewops, "fast_permute_layout", None)
        want = _permute(t, order)
    assert fast == want
    if type(order) is tuple and all(type(d) is int for d in order) and order == signed:
        assert fast_permute_layout is not None
        assert fast_permute_layout(t.shape, t.strides, order) is not None  # C took it


def test_the_pin_releases_once_when_the_last_derived_array_dies() -> None:
    from corten.core._speedups import Pin

    root = np.arange(24, dtype=np.int32)
    calls: list[int] = []
    pin = Pin(root, lambda: calls.append(1))
    a = np.ndarray((3, 4), np.int32, buffer=pin, offset=12, strides=(32, -4))
    del pin
    derived = [a[1:], a.T, a.reshape(3, 2, 2)[..., 0], np.asarray(a)]
    del a
    assert calls == []
    assert not any(d.flags.writeable for d in derived)
    derived.clear()
    assert calls == [1]


def test_the_pin_offers_read_only_memory_of_contiguous_arrays_only() -> None:
    from corten.core._speedups import Pin

    root = np.zeros(8, dtype=np.float64)
    a = np.ndarray((8,), np.float64, buffer=Pin(root, lambda: None))
    with pytest.raises(ValueError, match="WRITEABLE"):
        a.flags.writeable = True
    with pytest.raises(TypeError, match="read-only"):
        memoryview(Pin(root, lambda: None))[0:1] = b"x"  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="contiguous"):
        Pin(root[::2], lambda: None)
    with pytest.raises(TypeError):
        Pin(root, 3)


@settings(max_examples=150, deadline=None)
@given(
    shape=st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple),
    data=st.data(),
)
def test_exports_through_the_c_pin_equal_the_python_pin(
    shape: tuple[int, ...], data: st.DataObject
) -> None:
    a = np.arange(int(np.prod(shape)), dtype=np.int16).reshape(shape)
    t = ct.tensor(a)
    idx = tuple(
        data.draw(st.sampled_from([slice(None), slice(None, None, -1), slice(1, None, 2)]))
        for _ in shape
    )
    v = t[idx]
    fast = v.numpy()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(conversions_mod, "_FastPin", None)
        slow = v.numpy()
    assert fast.shape == slow.shape == a[idx].shape
    assert np.array_equal(fast, a[idx])
    assert np.array_equal(slow, a[idx])
    assert not fast.flags.writeable
    assert not slow.flags.writeable
    if fast.size:
        assert fast.__array_interface__["data"][0] == slow.__array_interface__["data"][0]
    holders = t._storage.buffer.holders
    del fast, slow
    assert t._storage.buffer.holders == holders - 2
