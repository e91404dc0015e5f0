"""The array API's data type functions: astype, can_cast, finfo, iinfo, isdtype and
result_type, checked against the standard's rules and NumPy's limits."""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import corten as ct
from corten.core.dtypes import promote_types

ALL = ct.all_dtypes
KINDS = {
    "bool": {ct.bool_},
    "signed integer": {ct.int8, ct.int16, ct.int32, ct.int64},
    "unsigned integer": {ct.uint8, ct.uint16, ct.uint32, ct.uint64},
    "real floating": {ct.float16, ct.float32, ct.float64, ct.bfloat16},
    "complex floating": {ct.complex64, ct.complex128},
}
KINDS["integral"] = KINDS["signed integer"] | KINDS["unsigned integer"]
KINDS["numeric"] = KINDS["integral"] | KINDS["real floating"] | KINDS["complex floating"]


def test_signatures_are_the_standards() -> None:
    P, K = inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.KEYWORD_ONLY
    expected = {
        ct.astype: [("x", P), ("dtype", P), ("copy", K), ("device", K)],
        ct.can_cast: [("from_", P), ("to", P)],
        ct.finfo: [("type", P)],
        ct.iinfo: [("type", P)],
    }
    for fn, params in expected.items():
        got = [(p.name, p.kind) for p in inspect.signature(fn).parameters.values()]
        assert got == params, fn.__name__
    assert list(inspect.signature(ct.isdtype).parameters) == ["dtype", "kind"]
    rt = inspect.signature(ct.result_type).parameters["arrays_and_dtypes"]
    assert rt.kind is inspect.Parameter.VAR_POSITIONAL


# ----------------------------------------------------------------------------- astype


@pytest.mark.parametrize("device", [ct.cpu, ct.sim, ct.meta], ids=str)
def test_astype(device: Any) -> None:
    x = ct.tensor([1.7, -2.5, 0.0], device=device)
    y = ct.astype(x, ct.int32)
    assert isinstance(y, ct.Tensor)
    assert y.dtype is ct.int32
    assert y.device == device
    if device.kind != "meta":
        assert y.to_cpu().tolist() == [1, -2, 0]
        assert ct.astype(x, ct.bool_).to_cpu().tolist() == [True, True, False]
    same = ct.astype(x, ct.float32)
    assert same is not x
    assert isinstance(same, ct.Tensor)
    assert ct.astype(x, ct.float32, copy=False) is x
    assert ct.astype(x, ct.float64, copy=False).dtype is ct.float64


def test_astype_copies_are_independent_and_can_move() -> None:
    x = ct.tensor([1, 2, 3])
    y = ct.astype(x, ct.int64)
    y += 1
    assert x.tolist() == [1, 2, 3]
    z = ct.astype(x, ct.float64, device=ct.sim)
    assert z.device == ct.sim
    assert z.dtype is ct.float64
    assert ct.astype(x, ct.int64, copy=False, device=ct.sim).device == ct.sim
    assert ct.astype(x.view(), ct.int64, copy=False, device="cpu") is not None


def test_astype_of_complex_to_real_raises() -> None:
    with pytest.raises(ct.DTypeError, match="imaginary part"):
        ct.astype(ct.tensor([1j]), ct.float32)
    with pytest.raises(ct.DTypeError, match="takes a tensor"):
        ct.astype([1.0], ct.float32)  # type: ignore[call-overload]


# ----------------------------------------------------------------------------- can_cast


@pytest.mark.parametrize(("a", "b"), list(itertools.product(ALL, ALL)), ids=str)
def test_can_cast_follows_promotion(a: Any, b: Any) -> None:
    try:
        want = promote_types(a, b) is b
    except ct.DTypeError:
        want = False
    assert ct.can_cast(a, b) is want
    assert ct.can_cast(ct.zeros((2,), dtype=a), b) is want


def test_can_cast_examples() -> None:
    assert ct.can_cast(ct.uint8, ct.int16)
    assert not ct.can_cast(ct.int16, ct.uint8)
    assert not ct.can_cast(ct.float32, ct.int64)
    assert not ct.can_cast(ct.bool_, ct.int8)
    assert ct.can_cast(ct.float64, ct.complex128)
    assert not ct.can_cast(ct.float64, ct.complex64)
    with pytest.raises(ct.DTypeError, match="takes a dtype or a tensor"):
        ct.can_cast("int8", ct.int16)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- finfo, iinfo


@pytest.mark.parametrize(
    "dtype", sorted(KINDS["real floating"] | KINDS["complex floating"], key=str), ids=str
)
def test_finfo(dtype: Any) -> None:
    info = ct.finfo(dtype)
    part = ml_dtypes.finfo(dtype.numpy)  # NumPy's finfo does not know bfloat16
    assert info.bits == part.bits
    assert info.eps == float(part.eps)
    assert info.max == float(part.max)
    assert info.min == float(part.min)
    assert info.smallest_normal == float(part.smallest_normal)
    assert info.dtype.kind == "f"
    assert info.dtype.numpy == np.dtype(part.dtype)
    assert ct.finfo(ct.zeros((1,), dtype=dtype)) == info
    assert all(type(getattr(info, n)) is float for n in ("eps", "max", "min", "smallest_normal"))


@pytest.mark.parametrize("dtype", sorted(KINDS["integral"], key=str), ids=str)
def test_iinfo(dtype: Any) -> None:
    info = ct.iinfo(dtype)
    want = np.iinfo(dtype.numpy)
    assert (info.bits, info.min, info.max) == (want.bits, int(want.min), int(want.max))
    assert info.dtype is dtype
    assert ct.iinfo(ct.zeros((1,), dtype=dtype)) == info


def test_info_of_the_wrong_kind_raises() -> None:
    with pytest.raises(ct.DTypeError, match="use iinfo"):
        ct.finfo(ct.int32)
    with pytest.raises(ct.DTypeError, match="use finfo"):
        ct.iinfo(ct.float32)
    with pytest.raises(ct.DTypeError, match="use finfo"):
        ct.iinfo(ct.bool_)


# ----------------------------------------------------------------------------- isdtype


@pytest.mark.parametrize("dtype", ALL, ids=str)
def test_isdtype(dtype: Any) -> None:
    for kind, members in KINDS.items():
        assert ct.isdtype(dtype, kind) is (dtype in members), kind
    for other in ALL:
        assert ct.isdtype(dtype, other) is (other is dtype)
    assert ct.isdtype(dtype, ("bool", "numeric"))
    assert ct.isdtype(dtype, (ct.uint8, dtype))
    assert not ct.isdtype(dtype, ())


def test_isdtype_refuses_what_is_not_a_kind() -> None:
    with pytest.raises(ValueError, match="unknown dtype kind 'float'"):
        ct.isdtype(ct.float32, "float")
    with pytest.raises(ct.DTypeError, match="kinds are dtypes or kind names"):
        ct.isdtype(ct.float32, 3)  # type: ignore[arg-type]
    with pytest.raises(ct.DTypeError, match="takes a dtype first"):
        ct.isdtype("float32", "numeric")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- result_type


def test_result_type_of_dtypes_and_tensors() -> None:
    assert ct.result_type(ct.int8) is ct.int8
    assert ct.result_type(ct.int8, ct.uint8) is ct.int16
    assert ct.result_type(ct.zeros((2,), dtype=ct.float32), ct.float64) is ct.float64
    assert ct.result_type(ct.float64, ct.complex64, ct.zeros((1,), dtype=ct.float16)) is (
        ct.complex128
    )
    with pytest.raises(ct.DTypeError, match=r"int8 and float32.*astype"):
        ct.result_type(ct.int8, ct.float32)


@pytest.mark.parametrize(
    ("dtype", "scalar", "want"),
    [
        (ct.bool_, True, ct.bool_),
        (ct.int8, True, ct.int8),
        (ct.int8, 3, ct.int8),
        (ct.uint64, 3, ct.uint64),
        (ct.float32, 3, ct.float32),
        (ct.float32, 2.5, ct.float32),
        (ct.float32, 1j, ct.complex64),
        (ct.float64, 1j, ct.complex128),
        (ct.complex64, 2.5, ct.complex64),
        (ct.complex128, 1, ct.complex128),
    ],
    ids=str,
)
def test_result_type_with_python_scalars(dtype: Any, scalar: Any, want: Any) -> None:
    assert ct.result_type(dtype, scalar) is want
    assert ct.result_type(scalar, ct.zeros((1,), dtype=dtype)) is want


@pytest.mark.parametrize(
    ("dtype", "scalar"),
    [(ct.int8, 2.5), (ct.int8, 1j), (ct.bool_, 1), (ct.bool_, 2.5), (ct.uint8, 1j)],
    ids=str,
)
def test_result_type_refuses_scalars_of_another_kind(dtype: Any, scalar: Any) -> None:
    with pytest.raises(ct.DTypeError, match="does not combine"):
        ct.result_type(dtype, scalar)


def test_result_type_needs_a_dtype() -> None:
    with pytest.raises(ct.DTypeError, match="at least one tensor or dtype"):
        ct.result_type(1, 2.5)
    with pytest.raises(ct.DTypeError, match="at least one tensor or dtype"):
        ct.result_type()
    with pytest.raises(ct.DTypeError, match="takes tensors, dtypes and Python scalars"):
        ct.result_type(ct.int8, "int8")
