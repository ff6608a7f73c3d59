"""struct net_device: what every network interface has, whatever its driver.

A device has two directions:

* **transmit** -- :meth:`NetDevice.queue_xmit` (``dev_queue_xmit``): captures see the
  frame as *outgoing*, counters move, then the driver's :meth:`start_xmit`
  (``ndo_start_xmit``) takes it: a veth hands it to its peer, a tap queues it for
  the process holding /dev/net/tun, a bridge looks up its FDB.
* **receive** -- :meth:`NetDevice.netif_receive` (``__netif_receive_skb_core``):
  captures see the frame first, then the **rx_handler** if one is set (a bridge
  port's is ``br_handle_frame``: the frame is the bridge's now, and the device's own
  IP address never sees it -- seed claim S3), else the protocol handlers of this
  host (IPv4, ARP).

Device code never asks "am I in a bridge?": enslaving only sets ``rx_handler``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.stack import devstats
from netsim.stack.skb import PACKET_OUTGOING, Skb, eth_type_trans, skb_for

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace

# rx_handler results (enum rx_handler_result)
RX_HANDLER_CONSUMED = 0
RX_HANDLER_PASS = 1

STAT_KEYS = devstats.STAT_KEYS


class NetDevice:
    """A network interface in one host's kernel. Subclasses are the drivers."""

    kind = "generic"          # what `ip -d link` calls it (info_kind), "" for none
    link_type = "ether"       # ARPHRD_* as iproute2 names it
    has_queue = False         # IFF_NO_QUEUE devices show qdisc "noqueue" once up
    default_qdisc = "pfifo_fast"
    min_mtu, max_mtu = 68, 65535
    flag_broadcast = True
    flag_multicast = True
    flag_pointopoint = False
    flag_noarp = False
    flag_loopback = False
    is_bridge = False
    speed_mbps: int | None = None  # what ethtool reports; the bridge derives port cost from it
    # NETIF_F_HW_CSUM: a local UDP datagram routed out of this device is left
    # CHECKSUM_PARTIAL (see netsim.stack.skb.PartialSkb). Linux: veth, lo and the bridge
    # have it; a tap or tun gets it only from TUNSETOFFLOAD (QEMU's virtio-net), and
    # netsim's NIC is one with checksum offload off (`ethtool -K eth0 tx off`).
    tx_csum_offload = False

    def __init__(self, ns: NetNamespace, name: str, mac: bytes, *, mtu: int = 1500,
                 txqlen: int = 1000) -> None:
        self.ns = ns
        self.name = name
        # "host:dev", as the trace names a cable's far end (kept up to date by
        # NetNamespace.register and rename: formatting it per frame would cost more)
        self.qualified_name = f"{ns.name}:{name}"
        self.ifindex = 0          # given by NetNamespace.register
        self.mac = mac
        self.mac_set_by_user = False
        # the class's answer, kept on the instance: read once per datagram sent, and an
        # instance attribute is the quick lookup for a class without __slots__
        self.tx_csum_offload = self.tx_csum_offload
        self.mtu = mtu
        self.txqlen = txqlen
        self.admin_up = False
        self.carrier = True
        self.operstate_known = False  # linkwatch has not yet run: state UNKNOWN while up
        self.qdisc: str | None = None  # "noop" until first opened
        self.promiscuity = 0      # a count: the user's "promisc on", a bridge, a capture...
        self.allmulti = 0
        # dev->gflags: what the *user* asked for (`ip link set DEV promisc on`); only
        # these show as PROMISC/ALLMULTI in `ip link`, whatever the counts above say.
        self.user_promisc = False
        self.user_allmulti = False
        self.master = None        # the Bridge this device is a port of
        self.br_port = None       # its BridgePort
        self.rx_handler: Callable[[Skb], int] | None = None
        self.packet_taps: list = []  # AF_PACKET sockets bound to this device (captures)
        self.stats = devstats.DeviceStats()
        # carrier_up_count + carrier_down_count (IFLA_CARRIER_CHANGES, `ip -s -s`'s transns)
        self.carrier_changes = 0

    # ------------------------------------------------------------------ state
    @property
    def running(self) -> bool:
        """IFF_UP: administratively up."""
        return self.admin_up

    @property
    def lower_up(self) -> bool:
        """IFF_LOWER_UP / IFF_RUNNING: up and with carrier."""
        return self.admin_up and self.carrier

    def iflink(self) -> int:
        """dev_get_iflink(): the ifindex of the device below (a veth's peer), else our own."""
        return self.ifindex

    @property
    def operstate(self) -> str:
        """RFC 2863 operational state as the kernel's linkwatch computes it."""
        if not self.admin_up:
            return "DOWN"
        if not self.carrier:
            # default_operstate(): is the device below the reason? It is looked up by
            # ifindex in *this* namespace: a veth whose peer moved away finds nothing
            # there (DOWN), or whatever device has that number (recorded on Linux 6.18:
            # fid_net_veth_netns); a lower device that is up is not the reason (DOWN)
            iflink = self.iflink()
            if iflink == self.ifindex:
                return "DOWN"
            lower = self.ns.by_index(iflink)
            if lower is None:
                return "DOWN"
            oper_up = lower.admin_up and lower.carrier and \
                lower.operstate in ("UP", "UNKNOWN")
            return "DOWN" if oper_up else "LOWERLAYERDOWN"
        return "UP" if self.operstate_known else "UNKNOWN"

    def set_carrier(self, on: bool) -> None:
        """netif_carrier_on/off: a change fires linkwatch, which fixes operstate."""
        if on == self.carrier:
            return
        self.carrier = on
        self.carrier_changes += 1
        self.operstate_known = True
        self.ns.notify("change", self)

    def open(self) -> None:
        """dev_open(): ``ip link set DEV up``."""
        if self.admin_up:
            return
        self.admin_up = True
        if self.qdisc is None:
            self.qdisc = self.default_qdisc if self.has_queue else "noqueue"
        self.ndo_open()
        self.ns.notify("up", self)

    def close(self) -> None:
        """dev_close(): ``ip link set DEV down``."""
        if not self.admin_up:
            return
        self.admin_up = False
        self.ndo_stop()
        self.ns.notify("down", self)

    def ndo_open(self) -> None:
        """Driver hook run when the device comes up."""

    def ndo_stop(self) -> None:
        """Driver hook run when the device goes down."""

    def set_mac(self, mac: bytes) -> None:
        """dev_set_mac_address(): ``ip link set DEV address MAC``."""
        self.mac = mac
        self.mac_set_by_user = True
        self.ns.notify("changeaddr", self)

    def set_mtu(self, mtu: int) -> None:
        self.mtu = mtu
        self.ns.notify("changemtu", self)

    def uninit(self) -> None:
        """Driver hook run when the device is unregistered."""

    def mc_addresses(self) -> list[bytes]:
        """dev->mc: the multicast MACs this device listens to (`bridge fdb` shows them "self").

        With IPv6 disabled (as in the recordings) every Ethernet device still joins
        33:33:00:00:00:01 when registered; IPv4's all-hosts group 224.0.0.1
        (01:00:5e:00:00:01) is joined while the device is up. A bridge that is up
        also joins 224.0.0.106 / ff02::6a for multicast router discovery.
        (Observed on Linux 6.18 with `bridge fdb show`.)
        """
        if self.link_type != "ether" or self.flag_loopback:
            return []
        out = [b"\x33\x33\x00\x00\x00\x01"]
        if self.admin_up:
            if self.is_bridge:
                out += [b"\x01\x00\x5e\x00\x00\x6a", b"\x33\x33\x00\x00\x00\x6a"]
            out.append(b"\x01\x00\x5e\x00\x00\x01")
        return out

    # ------------------------------------------------------------------ transmit
    def queue_xmit(self, skb: Skb) -> None:
        """dev_queue_xmit(): hand a frame to the driver, after the captures saw it."""
        if not self.admin_up:
            self.stats["tx_dropped"] += 1
            self.ns.trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                              f"{self.name} is down: frame not sent", "__dev_queue_xmit",
                              skb.data)
            return
        if not self.carrier:
            # dev_deactivate() put noop_qdisc in place; noop_enqueue() counts the drop
            # (tx_dropped) and says NET_XMIT_CN, which the sender does not see as an error
            self.stats["tx_dropped"] += 1
            self.ns.trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                              f"{self.name} has no carrier ({self.no_carrier_reason()}): "
                              "its queue discipline is deactivated, frame dropped",
                              "noop_enqueue", skb.data, l3=self.link_type == "none")
            return
        if self.packet_taps:
            for tap in self.packet_taps:
                tap.deliver(skb.data, PACKET_OUTGOING)
        self.start_xmit(skb)

    def no_carrier_reason(self) -> str:
        """Why this kind of device has no carrier, in a student's words."""
        return "link down"

    def start_xmit(self, skb: Skb) -> None:
        """ndo_start_xmit(): the driver's transmit. Default: drop."""
        self.stats["tx_dropped"] += 1

    def count_tx(self, nbytes: int) -> None:
        stats = self.stats
        stats.tx_packets += 1
        stats.tx_bytes += nbytes

    # ------------------------------------------------------------------ receive
    def netif_rx(self, data: bytes, frame_id: int, csum_partial: bool = False) -> None:
        """A driver received ``data`` from its medium: eth_type_trans, then the core.

        veth and tun count no received multicast (``ip -s link``'s mcast stays 0 while a
        bridge port hears BPDUs, as on Linux 6.18); NIC drivers do (see rx_filter).
        ``csum_partial``: the frame comes CHECKSUM_PARTIAL from a veth peer.
        """
        stats = self.stats
        stats.rx_packets += 1
        stats.rx_bytes += len(data)
        self.netif_receive(skb_for(csum_partial)(data, frame_id, self,
                                                 eth_type_trans(data, self.mac)))

    def netif_receive(self, skb: Skb) -> None:
        """__netif_receive_skb_core(): taps, then rx_handler, then the protocol handlers.

        A frame no handler takes (no packet socket on the device, an EtherType none of
        the host's protocols has registered) is counted in rx_dropped; IPv4 and ARP pass
        the first tests, so the common case costs two byte comparisons."""
        if self.packet_taps:
            for tap in self.packet_taps:
                tap.deliver(skb.data, skb.pkttype)
        handler = self.rx_handler
        if handler is not None and handler(skb) == RX_HANDLER_CONSUMED:
            return
        data = skb.data
        if ((data[12] != 0x08 or (data[13] and data[13] != 0x06)) and not self.packet_taps
                and no_handler(data)):
            self.stats["rx_dropped"] += 1
        self.ns.deliver_to_protocols(skb)


_HANDLED = frozenset((0x0800, 0x0806, 0x86DD))
"""EtherTypes with a ptype handler on a Linux 6.18 host with IPv6 off: ip_rcv, arp_rcv,
ipv6_rcv (loaded, and it drops, uncounted here)."""


def no_handler(data: bytes) -> bool:
    """Would __netif_receive_skb_core() find no packet_type for this frame (and count it in
    rx_dropped)? An 802.1Q/802.1ad tag is taken off first (skb_vlan_untag) and the
    inner EtherType decides; an 802.3 length field is LLC's (the llc module is loaded
    with the bridge), unless the payload starts ff ff (raw 802.3, Novell's: no handler).
    Measured on Linux 6.18 by writing frames of each kind into a tap."""
    ethertype = (data[12] << 8) | data[13]
    if ethertype in (0x8100, 0x88A8) and len(data) >= 18:
        ethertype = (data[16] << 8) | data[17]
    if ethertype < 0x0600:
        return data[14:16] == b"\xff\xff"
    return ethertype not in _HANDLED
