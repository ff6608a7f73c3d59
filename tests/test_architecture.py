"""The package's shape: layers that point one way, and modules small enough to read.

Read with ``ast`` (nothing is imported). An import counts unless it sits under
``if TYPE_CHECKING:``; imports inside functions count too, because a lazy import still
ties two parts together. A *part* is a first-level folder or module of ``netsim/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "netsim"
MAX_LINES = 800


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = getattr(test, "id", None) or getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    """(module, line) for every runtime import in ``path``, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _part(module: str) -> str | None:
    bits = module.split(".")
    if bits[0] != "netsim" or len(bits) < 2:
        return None
    part = bits[1]
    exists = (PACKAGE / part).is_dir() or (PACKAGE / f"{part}.py").exists()
    return part if exists else None


def part_graph() -> nx.DiGraph:
    """Parts as nodes; an edge a -> b (with an example ``file:line``) when a imports b."""
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _part(_module_name(path))
        if source is None:  # netsim/__init__.py: the public face, above every part
            continue
        graph.add_node(source)
        for target_module, line in _imported_modules(path):
            target = _part(target_module)
            if target and target != source and not graph.has_edge(source, target):
                graph.add_edge(source, target, where=f"{path.relative_to(PACKAGE.parent)}:{line}")
    return graph


def test_no_import_cycle_between_parts() -> None:
    graph = part_graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    details = [f"{a} -> {b} ({graph.edges[a, b]['where']})"
               for cycle in cycles for a in cycle for b in cycle if graph.has_edge(a, b)]
    assert cycles == [], "parts import each other in a circle:\n" + "\n".join(details)


def test_no_module_over_the_line_limit() -> None:
    too_big = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
               if (n := p.read_text(encoding="utf-8").count("\n")) > MAX_LINES}
    assert too_big == {}


def test_the_checks_see_a_cycle_and_a_lazy_import(tmp_path, monkeypatch) -> None:
    """The walk itself can fail: a lazy import inside a function still makes an edge,
    and one under TYPE_CHECKING does not."""
    fake = tmp_path / "netsim"
    for part in ("low", "high"):
        (fake / part).mkdir(parents=True)
        (fake / part / "__init__.py").write_text("")
    (fake / "low" / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from netsim.high import b\n"
        "def f():\n    from netsim.high.b import g\n")
    (fake / "high" / "b.py").write_text("from ..low import a\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    graph = part_graph()
    assert set(graph.edges) == {("low", "high"), ("high", "low")}
    assert graph.edges["low", "high"]["where"] == "netsim/low/a.py:5"


def test_the_layers_point_down() -> None:
    """The order the architecture doc draws: nothing low imports anything above it."""
    order = ["packets", "engine", "stack", "devices", "bridge", "wire", "netlink", "user",
             "pseudofs", "shell", "host", "qemu", "services", "world", "cli", "analysis",
             "lab", "scenarios", "labs", "viz", "app", "__main__"]
    rank = {part: i for i, part in enumerate(order)}
    graph = part_graph()
    missing = set(graph.nodes) - set(order)
    assert missing == set(), f"parts missing from the order: {missing}"
    upward = [f"{a} -> {b} ({graph.edges[a, b]['where']})"
              for a, b in graph.edges if rank[a] < rank[b]]
    assert upward == []


def test_the_shell_depends_only_on_user_space() -> None:
    """bash and its coreutils see processes, files and a command table, never the kernel
    model or the tools: ``netsim shell`` and any host can run it as it is."""
    graph = part_graph()
    assert set(graph.successors("shell")) <= {"user"}, dict(graph["shell"])
