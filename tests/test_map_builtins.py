"""Builtins and NumPy ufuncs in ``map``, ``apply_`` and ``par_iter``.

``t.map(math.sqrt)``, ``t.map(abs)`` and ``t.map(np.sqrt)`` raised numba's ``TypeError:
The decorated object is not a function``. Such functions are now called from a small
generated Python function that numba compiles where it supports them; otherwise the
pipeline runs in Python with one ``CompilationWarning``, as for any function numba
rejects. The oracle is the same call written as a lambda, and Python itself.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import corten as ct
from corten.pipelines import codegen as _pipeline_codegen
from corten.pipelines import compiled as _pipeline_numba


@pytest.fixture
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty kernel caches and warning memory, so a fallback warns again here."""
    monkeypatch.setattr(_pipeline_numba, "_KERNELS", _pipeline_codegen.Lru(256))
    monkeypatch.setattr(_pipeline_numba, "_WARNED", set())


def _sim_available() -> bool:
    try:
        ct.zeros((1,), device=ct.sim)
    except ct.DeviceUnavailableError:
        return False
    return True


DEVICES = [
    pytest.param(ct.cpu, id="cpu"),
    pytest.param(
        ct.sim,
        id="sim",
        marks=pytest.mark.skipif(not _sim_available(), reason="no sim backend"),
    ),
]

FLOATS = np.array([[0.25, 1.0, 2.0], [4.0, 9.0, 0.5]])
INTS = np.array([[-3, 0, 2], [7, -8, 5]], dtype=np.int32)

# (function, input array, the result's dtype by map's rule: the input's dtype when the
# function returns the same kind, else the function's own type)
COMPILED: dict[str, tuple[Callable[..., Any], np.ndarray[Any, Any], ct.DType]] = {
    "math.sqrt": (math.sqrt, FLOATS, ct.float64),
    "abs": (abs, INTS, ct.int32),
    "np.sqrt": (np.sqrt, FLOATS.astype(np.float32), ct.float32),
    "np.exp": (np.exp, FLOATS, ct.float64),
    "round": (round, FLOATS, ct.int64),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", list(COMPILED))
def test_builtins_and_ufuncs_compile_in_map(name: str, device: Any) -> None:
    fn, a, dtype = COMPILED[name]
    t = ct.tensor(a).to(device)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # compiled: no CompilationWarning
        got = t.map(fn)
    assert (got.dtype, got.shape, got.device) == (dtype, t.shape, t.device)
    want = np.array([fn(x) for x in a.ravel().tolist()]).reshape(a.shape)  # Python's answer
    np.testing.assert_allclose(got.to_cpu().numpy().astype(np.float64), want, rtol=1e-6)


def test_the_compiled_kernel_is_cached_per_builtin() -> None:
    t = ct.tensor(FLOATS)
    t.map(math.sqrt)
    before = len(_pipeline_numba._KERNELS)
    assert t.map(math.sqrt).tolist() == t.map(math.sqrt).tolist()
    assert len(_pipeline_numba._KERNELS) == before
    assert t.map(math.log1p).tolist() == np.log1p(FLOATS).tolist()  # another builtin
    assert len(_pipeline_numba._KERNELS) == before + 1


def test_apply_in_place_with_a_builtin() -> None:
    t = ct.tensor(FLOATS)
    t.apply_(math.sqrt)
    assert t.tolist() == np.sqrt(FLOATS).tolist()
    m = ct.tensor(INTS)
    m.view_mut()[0].apply_(abs)
    assert m.tolist() == [[3, 0, 2], [7, -8, 5]]


def test_builtins_in_every_stage_and_terminal() -> None:
    a = ct.tensor(INTS)
    b = ct.tensor(np.array([1, 2, 3], dtype=np.int32))
    expected = np.add(INTS, b.numpy()).tolist()
    assert a.par_iter().zip(b).map(np.add).collect().tolist() == expected
    assert a.par_iter().reduce(max, -100) == 7
    assert ct.tensor([1.0, math.inf, 2.0]).par_iter().filter(math.isfinite).count() == 2
    assert ct.tensor([1.0, math.inf]).par_iter().all(math.isfinite) is False


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(
    ("fn", "a"),
    [
        (math.factorial, np.array([0, 3, 5], dtype=np.int64)),
        (math.isqrt, np.array([0, 10, 99], dtype=np.int64)),
        (np.bitwise_count, np.array([0, 7, 255], dtype=np.uint8)),
    ],
    ids=["math.factorial", "math.isqrt", "np.bitwise_count"],
)
def test_a_builtin_numba_cannot_compile_runs_in_python_with_a_warning(
    fn: Any, a: np.ndarray[Any, Any], device: Any, fresh_caches: None
) -> None:
    t = ct.tensor(a).to(device)
    if device is ct.cpu:
        with pytest.warns(ct.CompilationWarning, match=fn.__name__):
            got = t.map(fn)
    else:  # the sim device runs every pipeline in Python: nothing to warn about
        got = t.map(fn)
    assert got.to_cpu().tolist() == [int(fn(x)) for x in a.tolist()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per function
        assert t.map(fn).to_cpu().tolist() == got.to_cpu().tolist()


def test_a_builtin_returning_no_number_is_refused() -> None:
    with pytest.raises(ct.DTypeError):
        ct.tensor([1, 2]).map(str)
