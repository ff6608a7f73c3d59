"""The host's IPv4 stack (net/ipv4/ip_input.c, ip_output.c, ip_forward.c, icmp.c).

Receive: :meth:`IPv4Stack.rcv` (``ip_rcv``) checks the header, then the routing
decision: *local* -> ``ip_local_deliver`` to ICMP, UDP or TCP (:mod:`.tcp`); *elsewhere* ->
``ip_forward`` only if ``net.ipv4.ip_forward=1`` (TTL - 1), otherwise dropped.

Send: :meth:`IPv4Stack.output` picks a route (longest prefix match), a source
address, builds the header, and hands the packet to the neighbour layer, which
resolves the next hop's MAC with ARP.

Netfilter's hooks sit where the kernel's do: PREROUTING in ``ip_rcv`` before the
routing decision, INPUT in ``ip_local_deliver``, FORWARD in ``ip_forward`` after the
TTL decrement, OUTPUT and POSTROUTING in ``output`` (see :mod:`netsim.stack.netfilter`);
each costs one ``ns.netfilter is None`` test while no iptables table exists.

Every drop is recorded in the trace with its reason. Left out: fragmentation and
reassembly, IP options, multicast routing, ICMP redirects, rp_filter, policy routing.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from netsim.engine.trace import Step
from netsim.packets import ethernet, icmp
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import IP_TEXTS, ip_ntoa
from netsim.packets.checksum import finish_l4_checksum, pseudo_header_sum
from netsim.stack.icmp import IcmpLayer
from netsim.stack.neighbour import CONNECTED, NeighbourTable
from netsim.stack.route import (  # noqa: F401 (NoRoute: imported from here too)
    REJECT_ROUTE_ERRORS,
    IfAddr,
    NoRoute,
    Route,
    RoutingTable,
    prefix_mask,
    to_bytes,
    to_int,
)
from netsim.stack.skb import PACKET_OTHERHOST, PartialSkb, Skb
from netsim.stack.tcp import TcpLayer

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice


_ETH_P_IP_BYTES = ethernet.ETH_P_IP.to_bytes(2, "big")
_UDP_PORTS_LENGTH = struct.Struct("!HHH")
_LOOPBACK_HEADER = bytes(12) + _ETH_P_IP_BYTES






# The steps of the per-frame path, worded when the trace is read (see netsim.engine.trace).
class _PacketStep(Step):
    """A step whose record shows an IPv4 packet. To keep one copy of each frame version,
    the row may hold the frame that carries the packet and ``b``, where the packet
    starts in it (the record's data is that slice, cut when read): on the receive path
    the frame as received, on the send path the frame send_frame made (see
    Trace.rebase_last). ``b`` is None when the row holds the packet itself (one that
    netfilter rewrote, or one never put in a frame)."""

    __slots__ = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sliced = True

    def records(self, time, host, dev, frame_id, data, a, b):
        if b is not None:
            data = data[b:b + (data[b + 2] << 8 | data[b + 3])]
        return Step.records(self, time, host, dev, frame_id, data, a, None)


_IP_RX = _PacketStep("ip", "rx", "ip_rcv", lambda host, dev, data, a, b:
                       f"IPv4 {ip_ntoa(data[12:16])} -> {ip_ntoa(data[16:20])} arrives on "
                       f"{dev}", l3=True)
_IP_DELIVER = _PacketStep("ip", "deliver", "ip_local_deliver", lambda host, dev, data, a, b:
                            f"{ip_ntoa(data[16:20])} is this host's address: delivered "
                            "locally", l3=True)
# a = the destination port. Facts: port.
_UDP_DELIVER = _PacketStep("udp", "deliver", "udp_queue_rcv_skb",
                             lambda host, dev, data, a, b: f"UDP port {a}: queued on the socket",
                             l3=True, facts=lambda host, dev, data, a, b: {"port": a})


class _Together(_PacketStep):
    """Consecutive steps of one packet at one instant on one device, in one row."""

    __slots__ = ("parts",)

    def __init__(self, *parts: _PacketStep) -> None:
        last = parts[-1]
        super().__init__(last.layer, last.action, last.func, last.text, l3=True,
                         facts=last.facts)
        self.parts = parts
        self.width = len(parts)

    def records(self, time, host, dev, frame_id, data, a, b):
        return [r for part in self.parts
                for r in part.records(time, host, dev, frame_id, data, a, b)]


_IP_DELIVERED = _Together(_IP_RX, _IP_DELIVER)  # ip_rcv, then ip_local_deliver
_UDP_ARRIVAL = _Together(_IP_RX, _IP_DELIVER, _UDP_DELIVER)  # ... then udp_queue_rcv_skb


def _partial_after_nat(packet: bytes) -> bytes:
    """A CHECKSUM_PARTIAL datagram's field after NAT: the pseudo-header sum of the
    addresses it now carries (nf_nat's l4 manip updates only the pseudo-header part,
    and a port change leaves it alone). Unchanged when nothing was rewritten."""
    ihl = (packet[0] & 0x0F) * 4
    if packet[9] != 17 or len(packet) < ihl + 8:
        return packet
    length = int.from_bytes(packet[ihl + 4:ihl + 6], "big")
    check = pseudo_header_sum(packet[12:16], packet[16:20], 17, length).to_bytes(2, "big")
    if packet[ihl + 6:ihl + 8] == check:
        return packet
    return packet[:ihl + 6] + check + packet[ihl + 8:]


def _packet_at(skb: Skb) -> int:
    """Where the IPv4 packet starts in ``skb.data``: after Ethernet's 14 bytes, or at 0
    on a device without a link layer (tun)."""
    return 0 if skb.dev.link_type == "none" else 14


_ROUTE_STEPS: dict[str, Step] = {}


def _route_text(host: str, dev: str, data: bytes, a: bytes | None, b) -> str:
    via = f" via {ip_ntoa(a)}" if a is not None else ""
    return f"route to {ip_ntoa(data[16:20])}: out of {dev}{via}"


def _route_facts(host: str, dev: str, data: bytes, a: bytes | None, b) -> dict:
    return {"route": f"{ip_ntoa(data[16:20])} dev {dev}" + (f" via {ip_ntoa(a)}" if a else ""),
            "dev": dev, "via": ip_ntoa(a) if a is not None else None}


def _route_step(func: str) -> Step:
    """The routing decision of a locally made packet (row: a = the gateway, or None;
    the packet, or -- once send_frame put it in a frame -- the frame and b = 14).

    One step per sending function (``udp_sendmsg``, ``ip_queue_xmit``...). Facts:
    route (``"DST dev DEV [via GW]"``), dev, via.
    """
    step = _ROUTE_STEPS.get(func)
    if step is None:
        step = _ROUTE_STEPS[func] = _PacketStep("ip", "route", func, _route_text, l3=True,
                                         facts=_route_facts)
    return step

class NfDropped(OSError):
    """EPERM: netfilter dropped a locally made packet (nf_hook_slow's NF_DROP)."""


class IPv4Stack:
    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns
        self.addresses: list[IfAddr] = []
        self._local: set[bytes] = set()  # every address of every device: the local table
        self._broadcasts: set[bytes] = {b"\xff\xff\xff\xff"}  # and its broadcast routes
        self.main = RoutingTable()
        # The kernel caches route lookups (the dst cache); so do we, keyed by destination,
        # and forgotten whenever the table, an address or a device changes.
        self._route_cache: dict[tuple, tuple] = {}
        self._route_cache_version = -1
        self._rng = ns.lab.rng
        self._frame_ids = ns.lab.frame_ids
        self.arp = NeighbourTable(self)
        self.icmp = IcmpLayer(self)
        self.default_ttl = 64  # net.ipv4.ip_default_ttl (the sysctl table keeps it here)
        self.udp_sockets: dict[int, object] = {}
        self.ping_sockets: dict[int, object] = {}
        self.tcp = TcpLayer(self)
        ns.notifiers.append(self._netdev_event)

    # ------------------------------------------------------------- helpers
    @property
    def forwarding(self) -> bool:
        value = self.ns.sysctl.get("net.ipv4.ip_forward", "0").strip()
        return value.lstrip("-").isdigit() and int(value) != 0  # any non-zero value enables

    def drop(self, dev: str, frame_id: int, reason: str, func: str,
             data: bytes | None = None, cause: str | None = None) -> None:
        """A packet dropped by the IP layer. Facts: cause (when the caller names one):
        ``ip_forward_off``, ``ttl_expired``, ``no_route`` (forwarding); ``no_route_back``,
        ``echo_broadcast``, ``bad_icmp``, ``no_ping_socket``, ``icmp_type_ignored``,
        ``icmp_error_unclaimed``, ``icmp_ratelimit`` (ICMP); ``neigh_queue_full``, ``arp_failed``
        (neighbours); ``bad_tcp``, ``no_tcp_socket`` (TCP)."""
        self.ns.trace.hop(self.ns.name, dev, "ip", "drop", frame_id, reason, func, data, l3=True,
                          facts=None if cause is None else {"cause": cause})

    def is_local_address(self, addr: bytes) -> bool:
        """inet_addr_type() == RTN_LOCAL: any address of any device of this host."""
        if addr[0] == 127:
            return self.ns.lo.admin_up
        return addr in self._local

    def is_broadcast_for_us(self, addr: bytes) -> bool:
        """A broadcast route of the local table: 255.255.255.255 or a subnet's broadcast."""
        return addr in self._broadcasts

    def _addresses_changed(self) -> None:
        """Rebuild the local table's sets after addresses came or went."""
        self._local = {a.local for a in self.addresses}
        broadcasts = {b"\xff\xff\xff\xff"}
        for a in self.addresses:
            if a.broadcast:
                broadcasts.add(a.broadcast)
            if a.prefixlen < 31 and not a.dev.flag_loopback:
                broadcasts.add(to_bytes(a.network | (~prefix_mask(a.prefixlen) & 0xFFFFFFFF)))
        self._broadcasts = broadcasts
        self._route_cache.clear()

    def addresses_of(self, dev: NetDevice) -> list[IfAddr]:
        return [a for a in self.addresses if a.dev is dev]

    def select_source(self, dev: NetDevice, dst: bytes) -> bytes | None:
        """inet_select_addr(): ``dev``'s address on the same subnet, else its first, else any."""
        target = to_int(dst)
        own = self.addresses_of(dev)
        for a in own:
            if (target & prefix_mask(a.prefixlen)) == a.network:
                return a.local
        if own:
            return own[0].local
        for a in self.addresses:
            if a.scope == "global":
                return a.local
        return None

    # ------------------------------------------------------------- addresses
    def add_address(self, ifa: IfAddr) -> None:
        """inet_insert_ifa() then, if the device is up, fib_add_ifaddr()."""
        self.addresses.append(ifa)
        self._addresses_changed()
        if ifa.dev.admin_up:
            self._add_connected(ifa)

    def del_address(self, ifa: IfAddr) -> None:
        self.addresses.remove(ifa)
        self._addresses_changed()
        self._del_connected(ifa)
        if not self.addresses_of(ifa.dev):
            # fib_inetaddr_event(): the device's last address went, so fib_disable_ip():
            # every route through it and every neighbour on it (permanent too) go
            for r in [r for r in self.main.routes if r.dev is ifa.dev]:
                self.main.remove(r)
            self.arp.flush_dev(ifa.dev, keep_permanent=False)

    def _add_connected(self, ifa: IfAddr) -> None:
        if ifa.prefixlen == 32 or ifa.dev.flag_loopback:
            return
        if self.main.find_same(ifa.network, ifa.prefixlen, 0) is not None:
            existing = self.main.find_same(ifa.network, ifa.prefixlen, 0)
            if existing.dev is ifa.dev:
                return
        self.main.add(Route(ifa.network, ifa.prefixlen, ifa.dev, protocol="kernel",
                            scope="link", prefsrc=ifa.local))

    def _del_connected(self, ifa: IfAddr) -> None:
        for r in list(self.main.routes):
            if (r.dev is ifa.dev and r.protocol == "kernel" and r.dst == ifa.network
                    and r.prefixlen == ifa.prefixlen and r.prefsrc == ifa.local):
                self.main.remove(r)

    def _netdev_event(self, event: str, dev: NetDevice) -> None:
        """fib_netdev_event / arp_netdev_event: routes and neighbours follow devices."""
        self._route_cache.clear()
        if event == "up":
            if dev.flag_loopback and not self.addresses_of(dev):
                # inetdev_event(NETDEV_UP) on loopback: 127.0.0.1/8 appears by itself
                self.addresses.insert(0, IfAddr(dev, b"\x7f\x00\x00\x01", 8,
                                                scope="host", label=dev.name))
                self._addresses_changed()
            for ifa in self.addresses_of(dev):
                self._add_connected(ifa)
        elif event in ("down", "unregister"):
            for r in [r for r in self.main.routes if r.dev is dev]:
                self.main.remove(r)
            self.arp.flush_dev(dev, keep_permanent=event == "down")
            if event == "unregister":
                self.addresses = [a for a in self.addresses if a.dev is not dev]
                self._addresses_changed()
        elif event == "changeaddr":
            self.arp.flush_dev(dev)

    # ------------------------------------------------------------- routing
    def route_output(self, dst: bytes, oif: NetDevice | None = None,
                     ) -> tuple[NetDevice, bytes, bytes | None]:
        """ip_route_output(): (device, next hop, preferred source) or NoRoute."""
        cache = self._route_cache
        if self._route_cache_version != self.main.version:
            cache.clear()
            self._route_cache_version = self.main.version
        key = (dst, oif)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = self._route_output_slow(dst, oif)
        return hit

    def _route_output_slow(self, dst: bytes, oif: NetDevice | None,
                           ) -> tuple[NetDevice, bytes, bytes | None]:
        if self.is_local_address(dst):
            return self.ns.lo, dst, dst
        if dst == b"\xff\xff\xff\xff" and oif is not None:
            return oif, dst, None
        route = self.main.lookup(to_int(dst), oif)
        if route is None or route.type != "unicast":
            raise NoRoute(*REJECT_ROUTE_ERRORS.get(
                route and route.type, (101, "Network is unreachable")))
        nexthop = route.gateway or dst
        return route.dev, nexthop, route.prefsrc

    # ------------------------------------------------------------- output
    def new_ident(self) -> int:
        """The IP id of a new packet (the kernel hashes; we draw from the seeded RNG)."""
        return self._rng.getrandbits(16)

    def output(self, dst: bytes, proto: int, payload: bytes, *, src: bytes | None = None,
               ttl: int | None = None, df: bool = True, oif: NetDevice | None = None,
               frame_id: int | None = None, func: str = "ip_queue_xmit",
               route: tuple | None = None, confirm: bool = False,
               ident: int | None = None, tos: int = 0, eperm: bool = False,
               csum_partial: bool = False, data: bytes = b"") -> int:
        """ip_local_out(): route, build the header, resolve the next hop, transmit.

        ``route`` is a result of :meth:`route_output` the caller already has (UDP looks
        the route up first to pick the source address for its checksum). ``confirm`` is
        sendmsg's MSG_CONFIRM: the sender knows the next hop answered lately. ``ident``
        is the IP id when the caller keeps its own (a TCP socket counts up; a RST has 0);
        ``tos`` the header's TOS byte (ICMP sets it); ``ttl`` None is
        net.ipv4.ip_default_ttl. Returns the frame id. Raises
        :class:`NoRoute` when nothing routes ``dst``, and with ``eperm`` (a sendmsg that
        reports it) :class:`NfDropped` when netfilter drops the packet at OUTPUT or
        POSTROUTING. ``csum_partial``: the payload's UDP checksum is CHECKSUM_PARTIAL (see
        netsim.stack.skb.PartialSkb); NAT keeps it so. ``data`` follows ``payload`` (a
        transport header) in the packet: given apart, it is copied once.
        """
        dev, nexthop, prefsrc = route or self.route_output(dst, oif)
        if confirm:
            self.arp.confirm(dev, nexthop)
        if src is None:
            src = prefsrc or self.select_source(dev, nexthop) or bytes(4)
        if ident is None:
            ident = self._rng.getrandbits(16)
        if ttl is None:
            ttl = self.default_ttl
        if frame_id is None:
            frame_id = next(self._frame_ids)
        nf = self.ns.netfilter
        if (nf is None and not csum_partial and not dev.flag_loopback
                and dev.link_type != "none" and nexthop not in self._broadcasts):
            n = self.arp.entries.get((dev, nexthop))
            if n is not None and n.state in CONNECTED:
                self._output_to_neighbour(dev, n.lladdr, nexthop, dst, frame_id, func,
                                          ip_pkt.build(src, dst, proto, payload, ident, ttl,
                                                       df, tos, data, n.lladdr + dev.mac
                                                       + _ETH_P_IP_BYTES))
                return frame_id
        packet = ip_pkt.build(src, dst, proto, payload, ident, ttl, df, tos, data)
        if nf is not None:  # NF_INET_LOCAL_OUT; a DNAT there means routing again
            out = nf.local_out(dev, packet, frame_id)
            if out is None:
                if eperm:
                    raise NfDropped(1, "Operation not permitted")
                return frame_id
            if out[16:20] != dst:  # ip_route_me_harder()
                dst = out[16:20]
                dev, nexthop, _ = self.route_output(dst, oif)
            packet = out
        trace = self.ns.trace
        if trace.enabled:
            ns = self.ns
            trace.add((ns.env._now, _ROUTE_STEPS.get(func) or _route_step(func), ns.name,
                       dev.name, frame_id, packet,
                       nexthop if nexthop != dst else None, None))
        if nf is not None:  # NF_INET_POST_ROUTING
            packet = nf.post_routing(None, dev, nexthop, packet, frame_id)
            if packet is None:
                if eperm:
                    raise NfDropped(1, "Operation not permitted")
                return frame_id
        if csum_partial:
            self.neigh_output(dev, nexthop, _partial_after_nat(packet), frame_id, True)
        else:
            self.neigh_output(dev, nexthop, packet, frame_id)
        return frame_id

    def _output_to_neighbour(self, dev: NetDevice, lladdr: bytes, nexthop: bytes,
                             dst: bytes, frame_id: int, func: str, frame: bytes) -> None:
        """The common way out, written out: no netfilter, a full checksum and a neighbour
        whose MAC is known, so :meth:`output` built the packet straight into its frame
        (dev_hard_header's 14 bytes in front: the data copied once) and neither
        neigh_output nor send_frame has anything to decide. The route's trace row holds
        the frame, as send_frame's rebase would have left it."""
        ns = self.ns
        trace = ns.trace
        if trace.enabled:
            trace.add((ns.env._now, _ROUTE_STEPS.get(func) or _route_step(func), ns.name,
                       dev.name, frame_id, frame, nexthop if nexthop != dst else None, 14))
        dev.queue_xmit(Skb(frame, frame_id, dev))

    def neigh_output(self, dev: NetDevice, nexthop: bytes, packet: bytes, frame_id: int,
                     csum_partial: bool = False) -> None:
        """ip_finish_output2(): no ARP on loopback, NOARP and tun devices."""
        if dev.flag_loopback or dev.link_type == "none":
            self.send_frame(dev, None, packet, frame_id, csum_partial)
        elif nexthop in self._broadcasts:
            self.send_frame(dev, b"\xff" * 6, packet, frame_id, csum_partial)
        else:
            # neigh_resolve_output()'s fast path, written out: a neighbour whose MAC is
            # known and fresh needs no look at the clock (NeighbourTable.resolve_output)
            n = self.arp.entries.get((dev, nexthop))
            if n is not None and n.state in CONNECTED:
                self.send_frame(dev, n.lladdr, packet, frame_id, csum_partial)
            else:
                self.arp.resolve_output(dev, nexthop, packet, frame_id, csum_partial)

    def send_frame(self, dev: NetDevice, lladdr: bytes | None, packet: bytes,
                   frame_id: int, csum_partial: bool = False) -> None:
        """dev_hard_header() + dev_queue_xmit().

        A CHECKSUM_PARTIAL packet (``csum_partial``) stays so on a device that offloads
        checksums; on one that does not, validate_xmit_skb() finishes it first, before
        any capture sees the frame. (Where it must happen is decided here and in the
        bridge's egress, the only ways a partial frame reaches a device, so that the
        common transmit path asks nothing.)"""
        make = Skb
        if csum_partial:
            if dev.tx_csum_offload:
                make = PartialSkb
            else:
                packet = finish_l4_checksum(packet)
        if dev.link_type == "none":
            dev.queue_xmit(make(packet, frame_id, dev))
            return
        if lladdr is None:  # loopback: no link-layer addresses
            frame = _LOOPBACK_HEADER + packet
        else:
            frame = lladdr + dev.mac + _ETH_P_IP_BYTES + packet
        trace = self.ns.trace
        if trace.enabled:  # the route record can read its packet out of the frame
            trace.rebase_last(packet, frame, 14)
        dev.queue_xmit(make(frame, frame_id, dev))

    # ------------------------------------------------------------- receive
    def rcv(self, skb: Skb, packet: bytes, at: int = 0) -> None:
        """ip_rcv(): sanity checks, then ip_rcv_finish's routing decision.

        The packet starts ``at`` bytes into ``packet``: a device hands over its whole
        frame with ``at=14``, so the common path -- a datagram for a local socket --
        reads the packet where it lies and copies only the payload out, as Linux only
        moves its skb's data pointer past the headers."""
        dev = skb.dev
        if skb.pkttype == PACKET_OTHERHOST:
            self.drop(dev.name, skb.frame_id,
                      f"{dev.name}: frame was for another MAC (PACKET_OTHERHOST): not ours",
                      "ip_rcv_core", packet[at:])
            return
        size = len(packet) - at
        if size < 20 or packet[at] >> 4 != 4 or packet[at] & 0x0F < 5:
            self.drop(dev.name, skb.frame_id, "bad IPv4 header: not version 4 or too short",
                      "ip_rcv_core")
            return
        ihl = (packet[at] & 0x0F) * 4
        total = (packet[at + 2] << 8) | packet[at + 3]
        if total < ihl or total > size:
            self.drop(dev.name, skb.frame_id, f"bad IPv4 header: total length {total} does "
                      f"not fit {size} bytes", "ip_rcv_core")
            return
        words = int.from_bytes(packet[at:at + ihl], "big")  # ip_fast_csum(), written out:
        if words % 0xFFFF or not words:  # the header's one's complement sum is 0xFFFF
            self.drop(dev.name, skb.frame_id, "bad IPv4 header checksum", "ip_rcv_core",
                      packet[at:])
            return
        end = at + total  # Ethernet padding after it is not the packet's
        trace = self.ns.trace
        nf = self.ns.netfilter
        # A UDP packet on a host without netfilter: ip_rcv's, ip_local_deliver's and
        # udp_rcv's records are one row, written by udp_rcv (or, if the packet stops
        # before, by _owed_rows at that point).
        owed = trace.enabled and nf is None and packet[at + 9] == ip_pkt.IPPROTO_UDP
        if trace.enabled and not owed:
            trace.step(_IP_RX, self.ns.name, dev.name, skb.frame_id, skb.data, None,
                       len(skb.data) - size)
        if nf is not None:  # NF_INET_PRE_ROUTING: before the routing decision (DNAT)
            packet = nf.pre_routing(dev, packet[at:end], skb.frame_id)
            if packet is None:
                return
            at, end = 0, len(packet)
        dst = packet[at + 16:at + 20]
        if dst in self._local or dst in self._broadcasts or (
                dst[0] == 127 and self.ns.lo.admin_up):
            if nf is None and packet[at + 9] == ip_pkt.IPPROTO_UDP:
                # local_deliver() has nothing to do for UDP without netfilter (its
                # trace row is owed to udp_rcv's): straight on, a call less per datagram
                self.udp_rcv(skb, packet, owed, at, end)
            else:
                self.local_deliver(skb, packet[at:end], owed)
            return
        packet = packet[at:end]
        if owed:
            self._owed_rows(skb, _IP_RX)
        if dst[0] & 0xF0 == 0xE0:
            self.drop(dev.name, skb.frame_id, "multicast: no listener", "ip_rcv_finish", packet)
            return
        self.forward(skb, packet)

    def local_deliver(self, skb: Skb, packet: bytes, owed: bool = False) -> None:
        """ip_local_deliver(): hand the payload to its protocol.

        ``owed``: the trace rows of ip_rcv and this step are still to be written (see
        :meth:`rcv`)."""
        nf = self.ns.netfilter
        if nf is not None:  # NF_INET_LOCAL_IN
            packet = nf.local_in(skb.dev, packet, skb.frame_id)
            if packet is None:
                return
        trace = self.ns.trace
        if trace.enabled and not owed:
            if nf is None:
                trace.step(_IP_DELIVER, self.ns.name, skb.dev.name, skb.frame_id, skb.data,
                           None, _packet_at(skb))
            else:
                trace.step(_IP_DELIVER, self.ns.name, skb.dev.name, skb.frame_id, packet)
        proto = packet[9]
        if proto == ip_pkt.IPPROTO_UDP:
            self.udp_rcv(skb, packet, owed, 0, len(packet))
        elif proto == ip_pkt.IPPROTO_TCP:
            self.tcp.rcv(skb, packet)
        elif proto == ip_pkt.IPPROTO_ICMP:
            self.icmp.rcv(skb, ip_pkt.parse(packet), packet)
        else:
            self.drop(skb.dev.name, skb.frame_id, f"no handler for IP protocol {proto}",
                      "ip_local_deliver_finish", packet)
            self.icmp.send_error(packet, icmp.DEST_UNREACH, 2, skb.dev, skb.pkttype)

    def forward(self, skb: Skb, packet: bytes) -> None:
        """ip_forward(): only with net.ipv4.ip_forward=1; TTL decremented."""
        dev = skb.dev
        src, dst, ttl = packet[12:16], packet[16:20], packet[8]
        if not self.forwarding:
            self.drop(dev.name, skb.frame_id,
                      f"{ip_ntoa(dst)} is not this host's and net.ipv4.ip_forward=0: "
                      "not forwarded", "ip_route_input_slow", packet, "ip_forward_off")
            return
        route = self.main.lookup(to_int(dst))
        if route is None or route.type != "unicast":  # ip_route_input_slow(), then ip_error()
            kind = "no route" if route is None else f"a {route.type} route"
            self.drop(dev.name, skb.frame_id, f"{kind} to {ip_ntoa(dst)}",
                      "ip_route_input_slow", packet, "no_route")
            self.icmp.ip_error(packet, None if route is None else route.type, dev)
            return
        if ttl <= 1:
            self.drop(dev.name, skb.frame_id, "TTL expired in transit", "ip_forward", packet,
                      "ttl_expired")
            self.icmp.send_error(packet, icmp.TIME_EXCEEDED, 0, dev)
            return
        out = ip_pkt.decrement_ttl(packet)
        nexthop = route.gateway or dst
        trace = self.ns.trace
        if trace.enabled:  # Facts: out (the device it leaves by), via (the gateway, or None)
            trace.hop(self.ns.name, dev.name, "ip", "forward", skb.frame_id,
                      f"forwarding {ip_ntoa(src)} -> {ip_ntoa(dst)} out of "
                      f"{route.dev.name} (TTL {ttl} -> {ttl - 1})", "ip_forward", out,
                      l3=True, facts={"out": route.dev.name, "via": None if route.gateway
                                      is None else ip_ntoa(route.gateway)})
        nf = self.ns.netfilter
        if nf is not None:  # NF_INET_FORWARD, then NF_INET_POST_ROUTING
            out = nf.forward(dev, route.dev, out, skb.frame_id)
            if out is None:
                return
            out = nf.post_routing(dev, route.dev, nexthop, out, skb.frame_id)
            if out is None:
                return
        if skb.csum_partial:  # forwarded as it came: still for hardware to finish
            self.neigh_output(route.dev, nexthop, _partial_after_nat(out), skb.frame_id, True)
        else:
            self.neigh_output(route.dev, nexthop, out, skb.frame_id)

    # ------------------------------------------------------------- UDP
    def _owed_rows(self, skb: Skb, step: Step) -> None:
        """Write the receive path's rows a packet owes when it stops before its socket."""
        self.ns.trace.step(step, self.ns.name, skb.dev.name, skb.frame_id, skb.data, None,
                           _packet_at(skb))

    def _udp_drop(self, skb: Skb, packet: bytes, owed: bool, reason: str, func: str) -> None:
        """A datagram udp_rcv refuses: the rows it owes first (see :meth:`rcv`)."""
        if owed:
            self._owed_rows(skb, _IP_DELIVERED)
        self.drop(skb.dev.name, skb.frame_id, reason, func, packet)

    def udp_rcv(self, skb: Skb, packet: bytes, owed: bool, at: int, end: int) -> None:
        """udp_rcv(): to the socket bound to the destination port, else port unreachable.

        The IPv4 packet is ``packet[at:end]`` (see :meth:`rcv`). ``owed``: ip_rcv's and
        ip_local_deliver's trace rows are still to be written: one row says all three
        when the datagram reaches its socket."""
        udp_at = at + (packet[at] & 0x0F) * 4
        if end - udp_at < 8:
            self._udp_drop(skb, packet[at:end], owed, "bad UDP: shorter than its header",
                           "udp_rcv")
            return
        sport, dport, length = _UDP_PORTS_LENGTH.unpack_from(packet, udp_at)
        if length < 8 or length > end - udp_at:
            self._udp_drop(skb, packet[at:end], owed, f"bad UDP: length {length} does not "
                           "fit", "udp_rcv")
            return
        sock = self.udp_sockets.get(dport)
        if sock is not None and sock.bound_dev is not None and sock.bound_dev is not skb.dev:
            sock = None  # SO_BINDTODEVICE: the socket only hears its own device
        if sock is None:
            packet = packet[at:end]
            self._udp_drop(skb, packet, owed, f"no socket on UDP port {dport}: port "
                           "unreachable", "__udp4_lib_rcv")
            if packet[16:20] not in self._broadcasts:
                self.icmp.send_error(packet, icmp.DEST_UNREACH, icmp.PORT_UNREACH, skb.dev,
                                     skb.pkttype)
            return
        trace = self.ns.trace
        if trace.enabled:
            if owed:
                ns = self.ns
                dev = skb.dev
                trace.add((ns.env._now, _UDP_ARRIVAL, ns.name, dev.name, skb.frame_id,
                           skb.data, dport, 0 if dev.link_type == "none" else 14))
            elif self.ns.netfilter is None:
                trace.step(_UDP_DELIVER, self.ns.name, skb.dev.name, skb.frame_id, skb.data,
                           dport, _packet_at(skb))
            else:
                trace.step(_UDP_DELIVER, self.ns.name, skb.dev.name, skb.frame_id,
                           packet[at:end], dport)
        # to the socket: its on_receive callback, else its queue for recv(); ip_ntoa's
        # cache asked first (a call less per datagram)
        src = packet[at + 12:at + 16]
        addr = (IP_TEXTS.get(src) or ip_ntoa(src), sport)
        if sock.on_receive is not None:
            sock.on_receive(packet[udp_at + 8:udp_at + length], addr)
        else:
            sock.queue.append((packet[udp_at + 8:udp_at + length], addr))
