"""Interop: DLPack export and import, the array interfaces, the buffer protocol, pickle.

The specification these tests hold corten to:

- DLPack (array API): a frozen ``TensorView`` exports read-only memory that pins its
  buffer; a ``Tensor`` or ``TensorViewMut`` exports a writable alias and its buffer
  escapes (DESIGN §2). Versioned capsules when ``max_version >= (1, 0)``, legacy ones
  otherwise. ``copy``/``dl_device``/``stream`` follow the standard; ``BufferError`` where
  a request cannot be met. Negative strides are never exported (PyTorch aborts the process
  on them): they are copied, or refused under ``copy=False``.
- ``ct.from_dlpack`` shares the producer's memory (same data pointer), as
  ``ct.from_numpy`` does: escaped buffer, read-only memory copied on the first write.
- ``__array_interface__`` on every cpu tensor, read-only (owners and mutable views: a
  pinned export, see test_array_interface_owners.py); ``__cuda_array_interface__`` absent
  off cuda; ``__buffer__`` read-only (pinning) or writable (escaping).
- pickle by value for every kind; protocol 5 hands the elements out of band without a
  copy, and rebuilds over the buffers passed back without a copy.

NumPy is the oracle for values; PyTorch tests are marked ``requires_torch``.
"""

from __future__ import annotations

import gc
import pickle
import sys
from typing import Any

import numpy as np
import pytest
from conftest import ALL_DTYPES, arrays, dtype_params, layouts, shapes, values
from hypothesis import given
from hypothesis import strategies as st

import corten as ct
from corten.tensor.mutable import _OverlappingViewMut

Array = np.ndarray[Any, Any]

# NumPy has no bfloat16: its DLPack importer and array interface cannot take one
# (tests/test_bfloat16.py checks what corten does instead).
NUMPY_DTYPES = tuple(d for d in ALL_DTYPES if d is not ct.bfloat16)

KDLCPU = 1
KDLCUDA = 2


def ptr(x: Any) -> int:
    """The address of the first element of a corten tensor or NumPy array."""
    a = x._np() if isinstance(x, ct.TensorView) else x
    return int(a.__array_interface__["data"][0])


def capsule_name(capsule: object) -> str:
    return repr(capsule).split('"')[1]


def has_negative_strides(t: Any) -> bool:
    return t.numel > 0 and any(st < 0 and s > 1 for s, st in zip(t.shape, t.strides, strict=True))


def read_only_kind(t: Any) -> bool:
    return type(t) is ct.TensorView or isinstance(t, _OverlappingViewMut)


class Producer:
    """A DLPack producer that forwards to ``inner`` with some arguments overridden."""

    def __init__(self, inner: Any, **overrides: Any) -> None:
        self.inner = inner
        self.overrides = overrides
        self.calls: list[dict[str, Any]] = []

    def __dlpack__(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.inner.__dlpack__(**{**kwargs, **self.overrides})

    def __dlpack_device__(self) -> Any:
        return self.inner.__dlpack_device__()


class ForeignDevice:
    """A producer whose memory lives on another DLPack device; it copies to the host."""

    def __init__(self, a: Array, device: tuple[int, int]) -> None:
        self.a = a
        self.device = device

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.device

    def __dlpack__(self, *, dl_device: Any = None, copy: Any = None, **kwargs: Any) -> Any:
        host = self.device[0] in (KDLCPU, 3)  # memory the host reads (CUDA pinned: 3)
        if not host and (dl_device is None or tuple(dl_device) != (KDLCPU, 0)):
            raise BufferError("this producer only exports host copies")
        return self.a.copy().__dlpack__(**kwargs)


@pytest.fixture
def torch() -> Any:
    return pytest.importorskip("torch")


def sim_available() -> bool:
    try:
        ct.zeros((1,), device=ct.sim)
    except ct.DeviceUnavailableError:
        return False
    return True


# =========================================================================== DLPack export


@given(data=st.data())
def test_numpy_from_dlpack_of_any_layout_holds_the_values(data: st.DataObject) -> None:
    dtype = data.draw(st.sampled_from(NUMPY_DTYPES), label="dtype")
    a = data.draw(arrays(dtype, shapes), label="a")
    t = data.draw(layouts(a), label="layout")
    out = np.from_dlpack(t)
    assert out.dtype == dtype.numpy
    assert np.array_equal(out, a, equal_nan=True)
    zero_copy = not has_negative_strides(t)
    if a.size:
        assert np.shares_memory(out, t._np()) is zero_copy
    if read_only_kind(t) and zero_copy:
        assert not out.flags.writeable
    else:
        assert out.flags.writeable


@given(data=st.data())
def test_writes_through_a_writable_dlpack_export_reach_the_tensor(data: st.DataObject) -> None:
    a = data.draw(arrays(ct.int64, shapes, small=True), label="a")
    t = data.draw(layouts(a, writable=True), label="layout")
    out = np.from_dlpack(t)
    assert out.flags.writeable
    out[...] = 7
    expected = a.copy()
    if not has_negative_strides(t):  # zero-copy: an escaped alias
        assert t._storage.buffer.escaped
        expected[...] = 7
    assert np.array_equal(values(t), expected)


@dtype_params(NUMPY_DTYPES)
def test_frozen_view_export_is_read_only_zero_copy_and_pins(dtype: ct.DType) -> None:
    t = ct.tensor(np.arange(6).reshape(2, 3).astype(dtype.numpy))
    before = values(t)
    v = t[:, 1:]
    buf = v._storage.buffer
    holders = buf.holders
    out = np.from_dlpack(v)
    assert ptr(out) == ptr(v)
    assert not out.flags.writeable
    assert buf.holders == holders + 1
    assert not buf.escaped
    t[...] = np.zeros((2, 3), dtype.numpy)  # the owner copies away; the export keeps what it saw
    assert np.array_equal(out, before[:, 1:])
    assert buf.holders == holders  # the owner's hold went, the export's stays
    del out
    gc.collect()
    assert buf.holders == holders - 1


def test_owner_export_escapes_and_copies_away_from_earlier_clones() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    clone = t.clone()
    early = t.view()
    out = np.from_dlpack(t)
    assert t._storage.buffer.escaped
    assert ptr(out) == ptr(t)
    out[0] = 10
    assert t.tolist() == [10, 2, 3]
    assert clone.tolist() == [1, 2, 3]
    assert early.tolist() == [1, 2, 3]
    late = t.clone()  # an escaped buffer: clones copy eagerly
    out[1] = 20
    assert t.tolist() == [10, 20, 3]
    assert late.tolist() == [10, 2, 3]


def test_mutable_view_export_writes_into_the_owner() -> None:
    t = ct.zeros((2, 3), dtype=ct.int32)
    m = t.view_mut()[1, ::2]
    out = np.from_dlpack(m)
    out[...] = 5
    assert t.tolist() == [[0, 0, 0], [5, 0, 5]]


def test_overlapping_mutable_view_exports_read_only() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    m = t.view_mut().expand(2, 3)
    assert isinstance(m, _OverlappingViewMut)
    out = np.from_dlpack(m)
    assert not out.flags.writeable
    assert out.strides == (0, 8)
    assert not t._storage.buffer.escaped


def test_owner_over_read_only_memory_exports_a_private_copy() -> None:
    a = np.arange(3, dtype=np.int64)
    a.flags.writeable = False
    t = ct.from_numpy(a)
    out = np.from_dlpack(t)  # writable: the tensor first copies away from a's memory
    assert out.flags.writeable
    assert not np.shares_memory(out, a)
    out[0] = 9
    assert t.tolist() == [9, 1, 2]
    assert a.tolist() == [0, 1, 2]


def test_read_only_export_of_shared_memory_is_the_memory_itself() -> None:
    # Memory shared with NumPy (issue 13): a read-only export is a window on it, like a
    # NumPy view, and shows writes made through ``a``; nothing is copied.
    a = np.arange(3, dtype=np.int64)
    m = ct.from_numpy(a).view_mut().expand(2, 3)  # read-only kind over shared memory
    out = np.from_dlpack(m)
    assert np.shares_memory(out, a)
    assert not out.flags.writeable
    a[0] = 5
    assert out[0, 0] == 5
    assert np.shares_memory(np.from_dlpack(m, copy=False), a)


@pytest.mark.parametrize(
    ("max_version", "name"),
    [
        (None, "dltensor"),
        ((0, 8), "dltensor"),
        ((1, 0), "dltensor_versioned"),
        ((2, 3), "dltensor_versioned"),
    ],
)
@pytest.mark.parametrize("kind", ["owner", "frozen"])
def test_capsule_version_follows_max_version(kind: str, max_version: Any, name: str) -> None:
    t = ct.tensor([1.0, 2.0])
    x = t if kind == "owner" else t.view()
    assert capsule_name(x.__dlpack__(max_version=max_version)) == name


# kind, max_version, copy -> "share" (zero-copy), "copy", or "error"
ARRAY_API_CASES = [
    ("owner", None, None, "share"),
    ("owner", None, True, "copy"),
    ("owner", None, False, "share"),
    ("owner", (1, 0), None, "share"),
    ("owner", (1, 0), True, "copy"),
    ("owner", (1, 0), False, "share"),
    ("frozen", None, None, "copy"),  # a legacy capsule cannot say read-only
    ("frozen", None, True, "copy"),
    ("frozen", None, False, "error"),
    ("frozen", (1, 0), None, "share"),
    ("frozen", (1, 0), True, "copy"),
    ("frozen", (1, 0), False, "share"),
    ("reversed", (1, 0), None, "copy"),  # negative strides are never exported
    ("reversed", (1, 0), True, "copy"),
    ("reversed", (1, 0), False, "error"),
]


@pytest.mark.parametrize(("kind", "max_version", "copy", "outcome"), ARRAY_API_CASES)
def test_array_api_copy_and_max_version(
    kind: str, max_version: Any, copy: bool | None, outcome: str
) -> None:
    t = ct.tensor([[1, 2, 3], [4, 5, 6]], dtype=ct.int16)
    x = {"owner": t, "frozen": t[:, :2], "reversed": t.view_mut()[:, ::-1]}[kind]
    expected = values(x)
    producer = Producer(x, max_version=max_version, copy=copy)
    if outcome == "error":
        with pytest.raises(BufferError, match="copy=False"):
            np.from_dlpack(producer)
        assert t.tolist() == [[1, 2, 3], [4, 5, 6]]
        assert not t._storage.buffer.escaped
        return
    out = np.from_dlpack(producer)
    assert np.array_equal(out, expected)
    # NumPy makes arrays from legacy capsules read-only: it cannot know better.
    versioned = max_version is not None
    if outcome == "share":
        assert ptr(out) == ptr(x)
        assert out.flags.writeable is (kind == "owner" and versioned)
    else:
        assert not np.shares_memory(out, t._np())
        assert out.flags.c_contiguous
        assert out.flags.writeable is versioned  # the consumer owns its copy
        if versioned:
            out[...] = 0
            assert t.tolist() == [[1, 2, 3], [4, 5, 6]]


def test_copy_true_neither_pins_nor_escapes() -> None:
    t = ct.tensor([1, 2, 3])
    buf = t._storage.buffer
    out = np.from_dlpack(t, copy=True)
    assert buf.holders == 1
    assert not buf.escaped
    out[0] = 9
    assert t.tolist() == [1, 2, 3]


@pytest.mark.parametrize("dl_device", [(KDLCPU, 0), None])
def test_dl_device_of_the_cpu_is_accepted(dl_device: Any) -> None:
    t = ct.tensor([1, 2])
    out = np.from_dlpack(Producer(t, dl_device=dl_device))
    assert ptr(out) == ptr(t)


@pytest.mark.parametrize("dl_device", [(KDLCUDA, 0), (KDLCPU, 1), (14, 0), "cpu", (1,)])
def test_other_dl_devices_raise_buffer_error(dl_device: Any) -> None:
    t = ct.tensor([1, 2])
    with pytest.raises(BufferError, match=r"dl_device|DLPack device"):
        t.__dlpack__(dl_device=dl_device, max_version=(1, 0))
    assert not t._storage.buffer.escaped


def test_dl_device_takes_the_enum_that_producers_report(torch: Any) -> None:
    t = ct.tensor([1, 2])
    enum_cpu = torch.arange(1).__dlpack_device__()
    assert capsule_name(t.__dlpack__(dl_device=enum_cpu, max_version=(1, 0)))


@pytest.mark.parametrize("stream", [0, 1, 2, -1, object()])
def test_a_stream_on_the_cpu_raises_buffer_error(stream: Any) -> None:
    with pytest.raises(BufferError, match="stream=None"):
        ct.tensor([1]).__dlpack__(stream=stream)


def test_bad_arguments_raise_before_anything_happens() -> None:
    t = ct.tensor([1, 2])
    with pytest.raises(TypeError, match="max_version"):
        t.__dlpack__(max_version=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_version"):
        t.__dlpack__(max_version=(1, 0, 0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="copy"):
        t.__dlpack__(copy=1)  # type: ignore[arg-type]
    assert t._storage.buffer.holders == 1
    assert not t._storage.buffer.escaped


def test_dlpack_device_of_every_kind_on_the_cpu() -> None:
    t = ct.zeros((2, 2))
    for x in (t, t.view(), t.view_mut(), t[0]):
        assert x.__dlpack_device__() == (KDLCPU, 0)


def test_devices_without_dlpack_raise_buffer_error() -> None:
    if not sim_available():
        pytest.skip("the sim backend is not available in this build")
    s = ct.tensor([1.0, 2.0]).to(ct.sim)
    for x in (s, s.view()):
        with pytest.raises(BufferError, match="sim"):
            x.__dlpack__(max_version=(1, 0))
        with pytest.raises(BufferError, match="sim"):
            x.__dlpack_device__()
    assert s.to_cpu().tolist() == [1.0, 2.0]


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3)])
def test_rank0_and_zero_size_round_trip_through_numpy(shape: tuple[int, ...]) -> None:
    a = np.full(shape, 3.5, dtype=np.float32)
    t = ct.tensor(a)
    for x in (t, t.view()):
        out = np.from_dlpack(x)
        assert out.shape == shape
        assert np.array_equal(out, a)
    back = ct.from_dlpack(a)
    assert back.shape == shape
    assert np.array_equal(values(back), a)


# =========================================================================== PyTorch


@pytest.mark.requires_torch
@dtype_params(ALL_DTYPES)
def test_torch_round_trips_share_memory(torch: Any, dtype: ct.DType) -> None:
    a = (np.arange(12) % 2 if dtype.is_bool else np.arange(12)).astype(dtype.numpy).reshape(3, 4)
    t = ct.tensor(a)
    # corten -> torch: zero-copy, same address, a writable alias of the owner
    tt = torch.from_dlpack(t)
    assert str(tt.dtype) == f"torch.{dtype.name}"
    assert tt.data_ptr() == ptr(t)
    if dtype is ct.bfloat16:  # torch's numpy() has no bfloat16
        assert np.array_equal(tt.float().numpy(), a.astype(np.float32))
    else:
        assert np.array_equal(tt.numpy(), a)
    # torch -> corten: zero-copy, same address
    back = ct.from_dlpack(tt)
    assert type(back) is ct.Tensor
    assert back.dtype is dtype
    assert ptr(back) == tt.data_ptr()
    assert np.array_equal(values(back), a)
    # a strided torch tensor keeps its strides
    sub = tt.t()[1:, ::2]
    back_sub = ct.from_dlpack(sub)
    assert ptr(back_sub) == sub.data_ptr()
    assert back_sub.strides == tuple(sub.stride())
    assert np.array_equal(values(back_sub), a.T[1:, ::2])


@pytest.mark.requires_torch
def test_writes_cross_between_torch_and_corten(torch: Any) -> None:
    t = ct.zeros((2, 3), dtype=ct.float32)
    tt = torch.from_dlpack(t)
    tt[0, 1] = 4.0  # corten sees writes through the escaped alias
    assert t.tolist() == [[0.0, 4.0, 0.0], [0.0, 0.0, 0.0]]
    t[1, 2] = 5.0  # and torch sees corten's
    assert tt[1, 2].item() == 5.0

    src = torch.arange(4, dtype=torch.int64)
    c = ct.from_dlpack(src)
    assert c._storage.buffer.escaped
    src[0] = 9
    assert c.tolist() == [9, 1, 2, 3]
    c[1] = 8
    assert src.tolist() == [9, 8, 2, 3]
    clone = c.clone()  # escaped: an eager copy
    src[2] = 7
    assert clone.tolist() == [9, 8, 2, 3]


@pytest.mark.requires_torch
def test_frozen_view_reaches_torch_read_only_and_pinned(torch: Any) -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    v = t.view()
    holders = v._storage.buffer.holders
    tt = torch.from_dlpack(v)
    assert tt.data_ptr() == ptr(v)
    assert v._storage.buffer.holders == holders + 1
    t[0] = 100  # the owner copies away from the pinned buffer
    assert tt.tolist() == [1, 2, 3]
    assert v._storage.buffer.holders == holders  # the owner's hold went, the export's stays
    del tt
    gc.collect()
    assert v._storage.buffer.holders == holders - 1


@pytest.mark.requires_torch
def test_negative_strides_reach_torch_as_a_copy(torch: Any) -> None:
    t = ct.tensor(np.arange(6, dtype=np.float64).reshape(2, 3))
    flipped = t.flip(1)
    tt = torch.from_dlpack(flipped)  # torch aborts the process on negative strides
    assert tt.tolist() == [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    assert tt.data_ptr() != ptr(flipped)
    with pytest.raises(BufferError, match="steps backwards"):
        torch.from_dlpack(Producer(flipped, copy=False))


@pytest.mark.requires_torch
@pytest.mark.parametrize("shape", [(), (0,), (3, 0)])
def test_torch_rank0_and_zero_size(torch: Any, shape: tuple[int, ...]) -> None:
    t = ct.full(shape, 2, dtype=ct.int32)
    tt = torch.from_dlpack(t)
    assert tuple(tt.shape) == shape
    assert np.array_equal(tt.numpy(), np.full(shape, 2, np.int32))
    back = ct.from_dlpack(torch.full(shape, 3, dtype=torch.int16))
    assert back.shape == shape
    assert back.dtype is ct.int16
    assert np.array_equal(values(back), np.full(shape, 3, np.int16))


@pytest.mark.requires_torch
def test_torch_producer_outlives_its_python_object(torch: Any) -> None:
    src = torch.arange(1000, dtype=torch.float32)
    t = ct.from_dlpack(src)
    del src
    gc.collect()
    assert values(t).tolist() == list(range(1000))


@pytest.mark.requires_torch
def test_torch_dtype_without_corten_dtype_raises_dtype_error(torch: Any) -> None:
    src = torch.ones(3, dtype=torch.float8_e4m3fnuz)
    with pytest.raises(ct.DTypeError, match="dtype"):
        ct.from_dlpack(src)
    assert ct.from_dlpack(torch.ones(2, dtype=torch.complex64)).dtype is ct.complex64


@pytest.mark.requires_torch
@pytest.mark.parametrize("copy", [True, False, None])
def test_from_dlpack_of_torch_follows_copy(torch: Any, copy: bool | None) -> None:
    src = torch.arange(6, dtype=torch.int32).reshape(2, 3)
    t = ct.from_dlpack(src, copy=copy)
    assert t.tolist() == src.tolist()
    if copy:
        assert ptr(t) != src.data_ptr()
        assert not t._storage.buffer.escaped  # it owns its memory
        src[0, 0] = 50
        assert t[0, 0].item() == 0
    else:
        assert ptr(t) == src.data_ptr()


@pytest.mark.requires_cuda
@pytest.mark.requires_torch
def test_from_dlpack_of_a_torch_cuda_tensor(torch: Any) -> None:
    if not torch.cuda.is_available():
        pytest.skip("needs PyTorch with a CUDA GPU")
    src = torch.arange(5, device="cuda", dtype=torch.float32)
    if not ct.cuda.is_available():
        with pytest.raises(ct.DeviceUnavailableError):
            ct.from_dlpack(src)
        return
    t = ct.from_dlpack(src)
    assert t.device == ct.cuda(src.device.index or 0)
    assert t.to_cpu().tolist() == src.cpu().tolist()


# =========================================================================== DLPack import


@given(data=st.data())
def test_from_dlpack_of_numpy_shares_memory(data: st.DataObject) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
    base = data.draw(arrays(dtype, shapes), label="a")
    steps = tuple(data.draw(st.sampled_from([1, 2, -1])) for _ in range(base.ndim))
    a = base[(*(slice(None, None, k) for k in steps), ...)]
    t = ct.from_dlpack(a)
    assert t.dtype is dtype
    assert np.array_equal(values(t), a, equal_nan=True)
    if a.size:
        assert ptr(t) == ptr(a)


def test_from_dlpack_of_a_read_only_array_copies_on_write() -> None:
    a = np.arange(4, dtype=np.int64)
    a.flags.writeable = False
    t = ct.from_dlpack(a)
    assert ptr(t) == ptr(a)
    t[0] = 10
    assert a.tolist() == [0, 1, 2, 3]
    assert t.tolist() == [10, 1, 2, 3]


def test_from_dlpack_of_a_read_only_capsule_copies_on_write() -> None:
    a = np.arange(4, dtype=np.int64)
    a.flags.writeable = False
    t = ct.from_dlpack(Producer(a))  # through the protocol, not the ndarray shortcut
    assert ptr(t) == ptr(a)
    assert t._storage.buffer.readonly
    t += 1
    assert a.tolist() == [0, 1, 2, 3]
    assert t.tolist() == [1, 2, 3, 4]


def test_from_dlpack_through_the_protocol_writes_both_ways() -> None:
    a = np.zeros(3, dtype=np.float32)
    p = Producer(a)
    t = ct.from_dlpack(p)
    assert p.calls
    assert p.calls[0]["max_version"] >= (1, 0)
    assert ptr(t) == ptr(a)
    t[0] = 1.0
    a[1] = 2.0
    assert a.tolist() == [1.0, 2.0, 0.0]
    assert t.tolist() == [1.0, 2.0, 0.0]


@pytest.mark.parametrize("copy", [True, None])
def test_byteswapped_arrays_are_copied_unless_copy_is_false(copy: bool | None) -> None:
    a = np.arange(3, dtype=">i4")
    t = ct.from_dlpack(a, copy=copy)
    assert t.tolist() == [0, 1, 2]
    assert t.dtype is ct.int32
    with pytest.raises(BufferError, match="copy=False"):
        ct.from_dlpack(a, copy=False)


def test_from_dlpack_copy_true_owns_its_memory() -> None:
    a = np.arange(3.0)
    t = ct.from_dlpack(a, copy=True)
    assert not np.shares_memory(t._np(), a)
    assert not t._storage.buffer.escaped
    a[0] = 5
    assert t.tolist() == [0.0, 1.0, 2.0]


def test_from_dlpack_of_a_corten_tensor_is_a_clone() -> None:
    t = ct.tensor([1, 2, 3])
    for x in (t, t.view(), t.view_mut()):
        c = ct.from_dlpack(x)
        assert type(c) is ct.Tensor
        assert c._storage.buffer is t._storage.buffer  # O(1), shared until a write
        c[0] = 9
        assert t.tolist() == [1, 2, 3]
    c = ct.from_dlpack(t, copy=True)
    assert c._storage.buffer is not t._storage.buffer
    escaped = ct.from_numpy(np.arange(3))
    with pytest.raises(BufferError, match="copy=False"):
        ct.from_dlpack(escaped, copy=False)


@pytest.mark.parametrize("device", [ct.cpu, "cpu"])
def test_from_dlpack_onto_the_cpu(device: Any) -> None:
    a = np.arange(3)
    t = ct.from_dlpack(a, device=device)
    assert t.device == ct.cpu
    assert ptr(t) == ptr(a)


def test_from_dlpack_onto_an_unavailable_device_raises() -> None:
    if ct.cuda.is_available():
        pytest.skip("a CUDA device is available here")
    a = np.arange(3)
    with pytest.raises(ct.DeviceUnavailableError, match="cuda"):
        ct.from_dlpack(a, device=ct.cuda)
    with pytest.raises(ct.DeviceUnavailableError, match="cuda"):
        ct.from_dlpack(ForeignDevice(a, (KDLCUDA, 0)))  # a producer on a GPU
    assert a.tolist() == [0, 1, 2]


def test_from_dlpack_onto_sim_goes_through_the_host() -> None:
    if not sim_available():
        pytest.skip("the sim backend is not available in this build")
    t = ct.from_dlpack(np.arange(3.0), device=ct.sim)
    assert t.device == ct.sim
    assert t.to_cpu().tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(BufferError, match="copy=False"):
        ct.from_dlpack(np.arange(3.0), device=ct.sim, copy=False)


def test_foreign_device_producers() -> None:
    a = np.arange(3, dtype=np.int8)
    with pytest.raises(BufferError, match=r"device=ct\.cpu"):
        ct.from_dlpack(ForeignDevice(a, (14, 0)))
    t = ct.from_dlpack(ForeignDevice(a, (14, 0)), device=ct.cpu)  # the producer copies
    assert t.tolist() == [0, 1, 2]
    pinned = ct.from_dlpack(ForeignDevice(a, (3, 0)), device=ct.cpu)  # CUDA pinned host
    assert pinned.device == ct.cpu


@pytest.mark.parametrize("x", [[1, 2], 3.0, "abc", None, np.float32(1.0)])
def test_from_dlpack_of_non_producers_raises_dtype_error(x: Any) -> None:
    with pytest.raises(ct.DTypeError, match="__dlpack__"):
        ct.from_dlpack(x)


def test_from_dlpack_bad_copy_argument() -> None:
    with pytest.raises(ValueError, match="copy"):
        ct.from_dlpack(np.arange(2), copy="yes")  # type: ignore[arg-type]


# =========================================================================== array interfaces


@dtype_params(NUMPY_DTYPES)
def test_array_interface_of_a_frozen_view(dtype: ct.DType) -> None:
    t = ct.tensor(np.arange(12).reshape(3, 4).astype(dtype.numpy))
    for v in (t.view(), t[::2, 1:], t[:, ::-1], t.view().expand(2, 3, 4)):
        iface = v.__array_interface__
        arr = v._np()
        assert iface["version"] == 3
        assert iface["shape"] == v.shape
        assert np.dtype(iface["typestr"]) == dtype.numpy
        assert iface["data"] == (ptr(v), True)
        assert iface["strides"] == arr.strides  # given even when contiguous (for Pillow)
        out = np.asarray(v)
        if sys.version_info < (3, 12):
            assert out.base is v  # NumPy took the interface and keeps the view alive
        else:
            assert isinstance(out.base, memoryview)  # NumPy tries the buffer protocol first
        assert not out.flags.writeable
        assert ptr(out) == ptr(v)
        assert np.array_equal(out, values(v))


def test_array_interface_pointer_stays_valid_while_the_view_lives() -> None:
    t = ct.tensor([1.0, 2.0, 3.0])
    out = np.asarray(t[1:])  # the view object is referenced only by the array now
    gc.collect()
    t[...] = 0.0
    assert out.tolist() == [2.0, 3.0]


def test_owners_and_mutable_views_export_a_pinned_array_interface() -> None:
    t = ct.tensor([1, 2, 3], dtype=ct.int64)
    for x in (t, t.view_mut(), t.view_mut().expand(2, 3)):
        iface = x.__array_interface__
        assert not isinstance(iface["data"], tuple)  # a buffer object holding the pin
        assert np.asarray(iface["data"]).flags.writeable is False
    a = np.asarray(t)  # through the interface: a pinned read-only export
    assert not a.flags.writeable
    t[0] = 9
    assert a.tolist() == [1, 2, 3]
    assert not t._storage.buffer.escaped


def test_cuda_array_interface_is_absent_off_cuda() -> None:
    t = ct.zeros((2,))
    for x in (t, t.view(), t.view_mut()):
        assert not hasattr(x, "__cuda_array_interface__")
    if sim_available():
        s = t.to(ct.sim)
        assert not hasattr(s, "__cuda_array_interface__")
        assert not hasattr(s.view(), "__array_interface__")


PYBUF_SIMPLE = 0
PYBUF_WRITABLE = 0x1
PYBUF_FULL_RO = 0x11C


@pytest.mark.parametrize("flags", [PYBUF_SIMPLE, PYBUF_FULL_RO])
def test_read_only_buffer_pins_until_released(flags: int) -> None:
    t = ct.tensor(np.arange(6, dtype=np.int16).reshape(2, 3))
    buf = t._storage.buffer
    mv = t.__buffer__(flags)
    assert mv.readonly
    assert mv.format == "h"
    assert mv.shape == (2, 3)
    assert buf.holders == 2
    t[0, 0] = 9  # the owner copies away from the pinned buffer
    assert np.asarray(mv).tolist() == [[0, 1, 2], [3, 4, 5]]
    assert buf.holders == 1
    mv.release()
    del mv
    gc.collect()
    assert buf.holders == 0


def test_buffer_of_strided_layouts() -> None:
    t = ct.tensor(np.arange(12, dtype=np.float64).reshape(3, 4))
    for x in (t[:, ::-2], t.T, t.view_mut()[1:, 1]):
        mv = x.__buffer__(PYBUF_FULL_RO)
        assert mv.strides == tuple(s * 8 for s in x.strides)
        assert np.array_equal(np.asarray(mv), values(x))


def test_writable_buffer_escapes_and_frozen_views_refuse() -> None:
    t = ct.zeros((3,), dtype=ct.uint8)
    mv = t.__buffer__(PYBUF_WRITABLE)
    assert not mv.readonly
    assert t._storage.buffer.escaped
    mv[1] = 200
    assert t.tolist() == [0, 200, 0]
    for frozen in (t.view(), t.view_mut().expand(2, 3)):
        with pytest.raises(BufferError, match="read-only"):
            frozen.__buffer__(PYBUF_WRITABLE)


def test_buffer_of_a_device_tensor_raises_buffer_error() -> None:
    if not sim_available():
        pytest.skip("the sim backend is not available in this build")
    with pytest.raises(BufferError, match="to_cpu"):
        ct.zeros((2,)).to(ct.sim).__buffer__(PYBUF_SIMPLE)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the buffer protocol needs Python 3.12")
def test_memoryview_and_readinto_use_the_buffer_protocol() -> None:
    import io

    t = ct.tensor([1, 2, 3], dtype=ct.uint8)
    mv = memoryview(t)
    assert mv.readonly
    assert bytes(mv) == b"\x01\x02\x03"
    io.BytesIO(b"\x07\x08\x09").readinto(t)  # a writable request: the buffer escapes
    assert t.tolist() == [7, 8, 9]
    with pytest.raises(TypeError, match="read-write"):  # our BufferError, as Python reports it
        io.BytesIO(b"\x00").readinto(t.view())
    t2 = ct.tensor([[1, 2], [3, 4]], dtype=ct.int32)
    a = np.asarray(t2)  # NumPy takes the buffer protocol first: a pinned read-only export
    assert not a.flags.writeable
    t2[0, 0] = 9
    assert a.tolist() == [[1, 2], [3, 4]]
    assert np.asarray(t2.T).tolist() == [[9, 3], [2, 4]]


# =========================================================================== pickle


def _kinds(t: Any) -> dict[str, Any]:
    return {
        "owner": t,
        "frozen": t[:, ::-1],
        "mut": t.view_mut()[1],
        "omut": t.view_mut().expand(2, 2, 3),
    }


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("kind", ["owner", "frozen", "mut", "omut"])
def test_pickle_keeps_kind_dtype_values_and_independence(protocol: int, kind: str) -> None:
    t = ct.tensor(np.arange(6, dtype=np.int32).reshape(2, 3))
    src = _kinds(t)[kind]
    back = pickle.loads(pickle.dumps(src, protocol=protocol))
    expected_type = ct.TensorViewMut if kind == "omut" else type(src)
    assert type(back) is expected_type
    assert back.dtype is src.dtype
    assert back.device == src.device
    assert back.tolist() == src.tolist()
    if kind != "frozen":
        back += 1
        assert t.tolist() == [[0, 1, 2], [3, 4, 5]]


@given(data=st.data())
def test_pickle_round_trips_every_dtype_and_layout(data: st.DataObject) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
    a = data.draw(arrays(dtype, shapes), label="a")
    t = data.draw(layouts(a), label="layout")
    protocol = data.draw(st.sampled_from([2, 4, 5]), label="protocol")
    back = pickle.loads(pickle.dumps(t, protocol=protocol))
    assert back.shape == t.shape
    assert back.dtype is dtype
    assert np.array_equal(values(back), a, equal_nan=True)


def test_protocol5_out_of_band_is_zero_copy_both_ways() -> None:
    t = ct.tensor(np.arange(1000, dtype=np.float64))
    buffers: list[pickle.PickleBuffer] = []
    payload = pickle.dumps(t, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1
    assert len(payload) < 200  # the elements are not in the payload
    raw = np.asarray(buffers[0].raw())
    assert ptr(raw.view(np.float64)) == ptr(t)  # no copy when dumping: a pinned export
    assert not raw.flags.writeable
    back = pickle.loads(payload, buffers=buffers)
    assert ptr(back) == ptr(t)  # no copy when loading: the buffer passed back
    back[0] = -1.0  # read-only memory: the loaded tensor copies on its first write
    assert t[0].item() == 0.0
    t[1] = -2.0  # the original copies away from its pinned buffer
    assert values(back)[1] == 1.0
    v = t[10:20]  # a contiguous frozen view: zero-copy too, and still frozen
    buffers.clear()
    back_view = pickle.loads(
        pickle.dumps(v, protocol=5, buffer_callback=buffers.append), buffers=buffers
    )
    assert type(back_view) is ct.TensorView
    assert ptr(back_view) == ptr(v)


@pytest.mark.parametrize("kind", ["owner", "frozen", "mut"])
def test_protocol5_loads_over_the_buffers_passed_back(kind: str) -> None:
    t = ct.tensor(np.arange(6, dtype=np.int64).reshape(2, 3))
    src = {"owner": t, "frozen": t[1], "mut": t.view_mut()[1]}[kind]
    buffers: list[pickle.PickleBuffer] = []
    payload = pickle.dumps(src, protocol=5, buffer_callback=buffers.append)
    passed = bytearray(buffers[0].raw())  # writable memory from elsewhere
    back = pickle.loads(payload, buffers=[passed])
    assert type(back) is type(src)
    assert back.tolist() == src.tolist()
    shares = np.shares_memory(back._np(), np.frombuffer(passed, dtype=np.int64))
    # Writable memory from elsewhere is shared (issue 13): every kind is a window on it;
    # a frozen view is read-only for corten but sees writes made through the memory.
    assert shares
    assert back._storage.buffer.escaped
    passed[:8] = (42).to_bytes(8, sys.byteorder)
    assert values(back).reshape(-1)[0] == 42  # writes to the memory are seen
    if kind == "frozen":
        return  # read-only for corten: it has no write
    # The buffer was pickled read-only, so pickle passes it back read-only: the
    # tensor copies on its first write and leaves the caller's memory alone.
    back[...] = 0
    assert np.frombuffer(passed, dtype=np.int64)[1] == values(src).reshape(-1)[1]


def test_protocol5_in_band_and_non_contiguous() -> None:
    t = ct.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    for x in (t, t.T, t[::2, ::-3], t[1:, 1:]):
        buffers: list[pickle.PickleBuffer] = []
        back = pickle.loads(
            pickle.dumps(x, protocol=5, buffer_callback=buffers.append), buffers=buffers
        )
        assert back.tolist() == x.tolist()
        assert pickle.loads(pickle.dumps(x, protocol=5)).tolist() == x.tolist()


@pytest.mark.parametrize("shape", [(), (0,), (2, 0)])
def test_pickle_rank0_and_zero_size(shape: tuple[int, ...]) -> None:
    t = ct.full(shape, 1.5, dtype=ct.float16)
    for protocol in (2, 5):
        back = pickle.loads(pickle.dumps(t, protocol=protocol))
        assert back.shape == shape
        assert back.dtype is ct.float16
        assert np.array_equal(values(back), np.full(shape, 1.5, np.float16))


def test_pickle_keeps_the_device() -> None:
    if not sim_available():
        pytest.skip("the sim backend is not available in this build")
    s = ct.tensor([1.0, 2.0]).to(ct.sim)
    for protocol in (4, 5):
        for x in (s, s.view()):
            back = pickle.loads(pickle.dumps(x, protocol=protocol))
            assert back.device == ct.sim
            assert type(back) is type(x)
            assert back.to_cpu().tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("Nope", "cpu", "<f4", (1,), b"\0" * 4), "kind"),
        (("Tensor", "cpu", "<c32", (1,), b"\0" * 32), "dtype"),
        (("Tensor", "cpu", "not a dtype", (1,), b"\0" * 4), "dtype"),
        (("Tensor", "cpu", "<f4", (2,), b"\0" * 4), "bytes"),
        (("Tensor", "cpu", "<f4", (-1,), b""), "shape"),
        (("Tensor", "cpu", "<f4", [1], b"\0" * 4), "shape"),
        (("Tensor", "cpu", "<f4", (1,), 12), "buffer"),
        (("Tensor", "tpu", "<f4", (1,), b"\0" * 4), "device"),
    ],
)
def test_malformed_pickles_raise_serialization_error(args: tuple[Any, ...], match: str) -> None:
    from corten.interop._interop import _rebuild

    with pytest.raises(ct.SerializationError, match=match):
        _rebuild(*args)


def test_rebuild_over_writable_memory_shares_it_both_ways() -> None:
    from corten.interop._interop import _rebuild

    mem = bytearray(np.arange(3, dtype=np.int16).tobytes())
    t = _rebuild("Tensor", "cpu", np.dtype(np.int16).str, (3,), mem)
    assert t._storage.buffer.escaped
    t[0] = 7
    assert np.frombuffer(mem, dtype=np.int16).tolist() == [7, 1, 2]
    v = _rebuild("TensorView", "cpu", np.dtype(np.int16).str, (3,), mem)
    mem[2:4] = (9).to_bytes(2, sys.byteorder)
    assert v.tolist() == [7, 9, 2]  # a view of shared memory sees writes made outside
    assert v.is_shared


def test_big_endian_pickled_data_loads_as_native() -> None:
    from corten.interop._interop import _rebuild

    t = _rebuild("Tensor", "cpu", ">i4", (2,), np.array([1, 2], dtype=">i4").tobytes())
    assert t.dtype is ct.int32
    assert t.tolist() == [1, 2]
