"""The performance report (``python -m benchmarks.report``) on small synthetic results.

Each results file here has the layout its benchmark module writes, with round timings,
so every ratio, bandwidth and verdict the report prints can be checked by hand. No
benchmark runs: the report only reads results.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is a package at the repository root
    sys.path.insert(0, str(ROOT))

report = importlib.import_module("benchmarks.report")
readers = importlib.import_module("benchmarks._report_readers")
speed_text = importlib.import_module("benchmarks._report_data").speed_text

MIB = 1 << 20
RUN = "2026-01-02T03:04:05+00:00"
COMMIT = "abc1234def5678"
MACHINE: dict[str, Any] = {
    "platform": "Linux-test-x86_64",
    "machine": "x86_64",
    "processor": "Test CPU 9000",
    "python": "3.11.7",
    "cpu_count": 2,
    "cpus_usable": 2,
    "numpy": "2.4.6",
    "corten": "0.1.0",
    "torch": "2.13.0+cpu",
    "torch_threads": 2,
    "env": {},
    "memory_bytes": 24 << 30,
    "load_avg_1min": 3.5,
}


def tm(median: float) -> dict[str, Any]:
    return {"median": median, "min": median, "number": 10, "repeat": 7}


def target(name: str, passed: bool | None, measured: str = "measured") -> dict[str, Any]:
    verdict = {True: "PASS", False: "MISS", None: "SKIP"}[passed]
    return {
        "name": name,
        "goal": "a goal",
        "measured": measured,
        "passed": passed,
        "value": None,
        "notes": [],
        "verdict": verdict,
    }


def payload(name: str, body: dict[str, Any], run: str = RUN, **extra: Any) -> dict[str, Any]:
    return {
        "benchmark": name,
        "timestamp": run,
        "mode": "quick",
        "command": "python -m benchmarks --quick",
        "run_started": run,
        "commit": COMMIT,
        "commit_dirty": False,
        "elapsed_s": 1.5,
        "load_avg_1min_after": 2.0,
        "machine": MACHINE,
        "notes": [],
        **body,
        **extra,
    }


def foundation(**extra: Any) -> dict[str, Any]:
    return payload(
        "foundation",
        {
            "clone": [
                {
                    "bytes": 1024,
                    "corten_clone": tm(1e-6),
                    "numpy_copy": tm(2e-7),
                    "torch_clone": tm(1e-6),
                },
                {
                    "bytes": 64 * MIB,
                    "corten_clone": tm(1e-6),
                    "numpy_copy": tm(5e-3),
                    "torch_clone": None,  # torch not installed
                },
            ],
            "small_op": {"corten": tm(1e-6), "numpy": tm(2.5e-7), "torch": tm(1.25e-6)},
            "large": [
                {"op": "add", "elements": 1 << 24, "corten": tm(0.03), "numpy": tm(0.015)},
                {"op": "sum", "elements": 1 << 24, "corten": tm(0.01), "numpy": tm(0.01)},
            ],
            "targets": [
                target("clone O(1)", True, "1.00x"),
                target("small op: corten vs numpy", False, "4.00x"),
                target("small op: corten vs torch", None, "torch not installed"),
            ],
        },
        **extra,
    )


def devices(cuda: bool = False) -> dict[str, Any]:
    return payload(
        "devices",
        {
            # 64 MiB in 10 ms: 6.71 GB/s copied, 13.4 GB/s read + written
            "memcpy": {
                "bytes": 64 * MIB,
                "seconds": 0.01,
                "copy_gbps": 64 * MIB / 0.01 / 1e9,
                "rw_gbps": 2 * 64 * MIB / 0.01 / 1e9,
            },
            "fill": {"bytes": 64 * MIB, "corten": tm(0.01), "numpy": tm(0.005)},
            "contiguous": {"shape": [4, 8, 3], "bytes": 96, "corten": tm(2e-6), "numpy": tm(2e-6)},
            "sim_transfers": [
                {"case": "host->sim pageable", "bytes": 64 * MIB, **tm(0.02), "gbps": 3.4},
            ],
            "cuda": {"available": cuda, "reason": None if cuda else "no CUDA driver here"},
            "targets": [
                target("fill_ 64 MiB float32 (CPU) vs numpy", False, "0.500x"),
                target(
                    "pinned host->device bandwidth vs torch",
                    True if cuda else None,
                    "25.0 GB/s vs 24.0 GB/s" if cuda else "not run: no CUDA driver here",
                ),
                target("device fill vs cupy", False if cuda else None, "not run"),
            ],
        },
    )


def views() -> dict[str, Any]:
    ops = [
        {
            "op": "t[10:20, 5:50]",
            "statements": {"corten": "x[10:20, 5:50]"},
            "corten": tm(1e-6),
            "corten view": tm(2e-6),
            "numpy": tm(1e-7),
            "torch": tm(2e-6),
        }
    ]
    contiguous = {"shape": [10, 20, 3], "bytes": 600, "corten": tm(1e-3), "numpy": tm(1e-3)}
    return payload("views", {"view_creation": ops, "contiguous": contiguous, "targets": []})


def interop() -> dict[str, Any]:
    def case(name: str, baseline: str | None, median: float) -> dict[str, Any]:
        return {"case": name, "statement": "s", "baseline": baseline, **tm(median)}

    exchange = [
        case("numpy -> torch (torch.from_dlpack)", None, 2e-6),
        case("corten -> torch", "numpy -> torch (torch.from_dlpack)", 6e-6),
    ]
    return payload("interop", {"shape": [4, 4, 3], "exchange": exchange, "targets": []})


def serialization() -> dict[str, Any]:
    save = {"corten": tm(0.1), "numpy": tm(0.05), "safetensors": tm(0.2)}
    load = {
        "corten": tm(0.1),
        "corten mmap": tm(1e-4),
        "numpy": tm(0.1),
        "numpy mmap": tm(2e-4),
        "safetensors": tm(0.3),
    }
    mmap_load = {"sizes": [MIB, 64 * MIB], "1 MiB": tm(5e-5), "64 MiB": tm(5e-5)}
    body = {
        "save_load": {"bytes": 64 * MIB, "save": save, "load": load},
        "mmap_load": mmap_load,
        "targets": [],
    }
    return payload("serialization", body)


def iterators() -> dict[str, Any]:
    it = {
        "layout": "contiguous",
        "n": 1000,
        "corten iter()": tm(1e-3),
        "numpy a.flat": tm(2e-3),
        "numpy a.tolist()": tm(1e-3),
    }
    pipe = {
        "n": 1000,
        "threads_1": {"corten": tm(4e-6), "numpy": tm(4e-6)},
        "threads_2": {"corten": tm(2e-6), "numpy": tm(4e-6), "torch": tm(1e-6)},
        "python_loop_s": 2e-4,
    }
    other = [
        {"case": "corten map(f).collect()", **tm(1e-3)},
        {"case": "numpy a * 1.5", **tm(3e-3)},
    ]
    compile_ = {
        "import_s": 0.1,
        "first_call_cold_s": 0.8,
        "second_call_s": 1e-4,
        "first_call_warm_s": 0.5,
    }
    body = {
        "iter": [it],
        "pipeline": [pipe],
        "other_pipelines": other,
        "compile": compile_,
        "targets": [],
    }
    return payload("iterators", body)


ALL = {
    "foundation": foundation,
    "devices": devices,
    "views": views,
    "interop": interop,
    "serialization": serialization,
    "iterators": iterators,
}


def write(directory: Path, *payloads: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for p in payloads:
        (directory / f"{p['benchmark']}.json").write_text(json.dumps(p), encoding="utf-8")
    return directory


def render(tmp_path: Path, *payloads: dict[str, Any], gpu_record: Path | None = None) -> str:
    """The report's Markdown for ``payloads``, charts left out (they have their test)."""
    results = write(tmp_path / "results", *payloads)
    modules = [readers.read_module(p) for p in report.load_results(results)]
    charts = report.Charts({})
    return str(report.render(modules, charts, tmp_path, gpu_record or tmp_path / "none.md"))


def part(text: str, heading: str) -> str:
    """The part of ``text`` from ``heading`` to the next heading of the same level."""
    start = text.index(heading + "\n")
    level = heading.split(" ")[0] + " "
    end = text.find("\n" + level, start + len(heading))
    return text[start:] if end < 0 else text[start:end]


def table_row(text: str, first_cell: str) -> list[str]:
    """The cells of the table row whose first cell is ``first_cell``."""
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no table row {first_cell!r} in:\n{text}")


# ----------------------------------------------------------------------------- ratios


@pytest.mark.parametrize(
    ("corten", "other", "text"),
    [
        (1.0, 2.0, "2.00x faster"),
        (2.0, 1.0, "2.00x slower"),
        (1.0, 1.0, "1.00x faster"),
        (1e-6, 5e-3, "5,000x faster"),
        (1.0, 0.04, "25.0x slower"),
    ],
)
def test_speed_text_names_the_direction(corten: float, other: float, text: str) -> None:
    assert speed_text(corten, other) == text


def test_tables_hold_the_ratios_of_the_recorded_medians(tmp_path: Path) -> None:
    text = render(tmp_path, foundation())
    assert table_row(text, "1 KiB") == ["1 KiB", "1 us", "5.00x slower", "1.00x faster"]
    # torch was not measured at 64 MiB: no ratio is made up
    assert table_row(text, "64 MiB") == ["64 MiB", "1 us", "5,000x faster", "-"]
    assert table_row(text, "a + b") == ["a + b", "1 us", "4.00x slower", "1.25x faster"]
    assert table_row(text, "x + y") == ["x + y", "30 ms", "2.00x slower"]


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_known_layout_is_read_without_problems(name: str) -> None:
    m = readers.read_module(ALL[name]())
    assert m.problems == []
    assert m.sections, f"{name}: no table"
    for section in m.sections:
        assert section.rows, section.title
        for row in section.rows:
            assert set(row.baselines) <= set(section.columns)


def test_each_layout_pairs_corten_with_its_own_baseline(tmp_path: Path) -> None:
    text = render(tmp_path, interop(), serialization(), iterators(), views())
    assert table_row(text, "corten -\\> torch")[1:] == ["6 us", "3.00x slower"]
    # the mapped load is compared with NumPy's mapped load only
    assert table_row(text, "ct.load(path) (mapped)")[1:] == ["100 us", "-", "-", "2.00x faster"]
    assert table_row(text, "ct.load(path, mmap=False)")[1:] == [
        "100 ms",
        "1.00x faster",
        "3.00x faster",
        "-",
    ]
    assert table_row(text, "1,000 float32, 2 threads")[1:] == [
        "2 us",
        "2.00x faster",
        "2.00x slower",
        "100x faster",  # the Python loop, last
    ]
    assert table_row(text, "map(f).collect() (NumPy: a \\* 1.5)")[1:] == ["1 ms", "3.00x faster"]
    assert table_row(text, "t\\[10:20, 5:50\\] (frozen view)")[1:] == [
        "2 us",
        "20.0x slower",
        "1.00x faster",
    ]
    assert "import corten 100 ms" in text


# ----------------------------------------------------------------------------- machine, targets


def test_the_run_and_the_machine_are_described(tmp_path: Path) -> None:
    text = render(tmp_path, foundation(), devices())
    assert "Test CPU 9000, 2 logical CPUs (2 usable)" in text
    assert table_row(text, "Memory") == ["Memory", "24.0 GiB"]
    assert table_row(text, "Python") == ["Python", "3.11.7"]
    assert table_row(text, "NumPy") == ["NumPy", "2.4.6"]
    assert table_row(text, "PyTorch") == ["PyTorch", "2.13.0+cpu (2 threads)"]
    load = table_row(text, "Load at start")[1]
    assert load.startswith("3.50 (1-minute average at the start of the run, 2 usable CPUs)")
    assert "timings are noisy" in load
    assert f"Commit: `{COMMIT[:12]}`" in text
    assert "Date: 2026-01-02 03:04:05 UTC" in text
    assert "different runs" not in text


def test_an_idle_machine_is_not_called_noisy(tmp_path: Path) -> None:
    idle = foundation(machine={**MACHINE, "load_avg_1min": 0.2})
    load = table_row(render(tmp_path, idle), "Load at start")[1]
    assert load.startswith("0.20")
    assert "mostly idle" in load


def test_targets_keep_their_verdicts(tmp_path: Path) -> None:
    text = render(tmp_path, foundation())
    assert table_row(text, "**PASS**")[1:] == ["clone O(1)", "a goal", "1.00x"]
    assert table_row(text, "**MISS**")[1] == "small op: corten vs numpy"
    assert table_row(text, "**SKIP**")[3] == "torch not installed"
    assert table_row(part(text, "## Targets"), "foundation")[1:] == ["1", "1", "1"]


def test_a_verdict_that_contradicts_passed_is_reported() -> None:
    p = foundation()
    p["targets"][0]["verdict"] = "MISS"
    m = readers.read_module(p)
    assert any("recorded verdict MISS but passed=True" in pr for pr in m.problems)


def test_results_of_several_runs_are_flagged(tmp_path: Path) -> None:
    text = render(tmp_path, foundation(), devices() | {"run_started": "2026-01-03T00:00:00+00:00"})
    assert "**These results come from 2 different runs**" in text
    # the copy's bandwidth is not compared with figures from another run
    assert "(other run)" in text


def test_an_unexpected_layout_is_reported_and_the_rest_still_written(tmp_path: Path) -> None:
    p = foundation()
    del p["large"]
    p["small_op"] = {"numpy": tm(1.0)}  # corten's timing missing
    text = render(tmp_path, p)
    assert "large: not read (KeyError: 'large')" in text
    assert "small\\_op: not read (KeyError: 'corten')" in text
    assert table_row(text, "1 KiB")[2] == "5.00x slower"


def test_an_unknown_module_gets_a_generic_table(tmp_path: Path) -> None:
    p = payload("newthing", {"cases": [{"corten": tm(1.0), "numpy": tm(3.0)}], "targets": []})
    text = render(tmp_path, p)
    assert "### cases\\[0\\]" in text
    assert table_row(part(text, "### cases\\[0\\]"), "corten")[1:] == ["1 s", "3.00x faster"]


# ----------------------------------------------------------------------------- the limit


def test_memory_bound_operations_are_set_against_the_copy_bandwidth(tmp_path: Path) -> None:
    text = render(tmp_path, foundation(), devices())
    assert "**13.4 GB/s read and written**" in text
    fill = table_row(text, "fill\\_ 64 MiB float32")
    assert fill[1:4] == ["64 MiB, 1 write", "6.71 GB/s (0.50x)", "13.4 GB/s (1.00x)"]
    # 16M float32 add: 192 MiB moved in 30 ms
    add = table_row(text, "x + y, 16,777,216 float32")
    assert add[1:4] == ["192 MiB, 2 reads + 1 write", "6.71 GB/s (0.50x)", "13.4 GB/s (1.00x)"]
    sim = table_row(text, "host \\<-\\> sim: host-\\>sim pageable")
    assert sim[2] == "6.71 GB/s (0.50x)"


def test_without_the_copy_no_figure_is_compared_with_a_limit(tmp_path: Path) -> None:
    text = render(tmp_path, foundation())
    assert "no figure is compared with a physical limit" in text
    assert "GB/s" not in text


# ----------------------------------------------------------------------------- GPU


def test_without_a_recorded_gpu_run_the_report_says_so(tmp_path: Path) -> None:
    text = render(tmp_path, devices())
    gpu = text[text.index("## GPU") :]
    assert f"**{report.NO_GPU_RUN}**" in gpu
    assert "does not exist" in gpu
    assert table_row(gpu, "pinned host-\\>device bandwidth vs torch")[2] == "not run"
    assert table_row(gpu, "device fill vs cupy")[2] == "not run"
    assert "no CUDA driver here" in gpu
    # GPU targets appear in the GPU section only, not among the module's targets
    before = text[: text.index("## GPU")]
    assert "pinned host-\\>device" not in before
    assert table_row(part(text, "## Targets"), "devices")[1:] == ["0", "1", "0"]


def test_a_gpu_run_is_reported_only_once_recorded(tmp_path: Path) -> None:
    record = tmp_path / "gpu-verification.md"
    record.write_text("# GPU verification\n\n## 2026-01-01, commit 0000000: H100\n")
    text = render(tmp_path, devices(cuda=True), gpu_record=record)
    gpu = text[text.index("## GPU") :]
    assert "- 2026-01-01, commit 0000000: H100" in gpu
    assert "not recorded in `docs/gpu-verification.md`" in gpu
    assert "25.0 GB/s" not in text

    record.write_text(f"# GPU verification\n\n## 2026-01-02, commit {COMMIT[:7]}: H100\n")
    text = render(tmp_path, devices(cuda=True), gpu_record=record)
    gpu = text[text.index("## GPU") :]
    assert f"commit `{COMMIT[:12]}`, recorded in" in gpu
    assert table_row(gpu, "**PASS**")[1:] == [
        "pinned host-\\>device bandwidth vs torch",
        "a goal",
        "25.0 GB/s vs 24.0 GB/s",
    ]


# ----------------------------------------------------------------------------- files


def test_markdown_is_well_formed(tmp_path: Path) -> None:
    text = render(tmp_path, *(make() for make in ALL.values()))
    assert ">>>" not in text  # docs/*.md are collected by doctest
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert len(headings) == len(set(headings))
    levels = [len(h) - len(h.lstrip("#")) for h in headings]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    width = None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = len(re.split(r"(?<!\\)\|", line)) - 2
            width = cells if width is None else width
            assert cells == width, line
        else:
            width = None


def test_charts_are_written_and_linked(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    results = write(tmp_path / "results", *(make() for make in ALL.values()))
    out, charts = tmp_path / "docs" / "performance.md", tmp_path / "docs" / "performance"
    charts.mkdir(parents=True)
    (charts / "stale.png").write_bytes(b"old")
    written = report.write_report(results, out, charts, tmp_path / "none.md")
    names = sorted(p.name for p in charts.iterdir())
    assert names == sorted(f"{n}.png" for n in [*ALL, "bandwidth"])
    assert sorted(p.name for p in written[1:]) == names
    for png in charts.iterdir():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = out.read_text()
    for name in names:
        assert f"](performance/{name})" in text


def test_without_matplotlib_the_report_says_charts_were_not_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "benchmarks._report_charts", None)
    results = write(tmp_path / "results", foundation())
    out = tmp_path / "performance.md"
    assert report.write_report(results, out, tmp_path / "charts", tmp_path / "none.md") == [out]
    assert "Charts not drawn: matplotlib is not installed" in out.read_text()


def test_main_without_results_fails_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "performance.md"
    assert report.main(["--results-dir", str(tmp_path), "--out", str(out)]) == 1
    assert "run `python -m benchmarks`" in capsys.readouterr().out
    assert not out.exists()
