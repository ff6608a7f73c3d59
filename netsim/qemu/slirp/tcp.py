"""slirp's TCP (tcp_input.c, tcp_output.c, tcp_subr.c): a guest connection becomes a host one.

libslirp carries a small BSD TCP of its own. The guest's connection ends *inside qemu*,
and a second, ordinary connection of the qemu process leaves the host's kernel; the
bytes are copied between the two::

    guest SYN ----> tcp_input: new socket, tcp_fconnect() = connect() on the host
                    (no SYN-ACK yet: slirp waits in SYN_RECEIVED for the host's answer)
    host connect() succeeds ----> cont_conn: SYN-ACK to the guest (MSS option only)
    host connect() refused  ----> RST|ACK to the guest    (the guest: Connection refused)
    no answer within 75 s   ----> TCPTV_KEEP_INIT: RST to the guest
    no route on the host    ----> ICMP net unreachable to the guest
    data, FIN either way    ----> copied: guest FIN = shutdown() of the host socket,
                                  host EOF = slirp's FIN to the guest

The outside sees the host's address and a port the host's kernel picked; the guest
sees the far end's address (``sotranslate_out``: 10.0.2.2 means the host itself,
127.0.0.1). With ``hostfwd=tcp::HOSTPORT-:GUESTPORT`` it goes the other way: a host
socket listens; each connection the host's kernel accepts makes slirp open one to the
guest (``tcp_connect``: a SYN from the caller's address and port, or from 10.0.2.2 if
the caller is the host itself).

slirp's own segments have only an MSS option (no timestamps, no window scaling), a
65535 window, sequence numbers from its ``tcp_iss`` counter (1, then 64000 more per
connection and per half second while TCP is in use) and IP ids 0, 1, 2... The
retransmission timers are netsim's TCP's (:mod:`netsim.stack.tcp_sock`), not BSD's.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from netsim.packets import icmp as icmp_pkt
from netsim.packets import tcp as tcp_pkt
from netsim.packets.addr import MalformedPacket, ip_aton, ip_ntoa
from netsim.packets.ipv4 import IPPROTO_TCP
from netsim.qemu.slirp import icmp
from netsim.qemu.slirp.net import LOOPBACK
from netsim.stack import tcp_input as kernel_tcp
from netsim.stack.ipv4 import NoRoute
from netsim.stack.tcp_sock import CLOSE, SYN_RECV, SYN_SENT, TIME_WAIT, TcpSocket

if TYPE_CHECKING:
    from netsim.packets import ipv4 as ip_pkt
    from netsim.qemu.config import HostFwd
    from netsim.qemu.slirp.stack import Slirp

TCPTV_KEEP_INIT = 75.0   # slirp gives a connection this long to get established
TCP_ISSINCR_HALF = 64000  # TCP_ISSINCR / 2 (and / PR_SLOWHZ per 500 ms tick)
SLOWTIMO = 0.5
IF_MSS = 1460            # IF_MTU 1500 less IP and TCP headers
WINDOW = 65535           # sbspace(so_rcv), at most TCP_MAXWIN (no scaling)


class _Layer:
    """What a :class:`TcpSocket` asks its layer, answered for slirp."""

    def __init__(self, slirp: Slirp) -> None:
        self.slirp = slirp
        self.ns = slirp.ns

    def route_mss(self, raddr: bytes) -> int:
        return IF_MSS

    def sysctl_int(self, name: str, default: int) -> int:
        return default

    def fin_timeout(self) -> float:
        return 60.0

    def unhash(self, sock: TcpSocket) -> None:
        conns = self.slirp.tcp_conns
        if conns.get(sock.key) is sock:
            del conns[sock.key]
        if isinstance(sock, GuestConn):
            sock.release_host()

    def accepted(self, sock: TcpSocket, frame_id: int) -> None:
        """The guest ACKed slirp's SYN-ACK: what the host sent meanwhile goes to it now."""
        if isinstance(sock, GuestConn):
            sock.flush()

    def send_reset(self, src: bytes, dst: bytes, seg: tcp_pkt.Tcp, frame_id: int) -> None:
        respond_reset(self.slirp, src, dst, seg, frame_id)


class GuestConn(TcpSocket):
    """slirp's end of one guest connection (``struct tcpcb``), tied to a host socket."""

    timestamps = False

    def __init__(self, slirp: Slirp, faddr: bytes, fport: int, gaddr: bytes, gport: int,
                 ) -> None:
        super().__init__(_Layer(slirp), faddr, fport, gaddr, gport)
        self.slirp = slirp
        self.iss = self.snd_una = self.snd_nxt = next_iss(slirp)
        self.rcv_wnd = WINDOW
        self.host: TcpSocket | None = None
        self.connecting = False  # SYN_RECEIVED while the host's connect() runs
        self.backlog = bytearray()  # from the host before the guest's handshake completed
        self.backlog_fin = False

    def hop(self, action: str, reason: str, func: str, frame_id: int = 0,
            data: bytes | None = None) -> None:
        self.slirp.trace(action, frame_id, reason, func, data, data is not None)

    def transmit(self, seq: int, flags: int, data: bytes = b"", *, func: str,
                 syn_ack: bool = False) -> int:
        """tcp_output(): slirp's segment (MSS option on a SYN only) through ip_output."""
        options = struct.pack("!BBH", tcp_pkt.OPT_MSS, 4, IF_MSS) if flags & tcp_pkt.SYN else b""
        ack = self.rcv_nxt if flags & tcp_pkt.ACK else 0
        segment = tcp_pkt.build(self.laddr, self.raddr, self.lport, self.rport, seq, ack,
                                flags, WINDOW, options, data)
        if flags & tcp_pkt.ACK:
            self.ack_pending = False
        frame_id = self.slirp.new_frame_id()
        self.slirp.ip_output(self.laddr, self.raddr, IPPROTO_TCP, segment, frame_id,
                             func="tcp_output", reason=f"slirp's TCP to the guest: "
                             f"[{tcp_pkt.flag_text(flags)}] {ip_ntoa(self.laddr)}:{self.lport}"
                             f" -> {ip_ntoa(self.raddr)}:{self.rport}")
        return frame_id

    # ------------------------------------------------------------------ the relay
    def attach(self, host: TcpSocket) -> None:
        """Copy bytes both ways between the guest's connection and the host's."""
        self.host = host
        slirp = self.slirp

        def to_guest(data: bytes) -> None:
            slirp.later(self._send_guest, data)

        host.on_data = to_guest
        host.on_eof = lambda: slirp.later(self._fin_guest)  # sofcantrcvmore -> our FIN
        self.on_data = self._send_host
        self.on_eof = host.shutdown                          # sofcantsendmore
        self.on_error = lambda _errno: self.release_host()
        self.on_connect = self.flush
        if host.received:  # the host's kernel took bytes before slirp looked
            to_guest(bytes(host.received))
            host.received.clear()
        if host.state in ("CLOSE-WAIT", "LAST-ACK"):
            slirp.later(self._fin_guest)

    def _send_guest(self, data: bytes) -> None:
        if self.state in (SYN_SENT, SYN_RECV):
            self.backlog += data
        elif self.state not in (CLOSE, TIME_WAIT) and not self.fin_queued:
            self.send(data)

    def _fin_guest(self) -> None:
        if self.state in (SYN_SENT, SYN_RECV):
            self.backlog_fin = True
        else:
            self.shutdown()

    def flush(self) -> None:
        """The guest's side is established: hand it what waited."""
        if self.backlog:
            data, self.backlog = bytes(self.backlog), bytearray()
            self.send(data)
        if self.backlog_fin:
            self.shutdown()

    def _send_host(self, data: bytes) -> None:
        host = self.host
        if host is not None and host.state in ("ESTAB", "CLOSE-WAIT") and not host.fin_queued:
            host.send(data)

    def release_host(self) -> None:
        """sofree(): slirp lets go of the host socket (it closes, FIN or nothing)."""
        host, self.host = self.host, None
        if host is not None:
            host.close()

    def host_failed(self, errno: int) -> None:
        """The host's connect() failed, or the host connection was reset."""
        self.host = None
        if self.state == SYN_RECV and self.connecting:
            self.hop("info", f"connect() on the host failed (errno {errno}): slirp refuses the "
                     "guest's connection with RST", "tcp_input")
            self.transmit(0, tcp_pkt.RST | tcp_pkt.ACK, func="tcp_respond")
        elif self.state not in (CLOSE, TIME_WAIT):
            self.transmit(self.snd_nxt, tcp_pkt.RST | tcp_pkt.ACK, func="tcp_drop")
        self.done(f"host socket failed (errno {errno})", "tcp_close")

    def host_connected(self) -> None:
        """cont_conn: the host's connect() succeeded; now the guest gets its SYN-ACK."""
        if self.state != SYN_RECV or not self.connecting:
            return
        self.connecting = False
        self.hop("info", f"the host's connect() to {ip_ntoa(self.host.raddr)}:"
                 f"{self.host.rport} succeeded: SYN-ACK to the guest", "tcp_input")
        self.send_synack()

    def keep_init(self) -> None:
        """TCPTV_KEEP_INIT: still not established after 75 s: tcp_drop, RST to the guest."""
        if self.state in (SYN_RECV, SYN_SENT) and self.slirp.tcp_conns.get(self.key) is self:
            self.hop("info", f"no connection within {TCPTV_KEEP_INIT:g} s: slirp drops it",
                     "tcp_timers")
            if self.state == SYN_RECV and self.connecting:
                self.transmit(0, tcp_pkt.RST | tcp_pkt.ACK, func="tcp_drop")
            self.done("TCPTV_KEEP_INIT expired", "tcp_drop")


def next_iss(slirp: Slirp) -> int:
    """slirp->tcp_iss: 1 at start, +64000 per connection and per 500 ms tick with TCP in use."""
    state = slirp.tcp_iss_state  # [tcp_iss, time of the last slow tick]
    if slirp.tcp_conns:
        ticks = int((slirp.lab.now - state[1]) / SLOWTIMO + 1e-9)
        state[0] += TCP_ISSINCR_HALF * ticks
        state[1] += ticks * SLOWTIMO
    iss = state[0] & 0xFFFFFFFF
    state[0] += TCP_ISSINCR_HALF
    return iss


def respond_reset(slirp: Slirp, src: bytes, dst: bytes, seg: tcp_pkt.Tcp, frame_id: int,
                  ) -> None:
    """tcp_respond() from dropwithreset: a RST for a guest segment nothing wants."""
    rst = tcp_pkt.reset_for(src, dst, seg)
    if rst is None:
        return
    slirp.ip_output(dst, src, IPPROTO_TCP, rst, slirp.new_frame_id(), action="reply",
                    func="tcp_respond", reason=f"RST to the guest's {ip_ntoa(src)}:"
                    f"{seg.sport} (frame #{frame_id}): no slirp socket for it")


# ----------------------------------------------------------------- guest -> slirp
def tcp_input(slirp: Slirp, packet: bytes, ip: ip_pkt.IPv4, frame_id: int) -> None:
    """A guest segment: to its connection, or a SYN opens one (and a host connect())."""
    try:
        seg = tcp_pkt.parse(ip.payload)
    except MalformedPacket as err:
        slirp.trace("drop", frame_id, f"bad TCP: {err}", "tcp_input", packet, True)
        return
    if not tcp_pkt.verify(ip.src, ip.dst, ip.payload):
        slirp.trace("drop", frame_id, "bad TCP checksum", "tcp_input", packet, True)
        return
    conn = slirp.tcp_conns.get((ip.dst, seg.dport, ip.src, seg.sport))
    if conn is not None:
        if conn.connecting:
            slirp.trace("drop", frame_id, "the guest's SYN again: slirp still waits for the "
                        "host's connect()", "tcp_input", packet, True)
            return
        tcp_input_state(conn, seg, frame_id)
        return
    flags = seg.flags
    if flags & tcp_pkt.RST:
        return
    if not flags & tcp_pkt.SYN or flags & tcp_pkt.ACK:
        respond_reset(slirp, ip.src, ip.dst, seg, frame_id)
        return
    _open(slirp, packet, ip, seg, frame_id)


def tcp_input_state(conn: GuestConn, seg: tcp_pkt.Tcp, frame_id: int) -> None:
    kernel_tcp.rcv_state_process(conn, seg, frame_id)


def _open(slirp: Slirp, packet: bytes, ip: ip_pkt.IPv4, seg: tcp_pkt.Tcp,
          frame_id: int) -> None:
    """case TCPS_LISTEN: a socket for the guest's SYN, and tcp_fconnect() on the host."""
    from netsim.qemu.slirp.udp import sotranslate_out

    target = sotranslate_out(slirp, ip.dst, seg.dport)
    if target is None:
        icmp.icmp_send_error(slirp, packet, icmp_pkt.DEST_UNREACH, icmp_pkt.HOST_UNREACH,
                             frame_id)
        return
    conn = GuestConn(slirp, ip.dst, seg.dport, ip.src, seg.sport)
    kernel_tcp.learn_peer(conn, seg)
    conn.state = SYN_RECV
    conn.connecting = True
    tcp = slirp.ns.ipv4.tcp
    try:
        host = tcp.connect(target, seg.dport)
    except NoRoute:
        slirp.trace("drop", frame_id, f"connect() to {ip_ntoa(target)}:{seg.dport} on the host: "
                    "Network is unreachable", "tcp_fconnect", packet, True)
        icmp.icmp_send_error(slirp, packet, icmp_pkt.DEST_UNREACH, icmp_pkt.NET_UNREACH,
                             frame_id)
        return
    slirp.tcp_conns[conn.key] = conn
    moved = f" (slirp's {ip_ntoa(ip.dst)} is the host's {ip_ntoa(target)})" \
        if target != ip.dst else ""
    slirp.trace("send", frame_id, f"the guest's SYN to {ip_ntoa(ip.dst)}:{seg.dport} becomes "
                f"connect(){moved} from the host's port {host.lport}: the world sees the "
                "host's address, not 10.0.2.x", "tcp_fconnect", packet, True)
    conn.attach(host)
    host.on_connect = lambda: slirp.later(conn.host_connected)
    host.on_error = lambda errno: slirp.later(conn.host_failed, errno)
    slirp.lab.call_later(TCPTV_KEEP_INIT, conn.keep_init)
    _slowtimo_start(slirp)


# ----------------------------------------------------------------- hostfwd=tcp
def add_hostfwd(slirp: Slirp, rule: HostFwd, addr: bytes) -> None:
    """Listen on the rule's host port; raise OSError(EADDRINUSE) as bind() would."""
    tcp = slirp.ns.ipv4.tcp
    guest = (ip_aton(rule.guest_addr), rule.guest_port)

    def accept(host: TcpSocket) -> None:
        if slirp.closed:
            host.close()
            return
        slirp.later(tcp_connect, slirp, host, guest)

    listener = tcp.listen(rule.host_port, accept, addr)
    slirp.tcp_listeners.append(listener)
    slirp.trace("info", 0, f"hostfwd {rule.text}: TCP port {rule.host_port} of the host now "
                f"leads to the guest's {rule.guest_addr}:{rule.guest_port}", "tcp_listen")


def tcp_connect(slirp: Slirp, host: TcpSocket, guest: tuple[bytes, int]) -> None:
    """tcp_connect(): the host accepted a connection; slirp opens one to the guest."""
    vnet = slirp.vnet
    caller = host.raddr
    # sotranslate_accept(): the host itself (any local or loopback address) is 10.0.2.2
    if caller[0] == 127 or caller == LOOPBACK or slirp.ns.ipv4.is_local_address(caller):
        caller = vnet.host
    conn = GuestConn(slirp, caller, host.rport, guest[0], guest[1])
    slirp.tcp_conns[conn.key] = conn
    slirp.trace("info", 0, f"hostfwd: the host accepted {ip_ntoa(host.raddr)}:{host.rport}; "
                f"slirp connects to the guest's {ip_ntoa(guest[0])}:{guest[1]} as "
                f"{ip_ntoa(caller)}:{host.rport}", "tcp_connect")
    conn.state = SYN_SENT
    conn.attach(host)
    conn.on_error = lambda _errno: conn.release_host()
    host.on_error = lambda _errno: conn.done("the host side failed", "tcp_close")
    conn.send_syn()
    slirp.lab.call_later(TCPTV_KEEP_INIT, conn.keep_init)
    _slowtimo_start(slirp)


def _slowtimo_start(slirp: Slirp) -> None:
    state = slirp.tcp_iss_state
    if len(slirp.tcp_conns) == 1:
        state[1] = slirp.lab.now  # the slow timer ticks from now on


def close_all(slirp: Slirp) -> None:
    """QEMU exits: every TCP socket slirp holds closes."""
    for listener in slirp.tcp_listeners:
        listener.close()
    slirp.tcp_listeners.clear()
    for conn in list(slirp.tcp_conns.values()):
        conn.release_host()
    slirp.tcp_conns.clear()
