"""The host sockets slirp holds for its guest (socket.c's ``struct socket``).

Each guest conversation is one ordinary socket of the qemu process on the host:

* a UDP socket per guest (address, port) -- the kernel picks its port (32768-60999);
* for each echo request, an ICMP socket: ``socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)``
  if ``net.ipv4.ping_group_range`` lets qemu's group open one; if not (EACCES) a raw
  ICMP socket, which root may open (CAP_NET_RAW); if neither, a UDP socket that sends
  libslirp's pseudo-ping text to port 7 (echo) of the target;
* one UDP socket per ``hostfwd=udp:`` rule, bound to its host port.

Sockets nobody uses expire: 240 s after the last datagram (SO_EXPIRE), 10 s after a
DNS answer (SO_EXPIREFAST). hostfwd sockets never expire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa

if TYPE_CHECKING:
    from netsim.qemu.slirp.stack import Slirp
    from netsim.stack.namespace import NetNamespace

SO_EXPIRE = 240.0
SO_EXPIREFAST = 10.0
PING_GROUP_RANGE = "net.ipv4.ping_group_range"
PING_GROUP_DEFAULT = "1\t0"


@dataclass(eq=False)
class SlirpSocket:
    """One of slirp's sockets: the guest's end (l) and the far end as the guest sees it (f)."""

    kind: str                   # "udp", "icmp" (ping socket), "icmp-raw", "udp-echo"
    laddr: bytes
    lport: int
    faddr: bytes
    fport: int
    sock: object                # the host socket (UdpSocket, PingSocket, RawIcmpSocket)
    so_m: bytes | None = None   # the guest's packet, kept to reflect or to quote in errors
    expire: float | None = None  # None: never (hostfwd)
    hostfwd: bool = False
    closed: bool = False
    extra: dict = field(default_factory=dict)

    def describe(self) -> str:
        port = getattr(self.sock, "port", None)
        ident = getattr(self.sock, "ident", None)
        if port is not None:
            return f"UDP socket on port {port}"
        return f"ICMP socket (id {ident})" if self.kind == "icmp" else "raw ICMP socket"


class SocketTable:
    """slirp's socket lists (``udb``, ``icmp``) with their expiry timers."""

    def __init__(self, slirp: Slirp) -> None:
        self.slirp = slirp
        self.all: list[SlirpSocket] = []

    def lookup_udp(self, laddr: bytes, lport: int) -> SlirpSocket | None:
        """solookup(): the UDP socket for this guest address and port (hostfwd ones too)."""
        return next((so for so in self.all if so.kind == "udp" and so.laddr == laddr
                     and so.lport == lport), None)

    def insert(self, so: SlirpSocket) -> SlirpSocket:
        self.all.append(so)
        return so

    def touch(self, so: SlirpSocket, lifetime: float = SO_EXPIRE) -> None:
        """The socket was used: it lives ``lifetime`` more seconds (not hostfwd ones)."""
        if so.hostfwd:
            return
        lab = self.slirp.lab
        so.expire = lab.now + lifetime
        lab.call_later(lifetime, self._check_expiry, so)

    def _check_expiry(self, so: SlirpSocket) -> None:
        if so.closed or so.expire is None or self.slirp.lab.now < so.expire - 1e-9:
            return
        self.slirp.trace("info", 0, f"{so.describe()} for the guest's "
                         f"{ip_ntoa(so.laddr)}:{so.lport} unused for "
                         f"{SO_EXPIREFAST if so.fport == 53 else SO_EXPIRE:g} s: slirp "
                         "closes it", "slirp_pollfds_poll")
        self.detach(so)

    def detach(self, so: SlirpSocket) -> None:
        """udp_detach() / icmp_detach(): close the host socket, forget it."""
        if so.closed:
            return
        so.closed = True
        close = getattr(so.sock, "close", None)
        if close is not None:
            close()
        if so in self.all:
            self.all.remove(so)

    def close_all(self) -> None:
        for so in list(self.all):
            self.detach(so)


# ----------------------------------------------------------------- who may ping
def ping_socket_allowed(ns: NetNamespace, gid: int) -> bool:
    """ping_init_sock(): is ``gid`` within ``net.ipv4.ping_group_range``?"""
    text = ns.sysctl.get(PING_GROUP_RANGE, PING_GROUP_DEFAULT)
    try:
        low, high = (int(v) for v in text.split())
    except ValueError:
        return False
    return low <= gid <= high


class RawIcmpSocket:
    """``socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)``: sends the guest's ICMP message as is.

    A raw socket receives a copy of every ICMP message the host gets. netsim's ICMP
    receive path finds sockets by echo identifier, so this socket listens on the
    guest's own identifier -- the one its echo requests and their replies carry.
    Raw sockets of one host sharing an identifier all get each reply, as raw
    sockets do.
    """

    def __init__(self, ns: NetNamespace, ident: int, on_reply, on_error) -> None:
        self.ns = ns
        self.ident = ident
        self.on_reply = on_reply
        self.on_error = on_error
        group = _raw_listeners(ns).setdefault(ident, _RawGroup(ns, ident))
        group.members.append(self)

    def sendto(self, dst: bytes, message: bytes, frame_id: int) -> None:
        """raw_sendmsg(): the kernel adds an IP header to the ICMP message, nothing more."""
        from netsim.packets import ipv4 as ip_pkt

        self.ns.ipv4.output(dst, ip_pkt.IPPROTO_ICMP, message, df=False, frame_id=frame_id,
                            func="raw_sendmsg")

    def close(self) -> None:
        groups = _raw_listeners(self.ns)
        group = groups.get(self.ident)
        if group is not None and self in group.members:
            group.members.remove(self)
            if not group.members:
                group.close()
                del groups[self.ident]


class _RawGroup:
    """Stands in the host's ping-socket table for the raw sockets of one identifier."""

    def __init__(self, ns: NetNamespace, ident: int) -> None:
        self.ns = ns
        self.ident = ident
        self.members: list[RawIcmpSocket] = []
        self.registered = ident not in ns.ipv4.ping_sockets  # never take a real socket's id
        if self.registered:
            ns.ipv4.ping_sockets[ident] = self

    def reply(self, ip, msg) -> None:
        for member in list(self.members):
            member.on_reply(ip, msg)

    def error(self, src, msg, seq) -> None:
        for member in list(self.members):
            member.on_error(src, msg, seq)

    def close(self) -> None:
        if self.registered and self.ns.ipv4.ping_sockets.get(self.ident) is self:
            del self.ns.ipv4.ping_sockets[self.ident]




def _raw_listeners(ns: NetNamespace) -> dict[int, _RawGroup]:
    return ns.generic.setdefault("slirp_raw_sockets", {})
