"""What the API reference covers, and its pages.

"Public" in netsim means what a module says it exports: every module (or package
``__init__``) that declares ``__all__`` gets a page, and every name in that ``__all__`` is
documented there, with the public methods and attributes of the classes among them.
Modules without ``__all__`` are the model's insides: read them in the source, which is
written to be read beside the kernel's.

``__all__`` is read from the source with :mod:`ast` rather than by importing, so listing
the public names runs no package code (``netsim.__main__`` would start the program).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "netsim"


@dataclass(frozen=True)
class PublicModule:
    """A module that declares ``__all__``: its dotted name, the names, its one-line summary."""

    name: str
    names: tuple[str, ...]
    summary: str

    @property
    def shadowed(self) -> tuple[str, ...]:
        """Names of ``__all__`` that are also submodules of this package.

        ``from netsim.viz.fdb import fdb`` makes ``netsim.viz.fdb`` the function at run
        time, but griffe keeps the submodule under that name and renders no function.
        The page documents the function under its own path, ``netsim.viz.fdb.fdb``.
        """
        folder = PACKAGE.parent.joinpath(*self.name.split("."))
        return tuple(n for n in self.names
                     if (folder / f"{n}.py").is_file() or (folder / n / "__init__.py").is_file())

    @property
    def page(self) -> str:
        """The page's path inside docs/."""
        return f"reference/api/{self.name}.md"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _declared_all(tree: ast.Module) -> tuple[str, ...] | None:
    """The literal ``__all__`` of a module, or None when it declares none."""
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return tuple(ast.literal_eval(node.value))
    return None


def public_modules() -> list[PublicModule]:
    """Every netsim module declaring ``__all__``, ``netsim`` first, then by name."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _declared_all(tree)
        if names is None:
            continue
        doc = ast.get_docstring(tree) or ""
        summary = doc.strip().split("\n\n")[0].replace("\n", " ")
        found.append(PublicModule(_module_name(path), names, summary))
    return sorted(found, key=lambda m: (m.name != "netsim", m.name))


def module_page(module: PublicModule, documented: set[str]) -> str:
    """A page: the module's docstring, then each name of its ``__all__``.

    ``documented`` are the modules with pages of their own: a shadowed name whose
    submodule has one is documented there, not twice.
    """
    text = (f"# `{module.name}`\n\n"
            f"::: {module.name}\n"
            "    options:\n"
            "      show_root_heading: false\n"
            "      heading_level: 2\n")
    for name in module.shadowed:
        if f"{module.name}.{name}" in documented:
            continue
        text += (f"\n::: {module.name}.{name}.{name}\n"
                 "    options:\n"
                 "      heading_level: 2\n")
    return text


def index_page(modules: list[PublicModule]) -> str:
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings. A module's public names are the ones its `__all__`",
        "lists; each module below declares one, and its page documents every name in it.",
        "Start with [`netsim`](netsim.md): `Lab`, `Host`, `Trace`. Modules without `__all__`",
        "are the model's insides, written to be read in the source beside the kernel's",
        "(the [architecture](../../architecture.md) page maps them).",
        "",
        "| module | public names | what it is |",
        "| --- | --- | --- |",
    ]
    for m in modules:
        summary = m.summary.replace("|", "\\|")
        lines.append(f"| [`{m.name}`]({m.name}.md) | {len(m.names)} | {summary} |")
    return "\n".join(lines) + "\n"
