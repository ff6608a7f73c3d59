"""``conntrack`` (conntrack-tools 1.4.7): the host's connection tracking table.

    conntrack -L [conntrack] [-p icmp|udp|PROTO] [-s ADDR] [-d ADDR]   list
    conntrack -D [-p ..] [-s ..] [-d ..]                               delete
    conntrack -F                                                       flush
    conntrack -C                                                       count
    conntrack -V                                                       version

``-s``/``-d``/``-r``/``-q`` take ``ADDR[/LEN]``; a bad address or mask is refused with
conntrack's words before anything is listed or deleted.

A line is what the kernel's ctnetlink dump holds, in conntrack's words: protocol name
and number, the seconds left (counting down in simulated time), the original tuple,
``[UNREPLIED]`` until a reply was seen, the reply tuple (after NAT: the translated
one), ``[ASSURED]``, ``mark=0 use=1``. The count of entries goes to standard error::

    icmp     1 29 src=192.168.122.10 dst=10.0.0.2 type=8 code=0 id=7 src=10.0.0.2 ...
    tcp      6 431999 ESTABLISHED src=192.168.122.10 dst=198.51.100.10 sport=40000 ...
    conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.

A host with no connection tracking (no nat table, no ``-m conntrack`` rule) has an
empty table, as on Linux before nf_conntrack is loaded.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.cli.iptables.xtables import inet_aton
from netsim.stack.netfilter import conntrack_tcp as ct_tcp
from netsim.stack.netfilter.conntrack import ORIGINAL, REPLY, Conn, ConntrackTable, tuple_text
from netsim.user.getopt import Getopt, GetoptError
from netsim.user.strtol import Parsed, strtol

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.io import Io

PROG = "conntrack v1.4.7 (conntrack-tools)"
TRY = "Try `conntrack -h' or 'conntrack --help' for more information.\n"
PROTOS = {"icmp": 1, "tcp": 6, "udp": 17, "udplite": 136, "sctp": 132, "dccp": 33, "gre": 47}
_NAMES = {1: "icmp", 6: "tcp", 17: "udp"}
_COMMANDS = "LDFCV"
_FILTERS = {"p": "--protonum", "s": "--orig-src", "d": "--orig-dst", "r": "--reply-src",
            "q": "--reply-dst"}  # letter -> the name conntrack's messages use
# a command may name its table (-L conntrack, -Lconntrack); -V takes none
_SHORTOPTS = "+L::D::F::C::V" + "".join(f"{c}:" for c in _FILTERS)
# long names, each another name for a letter; not all of conntrack's, so typed in full
_LONGOPTS = {"dump": "L::", "delete": "D::", "flush": "F::", "count": "C::", "version": "V",
             "protonum": "p:", "proto": "p:", "src": "s:", "orig-src": "s:", "dst": "d:",
             "orig-dst": "d:", "reply-src": "r:", "reply-dst": "q:"}
# Options a protocol's extension adds once -p names it (conntrack's proto helpers):
# option -> (direction, tuple field: 3 = sport / ICMP id, 4 = dport / ICMP type)
_PORT_OPTIONS = {"--orig-port-src": (0, 3), "--sport": (0, 3),
                 "--orig-port-dst": (0, 4), "--dport": (0, 4),
                 "--reply-port-src": (1, 3), "--reply-port-dst": (1, 4)}
_PROTO_OPTIONS: dict[int, dict[str, tuple[int, int]]] = {
    6: _PORT_OPTIONS, 17: _PORT_OPTIONS,
    1: {"--icmp-id": (0, 3), "--icmp-type": (0, 4)}}
USAGE = (
    'Command line interface for the connection tracking system. Version 1.4.7\n'
    'Usage: conntrack [commands] [options]\n'
    '\n'
    'Commands:\n'
    '  -L [table] [options]\t\tList conntrack or expectation table\n'
    '  -G [table] parameters\t\tGet conntrack or expectation\n'
    '  -D [table] parameters\t\tDelete conntrack or expectation\n'
    '  -I [table] parameters\t\tCreate a conntrack or expectation\n'
    '  -U [table] parameters\t\tUpdate a conntrack\n'
    '  -E [table] [options]\t\tShow events\n'
    '  -F [table]\t\t\tFlush table\n'
    '  -C [table]\t\t\tShow counter\n'
    '  -S\t\t\t\tShow statistics\n'
    '\n'
    'Tables: conntrack, expect, dying, unconfirmed\n'
    '\n'
    'Conntrack parameters and options:\n'
    '  -n, --src-nat ip\t\t\tsource NAT ip\n'
    '  -g, --dst-nat ip\t\t\tdestination NAT ip\n'
    '  -j, --any-nat ip\t\t\tsource or destination NAT ip\n'
    '  -m, --mark mark\t\t\tSet mark\n'
    '  -c, --secmark secmark\t\t\tSet selinux secmark\n'
    '  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY\n'
    '  -z, --zero \t\t\t\tZero counters while listing\n'
    '  -o, --output type[,...]\t\tOutput format, eg. xml\n'
    '  -l, --label label[,...]\t\tconntrack labels\n'
    '\n'
    'Expectation parameters and options:\n'
    '  --tuple-src ip\tSource address in expect tuple\n'
    '  --tuple-dst ip\tDestination address in expect tuple\n'
    '\n'
    'Updating parameters and options:\n'
    '  --label-add label\tAdd label\n'
    '  --label-del label\tDelete label\n'
    '\n'
    'Common parameters and options:\n'
    '  -s, --src, --orig-src ip\t\tSource address from original direction\n'
    '  -d, --dst, --orig-dst ip\t\tDestination address from original direction\n'
    '  -r, --reply-src ip\t\tSource addres from reply direction\n'
    '  -q, --reply-dst ip\t\tDestination address from reply direction\n'
    "  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'\n"
    "  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'\n"
    '  -t, --timeout timeout\t\tSet timeout\n'
    '  -u, --status status\t\tSet status, eg. ASSURED\n'
    '  -w, --zone value\t\tSet conntrack zone\n'
    '  --orig-zone value\t\tSet zone for original direction\n'
    '  --reply-zone value\t\tSet zone for reply direction\n'
    '  -b, --buffer-size\t\tNetlink socket buffer size\n'
    '  --mask-src ip\t\t\tSource mask address\n'
    '  --mask-dst ip\t\t\tDestination mask address\n'
    '\n'
)
"""What conntrack prints when given no command (to standard output, status 0)."""


class _Error(Exception):
    def text(self) -> str:
        return f"{PROG}: {self}\n{TRY}"


def format_entry(ct: ConntrackTable, conn: Conn) -> str:
    """One line of conntrack -L (a TCP entry names its state after the seconds left)."""
    proto = conn.proto
    state = f"{ct_tcp.NAMES[conn.tcp_state]} " if proto == 6 else ""
    line = (f"{_NAMES.get(proto, 'unknown'):<8} {proto} {ct.remaining(conn)} {state}"
            f"{tuple_text(conn.tuples[ORIGINAL])} ")
    if not conn.seen_reply:
        line += "[UNREPLIED] "
    line += tuple_text(conn.tuples[REPLY])
    if conn.assured:
        line += " [ASSURED]"
    return line + " mark=0 use=1\n"


def main(host: Host, argv: list[str], io: Io) -> int:
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    try:
        command, filters = _parse(argv[1:])
    except _Error as err:
        io.error(err.text())
        return 2
    if command is None:
        io.write(USAGE)
        return 0
    if command == "V":
        io.write(f"{PROG}\n")
        return 0
    nf = host.ns.netfilter
    ct = nf.conntrack if nf is not None else None
    entries = [c for c in (ct.entries() if ct is not None else []) if _selected(c, filters)]
    if command == "L":
        io.write("".join(format_entry(ct, c) for c in entries))  # type: ignore[arg-type]
        io.error(f"{PROG}: {len(entries)} flow entries have been shown.\n")
        return 0
    if command == "C":
        io.write(f"{len(entries)}\n")
        return 0
    if command == "F":
        if ct is not None:
            ct.flush()
        io.error(f"{PROG}: connection tracking table has been emptied.\n")
        return 0
    for conn in entries:
        ct.delete(conn)  # type: ignore[union-attr]
    io.error(f"{PROG}: {len(entries)} flow entries have been deleted.\n")
    return 0 if entries else 1


def _parse(args: list[str]) -> tuple[str | None, dict[str, object]]:
    """conntrack's getopt_long() loop. It prints no getopt message (``opterr = 0``) but
    its own, naming the word (``argv[optind - 1]``); a command takes its table from
    the next word unless that is an option; ``-p`` brings its protocol's options."""
    command: str | None = None
    filters: dict[str, object] = {}
    scan = Getopt("conntrack", args, _SHORTOPTS, _LONGOPTS, exact=True)
    try:
        for name, value in scan:
            letter = name[1:] if len(name) == 2 else ""  # "" for a protocol's --option
            if letter and letter in _COMMANDS:
                if command is not None and "V" in (command, letter):
                    raise _Error("Invalid commands combination")
                command = letter
                # the table: glued (-Lconntrack, --dump=conntrack), or the next word
                # unless it is an option (conntrack's get_optional_arg())
                table = value
                following = scan.args[scan.optind] if scan.optind < len(scan.args) else "-"
                if table is None and not following.startswith("-"):
                    table = following
                    scan.optind += 1
                if table is not None and table != "conntrack":
                    raise _Error(f"unknown type `{table}'" if table not in (
                        "expect", "dying", "unconfirmed") else "netsim: only the "
                        "conntrack table is modelled")
            elif letter in _FILTERS:
                assert value is not None
                option = _FILTERS[letter]
                if option == "--protonum":
                    proto = PROTOS.get(value.lower(), _protocol_number(value))
                    if proto is None:
                        raise _Error(f"`{value}' unsupported protocol")
                    filters[option] = proto
                    scan.longopts = {**_LONGOPTS, **{extra[2:]: ":" for extra in
                                                     _PROTO_OPTIONS.get(proto, {})}}
                else:
                    filters[option] = _address(value, option)
            else:  # an option of the protocol -p named: --sport 53
                assert value is not None
                field = _PROTO_OPTIONS[filters["--protonum"]][name]  # type: ignore[index]
                # conntrack-tools reads the number with atoi() into 16 bits: no error for
                # "abc" (0), 70000 (4464) or a 5,000-digit number, as the real tool shows.
                filters[field] = _c_int(strtol(value, 10)) & 0xFFFF
    except GetoptError as err:
        if err.kind in (GetoptError.MISSING, GetoptError.NEEDS_ARGUMENT):
            raise _Error(f"option `{err.word}' requires an argument") from None
        raise _Error(f"unknown option `{err.word}'") from None
    if scan.operands:
        stray = scan.operands[0]
        raise _Error(f"unknown {'option' if stray.startswith('-') else 'type'} `{stray}'")
    if command in ("C", "F") and filters:
        raise _Error(f"Illegal option `{next(iter(filters))}' with this command")
    return command, filters


def _protocol_number(text: str) -> int | None:
    """-p NUMBER: ``strtoul(text, &end, 0)``, all of it, up to 255 (``0x6``, `` 6``,
    ``-0`` are fine; ``6 ``, ``256`` are not)."""
    parsed = strtol(text, 0, unsigned=True)
    if parsed is None or parsed.end != len(text) or parsed.value > 255:
        return None
    return parsed.value


def _c_int(parsed: Parsed | None) -> int:
    """A ``long`` from strtol() stored in a C ``int`` (no digit: 0)."""
    if parsed is None:
        return 0
    value = parsed.value & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def _address(text: str, option: str) -> tuple[int, int] | None:
    """``-s ADDR[/LEN]`` as conntrack reads it (parse_addr(): the text cut to 45 bytes,
    inet_aton() then inet_pton(AF_INET6), the length read by strtol() into an int):
    ``(network, mask)``, or None for an IPv6 address (valid, and matching none of our
    IPv4 entries). A bad one is refused before anything is listed or deleted; only the
    original direction takes a /LEN."""
    raw = text.encode("utf-8", "surrogateescape")[:45].decode("utf-8", "surrogateescape")
    addr, slash, length = raw.partition("/")
    if slash and option in ("--reply-src", "--reply-dst"):
        raise _Error(f"CIDR notation unavailable for `{option}'")
    value = inet_aton(addr)
    if value is None:
        if not _is_ipv6(addr):
            raise _Error(f"Invalid IP address `{text}'")
        if slash and not 0 <= _netmask(length) <= 128:
            raise _Error("Invalid netmask")
        return None
    prefix = _netmask(length) if slash else 32
    if not 0 <= prefix <= 32:
        raise _Error("Invalid netmask")
    mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    return value & mask, mask


def _netmask(text: str) -> int:
    """``strtol(text, &end, 10)`` into an int; -1 (refused) if anything follows it."""
    parsed = strtol(text, 10)
    if parsed is None:
        return 0 if not text else -1  # no digit: end is the start, fine only if empty
    if parsed.end != len(text):
        return -1
    return _c_int(parsed)


def _is_ipv6(text: str) -> bool:
    if not text.isascii() or "\0" in text:
        return False
    try:
        socket.inet_pton(socket.AF_INET6, text)
    except OSError:
        return False
    return True


def _selected(conn: Conn, filters: dict[str, object]) -> bool:
    orig, reply = conn.tuples[ORIGINAL], conn.tuples[REPLY]
    addresses = {"--orig-src": orig[1], "--orig-dst": orig[2],
                 "--reply-src": reply[1], "--reply-dst": reply[2]}
    for name, wanted in filters.items():
        if name == "--protonum":
            if wanted != orig[0]:
                return False
        elif isinstance(name, tuple):
            direction, index = name
            if conn.tuples[direction][index] != wanted:
                return False
        else:
            if wanted is None:  # an IPv6 address: no IPv4 entry has it
                return False
            network, mask = wanted  # type: ignore[misc]
            if int.from_bytes(addresses[name], "big") & mask != network:
                return False
    return True
