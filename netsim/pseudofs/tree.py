"""The files a simulated host shows under /sys and /proc: sysfs and procfs over the model.

Nothing here is stored. Like the kernel's sysfs and procfs, every read computes its
answer from the live model, and every write is handed to the same code a netlink
request or an ioctl would reach -- so ``echo 1 > /proc/sys/net/ipv4/ip_forward`` and
``sysctl -w net.ipv4.ip_forward=1`` are one and the same thing, and ``brctl setfd``
(which, in bridge-utils 1.7, writes ``/sys/class/net/br0/bridge/forward_delay``) gets
exactly the errors the kernel gives that file.

:func:`make_fs` builds a host's :class:`~netsim.user.fs.VirtualFS` and mounts:

``/sys/class/net``
    one symbolic link per device, ``br0 -> ../../devices/virtual/net/br0``.
``/sys/devices/virtual/net/<dev>``
    the device's attributes (``address``, ``operstate``, ``carrier``, ``mtu``...),
    ``statistics/``, and for a bridge ``bridge/`` (its STP and FDB parameters) and
    ``brif/`` (one link per port), for a port ``brport/`` and the ``master`` link.
``/proc/sys``
    the sysctls of :attr:`NetNamespace.sysctl <netsim.stack.namespace.NetNamespace.sysctl>`
    (``net.ipv4.ip_forward`` is ``/proc/sys/net/ipv4/ip_forward``), per-device
    directories under ``net/ipv4/conf/`` and friends included.
``/proc/net/dev``
    the interface counters table.
``/proc/<pid>/``
    one directory per process of :attr:`Host.processes <netsim.host.Host.processes>`:
    ``cmdline`` (NUL-separated), ``comm``, ``status`` and ``fd/`` (one symbolic link
    per descriptor, ``3 -> /dev/net/tun``); ``/proc/self`` is the login shell's.
``/etc/hostname``
    the host's name.
``/etc/qemu-ifup``, ``/etc/qemu-ifdown``
    QEMU's default tap scripts, as Debian 12's qemu-system-common 1:7.2 ships them.

Values print exactly as Linux 6.18 prints them (observed with ``cat`` in a network
namespace): timers in centiseconds, ``port_no`` in hex, ``carrier`` of a device that
is down refused with EINVAL (``cat: ...: Invalid argument``)...

Units. The kernel keeps bridge times in jiffies (HZ=250 on the recording machine) and
shows them in clock ticks of 1/100 s, so a value may come back rounded down
(``echo 7 > ageing_time`` reads back ``6``). The model keeps seconds;
:func:`clock_t` and :func:`seconds_from_clock_t` convert the way the kernel does.

Known gaps: all devices sit under ``/sys/devices/virtual/net`` (a real NIC lives under
its PCI device); counters the model does not keep (``carrier_changes``...) are not
shown; bridge and port knobs the model does not simulate (multicast snooping,
``bpdu_guard``...) read as Linux's defaults and refuse writes with EOPNOTSUPP.
"""

from __future__ import annotations

import errno
import os
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.engine.units import clock_t
from netsim.pseudofs.bridge import (
    PORT_FLAGS,
    PORT_STATES,
    bridge_store,
    gc_timer_ticks,
    port_store,
    sysfs_bridge_id,
)
from netsim.user.etc import QEMU_IFDOWN, QEMU_IFUP
from netsim.user.fs import VirtualFS
from netsim.user.process import Process, wall_clock

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort
    from netsim.host import Host
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice



def _oserror(code: int) -> OSError:
    """``OSError(code)`` becomes its subclass (EACCES -> PermissionError...)."""
    return OSError(code, os.strerror(code))


# ============================================================================ numbers
_SPACES = " \t\n\v\f\r"


def _c_number(text: str, i: int, base: int = 0) -> tuple[int, int] | None:
    """The digits at ``text[i:]`` read as the kernel's ``_parse_integer`` reads them.

    With ``base`` 0 the prefix decides: ``0x`` + hex digit is hex, a leading ``0`` is
    octal, anything else decimal. Returns (value, index after the digits), or None
    when there is not a single digit.
    """
    if base == 0:
        if text[i:i + 1] == "0":
            if text[i + 1:i + 2] in ("x", "X") and text[i + 2:i + 3] and \
                    text[i + 2] in "0123456789abcdefABCDEF":
                base, i = 16, i + 2
            else:
                base = 8
        else:
            base = 10
    start = i
    value = 0
    while i < len(text):
        digit = int(text[i], 36) if text[i].isascii() and text[i].isalnum() else 99
        if digit >= base:
            break
        value = value * base + digit
        i += 1
    return (value, i) if i > start else None


def kstrtoul(text: str) -> int:
    """kstrtoul(buf, 0): how a sysfs file reads the number written to it.

    One unsigned number, an optional ``+``, base from the prefix, and nothing after it
    but a single newline: ``"7\\n"`` is 7, ``" 7"`` and ``"7 "`` are EINVAL, a number
    that does not fit 64 bits is ERANGE.
    """
    i = 1 if text.startswith("+") else 0
    parsed = _c_number(text, i)
    if parsed is None:
        raise _oserror(errno.EINVAL)
    value, i = parsed
    if text[i:] not in ("", "\n"):
        raise _oserror(errno.EINVAL)
    if value >= 1 << 64:
        raise _oserror(errno.ERANGE)
    return value


def proc_ints(text: str, count: int, low: int, high: int) -> list[int]:
    """__do_proc_dointvec(): up to ``count`` numbers written to a /proc/sys file.

    Blanks before a number are skipped, a ``-`` is allowed, the base comes from the
    prefix (``010`` is 8), and the character after a number must be a blank or the
    end (``1=2`` is EINVAL). What follows the last number wanted is ignored. Each
    value must lie in [low, high], else EINVAL.
    """
    values: list[int] = []
    i, n = 0, len(text)
    while len(values) < count:
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            break
        negative = text[i] == "-"
        parsed = _c_number(text, i + 1 if negative else i)
        if parsed is None:
            raise _oserror(errno.EINVAL)
        value, i = parsed
        if i < n and text[i] not in " \t\n":
            raise _oserror(errno.EINVAL)
        value = -value if negative else value
        if not low <= value <= high:
            raise _oserror(errno.EINVAL)
        values.append(value)
    if not values:
        raise _oserror(errno.EINVAL)
    return values


# ============================================================================ sysfs
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

# net_device_flags bits (dev->flags, as the `flags` file shows them)
IFF_UP, IFF_BROADCAST, IFF_LOOPBACK, IFF_POINTOPOINT = 0x1, 0x2, 0x8, 0x10
IFF_NOARP, IFF_PROMISC, IFF_ALLMULTI, IFF_MULTICAST = 0x80, 0x100, 0x200, 0x1000

_ARPHRD = {"ether": 1, "loopback": 772, "none": 65534}

# Read-only bridge parameters netsim does not simulate, with Linux's defaults.
_BRIDGE_CONSTANTS = {
    "group_addr": "01:80:c2:00:00:00", "hash_elasticity": "16", "hash_max": "4096",
    "hello_timer": "0", "multicast_igmp_version": "2", "multicast_last_member_count": "2",
    "multicast_last_member_interval": "100", "multicast_membership_interval": "26000",
    "multicast_mld_version": "1", "multicast_querier": "0",
    "multicast_querier_interval": "25500", "multicast_query_interval": "12500",
    "multicast_query_response_interval": "1000", "multicast_query_use_ifaddr": "0",
    "multicast_router": "1", "multicast_snooping": "1", "multicast_startup_query_count": "2",
    "multicast_startup_query_interval": "3124", "multicast_stats_enabled": "0",
    "nf_call_arptables": "0", "nf_call_ip6tables": "0", "nf_call_iptables": "0",
    "no_linklocal_learn": "0", "root_path_cost": "0", "root_port": "0", "tcn_timer": "0",
    "topology_change": "0", "topology_change_detected": "0", "topology_change_timer": "0",
}
_BRIDGE_READONLY = {"bridge_id", "gc_timer", "hello_timer", "root_id", "root_path_cost",
                    "root_port", "tcn_timer", "topology_change", "topology_change_detected",
                    "topology_change_timer"}

# Port parameters netsim does not simulate (STP timers, guards, multicast), as Linux shows.
_PORT_CONSTANTS = {
    "backup_port": "", "bpdu_guard": "0", "change_ack": "0", "config_pending": "0",
    "designated_cost": "0", "forward_delay_timer": "0", "group_fwd_mask": "0x0",
    "hold_timer": "0", "isolated": "0", "message_age_timer": "0",
    "multicast_fast_leave": "0", "multicast_router": "1", "multicast_to_unicast": "0",
    "neigh_suppress": "0", "proxyarp": "0", "proxyarp_wifi": "0", "root_block": "0",
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


def _mac_text(mac: bytes) -> str:
    return ":".join(f"{b:02x}" for b in mac)


def _is_tun(dev: NetDevice) -> bool:
    return dev.kind == "tun" and hasattr(dev, "mode")


def _running(dev: NetDevice) -> None:
    """Several attributes only make sense while the device is up: else EINVAL."""
    if not dev.admin_up:
        raise _oserror(errno.EINVAL)


def _speed(dev: NetDevice) -> str:
    """ethtool's link speed: a bridge reports its fastest working port (or -1)."""
    _running(dev)
    if dev.is_bridge:
        speeds = [p.dev.speed_mbps for p in dev.ports  # type: ignore[attr-defined]
                  if p.dev.admin_up and p.dev.carrier and p.dev.speed_mbps is not None]
        return f"{max(speeds) if speeds else -1}\n"
    if dev.speed_mbps is None:
        raise _oserror(errno.EINVAL)  # no ethtool link settings (lo)
    return f"{dev.speed_mbps}\n"


def _duplex(dev: NetDevice) -> str:
    _running(dev)
    if dev.is_bridge:
        return "unknown\n"
    if dev.speed_mbps is None:
        raise _oserror(errno.EINVAL)
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


def _tun_flags(dev: NetDevice) -> str:
    """IFF_TUN/IFF_TAP | IFF_NO_PI (netsim files never carry packet info) | the options."""
    flags = (0x0002 if dev.mode == "tap" else 0x0001) | 0x1000  # type: ignore[attr-defined]
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
            raise _oserror(errno.ENOTDIR if node is not None else errno.ENOENT)
        return list(node.names)

    def read(self, rel: str) -> str:
        node = self._node(rel)
        if node is None:
            raise _oserror(errno.ENOENT)
        if isinstance(node, _Dir):
            raise _oserror(errno.EISDIR)
        if isinstance(node, _Link):  # the file system follows links before reading
            raise _oserror(errno.EINVAL)
        if not node.mode & 0o400:
            raise _oserror(errno.EACCES)  # write-only, like bridge/flush
        return node.read()

    def write(self, rel: str, text: str) -> None:
        node = self._node(rel)
        if not isinstance(node, _File):
            raise _oserror(errno.EACCES)
        if node.write is None or not node.mode & 0o200:
            raise _oserror(errno.EACCES)  # sysfs: no store method, open() refused
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
        mac = "" if is_none else _mac_text(dev.mac)
        if dev.flag_loopback:
            brd = _mac_text(bytes(6))
        else:
            brd = "" if is_none else _mac_text(b"\xff" * 6)
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
            entries["owner"] = _File(lambda: "-1\n")
            entries["group"] = _File(lambda: "-1\n")
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
        """dev_set_mtu(): within the driver's limits (lo has none)."""
        mtu = kstrtoul(text)
        if not dev.flag_loopback and not dev.min_mtu <= mtu <= dev.max_mtu:
            raise _oserror(errno.EINVAL)
        if mtu > 0x7FFFFFFF:
            raise _oserror(errno.EINVAL)
        if mtu != dev.mtu:
            dev.set_mtu(mtu)

    @staticmethod
    def _store_txqlen(dev: NetDevice, text: str) -> None:
        length = kstrtoul(text)
        if length >= 1 << 32:
            raise _oserror(errno.ERANGE)
        dev.txqlen = length

    @staticmethod
    def _store_carrier(dev: NetDevice, text: str) -> None:
        """Only drivers like dummy let user space set carrier: EOPNOTSUPP (EINVAL if down)."""
        kstrtoul(text)
        _running(dev)
        raise _oserror(errno.EOPNOTSUPP)

    @staticmethod
    def _store_flags(dev: NetDevice, text: str) -> None:
        """dev_change_flags(): only the UP bit is acted on here (up/down, as ``ip link set``)."""
        flags = kstrtoul(text)
        if flags & IFF_UP and not dev.admin_up:
            dev.open()
        elif not flags & IFF_UP and dev.admin_up:
            dev.close()

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
            "forward_delay": lambda: f"{clock_t(br.forward_delay)}\n",
            "gc_timer": lambda: f"{gc_timer_ticks(br)}\n",
            "group_fwd_mask": lambda: f"0x{br.group_fwd_mask:x}\n",
            "hello_time": lambda: f"{clock_t(br.hello_time)}\n",
            "max_age": lambda: f"{clock_t(br.max_age)}\n",
            "priority": lambda: f"{br.priority}\n",
            "root_id": bid,
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

        def bid() -> str:
            return sysfs_bridge_id(br.priority, br.bridge_mac) + "\n"

        values: dict[str, Callable[[], str]] = {
            "designated_bridge": bid,
            "designated_port": lambda: f"{port.port_id}\n",
            "designated_root": bid,
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


# ============================================================================ procfs: sysctl
# The sysctls a fresh network namespace of Linux 6.18 has (sysctl -a, before the
# oracle's host init), below "net.". Per-directory templates follow: [ipv4.conf] and
# [ipv6.conf] hold conf/default (all/ and each device start from it), [neigh] each
# device's neigh/ directory. "[ro]" files are read-only, "[wo]" write-only. Tabs in
# values are real tabs, as the kernel prints vectors.
_CATALOGUE = """\
[static]
bridge.bridge-nf-call-arptables = 1
bridge.bridge-nf-call-ip6tables = 1
bridge.bridge-nf-call-iptables = 1
bridge.bridge-nf-filter-pppoe-tagged = 0
bridge.bridge-nf-filter-vlan-tagged = 0
bridge.bridge-nf-pass-vlan-input-dev = 0
core.optmem_max = 131072
core.rmem_default [ro] = 212992
core.rmem_max [ro] = 4194304
core.rps_default_mask = 0
core.somaxconn = 4096
core.tstamp_allow_data = 1
core.txrehash = 1
core.wmem_default [ro] = 212992
core.wmem_max [ro] = 4194304
core.xfrm_acq_expires = 30
core.xfrm_aevent_etime = 10
core.xfrm_aevent_rseqth = 2
core.xfrm_larval_drop = 1
ipv4.fib_multipath_hash_fields = 7
ipv4.fib_multipath_hash_policy = 0
ipv4.fib_multipath_hash_seed = 0
ipv4.fib_multipath_use_neigh = 0
ipv4.fib_notify_on_flag_change = 0
ipv4.fwmark_reflect = 0
ipv4.icmp_echo_enable_probe = 0
ipv4.icmp_echo_ignore_all = 0
ipv4.icmp_echo_ignore_broadcasts = 1
ipv4.icmp_errors_use_inbound_ifaddr = 0
ipv4.icmp_ignore_bogus_error_responses = 1
ipv4.icmp_msgs_burst = 50
ipv4.icmp_msgs_per_sec = 1000
ipv4.icmp_ratelimit = 1000
ipv4.icmp_ratemask = 6168
ipv4.igmp_link_local_mcast_reports = 1
ipv4.igmp_max_memberships = 20
ipv4.igmp_max_msf = 10
ipv4.igmp_qrv = 2
ipv4.ip_autobind_reuse = 0
ipv4.ip_default_ttl = 64
ipv4.ip_dynaddr = 0
ipv4.ip_early_demux = 1
ipv4.ip_forward = 0
ipv4.ip_forward_update_priority = 1
ipv4.ip_forward_use_pmtu = 0
ipv4.ip_local_port_range = 32768\t60999
ipv4.ip_local_reserved_ports =
ipv4.ip_no_pmtu_disc = 0
ipv4.ip_nonlocal_bind = 0
ipv4.ip_unprivileged_port_start = 1024
ipv4.ipfrag_high_thresh = 4194304
ipv4.ipfrag_low_thresh = 3145728
ipv4.ipfrag_max_dist = 64
ipv4.ipfrag_time = 30
ipv4.nexthop_compat_mode = 1
ipv4.ping_group_range = 1\t0
ipv4.raw_l3mdev_accept = 1
ipv4.route.flush [wo] =
ipv4.route.min_adv_mss = 256
ipv4.route.min_pmtu = 552
ipv4.route.mtu_expires = 600
ipv4.tcp_abort_on_overflow = 0
ipv4.tcp_adv_win_scale = 1
ipv4.tcp_allowed_congestion_control [ro] = reno bbr
ipv4.tcp_app_win = 31
ipv4.tcp_autocorking = 1
ipv4.tcp_available_congestion_control [ro] = reno bbr cubic
ipv4.tcp_backlog_ack_defer = 1
ipv4.tcp_base_mss = 1024
ipv4.tcp_challenge_ack_limit = 2147483647
ipv4.tcp_child_ehash_entries = 0
ipv4.tcp_comp_sack_delay_ns = 1000000
ipv4.tcp_comp_sack_nr = 44
ipv4.tcp_comp_sack_slack_ns = 100000
ipv4.tcp_congestion_control = bbr
ipv4.tcp_dsack = 1
ipv4.tcp_early_demux = 1
ipv4.tcp_early_retrans = 3
ipv4.tcp_ecn = 2
ipv4.tcp_ecn_fallback = 1
ipv4.tcp_ecn_option = 2
ipv4.tcp_ecn_option_beacon = 3
ipv4.tcp_ehash_entries [ro] = -262144
ipv4.tcp_fack = 0
ipv4.tcp_fastopen = 1
ipv4.tcp_fastopen_blackhole_timeout_sec = 0
ipv4.tcp_fastopen_key = 00000000-00000000-00000000-00000000
ipv4.tcp_fin_timeout = 60
ipv4.tcp_frto = 2
ipv4.tcp_fwmark_accept = 0
ipv4.tcp_invalid_ratelimit = 500
ipv4.tcp_keepalive_intvl = 75
ipv4.tcp_keepalive_probes = 9
ipv4.tcp_keepalive_time = 7200
ipv4.tcp_l3mdev_accept = 0
ipv4.tcp_limit_output_bytes = 4194304
ipv4.tcp_max_reordering = 300
ipv4.tcp_max_syn_backlog = 2048
ipv4.tcp_max_tw_buckets = 131072
ipv4.tcp_migrate_req = 0
ipv4.tcp_min_rtt_wlen = 300
ipv4.tcp_min_snd_mss = 48
ipv4.tcp_min_tso_segs = 2
ipv4.tcp_moderate_rcvbuf = 1
ipv4.tcp_mtu_probe_floor = 48
ipv4.tcp_mtu_probing = 0
ipv4.tcp_no_metrics_save = 0
ipv4.tcp_no_ssthresh_metrics_save = 1
ipv4.tcp_notsent_lowat = 4294967295
ipv4.tcp_orphan_retries = 0
ipv4.tcp_pacing_ca_ratio = 120
ipv4.tcp_pacing_ss_ratio = 200
ipv4.tcp_pingpong_thresh = 1
ipv4.tcp_plb_cong_thresh = 128
ipv4.tcp_plb_enabled = 0
ipv4.tcp_plb_idle_rehash_rounds = 3
ipv4.tcp_plb_rehash_rounds = 12
ipv4.tcp_plb_suspend_rto_sec = 60
ipv4.tcp_probe_interval = 600
ipv4.tcp_probe_threshold = 8
ipv4.tcp_recovery = 1
ipv4.tcp_reflect_tos = 0
ipv4.tcp_reordering = 3
ipv4.tcp_retrans_collapse = 1
ipv4.tcp_retries1 = 3
ipv4.tcp_retries2 = 15
ipv4.tcp_rfc1337 = 0
ipv4.tcp_rmem = 4096\t131072\t33554432
ipv4.tcp_rto_max_ms = 120000
ipv4.tcp_rto_min_us = 200000
ipv4.tcp_sack = 1
ipv4.tcp_shrink_window = 0
ipv4.tcp_slow_start_after_idle = 1
ipv4.tcp_stdurg = 0
ipv4.tcp_syn_linear_timeouts = 4
ipv4.tcp_syn_retries = 6
ipv4.tcp_synack_retries = 5
ipv4.tcp_syncookies = 1
ipv4.tcp_thin_linear_timeouts = 0
ipv4.tcp_timestamps = 1
ipv4.tcp_tso_rtt_log = 9
ipv4.tcp_tso_win_divisor = 3
ipv4.tcp_tw_reuse = 2
ipv4.tcp_tw_reuse_delay = 1000
ipv4.tcp_window_scaling = 1
ipv4.tcp_wmem = 4096\t16384\t4194304
ipv4.tcp_workaround_signed_windows = 0
ipv4.udp_child_hash_entries = 0
ipv4.udp_early_demux = 1
ipv4.udp_hash_entries [ro] = -16384
ipv4.udp_l3mdev_accept = 0
ipv4.udp_rmem_min = 4096
ipv4.udp_wmem_min = 4096
ipv4.xfrm4_gc_thresh = 32768
ipv6.anycast_src_echo_reply = 0
ipv6.auto_flowlabels = 1
ipv6.bindv6only = 0
ipv6.fib_multipath_hash_fields = 7
ipv6.fib_multipath_hash_policy = 0
ipv6.fib_notify_on_flag_change = 0
ipv6.flowlabel_consistency = 1
ipv6.flowlabel_reflect = 0
ipv6.flowlabel_state_ranges = 0
ipv6.fwmark_reflect = 0
ipv6.icmp.echo_ignore_all = 0
ipv6.icmp.echo_ignore_anycast = 0
ipv6.icmp.echo_ignore_multicast = 0
ipv6.icmp.error_anycast_as_unicast = 0
ipv6.icmp.ratelimit = 100
ipv6.icmp.ratemask = 0-1,3-127
ipv6.idgen_delay = 1
ipv6.idgen_retries = 3
ipv6.ioam6_id = 16777215
ipv6.ioam6_id_wide = 72057594037927935
ipv6.ip6frag_high_thresh = 4194304
ipv6.ip6frag_low_thresh = 3145728
ipv6.ip6frag_time = 60
ipv6.ip_nonlocal_bind = 0
ipv6.max_dst_opts_length = 2147483647
ipv6.max_dst_opts_number = 8
ipv6.max_hbh_length = 2147483647
ipv6.max_hbh_opts_number = 8
ipv6.route.flush [wo] =
ipv6.route.gc_elasticity = 9
ipv6.route.gc_interval = 30
ipv6.route.gc_min_interval = 0
ipv6.route.gc_min_interval_ms = 500
ipv6.route.gc_thresh = 1024
ipv6.route.gc_timeout = 60
ipv6.route.max_size = 2147483647
ipv6.route.min_adv_mss = 1220
ipv6.route.mtu_expires = 600
ipv6.route.skip_notify_on_dev_down = 0
ipv6.seg6_flowlabel = 0
ipv6.xfrm6_gc_thresh = 32768
unix.max_dgram_qlen = 10
[ipv4.conf]
accept_local = 0
accept_redirects = 1
accept_source_route = 1
arp_accept = 0
arp_announce = 0
arp_evict_nocarrier = 1
arp_filter = 0
arp_ignore = 0
arp_notify = 0
bc_forwarding = 0
bootp_relay = 0
disable_policy = 0
disable_xfrm = 0
drop_gratuitous_arp = 0
drop_unicast_in_l2_multicast = 0
force_igmp_version = 0
forwarding = 0
igmpv2_unsolicited_report_interval = 10000
igmpv3_unsolicited_report_interval = 1000
ignore_routes_with_linkdown = 0
log_martians = 0
mc_forwarding [ro] = 0
medium_id = 0
promote_secondaries = 0
proxy_arp = 0
proxy_arp_pvlan = 0
route_localnet = 0
rp_filter = 0
secure_redirects = 1
send_redirects = 1
shared_media = 1
src_valid_mark = 0
tag = 0
[ipv6.conf]
accept_dad = 1
accept_ra = 1
accept_ra_defrtr = 1
accept_ra_from_local = 0
accept_ra_min_hop_limit = 1
accept_ra_min_lft = 0
accept_ra_mtu = 1
accept_ra_pinfo = 1
accept_ra_rt_info_max_plen = 0
accept_ra_rt_info_min_plen = 0
accept_ra_rtr_pref = 1
accept_redirects = 1
accept_source_route = 0
accept_untracked_na = 0
addr_gen_mode = 0
autoconf = 1
dad_transmits = 1
disable_ipv6 = 0
disable_policy = 0
drop_unicast_in_l2_multicast = 0
drop_unsolicited_na = 0
enhanced_dad = 1
force_forwarding = 0
force_mld_version = 0
force_tllao = 0
forwarding = 0
hop_limit = 64
ignore_routes_with_linkdown = 0
ioam6_enabled = 0
ioam6_id = 65535
ioam6_id_wide = 4294967295
keep_addr_on_down = 0
max_addresses = 16
max_desync_factor = 600
mc_forwarding [ro] = 0
mldv1_unsolicited_report_interval = 10000
mldv2_unsolicited_report_interval = 1000
mtu = 1280
ndisc_evict_nocarrier = 1
ndisc_notify = 0
ndisc_tclass = 0
optimistic_dad = 0
proxy_ndp = 0
ra_defrtr_metric = 1024
ra_honor_pio_life = 0
ra_honor_pio_pflag = 0
regen_max_retry = 3
regen_min_advance = 2
router_probe_interval = 60
router_solicitation_delay = 1
router_solicitation_interval = 4
router_solicitation_max_interval = 3600
router_solicitations = -1
rpl_seg_enabled = 0
seg6_enabled = 0
seg6_require_hmac = 0
suppress_frag_ndisc = 1
temp_prefered_lft = 86400
temp_valid_lft = 604800
use_oif_addrs_only = 0
use_optimistic = 0
use_tempaddr = 0
[neigh]
anycast_delay = 100
app_solicit = 0
base_reachable_time = 30
base_reachable_time_ms = 30000
delay_first_probe_time = 5
gc_stale_time = 60
interval_probe_time_ms = 5000
locktime = 100
mcast_resolicit = 0
mcast_solicit = 3
proxy_delay = 80
proxy_qlen = 64
retrans_time = 100
retrans_time_ms = 1000
ucast_solicit = 3
unres_qlen = 101
unres_qlen_bytes = 212992
[conntrack]
netfilter.nf_conntrack_acct = 0
netfilter.nf_conntrack_buckets = 262144
netfilter.nf_conntrack_checksum = 1
netfilter.nf_conntrack_count [ro] = 0
netfilter.nf_conntrack_events = 2
netfilter.nf_conntrack_expect_max = 4096
netfilter.nf_conntrack_generic_timeout = 600
netfilter.nf_conntrack_gre_timeout = 30
netfilter.nf_conntrack_gre_timeout_stream = 180
netfilter.nf_conntrack_icmp_timeout = 30
netfilter.nf_conntrack_icmpv6_timeout = 30
netfilter.nf_conntrack_log_invalid = 0
netfilter.nf_conntrack_max = 262144
netfilter.nf_conntrack_sctp_timeout_closed = 10
netfilter.nf_conntrack_sctp_timeout_cookie_echoed = 3
netfilter.nf_conntrack_sctp_timeout_cookie_wait = 3
netfilter.nf_conntrack_sctp_timeout_established = 210
netfilter.nf_conntrack_sctp_timeout_heartbeat_sent = 30
netfilter.nf_conntrack_sctp_timeout_shutdown_ack_sent = 3
netfilter.nf_conntrack_sctp_timeout_shutdown_recd = 3
netfilter.nf_conntrack_sctp_timeout_shutdown_sent = 3
netfilter.nf_conntrack_tcp_be_liberal = 0
netfilter.nf_conntrack_tcp_ignore_invalid_rst = 0
netfilter.nf_conntrack_tcp_loose = 1
netfilter.nf_conntrack_tcp_max_retrans = 3
netfilter.nf_conntrack_tcp_timeout_close = 10
netfilter.nf_conntrack_tcp_timeout_close_wait = 60
netfilter.nf_conntrack_tcp_timeout_established = 432000
netfilter.nf_conntrack_tcp_timeout_fin_wait = 120
netfilter.nf_conntrack_tcp_timeout_last_ack = 30
netfilter.nf_conntrack_tcp_timeout_max_retrans = 300
netfilter.nf_conntrack_tcp_timeout_syn_recv = 60
netfilter.nf_conntrack_tcp_timeout_syn_sent = 120
netfilter.nf_conntrack_tcp_timeout_time_wait = 120
netfilter.nf_conntrack_tcp_timeout_unacknowledged = 300
netfilter.nf_conntrack_timestamp = 0
netfilter.nf_conntrack_udp_timeout = 30
netfilter.nf_conntrack_udp_timeout_stream = 120
"""

_ENTRY_RE = re.compile(r"^(\S+)(?: \[(ro|wo)\])? =(?: (.*))?$")


def _parse_catalogue(text: str) -> dict[str, dict[str, tuple[str, str]]]:
    """``[section]`` then ``name [flag] = value`` lines -> {section: {name: (value, flag)}}."""
    sections: dict[str, dict[str, tuple[str, str]]] = {}
    current: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if line.startswith("["):
            current = sections.setdefault(line[1:-1], {})
            continue
        match = _ENTRY_RE.match(line)
        assert match is not None, line
        name, flag, value = match.groups()
        current[name] = (value or "", flag or "")
    return sections


_SECTIONS = _parse_catalogue(_CATALOGUE)
SYSCTL_STATIC: dict[str, tuple[str, str]] = {
    f"net.{name}": entry for name, entry in _SECTIONS["static"].items()}
# nf_conntrack's files: there once the module is loaded (in netsim: once this
# namespace tracks connections -- a nat table or a -m conntrack rule), as on Linux 6.18.
SYSCTL_CONNTRACK: dict[str, tuple[str, str]] = {
    f"net.{name}": entry for name, entry in _SECTIONS["conntrack"].items()}
CONNTRACK_COUNT = "net.netfilter.nf_conntrack_count"
IPV4_CONF = _SECTIONS["ipv4.conf"]
IPV6_CONF = _SECTIONS["ipv6.conf"]
NEIGH = _SECTIONS["neigh"]

# conf/all differs from conf/default in a few values; lo differs from every other device.
_ALL_OVERRIDES = {"ipv4": {"accept_source_route": "0"}, "ipv6": {"accept_dad": "0"}}
_LO_OVERRIDES = {"ipv4": {"disable_policy": "1", "disable_xfrm": "1"},
                 "ipv6": {"accept_dad": "-1", "use_tempaddr": "-1"}}
_NEIGH_OVERRIDES = {"ipv4": {}, "ipv6": {"locktime": "0", "retrans_time": "250"}}
_KERNEL_STATIC = {"kernel.domainname": "(none)", "kernel.ostype": "Linux"}
_UTS_KEYS = ("kernel.hostname", "kernel.domainname")

IP_FORWARD = "net.ipv4.ip_forward"
ALL_FORWARDING = "net.ipv4.conf.all.forwarding"  # the very same int as ip_forward

# Values with limits the kernel enforces (proc_dointvec_minmax and friends)
_RANGES = {"net.ipv4.ip_default_ttl": (1, 255),
           "net.ipv4.igmp_link_local_mcast_reports": (0, 255)}
_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1


def _int_spec(default: str) -> tuple[int, int, int] | None:
    """(how many numbers, low, high) for a numeric file, from the shape of its default.

    Defaults that do not fit an int are unsigned (u32 or unsigned long) files; text
    values (``reno bbr``, ``0-1,3-127``) are None.
    """
    fields = default.split("\t")
    try:
        numbers = [int(f) for f in fields]
    except ValueError:
        return None
    if all(_INT_MIN <= n <= _INT_MAX for n in numbers):
        return len(numbers), _INT_MIN, _INT_MAX
    if all(0 <= n < 1 << 32 for n in numbers):
        return len(numbers), 0, (1 << 32) - 1
    return len(numbers), 0, (1 << 64) - 1


def sysctl_key(relpath: str) -> str:
    """``net/ipv4/conf/eth0.100/forwarding`` -> ``net.ipv4.conf.eth0/100.forwarding``.

    Dots inside a name become slashes, the way sysctl(8) shows such keys.
    """
    return ".".join(part.replace(".", "/") for part in relpath.split("/"))


def sysctl_path(key: str) -> str:
    """The inverse of :func:`sysctl_key`: the file's path below /proc/sys."""
    return "/".join(part.replace("/", ".") for part in key.split("."))


class Sysctl:
    """One host's sysctl files: which exist, what they read, what writing one does.

    Values live in ``ns.sysctl`` under their dotted names; a name absent from the
    dict reads as Linux's default. Per-device directories (``net.ipv4.conf.eth0.*``,
    ``net.ipv6.conf.eth0.*``, ``net.ipv4.neigh.eth0.*``...) appear when a device is
    registered -- copied from ``conf.default`` as the kernel does -- and go with it.
    Get the instance of a namespace with :func:`sysctl_table`.
    """

    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns
        self._names: dict[int, str] = {}  # ifindex -> name whose keys we hold
        # devinet's "state" bits: per-device ipv4 conf keys that no longer follow
        # conf.default (set by hand, or inherited set), and the defaults written so far
        self._explicit: set[str] = set()
        self._default_written: set[str] = set()
        for dev in ns.in_order():
            self._add_device(dev)
        ns.notifiers.append(self._device_event)

    # ------------------------------------------------------------------ devices
    def _dev_dir(self, dev_name: str) -> str:
        return dev_name.replace(".", "/")

    def _add_device(self, dev: NetDevice) -> None:
        """What register_netdevice does for sysctls: devinet and addrconf copy defaults."""
        self._names[dev.ifindex] = dev.name
        d, sysctl, lo = self._dev_dir(dev.name), self.ns.sysctl, dev.flag_loopback
        for fam, template in (("ipv4", IPV4_CONF), ("ipv6", IPV6_CONF)):
            for leaf in template:
                value = self.read(f"net.{fam}.conf.default.{leaf}")
                if lo and leaf in _LO_OVERRIDES[fam]:
                    value = _LO_OVERRIDES[fam][leaf]
                if fam == "ipv6" and leaf == "mtu":
                    value = str(dev.mtu)  # addrconf: the device's own MTU
                sysctl.setdefault(f"net.{fam}.conf.{d}.{leaf}", value)
                # inetdev_init() copies conf/default *with* its state bits: a default
                # written before the device existed no longer reaches it; lo never
                # follows default (observed on Linux 6.18)
                if fam == "ipv4" and (lo or leaf in self._default_written):
                    self._explicit.add(f"net.ipv4.conf.{d}.{leaf}")
            for leaf, (value, _flag) in NEIGH.items():
                sysctl.setdefault(f"net.{fam}.neigh.{d}.{leaf}",
                                  _NEIGH_OVERRIDES[fam].get(leaf, value))

    def _drop_device(self, name: str) -> dict[str, str]:
        """Forget a device's keys; returns them (leaf path after the name -> value)."""
        d = self._dev_dir(name)
        kept: dict[str, str] = {}
        for fam in ("ipv4", "ipv6"):
            for kind in ("conf", "neigh"):
                prefix = f"net.{fam}.{kind}.{d}."
                for key in [k for k in self.ns.sysctl if k.startswith(prefix)]:
                    kept[f"{fam}.{kind}.{key[len(prefix):]}"] = self.ns.sysctl.pop(key)
        self._explicit = {k for k in self._explicit if f".{d}." not in k}
        return kept

    def _device_event(self, event: str, dev: NetDevice) -> None:
        """The netdevice notifier: keep per-device directories in step with devices."""
        if event == "register":
            self._add_device(dev)
        elif event == "unregister":
            self._drop_device(dev.name)
            self._names.pop(dev.ifindex, None)
        elif event == "changename":
            old = self._names.get(dev.ifindex, dev.name)
            for rest, value in self._drop_device(old).items():
                fam, kind, leaf = rest.split(".", 2)
                self.ns.sysctl[f"net.{fam}.{kind}.{self._dev_dir(dev.name)}.{leaf}"] = value
            self._names[dev.ifindex] = dev.name
        elif event == "changemtu" and dev.mtu >= 1280:
            self.ns.sysctl[f"net.ipv6.conf.{self._dev_dir(dev.name)}.mtu"] = str(dev.mtu)

    def _device_dirs(self) -> list[str]:
        return [self._dev_dir(d.name) for d in self.ns.in_order()]

    # ------------------------------------------------------------------ names
    def _entry(self, key: str) -> tuple[str, str] | None:
        """(default value, flag) of an existing key, None if there is no such file."""
        if key in SYSCTL_STATIC:
            return SYSCTL_STATIC[key]
        if key in SYSCTL_CONNTRACK and self._conntrack() is not None:
            return SYSCTL_CONNTRACK[key]
        if key in _KERNEL_STATIC:
            return _KERNEL_STATIC[key], ""
        if key == "kernel.hostname":
            return self.ns.name, ""
        parts = key.split(".")
        if len(parts) != 5 or parts[0] != "net" or parts[1] not in ("ipv4", "ipv6"):
            return None
        fam, kind, where, leaf = parts[1:]
        devices = self._device_dirs()
        if kind == "conf":
            template = IPV4_CONF if fam == "ipv4" else IPV6_CONF
            if leaf not in template or (where not in ("all", "default")
                                        and where not in devices):
                return None
            value, flag = template[leaf]
            if where == "all":
                value = _ALL_OVERRIDES[fam].get(leaf, value)
            return value, flag
        if kind == "neigh" and leaf in NEIGH and where in devices:
            return _NEIGH_OVERRIDES[fam].get(leaf, NEIGH[leaf][0]), ""
        return None

    def exists(self, key: str) -> bool:
        return self._entry(key) is not None

    def _conntrack(self):
        """The namespace's connection table, None while nf_conntrack is not loaded."""
        netfilter = self.ns.netfilter
        return netfilter.conntrack if netfilter is not None else None

    def names(self) -> list[str]:
        """Every sysctl name there is now, in no particular order."""
        names = list(SYSCTL_STATIC) + list(_KERNEL_STATIC) + ["kernel.hostname"]
        if self._conntrack() is not None:
            names += list(SYSCTL_CONNTRACK)
        devices = self._device_dirs()
        for fam, template in (("ipv4", IPV4_CONF), ("ipv6", IPV6_CONF)):
            for where in ["all", "default", *devices]:
                names += [f"net.{fam}.conf.{where}.{leaf}" for leaf in template]
            for where in devices:
                names += [f"net.{fam}.neigh.{where}.{leaf}" for leaf in NEIGH]
        return names

    def flag(self, key: str) -> str:
        entry = self._entry(key)
        return entry[1] if entry else ""

    # ------------------------------------------------------------------ values
    def read(self, key: str) -> str:
        """The value of ``key`` (without the newline the file adds)."""
        if key == ALL_FORWARDING:
            key = IP_FORWARD
        entry = self._entry(key)
        if entry is None:
            raise _oserror(errno.ENOENT)
        if entry[1] == "wo":
            raise _oserror(errno.EACCES)
        if key == CONNTRACK_COUNT:
            return str(len(self._conntrack().entries()))
        return self.ns.sysctl.get(key, entry[0])

    def write(self, key: str, text: str) -> None:
        """Write ``text`` to the file, as ``echo text > /proc/sys/...`` does.

        Numbers are parsed as the kernel's proc handlers parse them (EINVAL when
        malformed or out of range), then the side effects happen: writing
        ``ip_forward`` (alias ``conf.all.forwarding``) sets every device's
        ``forwarding`` and flips ``conf.all.accept_redirects``, writing
        ``conf.default.X`` reaches the devices that never had X set by hand...
        """
        entry = self._entry(key)
        if entry is None:
            raise _oserror(errno.ENOENT)
        default, flag = entry
        if flag == "ro":
            raise _oserror(errno.EACCES)
        if flag == "wo":
            return  # route/flush: nothing cached to flush in the model
        new = self._parse(key, default, text)
        self._apply(key, new)

    def _parse(self, key: str, default: str, text: str) -> str:
        if key.startswith("kernel."):
            return text.split("\n", 1)[0][:64]  # proc_do_uts_string: __NEW_UTS_LEN
        spec = _int_spec(default)
        if spec is None:
            return text.split("\n", 1)[0]  # text settings: kept as written
        count, low, high = spec
        low, high = _RANGES.get(key, (low, high))
        if key == "net.ipv4.ip_local_port_range":
            low, high = 1, 65535
        values = proc_ints(text, count, low, high)
        if count > 1:  # a vector: the numbers given replace the first ones
            old = [int(v) for v in self.read(key).split("\t")]
            values = values + old[len(values):]
        if key == "net.ipv4.ip_local_port_range":
            start = int(self.read("net.ipv4.ip_unprivileged_port_start"))
            if values[1] < values[0] or values[0] < start:
                raise _oserror(errno.EINVAL)
        return "\t".join(str(v) for v in values)

    def _apply(self, key: str, new: str) -> None:
        sysctl = self.ns.sysctl
        devices = self._device_dirs()
        if key in (IP_FORWARD, ALL_FORWARDING):
            # devinet_sysctl_forward(): inet_forward_change() only when the value changes
            if new != self.read(IP_FORWARD):
                sysctl[IP_FORWARD] = sysctl[ALL_FORWARDING] = new
                sysctl["net.ipv4.conf.default.forwarding"] = new
                for d in devices:
                    sysctl[f"net.ipv4.conf.{d}.forwarding"] = new
                sysctl["net.ipv4.conf.all.accept_redirects"] = "0" if int(new) else "1"
            return
        if key in ("net.ipv6.conf.all.forwarding", "net.ipv6.conf.all.disable_ipv6"):
            # addrconf_fixup_forwarding() / addrconf_disable_ipv6(): all, default, devices
            leaf = key.rsplit(".", 1)[1]
            if leaf == "forwarding" or new != self.read(key):
                for where in ["all", "default", *devices]:
                    sysctl[f"net.ipv6.conf.{where}.{leaf}"] = new
            return
        sysctl[key] = new
        parts = key.split(".")
        if parts[1:3] == ["ipv4", "conf"] and parts[4] != "forwarding":
            if parts[3] == "default":
                # devinet_copy_dflt_conf(): devices follow default unless set by hand
                self._default_written.add(parts[4])
                for d in devices:
                    dev_key = f"net.ipv4.conf.{d}.{parts[4]}"
                    if dev_key not in self._explicit:
                        sysctl[dev_key] = new
            elif parts[3] != "all":
                self._explicit.add(key)


def sysctl_table(ns: NetNamespace) -> Sysctl:
    """The :class:`Sysctl` of a namespace, made (and hooked to its devices) on first use."""
    table = _TABLES.get(ns)
    if table is None:
        table = _TABLES[ns] = Sysctl(ns)
    return table


_TABLES: weakref.WeakKeyDictionary[NetNamespace, Sysctl] = weakref.WeakKeyDictionary()


class ProcSys:
    """``/proc/sys``: the sysctls as files (``net/ipv4/ip_forward``).

    The directory tree only changes when devices do, so it is indexed once per set of
    device names (``sysctl -a`` walks it file by file).
    """

    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns
        self.table = sysctl_table(ns)
        self._signature: tuple[str, ...] | None = None
        self._dirs: dict[str, list[str]] = {}
        self._files: set[str] = set()

    def _index(self) -> tuple[dict[str, list[str]], set[str]]:
        signature = tuple(d.name for d in self.ns.in_order())
        if signature != self._signature:
            dirs: dict[str, set[str]] = {}
            files = set()
            for key in self.table.names():
                path = sysctl_path(key)
                files.add(path)
                parts = path.split("/")
                for i, part in enumerate(parts):
                    dirs.setdefault("/".join(parts[:i]), set()).add(part)
            self._dirs = {d: sorted(names) for d, names in dirs.items()}
            self._files, self._signature = files, signature
        return self._dirs, self._files

    def exists(self, rel: str) -> bool:
        dirs, files = self._index()
        return rel in files or rel in dirs

    def is_dir(self, rel: str) -> bool:
        return rel in self._index()[0]

    def listdir(self, rel: str) -> list[str]:
        dirs, files = self._index()
        if rel not in dirs:
            raise _oserror(errno.ENOTDIR if rel in files else errno.ENOENT)
        return list(dirs[rel])

    def read(self, rel: str) -> str:
        return self.table.read(sysctl_key(rel)) + "\n"

    def write(self, rel: str, text: str) -> None:
        self.table.write(sysctl_key(rel), text)

    def mode(self, rel: str) -> int:
        if self.is_dir(rel):
            return 0o555
        return {"ro": 0o444, "wo": 0o200}.get(self.table.flag(sysctl_key(rel)), 0o644)


# ============================================================================ procfs: net
_PROC_NET_DEV_HEAD = (
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|"
    "bytes    packets errs drop fifo colls carrier compressed\n")


def proc_net_dev(ns: NetNamespace) -> str:
    """``/proc/net/dev``: dev_seq_printf_stats() for every device, by ifindex."""
    lines = [_PROC_NET_DEV_HEAD]
    for dev in ns.in_order():
        s = dev.stats.get
        fields = (s("rx_bytes", 0), s("rx_packets", 0), s("rx_errors", 0),
                  s("rx_dropped", 0) + s("rx_missed_errors", 0), s("rx_fifo_errors", 0),
                  s("rx_length_errors", 0) + s("rx_over_errors", 0) + s("rx_crc_errors", 0)
                  + s("rx_frame_errors", 0), s("rx_compressed", 0), s("multicast", 0),
                  s("tx_bytes", 0), s("tx_packets", 0), s("tx_errors", 0), s("tx_dropped", 0),
                  s("tx_fifo_errors", 0), s("collisions", 0),
                  s("tx_carrier_errors", 0) + s("tx_aborted_errors", 0)
                  + s("tx_window_errors", 0) + s("tx_heartbeat_errors", 0),
                  s("tx_compressed", 0))
        widths = (7, 7, 4, 4, 4, 5, 10, 9, 8, 7, 4, 4, 4, 5, 7, 10)
        numbers = "".join(f" {v:{w}d}" for v, w in zip(fields, widths, strict=True))
        lines.append(f"{dev.name:>6}:{numbers}\n")
    return "".join(lines)


class ProcNet:
    """``/proc/net``: the files other parts of netsim may add to :attr:`files`."""

    def __init__(self, ns: NetNamespace) -> None:
        self.files: dict[str, Callable[[], str]] = {"dev": lambda: proc_net_dev(ns)}

    def exists(self, rel: str) -> bool:
        return rel == "" or rel in self.files

    def is_dir(self, rel: str) -> bool:
        return rel == ""

    def listdir(self, rel: str) -> list[str]:
        if rel:
            raise _oserror(errno.ENOTDIR if rel in self.files else errno.ENOENT)
        return sorted(self.files)

    def read(self, rel: str) -> str:
        if rel not in self.files:
            raise _oserror(errno.ENOENT)
        return self.files[rel]()

    def mode(self, rel: str) -> int:
        return 0o555 if rel == "" else 0o444


# ============================================================================ procfs: processes
def proc_status(proc: Process) -> str:
    """``/proc/PID/status``: the first lines of proc_pid_status() (fs/proc/array.c).

    The identity and signal lines; memory, capability and scheduling lines are left
    out. ``SigCgt`` shows the signals the program catches (QEMU: SIGTERM among them).
    """
    fd_size = 64
    while proc.fd_table and max(proc.fd_table) >= fd_size:
        fd_size *= 2  # the fd array grows in powers of two (expand_fdtable)
    return (f"Name:\t{proc.comm}\nUmask:\t0022\nState:\t{proc.state_text}\n"
            f"Tgid:\t{proc.pid}\nNgid:\t0\nPid:\t{proc.pid}\nPPid:\t{proc.ppid}\n"
            "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
            f"FDSize:\t{fd_size}\nGroups:\t \nNStgid:\t{proc.pid}\nNSpid:\t{proc.pid}\n"
            f"Kthread:\t{1 if proc.kernel_thread else 0}\nThreads:\t{proc.threads}\n"
            "SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
            "SigBlk:\t0000000000000000\n"
            f"SigIgn:\t{proc.ignored_signals:016x}\nSigCgt:\t{proc.caught_signals:016x}\n")


# Link permissions of /proc/PID/fd/N: the open mode, for the owner only
_FD_LINK_MODES = {"r": 0o500, "w": 0o300, "rw": 0o700}
# What `ls /proc/PID` shows (a small part of the real directory): name -> kind
_PID_ENTRIES = {"cmdline": "file", "comm": "file", "fd": "dir", "status": "file"}


class ProcPids:
    """``/proc`` itself: a directory per process, ``self``, and the ``sys`` and ``net``
    mounts (listed here, served by their own providers).

    Like procfs, an entry's time is when it was first looked at (the kernel makes the
    inode then), and files show size 0; fd links show 64, the size procfs gives them.
    """

    _MOUNTED = ("net", "sys")

    def __init__(self, host: Host) -> None:
        self.host = host
        self._born: dict[tuple[int, float, str], float] = {}

    def _lookup(self, rel: str) -> tuple[Process | None, list[str]]:
        """``"1031/fd/3"`` -> (process 1031, ["fd", "3"]); (None, []) if no process."""
        head, _, rest = rel.partition("/")
        if head == "self":
            head = str(self.host.shell_pid)
        canonical = head.isdigit() and str(int(head)) == head  # /proc/01 does not exist
        proc = self.host.processes.get(int(head)) if canonical else None
        return proc, rest.split("/") if rest else []

    def _kind(self, rel: str) -> str | None:
        """"dir", "file", "link" or None for a path below /proc."""
        if rel in ("", *self._MOUNTED):
            return "dir"
        if rel == "self":
            return "link"
        proc, parts = self._lookup(rel)
        if proc is None:
            return None
        if not parts:
            return "dir"
        kind = _PID_ENTRIES.get(parts[0])
        if len(parts) == 1 or kind != "dir":
            return kind if len(parts) == 1 else None
        if len(parts) == 2 and parts[1].isdigit() and int(parts[1]) in proc.fd_table:
            return "link" if str(int(parts[1])) == parts[1] else None
        return None

    # FsProvider interface ----------------------------------------------------------
    def exists(self, rel: str) -> bool:
        return self._kind(rel) is not None

    def is_dir(self, rel: str) -> bool:
        return self._kind(rel) == "dir"

    def listdir(self, rel: str) -> list[str]:
        kind = self._kind(rel)
        if kind != "dir":
            raise _oserror(errno.ENOTDIR if kind else errno.ENOENT)
        if rel == "":
            return [str(p.pid) for p in self.host.processes.running()] + ["net", "self", "sys"]
        proc, parts = self._lookup(rel)
        assert proc is not None
        if parts == ["fd"]:
            return [str(fd) for fd in sorted(proc.fd_table)]
        return sorted(_PID_ENTRIES)

    def read(self, rel: str) -> str:
        proc, parts = self._lookup(rel)
        if proc is None or self._kind(rel) != "file":
            raise _oserror(errno.ENOENT)
        if parts == ["cmdline"]:
            # argv as the process's memory holds it: each word ends with a NUL
            return "".join(word + "\0" for word in proc.cmdline)
        if parts == ["comm"]:
            return proc.comm + "\n"
        return proc_status(proc)

    def write(self, rel: str, text: str) -> None:
        """``echo name > /proc/self/comm`` renames the writer (comm_write()).

        Only a process's own comm may be written (the shell's, here): another's is
        EINVAL. The kernel keeps the bytes as written, newline included, up to 15.
        """
        proc, parts = self._lookup(rel)
        if proc is None or parts != ["comm"]:
            raise _oserror(errno.EACCES)
        if proc is not self.host.processes.login_shell:
            raise _oserror(errno.EINVAL)
        proc.comm = text[:15]

    def readlink(self, rel: str) -> str | None:
        if rel == "self":
            return str(self.host.shell_pid)
        if self._kind(rel) != "link":
            return None
        proc, parts = self._lookup(rel)
        assert proc is not None
        return proc.fd_target(int(parts[1]))

    def mode(self, rel: str) -> int:
        kind = self._kind(rel)
        if rel == "self":
            return 0o777
        if kind == "link":
            proc, parts = self._lookup(rel)
            assert proc is not None
            return _FD_LINK_MODES.get(proc.fd_mode(int(parts[1])), 0o700)
        if rel.endswith("/fd") or rel == "self/fd":
            return 0o500  # dr-x------: only the owner may look at a process's files
        if kind == "dir":
            return 0o555
        return 0o644 if rel.endswith("/comm") else 0o444

    def size(self, rel: str) -> int:
        return 64 if self._kind(rel) == "link" and rel != "self" else 0

    def mtime(self, rel: str) -> float:
        """Wall-clock time the entry was first looked up (procfs inodes are made then)."""
        now = self.host.processes.now()
        proc, _ = self._lookup(rel)
        if proc is None:
            return wall_clock(0.0)  # /proc itself and self: there since boot
        key = (proc.pid, proc.start_time, rel.partition("/")[2])
        return wall_clock(self._born.setdefault(key, now))


# ============================================================================ the tree
def make_fs(host: Host) -> VirtualFS:
    """A host's file system: VirtualFS's skeleton, /etc, sysfs and procfs."""
    fs = VirtualFS()
    fs.write("/etc/hostname", f"{host.name}\n")
    fs.write("/etc/qemu-ifup", QEMU_IFUP, mode=0o755)
    fs.write("/etc/qemu-ifdown", QEMU_IFDOWN, mode=0o755)
    ns = host.ns
    fs.mount("/sys/class/net", SysClassNet(ns))
    fs.mount("/sys/devices/virtual/net", SysDevicesNet(ns))
    fs.mount("/proc/sys", ProcSys(ns))
    fs.mount("/proc/net", ProcNet(ns))
    fs.mount("/proc", ProcPids(host))
    return fs
