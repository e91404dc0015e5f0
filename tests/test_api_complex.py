"""complex64 and complex128 on every path: creation, arithmetic, reductions, views,
conversions, DLPack, pickle, dicts; safetensors refuses them clearly, and so do the
paths without complex kernels (cuda, the compiled pipelines)."""

from __future__ import annotations

import json
import operator
import pickle
import warnings
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import corten as ct

COMPLEX = (ct.complex64, ct.complex128)
DEVICES = [ct.cpu, ct.sim, ct.sim(1)]


def cid(x: Any) -> str:
    return str(x)


def complex_arrays(dtype: ct.DType, *, small: bool = True) -> Any:
    width = dtype.itemsize * 8
    part = st.floats(-100, 100, width=width // 2) if small else None
    elements = (
        st.builds(complex, part, part)
        if part is not None
        else st.complex_numbers(width=width, allow_nan=True, allow_infinity=True)
    )
    return hnp.arrays(
        dtype.numpy, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=elements
    )


def same(got: Any, want: np.ndarray[Any, Any]) -> None:
    got_np = got.to_cpu().numpy()
    assert got_np.dtype == want.dtype
    np.testing.assert_allclose(got_np, want, rtol=1e-5, equal_nan=True)


# ----------------------------------------------------------------------------- creation


@pytest.mark.parametrize("device", [*DEVICES, ct.meta], ids=cid)
@pytest.mark.parametrize("dtype", COMPLEX, ids=cid)
def test_factories_make_complex_tensors(dtype: Any, device: Any) -> None:
    made = [
        ct.zeros((2, 3), dtype=dtype, device=device),
        ct.ones((2, 3), dtype=dtype, device=device),
        ct.empty((2, 3), dtype=dtype, device=device),
        ct.full((2, 3), 1 - 2j, dtype=dtype, device=device),
        ct.eye(2, 3, dtype=dtype, device=device),
        ct.zeros_like(ct.zeros((2, 3), device=device), dtype=dtype),
    ]
    for t in made:
        assert t.dtype is dtype
        assert t.shape == (2, 3)
        assert t.device == device
    if device.kind != "meta":
        assert made[3].to_cpu().tolist() == [[1 - 2j] * 3] * 2
        assert made[4].to_cpu().tolist() == [[1, 0, 0], [0, 1, 0]]


def test_python_complex_data_is_complex64_by_default() -> None:
    assert ct.tensor([1, 2j]).dtype is ct.complex64
    assert ct.full((2,), 1j).dtype is ct.complex64
    assert ct.tensor(np.array([1j])).dtype is ct.complex128  # a NumPy array keeps its dtype
    assert ct.tensor([1.5, 2.0], dtype=ct.complex128).tolist() == [1.5 + 0j, 2 + 0j]


def test_complex_data_does_not_go_into_real_tensors() -> None:
    with pytest.raises(ct.DTypeError, match="complex values do not fit a float32 tensor"):
        ct.tensor([1j], dtype=ct.float32)
    with pytest.raises(ct.DTypeError, match="complex scalar"):
        ct.full((2,), 1j, dtype=ct.float64)
    with pytest.raises(ct.DTypeError, match="do not fit complex64"):
        ct.tensor([complex(1e300, 0)], dtype=ct.complex64)


# ----------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize("device", DEVICES, ids=cid)
@pytest.mark.parametrize("dtype", COMPLEX, ids=cid)
@given(data=st.data())
def test_arithmetic_matches_numpy(dtype: Any, device: Any, data: Any) -> None:
    a = data.draw(complex_arrays(dtype))
    b = data.draw(hnp.arrays(dtype.numpy, a.shape, elements=st.just(complex(1.5, -0.5))))
    x, y = ct.tensor(a, device=device), ct.tensor(b, device=device)
    with np.errstate(all="ignore"):
        for fn in (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow):
            same(fn(x, y), fn(a, b))
            same(fn(x, 2), fn(a, dtype.numpy.type(2)))
        for fn in (operator.eq, operator.ne):
            assert fn(x, y).to_cpu().tolist() == fn(a, b).tolist()
        same(-x, -a)
        same(abs(x), np.abs(a))  # the real dtype of the same precision
    assert abs(x).dtype is (ct.float32 if dtype is ct.complex64 else ct.float64)


@pytest.mark.parametrize("device", DEVICES, ids=cid)
def test_in_place_arithmetic_on_complex(device: Any) -> None:
    z = ct.tensor([1 + 1j, 2 - 1j], dtype=ct.complex128, device=device)
    c = z.clone()
    z *= 1j
    z += ct.tensor([1.0, 1.0], dtype=ct.float64, device=device)
    z[0] = 5j
    assert z.to_cpu().tolist() == [5j, 2 + 2j]
    assert c.to_cpu().tolist() == [1 + 1j, 2 - 1j]
    z.fill_(-1j)
    assert z.to_cpu().tolist() == [-1j, -1j]


@pytest.mark.parametrize("device", [*DEVICES, ct.meta], ids=cid)
@pytest.mark.parametrize("dtype", COMPLEX, ids=cid)
def test_reductions(dtype: Any, device: Any) -> None:
    a = (np.arange(6).reshape(2, 3) * (1 + 2j) - 3j).astype(dtype.numpy)
    t = ct.tensor(a, device=device)
    results = [
        (t.sum(axis=0), a.sum(axis=0)),
        (t.prod(), np.asarray(a.prod())),
        (t.mean(axis=1), a.mean(axis=1)),
    ]
    for r, want in results:
        assert r.dtype is dtype
        if device.kind != "meta":
            same(r, want)


@pytest.mark.parametrize("device", DEVICES, ids=cid)
def test_views_and_copies(device: Any) -> None:
    a = (np.arange(12).reshape(3, 4) + 1j * np.arange(12).reshape(3, 4)).astype(np.complex64)
    t = ct.tensor(a, device=device)
    for view, ref in (
        (t.T, a.T),
        (t[1:, ::-2], a[1:, ::-2]),
        (t.reshape(4, 3), a.reshape(4, 3)),
        (t.permute(1, 0).flip(0), a.T[::-1]),
        (t.mT, a.T),
        (t[1], a[1]),
        (t[ct.tensor([2, 0], device=device)], a[[2, 0]]),
    ):
        same(view, ref)
        same(view.contiguous(), np.ascontiguousarray(ref))
    c = t.clone()
    t[0, 0] = 100j
    assert c.to_cpu().tolist()[0][0] == 0j


def test_text_forms() -> None:
    t = ct.tensor([1 + 2j, -3j])
    assert repr(t) == "tensor([ 1.+2.j, -0.-3.j])"
    assert repr(t.astype(ct.complex128)) == "tensor([ 1.+2.j, -0.-3.j], dtype=complex128)"
    assert repr(ct.tensor([1j], device=ct.sim)) == "tensor([0.+1.j], device='sim:0')"
    assert str(t) == "[ 1.+2.j -0.-3.j]"
    assert t.tolist() == [1 + 2j, -3j]
    assert t[1].item() == -3j
    assert complex(t[0]) == 1 + 2j
    assert (
        ct.zeros((2,), dtype=ct.complex64, device=ct.meta)
        .__repr__()
        .endswith("dtype=complex64, device='meta')")
    )


# ----------------------------------------------------------------------------- conversions


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=cid)
def test_astype(device: Any) -> None:
    f = ct.tensor([1.5, -2.0], dtype=ct.float32, device=device)
    z = f.astype(ct.complex64)
    assert z.dtype is ct.complex64
    assert z.to_cpu().tolist() == [1.5 + 0j, -2 + 0j]
    assert z.astype(ct.complex128).dtype is ct.complex128
    assert ct.tensor([0j, 1j], device=device).astype(ct.bool_).to_cpu().tolist() == [False, True]
    for target in (ct.float32, ct.float64, ct.int64):
        with pytest.raises(ct.DTypeError, match="drop the imaginary part"):
            z.astype(target)


@pytest.mark.parametrize("dtype", COMPLEX, ids=cid)
def test_dlpack_round_trips(dtype: Any) -> None:
    a = np.array([1 + 2j, -3.5j, complex("nan+1j")], dtype=dtype.numpy)
    t = ct.tensor(a)
    out = np.from_dlpack(t.view())
    assert out.dtype == a.dtype
    np.testing.assert_array_equal(out, a)
    back = ct.from_dlpack(a)
    assert back.dtype is dtype
    np.testing.assert_array_equal(back.numpy(), a)


@pytest.mark.requires_torch
def test_dlpack_with_torch() -> None:
    torch = pytest.importorskip("torch")
    t = ct.tensor([1 + 2j, 3 - 4j], dtype=ct.complex128)
    assert torch.from_dlpack(t.view()).tolist() == [1 + 2j, 3 - 4j]
    back = ct.from_dlpack(torch.tensor([5j], dtype=torch.complex64))
    assert back.dtype is ct.complex64
    assert back.tolist() == [5j]


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=cid)
def test_pickle(device: Any) -> None:
    t = ct.tensor([[1 + 2j, -1j]], dtype=ct.complex128, device=device)
    for x in (t, t.view(), t.view_mut()):
        y = pickle.loads(pickle.dumps(x))
        assert type(y) is type(x)
        assert y.dtype is ct.complex128
        assert y.to_cpu().tolist() == [[1 + 2j, -1j]]


def test_dicts_hold_real_imag_pairs() -> None:
    t = ct.tensor(np.array([[1 + 2j, complex(float("nan"), -float("inf"))]], dtype=np.complex64))
    d = t.to_dict()
    assert d == {"dtype": "complex64", "shape": [1, 2], "data": [[1.0, 2.0], ["nan", "-inf"]]}
    back = ct.from_dict(json.loads(json.dumps(d, allow_nan=False)))
    assert back.dtype is ct.complex64
    np.testing.assert_array_equal(back.numpy(), t.numpy())


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([1.0, 2.0], r"data\[0\] = 1.0 is not a \[real, imag\] pair"),
        ([[1.0, 2.0], [1.0]], r"data\[1\] = \[1.0\] is not a \[real, imag\] pair"),
        ([[1.0, 2.0], [1.0, "x"]], r"data\[1\].*has a part that is not a number"),
        ([[1.0, 2.0], [1e300, 0.0]], r"data\[1\].*too large for float32"),
    ],
)
def test_bad_complex_dicts_raise(data: Any, match: str) -> None:
    with pytest.raises(ct.SerializationError, match=match):
        ct.from_dict({"dtype": "complex64", "shape": [2], "data": data})


def test_safetensors_refuses_complex_clearly(tmp_path: Any) -> None:
    t = ct.tensor([1j])
    match = r"complex64, which the safetensors format cannot hold.*ct\.real\(t\)"
    with pytest.raises(ct.SerializationError, match=match):
        t.to_bytes()
    path = tmp_path / "x.safetensors"
    with pytest.raises(ct.SerializationError, match=match):
        ct.save(path, {"ok": ct.tensor([1.0]), "z": t})
    assert not path.exists()


# ----------------------------------------------------------------------------- refusals


def test_pipelines_refuse_complex() -> None:
    z = ct.tensor([1j])
    for run in (
        lambda: z.map(lambda x: x),
        lambda: z.par_iter(),
        lambda: ct.tensor([1.0]).par_iter().zip(z),
        lambda: z.clone().apply_(lambda x: x),
    ):
        with pytest.raises(ct.DTypeError, match="complex tensors"):
            run()
    assert list(z.iter()) == [1j]  # host iteration works


def test_cuda_refuses_complex() -> None:
    import shutil

    if shutil.which("g++") is None:
        pytest.skip("cuda-emu: g++ is not installed")
    import cuda_emu_driver

    with cuda_emu_driver.installed():
        with pytest.raises(
            ct.DeviceUnavailableError, match="complex64 tensors cannot live on cuda"
        ):
            ct.zeros((2,), dtype=ct.complex64, device=ct.cuda)
        with pytest.raises(ct.DeviceUnavailableError, match="complex128"):
            ct.tensor([1j], dtype=ct.complex128).to(ct.cuda)
        f = ct.tensor([1.0], device=ct.cuda)
        with pytest.raises(ct.DeviceUnavailableError, match="complex64"):
            f * 1j
        ct.cuda(0).synchronize()


def test_warnings_stay_quiet() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = ct.tensor([1 + 1j, 0j])
        (z / ct.tensor([0j, 0j])).tolist()
