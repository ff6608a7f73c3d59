"""The player's two pictures as plain data: the inside of a host, and the whole lab.

Both are the layouts the matplotlib pictures use -- :func:`netsim.viz.inside.host_inside_layout`
and :func:`netsim.viz.topology.topology_layout` -- turned into lists of numbers and
strings that the page's script draws as SVG. Nothing is drawn here and nothing is
escaped: every string goes to the page as JSON and into the DOM as text.

Coordinates stay in the layouts' data units (y upwards); the script scales them.
Where a trace record happened is found by the records' place names
(``"host:tap0"``), which both layouts use as keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netsim.viz.inside import HEIGHT, host_inside_layout

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.lab import Lab

_FDB_NOTE = "FDB (MAC -> port)"


def _r(value: float) -> float:
    """Coordinates to 3 decimals: the page draws them at well under a pixel's error."""
    return round(value, 3)


def inside_view(host: Host) -> dict[str, Any]:
    """``host``'s layered picture: boxes, lines, paths, notes and positions by place.

    The layout's own FDB note (the table as it is *now*) is left out: the page writes
    each bridge's table as it was at the step shown, at the same spot (``fdb``).
    """
    L = host_inside_layout(host)
    bridges = [b for b in L.boxes if b.kind == "bridge"]
    fdb: list[list] = []
    notes: list[list] = []
    for x, y, text, size, *ha in L.notes:
        if text.startswith(_FDB_NOTE):
            owner = next((b for b in bridges if b.contains(x, y)), None)
            if owner is not None:
                name = owner.label.removesuffix(" (bridge)")
                fdb.append([name, _r(x), _r(y), _r(owner.x + owner.w - x - 0.1)])
            continue
        notes.append([_r(x), _r(y), text, size, ha[0] if ha else "left"])
    return {
        "host": L.host,
        "w": _r(L.width), "h": HEIGHT,
        "boxes": [[_r(b.x), _r(b.y), _r(b.w), _r(b.h), b.label, b.colour, b.kind, b.va]
                  for b in L.boxes],
        "lines": [[_r(x0), _r(y0), _r(x1), _r(y1), colour]
                  for (x0, y0), (x1, y1), colour in L.lines],
        "paths": [[[[_r(x), _r(y)] for x, y in p.points], p.colour, p.kind, p.style, p.label,
                   [_r(c) for c in p.label_at] if p.label_at else None, p.label_va]
                  for p in L.paths],
        "notes": notes,
        "fdb": fdb,
        "pos": {k: [_r(x), _r(y)] for k, (x, y) in L.positions.items()},
    }


def _bus(pos: dict, port: str, bridge: str) -> list[list[float]]:
    """A bridge port's line as the topology draws it: down to a bus, along, into the bridge."""
    (px, py), (bx, by) = pos[port], pos[bridge]
    bus = (py + by) / 2
    return [[_r(px), _r(py)], [_r(px), _r(bus)], [_r(bx), _r(bus)], [_r(bx), _r(by)]]


def topology_view(lab: Lab) -> dict[str, Any]:
    """The lab's machines (boxes), devices (nodes) and links (polylines).

    ``nodes``: place -> [x, y, kind, name, [ips], mac, state]; ``alias``: a trace place
    drawn as another node (``"host:slirp"``); ``boxes``: machine -> [x, y, w, h, kind,
    note]; ``edges``: [kind, u, v, [[x, y], ...]].
    """
    from netsim.viz.graph import to_networkx
    from netsim.viz.topology import topology_layout

    G = to_networkx(lab)
    layout = topology_layout(G)
    pos = layout.pos
    nodes, alias = {}, {}
    for n, (x, y) in pos.items():
        d = G.nodes[n]
        nodes[n] = [_r(x), _r(y), d["kind"], d["name"], list(d["ips"]), d["mac"] or "",
                    d["state"]]
        if d.get("place"):  # a qemu's slirp: the trace calls it "host:slirp"
            alias.setdefault(d["place"], n)
    edges: list[list] = []
    routes: dict[str, set[str]] = {}
    for u, v, data in G.edges(data=True):
        kind = data["kind"]
        if kind == "has" or u not in pos or v not in pos:
            continue
        if kind == "port of":
            port, br = (u, v) if G.nodes[v]["kind"] == "bridge" else (v, u)
            points = _bus(pos, port, br)
            u, v = port, br
        elif kind == "cable":
            route = layout.cables.get((u, v)) or layout.cables.get((v, u)) or [pos[u], pos[v]]
            points = [[_r(x), _r(y)] for x, y in route]
        else:
            points = [[_r(pos[u][0]), _r(pos[u][1])], [_r(pos[v][0]), _r(pos[v][1])]]
        if kind == "routed":
            machine = G.nodes[u]["host"]
            routes.setdefault(machine, set()).update(data.get("nat") or ["-"])
        edges.append([kind, u, v, points])
    boxes = {}
    for m, (x, y, w, h) in layout.boxes.items():
        nat = routes.get(m)
        note = "" if nat is None else ("routes + NAT" if nat - {"-"} else "routes")
        boxes[m] = [_r(x), _r(y), _r(w), _r(h), G.nodes[m]["kind"], note]
    xmin, xmax, ymin, ymax = layout.extent
    return {"nodes": nodes, "alias": alias, "boxes": boxes, "edges": edges,
            "extent": [_r(xmin), _r(xmax), _r(ymin - 0.5), _r(ymax)]}
