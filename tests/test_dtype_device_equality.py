"""DTypes and devices compare equal to the spellings users type, and NumPy reads dtypes.

``t.dtype == np.int64``, ``t.dtype == "float32"`` and ``t.device == "cpu"`` used to be
False without a word; ``np.dtype(t.dtype)`` raised ``TypeError: Cannot interpret
'corten.uint8' as a data type`` (scikit-image calls it on every image).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pytest
from conftest import dtype_id

import corten as ct

DTYPES = (*ct.all_dtypes, ct.float8_e4m3fn, ct.float8_e5m2)


def spellings(dtype: ct.DType) -> list[Any]:
    """The ways users name ``dtype``: its name, NumPy dtype and NumPy scalar type."""
    out: list[Any] = [dtype.name, dtype.numpy, dtype.numpy.type, type(dtype)]
    if dtype.numpy.type.__module__ == "numpy":  # ml_dtypes' types have no codes
        out += [dtype.numpy.str, dtype.numpy.char]  # such as "<f4" and "f"
    return out


# ----------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_a_dtype_equals_every_spelling_of_itself_and_no_other(dtype: ct.DType) -> None:
    for other in DTYPES:
        for s in spellings(other):
            assert (dtype == s) is (other is dtype), (dtype, s)
            assert (dtype != s) is (other is not dtype), (dtype, s)
            assert (s == dtype) is (other is dtype), (s, dtype)  # reflected, NumPy's side too


def test_tensor_dtypes_compare_with_numpy_types_and_names() -> None:
    t = ct.tensor([1, 2])
    assert t.dtype == np.int64
    assert t.dtype == "int64"
    assert t.dtype == np.dtype("int64")
    assert t.dtype == int  # NumPy's default integer, as np.dtype("int64") == int
    assert t.dtype != np.int32
    assert t.dtype != "float32"
    f = ct.ones((2,), dtype=ct.float32)
    assert f.dtype == "float32"
    assert f.dtype == np.float32
    assert f.dtype == "f4"
    assert f.dtype == np.dtype(">f4")  # corten stores native order: as_dtype maps it here
    assert ct.ones((1,), dtype=ct.bfloat16).dtype == "bfloat16"


def test_a_dtype_never_equals_an_unsupported_numpy_dtype() -> None:
    assert ct.float32 != np.complex64
    assert ct.float32 != "complex64"
    assert ct.int64 != np.dtype("M8[s]")
    assert ct.uint8 != np.dtype([("a", "u1")])


@pytest.mark.parametrize("other", [None, 1, 1.5, "banana", "", [ct.float32], object()])
def test_comparing_a_dtype_with_unrelated_objects_is_not_implemented(other: Any) -> None:
    assert ct.float32.__eq__(other) is NotImplemented
    assert ct.float32 != other
    assert operator.eq(ct.float32, other) is False


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_a_dtype_hashes_like_its_numpy_dtype(dtype: ct.DType) -> None:
    assert hash(dtype) == hash(dtype.numpy)
    assert {dtype.numpy: "x"}[dtype] == "x"
    assert {dtype: "x"}[dtype.numpy] == "x"
    assert len({dtype, dtype.numpy}) == 1


def test_dtypes_as_dict_keys_stay_distinct() -> None:
    table = {d: d.name for d in DTYPES}
    assert len(table) == len(DTYPES)
    assert all(table[d] == d.name for d in DTYPES)


# ----------------------------------------------------------------------------- NumPy reads


@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
def test_numpy_interprets_every_dtype(dtype: ct.DType) -> None:
    assert np.dtype(dtype) == dtype.numpy
    assert np.dtype(type(dtype)) == dtype.numpy  # the marker class too
    assert np.zeros(3, dtype=dtype).dtype == dtype.numpy
    assert np.empty((2, 1), dtype=dtype).dtype == dtype.numpy
    assert np.arange(3).astype(dtype).dtype == dtype.numpy


@pytest.mark.parametrize("dtype", ct.all_dtypes, ids=dtype_id)
def test_numpy_interprets_a_tensors_dtype(dtype: ct.DType) -> None:
    t = ct.zeros((2, 2), dtype=dtype)
    assert np.dtype(t.dtype) == dtype.numpy
    assert np.zeros(3, dtype=t.dtype).dtype == dtype.numpy
    assert np.issubdtype(t.dtype, np.dtype(dtype.numpy))
    assert np.asarray(t, dtype=t.dtype).dtype == dtype.numpy


# ----------------------------------------------------------------------------- devices


def test_devices_equal_the_strings_that_name_them() -> None:
    t = ct.tensor([1, 2])
    assert t.device == "cpu"
    assert t.device == "cpu:0"
    assert operator.eq("cpu", t.device)  # reflected
    assert t.device != "sim:0"
    s = t.to("sim:0")
    assert s.device == "sim:0"
    assert s.device == "sim"
    assert s.device != "sim:1"
    assert s.device != "cpu"
    assert ct.sim(1) == "sim:1"
    assert ct.sim(1) != "sim"
    assert ct.cuda(2) == "cuda:2"
    assert ct.meta == "meta"
    assert ct.cpu != "cpu:1"


@pytest.mark.parametrize("other", [None, 0, "banana", "cuda:x", "gpu", ("cpu", 0), object()])
def test_comparing_a_device_with_unrelated_objects_is_not_implemented(other: Any) -> None:
    assert ct.cpu.__eq__(other) is NotImplemented
    assert ct.cpu != other
    assert operator.eq(ct.cpu, other) is False


def test_a_device_hashes_as_before() -> None:
    assert hash(ct.sim(1)) == hash(ct.as_device("sim:1"))
    assert {ct.cpu: 1, ct.sim: 2, ct.sim(1): 3, ct.meta: 4}[ct.as_device("sim")] == 2
