"""The socket buffer: one frame on its way through one host.

Like the kernel's ``struct sk_buff`` it carries the bytes plus the metadata the
layers read: the device it is on, what ``eth_type_trans`` made of its destination
(``pkttype``) and an id that every copy of the same frame shares, so the trace can
follow a flooded frame down each branch.
"""

from __future__ import annotations

from netsim.packets.checksum import finish_l4_checksum

PACKET_HOST = 0
PACKET_BROADCAST = 1
PACKET_MULTICAST = 2
PACKET_OTHERHOST = 3
PACKET_OUTGOING = 4
PKTTYPE_NAMES = ("host", "broadcast", "multicast", "otherhost", "outgoing")


class Skb:
    __slots__ = ("data", "frame_id", "dev", "pkttype")

    csum_partial = False
    """CHECKSUM_PARTIAL: the UDP checksum field holds only the pseudo-header sum, for a
    device that offloads checksums to finish. Such a frame is a :class:`PartialSkb`;
    the per-frame path asks ``type(skb) is PartialSkb``, which costs nothing stored in
    the frames that are not (nearly all)."""

    def __init__(self, data: bytes, frame_id: int, dev=None, pkttype: int = PACKET_HOST) -> None:
        self.data = data
        self.frame_id = frame_id
        self.dev = dev
        self.pkttype = pkttype

    def clone(self) -> Skb:
        """skb_clone(): a copy for one branch of a flood; the bytes are shared, not copied.

        (Filled in here rather than through ``__init__``: a flood clones once per port.)
        """
        new = _new_skb(PartialSkb if self.csum_partial else Skb)
        new.data = self.data
        new.frame_id = self.frame_id
        new.dev = self.dev
        new.pkttype = self.pkttype
        return new


class PartialSkb(Skb):
    """An skb whose UDP checksum is CHECKSUM_PARTIAL.

    A local socket sending out of a device that offloads checksums (veth, lo, a
    bridge: ``tx_csum_offload``) leaves the checksum for hardware that never comes:
    the field holds the pseudo-header sum, and that is what captures on the way show,
    through forwarding and bridging, up to the receiver (which trusts it) and in an
    ICMP error's quote. A device without the offload (a NIC here, a tap, a tun)
    finishes it in software before it transmits (``validate_xmit_skb``). Recorded on
    Linux 6.18: tests/oracle/scenarios/fid_net_checksum_capture.json.
    """

    __slots__ = ()
    csum_partial = True


_new_skb = object.__new__


def skb_for(partial: bool) -> type[Skb]:
    """The skb class for a frame that is (or is not) CHECKSUM_PARTIAL."""
    return PartialSkb if partial else Skb


def finish_checksum(skb: Skb, dev) -> Skb:
    """skb_checksum_help() for ``dev``, which cannot offload: the same frame with its UDP
    checksum completed, no longer partial."""
    data = skb.data
    if dev.link_type == "none":  # a tun: the frame is the IP packet
        data = finish_l4_checksum(data)
    elif data[12:14] == b"\x08\x00":
        data = data[:14] + finish_l4_checksum(data[14:])
    return Skb(data, skb.frame_id, skb.dev, skb.pkttype)


def eth_type_trans(data: bytes, dev_mac: bytes) -> int:
    """Classify a received frame by its destination MAC, as eth_type_trans() does."""
    if data[0] & 1:
        return PACKET_BROADCAST if data[:6] == b"\xff\xff\xff\xff\xff\xff" else PACKET_MULTICAST
    return PACKET_HOST if data[:6] == dev_mac else PACKET_OTHERHOST
