"""The file descriptors of a running qemu process, predicted from its start-up plan.

QEMU 7.2 opens its files in a fixed order while it starts, and the kernel always
gives the lowest free number, so the plan says which number each file gets. The
launcher (:mod:`netsim.qemu.launcher`) moves the files it opened to these numbers,
so that ``ls -l /proc/PID/fd`` shows /dev/net/tun where a real QEMU has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsim.qemu.plan import (
    AttachImage,
    BridgeHelper,
    HostFwdListen,
    OpenKvm,
    OpenTap,
    OpenVhost,
    QemuConfig,
    UseFd,
)

# Options whose files were not measured: with any of them there is no prediction.
_UNMEASURED_OPTIONS = ("-monitor", "-serial", "-chardev", "-qmp", "-mon", "-parallel",
                       "-snapshot", "-incoming", "-pidfile", "-object", "-blockdev")
# QEMU's main loop, made while fd 3 still held an io_uring probe (freed since).
_MAIN_LOOP = {4: "anon_inode:[eventfd]", 5: "anon_inode:[signalfd]", 6: "anon_inode:[eventfd]",
              7: "anon_inode:[eventfd]"}
# With -daemonize the child also keeps the write end of its pipe to the parent.
_MAIN_LOOP_DAEMON = {4: "anon_inode:[eventfd]", 5: "anon_inode:[signalfd]", 6: "pipe:[INODE]",
                     7: "anon_inode:[eventfd]", 8: "anon_inode:[eventfd]"}


@dataclass
class FdTable:
    """The qemu process's open files once it runs, as ``ls -l /proc/PID/fd`` shows."""

    fds: dict[int, str]

    @property
    def tun_fds(self) -> list[int]:
        return sorted(n for n, t in self.fds.items() if t == "/dev/net/tun")


class _Fds(dict):
    """fd number -> target, filled as the kernel would: the lowest free number first."""

    def alloc(self, target: str) -> int:
        n = 0
        while n in self:
            n += 1
        self[n] = target
        return n


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
    if any(o[0] in _UNMEASURED_OPTIONS for o in cfg.unmodelled):
        return None
    if cfg.failed is not None:
        return None
    fds = _Fds()
    std = "/dev/null" if cfg.daemonize else None
    fds[0] = "/dev/null" if cfg.daemonize else "STDIN"
    fds[1] = std or "STDOUT"
    fds[2] = std or "STDERR"
    fds.update(_MAIN_LOOP_DAEMON if cfg.daemonize else _MAIN_LOOP)
    read_only = _open_images(fds, cfg)
    if read_only is None or not _open_devices(fds, cfg):
        return None
    if cfg.enable_kvm:
        for i in range(cfg.smp.cpus):
            fds.alloc(f"anon_inode:kvm-vcpu:{i}")
    _reopen_images(fds, cfg, read_only)
    for v in cfg.vnc:
        if v.display is not None:
            for _ in range(vnc_sockets_per_display if not v.host else 1):
                fds.alloc("socket:[INODE]")
        elif v.unix:
            fds.alloc("socket:[INODE]")
    return FdTable(dict(sorted(fds.items())))


def _open_images(fds: _Fds, cfg: QemuConfig) -> dict[str, int] | None:
    """Each disk image opened read-only; returns drive id -> fd for those the board
    reopens read-write later, or None for disks whose files were not measured."""
    read_only: dict[str, int] = {}
    for d in cfg.drives:
        if d.file is None:
            continue
        if d.interface not in ("ide", "virtio"):
            return None
        if d.readonly and d.media != "cdrom":
            return None
        path = "$WORK/" + d.file if not d.file.startswith("/") else d.file
        n = fds.alloc(path)
        if d.format == "qcow2" or d.file.endswith(".qcow2"):
            # qcow2 wants write access at once: reopened read-write, the first fd closed
            fds.alloc(path)
            del fds[n]
        elif not d.readonly:
            read_only[d.id] = n
    return read_only


def _open_devices(fds: _Fds, cfg: QemuConfig) -> bool:
    """/dev/kvm and the VM, then the taps, in plan order; False if a step's files
    were not measured (vhost, fd=, hostfwd)."""
    for s in cfg.startup:
        if isinstance(s, OpenKvm):
            fds.alloc("/dev/kvm")
            fds.alloc("anon_inode:kvm-vm")
        elif isinstance(s, OpenTap):
            fds.alloc("/dev/net/tun")
        elif isinstance(s, BridgeHelper):
            # socketpair() with the helper: QEMU closes the helper's end, receives the
            # tap's fd through its own end, then closes that too
            a = fds.alloc("socket:[INODE]")
            b = fds.alloc("socket:[INODE]")
            del fds[b]
            fds.alloc("/dev/net/tun")
            del fds[a]
        elif isinstance(s, (OpenVhost, UseFd, HostFwdListen)):
            return False
    return True


def _reopen_images(fds: _Fds, cfg: QemuConfig, read_only: dict[str, int]) -> None:
    """The board takes write access: each image reopened (a new fd), the old one closed."""
    for s in cfg.startup:
        if isinstance(s, AttachImage) and s.drive is not None and s.drive.id in read_only:
            old = read_only[s.drive.id]
            target = fds[old]
            fds.alloc(target)
            del fds[old]
