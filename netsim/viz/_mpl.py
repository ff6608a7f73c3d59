"""Where the pictures meet matplotlib, and what they do in a Python that has none.

The browser version of netsim (JupyterLite, Python compiled to WebAssembly by pyodide)
has no matplotlib. ``import netsim.viz`` never needed it; a drawing function imports it
when called, through :func:`pyplot`, so a missing matplotlib ends in one clear sentence
(:class:`MatplotlibMissing`) rather than a traceback from deep inside matplotlib's import.

:func:`show` is what a notebook calls: it draws a picture and shows it where matplotlib
exists, and prints the picture's text twin (``viz.topology`` -> ``viz.topology_text``)
with a short note where it does not. So one notebook reads the same in both places.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

PLAYER_NOTE = "viz.player(lab), the step-by-step player of a ping, works without it"


class MatplotlibMissing(ImportError):  # noqa: N818 - reads as what happened, like ImportError
    """A drawing function was called in a Python without matplotlib.

    An ``ImportError``, so ``except ImportError`` still catches it. ``str()`` says which
    picture, why, and what to use instead; ``.picture`` names the function
    (``"topology"``) and ``.twin`` its text twin (``"topology_text"``), if it has one.
    """

    def __init__(self, picture: str) -> None:
        self.picture = picture
        self.twin = TWINS.get(picture)
        instead = (f"viz.{self.twin}(...) prints the same picture as text, and "
                   if self.twin else "the text twins (viz.*_text) work, and ")
        super().__init__(
            f"viz.{picture}() draws with matplotlib, which is not available in this Python "
            f"(for example the browser version of netsim, JupyterLite). {instead}"
            f"{PLAYER_NOTE}.", name="matplotlib")

    def __str__(self) -> str:  # ImportError's str() is only the message; keep it so
        return self.msg


TWINS: dict[str, str] = {
    "topology": "topology_text", "ladder": "ladder_text", "fdb": "fdb_text",
    "stp": "stp_text", "animate_stp": "stp_text", "host_inside": "host_inside_text",
    "animate": "animate_text",
}
"""Each picture's text twin: the same facts, in lines a terminal (or a test) can read."""


def pyplot(picture: str) -> ModuleType:
    """``matplotlib.pyplot``, imported now; :class:`MatplotlibMissing` naming
    ``viz.<picture>()`` if this Python has no matplotlib."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MatplotlibMissing(picture) from None  # the reason is the whole story
    return plt


def show(picture: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Draw ``picture(*args, **kwargs)`` (e.g. ``show(viz.topology, lab)``) and show it.

    With matplotlib: the figure is shown (``plt.show()``; in Jupyter it appears under the
    cell and is closed) and what the function drew is returned. Without it (the browser
    version): a one-line note and the text twin, called with the arguments it shares with
    the picture (``history=`` goes to ``fdb_text`` too, ``ax=`` goes nowhere); returns
    None. Anything else the picture raises is raised as usual.
    """
    name = getattr(picture, "__name__", "")
    try:
        drawn = picture(*args, **kwargs)
    except MatplotlibMissing as missing:
        print(f"(no matplotlib in this Python: {name}'s picture is shown as text; "
              "viz.player(lab) shows the journeys)")
        twin = _twin(missing.twin or TWINS.get(name, ""))
        if twin is not None:
            accepted = inspect.signature(twin).parameters
            print(twin(*args, **{k: v for k, v in kwargs.items() if k in accepted}))
        return None
    plt = pyplot(name)
    plt.show()
    return drawn


def _twin(name: str) -> Callable[..., str] | None:
    if not name:
        return None
    import netsim.viz

    return getattr(netsim.viz, name, None)
