"""Every error path: the error class (and its built-in base), a message that says what is
wrong and how to fix it, and tensors left untouched: same values, same buffer (no
copy-on-write happened, even while a clone shares the buffer)."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from conftest import ALL_DTYPES, FLOAT_DTYPES, INTEGER_DTYPES, dtype_id

import corten as ct
from corten.core.dtypes import promote_types


@contextmanager
def raises_unchanged(
    exc: type[BaseException], match: str, *tensors: Any, base: type[BaseException] | None = None
) -> Iterator[pytest.ExceptionInfo[Any]]:
    """Expect ``exc`` (a CortenError) matching ``match``; ``tensors`` must not change.

    Each owner gets a live clone first, so a write that began would have to copy its
    buffer (copy-on-write): the buffer identity shows that nothing started to write.
    """
    clones = [t.clone() for t in tensors if isinstance(t, ct.Tensor)]
    before = [(t.tolist(), t._storage.buffer) for t in tensors]
    clone_before = [(c.tolist(), c._storage.buffer) for c in clones]
    with pytest.raises(exc, match=match) as info:
        yield info
    if issubclass(exc, ct.CortenError):
        assert isinstance(info.value, ct.CortenError)
    if base is not None:
        assert isinstance(info.value, base)
    for t, (values, buf) in zip(tensors, before, strict=True):
        assert t.tolist() == values
        assert t._storage.buffer is buf
    for c, (values, buf) in zip(clones, clone_before, strict=True):
        assert c.tolist() == values
        assert c._storage.buffer is buf


def sample(dtype: ct.DType, shape: tuple[int, ...] = (2, 3)) -> Any:
    """A small owner of ``dtype`` with values 1..7 (alternating for bool)."""
    n = int(np.prod(shape))
    a = (np.arange(n) % 2 == 0) if dtype.is_bool else (np.arange(n) % 7 + 1)
    return ct.tensor(a.reshape(shape).astype(dtype.numpy))


BINARY = {
    "+": (operator.add, operator.iadd),
    "-": (operator.sub, operator.isub),
    "*": (operator.mul, operator.imul),
    "/": (operator.truediv, operator.itruediv),
    "//": (operator.floordiv, operator.ifloordiv),
    "%": (operator.mod, operator.imod),
    "**": (operator.pow, operator.ipow),
    "&": (operator.and_, operator.iand),
    "|": (operator.or_, operator.ior),
    "^": (operator.xor, operator.ixor),
}
ARITH_DTYPES = {
    "+": ALL_DTYPES,
    "*": ALL_DTYPES,
    "-": INTEGER_DTYPES + FLOAT_DTYPES,
    "//": INTEGER_DTYPES + FLOAT_DTYPES,
    "%": INTEGER_DTYPES + FLOAT_DTYPES,
    "**": INTEGER_DTYPES + FLOAT_DTYPES,
    "/": FLOAT_DTYPES,
    "&": (ct.bool_, *INTEGER_DTYPES),
    "|": (ct.bool_, *INTEGER_DTYPES),
    "^": (ct.bool_, *INTEGER_DTYPES),
}
DTYPE_PAIRS = [
    (ct.uint8, ct.float32),
    (ct.int32, ct.int64),
    (ct.float16, ct.float32),
    (ct.float64, ct.float32),
    (ct.bool_, ct.uint8),
    (ct.uint64, ct.int64),
    (ct.int8, ct.uint8),
]


def _promotes(a: ct.DType, b: ct.DType) -> bool:
    try:
        promote_types(a, b)
    except ct.DTypeError:
        return False
    return True


#: The pairs that do not promote (different kinds; uint64 with a signed integer). The
#: others promote within their kind: tests/test_api_promotion.py.
UNPROMOTABLE_PAIRS = [(a, b) for a, b in DTYPE_PAIRS if not _promotes(a, b)]
MISMATCHES = [
    pytest.param(sym, left, right, id=f"{left}{sym}{right}")
    for sym in BINARY
    for left, right in UNPROMOTABLE_PAIRS
    if left in ARITH_DTYPES[sym]
]


# ----------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize(("sym", "left", "right"), MISMATCHES)
def test_binary_between_dtypes_raises_naming_both(sym: str, left: Any, right: Any) -> None:
    fn, ifn = BINARY[sym]
    a, b = sample(left), sample(right)
    match = rf"{left.name} and {right.name}.*astype"
    with raises_unchanged(ct.DTypeError, match, a, b, base=TypeError):
        fn(a, b)
    with raises_unchanged(ct.DTypeError, match, a, b, base=TypeError):
        ifn(a, b)
    m = a.view_mut()
    with raises_unchanged(ct.DTypeError, match, a, m, b, base=TypeError):
        ifn(m, b)


@pytest.mark.parametrize(("left", "right"), DTYPE_PAIRS, ids=lambda d: str(d))
def test_comparisons_and_copies_between_dtypes_raise(left: Any, right: Any) -> None:
    a, b = sample(left), sample(right)
    compare = (operator.eq, operator.lt, operator.ge) if (left, right) in UNPROMOTABLE_PAIRS else ()
    for fn in (*compare, ct.array_equal):
        with raises_unchanged(ct.DTypeError, "dtypes differ", a, b, base=TypeError):
            fn(a, b)
    with raises_unchanged(ct.DTypeError, "dtypes differ", a, b, base=TypeError):
        a.copy_(b)
    with raises_unchanged(ct.DTypeError, "dtypes differ", a, b, base=TypeError):
        a[0] = b[0]


def test_allclose_between_dtypes_raises() -> None:
    a, b = sample(ct.float32), sample(ct.float64)
    with raises_unchanged(ct.DTypeError, "float32 and float64", a, b, base=TypeError):
        ct.allclose(a, b)


def test_numpy_operand_of_another_dtype_raises() -> None:
    a = sample(ct.int32)
    with raises_unchanged(ct.DTypeError, r"int32 and NumPy float64.*astype", a, base=TypeError):
        a + np.ones((2, 3))
    with raises_unchanged(ct.DTypeError, "int32 and NumPy int64", a, base=TypeError):
        a += np.ones((2, 3), dtype=np.int64)


SCALAR_MISFITS = [
    (ct.uint8, 300, "300 does not fit uint8"),
    (ct.uint8, -1, "-1 does not fit uint8"),
    (ct.int8, 128, "128 does not fit int8"),
    (ct.uint64, 2**64, "does not fit uint64"),
    (ct.int64, 1.5, "float scalar 1.5 does not fit"),
    (ct.int32, 2.0, "float scalar 2.0 does not fit"),
    (ct.float16, 1e6, "does not fit float16"),
    (ct.float16, 70000, "70000 does not fit float16"),
    (ct.float32, 1e300, "does not fit float32"),
    (ct.bool_, 2, "bool tensor takes only True or False"),
    (ct.bool_, 1, "bool tensor takes only True or False"),
    (ct.bool_, 1.0, "float scalar 1.0 does not fit"),
]


@pytest.mark.parametrize(
    ("sym", "dtype", "value", "match"),
    [
        pytest.param(sym, *case, id=f"{case[0]}{sym}{case[1]!r}")
        for sym in ("+", "*", "-", "//", "&")
        for case in SCALAR_MISFITS
        if case[0] in ARITH_DTYPES[sym]
    ],
)
def test_scalars_that_do_not_fit_raise(sym: str, dtype: Any, value: Any, match: str) -> None:
    fn, ifn = BINARY[sym]
    t = sample(dtype)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        fn(t, value)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        fn(value, t)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        ifn(t, value)
    m = t.view_mut()[1:]
    with raises_unchanged(ct.DTypeError, match, t, m, base=TypeError):
        ifn(m, value)


@pytest.mark.parametrize(("dtype", "value", "match"), SCALAR_MISFITS, ids=repr)
def test_fill_and_full_with_a_misfit_scalar_raise(dtype: Any, value: Any, match: str) -> None:
    t = sample(dtype)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        t.fill_(value)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        t[0, 1] = value
    with pytest.raises(ct.DTypeError, match=match):
        ct.full((2,), value, dtype=dtype)
    with pytest.raises(ct.DTypeError, match=match):
        ct.full_like(t, value)


@pytest.mark.parametrize(
    ("data", "dtype", "match"),
    [
        ([1.5, 2.0], ct.int32, "float values do not fit"),
        ([300], ct.uint8, "do not fit uint8"),
        ([-1], ct.uint16, "do not fit uint16"),
        ([1, 0], ct.bool_, "bool tensor takes only bools"),
        ([1e6], ct.float16, "do not fit float16"),
        (np.array([0.5]), ct.int64, "float values do not fit"),
        (["a"], None, "cannot make"),
        ([None, 1], None, "ragged or non-numeric"),
    ],
    ids=repr,
)
def test_tensor_from_data_that_does_not_fit_raises(data: Any, dtype: Any, match: str) -> None:
    exc = ct.ShapeError if None in data else ct.DTypeError
    with pytest.raises(exc, match=match):
        ct.tensor(data, dtype=dtype)


@pytest.mark.parametrize("dtype", [ct.bool_, *INTEGER_DTYPES], ids=dtype_id)
def test_true_division_of_integers_raises(dtype: Any) -> None:
    t, u = sample(dtype), sample(dtype)
    match = r"true division needs a floating dtype.*//.*astype"
    with raises_unchanged(ct.DTypeError, match, t, u, base=TypeError):
        t / u
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        t / 2 if not dtype.is_bool else t / True
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        1 / t if not dtype.is_bool else True / t
    with raises_unchanged(ct.DTypeError, match, t, u, base=TypeError):
        t /= u


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("sym", ["&", "|", "^"])
def test_bitwise_on_floats_raises(sym: str, dtype: Any) -> None:
    fn, ifn = BINARY[sym]
    t, u = sample(dtype), sample(dtype)
    match = f"bitwise operations need an integer or bool dtype, got {dtype.name}"
    with raises_unchanged(ct.DTypeError, match, t, u, base=TypeError):
        fn(t, u)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        fn(t, 1)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        fn(1, t)
    with raises_unchanged(ct.DTypeError, match, t, u, base=TypeError):
        ifn(t, u)
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        ~t


@pytest.mark.parametrize("sym", ["-", "//", "%", "**"])
def test_arithmetic_that_bool_does_not_define_raises(sym: str) -> None:
    fn, ifn = BINARY[sym]
    t, u = sample(ct.bool_), sample(ct.bool_)
    match = r"not defined for bool tensors.*astype\(ct\.uint8\)"
    with raises_unchanged(ct.DTypeError, match, t, u, base=TypeError):
        fn(t, u)
    with raises_unchanged(ct.DTypeError, match, t, u, base=TypeError):
        ifn(t, u)
    with raises_unchanged(ct.DTypeError, "not defined for bool", t, base=TypeError):
        -t


@pytest.mark.parametrize("dtype", [ct.int8, ct.int32, ct.int64], ids=dtype_id)
def test_negative_integer_powers_raise(dtype: Any) -> None:
    t = sample(dtype)
    neg = ct.tensor([[1, -2, 3]]).astype(dtype)
    match = r"negative integer powers.*astype\(ct\.float64\)"
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        t**-1
    with raises_unchanged(ct.DTypeError, match, t, neg, base=TypeError):
        t**neg
    with raises_unchanged(ct.DTypeError, match, neg, base=TypeError):
        2**neg
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        t **= -2
    with raises_unchanged(ct.DTypeError, match, t, neg, base=TypeError):
        t **= neg
    assert (sample(ct.float32) ** -1).dtype is ct.float32  # floats are fine


# ----------------------------------------------------------------------------- shapes


def test_non_broadcastable_shapes_raise_naming_both() -> None:
    a, b = sample(ct.float32, (2, 3)), sample(ct.float32, (4,))
    for fn in (operator.add, operator.mul, operator.sub, operator.truediv, operator.lt):
        with raises_unchanged(ct.ShapeError, r"\(2, 3\) and \(4,\)", a, b, base=ValueError):
            fn(a, b)
    with raises_unchanged(ct.ShapeError, "cannot be broadcast", a, b, base=ValueError):
        ct.allclose(a, b)
    with raises_unchanged(ct.ShapeError, "cannot be broadcast", a, base=ValueError):
        a + np.ones((4,), dtype=np.float32)


@pytest.mark.parametrize("sym", list(BINARY))
def test_inplace_broadcast_that_would_change_the_shape_raises(sym: str) -> None:
    dtype = ARITH_DTYPES[sym][-1]
    _, ifn = BINARY[sym]
    t, big = sample(dtype, (3,)), sample(dtype, (2, 3))
    match = r"shape \(2, 3\) cannot be broadcast into shape \(3,\)"
    with raises_unchanged(ct.ShapeError, match, t, big, base=ValueError):
        ifn(t, big)
    owner = sample(dtype, (2, 3))
    m = owner.view_mut()[0]
    with raises_unchanged(ct.ShapeError, match, owner, m, big, base=ValueError):
        ifn(m, big)
    with raises_unchanged(ct.ShapeError, r"\(4,\) cannot be broadcast into shape \(3,\)", t):
        ifn(t, sample(dtype, (4,)))


def test_copy_of_a_wrong_shape_raises() -> None:
    t, src = sample(ct.int16, (2, 3)), sample(ct.int16, (3, 2))
    with raises_unchanged(ct.ShapeError, "cannot be broadcast into", t, src, base=ValueError):
        t.copy_(src)


# ----------------------------------------------------------------------------- indexing


@pytest.mark.parametrize(
    ("idx", "match"),
    [
        (5, r"\b5 is out of bounds"),
        (-4, r"-4 is out of bounds"),
        ((0, 9), r"\b9 is out of bounds"),
        ((0, 0, 0), "too many indices"),
        ([0, 7], r"\b7 is out of bounds"),
        (1.5, r"1\.5.*only integers"),
        ("a", r"'a'.*only integers"),
    ],
    ids=repr,
)
def test_out_of_range_indices_raise(idx: Any, match: str) -> None:
    t = sample(ct.float32, (3, 4))
    with raises_unchanged(ct.TensorIndexError, match, t, base=IndexError):
        t[idx]
    with raises_unchanged(ct.TensorIndexError, match, t, base=IndexError):
        t[idx] = 1.0
    m = t.view_mut()
    with raises_unchanged(ct.TensorIndexError, match, t, m, base=IndexError):
        m[idx] = 1.0
    v = t.view()
    with raises_unchanged(ct.TensorIndexError, match, t, v, base=IndexError):
        v[idx]


def _raised(fn: Callable[[], object]) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - the class is checked by the caller
        fn()
    return info.value


def test_mask_of_the_wrong_length_raises() -> None:
    t = sample(ct.int32, (3, 4))
    mask = ct.tensor([True, False])
    with raises_unchanged(ct.TensorIndexError, "boolean index did not match", t, base=IndexError):
        t[mask]
    with raises_unchanged(ct.TensorIndexError, "boolean index did not match", t, base=IndexError):
        t[mask] = 0


@pytest.mark.parametrize(
    "value",
    [
        lambda: ct.tensor([1.0, 2.0, 3.0]),
        lambda: np.ones((3,), dtype=np.float32),
        lambda: [1.0, 2.0, 3.0],
        lambda: ct.ones((2, 4)),
        lambda: ct.ones((5,)),
    ],
    ids=["tensor3", "numpy3", "list3", "tensor2x4", "tensor5"],
)
def test_setitem_with_a_value_of_the_wrong_shape_raises(value: Any) -> None:
    t = sample(ct.float32, (3, 4))
    v = value()
    with raises_unchanged(ct.ShapeError, "cannot be broadcast into shape", t, base=ValueError):
        t[0] = v
    m = t.view_mut()
    with raises_unchanged(ct.ShapeError, r"cannot be broadcast into shape \(4,\)", t, m):
        m[-1] = v


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (lambda: ct.tensor([1.0, 2.0, 3.0, 4.0]), "dtypes differ: int64 and float32"),
        (lambda: 1.5, "float scalar 1.5 does not fit"),
        (lambda: 2**63, "does not fit int64"),
        (lambda: np.array([0.5, 1, 2, 3]), "float values do not fit"),
        (lambda: [0.5, 1.0, 2.0, 3.0], "float values do not fit"),
        (lambda: "a", "expected a tensor or a Python scalar|cannot"),
    ],
    ids=["tensor", "float", "big_int", "numpy", "list", "str"],
)
def test_setitem_with_a_value_of_the_wrong_dtype_raises(value: Any, match: str) -> None:
    t = sample(ct.int64, (3, 4))
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        t[0] = value()
    m = t.view_mut()[1:]
    with raises_unchanged(ct.DTypeError, match, t, m, base=TypeError):
        m[0] = value()


# ----------------------------------------------------------------------------- read-only


def _frozen_views(t: Any) -> dict[str, Any]:
    return {"view": t.view(), "index": t[0], "slice": t[::-1], "view_of_view": t.view()[1:]}


def _inplace_one(ifn: Callable[[Any, Any], Any], v: Any) -> None:
    ifn(v, 1)


READ_ONLY_WRITES = {
    "fill_": lambda v: v.fill_(1),
    "setitem": lambda v: v.__setitem__(0, 1),
    "setitem_all": lambda v: v.__setitem__(..., 1),
    "copy_": lambda v: v.copy_(v),
    **{f"i{sym}": functools.partial(_inplace_one, ifn) for sym, (_, ifn) in BINARY.items()},
}


@pytest.mark.parametrize("write", list(READ_ONLY_WRITES.values()), ids=list(READ_ONLY_WRITES))
@pytest.mark.parametrize("kind", ["view", "index", "slice", "view_of_view"])
def test_writes_on_frozen_views_raise_read_only(kind: str, write: Any) -> None:
    t = sample(ct.int32, (2, 3))
    v = _frozen_views(t)[kind]
    match = r"frozen.*view_mut\(\)"
    with raises_unchanged(ct.ReadOnlyError, match, t, v):
        write(v)
    assert isinstance(v, ct.TensorView)
    assert not isinstance(v, ct.Tensor | ct.TensorViewMut)


def test_augmented_assignment_on_a_frozen_view_raises_and_keeps_the_name() -> None:
    t = sample(ct.float64, (2, 3))
    v = t.view()
    with raises_unchanged(ct.ReadOnlyError, "frozen", t, v):
        v += 1
    assert isinstance(v, ct.TensorView)
    assert v.tolist() == t.tolist()


def test_read_only_error_is_a_corten_value_error() -> None:
    err = _raised(lambda: sample(ct.int8).view().fill_(0))
    assert isinstance(err, ct.ReadOnlyError)
    assert isinstance(err, ct.CortenError)
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("kind", ["view", "index", "slice", "view_of_view"])
def test_writable_numpy_of_a_frozen_view_raises(kind: str) -> None:
    t = sample(ct.uint16)
    v = _frozen_views(t)[kind]
    with raises_unchanged(ct.ReadOnlyError, r"cannot export a writable array.*clone\(\)", t, v):
        v.numpy(writable=True)
    assert not v.numpy().flags.writeable


# ----------------------------------------------------------------------------- scalars


@pytest.mark.parametrize("shape", [(2,), (2, 3), (0,), (1, 0)], ids=str)
def test_item_of_not_exactly_one_element_raises(shape: tuple[int, ...]) -> None:
    t = ct.zeros(shape, dtype=ct.int8)
    with raises_unchanged(ct.ShapeError, f"exactly one element.*{re.escape(str(shape))}", t):
        t.item()


def test_truth_value_of_many_elements_raises() -> None:
    t = sample(ct.int16)
    with raises_unchanged(ct.ShapeError, r"ambiguous.*any\(\) or \.all\(\)", t, base=ValueError):
        bool(t)
    with raises_unchanged(ct.ShapeError, "ambiguous", t):
        bool(t == t)


# ----------------------------------------------------------------------------- reductions


REDUCTIONS = ["sum", "prod", "mean", "min", "max", "all", "any", "argmin", "argmax"]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", [2, -3, 10], ids=str)
def test_bad_axis_in_reductions_raises_axis_error(name: str, axis: Any) -> None:
    t = sample(ct.float32, (2, 3))
    with raises_unchanged(ct.AxisError, rf"axis {axis} is out of range.*-2 <= axis < 2", t) as info:
        getattr(t, name)(axis=axis)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, IndexError)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "min", "max", "all", "any"])
@pytest.mark.parametrize("axis", [(0, 0), (1, -1), (0, 5)], ids=str)
def test_bad_axis_tuples_in_reductions_raise_axis_error(name: str, axis: Any) -> None:
    t = sample(ct.float32, (2, 3))
    with raises_unchanged(ct.AxisError, "repeated axis|out of range", t, base=IndexError):
        getattr(t, name)(axis=axis)


@pytest.mark.parametrize("name", ["argmin", "argmax"])
def test_argmin_argmax_take_one_axis(name: str) -> None:
    t = sample(ct.int32, (2, 3))
    with raises_unchanged(ct.DTypeError, "takes one int axis or None", t, base=TypeError):
        getattr(t, name)(axis=(0, 1))


@pytest.mark.parametrize("dtype", [ct.bool_, *INTEGER_DTYPES], ids=dtype_id)
def test_mean_of_a_non_float_tensor_raises(dtype: Any) -> None:
    t = sample(dtype)
    match = rf"mean\(\) needs a floating dtype, the tensor is {dtype.name}.*astype"
    with raises_unchanged(ct.DTypeError, match, t, base=TypeError):
        t.mean()
    with raises_unchanged(ct.DTypeError, match, t):
        t.mean(axis=0)


@pytest.mark.parametrize("name", ["min", "max", "argmin", "argmax"])
@pytest.mark.parametrize(("shape", "axis"), [((0,), None), ((0, 3), 0), ((3, 0), -1), ((0,), 0)])
def test_min_max_of_empty_raise(name: str, shape: Any, axis: Any) -> None:
    t = ct.zeros(shape, dtype=ct.float32)
    with raises_unchanged(ct.ShapeError, rf"{name}\(\) of an empty tensor", t, base=ValueError):
        getattr(t, name)(axis=axis)


# ----------------------------------------------------------------------------- construction


@pytest.mark.parametrize(
    "make",
    [
        lambda: ct.zeros(3, device="gpu"),
        lambda: ct.tensor([1], device="cuda:x"),
        lambda: ct.ones(2, device="cpu:1"),
        lambda: ct.arange(3, device="tpu:0"),
        lambda: ct.tensor([1.0]).to("npu"),
    ],
    ids=["gpu", "cuda:x", "cpu:1", "tpu", "to_npu"],
)
def test_unknown_device_strings_raise_value_error(make: Any) -> None:
    with pytest.raises(ValueError, match=r"is not a device|has only ordinal 0"):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: ct.zeros((-1,)),
        lambda: ct.ones(-2),
        lambda: ct.empty((2, -1)),
        lambda: ct.full((-1, 2), 1),
        lambda: ct.eye(-1),
        lambda: ct.eye(2, -3),
        lambda: ct.from_shape_vec((-1,), [1]),
        lambda: ct.from_shape_fn((2, -2), lambda i: 0),
        lambda: ct.zeros((2,)).reshape_copy((-2, -1)),
    ],
    ids=[
        "zeros",
        "ones",
        "empty",
        "full",
        "eye",
        "eye_m",
        "from_shape_vec",
        "from_shape_fn",
        "reshape_copy",
    ],
)
def test_negative_shapes_raise_shape_error(make: Any) -> None:
    with pytest.raises(ct.ShapeError, match=">= 0") as info:
        make()
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("make", "exc", "match"),
    [
        (lambda: ct.zeros(2.5), ct.ShapeError, "sequence of ints"),
        (lambda: ct.zeros((2, "3")), ct.ShapeError, "sequence of ints"),
        (lambda: ct.arange(0, 5, 0), ct.ShapeError, "step must not be zero"),
        (lambda: ct.zeros(3, dtype="datetime64[s]"), ct.DTypeError, "not supported"),
        (lambda: ct.full((2,), "x"), ct.DTypeError, "bool, int, float or complex"),
        (lambda: ct.from_shape_vec((2, 2), [1, 2, 3]), ct.ShapeError, "4 elements"),
        (lambda: ct.tensor([1, 2]).reshape_copy((3,)), ct.ShapeError, "cannot reshape"),
        (lambda: len(ct.tensor(1.0)), TypeError, "rank-0"),
        (lambda: ct.from_numpy([1, 2]), ct.DTypeError, "numpy.ndarray"),
    ],
    ids=[
        "float_shape",
        "str_dim",
        "zero_step",
        "complex",
        "str_fill",
        "shape_vec",
        "reshape",
        "len0",
        "from_list",
    ],
)
def test_bad_factory_arguments_raise(make: Any, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        make()


@pytest.mark.parametrize("cls", [ct.Tensor, ct.TensorView, ct.TensorViewMut], ids=str)
def test_direct_construction_raises_type_error(cls: type) -> None:
    with pytest.raises(TypeError, match=r"cannot be constructed directly; use ct\.tensor"):
        cls()


def test_errors_inherit_their_built_in_bases() -> None:
    assert issubclass(ct.DTypeError, TypeError)
    assert issubclass(ct.ShapeError, ValueError)
    assert issubclass(ct.AxisError, ValueError)
    assert issubclass(ct.AxisError, IndexError)
    assert issubclass(ct.AxisError, ct.ShapeError)
    assert issubclass(ct.TensorIndexError, IndexError)
    assert issubclass(ct.DeviceMismatchError, ValueError)
    assert issubclass(ct.DeviceUnavailableError, RuntimeError)
    assert issubclass(ct.OutOfMemoryError, MemoryError)
    assert issubclass(ct.SerializationError, ValueError)
    for cls in (
        ct.DTypeError,
        ct.ShapeError,
        ct.AxisError,
        ct.TensorIndexError,
        ct.ReadOnlyError,
        ct.DeviceMismatchError,
        ct.DeviceUnavailableError,
        ct.OutOfMemoryError,
        ct.SerializationError,
    ):
        assert issubclass(cls, ct.CortenError)


# ------------------------------------------------- errors that were not corten's (issue 14)


@pytest.mark.parametrize(
    "src",
    [np.zeros(4, dtype=np.float32), [1.0, 2.0, 3.0, 4.0], 1.0, None],
    ids=["ndarray", "list", "scalar", "None"],
)
@pytest.mark.parametrize("device", ["cpu", "sim"])
def test_copy_from_something_that_is_not_a_tensor_raises_dtype_error(src: Any, device: str) -> None:
    t = ct.arange(4, dtype=ct.float32, device=device)
    m = t.view_mut()
    for dst in (t, m):
        with pytest.raises(ct.DTypeError, match=r"copy_ takes a corten tensor") as info:
            dst.copy_(src)
        assert t.to_cpu().tolist() == [0.0, 1.0, 2.0, 3.0]
        assert isinstance(info.value, TypeError)
        # the message says how to convert
        assert "ct.tensor(" in str(info.value)
        assert type(src).__name__ in str(info.value)


@pytest.mark.parametrize(
    "idx",
    [slice(None, None, 0), (0, slice(None, None, 0)), (Ellipsis, slice(1, 2, 0))],
    ids=["::0", "0,::0", "...,1:2:0"],
)
@pytest.mark.parametrize("device", ["cpu", "sim"])
def test_a_zero_slice_step_raises_tensor_index_error(idx: Any, device: str) -> None:
    t = ct.arange(6, dtype=ct.int64, device=device).reshape_copy((2, 3))
    with pytest.raises(ct.TensorIndexError, match="step"):
        t[idx] = 1
    with pytest.raises(ct.TensorIndexError, match="step"):
        t.view_mut()[idx] = 1
    assert t.to_cpu().tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ct.TensorIndexError, match="step"):
        t[idx]
    with pytest.raises(ct.TensorIndexError, match="step"):
        t.view()[idx]


@pytest.mark.parametrize(
    "make",
    [
        lambda: ct.tensor([1.0]).to("tpu"),
        lambda: ct.tensor([1.0]).to("tpu:0"),
        lambda: ct.zeros(3, device="tpu"),
        lambda: ct.as_device("tpu"),
        lambda: ct.as_device("cuda:x"),
        lambda: ct.as_device(3),
    ],
    ids=["to_tpu", "to_tpu0", "zeros_tpu", "as_device_tpu", "cuda_x", "int"],
)
def test_unknown_devices_raise_a_corten_error_naming_the_known_ones(make: Any) -> None:
    with pytest.raises(ct.DeviceUnavailableError, match="is not a device") as info:
        make()
    # still a ValueError, as before, for code that catches that
    assert isinstance(info.value, ValueError)
    for known in ("cpu", "cuda", "sim", "meta"):
        assert known in str(info.value)


@pytest.mark.parametrize("ndim", [33, 40, 64])
@pytest.mark.parametrize("device", ["cpu", "sim"])
def test_writes_to_tensors_of_more_than_32_dimensions(ndim: int, device: str) -> None:
    # NumPy's np.broadcast (behind np.broadcast_shapes) stops at 32 dimensions; ufuncs,
    # assignment and copies go up to 64, and so does corten.
    shape = (2,) + (1,) * (ndim - 2) + (3,)
    t = ct.zeros(shape, dtype=ct.int64, device=device)
    t += 1
    t *= ct.full(shape, 3, dtype=ct.int64, device=device)
    t[...] = t + 1
    t[0] = 7
    m = t.view_mut()
    m -= 1
    want = np.full(shape, 3, dtype=np.int64)
    want[0] = 6
    assert t.to_cpu().numpy().tolist() == want.tolist()
    c = ct.zeros(shape, dtype=ct.int64, device=device)
    c.copy_(t)
    assert c.to_cpu().numpy().tolist() == want.tolist()
    with pytest.raises(ct.ShapeError, match="cannot be broadcast"):
        t += ct.zeros((2,) + (1,) * (ndim - 2) + (4,), dtype=ct.int64, device=device)
    assert t.to_cpu().numpy().tolist() == want.tolist()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: ct.empty((0, 2**70)), "2\\*\\*63|int64"),
        (lambda: ct.zeros((2**63,)), "2\\*\\*63|int64"),
        (lambda: ct.zeros((0, 2**70), device="meta"), "2\\*\\*63|int64"),
        (lambda: ct.ones((2**62, 4), device="meta"), "elements"),
        (lambda: ct.eye(2**40, device="meta"), "elements"),
        (lambda: ct.empty((1,) * 65), "64 dimensions"),
        (lambda: ct.zeros((1,) * 65), "64 dimensions"),
        (lambda: ct.full((1,) * 65, 1.0), "64 dimensions"),
        (lambda: ct.zeros((1,) * 65, device="sim"), "64 dimensions"),
        (lambda: ct.zeros((1,) * 65, device="meta"), "64 dimensions"),
        (lambda: ct.from_shape_vec((1,) * 65, [1]), "64 dimensions"),
        (lambda: ct.zeros(1).reshape_copy((1,) * 65), "64 dimensions"),
        (lambda: ct.zeros(1).reshape((1,) * 65), "64 dimensions"),
        (lambda: ct.zeros(1).as_strided((1,) * 65, (0,) * 65), "64 dimensions"),
        (lambda: ct.arange(2**70), "2\\*\\*63"),
        (lambda: ct.arange(0.0, 1e20, 0.5), "2\\*\\*63"),
        (lambda: ct.arange(0.0, float("inf")), "finite"),
    ],
    ids=[
        "empty_2**70",
        "zeros_2**63",
        "meta_2**70",
        "meta_2**64_elements",
        "meta_eye_2**80_elements",
        "empty_65d",
        "zeros_65d",
        "full_65d",
        "sim_65d",
        "meta_65d",
        "from_shape_vec_65d",
        "reshape_copy_65d",
        "reshape_65d",
        "as_strided_65d",
        "arange_2**70",
        "arange_float_2e20",
        "arange_inf",
    ],
)
def test_shapes_numpy_cannot_hold_raise_shape_error_at_the_call(make: Any, match: str) -> None:
    with pytest.raises(ct.ShapeError, match=match) as info:
        make()
    assert isinstance(info.value, ValueError)


def test_an_index_that_gives_more_than_64_dimensions_raises() -> None:
    t = ct.zeros((1,) * 60)
    with pytest.raises(ct.TensorIndexError, match="64 dimensions"):
        t[(None,) * 5]
    assert t[(None,) * 4].ndim == 64


@pytest.mark.parametrize(
    ("make", "numbers"),
    [
        (lambda: ct.arange(2**62), ("4611686018427387904", "36893488147419103232")),
        (lambda: ct.arange(0, 2**62, 1, dtype=ct.float32), ("4611686018427387904",)),
        (lambda: ct.eye(2**31), ("4611686018427387904", "18446744073709551616")),
        (lambda: ct.eye(2**31, dtype=ct.uint8, device="sim"), ("4611686018427387904",)),
        (lambda: ct.empty((2**62,), dtype=ct.int64), ("36893488147419103232",)),
        (lambda: ct.ones((2**62, 4)), ("73786976294838206464",)),
        (lambda: ct.eye(2**40), ("1208925819614629174706176", "4835703278458516698824704")),
    ],
    ids=["arange_int64", "arange_float32", "eye", "eye_sim", "empty", "ones_2**64", "eye_2**80"],
)
def test_sizes_beyond_the_address_space_raise_out_of_memory_with_the_sizes(
    make: Any, numbers: tuple[str, ...]
) -> None:
    with pytest.raises(ct.OutOfMemoryError) as info:
        make()
    assert isinstance(info.value, MemoryError)
    for n in numbers:
        assert n in str(info.value).replace(",", "")


@pytest.mark.parametrize("ndim", [0, 1, 64])
def test_the_largest_legal_shapes_still_work(ndim: int) -> None:
    shape = (1,) * ndim
    for t in (ct.zeros(shape), ct.empty(shape, device="meta"), ct.full(shape, 2.0)):
        assert t.shape == shape
    assert ct.zeros((0, 2**62)).shape == (0, 2**62)
    assert ct.zeros((2**62, 0), device="meta").numel == 0
