"""The examples run and print what they claim (``make demo`` runs examples/tour.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def tour_output() -> str:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "tour.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"tour.py failed:\n{proc.stdout}\n{proc.stderr}"
    assert proc.stderr == "", proc.stderr
    return proc.stdout


@pytest.mark.parametrize(
    "line",
    [
        "device: cpu",
        "shape (480, 640, 3), dtype uint8, 921600 bytes",
        "first write to the clone copied 1 buffer(s) of 921600 bytes (ct.cow_stats)",
        "original unchanged by the clone's write: True",
        "view type: TensorView",
        "frozen view unchanged after owner write: True",
        "owner row 0 is now all 255: True",
        "view type: TensorViewMut",
        "owner sees writes through view_mut: True",
        "owner rows 10..19 sum: 134400, 7 x 19200 elements: True",
        "rows outside the band untouched: True",
        "uint8 tensor + float32 tensor raised DTypeError: True",
        "  is a TypeError too: True",
        "sum of (2x - 1)^2 over 4M float32: agrees with float64 numpy: True",
        "host read of device memory without to_cpu() raised DeviceMismatchError: True",
        "to_cpu() matches the cpu result: True",
        "sim memory back to its baseline after del: True",
        "np.from_dlpack of a frozen view shares memory: True, read-only: True",
    ],
)
def test_tour_prints(tour_output: str, line: str) -> None:
    assert line in tour_output.splitlines()


def test_tour_reports_timings_and_reductions(tour_output: str) -> None:
    out = tour_output
    assert "corten img.clone():" in out
    assert "numpy  pixels.copy():" in out
    assert "x faster than the copy" in out
    assert "agree: True)" in out
    assert "message: dtypes differ: uint8 and float32" in out
    assert "False" not in out
    assert "on sim:0: (480, 640)" in out
    assert "equal True" in out
    assert len(out.splitlines()) <= 60
