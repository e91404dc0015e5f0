"""Array API function benchmarks: reductions along an axis, matmul, sort, and joining
images, each against NumPy's equivalent in the same process.

- ``sum``, ``mean`` and ``std`` along axis 0 and axis 1 of a 4096 x 4096 float32 tensor
  (16M elements), against ``np.sum``/``np.mean``/``np.std`` with the same axis;
- ``matmul`` of two 1024 x 1024 float32 matrices, against ``np.matmul`` (both call the
  same BLAS);
- ``sort`` of 10M random float32, against ``np.sort``;
- ``concat`` (axis 0) and ``stack`` of 8 images of 1080 x 1920 x 3 uint8, against
  ``np.concatenate`` and ``np.stack``.

Every corten result is checked against NumPy's before timing. The target of each row is
>= 0.9x NumPy's speed (NumPy's time over corten's). A MISS is information, not a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import corten as ct
import corten.ops.linalg as ct_linalg
import corten.ops.manipulation as ct_manipulation
import corten.ops.sorting as ct_sorting
import corten.ops.statistical as ct_statistical
from benchmarks._harness import (
    Case,
    Config,
    Target,
    compare,
    fmt_ratio,
    fmt_time,
    heading,
    print_table,
    print_targets,
)

NAME = "api_functions"

REDUCE_SHAPE = (4096, 4096)
MATMUL_N = 1024
SORT_N = 10_000_000
IMAGE_SHAPE = (1080, 1920, 3)
IMAGES = 8

SPEED_VS_NUMPY_MIN = 0.9  # numpy time / corten time


def _check(ok: bool, message: str) -> None:
    """Benchmarks time correct code only: stop when corten computes something else."""
    if not ok:
        raise RuntimeError(f"benchmark sanity check failed: {message}")


def _same(got: Any, want: np.ndarray[Any, Any], what: str, *, close: bool = False) -> None:
    arr = np.asarray(got)
    _check(arr.shape == want.shape, f"{what}: shape {arr.shape}, numpy {want.shape}")
    _check(arr.dtype == want.dtype, f"{what}: dtype {arr.dtype}, numpy {want.dtype}")
    ok = np.allclose(arr, want, rtol=1e-5, atol=1e-5) if close else np.array_equal(arr, want)
    _check(bool(ok), f"{what}: values differ from numpy")


def _rows(config: Config) -> list[tuple[str, Callable[[], Any], Callable[[], Any], bool]]:
    """(label, corten call, numpy call, compare with a tolerance) per row."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal(REDUCE_SHAPE, dtype=np.float32)
    x = ct.tensor(a)
    rows: list[tuple[str, Callable[[], Any], Callable[[], Any], bool]] = []
    for name in ("sum", "mean", "std"):
        fn = getattr(ct_statistical, name)
        np_fn = getattr(np, name)
        for axis in (0, 1):
            rows.append(
                (
                    f"{name}(axis={axis}) 4096 x 4096 float32",
                    lambda fn=fn, axis=axis: fn(x, axis=axis),
                    lambda np_fn=np_fn, axis=axis: np_fn(a, axis=axis),
                    True,
                )
            )
    m1 = rng.standard_normal((MATMUL_N, MATMUL_N), dtype=np.float32)
    m2 = rng.standard_normal((MATMUL_N, MATMUL_N), dtype=np.float32)
    t1, t2 = ct.tensor(m1), ct.tensor(m2)
    rows.append(
        (
            f"matmul {MATMUL_N} x {MATMUL_N} float32",
            lambda: ct_linalg.matmul(t1, t2),
            lambda: np.matmul(m1, m2),
            True,
        )
    )
    s = rng.random(SORT_N, dtype=np.float32)
    ts = ct.tensor(s)
    rows.append(
        (
            f"sort {SORT_N // 1_000_000}M float32",
            lambda: ct_sorting.sort(ts),
            lambda: np.sort(s),
            False,
        )
    )
    imgs = [rng.integers(0, 256, IMAGE_SHAPE, dtype=np.uint8) for _ in range(IMAGES)]
    timgs = [ct.tensor(i) for i in imgs]
    h, w, c = IMAGE_SHAPE
    rows.append(
        (
            f"concat {IMAGES} x {h}x{w}x{c} uint8",
            lambda: ct_manipulation.concat(timgs),
            lambda: np.concatenate(imgs),
            False,
        )
    )
    rows.append(
        (
            f"stack {IMAGES} x {h}x{w}x{c} uint8",
            lambda: ct_manipulation.stack(timgs),
            lambda: np.stack(imgs),
            False,
        )
    )
    return rows


def run(config: Config) -> dict[str, Any]:
    """Run the array API function benchmarks; print a table and targets; return results."""
    heading("array API functions against NumPy (median time per call)")
    records: list[dict[str, Any]] = []
    table: list[list[str]] = []
    targets: list[Target] = []
    for label, ct_call, np_call, close in _rows(config):
        _same(ct_call(), np.asarray(np_call()), label, close=close)
        timings = compare({"corten": Case(ct_call), "numpy": Case(np_call)}, config)
        t_ct, t_np = timings["corten"].median, timings["numpy"].median
        speed = t_np / t_ct
        records.append(
            {
                "op": label,
                **{lib: t.as_dict() for lib, t in timings.items()},
                "numpy_over_corten": speed,
            }
        )
        table.append([label, fmt_time(t_ct), fmt_time(t_np), fmt_ratio(speed)])
        targets.append(
            Target(
                name=f"{label}: corten speed vs numpy",
                goal=f">= {SPEED_VS_NUMPY_MIN:g}x numpy",
                measured=f"{fmt_ratio(speed)} ({fmt_time(t_ct)} vs {fmt_time(t_np)})",
                passed=speed >= SPEED_VS_NUMPY_MIN,
                value=speed,
            )
        )
    print_table(["function", "corten", "numpy", "speed vs numpy"], table)
    print("(speed vs numpy: numpy's time over corten's, higher is better)")
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {"functions": records, "targets": [t.as_dict() for t in targets], "notes": []}
