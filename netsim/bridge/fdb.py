"""The forwarding database (net/bridge/br_fdb.c): which MAC lives behind which port.

* **learning** -- :meth:`Fdb.update` (``br_fdb_update``) on every frame a port
  receives: the source MAC is behind that port, *now*.
* **local entries** -- each port's own MAC (and the bridge's, when set by hand to
  another address) is *local* and *permanent*: frames to it go up to the host.
* **static entries** -- ``bridge fdb add``: never age.
* **ageing** -- a garbage collector (``br_fdb_cleanup``) runs while the bridge is up
  and deletes dynamic entries not refreshed for ``ageing_time`` (300 s by default),
  or for ``forward_delay`` only while a spanning tree topology change is under way
  (:func:`hold_time`).
* **flushing** -- a port going down loses its dynamic entries; a port leaving the
  bridge loses all of them.
* **a limit** -- ``fdb_max_learned`` (Linux 6.18's IFLA_BR_FDB_MAX_LEARNED, 0 = no
  limit, the default): past it nothing more is learned and frames to unknown MACs are
  flooded, so a MAC-flooding attacker cannot grow the table without end. iproute2 6.1
  cannot set it; in netsim it is ``bridge.fdb_max_learned``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.engine.units import elapsed_clock_t
from netsim.packets.addr import mac_ntoa

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort

GC_MIN_INTERVAL = 0.01  # "Cleanup minimum 10 milliseconds apart"


@dataclass(slots=True, eq=False)
class FdbEntry:
    mac: bytes
    port: BridgePort | None  # None: the bridge device's own address
    is_local: bool = False   # BR_FDB_LOCAL: frames to it are passed up
    is_static: bool = False  # BR_FDB_STATIC: never ages (local entries are static too)
    added_by_user: bool = False
    updated: float = 0.0
    used: float = 0.0

    @property
    def state(self) -> str:
        """What `bridge fdb show` prints: "permanent", "static" or "" (dynamic)."""
        if self.is_local:
            return "permanent"
        return "static" if self.is_static else ""


def hold_time(br: Bridge) -> float:
    """hold_time(): how long a learned entry lives without being refreshed -- forward_delay
    during a topology change (the paths may have moved), else ageing_time."""
    return br.forward_delay if br.topology_change else br.ageing_time


class Fdb:
    def __init__(self, br: Bridge) -> None:
        self.br = br
        self.entries: dict[bytes, FdbEntry] = {}
        self._gc_generation = 0
        self.gc_due: float | None = None  # when the collector runs next (None: stopped)

    def __iter__(self):
        """Newest first, the order of the kernel's fdb_list (hlist_add_head)."""
        return iter(reversed(list(self.entries.values())))

    def __len__(self) -> int:
        return len(self.entries)

    def n_learned(self) -> int:
        """fdb_n_learned: entries the bridge learned (not local, not added by the user)."""
        return sum(1 for e in self.entries.values() if not e.is_local and not e.added_by_user)

    def hold_time(self) -> float:
        """:func:`hold_time` of this FDB's bridge."""
        return hold_time(self.br)

    def find(self, mac: bytes) -> FdbEntry | None:
        """br_fdb_find_rcu()."""
        return self.entries.get(mac)

    def _trace(self, action: str, reason: str, func: str, frame_id: int = 0, dev: str = "",
               facts: dict | None = None) -> None:
        """One bridge record. Facts: bridge, and per action --
        learn: mac, port (the port it is behind now), moved_from (only when it moved);
        age: mac, port; flush: port, count, all (every entry, not just learned ones);
        drop (not learned): mac, port, limit."""
        br = self.br
        br.ns.trace.hop(br.ns.name, dev or br.name, "bridge", action, frame_id, reason, func,
                        facts={"bridge": br.name, **facts} if facts else {"bridge": br.name})

    def _insert(self, entry: FdbEntry) -> None:
        self.entries.pop(entry.mac, None)
        self.entries[entry.mac] = entry

    # ------------------------------------------------------------ learning
    def update(self, port: BridgePort, mac: bytes, frame_id: int) -> None:
        """br_fdb_update(): learn or refresh ``mac`` behind ``port``."""
        now = self.br.ns.env._now
        entry = self.entries.get(mac)
        if entry is not None and entry.port is port and not entry.is_static:
            entry.updated = now  # the common case: a known source, seen again
            return
        if entry is None:
            limit = self.br.fdb_max_learned
            if limit and self.n_learned() >= limit:
                self._trace("drop", f"{self.br.name}: {mac_ntoa(mac)} not learned: the table "
                            f"holds fdb_max_learned = {limit} learned entries", "fdb_create",
                            frame_id, port.dev.name,
                            {"mac": mac_ntoa(mac), "port": port.dev.name, "limit": limit})
                return
            self.entries[mac] = FdbEntry(mac, port, updated=now, used=now)
            self._trace("learn", f"{self.br.name}: learned {mac_ntoa(mac)} on {port.dev.name}",
                        "br_fdb_update", frame_id,
                        facts={"mac": mac_ntoa(mac), "port": port.dev.name})
            return
        if entry.is_local:
            # The kernel logs "received packet on X with own address as source address".
            return
        if entry.is_static:
            return
        if entry.port is not port:
            old = entry.port.dev.name if entry.port else self.br.name
            entry.port = port
            self._trace("learn", f"{self.br.name}: {mac_ntoa(mac)} moved from {old} to "
                        f"{port.dev.name}", "br_fdb_update", frame_id,
                        facts={"mac": mac_ntoa(mac), "port": port.dev.name, "moved_from": old})
        entry.updated = now

    # ------------------------------------------------------------ local entries
    def insert_local(self, port: BridgePort | None, mac: bytes) -> None:
        """fdb_add_local(): an address of the bridge or of a port, delivered locally."""
        if mac == bytes(6):
            return
        entry = self.entries.get(mac)
        if entry is not None:
            if entry.is_local:
                return
            del self.entries[mac]  # a learned entry gives way to a local one
        self._insert(FdbEntry(mac, port, is_local=True, is_static=True,
                              updated=self.br.ns.env.now))

    def delete_local(self, port: BridgePort | None, mac: bytes) -> None:
        """fdb_delete_local(): drop the local entry unless another port still has that MAC."""
        entry = self.entries.get(mac)
        if entry is None or not entry.is_local or entry.port is not port:
            return
        for other in self.br.ports:
            if other is not port and other.dev.mac == mac:
                entry.port = other
                return
        if port is not None and self.br.mac == mac and self.br.mac_set_by_user:
            entry.port = None
            return
        del self.entries[mac]

    def change_port_mac(self, port: BridgePort, old: bytes, new: bytes) -> None:
        """br_fdb_changeaddr(): a port's own address changed."""
        self.delete_local(port, old)
        self.insert_local(port, new)

    def change_bridge_mac(self, old: bytes, new: bytes) -> None:
        """br_fdb_change_mac_address(): the bridge's own address changed."""
        entry = self.entries.get(old)
        if entry is not None and entry.is_local and entry.port is None:
            del self.entries[old]
        if new == bytes(6) or new in self.entries:
            return
        self.insert_local(None, new)

    # ------------------------------------------------------------ user entries
    def add_static(self, port: BridgePort, mac: bytes) -> FdbEntry:
        """`bridge fdb add MAC dev PORT master static`."""
        entry = FdbEntry(mac, port, is_static=True, added_by_user=True,
                         updated=self.br.ns.env.now)
        self._insert(entry)
        return entry

    def delete(self, mac: bytes) -> bool:
        return self.entries.pop(mac, None) is not None

    # ------------------------------------------------------------ flushing
    def delete_by_port(self, port: BridgePort, do_all: bool) -> int:
        """br_fdb_delete_by_port(): dynamic entries (or all, when the port leaves)."""
        doomed = [e for e in self.entries.values() if e.port is port
                  and (do_all or not e.is_static)]
        for entry in doomed:
            if entry.is_local:
                self.delete_local(port, entry.mac)
            else:
                del self.entries[entry.mac]
        if doomed:
            what = "all entries" if do_all else "learned entries"
            self._trace("flush", f"{self.br.name}: flushed {len(doomed)} {what} of "
                        f"{port.dev.name}", "br_fdb_delete_by_port", dev=port.dev.name,
                        facts={"port": port.dev.name, "count": len(doomed), "all": do_all})
        return len(doomed)

    def flush(self) -> None:
        """br_fdb_flush(): every dynamic entry."""
        for mac in [m for m, e in self.entries.items() if not e.is_static]:
            del self.entries[mac]

    # ------------------------------------------------------------ ageing
    def start_gc(self, delay: float) -> None:
        """(Re)arm the garbage collector to run after ``delay`` seconds."""
        self._gc_generation += 1
        self.gc_due = self.br.ns.env.now + delay
        self.br.ns.lab.call_later(delay, self._gc_run, self._gc_generation)

    def stop_gc(self) -> None:
        self._gc_generation += 1
        self.gc_due = None

    def _gc_run(self, generation: int) -> None:
        if generation != self._gc_generation:
            return
        self.cleanup()

    def cleanup(self) -> None:
        """br_fdb_cleanup(): delete expired dynamic entries, then sleep until the next expiry."""
        br = self.br
        hold = hold_time(br)
        now = br.ns.env.now
        work_delay = hold
        for entry in list(self.entries.values()):
            if entry.is_static:
                continue
            expires = entry.updated + hold
            if expires > now + 1e-9:
                work_delay = min(work_delay, expires - now)
            else:
                del self.entries[entry.mac]
                where = entry.port.dev.name if entry.port else br.name
                self._trace("age", f"{br.name}: {mac_ntoa(entry.mac)} on {where} aged out "
                            f"(silent for {hold:g} s)", "br_fdb_cleanup",
                            facts={"mac": mac_ntoa(entry.mac), "port": where})
        self.start_gc(max(work_delay, GC_MIN_INTERVAL))


def gc_timer_ticks(br: Bridge) -> int:
    """br_timer_value(&br->gc_work.timer): what is left before the FDB garbage collector
    runs again, in clock ticks (0 while the bridge is down)."""
    due = br.fdb.gc_due
    if due is None or not br.admin_up:
        return 0
    return elapsed_clock_t(due - br.ns.env.now)
