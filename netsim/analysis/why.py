"""``lab.why(source, target)``: why can (or can't) one machine reach another?

The answer comes from the trace of one real ping, read the way a network engineer
reads ``tcpdump`` and ``iptables -L -v`` on every box along the way:

1. Did the echo leave at all?  ``connect: Network is unreachable`` means the
   source's own routing table has nothing for the address.
2. Where did the last packet die?  The first drop of the echo request or of its
   reply names the machine, the kernel function and the reason: a netfilter rule
   (``ipt_do_table``), ``ip_forward=0`` or a missing route (``ip_route_input_slow``),
   an ARP request nobody answered.
3. What does that mean here?  A reply that dies for lack of a route back to a
   private address that a forwarder let out untranslated is a missing MASQUERADE;
   a request that dies on its way *to* a private address behind a NAT is the
   "inbound needs a DNAT port-forward" lesson; a VM on a bridge with no uplink on a
   host that does not forward is host-only isolation, working as designed.

The result, :class:`Why`, prints as a short explanation with the fix to try, and
keeps the structured parts (``verdict``, ``where``, ``func``, ``decided_by``) for
tests and notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.analysis.probe import Probe, machine, ping
from netsim.packets.addr import ip_aton, ip_ntoa
from netsim.stack.netfilter import source_nat_targets
from netsim.stack.netfilter.hooks import nat_change
from netsim.stack.route import prefix_mask, to_int

if TYPE_CHECKING:
    from netsim.engine.trace import TraceRecord
    from netsim.host import Host
    from netsim.lab import Lab

# The verdicts, one per kind of answer.
REACHED = "reached"
NO_ADDRESS = "no-address"
NO_ROUTE = "no-route"
IP_FORWARD_OFF = "ip-forward-off"
FILTERED = "filtered"
MISSING_MASQUERADE = "missing-masquerade"
NO_DNAT = "no-dnat"
HOST_ONLY = "host-only"
NOT_THE_TARGET = "not-the-target"
NO_ARP_REPLY = "no-arp-reply"
ADDRESS_ON_BRIDGE_PORT = "address-on-bridge-port"
LINK_DOWN = "link-down"
PORT_NOT_FORWARDING = "port-not-forwarding"
LOST = "lost"

_ICMP_ECHO_REQUEST, _ICMP_ECHO_REPLY = 8, 0


@dataclass
class Why:
    """The answer: did it work, and if not, where, by what and what to do."""

    source: str
    target: str
    address: str | None
    verdict: str
    where: str = ""          # the machine where the packet died (or was decided)
    dev: str = ""
    func: str = ""           # the kernel (or QEMU) function that decided
    decided_by: str = ""     # the rule, route, or setting that decided
    explanation: str = ""
    fix: str | None = None   # a command to try, on machine ``where`` (or as said)
    records: list[TraceRecord] = field(default_factory=list, repr=False)

    @property
    def reached(self) -> bool:
        return self.verdict == REACHED

    def __str__(self) -> str:
        head = (f"{self.source} -> {self.target}"
                + (f" ({self.address})" if self.address else "")
                + (": reached" if self.reached else f": NOT reached [{self.verdict}]"))
        lines = [head, *("  " + line for line in self.explanation.splitlines())]
        if self.where and not self.reached:
            lines.append(f"  where: {self.where}"
                         + (f" {self.dev}" if self.dev else "")
                         + (f", in {self.func}()" if self.func else ""))
        if self.decided_by:
            lines.append(f"  decided by: {self.decided_by}")
        if self.fix:
            lines.append(f"  try: {self.fix}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))


def why(lab: Lab, source: str, target: str) -> Why:
    """Ping ``target`` from ``source`` once and explain the outcome (see the module)."""
    probe = ping(lab, source, target)
    return explain(lab, probe)


def explain(lab: Lab, probe: Probe) -> Why:
    """The answer for a ping already sent."""
    answer = Why(probe.source, probe.target, probe.address, LOST, records=probe.records)
    if probe.address is None:
        return _no_address(lab, probe, answer)
    if probe.reached:
        return _reached(lab, probe, answer)
    down = _down_device(lab, probe)
    if down is not None:
        return _link_down(probe, answer, *down)
    if "Network is unreachable" in probe.output:
        return _no_route_at_source(lab, probe, answer)
    drop = _decisive_drop(probe.records)
    if drop is not None:
        return _died(lab, probe, answer, drop)
    if probe.status == 0:
        return _not_the_target(lab, probe, answer)
    enslaved = _address_on_bridge_port(lab, probe)
    if enslaved is not None:
        return _enslaved_address(probe, answer, *enslaved)
    if "Destination Host Unreachable" in probe.output:
        answer.verdict = NO_ARP_REPLY
        answer.explanation = (f"Nobody answered ARP for the next hop towards "
                              f"{probe.address}: the machine is off, or not on that link.")
        return answer
    answer.explanation = "The echo got no answer and no machine recorded dropping it."
    return answer


# ----------------------------------------------------------------------------- outcomes
def _no_address(lab: Lab, probe: Probe, answer: Why) -> Why:
    answer.verdict = NO_ADDRESS
    target = machine(lab, probe.target)
    answer.where = probe.target
    answer.explanation = (f"{probe.target} has no IPv4 address: there is nothing to send the "
                          "echo to (no DHCP lease yet, or none was added).")
    subnet = _free_address_near(machine(lab, probe.source), target)
    if subnet is not None:
        dev, address = subnet
        answer.fix = f"{probe.target}$ ip addr add {address} dev {dev} && ip link set {dev} up"
    return answer


def _link_down(probe: Probe, answer: Why, host: str, dev: str, why_down: str) -> Why:
    answer.verdict = LINK_DOWN
    answer.where, answer.dev = host, dev
    answer.decided_by = f"{host}$ ip link show {dev}: {why_down}"
    answer.explanation = (
        f"{host}'s {dev} is down ({why_down}): " + (
            "a down device has no routes and sends nothing, so the echo never left."
            if host == probe.source else
            "a down NIC does not listen, so whatever the cable brings it is lost."))
    answer.fix = f"{host}$ ip link set {dev} up"
    return answer


def _enslaved_address(probe: Probe, answer: Why, host: str, port: str, bridge: str,
                      cidr: str) -> Why:
    """Seed claim S3: an address left on a device that joined a bridge stops working."""
    answer.verdict = ADDRESS_ON_BRIDGE_PORT
    answer.where, answer.dev, answer.func = host, port, "br_handle_frame"
    answer.decided_by = (f"{port} is a port of {bridge}: its rx_handler is the bridge's, "
                         f"and {cidr} is still on {port}")
    taken = [r for r in probe.records if r.host == host and r.dev == port
             and r.layer == "bridge" and r.action == "rx"]
    evidence = (f" The trace shows it: {len(taken)} frame(s) arriving on {port} went to "
                f"{bridge} instead." if taken else "")
    answer.explanation = (
        f"{port} on {host} is a port of {bridge} and still holds {cidr}. Every frame {port} "
        f"receives goes to the bridge (its rx_handler), not to {host}'s IP stack through "
        f"{port}, so what answers that address comes back on {bridge}, where {host} is not "
        f"listening for it: the address on {port} is dead in effect (seed claim S3)."
        + evidence)
    answer.fix = (f"{host}$ ip addr del {cidr} dev {port} && ip addr add {cidr} dev {bridge} "
                  f"&& ip link set {bridge} up")
    return answer


def _reached(lab: Lab, probe: Probe, answer: Why) -> Why:
    answer.verdict = REACHED
    crossed: list[str] = []
    bridged: list[str] = []
    for r in probe.records:
        if r.action == "forward" and r.layer == "ip" and r.host not in crossed:
            crossed.append(r.host)
        place = f"{r.host} {r.dev}"
        if r.layer == "bridge" and r.action in ("forward", "flood") and place not in bridged \
                and r.frame_id and r.data is not None and _is_echo(r.data):
            bridged.append(place)
    nats = [f"{r.host}: {nat_change(r.facts)}"
            for r in probe.records if r.layer == "netfilter" and r.action == "nat" and r.facts]
    slirp = any(r.layer == "slirp" for r in probe.records)
    text = [f"The echo was answered by {probe.target}."]
    if bridged:
        text.append("Bridged by: " + ", ".join(bridged) + ".")
    if crossed:
        text.append("Routed by: " + ", ".join(crossed) + ".")
    if nats:
        text.append("Translated on the way:")
        text += [f"  {n}" for n in nats]
    if slirp:
        text.append("The guest's echo went through QEMU's user-mode network (slirp): "
                    "the host sent it from its own socket.")
    answer.explanation = "\n".join(text)
    return answer


def _no_route_at_source(lab: Lab, probe: Probe, answer: Why) -> Why:
    src = machine(lab, probe.source)
    routes = src.sh("ip route", record=False).stdout.strip() or "(empty)"
    answer.verdict = NO_ROUTE
    answer.where, answer.func = probe.source, "ip_route_output_key"
    answer.decided_by = f"{probe.source}'s routing table:\n    " + routes.replace("\n", "\n    ")
    answer.explanation = (f"{probe.source} has no route to {probe.address}: no entry of its "
                          "routing table covers it and there is no default route, so ping "
                          "fails at connect() with 'Network is unreachable'. Nothing was sent.")
    answer.fix = f"{probe.source}$ ip route add default via <a router on {probe.source}'s link>"
    isolated = _host_only_network(lab, probe.source) or _host_only_network(lab, probe.target)
    if isolated is not None:
        return _host_only(lab, probe, answer, isolated)
    return answer


def _died(lab: Lab, probe: Probe, answer: Why, drop: TraceRecord) -> Why:
    answer.where, answer.dev, answer.func = drop.host, drop.dev, drop.func
    packet = drop.data if drop.l3 else None
    is_reply = packet is not None and _icmp_type(packet) == _ICMP_ECHO_REPLY
    if drop.layer == "netfilter":
        return _filtered(lab, probe, answer, drop)
    if drop.layer == "bridge":
        return _bridge_port_drop(lab, answer, drop)
    cause = drop.fact("cause")
    if cause == "ip_forward_off":
        answer.verdict = IP_FORWARD_OFF
        answer.decided_by = f"{drop.host}$ sysctl net.ipv4.ip_forward -> 0"
        answer.explanation = (f"The echo reached {drop.host}, which is not its destination and "
                              f"does not forward packets (net.ipv4.ip_forward=0): dropped on "
                              f"arrival on {drop.dev}.")
        answer.fix = f"{drop.host}$ sysctl -w net.ipv4.ip_forward=1"
        isolated = (_host_only_network(lab, probe.source)
                    or _host_only_network(lab, probe.target))
        if isolated is not None:
            return _host_only(lab, probe, answer, isolated)
        return answer
    if cause == "no_route" and packet is not None:
        dst = ip_ntoa(packet[16:20])
        if is_reply and probe.answered_by_target:
            return _missing_masquerade(lab, probe, answer, drop, dst)
        behind = _behind_nat(lab, probe.target, dst)
        if behind is not None:
            return _no_dnat(lab, probe, answer, drop, dst, behind)
        isolated = _host_only_network(lab, probe.target)
        if isolated is not None:
            answer.explanation = f"{drop.host} has no route to {dst}: dropped there."
            answer.decided_by = f"{drop.host}'s routing table: nothing covers {dst}"
            return _host_only(lab, probe, answer, isolated)
        answer.verdict = NO_ROUTE
        answer.decided_by = f"{drop.host}'s routing table: nothing covers {dst}"
        answer.explanation = (f"{drop.host} received the packet for {dst} and has no route "
                              f"to it (and no default route): dropped, and an ICMP 'network "
                              f"unreachable' went back.")
        answer.fix = f"{drop.host}$ ip route add {dst} via <a router that knows it>"
        return answer
    answer.verdict = LOST
    answer.decided_by = drop.reason
    answer.explanation = f"The packet died on {drop.host} {drop.dev}: {drop.reason}."
    return answer


def _bridge_port_drop(lab: Lab, answer: Why, drop: TraceRecord) -> Why:
    """A bridge port that does not forward (the spanning tree blocks it, or it is still
    listening) took the echo's frame: dropped on arrival, in br_handle_frame."""
    answer.decided_by = drop.reason
    dev = machine(lab, drop.host).ns.get(drop.dev)
    bridge = getattr(dev, "master", None)
    port = bridge.port_of(dev) if bridge is not None else None
    state = port.state if port is not None else None  # as it is now, just after the ping
    if state not in ("blocking", "listening", "disabled"):
        answer.verdict = LOST
        answer.explanation = f"The frame died on {drop.host} {drop.dev}: {drop.reason}."
        return answer
    answer.verdict = PORT_NOT_FORWARDING
    far = getattr(dev, "peer", None) or getattr(dev, "cable_peer", None)
    sender = getattr(far, "master", None)
    if state == "blocking":
        answer.explanation = (
            f"The echo's frame reached {drop.host}'s {drop.dev}, a bridge port the spanning "
            "tree blocks: a blocking port takes no data frames.")
        if sender is not None:
            answer.explanation += (
                f" {far.ns.name}'s {sender.name} sent it that way because its FDB still has "
                "the destination's MAC behind that link, an entry from before the tree "
                "changed: Linux forgets it only when it ages out (ageing_time, 300 s by "
                "default).")
            answer.fix = (f"{far.ns.name}$ ip link set {sender.name} type bridge fdb_flush "
                          "(or wait for the entry to age out)")
    else:
        answer.explanation = (
            f"The echo's frame reached {drop.host}'s {drop.dev}, a bridge port that is "
            f"{state}: the spanning tree has not let it forward yet (a port listens, then "
            "learns, for forward_delay each).")
        answer.fix = "sleep 2 x forward_delay (30 s with the default timers), then try again"
    return answer


def _filtered(lab: Lab, probe: Probe, answer: Why, drop: TraceRecord) -> Why:
    answer.verdict = FILTERED
    table, chain = drop.fact("table", "filter"), drop.fact("chain", "?")
    target, rule = drop.fact("target", drop.action), drop.fact("rule")
    policy = f"policy {drop.fact('policy')}" if drop.fact("policy") else None
    answer.decided_by = (f"iptables -t {table} {chain}: " + (rule or policy or drop.reason))
    direction = "reply" if drop.l3 and _icmp_type(drop.data) == _ICMP_ECHO_REPLY else "echo"
    answer.explanation = (f"A firewall rule on {drop.host} stopped the {direction} "
                          f"({target} in the {table} table's {chain} chain).")
    if rule:
        answer.fix = f"{drop.host}$ iptables -t {table} -D {rule[3:]}"
        if target == "REJECT" and "-o " in rule:
            answer.explanation += (" Inbound traffic towards that network is rejected unless "
                                   "it belongs to a connection started from inside; accept "
                                   "the forwarded port explicitly, before this rule.")
            answer.fix = (f"{drop.host}$ iptables -I {chain} -d {probe.address} -j ACCEPT"
                          " (narrow it with -p/--dport)")
    elif policy:
        answer.fix = f"{drop.host}$ iptables -t {table} -I {chain} ... -j ACCEPT"
    if drop.fact("bridged"):
        # br_netfilter: a frame the bridge forwards meets iptables' FORWARD chain too
        answer.explanation += (f" The frame was bridged by {drop.dev}, not routed: it met "
                               f"iptables only because net.bridge.bridge-nf-call-iptables=1 "
                               f"(br_netfilter, loaded by Docker, Kubernetes...).")
        answer.fix = (f"{answer.fix}, or {drop.host}$ sysctl -w "
                      "net.bridge.bridge-nf-call-iptables=0")
    return answer


def _missing_masquerade(lab: Lab, probe: Probe, answer: Why, drop: TraceRecord,
                        private: str) -> Why:
    """The request got there, its reply can't get back: nobody translated the source."""
    answer.verdict = MISSING_MASQUERADE
    forwarder, out_dev = _untranslated_forwarder(lab, probe, private)
    answer.decided_by = (f"{forwarder or '?'}'s nat POSTROUTING: no MASQUERADE/SNAT rule "
                         f"matched; {drop.host} has no route to {private}")
    answer.explanation = (
        f"The echo reached {probe.target}, but its reply to {private} died on {drop.host} "
        f"({drop.func}: {drop.reason}).\n"
        f"{private} is a private address: {forwarder or 'a router'} forwarded the request"
        + (f" out of {out_dev}" if out_dev else "")
        + " with that source unchanged, because no MASQUERADE or SNAT rule matched in its "
        "nat table's POSTROUTING chain. The rest of the network has no way back to it.")
    if forwarder:
        subnet = _connected_subnet(machine(lab, forwarder), private)
        answer.fix = (f"{forwarder}$ iptables -t nat -A POSTROUTING -s {subnet} "
                      f"! -d {subnet} -j MASQUERADE")
    return answer


def _no_dnat(lab: Lab, probe: Probe, answer: Why, drop: TraceRecord, private: str,
             behind: tuple[str, str]) -> Why:
    """A request for a private address that only exists behind a NAT."""
    nat_host, how = behind
    answer.verdict = NO_DNAT
    answer.decided_by = f"{drop.host}'s routing table: nothing covers {private}"
    if how == "slirp":
        answer.explanation = (
            f"{probe.target} uses QEMU's user-mode network: {private} exists only inside the "
            f"qemu process on {nat_host}. {drop.host} has no route to it, nor does anything "
            "outside. The only way in is a port QEMU forwards from the host (hostfwd).")
        answer.fix = (f"{nat_host}$ qemu-system-x86_64 ... -netdev "
                      "user,id=net0,hostfwd=udp::5007-:7  (then use the host's address, "
                      "port 5007)")
        return answer
    uplink = _uplink_name(machine(lab, nat_host))
    answer.explanation = (
        f"{probe.target}'s address {private} is private, behind {nat_host}'s NAT: "
        f"{drop.host} has no route to it ({drop.func}), and nothing outside {nat_host} "
        "does. NAT lets connections out, not in: from outside, only "
        f"{nat_host}'s own address can be reached, and a port on it can be forwarded to "
        f"{probe.target} with a DNAT rule.")
    answer.fix = (f"{nat_host}$ iptables -t nat -A PREROUTING -i {uplink} -p udp --dport "
                  f"5007 -j DNAT --to-destination {private}:7  (then send to {nat_host}'s "
                  "address, port 5007)")
    return answer


def _host_only(lab: Lab, probe: Probe, answer: Why, isolated: tuple[str, str, str]) -> Why:
    host_name, bridge, subnet = isolated
    detail = answer.explanation
    answer.verdict = HOST_ONLY
    answer.explanation = (
        f"Host-only isolation: {bridge} on {host_name} ({subnet}) is a bridge with no uplink, "
        f"and {host_name} does not forward between its networks (ip_forward="
        f"{machine(lab, host_name).ns.sysctl.get('net.ipv4.ip_forward', '0')}). The VMs reach "
        f"{host_name} and each other; nothing routes between that network and the rest: "
        f"the isolation is by design.\n{detail}")
    answer.fix = (f"this is what host-only is for; use the NAT or bridged mode to reach "
                  f"beyond {host_name}")
    return answer


def _not_the_target(lab: Lab, probe: Probe, answer: Why) -> Why:
    answer.verdict = NOT_THE_TARGET
    src = machine(lab, probe.source)
    own = probe.address is not None and src.ns.ipv4.is_local_address(ip_aton(probe.address))
    if own:
        answer.explanation = (
            f"{probe.address} is {probe.source}'s own address: the ping answered itself. "
            f"{probe.source} and {probe.target} each sit alone on a network with the same "
            "addresses (QEMU user mode gives every VM 10.0.2.15 on its own private "
            "10.0.2.0/24), so neither can address the other.")
    else:
        answer.explanation = (f"Something answered {probe.address}, but not {probe.target}'s "
                              "kernel.")
    return answer


# ----------------------------------------------------------------------------- reading
def _route_device(host: Host, address: str):
    route = host.ns.ipv4.main.lookup(to_int(ip_aton(address)))
    return route.dev if route is not None else None


def _address_on_bridge_port(lab: Lab, probe: Probe) -> tuple[str, str, str, str] | None:
    """(host, port, bridge, cidr) when the source sends, or the target answers, from an
    address on a device that is a bridge's port (seed claim S3)."""
    ends = [(probe.source, probe.address)]
    src_addr = _source_address(machine(lab, probe.source), probe.address)
    if src_addr is not None:
        ends.append((probe.target, src_addr))
    for name, toward in ends:
        host = machine(lab, name)
        dev = _route_device(host, toward)
        if dev is None or getattr(dev, "master", None) is None:
            continue
        for a in host.ns.ipv4.addresses_of(dev):
            return name, dev.name, dev.master.name, f"{ip_ntoa(a.local)}/{a.prefixlen}"
    return None


def _source_address(host: Host, address: str | None) -> str | None:
    if address is None:
        return None
    dev = _route_device(host, address)
    own = host.ns.ipv4.addresses_of(dev) if dev is not None else []
    return ip_ntoa(own[0].local) if own else None


def _down_device(lab: Lab, probe: Probe) -> tuple[str, str, str] | None:
    """(host, device, why) for a device on the way that is down: one of the source's
    devices that holds an address in the target's subnet, or a NIC at the far end of a
    cable the echo (or its ARP) was put on."""
    src = machine(lab, probe.source)
    target = to_int(ip_aton(probe.address)) if probe.address else None
    for a in src.ns.ipv4.addresses:
        if (target is not None and not a.dev.flag_loopback and not a.dev.admin_up
                and (target & prefix_mask(a.prefixlen)) == a.network):
            return probe.source, a.dev.name, "state DOWN"
    out = _route_device(src, probe.address) if probe.address else None
    far = getattr(getattr(out, "cable_peer", None), "admin_up", True)
    if out is not None and not far:
        peer = out.cable_peer
        return peer.ns.name, peer.name, "state DOWN"
    senders = {r.host for r in probe.records if r.layer == "wire" and r.action == "tx"}
    for cable in lab.cables:
        for near, far in ((cable.a, cable.b), (cable.b, cable.a)):
            if near.ns.name in senders and near.admin_up and not far.admin_up:
                return far.ns.name, far.name, "state DOWN"
    return None


def _free_address_near(source: Host, target: Host) -> tuple[str, str] | None:
    """(device, "a.b.c.d/len") to give ``target``: a free address in the subnet of the
    source's first address, on the target's first cabled NIC."""
    nics = [d for d in target.ns.in_order() if getattr(d, "cable", None) is not None]
    ours = [a for a in source.ns.ipv4.addresses if not a.dev.flag_loopback]
    if not nics or not ours:
        return None
    a = ours[0]
    taken = {to_int(x.local) for h in (source, target) for x in h.ns.ipv4.addresses}
    size = 1 << (32 - a.prefixlen)
    for offset in range(2, max(size - 1, 2)):
        candidate = a.network + offset
        if candidate not in taken:
            return nics[0].name, f"{ip_ntoa(candidate.to_bytes(4, 'big'))}/{a.prefixlen}"
    return None


def _decisive_drop(records: list[TraceRecord]) -> TraceRecord | None:
    """The first drop of the echo request or its reply (ARP noise and errors aside)."""
    for r in records:
        if r.action not in ("drop", "reject"):
            continue
        if r.layer == "netfilter":
            return r
        if r.layer == "bridge" and r.data is not None and _is_echo(r.data):
            return r  # a port that does not forward (see _bridge_port_drop)
        if r.layer != "ip" or not r.l3 or r.data is None:
            continue
        if _icmp_type(r.data) in (_ICMP_ECHO_REQUEST, _ICMP_ECHO_REPLY):
            return r
    return None


def _is_echo(frame: bytes) -> bool:
    """An Ethernet frame carrying an ICMP echo request or reply."""
    return frame[12:14] == b"\x08\x00" and _icmp_type(frame[14:]) in (
        _ICMP_ECHO_REQUEST, _ICMP_ECHO_REPLY)


def _icmp_type(packet: bytes | None) -> int | None:
    if packet is None or len(packet) < 21 or packet[9] != 1:
        return None
    return packet[(packet[0] & 0x0F) * 4]


def _untranslated_forwarder(lab: Lab, probe: Probe, private: str) -> tuple[str | None, str]:
    """The first machine that forwarded the echo request while its source was
    ``private``, without a NAT hop of its own."""
    nat_hosts = {r.host for r in probe.records if r.layer == "netfilter" and r.action == "nat"}
    for r in probe.records:
        if (r.layer == "ip" and r.action == "forward" and r.data is not None
                and ip_ntoa(r.data[12:16]) == private and r.host not in nat_hosts):
            return r.host, r.fact("out", "")
    return None, ""


def _connected_subnet(host: Host, address: str) -> str:
    target = to_int(ip_aton(address))
    for a in host.ns.ipv4.addresses:
        if (target & prefix_mask(a.prefixlen)) == a.network and not a.dev.flag_loopback:
            return f"{ip_ntoa(a.network.to_bytes(4, 'big'))}/{a.prefixlen}"
    return f"{address}/32"


def _uplink_name(host: Host) -> str:
    default = host.ns.ipv4.main.lookup(0)
    return default.dev.name if default is not None and default.prefixlen == 0 else "eth0"


def _behind_nat(lab: Lab, target: str, address: str) -> tuple[str, str] | None:
    """(host, "slirp" | "masquerade") when ``address`` of VM ``target`` is private to a
    NAT: a user-mode VM, or a VM on a network its host masquerades."""
    vm = lab.vms.get(target)
    if vm is None:
        return None
    if any(type(b).__name__ == "Slirp" for b in vm.backends):
        return vm.host.name, "slirp"
    host = vm.host
    if _connected_subnet(host, address).endswith("/32"):
        return None
    if source_nat_targets(host.ns):
        return host.name, "masquerade"
    return None


def _host_only_network(lab: Lab, name: str) -> tuple[str, str, str] | None:
    """(host, bridge, subnet) when VM ``name`` sits on a bridge whose every port is a
    VM's tap (no uplink) on a host that does not forward: a host-only network."""
    vm = lab.vms.get(name)
    if vm is None:
        return None
    host = vm.host
    if host.ns.ipv4.forwarding:
        return None
    # A NAT host with forwarding turned off is a broken NAT, not a host-only network;
    # so is any lab a scenario built as another mode, even with its MASQUERADE gone too.
    if lab.mode is not None and lab.mode.label != "host-only":
        return None
    if lab.mode is None and source_nat_targets(host.ns):
        return None
    for backend in vm.backends:
        tfile = getattr(backend, "tfile", None)
        bridge = getattr(getattr(tfile, "device", None), "master", None)
        if bridge is None:
            continue
        if all(port.dev.kind == "tun" for port in bridge.ports):
            addrs = host.ns.ipv4.addresses_of(bridge)
            subnet = (f"{ip_ntoa(addrs[0].network.to_bytes(4, 'big'))}/{addrs[0].prefixlen}"
                      if addrs else "no address")
            return host.name, bridge.name, subnet
    return None
