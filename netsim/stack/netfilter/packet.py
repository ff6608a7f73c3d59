"""What netfilter reads in a packet, and how NAT rewrites one (nf_nat_proto.c).

:func:`flow_of` pulls out the fields rules and connection tracking look at: protocol,
addresses, and the "ports" -- UDP/TCP ports, or for ICMP echo its identifier (the
kernel's ``tuple->src.u.icmp.id``). :func:`rewrite` is ``nf_nat_ipv4_manip_pkt``:
new addresses and ports, then every checksum that covers them (the IP header, the
UDP and TCP checksums with their pseudo-header, the ICMP checksum). :func:`rewrite_inner` does
the same to the packet quoted inside an ICMP error (``nf_nat_icmp_reply_translation``),
so a "port unreachable" about a translated datagram reaches the real sender.

Packets are immutable ``bytes``: every rewrite returns a new packet.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from netsim.packets.checksum import internet_checksum

IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17

ICMP_ECHOREPLY = 0
ICMP_DEST_UNREACH = 3
ICMP_SOURCE_QUENCH = 4
ICMP_REDIRECT = 5
ICMP_ECHO = 8
ICMP_TIME_EXCEEDED = 11
ICMP_PARAMETERPROB = 12
ICMP_ERRORS = frozenset({ICMP_DEST_UNREACH, ICMP_SOURCE_QUENCH, ICMP_REDIRECT,
                         ICMP_TIME_EXCEEDED, ICMP_PARAMETERPROB})
"""The ICMP types that quote the packet they are about (icmp_is_err())."""

_PORTS = struct.Struct("!HH")


@dataclass(slots=True)
class Flow:
    """The fields of one packet that rules and conntrack read.

    ``sport``/``dport`` are the UDP/TCP ports; for ICMP echo both are the identifier
    (the kernel keys an echo by id alone). ``icmp_type`` is -1 for other protocols.
    """

    proto: int
    src: bytes
    dst: bytes
    sport: int
    dport: int
    icmp_type: int
    icmp_code: int
    ihl: int
    length: int
    tcp_flags: int = 0

    @property
    def is_icmp_error(self) -> bool:
        return self.icmp_type in ICMP_ERRORS


def flow_of(packet: bytes) -> Flow:
    """The :class:`Flow` of an IPv4 packet (headers already checked by ip_rcv)."""
    ihl = (packet[0] & 0x0F) * 4
    proto = packet[9]
    sport = dport = 0
    icmp_type = icmp_code = -1
    tcp_flags = 0
    if proto in (IPPROTO_UDP, IPPROTO_TCP) and len(packet) >= ihl + 4:
        sport, dport = _PORTS.unpack_from(packet, ihl)
        if proto == IPPROTO_TCP and len(packet) >= ihl + 14:
            tcp_flags = packet[ihl + 13]
    elif proto == IPPROTO_ICMP and len(packet) >= ihl + 8:
        icmp_type, icmp_code = packet[ihl], packet[ihl + 1]
        if icmp_type not in ICMP_ERRORS:
            sport = dport = (packet[ihl + 4] << 8) | packet[ihl + 5]
    return Flow(proto, packet[12:16], packet[16:20], sport, dport, icmp_type, icmp_code,
                ihl, len(packet), tcp_flags)


def inner_flow(packet: bytes, flow: Flow) -> Flow | None:
    """The flow of the packet an ICMP error quotes (its IP header and 8 more bytes)."""
    start = flow.ihl + 8
    inner = packet[start:]
    if len(inner) < 28 or inner[0] >> 4 != 4:
        return None
    ihl = (inner[0] & 0x0F) * 4
    proto = inner[9]
    sport = dport = 0
    icmp_type = icmp_code = -1
    if proto in (IPPROTO_UDP, IPPROTO_TCP):
        sport, dport = _PORTS.unpack_from(inner, ihl)
    elif proto == IPPROTO_ICMP:
        icmp_type, icmp_code = inner[ihl], inner[ihl + 1]
        sport = dport = (inner[ihl + 4] << 8) | inner[ihl + 5]
    return Flow(proto, inner[12:16], inner[16:20], sport, dport, icmp_type, icmp_code, ihl,
                len(inner))


# ----------------------------------------------------------------------- checksums
def _fold(value: int) -> int:
    while value >> 16:
        value = (value & 0xFFFF) + (value >> 16)
    return value


def csum_replace(checksum: int, old: bytes, new: bytes) -> int:
    """RFC 1624's incremental update (the kernel's inet_proto_csum_replace4):
    ``HC' = ~(~HC + ~m + m')`` summed over the changed 16-bit words."""
    total = ~checksum & 0xFFFF
    for i in range(0, len(old), 2):
        total += (~int.from_bytes(old[i:i + 2], "big") & 0xFFFF)
        total += int.from_bytes(new[i:i + 2], "big")
    return ~_fold(total) & 0xFFFF


def _udp_checksum(src: bytes, dst: bytes, segment: bytes) -> int:
    pseudo = src + dst + bytes((0, IPPROTO_UDP)) + len(segment).to_bytes(2, "big")
    value = internet_checksum(pseudo + segment[:6] + b"\0\0" + segment[8:])
    return value or 0xFFFF  # 0 means "no checksum" in UDP


# ----------------------------------------------------------------------- rewriting
def rewrite(packet: bytes, *, src: bytes | None = None, dst: bytes | None = None,
            sport: int | None = None, dport: int | None = None) -> bytes:
    """nf_nat_ipv4_manip_pkt(): new source/destination (and ports or ICMP id).

    For ICMP echo, ``sport`` (source manip) or ``dport`` (destination manip) is the
    new identifier. Checksums are recomputed: the IP header always, the UDP checksum
    (unless the sender sent none, 0), the ICMP checksum over the whole message.
    """
    out = bytearray(packet)
    ihl = (out[0] & 0x0F) * 4
    old_head = packet[12:20] + packet[ihl:ihl + 4]  # addresses and ports, for TCP's checksum
    if src is not None:
        out[12:16] = src
    if dst is not None:
        out[16:20] = dst
    out[10:12] = b"\0\0"
    out[10:12] = internet_checksum(bytes(out[:ihl])).to_bytes(2, "big")
    proto = out[9]
    if proto in (IPPROTO_UDP, IPPROTO_TCP) and len(out) >= ihl + 8:
        if sport is not None:
            out[ihl:ihl + 2] = sport.to_bytes(2, "big")
        if dport is not None:
            out[ihl + 2:ihl + 4] = dport.to_bytes(2, "big")
        if proto == IPPROTO_TCP and len(out) >= ihl + 18:
            # inet_proto_csum_replace4/2: the pseudo-header's addresses and the ports
            csum = int.from_bytes(out[ihl + 16:ihl + 18], "big")
            new_head = bytes(out[12:20]) + bytes(out[ihl:ihl + 4])
            out[ihl + 16:ihl + 18] = csum_replace(csum, old_head, new_head).to_bytes(2, "big")
        elif proto == IPPROTO_UDP and out[ihl + 6:ihl + 8] != b"\0\0":
            segment = bytes(out[ihl:])
            out[ihl + 6:ihl + 8] = _udp_checksum(bytes(out[12:16]), bytes(out[16:20]),
                                                 segment).to_bytes(2, "big")
    elif proto == IPPROTO_ICMP and len(out) >= ihl + 8 and out[ihl] not in ICMP_ERRORS:
        ident = sport if sport is not None else dport
        if ident is not None:
            out[ihl + 4:ihl + 6] = ident.to_bytes(2, "big")
        _icmp_checksum(out, ihl)
    return bytes(out)


def _icmp_checksum(out: bytearray, ihl: int) -> None:
    out[ihl + 2:ihl + 4] = b"\0\0"
    out[ihl + 2:ihl + 4] = internet_checksum(bytes(out[ihl:])).to_bytes(2, "big")


def rewrite_inner(packet: bytes, *, src: bytes | None = None, dst: bytes | None = None,
                  sport: int | None = None, dport: int | None = None) -> bytes:
    """The quoted packet of an ICMP error rewritten, then the error's own checksum.

    The quoted transport header is often cut short, so its checksum is updated
    incrementally (as the kernel does) rather than recomputed.
    """
    out = bytearray(packet)
    outer_ihl = (out[0] & 0x0F) * 4
    base = outer_ihl + 8
    ihl = (out[base] & 0x0F) * 4
    old_addrs = bytes(out[base + 12:base + 20])
    if src is not None:
        out[base + 12:base + 16] = src
    if dst is not None:
        out[base + 16:base + 20] = dst
    header = bytearray(out[base:base + ihl])
    header[10:12] = b"\0\0"
    out[base + 10:base + 12] = internet_checksum(bytes(header)).to_bytes(2, "big")
    new_addrs = bytes(out[base + 12:base + 20])
    l4 = base + ihl
    proto = out[base + 9]
    if proto == IPPROTO_UDP and len(out) >= l4 + 8:
        old = bytes(out[l4:l4 + 4])
        if sport is not None:
            out[l4:l4 + 2] = sport.to_bytes(2, "big")
        if dport is not None:
            out[l4 + 2:l4 + 4] = dport.to_bytes(2, "big")
        csum = int.from_bytes(out[l4 + 6:l4 + 8], "big")
        if csum:  # the pseudo-header's addresses and the ports both count
            csum = csum_replace(csum, old_addrs + old, new_addrs + bytes(out[l4:l4 + 4]))
            out[l4 + 6:l4 + 8] = (csum or 0xFFFF).to_bytes(2, "big")
    elif proto == IPPROTO_ICMP and len(out) >= l4 + 8:
        ident = sport if sport is not None else dport
        if ident is not None:
            old = bytes(out[l4 + 4:l4 + 6])
            out[l4 + 4:l4 + 6] = ident.to_bytes(2, "big")
            csum = int.from_bytes(out[l4 + 2:l4 + 4], "big")
            out[l4 + 2:l4 + 4] = csum_replace(csum, old, bytes(out[l4 + 4:l4 + 6])
                                              ).to_bytes(2, "big")
    _icmp_checksum(out, outer_ihl)
    return bytes(out)
