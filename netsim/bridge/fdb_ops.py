"""The FDB as rtnetlink offers it (rtnl_fdb_add/del/dump in net/core/rtnetlink.c, then
br_fdb_add/br_fdb_delete in net/bridge/br_fdb.c, or ndo_dflt_fdb_add/del for a device
that is no bridge): what ``bridge fdb add/append/replace/del/show`` ask the kernel.

``master`` reaches the FDB of the bridge a port belongs to; ``self`` the device's own
entries: a bridge's FDB for a bridge, else its own address lists (dev->uc, dev->mc:
secondary unicast addresses and multicast groups). Refusals are
:class:`~netsim.stack.extack.NetlinkError`, with the kernel's extended-ack message
where it sends one (``FDB add only supported for Ethernet devices``).
"""

from __future__ import annotations

import errno
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.bridge.fdb import FdbEntry
from netsim.engine.units import elapsed_clock_t
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

# neighbour states (NUD_*) and flags (NTF_*) as rtnetlink carries them
NUD_REACHABLE, NUD_STALE, NUD_NOARP, NUD_PERMANENT = 0x02, 0x04, 0x40, 0x80
NTF_USE, NTF_SELF, NTF_MASTER, NTF_ROUTER = 0x01, 0x02, 0x04, 0x80
NTF_EXT_LEARNED, NTF_STICKY = 0x10, 0x40
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800


@dataclass
class FdbRecord:
    """One RTM_NEWNEIGH message of an AF_BRIDGE neighbour dump."""

    ifindex: int
    mac: bytes
    state: int
    is_self: bool = False
    master: int = 0
    used: int | None = None  # NDA_CACHEINFO, in clock ticks ago
    updated: int | None = None


def _ticks_ago(ns: NetNamespace, when: float) -> int:
    """jiffies_to_clock_t(jiffies - t): how long ago, in clock ticks (1/100 s)."""
    return elapsed_clock_t(ns.env.now - when)


def _entry_state(br: Bridge, entry: FdbEntry) -> int:
    """fdb_fill_info(): local -> permanent, static -> noarp, past its age -> stale."""
    if entry.is_local:
        return NUD_PERMANENT
    if entry.is_static:
        return NUD_NOARP
    if entry.updated + br.ageing_time <= br.ns.env.now:
        return NUD_STALE
    return NUD_REACHABLE


def _bridge_records(br: Bridge, filter_dev: NetDevice | None) -> list[FdbRecord]:
    """br_fdb_dump(): a port's entries (filter_dev), or the bridge's own (None) after its
    own address lists, newest first."""
    ns = br.ns
    out = [] if filter_dev is not None else _self_records(br)
    for entry in br.fdb:
        where = entry.port.dev if entry.port is not None else None
        if where is not filter_dev:
            continue
        used = entry.used if entry.used > 0 else entry.updated  # locals: since creation
        out.append(FdbRecord(where.ifindex if where is not None else br.ifindex, entry.mac,
                             _entry_state(br, entry), master=br.ifindex,
                             used=_ticks_ago(ns, used), updated=_ticks_ago(ns, entry.updated)))
    return out


@dataclass(eq=False)
class AddrLists:
    """A device's own address lists as ``bridge fdb add/del ... self`` changes them.

    The model keeps only the multicast groups the kernel joins by itself
    (NetDevice.mc_addresses()); what the user adds or deletes by hand is kept here, one
    per device that was ever changed: dev->uc, and the changes to dev->mc.
    """

    uc: list[bytes] = field(default_factory=list)  # secondary unicast addresses
    mc_added: list[bytes] = field(default_factory=list)  # dev_mc_add_excl(), after the kernel's
    mc_removed: set[bytes] = field(default_factory=set)  # kernel-joined groups deleted by hand

    def mc(self, dev: NetDevice) -> list[bytes]:
        """dev->mc: the kernel's groups less those deleted, then those added by hand."""
        return [m for m in dev.mc_addresses() if m not in self.mc_removed] + self.mc_added


_ADDR_LISTS: weakref.WeakKeyDictionary[NetDevice, AddrLists] = weakref.WeakKeyDictionary()
_UNCHANGED = AddrLists()  # read-only stand-in for a device nobody changed


def addr_lists(dev: NetDevice) -> AddrLists:
    """The device's address lists, to read (nothing is created for a device never changed)."""
    return _ADDR_LISTS.get(dev, _UNCHANGED)


def _addr_lists_for_change(dev: NetDevice) -> AddrLists:
    lists = _ADDR_LISTS.get(dev)
    if lists is None:
        lists = _ADDR_LISTS[dev] = AddrLists()
    return lists


def _self_records(dev: NetDevice) -> list[FdbRecord]:
    """ndo_dflt_fdb_dump(): the unicast then multicast lists of an Ethernet device."""
    if dev.link_type != "ether" or dev.flag_loopback:
        return []
    lists = addr_lists(dev)
    return [FdbRecord(dev.ifindex, mac, NUD_PERMANENT, is_self=True)
            for mac in lists.uc + lists.mc(dev)]


def fdb_dump(ns: NetNamespace, br_idx: int = 0, brport_idx: int = 0) -> list[FdbRecord]:
    """rtnl_fdb_dump(): every device in ifindex order, filtered by bridge and/or port.

    A port contributes its bridge's entries for it, then its own lists; a bridge its
    own lists, then the entries of the bridge itself (port None). With ``br_idx`` only
    that bridge and its ports are visited.
    """
    br_dev = ns.by_index(br_idx) if br_idx else None
    if br_idx and br_dev is None:
        raise NetlinkError(errno.ENODEV)
    out: list[FdbRecord] = []
    for dev in ns.in_order():
        if brport_idx and dev.ifindex != brport_idx:
            continue
        port_of: Bridge | None = dev.master
        if br_dev is not None:
            if dev is not br_dev and dev.br_port is None:
                continue
            if br_dev is not dev.master and not dev.is_bridge:
                continue
            port_of = br_dev if br_dev.is_bridge else None  # type: ignore[assignment]
        if dev.br_port is not None and port_of is not None and port_of.is_bridge:
            out += _bridge_records(port_of, dev)
        if dev.is_bridge:
            out += _bridge_records(dev, None)  # type: ignore[arg-type]
        else:
            out += _self_records(dev)
    return out


def _fdb_target(ns: NetNamespace, ifindex: int, mac: bytes, vid: int,
                action: str) -> NetDevice:
    """The checks rtnl_fdb_add()/rtnl_fdb_del() make before asking any driver."""
    dev = ns.by_index(ifindex)
    if dev is None:
        raise NetlinkError(errno.ENODEV, "unknown ifindex")
    if dev.link_type != "ether" or dev.flag_loopback:
        raise NetlinkError(errno.EINVAL, f"FDB {action} only supported for Ethernet devices")
    if vid >= 0 and not 1 <= vid < 4095:
        raise NetlinkError(errno.EINVAL, "invalid vlan id")
    return dev


def _br_fdb_add(br: Bridge, port: BridgePort | None, mac: bytes, state: int, flags: int,
                nlflags: int, vid: int) -> None:
    """br_fdb_add() + fdb_add_entry(): one entry of a bridge's FDB, made or changed."""
    if mac == bytes(6):
        raise NetlinkError(errno.EINVAL)
    if vid > 0:
        raise NetlinkError(errno.EINVAL)  # no VLAN is configured: vlan filtering is off
    now = br.ns.env.now
    if flags & NTF_USE:
        if port is None:
            raise NetlinkError(errno.EINVAL)
        if port.state in ("learning", "forwarding"):
            br.fdb.update(port, mac, 0)  # learned as if a frame came in
            br.fdb.entries[mac].added_by_user = True
        return
    if port is not None and not state & (NUD_PERMANENT | NUD_NOARP) \
            and port.state not in ("learning", "forwarding"):
        raise NetlinkError(errno.EPERM)
    if port is None and not state & NUD_PERMANENT:
        raise NetlinkError(errno.EINVAL)
    if flags & NTF_STICKY and state & NUD_PERMANENT:
        raise NetlinkError(errno.EINVAL)
    entry = br.fdb.find(mac)
    if entry is None:
        if not nlflags & NLM_F_CREATE:
            raise NetlinkError(errno.ENOENT)
        entry = FdbEntry(mac, port, updated=now, used=now)
        br.fdb.entries[mac] = entry  # hlist_add_head: the newest entry
    else:
        if nlflags & NLM_F_EXCL:
            raise NetlinkError(errno.EEXIST)
        entry.port = port
    entry.is_local = bool(state & NUD_PERMANENT)
    entry.is_static = bool(state & (NUD_PERMANENT | NUD_NOARP))
    entry.added_by_user = True
    entry.used = entry.updated = now


def fdb_add(ns: NetNamespace, ifindex: int, mac: bytes, state: int, flags: int,
            nlflags: int, vid: int = -1) -> None:
    """rtnl_fdb_add(): the bridge of a port (``master``), then the device itself (``self``)."""
    dev = _fdb_target(ns, ifindex, mac, vid, "add")
    err: NetlinkError | None = NetlinkError(errno.EOPNOTSUPP)
    if (not flags & (NTF_SELF | NTF_MASTER) or flags & NTF_MASTER) and dev.br_port is not None:
        _br_fdb_add(dev.master, dev.br_port, mac, state, flags, nlflags, vid)
        err = None
    if flags & NTF_SELF:
        if dev.is_bridge:
            _br_fdb_add(dev, None, mac, state, flags, nlflags, vid)  # type: ignore[arg-type]
        else:
            _dflt_fdb_add(dev, mac, state, nlflags, vid)
        err = None
    if err is not None:
        raise err


def _dflt_fdb_add(dev: NetDevice, mac: bytes, state: int, nlflags: int, vid: int) -> None:
    """ndo_dflt_fdb_add(): a secondary address on the device's own uc or mc list."""
    if state and not state & NUD_PERMANENT:
        raise NetlinkError(errno.EINVAL)  # "default FDB implementation only supports local"
    if vid > 0:
        raise NetlinkError(errno.EINVAL)
    multicast = bool(mac[0] & 1) and mac[:3] != b"\x01\x80\xc2"
    lists = addr_lists(dev)
    present = mac in (lists.mc(dev) if multicast else lists.uc)
    if present:
        if nlflags & NLM_F_EXCL:
            raise NetlinkError(errno.EEXIST)
        return
    lists = _addr_lists_for_change(dev)
    if multicast and mac in lists.mc_removed:
        lists.mc_removed.discard(mac)
    elif multicast:
        lists.mc_added.append(mac)
    else:
        lists.uc.append(mac)


def fdb_del(ns: NetNamespace, ifindex: int, mac: bytes, state: int, flags: int,
            vid: int = -1) -> None:
    """rtnl_fdb_del(): remove from the port's bridge (``master``) and/or the device."""
    dev = _fdb_target(ns, ifindex, mac, vid, "delete")
    err: NetlinkError | None = NetlinkError(errno.EOPNOTSUPP)
    if (not flags & (NTF_SELF | NTF_MASTER) or flags & NTF_MASTER) and dev.br_port is not None:
        _br_fdb_del(dev.master, dev.br_port, mac)
        err = None
    if flags & NTF_SELF:
        if dev.is_bridge:
            _br_fdb_del(dev, None, mac)  # type: ignore[arg-type]
        else:
            _dflt_fdb_del(dev, mac, state)
        err = None
    if err is not None:
        raise err


def _br_fdb_del(br: Bridge, port: BridgePort | None, mac: bytes) -> None:
    """fdb_delete_by_addr_and_port(): the entry must be there and behind that port."""
    entry = br.fdb.find(mac)
    if entry is None or entry.port is not port:
        raise NetlinkError(errno.ENOENT)
    br.fdb.delete(mac)


def _dflt_fdb_del(dev: NetDevice, mac: bytes, state: int) -> None:
    """ndo_dflt_fdb_del(): only "permanent" entries of the device's own lists."""
    if not state & NUD_PERMANENT:
        raise NetlinkError(errno.EINVAL)
    lists = addr_lists(dev)
    if mac[0] & 1 and mac[:3] != b"\x01\x80\xc2":
        if mac in lists.mc_added:
            _addr_lists_for_change(dev).mc_added.remove(mac)
        elif mac in dev.mc_addresses() and mac not in lists.mc_removed:
            _addr_lists_for_change(dev).mc_removed.add(mac)
        else:
            raise NetlinkError(errno.ENOENT)
    elif mac in lists.uc:
        _addr_lists_for_change(dev).uc.remove(mac)
    else:
        raise NetlinkError(errno.ENOENT)
