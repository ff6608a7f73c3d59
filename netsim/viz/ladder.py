"""A ladder (sequence) diagram of frames: who handed what to whom, and when.

One vertical line per *place* (``host:device``, as the trace names them), time
downwards, one arrow per *hop*: a frame moving from one place to the next. Each frame
is named once, above its first arrow ("echo request", "ARP reply", "DHCP offer": read
from its bytes, :func:`frame_name`), with its tcpdump line; a NAT rewrite adds one line
saying what changed. Each arrow carries a number and the kernel function that sent the
frame on, and the numbered notes under the ladder give each hop's reason, as the trace
words it. Times are relative to the first hop ("+5.98 µs").

Rows are evenly spaced, not proportional to time: most hops inside one host take
zero simulated time (a bridge forwards in the same instant it receives), and a
time-true axis would stack them on one line. The time of each row is printed on
the left instead, when it changed.

Copies of a flooded frame share its id: :func:`follow` tells them apart (where the
bridge flooded, which port each copy left by, which process and cable it is in) so
each copy's arrows start where *that copy* was. A flood's copies leave on adjacent
rows, joined by a bracket on the bridge's line, with one label and one note. A frame
that is never copied draws exactly the hops of ``trace.path(id)``: N places, N - 1
arrows.
"""

from __future__ import annotations

import re
import struct
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.viz._args import need_records
from netsim.viz._mpl import pyplot

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord

# "52:54:00:12:34:56 > ae:4c:09:c2:e7:e3, " -- the Ethernet part of `tcpdump -e` output.
_ETH_PREFIX = re.compile(r"^[0-9a-f:]{17} > [0-9a-f:]{17}, ")
_LENGTH = re.compile(r", length \d+$")
_MAX_LABEL = 64
# "IP 192.168.1.10 > 198.51.100.10: ..." or with ports "IP 10.0.2.15.5000 > ...": tcpdump's
# addresses, the part NAT rewrites.
_IP_PAIR = re.compile(r"\bIP (\S+) > (\S+?):")
# Places inside a process (qemu and the tun file it holds): a frame there is on its way
# between a guest and a tap. The wire, a host with no device, leads to other hosts only.
_PROCESS_DEVS = ("qemu", "slirp", "/dev/net/tun")
FRAME_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"]


def place(record: TraceRecord) -> str:
    """The trace's name of where a record happened (as ``Trace.path`` writes it)."""
    return f"{record.host}:{record.dev}" if record.dev else record.host


def short_summary(summary: str, limit: int = _MAX_LABEL) -> str:
    """tcpdump's line without the MAC addresses and the length, clipped to ``limit``
    characters."""
    text = _LENGTH.sub("", _ETH_PREFIX.sub("", summary))
    return text if len(text) <= limit else text[:limit - 1] + "…"


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


# ---------------------------------------------------------------- what a frame is
_DHCP_NAMES = {1: "DHCP discover", 2: "DHCP offer", 3: "DHCP request", 4: "DHCP decline",
               5: "DHCP ACK", 6: "DHCP NAK", 7: "DHCP release", 8: "DHCP inform"}


def frame_name(data: bytes | None, l3: bool = False) -> str:
    """What a frame is, in a student's words, read from its bytes: "ARP request",
    "echo reply", "DHCP offer", "TCP SYN", "UDP to port 7", "STP BPDU" ("" without
    bytes; ``l3``: the bytes start at the IP header, as a tun device's do)."""
    if data is None:
        return ""
    from netsim.packets import ethernet

    try:
        if l3:
            return _name_ip(data)
        _dst, _src, ethertype, payload = ethernet.parse(data)
        if ethertype == ethernet.ETH_P_ARP:
            from netsim.packets import arp

            op = arp.parse(payload).op
            return {arp.ARPOP_REQUEST: "ARP request", arp.ARPOP_REPLY: "ARP reply"}.get(
                op, f"ARP op {op}")
        if ethertype == ethernet.ETH_P_IP:
            return _name_ip(payload)
        if ethertype < 0x600:
            return "STP BPDU" if payload[:2] == b"\x42\x42" else "802.3 frame"
        return "IPv6 packet" if ethertype == ethernet.ETH_P_IPV6 else "frame"
    except (ValueError, IndexError, KeyError, struct.error):
        return "malformed frame"


def _name_ip(packet: bytes) -> str:
    from netsim.packets import icmp, ipv4, udp

    ip = ipv4.parse(packet)
    if ip.proto == ipv4.IPPROTO_ICMP:
        kind = icmp.parse(ip.payload).type
        return {icmp.ECHO_REQUEST: "echo request", icmp.ECHO_REPLY: "echo reply",
                icmp.DEST_UNREACH: "ICMP unreachable",
                icmp.TIME_EXCEEDED: "ICMP time exceeded"}.get(kind, f"ICMP type {kind}")
    if ip.proto == ipv4.IPPROTO_UDP:
        dgram = udp.parse(ip.payload)
        if {dgram.sport, dgram.dport} & {67, 68}:
            from netsim.packets import dhcp

            return _DHCP_NAMES.get(dhcp.parse(dgram.data).msg_type, "BOOTP")
        return f"UDP to port {dgram.dport}"
    if ip.proto == ipv4.IPPROTO_TCP:
        from netsim.packets import tcp

        flags = tcp.parse(ip.payload).flags
        if flags & tcp.SYN:
            return "TCP SYN-ACK" if flags & tcp.ACK else "TCP SYN"
        if flags & tcp.RST:
            return "TCP RST"
        if flags & tcp.FIN:
            return "TCP FIN"
        return "TCP data" if tcp.parse(ip.payload).data else "TCP ACK"
    return f"IP proto {ip.proto}"


def record_name(record: TraceRecord) -> str:
    """:func:`frame_name` of the frame a record carries."""
    return frame_name(record.data, record.l3)


# ---------------------------------------------------------------- times
def duration(seconds: float) -> str:
    """A time difference read at a glance: ``"+0"``, ``"+5.98 µs"``, ``"+350 µs"``,
    ``"+1.25 ms"``, ``"+305 s"``: three significant digits, never more than two decimals."""
    if abs(seconds) < 5e-10:
        return "+0"
    sign = "+" if seconds > 0 else "-"
    v = abs(seconds)
    for scale, unit in ((1e6, "µs"), (1e3, "ms"), (1.0, "s")):
        if v * scale < 1000 or unit == "s":
            x = v * scale
            decimals = 2 if x < 10 else 1 if x < 100 else 0
            text = f"{x:.{decimals}f}"
            if float(text) >= 1000 and unit != "s":  # 999.996 µs rounds to 1000: say 1.00 ms
                continue
            return f"{sign}{text} {unit}"
    raise AssertionError("unreachable")


def clock(seconds: float) -> str:
    """Simulated time in seconds, three decimals: ``"310.000 s"``."""
    return f"{seconds:.3f} s"


# ---------------------------------------------------------------- copies and hops
@dataclass(slots=True)
class _Copy:
    index: int
    place: str
    slot: str              # the place; on the wire, which cable (``host~lan:eth0``)
    host: str
    moved: int = 0         # the order of its last move
    last: TraceRecord | None = None  # its latest record
    toward: str | None = None  # on a cable: the host at its far end
    seen: set[str] = field(default_factory=set)  # the slots it has been at


@dataclass(slots=True)
class _Flood:
    record: TraceRecord
    place: str
    host: str
    copy: _Copy            # the copy that flooded
    taken: set[str] = field(default_factory=set)  # the ports copies have left by


@dataclass(frozen=True, slots=True)
class Move:
    """One record of a frame, and the copy of the frame it is about."""

    record: TraceRecord
    copy: int              # copy index, counted over all frames in the records
    came_from: str | None  # the place that copy was at before (None: it did not move)
    cause: TraceRecord | None  # that copy's last record there: what sent it on
    flood: TraceRecord | None = None  # a flood's copy leaving: the flood's record


def _slot(record: TraceRecord) -> str:
    """Where a record is; on the wire, which cable: two cables both leave ``host``."""
    where = place(record)
    to = record.fact("to") if not record.dev else None
    return f"{where}~{to}" if to else where


def _is_port(record: TraceRecord) -> bool:
    """Could the record be a flooded copy arriving at a bridge port: a device of its
    own, not the wire, not a process's file."""
    return bool(record.dev) and record.dev not in _PROCESS_DEVS


def follow(records: Iterable[TraceRecord]) -> list[Move]:
    """Every record about a frame, with the copy of that frame it is about.

    A frame is one copy until a bridge floods it (``flood``): from then on each port of
    that host a record reaches for the first time gets a copy of its own, leaving from
    the bridge, and the bridge passing the frame up to its own stack is another copy.
    A later record stays with the copy of the record before it when that copy is there;
    else it goes to a copy that has not been there yet: on the same host the one that
    moved last (a copy on a cable only goes on to another host); on another host the
    copy on a cable to that host, else one in a process (qemu feeds its guest), the
    first to get where it is. A ``drop`` ends its copy. Only the records' places, actions
    and facts are read: the pictures never parse a reason's words.
    """
    live: dict[int, list[_Copy]] = {}
    floods: dict[int, list[_Flood]] = {}
    current: dict[int, _Copy] = {}
    out: list[Move] = []
    count = 0
    for seq, r in enumerate(records, 1):
        f = r.frame_id
        if not f:
            continue
        where, slot = place(r), _slot(r)
        mine = live.setdefault(f, [])
        cur = current.get(f)
        came_from: str | None = None
        cause: TraceRecord | None = None
        flood: _Flood | None = None
        if cur is not None and cur in mine and cur.slot == slot:
            c = cur
        elif mine and any(fl.place == where for fl in floods.get(f, ())) and \
                not any(c.slot == slot for c in mine):
            c = _Copy(count, where, slot, r.host)  # the bridge passes a copy up
            count += 1
            mine.append(c)
        else:
            flood = next((fl for fl in reversed(floods.get(f, ())) if fl.host == r.host
                          and fl.place != where and _is_port(r) and r.dev not in fl.taken
                          and not any(slot in c.seen for c in mine)), None)
            if flood is not None:
                flood.taken.add(r.dev)
                c = flood.copy
                if c not in mine or c.slot != flood.place:
                    c = _Copy(count, flood.place, flood.place, flood.host, seq,
                              flood.record)
                    count += 1
                    mine.append(c)
                c.seen = {flood.place}  # a new copy: where it goes now, it has not been
            elif not mine:
                c = _Copy(count, where, slot, r.host)  # the frame's first record
                count += 1
                mine.append(c)
            else:
                c = _choose(mine, r, slot)
            if c.place != where:
                came_from, cause = c.place, c.last
        if came_from is not None or c.slot != slot:
            c.place, c.slot, c.host, c.moved = where, slot, r.host, seq
        c.seen.add(slot)
        c.toward = (r.fact("to") or "").partition(":")[0] or None if not r.dev else None
        c.last = r
        current[f] = c
        out.append(Move(r, c.index, came_from, cause, flood.record if flood else None))
        if r.action == "flood":
            floods.setdefault(f, []).append(_Flood(r, where, r.host, c))
        elif r.action == "drop":
            mine.remove(c)
    return out


def _choose(mine: list[_Copy], r: TraceRecord, slot: str) -> _Copy:
    """The copy a record at a new place is about (see :func:`follow`)."""
    fresh = [c for c in mine if slot not in c.seen]
    local = [c for c in fresh if c.host == r.host and c.toward is None]
    if local:
        return max(local, key=lambda c: c.moved)
    away = [c for c in fresh if c.host != r.host]
    cabled = [c for c in away if c.toward == r.host]
    feeding = [c for c in away if c.toward is None and (
        c.place.partition(":")[2] in _PROCESS_DEVS or r.dev in _PROCESS_DEVS)]
    if cabled or feeding:
        return min(cabled or feeding, key=lambda c: c.moved)
    here = [c for c in mine if c.slot == slot]
    near = [c for c in mine if c.host == r.host and c.toward is None]
    return max(here or near or fresh or mine, key=lambda c: c.moved)


@dataclass(frozen=True, slots=True)
class Hop:
    """One arrow: ``frame_id`` went from ``src`` to ``dst`` at ``time``."""

    time: float
    frame_id: int
    src: str
    dst: str
    summary: str
    record: TraceRecord  # the first record at ``dst``
    nat: str = ""        # the translation since the previous hop: "NAT src a -> b at host:eth0"
    cause: TraceRecord | None = None  # the copy's last record at ``src``: why it moved on
    copy: int = 0        # which copy of the frame (see :func:`follow`)
    flood: TraceRecord | None = None  # one of a flood's copies leaving: the flood's record
    name: str = ""       # what the frame is: "echo request" (:func:`frame_name`)

    @property
    def reason(self) -> TraceRecord:
        """The record that explains the hop: what sent the frame on from ``src``."""
        return self.flood or self.cause or self.record


def hops(records: Iterable[TraceRecord]) -> list[Hop]:
    """The hops in ``records`` (any mix of frames; records about no frame are skipped).

    A netfilter ``nat`` record (MASQUERADE on the way out, the reply's de-NAT on the way
    in) marks the next hop of its frame with what it rewrote (:attr:`Hop.nat`).
    """
    records = need_records(records, "hops")
    last_summary: dict[int, str] = {}
    names: dict[int, str] = {}
    pending: dict[int, list[str]] = {}
    out: list[Hop] = []
    for move in follow(records):
        r = move.record
        f = r.frame_id
        before = last_summary.get(f, "")
        summary = r.summary or before
        if summary:
            last_summary[f] = summary
        if f not in names and r.data is not None:
            names[f] = record_name(r)
        if r.action == "nat":
            note = nat_note(before, summary)
            if note:
                pending.setdefault(f, []).append(f"{note} at {place(r)}")
        if move.came_from is not None:
            out.append(Hop(r.time, f, move.came_from, place(r), summary, r,
                           "; ".join(pending.pop(f, [])), move.cause, move.copy, move.flood,
                           names.get(f, "")))
    return out


# ---------------------------------------------------------------- drawing
FONT = 9.0          # every text of the ladder
LANE = 0.95         # inches between lanes: "/dev/net/tun" at 9 pt, and a little air
ROW = 0.3           # inches per row
NOTE_LINE = 0.19    # inches per line of the notes under the ladder
TIME_COL = 1.15     # inches left of the first lane, for the times


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


@dataclass
class _Row:
    kind: str                      # "frame" (its name and summary), "nat", "hop"
    frame_id: int
    text: str = ""
    hops: list[Hop] = field(default_factory=list)   # a flood's copies: several
    number: int = 0                # of its note


def _rows(hop_list: list[Hop]) -> list[_Row]:
    """The ladder's rows: a frame's name before its first hop, a NAT line before the
    hop it changed, and the hops, a flood's copies leaving one after the other."""
    rows: list[_Row] = []
    named: set[int] = set()
    for h in hop_list:
        if h.frame_id not in named:
            named.add(h.frame_id)
            rows.append(_Row("frame", h.frame_id, short_summary(h.summary, 110)))
        if h.nat:
            rows.append(_Row("nat", h.frame_id, h.nat))
        last = rows[-1]
        if (h.flood is not None and last.kind == "hop" and last.hops[0].flood is h.flood
                and last.hops[0].src == h.src):
            last.hops.append(h)
            continue
        rows.append(_Row("hop", h.frame_id, hops=[h]))
    return rows


def _note(hop: Hop) -> str:
    """A hop's note: the reason the trace gives, and the function."""
    why = hop.reason
    return f"{why.reason} [{why.func}]"


def _times(rows: list[_Row]) -> dict[int, str]:
    """The time column, by row: a frame's row says when it starts, after the ladder's
    first hop; a hop's row how long after its frame started, when that changed."""
    out: dict[int, str] = {}
    hop_rows = [r for r in rows if r.kind == "hop"]
    if not hop_rows:
        return out
    start = hop_rows[0].hops[0].time
    first: dict[int, float] = {}
    shown: dict[int, float] = {}
    for i, row in enumerate(rows):
        if row.kind == "frame":
            t = next(r for r in rows[i:] if r.kind == "hop").hops[0].time
            first[row.frame_id] = shown[row.frame_id] = t
            out[i] = duration(t - start)
        elif row.kind == "hop":
            t = row.hops[0].time
            if abs(t - shown[row.frame_id]) > 5e-10:
                out[i] = duration(t - first[row.frame_id])
                shown[row.frame_id] = t
    return out


def ladder(records: Iterable[TraceRecord], ax=None, *, lane_width: float = LANE,
           row_height: float = ROW) -> list:
    """Draw the ladder of ``records`` (e.g. ``lab.trace.filter(frame=id)``).

    Returns the arrows drawn (matplotlib ``Annotation`` objects), one per hop, in the
    order of :func:`hops`; each carries its label as ``arrow.hop_label`` (a Text: the
    hop's number and kernel function), its numbered note as ``arrow.note`` (a Text:
    the reason; hops with the same reason share one) and its :class:`Hop` as
    ``arrow.hop``. The lanes' headings are ``ax.netsim_lane_texts``; the frames' names
    and tcpdump lines, once per frame, and the NAT lines ``ax.netsim_frame_texts``; the
    times ``ax.netsim_time_texts``; the notes ``ax.netsim_notes``.
    """
    records = need_records(records, "ladder")
    plt = pyplot("ladder")  # lazily: importing netsim must not pull matplotlib in

    hop_list = hops(records)
    lanes = _lanes(hop_list)
    rows = _rows(hop_list)
    # the notes: one per reason, numbered in order of first use
    numbers: dict[str, int] = {}
    for row in rows:
        if row.kind == "hop":
            row.number = numbers.setdefault(_note(row.hops[0]), len(numbers) + 1)
    char = FONT * 0.56 / 72                  # inches per character, about
    lanes_in = lane_width * max(len(lanes) - 1, 0)
    heads = [len(r.text) + 22 for r in rows if r.kind != "hop"]
    width_in = TIME_COL + max([lanes_in + 0.6, *(n * char + 0.2 for n in heads)]) + 0.2
    width_in = max(width_in, 5.0) if ax is None else width_in
    per_line = max(40, int((width_in - 0.3) / char))
    notes = {k: textwrap.fill(f"({k}) {text}", per_line, subsequent_indent="     ")
             for text, k in numbers.items()}
    note_lines = sum(w.count("\n") + 1 for w in notes.values())
    # each row's height: a flood's copies leave on sub-rows, 0.6 row apart
    heights = [row_height * (1 + 0.6 * (len(r.hops) - 1)) if r.kind == "hop" else row_height
               for r in rows]
    # data units: one per inch, so text sizes and positions agree at any lab size
    top = 0.75                              # lane titles above y = 0
    body = sum(heights)
    height_in = top + body + 0.35 + NOTE_LINE * note_lines + 0.2
    if ax is None:
        fig = plt.figure(figsize=(width_in, max(height_in, 2.0)))
        ax = fig.add_axes((0, 0, 1, 1))
    x0 = TIME_COL
    col = {p: x0 + i * lane_width for i, p in enumerate(lanes)}
    bottom = -body - 0.1
    lane_texts = []
    for p, x in col.items():
        ax.plot([x, x], [0.05, bottom], color="#B0B0B0", linewidth=1, zorder=0)
        lane_texts.append(ax.text(x, 0.12, lane_title(p), ha="center", va="bottom",
                                  fontsize=FONT, fontweight="bold", linespacing=1.1))
    start = hop_list[0].time if hop_list else 0.0
    times = [ax.text(x0 - 0.3, 0.12, f"time after\n{clock(start)}", ha="right", va="bottom",
                     fontsize=FONT, color="#555555", linespacing=1.1)]
    when = _times(rows)
    colour: dict[int, str] = {}
    frame_texts, arrows = [], []
    note_texts: dict[int, object] = {}
    y_top = 0.0
    for i, (row, height) in enumerate(zip(rows, heights, strict=True)):
        y = y_top - row_height / 2           # the middle of the row's first line
        y_top -= height
        c = colour.setdefault(row.frame_id, FRAME_COLOURS[len(colour) % len(FRAME_COLOURS)])
        if i in when:
            times.append(ax.text(x0 - 0.3, y, when[i], ha="right", va="center", fontsize=FONT,
                                 color=c if row.kind == "frame" else "#555555",
                                 fontweight="bold" if row.kind == "frame" else None))
        if row.kind == "frame":
            name = next(r for r in rows[i:] if r.kind == "hop").hops[0].name or "frame"
            head = ax.text(x0 - 0.05, y, f"{name} #{row.frame_id}", fontsize=FONT,
                           fontweight="bold", color=c, va="center", ha="left", zorder=4,
                           bbox={"fc": "white", "ec": "none", "pad": 0.5})
            tail = ax.annotate(row.text, xy=(1, 0.5), xycoords=head, xytext=(6, 0),
                               textcoords="offset points", va="center", ha="left",
                               fontsize=FONT, color=c, zorder=4,
                               bbox={"fc": "white", "ec": "none", "pad": 0.5})
            frame_texts += [head, tail]
            continue
        if row.kind == "nat":
            frame_texts.append(ax.text(x0 - 0.05, y, row.text, fontsize=FONT, fontweight="bold",
                                       color=c, va="center", ha="left", zorder=4,
                                       bbox={"fc": "#FFF59D", "ec": "none", "pad": 0.5}))
            continue
        n = len(row.hops)
        label = None
        for k, h in enumerate(row.hops):
            ya = y - 0.08 - 0.6 * row_height * k
            xa, xb = col[h.src], col[h.dst]
            arrow = ax.annotate("", xy=(xb, ya), xytext=(xa, ya), zorder=2,
                                arrowprops={"arrowstyle": "-|>", "color": c, "lw": 1.4,
                                            "shrinkA": 0, "shrinkB": 0})
            if label is None:
                text = f"({row.number}) {h.reason.func}" + (f", {n} copies" if n > 1 else "")
                # from the arrow's left end, rightwards; near the right edge, leftwards
                right = min(xa, xb) + 0.06 + len(text) * char > width_in - 0.1
                label = ax.text(max(xa, xb) - 0.06 if right else min(xa, xb) + 0.06,
                                ya + 0.04, text, fontsize=FONT, color=c,
                                ha="right" if right else "left", va="bottom", zorder=3,
                                bbox={"fc": "white", "ec": "none", "pad": 0.3, "alpha": 0.85})
            arrow.hop_label = label
            arrow.hop = h
            arrow.note_number = row.number
            arrows.append(arrow)
        if n > 1:  # the copies leave together: a bracket on the flooding bridge's line
            xs = col[row.hops[0].src]
            ax.plot([xs, xs], [y - 0.08, y - 0.08 - 0.6 * row_height * (n - 1)], color=c,
                    linewidth=4, solid_capstyle="round", zorder=2)
    y = bottom - 0.3
    for k in sorted(notes):
        text = notes[k]
        note_texts[k] = ax.text(0.15, y, text, fontsize=FONT, va="top", ha="left",
                                color="#333333", linespacing=1.25)
        y -= NOTE_LINE * (text.count("\n") + 1)
    for arrow in arrows:
        arrow.note = note_texts[arrow.note_number]
    ax.set_xlim(0, width_in)
    ax.set_ylim(top - height_in, top)
    ax.axis("off")
    ax.netsim_lane_texts = lane_texts
    ax.netsim_frame_texts = frame_texts
    ax.netsim_time_texts = times
    ax.netsim_notes = [note_texts[k] for k in sorted(note_texts)]
    return arrows


def ladder_text(records: Iterable[TraceRecord]) -> str:
    """The ladder in words: each frame's name and tcpdump line once (with when it
    starts, after the first hop), then one line per hop: the time since its frame
    started, ``src --> dst``, ``[function]`` and the reason."""
    records = need_records(records, "ladder_text")
    hop_list = hops(records)
    if not hop_list:
        return "(no hops)"
    width = max(len(h.src) for h in hop_list)
    start = hop_list[0].time
    first: dict[int, float] = {}
    lines = []
    for row in _rows(hop_list):
        if row.kind == "frame":
            h = next(h for h in hop_list if h.frame_id == row.frame_id)
            first[row.frame_id] = h.time
            lines.append(f"{duration(h.time - start)}: #{row.frame_id} {h.name or 'frame'}: "
                         f"{row.text}")
            continue
        if row.kind == "nat":
            lines.append(f"  [{row.text}]")
            continue
        for h in row.hops:
            lines.append(f"  {duration(h.time - first[h.frame_id]):>9}  {h.src:>{width}} --> "
                         f"{h.dst:<{width}}  {_note(h)}")
    return "\n".join(lines)
