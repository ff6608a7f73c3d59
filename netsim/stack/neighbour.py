"""The neighbour table and ARP (net/core/neighbour.c, net/ipv4/arp.c) as Linux 6.18 runs them.

Before an IPv4 packet can leave on an Ethernet device the host needs the next
hop's MAC. Each (device, address) entry walks the kernel's state machine, driven by
one timer per entry (``neigh_timer_handler``) and by what is sent and heard:

=============  ==============================================================
INCOMPLETE     asked: ``mcast_solicit`` broadcast requests, ``retrans_time_ms``
               apart; packets wait in the entry's queue meanwhile. With
               ``mcast_solicit`` + ``app_solicit`` 0 the entry fails at once
REACHABLE      answered (or confirmed by a sender's MSG_CONFIRM); the timer looks
               again at confirmed + reachable_time (a random time in
               [base/2, 3*base/2) per device, ``base_reachable_time_ms``, drawn
               again when the base is written and every 300 s)
STALE          not confirmed lately, and not used within ``delay_first_probe_time``
               (or learnt from someone else's request); no timer
DELAY          used while STALE, or REACHABLE expired while used lately: frames
               go out, and ``delay_first_probe_time`` later the entry is
               REACHABLE again if something confirmed it meanwhile, else PROBE
PROBE          ``ucast_solicit`` unicast requests to the known MAC (then
               ``mcast_resolicit`` broadcast ones), ``retrans_time_ms`` apart
FAILED         nobody answered: queued packets are dropped, their senders told
               (ICMP host unreachable); the next packet starts over
PERMANENT      ``ip neigh add ... lladdr ...``: never changes
=============  ==============================================================

The timestamps ``ip -s neigh`` shows are the kernel's: ``used`` (a packet went through
the entry while it was not REACHABLE, or the timer caught up with ``confirmed``),
``confirmed`` (an ARP reply or a MSG_CONFIRM; twice the base reachable time in the past
for an entry learnt without one), ``updated`` (the last change of state or address); and
``probes``, the requests of the current round (an INCOMPLETE entry starts counting at
``ucast_solicit``).

Entries belong to a *device*: the same address can be REACHABLE on br0 and FAILED
on eth0 at the same time (the recording ``ip_on_enslaved_port`` shows exactly that).
A device losing its carrier forgets its entries but the permanent ones
(``neigh_carrier_down``).

Left out: the garbage collector (it only runs with 128 entries or more), the
application probes' netlink messages (``app_solicit`` counts, sends nothing), proxy
ARP. A queued packet's size is estimated as a socket's allocation (:func:`truesize`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.engine.units import KERNEL_HZ
from netsim.packets import arp as arp_pkt
from netsim.packets import ethernet
from netsim.packets.addr import BROADCAST_MAC, ZERO_MAC, ip_ntoa, mac_ntoa
from netsim.stack.skb import PACKET_HOST, PACKET_OTHERHOST, Skb

if TYPE_CHECKING:
    from netsim.stack.ipv4 import IPv4Stack
    from netsim.stack.netdevice import NetDevice

JIFFY = 1 / KERNEL_HZ
MIN_TIMER = 2 * JIFFY  # HZ/100: the soonest a re-armed neighbour timer fires
RANDOM_REACH_EVERY = 300.0  # neigh_periodic_work draws reachable_time again this often

INCOMPLETE, REACHABLE, STALE, DELAY, PROBE, FAILED, NOARP, PERMANENT, NONE = (
    "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT",
    "NONE")
CONNECTED = frozenset({REACHABLE, PERMANENT, NOARP})  # NUD_CONNECTED: sent without a look
VALID = frozenset({REACHABLE, PERMANENT, NOARP, STALE, DELAY, PROBE})  # NUD_VALID
IN_TIMER = frozenset({INCOMPLETE, REACHABLE, DELAY, PROBE})  # NUD_IN_TIMER

# neigh_update() flags
OVERRIDE = 1
ADMIN = 2

# Defaults of a device's net.ipv4.neigh.DEV directory, as the ARP table's parms have them
_DEFAULTS = {"base_reachable_time_ms": "30000", "retrans_time_ms": "1000",
             "delay_first_probe_time": "5", "ucast_solicit": "3", "mcast_solicit": "3",
             "app_solicit": "0", "mcast_resolicit": "0", "locktime": "100",
             "unres_qlen_bytes": "212992"}

# kept for callers that ask for the defaults by name
RETRANS_TIME = 1.0
BASE_REACHABLE_TIME = 30.0
DELAY_FIRST_PROBE_TIME = 5.0
MCAST_SOLICIT = 3
UCAST_SOLICIT = 3
UNRES_QLEN = 101
LOCKTIME = 1.0


@dataclass(eq=False)
class Neighbour:
    dev: NetDevice
    ip: bytes
    lladdr: bytes | None = None
    state: str = NONE
    probes: int = 0
    updated: float = 0.0
    confirmed: float = 0.0
    used: float = 0.0
    queue: deque = field(default_factory=deque)
    queued_bytes: int = 0  # arp_queue_len_bytes: the queued packets' truesize
    timer_gen: int = 0
    timer_at: float | None = None  # when the pending timer fires (None: no timer)
    is_router: bool = False


class Parms:
    """A device's neigh_parms, read from its sysctls, in seconds."""

    __slots__ = ("base_reachable", "retrans", "delay_probe", "ucast", "mcast", "app",
                 "mcast_reprobes", "locktime", "qlen_bytes")

    def __init__(self, values: dict[str, int]) -> None:
        self.base_reachable = _ms_jiffies(values["base_reachable_time_ms"])
        self.retrans = _ms_jiffies(values["retrans_time_ms"])
        self.delay_probe = values["delay_first_probe_time"]
        self.ucast = values["ucast_solicit"]
        self.mcast = values["mcast_solicit"]
        self.app = values["app_solicit"]
        self.mcast_reprobes = values["mcast_resolicit"]
        self.locktime = values["locktime"] * KERNEL_HZ // 100 * JIFFY  # USER_HZ -> jiffies
        self.qlen_bytes = values["unres_qlen_bytes"]


def truesize(length: int) -> int:
    """An IPv4 packet's skb->truesize as a socket allocates it: the data (with room for
    the link-layer header, cache-aligned, and skb_shared_info) from the next kmalloc
    size, plus struct sk_buff: 768 for a ping, 2,304 for a full 1,500-byte packet."""
    need = -(-(length + 16 + 15) // 64) * 64 + 320
    slab = 512
    while slab < need:
        slab *= 2
    return slab + 256


def _ms_jiffies(ms: int) -> float:
    """A time the sysctl shows in ms: whole jiffies, as the kernel keeps it, in seconds."""
    return -(-ms * KERNEL_HZ // 1000) * JIFFY


class NeighbourTable:
    """arp_tbl for one namespace, plus ARP's receive and solicit."""

    def __init__(self, stack: IPv4Stack) -> None:
        self.stack = stack
        self.ns = stack.ns
        self.entries: dict[tuple[NetDevice, bytes], Neighbour] = {}
        # per device: (base reachable time it was drawn for, reachable_time, when drawn)
        self._reach: dict[NetDevice, tuple[float, float, float]] = {}
        self.ns.notifiers.append(self._netdev_event)

    # ------------------------------------------------------------- helpers
    def _now(self) -> float:
        return self.ns.env.now

    def _trace(self, n: Neighbour, action: str, reason: str, func: str, frame_id: int = 0,
               data: bytes | None = None) -> None:
        self.ns.trace.hop(self.ns.name, n.dev.name, "arp", action, frame_id, reason, func, data)

    def parms(self, dev: NetDevice) -> Parms:
        """The device's neigh/ sysctls (the defaults where none was written)."""
        prefix = f"net.ipv4.neigh.{dev.name.replace('.', '/')}."
        sysctl = self.ns.sysctl
        values = {}
        for leaf, default in _DEFAULTS.items():
            try:
                values[leaf] = int(sysctl.get(prefix + leaf, default))
            except ValueError:
                values[leaf] = int(default)
        return Parms(values)

    def reachable_time(self, dev: NetDevice, base: float | None = None) -> float:
        """parms->reachable_time: neigh_rand_reach_time(base), drawn again when the base
        changes (neigh_proc_base_reachable_time) or has been in use for 300 s."""
        if base is None:
            base = self.parms(dev).base_reachable
        now = self._now()
        drawn = self._reach.get(dev)
        if drawn is None or drawn[0] != base or now - drawn[2] > RANDOM_REACH_EVERY:
            jiffies = round(base * KERNEL_HZ)
            value = (self.ns.lab.rng.randrange(jiffies) + (jiffies >> 1)) * JIFFY \
                if jiffies else 0.0
            drawn = self._reach[dev] = (base, value, now)
        return drawn[1]

    def lookup(self, dev: NetDevice, ip: bytes) -> Neighbour | None:
        return self.entries.get((dev, ip))

    def in_order(self) -> list[Neighbour]:
        """`ip neigh` order: newest first, as the kernel's hash walk usually shows."""
        return list(reversed(self.entries.values()))

    def _create(self, dev: NetDevice, ip: bytes) -> Neighbour:
        """neigh_alloc() + arp_constructor(): NONE, used and updated now, confirmed twice
        the base reachable time ago."""
        now = self._now()
        n = Neighbour(dev, ip, updated=now, used=now,
                      confirmed=now - 2 * self.parms(dev).base_reachable)
        self.entries[(dev, ip)] = n
        return n

    # ------------------------------------------------------------- the timer
    def _add_timer(self, n: Neighbour, delay: float) -> None:
        """neigh_add_timer() / mod_timer(): one pending timer per entry."""
        if n.used < n.confirmed:
            n.used = n.confirmed
        self._mod_timer(n, delay)

    def _mod_timer(self, n: Neighbour, delay: float) -> None:
        n.timer_gen += 1
        gen = n.timer_gen
        n.timer_at = self._now() + max(delay, 0.0)
        self.ns.lab.call_later(max(delay, 0.0), self._timer, n, gen)

    def _del_timer(self, n: Neighbour) -> None:
        n.timer_gen += 1
        n.timer_at = None

    def _timer(self, n: Neighbour, gen: int) -> None:
        if gen == n.timer_gen and self.entries.get((n.dev, n.ip)) is n:
            n.timer_at = None
            self._timer_handler(n)

    def _timer_handler(self, n: Neighbour) -> None:
        """neigh_timer_handler()."""
        state = n.state
        if state not in IN_TIMER:
            return
        now = self._now()
        p = self.parms(n.dev)
        nxt = now + 1.0
        if state == REACHABLE:
            reach = self.reachable_time(n.dev, p.base_reachable)
            if now < n.confirmed + reach - 1e-9:
                nxt = n.confirmed + reach  # still alive
            elif now <= n.used + p.delay_probe + 1e-9:
                n.state, n.updated = DELAY, now
                nxt = now + p.delay_probe
            else:
                n.state, n.updated = STALE, now
        elif state == DELAY:
            if now <= n.confirmed + p.delay_probe + 1e-9:
                n.state, n.updated = REACHABLE, now
                nxt = n.confirmed + self.reachable_time(n.dev, p.base_reachable)
            else:
                n.state, n.updated, n.probes = PROBE, now, 0
                nxt = now + max(p.retrans, MIN_TIMER)
        else:  # PROBE or INCOMPLETE
            nxt = now + max(p.retrans, MIN_TIMER)
        if n.state in (INCOMPLETE, PROBE) and n.probes >= self._max_probes(n, p):
            self._invalidate(n)
            return
        if n.state in IN_TIMER:
            self._mod_timer(n, max(nxt, now + MIN_TIMER) - now)
        if n.state in (INCOMPLETE, PROBE):
            self._probe(n, p)

    @staticmethod
    def _max_probes(n: Neighbour, p: Parms) -> int:
        """neigh_max_probes()."""
        return p.ucast + p.app + (p.mcast_reprobes if n.state == PROBE else p.mcast)

    def _invalidate(self, n: Neighbour) -> None:
        """FAILED, then neigh_invalidate(): every queued packet is dropped, its sender told."""
        n.state = FAILED
        n.updated = self._now()
        self._trace(n, "drop", f"{n.dev.name}: no ARP reply from {ip_ntoa(n.ip)} after "
                    f"{n.probes} requests: FAILED", "neigh_invalidate")
        queued, n.queue, n.queued_bytes = list(n.queue), deque(), 0
        for packet, frame_id, _partial in queued:
            self.stack.drop(n.dev.name, frame_id, f"{ip_ntoa(n.ip)} unreachable: ARP failed",
                            "arp_error_report", packet, "arp_failed")
            self.stack.icmp.host_unreachable(packet, n.dev)

    def _probe(self, n: Neighbour, p: Parms) -> None:
        """neigh_probe(): arp_solicit() with the newest queued packet, then one more probe."""
        packet = n.queue[-1][0] if n.queue else None
        self._solicit(n, p, packet)
        n.probes += 1

    # ------------------------------------------------------------- output
    def resolve_output(self, dev: NetDevice, nexthop: bytes, packet: bytes, frame_id: int,
                       csum_partial: bool = False) -> None:
        """neigh_output(): send ``packet`` to ``nexthop`` once its MAC is known
        (``csum_partial``: its UDP checksum is CHECKSUM_PARTIAL, see PartialSkb)."""
        n = self.entries.get((dev, nexthop))
        if n is None:
            n = self._create(dev, nexthop)
        elif n.state in CONNECTED:  # the fast path: no look at the clock
            self.stack.send_frame(dev, n.lladdr, packet, frame_id, csum_partial)
            return
        if not self._event_send(n, packet, frame_id, csum_partial):
            self.stack.send_frame(dev, n.lladdr, packet, frame_id, csum_partial)

    def _event_send(self, n: Neighbour, packet: bytes | None, frame_id: int,
                    csum_partial: bool = False) -> bool:
        """neigh_event_send(): True when the packet was queued or dropped, not sent."""
        now = self._now()
        n.used = now
        state = n.state
        if state in CONNECTED or state in (DELAY, PROBE):
            return False
        p = self.parms(n.dev)
        immediate = False
        if state not in (STALE, INCOMPLETE):  # NONE or FAILED: ask
            if p.mcast + p.app:
                n.probes = p.ucast
                n.state, n.updated = INCOMPLETE, now
                self._add_timer(n, max(p.retrans, MIN_TIMER))
                immediate = True
                self._trace(n, "resolve", f"{n.dev.name}: who has {ip_ntoa(n.ip)}? packet "
                            "waits while ARP asks (INCOMPLETE)", "neigh_resolve_output",
                            frame_id)
            else:
                n.state, n.updated = FAILED, now
                if packet is not None:
                    self.stack.drop(n.dev.name, frame_id, f"{ip_ntoa(n.ip)}: mcast_solicit "
                                    "and app_solicit are 0: FAILED at once",
                                    "__neigh_event_send", packet, "arp_failed")
                return True
        elif state == STALE:
            n.state, n.updated = DELAY, now
            self._trace(n, "resolve", f"{ip_ntoa(n.ip)} is STALE: send anyway, confirm "
                        f"within {p.delay_probe:g} s (DELAY)", "neigh_event_send", frame_id)
            self._del_timer(n)
            self._add_timer(n, p.delay_probe)
        if n.state == INCOMPLETE:
            if packet is not None:
                # the oldest go while the queue's truesize would pass unres_qlen_bytes
                # (the newest packet is queued even when alone it is too big)
                size = truesize(len(packet))
                while n.queue and n.queued_bytes + size > p.qlen_bytes:
                    dropped = n.queue.popleft()
                    n.queued_bytes -= truesize(len(dropped[0]))
                    self.stack.drop(n.dev.name, dropped[1], "neighbour queue full",
                                    "__neigh_event_send", cause="neigh_queue_full")
                n.queue.append((packet, frame_id, csum_partial))
                n.queued_bytes += size
            if immediate:
                self._probe(n, p)
            return True
        return False

    def confirm(self, dev: NetDevice, ip: bytes) -> None:
        """neigh_confirm(): an upper layer vouches that ``ip`` answered lately (MSG_CONFIRM)."""
        n = self.entries.get((dev, ip))
        if n is not None:
            n.confirmed = self._now()

    def _solicit(self, n: Neighbour, p: Parms, packet: bytes | None) -> None:
        """arp_solicit(): from the queued packet's source if it is ours (arp_announce 0);
        unicast to the known address for the first ``ucast_solicit`` probes, then
        application probes (nothing on the wire), then broadcast."""
        dev = n.dev
        src_ip = None
        if packet is not None and self.stack.is_local_address(packet[12:16]):
            src_ip = packet[12:16]
        if src_ip is None:
            src_ip = self.stack.select_source(dev, n.ip) or bytes(4)
        probes = n.probes - p.ucast
        if probes < 0:
            dst = n.lladdr or BROADCAST_MAC
        elif probes - p.app < 0:
            return  # neigh_app_ns(): a netlink message for a user-space daemon
        else:
            dst = BROADCAST_MAC
        self.send_arp(dev, arp_pkt.ARPOP_REQUEST, dst, src_ip, ZERO_MAC, n.ip,
                      why=f"who has {ip_ntoa(n.ip)}? tell {ip_ntoa(src_ip)} "
                      f"(try {n.probes + 1})", func="arp_solicit")

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
    def update(self, n: Neighbour, lladdr: bytes | None, new: str, flags: int = 0) -> bool:
        """__neigh_update(): a new address and/or state; packets waiting for an address
        go out. False when refused (a PERMANENT or NOARP entry without ADMIN; no
        address for a valid state)."""
        old = n.state
        now = self._now()
        if not flags & ADMIN and old in (NOARP, PERMANENT):
            return False
        if new not in VALID:
            self._del_timer(n)
            n.state = new
            if old in (INCOMPLETE, PROBE) and new == FAILED:
                self._invalidate(n)
            return True
        if n.dev.link_type == "none":
            lladdr = n.lladdr
        elif lladdr is None:
            if old not in VALID:
                return False
            lladdr = n.lladdr
        if new in CONNECTED:
            n.confirmed = now
        if old in VALID:
            if lladdr != n.lladdr and not flags & OVERRIDE:
                return True
            if lladdr == n.lladdr and new == STALE and not flags & ADMIN:
                new = old
        # the kernel compares pointers: a new address unless the entry was valid with
        # the same one (a FAILED entry keeps its old bytes, and they do not count)
        changed_addr = lladdr != n.lladdr or (old not in VALID and n.dev.link_type != "none")
        if new != old or changed_addr:
            n.updated = now
        if new != old:
            self._del_timer(n)
            if new == PROBE:
                n.probes = 0
            n.state = new
            if new in IN_TIMER:
                self._add_timer(n, self.reachable_time(n.dev) if new == REACHABLE else 0.0)
        if changed_addr:
            n.lladdr = lladdr
            if new not in CONNECTED:
                n.confirmed = now - 2 * self.parms(n.dev).base_reachable
        if new == old or old in VALID:
            return True
        queued, n.queue, n.queued_bytes = list(n.queue), deque(), 0
        for packet, frame_id, partial in queued:  # neigh->output() for each: they go now
            if n.state in CONNECTED or not self._event_send(n, None, frame_id):
                self.stack.send_frame(n.dev, n.lladdr, packet, frame_id, partial)
        return True

    def event_ns(self, dev: NetDevice, ip: bytes, lladdr: bytes) -> Neighbour:
        """neigh_event_ns(): someone asked us: remember them as STALE (override)."""
        n = self.entries.get((dev, ip)) or self._create(dev, ip)
        self.update(n, lladdr, STALE, OVERRIDE)
        return n

    def add_permanent(self, dev: NetDevice, ip: bytes, lladdr: bytes | None,
                      state: str = PERMANENT) -> Neighbour:
        """neigh_add(): the entry (made if need be) takes ``state`` and ``lladdr`` through
        neigh_update() with ADMIN and OVERRIDE, as ``ip neigh replace`` asks."""
        n = self.entries.get((dev, ip)) or self._create(dev, ip)
        self.update(n, lladdr, state, OVERRIDE | ADMIN)
        return n

    def delete(self, n: Neighbour) -> None:
        self.entries.pop((n.dev, n.ip), None)
        self._del_timer(n)

    def flush_dev(self, dev: NetDevice | None, keep_permanent: bool = True) -> int:
        """`ip neigh flush` / NETDEV_DOWN: forget entries (permanent ones stay when asked)."""
        doomed = [n for n in self.entries.values()
                  if (dev is None or n.dev is dev)
                  and not (keep_permanent and n.state in (PERMANENT, NOARP))]
        for n in doomed:
            self.delete(n)
        return len(doomed)

    def _netdev_event(self, event: str, dev: NetDevice) -> None:
        """arp_netdev_event(NETDEV_CHANGE): a carrier lost is neigh_carrier_down()."""
        if event == "change" and not dev.carrier:
            self.flush_dev(dev, keep_permanent=True)
        elif event == "unregister":
            self._reach.pop(dev, None)

    def display_state(self, n: Neighbour) -> str:
        """The state as `ip neigh` shows it: the timer keeps it current."""
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
            state = STALE  # broadcast replies and requests do not assert reachability
        override = self._now() > n.updated + self.parms(dev).locktime + 1e-9
        ns.trace.hop(ns.name, dev.name, "arp", "deliver", skb.frame_id,
                     f"{dev.name}: {ip_ntoa(sip)} is-at {mac_ntoa(sha)} -> {state}",
                     "arp_process", skb.data)
        self.update(n, sha, state, OVERRIDE if override else 0)
