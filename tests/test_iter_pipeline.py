"""Parallel pipelines (``par_iter``) against a NumPy oracle and the Python reference.

Compiling a kernel takes a fraction of a second, so the functions come from a small
module-level library (kernels are cached per function, and reused across examples) and
the hypothesis tests draw few pipeline shapes: the data and layouts vary freely, the
kernels much less. Every result is also compared with the Python reference evaluator,
which runs the pipelines that numba rejects (and serves devices without compiled
kernels).
"""

from __future__ import annotations

import fractions
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import ALL_DTYPES, tensor_and_array, values
from hypothesis import given, settings
from hypothesis import strategies as st

import corten as ct
from corten.pipelines import compiled as _pipeline_numba
from corten.pipelines import reference as _pipeline_ref
from corten.pipelines import threads as _pipeline_threads
from corten.pipelines.codegen import CHUNK
from corten.pipelines.half import float_to_half, half_to_float
from corten.pipelines.parallel import Plan, Terminal

Array = np.ndarray[Any, Any]

# ----------------------------------------------------------------------------- the library


def add3(x: Any) -> Any:
    return x + 3


def mul3(x: Any) -> Any:
    return x * 3


def square(x: Any) -> Any:
    return x * x


def gt2(x: Any) -> Any:
    return x > 2


def half(x: Any) -> Any:
    return x / 2


def keep_gt1(x: Any) -> Any:
    return x > 1


def add_xy(x: Any, y: Any) -> Any:
    return x + y


def index_times(i: Any, x: Any) -> Any:
    return i * x


def bigger(a: Any, b: Any) -> Any:
    return a if a > b else b


# The NumPy oracle of each map: NumPy's arithmetic with Python scalars keeps the array's
# dtype within a kind (NEP 50), as corten's rule does. Python's bool * bool is an int.
ORACLE: dict[Callable[[Any], Any], Callable[[Array], Array]] = {
    add3: lambda a: a + 3,
    mul3: lambda a: a * 3,
    square: lambda a: (a.astype(np.int64) if a.dtype == np.bool_ else a) * a,
    gt2: lambda a: a > 2,
    half: lambda a: a / 2,
}
MAPS = tuple(ORACLE)


def oracle(a: Array, stages: list[Any]) -> Array:
    v = a
    with np.errstate(all="ignore"):
        for s in stages:
            v = v[v > 1] if s == "filter" else ORACLE[s](v)
    return v


def build(t: Any, stages: list[Any]) -> Any:
    p = t.par_iter()
    for s in stages:
        p = p.filter(keep_gt1) if s == "filter" else p.map(s)
    return p


def reference(p: Any, kind: str, *args: Any) -> Any:
    return _pipeline_ref.run(Plan(p._operands, p._shape, p._stages, Terminal(kind, *args)))


def check_terminal(p: Any, kind: str, v: Array) -> None:
    """``p``'s terminal ``kind`` (compiled and reference) against the oracle values ``v``."""
    ref = reference(p, kind) if kind not in ("min", "max") or v.size else None
    if kind == "collect":
        out = p.collect()
        assert out.dtype is ct.as_dtype(v.dtype)
        assert out.shape == v.shape
        np.testing.assert_array_equal(values(out), v)
        assert ref.dtype == v.dtype
        np.testing.assert_array_equal(ref, v)
    elif kind == "count":
        assert p.count() == ref == v.size
    elif kind in ("min", "max"):
        if v.size == 0:
            with pytest.raises(ct.ShapeError):
                getattr(p, kind)()
            return
        want = getattr(v, kind)().item()
        assert getattr(p, kind)() == ref == want
    else:  # sum
        got = p.sum()
        if v.dtype.kind != "f":
            want = int(v.sum(dtype=np.uint64 if v.dtype.kind == "u" else np.int64))
            assert got == ref == want
            assert type(got) is int
            return
        w = v.astype(np.float64).ravel()
        if not np.isfinite(w).all():
            want = float(np.sum(w))
            assert got == want or (math.isnan(got) and math.isnan(want))
            return
        exact = math.fsum(w.tolist())
        scale = float(np.abs(w).sum())
        assert abs(got - exact) <= 1e-12 * scale, (got, exact)
        assert abs(ref - exact) <= 1e-12 * scale
        # at least as accurate as NumPy's own sum of the same values
        with np.errstate(all="ignore"):
            numpy_sum = float(np.sum(v))
        assert abs(got - exact) <= abs(numpy_sum - exact) + 1e-12 * scale


# ----------------------------------------------------------------------------- randomized


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@settings(max_examples=12)
@given(data=st.data())
def test_a_fused_pipeline_matches_numpy_on_every_dtype_and_layout(
    dtype: ct.DType, data: Any
) -> None:
    t, a = data.draw(tensor_and_array(dtype))
    stages = [add3, "filter", mul3]
    # collect checks every value exactly; sums are drawn in test_random_pipelines
    check_terminal(build(t, stages), "collect", oracle(a, stages))
    np.testing.assert_array_equal(values(t), a)  # the input is unchanged


@settings(max_examples=20)
@given(data=st.data())
def test_random_pipelines_match_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from([ct.bool_, ct.int8, ct.uint16, ct.float16, ct.float64]))
    t, a = data.draw(tensor_and_array(dtype))
    stages = data.draw(st.lists(st.sampled_from([*MAPS, "filter"]), max_size=2))
    kind = data.draw(st.sampled_from(["collect", "sum", "count", "min", "max"]))
    check_terminal(build(t, stages), kind, oracle(a, stages))


@settings(max_examples=20)
@given(data=st.data())
def test_zip_broadcasts_like_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from([ct.int32, ct.float32]))
    shape = data.draw(st.sampled_from([((3,), (2, 3)), ((2, 1), (1, 4)), ((), (2, 2))]))
    if data.draw(st.booleans()):
        shape = shape[::-1]
    x, a = data.draw(tensor_and_array(dtype, shape[0]))
    y, b = data.draw(tensor_and_array(dtype, shape[1]))
    p = x.par_iter().zip(y).map(add_xy)
    assert p.shape == np.broadcast_shapes(a.shape, b.shape)
    with np.errstate(all="ignore"):
        check_terminal(p, "collect", a + b)


# ----------------------------------------------------------------------------- large layouts


def _big(dtype: Any) -> Array:
    rng = np.random.default_rng(5)
    return (rng.standard_normal(60000) * 40).astype(dtype)


LAYOUTS = {
    "contiguous": lambda a: a,
    "permuted": lambda a: a.reshape(60, 100, 10).transpose(2, 0, 1),
    "reversed_steps": lambda a: a.reshape(300, 200)[::-2, ::-1],
    "broadcast_rows": lambda a: np.broadcast_to(a[:300], (150, 300)),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_multi_chunk_pipelines_on_strided_layouts(layout: str) -> None:
    a = LAYOUTS[layout](_big(np.float32))
    t = ct.from_numpy(a)
    assert t.numel > CHUNK
    stages: list[Any] = [square, "filter", add3]
    v = oracle(a, stages)
    for kind in ("collect", "sum", "count", "max"):
        check_terminal(build(t, stages), kind, v)
    w = oracle(a, [mul3])
    check_terminal(build(t, [mul3]), "collect", w)
    e = t.par_iter().enumerate().map(index_times).collect()
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(values(e), np.arange(a.size).reshape(a.shape) * a)


def test_results_do_not_depend_on_the_number_of_threads() -> None:
    a = _big(np.float64) ** 3
    t = ct.from_numpy(a)
    before = ct.get_num_threads()
    try:
        got = []
        for n in sorted({1, min(2, _pipeline_threads.max_threads())}):
            ct.set_num_threads(n)
            got.append((t.par_iter().map(half).sum(), t.par_iter().filter(keep_gt1).count()))
        assert len(set(got)) == 1
    finally:
        ct.set_num_threads(before)


# ----------------------------------------------------------------------------- terminals


def test_float_sums_are_accurate_where_naive_sums_are_not() -> None:
    x = np.tile(np.array([1e16, 1.0, -1e16, 3.0], dtype=np.float64), 10000)
    assert ct.from_numpy(x).par_iter().sum() == 40000.0  # the exact sum
    f = np.random.default_rng(1).random(100000).astype(np.float32) * 1e4
    exact = math.fsum(f.astype(np.float64).tolist())
    got = ct.from_numpy(f).par_iter().sum()
    assert abs(got - exact) <= 1e-12 * exact < abs(float(f.sum()) - exact) + 1e-12 * exact


def test_integer_sums_wrap_like_numpy() -> None:
    a = np.full(100000, 2**62, dtype=np.int64)
    assert ct.from_numpy(a).par_iter().sum() == int(a.sum())
    u = np.full(10, 2**63, dtype=np.uint64)
    assert ct.from_numpy(u).par_iter().sum() == int(u.sum()) == 2**63 * 10 % 2**64


def test_min_and_max_propagate_nan_and_refuse_empty_input() -> None:
    t = ct.tensor([1.0, float("nan"), -1.0])
    assert math.isnan(t.par_iter().min())
    assert math.isnan(t.par_iter().max())
    assert ct.tensor([3, 1, 2]).par_iter().min() == 1
    assert ct.tensor([True, False]).par_iter().max() is True
    with pytest.raises(ct.ShapeError, match="without elements"):
        ct.tensor([1, 2]).par_iter().filter(gt2).min()


def test_terminals_of_empty_pipelines() -> None:
    p = ct.zeros((0, 4), dtype=ct.int32).par_iter()
    assert p.sum() == 0
    assert p.count() == 0
    assert p.any(gt2) is False
    assert p.all(gt2) is True
    assert p.reduce(bigger, 7) == 7
    out = p.map(half).collect()
    assert out.shape == (0, 4)
    assert out.dtype is ct.float64


def test_reduce_folds_onto_the_identity_in_order() -> None:
    a = np.random.default_rng(2).integers(-1000, 1000, 50000).astype(np.int32)
    t = ct.from_numpy(a)
    assert t.par_iter().reduce(bigger, -(2**31)) == int(a.max())
    assert t.par_iter().reduce(bigger, 5000) == 5000  # the identity takes part once
    assert t.par_iter().reduce(add_xy, 0) == int(a.astype(np.int32).sum(dtype=np.int32))
    with pytest.raises(ct.DTypeError):
        t.par_iter().reduce(add_xy, 0.5)


def test_mixed_dtypes_and_float16_operands() -> None:
    a = np.array([[0.5, -1.25, 3.0]], dtype=np.float16)
    b = np.array([[1], [-7]], dtype=np.int8)
    p = ct.from_numpy(a).par_iter().zip(ct.from_numpy(b)).map(add_xy)
    check_terminal(p, "collect", a + b)  # float16 + int8 is float16 in NumPy too
    h = ct.from_numpy(np.array([0.1, 7.5, -3.0], dtype=np.float16))
    assert h.par_iter().reduce(bigger, -100.0) == 7.5
    e = h.par_iter().enumerate().map(index_times)  # int64 * float16 is float64
    assert e.collect().dtype is ct.float64
    assert e.max() == 7.5


def test_any_and_all_with_and_without_predicates() -> None:
    t = ct.from_numpy(np.arange(100000, dtype=np.int64))
    assert t.par_iter().any(lambda x: x == 99999)
    assert not t.par_iter().any(lambda x: x < 0)
    assert t.par_iter().all(lambda x: x >= 0)
    assert not t.par_iter().all(lambda x: x != 5)
    assert t.par_iter().map(gt2).any()
    assert not t.par_iter().map(gt2).all()
    pairs = t.par_iter().zip(t)
    assert pairs.all(lambda x, y: x == y)


# ----------------------------------------------------------------------------- dtype rules


def test_a_stage_after_an_overflowing_stage_sees_the_wrapped_value() -> None:
    big = ct.tensor([2**63 - 3, 5], dtype=ct.int64)
    kept = big.par_iter().map(add3).filter(keep_gt1).collect()
    assert kept.tolist() == [8]  # 2**63 wrapped to -2**63, which is not > 1
    assert big.par_iter().map(add3).reduce(bigger, -(2**63)) == 8


def test_map_dtype_rules() -> None:
    i8 = ct.tensor([100, -100], dtype=ct.int8)
    assert i8.par_iter().map(mul3).collect().tolist() == [44, -44]  # wraps in int8
    assert i8.par_iter().map(half).collect().dtype is ct.float64
    assert i8.par_iter().map(gt2).collect().dtype is ct.bool_
    f32 = ct.tensor([1.5], dtype=ct.float32)
    assert f32.par_iter().map(mul3).collect().dtype is ct.float32
    assert f32.par_iter().map(mul3, dtype="float64").collect().dtype is ct.float64
    b = ct.tensor([True, False])
    assert b.par_iter().map(add3).collect().tolist() == [4, 3]  # bool + int is int64


def test_functions_must_return_one_scalar() -> None:
    with pytest.raises(ct.DTypeError, match="one bool, int or float"):
        ct.arange(3).par_iter().map(lambda x: (x, x)).collect()


def test_stage_order_and_arity_are_checked() -> None:
    p = ct.arange(4).par_iter()
    with pytest.raises(TypeError, match="before filter"):
        p.filter(gt2).zip(ct.arange(4))
    with pytest.raises(TypeError, match="before filter"):
        p.filter(gt2).enumerate()
    with pytest.raises(TypeError, match="one value per element"):
        p.zip(ct.arange(4)).sum()
    with pytest.raises(TypeError, match="takes a function"):
        p.map(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes a tensor"):
        p.zip([1, 2, 3, 4])  # type: ignore[arg-type]
    with pytest.raises(ct.ShapeError, match="cannot be broadcast"):
        p.zip(ct.arange(3))
    with pytest.raises(ct.DeviceMismatchError, match="different devices"):
        p.zip(ct.zeros((4,), device=ct.sim))
    assert "map('gt2')" in repr(p.map(gt2))


# ----------------------------------------------------------------------------- user functions


def fail_at_12345(x: Any) -> Any:
    if x == 12345:
        raise ValueError("bad element")
    return x


def test_exceptions_in_functions_reach_the_caller() -> None:
    t = ct.arange(4 * CHUNK, dtype=ct.int64)  # several chunks, on several threads
    with pytest.raises(ValueError, match="bad element"):
        t.par_iter().map(fail_at_12345).sum()
    with pytest.raises(ValueError, match="bad element"):
        t.par_iter().filter(fail_at_12345).count()
    with pytest.raises(ZeroDivisionError):
        ct.tensor([1.0, 0.0]).par_iter().map(lambda x: 1 / x).collect()


def test_kernels_are_reused_and_closures_are_part_of_the_key() -> None:
    t = ct.arange(10, dtype=ct.int64)

    def times(k: int) -> Callable[[Any], Any]:
        return lambda x: x * k  # a new closure every call

    sums = [t.par_iter().map(times(k)).sum() for k in (1, 2, 1, 2)]
    assert sums == [45, 90, 45, 90]
    before = len(_pipeline_numba._KERNELS)
    for _ in range(3):
        assert t.par_iter().map(times(2)).sum() == 90
    assert len(_pipeline_numba._KERNELS) == before  # the k=2 kernel, reused


def test_pipelines_read_their_tensors_when_a_terminal_runs() -> None:
    t = ct.tensor([1, 2, 3])
    p = t.par_iter().map(square)
    assert p.sum() == 14
    t += 1
    assert p.sum() == 29


def not_compilable(x: Any) -> Any:
    return int(fractions.Fraction(int(x), 2) * 2) + 1


def test_a_function_numba_rejects_runs_in_python_with_one_warning() -> None:
    t = ct.tensor(np.arange(6, dtype=np.int16).reshape(2, 3)).T
    with pytest.warns(ct.CompilationWarning, match="not_compilable.*TypingError"):
        out = t.par_iter().map(not_compilable).collect()
    assert out.dtype is ct.int16
    assert out.tolist() == [[1, 4], [2, 5], [3, 6]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per function: no second warning
        assert t.par_iter().map(not_compilable).filter(gt2).sum() == 18
        assert t.par_iter().map(not_compilable).max() == 6


# ----------------------------------------------------------------------------- float16


def test_float16_conversions_match_numpy_for_every_bit_pattern() -> None:
    bits = np.arange(2**16, dtype=np.uint16)
    want = bits.view(np.float16).astype(np.float32)
    got = np.array([half_to_float(b) for b in bits], dtype=np.float32)
    np.testing.assert_array_equal(got, want)
    # every finite float16, the midpoints between neighbours (ties to even), and beyond
    finite = np.unique(want[np.isfinite(want)].astype(np.float64))
    mids = (finite[:-1] + finite[1:]) / 2
    edges = [65504.0, 65519.99, 65520.0, 1e6, -1e6, 2.0**-25, 2.0**-26, -0.0, np.nan]
    probes = np.concatenate([finite, mids, edges])
    got_bits = np.array([float_to_half(x) for x in probes], dtype=np.uint16).view(np.float16)
    with np.errstate(all="ignore"):
        want16 = probes.astype(np.float16)
    np.testing.assert_array_equal(got_bits, want16)
    assert np.signbit(got_bits[-2])  # -0.0 keeps its sign
