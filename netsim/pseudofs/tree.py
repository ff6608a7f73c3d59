"""The files a simulated host shows under /sys and /proc: sysfs and procfs over the model.

Nothing here is stored. Like the kernel's sysfs and procfs, every read computes its
answer from the live model, and every write is handed to the same code a netlink
request or an ioctl would reach -- so ``echo 1 > /proc/sys/net/ipv4/ip_forward`` and
``sysctl -w net.ipv4.ip_forward=1`` are one and the same thing, and ``brctl setfd``
(which, in bridge-utils 1.7, writes ``/sys/class/net/br0/bridge/forward_delay``) gets
exactly the errors the kernel gives that file.

:func:`make_fs` builds a host's :class:`~netsim.user.fs.VirtualFS` and mounts:

``/sys/class/net``, ``/sys/devices/virtual/net``
    net-sysfs, one directory of attributes per device (:mod:`netsim.pseudofs.sysfs_net`;
    the bridge's and port's stores are in :mod:`netsim.pseudofs.bridge`).
``/proc/sys``
    the sysctls of :attr:`NetNamespace.sysctl <netsim.stack.namespace.NetNamespace.sysctl>`
    (``net.ipv4.ip_forward`` is ``/proc/sys/net/ipv4/ip_forward``), per-device
    directories under ``net/ipv4/conf/`` and friends included
    (:mod:`netsim.pseudofs.sysctl`, over the catalogue of Linux 6.18's files).
``/proc/net/dev``
    the interface counters table (:mod:`netsim.pseudofs.proc_net`).
``/proc/<pid>/``
    one directory per process of :attr:`Host.processes <netsim.host.Host.processes>`,
    and ``/proc/self`` (:mod:`netsim.pseudofs.proc_pid`).
``/etc/hostname``, ``/etc/hosts``
    the host's name.
``/etc/qemu-ifup``, ``/etc/qemu-ifdown``
    QEMU's default tap scripts, as Debian 12's qemu-system-common 1:7.2 ships them
    (:mod:`netsim.user.etc`).

Numbers written to these files are read as the kernel reads them
(:mod:`netsim.pseudofs.numbers`); values print exactly as Linux 6.18 prints them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.pseudofs.proc_net import ProcNet
from netsim.pseudofs.proc_pid import ProcPids
from netsim.pseudofs.sysctl import ProcSys
from netsim.pseudofs.sysfs_net import SysClassNet, SysDevicesNet
from netsim.user.etc import QEMU_IFDOWN, QEMU_IFUP, etc_hosts
from netsim.user.fs import VirtualFS

if TYPE_CHECKING:
    from netsim.host import Host


def make_fs(host: Host) -> VirtualFS:
    """A host's file system: VirtualFS's skeleton, /etc, sysfs and procfs."""
    fs = VirtualFS()
    fs.write("/etc/hostname", f"{host.name}\n")
    fs.write("/etc/hosts", etc_hosts(host.name))
    fs.write("/etc/qemu-ifup", QEMU_IFUP, mode=0o755)
    fs.write("/etc/qemu-ifdown", QEMU_IFDOWN, mode=0o755)
    ns = host.ns
    fs.mount("/sys/class/net", SysClassNet(ns))
    fs.mount("/sys/devices/virtual/net", SysDevicesNet(ns))
    fs.mount("/proc/sys", ProcSys(ns))
    fs.mount("/proc/net", ProcNet(ns))
    fs.mount("/proc", ProcPids(host))
    return fs
