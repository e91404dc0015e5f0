"""The ``meta`` device: every shape-level operation gives the CPU's shape, dtype and layout,
allocates nothing, and any access to data raises DeviceMismatchError."""

from __future__ import annotations

import gc
import operator
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import ALL_DTYPES, dtype_params
from hypothesis import given, note
from hypothesis import strategies as st
from test_device_contract import synchronize_all
from test_device_ops import BINARY, INPLACE, REDUCTIONS, UNARY

import corten as ct

ZERO = {"allocated": 0, "peak": 0, "reserved": 0, "count": 0}


@pytest.fixture(autouse=True)
def _nothing_allocated() -> Iterator[None]:
    """Every test leaves the meta allocator untouched."""
    synchronize_all()
    assert ct.memory_stats(ct.meta) == ZERO
    yield
    assert ct.memory_stats(ct.meta) == ZERO


def outcome(fn: Callable[[Any], Any], t: Any) -> Any:
    """``fn(t)`` as (error class, None) or (None, layout of every tensor in the result).

    NumPy's warnings are off: the CPU warns about some values (the mean of an empty
    tensor), which meta tensors do not have.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            r = fn(t)
        except Exception as exc:
            return (type(exc), None)
    return (None, layout(r))


def layout(r: Any) -> Any:
    if isinstance(r, ct.TensorView):
        return (type(r).__name__, r.shape, r.strides, r.offset, r.dtype, r.is_contiguous)
    if isinstance(r, (list, tuple)):
        return [layout(x) for x in r]
    return r


def assert_meta_like_cpu(fn: Callable[[Any], Any], t: Any) -> None:
    """``fn`` on the meta copy of ``t`` gives the layouts (or the error) ``fn`` gives on ``t``."""
    m = t.to(ct.meta)
    with np.errstate(all="ignore"):
        want = outcome(fn, t)
        got = outcome(fn, m)
    assert got == want, (got, want)
    if want[0] is None:
        for x in _tensors(fn(m)):
            assert x.device == ct.meta


def _tensors(r: Any) -> list[Any]:
    if isinstance(r, ct.TensorView):
        return [r]
    if isinstance(r, (list, tuple)):
        return [x for item in r for x in _tensors(item)]
    return []


# ----------------------------------------------------------------------------- creation


@dtype_params(ALL_DTYPES)
def test_factories_make_every_dtype_on_meta(dtype: ct.DType) -> None:
    shape = (2, 3, 4)
    for make in (
        lambda: ct.zeros(shape, dtype=dtype, device=ct.meta),
        lambda: ct.ones(shape, dtype=dtype, device=ct.meta),
        lambda: ct.empty(shape, dtype=dtype, device=ct.meta),
        lambda: ct.full(shape, True if dtype.is_bool else 1, dtype=dtype, device=ct.meta),
        lambda: ct.tensor(np.zeros(shape, dtype=dtype.numpy), device=ct.meta),
        lambda: ct.zeros_like(ct.zeros(shape, dtype=dtype), device=ct.meta),
    ):
        t = make()
        assert (t.device, t.shape, t.dtype, t.strides, t.offset) == (
            ct.meta,
            shape,
            dtype,
            (12, 4, 1),
            0,
        )
    e = ct.eye(3, 5, dtype=dtype, device=ct.meta)
    assert (e.device, e.shape, e.dtype) == (ct.meta, (3, 5), dtype)
    if not dtype.is_bool:
        r = ct.arange(2, 9, 3, dtype=dtype, device=ct.meta)
        assert (r.device, r.shape, r.dtype) == (ct.meta, (3,), dtype)
    assert ct.empty_like(ct.empty(shape, dtype=dtype, device=ct.meta)).device == ct.meta


def test_huge_meta_tensors_cost_nothing() -> None:
    x = ct.empty((1 << 20, 1 << 20, 64), dtype=ct.float64, device=ct.meta)
    assert x.numel == 1 << 46
    y = (x.permute(2, 0, 1) * 2.0).sum(axis=0, keepdims=True).T.contiguous()
    assert (y.shape, y.dtype, y.device) == ((1 << 20, 1 << 20, 1), ct.float64, ct.meta)
    assert x.clone().astype(ct.uint8).reshape(-1).shape == (1 << 46,)


# ----------------------------------------------------------------------------- shape-level ops

SHAPE_OPS: dict[str, Callable[[Any], Any]] = {
    # views
    "view": lambda t: t.view(),
    "view_mut": lambda t: t.view_mut(),
    "slice": lambda t: t.slice(1, slice(None, None, -2)),
    "narrow": lambda t: t.narrow(2, 1, 3),
    "select": lambda t: t.select(-1, 2),
    "permute": lambda t: t.permute(2, 0, 1),
    "transpose": lambda t: t.transpose(0, 2),
    "T": lambda t: t.T,
    "mT": lambda t: t.mT,
    "reshape_view": lambda t: t.reshape(6, -1),
    "reshape_copy": lambda t: t.T.reshape(-1, 2),
    "view_as": lambda t: t.view_as(4, 6),
    "view_as_refused": lambda t: t.T.view_as(-1),
    "flatten": lambda t: t.flatten(),
    "flatten_copy": lambda t: t.T.flatten(),
    "squeeze": lambda t: t[:, None, :1].squeeze(),
    "squeeze_dim": lambda t: t[:, :1].squeeze(1),
    "unsqueeze": lambda t: t.unsqueeze(-1),
    "expand": lambda t: t[:, :1].expand(2, 5, 4),
    "expand_bad": lambda t: t.expand(3, 3, 4),
    "broadcast_to": lambda t: t.broadcast_to((7, 2, 3, 4)),
    "flip": lambda t: t.flip(),
    "flip_dims": lambda t: t.flip((0, 2)),
    "split": lambda t: t.split(3, dim=2),
    "split_sections": lambda t: t.split([1, 2], dim=1),
    "chunk": lambda t: t.chunk(3, dim=2),
    "unbind": lambda t: t.unbind(1),
    "diagonal": lambda t: t.diagonal(1, 1, 2),
    "as_strided": lambda t: t.as_strided((3, 2), (2, 5), 1),
    "as_strided_out": lambda t: t.as_strided((30,), (1,)),
    "getitem": lambda t: t[1, ::2, None, ...],
    "getitem_neg": lambda t: t[::-1, -1],
    "getitem_bad": lambda t: t[5],
    "view_mut_index": lambda t: t.view_mut()[0, 1:],
    "permute_bad": lambda t: t.permute(0, 0, 1),
    # copies
    "clone": lambda t: t.clone(),
    "clone_expanded": lambda t: t[:, :1].expand(2, 5, 4).clone(),
    "contiguous": lambda t: t.contiguous(),
    "contiguous_strided": lambda t: t.permute(1, 2, 0)[::2].contiguous(),
    "reshape_copy_": lambda t: t.reshape_copy((4, 6)),
    "to_meta": lambda t: t.to(ct.meta),
    "copy": lambda t: __import__("copy").deepcopy(t),
    # arithmetic with tensors of the same device, broadcasting
    "add_broadcast": lambda t: t + t[0],
    "mul_scalar": lambda t: t * 2,
    "radd_scalar": lambda t: 3 + t,
    "bad_broadcast": lambda t: t + t[:, :2],
    "bad_dtype": lambda t: t + t.astype(ct.float64 if t.dtype is not ct.float64 else ct.int8),
    "bad_scalar": lambda t: t + 1e300,
    "neg_pow_scalar": lambda t: t**-1,
}


def _source(dtype: ct.DType) -> Any:
    return ct.zeros((2, 3, 4), dtype=dtype)


@pytest.mark.parametrize("op", SHAPE_OPS)
def test_shape_level_operations_match_the_cpu(op: str) -> None:
    for dtype in ALL_DTYPES:
        assert_meta_like_cpu(SHAPE_OPS[op], _source(dtype))


def _binary_cases(fn: Callable[[Any, Any], Any], one: Any) -> list[Callable[[Any], Any]]:
    return [
        lambda x: fn(x, x.T),  # broadcast (2, 1, 4) with (4, 1, 2)
        lambda x: fn(x, x[0, 0, 0]),  # with rank 0
        lambda x: fn(x, one),
        lambda x: fn(one, x),
        lambda x: fn(x, 2.5),
    ]


@pytest.mark.parametrize("op", sorted({**BINARY, **UNARY}))
def test_elementwise_results_have_the_cpu_shape_and_dtype(op: str) -> None:
    for dtype in ALL_DTYPES:
        t = ct.ones((2, 1, 4), dtype=dtype)
        if op in BINARY:
            for case in _binary_cases(BINARY[op], True if dtype.is_bool else 1):
                assert_meta_like_cpu(case, t)
        else:
            assert_meta_like_cpu(UNARY[op], t)


@pytest.mark.parametrize("op", INPLACE)
def test_inplace_operators_on_meta_raise(op: str) -> None:
    dtype = ct.int32 if op in ("&=", "|=", "^=") else ct.float32
    m = ct.ones((2, 3), dtype=dtype, device=ct.meta)
    with pytest.raises(ct.DeviceMismatchError, match="meta"):
        INPLACE[op](m, 1)
    with pytest.raises(ct.DeviceMismatchError, match="meta"):
        INPLACE[op](m.view_mut(), m)


AXES: list[Any] = [None, 0, -1, (0, 2), (-1, 0), (), (1, 1), 3, (0, 1, 2)]


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_have_the_cpu_shape_and_dtype(name: str) -> None:
    for dtype in ALL_DTYPES:
        for shape in [(2, 3, 4), (2, 0, 4)]:
            t = ct.ones(shape, dtype=dtype)
            for axis in AXES:
                for keepdims in (False, True):
                    assert_meta_like_cpu(
                        lambda x, axis=axis, keepdims=keepdims: getattr(x, name)(
                            axis=axis, keepdims=keepdims
                        ),
                        t,
                    )
        assert_meta_like_cpu(lambda x: getattr(x, name)(), ct.ones((), dtype=dtype))


@dtype_params(ALL_DTYPES)
def test_astype_to_every_dtype(dtype: ct.DType) -> None:
    for target in ALL_DTYPES:
        assert_meta_like_cpu(lambda x, target=target: x.astype(target), _source(dtype))
        assert_meta_like_cpu(lambda x, target=target: x.T[1:].astype(target), _source(dtype))


@pytest.mark.parametrize("device", [ct.cpu, ct.sim(0), ct.sim(1)], ids=str)
def test_to_meta_from_a_device_keeps_the_layout_and_moves_no_data(device: ct.Device) -> None:
    src = ct.arange(24, dtype=ct.int16, device=device).reshape(2, 3, 4).permute(1, 0, 2)
    gc.collect()
    before = ct.memory_stats(device)
    m = src.to(ct.meta, non_blocking=True)
    assert (m.device, m.shape, m.dtype, m.is_contiguous) == (ct.meta, (3, 2, 4), ct.int16, True)
    after = ct.memory_stats(device)
    assert (after["allocated"], after["count"]) == (before["allocated"], before["count"])
    assert m.to(ct.meta).shape == m.shape


# ----------------------------------------------------------------------------- data access

DATA_ACCESS: dict[str, Callable[[Any], Any]] = {
    "tolist": lambda t: t.tolist(),
    "numpy": lambda t: t.numpy(),
    "numpy_writable": lambda t: t.numpy(writable=True),
    "asarray": np.asarray,
    "item": lambda t: t[0, 0, 0].item(),
    "float": lambda t: float(t[0, 0, 0]),
    "bool": lambda t: bool(t[0, 0, 0]),
    "index": lambda t: [0, 1][t[0, 0, 0]],
    "iter": lambda t: list(t.iter()),
    "to_cpu": lambda t: t.to_cpu(),
    "to_sim": lambda t: t.to(ct.sim),
    "to_sim_non_blocking": lambda t: t.to(ct.sim(1), non_blocking=True),
    "fill_": lambda t: t.fill_(1),
    "setitem": lambda t: t.__setitem__(0, 1),
    "setitem_view_mut": lambda t: t.view_mut()[1].__setitem__(0, 1),
    "iadd": lambda t: operator.iadd(t, 1),
    "copy_": lambda t: t.copy_(t),
    "index_list": lambda t: t[[0, 1]],
    "index_tensor": lambda t: t[ct.tensor([0], device=ct.meta)],
    "index_mask": lambda t: t[t > 0],
    "allclose": lambda t: t.allclose(t),
    "array_equal": lambda t: t.array_equal(t),
    "pin_memory": lambda t: t.pin_memory(ct.sim),
}


@pytest.mark.parametrize("access", DATA_ACCESS)
def test_any_data_access_on_meta_raises(access: str) -> None:
    t = ct.zeros((2, 3, 4), dtype=ct.int32, device=ct.meta)
    with pytest.raises(ct.DeviceMismatchError, match="meta"):
        DATA_ACCESS[access](t)
    assert (t.shape, t.dtype, t.device) == ((2, 3, 4), ct.int32, ct.meta)


def test_a_meta_index_tensor_cannot_index_data() -> None:
    t = ct.arange(4)
    with pytest.raises(ct.DeviceMismatchError, match="meta"):
        t[ct.tensor([0], device=ct.meta)]
    with pytest.raises(ct.DeviceMismatchError, match="meta"):
        t[ct.tensor([0], device=ct.meta)] = 1
    assert t.tolist() == [0, 1, 2, 3]


def test_mixing_meta_with_other_devices_raises_naming_both() -> None:
    m = ct.zeros(3, device=ct.meta)
    for other in (ct.zeros(3), ct.zeros(3, device=ct.sim)):
        for fn in (operator.add, operator.lt, lambda a, b: b * a):
            with pytest.raises(ct.DeviceMismatchError) as info:
                fn(m, other)
            assert "meta" in str(info.value)
            assert str(other.device) in str(info.value)


def test_repr_of_meta_tensors_shows_no_data() -> None:
    t = ct.zeros((2, 3), dtype=ct.uint8, device=ct.meta)
    assert repr(t) == "tensor(..., shape=(2, 3), dtype=uint8, device='meta')"
    assert str(t[0]) == "tensor(..., shape=(3,), dtype=uint8, device='meta')"


# ----------------------------------------------------------------------------- hypothesis


@given(data=st.data())
def test_random_view_chains_match_the_cpu(data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    t: Any = ct.zeros(shape, dtype=dtype)
    m: Any = t.to(ct.meta)
    for _ in range(data.draw(st.integers(1, 5), label="steps")):
        kind = data.draw(
            st.sampled_from(["index", "permute", "reshape", "reduce", "binary", "astype"])
        )
        if kind == "index":
            idx = data.draw(hnp.basic_indices(t.shape, allow_newaxis=True), label="index")
            fn: Callable[[Any], Any] = lambda x, idx=idx: x[idx]  # noqa: E731
        elif kind == "permute":
            order = data.draw(st.permutations(range(t.ndim)), label="order")
            fn = lambda x, order=order: x.permute(*order) if order else x.view()  # noqa: E731
        elif kind == "reshape":
            fn = lambda x: x.reshape(-1)  # noqa: E731
        elif kind == "reduce":
            name = data.draw(st.sampled_from(REDUCTIONS), label="reduction")
            ax = data.draw(st.one_of(st.none(), st.integers(-t.ndim, max(t.ndim - 1, 0))))
            fn = lambda x, name=name, ax=ax: getattr(x, name)(axis=ax)  # noqa: E731
        elif kind == "binary":
            op = data.draw(st.sampled_from(sorted(BINARY)), label="op")
            other = data.draw(hnp.broadcastable_shapes(t.shape, max_dims=4, max_side=5))
            fn = lambda x, op=op, other=other: BINARY[op](  # noqa: E731
                x, ct.zeros(other, dtype=x.dtype, device=x.device)
            )
        else:
            target = data.draw(st.sampled_from(ALL_DTYPES), label="to")
            fn = lambda x, target=target: x.astype(target)  # noqa: E731
        note(kind)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want, got = outcome(fn, t), outcome(fn, m)
            assert got == want
            if want[0] is None:
                t, m = fn(t), fn(m)
                assert m.device == ct.meta
