"""IPv4 headers (RFC 791) as Linux writes them: IHL 5, no options, checksum filled in."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from netsim.packets.addr import MalformedPacket
from netsim.packets.checksum import internet_checksum

IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IP_DF = 0x4000
_HEADER = struct.Struct("!BBHHHBBH4s4s")


@dataclass(slots=True)
class IPv4:
    src: bytes
    dst: bytes
    proto: int
    ttl: int
    ident: int
    df: bool
    tos: int
    header_len: int
    total_len: int
    payload: bytes


def build(src: bytes, dst: bytes, proto: int, payload: bytes, ident: int = 0,
          ttl: int = 64, df: bool = True, tos: int = 0, data: bytes = b"",
          link_header: bytes = b"") -> bytes:
    """The packet: the header, then ``payload`` and ``data`` (a transport header and the
    bytes behind it, given apart so that the data is copied once, as the kernel copies
    it once into the skb). With ``link_header`` (an Ethernet header), the frame that
    carries the packet, made in the same single copy. The options may be given in order
    (a hot caller's quicker call) or by name."""
    total = 20 + len(payload) + len(data)
    flags = IP_DF if df else 0
    # The header checksum from the fields themselves (one's complement sum of the ten
    # 16-bit words, see checksum.py): the header is packed once, already correct.
    words = ((0x45 << 8 | tos) + total + ident + flags + (ttl << 8 | proto)
             + int.from_bytes(src, "big") + int.from_bytes(dst, "big"))  # 2**16 = 1 mod 0xFFFF
    total_sum = words % 0xFFFF or 0xFFFF
    checksum = ~total_sum & 0xFFFF
    # bytes + b"" is the same object: no copy without a link header or data
    return (link_header + _HEADER.pack(0x45, tos, total, ident, flags, ttl, proto, checksum,
                                       src, dst) + payload + data)


def parse(packet: bytes) -> IPv4:
    if len(packet) < 20:
        raise MalformedPacket(f"IPv4 packet of {len(packet)} bytes is shorter than its header")
    ver_ihl, tos, total, ident, frag, ttl, proto, _csum, src, dst = _HEADER.unpack_from(packet)
    ihl = (ver_ihl & 0x0F) * 4
    if ver_ihl >> 4 != 4 or ihl < 20:
        raise MalformedPacket(f"not an IPv4 header (version/IHL byte {ver_ihl:#04x})")
    if total < ihl or total > len(packet):
        raise MalformedPacket(f"IPv4 total length {total} does not fit {len(packet)} bytes")
    return IPv4(src, dst, proto, ttl, ident, bool(frag & IP_DF), tos, ihl, total,
                packet[ihl:total])


def header_ok(packet: bytes) -> bool:
    """The header checksum verifies (ip_rcv_core drops packets where it does not)."""
    ihl = (packet[0] & 0x0F) * 4
    return internet_checksum(packet[:ihl]) == 0


def decrement_ttl(packet: bytes) -> bytes:
    """ip_decrease_ttl(): TTL - 1 and the checksum patched incrementally (RFC 1624)."""
    ttl = packet[8] - 1
    checksum = ((packet[10] << 8) | packet[11]) + 0x0100
    checksum = (checksum & 0xFFFF) + (checksum >> 16)
    return packet[:8] + bytes((ttl,)) + packet[9:10] + struct.pack("!H", checksum) + packet[12:]
