"""Fuzzing the loaders with mutated valid files, random bytes and random dicts.

Valid files (random tensors of every dtype and shape, random names and metadata) are
mutated: bytes flipped, the file cut or extended, the length field rewritten, the JSON
header edited (numbers, dtype names, keys, spans deleted, duplicated or inserted). Every
mutant is loaded from a mapped file, a read file, a ``BytesIO`` and as bytes, and must
give, in every one of those ways, either SerializationError (the same message each
way) or tensors that can be read to the end, and exactly the saved ones when the file
is unchanged. When the ``safetensors`` package is installed it is the oracle for what
corten accepts: corten is at least as strict, and agrees on every value it loads.

Mutants are also loaded by name (``load(..., names=...)``): the named tensors as the
whole load gives them, or the whole load's error, except that a tensor of a dtype that
corten lacks fails only the loads that ask for it. The reconstructor that pickled
tensors name gets random arguments, and gives a correct tensor or SerializationError.
"""

from __future__ import annotations

import io
import json
import pickle
import re
import struct
import tempfile
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import ALL_DTYPES
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import corten as ct
from corten.interop import _interop
from corten.serialization import files as serialization
from corten.serialization.safetensors import FORMAT_BITS, FORMAT_NAMES

Array = np.ndarray[Any, Any]
HAVE_PACKAGE = find_spec("safetensors") is not None

fuzz = settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        yield Path(d) / "fuzz.safetensors"


# ----------------------------------------------------------------------------- valid files

names = st.text(st.characters(codec="utf-8"), max_size=4).filter(lambda s: s != "__metadata__")


@st.composite
def valid_files(draw: st.DrawFn) -> tuple[bytes, dict[str, Array], dict[str, str] | None]:
    """A file corten wrote, the arrays in it and its metadata."""
    keys = draw(st.lists(names, max_size=3, unique=True))
    content: dict[str, Array] = {}
    for key in keys:
        dtype = draw(st.sampled_from(ALL_DTYPES)).numpy
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
        if dtype.name == "bfloat16":  # hypothesis has no bfloat16: any bit pattern
            content[key] = draw(hnp.arrays(np.uint16, shape)).view(dtype)
        else:
            content[key] = draw(hnp.arrays(dtype, shape))
    metadata = draw(st.none() | st.dictionaries(names, st.text(max_size=3), max_size=2))
    f = io.BytesIO()
    ct.save(f, {k: ct.tensor(a) for k, a in content.items()}, metadata=metadata)
    return f.getvalue(), content, metadata


EDITS = [*["number"] * 3, "shift", "shift", "string", "string", "delete", "insert", "duplicate"]
MUTATIONS = ["flip", "flip_header", "flip_data", "cut", "extend", "length", *["edit"] * 6]


def _header_end(blob: bytes) -> int:
    return 8 + int.from_bytes(blob[:8], "little")


def _edit_header(draw: st.DrawFn, blob: bytes) -> bytes:
    """An edit of the JSON text, with the length field kept or recomputed."""
    end = _header_end(blob)
    text = blob[8:end].decode("utf-8")
    numbers = [m.span() for m in re.finditer(r"-?\d+", text)]
    strings = [m.span() for m in re.finditer(r'"(?:[^"\\]|\\.)*"', text)]
    edit = draw(st.sampled_from(EDITS))
    spans = [m.span(1) for m in re.finditer(r'"data_offsets":\[(\d+,\d+)\]', text)]
    if edit == "shift" and spans:  # move a tensor's bytes: overlaps, gaps, out of range
        a, b = draw(st.sampled_from(spans))
        d = draw(st.sampled_from([-8, -4, -2, -1, 1, 2, 4, 8]))
        begin, end = (int(x) + d for x in text[a:b].split(","))
        text = f"{text[:a]}{begin},{end}{text[b:]}"
    elif edit == "number" and numbers:
        a, b = draw(st.sampled_from(numbers))
        near = int(text[a:b]) + draw(st.sampled_from([-8, -4, -2, -1, 1, 2, 4, 8]))
        new = draw(
            st.just(str(near))
            | st.sampled_from(["-1", "0", "1.0", "true", "null", "1e400", "9" * 30, "[]"])
            | st.integers(-(2**65), 2**65).map(str)
        )
        text = text[:a] + new + text[b:]
    elif edit == "string" and strings:
        a, b = draw(st.sampled_from(strings))
        words = [*FORMAT_NAMES.values(), *FORMAT_BITS, "XYZ", "dtype", "shape", "data_offsets"]
        words.append("__metadata__")
        new = draw(st.sampled_from(words).map(json.dumps) | st.sampled_from(["1", "{}", "[]"]))
        text = text[:a] + new + text[b:]
    elif edit == "delete" and text:
        a = draw(st.integers(0, len(text) - 1))
        text = text[:a] + text[a + draw(st.integers(1, 8)) :]
    elif edit == "duplicate" and strings:
        a, b = draw(st.sampled_from(strings))
        at = draw(st.integers(0, len(text)))
        text = text[:at] + text[a:b] + ":" + text[a:b] + "," + text[at:]
    else:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(st.sampled_from('{}[],:" 0123456789-\\\x00é'))) + text[at:]
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.sampled_from([True, True, True, False])):  # a consistent length field
        return struct.pack("<Q", len(raw)) + raw + blob[end:]
    return blob[:8] + raw + blob[end:]


@st.composite
def mutants(draw: st.DrawFn) -> tuple[bytes, bytes, dict[str, Array], dict[str, str] | None]:
    """(mutant, original, arrays, metadata): one to three mutations of a valid file.

    A mutation may happen to give back the original file (a cut header edited back).
    """
    original, content, metadata = draw(valid_files())
    blob = original
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(MUTATIONS))
        if kind in ("flip", "flip_header", "flip_data") and blob:
            end = min(len(blob), _header_end(blob)) if len(blob) >= 8 else len(blob)
            lo, hi = {"flip": (0, len(blob)), "flip_header": (0, end)}.get(kind, (end, len(blob)))
            if lo >= hi:
                continue
            i = draw(st.integers(lo, hi - 1))
            blob = blob[:i] + bytes([blob[i] ^ draw(st.integers(1, 255))]) + blob[i + 1 :]
        elif kind == "cut" and blob:
            blob = blob[: draw(st.integers(0, len(blob) - 1))]
        elif kind == "extend":
            blob = blob + draw(st.binary(min_size=1, max_size=16))
        elif kind == "length" and len(blob) >= 8:
            n = int.from_bytes(blob[:8], "little")
            new = draw(
                st.integers(0, 2**64 - 1)
                | st.integers(max(0, n - 16), n + 16)
                | st.sampled_from([0, 1, 2, len(blob), 100_000_000, 100_000_001, 2**63])
            )
            blob = struct.pack("<Q", new) + blob[8:]
        elif kind == "edit" and len(blob) >= 8 and _header_end(blob) <= len(blob):
            try:
                blob[8 : _header_end(blob)].decode("utf-8")
            except UnicodeDecodeError:
                continue
            blob = _edit_header(draw, blob)
    return blob, original, content, metadata


# ----------------------------------------------------------------------------- checking


Outcome = tuple[str, Any]


def _outcome(load: Callable[[], dict[str, Any]], where: str) -> Outcome:
    """("error", message without the source) or ("ok", {name: (dtype, shape, bytes)})."""
    try:
        loaded = load()
    except ct.SerializationError as exc:
        prefix = f"invalid safetensors data in {where}: "
        message = str(exc)
        assert message.startswith(prefix), message
        return "error", message[len(prefix) :]
    got = {}
    for name, t in loaded.items():
        assert type(t) is ct.Tensor
        got[name] = (t.dtype.name, t.shape, t.numpy().tobytes())  # every byte readable
    return "ok", got


def _check(blob: bytes, original: bytes, content: dict[str, Array], path: Path) -> Outcome:
    path.write_bytes(blob)
    ways = [
        (lambda: ct.load(path), repr(str(path))),
        (lambda: ct.load(path, mmap=False), repr(str(path))),
        (lambda: ct.load(io.BytesIO(blob)), "the BytesIO"),
        (lambda: ct.load(io.BytesIO(blob), mmap=False), "the BytesIO"),
    ]
    outcomes = [_outcome(load, where) for load, where in ways]
    assert all(o == outcomes[0] for o in outcomes), outcomes
    first = outcomes[0]
    single = _outcome(lambda: {"t": ct.from_bytes(blob)}, "the bytes")
    if first[0] == "error":
        assert single == first
    elif len(first[1]) == 1:
        assert single == ("ok", {"t": next(iter(first[1].values()))})
    else:
        assert single[0] == "error"
        assert single[1].startswith("expected exactly one tensor")
    if blob == original:
        assert first[0] == "ok"
        expected = {
            k: (ct.as_dtype(a.dtype).name, a.shape, a.tobytes()) for k, a in content.items()
        }
        assert first[1] == expected
    return first


def _kind(outcome: Outcome) -> str:
    """The kind of error, for hypothesis' statistics: the message without its values."""
    return re.sub(r"'[^']*'|\[[^\]]*\]|b'.*|-?\d+|\(.*", "_", str(outcome[1]))[:50]


def _package_agrees(blob: bytes, outcome: Outcome) -> None:
    """What corten loads, the safetensors package loads too, with the same values."""
    if outcome[0] != "ok":
        return
    if any(dtype == "bfloat16" for dtype, _, _ in outcome[1].values()):
        _torch_agrees(blob, outcome)  # safetensors.numpy cannot load BF16
        return
    from safetensors.numpy import load

    theirs = load(blob)
    assert set(theirs) == set(outcome[1])
    for name, (dtype, shape, data) in outcome[1].items():
        a = theirs[name]
        assert (a.dtype.name, a.shape, a.tobytes()) == (dtype, shape, data)


def _torch_agrees(blob: bytes, outcome: Outcome) -> None:
    if find_spec("torch") is None:
        return
    import torch
    from safetensors.torch import load

    theirs = load(blob)
    assert set(theirs) == set(outcome[1])
    for name, (dtype, shape, data) in outcome[1].items():
        t = theirs[name]
        bits = t.view(torch.uint8) if t.ndim else t.reshape(1).view(torch.uint8)
        assert (str(t.dtype), tuple(t.shape)) == (f"torch.{dtype}", shape)
        assert bits.numpy().tobytes() == data


# ----------------------------------------------------------------------------- the fuzz tests


@fuzz
@given(case=mutants())
def test_mutated_files_load_or_raise_serialization_error(
    case: tuple[bytes, bytes, dict[str, Array], dict[str, str] | None], scratch: Path
) -> None:
    blob, original, content, _ = case
    outcome = _check(blob, original, content, scratch)
    event("unchanged" if blob == original else outcome[0] if outcome[0] == "ok" else _kind(outcome))
    if HAVE_PACKAGE:
        _package_agrees(blob, outcome)


@settings(max_examples=300, deadline=None)
@given(case=valid_files())
def test_valid_files_load_back(
    case: tuple[bytes, dict[str, Array], dict[str, str] | None], scratch: Path
) -> None:
    blob, content, metadata = case
    assert _check(blob, blob, content, scratch)[0] == "ok"
    assert ct.load(io.BytesIO(blob)).metadata == (metadata or {})
    if HAVE_PACKAGE:
        _package_agrees(blob, _check(blob, blob, content, scratch))


@settings(max_examples=500, deadline=None)
@given(blob=st.binary(max_size=64) | st.binary(max_size=48).map(lambda b: b"{" + b))
def test_random_bytes_raise_serialization_error(blob: bytes) -> None:
    framed = struct.pack("<Q", len(blob)) + blob
    for data in (blob, framed):
        try:
            ct.from_bytes(data).numpy().tobytes()
        except ct.SerializationError as exc:
            message = str(exc)
        else:
            continue
        assert message.startswith("invalid safetensors data in the bytes: ")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)
dtype_names = st.sampled_from([d.name for d in ALL_DTYPES]) | json_values
shapes_ = st.lists(st.integers(-2, 4), max_size=3) | json_values
element_values = (
    st.integers(-(2**64), 2**64)
    | st.floats(width=64)
    | st.booleans()
    | st.sampled_from(["nan", "inf", "-inf", "NaN", "1"])
    | json_values
)


@st.composite
def dicts(draw: st.DrawFn) -> Any:
    d: dict[Any, Any] = {}
    for key in draw(st.permutations(["dtype", "shape", "data"]))[: draw(st.integers(0, 3))]:
        d[key] = None
    d = {"dtype": draw(dtype_names), "shape": draw(shapes_), "data": None} | d
    size = draw(st.integers(0, 6))
    d["data"] = draw(st.lists(element_values, min_size=size, max_size=size) | json_values)
    if draw(st.integers(0, 9)) == 0:
        d[draw(st.text(max_size=3))] = draw(json_values)
    if draw(st.integers(0, 9)) == 0:
        del d[draw(st.sampled_from(sorted(d, key=str)))]
    return draw(st.just(d) | json_values) if draw(st.integers(0, 19)) == 0 else d


@settings(max_examples=1000, deadline=None)
@given(d=dicts())
def test_random_dicts_give_a_tensor_or_serialization_error(d: Any) -> None:
    try:
        t = ct.from_dict(d)
    except ct.SerializationError as exc:
        message = str(exc)
    else:
        message = ""
    if message:
        assert message.startswith("from_dict")
        return
    assert t.shape == tuple(d["shape"])
    assert t.dtype.name == d["dtype"]
    back = t.to_dict()
    assert json.loads(json.dumps(back, allow_nan=False)) == back
    assert serialization.from_dict(back).numpy().tobytes() == t.numpy().tobytes()


# ----------------------------------------------------------------------------- loading by name


def _named_outcome(load: Callable[[], dict[str, Any]], where: str) -> Outcome:
    """:func:`_outcome`, with a name the file lacks as ("missing", message)."""
    try:
        loaded = load()
    except ct.MissingTensorError as exc:  # a KeyError too
        return "missing", str(exc).replace(where, "", 1)
    except ct.SerializationError:
        return _outcome(load, where)
    return _outcome(lambda: loaded, where)


def _refused(outcome: Outcome) -> bool:
    """Whether ``outcome`` is an error of one tensor, which loads that skip it do not see:
    a dtype of the format that corten lacks, or BOOL data other than 0 and 1."""
    if outcome[0] != "error":
        return False
    message = str(outcome[1])
    found = re.search(r"has dtype '([^']*)', which corten does not support", message)
    return (found is not None and found.group(1) in FORMAT_BITS) or message.endswith(
        "holds bytes other than 0 and 1"
    )


@st.composite
def files_with_unsupported(draw: st.DrawFn) -> tuple[bytes, dict[str, Array]]:
    """A valid file with one more tensor, of a format dtype that corten lacks."""
    blob, content, _ = draw(valid_files())
    lacking = [c for c in FORMAT_BITS if c not in FORMAT_NAMES.values()]
    code = draw(st.sampled_from(lacking))
    end = _header_end(blob)
    header = json.loads(blob[8:end])
    data = blob[end:]
    count = 8 * draw(st.integers(0, 3))  # whole bytes at every bit width
    nbytes = count * FORMAT_BITS[code] // 8
    name = "unsupported"  # longer than the names valid_files draws
    header[name] = {
        "dtype": code,
        "shape": [count],
        "data_offsets": [len(data), len(data) + nbytes],
    }
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    extra = draw(st.binary(min_size=nbytes, max_size=nbytes))
    return struct.pack("<Q", len(raw)) + raw + data + extra, content


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_files_load_by_name(data: st.DataObject, scratch: Path) -> None:
    mixed = data.draw(st.booleans())
    if mixed:
        blob, content = data.draw(files_with_unsupported())
    else:
        blob, _, content, _ = data.draw(mutants())
    wanted = data.draw(st.lists(st.sampled_from([*content, "absent"]), max_size=3))
    scratch.write_bytes(blob)
    where = repr(str(scratch))
    ways = [
        (lambda: ct.load(scratch, names=wanted), where),
        (lambda: ct.load(scratch, mmap=False, names=wanted), where),
        (lambda: ct.load(io.BytesIO(blob), names=wanted), "the BytesIO"),
    ]
    outcomes = [_named_outcome(load, w) for load, w in ways]
    assert all(o == outcomes[0] for o in outcomes), outcomes
    named = outcomes[0]
    whole = _outcome(lambda: ct.load(io.BytesIO(blob)), "the BytesIO")
    first_missing = next((n for n in wanted if whole[0] == "ok" and n not in whole[1]), None)
    event(f"{'mixed' if mixed else 'mutant'}: whole {whole[0]}, by name {named[0]}")
    if mixed:
        assert _refused(whole)
        if "absent" in wanted:
            assert named[0] == "missing"
        else:
            arrays = {n: content[n] for n in wanted}
            expected = {
                n: (ct.as_dtype(a.dtype).name, a.shape, a.tobytes()) for n, a in arrays.items()
            }
            assert named == ("ok", expected)
    elif whole[0] == "ok" and first_missing is None:
        assert named == ("ok", {n: whole[1][n] for n in wanted})
    elif whole[0] == "ok":
        assert named[0] == "missing"
        assert f"no tensor named {first_missing!r}" in named[1]
    elif not _refused(whole):
        assert named == whole  # the whole header is validated whatever the names
    elif named[0] == "ok" and HAVE_PACKAGE:  # only tensors corten has: as the package reads them
        from safetensors import safe_open

        with safe_open(scratch, framework="numpy") as f:
            for name, (dtype, shape, raw) in named[1].items():
                a = f.get_tensor(name)
                assert (a.dtype.name, a.shape, a.tobytes()) == (dtype, shape, raw)
    else:
        assert named[0] == "missing" or _refused(named), named


# ----------------------------------------------------------------------------- pickle


class _Crafted:
    """Pickles as a call of corten's tensor reconstructor with the given arguments."""

    def __init__(self, *args: object) -> None:
        self.args = args

    def __reduce__(self) -> tuple[Any, ...]:
        return (_interop._rebuild, self.args)


DTYPE_STRINGS = [d.numpy.str for d in ALL_DTYPES] + [">f4", ">i8", ">u2", "=f8", "|b1"]


@st.composite
def rebuild_arguments(draw: st.DrawFn) -> tuple[object, ...]:
    """Arguments for the reconstructor: mostly well-formed, each part sometimes not."""

    def bad() -> bool:
        return draw(st.integers(0, 9)) == 0

    kind = draw(
        json_values if bad() else st.sampled_from(["Tensor", "TensorView", "TensorViewMut"])
    )
    device = draw(json_values | st.just("tpu") if bad() else st.sampled_from(["cpu", "sim"]))
    dtype = draw(
        st.sampled_from(["O", "f4,f4", "M8[ns]", "xyz", "S3"])
        if bad()
        else st.sampled_from(DTYPE_STRINGS)
    )
    shape = draw(
        st.lists(st.integers(-2, 3) | st.booleans(), max_size=3).map(tuple)
        | st.sampled_from([(0, 2**70), (1,) * 65, (0,) * 64, [2]])
        | json_values
        if bad()
        else st.lists(st.integers(0, 3), max_size=3).map(tuple)
    )
    try:
        nbytes = max(0, int(np.prod(shape, dtype=object)) * np.dtype(dtype).itemsize)
    except Exception:
        nbytes = 0
    size = max(0, nbytes + (draw(st.sampled_from([-1, 1])) if bad() else 0))
    payload = draw(st.binary(min_size=min(size, 256), max_size=min(size, 256)))
    wrap = draw(st.sampled_from([bytes, bytearray, memoryview, lambda b: np.frombuffer(b, "u1")]))
    data = draw(json_values) if bad() else wrap(payload)
    args = (kind, device, dtype, shape, data)
    arity = draw(st.sampled_from([4, 6])) if bad() else 5
    return args[:arity] + (0,) * (arity - 5)


@settings(max_examples=800, deadline=None)
@given(args=rebuild_arguments(), via_pickle=st.booleans())
def test_crafted_reconstructions_give_a_tensor_or_serialization_error(
    args: tuple[object, ...], via_pickle: bool
) -> None:
    try:
        if via_pickle:
            wire = tuple(bytes(a) if isinstance(a, memoryview) else a for a in args)
            t = pickle.loads(pickle.dumps(_Crafted(*wire), protocol=5))
        else:
            t = _interop._rebuild(*args)
    except ct.SerializationError as exc:
        event(re.sub(r"'[^']*'|\(.*\)|\[.*\]|\d+", "_", str(exc))[:40])
        return
    event("rebuilt")
    kind, device, dtype, shape, data = args
    assert type(t).__name__ == kind
    assert t.device == ct.device(str(device))
    assert t.shape == shape
    expected = np.frombuffer(bytes(memoryview(data)), dtype=np.dtype(str(dtype)))  # type: ignore[arg-type]
    assert t.dtype == ct.as_dtype(expected.dtype.newbyteorder("="))
    host = t.to_cpu() if t.device != ct.cpu else t
    assert host.numpy().tobytes() == expected.astype(expected.dtype.newbyteorder("=")).tobytes()
