"""bash's ``/dev/tcp/HOST/PORT`` and ``/dev/udp/HOST/PORT``: a redirection that is a socket.

There are no such files (``ls /dev/udp`` finds nothing). bash itself recognises the
paths when it opens a redirection (``netopen()``): it looks HOST and PORT up with
getaddrinfo(), makes a socket of the kind the path names, connect()s it and uses it
as the redirection's file descriptor. What a command then writes goes out as it is
written: one UDP datagram per write(), or bytes of one TCP stream.

A connected UDP socket hears back about its peer: an ICMP port unreachable sets the
socket's error (sk_err), and the next send() fails with ``Connection refused``
(without sending; the one after that goes out again). Recorded on Linux 6.18 with
bash 5.2 (tests/oracle/scenarios/fid_shell_dev_udp_tcp.json).
"""

from __future__ import annotations

import errno
import os
import re
from typing import TYPE_CHECKING

from netsim.stack.ipv4 import NoRoute
from netsim.stack.sockets import UdpSocket
from netsim.user.resolver import gethostbyname, name_error
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.stack.tcp_sock import TcpSocket

_NET_PATH = re.compile(r"/dev/(tcp|udp)/([^/]+)/(.*)", re.DOTALL)


class NetOpenError(Exception):
    """netopen() failed. ``note`` is the line bash prints first: getaddrinfo()'s
    complaint (``internal_error()``: with the script's line number) or connect()'s
    (``sys_error()``: without, so ``note_has_line`` is False); ``errno`` is what the
    redirection itself then reports."""

    def __init__(self, err: int, note: str, note_has_line: bool = True) -> None:
        super().__init__(err)
        self.errno = err
        self.note = note
        self.note_has_line = note_has_line


def net_path(path: str) -> tuple[str, str, str] | None:
    """(``tcp``/``udp``, host, service) when bash reads ``path`` as a socket, else None
    (``/dev/udp/10.0.0.2`` without a port is an ordinary, missing, file)."""
    match = _NET_PATH.fullmatch(path)
    return (match[1], match[2], match[3]) if match else None


def _port(service: str, proto: str) -> int:
    """getaddrinfo()'s service: a decimal number (all of it; 16 bits kept, so 99999 is
    34463 and an empty service is 0). Service names are not looked up here."""
    if service == "":
        return 0
    parsed = strtol(service, 10, unsigned=True)
    if parsed is not None and parsed.end == len(service) and parsed.value < 1 << 31:
        return parsed.value & 0xFFFF
    raise NetOpenError(errno.EINVAL, f"{service}: Servname not supported for ai_socktype")


class NetStream:
    """The connected socket behind the descriptor: ``write`` and ``close``."""

    def __init__(self, udp: UdpSocket | None, tcp: TcpSocket | None,
                 peer: tuple[str, int]) -> None:
        self.udp = udp
        self.tcp = tcp
        self.peer = peer

    def write(self, data: bytes) -> None:
        """One write(): raises OSError as send() would (``Connection refused``...)."""
        if self.udp is not None:
            error = self.udp.take_error()  # sock_error(): reported once, then cleared
            if error is not None:
                raise error
            self.udp.sendto(data, self.peer)  # NoRoute is the OSError send() gives
        elif self.tcp is not None:
            if self.tcp.error is not None:
                raise OSError(self.tcp.error, os.strerror(self.tcp.error))
            self.tcp.send(data)

    def close(self) -> None:
        """close(): a UDP socket goes; a TCP one sends its FIN after the queued data."""
        if self.udp is not None:
            self.udp.close()
            self.udp = None
        if self.tcp is not None:
            self.tcp.shutdown()
            self.tcp.close()
            self.tcp = None


def netopen(host: Host, proto: str, name: str, service: str) -> NetStream:
    """Resolve, make the socket, connect: the stream, or :class:`NetOpenError`.

    ``host`` is the simulated machine (its file system for /etc/hosts, its kernel).
    A TCP connect() waits in simulated time for the handshake to end.
    """
    addr = gethostbyname(host.fs, name)
    if addr is None:
        raise NetOpenError(errno.EINVAL, f"{name}: {name_error(name)}")
    port = _port(service, proto)
    dotted = ".".join(str(b) for b in addr)
    ns = host.ns
    try:
        if proto == "udp":
            ns.ipv4.route_output(addr)  # connect() on a datagram socket looks the route up
            udp = UdpSocket.autobind(ns)
            udp.connect((dotted, port))
            return NetStream(udp, None, (dotted, port))
        tcp = ns.ipv4.tcp.connect(addr, port)
    except NoRoute as err:
        raise NetOpenError(err.errno or errno.ENETUNREACH, f"connect: {err.strerror}",
                           note_has_line=False) from None
    host.lab.run_until(tcp.wait)
    if tcp.error is not None:
        error = tcp.error
        tcp.close()
        raise NetOpenError(error, f"connect: {os.strerror(error)}", note_has_line=False)
    return NetStream(None, tcp, (dotted, port))
