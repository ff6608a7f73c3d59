"""Devices: RTM_NEWLINK / RTM_DELLINK (net/core/rtnetlink.c, dev.c, veth.c, br_netlink.c).

:func:`newlink` creates a device (`ip link add`), :func:`setlink` changes one (`ip link
set`), :func:`dellink` deletes one. Each checks the request in the kernel's order and
refuses it with the kernel's errno and extended-ack message (:class:`NetlinkError`).
The steps they are made of are the kernel's own verbs, for the tools that take one
step at a time (sysfs writes, qemu-bridge-helper, brctl): :func:`set_mtu`,
:func:`change_flags`, :func:`set_master`, :func:`rename`, :func:`move_to_namespace`,
:func:`alloc_name`.

Each request is checked completely before anything changes, so a refused request
leaves the world as it was. (The real kernel applies a request attribute by attribute
and can stop half-way -- e.g. ``ip link set br0 type bridge hello_time 100 max_age 1``
keeps the new hello_time although it fails, and a bridge refused its options at
creation has used up an ifindex. netsim refuses the whole request instead; the error
text and exit status are the same. One such trace is kept: a veth whose own name turns
out taken when it registers, after its peer did, has used up the peer's ifindex.)

What each step does to the model:

* create -- :class:`~netsim.bridge.Bridge` or a :class:`~netsim.devices.veth.Veth`
  pair (the peer registered first, so it gets the lower ifindex); ifindexes come from
  the namespace (:meth:`~netsim.stack.namespace.NetNamespace.alloc_ifindex`);
* ``master``/``nomaster`` -- ``br_add_if``/``br_del_if``;
* ``up``/``down`` -- ``dev_open``/``dev_close``; ``promisc``/``allmulticast`` -- the
  user's flag and the device's count; ``arp``/``multicast`` -- the device flags;
* ``netns`` -- the device leaves one namespace and joins another (addresses, routes and
  bridge membership are lost on the way, as in Linux).

tun/tap devices are not made here: Linux refuses them over rtnetlink, they come from
``/dev/net/tun`` (:func:`netsim.devices.tun.tun_set_iff`).
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.bridge import Bridge
from netsim.bridge.port import BridgeError, add_if, del_if
from netsim.devices.veth import Veth
from netsim.netlink import devinfo
from netsim.netlink.addr import IFNAMSIZ, kernel_order
from netsim.netlink.devinfo import IFF_ALLMULTI, IFF_MULTICAST, IFF_NOARP, IFF_PROMISC, IFF_UP
from netsim.packets.addr import is_valid_ether_addr
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

CREATABLE = ("bridge", "veth")

# get_net_ns_by_pid(), as the sender sees it: the namespace of process PID, or None
PidLookup = Callable[[int], "NetNamespace | None"]


class LinkInfoData:
    """IFLA_INFO_DATA: a kind's own options (``type bridge OPTS``).

    This base class is options of a kind the simulated kernel has no driver for; the
    bridge's are checked and applied by the code that parsed them (br_changelink()).
    ``slave`` data (``type bridge_slave``) goes to the device's master, first.
    """

    slave = False

    def validate(self, dev: NetDevice | None) -> None:
        """Everything the kind would refuse, before anything changes (None: a new device)."""

    def apply(self, dev: NetDevice) -> None:
        """Set what was asked, in the kind's order."""


@dataclass
class LinkRequest:
    """One RTM_NEWLINK/RTM_DELLINK: struct ifinfomsg and its IFLA_* attributes."""

    ifindex: int = 0               # ifi_index: the device the request is about (0: by name)
    name: str | None = None        # IFLA_IFNAME: the name to create, or the new name
    flags: int = 0                 # ifi_flags
    change: int = 0                # ifi_change: which flags to touch
    address: bytes | None = None   # IFLA_ADDRESS
    mtu: int | None = None         # IFLA_MTU
    txqlen: int | None = None      # IFLA_TXQLEN
    master: int | None = None      # IFLA_MASTER: an ifindex, 0 for nomaster
    netns: NetNamespace | int | None = None  # IFLA_NET_NS_FD (a namespace) or _PID (a pid)
    kind: str | None = None        # IFLA_INFO_KIND
    info_data: LinkInfoData | None = None  # IFLA_INFO_DATA
    peer: LinkRequest | None = None        # VETH_INFO_PEER (a veth's IFLA_INFO_DATA)

    def set_flag(self, bit: int, on: bool) -> None:
        self.change |= bit
        if on:
            self.flags |= bit
        else:
            self.flags &= ~bit


# ---------------------------------------------------------------------- checks
def _check_name_policy(name: str | None) -> None:
    """The netlink policy for IFLA_IFNAME: at most 15 bytes."""
    if name is not None and len(name.encode("utf-8", "surrogateescape")) >= IFNAMSIZ:
        raise NetlinkError(errno.EINVAL, "Attribute failed policy validation")


def _valid_name(name: str) -> bool:
    """dev_valid_name()."""
    return name not in (".", "..") and not any(c in "/:" or c.isspace() for c in name)


def _check_new_mtu(mtu: int | None, min_mtu: int, max_mtu: int, extack: bool = True) -> None:
    """dev_validate_mtu(): the kernel reads the value as an int (so -1 is below any minimum)."""
    if mtu is None:
        return
    value = mtu & 0xFFFFFFFF
    value = value - (1 << 32) if value >= 1 << 31 else value
    if value < 0 or value < min_mtu:
        raise NetlinkError(errno.EINVAL, "mtu less than device minimum" if extack else None)
    if max_mtu > 0 and value > max_mtu:
        raise NetlinkError(errno.EINVAL, "mtu greater than device maximum" if extack else None)


def _check_ether_addr(addr: bytes | None) -> None:
    """br_validate() / veth_validate(): six bytes, unicast, not zero."""
    if addr is None:
        return
    if len(addr) != 6:
        raise NetlinkError(errno.EINVAL)
    if not is_valid_ether_addr(addr):
        raise NetlinkError(errno.EADDRNOTAVAIL)


def _resolve_netns(target: NetNamespace | int | None,
                   pid_ns: PidLookup | None) -> NetNamespace | None:
    """rtnl_link_get_net(): a namespace given as such, or the one of a process (ESRCH)."""
    if target is None:
        return None
    if isinstance(target, int):
        found = pid_ns(target) if pid_ns is not None and target > 0 else None
        if found is None:
            raise NetlinkError(errno.ESRCH)
        return found
    return target


def _device(ns: NetNamespace, ifindex: int) -> NetDevice:
    dev = ns.by_index(ifindex)
    if dev is None:
        raise NetlinkError(errno.ENODEV)
    return dev


def alloc_name(ns: NetNamespace, template: str, taken: set[str] = frozenset()) -> str:
    """dev_alloc_name(): the lowest free number for a ``%d`` template."""
    n = 0
    while ns.get(template % n) is not None or template % n in taken:
        n += 1
    return template % n


# ---------------------------------------------------------------------- create
def newlink(ns: NetNamespace, req: LinkRequest, pid_ns: PidLookup | None = None) -> NetDevice:
    """RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL (`ip link add`): the new device."""
    kind = req.kind
    _check_name_policy(req.name)
    if req.peer is not None:
        _check_name_policy(req.peer.name)
    if kind == "tun":
        raise NetlinkError(errno.EOPNOTSUPP, "tun/tap creation via rtnetlink is not supported.")
    if kind in CREATABLE:
        _check_ether_addr(req.address)
    if req.name is not None and ns.get(req.name) is not None:
        raise NetlinkError(errno.EEXIST)
    if kind not in CREATABLE:
        raise NetlinkError(errno.EOPNOTSUPP, "Unknown device type")
    home = _resolve_netns(req.netns, pid_ns) or ns
    if req.name is not None and not _valid_name(req.name):
        raise NetlinkError(errno.EINVAL)
    # veth_validate() refuses a bad MTU itself (plain EINVAL); a bridge hits dev_validate_mtu()
    _check_new_mtu(req.mtu, 68, 65535, extack=kind == "bridge")
    if kind == "bridge":
        if req.info_data is not None:
            req.info_data.validate(None)
    else:
        peer_home = _check_peer(ns, req, home, pid_ns)
    master = _check_master_on_create(ns, req)
    if req.name is not None and home.get(req.name) is not None:
        # Found only at register_netdevice() of the new device in its namespace: a
        # veth's peer was registered first and has used up an ifindex there.
        if kind == "veth":
            peer_home.alloc_ifindex()
        raise NetlinkError(errno.EEXIST)
    if kind == "bridge":
        dev: NetDevice = _create_bridge(home, req)
    else:
        dev = _create_veth(home, peer_home, req)
    if req.change:
        change_flags(dev, req.flags, req.change)
    if master is not None:
        add_if(master, dev)
    return dev


def _check_peer(ns: NetNamespace, req: LinkRequest, home: NetNamespace,
                pid_ns: PidLookup | None) -> NetNamespace:
    """veth_newlink(): the peer's own name, namespace, address and MTU."""
    peer = req.peer
    if peer is None:
        return ns
    peer_home = _resolve_netns(peer.netns, pid_ns) or ns
    _check_ether_addr(peer.address)
    if peer.name is not None:
        if not _valid_name(peer.name):
            raise NetlinkError(errno.EINVAL)
        if peer_home.get(peer.name) is not None:
            raise NetlinkError(errno.EEXIST)
    _check_new_mtu(peer.mtu, 68, 65535, extack=False)
    return peer_home  # (a "master" given for the peer is ignored by veth_newlink())


def _check_master_on_create(ns: NetNamespace, req: LinkRequest) -> Bridge | None:
    if not req.master:
        return None
    master = ns.by_index(req.master)
    if master is None:
        raise NetlinkError(errno.EINVAL)  # do_set_master(): no such upper device
    if not master.is_bridge:
        raise NetlinkError(errno.EOPNOTSUPP)
    return master


def _prepare(dev: NetDevice, req: LinkRequest) -> None:
    """Attributes a new device has before it is registered (no notifications yet)."""
    if req.mtu is not None:
        dev.mtu = req.mtu
    if req.txqlen is not None:
        dev.txqlen = req.txqlen
    if req.address is not None:
        dev.mac = req.address
        dev.mac_set_by_user = True


def _create_bridge(home: NetNamespace, req: LinkRequest) -> Bridge:
    br = Bridge(home, req.name or alloc_name(home, "bridge%d"))
    if req.mtu is not None:
        br.mtu = req.mtu
        br.mtu_set_by_user = True
    if req.txqlen is not None:
        br.txqlen = req.txqlen
    home.register(br)
    if req.address is not None:
        br.set_mac(req.address)  # a bridge made with an address keeps it (and its id uses it)
    if req.info_data is not None:
        req.info_data.apply(br)
    return br


def _create_veth(home: NetNamespace, peer_home: NetNamespace, req: LinkRequest) -> Veth:
    """The peer is registered first, as veth_newlink() does (then the device's own name
    can be found taken: see newlink)."""
    peer_req = req.peer
    peer_name = (peer_req.name if peer_req is not None and peer_req.name
                 else alloc_name(peer_home, "veth%d"))
    peer = Veth(peer_home, peer_name, peer_home.random_mac())
    if peer_req is not None:
        _prepare(peer, peer_req)
    taken = {peer_name} if peer_home is home else set()
    name = req.name or alloc_name(home, "veth%d", taken)
    if name in taken:  # `ip link add v4 type veth peer name v4`
        peer_home.alloc_ifindex()
        raise NetlinkError(errno.EEXIST)
    dev = Veth(home, name, home.random_mac())
    _prepare(dev, req)
    peer_home.register(peer)
    home.register(dev)
    dev.peer, peer.peer = peer, dev
    if peer_home is not home:
        # rtnl_configure_link() announces the new end with its peer's namespace: that
        # namespace gets its id here and now (peernet2id_alloc), not when first shown
        home.nsid_of(peer_home)
    if peer_req is not None and peer_req.change:
        change_flags(peer, peer_req.flags, peer_req.change)
    return dev


# ---------------------------------------------------------------------- change
def setlink(ns: NetNamespace, req: LinkRequest, pid_ns: PidLookup | None = None) -> None:
    """RTM_NEWLINK on an existing device (`ip link set`): everything checked, then applied."""
    dev = _device(ns, req.ifindex)
    if req.info_data is not None and req.info_data.slave:
        req.info_data.apply(dev)  # slave_changelink(), before the device's own changes
    _check_kind(dev, req)
    target_ns = _check_netns_move(dev, req, pid_ns)
    _check_address(dev, req.address)
    min_mtu, max_mtu = devinfo.min_max_mtu(dev)
    _check_new_mtu(req.mtu, min_mtu, max_mtu)
    if req.name is not None and req.name != dev.name:
        _check_name_policy(req.name)
        if ns.get(req.name) is not None:
            raise NetlinkError(errno.EEXIST)
        if not _valid_name(req.name):
            raise NetlinkError(errno.EINVAL)
    if req.master is not None:
        set_master(dev, req.master)  # the one step that can still refuse: done first
    if req.info_data is not None and not req.info_data.slave:
        req.info_data.apply(dev)
    if target_ns is not None and target_ns is not dev.ns:
        move_to_namespace(dev, target_ns)
    if req.address is not None and req.address != dev.mac:
        dev.set_mac(req.address)
    if req.mtu is not None and req.mtu != dev.mtu:
        dev.set_mtu(req.mtu)
    if req.name is not None and req.name != dev.name:
        rename(dev, req.name)
    if req.change:
        change_flags(dev, req.flags, req.change)
    if req.txqlen is not None:
        set_txqlen(dev, req.txqlen)


def _check_kind(dev: NetDevice, req: LinkRequest) -> None:
    """``type KIND [ARGS]`` on an existing device: only a bridge's own options can change."""
    kind = req.kind
    if kind is None:
        return
    if kind == "tun":
        raise NetlinkError(errno.EOPNOTSUPP, "tun/tap creation via rtnetlink is not supported.")
    if kind in CREATABLE:
        _check_ether_addr(req.address)
    if (req.info_data is None or req.info_data.slave) and req.peer is None:
        return
    if kind != "bridge" or devinfo.kind(dev) != "bridge" or req.info_data is None:
        raise NetlinkError(errno.EOPNOTSUPP)
    req.info_data.validate(dev)


def _check_address(dev: NetDevice, addr: bytes | None) -> None:
    """dev_set_mac_address(): tun has no address to set; others want a unicast MAC."""
    if addr is None:
        return
    if not devinfo.has_address(dev):
        raise NetlinkError(errno.EOPNOTSUPP)
    if not is_valid_ether_addr(addr):  # (iproute2 itself checked the length)
        raise NetlinkError(errno.EADDRNOTAVAIL)


def _check_netns_move(dev: NetDevice, req: LinkRequest,
                      pid_ns: PidLookup | None) -> NetNamespace | None:
    target = _resolve_netns(req.netns, pid_ns)
    if target is None:
        return None
    if dev.is_bridge or dev.flag_loopback:  # NETIF_F_NETNS_LOCAL, checked first
        raise NetlinkError(errno.EINVAL, "The interface netns is immutable.")
    if target is dev.ns:
        return target
    if target.get(req.name or dev.name) is not None:
        raise NetlinkError(errno.EEXIST,
                           "An interface with the same name exists in the target netns.")
    return target


def change_flags(dev: NetDevice, flags: int, change: int) -> None:
    """dev_change_flags(): flags first, then up/down, then the promisc/allmulti counts."""
    if change & IFF_NOARP:
        dev.flag_noarp = bool(flags & IFF_NOARP)
    if change & IFF_MULTICAST:
        dev.flag_multicast = bool(flags & IFF_MULTICAST)
    if change & IFF_UP:
        if flags & IFF_UP:
            dev.open()
        else:
            dev.close()
    if change & IFF_PROMISC and bool(flags & IFF_PROMISC) != dev.user_promisc:
        dev.user_promisc = not dev.user_promisc
        dev.promiscuity += 1 if dev.user_promisc else -1
    if change & IFF_ALLMULTI and bool(flags & IFF_ALLMULTI) != dev.user_allmulti:
        dev.user_allmulti = not dev.user_allmulti
        dev.allmulti += 1 if dev.user_allmulti else -1


def set_mtu(dev: NetDevice, mtu: int, extack: bool = True) -> None:
    """dev_set_mtu(): within the driver's limits (lo has none); callers without an
    extended ack (a sysfs write) get the bare EINVAL."""
    _check_new_mtu(mtu, *devinfo.min_max_mtu(dev), extack=extack)
    if mtu != dev.mtu:
        dev.set_mtu(mtu)


def set_txqlen(dev: NetDevice, length: int) -> None:
    """dev_change_tx_queue_len(): any 32-bit length."""
    if length >= 1 << 32:
        raise NetlinkError(errno.ERANGE)
    dev.txqlen = length


def set_master(dev: NetDevice, ifindex: int) -> None:
    """do_set_master(): leave the current bridge, join the new one (0 = just leave)."""
    old = dev.master
    if old is not None and old.ifindex == ifindex:
        return
    new = None
    if ifindex:
        new = dev.ns.by_index(ifindex)
        if new is None:
            raise NetlinkError(errno.EINVAL)
        if not new.is_bridge:
            raise NetlinkError(errno.EOPNOTSUPP)
    if old is not None:
        del_if(old, dev)
    if new is None:
        return
    try:
        add_if(new, dev)
    except BridgeError as err:
        if old is not None:
            add_if(old, dev)  # put it back: a refused request changes nothing
        raise NetlinkError(err.code, err.extack) from None


def rename(dev: NetDevice, new: str) -> None:
    """dev_change_name(), then inetdev_changename(): the address labels follow the device --
    the first becomes the new name, the others keep their ``:suffix`` (or get ``:N``)."""
    mine = [ifa for ifa, _sec in kernel_order(dev.ns.ipv4.addresses, dev)]
    dev.ns.rename(dev, new)
    for n, ifa in enumerate(mine):
        old = ifa.label or ""
        if n == 0:
            ifa.label = new
            continue
        suffix = old[old.index(":"):] if ":" in old else f":{n + 1}"
        label = new + suffix
        if len(label) >= IFNAMSIZ:
            label = new[: IFNAMSIZ - len(suffix) - 1] + suffix
        ifa.label = label


def move_to_namespace(dev: NetDevice, target: NetNamespace) -> None:
    """dev_change_net_namespace(): the device is closed and unhooked from everything in
    its old namespace (bridge, addresses, routes, neighbours), then appears in the new
    one, keeping its ifindex when that number is free there."""
    old = dev.ns
    dev.close()
    old.notify("unregister", dev)
    dev.qdisc = None  # dev_shutdown(): the queueing discipline is destroyed
    del old.devices[dev.name]  # unlist_netdevice()
    dev.ns = target
    target.register(dev, ifindex=dev.ifindex)


# ---------------------------------------------------------------------- delete
def dellink(ns: NetNamespace, ifindex: int) -> None:
    """RTM_DELLINK (`ip link delete`): only devices with rtnl_link_ops go this way."""
    dev = _device(ns, ifindex)
    if devinfo.kind(dev) not in ("bridge", "veth", "tun"):
        raise NetlinkError(errno.EOPNOTSUPP)  # lo and real NICs have no rtnl_link_ops
    ns.unregister(dev)
