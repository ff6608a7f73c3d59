"""An offline, interactive player of frames crossing the lab, one hop at a time.

``viz.player(lab)`` reads the trace of the last ping (its echo request and reply) and
returns a :class:`Player`: one self-contained HTML page -- inline SVG, CSS and plain
JavaScript, nothing fetched -- in the spirit of Cisco Packet Tracer's simulation mode.
Jupyter shows it inline; ``.save("ping.html")`` writes a file any browser opens.

The page shows, linked:

* the inside of a host (user space, /dev/net/tun, tap, bridge, NIC, wire: the layout of
  :func:`netsim.viz.inside.host_inside_layout`) and the whole lab (the layout of
  :func:`netsim.viz.topology.topology_layout`); the current step's place lights up in
  both, and a flooded frame's copies light up together;
* the list of events -- time after the first, place, action, reason, kernel function --
  with step back / forward / play / pause / speed, arrow keys, and filters by frame,
  host, layer and action;
* the selected step's frame decoded layer by layer with its bytes in hex, what changed
  since the frame's previous hop (NAT's rewrite, the TTL), the rule / route / FDB entry
  that decided, and the bridge's FDB as it was at that step (replayed from the trace).

Everything is computed here, in Python, once (:mod:`netsim.viz.player.data`); the page
only draws it. Left out: frames outside the chosen ones, and hosts beyond the first
eight a selection crosses (their steps show in the busiest host's picture).
"""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsim.viz._args import need_lab

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord
    from netsim.lab import Lab

__all__ = ["Player", "player"]

NOTEBOOK_HEIGHT = 860  # px: the iframe a notebook shows; the page scrolls inside it


class Player:
    """One player page. ``html`` is the document; ``data`` what it shows (plain data)."""

    def __init__(self, data: dict[str, Any], title: str) -> None:
        self.data = data
        self.title = title
        self._html: str | None = None

    @property
    def html(self) -> str:
        """The whole HTML document (made once)."""
        if self._html is None:
            from netsim.viz.player.page import document

            self._html = document(self.data, self.title)
        return self._html

    def __len__(self) -> int:
        """How many steps the player walks through."""
        return len(self.data["steps"])

    def __repr__(self) -> str:
        return f"<netsim player: {self.title!r}, {len(self)} steps>"

    def save(self, path: str | PathLike[str]) -> Path:
        """Write the page to ``path`` (e.g. ``"ping.html"``); returns the path."""
        target = Path(path)
        target.write_text(self.html, encoding="utf-8")
        return target

    def iframe(self, height: int = NOTEBOOK_HEIGHT) -> str:
        """The page in an ``<iframe srcdoc=...>``, to put in a notebook or a docs page."""
        from netsim.viz.player.page import iframe

        return iframe(self.html, self.title, height)

    def _repr_html_(self) -> str:
        return self.iframe()


def player(lab: Lab, frames: None | list[int] | Callable[[TraceRecord], bool] = None,
           since: float | None = None, until: float | None = None, *,
           title: str | None = None) -> Player:
    """A :class:`Player` of ``frames`` crossing ``lab``.

    ``frames``: None (the last ping's echo request and reply), frame ids, or a
    predicate over trace records (every frame with a matching record) -- as
    :func:`netsim.viz.animate.animate` takes them. ``since`` / ``until`` keep the
    records in that window of simulated time (seconds, inclusive).
    """
    from netsim.viz.animate import select
    from netsim.viz.player.data import build

    need_lab(lab, "player")
    records = select(lab, frames)
    if since is not None:
        records = [r for r in records if r.time >= since]
    if until is not None:
        records = [r for r in records if r.time <= until]
    if not records:
        what = ("no ping in the trace yet (send one first, e.g. "
                "h1.sh('ping -c 1 10.0.0.2'))" if frames is None
                else "no trace record of those frames")
        window = " in that time window" if since is not None or until is not None else ""
        raise ValueError(f"viz.player(): nothing to play: {what}{window}")
    if not lab.hosts:
        raise ValueError("viz.player(): the lab has no host to draw")
    if title is None:
        ids = sorted({r.frame_id for r in records})
        shown = ", ".join(f"#{i}" for i in ids[:4]) + (f" and {len(ids) - 4} more"
                                                       if len(ids) > 4 else "")
        what = "the last ping" if frames is None else f"frame{'s' * (len(ids) > 1)}"
        title = f"netsim player: {what} ({shown})"
    return Player(build(lab, records, title), title)
