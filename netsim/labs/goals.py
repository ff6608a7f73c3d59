"""How each kind of goal is checked: by traffic through the simulation, or by reading
the kernel's state with the machines' own tools -- never by reading what was typed.

Each checker takes the world and the goal's fields and returns an :class:`Outcome`:
passed or not, and the evidence (what the probe or the tool said). :func:`describe`
words a goal for the student. The kinds and their fields are in :mod:`netsim.labs.kinds`.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.labs import traffic
from netsim.labs.kinds import Probe, is_mac
from netsim.labs.traffic import Missing, find, run, send

if TYPE_CHECKING:
    from netsim.lab import Lab
    from netsim.labs.spec import GoalSpec


@dataclass
class Outcome:
    passed: bool
    evidence: str


# ----------------------------------------------------------------------------- wording
def describe(goal: GoalSpec) -> str:
    """The goal in a sentence (its ``title:`` if the lab gives one)."""
    if goal.title:
        return goal.title
    a = goal.args
    kind = goal.kind
    if kind in ("reach", "not-reach"):
        how = "(ping)" if "port" not in a else f"on UDP port {a['port']} (echoed back)"
        verb = "reaches" if kind == "reach" else "does not reach"
        by = f", answered by {a['answered-by']}" if "answered-by" in a else ""
        return f"{a['from']} {verb} {a['to']} {how}{by}"
    if kind in ("has-address", "no-address"):
        what = (a.get("address") or (f"an address in {a['in']}" if "in" in a else None))
        if kind == "has-address":
            return f"{a['on']}'s {a['dev']} holds {what or 'an IPv4 address'}"
        return f"{a['on']}'s {a['dev']} " + (f"does not hold {what}" if what else
                                             "holds no IPv4 address")
    if kind == "route":
        parts = [f"via {a['via']}" if "via" in a else "", f"dev {a['dev']}" if "dev" in a else ""]
        return f"{a['on']} routes {a['to']} " + " ".join(p for p in parts if p)
    if kind == "fdb":
        owner, _, dev = a["mac"].partition(":")
        mac = a["mac"] if is_mac(a["mac"]) else f"{owner}'s {dev} MAC"
        return (f"{a['on']}'s {a['bridge']} has learned {mac} behind {a['port']}"
                + _during(a))
    if kind == "stp-root":
        return f"{a['bridge']} is the spanning tree's root bridge"
    if kind == "stp-blocked":
        return f"{a['on']}'s port {a['port']} is blocking"
    if kind in ("frames-seen", "frames-not-seen"):
        what = f"frames matching {a['match']!r}" if "match" in a else "frames"
        seen = "cross" if kind == "frames-seen" else "do not cross"
        return f"{what} {seen} {a['on']}'s {a['dev']}" + _during(a)
    if kind == "counters":
        moves = "moves" if a.get("moved", True) else "stays put"
        return f"{a['on']}'s {a['dev']} {a['counter']} {moves}" + _during(a)
    if kind == "command-output-contains":
        return f"`{a['command']}` on {a['on']} prints {a['contains']!r}"
    return kind


def _during(args: dict) -> str:
    probes = args.get("traffic") or []
    return (" while " + " and ".join(str(p) for p in probes)) if probes else ""


# ----------------------------------------------------------------------------- checkers
def check(world: Lab, goal: GoalSpec) -> Outcome:
    try:
        return CHECKERS[goal.kind](world, goal.args)
    except Missing as missing:  # what the goal is about is not there: not met
        return Outcome(False, str(missing))


def _reach(world: Lab, a: dict, wanted: bool) -> Outcome:
    sent = send(world, Probe(a["from"], a["to"], a.get("port")))
    by = a.get("answered-by") or (sent.expected if a.get("port") is None else None)
    reached = sent.reached and sent.answered(by)
    evidence = str(sent)
    if sent.reached and not sent.answered(by):
        evidence += f"\n  the answer did not come from {by}"
    if sent.storm:  # a network in a storm does not work, whatever one ping says
        return Outcome(False, evidence)
    return Outcome(reached == wanted, evidence)


def _addresses(world: Lab, a: dict) -> list[str]:
    """The device's IPv4 addresses as ``a.b.c.d/len``, from ``ip -j addr show``."""
    host = find(world, a["on"])
    status, output = run(host, f"ip -j addr show dev {a['dev']}")
    if status != 0:
        raise Missing(f"no device {a['dev']} on {a['on']} ({output.strip()})")
    return [f"{i['local']}/{i['prefixlen']}" for link in json.loads(output)
            for i in link.get("addr_info", []) if i.get("family") == "inet"]


def _matching(addresses: list[str], a: dict) -> list[str]:
    if "address" in a:
        want = a["address"]
        return [x for x in addresses if x == want or ("/" not in want and
                                                      x.split("/")[0] == want)]
    if "in" in a:
        net = ipaddress.IPv4Network(a["in"])
        return [x for x in addresses if ipaddress.IPv4Interface(x).ip in net]
    return addresses


def _has_address(world: Lab, a: dict) -> Outcome:
    found = _addresses(world, a)
    return Outcome(bool(_matching(found, a)),
                   f"{a['on']}$ ip addr show dev {a['dev']}: " + (", ".join(found) or "no IPv4 "
                                                                  "address"))


def _no_address(world: Lab, a: dict) -> Outcome:
    try:
        found = _addresses(world, a)
    except Missing as missing:
        return Outcome(True, str(missing))
    return Outcome(not _matching(found, a),
                   f"{a['on']}$ ip addr show dev {a['dev']}: " + (", ".join(found) or "no IPv4 "
                                                                  "address"))


def _route(world: Lab, a: dict) -> Outcome:
    host = find(world, a["on"])
    address, _ = traffic.resolve(world, a["on"], a["to"])
    if address is None:
        return Outcome(False, f"{a['to']} has no IPv4 address")
    status, output = run(host, f"ip -j route get {address}")
    if status != 0:
        return Outcome(False, f"{a['on']}$ ip route get {address}: {output.strip()}")
    route = json.loads(output)[0]
    said = (f"{a['on']}$ ip route get {address}: " + " ".join(
        f"{k} {route[v]}" for k, v in (("via", "gateway"), ("dev", "dev")) if v in route))
    ok = (("via" not in a or route.get("gateway") == a["via"].split("/")[0])
          and ("dev" not in a or route.get("dev") == a["dev"]))
    return Outcome(ok, said)


def _send_all(world: Lab, probes: list[Probe]) -> list[traffic.Sent]:
    return [send(world, probe) for probe in probes]


def _fdb(world: Lab, a: dict) -> Outcome:
    host = find(world, a["on"])
    mac = a["mac"]
    if not is_mac(mac):  # machine:device: the MAC that device has now
        owner, _, dev = mac.partition(":")
        status, output = run(find(world, owner), f"cat /sys/class/net/{dev}/address")
        if status != 0:
            raise Missing(f"no device {dev} on {owner}")
        mac = output.strip()
    sent = _send_all(world, a.get("traffic", []))
    status, output = run(host, f"bridge -j fdb show br {a['bridge']}")
    if status != 0:
        raise Missing(f"no bridge {a['bridge']} on {a['on']} ({output.strip()})")
    entries = [e for e in json.loads(output) if e.get("mac") == mac and "master" in e]
    ports = [e["ifname"] for e in entries]
    said = (f"{a['on']}$ bridge fdb show br {a['bridge']}: {mac} " +
            (f"behind {', '.join(ports)}" if ports else "not learned"))
    return Outcome(a["port"] in ports, _with_traffic(said, sent))


def _sysfs(world: Lab, ref: str, name: str) -> str:
    host_name, _, bridge = ref.partition(":")
    status, output = run(find(world, host_name), f"cat /sys/class/net/{bridge}/bridge/{name}")
    if status != 0:
        raise Missing(f"no bridge {bridge} on {host_name}")
    return output.strip()


def _stp_root(world: Lab, a: dict) -> Outcome:
    root = a["bridge"]
    own_id = _sysfs(world, root, "bridge_id")
    lines = []
    ok = True
    others = a.get("seen-by") or _joined_bridges(world, root)
    for ref in [root, *others]:
        stp, root_id = _sysfs(world, ref, "stp_state"), _sysfs(world, ref, "root_id")
        agrees = stp != "0" and root_id == own_id
        ok = ok and agrees
        lines.append(f"{ref}: " + ("STP off, it takes itself for the root" if stp == "0"
                                   else f"root_id {root_id}"))
    lines.insert(0, f"{root}'s bridge_id is {own_id}")
    return Outcome(ok, "\n".join(lines))


def _joined_bridges(world: Lab, ref: str) -> list[str]:
    """The other bridges a cable or a veth pair joins to ``ref``'s, near or far."""
    host_name, _, name = ref.partition(":")
    try:
        start = find(world, host_name).bridge(name)
    except ValueError:
        raise Missing(f"no bridge {name} on {host_name}") from None
    seen, todo = [start], [start]
    while todo:
        for port in todo.pop().ports:
            far = getattr(port.dev, "peer", None) or getattr(port.dev, "cable_peer", None)
            bridge = getattr(far, "master", None)
            if bridge is not None and bridge not in seen:
                seen.append(bridge)
                todo.append(bridge)
    return [f"{b.ns.name}:{b.name}" for b in seen[1:]]


def _stp_blocked(world: Lab, a: dict) -> Outcome:
    host = find(world, a["on"])
    status, output = run(host, f"bridge -j link show dev {a['port']}")
    links = json.loads(output) if status == 0 and output.strip() else []
    if not links:
        raise Missing(f"{a['port']} on {a['on']} is no bridge port"
                      + (f" ({output.strip()})" if status else ""))
    state = links[0].get("state", "?")
    return Outcome(state == "blocking", f"{a['on']}$ bridge link show dev {a['port']}: "
                                        f"state {state}")


def _frames(world: Lab, a: dict, wanted: bool) -> Outcome:
    from netsim.packets.summary import describe_l3, summarize

    host = find(world, a["on"])
    try:
        capture = host.capture(a["dev"])
    except ValueError:
        raise Missing(f"no device {a['dev']} on {a['on']}") from None
    try:
        sent = _send_all(world, a["traffic"])
    finally:
        frames = capture.stop()
    raw = capture.link_type == "raw"
    lines = [describe_l3(0x0800, f.data) if raw else summarize(f.data) for f in frames]
    pattern = a.get("match", "").lower()
    hits = [line for line in lines if pattern in line.lower()]
    least = a.get("at-least", 1)
    said = f"{len(hits)} of {len(lines)} frame(s) on {a['on']}:{a['dev']} matched"
    shown = hits or lines
    said += "".join(f"\n  {line}" for line in shown[:4])
    if len(shown) > 4:
        said += f"\n  ... {len(shown) - 4} more"
    ok = len(hits) >= least if wanted else not hits
    if any(s.storm for s in sent):
        ok = False
    return Outcome(ok, _with_traffic(said, sent))


def _counters(world: Lab, a: dict) -> Outcome:
    host = find(world, a["on"])
    path = f"/sys/class/net/{a['dev']}/statistics/{a['counter']}"

    def read() -> int:
        status, output = run(host, f"cat {path}")
        if status != 0 or not output.strip().isdigit():
            raise Missing(f"no counter {path} on {a['on']}")
        return int(output)

    before = read()
    sent = _send_all(world, a["traffic"])
    moved = read() - before
    ok = moved > 0 if a.get("moved", True) else moved == 0
    if "at-least" in a:
        ok = ok and moved >= a["at-least"]
    if "at-most" in a:
        ok = ok and moved <= a["at-most"]
    return Outcome(ok, _with_traffic(f"{a['on']}:{path}: {before} -> {before + moved} "
                                     f"(+{moved})", sent))


def _output_contains(world: Lab, a: dict) -> Outcome:
    status, output = run(find(world, a["on"]), a["command"])
    shown = output.strip() or "(no output)"
    if len(shown) > 400:
        shown = shown[:400] + " ..."
    return Outcome(a["contains"] in output,
                   f"{a['on']}$ {a['command']} (status {status}):\n  "
                   + shown.replace("\n", "\n  "))


def _with_traffic(said: str, sent: list[traffic.Sent]) -> str:
    return "\n".join([said, *(f"traffic: {s}" for s in sent)])


CHECKERS: dict[str, Callable[[Lab, dict], Outcome]] = {
    "reach": lambda w, a: _reach(w, a, True),
    "not-reach": lambda w, a: _reach(w, a, False),
    "has-address": _has_address,
    "no-address": _no_address,
    "route": _route,
    "fdb": _fdb,
    "stp-root": _stp_root,
    "stp-blocked": _stp_blocked,
    "frames-seen": lambda w, a: _frames(w, a, True),
    "frames-not-seen": lambda w, a: _frames(w, a, False),
    "counters": _counters,
    "command-output-contains": _output_contains,
}
