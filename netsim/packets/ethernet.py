"""Ethernet II frames: destination, source, EtherType, payload.

Linux pads frames to the 60-byte minimum only where a real NIC would (the driver
of a physical card); veth and tap pass frames as they are, which is why the
recordings show 42-byte ARP replies.
"""

from __future__ import annotations

import struct

from netsim.packets.addr import MalformedPacket

ETH_HLEN = 14
ETH_ZLEN = 60  # minimum frame length without the FCS

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
ETH_P_EXPERIMENTAL = 0x88B5


def build(dst: bytes, src: bytes, ethertype: int, payload: bytes, pad: bool = False) -> bytes:
    frame = dst + src + struct.pack("!H", ethertype) + payload
    if pad and len(frame) < ETH_ZLEN:
        frame += bytes(ETH_ZLEN - len(frame))
    return frame


def parse(frame: bytes) -> tuple[bytes, bytes, int, bytes]:
    """-> (dst, src, ethertype, payload)."""
    if len(frame) < ETH_HLEN:
        raise MalformedPacket(f"Ethernet frame of {len(frame)} bytes is shorter than its header")
    return frame[0:6], frame[6:12], (frame[12] << 8) | frame[13], frame[14:]
