"""``bridge`` (iproute2 6.1): the forwarding database and the ports of Linux bridges.

Two objects are simulated:

* ``bridge fdb`` -- ``show`` lists the *neighbour table* of the AF_BRIDGE family: for
  every device (by ifindex), first the entries a bridge holds for it as a port
  (``MAC dev eth0 master br0`` + ``permanent``/``static``/nothing for learned ones),
  then the device's own address lists (``MAC dev eth0 self permanent``: the
  multicast groups it listens to). ``add``/``append``/``replace``/``del`` change a
  bridge's FDB (``master``) or a device's own list (``self``, the default!).
* ``bridge link`` -- ``show`` lists bridge ports with their STP state, priority and
  cost (``-d``: the port flags); ``set`` changes those.

As with ``ip``, the command is split in two halves: this module parses like iproute2
does and prints like it, and the "kernel side" (:func:`fdb_dump`, :func:`fdb_add`,
:func:`fdb_del`, :func:`link_set`) answers from the model with the errno the kernel
would return -- printed as ``RTNETLINK answers: File exists`` -- or its extended-ack
message (``Error: FDB add only supported for Ethernet devices.``).

Two quirks of the real tool are kept because students meet them: a text line of
``fdb show`` ends with a space (``02:00:00:00:02:01 dev eth0 master br0 ``, the empty
state of a learned entry), and ``bridge link`` names a veth's peer by looking its
ifindex up *in this namespace* (the kernel sends no namespace id here), so a peer
living elsewhere shows as whatever local device has that number, or ``if7``.

``bridge vlan show`` prints the (empty) table of a kernel without VLAN filtering;
``mdb``, ``vni``, ``monitor``, ``fdb get``/``flush`` and the VXLAN-only fdb options are
not simulated and say so. ``-c`` (colour) is accepted but prints no colour.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.bridge.fdb import FdbEntry
from netsim.cli.ip import devinfo
from netsim.cli.ip.args import IpExit, duparg, duparg2, emit, incomplete, invarg, matches
from netsim.cli.ip.link_show import print_flags
from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.engine.units import KERNEL_HZ, USER_HZ
from netsim.netlink import NetlinkError
from netsim.pseudofs.bridge import PORT_STATES, port_store
from netsim.user.io import Io

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort
    from netsim.host import Host
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

VERSION = "6.1.0"

USAGE = (
    "Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n"
    "       bridge [ -force ] -batch filename\n"
    "where  OBJECT := { link | fdb | mdb | vlan | monitor }\n"
    "       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |\n"
    "                    -o[neline] | -t[imestamp] | -n[etns] name |\n"
    "                    -c[ompressvlans] -color -p[retty] -j[son] }\n")

FDB_USAGE = (
    "Usage: bridge fdb { add | append | del | replace } ADDR dev DEV\n"
    "              [ self ] [ master ] [ use ] [ router ] [ extern_learn ]\n"
    "              [ sticky ] [ local | static | dynamic ] [ vlan VID ]\n"
    "              { [ dst IPADDR ] [ port PORT] [ vni VNI ] | [ nhid NHID ] }\n"
    "\t       [ via DEV ] [ src_vni VNI ]\n"
    "       bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ vlan VID ]\n"
    "              [ state STATE ] [ dynamic ] ]\n"
    "       bridge fdb get [ to ] LLADDR [ br BRDEV ] { brport | dev } DEV\n"
    "              [ vlan VID ] [ vni VNI ] [ self ] [ master ] [ dynamic ]\n"
    "       bridge fdb flush dev DEV [ brport DEV ] [ vlan VID ]\n"
    "              [ self ] [ master ] [ [no]permanent | [no]static | [no]dynamic ]\n"
    "              [ [no]added_by_user ] [ [no]extern_learn ] [ [no]sticky ]\n"
    "              [ [no]offloaded ]\n")

LINK_USAGE = (
    "Usage: bridge link set dev DEV [ cost COST ] [ priority PRIO ] [ state STATE ]\n"
    + "".join(f"                               [ {opt} {{on | off}} ]\n" for opt in (
        "guard", "hairpin", "fastleave", "root_block", "learning", "learning_sync",
        "flood"))
    + "                               [ mcast_router MULTICAST_ROUTER ]\n"
    + "".join(f"                               [ {opt} {{on | off}} ]\n" for opt in (
        "mcast_flood", "bcast_flood", "mcast_to_unicast", "neigh_suppress", "vlan_tunnel",
        "isolated", "locked"))
    + "                               [ hwmode {vepa | veb} ]\n"
    "                               [ backup_port DEVICE ] [ nobackup_port ]\n"
    "                               [ self ] [ master ]\n"
    "       bridge link show [dev DEV]\n")

# neighbour states (NUD_*) and flags (NTF_*) as rtnetlink carries them
NUD_REACHABLE, NUD_STALE, NUD_NOARP, NUD_PERMANENT = 0x02, 0x04, 0x40, 0x80
NTF_USE, NTF_SELF, NTF_MASTER, NTF_ROUTER = 0x01, 0x02, 0x04, 0x80
NTF_EXT_LEARNED, NTF_STICKY = 0x10, 0x40
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800

_STATE_NAMES = {NUD_PERMANENT: "permanent", NUD_NOARP: "static", NUD_STALE: "stale",
                NUD_REACHABLE: ""}


def not_simulated(what: str) -> IpExit:
    """A valid request for something netsim does not model: said plainly (status 2)."""
    return IpExit(2, f"netsim: {what} is not simulated\n")


# ============================================================================ names
def ll_name_to_index(ns: NetNamespace, name: str) -> int:
    """ll_name_to_index(): a device's ifindex, or N for a name spelled ``ifN``, else 0."""
    dev = ns.get(name)
    if dev is not None:
        return dev.ifindex
    match = re.match(r"if(\d+)", name)
    return int(match.group(1)) % (1 << 32) if match else 0


def ll_index_to_name(ns: NetNamespace, ifindex: int) -> str:
    """ll_index_to_name(): the local device with that number, else ``ifN``."""
    dev = ns.by_index(ifindex)
    return dev.name if dev is not None else f"if{ifindex}"


def mac_text(mac: bytes) -> str:
    return ":".join(f"{b:02x}" for b in mac)


def parse_mac(text: str) -> bytes | None:
    """sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx") == 6, as fdb add/del read a MAC.

    Each part is a hex number (blanks, a sign and ``0x`` allowed) stored in a byte;
    anything after the sixth is ignored (``1:2:3:4:5:6:7`` is 01:02:03:04:05:06).
    """
    out = bytearray()
    rest = text
    for i in range(6):
        match = re.match(r"\s*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)", rest)
        if match is None:
            return None
        value = int(match.group(2), 16)
        out.append((-value if match.group(1) == "-" else value) & 0xFF)
        rest = rest[match.end():]
        if i < 5:
            if not rest.startswith(":"):
                return None
            rest = rest[1:]
    return bytes(out)


# ============================================================================ kernel: fdb
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
    jiffies = int((ns.env.now - when) * KERNEL_HZ + 1e-9)
    return max(jiffies, 0) * USER_HZ // KERNEL_HZ


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


# A device's own address lists are not in the model (only the multicast groups the
# kernel joins are, as NetDevice.mc_addresses()): what `bridge fdb add/del ... self`
# changes is kept on the device object under these names.
_UC, _MC_ADDED, _MC_REMOVED = "netsim_fdb_uc", "netsim_fdb_mc", "netsim_fdb_mc_removed"


def _uc_list(dev: NetDevice, create: bool = False) -> list[bytes]:
    """dev->uc: secondary unicast addresses added with ``bridge fdb add ... self``."""
    return dev.__dict__.setdefault(_UC, []) if create else dev.__dict__.get(_UC, [])


def _mc_added(dev: NetDevice, create: bool = False) -> list[bytes]:
    """Multicast addresses added by hand (dev_mc_add_excl), after the kernel's own."""
    return dev.__dict__.setdefault(_MC_ADDED, []) if create else dev.__dict__.get(_MC_ADDED, [])


def _mc_removed(dev: NetDevice, create: bool = False) -> set[bytes]:
    """Kernel-joined multicast addresses deleted by hand (``bridge fdb del ... self``)."""
    if create:
        return dev.__dict__.setdefault(_MC_REMOVED, set())
    return dev.__dict__.get(_MC_REMOVED, set())


def _mc_list(dev: NetDevice) -> list[bytes]:
    hidden = _mc_removed(dev)
    return [m for m in dev.mc_addresses() if m not in hidden] + _mc_added(dev)


def _self_records(dev: NetDevice) -> list[FdbRecord]:
    """ndo_dflt_fdb_dump(): the unicast then multicast lists of an Ethernet device."""
    if dev.link_type != "ether" or dev.flag_loopback:
        return []
    return [FdbRecord(dev.ifindex, mac, NUD_PERMANENT, is_self=True)
            for mac in _uc_list(dev) + _mc_list(dev)]


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
    present = mac in (_mc_list(dev) if multicast else _uc_list(dev))
    if present:
        if nlflags & NLM_F_EXCL:
            raise NetlinkError(errno.EEXIST)
        return
    if multicast and mac in _mc_removed(dev):
        _mc_removed(dev, create=True).discard(mac)
    elif multicast:
        _mc_added(dev, create=True).append(mac)
    else:
        _uc_list(dev, create=True).append(mac)


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
    if mac[0] & 1 and mac[:3] != b"\x01\x80\xc2":
        if mac in _mc_added(dev):
            _mc_added(dev, create=True).remove(mac)
        elif mac in dev.mc_addresses() and mac not in _mc_removed(dev):
            _mc_removed(dev, create=True).add(mac)
        else:
            raise NetlinkError(errno.ENOENT)
    elif mac in _uc_list(dev):
        _uc_list(dev, create=True).remove(mac)
    else:
        raise NetlinkError(errno.ENOENT)


# ============================================================================ kernel: link
def link_records(ns: NetNamespace) -> list[NetDevice]:
    """rtnl_bridge_getlink(): the bridge ports (a bridge itself sends nothing here)."""
    return [dev for dev in ns.in_order() if dev.br_port is not None]


# bridge link set keyword -> BridgePort attribute, for the flags the model simulates
BRIDGE_FLAGS_MASTER, BRIDGE_FLAGS_SELF = 0x1, 0x2
_LINK_FLAGS = {"hairpin": "hairpin", "learning": "learning", "flood": "flood",
               "mcast_flood": "mcast_flood", "bcast_flood": "bcast_flood"}


def link_set(ns: NetNamespace, ifindex: int, attrs: dict[str, int], flags: int) -> None:
    """rtnl_bridge_setlink() -> br_setlink() -> br_setport(): flags, cost, priority, state.

    Like the kernel, the flags are applied before cost is checked: a request with a
    good flag and a bad cost changes the flag and still fails.
    """
    dev = ns.by_index(ifindex)
    if dev is None:
        raise NetlinkError(errno.ENODEV)
    if not flags or flags & BRIDGE_FLAGS_MASTER:
        port = dev.br_port
        if port is None:
            raise NetlinkError(errno.EOPNOTSUPP)  # no master to ask
        for key, attr in _LINK_FLAGS.items():
            if key in attrs:
                setattr(port, attr, bool(attrs[key]))
        try:
            if "cost" in attrs:
                port_store(port, "path_cost", attrs["cost"])
            if "priority" in attrs:
                port_store(port, "priority", attrs["priority"])
        except OSError as exc:
            raise NetlinkError(exc.errno or errno.EINVAL) from None
        if "state" in attrs:
            _set_port_state(port, attrs["state"])
    if flags & BRIDGE_FLAGS_SELF and not dev.is_bridge:
        raise NetlinkError(errno.EOPNOTSUPP)  # only a bridge answers "self" (and ignores it)


def _set_port_state(port: BridgePort, state: int) -> None:
    """br_set_port_state(): only without kernel STP, on a working port.

    Then br_port_state_selection() runs: with STP off, a port set to blocking is
    made forwarding again at once; disabled, listening and learning stay as set.
    """
    if state >= len(PORT_STATES):
        raise NetlinkError(errno.EINVAL)
    br, dev = port.br, port.dev
    if br.stp_enabled:
        raise NetlinkError(errno.EBUSY)
    oper_up = dev.admin_up and dev.operstate in ("UP", "UNKNOWN")
    if not dev.admin_up or (not oper_up and state != 0):
        raise NetlinkError(errno.ENETDOWN)
    name = PORT_STATES[state]
    port.state = "forwarding" if name == "blocking" else name
    if port.state == "disabled":
        br.fdb.delete_by_port(port, do_all=False)
    br.set_carrier(any(p.state == "forwarding" for p in br.ports))


# ============================================================================ printing
@dataclass
class Opts:
    """The global options of one bridge run."""

    stats: int = 0
    details: int = 0
    oneline: bool = False
    json: bool = False
    pretty: bool = False

    def printer(self) -> Printer:
        return Printer(json=self.json, pretty=self.pretty, oneline=self.oneline)


def print_fdb(p: Printer, ns: NetNamespace, rec: FdbRecord, filter_index: int,
              opts: Opts) -> None:
    """print_fdb(): one neighbour message as text or JSON."""
    p.open_object()
    p.string(ANY, "mac", "%s ", mac_text(rec.mac))
    if not filter_index and rec.ifindex:
        p.fp("dev ")
        p.string(ANY, "ifname", "%s ", ll_index_to_name(ns, rec.ifindex))
    if opts.stats and rec.used is not None and rec.updated is not None:
        if p.is_json:
            p.uint(JSON, "used", "", rec.used // USER_HZ)
            p.uint(JSON, "updated", "", rec.updated // USER_HZ)
        else:
            p.fp(f"used {rec.used // USER_HZ}/{rec.updated // USER_HZ} ")
    p.open_array(JSON, "flags")
    if rec.is_self:
        p.string(ANY, None, "%s ", "self")
    p.close_array(JSON, None)
    if rec.master:
        p.string(ANY, "master", "master %s ", ll_index_to_name(ns, rec.master))
    p.string(ANY, "state", "%s\n", _STATE_NAMES[rec.state])
    p.close_object()


def print_link(p: Printer, ns: NetNamespace, dev: NetDevice, opts: Opts) -> None:
    """print_linkinfo() of bridge/link.c for one port."""
    port = dev.br_port
    assert port is not None
    p.open_object()
    p.int(ANY, "ifindex", "%d: ", dev.ifindex)
    name, mdown = dev.name, False
    iflink = dev.iflink()
    if iflink != dev.ifindex:
        # IFLA_LINK without a namespace id: iproute2 resolves the number locally
        if iflink:
            lower = ns.by_index(iflink)
            link = lower.name if lower is not None else f"if{iflink}"
            mdown = lower is not None and not lower.admin_up
            if p.is_json:
                p.string(JSON, "link", "", link)
            else:
                name = f"{name}@{link}"
        elif p.is_json:
            p.null(JSON, "link", "", "")
        else:
            name = f"{name}@NONE"
    p.string(ANY, "ifname", "%s: ", name)
    print_flags(p, devinfo.if_flags(dev), mdown)
    p.int(ANY, "mtu", "mtu %u ", dev.mtu)
    p.string(ANY, "master", "master %s ", port.br.name)
    p.string(ANY, "state", "state %s ", port.state)
    p.uint(ANY, "priority", "priority %u ", port.priority)
    p.uint(ANY, "cost", "cost %u ", port.path_cost)
    if opts.details:
        p.fp(("\\" if opts.oneline else "\n") + "    ")
        for key, value in (("hairpin", port.hairpin), ("guard", False),
                           ("root_block", False), ("fastleave", False),
                           ("learning", port.learning), ("flood", port.flood),
                           ("mcast_flood", port.mcast_flood),
                           ("bcast_flood", port.bcast_flood)):
            p.on_off(ANY, key, f"{key} %s ", value)
        p.uint(ANY, "mcast_router", "mcast_router %u ", 1)
        for key in ("mcast_to_unicast", "neigh_suppress", "vlan_tunnel", "isolated", "locked"):
            p.on_off(ANY, key, f"{key} %s ", False)
    p.fp("\n")
    p.close_object()


# ============================================================================ commands
class BridgeTool:
    """One run of ``bridge`` on a host."""

    def __init__(self, host: Host, io: Io, opts: Opts) -> None:
        self.ns = host.ns
        self.io = io
        self.opts = opts

    # ------------------------------------------------------------------ fdb
    def do_fdb(self, args: list[str]) -> int:
        if not args:
            return self.fdb_show([])
        word = args[0]
        for name, nlflags in (("add", NLM_F_CREATE | NLM_F_EXCL),
                              ("append", NLM_F_CREATE | NLM_F_APPEND),
                              ("replace", NLM_F_CREATE | NLM_F_REPLACE),
                              ("delete", 0)):
            if matches(word, name):
                return self.fdb_modify(name == "delete", nlflags, args[1:])
        if matches(word, "get"):
            raise not_simulated("bridge fdb get")
        if any(matches(word, w) for w in ("show", "lst", "list")):
            return self.fdb_show(args[1:])
        if word == "flush":
            raise not_simulated("bridge fdb flush")
        if matches(word, "help"):
            raise IpExit(255, FDB_USAGE)
        raise IpExit(255, f'Command "{word}" is unknown, try "bridge fdb help".\n')

    def fdb_show(self, argv: list[str]) -> int:
        filter_dev = br = None
        filter_vlan = filter_state = filter_dynamic = 0
        i = 0
        while i < len(argv):
            word = argv[i]
            if word in ("brport", "dev", "br", "vlan", "state"):
                if i + 1 >= len(argv):
                    raise incomplete()
                i += 1
                value = argv[i]
                if word == "br":
                    br = value
                elif word == "vlan":
                    if filter_vlan:
                        raise duparg("vlan", value)
                    filter_vlan = _atoi(value)
                elif word == "state":
                    filter_state |= _state_a2n(value)
                else:
                    filter_dev = value
            elif word == "dynamic":
                filter_dynamic = 1
            elif matches(word, "help"):
                raise IpExit(255, FDB_USAGE)
            i += 1
        br_idx = 0
        if br is not None:
            br_idx = ll_name_to_index(self.ns, br)
            if not br_idx:
                raise IpExit(255, f'Cannot find bridge device "{br}"\n')
        filter_index = 0
        if filter_dev is not None:
            filter_index = ll_name_to_index(self.ns, filter_dev)
            if not filter_index:
                raise IpExit(255, f'Cannot find device "{filter_dev}"\n')
        try:
            records = fdb_dump(self.ns, br_idx, filter_index)
        except NetlinkError as exc:
            raise IpExit(1, exc.text() + "Dump terminated\n") from None
        p = self.opts.printer()
        p.new_json_obj()
        for rec in records:
            if filter_index and filter_index != rec.ifindex:
                continue
            if filter_state and not rec.state & filter_state:
                continue
            if filter_vlan:  # no entry has a VLAN: vlan filtering is off
                continue
            if filter_dynamic and rec.state & NUD_PERMANENT:
                continue
            print_fdb(p, self.ns, rec, filter_index, self.opts)
        p.delete_json_obj()
        self.io.write(p.text())
        return 0

    def fdb_modify(self, delete: bool, nlflags: int, argv: list[str]) -> int:
        flags, state = 0, NUD_NOARP
        dev_name = addr = None
        vid = -1
        i = 0
        while i < len(argv):
            word = argv[i]
            if word in ("dev", "dst", "nhid", "port", "vni", "src_vni", "via"):
                if i + 1 >= len(argv):
                    raise incomplete()
                i += 1
                if word == "dev":
                    dev_name = argv[i]
                else:
                    raise not_simulated(f'the VXLAN fdb option "{word}"')
            elif word == "self":
                flags |= NTF_SELF
            elif matches(word, "master"):
                flags |= NTF_MASTER
            elif matches(word, "router"):
                flags |= NTF_ROUTER
            elif matches(word, "local") or matches(word, "permanent"):
                state |= NUD_PERMANENT
            elif matches(word, "temp") or matches(word, "static"):
                state |= NUD_REACHABLE
            elif matches(word, "dynamic"):
                state = (state | NUD_REACHABLE) & ~NUD_NOARP
            elif matches(word, "vlan"):
                if vid >= 0:
                    raise duparg2("vlan", word)
                if i + 1 >= len(argv):
                    raise incomplete()
                i += 1
                vid = _atoi(argv[i]) & 0xFFFF
                vid = vid - 0x10000 if vid >= 0x8000 else vid  # a C short
            elif matches(word, "use"):
                flags |= NTF_USE
            elif matches(word, "extern_learn"):
                raise not_simulated('the fdb flag "extern_learn"')
            elif matches(word, "sticky"):
                flags |= NTF_STICKY
            else:
                if word == "to":
                    if i + 1 >= len(argv):
                        raise incomplete()
                    i += 1
                    word = argv[i]
                if matches(word, "help"):
                    raise IpExit(255, FDB_USAGE)
                if addr is not None:
                    raise duparg2("to", word)
                addr = word
            i += 1
        if dev_name is None or addr is None:
            raise IpExit(255, "Device and address are required arguments.\n")
        if not flags & (NTF_SELF | NTF_MASTER):
            flags |= NTF_SELF  # "Assume self"
        if not state & (NUD_PERMANENT | NUD_REACHABLE):
            state |= NUD_PERMANENT  # "Assume permanent"
        mac = parse_mac(addr)
        if mac is None:
            raise IpExit(255, f"Invalid mac address {addr}\n")
        ifindex = ll_name_to_index(self.ns, dev_name)
        if not ifindex:
            raise IpExit(255, f'Cannot find device "{dev_name}"\n')
        try:
            if delete:
                fdb_del(self.ns, ifindex, mac, state, flags, vid)
            else:
                fdb_add(self.ns, ifindex, mac, state, flags, nlflags, vid)
        except NetlinkError as exc:
            raise IpExit(255, exc.text()) from None
        return 0

    # ------------------------------------------------------------------ link
    def do_link(self, args: list[str]) -> int:
        if not args:
            return self.link_show([])
        word = args[0]
        if matches(word, "set") or matches(word, "change"):
            return self.link_modify(args[1:])
        if any(matches(word, w) for w in ("show", "lst", "list")):
            return self.link_show(args[1:])
        if matches(word, "help"):
            raise IpExit(255, LINK_USAGE)
        raise IpExit(255, f'Command "{word}" is unknown, try "bridge link help".\n')

    def link_show(self, argv: list[str]) -> int:
        filter_dev = None
        i = 0
        while i < len(argv):
            if argv[i] == "dev":
                if i + 1 >= len(argv):
                    raise incomplete()
                i += 1
                if filter_dev is not None:
                    raise duparg("dev", argv[i])
                filter_dev = argv[i]
            i += 1
        filter_index = 0
        if filter_dev is not None:
            filter_index = ll_name_to_index(self.ns, filter_dev)
            if not filter_index:
                raise IpExit(255, f'Cannot find device "{filter_dev}"\n')
        p = self.opts.printer()
        p.new_json_obj()
        for dev in link_records(self.ns):
            if not filter_index or dev.ifindex == filter_index:
                print_link(p, self.ns, dev, self.opts)
        p.delete_json_obj()
        self.io.write(p.text())
        return 0

    def link_modify(self, argv: list[str]) -> int:
        attrs: dict[str, int] = {}
        dev_name = None
        flags = 0
        i = 0

        def value() -> str:
            nonlocal i
            if i + 1 >= len(argv):
                raise incomplete()
            i += 1
            return argv[i]

        while i < len(argv):
            word = argv[i]
            if word == "dev":
                dev_name = value()
            elif word in _LINK_FLAGS:
                attrs[word] = _parse_on_off(word, value())
            elif word in ("guard", "fastleave", "root_block", "learning_sync", "mcast_to_unicast",
                          "neigh_suppress", "vlan_tunnel", "isolated", "locked"):
                _parse_on_off(word, value())
                raise not_simulated(f'the bridge port option "{word}"')
            elif word in ("mcast_router", "backup_port", "nobackup_port", "hwmode"):
                raise not_simulated(f'the bridge port option "{word}"')
            elif word == "cost":
                cost = _atoi(value()) & 0xFFFFFFFF
                if cost > 0:
                    attrs["cost"] = cost
            elif word == "priority":
                prio = _atoi(value()) & 0xFFFF
                if prio < 0x8000:  # a C short: "-1" means "not given"
                    attrs["priority"] = prio
            elif word == "state":
                text = value()
                if re.fullmatch(r"[ \t\n\v\f\r]*[+-]?\d+", text):  # strtol(), all of it
                    state = int(text) & 0xFF
                    state = state - 0x100 if state >= 0x80 else state  # a C signed char
                elif text in ("disabled", "listening", "learning", "forwarding", "blocking"):
                    state = ["disabled", "listening", "learning", "forwarding",
                             "blocking"].index(text)
                else:
                    raise IpExit(255, "Error: invalid STP port state\n")
                if state >= 0:
                    attrs["state"] = state
            elif word == "self":
                flags |= BRIDGE_FLAGS_SELF
            elif word == "master":
                flags |= BRIDGE_FLAGS_MASTER
            else:
                raise IpExit(255, LINK_USAGE)
            i += 1
        if dev_name is None:
            raise IpExit(255, "Device is a required argument.\n")
        ifindex = ll_name_to_index(self.ns, dev_name)
        if not ifindex:
            raise IpExit(255, f'Cannot find bridge device "{dev_name}"\n')
        try:
            link_set(self.ns, ifindex, attrs, flags)
        except NetlinkError as exc:
            raise IpExit(255, exc.text()) from None
        return 0

    # ------------------------------------------------------------------ vlan
    def do_vlan(self, args: list[str]) -> int:
        """Only ``show``: with VLAN filtering off no port has a VLAN table to list."""
        if args and not any(matches(args[0], w) for w in ("show", "list", "lst")):
            raise not_simulated(f"bridge vlan {args[0]}")
        if self.opts.json:
            p = self.opts.printer()
            p.new_json_obj()
            p.delete_json_obj()
            self.io.write(p.text())
        else:  # the statistics view has a header of its own, without trailing blanks
            self.io.write("port              vlan-id" + ("\n" if self.opts.stats else "  \n"))
        return 0


def _atoi(text: str) -> int:
    """C atoi(): leading blanks, a sign, digits; 0 when there are none."""
    match = re.match(r"[ \t\n\v\f\r]*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def _state_a2n(text: str) -> int:
    """state_a2n() of ``fdb show state STATE``."""
    if matches(text, "permanent"):
        return NUD_PERMANENT
    if matches(text, "static") or matches(text, "temp"):
        return NUD_NOARP
    if matches(text, "stale"):
        return NUD_STALE
    if matches(text, "reachable") or matches(text, "dynamic"):
        return NUD_REACHABLE
    if text == "all":
        return 0xFFFFFFFF
    if re.fullmatch(r"(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)", text):
        return int(text, 16) if text[:2].lower() == "0x" else int(text, 8 if text[0] == "0"
                                                                    else 10)
    raise invarg("invalid state", text)


def _parse_on_off(key: str, text: str) -> int:
    """parse_on_off(): a prefix of "off" or "on" ("o" is off), else exit status 234."""
    if matches(text, "off"):
        return 0
    if matches(text, "on"):
        return 1
    raise IpExit(256 - errno.EINVAL,
                 f'Error: argument of "{key}" must be one of "off", "on", not "{text}"\n')


# ============================================================================ main
_OBJECTS = ("link", "fdb", "mdb", "vlan", "vni", "monitor", "help")


def main(host: Host, argv: list[str], io: Io) -> int:
    """bridge's main(): global options, then the object and its command."""
    opts = Opts()
    args = list(argv[1:])
    try:
        while args:
            opt = args[0]
            if opt == "--":
                args.pop(0)
                break
            if not opt.startswith("-"):
                break
            if opt.startswith("--"):
                opt = opt[1:]
            if matches(opt, "-help"):
                raise IpExit(255, USAGE)
            if matches(opt, "-Version"):
                io.write(f"bridge utility, {VERSION}\n")
                return 0
            if matches(opt, "-stats") or matches(opt, "-statistics"):
                opts.stats += 1
            elif matches(opt, "-details"):
                opts.details += 1
            elif matches(opt, "-oneline"):
                opts.oneline = True
            elif matches(opt, "-timestamp"):
                pass  # only `bridge monitor` prints timestamps
            elif matches(opt, "-family"):
                args.pop(0)
                if not args or args[0] == "help":
                    raise IpExit(255, USAGE)
                if args[0] not in ("inet", "inet6"):
                    raise invarg("invalid protocol family", args[0])
            elif opt in ("-4", "-6"):
                pass
            elif matches(opt, "-netns"):
                raise not_simulated("bridge -netns")
            elif _matches_color(opt):
                pass  # colours are accepted and not printed
            elif matches(opt, "-compressvlans") or matches(opt, "-force"):
                pass
            elif matches(opt, "-json"):
                opts.json = True
            elif matches(opt, "-pretty"):
                opts.pretty = True
            elif matches(opt, "-batch"):
                raise not_simulated("bridge -batch")
            else:
                raise IpExit(255, f'Option "{opt}" is unknown, try "bridge help".\n')
            args.pop(0)
        if not args:
            raise IpExit(255, USAGE)
        obj = next((o for o in _OBJECTS if matches(args[0], o)), None)
        tool = BridgeTool(host, io, opts)
        if obj == "link":
            return tool.do_link(args[1:])
        if obj == "fdb":
            return tool.do_fdb(args[1:])
        if obj == "vlan":
            return tool.do_vlan(args[1:])
        if obj == "help":
            raise IpExit(255, USAGE)
        if obj is not None:
            raise not_simulated(f"bridge {obj}")
        raise IpExit(255, f'Object "{args[0]}" is unknown, try "bridge help".\n')
    except IpExit as exc:
        return emit(io, exc)


def _matches_color(opt: str) -> bool:
    """matches_color(): ``-c``, ``-col``, ``-color=always|auto|never``."""
    name, eq, value = opt.partition("=")
    return matches(name, "-color") and (not eq or value in ("always", "auto", "never"))
