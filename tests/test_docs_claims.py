"""The README and MIGRATION.md agree on what the project is today.

Both say what the ``cuda`` device is (built, tested without a GPU over an emulated
driver, not yet run on a GPU until a run is recorded in docs/gpu-verification.md), and
the README says what ``make test`` costs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("README.md", "MIGRATION.md")


def _text(name: str) -> str:
    return " ".join((ROOT / name).read_text().split())  # line breaks as spaces


@pytest.mark.parametrize("name", PAGES)
def test_the_cuda_device_is_described_the_same_way(name: str) -> None:
    text = _text(name)
    assert not re.search(r"cuda`? is (unavailable|not available)", text), name
    assert "emulated driver" in text, f"{name} should say how cuda is tested without a GPU"
    if not (ROOT / "docs" / "gpu-verification.md").exists():
        assert re.search(r"not yet run on a GPU|not run on a GPU yet", text), name


def test_the_readme_says_what_make_test_costs() -> None:
    text = _text("README.md")
    assert re.search(r"make test.{0,400}\bGB\b", text), "the install size"
    assert re.search(r"make test.{0,600}\bminutes\b", text), "the time it takes"
