"""UDP (RFC 768) with the pseudo-header checksum Linux always fills in for IPv4."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from netsim.packets.addr import MalformedPacket
from netsim.packets.checksum import pseudo_header_sum


@dataclass(slots=True)
class Udp:
    sport: int
    dport: int
    length: int
    checksum: int
    data: bytes


_HEADER = struct.Struct("!HHHH")


def build(src_ip: bytes, dst_ip: bytes, sport: int, dport: int, data: bytes) -> bytes:
    """A datagram whose checksum covers the pseudo-header (addresses, protocol, length)."""
    return header(src_ip, dst_ip, sport, dport, data) + data


def header(src_ip: bytes, dst_ip: bytes, sport: int, dport: int, data: bytes) -> bytes:
    """The 8 bytes that go in front of ``data``: ports, length, and the checksum over the
    pseudo-header, this header and the data.

    The sender puts header and data behind the IP header in one go (``ip.build``'s
    ``data``): the data is copied once, as the kernel copies it once into the skb. The
    one's complement sum is taken part by part (see checksum.py: a sum modulo 0xFFFF),
    so nothing is concatenated just to be checksummed.
    """
    length = 8 + len(data)
    padded = data + b"\0" if length & 1 else data
    total = (int.from_bytes(src_ip, "big") + int.from_bytes(dst_ip, "big")  # pseudo-header
             + 17 + length
             + (sport << 16 | dport) + (length << 16)                   # UDP header
             + int.from_bytes(padded, "big")) % 0xFFFF or 0xFFFF       # data
    checksum = ~total & 0xFFFF or 0xFFFF  # 0 means "no checksum": send 0xFFFF instead
    return _HEADER.pack(sport, dport, length, checksum)


def build_partial(src_ip: bytes, dst_ip: bytes, sport: int, dport: int, data: bytes) -> bytes:
    """A datagram as Linux hands it to a device that offloads checksums
    (CHECKSUM_PARTIAL): the checksum field holds only the pseudo-header sum, for the
    hardware to complete. On a veth or lo, that is what is sent and captured."""
    return header_partial(src_ip, dst_ip, sport, dport, data) + data


def header_partial(src_ip: bytes, dst_ip: bytes, sport: int, dport: int,
                   data: bytes) -> bytes:
    """:func:`header` for CHECKSUM_PARTIAL (see :func:`build_partial`)."""
    length = 8 + len(data)
    return _HEADER.pack(sport, dport, length, pseudo_header_sum(src_ip, dst_ip, 17, length))


def parse(datagram: bytes) -> Udp:
    if len(datagram) < 8:
        raise MalformedPacket(f"UDP datagram of {len(datagram)} bytes (needs 8)")
    sport, dport, length, checksum = struct.unpack_from("!HHHH", datagram)
    if length < 8 or length > len(datagram):
        raise MalformedPacket(f"UDP length {length} does not fit {len(datagram)} bytes")
    return Udp(sport, dport, length, checksum, datagram[8:length])
