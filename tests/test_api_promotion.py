"""Type promotion as the array API standard defines it: the same-kind table for tensors
of two dtypes (operators here; the functions use the same rule), kinds never mixing,
Python scalars taking the tensor's dtype (complex ones making a real tensor complex),
and in-place operators keeping the left operand's dtype."""

from __future__ import annotations

import itertools
import operator
from typing import Any

import numpy as np
import pytest

import corten as ct
from corten.core.dtypes import promote_types, result_type

I1, I2, I4, I8 = ct.int8, ct.int16, ct.int32, ct.int64
U1, U2, U4, U8 = ct.uint8, ct.uint16, ct.uint32, ct.uint64
F2, F4, F8, C8, C16 = ct.float16, ct.float32, ct.float64, ct.complex64, ct.complex128
BF = ct.bfloat16

#: The standard's table (type_promotion.rst), written out pair by pair; float16 and
#: bfloat16 are corten's additions to the floating kind (together they give float32).
TABLE = {
    (I1, I2): I2, (I1, I4): I4, (I1, I8): I8, (I2, I4): I4, (I2, I8): I8, (I4, I8): I8,
    (U1, U2): U2, (U1, U4): U4, (U1, U8): U8, (U2, U4): U4, (U2, U8): U8, (U4, U8): U8,
    (I1, U1): I2, (I2, U1): I2, (I4, U1): I4, (I8, U1): I8,
    (I1, U2): I4, (I2, U2): I4, (I4, U2): I4, (I8, U2): I8,
    (I1, U4): I8, (I2, U4): I8, (I4, U4): I8, (I8, U4): I8,
    (F4, F8): F8, (F4, C8): C8, (F4, C16): C16, (F8, C8): C16, (F8, C16): C16, (C8, C16): C16,
    (F2, F4): F4, (F2, F8): F8, (F2, C8): C8, (F2, C16): C16,
    (BF, F2): F4, (BF, F4): F4, (BF, F8): F8, (BF, C8): C8, (BF, C16): C16,
}  # fmt: skip
ALL = ct.all_dtypes


def expected(a: ct.DType, b: ct.DType) -> ct.DType | None:
    if a is b:
        return a
    return TABLE.get((a, b), TABLE.get((b, a)))


PAIRS = list(itertools.product(ALL, ALL))
PROMOTING = [(a, b) for a, b in PAIRS if expected(a, b) is not None and a is not b]
REFUSED = [(a, b) for a, b in PAIRS if expected(a, b) is None]


def pair_id(p: Any) -> str:
    return str(p)


def test_the_table_is_the_standards() -> None:
    for a, b in PAIRS:
        want = expected(a, b)
        if want is None:
            with pytest.raises(ct.DTypeError, match=rf"{a.name} and {b.name}.*astype"):
                promote_types(a, b)
        else:
            assert promote_types(a, b) is want, (a, b)
            # NumPy's own promotion agrees wherever corten promotes (NumPy has no rule
            # for bfloat16 with float16)
            if {a, b} != {F2, BF}:
                assert np.promote_types(a.numpy, b.numpy) == want.numpy


def test_the_refused_pairs_are_the_mixed_kinds_and_uint64_with_signed() -> None:
    for a, b in REFUSED:
        kinds = {a.kind, b.kind}
        ints = kinds <= {"i", "u"}
        floats = kinds <= {"f", "c"}
        assert not (ints or floats) or (ints and ct.uint64 in (a, b)), (a, b)


def test_result_type_is_associative_over_three() -> None:
    for a, b, c in itertools.product((I1, U1, I4, U4, I8), repeat=3):
        try:
            left = result_type(result_type(a, b), c)
        except ct.DTypeError:
            continue
        assert result_type(a, result_type(b, c)) is left


# ----------------------------------------------------------------------------- operators


def sample(dtype: ct.DType, device: Any = ct.cpu) -> Any:
    if dtype.is_bool:
        a = np.array([True, False, True])
    elif dtype.is_complex:
        a = np.array([1 + 2j, -3.5, 4j], dtype=dtype.numpy)
    else:
        a = np.array([1, 5, 3], dtype=dtype.numpy)
    return ct.tensor(a, device=device)


OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "==": operator.eq,
    "!=": operator.ne,
}


@pytest.mark.parametrize("device", [ct.cpu, ct.sim, ct.meta], ids=str)
@pytest.mark.parametrize(("left", "right"), PROMOTING, ids=pair_id)
def test_operators_promote_within_a_kind(left: Any, right: Any, device: Any) -> None:
    want = expected(left, right)
    assert want is not None
    a, b = sample(left, device), sample(right, device)
    for sym, fn in OPERATORS.items():
        if sym == "-" and want.is_bool:
            continue
        r = fn(a, b)
        assert r.device == device
        assert r.dtype is (ct.bool_ if sym in ("==", "!=") else want), sym
        if device.kind == "meta":
            continue
        with np.errstate(all="ignore"):
            oracle = fn(sample(left).numpy(), sample(right).numpy())
        assert r.to_cpu().tolist() == oracle.tolist(), sym


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
def test_more_operators_and_orderings_promote(device: Any) -> None:
    a = ct.tensor([1.5, -2.0, 8.0], dtype=ct.float32, device=device)
    b = ct.tensor([0.5, 4.0, -8.0], dtype=ct.float64, device=device)
    na, nb = a.to_cpu().numpy(), b.to_cpu().numpy()
    for fn in (operator.truediv, operator.floordiv, operator.mod, operator.pow, operator.lt):
        r = fn(a, b)
        assert r.to_cpu().tolist() == fn(na, nb).tolist()
        assert r.dtype is ct.as_dtype(fn(na, nb).dtype)
    i = ct.tensor([6, -7, 9], dtype=ct.int8, device=device)
    u = ct.tensor([4, 2, 255], dtype=ct.uint8, device=device)
    ni, nu = i.to_cpu().numpy(), u.to_cpu().numpy()
    for fn in (operator.and_, operator.or_, operator.xor, operator.floordiv, operator.ge):
        r = fn(i, u)
        assert r.to_cpu().tolist() == fn(ni, nu).tolist()
    assert (i & u).dtype is ct.int16


@pytest.mark.parametrize("device", [ct.cpu, ct.sim, ct.meta], ids=str)
@pytest.mark.parametrize(
    ("left", "right"),
    [(I4, F4), (U1, F8), (ct.bool_, I1), (F4, ct.bool_), (I8, C8), (U8, I8), (I1, U8)],
    ids=pair_id,
)
def test_mixing_kinds_raises_naming_the_astype(left: Any, right: Any, device: Any) -> None:
    a, b = sample(left, device), sample(right, device)
    match = rf"dtypes differ: {left.name} and {right.name}.*\.astype\(ct\.{left.name}\)"
    for fn in (operator.add, operator.mul, operator.sub, operator.eq, operator.lt):
        if fn is operator.sub and ct.bool_ in (left, right):
            continue
        with pytest.raises(ct.DTypeError, match=match):
            fn(a, b)


# ----------------------------------------------------------------------------- in place


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
def test_in_place_promotes_when_the_dtype_stays(device: Any) -> None:
    t = ct.tensor([1, 2, 300], dtype=ct.int64, device=device)
    c = t.clone()
    t += ct.tensor([1, 1, 1], dtype=ct.int8, device=device)
    t *= ct.tensor([2, 2, 2], dtype=ct.uint32, device=device)
    assert t.dtype is ct.int64
    assert t.to_cpu().tolist() == [4, 6, 602]
    assert c.to_cpu().tolist() == [1, 2, 300]
    z = ct.tensor([1 + 1j], dtype=ct.complex128, device=device)
    z -= ct.tensor([0.5], dtype=ct.float32, device=device)
    assert z.to_cpu().tolist() == [0.5 + 1j]
    m = ct.zeros((2, 3), dtype=ct.float64, device=device)
    mv = m.view_mut()[1]
    mv += ct.tensor([1.0, 2.0, 3.0], dtype=ct.float32, device=device)
    assert m.to_cpu().tolist() == [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
@pytest.mark.parametrize(
    ("left", "right", "gives"), [(I1, U1, I2), (F4, F8, F8), (I4, I8, I8), (F8, C8, C16)]
)
def test_in_place_refuses_to_change_the_dtype(
    left: Any, right: Any, gives: Any, device: Any
) -> None:
    t, u = sample(left, device), sample(right, device)
    before = t.to_cpu().tolist()
    buf = t._storage.buffer
    match = rf"keeps the tensor's dtype, {left.name}.*gives {gives.name}.*astype"
    for ifn in (operator.iadd, operator.imul, operator.isub):
        with pytest.raises(ct.DTypeError, match=match):
            ifn(t, u)
    assert t._storage.buffer is buf
    assert t.to_cpu().tolist() == before


# ----------------------------------------------------------------------------- scalars


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
@pytest.mark.parametrize("dtype", [I1, U2, I8, F2, F4, F8, C8, C16], ids=str)
def test_python_scalars_take_the_tensors_dtype(dtype: Any, device: Any) -> None:
    t = sample(dtype, device)
    n = t.to_cpu().numpy()
    scalars: list[Any] = [2, True]
    if dtype.kind in "fc":
        scalars.append(0.5)
    if dtype.is_complex:
        scalars.append(1 - 2j)
    for s in scalars:
        for fn in (operator.add, operator.mul, operator.sub):
            for r, o in ((fn(t, s), fn(n, s)), (fn(s, t), fn(s, n))):
                assert r.dtype is dtype, (s, fn)
                assert np.allclose(r.to_cpu().numpy(), o.astype(dtype.numpy)), (s, fn)


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
@pytest.mark.parametrize(("dtype", "gives"), [(F2, C8), (F4, C8), (F8, C16)], ids=str)
def test_a_complex_scalar_makes_a_real_tensor_complex(dtype: Any, gives: Any, device: Any) -> None:
    t = ct.tensor([1.0, -2.0], dtype=dtype, device=device)
    for r in (t * 1j, 1j * t, t + (2 - 1j), (2 - 1j) - t, t / 1j):
        assert r.dtype is gives
    assert (t * 1j).to_cpu().tolist() == [1j, -2j]
    assert (t == 1 + 0j).to_cpu().tolist() == [True, False]
    with pytest.raises(ct.DTypeError, match="would make it complex"):
        t += 1j
    assert t.dtype is dtype


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
def test_scalars_of_another_kind_raise(device: Any) -> None:
    i = ct.tensor([1, 2], dtype=ct.int32, device=device)
    with pytest.raises(ct.DTypeError, match=r"float scalar 1\.5 does not fit"):
        i + 1.5
    with pytest.raises(ct.DTypeError, match="complex scalar"):
        i * 1j
    with pytest.raises(ct.DTypeError, match="does not fit int32"):
        i + 2**40
    with pytest.raises(ct.DTypeError, match="complex scalar"):
        ct.tensor([True], device=device) + 1j


def test_complex_operations_the_kind_does_not_define_raise() -> None:
    z = ct.tensor([1 + 1j], dtype=ct.complex64)
    with pytest.raises(ct.DTypeError, match="not defined for complex"):
        z // z
    with pytest.raises(ct.DTypeError, match="not defined for complex"):
        z % 2
    with pytest.raises(ct.DTypeError, match="not defined for complex"):
        ct.tensor([1.0]) // z
    with pytest.raises(ct.DTypeError, match="bitwise"):
        ~z
