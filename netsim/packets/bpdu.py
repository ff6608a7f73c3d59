"""IEEE 802.1D BPDUs as the Linux bridge writes and reads them (br_stp_bpdu.c), pure data.

A BPDU travels in an IEEE 802.3 frame -- a *length* where Ethernet II has a type --
to the bridge group address 01:80:c2:00:00:00, behind an LLC header ``42 42 03``
(DSAP and SSAP 0x42 "bridge spanning tree", UI frame)::

    01:80:c2:00:00:00  <port MAC>  00 26  42 42 03  <35 bytes: configuration BPDU>
                                   00 07  42 42 03  <4 bytes: TCN BPDU>

A configuration BPDU (35 bytes)::

    0-1   protocol id 0        2 version 0       3 type 0x00
    4     flags: 0x01 topology change, 0x80 topology change acknowledgement
    5-12  root id (priority, MAC)               13-16 root path cost
    17-24 bridge id (of the sender)             25-26 port id (of the sender)
    27-28 message age   29-30 max age   31-32 hello time   33-34 forward delay

The four times count in 1/256 s (:data:`STP_HZ`). A topology change notification
(TCN) BPDU is only the first four bytes, type 0x80.

A :class:`BridgeId` is a priority and a MAC; it is ordered, so ``<`` and ``min()`` do
what the kernel's ``memcmp(&a, &b, 8)`` does.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from netsim.packets.addr import MalformedPacket, mac_ntoa

STP_GROUP_ADDR = bytes.fromhex("0180c2000000")
"""br->group_addr: where every BPDU goes (eth_stp_addr)."""

LLC_SAP_BSPAN = 0x42
LLC_PDU_TYPE_U = 0x03
LLC_HEADER = bytes((LLC_SAP_BSPAN, LLC_SAP_BSPAN, LLC_PDU_TYPE_U))

BPDU_TYPE_CONFIG = 0x00
BPDU_TYPE_TCN = 0x80
CONFIG_BPDU_LEN = 35
TCN_BPDU_LEN = 4

FLAG_TOPOLOGY_CHANGE = 0x01
FLAG_TOPOLOGY_CHANGE_ACK = 0x80

STP_HZ = 256
"""BPDU times are in 1/256 s."""

_CONFIG = struct.Struct("!HBBB8sI8sHHHHH")


# The records here are NamedTuples (immutable, ordered by their fields, and cheap to
# create at import, which frozen dataclasses are not: every bridge loads this module).
class BridgeId(NamedTuple):
    """struct bridge_id: two bytes of priority, then a MAC. Compared as the 8 bytes are."""

    priority: int
    mac: bytes

    def pack(self) -> bytes:
        return struct.pack("!H", self.priority) + self.mac

    @classmethod
    def unpack(cls, data: bytes) -> BridgeId:
        return cls((data[0] << 8) | data[1], bytes(data[2:8]))

    def hex(self) -> str:
        """As sysfs and brctl show it (br_show_bridge_id): ``8000.020000000101``."""
        return f"{self.priority:04x}.{self.mac.hex()}"

    def __str__(self) -> str:
        """As the kernel's log lines write it: ``8000.02:00:00:00:01:01``."""
        return f"{self.priority:04x}.{mac_ntoa(self.mac)}"


class ConfigBpdu(NamedTuple):
    """struct br_config_bpdu, with the times as they travel (1/256 s)."""

    topology_change: bool
    topology_change_ack: bool
    root: BridgeId
    root_path_cost: int
    bridge_id: BridgeId
    port_id: int
    message_age: int
    max_age: int
    hello_time: int
    forward_delay: int

    def payload(self) -> bytes:
        """The 35 bytes after the LLC header (br_send_config_bpdu)."""
        flags = ((FLAG_TOPOLOGY_CHANGE if self.topology_change else 0)
                 | (FLAG_TOPOLOGY_CHANGE_ACK if self.topology_change_ack else 0))
        return _CONFIG.pack(0, 0, BPDU_TYPE_CONFIG, flags, self.root.pack(),
                            self.root_path_cost & 0xFFFFFFFF, self.bridge_id.pack(),
                            self.port_id, self.message_age & 0xFFFF, self.max_age & 0xFFFF,
                            self.hello_time & 0xFFFF, self.forward_delay & 0xFFFF)


class TcnBpdu:
    """A topology change notification: "something changed below me", sent towards the root."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return True if other.__class__ is TcnBpdu else NotImplemented

    def __hash__(self) -> int:
        return hash(TcnBpdu)

    def __repr__(self) -> str:
        return "TcnBpdu()"

    def payload(self) -> bytes:
        return bytes((0, 0, 0, BPDU_TYPE_TCN))


Bpdu = ConfigBpdu | TcnBpdu


def frame(src: bytes, bpdu: Bpdu, dst: bytes = STP_GROUP_ADDR) -> bytes:
    """The whole frame: llc_mac_hdr_init() writes the 802.3 length (LLC header + BPDU);
    nothing pads it (a veth sends 52 bytes for a configuration BPDU, 21 for a TCN)."""
    body = LLC_HEADER + bpdu.payload()
    return dst + src + struct.pack("!H", len(body)) + body


def parse(data: bytes) -> Bpdu | None:
    """The BPDU in an Ethernet frame, or None when it is no BPDU the bridge would read.

    What stp_pdu_rcv() and br_stp_rcv() check: an 802.3 length, LLC ``42 42 03``,
    protocol id and version 0 (an RSTP BPDU, version 2, is not read), and a
    configuration BPDU's full 35 bytes. Raises :class:`MalformedPacket` only for a
    frame shorter than its Ethernet header.
    """
    if len(data) < 14:
        raise MalformedPacket(f"Ethernet frame of {len(data)} bytes is shorter than its header")
    length = (data[12] << 8) | data[13]
    if length >= 0x600:
        return None  # an Ethernet II type, not an 802.3 length
    body = data[14:14 + length]
    if len(body) < 3 + TCN_BPDU_LEN or body[:3] != LLC_HEADER:
        return None
    bpdu = body[3:]
    if bpdu[0] or bpdu[1] or bpdu[2]:
        return None
    if bpdu[3] == BPDU_TYPE_TCN:
        return TcnBpdu()
    if bpdu[3] != BPDU_TYPE_CONFIG or len(bpdu) < CONFIG_BPDU_LEN:
        return None
    (_proto, _version, _type, flags, root, cost, bridge, port_id, age, max_age, hello,
     fwd) = _CONFIG.unpack_from(bpdu)
    return ConfigBpdu(bool(flags & FLAG_TOPOLOGY_CHANGE), bool(flags & FLAG_TOPOLOGY_CHANGE_ACK),
                      BridgeId.unpack(root), cost, BridgeId.unpack(bridge), port_id, age,
                      max_age, hello, fwd)


def describe(bpdu: Bpdu) -> str:
    """One line in words, for trace records: ``config: root 8000.02:.., cost 2, ...``."""
    if isinstance(bpdu, TcnBpdu):
        return "TCN (topology change notification)"
    flags = [name for on, name in ((bpdu.topology_change, "TC"),
                                   (bpdu.topology_change_ack, "TCA")) if on]
    text = (f"config: root {bpdu.root}, cost {bpdu.root_path_cost}, from bridge "
            f"{bpdu.bridge_id} port {bpdu.port_id:04x}, age {bpdu.message_age / STP_HZ:g} s")
    return text + (f" [{' '.join(flags)}]" if flags else "")
