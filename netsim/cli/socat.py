"""``socat``: the UDP and TCP parts of socat 1.7.4: echo services and clients.

socat joins two *addresses* and copies data both ways between them. The mode
scenarios use the two classic UDP one-liners:

* ``socat UDP4-RECVFROM:7,fork PIPE`` -- an echo server (RFC 862): every datagram
  that arrives on port 7 goes back to its sender (``PIPE`` and ``EXEC:cat`` both echo);
* ``echo hello | socat - UDP4:198.51.100.10:7`` -- a client: standard input goes
  out as one datagram, what comes back within ``-t`` seconds (0.5 s) is printed.

A server waits forever, which a notebook cell cannot do: typed at the prompt it goes
on in the background with a note (``host.spawn("socat ...")`` is ``socat ... &``).
Addresses modelled: ``-``/``STDIO``, ``PIPE``, ``EXEC:cat``, ``UDP4-RECVFROM``,
``UDP4-LISTEN``, ``UDP4``/``UDP4-CONNECT``, ``UDP4-SENDTO`` (and their ``UDP-``
spellings), ``TCP4-LISTEN`` and ``TCP4``/``TCP4-CONNECT`` (and ``TCP-``; see
:mod:`netsim.cli.socat_tcp`: ``socat TCP4-LISTEN:7,fork PIPE`` and
``echo hello | socat - TCP4:198.51.100.10:7``), with the options ``fork``,
``reuseaddr``, ``sourceport``/``sp`` and ``bind``. Anything else gets socat's own
"unknown device/address" error.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.cli import socat_tcp
from netsim.cli.cnum import c_argv, strtod
from netsim.packets.addr import ip_ntoa
from netsim.stack.sockets import UdpSocket
from netsim.user.process import wall_clock
from netsim.user.resolver import gethostbyname, name_error

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.io import Io
    from netsim.user.process import Process

VERSION = "socat version 1.7.4.4 on 06 Nov 2022 08:15:51"
DEFAULT_HALF_CLOSE = 0.5  # -t: how long socat waits for answers after stdin ended

_BUFFER_ADDRESS = "0x563d0ba88000"  # socat prints its read buffer's address; any will do
_SERVER_KINDS = {"UDP4-RECVFROM", "UDP-RECVFROM", "UDP4-LISTEN", "UDP-LISTEN",
                 *socat_tcp.SERVER_KINDS}
_CLIENT_KINDS = {"UDP4", "UDP", "UDP4-CONNECT", "UDP-CONNECT", "UDP4-SENDTO", "UDP-SENDTO",
                 "UDP4-DATAGRAM", "UDP-DATAGRAM", *socat_tcp.CLIENT_KINDS}
_STDIO_KINDS = {"-", "STDIO", "STDIN", "STDOUT"}
_ECHO_KINDS = {"PIPE"}
_PARAMETERS = {**dict.fromkeys(_SERVER_KINDS, 1), **dict.fromkeys(_CLIENT_KINDS, 2),
               **dict.fromkeys(_STDIO_KINDS, 0), "PIPE": 0, "EXEC": 1}
_KNOWN_OPTIONS = {"fork", "reuseaddr", "sourceport", "sp", "bind", "so-reuseaddr",
                  "broadcast", "so-broadcast"}
_CONNECTED_KINDS = {"UDP4", "UDP", "UDP4-CONNECT", "UDP-CONNECT"}


class SocatError(Exception):
    """socat's ``E`` messages: printed with a timestamp and the PID, exit status 1."""


@dataclass
class Address:
    kind: str
    params: list[str]
    options: dict[str, str] = field(default_factory=dict)
    spelled: dict[str, str] = field(default_factory=dict)  # option as typed, by name

    @property
    def echoes(self) -> bool:
        return self.kind in _ECHO_KINDS or (self.kind == "EXEC" and self.params == ["cat"])


def parse_address(text: str) -> Address:
    """``KIND:param:param,opt,opt=value`` -> :class:`Address`, or socat's error.

    socat's lexer copies each parameter into a 512-byte buffer and each option value
    into a 2048-byte one: a longer one is an error (the address is named, or what is
    left of the option)."""
    head, *opts = text.split(",")
    if any(len(_c_bytes(p)) >= 512 for p in head.split(":")):
        raise SocatError(f'address "{text}"')
    for opt in opts:
        value = _c_bytes(opt.partition("=")[2])
        if len(value) >= 2048:
            rest = value[2048:].decode("utf-8", "surrogateescape")
            raise SocatError(f'option too long:  "{rest}"')
    kind, *params = head.split(":") if head != "-" else ["-"]
    kind_upper = kind.upper()
    if kind_upper not in _PARAMETERS:
        raise SocatError(f'unknown device/address "{kind}"')
    wanted = _PARAMETERS[kind_upper]
    if len(params) != wanted:
        raise SocatError(f"{kind_upper}: wrong number of parameters ({len(params)} "
                         f"instead of {wanted})")
    options: dict[str, str] = {}
    spelled: dict[str, str] = {}
    for opt in opts:
        name, _, value = opt.partition("=")
        if name.lower() not in _KNOWN_OPTIONS:
            raise SocatError(f'unknown option "{name}"')
        options[name.lower()] = value
        spelled[name.lower()] = name
    if kind_upper == "EXEC" and params != ["cat"]:
        raise SocatError(f'netsim: EXEC:{params[0]} is not modelled (EXEC:cat is)')
    return Address(kind_upper, params, options, spelled)


def _c_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def main(host: Host, argv: list[str], io: Io) -> int:
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    args = argv[1:]
    half_close = socat_tcp.HalfClose(DEFAULT_HALF_CLOSE)
    unidirectional = False
    while args and args[0].startswith("-") and args[0] != "-":
        flag = args.pop(0)
        unidirectional = unidirectional or flag == "-u"
        if flag == "-V":
            io.write(f"socat by Gerhard Rieger and contributors - see www.dest-unreach.org\n"
                     f"{VERSION}\n")
            return 0
        if flag.startswith("-t"):
            # socat's Strtod(): strtod() and all of the text; a huge or negative value
            # is taken here and refused by ppoll() once stdin has ended
            value = flag[2:] or (args.pop(0) if args else None)
            if value is None:
                return _fail(host, io, 'option -t requires an argument; use option "-h" '
                             "for help")
            read = strtod(value)
            if read is None:
                return _fail(host, io, 'parseopts(): missing numerical value of option "-t"')
            if read[1] != len(value):
                return _fail(host, io, "parseopts(): trailing garbage in numerical arg of "
                             'option "-t"')
            half_close = socat_tcp.HalfClose(read[0])
        elif flag in ("-u", "-U", "-d", "-v"):
            continue
        else:
            return _fail(host, io, f'unknown option "{flag}"; use option "-h" for help')
    if len(args) != 2:
        return _fail(host, io, f'exactly 2 addresses required (there are {len(args)}); '
                     'use option "-h" for help')
    try:
        first, second = parse_address(args[0]), parse_address(args[1])
    except SocatError as err:
        return _fail(host, io, str(err))
    server, other = _server_and_other(first, second)
    if server is not None:
        if not other.echoes:
            return _fail(host, io, "netsim: a UDP or TCP server is modelled with PIPE or "
                         "EXEC:cat (an echo service)")
        proc = host.processes.spawn(argv, ppid=host.shell_pid, tty="pts/0")
        try:
            _serve(host, server, proc)
        except (SocatError, socat_tcp.TcpError) as err:
            proc.exit(1)
            host.processes.reap(proc)
            return _fail(host, io, str(err))
        io.error(f"netsim: socat would serve in the foreground until killed; it goes on in "
                 f"the background as pid {proc.pid} (host.spawn runs it as `socat ... &`)\n")
        return 0
    client = next((a for a in (first, second) if a.kind in _CLIENT_KINDS), None)
    if client is None or not ({first.kind, second.kind} & _STDIO_KINDS):
        return _fail(host, io, "netsim: only STDIO <-> UDP/TCP and UDP/TCP server <-> PIPE "
                     "are modelled")
    try:
        if client.kind in socat_tcp.CLIENT_KINDS:
            return socat_tcp.client(host, client, io, half_close)
        return _client(host, client, io, half_close, unidirectional)
    except (SocatError, socat_tcp.TcpError) as err:
        return _fail(host, io, str(err))


def background(host: Host, argv: list[str], proc: Process) -> None:
    """``socat UDP4-RECVFROM:7,fork PIPE &``: the echo service as a process of its own."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    try:
        addresses = [parse_address(a) for a in argv[1:] if not a.startswith("-") or a == "-"]
        server, other = _server_and_other(*addresses) if len(addresses) == 2 else (None, None)
        if server is None or not other.echoes:
            raise SocatError("netsim: in the background, socat runs a UDP or TCP echo "
                             "server (UDP4-RECVFROM:PORT,fork PIPE or TCP4-LISTEN:PORT,fork "
                             "PIPE)")
        _serve(host, server, proc)
    except (SocatError, socat_tcp.TcpError) as err:
        proc.err(_message(host, proc.pid, str(err)))
        proc.exit(1)


# ----------------------------------------------------------------------------- the work
def _server_and_other(a: Address, b: Address) -> tuple[Address | None, Address]:
    if a.kind in _SERVER_KINDS:
        return a, b
    if b.kind in _SERVER_KINDS:
        return b, a
    return None, b


def _serve(host: Host, server: Address, proc: Process) -> None:
    """Bind the port; every datagram goes back to where it came from, from this port."""
    if server.kind in socat_tcp.SERVER_KINDS:
        socat_tcp.serve(host, server, proc)
        return
    port = socat_tcp.service_port(server.params[0], "udp")
    try:
        sock = host.udp_socket(port) if port else UdpSocket.autobind(host.ns)
    except OSError as err:
        raise SocatError(f"bind(5, {{AF=2 0.0.0.0:{port}}}, 16): {err.strerror}") from None

    def echo(data: bytes, addr: tuple[str, int]) -> None:
        if proc.running:
            # no route back: the datagram is lost, as with any UDP sender
            with contextlib.suppress(OSError):
                sock.sendto(data, addr)

    sock.on_receive = echo
    proc.at_exit(lambda _proc: sock.close())


def _client(host: Host, client: Address, io: Io, half_close: socat_tcp.HalfClose,
            unidirectional: bool = False) -> int:
    """STDIN -> one datagram to HOST:PORT; print what comes back within ``-t`` seconds.

    ``UDP-SENDTO`` and ``UDP-DATAGRAM`` send from an unconnected socket, which hears
    of no ICMP error; ``UDP``/``UDP-CONNECT`` connect() it first. With ``-u`` nothing
    is read back (socat only writes to the second address)."""
    target, port_text = client.params
    address = gethostbyname(host.fs, target)
    if address is None:
        raise SocatError(f'getaddrinfo("{target}", "NULL", {{1,2,2,17}}, {{}}): '
                         f"{name_error(target)}")
    port = socat_tcp.service_port(port_text, "udp", target)
    local = socat_tcp.source_port(client)
    try:
        sock = (host.udp_socket(local) if local else UdpSocket.autobind(host.ns))
    except OSError as err:
        raise SocatError(f"bind(5, {{AF=2 0.0.0.0:{local}}}, 16): {err.strerror}") from None
    target = ip_ntoa(address)
    if client.kind in _CONNECTED_KINDS:
        sock.connect((target, port))
    sock.broadcast = "broadcast" in client.options or "so-broadcast" in client.options
    try:
        if io.stdin:
            data = io.stdin.encode()
            try:
                sock.sendto(data, (target, port))
            except OSError as err:
                raise SocatError(f"sendto(5, {_BUFFER_ADDRESS}, {len(data)}, 0, "
                                 f"AF=2 {target}:{port}, 16): {err.strerror}") from None
        wait = socat_tcp.check_timeout(half_close)
        for data, _addr in sock.recv(timeout=wait, until_error=not unidirectional):
            if not unidirectional:
                io.write(data.decode(errors="replace"))
        error = sock.take_error()
        if error is not None and not unidirectional:  # an ICMP port unreachable: recv() fails
            raise SocatError(f"read(5, {_BUFFER_ADDRESS}, 8192): {error.strerror}")
        if wait < half_close.seconds:
            io.error(half_close.note())
    finally:
        sock.close()
    return 0


def _message(host: Host, pid: int, text: str) -> str:
    stamp = time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(wall_clock(host.lab.now)))
    line = f"{stamp} socat[{pid}] E {text}".encode("utf-8", "surrogateescape")
    # socat formats a message into 512 bytes: a longer one is cut there
    return line[:512].decode("utf-8", "surrogateescape") + "\n"


def _fail(host: Host, io: Io, text: str) -> int:
    """socat's error line: the run was a process of its own, whose PID the line shows."""
    proc = host.processes.spawn(["socat"], ppid=host.shell_pid)
    io.error(_message(host, proc.pid, text))
    proc.exit(1)
    host.processes.reap(proc)
    return 1
