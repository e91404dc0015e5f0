"""Nested lists as operands: Python data, converted to the tensor's dtype like a scalar.

``t == [[1, 2], [3, 4]]`` used to give a plain ``False`` while ``t < [[1, 2], [3, 4]]``
raised. All six comparisons (and the arithmetic operators) now compare elementwise, as
NumPy does, with the values checked against the tensor's dtype as Python scalars are.
NumPy is the oracle.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import NUMERIC_DTYPES, arrays, assert_tensor_equal, layouts, nonempty_shapes
from hypothesis import given
from hypothesis import strategies as st

import corten as ct

COMPARISONS = [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge]
ARITHMETIC = [operator.add, operator.sub, operator.mul]
Op = Callable[[Any, Any], Any]


def _sim_available() -> bool:
    try:
        ct.zeros((1,), device=ct.sim)
    except ct.DeviceUnavailableError:
        return False
    return True


@st.composite
def operands(draw: Any) -> tuple[Any, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(tensor, its values, a second array broadcastable against them)."""
    dtype = draw(st.sampled_from(NUMERIC_DTYPES))
    a = draw(arrays(dtype, nonempty_shapes, lists=True))
    k = draw(st.integers(0, a.ndim))  # the list may drop leading dims (broadcasting)
    b = draw(arrays(dtype, st.just(a.shape[k:]), lists=True))
    return draw(layouts(a)), a, b


@pytest.mark.parametrize("op", COMPARISONS + ARITHMETIC, ids=lambda f: f.__name__)
@given(operands())
def test_a_nested_list_operand_is_compared_elementwise(op: Op, case: Any) -> None:
    t, a, b = case
    data = b.tolist()
    with np.errstate(all="ignore"):
        expected, reflected = op(a, b), op(b, a)
    got = op(t, data)
    assert isinstance(got, ct.Tensor)
    assert_tensor_equal(got, expected)
    assert_tensor_equal(op(data, t), reflected)  # list OP tensor: the reflected method


@pytest.mark.parametrize("op", COMPARISONS, ids=lambda f: f.__name__)
def test_tuples_are_python_data_too(op: Op) -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8)
    a = t.numpy()
    assert op(t, ((1, 2), (4, 3))).tolist() == op(a, np.array([[1, 2], [4, 3]])).tolist()


@pytest.mark.parametrize("op", COMPARISONS, ids=lambda f: f.__name__)
def test_every_comparison_checks_the_list_values_against_the_dtype(op: Op) -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.uint8)
    with pytest.raises(ct.DTypeError, match="uint8"):
        op(t, [[1, 2], [3, 300]])
    with pytest.raises(ct.DTypeError, match="round"):
        op(t, [1.5, 2.0])
    with pytest.raises(ct.ShapeError, match="broadcast"):
        op(t, [1, 2, 3])


def test_equality_with_a_list_is_no_truth_value() -> None:
    t = ct.tensor([[1, 2], [3, 4]])
    with pytest.raises(ct.ShapeError, match="ambiguous"):
        bool(t == [[1, 2], [3, 4]])
    assert (t == [[1, 2], [3, 4]]).all()
    assert bool(ct.tensor([5]) == [5])


def test_unrelated_objects_still_compare_unequal() -> None:
    t = ct.tensor([1, 2])
    assert (t == "12") is False
    assert (t != None) is True  # noqa: E711
    assert (t == object()) is False


def test_tensors_stay_unhashable() -> None:
    with pytest.raises(TypeError, match="unhashable"):
        hash(ct.tensor([1, 2]))


@pytest.mark.parametrize("op", COMPARISONS + ARITHMETIC, ids=lambda f: f.__name__)
def test_lists_on_devices_give_what_the_cpu_gives(op: Op) -> None:
    if not _sim_available():
        pytest.skip("the sim backend is not available")
    cpu = ct.tensor([[1.0, 2.0], [3.0, 4.0]])
    data = [[2.0, 2.0], [1.0, 5.0]]
    expected = op(cpu, data)
    got = op(cpu.to(ct.sim), data)
    assert got.device == ct.sim
    assert got.to_cpu().tolist() == expected.tolist()
    meta = op(cpu.to(ct.meta), data)
    assert (meta.shape, meta.dtype, meta.device) == (expected.shape, expected.dtype, ct.meta)


def test_in_place_operators_take_lists() -> None:
    t = ct.tensor([[1, 2], [3, 4]], dtype=ct.int16)
    t += [10, 20]
    t *= [[1], [2]]
    assert t.tolist() == [[11, 22], [26, 48]]
