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

from netsim.viz._args import need_records

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord

# "52:54:00:12:34:56 > ae:4c:09:c2:e7:e3, " -- the Ethernet part of `tcpdump -e` output.
_ETH_PREFIX = re.compile(r"^[0-9a-f:]{17} > [0-9a-f:]{17}, ")
_LENGTH = re.compile(r", length \d+$")
_MAX_LABEL = 64
# "IP 192.168.1.10 > 198.51.100.10: ..." or with ports "IP 10.0.2.15.5000 > ...": tcpdump's
# addresses, the part NAT rewrites.
_IP_PAIR = re.compile(r"\bIP (\S+) > (\S+?):")


@dataclass(frozen=True, slots=True)
class Hop:
    """One arrow: ``frame_id`` went from ``src`` to ``dst`` at ``time``."""

    time: float
    frame_id: int
    src: str
    dst: str
    summary: str
    record: TraceRecord  # the first record at ``dst``: its reason and func explain the hop
    nat: str = ""        # the translation since the previous hop: "NAT src a -> b"


def place(record: TraceRecord) -> str:
    """The trace's name of where a record happened (as ``Trace.path`` writes it)."""
    return f"{record.host}:{record.dev}" if record.dev else record.host


def short_summary(summary: str) -> str:
    """tcpdump's line without the MAC addresses and clipped, to fit above an arrow."""
    text = _LENGTH.sub("", _ETH_PREFIX.sub("", summary))
    return text if len(text) <= _MAX_LABEL else text[:_MAX_LABEL - 1] + "…"


def addresses(summary: str) -> str:
    """The IP addresses of a tcpdump line, ``"192.168.1.10 > 198.51.100.10"`` ("" if none)."""
    m = _IP_PAIR.search(summary)
    return f"{m.group(1)} > {m.group(2)}" if m else ""


def nat_note(before: str, after: str) -> str:
    """What a translation changed, from tcpdump's lines before and after it:
    ``"NAT src 192.168.122.244 -> 192.168.1.10"`` (both ends if both changed)."""
    a, b = _IP_PAIR.search(before), _IP_PAIR.search(after)
    if a is None or b is None:
        return ""
    changed = [f"{side} {x} -> {y}" for side, x, y in
               (("src", a.group(1), b.group(1)), ("dst", a.group(2), b.group(2))) if x != y]
    return "NAT " + ", ".join(changed) if changed else ""


def hops(records: Iterable[TraceRecord]) -> list[Hop]:
    """The hops in ``records`` (any mix of frames; records about no frame are skipped).

    A netfilter ``nat`` record (MASQUERADE on the way out, the reply's de-NAT on the way
    in) marks the next hop of its frame with what it rewrote (:attr:`Hop.nat`).
    """
    records = need_records(records, "hops")
    last_place: dict[int, str] = {}
    last_summary: dict[int, str] = {}
    pending: dict[int, list[str]] = {}
    out: list[Hop] = []
    for r in records:
        if not r.frame_id:
            continue
        where = place(r)
        before = last_summary.get(r.frame_id, "")
        summary = r.summary or before
        if summary:
            last_summary[r.frame_id] = summary
        if r.action == "nat":
            note = nat_note(before, summary)
            if note:
                pending.setdefault(r.frame_id, []).append(f"{note} at {where}")
        prev = last_place.get(r.frame_id)
        if prev is not None and prev != where:
            out.append(Hop(r.time, r.frame_id, prev, where, summary, r,
                           "; ".join(pending.pop(r.frame_id, []))))
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
    records = need_records(records, "ladder")
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
        text = short_summary(h.summary)
        if h.nat:  # the addresses changed on the way here: say which, and where
            text = f"{h.nat}\n{text}"
        arrow.hop_label = ax.text(min(x0, x1) + 0.08, y + 0.08, text,
                                  fontsize=6.5, color=colour, ha="left", va="bottom",
                                  fontweight="bold" if h.nat else None,
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
    records = need_records(records, "ladder_text")
    hop_list = hops(records)
    if not hop_list:
        return "(no hops)"
    width = max(len(h.src) for h in hop_list)
    return "\n".join(f"{h.time * 1e6:10.3f} us  #{h.frame_id:<3} {h.src:>{width}} --> "
                     f"{h.dst:<{width}}  {short_summary(h.summary)}"
                     + (f"   [{h.nat}]" if h.nat else "") for h in hop_list)
