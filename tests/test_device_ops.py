"""Compute on a device gives the CPU's results: a differential test of every operation.

Each test runs the same operation (or, with hypothesis, the same random program) on
tensors made from the same NumPy arrays on the ``cpu`` and on an accelerator (``sim:0``,
``sim:1``, ``cuda`` where usable), and requires the same outcome: the same error class, or
results of the same shape, dtype and values on the right device, with the inputs left as
the CPU leaves them. Where the operation reads the same on NumPy arrays, NumPy is checked
too, so the CPU side is itself held to the oracle.

Covered: elementwise arithmetic, bitwise and comparison operators with broadcasting and
with scalars, unary operators, in-place operators, reductions (every name, axis and
``keepdims``), ``astype`` between every pair of dtypes, basic and advanced indexing,
``__setitem__`` with broadcasting, ``fill_``, ``copy_``, ``contiguous()`` and copying
reshapes of strided views.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from conftest import ALL_DTYPES, arrays, scalars
from hypothesis import given, note, settings
from hypothesis import strategies as st
from test_device_contract import ACCELERATORS, emulated_for, host, sample, synchronize_all

import corten as ct


@pytest.fixture(autouse=True)
def _drained(request: pytest.FixtureRequest) -> Iterator[None]:
    with emulated_for(request):
        synchronize_all()
        yield
        synchronize_all()


# ----------------------------------------------------------------------------- outcomes


@dataclass
class Outcome:
    """What running an operation did: its error class or its result, and its inputs after."""

    error: type[BaseException] | None
    result: Any
    inputs: list[np.ndarray[Any, Any]]


def _summary(r: Any, device: ct.Device) -> Any:
    """A result as plain values; every tensor in it must be on ``device``."""
    if isinstance(r, ct.TensorView):
        assert r.device == device, (r.device, device)
        return (r.shape, r.dtype, host(r))
    if isinstance(r, (list, tuple)):
        return [_summary(x, device) for x in r]
    return r


def run(fn: Callable[..., Any], arrays_in: list[Any], device: ct.Device) -> Outcome:
    """``fn`` applied to tensors holding ``arrays_in`` on ``device`` (NumPy warnings off,
    as the device's own kernels have none)."""
    tensors = [ct.tensor(a, device=device) for a in arrays_in]
    with np.errstate(all="ignore"):
        try:
            result = _summary(fn(*tensors), device)
        except Exception as exc:
            return Outcome(type(exc), None, [host(t) for t in tensors])
    return Outcome(None, result, [host(t) for t in tensors])


def _exact(device: ct.Device) -> bool:
    # NumPy-backed devices compute exactly as the CPU does; a GPU's kernels may round
    # differently in the last bits (fused multiply-add, reduction order).
    return device.kind in ("cpu", "sim")


def assert_values_equal(got: np.ndarray[Any, Any], want: np.ndarray[Any, Any], exact: bool) -> None:
    assert got.shape == want.shape, (got, want)
    assert got.dtype == want.dtype, (got, want)
    if ct.as_dtype(got.dtype).is_floating:  # bfloat16 too, whose NumPy kind is "V"
        if exact:
            assert np.array_equal(got, want, equal_nan=True), (got, want)
            assert np.array_equal(np.signbit(got), np.signbit(want)), (got, want)
        else:
            rtol = 1e-2 if got.dtype.itemsize == 2 else 1e-5
            assert np.allclose(got, want, rtol=rtol, atol=0.0, equal_nan=True), (got, want)
    else:
        assert np.array_equal(got, want), (got, want)


def assert_same_result(got: Any, want: Any, exact: bool) -> None:
    if isinstance(want, tuple):  # (shape, dtype, values)
        assert isinstance(got, tuple)
        assert got[:2] == want[:2], (got[:2], want[:2])
        assert_values_equal(got[2], want[2], exact)
    elif isinstance(want, list):
        assert isinstance(got, list)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert_same_result(g, w, exact)
    else:
        assert got == want


def assert_same_outcome(cpu: Outcome, dev: Outcome, device: ct.Device) -> None:
    assert dev.error is cpu.error, f"cpu: {cpu.error}, {device}: {dev.error}"
    exact = _exact(device)
    assert_same_result(dev.result, cpu.result, exact)
    for g, w in zip(dev.inputs, cpu.inputs, strict=True):
        assert_values_equal(g, w, exact)


def check(
    fn: Callable[..., Any], arrays_in: list[Any], device: ct.Device, oracle: bool = True
) -> None:
    """``fn`` on ``device`` does what it does on the cpu; where it succeeds on the cpu and
    ``oracle`` is set, the cpu result is also what ``fn`` gives on the NumPy arrays."""
    cpu = run(fn, arrays_in, ct.cpu)
    dev = run(fn, arrays_in, device)
    assert_same_outcome(cpu, dev, device)
    if oracle and cpu.error is None:
        copies = [np.array(a) for a in arrays_in]
        with np.errstate(all="ignore"):
            want = fn(*copies)
        if isinstance(want, np.ndarray | np.generic):
            want = np.asarray(want)
            assert_same_result(cpu.result, (want.shape, ct.as_dtype(want.dtype), want), True)
        for got, w in zip(cpu.inputs, copies, strict=True):
            assert_values_equal(got, w, True)


# ----------------------------------------------------------------------------- elementwise

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
}
UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": operator.neg,
    "abs": abs,
    "invert": operator.invert,
    "pos": operator.pos,
}


def _scalar_operands(dtype: ct.DType) -> list[Any]:
    """Scalars that fit ``dtype`` and some that do not (both devices must refuse those)."""
    if dtype.is_bool:
        return [True, False, 1]
    if dtype.is_integer:
        info = np.iinfo(dtype.numpy)
        return [0, 3, -2, int(info.max), int(info.max) + 1, 2.5]
    return [0.0, -2.5, 3.0, float("nan"), 1e300, 2]


def _small_ints(dtype: ct.DType, shape: tuple[int, ...], seed: int) -> np.ndarray[Any, Any]:
    """Values in -3..3 (0..3 unsigned), where ``**`` and ``%`` stay interesting."""
    rng = np.random.default_rng(seed)
    lo = 0 if dtype.kind in ("u", "b") else -3
    return np.array(rng.integers(lo, 4, size=shape), dtype=dtype.numpy)


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("device", ACCELERATORS)
def test_binary_operators_match_the_cpu(device: ct.Device, op: str) -> None:
    fn = BINARY[op]
    for seed, dtype in enumerate(ALL_DTYPES):
        for make in (sample, _small_ints):
            a, b = make(dtype, (3, 1, 4), seed), make(dtype, (2, 4), seed + 100)
            check(fn, [a, b], device)  # broadcasting
            check(fn, [a[:, 0, :], a[:, 0, :]], device)  # same shape
            check(fn, [a[0, 0, 0, ...], b], device)  # rank 0 with rank 2
        check(fn, [sample(dtype, (0, 2)), sample(dtype, (2,))], device)  # zero-size
        other = ct.float32 if dtype is not ct.float32 else ct.int32
        check(fn, [sample(dtype, (2,)), sample(other, (2,))], device, oracle=False)
        x = sample(dtype, (2, 3), seed)
        for s in _scalar_operands(dtype):
            check(lambda t, s=s: fn(t, s), [x], device, oracle=False)
            check(lambda t, s=s: fn(s, t), [x], device, oracle=False)


@pytest.mark.parametrize("device", ACCELERATORS)
def test_shapes_that_cannot_broadcast_raise_shape_error(device: ct.Device) -> None:
    wrong: dict[str, str] = {}
    for op, fn in BINARY.items():
        dtype = ct.int32 if op in ("&", "|", "^") else ct.float32
        a = ct.zeros((3,), dtype=dtype, device=device)
        b = ct.zeros((2, 4), dtype=dtype, device=device)
        for x, y in ((a, b), (b, a)):
            try:
                fn(x, y)
                wrong[op] = "no error"
            except Exception as exc:
                shapes_named = str(x.shape) in str(exc) and str(y.shape) in str(exc)
                if type(exc) is not ct.ShapeError or not shapes_named:
                    wrong[op] = f"{type(exc).__name__}: {exc}"
    assert not wrong, f"not a ShapeError naming both shapes: {wrong}"


@pytest.mark.parametrize("op", INPLACE)
@pytest.mark.parametrize("device", ACCELERATORS)
def test_inplace_operators_match_the_cpu(device: ct.Device, op: str) -> None:
    fn = INPLACE[op]
    for seed, dtype in enumerate(ALL_DTYPES):
        for make in (sample, _small_ints):
            a = make(dtype, (2, 3, 4), seed)
            for b_shape in [(2, 3, 4), (3, 1), (4,), (), (2, 1, 3, 4), (5,)]:
                check(fn, [a, make(dtype, b_shape, seed + 1)], device)
        x = sample(dtype, (2, 3), seed)
        for s in _scalar_operands(dtype):
            check(lambda t, s=s: fn(t, s), [x], device, oracle=False)

        def through_view(t: Any, u: Any) -> Any:
            m = t.view_mut()[:, ::-2]
            m = fn(m, u)
            return m

        check(through_view, [sample(dtype, (3, 4), seed), sample(dtype, (2,), seed)], device, False)
        check(lambda t, u: fn(t.view(), u), [x, x], device, oracle=False)  # frozen: refused


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("device", ACCELERATORS)
def test_unary_operators_match_the_cpu(device: ct.Device, op: str) -> None:
    fn = UNARY[op]
    oracle = op != "pos"  # NumPy has no + for bool arrays; corten's is a clone
    for seed, dtype in enumerate(ALL_DTYPES):
        a = sample(dtype, (3, 4), seed)
        check(fn, [a], device, oracle)
        check(lambda t: fn(t.T[::-1]), [a], device, oracle=False)
        check(fn, [a[0, 0, ...]], device, oracle)


# ----------------------------------------------------------------------------- reductions

REDUCTIONS = ("sum", "prod", "mean", "min", "max", "argmin", "argmax", "all", "any")
AXES: list[Any] = [None, 0, -1, 1, (0, 2), (2, 0), (), (-1, 0, 1), 3, (0, 0)]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("device", ACCELERATORS)
def test_reductions_match_the_cpu(device: ct.Device, name: str) -> None:
    for seed, dtype in enumerate(ALL_DTYPES):
        a = sample(dtype, (2, 3, 4), seed)
        if dtype.is_floating:  # finite values: NumPy's nan-handling is tested elsewhere
            finite = np.nan_to_num(a.astype(np.float64), nan=1.0, posinf=2.0, neginf=-2.0)
            a = finite.astype(a.dtype)  # (nan_to_num leaves bfloat16 alone)
        # NumPy sums bfloat16 in bfloat16, corten in float32 (test_bfloat16.py checks it)
        wide = dtype is ct.bfloat16 and name in ("sum", "prod", "mean")
        for axis in AXES:
            for keepdims in (False, True):

                def fn(t: Any, axis: Any = axis, keepdims: bool = keepdims) -> Any:
                    return getattr(t, name)(axis=axis, keepdims=keepdims)

                oracle = (name not in ("argmin", "argmax") or axis is None) and not wide
                check(fn, [a], device, oracle=oracle)
                check(lambda t, fn=fn: fn(t.permute(2, 0, 1)[:, ::-1]), [a], device, oracle=False)
        for shape in [(), (0,), (2, 0, 3)]:
            for axis in (None, 0, -1):
                check(
                    lambda t, axis=axis: getattr(t, name)(axis=axis),
                    [sample(dtype, shape, seed)],
                    device,
                    oracle=False,
                )


# ----------------------------------------------------------------------------- astype


@pytest.mark.parametrize("device", ACCELERATORS)
def test_astype_between_every_pair_of_dtypes_matches_the_cpu(device: ct.Device) -> None:
    for seed, src in enumerate(ALL_DTYPES):
        a = sample(src, (4, 5), seed)
        for dst in ALL_DTYPES:
            b = a
            if device.kind == "cuda" and src.is_floating and dst.is_integer:
                # Out-of-range float -> int casts are undefined (NumPy warns and gives what
                # the CPU's instruction gives, a GPU saturates): compare in-range values.
                info = np.iinfo(dst.numpy)
                lo, hi = max(info.min, -(2**24)), min(info.max, 2**24)  # exact in float32
                wide = np.nan_to_num(a.astype(np.float64))  # (it leaves bfloat16 alone)
                with np.errstate(over="ignore"):  # float16's max is below 2**24
                    b = np.clip(wide, lo, hi).astype(src.numpy)
            check(lambda t, dst=dst: t.astype(dst), [b], device, oracle=False)
            check(lambda t, dst=dst: t.T[1::2].astype(dst), [b], device, oracle=False)
            check(lambda t, dst=dst: t.astype(dst.name), [b[1, 1, ...]], device, oracle=False)
        got = ct.tensor(a, device=device).astype(ct.float64)
        assert np.array_equal(host(got), a.astype(np.float64), equal_nan=True)


# ----------------------------------------------------------------------------- indexing

GET_INDICES: list[Any] = [
    0,
    -1,
    (1, 2),
    (slice(None), 1),
    (slice(None, None, 2), slice(1, None), slice(None, None, -1)),
    (Ellipsis, 2),
    (None, 1, Ellipsis, None),
    (slice(3, 1, -1), slice(None), 0),
    (slice(5, 9),),
    [0, 2, -1],
    ([0, 1], [2, 3]),
    (slice(None), [0, 0, 4]),
    ([[0, 1], [1, 0]], slice(None), [1, 2]),
    (1, [4, 0], slice(None, None, -2)),
    (Ellipsis, [1]),
    [],
    9,
    (0, 0, 0, 0),
    [4],
    (slice(None), [7]),
]


def _as_index(idx: Any, device: ct.Device, *, tensors: bool) -> Any:
    """``idx`` with its lists as int64 tensors on ``device`` (when ``tensors``)."""
    if not tensors:
        return idx
    if isinstance(idx, list):
        return ct.tensor(np.array(idx, dtype=np.int64), device=device)
    if isinstance(idx, tuple):
        return tuple(_as_index(i, device, tensors=True) for i in idx)
    return idx


@pytest.mark.parametrize("tensors", [False, True], ids=["lists", "tensors"])
@pytest.mark.parametrize("device", ACCELERATORS)
def test_getitem_matches_the_cpu(device: ct.Device, tensors: bool) -> None:
    for dtype in (ct.uint8, ct.float64, ct.bool_):
        a = sample(dtype, (4, 5, 6))
        for idx in GET_INDICES:

            def get(t: Any, idx: Any = idx) -> Any:
                return t[_as_index(idx, t.device, tensors=tensors)]

            check(get, [a], device, oracle=not tensors)
            check(lambda t, get=get: get(t.permute(1, 0, 2).flip(0)), [a], device, oracle=False)
        # boolean masks, made on the device
        check(lambda t: t[t > t.min()], [a], device, oracle=False)
        check(lambda t: t[(t > t.min()).all(axis=2)], [a], device, oracle=False)
        mask = sample(ct.bool_, (4, 5), 7)
        check(lambda t, m: t[m], [a, mask], device, oracle=False)
        check(lambda t, m: t[m[:3]], [a, mask], device, oracle=False)  # wrong length


SET_INDICES: list[Any] = [
    Ellipsis,
    0,
    (slice(None), 1),
    (slice(None, None, -2), slice(1, 4)),
    (Ellipsis, slice(None, None, 3)),
    (None, 2),
    [0, 3],
    ([0, 1], [2, 3]),
    (slice(None), [4, 0]),
    9,
]


@pytest.mark.parametrize("tensors", [False, True], ids=["lists", "tensors"])
@pytest.mark.parametrize("device", ACCELERATORS)
def test_setitem_matches_the_cpu(device: ct.Device, tensors: bool) -> None:
    for seed, dtype in enumerate(ALL_DTYPES):
        a = sample(dtype, (4, 5, 6), seed)
        values: list[Any] = [
            *_fill_values_for(dtype),
            sample(dtype, (6,), seed + 1),  # broadcast along the last axis
            sample(dtype, (1, 6), seed + 2),
            sample(dtype, (1, 1, 1, 6), seed + 3),  # leading 1s dropped, as NumPy does
            sample(dtype, (7,), seed + 4),  # cannot broadcast
            sample(ct.float32 if dtype is not ct.float32 else ct.int8, (6,), seed),
        ]
        for idx in SET_INDICES:
            for v in values:

                def assign(t: Any, idx: Any = idx, v: Any = v) -> Any:
                    value = ct.tensor(v, device=t.device) if isinstance(v, np.ndarray) else v
                    t[_as_index(idx, t.device, tensors=tensors)] = value
                    return t

                check(assign, [a], device, oracle=False)
        # the source overlaps the target: as if copied first
        check(lambda t: t.__setitem__(slice(1, None), t[:-1]) or t, [a], device, oracle=False)
        check(lambda t: t.__setitem__((0, slice(None)), t[:, 0]) or t, [a], device, oracle=False)

        # through a mutable view, a mask made on the device, and a frozen view (refused)
        def masked(t: Any) -> Any:
            m = t.view_mut()[1:, ::2]
            m[m != m.max()] = m.max()
            return t

        check(masked, [a], device, oracle=False)
        check(lambda t: t.view().__setitem__(0, t[1]), [a], device, oracle=False)


def _fill_values_for(dtype: ct.DType) -> list[Any]:
    if dtype.is_bool:
        return [True, False, 1]
    if dtype.is_integer:
        info = np.iinfo(dtype.numpy)
        return [int(info.min), int(info.max), int(info.max) + 1, -1, 1.5]
    return [-0.0, float("inf"), float("nan"), 1e300, 7]


@pytest.mark.parametrize("device", ACCELERATORS)
def test_fill_matches_the_cpu(device: ct.Device) -> None:
    for seed, dtype in enumerate(ALL_DTYPES):
        a = sample(dtype, (3, 4, 5), seed)
        for v in _fill_values_for(dtype):
            check(lambda t, v=v: t.fill_(v), [a], device, oracle=False)
            check(lambda t, v=v: t.view_mut()[::-1, 1:3, ::2].fill_(v), [a], device, oracle=False)
            check(
                lambda t, v=v: t.view_mut().expand(2, 3, 4, 5).fill_(v), [a], device, oracle=False
            )
            check(lambda t, v=v: t[0].fill_(v), [a], device, oracle=False)


@pytest.mark.parametrize("device", ACCELERATORS)
def test_copy_matches_the_cpu(device: ct.Device) -> None:
    for seed, dtype in enumerate(ALL_DTYPES):
        a = sample(dtype, (3, 4, 5), seed)
        for src_shape in [(3, 4, 5), (4, 5), (1, 5), (), (3, 4, 6), (2, 3, 4, 5)]:
            b = sample(dtype, src_shape, seed + 1)
            check(lambda t, u: t.copy_(u), [a, b], device, oracle=False)
        b = sample(dtype, (5, 4), seed + 2)
        check(lambda t, u: t.view_mut()[1].copy_(u.T), [a, b], device, oracle=False)
        check(lambda t: t.view_mut()[1:].copy_(t[:-1]), [a], device, oracle=False)  # overlap
        check(lambda t: t.view_mut()[:, :, ::-1].copy_(t), [a], device, oracle=False)
        other = ct.float32 if dtype is not ct.float32 else ct.int8
        check(lambda t, u: t.copy_(u), [a, sample(other, (5,), seed)], device, oracle=False)


VIEWS: dict[str, Callable[[Any], Any]] = {
    "T": lambda t: t.T,
    "permute": lambda t: t.permute(1, 2, 0),
    "strided": lambda t: t[::2, 1::2, ::3],
    "flip": lambda t: t.flip((1, 2)),
    "expand": lambda t: t[:, :1].expand(3, 4, 5),
    "diagonal": lambda t: t.diagonal(0, 1, 2),
    "as_strided": lambda t: t.as_strided((3, 3), (1, 2), 2),
    "select": lambda t: t.select(2, -1),
    "narrow": lambda t: t.narrow(1, 1, 2),
    "split": lambda t: t.split(2, dim=2)[-1],
    "unbind": lambda t: t.unbind(1)[2],
    "mT": lambda t: t.mT,
    "squeeze": lambda t: t[:, None, :1].squeeze(),
    "zero_size": lambda t: t[:, 2:2],
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("device", ACCELERATORS)
def test_copies_of_strided_views_match_the_cpu(device: ct.Device, view: str) -> None:
    of = VIEWS[view]
    for seed, dtype in enumerate(ALL_DTYPES):
        a = sample(dtype, (3, 4, 5), seed)
        for copy in (
            lambda v: v,
            lambda v: v.contiguous(),
            lambda v: v.clone(),
            lambda v: v.reshape(-1),
            lambda v: v.flatten(),
            lambda v: v.reshape_copy(v.numel),
            lambda v: v.view_as(-1),
            lambda v: v.contiguous().is_contiguous,
        ):
            check(lambda t, copy=copy: copy(of(t)), [a], device, oracle=False)


@pytest.mark.parametrize("device", ACCELERATORS)
def test_comparisons_of_whole_tensors_match_the_cpu(device: ct.Device) -> None:
    for seed, dtype in enumerate(ALL_DTYPES):
        a = sample(dtype, (3, 4), seed)
        b = a.copy()
        b.reshape(-1)[5] = sample(dtype, (1,), seed + 9)[0]
        for fn in (
            lambda x, y: x.array_equal(y),
            lambda x, y: ct.array_equal(x, y),
            lambda x, y: x.array_equal(x),
            lambda x, y: x.array_equal(y[:2]),
        ):
            check(fn, [a, b], device, oracle=False)
        if dtype.is_floating:
            check(lambda x, y: x.allclose(y), [a, b], device, oracle=False)
            check(lambda x, y: ct.allclose(x, x, rtol=0.0), [a, b], device, oracle=False)


# ----------------------------------------------------------------------------- programs


class Program:
    """A random program drawn step by step; each step runs on the cpu and on the device."""

    def __init__(self, data: Any, device: ct.Device) -> None:
        self.data = data
        self.device = device
        dtype = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
        shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
        a = data.draw(arrays(dtype, shape), label="array")
        self.cpu: Any = ct.tensor(a)
        self.dev: Any = ct.tensor(a, device=device)
        self.log: list[str] = []

    def step(self) -> None:
        kind = self.data.draw(
            st.sampled_from(
                [
                    *("binary", "unary", "inplace", "reduce", "astype", "view", "gather"),
                    *("setitem", "fill", "copy", "contiguous", "clone_write", "transfer"),
                ]
            ),
            label="step",
        )
        fn = getattr(self, "_" + kind)()
        outs: list[tuple[type[Exception] | None, Any]] = []
        for x in (self.cpu, self.dev):
            with np.errstate(all="ignore"):
                try:
                    r = fn(x)
                    outs.append((None, r))
                except Exception as exc:
                    outs.append((type(exc), None))
        (cpu_err, cpu_r), (dev_err, dev_r) = outs
        self.log.append(kind if cpu_err is None else f"{kind} ({cpu_err.__name__})")
        note(f"step {self.log[-1]}")
        assert dev_err is cpu_err, f"{kind}: cpu {cpu_err}, {self.device} {dev_err}"
        if cpu_err is None:
            self.cpu, self.dev = cpu_r, dev_r
        assert_same_result(
            _summary(self.dev, self.device), _summary(self.cpu, ct.cpu), _exact(self.device)
        )

    # -- helpers

    def _tensor(self, dtype: ct.DType, shape: tuple[int, ...]) -> Callable[[ct.Device], Any]:
        a = self.data.draw(arrays(dtype, shape), label="operand")
        return lambda device: ct.tensor(a, device=device)

    def _broadcastable(self, shape: tuple[int, ...]) -> Any:
        """Shapes that broadcast with ``shape``."""
        return hnp.broadcastable_shapes(
            shape, max_dims=max(3, len(shape)), max_side=max([4, *shape])
        )

    def _into(self, shape: tuple[int, ...]) -> Any:
        """Shapes that broadcast into ``shape``."""
        return hnp.broadcastable_shapes(shape, max_dims=len(shape), max_side=max([4, *shape]))

    def _operand(self, shape_of_broadcast: Any) -> Callable[[ct.Device], Any]:
        """A scalar, or a tensor on the program's device of a shape that broadcasts."""
        dtype = self.cpu.dtype
        if self.data.draw(st.booleans(), label="scalar?"):
            s = self.data.draw(scalars(dtype), label="scalar")
            return lambda device: s
        if self.data.draw(st.integers(0, 9), label="other dtype?") == 0:
            dtype = self.data.draw(st.sampled_from(ALL_DTYPES), label="operand dtype")
        shape = self.data.draw(shape_of_broadcast, label="operand shape")
        return self._tensor(dtype, shape)

    # -- steps: each returns a function of the program's tensor

    def _binary(self) -> Callable[[Any], Any]:
        op = self.data.draw(st.sampled_from(sorted(BINARY)), label="op")
        operand = self._operand(self._broadcastable(self.cpu.shape))
        reflected = self.data.draw(st.booleans(), label="reflected")
        fn = BINARY[op]
        if reflected:
            return lambda x: fn(operand(x.device), x)
        return lambda x: fn(x, operand(x.device))

    def _unary(self) -> Callable[[Any], Any]:
        return UNARY[self.data.draw(st.sampled_from(sorted(UNARY)), label="op")]

    def _writable(self, x: Any) -> Any:
        return x if isinstance(x, ct.Tensor | ct.TensorViewMut) else x.clone()

    def _inplace(self) -> Callable[[Any], Any]:
        op = INPLACE[self.data.draw(st.sampled_from(sorted(INPLACE)), label="op")]
        operand = self._operand(self._into(self.cpu.shape))
        return lambda x: op(self._writable(x), operand(x.device))

    def _reduce(self) -> Callable[[Any], Any]:
        name = self.data.draw(st.sampled_from(REDUCTIONS), label="reduction")
        ndim = self.cpu.ndim
        axis_int = st.integers(-ndim, ndim - 1) if ndim else st.just(0)
        axis = self.data.draw(
            st.one_of(st.none(), axis_int, st.lists(axis_int, max_size=ndim).map(tuple)),
            label="axis",
        )
        keepdims = self.data.draw(st.booleans(), label="keepdims")
        return lambda x: getattr(x, name)(axis=axis, keepdims=keepdims)

    def _astype(self) -> Callable[[Any], Any]:
        dtype = self.data.draw(st.sampled_from(ALL_DTYPES), label="to dtype")
        return lambda x: x.astype(dtype)

    def _view(self) -> Callable[[Any], Any]:
        shape = self.cpu.shape
        choice = self.data.draw(
            st.sampled_from(["index", "index_mut", "permute", "flip", "reshape", "expand"]),
            label="view",
        )
        if choice in ("index", "index_mut"):
            idx = self.data.draw(hnp.basic_indices(shape, allow_newaxis=True), label="index")
            if choice == "index_mut":
                return lambda x: self._writable(x).view_mut()[idx]
            return lambda x: x[idx]
        if choice == "permute":
            order = self.data.draw(st.permutations(range(len(shape))), label="order")
            return lambda x: x.permute(*order) if order else x.view()
        if choice == "flip":
            return lambda x: x.flip()
        if choice == "reshape":
            return lambda x: x.reshape(-1)
        target = tuple(4 if d == 1 else d for d in shape)
        return lambda x: x.expand(*target) if target else x.view()

    def _gather(self) -> Callable[[Any], Any]:
        shape = self.cpu.shape
        if self.data.draw(st.booleans(), label="mask?") or not shape or shape[0] == 0:
            threshold = self.data.draw(scalars(self.cpu.dtype), label="threshold")
            return lambda x: x[x >= threshold] if x.dtype is not ct.bool_ else x[x]
        rows = self.data.draw(
            st.lists(st.integers(-shape[0], shape[0] - 1), max_size=5), label="rows"
        )
        as_tensor = self.data.draw(st.booleans(), label="index tensor?")
        if as_tensor:
            return lambda x: x[ct.tensor(np.array(rows, dtype=np.int64), device=x.device)]
        return lambda x: x[rows]

    def _setitem(self) -> Callable[[Any], Any]:
        shape = self.cpu.shape
        idx = self.data.draw(hnp.basic_indices(shape, allow_newaxis=True), label="index")
        target = np.empty(shape)[idx].shape
        value = self._operand(self._into(target))

        def assign(x: Any) -> Any:
            w = self._writable(x)
            w[idx] = value(x.device)
            return w

        return assign

    def _fill(self) -> Callable[[Any], Any]:
        v = self.data.draw(scalars(self.cpu.dtype), label="value")

        def fill(x: Any) -> Any:
            w = self._writable(x)
            w.fill_(v)
            return w

        return fill

    def _copy(self) -> Callable[[Any], Any]:
        shape = self.data.draw(self._into(self.cpu.shape), label="source shape")
        src = self._tensor(self.cpu.dtype, shape)

        def copy(x: Any) -> Any:
            w = self._writable(x)
            w.copy_(src(x.device))
            return w

        return copy

    def _contiguous(self) -> Callable[[Any], Any]:
        return lambda x: x.contiguous()

    def _transfer(self) -> Callable[[Any], Any]:
        """To the host and back, or through a second device (non-blocking or not)."""
        route = self.data.draw(st.sampled_from(["host", "peer"]), label="route")
        non_blocking = self.data.draw(st.booleans(), label="non_blocking")
        device = self.device
        via = ct.sim(1 - device.index) if device.kind == "sim" and route == "peer" else ct.cpu

        def transfer(x: Any) -> Any:
            if x.device == ct.cpu:
                return x.to(ct.cpu)
            return x.to(via, non_blocking=non_blocking).to(device, non_blocking=non_blocking)

        return transfer

    def _clone_write(self) -> Callable[[Any], Any]:
        v = self.data.draw(scalars(self.cpu.dtype), label="value")

        def clone_write(x: Any) -> Any:
            before = _summary(x, x.device)
            c = x.clone()
            c.fill_(v)
            assert_same_result(_summary(x, x.device), before, True)  # x unchanged
            return c

        return clone_write


@settings(max_examples=60)
@given(data=st.data())
@pytest.mark.parametrize("device", ACCELERATORS)
def test_random_programs_match_the_cpu(device: ct.Device, data: Any) -> None:
    program = Program(data, device)
    n = data.draw(st.integers(1, 6), label="steps")
    for _ in range(n):
        program.step()
    note(f"final shape {program.cpu.shape} dtype {program.cpu.dtype}")
