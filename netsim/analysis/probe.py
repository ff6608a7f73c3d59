"""Machines by name, the address to ping them at, and one real ping between them.

Both :func:`~netsim.analysis.reachability` and ``lab.why`` ask the same thing: does
a ping from A get an answer *from B*? A reply alone is not proof: two QEMU user-mode
guests both have 10.0.2.15, so vm1 pinging "vm2" gets its own answer. The probe
therefore also checks, in the trace, that B's kernel answered the echo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa
from netsim.stack.route import prefix_mask, to_int

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord
    from netsim.host import Host
    from netsim.lab import Lab


class UnknownMachine(KeyError):
    """A name that is no machine of the lab; prints its message without KeyError's quotes."""

    def __str__(self) -> str:
        return str(self.args[0])


def machine(lab: Lab, name: str) -> Host:
    """A host by name, or a VM's guest by the VM's name."""
    if name in lab.hosts:
        return lab.hosts[name]
    if name in lab.vms:
        return lab.vms[name].guest
    known = ", ".join(sorted([*lab.hosts, *lab.vms]))
    raise UnknownMachine(f"no machine {name!r} in this lab (machines: {known}); "
                         "name a machine, not an address")


def default_machines(lab: Lab) -> list[str]:
    """The machines a reachability table covers: in a mode lab (built by
    netsim.scenarios, or replayed from its history), its VMs then host, lan1 and web;
    in any other lab, every host in the order they were made, then the VMs (a guest is
    listed under its VM's name)."""
    vms = sorted(lab.vms, key=lambda n: (len(n), n))
    if lab.mode is not None or {"host", "lan1", "web"} <= set(lab.hosts):
        return vms + [n for n in ("host", "lan1", "web") if n in lab.hosts]
    guests = {vm.guest.name for vm in lab.vms.values()}
    return [n for n in lab.hosts if n not in guests and n not in lab.vms] + vms


def _global_addresses(host: Host) -> list:
    return [a for a in host.ns.ipv4.addresses if not a.dev.flag_loopback]


def primary_address(host: Host) -> str | None:
    """The address a machine is known by: the one on its default route's device, else
    its first non-loopback address."""
    stack = host.ns.ipv4
    own = _global_addresses(host)
    default = stack.main.lookup(0)
    if default is not None and default.prefixlen == 0:
        on_dev = [a for a in own if a.dev is default.dev]
        if on_dev:
            return ip_ntoa(on_dev[0].local)
    return ip_ntoa(own[0].local) if own else None


def address_for(lab: Lab, source: str, target: str) -> str | None:
    """Where ``source`` would ping ``target``: an address of target's on a subnet the
    source is on (the host as seen from its VMs is 192.168.122.1, not its LAN
    address), else the target's primary address."""
    src, dst = machine(lab, source), machine(lab, target)
    for theirs in _global_addresses(dst):
        for ours in _global_addresses(src):
            mask = prefix_mask(ours.prefixlen)
            if (to_int(theirs.local) & mask) == ours.network:
                return ip_ntoa(theirs.local)
    return primary_address(dst)


@dataclass
class Probe:
    """One ``ping -c 1 -W 1`` from ``source`` to ``target`` at ``address``."""

    source: str
    target: str
    address: str | None
    status: int = -1
    output: str = ""
    answered_by_target: bool = False
    records: list[TraceRecord] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.status == 0 and self.answered_by_target


def ping(lab: Lab, source: str, target: str, address: str | None = None) -> Probe:
    """Send one real ping; keep what the trace saw of it."""
    address = address or address_for(lab, source, target)
    probe = Probe(source, target, address)
    if address is None:
        probe.output = f"{target} has no IPv4 address"
        return probe
    trace = lab.trace
    was_enabled = trace.enabled
    trace.enabled = True
    start = len(trace)
    try:
        result = machine(lab, source).sh(f"ping -c 1 -W 1 -n {address}", record=False)
    finally:
        trace.enabled = was_enabled
    probe.status = result.returncode
    probe.output = result.stdout + result.stderr
    probe.records = trace.records[start:]
    target_ns = machine(lab, target).ns.name
    probe.answered_by_target = any(
        r.host == target_ns and r.layer == "icmp" and r.action == "reply"
        for r in probe.records)
    return probe
