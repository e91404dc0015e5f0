"""The documentation site builds without a warning, documents the whole public API, and
every Python example on its pages is a doctest (pytest runs them: ``--doctest-glob``).

The static-typing page also makes claims that only the type checkers can confirm: its
examples are type-checked here by mypy and pyright, and each checker must report an
error on exactly the lines marked ``# type error``.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TIMEOUT_S = 300
PUBLIC_MODULES = ("corten", "corten.backends", "corten.serialization")

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")
_PYTHON_INFO = {"python", "py", "python3", "pycon"}
_TYPE_ERROR_MARK = "# type error"


def _pages() -> list[Path]:
    """The Markdown pages of the site that live under docs/ (not the built copy)."""
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.relative_to(DOCS).parts)


def _fenced_blocks(text: str) -> list[tuple[int, str, str]]:
    """(first line number, info string, body) of each fenced code block."""
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        fence, info, start = m.group("fence"), m.group("info").strip(), i + 1
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        blocks.append((start, info, "\n".join(body)))
        i += 1
    return blocks


def _doctest_source(text: str) -> list[str]:
    """The source lines of every doctest example in ``text``, in order."""
    source = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in (">>>", "..."):
            source.append("")
        elif stripped.startswith((">>> ", "... ")):
            source.append(stripped[4:])
    return source


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )


# ----------------------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built from scratch as ``make docs`` builds it (warnings are errors)."""
    out = tmp_path_factory.mktemp("site")
    proc = _run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(out / "doctrees"),
            str(DOCS),
            str(out / "html"),
        ]
    )
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stdout}\n{proc.stderr}"
    assert "WARNING" not in proc.stderr, proc.stderr
    return out / "html"


def _inventory(html: Path) -> set[str]:
    """The Python objects that the site documents, from its objects.inv."""
    raw = (html / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):  # four text lines, then the zlib-compressed entries
        header_end = raw.index(b"\n", header_end) + 1
    names = set()
    for line in zlib.decompress(raw[header_end:]).decode().splitlines():
        name, role = line.split(" ", 2)[:2]
        if role.startswith("py:"):
            names.add(name)
    return names


def test_every_page_is_built(site: Path) -> None:
    for page in _pages():
        html = site / page.relative_to(DOCS).with_suffix(".html")
        if page.name == "migration.md" and not (ROOT / "MIGRATION.md").exists():
            continue
        assert html.is_file(), f"{page.relative_to(ROOT)} was not built"
    assert "corten.TensorView" in (site / "api" / "tensors.html").read_text()


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_the_api_reference_documents_every_public_name(site: Path, module: str) -> None:
    """Each name in ``__all__`` is documented, under ``module`` or its public home."""
    documented = _inventory(site)
    mod = importlib.import_module(module)
    missing = []
    for name in mod.__all__:
        homes = {f"{module}.{name}"}
        home = getattr(getattr(mod, name), "__module__", None)
        if isinstance(home, str) and not any(p.startswith("_") for p in home.split(".")):
            homes.add(f"{home}.{name}")
        if not homes & documented:
            missing.append(name)
    assert not missing, f"not in the API reference (docs/api/): {missing}"


# ----------------------------------------------------------------------------- examples


def _included_pages() -> list[Path]:
    """Every Markdown file the site shows: its pages and the MIGRATION.md it includes."""
    migration = ROOT / "MIGRATION.md"
    return _pages() + ([migration] if migration.exists() else [])


@pytest.mark.parametrize("page", _included_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_examples_are_doctests(page: Path) -> None:
    """A Python block without ``>>>`` would be shown but never run: none may exist."""
    untested = [
        f"{page.relative_to(ROOT)}:{line}"
        for line, info, body in _fenced_blocks(page.read_text())
        if info.split(" ")[0].lower() in _PYTHON_INFO and ">>>" not in body
    ]
    assert not untested, f"Python blocks that are not doctests: {untested}"


def test_the_fence_parser_finds_blocks() -> None:
    text = "a\n```python\n>>> 1\n1\n\n```\n  ```toml\n  x = 1\n  ```\n"
    assert _fenced_blocks(text) == [(2, "python", ">>> 1\n1\n"), (7, "toml", "  x = 1")]
    assert _doctest_source(">>> def f():\n...     return 1\n>>> f()\n1\n") == [
        "def f():",
        "    return 1",
        "f()",
    ]


# ----------------------------------------------------------------------------- typing page


@pytest.fixture(scope="module")
def typing_page_module(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[int]]:
    """The typing page's examples as one module, and the lines marked ``# type error``."""
    source = _doctest_source((DOCS / "guide" / "typing.md").read_text())
    marked = {n for n, line in enumerate(source, 1) if _TYPE_ERROR_MARK in line}
    assert len(marked) >= 4, "the typing page should show the errors the checkers report"
    path = tmp_path_factory.mktemp("typing-page") / "typing_page.py"
    path.write_text("\n".join(source) + "\n")
    return path, marked


@pytest.mark.typing
def test_mypy_reports_the_typing_page_errors_and_no_others(
    typing_page_module: tuple[Path, set[int]], tmp_path: Path
) -> None:
    path, marked = typing_page_module
    proc = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "tests" / "typing" / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--output",
            "json",
            str(path),
        ]
    )
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    errors = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    lines = {e["line"] for e in errors if e["severity"] == "error"}
    assert lines == marked, proc.stdout


@pytest.mark.typing
def test_pyright_reports_the_typing_page_errors_and_no_others(
    typing_page_module: tuple[Path, set[int]],
) -> None:
    path, marked = typing_page_module
    config = path.parent / "pyrightconfig.json"
    config.write_text(
        json.dumps(
            {
                "include": [path.name],
                "extraPaths": [str(ROOT / "src")],
                "pythonVersion": "3.11",
                "typeCheckingMode": "strict",
                # Doctests show a value by writing it as a statement of its own.
                "reportUnusedExpression": False,
            }
        )
    )
    proc = _run(
        [
            sys.executable,
            "-m",
            "pyright",
            "--project",
            str(config),
            "--pythonpath",
            sys.executable,
            "--outputjson",
        ],
        env={**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},
    )
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    out = json.loads(proc.stdout[proc.stdout.index("{") :])
    assert out["summary"]["filesAnalyzed"] == 1, proc.stdout
    lines = {
        d["range"]["start"]["line"] + 1
        for d in out["generalDiagnostics"]
        if d["severity"] == "error"
    }
    assert lines == marked, json.dumps(out["generalDiagnostics"], indent=1)
