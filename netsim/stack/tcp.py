"""The host's TCP (net/ipv4/tcp_ipv4.c): which socket a segment is for, and sockets' birth.

:meth:`TcpLayer.rcv` is ``tcp_v4_rcv``: the checksum is checked, then the segment goes
to the connection with its exact 4-tuple (``__inet_lookup_established``), else to a
socket listening on its port (``__inet_lookup_listener``), else nowhere -- and then
``tcp_v4_send_reset`` answers with a RST, which a connecting client reports as
"Connection refused"::

    segment --> tcp_v4_rcv --> 4-tuple known?  --> tcp_rcv_state_process (tcp_input.py)
                           --> port listening? --> SYN: tcp_conn_request -> SYN-ACK
                                                   ACK of our SYN-ACK: accept()
                           --> neither          --> tcp_v4_send_reset

The other way, :meth:`TcpLayer.connect` is ``tcp_v4_connect``: a route and a source
address, an ephemeral port (Linux tries even ports first for connect(), from a random
start in ``net.ipv4.ip_local_port_range``), an ISN, and the SYN. ICMP errors about our
segments come back through :meth:`TcpLayer.err` (``tcp_v4_err``): while connecting
they end the attempt ("No route to host", "Network is unreachable", "Connection
refused"); on an established connection they are soft errors and change nothing.

Everything TCP does is a hop on layer ``"tcp"`` with the kernel function's name. The
connection itself, its timers and its output are in :mod:`.tcp_sock`; what it does
with an arriving segment is in :mod:`.tcp_input`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.packets.addr import MalformedPacket, ip_aton, ip_ntoa
from netsim.packets.ipv4 import IPPROTO_TCP

if TYPE_CHECKING:
    from netsim.packets import tcp as tcp_pkt
    from netsim.stack.ipv4 import IPv4Stack
    from netsim.stack.skb import Skb
    from netsim.stack.tcp_sock import TcpSocket

# Every namespace has a TCP layer, but few labs use TCP: the segment code (packets.tcp),
# the sockets (.tcp_sock) and the state machine (.tcp_input) load when TCP is first used.

Key = tuple[bytes, int, bytes, int]
"""(local address, local port, remote address, remote port)."""

ANY = bytes(4)
PORT_RANGE_KEY = "net.ipv4.ip_local_port_range"
PORT_RANGE_DEFAULT = "32768\t60999"
MAX_MSS = 65495  # loopback's MTU 65536 less headers, as Linux announces on lo

# icmp_err_convert[]: what an ICMP destination unreachable code means to a socket
ICMP_UNREACH_ERRNO = {0: 101, 1: 113, 2: 92, 3: 111, 5: 113, 6: 101, 7: 113, 9: 101,
                      10: 113, 11: 101, 12: 113, 13: 113}


class TcpListener:
    """A socket in LISTEN: ``bind(port)`` + ``listen()``; ``on_accept(sock)`` per connection."""

    def __init__(self, layer: TcpLayer, addr: bytes, port: int,
                 on_accept: Callable[[TcpSocket], None] | None) -> None:
        from netsim.stack.tcp_sock import LISTEN

        self.layer = layer
        self.addr = addr
        self.port = port
        self.on_accept = on_accept
        self.state = LISTEN
        self.accept_queue: list[TcpSocket] = []

    def __repr__(self) -> str:
        return f"<TcpListener {ip_ntoa(self.addr)}:{self.port}>"

    def close(self) -> None:
        if self.layer.listeners.get(self.port) is self:
            del self.layer.listeners[self.port]


class TcpLayer:
    """One namespace's TCP: its listeners and its connections (tcp_hashinfo)."""

    def __init__(self, stack: IPv4Stack) -> None:
        self.stack = stack
        self.ns = stack.ns
        self.listeners: dict[int, TcpListener] = {}
        self.conns: dict[Key, TcpSocket] = {}

    # ------------------------------------------------------------------ helpers
    def sysctl_int(self, name: str, default: int) -> int:
        value = self.ns.sysctl.get(name, "").strip()
        return int(value) if value.isdigit() else default

    def fin_timeout(self) -> float:
        return float(self.sysctl_int("net.ipv4.tcp_fin_timeout", 60))

    def hop(self, action: str, reason: str, func: str, frame_id: int,
            packet: bytes | None = None) -> None:
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, "", "tcp", action, frame_id, reason, func, packet, l3=True)

    def route_mss(self, raddr: bytes) -> int:
        """The MSS we announce: the route's device MTU less 40 (tcp_mss_clamp)."""
        from netsim.stack.ipv4 import NoRoute

        try:
            dev = self.stack.route_output(raddr)[0]
        except NoRoute:
            return 1460
        return min(getattr(dev, "mtu", 1500) - 40, MAX_MSS)

    def xmit(self, src: bytes, dst: bytes, segment: bytes, func: str, ident: int) -> int:
        """ip_queue_xmit(): the segment in an IP packet (DF set, TTL 64)."""
        from netsim.stack.ipv4 import NoRoute

        try:
            return self.stack.output(dst, IPPROTO_TCP, segment, src=src, func=func,
                                     ident=ident)
        except NoRoute:
            frame_id = self.ns.new_frame_id()
            self.hop("drop", f"no route to {ip_ntoa(dst)}: segment not sent", func, frame_id)
            return frame_id

    def unhash(self, sock: TcpSocket) -> None:
        if self.conns.get(sock.key) is sock:
            del self.conns[sock.key]

    # ------------------------------------------------------------------ sockets
    def listen(self, port: int, on_accept: Callable[[TcpSocket], None] | None = None,
               addr: str | bytes = ANY) -> TcpListener:
        """socket() + bind() + listen(): OSError(EADDRINUSE) if the port is taken."""
        if isinstance(addr, str):
            addr = ip_aton(addr)
        if port in self.listeners:
            raise OSError(98, "Address already in use")
        listener = self.listeners[port] = TcpListener(self, addr, port, on_accept)
        self.hop("info", f"listening on {ip_ntoa(addr)}:{port}", "inet_csk_listen_start", 0)
        return listener

    def connect(self, dst: str | bytes, dport: int, sport: int | None = None) -> TcpSocket:
        """tcp_v4_connect(): route, source address, port, ISN, SYN. Raises NoRoute, or
        OSError(EADDRINUSE) when ``sport`` (bind() before connect()) is taken."""
        from netsim.stack.tcp_sock import SYN_SENT, TcpSocket

        if isinstance(dst, str):
            dst = ip_aton(dst)
        dev, nexthop, prefsrc = self.stack.route_output(dst)
        src = prefsrc or self.stack.select_source(dev, nexthop) or ANY
        if sport is None:
            sport = self.ephemeral_port(src, dst, dport)
        elif sport in self.listeners or any(k[1] == sport for k in self.conns):
            raise OSError(98, "Address already in use")  # bind() to a port in use
        sock = TcpSocket(self, src, sport, dst, dport)
        self.conns[sock.key] = sock
        sock.state = SYN_SENT
        self.hop("info", f"connect() to {ip_ntoa(dst)}:{dport} from {ip_ntoa(src)}:{sport}: "
                 f"SYN_SENT, ISN {sock.iss}", "tcp_v4_connect", 0)
        sock.send_syn()
        return sock

    def ephemeral_port(self, src: bytes, dst: bytes, dport: int) -> int:
        """__inet_hash_connect(): a free port, even ones first, from a random start."""
        text = self.ns.sysctl.get(PORT_RANGE_KEY, PORT_RANGE_DEFAULT).split()
        low, high = int(text[0]), int(text[1])
        span = high - low + 1
        start = self.ns.lab.rng.randrange(span) & ~1
        for parity in (0, 1):
            for i in range(0, span, 2):
                port = low + (start + i + parity) % span
                if port not in self.listeners and (src, port, dst, dport) not in self.conns:
                    return port
        raise OSError(99, "Cannot assign requested address")

    def accepted(self, sock: TcpSocket, frame_id: int) -> None:
        """The handshake of a passive open completed: the listener's accept() returns it."""
        listener = sock.listener
        self.hop("deliver", f"{sock.name}: handshake complete, accept() returns the new "
                 "connection", "inet_csk_accept", frame_id)
        if listener is None or self.listeners.get(listener.port) is not listener:
            return
        if listener.on_accept is not None:
            listener.on_accept(sock)
        else:
            listener.accept_queue.append(sock)

    # ------------------------------------------------------------------ receive
    def rcv(self, skb: Skb, packet: bytes) -> None:
        """tcp_v4_rcv(): checksum, socket lookup, then the socket's state machine."""
        from netsim.packets import tcp as tcp_pkt
        from netsim.stack import tcp_input

        ihl = (packet[0] & 0x0F) * 4
        src, dst = packet[12:16], packet[16:20]
        segment = packet[ihl:]
        dev = skb.dev.name
        try:
            seg = tcp_pkt.parse(segment)
        except MalformedPacket as err:
            self.stack.drop(dev, skb.frame_id, f"bad TCP: {err}", "tcp_v4_rcv", packet,
                            "bad_tcp")
            return
        if not tcp_pkt.verify(src, dst, segment):
            self.stack.drop(dev, skb.frame_id, "bad TCP checksum", "tcp_v4_rcv", packet,
                            "bad_tcp")
            return
        sock = self.conns.get((dst, seg.dport, src, seg.sport))
        if sock is not None:
            self.hop("rx", f"[{tcp_pkt.flag_text(seg.flags)}] for {sock.name} ({sock.state})",
                     "tcp_v4_rcv", skb.frame_id, packet)
            tcp_input.rcv_state_process(sock, seg, skb.frame_id)
            return
        listener = self.listeners.get(seg.dport)
        if listener is not None and listener.addr in (ANY, dst):
            self._listen_rcv(listener, src, dst, seg, skb.frame_id, packet)
            return
        self.stack.drop(dev, skb.frame_id, f"no socket on TCP port {seg.dport}: answered "
                        "with RST", "tcp_v4_rcv", packet, "no_tcp_socket")
        self.send_reset(src, dst, seg, skb.frame_id)

    def _listen_rcv(self, listener: TcpListener, src: bytes, dst: bytes, seg: tcp_pkt.Tcp,
                    frame_id: int, packet: bytes) -> None:
        """tcp_v4_do_rcv() on a listener: a SYN makes a request socket; stray ACKs: RST."""
        from netsim.packets import tcp as tcp_pkt
        from netsim.stack import tcp_input
        from netsim.stack.tcp_sock import SYN_RECV, TcpSocket, initial_window

        flags = seg.flags
        if flags & tcp_pkt.RST:
            return
        if flags & tcp_pkt.ACK:
            self.hop("drop", f"ACK for port {seg.dport} matches no connection: RST",
                     "tcp_v4_do_rcv", frame_id, packet)
            self.send_reset(src, dst, seg, frame_id)
            return
        if not flags & tcp_pkt.SYN:
            return
        from netsim.stack.ipv4 import NoRoute

        try:
            self.stack.route_output(src)
        except NoRoute:  # inet_csk_route_req() fails: no SYN-ACK, no request socket
            self.stack.drop("", frame_id, f"SYN from {ip_ntoa(src)}: no route back for the "
                            "SYN-ACK", "inet_csk_route_req", packet, "no_route_back")
            return
        sock = TcpSocket(self, dst, seg.dport, src, seg.sport)
        sock.listener = listener
        sock.state = SYN_RECV
        tcp_input.learn_peer(sock, seg)
        sock.rcv_wnd = initial_window(sock.send_mss)  # the peer uses timestamps: MSS - 12
        self.conns[sock.key] = sock
        self.hop("rx", f"SYN from {ip_ntoa(src)}:{seg.sport} on listening port {seg.dport}: "
                 f"a request socket answers SYN-ACK (ISN {sock.iss})", "tcp_conn_request",
                 frame_id, packet)
        sock.send_synack()

    def send_reset(self, src: bytes, dst: bytes, seg: tcp_pkt.Tcp, frame_id: int) -> None:
        """tcp_v4_send_reset(): a RST for the sender of ``seg`` (never for a RST)."""
        from netsim.packets import tcp as tcp_pkt

        rst = tcp_pkt.reset_for(src, dst, seg)
        if rst is None:
            return
        out_id = self.ns.new_frame_id()
        self.hop("reply", f"RST to {ip_ntoa(src)}:{seg.sport} (for frame #{frame_id})",
                 "tcp_v4_send_reset", out_id)
        from netsim.stack.ipv4 import NoRoute

        try:
            self.stack.output(src, IPPROTO_TCP, rst, src=dst, func="tcp_v4_send_reset",
                              frame_id=out_id, ident=0)
        except NoRoute:
            self.hop("drop", f"no route back to {ip_ntoa(src)}: RST not sent",
                     "tcp_v4_send_reset", out_id)

    # ------------------------------------------------------------------ ICMP errors
    def err(self, quoted: bytes, icmp_type: int, code: int, frame_id: int) -> bool:
        """tcp_v4_err(): an ICMP error quoting one of our segments. True if a socket took it."""
        ihl = (quoted[0] & 0x0F) * 4
        if len(quoted) < ihl + 8:
            return False
        sport = int.from_bytes(quoted[ihl:ihl + 2], "big")
        dport = int.from_bytes(quoted[ihl + 2:ihl + 4], "big")
        sock = self.conns.get((quoted[12:16], sport, quoted[16:20], dport))
        if sock is None:
            return False
        if icmp_type == 3:
            if code == 4:
                return True  # fragmentation needed: path MTU, left out
            errno = ICMP_UNREACH_ERRNO.get(code, 113)
        else:
            errno = 113  # time exceeded: EHOSTUNREACH
        from netsim.stack.tcp_sock import SYN_RECV, SYN_SENT

        if sock.state == SYN_SENT and not sock.retransmits and \
                self.ns.env.now == sock.rtx_start:
            # The error came back while connect() still held the socket (veths and a
            # router answer within the syscall): sk_err_soft; the SYN goes again at
            # its timeout, and the error then ends the connect.
            self.hop("info", f"{sock.name}: ICMP error while connect() owns the socket: "
                     "kept as a soft error, the SYN will be sent again", "tcp_v4_err",
                     frame_id)
        elif sock.state in (SYN_SENT, SYN_RECV) and sock.listener is None:
            sock.fail(errno, "tcp_v4_err")
        else:
            self.hop("info", f"{sock.name}: ICMP error kept as a soft error", "tcp_v4_err",
                     frame_id)
        return True

