"""The spanning tree of a lab's bridges: who is root, which port blocks, and how it got there.

:func:`stp_layout` finds the bridges and the links between them (plain data, no
matplotlib): a link is a bridge port whose veth peer or cable's far end is a port of
another bridge. :func:`stp` draws it, :func:`stp_text` says it in lines, and
:func:`animate_stp` replays the port state changes the trace recorded
(:func:`netsim.bridge.stp.port_states`): listening -> learning -> forwarding, and the
reconvergence after a link goes down.

Colours are the Okabe-Ito palette (they survive colour-blindness and a projector):
the port marker's fill is its *state*, its label says its *role*
(:func:`netsim.bridge.stp.port_role`). A link that does not carry frames (one of its
ends is not forwarding) is dashed. Bridge ids are written ``priority.MAC`` as
``ip -d link`` prints them (``8000.2:0:0:0:1:2``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netsim.bridge import stp as kstp
from netsim.bridge.device import Bridge
from netsim.cli.ip.link_show import bridge_id_text
from netsim.viz._args import need_lab
from netsim.viz._mpl import pyplot
from netsim.viz.graph import machines

if TYPE_CHECKING:
    from netsim.bridge.port import BridgePort
    from netsim.lab import Lab

# Okabe-Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, purple.
STATE_COLOURS = {
    "forwarding": "#009E73",   # bluish green: frames pass
    "learning": "#56B4E9",     # sky blue: learning MACs, no frames yet
    "listening": "#F0E442",    # yellow: BPDUs only
    "blocking": "#D55E00",     # vermillion: blocked
    "disabled": "#999999",     # grey: down
}
ROLE_TEXT = {"root": "root port", "designated": "designated",
             "alternate": "alternate (blocked)", "disabled": "disabled"}
ROOT_COLOUR = "#E69F00"        # orange: the root bridge's frame
BRIDGE_COLOUR = "#0072B2"      # blue: the other bridges' frames
RADIUS = 3.6                   # the bridges stand on a circle this wide (about inches)
BOX_W, BOX_H = 1.35, 0.62      # half the size of a bridge's box, about
PORT_GAP = 0.4                 # a port marker sits this far outside its bridge's box
PARALLEL = 0.55                # two links between the same bridges: this far apart


def bridge_id(br: Bridge) -> str:
    """``8000.2:0:0:0:1:2``: the bridge id as ``ip -d link show`` prints it."""
    return bridge_id_text(br.priority, br.bridge_mac)


def _id(bid) -> str:
    return bridge_id_text(bid.priority, bid.mac)


def port_node(port: BridgePort) -> str:
    return f"{port.br.ns.name}:{port.dev.name}"


def bridge_node(br: Bridge) -> str:
    return f"{br.ns.name}:{br.name}"


def _far_port(port: BridgePort) -> BridgePort | None:
    """The bridge port at the other end of this port's veth or cable, if any."""
    dev = port.dev
    far = getattr(dev, "peer", None) or getattr(dev, "cable_peer", None)
    return getattr(far, "br_port", None) if far is not None else None


def _far_dev(port: BridgePort):
    dev = port.dev
    return getattr(dev, "peer", None) or getattr(dev, "cable_peer", None)


@dataclass
class StpLayout:
    """Bridges (node -> Bridge, in the lab's order), links between their ports, positions."""

    bridges: dict[str, Bridge] = field(default_factory=dict)
    ports: dict[str, BridgePort] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)   # (port node, port node)
    pos: dict[str, tuple[float, float]] = field(default_factory=dict)  # bridges and ports
    label_pos: dict[str, tuple[float, float, str, str]] = field(default_factory=dict)  # x,y,ha,va
    link_pos: dict[tuple[str, str], tuple[tuple[float, float], tuple[float, float]]] = \
        field(default_factory=dict)


def _all_bridges(lab: Lab) -> list[Bridge]:
    return [d for host, _k, _r in machines(lab) for d in host.ns.in_order()
            if isinstance(d, Bridge)]


def root_of(bridges: list[Bridge]) -> Bridge | None:
    """The bridge that is root of the tree the others know (the lowest id among roots)."""
    roots = [b for b in bridges if b.stp_enabled and kstp.is_root_bridge(b)]
    return min(roots, key=lambda b: b.stp_id, default=None)


def stp_layout(lab: Lab) -> StpLayout:
    """Where the bridges, ports and links go: the bridges on a circle, clockwise from the
    top in the lab's order of machines -- not by role, so a bridge stays in its place
    from one picture to the next while the root moves."""
    lab = need_lab(lab, "stp_layout")
    order = _all_bridges(lab)
    lay = StpLayout()
    n = len(order)
    for i, br in enumerate(order):
        node = bridge_node(br)
        lay.bridges[node] = br
        a = math.pi / 2 - 2 * math.pi * i / max(n, 1)
        r = RADIUS if n > 2 else RADIUS * 0.9
        lay.pos[node] = (0.0, 0.0) if n == 1 else (r * math.cos(a), r * math.sin(a))
        for p in br.ports:
            lay.ports[port_node(p)] = p
    seen: set[str] = set()
    for pn, p in lay.ports.items():
        far = _far_port(p)
        if far is None or pn in seen or port_node(far) not in lay.ports:
            continue
        seen |= {pn, port_node(far)}
        lay.links.append((pn, port_node(far)))
    cx = sum(x for x, _ in (lay.pos[b] for b in lay.bridges)) / max(n, 1)
    cy = sum(y for _, y in (lay.pos[b] for b in lay.bridges)) / max(n, 1)
    # Links between the same two bridges: spread side by side.
    groups: dict[frozenset, list[tuple[str, str]]] = {}
    for a, b in lay.links:
        key = frozenset((bridge_node(lay.ports[a].br), bridge_node(lay.ports[b].br)))
        groups.setdefault(key, []).append((a, b))
    for links in groups.values():
        for k, (a, b) in enumerate(links):
            (x1, y1) = lay.pos[bridge_node(lay.ports[a].br)]
            (x2, y2) = lay.pos[bridge_node(lay.ports[b].br)]
            length = math.hypot(x2 - x1, y2 - y1) or 1.0
            ux, uy = (x2 - x1) / length, (y2 - y1) / length
            nx_, ny_ = -uy, ux
            off = (k - (len(links) - 1) / 2) * PARALLEL
            s = (x1 + nx_ * off, y1 + ny_ * off)
            e = (x2 + nx_ * off, y2 + ny_ * off)
            lay.link_pos[(a, b)] = (s, e)
            # Labels on the side away from the centre of the ring (or of this pair).
            mx, my = (s[0] + e[0]) / 2, (s[1] + e[1]) / 2
            side = 1.0 if (mx - cx) * nx_ + (my - cy) * ny_ >= 0 else -1.0
            if n <= 2 and len(links) > 1:
                side = 1.0 if off >= 0 else -1.0
            # Out of the box along the link: to its side, or its top or bottom.
            at = min(BOX_W / max(abs(ux), 1e-9), BOX_H / max(abs(uy), 1e-9)) + PORT_GAP
            for pn, (px, py), sign in ((a, s, 1), (b, e, -1)):
                qx, qy = px + sign * ux * at, py + sign * uy * at
                lay.pos[pn] = (qx, qy)
                if abs(uy) < 0.5:  # a level link: one label below, one above, toward its middle
                    ly = qy + (-0.32 if sign * ux > 0 else 0.32)
                    ha = "left" if sign * ux > 0 else "right"
                    va = "top" if ly < qy else "bottom"
                    lay.label_pos[pn] = (qx - sign * ux * 0.2, ly, ha, va)
                    continue
                lx, ly = qx + side * nx_ * 0.3, qy + side * ny_ * 0.3
                lay.label_pos[pn] = (lx, ly, "left" if side * nx_ > 0.2 else
                                     "right" if side * nx_ < -0.2 else "center", "center")
    # Ports that lead to no other bridge: a short stub below their bridge.
    for node, br in lay.bridges.items():
        stubs = [port_node(p) for p in br.ports if port_node(p) not in lay.pos]
        bx, by = lay.pos[node]
        for k, pn in enumerate(stubs):
            x = bx + (k - (len(stubs) - 1) / 2) * 1.6
            lay.pos[pn] = (x, by - BOX_H - PORT_GAP - 0.3)
            lay.label_pos[pn] = (x + 0.25, by - BOX_H - PORT_GAP - 0.4, "left", "center")
    return lay


# ---------------------------------------------------------------------- text
def _bridge_line(br: Bridge) -> str:
    head = f"{br.ns.name} {br.name}  id {bridge_id(br)}"
    if not br.stp_enabled:
        return f"{head}  STP off (stp_state 0): forwards on every port, sends no BPDUs"
    if kstp.is_root_bridge(br):
        return f"{head}  ROOT bridge, root path cost 0"
    rp = kstp.get_port(br, br.root_port)
    rp_name = rp.dev.name if rp is not None else "none"
    return (f"{head}  root {_id(br.designated_root)} via root port {rp_name}, "
            f"root path cost {br.root_path_cost}")


def _role(p: BridgePort) -> str:
    return kstp.port_role(p) if p.br.stp_enabled else "no STP"


def _port_line(p: BridgePort) -> str:
    far = _far_dev(p)
    to = f"  -> {far.ns.name} {far.name}" if far is not None else ""
    return f"  {p.dev.name:<8} {_role(p):<11} {p.state:<11} cost {p.path_cost}{to}"


def stp_text(lab: Lab) -> str:
    """The tree in lines: per bridge its id and root (or root port and root path cost),
    per port its role, state and path cost, and what it is cabled to."""
    lab = need_lab(lab, "stp_text")
    bridges = _all_bridges(lab)
    if not bridges:
        return "(no bridges)"
    lines = []
    for br in bridges:
        lines.append(_bridge_line(br))
        lines += [_port_line(p) for p in br.ports]
    return "\n".join(lines)


# ---------------------------------------------------------------------- picture
def _port_label(p: BridgePort, state: str | None = None, role: bool = True) -> str:
    state = state or p.state
    if not p.br.stp_enabled:
        return f"{p.dev.name}\nSTP off, {state}"
    if state == "disabled":
        return f"{p.dev.name}\ndisabled (down)"
    if not role:
        return f"{p.dev.name}\n{state}"
    return f"{p.dev.name}: {ROLE_TEXT[kstp.port_role(p)]}\n{state}"


def _bridge_label(br: Bridge) -> str:
    head = f"{br.ns.name}  {br.name}\nid {bridge_id(br)}"
    if not br.stp_enabled:
        return f"{head}\nSTP off"
    if kstp.is_root_bridge(br):
        return f"{head}\nROOT BRIDGE"
    rp = kstp.get_port(br, br.root_port)
    return f"{head}\nroot port {rp.dev.name if rp else '-'}, cost {br.root_path_cost}"


def _carries(a: str, b: str) -> bool:
    return a == "forwarding" and b == "forwarding"


def stp(lab: Lab, ax=None, *, legend: bool = True, title: str | None = None) -> dict[str, Any]:
    """Draw the spanning tree: bridges (the root in orange, with "ROOT BRIDGE"), their
    ports coloured by state and labelled with their role, links dashed where they carry
    no frames, the path cost written on each link.

    Returns the artists: ``"bridges"`` (node -> Text, its box is the bbox patch),
    ``"ports"`` (port node -> Line2D marker), ``"port_labels"`` (port node -> Text),
    ``"links"`` ((port node, port node) -> Line2D), ``"costs"`` (same keys -> Text),
    ``"root"`` (the root bridge's node or None), ``"legend"``, ``"title"``, ``"pos"``.
    """
    lab = need_lab(lab, "stp")
    plt = pyplot("stp")  # lazily: importing netsim must not pull matplotlib in
    from matplotlib.lines import Line2D

    lay = stp_layout(lab)
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 7.5))
        fig.subplots_adjust(left=0.02, right=0.74)  # room for the legend beside the tree
    root = root_of(list(lay.bridges.values()))
    out: dict[str, Any] = {"bridges": {}, "ports": {}, "port_labels": {}, "links": {},
                           "costs": {}, "root": bridge_node(root) if root else None,
                           "pos": lay.pos, "layout": lay}
    for (a, b), (s, e) in lay.link_pos.items():
        pa, pb = lay.ports[a], lay.ports[b]
        (line,) = ax.plot([s[0], e[0]], [s[1], e[1]], color="#333333", linewidth=2.4,
                          linestyle="-" if _carries(pa.state, pb.state) else "--", zorder=1)
        out["links"][(a, b)] = line
        cost = (f"cost {pa.path_cost}" if pa.path_cost == pb.path_cost
                else f"cost {pa.path_cost} / {pb.path_cost}")
        out["costs"][(a, b)] = ax.text((s[0] + e[0]) / 2, (s[1] + e[1]) / 2, cost,
                                       ha="center", va="center", fontsize=9, zorder=3,
                                       bbox={"boxstyle": "round,pad=0.2", "fc": "white",
                                             "ec": "#BBBBBB"})
    for pn, p in lay.ports.items():
        x, y = lay.pos[pn]
        bx, by = lay.pos[bridge_node(p.br)]
        if not any(pn in k for k in lay.link_pos):  # a port to no other bridge: a stub
            ax.plot([bx, x], [by, y], color="#333333", linewidth=1.5, zorder=1)
        (m,) = ax.plot([x], [y], marker="o", markersize=15, linestyle="none", zorder=4,
                       markerfacecolor=STATE_COLOURS.get(p.state, "#999999"),
                       markeredgecolor="black", markeredgewidth=1.2)
        out["ports"][pn] = m
        lx, ly, ha, va = lay.label_pos[pn]
        out["port_labels"][pn] = ax.text(lx, ly, _port_label(p), ha=ha, va=va,
                                         fontsize=9.5, zorder=5, linespacing=1.15)
    for node, br in lay.bridges.items():
        x, y = lay.pos[node]
        is_root = out["root"] == node
        out["bridges"][node] = ax.text(
            x, y, _bridge_label(br), ha="center", va="center", fontsize=10, zorder=6,
            fontweight="bold" if is_root else "normal", linespacing=1.25,
            bbox={"boxstyle": "round,pad=0.45", "fc": "#FFF3D6" if is_root else "#EAF2FA",
                  "ec": ROOT_COLOUR if is_root else BRIDGE_COLOUR,
                  "lw": 3.0 if is_root else 1.5})
    xs = [x for x, _ in lay.pos.values()] or [0.0]
    ys = [y for _, y in lay.pos.values()] or [0.0]
    ax.set_xlim(min(xs) - 2.4, max(xs) + 2.4)
    ax.set_ylim(min(ys) - 1.4, max(ys) + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = ("Spanning tree: " + (f"root is {out['root'].replace(':', ' ')}"
                                      if root else "no bridge runs STP"))
    out["title"] = ax.set_title(title, fontsize=12)
    if legend:
        handles = [Line2D([], [], marker="o", linestyle="none", markersize=11,
                          markerfacecolor=c, markeredgecolor="black", label=f"port {s}")
                   for s, c in STATE_COLOURS.items()]
        handles += [Line2D([], [], color="#333333", lw=2.4, label="link carries frames"),
                    Line2D([], [], color="#333333", lw=2.4, ls="--",
                           label="link carries no frames\n(a port blocks or is not ready)")]
        out["legend"] = ax.legend(handles=handles, loc="upper left", fontsize=9,
                                  bbox_to_anchor=(1.0, 1.0), frameon=False)
    else:
        out["legend"] = None
    return out


# ---------------------------------------------------------------------- animation
def stp_steps(lab: Lab, since: float = 0.0) -> list[tuple[float, dict[str, str], str]]:
    """One step per moment ports changed state: ``(time, {port node: state}, caption)``,
    each step holding every port's state at that time (from ``lab.trace``)."""
    lab = need_lab(lab, "stp_steps")
    states: dict[str, str] = {}
    moments: list[tuple[float, dict[str, str], list[str]]] = []
    for t, host, bridge, port, state in kstp.port_states(lab.trace):
        states[f"{host}:{port}"] = state
        what = f"{host} {bridge} {port} -> {state}"
        if t < since:
            continue
        if moments and abs(moments[-1][0] - t) < 1e-9:
            moments[-1][1].update(states)
            if what not in moments[-1][2]:
                moments[-1][2].append(what)
        else:
            moments.append((t, dict(states), [what]))
    return [(t, st, _caption(whats)) for t, st, whats in moments]


def _caption(whats: list[str]) -> str:
    """``h2 br0 e21 -> listening``; more than two at once: ``6 ports -> listening``."""
    if len(whats) <= 2:
        return "; ".join(whats)
    by_state: dict[str, int] = {}
    for w in whats:
        state = w.rsplit(" ", 1)[1]
        by_state[state] = by_state.get(state, 0) + 1
    return "; ".join(f"{n} port{'s' * (n > 1)} -> {s}" for s, n in by_state.items())


def animate_stp(lab: Lab, ax=None, *, since: float = 0.0, interval: int = 900):
    """A :class:`matplotlib.animation.FuncAnimation` of the ports' states over simulated
    time: one frame per moment a port changed state (read from ``lab.trace``), the
    links dashed while they carry no frames. ``since``: start at this simulated second
    (e.g. just before a link was cut). The animation carries ``netsim_steps`` (see
    :func:`stp_steps`), ``netsim_art`` (what :func:`stp` drew) and ``netsim_update(i)``.
    """
    lab = need_lab(lab, "animate_stp")
    from netsim.viz.animate import _journey_class

    steps = stp_steps(lab, since)
    art = stp(lab, ax)
    ax = art["title"].axes
    lay = art["layout"]

    def update(i: int):
        t, states, caption = steps[i]
        for pn, m in art["ports"].items():
            s = states.get(pn, "disabled")
            m.set_markerfacecolor(STATE_COLOURS.get(s, "#999999"))
            art["port_labels"][pn].set_text(_port_label(lay.ports[pn], s, role=False))
        for (a, b), line in art["links"].items():
            line.set_linestyle("-" if _carries(states.get(a, "disabled"),
                                                states.get(b, "disabled")) else "--")
        art["title"].set_text(f"t = {t:.2f} s: {caption}")
        return []

    if steps:
        update(0)
    anim = _journey_class()(ax.figure, update, frames=len(steps), interval=interval,
                            repeat=False, blit=False)
    anim.netsim_steps = steps
    anim.netsim_art = art
    anim.netsim_update = update
    return anim
