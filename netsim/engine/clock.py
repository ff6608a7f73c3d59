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
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from heapq import heapify, heappop

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority

BOOT_WALL_CLOCK = datetime(2025, 1, 1, 9, 50, tzinfo=UTC).timestamp()
"""The wall-clock time (Unix seconds, UTC) of simulated time 0, when every host boots.

A fixed, plausible date: ``ps`` shows ``STIME 09:50`` and ``ls -l /proc/PID/fd``
``Jan  1 09:50``, the same in every run. Files in the host's tree carry no time and
``ls -l`` shows them as ``Jan  1 00:00``: installed that morning, before the boot.
"""


def wall_clock(sim_seconds: float) -> float:
    """Simulated seconds since boot -> wall-clock Unix time (what ``date`` would say)."""
    return BOOT_WALL_CLOCK + sim_seconds


CHORES_EVERY = 256  # events between two rounds of Clock.chores


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


class _Reached(Exception):  # noqa: N818 - a signal to the loop, never seen outside
    """The event a run waits for was processed: the stepping loop ends."""


def _requeue_rest(env: simpy.Environment, event: Event, callbacks: list,
                  stopped_at: Callable) -> None:
    """As Environment.step does when a callback raises StopSimulation (``env.run``'s
    until-event, left behind by a run that ended otherwise): the callbacks after it
    run when the event is processed again, first thing next time."""
    event.callbacks = callbacks[callbacks.index(stopped_at) + 1:]
    env.schedule(event, EventPriority(-1))


def _crash(event: Event) -> None:
    """An event failed and nobody defused it: simpy's Environment.step raises a copy of
    its exception, caused by the original (a process crashed and nothing waited)."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    raise exc


def simpy_contract(env: simpy.Environment) -> bool:
    """Does ``env`` keep its queue and clock as this module's stepping loop (and the
    cable's scheduling) expect -- ``_queue`` a heap of ``(time, priority, id, event)``,
    ``_now`` the clock, ``_eid`` the id counter, as in simpy 4.1? A test asks it of
    every simpy the project installs."""
    queue = getattr(env, "_queue", None)
    if not isinstance(queue, list) or not hasattr(env, "_eid"):
        return False
    probe = Event(env)
    env.schedule(probe, NORMAL, 1.5)
    entries = [e for e in queue if isinstance(e, tuple) and len(e) == 4 and e[3] is probe]
    if len(entries) != 1:
        return False
    (entry,) = entries
    queue.remove(entry)
    heapify(queue)
    return (entry[0] == env._now + 1.5 and entry[1] == NORMAL
            and next(env._eid) == entry[2] + 1)


def _reached(event: Event) -> None:
    """Callback of the event a run waits for (simpy's StopSimulation.callback)."""
    if not event.ok:
        raise event.value  # the awaited process failed: its error, as env.run raises it
    raise _Reached


def _reached_time(waiting: list[bool]) -> None:
    """The marker event of a run that stops at a given time (inert once that run ended)."""
    if waiting[0]:
        raise _Reached


_FIRE = (_Call.fire,)


EVENT_BUDGET = 1_000_000
"""How many simulated events one command (or one ``lab.run`` from outside) may process.

A ping across a bridge is a few dozen events; a million take a second or two of wall
time. A loop without spanning tree, a flood ping of a million packets or ``sleep 2^63``
on a host whose timers keep ticking stops here, with :class:`RunawayError`, instead of
running for hours. ``lab.clock.event_budget`` raises (or lowers) the limit.
"""


WALL_BUDGET = 4.0
"""Seconds of real time one command line may take, whatever it does.

The event budget bounds everything that advances simulated time; this one catches
what does not -- a pattern that makes a regular expression backtrack for minutes
(``grep -E '(a*)*c'``). It needs the main thread (a SIGALRM timer); elsewhere only the
event budget applies. ``lab.clock.wall_budget`` changes it (None: no limit).
"""


class RunawayError(RuntimeError):
    """A command, or a ``run`` call, used up its budget of simulated events.

    The world is left as it was at that instant (time stopped there); the next command
    gets a fresh budget.
    """


class Clock:
    """Simulated time for one world: ``now``, ``run``, ``call_later``, ``rng``, frame ids."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.frame_ids = itertools.count(1)  # every new frame takes the next id
        self.event_budget = EVENT_BUDGET
        self.wall_budget: float | None = WALL_BUDGET
        self._budget_left: int | None = None  # set while a command runs (see budget())
        # Called between batches of CHORES_EVERY events and when a run stops: upkeep
        # that must not wait for the end of a long run (the trace's memory bound).
        self.chores: list[Callable[[], None]] = []
        self._running = False
        self._schedule = self.env.schedule  # simpy's public scheduling call, bound once

    @contextmanager
    def budget(self) -> Iterator[None]:
        """One allowance of :attr:`event_budget` events for everything inside.

        ``host.sh`` opens one per command line; nested ones (a script a daemon runs
        inside a command) share the outer allowance.
        """
        if self._budget_left is not None:
            yield
            return
        self._budget_left = self.event_budget
        try:
            yield
        finally:
            self._budget_left = None

    @property
    def now(self) -> float:
        """Simulated seconds since the world was made."""
        return self.env.now

    @contextmanager
    def wall_limit(self) -> Iterator[None]:
        """Stop what runs inside after :attr:`wall_budget` seconds of real time with
        :class:`RunawayError` (Python's regular expressions notice the signal too).

        Only in the main thread (a SIGALRM timer). A timer someone else armed is kept:
        if it would ring first it is left alone, otherwise it is put back, with the
        time it had left, when the block ends."""
        seconds = self.wall_budget
        # No interval timer, no limit: Windows has no setitimer, nor has pyodide (Python
        # in the browser: WebAssembly has no signals to ring), whose getitimer exists.
        if (not seconds or not hasattr(signal, "setitimer")
                or threading.current_thread() is not threading.main_thread()):
            yield
            return
        outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
        if outer_left and outer_left <= seconds:
            yield  # the outer timer rings first: it is the limit
            return

        def stop(_signum, _frame) -> None:
            raise RunawayError(f"netsim: stopped after {seconds:g} s of real time (a pattern "
                               "that backtracks, or a very long computation?); "
                               "lab.clock.wall_budget = N allows more")

        outer_handler = signal.signal(signal.SIGALRM, stop)
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, outer_handler if outer_handler is not None
                          else signal.SIG_DFL)
            if outer_left:
                left = outer_left - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))

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
                    self._step_until(until)
            elif until > self.env.now:
                self._step_until(until)
        finally:
            self._running = False

    def _step_until(self, until: Event | float) -> None:
        """``env.run(until)``, one event at a time, counting them against the budget.

        As in simpy's ``run``: a time is reached through an URGENT marker event at that
        time (events due at exactly ``until`` stay queued for the next run), and the
        target's own callback ends the loop by raising. Events run in batches of
        :data:`CHORES_EVERY`, with :attr:`chores` between batches and at the end.
        """
        waiting = [True]  # cleared when this run ends, however it ends
        if isinstance(until, Event):
            until.callbacks.append(_reached)
        else:
            self._schedule(_Call(_reached_time, (waiting,)), URGENT, until - self.env.now)
        left = self.event_budget if self._budget_left is None else self._budget_left
        env = self.env
        queue = env._queue
        chores = self.chores
        done = batch = 0
        try:
            # Events run in batches, between which the chores run (the trace keeps
            # within its budget there, so its per-row path needs no check); the loops
            # are ``for`` loops over ranges, so counting costs nothing per event.
            while done < left:
                for batch in range(1, min(CHORES_EVERY, left - done) + 1):  # noqa: B007
                    # Environment.step(), written out (a Python call less per event;
                    # simpy_contract() checks the parts of simpy this relies on).
                    try:
                        env._now, _, _, event = heappop(queue)
                    except IndexError:
                        raise EmptySchedule from None
                    callbacks, event.callbacks = event.callbacks, None
                    try:
                        for callback in callbacks:
                            callback(event)
                    except StopSimulation:  # a simpy env.run's stop, left in the queue
                        _requeue_rest(env, event, callbacks, callback)
                        raise
                    if not event._ok and not hasattr(event, "_defused"):
                        _crash(event)
                done += batch
                batch = 0
                for chore in chores:
                    chore()
        except _Reached:
            return
        except EmptySchedule:
            raise RuntimeError(f'No scheduled events left but "until" event was not '
                               f"triggered: {until}") from None
        finally:
            done += batch  # the steps of an unfinished batch
            waiting[0] = False
            for chore in chores:
                chore()
            if isinstance(until, Event) and until.callbacks and _reached in until.callbacks:
                until.callbacks.remove(_reached)  # stopped early: a later run must not end there
            if self._budget_left is not None:
                self._budget_left -= done
        raise RunawayError(self._runaway_text(left))

    def _runaway_text(self, done: int) -> str:
        return (f"netsim: stopped at t={self.env.now:.6f} s: {done:,} simulated events "
                f"without finishing (a loop, a flood, or a very long wait?); "
                f"lab.clock.event_budget = N allows more")

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
