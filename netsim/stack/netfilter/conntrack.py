"""Connection tracking (net/netfilter/nf_conntrack_core.c, _proto_icmp.c, _proto_udp.c, _tcp.c).

Every packet is reduced to a *tuple*: ``(proto, src, dst, sport, dport)`` for UDP and TCP,
``(1, src, dst, id, type)`` for ICMP echo. A connection (:class:`Conn`, the kernel's
``struct nf_conn``) holds two tuples: the *original* direction, as its first packet
had it, and the *reply* direction, what an answer will look like -- after NAT, the
reply tuple is the inverse of the *translated* packet, which is how replies are found
and translated back.

``nf_conntrack_in`` (:meth:`ConntrackTable.packet_in`) looks the packet's tuple up:

* found in the original direction: ESTABLISHED if a reply was ever seen, else NEW;
* found in the reply direction: ESTABLISHED (and the entry is no longer UNREPLIED);
* an ICMP error quoting a tracked packet: RELATED to that connection;
* not found: a new, *unconfirmed* connection. It joins the table only when its first
  packet leaves the last hook (``__nf_conntrack_confirm`` at POSTROUTING or INPUT):
  a packet dropped on the way leaves no entry behind.

Timeouts run in simulated time, refreshed by every packet (``nf_ct_refresh_acct``):
ICMP 30 s; UDP 30 s, or 120 s and ASSURED once a reply was seen and the connection is
older than 2 s (``stream_ts``), exactly as ``nf_conntrack_udp_packet`` decides. The
sysctls ``net.netfilter.nf_conntrack_{icmp,udp}_timeout[_stream]`` override them.
TCP entries follow the connection's state (:mod:`.conntrack_tcp`: SYN_SENT, ESTABLISHED,
TIME_WAIT... each with its timeout, ASSURED once the handshake completed).

Left out: expectations/helpers, zones, marks, the table limit.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa
from netsim.stack.netfilter import conntrack_tcp as ct_tcp
from netsim.stack.netfilter.packet import (
    ICMP_ECHO,
    ICMP_ECHOREPLY,
    IPPROTO_ICMP,
    IPPROTO_TCP,
    IPPROTO_UDP,
    Flow,
    flow_of,
    inner_flow,
)

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace

Tuple = tuple[int, bytes, bytes, int, int]
"""(protocol, source, destination, source port or ICMP id, dest port or ICMP type)."""

ORIGINAL, REPLY = 0, 1

ICMP_TIMEOUT = 30.0         # nf_conntrack_icmp_timeout
UDP_TIMEOUT = 30.0          # nf_conntrack_udp_timeout (UDP_CT_UNREPLIED)
UDP_TIMEOUT_STREAM = 120.0  # nf_conntrack_udp_timeout_stream (UDP_CT_REPLIED)
UDP_STREAM_AFTER = 2.0      # stream_ts: a reply seen *and* 2 s old makes a stream

_ICMP_REPLY_TYPE = {ICMP_ECHO: ICMP_ECHOREPLY}


def invert(t: Tuple) -> Tuple:
    """nf_ct_invert_tuple(): the tuple of an answer to this packet."""
    proto, src, dst, a, b = t
    if proto == IPPROTO_ICMP:
        return (proto, dst, src, a, ICMP_ECHOREPLY if b == ICMP_ECHO else ICMP_ECHO)
    return (proto, dst, src, b, a)


def tuple_of(flow: Flow) -> Tuple | None:
    """The tuple of a trackable packet: UDP, TCP, ICMP echo request/reply; else None."""
    if flow.proto == IPPROTO_UDP or flow.proto == IPPROTO_TCP:
        return (flow.proto, flow.src, flow.dst, flow.sport, flow.dport)
    if flow.proto == IPPROTO_ICMP and flow.icmp_type in (ICMP_ECHO, ICMP_ECHOREPLY):
        return (IPPROTO_ICMP, flow.src, flow.dst, flow.sport, flow.icmp_type)
    return None


def tuple_text(t: Tuple) -> str:
    """``src=.. dst=.. sport=.. dport=..`` or ``... type=8 code=0 id=..`` as conntrack -L."""
    proto, src, dst, a, b = t
    if proto == IPPROTO_ICMP:
        return f"src={ip_ntoa(src)} dst={ip_ntoa(dst)} type={b} code=0 id={a}"
    return f"src={ip_ntoa(src)} dst={ip_ntoa(dst)} sport={a} dport={b}"


class Conn:
    """struct nf_conn: two tuples, status bits, a timeout, the NAT binding."""

    __slots__ = ("tuples", "confirmed", "seen_reply", "assured", "timeout_at", "stream_ts",
                 "src_nat", "dst_nat", "nat_done", "id", "tcp_state", "__weakref__")

    def __init__(self, orig: Tuple, now: float, ident: int) -> None:
        self.tuples: list[Tuple] = [orig, invert(orig)]
        self.confirmed = False
        self.seen_reply = False
        self.assured = False
        self.timeout_at = 0.0  # absolute, once confirmed; relative before
        self.stream_ts = now + UDP_STREAM_AFTER
        self.src_nat = False  # IPS_SRC_NAT: the original source is rewritten
        self.dst_nat = False  # IPS_DST_NAT
        self.nat_done: set[str] = set()  # "src"/"dst": the nat table was consulted
        self.id = ident
        self.tcp_state = ct_tcp.NONE  # ct->proto.tcp.state (TCP only)

    @property
    def proto(self) -> int:
        return self.tuples[0][0]

    def describe(self) -> str:
        return f"{tuple_text(self.tuples[ORIGINAL])} / {tuple_text(self.tuples[REPLY])}"


class ConntrackTable:
    """The namespace's connection table (its ``nf_conntrack_hash``)."""

    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns
        self.hash: dict[Tuple, tuple[Conn, int]] = {}
        self.conns: dict[int, Conn] = {}  # by id, oldest first: conntrack -L's order
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ timeouts
    def _timeout(self, name: str, default: float) -> float:
        value = self.ns.sysctl.get(f"net.netfilter.{name}")
        return float(value) if value and value.strip().isdigit() else default

    def refresh(self, conn: Conn, seconds: float) -> None:
        """nf_ct_refresh_acct(): the entry lives ``seconds`` more from now."""
        if conn.confirmed:
            conn.timeout_at = self.ns.env.now + seconds
        else:
            conn.timeout_at = seconds  # made absolute by confirm()

    def remaining(self, conn: Conn) -> int:
        """Whole seconds left, as /proc/net/nf_conntrack and conntrack -L print them."""
        return max(0, int(conn.timeout_at - self.ns.env.now))

    def _expired(self, conn: Conn) -> bool:
        return conn.confirmed and conn.timeout_at <= self.ns.env.now

    def _schedule_expiry(self, conn: Conn) -> None:
        self.ns.lab.call_later(max(0.0, conn.timeout_at - self.ns.env.now), self._expire, conn)

    def _expire(self, conn: Conn) -> None:
        """The gc worker finds the entry (timer callbacks re-arm when refreshed)."""
        if self.conns.get(conn.id) is not conn:
            return
        if conn.timeout_at > self.ns.env.now:
            self._schedule_expiry(conn)
            return
        self.delete(conn)
        self.ns.trace.hop(self.ns.name, "", "conntrack", "age", 0,
                          f"conntrack entry timed out: {conn.describe()}", "nf_ct_gc_expired")

    # ------------------------------------------------------------------ table
    def lookup(self, t: Tuple) -> tuple[Conn, int] | None:
        """__nf_conntrack_find_get(): the entry and the direction ``t`` is in."""
        hit = self.hash.get(t)
        if hit is not None and self._expired(hit[0]):
            self.delete(hit[0])
            return None
        return hit

    def taken(self, reply: Tuple, conn: Conn) -> bool:
        """nf_conntrack_tuple_taken(): another connection already answers to ``reply``."""
        hit = self.lookup(reply)
        return hit is not None and hit[0] is not conn

    def confirm(self, conn: Conn) -> None:
        """__nf_conntrack_confirm(): the first packet made it; the entry joins the table."""
        if conn.confirmed:
            return
        conn.confirmed = True
        conn.timeout_at += self.ns.env.now
        self.hash[conn.tuples[ORIGINAL]] = (conn, ORIGINAL)
        self.hash[conn.tuples[REPLY]] = (conn, REPLY)
        self.conns[conn.id] = conn
        self._schedule_expiry(conn)

    def delete(self, conn: Conn) -> None:
        for t in conn.tuples:
            if self.hash.get(t, (None,))[0] is conn:
                del self.hash[t]
        self.conns.pop(conn.id, None)

    def flush(self) -> int:
        count = len(self.conns)
        self.hash.clear()
        self.conns.clear()
        return count

    def entries(self) -> list[Conn]:
        """Every live entry (expired ones are dropped first, as the gc worker would)."""
        for conn in [c for c in self.conns.values() if self._expired(c)]:
            self.delete(conn)
        return list(self.conns.values())

    # ------------------------------------------------------------------ packets
    def packet_in(self, packet: bytes, flow: Flow) -> tuple[Conn | None, int, str]:
        """nf_conntrack_in(): (connection, direction, ctstate) for this packet.

        ctstate is what ``-m conntrack --ctstate`` matches: NEW, ESTABLISHED, RELATED,
        or INVALID for what cannot be tracked (an echo reply nobody asked for, an
        ICMP error about an unknown flow, protocols left out).
        """
        if flow.is_icmp_error:
            return self._icmp_error(packet, flow)
        t = tuple_of(flow)
        if t is None:
            return None, ORIGINAL, "INVALID"
        hit = self.lookup(t)
        if hit is not None and t[0] == IPPROTO_TCP:
            hit = self._tcp_reopen(hit, packet, flow)
        if hit is None:
            if t[0] == IPPROTO_ICMP and t[4] != ICMP_ECHO:
                return None, ORIGINAL, "INVALID"  # icmp_new(): only requests start one
            conn = Conn(t, self.ns.env.now, next(self._ids))
            if t[0] == IPPROTO_TCP and not self._tcp_new(conn, packet, flow):
                return None, ORIGINAL, "INVALID"
            self._l4_packet(conn)
            return conn, ORIGINAL, "NEW"
        conn, direction = hit
        if conn.proto == IPPROTO_TCP:
            if not self._tcp_packet(conn, direction, packet, flow):
                return None, direction, "INVALID"
        else:
            self._l4_packet(conn)
        if direction == REPLY:
            conn.seen_reply = True  # after the protocol's own decision, as in the kernel
            return conn, REPLY, "ESTABLISHED"
        return conn, ORIGINAL, "ESTABLISHED" if conn.seen_reply else "NEW"

    def _l4_packet(self, conn: Conn) -> None:
        """The protocol's ``packet`` handler: how long the entry lives now."""
        if conn.proto == IPPROTO_ICMP:
            self.refresh(conn, self._timeout("nf_conntrack_icmp_timeout", ICMP_TIMEOUT))
            return
        unreplied = self._timeout("nf_conntrack_udp_timeout", UDP_TIMEOUT)
        if not conn.seen_reply:
            self.refresh(conn, unreplied)
            return
        if self.ns.env.now > conn.stream_ts:  # still active after two seconds: a stream
            self.refresh(conn, self._timeout("nf_conntrack_udp_timeout_stream",
                                             UDP_TIMEOUT_STREAM))
            conn.assured = True
        else:
            self.refresh(conn, unreplied)

    # ------------------------------------------------------------------ TCP
    def _tcp_timeout(self, state: int) -> float:
        return self._timeout(f"nf_conntrack_tcp_timeout_{ct_tcp.SYSCTL[state]}",
                             ct_tcp.TIMEOUTS[state])

    def _tcp_new(self, conn: Conn, packet: bytes, flow: Flow) -> bool:
        """tcp_new(): only a SYN (or, picked up midstream, an ACK) opens an entry."""
        flags = ct_tcp.flags_of(packet, flow.ihl)
        state = ct_tcp.new_state(flags) if flags is not None else ct_tcp.INVALID
        if state == ct_tcp.INVALID:
            return False
        conn.tcp_state = state
        self.refresh(conn, self._tcp_timeout(state))
        return True

    def _tcp_reopen(self, hit: tuple[Conn, int], packet: bytes, flow: Flow,
                    ) -> tuple[Conn, int] | None:
        """A new SYN on an entry in TIME_WAIT or CLOSE: the old one goes, a new one starts
        (nf_conntrack_tcp_packet: "Attempt to reopen a closed/aborted connection")."""
        conn, direction = hit
        flags = ct_tcp.flags_of(packet, flow.ihl)
        if (direction == ORIGINAL and flags is not None
                and ct_tcp.flag_index(flags) == ct_tcp.SYN_SET
                and conn.tcp_state in (ct_tcp.TIME_WAIT, ct_tcp.CLOSE)):
            self.delete(conn)
            return None
        return hit

    def _tcp_packet(self, conn: Conn, direction: int, packet: bytes, flow: Flow) -> bool:
        """nf_conntrack_tcp_packet(): the next state, ASSURED, the timeout. False: invalid."""
        flags = ct_tcp.flags_of(packet, flow.ihl)
        if flags is None:
            return False
        old = conn.tcp_state
        new = ct_tcp.next_state(direction, flags, old)
        if new == ct_tcp.INVALID:
            return False
        if new == ct_tcp.IGNORE:
            return True  # accepted, state and timeout untouched
        if new == ct_tcp.CLOSE and ct_tcp.flag_index(flags) == ct_tcp.RST_SET \
                and not conn.seen_reply:
            # "If only reply is a RST, we can consider ourselves not to have an
            # established connection": the entry goes at once (nf_ct_kill_acct)
            conn.tcp_state = new
            self.delete(conn)
            return True
        conn.tcp_state = new
        if (conn.seen_reply and not conn.assured and new == ct_tcp.ESTABLISHED
                and old in (ct_tcp.SYN_RECV, ct_tcp.ESTABLISHED)):
            conn.assured = True
        self.refresh(conn, self._tcp_timeout(ct_tcp.CLOSE if ct_tcp.flag_index(flags)
                                             == ct_tcp.RST_SET else new))
        return True

    def _icmp_error(self, packet: bytes, flow: Flow) -> tuple[Conn | None, int, str]:
        """icmp_error_message(): an error is RELATED to the flow of the packet it quotes."""
        inner = inner_flow(packet, flow)
        t = tuple_of(inner) if inner is not None else None
        # the quoted packet went one way; the error about it travels back: look up the
        # *inverse* of the quoted tuple, and the error has the direction found
        hit = self.lookup(invert(t)) if t is not None else None
        if hit is None:
            return None, ORIGINAL, "INVALID"
        conn, direction = hit
        return conn, direction, "RELATED"

    def classify(self, packet: bytes) -> tuple[Conn | None, int, str]:
        """The state of a packet already tracked once (looped back to this host): looked
        up, nothing created or refreshed -- the kernel keeps the skb's entry attached."""
        flow = flow_of(packet)
        if flow.is_icmp_error:
            return self._icmp_error(packet, flow)
        t = tuple_of(flow)
        hit = self.lookup(t) if t is not None else None
        if hit is None:
            return None, ORIGINAL, "INVALID"
        conn, direction = hit
        if direction == REPLY or conn.seen_reply:
            return conn, direction, "ESTABLISHED"
        return conn, direction, "NEW"
