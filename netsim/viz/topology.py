"""The whole lab in one picture: machines as boxes holding their devices.

Layout and drawing are separate, as in networkx: :func:`topology_layout` computes
where everything goes (plain numbers, no matplotlib), :func:`topology` renders it.

The layout follows the path a VM's frame takes, top to bottom, as the seed's
diagram does::

    VM boxes         [ vm1: eth0 ]          (the guest NIC, just above its tap)
    host box, row 1  tap0  tap1  veth0      (devices that are not NICs or bridges)
    host box, row 2       br0               (bridges, between their ports)
    host box, row 3  eth0                   (physical NICs: the wire side)
    cables           ---- level, or an elbow ---- to the next host's eth0

Hosts stand side by side while that fits :data:`MAX_WIDTH` (about inches: a notebook
cell). A wider lab with VMs wraps: the hypervisor and its VMs on a first row, the
outside world below on a second, its NICs facing up. That row is ordered so no two
cables cross -- the machine cabled to the hypervisor under its NIC, leaf machines (lan1)
on its left, the rest (gw, then web) on its right -- and each machine's NICs are sorted
by where their cable goes. The layout computes every cable's route
(:attr:`Layout.cables`), so tests can check crossings without drawing.
``lo`` is a small mark in each box's top-right corner (every machine has one, and it
connects to nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netsim.viz._args import need_lab
from netsim.viz._mpl import pyplot
from netsim.viz.graph import to_networkx

if TYPE_CHECKING:
    import networkx as nx

    from netsim.lab import Lab

FONT = 9.0      # every text; machine names 10
CHAR = FONT * 0.6 / 72  # inches per character of a label, about (digits are the widest)
LABEL_GAP = 0.22  # from a marker's centre to its label
MIN_SLOT = 1.0  # the least room between two markers of a row
VM_SLOT = 2.1   # per tap under a VM: the VM box above must hold "192.168.122.244/24"
LAST = 1.35     # right of a row's last marker when the row is empty
MARK = 0.25     # left of a row's first marker: half a marker
ROW = 1.0       # vertical room per device row: marker plus three label lines
PAD = 0.35      # box margin around its devices
GAP = 0.8       # between a host and its VMs, and between hosts on one row
ROW_GAP = 0.8   # between the hypervisors' row and the outside world's row
BOX_FACE = {"vm": "#F3EFFA", "host": "#F2F5F9"}
TITLE = 0.25    # a band atop a machine's box: its name, and lo's mark on the right
MAX_WIDTH = 14.0  # wider than this (about inches), a lab with VMs wraps onto two rows

# kind -> (matplotlib marker, face colour, marker size in points^2, legend text)
STYLE: dict[str, tuple[str, str, float, str]] = {
    "nic": ("s", "#4C72B0", 260, "physical NIC"),
    "emulated-nic": ("p", "#8172B2", 300, "guest NIC (emulated by qemu)"),
    "tap": ("o", "#55A868", 260, "tap (L2, fd on /dev/net/tun)"),
    "tun": ("v", "#8C8C3C", 260, "tun (L3, fd on /dev/net/tun)"),
    "veth": ("D", "#DD8452", 200, "veth end"),
    "bridge": ("h", "#C44E52", 520, "bridge"),
    "loopback": ("*", "#999999", 90, "loopback"),
    "slirp": ("8", "#E1AD01", 320, "user-mode network (libslirp in qemu)"),
}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    "port of": {"color": "#C44E52", "linestyle": "-", "linewidth": 1.2},
    "veth": {"color": "#DD8452", "linestyle": "-", "linewidth": 2.0},
    "cable": {"color": "#333333", "linestyle": "-", "linewidth": 2.2},
    "qemu": {"color": "#8172B2", "linestyle": "--", "linewidth": 1.4},
    "slirp": {"color": "#B8860B", "linestyle": "--", "linewidth": 1.4},
    "sockets": {"color": "#B8860B", "linestyle": ":", "linewidth": 1.6},
    "routed": {"color": "#2E7D32", "linestyle": ":", "linewidth": 2.0},
}
EDGE_LEGEND = {"port of": "bridge port", "veth": "veth pair", "cable": "cable",
               "qemu": "qemu process moves frames",
               "slirp": "qemu's slirp takes the guest's frames",
               "sockets": "slirp's host sockets, routed by the host",
               "routed": "IP forwarding (ip_forward=1) inside the machine"}


@dataclass
class Layout:
    """Where things go: device positions, machine boxes and cable routes, in data units
    (about an inch each when drawn)."""

    graph: nx.Graph
    pos: dict[str, tuple[float, float]] = field(default_factory=dict)
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # x,y,w,h
    cables: dict[tuple[str, str], list[tuple[float, float]]] = field(default_factory=dict)
    rows: int = 1   # 2: hypervisors (with their VMs) above, the outside world below

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) of every box."""
        xs = [x for x, _y, w, _h in self.boxes.values()] + \
             [x + w for x, _y, w, _h in self.boxes.values()]
        ys = [y for _x, y, _w, h in self.boxes.values()] + \
             [y + h for _x, y, _w, h in self.boxes.values()]
        return (min(xs, default=0.0), max(xs, default=1.0),
                min(ys, default=0.0), max(ys, default=1.0))

    def shift(self, names: set[str], dx: float) -> None:
        """Move machines (and their devices) ``dx`` to the right."""
        for m in names:
            x, y, w, h = self.boxes[m]
            self.boxes[m] = (x + dx, y, w, h)
        for n, (x, y) in list(self.pos.items()):
            if self.graph.nodes[n]["host"] in names:
                self.pos[n] = (x + dx, y)


def _devices(G: nx.Graph, machine: str) -> list[str]:
    """A machine's device nodes, in ifindex order (``ip link``'s order)."""
    devs = [n for n in G.neighbors(machine) if G.edges[machine, n]["kind"] == "has"]
    return sorted(devs, key=lambda n: G.nodes[n]["ifindex"])


def _links(G: nx.Graph, n: str, *kinds: str) -> list[str]:
    return [m for m in G.neighbors(n) if G.edges[n, m]["kind"] in kinds]


def _rows(G: nx.Graph, host: str) -> list[list[str]]:
    """A host's devices as [top row, bridges, physical NICs, loopbacks]."""
    devs = _devices(G, host)
    kinds = {n: G.nodes[n]["kind"] for n in devs}
    bridges = [n for n in devs if kinds[n] == "bridge"]
    nics = [n for n in devs if kinds[n] == "nic"]
    loops = [n for n in devs if kinds[n] == "loopback"]
    others = [n for n in devs if n not in bridges and n not in nics and n not in loops]
    # Ports sit next to their bridge's other ports: sort the top row by bridge.
    others.sort(key=lambda n: next(iter(_links(G, n, "port of")), "~"))
    return [others, bridges, nics, loops]


def _label_width(G: nx.Graph, n: str) -> float:
    """About how wide a device's label is drawn (inches)."""
    return max(len(line) for line in _label(G.nodes[n]).split("\n")) * CHAR


def _spacing(G: nx.Graph, row: list[str]) -> float:
    """Marker to marker in a row: room for the labels (each right of its marker); a row
    under VMs spaces its devices so the VM boxes above fit side by side."""
    need = max((LABEL_GAP + _label_width(G, n) + 0.2 for n in row[:-1]), default=0.0)
    if any(_links(G, n, "qemu", "slirp") for n in row):
        need = max(need, VM_SLOT)
    return max(need, MIN_SLOT)


def _spans(G: nx.Graph, rows: list[list[str]]) -> tuple[float, list[tuple[list[str], float]]]:
    spans = [(r, (len(r) - 1) * _spacing(G, r)) for r in rows if r]
    return max((s for _r, s in spans), default=0.0), spans


def _inner_width(G: nx.Graph, rows: list[list[str]]) -> float:
    """A machine's inner width: its rows centred on the widest, each last label in."""
    widest, spans = _spans(G, rows)
    return MARK + max(((widest + s) / 2 + LABEL_GAP + _label_width(G, r[-1]) + 0.1
                       for r, s in spans), default=LAST)


def _place_machine(layout: Layout, m: str, rows: list[list[str]], ys: list[float | None],
                   x: float, top: float, height: float) -> float:
    """Box ``m`` at ``x`` (its top at ``top + PAD``), its rows at ``ys``; returns its width."""
    G = layout.graph
    inner = _inner_width(G, rows[:3])
    widest, _spans_ = _spans(G, rows[:3])
    cx = x + PAD + MARK + widest / 2
    mine = []
    for row, y in zip(rows[:3], ys, strict=True):
        if row and y is not None:
            mine.append(y)
            s = _spacing(G, row)
            for i, n in enumerate(row):
                layout.pos[n] = (cx - (len(row) - 1) * s / 2 + i * s, y)
    # as tall as the rows it uses: a machine with NICs only is one row high
    hi = max(mine, default=top - ROW / 2) + ROW / 2
    lo = min(mine, default=top - ROW / 2) - ROW / 2
    layout.boxes[m] = (x, lo - PAD, inner + 2 * PAD, hi - lo + 2 * PAD + TITLE)
    # lo: a small mark in the title band, on the right, out of the frames' way.
    for n in rows[3]:
        layout.pos[n] = (x + inner + 2 * PAD - 0.45, hi + PAD + TITLE - 0.2)
    return inner + 2 * PAD


def _place_vms(layout: Layout, vms: list[str], x_free: float, top: float) -> float:
    """VMs above their host: each guest NIC right above the tap (or slirp) its qemu
    uses, so the dashed "qemu" line is vertical; VMs without one go right, from
    ``x_free``. Returns the next free x."""
    G = layout.graph
    for vm in vms:
        vdevs = _devices(G, vm)
        vnics = [n for n in vdevs if G.nodes[n]["kind"] != "loopback"]
        taps = [m for n in vnics for m in _links(G, n, "qemu", "slirp") if m in layout.pos]
        # As wide as its taps' slots (minus a sliver), so the VMs of neighbouring taps
        # stand side by side; its NIC left of centre, its label on the right.
        vw = max(len(vnics), 1) * VM_SLOT - 0.1
        first = min((layout.pos[t][0] for t in taps), default=x_free + 0.35)
        vx = first - 0.35
        if not taps:
            x_free += vw + GAP
        vy = top + PAD + GAP
        for i, n in enumerate(vnics):
            layout.pos[n] = (first + i * VM_SLOT, vy + 0.2 + ROW / 2)
        layout.boxes[vm] = (vx, vy, vw, ROW + 0.6)
        for n in vdevs:
            if n not in vnics:
                layout.pos[n] = (vx + vw - 0.45, vy + 0.25)  # bottom right: the title is on top
    return x_free


def _machines(G: nx.Graph) -> tuple[list[str], dict[str, list[str]]]:
    hosts = [n for n, k in G.nodes(data="kind") if k == "host"]
    vms_of: dict[str, list[str]] = {h: [] for h in hosts}
    for n, d in G.nodes(data=True):
        if d["kind"] == "vm":
            vms_of.setdefault(d.get("runs_on") or "", []).append(n)
    return hosts, vms_of


def topology_layout(G: nx.Graph) -> Layout:
    """Positions for :func:`topology`, computed from the graph alone.

    All machines stand on one row when that fits in :data:`MAX_WIDTH`; otherwise the
    hosts running VMs (with their VMs above) take the first row and the outside world
    a second row below, its NICs on top, facing the first row.
    """
    layout = _one_row(G)
    hosts, vms_of = _machines(G)
    hyper = [h for h in hosts if vms_of.get(h)]
    xmin, xmax, _ymin, _ymax = layout.extent
    if xmax - xmin > MAX_WIDTH and hyper and len(hyper) < len(hosts):
        layout = _two_rows(G, hyper, [h for h in hosts if h not in hyper], vms_of)
    _route_cables(layout)
    return layout


def _one_row(G: nx.Graph) -> Layout:
    layout = Layout(G)
    hosts, vms_of = _machines(G)
    # Rows are shared by all hosts (a row no host uses is dropped), so every host's
    # NICs sit on one line and the cables between hosts run level.
    split = {host: _rows(G, host) for host in hosts}
    used = [i for i in range(3) if any(split[h][i] for h in hosts)] or [0]
    ys = [-ROW / 2 - used.index(i) * ROW if i in used else None for i in range(3)]
    x = 0.0
    for host in hosts:
        width = _place_machine(layout, host, split[host], ys, x, 0.0, len(used) * ROW)
        vm_x = _place_vms(layout, vms_of.get(host, []), x + width + GAP, 0.0)
        x = max(x + width, vm_x - GAP) + GAP
    return layout


def _outside_order(G: nx.Graph, hyper: list[str], rest: list[str]) -> list[str]:
    """The outside row, left to right: the machine cabled to a hypervisor in the
    middle, its leaf neighbours (lan1) on its left, the rest (gw, then web) on its
    right, so that no two cables cross."""
    peers: dict[str, list[str]] = {m: [] for m in rest}
    for u, v, k in G.edges(data="kind"):
        hu, hv = G.nodes[u]["host"], G.nodes[v]["host"]
        if k == "cable" and hu in peers and hv in peers and hu != hv:
            peers[hu].append(hv)
            peers[hv].append(hu)
    anchors = [m for m in rest if any(
        G.nodes[p]["host"] in hyper for n in _devices(G, m) for p in _links(G, n, "cable"))]
    order: list[str] = []
    seen: set[str] = set(anchors)

    def subtree(m: str) -> list[str]:
        out = [m]
        for n in peers[m]:
            if n not in seen:
                seen.add(n)
                out += subtree(n)
        return out

    for a in anchors or rest[:1]:
        seen.add(a)
        left = [n for n in peers[a] if n not in seen and len(set(peers[n])) == 1]
        seen.update(left)
        right: list[str] = []
        for n in peers[a]:
            if n not in seen:
                seen.add(n)
                right += subtree(n)
        order += left + [a] + right
    return order + [m for m in rest if m not in order]


def _two_rows(G: nx.Graph, hyper: list[str], rest: list[str],
              vms_of: dict[str, list[str]]) -> Layout:
    layout = Layout(G, rows=2)
    split = {host: _rows(G, host) for host in hyper}
    used = [i for i in range(3) if any(split[h][i] for h in hyper)] or [0]
    ys = [-ROW / 2 - used.index(i) * ROW if i in used else None for i in range(3)]
    x = 0.0
    for host in hyper:
        width = _place_machine(layout, host, split[host], ys, x, 0.0, len(used) * ROW)
        vm_x = _place_vms(layout, vms_of.get(host, []), x + width + GAP, 0.0)
        x = max(x + width, vm_x - GAP) + GAP
    row1 = set(hyper) | {vm for h in hyper for vm in vms_of.get(h, [])}

    # The outside world, facing up: NICs on its top row, then bridges, then the rest.
    order = _outside_order(G, hyper, rest)
    flipped = {m: [r[2], r[1], r[0], r[3]] for m, r in ((m, _rows(G, m)) for m in order)}
    used2 = [i for i in range(3) if any(flipped[m][i] for m in order)] or [0]
    top = -(len(used) * ROW + 2 * PAD) - ROW_GAP - PAD
    xs, x = {}, 0.0
    for m in order:
        xs[m] = x
        x += _inner_width(G, flipped[m][:3]) + 2 * PAD + GAP / 2
    centre = {m: xs[m] + _inner_width(G, flipped[m][:3]) / 2 for m in order}

    def side(n: str, m: str) -> float:
        """Where a NIC's cable goes: left (<0) or right (>0) of its machine, up (0)."""
        far = next((G.nodes[p]["host"] for p in _links(G, n, "cable")), None)
        return centre[far] - centre[m] if far in centre else 0.0

    ys2 = [None, None, None]
    for k, i in enumerate(used2):
        ys2[i] = top - ROW / 2 - k * ROW
    for m in order:
        flipped[m][0].sort(key=lambda n, m=m: side(n, m))
        _place_machine(layout, m, flipped[m], ys2, xs[m], top, len(used2) * ROW)
    # Line the hypervisor's NIC up above the port it is cabled to: a vertical cable.
    for u, v, k in G.edges(data="kind"):
        if k != "cable":
            continue
        up, down = (u, v) if G.nodes[u]["host"] in row1 else (v, u)
        if G.nodes[up]["host"] in row1 and G.nodes[down]["host"] not in row1:
            dx = layout.pos[up][0] - layout.pos[down][0]
            if dx >= 0:
                layout.shift(set(order), dx)
            else:
                layout.shift(row1, -dx)
            break
    return layout


def _route_cables(layout: Layout) -> None:
    """Each cable as a polyline: straight when nothing is in its way, else an elbow
    between the rows, or a dip under the boxes."""
    G, pos = layout.graph, layout.pos
    dips = 0
    for u, v, k in G.edges(data="kind"):
        if k != "cable" or u not in pos or v not in pos:
            continue
        (a, b) = sorted((pos[u], pos[v]))
        if abs(a[1] - b[1]) < 1e-9:
            between = [n for n, p in pos.items() if n not in (u, v) and abs(p[1] - a[1]) < 0.1
                       and a[0] < p[0] < b[0]]
            if not between:
                layout.cables[(u, v)] = [a, b]
                continue
            bottom = min(layout.boxes[G.nodes[n]["host"]][1] for n in (u, v))
            y = bottom - 0.25 - 0.2 * dips
            dips += 1
            layout.cables[(u, v)] = [a, (a[0], y), (b[0], y), b]
            continue
        hi, lo = (pos[u], pos[v]) if pos[u][1] > pos[v][1] else (pos[v], pos[u])
        if abs(hi[0] - lo[0]) < 1e-9:
            layout.cables[(u, v)] = [hi, lo]
            continue
        box_hi = layout.boxes[G.nodes[u if pos[u] == hi else v]["host"]]
        box_lo = layout.boxes[G.nodes[v if pos[u] == hi else u]["host"]]
        mid = (box_hi[1] + box_lo[1] + box_lo[3]) / 2
        layout.cables[(u, v)] = [hi, (hi[0], mid), (lo[0], mid), lo]


def figure_size(layout: Layout, legend_outside: float = 0.0) -> tuple[float, float]:
    """Inches for ``layout``: an inch per data unit, so labels keep their size whatever
    the lab's size, and no margin but the picture's own (plus ``legend_outside`` inches
    on the right for a legend outside the axes)."""
    xmin, xmax, ymin, ymax = layout.extent
    w = xmax - xmin + 0.6 + float(legend_outside)
    return (min(w, 60.0), min(ymax - ymin + 0.8, 30.0))


def _abbrev_mac(mac: str) -> str:
    """The last three bytes: the first three are a vendor prefix shared by most NICs here."""
    return "…" + mac[-8:] if len(mac) == 17 else mac


def _label(d: dict) -> str:
    lines = [d["name"], *d["ips"]]
    if d["mac"] and d["kind"] != "loopback":
        lines.append(_abbrev_mac(d["mac"]))
    return "\n".join(lines)


def topology(lab: Lab, ax=None, *, graph: nx.Graph | None = None,
             legend: bool = True) -> dict[str, Any]:
    """Draw the lab: machines as boxes, devices by kind, links as lines.

    Returns the artists, keyed like networkx's drawing functions would name them:
    ``"boxes"`` (machine -> patch), ``"nodes"`` (kind -> PathCollection, one marker
    per device), ``"labels"`` (device -> Text), ``"edges"`` (edge kind -> list of
    patches), ``"titles"`` (machine -> Text), ``"legend"`` and ``"pos"``.
    """
    lab = need_lab(lab, "topology")
    plt = pyplot("topology")  # lazily: importing netsim must not pull matplotlib in
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    G = to_networkx(lab) if graph is None else graph
    layout = topology_layout(G)
    pos = layout.pos
    xmin, xmax, ymin, ymax = layout.extent
    # Two rows leave the first row's right side free: the legend goes there, inside.
    legend_inside = layout.rows == 2
    if ax is None:
        # the axes fill the figure but for the legend's strip: an inch per data unit
        strip = _legend_width(G) if legend and not legend_inside else 0.0
        w, h = figure_size(layout, strip)
        ax = plt.figure(figsize=(w, h)).add_axes((0, 0, (w - strip) / w, 1))

    boxes, titles = {}, {}
    for m, (x, y, w, h) in layout.boxes.items():
        is_vm = G.nodes[m]["kind"] == "vm"
        boxes[m] = ax.add_patch(FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.25",
            facecolor=BOX_FACE["vm" if is_vm else "host"],
            edgecolor="#8172B2" if is_vm else "#5A6B7F", linewidth=1.3, zorder=0))
        if is_vm:  # a VM box is one slot wide: a smaller title, on two lines
            titles[m] = ax.text(x + 0.1, y + h - 0.08, f"VM\n{m}", ha="left", va="top",
                                fontsize=FONT, fontweight="bold", linespacing=1.0,
                                color="#4B3F72", zorder=1)
        else:
            titles[m] = ax.text(x + 0.15, y + h - 0.12, m, ha="left", va="top",
                                fontsize=FONT + 1, fontweight="bold", color="#333333", zorder=1)
            note = _routing_note(G, m)
            if note:  # right after the title: this machine forwards between its networks
                ax.annotate(note, xy=(1.0, 0.5), xycoords=titles[m], xytext=(5, 0),
                            textcoords="offset points", va="center", fontsize=FONT,
                            fontstyle="italic", color=EDGE_STYLE["routed"]["color"])

    edges: dict[str, list] = {}
    for u, v, kind in G.edges(data="kind"):
        if kind not in EDGE_STYLE or u not in pos or v not in pos:
            continue
        style = EDGE_STYLE[kind]
        if kind == "port of":
            # Drawn like a switch's backplane: down from the port to a bus halfway to the
            # bridge's row, along the bus, into the bridge. Lines then never cross the
            # labels, which sit to the right of each device.
            port, br = (u, v) if G.nodes[v]["kind"] == "bridge" else (v, u)
            (px, py), (bx, by) = pos[port], pos[br]
            bus = (py + by) / 2
            (line,) = ax.plot([px, px, bx, bx], [py, bus, bus, by], zorder=2, **style)
            edges.setdefault(kind, []).append(line)
            continue
        if kind == "routed":
            edges.setdefault(kind, []).append(_draw_routed(ax, pos[u], pos[v], style,
                                                           FancyArrowPatch))
            continue
        if kind == "cable":  # the route the layout chose: straight, elbow or dip
            route = layout.cables.get((u, v)) or layout.cables.get((v, u))
            xs, ys = zip(*route, strict=True)
            (line,) = ax.plot(xs, ys, zorder=2, solid_joinstyle="round", **style)
            edges.setdefault(kind, []).append(line)
            continue
        a, b = sorted((pos[u], pos[v]))
        rad = 0.0
        patch = FancyArrowPatch(a, b, arrowstyle="-", connectionstyle=f"arc3,rad={rad}",
                                shrinkA=9, shrinkB=9, zorder=2, **style)
        edges.setdefault(kind, []).append(ax.add_patch(patch))

    nodes, labels = {}, {}
    for kind, (marker, colour, size, _text) in STYLE.items():
        members = [n for n, k in G.nodes(data="kind") if k == kind and n in pos]
        if not members:
            continue
        nodes[kind] = ax.scatter([pos[n][0] for n in members], [pos[n][1] for n in members],
                                 s=size, marker=marker, c=colour, edgecolors="white",
                                 linewidths=1.0, zorder=3)
        for n in members:
            d = G.nodes[n]
            x, y = pos[n]
            if kind == "loopback":
                # Beside the star, in the corner it has to itself.
                labels[n] = ax.text(x + 0.12, y, d["name"], ha="left", va="center",
                                    fontsize=FONT, color="#777777", zorder=4)
            else:
                # Right of the marker: lines leave a device up or down (bus, qemu) and
                # never through the space on its right. A physical NIC's cable leaves
                # down-right, so its label goes up-right instead.
                up = kind == "nic"
                labels[n] = ax.text(x + 0.22, y + 0.1 if up else y, _label(d), ha="left",
                                    va="bottom" if up else "center",
                                    fontsize=FONT, linespacing=1.1, zorder=4,
                                    # lines passing under a label do not cross its words
                                    bbox={"fc": BOX_FACE[G.nodes[d["host"]]["kind"]],
                                          "ec": "none", "pad": 0.5, "alpha": 0.85},
                                    color="#222222" if d["state"] != "DOWN" else "#999999")
    for n in G.nodes:  # any kind without a style (a future driver) still gets a label
        if n not in labels and n in pos:
            labels[n] = ax.text(*pos[n], G.nodes[n]["name"], ha="center", fontsize=FONT)

    leg = None
    if legend:
        handles = [Line2D([], [], marker=STYLE[k][0], color="none", markerfacecolor=STYLE[k][1],
                          markersize=9, label=STYLE[k][3]) for k in STYLE if k in nodes]
        handles += [Line2D([], [], label=EDGE_LEGEND[k], **EDGE_STYLE[k]) for k in edges]
        if legend_inside:
            leg = ax.legend(handles=handles, loc="upper right", fontsize=FONT, frameon=False,
                            bbox_to_anchor=(xmax + 0.3, ymax + 0.3),
                            bbox_transform=ax.transData)
        else:
            leg = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                            fontsize=FONT, frameon=False)
    ax.set_xlim(xmin - 0.3, xmax + 0.3)
    # Room below for a cable's dip.
    ax.set_ylim(ymin - 0.5, ymax + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return {"pos": pos, "boxes": boxes, "titles": titles, "nodes": nodes, "labels": labels,
            "edges": edges, "legend": leg, "ax": ax}


def _legend_width(G: nx.Graph) -> float:
    """About how wide the legend is drawn (inches): its longest entry and a handle."""
    kinds = {k for _n, k in G.nodes(data="kind")} & set(STYLE)
    texts = [STYLE[k][3] for k in kinds] + [EDGE_LEGEND[k] for _u, _v, k in
                                             G.edges(data="kind") if k in EDGE_LEGEND]
    return max((len(t) for t in texts), default=0) * CHAR + 0.9


def _draw_routed(ax, p: tuple[float, float], q: tuple[float, float], style: dict,
                 arrow_cls) -> Any:
    """Routing inside a forwarding machine: a dotted line between the two devices,
    straight when one is above the other, else a shallow arc under the NIC row."""
    a, b = sorted((p, q))
    rad = 0.0 if abs(b[0] - a[0]) < 0.1 else 0.3
    return ax.add_patch(arrow_cls(a, b, arrowstyle="-", connectionstyle=f"arc3,rad={rad}",
                                  shrinkA=9, shrinkB=9, zorder=2, **style))


def _routing_note(G: nx.Graph, machine: str) -> str | None:
    """What a forwarding machine does, for beside its title: "routes + NAT (MASQUERADE)"."""
    nat: list[str] = []
    routed = False
    for n in _devices(G, machine):
        for _u, _v, data in G.edges(n, data=True):
            if data.get("kind") == "routed":
                routed = True
                nat += [t for t in data.get("nat") or [] if t not in nat]
    if not routed:
        return None
    return "routes" + (" + NAT" if nat else "")


def topology_text(lab: Lab, graph: nx.Graph | None = None) -> str:
    """The same world in words: one block per machine, then the links.

    ::

        host (host)
          br0      bridge  UP       02:00:...  10.0.0.1/24
          ...
        links
          host:tap0 --qemu-- vm1:eth0   (pid 1034, fd 3)
    """
    lab = need_lab(lab, "topology_text")
    G = to_networkx(lab) if graph is None else graph
    lines: list[str] = []
    for m, kind in G.nodes(data="kind"):
        if kind not in ("host", "vm"):
            continue
        on = G.nodes[m].get("runs_on")
        lines.append(f"{m} ({kind}{f' on {on}' if on else ''})")
        for n in _devices(G, m):
            d = G.nodes[n]
            master = next((b for b in G.neighbors(n) if G.edges[n, b]["kind"] == "port of"
                           and G.nodes[b]["kind"] == "bridge" and b != n
                           and G.nodes[n]["kind"] != "bridge"), None)
            extra = f" master {G.nodes[master]['name']}" if master else ""
            lines.append(f"  {d['name']:<8} {d['kind']:<12} {d['state']:<8} "
                         f"{d['mac'] or '-':<17} {' '.join(d['ips']) or '-'}{extra}")
    links = [(u, v, d) for u, v, d in G.edges(data=True)
             if d["kind"] in ("veth", "cable", "qemu", "slirp", "sockets", "routed")]
    if links:
        lines.append("links")
        for u, v, d in sorted(links, key=lambda e: (e[2]["kind"], e[0], e[1])):
            if d["kind"] == "cable":
                note = f"   ({d['latency'] * 1e6:g} us, {d['bandwidth'] / 1e9:g} Gbit/s)"
            elif d["kind"] == "qemu":
                note = f"   (qemu pid {d['pid']}, fd {d['fd']}, netdev {d['netdev']})"
                if G.nodes[u]["kind"] == "emulated-nic":
                    u, v = v, u
            elif d["kind"] == "slirp":
                note = (f"   (qemu pid {d['pid']}, netdev {d['netdev']}: user-mode network "
                        f"{d['net']}, no tap)")
                if G.nodes[u]["kind"] == "emulated-nic":
                    u, v = v, u
            elif d["kind"] == "sockets":
                note = "   (the guest's traffic leaves as the host's own, by its default route)"
                if G.nodes[u]["kind"] != "slirp":
                    u, v = v, u
            elif d["kind"] == "routed":
                if u == d["uplink"]:
                    u, v = v, u
                nat = d.get("nat") or []
                note = ("   (ip_forward=1" + (f"; {', '.join(nat)} out of "
                                              f"{G.nodes[v]['name']}" if nat else "") + ")")
            else:
                note = ""
            lines.append(f"  {u} --{d['kind']}-- {v}{note}")
    return "\n".join(lines)
