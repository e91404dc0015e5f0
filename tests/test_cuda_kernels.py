"""The CUDA kernel generator: NVRTC compiles every kernel, the emulator runs them.

Every kernel specialization that the plans of ``corten.backends.cuda.kernels`` can
produce is compiled by the real NVRTC (no GPU needed). The plans are then run on the
CPU by ``tests/cuda_emu.py`` (the same source text compiled with g++) and compared with
NumPy. Nothing here runs on a GPU.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import multiprocessing
import os
import warnings
from typing import Any

import cuda_emu
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corten.backends.cuda import kernels as K
from corten.backends.cuda.kernels import Strided

DTYPES = K.DTYPES


def kind(dt: np.dtype[Any]) -> str:
    """NumPy's kind letter, but "f" for bfloat16 (whose NumPy kind is "V")."""
    return "f" if dt.name == "bfloat16" else dt.kind


def assert_equal(actual: Any, expect: Any, **kwargs: Any) -> None:
    """``np.testing.assert_array_equal``, NaN-aware for bfloat16 too (NumPy knows
    NaN only in its own float dtypes)."""
    actual, expect = np.asarray(actual), np.asarray(expect)
    if "bfloat16" in (actual.dtype.name, expect.dtype.name):
        actual, expect = actual.astype(np.float32), expect.astype(np.float32)
    np.testing.assert_array_equal(actual, expect, **kwargs)


INTS = tuple(d for d in DTYPES if kind(d) in "iu")
FLOATS = tuple(d for d in DTYPES if kind(d) == "f")

needs_gxx = pytest.mark.skipif(not cuda_emu.available(), reason="g++ is not installed")


def _nvrtc_reason() -> str | None:
    if (
        importlib.util.find_spec("cuda") is None
        or importlib.util.find_spec("cuda.bindings") is None
    ):
        return "cuda-bindings is not installed"
    try:
        ok, log = cuda_emu.nvrtc_compile('extern "C" __global__ void k() {}', "compute_80")
    except Exception as exc:  # libnvrtc missing or unloadable
        return f"NVRTC cannot be loaded: {exc}"
    return None if ok else f"NVRTC fails on an empty kernel: {log}"


@pytest.fixture(scope="module")
def compiled() -> None:
    """Every specialization compiled for the emulator (cached on disk)."""
    if not cuda_emu.available():
        pytest.skip("g++ is not installed")
    cuda_emu.precompile(K.specializations(), jobs=2)


# ------------------------------------------------------------------------- NVRTC


def _nvrtc_batch(args: tuple[list[str], str]) -> list[tuple[str, str]]:
    names, arch = args
    kernels = {k.name: k for k in K.specializations()}
    return cuda_emu.nvrtc_compile_many([kernels[n] for n in names], arch)


def _compile_all(arch: str, names: list[str], batch: int) -> list[tuple[str, str]]:
    chunks = [(names[i : i + batch], arch) for i in range(0, len(names), batch)]
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        return [f for fails in pool.map(_nvrtc_batch, chunks) for f in fails]


def _report(failures: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"{name}:\n{log}" for name, log in failures[:5])


def test_nvrtc_compiles_every_specialization_to_ptx() -> None:
    """Every source through NVRTC's front end and NVVM, to PTX for compute_80 (which
    sm_80 and sm_90 devices both load). Successes are cached on disk by source."""
    arch = "compute_80"
    reason = _nvrtc_reason()
    if reason:
        pytest.skip(reason)
    names = [k.name for k in K.specializations()]
    assert len(names) == len(set(names)), "kernel names must be unique"
    failures = _compile_all(arch, names, batch=120)
    assert not failures, _report(failures)


def _representatives() -> list[K.Kernel]:
    """One kernel per family and index form, with float16 where it can (the sample)."""
    seen: dict[tuple[str, ...], K.Kernel] = {}
    for k in sorted(K.specializations(), key=lambda k: "float16" not in k.name):
        parts = k.name.split("_")
        if parts[1] == "reduce":
            key = (parts[1], parts[2], str(parts[3].startswith("arg")))
        else:
            key = (parts[1], parts[-1])
        seen.setdefault(key, k)
    return list(seen.values())


@pytest.mark.parametrize("arch", ["sm_90", "sm_80"])
def test_nvrtc_compiles_to_cubin(arch: str) -> None:
    """Machine code (ptxas included) for a sample of the kernels; for every one of them
    with CORTEN_NVRTC_FULL=1 (about three minutes on two cores)."""
    reason = _nvrtc_reason()
    if reason:
        pytest.skip(reason)
    if os.environ.get("CORTEN_NVRTC_FULL"):
        names = [k.name for k in K.specializations()]
    else:
        names = [k.name for k in _representatives()]
    failures = _compile_all(arch, names, batch=60)
    assert not failures, _report(failures)


# ----------------------------------------------------------------------- helpers


def sv(arr: np.ndarray[Any, Any]) -> Strided:
    """The Strided operand of a NumPy array (view)."""
    ptr = arr.__array_interface__["data"][0]
    return Strided(ptr, tuple(s // arr.itemsize for s in arr.strides))


def run(launches: list[K.Launch]) -> None:
    cuda_emu.run_all(launches)


def random_values(rng: np.random.Generator, dtype: np.dtype[Any], shape: Any) -> Any:
    if kind(dtype) == "b":
        return np.asarray(rng.integers(0, 2, size=shape)).astype(bool)
    if kind(dtype) in "iu":
        info = np.iinfo(dtype)
        vals = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
        return np.asarray(vals, dtype=dtype)
    return np.asarray(rng.standard_normal(shape) * 10).astype(dtype)


def strided_view(
    rng: np.random.Generator, arr: np.ndarray[Any, Any], allow_zero: bool = False
) -> np.ndarray[Any, Any]:
    """``arr``'s values in a random layout: a permuted, stepped (maybe reversed),
    maybe broadcast window of a larger buffer."""
    shape = arr.shape
    if allow_zero and arr.ndim and rng.random() < 0.3:
        ax = int(rng.integers(arr.ndim))
        take = [slice(None)] * arr.ndim
        take[ax] = slice(0, 1)
        small = arr[tuple(take)]
        return np.broadcast_to(strided_view(rng, small), shape)
    perm = rng.permutation(arr.ndim)
    steps = [int(rng.choice([1, 2, -1, -2, 3])) for _ in range(arr.ndim)]
    big_shape = [shape[p] * abs(steps[i]) + 1 for i, p in enumerate(perm)]
    base = random_values(rng, arr.dtype, big_shape)
    window = tuple(
        slice(0, shape[p] * abs(s), s)
        if s > 0
        else slice(shape[p] * abs(s) - 1, None, s)
        if shape[p]
        else slice(0, 0)
        for s, p in zip(steps, perm, strict=True)
    )
    view = base[(*window, Ellipsis)]
    inv = np.argsort(perm)
    view = view.transpose(inv)
    assert view.shape == shape
    view[...] = arr
    return view


def dest_view(rng: np.random.Generator, shape: Any, dtype: np.dtype[Any]) -> np.ndarray[Any, Any]:
    v = strided_view(rng, np.zeros(shape, dtype=dtype))
    v[...] = np.zeros((), dtype)
    return v


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple)


# -------------------------------------------------------------------------- fill


@needs_gxx
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_fill_every_dtype_and_alignment(compiled: None, dtype: np.dtype[Any]) -> None:
    if kind(dtype) == "b":
        values: list[Any] = [True, False]
    elif kind(dtype) in "iu":
        info = np.iinfo(dtype)
        values = [info.min, info.max, 0, 1, info.max // 3]
    else:
        finfo = ml_dtypes.finfo(dtype)
        values = [float(finfo.max), float(finfo.min), float(finfo.tiny), -0.0, np.nan, -np.inf]
        values.append(float(finfo.smallest_subnormal))
    for value in values:
        for numel in (0, 1, 7, 64, 257):
            for lead in (0, 1, 3):
                raw = np.zeros((numel + lead + 40) * dtype.itemsize + 64, dtype=np.uint8)
                start = (-raw.ctypes.data) % 64 + lead * dtype.itemsize
                arr = raw[start : start + (numel + 2) * dtype.itemsize].view(dtype)
                arr[...] = np.zeros((), dtype)
                run(K.fill(arr[1:].ctypes.data, dtype, numel, value))
                expect = np.full(numel, value, dtype=dtype)
                assert_equal(arr[1 : numel + 1], expect)
                assert not arr[0], "fill wrote before its range"
                assert not arr[numel + 1], "fill wrote after its range"


def test_fill_uses_16_byte_stores_on_the_aligned_body() -> None:
    launches = K.fill(4096 + 2, np.dtype("uint16"), 1000, 3)
    assert [la.kernel.name for la in launches] == [
        "corten_fill_b2",
        "corten_fill_v16",
        "corten_fill_b2",
    ]
    assert all(la.block == 256 and la.grid <= K.MAX_GRID for la in launches)
    big = K.fill(1 << 20, np.dtype("uint8"), 1 << 30, 1)
    assert big[0].grid == K.MAX_GRID


# -------------------------------------------------------------------------- copy


def _cast_values(src: np.dtype[Any], dst: np.dtype[Any], n: int) -> Any:
    """Values of ``src`` that ``dst`` represents (fractions where both are floats)."""
    rng = np.random.default_rng(n)
    if kind(src) == "b" or kind(dst) == "b":
        vals = rng.integers(-2, 3, size=n)
        if kind(src) == "f":
            vals = vals + 0.5 * (vals == 0) * rng.integers(0, 2, size=n)
        return vals.astype(src)
    lo = 0 if "u" in (kind(src), kind(dst)) else -100
    vals = rng.integers(lo, 101, size=n).astype(np.float64)
    if kind(src) == "f":
        vals += rng.choice([0.0, 0.25, 0.5, 0.75], size=n)
    return vals.astype(src)


@needs_gxx
@pytest.mark.parametrize("src_dtype", DTYPES, ids=str)
def test_copy_casts_every_dtype_pair(compiled: None, src_dtype: np.dtype[Any]) -> None:
    rng = np.random.default_rng(7)
    for dst_dtype in DTYPES:
        vals = _cast_values(src_dtype, dst_dtype, 60)
        for shape in ((60,), (3, 4, 5)):
            src = strided_view(rng, vals.reshape(shape), allow_zero=False)
            dst = dest_view(rng, shape, dst_dtype)
            run(K.copy(sv(dst), dst_dtype, shape, sv(src), src_dtype))
            expect = src.astype(dst_dtype)
            assert_equal(dst, expect, err_msg=f"{src_dtype}->{dst_dtype}")


@needs_gxx
@settings(max_examples=60)
@given(
    shape=shapes,
    pair=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
    seed=st.integers(0, 2**32 - 1),
    dst_contiguous=st.booleans(),
)
def test_copy_random_layouts(
    compiled: None, shape: tuple[int, ...], pair: Any, seed: int, dst_contiguous: bool
) -> None:
    src_dtype, dst_dtype = pair
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    vals = _cast_values(src_dtype, dst_dtype, n).reshape(shape)
    src = strided_view(rng, vals, allow_zero=True)
    dst = np.zeros(shape, dst_dtype) if dst_contiguous else dest_view(rng, shape, dst_dtype)
    run(K.copy(sv(dst), dst_dtype, shape, sv(src), src_dtype))
    assert_equal(dst, src.astype(dst_dtype))


@needs_gxx
def test_copy_contiguous_and_permuted_image(compiled: None) -> None:
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, size=(216, 384, 3), dtype=np.uint8)
    chw = img.transpose(2, 0, 1)
    out = np.zeros(chw.shape, np.uint8)
    plan = K.copy(sv(out), out.dtype, chw.shape, sv(chw), img.dtype)
    assert [la.kernel.name for la in plan] == ["corten_copy_uint8_uint8_nd"]
    assert plan[0].args[3] == 2, "collapsed to two dimensions"
    run(plan)
    assert_equal(out, chw)
    for off in (0, 1, 5):
        src = rng.random(1000).astype(np.float32)[off:]
        dst = np.zeros(1000, np.float32)[off:]
        plan = K.copy(sv(dst), dst.dtype, dst.shape, sv(src), src.dtype)
        assert "corten_copy_v16" in [la.kernel.name for la in plan] or off % 4
        run(plan)
        assert_equal(dst, src)


@needs_gxx
def test_copy_more_dims_than_an_nd_kernel_indexes(compiled: None) -> None:
    rng = np.random.default_rng(11)
    shape = (2,) * 10
    base = rng.integers(0, 100, size=(4,) * 10).astype(np.int32)
    view = base[(slice(None, None, -2),) * 10]  # no two dims collapse
    dst = np.zeros(shape, np.int64)
    plan = K.copy(sv(dst), dst.dtype, shape, sv(view), base.dtype)
    assert len(plan) == 4, "one launch per index of the two outer dims"
    run(plan)
    assert_equal(dst, view.astype(np.int64))


# ------------------------------------------------------------------------ binary


def _binary_values(op: str, dt: np.dtype[Any], rng: np.random.Generator, n: int) -> Any:
    if kind(dt) == "b":
        return rng.integers(0, 2, size=(2, n)).astype(bool)
    if kind(dt) in "iu":
        info = np.iinfo(dt)
        if op == "power":
            a = rng.integers(max(info.min, -5), 6, size=n)
            b = rng.integers(0, 9, size=n)
            return np.stack([a, b]).astype(dt)
        vals = rng.integers(info.min, info.max, size=(2, n), dtype=dt, endpoint=True)
        if op in ("floor_divide", "remainder"):
            small = rng.integers(max(info.min, -9), 10, size=(2, n)).astype(dt)
            vals = np.where(rng.random((2, n)) < 0.5, small, vals)
            vals[1, :4] = 0
            if kind(dt) == "i":
                vals[0, 4], vals[1, 4] = info.min, -1
        return vals
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.5], dtype=dt)
    vals = (rng.standard_normal((2, n)) * 8).astype(dt)
    if op in ("floor_divide", "remainder"):
        vals = np.round(vals * 2) / 2
    if op == "power":
        vals[0] = np.abs(vals[0]) / 4
        vals[1] = vals[1] / 8
    m = len(special)
    vals[0, :m] = special
    vals[1, m : 2 * m] = special
    vals[0, 2 * m : 3 * m] = special
    vals[1, 2 * m : 3 * m] = special[::-1]
    vals[:, 3 * m : 3 * m + 4] = vals[:, :4]  # ties
    return vals


_INEXACT = {"power"}


def _check(actual: Any, expect: Any, op: str) -> None:
    assert actual.dtype == expect.dtype
    if op in _INEXACT and kind(expect.dtype) == "f":
        np.testing.assert_allclose(
            actual.astype(np.float64), expect.astype(np.float64), rtol=1e-6, equal_nan=True
        )
    else:
        assert_equal(actual, expect)


BINARY_CASES = [(op, dt) for op in K.BINARY_OPS for dt in K.binary_dtypes(op)]


@needs_gxx
@pytest.mark.parametrize(("op", "dtype"), BINARY_CASES, ids=[f"{o}-{d}" for o, d in BINARY_CASES])
def test_binary_every_op_and_dtype(compiled: None, op: str, dtype: np.dtype[Any]) -> None:
    rng = np.random.default_rng(abs(hash((op, dtype.name))) % 2**32)
    ufunc = getattr(np, op)
    rd = K.binary_result_dtype(op, dtype)
    n = 48
    x, y = _binary_values(op, dtype, rng, n)
    with np.errstate(all="ignore"):
        expect = ufunc(x, y)
    assert expect.dtype == rd
    # contiguous (r1)
    out = np.zeros(n, rd)
    run(K.binary(op, sv(out), rd, (n,), sv(x), sv(y), dtype))
    _check(out, expect, op)
    # strided and permuted, broadcast on either side (nd)
    a3 = strided_view(rng, x.reshape(4, 3, 4))
    b3 = strided_view(rng, y.reshape(4, 3, 4))
    bb = np.broadcast_to(b3[:, :1, :], (4, 3, 4))
    ab = np.broadcast_to(a3[:1], (4, 3, 4))
    for lhs, rhs in ((a3, b3), (a3, bb), (ab, b3)):
        out3 = dest_view(rng, (4, 3, 4), rd)
        run(K.binary(op, sv(out3), rd, (4, 3, 4), sv(lhs), sv(rhs), dtype))
        with np.errstate(all="ignore"):
            _check(out3, ufunc(lhs, rhs), op)
    # a scalar on either side
    for s in (x[5], y[7], x[0]):
        scalar = s.item()
        if op == "power":
            scalar = y[7].item()
        out1 = np.zeros(n, rd)
        run(K.binary(op, sv(out1), rd, (n,), scalar, sv(y), dtype))
        with np.errstate(all="ignore"):
            _check(out1, ufunc(np.array(scalar, dtype), y), op)
        out2 = dest_view(rng, (4, 12), rd)
        run(K.binary(op, sv(out2), rd, (4, 12), sv(x.reshape(4, 12)), scalar, dtype))
        with np.errstate(all="ignore"):
            _check(out2, ufunc(x.reshape(4, 12), np.array(scalar, dtype)), op)
    # both scalars
    out0 = np.zeros((), rd)
    run(K.binary(op, sv(out0), rd, (), x[1].item(), y[2].item(), dtype))
    with np.errstate(all="ignore"):
        _check(out0, ufunc(x[1], y[2]).reshape(()), op)


def test_binary_rejects_what_it_does_not_define() -> None:
    f4, b1 = np.dtype("float32"), np.dtype(bool)
    with pytest.raises(TypeError):
        K.binary("bitwise_and", Strided(0, (1,)), f4, (2,), 1.0, 2.0, f4)
    with pytest.raises(TypeError):
        K.binary("subtract", Strided(0, (1,)), b1, (2,), True, False, b1)
    with pytest.raises(ValueError, match="unknown"):
        K.binary("hypot", Strided(0, (1,)), f4, (2,), 1.0, 2.0, f4)
    with pytest.raises(TypeError):
        K.fill(0, np.dtype("complex64"), 2, 1)


@needs_gxx
def test_binary_result_converted_to_another_out_dtype(compiled: None) -> None:
    a = np.array([1, 2, 300, -4], np.int16)
    out = np.zeros(4, np.float64)
    run(K.binary("multiply", sv(out), out.dtype, (4,), sv(a), 200, a.dtype))
    assert_equal(out, (a * np.int16(200)).astype(np.float64))
    h = np.array([1.0, 2049.0, 0.1], np.float16)
    out32 = np.zeros(3, np.float32)
    run(K.binary("add", sv(out32), out32.dtype, (3,), sv(h), sv(h), h.dtype))
    assert_equal(out32, (h + h).astype(np.float32))


# ------------------------------------------------------------------------- unary

# Tolerances: one float16 or bfloat16 rounding flipped by the libraries' last bits.
_TOL_LIBM = {"float16": 1e-3, "bfloat16": 8e-3, "float32": 1e-6, "float64": 1e-13}
_TOL_SUM = {"float16": 4e-3, "bfloat16": 1.6e-2, "float32": 1e-5, "float64": 1e-12}

UNARY_CASES = [(op, dt) for op in K.UNARY_OPS for dt in K.unary_dtypes(op)]


@needs_gxx
@pytest.mark.parametrize(("op", "dtype"), UNARY_CASES, ids=[f"{o}-{d}" for o, d in UNARY_CASES])
def test_unary_every_op_and_dtype(compiled: None, op: str, dtype: np.dtype[Any]) -> None:
    rng = np.random.default_rng(5)
    x = random_values(rng, dtype, 40)
    if kind(dtype) == "f":
        x[:6] = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0]
        if op in ("sqrt", "log"):
            x[6:] = np.abs(x[6:])
    if kind(dtype) == "i":
        x[0] = np.iinfo(dtype).min
    ufunc = getattr(np, op)
    with np.errstate(all="ignore"):
        expect = ufunc(x)
    for layout in ("contiguous", "strided"):
        src = x if layout == "contiguous" else strided_view(rng, x.reshape(5, 8))
        out = (
            np.zeros(src.shape, dtype)
            if layout == "contiguous"
            else dest_view(rng, src.shape, dtype)
        )
        run(K.unary(op, sv(out), dtype, src.shape, sv(src), dtype))
        with np.errstate(all="ignore"):
            exp = expect.reshape(src.shape) if layout == "contiguous" else ufunc(src)
        if op in ("exp", "log", "sin", "cos"):
            # CUDA's and glibc's libraries may differ in the last bits
            tol = _TOL_LIBM[dtype.name]
            np.testing.assert_allclose(
                out.astype(np.float64), exp.astype(np.float64), rtol=tol, atol=tol, equal_nan=True
            )
        else:
            assert_equal(out, exp)


# ------------------------------------------------------------------------ reduce


def _scratch(nbytes: int) -> np.ndarray[Any, Any]:
    raw = np.zeros(nbytes + 64, np.uint8)
    start = (-raw.ctypes.data) % 64
    return raw[start : start + max(nbytes, 1)]


def reduce_oracle(name: str, x: Any, axes: tuple[int, ...]) -> Any:
    if x.dtype.name == "bfloat16" and name in ("sum", "prod", "mean"):
        # corten accumulates bfloat16 in float32 (ml_dtypes' own sum adds in bfloat16)
        with np.errstate(all="ignore"):
            wide = getattr(np, name)(x.astype(np.float32), axis=axes)
        return np.asarray(wide).astype(x.dtype)
    if name in ("argmin", "argmax"):
        kept = [d for d in range(x.ndim) if d not in axes]
        moved = np.transpose(x, kept + list(axes))
        flat = moved.reshape([x.shape[d] for d in kept] + [-1])
        return getattr(np, name)(flat, axis=-1)
    with np.errstate(all="ignore"):
        return np.asarray(getattr(np, name)(x, axis=axes))


def run_reduce(
    name: str, x: Any, axes: tuple[int, ...], rng: np.random.Generator, out_strided: bool
) -> Any:
    dt = x.dtype
    od = K.reduce_result_dtype(name, dt)
    kept = [d for d in range(x.ndim) if d not in axes]
    kept_shape = tuple(x.shape[d] for d in kept)
    out = dest_view(rng, kept_shape, od) if out_strided else np.zeros(kept_shape, od)
    strides = [s // x.itemsize for s in x.strides]
    a = Strided(sv(x).ptr, tuple(strides[d] for d in kept))
    plan = K.reduce(
        name,
        sv(out),
        od,
        kept_shape,
        a,
        dt,
        tuple(x.shape[d] for d in axes),
        tuple(strides[d] for d in axes),
    )
    scratch = _scratch(plan.scratch_bytes)
    run(plan.launches(scratch.ctypes.data))
    return out


def _check_reduce(name: str, got: Any, expect: Any, x: Any, axes: tuple[int, ...]) -> None:
    assert got.dtype == np.asarray(expect).dtype, (got.dtype, np.asarray(expect).dtype)
    if kind(got.dtype) == "f" and name in ("sum", "mean", "prod"):
        scale = np.sum(np.abs(x.astype(np.float64)), axis=axes)
        if name == "mean":
            scale = scale / max(1, int(np.prod([x.shape[d] for d in axes])))
        if name == "prod":
            scale = np.abs(expect.astype(np.float64))
        tol = _TOL_SUM[got.dtype.name]
        with np.errstate(all="ignore"):
            diff = np.abs(got.astype(np.float64) - expect.astype(np.float64))
        same_nan = np.isnan(got) == np.isnan(expect)
        assert same_nan.all()
        ok = np.isnan(expect) | (got == expect) | (diff <= tol * scale + tol)
        assert ok.all(), (got, expect)
    else:
        assert_equal(got, expect)


def _reduce_values(name: str, dt: np.dtype[Any], shape: Any, rng: np.random.Generator) -> Any:
    if kind(dt) in "iu" and name in ("sum", "mean", "prod"):
        x = rng.integers(0 if kind(dt) == "u" else -3, 4, size=shape).astype(dt)
    elif kind(dt) == "f" and name == "prod":
        x = rng.choice(np.array([0.5, 1.0, 2.0, -1.0, 1.5], dtype=dt), size=shape)
    elif kind(dt) == "f":
        x = np.round(rng.standard_normal(shape) * 4).astype(dt)  # ties for arg*
        if rng.random() < 0.3 and x.size:
            x.reshape(-1)[rng.integers(x.size)] = np.nan
    else:
        x = random_values(rng, dt, shape)
        if kind(dt) != "b":
            x = x % 5 if kind(dt) == "u" else (x % 7 - 3).astype(dt)  # ties
    return x


@needs_gxx
@settings(max_examples=120)
@given(
    name=st.sampled_from(K.REDUCTIONS),
    dtype=st.sampled_from(DTYPES),
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_reduce_random_axes(
    compiled: None, name: str, dtype: np.dtype[Any], shape: Any, seed: int, data: Any
) -> None:
    rng = np.random.default_rng(seed)
    axes = tuple(
        sorted(data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1), label="axes"))
    )
    x = strided_view(rng, _reduce_values(name, dtype, shape, rng))
    got = run_reduce(name, x, axes, rng, out_strided=data.draw(st.booleans(), label="strided"))
    _check_reduce(name, got, reduce_oracle(name, x, axes), x, axes)


@needs_gxx
@pytest.mark.parametrize("name", K.REDUCTIONS)
@pytest.mark.parametrize(
    "dtype",
    [np.dtype(n) for n in ("bool", "uint8", "int32", "float16", "float64", "bfloat16")],
    ids=str,
)
def test_reduce_in_several_passes(
    compiled: None, name: str, dtype: np.dtype[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(1)
    # many partials per output: the first pass and two folding passes
    monkeypatch.setattr(K, "REDUCE_MIN_PER_THREAD", 2)
    monkeypatch.setattr(K, "FOLD", 4)
    x = _reduce_values(name, dtype, (3, 700), rng)
    if kind(dtype) == "f" and name != "prod":
        x[1, 650] = np.nan
        x[2, 100] = x[2].max() if name != "argmin" else x[2].min()
    for axes, view in (((1,), x), ((0,), x.T), ((0, 1), x)):
        got = run_reduce(name, view, axes, rng, out_strided=False)
        _check_reduce(name, got, reduce_oracle(name, view, axes), view, axes)
    # the default constants: one long row folds in passes too
    monkeypatch.undo()
    y = _reduce_values(name, dtype, (5000,), rng)
    plan = K.reduce(
        name,
        Strided(0, ()),
        K.reduce_result_dtype(name, dtype),
        (),
        Strided(0, ()),
        dtype,
        (5000,),
        (1,),
    )
    assert len(plan.launches(0)) >= 2
    assert plan.scratch_bytes > 0
    got = run_reduce(name, y, (0,), rng, out_strided=False)
    _check_reduce(name, got, reduce_oracle(name, y, (0,)), y, (0,))


@needs_gxx
@pytest.mark.parametrize("name", ["sum", "prod", "mean", "all", "any"])
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_empty_reductions(compiled: None, name: str, dtype: np.dtype[Any]) -> None:
    rng = np.random.default_rng(0)
    x = np.zeros((3, 0, 2), dtype)
    for axes in ((1,), (0, 1), (1, 2)):
        got = run_reduce(name, x, axes, rng, out_strided=False)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expect = np.asarray(getattr(np, name)(x, axis=axes))
        assert_equal(got, expect)


def test_empty_min_raises_and_empty_output_needs_nothing() -> None:
    f4 = np.dtype("float32")
    with pytest.raises(ValueError, match="empty"):
        K.reduce("max", Strided(0, (1,)), f4, (3,), Strided(0, (0,)), f4, (0,), (1,))
    plan = K.reduce("max", Strided(0, (1,)), f4, (0,), Strided(0, (0,)), f4, (0,), (1,))
    assert plan.launches(0) == []


@needs_gxx
def test_argmin_argmax_first_occurrence_and_nan(compiled: None) -> None:
    rng = np.random.default_rng(2)
    x = np.array([3.0, 1.0, 5.0, 1.0, 5.0, np.nan, 0.0, np.nan], np.float32)
    for name in ("argmin", "argmax", "min", "max"):
        for data in (x, x[:5], x[::-1].copy()):
            got = run_reduce(name, data, (0,), rng, out_strided=False)
            assert_equal(got, getattr(np, name)(data))


# ---------------------------------------------------------------- gather/scatter


@needs_gxx
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_gather_and_scatter(compiled: None, dtype: np.dtype[Any]) -> None:
    rng = np.random.default_rng(9)
    src = random_values(rng, dtype, 50)
    offsets = rng.integers(0, 50, size=80).astype(np.int64)
    out = np.zeros(80, dtype)
    run(K.gather(out.ctypes.data, dtype, 80, src.ctypes.data, offsets.ctypes.data))
    assert_equal(out, src[offsets])
    # negative offsets from a pointer into the middle
    mid = src[25:]
    neg = rng.integers(-25, 25, size=30).astype(np.int64)
    out2 = np.zeros(30, dtype)
    run(K.gather(out2.ctypes.data, dtype, 30, mid.ctypes.data, neg.ctypes.data))
    assert_equal(out2, src[neg + 25])
    # scatter: unique offsets, strided source and a scalar
    dst = np.zeros(50, dtype)
    uniq = rng.permutation(50)[:20].astype(np.int64)
    vals = random_values(rng, dtype, 40)[::-2]
    run(K.scatter(dst.ctypes.data, dtype, 20, uniq.ctypes.data, sv(vals[:20])))
    expect = np.zeros(50, dtype)
    expect[uniq] = vals[:20]
    assert_equal(dst, expect)
    scalar = src[3].item()
    run(K.scatter(dst.ctypes.data, dtype, 20, uniq.ctypes.data, scalar))
    expect[uniq] = scalar
    assert_equal(dst, expect)


@needs_gxx
def test_binary_in_place_output_aliases_an_input(compiled: None) -> None:
    x = np.arange(24, dtype=np.int32).reshape(4, 6)[:, ::-2]
    expect = x * 3
    run(K.binary("multiply", sv(x), x.dtype, x.shape, sv(x), 3, x.dtype))
    assert_equal(x, expect)
