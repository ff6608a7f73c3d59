"""ARP for IPv4 over Ethernet (RFC 826): 28 bytes after the Ethernet header."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from netsim.packets.addr import MalformedPacket

ARPOP_REQUEST = 1
ARPOP_REPLY = 2
_HEADER = struct.Struct("!HHBBH6s4s6s4s")


@dataclass(slots=True)
class Arp:
    op: int
    sha: bytes  # sender hardware address
    spa: bytes  # sender protocol (IPv4) address
    tha: bytes
    tpa: bytes

    def pack(self) -> bytes:
        return _HEADER.pack(1, 0x0800, 6, 4, self.op, self.sha, self.spa, self.tha, self.tpa)


def parse(payload: bytes) -> Arp:
    if len(payload) < _HEADER.size:
        raise MalformedPacket(f"ARP packet of {len(payload)} bytes (needs 28)")
    hrd, pro, hln, pln, op, sha, spa, tha, tpa = _HEADER.unpack_from(payload)
    if hrd != 1 or pro != 0x0800 or hln != 6 or pln != 4:
        raise MalformedPacket(f"ARP for hardware {hrd}/protocol {pro:#06x} is not Ethernet/IPv4")
    return Arp(op, sha, spa, tha, tpa)
