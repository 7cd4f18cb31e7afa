"""The layout's rules, checked on the source: no import cycles, a docstring per module, a typed pipeline."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "src" / "appealagent"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports, at the top or inside functions alike."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    mod = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    mod = node.module or ""
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            for t in targets:
                if t in modules and t != name and not name.startswith(t + "."):
                    graph[name].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles_counting_imports_inside_functions() -> None:
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in found)


@pytest.mark.parametrize("name", sorted(_modules()))
def test_every_module_opens_with_a_docstring(name: str) -> None:
    tree = ast.parse(_modules()[name].read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and doc.strip(), f"{name} has no module docstring saying its job"


def test_no_any_in_pipeline_signatures() -> None:
    from appealagent import pipeline

    for fname, fn in inspect.getmembers(pipeline, inspect.isfunction):
        if fn.__module__ != pipeline.__name__:
            continue
        hints = typing.get_type_hints(fn)
        for arg, hint in hints.items():
            assert "Any" not in repr(hint), f"pipeline.{fname}: {arg} is typed {hint!r}"


# The two edges allowed to import the package's own modules inside functions: the CLI's command
# bodies (so `--help` and option errors pay for nothing) and the engine registry's loaders (so an
# offline draft never imports the LLM engines). Everywhere else such an import would hide a cycle
# or dodge work done at import time.
LAZY_OWN_IMPORTS_ALLOWED = ("appealagent.cli.", "appealagent.engines.registry")


def test_own_modules_are_imported_at_the_top_outside_the_cli_and_the_engine_registry() -> None:
    offenders = []
    for name, path in _modules().items():
        if name.startswith(LAZY_OWN_IMPORTS_ALLOWED):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("appealagent")):
                    offenders.append(f"{name}.{fn.name}: from {'.' * node.level}{node.module or ''} import …")
                elif isinstance(node, ast.Import) and any(a.name.startswith("appealagent") for a in node.names):
                    offenders.append(f"{name}.{fn.name}: import {node.names[0].name}")
    assert offenders == [], "imports of the package inside functions:\n" + "\n".join(offenders)
