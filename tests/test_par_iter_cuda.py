"""``par_iter`` on ``cuda``: the numba-cuda kernels, run by numba-cuda's simulator.

The simulator must be switched on before ``numba.cuda`` is first imported, so the
pipelines run in one subprocess (``NUMBA_ENABLE_CUDASIM=1``) over the emulated CUDA
driver, whose device memory is host memory: the simulator runs the generated kernels
and their launches on it. Each case runs the same pipeline on the CPU (the oracle) and
on ``cuda``, in the subprocess; the tests here check the comparisons it reports.

What only a GPU can show (the kernels compiled by numba-cuda for a real device, their
speed, the external-stream ordering) is in ``test_par_iter_on_a_gpu``, marked
``requires_cuda``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import corten as ct

HERE = Path(__file__).resolve().parent


def _data() -> dict[str, Any]:
    rng = np.random.default_rng(7)
    return {
        "i32": ct.tensor(np.arange(-40, 60, dtype=np.int32).reshape(10, 10)),
        "u8": ct.tensor(rng.integers(0, 256, size=(7, 9), dtype=np.uint8)),
        "u64": ct.tensor(rng.integers(0, 2**40, size=50, dtype=np.uint64)),
        "f32": ct.tensor(rng.normal(size=(6, 11)).astype(np.float32)),
        "f64": ct.tensor(rng.normal(size=123)),
        "f16": ct.tensor(rng.normal(size=(5, 5)).astype(np.float16)),
        "nan": ct.tensor(np.array([1.0, np.nan, -3.0])),
        "b": ct.tensor(rng.integers(0, 2, size=33).astype(bool)),
        "empty": ct.tensor(np.zeros((0, 4), dtype=np.float32)),
        "row": ct.tensor(np.arange(10, dtype=np.int32)),
    }


# Each case: (data, pipeline). The pipeline gets the data dict of tensors on one device.
CASES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "sum_int": lambda d: d["i32"].par_iter().sum(),
    "sum_uint64": lambda d: d["u64"].par_iter().sum(),
    "sum_float64": lambda d: d["f64"].par_iter().sum(),
    "sum_float16": lambda d: d["f16"].par_iter().sum(),
    "sum_bool": lambda d: d["b"].par_iter().sum(),
    "sum_empty": lambda d: d["empty"].par_iter().sum(),
    "map_sum": lambda d: d["i32"].par_iter().map(lambda x: x * 3 - 1).sum(),
    "map_float_sum": lambda d: d["f32"].par_iter().map(lambda x: x * x).sum(),
    "strided_sum": lambda d: d["i32"][::-2, 1::3].par_iter().sum(),
    "min": lambda d: d["f32"].par_iter().min(),
    "max_strided": lambda d: d["u8"].permute(1, 0)[::2].par_iter().max(),
    "min_nan": lambda d: d["nan"].par_iter().min(),
    "max_float16": lambda d: d["f16"].par_iter().max(),
    "min_empty": lambda d: d["empty"].par_iter().min(),
    "count_filter": lambda d: d["i32"].par_iter().filter(lambda x: x % 3 == 0).count(),
    "filter_sum": lambda d: d["f64"].par_iter().filter(lambda x: x > 0).sum(),
    "any": lambda d: d["i32"].par_iter().any(lambda x: x == 57),
    "any_none": lambda d: d["i32"].par_iter().any(lambda x: x > 1000),
    "all": lambda d: d["u8"].par_iter().all(lambda x: x >= 0),
    "all_bool": lambda d: d["b"].par_iter().all(),
    "any_empty": lambda d: d["empty"].par_iter().any(),
    "all_empty": lambda d: d["empty"].par_iter().all(),
    # reduce needs an associative function; this one is not commutative, so the
    # order of the elements is checked too.
    "reduce_ordered": lambda d: d["row"].par_iter().reduce(lambda a, b: a * 3 + b, 0),
    "reduce_max": lambda d: d["i32"].par_iter().reduce(lambda a, b: a if a > b else b, -100),
    "reduce_empty": lambda d: d["empty"].par_iter().reduce(lambda a, b: a + b, 5.0),
    "collect_map": lambda d: d["i32"].par_iter().map(lambda x: x * 2).collect(),
    "collect_kind": lambda d: d["i32"].par_iter().map(lambda x: x / 4).collect(),
    "collect_bool": lambda d: d["f32"].par_iter().map(lambda x: x > 0).collect(),
    "collect_dtype": lambda d: d["i32"].par_iter().map(lambda x: x, ct.uint8).collect(),
    "collect_wraps": lambda d: d["u8"].par_iter().map(lambda x: x * 100).collect(),
    "collect_float16": lambda d: d["f16"].par_iter().map(lambda x: x * 2).collect(),
    "collect_filter": lambda d: d["i32"][:, ::3].par_iter().filter(lambda x: x % 2 == 0).collect(),
    "collect_filter_none": lambda d: d["u8"].par_iter().filter(lambda x: x > 255).collect(),
    "collect_empty": lambda d: d["empty"].par_iter().map(lambda x: x + 1).collect(),
    "zip_broadcast": lambda d: d["i32"].par_iter().zip(d["row"]).map(lambda x, y: x * y).collect(),
    "enumerate": lambda d: d["i32"].par_iter().enumerate().map(lambda i, x: i - x).collect(),
    "enumerate_zip_sum": (
        lambda d: d["row"].par_iter().enumerate().zip(d["row"]).map(lambda i, x, y: i * x + y).sum()
    ),
    "filter_after_map": (
        lambda d: d["f32"].par_iter().map(lambda x: x * 10).filter(lambda x: x < 0).collect()
    ),
    # builtins and NumPy ufuncs, called from a generated function that numba compiles
    "map_builtins": lambda d: d["f64"].par_iter().map(abs).map(math.sqrt).collect(),
    "map_ufunc": lambda d: d["f32"].par_iter().map(np.abs).map(np.sqrt).collect(),
    "zip_ufunc": lambda d: d["i32"].par_iter().zip(d["row"]).map(np.add).collect(),
    "filter_builtin": lambda d: d["nan"].par_iter().filter(math.isfinite).sum(),
    "reduce_builtin": lambda d: d["i32"].par_iter().reduce(max, -100),
}


def _outcome(fn: Callable[[], Any]) -> dict[str, Any]:
    """What a pipeline gave: its value (tensors as dtype + nested lists) or its error."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = fn()
    except Exception as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    out: dict[str, Any] = {"warnings": sorted({type(w.message).__name__ for w in caught})}
    if isinstance(value, ct.TensorView):
        out["device"] = str(value.device)
        host = value.to_cpu() if value.device != ct.cpu else value
        arr = host.numpy()
        out["dtype"] = host.dtype.name
        out["shape"] = list(arr.shape)
        out["value"] = [None if v != v else v for v in arr.astype(np.float64).ravel().tolist()]
    else:
        out["type"] = type(value).__name__
        out["value"] = None if value != value else value
    return out


def main() -> None:
    """Run every case on the CPU and on the emulated ``cuda`` (in the subprocess)."""
    import cuda_emu_driver

    from corten.pipelines import cuda as _pipeline_cuda

    assert _pipeline_cuda.simulated(), "set NUMBA_ENABLE_CUDASIM=1"
    cuda_emu_driver.install()
    host = _data()
    dev = {k: v.to(ct.cuda) for k, v in host.items()}
    results = {}
    for name, case in CASES.items():
        results[name] = {
            "cpu": _outcome(lambda case=case: case(host)),
            "cuda": _outcome(lambda case=case: case(dev)),
        }
    results["__uncompilable__"] = {
        "cpu": _outcome(lambda: host["row"].par_iter().map(lambda x: str(x) and x).sum()),
        "cuda": _outcome(lambda: dev["row"].par_iter().map(lambda x: str(x) and x).sum()),
    }
    results["__rerun__"] = {  # the cached kernel sees the tensor's new elements
        "cpu": _outcome(lambda: (host["row"] + 1).par_iter().map(lambda x: x * 2).sum()),
        "cuda": _outcome(lambda: dev["row"].par_iter().map(lambda x: x * 2).sum() + 20),
    }
    results["__apply__"] = {  # apply_ writes the kernel's results back on the device
        "cpu": _outcome(lambda: _applied(ct.cpu)),
        "cuda": _outcome(lambda: _applied(ct.cuda)),
    }
    results["__map__"] = {
        "cpu": _outcome(lambda: host["f32"].map(lambda x: x * 2 + 1)),
        "cuda": _outcome(lambda: dev["f32"].map(lambda x: x * 2 + 1)),
    }
    print(json.dumps(results))


def _applied(device: Any) -> Any:
    t = ct.arange(-5, 7, dtype=ct.int16).reshape_copy((3, 4)).to(device)
    t.view_mut()[:, 1::2].apply_(lambda x: x * x - 3)
    return t


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    env = dict(os.environ)
    env["NUMBA_ENABLE_CUDASIM"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, str(Path(__file__)), "--simulate"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"the simulator run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _same(cpu: dict[str, Any], dev: dict[str, Any], name: str) -> None:
    if "error" in cpu:
        assert dev.get("error") == cpu["error"], (name, cpu, dev)
        return
    assert "error" not in dev, (name, dev)
    if "dtype" in cpu:
        assert dev["device"] == "cuda:0"
        assert (dev["dtype"], dev["shape"]) == (cpu["dtype"], cpu["shape"]), name
        np.testing.assert_array_equal(dev["value"], cpu["value"], err_msg=name)
        return
    assert dev["type"] == cpu["type"], (name, cpu, dev)
    if cpu["type"] == "float" and cpu["value"] is not None:
        # Float sums are compensated but not combined in the CPU's order.
        assert math.isclose(dev["value"], cpu["value"], rel_tol=1e-12, abs_tol=1e-12), name
    else:
        assert dev["value"] == cpu["value"], (name, cpu, dev)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cuda_pipeline_matches_the_cpu(results: dict[str, Any], name: str) -> None:
    _same(results[name]["cpu"], results[name]["cuda"], name)


def test_an_uncompilable_function_runs_on_a_host_copy(results: dict[str, Any]) -> None:
    got = results["__uncompilable__"]
    _same(got["cpu"], got["cuda"], "uncompilable")
    assert got["cuda"]["warnings"] == ["CompilationWarning"]


@pytest.mark.parametrize("name", ["__apply__", "__map__"])
def test_apply_and_map_on_cuda(results: dict[str, Any], name: str) -> None:
    _same(results[name]["cpu"], results[name]["cuda"], name)


def test_a_kernel_runs_again_over_new_elements(results: dict[str, Any]) -> None:
    got = results["__rerun__"]
    _same(got["cpu"], got["cuda"], "rerun")


def test_host_iteration_of_cuda_tensors_is_refused() -> None:
    import cuda_emu_driver

    with cuda_emu_driver.installed():
        t = ct.arange(3).to(ct.cuda)
        with pytest.raises(ct.DeviceMismatchError, match="to_cpu"):
            list(t.iter())
        t.par_iter()  # a pipeline is fine: it runs on the device


@pytest.mark.requires_cuda
def test_par_iter_on_a_gpu() -> None:  # pragma: no cover - needs a GPU
    if not ct.cuda.is_available():
        pytest.skip(f"no CUDA device: {ct.backends.backend_status(ct.cuda)}")
    host = _data()
    dev = {k: v.to(ct.cuda) for k, v in host.items()}
    for name, case in CASES.items():
        _same(_outcome(lambda case=case: case(host)), _outcome(lambda case=case: case(dev)), name)


if __name__ == "__main__" and "--simulate" in sys.argv:
    main()


@pytest.mark.parametrize(
    "name", ["map_builtins", "map_ufunc", "zip_ufunc", "filter_builtin", "reduce_builtin"]
)
def test_builtins_and_ufuncs_compile_for_cuda(results: dict[str, Any], name: str) -> None:
    for side in ("cpu", "cuda"):
        got = results[name][side]
        assert "error" not in got, (name, side, got)
        assert got["warnings"] == [], (name, side, got)  # compiled, no Python fallback
