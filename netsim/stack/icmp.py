"""ICMP in the host (net/ipv4/icmp.c, and ip_error() of net/ipv4/route.c).

:class:`IcmpLayer` answers echo requests (``icmp_echo``: same id, sequence and data, the
request's TOS), hands errors to the socket whose packet caused them (``icmp_unreach``)
and sends errors (``icmp_send``) the way Linux 6.18 does:

* never about an ICMP error, a fragment other than the first, a packet sent to a
  broadcast or multicast address or in a link-layer broadcast frame, or one from
  0.0.0.0 or a multicast source;
* from the address the packet was sent to when it was for us, else from the address of
  the route back to the sender (``icmp_errors_use_inbound_ifaddr=0``);
* with TOS ``(tos & 0x1e) | 0xc0`` (IPTOS_PREC_INTERNETCONTROL), TTL 64, no DF;
* quoting as much of the packet as fits in 576 bytes (the route back's MTU if smaller):
  at most 548 bytes after the 20-byte IP and the 8-byte ICMP header;
* rate limited per destination (``inet_peer_xrlim_allow``): the types in
  ``net.ipv4.icmp_ratemask`` (6168: destination unreachable -- but not "fragmentation
  needed" --, source quench, time exceeded, parameter problem) cost
  ``net.ipv4.icmp_ratelimit`` (1000 ms) from a bucket of six times that, full for a
  sender not heard of before; errors that go out through lo are not limited.

A router that cannot route a packet (``ip_error``: no route, an ``unreachable`` or
``prohibit`` route; a ``blackhole`` says nothing) first takes one second from the same
sender's bucket (burst five seconds, ``ip_rt_error_cost``/``ip_rt_error_burst``), then
icmp_send's limit applies too: a ping through such a router sees two errors in a row,
then one every two seconds.

Left out: the global limit (``icmp_msgs_per_sec``/``icmp_msgs_burst``, which spends a
random 0-2 credits a message and only bites beyond ~25 errors in 50 ms), IP options in
the error, redirects, timestamps, address masks.
"""

from __future__ import annotations

import contextlib
import struct
from typing import TYPE_CHECKING

from netsim.engine.units import KERNEL_HZ
from netsim.packets import icmp
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import ip_ntoa
from netsim.stack.route import NoRoute
from netsim.stack.skb import PACKET_HOST

if TYPE_CHECKING:
    from netsim.stack.ipv4 import IPv4Stack
    from netsim.stack.netdevice import NetDevice
    from netsim.stack.skb import Skb

NR_ICMP_TYPES = 18
_ERROR_TYPES = frozenset({3, 4, 5, 11, 12})  # icmp_pointers[type].error
FRAG_NEEDED = 4
PKT_FILTERED = 13  # ICMP_PKT_FILTERED: what a prohibit route (EACCES) answers
IPTOS_TOS_MASK = 0x1E
IPTOS_PREC_INTERNETCONTROL = 0xC0
ICMP_ROOM = 576  # "return as much as we can without exceeding 576 bytes"
XRLIM_BURST_FACTOR = 6
RT_ERROR_COST = KERNEL_HZ  # ip_rt_error_cost, in jiffies
RT_ERROR_BURST = 5 * KERNEL_HZ  # ip_rt_error_burst
# ip_error(): the code for each reason a forwarded packet has no route (None: none at all)
_IP_ERROR_CODES = {None: icmp.NET_UNREACH, "unreachable": icmp.HOST_UNREACH,
                   "prohibit": PKT_FILTERED, "throw": icmp.NET_UNREACH}


class Peer:
    """What a namespace's inet_peer keeps of one remote address for ICMP: the token
    bucket of icmp_send() and ip_error(), in jiffies (``rate_tokens``, ``rate_last``)."""

    __slots__ = ("tokens", "last")

    def __init__(self, now: int) -> None:
        self.tokens = 0
        self.last = now - 60 * KERNEL_HZ  # "chosen enough high" that the bucket starts full


# icmp_err_convert[]'s entries marked fatal, by DEST_UNREACH code: (errno, text). A
# connected UDP socket without IP_RECVERR hears of these only (port and protocol
# unreachable, unknown net or host, isolated, the prohibited ones, precedence)
_HARD_UDP_ERRORS = {2: (92, "Protocol not available"), 3: (111, "Connection refused"),
                    6: (101, "Network is unreachable"), 7: (112, "Host is down"),
                    8: (64, "Machine is not on the network"),
                    9: (101, "Network is unreachable"), 10: (113, "No route to host"),
                    13: (113, "No route to host"), 14: (113, "No route to host"),
                    15: (113, "No route to host")}


class IcmpLayer:
    """icmp_rcv(), icmp_echo() and icmp_send()."""

    def __init__(self, stack: IPv4Stack) -> None:
        self.stack = stack
        self.ns = stack.ns
        self.peers: dict[bytes, Peer] = {}  # inet_peer base: remote address -> its bucket

    def rcv(self, skb: Skb, ip: ip_pkt.IPv4, packet: bytes) -> None:
        stack = self.stack
        try:
            msg = icmp.parse(ip.payload)
        except ValueError as err:
            stack.drop(skb.dev.name, skb.frame_id, f"bad ICMP: {err}", "icmp_rcv", packet,
                       "bad_icmp")
            return
        if msg.type == icmp.ECHO_REQUEST:
            self.echo(skb, ip, msg)
        elif msg.type == icmp.ECHO_REPLY:
            sock = stack.ping_sockets.get(msg.ident)
            if sock is None:
                stack.drop(skb.dev.name, skb.frame_id, f"echo reply id {msg.ident}: no ping "
                           "socket waits for it", "ping_rcv", packet, "no_ping_socket")
                return
            self.ns.trace.hop(self.ns.name, skb.dev.name, "icmp", "deliver", skb.frame_id,
                              f"echo reply id {msg.ident} seq {msg.seq}: to the ping socket",
                              "ping_rcv", packet, l3=True)
            sock.reply(ip, msg)
        elif msg.type in (icmp.DEST_UNREACH, icmp.TIME_EXCEEDED):
            self._error_to_socket(skb, ip, msg, packet)
        else:
            stack.drop(skb.dev.name, skb.frame_id, f"ICMP type {msg.type} ignored", "icmp_rcv",
                       packet, "icmp_type_ignored")

    def _error_to_socket(self, skb: Skb, ip: ip_pkt.IPv4, msg: icmp.Icmp, packet: bytes) -> None:
        """icmp_unreach(): tell the socket whose packet caused the error."""
        inner = msg.data
        if len(inner) >= 28 and inner[9] == ip_pkt.IPPROTO_ICMP:
            ident = struct.unpack_from("!H", inner, 24)[0]
            seq = struct.unpack_from("!H", inner, 26)[0]
            sock = self.stack.ping_sockets.get(ident)
            if sock is not None:
                self.ns.trace.hop(self.ns.name, skb.dev.name, "icmp", "deliver", skb.frame_id,
                                  f"ICMP error from {ip_ntoa(ip.src)} about our echo seq {seq}",
                                  "icmp_unreach", packet, l3=True)
                sock.error(ip.src, msg, seq)
                return
        if len(inner) >= 20 and inner[9] == ip_pkt.IPPROTO_UDP and self._udp_err(skb, msg,
                                                                                  packet):
            return
        if len(inner) >= 28 and inner[9] == ip_pkt.IPPROTO_TCP and self.stack.tcp.err(
                inner, msg.type, msg.code, skb.frame_id):
            return
        self.stack.drop(skb.dev.name, skb.frame_id, "ICMP error for no local socket",
                        "icmp_unreach", packet, "icmp_error_unclaimed")

    def _udp_err(self, skb: Skb, msg: icmp.Icmp, packet: bytes) -> bool:
        """__udp4_lib_err(): a *connected* UDP socket learns of a hard error.

        Without IP_RECVERR the kernel reports only hard errors (icmp_err_convert's
        "fatal" ones: port or protocol unreachable, the prohibited ones...) and only to a
        socket connected to the quoted destination: its next recv() fails with that
        error (ECONNREFUSED for a closed port). Anything else is dropped here, silently
        for the application.
        """
        inner = msg.data
        ihl = (inner[0] & 0x0F) * 4
        if len(inner) < ihl + 4 or msg.type != icmp.DEST_UNREACH:
            return False
        sport, dport = struct.unpack_from("!HH", inner, ihl)
        sock = self.stack.udp_sockets.get(sport)
        errno_ = _HARD_UDP_ERRORS.get(msg.code)
        if sock is None or errno_ is None or sock.peer != (ip_ntoa(inner[16:20]), dport):
            return False
        self.ns.trace.hop(self.ns.name, skb.dev.name, "udp", "deliver", skb.frame_id,
                          f"ICMP destination unreachable (code {msg.code}) for our datagram "
                          f"to {ip_ntoa(inner[16:20])}:{dport}: the connected socket on port "
                          f"{sport} gets {errno_[1]}", "__udp4_lib_err", packet, l3=True)
        sock.set_error(errno_[0], errno_[1])
        return True

    def echo(self, skb: Skb, ip: ip_pkt.IPv4, msg: icmp.Icmp) -> None:
        """icmp_echo(): answer with the same id, sequence and data."""
        stack = self.stack
        if ip.dst[3] == 255 or ip.dst == b"\xff\xff\xff\xff" or stack.is_broadcast_for_us(ip.dst):
            stack.drop(skb.dev.name, skb.frame_id, "echo to a broadcast address ignored "
                       "(icmp_echo_ignore_broadcasts=1)", "icmp_rcv", cause="echo_broadcast")
            return
        reply = icmp.echo(msg.ident, msg.seq, msg.data, reply=True)
        frame_id = self.ns.new_frame_id()
        # Facts: reply_to (the request's frame id), peer (the address the reply goes to).
        self.ns.trace.hop(self.ns.name, skb.dev.name, "icmp", "reply", frame_id,
                          f"echo request from {ip_ntoa(ip.src)} (frame #{skb.frame_id}): "
                          "replying", "icmp_echo",
                          facts={"reply_to": skb.frame_id, "peer": ip_ntoa(ip.src)})
        try:
            stack.output(ip.src, ip_pkt.IPPROTO_ICMP, reply, src=ip.dst, df=False,
                         frame_id=frame_id, func="icmp_reply", tos=ip.tos)
        except NoRoute:
            stack.drop(skb.dev.name, frame_id, f"no route back to {ip_ntoa(ip.src)}",
                       "icmp_reply", cause="no_route_back")

    # ------------------------------------------------------------- sending errors
    def _jiffies(self) -> int:
        return int(self.ns.env.now * KERNEL_HZ + 1e-9)

    def peer(self, addr: bytes) -> Peer:
        """inet_getpeer_v4(): the bucket of ``addr``, made full on first use."""
        peer = self.peers.get(addr)
        if peer is None:
            peer = self.peers[addr] = Peer(self._jiffies())
        return peer

    def _sysctl_int(self, key: str, default: int) -> int:
        try:
            return int(self.ns.sysctl.get(key, str(default)))
        except ValueError:
            return default

    def _ratelimit_applies(self, type_: int, code: int) -> bool:
        """Not icmpv4_mask_allow(): is this type limited by net.ipv4.icmp_ratemask?"""
        if type_ > NR_ICMP_TYPES or (type_ == icmp.DEST_UNREACH and code == FRAG_NEEDED):
            return False
        return bool((1 << type_) & self._sysctl_int("net.ipv4.icmp_ratemask", 6168))

    def _xrlim_allow(self, dst: bytes) -> bool:
        """inet_peer_xrlim_allow(): one icmp_ratelimit's worth from the bucket of ``dst``
        (six of them at most). With icmp_ratelimit 0 every error passes -- and empties
        the bucket, which ip_error() shares."""
        ms = self._sysctl_int("net.ipv4.icmp_ratelimit", 1000)
        timeout = -(-ms * KERNEL_HZ // 1000) if ms > 0 else 0  # msecs_to_jiffies()
        peer = self.peer(dst)
        now = self._jiffies()
        token = peer.tokens
        delta = now - peer.last
        if delta:
            peer.last = now
            token = min(token + delta, XRLIM_BURST_FACTOR * timeout)
        allowed = token >= timeout
        if allowed:
            token -= timeout
        peer.tokens = token
        return allowed

    def ip_error(self, packet: bytes, route_type: str | None, dev: NetDevice) -> None:
        """ip_error(): a forwarded packet with no way on. A blackhole says nothing; else
        one second from the sender's bucket (five at most), then icmp_send()."""
        code = _IP_ERROR_CODES.get(route_type)
        if code is None:
            return
        peer = self.peer(packet[12:16])
        now = self._jiffies()
        peer.tokens = min(peer.tokens + now - peer.last, RT_ERROR_BURST)
        peer.last = now
        if peer.tokens < RT_ERROR_COST:
            self._limited(packet, dev, "ip_error")
            return
        peer.tokens -= RT_ERROR_COST
        self.send_error(packet, icmp.DEST_UNREACH, code, dev)

    def _limited(self, packet: bytes, dev: NetDevice, func: str) -> None:
        self.stack.drop(dev.name, 0, f"ICMP error to {ip_ntoa(packet[12:16])} not sent: "
                        "rate limited", func, packet, "icmp_ratelimit")

    def send_error(self, packet: bytes, type_: int, code: int, dev: NetDevice,
                   pkttype: int = PACKET_HOST) -> None:
        """icmp_send(): an error back to the sender of ``packet`` (the module docstring
        says when there is none, what it quotes and how it is limited). ``dev`` is the
        device the packet came in by; ``pkttype`` how its frame was addressed."""
        stack = self.stack
        src, dst = packet[12:16], packet[16:20]
        if pkttype != PACKET_HOST or dst[0] & 0xF0 == 0xE0 or stack.is_broadcast_for_us(dst):
            return
        if (packet[6] & 0x1F) or packet[7]:  # not the first fragment
            return
        ihl = (packet[0] & 0xF) * 4
        if type_ in _ERROR_TYPES and packet[9] == ip_pkt.IPPROTO_ICMP:
            if len(packet) <= ihl:
                return
            inner = packet[ihl]
            if inner > NR_ICMP_TYPES or inner in _ERROR_TYPES:
                return  # never an error about an error
        if src == bytes(4) or src[0] & 0xF0 == 0xE0:
            return
        try:
            route = stack.route_output(src)
        except NoRoute:
            return  # no way back: the error is not sent
        out_dev = route[0]
        if not out_dev.flag_loopback and self._ratelimit_applies(type_, code) and \
                not self._xrlim_allow(src):
            self._limited(packet, dev, "icmpv4_xrlim_allow")
            return
        room = min(out_dev.mtu, ICMP_ROOM) - 28
        if room <= 20:
            return
        message = icmp.build(type_, code, bytes(4), packet[:room])
        tos = (packet[1] & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL
        # About a packet for us: from the address it was sent to. About one we were
        # forwarding: no source yet (icmp_errors_use_inbound_ifaddr=0), so the route
        # back to the sender picks it -- not the device where the packet failed.
        own = dst if stack.is_local_address(dst) else None
        with contextlib.suppress(NoRoute):
            stack.output(src, ip_pkt.IPPROTO_ICMP, message, src=own, df=False,
                         func="icmp_send", tos=tos)

    def host_unreachable(self, packet: bytes, dev: NetDevice) -> None:
        """ARP failed for a queued packet: tell its sender (or our socket) 'host unreachable'.

        A source of our own that no socket of ours claims is a forwarded packet our
        MASQUERADE rewrote: the error goes out to that address, and conntrack's
        un-SNAT at OUTPUT turns it towards the real sender (as icmp_send() to a local
        address does in Linux).
        """
        src = packet[12:16]
        if self.stack.is_local_address(src) and self._local_error(
                packet, icmp.DEST_UNREACH, icmp.HOST_UNREACH, dev):
            return
        self.send_error(packet, icmp.DEST_UNREACH, icmp.HOST_UNREACH, dev)

    def _local_error(self, packet: bytes, type_: int, code: int, dev: NetDevice) -> bool:
        """The error is for one of our own sockets: deliver it without a wire.
        False when no socket of ours sent the packet."""
        if packet[9] == ip_pkt.IPPROTO_TCP:  # our SYN's next hop never answered ARP
            return self.stack.tcp.err(packet, type_, code, 0)
        if packet[9] != ip_pkt.IPPROTO_ICMP:
            return packet[9] == ip_pkt.IPPROTO_UDP and (
                (packet[(packet[0] & 0xF) * 4] << 8) | packet[(packet[0] & 0xF) * 4 + 1]
            ) in self.stack.udp_sockets
        ihl = (packet[0] & 0xF) * 4
        ident, seq = struct.unpack_from("!HH", packet, ihl + 4)
        sock = self.stack.ping_sockets.get(ident)
        if sock is None:
            return False
        msg = icmp.Icmp(type_, code, 0, 0, packet[: ihl + 8])
        sock.error(self.stack.select_source(dev, packet[16:20]) or packet[12:16], msg, seq)
        return True

