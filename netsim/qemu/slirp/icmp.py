"""slirp's ICMP (ip_icmp.c): the guest's pings become the host's sockets.

* Echo to slirp's own addresses (10.0.2.2, 10.0.2.3): slirp answers itself
  (``icmp_reflect``) -- the host's kernel is never asked.
* Echo to anything else (``icmp_send``): slirp opens a socket on the host and sends
  the ICMP message from it, so the echo leaves with the host's address and its
  routing. With a ping socket (SOCK_DGRAM) the kernel writes *its own* identifier
  into the echo (1, 2, 3... one socket per request); when the reply comes back
  (``icmp_receive``) slirp puts the guest's identifier back and reflects it to the
  guest with TTL 255. Not allowed a ping socket (``net.ipv4.ping_group_range``),
  slirp tries a raw socket (root only), and at last sends a UDP datagram with its
  "pseudo-PING" text to port 7 of the target: any answer counts as the echo reply.
* Errors slirp raises itself (``icmp_send_error``): from 10.0.2.2, quoting the
  guest's packet -- "network unreachable" when the host cannot send, "time
  exceeded" when the guest's TTL runs out at slirp.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from netsim.packets import icmp as icmp_pkt
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import MalformedPacket, ip_ntoa
from netsim.packets.checksum import internet_checksum
from netsim.qemu.slirp.sockets import (
    RawIcmpSocket,
    SlirpSocket,
    ping_socket_allowed,
)
from netsim.stack.ipv4 import NoRoute
from netsim.stack.sockets import PingSocket, UdpSocket

if TYPE_CHECKING:
    from netsim.qemu.slirp.stack import Slirp

ECHO_REPLY = icmp_pkt.ECHO_REPLY
ECHO_REQUEST = icmp_pkt.ECHO_REQUEST
DEST_UNREACH = icmp_pkt.DEST_UNREACH
TIME_EXCEEDED = icmp_pkt.TIME_EXCEEDED
MAXTTL = 255
ICMP_MAXDATALEN = 576 - 28       # IP_MSS - 28: how much of the bad packet an error quotes
ECHO_PORT = 7
PSEUDO_PING = (b"This is a pseudo-PING packet used by Slirp to emulate ICMP ECHO-REQUEST "
               b"packets.\n")
# ICMP types slirp never answers with an error (icmp_flush): errors about errors
_NO_ERROR_ABOUT = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12}


def icmp_input(slirp: Slirp, packet: bytes, ip: ip_pkt.IPv4, frame_id: int) -> None:
    """An ICMP message from the guest: only echo requests do anything."""
    try:
        msg = icmp_pkt.parse(ip.payload)
    except MalformedPacket as err:
        slirp.trace("drop", frame_id, f"bad ICMP: {err}", "icmp_input", packet, True)
        return
    if msg.type != ECHO_REQUEST:
        slirp.trace("drop", frame_id, f"ICMP type {msg.type} from the guest: slirp ignores "
                    "it", "icmp_input", packet, True)
        return
    vnet = slirp.vnet
    if ip.dst in (vnet.host, vnet.dns):
        slirp.trace("rx", frame_id, f"echo request to {ip_ntoa(ip.dst)}, one of slirp's own "
                    "addresses: slirp answers it itself", "icmp_input", packet, True)
        icmp_reflect(slirp, packet, ip.payload, f"echo reply from slirp (frame #{frame_id})")
        return
    if vnet.restricted:
        slirp.trace("drop", frame_id, "restrict=on: the guest may talk to slirp only",
                    "icmp_input", packet, True)
        return
    slirp.trace("rx", frame_id, f"echo request {ip_ntoa(ip.src)} -> {ip_ntoa(ip.dst)} id "
                f"{msg.ident} seq {msg.seq}: slirp will send it from a socket on the host",
                "icmp_input", packet, True)
    icmp_send(slirp, packet, ip, msg, frame_id)


def icmp_send(slirp: Slirp, packet: bytes, ip: ip_pkt.IPv4, msg: icmp_pkt.Icmp,
              frame_id: int) -> None:
    """Open a socket for this echo request and send it from the host."""
    ns = slirp.ns
    proc = slirp.proc
    gid = process_gid(slirp)
    so = SlirpSocket("icmp", ip.src, msg.ident, ip.dst, 0, None, so_m=packet)

    def on_reply(reply_ip: ip_pkt.IPv4, reply: icmp_pkt.Icmp) -> None:
        slirp.later(icmp_receive, slirp, so, reply_ip, reply)

    def on_error(src: bytes, err: icmp_pkt.Icmp, _seq: int) -> None:
        slirp.later(_icmp_error_ignored, slirp, so, src, err)

    out_id = slirp.new_frame_id()
    if ping_socket_allowed(ns, gid):
        sock = PingSocket.autobind(ns, on_reply, on_error)
        so.sock = sock
        slirp.sockets.insert(so)
        slirp.trace("send", out_id, f"the guest's echo to {ip_ntoa(ip.dst)} (frame "
                    f"#{frame_id}) becomes an ICMP socket send from the host: "
                    f"socket(SOCK_DGRAM, IPPROTO_ICMP) (gid {gid} is in "
                    "net.ipv4.ping_group_range); the kernel gives it id "
                    f"{sock.ident} (the guest used {msg.ident})", "icmp_send", packet, True)
        try:
            sock.send_echo(ip.dst, msg.seq, msg.data, frame_id=out_id)
        except NoRoute:
            _send_failed(slirp, so, frame_id)
            return
    elif proc.user == "root":
        raw = RawIcmpSocket(ns, msg.ident, on_reply, on_error)
        so.sock, so.kind = raw, "icmp-raw"
        slirp.sockets.insert(so)
        slirp.trace("send", out_id, f"the guest's echo to {ip_ntoa(ip.dst)} (frame "
                    f"#{frame_id}) becomes a raw ICMP socket send from the host: gid {gid} "
                    "is not in net.ipv4.ping_group_range (EACCES), but qemu runs as root "
                    f"(CAP_NET_RAW); the echo keeps the guest's id {msg.ident}", "icmp_send",
                    packet, True)
        try:
            raw.sendto(ip.dst, ip.payload, out_id)
        except NoRoute:
            _send_failed(slirp, so, frame_id)
            return
    else:
        _udp_echo(slirp, so, packet, ip, frame_id, out_id, gid)
        return
    slirp.sockets.touch(so)


def _udp_echo(slirp: Slirp, so: SlirpSocket, packet: bytes, ip: ip_pkt.IPv4, frame_id: int,
              out_id: int, gid: int) -> None:
    """No ICMP socket at all: a UDP datagram to the target's echo port (7)."""
    from netsim.qemu.slirp.udp import sotranslate_out

    sock = UdpSocket.autobind(slirp.ns)
    so.sock, so.kind, so.fport = sock, "udp-echo", ECHO_PORT
    slirp.sockets.insert(so)
    target = sotranslate_out(slirp, ip.dst, ECHO_PORT)
    if target is None:
        _send_failed(slirp, so, frame_id)
        return
    if ip.ttl - 1 <= 0:
        icmp_send_error(slirp, packet, TIME_EXCEEDED, 0, frame_id)
        slirp.sockets.detach(so)
        return
    sock.ttl = ip.ttl - 1
    sock.on_receive = lambda data, addr: slirp.later(_echo_answered, slirp, so, addr)
    slirp.trace("send", out_id, f"the guest's echo to {ip_ntoa(ip.dst)} (frame #{frame_id}):"
                f" qemu may open no ICMP socket (gid {gid} is not in "
                "net.ipv4.ping_group_range, and it is not root), so slirp sends its "
                f"pseudo-PING text by UDP to {ip_ntoa(target)}:7 (echo) from port "
                f"{sock.port}", "icmp_send", packet, True)
    try:
        sock.sendto(PSEUDO_PING, (ip_ntoa(target), ECHO_PORT), frame_id=out_id)
    except NoRoute:
        _send_failed(slirp, so, frame_id)
        return
    slirp.sockets.touch(so)


def _echo_answered(slirp: Slirp, so: SlirpSocket, addr: tuple[str, int]) -> None:
    """sorecvfrom() on the pseudo-ping socket: any answer means "the target is alive"."""
    if so.closed or slirp.closed or so.so_m is None:
        return
    ip = ip_pkt.parse(so.so_m)
    icmp_reflect(slirp, so.so_m, ip.payload,
                 f"{addr[0]}:{addr[1]} answered the pseudo-ping on UDP port 7: slirp "
                 "reflects the guest's own echo request back as the reply",
                 func="sorecvfrom")
    slirp.sockets.detach(so)


def icmp_receive(slirp: Slirp, so: SlirpSocket, reply_ip: ip_pkt.IPv4,
                 reply: icmp_pkt.Icmp) -> None:
    """The host's ICMP socket has the reply: restore the guest's id, reflect it."""
    if so.closed or slirp.closed or so.so_m is None:
        return
    if reply.type != ECHO_REPLY:
        return
    message = icmp_pkt.echo(so.lport, reply.seq, reply.data, reply=True)
    kernel_id = getattr(so.sock, "ident", so.lport)
    restored = (f"; slirp puts the guest's id {so.lport} back in place of the kernel's "
                f"{kernel_id}" if kernel_id != so.lport else "")
    icmp_reflect(slirp, so.so_m, message,
                 f"the echo reply from {ip_ntoa(reply_ip.src)} arrived on the host's "
                 f"{so.describe()}{restored}", func="icmp_receive")
    slirp.sockets.detach(so)


def _icmp_error_ignored(slirp: Slirp, so: SlirpSocket, src: bytes, err: icmp_pkt.Icmp) -> None:
    """An ICMP error about the echo reached the host's socket: the guest never hears it."""
    if so.closed:
        return
    if so.kind == "icmp":
        why = ("the kernel keeps it from an unconnected ping socket without IP_RECVERR "
               "(ping_err)")
    else:
        why = "slirp's raw socket would read it as an odd echo reply, which the guest ignores"
    slirp.trace("drop", 0, f"ICMP type {err.type} code {err.code} from {ip_ntoa(src)} about "
                f"the guest's echo: {why}; the guest's ping sees no answer", "icmp_receive")


def _send_failed(slirp: Slirp, so: SlirpSocket, frame_id: int) -> None:
    """sendto() failed (no route, or an address slirp refuses): tell the guest."""
    if so.so_m is not None:
        icmp_send_error(slirp, so.so_m, DEST_UNREACH, icmp_pkt.NET_UNREACH, frame_id)
    slirp.sockets.detach(so)


def icmp_reflect(slirp: Slirp, request: bytes, message: bytes, reason: str,
                 func: str = "icmp_reflect") -> None:
    """Send ``message`` back to the guest as an echo reply in the request's IP header.

    The source and destination of ``request`` swap, the TTL is 255 (MAXTTL) -- which is
    why ping in a user-mode guest prints ``ttl=255`` whatever the distance.
    """
    ip = ip_pkt.parse(request)
    reply = bytearray(message)
    reply[0] = ECHO_REPLY
    reply[2:4] = b"\0\0"
    reply[2:4] = struct.pack("!H", internet_checksum(bytes(reply)))
    slirp.ip_output(ip.dst, ip.src, ip_pkt.IPPROTO_ICMP, bytes(reply), slirp.new_frame_id(),
                    ttl=MAXTTL, tos=ip.tos, df=ip.df, action="reply", func=func,
                    reason=reason + f"; to the guest as {ip_ntoa(ip.dst)} -> "
                    f"{ip_ntoa(ip.src)}, TTL {MAXTTL}")


def icmp_send_error(slirp: Slirp, packet: bytes, type_: int, code: int, frame_id: int,
                    src: bytes | None = None) -> None:
    """icmp_send_error(): an ICMP error to the guest about its ``packet``, from 10.0.2.2."""
    ip = ip_pkt.parse(packet)
    if int.from_bytes(ip.src, "big") & 0x0FFFFFFF == 0:
        return  # never to a "this network" source such as 0.0.0.0
    if ip.proto == ip_pkt.IPPROTO_ICMP and len(ip.payload) > 0 and \
            (ip.payload[0] > 18 or ip.payload[0] in _NO_ERROR_ABOUT):
        return  # never an error about an error
    quoted = packet[:min(ip.total_len, ICMP_MAXDATALEN)]
    message = icmp_pkt.build(type_, code, bytes(4), quoted)
    source = src or slirp.vnet.host
    what = icmp_pkt.TYPE_NAMES.get(type_, f"type {type_}")
    slirp.ip_output(source, ip.src, ip_pkt.IPPROTO_ICMP, message, slirp.new_frame_id(),
                    ttl=MAXTTL, tos=(ip.tos & 0x1E) | 0xC0, df=ip.df, action="reply",
                    func="icmp_send_error",
                    reason=f"slirp reports ICMP {what} (code {code}) about the guest's "
                    f"packet (frame #{frame_id}), from {ip_ntoa(source)}")


def process_gid(slirp: Slirp) -> int:
    """The qemu process's group: 0 for root, else the user's group in /etc/passwd."""
    user = slirp.proc.user
    if user == "root":
        return 0
    fs = slirp.host.fs
    if fs.exists("/etc/passwd"):
        for line in fs.read("/etc/passwd").splitlines():
            fields = line.split(":")
            if len(fields) > 3 and fields[0] == user and fields[3].isdigit():
                return int(fields[3])
    return 65534  # nogroup
