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

from netsim.cli.cnum import c_long
from netsim.cli.iptables.services import SERVICES
from netsim.packets.addr import ip_aton
from netsim.stack.ipv4 import NoRoute
from netsim.stack.tcp_sock import ERRNO_TEXT
from netsim.user.strtol import strtol

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


def service_port(text: str, proto: str, host: str = "NULL") -> int:
    """The port of an address as socat 1.7.4 reads it (xiogetaddrinfo()): a service
    that starts with a digit is ``strtoul(text, &end, 0)`` and whatever follows is
    ignored (``12abc`` is 12, ``0x10`` is 16); anything else goes to getaddrinfo(),
    which takes a decimal number kept in an int (``+5``; a negative int like ``-1`` is
    looked up as a name) or a name from /etc/services. The port keeps 16 bits (99999
    is 34463, 2^32 is 0). An unknown name is getaddrinfo's error."""
    if not text:
        raise TcpError("empty port/service")
    if text[0].isascii() and text[0].isdigit():
        return strtol(text, 0, unsigned=True).value & 0xFFFF  # type: ignore[union-attr]
    parsed = strtol(text, 10, unsigned=True)
    if parsed is not None and parsed.end == len(text) and parsed.value & 0xFFFFFFFF < 1 << 31:
        return parsed.value & 0xFFFF
    for port, name in SERVICES[proto].items():
        if name == text:
            return port
    socktype = 1 if proto == "tcp" else 2
    raise TcpError(f'getaddrinfo"{host}", "{text}", {{1,2,{socktype},0}}, {{}}): '
                   "Servname not supported for ai_socktype")


def option_port(name: str, value: str) -> int:
    """``sourceport=``/``sp=``: socat's numeric option (strtoul base 0, all of it, 16
    bits kept): no service names."""
    parsed = strtol(value, 0, unsigned=True)
    if parsed is None:
        raise TcpError(f'parseopts(): missing numerical value of option "{name}={value}"')
    if parsed.end != len(value):
        raise TcpError(f'parseopts(): trailing garbage in numerical arg of option '
                       f'"{name}={value}"')
    return parsed.value & 0xFFFF


def tcp_port(text: str, host: str = "NULL") -> int:
    """The port of a TCP address (see :func:`service_port`)."""
    return service_port(text, "tcp", host)


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


def source_port(address: Address) -> int | None:
    """The ``sourceport=``/``sp=`` option's port, if given (the last one counts)."""
    for name in reversed(list(address.options)):
        if name in ("sourceport", "sp"):
            return option_port(address.spelled[name], address.options[name])
    return None


def check_timeout(half_close: HalfClose) -> float:
    """The ``-t`` wait, as ppoll() takes it: a negative time, or one a C long cannot
    hold (``-t -1``, ``-t nan``, ``-t 1e300``), is EINVAL (socat's ``xiopoll`` line);
    a very long one is cut to the foreground limit (see :class:`HalfClose`)."""
    sec, usec = half_close.timeval
    if sec < 0 or usec < 0:
        raise TcpError(f"xiopoll({{-1,1}}{{-1,4}}{{5,1}}{{-1,4}}, 4, {{{sec}.{usec:06d}}}): "
                       "Invalid argument")
    return min(half_close.seconds, FOREGROUND_LIMIT)


FOREGROUND_LIMIT = 600.0
"""Simulated seconds a client waits for answers at the prompt, whatever ``-t`` says."""


class HalfClose:
    """``-t SECONDS`` as socat keeps it: ``closwait.tv_sec = rto`` (a long) and
    ``tv_usec = (rto - tv_sec) * 1000000``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        sec = c_long(seconds)
        self.timeval = (sec, c_long((seconds - sec) * 1_000_000))

    def note(self) -> str:
        return (f"netsim: socat would wait {self.seconds:g} s for answers; it stopped after "
                f"{FOREGROUND_LIMIT:g} simulated seconds\n")


def client(host: Host, address: Address, io: Io, half_close: HalfClose) -> int:
    """``- TCP4:HOST:PORT``: connect, send standard input, print the answer."""
    target, port_text = address.params
    try:
        dst = ip_aton(target)
    except ValueError:
        raise TcpError(f'getaddrinfo("{target}", "NULL", {{1,2,1,6}}, {{}}): '
                       "Name or service not known") from None
    port = tcp_port(port_text, target)
    lab = host.lab
    where = f"connect(5, AF=2 {target}:{port}, 16)"
    local = source_port(address)
    try:
        sock = host.ns.ipv4.tcp.connect(dst, port, local)
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
    wait = check_timeout(half_close)
    lab.run_until(eof | lab.env.timeout(wait))
    error = sock.error
    sock.close()
    io.write(received.decode(errors="replace"))
    if error is not None:
        raise TcpError(f"read(5, {BUFFER_ADDRESS}, 8192): {ERRNO_TEXT.get(error, error)}")
    if wait < half_close.seconds and not eof.triggered:
        io.error(half_close.note())
    return 0
