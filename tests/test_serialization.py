"""Serialization: safetensors files, bytes and the JSON-able dict form.

- Round trips for every dtype and layout (non-contiguous, zero-size, rank 0), exact
  to the bit (NaN included), through files (mapped or read), file objects and bytes.
- Compatibility with the ``safetensors`` package both ways, metadata included; for
  tensors of one dtype corten writes the very bytes the package writes.
- ``mmap=True``: zero-copy windows on a read-only map that outlive the file object,
  copy-on-write that never touches the file, clones and views that share the map.
- Every malformed input raises SerializationError whose message says what is wrong,
  without allocating more than the input holds; bad arguments to ``save`` leave the
  target file and the tensors unchanged.
"""

from __future__ import annotations

import gc
import io
import itertools
import json
import math
import os
import struct
import tracemalloc
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from conftest import ALL_DTYPES, FLOAT_DTYPES, arrays, dtype_params, tensor_and_array, values
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.core.devices import require_available
from corten.serialization import files as serialization
from corten.serialization.safetensors import FORMAT_NAMES

Array = np.ndarray[Any, Any]

requires_safetensors = pytest.mark.skipif(
    find_spec("safetensors") is None, reason="needs the safetensors package"
)


# ----------------------------------------------------------------------------- helpers


def same(t: Any, a: Array) -> bool:
    """``t`` has ``a``'s dtype, shape and bits (NaN == NaN, -0.0 != 0.0)."""
    got = values(t)
    return (
        t.dtype.numpy == a.dtype
        and got.shape == a.shape
        and got.tobytes() == np.ascontiguousarray(a).tobytes()
    )


def sample(dtype: ct.DType, shape: tuple[int, ...] = (2, 3), seed: int = 0) -> Array:
    """Values spanning the dtype: extremes for integers, NaN/inf/-0.0 for floats."""
    rng = np.random.default_rng(seed)
    n = math.prod(shape)
    if dtype.is_bool:
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.is_integer:
        info = np.iinfo(dtype.numpy)
        special = np.array([info.min, info.max, 0, 1], dtype=dtype.numpy)
        body = rng.integers(info.min, info.max, size=n, dtype=dtype.numpy, endpoint=True)
    else:
        info_f = ml_dtypes.finfo(dtype.numpy)
        special = np.array([np.nan, np.inf, -np.inf, -0.0, info_f.max, info_f.tiny], dtype.numpy)
        body = rng.standard_normal(n).astype(dtype.numpy)
    body[: min(n, special.size)] = special[: min(n, special.size)]
    return body.reshape(shape)


def every_dtype_tensors(
    dtypes: tuple[ct.DType, ...] = ALL_DTYPES,
) -> tuple[dict[str, Any], dict[str, Array]]:
    """Tensors of every dtype in several layouts, and the arrays they hold."""
    tensors: dict[str, Any] = {}
    expected: dict[str, Array] = {}
    for i, dt in enumerate(dtypes):
        a = sample(dt, (3, 4), seed=i)
        tensors[f"{dt.name}"] = ct.tensor(a)
        tensors[f"{dt.name}.T"] = ct.tensor(a).T  # non-contiguous: written contiguous
        tensors[f"{dt.name}.step"] = ct.tensor(a)[::-2, 1::2]
        tensors[f"{dt.name}.empty"] = ct.tensor(np.zeros((0, 3), dt.numpy))
        tensors[f"{dt.name}.scalar"] = ct.tensor(a[1, 1, ...])
        tensors[f"{dt.name}.expand"] = ct.tensor(a[0]).expand((2, 4))  # overlapping layout
        expected.update(
            {
                f"{dt.name}": a,
                f"{dt.name}.T": a.T,
                f"{dt.name}.step": a[::-2, 1::2],
                f"{dt.name}.empty": np.zeros((0, 3), dt.numpy),
                f"{dt.name}.scalar": a[1, 1, ...],
                f"{dt.name}.expand": np.broadcast_to(a[0], (2, 4)),
            }
        )
    return tensors, expected


def craft(header: object, data: bytes = b"", *, raw_header: bytes | None = None) -> bytes:
    """A file from a header (JSON-encoded here unless ``raw_header``) and data bytes."""
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def mapped_from(t: Any, path: Path) -> bool:
    """Whether ``t``'s elements lie in a memory map of the file ``path`` (Linux)."""
    address = int(t.numpy().__array_interface__["data"][0])
    target = str(path.resolve())
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].strip() == target:
                lo, hi = (int(x, 16) for x in fields[0].split("-"))
                if lo <= address < hi:
                    return True
    return False


requires_proc_maps = pytest.mark.skipif(
    not os.path.exists("/proc/self/maps"), reason="needs /proc/self/maps (Linux)"
)


def load_everywhere(blob: bytes, tmp: Path) -> list[dict[str, Any]]:
    """``blob`` loaded every way: mapped and read from a file, from BytesIO, from bytes."""
    path = tmp / "blob.safetensors"
    path.write_bytes(blob)
    return [
        ct.load(path),
        ct.load(path, mmap=False),
        ct.load(io.BytesIO(blob)),
        ct.load(io.BytesIO(blob), mmap=False),
    ]


# ----------------------------------------------------------------------------- round trips


@given(pair=tensor_and_array(small=False, finite=False), how=st.sampled_from(["io", "bytes"]))
def test_round_trip_keeps_dtype_shape_and_bits(pair: tuple[Any, Array], how: str) -> None:
    t, a = pair
    if how == "bytes":
        u = ct.from_bytes(t.to_bytes())
    else:
        f = io.BytesIO()
        ct.save(f, {"x": t})
        u = ct.load(io.BytesIO(f.getvalue()))["x"]
    assert type(u) is ct.Tensor
    assert same(u, a)


@pytest.mark.parametrize("mmap_", [True, False], ids=["mmap", "read"])
def test_file_round_trip_every_dtype_and_layout(tmp_path: Path, mmap_: bool) -> None:
    tensors, expected = every_dtype_tensors()
    path = tmp_path / "all.safetensors"
    ct.save(path, tensors, metadata={"source": "test", "unicode": "é ✓"})
    loaded = ct.load(path, mmap=mmap_)
    assert isinstance(loaded, dict)
    assert set(loaded) == set(tensors)
    assert loaded.metadata == {"source": "test", "unicode": "é ✓"}
    for name, a in expected.items():
        assert same(loaded[name], a), name
        assert loaded[name].is_contiguous


def test_file_layout_follows_the_spec(tmp_path: Path) -> None:
    tensors, _ = every_dtype_tensors()
    path = tmp_path / "all.safetensors"
    ct.save(path, tensors)
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = raw[8 : 8 + n]
    assert (8 + n) % 8 == 0  # the data starts 8-aligned
    stripped = header.rstrip(b" ")
    assert header.startswith(b"{")
    assert stripped.endswith(b"}")
    assert n - len(stripped) < 8
    parsed = json.loads(header)
    assert "__metadata__" not in parsed  # no metadata given: none written
    spans = sorted(tuple(v["data_offsets"]) for v in parsed.values())
    assert spans[0][0] == 0
    assert spans[-1][1] == len(raw) - 8 - n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    for name, info in parsed.items():
        dt = tensors[name].dtype
        assert info["dtype"] == FORMAT_NAMES[dt]
        assert info["shape"] == list(tensors[name].shape)
        assert info["data_offsets"][0] % dt.itemsize == 0  # aligned: mmap needs no copy


def test_single_tensor_is_saved_as_tensor_and_loads_back(tmp_path: Path) -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.int32)
    ct.save(tmp_path / "one.safetensors", t)
    loaded = ct.load(tmp_path / "one.safetensors")
    assert list(loaded) == [serialization.TENSOR_KEY] == ["tensor"]
    assert loaded["tensor"].tolist() == [[1, 2], [3, 4]]
    u = serialization.load_tensor(str(tmp_path / "one.safetensors"), mmap=False)
    assert u.tolist() == [[1, 2], [3, 4]]
    assert u.dtype is ct.int32


def test_load_tensor_needs_exactly_one(tmp_path: Path) -> None:
    ct.save(tmp_path / "two.safetensors", {"a": ct.zeros((1,)), "b": ct.zeros((1,))})
    with pytest.raises(ct.SerializationError, match=r"expected exactly one tensor, found 2"):
        serialization.load_tensor(tmp_path / "two.safetensors")
    ct.save(tmp_path / "none.safetensors", {})
    assert ct.load(tmp_path / "none.safetensors") == {}
    with pytest.raises(ct.SerializationError, match=r"expected exactly one tensor, found 0"):
        serialization.load_tensor(tmp_path / "none.safetensors")


def test_load_returns_the_header_order_and_metadata() -> None:
    f = io.BytesIO()
    ct.save(f, {"z": ct.zeros((1,), dtype=ct.uint8), "a": ct.zeros((1,), dtype=ct.float64)})
    loaded = ct.load(io.BytesIO(f.getvalue()))
    assert list(loaded) == ["a", "z"]  # data order: larger elements first, then by name
    assert loaded.metadata == {}


def test_file_objects_are_read_from_their_position(tmp_path: Path) -> None:
    payload = ct.tensor([1.0, 2.0]).to_bytes()
    path = tmp_path / "embedded.bin"
    path.write_bytes(b"JUNK!" + payload)
    for mmap_, buffering in itertools.product((True, False), (-1, 0)):
        with open(path, "rb", buffering=buffering) as f:
            f.seek(5)
            t = ct.load(f, mmap=mmap_)["tensor"]
            assert f.tell() == 5 + len(payload)
        assert t.tolist() == [1.0, 2.0]
    f2 = io.BytesIO(b"JUNK!" + payload)
    f2.seek(5)
    assert ct.load(f2)["tensor"].tolist() == [1.0, 2.0]
    with open(tmp_path / "out.bin", "wb") as out:
        out.write(b"xyz")
        ct.save(out, ct.tensor([7]))
    assert ct.from_bytes((tmp_path / "out.bin").read_bytes()[3:]).tolist() == [7]
    big = ct.arange(1 << 19)  # 4 MiB: the file's blocks are reserved before writing
    with open(tmp_path / "big.bin", "wb") as out:
        out.write(b"xyz")
        ct.save(out, {"big": big})
        out.write(b"!")
    raw = (tmp_path / "big.bin").read_bytes()
    assert raw[-1:] == b"!"
    assert len(raw) == 3 + len(big.to_bytes()) + 1
    assert ct.array_equal(ct.from_bytes(raw[3:-1]), big)


def test_non_seekable_streams_load() -> None:
    r, w = os.pipe()
    payload = ct.tensor([[1, 2]], dtype=ct.uint16).to_bytes()
    os.write(w, payload)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        assert ct.load(f)["tensor"].tolist() == [[1, 2]]


# ----------------------------------------------------------------------------- the package


@requires_safetensors
@pytest.mark.parametrize("mmap_", [True, False], ids=["mmap", "read"])
def test_the_package_reads_what_corten_writes(tmp_path: Path, mmap_: bool) -> None:
    from safetensors import safe_open
    from safetensors.numpy import load, load_file

    # safetensors.numpy cannot load BF16 (test_bfloat16.py reads it with safetensors.torch)
    tensors, expected = every_dtype_tensors(tuple(d for d in ALL_DTYPES if d is not ct.bfloat16))
    path = tmp_path / "corten.safetensors"
    ct.save(path, tensors, metadata={"k": "v"})
    for got in (load_file(path), load(path.read_bytes())):
        assert set(got) == set(expected)
        for name, a in expected.items():
            assert got[name].dtype == a.dtype, name
            assert got[name].shape == a.shape, name
            assert got[name].tobytes() == np.ascontiguousarray(a).tobytes(), name
    with safe_open(path, framework="numpy") as f:
        assert f.metadata() == {"k": "v"}
    one = ct.tensor(sample(ct.float16)).T
    assert load(one.to_bytes())["tensor"].tobytes() == values(one).tobytes()


@requires_safetensors
def test_corten_reads_what_the_package_writes(tmp_path: Path) -> None:
    from safetensors.numpy import save, save_file

    _, expected = every_dtype_tensors()
    arrays_ = {k: np.array(a, order="C") for k, a in expected.items()}
    path = tmp_path / "package.safetensors"
    save_file(arrays_, path, metadata={"format": "np", "empty": ""})
    for loaded in load_everywhere(path.read_bytes(), tmp_path):
        assert loaded.metadata == {"format": "np", "empty": ""}
        assert set(loaded) == set(expected)
        for name, a in expected.items():
            assert same(loaded[name], a), name
    for dt in ALL_DTYPES:
        a = sample(dt, (2, 2), seed=3)
        assert same(ct.from_bytes(save({"only": a})), a)


@requires_safetensors
@dtype_params(ALL_DTYPES)
def test_corten_writes_the_packages_bytes(dtype: ct.DType) -> None:
    from safetensors.numpy import save

    arrs = {"b": sample(dtype, (3,)), "a": sample(dtype, (2, 2), 1), "e": sample(dtype, ())}
    meta = {"m": "one"}  # the package orders several keys at random
    f = io.BytesIO()
    ct.save(f, {k: ct.tensor(a) for k, a in arrs.items()}, metadata=meta)
    assert f.getvalue() == save(arrs, metadata=meta)


def test_unsupported_dtypes_are_named() -> None:
    blob = craft({"w": {"dtype": "F8_E8M0", "shape": [2], "data_offsets": [0, 2]}}, b"\0" * 2)
    with pytest.raises(
        ct.SerializationError, match=r"tensor 'w' has dtype 'F8_E8M0', which corten"
    ):
        ct.load(io.BytesIO(blob))
    with pytest.raises(ct.SerializationError, match=r"dtype 'F8_E8M0'"):
        ct.from_bytes(blob)


# ----------------------------------------------------------------------------- mmap


@requires_proc_maps
def test_mmap_load_is_a_zero_copy_window_on_the_map(tmp_path: Path) -> None:
    a = sample(ct.float32, (64, 64))
    ct.save(tmp_path / "w.safetensors", {"w": ct.tensor(a), "b": ct.tensor([True, False])})
    loaded = ct.load(tmp_path / "w.safetensors")
    w = loaded["w"]
    assert type(w) is ct.Tensor
    assert w.device == ct.cpu
    assert mapped_from(w, tmp_path / "w.safetensors")
    assert mapped_from(loaded["b"], tmp_path / "w.safetensors")
    read = ct.load(tmp_path / "w.safetensors", mmap=False)["w"]
    assert not mapped_from(read, tmp_path / "w.safetensors")
    assert same(w, a)
    assert same(read, a)


def test_mmap_tensors_keep_the_map_alive(tmp_path: Path) -> None:
    a = sample(ct.int64, (10, 10))
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.tensor(a)})
    w = ct.load(path)["w"]
    v = w[2:5]
    del w
    os.unlink(path)  # the map holds the data, not the name
    gc.collect()
    assert same(v, a[2:5])


def test_mmap_writes_copy_and_never_touch_the_file(tmp_path: Path) -> None:
    a = sample(ct.uint8, (4, 4))
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.tensor(a)})
    before = path.read_bytes()
    w = ct.load(path)["w"]
    clone = w.clone()
    view = w[1]
    copies = ct.cow_stats()["copies"]
    assert np.shares_memory(clone.numpy(), view.numpy())  # clones and views share the map
    w += 1
    w.view_mut()[0, 0] = 200
    m = ct.load(path)["w"].numpy(writable=True)
    m[...] = 9
    assert ct.cow_stats()["copies"] == copies + 2  # one copy each for w and m
    assert path.read_bytes() == before
    assert same(clone, a)
    assert same(view, a[1])
    want = a + np.uint8(1)
    want[0, 0] = 200
    assert same(w, want)
    assert same(ct.load(path)["w"], a)


def test_read_tensors_own_their_memory(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.zeros((8,), dtype=ct.int16)})
    w = ct.load(path, mmap=False)["w"]
    copies = ct.cow_stats()["copies"]
    w += 1  # exclusive and writable: no copy-on-write
    assert ct.cow_stats()["copies"] == copies
    assert w.tolist() == [1] * 8


def test_saving_over_a_mapped_file_keeps_the_loaded_tensors(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.arange(1000)})
    old = ct.load(path)["w"]
    ct.save(path, {"w": old + 1, "extra": ct.ones((3,))})  # replaces, never truncates
    assert old.tolist() == list(range(1000))
    assert ct.load(path)["w"].tolist() == list(range(1, 1001))
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]  # no temporary left


def test_save_keeps_the_target_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.arange(4)})
    before = path.read_bytes()

    def broken(a: Array) -> Any:
        yield memoryview(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_chunks", broken)
    with pytest.raises(OSError, match="disk full"):
        ct.save(path, {"w": ct.arange(8)})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]


def test_device_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.arange(3)})
    t = ct.load(path, device="cpu")["w"]
    assert t.device == ct.cpu
    assert t.tolist() == [0, 1, 2]
    assert serialization.load_tensor(path, device=ct.cpu).tolist() == [0, 1, 2]
    if not ct.cuda.is_available():
        with pytest.raises(ct.DeviceUnavailableError, match=r"device cuda:0 cannot be used"):
            ct.load(tmp_path / "missing.safetensors", device=ct.cuda)


def usable(device: str) -> bool:
    try:
        require_available(ct.as_device(device))
    except ct.DeviceUnavailableError:
        return False
    return True


@pytest.mark.parametrize(
    "device",
    [
        pytest.param(d, marks=pytest.mark.skipif(not usable(d), reason=f"no {d} backend here"))
        for d in ("sim", "cuda")
    ],
)
@pytest.mark.parametrize("mmap_", [True, False], ids=["mmap", "read"])
def test_load_onto_a_device_and_save_from_it(tmp_path: Path, device: str, mmap_: bool) -> None:
    dev = ct.as_device(device)
    a = sample(ct.float32, (3, 5))
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": ct.tensor(a).T, "n": ct.arange(4)}, metadata={"k": "v"})
    loaded = ct.load(path, device=dev, mmap=mmap_)
    assert loaded.metadata == {"k": "v"}
    assert all(t.device == dev for t in loaded.values())
    assert same(loaded["w"].to_cpu(), a.T)
    assert serialization.load_tensor(io.BytesIO(ct.tensor(a).to_bytes()), device=dev).device == dev
    # device tensors travel through the host when saved
    on_device = ct.tensor(a).to(dev)
    f = io.BytesIO()
    ct.save(f, {"d": on_device[1:]})
    assert same(ct.load(io.BytesIO(f.getvalue()))["d"], a[1:])
    assert same(ct.from_bytes(on_device.to_bytes()), a)
    assert on_device.to_dict() == ct.tensor(a).to_dict()


# ----------------------------------------------------------------------------- bytes


def test_from_bytes_is_zero_copy_over_bytes_and_copies_other_buffers() -> None:
    t = ct.tensor(sample(ct.float64, (4,)))
    b = t.to_bytes()
    u = ct.from_bytes(b)
    assert np.shares_memory(u.numpy(), np.frombuffer(b, dtype=np.uint8))
    u += 1.0  # copies: bytes are immutable
    assert same(ct.from_bytes(b), values(t))
    ba = bytearray(b)
    v = ct.from_bytes(ba)
    ba[-8:] = b"\0" * 8  # the tensor copied the bytearray
    assert same(v, values(t))
    assert same(ct.from_bytes(memoryview(b)), values(t))


# ----------------------------------------------------------------------------- dict form


@given(data=st.data(), dtype=st.sampled_from(ALL_DTYPES))
def test_dict_round_trip_through_json(data: st.DataObject, dtype: ct.DType) -> None:
    a = data.draw(arrays(dtype, small=False, finite=False))
    t = ct.tensor(a)
    d = t.to_dict()
    assert d["dtype"] == dtype.name
    assert d["shape"] == list(a.shape)
    text = json.dumps(d, allow_nan=False)  # plain JSON: no NaN or Infinity literals
    u = ct.from_dict(json.loads(text))
    # NaN payloads and signs are not kept; every other bit is
    got, want = values(u), a
    if dtype.is_floating:
        nan = np.isnan(want)
        assert np.array_equal(np.isnan(got), nan)
        got, want = np.where(nan, 0, got), np.where(nan, 0, want)
    assert u.dtype is dtype
    assert got.tobytes() == np.ascontiguousarray(want).tobytes()


def test_dict_form_is_exact_for_wide_integers_and_floats() -> None:
    big = ct.tensor(np.array([2**64 - 1, 0], dtype=np.uint64))
    assert big.to_dict() == {"dtype": "uint64", "shape": [2], "data": [2**64 - 1, 0]}
    small = ct.tensor(np.array([-(2**63), 2**63 - 1], dtype=np.int64)).T
    assert ct.from_dict(small.to_dict()).tolist() == [-(2**63), 2**63 - 1]
    h = ct.tensor(np.array([[65504.0, -0.0], [np.nan, -np.inf]], dtype=np.float16)).T
    assert h.to_dict() == {
        "dtype": "float16",
        "shape": [2, 2],
        "data": [65504.0, "nan", -0.0, "-inf"],
    }
    assert ct.from_dict({"dtype": "float32", "shape": [], "data": [3]}).tolist() == 3.0
    nan_in = ct.from_dict({"dtype": "float64", "shape": [1], "data": [float("nan")]})
    assert math.isnan(nan_in.item())
    assert ct.from_dict({"dtype": "bool", "shape": [0, 2], "data": []}).shape == (0, 2)


# ----------------------------------------------------------------------------- bad files


def entry(dtype: str = "F32", shape: Any = (2,), offsets: Any = (0, 8)) -> dict[str, Any]:
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


LIMIT = serialization.HEADER_LIMIT
BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty", b"", r"0 bytes, too short for the 8-byte header length"),
    ("7 bytes", b"\x02\0\0\0\0\0\0", r"7 bytes, too short"),
    ("header too large", struct.pack("<Q", LIMIT + 1) + b"{}", r"exceeds the limit of 100000000"),
    ("header past the end", struct.pack("<Q", 50) + b"{}", r"header length 50 exceeds the 2 bytes"),
    ("length field only", struct.pack("<Q", 0), r"must be a JSON object starting with '\{'"),
    ("array header", craft(None, raw_header=b"[1, 2]  "), r"starting with '\{', got b'\[1, 2\]"),
    ("leading space", craft(None, raw_header=b" {}     "), r"starting with '\{'"),
    ("not UTF-8", craft(None, raw_header=b'{"\xff": 1}'), r"not valid UTF-8 \(invalid start"),
    ("bad JSON", craft(None, raw_header=b'{"a": }'), r"not valid JSON: Expecting value"),
    ("trailing JSON", craft(None, raw_header=b"{} {}"), r"not valid JSON: Extra data"),
    ("NaN", craft(None, raw_header=b'{"a": NaN}'), r"not valid JSON: NaN is not a JSON value"),
    (
        "deep nesting",
        craft(None, raw_header=b'{"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"),
        r"nests JSON too deeply",
    ),
    ("huge integer", craft(None, raw_header=b'{"a": ' + b"9" * 5000 + b"}"), r"not valid JSON"),
    (
        "duplicate tensor",
        craft(None, raw_header=b'{"a": {}, "a": {}}'),
        r"the header repeats the key 'a'",
    ),
    (
        "duplicate field",
        craft(None, raw_header=b'{"a": {"dtype": "F32", "dtype": "F32"}}'),
        r"repeats the key 'dtype'",
    ),
    ("entry not an object", craft({"a": [1]}), r"tensor 'a' must be an object .* got an array"),
    ("missing keys", craft({"a": {"dtype": "F32"}}), r"tensor 'a' lacks shape, data_offsets"),
    ("unknown key", craft({"a": {**entry(), "x": 1}}, b"\0" * 8), r"unknown keys \['x'\]"),
    ("dtype not a string", craft({"a": entry(dtype=4)}, b"\0" * 8), r"dtype 4, which is not"),
    ("unknown dtype", craft({"a": entry(dtype="f32")}, b"\0" * 8), r"'f32', which corten does"),
    ("negative dim", craft({"a": entry(shape=[-2])}, b"\0" * 8), r"shape \[-2\]; a shape is"),
    ("float dim", craft({"a": entry(shape=[2.0])}, b"\0" * 8), r"shape \[2.0\]"),
    ("bool dim", craft({"a": entry(shape=[True])}, b"\0" * 4), r"shape \[True\]"),
    ("shape not a list", craft({"a": entry(shape="2")}, b"\0" * 8), r"shape \['2'\]"),
    ("rank 65", craft({"a": entry(shape=[1] * 65, offsets=[0, 4])}, b"\0" * 4), r"65 dimensions"),
    (
        "too large",
        craft({"a": entry(shape=[0, 2**40, 2**40])}, b"\0" * 8),
        r"shape \[0, 1099511627776, 1099511627776\], too large",
    ),
    ("one offset", craft({"a": entry(offsets=[8])}, b"\0" * 8), r"data_offsets \[8\]; expected"),
    ("negative offset", craft({"a": entry(offsets=[-8, 0])}, b"\0" * 8), r"data_offsets \[-8, 0\]"),
    ("float offset", craft({"a": entry(offsets=[0, 8.0])}, b"\0" * 8), r"data_offsets \[0, 8.0\]"),
    ("begin after end", craft({"a": entry(offsets=[8, 0])}, b"\0" * 8), r"with begin after end"),
    (
        "offsets out of range",
        craft({"a": entry(offsets=[0, 8])}, b"\0" * 4),
        r"data_offsets \[0, 8\] beyond the 4 bytes of data",
    ),
    (
        "shape and length disagree",
        craft({"a": entry(shape=[3], offsets=[0, 8])}, b"\0" * 8),
        r"shape \[3\] and dtype F32 needs 12 bytes but its data_offsets \[0, 8\] hold 8",
    ),
    (
        "overlap",
        craft({"a": entry(offsets=[0, 8]), "b": entry(offsets=[4, 12])}, b"\0" * 12),
        r"tensor 'b' at data_offsets \[4, 12\] overlaps tensor 'a' at \[0, 8\]",
    ),
    (
        "same range twice",
        craft({"a": entry(offsets=[0, 8]), "b": entry(offsets=[0, 8])}, b"\0" * 8),
        r"overlaps",
    ),
    (
        "gap",
        craft({"a": entry(offsets=[0, 8]), "b": entry(offsets=[12, 20])}, b"\0" * 20),
        r"tensor 'b' starts at byte 12 of the data, but the bytes from 8 belong to no tensor",
    ),
    (
        "not at the start",
        craft({"a": entry(offsets=[4, 12])}, b"\0" * 12),
        r"starts at byte 4 .* from 0 belong to no tensor",
    ),
    (
        "trailing bytes",
        craft({"a": entry()}, b"\0" * 9),
        r"the tensors cover 8 bytes but the data after the header holds 9",
    ),
    (
        "truncated data",
        craft({"a": entry(), "b": entry(offsets=[8, 16])}, b"\0" * 12),
        r"data_offsets \[8, 16\] beyond the 12 bytes",
    ),
    ("metadata not an object", craft({"__metadata__": [1]}), r"'__metadata__' must be an object"),
    (
        "metadata not str",
        craft({"__metadata__": {"epoch": 3}}),
        r"'__metadata__' value for 'epoch' is an integer, not a string",
    ),
    (
        "bool byte 2",
        craft({"m": entry(dtype="BOOL", shape=[2], offsets=[0, 2])}, b"\x01\x02"),
        r"tensor 'm' of dtype BOOL holds bytes other than 0 and 1",
    ),
]


@pytest.mark.parametrize(
    ("blob", "message"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_malformed_files_raise_serialization_error(
    tmp_path: Path, blob: bytes, message: str
) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(blob)
    loaders = [
        lambda: ct.load(path),
        lambda: ct.load(path, mmap=False),
        lambda: ct.load(io.BytesIO(blob)),
        lambda: ct.load(io.BytesIO(blob), mmap=False),
        lambda: ct.from_bytes(blob),
    ]
    for loader in loaders:
        with pytest.raises(ct.SerializationError, match=message) as info:
            loader()
        assert str(info.value).startswith("invalid safetensors data in ")
    with pytest.raises(ct.SerializationError, match=rf"in '{path}'"):
        ct.load(str(path))


def test_valid_edge_cases_of_the_format_load() -> None:
    # zero-size tensors anywhere in the order, padding, null metadata, an empty name
    blob = craft(
        {
            "__metadata__": None,
            "": entry(shape=[0, 5], offsets=[8, 8]),
            "a": entry(),
            "z": entry(dtype="U8", shape=[], offsets=[8, 9]),
        },
        b"\0\0\x80?\0\0\0@" + b"\x07",
    )
    for loaded in (ct.load(io.BytesIO(blob)), ct.load(io.BytesIO(blob), mmap=False)):
        assert loaded[""].shape == (0, 5)
        assert loaded["a"].tolist() == [1.0, 2.0]
        assert loaded["z"].tolist() == 7
        assert loaded.metadata == {}


@requires_proc_maps
def test_unaligned_data_is_copied_not_mapped(tmp_path: Path) -> None:
    blob = craft(
        {"b": entry("U8", [1], [0, 1]), "w": entry("F64", [1], [1, 9])},
        b"\x05" + struct.pack("<d", 2.5),
    )
    path = tmp_path / "unaligned.safetensors"
    path.write_bytes(blob)
    loaded = ct.load(path)
    assert loaded["w"].tolist() == [2.5]
    assert loaded["b"].tolist() == [5]
    assert not mapped_from(loaded["w"], path)
    assert mapped_from(loaded["b"], path)


def test_bad_input_allocates_nothing_large(tmp_path: Path) -> None:
    huge_claims = [
        struct.pack("<Q", LIMIT) + b"{}",  # a header of 100 MB in a 10-byte file
        craft({"a": entry(shape=[2**30], offsets=[0, 2**32])}, b"\0" * 16),
        craft({"a": entry(dtype="U8", shape=[2**40], offsets=[0, 2**40])}),
    ]
    path = tmp_path / "bad.safetensors"
    tracemalloc.start()
    try:
        for blob in huge_claims:
            path.write_bytes(blob)
            for mmap_ in (True, False, None):
                tracemalloc.reset_peak()
                with pytest.raises(ct.SerializationError):
                    ct.from_bytes(blob) if mmap_ is None else ct.load(path, mmap=mmap_)
                assert tracemalloc.get_traced_memory()[1] < 1 << 20
        tracemalloc.reset_peak()
        with pytest.raises(ct.SerializationError, match=r"holds 1000000000000 elements"):
            ct.from_dict({"dtype": "float64", "shape": [10**6, 10**6], "data": [1.0]})
        assert tracemalloc.get_traced_memory()[1] < 1 << 20
    finally:
        tracemalloc.stop()


# ----------------------------------------------------------------------------- bad arguments


def test_bad_arguments_to_save(tmp_path: Path) -> None:
    t = ct.tensor([1, 2])
    path = tmp_path / "w.safetensors"
    ct.save(path, {"w": t})
    before = path.read_bytes()
    cases: list[tuple[Any, Any, str]] = [
        ([t], None, r"save takes a tensor or a mapping of names to tensors, got list"),
        ({1: t}, None, r"tensor names must be str, got 1"),
        ({"__metadata__": t}, None, r"'__metadata__' is reserved for the metadata"),
        ({"w": np.zeros(2)}, None, r"the value for 'w' is a ndarray, not a tensor"),
        ({"w": t}, {"epoch": 3}, r"metadata must map str to str, got 'epoch': 3"),
        ({"w": t}, ["a"], r"metadata must be a mapping of str to str, got list"),
        ({"\ud800": t}, None, r"cannot be encoded as UTF-8"),
    ]
    for obj, meta, message in cases:
        with pytest.raises(ct.SerializationError, match=message):
            ct.save(path, obj, metadata=meta)
    with pytest.raises(ct.SerializationError, match=r"binary file object opened for writing"):
        ct.save(3, t)  # type: ignore[arg-type]
    with open(tmp_path / "text.txt", "w") as f, pytest.raises(ct.SerializationError, match="'wb'"):
        ct.save(f, t)  # type: ignore[arg-type]
    assert path.read_bytes() == before
    assert t.tolist() == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["text.txt", "w.safetensors"]


def test_bad_arguments_to_load_and_bytes(tmp_path: Path) -> None:
    with pytest.raises(ct.SerializationError, match=r"load takes a path or a binary file .* int"):
        ct.load(3)  # type: ignore[arg-type]
    (tmp_path / "t.txt").write_text("{}")
    with open(tmp_path / "t.txt") as f, pytest.raises(ct.SerializationError, match=r"'rb'"):
        ct.load(f)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match=r"missing\.safetensors"):
        ct.load(tmp_path / "missing.safetensors")
    with pytest.raises(ct.SerializationError, match=r"from_bytes takes bytes.*got str"):
        ct.from_bytes("abc")  # type: ignore[arg-type]
    with pytest.raises(ct.SerializationError, match=r"to_bytes takes a tensor, got list"):
        serialization.to_bytes([1])  # type: ignore[arg-type]
    with pytest.raises(ct.SerializationError, match=r"to_dict takes a tensor, got int"):
        serialization.to_dict(1)  # type: ignore[arg-type]


BAD_DICTS: list[tuple[str, Any, str]] = [
    ("not a dict", [1], r"from_dict takes a dict with keys dtype, shape and data, got list"),
    (
        "missing",
        {"dtype": "int8", "shape": []},
        r"exactly the keys dtype, shape and data; missing: data",
    ),
    (
        "extra",
        {"dtype": "int8", "shape": [], "data": [1], "x": 0},
        r"exactly the keys .*; unknown: 'x'",
    ),
    ("unknown dtype", {"dtype": "complex32", "shape": [], "data": [1]}, r"unknown dtype .complex"),
    ("dtype not str", {"dtype": None, "shape": [], "data": [1]}, r"unknown dtype None"),
    ("negative dim", {"dtype": "int8", "shape": [-1], "data": []}, r"shape \[-1\] is not a list"),
    ("bool dim", {"dtype": "int8", "shape": [True], "data": [1]}, r"shape \[True\] is not"),
    ("shape str", {"dtype": "int8", "shape": "2", "data": [1, 2]}, r"shape '2' is not a list"),
    ("rank 65", {"dtype": "int8", "shape": [1] * 65, "data": [1]}, r"at most 64 integers"),
    ("huge", {"dtype": "int8", "shape": [2**62, 2**62, 0], "data": []}, r"too large to describe"),
    ("data not list", {"dtype": "int8", "shape": [2], "data": "ab"}, r"data must be a flat list"),
    (
        "length",
        {"dtype": "int8", "shape": [2, 2], "data": [1, 2, 3]},
        r"shape \[2, 2\] holds 4 elements but data has 3",
    ),
    (
        "nested",
        {"dtype": "int8", "shape": [1], "data": [[1]]},
        r"data\[0\] = \[1\] is not an integer",
    ),
    ("bool as int", {"dtype": "int8", "shape": [1], "data": [True]}, r"True is not an integer"),
    ("float as int", {"dtype": "int32", "shape": [1], "data": [1.0]}, r"1.0 is not an integer"),
    (
        "int range",
        {"dtype": "uint8", "shape": [2], "data": [1, 256]},
        r"data\[1\] = 256 is outside the range of uint8 \[0, 255\]",
    ),
    ("int as bool", {"dtype": "bool", "shape": [1], "data": [1]}, r"data\[0\] = 1 is not a bool"),
    (
        "float str",
        {"dtype": "float32", "shape": [1], "data": ["1.5"]},
        r"'1.5' is not a number nor",
    ),
    (
        "float16 overflow",
        {"dtype": "float16", "shape": [1], "data": [70000.0]},
        r"too large for float16",
    ),
    (
        "int overflow",
        {"dtype": "float64", "shape": [1], "data": [10**400]},
        r"too large for float64",
    ),
    ("none", {"dtype": "float64", "shape": [1], "data": [None]}, r"None is not a number"),
]


@pytest.mark.parametrize(
    ("d", "message"), [c[1:] for c in BAD_DICTS], ids=[c[0] for c in BAD_DICTS]
)
def test_malformed_dicts_raise_serialization_error(d: Any, message: str) -> None:
    with pytest.raises(ct.SerializationError, match=message):
        ct.from_dict(d)


@dtype_params(FLOAT_DTYPES)
def test_float_dict_accepts_the_largest_finite_value(dtype: ct.DType) -> None:
    big = float(ml_dtypes.finfo(dtype.numpy).max)
    assert ct.from_dict({"dtype": dtype.name, "shape": [2], "data": [big, -big]}).tolist() == [
        big,
        -big,
    ]
