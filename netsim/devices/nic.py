"""A physical Ethernet NIC (think e1000) plugged into a :class:`~netsim.wire.cable.Cable`.

Unlike veth and tap, a real NIC filters in hardware: unless it is promiscuous (a
bridge makes its ports promiscuous, ``tcpdump`` without ``-p`` does too) it drops
unicast frames for other MACs before the kernel sees them. It pads short frames
to 60 bytes on the wire, as the hardware does.
"""

from __future__ import annotations

from netsim.packets.ethernet import ETH_ZLEN
from netsim.stack.netdevice import NetDevice
from netsim.stack.skb import (
    PACKET_BROADCAST,
    PACKET_HOST,
    PACKET_MULTICAST,
    PACKET_OTHERHOST,
    Skb,
)

_PAD = bytes(ETH_ZLEN)
_BCAST = b"\xff" * 6


class Nic(NetDevice):
    kind = ""
    speed_mbps = 1000
    has_queue = True
    max_mtu = 9216

    def __init__(self, ns, name: str, mac: bytes) -> None:
        super().__init__(ns, name, mac)
        self.cable = None
        self.cable_peer: Nic | None = None
        self.tx_busy_until = 0.0
        self.carrier = False
        self.operstate_known = True

    def no_carrier_reason(self) -> str:
        return "no cable, or the far end is down" if self.cable else "no cable plugged in"

    def ndo_open(self) -> None:
        if self.cable is not None:
            self.cable.link_check()

    def ndo_stop(self) -> None:
        if self.cable is not None:
            self.cable.link_check()

    def start_xmit(self, skb: Skb) -> None:
        if self.cable is None or not self.carrier:
            self.stats["tx_carrier_errors"] += 1
            self.stats["tx_dropped"] += 1
            self.ns.trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                              f"{self.name}: no carrier (cable unplugged or far end down)",
                              "ndo_start_xmit", skb.data)
            return
        data = skb.data
        size = len(data)
        stats = self.stats
        stats["tx_packets"] += 1
        stats["tx_bytes"] += size
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "tx", skb.frame_id,
                      f"{self.name}: driver puts the frame on the wire", "ndo_start_xmit",
                      data)
        if size < ETH_ZLEN:
            data += _PAD[size:]
        self.cable.transmit(self, data, skb.frame_id)

    def wire_rx(self, data: bytes, frame_id: int) -> None:
        """The far end's bits arrived: the MAC filter, then netif_rx()."""
        if not self.admin_up:
            return
        dst = data[:6]
        if data[0] & 1:
            if dst == _BCAST:
                pkttype = PACKET_BROADCAST
            else:
                pkttype = PACKET_MULTICAST
                self.stats["multicast"] += 1
        elif dst == self.mac:
            pkttype = PACKET_HOST
        elif self.promiscuity:
            pkttype = PACKET_OTHERHOST
        else:
            self.ns.trace.hop(self.ns.name, self.name, "link", "drop", frame_id,
                              f"{self.name}: hardware filter drops a frame for another MAC "
                              "(not promiscuous)", "nic_rx_filter", data)
            return
        stats = self.stats
        stats["rx_packets"] += 1
        stats["rx_bytes"] += len(data)
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "rx", frame_id,
                      f"{self.name}: frame received from the wire", "netif_receive_skb", data)
        # eth_type_trans() is folded into the filter above: pkttype is already known.
        self.netif_receive(Skb(data, frame_id, self, pkttype))
