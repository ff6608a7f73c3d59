"""Network address translation (net/netfilter/nf_nat_core.c, nf_nat_proto.c).

NAT is decided once per connection: the *first* packet walks the nat table's chain
at a hook, and a matching MASQUERADE/SNAT/DNAT rule binds the connection
(:func:`setup_info`, ``nf_nat_setup_info``): the translated tuple is chosen, and the
entry's *reply* tuple becomes its inverse. Every later packet -- and every reply --
is rewritten from the entry alone (:func:`manip_packet`, ``nf_nat_packet``); the nat
table never sees them, which is why ``iptables -t nat -L -v`` counts one packet for
a whole ping exchange.

Which side of a packet a hook may change is fixed (``HOOK2MANIP``): PREROUTING and
OUTPUT change the destination (DNAT, and un-SNAT of replies), POSTROUTING and INPUT
the source (SNAT, and un-DNAT of replies).

When the translated tuple is already somebody's (two VMs pinging with the same id, or
sending from the same UDP port), :func:`unique_tuple` picks another id or port as
``nf_nat_l4proto_unique_tuple`` does: a random start in the allowed range (for
source NAT), then up to 128 tries, halving the window each round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.stack.netfilter.conntrack import ORIGINAL, REPLY, Conn, Tuple, invert
from netsim.stack.netfilter.packet import IPPROTO_ICMP, rewrite, rewrite_inner

if TYPE_CHECKING:
    import random

    from netsim.stack.netfilter.conntrack import ConntrackTable

SRC, DST = "src", "dst"
MAX_ATTEMPTS = 128


def _with(t: Tuple, manip: str, addr: bytes, port: int | None) -> Tuple:
    """``t`` with its source (or destination) address, and port/id, replaced."""
    proto, src, dst, a, b = t
    if manip == SRC:
        return (proto, addr, dst, a if port is None else port, b)
    if proto == IPPROTO_ICMP:  # an echo has one id for both directions
        return (proto, src, addr, a if port is None else port, b)
    return (proto, src, addr, a, b if port is None else port)


def _key(t: Tuple, manip: str) -> int:
    """The port (or ICMP id) a manip of this kind may change."""
    if t[0] == IPPROTO_ICMP or manip == SRC:
        return t[3]
    return t[4]


def used(ct: ConntrackTable, t: Tuple, conn: Conn) -> bool:
    """nf_nat_used_tuple(): would answers to ``t`` reach another connection?"""
    return ct.taken(invert(t), conn)


def unique_tuple(ct: ConntrackTable, t: Tuple, manip: str, conn: Conn,
                 ports: tuple[int, int] | None, rng: random.Random) -> Tuple:
    """nf_nat_l4proto_unique_tuple(): another port/id when ``t`` is taken."""
    key = _key(t, manip)
    if ports is not None:
        low, size = ports[0], ports[1] - ports[0] + 1
    elif t[0] == IPPROTO_ICMP:
        low, size = 0, 65536
    elif manip == DST:
        return t  # DNAT without ports keeps the port, even if it clashes
    elif key < 1024:  # privileged ports stay privileged (and below 512 below 512)
        low, size = (1, 511) if key < 512 else (600, 424)
    else:
        low, size = 1024, 65536 - 1024
    offset = rng.getrandbits(16) if manip == SRC else 0
    attempts = min(size, MAX_ATTEMPTS)
    candidate = t
    while True:
        for _ in range(attempts):
            candidate = _with(t, manip, t[1] if manip == SRC else t[2], low + offset % size)
            if not used(ct, candidate, conn):
                return candidate
            offset += 1
        if attempts >= size or attempts < 16:
            return candidate  # every port tried: the clash stays (the kernel drops later)
        attempts //= 2
        offset = rng.getrandbits(16)


def setup_info(ct: ConntrackTable, conn: Conn, manip: str, addr: bytes,
               ports: tuple[int, int] | None, rng: random.Random) -> Tuple:
    """nf_nat_setup_info() / get_unique_tuple(): bind the connection; returns the
    translated original tuple (equal to the old one when nothing changes)."""
    orig = conn.tuples[ORIGINAL]
    candidate = _with(orig, manip, addr, None)
    key = _key(candidate, manip)
    in_range = ports is None or ports[0] <= key <= ports[1]
    new = candidate
    if not in_range or used(ct, candidate, conn):
        new = unique_tuple(ct, candidate, manip, conn, ports, rng)
    if new != orig:
        conn.tuples[REPLY] = invert(new)
        if manip == SRC:
            conn.src_nat = True
        else:
            conn.dst_nat = True
    conn.nat_done.add(manip)
    return new


def applies(conn: Conn, direction: int, manip: str) -> bool:
    """nf_nat_packet()'s test: is there a translation of this kind for this direction?
    (A reply undoes the *other* kind: a source NAT is undone on the reply's destination.)"""
    if direction == REPLY:
        manip = DST if manip == SRC else SRC
    return conn.src_nat if manip == SRC else conn.dst_nat


def manip_packet(packet: bytes, conn: Conn, direction: int, manip: str) -> bytes:
    """nf_nat_manip_pkt(): make the packet look like the inverse of the other direction."""
    target = invert(conn.tuples[1 - direction])
    if manip == SRC:
        return rewrite(packet, src=target[1], sport=target[3])
    return rewrite(packet, dst=target[2], dport=_key(target, DST))


def original_destination(packet: bytes, conn: Conn) -> bytes:
    """The packet with the destination its sender wrote (its connection's original
    tuple): what a DNAT changed, undone."""
    original = conn.tuples[0]
    return rewrite(packet, dst=original[2], dport=_key(original, DST))


def manip_icmp_error(packet: bytes, conn: Conn, direction: int, manip: str) -> bytes:
    """nf_nat_icmp_reply_translation(): the quoted packet is translated the opposite
    way (it travelled the other direction), then the error's own header."""
    other = conn.tuples[1 - direction]
    if manip == SRC:  # the quoted packet's destination, the error's source
        packet = rewrite_inner(packet, dst=other[2], dport=_key(other, DST))
        return rewrite(packet, src=invert(other)[1])
    packet = rewrite_inner(packet, src=other[1], sport=other[3])
    return rewrite(packet, dst=invert(other)[2])
