"""The manipulation functions of the array API against NumPy, on cpu, sim and meta, and
the ownership of their results: zero-copy where the standard allows views, writable
without either side seeing the other's writes."""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from api_ops_support import (
    DATA_DEVICES,
    DEVICES,
    assert_cuda_refuses,
    check,
    data_device_params,
    device_params,
    host,
    layouts_on,
    on,
    small_shapes,
)
from conftest import ALL_DTYPES, arrays
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.core.errors import ArgumentError
from corten.ops import manipulation as xm


@st.composite
def array_and_device(draw: Any, shape: Any = small_shapes) -> tuple[np.ndarray[Any, Any], Any]:
    dtype = draw(st.sampled_from(ALL_DTYPES))
    a = draw(arrays(dtype, shape))
    device = draw(st.sampled_from(DEVICES))
    return a, draw(layouts_on(a, device))


def _device(t: Any) -> Any:
    return t.device


# ----------------------------------------------------------------------------- views vs NumPy


@given(data=st.data())
def test_view_functions_match_numpy(data: Any) -> None:
    a, x = data.draw(array_and_device())
    n = a.ndim
    dev = _device(x)
    axis = data.draw(st.integers(-n - 1, n))
    check(xm.expand_dims(x, axis=axis), np.expand_dims(a, axis), dev)
    flip_axes = data.draw(
        st.none() | st.lists(st.integers(0, max(n - 1, 0)), unique=True, max_size=n).map(tuple)
    )
    check(xm.flip(x, axis=flip_axes), np.flip(a, flip_axes), dev)
    perm = tuple(data.draw(st.permutations(range(n))))
    check(xm.permute_dims(x, perm), np.permute_dims(a, perm), dev)
    if n:
        src = data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1))
        dst = data.draw(st.permutations(range(n)))[: len(src)]
        check(xm.moveaxis(x, tuple(src), tuple(dst)), np.moveaxis(a, src, dst), dev)
        check(xm.moveaxis(x, src[0], -1), np.moveaxis(a, src[0], -1), dev)
        ax = data.draw(st.integers(-n, n - 1))
        got = xm.unstack(x, axis=ax)
        want = np.unstack(a, axis=ax)
        assert isinstance(got, tuple)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            check(g, w, dev)
    ones = tuple(i for i, s in enumerate(a.shape) if s == 1)
    if ones:
        check(xm.squeeze(x, axis=ones), np.squeeze(a, ones), dev)


@given(data=st.data())
def test_reshape_matches_numpy(data: Any) -> None:
    a, x = data.draw(array_and_device())
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6))
    shape = tuple(shape)
    if np.prod(shape) != a.size:
        shape = (a.size,)
    if a.size and data.draw(st.booleans()):
        i = data.draw(st.integers(0, max(len(shape) - 1, 0)))
        shape = tuple(-1 if j == i else s for j, s in enumerate(shape)) if shape else shape
    copy = data.draw(st.sampled_from([None, True]))
    got = xm.reshape(x, shape, copy=copy)
    check(got, np.reshape(a, shape), _device(x))


@given(data=st.data())
def test_broadcast_to_and_broadcast_arrays_match_numpy(data: Any) -> None:
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    device = data.draw(st.sampled_from(DEVICES))
    arrs = [data.draw(arrays(dtype, st.just(s))) for s in shapes.input_shapes]
    xs = [data.draw(layouts_on(a, device)) for a in arrs]
    got = xm.broadcast_arrays(*xs)
    assert isinstance(got, list)
    for g, w in zip(got, np.broadcast_arrays(*arrs), strict=True):
        check(g, w, device)
    check(
        xm.broadcast_to(xs[0], shapes.result_shape),
        np.broadcast_to(arrs[0], shapes.result_shape),
        device,
    )


# ----------------------------------------------------------------------------- copies vs NumPy


@given(data=st.data())
def test_concat_and_stack_match_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    device = data.draw(st.sampled_from(DEVICES))
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
    k = data.draw(st.integers(1, 3))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    arrs = []
    for _ in range(k):
        s = list(shape)
        s[axis] = data.draw(st.integers(0, 3))
        arrs.append(data.draw(arrays(dtype, st.just(tuple(s)))))
    xs = [data.draw(layouts_on(a, device)) for a in arrs]
    check(xm.concat(xs, axis=axis), np.concatenate(arrs, axis=axis), device)
    check(xm.concat(tuple(xs), axis=None), np.concatenate(arrs, axis=None), device)
    same = [data.draw(arrays(dtype, st.just(shape))) for _ in range(k)]
    st_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(
        xm.stack([data.draw(layouts_on(a, device)) for a in same], axis=st_axis),
        np.stack(same, axis=st_axis),
        device,
    )


@device_params
@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [
        (ct.int8, ct.uint8, ct.int16),
        (ct.float32, ct.float64, ct.float64),
        (ct.bool_, ct.bool_, ct.bool_),
    ],
    ids=str,
)
def test_concat_and_stack_promote_within_a_kind(
    d1: ct.DType, d2: ct.DType, expected: ct.DType, device: ct.Device
) -> None:
    a, b = ct.ones((2,), d1, device), ct.ones((2,), d2, device)
    assert xm.concat([a, b]).dtype is expected
    assert xm.stack((a, b)).dtype is expected


@given(data=st.data())
def test_repeat_roll_tile_match_numpy(data: Any) -> None:
    a, x = data.draw(array_and_device())
    dev = _device(x)
    n = a.ndim
    axis = None if n == 0 else data.draw(st.none() | st.integers(-n, n - 1))
    count = data.draw(st.integers(0, 3))
    check(xm.repeat(x, count, axis=axis), np.repeat(a, count, axis=axis), dev)
    if dev != ct.meta:
        length = a.size if axis is None else a.shape[axis]
        counts = np.array(
            data.draw(st.lists(st.integers(0, 2), min_size=length, max_size=length)), np.int64
        )
        check(xm.repeat(x, on(counts, dev), axis=axis), np.repeat(a, counts, axis=axis), dev)
    shift = data.draw(st.integers(-5, 5))
    check(xm.roll(x, shift, axis=axis), np.roll(a, shift, axis=axis), dev)
    if n:
        axes = tuple(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3)))
        shifts = tuple(
            data.draw(st.lists(st.integers(-4, 4), min_size=len(axes), max_size=len(axes)))
        )
        check(xm.roll(x, shifts, axis=axes), np.roll(a, shifts, axis=axes), dev)
        check(xm.roll(x, shift, axis=axes), np.roll(a, shift, axis=axes), dev)
    reps = tuple(data.draw(st.lists(st.integers(0, 2), max_size=4)))
    check(xm.tile(x, reps), np.tile(a, reps), dev)


# ----------------------------------------------------------------------------- ownership


VIEW_CALLS = {
    "reshape": lambda x: xm.reshape(x, (3, 2)),
    "permute_dims": lambda x: xm.permute_dims(x, (1, 0)),
    "expand_dims": lambda x: xm.expand_dims(x, axis=0),
    "squeeze": lambda x: xm.squeeze(xm.expand_dims(x, axis=1), axis=1),
    "flip": lambda x: xm.flip(x, axis=0),
    "moveaxis": lambda x: xm.moveaxis(x, 0, 1),
    "unstack": lambda x: xm.unstack(x)[1],
    "broadcast_to (no repeat)": lambda x: xm.broadcast_to(x, (2, 3)),
}


@pytest.mark.parametrize("name", VIEW_CALLS)
def test_view_results_are_zero_copy_writable_owners(name: str) -> None:
    x = ct.tensor(np.arange(6.0).reshape(2, 3))
    before = x.tolist()
    r = VIEW_CALLS[name](x)
    assert type(r) is ct.Tensor
    assert np.shares_memory(r.numpy(), x.numpy())  # no copy was made
    expected = host(r) + 1
    r += 1.0  # writing into the result (as scikit-learn and SciPy do) copies it first
    assert x.tolist() == before
    assert (host(r) == expected).all()
    x.fill_(-1.0)  # and a write to the input is not seen through the result
    assert (host(r) == expected).all()


@pytest.mark.parametrize("name", VIEW_CALLS)
def test_view_results_of_views_are_owners_too(name: str) -> None:
    base = ct.tensor(np.arange(12.0).reshape(2, 6))
    for x in (base[:, ::2], base.view_mut()[:, 1::2]):
        r = VIEW_CALLS[name](x)
        assert type(r) is ct.Tensor
        r += 1.0
    assert base.tolist() == np.arange(12.0).reshape(2, 6).tolist()


@data_device_params
def test_view_results_on_sim_allocate_nothing(device: ct.Device) -> None:
    x = ct.tensor(np.arange(6.0).reshape(2, 3), device=device)
    if device == ct.sim:
        allocated = ct.memory_stats(ct.sim)["allocated"]
    results = [call(x) for call in VIEW_CALLS.values()]
    if device == ct.sim:
        assert ct.memory_stats(ct.sim)["allocated"] == allocated
    assert all(r.device == device for r in results)


def test_broadcasts_that_repeat_elements_are_frozen_views() -> None:
    x = ct.tensor([1.0, 2.0, 3.0])
    r = xm.broadcast_to(x, (2, 3))
    assert type(r) is ct.TensorView
    with pytest.raises(ct.ReadOnlyError):
        r += 1.0
    a, b = xm.broadcast_arrays(ct.ones((2, 1)), x)
    assert type(a) is ct.TensorView
    assert type(b) is ct.TensorView
    assert np.shares_memory(b.numpy(), x.numpy())


def test_reshape_copy_keyword() -> None:
    x = ct.tensor(np.arange(6.0).reshape(2, 3))
    copied = xm.reshape(x, (3, 2), copy=True)
    assert not np.shares_memory(copied.numpy(), x.numpy())
    assert np.shares_memory(xm.reshape(x, (3, 2), copy=False).numpy(), x.numpy())
    with pytest.raises(ct.CopyError, match="needs a copy, and copy=False"):
        xm.reshape(x.T, (6,), copy=False)
    with pytest.raises(ValueError, match="copy=False"):  # the standard's exception type
        xm.reshape(x.T, (6,), copy=False)
    r = xm.reshape(x.T, (6,))
    assert r.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert xm.reshape(x, shape=(6,)).shape == (6,)  # shape by keyword, as scikit-learn passes it


@pytest.mark.parametrize("name", ["concat", "stack", "repeat", "roll", "tile"])
def test_copying_functions_give_new_owners(name: str) -> None:
    x = ct.tensor(np.arange(4.0))
    calls = {
        "concat": lambda: xm.concat([x]),
        "stack": lambda: xm.stack([x]),
        "repeat": lambda: xm.repeat(x, 1),
        "roll": lambda: xm.roll(x, 0),
        "tile": lambda: xm.tile(x, (1,)),
    }
    r = calls[name]()
    assert type(r) is ct.Tensor
    assert not np.shares_memory(r.numpy(), x.numpy())


# ----------------------------------------------------------------------------- errors


def test_shape_and_axis_errors() -> None:
    x = ct.ones((2, 3))
    with pytest.raises(ct.ShapeError, match="cannot broadcast"):
        xm.broadcast_to(x, (3, 3))
    with pytest.raises(ct.ShapeError, match="cannot broadcast"):
        xm.broadcast_to(x, (3,))
    with pytest.raises(ct.ShapeError, match="sizes >= 0"):
        xm.broadcast_to(x, (-1, 3))
    with pytest.raises(ct.ShapeError):
        xm.broadcast_arrays(x, ct.ones((2,)))
    with pytest.raises(ct.ShapeError, match=r"arrays\[1\] has shape \(3, 3\)"):
        xm.concat([x, ct.ones((3, 3))], axis=1)
    with pytest.raises(ct.ShapeError, match="empty sequence"):
        xm.concat([])
    with pytest.raises(ct.AxisError):
        xm.concat([ct.tensor(1.0)])
    with pytest.raises(ct.ShapeError, match="must be equal"):
        xm.stack([x, ct.ones((3, 2))])
    with pytest.raises(ct.AxisError):
        xm.stack([x], axis=3)
    with pytest.raises(ct.AxisError):
        xm.unstack(ct.tensor(1.0))
    with pytest.raises(IndexError):  # the standard's type for expand_dims
        xm.expand_dims(x, axis=3)
    with pytest.raises(ct.AxisError):
        xm.expand_dims(x, axis=-4)
    with pytest.raises(ValueError, match="size 3"):  # the standard's type for squeeze
        xm.squeeze(x, axis=1)
    with pytest.raises(ct.AxisError, match="repeated"):
        xm.squeeze(ct.ones((1, 2)), axis=(0, -2))
    with pytest.raises(ct.AxisError, match="exactly once"):
        xm.permute_dims(x, (0,))
    with pytest.raises(ct.AxisError, match="repeated"):
        xm.permute_dims(x, (0, 0))
    with pytest.raises(ct.AxisError):
        xm.moveaxis(x, (0, 1), (0,))
    with pytest.raises(ct.AxisError):
        xm.flip(x, axis=2)
    with pytest.raises(ct.ShapeError, match="at most one -1"):
        xm.reshape(x, (-1, -1))
    with pytest.raises(ct.ShapeError, match="6 elements"):
        xm.reshape(x, (4,))
    with pytest.raises(ct.ShapeError, match="tuple of ints"):
        xm.reshape(x, (2.0, 3))


def test_argument_errors() -> None:
    x = ct.ones((2, 3))
    with pytest.raises(ArgumentError, match="repeats >= 0"):
        xm.repeat(x, -1)
    with pytest.raises(ArgumentError, match="repeats >= 0"):
        xm.repeat(x, ct.tensor([1, -1, 0]), axis=1)
    with pytest.raises(ct.ShapeError, match="1 or 3 counts"):
        xm.repeat(x, ct.tensor([1, 1]), axis=1)
    with pytest.raises(ct.DTypeError, match="integer counts"):
        xm.repeat(x, ct.tensor([1.0]))
    with pytest.raises(ct.DTypeError):
        xm.repeat(x, 1.5)
    with pytest.raises(ct.DeviceMismatchError, match="meta"):
        xm.repeat(ct.ones((2,), device=ct.meta), ct.tensor([1, 1], device=ct.meta))
    with pytest.raises(ct.ShapeError, match="one shift per axis"):
        xm.roll(x, (1, 2), axis=0)
    with pytest.raises(ct.ShapeError, match="needs a tuple of axes"):
        xm.roll(x, (1, 2))
    with pytest.raises(ArgumentError, match="repetitions >= 0"):
        xm.tile(x, (1, -1))
    with pytest.raises(ct.ShapeError):
        xm.tile(x, 2)
    with pytest.raises(ct.DTypeError, match="tuple or list"):
        xm.concat(x)
    with pytest.raises(ct.DTypeError, match="corten tensor"):
        xm.stack([x, np.ones((2, 3))])
    with pytest.raises(ct.DeviceMismatchError, match="cpu and sim:0"):
        xm.concat([x, ct.ones((2, 3), device=ct.sim)])
    with pytest.raises(ct.DTypeError, match=r"ct\.astype"):
        xm.concat([x, ct.ones((2, 3), dtype=ct.int32)])


def test_a_failed_call_changes_nothing() -> None:
    x = ct.tensor([[1, 2], [3, 4]])
    with pytest.raises(ct.DTypeError):
        xm.concat([x, ct.tensor([[1.5, 2.5]])])
    assert x.tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("name", ["concat", "stack", "repeat", "roll", "tile"])
def test_cuda_refuses_the_copying_functions(name: str) -> None:
    calls = {
        "concat": lambda x: xm.concat([x, x]),
        "stack": lambda x: xm.stack([x]),
        "repeat": lambda x: xm.repeat(x, 2),
        "roll": lambda x: xm.roll(x, 1),
        "tile": lambda x: xm.tile(x, (2,)),
    }
    assert_cuda_refuses(name, calls[name], np.ones(3, np.float32))


def test_data_devices_constant_covers_sim() -> None:
    assert ct.sim in DATA_DEVICES
