"""The linear algebra functions of the array API's main namespace (matmul and ``@``,
matrix_transpose, tensordot, vecdot) against NumPy, on cpu, sim and meta."""

from __future__ import annotations

from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from api_ops_support import (
    DEVICES,
    assert_cuda_refuses,
    check,
    device_params,
    float_tol,
    host,
    layouts_on,
    on,
)
from conftest import INTEGER_DTYPES, arrays
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
import corten.ops  # registers ``@`` with the tensor types
from corten.ops import linalg as xl

DTYPES = (*INTEGER_DTYPES, ct.float32, ct.float64)


def _check_product(got: Any, want: np.ndarray[Any, Any], device: Any) -> None:
    if want.dtype.kind == "f":
        check(got, want, device, rtol=10 * float_tol(want.dtype), atol=1e-3)
    else:
        check(got, want, device)


@st.composite
def matmul_shapes(draw: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Operand shapes the standard accepts: vectors, matrices, broadcast batches."""
    m, k, n = (draw(st.integers(0, 3)) for _ in range(3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3))
    b1, b2 = batch.input_shapes
    left = (k,) if draw(st.booleans()) else (*b1, m, k)
    right = (k,) if draw(st.booleans()) else (*b2, k, n)
    return left, right


@given(data=st.data())
def test_matmul_and_the_operator_match_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(DTYPES))
    s1, s2 = data.draw(matmul_shapes())
    a = data.draw(arrays(dtype, st.just(s1)))
    b = data.draw(arrays(dtype, st.just(s2)))
    device = data.draw(st.sampled_from(DEVICES))
    x1, x2 = data.draw(layouts_on(a, device)), data.draw(layouts_on(b, device))
    with np.errstate(all="ignore"):
        want = np.matmul(a, b)
    _check_product(xl.matmul(x1, x2), want, device)
    _check_product(x1 @ x2, want, device)


@given(data=st.data())
def test_tensordot_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(DTYPES))
    shared = tuple(data.draw(st.lists(st.integers(0, 3), max_size=2)))
    s1 = (*data.draw(st.lists(st.integers(0, 3), max_size=2)), *shared)
    s2 = (*shared, *data.draw(st.lists(st.integers(0, 3), max_size=2)))
    a = data.draw(arrays(dtype, st.just(s1)))
    b = data.draw(arrays(dtype, st.just(s2)))
    device = data.draw(st.sampled_from(DEVICES))
    x1, x2 = data.draw(layouts_on(a, device)), data.draw(layouts_on(b, device))
    with np.errstate(all="ignore"):
        want = np.tensordot(a, b, axes=len(shared))
    _check_product(xl.tensordot(x1, x2, axes=len(shared)), want, device)
    # The same contraction named by (negative) axes, x2's axes in another order.
    k = len(shared)
    axes1 = [i - a.ndim for i in range(a.ndim - k, a.ndim)]
    axes2 = list(range(k))
    order = data.draw(st.permutations(range(k)))
    named = ([axes1[i] for i in order], [axes2[i] for i in order])
    with np.errstate(all="ignore"):
        want = np.tensordot(a, b, axes=named)
    _check_product(xl.tensordot(x1, x2, axes=named), want, device)


@given(data=st.data())
def test_vecdot_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(DTYPES))
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3))
    s1, s2 = (list(s) for s in shapes.input_shapes)
    size = data.draw(st.integers(0, 3))
    nd = len(shapes.result_shape)
    axis = data.draw(st.integers(-min(len(s1), len(s2)), -1))
    s1[axis] = s2[axis] = size
    a = data.draw(arrays(dtype, st.just(tuple(s1))))
    b = data.draw(arrays(dtype, st.just(tuple(s2))))
    device = data.draw(st.sampled_from(DEVICES))
    positive = data.draw(st.booleans())
    ax = axis + nd if positive else axis
    x1, x2 = data.draw(layouts_on(a, device)), data.draw(layouts_on(b, device))
    shape = np.broadcast_shapes(a.shape, b.shape)
    with np.errstate(all="ignore"):
        want = np.vecdot(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=axis)
    _check_product(xl.vecdot(x1, x2, axis=ax), want, device)


@device_params
@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [
        (ct.int8, ct.int16, ct.int16),
        (ct.uint8, ct.int8, ct.int16),
        (ct.float32, ct.float64, ct.float64),
    ],
    ids=str,
)
def test_products_promote_within_a_kind(
    d1: ct.DType, d2: ct.DType, expected: ct.DType, device: ct.Device
) -> None:
    a, b = ct.ones((2, 2), d1, device), ct.ones((2, 2), d2, device)
    for r in (xl.matmul(a, b), a @ b, xl.tensordot(a, b), xl.vecdot(a, b)):
        assert r.dtype is expected
        assert r.device == device


@device_params
def test_matrix_transpose(device: ct.Device) -> None:
    a = np.arange(24.0).reshape(2, 3, 4)
    check(xl.matrix_transpose(on(a, device)), np.matrix_transpose(a), device)
    check(xl.matrix_transpose(on(a, device, strided=True)), np.matrix_transpose(a), device)


def test_matrix_transpose_is_a_zero_copy_writable_owner() -> None:
    x = ct.tensor(np.arange(6.0).reshape(2, 3))
    t = xl.matrix_transpose(x)
    assert type(t) is ct.Tensor
    assert np.shares_memory(t.numpy(), x.numpy())
    t += 1.0
    assert x.tolist() == np.arange(6.0).reshape(2, 3).tolist()
    assert host(t).tolist() == (np.arange(6.0).reshape(2, 3).T + 1).tolist()


def test_errors() -> None:
    m = ct.ones((2, 3))
    with pytest.raises(ct.ShapeError, match="rank 1 or more"):
        xl.matmul(ct.tensor(1.0), m)
    with pytest.raises(ct.ShapeError, match="contracted sizes 3 and 2"):
        xl.matmul(m, m)
    with pytest.raises(ct.ShapeError, match="contracted sizes"):
        m @ ct.ones((2,))
    with pytest.raises(ct.ShapeError, match="batch dimensions"):
        xl.matmul(ct.ones((2, 2, 3)), ct.ones((3, 3, 2)))
    with pytest.raises(ct.DTypeError, match=r"ct\.astype"):
        xl.matmul(m, ct.ones((3, 2), dtype=ct.int32))
    with pytest.raises(ct.DeviceMismatchError, match="cpu and sim:0"):
        m @ ct.ones((3, 2), device=ct.sim)
    with pytest.raises(TypeError):
        m @ 2.0
    with pytest.raises(ct.DTypeError, match="NumPy float64"):
        m @ np.ones((3, 2))
    with pytest.raises(ct.DeviceMismatchError, match="NumPy array"):
        ct.ones((2, 3), device=ct.sim) @ np.ones((3, 2), np.float32)
    with pytest.raises(ct.ShapeError, match="rank of at least 2"):
        xl.matrix_transpose(ct.ones((3,)))
    with pytest.raises(ct.ShapeError, match="equal sizes"):
        xl.tensordot(m, m, axes=1)
    with pytest.raises(ct.AxisError):
        xl.tensordot(m, m, axes=3)
    with pytest.raises(ct.AxisError):
        xl.tensordot(m, m, axes=-1)
    with pytest.raises(ct.AxisError, match="as many axes"):
        xl.tensordot(m, m, axes=([0, 1], [0]))
    with pytest.raises(ct.AxisError, match="pair"):
        xl.tensordot(m, m, axes=(0, 0))
    with pytest.raises(ct.ShapeError, match="must be equal"):
        xl.vecdot(m, ct.ones((2, 2)))
    with pytest.raises(ct.AxisError):
        xl.vecdot(m, m, axis=2)
    with pytest.raises(ct.ShapeError):
        xl.vecdot(m, ct.ones((3, 3)))


def test_numpy_operands_of_the_operator_are_taken_like_other_operators_take_them() -> None:
    m = ct.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    a = np.ones((3, 2), np.float32)
    r = m @ a
    assert type(r) is ct.Tensor
    assert host(r).tolist() == (np.arange(6.0).reshape(2, 3) @ np.ones((3, 2))).tolist()
    r = a @ m
    assert type(r) is ct.Tensor
    assert r.shape == (3, 3)


def test_cuda_refuses_with_the_function_name() -> None:
    a = np.ones((2, 2), np.float32)
    assert_cuda_refuses("matmul", xl.matmul, a, a)
    assert_cuda_refuses("matmul", lambda x, y: x @ y, a, a)
    assert_cuda_refuses("tensordot", xl.tensordot, a, a)
    assert_cuda_refuses("vecdot", xl.vecdot, a, a)
