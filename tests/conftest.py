"""Shared hypothesis strategies and helpers for corten's behavioural tests.

NumPy is the oracle: strategies draw NumPy arrays and turn them into corten tensors in
several memory layouts (owned, zero-copy over strided NumPy memory, frozen views and
mutable views of a larger tensor), so every operation is checked on every layout.
"""

from __future__ import annotations

import math
from typing import Any

import hypothesis.extra.numpy as hnp
import ml_dtypes
import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import corten as ct

settings.register_profile(
    "corten",
    deadline=None,
    max_examples=50,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("corten")

# ----------------------------------------------------------------------------- dtypes

# The real dtypes (bool, integers, floats); complex64 and complex128 have tests of their
# own (tests/test_api_complex.py), since these strategies draw real values.
ALL_DTYPES: tuple[ct.DType, ...] = tuple(d for d in ct.all_dtypes if not d.is_complex)
BOOL_DTYPES = (ct.bool_,)
UNSIGNED_DTYPES = (ct.uint8, ct.uint16, ct.uint32, ct.uint64)
SIGNED_DTYPES = (ct.int8, ct.int16, ct.int32, ct.int64)
INTEGER_DTYPES = UNSIGNED_DTYPES + SIGNED_DTYPES
FLOAT_DTYPES = (ct.float16, ct.float32, ct.float64, ct.bfloat16)
NUMERIC_DTYPES = INTEGER_DTYPES + FLOAT_DTYPES


def dtype_id(dtype: object) -> str:
    """A readable pytest id for dtype parameters."""
    return str(dtype)


def dtype_params(dtypes: tuple[ct.DType, ...]) -> Any:
    """``pytest.mark.parametrize`` over ``dtypes`` with readable ids."""
    return pytest.mark.parametrize("dtype", dtypes, ids=dtype_id)


# ----------------------------------------------------------------------------- elements


def elements(
    dtype: ct.DType, *, small: bool = True, finite: bool = True, lists: bool = False
) -> Any:
    """Values of ``dtype``.

    Integers span the dtype's range (integer arrays wrap silently). ``small`` keeps floats
    in [-100, 100], where ``+ - *`` cannot overflow a float16 (NumPy would warn); without
    it floats span the whole range, with NaN and infinities unless ``finite``.

    ``lists`` keeps uint64 values below 2**63 for data that goes through Python lists:
    see ``test_python_ints_above_int64_keep_an_integer_dtype`` for why.
    """
    if dtype.is_bool:
        return st.booleans()
    if dtype.is_integer:
        info = np.iinfo(dtype.numpy)
        hi = min(int(info.max), 2**63 - 1) if lists else int(info.max)
        return st.integers(int(info.min), hi)
    if dtype is ct.bfloat16:  # float32 values rounded to bfloat16 (hypothesis has no width 16b)
        wide = elements(ct.float32, small=small, finite=finite)
        fmax = float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)
        return wide.filter(lambda f: abs(f) <= fmax or not math.isfinite(f)).map(_round_bfloat16)
    width = dtype.itemsize * 8
    if small:
        return st.floats(-100, 100, width=width)
    return st.floats(width=width, allow_nan=not finite, allow_infinity=not finite)


def _round_bfloat16(f: float) -> float:
    return float(np.float32(f).astype(ml_dtypes.bfloat16))


def scalars(dtype: ct.DType, *, small: bool = True) -> Any:
    """Python scalars (bool, int or float) that fit ``dtype``."""
    if dtype.is_floating:
        return elements(dtype, small=small).map(float)
    return elements(dtype, small=small)


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
nonempty_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


def arrays(dtype: ct.DType, shape: Any = shapes, **kwargs: Any) -> Any:
    """NumPy arrays of ``dtype`` (C-contiguous) with elements from :func:`elements`."""
    if dtype is ct.bfloat16:  # hypothesis draws NumPy's own dtypes only
        wide = hnp.arrays(np.float32, shape, elements=elements(dtype, **kwargs))
        return wide.map(lambda a: a.astype(dtype.numpy))
    return hnp.arrays(dtype.numpy, shape, elements=elements(dtype, **kwargs))


# ----------------------------------------------------------------------------- layouts

READ_LAYOUTS = ("tensor", "from_numpy", "strided_numpy", "view", "view_mut")
WRITE_LAYOUTS = ("tensor", "from_numpy", "strided_numpy", "view_mut")


def _strided_slices(shape: tuple[int, ...], steps: tuple[int, ...]) -> tuple[Any, ...]:
    # the trailing Ellipsis keeps NumPy from returning a scalar for rank 0
    return (*(slice(None, None, k) for k in steps[: len(shape)]), ...)


def _base_shape(shape: tuple[int, ...], steps: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(s * abs(k) for s, k in zip(shape, steps, strict=True))


@st.composite
def layouts(draw: Any, a: np.ndarray[Any, Any], writable: bool = False) -> Any:
    """A corten tensor holding ``a``'s values in a drawn memory layout.

    - ``tensor``: ``ct.tensor(a)``, a contiguous owner;
    - ``from_numpy``: zero-copy over a contiguous copy of ``a``;
    - ``strided_numpy``: zero-copy over a transposed, stepped (maybe reversed) array;
    - ``view``: a frozen strided view of a larger tensor;
    - ``view_mut``: a mutable strided view of a larger tensor.
    """
    layout = draw(st.sampled_from(WRITE_LAYOUTS if writable else READ_LAYOUTS))
    if layout == "tensor":
        return ct.tensor(a)
    if layout == "from_numpy":
        return ct.from_numpy(a.copy())
    steps = tuple(draw(st.lists(st.sampled_from([1, 2, -1, -2]), min_size=a.ndim, max_size=a.ndim)))
    if layout == "strided_numpy":
        perm = draw(st.permutations(range(a.ndim)))
        pshape = tuple(a.shape[p] for p in perm)
        base = np.zeros(_base_shape(pshape, steps), dtype=a.dtype)
        b = base[_strided_slices(pshape, steps)].transpose(np.argsort(perm))
        b[...] = a
        assert b.shape == a.shape
        return ct.from_numpy(b)
    base = np.zeros(_base_shape(a.shape, steps), dtype=a.dtype)
    sl = _strided_slices(a.shape, steps)
    base[sl] = a
    big = ct.tensor(base)
    if layout == "view":
        return big[sl]
    return big.view_mut()[sl]


@st.composite
def tensor_and_array(
    draw: Any,
    dtype: ct.DType | None = None,
    shape: Any = shapes,
    *,
    writable: bool = False,
    **element_kwargs: Any,
) -> tuple[Any, np.ndarray[Any, Any]]:
    """A pair (tensor, array) with equal values; the tensor in a drawn layout."""
    if dtype is None:
        dtype = draw(st.sampled_from(ALL_DTYPES))
    if not isinstance(shape, tuple):
        shape = draw(shape)
    a = draw(arrays(dtype, shape, **element_kwargs))
    return draw(layouts(a, writable=writable)), a


# ----------------------------------------------------------------------------- helpers


def values(t: Any) -> np.ndarray[Any, Any]:
    """The elements of ``t`` as a new NumPy array of its dtype and shape (via ``tolist``)."""
    return np.array(t.tolist(), dtype=t.dtype.numpy).reshape(t.shape)


def assert_tensor_equal(t: Any, expected: Any, *, dtype: ct.DType | None = None) -> None:
    """``t`` has ``expected``'s shape, the dtype corten maps it to, and the same values.

    NaNs compare equal to NaNs; the comparison is exact otherwise.
    """
    expected = np.asarray(expected)
    assert isinstance(t, ct.TensorView)
    assert t.shape == expected.shape
    assert t.dtype is (ct.as_dtype(expected.dtype) if dtype is None else dtype)
    got = values(t)
    equal_nan = t.dtype.is_floating
    assert np.array_equal(got, expected.astype(got.dtype), equal_nan=equal_nan), (got, expected)


def assert_tensor_close(t: Any, expected: Any, *, rtol: float, atol: float = 0.0) -> None:
    """Like :func:`assert_tensor_equal` for float results of reordered summations."""
    expected = np.asarray(expected)
    assert t.shape == expected.shape
    assert t.dtype is ct.as_dtype(expected.dtype)
    got = values(t).astype(np.float64)
    assert np.allclose(got, expected.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True), (
        got,
        expected,
    )


def data_pointer(a: np.ndarray[Any, Any]) -> int:
    """The address of ``a``'s first element."""
    return int(a.__array_interface__["data"][0])
