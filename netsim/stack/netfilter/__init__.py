"""Netfilter: iptables' tables, connection tracking and NAT in one host's IPv4 stack.

Where a packet meets netfilter (the five hooks of ``net/ipv4``)::

     wire -> ip_rcv --PREROUTING--> routing --+--> INPUT --> local process
                      (conntrack, DNAT)        |  (filter)        |
                                               v                  v
                                            FORWARD            OUTPUT (conntrack,
                                            (filter)           DNAT, filter)
                                               |                  |
                                               +---> routing <----+
                                                        |
                                                  POSTROUTING (SNAT,
                                                  MASQUERADE, confirm) --> wire

Modules, in the order a packet meets them:

* :mod:`.packet` -- the fields rules read, and NAT's rewriting with checksums
* :mod:`.rules` -- tables, chains, rules with counters, matches, targets
* :mod:`.conntrack` -- tuples, connections, states, timeouts (:mod:`.conntrack_tcp`: TCP's)
* :mod:`.nat` -- the binding made by the first packet, translation of the rest
* :mod:`.hooks` -- :class:`Netfilter`, what runs at each hook, and the trace hops

A namespace has no netfilter until something needs it: :func:`netfilter_of` makes
it (``iptables`` does, on the first command that names a table). Until then the IPv4
stack pays one ``ns.netfilter is None`` test per hook.

From Python, rules are added the way a person adds them::

    host.sh("iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE")
    nf = host.ns.netfilter                       # Netfilter
    nf.conntrack.entries()                       # [Conn], see conntrack.tuple_text
    nf.last_verdicts                             # recent filter decisions (Verdict)

Left out: the raw, mangle and security tables, TCP window tracking (states are
followed, see :mod:`.conntrack_tcp`), IPv6, logging (LOG), marks, helpers, fragments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.stack.netfilter.hooks import Netfilter, Verdict

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace

__all__ = ["Netfilter", "Verdict", "netfilter_of", "source_nat_targets"]


def netfilter_of(ns: NetNamespace) -> Netfilter:
    """The namespace's :class:`Netfilter`, created on first use."""
    if ns.netfilter is None:
        ns.netfilter = Netfilter(ns)
    return ns.netfilter


def source_nat_targets(ns: NetNamespace, out_dev: str | None = None) -> list[str]:
    """The nat POSTROUTING targets (MASQUERADE, SNAT) that can translate packets leaving
    by ``out_dev`` (None: by any device), read without creating anything -- asking
    ``iptables -t nat -S`` would create the nat table and load connection tracking."""
    netfilter = ns.netfilter
    table = netfilter.tables.get("nat") if netfilter is not None else None
    if table is None:
        return []
    found: list[str] = []
    for rule in table.chains["POSTROUTING"].rules:
        name = rule.target.name if rule.target is not None else ""
        if name not in ("MASQUERADE", "SNAT") or name in found:
            continue
        if (out_dev is None or rule.out_iface is None
                or rule.out_iface.matches(out_dev) != rule.out_inv):
            found.append(name)
    return found
