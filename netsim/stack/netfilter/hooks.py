"""One namespace's netfilter: the five IPv4 hooks and what runs at each (nf_hook_slow).

The IPv4 stack calls these only when ``ns.netfilter`` exists -- i.e. once a table was
touched (``iptables ...``); before that the whole of netfilter costs one ``is None``
test per hook. At each hook the registered functions run by priority, as in the
kernel::

    PREROUTING   conntrack in (-200)   nat: DNAT / un-SNAT (-100)
    INPUT        filter (0)            nat: SNAT / un-DNAT (100)   conntrack confirm
    FORWARD      filter (0)
    OUTPUT       conntrack in (-200)   nat: DNAT / un-SNAT (-100)  filter (0)
    POSTROUTING  nat: SNAT, MASQUERADE / un-DNAT (100)             conntrack confirm

A hook returns the packet (perhaps rewritten) or None when a rule dropped it.

The kernel attaches the connection to the skb (``skb->_nfct``); our packets are bytes,
so the connection of the packet on its way is kept here in :attr:`Netfilter.nfct`
between the hooks of one path (PREROUTING -> INPUT/FORWARD -> POSTROUTING, or OUTPUT ->
POSTROUTING), which run one after the other without a pause.
"""

from __future__ import annotations

import contextlib
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.packets import tcp as tcp_pkt
from netsim.packets.addr import MalformedPacket, ip_ntoa
from netsim.stack.netfilter import nat
from netsim.stack.netfilter.conntrack import (
    ORIGINAL,
    REPLY,
    Conn,
    ConntrackTable,
    Tuple,
    invert,
)
from netsim.stack.netfilter.packet import IPPROTO_ICMP, IPPROTO_TCP, Flow, flow_of
from netsim.stack.netfilter.rules import Rule, Table

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice
    from netsim.stack.skb import Skb

REJECT_CODES = {
    "icmp-net-unreachable": 0, "icmp-host-unreachable": 1, "icmp-proto-unreachable": 2,
    "icmp-port-unreachable": 3, "icmp-net-prohibited": 9, "icmp-host-prohibited": 10,
    "icmp-admin-prohibited": 13,
}
"""--reject-with TYPE -> the code of the ICMP destination unreachable it sends."""

_NAT_FUNC = {"PREROUTING": "nf_nat_ipv4_pre_routing", "POSTROUTING": "nf_nat_ipv4_out",
             "OUTPUT": "nf_nat_ipv4_local_fn", "INPUT": "nf_nat_ipv4_fn"}


@dataclass(frozen=True)
class Verdict:
    """One decision of a filter chain, kept for "why was it dropped?" questions."""

    time: float
    frame_id: int
    table: str
    chain: str
    verdict: str        # "ACCEPT", "DROP", "REJECT"
    rule: str | None    # the rule as iptables -S prints it; None: the chain's policy
    summary: str        # "icmp 192.168.122.10 -> 10.0.0.2"


def nat_change(facts: dict) -> str:
    """What a ``nat`` record's translation was, in words, from its facts: the record's
    reason without the rule or the connection entry, e.g. ``iptables -t nat POSTROUTING:
    MASQUERADE: 10.0.0.2 -> 192.168.1.10 (icmp id 7 -> 7)`` for the rule that bound a
    connection, ``conntrack: reply translated, dst 192.168.1.10 -> 10.0.0.2`` for a
    packet rewritten from the binding."""
    change = f"{facts['from']} -> {facts['to']}"
    if "rule" in facts:
        return (f"iptables -t nat {facts['chain']}: {facts['target']}: {change} "
                f"({facts['proto']} {facts['port']} {facts['port_from']} -> "
                f"{facts['port_to']})")
    return (f"conntrack: {facts['direction']} translated, {facts['manip']} {change}"
            + (" (ICMP error: quoted packet too)" if facts["related"] else ""))


class Netfilter:
    """The tables, the connection table and the hook functions of one namespace."""

    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns
        self.tables: dict[str, Table] = {}
        self.conntrack: ConntrackTable | None = None
        self.last_verdicts: deque[Verdict] = deque(maxlen=64)
        self.nfct: tuple[Conn | None, int, str] = (None, ORIGINAL, "INVALID")

    # ------------------------------------------------------------------ set-up
    def table(self, name: str) -> Table:
        """The table called ``name``, created on first use (nf_tables creates it then);
        a nat table needs connection tracking, as loading iptable_nat loads nf_conntrack."""
        table = self.tables.get(name)
        if table is None:
            table = self.tables[name] = Table(name)
            if name == "nat":
                self.enable_conntrack()
        return table

    def enable_conntrack(self) -> ConntrackTable:
        if self.conntrack is None:
            self.conntrack = ConntrackTable(self.ns)
        return self.conntrack

    def rules_changed(self) -> None:
        """A rule with -m conntrack / -m state loads connection tracking for good."""
        if any(t.uses_conntrack for t in self.tables.values()):
            self.enable_conntrack()

    # ------------------------------------------------------------------ trace
    def _hop(self, dev: str, action: str, frame_id: int, reason: str, func: str,
             packet: bytes | None, facts: dict | None = None) -> None:
        self.ns.trace.hop(self.ns.name, dev, "netfilter", action, frame_id, reason, func,
                          packet, l3=True, facts=facts)

    # ------------------------------------------------------------------ the hooks
    def pre_routing(self, dev: NetDevice, packet: bytes, frame_id: int) -> bytes | None:
        """ip_rcv's NF_INET_PRE_ROUTING: track, then DNAT (the route is decided after)."""
        ct = self.conntrack
        if ct is None:
            return packet
        if dev.flag_loopback:  # looped back: tracked on its way out already
            self.nfct = ct.classify(packet)
            return packet
        flow = flow_of(packet)
        self.nfct = ct.packet_in(packet, flow)
        self._trace_new(dev.name, frame_id, packet)
        return self._nat(packet, "PREROUTING", dev, None, None, frame_id)

    def local_in(self, dev: NetDevice, packet: bytes, frame_id: int) -> bytes | None:
        """ip_local_deliver's NF_INET_LOCAL_IN: filter INPUT, nat INPUT, confirm."""
        if "filter" in self.tables and not self._filter(
                "INPUT", packet, dev.name, "", dev, frame_id):
            return None
        if self.conntrack is not None and not dev.flag_loopback:
            packet = self._nat(packet, "INPUT", dev, None, None, frame_id)
            self._confirm()
        return packet

    def forward(self, in_dev: NetDevice, out_dev: NetDevice, packet: bytes,
                frame_id: int) -> bytes | None:
        """ip_forward's NF_INET_FORWARD: filter FORWARD (after the TTL decrement)."""
        if "filter" in self.tables and not self._filter(
                "FORWARD", packet, in_dev.name, out_dev.name, in_dev, frame_id):
            return None
        return packet

    def local_out(self, out_dev: NetDevice, packet: bytes, frame_id: int) -> bytes | None:
        """__ip_local_out's NF_INET_LOCAL_OUT: track, DNAT, filter OUTPUT.

        The caller routes again when the destination changed (ip_route_me_harder).
        """
        ct = self.conntrack
        if ct is not None:
            self.nfct = ct.packet_in(packet, flow_of(packet))
            self._trace_new(out_dev.name, frame_id, packet)
            packet = self._nat(packet, "OUTPUT", None, out_dev, None, frame_id)
            if packet is None:
                return None
        if "filter" in self.tables and not self._filter(
                "OUTPUT", packet, "", out_dev.name, out_dev, frame_id):
            return None
        return packet

    def post_routing(self, in_dev: NetDevice | None, out_dev: NetDevice, nexthop: bytes,
                     packet: bytes, frame_id: int) -> bytes | None:
        """ip_output's NF_INET_POST_ROUTING: SNAT/MASQUERADE, then confirm the entry."""
        if self.conntrack is None:
            return packet
        packet = self._nat(packet, "POSTROUTING", in_dev, out_dev, nexthop, frame_id)
        self._confirm()
        return packet

    def bridge_forward(self, br: NetDevice, skb: Skb) -> bool:
        """br_nf_forward_ip(): a frame the bridge forwards from port to port crosses
        iptables' FORWARD chain when ``net.bridge.bridge-nf-call-iptables`` is on (as it
        is once br_netfilter is loaded), with ``-i``/``-o`` both the bridge device.

        That is the classic surprise: ``iptables -P FORWARD DROP`` (Docker sets it) also
        cuts VMs on a bridge off from each other. True lets the frame on.
        """
        if "filter" not in self.tables:
            return True
        data = skb.data
        if len(data) < 34 or data[12:14] != b"\x08\x00" or data[14] >> 4 != 4:
            return True  # only IPv4 (call-arptables / call-ip6tables are not modelled)
        value = self.ns.sysctl.get("net.bridge.bridge-nf-call-iptables", "1").strip()
        if value in ("", "0"):
            return True
        packet = data[14:]
        ct = self.conntrack
        if ct is not None:
            self.nfct = ct.packet_in(packet, flow_of(packet))
        if not self._filter("FORWARD", packet, br.name, br.name, br, skb.frame_id,
                            bridged=True):
            return False
        if ct is not None:
            self._confirm()
        return True

    # ------------------------------------------------------------------ conntrack
    def _confirm(self) -> None:
        conn = self.nfct[0]
        if conn is not None and not conn.confirmed:
            self.conntrack.confirm(conn)  # type: ignore[union-attr]

    def _trace_new(self, dev: str, frame_id: int, packet: bytes) -> None:
        conn, direction, state = self.nfct
        if conn is None or not self.ns.trace.enabled:
            return
        if state == "NEW" and not conn.confirmed:
            why = f"new connection {conn.describe()}"
        elif state == "RELATED":
            why = f"ICMP error RELATED to {conn.describe()}"
        else:
            return
        self._hop(dev, "info", frame_id, f"conntrack: {why}", "nf_conntrack_in", packet)

    # ------------------------------------------------------------------ nat
    def _nat(self, packet: bytes, hook: str, in_dev: NetDevice | None,
             out_dev: NetDevice | None, nexthop: bytes | None, frame_id: int) -> bytes | None:
        """nf_nat_inet_fn(): bind a new connection from the nat table, then translate."""
        conn, direction, state = self.nfct
        if conn is None:
            return packet
        manip = nat.SRC if hook in ("POSTROUTING", "INPUT") else nat.DST
        dev = out_dev if hook in ("POSTROUTING", "OUTPUT") else in_dev
        table = self.tables.get("nat")
        if (manip not in conn.nat_done and not conn.confirmed and direction == ORIGINAL
                and state == "NEW"):
            bound = None
            if table is not None:
                bound = self._nat_table(table, hook, manip, conn, packet, in_dev, out_dev,
                                        nexthop)
            conn.nat_done.add(manip)  # no rule: a null binding, never asked again
            new = self._translate(packet, conn, direction, manip, hook, frame_id, dev)
            if bound is not None and self.ns.trace.enabled:
                self._trace_binding(bound, conn, packet, new, manip, hook, frame_id, dev)
            return new
        return self._translate(packet, conn, direction, manip, hook, frame_id, dev,
                               state == "RELATED")

    def _nat_table(self, table: Table, hook: str, manip: str, conn: Conn, packet: bytes,
                   in_dev: NetDevice | None, out_dev: NetDevice | None,
                   nexthop: bytes | None) -> tuple[Rule, str, Tuple] | None:
        """ipt_do_table() on the nat chain, for the connection's first packet only;
        returns (rule, chain, original tuple) when a NAT rule bound the connection."""
        flow = flow_of(packet)
        rule, chain = self._walk(table, hook, flow, in_dev.name if in_dev else "",
                                 out_dev.name if out_dev else "", "NEW", len(packet))
        if rule is None or rule.target is None or not rule.target.is_nat:
            return None
        target = rule.target
        if target.name == "MASQUERADE":
            if out_dev is None or nexthop is None:
                return None
            addr = self.ns.ipv4.select_source(out_dev, nexthop)
            if addr is None:  # masquerade_tg: no address on the device
                return None
        elif target.addr_range is not None:
            addr = target.addr_range[0]
        else:
            addr = flow.src if manip == nat.SRC else flow.dst
        before = conn.tuples[ORIGINAL]
        nat.setup_info(self.conntrack, conn, manip, addr,  # type: ignore[arg-type]
                       target.port_range, self.ns.lab.rng)
        return rule, chain, before

    def _trace_binding(self, bound: tuple[Rule, str, Tuple], conn: Conn, packet: bytes,
                       new: bytes, manip: str, hook: str, frame_id: int,
                       dev: NetDevice | None) -> None:
        """The hop that shows a NAT rule at work: before -> after, and the rule.

        Facts: table ("nat"), chain, target, rule (as ``iptables -S`` prints it), manip
        ("src" or "dst"), from, to (the address rewritten), proto, port ("id", "sport"
        or "dport"), port_from, port_to (:func:`nat_change` words them)."""
        rule, chain, before = bound
        after = invert(conn.tuples[REPLY])
        side = 1 if manip == nat.SRC else 2
        key = 3 if before[0] == IPPROTO_ICMP or manip == nat.SRC else 4
        what = "id" if before[0] == IPPROTO_ICMP else ("sport" if manip == nat.SRC else "dport")
        proto = {1: "icmp", 17: "udp", 6: "tcp"}.get(before[0], str(before[0]))
        spec = rule.spec(chain)
        facts = {"table": "nat", "chain": chain,
                 "target": rule.target.name if rule.target else "", "rule": spec,
                 "manip": manip, "from": ip_ntoa(before[side]), "to": ip_ntoa(after[side]),
                 "proto": proto, "port": what, "port_from": before[key],
                 "port_to": after[key]}
        self._hop(dev.name if dev else "", "nat", frame_id,
                  f"{nat_change(facts)}, rule '{spec}' (table nat)", _NAT_FUNC[hook], new,
                  facts)

    def _translate(self, packet: bytes, conn: Conn, direction: int, manip: str, hook: str,
                   frame_id: int, dev: NetDevice | None, related: bool = False) -> bytes:
        """nf_nat_packet(): rewrite from the binding (nothing if none applies)."""
        if not nat.applies(conn, direction, manip):
            return packet
        if related:
            new = nat.manip_icmp_error(packet, conn, direction, manip)
        else:
            new = nat.manip_packet(packet, conn, direction, manip)
        if self.ns.trace.enabled and (conn.confirmed or direction == REPLY):
            # Facts: manip, from, to, direction ("packet" or "reply"), related (an ICMP
            # error, its quoted packet rewritten too), entry (the connection).
            side = 12 if manip == nat.SRC else 16
            facts = {"manip": manip, "from": ip_ntoa(packet[side:side + 4]),
                     "to": ip_ntoa(new[side:side + 4]),
                     "direction": "reply" if direction == REPLY else "packet",
                     "related": related, "entry": conn.describe()}
            self._hop(dev.name if dev else "", "nat", frame_id,
                      f"{nat_change(facts)}, entry {facts['entry']}", _NAT_FUNC[hook], new,
                      facts)
        return new

    # ------------------------------------------------------------------ filter
    def _walk(self, table: Table, chain_name: str, flow: Flow, in_dev: str, out_dev: str,
              ctstate: str, length: int) -> tuple[Rule | None, str]:
        """ipt_do_table(): the first rule whose target ends the walk, and its chain.

        Jumps push the calling position; RETURN (or the end of a user chain) pops it.
        Returns (None, chain) when a built-in chain ran out: its policy decides.
        """
        stack: list[tuple[str, int]] = []
        name, index = chain_name, 0
        while True:
            rules = table.chains[name].rules
            while index < len(rules):
                rule = rules[index]
                index += 1
                if not rule.match(flow, in_dev, out_dev, ctstate):
                    continue
                rule.pkts += 1
                rule.bytes += length
                target = rule.target
                if target is None:
                    continue
                if target.name == "RETURN":
                    break
                if target.name in table.chains:  # a jump to a user chain
                    stack.append((name, index))
                    name, index = target.name, 0
                    rules = table.chains[name].rules
                    continue
                return rule, name
            if not stack:
                chain = table.chains[chain_name]
                if chain.policy_counter:
                    chain.pkts += 1
                    chain.bytes += length
                return None, chain_name
            name, index = stack.pop()

    def _filter(self, hook: str, packet: bytes, in_dev: str, out_dev: str,
                dev: NetDevice, frame_id: int, bridged: bool = False) -> bool:
        """The filter table at ``hook``: True to let the packet on. A ``bridged`` frame
        says so in the hop: it came through br_netfilter, not the IP stack.

        The hop's facts: table ("filter"), chain (where the deciding rule sits), target
        (ACCEPT, DROP, REJECT...), rule (as ``iptables -S`` prints it; None when the
        chain's policy decided), policy (the policy that decided, else None), bridged."""
        table = self.tables["filter"]
        flow = flow_of(packet)
        via = " (bridged frame, net.bridge.bridge-nf-call-iptables=1)" if bridged else ""
        ctstate = self.nfct[2] if self.conntrack is not None else "INVALID"
        rule, chain = self._walk(table, hook, flow, in_dev, out_dev, ctstate, len(packet))
        if rule is None:
            verdict = table.chains[hook].policy or "ACCEPT"
            if verdict == "ACCEPT":
                return True
            self._record(frame_id, "filter", chain, verdict, None, flow)
            self._hop(dev.name, "drop", frame_id,
                      f"iptables -t filter {chain}: DROP by policy DROP (no rule matched)"
                      + via,
                      "nf_hook_slow", packet,
                      {"table": "filter", "chain": chain, "target": verdict, "rule": None,
                       "policy": verdict, "bridged": bridged})
            return False
        target = rule.target
        assert target is not None
        spec = rule.spec(chain)
        self._record(frame_id, "filter", chain, target.name, spec, flow)
        facts = {"table": "filter", "chain": chain, "target": target.name, "rule": spec,
                 "policy": None, "bridged": bridged}
        if target.name == "ACCEPT":
            self._hop(dev.name, "accept", frame_id,
                      f"iptables -t filter {chain}: ACCEPT by rule '{spec}'" + via,
                      "ipt_do_table", packet, facts)
            return True
        if target.name == "REJECT":
            self._hop(dev.name, "reject", frame_id,
                      f"iptables -t filter {chain}: REJECT by rule '{spec}'" + via,
                      "ipt_do_table", packet, facts)
            self._send_reject(packet, target.reject_with, dev)
            return False
        self._hop(dev.name, "drop", frame_id,
                  f"iptables -t filter {chain}: {target.name} by rule '{spec}'" + via,
                  "ipt_do_table", packet, facts)
        return False

    def _send_reset(self, packet: bytes) -> None:
        """nf_send_reset(): the RST the rejected segment's destination would have sent
        (from that address, even on a router), IP id 0, through ip_local_out."""
        ihl = (packet[0] & 0x0F) * 4
        src, dst = packet[12:16], packet[16:20]
        if packet[9] != IPPROTO_TCP or packet[6] & 0x3F or packet[7]:
            return  # not TCP, or a fragment
        try:
            seg = tcp_pkt.parse(packet[ihl:])
        except MalformedPacket:
            return
        if not tcp_pkt.verify(src, dst, packet[ihl:]):
            return  # nf_ip_checksum(): no RST for a corrupt segment
        rst = tcp_pkt.reset_for(src, dst, seg)
        if rst is None:
            return
        from netsim.stack.ipv4 import NoRoute

        with contextlib.suppress(NoRoute):  # no way back: nothing is sent
            self.ns.ipv4.output(src, IPPROTO_TCP, rst, src=dst, ident=0, func="nf_send_reset")

    def _record(self, frame_id: int, table: str, chain: str, verdict: str,
                rule: str | None, flow: Flow) -> None:
        proto = {1: "icmp", 17: "udp", 6: "tcp"}.get(flow.proto, str(flow.proto))
        self.last_verdicts.append(Verdict(
            self.ns.env.now, frame_id, table, chain, verdict, rule,
            f"{proto} {ip_ntoa(flow.src)} -> {ip_ntoa(flow.dst)}"))

    def _send_reject(self, packet: bytes, reject_with: str, dev: NetDevice) -> None:
        """nf_send_unreach(): an ICMP destination unreachable back to the sender;
        ``tcp-reset``: nf_send_reset(), a TCP RST instead."""
        code = REJECT_CODES.get(reject_with)
        conn, direction, _state = self.nfct
        if code is None:
            if conn is not None and direction == ORIGINAL and conn.dst_nat:
                packet = nat.original_destination(packet, conn)
            self._send_reset(packet)
            return
        if conn is not None and direction == ORIGINAL and conn.dst_nat:
            # The error is attached to the packet's connection (nf_ct_attach) and leaves
            # through nf_nat_icmp_reply_translation: the quoted header is put back as
            # the sender wrote it, so the DNAT target's private address never leaks.
            packet = nat.original_destination(packet, conn)
        self.ns.ipv4.icmp.send_error(packet, 3, code, dev)
