"""The array API namespace: ``__array_namespace__``, the inspection object, the array
attributes the standard adds (``to_device``, ``device``, ``mT``, ``T``), and Python
scalars of one-element tensors on every device (the standard's conversion cases)."""

from __future__ import annotations

import math
import operator
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from array_api.special_cases import CONVERSION_CASES, Case, ConversionCase, matches

import corten as ct

STANDARD_DTYPES = [
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "complex64",
    "complex128",
]


def kinds(t: Any) -> list[Any]:
    """An owner, a frozen view and a mutable view of ``t``."""
    return [t, t.view(), t.view_mut()]


# ----------------------------------------------------------------------------- namespace


def test_the_namespace_is_the_corten_module() -> None:
    assert ct.__array_api_version__ == "2024.12"
    for t in kinds(ct.tensor([1.0, 2.0])) + kinds(ct.zeros(3, device=ct.sim)):
        assert t.__array_namespace__() is ct
        assert t.__array_namespace__(api_version=None) is ct
        assert t.__array_namespace__(api_version="2024.12") is ct
        assert t.__array_namespace__(api_version="2023.12") is ct
    assert ct.__name__ == "corten"  # clients compare namespaces by __name__


@pytest.mark.parametrize("version", ["2025.12", "2024", "latest", ""])
def test_an_unknown_api_version_raises_value_error(version: str) -> None:
    with pytest.raises(ValueError, match=rf"2024\.12.*not {version!r}"):
        ct.tensor([1]).__array_namespace__(api_version=version)


def test_api_version_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        ct.tensor([1]).__array_namespace__("2024.12")  # type: ignore[misc]


def test_the_constants() -> None:
    assert (ct.e, ct.pi) == (math.e, math.pi)
    assert ct.inf == math.inf
    assert math.isnan(ct.nan)
    assert ct.newaxis is None
    assert ct.bool is ct.bool_
    assert [ct.as_dtype(n).name for n in STANDARD_DTYPES] == STANDARD_DTYPES
    for name in STANDARD_DTYPES:
        assert getattr(ct, name) == ct.as_dtype(name)


# ----------------------------------------------------------------------------- inspection


def test_capabilities() -> None:
    caps = ct.__array_namespace_info__().capabilities()
    assert caps == {
        "boolean indexing": True,
        "data-dependent shapes": True,
        "max dimensions": 64,
    }


def test_max_dimensions_are_usable() -> None:
    t = ct.zeros((1,) * 64, dtype=ct.int8)
    assert (t + 1).sum().item() == 1
    assert t[(0,) * 63].shape == (1,)


def test_defaults() -> None:
    info = ct.__array_namespace_info__()
    assert info.default_device() == ct.cpu
    for device in (None, ct.cpu, ct.sim, "meta"):
        assert info.default_dtypes(device=device) == {
            "real floating": ct.float32,
            "complex floating": ct.complex64,
            "integral": ct.int64,
            "indexing": ct.int64,
        }


def test_dtypes_lists_the_standard_dtypes_only() -> None:
    info = ct.__array_namespace_info__()
    everything = info.dtypes()
    assert list(everything) == STANDARD_DTYPES
    assert "float16" not in everything
    for name, dt in everything.items():
        assert isinstance(dt, ct.DType)
        assert dt.name == name


KIND_NAMES = {
    "bool": ["bool"],
    "signed integer": ["int8", "int16", "int32", "int64"],
    "unsigned integer": ["uint8", "uint16", "uint32", "uint64"],
    "integral": ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"],
    "real floating": ["float32", "float64"],
    "complex floating": ["complex64", "complex128"],
}
KIND_NAMES["numeric"] = [n for n in STANDARD_DTYPES if n != "bool"]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_dtypes_by_kind(kind: str) -> None:
    info = ct.__array_namespace_info__()
    assert list(info.dtypes(kind=kind)) == KIND_NAMES[kind]
    assert list(info.dtypes(kind=kind, device=ct.sim)) == KIND_NAMES[kind]


def test_dtypes_of_a_tuple_of_kinds_is_the_union() -> None:
    info = ct.__array_namespace_info__()
    got = info.dtypes(kind=("bool", "real floating", "bool"))
    assert list(got) == ["bool", "float32", "float64"]


@pytest.mark.parametrize("kind", ["float", "floating", 3, ("bool", "ints")])
def test_dtypes_of_an_unknown_kind_raises(kind: Any) -> None:
    with pytest.raises(ValueError, match="unknown dtype kind"):
        ct.__array_namespace_info__().dtypes(kind=kind)


def test_cuda_lists_no_complex_dtypes() -> None:
    got = ct.__array_namespace_info__().dtypes(device=ct.cuda)
    assert "complex64" not in got
    assert "float64" in got


def test_devices_are_usable_in_creation_functions() -> None:
    devices = ct.__array_namespace_info__().devices()
    assert devices[:4] == [ct.cpu, ct.sim(0), ct.sim(1), ct.meta]
    for dev in devices:
        t = ct.zeros((2,), device=dev)
        assert t.device == dev
        assert hash(t.device) == hash(dev)
        assert not t.device != dev  # noqa: SIM202 - clients compare with !=


# ----------------------------------------------------------------------------- attributes


@pytest.mark.parametrize("source", [ct.cpu, ct.sim, ct.sim(1)], ids=str)
@pytest.mark.parametrize("target", [ct.cpu, ct.sim, ct.sim(1), ct.meta], ids=str)
def test_to_device(source: ct.Device, target: ct.Device) -> None:
    t = ct.tensor([[1.5, 2.5], [3.5, 4.5]], device=source)
    for x in kinds(t)[:2]:
        moved = x.to_device(target)
        assert isinstance(moved, ct.Tensor)
        assert moved.device == target
        assert moved.shape == (2, 2)
        assert moved.dtype is ct.float32
        if target.kind != "meta":
            assert moved.to_cpu().tolist() == [[1.5, 2.5], [3.5, 4.5]]
    same = t.to_device(source)
    assert same is not t
    same += 1.0  # an independent owner
    assert t.to_cpu().tolist()[0][0] == 1.5


def test_to_device_takes_a_stream_and_a_positional_device() -> None:
    t = ct.arange(4)
    s = ct.sim.Stream()
    d = t.to_device("sim:0", stream=s)
    s.synchronize()
    assert d.to_cpu().tolist() == [0, 1, 2, 3]
    with pytest.raises(TypeError):
        t.to_device(device=ct.sim)  # type: ignore[call-arg]


def test_matrix_transpose_attributes() -> None:
    a = np.arange(24).reshape(2, 3, 4)
    t = ct.tensor(a)
    assert t.mT.tolist() == np.swapaxes(a, -1, -2).tolist()
    assert t[0].T.tolist() == a[0].T.tolist()
    assert t.mT.shape == (2, 4, 3)
    with pytest.raises(ct.ShapeError, match="mT needs a rank of at least 2"):
        ct.tensor([1, 2]).mT
    with pytest.raises(ValueError, match="rank"):
        ct.tensor(1).mT


# ----------------------------------------------------------------------------- Python scalars


def _emu_ok() -> bool:
    return shutil.which("g++") is not None


@contextmanager
def on(device: str) -> Iterator[ct.Device]:
    """The device under test; ``cuda-emu`` runs the cuda backend on the emulated driver."""
    if device != "cuda-emu":
        yield ct.as_device(device)
        return
    if not _emu_ok():
        pytest.skip("cuda-emu: g++ is not installed")
    import cuda_emu_driver

    with cuda_emu_driver.installed():
        yield ct.cuda(0)
        ct.cuda(0).synchronize()


SCALAR_DEVICES = ["cpu", "sim:0", "sim:1", "cuda-emu"]
CONVERSION_DTYPES = {
    "bool": (ct.bool_,),
    "real floating": (ct.float32, ct.float64),
    "complex floating": (ct.complex64, ct.complex128),
}


def _conversion_params() -> Iterator[Any]:
    for case in CONVERSION_CASES:
        for dtype in CONVERSION_DTYPES[case.kind]:
            yield pytest.param(case, dtype, id=f"{case.method}-{dtype}-{case.value!r}")


@pytest.mark.parametrize("device", SCALAR_DEVICES)
@pytest.mark.parametrize(("case", "dtype"), list(_conversion_params()))
def test_conversion_special_cases(case: ConversionCase, dtype: ct.DType, device: str) -> None:
    if device == "cuda-emu" and dtype.is_complex:
        pytest.skip("complex tensors are not supported on cuda yet")
    with on(device) as dev:
        t = ct.tensor(np.asarray(case.value, dtype=dtype.numpy), device=dev)
        convert = {
            "__bool__": bool,
            "__complex__": complex,
            "__float__": float,
            "__int__": int,
            "__index__": operator.index,
        }[case.method]
        if case.raises is not None:
            with pytest.raises(case.raises):
                convert(t)
            return
        got = convert(t)
        assert type(got) is type(case.expected)
        assert matches(got, Case((case.value,), case.expected, case.method)), got


@pytest.mark.parametrize("device", SCALAR_DEVICES)
def test_python_scalars_of_one_device_element(device: str) -> None:
    with on(device) as dev:
        t = ct.tensor([[3, -7], [5, 11]], dtype=ct.int32, device=dev)
        one = t[1, ::-1][1:]  # a strided one-element view
        assert one.shape == (1,)
        assert one.item() == 5
        assert int(one) == 5
        assert float(one) == 5.0
        assert bool(t[0, 0]) is True
        assert complex(t[0, 1]) == -7 + 0j
        assert operator.index(t[1, 1]) == 11
        assert [10, 20, 30, 40, 50, 60][t[1, 0]] == 60
        f = ct.tensor([0.0, -2.5], device=dev)
        assert bool(f[0]) is False
        assert f[1].item() == -2.5
        assert type(f[1].item()) is float
        assert type(t[0, 0].item()) is int
        assert type(ct.tensor([True], device=dev).item()) is bool


def test_scalars_wait_for_queued_work_on_the_stream() -> None:
    host = ct.tensor([1.0, 2.0, 3.0]).pin_memory(ct.sim)
    d = host.to(ct.sim, non_blocking=True)
    s = ct.sim.current_stream()
    d2 = d * 2.0  # computation drains the queue first, so queue another copy after it
    host2 = ct.tensor([7.0]).pin_memory(ct.sim)
    e = host2.to(ct.sim, non_blocking=True)
    assert s.pending == 1
    assert e.item() == 7.0
    assert s.pending == 0
    assert float(d2[2]) == 6.0


@pytest.mark.parametrize("device", ["sim:0", "cuda-emu"])
def test_bulk_host_access_stays_explicit(device: str) -> None:
    with on(device) as dev:
        t = ct.tensor([1, 2, 3], device=dev)
        for read in (lambda: t.tolist(), lambda: t.numpy(), lambda: np.asarray(t)):
            with pytest.raises(ct.DeviceMismatchError, match=r"call \.to_cpu\(\) first"):
                read()
        with pytest.raises(ct.ShapeError, match="exactly one element"):
            t.item()
        with pytest.raises(ct.ShapeError, match="ambiguous"):
            bool(t)


def test_meta_tensors_have_no_scalars() -> None:
    t = ct.zeros((1,), device=ct.meta)
    for convert in (float, int, bool, complex, lambda x: x.item()):
        with pytest.raises(ct.DeviceMismatchError, match="no data"):
            convert(t)
    with pytest.raises(ct.DeviceMismatchError, match="no data"):
        operator.index(ct.zeros((), dtype=ct.int64, device=ct.meta))


@pytest.mark.parametrize("convert", [float, int])
def test_real_conversions_of_complex_raise_type_error(convert: Any) -> None:
    t = ct.tensor(np.asarray(1 + 2j, dtype=np.complex64))
    with pytest.raises(ct.DTypeError, match=r"complex\(\)"):
        convert(t)
    assert isinstance(ct.DTypeError("x"), TypeError)


def test_index_of_a_float_raises_type_error() -> None:
    with pytest.raises(TypeError, match="integer"):
        operator.index(ct.tensor(1.0, device=ct.sim))
