"""The trace: one record per hop and per decision, the single source of truth.

Every model reports what it does to a frame through :meth:`Trace.hop`. Pictures,
captures and tests read these records, never the models' insides. A record says
*when*, *where* (host, device, layer), *what* (action), *which frame* (an id shared by
every copy of one frame), *why* (a plain-language reason) and *who* (the Linux function
that takes this step), so a student can open the kernel source beside it.

The per-frame path calls :meth:`Trace.hop` on every hop, so it stays cheap: the
tcpdump-style summary is computed only when someone reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from netsim.packets.summary import summarize

# The actions a record can carry, for filters and pictures.
ACTIONS = ("rx", "tx", "learn", "forward", "flood", "pass-up", "deliver", "drop", "queue",
           "write", "read", "send", "reply", "resolve", "age", "flush", "route", "info",
           "nat", "accept", "reject", "lease")


@dataclass(slots=True, eq=False)
class TraceRecord:
    """One step of one frame (or one decision with no frame, ``frame_id == 0``)."""

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

    def __str__(self) -> str:
        where = f"{self.host}:{self.dev}" if self.dev else self.host
        frame = f"#{self.frame_id} " if self.frame_id else ""
        summary = f" | {self.summary}" if self.data is not None else ""
        return (f"{self.time:10.6f} {where:<14} {self.layer:<7} {self.action:<8} {frame}"
                f"{self.reason} [{self.func}]{summary}")


class Trace:
    """An append-only list of :class:`TraceRecord`, with filters.

    The per-frame path only appends a tuple (cheap, and invisible to the garbage
    collector); :class:`TraceRecord` objects are made when someone reads the trace.
    ``enabled = False`` turns recording off (benchmarks measure both ways).
    """

    def __init__(self, env) -> None:
        self._env = env
        self._rows: list[tuple] = []
        self._append = self._rows.append  # _rows is only ever cleared, never replaced
        self._records: list[TraceRecord] = []
        self.enabled = True
        self.listeners: list[Callable[[TraceRecord], None]] = []

    def hop(self, host: str, dev: str, layer: str, action: str, frame_id: int, reason: str,
            func: str, data: bytes | None = None, l3: bool = False) -> None:
        if not self.enabled:
            return
        # The engine owns the simpy environment: its own hot path reads the time field
        # directly (the ``now`` property costs ~4% of a traced echo); nothing outside
        # netsim/engine touches simpy's insides.
        row = (self._env._now, host, dev, layer, action, frame_id, reason, func, data, l3)
        self._append(row)  # the bound method, looked up once: this runs ~24 times per echo
        if self.listeners:
            record = TraceRecord(*row)
            for listener in self.listeners:
                listener(record)

    @property
    def records(self) -> list[TraceRecord]:
        """Every record so far, oldest first."""
        rows, records = self._rows, self._records
        if len(records) < len(rows):
            records.extend(TraceRecord(*row) for row in rows[len(records):])
        return records

    def __iter__(self) -> Iterator[TraceRecord]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self._rows)

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
        seen: dict[int, None] = {}
        for row in self._rows:
            if row[5]:
                seen.setdefault(row[5], None)
        return list(seen)

    def path(self, frame: int) -> list[str]:
        """The places one frame (and its copies) visited: ``["h1:tap0", "h1:br0", ...]``."""
        out: list[str] = []
        for row in self._rows:
            if row[5] == frame:
                where = f"{row[1]}:{row[2]}" if row[2] else row[1]
                if not out or out[-1] != where:
                    out.append(where)
        return out

    def clear(self) -> None:
        self._rows.clear()
        self._records.clear()

    def dump(self, records: list[TraceRecord] | None = None) -> str:
        return "\n".join(str(r) for r in (self.records if records is None else records))
