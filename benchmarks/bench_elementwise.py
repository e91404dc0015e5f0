"""Array API elementwise benchmarks: large functions at NumPy's speed, a small add.

corten runs side by side with NumPy and PyTorch (CPU) in one process:

- ``ct.sqrt(x)``, ``ct.exp(x)``, ``ct.where(x > 0.5, x, y)`` and ``ct.clip(x, 0.25,
  0.75)`` on 16M float32 elements against ``np.sqrt``, ``np.exp``, ``np.where``,
  ``np.clip`` and torch's functions. corten runs NumPy's kernels here, so the goal is
  NumPy's speed. ``where`` is timed where corten has it (the searching functions).
- the overhead of one tiny function call: ``ct.add(a, b)`` on 3-element float32 tensors
  against ``torch.add`` and ``np.add`` (the operator ``a + b`` is the foundation
  benchmark's).

Targets are printed with PASS or MISS; a MISS is information, not a failure.
"""

from __future__ import annotations

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

NAME = "elementwise"

MIB = 1 << 20
LARGE_N = 16 * MIB  # float32 elements: 64 MiB per operand

# Targets (issue 16).
LARGE_VS_NUMPY_MIN = 0.9  # numpy time / corten time for the 16M-element functions

# name: (corten statement, numpy statement, torch statement), over x, y (and ct, np, torch)
LARGE_OPS: dict[str, tuple[str, str, str]] = {
    "sqrt": ("ct.sqrt(x)", "np.sqrt(x)", "torch.sqrt(x)"),
    "exp": ("ct.exp(x)", "np.exp(x)", "torch.exp(x)"),
    "where": ("ct.where(x > 0.5, x, y)", "np.where(x > 0.5, x, y)", "torch.where(x > 0.5, x, y)"),
    "clip": ("ct.clip(x, 0.25, 0.75)", "np.clip(x, 0.25, 0.75)", "torch.clip(x, 0.25, 0.75)"),
}


def _check(ok: bool, message: str) -> None:
    """Benchmarks time correct code only: stop when corten computes something else."""
    if not ok:
        raise RuntimeError(f"benchmark sanity check failed: {message}")


def _evaluate(statement: str, namespace: dict[str, Any]) -> Any:
    """The value of one of the statements above (the same text that is timed)."""
    code = compile(statement, "<benchmark>", "eval")
    return eval(code, dict(namespace))


def bench_large(config: Config, torch: Any) -> tuple[list[dict[str, Any]], list[Target], list[str]]:
    mib = LARGE_N * 4 // MIB
    heading(f"array API functions on {LARGE_N:,} float32 ({mib} MiB per operand, median per call)")
    rng = np.random.default_rng(0)
    x = rng.random(LARGE_N, dtype=np.float32)
    y = rng.random(LARGE_N, dtype=np.float32)
    cx, cy = ct.tensor(x), ct.tensor(y)
    namespaces: dict[str, dict[str, Any]] = {
        "corten": {"x": cx, "y": cy, "ct": ct},
        "numpy": {"x": x, "y": y, "np": np},
    }
    if torch is not None:
        namespaces["torch"] = {"x": torch.from_numpy(x), "y": torch.from_numpy(y), "torch": torch}
    records: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    targets: list[Target] = []
    notes: list[str] = []
    for op, stmts in LARGE_OPS.items():
        if not hasattr(ct, op):
            notes.append(f"{op}: corten has no ct.{op} in this build; not timed")
            continue
        # Correctness first: corten must compute what NumPy computes.
        got = _evaluate(stmts[0], namespaces["corten"])
        want = _evaluate(stmts[1], namespaces["numpy"])
        _check(got.array_equal(ct.tensor(want)), f"corten {op} differs from numpy")
        del got, want
        libs = {"corten": 0, "numpy": 1, "torch": 2}
        cases = {lib: Case(stmts[libs[lib]], ns) for lib, ns in namespaces.items()}
        timings = compare(cases, config)
        t_ct, t_np = timings["corten"].median, timings["numpy"].median
        t_th = timings["torch"].median if "torch" in timings else None
        speed = t_np / t_ct  # corten's speed relative to NumPy's
        records.append(
            {
                "op": op,
                "statement": stmts[0],
                "elements": LARGE_N,
                **{lib: t.as_dict() for lib, t in timings.items()},
                "numpy_over_corten": speed,
                "torch_over_corten": ratio(t_th, t_ct),
            }
        )
        rows.append(
            [
                stmts[0],
                fmt_time(t_ct),
                fmt_time(t_np),
                fmt_time(t_th),
                fmt_ratio(speed),
                fmt_ratio(ratio(t_th, t_ct)),
            ]
        )
        targets.append(
            Target(
                name=f"large {op}: corten speed vs numpy",
                goal=f">= {LARGE_VS_NUMPY_MIN:g}x numpy",
                measured=f"{fmt_ratio(speed)} ({fmt_time(t_ct)} vs {fmt_time(t_np)})",
                passed=speed >= LARGE_VS_NUMPY_MIN,
                value=speed,
            )
        )
    print_table(["op", "corten", "numpy", "torch", "numpy/corten", "torch/corten"], rows)
    print("(ratios above 1x mean corten is faster; torch may use several threads)")
    for note in notes:
        print(note)
    return records, targets, notes


def bench_small_add(config: Config, torch: Any) -> tuple[dict[str, Any], list[Target]]:
    heading("a small function call: add(a, b) on 3-element float32 (median time per call)")
    a = [1.0, 2.0, 3.0]
    b = [4.0, 5.0, 6.0]
    namespaces: dict[str, dict[str, Any]] = {
        "corten": {"add": ct.add, "a": ct.tensor(a), "b": ct.tensor(b)},
        "numpy": {
            "add": np.add,
            "a": np.array(a, dtype=np.float32),
            "b": np.array(b, dtype=np.float32),
        },
    }
    if torch is not None:
        namespaces["torch"] = {
            "add": torch.add,
            "a": torch.tensor(a, dtype=torch.float32),
            "b": torch.tensor(b, dtype=torch.float32),
        }
    total = ct.add(namespaces["corten"]["a"], namespaces["corten"]["b"])
    _check(total.tolist() == [5.0, 7.0, 9.0], f"corten 3-element add gave {total.tolist()}")
    timings = compare({lib: Case("add(a, b)", ns) for lib, ns in namespaces.items()}, config)
    t_ct, t_np = timings["corten"].median, timings["numpy"].median
    t_th = timings["torch"].median if "torch" in timings else None
    rows = [
        [lib, fmt_time(t.median), fmt_ratio(t.median / t_np), f"{t.number:,}"]
        for lib, t in timings.items()
    ]
    print_table(["library", "add(a, b)", "vs numpy", "calls per batch"], rows)
    record: dict[str, Any] = {lib: t.as_dict() for lib, t in timings.items()}
    record["corten_over_torch"] = ratio(t_ct, t_th)
    target = Target(
        name="small add(a, b): corten vs torch",
        goal="corten faster",
        measured=(
            f"{fmt_time(t_ct)} vs {fmt_time(t_th)} ({fmt_ratio(t_ct / t_th)} torch's time)"
            if t_th is not None
            else "torch not installed"
        ),
        passed=None if t_th is None else t_ct < t_th,
        value=ratio(t_ct, t_th),
    )
    return record, [target]


def run(config: Config) -> dict[str, Any]:
    """Run the elementwise benchmarks; print tables and targets; return the results."""
    torch, notes = optional_torch()
    large_records, large_targets, large_notes = bench_large(config, torch)
    small_record, small_targets = bench_small_add(config, torch)
    targets = large_targets + small_targets
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {
        "large": large_records,
        "small_add": small_record,
        "targets": [t.as_dict() for t in targets],
        "notes": notes + large_notes,
    }
