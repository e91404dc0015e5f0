"""``__array_interface__`` on every cpu tensor, and ``tobytes``: what Pillow needs.

``Image.fromarray(t)`` failed on an owner (it had no ``__array_interface__``) and on a
cropped or flipped view (Pillow copies strided memory through ``tobytes()``, which tensors
lacked). Owners and mutable views now export the interface of a pinned read-only export:
its ``data`` is a buffer object that holds the pin, and NumPy keeps that object (not the
tensor) as the base of what it builds, so the memory can neither be freed nor changed
under the consumer. A later write to the tensor copies it away, as for ``t.numpy()``.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import numpy as np
import pytest
from conftest import ALL_DTYPES, dtype_params, tensor_and_array, values
from hypothesis import given

import corten as ct

tensor_mod = importlib.import_module("corten.tensor._conversions")  # where exports pin


def _kinds(t: Any) -> dict[str, Any]:
    """The tensor kinds over ``t``'s values: an owner, views and mutable views."""
    big = ct.tensor(np.stack([t.numpy(), t.numpy()]))
    return {
        "owner": t,
        "view": t.view(),
        "view_mut": t.view_mut(),
        "flipped view": big[1, ::-1],
        "flipped view_mut": big.view_mut()[0, ::-1],
        "cropped view": big[0, 1:],
        "cropped view_mut": big.view_mut()[1, 1:, ::2],
        "transposed owner": ct.from_numpy(np.asfortranarray(t.numpy())),
    }


# NumPy's array interface cannot describe ml_dtypes' types (bfloat16 reads back as void):
# corten refuses them there with an AttributeError (tests/test_bfloat16.py).
INTERFACE_DTYPES = tuple(d for d in ALL_DTYPES if d.numpy.kind != "V")


@dtype_params(INTERFACE_DTYPES)
def test_numpy_reads_every_kind_of_tensor_through_the_interface(dtype: ct.DType) -> None:
    t = ct.tensor(np.arange(24).reshape(4, 6).astype(dtype.numpy))
    for name, x in _kinds(t).items():
        iface = x.__array_interface__
        assert iface["version"] == 3, name
        assert iface["shape"] == x.shape, name
        assert np.dtype(iface["typestr"]) == dtype.numpy, name
        assert iface["strides"] is not None, name  # always given: Pillow then uses tobytes()
        out = np.array(_Exposes(iface), copy=False)
        assert not out.flags.writeable, name
        assert np.array_equal(out, values(x)), name
        with pytest.raises(ValueError, match="WRITEABLE"):
            out.flags.writeable = True


class _Exposes:
    """An object exposing a given interface dict (a consumer other than the tensor)."""

    def __init__(self, iface: dict[str, Any]) -> None:
        self.__array_interface__ = iface


def test_an_owner_exports_its_memory_zero_copy() -> None:
    t = ct.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    out = np.asarray(_Exposes(t.__array_interface__))
    assert np.shares_memory(out, t.numpy())


@pytest.mark.parametrize("write", ["setitem", "fill_", "iadd", "view_mut"])
def test_an_export_keeps_its_values_when_the_owner_is_written(write: str) -> None:
    t = ct.tensor(np.arange(6, dtype=np.int32).reshape(2, 3))
    before = t.numpy().copy()
    exports = [np.asarray(_Exposes(t.__array_interface__)), np.asarray(t)]
    gc.collect()  # nothing but the exports holds the interface's data
    if write == "setitem":
        t[0, 0] = 99
    elif write == "fill_":
        t.fill_(7)
    elif write == "iadd":
        t += 1
    else:
        t.view_mut()[1] = 5
    gc.collect()
    for out in exports:
        assert np.array_equal(out, before)
    assert not np.array_equal(t.numpy(), before)


@pytest.mark.parametrize("c_pin", [True, False], ids=["C pin", "Python pin"])
@pytest.mark.parametrize("kind", ["owner", "strided view_mut"])
def test_the_dict_alone_holds_the_memory(
    kind: str, c_pin: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not c_pin:
        monkeypatch.setattr(tensor_mod, "_FastPin", None)
    t = ct.tensor(np.arange(1000, dtype=np.float64).reshape(10, 100))
    x = t if kind == "owner" else t.view_mut()[::-3, 1::2]
    expected = values(x).copy()
    iface = x.__array_interface__
    del t, x
    gc.collect()
    out = np.asarray(_Exposes(iface))
    del iface
    gc.collect()
    np.ones(100_000)  # reuse freed memory, if any was freed
    assert np.array_equal(out, expected)


def test_the_export_pin_is_released_when_the_consumer_lets_go() -> None:
    t = ct.tensor(np.arange(6, dtype=np.int64))
    buf = t._storage.buffer
    out = np.asarray(t)
    assert buf.holders > 1
    del out
    gc.collect()
    assert buf.holders == 1
    t[0] = 5  # nobody holds the old values: written in place
    assert t._storage.buffer is buf


def test_a_mutable_view_export_keeps_its_values() -> None:
    t = ct.tensor(np.arange(12, dtype=np.uint8).reshape(3, 4))
    m = t.view_mut()[:, ::-1]
    out = np.asarray(m)
    m.fill_(0)
    assert out.tolist() == [[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8]]


@given(tensor_and_array())
def test_tobytes_is_ndarray_tobytes(case: Any) -> None:
    t, a = case
    assert t.tobytes() == a.tobytes()
    assert t.tobytes("C") == a.tobytes("C")
    assert t.tobytes("F") == a.tobytes("F")
    assert t.view().tobytes() == a.tobytes()


def test_tobytes_refuses_device_memory_and_bad_orders() -> None:
    with pytest.raises(ValueError, match="order"):
        ct.zeros((2,)).tobytes("X")  # type: ignore[arg-type]
    with pytest.raises(ct.DeviceMismatchError, match="meta"):
        ct.zeros((2,), device=ct.meta).tobytes()


# ----------------------------------------------------------------------------- Pillow


def _image_cases() -> dict[str, Any]:
    rgb = ct.tensor(np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3))
    gray = ct.tensor(np.arange(4 * 6, dtype=np.uint8).reshape(4, 6))
    return {
        "rgb owner": rgb,
        "rgb view": rgb.view(),
        "rgb crop": rgb[1:3, 2:5],
        "rgb flip": rgb[::-1],
        "rgb mirror": rgb[:, ::-1],
        "rgb view_mut": rgb.view_mut()[::2],
        "gray owner": gray,
        "gray view": gray.view(),
        "gray crop": gray[1:, 1:4],
        "rgba owner": ct.tensor(np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)),
        "float owner": ct.tensor(np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)),
        "uint16 owner": ct.tensor(np.arange(12, dtype=np.uint16).reshape(3, 4) * 1000),
        "from_numpy": ct.from_numpy(np.arange(12, dtype=np.uint8).reshape(3, 4)),
    }


@pytest.mark.parametrize("name", list(_image_cases()))
def test_pillow_makes_images_from_owners_and_views(name: str) -> None:
    image = pytest.importorskip("PIL.Image")
    t = _image_cases()[name]
    expected = values(t).copy()
    img = image.fromarray(t)
    assert img.size == (t.shape[1], t.shape[0])
    assert np.array_equal(np.asarray(img), expected)
    if isinstance(t, ct.Tensor):
        t.fill_(0)  # the image keeps the pixels it was given
        assert np.array_equal(np.asarray(img), expected)


def test_pillow_round_trip_through_a_file(tmp_path: Any) -> None:
    image = pytest.importorskip("PIL.Image")
    t = ct.tensor(np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3))
    path = tmp_path / "img.png"
    image.fromarray(t[:, ::-1]).save(path)
    with image.open(path) as img:
        back = ct.tensor(img)
    assert back.dtype is ct.uint8
    assert back.tolist() == t[:, ::-1].tolist()
