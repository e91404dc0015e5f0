"""The array API's elementwise functions: every special case of the standard
(tests/array_api/special_cases.py) on cpu and sim, in both precisions, through the
functions and the operators that must agree with them; NumPy as the oracle elsewhere;
promotion, Python scalars, broadcasting, dtype refusals, meta and cuda."""

from __future__ import annotations

import operator
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from array_api.special_cases import OPERATORS, SPEC_ERRATA, SPECIAL_CASES, Case, matches
from hypothesis import given, settings
from hypothesis import strategies as st

import corten as ct

# ----------------------------------------------------------------------------- special cases

RTOL = {"float32": 1e-6, "float64": 1e-12, "complex64": 1e-6, "complex128": 1e-12}


def _call(name: str, args: tuple[Any, ...], dtype: str, device: Any, fn: Callable[..., Any]) -> Any:
    tensors = [ct.asarray(np.asarray(a, dtype=dtype), device=device) for a in args]
    if name == "clip":
        x, lo, hi = tensors
        return fn(x, lo, hi)
    return fn(*tensors)


def _quiet(fn: Callable[..., Any], *args: Any) -> Any:
    # The operators (and the functions that are operators) on the cpu keep NumPy's
    # floating-point warnings (docs/design.md).
    with np.errstate(all="ignore"):
        return fn(*args)


def _expected(name: str, case: Case) -> Case:
    erratum = SPEC_ERRATA.get((name, case.args))
    return case if erratum is None else case._replace(expected=erratum)


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
@pytest.mark.parametrize("precision", ["single", "double"])
@pytest.mark.parametrize("name", sorted(SPECIAL_CASES))
def test_special_cases(name: str, precision: str, device: Any) -> None:
    fn = getattr(ct, name)
    method = OPERATORS.get(name)
    failures = []
    for case in SPECIAL_CASES[name]:
        is_complex = any(isinstance(a, complex) for a in case.args)
        dtype = {
            ("single", False): "float32",
            ("single", True): "complex64",
            ("double", False): "float64",
            ("double", True): "complex128",
        }[precision, is_complex]
        want = _expected(name, case)
        calls = [lambda *t: _quiet(fn, *t)]
        if method is not None:
            calls.append(lambda *t, m=method: _quiet(getattr(t[0], m), *t[1:]))
        for call in calls:
            got = _call(name, case.args, dtype, device, call)
            assert got.device == device
            value = got.to_cpu().item()
            if not matches(value, want, rtol=RTOL[dtype]):
                failures.append(f"{name}{case.args} {dtype}: got {value!r}, want {want}")
    assert not failures, "\n".join(failures)


def test_every_special_case_function_exists() -> None:
    assert len(SPECIAL_CASES) == 48
    assert sum(len(v) for v in SPECIAL_CASES.values()) == 1053
    for name in SPECIAL_CASES:
        assert callable(getattr(ct, name))


# ----------------------------------------------------------------------------- NumPy oracle

F = ("float16", "float32", "float64")
C = ("complex64", "complex128")
N = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
B = ("bool",)

#: function -> (NumPy's function, the dtypes it takes)
UNARY: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "abs": (np.abs, N + F + C),
    "acos": (np.arccos, F + C),
    "acosh": (np.arccosh, F + C),
    "asin": (np.arcsin, F + C),
    "asinh": (np.arcsinh, F + C),
    "atan": (np.arctan, F + C),
    "atanh": (np.arctanh, F + C),
    "bitwise_invert": (np.invert, N + B),
    "ceil": (np.ceil, F),
    "conj": (np.conj, N + F + C),
    "cos": (np.cos, F + C),
    "cosh": (np.cosh, F + C),
    "exp": (np.exp, F + C),
    "expm1": (np.expm1, F + C),
    "floor": (np.floor, F),
    "imag": (np.imag, C),
    "isfinite": (np.isfinite, N + F + C),
    "isinf": (np.isinf, N + F + C),
    "isnan": (np.isnan, N + F + C),
    "log": (np.log, F + C),
    "log1p": (np.log1p, F + C),
    "log2": (np.log2, F + C),
    "log10": (np.log10, F + C),
    "logical_not": (np.logical_not, B + N + F),
    "negative": (np.negative, N + F + C),
    "positive": (np.positive, N + F + C),
    "real": (np.real, N + F + C),
    "reciprocal": (np.reciprocal, F + C),
    "round": (np.round, F + C),
    "sign": (np.sign, N + F + C),
    "signbit": (np.signbit, F),
    "sin": (np.sin, F + C),
    "sinh": (np.sinh, F + C),
    "square": (np.square, N + F + C),
    "sqrt": (np.sqrt, F + C),
    "tan": (np.tan, F + C),
    "tanh": (np.tanh, F + C),
    "trunc": (np.trunc, F),
}
BINARY: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "add": (np.add, N + F + C),
    "atan2": (np.arctan2, F),
    "bitwise_and": (np.bitwise_and, N + B),
    "bitwise_left_shift": (np.left_shift, N),
    "bitwise_or": (np.bitwise_or, N + B),
    "bitwise_right_shift": (np.right_shift, N),
    "bitwise_xor": (np.bitwise_xor, N + B),
    "copysign": (np.copysign, F),
    "divide": (np.divide, F + C),
    "equal": (np.equal, B + N + F + C),
    "floor_divide": (np.floor_divide, N + F),
    "greater": (np.greater, N + F),
    "greater_equal": (np.greater_equal, N + F),
    "hypot": (np.hypot, F),
    "less": (np.less, N + F),
    "less_equal": (np.less_equal, N + F),
    "logaddexp": (np.logaddexp, F),
    "logical_and": (np.logical_and, B),
    "logical_or": (np.logical_or, B),
    "logical_xor": (np.logical_xor, B),
    "maximum": (np.maximum, N + F),
    "minimum": (np.minimum, N + F),
    "multiply": (np.multiply, N + F + C),
    "nextafter": (np.nextafter, ("float32", "float64")),
    "not_equal": (np.not_equal, B + N + F + C),
    "pow": (np.power, F + C),
    "remainder": (np.remainder, N + F),
    "subtract": (np.subtract, N + F + C),
}


def test_the_oracle_tables_cover_every_function() -> None:
    assert len(UNARY) == 38
    assert len(BINARY) == 28


def elements(dtype: np.dtype[Any]) -> Any:
    if dtype.kind == "b":
        return st.booleans()
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max))
    if dtype.kind == "f":
        return st.floats(width=dtype.itemsize * 8)
    part = st.floats(width=dtype.itemsize * 4)
    return st.builds(complex, part, part)


def arrays(dtype: str, shape: Any = None) -> Any:
    d = np.dtype(dtype)
    shape = shape if shape is not None else hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)
    return hnp.arrays(d, shape, elements=elements(d))


def assert_same(got: Any, want: Any) -> None:
    w = np.asarray(want)
    g = got.to_cpu().numpy()
    assert g.dtype == w.dtype, (g.dtype, w.dtype)
    assert g.shape == w.shape
    np.testing.assert_array_equal(g, w)


def _finite_complex(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    # NumPy's complex expm1 of non-finite values is the one known deviation (the
    # special-case test covers those values).
    return np.where(np.isfinite(a), a, 0) if a.dtype.kind == "c" else a


@settings(max_examples=25)
@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_functions_match_numpy(name: str, data: Any) -> None:
    ref, dtypes = UNARY[name]
    dtype = data.draw(st.sampled_from(dtypes), label="dtype")
    device = data.draw(st.sampled_from([ct.cpu, ct.sim]), label="device")
    a = data.draw(arrays(dtype))
    if name == "expm1":
        a = _finite_complex(a)
    with np.errstate(all="ignore"):
        want = np.asarray(ref(a))
    got = getattr(ct, name)(ct.asarray(a, device=device))
    assert isinstance(got, ct.Tensor)
    assert got.device == device
    assert_same(got, want)


@settings(max_examples=25)
@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_functions_match_numpy(name: str, data: Any) -> None:
    ref, dtypes = BINARY[name]
    dtype = data.draw(st.sampled_from(dtypes), label="dtype")
    device = data.draw(st.sampled_from([ct.cpu, ct.sim]), label="device")
    shape = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    a = data.draw(arrays(dtype, shape.input_shapes[0]))
    b = data.draw(arrays(dtype, shape.input_shapes[1]))
    if name.startswith("bitwise_") and name.endswith("shift"):
        b = np.asarray(np.abs(b.astype(np.int64)) % (np.dtype(dtype).itemsize * 8), dtype=dtype)
    if name in ("floor_divide", "remainder") and np.dtype(dtype).kind in "iu":
        b = np.where(b == 0, 1, b).astype(dtype)
    if name == "pow" and np.dtype(dtype).kind in "iu":
        b = np.abs(b) % 4
    with np.errstate(all="ignore"):
        want = np.asarray(ref(a, b))
    x, y = ct.asarray(a, device=device), ct.asarray(b, device=device)
    with np.errstate(all="ignore"):  # the operator functions warn as NumPy's operators do
        got = getattr(ct, name)(x, y)
    assert got.device == device
    assert_same(got, want)


# ----------------------------------------------------------------------------- scalars, promotion


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
def test_python_scalars_on_either_side(device: Any) -> None:
    x = ct.tensor([1.0, 4.0], dtype=ct.float64, device=device)
    assert ct.subtract(10, x).to_cpu().tolist() == [9.0, 6.0]
    assert ct.subtract(x, 10).to_cpu().tolist() == [-9.0, -6.0]
    assert ct.atan2(0.0, x).to_cpu().tolist() == [0.0, 0.0]
    assert ct.hypot(x, 3).to_cpu().tolist() == [np.hypot(1.0, 3.0), 5.0]
    assert ct.maximum(2, x).to_cpu().tolist() == [2.0, 4.0]
    assert ct.less(2.5, x).to_cpu().tolist() == [False, True]
    assert ct.pow(2, x).to_cpu().tolist() == [2.0, 16.0]
    assert ct.multiply(x, 1j).dtype is ct.complex128
    assert ct.copysign(x, np.float64(-1.0)).to_cpu().tolist() == [-1.0, -4.0]
    i = ct.tensor([1, 2], dtype=ct.int8, device=device)
    assert ct.bitwise_left_shift(1, i).to_cpu().tolist() == [2, 4]
    assert ct.maximum(i, 2).dtype is ct.int8
    with pytest.raises(ct.DTypeError, match="float scalar"):
        ct.add(i, 2.5)
    with pytest.raises(ct.DTypeError, match="does not combine"):
        ct.maximum(i, 2.5)
    with pytest.raises(ct.DTypeError, match="two scalars"):
        ct.add(1, 2)
    with pytest.raises(ct.DTypeError, match="takes tensors and Python scalars"):
        ct.maximum(np.zeros(2), x)


@pytest.mark.parametrize("device", [ct.cpu, ct.sim, ct.meta], ids=str)
def test_binary_functions_promote_and_broadcast(device: Any) -> None:
    a = ct.ones((2, 1), dtype=ct.float32, device=device)
    b = ct.ones((3,), dtype=ct.float64, device=device)
    for name in ("atan2", "hypot", "maximum", "logaddexp", "add", "copysign", "nextafter"):
        r = getattr(ct, name)(a, b)
        assert r.shape == (2, 3), name
        assert r.dtype is ct.float64, name
        assert r.device == device
    i, u = ct.ones((2,), dtype=ct.int8, device=device), ct.ones((2,), dtype=ct.uint8, device=device)
    assert ct.minimum(i, u).dtype is ct.int16
    assert ct.bitwise_and(i, u).dtype is ct.int16
    assert ct.equal(i, u).dtype is ct.bool_
    with pytest.raises(ct.ShapeError, match="cannot be broadcast"):
        ct.hypot(ct.ones((2,), device=device), ct.ones((3,), device=device))
    with pytest.raises(ct.DTypeError, match=r"int8 and float32.*astype"):
        ct.maximum(i, ct.ones((2,), device=device))


def test_device_mismatch_names_both() -> None:
    with pytest.raises(ct.DeviceMismatchError, match=r"cpu and sim:0"):
        ct.hypot(ct.ones(2), ct.ones(2, device=ct.sim))
    with pytest.raises(ct.DeviceMismatchError, match="different devices"):
        ct.add(ct.ones(2), ct.ones(2, device=ct.sim))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ct.sqrt(ct.tensor([4])), r"sqrt\(\) needs a floating.*int64.*astype"),
        (lambda: ct.sin(ct.tensor([True])), "needs a floating"),
        (lambda: ct.atan2(ct.tensor([1]), 1), "needs a real floating"),
        (lambda: ct.signbit(ct.tensor([1 + 1j])), "needs a real floating"),
        (lambda: ct.imag(ct.tensor([1.0])), "needs a complex"),
        (lambda: ct.ceil(ct.tensor([1j])), "needs a real"),
        (lambda: ct.maximum(ct.tensor([1j]), 1), "needs a real"),
        (lambda: ct.isnan(ct.tensor([True])), "needs a numeric"),
        (lambda: ct.bitwise_and(ct.tensor([1.0]), 1), "bitwise operations need"),
        (lambda: ct.bitwise_left_shift(ct.tensor([1.0]), 1), "bit shifts need an integer"),
        (lambda: ct.divide(ct.tensor([1]), 2), "true division needs a floating"),
        (lambda: ct.floor_divide(ct.tensor([1j]), 2), "not defined for complex"),
        (lambda: ct.sqrt([4.0]), "takes a tensor"),
    ],
)
def test_dtypes_a_function_does_not_take_raise(call: Callable[[], Any], match: str) -> None:
    with pytest.raises(ct.DTypeError, match=match):
        call()


def test_result_dtypes() -> None:
    z = ct.tensor([3 + 4j], dtype=ct.complex128)
    assert ct.abs(z).dtype is ct.float64
    assert ct.real(z).dtype is ct.float64
    assert ct.imag(z.astype(ct.complex64)).dtype is ct.float32
    assert ct.real(ct.tensor([1, 2])).dtype is ct.int64
    assert ct.isnan(z).dtype is ct.bool_
    assert ct.signbit(ct.tensor([1.0])).dtype is ct.bool_
    assert ct.sqrt(ct.tensor([4.0], dtype=ct.float16)).dtype is ct.float16
    x = ct.tensor([1, -2], dtype=ct.int16)
    for name in ("ceil", "floor", "round", "trunc"):
        r = getattr(ct, name)(x)
        assert r.dtype is ct.int16
        assert r is not x
        r += 1  # a new owner
    assert x.tolist() == [1, -2]


def test_results_never_alias_their_input() -> None:
    x = ct.tensor([1.0, 2.0])
    for name in ("real", "conj", "positive", "round", "abs"):
        r = getattr(ct, name)(x)
        r += 10.0
        assert x.tolist() == [1.0, 2.0], name
    z = ct.tensor([1 + 2j])
    re = ct.real(z)
    re += 1.0
    assert z.tolist() == [1 + 2j]


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_functions_on_meta(name: str) -> None:
    ref, dtypes = UNARY[name]
    dtype = dtypes[-1]
    t = ct.zeros((2, 3), dtype=ct.as_dtype(dtype), device=ct.meta)
    r = getattr(ct, name)(t)
    with np.errstate(all="ignore"):
        want = np.asarray(ref(np.zeros((2, 3), dtype=dtype)))
    assert r.device == ct.meta
    assert r.shape == (2, 3)
    assert r.dtype.numpy == want.dtype


# ----------------------------------------------------------------------------- clip


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
@given(
    a=hnp.arrays(
        np.float32, hnp.array_shapes(max_dims=2, max_side=4), elements=st.floats(width=32)
    ),
    lo=st.none() | st.floats(-10, 10, width=32),
    hi=st.none() | st.floats(-10, 10, width=32),
)
def test_clip_matches_numpy(a: Any, lo: Any, hi: Any, device: Any) -> None:
    got = ct.clip(ct.asarray(a, device=device), lo, hi)
    want = a.copy() if lo is None and hi is None else np.clip(a, lo, hi)
    assert_same(got, want)


@pytest.mark.parametrize("device", [ct.cpu, ct.sim, ct.meta], ids=str)
def test_clip_with_tensor_bounds(device: Any) -> None:
    x = ct.tensor([[1, 5, 9], [-3, 0, 3]], dtype=ct.int32, device=device)
    lo = ct.tensor([0, 2, 4], dtype=ct.int32, device=device)
    hi = ct.tensor([[8], [1]], dtype=ct.int64, device=device)
    r = ct.clip(x, lo, hi)
    assert r.dtype is ct.int32
    assert r.shape == (2, 3)
    if device.kind != "meta":
        assert (
            r.to_cpu().tolist() == np.clip([[1, 5, 9], [-3, 0, 3]], [0, 2, 4], [[8], [1]]).tolist()
        )
    assert ct.clip(x, max=hi).shape == (2, 3)


def test_clip_refuses_bad_bounds() -> None:
    x = ct.tensor([1, 2], dtype=ct.uint8)
    with pytest.raises(ct.DTypeError, match="float scalar"):
        ct.clip(x, 0.5)
    with pytest.raises(ct.DTypeError, match="-1 does not fit uint8"):
        ct.clip(x, -1)
    with pytest.raises(ct.DTypeError, match=r"uint8 and float32"):
        ct.clip(x, ct.tensor([0.5, 1.0]))
    with pytest.raises(ct.ShapeError, match="does not broadcast"):
        ct.clip(x, ct.tensor([[0], [1], [2]], dtype=ct.uint8))
    with pytest.raises(ct.DTypeError, match="needs a real"):
        ct.clip(ct.tensor([1j]), 0)
    with pytest.raises(ct.DTypeError, match="Python scalar, a tensor or None"):
        ct.clip(x, "0")  # type: ignore[arg-type]
    nan = ct.clip(ct.tensor([1.0, 2.0]), ct.tensor([float("nan"), 0.0]), 1.5)
    assert np.isnan(nan.tolist()[0])
    assert nan.tolist()[1] == 1.5


# ----------------------------------------------------------------------------- shifts


@pytest.mark.parametrize("device", [ct.cpu, ct.sim], ids=str)
def test_shift_operators(device: Any) -> None:
    x = ct.tensor([1, -8, 3], dtype=ct.int16, device=device)
    assert (x << 2).to_cpu().tolist() == [4, -32, 12]
    assert (x >> 1).to_cpu().tolist() == [0, -4, 1]
    assert (1 << ct.tensor([0, 3], device=device)).to_cpu().tolist() == [1, 8]
    assert (64 >> ct.tensor([1, 3], device=device)).to_cpu().tolist() == [32, 8]
    c = x.clone()
    x <<= 1
    x >>= ct.tensor([1], dtype=ct.int8, device=device)
    assert x.to_cpu().tolist() == [1, -8, 3]
    assert c.to_cpu().tolist() == [1, -8, 3]
    v = x.view()
    with pytest.raises(ct.ReadOnlyError):
        v <<= 1
    with pytest.raises(ct.DTypeError, match="keeps the tensor's dtype"):
        x <<= ct.tensor([1], dtype=ct.int64, device=device)


# ----------------------------------------------------------------------------- cuda


@contextmanager
def cuda_emu() -> Iterator[None]:
    if shutil.which("g++") is None:
        pytest.skip("cuda-emu: g++ is not installed")
    import cuda_emu_driver

    with cuda_emu_driver.installed():
        yield
        ct.cuda(0).synchronize()


def test_cuda_runs_the_functions_it_has_kernels_for() -> None:
    with cuda_emu():
        a = np.array([0.25, 1.0, 4.0], dtype=np.float32)
        x = ct.asarray(a, device=ct.cuda)
        for name, ref in (("sqrt", np.sqrt), ("exp", np.exp), ("log", np.log)):
            got = getattr(ct, name)(x).to_cpu().numpy()
            np.testing.assert_allclose(got, ref(a), rtol=1e-6)
        assert ct.maximum(x, 0.5).to_cpu().tolist() == [0.5, 1.0, 4.0]
        assert ct.minimum(2.0, x).to_cpu().tolist() == [0.25, 1.0, 2.0]
        assert ct.add(x, 1).to_cpu().tolist() == [1.25, 2.0, 5.0]
        assert ct.abs(ct.negative(x)).to_cpu().tolist() == [0.25, 1.0, 4.0]
        for call, name in (
            (lambda: ct.tanh(x), "tanh"),
            (lambda: ct.hypot(x, x), "hypot"),
            (lambda: ct.clip(x, 0.0, 1.0), "clip"),
            (lambda: ct.tensor([1], device=ct.cuda) << 1, "left_shift"),
        ):
            with pytest.raises(
                ct.DeviceUnavailableError, match=rf"{name}\(?\)? cannot run on cuda"
            ):
                call()


def test_operator_forms_of_the_functions_agree() -> None:
    a, b = ct.tensor([7.0, -7.5]), ct.tensor([2.0, 3.0])
    pairs = {
        "add": operator.add,
        "subtract": operator.sub,
        "multiply": operator.mul,
        "divide": operator.truediv,
        "floor_divide": operator.floordiv,
        "remainder": operator.mod,
        "pow": operator.pow,
        "less": operator.lt,
        "less_equal": operator.le,
        "greater": operator.gt,
        "greater_equal": operator.ge,
        "equal": operator.eq,
        "not_equal": operator.ne,
    }
    for name, op in pairs.items():
        assert getattr(ct, name)(a, b).tolist() == op(a, b).tolist(), name
    assert ct.negative(a).tolist() == (-a).tolist()
    assert ct.abs(a).tolist() == abs(a).tolist()
