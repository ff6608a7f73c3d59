"""Read a ``qemu-system-x86_64`` command line the way QEMU 7.2 does.

:func:`parse` turns the arguments into a :class:`QemuConfig` -- memory, CPUs, disks,
network backends, NICs with the MAC addresses QEMU gives them -- or raises
:class:`~netsim.qemu.errors.QemuError` with QEMU's exact message and exit status.
It touches nothing: no file is opened, no tap created. What QEMU *does* while starting
is listed, in QEMU's order, in :attr:`QemuConfig.startup` -- open this image, open
/dev/net/tun, run the ifup script, bind the VNC port -- so that the simulator can do
each step, and when one fails print QEMU's message (:mod:`netsim.qemu.errors`) and
stop exactly where QEMU stops.

How QEMU 7.2 reads its command line (checked against the real binary, see
``netsim/qemu/README.md``):

1. **First pass** over all of argv: every ``-name`` must be a known option
   (``-foo: invalid option``) and an option that takes an argument must have one
   (``-m: requires an argument``). ``--foo`` is ``-foo``; an argument that does not
   start with ``-`` is a disk image (like ``-hda``).
2. **Second pass**, option by option in argv order: options for other targets are
   refused, and the option's *syntax* is checked -- ``-m`` sizes, ``-smp`` keys,
   ``id=`` names and duplicate ids, ``-vnc``/``-name`` parameters.
3. Then QEMU builds the machine in fixed phases, whatever the order on the command
   line: machine type; ``-daemonize``; disks; machine properties, ``-smp``, ``-m``;
   the accelerator (KVM); network backends (``-netdev``, then ``-nic``, then ``-net``);
   the CPU model; the board (NICs of ``-nic``/``-net``, IDE disks, vCPUs); ``-device``;
   warnings about unconnected NICs; the display (GTK window or VNC server).

The first error met in that order is the one QEMU prints, and everything before it
has already happened: a ``-device e1000,netdev=typo`` error comes *after* the tap was
created and ``/etc/qemu-ifup`` ran (and QEMU runs the downscript on its way out).
That is why errors found after the first side effect are not raised by :func:`parse`
but put in the plan as a :class:`Fail` step.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from netsim.qemu import errors as E
from netsim.qemu.errors import QemuError, QemuExit

__all__ = [
    "QemuConfig", "QemuError", "QemuExit", "NotModelled", "parse", "format_info_network",
    "predict_fds", "Phase",
]

PROG = E.PROG
DEFAULT_RAM = 128 << 20          # DEFAULT_RAM_SIZE: 128 MiB when -m is absent or 0
RAM_ALIGN = 8192                 # the pc machine rounds RAM up to 8 KiB
TAP_IFNAME_DEFAULT = "tap%d"     # no ifname=: the kernel picks tap0, tap1, ...
DEFAULT_IFUP = "/etc/qemu-ifup"
DEFAULT_IFDOWN = "/etc/qemu-ifdown"
DEFAULT_BRIDGE_HELPER = "/usr/lib/qemu/qemu-bridge-helper"
DEFAULT_BRIDGE = "br0"
MAC_BASE = "52:54:00:12:34"      # QEMU's own OUI block; the last byte counts from 0x56


class NotModelled(Exception):  # noqa: N818 -- a limit of netsim, not a QEMU error
    """QEMU would accept this (or print a long help text), but netsim does not model it."""


class Phase(IntEnum):
    """QEMU 7.2's start-up phases, in the order it runs them (see the module doc)."""

    OPTIONS = 2
    MACHINE_TYPE = 3
    DAEMONIZE = 4
    DRIVES = 5
    MACHINE_PROPS = 6
    SMP = 7
    MEMORY = 8
    ACCEL = 9
    NET = 10
    CPU = 11
    BOARD = 12
    DEVICES = 13
    NET_CHECK = 14
    DISPLAY = 15


# ============================================================== the result
@dataclass(frozen=True)
class Memory:
    """``-m``: guest RAM in bytes (rounded up to 8 KiB) and the text it came from."""

    size: int = DEFAULT_RAM
    text: str | None = None
    slots: int | None = None
    maxmem: int | None = None


@dataclass(frozen=True)
class Smp:
    """``-smp`` after QEMU filled in the missing values (cores preferred over sockets)."""

    cpus: int = 1
    sockets: int = 1
    dies: int = 1
    clusters: int = 1
    cores: int = 1
    threads: int = 1
    maxcpus: int = 1


@dataclass
class Drive:
    """A ``-drive`` (or ``-hda``..``-hdd``, ``-cdrom``, a bare image name)."""

    file: str | None
    interface: str            # ide (the pc default), virtio, none, scsi, floppy, ...
    index: int | None
    bus: int
    unit: int
    media: str                # disk | cdrom
    format: str | None        # None: QEMU probes (and warns if it guesses raw)
    readonly: bool
    id: str                   # ide0-hd1, virtio0, or the id= given
    option: str               # how it was given: -drive, -hdb, -cdrom, (image)
    location: str             # QEMU's error location for it: "-hdb sdb.img"
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HostFwd:
    """One ``hostfwd=`` rule of ``-netdev user``: host port -> guest port."""

    text: str
    proto: str                # tcp | udp
    host_addr: str            # "" = all addresses
    host_port: int
    guest_addr: str
    guest_port: int


@dataclass
class Netdev:
    """A network backend: ``-netdev``, or the backend half of ``-nic`` / ``-net``.

    Per type: ``tap`` -- ifname (None: the kernel picks ``tap%d``), script/downscript
    (``"no"`` or empty: none), vhost, fd, queues, helper; ``user`` -- net, host,
    hostfwd rules, restrict; ``bridge`` -- br, helper; ``hubport`` -- hubid.
    """

    id: str
    type: str
    location: str
    origin: str = "-netdev"   # -netdev | -nic | -net
    params: dict[str, str] = field(default_factory=dict)
    ifname: str | None = None
    script: str | None = None
    downscript: str | None = None
    vhost: bool = False
    vnet_hdr: bool | None = None
    fd: int | None = None
    queues: int = 1
    helper: str | None = None
    br: str | None = None
    net: str | None = None          # user: network address after masking, e.g. 10.0.2.0
    prefixlen: int | None = None
    host: str | None = None
    guest_addr: str | None = None   # user: first DHCP address (dhcpstart=, 10.0.2.15)
    dns: str | None = None          # user: the virtual DNS server (dns=, 10.0.2.3)
    hostfwd: list[HostFwd] = field(default_factory=list)
    restrict: bool = False
    hubid: int | None = None
    hub: int | None = None          # -net backends sit on hub 0
    hubport: str | None = None      # hub0port1
    peer: str | None = None         # the NIC using it (its name)

    @property
    def runs_script(self) -> bool:
        return self.type == "tap" and bool(self.script) and self.script != "no"

    @property
    def runs_downscript(self) -> bool:
        return self.type == "tap" and bool(self.downscript) and self.downscript != "no"


@dataclass
class Nic:
    """An emulated network card, with the MAC QEMU gives it.

    ``name`` is what ``info network`` and the warnings call it: the ``id=`` if given,
    else ``<model>.<n>`` (n counts NICs of that model). ``origin`` tells which option
    made it: ``-device``, ``-nic`` or ``-net``.
    """

    model: str                      # QEMU type name (virtio-net-pci for "virtio")
    model_text: str                 # as typed
    netdev: str | None
    mac: str = ""                   # lower-case, as QEMU prints it
    mac_given: bool = False
    id: str | None = None
    name: str = ""
    origin: str = "-device"
    location: str = ""
    hub: int | None = None
    hubport: str | None = None
    props: dict[str, str] = field(default_factory=dict)


@dataclass
class Device:
    """A ``-device`` that is not a NIC: recorded, not modelled."""

    model: str
    props: dict[str, str]
    id: str | None
    location: str


@dataclass(frozen=True)
class Vnc:
    """``-vnc``: display number (port 5900 + n), listen host, or unix path / none."""

    text: str
    display: int | None
    host: str
    unix: str | None = None
    password: bool = False

    @property
    def port(self) -> int | None:
        return None if self.display is None else 5900 + self.display


# ---------------------------------------------------------------- start-up steps
@dataclass(frozen=True)
class Step:
    """One thing QEMU does while starting; subclasses say what and how it can fail."""

    phase: Phase
    location: str | None = None


@dataclass(frozen=True)
class Warn(Step):
    """QEMU prints ``text`` (exact stderr text) and goes on."""

    text: str = ""


@dataclass(frozen=True)
class Fail(Step):
    """QEMU stops here with ``error`` (found after some earlier side effect)."""

    error: QemuError | None = None


@dataclass(frozen=True)
class Daemonize(Step):
    """``-daemonize``: fork; the parent returns to the shell once start-up succeeded,
    and stdio become /dev/null. Errors after this still reach the terminal."""


@dataclass(frozen=True)
class OpenImage(Step):
    """Open a disk image read-only (QEMU reopens it read-write at :class:`AttachImage`).

    Fails with :func:`~netsim.qemu.errors.could_not_open_disk` (ENOENT, EACCES),
    :func:`~netsim.qemu.errors.not_a_regular_file`, or, with ``format=qcow2`` on a raw
    file, :func:`~netsim.qemu.errors.image_not_in_format`. With ``drive.format`` None,
    a file with no format header prints :func:`~netsim.qemu.errors.raw_probe_warning_text`.
    """

    drive: Drive | None = None

    @property
    def probes(self) -> bool:
        """True when a raw file gets :func:`~netsim.qemu.errors.raw_probe_warning_text`:
        no ``format=`` and the image is writable (read-only media are not warned about)."""
        return self.drive is not None and self.drive.format is None and not self.drive.readonly


@dataclass(frozen=True)
class AttachImage(Step):
    """The board's IDE disk (or a virtio disk) takes write access: QEMU reopens the
    image read-write and locks it. Fails (no location) with
    :func:`~netsim.qemu.errors.write_lock_failed` when another process -- or another
    ``-drive`` of the same file -- holds it, or ``could_not_open_disk`` (EACCES)."""

    drive: Drive | None = None


@dataclass(frozen=True)
class OpenKvm(Step):
    """Open /dev/kvm and create the VM. Fails with
    :func:`~netsim.qemu.errors.kvm_unavailable_text` (exit 1, unless ``fallback_tcg``);
    when ``smp_cpus`` exceeds the host's CPUs QEMU warns with
    :func:`~netsim.qemu.errors.kvm_too_many_cpus` (twice: SMP, then hotpluggable)."""

    fallback_tcg: bool = False
    smp_cpus: int = 1
    maxcpus: int = 1


@dataclass(frozen=True)
class OpenTap(Step):
    """open("/dev/net/tun") then TUNSETIFF(IFF_TAP|IFF_NO_PI[|IFF_VNET_HDR][|IFF_MULTI_QUEUE]).

    ``ifname`` None means ``tap%d``. Failures: ``tun_open_failed(err)``,
    ``tap_configure_failed(ifname or "tap%d", err)`` -- EBUSY for a tap held by
    another process, EINVAL for a veth/bridge/tun/multi-queue device of that name.
    """

    netdev: Netdev | None = None
    ifname: str | None = None
    queue: int = 0
    multi_queue: bool = False
    vnet_hdr: bool = True


@dataclass(frozen=True)
class RunScript(Step):
    """Run ``script IFNAME`` (execv, cwd = QEMU's) and wait. Non-zero wait status:
    :func:`~netsim.qemu.errors.script_failed` at this location. QEMU registers the
    netdev's downscript, to run at exit, once this step succeeded."""

    netdev: Netdev | None = None
    script: str = ""


@dataclass(frozen=True)
class OpenVhost(Step):
    """``vhost=on``: open /dev/vhost-net; failure is QEMU 7.2's abort
    (:func:`~netsim.qemu.errors.vhost_open_failed_text`, status 134)."""

    netdev: Netdev | None = None


@dataclass(frozen=True)
class UseFd(Step):
    """``fd=N``: use an inherited fd; a closed one gives :func:`~netsim.qemu.errors.bad_fd`."""

    netdev: Netdev | None = None
    fd: int = -1


@dataclass(frozen=True)
class BridgeHelper(Step):
    """``-netdev bridge``: run the setuid helper, which checks /etc/qemu/bridge.conf,
    creates a tap, adds it to ``br`` and passes the fd back. Failure:
    :func:`~netsim.qemu.errors.bridge_helper_failed_text` with the helper's own line."""

    netdev: Netdev | None = None
    helper: str = DEFAULT_BRIDGE_HELPER
    br: str = DEFAULT_BRIDGE


@dataclass(frozen=True)
class HostFwdListen(Step):
    """``hostfwd=``: bind and listen on the host port (rules go in reverse order).
    Failure: :func:`~netsim.qemu.errors.hostfwd_failed`."""

    netdev: Netdev | None = None
    rule: HostFwd | None = None


@dataclass(frozen=True)
class AllocRam(Step):
    """The board allocates guest RAM (``pc.ram``); a host that cannot gives
    :func:`~netsim.qemu.errors.cannot_allocate_guest_memory` (no location)."""

    size: int = DEFAULT_RAM


@dataclass(frozen=True)
class CreateVcpus(Step):
    """KVM only: one ``kvm-vcpu:N`` fd per vCPU."""

    count: int = 1


@dataclass(frozen=True)
class InitGtk(Step):
    """No -display/-vnc/-nographic: QEMU opens a GTK window; on a host without a
    desktop it prints :func:`~netsim.qemu.errors.gtk_failed_text` and exits 1."""


@dataclass(frozen=True)
class ListenVnc(Step):
    """Start the VNC server (two listening sockets for ``:N``: IPv6 and IPv4)."""

    vnc: Vnc | None = None


@dataclass(frozen=True)
class Running(Step):
    """Start-up done: the guest runs (or waits, paused, with ``-S``)."""


@dataclass
class QemuConfig:
    """A parsed, validated command line, and the plan of what QEMU does to start."""

    argv: list[str]
    name: str | None = None
    process_name: str | None = None
    daemonize: bool = False
    paused: bool = False
    nodefaults: bool = False
    nographic: bool = False
    display: str | None = None
    memory: Memory = field(default_factory=Memory)
    smp: Smp = field(default_factory=Smp)
    smp_text: str | None = None
    cpu_model: str | None = None
    enable_kvm: bool = False
    accel: list[str] = field(default_factory=lambda: ["tcg"])
    machine: str = "pc"
    machine_type: str = "pc-i440fx-7.2"
    drives: list[Drive] = field(default_factory=list)
    vnc: list[Vnc] = field(default_factory=list)
    netdevs: list[Netdev] = field(default_factory=list)
    nics: list[Nic] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    hubs: dict[int, list[str]] = field(default_factory=dict)
    unmodelled: list[tuple[str, str | None]] = field(default_factory=list)
    startup: list[Step] = field(default_factory=list)
    tap_ifname_default: str = TAP_IFNAME_DEFAULT

    @property
    def failed(self) -> QemuError | None:
        """The error the start-up plan ends with, if any."""
        last = self.startup[-1] if self.startup else None
        return last.error if isinstance(last, Fail) else None

    def netdev(self, ident: str) -> Netdev | None:
        return next((n for n in self.netdevs if n.id == ident), None)

    @property
    def warnings(self) -> list[str]:
        return [s.text for s in self.startup if isinstance(s, Warn)]


# ============================================================== option syntax
def _option_table() -> dict[str, bool]:
    return {tok.split(":")[0]: tok.endswith(":1") for tok in _OPTION_TABLE.split()}


def _strcspn(s: str, chars: str) -> int:
    for i, c in enumerate(s):
        if c in chars:
            return i
    return len(s)


def _opt_value(s: str, p: int) -> tuple[str, int]:
    """A QemuOpts value runs to the next single comma; ``,,`` is a literal comma."""
    out = []
    while p < len(s):
        if s[p] == ",":
            if p + 1 < len(s) and s[p + 1] == ",":
                out.append(",")
                p += 2
                continue
            break
        out.append(s[p])
        p += 1
    return "".join(out), p


@dataclass
class _Opts:
    """What QemuOpts made of ``a=b,c,nod``: ordered (name, value) pairs, the id,
    the short-form booleans it warned about, and whether ``help`` was asked."""

    pairs: list[tuple[str, str]]
    id: str | None
    flags: list[tuple[str, str]]
    help: bool

    def get(self, name: str, default: str | None = None) -> str | None:
        for k, v in reversed(self.pairs):
            if k == name:
                return v
        return default

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]


def qemu_opts(text: str, implied: str | None = None) -> _Opts:
    """Split an option argument the way QemuOpts does (``qemu_opts_parse_noisily``).

    ``name=value`` pairs separated by commas, ``,,`` for a comma inside a value, the
    first bare word is the ``implied`` parameter (``tap`` is ``type=tap``), later bare
    words are booleans: ``ipv6`` is ``ipv6=on``, ``noipv6`` is ``ipv6=off`` (deprecated,
    QEMU warns). A trailing comma is harmless.
    """
    pairs: list[tuple[str, str]] = []
    flags: list[tuple[str, str]] = []
    ident = None
    want_help = False
    p = 0
    first = implied
    while p < len(text):
        rest = text[p:]
        n = _strcspn(rest, "=,")
        if n == len(rest) or rest[n] != "=":
            if first:
                name = first
                value, p = _opt_value(text, p)
            else:
                name = rest[:n]
                p += n
                if name.startswith("no"):
                    name, value, prefix = name[2:], "off", "no"
                else:
                    value, prefix = "on", ""
                if name in ("help", "?"):
                    want_help = True
                else:
                    flags.append((prefix, name))
        else:
            name = rest[:n]
            value, p = _opt_value(text, p + n + 1)
        first = None
        if p < len(text) and text[p] == ",":
            p += 1
        if name == "id":
            ident = value
            continue
        pairs.append((name, value))
    return _Opts(pairs, ident, flags, want_help)


_QAPI_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def keyval(text: str, implied: str | None) -> dict[str, str]:
    """Split an argument the keyval way (``-smp``, ``-machine``): keys must be names,
    only the *first* element may be bare (the implied key), ``,,`` escapes a comma,
    a repeated key keeps its last value. Raises ``(message, None)`` errors as
    :class:`ValueError` carrying QEMU's text."""
    out: dict[str, str] = {}
    p = 0
    first = True
    while p < len(text):
        rest = text[p:]
        n = _strcspn(rest, "=,")
        if n and (n == len(rest) or rest[n] != "=") and implied and first:
            out[implied] = rest[:n]
            p += n + (1 if p + n < len(text) else 0)
            first = False
            continue
        key = rest[:n]
        frags = key.split(".")
        ok = bool(key) and all(
            (_QAPI_NAME.fullmatch(f) or (i and f.isdigit())) for i, f in enumerate(frags))
        if not ok:
            raise ValueError(E.invalid_parameter(key))
        if n == len(rest):
            raise ValueError(E.expected_equals(key))
        value, p = _opt_value(text, p + n + 1)
        if p < len(text):
            p += 1
        out[key] = value
        first = False
    return out


def _id_wellformed(ident: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]*", ident))


_TRUE = ("on", "yes", "true", "y")
_FALSE = ("off", "no", "false", "n")


def _bool(value: str) -> bool | None:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _c_strtol(s: str, p: int, base: int) -> tuple[int, int]:
    """C ``strtol`` from index ``p``: (value, index after the number); no digits -> (0, p)."""
    q = p
    while q < len(s) and s[q] in " \t\n\v\f\r":
        q += 1
    neg = False
    if q < len(s) and s[q] in "+-":
        neg = s[q] == "-"
        q += 1
    if base in (0, 16) and s[q:q + 2].lower() == "0x" and q + 2 < len(s) \
            and s[q + 2] in "0123456789abcdefABCDEF":
        q += 2
        base = 16
    elif base == 0:
        base = 8 if s[q:q + 1] == "0" else 10
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    start = q
    while q < len(s) and s[q].lower() in digits:
        q += 1
    if q == start:
        return 0, p
    v = int(s[start:q], base)
    return (-v if neg else v), q


def strtosz(text: str, default_suffix: str = "B") -> tuple[int, bool]:
    """QEMU's ``qemu_strtosz``: ``16G``, ``1.5G``, ``512k``, ``0x100`` -> bytes.

    Suffixes (any case) B k M G T P E are powers of 1024; a fraction needs a suffix;
    ``-`` and exponents are refused. Returns (bytes, hex_with_suffix) -- the second
    tells that QEMU warns about a multiplier on a hex number. Raises ValueError('inval')
    or ValueError('range').
    """
    s = text
    q = 0
    while q < len(s) and s[q] in " \t\n\v\f\r":
        q += 1
    m = re.match(r"[+-]?\d+", s[q:])
    if not m or "-" in m.group(0):
        raise ValueError("inval")
    val = int(m.group(0))
    end = q + m.end()
    hexa = False
    frac = 0.0
    if val == 0 and end < len(s) and s[end] in "xX":
        m2 = re.match(r"[+]?0[xX]([0-9a-fA-F]+)", s[q:])
        if not m2:
            raise ValueError("inval")
        val = int(m2.group(1), 16)
        end = q + m2.end()
        if end < len(s) and s[end] == ".":
            raise ValueError("inval")
        hexa = True
    elif end < len(s) and s[end] == ".":
        m3 = re.match(r"\.\d*(?:[eE][+-]?\d+)?", s[end:])
        part = m3.group(0) if m3 else "."
        if "e" in part.lower():
            raise ValueError("inval")
        frac = float("0" + part) if part != "." else 0.0
        end += len(part)
    if val >= 1 << 64:
        raise ValueError("range")
    units = "BKMGTPE"
    suffix = s[end].upper() if end < len(s) else ""
    if suffix and suffix in units:
        mul = 1 << (10 * units.index(suffix))
        end += 1
        warn = hexa
    else:
        mul = 1 << (10 * units.index(default_suffix))
        warn = False
    if end != len(s):
        raise ValueError("inval")
    if mul == 1 and frac:
        raise ValueError("inval")
    total = val * mul + int(frac * mul + 0.5)
    if total >= 1 << 64:
        raise ValueError("range")
    return total, warn


def _parse_int64(text: str) -> int | None:
    """``qemu_strtoi64(text, NULL, 0)``: whole string, C prefixes (0x, 0) allowed."""
    v, end = _c_strtol(text, 0, 0)
    if end == 0 or end != len(text) or not text.strip():
        return None
    return v


def parse_device_mac(text: str) -> str | None:
    """``-device ...,mac=``: exactly six 2-digit hex bytes separated by ``:`` or ``-``."""
    if not re.fullmatch(r"[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}", text):
        return None
    return ":".join(text[i:i + 2] for i in range(0, 17, 3)).lower()


def parse_net_mac(text: str) -> str | None:
    """``-net nic,macaddr=`` / ``-nic ...,mac=`` (``net_parse_macaddr``): six strtol(16)
    parts separated by ``:`` or ``-`` (one digit is fine), or a number for the last
    three bytes."""
    off, end = _c_strtol(text, 0, 0)
    if end == len(text) and end and 0 <= off <= 0xFFFFFF:
        return f"00:00:00:{off >> 16 & 0xFF:02x}:{off >> 8 & 0xFF:02x}:{off & 0xFF:02x}"
    out = []
    p = 0
    for i in range(6):
        v, p = _c_strtol(text, p, 16)
        out.append(v & 0xFF)
        if i == 5:
            if p != len(text):
                return None
        else:
            if p >= len(text) or text[p] not in ":-":
                return None
            p += 1
    return ":".join(f"{b:02x}" for b in out)


# ============================================================== the parser
class _Stop(Exception):  # noqa: N818 -- control flow inside the builder
    def __init__(self, error: QemuError) -> None:
        self.error = error


@dataclass
class _Opt:
    name: str
    arg: str | None
    loc: str


_NETDEV_TYPES = ("user", "tap", "l2tpv3", "socket", "stream", "dgram", "vde", "bridge",
                 "hubport", "netmap", "vhost-user", "vhost-vdpa", "nic", "none")
_NOT_NETDEVS = ("nic", "none", "netmap")
_NETDEV_HELP = ("socket", "stream", "dgram", "hubport", "tap", "user", "l2tpv3", "vde",
                "bridge", "vhost-user", "vhost-vdpa")
_TAP_PARAMS = {"ifname": "str", "fd": "str", "fds": "str", "script": "str",
               "downscript": "str", "br": "str", "helper": "str", "sndbuf": "size",
               "vnet_hdr": "bool", "vhost": "bool", "vhostfd": "str", "vhostfds": "str",
               "vhostforce": "bool", "queues": "uint32", "poll-us": "uint32"}
_USER_PARAMS = {k: "str" for k in (
    "hostname", "ip", "net", "host", "tftp", "bootfile", "dhcpstart", "dns", "dnssearch",
    "domainname", "ipv6-prefix", "ipv6-host", "ipv6-dns", "smb", "smbserver", "hostfwd",
    "guestfwd", "tftp-server-name", "ipv6-net")}
_USER_PARAMS.update({"restrict": "bool", "ipv4": "bool", "ipv6": "bool",
                     "ipv6-prefixlen": "int64"})
_BACKEND_PARAMS = {"tap": _TAP_PARAMS, "user": _USER_PARAMS,
                   "bridge": {"br": "str", "helper": "str"},
                   "hubport": {"hubid": "int32", "netdev": "str"}}
_NIC_PARAMS = {"netdev": "str", "macaddr": "str", "model": "str", "addr": "str",
               "vectors": "uint32"}
_VNC_PARAMS = ("vnc", "websocket", "tls-creds", "tls-authz", "share", "password",
               "password-secret", "reverse", "lock-key-sync", "key-delay-ms", "sasl",
               "sasl-authz", "lossy", "non-adaptive", "audiodev", "power-control", "to",
               "ipv4", "ipv6", "connections", "display", "head", "acl", "x509",
               "x509verify", "tls")
_DRIVE_KNOWN = {"file", "if", "index", "bus", "unit", "media", "format", "readonly",
                "snapshot", "cache", "aio", "discard", "detect-zeroes", "werror",
                "rerror", "serial", "addr", "copy-on-read", "cyls", "heads", "secs",
                "trans", "cache.direct", "cache.no-flush", "read-only", "force-share",
                "auto-read-only", "node-name", "driver", "locking", "throttling.iops-total",
                "throttling.bps-total"}
_BLOCK_FORMATS = {"raw", "qcow2", "qcow", "vmdk", "vdi", "vhdx", "vpc", "qed", "luks",
                  "dmg", "parallels", "bochs", "cloop", "file", "host_device", "host_cdrom",
                  "nbd", "blkdebug", "null-co", "copy-on-read", "throttle", "vvfat",
                  "compress", "preallocate", "quorum", "replication", "blklogwrites",
                  "snapshot-access", "blkverify", "iscsi", "rbd", "ssh", "gluster", "nfs"}
_DRIVE_IFS = ("none", "ide", "scsi", "floppy", "pflash", "mtd", "sd", "virtio", "xen")
_ACCELS = ("kvm", "tcg", "xen", "qtest")
# devices that take a drive=, and the type QEMU names in "can't find value" errors
_DRIVE_DEVICES = {"ide-hd": "ide-hd", "ide-cd": "ide-cd", "scsi-hd": "scsi-hd",
                  "scsi-cd": "scsi-cd", "virtio-blk-pci": "virtio-blk-device",
                  "floppy": "floppy", "usb-storage": "usb-storage"}
_DISPLAYS = ("none", "gtk", "sdl", "vnc", "curses", "egl-headless", "dbus", "spice-app")
_MACHINE_PROPS = {
    "type", "accel", "kernel-irqchip", "kernel_irqchip", "kvm-shadow-mem", "kvm_shadow_mem",
    "dump-guest-core", "mem-merge", "usb", "graphics", "vmport", "smm", "sata", "smbus",
    "pit", "hpet", "nvdimm", "nvdimm-persistence", "max-ram-below-4g", "max-fw-size",
    "firmware", "pflash0", "pflash1", "memory-backend", "memory-encryption",
    "confidential-guest-support", "suppress-vmdesc", "iommu", "acpi", "sgx-epc", "boot",
    "default-bus-bypass-iommu", "bus-lock-ratelimit", "x-oem-id", "x-oem-table-id",
    "hmat", "i8042", "fd-bootindex", "kernel", "initrd", "append", "dtb", "dumpdtb",
    "phandle-start", "dt-compatible", "memory", "smp"}


class _Builder:
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.cfg = QemuConfig(argv=list(argv))
        self.steps = self.cfg.startup
        self.opts: list[_Opt] = []
        self.machine_kv: dict[str, str] = {}
        self.smp_kv: dict[str, str] = {}
        self.mem_opts: list[tuple[str, str]] = []
        self.mem_loc: str | None = None
        self.ids: dict[str, set[str]] = {g: set() for g in
                                         ("netdev", "device", "drive", "net", "nic")}
        self.accel_opt: _Opt | None = None
        self.net_counter = 0

    # ------------------------------------------------------------ helpers
    def warn(self, phase: Phase, text: str) -> None:
        self.steps.append(Warn(phase, text=text))

    def stop(self, phase: Phase, message: str, location: str | None = None,
             hint: str | None = None, status: int = 1, text: str | None = None) -> None:
        msg = text if text is not None else E.error_text(message, location, hint)
        err = QemuError(msg, status, signal=6 if status == 134 else None)
        self.steps.append(Fail(phase, location, error=err))
        raise _Stop(err)

    def _gen_net_id(self) -> str:
        # id_generate(ID_NET): "#net" + a per-subsystem counter + two random digits;
        # netsim uses 00..99 from the counter so runs are reproducible.
        n = self.net_counter
        self.net_counter += 1
        return f"#net{n}{(n * 37 + 11) % 100:02d}"

    # ------------------------------------------------------------ passes 1 and 2
    def first_pass(self) -> None:
        table = _OPTION_TABLE_DICT
        i = 0
        argv = self.argv
        while i < len(argv):
            a = argv[i]
            if not a.startswith("-"):
                self.opts.append(_Opt("hda-bare", a, a))
                i += 1
                continue
            name = a[2:] if a[1:2] == "-" else a[1:]
            if name not in table:
                raise QemuError(E.error_text(E.invalid_option(), a))
            if table[name]:
                if i + 1 >= len(argv):
                    raise QemuError(E.error_text(E.requires_argument(), a))
                self.opts.append(_Opt(name, argv[i + 1], f"{a} {argv[i + 1]}"))
                i += 2
            else:
                self.opts.append(_Opt(name, None, a))
                i += 1

    def _check_id(self, o: _Opt, ident: str | None, group: str) -> None:
        if ident is None:
            return
        if not _id_wellformed(ident):
            msg, hint = E.id_not_identifier()
            self.stop(Phase.OPTIONS, msg, o.loc, hint)
        if ident in self.ids[group]:
            self.stop(Phase.OPTIONS, E.duplicate_id(ident, group), o.loc)
        self.ids[group].add(ident)

    def _flag_warnings(self, o: _Opt, parsed: _Opts) -> None:
        for prefix, name in parsed.flags:
            msg, hint = E.short_form_boolean(prefix, name)
            self.warn(Phase.OPTIONS, E.warning_text(msg, o.loc) + hint)

    def second_pass(self) -> None:
        cfg = self.cfg
        self.net_opts: list[tuple[_Opt, _Opts]] = []
        self.nic_opts: list[tuple[_Opt, _Opts]] = []
        self.legacy_net: list[tuple[_Opt, _Opts]] = []
        self.device_opts: list[tuple[_Opt, _Opts]] = []
        self.drive_opts: list[tuple[_Opt, _Opts, dict]] = []
        self.vnc_opts: list[tuple[_Opt, _Opts]] = []
        self.cpu_opt: _Opt | None = None
        self.stdio_users: list[_Opt] = []
        for o in self.opts:
            name, arg = o.name, o.arg
            if name in _FOREIGN_OPTIONS:
                self.stop(Phase.OPTIONS, E.option_not_supported(), o.loc)
            if name == "version":
                raise QemuExit(stdout=E.version_text(), status=0)
            if name in ("help", "h", "audio-help"):
                raise NotModelled(f"-{name} prints QEMU's help text")
            if name == "hda-bare" or name in ("hda", "hdb", "hdc", "hdd", "cdrom"):
                index = {"hda-bare": 0, "hda": 0, "hdb": 1, "hdc": 2, "hdd": 3,
                         "cdrom": 2}[name]
                media = "cdrom" if name == "cdrom" else "disk"
                parsed = _Opts([("index", str(index)), ("media", media), ("file", arg)],
                               None, [], False)
                self.drive_opts.append((o, parsed, {"option": "(image)" if name == "hda-bare"
                                                    else "-" + name}))
            elif name == "drive":
                parsed = qemu_opts(arg)
                self._flag_warnings(o, parsed)
                self._check_id(o, parsed.id, "drive")
                self.drive_opts.append((o, parsed, {"option": "-drive"}))
            elif name == "m":
                parsed = qemu_opts(arg, "size")
                self._flag_warnings(o, parsed)
                for k, v in parsed.pairs:
                    if k not in ("size", "slots", "maxmem"):
                        self.stop(Phase.OPTIONS, E.invalid_parameter(k), o.loc)
                    if k in ("size", "maxmem"):
                        try:
                            strtosz(v)
                        except ValueError as exc:
                            if str(exc) == "range":
                                self.stop(Phase.OPTIONS, E.size_out_of_range(v, k), o.loc)
                            msg, hint = E.size_invalid(k)
                            self.stop(Phase.OPTIONS, msg, o.loc, hint)
                    if k == "slots" and _parse_int64(v) is None:
                        self.stop(Phase.OPTIONS, E.parameter_expects(k, "a number"), o.loc)
                self.mem_opts.extend(parsed.pairs)
                self.mem_loc = o.loc
            elif name == "smp":
                try:
                    self.smp_kv.update(keyval(arg, "cpus"))
                except ValueError as exc:
                    self.stop(Phase.OPTIONS, str(exc), o.loc)
                cfg.smp_text = arg
            elif name in ("machine", "M"):
                try:
                    self.machine_kv.update(keyval(arg, "type"))
                except ValueError as exc:
                    self.stop(Phase.OPTIONS, str(exc), o.loc)
            elif name == "name":
                parsed = qemu_opts(arg, "guest")
                self._flag_warnings(o, parsed)
                for k, v in parsed.pairs:
                    if k not in ("guest", "process", "debug-threads"):
                        self.stop(Phase.OPTIONS, E.invalid_parameter(k), o.loc)
                    if k == "debug-threads" and _bool(v) is None:
                        self.stop(Phase.OPTIONS, E.parameter_expects(k, "'on' or 'off'"),
                                  o.loc)
                cfg.name = parsed.get("guest", cfg.name)
                cfg.process_name = parsed.get("process", cfg.process_name)
            elif name == "vnc":
                parsed = qemu_opts(arg, "vnc")
                self._flag_warnings(o, parsed)
                for k, _v in parsed.pairs:
                    if k not in _VNC_PARAMS:
                        self.stop(Phase.OPTIONS, E.invalid_parameter(k), o.loc)
                self.vnc_opts.append((o, parsed))
            elif name == "display":
                kind = re.match(r"[^,=]*", arg).group(0)
                if kind not in _DISPLAYS:
                    self.stop(Phase.OPTIONS, E.parameter_bad_value("type", kind), o.loc)
                cfg.display = kind
                if kind == "vnc":
                    vtext = arg.split("=", 1)[1] if "=" in arg else ""
                    self.vnc_opts.append((o, qemu_opts(vtext, "vnc")))
            elif name == "netdev":
                parsed = qemu_opts(arg, "type")
                if parsed.get("type") in ("help", "?"):
                    raise QemuExit(stdout="Available netdev backend types:\n"
                                   + "".join(t + "\n" for t in _NETDEV_HELP), status=0)
                self._flag_warnings(o, parsed)
                self._check_id(o, parsed.id, "netdev")
                self.net_opts.append((o, parsed))
            elif name == "nic":
                parsed = qemu_opts(arg, "type")
                self._flag_warnings(o, parsed)
                self._check_id(o, parsed.id, "nic")
                self.nic_opts.append((o, parsed))
            elif name == "net":
                parsed = qemu_opts(arg, "type")
                self._flag_warnings(o, parsed)
                self._check_id(o, parsed.id, "net")
                if parsed.get("type") == "nic" and parsed.get("model") == "help":
                    raise QemuExit(stdout="Supported NIC models:\n"
                                   + "".join(m + "\n" for m in _NIC_MODELS), status=0)
                self.legacy_net.append((o, parsed))
            elif name == "device":
                parsed = _json_device(arg) if arg.startswith("{") else qemu_opts(arg, "driver")
                self._flag_warnings(o, parsed)
                self._check_id(o, parsed.id, "device")
                if parsed.get("driver") == "help" or parsed.help:
                    raise NotModelled("-device help")
                self.device_opts.append((o, parsed))
            elif name == "cpu":
                self.cpu_opt = o
            elif name == "enable-kvm":
                cfg.enable_kvm = True
                self.machine_kv["accel"] = "kvm"
            elif name == "accel":
                self.accel_opt = o
            elif name == "daemonize":
                cfg.daemonize = True
            elif name == "S":
                cfg.paused = True
            elif name == "nodefaults":
                cfg.nodefaults = True
            elif name == "nographic":
                cfg.nographic = True
            elif name in ("monitor", "serial", "parallel", "mon", "qmp", "chardev"):
                if arg == "stdio" or (arg or "").startswith("stdio,"):
                    self.stdio_users.append(o)
                cfg.unmodelled.append(("-" + name, arg))
            else:
                cfg.unmodelled.append(("-" + name, arg))

    # ------------------------------------------------------------ phases
    def phase_machine_type(self) -> None:
        cfg = self.cfg
        mtype = self.machine_kv.get("type", "pc")
        if mtype in ("help", "?"):
            raise NotModelled("-machine help")
        if mtype not in _MACHINES:
            msg, hint = E.unsupported_machine_type()
            self.stop(Phase.MACHINE_TYPE, msg, None, hint)
        cfg.machine = mtype
        cfg.machine_type = {"pc": "pc-i440fx-7.2", "q35": "pc-q35-7.2"}.get(mtype, mtype)

    def phase_daemonize(self) -> None:
        cfg = self.cfg
        if not cfg.daemonize:
            return
        if cfg.nographic and not cfg.nodefaults:
            self.stop(Phase.DAEMONIZE, E.nographic_with_daemonize())
        if cfg.display == "curses":
            self.stop(Phase.DAEMONIZE, E.curses_with_daemonize())
        for o in self.stdio_users:
            text = E.error_text(E.stdio_with_daemonize(), o.loc)
            if o.name == "serial":
                text += E.error_text("could not connect serial device to character backend "
                                     f"'{o.arg}'", o.loc)
            self.stop(Phase.DAEMONIZE, "", text=text)
        self.steps.append(Daemonize(Phase.DAEMONIZE))

    def phase_drives(self) -> None:
        used: dict[tuple[str, int, int], Drive] = {}
        for o, parsed, extra in self.drive_opts:
            d = self._drive(o, parsed, extra, used)
            if d is None:
                continue
            used[(d.interface, d.bus, d.unit)] = d
            self.cfg.drives.append(d)
            if d.file:
                self.steps.append(OpenImage(Phase.DRIVES, d.location, drive=d))
                fmt = d.format or "raw"
                for k in d.options:
                    if k not in _DRIVE_KNOWN:
                        self.stop(Phase.DRIVES, E.block_option_unsupported(fmt, k), d.location)

    def _drive(self, o: _Opt, parsed: _Opts, extra: dict,
               used: dict[tuple[str, int, int], Drive]) -> Drive | None:
        loc = o.loc
        media = parsed.get("media", "disk")
        if media not in ("disk", "cdrom"):
            self.stop(Phase.DRIVES, E.invalid_media(media), loc)
        iface = parsed.get("if", "ide")
        if iface not in _DRIVE_IFS:
            self.stop(Phase.DRIVES, E.unsupported_bus_type(iface), loc)
        nums = {}
        for key in ("index", "bus", "unit"):
            v = parsed.get(key)
            if v is not None:
                n = _parse_int64(v)
                if n is None:
                    self.stop(Phase.DRIVES, E.parameter_expects(key, "a number"), loc)
                nums[key] = n
        index = nums.get("index", -1)
        index = None if index is not None and index < 0 else index
        max_devs = {"ide": 2, "scsi": 7}.get(iface, 0)
        if index is not None and ("bus" in nums or "unit" in nums):
            self.stop(Phase.DRIVES, E.index_with_bus_unit(), loc)
        if index is not None:
            bus, unit = (index // max_devs, index % max_devs) if max_devs else (0, index)
        else:
            bus = nums.get("bus", 0)
            unit = nums.get("unit", -1)
            if unit < 0:
                unit = 0
                while (iface, bus, unit) in used:
                    unit += 1
                    if max_devs and unit >= max_devs:
                        unit -= max_devs
                        bus += 1
        if (iface, bus, unit) in used:
            self.stop(Phase.DRIVES, E.drive_exists(bus, unit, index if index is not None
                                                   else bus * max(max_devs, 1) + unit), loc)
        fmt = parsed.get("format")
        if fmt is not None and fmt not in _BLOCK_FORMATS:
            self.stop(Phase.DRIVES, E.unknown_block_driver(fmt), loc)
        readonly = _bool(parsed.get("readonly", "off") or "off") or media == "cdrom"
        if parsed.id:
            ident = parsed.id
        elif iface == "ide":
            ident = f"ide{bus}-{'cd' if media == 'cdrom' else 'hd'}{unit}"
        elif iface in ("virtio", "scsi", "floppy", "sd", "mtd", "pflash"):
            prefix = {"floppy": "floppy", "pflash": "pflash"}.get(iface, iface)
            ident = f"{prefix}{unit if iface != 'scsi' else unit}"
        else:
            ident = f"{iface}{bus}-{unit}"
        opts = {k: v for k, v in parsed.pairs
                if k not in ("if", "index", "bus", "unit", "media", "format", "readonly",
                             "file")}
        return Drive(file=parsed.get("file"), interface=iface, index=index, bus=bus,
                     unit=unit, media=media, format=fmt, readonly=bool(readonly), id=ident,
                     option=extra["option"], location=loc, options=opts)

    def phase_machine_props(self) -> None:
        for k in self.machine_kv:
            if k.split(".")[0] not in _MACHINE_PROPS:
                self.stop(Phase.MACHINE_PROPS,
                          E.property_not_found(f"{self.cfg.machine_type}-machine", k))

    def phase_smp(self) -> None:
        kv = self.smp_kv
        order = ("cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus")
        vals: dict[str, int] = {}
        for k in order:
            if k in kv:
                v = _parse_int64(kv[k])
                if v is None:
                    self.stop(Phase.SMP, E.parameter_expects(f"smp.{k}", "integer"))
                vals[k] = v
        for k in kv:
            if k not in order:
                self.stop(Phase.SMP, E.parameter_unexpected(f"smp.{k}"))
        if any(v == 0 for v in vals.values()):
            self.warn(Phase.SMP, E.warning_text(E.smp_zero_deprecated()))
        u = {k: vals.get(k, 0) & 0xFFFFFFFF for k in order}
        cpus, sockets, dies, clusters, cores, threads, maxcpus = (u[k] for k in order)
        if clusters > 1:
            self.stop(Phase.SMP, E.smp_not_supported("clusters"))
        dies = dies or 1
        clusters = clusters or 1
        m32 = 0xFFFFFFFF

        def div(a: int, b: int) -> int:
            return a // b if b else 0

        if cpus == 0 and maxcpus == 0:
            sockets, cores, threads = sockets or 1, cores or 1, threads or 1
        else:
            maxcpus = maxcpus or cpus
            if cores == 0:   # prefer cores over sockets since QEMU 6.2
                sockets, threads = sockets or 1, threads or 1
                cores = div(maxcpus, (sockets * dies * clusters * threads) & m32)
            elif sockets == 0:
                threads = threads or 1
                sockets = div(maxcpus, (dies * clusters * cores * threads) & m32)
            if threads == 0:
                threads = div(maxcpus, (sockets * dies * clusters * cores) & m32)
        maxcpus = maxcpus or (sockets * dies * clusters * cores * threads) & m32
        cpus = cpus or maxcpus
        hier = f"sockets ({sockets}) * dies ({dies}) * cores ({cores}) * threads ({threads})"
        if (sockets * dies * clusters * cores * threads) & m32 != maxcpus:
            self.stop(Phase.SMP, E.smp_topology_mismatch(hier, maxcpus))
        if maxcpus < cpus:
            self.stop(Phase.SMP, E.smp_maxcpus_too_small(hier, maxcpus, cpus))
        limit = 288 if "q35" in self.cfg.machine_type else 255
        if maxcpus > limit:
            signed = maxcpus - (1 << 32) if maxcpus >= 1 << 31 else maxcpus
            self.stop(Phase.SMP, E.smp_too_many(signed, self.cfg.machine_type, limit))
        self.cfg.smp = Smp(cpus, sockets, dies, clusters, cores, threads, maxcpus)

    def phase_memory(self) -> None:
        mem = dict(self.mem_opts)
        text = mem.get("size")
        size = DEFAULT_RAM
        if text is not None and strtosz(text)[0] != 0:
            full = text + "M" if text[-1:].isdigit() else text
            value, hexwarn = strtosz(full)
            if hexwarn:
                self.warn(Phase.MEMORY, E.warning_text(E.hex_suffix_deprecated(full)))
            size = ((value + RAM_ALIGN - 1) // RAM_ALIGN * RAM_ALIGN) % (1 << 64)
        if "slots" in mem and "maxmem" not in mem:
            self.stop(Phase.MEMORY, E.slots_without_maxmem())
        maxmem = strtosz(mem["maxmem"])[0] if "maxmem" in mem else None
        slots = _parse_int64(mem["slots"]) if "slots" in mem else None
        self.cfg.memory = Memory(size, text, slots, maxmem)

    def phase_accel(self) -> None:
        cfg = self.cfg
        if self.accel_opt is not None and "accel" in self.machine_kv:
            self.stop(Phase.ACCEL, E.accel_options_incompatible())
        if self.accel_opt is not None:
            names = [qemu_opts(self.accel_opt.arg or "", "accel").get("accel", "")]
            loc = self.accel_opt.loc
        else:
            names = self.machine_kv.get("accel", "tcg").split(":")
            loc = None
        for n in names:
            if n not in _ACCELS:
                self.stop(Phase.ACCEL, E.invalid_accelerator(n), loc)
        cfg.accel = names
        if names[0] == "kvm":
            cfg.enable_kvm = True
            self.steps.append(OpenKvm(Phase.ACCEL, loc, fallback_tcg=len(names) > 1,
                                      smp_cpus=cfg.smp.cpus, maxcpus=cfg.smp.maxcpus))

    # ------------------------------------------------------------ network
    def phase_net(self) -> None:
        for o, parsed in self.net_opts:
            self._netdev(o, parsed, origin="-netdev", ident=parsed.id)
        for o, parsed in self.nic_opts:
            self._nic_option(o, parsed)
        for o, parsed in self.legacy_net:
            self._legacy_net(o, parsed)

    def _netdev(self, o: _Opt, parsed: _Opts, origin: str, ident: str | None,
                skip: tuple[str, ...] = ()) -> Netdev | None:
        loc = o.loc
        if ident is None:
            self.stop(Phase.NET, E.parameter_missing("id"), loc)
        kind = parsed.get("type")
        if kind is None:
            self.stop(Phase.NET, E.parameter_missing("type"), loc)
        if kind not in _NETDEV_TYPES:
            self.stop(Phase.NET, E.parameter_bad_value("type", kind), loc)
        pairs = [(k, v) for k, v in parsed.pairs if k != "type" and k not in skip]
        schema = _BACKEND_PARAMS.get(kind)
        nd = Netdev(id=ident, type=kind, location=loc, origin=origin, params=dict(pairs))
        if schema is not None:
            for k, v in pairs:
                t = schema.get(k)
                if t == "bool" and _bool(v) is None:
                    self.stop(Phase.NET, E.parameter_expects(k, "'on' or 'off'"), loc)
                if t in ("uint32", "int32", "int64"):
                    n = _parse_int64(v)
                    if n is None or (t == "uint32" and n < 0):
                        what = "a uint64 value" if t == "uint32" else "an int64 value"
                        self.stop(Phase.NET, E.parameter_expects(k, what), loc)
                if t == "size":
                    try:
                        strtosz(v)
                    except ValueError:
                        self.stop(Phase.NET, E.parameter_expects(k, "a size value"), loc)
            for k, _v in pairs:
                if k not in schema:
                    self.stop(Phase.NET, E.invalid_parameter(k), loc)
        if kind in _NOT_NETDEVS:
            self.stop(Phase.NET, E.backend_not_compiled(kind), loc)
        if origin == "-nic" and self.cfg.netdev(ident):
            self.stop(Phase.NET, E.duplicate_id(ident, None), loc)
        self.cfg.netdevs.append(nd)
        if kind == "tap":
            self._tap(nd)
        elif kind == "user":
            self._user(nd)
        elif kind == "bridge":
            nd.br = nd.params.get("br", DEFAULT_BRIDGE)
            nd.helper = nd.params.get("helper")
            self.steps.append(BridgeHelper(Phase.NET, loc, netdev=nd,
                                           helper=nd.helper or DEFAULT_BRIDGE_HELPER,
                                           br=nd.br))
        elif kind == "hubport":
            nd.hubid = _parse_int64(nd.params.get("hubid", "0"))
            self.cfg.hubs.setdefault(nd.hubid or 0, []).insert(0, nd.id)
            nd.hub, nd.hubport = nd.hubid, nd.id
        else:
            self.cfg.unmodelled.append((origin, o.arg))
        return nd

    def _tap(self, nd: Netdev) -> None:
        p = nd.params
        loc = nd.location
        nd.vhost = bool(_bool(p.get("vhost", "off")))
        if "vnet_hdr" in p:
            nd.vnet_hdr = _bool(p["vnet_hdr"])
        if "fd" in p:
            if any(k in p for k in ("ifname", "script", "downscript", "vnet_hdr", "helper",
                                    "queues", "fds", "vhostfds")):
                self.stop(Phase.NET, E.tap_fd_with_other_options(), loc)
            fd, end = _c_strtol(p["fd"], 0, 10)
            nd.fd = fd
            self.steps.append(UseFd(Phase.NET, loc, netdev=nd, fd=fd))
            return
        if "fds" in p or "vhostfds" in p or "helper" in p:
            nd.helper = p.get("helper")
            if "helper" in p and "fds" not in p:
                self.steps.append(BridgeHelper(Phase.NET, loc, netdev=nd, helper=p["helper"],
                                               br=p.get("br", DEFAULT_BRIDGE)))
            else:
                self.cfg.unmodelled.append(("-netdev", "tap,fds="))
            return
        nd.ifname = p.get("ifname")
        if nd.ifname is not None:
            nd.ifname = nd.ifname[:15]      # pstrcpy into a 16-byte ifr_name
        nd.script = p.get("script", DEFAULT_IFUP)
        nd.downscript = p.get("downscript", DEFAULT_IFDOWN)
        nd.queues = _parse_int64(p.get("queues", "1")) or 0
        if nd.queues == 0:
            # QEMU 7.2 creates no queue at all and trips an assertion (SIGABRT).
            self.stop(Phase.NET, "", text=E.net_client_assertion_text(), status=134)
        for q in range(nd.queues):
            self.steps.append(OpenTap(Phase.NET, loc, netdev=nd, ifname=nd.ifname, queue=q,
                                      multi_queue=nd.queues > 1,
                                      vnet_hdr=nd.vnet_hdr is not False))
            if q == 0 and nd.runs_script:
                self.steps.append(RunScript(Phase.NET, loc, netdev=nd, script=nd.script))
            if nd.vhost:
                self.steps.append(OpenVhost(Phase.NET, loc, netdev=nd))

    def _user(self, nd: Netdev) -> None:
        """net_slirp_init(): the virtual network's addresses, checked in QEMU 7.2's order."""
        p = nd.params
        loc = nd.location
        if _bool(p.get("ipv4", "on")) is False and _bool(p.get("ipv6", "on")) is False:
            self.stop(Phase.NET, E.ip_disabled(), loc)
        nd.restrict = bool(_bool(p.get("restrict", "off")))
        net, mask = _slirp_net(p.get("net", p.get("ip", "10.0.2.0/24")))
        if net is None:
            self.stop(Phase.NET, mask if isinstance(mask, str) else "", loc)
        assert isinstance(mask, int)
        nd.net = _ntoa(net)
        nd.prefixlen = bin(mask).count("1")
        # The defaults keep the low bytes 2.2, 2.3 and 2.15 under the mask: 10.0.2.2 in a
        # /24, but 10.0.2.2 too in 10.0.0.0/8 and 192.168.2.2 in 192.168.0.0/16.
        host = _slirp_addr(p.get("host"), net | (0x0202 & ~mask))
        if host is None:
            self.stop(Phase.NET, E.slirp_parse_failed("host"), loc)
        if host & mask != net:
            self.stop(Phase.NET, E.host_not_in_network(), loc)
        dns = _slirp_addr(p.get("dns"), net | (0x0203 & ~mask))
        if dns is None:
            self.stop(Phase.NET, E.slirp_parse_failed("DNS"), loc)
        if nd.restrict and dns & mask != net:
            self.stop(Phase.NET, E.dns_not_in_network(), loc)
        if dns == host:
            self.stop(Phase.NET, E.dns_is_host(), loc)
        dhcp = _slirp_addr(p.get("dhcpstart"), net | (0x020F & ~mask))
        if dhcp is None:
            self.stop(Phase.NET, E.slirp_parse_failed("DHCP start address"), loc)
        if dhcp & mask != net:
            self.stop(Phase.NET, E.dhcp_not_in_network(), loc)
        if dhcp in (host, dns):
            self.stop(Phase.NET, E.dhcp_is_host_or_dns(), loc)
        nd.host, nd.dns, nd.guest_addr = _ntoa(host), _ntoa(dns), _ntoa(dhcp)
        rules = [v for k, v in self._pairs_of(nd) if k == "hostfwd"]
        # QEMU walks the hostfwd list back to front: the last rule is bound first.
        for text in reversed(rules):
            rule = _hostfwd(text, nd.guest_addr)
            if isinstance(rule, str):
                self.stop(Phase.NET, E.hostfwd_invalid(text, rule), loc)
            nd.hostfwd.insert(0, rule)
            self.steps.append(HostFwdListen(Phase.NET, loc, netdev=nd, rule=rule))

    def _pairs_of(self, nd: Netdev) -> list[tuple[str, str]]:
        # params keeps the last value per key; hostfwd may repeat, so re-read the option
        for o, parsed in self.net_opts + self.nic_opts + self.legacy_net:
            if o.loc == nd.location:
                return parsed.pairs
        return list(nd.params.items())

    def _nic_option(self, o: _Opt, parsed: _Opts) -> None:
        kind = parsed.get("type", "user")
        if kind == "none":
            return
        ident = parsed.id or self._gen_net_id()
        work = _Opts([(k, v) for k, v in parsed.pairs if k not in ("model", "mac")]
                     + ([] if parsed.get("type") else [("type", "user")]), ident, [], False)
        nd = self._netdev(o, work, origin="-nic", ident=ident)
        mac_text = parsed.get("mac")
        nic = Nic(model=_nic_model(parsed.get("model", "e1000")),
                  model_text=parsed.get("model", "e1000"), netdev=ident, origin="-nic",
                  location=o.loc)
        if mac_text is not None:
            mac = parse_net_mac(mac_text)
            if mac is None:
                self.stop(Phase.NET, E.invalid_ethernet_address(), o.loc)
            if int(mac[:2], 16) & 1:
                self.stop(Phase.NET, E.multicast_mac(), o.loc)
            nic.mac, nic.mac_given = mac, True
        if nd is not None:
            nd.peer = "nic"
        self.board_nics.append(nic)

    def _legacy_net(self, o: _Opt, parsed: _Opts) -> None:
        kind = parsed.get("type")
        if kind is None:
            self.stop(Phase.NET, E.parameter_missing("type"), o.loc)
        if kind == "none":
            return
        ident = parsed.id or self._gen_net_id()
        if kind != "nic":
            if kind in ("hubport",):
                self.stop(Phase.NET, E.parameter_bad_value("type", kind), o.loc)
            nd = self._netdev(o, parsed, origin="-net", ident=ident)
            if nd is not None:
                port = self._hub_port(0)
                nd.hub, nd.hubport = 0, port
            return
        for k, v in parsed.pairs:
            if k == "type":
                continue
            if k not in _NIC_PARAMS:
                self.stop(Phase.NET, E.invalid_parameter(k), o.loc)
            if _NIC_PARAMS[k] == "uint32" and _parse_int64(v) is None:
                self.stop(Phase.NET, E.parameter_expects(k, "a uint64 value"), o.loc)
        model = parsed.get("model", "e1000")
        nic = Nic(model=_nic_model(model), model_text=model, netdev=parsed.get("netdev"),
                  origin="-net", location=o.loc)
        mac_text = parsed.get("macaddr")
        if mac_text is not None:
            mac = parse_net_mac(mac_text)
            if mac is None:
                self.stop(Phase.NET, E.invalid_ethernet_address(), o.loc)
            if int(mac[:2], 16) & 1:
                self.stop(Phase.NET, E.multicast_mac(), o.loc)
            nic.mac, nic.mac_given = mac, True
        if nic.netdev is None:
            nic.hub, nic.hubport = 0, self._hub_port(0)
        self.board_nics.append(nic)

    def _hub_port(self, hub: int) -> str:
        ports = self.cfg.hubs.setdefault(hub, [])
        name = f"hub{hub}port{len(ports)}"
        ports.insert(0, name)       # QEMU lists a hub's ports newest first
        return name

    # ------------------------------------------------------------ cpu, board, devices
    def phase_cpu(self) -> None:
        cfg = self.cfg
        if self.cpu_opt is None:
            return
        text = self.cpu_opt.arg or ""
        if not text:
            self.stop(Phase.CPU, E.cpu_option_empty())
        model = text.split(",")[0]
        if model in ("help", "?"):
            raise NotModelled("-cpu help")
        if model not in _CPU_MODELS:
            self.stop(Phase.CPU, E.unknown_cpu_model(model))
        if model == "host" and not cfg.enable_kvm:
            self.stop(Phase.CPU, E.cpu_needs_kvm(model))
        cfg.cpu_model = text

    def phase_board(self) -> None:
        cfg = self.cfg
        self.steps.append(AllocRam(Phase.BOARD, size=cfg.memory.size))
        for nic in self.board_nics:
            if nic.model not in _NIC_MODELS and nic.model != "ne2k_isa":
                self.stop(Phase.BOARD, E.unsupported_nic_model(nic.model_text))
            self._add_nic(nic)
        if cfg.smp.threads > 1 and (cfg.cpu_model or "qemu64").split(",")[0] in (
                "qemu64", "qemu64-v1"):
            msg, hint = E.amd_hyperthreading(cfg.smp.threads)
            self.warn(Phase.BOARD, E.warning_text(msg) + hint)
        if cfg.enable_kvm:
            self.steps.append(CreateVcpus(Phase.BOARD, count=cfg.smp.cpus))
        ide = sorted((d for d in cfg.drives if d.interface == "ide"),
                     key=lambda d: (d.bus, d.unit))
        nbus = 6 if "q35" in cfg.machine_type else 2
        for d in ide:
            if d.bus >= nbus:
                continue
            if d.file is None and d.media == "disk":
                self.stop(Phase.BOARD, E.drive_empty())
            if d.readonly and d.media == "disk":
                self.stop(Phase.BOARD, E.node_read_only())
            if d.file is not None and not d.readonly:
                self.steps.append(AttachImage(Phase.BOARD, None, drive=d))
        for d in ide:       # drive_check_orphaned(): drives no board device took
            if d.bus >= nbus:
                self.stop(Phase.BOARD, E.drive_slot_unsupported("ide", d.bus, d.unit),
                          d.location)

    def _add_nic(self, nic: Nic) -> None:
        same = sum(1 for n in self.cfg.nics if n.model == nic.model)
        nic.name = nic.id or f"{nic.model}.{same}"
        if not nic.mac_given or nic.mac == "00:00:00:00:00:00":
            nic.mac = self._free_mac()
            nic.mac_given = False
        self._mark_mac(nic.mac)
        if nic.netdev is not None:
            nd = self.cfg.netdev(nic.netdev)
            if nd is not None:
                nd.peer = nic.name
        self.cfg.nics.append(nic)

    def _free_mac(self) -> str:
        # qemu_macaddr_get_free(): the lowest last byte from 0x56 not yet in use
        for b in range(0x56, 0xFF):
            if not self.mac_used.get(b):
                return f"{MAC_BASE}:{b:02x}"
        return f"{MAC_BASE}:ff"

    def _mark_mac(self, mac: str) -> None:
        if mac.startswith(MAC_BASE + ":"):
            b = int(mac[-2:], 16)
            if 0x56 <= b < 0xFF:
                self.mac_used[b] = self.mac_used.get(b, 0) + 1

    def phase_devices(self) -> None:
        for o, parsed in self.device_opts:
            self._device(o, parsed)
        for d in self.cfg.drives:
            if d.interface == "virtio" and d.file is not None and not d.readonly:
                self.steps.append(AttachImage(Phase.DEVICES, None, drive=d))

    def _device(self, o: _Opt, parsed: _Opts) -> None:
        loc = o.loc
        driver = parsed.get("driver")
        if driver is None:
            self.stop(Phase.DEVICES, E.parameter_missing("driver"), loc)
        typ = _DEVICE_ALIASES.get(driver, driver)
        if typ not in _DEVICES:
            self.stop(Phase.DEVICES, E.not_a_device_model(driver), loc)
        props = [(k, v) for k, v in parsed.pairs if k != "driver"]
        bus = _DEVICES[typ]
        if bus in ("virtio-bus", "usb-bus") and not any(k == "bus" for k, _ in props):
            self.stop(Phase.DEVICES, E.no_bus_for_device(bus, typ), loc)
        if typ in _DRIVE_DEVICES:
            drive = dict(props).get("drive")
            if drive is None and typ in ("ide-hd", "ide-cd"):
                self.stop(Phase.DEVICES, "No drive specified", loc)
            if drive is not None and not any(d.id == drive for d in self.cfg.drives):
                self.stop(Phase.DEVICES,
                          E.property_cant_find(_DRIVE_DEVICES[typ], "drive", drive), loc)
        if typ not in _NIC_PROPS:
            self.cfg.devices.append(Device(typ, dict(props), parsed.id, loc))
            self.cfg.unmodelled.append(("-device", o.arg))
            return
        nic = Nic(model=typ, model_text=driver, netdev=None, id=parsed.id, origin="-device",
                  location=loc)
        schema = _NIC_PROPS[typ]
        for k, v in props:
            if k == "bus":
                continue
            t = schema.get(k)
            if t is None:
                self.stop(Phase.DEVICES, E.property_not_found(typ, k), loc)
            if k == "mac":
                mac = parse_device_mac(v)
                if mac is None:
                    self.stop(Phase.DEVICES, E.property_bad_value(typ, k, v), loc)
                nic.mac, nic.mac_given = mac, True
            elif k == "netdev":
                nd = self.cfg.netdev(v)
                if nd is None:
                    self.stop(Phase.DEVICES, E.property_cant_find(typ, k, v), loc)
                if nd.peer is not None or nd.hub is not None:
                    self.stop(Phase.DEVICES, E.property_in_use(typ, k, v), loc)
                nic.netdev = v
            elif k == "addr":
                m = re.fullmatch(r"([0-9a-fA-F]{1,2})(?:\.([0-7]))?", v)
                if not m:
                    self.stop(Phase.DEVICES, E.property_bad_value(typ, k, v), loc)
                slot = (int(m.group(1), 16), int(m.group(2) or 0))
                if slot in self.pci_slots:
                    other = self.pci_slots[slot]
                    self.stop(Phase.DEVICES, E.pci_slot_in_use(*slot, typ, other.model,
                                                                other.id), loc)
                self.pci_slots[slot] = nic
            elif t == "bool" and _bool(v) is None:
                self.stop(Phase.DEVICES, E.parameter_expects(k, "'on' or 'off'"), loc)
            elif t.startswith(("int", "uint")):
                n = _parse_int64(v)
                if n is None:
                    self.stop(Phase.DEVICES, E.parameter_expects(k, "integer"), loc)
                if t.startswith("uint") and n < 0:
                    self.stop(Phase.DEVICES, E.parameter_expects(k, f"{t}_t"), loc)
            nic.props[k] = v
        self._add_nic(nic)

    def phase_net_check(self) -> None:
        cfg = self.cfg
        for hub, ports in sorted(cfg.hubs.items()):
            members = [p for p in ports]
            has_nic = any(n.hub == hub for n in cfg.nics)
            has_host = any(nd.hub == hub and nd.type != "hubport" for nd in cfg.netdevs)
            for nd in cfg.netdevs:
                if nd.type == "hubport" and nd.hubid == hub and nd.id in members:
                    self.warn(Phase.NET_CHECK, E.warning_text(E.hubport_no_peer(nd.id)))
            if has_host and not has_nic:
                self.warn(Phase.NET_CHECK, E.warning_text(E.hub_no_nics(hub)))
            if has_nic and not has_host:
                self.warn(Phase.NET_CHECK, E.warning_text(E.hub_no_host_network(hub)))
        for name, kind in self._clients():
            if kind == "netdev-nopeer":
                self.warn(Phase.NET_CHECK, E.warning_text(E.netdev_no_peer(name)))
            elif kind == "nic-nopeer":
                self.warn(Phase.NET_CHECK, E.warning_text(E.nic_no_peer(name)))

    def _clients(self) -> Iterator[tuple[str, str]]:
        """net_clients in creation order, tagged with whether they lack a peer."""
        cfg = self.cfg
        for nd in cfg.netdevs:
            lonely = nd.peer is None and nd.hub is None
            if nd.type == "hubport":
                lonely = True      # a hub port made by -netdev hubport has no peer of its own
            for _q in range(nd.queues if nd.type == "tap" else 1):
                yield nd.id, "netdev-nopeer" if lonely else "netdev"
        for nic in cfg.nics:
            lonely = nic.netdev is None and nic.hub is None
            yield nic.name, "nic-nopeer" if lonely else "nic"

    def phase_display(self) -> None:
        cfg = self.cfg
        if cfg.display is None and not cfg.nographic and not self.vnc_opts:
            cfg.display = "gtk"
        if cfg.display in ("gtk", "sdl"):
            self.steps.append(InitGtk(Phase.DISPLAY))
        for o, parsed in self.vnc_opts:
            text = parsed.get("vnc", "") or ""
            v = _vnc(text, parsed)
            if isinstance(v, str):
                self.stop(Phase.DISPLAY, v, o.loc)
            cfg.vnc.append(v)
            if v.display is not None or v.unix:
                self.steps.append(ListenVnc(Phase.DISPLAY, o.loc, vnc=v))

    def run(self) -> QemuConfig:
        self.mac_used: dict[int, int] = {}
        self.pci_slots: dict[tuple[int, int], Nic] = {}
        self.board_nics: list[Nic] = []
        self.first_pass()
        try:
            self.second_pass()
            if (not self.cfg.nodefaults and not self.net_opts and not self.nic_opts
                    and not self.legacy_net):
                # no network option at all: QEMU adds "-net nic -net user"
                self.legacy_net = [(_Opt("net", "nic", "-net nic"), qemu_opts("nic", "type")),
                                   (_Opt("net", "user", "-net user"), qemu_opts("user", "type"))]
            self.phase_machine_type()
            self.phase_daemonize()
            self.phase_drives()
            self.phase_machine_props()
            self.phase_smp()
            self.phase_memory()
            self.phase_accel()
            self.phase_net()
            self.phase_cpu()
            self.phase_board()
            self.phase_devices()
            self.phase_net_check()
            self.phase_display()
            self.steps.append(Running(Phase.DISPLAY))
        except _Stop as stop:
            # An error met before any side effect is certain: raise it now, after the
            # warnings QEMU printed on its way there.
            if not any(_is_effect(s) for s in self.steps):
                warnings = tuple(s.text for s in self.steps if isinstance(s, Warn))
                raise stop.error.with_warnings(warnings) from None
        return self.cfg


def _is_effect(step: Step) -> bool:
    """Steps whose outcome depends on the host or changes it. parse() raises an error
    only if none comes before it; it takes KVM, RAM and the fork of -daemonize as
    given (a netsim host has /dev/kvm), so those do not count."""
    return isinstance(step, (OpenImage, AttachImage, OpenTap, RunScript, OpenVhost, UseFd,
                             BridgeHelper, HostFwdListen, InitGtk))


def parse(argv: Sequence[str]) -> QemuConfig:
    """Parse ``qemu-system-x86_64`` arguments (with or without the program name).

    Raises :class:`QemuError` for what QEMU would refuse before touching anything,
    :class:`QemuExit` for ``-version`` (stdout, status 0), :class:`NotModelled` for
    help texts and forms netsim does not handle. Otherwise the config's
    :attr:`~QemuConfig.startup` lists the steps to carry out; it may end with a
    :class:`Fail` step that comes after side effects (a tap, a script).
    """
    args = list(argv)
    if args and args[0].rsplit("/", 1)[-1] == PROG:
        args = args[1:]
    return _Builder(args).run()


# ============================================================== small readers
def _json_device(text: str) -> _Opts:
    """``-device '{"driver":"e1000","netdev":"n1"}'``: the same properties as JSON."""
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise NotModelled("-device with malformed JSON") from exc
    if not isinstance(obj, dict):
        raise NotModelled("-device with a JSON non-object")
    pairs = [(str(k), ("on" if v else "off") if isinstance(v, bool) else str(v))
             for k, v in obj.items() if k != "id"]
    return _Opts(pairs, obj.get("id"), [], False)


def _nic_model(text: str) -> str:
    return {"virtio": "virtio-net-pci"}.get(text, _DEVICE_ALIASES.get(text, text))


def _inet_aton(text: str) -> int | None:
    try:
        return int.from_bytes(socket.inet_aton(text), "big")
    except OSError:
        return None


def _ntoa(addr: int) -> str:
    return socket.inet_ntoa(addr.to_bytes(4, "big"))


def _slirp_addr(text: str | None, default: int) -> int | None:
    """An address option of -netdev user (inet_aton's forms), its default, or None."""
    return default if text is None else _inet_aton(text)


def _slirp_net(text: str) -> tuple[int | None, int | str]:
    """``net=addr[/mask]`` of -netdev user: (network, mask) or (None, error message).
    Without a mask QEMU uses the address's old class (192.168.76.0 -> /16)."""
    if "/" not in text:
        addr = _inet_aton(text)
        if addr is None:
            return None, E.netmask_unparsable()
        if not addr & 0x80000000:
            mask = 0xFF000000
        elif addr & 0xFFF00000 == 0xAC100000:
            mask = 0xFFF00000
        elif addr & 0xC0000000 == 0x80000000 or addr & 0xFFFF0000 == 0xC0A80000:
            mask = 0xFFFF0000       # class B, or 192.168.0.0/16
        elif addr & 0xFFFE0000 == 0xC6120000:
            mask = 0xFFFE0000
        elif addr & 0xE0000000 == 0xC0000000:
            mask = 0xFFFFFF00
        else:
            mask = 0xFFFFFFF0
        return addr & mask, mask
    a, m = text.split("/", 1)
    addr = _inet_aton(a)
    if addr is None:
        return None, E.netmask_unparsable()
    shift, end = _c_strtol(m, 0, 10)
    if end != len(m) or not m:
        mask = _inet_aton(m)
        if mask is None:
            return None, E.netmask_unparsable()
    elif not 4 <= shift <= 32:
        return None, E.netmask_out_of_range()
    else:
        mask = (0xFFFFFFFF << (32 - shift)) & 0xFFFFFFFF
    return addr & mask, mask


def _hostfwd(text: str, default_guest: str) -> HostFwd | str:
    """``[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport`` or QEMU's reason."""
    p = text
    if ":" not in p:
        return "No : separators"
    proto, p = p.split(":", 1)
    if proto not in ("", "tcp", "udp"):
        return "Bad protocol name"
    if ":" not in p:
        return "Missing : separator"
    haddr, p = p.split(":", 1)
    if haddr and _inet_aton(haddr) is None:
        return "Bad host address"
    port, end = _c_strtol(p, 0, 10)
    if end == 0 or end >= len(p) or p[end] != "-":
        return "Bad host port separator"
    if not 0 <= port <= 65535:
        return "Bad host port"
    p = p[end + 1:]
    if ":" not in p:
        return "Missing guest address"
    gaddr, p = p.split(":", 1)
    if gaddr and _inet_aton(gaddr) is None:
        return "Bad guest address"
    gport, end = _c_strtol(p, 0, 10)
    if end == 0 or end != len(p) or not 1 <= gport <= 65535:
        return "Bad guest port"
    guest = socket.inet_ntoa(_inet_aton(gaddr).to_bytes(4, "big")) if gaddr else default_guest
    return HostFwd(text, proto or "tcp", haddr, port, guest, gport)


def _vnc(text: str, parsed: _Opts) -> Vnc | str:
    """``-vnc none | [host]:N | unix:path``: a Vnc, or QEMU's complaint."""
    pw = bool(_bool(parsed.get("password", "off") or "off"))
    if text in ("", "none"):
        return Vnc(text, None, "", password=pw)
    if text.startswith("unix:"):
        return Vnc(text, None, "", unix=text[5:], password=pw)
    if ":" not in text:
        return E.vnc_no_port()
    host, num = text.rsplit(":", 1)
    if not num.isdigit():
        return E.vnc_bad_number(num)
    n = int(num)
    if n > 65535 - 5900:
        return E.vnc_port_out_of_range(n)
    return Vnc(text, n, host.strip("[]"), password=pw)


# ============================================================== info network
def format_info_network(cfg: QemuConfig, ifnames: dict[str, str] | None = None) -> str:
    """What the monitor's ``info network`` prints for this configuration.

    ``ifnames`` maps a tap netdev id to the name the kernel gave it (for
    ``ifname=`` absent or ``tap%d``); by default taps are numbered tap0, tap1, ...
    """
    names = dict(ifnames or {})
    counter = 0
    for nd in cfg.netdevs:
        if nd.type == "tap" and nd.id not in names and nd.fd is None:
            if nd.ifname and "%d" not in nd.ifname:
                names[nd.id] = nd.ifname
            else:
                names[nd.id] = (nd.ifname or "tap%d").replace("%d", str(counter))
                counter += 1

    def client(nd_or_nic: Netdev | Nic) -> str:
        if isinstance(nd_or_nic, Nic):
            return (f"{nd_or_nic.name}: index=0,type=nic,model={nd_or_nic.model},"
                    f"macaddr={nd_or_nic.mac}\n")
        nd = nd_or_nic
        if nd.type == "user":
            info = f"net={nd.net},restrict={'on' if nd.restrict else 'off'}"
            kind = "user"
        elif nd.type == "bridge" or (nd.type == "tap" and nd.helper):
            info = f"helper={nd.helper or '(null)'}"
            info += f",br={nd.br}" if nd.type == "bridge" else ""
            kind = "tap"
        elif nd.type == "tap" and nd.fd is not None:
            info, kind = f"fd={nd.fd}", "tap"
        elif nd.type == "tap":
            info = f"ifname={names.get(nd.id)},script={nd.script},downscript={nd.downscript}"
            kind = "tap"
        else:
            info, kind = "", nd.type
        return "".join(f"{nd.id}: index=0,type={kind},{info}\n"
                       for _ in range(nd.queues if nd.type == "tap" else 1))

    out = []
    by_port: dict[str, Netdev | Nic] = {}
    for nd in cfg.netdevs:
        if nd.hubport and nd.type != "hubport":
            by_port[nd.hubport] = nd
    for nic in cfg.nics:
        if nic.hubport:
            by_port[nic.hubport] = nic
    for hub, ports in sorted(cfg.hubs.items(), reverse=True):
        out.append(f"hub {hub}\n")
        for port in ports:
            peer = by_port.get(port)
            out.append(f" \\ {port}: {client(peer)}" if peer else f" \\ {port}\n")
    for nd in cfg.netdevs:
        if nd.hub is None and (nd.peer is None):
            out.append(client(nd))
    for nic in cfg.nics:
        if nic.hub is not None:
            continue
        out.append(client(nic))
        nd = cfg.netdev(nic.netdev) if nic.netdev else None
        if nd is not None:
            out.append(" \\ " + client(nd))
    return "".join(out)


# ============================================================== the fd table
@dataclass
class FdTable:
    """The qemu process's open files once it runs, as ``ls -l /proc/PID/fd`` shows."""

    fds: dict[int, str]

    @property
    def tun_fds(self) -> list[int]:
        return sorted(n for n, t in self.fds.items() if t == "/dev/net/tun")


def predict_fds(cfg: QemuConfig, *, vnc_sockets_per_display: int = 2) -> FdTable | None:
    """Which fd numbers QEMU 7.2 ends up with (Debian 12 kernel with io_uring).

    Measured with strace and /proc/PID/fd (``tests/qemu/data/fds/``). The kernel
    always gives the lowest free number; QEMU's start-up leaves fd 3 free (it held
    an io_uring probe there while it made its main-loop eventfds 4-7) and then:

    * ``-daemonize``: the child keeps the write end of its pipe to the parent, so
      4 eventfd, 5 signalfd, 6 pipe, 7 and 8 eventfds; stdio become /dev/null;
    * each disk image is opened read-only (qcow2 at once reopened read-write);
    * KVM: /dev/kvm, then the VM fd;
    * each tap queue: /dev/net/tun -- hence **fd 3** for the oracle's
      ``-S -display none -nodefaults -netdev tap... -device e1000...``;
    * KVM: one fd per vCPU; then each IDE image is reopened read-write (new fd) and
      its read-only fd closed -- so the freed low numbers go to the VNC sockets;
    * the VNC server: two listening sockets for ``:N`` (IPv6 and IPv4).

    Returns None for configurations not measured (monitors, chardevs, if=none,
    read-only or -snapshot subtleties, fd=, vhost, user-mode hostfwd...).
    """
    if any(o[0] in ("-monitor", "-serial", "-chardev", "-qmp", "-mon", "-parallel",
                    "-snapshot", "-incoming", "-pidfile", "-object", "-blockdev")
           for o in cfg.unmodelled):
        return None
    if cfg.failed is not None:
        return None
    fds: dict[int, str] = {}

    def alloc(target: str) -> int:
        n = 0
        while n in fds:
            n += 1
        fds[n] = target
        return n

    std = "/dev/null" if cfg.daemonize else None
    fds[0] = "/dev/null" if cfg.daemonize else "STDIN"
    fds[1] = std or "STDOUT"
    fds[2] = std or "STDERR"
    base = {4: "anon_inode:[eventfd]", 5: "anon_inode:[signalfd]", 6: "anon_inode:[eventfd]",
            7: "anon_inode:[eventfd]"}
    if cfg.daemonize:
        base = {4: "anon_inode:[eventfd]", 5: "anon_inode:[signalfd]", 6: "pipe:[INODE]",
                7: "anon_inode:[eventfd]", 8: "anon_inode:[eventfd]"}
    fds.update(base)
    ro: dict[str, int] = {}
    for d in cfg.drives:
        if d.file is None:
            continue
        if d.interface not in ("ide", "virtio"):
            return None
        if d.readonly and d.media != "cdrom":
            return None
        path = "$WORK/" + d.file if not d.file.startswith("/") else d.file
        n = alloc(path)
        if d.format == "qcow2" or d.file.endswith(".qcow2"):
            # qcow2 wants write access at once: reopened read-write, the first fd closed
            alloc(path)
            del fds[n]
        elif not d.readonly:
            ro[d.id] = n
    for s in cfg.startup:
        if isinstance(s, OpenKvm):
            alloc("/dev/kvm")
            alloc("anon_inode:kvm-vm")
        elif isinstance(s, OpenTap):
            alloc("/dev/net/tun")
        elif isinstance(s, BridgeHelper):
            a = alloc("socket:[INODE]")
            b = alloc("socket:[INODE]")
            del fds[b]
            alloc("/dev/net/tun")
            del fds[a]
        elif isinstance(s, (OpenVhost, UseFd, HostFwdListen)):
            return None
    if cfg.enable_kvm:
        for i in range(cfg.smp.cpus):
            alloc(f"anon_inode:kvm-vcpu:{i}")
    for s in cfg.startup:
        if isinstance(s, AttachImage) and s.drive is not None and s.drive.id in ro:
            old = ro[s.drive.id]
            target = fds[old]
            alloc(target)
            del fds[old]
    for v in cfg.vnc:
        if v.display is not None:
            for _ in range(vnc_sockets_per_display if not v.host else 1):
                alloc("socket:[INODE]")
        elif v.unix:
            alloc("socket:[INODE]")
    return FdTable(dict(sorted(fds.items())))


# ============================================================== tables from the binary
def _words(text: str) -> list[str]:
    return text.split()


# QEMUOption table of the x86_64 binary: name:HAS_ARG (tests/qemu/data/option_table.tsv).
_OPTION_TABLE = """
    help:0 version:0 machine:1 M:1 cpu:1 accel:1 smp:1 numa:1 add-fd:1 set:1 global:1 boot:1
    m:1 mem-path:1 mem-prealloc:0 k:1 audio-help:0 audio:1 audiodev:1 device:1 name:1 uuid:1
    fda:1 fdb:1 hda:1 hdb:1 hdc:1 hdd:1 cdrom:1 blockdev:1 drive:1 mtdblock:1 sd:1
    snapshot:0 fsdev:1 virtfs:1 iscsi:1 usb:0 usbdevice:1 display:1 nographic:0 spice:1
    portrait:0 rotate:1 vga:1 full-screen:0 g:1 vnc:1 win2k-hack:0 no-fd-bootchk:0 no-acpi:0
    no-hpet:0 acpitable:1 smbios:1 netdev:1 nic:1 net:1 chardev:1 tpmdev:1 bios:1 pflash:1
    kernel:1 append:1 initrd:1 dtb:1 compat:1 fw_cfg:1 serial:1 parallel:1 monitor:1 qmp:1
    qmp-pretty:1 mon:1 debugcon:1 pidfile:1 singlestep:0 preconfig:0 S:0 overcommit:1 gdb:1
    s:0 d:1 D:1 dfilter:1 seed:1 L:1 enable-kvm:0 xen-domid:1 xen-attach:0
    xen-domid-restrict:0 no-reboot:0 no-shutdown:0 action:1 loadvm:1 daemonize:0
    option-rom:1 rtc:1 icount:1 watchdog-action:1 echr:1 incoming:1 only-migratable:0
    nodefaults:0 chroot:1 runas:1 prom-env:1 semihosting:0 semihosting-config:1 old-param:0
    sandbox:1 readconfig:1 no-user-config:0 trace:1 plugin:1 qtest:1 qtest-log:1
    async-teardown:0 msg:1 dump-vmstate:1 enable-sync-profile:0 object:1
"""
# Options whose arch_mask lacks x86: QEMU knows them but refuses them here.
_FOREIGN_OPTIONS = frozenset(['g', 'old-param', 'prom-env', 'semihosting', 'semihosting-config'])
# `-device help`: device model name:bus ('-' = none; tests/qemu/data/device_help.txt).
_DEVICE_TABLE = """
    cxl-downstream:PCI cxl-rp:PCI cxl-upstream:PCI i82801b11-bridge:PCI ioh3420:PCI
    pci-bridge:PCI pci-bridge-seat:PCI pcie-pci-bridge:PCI pcie-root-port:PCI pxb:PCI
    pxb-cxl:PCI pxb-pcie:PCI usb-host:usb-bus usb-hub:usb-bus vfio-pci-igd-lpc-bridge:PCI
    vmbus-bridge:System x3130-upstream:PCI xio3130-downstream:PCI ich9-usb-ehci1:PCI
    ich9-usb-ehci2:PCI ich9-usb-uhci1:PCI ich9-usb-uhci2:PCI ich9-usb-uhci3:PCI
    ich9-usb-uhci4:PCI ich9-usb-uhci5:PCI ich9-usb-uhci6:PCI nec-usb-xhci:PCI pci-ohci:PCI
    piix3-usb-uhci:PCI piix4-usb-uhci:PCI qemu-xhci:PCI usb-ehci:PCI am53c974:PCI
    cxl-type3:PCI dc390:PCI floppy:floppy-bus ich9-ahci:PCI ide-cd:IDE ide-hd:IDE
    isa-fdc:ISA isa-ide:ISA lsi53c810:PCI lsi53c895a:PCI megasas:PCI megasas-gen2:PCI
    mptsas1068:PCI nvdimm:- nvme:PCI nvme-ns:nvme-bus nvme-subsys:- piix3-ide:PCI
    piix4-ide:PCI pvscsi:PCI scsi-block:SCSI scsi-cd:SCSI scsi-generic:SCSI scsi-hd:SCSI
    sd-card:sd-bus sdhci-pci:PCI usb-bot:usb-bus usb-mtp:usb-bus usb-storage:usb-bus
    usb-uas:usb-bus vhost-scsi:virtio-bus vhost-scsi-pci:PCI
    vhost-scsi-pci-non-transitional:PCI vhost-scsi-pci-transitional:PCI
    vhost-user-blk:virtio-bus vhost-user-blk-pci:PCI vhost-user-blk-pci-non-transitional:PCI
    vhost-user-blk-pci-transitional:PCI vhost-user-fs-device:virtio-bus
    vhost-user-fs-pci:PCI vhost-user-scsi:virtio-bus vhost-user-scsi-pci:PCI
    vhost-user-scsi-pci-non-transitional:PCI vhost-user-scsi-pci-transitional:PCI
    virtio-9p-device:virtio-bus virtio-9p-pci:PCI virtio-9p-pci-non-transitional:PCI
    virtio-9p-pci-transitional:PCI virtio-blk-device:virtio-bus virtio-blk-pci:PCI
    virtio-blk-pci-non-transitional:PCI virtio-blk-pci-transitional:PCI
    virtio-pmem:virtio-bus virtio-scsi-device:virtio-bus virtio-scsi-pci:PCI
    virtio-scsi-pci-non-transitional:PCI virtio-scsi-pci-transitional:PCI e1000:PCI
    e1000-82544gc:PCI e1000-82545em:PCI e1000e:PCI i82550:PCI i82551:PCI i82557a:PCI
    i82557b:PCI i82557c:PCI i82558a:PCI i82558b:PCI i82559a:PCI i82559b:PCI i82559c:PCI
    i82559er:PCI i82562:PCI i82801:PCI ne2k_isa:ISA ne2k_pci:PCI pcnet:PCI pvrdma:PCI
    rocker:PCI rtl8139:PCI tulip:PCI usb-net:usb-bus virtio-net-device:virtio-bus
    virtio-net-pci:PCI virtio-net-pci-non-transitional:PCI virtio-net-pci-transitional:PCI
    vmxnet3:PCI ccid-card-emulated:ccid-bus ccid-card-passthru:ccid-bus i8042:ISA
    ipoctal232:IndustryPack isa-parallel:ISA isa-serial:ISA pci-serial:PCI pci-serial-2x:PCI
    pci-serial-4x:PCI tpci200:PCI usb-braille:usb-bus usb-ccid:usb-bus usb-kbd:usb-bus
    usb-mouse:usb-bus usb-serial:usb-bus usb-tablet:usb-bus usb-wacom-tablet:usb-bus
    vhost-user-gpio-device:virtio-bus vhost-user-gpio-pci:PCI
    vhost-user-i2c-device:virtio-bus vhost-user-i2c-pci:PCI vhost-user-input:virtio-bus
    vhost-user-input-pci:PCI vhost-user-rng:virtio-bus vhost-user-rng-pci:PCI
    virtconsole:virtio-serial-bus virtio-input-host-device:virtio-bus
    virtio-input-host-pci:PCI virtio-keyboard-device:virtio-bus virtio-keyboard-pci:PCI
    virtio-mouse-device:virtio-bus virtio-mouse-pci:PCI virtio-serial-device:virtio-bus
    virtio-serial-pci:PCI virtio-serial-pci-non-transitional:PCI
    virtio-serial-pci-transitional:PCI virtio-tablet-device:virtio-bus virtio-tablet-pci:PCI
    virtserialport:virtio-serial-bus vmmouse:ISA ati-vga:PCI bochs-display:PCI
    cirrus-vga:PCI isa-cirrus-vga:ISA isa-vga:ISA qxl:PCI qxl-vga:PCI ramfb:System
    secondary-vga:PCI sga:ISA VGA:PCI vhost-user-gpu:virtio-bus vhost-user-gpu-pci:PCI
    vhost-user-vga:PCI virtio-gpu-device:virtio-bus virtio-gpu-gl-device:virtio-bus
    virtio-gpu-gl-pci:PCI virtio-gpu-pci:PCI virtio-vga:PCI virtio-vga-gl:PCI
    vmware-svga:PCI AC97:PCI adlib:ISA cs4231a:ISA ES1370:PCI gus:ISA hda-duplex:HDA
    hda-micro:HDA hda-output:HDA ich9-intel-hda:PCI intel-hda:PCI sb16:ISA usb-audio:usb-bus
    acpi-erst:PCI amd-iommu:System AMDVI-PCI:PCI ctucan_pci:PCI edu:PCI guest-loader:-
    hv-syndbg:- hyperv-testdev:ISA i2c-ddc:i2c-bus intel-iommu:System isa-applesmc:ISA
    isa-debug-exit:ISA isa-debugcon:ISA ivshmem-doorbell:PCI ivshmem-plain:PCI
    kvaser_pci:PCI loader:- mc146818rtc:ISA mioe3680_pci:PCI pc-testdev:ISA pci-testdev:PCI
    pcm3680_pci:PCI pvpanic:ISA pvpanic-pci:PCI smbus-ipmi:i2c-bus tpm-crb:- tpm-tis:ISA
    u2f-passthru:usb-bus usb-redir:usb-bus vfio-pci:PCI vfio-pci-nohotplug:PCI
    vhost-user-vsock-device:virtio-bus vhost-user-vsock-pci:PCI
    vhost-user-vsock-pci-non-transitional:PCI vhost-vsock-device:virtio-bus
    vhost-vsock-pci:PCI vhost-vsock-pci-non-transitional:PCI
    virtio-balloon-device:virtio-bus virtio-balloon-pci:PCI
    virtio-balloon-pci-non-transitional:PCI virtio-balloon-pci-transitional:PCI
    virtio-crypto-device:virtio-bus virtio-crypto-pci:PCI virtio-iommu-device:virtio-bus
    virtio-iommu-pci:PCI virtio-mem:virtio-bus virtio-mem-pci:PCI virtio-pmem-pci:PCI
    virtio-rng-device:virtio-bus virtio-rng-pci:PCI virtio-rng-pci-non-transitional:PCI
    virtio-rng-pci-transitional:PCI vmcoreinfo:- vmgenid:- i6300esb:PCI ib700:ISA
    ipmi-bmc-extern:- ipmi-bmc-sim:- isa-ipmi-bt:ISA isa-ipmi-kcs:ISA pc-dimm:-
    pci-ipmi-bt:PCI pci-ipmi-kcs:PCI x-pci-proxy-dev:PCI
"""
_DEVICE_ALIASES = {
    'ahci': 'ich9-ahci',
    'lsi': 'lsi53c895a',
    'virtio-9p': 'virtio-9p-pci',
    'virtio-blk': 'virtio-blk-pci',
    'virtio-scsi': 'virtio-scsi-pci',
    'e1000-82540em': 'e1000',
    'virtio-net': 'virtio-net-pci',
    'virtio-input-host': 'virtio-input-host-pci',
    'virtio-keyboard': 'virtio-keyboard-pci',
    'virtio-mouse': 'virtio-mouse-pci',
    'virtio-serial': 'virtio-serial-pci',
    'virtio-tablet': 'virtio-tablet-pci',
    'virtio-gpu-gl': 'virtio-gpu-gl-pci',
    'virtio-gpu': 'virtio-gpu-pci',
    'ac97': 'AC97',
    'es1370': 'ES1370',
    'virtio-balloon': 'virtio-balloon-pci',
    'virtio-iommu': 'virtio-iommu-pci',
    'virtio-rng': 'virtio-rng-pci',
}
# `-device MODEL,help` of the NIC models: property:type (tests/qemu/data/nic_device_props.txt).
_NIC_PROPS_TABLE = (
    ("e1000 e1000-82544gc e1000-82545em",
     """
     acpi-index:uint32 addr:int32 autonegotiation:bool bootindex:int32
     extra_mac_registers:bool failover_pair_id:str init-vet:bool mac:str
     migrate_tso_props:bool mitigation:bool multifunction:bool netdev:str rombar:uint32
     romfile:str romsize:uint32 x-pcie-extcap-init:bool x-pcie-lnksta-dllla:bool
     """),
    ("e1000e",
     """
     acpi-index:uint32 addr:int32 bootindex:int32 disable_vnet_hdr:uint8
     failover_pair_id:str init-vet:bool mac:str multifunction:bool netdev:str rombar:uint32
     romfile:str romsize:uint32 subsys:uint16 subsys_ven:uint16 x-pcie-extcap-init:bool
     x-pcie-lnksta-dllla:bool
     """),
    ("i82550 i82551 i82557a i82557b i82557c i82558a i82558b i82559a i82559b i82559c i82559er"
     " i82562 i82801 ne2k_pci pcnet rtl8139 tulip",
     """
     acpi-index:uint32 addr:int32 bootindex:int32 failover_pair_id:str mac:str
     multifunction:bool netdev:str rombar:uint32 romfile:str romsize:uint32
     x-pcie-extcap-init:bool x-pcie-lnksta-dllla:bool
     """),
    ("ne2k_isa",
     """
     bootindex:int32 iobase:uint32 irq:uint32 mac:str netdev:str
     """),
    ("virtio-net-pci",
     """
     acpi-index:uint32 addr:int32 aer:bool any_layout:bool ats:bool bootindex:int32
     csum:bool ctrl_guest_offloads:bool ctrl_mac_addr:bool ctrl_rx:bool ctrl_rx_extra:bool
     ctrl_vlan:bool ctrl_vq:bool disable-legacy:OnOffAuto disable-modern:bool duplex:str
     event_idx:bool failover:bool failover_pair_id:str gso:bool guest_announce:bool
     guest_csum:bool guest_ecn:bool guest_rsc_ext:bool guest_tso4:bool guest_tso6:bool
     guest_ufo:bool hash:bool host_ecn:bool host_mtu:uint16 host_tso4:bool host_tso6:bool
     host_ufo:bool indirect_desc:bool ioeventfd:bool iommu_platform:bool mac:str
     migrate-extra:bool modern-pio-notify:bool mq:bool mrg_rxbuf:bool multifunction:bool
     netdev:str notify_on_empty:bool packed:bool page-per-vq:bool queue_reset:bool
     rombar:uint32 romfile:str romsize:uint32 rsc_interval:uint32 rss:bool
     rx_queue_size:uint16 speed:int32 status:bool tx:str tx_queue_size:uint16
     use-disabled-flag:bool use-started:bool vectors:uint32 virtio-backend:child
     virtio-pci-bus-master-bug-migration:bool x-ats-page-aligned:bool
     x-disable-legacy-check:bool x-disable-pcie:bool x-ignore-backend-features:bool
     x-mtu-bypass-backend:bool x-pcie-deverr-init:bool x-pcie-extcap-init:bool
     x-pcie-flr-init:bool x-pcie-lnkctl-init:bool x-pcie-lnksta-dllla:bool
     x-pcie-pm-init:bool x-txburst:int32 x-txtimer:uint32
     """),
    ("virtio-net-pci-non-transitional virtio-net-pci-transitional",
     """
     acpi-index:uint32 addr:int32 aer:bool any_layout:bool ats:bool bootindex:int32
     csum:bool ctrl_guest_offloads:bool ctrl_mac_addr:bool ctrl_rx:bool ctrl_rx_extra:bool
     ctrl_vlan:bool ctrl_vq:bool duplex:str event_idx:bool failover:bool
     failover_pair_id:str gso:bool guest_announce:bool guest_csum:bool guest_ecn:bool
     guest_rsc_ext:bool guest_tso4:bool guest_tso6:bool guest_ufo:bool hash:bool
     host_ecn:bool host_mtu:uint16 host_tso4:bool host_tso6:bool host_ufo:bool
     indirect_desc:bool ioeventfd:bool iommu_platform:bool mac:str migrate-extra:bool
     modern-pio-notify:bool mq:bool mrg_rxbuf:bool multifunction:bool netdev:str
     notify_on_empty:bool packed:bool page-per-vq:bool queue_reset:bool rombar:uint32
     romfile:str romsize:uint32 rsc_interval:uint32 rss:bool rx_queue_size:uint16
     speed:int32 status:bool tx:str tx_queue_size:uint16 use-disabled-flag:bool
     use-started:bool vectors:uint32 virtio-backend:child
     virtio-pci-bus-master-bug-migration:bool x-ats-page-aligned:bool
     x-disable-legacy-check:bool x-disable-pcie:bool x-ignore-backend-features:bool
     x-mtu-bypass-backend:bool x-pcie-deverr-init:bool x-pcie-extcap-init:bool
     x-pcie-flr-init:bool x-pcie-lnkctl-init:bool x-pcie-lnksta-dllla:bool
     x-pcie-pm-init:bool x-txburst:int32 x-txtimer:uint32
     """),
    ("vmxnet3",
     """
     acpi-index:uint32 addr:int32 bootindex:int32 failover_pair_id:str mac:str
     multifunction:bool netdev:str rombar:uint32 romfile:str romsize:uint32
     x-disable-pcie:bool x-old-msi-offsets:bool x-pcie-extcap-init:bool
     x-pcie-lnksta-dllla:bool
     """),
)
# `-machine help` (tests/qemu/data/machine_help.txt).
_MACHINES = frozenset(_words("""
    microvm pc pc-i440fx-7.2 pc-i440fx-7.1 pc-i440fx-7.0 pc-i440fx-6.2 pc-i440fx-6.1
    pc-i440fx-6.0 pc-i440fx-5.2 pc-i440fx-5.1 pc-i440fx-5.0 pc-i440fx-4.2 pc-i440fx-4.1
    pc-i440fx-4.0 pc-i440fx-3.1 pc-i440fx-3.0 pc-i440fx-2.9 pc-i440fx-2.8 pc-i440fx-2.7
    pc-i440fx-2.6 pc-i440fx-2.5 pc-i440fx-2.4 pc-i440fx-2.3 pc-i440fx-2.2 pc-i440fx-2.12
    pc-i440fx-2.11 pc-i440fx-2.10 pc-i440fx-2.1 pc-i440fx-2.0 pc-i440fx-1.7 pc-i440fx-1.6
    pc-i440fx-1.5 pc-i440fx-1.4 q35 pc-q35-7.2 pc-q35-7.1 pc-q35-7.0 pc-q35-6.2 pc-q35-6.1
    pc-q35-6.0 pc-q35-5.2 pc-q35-5.1 pc-q35-5.0 pc-q35-4.2 pc-q35-4.1 pc-q35-4.0.1
    pc-q35-4.0 pc-q35-3.1 pc-q35-3.0 pc-q35-2.9 pc-q35-2.8 pc-q35-2.7 pc-q35-2.6 pc-q35-2.5
    pc-q35-2.4 pc-q35-2.12 pc-q35-2.11 pc-q35-2.10 isapc none x-remote
"""))
# `-cpu help` (tests/qemu/data/cpu_help.txt).
_CPU_MODELS = frozenset(_words("""
    486 486-v1 Broadwell Broadwell-IBRS Broadwell-noTSX Broadwell-noTSX-IBRS Broadwell-v1
    Broadwell-v2 Broadwell-v3 Broadwell-v4 Cascadelake-Server Cascadelake-Server-noTSX
    Cascadelake-Server-v1 Cascadelake-Server-v2 Cascadelake-Server-v3 Cascadelake-Server-v4
    Cascadelake-Server-v5 Conroe Conroe-v1 Cooperlake Cooperlake-v1 Cooperlake-v2 Denverton
    Denverton-v1 Denverton-v2 Denverton-v3 Dhyana Dhyana-v1 Dhyana-v2 EPYC EPYC-IBPB
    EPYC-Milan EPYC-Milan-v1 EPYC-Rome EPYC-Rome-v1 EPYC-Rome-v2 EPYC-v1 EPYC-v2 EPYC-v3
    Haswell Haswell-IBRS Haswell-noTSX Haswell-noTSX-IBRS Haswell-v1 Haswell-v2 Haswell-v3
    Haswell-v4 Icelake-Server Icelake-Server-noTSX Icelake-Server-v1 Icelake-Server-v2
    Icelake-Server-v3 Icelake-Server-v4 Icelake-Server-v5 Icelake-Server-v6 IvyBridge
    IvyBridge-IBRS IvyBridge-v1 IvyBridge-v2 KnightsMill KnightsMill-v1 Nehalem Nehalem-IBRS
    Nehalem-v1 Nehalem-v2 Opteron_G1 Opteron_G1-v1 Opteron_G2 Opteron_G2-v1 Opteron_G3
    Opteron_G3-v1 Opteron_G4 Opteron_G4-v1 Opteron_G5 Opteron_G5-v1 Penryn Penryn-v1
    SandyBridge SandyBridge-IBRS SandyBridge-v1 SandyBridge-v2 Skylake-Client
    Skylake-Client-IBRS Skylake-Client-noTSX-IBRS Skylake-Client-v1 Skylake-Client-v2
    Skylake-Client-v3 Skylake-Client-v4 Skylake-Server Skylake-Server-IBRS
    Skylake-Server-noTSX-IBRS Skylake-Server-v1 Skylake-Server-v2 Skylake-Server-v3
    Skylake-Server-v4 Skylake-Server-v5 Snowridge Snowridge-v1 Snowridge-v2 Snowridge-v3
    Snowridge-v4 Westmere Westmere-IBRS Westmere-v1 Westmere-v2 athlon athlon-v1 core2duo
    core2duo-v1 coreduo coreduo-v1 kvm32 kvm32-v1 kvm64 kvm64-v1 n270 n270-v1 pentium
    pentium-v1 pentium2 pentium2-v1 pentium3 pentium3-v1 phenom phenom-v1 qemu32 qemu32-v1
    qemu64 qemu64-v1 base host max
"""))
_NIC_MODELS = tuple(_words("""
    e1000 e1000-82544gc e1000-82545em e1000e i82550 i82551 i82557a i82557b i82557c i82558a
    i82558b i82559a i82559b i82559c i82559er i82562 i82801 ne2k_pci pcnet pvrdma rtl8139
    tulip virtio-net-pci virtio-net-pci-non-transitional virtio-net-pci-transitional vmxnet3
"""))

_OPTION_TABLE_DICT = _option_table()
_DEVICES = {tok.rsplit(":", 1)[0]: tok.rsplit(":", 1)[1] for tok in _DEVICE_TABLE.split()}
_NIC_PROPS: dict[str, dict[str, str]] = {
    model: {tok.split(":")[0]: tok.split(":")[1] for tok in props.split()}
    for models, props in _NIC_PROPS_TABLE for model in models.split()}
