"""A running virtual machine: the qemu process on the host, and the guest inside it.

The guest is a whole simulated Linux (its own kernel, shell and processes: a
:class:`~netsim.host.Host` of its own) whose NICs are :class:`EmulatedNic` devices.
Each NIC's "hardware" is the qemu process, which moves frames between the NIC and
its backend -- for ``-netdev tap``, an fd on /dev/net/tun (:class:`TapBackend`); for
``-netdev user``, libslirp inside qemu (:class:`~netsim.qemu.slirp.Slirp`).

This module is the machinery; ``qemu-system-x86_64 ...`` in a host's shell builds one
from a command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from netsim.qemu.backend import TapBackend
from netsim.qemu.nic import EmulatedNic

if TYPE_CHECKING:
    from netsim.devices.tun import TunFile
    from netsim.host import Host
    from netsim.user.io import CommandResult
    from netsim.user.process import Process


class Backend(Protocol):
    """What a NIC needs of its netdev: take the guest's frames, know the NIC, stop."""

    nic: EmulatedNic | None

    def receive(self, data: bytes, frame_id: int) -> None: ...

    def close(self) -> None: ...


class VirtualMachine:
    def __init__(self, host: Host, process: Process, name: str) -> None:
        from netsim.host import Host

        self.host = host
        self.process = process
        self.name = name
        self.guest = Host(host.lab, name)  # the guest OS: a kernel and user space of its own
        self.nics: list[EmulatedNic] = []
        self.backends: list[Backend] = []
        host.lab.vms[name] = self

    def __repr__(self) -> str:
        return f"<VirtualMachine {self.name} pid {self.process.pid} on {self.host.name}>"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.running

    def sh(self, script: str, *, record: bool = True) -> CommandResult:
        """Run commands inside the guest (as if logged in on its console)."""
        return self.guest.sh(script, record=record)

    def add_tap_backend(self, netdev_id: str, tfile: TunFile) -> TapBackend:
        backend = TapBackend(netdev_id, tfile)
        self.backends.append(backend)
        return backend

    def add_backend(self, backend: Backend) -> Backend:
        """Another kind of netdev (libslirp for ``-netdev user``); closed at power-off."""
        self.backends.append(backend)
        return backend

    def add_nic(self, model: str, mac: bytes, backend: Backend | None = None) -> EmulatedNic:
        """A NIC the guest sees as eth0, eth1... in the order of the command line."""
        ns = self.guest.ns
        nic = EmulatedNic(ns, f"eth{len(self.nics)}", mac, model, self.process.pid)
        ns.register(nic)
        if backend is not None:
            backend.nic = nic
            nic.backend = backend
        self.nics.append(nic)
        return nic

    def power_off(self) -> None:
        """QEMU exits: backends stop, the guest's links go down; fds are closed by the caller."""
        for backend in self.backends:
            backend.close()
        for nic in self.nics:
            nic.backend = None
            nic.set_carrier(False)
