"""net-sysfs: ``/sys/class/net`` and ``/sys/devices/virtual/net`` over the live devices.

``/sys/class/net``
    one symbolic link per device, ``br0 -> ../../devices/virtual/net/br0``.
``/sys/devices/virtual/net/<dev>``
    the device's attributes (``address``, ``operstate``, ``carrier``, ``mtu``...),
    ``statistics/``, and for a bridge ``bridge/`` (its STP and FDB parameters) and
    ``brif/`` (one link per port), for a port ``brport/`` and the ``master`` link.

Nothing is stored: a read computes its answer from the model, a write is read with
:func:`~netsim.pseudofs.numbers.kstrtoul` and handed to the code a netlink request
would reach (the bridge's and port's stores are br_sysfs_br.c and br_sysfs_if.c, in
:mod:`netsim.pseudofs.bridge`). Values print exactly as Linux 6.18 prints them
(observed with ``cat`` in a network namespace): timers in centiseconds, ``port_no`` in
hex, ``carrier`` of a device that is down refused with EINVAL
(``cat: ...: Invalid argument``)...

Units. The kernel keeps bridge times in jiffies (HZ=250 on the recording machine) and
shows them in clock ticks of 1/100 s, so a value may come back rounded down
(``echo 7 > ageing_time`` reads back ``6``). The model keeps seconds;
:mod:`netsim.engine.units` converts the way the kernel does.

Known gaps: all devices sit under ``/sys/devices/virtual/net`` (a real NIC lives under
its PCI device); counters the model does not keep (``carrier_changes``...) are not
shown; bridge and port knobs the model does not simulate (multicast snooping,
``bpdu_guard``...) read as Linux's defaults and refuse writes with EOPNOTSUPP.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.engine.units import clock_t
from netsim.netlink import link
from netsim.netlink.devinfo import (
    IFF_ALLMULTI,
    IFF_BROADCAST,
    IFF_LOOPBACK,
    IFF_MULTICAST,
    IFF_NOARP,
    IFF_POINTOPOINT,
    IFF_PROMISC,
    IFF_UP,
)
from netsim.packets.addr import mac_ntoa
from netsim.pseudofs.bridge import (
    PORT_FLAGS,
    PORT_STATES,
    bridge_store,
    gc_timer_ticks,
    port_store,
    sysfs_bridge_id,
)
from netsim.pseudofs.numbers import kstrtoul, oserror
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice


@dataclass
class _File:
    read: Callable[[], str]
    write: Callable[[str], None] | None = None
    mode: int = 0o444


@dataclass
class _Dir:
    names: list[str]


@dataclass
class _Link:
    target: str


_Node = _File | _Dir | _Link

# struct rtnl_link_stats64 as sysfs lists it; the model keeps a subset (others are 0).
STAT_NAMES = (
    "collisions", "multicast", "rx_bytes", "rx_compressed", "rx_crc_errors", "rx_dropped",
    "rx_errors", "rx_fifo_errors", "rx_frame_errors", "rx_length_errors", "rx_missed_errors",
    "rx_nohandler", "rx_over_errors", "rx_packets", "tx_aborted_errors", "tx_bytes",
    "tx_carrier_errors", "tx_compressed", "tx_dropped", "tx_errors", "tx_fifo_errors",
    "tx_heartbeat_errors", "tx_packets", "tx_window_errors",
)


@contextmanager
def _as_oserror() -> Iterator[None]:
    """A write to a sysfs file sees the kernel's refusal as a bare errno (no extack)."""
    try:
        yield
    except NetlinkError as refused:
        raise oserror(refused.code) from None

_ARPHRD = {"ether": 1, "loopback": 772, "none": 65534}

# Read-only bridge parameters netsim does not simulate, with Linux's defaults.
_BRIDGE_CONSTANTS = {
    "group_addr": "01:80:c2:00:00:00", "hash_elasticity": "16", "hash_max": "4096",
    "multicast_igmp_version": "2", "multicast_last_member_count": "2",
    "multicast_last_member_interval": "100", "multicast_membership_interval": "26000",
    "multicast_mld_version": "1", "multicast_querier": "0",
    "multicast_querier_interval": "25500", "multicast_query_interval": "12500",
    "multicast_query_response_interval": "1000", "multicast_query_use_ifaddr": "0",
    "multicast_router": "1", "multicast_snooping": "1", "multicast_startup_query_count": "2",
    "multicast_startup_query_interval": "3124", "multicast_stats_enabled": "0",
    "nf_call_arptables": "0", "nf_call_ip6tables": "0", "nf_call_iptables": "0",
    "no_linklocal_learn": "0",
}
_BRIDGE_READONLY = {"bridge_id", "gc_timer", "hello_timer", "root_id", "root_path_cost",
                    "root_port", "tcn_timer", "topology_change", "topology_change_detected",
                    "topology_change_timer"}

# Port parameters netsim does not simulate (STP timers, guards, multicast), as Linux shows.
_PORT_CONSTANTS = {
    "backup_port": "", "group_fwd_mask": "0x0", "isolated": "0",
    "multicast_fast_leave": "0", "multicast_router": "1", "multicast_to_unicast": "0",
    "neigh_suppress": "0", "proxyarp": "0", "proxyarp_wifi": "0",
}
_PORT_READONLY = {"change_ack", "config_pending", "designated_bridge", "designated_cost",
                  "designated_port", "designated_root", "forward_delay_timer", "hold_timer",
                  "message_age_timer", "port_id", "port_no", "state"}


def dev_flags(dev: NetDevice) -> int:
    """dev->flags: what ``/sys/class/net/DEV/flags`` shows (never RUNNING or LOWER_UP).

    Unlike ``ip link`` (dev_get_flags), sysfs shows PROMISC and ALLMULTI whenever the
    device's counts are non-zero -- a bridge port is both.
    """
    flags = 0
    for on, bit in ((dev.admin_up, IFF_UP), (dev.flag_broadcast, IFF_BROADCAST),
                    (dev.flag_loopback, IFF_LOOPBACK), (dev.flag_pointopoint, IFF_POINTOPOINT),
                    (dev.flag_noarp, IFF_NOARP), (dev.promiscuity > 0, IFF_PROMISC),
                    (dev.allmulti > 0, IFF_ALLMULTI), (dev.flag_multicast, IFF_MULTICAST)):
        if on:
            flags |= bit
    return flags


def _is_tun(dev: NetDevice) -> bool:
    return dev.kind == "tun" and hasattr(dev, "mode")


def _running(dev: NetDevice) -> None:
    """Several attributes only make sense while the device is up: else EINVAL."""
    if not dev.admin_up:
        raise oserror(errno.EINVAL)


def _speed(dev: NetDevice) -> str:
    """ethtool's link speed: a bridge reports its fastest working port (or -1)."""
    _running(dev)
    if dev.is_bridge:
        speeds = [p.dev.speed_mbps for p in dev.ports  # type: ignore[attr-defined]
                  if p.dev.admin_up and p.dev.carrier and p.dev.speed_mbps is not None]
        return f"{max(speeds) if speeds else -1}\n"
    if dev.speed_mbps is None:
        raise oserror(errno.EINVAL)  # no ethtool link settings (lo)
    return f"{dev.speed_mbps}\n"


def _duplex(dev: NetDevice) -> str:
    _running(dev)
    if dev.is_bridge:
        return "unknown\n"
    if dev.speed_mbps is None:
        raise oserror(errno.EINVAL)
    return "full\n"


def _carrier(dev: NetDevice) -> str:
    _running(dev)
    return "1\n" if dev.carrier else "0\n"


def _dormant(dev: NetDevice) -> str:
    _running(dev)
    return "0\n"


def _addr_assign_type(dev: NetDevice) -> str:
    """NET_ADDR_PERM (0) for lo and NICs, NET_ADDR_SET (3) once set by hand, else random."""
    if dev.mac_set_by_user:
        return "3\n"
    return "0\n" if dev.flag_loopback or dev.kind == "" else "1\n"


def _tun_id(value: int | None) -> str:
    """tun_show_owner()/tun_show_group(): the uid/gid, -1 when none is set."""
    return f"{-1 if value is None else value}\n"


def _tun_flags(dev: NetDevice) -> str:
    """tun_flags_show(): IFF_TUN/IFF_TAP, IFF_NO_PI unless ``pi``, and the options (as the
    last TUNSETIFF left them: the opener's flags win)."""
    flags = 0x0002 if dev.mode == "tap" else 0x0001  # type: ignore[attr-defined]
    if not getattr(dev, "pi", False):
        flags |= 0x1000
    if getattr(dev, "one_queue", False):
        flags |= 0x2000
    if getattr(dev, "persist", False):
        flags |= 0x0800
    if getattr(dev, "multi_queue", False):
        flags |= 0x0100
    if getattr(dev, "vnet_hdr", False):
        flags |= 0x4000
    return f"0x{flags:x}\n"


class _SysNetBase:
    """Shared lookup for the two sysfs mounts: a path is turned into a node first."""

    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns

    def _node(self, rel: str) -> _Node | None:
        raise NotImplementedError

    # FsProvider interface ----------------------------------------------------------
    def exists(self, rel: str) -> bool:
        return self._node(rel) is not None

    def is_dir(self, rel: str) -> bool:
        return isinstance(self._node(rel), _Dir)

    def listdir(self, rel: str) -> list[str]:
        node = self._node(rel)
        if not isinstance(node, _Dir):
            raise oserror(errno.ENOTDIR if node is not None else errno.ENOENT)
        return list(node.names)

    def read(self, rel: str) -> str:
        node = self._node(rel)
        if node is None:
            raise oserror(errno.ENOENT)
        if isinstance(node, _Dir):
            raise oserror(errno.EISDIR)
        if isinstance(node, _Link):  # the file system follows links before reading
            raise oserror(errno.EINVAL)
        if not node.mode & 0o400:
            raise oserror(errno.EACCES)  # write-only, like bridge/flush
        return node.read()

    def write(self, rel: str, text: str) -> None:
        node = self._node(rel)
        if not isinstance(node, _File):
            raise oserror(errno.EACCES)
        if node.write is None or not node.mode & 0o200:
            raise oserror(errno.EACCES)  # sysfs: no store method, open() refused
        node.write(text)

    def readlink(self, rel: str) -> str | None:
        node = self._node(rel) if rel else None
        return node.target if isinstance(node, _Link) else None

    def mode(self, rel: str) -> int:
        node = self._node(rel)
        if isinstance(node, _File):
            return node.mode
        return 0o777 if isinstance(node, _Link) else 0o755


class SysClassNet(_SysNetBase):
    """``/sys/class/net``: a symbolic link per device into ``/sys/devices/virtual/net``."""

    def _node(self, rel: str) -> _Node | None:
        if rel == "":
            return _Dir([d.name for d in self.ns.in_order()])
        if "/" not in rel and self.ns.get(rel) is not None:
            return _Link(f"../../devices/virtual/net/{rel}")
        return None


class SysDevicesNet(_SysNetBase):
    """``/sys/devices/virtual/net``: one directory of attributes per device."""

    def _node(self, rel: str) -> _Node | None:
        if rel == "":
            return _Dir([d.name for d in self.ns.in_order()])
        parts = rel.split("/")
        dev = self.ns.get(parts[0])
        if dev is None:
            return None
        entries = self._device_entries(dev)
        if len(parts) == 1:
            return _Dir(list(entries))
        node = entries.get(parts[1])
        if len(parts) == 2 or node is None:
            return node
        if len(parts) == 3 and isinstance(node, _Dir):
            return self._sub_entries(dev, parts[1]).get(parts[2])
        return None

    # ------------------------------------------------------------------ a device
    def _device_entries(self, dev: NetDevice) -> dict[str, _Node]:
        """What ``ls /sys/class/net/DEV/`` shows, as nodes."""
        is_none = dev.link_type == "none"
        mac = "" if is_none else mac_ntoa(dev.mac)
        broadcast = mac_ntoa(bytes(6)) if dev.flag_loopback else mac_ntoa(b"\xff" * 6)
        brd = "" if is_none and not dev.flag_loopback else broadcast
        entries: dict[str, _Node] = {
            "addr_assign_type": _File(lambda: _addr_assign_type(dev)),
            "addr_len": _File(lambda: "0\n" if is_none else "6\n"),
            "address": _File(lambda: mac + "\n"),
            "broadcast": _File(lambda: brd + "\n"),
            "carrier": _File(lambda: _carrier(dev), lambda t: self._store_carrier(dev, t),
                             0o644),
            "dev_id": _File(lambda: "0x0\n"),
            "dev_port": _File(lambda: "0\n"),
            "dormant": _File(lambda: _dormant(dev)),
            "duplex": _File(lambda: _duplex(dev)),
            "flags": _File(lambda: f"0x{dev_flags(dev):x}\n",
                           lambda t: self._store_flags(dev, t), 0o644),
            "ifalias": _File(lambda: ""),
            "ifindex": _File(lambda: f"{dev.ifindex}\n"),
            "iflink": _File(lambda: f"{dev.iflink()}\n"),
            "link_mode": _File(lambda: "0\n"),
            "mtu": _File(lambda: f"{dev.mtu}\n", lambda t: self._store_mtu(dev, t), 0o644),
            "netdev_group": _File(lambda: "0\n"),
            "operstate": _File(lambda: dev.operstate.lower() + "\n"),
            "proto_down": _File(lambda: "0\n"),
            "speed": _File(lambda: _speed(dev)),
            "statistics": _Dir(list(STAT_NAMES)),
            "subsystem": _Link("../../../../class/net"),
            "tx_queue_len": _File(lambda: f"{dev.txqlen}\n",
                                  lambda t: self._store_txqlen(dev, t), 0o644),
            "type": _File(lambda: f"{_ARPHRD.get(dev.link_type, 1)}\n"),
            "uevent": _File(lambda: self._uevent(dev)),
        }
        if _is_tun(dev):
            entries["tun_flags"] = _File(lambda: _tun_flags(dev))
            entries["owner"] = _File(lambda: _tun_id(dev.owner))  # type: ignore[attr-defined]
            entries["group"] = _File(lambda: _tun_id(dev.group))  # type: ignore[attr-defined]
        if dev.is_bridge:
            entries["bridge"] = _Dir(sorted(self._bridge_files(dev)))  # type: ignore[arg-type]
            entries["brif"] = _Dir([p.dev.name for p in dev.ports])  # type: ignore[attr-defined]
            for port in dev.ports:  # type: ignore[attr-defined]
                entries[f"lower_{port.dev.name}"] = _Link(f"../{port.dev.name}")
        port = dev.br_port
        if port is not None:
            entries["brport"] = _Dir(sorted(self._port_files(port)))
            entries["master"] = _Link(f"../{port.br.name}")
            entries[f"upper_{port.br.name}"] = _Link(f"../{port.br.name}")
        return dict(sorted(entries.items()))

    def _sub_entries(self, dev: NetDevice, sub: str) -> dict[str, _Node]:
        if sub == "statistics":
            return {name: _File(lambda name=name: f"{dev.stats.get(name, 0)}\n")
                    for name in STAT_NAMES}
        if sub == "bridge":
            return self._bridge_files(dev)  # type: ignore[arg-type]
        if sub == "brif":
            return {p.dev.name: _Link(f"../../{p.dev.name}/brport")
                    for p in dev.ports}  # type: ignore[attr-defined]
        if sub == "brport" and dev.br_port is not None:
            return self._port_files(dev.br_port)
        return {}

    @staticmethod
    def _uevent(dev: NetDevice) -> str:
        head = "DEVTYPE=bridge\n" if dev.is_bridge else ""
        return f"{head}INTERFACE={dev.name}\nIFINDEX={dev.ifindex}\n"

    # ------------------------------------------------------------------ device writes
    @staticmethod
    def _store_mtu(dev: NetDevice, text: str) -> None:
        """dev_set_mtu() without an extended ack: the bare EINVAL out of the driver's range."""
        mtu = kstrtoul(text)
        with _as_oserror():
            link.set_mtu(dev, mtu, extack=False)

    @staticmethod
    def _store_txqlen(dev: NetDevice, text: str) -> None:
        """dev_change_tx_queue_len()."""
        length = kstrtoul(text)
        with _as_oserror():
            link.set_txqlen(dev, length)

    @staticmethod
    def _store_carrier(dev: NetDevice, text: str) -> None:
        """Only drivers like dummy let user space set carrier: EOPNOTSUPP (EINVAL if down)."""
        kstrtoul(text)
        _running(dev)
        raise oserror(errno.EOPNOTSUPP)

    @staticmethod
    def _store_flags(dev: NetDevice, text: str) -> None:
        """dev_change_flags(): only the UP bit is acted on here (up/down, as ``ip link set``)."""
        flags = kstrtoul(text)
        with _as_oserror():
            link.change_flags(dev, flags, IFF_UP)

    @staticmethod
    def _writer(store: Callable, obj: object, name: str) -> Callable[[str], None]:
        """A file's write: the number as kstrtoul() reads it, handed to a store function."""
        return lambda text: store(obj, name, kstrtoul(text))

    # ------------------------------------------------------------------ bridge/
    def _bridge_files(self, br: Bridge) -> dict[str, _Node]:
        def bid() -> str:
            return sysfs_bridge_id(br.priority, br.bridge_mac) + "\n"

        values: dict[str, Callable[[], str]] = {
            "ageing_time": lambda: f"{clock_t(br.ageing_time)}\n",
            "bridge_id": bid,
            "root_id": lambda: br.designated_root.hex() + "\n",
            "root_port": lambda: f"{br.root_port}\n",
            "root_path_cost": lambda: f"{br.root_path_cost}\n",
            "topology_change": lambda: f"{int(br.topology_change)}\n",
            "topology_change_detected": lambda: f"{int(br.topology_change_detected)}\n",
            "hello_timer": lambda: f"{br.hello_timer.value()}\n",
            "tcn_timer": lambda: f"{br.tcn_timer.value()}\n",
            "topology_change_timer": lambda: f"{br.topology_change_timer.value()}\n",
            "forward_delay": lambda: f"{clock_t(br.forward_delay)}\n",
            "gc_timer": lambda: f"{gc_timer_ticks(br)}\n",
            "group_fwd_mask": lambda: f"0x{br.group_fwd_mask:x}\n",
            "hello_time": lambda: f"{clock_t(br.hello_time)}\n",
            "max_age": lambda: f"{clock_t(br.max_age)}\n",
            "priority": lambda: f"{br.priority}\n",
            "stp_state": lambda: f"{1 if br.stp_enabled else 0}\n",
        }
        for name, text in _BRIDGE_CONSTANTS.items():
            values[name] = lambda text=text: text + "\n"
        files: dict[str, _Node] = {}
        for name, reader in values.items():
            if name in _BRIDGE_READONLY:
                files[name] = _File(reader)
            else:
                files[name] = _File(reader, self._writer(bridge_store, br, name), 0o644)
        files["flush"] = _File(lambda: "", lambda t: bridge_store(br, "flush", 1), 0o200)
        return files

    # ------------------------------------------------------------------ brport/
    def _port_files(self, port: BridgePort) -> dict[str, _Node]:
        br = port.br

        values: dict[str, Callable[[], str]] = {
            "designated_bridge": lambda: port.designated_bridge.hex() + "\n",
            "designated_port": lambda: f"{port.designated_port}\n",
            "designated_root": lambda: port.designated_root.hex() + "\n",
            "designated_cost": lambda: f"{port.designated_cost}\n",
            "change_ack": lambda: f"{int(port.topology_change_ack)}\n",
            "config_pending": lambda: f"{int(port.config_pending)}\n",
            "message_age_timer": lambda: f"{port.message_age_timer.value()}\n",
            "forward_delay_timer": lambda: f"{port.forward_delay_timer.value()}\n",
            "hold_timer": lambda: f"{port.hold_timer.value()}\n",
            "path_cost": lambda: f"{port.path_cost}\n",
            "port_id": lambda: f"0x{port.port_id:x}\n",
            "port_no": lambda: f"0x{port.port_no:x}\n",
            "priority": lambda: f"{port.priority}\n",
            "state": lambda: f"{PORT_STATES.index(port.state)}\n",
        }
        for name, attr in PORT_FLAGS.items():
            values[name] = lambda attr=attr: "1\n" if getattr(port, attr) else "0\n"
        for name, text in _PORT_CONSTANTS.items():
            values[name] = lambda text=text: text + ("\n" if text else "")
        files: dict[str, _Node] = {}
        for name, reader in values.items():
            if name in _PORT_READONLY:
                files[name] = _File(reader)
            else:
                files[name] = _File(reader, self._writer(port_store, port, name), 0o644)
        files["flush"] = _File(lambda: "", lambda t: port_store(port, "flush", 1), 0o200)
        files["bridge"] = _Link(f"../../{br.name}")
        return files
