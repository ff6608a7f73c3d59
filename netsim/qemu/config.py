"""What a ``qemu-system-x86_64`` command line asks for: memory, CPUs, disks, NICs, backends.

These are the pieces :func:`netsim.qemu.cmdline.parse` fills in once QEMU's checks have
passed (QEMU's defaults filled in too), and that :class:`netsim.qemu.plan.QemuConfig`
gathers. They say *what* the guest gets; *how* QEMU sets it up, step by step, is the
start-up plan (:mod:`netsim.qemu.plan`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_RAM = 128 << 20          # DEFAULT_RAM_SIZE: 128 MiB when -m is absent or 0
RAM_ALIGN = 8192                 # the pc machine rounds RAM up to 8 KiB
TAP_IFNAME_DEFAULT = "tap%d"     # no ifname=: the kernel picks tap0, tap1, ...
DEFAULT_IFUP = "/etc/qemu-ifup"
DEFAULT_IFDOWN = "/etc/qemu-ifdown"
DEFAULT_BRIDGE_HELPER = "/usr/lib/qemu/qemu-bridge-helper"
DEFAULT_BRIDGE = "br0"
MAC_BASE = "52:54:00:12:34"      # QEMU's own OUI block; the last byte counts from 0x56


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

