"""Addresses and the routing table (net/ipv4/devinet.c, fib_frontend.c, fib_trie.c).

An address on an *up* device brings a connected route (``proto kernel scope link``)
into the main table, and the address itself into the local table (so the host
answers for every one of its addresses on any interface, as Linux does). A route
is chosen by longest prefix match; among equal prefixes, the lowest metric.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa

if TYPE_CHECKING:
    from netsim.stack.netdevice import NetDevice


class NoRoute(OSError):
    """No route to the destination: ENETUNREACH, or what a reject route says
    (blackhole EINVAL, unreachable EHOSTUNREACH, prohibit EACCES)."""


# ip_route_output_key(): the error a route of a reject type gives a local sender
REJECT_ROUTE_ERRORS = {"blackhole": (22, "Invalid argument"),
                        "unreachable": (113, "No route to host"),
                        "prohibit": (13, "Permission denied")}


def prefix_mask(prefixlen: int) -> int:
    return (0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF if prefixlen else 0


def to_int(addr: bytes) -> int:
    return int.from_bytes(addr, "big")


def to_bytes(value: int) -> bytes:
    return value.to_bytes(4, "big")


@dataclass(eq=False)
class IfAddr:
    """struct in_ifaddr: one IPv4 address on one device.

    The lifetime fields are the kernel's: ``valid_lft``/``preferred_lft`` in seconds
    (0xFFFFFFFF is forever), counted from ``tstamp`` (simulated seconds); ``permanent``
    is IFA_F_PERMANENT (true unless the valid lifetime is finite), ``deprecated`` is
    IFA_F_DEPRECATED. :mod:`netsim.stack.addr_lifetime` sets and ages them.
    """

    dev: NetDevice
    local: bytes
    prefixlen: int
    broadcast: bytes | None = None
    scope: str = "global"
    label: str = ""
    valid_lft: int = 0xFFFFFFFF
    preferred_lft: int = 0xFFFFFFFF
    tstamp: float = 0.0
    permanent: bool = True
    deprecated: bool = False

    @property
    def network(self) -> int:
        return to_int(self.local) & prefix_mask(self.prefixlen)

    def __str__(self) -> str:
        return f"{ip_ntoa(self.local)}/{self.prefixlen}"


@dataclass(eq=False)
class Route:
    """One entry of the main table."""

    dst: int                  # network, as an integer
    prefixlen: int
    dev: NetDevice
    gateway: bytes | None = None
    protocol: str = "boot"    # "kernel" for connected routes, "boot" for `ip route add`
    scope: str = "global"
    prefsrc: bytes | None = None
    metric: int = 0
    type: str = "unicast"     # "unicast", "unreachable", "blackhole", "prohibit"
    flags: list[str] = field(default_factory=list)

    def matches(self, addr: int) -> bool:
        return (addr & prefix_mask(self.prefixlen)) == self.dst

    @property
    def dst_text(self) -> str:
        if self.prefixlen == 0 and self.dst == 0:
            return "default"
        text = ip_ntoa(to_bytes(self.dst))
        return text if self.prefixlen == 32 else f"{text}/{self.prefixlen}"


class RoutingTable:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.version = 0  # bumped on every change, so route caches know to forget

    def add(self, route: Route) -> None:
        self.routes.append(route)
        self.version += 1

    def remove(self, route: Route) -> None:
        self.routes.remove(route)
        self.version += 1

    def find_same(self, dst: int, prefixlen: int, metric: int) -> Route | None:
        for r in self.routes:
            if r.dst == dst and r.prefixlen == prefixlen and r.metric == metric:
                return r
        return None

    def lookup(self, addr: int, oif: NetDevice | None = None) -> Route | None:
        """fib_lookup(): longest prefix, then lowest metric; routes on down devices skipped."""
        best: Route | None = None
        for r in self.routes:
            if not r.matches(addr) or not r.dev.admin_up:
                continue
            if oif is not None and r.dev is not oif:
                continue
            if (best is None or r.prefixlen > best.prefixlen
                    or (r.prefixlen == best.prefixlen and r.metric < best.metric)):
                best = r
        return best

    def in_display_order(self) -> list[Route]:
        """`ip route show` order: the trie walk (by network, then longer prefix first), metric."""
        return sorted(self.routes, key=lambda r: (r.dst, -r.prefixlen, r.metric))
