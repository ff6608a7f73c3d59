"""A physical Ethernet NIC (think e1000) plugged into a :class:`~netsim.wire.cable.Cable`.

Unlike veth and tap, a real NIC filters in hardware: unless it is promiscuous (a
bridge makes its ports promiscuous, ``tcpdump`` without ``-p`` does too) it drops
unicast frames for other MACs before the kernel sees them. It pads short frames
to 60 bytes on the wire, as the hardware does.
"""

from __future__ import annotations

from netsim.packets.ethernet import ETH_ZLEN
from netsim.stack.netdevice import NetDevice
from netsim.stack.skb import Skb


class Nic(NetDevice):
    kind = ""
    speed_mbps = 1000
    has_queue = True
    max_mtu = 9216

    def __init__(self, ns, name: str, mac: bytes) -> None:
        super().__init__(ns, name, mac)
        self.cable = None
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
        if len(data) < ETH_ZLEN:
            data = data + bytes(ETH_ZLEN - len(data))
        self.count_tx(len(skb.data))
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "tx", skb.frame_id,
                      f"{self.name}: driver puts the frame on the wire", "ndo_start_xmit",
                      skb.data)
        self.cable.transmit(self, data, skb.frame_id)

    def wire_rx(self, data: bytes, frame_id: int) -> None:
        """The far end's bits arrived: the MAC filter, then netif_rx()."""
        if not self.admin_up:
            return
        if not (data[0] & 1) and data[:6] != self.mac and self.promiscuity == 0:
            self.ns.trace.hop(self.ns.name, self.name, "link", "drop", frame_id,
                              f"{self.name}: hardware filter drops a frame for another MAC "
                              "(not promiscuous)", "nic_rx_filter", data)
            return
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "rx", frame_id,
                      f"{self.name}: frame received from the wire", "netif_receive_skb", data)
        self.netif_rx(data, frame_id)
