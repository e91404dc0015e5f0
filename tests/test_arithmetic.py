"""Elementwise arithmetic, comparisons, bitwise operations and reductions, with NumPy as the
oracle: every operation is run on tensors in several memory layouts and compared with the
same NumPy ufunc on same-dtype operands (promotion between dtypes: test_api_promotion.py)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import hypothesis.extra.numpy as hnp
import ml_dtypes
import numpy as np
import pytest
from conftest import (
    ALL_DTYPES,
    BOOL_DTYPES,
    FLOAT_DTYPES,
    INTEGER_DTYPES,
    NUMERIC_DTYPES,
    SIGNED_DTYPES,
    arrays,
    assert_tensor_close,
    assert_tensor_equal,
    layouts,
    nonempty_shapes,
    scalars,
    shapes,
    tensor_and_array,
    values,
)
from hypothesis import given
from hypothesis import strategies as st

import corten as ct


class Op:
    """A binary operator, its NumPy ufunc, the dtypes it is defined for and the values to
    test it on (``small`` avoids float overflow, which NumPy warns about for + - *)."""

    def __init__(
        self,
        symbol: str,
        fn: Callable[[Any, Any], Any],
        ifn: Callable[[Any, Any], Any],
        ufunc: np.ufunc,
        dtypes: tuple[ct.DType, ...],
        small: bool,
    ) -> None:
        self.symbol, self.fn, self.ifn, self.ufunc = symbol, fn, ifn, ufunc
        self.dtypes, self.small = dtypes, small

    def __repr__(self) -> str:
        return self.symbol

    def expected(self, a: Any, b: Any) -> np.ndarray[Any, Any]:
        with np.errstate(all="ignore"):
            return np.asarray(self.ufunc(a, b))

    def check(self, r: Any, expected: Any, dtype: ct.DType) -> None:
        """``r`` equals ``expected`` exactly, except float ``**``: NumPy's power loops for
        contiguous and strided operands may differ in the last bit."""
        if self.symbol == "**" and dtype.is_floating:
            assert_ulps_close(r, expected, dtype)
        else:
            assert_tensor_equal(r, expected, dtype=dtype)


def assert_ulps_close(r: Any, expected: Any, dtype: ct.DType, ulps: int = 4) -> None:
    """Float results within a few units in the last place (infinities and NaNs equal;
    a value may round to infinity in one loop and to the largest float in the other)."""
    expected = np.asarray(expected)
    assert (r.shape, r.dtype) == (expected.shape, dtype)
    got = values(r).astype(np.float64)
    want = expected.astype(np.float64)
    info = ml_dtypes.finfo(dtype.numpy)
    with np.errstate(all="ignore"):
        close = np.isclose(got, want, rtol=ulps * float(info.eps), atol=0.0, equal_nan=True)
        huge = (np.minimum(np.abs(got), np.abs(want)) >= float(info.max) / 2) & (
            np.sign(got) == np.sign(want)
        )
    assert np.all(close | (got == want) | huge), (got, want)


BITWISE_DTYPES = BOOL_DTYPES + INTEGER_DTYPES

OPS = [
    Op("+", operator.add, operator.iadd, np.add, ALL_DTYPES, True),
    Op("-", operator.sub, operator.isub, np.subtract, NUMERIC_DTYPES, True),
    Op("*", operator.mul, operator.imul, np.multiply, ALL_DTYPES, True),
    Op("/", operator.truediv, operator.itruediv, np.true_divide, FLOAT_DTYPES, False),
    Op("//", operator.floordiv, operator.ifloordiv, np.floor_divide, NUMERIC_DTYPES, False),
    Op("%", operator.mod, operator.imod, np.remainder, NUMERIC_DTYPES, False),
    Op("**", operator.pow, operator.ipow, np.power, NUMERIC_DTYPES, False),
    Op("&", operator.and_, operator.iand, np.bitwise_and, BITWISE_DTYPES, False),
    Op("|", operator.or_, operator.ior, np.bitwise_or, BITWISE_DTYPES, False),
    Op("^", operator.xor, operator.ixor, np.bitwise_xor, BITWISE_DTYPES, False),
]

COMPARISONS = [
    ("==", operator.eq, np.equal),
    ("!=", operator.ne, np.not_equal),
    ("<", operator.lt, np.less),
    ("<=", operator.le, np.less_equal),
    (">", operator.gt, np.greater),
    (">=", operator.ge, np.greater_equal),
]

pair_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, min_side=0, max_side=4)


def _operand_arrays(op: Op, dtype: ct.DType, shape: Any, *, exponent: bool = False) -> Any:
    """Arrays for ``op``: integer exponents of ``**`` are kept non-negative."""
    if op.symbol == "**" and exponent and dtype.is_integer:
        return hnp.arrays(dtype.numpy, shape, elements=st.integers(0, 12))
    return arrays(dtype, shape, small=op.small, finite=op.small)


def _operand_scalars(op: Op, dtype: ct.DType, *, exponent: bool = False) -> Any:
    """Python scalars that fit ``dtype``: bools, ints and (for float tensors) floats."""
    if op.symbol == "**" and exponent and dtype.is_integer:
        return st.integers(0, 12)
    if dtype.is_bool:
        return st.booleans()
    options = [scalars(dtype, small=op.small)]
    if not dtype.is_bool and op.symbol != "**":
        options.append(st.booleans())
    if dtype.is_floating:
        options.append(st.integers(-100, 100))
    return st.one_of(options)


def _np_scalar(value: Any, dtype: ct.DType) -> Any:
    """The NumPy scalar a Python scalar becomes next to a ``dtype`` tensor."""
    return dtype.numpy.type(value)


# ----------------------------------------------------------------------------- binary


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_binary_tensor_tensor_with_broadcasting(op: Op, data: Any) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    sa, sb = data.draw(pair_shapes, label="shapes").input_shapes
    a = data.draw(_operand_arrays(op, dtype, sa), label="a")
    b = data.draw(_operand_arrays(op, dtype, sb, exponent=True), label="b")
    ta = data.draw(layouts(a), label="ta")
    tb = data.draw(layouts(b), label="tb")
    r = op.fn(ta, tb)
    assert type(r) is ct.Tensor
    assert r.device == ct.cpu
    assert r.is_contiguous
    op.check(r, op.expected(a, b), dtype)
    assert_tensor_equal(ta, a)  # operands are not modified
    assert_tensor_equal(tb, b)


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_binary_tensor_scalar_takes_the_tensor_dtype(op: Op, data: Any) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    ta, a = data.draw(tensor_and_array(dtype, small=op.small, finite=op.small), label="ta")
    s = data.draw(_operand_scalars(op, dtype, exponent=True), label="scalar")
    r = op.fn(ta, s)
    op.check(r, op.expected(a, _np_scalar(s, dtype)), dtype)
    assert_tensor_equal(ta, a)


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_binary_scalar_tensor_reflected(op: Op, data: Any) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    shape = data.draw(shapes, label="shape")
    a = data.draw(_operand_arrays(op, dtype, shape, exponent=True), label="a")
    ta = data.draw(layouts(a), label="ta")
    s = data.draw(_operand_scalars(op, dtype), label="scalar")
    r = op.fn(s, ta)
    op.check(r, op.expected(_np_scalar(s, dtype), a), dtype)
    assert_tensor_equal(ta, a)


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_binary_tensor_numpy_array(op: Op, data: Any) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    sa, sb = data.draw(pair_shapes, label="shapes").input_shapes
    a = data.draw(_operand_arrays(op, dtype, sa), label="a")
    b = data.draw(_operand_arrays(op, dtype, sb, exponent=True), label="b")
    ta = data.draw(layouts(a), label="ta")
    op.check(op.fn(ta, b), op.expected(a, b), dtype)


# ----------------------------------------------------------------------------- in place


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_inplace_tensor_broadcasts_into_the_target(op: Op, data: Any) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    shapes_ = data.draw(pair_shapes, label="shapes")
    sa, sb = shapes_.result_shape, shapes_.input_shapes[1]
    a = data.draw(_operand_arrays(op, dtype, sa), label="a")
    b = data.draw(_operand_arrays(op, dtype, sb, exponent=True), label="b")
    ta = data.draw(layouts(a, writable=True), label="ta")
    tb = data.draw(layouts(b), label="tb")
    before = ta
    ta = op.ifn(ta, tb)
    assert ta is before
    op.check(ta, op.expected(a, b), dtype)
    assert_tensor_equal(tb, b)


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_inplace_scalar(op: Op, data: Any) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    ta, a = data.draw(
        tensor_and_array(dtype, writable=True, small=op.small, finite=op.small), label="ta"
    )
    s = data.draw(_operand_scalars(op, dtype, exponent=True), label="scalar")
    before = ta
    ta = op.ifn(ta, s)
    assert ta is before
    op.check(ta, op.expected(a, _np_scalar(s, dtype)), dtype)


@pytest.mark.parametrize("op", OPS, ids=repr)
@given(data=st.data())
def test_inplace_through_a_mutable_view_writes_the_owner(op: Op, data: Any) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    base = data.draw(
        _operand_arrays(op, dtype, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)),
        label="base",
    )
    idx = data.draw(hnp.basic_indices(base.shape, allow_newaxis=True), label="idx")
    target_shape = np.shape(base[idx])
    s = data.draw(_operand_scalars(op, dtype, exponent=True), label="scalar")
    owner = ct.tensor(base)
    m = owner.view_mut()[idx]
    assert isinstance(m, ct.TensorViewMut)
    m = op.ifn(m, s)
    assert isinstance(m, ct.TensorViewMut)
    expected = base.copy()
    with np.errstate(all="ignore"):
        expected[idx] = op.ufunc(base[idx], _np_scalar(s, dtype))
    assert m.shape == target_shape
    op.check(owner, expected, dtype)


def test_inplace_with_an_overlapping_operand_reads_the_old_values() -> None:
    a = np.arange(6, dtype=np.int32)
    t = ct.tensor(a)
    t += t[::-1]
    assert t.tolist() == (a + a[::-1]).tolist()
    m = ct.tensor(a).view_mut()
    m += m[::-1]
    assert m.tolist() == (a + a[::-1]).tolist()
    o = ct.tensor(a)
    w = o.view_mut()
    w[1:] -= w[:-1]
    expected = a.copy()
    expected[1:] -= a[:-1]
    assert o.tolist() == expected.tolist()
    s = ct.tensor(a)
    w = s.view_mut()
    w[::2] += w[:3]
    expected = a.copy()
    expected[::2] += a[:3].copy()
    assert s.tolist() == expected.tolist()


def test_inplace_on_a_tensor_keeps_its_clone() -> None:
    t = ct.tensor([1.0, 2.0])
    c = t.clone()
    t *= 3.0
    assert t.tolist() == [3.0, 6.0]
    assert c.tolist() == [1.0, 2.0]


# ----------------------------------------------------------------------------- unary

UNARY = [
    ("neg", operator.neg, np.negative, NUMERIC_DTYPES),
    ("abs", abs, np.absolute, ALL_DTYPES),
    ("invert", operator.invert, np.invert, BITWISE_DTYPES),
    ("pos", operator.pos, np.positive, NUMERIC_DTYPES),
]


@pytest.mark.parametrize(("name", "fn", "ufunc", "dtypes"), UNARY, ids=[u[0] for u in UNARY])
@given(data=st.data())
def test_unary_matches_numpy(name: str, fn: Any, ufunc: Any, dtypes: Any, data: Any) -> None:
    dtype = data.draw(st.sampled_from(dtypes), label="dtype")
    t, a = data.draw(tensor_and_array(dtype, small=False, finite=False), label="t")
    r = fn(t)
    assert type(r) is ct.Tensor
    with np.errstate(all="ignore"):
        assert_tensor_equal(r, np.asarray(ufunc(a)), dtype=dtype)
    assert_tensor_equal(t, a)


@given(tensor_and_array(ct.bool_))
def test_pos_of_bool_is_a_copy(case: Any) -> None:
    t, a = case
    r = +t
    assert_tensor_equal(r, a)
    assert type(r) is ct.Tensor


# ----------------------------------------------------------------------------- comparisons


@pytest.mark.parametrize(("symbol", "fn", "ufunc"), COMPARISONS, ids=[c[0] for c in COMPARISONS])
@given(data=st.data())
def test_comparisons_give_bool_tensors(symbol: str, fn: Any, ufunc: Any, data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
    sa, sb = data.draw(pair_shapes, label="shapes").input_shapes
    a = data.draw(arrays(dtype, sa, small=False, finite=False), label="a")
    b = data.draw(arrays(dtype, sb, small=False, finite=False), label="b")
    ta = data.draw(layouts(a), label="ta")
    tb = data.draw(layouts(b), label="tb")
    r = fn(ta, tb)
    assert type(r) is ct.Tensor
    s = data.draw(scalars(dtype, small=False), label="scalar")
    with np.errstate(invalid="ignore"):  # ml_dtypes' comparisons flag NaN; NumPy's do not
        want, want_s, want_rs = (
            ufunc(a, b),
            ufunc(a, _np_scalar(s, dtype)),
            ufunc(_np_scalar(s, dtype), a),
        )
    assert_tensor_equal(r, want, dtype=ct.bool_)
    assert_tensor_equal(fn(ta, s), want_s, dtype=ct.bool_)
    assert_tensor_equal(fn(s, ta), want_rs, dtype=ct.bool_)


# ----------------------------------------------------------------------------- reductions


def _axes(ndim: int, *, tuples: bool = True) -> Any:
    """None, one axis (maybe negative) or a tuple of distinct axes (maybe negative)."""
    options = [st.none()]
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
    if tuples:
        options.append(st.just(()))
    if tuples and ndim:
        options.append(
            st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
                lambda ax: st.tuples(*[st.sampled_from([i, i - ndim]) for i in ax])
            )
        )
    return st.one_of(options)


_FLOAT_RTOL = {ct.float16: 1e-2, ct.float32: 1e-5, ct.float64: 1e-12, ct.bfloat16: 3e-2}


def _check_reduction(name: str, t: Any, a: np.ndarray[Any, Any], axis: Any, keepdims: bool) -> None:
    r = getattr(t, name)(axis=axis, keepdims=keepdims)
    with np.errstate(all="ignore"):
        if t.dtype is ct.bfloat16 and name in ("sum", "mean", "prod"):
            # accumulated in float32 and rounded once (ml_dtypes' own adds in bfloat16)
            wide = getattr(np, name)(a.astype(np.float32), axis=axis, keepdims=keepdims)
            expected = np.asarray(wide).astype(a.dtype)
        else:
            expected = np.asarray(getattr(np, name)(a, axis=axis, keepdims=keepdims))
    assert type(r) is ct.Tensor
    assert_tensor_equal(t, a)
    if t.dtype.is_floating and name in ("sum", "mean", "prod"):
        # the summation order may differ between layouts
        rtol = _FLOAT_RTOL[t.dtype]
        scale = float(np.max(np.abs(a), initial=1.0)) * max(a.size, 1)
        assert_tensor_close(r, expected, rtol=rtol, atol=rtol * scale)
    else:
        assert_tensor_equal(r, expected)


REDUCTIONS = [
    ("sum", ALL_DTYPES, shapes),
    ("prod", ALL_DTYPES, shapes),
    ("mean", FLOAT_DTYPES, nonempty_shapes),
    ("min", ALL_DTYPES, nonempty_shapes),
    ("max", ALL_DTYPES, nonempty_shapes),
    ("all", ALL_DTYPES, shapes),
    ("any", ALL_DTYPES, shapes),
]


@pytest.mark.parametrize(("name", "dtypes", "shape"), REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@given(data=st.data())
def test_reductions_match_numpy(name: str, dtypes: Any, shape: Any, data: Any) -> None:
    dtype = data.draw(st.sampled_from(dtypes), label="dtype")
    if name == "prod" and dtype.is_floating:  # keep float products finite
        elements = hnp.arrays(
            np.float16 if dtype is ct.bfloat16 else dtype.numpy,
            data.draw(shape),
            elements=st.floats(-1.09375, 1.09375, width=16),
        ).map(lambda x: x.astype(dtype.numpy))
        a = data.draw(elements, label="a")
        t = data.draw(layouts(a), label="t")
    else:
        t, a = data.draw(tensor_and_array(dtype, shape), label="t")
    axis = data.draw(_axes(a.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    _check_reduction(name, t, a, axis, keepdims)


@pytest.mark.parametrize("name", ["argmin", "argmax"])
@given(data=st.data())
def test_argmin_argmax_match_numpy(name: str, data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
    t, a = data.draw(tensor_and_array(dtype, nonempty_shapes, small=False), label="t")
    axis = data.draw(_axes(a.ndim, tuples=False), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    r = getattr(t, name)(axis=axis, keepdims=keepdims)
    assert r.dtype is ct.int64
    assert_tensor_equal(r, getattr(np, name)(a, axis=axis, keepdims=keepdims))


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (ct.bool_, ct.int64),
        (ct.int8, ct.int64),
        (ct.int32, ct.int64),
        (ct.uint8, ct.uint64),
        (ct.uint32, ct.uint64),
        (ct.uint64, ct.uint64),
        (ct.float16, ct.float16),
        (ct.float32, ct.float32),
    ],
    ids=str,
)
def test_sum_and_prod_accumulate_like_numpy(dtype: Any, expected: Any) -> None:
    t = ct.ones((3, 2), dtype=dtype)
    assert t.sum().dtype is expected
    assert t.prod(axis=0).dtype is expected
    assert t.max().dtype is dtype
    assert t.all().dtype is ct.bool_


def test_int_sums_do_not_overflow_the_input_dtype() -> None:
    assert ct.full((4,), 200, dtype=ct.uint8).sum().item() == 800
    assert ct.full((3,), -100, dtype=ct.int8).sum().item() == -300
    assert ct.full((3,), 100, dtype=ct.int8).prod().item() == 1_000_000


@given(tensor_and_array(shape=nonempty_shapes))
def test_reductions_without_axis_are_rank_0(case: Any) -> None:
    t, _ = case
    for name in ("sum", "prod", "min", "max", "argmin", "argmax", "all", "any"):
        if name == "prod" and t.dtype.is_floating:
            continue  # may overflow (NumPy warns); tested in test_reductions_match_numpy
        r = getattr(t, name)()
        assert r.shape == ()
        assert r.item() == values(r).item()


def test_reductions_of_empty_tensors_that_numpy_defines() -> None:
    e = ct.zeros((0, 3), dtype=ct.int16)
    assert e.sum().item() == 0
    assert e.prod().item() == 1
    assert e.all().item() is True
    assert e.any().item() is False
    assert e.sum(axis=0).tolist() == [0, 0, 0]
    assert e.max(axis=1).shape == (0,)


# ----------------------------------------------------------------------------- allclose & co


@given(data=st.data())
def test_allclose_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(FLOAT_DTYPES), label="dtype")
    sa, sb = data.draw(pair_shapes, label="shapes").input_shapes
    a = data.draw(arrays(dtype, sa, small=True), label="a")
    b = data.draw(
        st.one_of(
            st.just(np.broadcast_to(a, np.broadcast_shapes(sa, sb)).copy()),
            arrays(dtype, sb, small=True),
        ),
        label="b",
    )
    rtol = data.draw(st.sampled_from([1e-5, 1e-2, 0.5]), label="rtol")
    ta = data.draw(layouts(a), label="ta")
    tb = data.draw(layouts(b), label="tb")
    expected = bool(np.allclose(a, b, rtol=rtol))
    assert ct.allclose(ta, tb, rtol=rtol) is expected
    assert ta.allclose(tb, rtol=rtol) is expected


def test_allclose_tolerances() -> None:
    a = ct.tensor([1.0, 2.0])
    assert ct.allclose(a, ct.tensor([1.0, 2.0 + 1e-6]))
    assert not ct.allclose(a, ct.tensor([1.0, 2.1]))
    assert ct.allclose(a, ct.tensor([1.0, 2.1]), rtol=0.1)
    assert ct.allclose(a, ct.tensor([1.05, 2.0]), atol=0.1)
    assert ct.allclose(ct.tensor([[1.0, 2.0]] * 3), a)  # broadcasts
    assert ct.allclose(ct.tensor([1, 2]), ct.tensor([1, 2]))


@given(data=st.data())
def test_array_equal_matches_numpy(data: Any) -> None:
    dtype = data.draw(st.sampled_from(ALL_DTYPES), label="dtype")
    a = data.draw(arrays(dtype, shapes, small=False, finite=False), label="a")
    b = data.draw(
        st.one_of(st.just(a.copy()), arrays(dtype, shapes, small=False, finite=False)), label="b"
    )
    ta = data.draw(layouts(a), label="ta")
    tb = data.draw(layouts(b), label="tb")
    expected = bool(np.array_equal(a, b))
    assert ct.array_equal(ta, tb) is expected
    assert ta.array_equal(tb) is expected


def test_array_equal_needs_equal_shapes() -> None:
    assert ct.array_equal(ct.tensor([[1, 2]]), ct.tensor([[1, 2]]))
    assert not ct.array_equal(ct.tensor([[1, 2]]), ct.tensor([1, 2]))
    assert not ct.array_equal(ct.tensor([1, 2]), ct.tensor([1, 2, 3]))
    assert not ct.array_equal(ct.tensor([float("nan")]), ct.tensor([float("nan")]))


# ----------------------------------------------------------------------------- rank 0

RANK0_RESULTS = {
    "add": lambda: ct.tensor(2) + 1,
    "neg": lambda: -ct.tensor(2.0),
    "compare": lambda: ct.tensor(2) > 1,
    "pow": lambda: ct.tensor(2) ** 2,
}


@pytest.mark.parametrize("make", list(RANK0_RESULTS.values()), ids=list(RANK0_RESULTS))
def test_rank_0_results_read_like_numpy(make: Any) -> None:
    r = make()
    assert r.shape == ()
    assert r.tolist() == r.item()


@pytest.mark.parametrize("make", list(RANK0_RESULTS.values()), ids=list(RANK0_RESULTS))
def test_rank_0_results_export_to_numpy(make: Any) -> None:
    r = make()
    assert r.numpy().shape == ()
    assert np.asarray(r).item() == r.item()


@pytest.mark.parametrize("make", list(RANK0_RESULTS.values()), ids=list(RANK0_RESULTS))
def test_rank_0_results_can_be_indexed(make: Any) -> None:
    r = make()
    assert r[...].item() == r.item()
    assert r[None].shape == (1,)


def test_rank_0_results_can_be_written() -> None:
    r = ct.tensor(2) + 1
    r += 1
    assert r.item() == 4
    r[()] = 7
    assert r.item() == 7


def test_fill_on_a_rank_0_result_writes() -> None:
    r = ct.tensor(2.0) * 2.0
    r.fill_(5.0)
    assert r.item() == 5.0


@pytest.mark.parametrize("dtype", SIGNED_DTYPES, ids=str)
def test_rank_0_tensors_from_factories_are_writable(dtype: Any) -> None:
    t = ct.zeros((), dtype=dtype)
    t += 3
    assert t.item() == 3
    t[()] = 5
    assert t.item() == 5
    t.view_mut().fill_(6)
    assert t.item() == 6
    assert t.numpy().shape == ()
