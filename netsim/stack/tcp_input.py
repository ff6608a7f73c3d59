"""What one connection does with a segment that reached it (net/ipv4/tcp_input.c).

:func:`rcv_state_process` is ``tcp_rcv_state_process``: SYN_SENT has its own path
(``tcp_rcv_synsent_state_process``: the SYN-ACK completes the handshake, a RST means
"Connection refused"); every other state checks RST and SYN, then the ACK
(``tcp_ack``: what was acknowledged leaves the retransmission queue, and an ACK of our
FIN moves FIN_WAIT1 to FIN_WAIT2, CLOSING to TIME_WAIT, LAST_ACK to the end), then
the data (``tcp_data_queue``: the next expected bytes go to the application), then a
FIN (``tcp_fin``), and last ``tcp_ack_snd_check``: an ACK goes out unless something
the application sent meanwhile already carried it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.packets import tcp as tcp_pkt
from netsim.stack.tcp_sock import (
    CLOSE_WAIT,
    CLOSING,
    ESTABLISHED,
    FIN_WAIT1,
    FIN_WAIT2,
    LAST_ACK,
    SYN_RECV,
    SYN_SENT,
    TCP_RTO_MIN,
    TIME_WAIT,
    TcpSocket,
    seq_after,
)

if TYPE_CHECKING:
    from netsim.packets.tcp import Tcp

ECONNREFUSED, ECONNRESET = 111, 104


def learn_peer(sock: TcpSocket, seg: Tcp) -> None:
    """What a SYN or SYN-ACK tells: the peer's ISN, MSS, window scale, timestamp."""
    opts = seg.options
    sock.rcv_nxt = (seg.seq + 1) & 0xFFFFFFFF
    peer_mss = opts.mss if opts.mss is not None else 536
    sock.send_mss = min(peer_mss, sock.mss) - (tcp_pkt_ts_len(seg) if sock.timestamps else 0)
    sock.snd_wnd = seg.window  # a SYN's window is never scaled
    sock.snd_wscale = opts.wscale if opts.wscale is not None else 0
    if opts.ts is not None:
        sock.ts_recent = opts.ts[0]


def tcp_pkt_ts_len(seg: Tcp) -> int:
    return 12 if seg.options.ts is not None else 0


def rcv_state_process(sock: TcpSocket, seg: Tcp, frame_id: int) -> None:
    """tcp_rcv_state_process(): one segment for one connection."""
    if sock.state == SYN_SENT:
        rcv_synsent(sock, seg, frame_id)
        return
    flags = seg.flags
    if flags & tcp_pkt.RST:
        if sock.state == TIME_WAIT:
            sock.layer.unhash(sock)  # tcp_timewait_state_process: RST kills TIME_WAIT
            return
        if seg.seq == sock.rcv_nxt:
            if sock.state == SYN_RECV and sock.listener is not None:
                sock.done("the peer reset the half-open connection", "tcp_reset")
                return
            sock.fail(ECONNRESET, "tcp_reset")
        return  # a RST elsewhere in the window earns a challenge ACK in Linux; ignored here
    if flags & tcp_pkt.SYN:
        if sock.state == SYN_RECV and not flags & tcp_pkt.ACK:
            sock.hop("info", f"{sock.name}: the SYN again: the SYN-ACK goes again",
                     "tcp_check_req", frame_id)
            sock.transmit(sock.iss, tcp_pkt.SYN | tcp_pkt.ACK, func="tcp_v4_send_synack",
                          syn_ack=True)
            return
        sock.send_ack()  # tcp_send_challenge_ack()
        return
    if not flags & tcp_pkt.ACK:
        return
    if seg.options.ts is not None and seg.seq == sock.rcv_nxt:
        sock.ts_recent = seg.options.ts[0]
    if not ack(sock, seg, frame_id):
        return
    if sock.state == "CLOSE":
        return
    if seg.data:
        data_queue(sock, seg, frame_id)
        if sock.state == "CLOSE":
            return
    if flags & tcp_pkt.FIN:
        fin(sock, seg, frame_id)
    if sock.ack_pending and sock.state != "CLOSE":
        sock.send_ack()


def rcv_synsent(sock: TcpSocket, seg: Tcp, frame_id: int) -> None:
    """tcp_rcv_synsent_state_process(): the answer to our SYN."""
    flags = seg.flags
    if flags & tcp_pkt.ACK and seg.ack != sock.snd_nxt:
        if not flags & tcp_pkt.RST:
            sock.layer.send_reset(sock.raddr, sock.laddr, seg, frame_id)
        return
    if flags & tcp_pkt.RST:
        if flags & tcp_pkt.ACK:
            sock.hop("info", f"{sock.name}: RST answers our SYN: nobody listens on port "
                     f"{sock.rport}: Connection refused", "tcp_reset", frame_id)
            sock.fail(ECONNREFUSED, "tcp_reset")
        return
    if not (flags & tcp_pkt.SYN and flags & tcp_pkt.ACK):
        return  # a bare SYN (simultaneous open) is left out
    learn_peer(sock, seg)
    sock.snd_una = seg.ack
    sock.rtx.clear()
    sock._stop_timer()
    sock.retransmits = 0
    sock.rto = TCP_RTO_MIN
    sock.set_state(ESTABLISHED, "tcp_rcv_synsent_state_process", frame_id)
    sock.send_ack()
    if not sock.wait.triggered:
        sock.wait.succeed(0)
    if sock.on_connect is not None:
        sock.on_connect()
    sock.push()


def ack(sock: TcpSocket, seg: Tcp, frame_id: int) -> bool:
    """tcp_ack(): take what the peer acknowledged off the retransmission queue."""
    if seq_after(seg.ack, sock.snd_nxt):
        sock.send_ack()  # it acknowledges what we never sent
        return False
    sock.snd_wnd = seg.window << sock.snd_wscale
    if seq_after(seg.ack, sock.snd_una):
        sock.snd_una = seg.ack
        sock.rtx = [entry for entry in sock.rtx if seq_after(_end(entry), seg.ack)]
        sock.retransmits = 0
        sock.rto = TCP_RTO_MIN
        if sock.rtx:
            sock.rtx_start = sock.ns.env.now
            sock._arm_timer()
        else:
            sock._stop_timer()
    fin_acked = sock.fin_seq is not None and not seq_after((sock.fin_seq + 1) & 0xFFFFFFFF,
                                                           seg.ack)
    state = sock.state
    if state == SYN_RECV:
        sock.set_state(ESTABLISHED, "tcp_rcv_state_process", frame_id)
        sock.layer.accepted(sock, frame_id)
    elif state == FIN_WAIT1 and fin_acked:
        sock.set_state(FIN_WAIT2, "tcp_rcv_state_process", frame_id)
        if sock.orphan:
            sock._arm_timer(sock.layer.fin_timeout())
    elif state == CLOSING and fin_acked:
        sock.enter_time_wait(frame_id)
    elif state == LAST_ACK and fin_acked:
        sock.done("our FIN was acknowledged", "tcp_rcv_state_process")
        return False
    if sock.state in (ESTABLISHED, CLOSE_WAIT, FIN_WAIT1):
        sock.push()
    return True


def _end(entry: tuple[int, int, bytes]) -> int:
    seq, flags, data = entry
    return (seq + len(data) + (1 if flags & (tcp_pkt.SYN | tcp_pkt.FIN) else 0)) & 0xFFFFFFFF


def data_queue(sock: TcpSocket, seg: Tcp, frame_id: int) -> None:
    """tcp_data_queue(): the next expected bytes go to the application, others are ACKed
    again (no out-of-order queue in netsim)."""
    if sock.state not in (ESTABLISHED, FIN_WAIT1, FIN_WAIT2):
        return
    if sock.orphan:
        # data for a socket nobody reads any more: tcp_rcv_state_process answers RST
        sock.layer.send_reset(sock.raddr, sock.laddr, seg, frame_id)
        sock.done("data arrived after close()", "tcp_rcv_state_process")
        return
    sock.ack_pending = True
    if seg.seq != sock.rcv_nxt:
        sock.hop("drop", f"{sock.name}: segment at {seg.seq}, expected {sock.rcv_nxt}: "
                 "out of order (netsim keeps no out-of-order queue), ACKed again",
                 "tcp_data_queue", frame_id)
        return
    sock.rcv_nxt = (sock.rcv_nxt + len(seg.data)) & 0xFFFFFFFF
    sock.hop("deliver", f"{sock.name}: {len(seg.data)} bytes for the application",
             "tcp_data_queue", frame_id)
    if sock.on_data is not None:
        sock.on_data(seg.data)
    else:
        sock.received += seg.data


def fin(sock: TcpSocket, seg: Tcp, frame_id: int) -> None:
    """tcp_fin(): the peer will send no more."""
    if (seg.seq + len(seg.data)) & 0xFFFFFFFF != sock.rcv_nxt:
        if sock.state == TIME_WAIT:
            sock.ack_pending = True  # the peer lost our last ACK: say it again
        return
    sock.rcv_nxt = (sock.rcv_nxt + 1) & 0xFFFFFFFF
    sock.ack_pending = True
    state = sock.state
    if state in (ESTABLISHED, SYN_RECV):
        sock.set_state(CLOSE_WAIT, "tcp_fin", frame_id)
    elif state == FIN_WAIT1:
        sock.set_state(CLOSING, "tcp_fin", frame_id)
    elif state == FIN_WAIT2:
        sock.send_ack()
        sock.enter_time_wait(frame_id)
        return
    if sock.on_eof is not None:
        sock.on_eof()
