"""lo: what a host sends to itself comes straight back in (drivers/net/loopback.c)."""

from __future__ import annotations

from netsim.stack.netdevice import NetDevice
from netsim.stack.skb import PACKET_HOST, Skb, skb_for


class Loopback(NetDevice):
    kind = ""
    link_type = "loopback"
    flag_broadcast = False
    flag_multicast = False
    flag_loopback = True
    tx_csum_offload = True

    def __init__(self, ns) -> None:
        super().__init__(ns, "lo", bytes(6), mtu=65536)

    @property
    def operstate(self) -> str:
        return "UNKNOWN" if self.admin_up else "DOWN"

    def start_xmit(self, skb: Skb) -> None:
        """loopback_xmit(): count, then netif_rx() on ourselves (later, from the backlog)."""
        self.count_tx(len(skb.data))
        self.ns.lab.call_soon(self._loop_back, skb)

    def _loop_back(self, skb: Skb) -> None:
        self.stats["rx_packets"] += 1
        self.stats["rx_bytes"] += len(skb.data)
        self.netif_receive(skb_for(skb.csum_partial)(skb.data, skb.frame_id, self, PACKET_HOST))
