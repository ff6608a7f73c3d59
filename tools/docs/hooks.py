"""mkdocs hooks: the pages generated from the code, the notebooks and the oracle data.

mkdocs imports this file by path (``hooks:`` in mkdocs.yml). Generated pages are added
as in-memory files in ``on_files``, so nothing generated is ever committed, and their
entries are put into the nav in ``on_config`` (the nav names ``reference/api/index.md``
and ``notebooks/index.md``; each becomes a section with the pages found at build time).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# The generators beside this file, and netsim itself when it is not installed (the
# notebooks' kernels inherit PYTHONPATH from this process).
for _path in (HERE, ROOT):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)

import site_api as api  # noqa: E402
import site_commands as commands  # noqa: E402
import site_fidelity as fidelity  # noqa: E402
import site_notebooks as notebooks  # noqa: E402
import site_pictures as pictures  # noqa: E402
import site_player as player  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

import netsim  # noqa: E402,F401  (imported now: plugins may change sys.path later)


def _expand_nav(nav: list[Any], page: str, section: list[Any]) -> bool:
    """Replace the nav entry pointing at ``page`` by ``section`` (its index first)."""
    for i, item in enumerate(nav):
        if isinstance(item, dict):
            ((title, value),) = item.items()
            if value == page:
                nav[i] = {title: [page, *section]}
                return True
            if isinstance(value, list) and _expand_nav(value, page, section):
                return True
    return False


def on_config(config: Any) -> Any:
    modules = api.public_modules()
    if not _expand_nav(config["nav"], "reference/api/index.md",
                       [{m.name: m.page} for m in modules]):
        raise ValueError("mkdocs.yml: the nav has no reference/api/index.md")
    if not _expand_nav(config["nav"], "notebooks/index.md",
                       [{nb.title: nb.page} for nb in notebooks.found()]):
        raise ValueError("mkdocs.yml: the nav has no notebooks/index.md")
    return config


def _add(files: Files, config: Any, path: str, content: str | bytes) -> None:
    files.append(File.generated(config, path, content=content))


def on_files(files: Files, config: Any) -> Files:
    modules = api.public_modules()
    _add(files, config, "reference/api/index.md", api.index_page(modules))
    names = {m.name for m in modules}
    for module in modules:
        _add(files, config, module.page, api.module_page(module, names))
    _add(files, config, "reference/commands.md", commands.page())
    _add(files, config, "fidelity.md", fidelity.page())
    pages = {f.src_uri for f in files if f.src_uri.endswith(".md")}
    for path, content in notebooks.pages(pages):
        _add(files, config, path, content)
    for path, content in [*player.files(), *pictures.files()]:
        _add(files, config, path, content)
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """The modes page's tables: built from the scenarios at build time."""
    if pictures.MODES_MARK in markdown:
        markdown = markdown.replace(pictures.MODES_MARK, pictures.modes_section())
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    """Put the notebooks' HTML outputs (the player, animations) where they were shown."""
    return notebooks.insert_html(page.file.src_uri, html)
