"""A device's counters: the fields of ``struct rtnl_link_stats64`` that netsim keeps.

``ip -s link``, ``/proc/net/dev`` and ``/sys/class/net/DEV/statistics`` read them by
name, as from a dict (``dev.stats["rx_packets"]``, ``dev.stats.get(name, 0)``). The
per-frame path counts every frame twice (packets and bytes) on the way out and on the
way in, and there it writes them as attributes (``stats.tx_packets += 1``): a slotted
attribute's read-modify-write costs half a dict's (about 50 against 100 ns a pair).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

STAT_KEYS = ("rx_bytes", "rx_packets", "rx_errors", "rx_dropped", "rx_over_errors", "multicast",
             "tx_bytes", "tx_packets", "tx_errors", "tx_dropped", "tx_carrier_errors",
             "collisions")
_KEYS = frozenset(STAT_KEYS)


class DeviceStats(Mapping):
    """The counters, all starting at 0: a mapping from their names (whose set is fixed:
    a name netsim does not keep is a KeyError, as a typo should be) and attributes."""

    __slots__ = STAT_KEYS

    rx_bytes: int
    rx_packets: int
    rx_errors: int
    rx_dropped: int
    rx_over_errors: int
    multicast: int
    tx_bytes: int
    tx_packets: int
    tx_errors: int
    tx_dropped: int
    tx_carrier_errors: int
    collisions: int

    def __init__(self) -> None:
        for key in STAT_KEYS:
            setattr(self, key, 0)

    def __getitem__(self, key: str) -> int:
        if key not in _KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value: int) -> None:
        if key not in _KEYS:
            raise KeyError(key)
        setattr(self, key, value)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in _KEYS else default

    def __contains__(self, key: object) -> bool:
        return key in _KEYS

    def __iter__(self) -> Iterator[str]:
        return iter(STAT_KEYS)

    def __len__(self) -> int:
        return len(STAT_KEYS)

    def __repr__(self) -> str:
        return repr(dict(self.items()))
