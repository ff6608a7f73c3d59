"""Sockets: where the kernel hands data to a process and takes it back.

:class:`UdpSocket` is a datagram socket bound to a port; :class:`PingSocket` is
what iputils ``ping`` uses (an ICMP socket with an identifier). Both queue what
arrives and let a waiting application know.
"""

from __future__ import annotations

import errno
from collections import deque
from typing import TYPE_CHECKING

from netsim.packets import icmp, udp
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import PACKED_IPS, ip_aton

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace


class UdpSocket:
    """socket(AF_INET, SOCK_DGRAM) bound to ``port``."""

    def __init__(self, ns: NetNamespace, port: int) -> None:
        if port in ns.ipv4.udp_sockets:
            raise OSError(98, "Address already in use")
        self.ns = ns
        self.port = port
        self.queue: deque[tuple[bytes, tuple[str, int]]] = deque()
        self.on_receive = None  # optional callback(data, addr) for event-driven apps
        self.bound_dev = None   # SO_BINDTODEVICE: only datagrams arriving on this device
        self.ttl: int | None = None  # setsockopt(IP_TTL); None: the default, 64
        self.peer: tuple[str, int] | None = None  # connect(): the only peer it talks to
        self.pending_error: OSError | None = None  # sk_err: reported by the next recv()
        self.broadcast = False  # SO_BROADCAST: may it send to a broadcast address?
        self._error_waiter = None  # a recv() waiting to be woken by an error
        ns.ipv4.udp_sockets[port] = self

    @classmethod
    def autobind(cls, ns: NetNamespace) -> UdpSocket:
        """An unbound socket's first sendto(): the kernel picks a free ephemeral port.

        udp_lib_get_port(sk, 0) starts at a random port of
        ``net.ipv4.ip_local_port_range`` (32768-60999) and walks to a free one.
        """
        return cls(ns, ephemeral_port(ns))

    def sendto(self, data: bytes, addr: tuple[str, int], *, frame_id: int | None = None,
               ) -> int:
        """udp_sendmsg(): one datagram. Raises OSError as the kernel refuses one: EINVAL
        for port 0 given with the call (a socket connect()ed to port 0 sends there),
        ENETUNREACH (NoRoute) without a route, EACCES for a broadcast address unless
        SO_BROADCAST is set (``broadcast``).

        ``frame_id`` names the packet in the trace (default: a new id).
        """
        if not addr[1] and addr != self.peer:
            raise OSError(errno.EINVAL, "Invalid argument")
        dst = PACKED_IPS.get(addr[0]) or ip_aton(addr[0])
        stack = self.ns.ipv4
        route = stack.route_output(dst)
        # RTCF_BROADCAST (the set itself, not is_broadcast_for_us(): a call per datagram)
        if not self.broadcast and dst in stack._broadcasts:
            raise OSError(errno.EACCES, "Permission denied")
        dev, nexthop, prefsrc = route
        src = prefsrc or stack.select_source(dev, nexthop) or bytes(4)
        if type(data) is not bytes:
            data = bytes(data)
        if dev.tx_csum_offload:  # udp_send_skb(): CHECKSUM_PARTIAL, the device finishes it
            stack.output(dst, ip_pkt.IPPROTO_UDP,
                         udp.header_partial(src, dst, self.port, addr[1], data), data=data,
                         src=src, func="udp_sendmsg", route=route, ttl=self.ttl,
                         frame_id=frame_id, csum_partial=True)
            return len(data)
        # the header and the data apart: the data is copied once, into the packet
        stack.output(dst, ip_pkt.IPPROTO_UDP, udp.header(src, dst, self.port, addr[1], data),
                     data=data, src=src, func="udp_sendmsg", route=route, ttl=self.ttl,
                     frame_id=frame_id)
        return len(data)

    def connect(self, addr: tuple[str, int]) -> None:
        """connect() on a datagram socket: a default destination, and from now on the
        kernel reports hard ICMP errors about it (``Connection refused``)."""
        self.peer = (addr[0], addr[1])

    def set_error(self, errno_: int, text: str) -> None:
        """sk_err set by an ICMP error (__udp4_lib_err); wakes a waiting application."""
        self.pending_error = OSError(errno_, text)
        waiter = self._error_waiter
        if waiter is not None and not waiter.triggered:
            waiter.succeed()

    def take_error(self) -> OSError | None:
        """What the next recv() reports instead of data (and clears: sock_error())."""
        error, self.pending_error = self.pending_error, None
        return error

    def recv(self, timeout: float = 0.0,
             until_error: bool = False) -> list[tuple[bytes, tuple[str, int]]]:
        """Every datagram that arrived within ``timeout`` simulated seconds (time advances).
        ``until_error``: the wait ends early when an ICMP error sets sk_err (a poll()
        wakes for it, and the read that follows fails)."""
        if timeout > 0 and until_error and self.pending_error is None:
            env = self.ns.env
            self._error_waiter = env.event()
            try:
                self.ns.lab.run_until(env.any_of([env.timeout(timeout), self._error_waiter]))
            finally:
                self._error_waiter = None
        elif timeout > 0:
            self.ns.lab.run(timeout)
        out = list(self.queue)
        self.queue.clear()
        return out

    def close(self) -> None:
        self.ns.ipv4.udp_sockets.pop(self.port, None)


class PingSocket:
    """An ICMP echo socket with one identifier (iputils ping's socket)."""

    def __init__(self, ns: NetNamespace, ident: int, on_reply, on_error) -> None:
        self.ns = ns
        self.ident = ident
        self.on_reply = on_reply
        self.on_error = on_error
        ns.ipv4.ping_sockets[ident] = self

    @classmethod
    def autobind(cls, ns: NetNamespace, on_reply, on_error) -> PingSocket:
        """socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) without bind(): the kernel's ident.

        ping_get_port(sk, 0) takes the identifier after the last one it gave out
        (``ping_port_rover``, from 1 upwards, skipping 0 and those in use): each new
        socket gets the next number, whatever id the application wanted.
        """
        table = ns.ipv4.ping_sockets
        ident = ns.generic.get("ping_rover", 0)
        for _ in range(1 << 16):
            ident = (ident + 1) & 0xFFFF or 1
            if ident not in table:
                break
        else:
            raise OSError(98, "Address already in use")
        ns.generic["ping_rover"] = ident
        return cls(ns, ident, on_reply, on_error)

    def send_echo(self, dst: bytes, seq: int, data: bytes, oif=None, confirm: bool = False,
                  frame_id: int | None = None) -> int:
        message = icmp.echo(self.ident, seq, data)
        return self.ns.ipv4.output(dst, ip_pkt.IPPROTO_ICMP, message, oif=oif, df=True,
                                   func="ping_v4_sendmsg", confirm=confirm, frame_id=frame_id,
                                   eperm=True)

    def reply(self, ip: ip_pkt.IPv4, msg: icmp.Icmp) -> None:
        self.on_reply(ip, msg)

    def error(self, src: bytes, msg: icmp.Icmp, seq: int) -> None:
        self.on_error(src, msg, seq)

    def close(self) -> None:
        self.ns.ipv4.ping_sockets.pop(self.ident, None)


PORT_RANGE_KEY = "net.ipv4.ip_local_port_range"
PORT_RANGE_DEFAULT = "32768\t60999"


def ephemeral_port(ns: NetNamespace) -> int:
    """A free UDP port of ``net.ipv4.ip_local_port_range``, from a random start."""
    low, high = (int(v) for v in ns.sysctl.get(PORT_RANGE_KEY, PORT_RANGE_DEFAULT).split())
    span = high - low + 1
    start = ns.lab.rng.randrange(span)
    for i in range(span):
        port = low + (start + i) % span
        if port not in ns.ipv4.udp_sockets:
            return port
    raise OSError(98, "Address already in use")
