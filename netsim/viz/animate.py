"""Frames moving through a host: a matplotlib animation over :func:`host_inside`.

One animation step per trace record of the chosen frames. Each *copy* of a frame is a
marker (:func:`netsim.viz.ladder.follow` tells copies apart): it moves to the record's
place, a flooded frame splits (a new marker appears where the copies part), a drop ends
its copy with a red X. The legend names the frames by what they are ("echo request",
"ARP reply", "DHCP offer", read from their bytes); beside each marker a tag gives the
addresses its frame carries, placed where it covers no label. The caption gives the
time since the first step, the record's reason and ``[kernel function]``. Steps only
move artists (``set_data``, ``set_text``); the figure is drawn once.

The figure is drawn at 96 dpi: shown at its pixel size (as the HTML player shows it),
an inch of the figure is an inch of the screen and its 9-point text reads as 9 points.
The HTML player (``to_jshtml``, and Jupyter's display of the animation) needs nothing
from the network: its buttons are drawn inline, not taken from a CDN's icon font.

:func:`journey_steps` computes the steps (plain numbers, no matplotlib), so tests and
text output can read them; :func:`animate` renders them.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.viz._args import need_lab
from netsim.viz._mpl import pyplot
from netsim.viz.ladder import (
    FRAME_COLOURS,
    addresses,
    clock,
    duration,
    follow,
    nat_note,
    place,
    record_name,
)

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord
    from netsim.lab import Lab

FONT = 9.0           # every text of the animation, at DPI
DPI = 96             # one figure inch per CSS inch when shown at its pixel size
CAPTION_LINES = 3    # lines of caption under the picture: the step and its reason

# Functions of the IP layer: at the drawn host, their records sit in the IP stack box,
# not on the device the packet came in by.
IP_LAYER = ("ip_", "ipt_", "nf_conntrack", "icmp_", "ping_", "raw_", "udp_", "tcp_")
# Places inside a process: several boxes answer to one name (two qemus are both
# ``host:qemu``); a copy goes to the one nearest where it was.
_PROCESS_KEYS = {"qemu": ("pid",), "slirp": ("slirp@",), "/dev/net/tun": ("/dev/net/tun@",)}


@dataclass
class Step:
    record: TraceRecord
    caption: str
    # copy index -> (x, y, alive); every copy that exists at this step
    copies: dict[int, tuple[float, float, bool]]
    # copy index -> the addresses its frame carries now, "192.168.1.10 > 198.51.100.10"
    labels: dict[int, str] = field(default_factory=dict)
    nat: str = ""   # what this step's netfilter nat record rewrote, if it is one


def spot(record: TraceRecord, positions: dict[str, tuple[float, float]],
         near: tuple[float, float] | None = None) -> str:
    """The position key of a record: its place, or inside the IP stack for the IP
    layer's work (``host:ip@eth0`` as a packet enters, ``host:ip`` as it is routed,
    ``host:nat@eth0`` for netfilter's NAT). In a process (qemu, its /dev/net/tun file,
    slirp), of the boxes that stand for one, the one nearest ``near`` (where the copy
    was): the qemu of the tap the frame comes from."""
    p = place(record)
    host, dev = record.host, record.dev
    if record.action == "nat" and f"{host}:nat@{dev}" in positions:
        return f"{host}:nat@{dev}"
    if record.func.startswith(IP_LAYER) and f"{host}:ip" in positions:
        if record.func == "ip_rcv" and f"{host}:ip@{dev}" in positions:
            return f"{host}:ip@{dev}"
        return f"{host}:ip"
    if dev in _PROCESS_KEYS and near is not None:
        heads = tuple(f"{host}:{k}" for k in _PROCESS_KEYS[dev])
        boxes = [k for k in positions if k.startswith(heads)]
        if boxes:
            return min(boxes, key=lambda k: math.dist(positions[k], near))
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


def frame_names(records: Iterable[TraceRecord]) -> dict[int, str]:
    """Each frame's name (:func:`netsim.viz.ladder.frame_name`), made unique with its id
    when two frames have the same: ``{7: "echo request", 8: "echo reply"}``."""
    names: dict[int, str] = {}
    for r in records:
        if r.frame_id and r.frame_id not in names and r.data is not None:
            names[r.frame_id] = record_name(r)
    twice = {n for n in names.values() if list(names.values()).count(n) > 1}
    return {f: f"{n} #{f}" if n in twice else n for f, n in names.items()}


def journey_steps(records: Iterable[TraceRecord], positions: dict[str, tuple[float, float]],
                  ) -> tuple[list[Step], list[int]]:
    """The steps, and for each copy index the frame id it belongs to."""
    records = list(records)
    names = frame_names(records)
    copy_frame: list[int] = []
    marker: dict[int, int] = {}      # follow()'s copy -> our copy index (drawn ones only)
    where: list[list] = []           # copy -> [x, y, alive]
    summary: dict[int, str] = {}     # frame -> its latest tcpdump line
    steps: list[Step] = []
    start = None
    for move in follow(records):
        r = move.record
        f = r.frame_id
        before = summary.get(f, "")
        if r.summary:
            summary[f] = r.summary
        c = marker.get(move.copy)
        near = None
        if c is not None:
            near = (where[c][0], where[c][1])
        elif move.came_from is not None and move.came_from in positions:
            near = positions[move.came_from]
        xy = positions.get(spot(r, positions, near))
        if xy is None:
            continue
        if c is None:
            c = marker[move.copy] = len(where)
            copy_frame.append(f)
            where.append([xy[0], xy[1], True])
        where[c][:2] = xy
        if r.action == "drop":
            where[c][2] = False
        nat = nat_note(before, r.summary) if r.action == "nat" and r.summary else ""
        start = r.time if start is None else start
        caption = (f"{names.get(f, 'frame')} at {place(r)} ({r.action}): {r.reason} "
                   f"[{r.func}]")
        if nat:
            caption = f"{nat}: {caption}"
        labels = {k: addresses(summary.get(copy_frame[k], "")) for k in range(len(where))}
        steps.append(Step(r, caption, {k: (w[0], w[1], w[2]) for k, w in enumerate(where)},
                          labels, nat))
    return steps, copy_frame


def animate(lab: Lab, frames=None, ax=None, *, interval: int = 700, snapshot: bool = True,
            records: list[TraceRecord] | None = None):
    """A :class:`matplotlib.animation.FuncAnimation` of ``frames`` crossing their host.

    ``frames``: None (the last ping's request and reply), a list of frame ids, or a
    predicate over trace records (every frame with a matching record). The returned
    animation also carries ``netsim_steps`` (the :class:`Step` list), ``netsim_markers``
    (one Line2D per frame copy), ``netsim_caption`` (the Text), ``netsim_legend``,
    ``netsim_labels`` (the host picture's texts, which nothing may cover) and
    ``netsim_update(i)``.

    ``records``: animate exactly these trace records instead (e.g. a journey cut short).

    Beside each marker a tag (``netsim_tags``) shows the addresses its frame carries,
    on whichever side of the marker covers no label; at a netfilter ``nat`` record the
    tag turns yellow with the new addresses and the caption starts "NAT src a -> b": a
    NAT ping shows the host's MASQUERADE, then gw's.

    ``snapshot``: the host's picture never changes during the journey, so it is drawn
    once, kept as an image behind the axes, and its artists are hidden; each frame then
    draws only the markers, the tags and the caption (about 10x faster for ``to_jshtml``).
    """
    need_lab(lab, "animate")
    if records is None:
        records = select(lab, frames)
    if not records:
        raise ValueError("viz.animate(): nothing to animate: no frame in the trace yet "
                         "(send one first, e.g. h1.sh('ping -c 1 10.0.0.2'))")
    plt = pyplot("animate")
    from matplotlib.lines import Line2D

    from netsim.viz.inside import HEIGHT, INCH, host_inside, host_inside_layout

    host = crossed_host(lab, records)
    if ax is None:
        width = host_inside_layout(host).width * INCH
        caption_h = 0.3 + CAPTION_LINES * FONT * 1.35 / 72
        height = HEIGHT * INCH + 0.35 + caption_h
        # whole, even pixels: a movie writer would round the figure, and the snapshot
        # of the background would no longer fit it
        width, height = (2 * round(v * DPI / 2) / DPI for v in (width, height))
        fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
        fig.subplots_adjust(left=0.005, right=0.995, bottom=caption_h / height,
                            top=1 - 0.35 / height)
    fig = ax.figure
    drawn = host_inside(host, ax=ax)
    steps, copy_frame = journey_steps(records, drawn["positions"])
    if not steps:
        raise ValueError(f"viz.animate(): none of these frames crosses {host.name}'s "
                         "picture")
    frame_ids = list(dict.fromkeys(copy_frame))
    names = frame_names(records)
    colour = {f: FRAME_COLOURS[i % len(FRAME_COLOURS)] for i, f in enumerate(frame_ids)}
    # copies of different frames at one place would hide each other: nudge them apart
    nudge = {f: (0.14 * i, 0.0) for i, f in enumerate(frame_ids)}
    markers = []
    for f in copy_frame:
        (m,) = ax.plot([], [], "o", markersize=11, color=colour[f], markeredgecolor="black",
                       zorder=6)
        markers.append(m)
    # the legend names the frames: above the picture, on the right of its title (which
    # moves to the left)
    handles = [Line2D([], [], marker="o", markersize=10, color=colour[f], linestyle="none",
                      markeredgecolor="black", label=names.get(f, f"frame #{f}"))
               for f in frame_ids]
    title = ax.get_title()
    ax.set_title("")
    heading = ax.set_title(title, loc="left", fontsize=FONT + 2)
    box = ax.get_position()
    legend = fig.legend(handles=handles, loc="lower right", fontsize=FONT, frameon=False,
                        ncols=len(handles), bbox_to_anchor=(box.x1, box.y1),
                        handletextpad=0.3, columnspacing=1.2, borderaxespad=0.1)
    caption = fig.text(0.01, box.y0 - 0.012, "", fontsize=FONT, va="top", ha="left",
                       linespacing=1.3)
    # beside each marker, the addresses its frame carries: they change where NAT rewrites
    tags = [ax.text(0, 0, "", fontsize=FONT, zorder=7, ha="left", va="bottom",
                    color=colour[f], bbox={"facecolor": "white", "edgecolor": colour[f],
                                           "pad": 1.5, "alpha": 0.95})
            for f in copy_frame]
    leaders = [ax.plot([], [], color=colour[f], linewidth=1, zorder=5.9)[0]
               for f in copy_frame]
    labels = [t for t in drawn["texts"] if t.get_text()]
    if snapshot:  # one drawing of the picture: the snapshot's
        _snapshot_background(ax, keep=[*markers, *tags, *leaders, caption, legend])
    else:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # what a tag must not cover: the picture's labels (pixels, at this dpi), which the
    # snapshot hid (a hidden Text has no extent)
    taken_px = []
    for t in [*labels, heading]:
        shown = t.get_visible()
        t.set_visible(True)
        taken_px.append(t.get_window_extent(renderer))
        t.set_visible(shown)
    axes_px = ax.get_window_extent(renderer)
    chars = max(60, int(fig.get_figwidth() * 0.98 * 72 / (FONT * 0.56)))
    start = steps[0].record.time

    def update(i: int):
        step = steps[i]
        placed: list = []
        order = sorted(range(len(markers)), key=lambda c: c not in step.copies)
        for c in order:
            m, tag = markers[c], tags[c]
            if c not in step.copies:
                m.set_data([], [])
                tag.set_text("")
                leaders[c].set_data([], [])
                continue
            x, y, alive = step.copies[c]
            dx, dy = nudge[copy_frame[c]]
            m.set_data([x + dx], [y + dy])
            m.set_marker("o" if alive else "X")
            m.set_color(colour[copy_frame[c]] if alive else "red")
            text = step.labels.get(c, "") if alive else ""
            tag.set_text(text)
            leaders[c].set_data([], [])
            if text:
                box, far = _place_tag(tag, (x + dx, y + dy), ax, renderer,
                                      taken_px + placed, axes_px)
                placed.append(box)
                if far:  # a thin line from the marker to its tag, standing off
                    px, py = ax.transData.transform((x + dx, y + dy))
                    end = (min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1))
                    leaders[c].set_data(*zip((x + dx, y + dy),
                                             ax.transData.inverted().transform(end),
                                             strict=True))
            # the step that rewrote it: the tag stands out
            tag.get_bbox_patch().set_facecolor(
                "#FFF59D" if step.nat and step.record.frame_id == copy_frame[c] else "white")
        head = (f"step {i + 1}/{len(steps)}:  {duration(step.record.time - start)}"
                f"  (t = {clock(step.record.time)})")
        body = textwrap.wrap(step.caption, chars)
        if len(body) > CAPTION_LINES - 1:
            body = body[:CAPTION_LINES - 2] + [textwrap.shorten(
                " ".join(body[CAPTION_LINES - 2:]), chars, placeholder=" …")]
        caption.set_text("\n".join([head, *body]))
        return [*markers, *tags, *leaders, caption]

    anim = _journey_class()(fig, update, frames=len(steps), interval=interval,
                            blit=False, repeat=True)
    update(0)
    anim.netsim_steps = steps
    anim.netsim_markers = markers
    anim.netsim_caption = caption
    anim.netsim_legend = legend
    anim.netsim_tags = tags
    anim.netsim_labels = labels
    anim.netsim_update = update
    anim.netsim_positions = drawn["positions"]
    return anim


# Where a tag may stand, around its marker: (dx, dy) in points from the marker's centre
# to the tag's anchor, and the anchor (ha, va); nearest first, then right, left, up, down.
def _tag_spots() -> list[tuple[float, float, str, str]]:
    angles = [0, 180, 30, 150, -30, -150, 90, -90, 60, 120, -60, -120]
    out = []
    for r in (9, 16, 26, 40, 60, 90, 130):
        for a in angles:
            dx, dy = math.cos(math.radians(a)), math.sin(math.radians(a))
            ha = "left" if dx > 0.3 else "right" if dx < -0.3 else "center"
            va = "bottom" if dy > 0.3 else "top" if dy < -0.3 else "center"
            out.append((r * dx, r * dy if va != "center" else 0.0, ha, va))
    return out


_TAG_SPOTS = _tag_spots()


def _place_tag(tag, xy: tuple[float, float], ax, renderer, taken: list, axes_px):
    """Put ``tag`` beside the marker at ``xy``, as near as it can where it covers no bbox
    in ``taken`` and stays in the axes; return its bbox (pixels) and whether it stands
    off (then a leader line joins it to its marker). No free spot: right of it."""
    from matplotlib.transforms import Bbox

    px, py = ax.transData.transform(xy)
    scale = ax.figure.dpi / 72
    tag.set_horizontalalignment("left")
    tag.set_verticalalignment("bottom")
    tag.set_position(xy)
    box = tag.get_window_extent(renderer)
    pad = 3 * scale       # the bbox patch around the text, and a little air
    w, h = box.width + 2 * pad, box.height + 2 * pad
    marker = Bbox.from_extents(px - 7 * scale, py - 7 * scale, px + 7 * scale, py + 7 * scale)
    first = None
    for dx, dy, ha, va in _TAG_SPOTS:
        x0 = px + dx * scale - {"left": 0, "right": w, "center": w / 2}[ha]
        y0 = py + dy * scale - {"bottom": 0, "top": h, "center": h / 2}[va]
        cand = Bbox.from_extents(x0, y0, x0 + w, y0 + h)
        first = first or (cand, x0, y0, False)
        if (cand.x0 >= axes_px.x0 and cand.x1 <= axes_px.x1 and cand.y0 >= axes_px.y0
                and cand.y1 <= axes_px.y1 and not cand.overlaps(marker)
                and not any(cand.overlaps(b) for b in taken)):
            far = math.hypot(dx, dy) > 12
            break
    else:
        cand, x0, y0, far = first
    tag.set_position(ax.transData.inverted().transform((x0 + pad, y0 + pad)))
    return cand, far


# The player's buttons, drawn inline (16 x 16, in the button's text colour): matplotlib's
# HTML takes them from font-awesome on a CDN, and offline they are blank.
_ICON_PATHS = {
    "fa-minus": "M2 7h12v2H2z",
    "fa-plus": "M7 2h2v5h5v2H9v5H7V9H2V7h5z",
    "fa-fast-backward": "M2 2h2v12H2zM9 2v12L4 8zM15 2v12L10 8z",
    "fa-step-backward": "M3 2h2v12H3zM13 2v12L6 8z",
    "fa-play": "M4 2v12l10-6z",
    "fa-pause": "M3 2h4v12H3zM9 2h4v12H9z",
    "fa-step-forward": "M11 2h2v12h-2zM3 2v12l7-6z",
    "fa-fast-forward": "M12 2h2v12h-2zM1 2v12l5-6zM7 2v12l5-6z",
}
_ICON_NAMES = {"fa-minus": "slower", "fa-plus": "faster", "fa-fast-backward": "first",
               "fa-step-backward": "previous", "fa-play": "play", "fa-pause": "pause",
               "fa-step-forward": "next", "fa-fast-forward": "last"}
_FA_LINK = re.compile(r'<link rel="stylesheet"\s+href="[^"]*font-awesome[^"]*">\s*')
_FA_ICON = re.compile(r'<i class="fa ([^"]*)"></i>')
_PLAYER_STYLE = """<style>
.anim-buttons button { width: auto; min-width: 38px; height: 30px; padding: 2px 6px;
                       color: #222; background: #f4f4f4; border: 1px solid #999;
                       border-radius: 4px; cursor: pointer; }
.anim-buttons button svg { width: 16px; height: 16px; vertical-align: middle;
                           fill: currentColor; }
</style>
"""


def _icon(classes: str) -> str:
    names = classes.split()
    name = next((n for n in names if n in _ICON_PATHS), "fa-play")
    flip = ' transform="matrix(-1 0 0 1 16 0)"' if "fa-flip-horizontal" in names else ""
    word = "play backwards" if flip else _ICON_NAMES[name]
    return (f'<svg viewBox="0 0 16 16" role="img" aria-label="{word}"><title>{word}</title>'
            f'<path{flip} d="{_ICON_PATHS[name]}"/></svg>')


def offline_html(html: str) -> str:
    """matplotlib's HTML player without the network: no font-awesome ``<link>`` to a
    CDN, every button's icon drawn inline (an SVG in the button's text colour, named in
    its ``<title>``), the buttons a little larger."""
    html = _FA_LINK.sub("", html)
    html = _FA_ICON.sub(lambda m: _icon(m.group(1)), html)
    return _PLAYER_STYLE + html


def _journey_class():
    """FuncAnimation that draws each frame once when saving (also ``to_jshtml``), and
    whose HTML player works offline (:func:`offline_html`).

    While saving, FuncAnimation redraws the canvas after each step and the writer then
    draws it again to grab the frame; the first draw is skipped here. HTML frames are
    PNGs compressed at level 1: a few percent larger, several times faster to encode.
    """
    from pathlib import Path

    from matplotlib.animation import FuncAnimation, HTMLWriter

    class JourneyAnimation(FuncAnimation):
        _netsim_saving = False

        def _repr_html_(self) -> str:
            """Jupyter shows the animation inline, as an HTML player."""
            return self.to_jshtml()

        def to_jshtml(self, fps=None, embed_frames=True, default_mode=None) -> str:
            """The HTML player, as matplotlib makes it, with its buttons drawn inline."""
            html = super().to_jshtml(fps, embed_frames, default_mode)
            if not html.startswith(_PLAYER_STYLE):
                html = self._html_representation = offline_html(html)
            return html

        def save(self, filename, writer=None, *args, savefig_kwargs=None, **kwargs):
            html = isinstance(writer, HTMLWriter) or (
                writer in (None, "html") and str(filename).endswith((".html", ".htm")))
            if isinstance(writer, HTMLWriter) and writer.frame_format == "png":
                savefig_kwargs = {"pil_kwargs": {"compress_level": 1}, **(savefig_kwargs or {})}
            self._netsim_saving = True
            try:
                out = super().save(filename, writer, *args, savefig_kwargs=savefig_kwargs,
                                   **kwargs)
            finally:
                self._netsim_saving = False
            if html:
                path = Path(filename)
                text = path.read_text()
                if not text.startswith(_PLAYER_STYLE):
                    path.write_text(offline_html(text))
            return out

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
    axis = [] if ax.axison else [ax.xaxis, ax.yaxis, *ax.spines.values()]
    hidden = [c for c in ax.get_children()
              if c not in keep and c is not ax.patch and c.get_visible() and c not in axis]
    hidden.sort(key=lambda c: c.get_zorder())
    for child in hidden:
        child.set_visible(False)

    class _Snapshot(Artist):
        def draw(self, renderer) -> None:
            if (renderer.width, renderer.height) == size and hasattr(renderer,
                                                                     "restore_region"):
                renderer.restore_region(region)
                return
            if hasattr(ax, "_update_title_position"):
                ax._update_title_position(renderer)
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
