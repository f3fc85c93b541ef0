"""Production code (portal/) has no import loops: a static graph of every import in every
portal/*.py module – at the top, in `if`/`try` blocks and inside functions alike (a function's
import that closes a loop is a loop all the same, only hidden until the function runs); imports
under `if TYPE_CHECKING:` never run and are left out – has no cycle.

A loop means neither module can be read without the other half-loaded, or that two modules
each need the other: it was how command modules hung on their blueprints (routes.py ↔
commands.py, now one package, portal/cli/), and how a domain module reached up into a staff
page's display code. Domain packages import each other downwards only.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "portal"
# Loops that wait for a bigger move, each with its reason (none today).
ALLOWED: set[frozenset[str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
            or isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run: anywhere in the module (functions, classes, `try` handlers
    included), except under `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _imports(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from _imports(child)


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom,
             modules: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    found = set()
    for alias in node.names:
        if f"{source}.{alias.name}" in modules:  # from package import submodule
            found.add(f"{source}.{alias.name}")
        elif source in modules:
            found.add(source)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in (ROOT / PACKAGE).rglob("*.py")}
    modules = set(paths)
    graph = {}
    for module, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in _imports(tree):
            edges |= _targets(module, path.name == "__init__.py", node, modules)
        graph[module] = edges - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of two or more modules (Tarjan), as one loop through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_loop(graph, group) for group in groups]


def _loop(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A path from the group's first module back to itself, inside the group (breadth first)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for target in sorted(graph[module] & group):
                if target == start:
                    path = [module]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target not in came_from:
                    came_from[target] = module
                    following.append(target)
        frontier = following
    return sorted(group)


def test_the_graph_sees_the_package():
    graph = import_graph()
    assert "portal.cli" in graph and "portal.staff.routes" in graph
    assert "portal.staff.access" in graph["portal.staff.routes"]
    assert "bench.queue" not in graph  # the benchmark is outside the package


def test_a_loop_is_found_and_shown():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_production_code_has_no_import_loops():
    found = [loop for loop in cycles(import_graph()) if frozenset(loop) not in ALLOWED]
    assert not found, "import loops in portal/:\n" + "\n".join(" → ".join(loop)
                                                                for loop in found)


def test_imports_inside_functions_count_and_type_checking_ones_do_not():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from portal.a import A\n"
        "def later():\n    try:\n        from portal.b import B\n"
        "    except ImportError:\n        from portal.c import C\n"
        "class K:\n    def m(self):\n        import portal.d\n")
    assert [getattr(node, "module", None) or node.names[0].name for node in _imports(tree)] \
        == ["typing", "portal.b", "portal.c", "portal.d"]
