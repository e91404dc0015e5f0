"""``ct.tensor(x)`` keeps the dtype of an input that has one.

As with ``np.asarray`` and ``torch.as_tensor``: NumPy arrays and scalars, and objects
with ``__array_interface__``, ``__array__`` or ``__dlpack__`` (Pillow images, PyTorch
tensors) keep their element type. Only Python data (scalars and nested lists or tuples
of them) gets the defaults: bool, int64, float32.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import ALL_DTYPES, NUMERIC_DTYPES, arrays, assert_tensor_equal, dtype_params
from hypothesis import assume, given
from hypothesis import strategies as st

import corten as ct


class InterfaceOnly:
    """Exposes only ``__array_interface__``, as a Pillow image does."""

    def __init__(self, a: np.ndarray[Any, Any]) -> None:
        self._a = a

    @property
    def __array_interface__(self) -> dict[str, Any]:
        return self._a.__array_interface__


class ArrayOnly:
    """Exposes only ``__array__``."""

    def __init__(self, a: np.ndarray[Any, Any]) -> None:
        self._a = a

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray[Any, Any]:
        return self._a


class DLPackOnly:
    """Exposes only the DLPack protocol."""

    def __init__(self, a: np.ndarray[Any, Any]) -> None:
        self._a = a

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self._a.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self._a.__dlpack_device__()  # type: ignore[return-value]


WRAPPERS = (InterfaceOnly, ArrayOnly, DLPackOnly)


@pytest.mark.parametrize("wrap", WRAPPERS, ids=lambda w: w.__name__)
@given(st.sampled_from(ALL_DTYPES).flatmap(lambda d: arrays(d)))
def test_objects_exposing_an_array_keep_its_dtype(wrap: Any, a: np.ndarray[Any, Any]) -> None:
    # The array interface and NumPy's DLPack cannot carry ml_dtypes' bfloat16 (kind "V"):
    # only __array__ hands it over with its dtype.
    assume(wrap is ArrayOnly or a.dtype.kind != "V")
    before = a.copy()
    t = ct.tensor(wrap(a))
    assert t.dtype.numpy == a.dtype
    assert_tensor_equal(t, before)
    if a.size:  # a copy: writing the source leaves the tensor alone
        a.reshape(-1)[0] = not a.reshape(-1)[0] if a.dtype == bool else 0
        assert_tensor_equal(t, before)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (np.float64(2.5), ct.float64),
        (np.float16(1.5), ct.float16),
        (np.uint8(7), ct.uint8),
        (np.int32(-3), ct.int32),
        (np.bool_(True), ct.bool_),
        ([np.float64(1.0), np.float64(2.0)], ct.float64),
        ([[np.uint8(1), np.uint8(2)], [np.uint8(3), np.uint8(4)]], ct.uint8),
        ([np.arange(2, dtype=np.int16), np.arange(2, dtype=np.int16)], ct.int16),
        ((np.float64(1.0), np.float64(2.0)), ct.float64),
    ],
    ids=repr,
)
def test_numpy_scalars_and_lists_of_them_keep_their_dtype(value: Any, dtype: ct.DType) -> None:
    t = ct.tensor(value)
    assert t.dtype is dtype
    assert np.array_equal(t.numpy(), np.asarray(value))


def test_a_list_of_tensors_keeps_their_dtype() -> None:
    rows = [ct.tensor([1, 2], dtype=ct.uint8), ct.tensor([3, 4], dtype=ct.uint8)]
    t = ct.tensor(rows)
    assert t.dtype is ct.uint8
    assert t.tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (1.5, ct.float32),
        (3, ct.int64),
        (True, ct.bool_),
        ([1.5, 2.0], ct.float32),
        ([[1, 2], [3, 4]], ct.int64),
        (((1.0,), (2.0,)), ct.float32),
        ([True, False], ct.bool_),
        ([2**63], ct.uint64),
    ],
    ids=repr,
)
def test_python_data_gets_the_defaults(value: Any, dtype: ct.DType) -> None:
    assert ct.tensor(value).dtype is dtype


@dtype_params(NUMERIC_DTYPES)
def test_an_explicit_dtype_still_converts_with_checks(dtype: ct.DType) -> None:
    a = np.array([0, 1, 1], dtype=np.uint8)
    assert ct.tensor(InterfaceOnly(a), dtype=dtype).dtype is dtype
    if dtype.is_integer:
        with pytest.raises(ct.DTypeError, match="round"):
            ct.tensor(ArrayOnly(np.array([1.5])), dtype=dtype)
    with pytest.raises(ct.DTypeError, match="bool"):
        ct.tensor(InterfaceOnly(a), dtype=ct.bool_)


@pytest.mark.parametrize(
    ("mode", "dtype"),
    [("L", ct.uint8), ("RGB", ct.uint8), ("RGBA", ct.uint8), ("I;16", ct.uint16),
     ("I", ct.int32), ("F", ct.float32)],
)  # fmt: skip
def test_a_pillow_image_keeps_its_pixel_type(mode: str, dtype: ct.DType) -> None:
    image = pytest.importorskip("PIL.Image")
    img = image.new(mode, (5, 3), color=7 if mode not in ("RGB", "RGBA") else (1, 2, 3))
    t = ct.tensor(img)
    expected = np.asarray(img)
    assert t.dtype is dtype
    assert t.shape == expected.shape
    assert np.array_equal(t.numpy(), expected)


@pytest.mark.requires_torch
@pytest.mark.parametrize(
    "name", ["float64", "float32", "float16", "int32", "int16", "int8", "uint8", "bool"]
)
def test_a_torch_tensor_keeps_its_dtype(name: str) -> None:
    torch = pytest.importorskip("torch")
    src = torch.arange(6).reshape(2, 3).to(getattr(torch, name))
    t = ct.tensor(src)
    assert t.dtype is ct.as_dtype(name)
    assert t.tolist() == src.tolist()
    t += True if name == "bool" else 1  # a copy: the torch tensor is left alone
    assert src.tolist() == torch.arange(6).reshape(2, 3).to(getattr(torch, name)).tolist()


def test_device_memory_through_dlpack_names_the_import_to_use() -> None:
    class OnAGpu(DLPackOnly):
        def __dlpack_device__(self) -> tuple[int, int]:
            return (2, 0)  # kDLCUDA

    with pytest.raises(ct.DeviceMismatchError, match=r"ct\.from_dlpack\(x, copy=True\)"):
        ct.tensor(OnAGpu(np.zeros(3)))


def test_the_array_interface_is_read_once() -> None:
    """Pillow's ``__array_interface__`` copies the pixels: asking twice would copy twice."""
    calls = []

    class Counting(InterfaceOnly):
        @property
        def __array_interface__(self) -> dict[str, Any]:
            calls.append(1)
            return self._a.__array_interface__

    assert ct.tensor(Counting(np.zeros((2, 2), dtype=np.uint8))).dtype is ct.uint8
    assert len(calls) == 1
