"""Static-typing tests, in the manner of NumPy's stub tests (DESIGN §3).

``tests/typing/pass``
    Code that must type-check cleanly.
``tests/typing/fail``
    Every line that must be an error carries
    ``# type: ignore[code]  # pyright: ignore[rule]`` with the exact mypy error code and
    pyright rule. Unused ignores are errors in both checkers (``warn_unused_ignores``,
    ``reportUnnecessaryTypeIgnoreComment``), so zero diagnostics means that every
    expected error is still reported, with the expected code.
``tests/typing/reveal``
    ``assert_type`` checks of inferred types; both checkers report a mismatch.

mypy runs once over the three directories with ``tests/typing/mypy.ini`` (strict), and
pyright once with ``tests/typing/pyrightconfig.json`` (strict); the tests then sort the
diagnostics by directory. The files are only type-checked, never run. Deselect these
tests with ``-m "not typing"``.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.typing

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
GROUPS = ("pass", "fail", "reveal")
MYPY_INI = TYPING / "mypy.ini"
PYRIGHT_CONFIG = TYPING / "pyrightconfig.json"
TIMEOUT_S = 300

_MYPY_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?")
_PYRIGHT_IGNORE = re.compile(r"#\s*pyright:\s*ignore(?P<rules>\[[^\]]*\])?")


@dataclass(frozen=True)
class Diagnostic:
    """One message of a checker, with a 1-based line number."""

    path: Path
    line: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        try:
            where = self.path.relative_to(ROOT)
        except ValueError:
            where = self.path
        return f"{where}:{self.line}: {self.severity}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class CheckerRun:
    name: str
    diagnostics: tuple[Diagnostic, ...] = field(repr=False)
    raw: str = field(repr=False)

    def problems(self, group: str) -> list[Diagnostic]:
        """Errors and warnings reported in ``tests/typing/<group>``."""
        base = TYPING / group
        return [
            d
            for d in self.diagnostics
            if d.severity in ("error", "warning") and d.path.is_relative_to(base)
        ]


def _sources(group: str) -> list[Path]:
    return sorted((TYPING / group).glob("*.py"))


def _all_sources() -> list[Path]:
    return [p for group in GROUPS for p in _sources(group)]


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def _report(run: CheckerRun, diagnostics: list[Diagnostic]) -> str:
    lines = [str(d) for d in diagnostics]
    files = {d.path for d in diagnostics}
    notes = [
        str(d)
        for d in run.diagnostics
        if d.severity not in ("error", "warning") and d.path in files
    ]
    if notes:
        lines += ["", "notes:", *notes]
    return f"{run.name} reported {len(diagnostics)} problem(s):\n" + "\n".join(lines)


@pytest.fixture(scope="session")
def mypy_run(tmp_path_factory: pytest.TempPathFactory) -> CheckerRun:
    """mypy --strict over all three directories, once, with a fresh cache."""
    cache = tmp_path_factory.mktemp("mypy-cache")
    cmd = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(MYPY_INI),
        "--cache-dir",
        str(cache),
        "--output",
        "json",
        *(str(p) for p in _all_sources()),
    ]
    proc = _run(cmd)
    raw = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1):
        pytest.fail(f"mypy did not run (exit {proc.returncode}):\n{raw}")
    diagnostics = []
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            pytest.fail(f"unexpected mypy output:\n{raw}")
        diagnostics.append(
            Diagnostic(
                path=(ROOT / item["file"]).resolve(),
                line=item["line"],
                severity=item["severity"],
                code=item["code"] or "",
                message=item["message"],
            )
        )
    if proc.returncode == 1 and not any(d.severity == "error" for d in diagnostics):
        pytest.fail(f"mypy failed without reporting an error:\n{raw}")
    return CheckerRun("mypy", tuple(diagnostics), raw)


@pytest.fixture(scope="session")
def pyright_run() -> CheckerRun:
    """pyright (strict) over all three directories, once."""
    cmd = [
        sys.executable,
        "-m",
        "pyright",
        "--project",
        str(PYRIGHT_CONFIG),
        "--pythonpath",
        sys.executable,
        "--outputjson",
    ]
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    proc = _run(cmd, env)
    raw = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1):
        pytest.fail(f"pyright did not run (exit {proc.returncode}):\n{raw}")
    out = json.loads(proc.stdout[proc.stdout.index("{") :])
    analyzed = out["summary"]["filesAnalyzed"]
    expected = len(_all_sources())
    if analyzed != expected:
        pytest.fail(f"pyright analyzed {analyzed} files, expected {expected}:\n{raw}")
    diagnostics = tuple(
        Diagnostic(
            path=Path(item["file"]).resolve(),
            line=item["range"]["start"]["line"] + 1,
            severity=item["severity"],
            code=item.get("rule", ""),
            message=item["message"],
        )
        for item in out["generalDiagnostics"]
    )
    return CheckerRun(f"pyright {out['version']}", diagnostics, raw)


@pytest.mark.parametrize("group", GROUPS)
def test_mypy(mypy_run: CheckerRun, group: str) -> None:
    problems = mypy_run.problems(group)
    if problems:
        pytest.fail(_report(mypy_run, problems), pytrace=False)


@pytest.mark.parametrize("group", GROUPS)
def test_pyright(pyright_run: CheckerRun, group: str) -> None:
    problems = pyright_run.problems(group)
    if problems:
        pytest.fail(_report(pyright_run, problems), pytrace=False)


def test_mypy_reports_nothing_elsewhere(mypy_run: CheckerRun) -> None:
    """No error outside the three directories (corten itself is followed silently)."""
    inside = {d for group in GROUPS for d in mypy_run.problems(group)}
    outside = [d for d in mypy_run.diagnostics if d.severity == "error" and d not in inside]
    if outside:
        pytest.fail(_report(mypy_run, outside), pytrace=False)


# ------------------------------------------------------------------ the suite's own rules


def test_each_directory_has_files_with_unique_names() -> None:
    for group in GROUPS:
        assert _sources(group), f"tests/typing/{group} has no files"
    names = [p.stem for p in _all_sources()]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"module names must be unique across directories: {duplicates}"


@pytest.mark.parametrize("path", _sources("fail"), ids=lambda p: p.name)
def test_fail_lines_carry_both_precise_ignores(path: Path) -> None:
    """Each expected error names its mypy code and its pyright rule, on the same line."""
    expected = 0
    bad = []
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        mypy_ignore = _MYPY_IGNORE.search(line)
        pyright_ignore = _PYRIGHT_IGNORE.search(line)
        if mypy_ignore is None and pyright_ignore is None:
            continue
        expected += 1
        if (
            mypy_ignore is None
            or pyright_ignore is None
            or mypy_ignore.group("codes") in (None, "[]")
            or pyright_ignore.group("rules") in (None, "[]")
        ):
            bad.append(f"{path.name}:{lineno}: {line.strip()}")
    assert not bad, "expected errors need '# type: ignore[code]  # pyright: ignore[rule]':\n" + (
        "\n".join(bad)
    )
    assert expected, f"{path.name} has no expected errors"


@pytest.mark.parametrize(
    "path", _sources("pass") + _sources("reveal"), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_pass_and_reveal_files_silence_nothing(path: Path) -> None:
    text = path.read_text()
    assert not _MYPY_IGNORE.search(text), f"{path.name} must not use '# type: ignore'"
    assert not _PYRIGHT_IGNORE.search(text), f"{path.name} must not use '# pyright: ignore'"


@pytest.mark.parametrize("path", _sources("reveal"), ids=lambda p: p.name)
def test_reveal_files_assert_types(path: Path) -> None:
    text = path.read_text()
    assert "assert_type(" in text, f"{path.name} checks no type"
    assert "reveal_type(" not in text, f"{path.name}: use assert_type, which both checkers verify"


def test_checker_versions_match_pins(pyright_run: CheckerRun) -> None:
    """Expected error codes are version-specific: run the versions pyproject.toml pins."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        test_deps = tomllib.load(f)["project"]["optional-dependencies"]["test"]
    pins = dict(dep.split("==", 1) for dep in test_deps if "==" in dep)
    assert "mypy" in pins, "pin mypy with == in the test extra"
    assert "pyright" in pins, "pin pyright with == in the test extra"
    assert importlib.metadata.version("mypy") == pins["mypy"]
    assert importlib.metadata.version("pyright") == pins["pyright"]
    assert pyright_run.name == f"pyright {pins['pyright']}"
