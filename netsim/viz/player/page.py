"""The player as one HTML document: the data as JSON, the page's own CSS and script.

Nothing is fetched: the style and the script are read from this package's
``player.css`` and ``player.js`` and written into the page; the data is a
``<script type="application/json">`` whose ``<``, ``>`` and ``&`` are written as
``\\u003c`` and so on, so no name in it (an interface called ``</script>``) can end the
element. The script builds the page with ``textContent`` and ``createElement``, never
by parsing data as HTML. A Content-Security-Policy forbids every request the page
could make (``default-src 'none'``): even a bug cannot reach the network.
"""

from __future__ import annotations

import html
import itertools
import json
from functools import cache
from importlib import resources
from typing import Any

_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'")
_ids = itertools.count(1)


@cache
def asset(name: str) -> str:
    """``player.js`` or ``player.css``, as shipped in the package."""
    return resources.files("netsim.viz.player").joinpath(name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def document(data: dict[str, Any], title: str) -> str:
    """The whole page."""
    uid = f"nsp{next(_ids)}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>\n{asset('player.css')}</style>\n"
        "</head>\n<body>\n"
        f"<div class=\"nsp\" id=\"{uid}\"><noscript>This netsim player needs JavaScript "
        "(nothing is downloaded: the page holds everything).</noscript></div>\n"
        f"<script type=\"application/json\" id=\"{uid}-data\">{script_json(data)}</script>\n"
        f"<script>\n{asset('player.js')}\nnetsimPlayer(\"{uid}\");\n</script>\n"
        "</body>\n</html>\n")


def iframe(doc: str, title: str, height: int) -> str:
    """The page inside an ``<iframe srcdoc>``: how a notebook or a docs page shows it.
    Its own document, so two players on one page share no id, style or script."""
    return (f"<iframe srcdoc=\"{html.escape(doc, quote=True)}\" title=\"{html.escape(title)}\" "
            f"style=\"width: 100%; height: {int(height)}px; border: 1px solid #ccc; "
            "border-radius: 4px\" loading=\"lazy\"></iframe>")
