"""socat's TCP addresses: ``TCP4-LISTEN:PORT[,fork]`` with PIPE (an echo server) and
``TCP4:HOST:PORT`` (a client), as socat 1.7.4.4 runs them.

The client (``echo hello | socat - TCP4:198.51.100.10:7``) connects, sends standard
input, and at its end shuts its sending half down (a FIN), then waits for the other
direction: it stops when the server closes too, or ``-t`` seconds (0.5) later. A
connect that fails is socat's ``E`` line with the kernel's words, exit status 1::

    ... socat[PID] E connect(5, AF=2 198.51.100.10:9, 16): Connection refused
    ... socat[PID] E connect(5, AF=2 198.51.100.10:10, 16): Connection timed out

The server listens; each connection is handled by a child process (with ``fork``;
without it socat serves one connection and exits): what arrives goes back, and when
the client's FIN arrives the child closes its side and exits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.packets.addr import ip_aton
from netsim.stack.ipv4 import NoRoute
from netsim.stack.tcp_sock import ERRNO_TEXT

if TYPE_CHECKING:
    from netsim.cli.socat import Address
    from netsim.host import Host
    from netsim.stack.tcp_sock import TcpSocket
    from netsim.user.io import Io
    from netsim.user.process import Process

SERVER_KINDS = {"TCP4-LISTEN", "TCP-LISTEN"}
CLIENT_KINDS = {"TCP4", "TCP", "TCP4-CONNECT", "TCP-CONNECT"}
BUFFER_ADDRESS = "0x563d0ba88000"


class TcpError(Exception):
    """A socat ``E`` message about a TCP address."""


def tcp_port(text: str) -> int:
    """The port as socat's getaddrinfo() reads it: digits, kept to 16 bits (99999 is 34463)."""
    if not text.isdigit():
        raise TcpError(f'getaddrinfo(NULL, "{text}", {{1,2,1,6}}, {{}}): '
                       "Servname not supported for ai_socktype")
    return int(text) & 0xFFFF


def serve(host: Host, server: Address, proc: Process) -> None:
    """``TCP4-LISTEN:PORT[,fork] PIPE``: listen, and echo on every accepted connection."""
    port = tcp_port(server.params[0])
    fork = "fork" in server.options
    tcp = host.ns.ipv4.tcp

    def accept(sock: TcpSocket) -> None:
        if not proc.running:
            sock.close()
            return
        child = host.processes.spawn(proc.cmdline, ppid=proc.pid) if fork else proc
        if not fork:
            listener.close()  # one connection, then socat is done listening
        _echo(host, sock, child, proc if fork else None)

    try:
        listener = tcp.listen(port, accept)
    except OSError as err:
        raise TcpError(f"bind(5, {{AF=2 0.0.0.0:{port}}}, 16): {err.strerror}") from None
    proc.at_exit(lambda _proc: listener.close())


def _echo(host: Host, sock: TcpSocket, child: Process, parent: Process | None) -> None:
    """PIPE: bytes back as they come; the client's FIN ends the child."""

    def on_data(data: bytes) -> None:
        if child.running:
            sock.send(data)

    def on_eof() -> None:
        sock.close()  # the client is done: our FIN follows the echoed data
        if parent is not None and child.running:
            child.exit(0)
            host.processes.reap(child)

    def on_error(_errno: int) -> None:
        if parent is not None and child.running:
            child.exit(1)
            host.processes.reap(child)

    sock.on_data, sock.on_eof, sock.on_error = on_data, on_eof, on_error
    child.at_exit(lambda _proc: sock.close())


def client(host: Host, address: Address, io: Io, half_close: float) -> int:
    """``- TCP4:HOST:PORT``: connect, send standard input, print the answer."""
    target, port_text = address.params
    try:
        dst = ip_aton(target)
    except ValueError:
        raise TcpError(f'getaddrinfo("{target}", "NULL", {{1,2,1,6}}, {{}}): '
                       "Name or service not known") from None
    port = tcp_port(port_text)
    lab = host.lab
    where = f"connect(5, AF=2 {target}:{port}, 16)"
    local = address.options.get("sourceport") or address.options.get("sp")
    try:
        sock = host.ns.ipv4.tcp.connect(dst, port, tcp_port(local) if local else None)
    except NoRoute as err:
        raise TcpError(f"{where}: {err.strerror}") from None
    except OSError as err:
        raise TcpError(f"bind(5, {{AF=2 0.0.0.0:{local}}}, 16): {err.strerror}") from None
    lab.run_until(sock.wait)
    if sock.error is not None:
        raise TcpError(f"{where}: {ERRNO_TEXT.get(sock.error, sock.error)}")
    received = bytearray(sock.received)
    eof = lab.env.event()
    sock.on_data = received.extend
    sock.on_eof = lambda: eof.succeed() if not eof.triggered else None
    sock.on_error = lambda _errno: eof.succeed() if not eof.triggered else None
    if io.stdin and sock.error is None:
        try:
            sock.send(io.stdin.encode())
        except OSError as err:  # the server already reset the connection
            raise TcpError(f"write(5, {BUFFER_ADDRESS}, {len(io.stdin.encode())}): "
                           f"{err.strerror}") from None
    sock.shutdown()
    lab.run_until(eof | lab.env.timeout(half_close))
    error = sock.error
    sock.close()
    io.write(received.decode(errors="replace"))
    if error is not None:
        raise TcpError(f"read(5, {BUFFER_ADDRESS}, 8192): {ERRNO_TEXT.get(error, error)}")
    return 0
