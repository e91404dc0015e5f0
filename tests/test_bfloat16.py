"""bfloat16 (and the float8 types) through ml_dtypes: every path a standard dtype takes.

bfloat16 is in ``ct.all_dtypes``, so the dtype-parametrized suites (arithmetic, views,
devices, serialization, pipelines, the CUDA kernels on the emulator) run it too; this
file checks what is particular to it, with ml_dtypes (the package JAX and TensorFlow use)
and PyTorch as the oracles. Before, corten had no bfloat16: a safetensors file with a
BF16 tensor could not be loaded at all.
"""

from __future__ import annotations

import gc
import io
import math
import pickle
import shutil
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import hypothesis.extra.numpy as hnp
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given

import corten as ct

BF16 = np.dtype(ml_dtypes.bfloat16)
FLOAT8 = (ct.float8_e4m3fn, ct.float8_e5m2)
DATA_DEVICES = [ct.cpu, ct.sim(0)]

requires_torch = pytest.mark.skipif(find_spec("torch") is None, reason="needs PyTorch")
requires_safetensors = pytest.mark.skipif(
    find_spec("safetensors") is None, reason="needs the safetensors package"
)
requires_gxx = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")


def bits(a: Any) -> list[int]:
    """The bit patterns of a bfloat16 array (or tensor), NaN payloads and -0.0 included."""
    arr = np.asarray(a.to_cpu().numpy() if isinstance(a, ct.TensorView) else a)
    return np.ascontiguousarray(arr).view(np.uint16).ravel().tolist()  # type: ignore[no-any-return]


@pytest.fixture
def cuda_emu() -> Iterator[None]:
    """``cuda`` on the emulated driver (tests/cuda_emu_driver.py): kernels run on the CPU."""
    if shutil.which("g++") is None:
        pytest.skip("the emulated CUDA driver needs g++")
    import cuda_emu_driver

    with cuda_emu_driver.installed():
        yield
        ct.cuda(0).synchronize()


# ----------------------------------------------------------------------------- the dtype


def test_bfloat16_is_a_dtype_like_the_others() -> None:
    assert ct.bfloat16 in ct.all_dtypes
    assert isinstance(ct.bfloat16, ct.BFloat16)
    assert ct.BFloat16() is ct.bfloat16
    assert (ct.bfloat16.name, ct.bfloat16.itemsize, ct.bfloat16.kind) == ("bfloat16", 2, "f")
    assert ct.bfloat16.is_floating
    assert not ct.bfloat16.is_integer
    assert ct.bfloat16.numpy == BF16
    assert repr(ct.bfloat16) == "corten.bfloat16"
    for spelling in ("bfloat16", BF16, ml_dtypes.bfloat16, ct.bfloat16):
        assert ct.as_dtype(spelling) is ct.bfloat16
    assert pickle.loads(pickle.dumps(ct.bfloat16)) is ct.bfloat16
    assert np.dtype(ct.bfloat16) == BF16


@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
def test_float8_dtypes_exist_apart_from_all_dtypes(dtype: ct.DType) -> None:
    assert dtype not in ct.all_dtypes  # not every operation takes them
    assert (dtype.itemsize, dtype.kind, dtype.is_floating) == (1, "f", True)
    assert ct.as_dtype(dtype.name) is dtype
    assert ct.as_dtype(getattr(ml_dtypes, dtype.name)) is dtype
    assert np.dtype(dtype) == dtype.numpy


# ----------------------------------------------------------------------------- values


@pytest.mark.parametrize("device", DATA_DEVICES, ids=str)
def test_factories_make_bfloat16(device: ct.Device) -> None:
    def host(t: Any) -> Any:
        assert t.dtype is ct.bfloat16
        assert t.device == device
        return t.to_cpu().numpy()

    assert np.array_equal(
        host(ct.zeros((2, 3), dtype=ct.bfloat16, device=device)), np.zeros(6).reshape(2, 3)
    )
    assert host(ct.ones((4,), dtype="bfloat16", device=device)).tolist() == [1.0] * 4
    assert host(ct.full((2,), 1.1, dtype=ct.bfloat16, device=device)).tolist() == [1.1015625] * 2
    assert host(ct.arange(0, 3, dtype=ct.bfloat16, device=device)).tolist() == [0.0, 1.0, 2.0]
    assert host(ct.eye(2, dtype=ct.bfloat16, device=device)).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert host(ct.tensor([[0.1, -2.5]], dtype=ct.bfloat16, device=device)).tolist() == [
        [0.10009765625, -2.5]
    ]
    a = np.array([1.5, -0.0, np.inf], BF16)
    assert bits(ct.tensor(a, device=device)) == bits(a)  # a bfloat16 array keeps its dtype


def test_from_numpy_shares_bfloat16_memory() -> None:
    a = np.arange(6, dtype=np.float32).astype(BF16).reshape(2, 3)
    t = ct.from_numpy(a)
    assert t.dtype is ct.bfloat16
    a[0, 0] = 7
    assert t[0, 0].item() == 7.0
    ro = a[:, ::-1]
    ro.flags.writeable = False
    v = ct.from_numpy(ro)  # strided and read-only: still over the same memory
    assert v.tolist() == ro.astype(np.float32).tolist()


def test_scalars_that_do_not_fit_bfloat16_are_refused() -> None:
    t = ct.zeros((2,), dtype=ct.bfloat16)
    with pytest.raises(ct.DTypeError, match="does not fit bfloat16"):
        t + 1e39
    with pytest.raises(ct.DTypeError):
        ct.tensor([1e39], dtype=ct.bfloat16)
    assert t.tolist() == [0.0, 0.0]
    # a complex scalar makes a real floating tensor complex, as with float16
    assert (t + 1.5j).dtype is ct.complex64
    t[0] = float("inf")  # bfloat16 has infinities
    assert t.tolist() == [math.inf, 0.0]


@given(hnp.arrays(np.float32, hnp.array_shapes(max_dims=2, max_side=6)))
def test_astype_to_and_from_bfloat16_rounds_as_ml_dtypes(a: np.ndarray[Any, Any]) -> None:
    """Every float32 (NaN, infinities, subnormals, ties) rounds to nearest even."""
    for device in DATA_DEVICES:
        t = ct.tensor(a, device=device).astype(ct.bfloat16)
        with np.errstate(all="ignore"):
            want = a.astype(BF16)
        assert bits(t) == bits(want)
        back = t.astype(ct.float32).to_cpu().numpy()
        assert np.array_equal(back, want.astype(np.float32), equal_nan=True)


def test_astype_between_bfloat16_and_every_dtype() -> None:
    src = np.array([0.0, 1.0, 2.5, -3.75, 100.0, 127.0, 0.3], np.float32)
    for dtype in ct.all_dtypes:
        if dtype.kind == "c":  # complex to a real dtype is refused; the other way below
            b = ct.tensor(src).astype(ct.bfloat16).astype(dtype)
            assert b.dtype is dtype
            assert np.array_equal(b.numpy(), src.astype(BF16).astype(dtype.numpy))
            continue
        vals = (np.abs(src) if dtype.kind == "u" else src).astype(dtype.numpy)
        t = ct.tensor(vals)
        want = vals.astype(BF16)
        for device in (*DATA_DEVICES, ct.meta):
            b = t.to(device).astype(ct.bfloat16)
            assert (b.dtype, b.device, b.shape) == (ct.bfloat16, device, t.shape)
            if device is not ct.meta:
                assert bits(b) == bits(want)
                back = b.astype(dtype).to_cpu().numpy()
                assert np.array_equal(back, want.astype(dtype.numpy))


# ----------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize("device", DATA_DEVICES, ids=str)
def test_arithmetic_and_comparisons_follow_ml_dtypes(device: ct.Device) -> None:
    x = np.array([1.0, -2.5, 0.1, np.nan, np.inf, 3.0e38], np.float32).astype(BF16)
    y = np.array([3.0, 0.5, 0.2, 1.0, -np.inf, 3.0e38], np.float32).astype(BF16)
    a, b = ct.tensor(x, device=device), ct.tensor(y, device=device)
    with np.errstate(all="ignore"):
        cases = [
            (a + b, x + y),
            (a - b, x - y),
            (a * b, x * y),
            (a / b, x / y),
            (a * 2.5, x * BF16.type(2.5)),
            (-a, -x),
            (abs(a), abs(x)),
        ]
        compares = [(a < b, x < y), (a >= b, x >= y), (a == b, x == y), (a != 1.0, x != 1)]
    for got, want in cases:
        assert got.dtype is ct.bfloat16
        assert bits(got) == bits(want)
    for got, want in compares:  # no "invalid value" warning for NaN, as with NumPy's floats
        assert got.dtype is ct.bool_
        assert got.to_cpu().tolist() == want.tolist()


@pytest.mark.parametrize("device", DATA_DEVICES, ids=str)
def test_sum_prod_and_mean_accumulate_in_float32(device: ct.Device) -> None:
    """ml_dtypes adds bfloat16 in bfloat16: 1000 ones sum to 256. corten (as PyTorch)
    accumulates in float32 and rounds the result once."""
    t = ct.ones((1000,), dtype=ct.bfloat16, device=device)
    assert t.sum().dtype is ct.bfloat16
    assert t.sum().to_cpu().item() == 1000.0
    assert t.mean().to_cpu().item() == 1.0
    assert t.reshape((10, 100)).sum(axis=1).to_cpu().tolist() == [100.0] * 10
    r = ct.full((20,), 1.0078125, dtype=ct.bfloat16, device=device)  # 1 + 2**-7
    assert r.prod().to_cpu().item() == float(np.float32(1.0078125**20).astype(BF16))
    v = np.array([1.0, np.nan, -5.0], BF16)
    assert math.isnan(ct.tensor(v, device=device).max().to_cpu().item())
    assert ct.tensor(v, device=device).argmin().to_cpu().item() == 1  # NaN first, as NumPy


def test_meta_infers_bfloat16_results() -> None:
    t = ct.zeros((3, 4), dtype=ct.bfloat16, device=ct.meta)
    for r in (t + t, t * 2.0, t.sum(axis=0), t.mean(), t.T.contiguous(), t.max()):
        assert (r.dtype, r.device) == (ct.bfloat16, ct.meta)
    assert (t < t).dtype is ct.bool_
    assert t.argmax().dtype is ct.int64


# ----------------------------------------------------------------------------- host views


def test_views_repr_and_python_values() -> None:
    t = ct.tensor(np.arange(12, dtype=np.float32).reshape(3, 4) / 3).astype(ct.bfloat16)
    v = t[::2, 1:].T
    assert v.dtype is ct.bfloat16
    assert v.tolist() == t.numpy()[::2, 1:].T.astype(np.float32).tolist()
    assert type(t[1, 1].item()) is float
    assert float(t[0, 1]) == 0.333984375
    assert "dtype=bfloat16" in repr(t)
    assert t.numpy().dtype == BF16
    assert not t.numpy().flags.writeable
    assert np.asarray(v).dtype == BF16


def test_no_array_interface_or_buffer_for_bfloat16() -> None:
    """The array interface would describe it as void ("<V2"), and the buffer protocol
    has no format for it: NumPy then takes ``__array__``, which keeps the dtype."""
    v = ct.ones((2, 2), dtype=ct.bfloat16).view()
    assert not hasattr(v, "__array_interface__")
    assert np.asarray(v).dtype == BF16
    with pytest.raises(BufferError, match="bfloat16"):
        v.__buffer__(0)


@pytest.mark.parametrize("protocol", [2, 5])
@pytest.mark.parametrize("kind", ["owner", "view", "view_mut"])
def test_pickle_keeps_bfloat16(protocol: int, kind: str) -> None:
    owner = ct.tensor(np.array([[1.5, -0.0], [np.nan, 3e38]], np.float32)).astype(ct.bfloat16)
    t = {"owner": owner, "view": owner.view()[:, ::-1], "view_mut": owner.view_mut()}[kind]
    back = pickle.loads(pickle.dumps(t, protocol=protocol))
    assert type(back) is type(t)
    assert back.dtype is ct.bfloat16
    assert bits(back) == bits(t)
    sim = pickle.loads(pickle.dumps(owner.to(ct.sim), protocol=protocol))
    assert (sim.device, bits(sim)) == (ct.sim(0), bits(owner))


def test_to_bytes_and_to_dict_round_trip() -> None:
    t = ct.tensor(np.array([0.1, -np.inf, np.nan, 65536.0], np.float32)).astype(ct.bfloat16)
    back = ct.from_bytes(t.to_bytes())
    assert (back.dtype, bits(back)) == (ct.bfloat16, bits(t))
    d = t.to_dict()
    assert d == {"dtype": "bfloat16", "shape": [4], "data": [0.10009765625, "-inf", "nan", 65536.0]}
    again = ct.from_dict(d)
    assert again.dtype is ct.bfloat16
    assert bits(again) == bits(t)
    with pytest.raises(ct.SerializationError, match="too large for bfloat16"):
        ct.from_dict({"dtype": "bfloat16", "shape": [1], "data": [1e39]})


# ----------------------------------------------------------------------------- safetensors


def _header(blob: bytes) -> dict[str, Any]:
    import json

    n = int.from_bytes(blob[:8], "little")
    return json.loads(blob[8 : 8 + n])  # type: ignore[no-any-return]


def test_safetensors_names_bfloat16_and_float8() -> None:
    tensors = {
        "bf": ct.ones((2,), dtype=ct.bfloat16),
        "e4": ct.ones((3,), dtype=ct.float8_e4m3fn),
        "e5": ct.ones((1,), dtype=ct.float8_e5m2),
    }
    f = io.BytesIO()
    ct.save(f, tensors)
    header = _header(f.getvalue())
    assert {k: header[k]["dtype"] for k in tensors} == {
        "bf": "BF16",
        "e4": "F8_E4M3",
        "e5": "F8_E5M2",
    }
    loaded = ct.load(io.BytesIO(f.getvalue()))
    for name, t in tensors.items():
        assert loaded[name].dtype is t.dtype
        assert loaded[name].tolist() == t.tolist()


@requires_torch
@requires_safetensors
@pytest.mark.parametrize("mmap", [True, False])
def test_torch_checkpoints_with_bfloat16_and_float8_load(tmp_path: Path, mmap: bool) -> None:
    import torch
    from safetensors.torch import load_file, save_file

    g = torch.Generator().manual_seed(0)
    theirs = {
        "w": torch.randn(4, 3, generator=g).to(torch.bfloat16),
        "e4": torch.randn(5, generator=g).to(torch.float8_e4m3fn),
        "e5": torch.randn(2, 2, generator=g).to(torch.float8_e5m2),
        "b": torch.arange(3, dtype=torch.float32),
    }
    save_file(theirs, tmp_path / "torch.safetensors")
    loaded = ct.load(tmp_path / "torch.safetensors", mmap=mmap)
    for name, tt in theirs.items():
        t = loaded[name]
        assert str(tt.dtype) == f"torch.{t.dtype.name}"
        assert t.numpy().astype(np.float32).tolist() == tt.float().tolist()
    # and what corten writes, torch reads back bit for bit
    ct.save(tmp_path / "corten.safetensors", loaded)
    again = load_file(tmp_path / "corten.safetensors")
    for name, tt in theirs.items():
        assert again[name].dtype == tt.dtype
        assert torch.equal(again[name].view(torch.uint8), tt.view(torch.uint8))


# ----------------------------------------------------------------------------- DLPack


@requires_torch
@pytest.mark.parametrize("dtype", [ct.bfloat16, *FLOAT8], ids=str)
def test_torch_shares_bfloat16_and_float8_through_dlpack(dtype: ct.DType) -> None:
    import torch

    a = np.arange(12, dtype=np.float32).reshape(3, 4).astype(dtype.numpy)
    t = ct.tensor(a)
    tt = torch.from_dlpack(t)  # NumPy cannot export these dtypes: corten relabels its capsule
    assert str(tt.dtype) == f"torch.{dtype.name}"
    assert tt.data_ptr() == t._np().ctypes.data
    assert tt.float().tolist() == a.astype(np.float32).tolist()
    frozen = t.view()[:, 1::2]
    tv = torch.from_dlpack(frozen)
    assert tuple(tv.stride()) == frozen.strides
    assert tv.float().tolist() == a[:, 1::2].astype(np.float32).tolist()
    back = ct.from_dlpack(tt.t()[1:])  # and back, zero-copy, strides kept
    assert back.dtype is dtype
    assert back._np().ctypes.data == tt.t()[1:].data_ptr()
    assert back.strides == tuple(tt.t()[1:].stride())
    assert back.tolist() == a.T[1:].astype(np.float32).tolist()
    tt[0, 1] = 8  # element [0, 0] of tt.t()[1:]
    assert back.tolist()[0][0] == 8.0
    assert t.tolist()[0][1] == 8.0  # the owner exported a writable alias


def test_numpy_cannot_import_bfloat16_by_dlpack_and_nothing_leaks() -> None:
    t = ct.ones((3,), dtype=ct.bfloat16)
    v = t.view()
    buf = v._storage.buffer
    holders = buf.holders
    with pytest.raises(RuntimeError, match="dtype"):  # NumPy's own refusal, not a crash
        np.from_dlpack(v)
    gc.collect()
    assert buf.holders == holders  # the capsule NumPy dropped gave its pin back
    assert v.__dlpack_device__() == (1, 0)


# ----------------------------------------------------------------------------- pipelines


def test_bfloat16_conversions_inside_pipelines_match_ml_dtypes() -> None:
    from corten.pipelines.half import bf16_to_float, float_to_bf16

    patterns = np.arange(2**16, dtype=np.uint16)
    want = patterns.view(BF16).astype(np.float32)
    got = np.array([bf16_to_float(b) for b in patterns], dtype=np.float32)
    assert np.array_equal(got, want, equal_nan=True)
    finite = np.unique(want[np.isfinite(want)].astype(np.float64))
    mids = (finite[:-1] + finite[1:]) / 2  # ties: to even
    edges = [3.3895313892515355e38, 3.4e38, 1e39, -1e39, 2.0**-134, -0.0, np.nan, -np.nan]
    rounding = [1 + 2**-8 + 2**-30]  # through float32 first, as ml_dtypes rounds a float64
    probes = np.concatenate([finite, mids, edges, rounding])
    got_bits = np.array([float_to_bf16(x) for x in probes], dtype=np.uint16)
    with np.errstate(all="ignore"):
        want_bits = probes.astype(BF16).view(np.uint16)
    assert got_bits.tolist() == want_bits.tolist()


def test_pipelines_over_bfloat16_compile_and_match_the_reference() -> None:
    a = np.linspace(-3, 3, 40, dtype=np.float32).astype(BF16).reshape(5, 8)
    t = ct.tensor(a)
    out = t.par_iter().map(lambda x: x * 2.1).collect()
    assert out.dtype is ct.bfloat16
    assert bits(out) == bits((a.astype(np.float64) * 2.1).astype(BF16))  # via float32
    assert t.par_iter().sum() == math.fsum(a.astype(np.float64).ravel().tolist())
    assert t.par_iter().max() == float(a.astype(np.float32).max())
    assert t.map(lambda x: x > 0).dtype is ct.bool_
    i = t.par_iter().enumerate().map(lambda k, x: k * x).collect()
    assert i.dtype is ct.float64  # int64 meets bfloat16 as it meets float16
    m = t.clone()
    m.apply_(lambda x: x + 1)
    assert bits(m) == bits((a.astype(np.float32) + 1).astype(BF16))


def test_pipelines_on_cuda_run_bfloat16_on_the_host(cuda_emu: None) -> None:
    h = ct.tensor(np.linspace(-2, 2, 12, dtype=np.float32)).astype(ct.bfloat16)
    d = h.to(ct.cuda)
    with pytest.warns(ct.CompilationWarning, match="bfloat16"):
        out = d.par_iter().map(lambda x: x * 3).collect()
    assert (out.device, out.dtype) == (ct.cuda(0), ct.bfloat16)
    assert bits(out) == bits(h.par_iter().map(lambda x: x * 3).collect())
    assert d.par_iter().sum() == h.par_iter().sum()


# ----------------------------------------------------------------------------- cuda


def test_cuda_kernels_compute_bfloat16_in_float32(cuda_emu: None) -> None:
    x = np.array([1.0, -2.5, 0.1, np.nan, 3.0e38, 1e-40], np.float32)
    h = ct.tensor(x).astype(ct.bfloat16)
    d = h.to(ct.cuda)
    with np.errstate(all="ignore"):
        assert bits(d * d + 1.0) == bits(h * h + 1.0)
        assert bits(d.astype(ct.float16)) == bits(h.astype(ct.float16))  # 16 bits too
    assert bits(d.astype(ct.float32).astype(ct.bfloat16)) == bits(h)
    assert ct.ones((1000,), dtype=ct.bfloat16, device=ct.cuda).sum().to_cpu().item() == 1000.0
    assert (d > 0).to_cpu().tolist() == (h > 0).tolist()


@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
def test_float8_on_cuda_moves_but_has_no_kernels(cuda_emu: None, dtype: ct.DType) -> None:
    h = ct.tensor(np.array([1.0, -0.5, 2.0], np.float32)).astype(dtype)
    d = h.to(ct.cuda)
    assert d.to_cpu().tolist() == [1.0, -0.5, 2.0]
    with pytest.raises(ct.DTypeError, match=f"no CUDA kernels for dtype {dtype.name}"):
        d + d
    with pytest.raises(ct.DTypeError, match="astype"):
        d.astype(ct.float32)


# ----------------------------------------------------------------------------- float8


@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
def test_float8_is_stored_converted_and_serialized(dtype: ct.DType) -> None:
    src = np.array([[0.0, 1.5, -2.0], [0.125, 240.0, np.nan]], np.float32)
    t = ct.tensor(src).astype(dtype)
    want = src.astype(dtype.numpy)
    assert t.dtype is dtype
    assert t.numpy().tobytes() == want.tobytes()
    flipped = np.array(t[:, ::-1].tolist(), np.float32)
    assert np.array_equal(flipped, want[:, ::-1].astype(np.float32), equal_nan=True)
    assert np.array_equal(t.astype(ct.float32).numpy(), want.astype(np.float32), equal_nan=True)
    assert ct.from_numpy(want).dtype is dtype
    for back in (
        ct.from_bytes(t.to_bytes()),
        pickle.loads(pickle.dumps(t, protocol=5)),
        ct.from_dict(t.to_dict()),
    ):
        assert back.dtype is dtype
        assert back.numpy().tobytes() == want.tobytes()
    z = ct.zeros((2, 2), dtype=dtype, device=ct.meta)
    assert (z.T.dtype, z.T.shape) == (dtype, (2, 2))


def test_float8_e4m3fn_has_no_infinity() -> None:
    t = ct.ones((2,), dtype=ct.float8_e4m3fn)
    with pytest.raises(ct.DTypeError, match="no infinity"):
        t[0] = float("inf")
    with pytest.raises(ct.DTypeError, match="no infinity"):
        ct.tensor([1.0, -math.inf], dtype=ct.float8_e4m3fn)
    with pytest.raises(ct.SerializationError, match="too large for float8_e4m3fn"):
        ct.from_dict({"dtype": "float8_e4m3fn", "shape": [1], "data": ["inf"]})
    assert t.tolist() == [1.0, 1.0]
    assert ct.tensor([math.inf], dtype=ct.float8_e5m2).tolist() == [math.inf]


def test_float8_pipelines_run_in_python() -> None:
    t = ct.tensor([1.0, 2.0, 3.0]).astype(ct.float8_e5m2)
    with pytest.warns(ct.CompilationWarning, match="float8_e5m2"):
        assert t.par_iter().map(lambda x: x * 2).collect().tolist() == [2.0, 4.0, 6.0]


# ----------------------------------------------------------------------------- promotion


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (ct.bfloat16, ct.bfloat16, ct.bfloat16),
        (ct.bfloat16, ct.float16, ct.float32),
        (ct.float16, ct.bfloat16, ct.float32),
        (ct.bfloat16, ct.float32, ct.float32),
        (ct.bfloat16, ct.float64, ct.float64),
        (ct.bfloat16, ct.complex64, ct.complex64),
        (ct.bfloat16, ct.complex128, ct.complex128),
    ],
)
def test_bfloat16_promotes_as_a_16_bit_float(a: ct.DType, b: ct.DType, expected: ct.DType) -> None:
    assert ct.result_type(a, b) is expected
    x = ct.ones((2,), dtype=a) + ct.ones((2,), dtype=b)
    assert x.dtype is expected
    assert x.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("other", [ct.bool_, ct.int8, ct.uint8, ct.int64])
def test_bfloat16_does_not_mix_kinds(other: ct.DType) -> None:
    with pytest.raises(ct.DTypeError, match="different kinds"):
        ct.result_type(ct.bfloat16, other)


@pytest.mark.parametrize("dtype", FLOAT8)
def test_float8_promotes_only_with_itself(dtype: ct.DType) -> None:
    assert ct.result_type(dtype, dtype) is dtype
    t = ct.ones((2,), dtype=dtype)
    assert (t + t).dtype is dtype
    for other in (ct.bfloat16, ct.float16, ct.float32, ct.float64, ct.int8, ct.bool_):
        with pytest.raises(ct.DTypeError, match="storage types"):
            ct.result_type(dtype, other)
        with pytest.raises(ct.DTypeError, match="storage types"):
            t + ct.ones((2,), dtype=other)
    with pytest.raises(ct.DTypeError, match="no complex counterpart"):
        t + 1j
    assert t.tolist() == [1.0, 1.0]


def test_namespace_info_lists_only_the_standard_dtypes() -> None:
    listed = set(ct.__array_namespace_info__().dtypes().values())
    assert ct.bfloat16 in ct.all_dtypes
    assert not listed & {ct.bfloat16, ct.float8_e4m3fn, ct.float8_e5m2}
    assert ct.complex64 in listed
