"""The notebooks as pages, with their outputs: run at build time, then written as Markdown.

The notebooks are stored without outputs (tests/test_notebooks.py), so the build runs
each one top to bottom in a fresh kernel (nbclient), in its own folder, and turns the
result into a Markdown page: markdown cells as they are, code cells as Python blocks,
text outputs as text blocks, PNG outputs as image files beside the page, and HTML
outputs (the player, matplotlib's JavaScript animations) inserted as they are after
Markdown has run (:func:`insert_html`), because Markdown would mangle them. Nothing a
notebook shows needs the network: the player and the animations carry their scripts.

Every ``notebooks/*.ipynb`` and ``notebooks/labs/*.ipynb`` found at build time gets a
page; the stored notebook is offered for download beside it.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = (ROOT / "notebooks", ROOT / "notebooks" / "labs")
TIMEOUT = 180  # seconds per cell; tests/test_notebooks.py holds whole notebooks to 60 s
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")

HTML_OUTPUTS: dict[str, list[str]] = {}
"""Page path -> the HTML outputs its placeholders stand for (filled by :func:`pages`)."""


@dataclass(frozen=True)
class Notebook:
    path: Path
    title: str

    @property
    def page(self) -> str:
        rel = self.path.relative_to(ROOT / "notebooks").with_suffix(".md")
        return f"notebooks/{rel.as_posix()}"

    @property
    def stem(self) -> str:
        return self.path.stem


def _title(nb_path: Path) -> str:
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return nb_path.stem.replace("_", " ")


def found() -> list[Notebook]:
    """Every notebook the site shows, in file-name order, notebooks/ before labs/."""
    return [Notebook(p, _title(p)) for folder in FOLDERS for p in sorted(folder.glob("*.ipynb"))]


def execute(path: Path):
    """The notebook run top to bottom in a fresh kernel, in its own folder."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # a failing cell raises CellExecutionError: the build stops
    return nb


def _fence(text: str, lang: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def _markdown(source: str, docs_pages: set[str], here: str) -> str:
    """A markdown cell; links to other notebooks point at their pages, links to files
    that are not pages of this site become plain text (a dead link fails the build)."""

    def link(m: re.Match) -> str:
        text, target = m.group(1), m.group(2)
        if re.match(r"[a-z]+:|#", target):
            return m.group(0)
        path, _, anchor = target.partition("#")
        if path.endswith(".ipynb"):
            path = path[:-len(".ipynb")] + ".md"
        resolved = (Path(here).parent / path).as_posix()
        resolved = str(Path(resolved)).replace("\\", "/")
        if _normalise(resolved) in docs_pages:
            return f"[{text}]({path}{'#' + anchor if anchor else ''})"
        return f"{text} (`{target}`)"

    return _LINK.sub(link, source)


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def convert(nb, notebook: Notebook, docs_pages: set[str]) -> tuple[str, list[tuple[str, bytes]]]:
    """(the page's Markdown, [(image path, PNG bytes)])."""
    html: list[str] = []
    images: list[tuple[str, bytes]] = []
    out = [f"!!! tip \"Run it yourself\"\n    Download [{notebook.path.name}]"
           f"({notebook.path.name}) or open it from a clone: "
           f"`jupyter lab {notebook.path.relative_to(ROOT).as_posix()}` "
           "(see [Getting started](../" + ("../" if "/labs/" in notebook.page else "")
           + "getting-started.md#open-the-notebooks)). Below, every cell as it ran when "
           "this site was built.\n"]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            out.append(_markdown(cell.source, docs_pages, notebook.page))
            continue
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        out.append(_fence(cell.source, "python"))
        for j, output in enumerate(cell.get("outputs", [])):
            shown = _output(output, f"{notebook.stem}_{i}_{j}", notebook, html, images)
            if shown:
                out.append(f'<div class="nb-output" markdown="1">\n\n{shown}\n\n</div>')
    HTML_OUTPUTS[notebook.page] = html
    return "\n\n".join(out) + "\n", images


def _output(output, name: str, notebook: Notebook, html: list[str],
            images: list[tuple[str, bytes]]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return _fence(_ANSI.sub("", output.get("text", "")), "text")
    if kind == "error":
        return _fence(_ANSI.sub("", "\n".join(output.get("traceback", []))), "text")
    data = output.get("data", {})
    if "text/html" in data:
        html.append(data["text/html"])
        return f'<div class="nb-html" data-nb-html="{len(html) - 1}"></div>'
    if "image/png" in data:
        image = f"{name}.png"
        folder = notebook.page.rsplit("/", 1)[0]
        images.append((f"{folder}/{image}", base64.b64decode(data["image/png"])))
        return f"![output of the cell above]({image})"
    if "image/svg+xml" in data:
        html.append(data["image/svg+xml"])
        return f'<div class="nb-html" data-nb-html="{len(html) - 1}"></div>'
    if "text/plain" in data:
        return _fence(_ANSI.sub("", data["text/plain"]), "text")
    return ""


def insert_html(page: str, content: str) -> str:
    """The page's HTML with each placeholder replaced by the output it stands for."""
    outputs = HTML_OUTPUTS.get(page)
    if not outputs:
        return content
    return re.sub(r'<div class="nb-html" data-nb-html="(\d+)"></div>',
                  lambda m: f'<div class="nb-html">{outputs[int(m.group(1))]}</div>', content)


def index_page(notebooks: list[Notebook]) -> str:
    lines = ["# Notebooks", "",
             "Each notebook walks through one part of netsim with real commands, pictures and "
             "the player. The pages below show every cell with the output it gave when "
             "this site was built; to run them yourself, see "
             "[Getting started](../getting-started.md#open-the-notebooks).", ""]
    for nb in notebooks:
        lines.append(f"* [{nb.title}]({nb.page.removeprefix('notebooks/')}) "
                     f"-- `{nb.path.relative_to(ROOT).as_posix()}`")
    return "\n".join(lines) + "\n"


def pages(docs_pages: set[str]) -> list[tuple[str, str | bytes]]:
    """Every generated file: the index, a page per notebook, its images, the .ipynb."""
    notebooks = found()
    files: list[tuple[str, str | bytes]] = [("notebooks/index.md", index_page(notebooks))]
    targets = docs_pages | {nb.page for nb in notebooks} | {"notebooks/index.md"}
    for notebook in notebooks:
        markdown, images = convert(execute(notebook.path), notebook, targets)
        files.append((notebook.page, markdown))
        files += images
        folder = notebook.page.rsplit("/", 1)[0]
        files.append((f"{folder}/{notebook.path.name}", notebook.path.read_bytes()))
    return files
