"""The sysctls of a namespace: which files exist under /proc/sys, what they read, what
writing one does -- the table :mod:`netsim.cli.sysctl` and ``echo > /proc/sys/...`` share.

Which files there are, and their defaults, is data: the catalogue
``netsim/pseudofs/sysctl_linux618.txt`` (:data:`CATALOGUE_FILE`), recorded from Linux
6.18's ``sysctl -a`` in a fresh network namespace (before the oracle's host init), below
``net.``. It holds the namespace's own files and the templates of the per-device
directories (``conf/default`` of IPv4 and IPv6, a device's ``neigh/``) and nf_conntrack's
files; its header says the line format. It ships inside the package and is read with
:mod:`importlib.resources` the first time a namespace's table is made (:func:`catalogue`).

:class:`Sysctl` keeps the values in ``ns.sysctl`` and applies the kernel's side effects
(``ip_forward`` sets every device's ``forwarding``, ``conf/default`` reaches devices...);
:class:`ProcSys` is the ``/proc/sys`` mount over it: ``echo 1 >
/proc/sys/net/ipv4/ip_forward`` and ``sysctl -w net.ipv4.ip_forward=1`` are one and the
same thing.
"""

from __future__ import annotations

import errno
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from netsim.engine.units import KERNEL_HZ, USER_HZ
from netsim.pseudofs.numbers import oserror, proc_ints

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice


# ============================================================================ the catalogue
CATALOGUE_FILE = "sysctl_linux618.txt"  # a data file of this package

Entry = tuple[str, str]  # (default value, flag: "", "ro" read-only or "wo" write-only)

_ENTRY_RE = re.compile(r"^(\S+)(?: \[(ro|wo)\])? =(?: (.*))?$")


def parse_catalogue(text: str) -> dict[str, dict[str, Entry]]:
    """``[section]`` then ``name [flag] = value`` lines -> {section: {name: (value, flag)}}.

    Lines starting with ``#`` and empty lines are skipped.
    """
    sections: dict[str, dict[str, Entry]] = {}
    current: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line[1:-1], {})
            continue
        match = _ENTRY_RE.match(line)
        if match is None:
            raise ValueError(f"{CATALOGUE_FILE}:{number}: not a sysctl line: {line!r}")
        name, flag, value = match.groups()
        current[name] = (value or "", flag or "")
    return sections


@dataclass(frozen=True)
class Catalogue:
    """The sysctl files of a fresh Linux 6.18 network namespace, and their defaults."""

    static: dict[str, Entry]  # every namespace's files, by full name (net.ipv4.ip_forward)
    # nf_conntrack's files: there once the module is loaded (in netsim: once this
    # namespace tracks connections -- a nat table or a -m conntrack rule), as on Linux 6.18.
    conntrack: dict[str, Entry]
    ipv4_conf: dict[str, Entry]  # net.ipv4.conf.default, by leaf name
    ipv6_conf: dict[str, Entry]  # net.ipv6.conf.default, by leaf name
    neigh: dict[str, Entry]  # a device's neigh/ directory, by leaf name


@functools.cache
def catalogue() -> Catalogue:
    """The catalogue, read from :data:`CATALOGUE_FILE` on first use."""
    text = resources.files("netsim.pseudofs").joinpath(CATALOGUE_FILE).read_text("utf-8")
    sections = parse_catalogue(text)

    def below_net(section: str) -> dict[str, Entry]:
        return {f"net.{name}": entry for name, entry in sections[section].items()}

    return Catalogue(static=below_net("static"), conntrack=below_net("conntrack"),
                     ipv4_conf=sections["ipv4.conf"], ipv6_conf=sections["ipv6.conf"],
                     neigh=sections["neigh"])


# ============================================================================ the table
CONNTRACK_COUNT = "net.netfilter.nf_conntrack_count"

# conf/all differs from conf/default in a few values; lo differs from every other device.
_ALL_OVERRIDES = {"ipv4": {"accept_source_route": "0"}, "ipv6": {"accept_dad": "0"}}
_LO_OVERRIDES = {"ipv4": {"disable_policy": "1", "disable_xfrm": "1"},
                 "ipv6": {"accept_dad": "-1", "use_tempaddr": "-1"}}
_NEIGH_OVERRIDES = {"ipv4": {}, "ipv6": {"locktime": "0", "retrans_time": "250"}}
_KERNEL_STATIC = {"kernel.domainname": "(none)", "kernel.ostype": "Linux"}

# Times the kernel keeps in jiffies and shows in another unit, with the handler that
# converts them (see _to_jiffies / _from_jiffies); the neighbour files by leaf name.
# Two files can hold one value: base_reachable_time and base_reachable_time_ms, retrans_time
# and retrans_time_ms (writing one changes what the other reads).
_JIFFY_KEYS = {"net.ipv4.icmp_ratelimit": "ms"}
_NEIGH_JIFFY_LEAVES = {
    "base_reachable_time": "s", "base_reachable_time_ms": "ms", "delay_first_probe_time": "s",
    "gc_stale_time": "s", "retrans_time": "userhz", "retrans_time_ms": "ms",
    "locktime": "userhz", "anycast_delay": "userhz", "proxy_delay": "userhz",
    "interval_probe_time_ms": "ms+",
}
_NEIGH_TWINS = {"base_reachable_time": "base_reachable_time_ms",
                "base_reachable_time_ms": "base_reachable_time",
                "retrans_time": "retrans_time_ms", "retrans_time_ms": "retrans_time"}
# NEIGH_SYSCTL_ZERO_INTMAX_ENTRY: counts that cannot be negative
_NEIGH_ZERO_INTMAX = frozenset({"mcast_solicit", "ucast_solicit", "app_solicit",
                                "mcast_resolicit", "proxy_qlen", "unres_qlen_bytes"})
SKB_TRUESIZE_ETH_FRAME = 2090  # SKB_TRUESIZE(ETH_FRAME_LEN): unres_qlen counts these
_LONG_MAX = (1 << 63) - 1


def jiffy_kind(key: str) -> str | None:
    """How a sysctl holding a time shows it: "s", "ms", "ms+" (positive), "userhz"."""
    kind = _JIFFY_KEYS.get(key)
    if kind is None and key.startswith(("net.ipv4.neigh.", "net.ipv6.neigh.")):
        kind = _NEIGH_JIFFY_LEAVES.get(key.rsplit(".", 1)[1])
    return kind


def _to_jiffies(kind: str, value: int) -> int:
    """The proc handler's write conversion (do_proc_dointvec_*_conv); EINVAL as OSError."""
    neg, mag = value < 0, abs(value)
    if kind == "s":  # proc_dointvec_jiffies
        if mag > _INT_MAX // KERNEL_HZ:
            raise oserror(errno.EINVAL)
        return -mag * KERNEL_HZ if neg else mag * KERNEL_HZ
    if kind in ("ms", "ms+"):  # msecs_to_jiffies() of an unsigned int
        ms = value & 0xFFFFFFFF
        jif = _MAX_JIFFY_OFFSET if ms >= 1 << 31 else -(-ms * KERNEL_HZ // 1000)
        if jif > _INT_MAX or (kind == "ms+" and jif <= 0):
            raise oserror(errno.EINVAL)
        return jif
    # userhz: clock_t_to_jiffies() of an unsigned long, kept in an int
    if USER_HZ < KERNEL_HZ and mag > (_LONG_MAX // KERNEL_HZ) * USER_HZ:
        raise oserror(errno.EINVAL)
    x = (-mag) % (1 << 64) if neg else mag
    jif = (1 << 64) - 1 if x >= ((1 << 64) - 1) // KERNEL_HZ * USER_HZ else x * KERNEL_HZ // USER_HZ
    jif &= 0xFFFFFFFF
    return jif - (1 << 32) if jif >= 1 << 31 else jif


def _from_jiffies(kind: str, jif: int) -> str:
    """What the file reads for ``jif`` jiffies (a negative value keeps its sign: "-0")."""
    neg, mag = jif < 0, abs(jif)
    if kind == "s":
        shown = mag // KERNEL_HZ
    elif kind == "userhz":
        shown = mag * USER_HZ // KERNEL_HZ
    else:
        shown = (mag * 1000 // KERNEL_HZ) & 0xFFFFFFFF  # jiffies_to_msecs(): unsigned int
    return f"-{shown}" if neg else str(shown)


IP_FORWARD = "net.ipv4.ip_forward"
ALL_FORWARDING = "net.ipv4.conf.all.forwarding"  # the very same int as ip_forward

# Values with limits the kernel enforces (proc_dointvec_minmax and friends)
_RANGES = {"net.ipv4.ip_default_ttl": (1, 255),
           "net.ipv4.igmp_link_local_mcast_reports": (0, 255)}
_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
_MAX_JIFFY_OFFSET = ((_LONG_MAX >> 1) - 1)  # what msecs_to_jiffies() gives a negative int


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
        self.catalogue = catalogue()
        self._names: dict[int, str] = {}  # ifindex -> name whose keys we hold
        # devinet's "state" bits: per-device ipv4 conf keys that no longer follow
        # conf.default (set by hand, or inherited set), and the defaults written so far
        self._explicit: set[str] = set()
        self._default_written: set[str] = set()
        self._written_jiffies = 0  # the jiffies of the time being written (see _parse)
        for dev in ns.in_order():
            self._add_device(dev)
        ns.notifiers.append(self._device_event)

    # ------------------------------------------------------------------ devices
    def _dev_dir(self, dev_name: str) -> str:
        return dev_name.replace(".", "/")

    def _add_device(self, dev: NetDevice) -> None:
        """What register_netdevice does for sysctls: devinet and addrconf copy defaults."""
        cat = self.catalogue
        self._names[dev.ifindex] = dev.name
        d, sysctl, lo = self._dev_dir(dev.name), self.ns.sysctl, dev.flag_loopback
        for fam, template in (("ipv4", cat.ipv4_conf), ("ipv6", cat.ipv6_conf)):
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
            for leaf, (value, _flag) in cat.neigh.items():
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
        cat = self.catalogue
        if key in cat.static:
            return cat.static[key]
        if key in cat.conntrack and self._conntrack() is not None:
            return cat.conntrack[key]
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
            template = cat.ipv4_conf if fam == "ipv4" else cat.ipv6_conf
            if leaf not in template or (where not in ("all", "default")
                                        and where not in devices):
                return None
            value, flag = template[leaf]
            if where == "all":
                value = _ALL_OVERRIDES[fam].get(leaf, value)
            return value, flag
        if kind == "neigh" and leaf in cat.neigh and where in devices:
            return _NEIGH_OVERRIDES[fam].get(leaf, cat.neigh[leaf][0]), ""
        return None

    def exists(self, key: str) -> bool:
        return self._entry(key) is not None

    def _conntrack(self):
        """The namespace's connection table, None while nf_conntrack is not loaded."""
        netfilter = self.ns.netfilter
        return netfilter.conntrack if netfilter is not None else None

    def names(self) -> list[str]:
        """Every sysctl name there is now, in no particular order."""
        cat = self.catalogue
        names = list(cat.static) + list(_KERNEL_STATIC) + ["kernel.hostname"]
        if self._conntrack() is not None:
            names += list(cat.conntrack)
        devices = self._device_dirs()
        for fam, template in (("ipv4", cat.ipv4_conf), ("ipv6", cat.ipv6_conf)):
            for where in ["all", "default", *devices]:
                names += [f"net.{fam}.conf.{where}.{leaf}" for leaf in template]
            for where in devices:
                names += [f"net.{fam}.neigh.{where}.{leaf}" for leaf in cat.neigh]
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
            raise oserror(errno.ENOENT)
        if entry[1] == "wo":
            raise oserror(errno.EACCES)
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
            raise oserror(errno.ENOENT)
        default, flag = entry
        if flag == "ro":
            raise oserror(errno.EACCES)
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
        kind = jiffy_kind(key)
        if kind is not None:  # a time: kept in jiffies, shown back through them
            value = proc_ints(text, 1, -(1 << 63), _LONG_MAX)[0]
            self._written_jiffies = _to_jiffies(kind, value)
            return _from_jiffies(kind, self._written_jiffies)
        leaf = key.rsplit(".", 1)[1]
        if ".neigh." in key and leaf in _NEIGH_ZERO_INTMAX:
            low = 0
        if ".neigh." in key and leaf == "unres_qlen":  # proc_unres_qlen(): in packets
            qlen = proc_ints(text, 1, 0, _INT_MAX // SKB_TRUESIZE_ETH_FRAME)[0]
            return str(qlen)
        if key == "net.ipv4.ip_local_port_range":
            low, high = 1, 65535
        values = proc_ints(text, count, low, high)
        if count > 1:  # a vector: the numbers given replace the first ones
            old = [int(v) for v in self.read(key).split("\t")]
            values = values + old[len(values):]
        if key == "net.ipv4.ip_local_port_range":
            start = int(self.read("net.ipv4.ip_unprivileged_port_start"))
            if values[1] < values[0] or values[0] < start:
                raise oserror(errno.EINVAL)
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
        if key == "net.ipv4.ip_default_ttl":  # read by every packet: kept on the stack
            self.ns.ipv4.default_ttl = int(new)
        parts = key.split(".")
        if parts[2:3] == ["neigh"]:
            self._neigh_twins(key, parts[4], new)
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


    def _neigh_twins(self, key: str, leaf: str, new: str) -> None:
        """A neighbour value read through two files (seconds and ms, USER_HZ and ms,
        packets and bytes): the other file reads the same jiffies or bytes."""
        sysctl = self.ns.sysctl
        prefix = key[: -len(leaf)]
        twin = _NEIGH_TWINS.get(leaf)
        if twin is not None:
            sysctl[prefix + twin] = _from_jiffies(_NEIGH_JIFFY_LEAVES[twin],
                                                  self._written_jiffies)
        elif leaf == "unres_qlen":
            sysctl[prefix + "unres_qlen_bytes"] = str(int(new) * SKB_TRUESIZE_ETH_FRAME)
        elif leaf == "unres_qlen_bytes":
            sysctl[prefix + "unres_qlen"] = str(int(new) // SKB_TRUESIZE_ETH_FRAME)


def sysctl_table(ns: NetNamespace) -> Sysctl:
    """The :class:`Sysctl` of a namespace, made (and hooked to its devices) on first use."""
    table = ns.generic.get("sysctl")
    if table is None:
        table = ns.generic["sysctl"] = Sysctl(ns)
    return table




class ProcSys:
    """``/proc/sys``: the sysctls as files (``net/ipv4/ip_forward``).

    The directory tree only changes when devices do, so it is indexed once per set of
    device names (``sysctl -a`` walks it file by file).
    """

    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns
        self.table = sysctl_table(ns)
        self._signature: tuple[str | bool, ...] | None = None
        self._dirs: dict[str, list[str]] = {}
        self._files: set[str] = set()

    def _index(self) -> tuple[dict[str, list[str]], set[str]]:
        # the files change with the devices, and when nf_conntrack starts here
        signature = (*(d.name for d in self.ns.in_order()),
                     self.ns.netfilter is not None and self.ns.netfilter.conntrack is not None)
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
            raise oserror(errno.ENOTDIR if rel in files else errno.ENOENT)
        return list(dirs[rel])

    def read(self, rel: str) -> str:
        return self.table.read(sysctl_key(rel)) + "\n"

    def write(self, rel: str, text: str) -> None:
        self.table.write(sysctl_key(rel), text)

    def mode(self, rel: str) -> int:
        if self.is_dir(rel):
            return 0o555
        return {"ro": 0o444, "wo": 0o200}.get(self.table.flag(sysctl_key(rel)), 0o644)
