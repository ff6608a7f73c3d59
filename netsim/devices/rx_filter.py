"""The receive filter of Ethernet hardware: which frames a NIC lets through to its driver.

A NIC -- a physical one on a cable, or the one QEMU emulates for a guest -- compares
each received frame's destination MAC before it raises an interrupt: broadcast and
multicast frames pass, unicast ones only if they are for the NIC's own MAC, unless the
NIC is promiscuous (a bridge makes its ports promiscuous, ``tcpdump`` without ``-p``
does too). Frames for other MACs are dropped in hardware: the kernel never sees them,
so no counter of the interface moves. veth and tap have no such filter.

The filter also classifies the frame (``skb->pkt_type``), which is what
``eth_type_trans()`` would do in the driver; it is folded in here so that the per-frame
path reads the destination once.
"""

from __future__ import annotations

from netsim.engine.trace import Step
from netsim.stack.netdevice import RX_HANDLER_CONSUMED, NetDevice
from netsim.stack.skb import (
    PACKET_BROADCAST,
    PACKET_HOST,
    PACKET_MULTICAST,
    PACKET_OTHERHOST,
    Skb,
)

_BCAST = b"\xff" * 6


class MacFilteringNic(NetDevice):
    """A network device whose hardware filters received frames by destination MAC.

    :meth:`hw_receive` is the whole receive path, from the medium to
    ``netif_receive_skb()``; a subclass calls it under the name its medium uses
    (``wire_rx`` for a cable, ``deliver`` for a QEMU backend). The subclass only says,
    in the trace, what happened: :meth:`rx_down_drop`, :meth:`rx_filter_drop` and
    :meth:`rx_trace` run on the rare paths (device down, frame filtered, tracing on),
    so the common path has no call besides the bridge's or the stack's receive.
    """

    def __init__(self, ns, name: str, mac: bytes, *, rx_counts_multicast: bool = True) -> None:
        super().__init__(ns, name, mac)
        # Whether `ip -s link`'s "mcast" counts received multicast frames. An instance
        # attribute, not a class one: it is read per multicast frame, and that lookup
        # is the quicker one.
        self.rx_counts_multicast = rx_counts_multicast

    def hw_receive(self, data: bytes, frame_id: int) -> None:
        """A frame arrived: the MAC filter, then the kernel (``netif_receive_skb``)."""
        self.hw_receive_skb(Skb(data, frame_id, self))

    def hw_receive_skb(self, skb: Skb) -> None:
        """:meth:`hw_receive` for a medium that hands over the frame as an skb for this
        device already (the cable's arrival event is one: no second object per hop)."""
        data = skb.data
        frame_id = skb.frame_id
        if not self.admin_up:
            if self.ns.trace.enabled:
                self.rx_down_drop(data, frame_id)
            return
        dst = data[:6]
        if data[0] & 1:
            if dst == _BCAST:
                pkttype = PACKET_BROADCAST
            else:
                pkttype = PACKET_MULTICAST
                if self.rx_counts_multicast:
                    self.stats.multicast += 1
        elif dst == self.mac:
            pkttype = PACKET_HOST
        elif self.promiscuity:
            pkttype = PACKET_OTHERHOST
        else:  # a flooded frame for another host: half the hops of a big flood end here
            ns = self.ns
            if ns.trace.enabled:
                step = self.rx_filtered_step
                if step is None:
                    self.rx_filter_drop(data, frame_id)
                else:
                    ns.trace.add((ns.env._now, step, ns.name, self.name, frame_id, data, None,
                                  None))
            return
        stats = self.stats
        stats.rx_packets += 1
        stats.rx_bytes += len(data)
        ns = self.ns
        trace = ns.trace
        if trace.enabled:
            step = self.rx_step
            if step is None:
                self.rx_trace(data, frame_id)
            else:  # the row written here: a Python call less per hop
                trace.add((ns.env._now, step, ns.name, self.name, frame_id, data, None, None))
        skb.pkttype = pkttype
        # netif_receive()'s common case written out (a Python call less per hop): no
        # packet socket listening and an IPv4 or ARP frame go straight to the
        # rx_handler (a bridge port's), or else to the protocol -- ip_rcv for IPv4.
        if self.packet_taps or data[12] != 0x08 or (data[13] and data[13] != 0x06):
            self.netif_receive(skb)  # a capture first, or an EtherType that may be dropped
            return
        handler = self.rx_handler
        if handler is not None:
            if handler(skb) != RX_HANDLER_CONSUMED:
                ns.deliver_to_protocols(skb)
        elif data[13]:
            ns.deliver_to_protocols(skb)  # ARP
        else:
            ns.ipv4.rcv(skb, data, 14)

    # ------------------------------------------------------------------ what the trace says
    # Each kind of NIC tells these in its own words (a wire, or QEMU's device model).
    def rx_down_drop(self, data: bytes, frame_id: int) -> None:
        """The device is down: the frame is lost (called only while tracing)."""
        raise NotImplementedError

    rx_filtered_step: Step | None = None
    """Like :attr:`rx_step`, for a frame the filter dropped (else :meth:`rx_filter_drop`)."""

    def rx_filter_drop(self, data: bytes, frame_id: int) -> None:
        """The filter dropped a unicast frame for another MAC (not promiscuous; called
        only while tracing)."""
        raise NotImplementedError

    rx_step: Step | None = None
    """The trace step of a frame that passed the filter, when the row is that plain one
    (host, device, frame; nothing else): written without a call. Otherwise
    :meth:`rx_trace` says it."""

    def rx_trace(self, data: bytes, frame_id: int) -> None:
        """The frame passed the filter; called only while tracing (and ``rx_step`` is
        None)."""
        raise NotImplementedError
