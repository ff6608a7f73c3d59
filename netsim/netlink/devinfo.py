"""What the kernel tells the tools about a device (RTM_NEWLINK's attributes), from the model.

`ip link` does not look at a device; it asks the kernel over rtnetlink and prints
the attributes it gets back. This module is that kernel side (rtnl_fill_ifinfo): it reads a
:class:`~netsim.stack.netdevice.NetDevice` and answers with the values the real
kernel would put in the message -- the interface flags as ``dev_get_flags()``
computes them, the kind of device (``IFLA_INFO_KIND``), the numbers that only
``ip -d`` shows. :mod:`netsim.cli.ip.link_show` turns them into text or JSON.

A few values are facts about Linux rather than state of the model (queue counts,
GSO/TSO limits, IPv6 address generation mode); they are recorded here as observed
with iproute2 6.1 on Linux 6.18 (2 CPUs, HZ=250).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

# net_device_flags bits, in the order iproute2 prints them
IFF_UP = 0x1
IFF_BROADCAST = 0x2
IFF_LOOPBACK = 0x8
IFF_POINTOPOINT = 0x10
IFF_RUNNING = 0x40
IFF_NOARP = 0x80
IFF_PROMISC = 0x100
IFF_ALLMULTI = 0x200
IFF_MULTICAST = 0x1000
IFF_LOWER_UP = 0x10000

FLAG_NAMES = (  # print_link_flags() order (NO-CARRIER is printed apart)
    (IFF_LOOPBACK, "LOOPBACK"), (IFF_BROADCAST, "BROADCAST"),
    (IFF_POINTOPOINT, "POINTOPOINT"), (IFF_MULTICAST, "MULTICAST"), (IFF_NOARP, "NOARP"),
    (IFF_ALLMULTI, "ALLMULTI"), (IFF_PROMISC, "PROMISC"), (IFF_UP, "UP"),
    (IFF_LOWER_UP, "LOWER_UP"),
)

# Kinds the kernel knows by name (their modules are loaded): `ip link show type X`
# is filtered by the kernel for these, by iproute2 itself for any other word.
KNOWN_KINDS = ("bridge", "veth", "tun")

VETH_QUEUES = 2      # veth gets one queue per possible CPU
TUN_MQ_QUEUES = 256  # MAX_TAP_QUEUES for a multi_queue tun/tap
TSO_MAX_SIZE = 524280
GSO_MAX_SIZE = 65536


def if_flags(dev: NetDevice) -> int:
    """dev_get_flags(): the interface flags as `ip link` receives them."""
    flags = 0
    if dev.flag_loopback:
        flags |= IFF_LOOPBACK
    if dev.flag_broadcast:
        flags |= IFF_BROADCAST
    if dev.flag_pointopoint:
        flags |= IFF_POINTOPOINT
    if dev.flag_multicast:
        flags |= IFF_MULTICAST
    if dev.flag_noarp:
        flags |= IFF_NOARP
    # only what the user asked for shows (dev->gflags), not a bridge's or a capture's count
    if dev.user_allmulti:
        flags |= IFF_ALLMULTI
    if dev.user_promisc:
        flags |= IFF_PROMISC
    if dev.admin_up:
        flags |= IFF_UP
        if dev.operstate in ("UP", "UNKNOWN"):
            flags |= IFF_RUNNING  # netif_oper_up()
        if dev.carrier:
            flags |= IFF_LOWER_UP
    return flags


def kind(dev: NetDevice) -> str:
    """IFLA_INFO_KIND ("" for devices without rtnl_link_ops: lo, physical NICs)."""
    return dev.kind or ""


def link_info(ns: NetNamespace, dev: NetDevice) -> tuple[int, int | None]:
    """(IFLA_LINK, IFLA_LINK_NETNSID): the device below, and its namespace's id if foreign.

    Only sent when the device has one (a veth's peer); (0, None) otherwise.
    """
    peer = getattr(dev, "peer", None)
    if dev.kind != "veth":
        return 0, None
    if peer is None:
        return 0, None
    if peer.ns is not dev.ns:
        return peer.ifindex, ns.nsid_of(peer.ns)
    return peer.ifindex, None


def qdisc(dev: NetDevice) -> str:
    return dev.qdisc or "noop"


def queues(dev: NetDevice) -> int:
    if dev.kind == "veth":
        return VETH_QUEUES
    if dev.kind == "tun" and getattr(dev, "multi_queue", False):
        return TUN_MQ_QUEUES
    return 1


def tso_max_size(dev: NetDevice) -> int:
    """What the driver announces; a bridge takes the smallest of its ports'."""
    if dev.flag_loopback or dev.kind == "veth":
        return TSO_MAX_SIZE
    if dev.is_bridge:
        ports = getattr(dev, "ports", [])
        if ports:
            return min(tso_max_size(p.dev) for p in ports)
    return GSO_MAX_SIZE


def min_max_mtu(dev: NetDevice) -> tuple[int, int]:
    if dev.flag_loopback:
        return 0, 0  # loopback sets no limits (any MTU goes)
    return dev.min_mtu, dev.max_mtu


def link_type(dev: NetDevice) -> str:
    return dev.link_type


def has_address(dev: NetDevice) -> bool:
    """addr_len != 0: tun (ARPHRD_NONE) has no link-layer address at all."""
    return dev.link_type != "none"


def broadcast(dev: NetDevice) -> bytes:
    if dev.flag_loopback:
        return bytes(6)
    return b"\xff" * 6
