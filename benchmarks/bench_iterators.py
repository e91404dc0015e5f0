"""Iterator benchmarks: sequential ``iter()`` and the fused parallel pipelines.

corten runs side by side with NumPy and PyTorch (CPU) in one process:

- ``for x in t.iter()`` over 1M float32 elements against ``for x in a.flat`` and
  ``for x in a.tolist()`` on the NumPy array (the list is built inside the timing), and
  the same on a transposed (strided) 1000 x 1000 view.
- ``t.par_iter().map(f).map(g).sum()`` with ``f(x) = x * 1.5`` and ``g(x) = x + 0.25`` on
  1M to 100M float32 elements, on 1 and 2 threads, against NumPy's multi-pass
  equivalent with ufuncs (``np.add(np.multiply(a, 1.5), 0.25).sum()``, three passes and
  two temporaries), PyTorch's (with as many threads), and a plain Python loop (timed on
  at most 2M elements and scaled linearly to n; it makes one Python call per element).
  corten's sum accumulates in float64, so it is also more accurate than both.
- ``par_iter().map(f).collect()`` on 10M float32, and the pipeline on a permuted
  (non-contiguous) view, for information.
- the first-call compile time of a new pipeline: in a fresh process (importing numba
  included) and in a warm one (kernel cache emptied).

Targets are printed with PASS or MISS; a MISS is information, not a failure.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import time
from typing import Any

import numpy as np

import corten as ct
from benchmarks._harness import (
    Case,
    Config,
    Target,
    compare,
    fmt_ratio,
    fmt_time,
    heading,
    optional_torch,
    print_table,
    print_targets,
    ratio,
)
from corten.pipelines import codegen as _pipeline_codegen
from corten.pipelines import compiled as _pipeline_numba
from corten.pipelines import threads as _pipeline_threads

NAME = "iterators"

ITER_N = 1_000_000
# Targets (informational).
ITER_VS_TOLIST_MAX = 1.0  # iter() time / time to build and iterate a.tolist()
ITER_VS_FLAT_MAX = 1.5  # iter() time / time to iterate a.flat
FUSED_VS_NUMPY_MIN = 1.5  # NumPy multi-pass time / corten time, 2 threads, n >= 10M
FUSED_VS_PYTHON_MIN = 100.0  # Python loop time / corten time, n >= 10M
TARGET_MIN_N = 10_000_000
PYTHON_LOOP_MAX_N = 2_000_000


def f(x: Any) -> Any:
    return x * 1.5


def g(x: Any) -> Any:
    return x + 0.25


def _check(ok: bool, message: str) -> None:
    """Benchmarks time correct code only: stop when corten computes something else."""
    if not ok:
        raise RuntimeError(f"benchmark sanity check failed: {message}")


def _data(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random(n, dtype=np.float32)


def _python_loop(values: list[float]) -> float:
    total = 0.0
    for x in values:
        total += g(f(x))
    return total


# ----------------------------------------------------------------------------- iter()


def bench_iter(config: Config) -> tuple[list[dict[str, Any]], list[Target]]:
    heading(f"iter() over {ITER_N:,} float32 elements (median time per full loop)")
    a = _data(ITER_N)
    t = ct.from_numpy(a)
    tt = ct.from_numpy(a.reshape(1000, 1000)).T
    at = a.reshape(1000, 1000).T
    _check(list(t.iter()) == a.tolist(), "iter() differs from tolist()")
    _check(list(tt.iter()) == at.ravel().tolist(), "iter() of a transposed view differs")
    records: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    targets: list[Target] = []
    for label, tensor, arr in (("contiguous", t, a), ("transposed view", tt, at)):
        ns = {"t": tensor, "a": arr}
        cases = {
            "corten iter()": Case("for x in t.iter(): pass", ns),
            "numpy a.flat": Case("for x in a.flat: pass", ns),
            "numpy a.tolist()": Case(
                "for x in a.tolist(): pass"
                if arr.ndim == 1
                else "for x in a.ravel().tolist(): pass",
                ns,
            ),
        }
        timings = compare(cases, config)
        t_it = timings["corten iter()"].median
        t_flat = timings["numpy a.flat"].median
        t_list = timings["numpy a.tolist()"].median
        records.append(
            {
                "layout": label,
                "n": ITER_N,
                **{k: v.as_dict() for k, v in timings.items()},
                "iter_over_flat": t_it / t_flat,
                "iter_over_tolist": t_it / t_list,
            }
        )
        rows.append(
            [
                label,
                fmt_time(t_it),
                fmt_time(t_flat),
                fmt_time(t_list),
                fmt_ratio(t_it / t_flat),
                fmt_ratio(t_it / t_list),
                f"{t_it / ITER_N * 1e9:.1f} ns",
            ]
        )
        targets.append(
            Target(
                name=f"iter() {label}: vs iterating a.tolist()",
                goal="no slower (ratio <= 1)",
                measured=f"{fmt_time(t_it)} vs {fmt_time(t_list)} ({fmt_ratio(t_it / t_list)})",
                passed=t_it / t_list <= ITER_VS_TOLIST_MAX,
                value=t_it / t_list,
            )
        )
        targets.append(
            Target(
                name=f"iter() {label}: vs iterating a.flat",
                goal=f"within {ITER_VS_FLAT_MAX:g}x",
                measured=f"{fmt_time(t_it)} vs {fmt_time(t_flat)} ({fmt_ratio(t_it / t_flat)})",
                passed=t_it / t_flat <= ITER_VS_FLAT_MAX,
                value=t_it / t_flat,
            )
        )
    print_table(
        ["layout", "iter()", "a.flat", "a.tolist()", "iter/flat", "iter/tolist", "per element"],
        rows,
    )
    print("(ratios are time ratios: lower is better for corten)")
    return records, targets


# ----------------------------------------------------------------------------- pipelines


def _set_threads(n: int, torch: Any) -> None:
    ct.set_num_threads(n)
    if torch is not None:
        torch.set_num_threads(n)


def bench_pipeline(
    config: Config, torch: Any, threads: list[int]
) -> tuple[list[dict[str, Any]], list[Target]]:
    sizes = [1_000_000, 10_000_000] if config.quick else [1_000_000, 10_000_000, 100_000_000]
    heading(
        "par_iter().map(f).map(g).sum() on float32, f(x) = x * 1.5, g(x) = x + 0.25 "
        "(median time per call)"
    )
    records: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    targets: list[Target] = []
    for n in sizes:
        a = _data(n, 1)
        t = ct.from_numpy(a)
        # Correctness: corten's sum against an exact float64 oracle of the same values.
        vals = np.add(np.multiply(a, np.float32(1.5)), np.float32(0.25))
        exact = math.fsum(vals.astype(np.float64).tolist()) if n <= 10_000_000 else None
        got = t.par_iter().map(f).map(g).sum()
        np_sum = float(vals.sum())
        if exact is not None:
            _check(abs(got - exact) <= 1e-9 * exact, f"sum {got} != exact {exact}")
        del vals
        ns: dict[str, Any] = {"t": t, "a": a, "np": np, "f": f, "g": g}
        ns["k15"], ns["k025"] = np.float32(1.5), np.float32(0.25)
        record: dict[str, Any] = {
            "n": n,
            "corten_sum": got,
            "numpy_sum": np_sum,
            "exact_sum": exact,
        }
        t_ct: dict[int, float] = {}
        t_np = t_th = None
        for k in threads:
            _set_threads(k, torch)
            cases = {
                "corten": Case("t.par_iter().map(f).map(g).sum()", ns),
                "numpy": Case("np.add(np.multiply(a, k15), k025).sum()", ns),
            }
            if torch is not None:
                ns["ta"] = torch.from_numpy(a)
                cases["torch"] = Case("(ta * 1.5 + 0.25).sum()", ns)
            timings = compare(cases, config)
            t_ct[k] = timings["corten"].median
            record[f"threads_{k}"] = {lib: tm.as_dict() for lib, tm in timings.items()}
            if k == max(threads):
                t_np = timings["numpy"].median
                t_th = timings["torch"].median if "torch" in timings else None
        assert t_np is not None
        # The Python loop, on at most PYTHON_LOOP_MAX_N elements, scaled to n.
        m = min(n, PYTHON_LOOP_MAX_N)
        sub = a[:m].tolist()
        start = time.perf_counter()
        _python_loop(sub)
        t_py = (time.perf_counter() - start) * n / m
        del sub
        record["python_loop_s"] = t_py
        record["python_loop_measured_n"] = m
        k2 = max(threads)
        speed_np = t_np / t_ct[k2]
        speed_py = t_py / t_ct[k2]
        record["numpy_over_corten"] = speed_np
        record["python_over_corten"] = speed_py
        record["scaling_1_to_2"] = ratio(t_ct.get(1), t_ct.get(2))
        rows.append(
            [
                f"{n:,}",
                *(fmt_time(t_ct[k]) for k in threads),
                fmt_time(t_np),
                fmt_time(t_th),
                fmt_time(t_py) + ("" if m == n else "*"),
                fmt_ratio(ratio(t_ct.get(1), t_ct.get(2))),
                fmt_ratio(speed_np),
                fmt_ratio(speed_py),
            ]
        )
        if n >= TARGET_MIN_N:
            targets.append(
                Target(
                    name=f"fused map.map.sum, {n:,} float32, {k2} threads: vs numpy multi-pass",
                    goal=f">= {FUSED_VS_NUMPY_MIN:g}x faster",
                    measured=f"{fmt_ratio(speed_np)} ({fmt_time(t_ct[k2])} vs {fmt_time(t_np)})",
                    passed=speed_np >= FUSED_VS_NUMPY_MIN,
                    value=speed_np,
                )
            )
            targets.append(
                Target(
                    name=f"fused map.map.sum, {n:,} float32, {k2} threads: vs a Python loop",
                    goal=f">= {FUSED_VS_PYTHON_MIN:g}x faster",
                    measured=f"{fmt_ratio(speed_py)} ({fmt_time(t_ct[k2])} vs {fmt_time(t_py)})",
                    passed=speed_py >= FUSED_VS_PYTHON_MIN,
                    value=speed_py,
                )
            )
        records.append(record)
        del t, a, ns
    print_table(
        [
            "n",
            *(f"corten {k}T" for k in threads),
            f"numpy ({max(threads)}T)",
            f"torch ({max(threads)}T)",
            "python loop",
            "1T/2T",
            "numpy/corten",
            "python/corten",
        ],
        rows,
    )
    print(
        "(numpy runs its ufuncs on one thread whatever the setting; * = the Python loop "
        f"was timed on {PYTHON_LOOP_MAX_N:,} elements and scaled linearly)"
    )
    return records, targets


def bench_other_pipelines(config: Config, torch: Any, threads: list[int]) -> list[dict[str, Any]]:
    n = 10_000_000
    heading(f"other pipelines on {n:,} float32 ({max(threads)} threads, median time per call)")
    _set_threads(max(threads), torch)
    a = _data(n, 2)
    t = ct.from_numpy(a)
    cube = a.reshape(250, 200, 200)
    p = ct.from_numpy(cube).permute(2, 0, 1)  # a non-contiguous view, walked in place
    pa = cube.transpose(2, 0, 1)
    _check(
        np.array_equal(np.asarray(t.par_iter().map(f).collect()), np.multiply(a, np.float32(1.5))),
        "collect differs from numpy",
    )
    ns = {"t": t, "a": a, "p": p, "pa": pa, "np": np, "f": f, "g": g, "k15": np.float32(1.5)}
    ns["k025"] = np.float32(0.25)
    cases = {
        "corten map(f).collect()": Case("t.par_iter().map(f).collect()", ns),
        "numpy a * 1.5": Case("np.multiply(a, k15)", ns),
        "corten permuted map.map.sum": Case("p.par_iter().map(f).map(g).sum()", ns),
        "numpy permuted multi-pass": Case("np.add(np.multiply(pa, k15), k025).sum()", ns),
        "corten filter(x > 0.5).count()": Case(
            "t.par_iter().filter(lambda x: x > 0.5).count()", ns
        ),
        "numpy (a > 0.5).sum()": Case("np.count_nonzero(a > 0.5)", ns),
    }
    timings = compare(cases, config)
    rows = [[name, fmt_time(tm.median)] for name, tm in timings.items()]
    print_table(["case", "time"], rows)
    return [{"case": name, **tm.as_dict()} for name, tm in timings.items()]


# ----------------------------------------------------------------------------- compile time

_COLD = textwrap.dedent(
    """
    import time
    start = time.perf_counter()
    import numpy as np
    import corten as ct
    t = ct.from_numpy(np.ones(1000, dtype=np.float32))
    f = lambda x: x * 1.5
    g = lambda x: x + 0.25
    ready = time.perf_counter()
    t.par_iter().map(f).map(g).sum()
    first = time.perf_counter()
    t.par_iter().map(f).map(g).sum()
    second = time.perf_counter()
    print(ready - start, first - ready, second - first)
    """
)


def bench_compile(config: Config) -> tuple[dict[str, Any], list[Target]]:
    heading("first-call compile time of a new pipeline (map.map.sum on float32)")
    proc = subprocess.run(
        [sys.executable, "-c", _COLD],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
        timeout=300,
    )
    t_import, t_first, t_second = (float(x) for x in proc.stdout.split())
    # Warm process: numba imported, the kernel and function caches emptied.
    t = ct.from_numpy(np.ones(1000, dtype=np.float32))
    warm: list[float] = []
    for _ in range(1 if config.quick else 3):
        _pipeline_numba._KERNELS.clear()
        _pipeline_codegen._JITTED.clear()
        start = time.perf_counter()
        t.par_iter().map(f).map(g).sum()
        warm.append(time.perf_counter() - start)
    rows = [
        ["import corten (numba not imported)", fmt_time(t_import)],
        ["first pipeline, fresh process (numba import + compile)", fmt_time(t_first)],
        ["the same pipeline again (cached kernel)", fmt_time(t_second)],
        ["a new pipeline in a warm process (compile only)", fmt_time(min(warm))],
    ]
    print_table(["case", "time"], rows)
    record = {
        "import_s": t_import,
        "first_call_cold_s": t_first,
        "second_call_s": t_second,
        "first_call_warm_s": min(warm),
    }
    return record, []


def run(config: Config) -> dict[str, Any]:
    """Run the iterator benchmarks; print tables and targets; return the results."""
    torch, notes = optional_torch()
    cpus = _pipeline_threads.max_threads()
    threads = [1, 2] if cpus >= 2 else [1]
    print(f"cpus available: {cpus}; pipeline threads measured: {threads}")
    if cpus < 2:
        notes.append("only one CPU: the 2-thread columns and target are not measured")
    before = ct.get_num_threads()
    torch_before = torch.get_num_threads() if torch is not None else None
    try:
        iter_records, iter_targets = bench_iter(config)
        pipe_records, pipe_targets = bench_pipeline(config, torch, threads)
        other = bench_other_pipelines(config, torch, threads)
        compile_record, _ = bench_compile(config)
    finally:
        ct.set_num_threads(before)
        if torch is not None:
            torch.set_num_threads(torch_before)
    targets = iter_targets + pipe_targets
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {
        "cpus": cpus,
        "threads": threads,
        "iter": iter_records,
        "pipeline": pipe_records,
        "other_pipelines": other,
        "compile": compile_record,
        "targets": [t.as_dict() for t in targets],
        "notes": notes,
    }
