"""ICMP (RFC 792): echo request/reply, destination unreachable, time exceeded."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from netsim.packets.addr import MalformedPacket
from netsim.packets.checksum import internet_checksum

ECHO_REPLY = 0
DEST_UNREACH = 3
ECHO_REQUEST = 8
TIME_EXCEEDED = 11

# codes of DEST_UNREACH
NET_UNREACH = 0
HOST_UNREACH = 1
PORT_UNREACH = 3

TYPE_NAMES = {ECHO_REPLY: "echo reply", DEST_UNREACH: "unreachable", ECHO_REQUEST: "echo request",
              TIME_EXCEEDED: "time exceeded in-transit"}


@dataclass(slots=True)
class Icmp:
    type: int
    code: int
    ident: int  # echo only (else the 'rest of header' high half)
    seq: int
    data: bytes


def build(type_: int, code: int, rest: bytes, data: bytes) -> bytes:
    message = struct.pack("!BBH", type_, code, 0) + rest + data
    checksum = internet_checksum(message)
    return message[:2] + struct.pack("!H", checksum) + message[4:]


def echo(ident: int, seq: int, data: bytes, reply: bool = False) -> bytes:
    return build(ECHO_REPLY if reply else ECHO_REQUEST, 0, struct.pack("!HH", ident, seq), data)


def error(type_: int, code: int, offending_ip_packet: bytes) -> bytes:
    """An ICMP error quoting the offending IP header plus 8 bytes, as RFC 792 asks."""
    ihl = (offending_ip_packet[0] & 0x0F) * 4
    return build(type_, code, bytes(4), offending_ip_packet[: ihl + 8])


def parse(message: bytes) -> Icmp:
    if len(message) < 8:
        raise MalformedPacket(f"ICMP message of {len(message)} bytes (needs 8)")
    type_, code, _csum, ident, seq = struct.unpack_from("!BBHHH", message)
    return Icmp(type_, code, ident, seq, message[8:])
