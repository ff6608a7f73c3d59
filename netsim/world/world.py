"""The world: the hosts, the cables between them, the VMs, and what was typed.

The world reads its time from a :class:`~netsim.engine.clock.Clock` and knows nothing
of the tools that run on it: the command table a host's shell looks programs up in is
handed in (:class:`netsim.lab.Lab` hands in the simulated tools of :mod:`netsim.cli`).
Analysis that reads a whole world -- ``why``, reachability -- lives above it, in
:mod:`netsim.analysis`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from netsim.engine.clock import Clock
from netsim.engine.trace import Trace
from netsim.world.history import History, HistoryEntry

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.qemu.vm import VirtualMachine
    from netsim.stack.capture import LabCapture
    from netsim.user.io import CommandFn
    from netsim.wire.cable import Cable


def check_host_name(name: object) -> None:
    """A machine's name: what ``ip netns add`` takes, without ``:`` (``lab.link`` splits
    ``host:device`` on it) or blanks. ``<``, ``&`` and other characters are fine."""
    if not isinstance(name, str):
        raise TypeError(f"a host name is a string, got {type(name).__name__}: "
                        "e.g. lab.host('h1')")
    bad = next((c for c in name if c in ":/" or c.isspace() or not c.isprintable()), None)
    if not name or name in (".", "..") or bad is not None or len(name) > 64:
        reason = (f"it contains {bad!r}" if bad is not None else
                  "it is empty" if not name else "it is too long" if len(name) > 64 else
                  f"{name!r} names a directory")
        raise ValueError(f"invalid host name {name!r}: {reason} (use letters, digits, "
                         "'-' or '_', e.g. lab.host('h1'))")


class World:
    """A simulated world: hosts, cables and VMs on one clock.

    ``commands`` is the table of programs every host's shell finds on its PATH
    (name -> ``(host, argv, io) -> status``); a world without one has only the
    shell's builtins and coreutils.
    """

    def __init__(self, seed: int = 0, commands: Mapping[str, CommandFn] | None = None) -> None:
        self.clock = Clock(seed)
        self.seed = seed
        self.commands: Mapping[str, CommandFn] = {} if commands is None else commands
        # The clock's parts, looked up on every hop: plain attributes, not properties.
        self.env = self.clock.env
        self.rng = self.clock.rng
        self.frame_ids = self.clock.frame_ids
        self.call_later = self.clock.call_later
        self.call_soon = self.clock.call_soon
        self.process = self.clock.process
        self.new_frame_id = self.clock.new_frame_id
        self.run = self.clock.run
        self.run_until = self.clock.run_until
        self.trace = Trace(self.env)
        self.clock.chores.append(self.trace.tidy)  # the trace's budget, between events
        self.hosts: dict[str, Host] = {}
        self.vms: dict[str, VirtualMachine] = {}  # by name (QEMU's -name)
        self.cables: list[Cable] = []
        # Tools add a "netsim hint:" line after some errors (see netsim.cli.hints);
        # False gives the real tools' output byte for byte.
        self.hints = True
        self._history = History()
        self.mode = None  # a NetworkMode when a netsim.scenarios function built the lab

    # ------------------------------------------------------------------ world
    def host(self, name: str) -> Host:
        """The host called ``name``, created on first use (like ``ip netns add``)."""
        from netsim.host import Host

        if name not in self.hosts:
            check_host_name(name)
            self.hosts[name] = Host(self, name)
        return self.hosts[name]

    def vm(self, key: str | int) -> VirtualMachine:
        """A running VM, by its ``-name`` or by the PID of its qemu process."""
        if isinstance(key, int):
            for vm in self.vms.values():
                if vm.pid == key:
                    return vm
        elif key in self.vms:
            return self.vms[key]
        known = ", ".join(sorted(self.vms)) or "none"
        raise KeyError(f"no VM {key!r} (running VMs: {known})")

    def link(self, a: str, b: str, *, latency: float | None = None,
             bandwidth: float | None = None) -> Cable:
        """A cable between ``"h1:eth0"`` and ``"h2:eth0"``; missing NICs are created.

        Both ends are checked before anything is made, so a refused cable leaves no
        NIC behind.
        """
        from netsim.devices.nic import Nic
        from netsim.wire.cable import DEFAULT_BANDWIDTH, DEFAULT_LATENCY, Cable

        ends = [self._cable_end(a), self._cable_end(b)]
        if ends[0][:2] == ends[1][:2]:
            raise ValueError(f"a cable needs two different ends, got {a!r} twice")
        nics = []
        for ns, dev_name, dev in ends:
            nics.append(dev if dev is not None else ns.register(
                Nic(ns, dev_name, ns.random_mac())))
        cable = Cable(self, nics[0], nics[1],
                      DEFAULT_LATENCY if latency is None else latency,
                      DEFAULT_BANDWIDTH if bandwidth is None else bandwidth)
        self.cables.append(cable)
        cable.link_check()
        self.note(f"# cable: {a} <-> {b}")
        return cable

    def _cable_end(self, spec: str):
        """``"h1:eth0"`` -> (namespace, device name, the NIC if it exists), or why not."""
        from netsim.devices.nic import Nic

        if not isinstance(spec, str):
            raise TypeError(f"lab.link() expected 'host:device' strings, got "
                            f"{type(spec).__name__}: e.g. lab.link('h1:eth0', 'h2:eth0')")
        host_name, sep, dev_name = spec.partition(":")
        if not sep or not host_name or not dev_name:
            raise ValueError(f"expected 'host:device', got {spec!r}")
        if host_name not in self.hosts:  # a typo must not make a machine
            known = ", ".join(sorted(self.hosts)) or "none yet"
            raise ValueError(f"no host {host_name!r} in {spec!r} (hosts: {known}); "
                             f"make it first with lab.host({host_name!r})")
        if (len(dev_name) > 15 or dev_name in (".", "..")
                or any(c in ":/" or c.isspace() or not c.isprintable() for c in dev_name)):
            raise ValueError(f"invalid device name {dev_name!r} in {spec!r}: Linux names "
                             "have 1-15 characters and no '/', ':' or blanks (e.g. 'eth0')")
        ns = self.hosts[host_name].ns
        dev = ns.get(dev_name)
        if dev is not None and not isinstance(dev, Nic):
            raise ValueError(f"{spec} exists and is a {dev.kind or dev.link_type} device, "
                             "not a NIC that takes a cable")
        if dev is not None and dev.cable is not None:
            raise ValueError(f"{host_name}:{dev_name} is already cabled")
        return ns, dev_name, dev

    # ------------------------------------------------------------------ history
    def history(self) -> History:
        """Every command typed on every machine, in order, with cables as comments:
        ``print(lab.history())`` is the list to replay by hand on real machines."""
        return History(self._history)

    def log_command(self, machine: str, command: str, status: int | None) -> None:
        """Called by ``Host.sh``/``spawn``: one line of :meth:`history`."""
        self._history.append(HistoryEntry(self.env.now, machine, command, status))

    def note(self, comment: str) -> None:
        """A comment line in :meth:`history` (what no command does: cabling, booting)."""
        self._history.append(HistoryEntry(self.env.now, "", comment))

    def capture_all(self) -> LabCapture:
        """Capture on every Ethernet device of every host and VM (``tcpdump -i any``)."""
        from netsim.stack.capture import LabCapture

        return LabCapture(self)

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Simulated seconds since the world was made."""
        return self.env.now

    # ------------------------------------------------------------------ files
    def close(self) -> None:
        """Finish the files the world writes: a streamed trace gets the records still in
        memory and its end line (:meth:`Trace.close_stream`). The world stays usable.
        ``with netsim.Lab() as lab:`` closes it at the end of the block."""
        self.trace.close_stream()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
