"""A ladder (sequence) diagram of frames: who handed what to whom, and when.

One vertical line per *place* (``host:device``, as the trace names them), time
downwards, one arrow per *hop*: a frame moving from one place to the next. A hop is
found the way :meth:`netsim.engine.trace.Trace.path` finds a path -- consecutive
records of one frame at different places -- so the arrows and ``trace.path(id)``
always agree: a frame with a path of N places draws N - 1 arrows.

Rows are evenly spaced, not proportional to time: most hops inside one host take
zero simulated time (a bridge forwards in the same instant it receives), and a
time-true axis would stack them on one line. The time of each hop is printed on
the left instead.

Copies of a flooded frame share its id; their hops are drawn in trace order, each
from the place that copy's previous record was at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord

# "52:54:00:12:34:56 > ae:4c:09:c2:e7:e3, " -- the Ethernet part of `tcpdump -e` output.
_ETH_PREFIX = re.compile(r"^[0-9a-f:]{17} > [0-9a-f:]{17}, ")
_LENGTH = re.compile(r", length \d+$")
_MAX_LABEL = 64


@dataclass(frozen=True, slots=True)
class Hop:
    """One arrow: ``frame_id`` went from ``src`` to ``dst`` at ``time``."""

    time: float
    frame_id: int
    src: str
    dst: str
    summary: str
    record: TraceRecord  # the first record at ``dst``: its reason and func explain the hop


def place(record: TraceRecord) -> str:
    """The trace's name of where a record happened (as ``Trace.path`` writes it)."""
    return f"{record.host}:{record.dev}" if record.dev else record.host


def short_summary(summary: str) -> str:
    """tcpdump's line without the MAC addresses and clipped, to fit above an arrow."""
    text = _LENGTH.sub("", _ETH_PREFIX.sub("", summary))
    return text if len(text) <= _MAX_LABEL else text[:_MAX_LABEL - 1] + "…"


def hops(records: Iterable[TraceRecord]) -> list[Hop]:
    """The hops in ``records`` (any mix of frames; records about no frame are skipped)."""
    last_place: dict[int, str] = {}
    last_summary: dict[int, str] = {}
    out: list[Hop] = []
    for r in records:
        if not r.frame_id:
            continue
        where = place(r)
        summary = r.summary or last_summary.get(r.frame_id, "")
        if summary:
            last_summary[r.frame_id] = summary
        prev = last_place.get(r.frame_id)
        if prev is not None and prev != where:
            out.append(Hop(r.time, r.frame_id, prev, where, summary, r))
        last_place[r.frame_id] = where
    return out


def _lanes(hop_list: list[Hop]) -> list[str]:
    """Places in order of first appearance: the frame's path reads left to right."""
    seen: dict[str, None] = {}
    for h in hop_list:
        seen.setdefault(h.src, None)
        seen.setdefault(h.dst, None)
    return list(seen)


def lane_title(where: str) -> str:
    """A lane's heading: ``host:eth0`` on two lines; a bare host is its cable."""
    host, sep, dev = where.partition(":")
    return f"{host}\n{dev}" if sep else f"{host}\n(wire)"


def ladder(records: Iterable[TraceRecord], ax=None, *, lane_width: float = 1.5,
           row_height: float = 0.42) -> list:
    """Draw the ladder of ``records`` (e.g. ``lab.trace.filter(frame=id)``).

    Returns the arrows drawn (matplotlib ``Annotation`` objects), one per hop, in the
    order of :func:`hops`; each carries its label as ``arrow.hop_label`` (a Text).
    """
    import matplotlib.pyplot as plt  # lazily: importing netsim must not pull matplotlib in

    hop_list = hops(records)
    lanes = _lanes(hop_list)
    col = {p: i * lane_width for i, p in enumerate(lanes)}
    n = len(hop_list)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(max(6.0, lane_width * len(lanes) + 1.8),
                                         max(3.0, row_height * (n + 1) + 1.2)))
    bottom = -(n + 0.5)
    for p, x in col.items():
        ax.plot([x, x], [0.3, bottom], color="#B0B0B0", linewidth=1, zorder=0)
        ax.text(x, 0.4, lane_title(p), ha="center", va="bottom", fontsize=8,
                fontweight="bold")
    arrows = []
    colours = ["#4C72B0", "#C44E52", "#55A868", "#8172B2", "#DD8452"]
    frame_colour: dict[int, str] = {}
    for i, h in enumerate(hop_list):
        y = -(i + 1)
        colour = frame_colour.setdefault(h.frame_id, colours[len(frame_colour) % len(colours)])
        x0, x1 = col[h.src], col[h.dst]
        arrow = ax.annotate("", xy=(x1, y), xytext=(x0, y), zorder=2,
                            arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.4,
                                        "shrinkA": 0, "shrinkB": 0})
        # The label starts at the arrow's left end, just above it, and runs right: long
        # summaries then spill over empty lanes, never into the time column on the left.
        arrow.hop_label = ax.text(min(x0, x1) + 0.08, y + 0.08, short_summary(h.summary),
                                  fontsize=6.5, color=colour, ha="left", va="bottom",
                                  zorder=3, bbox={"facecolor": "white", "edgecolor": "none",
                                                  "pad": 0.3, "alpha": 0.85})
        ax.text(-0.35 * lane_width, y, f"{h.time * 1e6:.3f} µs", ha="right", va="center",
                fontsize=6.5, color="#555555")
        arrows.append(arrow)
    ax.set_xlim(-1.1 * lane_width, max(col.values(), default=0) + 0.6 * lane_width)
    ax.set_ylim(bottom, 1.3)
    ax.axis("off")
    return arrows


def ladder_text(records: Iterable[TraceRecord]) -> str:
    """The ladder in words: one line per hop, ``time  src --> dst  summary``."""
    hop_list = hops(records)
    if not hop_list:
        return "(no hops)"
    width = max(len(h.src) for h in hop_list)
    return "\n".join(f"{h.time * 1e6:10.3f} us  #{h.frame_id:<3} {h.src:>{width}} --> "
                     f"{h.dst:<{width}}  {short_summary(h.summary)}" for h in hop_list)
