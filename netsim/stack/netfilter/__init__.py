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

__all__ = ["Netfilter", "Verdict", "netfilter_of"]


def netfilter_of(ns: NetNamespace) -> Netfilter:
    """The namespace's :class:`Netfilter`, created on first use."""
    if ns.netfilter is None:
        ns.netfilter = Netfilter(ns)
    return ns.netfilter
