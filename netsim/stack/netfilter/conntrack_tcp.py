"""TCP connection tracking (net/netfilter/nf_conntrack_proto_tcp.c), without window checks.

The middlebox sees both directions and guesses both ends' states from the flags, with
the kernel's table ``tcp_conntracks[direction][flags][old state]``: a SYN makes
SYN_SENT, the SYN-ACK in reply SYN_RECV, the ACK after it ESTABLISHED (and the entry
ASSURED: NAT and the table limit will keep it), a FIN FIN_WAIT, its ACK CLOSE_WAIT,
the other FIN LAST_ACK, the last ACK TIME_WAIT; a RST CLOSE. Each state has its
timeout (``net.netfilter.nf_conntrack_tcp_timeout_*``), renewed by every packet::

    SYN_SENT 120 s   SYN_RECV 60 s   ESTABLISHED 432000 s (5 days)   FIN_WAIT 120 s
    CLOSE_WAIT 60 s  LAST_ACK 30 s   TIME_WAIT 120 s                 CLOSE 10 s

Packets the table calls invalid (an ACK while only a SYN was seen, a FIN before any
answer) are left untracked: ``-m conntrack --ctstate INVALID`` matches them and NAT does
not touch them. A RST answering a connection that never saw a reply removes the
entry at once ("Connection refused" leaves nothing in ``conntrack -L``); a SYN on an
entry in TIME_WAIT or CLOSE starts a new connection.

Left out: ``tcp_in_window`` (sequence and window checks: netsim behaves as with
``nf_conntrack_tcp_be_liberal=1``), the shorter timeouts for unacknowledged data and
retransmissions (``_unacknowledged``, ``_max_retrans``), SYN_SENT2 (simultaneous open),
picking up a connection from a lone ACK only with ``nf_conntrack_tcp_loose`` set
(it is set by default, as here).
"""

from __future__ import annotations

NONE, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE, \
    SYN_SENT2 = range(10)
INVALID, IGNORE = 10, 11
NAMES = ("NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
         "TIME_WAIT", "CLOSE", "SYN_SENT2")

TIMEOUTS = {SYN_SENT: 120.0, SYN_RECV: 60.0, ESTABLISHED: 432000.0, FIN_WAIT: 120.0,
            CLOSE_WAIT: 60.0, LAST_ACK: 30.0, TIME_WAIT: 120.0, CLOSE: 10.0, SYN_SENT2: 120.0}
SYSCTL = {SYN_SENT: "syn_sent", SYN_RECV: "syn_recv", ESTABLISHED: "established",
          FIN_WAIT: "fin_wait", CLOSE_WAIT: "close_wait", LAST_ACK: "last_ack",
          TIME_WAIT: "time_wait", CLOSE: "close", SYN_SENT2: "syn_sent"}
"""The state's timeout sysctl: net.netfilter.nf_conntrack_tcp_timeout_<name>."""

# flag index: get_conntrack_index()
SYN_SET, SYNACK_SET, FIN_SET, ACK_SET, RST_SET, NONE_SET = range(6)

sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2 = range(10)
sIV, sIG = INVALID, IGNORE
TABLE = (
    (  # ORIGINAL     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
        (sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2),  # syn
        (sIV, sIV, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR),  # synack
        (sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV),  # fin
        (sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV),  # ack
        (sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL),  # rst
        (sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV),  # none
    ),
    (  # REPLY        sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
        (sIV, sS2, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sS2),  # syn
        (sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR),  # synack
        (sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV),  # fin
        (sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG),  # ack
        (sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL),  # rst
        (sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV),  # none
    ),
)

_FIN, _SYN, _RST, _ACK = 0x01, 0x02, 0x04, 0x10


def flag_index(flags: int) -> int:
    """get_conntrack_index(): RST first, then SYN(-ACK), FIN, ACK, nothing."""
    if flags & _RST:
        return RST_SET
    if flags & _SYN:
        return SYNACK_SET if flags & _ACK else SYN_SET
    if flags & _FIN:
        return FIN_SET
    if flags & _ACK:
        return ACK_SET
    return NONE_SET


def flags_of(packet: bytes, ihl: int) -> int | None:
    """The TCP flags byte of an IPv4 packet, None if the header is cut short."""
    return packet[ihl + 13] if len(packet) >= ihl + 20 else None


def new_state(flags: int) -> int:
    """tcp_new(): the state a first packet opens (SYN_SENT, or ESTABLISHED picked up
    from a lone ACK), or INVALID."""
    return TABLE[0][flag_index(flags)][NONE]


def next_state(direction: int, flags: int, old: int) -> int:
    return TABLE[direction][flag_index(flags)][old]
