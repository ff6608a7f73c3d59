"""``brctl`` (bridge-utils 1.7): the classic bridge tool, older than ``ip link`` and ``bridge``.

brctl reaches the kernel two ways, and netsim keeps both, because the way decides the
error messages:

* **ioctls** for making and deleting bridges and ports (SIOCBRADDBR, SIOCBRDELBR,
  SIOCBRADDIF, SIOCBRDELIF): they end up in the same kernel functions as
  ``ip link add type bridge`` / ``ip link set master``
  (:func:`netsim.bridge.port.add_if`...), and the errno comes back:
  EEXIST is ``device br0 already exists; can't create bridge with the same name``,
  EBUSY is ``device eth0 is already a member of a bridge; ...``.
* **sysfs files** for every setting (``setageing`` writes
  ``/sys/class/net/br0/bridge/ageing_time``, ``setpathcost`` writes
  ``/sys/class/net/eth0/brport/path_cost``), so they go through the host's file
  system (:mod:`netsim.pseudofs.sysfs_net`) to the bridge's setters
  (:mod:`netsim.bridge.options`, the ones ``ip`` and ``bridge`` reach by netlink) and
  fail exactly as those files do. When the file
  cannot be opened, bridge-utils falls back to an old ioctl on the bridge name, and
  that ioctl's errno is what it prints (ENODEV: no such device; EOPNOTSUPP: not a
  bridge).

Output formats are bridge-utils' own: ``brctl show`` (tabs, ports sorted by name on
continuation lines), ``showmacs`` (sorted by MAC, ``%4i.%.2i`` timers), ``showstp``.

Quirks kept on purpose: interface names are cut to 15 characters on the way to the
kernel (``brctl addbr`` of a 20-letter name makes a 15-letter bridge); ``addbr br%d``
lets the kernel pick the number; ``setpathcost``, ``setportprio`` and ``hairpin`` never
check that the port belongs to the bridge named; a negative number is taken as an
option by getopt (``brctl setageing br0 -1`` prints the usage).

``showstp`` shows the spanning tree as the sysfs files give it (the kernel's STP runs
once ``brctl stp br0 on``).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.bridge.fdb import gc_timer_ticks
from netsim.bridge.ioctl import br_add_bridge, br_del_bridge
from netsim.bridge.port import add_if, del_if
from netsim.cli.cnum import c_argv, c_long, strtod
from netsim.engine.units import clock_t, elapsed_clock_t
from netsim.stack.extack import NetlinkError
from netsim.user.getopt import GetoptError, getopt_long
from netsim.user.io import Io
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.host import Host
    from netsim.stack.netdevice import NetDevice

VERSION = "bridge-utils, 1.7\n"
IFNAMSIZ = 16

# (name, how many arguments it needs, help text), in bridge-utils' order
COMMANDS: list[tuple[str, int, str]] = [
    ("addbr", 1, "<bridge>\t\tadd bridge"),
    ("delbr", 1, "<bridge>\t\tdelete bridge"),
    ("addif", 2, "<bridge> <device>\tadd interface to bridge"),
    ("delif", 2, "<bridge> <device>\tdelete interface from bridge"),
    ("hairpin", 3, "<bridge> <port> {on|off}\tturn hairpin on/off"),
    ("setageing", 2, "<bridge> <time>\t\tset ageing time"),
    ("setbridgeprio", 2, "<bridge> <prio>\t\tset bridge priority"),
    ("setfd", 2, "<bridge> <time>\t\tset bridge forward delay"),
    ("sethello", 2, "<bridge> <time>\t\tset hello time"),
    ("setmaxage", 2, "<bridge> <time>\t\tset max message age"),
    ("setpathcost", 3, "<bridge> <port> <cost>\tset path cost"),
    ("setportprio", 3, "<bridge> <port> <prio>\tset port priority"),
    ("show", 0, "[ <bridge> ]\t\tshow a list of bridges"),
    ("showmacs", 1, "<bridge>\t\tshow a list of mac addrs"),
    ("showstp", 1, "<bridge>\t\tshow bridge stp info"),
    ("stp", 2, "<bridge> {on|off}\tturn stp on/off"),
]

USAGE = "Usage: brctl [commands]\ncommands:\n" + "".join(
    f"\t{name:<10}\t{text}\n" for name, _n, text in COMMANDS)

ON_WORDS, OFF_WORDS = ("on", "yes", "1"), ("off", "no", "0")


class Brctl:
    """One run of brctl on a host: the kernel calls it makes, and their messages."""

    def __init__(self, host: Host, io: Io) -> None:
        self.host = host
        self.ns = host.ns
        self.io = io

    # ------------------------------------------------------------------ helpers
    def err(self, text: str) -> None:
        self.io.error(text + "\n")

    def if_nametoindex(self, name: str) -> NetDevice | None:
        """glibc's if_nametoindex(): names of IFNAMSIZ characters or more never match."""
        if len(name) >= IFNAMSIZ:
            return None
        return self.ns.get(name)

    def ifr_name(self, name: str) -> NetDevice | None:
        """The device an ioctl names: ifr_name is cut to IFNAMSIZ-1 by the kernel."""
        return self.ns.get(name[:IFNAMSIZ - 1])

    def bridge_of(self, name: str) -> Bridge | None:
        dev = self.if_nametoindex(name)
        return dev if dev is not None and dev.is_bridge else None  # type: ignore[return-value]

    def sysfs_write(self, path: str, value: int, fallback: Callable[[], int]) -> int:
        """fopen(path, "w") + fprintf("%lu\\n"): 0 or an errno. The value is an
        ``unsigned long``: -5 is written as 18446744073709551611.

        When the file does not exist, bridge-utils tries an old ioctl instead:
        ``fallback`` says which errno that ioctl would give.
        """
        fs = self.host.fs
        if not fs.is_file(path):
            return fallback()
        try:
            fs.write(path, f"{value & ULONG_MASK}\n")
        except OSError as exc:
            return exc.errno or errno.EINVAL
        return 0

    def bridge_ioctl_errno(self, name: str) -> int:
        """SIOCDEVPRIVATE on a name that has no bridge/ directory: ENODEV or EOPNOTSUPP."""
        return errno.ENODEV if self.ifr_name(name) is None else errno.EOPNOTSUPP

    # ------------------------------------------------------------------ bridges
    def addbr(self, args: list[str]) -> int:
        name = args[1]
        code = self._add_bridge(name[:IFNAMSIZ - 1])
        if code == errno.EEXIST:
            self.err(f"device {name} already exists; can't create bridge with the same name")
        elif code:
            self.err(f"add bridge failed: {os.strerror(code)}")
        return 1 if code else 0

    def _add_bridge(self, name: str) -> int:
        """SIOCBRADDBR: br_add_bridge(); 0 or the errno it refused with."""
        try:
            br_add_bridge(self.ns, name)
        except NetlinkError as refused:
            return refused.code
        return 0

    def delbr(self, args: list[str]) -> int:
        name = args[1]
        try:
            br_del_bridge(self.ns, self.ifr_name(name))
            return 0
        except NetlinkError as refused:
            code = refused.code
        if code == errno.ENXIO:
            self.err(f"bridge {name} doesn't exist; can't delete it")
        elif code == errno.EBUSY:
            self.err(f"bridge {name} is still up; can't delete it")
        else:
            self.err(f"can't delete bridge {name}: {os.strerror(code)}")
        return 1

    # ------------------------------------------------------------------ ports
    def _port_ioctl(self, brname: str, ifname: str, add: bool) -> int:
        """SIOCBRADDIF / SIOCBRDELIF: 0 or the errno the kernel returns."""
        dev = self.if_nametoindex(ifname)
        if dev is None:
            return errno.ENODEV
        br = self.ifr_name(brname)
        if br is None:
            return errno.ENODEV
        if not br.is_bridge:
            return errno.EOPNOTSUPP
        try:
            if add:
                add_if(br, dev)  # type: ignore[arg-type]
            else:
                del_if(br, dev)  # type: ignore[arg-type]
        except NetlinkError as exc:
            return exc.code
        return 0

    def _nodev_message(self, brname: str, ifname: str) -> None:
        if self.if_nametoindex(ifname) is None:
            self.err(f"interface {ifname} does not exist!")
        else:
            self.err(f"bridge {brname} does not exist!")

    def addif(self, args: list[str]) -> int:
        brname = args[1]
        for ifname in args[2:]:
            code = self._port_ioctl(brname, ifname, add=True)
            if code == 0:
                continue
            if code == errno.ENODEV:
                self._nodev_message(brname, ifname)
            elif code == errno.EBUSY:
                self.err(f"device {ifname} is already a member of a bridge; "
                         f"can't add it to bridge {brname}.")
            elif code == errno.ELOOP:
                self.err(f"device {ifname} is a bridge device itself; "
                         "can't add a bridge device to a bridge device.")
            else:
                self.err(f"can't add {ifname} to bridge {brname}: {os.strerror(code)}")
            return 1
        return 0

    def delif(self, args: list[str]) -> int:
        brname = args[1]
        for ifname in args[2:]:
            code = self._port_ioctl(brname, ifname, add=False)
            if code == 0:
                continue
            if code == errno.ENODEV:
                self._nodev_message(brname, ifname)
            elif code == errno.EINVAL:
                self.err(f"device {ifname} is not a port of {brname}")
            else:
                self.err(f"can't delete {ifname} from {brname}: {os.strerror(code)}")
            return 1
        return 0

    # ------------------------------------------------------------------ settings
    def _set_bridge(self, brname: str, attr: str, value: int) -> int:
        """br_set(): write /sys/class/net/BR/bridge/ATTR, or fall back to the ioctl."""
        return self.sysfs_write(f"/sys/class/net/{brname}/bridge/{attr}", value,
                                lambda: self.bridge_ioctl_errno(brname))

    def _set_time(self, args: list[str], attr: str, bad: str, failed: str) -> int:
        ticks = strtotimeval_ticks(args[2])
        if ticks is None:
            self.err(bad)
            return 1
        code = self._set_bridge(args[1], attr, ticks)
        if code:
            self.err(f"{failed}: {os.strerror(code)}")
        return 1 if code else 0

    def setageing(self, args: list[str]) -> int:
        return self._set_time(args, "ageing_time", "bad ageing time value",
                              "set ageing time failed")

    def setfd(self, args: list[str]) -> int:
        return self._set_time(args, "forward_delay", "bad forward delay value",
                              "set forward delay failed")

    def sethello(self, args: list[str]) -> int:
        return self._set_time(args, "hello_time", "bad hello timer value",
                              "set hello timer failed")

    def setmaxage(self, args: list[str]) -> int:
        return self._set_time(args, "max_age", "bad max age value", "set max age failed")

    def setbridgeprio(self, args: list[str]) -> int:
        prio = sscanf_int(args[2])
        if prio is None:
            self.err("bad priority")
            return 1
        code = self._set_bridge(args[1], "priority", prio)
        if code:
            self.err(f"set bridge priority failed: {os.strerror(code)}")
        return 1 if code else 0

    def stp(self, args: list[str]) -> int:
        if args[2] in ON_WORDS:
            on = 1
        elif args[2] in OFF_WORDS:
            on = 0
        else:
            self.err("expect on/off for argument")
            return 1
        code = self._set_bridge(args[1], "stp_state", on)
        if code:
            self.err(f"set stp status failed: {os.strerror(code)}")
        return 1 if code else 0

    def _set_port(self, ifname: str, attr: str, value: int) -> int:
        """port_set(): /sys/class/net/PORT/brport/ATTR -- the bridge name is not used.

        Without that file the fallback needs the port's number: ENODEV when the
        device does not exist, else ENOENT.
        """
        return self.sysfs_write(
            f"/sys/class/net/{ifname}/brport/{attr}", value,
            lambda: errno.ENODEV if self.if_nametoindex(ifname) is None else errno.ENOENT)

    def setpathcost(self, args: list[str]) -> int:
        cost = sscanf_int(args[3])
        if cost is None:
            self.err("bad path cost value")
            return 1
        code = self._set_port(args[2], "path_cost", cost)
        if code:
            self.err(f"set path cost failed: {os.strerror(code)}")
        return 1 if code else 0

    def setportprio(self, args: list[str]) -> int:
        prio = sscanf_int(args[3])
        if prio is None:
            self.err("bad path priority value")  # sic: bridge-utils' wording
            return 1
        code = self._set_port(args[2], "priority", prio)
        if code:
            self.err(f"set port priority failed: {os.strerror(code)}")
        return 1 if code else 0

    def hairpin(self, args: list[str]) -> int:
        brname, ifname, mode = args[1], args[2], args[3]
        if mode in ON_WORDS:
            on = 1
        elif mode in OFF_WORDS:
            on = 0
        else:
            self.err("expect on/off for argument")
            return 1
        if self.if_nametoindex(ifname) is None:
            self.err(f"interface {ifname} does not exist!")
            return 1
        if self.if_nametoindex(brname) is None:
            self.err(f"bridge {brname} does not exist!")
            return 1
        code = self._set_port(ifname, "hairpin_mode", on)
        if code:
            self.err(f"can't set {ifname} to hairpin on bridge {brname}: {os.strerror(code)}")
        return 1 if code else 0

    # ------------------------------------------------------------------ show
    def show(self, args: list[str]) -> int:
        """The bridges (all, sorted by name, or those named) with their ports.

        The header is printed before the first bridge only: no bridge, no output.
        """
        header = [True]
        if len(args) == 1:
            for br in sorted((d for d in self.ns.devices.values() if d.is_bridge),
                             key=lambda d: d.name):
                self._show_bridge(br, header)  # type: ignore[arg-type]
            return 0
        errors = 0
        for name in args[1:]:
            dev = self.if_nametoindex(name)
            if dev is None:
                self.err(f"bridge {name} does not exist!")
                errors += 1
            elif not dev.is_bridge:
                self.err(f"device {name} is not a bridge!")
                errors += 1
            else:
                self._show_bridge(dev, header)  # type: ignore[arg-type]
        return 1 if errors else 0

    def _show_bridge(self, br: Bridge, header: list[bool]) -> None:
        if header[0]:
            self.io.write("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n")
            header[0] = False
        stp = "yes" if br.stp_enabled else "no"
        line = f"{br.name}\t\t{br.bridge_id}\t{stp}\t\t"
        ports = sorted(p.dev.name for p in br.ports)
        if not ports:
            self.io.write(line + "\n")
            return
        self.io.write(line + ports[0] + "\n")
        for name in ports[1:]:
            self.io.write("\t" * 7 + name + "\n")

    def showmacs(self, args: list[str]) -> int:
        """The FDB as /sys/class/net/BR/brforward gives it, sorted by MAC."""
        dev = self.ifr_name(args[1])
        if dev is None or not dev.is_bridge:
            code = errno.ENODEV if dev is None else errno.EOPNOTSUPP
            self.err(f"read of forward table failed: {os.strerror(code)}")
            return 1
        br: Bridge = dev  # type: ignore[assignment]
        now = self.ns.env.now
        rows = []
        for entry in br.fdb.entries.values():
            if entry.port is None:  # the bridge's own address: not a port's entry
                continue
            if not entry.is_static and entry.updated + br.fdb.hold_time() <= now:
                continue  # expired, waiting for the collector: br_fdb_fillbuf skips it
            ticks = 0 if entry.is_static else elapsed_clock_t(now - entry.updated)
            rows.append((entry.mac, entry.port.port_no, entry.is_local, ticks))
        out = ["port no\tmac addr\t\tis local?\tageing timer\n"]
        for mac, port_no, local, ticks in sorted(rows):
            mac_text = ":".join(f"{b:02x}" for b in mac)
            out.append(f"{port_no:3d}\t{mac_text}\t{'yes' if local else 'no'}\t\t"
                       f"{timer(ticks)}\n")
        self.io.write("".join(out))
        return 0

    def showstp(self, args: list[str]) -> int:
        name = args[1]
        dev = self.if_nametoindex(name)
        if dev is None:
            self.err(f"bridge {name} does not exist!")
            return 1
        if not dev.is_bridge:
            self.err(f"device {name} is not a bridge!")
            return 1
        br: Bridge = dev  # type: ignore[assignment]
        root = br.designated_root.hex()
        flags = "".join(name for on, name in ((br.topology_change, "TOPOLOGY_CHANGE "), (
            br.topology_change_detected, "TOPOLOGY_CHANGE_DETECTED ")) if on)
        # bridge-utils reads max_age, hello_time and forward_delay twice from sysfs (the
        # values in use): the "bridge" column is the same number.
        out = [
            f"{br.name}\n",
            f" bridge id\t\t{br.bridge_id}\n",
            f" designated root\t{root}\n",
            f" root port\t\t{br.root_port:4d}\t\t\tpath cost\t\t{br.root_path_cost:4d}\n",
            f" max age\t\t{timer(clock_t(br.max_age))}\t\t\t"
            f"bridge max age\t\t{timer(clock_t(br.max_age))}\n",
            f" hello time\t\t{timer(clock_t(br.hello_time))}\t\t\t"
            f"bridge hello time\t{timer(clock_t(br.hello_time))}\n",
            f" forward delay\t\t{timer(clock_t(br.forward_delay))}\t\t\t"
            f"bridge forward delay\t{timer(clock_t(br.forward_delay))}\n",
            f" ageing time\t\t{timer(clock_t(br.ageing_time))}\n",
            f" hello timer\t\t{timer(br.hello_timer.value())}\t\t\t"
            f"tcn timer\t\t{timer(br.tcn_timer.value())}\n",
            f" topology change timer\t{timer(br.topology_change_timer.value())}\t\t\t"
            f"gc timer\t\t{timer(gc_timer_ticks(br))}\n",
            f" flags\t\t\t{flags}\n\n\n",
        ]
        for port in sorted(br.ports, key=lambda p: p.dev.name):
            pflags = "".join(name for on, name in ((port.config_pending, "CONFIG_PENDING "), (
                port.topology_change_ack, "TOPOLOGY_CHANGE_ACK ")) if on)
            out += [
                f"{port.dev.name} ({port.port_no})\n",
                f" port id\t\t{port.port_id:04x}\t\t\tstate\t\t{port.state:>15}\n",
                f" designated root\t{port.designated_root.hex()}"
                f"\tpath cost\t\t{port.path_cost:4d}\n",
                f" designated bridge\t{port.designated_bridge.hex()}"
                f"\tmessage age timer\t{timer(port.message_age_timer.value())}\n",
                f" designated port\t{port.designated_port:04x}\t\t\tforward delay timer\t"
                f"{timer(port.forward_delay_timer.value())}\n",
                f" designated cost\t{port.designated_cost:4d}\t\t\thold timer\t\t"
                f"{timer(port.hold_timer.value())}\n",
                f" flags\t\t\t{pflags}",
                f"\n hairpin mode\t\t{1:4d}" if port.hairpin else "",
                "\n\n",
            ]
        self.io.write("".join(out))
        return 0


# ---------------------------------------------------------------------- formats
def timer(ticks: int) -> str:
    """br_show_timer(): clock ticks as ``%4i.%.2i`` seconds (``   1.51``)."""
    return f"{ticks // 100:4d}.{ticks % 100:02d}"


# ---------------------------------------------------------------------- C number parsing
ULONG_MASK = (1 << 64) - 1


def sscanf_double(text: str) -> float | None:
    """sscanf(text, "%lf"): the longest number at the start, whatever follows it; a
    number too big for a double is infinite (ERANGE does not fail sscanf). ``0x`` and
    no hex digit fails: scanf has taken the x and cannot give it back."""
    read = strtod(text)
    if read is None:
        return None
    value, end = read
    if text[end:end + 1] in ("x", "X") and text[:end].lstrip(" \t\n\v\f\r+-") == "0":
        return None
    return value


def strtotimeval_ticks(text: str) -> int | None:
    """strtotimeval() then __tv_to_jiffies(): seconds -> the clock ticks brctl writes.

    ``1.5`` is 150; trailing text is ignored (``2x`` is 200). The C arithmetic is kept:
    ``tv_sec = secs`` (a long), ``tv_usec = 1000000 * (secs - tv_sec)``, then
    ``(1000000ULL * tv_sec + tv_usec) / 10000`` in 64 unsigned bits, so a negative time
    or one C cannot hold (``1e300``, ``inf``, ``nan``) is a huge unsigned number.
    """
    secs = sscanf_double(text)
    if secs is None:
        return None
    tv_sec = c_long(secs)
    tv_usec = c_long(1_000_000 * (secs - tv_sec))
    return ((1_000_000 * tv_sec + tv_usec) & ULONG_MASK) // 10_000


def sscanf_int(text: str) -> int | None:
    """sscanf(text, "%i"): strtol() with base 0 (sign, ``0x`` hex, ``0`` octal),
    saturating at LONG_MAX/LONG_MIN, then stored in a C int (2^32 is 0, 2^63 is -1)."""
    parsed = strtol(text, 0)
    if parsed is None:
        return None
    return (parsed.value + (1 << 31)) % (1 << 32) - (1 << 31)


# ---------------------------------------------------------------------- main
def main(host: Host, argv: list[str], io: Io) -> int:
    """brctl's main(): -h/-V, the command name, the argument count, then the command."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    prog = argv[0] if argv else "brctl"
    try:
        options, args = getopt_long(prog, argv[1:], "Vh", {"help": "", "version": ""})
    except GetoptError as exc:
        for opt, _value in exc.options:  # type: ignore[attr-defined]
            if opt in ("-h", "--help"):
                io.write(USAGE)
                return 0
            if opt in ("-V", "--version"):
                io.write(VERSION)
                return 0
        io.error(str(exc) + "Unknown option '?'\n")
        io.write(USAGE)
        return 1
    for opt, _value in options:
        if opt in ("-h", "--help"):
            io.write(USAGE)
            return 0
        io.write(VERSION)
        return 0
    if not args:
        io.write(USAGE)
        return 1
    command = next((c for c in COMMANDS if c[0] == args[0]), None)
    if command is None:
        io.error(f"never heard of command [{args[0]}]\n")
        io.write(USAGE)
        return 1
    name, nargs, text = command
    if len(args) < nargs + 1:
        io.write(f"Incorrect number of arguments for command\nUsage: brctl {name} {text}\n")
        return 1
    return getattr(Brctl(host, io), name)(args)
