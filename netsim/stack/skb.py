"""The socket buffer: one frame on its way through one host.

Like the kernel's ``struct sk_buff`` it carries the bytes plus the metadata the
layers read: the device it is on, what ``eth_type_trans`` made of its destination
(``pkttype``) and an id that every copy of the same frame shares, so the trace can
follow a flooded frame down each branch.
"""

from __future__ import annotations

PACKET_HOST = 0
PACKET_BROADCAST = 1
PACKET_MULTICAST = 2
PACKET_OTHERHOST = 3
PACKET_OUTGOING = 4
PKTTYPE_NAMES = ("host", "broadcast", "multicast", "otherhost", "outgoing")


class Skb:
    __slots__ = ("data", "frame_id", "dev", "pkttype")

    def __init__(self, data: bytes, frame_id: int, dev=None, pkttype: int = PACKET_HOST) -> None:
        self.data = data
        self.frame_id = frame_id
        self.dev = dev
        self.pkttype = pkttype

    def clone(self) -> Skb:
        """skb_clone(): a copy for one branch of a flood; the bytes are shared, not copied."""
        return Skb(self.data, self.frame_id, self.dev, self.pkttype)


def eth_type_trans(data: bytes, dev_mac: bytes) -> int:
    """Classify a received frame by its destination MAC, as eth_type_trans() does."""
    if data[0] & 1:
        return PACKET_BROADCAST if data[:6] == b"\xff\xff\xff\xff\xff\xff" else PACKET_MULTICAST
    return PACKET_HOST if data[:6] == dev_mac else PACKET_OTHERHOST
