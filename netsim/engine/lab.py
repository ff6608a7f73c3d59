"""The lab: one simulated world of hosts, cables and a clock.

Time is discrete-event time from simpy: nothing happens between events, and the
same seed gives the same run, byte for byte (random MACs, IP ids and timer jitter
all come from one seeded :class:`random.Random`).

The per-frame path never creates a simpy process: a device that hands a frame on
"later" (a veth to its peer, a cable to the far NIC, the loopback backlog) schedules
a plain callback with :meth:`Lab.call_later`. Generator processes are kept for
applications and timers (ping, ARP retransmits, the FDB garbage collector).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from heapq import heappush
from typing import TYPE_CHECKING

import simpy
from simpy.events import NORMAL, Event

from netsim.engine.history import History, HistoryEntry
from netsim.engine.trace import Trace

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.qemu.vm import VirtualMachine
    from netsim.stack.capture import LabCapture
    from netsim.wire.cable import Cable


class _Call:
    """What simpy's event loop needs of an event, and no more: the per-frame scheduler.

    ``Environment.step`` pops an entry, calls each of ``callbacks`` with the entry and
    checks ``_ok``. A plain slotted object with those attributes costs a fraction of a
    ``simpy.Timeout`` and needs no closure.
    """

    __slots__ = ("callbacks", "fn", "args")
    _ok = True
    _value = None
    _defused = True

    def __init__(self, fn: Callable, args: tuple) -> None:
        self.fn = fn
        self.args = args
        self.callbacks = _FIRE

    def fire(self) -> None:
        self.fn(*self.args)


_FIRE = (_Call.fire,)


class Lab:
    """A simulated world. ``Lab(seed=0)``; then :meth:`host`, :meth:`link`, :meth:`run`."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.trace = Trace(self.env)
        self.hosts: dict[str, Host] = {}
        self.vms: dict[str, VirtualMachine] = {}  # by name (QEMU's -name)
        self.cables: list[Cable] = []
        self.frame_ids = itertools.count(1)  # every new frame takes the next id
        self._running = False
        self._schedule = self.env.schedule
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
        """A cable between ``"h1:eth0"`` and ``"h2:eth0"``; missing NICs are created."""
        from netsim.wire.cable import DEFAULT_BANDWIDTH, DEFAULT_LATENCY, Cable

        nic_a, nic_b = self._nic(a), self._nic(b)
        for nic in (nic_a, nic_b):
            if nic.cable is not None:
                raise ValueError(f"{nic.ns.name}:{nic.name} is already cabled")
        cable = Cable(self, nic_a, nic_b,
                      DEFAULT_LATENCY if latency is None else latency,
                      DEFAULT_BANDWIDTH if bandwidth is None else bandwidth)
        self.cables.append(cable)
        cable.link_check()
        self.note(f"# cable: {a} <-> {b}")
        return cable

    def _nic(self, spec: str):
        from netsim.devices.nic import Nic

        host_name, sep, dev_name = spec.partition(":")
        if not sep or not host_name or not dev_name:
            raise ValueError(f"expected 'host:device', got {spec!r}")
        ns = self.host(host_name).ns
        dev = ns.get(dev_name)
        if dev is None:
            dev = ns.register(Nic(ns, dev_name, ns.random_mac()))
        elif not isinstance(dev, Nic):
            raise ValueError(f"{spec} exists and is a {dev.kind or dev.link_type} device, "
                             "not a NIC that takes a cable")
        return dev

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

    def why(self, source: str, target: str):
        """Why can (or can't) ``source`` reach ``target``? One real ping, explained from
        the trace: where the last packet died, the rule, route or setting that decided,
        the kernel function, and a fix to try. See :mod:`netsim.scenarios.why`."""
        from netsim.scenarios.why import why

        return why(self, source, target)

    def capture_all(self) -> LabCapture:
        """Capture on every Ethernet device of every host and VM (``tcpdump -i any``)."""
        from netsim.stack.capture import LabCapture

        return LabCapture(self)

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Simulated seconds since the lab was made."""
        return self.env.now

    def run(self, duration: float) -> None:
        """Let ``duration`` simulated seconds pass."""
        if duration < 0:
            raise ValueError("duration must be >= 0")
        self.run_until(self.env.now + duration)

    def run_until(self, until) -> None:
        """Run the world until a time or until an event (e.g. a process) is done."""
        if self._running:
            raise RuntimeError("the simulation is already running (called from inside it?)")
        self._running = True
        try:
            if isinstance(until, Event):
                if not until.triggered or until.callbacks is not None:
                    self.env.run(until=until)
            elif until > self.env.now:
                self.env.run(until=until)
        finally:
            self._running = False

    def call_later(self, delay: float, fn: Callable, *args) -> None:
        """Run ``fn(*args)`` after ``delay`` simulated seconds (the per-frame scheduler).

        This is ``Environment.schedule`` written out, one call less per hop.
        """
        env = self.env
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), _Call(fn, args)))

    def call_soon(self, fn: Callable, *args) -> None:
        self._schedule(_Call(fn, args), NORMAL, 0.0)

    def process(self, generator) -> simpy.Process:
        """Start an application or timer written as a simpy generator."""
        return self.env.process(generator)

    def new_frame_id(self) -> int:
        return next(self.frame_ids)
