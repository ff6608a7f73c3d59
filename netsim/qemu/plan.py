"""QEMU's start-up plan: the ordered steps it takes, and :class:`QemuConfig` that holds them.

:func:`netsim.qemu.cmdline.parse` checks a command line without touching anything;
what QEMU *does* while starting -- open this image, open /dev/net/tun, run the ifup
script, bind the VNC port -- it lists as steps, in QEMU's order, in
:attr:`QemuConfig.startup`. The launcher (:mod:`netsim.qemu.launcher`) carries them out
on a simulated host, so that a step meeting the host as it really is (a missing
image, a busy tap) fails with QEMU's message, and everything before it stays done.

Each step says which :class:`Phase` it belongs to and where QEMU reports it
(``location``: the option being processed, or None while building the machine).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from netsim.qemu.config import (
    DEFAULT_BRIDGE,
    DEFAULT_BRIDGE_HELPER,
    DEFAULT_RAM,
    TAP_IFNAME_DEFAULT,
    Device,
    Drive,
    HostFwd,
    Memory,
    Netdev,
    Nic,
    Smp,
    Vnc,
)
from netsim.qemu.errors import QemuError


class Phase(IntEnum):
    """QEMU 7.2's start-up phases, in the order it runs them (see :mod:`netsim.qemu.cmdline`)."""

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

