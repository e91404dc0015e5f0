"""DTypes and Devices: small value objects, their parsing, and unavailable devices."""

from __future__ import annotations

import pickle
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from conftest import ALL_DTYPES, dtype_id, dtype_params

import corten as ct

# ----------------------------------------------------------------------------- dtypes

DTYPE_TABLE = [
    (ct.bool_, ct.Bool, "bool", np.bool_, 1, "b"),
    (ct.uint8, ct.UInt8, "uint8", np.uint8, 1, "u"),
    (ct.uint16, ct.UInt16, "uint16", np.uint16, 2, "u"),
    (ct.uint32, ct.UInt32, "uint32", np.uint32, 4, "u"),
    (ct.uint64, ct.UInt64, "uint64", np.uint64, 8, "u"),
    (ct.int8, ct.Int8, "int8", np.int8, 1, "i"),
    (ct.int16, ct.Int16, "int16", np.int16, 2, "i"),
    (ct.int32, ct.Int32, "int32", np.int32, 4, "i"),
    (ct.int64, ct.Int64, "int64", np.int64, 8, "i"),
    (ct.float16, ct.Float16, "float16", np.float16, 2, "f"),
    (ct.float32, ct.Float32, "float32", np.float32, 4, "f"),
    (ct.float64, ct.Float64, "float64", np.float64, 8, "f"),
    (ct.complex64, ct.Complex64, "complex64", np.complex64, 8, "c"),
    (ct.complex128, ct.Complex128, "complex128", np.complex128, 16, "c"),
    (ct.bfloat16, ct.BFloat16, "bfloat16", ml_dtypes.bfloat16, 2, "f"),
]


def test_all_dtypes_lists_the_fifteen_dtypes_once() -> None:
    assert len(ct.all_dtypes) == 15
    assert len(set(ct.all_dtypes)) == 15
    assert {d for d, *_ in DTYPE_TABLE} == set(ct.all_dtypes)


@pytest.mark.parametrize(
    ("dtype", "cls", "name", "np_type", "itemsize", "kind"), DTYPE_TABLE, ids=dtype_id
)
def test_dtype_singleton_attributes(
    dtype: Any, cls: type, name: str, np_type: type, itemsize: int, kind: str
) -> None:
    assert isinstance(dtype, cls)
    assert isinstance(dtype, ct.DType)
    assert cls() is dtype
    assert dtype.name == name
    assert dtype.numpy == np.dtype(np_type)
    assert dtype.itemsize == itemsize == np.dtype(np_type).itemsize
    assert dtype.kind == kind
    assert dtype.is_floating == (kind == "f")
    assert dtype.is_integer == (kind in "iu")
    assert dtype.is_bool == (kind == "b")
    assert repr(dtype) == f"corten.{name}"
    assert str(dtype) == name


@dtype_params(ALL_DTYPES)
def test_as_dtype_accepts_every_spelling(dtype: Any) -> None:
    assert ct.as_dtype(dtype) is dtype
    assert ct.as_dtype(dtype.name) is dtype
    assert ct.as_dtype(dtype.numpy) is dtype
    assert ct.as_dtype(dtype.numpy.type) is dtype
    if dtype is not ct.bfloat16:  # ml_dtypes' codes ("<V2", "E") do not read back
        assert ct.as_dtype(dtype.numpy.str) is dtype  # such as "<f4" or "|u1"
        assert ct.as_dtype(dtype.numpy.char) is dtype  # such as "f" or "B"


@pytest.mark.parametrize("dtype", [d for d in ALL_DTYPES if d.itemsize > 1], ids=dtype_id)
def test_as_dtype_maps_non_native_byte_order_to_the_same_dtype(dtype: Any) -> None:
    assert ct.as_dtype(dtype.numpy.newbyteorder("S")) is dtype


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [(bool, ct.bool_), (int, ct.int64), (float, ct.float64), ("f4", ct.float32), ("?", ct.bool_)],
)
def test_as_dtype_follows_numpy_for_python_types_and_codes(spelling: Any, expected: Any) -> None:
    assert ct.as_dtype(spelling) is expected


@dtype_params(ALL_DTYPES)
def test_dtypes_are_hashable_and_pickle_to_the_singleton(dtype: Any) -> None:
    assert {dtype: 1}[ct.as_dtype(dtype.name)] == 1
    assert hash(dtype) == hash(ct.as_dtype(dtype.name))
    assert pickle.loads(pickle.dumps(dtype)) is dtype


def test_dtypes_of_different_kinds_differ() -> None:
    assert ct.float32 != ct.float64
    assert ct.int8 != ct.uint8
    assert ct.float32 != "float64"
    assert ct.float32 != np.float64


@pytest.mark.parametrize("spelling", ["foo", "floatt", "float33", 3.5, object()], ids=str)
def test_as_dtype_rejects_what_is_not_a_dtype(spelling: Any) -> None:
    with pytest.raises(ct.DTypeError, match="not a dtype") as info:
        ct.as_dtype(spelling)
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, ct.CortenError)
    assert "float32" in str(info.value)  # says what would be accepted


@pytest.mark.parametrize(
    "spelling",
    ["complex256", np.clongdouble, "U5", "datetime64[s]", "O", np.dtype("V8"), "S3"],
    ids=str,
)
def test_as_dtype_rejects_numpy_dtypes_corten_does_not_support(spelling: Any) -> None:
    with pytest.raises(ct.DTypeError, match="not supported") as info:
        ct.as_dtype(spelling)
    assert isinstance(info.value, TypeError)
    for name in ("bool", "uint8", "int64", "float16", "float64"):
        assert name in str(info.value)


# ----------------------------------------------------------------------------- devices


@pytest.mark.parametrize(
    ("device", "cls", "kind", "index", "text"),
    [
        (ct.cpu, ct.Cpu, "cpu", 0, "cpu"),
        (ct.cuda, ct.Cuda, "cuda", 0, "cuda:0"),
        (ct.cuda(1), ct.Cuda, "cuda", 1, "cuda:1"),
        (ct.sim, ct.Sim, "sim", 0, "sim:0"),
        (ct.sim(3), ct.Sim, "sim", 3, "sim:3"),
        (ct.meta, ct.Meta, "meta", 0, "meta"),
    ],
    ids=str,
)
def test_device_values(device: Any, cls: type, kind: str, index: int, text: str) -> None:
    assert isinstance(device, cls)
    assert isinstance(device, ct.Device)
    assert device.kind == kind
    assert device.index == index
    assert str(device) == text
    assert repr(device) == f"device({text!r})"
    assert ct.as_device(text) == device
    assert ct.as_device(device) is device
    assert ct.device(text) == device
    assert pickle.loads(pickle.dumps(device)) == device


def test_cuda_call_gives_other_ordinals() -> None:
    assert ct.cuda(0) == ct.cuda
    assert ct.cuda(1) != ct.cuda
    assert ct.cuda(1) == ct.cuda(1)
    assert ct.sim(0) == ct.sim
    assert ct.as_device("cuda:1") == ct.cuda(1)
    assert ct.as_device("cuda") == ct.cuda
    assert ct.as_device(" sim:2 ") == ct.sim(2)


def test_devices_hash_by_value() -> None:
    found = {ct.cpu, ct.cuda, ct.cuda(0), ct.cuda(1), ct.as_device("cuda:1"), ct.sim, ct.meta}
    assert found == {ct.cpu, ct.cuda, ct.cuda(1), ct.sim, ct.meta}
    assert hash(ct.as_device("cuda:1")) == hash(ct.cuda(1))
    assert {ct.cuda(1): "gpu1"}[ct.as_device("cuda:1")] == "gpu1"


def test_devices_of_different_kinds_or_ordinals_differ() -> None:
    assert ct.cuda(0) != ct.sim(0)
    assert ct.cpu != ct.meta
    assert ct.cuda(0) != ct.cuda(2)
    assert ct.cpu != "meta"
    assert ct.cuda != 0


def test_cuda_is_not_available_here() -> None:
    assert ct.cuda.is_available() is False
    assert ct.cuda(1).is_available() is False


@pytest.mark.parametrize(
    "spelling", ["gpu", "cuda:x", "cuda:-1", "cuda:", "cpu:1", "meta:1", "CPU", "", 0, None, 1.0]
)
def test_as_device_rejects_unknown_devices(spelling: Any) -> None:
    with pytest.raises(ValueError, match=r"device|ordinal") as info:
        ct.as_device(spelling)
    if spelling not in ("cpu:1", "meta:1"):
        assert "ct.cpu" in str(info.value)  # the message lists what would be accepted


@pytest.mark.parametrize("index", [-1, 1.0, True, "1"])
def test_device_ordinals_are_non_negative_ints(index: Any) -> None:
    with pytest.raises(ValueError, match="ordinal"):
        ct.cuda(index)
    with pytest.raises(ValueError, match="ordinal"):
        ct.sim(index)


# ----------------------------------------------------------------------------- unavailable

# Without a GPU (and without the cuda extra) no cuda device can be used; the sim backend
# simulates sim:0 and sim:1 only.
UNAVAILABLE = [ct.cuda, ct.cuda(1), ct.sim(2), "cuda:1", "sim:5"]

FACTORIES = {
    "empty": lambda dev: ct.empty((2, 3), device=dev),
    "zeros": lambda dev: ct.zeros((2, 3), device=dev),
    "ones": lambda dev: ct.ones(3, device=dev),
    "full": lambda dev: ct.full((2,), 1.5, device=dev),
    "arange": lambda dev: ct.arange(4, device=dev),
    "eye": lambda dev: ct.eye(3, device=dev),
    "tensor": lambda dev: ct.tensor([[1, 2], [3, 4]], device=dev),
    "tensor_scalar": lambda dev: ct.tensor(1.0, device=dev),
    "zeros_like": lambda dev: ct.zeros_like(ct.zeros(2), device=ct.as_device(dev)),
    "ones_like": lambda dev: ct.ones_like(ct.zeros(2), device=ct.as_device(dev)),
    "empty_like": lambda dev: ct.empty_like(ct.zeros(2), device=ct.as_device(dev)),
    "full_like": lambda dev: ct.full_like(ct.zeros(2), 3.0, device=ct.as_device(dev)),
    "to": lambda dev: ct.tensor([1, 2]).to(dev),
}


def _hint_for(device: Any) -> str:
    kind = ct.as_device(device).kind
    return "pip install corten\\[cuda\\]" if kind == "cuda" else "sim:0 and sim:1"


@pytest.mark.parametrize("device", UNAVAILABLE, ids=str)
@pytest.mark.parametrize("factory", list(FACTORIES), ids=str)
def test_tensors_on_unavailable_devices_raise_with_a_hint(factory: str, device: Any) -> None:
    with pytest.raises(ct.DeviceUnavailableError, match=_hint_for(device)) as info:
        FACTORIES[factory](device)
    assert isinstance(info.value, RuntimeError)
    assert isinstance(info.value, ct.CortenError)
    assert str(ct.as_device(device)) in str(info.value)
    assert "use ct.cpu" in str(info.value)


def test_cuda_unavailable_message_names_the_driver_and_the_extra() -> None:
    with pytest.raises(ct.DeviceUnavailableError) as info:
        ct.zeros(3, device=ct.cuda)
    assert "no CUDA driver" in str(info.value)
    assert "pip install corten[cuda]" in str(info.value)


def test_to_cuda_raises_device_unavailable() -> None:
    t = ct.tensor([1.0, 2.0])
    with pytest.raises(ct.DeviceUnavailableError, match="cuda:0"):
        t.to_cuda()
    with pytest.raises(ct.DeviceUnavailableError, match="cuda:2"):
        t.to_cuda(2)
    assert t.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("device", [ct.cpu, "cpu"], ids=str)
def test_to_cpu_is_an_equal_independent_clone(device: Any) -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int16)
    for moved in (t.to(device), t.to_cpu()):
        assert isinstance(moved, ct.Tensor)
        assert moved.device == ct.cpu
        assert moved.dtype is ct.int16
        assert moved.tolist() == [1, 2, 3]
        moved += 1
        assert t.tolist() == [1, 2, 3]


def test_tensors_are_on_the_cpu_by_default() -> None:
    for t in (ct.zeros(2), ct.tensor([1]), ct.arange(3), ct.eye(2), ct.from_numpy(np.zeros(2))):
        assert t.device == ct.cpu
        assert isinstance(t.device, ct.Cpu)
