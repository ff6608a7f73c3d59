"""Packets as real bytes: build them the way Linux puts them on the wire, and read them back.

Everything here is pure data: no simulation, no clock. Builders return ``bytes``;
parsers take ``bytes`` and raise :class:`MalformedPacket` (never ``IndexError``)
when the bytes are too short or inconsistent.
"""

from netsim.packets.addr import (
    BROADCAST_MAC,
    ZERO_MAC,
    MalformedPacket,
    ip_aton,
    ip_ntoa,
    is_broadcast_mac,
    is_multicast_mac,
    mac_aton,
    mac_ntoa,
)
from netsim.packets.summary import summarize

__all__ = [
    "BROADCAST_MAC",
    "ZERO_MAC",
    "MalformedPacket",
    "ip_aton",
    "ip_ntoa",
    "is_broadcast_mac",
    "is_multicast_mac",
    "mac_aton",
    "mac_ntoa",
    "summarize",
]
