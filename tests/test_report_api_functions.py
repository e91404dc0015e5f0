"""The performance report reads the array API functions benchmark
(``benchmarks/bench_api_functions.py``) into a table against NumPy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_report import payload, readers, render, table_row, target, tm


def api_functions() -> dict[str, Any]:
    def row(op: str, corten: float, numpy: float) -> dict[str, Any]:
        return {
            "op": op,
            "corten": tm(corten),
            "numpy": tm(numpy),
            "numpy_over_corten": numpy / corten,
        }

    return payload(
        "api_functions",
        {
            "functions": [
                row("sum(axis=0) 4096 x 4096 float32", 0.01, 0.01),
                row("sort 10M float32", 0.5, 1.0),
            ],
            "targets": [target("sort 10M float32: corten speed vs numpy", True)],
        },
    )


def test_the_layout_is_read_without_problems() -> None:
    m = readers.read_module(api_functions())
    assert m.problems == []
    assert [r.label for r in m.sections[0].rows] == [
        "sum(axis=0) 4096 x 4096 float32",
        "sort 10M float32",
    ]
    assert m.sections[0].columns == ["NumPy"]


def test_the_table_holds_the_ratios_against_numpy(tmp_path: Path) -> None:
    text = render(tmp_path, api_functions())
    assert table_row(text, "sort 10M float32")[1:] == ["500 ms", "2.00x faster"]
    assert table_row(text, "sum(axis=0) 4096 x 4096 float32")[1:] == ["10 ms", "1.00x faster"]
