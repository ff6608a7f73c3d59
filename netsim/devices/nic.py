"""A physical Ethernet NIC (think e1000) plugged into a :class:`~netsim.wire.cable.Cable`.

Unlike veth and tap, a real NIC filters in hardware: unless it is promiscuous (a
bridge makes its ports promiscuous, ``tcpdump`` without ``-p`` does too) it drops
unicast frames for other MACs before the kernel sees them
(:class:`~netsim.devices.rx_filter.MacFilteringNic`). It pads short frames to 60 bytes
on the wire, as the hardware does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.devices.rx_filter import MacFilteringNic
from netsim.engine.trace import Step

if TYPE_CHECKING:
    from netsim.stack.skb import Skb

_RX = Step("link", "rx", "netif_receive_skb",
           lambda host, dev, data, a, b: f"{dev}: frame received from the wire")
_FILTERED = Step("link", "drop", "nic_rx_filter",
                 lambda host, dev, data, a, b: f"{dev}: hardware filter drops a frame for "
                 "another MAC (not promiscuous)")


class Nic(MacFilteringNic):
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
        # simpy's callbacks of a frame arriving here (see netsim.wire.cable._Arrival):
        # made once, shared by every arrival (simpy reads the tuple, never changes it)
        self.wire_rx_callbacks = (self.wire_rx,)

    def no_carrier_reason(self) -> str:
        return "no cable, or the far end is down" if self.cable else "no cable plugged in"

    def ndo_open(self) -> None:
        if self.cable is not None:
            self.cable.link_check()

    def ndo_stop(self) -> None:
        if self.cable is not None:
            self.cable.link_check()

    def queue_xmit(self, skb: Skb) -> None:
        """dev_queue_xmit() as every device has it (:meth:`NetDevice.queue_xmit`), with
        the common case -- up, carrier, nobody capturing -- going straight to the wire:
        :meth:`start_xmit`'s work written out, one Python call less on the path every
        frame of a NIC takes."""
        if not self.carrier or self.packet_taps or not self.admin_up:
            MacFilteringNic.queue_xmit(self, skb)  # drops and captures say their piece
            return
        data = skb.data
        stats = self.stats
        stats.tx_packets += 1
        stats.tx_bytes += len(data)
        self.cable.transmit(self, data, skb.frame_id)  # carrier: the cable is plugged in

    def start_xmit(self, skb: Skb) -> None:
        if self.cable is None or not self.carrier:
            self.stats["tx_carrier_errors"] += 1
            self.stats["tx_dropped"] += 1
            self.ns.trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                              f"{self.name}: no carrier (cable unplugged or far end down)",
                              "ndo_start_xmit", skb.data)
            return
        data = skb.data
        stats = self.stats
        stats.tx_packets += 1
        stats.tx_bytes += len(data)
        # The cable pads short frames (the hardware's job) and traces the driver's step
        # and its own in one row (netsim.wire.cable.XMIT).
        self.cable.transmit(self, data, skb.frame_id)

    # The cable hands over the far end's bits, as an skb for this NIC: the MAC filter,
    # then netif_receive_skb().
    wire_rx = MacFilteringNic.hw_receive_skb

    def rx_down_drop(self, data: bytes, frame_id: int) -> None:
        pass   # a down NIC is not listening: the bits are lost, nothing counts or says so

    rx_step = _RX  # the row of a frame the filter let through (MacFilteringNic)
    rx_filtered_step = _FILTERED  # and of one it dropped (a flood's frame for another MAC)
