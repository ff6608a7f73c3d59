"""One TCP connection (struct tcp_sock): its state machine, its output and its timers.

The states and the segments that move between them (RFC 9293, as Linux names them)::

    connect():  CLOSE --SYN--> SYN_SENT --SYN-ACK / ACK--> ESTABLISHED
    a SYN on a listener:  (request) SYN_RECV --SYN-ACK .. ACK--> ESTABLISHED, accept()
    shutdown()/close() first:  ESTABLISHED --FIN--> FIN_WAIT1 --ACK--> FIN_WAIT2
                               --FIN / ACK--> TIME_WAIT --60 s--> gone
    the peer closes first:     ESTABLISHED --FIN / ACK--> CLOSE_WAIT --FIN--> LAST_ACK
                               --ACK--> gone
    both at once:              FIN_WAIT1 --FIN / ACK--> CLOSING --ACK--> TIME_WAIT

What is kept of Linux: the initial sequence number (drawn from the lab's seeded RNG,
where Linux hashes the 4-tuple with a secret), the SYN's options and windows (see
:mod:`netsim.packets.tcp`), an ACK for every segment that carries data or FIN unless
the application answered at once (then the answer carries it), SYN retransmission
with ``tcp_syn_linear_timeouts`` (1 s, 1 s, 1 s, 1 s, 1 s, then 2, 4, 8, 16, 32 s and
"Connection timed out" 131 s after connect), data retransmission from a 200 ms RTO,
doubling, TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN) and an orphaned FIN_WAIT2 for
``net.ipv4.tcp_fin_timeout`` (60 s).

Left out: congestion control and slow start (a fixed window: the peer's), window
updates and autotuning (our window stays what the SYN announced), delayed ACKs,
Nagle, SACK blocks and an out-of-order queue (a segment that is not the next one
expected is dropped and the next expected byte ACKed again), urgent data, keepalive,
simultaneous open, PAWS.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.packets import tcp as tcp_pkt
from netsim.packets.addr import ip_ntoa

if TYPE_CHECKING:
    from netsim.stack.tcp import TcpLayer

# states (include/net/tcp_states.h), as ``ss`` prints them
CLOSE, LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED = ("CLOSE", "LISTEN", "SYN-SENT", "SYN-RECV",
                                                  "ESTAB")
FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT = (
    "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT")

TCP_TIMEOUT_INIT = 1.0    # the first RTO of a SYN or SYN-ACK
TCP_RTO_MIN = 0.2         # the RTO of data on a LAN (no RTT measured: the floor)
TCP_RTO_MAX = 120.0
TCP_TIMEWAIT_LEN = 60.0
WSCALE = 10               # what Linux announces with the default tcp_rmem
TS_OPTIONS_LEN = 12
RECV_SPACE = 65535        # tcp_select_initial_window: the window is this, in whole MSS

ERRNO_TEXT = {111: "Connection refused", 110: "Connection timed out",
              104: "Connection reset by peer", 113: "No route to host",
              101: "Network is unreachable", 32: "Broken pipe"}


def seq_after(a: int, b: int) -> bool:
    """after(a, b): ``a`` is later than ``b`` in 32-bit sequence space."""
    return 0 < ((a - b) & 0xFFFFFFFF) < 0x80000000


def initial_window(mss: int) -> int:
    """The receive window a SYN (or SYN-ACK) announces: 65535 rounded down to whole MSS."""
    return (RECV_SPACE // mss) * mss


class TcpSocket:
    """One end of a connection, from SYN to the end of TIME_WAIT.

    Applications are callbacks (simulated programs have no threads): ``on_connect()``,
    ``on_data(bytes)``, ``on_eof()`` (the peer sent FIN), ``on_error(errno)``
    (refused, reset, timed out; the socket is closed). ``wait`` is a simpy event that
    fires at the first of connect or error, for code that runs the lab until then.
    """

    timestamps = True  # we send the timestamp option (slirp's TCP does not)

    def __init__(self, layer: TcpLayer, laddr: bytes, lport: int, raddr: bytes, rport: int,
                 ) -> None:
        self.layer = layer
        self.ns = layer.ns
        self.laddr, self.lport, self.raddr, self.rport = laddr, lport, raddr, rport
        self.state = CLOSE
        rng = self.ns.lab.rng
        self.iss = rng.getrandbits(32)       # secure_tcp_seq(): hashed in Linux
        self.ts_offset = rng.getrandbits(32)  # secure_tcp_ts_off()
        self.ip_id = rng.getrandbits(16)     # inet->inet_id, +1 per packet
        self.snd_una = self.snd_nxt = self.iss
        self.rcv_nxt = 0
        self.ts_recent = 0
        self.mss = layer.route_mss(raddr)   # what we announce (MTU - 40)
        self.send_mss = self.mss - TS_OPTIONS_LEN
        self.rcv_wnd = initial_window(self.mss)
        self.snd_wnd = 65535
        self.snd_wscale = 0
        self.unsent = b""
        self.fin_queued = False
        self.fin_seq: int | None = None
        self.rtx: list[tuple[int, int, bytes]] = []  # (seq, flags, data) not yet ACKed
        self.rto = TCP_TIMEOUT_INIT
        self.retransmits = 0
        self.total_rto = 0
        self._timer_gen = 0
        self.rtx_start = self.ns.env.now
        self.ack_pending = False
        self.listener = None         # the listener that made us (passive open)
        self.orphan = False          # close()d: no application any more
        self.error: int | None = None
        self.on_connect: Callable[[], None] | None = None
        self.on_data: Callable[[bytes], None] | None = None
        self.on_eof: Callable[[], None] | None = None
        self.on_error: Callable[[int], None] | None = None
        self.wait = self.ns.env.event()
        self.received = bytearray()  # what arrived while no on_data was set

    def __repr__(self) -> str:
        return f"<TcpSocket {self.name} {self.state}>"

    @property
    def key(self) -> tuple[bytes, int, bytes, int]:
        return (self.laddr, self.lport, self.raddr, self.rport)

    @property
    def name(self) -> str:
        return (f"{ip_ntoa(self.laddr)}:{self.lport} <-> "
                f"{ip_ntoa(self.raddr)}:{self.rport}")

    def hop(self, action: str, reason: str, func: str, frame_id: int = 0,
            data: bytes | None = None) -> None:
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, "", "tcp", action, frame_id, reason, func, data, l3=True)

    def set_state(self, state: str, func: str, frame_id: int = 0) -> None:
        if state != self.state:
            self.hop("info", f"{self.name}: {self.state} -> {state}", func, frame_id)
            self.state = state

    # ================================================================== output
    def tsval(self) -> int:
        return (int(self.ns.env.now * 1000) + self.ts_offset) & 0xFFFFFFFF

    def transmit(self, seq: int, flags: int, data: bytes = b"", *, func: str,
                 syn_ack: bool = False) -> int:
        """tcp_transmit_skb(): header, options, checksum, then ip_queue_xmit."""
        if flags & tcp_pkt.SYN:
            options = tcp_pkt.syn_options(self.mss, self.tsval(), self.ts_recent, WSCALE)
            window = self.rcv_wnd
        else:
            options = tcp_pkt.ts_options(self.tsval(), self.ts_recent)
            window = -(-self.rcv_wnd // (1 << WSCALE))  # ALIGN up, then >> rcv_wscale
        ack = self.rcv_nxt if flags & tcp_pkt.ACK else 0
        segment = tcp_pkt.build(self.laddr, self.raddr, self.lport, self.rport, seq, ack,
                                flags, window, options, data)
        if flags & tcp_pkt.ACK:
            self.ack_pending = False
        ident = 0 if syn_ack else self.ip_id  # a SYN-ACK leaves from the request: id 0
        if not syn_ack:
            self.ip_id = (self.ip_id + 1) & 0xFFFF
        return self.layer.xmit(self.laddr, self.raddr, segment, func, ident)

    def send_ack(self) -> None:
        """tcp_send_ack(): a bare ACK of everything received so far."""
        self.transmit(self.snd_nxt, tcp_pkt.ACK, func="tcp_send_ack")

    def send_syn(self) -> None:
        """tcp_connect(): the SYN, retransmitted until answered."""
        self.snd_nxt = self.iss + 1
        self._queue(self.iss, tcp_pkt.SYN, b"")
        self.transmit(self.iss, tcp_pkt.SYN, func="tcp_v4_connect")
        self.rto = TCP_TIMEOUT_INIT
        self._arm_timer()

    def send_synack(self) -> None:
        """tcp_v4_send_synack(): SYN-ACK from the request socket (IP id 0)."""
        self.snd_nxt = self.iss + 1
        self._queue(self.iss, tcp_pkt.SYN | tcp_pkt.ACK, b"")
        self.transmit(self.iss, tcp_pkt.SYN | tcp_pkt.ACK, func="tcp_v4_send_synack",
                      syn_ack=True)
        self.rto = TCP_TIMEOUT_INIT
        self._arm_timer()

    def send(self, data: bytes) -> int:
        """tcp_sendmsg(): queue ``data``; segments leave while the peer's window allows."""
        if self.state not in (ESTABLISHED, CLOSE_WAIT) or self.fin_queued:
            raise BrokenPipeError(32, "Broken pipe")
        self.unsent += data
        self.push()
        return len(data)

    def shutdown(self) -> None:
        """shutdown(SHUT_WR): a FIN after the queued data."""
        if self.fin_queued or self.state not in (ESTABLISHED, CLOSE_WAIT, SYN_RECV):
            return
        self.fin_queued = True
        self.set_state(FIN_WAIT1 if self.state != CLOSE_WAIT else LAST_ACK, "tcp_shutdown")
        self.push()

    def close(self) -> None:
        """close(): the application lets go; a connected socket still closes properly."""
        self.orphan = True
        self.on_data = self.on_eof = self.on_connect = self.on_error = None
        if self.state in (SYN_SENT, CLOSE):
            self.done("closed before it connected", "tcp_close")
            return
        self.shutdown()
        if self.state == FIN_WAIT2:
            self._arm_timer(self.layer.fin_timeout())

    def push(self) -> None:
        """tcp_push(): data segments of at most one MSS, PSH on the last; then a FIN."""
        in_flight = (self.snd_nxt - self.snd_una) & 0xFFFFFFFF
        while self.unsent and in_flight < self.snd_wnd:
            size = min(len(self.unsent), self.send_mss, self.snd_wnd - in_flight)
            chunk, self.unsent = self.unsent[:size], self.unsent[size:]
            flags = tcp_pkt.ACK | (0 if self.unsent else tcp_pkt.PSH)
            self._queue(self.snd_nxt, flags, chunk)
            self.transmit(self.snd_nxt, flags, chunk, func="tcp_write_xmit")
            self.snd_nxt = (self.snd_nxt + size) & 0xFFFFFFFF
            in_flight += size
        if self.fin_queued and not self.unsent and self.fin_seq is None:
            self.fin_seq = self.snd_nxt
            self._queue(self.snd_nxt, tcp_pkt.FIN | tcp_pkt.ACK, b"")
            self.transmit(self.snd_nxt, tcp_pkt.FIN | tcp_pkt.ACK, func="tcp_send_fin")
            self.snd_nxt = (self.snd_nxt + 1) & 0xFFFFFFFF
        if self.rtx and not self._timer_armed:
            self.rto = max(self.rto, TCP_RTO_MIN) if self.state != SYN_SENT else self.rto
            self._arm_timer()

    def _queue(self, seq: int, flags: int, data: bytes) -> None:
        if not self.rtx:
            self.rtx_start = self.ns.env.now  # retransmits_timed_out() counts from here
        self.rtx.append((seq, flags, data))

    # ================================================================== timers
    _timer_armed = False

    def _arm_timer(self, delay: float | None = None) -> None:
        self._timer_gen += 1
        self._timer_armed = True
        self.ns.lab.call_later(self.rto if delay is None else delay, self._timer,
                               self._timer_gen)

    def _stop_timer(self) -> None:
        self._timer_gen += 1
        self._timer_armed = False

    def _timer(self, gen: int) -> None:
        if gen != self._timer_gen or self.state == CLOSE:
            return
        self._timer_armed = False
        if self.state == TIME_WAIT:
            self.hop("info", f"{self.name}: TIME_WAIT over after {TCP_TIMEWAIT_LEN:g} s",
                     "tcp_time_wait_kill")
            self.layer.unhash(self)
            self.state = CLOSE
            return
        if self.state == FIN_WAIT2:
            self.done(f"orphaned FIN_WAIT2 for net.ipv4.tcp_fin_timeout="
                      f"{self.layer.fin_timeout():g} s", "tcp_keepalive_timer")
            return
        if not self.rtx:
            return
        self.retransmit_timer()

    def retransmit_timer(self) -> None:
        """tcp_retransmit_timer(): give up (tcp_write_timeout) or resend the oldest segment."""
        if self._write_timeout():
            return
        seq, flags, data = self.rtx[0]
        what = {tcp_pkt.SYN: "SYN", tcp_pkt.SYN | tcp_pkt.ACK: "SYN-ACK"}.get(flags, "segment")
        self.hop("info", f"{self.name}: no ACK within {self.rto:g} s: {what} sent again "
                 f"(retransmission {self.retransmits + 1})", "tcp_retransmit_timer")
        self.transmit(seq, flags, data, func="tcp_retransmit_skb",
                      syn_ack=flags == tcp_pkt.SYN | tcp_pkt.ACK)
        self.retransmits += 1
        self.total_rto += 1
        linear = self.layer.sysctl_int("net.ipv4.tcp_syn_linear_timeouts", 4)
        if self.state != SYN_SENT or self.total_rto > linear:
            self.rto = min(self.rto * 2, TCP_RTO_MAX)
        self._arm_timer()

    def _write_timeout(self) -> bool:
        """tcp_write_timeout(): too many retransmissions -> ETIMEDOUT."""
        if self.state == SYN_SENT:
            limit = (self.layer.sysctl_int("net.ipv4.tcp_syn_retries", 6)
                     + self.layer.sysctl_int("net.ipv4.tcp_syn_linear_timeouts", 4))
            expired = self.retransmits >= limit
        elif self.state == SYN_RECV:
            expired = self.retransmits >= self.layer.sysctl_int("net.ipv4.tcp_synack_retries", 5)
        else:
            boundary = self.layer.sysctl_int("net.ipv4.tcp_retries2", 15)
            expired = self.ns.env.now - self.rtx_start >= model_timeout(boundary, TCP_RTO_MIN)
        if not expired:
            return False
        if self.state == SYN_RECV and self.listener is not None:
            self.hop("drop", f"{self.name}: no ACK for the SYN-ACK: request dropped",
                     "inet_csk_reqsk_queue_drop")
            self.layer.unhash(self)
            self.state = CLOSE
            return True
        self.fail(110, "tcp_write_err")
        return True

    # ================================================================== endings
    def fail(self, errno: int, func: str) -> None:
        """tcp_done() with an error for the application (refused, reset, timed out...)."""
        self.error = errno
        callback = self.on_error
        self.done(f"error: {ERRNO_TEXT.get(errno, errno)}", func)
        if not self.wait.triggered:
            self.wait.succeed(errno)
        if callback is not None:
            callback(errno)

    def done(self, why: str, func: str) -> None:
        """tcp_done(): the socket leaves the tables; nothing more is sent."""
        self._stop_timer()
        self.rtx.clear()
        self.set_state(CLOSE, func)
        self.hop("info", f"{self.name}: closed ({why})", func)
        self.layer.unhash(self)

    def enter_time_wait(self, frame_id: int) -> None:
        """tcp_time_wait(): the 4-tuple stays taken for TCP_TIMEWAIT_LEN."""
        self.set_state(TIME_WAIT, "tcp_time_wait", frame_id)
        self.rtx.clear()
        self._arm_timer(TCP_TIMEWAIT_LEN)


def model_timeout(boundary: int, rto_base: float) -> float:
    """tcp_model_timeout(): how long ``boundary`` doubling retransmissions take."""
    thresh = int(math.log2(TCP_RTO_MAX / rto_base))
    if boundary <= thresh:
        return ((2 << boundary) - 1) * rto_base
    return ((2 << thresh) - 1) * rto_base + (boundary - thresh) * TCP_RTO_MAX
