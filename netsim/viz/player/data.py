"""What the player shows, computed once in Python: steps, pictures, packets, tables.

One *step* per trace record of the chosen frames (the records :func:`netsim.viz.animate.select`
chooses). The document is compact JSON: every repeated string (places, functions,
reasons) is written once in ``S`` and steps refer to it by number; a frame's bytes are
decoded once per distinct content, however many devices the frame crosses.

A step is a list (see ``STEP_FIELDS``)::

    [time in ns after the first step, frame id, host, place, spot, topology key,
     layer, action, function, reason, packet, trace index, bridge, facts, copies,
     inside view, from]

*Spot* is where the inside picture puts the record (:func:`netsim.viz.animate.spot`:
the IP stack for the IP layer's work); the *topology key* names what lights up in the
lab's picture: ``n:<node>``, ``e:<edge index>`` (a cable while the frame is on it, or
the qemu process moving it) or ``m:<machine>``. *Copies* are the other live copies of
the same frame (a flooded frame's branches): step numbers, or ``[place, key]`` for a
copy the bridge just sent and no record has moved yet. *From* is the step this
copy was at before (-1: none), so the pictures draw where it came from.

A packet is ``[summary, hex, layers]``, a layer ``[name, first byte, end, [[field,
value], ...]]`` (:func:`netsim.viz.player.decode.decode`), every string a number in ``S``.

The bridge tables: for each bridge, its learned entries *before* the first record kept
(the current table with the trace's learn/age records undone, newest first) and the
changes the trace records (learn, move, age, flush: :func:`netsim.viz.fdb.fdb_events`),
each with its index in the trace, so the page replays the table as it was at any step.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from netsim.packets.addr import mac_ntoa
from netsim.viz.animate import crossed_host, spot
from netsim.viz.fdb import HISTORY_ACTIONS, fdb_events
from netsim.viz.ladder import place
from netsim.viz.player.decode import decode
from netsim.viz.player.views import inside_view, topology_view

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord
    from netsim.lab import Lab

STEP_FIELDS = ("t", "frame", "host", "place", "spot", "topo", "layer", "action", "func",
               "reason", "packet", "trace", "bridge", "facts", "copies", "inside", "from")
MAX_INSIDE = 8       # hosts whose inside the player can show; the rest use the busiest's
_FLOOD_TO = re.compile(r": flooding to (.+)$")


class _Strings:
    """Each distinct string once, by number."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        i = self._index.get(text)
        if i is None:
            i = self._index[text] = len(self.items)
            self.items.append(text)
        return i


def _flood_targets(record: TraceRecord) -> list[str]:
    """The ports a ``br_flood`` record sends copies to, from its reason."""
    m = _FLOOD_TO.search(record.reason)
    if m is None or m.group(1) == "no other port":
        return []
    return m.group(1).split(", ")


def _facts(facts: dict | None) -> str | None:
    if not facts:
        return None
    return json.dumps(facts, default=str, ensure_ascii=False)


class _Copies:
    """Where each copy of each frame is: the animation's rule (a copy moves with its
    frame's records; a flood turns the bridge's copy into one per port), by place --
    and a copy on a cable is the one that arrives at the cable's far end."""

    def __init__(self) -> None:
        # frame -> its copies: [where, ref (a step, or [place, key]), the step it was at]
        self.live: dict[int, list[list]] = {}
        self.flooded: dict[int, int] = {}      # frame -> its last flood's step
        self.last: dict[int, list] = {}
        self.flood_at: dict[int, str] = {}

    def step(self, k: int, r: TraceRecord, p: str, pseudo) -> list:
        f = r.frame_id
        mine = self.live.setdefault(f, [])
        # On a cable, a copy is known by where the cable goes: "host->far:eth0".
        key = f"{p}->{r.fact('to')}" if not r.dev and r.fact("to") else p
        here = next((c for c in mine if c[0] == key), None)
        if here is None:  # the copy on the cable that arrives here
            here = next((c for c in mine if c[0].endswith(f"->{p}")), None)
        if here is None and (not mine or self.flood_at.get(f) == p):
            here = [key, k, self.flooded.get(f, -1)]
            mine.append(here)
        elif here is None:
            here = self.last[f] if any(c is self.last.get(f) for c in mine) else mine[-1]
        came_from = here[2]
        here[0], here[1], here[2] = key, k, k
        self.last[f] = here
        if r.action == "flood":
            mine.remove(here)
            for port in _flood_targets(r):
                where = f"{r.host}:{port}"
                mine.append([where, pseudo(where), k])
            self.flood_at[f] = p
            self.flooded[f] = k
        elif r.action == "drop":
            mine.remove(here)
        return [c[1] for c in mine if c is not here], came_from


def _bridge_of(lab: Lab, r: TraceRecord) -> str | None:
    """The bridge a bridge-layer record is about: its ``bridge`` fact, the record's
    device when that is a bridge, or the bridge the device is a port of."""
    name = r.fact("bridge")
    if name:
        return name
    host = lab.hosts.get(r.host)
    dev = host.ns.get(r.dev) if host is not None else None
    if dev is None:
        return r.dev or None
    from netsim.bridge.device import Bridge

    if isinstance(dev, Bridge):
        return dev.name
    return dev.master.name if dev.master is not None else None


def _bridge_table(lab: Lab, host: str, name: str, events: list) -> dict[str, Any]:
    """One bridge: its entries before the trace's first record, its changes, its own
    (local) addresses. ``events``: (trace index, FdbEvent) of this bridge, in order."""
    from netsim.bridge.device import Bridge

    machine = lab.hosts.get(host)
    br = machine.ns.get(name) if machine is not None else None
    learned: dict[str, str] = {}
    static: dict[str, str] = {}
    local: list[list[str]] = []
    if isinstance(br, Bridge):
        for e in br.fdb.entries.values():
            port = e.port.dev.name if e.port is not None else br.name
            if e.is_local:
                local.append([mac_ntoa(e.mac), port])
            elif e.is_static:
                static[mac_ntoa(e.mac)] = port
            else:
                learned[mac_ntoa(e.mac)] = port
    changes = []
    for index, ev in reversed(events):  # undo each change, newest first
        r = ev.record
        mac, port, moved = r.fact("mac"), r.fact("port"), r.fact("moved_from")
        if ev.kind == "learned":
            learned.pop(mac, None)
        elif ev.kind == "moved":
            learned[mac] = moved
        elif ev.kind == "aged out":
            learned[mac] = port
        changes.append([index, ev.kind, mac or "", port or "", moved or "", r.time])
    changes.reverse()
    return {"host": host, "name": name, "initial": sorted(learned.items()),
            "static": sorted(static.items()), "local": sorted(local), "events": changes}


def build(lab: Lab, records: list[TraceRecord], title: str) -> dict[str, Any]:
    """The player's whole document as JSON-ready data."""
    S = _Strings()
    chosen = {id(r) for r in records}
    trace_index: dict[int, int] = {}
    history: list[tuple[int, TraceRecord]] = []
    for i, r in enumerate(lab.trace.records):
        if id(r) in chosen:
            trace_index[id(r)] = i
        if r.layer == "bridge" and r.action in HISTORY_ACTIONS:
            history.append((i, r))

    # The inside pictures: the machine of each record (a guest's is its hypervisor).
    hypervisor = {vm.guest.name: vm.host.name for vm in lab.vms.values()
                  if getattr(vm, "guest", None) is not None}
    inside_hosts: list[str] = []
    for r in records:
        m = hypervisor.get(r.host, r.host)
        if m in lab.hosts and m not in hypervisor and m not in inside_hosts:
            inside_hosts.append(m)
    default = crossed_host(lab, records).name
    inside_hosts = ([default] + [h for h in inside_hosts if h != default])[:MAX_INSIDE]
    insides = [inside_view(lab.hosts[h]) for h in inside_hosts]
    positions: dict[str, Any] = {}
    for view in insides:
        for k, v in view["pos"].items():
            positions.setdefault(k, v)
    topo = topology_view(lab)
    nodes, alias, edges = topo["nodes"], topo["alias"], topo["edges"]
    cable_at = {}
    qemu_at = {}
    for i, (kind, u, v, _pts) in enumerate(edges):
        if kind == "cable":
            cable_at.setdefault(u, i)
            cable_at.setdefault(v, i)
        elif kind in ("qemu", "slirp"):
            for n in (u, v):
                qemu_at.setdefault(n, i)

    def topo_key(r: TraceRecord, p: str) -> str:
        if p in nodes:
            return f"n:{p}"
        if p in alias:
            return f"n:{alias[p]}"
        if not r.dev and r.fact("to") in cable_at:  # on a cable: the cable lights up
            return f"e:{cable_at[r.fact('to')]}"
        return ""

    def pseudo(where: str) -> list[int]:
        return [S(where), S(topo_key_place(where))]

    def topo_key_place(where: str) -> str:
        return f"n:{where}" if where in nodes else f"m:{where.partition(':')[0]}"

    packets: list[list] = []
    packet_index: dict[tuple[bytes, bool], int] = {}
    facts_list: list[Any] = []
    facts_index: dict[str, int] = {}
    bridges: dict[tuple[str, str], int] = {}
    frames: dict[int, int] = {}
    frame_rows: list[list] = []
    copies = _Copies()
    t0 = records[0].time
    steps: list[list] = []
    for k, r in enumerate(records):
        p = place(r)
        data = r.data
        pk = -1
        if data is not None:
            key = (data, r.l3)
            pk = packet_index.get(key, -1)
            if pk < 0:
                pk = packet_index[key] = len(packets)
                packets.append([S(r.summary), data.hex(), [
                    [S(layer["n"]), layer["s"], layer["e"],
                     [[S(name), S(value)] for name, value in layer["f"]]]
                    for layer in decode(data, r.l3)]])
        fj = _facts(r.facts)
        fi = -1
        if fj is not None:
            fi = facts_index.get(fj, -1)
            if fi < 0:
                fi = facts_index[fj] = len(facts_list)
                facts_list.append(json.loads(fj))
        bi = -1
        if r.layer == "bridge":
            name = _bridge_of(lab, r)
            if name:
                bi = bridges.setdefault((r.host, name), len(bridges))
        if r.frame_id not in frames:
            frames[r.frame_id] = len(frame_rows)
            frame_rows.append([r.frame_id, r.summary if data is not None else ""])
        elif data is not None and not frame_rows[frames[r.frame_id]][1]:
            frame_rows[frames[r.frame_id]][1] = r.summary
        others, came_from = copies.step(k, r, p, pseudo)
        sp = spot(r, positions)
        to = r.fact("to") if not r.dev else None
        if isinstance(to, str) and to.partition(":")[0] in positions:
            sp = to.partition(":")[0]  # on a cable: the inside shows it at the far end's tick
        machine = hypervisor.get(r.host, r.host)
        view = inside_hosts.index(machine) if machine in inside_hosts else -1
        steps.append([round((r.time - t0) * 1e9), r.frame_id, S(r.host), S(p),
                      S(sp), topo_key(r, p), S(r.layer), S(r.action),
                      S(r.func), S(r.reason), pk, trace_index.get(id(r), -1), bi, fi,
                      others or 0, view, came_from])
    _resolve_topology(steps, records, S, qemu_at, hypervisor, topo["boxes"])

    # Every bridge drawn inside a host the player shows, and every bridge a step names.
    for view in insides:
        for name, *_where in view["fdb"]:
            bridges.setdefault((view["host"], name), len(bridges))
    by_bridge: dict[tuple[str, str], list] = {key: [] for key in bridges}
    for (i, r), ev in zip(history, fdb_events(r for _i, r in history), strict=True):
        key = (r.host, r.fact("bridge"))
        if key in by_bridge:
            by_bridge[key].append((i, ev))
    tables = [_bridge_table(lab, host, name, by_bridge[(host, name)])
              for (host, name) in sorted(bridges, key=bridges.get)]

    return {"title": title, "t0": t0, "S": S.items, "steps": steps, "frames": frame_rows,
            "packets": packets, "facts": facts_list, "bridges": tables,
            "inside": insides, "topology": topo, "fields": STEP_FIELDS}


def _resolve_topology(steps: list[list], records: list[TraceRecord], S: _Strings,
                      qemu_at: dict[str, int], hypervisor: dict[str, str],
                      boxes: dict[str, list]) -> None:
    """Give every step a topology key (field 5 becomes a string number).

    A record with no device of its own in the lab's picture -- qemu's process, its fd on
    /dev/net/tun -- takes the device a neighbouring record of the same frame and host
    is at (the tap it writes to, or reads from); when qemu moves frames there, the
    qemu line between that tap and the guest lights up. Otherwise the machine's box.
    """
    n = len(steps)
    for k, step in enumerate(steps):
        if step[5]:
            continue
        r = records[k]
        found = ""
        for j in (*range(k + 1, min(n, k + 4)), *range(k - 1, max(-1, k - 4), -1)):
            other = steps[j]
            if (records[j].frame_id == r.frame_id and records[j].host == r.host
                    and isinstance(other[5], str) and other[5].startswith("n:")):
                found = other[5]
                break
        if found and r.layer in ("user", "chardev") and found[2:] in qemu_at:
            found = f"e:{qemu_at[found[2:]]}"
        if not found:
            machine = r.host if r.host in boxes else hypervisor.get(r.host, r.host)
            found = f"m:{machine}"
        step[5] = found
    for step in steps:
        step[5] = S(step[5])
