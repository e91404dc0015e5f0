"""The array API's creation functions: asarray's copy rules, the standard's arguments of
corten's factories, linspace, meshgrid, tril and triu, with NumPy as the oracle."""

from __future__ import annotations

import inspect
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import corten as ct

DEVICES = [ct.cpu, ct.sim, ct.meta]
DATA_DEVICES = [ct.cpu, ct.sim]


def host(t: Any) -> np.ndarray[Any, Any]:
    return np.asarray(t.to_cpu().numpy())


def test_signatures_are_the_standards() -> None:
    P, K, PK = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.KEYWORD_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )
    expected = {
        ct.asarray: [("obj", P), ("dtype", K), ("device", K), ("copy", K)],
        ct.linspace: [
            ("start", P),
            ("stop", P),
            ("num", PK),
            ("dtype", K),
            ("device", K),
            ("endpoint", K),
        ],
        ct.tril: [("x", P), ("k", K)],
        ct.triu: [("x", P), ("k", K)],
    }
    for fn, params in expected.items():
        got = [(p.name, p.kind) for p in inspect.signature(fn).parameters.values()]
        assert got == params, fn.__name__
    # corten's own factories take the standard's keywords (positional use stays allowed)
    for fn in (ct.zeros, ct.ones, ct.empty, ct.full, ct.arange, ct.eye):
        params = inspect.signature(fn).parameters
        assert {"dtype", "device"} <= set(params), fn.__name__
    assert inspect.signature(ct.eye).parameters["k"].kind is K
    mesh = inspect.signature(ct.meshgrid).parameters
    assert mesh["indexing"].kind is K
    assert mesh["indexing"].default == "xy"


# ----------------------------------------------------------------------------- asarray


@pytest.mark.parametrize("device", DATA_DEVICES, ids=str)
def test_asarray_of_a_tensor(device: Any) -> None:
    x = ct.tensor([1, 2, 3], dtype=ct.int32, device=device)
    assert ct.asarray(x) is x
    assert ct.asarray(x, copy=False) is x
    assert ct.asarray(x, dtype=ct.int32, device=device) is x
    c = ct.asarray(x, copy=True)
    assert isinstance(c, ct.Tensor)
    assert c is not x
    c += 1  # writable, and independent
    assert host(x).tolist() == [1, 2, 3]
    v = x.view()
    assert ct.asarray(v) is v
    assert isinstance(ct.asarray(v, copy=True), ct.Tensor)
    wider = ct.asarray(x, dtype=ct.int64)
    assert wider.dtype is ct.int64
    assert wider.device == device
    moved = ct.asarray(x, device=ct.sim(1))
    assert moved.device == ct.sim(1)
    assert host(moved).tolist() == [1, 2, 3]
    for kwargs in ({"dtype": ct.int64}, {"device": ct.sim(1)}):
        with pytest.raises(ct.CopyError, match=r"copy=False\) cannot share") as info:
            ct.asarray(x, copy=False, **kwargs)
        assert isinstance(info.value, ValueError)


def test_asarray_shares_numpy_memory_unless_asked_to_copy() -> None:
    a = np.arange(4.0)
    t = ct.asarray(a)
    assert t.dtype is ct.float64
    t += 1.0
    assert a.tolist() == [1.0, 2.0, 3.0, 4.0]
    s = ct.asarray(a, copy=False)
    a[0] = -1.0
    assert s.tolist()[0] == -1.0
    c = ct.asarray(a, copy=True)
    c += 100.0
    assert a[1] == 2.0
    conv = ct.asarray(a, dtype=ct.float32)
    assert conv.dtype is ct.float32
    assert ct.asarray(a, device=ct.sim).device == ct.sim
    with pytest.raises(ct.CopyError, match="float32"):
        ct.asarray(a, dtype=ct.float32, copy=False)
    with pytest.raises(ct.CopyError, match="sim"):
        ct.asarray(a, device=ct.sim, copy=False)
    with pytest.raises(ct.CopyError, match="byte order"):
        ct.asarray(a.astype(">f8"), copy=False)
    assert ct.asarray(a.astype(">f8")).tolist() == a.tolist()
    assert ct.asarray(np.float32(2.5)).dtype is ct.float32
    with pytest.raises(ct.DTypeError, match="no corten dtype"):
        ct.asarray(np.array(["a"]))


def test_asarray_of_python_data() -> None:
    cases = [
        (True, ct.bool_),
        (3, ct.int64),
        (2.5, ct.float32),
        (1 + 2j, ct.complex64),
        ([True, False], ct.bool_),
        ([1, 2], ct.int64),
        ([1, 2.5], ct.float32),
        ([[1, 2j]], ct.complex64),
        ((1, 2), ct.int64),
    ]
    for data, dtype in cases:
        t = ct.asarray(data)
        assert isinstance(t, ct.Tensor)
        assert t.dtype is dtype, data
        assert t.tolist() == np.asarray(data).tolist()
    assert ct.asarray([1, 2], dtype=ct.float64).dtype is ct.float64
    assert ct.asarray([1.5], device=ct.sim).device == ct.sim
    with pytest.raises(ct.DTypeError, match="float values do not fit"):
        ct.asarray([1.5], dtype=ct.int32)
    with pytest.raises(ct.CopyError, match="always copied"):
        ct.asarray([1, 2], copy=False)


def test_asarray_of_dlpack_and_buffer_objects() -> None:
    raw = bytearray(b"\x01\x02\x03")
    t = ct.asarray(raw)
    assert t.dtype is ct.uint8
    assert t.tolist() == [1, 2, 3]
    torch = pytest.importorskip("torch")
    src = torch.arange(3, dtype=torch.float32)
    u = ct.asarray(src)
    assert u.dtype is ct.float32
    src[0] = 7.0
    assert u.tolist() == [7.0, 1.0, 2.0]  # shared, as from_dlpack shares


# ----------------------------------------------------------------------------- factories


@pytest.mark.parametrize("device", DEVICES, ids=str)
def test_factories_take_none_for_dtype_and_device(device: Any) -> None:
    for t in (
        ct.zeros((2,), dtype=None, device=None),
        ct.ones(2, dtype=None, device=None),
        ct.empty((2, 1), dtype=None, device=None),
        ct.eye(2, dtype=None, device=None),
    ):
        assert t.dtype is ct.float32
        assert t.device == ct.cpu
    assert ct.full((2,), 1, dtype=None, device=None).dtype is ct.int64
    assert ct.arange(3, dtype=None, device=None).dtype is ct.int64
    assert ct.arange(0.0, 1.0, 0.5, device=device).device == device
    z = ct.zeros((2,), device=device)
    for fn in (ct.zeros_like, ct.ones_like, ct.empty_like):
        like = fn(z, dtype=None, device=None)
        assert like.device == device
        assert like.dtype is ct.float32
    assert ct.full_like(z, 2.5, dtype=None, device=None).device == device


@pytest.mark.parametrize("device", DEVICES, ids=str)
@pytest.mark.parametrize(("n", "m"), [(3, None), (2, 4), (4, 2), (0, 3)])
def test_eye_takes_k(n: int, m: Any, device: Any) -> None:
    for k in range(-4, 5):
        t = ct.eye(n, m, k=k, dtype=ct.int8, device=device)
        want = np.eye(n, m, k=k, dtype=np.int8)
        assert t.shape == want.shape
        if device.kind != "meta":
            assert host(t).tolist() == want.tolist()


# ----------------------------------------------------------------------------- linspace


@given(
    start=st.floats(-1e6, 1e6),
    stop=st.floats(-1e6, 1e6),
    num=st.integers(0, 40),
    endpoint=st.booleans(),
)
def test_linspace_matches_numpy(start: float, stop: float, num: int, endpoint: bool) -> None:
    want = np.linspace(start, stop, num, endpoint=endpoint)
    t = ct.linspace(start, stop, num, endpoint=endpoint, dtype=ct.float64)
    assert t.dtype is ct.float64
    assert t.tolist() == want.tolist()
    assert ct.linspace(start, stop, num, endpoint=endpoint).tolist() == (
        want.astype(np.float32).tolist()
    )


@pytest.mark.parametrize("device", DEVICES, ids=str)
def test_linspace_dtypes_and_devices(device: Any) -> None:
    t = ct.linspace(0, 1j, 3, device=device)
    assert t.dtype is ct.complex64
    assert t.shape == (3,)
    assert t.device == device
    if device.kind != "meta":
        assert host(t).tolist() == [0j, 0.5j, 1j]
    assert ct.linspace(1, 2, 2, dtype=ct.complex128, device=device).dtype is ct.complex128
    with pytest.raises(ct.DTypeError, match="floating"):
        ct.linspace(0, 10, 3, dtype=ct.int32, device=device)
    with pytest.raises(ct.DTypeError, match="complex bounds"):
        ct.linspace(0, 1j, 3, dtype=ct.float32, device=device)
    with pytest.raises(ct.ShapeError, match="num >= 0"):
        ct.linspace(0, 1, -1, device=device)
    with pytest.raises(ct.DTypeError, match="num is an int"):
        ct.linspace(0, 1, True, device=device)
    with pytest.raises(TypeError):
        ct.linspace(0, 1, 2.5, device=device)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- meshgrid


@pytest.mark.parametrize("device", DEVICES, ids=str)
@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sizes", [(3,), (3, 2), (2, 0, 4), (1, 3, 2)], ids=str)
def test_meshgrid_matches_numpy(sizes: tuple[int, ...], indexing: Any, device: Any) -> None:
    arrays = [np.arange(n, dtype=np.int16) * (i + 1) for i, n in enumerate(sizes)]
    got = ct.meshgrid(*(ct.tensor(a, device=device) for a in arrays), indexing=indexing)
    want = np.meshgrid(*arrays, indexing=indexing)
    assert isinstance(got, list)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert isinstance(g, ct.Tensor)
        assert g.shape == w.shape
        assert g.dtype is ct.int16
        assert g.device == device
        if device.kind != "meta":
            assert host(g).tolist() == w.tolist()


def test_meshgrid_promotes_and_checks() -> None:
    x, y = ct.meshgrid(ct.tensor([1, 2], dtype=ct.int8), ct.tensor([3], dtype=ct.uint8))
    assert x.dtype is ct.int16
    assert y.dtype is ct.int16
    assert ct.meshgrid() == []
    g = ct.meshgrid(ct.tensor([1.0, 2.0]))[0]
    g += 1.0  # results are writable owners
    with pytest.raises(ValueError, match="'xy' or 'ij'"):
        ct.meshgrid(ct.tensor([1]), indexing="yx")  # type: ignore[arg-type]
    with pytest.raises(ct.ShapeError, match="1-D"):
        ct.meshgrid(ct.zeros((2, 2)))
    with pytest.raises(ct.DeviceMismatchError, match="different devices"):
        ct.meshgrid(ct.zeros(2), ct.zeros(2, device=ct.sim))
    with pytest.raises(ct.DTypeError, match=r"int8 and float32.*astype"):
        ct.meshgrid(ct.zeros(2, dtype=ct.int8), ct.zeros(2))


# ----------------------------------------------------------------------------- tril, triu


@pytest.mark.parametrize("device", DEVICES, ids=str)
@given(
    a=hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=2, max_dims=4, max_side=5),
        elements=st.floats(-10, 10, width=32),
    ),
    k=st.integers(-6, 6),
)
def test_tril_triu_match_numpy(a: np.ndarray[Any, Any], k: int, device: Any) -> None:
    t = ct.tensor(a, device=device)
    for fn, ref in ((ct.tril, np.tril), (ct.triu, np.triu)):
        r = fn(t, k=k)
        assert isinstance(r, ct.Tensor)
        assert r.shape == a.shape
        assert r.dtype is ct.float32
        if device.kind != "meta":
            assert host(r).tolist() == ref(a, k=k).tolist()


def test_tril_of_a_view_is_a_new_owner() -> None:
    t = ct.arange(9).reshape(3, 3)
    r = ct.tril(t.T)
    r += 100  # writable
    assert t.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert ct.triu(t, k=-1).tolist() == np.triu(np.arange(9).reshape(3, 3), k=-1).tolist()


def test_tril_refuses_bad_input() -> None:
    with pytest.raises(ct.ShapeError, match="rank 2 or more"):
        ct.tril(ct.zeros(3))
    with pytest.raises(ct.DTypeError, match="takes a tensor"):
        ct.triu(np.zeros((2, 2)))  # type: ignore[arg-type]
    with pytest.raises(ct.DTypeError, match="k is an int"):
        ct.triu(ct.zeros((2, 2)), k=True)
