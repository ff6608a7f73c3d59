"""A bridge's MAC table (its FDB) as a picture, and how it changed over time.

The table is what ``brctl showmacs`` prints, one row per entry: the MAC, the port it
is behind, whether it is *local* (one of the bridge's own addresses: frames to it go
up to the host) and, for learned (dynamic) entries, the ageing timer -- seconds since
the entry was last refreshed (``now - updated``). An entry is aged out when that timer
reaches the bridge's ``ageing_time`` (300 s by default).

The history is read from the trace: records with layer ``"bridge"`` and action
``"learn"`` (a MAC learned, or moved to another port), ``"age"`` (aged out) or
``"flush"`` (a port's entries dropped when it went down or left the bridge), and from
their facts (``bridge``, ``mac``, ``port``, ``moved_from``: see netsim.bridge.fdb), not
their wording. Each is one mark on a timeline, in a lane per MAC (flushes, which name a
port, get their own lane).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.packets.addr import mac_ntoa
from netsim.viz._args import need_bridge
from netsim.viz._mpl import pyplot

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.engine.trace import TraceRecord

HISTORY_ACTIONS = ("learn", "age", "flush")

# kind of change -> (marker, colour, legend text)
EVENT_STYLE: dict[str, tuple[str, str, str]] = {
    "learned": ("o", "#55A868", "learned"),
    "moved": ("D", "#DD8452", "moved to another port"),
    "aged out": ("X", "#C44E52", "aged out"),
    "flushed": ("s", "#8172B2", "flushed (port down / removed)"),
}


@dataclass(frozen=True, slots=True)
class FdbRow:
    """One entry of the table, as the picture and the text twin show it."""

    mac: str
    port: str
    is_local: bool
    state: str          # "permanent", "static" or "" (learned)
    ageing: float | None  # seconds since last refreshed; None for entries that never age


@dataclass(frozen=True, slots=True)
class FdbEvent:
    """One change of the table, read from one trace record."""

    time: float
    kind: str   # "learned", "moved", "aged out", "flushed"
    lane: str   # the MAC, or "flush <port>" for flushes
    reason: str
    record: TraceRecord


def fdb_rows(bridge: Bridge) -> list[FdbRow]:
    """The bridge's entries sorted by MAC (as ``brctl showmacs`` sorts them)."""
    bridge = need_bridge(bridge, "fdb_rows")
    now = bridge.ns.env.now
    rows = []
    for e in bridge.fdb.entries.values():
        port = e.port.dev.name if e.port is not None else bridge.name
        rows.append(FdbRow(mac_ntoa(e.mac), port, e.is_local, e.state,
                           None if e.is_static else now - e.updated))
    return sorted(rows, key=lambda r: r.mac)


def fdb_events(history: Iterable[TraceRecord], bridge: Bridge | None = None) -> list[FdbEvent]:
    """The learn/age/flush records of ``history`` (of ``bridge`` only, when given)."""
    out = []
    for r in history:
        if r.layer != "bridge" or r.action not in HISTORY_ACTIONS:
            continue
        if bridge is not None and (r.host != bridge.ns.name
                                   or r.fact("bridge") != bridge.name):
            continue
        if r.action == "flush":
            kind, lane = "flushed", f"flush {r.dev}"
        elif r.action == "age":
            kind, lane = "aged out", r.fact("mac", "?")
        else:
            kind = "moved" if r.fact("moved_from") is not None else "learned"
            lane = r.fact("mac", "?")
        out.append(FdbEvent(r.time, kind, lane, r.reason, r))
    return out


def _fmt_age(age: float | None) -> str:
    return "-" if age is None else f"{age:.2f} s"


def fdb_text(bridge: Bridge, history: Iterable[TraceRecord] | None = None) -> str:
    """The table in words (one line per entry) and, with ``history``, its changes."""
    bridge = need_bridge(bridge, "fdb_text")
    rows = fdb_rows(bridge)
    lines = [f"{bridge.name} FDB at t={bridge.ns.env.now:.3f} s "
             f"(ageing time {bridge.ageing_time:g} s)",
             f"{'mac':<17}  {'port':<8} {'local?':<6} {'state':<9} ageing timer"]
    lines += [f"{r.mac:<17}  {r.port:<8} {'yes' if r.is_local else 'no':<6} "
              f"{r.state or 'learned':<9} {_fmt_age(r.ageing)}" for r in rows]
    if not rows:
        lines.append("(empty)")
    if history is not None:
        lines.append("changes:")
        events = fdb_events(history, bridge)
        lines += [f"{e.time:12.3f} s  {e.kind:<8}  {e.reason}" for e in events]
        if not events:
            lines.append("(none)")
    return "\n".join(lines)


def fdb(bridge: Bridge, ax=None, history: Iterable[TraceRecord] | None = None):
    """Draw the MAC table of ``bridge`` and, with ``history`` (trace records), its timeline.

    Without ``history`` returns the matplotlib ``Table``. With it, ``ax`` may be a pair
    ``(table_ax, timeline_ax)`` and the return value is ``(table, marks)``: ``marks`` has
    one matplotlib artist per learn/age/flush record, in trace order, each carrying its
    :class:`FdbEvent` as ``mark.fdb_event``.
    """
    bridge = need_bridge(bridge, "fdb")
    plt = pyplot("fdb")  # lazily: importing netsim must not pull matplotlib in

    rows = fdb_rows(bridge)
    events = fdb_events(history, bridge) if history is not None else None
    if ax is None:
        height = 0.25 * (max(len(rows), 1) + 1)  # the table fills its axes: a row per 1/4 in
        if events is None:
            _fig, tax = plt.subplots(figsize=(6.4, height + 0.5))
        else:
            timeline = 0.9 + 0.35 * (len({e.lane for e in events}) or 1)
            # constrained: room for the MACs left of the timeline and its legend right
            _fig, (tax, hax) = plt.subplots(
                2, 1, figsize=(9.0, height + timeline + 1.2), layout="constrained",
                gridspec_kw={"height_ratios": [height, timeline]})
    elif events is None:
        tax = ax
    else:
        tax, hax = ax
    table = _draw_table(tax, bridge, rows)
    if events is None:
        return table
    return table, _draw_timeline(hax, bridge, events)


def _draw_table(ax, bridge: Bridge, rows: list[FdbRow]):
    ax.axis("off")
    header = ["MAC", "port", "local?", "ageing timer"]
    cells = [[r.mac, r.port, "yes (host's own)" if r.is_local else "no",
              _fmt_age(r.ageing) if r.ageing is not None
              else ("never ages" if r.is_local or r.state else "")] for r in rows]
    if not cells:
        cells = [["(empty)", "", "", ""]]
    table = ax.table(cellText=cells, colLabels=header, bbox=[0.0, 0.0, 1.0, 1.0],
                     cellLoc="left", colLoc="left", colWidths=[0.34, 0.14, 0.26, 0.26])
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for (row, _col), cell in table.get_celld().items():
        if row == 0:
            cell.set_facecolor("#DDDDDD")
            cell.set_text_props(fontweight="bold")
        elif rows and rows[row - 1].is_local:
            cell.set_facecolor("#EEF3FA")
    ax.set_title(f"{bridge.ns.name}:{bridge.name} MAC table (FDB) at t = "
                 f"{bridge.ns.env.now:.3f} s — learned entries age out after "
                 f"{bridge.ageing_time:g} s", fontsize=9)
    return table


def _readable_axis(ax, lo: float, hi: float) -> str:
    """Tick the time axis in the unit the changes' spread needs; the axis label's unit.

    A ping's FDB changes come microseconds apart, often a second or more into the run:
    ticks in seconds would read ``1.00001`` five times over. So the spread picks µs, ms
    or s, and when the changes start late, the ticks count from the first one (the
    label says from when)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    spread = hi - lo
    scale, unit = next(((f, u) for f, u in ((1e6, "µs"), (1e3, "ms")) if spread * f < 1000),
                       (1.0, "s"))
    origin = lo if lo > 10 * spread and unit != "s" else 0.0
    left, right = ((v - origin) * scale for v in ax.get_xlim())
    ticks = [t for t in MaxNLocator(nbins=6).tick_values(left, right) if left <= t <= right]
    ax.set_xticks([origin + t / scale for t in ticks])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{(v - origin) * scale:.4g}"))
    return f"{unit} after t = {origin:.6g} s" if origin else unit


def _draw_timeline(ax, bridge: Bridge, events: list[FdbEvent]) -> list:
    lanes: dict[str, int] = {}
    for e in events:
        lanes.setdefault(e.lane, len(lanes))
    marks = []
    seen_kinds: set[str] = set()
    for e in events:
        marker, colour, legend = EVENT_STYLE[e.kind]
        (mark,) = ax.plot([e.time], [lanes[e.lane]], linestyle="none", marker=marker,
                          color=colour, markersize=8,
                          label=legend if e.kind not in seen_kinds else None, zorder=3)
        seen_kinds.add(e.kind)
        port = e.record.fact("port")
        if port and e.kind in ("learned", "moved"):
            ax.annotate(f"on {port}", (e.time, lanes[e.lane]), xytext=(6, 5),
                        textcoords="offset points", fontsize=9, color=colour)
        mark.fdb_event = e
        marks.append(mark)
    # A thin line per lane from its first to its last change: how long the MAC was known.
    for lane, y in lanes.items():
        times = [e.time for e in events if e.lane == lane]
        ax.plot([min(times), max(times)], [y, y], color="#CCCCCC", linewidth=1, zorder=1)
    ax.set_yticks(range(len(lanes)), list(lanes), fontsize=9, family="monospace")
    ax.set_ylim(-0.7, max(len(lanes), 1) - 0.3)
    ax.invert_yaxis()
    ax.tick_params(axis="x", labelsize=9)
    unit = "s"
    if events:
        lo, hi = min(e.time for e in events), max(e.time for e in events)
        span = (hi - lo) or max(abs(hi), 1.0)
        ax.set_xlim(lo - 0.05 * span, hi + 0.12 * span)  # room for "on eth0" on the right
        unit = _readable_axis(ax, lo, hi)
        ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    else:
        ax.text(0.5, 0.5, "no learn / age / flush records", ha="center", va="center",
                transform=ax.transAxes, fontsize=9, color="#777777")
    ax.set_xlabel(f"simulated time ({unit})", fontsize=9)
    ax.set_title(f"how {bridge.name}'s table changed (from lab.trace)", fontsize=9)
    ax.grid(axis="x", color="#EEEEEE")
    return marks
