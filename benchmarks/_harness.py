"""Timing, reporting and result helpers shared by the benchmark modules.

A benchmark module (``bench_<name>.py``) defines ``NAME`` (the results file stem) and
``run(config: Config) -> dict``; it measures with :func:`measure`, prints tables with
:func:`print_table`, checks targets with :class:`Target` and returns a JSON-able dict,
which ``python -m benchmarks`` writes to ``benchmarks/results/<NAME>.json``.

Environment variables that tune the libraries (``OPENBLAS_CORETYPE``, thread counts) are
read and reported, never changed.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import timeit
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"

# Environment variables worth recording next to the numbers (read only).
_ENV_KEYS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


@dataclass(frozen=True)
class Config:
    """How hard to try: ``quick`` trades precision for a run of about a minute."""

    quick: bool = False

    @property
    def repeat(self) -> int:
        """Repeats per measurement; the median of them is reported."""
        return 7 if self.quick else 11

    @property
    def min_batch_s(self) -> float:
        """The shortest batch (``number`` calls) to time, so timer resolution is noise."""
        return 0.05 if self.quick else 0.2


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median (reported) and minimum over ``repeat`` batches."""

    median: float
    min: float
    number: int
    repeat: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True)
class Case:
    """One thing to time: a callable, or a statement string run with ``globals``.

    A statement string avoids the call overhead of a wrapping lambda, which matters for
    sub-microsecond operations: ``Case("a + b", {"a": a, "b": b})``.
    """

    stmt: Callable[[], object] | str
    globals: dict[str, Any] | None = None


def compare(cases: Mapping[str, Case], config: Config) -> dict[str, Timing]:
    """Time several cases side by side; the median per-call time of each.

    Each case runs once to warm up (first-touch page faults, lazy imports, caches), then
    its ``number`` of calls per batch is chosen like ``timeit``'s autorange: the smallest
    of 1, 2, 5, 10, 20, 50, ... whose batch takes at least ``config.min_batch_s``. The
    ``config.repeat`` batches are then interleaved, one batch of each case in turn, so
    that a burst of load from elsewhere on the machine hits every case alike and the
    ratios between them stay meaningful.
    """
    timers = {name: timeit.Timer(c.stmt, globals=c.globals) for name, c in cases.items()}
    numbers: dict[str, int] = {}
    for name, timer in timers.items():
        timer.timeit(1)
        numbers[name] = _autorange(timer, config.min_batch_s)
    per_call: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(config.repeat):
        for name, timer in timers.items():
            per_call[name].append(timer.timeit(numbers[name]) / numbers[name])
    return {
        name: Timing(statistics.median(ts), min(ts), numbers[name], config.repeat)
        for name, ts in per_call.items()
    }


def measure(stmt: Callable[[], object] | str, config: Config, **globals: Any) -> Timing:
    """Time one case (see :func:`compare`): ``measure("x + 1", config, x=x)``."""
    return compare({"case": Case(stmt, globals or None)}, config)["case"]


def _autorange(timer: timeit.Timer, min_batch_s: float) -> int:
    i = 1
    while True:
        for k in (1, 2, 5):
            number = i * k
            if timer.timeit(number) >= min_batch_s:
                return number
        i *= 10


def fmt_time(seconds: float | None) -> str:
    """A duration with three significant digits and a unit (ns to s)."""
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def fmt_ratio(ratio: float | None) -> str:
    """A ratio such as ``12.3x`` (``-`` when missing)."""
    if ratio is None:
        return "-"
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    return f"{ratio:.3g}x"


def fmt_bytes(n: int) -> str:
    """1024 -> '1 KiB', 64 << 20 -> '64 MiB'."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} B"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``, or None when either is missing."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None
) -> None:
    """A plain-text table. ``align`` has one letter per column, ``l`` or ``r``; by default
    the first column is left-aligned and the others (numbers) right-aligned."""
    if align is None:
        align = "l" + "r" * (len(headers) - 1)
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.ljust(w) if a == "l" else c.rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ]
        return "  ".join(parts).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def heading(title: str) -> None:
    print(f"\n## {title}\n")


@dataclass
class Target:
    """A performance target, reported as PASS or MISS (informational, never fatal).

    ``passed`` is None when the value could not be measured (a library missing).
    """

    name: str
    goal: str
    measured: str
    passed: bool | None
    value: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "MISS", None: "SKIP"}[self.passed]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["verdict"] = self.verdict
        return d


def print_targets(targets: Sequence[Target]) -> None:
    rows = [[t.verdict, t.name, t.goal, t.measured] for t in targets]
    print_table(["", "target", "goal", "measured"], rows, align="llll")


def optional_import(name: str) -> tuple[ModuleType | None, str | None]:
    """Import ``name`` if it is installed: ``(module, None)`` or ``(None, reason)``."""
    try:
        module = __import__(name)
    except Exception as exc:  # ImportError, or a broken install raising something else
        return None, f"{name} unavailable ({type(exc).__name__}: {exc})"
    return module, None


def optional_torch() -> tuple[ModuleType | None, list[str]]:
    """PyTorch if it is installed, and the notes to record (printed once) when it is not."""
    torch, why = optional_import("torch")
    notes: list[str] = []
    if why is not None:
        notes.append(f"torch columns skipped: {why}")
        print(f"note: {notes[-1]}")
    return torch, notes


def machine_info() -> dict[str, Any]:
    """The machine and library versions, as printed in the header and saved in results."""
    import numpy as np

    import corten

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model() or platform.processor() or "unknown",
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "numpy": np.__version__,
        "corten": corten.__version__,
        "torch": None,
        "torch_threads": None,
        "env": {k: os.environ.get(k) for k in _ENV_KEYS if k in os.environ},
        "memory_bytes": _memory_bytes(),
        "load_avg_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    torch, _ = optional_import("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info


def _memory_bytes() -> int | None:
    """The machine's physical memory, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def print_machine(info: dict[str, Any]) -> None:
    torch = (
        f"{info['torch']} ({info['torch_threads']} threads)" if info["torch"] else "not installed"
    )
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items()) or "none set"
    print(f"machine : {info['platform']} ({info['machine']}), {info['processor']}")
    print(f"cpus    : {info['cpu_count']} (usable: {info['cpus_usable']})")
    print(f"python  : {info['python']}")
    print(f"versions: corten {info['corten']}, numpy {info['numpy']}, torch {torch}")
    print(f"env     : {env}")
    load, cpus = info["load_avg_1min"], info["cpus_usable"] or info["cpu_count"] or 1
    if load is not None:
        busy = load >= 0.5 * cpus
        note = ": other processes compete for the CPUs, timings will be noisy" if busy else ""
        print(f"load    : {load:.2f} (1-minute average at start){note}")


def write_results(name: str, payload: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    """Write ``payload`` to ``<directory>/<name>.json`` atomically (via a .tmp file)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def git_dirty() -> bool | None:
    """Whether the checkout differs from its commit: changed or new, not ignored, files
    (read only; None outside a git checkout)."""
    try:
        proc = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(proc.stdout.strip()) if proc.returncode == 0 else None


def git_commit() -> str | None:
    """The checked-out commit (read only), or None outside a git checkout."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None


def command_line() -> str:
    return " ".join([Path(sys.executable).name, "-m", "benchmarks", *sys.argv[1:]])
