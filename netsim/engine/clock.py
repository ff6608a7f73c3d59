"""The clock: simulated time, the seeded randomness and frame ids -- and nothing else.

Time is discrete-event time from simpy: nothing happens between events, and the
same seed gives the same run, byte for byte (random MACs, IP ids and timer jitter
all come from one seeded :class:`random.Random`).

The per-frame path never creates a simpy process: a device that hands a frame on
"later" (a veth to its peer, a cable to the far NIC, the loopback backlog) schedules
a plain callback with :meth:`Clock.call_later`. Generator processes are kept for
applications and timers (ping, ARP retransmits, the FDB garbage collector).

The clock knows no hosts, cables or commands: :class:`netsim.world.World` holds
those and reads the time from here.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime

import simpy
from simpy.events import NORMAL, Event

BOOT_WALL_CLOCK = datetime(2025, 1, 1, 9, 50, tzinfo=UTC).timestamp()
"""The wall-clock time (Unix seconds, UTC) of simulated time 0, when every host boots.

A fixed, plausible date: ``ps`` shows ``STIME 09:50`` and ``ls -l /proc/PID/fd``
``Jan  1 09:50``, the same in every run. Files in the host's tree carry no time and
``ls -l`` shows them as ``Jan  1 00:00``: installed that morning, before the boot.
"""


def wall_clock(sim_seconds: float) -> float:
    """Simulated seconds since boot -> wall-clock Unix time (what ``date`` would say)."""
    return BOOT_WALL_CLOCK + sim_seconds


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


class Clock:
    """Simulated time for one world: ``now``, ``run``, ``call_later``, ``rng``, frame ids."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.frame_ids = itertools.count(1)  # every new frame takes the next id
        self._running = False
        self._schedule = self.env.schedule  # simpy's public scheduling call, bound once

    @property
    def now(self) -> float:
        """Simulated seconds since the world was made."""
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
        """Run ``fn(*args)`` after ``delay`` simulated seconds (the per-frame scheduler)."""
        self._schedule(_Call(fn, args), NORMAL, delay)

    def call_soon(self, fn: Callable, *args) -> None:
        """Run ``fn(*args)`` at the current time, after what is already due now."""
        self._schedule(_Call(fn, args), NORMAL, 0.0)

    def process(self, generator) -> simpy.Process:
        """Start an application or timer written as a simpy generator."""
        return self.env.process(generator)

    def new_frame_id(self) -> int:
        return next(self.frame_ids)
