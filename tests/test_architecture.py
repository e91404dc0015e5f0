"""The package's layers: no import cycle anywhere in ``src/corten``, and the layer order.

The graph counts every import statement, also those inside functions; imports under
``if TYPE_CHECKING:`` are annotations only and do not count. ``lint-imports`` (run by
``make test``) checks the contracts of ``pyproject.toml``; this test checks the whole
module graph for cycles, which those contracts check only between siblings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "corten"

#: The layers of docs/design.md, lowest first: a module imports only from its own
#: layer or those before it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"memory"}),
    frozenset({"backends"}),
    frozenset({"tensor"}),
    frozenset({"creation"}),
    frozenset({"ops", "pipelines", "interop", "serialization"}),
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for stmt in node.body:
                    skipped.update(id(n) for n in ast.walk(stmt))
    return skipped


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The corten modules that ``name`` imports (the nearest enclosing module of each)."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_nodes(tree)
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            subs = [f"{module}.{a.name}" for a in node.names]
            names = [s for s in subs if s in modules] or [module]
        else:
            continue
        for target in names:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_graph_sees_function_level_imports() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_the_package() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the public face, corten/__init__.py, stands above every layer
    for rank, names in enumerate(LAYERS):
        if parts[1] in names:
            return rank
    return None


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_module_belongs_to_a_layer(module: str) -> None:
    assert module == "corten" or _layer(module) is not None, (
        f"{module} is in no layer of tests/test_architecture.py and docs/design.md"
    )


def test_imports_run_downward() -> None:
    wrong = []
    for module, targets in _graph().items():
        here = _layer(module)
        if here is None:
            continue
        for target in targets:
            there = _layer(target)
            if (
                there is None
                or there > here
                or (
                    there == here
                    and target.split(".")[1] != module.split(".")[1]
                    and here == len(LAYERS) - 1
                )
            ):
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(sorted(wrong))
