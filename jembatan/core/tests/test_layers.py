"""The floors of the house (docs/architecture.md), checked on the import graph.

Every production module under jembatan/ (not tests, not migrations) is parsed (AST, nothing
is imported) and each import of a project module is checked:

(a) no app imports an app on a higher floor;
(b) the capabilities on floor 7 do not import each other;
(c) the module-level import graph has no cycle;
(d) no function imports a project module, except where a reason is written below
    (ALLOWED_LOCAL): an import inside a function is how a cycle hides from (c).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import jembatan

ROOT = Path(jembatan.__file__).parent

FLOORS = {
    "core": 1,
    "env": 1,
    "settings": 1,
    "settings_test": 1,
    "regions": 2,
    "tenants": 2.5,  # the kabupaten/kota served (tenants), read by every floor above
    "accounts": 3,
    "communities": 4,
    "sites": 5,
    "dissemination": 6,
    "aspirations": 7,
    "clarifications": 7,
    "dialogue": 7,
    "disclosure": 7,
    "literacy": 7,
    "api": 8,
    "dashboard": 8,
    "workspace": 8,
    "demo": 9,
    "testing": 9,  # factories and the browser fixtures of the tests
    "urls": 10,  # the root URLconf mounts every app
    "wsgi": 10,
}
CAPABILITIES = 7  # the floor whose apps stand side by side and never import each other

# Known imports against the floors, each to be removed (none today: the workspace home left
# core for jembatan/workspace/, floor 8). The test below fails when an entry is no longer
# needed, so this set can only shrink.
PENDING: set[tuple[str, str]] = set()

# Imports inside a function that are not there to dodge a cycle, each with its reason.
# Keys: (importing module, function, imported module); "*" matches any imported module.
ALLOWED_LOCAL: dict[tuple[str, str, str], str] = {}


def _ready_reason(module: str, function: str) -> str | None:
    if module.endswith(".apps") and function == "ready":
        # Django's rule: models (and the modules that import them) cannot be imported
        # while apps.py itself is imported; ready() runs once the registry is complete.
        return "AppConfig.ready: models may only be imported once the app registry is ready"
    return None


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module
    line: int
    function: str | None  # the enclosing function, None at module level
    typing_only: bool  # under `if TYPE_CHECKING:`


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def production_files() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if not {"tests", "migrations", "__pycache__"} & set(p.relative_to(ROOT).parts)
    )


MODULES = {_module_name(p): p for p in production_files()}
ALL_MODULES = {_module_name(p) for p in ROOT.rglob("*.py")}


def _resolve(source: str, path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "jembatan"]
    if node.level:
        package = source.split(".") if path.name == "__init__.py" else source.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    if base.split(".")[0] != "jembatan":
        return []
    # `from jembatan.x import services` imports the module jembatan.x.services.
    found = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in ALL_MODULES]
    return found if len(found) == len(node.names) else [*found, base]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str, path: Path) -> list[Import]:
    found: list[Import] = []

    def walk(node: ast.AST, function: str | None, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                name = getattr(child, "name", "<lambda>")
                walk(child, function or name, typing_only)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                walk(child, function, True)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                for target in _resolve(module, path, child):
                    found.append(Import(module, target, child.lineno, function, typing_only))
            else:
                walk(child, function, typing_only)

    walk(ast.parse(path.read_text(encoding="utf-8")), None, False)
    return found


ALL_IMPORTS = [i for module, path in MODULES.items() for i in imports_of(module, path)]


def floor_of(module: str) -> tuple[str, int]:
    parts = module.split(".")
    app = parts[1] if len(parts) > 1 else "urls"
    assert app in FLOORS, f"{module}: app {app!r} has no floor; add it to FLOORS and the docs"
    return app, FLOORS[app]


def _where(i: Import) -> str:
    return f"{MODULES[i.source].relative_to(ROOT.parent)}:{i.line} imports {i.target}"


def test_the_walk_sees_the_project():
    """A walk that found nothing would pass every other test."""
    assert len(MODULES) > 150
    assert "jembatan.aspirations.services" in MODULES
    assert not any("tests" in m.split(".") or "migrations" in m.split(".") for m in MODULES)
    sources = {(i.source, i.target) for i in ALL_IMPORTS}
    assert ("jembatan.aspirations.services", "jembatan.aspirations.models") in sources
    assert ("jembatan.dashboard.scoring", "jembatan.aspirations.models") in sources


def test_no_import_runs_up_or_sideways():
    wrong = []
    for i in ALL_IMPORTS:
        (source_app, source_floor), (target_app, target_floor) = (
            floor_of(i.source),
            floor_of(i.target),
        )
        if source_app == target_app or (i.source, i.target) in PENDING:
            continue
        if target_floor > source_floor:
            wrong.append(f"up: {_where(i)} (floor {source_floor} -> {target_floor})")
        elif target_floor == source_floor == CAPABILITIES:
            wrong.append(f"sideways between capabilities: {_where(i)}")
    assert not wrong, "Imports against the floors (docs/architecture.md):\n" + "\n".join(wrong)


def test_pending_exceptions_are_still_needed():
    """Each PENDING pair still exists: a stale entry would hide a new upward import."""
    actual = {(i.source, i.target) for i in ALL_IMPORTS}
    assert not PENDING - actual, f"remove from PENDING: {sorted(PENDING - actual)}"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), or self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_cycle_between_modules():
    edges: dict[str, set[str]] = defaultdict(set)
    for i in ALL_IMPORTS:
        if i.function is None and not i.typing_only and i.source != i.target:
            edges[i.source].add(i.target)
    cycles = _cycles(edges)
    assert not cycles, "Import cycles (module level):\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_no_import_inside_a_function_dodges_a_cycle():
    local = []
    for i in ALL_IMPORTS:
        if i.function is None:
            continue
        if _ready_reason(i.source, i.function):
            continue
        if (i.source, i.function, i.target) in ALLOWED_LOCAL or (
            i.source,
            i.function,
            "*",
        ) in ALLOWED_LOCAL:
            continue
        local.append(f"{_where(i)} inside {i.function}()")
    assert not local, (
        "Project imports inside functions (move them to the top of the module; if that "
        "makes a cycle, fix the cycle; or allow one with its reason in ALLOWED_LOCAL):\n"
        + "\n".join(local)
    )


def test_every_allowed_local_import_still_exists():
    actual = {(i.source, i.function, i.target) for i in ALL_IMPORTS if i.function}
    wildcard = {(s, f, "*") for s, f, _t in actual}
    stale = set(ALLOWED_LOCAL) - actual - wildcard
    assert not stale, f"remove from ALLOWED_LOCAL: {sorted(stale)}"
