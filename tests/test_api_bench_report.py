"""The performance report reads the elementwise benchmark's results (bench_elementwise):
synthetic round timings, so each ratio it prints can be checked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_report import payload, readers, render, table_row, tm

MIB = 1 << 20


def elementwise() -> dict[str, Any]:
    large = [
        {
            "op": op,
            "statement": stmt,
            "elements": 16 * MIB,
            "corten": tm(0.02),
            "numpy": tm(0.02 * speed),
            "torch": tm(0.06),
        }
        for op, stmt, speed in (
            ("sqrt", "ct.sqrt(x)", 1.0),
            ("where", "ct.where(x > 0.5, x, y)", 0.5),
        )
    ]
    return payload(
        "elementwise",
        {
            "large": large,
            "small_add": {"corten": tm(1e-6), "numpy": tm(5e-7), "torch": tm(2e-6)},
            "targets": [],
        },
    )


def test_the_elementwise_results_are_read() -> None:
    m = readers.read_module(elementwise())
    assert m.problems == []
    assert [s.title for s in m.sections] == [
        f"array API functions on {16 * MIB:,} float32 elements",
        "one small function call: add(a, b) on 3 float32 elements",
    ]
    where = next(b for b in m.bandwidth if b.label.startswith("ct.where"))
    assert where.bytes_moved == 4 * 16 * MIB * 4  # three reads and a write


def test_the_elementwise_tables_hold_the_ratios(tmp_path: Path) -> None:
    text = render(tmp_path, elementwise())
    assert table_row(text, "ct.sqrt(x)") == ["ct.sqrt(x)", "20 ms", "1.00x faster", "3.00x faster"]
    assert table_row(text, r"ct.where(x \> 0.5, x, y)")[2] == "2.00x slower"
    assert table_row(text, "add(a, b)") == ["add(a, b)", "1 us", "2.00x slower", "2.00x faster"]
