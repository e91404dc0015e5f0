"""Loading costs time and memory linear in the header, and can select tensors by name.

- A header of a million tensors costs a few Python calls a tensor and memory in
  proportion; repeated keys are found however the header is written.
- ``load(..., names=...)`` loads only the named tensors, so a tensor of a dtype corten
  lacks blocks only itself, while the whole header is still validated.
"""

from __future__ import annotations

import gc
import io
import json
import struct
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import corten as ct
from corten.serialization.safetensors import FORMAT_BITS, FORMAT_NAMES


def craft(header: dict[str, Any], data: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def entry(dtype: str, shape: list[int], begin: int, end: int) -> dict[str, Any]:
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


# ----------------------------------------------------------------------------- large headers


def empty_tensors(count: int) -> bytes:
    header = {f"{i:x}": entry("F32", [0], 0, 0) for i in range(count)}
    return craft(header)


def test_loading_makes_a_few_python_calls_per_tensor() -> None:
    blob = empty_tensors(5000)
    ct.load(io.BytesIO(blob))
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        loaded = ct.load(io.BytesIO(blob))
    finally:
        sys.setprofile(None)
    assert len(loaded) == 5000
    assert calls <= 4 * 5000  # was 16 a tensor: the header cost 80 s at 1.7 million


def test_loading_memory_is_linear_in_the_header() -> None:
    small, large = empty_tensors(5000), empty_tensors(20000)
    peaks = []
    tracemalloc.start()
    try:
        for blob in (small, large):
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            loaded = ct.load(io.BytesIO(blob))
            peaks.append(tracemalloc.get_traced_memory()[1] - base)
            del loaded
    finally:
        tracemalloc.stop()
    assert peaks[1] < 4.4 * peaks[0]
    assert peaks[1] < 16 * len(large)  # each tensor object costs ~9 header bytes' worth


def test_loading_a_large_header_leaves_the_garbage_collector_as_it_was() -> None:
    blob = empty_tensors(20000)  # over 1 MiB: loaded with the collector paused
    bad = blob + b"\0"  # one trailing byte
    assert gc.isenabled()
    assert len(ct.load(io.BytesIO(blob))) == 20000
    assert gc.isenabled()
    with pytest.raises(ct.SerializationError, match=r"trailing bytes"):
        ct.load(io.BytesIO(bad))
    assert gc.isenabled()
    gc.disable()
    try:
        ct.load(io.BytesIO(blob))
        assert not gc.isenabled()
    finally:
        gc.enable()


def frame(text: str, data: bytes) -> bytes:
    raw = text.encode() + b" " * (-len(text) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


def test_repeated_keys_are_found_however_the_header_is_written() -> None:
    a, b = json.dumps(entry("U8", [1], 0, 1)), json.dumps(entry("U8", [1], 1, 2))
    cases = [
        '{"b": ' + a + ', "b": ' + json.dumps(entry("U8", [2], 0, 2)) + "}",
        # four escaped colons make up for the four pairs of the lost "b" in a count
        '{"a\\u003a\\u003a\\u003a\\u003a": ' + a + ', "b": ' + b + ', "b": ' + b + "}",
        '{"a": ' + a + ', "__metadata__": {"k": "v:", "k": "w"}, "b": ' + b + "}",
        '{"a": {"dtype": "U8", "shape": [1], "shape": [2], "data_offsets": [0, 2]}}',
    ]
    for text in cases:
        with pytest.raises(ct.SerializationError, match=r"the header repeats the key"):
            ct.load(io.BytesIO(frame(text, b"\0\0")))


def test_names_with_colons_load() -> None:
    header = {"m:a": entry("U8", [1], 0, 1), "b": entry("U8", [1], 1, 2)}
    text = json.dumps({**header, "__metadata__": {"k:1": "v:2"}})
    for blob in (frame(text, b"\1\2"), frame(text.replace('"m:a"', '"m\\u003aa"'), b"\1\2")):
        loaded = ct.load(io.BytesIO(blob))
        assert loaded["m:a"].tolist() == [1]
        assert loaded["b"].tolist() == [2]
        assert loaded.metadata == {"k:1": "v:2"}


# ----------------------------------------------------------------------------- names


def unsupported_code() -> str:
    """A dtype of the safetensors format that corten does not support."""
    mine = set(FORMAT_NAMES.values())
    return next(c for c in ("C64", "F6_E2M3", "F8_E8M0", *FORMAT_BITS) if c not in mine)


def mixed_file() -> bytes:
    """Tensors a (F32), q (a dtype corten lacks) and b (U8), with metadata."""
    code = unsupported_code()
    nq = FORMAT_BITS[code] * 4 // 8  # four elements
    header = {
        "__metadata__": {"m": "x"},
        "a": entry("F32", [2], 0, 8),
        "q": entry(code, [4], 8, 8 + nq),
        "b": entry("U8", [3], 8 + nq, 11 + nq),
    }
    return craft(header, struct.pack("<ff", 1.5, -2.0) + b"\xff" * nq + b"\x01\x02\x03")


def loads_of(blob: bytes, tmp: Path, **kwargs: Any) -> list[Any]:
    path = tmp / "f.safetensors"
    path.write_bytes(blob)
    return [
        ct.load(path, **kwargs),
        ct.load(path, mmap=False, **kwargs),
        ct.load(io.BytesIO(blob), **kwargs),
        ct.load(io.BytesIO(blob), mmap=False, **kwargs),
    ]


def test_load_selects_tensors_by_name(tmp_path: Path) -> None:
    f = io.BytesIO()
    ct.save(f, {"w": ct.ones((2, 2)), "b": ct.arange(3), "s": ct.tensor(7)}, metadata={"k": "v"})
    blob = f.getvalue()
    for loaded in loads_of(blob, tmp_path, names=["s", "w", "s"]):
        assert list(loaded) == ["s", "w"]  # the order asked, each once
        assert loaded["s"].tolist() == 7
        assert loaded["w"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
        assert loaded.metadata == {"k": "v"}
    for loaded in loads_of(blob, tmp_path, names=()):
        assert loaded == {}
        assert loaded.metadata == {"k": "v"}
    on_sim = ct.load(io.BytesIO(blob), device="sim", names=iter(["b"]))
    assert on_sim["b"].device == ct.sim
    assert on_sim["b"].to_cpu().tolist() == [0, 1, 2]


def test_a_tensor_corten_cannot_load_blocks_only_itself(tmp_path: Path) -> None:
    blob = mixed_file()
    code = unsupported_code()
    for loaded in loads_of(blob, tmp_path, names=["b", "a"]):
        assert loaded["a"].tolist() == [1.5, -2.0]
        assert loaded["b"].tolist() == [1, 2, 3]
        assert loaded.metadata == {"m": "x"}
    refusal = rf"tensor 'q' has dtype '{code}', which corten does not support"
    with pytest.raises(ct.SerializationError, match=refusal + r".*names=\[\.\.\.\]\) loads the"):
        ct.load(io.BytesIO(blob))
    with pytest.raises(ct.SerializationError, match=refusal):
        ct.load(io.BytesIO(blob), names=["a", "q"])


def test_the_whole_header_is_validated_whatever_the_names(tmp_path: Path) -> None:
    code = unsupported_code()
    nq = FORMAT_BITS[code] * 4 // 8
    data = b"\0" * (8 + nq)
    bad = [
        (  # the unwanted tensor's size does not match its shape
            craft({"a": entry("F32", [2], 0, 8), "q": entry(code, [5], 8, 8 + nq)}, data),
            r"tensor 'q' of shape \[5\] and dtype .* needs",
        ),
        (  # not a dtype of the format at all
            craft({"a": entry("F32", [2], 0, 8), "q": entry("XYZ", [4], 8, 8 + nq)}, data),
            r"tensor 'q' has dtype 'XYZ', which corten does not support",
        ),
        (  # a gap
            craft({"a": entry("F32", [2], 0, 8), "q": entry(code, [4], 9, 9 + nq)}, data + b"\0"),
            r"bytes from 8 belong to no tensor",
        ),
    ]
    path = tmp_path / "bad.safetensors"
    for blob, message in bad:
        path.write_bytes(blob)
        with pytest.raises(ct.SerializationError, match=message):
            ct.load(path, names=["a"])
        with pytest.raises(ct.SerializationError, match=message):
            ct.load(io.BytesIO(blob), names=["a"])


def test_every_dtype_corten_writes_is_a_format_dtype_of_its_size() -> None:
    for dtype, code in FORMAT_NAMES.items():
        assert FORMAT_BITS[code] == 8 * dtype.itemsize, code


def test_sub_byte_dtypes_end_on_a_byte_boundary() -> None:
    if "F4" in FORMAT_NAMES.values():
        pytest.skip("corten supports F4")
    good = craft({"a": entry("U8", [1], 0, 1), "f": entry("F4", [2], 1, 2)}, b"\0\0")
    assert ct.load(io.BytesIO(good), names=["a"])["a"].tolist() == [0]
    odd = craft({"a": entry("U8", [1], 0, 1), "f": entry("F4", [3], 1, 3)}, b"\0\0\0")
    with pytest.raises(ct.SerializationError, match=r"12 bits, which do not end on a byte"):
        ct.load(io.BytesIO(odd), names=["a"])


def test_unknown_names_raise_missing_tensor_error(tmp_path: Path) -> None:
    blob = mixed_file()
    path = tmp_path / "f.safetensors"
    path.write_bytes(blob)
    with pytest.raises(ct.MissingTensorError) as info:
        ct.load(path, names=["a", "nope"])
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ct.SerializationError)
    held = "it holds 3: 'a', 'b', 'q'"
    assert str(info.value) == f"{str(path)!r} holds no tensor named 'nope'; {held}"
    with pytest.raises(KeyError, match=r"the BytesIO holds no tensor named 'x'; it holds 0$"):
        ct.load(io.BytesIO(craft({})), names=["x"])


def test_bad_names_are_refused_before_the_file_is_opened(tmp_path: Path) -> None:
    missing = tmp_path / "missing.safetensors"
    cases: list[tuple[Any, str]] = [
        ("w", r"names must be a collection of tensor names, got 'w'; .* names=\['w'\]"),
        (b"w", r"got b'w'"),
        (5, r"got 5"),
        (["w", 1], r"names must be str, got 1"),
    ]
    for names, message in cases:
        with pytest.raises(ct.SerializationError, match=message):
            ct.load(missing, names=names)
