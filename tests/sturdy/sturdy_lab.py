"""The world each fuzzed case runs on, and the world read back through the model.

:func:`build_lab` makes a fresh small lab with typed commands (as a student would);
:func:`snapshot` reads it through the model's objects, never through commands, so a
bug in a tool's listing cannot hide a change; :func:`world_diff` says what changed.

What the snapshot holds, per host: devices (name, kind, mtu, mac, flags, master, and a
bridge's and a port's settings), IPv4 addresses, routes, *permanent* neighbours,
*static/permanent* FDB entries (a bridge's static and local ones, a device's own
address lists), iptables rules and policies, sysctl values, processes (pid, ppid,
argv, state); and the lab's hosts and VMs. Learned (dynamic) neighbours and FDB
entries come and go with traffic and are left out; so are counters, timers and
conntrack entries.
"""

from __future__ import annotations

import time
from typing import Any

import netsim
from netsim.bridge.fdb_ops import NUD_NOARP, NUD_PERMANENT, fdb_dump
from netsim.netlink.devinfo import if_flags
from netsim.packets.addr import ip_ntoa, mac_ntoa
from netsim.stack.neighbour import PERMANENT
from netsim.stack.route import to_bytes

# The oracle's host init (tests/helpers.py HOST_INIT): IPv6 off, lo up.
HOST_INIT = ("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; "
             "sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0; ip link set lo up")

H1_SETUP = (
    "ip link add name br0 type bridge",
    "ip link set dev eth0 master br0",
    "ip tuntap add tap0 mode tap",
    "ip link set tap0 master br0",
    "ip link add veth0 type veth peer name veth1",
    "ip addr add 10.0.0.1/24 dev br0",
    "ip link set br0 up",
    "ip link set eth0 up",
    "ip link set tap0 up",
    "ip route add 192.168.50.0/24 via 10.0.0.2",
    "ip neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev br0 nud permanent",
    "bridge fdb add 02:00:00:00:00:04 dev eth0 master static",
    "iptables -A INPUT -p tcp --dport 22 -j ACCEPT",
    "qemu-img create -f qcow2 rhel7u4.img 20G",
    "qemu-img create sdb.img 1G",
)
H2_SETUP = ("ip link set lo up", "ip addr add 10.0.0.2/24 dev eth0", "ip link set eth0 up")


# What the frame tests' lab runs, so that DHCP, TCP and UDP frames meet a listener.
SERVICES = (
    ("h1", "dnsmasq --interface=br0 --bind-interfaces --dhcp-range=10.0.0.50,10.0.0.99"),
    ("h1", "socat TCP4-LISTEN:22,fork PIPE &"),
    ("h2", "socat UDP4-LISTEN:7,fork PIPE &"),
    ("h2", "socat TCP4-LISTEN:80,fork PIPE &"),
)


def build_lab(*, hold_tap: bool = False) -> netsim.Lab:
    """h1 and h2 on a cable; on h1 a bridge br0 (10.0.0.1/24) with eth0 and tap0 as
    ports, a veth pair left down, a route, a permanent neighbour, a static FDB entry, an
    iptables rule and QEMU's two disk images; h2 is 10.0.0.2/24 on eth0
    (h2 skips the host init's sysctls: they cost half the build).

    ``hold_tap`` (the lab of the frame tests) opens tap0 the way QEMU does
    (``lab.tap_file``, a tun-holder process): the tap gets its carrier and frames written
    on the fd are received by tap0; and starts services for the frames to reach
    (:data:`SERVICES`: dnsmasq's DHCP on br0, TCP and UDP echo servers).
    """
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    for host, setup in ((h1, (HOST_INIT, *H1_SETUP)), (h2, H2_SETUP)):
        for line in setup:
            result = host.sh(line)
            assert result.returncode == 0, f"{host.name}$ {line}\n{result.stderr}"
    lab.tap_file = None
    if hold_tap:
        lab.tap_file = h1.open_tun("tap0")
        for name, line in SERVICES:
            host = lab.hosts[name]
            result = host.sh(line)
            assert result.returncode == 0, f"{host.name}$ {line}\n{result.stderr}"
    return lab


def build_time(samples: int = 5) -> float:
    """Mean wall seconds to build the lab (the cost every case pays once)."""
    build_lab()  # the first one imports the tools
    start = time.perf_counter()
    for _ in range(samples):
        build_lab()
    return (time.perf_counter() - start) / samples


# ----------------------------------------------------------------------------- snapshot
def _devices(host: netsim.Host) -> dict[str, tuple]:
    rows = {}
    for d in host.ns.in_order():
        row: dict[str, Any] = {
            "ifindex": d.ifindex, "kind": d.kind, "mtu": d.mtu, "mac": mac_ntoa(d.mac),
            "flags": if_flags(d), "master": d.master.name if d.master else None,
            "txqlen": d.txqlen,
        }
        if d.is_bridge:
            row["bridge"] = (d.priority, d.ageing_time, d.forward_delay, d.hello_time,
                             d.max_age, d.stp_enabled, d.group_fwd_mask, d.bridge_mac.hex())
        if d.br_port is not None:
            p = d.br_port
            row["port"] = (p.port_no, p.state, p.priority, p.path_cost, p.learning, p.flood,
                           p.mcast_flood, p.bcast_flood, p.hairpin)
        rows[d.name] = tuple(sorted(row.items()))
    return rows


def _addresses(host: netsim.Host) -> set[tuple]:
    return {(a.dev.name, ip_ntoa(a.local), a.prefixlen,
             ip_ntoa(a.broadcast) if a.broadcast else None, a.scope, a.label,
             a.valid_lft, a.preferred_lft)
            for a in host.ns.ipv4.addresses}


def _routes(host: netsim.Host) -> set[tuple]:
    return {(ip_ntoa(to_bytes(r.dst)), r.prefixlen, r.dev.name,
             ip_ntoa(r.gateway) if r.gateway else None, r.protocol, r.scope,
             ip_ntoa(r.prefsrc) if r.prefsrc else None, r.metric, r.type, tuple(r.flags))
            for r in host.ns.ipv4.main.routes}


def _neighbours(host: netsim.Host) -> set[tuple]:
    return {(n.dev.name, ip_ntoa(n.ip), mac_ntoa(n.lladdr) if n.lladdr else None, n.state)
            for n in host.ns.ipv4.arp.entries.values() if n.state == PERMANENT}


def _fdb(host: netsim.Host) -> set[tuple]:
    ns = host.ns
    names = {d.ifindex: d.name for d in ns.devices.values()}
    return {(names.get(r.ifindex, r.ifindex), mac_ntoa(r.mac), r.state, r.is_self,
             names.get(r.master, r.master))
            for r in fdb_dump(ns) if r.state in (NUD_PERMANENT, NUD_NOARP)}


def _iptables(host: netsim.Host) -> dict[str, tuple]:
    nf = host.ns.netfilter
    tables = {}
    for name, table in (nf.tables.items() if nf is not None else ()):
        chains = tuple((c.name, c.policy, tuple(r.spec(c.name) for r in c.rules))
                       for c in table.in_order())
        pristine = all(c.builtin and c.policy == "ACCEPT" and not c.rules
                       for c in table.chains.values())
        if not pristine:  # a table made by a listing, with nothing in it, is no change
            tables[name] = chains
    return tables


def _processes(host: netsim.Host) -> dict[int, tuple]:
    return {p.pid: (p.ppid, tuple(p.cmdline), p.running, p.state)
            for p in host.processes.running()}


SECTIONS = ("devices", "addresses", "routes", "neighbours", "fdb", "iptables", "sysctl",
            "processes")


def snapshot(lab: netsim.Lab) -> dict[str, Any]:
    """The world, read through the model: {"hosts", "vms", "h1/devices", ...}."""
    snap: dict[str, Any] = {"hosts": tuple(lab.hosts), "vms": tuple(sorted(lab.vms))}
    for name, host in lab.hosts.items():
        snap[f"{name}/devices"] = _devices(host)
        snap[f"{name}/addresses"] = _addresses(host)
        snap[f"{name}/routes"] = _routes(host)
        snap[f"{name}/neighbours"] = _neighbours(host)
        snap[f"{name}/fdb"] = _fdb(host)
        snap[f"{name}/iptables"] = _iptables(host)
        snap[f"{name}/sysctl"] = dict(host.ns.sysctl)
        snap[f"{name}/processes"] = _processes(host)
    return snap


def world_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    """What changed, per section: {"h1/routes": ["+ (...)", "- (...)"], ...} (empty: none)."""
    out: dict[str, list[str]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        lines: list[str] = []
        if isinstance(old, set) and isinstance(new, set):
            lines += [f"- {row}" for row in sorted(old - new, key=repr)]
            lines += [f"+ {row}" for row in sorted(new - old, key=repr)]
        elif isinstance(old, dict) and isinstance(new, dict):
            for k in sorted(set(old) | set(new), key=repr):
                if old.get(k) != new.get(k):
                    lines.append(f"{k}: {_short(old.get(k))} -> {_short(new.get(k))}")
        else:
            lines.append(f"{_short(old)} -> {_short(new)}")
        out[key] = lines
    return out


def _short(value: object, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
