"""veth: two devices joined back to back; what one transmits the other receives.

The peer may live in another host (namespace): that is how the recordings wire a
"LAN" to a host. Carrier is on only while *both* ends are up (veth_open / veth_close).
Delivery goes through the receiving host's backlog (netif_rx), so it happens a
moment later in simulated time, never re-entrantly.

Counters (Linux 6.18, ``fid_dev_veth_counters``): a frame the peer cannot take (the peer
is down, or the frame is longer than its MTU + 18: ``__dev_forward_skb`` ->
``is_skb_forwardable``) counts once in the sender's tx_dropped and once in the peer's
rx_dropped; a delivered one in the sender's tx and the peer's rx.
"""

from __future__ import annotations

from netsim.stack.netdevice import NetDevice
from netsim.stack.skb import Skb

VETH_DELAY = 1e-6  # seconds from veth_xmit to the peer's receive: the backlog softirq


class Veth(NetDevice):
    kind = "veth"
    speed_mbps = 10000
    tx_csum_offload = True
    max_mtu = 65535

    def __init__(self, ns, name: str, mac: bytes) -> None:
        super().__init__(ns, name, mac)
        self.peer: Veth | None = None
        self.carrier = False
        self.carrier_changes = 1  # veth_newlink(): registered with carrier, then carrier off
        self.operstate_known = True  # registered without carrier: linkwatch ran

    def no_carrier_reason(self) -> str:
        return "its veth peer is down"

    def iflink(self) -> int:
        return self.peer.ifindex if self.peer is not None else 0

    def ndo_open(self) -> None:
        """veth_open(): carrier on for both ends once the peer is up too."""
        if self.peer is not None and self.peer.admin_up:
            self.set_carrier(True)
            self.peer.set_carrier(True)

    def ndo_stop(self) -> None:
        """veth_close(): both ends lose carrier."""
        self.set_carrier(False)
        if self.peer is not None:
            self.peer.set_carrier(False)

    def uninit(self) -> None:
        """Deleting one end of a pair deletes the other (veth_dellink)."""
        peer, self.peer = self.peer, None
        if peer is not None:
            peer.peer = None
            peer.ns.unregister(peer)

    def start_xmit(self, skb: Skb) -> None:
        """veth_xmit(): count, then the peer receives it (or it is dropped if the peer is down)."""
        peer = self.peer
        if peer is None or not peer.admin_up or len(skb.data) > peer.mtu + 18:
            self.stats["tx_dropped"] += 1
            why = "peer is down"
            if peer is not None:
                peer.stats["rx_dropped"] += 1
                if peer.admin_up:
                    why = (f"the frame ({len(skb.data)} bytes) is longer than the peer's MTU "
                           f"{peer.mtu} + 18")
            self.ns.trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                              f"{self.name}: {why}", "veth_xmit", skb.data)
            return
        self.count_tx(len(skb.data))
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "tx", skb.frame_id,
                      f"{self.name} -> veth peer {peer.ns.name}:{peer.name}", "veth_xmit",
                      skb.data)
        self.ns.lab.call_later(VETH_DELAY, peer.veth_rx, skb.data, skb.frame_id,
                               skb.csum_partial)

    def veth_rx(self, data: bytes, frame_id: int, csum_partial: bool = False) -> None:
        if not self.admin_up:
            self.stats["rx_dropped"] += 1
            return
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "rx", frame_id,
                      f"{self.name} received from its veth peer", "netif_rx", data)
        self.netif_rx(data, frame_id, csum_partial)  # the skb goes over as it is
