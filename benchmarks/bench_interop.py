"""DLPack exchange benchmarks: corten <-> PyTorch and corten <-> NumPy.

Every exchange is zero-copy (checked before timing: the consumer's data pointer is the
producer's), so this measures the per-call overhead of the protocol on a 480 x 640 x 3
uint8 image, side by side in one process with the same exchange between PyTorch and
NumPy:

- export: ``torch.from_dlpack(x)`` and ``np.from_dlpack(x)`` of a corten owner (a
  writable alias: its buffer escapes on the first export, later ones are cheap) and of a
  frozen view (read-only, pins the buffer), against ``torch.from_dlpack`` of an ndarray
  and ``np.from_dlpack`` of a torch tensor;
- import: ``ct.from_dlpack`` of a torch tensor and of an ndarray, against
  ``np.from_dlpack`` of the torch tensor and ``torch.from_numpy`` of the ndarray.

Each corten case is reported as a ratio to the torch <-> NumPy exchange in the same
direction (lower is better). Targets are printed with PASS or MISS; a MISS is
information, not a failure.
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

NAME = "interop"

SHAPE = (480, 640, 3)

# Target (informational): a corten exchange within this factor of the torch <-> numpy one.
EXCHANGE_VS_BASELINE_MAX = 5.0


def _check(ok: bool, message: str) -> None:
    """Benchmarks time correct code only: stop when an exchange copies or differs."""
    if not ok:
        raise RuntimeError(f"benchmark sanity check failed: {message}")


def _ptr(a: np.ndarray) -> int:
    return int(a.__array_interface__["data"][0])


# name: (statement, baseline name); statements run on x (corten owner), v (frozen view),
# a (ndarray), tt (torch tensor)
CASES: dict[str, tuple[str, str | None, bool]] = {
    # name: (statement, baseline, needs torch)
    "numpy -> torch (torch.from_dlpack)": ("torch.from_dlpack(a)", None, True),
    "numpy -> torch (torch.from_numpy)": ("torch.from_numpy(a)", None, True),
    "torch -> numpy (np.from_dlpack)": ("np.from_dlpack(tt)", None, True),
    "corten -> torch": ("torch.from_dlpack(x)", "numpy -> torch (torch.from_dlpack)", True),
    "corten view -> torch": ("torch.from_dlpack(v)", "numpy -> torch (torch.from_dlpack)", True),
    "torch -> corten": ("ct.from_dlpack(tt)", "torch -> numpy (np.from_dlpack)", True),
    "corten -> numpy": ("np.from_dlpack(x)", "torch -> numpy (np.from_dlpack)", False),
    "corten view -> numpy": ("np.from_dlpack(v)", "torch -> numpy (np.from_dlpack)", False),
    "numpy -> corten": ("ct.from_dlpack(a)", "numpy -> torch (torch.from_numpy)", False),
}


def _check_zero_copy(ns: dict[str, Any], torch: Any) -> None:
    x, v, a = ns["x"], ns["v"], ns["a"]
    base = _ptr(x._np())
    _check(_ptr(np.from_dlpack(x)) == base, "np.from_dlpack(owner) copied")
    _check(_ptr(np.from_dlpack(v)) == _ptr(v._np()), "np.from_dlpack(view) copied")
    _check(not np.from_dlpack(v).flags.writeable, "a frozen view exported writable memory")
    _check(_ptr(ct.from_dlpack(a)._np()) == _ptr(a), "ct.from_dlpack(ndarray) copied")
    if torch is not None:
        tt = ns["tt"]
        _check(torch.from_dlpack(x).data_ptr() == base, "torch.from_dlpack(owner) copied")
        _check(torch.from_dlpack(v).data_ptr() == _ptr(v._np()), "torch.from_dlpack(view) copied")
        _check(_ptr(ct.from_dlpack(tt)._np()) == tt.data_ptr(), "ct.from_dlpack(torch) copied")
        _check(np.array_equal(ct.from_dlpack(tt).numpy(), tt.numpy()), "torch -> corten differs")


def bench_exchange(config: Config, torch: Any) -> tuple[list[dict[str, Any]], list[Target]]:
    h, w, c = SHAPE
    heading(f"DLPack exchange of a {h} x {w} x {c} uint8 image (median time per call)")
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, size=SHAPE, dtype=np.uint8)
    x = ct.tensor(a)  # corten owns a copy of the pixels
    v = ct.tensor(a).view()  # a frozen view over another copy
    ns: dict[str, Any] = {"np": np, "ct": ct, "x": x, "v": v, "a": a, "torch": torch}
    if torch is not None:
        ns["tt"] = torch.from_numpy(a.copy())
    _check_zero_copy(ns, torch)

    cases = {
        name: Case(stmt, ns)
        for name, (stmt, _, needs_torch) in CASES.items()
        if torch is not None or not needs_torch
    }
    timings = compare(cases, config)

    records: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    targets: list[Target] = []
    for name, (stmt, baseline, _) in CASES.items():
        if name not in timings:
            continue
        t = timings[name].median
        t_base = timings[baseline].median if baseline in timings else None
        over = ratio(t, t_base)
        records.append(
            {
                "case": name,
                "statement": stmt,
                "baseline": baseline,
                **timings[name].as_dict(),
                "over_baseline": over,
            }
        )
        rows.append([name, stmt, fmt_time(t), baseline or "", fmt_ratio(over)])
        if baseline is not None:
            targets.append(
                Target(
                    name=f"{name}: vs {baseline}",
                    goal=f"within {EXCHANGE_VS_BASELINE_MAX:g}x the torch <-> numpy time",
                    measured=(
                        f"{fmt_time(t)} vs {fmt_time(t_base)} ({fmt_ratio(over)})"
                        if over is not None
                        else "torch not installed"
                    ),
                    passed=None if over is None else over <= EXCHANGE_VS_BASELINE_MAX,
                    value=over,
                )
            )
    print_table(["exchange", "statement", "time", "baseline", "vs baseline"], rows, align="llrlr")
    print("(vs baseline: corten's time over the torch <-> numpy exchange; lower is better)")
    return records, targets


def run(config: Config) -> dict[str, Any]:
    """Run the DLPack exchange benchmarks; print tables and targets; return the results."""
    torch, notes = optional_torch()
    records, targets = bench_exchange(config, torch)
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {
        "shape": list(SHAPE),
        "exchange": records,
        "targets": [t.as_dict() for t in targets],
        "notes": notes,
    }
