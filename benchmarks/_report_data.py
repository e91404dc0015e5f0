"""The performance report's model: tables, bandwidth rows, targets, and their helpers.

A :class:`ModuleReport` is one results file read (by ``_report_readers``): its
:class:`Section` tables (corten's median time and the median times of the libraries it
is compared with, measured in the same run), :class:`Bandwidth` rows for operations
bounded by memory bandwidth, figures with no baseline, targets, and the problems met
while reading (shown in the report instead of stopping it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The order of the modules in the report; modules not named here follow, by name.
MODULE_ORDER = (
    "foundation",
    "views",
    "iterators",
    "api_functions",
    "interop",
    "serialization",
    "devices",
)

MODULE_TITLES = {
    "foundation": "O(1) clones, a small operation, large elementwise work",
    "views": "creating views, and copying a permuted image",
    "iterators": "iter() and the fused par_iter pipelines",
    "api_functions": "array API functions: reductions, matmul, sort, joining images",
    "interop": "DLPack exchange with PyTorch and NumPy",
    "serialization": "safetensors files",
    "devices": "fills, strided copies and transfers",
    "elementwise": "array API functions: large elementwise work, a small add",
}

FLOAT32_BYTES = 4  # foundation and iterators time float32 data (see their docstrings)

# A target about a GPU (a device other than the host, or CuPy): reported only from a
# recorded GPU run, never from a run that had none.
_GPU_WORDS = re.compile(r"\b(device|gpu|cuda|cupy|pcie|hbm)\b", re.IGNORECASE)


@dataclass
class Row:
    """One case: corten's median seconds, and each baseline's (None: not measured)."""

    label: str
    corten: float
    baselines: Mapping[str, float | None]


@dataclass
class Section:
    """A table of cases compared with the same baselines (the table's columns)."""

    title: str
    short: str  # the case family, in chart labels
    case_header: str
    columns: list[str]
    rows: list[Row]
    note: str = ""


@dataclass
class Bandwidth:
    """An operation bounded by memory bandwidth: bytes it moves and its median times."""

    label: str
    bytes_moved: int
    seconds: dict[str, float]  # library -> median seconds per call
    what: str  # how the bytes are counted


@dataclass
class Limit:
    """The host's memory bandwidth, measured by a plain NumPy copy."""

    module: str
    run: str
    bytes: int
    seconds: float
    copy_gbps: float
    rw_gbps: float


@dataclass
class TargetRow:
    name: str
    goal: str
    measured: str
    verdict: str  # PASS, MISS or SKIP

    @property
    def is_gpu(self) -> bool:
        return bool(_GPU_WORDS.search(self.name)) and "(CPU)" not in self.name


@dataclass
class ModuleReport:
    """A results file read: its tables, bandwidth rows, other figures and targets."""

    name: str
    payload: dict[str, Any]
    sections: list[Section] = field(default_factory=list)
    bandwidth: list[Bandwidth] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)  # figures with no baseline (Markdown)
    targets: list[TargetRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def run(self) -> str:
        return run_key(self.payload)

    def read(self, what: str, reader: Callable[[], None]) -> None:
        """Run one reader; a layout it does not expect becomes a problem in the report."""
        try:
            reader()
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            self.problems.append(f"{what}: not read ({type(exc).__name__}: {exc})")


def run_key(payload: dict[str, Any]) -> str:
    """What identifies the run that wrote a results file.

    ``run_started`` is recorded by ``python -m benchmarks``; older files lack it, and
    are grouped by commit, mode and machine description (which includes the load
    average read once at the start of a run).
    """
    started = payload.get("run_started")
    if started:
        return str(started)
    machine = json.dumps(payload.get("machine"), sort_keys=True)
    return f"{payload.get('commit')}|{payload.get('mode')}|{machine}"


def load_results(directory: Path) -> list[dict[str, Any]]:
    """The results files of ``directory``, in report order (:data:`MODULE_ORDER`)."""
    payloads = []
    for path in sorted(directory.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(payload, dict):
            raise ValueError(f"{path}: not a results object (got {type(payload).__name__})")
        payload.setdefault("benchmark", path.stem)
        payloads.append(payload)

    def order(p: dict[str, Any]) -> tuple[int, str]:
        name = str(p["benchmark"])
        return (MODULE_ORDER.index(name) if name in MODULE_ORDER else len(MODULE_ORDER), name)

    return sorted(payloads, key=order)


# ----------------------------------------------------------------------------- helpers


def is_timing(value: Any) -> bool:
    """A :class:`~benchmarks._harness.Timing` as saved: median, min, number, repeat."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("median"), int | float)
        and "repeat" in value
        and "number" in value
    )


def median(record: dict[str, Any], key: str) -> float | None:
    """The median of the timing ``record[key]``; None when it was not measured."""
    value = record.get(key)
    if value is None:
        return None
    if not is_timing(value):
        raise ValueError(f"{key!r} is not a timing: {value!r}")
    return float(value["median"])


def required(record: dict[str, Any], key: str) -> float:
    value = median(record, key)
    if value is None:
        raise KeyError(key)
    return value


def timings(record: dict[str, Any]) -> dict[str, float]:
    """Every timing of ``record``, by key, in the record's order."""
    return {k: float(v["median"]) for k, v in record.items() if is_timing(v)}


def split_corten(record: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """corten's timing (the key ``corten``) and the others', by key."""
    found = timings(record)
    corten = found.pop("corten")
    return corten, found


def median_of(record: dict[str, Any] | None) -> float | None:
    """The median of a record that is itself a timing (None for no record)."""
    if record is None:
        return None
    if not is_timing(record):
        raise ValueError(f"not a timing: {record!r}")
    return float(record["median"])


def timing_of(record: dict[str, Any]) -> float:
    """The median of a record that must be a timing."""
    if not is_timing(record):
        raise ValueError(f"not a timing: {record!r}")
    return float(record["median"])


def size_text(n: int) -> str:
    """A byte count: binary units where exact (64 MiB), else decimal MB (40.0 MB)."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale and n % scale == 0 and n // scale < 1024:
            return f"{n // scale} {unit}"
    return f"{n} B" if n < 10_000 else f"{n / 1e6:.1f} MB"


_LIBRARY_NAMES = {"numpy": "NumPy", "torch": "PyTorch", "cupy": "CuPy"}


def speed_text(corten: float, other: float) -> str:
    """``2.00x faster`` when corten takes half the other's time; ``2.00x slower``."""
    speed = other / corten
    if speed >= 1:
        return f"{_times(speed)} faster"
    return f"{_times(1 / speed)} slower"


def _times(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}x"
    if x >= 10:
        return f"{x:.1f}x"
    return f"{x:.2f}x"


def library(key: str) -> str:
    """A results key (``numpy``, ``torch``, ``numpy mmap``) as a column name."""
    head, _, rest = key.partition(" ")
    name = _LIBRARY_NAMES.get(head, head)
    return f"{name} {rest}".strip()


def find_limit(modules: list[ModuleReport]) -> Limit | None:
    """The memcpy bandwidth recorded by a module (the devices benchmark records it)."""
    for m in modules:
        mc = m.payload.get("memcpy")
        if isinstance(mc, dict):
            try:
                return Limit(
                    m.name,
                    m.run,
                    int(mc["bytes"]),
                    float(mc["seconds"]),
                    float(mc["copy_gbps"]),
                    float(mc["rw_gbps"]),
                )
            except (KeyError, TypeError, ValueError) as exc:
                m.problems.append(f"memcpy: not read ({type(exc).__name__}: {exc})")
    return None
