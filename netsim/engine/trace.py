"""The trace: one record per hop and per decision, the single source of truth.

Every model reports what it does to a frame. Pictures, captures, ``why`` and labs read
these records, never the models' insides. A record says *when*, *where* (host, device,
layer), *what* (action), *which frame* (an id shared by every copy of one frame), *why*
(a plain-language reason), *who* (the Linux function that takes this step, so a student
can open the kernel source beside it) and, as fields, the *facts* a picture or a tool
needs (the port a MAC was learned on, the rule that dropped a packet...).

How it stays cheap on the per-frame path
----------------------------------------
The models do not make records: they append a **row** to one flat list -- eight plain
values (time, :class:`Step`, host, device, frame id, frame bytes, two arguments) and no
object of its own, so the garbage collector has nothing to walk. The :class:`Step` is a
constant of the code that took the step: it knows the layer, the action, the kernel
function and how to word the reason from the row's arguments, so the reason text is
written only when someone reads the record. One row may stand for several records when
they say one thing (the driver putting a frame on the wire and the cable carrying it).
Frame bytes are not copied: every row of one version of a frame holds the same
``bytes`` object.

Bounded memory
--------------
By default the trace keeps the newest :attr:`Trace.budget` rows (200,000: a classroom
lab makes a few thousand; a million-hop run of 64 hosts peaks at ~130 MiB of resident
memory, ``benchmarks/trace_memory.py``); older rows are dropped in batches of a quarter
budget and :attr:`Trace.dropped` says how many records went. Counters that must stay
exact live with the devices (``ip -s link``). :meth:`Trace.stream_to` writes every
record to a file instead of losing it, as the rows are shed (:mod:`netsim.engine.trace_file`
reads it back); ``budget = None`` keeps everything in memory.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from netsim.packets.summary import summarize

# The actions a record can carry, for filters and pictures.
ACTIONS = ("rx", "tx", "learn", "forward", "flood", "pass-up", "deliver", "drop", "queue",
           "write", "read", "send", "reply", "resolve", "age", "flush", "route", "info",
           "nat", "accept", "reject", "lease")

ROW = 8  # values per row: time, step, host, dev, frame_id, data, a, b
DEFAULT_BUDGET = 200_000
_STREAM_CHUNK = 4096  # rows made into records at a time on their way to a file


@dataclass(slots=True, eq=False)
class TraceRecord:
    """One step of one frame (or one decision with no frame, ``frame_id == 0``).

    ``facts`` holds what the step decided as named values, for programs to read
    instead of parsing ``reason``: for example ``{"mac": "52:54:00:12:34:56",
    "port": "tap0"}`` when a bridge learns, ``{"rule": "-A FORWARD -j DROP"}`` when a
    firewall drops. The keys each step gives are listed where the step is defined.
    """

    time: float
    host: str
    dev: str
    layer: str  # "user", "chardev", "link", "bridge", "ip", "arp", "icmp", "udp", "wire"
    action: str
    frame_id: int
    reason: str
    func: str
    data: bytes | None = None
    l3: bool = False  # data starts at the IP header (tun devices), not at Ethernet
    facts: dict[str, Any] | None = None

    @property
    def summary(self) -> str:
        """The frame in tcpdump's words ("" for records about no frame)."""
        if self.data is None:
            return ""
        if self.l3:
            from netsim.packets.summary import describe_ipv4

            try:
                return describe_ipv4(self.data)
            except ValueError as err:
                return f"malformed packet: {err}"
        return summarize(self.data)

    def fact(self, name: str, default: Any = None) -> Any:
        """One of :attr:`facts`, or ``default`` when this step gives no such fact."""
        facts = self.facts
        return default if facts is None else facts.get(name, default)

    @property
    def src_mac(self) -> str:
        """The frame's source MAC ("" without an Ethernet frame)."""
        return _mac_at(self, 6)

    @property
    def dst_mac(self) -> str:
        """The frame's destination MAC ("" without an Ethernet frame)."""
        return _mac_at(self, 0)

    def as_tuple(self) -> tuple:
        """Every field, for comparing two records (records compare by identity)."""
        return (self.time, self.host, self.dev, self.layer, self.action, self.frame_id,
                self.reason, self.func, self.data, self.l3, self.facts)

    def __str__(self) -> str:
        where = f"{self.host}:{self.dev}" if self.dev else self.host
        frame = f"#{self.frame_id} " if self.frame_id else ""
        summary = f" | {self.summary}" if self.data is not None else ""
        return (f"{self.time:10.6f} {where:<14} {self.layer:<7} {self.action:<8} {frame}"
                f"{self.reason} [{self.func}]{summary}")


def _mac_at(record: TraceRecord, offset: int) -> str:
    data = record.data
    if data is None or record.l3 or len(data) < 14:
        return ""
    return ":".join(f"{b:02x}" for b in data[offset:offset + 6])


class Step:
    """One kind of row: the layer, action and kernel function, and how its reason reads.

    ``text`` words the reason from a row: ``text(host, dev, data, a, b) -> str``; for
    steps written through :meth:`Trace.hop` it is ``None`` and ``a`` is the reason
    itself. ``facts`` (optional) gives the structured facts the same way. A subclass
    may turn one row into several records (:meth:`records`).
    """

    __slots__ = ("layer", "action", "func", "l3", "text", "facts", "width", "sliced")

    def __init__(self, layer: str, action: str, func: str,
                 text: Callable[..., str] | None = None, *, l3: bool = False,
                 facts: Callable[..., dict[str, Any] | None] | None = None) -> None:
        self.layer, self.action, self.func, self.l3 = layer, action, func, l3
        self.text, self.facts = text, facts
        self.width = 1  # records per row
        # True when the row's ``b`` may say where the record's data starts in the row's
        # bytes (a packet kept as part of the frame that carried it: see rebase_last).
        self.sliced = False

    def records(self, time: float, host: str, dev: str, frame_id: int, data: bytes | None,
                a: Any, b: Any) -> list[TraceRecord]:
        if self.text is None:  # a row from Trace.hop: ``a`` is the reason, ``b`` the facts
            return [TraceRecord(time, host, dev, self.layer, self.action, frame_id, a,
                                self.func, data, self.l3, b)]
        facts = self.facts(host, dev, data, a, b) if self.facts is not None else None
        return [TraceRecord(time, host, dev, self.layer, self.action, frame_id,
                            self.text(host, dev, data, a, b), self.func, data, self.l3,
                            facts)]

    def __repr__(self) -> str:
        return f"Step({self.layer} {self.action} [{self.func}])"


class Trace:
    """Rows appended by the models, read as :class:`TraceRecord` objects, with filters.

    ``enabled = False`` turns recording off (benchmarks measure both ways).
    :meth:`subscribe` tells a function of every record as it is made (live pictures).
    """

    def __init__(self, env, budget: int | None = DEFAULT_BUDGET) -> None:
        self._env = env
        self._rows: list[Any] = []  # flat: ROW values per row
        # The per-frame path's append: ``trace.add((now, STEP, host, dev, frame_id,
        # data, a, b))`` is the list's own extend, called from C with no Python frame
        # of ours in between (a subscribed trace replaces it, see subscribe()).
        self.add: Callable[[tuple], None] = self._rows.extend
        self._records: list[TraceRecord] = []  # rows [0, _rendered) made into records
        self._rendered = 0
        self._steps: dict[tuple, Step] = {}  # Trace.hop's steps, one per kind
        self._stream = None  # a trace_file.TraceWriter while streaming
        self._stream_end: weakref.finalize | None = None
        self._stream_paths: list[str] = []  # every file streamed to
        self._in_file = 0  # of the dropped records, those written to a file
        self.budget = budget
        self.dropped = 0  # records dropped from memory to stay within the budget
        self.enabled = True
        self._listeners: list[Callable[[TraceRecord], None]] = []

    # ------------------------------------------------------------------ writing
    @property
    def budget(self) -> int | None:
        """How many rows are kept (the newest); ``None`` keeps them all."""
        return self._budget

    @budget.setter
    def budget(self, rows: int | None) -> None:
        if rows is not None and (type(rows) is not int or rows < 1):
            raise ValueError(f"trace budget must be a positive number of rows or None, "
                             f"not {rows!r}")
        self._budget = rows
        # Rows are dropped in batches of a quarter budget, so the check is rare.
        self._limit = float("inf") if rows is None else ROW * (rows + max(1, rows // 4))

    def step(self, step: Step, host: str, dev: str, frame_id: int, data: bytes | None,
             a: Any = None, b: Any = None) -> None:
        """Append one row (the per-frame path; callers check :attr:`enabled` first).

        Nothing else happens here: the budget is kept by :meth:`tidy`, which the clock
        calls between batches of events, and a trace with subscribers replaces this
        method on the instance (:meth:`subscribe`).
        """
        self._rows.extend((self._env._now, step, host, dev, frame_id, data, a, b))

    def _step_and_tell(self, step: Step, host: str, dev: str, frame_id: int,
                       data: bytes | None, a: Any = None, b: Any = None) -> None:
        """:meth:`step` while someone subscribes (see :meth:`_add_and_tell`)."""
        self._add_and_tell((self._env._now, step, host, dev, frame_id, data, a, b))

    def _add_and_tell(self, row: tuple) -> None:
        """:attr:`add` while someone subscribes: the row's records go to each listener."""
        self._rows.extend(row)
        for record in row[1].records(row[0], *row[2:]):
            for listener in self._listeners:
                listener(record)

    def hop(self, host: str, dev: str, layer: str, action: str, frame_id: int, reason: str,
            func: str, data: bytes | None = None, l3: bool = False,
            facts: dict[str, Any] | None = None) -> None:
        """Append one record whose reason is already written (paths off the hot one)."""
        if not self.enabled:
            return
        key = (layer, action, func, l3)
        step = self._steps.get(key)
        if step is None:
            step = self._steps[key] = Step(layer, action, func, l3=l3)
        self.step(step, host, dev, frame_id, data, reason, facts)
        if len(self._rows) > self._limit:  # commands write rows outside any run too
            self.tidy()

    def rebase_last(self, part: bytes, whole: bytes, offset: int) -> None:
        """The newest row holds ``part``, which is now ``whole[offset:...]`` (a packet
        put in a frame): keep the frame instead, so one copy of the bytes is kept.

        Only for a step that slices (:attr:`Step.sliced`), and only when that row
        still holds exactly ``part`` (the same object) -- otherwise nothing changes.
        """
        rows = self._rows
        if rows and rows[-3] is part and rows[-7].sliced:
            rows[-3] = whole
            rows[-1] = offset

    # ------------------------------------------------------------------ listening
    @property
    def listeners(self) -> tuple[Callable[[TraceRecord], None], ...]:
        """Who is told of every new record (see :meth:`subscribe`)."""
        return tuple(self._listeners)

    def subscribe(self, listener: Callable[[TraceRecord], None]) -> None:
        """Call ``listener(record)`` with every record from now on (live pictures)."""
        if not callable(listener):
            raise TypeError(f"trace.subscribe() needs a function, not {listener!r}")
        self._listeners.append(listener)
        self.step = self._step_and_tell
        self.add = self._add_and_tell

    def unsubscribe(self, listener: Callable[[TraceRecord], None]) -> None:
        """Stop telling ``listener``; a trace nobody listens to goes back to :meth:`step`."""
        if listener in self._listeners:
            self._listeners.remove(listener)
        if not self._listeners and "step" in vars(self):
            del self.step
            self.add = self._rows.extend

    # ------------------------------------------------------------------ the budget
    def tidy(self) -> None:
        """Keep within the budget: shed the oldest rows once a quarter budget is over."""
        if len(self._rows) > self._limit:
            self._shed(len(self._rows) // ROW - self._budget)

    def _shed(self, count: int) -> None:
        """Take the oldest ``count`` rows out of memory: to the stream, or dropped."""
        rows = self._rows
        width = sum(step.width for step in rows[1:count * ROW:ROW])  # their records
        if self._stream is not None:
            self._write_rows(self._stream, count)
            self._in_file += width
        self.dropped += width
        del rows[:count * ROW]
        if self._rendered >= count:
            del self._records[:width]
            self._rendered -= count
        else:
            self._records.clear()
            self._rendered = 0

    # ------------------------------------------------------------------ streaming
    def stream_to(self, path: str | os.PathLike) -> None:
        """Write the whole trace to a file: every record the budget sheds, and the rest
        when the stream is closed (:meth:`close_stream`, ``lab.close()``, or when the
        lab is freed or the program ends).

        Records still in memory now go first; records already dropped are not in the
        file (its header counts them: stream before running to keep everything).
        What is in memory stays readable as before. The file is JSON lines, gzip when
        ``path`` ends in ``.gz``; :func:`netsim.engine.trace_file.read_trace` reads it.
        """
        from netsim.engine.trace_file import TraceWriter

        if self._stream is not None:
            raise ValueError(f"the trace already streams to {str(self._stream.path)!r}; "
                             "call lab.trace.close_stream() first")
        writer = TraceWriter(path, dropped_before=self.dropped)
        self._stream = writer
        self._stream_paths.append(str(writer.path))
        # Finish the file if the trace is freed (or the program ends) while streaming.
        # The finalizer holds the writer and the rows, never the trace itself.
        self._stream_end = weakref.finalize(self, _finish_stream, writer, self._rows)

    def close_stream(self) -> None:
        """Write the records still in memory to the stream's file and close it (no
        stream: nothing). The records stay in memory; later ones are kept there only."""
        writer = self._stream
        if writer is None:
            return
        self._stream = None
        self._stream_end.detach()
        self._stream_end = None
        try:
            self._write_rows(writer, len(self._rows) // ROW)
        finally:
            writer.close()

    def _write_rows(self, writer, stop: int) -> None:
        """Write the records of rows ``[0, stop)``, reusing those already made."""
        made = min(self._rendered, stop)
        if made:
            rows = self._rows
            width = (len(self._records) if made == self._rendered else
                     sum(step.width for step in rows[1:made * ROW:ROW]))
            writer.write(self._records[:width])
        _write_rows(writer, self._rows, made, stop)

    # ------------------------------------------------------------------ reading
    def _render(self, start: int, stop: int) -> list[TraceRecord]:
        """The records of rows ``start <= i < stop``."""
        return _render_rows(self._rows, start, stop)

    @property
    def records(self) -> list[TraceRecord]:
        """Every record kept, oldest first."""
        total = len(self._rows) // ROW
        if self._rendered < total:
            self._records += self._render(self._rendered, total)
            self._rendered = total
        return self._records

    def __iter__(self) -> Iterator[TraceRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def filter(self, frame: int | None = None, host: str | None = None, dev: str | None = None,
               action: str | None = None, layer: str | None = None,
               since: float | None = None) -> list[TraceRecord]:
        """The records that match every given criterion, in time order."""
        return [r for r in self.records
                if (frame is None or r.frame_id == frame)
                and (host is None or r.host == host)
                and (dev is None or r.dev == dev)
                and (action is None or r.action == action)
                and (layer is None or r.layer == layer)
                and (since is None or r.time >= since)]

    def frames(self) -> list[int]:
        """Every frame id that appears, in order of first appearance."""
        return list(dict.fromkeys(fid for fid in self._rows[4::ROW] if fid))

    def path(self, frame: int) -> list[str]:
        """The places one frame (and its copies) visited: ``["h1:tap0", "h1:br0", ...]``."""
        out: list[str] = []
        for r in self.records:
            if r.frame_id == frame:
                where = f"{r.host}:{r.dev}" if r.dev else r.host
                if not out or out[-1] != where:
                    out.append(where)
        return out

    def clear(self) -> None:
        """Forget every record (while streaming, they go to the file first)."""
        if self._stream is not None:
            self._write_rows(self._stream, len(self._rows) // ROW)
        self._rows.clear()
        self._records.clear()
        self._rendered = 0

    def dump(self, records: list[TraceRecord] | None = None) -> str:
        text = "\n".join(str(r) for r in (self.records if records is None else records))
        if records is None and self.dropped:
            text = f"{self._notice()}\n{text}" if text else self._notice()
        return text

    def _notice(self) -> str:
        """Where the older records went: a file, or nowhere."""
        said = []
        if self._in_file:
            files = " and ".join(repr(p) for p in self._stream_paths)
            said.append(f"{self._in_file:,} older records are in {files} "
                        "(netsim.engine.trace_file.read_trace reads them)")
        lost = self.dropped - self._in_file
        if lost:
            said.append(f"{lost:,} older records dropped")
        keeps = ("every row from now on" if self.budget is None else
                 f"the newest {self.budget:,} rows")
        return f"[{'; '.join(said)}: the trace keeps {keeps} in memory (lab.trace.budget)]"


def _render_rows(rows: list, start: int, stop: int) -> list[TraceRecord]:
    """The records of rows ``start <= i < stop`` of a flat row list."""
    out: list[TraceRecord] = []
    for i in range(start * ROW, stop * ROW, ROW):
        t, step, host, dev, frame_id, data, a, b = rows[i:i + ROW]
        out += step.records(t, host, dev, frame_id, data, a, b)
    return out


def _write_rows(writer, rows: list, start: int, stop: int) -> None:
    """Make rows ``[start, stop)`` into records and write them, a chunk at a time."""
    for i in range(start, stop, _STREAM_CHUNK):
        writer.write(_render_rows(rows, i, min(stop, i + _STREAM_CHUNK)))


def _finish_stream(writer, rows: list) -> None:
    """A streaming trace freed, or the program ending: the rows left, then the end line."""
    try:
        _write_rows(writer, rows, 0, len(rows) // ROW)
    finally:
        writer.close()
