"""Frames moving through a host: a matplotlib animation over :func:`host_inside`.

One animation step per trace record of the chosen frames. Each *copy* of a frame is a
marker: it moves to the record's place, a flooded frame splits (a new marker appears
where the copies part), a drop ends its copy with a red X. The caption gives the
record's reason and ``[kernel function]``. Steps only move artists (``set_data``,
``set_text``); the figure is drawn once.

:func:`journey_steps` computes the steps (plain numbers, no matplotlib), so tests and
text output can read them; :func:`animate` renders them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.viz._args import need_lab
from netsim.viz.ladder import addresses, nat_note, place

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord
    from netsim.lab import Lab

FRAME_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"]


# Functions of the IP layer: at the drawn host, their records sit in the IP stack box,
# not on the device the packet came in by.
IP_LAYER = ("ip_", "ipt_", "nf_conntrack", "icmp_", "ping_", "raw_", "udp_", "tcp_")


@dataclass
class Step:
    record: TraceRecord
    caption: str
    # copy index -> (x, y, alive); every copy that exists at this step
    copies: dict[int, tuple[float, float, bool]]
    # copy index -> the addresses its frame carries now, "192.168.1.10 > 198.51.100.10"
    labels: dict[int, str] = field(default_factory=dict)
    nat: str = ""   # what this step's netfilter nat record rewrote, if it is one


def spot(record: TraceRecord, positions: dict[str, tuple[float, float]]) -> str:
    """The position key of a record: its place, or inside the IP stack for the IP
    layer's work (``host:ip@eth0`` as a packet enters, ``host:ip`` as it is routed,
    ``host:nat@eth0`` for netfilter's NAT)."""
    p = place(record)
    host, dev = record.host, record.dev
    if record.action == "nat" and f"{host}:nat@{dev}" in positions:
        return f"{host}:nat@{dev}"
    if record.func.startswith(IP_LAYER) and f"{host}:ip" in positions:
        if record.func == "ip_rcv" and f"{host}:ip@{dev}" in positions:
            return f"{host}:ip@{dev}"
        return f"{host}:ip"
    return p


def default_frames(lab: Lab) -> list[int]:
    """The last ping's echo request and its reply (the ``icmp_echo`` record whose
    ``reply_to`` fact is the request's frame id)."""
    records = lab.trace.records
    request = next((r.frame_id for r in reversed(records)
                    if r.func == "ping_v4_sendmsg" and r.frame_id), None)
    if request is None:
        return []
    ids = [request]
    for r in records:
        if r.func == "icmp_echo" and r.fact("reply_to") == request and r.frame_id:
            ids.append(r.frame_id)
    return ids


def select(lab: Lab, frames=None) -> list[TraceRecord]:
    """The records to animate: ``frames`` is None (the last ping), ids, or a predicate."""
    records = lab.trace.records
    if frames is None:
        frames = default_frames(lab)
    if callable(frames):
        pred: Callable[[TraceRecord], bool] = frames
        ids = {r.frame_id for r in records if r.frame_id and pred(r)}
    else:
        ids = set(frames)
    return [r for r in records if r.frame_id in ids]


def crossed_host(lab: Lab, records: Iterable[TraceRecord]):
    """The (non-guest) host most of ``records`` happen in."""
    counts: dict[str, int] = {}
    for r in records:
        if r.host in lab.hosts:
            counts[r.host] = counts.get(r.host, 0) + 1
    if not counts:
        return next(iter(lab.hosts.values()))  # callers made sure there is one
    return lab.hosts[max(counts, key=counts.get)]


def journey_steps(records: Iterable[TraceRecord], positions: dict[str, tuple[float, float]],
                  ) -> tuple[list[Step], list[int]]:
    """The steps, and for each copy index the frame id it belongs to."""
    copy_frame: list[int] = []
    where: list[list] = []          # copy -> [x, y, alive, place]
    live: dict[int, list[int]] = {}  # frame -> its live copies
    last: dict[int, int] = {}        # frame -> the copy that moved last
    flood_at: dict[int, str] = {}
    summary: dict[int, str] = {}     # frame -> its latest tcpdump line
    steps: list[Step] = []
    for r in records:
        p = spot(r, positions)
        xy = positions.get(p)
        if xy is None:
            continue
        f = r.frame_id
        before = summary.get(f, "")
        if r.summary:
            summary[f] = r.summary
        nat = nat_note(before, r.summary) if r.action == "nat" and r.summary else ""
        mine = live.setdefault(f, [])
        here = next((c for c in mine if where[c][3] == p), None)
        if here is None and (not mine or flood_at.get(f) == p):
            copy_frame.append(f)
            where.append([xy[0], xy[1], True, p])
            here = len(where) - 1
            mine.append(here)
        elif here is None:
            here = last[f] if last.get(f) in mine else mine[-1]
            where[here][:2], where[here][3] = list(xy), p
        last[f] = here
        if r.action == "flood":
            flood_at[f] = p
        if r.action == "drop":
            where[here][2] = False
            mine.remove(here)
        caption = f"#{f} {place(r)} ({r.action}): {r.reason} [{r.func}]"
        if nat:
            caption = f"{nat}: {caption}"
        labels = {c: addresses(summary.get(copy_frame[c], "")) for c in range(len(where))}
        steps.append(Step(r, caption, {c: (w[0], w[1], w[2]) for c, w in enumerate(where)},
                          labels, nat))
    return steps, copy_frame


def animate(lab: Lab, frames=None, ax=None, *, interval: int = 700, snapshot: bool = True,
            records: list[TraceRecord] | None = None):
    """A :class:`matplotlib.animation.FuncAnimation` of ``frames`` crossing their host.

    ``frames``: None (the last ping's request and reply), a list of frame ids, or a
    predicate over trace records (every frame with a matching record). The returned
    animation also carries ``netsim_steps`` (the :class:`Step` list), ``netsim_markers``
    (one Line2D per frame copy), ``netsim_caption`` (the Text) and ``netsim_update(i)``.

    ``records``: animate exactly these trace records instead (e.g. a journey cut short).

    Beside each marker a tag (``netsim_tags``) shows the addresses its frame carries;
    at a netfilter ``nat`` record the tag turns yellow with the new addresses and the
    caption starts "NAT src a -> b": a NAT ping shows the host's MASQUERADE, then gw's.

    ``snapshot``: the host's picture never changes during the journey, so it is drawn
    once, kept as an image behind the axes, and its artists are hidden; each frame then
    draws only the markers and the caption (about 10x faster for ``to_jshtml``).
    """
    import textwrap

    need_lab(lab, "animate")
    if records is None:
        records = select(lab, frames)
    if not records:
        raise ValueError("viz.animate(): nothing to animate: no frame in the trace yet "
                         "(send one first, e.g. h1.sh('ping -c 1 10.0.0.2'))")
    import matplotlib.pyplot as plt

    host = crossed_host(lab, records)
    from netsim.viz.inside import host_inside

    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 7.4), dpi=72)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.11, top=0.95)
    drawn = host_inside(host, ax=ax)
    steps, copy_frame = journey_steps(records, drawn["positions"])
    frame_ids = sorted(set(copy_frame))
    colour = {f: FRAME_COLOURS[i % len(FRAME_COLOURS)] for i, f in enumerate(frame_ids)}
    # copies of different frames at one place would hide each other: nudge them apart
    nudge = {f: (0.12 * i, 0.0) for i, f in enumerate(frame_ids)}
    markers = []
    for f in copy_frame:
        (m,) = ax.plot([], [], "o", markersize=11, color=colour[f], markeredgecolor="black",
                       zorder=6, label=f"frame #{f}")
        markers.append(m)
    seen_label: set[int] = set()
    for m, f in zip(markers, copy_frame, strict=True):
        if f in seen_label:
            m.set_label("_nolegend_")
        seen_label.add(f)
    if markers:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    caption = ax.text(0.01, -0.01, "", transform=ax.transAxes, fontsize=8.5, va="top",
                      ha="left", wrap=False, zorder=7)
    # beside each marker, the addresses its frame carries: they change where NAT rewrites
    tags = [ax.text(0, 0, "", fontsize=7, zorder=7, ha="left", va="bottom", color=colour[f],
                    bbox={"facecolor": "white", "edgecolor": colour[f], "pad": 1.5,
                          "alpha": 0.9}) for f in copy_frame]

    if snapshot:
        _snapshot_background(ax, keep=[*markers, *tags, caption])

    def update(i: int):
        step = steps[i]
        for c, m in enumerate(markers):
            tag = tags[c]
            if c in step.copies:
                x, y, alive = step.copies[c]
                dx, dy = nudge[copy_frame[c]]
                m.set_data([x + dx], [y + dy])
                tag.set_text(step.labels.get(c, "") if alive else "")
                # on the marker's left in the right half, so it never leaves the picture
                left = x > sum(ax.get_xlim()) / 2
                tag.set_horizontalalignment("right" if left else "left")
                tag.set_position((x + dx + (-0.2 if left else 0.15), y + dy + 0.12))
                # the step that rewrote it: the tag stands out
                tag.get_bbox_patch().set_facecolor(
                    "#FFF59D" if step.nat and step.record.frame_id == copy_frame[c]
                    else "white")
                if alive:
                    m.set_marker("o")
                    m.set_color(colour[copy_frame[c]])
                else:
                    m.set_marker("X")
                    m.set_color("red")
            else:
                m.set_data([], [])
                tag.set_text("")
        caption.set_text(f"step {i + 1}/{len(steps)}   t = {step.record.time * 1e3:.6f} ms\n"
                         + textwrap.fill(step.caption, 120))
        return [*markers, *tags, caption]

    anim = _journey_class()(ax.figure, update, frames=len(steps), interval=interval,
                            blit=False, repeat=True)
    anim.netsim_steps = steps
    anim.netsim_markers = markers
    anim.netsim_caption = caption
    anim.netsim_tags = tags
    anim.netsim_update = update
    anim.netsim_positions = drawn["positions"]
    return anim


def _journey_class():
    """FuncAnimation that draws each frame once when saving (also ``to_jshtml``).

    While saving, FuncAnimation redraws the canvas after each step and the writer then
    draws it again to grab the frame; the first draw is skipped here. HTML frames are
    PNGs compressed at level 1: a few percent larger, several times faster to encode.
    """
    from matplotlib.animation import FuncAnimation, HTMLWriter

    class JourneyAnimation(FuncAnimation):
        _netsim_saving = False

        def _repr_html_(self) -> str:
            """Jupyter shows the animation inline, as an HTML player."""
            return self.to_jshtml()

        def save(self, filename, writer=None, *args, savefig_kwargs=None, **kwargs):
            if isinstance(writer, HTMLWriter) and writer.frame_format == "png":
                savefig_kwargs = {"pil_kwargs": {"compress_level": 1}, **(savefig_kwargs or {})}
            self._netsim_saving = True
            try:
                return super().save(filename, writer, *args, savefig_kwargs=savefig_kwargs,
                                    **kwargs)
            finally:
                self._netsim_saving = False

        def _post_draw(self, framedata, blit):
            if not self._netsim_saving:
                super()._post_draw(framedata, blit)

    return JourneyAnimation


def _snapshot_background(ax, keep: list) -> None:
    """Draw the figure once (``keep`` hidden), then replay those pixels on every frame.

    The artists the snapshot shows are hidden; a :class:`_Snapshot` artist restores the
    saved pixels into the renderer (a memory copy) when the size matches, and draws the
    hidden artists itself otherwise (saving at another dpi still works).
    """
    from matplotlib.artist import Artist

    fig = ax.figure
    for a in keep:
        a.set_visible(False)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    region = fig.canvas.copy_from_bbox(fig.bbox)
    size = (renderer.width, renderer.height)
    for a in keep:
        a.set_visible(True)
    hidden = [c for c in ax.get_children()
              if c not in keep and c is not ax.patch and c.get_visible()]
    hidden.sort(key=lambda c: c.get_zorder())
    for child in hidden:
        child.set_visible(False)

    class _Snapshot(Artist):
        def draw(self, renderer) -> None:
            if (renderer.width, renderer.height) == size and hasattr(renderer,
                                                                     "restore_region"):
                renderer.restore_region(region)
                return
            for child in hidden:
                child.set_visible(True)
                child.draw(renderer)
                child.set_visible(False)

    snap = _Snapshot()
    snap.set_zorder(-10)
    fig.add_artist(snap)
    ax.set_zorder(1)
    ax.patch.set_visible(False)


def animate_text(lab: Lab, frames=None) -> str:
    """The animation's captions, one line per step."""
    records = select(need_lab(lab, "animate_text"), frames)
    if not records or not lab.hosts:
        return "(no steps)"
    from netsim.viz.inside import host_inside_layout

    positions = host_inside_layout(crossed_host(lab, records)).positions
    steps, _ = journey_steps(records, positions)
    return "\n".join(s.caption for s in steps) or "(no steps)"
