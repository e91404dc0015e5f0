"""Write the performance report: ``python -m benchmarks.report``.

Reads the results that ``python -m benchmarks`` wrote (``benchmarks/results/*.json``)
and writes ``docs/performance.md`` with PNG charts in ``docs/performance/``: the run and
the machine described (the load average at the start included), the targets with their
PASS, MISS or SKIP, the host's memory bandwidth (a plain NumPy copy, recorded by the
devices benchmark) as the physical limit of the memory-bound operations, and per
benchmark a table in which every figure compares corten with NumPy, PyTorch or another
library timed in the same run. The report reads results only: it measures nothing.

GPU figures appear only for a run recorded in ``docs/gpu-verification.md``, named with
its commit; without one the report says that no GPU run is recorded and lists the GPU
targets as not run.

``make bench`` runs the benchmarks and then this report.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._harness import RESULTS_DIR, fmt_time
from benchmarks._report_data import (
    MODULE_TITLES,
    Bandwidth,
    Limit,
    ModuleReport,
    TargetRow,
    find_limit,
    load_results,
    size_text,
    speed_text,
)
from benchmarks._report_readers import read_module

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "performance.md"
DEFAULT_CHARTS = ROOT / "docs" / "performance"
DEFAULT_GPU_RECORD = ROOT / "docs" / "gpu-verification.md"

NO_GPU_RUN = "No GPU run is recorded"


@dataclass
class Charts:
    """The charts drawn, by name (a module's, or ``bandwidth``), or why none were."""

    paths: dict[str, Path]
    missing_reason: str | None = None


# ----------------------------------------------------------------------------- text


def md(text: object) -> str:
    """``text`` with Markdown's special characters escaped (for prose and table cells)."""
    out = str(text).replace("\\", "\\\\")
    for ch in "`*_[]|<>":
        out = out.replace(ch, "\\" + ch)
    return out


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    rule = {"l": ":--", "r": "--:"}
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule[a] for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _date(iso: object) -> str:
    text = str(iso)
    if text.endswith("+00:00"):
        return text[:-6].replace("T", " ") + " UTC"
    return text.replace("T", " ")


def _commit(payload: dict[str, Any]) -> str:
    commit = payload.get("commit")
    if not commit:
        return "unknown (not a git checkout)"
    text = f"`{str(commit)[:12]}`"
    dirty = payload.get("commit_dirty")
    if dirty:
        text += " with uncommitted changes in the working tree"
    elif dirty is None:
        text += " (whether the working tree had uncommitted changes was not recorded)"
    return text


def _load(value: Any) -> str:
    return "not recorded" if value is None else f"{float(value):.2f}"


def _gbps(x: float) -> str:
    return f"{x:.3g} GB/s"


# ----------------------------------------------------------------------------- parts


def _header(modules: list[ModuleReport]) -> list[str]:
    runs = list(dict.fromkeys(m.run for m in modules))
    first = modules[0].payload
    lines = [
        "# Performance report",
        "",
        "Written by `python -m benchmarks.report` from the results of `make bench` "
        "(`benchmarks/results/*.json`); rerun `make bench` to refresh it rather than "
        "editing it. `make bench BENCH_ARGS=--quick` gives a quicker, noisier version.",
        "",
        "Every ratio compares corten with another library (NumPy, PyTorch, the safetensors "
        "package, a Python loop) timed in the same run and the same process, their timing "
        "batches interleaved so that load from elsewhere hits both alike. *2.00x faster* "
        "means the other library's median time per call is twice corten's; *2.00x slower* "
        "means corten's is twice the other's. Absolute times are corten's medians per call.",
        "",
    ]
    if len(runs) > 1:
        lines += [
            f"**These results come from {len(runs)} different runs** (see the table below): "
            "ratios within a module come from one run, but the modules were measured at "
            "different times. Run `make bench` for a report from a single run.",
            "",
        ]
    lines += ["## The run", ""]
    rows = []
    for m in modules:
        p = m.payload
        rows.append(
            [
                md(m.name),
                md(p.get("mode", "?")),
                md(_date(p.get("timestamp", "?"))),
                _commit(p) if len(runs) > 1 else f"`{str(p.get('commit'))[:12]}`",
                f"{float(p.get('elapsed_s', 0)):.1f} s",
                _load(p.get("load_avg_1min_after")),
            ]
        )
    total = sum(float(m.payload.get("elapsed_s", 0)) for m in modules)
    if len(runs) == 1:
        lines += [
            f"- Date: {md(_date(first.get('run_started', first.get('timestamp', '?'))))}",
            f"- Mode: {md(first.get('mode', '?'))} (`{md(first.get('command', '?'))}`)",
            f"- Commit: {_commit(first)}",
            f"- Benchmark time: {total:.0f} s over {len(modules)} modules",
            "",
        ]
    lines += _table(["module", "mode", "finished", "commit", "time", "load after"], rows, "lllrrr")
    return lines


def _machine(modules: list[ModuleReport]) -> list[str]:
    info = modules[0].payload.get("machine") or {}
    if not isinstance(info, dict):
        return ["## The machine", "", "Not recorded.", ""]
    lines = ["## The machine", ""]
    if any(m.payload.get("machine") != info for m in modules):
        lines += [
            "The modules' results describe different machine states (different runs); "
            f"this is the description recorded by {md(modules[0].name)}.",
            "",
        ]
    cpus = info.get("cpus_usable") or info.get("cpu_count")
    memory = info.get("memory_bytes")
    torch = info.get("torch")
    env = ", ".join(f"{k}={v}" for k, v in (info.get("env") or {}).items()) or "none set"
    load = info.get("load_avg_1min")
    if load is None:
        load_text = "not recorded"
    else:
        load_text = (
            f"{float(load):.2f} (1-minute average at the start of the run, {cpus} usable CPUs)"
        )
        if cpus and float(load) >= 0.5 * float(cpus):
            load_text += (
                ": other processes competed for the CPUs during this run, so the timings are "
                "noisy; rerun on an idle machine for figures to rely on"
            )
        else:
            load_text += ": the machine was mostly idle"
    rows = [
        [
            "CPU",
            md(
                f"{info.get('processor', '?')}, {info.get('cpu_count', '?')} logical CPUs ({cpus} usable)"
            ),
        ],
        ["Memory", md(f"{memory / 2**30:.1f} GiB") if memory else "not recorded"],
        ["System", md(f"{info.get('platform', '?')} ({info.get('machine', '?')})")],
        ["Python", md(info.get("python", "?"))],
        ["NumPy", md(info.get("numpy", "?"))],
        [
            "PyTorch",
            md(f"{torch} ({info.get('torch_threads')} threads)") if torch else "not installed",
        ],
        ["corten", md(info.get("corten", "?"))],
        ["Environment", md(env)],
        ["Load at start", md(load_text)],
    ]
    return lines + _table(["", ""], rows, "ll")


def _targets_summary(modules: list[ModuleReport]) -> list[str]:
    rows = []
    totals = {"PASS": 0, "MISS": 0, "SKIP": 0}
    gpu = 0
    for m in modules:
        counts = {"PASS": 0, "MISS": 0, "SKIP": 0}
        for t in m.targets:
            if t.is_gpu:
                gpu += 1
            else:
                counts[t.verdict] = counts.get(t.verdict, 0) + 1
        for k in totals:
            totals[k] += counts[k]
        rows.append([md(m.name), *(str(counts[k]) for k in ("PASS", "MISS", "SKIP"))])
    rows.append(["**all**", *(f"**{totals[k]}**" for k in ("PASS", "MISS", "SKIP"))])
    lines = ["## Targets", ""]
    lines += [
        "Targets are informational: a MISS does not fail `make bench`. Each module's "
        "targets are listed under it; GPU targets are in the GPU section"
        + (f" ({gpu} of them)." if gpu else "."),
        "",
    ]
    return lines + _table(["module", "PASS", "MISS", "SKIP"], rows, "lrrr")


def _limit_part(
    limit: Limit | None, modules: list[ModuleReport], charts: Charts, out_dir: Path
) -> list[str]:
    lines = ["## The physical limit: host memory bandwidth", ""]
    if limit is None:
        return [
            *lines,
            "No module recorded the host's memory bandwidth (the devices benchmark records "
            "it as `memcpy`; it did not run): no figure is compared with a physical limit.",
            "",
        ]
    lines += [
        f"A plain NumPy copy, `np.copyto(dst, src)` of {size_text(limit.bytes)}, took "
        f"{fmt_time(limit.seconds)}: {_gbps(limit.copy_gbps)} copied, "
        f"**{_gbps(limit.rw_gbps)} read and written** (measured by the {md(limit.module)} "
        "benchmark in this run). An operation that must move its bytes through memory "
        "cannot run much faster than that on one thread; a multi-threaded one (PyTorch, "
        "corten's `par_iter` on several threads) can exceed it. Below, each memory-bound "
        "operation's bytes moved per second, and that as a fraction of the copy's.",
        "",
    ]
    entries: list[tuple[ModuleReport, Bandwidth]] = [(m, b) for m in modules for b in m.bandwidth]
    libraries: list[str] = []
    for _, b in entries:
        libraries += [lib for lib in b.seconds if lib not in libraries]
    rows = []
    chart_rows: list[tuple[str, dict[str, float]]] = []
    other_run = False
    for m, b in entries:
        same = m.run == limit.run
        other_run |= not same
        cells = []
        fractions = {}
        for lib in libraries:
            sec = b.seconds.get(lib)
            if sec is None or sec <= 0:
                cells.append("-")
                continue
            rate = b.bytes_moved / sec / 1e9
            if same:
                fractions[lib] = rate / limit.rw_gbps
                cells.append(f"{_gbps(rate)} ({fractions[lib]:.2f}x)")
            else:
                cells.append(f"{_gbps(rate)} (other run)")
        rows.append([md(b.label), md(f"{size_text(b.bytes_moved)}, {b.what}"), *cells])
        if fractions:
            chart_rows.append((b.label, fractions))
    lines += _table(
        ["operation", "bytes moved per call", *(md(lib) for lib in libraries)],
        rows,
        "ll" + "r" * len(libraries),
    )
    lines += [
        "(In brackets: the fraction of the NumPy copy's read+write bandwidth.)"
        + (
            " Rows marked *other run* come from another run than the copy, so they are "
            "not compared with it."
            if other_run
            else ""
        ),
        "",
    ]
    if "bandwidth" in charts.paths:
        rel = os.path.relpath(charts.paths["bandwidth"], out_dir)
        lines += [f"![memory-bound operations against the host's memory bandwidth]({rel})", ""]
    return lines


def _module_part(m: ModuleReport, charts: Charts, out_dir: Path, used: set[str]) -> list[str]:
    p = m.payload
    title = MODULE_TITLES.get(m.name)
    lines = [f"## {md(m.name)}" + (f": {md(title)}" if title else ""), ""]
    lines += [
        f"{md(str(p.get('mode', '?')).capitalize())} run, "
        f"{md(_date(p.get('timestamp', '?')))}, {float(p.get('elapsed_s', 0)):.1f} s; "
        f"1-minute load average after it: {_load(p.get('load_avg_1min_after'))}.",
        "",
    ]
    for s in m.sections:
        heading = s.title if s.title not in used else f"{s.title} ({m.name})"
        used.add(heading)
        lines += [f"### {md(heading)}", ""]
        if s.note:
            lines += [md(s.note), ""]
        rows = []
        for row in s.rows:
            cells = []
            for column in s.columns:
                other = row.baselines.get(column)
                ok = other is not None and other > 0 and row.corten > 0
                cells.append(speed_text(row.corten, other) if ok and other else "-")
            rows.append([md(row.label), fmt_time(row.corten), *cells])
        lines += _table(
            [md(s.case_header), "corten (median)", *(f"vs {md(c)}" for c in s.columns)],
            rows,
            "lr" + "r" * len(s.columns),
        )
    if m.name in charts.paths:
        rel = os.path.relpath(charts.paths[m.name], out_dir)
        lines += [f"![{md(m.name)}: corten's speed against the other libraries]({rel})", ""]
    if m.extras:
        lines += [f"### Other {md(m.name)} figures", ""]
        lines += [f"- {md(e)}" for e in m.extras] + [""]
    cpu_targets = [t for t in m.targets if not t.is_gpu]
    if cpu_targets:
        lines += [f"### {md(m.name)} targets", ""]
        lines += _targets_table(cpu_targets)
    notes = [str(n) for n in p.get("notes", []) or []]
    if notes or m.problems:
        lines += [f"### Notes on {md(m.name)}", ""]
        lines += [f"- From the run: {md(n)}" for n in notes]
        lines += [f"- The report could not read part of the results: {md(pr)}" for pr in m.problems]
        lines += [""]
    return lines


def _targets_table(targets: list[TargetRow]) -> list[str]:
    rows = [[f"**{t.verdict}**", md(t.name), md(t.goal), md(t.measured)] for t in targets]
    return _table(["verdict", "target", "goal", "measured"], rows, "llll")


def _gpu_part(modules: list[ModuleReport], record: Path) -> list[str]:
    lines = ["## GPU", ""]
    targets = [t for m in modules for t in m.targets if t.is_gpu]
    text = record.read_text(encoding="utf-8") if record.is_file() else None
    runs = [line[3:].strip() for line in (text or "").splitlines() if line.startswith("## ")]
    devices = next((m for m in modules if isinstance(m.payload.get("cuda"), dict)), None)
    cuda = devices.payload["cuda"] if devices is not None else {}
    commit = str(devices.payload.get("commit") or "") if devices is not None else ""
    recorded = bool(text and cuda.get("available") and commit and commit[:7] in text)
    if not runs:
        where = "does not exist" if text is None else "lists no run"
        lines += [
            f"**{NO_GPU_RUN}**: `docs/gpu-verification.md` {where}. This report therefore "
            "holds no GPU figure: no PCIe or HBM bandwidth, no ratio against PyTorch or CuPy "
            "on a GPU. GPU figures are reported only from a run on a real GPU recorded there "
            "(date, commit, GPU, pass/fail counts, bandwidth figures).",
            "",
        ]
    else:
        lines += ["GPU runs recorded in `docs/gpu-verification.md`:", ""]
        lines += [f"- {md(r)}" for r in runs] + [""]
    if devices is not None and cuda.get("available") and not recorded:
        lines += [
            "This run had a GPU, but it is not recorded in `docs/gpu-verification.md` "
            f"(commit {md(commit[:12])}): its GPU figures are left out until it is.",
            "",
        ]
    if recorded and devices is not None:
        lines += [
            f"GPU targets from the GPU run of {md(_date(devices.payload.get('timestamp', '?')))}, "
            f"commit `{md(commit[:12])}`, recorded in `docs/gpu-verification.md`:",
            "",
        ]
        return lines + _targets_table(targets)
    if targets:
        reason = cuda.get("reason") if isinstance(cuda, dict) else None
        lines += [
            "GPU targets, **not run**" + (f" (this run: {md(reason)})" if reason else "") + ":",
            "",
        ]
        rows = [[md(t.name), md(t.goal), "not run"] for t in targets]
        lines += _table(["target", "goal", "status"], rows, "lll")
    return lines


def _reproduce() -> list[str]:
    return [
        "## Reproducing",
        "",
        "- `make bench`: the whole suite (several minutes), then this report.",
        "- `make bench BENCH_ARGS=--quick`: fewer repeats and smaller sizes, about two "
        "minutes on 2 CPUs.",
        "- `python -m benchmarks --only NAME` then `python -m benchmarks.report`: one module "
        "again; the report then says which modules come from other runs.",
        "",
    ]


def render(modules: list[ModuleReport], charts: Charts, out_dir: Path, gpu_record: Path) -> str:
    """The Markdown of the report (charts already drawn, named in ``charts``)."""
    limit = find_limit(modules)
    lines = _header(modules) + _machine(modules) + _targets_summary(modules)
    lines += _limit_part(limit, modules, charts, out_dir)
    if charts.missing_reason:
        lines += [f"Charts not drawn: {md(charts.missing_reason)}", ""]
    used: set[str] = set()
    for m in modules:
        lines += _module_part(m, charts, out_dir, used)
    lines += _gpu_part(modules, gpu_record) + _reproduce()
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- files


def draw_charts(modules: list[ModuleReport], charts_dir: Path) -> Charts:
    """One PNG per module with ratios, and the bandwidth chart; old PNGs there removed."""
    try:
        _report_charts = importlib.import_module("benchmarks._report_charts")
    except ImportError as exc:
        return Charts({}, f"matplotlib is not installed ({exc}); pip install -e '.[bench]'")
    charts_dir.mkdir(parents=True, exist_ok=True)
    for old in charts_dir.glob("*.png"):
        old.unlink()
    paths: dict[str, Path] = {}
    for m in modules:
        path = charts_dir / f"{m.name}.png"
        if _report_charts.module_chart(m, path):
            paths[m.name] = path
    limit = find_limit(modules)
    if limit is not None:
        rows = [
            (
                b.label,
                {
                    lib: b.bytes_moved / s / 1e9 / limit.rw_gbps
                    for lib, s in b.seconds.items()
                    if s > 0
                },
            )
            for m in modules
            if m.run == limit.run
            for b in m.bandwidth
        ]
        path = charts_dir / "bandwidth.png"
        if _report_charts.bandwidth_chart(rows, path):
            paths["bandwidth"] = path
    return Charts(paths)


def write_report(
    results_dir: Path = RESULTS_DIR,
    out: Path = DEFAULT_OUT,
    charts_dir: Path = DEFAULT_CHARTS,
    gpu_record: Path = DEFAULT_GPU_RECORD,
) -> list[Path]:
    """Read ``results_dir``, write ``out`` and the charts; the files written."""
    payloads = load_results(results_dir)
    if not payloads:
        raise FileNotFoundError(
            f"no results in {results_dir}: run `python -m benchmarks` (or `make bench`) first"
        )
    modules = [read_module(p) for p in payloads]
    charts = draw_charts(modules, charts_dir)
    text = render(modules, charts, out.parent, gpu_record)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return [out, *charts.paths.values()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--charts-dir", type=Path, default=DEFAULT_CHARTS)
    parser.add_argument("--gpu-record", type=Path, default=DEFAULT_GPU_RECORD)
    args = parser.parse_args(argv)
    try:
        written = write_report(args.results_dir, args.out, args.charts_dir, args.gpu_record)
    except FileNotFoundError as exc:
        print(f"error: {exc}")
        return 1
    print(f"report: {written[0]} ({len(written) - 1} charts in {args.charts_dir})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
