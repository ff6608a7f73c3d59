"""The neighbour table and ARP (net/core/neighbour.c, net/ipv4/arp.c).

Before an IPv4 packet can leave on an Ethernet device the host needs the next
hop's MAC. Each (device, address) entry walks the kernel's state machine:

=============  ==============================================================
INCOMPLETE     asked (broadcast ARP request, again every second, 3 times);
               packets wait in a small queue meanwhile
REACHABLE      answered; trusted for ``reachable_time`` (15-45 s, random)
STALE          not confirmed lately (or learnt from someone else's request)
DELAY          used while STALE: send anyway, and wait 5 s for confirmation
PROBE          still not confirmed: unicast ARP requests, 3 times
FAILED         nobody answered: queued packets are dropped, senders told
PERMANENT      ``ip neigh add ... lladdr ...``: never changes
=============  ==============================================================

Entries belong to a *device*: the same address can be REACHABLE on br0 and FAILED
on eth0 at the same time (the recording ``ip_on_enslaved_port`` shows exactly that).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets import arp as arp_pkt
from netsim.packets import ethernet
from netsim.packets.addr import BROADCAST_MAC, ZERO_MAC, ip_ntoa, mac_ntoa
from netsim.stack.skb import PACKET_HOST, PACKET_OTHERHOST, Skb

if TYPE_CHECKING:
    from netsim.stack.ipv4 import IPv4Stack
    from netsim.stack.netdevice import NetDevice

RETRANS_TIME = 1.0
BASE_REACHABLE_TIME = 30.0
DELAY_FIRST_PROBE_TIME = 5.0
MCAST_SOLICIT = 3
UCAST_SOLICIT = 3
UNRES_QLEN = 101  # packets queued per unresolved entry (unres_qlen_bytes / truesize)
LOCKTIME = 1.0

INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED, NOARP, PERMANENT = (
    "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT")


@dataclass(eq=False)
class Neighbour:
    dev: NetDevice
    ip: bytes
    lladdr: bytes | None = None
    state: str = INCOMPLETE
    probes: int = 0
    updated: float = 0.0
    confirmed: float = 0.0
    reachable_time: float = BASE_REACHABLE_TIME
    queue: deque = field(default_factory=deque)
    timer_gen: int = 0
    is_router: bool = False


class NeighbourTable:
    """arp_tbl for one namespace, plus ARP's receive and solicit."""

    def __init__(self, stack: IPv4Stack) -> None:
        self.stack = stack
        self.ns = stack.ns
        self.entries: dict[tuple[NetDevice, bytes], Neighbour] = {}

    # ------------------------------------------------------------- helpers
    def _now(self) -> float:
        return self.ns.env.now

    def _trace(self, n: Neighbour, action: str, reason: str, func: str, frame_id: int = 0,
               data: bytes | None = None) -> None:
        self.ns.trace.hop(self.ns.name, n.dev.name, "arp", action, frame_id, reason, func, data)

    def _random_reachable(self) -> float:
        """neigh_rand_reach_time(): uniformly between half and 1.5 times the base."""
        return BASE_REACHABLE_TIME * (0.5 + self.ns.lab.rng.random())

    def lookup(self, dev: NetDevice, ip: bytes) -> Neighbour | None:
        return self.entries.get((dev, ip))

    def in_order(self) -> list[Neighbour]:
        """`ip neigh` order: newest first, as the kernel's hash walk usually shows."""
        return list(reversed(self.entries.values()))

    def _arm(self, n: Neighbour, delay: float, what) -> None:
        n.timer_gen += 1
        gen = n.timer_gen
        self.ns.lab.call_later(delay, self._timer, n, gen, what)

    def _timer(self, n: Neighbour, gen: int, what) -> None:
        if gen == n.timer_gen and self.entries.get((n.dev, n.ip)) is n:
            what(n)

    # ------------------------------------------------------------- output
    def resolve_output(self, dev: NetDevice, nexthop: bytes, packet: bytes, frame_id: int) -> None:
        """neigh_resolve_output(): send ``packet`` to ``nexthop`` once its MAC is known."""
        n = self.entries.get((dev, nexthop))
        if n is None:
            n = Neighbour(dev, nexthop, updated=self._now())
            self.entries[(dev, nexthop)] = n
        state = n.state
        if state == PERMANENT:
            self.stack.send_frame(dev, n.lladdr, packet, frame_id)
            return
        if state in (REACHABLE, NOARP):
            if state == REACHABLE and self._now() - n.confirmed > n.reachable_time:
                n.state = STALE
            else:
                self.stack.send_frame(dev, n.lladdr, packet, frame_id)
                return
        if n.state == STALE:
            n.state = DELAY
            n.updated = self._now()
            self._trace(n, "resolve", f"{ip_ntoa(nexthop)} is STALE: send anyway, confirm "
                        f"within {DELAY_FIRST_PROBE_TIME:g} s (DELAY)", "neigh_event_send",
                        frame_id)
            self._arm(n, DELAY_FIRST_PROBE_TIME, self._delay_expired)
            self.stack.send_frame(dev, n.lladdr, packet, frame_id)
            return
        if n.state in (DELAY, PROBE):
            self.stack.send_frame(dev, n.lladdr, packet, frame_id)
            return
        # INCOMPLETE or FAILED (a FAILED entry starts over, as __neigh_event_send does)
        if n.state == FAILED or not n.queue and n.probes == 0:
            if n.state == FAILED:
                n.state = INCOMPLETE
                n.probes = 0
            if len(n.queue) >= UNRES_QLEN:
                dropped = n.queue.popleft()
                self.stack.drop(dev.name, dropped[1], "neighbour queue full", "neigh_event_send",
                                cause="neigh_queue_full")
            n.queue.append((packet, frame_id))
            self._trace(n, "resolve", f"{dev.name}: who has {ip_ntoa(nexthop)}? packet waits "
                        "while ARP asks (INCOMPLETE)", "neigh_resolve_output", frame_id)
            self._solicit(n, broadcast=True, packet=packet)
            self._arm(n, RETRANS_TIME, self._retransmit)
            return
        if len(n.queue) >= UNRES_QLEN:
            dropped = n.queue.popleft()
            self.stack.drop(dev.name, dropped[1], "neighbour queue full", "neigh_event_send",
                            cause="neigh_queue_full")
        n.queue.append((packet, frame_id))

    def _retransmit(self, n: Neighbour) -> None:
        if n.state == INCOMPLETE:
            if n.probes >= MCAST_SOLICIT:
                self._fail(n)
                return
            self._solicit(n, broadcast=True)
            self._arm(n, RETRANS_TIME, self._retransmit)
        elif n.state == PROBE:
            if n.probes >= UCAST_SOLICIT:
                self._fail(n)
                return
            self._solicit(n, broadcast=False)
            self._arm(n, RETRANS_TIME, self._retransmit)

    def confirm(self, dev: NetDevice, ip: bytes) -> None:
        """neigh_confirm(): an upper layer vouches that ``ip`` answered lately (MSG_CONFIRM)."""
        n = self.entries.get((dev, ip))
        if n is not None:
            n.confirmed = self._now()

    def _delay_expired(self, n: Neighbour) -> None:
        if n.state != DELAY:
            return
        if self._now() <= n.confirmed + n.reachable_time and n.confirmed >= n.updated:
            n.state = REACHABLE  # confirmed meanwhile: no probe needed
            return
        n.state = PROBE
        n.probes = 0
        self._solicit(n, broadcast=False)
        self._arm(n, RETRANS_TIME, self._retransmit)

    def _fail(self, n: Neighbour) -> None:
        """neigh_invalidate(): FAILED; every queued packet is dropped and its sender told."""
        n.state = FAILED
        n.updated = self._now()
        self._trace(n, "drop", f"{n.dev.name}: no ARP reply from {ip_ntoa(n.ip)} after "
                    f"{n.probes} requests: FAILED", "neigh_invalidate")
        queued, n.queue = list(n.queue), deque()
        for packet, frame_id in queued:
            self.stack.drop(n.dev.name, frame_id, f"{ip_ntoa(n.ip)} unreachable: ARP failed",
                            "arp_error_report", packet, "arp_failed")
            self.stack.icmp.host_unreachable(packet, n.dev)

    def _solicit(self, n: Neighbour, broadcast: bool, packet: bytes | None = None) -> None:
        """arp_solicit(): an ARP request, from the queued packet's source if it is ours."""
        dev = n.dev
        n.probes += 1
        src_ip = None
        if packet is None and n.queue:
            packet = n.queue[0][0]
        if packet is not None and self.stack.is_local_address(packet[12:16]):
            src_ip = packet[12:16]
        if src_ip is None:
            src_ip = self.stack.select_source(dev, n.ip)
        if src_ip is None:
            return
        dst = BROADCAST_MAC if broadcast or n.lladdr is None else n.lladdr
        self.send_arp(dev, arp_pkt.ARPOP_REQUEST, dst, src_ip, ZERO_MAC, n.ip,
                      why=f"who has {ip_ntoa(n.ip)}? tell {ip_ntoa(src_ip)} "
                      f"(try {n.probes})", func="arp_solicit")

    def send_arp(self, dev: NetDevice, op: int, dst_mac: bytes, src_ip: bytes, tha: bytes,
                 tip: bytes, why: str, func: str) -> None:
        """arp_send(): build the 42-byte frame and transmit it on ``dev``."""
        payload = arp_pkt.Arp(op, dev.mac, src_ip, tha, tip).pack()
        frame = ethernet.build(dst_mac, dev.mac, ethernet.ETH_P_ARP, payload)
        frame_id = self.ns.new_frame_id()
        self.ns.trace.hop(self.ns.name, dev.name, "arp", "send", frame_id, f"ARP: {why}",
                          func, frame)
        dev.queue_xmit(Skb(frame, frame_id, dev))

    # ------------------------------------------------------------- updates
    def update(self, n: Neighbour, lladdr: bytes, state: str, override: bool) -> None:
        """neigh_update(): new address/state; packets waiting for it are sent."""
        if n.state in (PERMANENT, NOARP):
            return
        now = self._now()
        if n.lladdr is not None and lladdr != n.lladdr and not override:
            if n.state in (REACHABLE,):
                n.state = STALE
            return
        n.lladdr = lladdr
        n.state = state
        n.updated = now
        if state == REACHABLE:
            n.confirmed = now
            n.reachable_time = self._random_reachable()
        n.timer_gen += 1
        n.probes = 0
        queued, n.queue = list(n.queue), deque()
        for packet, frame_id in queued:
            self.stack.send_frame(n.dev, lladdr, packet, frame_id)

    def event_ns(self, dev: NetDevice, ip: bytes, lladdr: bytes) -> Neighbour:
        """neigh_event_ns(): someone asked us: remember them as STALE (override)."""
        n = self.entries.get((dev, ip))
        if n is None:
            n = Neighbour(dev, ip, updated=self._now())
            self.entries[(dev, ip)] = n
        self.update(n, lladdr, STALE, override=True)
        return n

    def add_permanent(self, dev: NetDevice, ip: bytes, lladdr: bytes | None,
                      state: str = PERMANENT) -> Neighbour:
        n = self.entries.pop((dev, ip), None) or Neighbour(dev, ip)
        n.lladdr, n.state, n.updated = lladdr, state, self._now()
        n.timer_gen += 1
        self.entries[(dev, ip)] = n
        queued, n.queue = list(n.queue), deque()
        for packet, frame_id in queued:
            self.stack.send_frame(dev, lladdr, packet, frame_id)
        return n

    def delete(self, n: Neighbour) -> None:
        self.entries.pop((n.dev, n.ip), None)
        n.timer_gen += 1

    def flush_dev(self, dev: NetDevice | None, keep_permanent: bool = True) -> int:
        """`ip neigh flush` / NETDEV_DOWN: forget entries (permanent ones stay when asked)."""
        doomed = [n for n in self.entries.values()
                  if (dev is None or n.dev is dev)
                  and not (keep_permanent and n.state in (PERMANENT, NOARP))]
        for n in doomed:
            self.delete(n)
        return len(doomed)

    def display_state(self, n: Neighbour) -> str:
        """The state as `ip neigh` shows it now (REACHABLE decays to STALE lazily)."""
        if n.state == REACHABLE and self._now() - n.confirmed > n.reachable_time:
            n.state = STALE
        return n.state

    # ------------------------------------------------------------- receive
    def _martian_source(self, sip: bytes) -> str:
        """Why ip_route_input() would refuse ``sip`` as a source ("" if it would not).

        arp_process() routes a request's target back to its sender before answering; a
        sender no host can have -- broadcast, multicast, loopback, or one of our own
        addresses (fib_validate_source(), accept_local off) -- fails that route. Linux
        6.18 answers a sender in 0.0.0.0/8 or 240.0.0.0/4 (recorded).
        """
        if sip == b"\xff\xff\xff\xff":
            return "the limited broadcast address"
        if sip[0] & 0xF0 == 0xE0:
            return "a multicast address"
        if sip[0] == 127:
            return "a loopback address"
        if self.stack.is_local_address(sip):
            return "one of this host's own addresses"
        return ""

    def rcv(self, skb: Skb, payload: bytes) -> None:
        """arp_rcv() -> arp_process()."""
        dev = skb.dev
        ns = self.ns
        if dev.flag_noarp or skb.pkttype == PACKET_OTHERHOST:
            ns.trace.hop(ns.name, dev.name, "arp", "drop", skb.frame_id,
                         f"{dev.name}: ARP frame for another host's MAC: ignored", "arp_rcv",
                         skb.data)
            return
        try:
            pkt = arp_pkt.parse(payload)
        except ValueError as err:
            ns.trace.hop(ns.name, dev.name, "arp", "drop", skb.frame_id, f"bad ARP: {err}",
                         "arp_rcv", skb.data)
            return
        sip, tip, sha = pkt.spa, pkt.tpa, pkt.sha
        if tip[0] == 127 or tip[0] & 0xF0 == 0xE0:
            ns.trace.hop(ns.name, dev.name, "arp", "drop", skb.frame_id,
                         "ARP about a loopback or multicast address", "arp_process", skb.data)
            return
        stack = self.stack
        if pkt.op == arp_pkt.ARPOP_REQUEST and sip != bytes(4):
            martian = self._martian_source(sip)
            if martian:
                ns.trace.hop(ns.name, dev.name, "arp", "drop", skb.frame_id,
                             f"{dev.name}: ARP request from {ip_ntoa(sip)}, a martian source "
                             f"({martian}): no reply, nothing learned", "ip_route_input_noref",
                             skb.data)
                return
        if pkt.op == arp_pkt.ARPOP_REQUEST and sip == bytes(4) and stack.is_local_address(tip):
            # Duplicate address detection probe: answer it, learn nothing.
            self.send_arp(dev, arp_pkt.ARPOP_REPLY, sha, tip, sha, sip,
                          why=f"{ip_ntoa(tip)} is-at {mac_ntoa(dev.mac)} (DAD probe)",
                          func="arp_process")
            return
        if pkt.op == arp_pkt.ARPOP_REQUEST and stack.is_local_address(tip):
            ns.trace.hop(ns.name, dev.name, "arp", "deliver", skb.frame_id,
                         f"{dev.name}: who-has {ip_ntoa(tip)} -- that is one of this host's "
                         f"addresses: reply with {dev.name}'s MAC {mac_ntoa(dev.mac)}",
                         "arp_process", skb.data)
            self.event_ns(dev, sip, sha)
            self.send_arp(dev, arp_pkt.ARPOP_REPLY, sha, tip, sha, sip,
                          why=f"{ip_ntoa(tip)} is-at {mac_ntoa(dev.mac)}", func="arp_process")
            return
        n = self.entries.get((dev, sip))
        if n is None:
            ns.trace.hop(ns.name, dev.name, "arp", "drop", skb.frame_id,
                         f"{dev.name}: ARP not for us and {ip_ntoa(sip)} not in the table",
                         "arp_process", skb.data)
            return
        state = REACHABLE
        if pkt.op != arp_pkt.ARPOP_REPLY or skb.pkttype != PACKET_HOST:
            state = STALE
        override = self._now() > n.updated + LOCKTIME or n.state in (INCOMPLETE, FAILED)
        ns.trace.hop(ns.name, dev.name, "arp", "deliver", skb.frame_id,
                     f"{dev.name}: {ip_ntoa(sip)} is-at {mac_ntoa(sha)} -> {state}",
                     "arp_process", skb.data)
        self.update(n, sha, state, override)
