"""Neighbours (the ARP cache): RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH
(net/core/neighbour.c: neigh_add, neigh_delete, neigh_get).

The table is the model's :class:`~netsim.stack.neighbour.NeighbourTable`. What a dump
shows of an entry follows the kernel: the link-layer address only while the entry is
*valid* (NUD_VALID), so a FAILED or INCOMPLETE entry has none.

Left out: proxy entries, the router/extern_learn/managed flags, entries in state NONE
(:class:`NotSimulated`).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.netlink.message import ADD, NLM_F_CREATE, NLM_F_EXCL
from netsim.stack.extack import NetlinkError, NotSimulated

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.neighbour import Neighbour
    from netsim.stack.netdevice import NetDevice

# NUD_* bits, in print_neigh_state() order
NUD_BITS = {"INCOMPLETE": 0x01, "REACHABLE": 0x02, "STALE": 0x04, "DELAY": 0x08,
            "PROBE": 0x10, "FAILED": 0x20, "NOARP": 0x40, "PERMANENT": 0x80, "NONE": 0x00}
NUD_PERMANENT = 0x80
NUD_VALID = 0x80 | 0x40 | 0x02 | 0x10 | 0x04 | 0x08


def state_name(bit: int) -> str:
    return next(name for name, b in NUD_BITS.items() if b == bit)


def state_bits(ns: NetNamespace, n: Neighbour) -> int:
    """ndm_state of an entry, as a dump reports it now."""
    return NUD_BITS.get(ns.ipv4.arp.display_state(n), 0)


@dataclass
class NeighRequest:
    """One RTM_NEWNEIGH/RTM_DELNEIGH: struct ndmsg and its NDA_* attributes."""

    ifindex: int
    dst: bytes                   # NDA_DST
    lladdr: bytes | None = None  # NDA_LLADDR
    state: int = NUD_PERMANENT   # ndm_state


def _device(ns: NetNamespace, ifindex: int) -> NetDevice:
    dev = ns.by_index(ifindex)
    if dev is None:
        raise NetlinkError(errno.ENODEV)
    return dev


def newneigh(ns: NetNamespace, req: NeighRequest, flags: int = ADD) -> Neighbour:
    """neigh_add(): an entry made or overridden with the state and address asked for."""
    dev = _device(ns, req.ifindex)
    table = ns.ipv4.arp
    existing = table.lookup(dev, req.dst)
    if existing is not None and flags & NLM_F_EXCL:
        raise NetlinkError(errno.EEXIST)
    if existing is None and not flags & NLM_F_CREATE:
        raise NetlinkError(errno.ENOENT)
    lladdr = req.lladdr
    if dev.link_type != "none":
        if lladdr is not None and len(lladdr) != 6:
            raise NetlinkError(errno.EINVAL, "Invalid link address")
        if lladdr is None and req.state & NUD_VALID:
            old_valid = existing is not None and existing.lladdr is not None and \
                state_bits(ns, existing) & NUD_VALID
            if not old_valid:
                raise NetlinkError(errno.EINVAL, "No link layer address given")
            lladdr = existing.lladdr
    if req.state == 0:
        raise NotSimulated('"nud none"')
    return table.add_permanent(dev, req.dst, lladdr, state_name(req.state))


def delneigh(ns: NetNamespace, req: NeighRequest) -> None:
    """neigh_delete(): the entry for this device and address."""
    dev = _device(ns, req.ifindex)
    table = ns.ipv4.arp
    n = table.lookup(dev, req.dst)
    if n is None:
        raise NetlinkError(errno.ENOENT)
    table.delete(n)


def getneigh(ns: NetNamespace, ifindex: int, dst: bytes) -> Neighbour:
    """neigh_get(): one entry, as `ip neigh get` asks for it."""
    dev = _device(ns, ifindex)
    n = ns.ipv4.arp.lookup(dev, dst)
    if n is None:
        raise NetlinkError(errno.ENOENT, "Neighbour entry not found")
    return n
