"""The code's shape: no module imports another in a circle, and each app keeps to its
side of the boundaries (``opd`` knows nothing of the auction, ``auctions`` nothing of
the documents, ``contracts`` nothing of the monitoring).

Imports are read from the source (``ast``), including those inside functions: a
circle hidden in a function is still a circle a newcomer has to untangle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lelang", "opd", "auctions", "contracts", "monitoring")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _targets(module: str, path: Path, node, modules) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in modules]
    if node.level:
        base = module.split(".")
        if path.name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    targets = []
    for alias in node.names:
        if f"{source}.{alias.name}" in modules:
            targets.append(f"{source}.{alias.name}")
        elif source in modules:
            targets.append(source)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                graph[module].update(
                    t for t in _targets(module, path, node, modules) if t != module
                )
        graph.setdefault(module, set())
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_checker_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_in_a_circle():
    assert cycles(import_graph()) == []


# An app may import the apps listed here and ``lelang``. The rule names apps, never
# modules, so a new module is covered. ``lelang`` is both the shared layer and the
# project that wires the apps together (URLs, ASGI, the home page, the navigation,
# the demo command): it keeps only the rule above, no circle.
MAY_IMPORT = {
    "opd": set(),
    "auctions": {"opd"},
    "contracts": {"opd", "auctions"},
    "monitoring": {"opd", "auctions", "contracts"},
}


def test_each_app_keeps_to_its_boundary():
    crossings = []
    for module, targets in import_graph().items():
        app = module.split(".")[0]
        if app not in MAY_IMPORT:
            continue
        for target in targets:
            other = target.split(".")[0]
            if other not in (app, "lelang") and other not in MAY_IMPORT[app]:
                crossings.append(f"{module} → {target}")
    assert crossings == []
