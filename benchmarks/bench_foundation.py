"""Foundation benchmarks: O(1) clones, small-op overhead, large elementwise work.

corten runs side by side with NumPy and PyTorch (CPU) in one process:

- ``clone()`` of 1-D uint8 buffers from 1 KiB to 256 MiB against ``numpy.ndarray.copy``
  and ``torch.Tensor.clone``. corten's clone shares the buffer (copy-on-write), so its
  time should not depend on the size.
- the overhead of one tiny operation: ``a + b`` on 3-element float32 tensors.
- large elementwise add and sum on 16M float32 elements, where corten should run at
  NumPy's speed (it runs NumPy's kernels).

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
    Timing,
    compare,
    fmt_bytes,
    fmt_ratio,
    fmt_time,
    heading,
    optional_torch,
    print_table,
    print_targets,
    ratio,
)

NAME = "foundation"

KIB = 1 << 10
MIB = 1 << 20
CLONE_SIZES = (1 * KIB, 64 * KIB, 1 * MIB, 16 * MIB, 64 * MIB, 256 * MIB)
QUICK_SKIP = frozenset({256 * MIB})
LARGE_N = 16 * MIB  # float32 elements: 64 MiB per operand

# Targets (see DESIGN §6 and the project brief).
CLONE_SIZE_SPREAD_MAX = 2.0  # corten clone at the largest size vs 1 KiB
CLONE_VS_NUMPY_MIN = 1000.0  # numpy.copy time / corten clone time at 64 MiB
SMALL_OP_VS_NUMPY_MAX = 5.0  # corten time / numpy time for a 3-element add
LARGE_VS_NUMPY_MIN = 0.9  # numpy time / corten time for 16M-element add and sum


def _check(ok: bool, message: str) -> None:
    """Benchmarks time correct code only: stop when corten computes something else."""
    if not ok:
        raise RuntimeError(f"benchmark sanity check failed: {message}")


def _median(t: Timing | None) -> float | None:
    return None if t is None else t.median


def bench_clone(config: Config, torch: Any) -> tuple[list[dict[str, Any]], list[Target]]:
    heading("clone(): 1-D uint8 buffers (median time per call)")
    # A clone that is fast because it aliases would be wrong: check value semantics first.
    owner = ct.tensor(np.arange(16, dtype=np.uint8))
    twin = owner.clone()
    twin.fill_(0)
    _check(owner.tolist() == list(range(16)), "writing a clone changed its original")
    sizes = [s for s in CLONE_SIZES if not (config.quick and s in QUICK_SKIP)]
    records: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    for size in sizes:
        src = np.empty(size, dtype=np.uint8)
        src[:] = np.arange(size, dtype=np.uint64) % 251  # touch every page, a non-flat pattern
        # ct.tensor copies, so corten owns the buffer. ct.from_numpy would share memory with
        # NumPy; corten cannot watch such memory, so its clones copy eagerly (DESIGN §2).
        t = ct.tensor(src)
        _check(t.clone().array_equal(t), f"corten clone of {fmt_bytes(size)} differs")
        cases = {"corten": Case(t.clone), "numpy": Case(src.copy)}
        if torch is not None:
            cases["torch"] = Case(torch.from_numpy(src).clone)
        timings = compare(cases, config)
        t_ct, t_np, t_th = timings["corten"], timings["numpy"], timings.get("torch")
        np_over_ct = ratio(t_np.median, t_ct.median)
        th_over_ct = ratio(_median(t_th), t_ct.median)
        rec: dict[str, Any] = {
            "bytes": size,
            "corten_clone": t_ct.as_dict(),
            "numpy_copy": t_np.as_dict(),
            "torch_clone": t_th.as_dict() if t_th is not None else None,
            "numpy_over_corten": np_over_ct,
            "torch_over_corten": th_over_ct,
        }
        records.append(rec)
        rows.append(
            [
                fmt_bytes(size),
                fmt_time(t_ct.median),
                fmt_time(t_np.median),
                fmt_time(_median(t_th)),
                fmt_ratio(np_over_ct),
                fmt_ratio(th_over_ct),
            ]
        )
        del t, src
    print_table(
        ["size", "corten clone", "numpy.copy", "torch.clone", "numpy/corten", "torch/corten"],
        rows,
    )

    targets: list[Target] = []
    small, large = records[0], records[-1]
    t_small, t_large = small["corten_clone"]["median"], large["corten_clone"]["median"]
    spread = max(t_small, t_large) / min(t_small, t_large)
    targets.append(
        Target(
            name=f"clone O(1): {fmt_bytes(small['bytes'])} vs {fmt_bytes(large['bytes'])}",
            goal=f"within {CLONE_SIZE_SPREAD_MAX:g}x",
            measured=f"{fmt_time(t_small)} vs {fmt_time(t_large)} ({spread:.3f}x)",
            passed=spread <= CLONE_SIZE_SPREAD_MAX,
            value=spread,
        )
    )
    at_64 = next((r for r in records if r["bytes"] == 64 * MIB), None)
    if at_64 is not None:
        speedup = at_64["numpy_over_corten"]
        targets.append(
            Target(
                name="clone vs numpy.copy at 64 MiB",
                goal=f"> {CLONE_VS_NUMPY_MIN:,.0f}x faster",
                measured=f"{fmt_ratio(speedup)} faster",
                passed=speedup > CLONE_VS_NUMPY_MIN,
                value=speedup,
            )
        )
    return records, targets


def bench_small_op(config: Config, torch: Any) -> tuple[dict[str, Any], list[Target]]:
    heading("small-op overhead: a + b on 3-element float32 (median time per call)")
    values = [1.0, 2.0, 3.0]
    cases: dict[str, dict[str, Any]] = {
        "corten": {
            "a": ct.tensor(values, dtype=ct.float32),
            "b": ct.tensor([4.0, 5.0, 6.0], dtype=ct.float32),
        },
        "numpy": {
            "a": np.array(values, dtype=np.float32),
            "b": np.array([4.0, 5.0, 6.0], dtype=np.float32),
        },
    }
    if torch is not None:
        cases["torch"] = {
            "a": torch.tensor(values, dtype=torch.float32),
            "b": torch.tensor([4.0, 5.0, 6.0], dtype=torch.float32),
        }
    # The same statement, compiled by timeit, for every library: no wrapper call is timed.
    # The batches of the three libraries are interleaved (see compare).
    total = cases["corten"]["a"] + cases["corten"]["b"]
    _check(total.tolist() == [5.0, 7.0, 9.0], f"corten 3-element add gave {total.tolist()}")
    timings = compare({lib: Case("a + b", ns) for lib, ns in cases.items()}, config)
    t_ct = timings["corten"].median
    t_np = timings["numpy"].median
    t_th = _median(timings.get("torch"))
    rows = [
        [lib, fmt_time(t.median), fmt_ratio(t.median / t_np), f"{t.number:,}"]
        for lib, t in timings.items()
    ]
    print_table(["library", "a + b", "vs numpy", "calls per batch"], rows)

    record: dict[str, Any] = {lib: t.as_dict() for lib, t in timings.items()}
    record["corten_over_numpy"] = t_ct / t_np
    record["corten_over_torch"] = ratio(t_ct, t_th)
    targets = [
        Target(
            name="small op: corten vs torch",
            goal="corten faster",
            measured=(
                f"{fmt_time(t_ct)} vs {fmt_time(t_th)} ({fmt_ratio(t_ct / t_th)} torch's time)"
                if t_th is not None
                else "torch not installed"
            ),
            passed=None if t_th is None else t_ct < t_th,
            value=ratio(t_ct, t_th),
        ),
        Target(
            name="small op: corten vs numpy",
            goal=f"within {SMALL_OP_VS_NUMPY_MAX:g}x",
            measured=f"{fmt_time(t_ct)} vs {fmt_time(t_np)} ({fmt_ratio(t_ct / t_np)})",
            passed=t_ct / t_np <= SMALL_OP_VS_NUMPY_MAX,
            value=t_ct / t_np,
        ),
    ]
    return record, targets


def bench_large(config: Config, torch: Any) -> tuple[list[dict[str, Any]], list[Target]]:
    mib = LARGE_N * 4 // MIB
    heading(f"large elementwise: {LARGE_N:,} float32 ({mib} MiB per operand, median per call)")
    rng = np.random.default_rng(0)
    x = rng.random(LARGE_N, dtype=np.float32)
    y = rng.random(LARGE_N, dtype=np.float32)
    cx, cy = ct.tensor(x), ct.tensor(y)
    # Correctness first: corten must compute what NumPy computes.
    _check((cx + cy).array_equal(ct.tensor(x + y)), "corten add differs from numpy")
    _check(bool(np.isclose(cx.sum().item(), x.sum(), rtol=1e-5)), "corten sum differs from numpy")

    namespaces: dict[str, dict[str, Any]] = {
        "corten": {"x": cx, "y": cy},
        "numpy": {"x": x, "y": y},
    }
    if torch is not None:
        namespaces["torch"] = {"x": torch.from_numpy(x), "y": torch.from_numpy(y)}
    ops = {"add": "x + y", "sum": "x.sum()"}

    records: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    targets: list[Target] = []
    for op, stmt in ops.items():
        timings = compare({lib: Case(stmt, ns) for lib, ns in namespaces.items()}, config)
        t_ct, t_np = timings["corten"].median, timings["numpy"].median
        t_th = _median(timings.get("torch"))
        speed = t_np / t_ct  # corten's speed relative to NumPy's
        records.append(
            {
                "op": op,
                "elements": LARGE_N,
                **{lib: t.as_dict() for lib, t in timings.items()},
                "numpy_over_corten": speed,
                "torch_over_corten": ratio(t_th, t_ct),
            }
        )
        rows.append(
            [
                f"{op} ({stmt})",
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
    return records, targets


def run(config: Config) -> dict[str, Any]:
    """Run the foundation benchmarks; print tables and targets; return the results."""
    torch, notes = optional_torch()

    clone_records, clone_targets = bench_clone(config, torch)
    small_record, small_targets = bench_small_op(config, torch)
    large_records, large_targets = bench_large(config, torch)

    targets = clone_targets + small_targets + large_targets
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {
        "clone": clone_records,
        "small_op": small_record,
        "large": large_records,
        "targets": [t.as_dict() for t in targets],
        "notes": notes,
    }
