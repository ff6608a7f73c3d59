"""slirp's UDP (udp.c, socket.c): each guest port becomes a UDP socket of qemu on the host.

Guest -> world (``udp_input`` -> ``sosendto``): the first datagram from a guest
(address, port) makes slirp open a UDP socket on the host (the kernel picks the
port); every datagram from that guest port is ``sendto()``'d from it, with the
guest's TTL minus one, to where the guest sent it -- except slirp's own addresses
(``sotranslate_out``): 10.0.2.2 (and 255.255.255.255) mean the host itself, so they
go to 127.0.0.1; 10.0.2.3 port 53 goes to the first ``nameserver`` of the host's
/etc/resolv.conf. The outside sees the host's address and the socket's port.

World -> guest (``sorecvfrom`` -> ``udp_output``): whatever arrives on that socket is
wrapped in a UDP/IP packet for the guest's address and port, from the sender's
address (``sotranslate_in``: 127.0.0.1 shows as 10.0.2.2, the DNS server as 10.0.2.3).

``hostfwd=udp:[hostaddr]:hostport-[guestaddr]:guestport`` binds a host port at
start-up; datagrams arriving there go to the guest's port, and the guest's answers
from that port leave through the same socket.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from netsim.packets import ipv4 as ip_pkt
from netsim.packets import udp as udp_pkt
from netsim.packets.addr import MalformedPacket, ip_aton, ip_ntoa
from netsim.qemu.slirp import bootp, icmp
from netsim.qemu.slirp.net import BROADCAST, LOOPBACK
from netsim.qemu.slirp.sockets import SO_EXPIRE, SO_EXPIREFAST, SlirpSocket
from netsim.stack.ipv4 import NoRoute
from netsim.stack.sockets import UdpSocket

if TYPE_CHECKING:
    from netsim.qemu.config import HostFwd
    from netsim.qemu.slirp.stack import Slirp

TFTP_PORT = 69
DNS_PORT = 53
RESOLV_CONF = "/etc/resolv.conf"


def udp_input(slirp: Slirp, packet: bytes, ip: ip_pkt.IPv4, frame_id: int) -> None:
    """A UDP datagram from the guest: DHCP for slirp, anything else out of a host socket."""
    try:
        dgram = udp_pkt.parse(ip.payload)
    except MalformedPacket as err:
        slirp.trace("drop", frame_id, f"bad UDP: {err}", "udp_input", packet, True)
        return
    vnet = slirp.vnet
    if dgram.dport == bootp.BOOTP_SERVER and ip.dst in (vnet.host, BROADCAST):
        bootp.bootp_input(slirp, packet, dgram.data, frame_id)
        return
    if dgram.dport == TFTP_PORT and ip.dst == vnet.host:
        slirp.trace("drop", frame_id, "TFTP to slirp: its built-in TFTP server is left "
                    "out of netsim", "tftp_input", packet, True)
        return
    if vnet.restricted:
        slirp.trace("drop", frame_id, "restrict=on: the guest may talk to slirp only",
                    "udp_input", packet, True)
        return
    so = slirp.sockets.lookup_udp(ip.src, dgram.sport)
    if so is None:
        sock = UdpSocket.autobind(slirp.ns)
        so = slirp.sockets.insert(SlirpSocket("udp", ip.src, dgram.sport, ip.dst,
                                              dgram.dport, sock))
        sock.on_receive = lambda data, addr, so=so: slirp.later(sorecvfrom, slirp, so, data,
                                                                addr)
        opened = f"slirp opens a UDP socket on the host for the guest's port {dgram.sport}; "
    else:
        opened = ""
    so.faddr, so.fport = ip.dst, dgram.dport
    slirp.trace("rx", frame_id, f"UDP {ip_ntoa(ip.src)}:{dgram.sport} -> "
                f"{ip_ntoa(ip.dst)}:{dgram.dport} from the guest: {opened}the data will "
                "leave from that socket", "udp_input", packet, True)
    if ip.ttl - 1 <= 0:
        icmp.icmp_send_error(slirp, packet, icmp.TIME_EXCEEDED, 0, frame_id)
        return
    so.sock.ttl = ip.ttl - 1   # setsockopt(IP_TTL): the guest's TTL, minus slirp's hop
    if not sosendto(slirp, so, dgram.data, frame_id):
        icmp.icmp_send_error(slirp, packet, icmp.DEST_UNREACH, 0, frame_id)
        return
    so.so_m = packet  # kept to quote in an ICMP error, as slirp keeps its mbuf


def sosendto(slirp: Slirp, so: SlirpSocket, data: bytes, frame_id: int) -> bool:
    """sendto() on the host socket; False if slirp refuses the address or nothing routes."""
    target = sotranslate_out(slirp, so.faddr, so.fport)
    sock = so.sock
    if target is None:
        slirp.trace("drop", frame_id, f"{ip_ntoa(so.faddr)}:{so.fport}: slirp's DNS address "
                    "takes port 53 only, and only if the host's /etc/resolv.conf names a "
                    "server (sendto fails with EPERM)", "sosendto")
        return False
    out_id = slirp.new_frame_id()
    moved = (f" (slirp's {ip_ntoa(so.faddr)} means {ip_ntoa(target)} on the host)"
             if target != so.faddr else "")
    slirp.trace("send", out_id, f"the guest's datagram (frame #{frame_id}) becomes "
                f"sendto({ip_ntoa(target)}:{so.fport}){moved} on the host's UDP socket, port "
                f"{sock.port}: the world sees the host's address, not 10.0.2.x", "sosendto")
    try:
        sock.sendto(data, (ip_ntoa(target), so.fport), frame_id=out_id)
    except NoRoute:
        slirp.trace("drop", out_id, f"sendto({ip_ntoa(target)}) on the host: Network is "
                    "unreachable", "sosendto")
        return False
    slirp.sockets.touch(so)
    return True


def sorecvfrom(slirp: Slirp, so: SlirpSocket, data: bytes, addr: tuple[str, int]) -> None:
    """The host socket has a datagram: hand it to the guest as a UDP packet."""
    if so.closed or slirp.closed:
        return
    sender = ip_aton(addr[0])
    if so.fport == DNS_PORT and not so.hostfwd:
        slirp.sockets.touch(so, SO_EXPIREFAST)  # DNS lookups are one-shot: 10 s, not 240
    else:
        slirp.sockets.touch(so, SO_EXPIRE)
    shown = sotranslate_in(slirp, so, sender)
    frame_id = slirp.new_frame_id()
    moved = f" (shown to the guest as {ip_ntoa(shown)})" if shown != sender else ""
    slirp.trace("read", frame_id, f"a datagram from {addr[0]}:{addr[1]}{moved} arrived on the "
                f"host's UDP socket port {so.sock.port}: for the guest's "
                f"{ip_ntoa(so.laddr)}:{so.lport}", "sorecvfrom")
    udp_output(slirp, (shown, addr[1]), (so.laddr, so.lport), data, frame_id)


def udp_output(slirp: Slirp, src: tuple[bytes, int], dst: tuple[bytes, int], data: bytes,
               frame_id: int, tos: int = 0) -> None:
    """A UDP/IP packet to the guest, TTL 64, via ip_output and if_encap."""
    payload = udp_pkt.build(src[0], dst[0], src[1], dst[1], data)
    slirp.ip_output(src[0], dst[0], ip_pkt.IPPROTO_UDP, payload, frame_id, tos=tos,
                    func="udp_output", reason=f"UDP {ip_ntoa(src[0])}:{src[1]} -> "
                    f"{ip_ntoa(dst[0])}:{dst[1]} for the guest, TTL 64")


# ----------------------------------------------------------------- address translation
def sotranslate_out(slirp: Slirp, faddr: bytes, fport: int) -> bytes | None:
    """Where on the host a guest's destination really is; None: refused (EPERM)."""
    vnet = slirp.vnet
    if faddr == vnet.dns:
        return host_dns(slirp) if fport == DNS_PORT else None
    if faddr in (vnet.host, BROADCAST):
        return LOOPBACK
    return faddr


def sotranslate_in(slirp: Slirp, so: SlirpSocket, sender: bytes) -> bytes:
    """Who the guest sees as the sender: slirp's own address if the host answered."""
    vnet = slirp.vnet
    if vnet.contains(so.faddr):
        inv = (1 << (32 - vnet.prefixlen)) - 1
        if int.from_bytes(so.faddr, "big") & inv == inv:
            return vnet.host
        if sender == LOOPBACK or so.faddr != vnet.host:
            return so.faddr
    return sender


def host_dns(slirp: Slirp) -> bytes | None:
    """get_dns_addr(): the first ``nameserver`` of the host's /etc/resolv.conf."""
    fs = slirp.host.fs
    if not fs.exists(RESOLV_CONF) or fs.is_dir(RESOLV_CONF):
        return None
    for line in fs.read(RESOLV_CONF).splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "nameserver":
            try:
                return ip_aton(words[1])
            except (OSError, ValueError):
                continue
    return None


# ----------------------------------------------------------------- hostfwd
def add_hostfwd(slirp: Slirp, rule: HostFwd) -> None:
    """Bind the rule's host port; raise OSError (EADDRINUSE, EADDRNOTAVAIL) as bind() does."""
    ns = slirp.ns
    if rule.host_addr:
        addr = ip_aton(rule.host_addr)
        if addr != bytes(4) and not ns.ipv4.is_local_address(addr):
            raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")
    guest = ip_aton(rule.guest_addr)
    if rule.proto == "tcp":
        from netsim.qemu.slirp import tcp

        tcp.add_hostfwd(slirp, rule, ip_aton(rule.host_addr) if rule.host_addr else bytes(4))
        return
    sock = UdpSocket(ns, rule.host_port)
    so = slirp.sockets.insert(SlirpSocket("udp", guest, rule.guest_port, slirp.vnet.host,
                                          rule.host_port, sock, hostfwd=True))
    sock.on_receive = lambda data, addr: slirp.later(sorecvfrom, slirp, so, data, addr)
    slirp.trace("info", 0, f"hostfwd {rule.text}: UDP port {rule.host_port} of the host now "
                f"leads to the guest's {rule.guest_addr}:{rule.guest_port}", "udp_listen")

