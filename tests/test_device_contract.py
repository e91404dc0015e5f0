"""The device contract: what every device with data promises, checked on each of them.

Every test here is parametrized over ``cpu``, ``sim:0``, ``sim:1`` and ``cuda`` (skipped,
with the backend's own reason, where no usable CUDA backend is present). NumPy is the
oracle: values go in as NumPy arrays and come back through ``to_cpu()``.

Covered: creation of every dtype on the device; transfers host to device, device to host
and device to device for every dtype and layout (contiguous, strided, permuted, flipped,
expanded, zero-size, rank 0, large), blocking and non-blocking, from pinned and pageable
memory; device mismatch errors that name both devices and change nothing; host access to
device memory refused with a hint to call ``to_cpu()``; copy-on-write as a copy on the
device; streams and events used correctly give correct results; allocator statistics back
to baseline once tensors are dropped; CPU blocks 64-byte aligned.

Compute on the device (arithmetic, reductions, indexing, writes) is in
``test_device_ops.py``; the ``meta`` device in ``test_device_meta.py``; the sim device's
own strictness (deferral, garbage, poison, out of memory) in ``test_sim.py``.
"""

from __future__ import annotations

import gc
import importlib.util
import operator
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from conftest import ALL_DTYPES, dtype_params

import corten as ct
from corten.backends import backend_status, get_backend

# ----------------------------------------------------------------------------- devices

CUDA_REASON = backend_status(ct.cuda)
_no_cuda = pytest.mark.skipif(CUDA_REASON is not None, reason=f"cuda: {CUDA_REASON}")


def _emu_reason() -> str | None:
    """Why the emulated CUDA driver cannot run here (it needs the kernels and g++)."""
    if importlib.util.find_spec("corten.backends.cuda.kernels") is None:
        return "corten.backends.cuda.kernels is missing"
    if not (Path(__file__).parent / "cuda_emu.py").exists():
        return "tests/cuda_emu.py is missing"
    if shutil.which("g++") is None:
        return "g++ is not installed"
    return None


EMU_REASON = _emu_reason()
#: ``cuda`` on the emulated driver (tests/cuda_emu_driver.py): device memory is host
#: memory and kernels run on the CPU, so the CUDA backend runs the contract without a GPU.
_emu = pytest.mark.skipif(EMU_REASON is not None, reason=f"cuda-emu: {EMU_REASON}")


@contextmanager
def emulated_for(request: pytest.FixtureRequest) -> Iterator[None]:
    """The emulated CUDA driver installed while a ``cuda-emu`` parametrization runs."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is None or "cuda-emu" not in callspec.id:
        yield
        return
    import cuda_emu_driver

    with cuda_emu_driver.installed():
        yield
        ct.cuda(0).synchronize()
        ct.cuda(1).synchronize()


#: Every device with data; cuda is skipped with the reason where it cannot be used.
DEVICES = [
    pytest.param(ct.cpu, id="cpu"),
    pytest.param(ct.sim(0), id="sim:0"),
    pytest.param(ct.sim(1), id="sim:1"),
    pytest.param(ct.cuda(0), id="cuda", marks=_no_cuda),
    pytest.param(ct.cuda(0), id="cuda-emu", marks=_emu),
]
#: The devices whose memory the host cannot read directly.
ACCELERATORS = DEVICES[1:]

#: Pairs of distinct devices, for mismatch errors and device-to-device copies.
DEVICE_PAIRS = [
    pytest.param(ct.cpu, ct.sim(0), id="cpu-sim:0"),
    pytest.param(ct.sim(0), ct.cpu, id="sim:0-cpu"),
    pytest.param(ct.sim(0), ct.sim(1), id="sim:0-sim:1"),
    pytest.param(ct.sim(1), ct.sim(0), id="sim:1-sim:0"),
    pytest.param(ct.cpu, ct.cuda(0), id="cpu-cuda", marks=_no_cuda),
    pytest.param(ct.cuda(0), ct.cpu, id="cuda-cpu", marks=_no_cuda),
    pytest.param(ct.sim(0), ct.cuda(0), id="sim:0-cuda", marks=_no_cuda),
    pytest.param(ct.cpu, ct.cuda(0), id="cpu-cuda-emu", marks=_emu),
    pytest.param(ct.cuda(0), ct.cpu, id="cuda-emu-cpu", marks=_emu),
    pytest.param(ct.sim(0), ct.cuda(0), id="sim:0-cuda-emu", marks=_emu),
    pytest.param(ct.cuda(0), ct.cuda(1), id="cuda-emu-0-1", marks=_emu),
]
ACCELERATOR_PAIRS = [
    pytest.param(ct.sim(0), ct.sim(1), id="sim:0-sim:1"),
    pytest.param(ct.sim(1), ct.sim(0), id="sim:1-sim:0"),
    pytest.param(ct.sim(0), ct.sim(0), id="sim:0-sim:0"),
    pytest.param(ct.sim(0), ct.cuda(0), id="sim:0-cuda", marks=_no_cuda),
    pytest.param(ct.cuda(0), ct.sim(1), id="cuda-sim:1", marks=_no_cuda),
    pytest.param(ct.sim(0), ct.cuda(0), id="sim:0-cuda-emu", marks=_emu),
    pytest.param(ct.cuda(0), ct.sim(1), id="cuda-emu-sim:1", marks=_emu),
    pytest.param(ct.cuda(0), ct.cuda(1), id="cuda-emu-0-1", marks=_emu),
    pytest.param(ct.cuda(1), ct.cuda(0), id="cuda-emu-1-0", marks=_emu),
    pytest.param(ct.cuda(0), ct.cuda(0), id="cuda-emu-0-0", marks=_emu),
]


def synchronize_all() -> None:
    """Drain the queues of every accelerator this process can use."""
    for dev in (ct.sim(0), ct.sim(1)):
        dev.synchronize()
    if CUDA_REASON is None:
        ct.cuda.synchronize()


@pytest.fixture(autouse=True)
def _drained(request: pytest.FixtureRequest) -> Iterator[None]:
    """No queued work leaks into or out of a test (cuda-emu: on the emulated driver)."""
    with emulated_for(request):
        synchronize_all()
        yield
        synchronize_all()


def has_streams(device: ct.Device) -> bool:
    return "streams" in get_backend(device).capabilities


def pinned_for(device: ct.Device) -> ct.Device:
    """The accelerator whose pinned host memory serves copies to ``device`` (the cpu has
    none; ``sim`` stands in for it there)."""
    return device if "pinned_memory" in get_backend(device).capabilities else ct.sim


# ----------------------------------------------------------------------------- values


def sample(dtype: ct.DType, shape: tuple[int, ...], seed: int = 0) -> np.ndarray[Any, Any]:
    """Values of ``dtype`` across its whole range; floats include NaN, infinities, -0.0
    and a subnormal where there is room."""
    rng = np.random.default_rng(seed)
    nd = dtype.numpy
    if dtype.is_bool:
        return np.array(rng.integers(0, 2, size=shape), dtype=nd)
    if dtype.is_integer:
        info = np.iinfo(nd)
        return np.array(rng.integers(info.min, info.max, size=shape, dtype=nd, endpoint=True))
    a = np.array(rng.standard_normal(size=shape) * 100, dtype=nd)
    flat = a.reshape(-1)
    specials = [np.nan, np.inf, -np.inf, -0.0, float(ml_dtypes.finfo(nd).smallest_subnormal)]
    flat[: len(specials)] = np.array(specials[: flat.size], dtype=nd)
    return a


def host(t: ct.TensorView[Any, Any, Any]) -> np.ndarray[Any, Any]:
    """``t``'s elements as a new NumPy array, through ``to_cpu()``."""
    return np.array(t.to_cpu().numpy())


def assert_bits_equal(got: np.ndarray[Any, Any], expected: np.ndarray[Any, Any]) -> None:
    """The same shape, dtype and bytes (NaN payloads and signed zeros included)."""
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(expected).tobytes(), (
        got,
        expected,
    )


def assert_on(t: ct.TensorView[Any, Any, Any], device: ct.Device, expected: Any) -> None:
    """``t`` lives on ``device`` and holds exactly ``expected`` (shape, dtype, bits)."""
    expected = np.asarray(expected)
    assert t.device == device
    assert t.shape == expected.shape
    assert t.dtype is ct.as_dtype(expected.dtype)
    assert_bits_equal(host(t), expected)


# ----------------------------------------------------------------------------- creation


def _fill_values(dtype: ct.DType) -> list[Any]:
    if dtype.is_bool:
        return [True, False]
    if dtype.is_integer:
        info = np.iinfo(dtype.numpy)
        return [int(info.min), int(info.max), 1]  # 8-byte extremes included
    return [-1.5, float("inf"), float("nan")]


@dtype_params(ALL_DTYPES)
@pytest.mark.parametrize("device", DEVICES)
def test_factories_make_every_dtype_on_the_device(device: ct.Device, dtype: ct.DType) -> None:
    shape = (3, 5)
    nd = dtype.numpy
    assert_on(ct.zeros(shape, dtype=dtype, device=device), device, np.zeros(shape, nd))
    assert_on(ct.ones(shape, dtype=dtype, device=device), device, np.ones(shape, nd))
    for v in _fill_values(dtype):
        assert_on(ct.full(shape, v, dtype=dtype, device=device), device, np.full(shape, v, nd))
    e = ct.empty(shape, dtype=dtype, device=device)
    assert (e.device, e.shape, e.dtype, e.is_contiguous) == (device, shape, dtype, True)
    assert_on(ct.eye(3, 4, dtype=dtype, device=device), device, np.eye(3, 4, dtype=nd))
    a = sample(dtype, shape)
    assert_on(ct.tensor(a, device=device), device, a)
    if not dtype.is_bool:
        assert_on(ct.arange(7, dtype=dtype, device=device), device, np.arange(7).astype(nd))
    # Python data (uint64 above 2**63 does not go through lists; see conftest.elements)
    data = a.tolist() if dtype is not ct.uint64 else (a >> np.uint64(1)).tolist()
    assert_on(ct.tensor(data, dtype=dtype, device=device), device, np.array(data, dtype=nd))
    assert_on(ct.tensor(a[0, 0, ...], device=device), device, a[0, 0, ...])  # rank 0
    assert_on(ct.zeros((0, 4), dtype=dtype, device=device), device, np.zeros((0, 4), nd))


@pytest.mark.parametrize("device", DEVICES)
def test_like_factories_keep_the_device(device: ct.Device) -> None:
    t = ct.zeros((2, 3), dtype=ct.int16, device=device)
    assert_on(ct.zeros_like(t), device, np.zeros((2, 3), np.int16))
    assert_on(ct.ones_like(t), device, np.ones((2, 3), np.int16))
    assert_on(ct.full_like(t, -7), device, np.full((2, 3), -7, np.int16))
    assert ct.empty_like(t).device == device
    assert_on(ct.ones_like(t, dtype=ct.float64), device, np.ones((2, 3)))
    assert_on(ct.zeros_like(ct.zeros(2), device=device), device, np.zeros(2, np.float32))


# ----------------------------------------------------------------------------- layouts

Layout = tuple[
    tuple[int, ...],
    Callable[[Any], Any],
    Callable[[np.ndarray[Any, Any]], np.ndarray[Any, Any]],
]

#: name -> (base shape, the layout of a corten tensor, the same layout of a NumPy array)
LAYOUTS: dict[str, Layout] = {
    "contiguous": ((3, 4, 5), lambda t: t, lambda a: a),
    "offset": ((5, 6), lambda t: t[2:4], lambda a: a[2:4]),
    "strided": ((6, 8, 5), lambda t: t[::2, 1::2], lambda a: a[::2, 1::2]),
    "permuted": ((3, 4, 5), lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1)),
    "flipped": ((3, 4, 5), lambda t: t.flip((0, 2)), lambda a: a[::-1, :, ::-1]),
    "expanded": (
        (1, 4, 1),
        lambda t: t.expand(3, 4, 5),
        lambda a: np.broadcast_to(a, (3, 4, 5)),
    ),
    "zero_size": ((3, 0, 5), lambda t: t, lambda a: a),
    "zero_size_view": ((3, 4), lambda t: t[:, 2:2], lambda a: a[:, 2:2]),
    "rank0": ((), lambda t: t, lambda a: a),
    "rank0_view": ((4, 3), lambda t: t[2, 1], lambda a: a[2, 1]),
}

#: name -> (non_blocking, from pinned memory)
MODES = {
    "blocking": (False, False),
    "non_blocking": (True, False),
    "pinned": (False, True),
    "pinned_non_blocking": (True, True),
}


def _host_source(
    base: np.ndarray[Any, Any], pinned: bool, device: ct.Device
) -> ct.Tensor[Any, Any, Any]:
    t = ct.tensor(base)
    if pinned:
        t = t.pin_memory(pinned_for(device))
        assert t.is_pinned
    return t


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("device", DEVICES)
def test_round_trip_every_dtype_and_layout(device: ct.Device, layout: str, mode: str) -> None:
    """host (layout) -> device -> host, and device (layout) -> host, bit for bit."""
    shape, of_tensor, of_array = LAYOUTS[layout]
    non_blocking, pinned = MODES[mode]
    for seed, dtype in enumerate(ALL_DTYPES):
        base = sample(dtype, shape, seed)
        expected = of_array(base)
        src = of_tensor(_host_source(base, pinned, device))
        assert src.is_pinned == pinned
        d = src.to(device, non_blocking=non_blocking)
        assert (d.device, d.shape, d.dtype) == (device, expected.shape, dtype), dtype
        assert d.is_contiguous or device == ct.cpu  # to the cpu from the cpu: an O(1) clone
        back = d.to(ct.cpu, non_blocking=non_blocking)
        assert back.device == ct.cpu
        assert_bits_equal(back.numpy(), expected)
        # the layout taken on the device, then copied to the host
        on_device = of_tensor(ct.tensor(base, device=device))
        assert on_device.device == device
        assert_bits_equal(on_device.to(ct.cpu, non_blocking=non_blocking).numpy(), expected)
        assert_bits_equal(on_device.to_cpu().numpy(), expected)


@pytest.mark.parametrize("non_blocking", [False, True], ids=["blocking", "non_blocking"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("src_dev", "dst_dev"), ACCELERATOR_PAIRS)
def test_device_to_device_every_dtype_and_layout(
    src_dev: ct.Device, dst_dev: ct.Device, layout: str, non_blocking: bool
) -> None:
    shape, of_tensor, of_array = LAYOUTS[layout]
    for seed, dtype in enumerate(ALL_DTYPES):
        base = sample(dtype, shape, seed)
        src = of_tensor(ct.tensor(base, device=src_dev))
        d = src.to(dst_dev, non_blocking=non_blocking)
        assert_on(d, dst_dev, of_array(base))
        assert_on(src, src_dev, of_array(base))  # the source is unchanged


@pytest.mark.parametrize("device", DEVICES)
def test_large_round_trip(device: ct.Device) -> None:
    n = 8 << 20  # 8M float32 elements, 32 MiB
    a = np.arange(n, dtype=np.float32)
    a[::3] *= -1.5
    d = ct.tensor(a, device=device)
    assert_bits_equal(d.to(ct.cpu, non_blocking=True).numpy(), a)
    pinned = ct.from_numpy(a).pin_memory(pinned_for(device))
    d2 = pinned.to(device, non_blocking=True)
    assert_bits_equal(host(d2.reshape(1024, -1).T), a.reshape(1024, -1).T)


@pytest.mark.parametrize("device", ACCELERATORS)
def test_device_to_meta_keeps_shape_and_dtype(device: ct.Device) -> None:
    t = ct.ones((3, 4), dtype=ct.int8, device=device).T
    m = t.to(ct.meta)
    assert (m.device, m.shape, m.dtype) == (ct.meta, (4, 3), ct.int8)
    assert ct.memory_stats(ct.meta)["allocated"] == 0


@pytest.mark.parametrize("device", DEVICES)
def test_to_the_same_device_is_an_independent_owner(device: ct.Device) -> None:
    t = ct.tensor(np.arange(6, dtype=np.int32), device=device)
    same = t.to(device)
    assert_on(same, device, np.arange(6, dtype=np.int32))
    same += 1
    assert_on(t, device, np.arange(6, dtype=np.int32))
    assert_on(t.to(str(device)), device, np.arange(6, dtype=np.int32))


# ----------------------------------------------------------------------------- non-blocking

HOST_READS: dict[str, Callable[[Any], Any]] = {
    "numpy": lambda t: np.array(t.numpy()),
    "asarray": lambda t: np.array(np.asarray(t)),
    "tolist": lambda t: np.array(t.tolist()),
    "item": lambda t: np.array([t[i].item() for i in range(t.shape[0])]),
    "iter": lambda t: np.array(list(t.iter())),
    "index": lambda t: np.array([float(t[i]) for i in range(t.shape[0])]),
    "array_interface": lambda t: np.array(_ArrayInterface(t.view())),
    "dlpack": lambda t: np.array(np.from_dlpack(t.view())),
    "compute": lambda t: np.array((t + 0.0).numpy()),
}


class _ArrayInterface:
    def __init__(self, v: ct.TensorView[Any, Any, Any]) -> None:
        self.keep = v
        self.__array_interface__ = v.__array_interface__


@pytest.mark.parametrize("read", HOST_READS)
@pytest.mark.parametrize("device", DEVICES)
def test_every_host_read_of_a_non_blocking_result_sees_the_data(
    device: ct.Device, read: str
) -> None:
    """No explicit sync: corten itself waits before any host read of the result."""
    a = np.linspace(-3, 3, 7, dtype=np.float64)
    src = ct.tensor(a).pin_memory(pinned_for(device))
    d = src.to(device, non_blocking=True)
    d = d * 2.0
    h = d.to(ct.cpu, non_blocking=True)
    assert h.device == ct.cpu
    if device.kind == "sim":  # the copy is really still queued: the read must wait
        assert ct.sim(device.index).current_stream().pending == 1
    np.testing.assert_array_equal(HOST_READS[read](h), a * 2.0)


@pytest.mark.parametrize("device", DEVICES)
def test_writing_a_source_after_a_non_blocking_copy_does_not_change_the_copy(
    device: ct.Device,
) -> None:
    a = np.arange(5, dtype=np.int32)
    src = ct.tensor(a).pin_memory(pinned_for(device))
    d = src.to(device, non_blocking=True)
    src.fill_(-1)
    src_view_mut = src.view_mut()
    src_view_mut += 3
    assert_on(d, device, a)
    h = d.to(ct.cpu, non_blocking=True)
    d.fill_(9)
    d[0] = 8
    assert_bits_equal(h.numpy(), a)
    assert_on(d, device, np.array([8, 9, 9, 9, 9], np.int32))
    assert src.tolist() == [2] * 5


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda h: h.fill_(5), [5, 5, 5, 5]),
        (lambda h: h.__setitem__(1, 5), [0, 5, 2, 3]),
        (lambda h: h.__iadd__(5), [5, 6, 7, 8]),
        (lambda h: h.view_mut()[1:].fill_(5), [0, 5, 5, 5]),
        (lambda h: h.numpy(writable=True).__setitem__(0, 5), [5, 1, 2, 3]),
        (lambda h: h.copy_(ct.full((4,), 5, dtype=ct.int64)), [5, 5, 5, 5]),
    ],
    ids=["fill_", "setitem", "iadd", "view_mut", "numpy_writable", "copy_"],
)
@pytest.mark.parametrize("device", DEVICES)
def test_a_write_to_a_non_blocking_result_lands_after_the_copy(
    device: ct.Device, write: Any, expected: list[int]
) -> None:
    d = ct.arange(4, device=device)
    h = d.to(ct.cpu, non_blocking=True)
    frozen = h.view()  # taken while the copy may still be queued
    write(h)
    synchronize_all()
    assert h.tolist() == expected
    assert frozen.tolist() == [0, 1, 2, 3]
    assert_on(d, device, np.arange(4))


# ----------------------------------------------------------------------------- pinned memory


@pytest.mark.parametrize("device", DEVICES)
def test_pinned_memory_round_trip(device: ct.Device) -> None:
    a = sample(ct.float16, (4, 6))
    p = ct.tensor(a).pin_memory(pinned_for(device))
    assert p.is_pinned
    assert p.device == ct.cpu
    assert p[1:, ::2].is_pinned  # views of pinned memory are pinned
    assert not (p + 0.0).is_pinned  # results are not
    assert_on(p.to(device), device, a)
    assert_on(p.T.to(device, non_blocking=True), device, a.T)
    with pytest.raises(ct.DeviceMismatchError, match="to_cpu"):
        ct.ones(3, device=ct.sim(1)).pin_memory(ct.sim)


@pytest.mark.parametrize("device", DEVICES)
def test_pinned_memory_stays_pinned_when_a_write_copies_it(device: ct.Device) -> None:
    """A write to pinned memory that a clone or view shares copies it (copy-on-write):
    the owner's new memory is pinned as the old was, and so is a non-blocking result's."""
    p = ct.arange(6).pin_memory(pinned_for(device))
    clone, view = p.clone(), p.view()
    p += 1
    assert p.is_pinned
    assert clone.is_pinned
    assert view.is_pinned
    h = ct.arange(6, device=device).to(ct.cpu, non_blocking=True)
    if device.kind != "cpu":
        assert h.is_pinned
        keep = h.view()
        h[0] = 7
        assert h.is_pinned
        assert keep.tolist() == list(range(6))


# ----------------------------------------------------------------------------- mismatch


def _binary_cases() -> dict[str, tuple[Callable[[Any, Any], Any], ct.DType]]:
    cases: dict[str, tuple[Callable[[Any, Any], Any], ct.DType]] = {}
    for name, fn in [
        ("+", operator.add),
        ("-", operator.sub),
        ("*", operator.mul),
        ("/", operator.truediv),
        ("//", operator.floordiv),
        ("%", operator.mod),
        ("**", operator.pow),
        ("<", operator.lt),
        ("<=", operator.le),
        (">", operator.gt),
        (">=", operator.ge),
        ("==", operator.eq),
        ("!=", operator.ne),
        ("+=", operator.iadd),
        ("-=", operator.isub),
        ("*=", operator.imul),
        ("/=", operator.itruediv),
        ("**=", operator.ipow),
    ]:
        cases[name] = (fn, ct.float32)
    for name, fn in [
        ("&", operator.and_),
        ("|", operator.or_),
        ("^", operator.xor),
        ("&=", operator.iand),
        ("|=", operator.ior),
        ("^=", operator.ixor),
        ("//=", operator.ifloordiv),
        ("%=", operator.imod),
    ]:
        cases[name] = (fn, ct.int32)

    def setitem(a: Any, b: Any) -> None:
        a[1:] = b[1:]

    def setitem_row(a: Any, b: Any) -> None:
        a[0] = b[0]

    cases["copy_"] = (lambda a, b: a.copy_(b), ct.float32)
    cases["setitem"] = (setitem, ct.float32)
    cases["setitem_broadcast"] = (setitem_row, ct.float32)
    cases["view_mut_copy_"] = (lambda a, b: a.view_mut()[::2].copy_(b[::2]), ct.float32)
    cases["allclose"] = (lambda a, b: a.allclose(b), ct.float32)
    cases["array_equal"] = (lambda a, b: a.array_equal(b), ct.float32)
    cases["ct.allclose"] = (ct.allclose, ct.float32)
    cases["ct.array_equal"] = (ct.array_equal, ct.float32)
    cases["index_get"] = (lambda a, b: a[b.astype(ct.int64) % 3], ct.int32)
    cases["mask_get"] = (lambda a, b: a[b > 2], ct.int32)

    def index_set(a: Any, b: Any) -> None:
        a[b.astype(ct.int64) % 3] = 1

    def mask_set(a: Any, b: Any) -> None:
        a[b > 2] = 1

    cases["index_set"] = (index_set, ct.int32)
    cases["mask_set"] = (mask_set, ct.int32)
    return cases


BINARY_CASES = _binary_cases()


@pytest.mark.parametrize("case", BINARY_CASES)
@pytest.mark.parametrize(("dev_a", "dev_b"), DEVICE_PAIRS)
def test_mixing_devices_raises_naming_both_and_changes_nothing(
    dev_a: ct.Device, dev_b: ct.Device, case: str
) -> None:
    fn, dtype = BINARY_CASES[case]
    a_np = np.array([[1, 2, 3], [4, 5, 6]], dtype=dtype.numpy)
    b_np = np.array([[6, 5, 4], [3, 2, 1]], dtype=dtype.numpy)
    a = ct.tensor(a_np, device=dev_a)
    b = ct.tensor(b_np, device=dev_b)
    view = a.view()
    with pytest.raises(ct.DeviceMismatchError) as info:
        fn(a, b)
    message = str(info.value)
    assert str(dev_a) in message, message
    assert str(dev_b) in message, message
    assert_on(a, dev_a, a_np)
    assert_on(b, dev_b, b_np)
    assert_on(view, dev_a, a_np)


@pytest.mark.parametrize("device", ACCELERATORS)
def test_numpy_operands_of_a_device_tensor_are_refused(device: ct.Device) -> None:
    a_np = np.arange(3, dtype=np.int64)
    t = ct.tensor(a_np, device=device)
    for fn in (operator.add, operator.lt, operator.iadd, lambda x, y: y + x):
        with pytest.raises(ct.DeviceMismatchError) as info:
            fn(t, a_np)
        assert "cpu" in str(info.value)
        assert str(device) in str(info.value)
    assert_on(t, device, a_np)


# ----------------------------------------------------------------------------- host access

HOST_ACCESS: dict[str, Callable[[Any], Any]] = {
    "numpy": lambda t: t.numpy(),
    "numpy_writable": lambda t: t.numpy(writable=True),
    "asarray": np.asarray,
    "array": np.array,
    "tolist": lambda t: t.tolist(),
    "iter": lambda t: list(t.iter()),
}
# Python scalars of one element (item, float, int, bool, operator.index) are copied from
# the device: tests/test_api_namespace.py.


@pytest.mark.parametrize("access", HOST_ACCESS)
@pytest.mark.parametrize("kind", ["owner", "view", "view_mut"])
@pytest.mark.parametrize("device", ACCELERATORS)
def test_host_access_to_device_memory_raises(device: ct.Device, kind: str, access: str) -> None:
    owner = ct.tensor([1, 0, 2], dtype=ct.int64, device=device)
    t = {"owner": owner, "view": owner.view(), "view_mut": owner.view_mut()}[kind]
    fn = HOST_ACCESS[access]
    if access == "numpy_writable" and kind == "view":
        # a frozen view refuses writable exports on every device
        with pytest.raises((ct.ReadOnlyError, ct.DeviceMismatchError)):
            fn(t)
    else:
        with pytest.raises(ct.DeviceMismatchError) as info:
            fn(t)
        message = str(info.value)
        assert str(device) in message, message
        assert ".to_cpu()" in message, message
    assert_on(owner, device, np.array([1, 0, 2]))


@pytest.mark.parametrize("access", HOST_ACCESS)
def test_host_access_works_on_the_cpu(access: str) -> None:
    t = ct.tensor([1, 0, 2], dtype=ct.int64)
    HOST_ACCESS[access](t)


@pytest.mark.parametrize("device", ACCELERATORS)
def test_iterating_a_device_tensor_yields_device_views(device: ct.Device) -> None:
    a = np.arange(6, dtype=np.int8).reshape(2, 3)
    rows = list(ct.tensor(a, device=device))
    assert len(rows) == 2
    for row, expected in zip(rows, a, strict=True):
        assert_on(row, device, expected)


# ----------------------------------------------------------------------------- copy-on-write


@pytest.mark.parametrize(
    "write",
    [
        lambda t, v: t.fill_(7),
        lambda t, v: t.__setitem__((slice(None), 1), 7),
        lambda t, v: t.__setitem__((slice(None), slice(None)), v),
        lambda t, v: t.__iadd__(v),
        lambda t, v: t.view_mut()[1:].copy_(v),
    ],
    ids=["fill_", "setitem", "setitem_tensor", "iadd", "view_mut_copy_"],
)
@pytest.mark.parametrize("device", DEVICES)
def test_copy_on_write_copies_on_the_device(device: ct.Device, write: Any) -> None:
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    t = ct.tensor(a, device=device)
    value = ct.full((4,), 7, dtype=ct.int32, device=device)
    clone, view = t.clone(), t[1]
    old = t._storage.buffer
    gc.collect()
    cow, mem, cpu_mem = ct.cow_stats(), ct.memory_stats(device), ct.memory_stats(ct.cpu)
    write(t, value)
    after_cow = ct.cow_stats()
    assert after_cow["copies"] - cow["copies"] == 1
    assert after_cow["bytes"] - cow["bytes"] == a.nbytes
    new = t._storage.buffer
    assert new is not old
    assert new.device == device
    if device.kind != "cpu":  # a device-to-device copy: device memory, no host memory
        after = ct.memory_stats(device)
        assert after["count"] - mem["count"] == 1
        assert after["allocated"] - mem["allocated"] == a.nbytes
        assert ct.memory_stats(ct.cpu)["count"] == cpu_mem["count"]
    assert_on(clone, device, a)
    assert_on(view, device, a[1])
    assert not np.array_equal(host(t), a)
    # the owner is now exclusive: a second write copies nothing
    cow = ct.cow_stats()
    t.fill_(0)
    assert ct.cow_stats()["copies"] == cow["copies"]
    assert_on(t, device, np.zeros_like(a))


@pytest.mark.parametrize("device", DEVICES)
def test_mutable_views_write_through_on_the_device(device: ct.Device) -> None:
    t = ct.zeros((2, 3), dtype=ct.float64, device=device)
    m = t.view_mut()
    cow = ct.cow_stats()
    m[1, ::2] = 5.0
    m.select(1, 1).fill_(-1.0)
    assert ct.cow_stats()["copies"] == cow["copies"]
    assert_on(t, device, np.array([[0.0, -1.0, 0.0], [5.0, -1.0, 5.0]]))


# ----------------------------------------------------------------------------- allocators


def _workload(device: ct.Device) -> tuple[list[Any], int]:
    """Tensors made on ``device`` in many ways, and the bytes of the zeros among them."""
    keep: list[Any] = []
    z = ct.zeros((1000,), dtype=ct.float32, device=device)
    keep += [z, ct.empty((7,), dtype=ct.uint8, device=device), ct.ones((3, 3), device=device)]
    x = ct.arange(100, dtype=ct.float64, device=device)
    y = (x * 2.0 + x).reshape(10, 10).T.contiguous()
    keep += [x, y, y.sum(axis=0), y[ct.tensor([1, 2], device=device)], y[y > 3.0]]
    c = y.clone()
    c.fill_(1.0)  # copy-on-write
    keep += [c, y.astype(ct.int8), y.to_cpu(), y.to(ct.cpu, non_blocking=True)]
    p = ct.arange(50).pin_memory(pinned_for(device))
    keep += [p, p.to(device, non_blocking=True), y.to(ct.sim(1)), y.to(ct.meta)]
    return keep, z.nbytes


@pytest.mark.parametrize("device", DEVICES)
def test_allocator_stats_return_to_baseline(device: ct.Device) -> None:
    synchronize_all()
    gc.collect()
    watched = {device, ct.cpu, ct.sim(0), ct.sim(1)}
    before = {dev: ct.memory_stats(dev) for dev in watched}
    keep, zbytes = _workload(device)
    mid = ct.memory_stats(device)
    assert mid["allocated"] - before[device]["allocated"] >= zbytes
    assert mid["count"] - before[device]["count"] >= 3
    assert mid["peak"] >= mid["allocated"]
    assert mid["reserved"] >= mid["allocated"]
    synchronize_all()
    del keep
    gc.collect()
    for dev, base in before.items():
        after = ct.memory_stats(dev)
        assert (after["allocated"], after["count"]) == (base["allocated"], base["count"]), dev
        assert after["reserved"] >= after["allocated"]
    assert ct.memory_stats(device)["peak"] >= mid["allocated"]
    ct.empty_cache(device)
    after = ct.memory_stats(device)
    if device.kind in ("cpu", "sim"):
        assert after["reserved"] == after["allocated"]


@pytest.mark.parametrize("device", DEVICES)
def test_zeros_are_counted_exactly_and_given_back(device: ct.Device) -> None:
    gc.collect()
    before = ct.memory_stats(device)
    ts = [ct.zeros((n,), dtype=ct.int16, device=device) for n in (1, 10, 1000)]
    mid = ct.memory_stats(device)
    assert mid["allocated"] - before["allocated"] == 2 * 1011
    assert mid["count"] - before["count"] == 3
    assert mid["peak"] >= mid["allocated"]
    del ts
    gc.collect()
    after = ct.memory_stats(device)
    assert (after["allocated"], after["count"]) == (before["allocated"], before["count"])


@pytest.mark.parametrize("device", DEVICES)
def test_cpu_blocks_are_64_byte_aligned(device: ct.Device) -> None:
    """``zeros``/``empty``/``ones`` on the cpu, and every copy that lands on the cpu."""
    keep: list[np.ndarray[Any, Any]] = []  # all alive at once, so no address is reused
    for dtype in (ct.uint8, ct.int16, ct.float32, ct.float64):
        for n in (1, 3, 17, 63, 64, 65, 1000, 4097):
            for factory in (ct.zeros, ct.empty, ct.ones):
                keep.append(factory((n,), dtype=dtype).numpy())
            d = ct.ones((n,), dtype=dtype, device=device)
            keep.append(d.to(ct.cpu, non_blocking=True).numpy())
            if device.kind != "cpu" and n > 1:  # to_cpu() of an offset view: a new block
                keep.append(d[1:].to_cpu().numpy())
            keep.append(ct.ones((n,), dtype=dtype).pin_memory(pinned_for(device)).numpy())
    misaligned = [
        (i, a.shape, a.dtype, a.ctypes.data % 64) for i, a in enumerate(keep) if a.ctypes.data % 64
    ]
    assert not misaligned
