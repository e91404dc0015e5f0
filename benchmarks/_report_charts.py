"""PNG charts of the performance report (matplotlib, Agg backend, no global state).

One chart per benchmark module: a bar per comparison, the speed of corten relative to
the other library (its time over corten's) on a log scale, so 1 (the same speed) is the
middle and 100x faster and 100x slower are equally far from it. One chart of the
memory-bound operations as a fraction of the host's memory bandwidth.
"""

from __future__ import annotations

import math
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from benchmarks._report_data import ModuleReport, speed_text

_COLOURS = {"NumPy": "#1f77b4", "PyTorch": "#ff7f0e", "safetensors": "#2ca02c", "Python": "#d62728"}
_OTHER = "#7f7f7f"
_DPI = 100


def _colour(column: str) -> str:
    for name, colour in _COLOURS.items():
        if column.startswith(name):
            return colour
    return _OTHER


def _save(fig: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig)
    fig.savefig(path, dpi=_DPI, metadata={"Software": None})


def module_chart(m: ModuleReport, path: Path) -> bool:
    """A bar chart of every ratio of ``m`` into ``path``; False when it has none."""
    bars: list[tuple[str, float, str, str]] = []  # label, speed, colour, text
    for s in m.sections:
        for row in s.rows:
            for column in s.columns:
                other = row.baselines.get(column)
                if other is None or other <= 0 or row.corten <= 0:
                    continue
                case = row.label if row.label == s.short else f"{s.short}: {row.label}"
                label = f"{case} vs {column}"
                bars.append(
                    (label, other / row.corten, _colour(column), speed_text(row.corten, other))
                )
    if not bars:
        return False
    bars.reverse()  # the first comparison at the top
    height = 1.2 + 0.3 * len(bars)
    fig = Figure(figsize=(11, height), layout="constrained")
    ax = fig.add_subplot()
    ys = range(len(bars))
    speeds = [b[1] for b in bars]
    ax.barh(list(ys), [math.log10(v) for v in speeds], color=[b[2] for b in bars], height=0.6)
    ax.set_yticks(list(ys), [b[0] for b in bars], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    low = min(0.0, *(math.log10(v) for v in speeds))
    high = max(0.0, *(math.log10(v) for v in speeds))
    pad = max(0.6, 0.2 * (high - low))
    ax.set_xlim(low - pad, high + pad)
    for y, (_, speed, _, text) in zip(ys, bars, strict=True):
        x = math.log10(speed)
        ax.text(x, y, f" {text} ", va="center", ha="left" if x >= 0 else "right", fontsize=7)
    ticks = range(math.floor(low - pad), math.ceil(high + pad) + 1)
    ax.set_xticks(list(ticks), [_tick(t) for t in ticks], fontsize=8)
    ax.set_xlabel("corten's speed relative to the other library (log scale; right of 1: faster)")
    ax.set_title(f"{m.name}: corten against the other libraries, same run", fontsize=10)
    _save(fig, path)
    return True


def _tick(power: int) -> str:
    if power >= 0:
        return f"{10**power:,}x"
    return f"1/{10 ** (-power):,}"


def bandwidth_chart(rows: list[tuple[str, dict[str, float]]], path: Path) -> bool:
    """Grouped bars: each operation's fraction of the memcpy bandwidth, by library."""
    if not rows:
        return False
    libraries: list[str] = []
    for _, fractions in rows:
        libraries += [lib for lib in fractions if lib not in libraries]
    height = 1.4 + 0.2 * len(rows) * len(libraries)
    fig = Figure(figsize=(10, height), layout="constrained")
    ax = fig.add_subplot()
    step = 0.8 / len(libraries)
    for i, lib in enumerate(libraries):
        ys = [len(rows) - 1 - j + (len(libraries) / 2 - i - 0.5) * step for j in range(len(rows))]
        values = [fractions.get(lib, 0.0) for _, fractions in rows]
        colour = "#9467bd" if lib == "corten" else _colour(lib)
        ax.barh(ys, values, height=step * 0.9, color=colour, label=lib)
    ax.set_yticks(list(range(len(rows) - 1, -1, -1)), [label for label, _ in rows], fontsize=8)
    ax.axvline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.set_xlabel("bytes moved per second / NumPy copy's read+write bandwidth (1 = memcpy)")
    ax.set_title("memory-bound operations against the host's memory bandwidth", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    _save(fig, path)
    return True
