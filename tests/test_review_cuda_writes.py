"""Writes, reductions and advanced indexing on ``cuda`` (the emulated driver) and ``sim``,
checked against NumPy on random shapes, layouts, indices and values.

The emulated driver (``tests/cuda_emu_driver.py``) keeps "device" memory on the host and
runs the generated kernels on the CPU; nothing here runs on a GPU.
"""

from __future__ import annotations

import gc
import operator
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corten as ct

cuda_emu_driver = pytest.importorskip("cuda_emu_driver")
pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")

DTYPES = [np.dtype(d) for d in ("bool", "uint8", "int16", "int64", "float16", "float64")]


@pytest.fixture(scope="module", autouse=True)
def _emulated() -> Iterator[None]:
    with cuda_emu_driver.installed():
        yield
        ct.cuda(0).synchronize()


def _devices() -> list[ct.Device]:
    return [ct.sim(0), ct.cuda(0)]


def _values(draw: Any, dtype: np.dtype[Any], shape: tuple[int, ...]) -> Any:
    n = int(np.prod(shape))
    if dtype.kind == "b":
        vals = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        vals = draw(st.lists(st.integers(int(info.min), int(info.max)), min_size=n, max_size=n))
    else:
        vals = draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n))
    return np.array(vals, dtype=dtype).reshape(shape)


@st.composite
def _arrays(draw: Any, min_dims: int = 1) -> Any:
    dtype = draw(st.sampled_from(DTYPES))
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=min_dims, max_size=3)))
    return _values(draw, dtype, shape)


def _on(a: Any, device: ct.Device) -> Any:
    return ct.tensor(np.ascontiguousarray(a)).to(device)


def _strided_target(draw: Any, a: Any) -> tuple[Any, Any]:
    """A random basic index into ``a`` (slices with steps, ints, possibly reversed)."""
    idx = []
    for n in a.shape:
        kind = draw(st.sampled_from(["all", "slice", "int"]))
        if kind == "int" and n:
            idx.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            start = draw(st.none() | st.integers(-n - 1, n + 1))
            stop = draw(st.none() | st.integers(-n - 1, n + 1))
            step = draw(st.sampled_from([None, 1, 2, -1, -2]))
            idx.append(slice(start, stop, step))
        else:
            idx.append(slice(None))
    return tuple(idx), a[tuple(idx)]


@settings(max_examples=40)
@given(data=st.data(), a=_arrays())
def test_basic_setitem_matches_numpy(data: Any, a: Any) -> None:
    idx, view = _strided_target(data.draw, a)
    scalar_value = data.draw(st.booleans())
    if scalar_value:
        v: Any = _values(data.draw, a.dtype, ())[()]
    else:
        vshape = view.shape[data.draw(st.integers(0, view.ndim)) :]
        vshape = tuple(1 if data.draw(st.booleans()) else d for d in vshape)
        v = _values(data.draw, a.dtype, vshape)
    expect = a.copy()
    expect[idx] = v
    for device in _devices():
        t = _on(a, device)
        c = t.clone()
        t[idx] = v if scalar_value else _on(v, device)
        np.testing.assert_array_equal(t.to_cpu().numpy(), expect, err_msg=str(device))
        np.testing.assert_array_equal(c.to_cpu().numpy(), a, err_msg="clone changed")


@settings(max_examples=40)
@given(data=st.data(), a=_arrays())
def test_advanced_setitem_matches_numpy(data: Any, a: Any) -> None:
    n = a.shape[0]
    use_mask = data.draw(st.booleans())
    if use_mask:
        ind: Any = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool)
        ind = ind.reshape((n,))
    else:
        # distinct indices (duplicates have no defined winner on a GPU), negative ones too
        picks = data.draw(st.lists(st.integers(0, max(n - 1, 0)), unique=True, max_size=n))
        ind = np.array([p - n if data.draw(st.booleans()) else p for p in picks], np.int64)
        if not n:
            ind = np.zeros(0, np.int64)
    rest = tuple(slice(None) for _ in a.shape[1:])
    target = a[(ind, *rest)]
    as_tensor = data.draw(st.booleans())
    v = _values(data.draw, a.dtype, target.shape[1:] if as_tensor else ())
    expect = a.copy()
    expect[(ind, *rest)] = v
    for device in _devices():
        t = _on(a, device)
        frozen = t[...]
        t[(_on(ind, device), *rest)] = _on(v, device) if as_tensor else v[()]
        np.testing.assert_array_equal(t.to_cpu().numpy(), expect, err_msg=str(device))
        np.testing.assert_array_equal(frozen.to_cpu().numpy(), a, err_msg="frozen view changed")


@settings(max_examples=40)
@given(data=st.data(), a=_arrays())
def test_advanced_getitem_matches_numpy(data: Any, a: Any) -> None:
    n = a.shape[0]
    if data.draw(st.booleans()):
        ind: Any = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool)
    else:
        ind = np.array(
            data.draw(st.lists(st.integers(-n, n - 1), max_size=5)) if n else [], np.int64
        )
    for device in _devices():
        got = _on(a, device)[_on(ind, device)]
        np.testing.assert_array_equal(got.to_cpu().numpy(), a[ind], err_msg=str(device))


_INPLACE: list[tuple[str, Callable[[Any, Any], Any], np.ufunc]] = [
    ("add", operator.iadd, np.add),
    ("sub", operator.isub, np.subtract),
    ("mul", operator.imul, np.multiply),
    ("max", operator.ior, np.bitwise_or),
    ("xor", operator.ixor, np.bitwise_xor),
]


@settings(max_examples=40)
@given(data=st.data(), a=_arrays())
def test_inplace_on_a_strided_view_matches_numpy(data: Any, a: Any) -> None:
    name, op, ufunc = data.draw(st.sampled_from(_INPLACE))
    if a.dtype.kind == "b" and name in ("sub",):
        return
    if a.dtype.kind == "f" and name in ("max", "xor"):
        return
    idx, view = _strided_target(data.draw, a)
    idx = tuple(slice(i, i + 1) if isinstance(i, int) else i for i in idx)
    view = a[idx]
    v = _values(data.draw, a.dtype, view.shape[data.draw(st.integers(0, view.ndim)) :])
    expect = a.copy()
    with np.errstate(all="ignore"):
        ufunc(expect[idx], v, out=expect[idx])
    for device in _devices():
        t = _on(a, device)
        c = t.clone()
        m = t.slice_mut(*idx)
        op(m, _on(v, device))
        np.testing.assert_array_equal(t.to_cpu().numpy(), expect, err_msg=str(device))
        np.testing.assert_array_equal(c.to_cpu().numpy(), a, err_msg="clone changed")


@settings(max_examples=30)
@given(n=st.integers(1, 9), shift=st.integers(-4, 4))
def test_overlapping_writes_through_mutable_views_behave_as_if_copied(n: int, shift: int) -> None:
    shift = max(-(n - 1), min(shift, n - 1))
    a = np.arange(n, dtype=np.int64) * 3 + 1
    lo, hi = max(shift, 0), n + min(shift, 0)
    src_sl, dst_sl = slice(lo - shift, hi - shift), slice(lo, hi)
    expect = a.copy()
    expect[dst_sl] = a[src_sl]
    expect_add = a.copy()
    expect_add[dst_sl] += a[src_sl]
    for device in [ct.cpu, *_devices()]:
        for how in ("copy_", "setitem", "iadd"):
            t = _on(a, device)
            dst, src = t.slice_mut(dst_sl), t.slice_mut(src_sl)
            if how == "copy_":
                dst.copy_(src)
            elif how == "setitem":
                dst[...] = src
            else:
                dst += src
            want = expect_add if how == "iadd" else expect
            np.testing.assert_array_equal(t.to_cpu().numpy(), want, err_msg=f"{device} {how}")


REDUCTIONS = ["sum", "prod", "min", "max", "argmin", "argmax", "all", "any", "mean"]


@settings(max_examples=60)
@given(data=st.data(), a=_arrays())
def test_reductions_with_axis_and_keepdims_match_numpy(data: Any, a: Any) -> None:
    name = data.draw(st.sampled_from(REDUCTIONS))
    keepdims = data.draw(st.booleans())
    if name == "mean" and a.dtype.kind != "f":
        a = a.astype(np.float64)
    if name in ("argmin", "argmax"):
        axis: Any = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1))
    else:
        axis = data.draw(
            st.none()
            | st.integers(-a.ndim, a.ndim - 1)
            | st.lists(st.integers(0, a.ndim - 1), unique=True).map(
                lambda xs: tuple(x - a.ndim if x % 2 else x for x in xs)
            )
        )
    if name == "mean":
        reduced = range(a.ndim) if axis is None else np.atleast_1d(axis)
        if any(a.shape[i] == 0 for i in reduced):
            return  # NumPy warns (an error under this suite's filterwarnings)
    if name in ("min", "max", "argmin", "argmax"):
        reduced = range(a.ndim) if axis is None else np.atleast_1d(axis)
        if any(a.shape[i] == 0 for i in reduced):
            return
    if name in ("prod",) and a.dtype.kind == "f":
        a = np.sign(a)  # keep float16 products finite (NumPy warns on overflow)
    with np.errstate(all="ignore"):
        expect = np.asarray(getattr(np, name)(a, axis=axis, keepdims=keepdims))
    for device in _devices():
        got = getattr(_on(a, device), name)(axis=axis, keepdims=keepdims).to_cpu().numpy()
        assert got.shape == expect.shape, (device, name, axis, keepdims)
        assert got.dtype == expect.dtype, (device, name)
        if expect.dtype.kind == "f":
            np.testing.assert_allclose(
                got.astype(np.float64), expect.astype(np.float64), rtol=2e-3, atol=1e-3
            )
        else:
            np.testing.assert_array_equal(got, expect, err_msg=f"{device} {name} {axis}")


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("device", [ct.sim(0), ct.cuda(0)], ids=str)
def test_failed_writes_change_nothing(device: ct.Device) -> None:
    a = np.arange(6, dtype=np.int64)
    t = _on(a, device)
    c = t.clone()
    before = ct.cow_stats()["copies"]
    with pytest.raises(ct.ShapeError):
        t[0:3] = _on(np.arange(4), device)
    with pytest.raises(ct.DTypeError):
        t[0:3] = _on(np.arange(3, dtype=np.int32), device)
    with pytest.raises(ct.DeviceMismatchError):
        t[0:3] = np.arange(3)
    with pytest.raises(ct.DeviceMismatchError, match=f"cpu.*{device}|{device}.*cpu"):
        t[ct.tensor(np.array([0]))] = 1
    with pytest.raises(ct.TensorIndexError):
        t[_on(np.array([7]), device)] = 1
    with pytest.raises(ct.TensorIndexError):
        t[10] = 1
    with pytest.raises(ct.DeviceMismatchError):
        t += ct.tensor(a)
    with pytest.raises(ct.DTypeError):
        t += 1.5
    with pytest.raises(ct.DTypeError):
        t **= _on(np.array([-1]), device)
    with pytest.raises(ct.DeviceMismatchError):
        t.copy_(ct.tensor(a))
    with pytest.raises(ct.ShapeError):
        t.copy_(_on(np.arange(4), device))
    assert ct.cow_stats()["copies"] == before, "a refused write copied the shared buffer"
    np.testing.assert_array_equal(t.to_cpu().numpy(), a)
    np.testing.assert_array_equal(c.to_cpu().numpy(), a)


@pytest.mark.parametrize(
    ("a_dev", "b_dev"),
    [(ct.cuda(0), ct.sim(0)), (ct.sim(0), ct.cuda(0)), (ct.cuda(0), ct.cuda(1))],
    ids=str,
)
def test_mismatch_errors_name_both_devices(a_dev: ct.Device, b_dev: ct.Device) -> None:
    a = _on(np.arange(3.0), a_dev)
    b = _on(np.arange(3.0), b_dev)
    for fn in (
        lambda: a + b,
        lambda: a.allclose(b),
        lambda: a.array_equal(b),
        lambda: a.clone().copy_(b),
        lambda: a.clone().__iadd__(b),
    ):
        with pytest.raises(ct.DeviceMismatchError) as info:
            fn()
        assert str(a_dev) in str(info.value)
        assert str(b_dev) in str(info.value)


def test_broadcast_errors_on_cuda_are_shape_errors() -> None:
    a = _on(np.zeros((2, 3)), ct.cuda(0))
    b = _on(np.zeros((4,)), ct.cuda(0))
    with pytest.raises(ct.ShapeError):
        _ = a + b
    with pytest.raises(ct.ShapeError):
        a.clone().copy_(b)
    with pytest.raises(ct.ShapeError):
        a.clone().__iadd__(_on(np.zeros((3, 3)), ct.cuda(0)))


def test_fill_of_a_strided_view_on_cuda_leaves_the_rest_alone() -> None:
    for dt in ("float16", "uint64", "int8", "bool"):
        a = np.zeros((3, 5), dt)
        t = _on(a, ct.cuda(0))
        value = {"float16": 1.5, "uint64": 2**64 - 1, "int8": -128, "bool": True}[dt]
        t.slice_mut(slice(None, None, 2), slice(1, None, 3)).fill_(value)
        a[::2, 1::3] = value
        np.testing.assert_array_equal(t.to_cpu().numpy(), a)


def test_allocator_back_to_baseline_after_writes() -> None:
    dev = ct.cuda(0)
    gc.collect()
    dev.synchronize()
    base = ct.memory_stats(dev)
    t = _on(np.arange(24.0).reshape(4, 6), dev)
    t.slice_mut(slice(None), slice(None, None, 2)).fill_(3.0)  # scalar through a copy
    t[_on(np.array([0, 2]), dev)] = _on(np.ones(6), dev)
    t += t.clone()
    assert t.sum(axis=(0, 1)).to_cpu().item() == pytest.approx(float(t.to_cpu().numpy().sum()))
    del t
    gc.collect()
    stats = ct.memory_stats(dev)
    assert stats["allocated"] == base["allocated"]
    assert stats["count"] == base["count"]
