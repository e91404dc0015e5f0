"""The ``linalg`` extension of the array API (``corten.linalg``) against NumPy, on cpu,
sim and meta."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from api_ops_support import (
    assert_cuda_refuses,
    check,
    data_device_params,
    device_params,
    host,
    numpy_quiet,
    on,
)

import corten as ct
import corten.ops.linalg_ext as linalg
from corten.core.errors import ArgumentError

FLOATS = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
SHAPES = pytest.mark.parametrize("batch", [(), (3,), (2, 1)], ids=str)


def _tol(dtype: Any) -> dict[str, float]:
    return (
        {"rtol": 1e-4, "atol": 1e-4}
        if np.dtype(dtype) == np.float32
        else {"rtol": 1e-9, "atol": 1e-9}
    )


def _rand(shape: tuple[int, ...], dtype: Any, seed: int = 0) -> np.ndarray[Any, Any]:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _spd(batch: tuple[int, ...], n: int, dtype: Any) -> np.ndarray[Any, Any]:
    a = _rand((*batch, n, n), np.float64)
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)


# ----------------------------------------------------------------------------- oracles


@device_params
@FLOATS
@SHAPES
def test_square_matrix_functions_match_numpy(device: Any, dtype: Any, batch: Any) -> None:
    a = _spd(batch, 3, dtype)
    for strided in (False, True):
        x = on(a, device, strided=strided)
        check(linalg.cholesky(x), np.linalg.cholesky(a), device, **_tol(dtype))
        check(
            linalg.cholesky(x, upper=True), np.linalg.cholesky(a, upper=True), device, **_tol(dtype)
        )
        check(linalg.det(x), np.linalg.det(a), device, **_tol(dtype))
        check(linalg.inv(x), np.linalg.inv(a), device, **_tol(dtype))
        check(linalg.eigvalsh(x), np.linalg.eigvalsh(a), device, **_tol(dtype))
        sign, logabs = linalg.slogdet(x)
        want = np.linalg.slogdet(a)
        check(sign, want.sign, device)
        check(logabs, want.logabsdet, device, **_tol(dtype))
        for n in (0, 1, 3, -2):
            check(linalg.matrix_power(x, n), np.linalg.matrix_power(a, n), device, **_tol(dtype))
        b = _rand((*batch, 3, 2), dtype, 1)
        check(linalg.solve(x, on(b, device)), np.linalg.solve(a, b), device, **_tol(dtype))
        v = _rand((3,), dtype, 2)
        check(linalg.solve(x, on(v, device)), np.linalg.solve(a, v), device, **_tol(dtype))


@device_params
@FLOATS
@SHAPES
def test_eigh_reconstructs_the_matrix(device: Any, dtype: Any, batch: Any) -> None:
    a = _spd(batch, 4, dtype)
    w, v = linalg.eigh(on(a, device))
    want = np.linalg.eigh(a)
    check(w, want.eigenvalues, device, **_tol(dtype))
    assert v.shape == want.eigenvectors.shape
    assert v.dtype == ct.as_dtype(dtype)
    if device != ct.meta:
        vv, ww = host(v), host(w)
        rebuilt = vv @ (ww[..., None] * np.swapaxes(vv, -1, -2))
        assert np.allclose(rebuilt, a, **_tol(dtype))


@device_params
@FLOATS
@SHAPES
@pytest.mark.parametrize("mn", [(4, 3), (3, 4), (3, 3), (0, 2)], ids=str)
def test_rectangular_matrix_functions_match_numpy(
    device: Any, dtype: Any, batch: Any, mn: tuple[int, int]
) -> None:
    a = _rand((*batch, *mn), dtype)
    x = on(a, device, strided=True)
    tol = _tol(dtype)
    for full in (True, False):
        u, s, vh = linalg.svd(x, full_matrices=full)
        want = np.linalg.svd(a, full_matrices=full)
        check(s, want.S, device, **tol)
        assert (u.shape, vh.shape) == (want.U.shape, want.Vh.shape)
        if device != ct.meta and min(mn):
            k = min(mn)
            rebuilt = host(u)[..., :k] * host(s)[..., None, :] @ host(vh)[..., :k, :]
            assert np.allclose(rebuilt, a, **tol)
    check(linalg.svdvals(x), np.linalg.svdvals(a), device, **tol)
    for mode in ("reduced", "complete"):
        q, r = linalg.qr(x, mode=mode)
        want_qr = np.linalg.qr(a, mode=mode)
        assert (q.shape, r.shape) == (want_qr.Q.shape, want_qr.R.shape)
        if device != ct.meta:
            assert np.allclose(host(q) @ host(r), a, **tol)
    check(linalg.pinv(x), np.linalg.pinv(a, rtol=max(mn) * np.finfo(dtype).eps), device, **tol)
    check(linalg.matrix_rank(x), np.linalg.matrix_rank(a).astype(np.int64), device)
    for ord in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf, None):
        if min(mn) == 0 and ord not in ("fro", None):
            continue
        want = np.linalg.matrix_norm(a, ord="fro" if ord is None else ord, keepdims=True)
        check(linalg.matrix_norm(x, ord=ord, keepdims=True), want, device, **tol)
    check(linalg.trace(x), np.trace(a, axis1=-2, axis2=-1), device, **tol)
    check(linalg.diagonal(x, offset=1), np.diagonal(a, 1, -2, -1), device)
    check(linalg.matrix_transpose(x), np.matrix_transpose(a), device)


@device_params
def test_rank_deficient_matrices_and_tolerances(device: Any) -> None:
    a = np.array([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1e-3]]])
    x = on(a, device)
    check(linalg.matrix_rank(x), np.array([1, 2]), device)
    check(linalg.matrix_rank(x, rtol=1e-2), np.array([1, 1]), device)
    check(linalg.matrix_rank(x, rtol=on(np.array([1e-2, 1e-4]), device)), np.array([1, 2]), device)
    check(linalg.pinv(x, rtol=1e-2), np.linalg.pinv(a, rtol=1e-2), device, rtol=1e-9, atol=1e-9)
    rt = np.array([1e-2, 1e-4])
    check(
        linalg.pinv(x, rtol=on(rt, device)),
        np.linalg.pinv(a, rtol=rt),
        device,
        rtol=1e-9,
        atol=1e-9,
    )


@device_params
def test_singular_slogdet(device: Any) -> None:
    sign, logabs = linalg.slogdet(on(np.zeros((2, 2)), device))
    if device != ct.meta:
        assert host(sign).item() == 0.0
        assert host(logabs).item() == -math.inf


@device_params
def test_trace_follows_the_sum_dtype_rules(device: Any) -> None:
    a = np.arange(9, dtype=np.int8).reshape(3, 3)
    check(linalg.trace(on(a, device)), np.int64(12), device)
    check(linalg.trace(on(a, device), offset=-1, dtype=ct.int16), np.int16(10), device)
    check(linalg.trace(on(a.astype(np.uint16), device)), np.uint64(12), device)
    with pytest.raises(ct.DTypeError):
        linalg.trace(on(a.astype(np.float32), device), dtype=ct.int32)


@device_params
@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64], ids=str)
def test_outer_cross_and_vector_norm(device: Any, dtype: Any) -> None:
    v, w = np.arange(3).astype(dtype), np.array([2, -1, 5]).astype(dtype)
    check(linalg.outer(on(v, device), on(w, device)), np.outer(v, w), device)
    a = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)
    b = (np.arange(12).reshape(3, 4) % 7).astype(dtype)
    for axis in (-2, 1):
        want = np.cross(np.broadcast_to(b, a.shape), a, axis=-2)
        check(
            linalg.cross(on(b, device), on(a, device), axis=axis if axis < 0 else 1), want, device
        )
    check(linalg.cross(on(v, device), on(w, device)), np.cross(v, w), device)
    if np.dtype(dtype).kind == "f":
        x = on(a, device, strided=True)
        for ord in (2, 1, 0, 3, -1, math.inf, -math.inf, 0.5):
            for axis in (None, 1, (0, 2)):
                for kd in (False, True):
                    with numpy_quiet():
                        want = np.linalg.vector_norm(a, axis=axis, keepdims=kd, ord=ord)
                    got = linalg.vector_norm(x, axis=axis, keepdims=kd, ord=ord)
                    check(got, want, device, **_tol(dtype))


def test_the_aliases_are_the_main_namespace_functions() -> None:
    from corten.ops import linalg as main

    assert linalg.matmul is main.matmul
    assert linalg.matrix_transpose is main.matrix_transpose
    assert linalg.tensordot is main.tensordot
    assert linalg.vecdot is main.vecdot


@data_device_params
def test_svd_results_are_writable_owners(device: Any) -> None:
    # scikit-learn's svd_flip writes into U and Vh in place.
    u, s, vh = linalg.svd(on(_rand((4, 3), np.float64), device), full_matrices=False)
    for t in (u, s, vh):
        assert type(t) is ct.Tensor
        t *= 2.0


# ----------------------------------------------------------------------------- errors


def test_errors() -> None:
    m = ct.ones((2, 3), dtype=ct.float64)
    sq = ct.eye(2, dtype=ct.float64)
    with pytest.raises(ct.ShapeError, match="square"):
        linalg.inv(m)
    with pytest.raises(ct.ShapeError, match="rank 2 or more"):
        linalg.svd(ct.ones((3,), dtype=ct.float64))
    with pytest.raises(ct.DTypeError, match=r"ct\.astype\(x, ct\.float64\)"):
        linalg.inv(ct.eye(2, dtype=ct.int64))
    with pytest.raises(ct.DTypeError, match="float32 or float64"):
        linalg.det(ct.eye(2, dtype=ct.float16))
    with pytest.raises(ArgumentError, match="inv"):
        linalg.inv(ct.zeros((2, 2), dtype=ct.float64))
    with pytest.raises(ArgumentError, match="cholesky"):
        linalg.cholesky(-sq)
    with pytest.raises(ArgumentError, match="solve"):
        linalg.solve(ct.zeros((2, 2), dtype=ct.float64), ct.ones((2,), dtype=ct.float64))
    with pytest.raises(ArgumentError, match="matrix_power"):
        linalg.matrix_power(ct.zeros((2, 2), dtype=ct.float64), -1)
    with pytest.raises(ct.DTypeError):
        linalg.matrix_power(ct.eye(2, dtype=ct.int64), -1)
    with pytest.raises(ct.DTypeError, match="as n"):
        linalg.matrix_power(sq, 1.5)
    with pytest.raises(ArgumentError, match="mode="):
        linalg.qr(m, mode="r")
    with pytest.raises(ArgumentError, match="ord"):
        linalg.matrix_norm(m, ord=3)
    with pytest.raises(ArgumentError, match="ord"):
        linalg.vector_norm(m, ord="fro")
    with pytest.raises(ArgumentError, match="rtol >= 0"):
        linalg.pinv(m, rtol=-1.0)
    with pytest.raises(ct.ShapeError, match="batch shape"):
        linalg.matrix_rank(ct.ones((3, 2, 2)), rtol=ct.ones((2,)))
    with pytest.raises(ct.ShapeError, match="does not fit"):
        linalg.solve(sq, ct.ones((3,), dtype=ct.float64))
    with pytest.raises(ct.ShapeError, match="does not fit"):
        linalg.solve(sq, ct.ones((3, 1), dtype=ct.float64))
    with pytest.raises(ct.ShapeError, match="batch shapes"):
        linalg.solve(ct.ones((2, 2, 2)), ct.ones((3, 2, 1)))
    with pytest.raises(ct.DTypeError, match=r"ct\.astype\(x2"):
        linalg.solve(ct.eye(2), ct.ones((2,), dtype=ct.int32))
    assert linalg.solve(ct.eye(2), ct.ones((2,), dtype=ct.float64)).dtype is ct.float64

    with pytest.raises(ct.ShapeError, match="size 3"):
        linalg.cross(ct.ones((2,)), ct.ones((3,)))
    with pytest.raises(ct.ShapeError, match="1-D"):
        linalg.outer(m, m)
    with pytest.raises(ct.DeviceMismatchError, match="cpu and sim:0"):
        linalg.solve(sq, ct.ones((2,), dtype=ct.float64, device=ct.sim))


@pytest.mark.parametrize(
    "name",
    [
        "cholesky",
        "det",
        "eigh",
        "eigvalsh",
        "inv",
        "slogdet",
        "svd",
        "svdvals",
        "qr",
        "pinv",
        "matrix_rank",
        "matrix_norm",
        "trace",
    ],
)
def test_cuda_refuses_with_the_function_name(name: str) -> None:
    assert_cuda_refuses(name, getattr(linalg, name), np.eye(3, dtype=np.float32))


def test_meta_needs_no_invertible_stand_ins() -> None:
    # Meta's stand-in elements are zeros, which are singular: square inputs get identities.
    x = ct.empty((5, 3, 3), dtype=ct.float32, device=ct.meta)
    for fn in (linalg.inv, linalg.cholesky, linalg.det, lambda t: linalg.matrix_power(t, -2)):
        r = fn(x)
        assert r.device == ct.meta
        assert r.dtype == ct.float32
    assert linalg.solve(x, ct.empty((3,), dtype=ct.float32, device=ct.meta)).shape == (5, 3)
