"""UDP (RFC 768) with the pseudo-header checksum Linux always fills in for IPv4."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from netsim.packets.addr import MalformedPacket
from netsim.packets.checksum import internet_checksum


@dataclass(slots=True)
class Udp:
    sport: int
    dport: int
    length: int
    checksum: int
    data: bytes


def build(src_ip: bytes, dst_ip: bytes, sport: int, dport: int, data: bytes) -> bytes:
    length = 8 + len(data)
    pseudo = src_ip + dst_ip + struct.pack("!BBH", 0, 17, length)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    checksum = internet_checksum(pseudo + header + data) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, checksum) + data


def parse(datagram: bytes) -> Udp:
    if len(datagram) < 8:
        raise MalformedPacket(f"UDP datagram of {len(datagram)} bytes (needs 8)")
    sport, dport, length, checksum = struct.unpack_from("!HHHH", datagram)
    if length < 8 or length > len(datagram):
        raise MalformedPacket(f"UDP length {length} does not fit {len(datagram)} bytes")
    return Udp(sport, dport, length, checksum, datagram[8:length])
