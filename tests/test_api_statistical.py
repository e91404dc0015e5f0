"""The statistical functions of the array API against NumPy, on cpu, sim and meta."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from api_ops_support import (
    DEVICES,
    assert_cuda_refuses,
    axes_for,
    check,
    device_params,
    float_tol,
    layouts_on,
    nonempty_small_shapes,
    numpy_quiet,
    on,
    small_shapes,
)
from conftest import FLOAT_DTYPES, NUMERIC_DTYPES, arrays
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.ops import statistical as xs


def _acc(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """The standard's accumulator dtype: int64 for bool and signed, uint64 for unsigned."""
    if dtype.kind in "bi":
        return np.dtype(np.int64)
    if dtype.kind == "u":
        return np.dtype(np.uint64)
    return dtype


# ----------------------------------------------------------------------------- properties


@pytest.mark.parametrize("name", ["sum", "prod"])
@given(data=st.data())
def test_sum_and_prod_match_numpy(name: str, data: Any) -> None:
    dtype = data.draw(st.sampled_from((ct.bool_, *NUMERIC_DTYPES)))
    a = data.draw(arrays(dtype, small_shapes))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(axes_for(a.ndim))
    keepdims = data.draw(st.booleans())
    got = getattr(xs, name)(data.draw(layouts_on(a, device)), axis=axis, keepdims=keepdims)
    with numpy_quiet():
        want = getattr(np, name)(a, axis=axis, dtype=_acc(a.dtype), keepdims=keepdims)
    if a.dtype.kind == "f":
        check(got, want, device, rtol=float_tol(a.dtype), atol=1e-3)
    else:
        check(got, want, device)


@pytest.mark.parametrize("name", ["mean", "std", "var"])
@given(data=st.data())
def test_mean_std_var_match_numpy(name: str, data: Any) -> None:
    dtype = data.draw(st.sampled_from(FLOAT_DTYPES))
    a = data.draw(arrays(dtype, small_shapes))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(axes_for(a.ndim))
    keepdims = data.draw(st.booleans())
    kwargs: dict[str, Any] = {"axis": axis, "keepdims": keepdims}
    np_kwargs = dict(kwargs)
    if name != "mean":
        kwargs["correction"] = np_kwargs["ddof"] = data.draw(st.sampled_from([0, 1, 0.5, 2.0]))
    got = getattr(xs, name)(data.draw(layouts_on(a, device)), **kwargs)
    with numpy_quiet():
        want = getattr(np, name)(a, **np_kwargs)
    atol = 0.5 if a.dtype == np.float16 else 1e-6
    check(got, want, device, rtol=10 * float_tol(a.dtype), atol=atol)


@pytest.mark.parametrize("name", ["min", "max"])
@given(data=st.data())
def test_min_and_max_match_numpy(name: str, data: Any) -> None:
    dtype = data.draw(st.sampled_from((ct.bool_, *NUMERIC_DTYPES)))
    a = data.draw(arrays(dtype, nonempty_small_shapes, small=False, finite=False))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(axes_for(a.ndim))
    keepdims = data.draw(st.booleans())
    got = getattr(xs, name)(data.draw(layouts_on(a, device)), axis=axis, keepdims=keepdims)
    check(got, getattr(np, name)(a, axis=axis, keepdims=keepdims), device)


@pytest.mark.parametrize("name", ["cumulative_sum", "cumulative_prod"])
@given(data=st.data())
def test_cumulative_functions_match_numpy(name: str, data: Any) -> None:
    dtype = data.draw(st.sampled_from((ct.bool_, *NUMERIC_DTYPES)))
    a = data.draw(arrays(dtype, small_shapes.filter(lambda s: len(s) >= 1)))
    device = data.draw(st.sampled_from(DEVICES))
    axis = data.draw(st.integers(-a.ndim, a.ndim - 1))
    if a.ndim == 1 and data.draw(st.booleans()):
        axis = None
    initial = data.draw(st.booleans())
    got = getattr(xs, name)(data.draw(layouts_on(a, device)), axis=axis, include_initial=initial)
    with numpy_quiet():
        want = getattr(np, name)(a, axis=axis, dtype=_acc(a.dtype), include_initial=initial)
    if a.dtype.kind == "f":
        check(got, want, device, rtol=float_tol(a.dtype), atol=1e-3)
    else:
        check(got, want, device)


# ----------------------------------------------------------------------------- dtypes


@device_params
@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (ct.bool_, ct.int64),
        (ct.int8, ct.int64),
        (ct.int32, ct.int64),
        (ct.uint8, ct.uint64),
        (ct.uint32, ct.uint64),
        (ct.float16, ct.float16),
        (ct.float32, ct.float32),
        (ct.float64, ct.float64),
    ],
    ids=str,
)
@pytest.mark.parametrize("name", ["sum", "prod", "cumulative_sum", "cumulative_prod"])
def test_integers_accumulate_in_the_widest_integer_of_their_sign(
    name: str, dtype: ct.DType, expected: ct.DType, device: ct.Device
) -> None:
    x = ct.ones((3,), dtype=dtype, device=device)
    assert getattr(xs, name)(x).dtype is expected


@device_params
def test_an_explicit_dtype_computes_in_it(device: ct.Device) -> None:
    x = on(np.array([100, 100, 100], dtype=np.int8), device)
    check(xs.sum(x, dtype=ct.int8), np.int8(44), device)  # wraps like NumPy
    check(xs.sum(x, dtype=ct.float32), np.float32(300), device)
    check(xs.cumulative_sum(x, dtype=ct.int16), np.array([100, 200, 300], np.int16), device)


@pytest.mark.parametrize("name", ["sum", "prod", "cumulative_sum", "cumulative_prod"])
def test_a_dtype_of_a_narrower_kind_is_refused(name: str) -> None:
    x = ct.tensor([1.5, 2.5])
    with pytest.raises(ct.DTypeError, match=r"float32 tensor in int64"):
        getattr(xs, name)(x, dtype=ct.int64)
    with pytest.raises(ct.DTypeError, match="not a dtype"):
        getattr(xs, name)(x, dtype="complex-ish")


@pytest.mark.parametrize("name", ["mean", "std", "var"])
@pytest.mark.parametrize("dtype", [ct.int32, ct.uint8, ct.bool_], ids=str)
def test_mean_std_var_need_floating_tensors(name: str, dtype: ct.DType) -> None:
    with pytest.raises(ct.DTypeError, match=r"astype\(x, ct.float32\)"):
        getattr(xs, name)(ct.zeros((2,), dtype=dtype))


# ----------------------------------------------------------------------------- special cases


@device_params
def test_reductions_of_nothing_follow_the_standard(device: ct.Device) -> None:
    empty = ct.zeros((0, 3), dtype=ct.float32, device=device)
    check(xs.sum(empty), np.float32(0), device)
    check(xs.prod(empty), np.float32(1), device)
    check(xs.mean(empty), np.float32("nan"), device)
    check(xs.mean(empty, axis=0), np.full(3, np.nan, np.float32), device)
    check(xs.sum(empty, axis=1), np.zeros(0, np.float32), device)
    check(xs.var(ct.ones((2,), device=device), correction=2), np.float32("nan"), device)
    check(xs.std(ct.ones((1,), device=device), correction=1.5), np.float32("nan"), device)


@device_params
@pytest.mark.parametrize("name", ["min", "max"])
def test_min_and_max_of_nothing_raise(name: str, device: ct.Device) -> None:
    x = ct.zeros((2, 0), device=device)
    with pytest.raises(ct.ShapeError, match="empty"):
        getattr(xs, name)(x)
    with pytest.raises(ct.ShapeError, match="empty"):
        getattr(xs, name)(x, axis=1)
    check(getattr(xs, name)(x, axis=0), np.zeros(0, np.float32), device)


@pytest.mark.parametrize("name", ["min", "max", "mean", "std", "var", "sum"])
def test_nan_propagates(name: str) -> None:
    x = ct.tensor([1.0, float("nan"), 3.0])
    assert np.isnan(getattr(xs, name)(x).item())


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "std", "var", "min", "max"])
def test_bad_axes_raise_axis_errors(name: str) -> None:
    x = ct.ones((2, 3))
    for axis in (2, -3, (0, 0), (0, -2), 1.0, True, "0"):
        with pytest.raises(ct.AxisError):
            getattr(xs, name)(x, axis=axis)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "std", "var", "min", "max"])
def test_arguments_follow_the_standard_signature(name: str) -> None:
    fn = getattr(xs, name)
    x = ct.ones((2, 3))
    with pytest.raises(TypeError):
        fn(x, 0)  # axis is keyword-only
    with pytest.raises(TypeError):
        fn(x=x)  # x is positional-only
    with pytest.raises(ct.DTypeError, match="corten tensor"):
        fn(np.ones(3))
    with pytest.raises(ct.DTypeError, match="keepdims"):
        fn(x, keepdims=1)


def test_correction_must_be_a_nonnegative_number() -> None:
    x = ct.ones((3,))
    with pytest.raises(ct.ShapeError, match="correction >= 0"):
        xs.var(x, correction=-1)
    with pytest.raises(ct.DTypeError, match="correction"):
        xs.std(x, correction="1")


def test_cumulative_functions_need_an_axis_above_rank_one() -> None:
    with pytest.raises(ct.ShapeError, match="needs an axis"):
        xs.cumulative_sum(ct.ones((2, 2)))
    with pytest.raises(ct.ShapeError, match="rank-0"):
        xs.cumulative_prod(ct.tensor(1.0))
    with pytest.raises(ct.AxisError):
        xs.cumulative_sum(ct.ones((2, 2)), axis=(0,))
    with pytest.raises(ct.AxisError):
        xs.cumulative_sum(ct.ones((2, 2)), axis=2)


@pytest.mark.parametrize(
    "name", ["sum", "prod", "mean", "std", "var", "min", "max", "cumulative_sum"]
)
def test_cuda_refuses_with_the_function_name(name: str) -> None:
    assert_cuda_refuses(name, getattr(xs, name), np.ones(3, np.float32))


def test_results_are_new_writable_owners() -> None:
    x = ct.tensor([[1.0, 2.0], [3.0, 4.0]])
    for r in (xs.sum(x, axis=0), xs.max(x), xs.cumulative_sum(x, axis=1), xs.mean(x[0])):
        assert type(r) is ct.Tensor
        r += 1.0
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_sim_results_stay_on_their_device() -> None:
    x = ct.tensor(np.arange(6.0).reshape(2, 3), device=ct.sim(1))
    r = xs.sum(x, axis=1)
    assert r.device == ct.sim(1)
    assert r.to_cpu().tolist() == [3.0, 12.0]
