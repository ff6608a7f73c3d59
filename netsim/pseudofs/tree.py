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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netsim.user.etc import QEMU_IFDOWN, QEMU_IFUP, etc_hosts
from netsim.user.fs import VirtualFS

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.stack.namespace import NetNamespace
    from netsim.user.fs import FsProvider


def make_fs(host: Host) -> VirtualFS:
    """A host's file system: VirtualFS's skeleton, /etc, sysfs and procfs."""
    fs = VirtualFS()
    fs.write("/etc/hostname", f"{host.name}\n")
    fs.write("/etc/hosts", etc_hosts(host.name))
    fs.write("/etc/qemu-ifup", QEMU_IFUP, mode=0o755)
    fs.write("/etc/qemu-ifdown", QEMU_IFDOWN, mode=0o755)
    ns = host.ns
    fs.mount("/sys/class/net", OnFirstUse(lambda: _sys_class_net(ns)))
    fs.mount("/sys/devices/virtual/net", OnFirstUse(lambda: _sys_devices_net(ns)))
    fs.mount("/proc/sys", OnFirstUse(lambda: _proc_sys(ns)))
    fs.mount("/proc/net", OnFirstUse(lambda: _proc_net(ns)))
    fs.mount("/proc", OnFirstUse(lambda: _proc_pids(host)))
    return fs


class OnFirstUse:
    """A mount whose provider is made the first time a path under it is looked at.

    Most shells never read /proc or /sys: their modules, and the sysctl table with its
    catalogue, are then never loaded. Every call, the optional methods included
    (``getattr(mount, "write", None)``), is the provider's own.
    """

    __slots__ = ("_make", "_provider")

    def __init__(self, make: Callable[[], FsProvider]) -> None:
        self._make: Callable[[], FsProvider] | None = make
        self._provider: FsProvider | None = None

    def provider(self) -> FsProvider:
        if self._provider is None:
            assert self._make is not None
            self._provider, self._make = self._make(), None
        return self._provider

    def read(self, relpath: str) -> str:
        return self.provider().read(relpath)

    def listdir(self, relpath: str) -> list[str]:
        return self.provider().listdir(relpath)

    def is_dir(self, relpath: str) -> bool:
        return self.provider().is_dir(relpath)

    def exists(self, relpath: str) -> bool:
        return self.provider().exists(relpath)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.provider(), name)


def _sys_class_net(ns: NetNamespace) -> FsProvider:
    from netsim.pseudofs.sysfs_net import SysClassNet

    return SysClassNet(ns)


def _sys_devices_net(ns: NetNamespace) -> FsProvider:
    from netsim.pseudofs.sysfs_net import SysDevicesNet

    return SysDevicesNet(ns)


def _proc_sys(ns: NetNamespace) -> FsProvider:
    from netsim.pseudofs.sysctl import ProcSys

    return ProcSys(ns)


def _proc_net(ns: NetNamespace) -> FsProvider:
    from netsim.pseudofs.proc_net import ProcNet

    return ProcNet(ns)


def _proc_pids(host: Host) -> FsProvider:
    from netsim.pseudofs.proc_pid import ProcPids

    return ProcPids(host)
