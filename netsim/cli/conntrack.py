"""``conntrack`` (conntrack-tools 1.4.7): the host's connection tracking table.

    conntrack -L [conntrack|expect] [-p icmp|udp|PROTO] [-s ADDR] [-d ADDR] [-f ipv4|ipv6]
              [-n|-g|-j [ADDR]] [-o extended,id,..] [-z]                 list
    conntrack -D [-p ..] [-s ..] [-d ..]               delete, printing what it deletes
    conntrack -G -p P -s ADDR -d ADDR (--sport/--dport | --icmp-type/--icmp-code [--icmp-id])
    conntrack -F [expect]                                              flush
    conntrack -C [expect]                                              count
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
_COMMANDS = "LDFCVG"
_FILTERS = {"p": "--protonum", "s": "--orig-src", "d": "--orig-dst", "r": "--reply-src",
            "q": "--reply-dst", "f": "--family"}  # letter -> the name conntrack's messages use
_NAT_FILTERS = {"n": "--src-nat", "g": "--dst-nat", "j": "--any-nat"}  # [ip]: NATed entries
# a command may name its table (-L conntrack, -Lconntrack); -V takes none
_SHORTOPTS = ("+L::D::F::C::G::V" + "".join(f"{c}:" for c in _FILTERS) + "o:z"
              + "".join(f"{c}::" for c in _NAT_FILTERS))
# long names, each another name for a letter; not all of conntrack's, so typed in full
_LONGOPTS = {"dump": "L::", "delete": "D::", "flush": "F::", "count": "C::", "get": "G::",
             "version": "V", "protonum": "p:", "proto": "p:", "src": "s:", "orig-src": "s:",
             "dst": "d:", "orig-dst": "d:", "reply-src": "r:", "reply-dst": "q:",
             "family": "f:", "output": "o:", "zero": "z", "src-nat": "n::",
             "dst-nat": "g::", "any-nat": "j::"}
# -o words conntrack knows; netsim prints extended and id, the others change nothing here
# (no timestamps, labels or user-space marks) except xml, which is not modelled
_OUTPUTS = ("xml", "extended", "timestamp", "id", "ktimestamp", "labels", "userspace")
# Options a protocol's extension adds once -p names it (conntrack's proto helpers):
# option -> (direction, tuple field: 3 = sport / ICMP id, 4 = dport / ICMP type)
_PORT_OPTIONS = {"--orig-port-src": (0, 3), "--sport": (0, 3),
                 "--orig-port-dst": (0, 4), "--dport": (0, 4),
                 "--reply-port-src": (1, 3), "--reply-port-dst": (1, 4)}
_PROTO_OPTIONS: dict[int, dict[str, tuple[int, int]]] = {
    6: _PORT_OPTIONS, 17: _PORT_OPTIONS,
    1: {"--icmp-id": (0, 3), "--icmp-type": (0, 4), "--icmp-code": (0, 5)}}
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


def format_entry(ct: ConntrackTable, conn: Conn, outputs: frozenset[str] = frozenset(),
                 use: int = 1) -> str:
    """One line of conntrack -L (a TCP entry names its state after the seconds left);
    ``-o extended`` puts the layer 3 protocol first, ``-o id`` the entry's id last.
    ``use`` is the entry's reference count (a -G holds one more while it prints)."""
    proto = conn.proto
    state = f"{ct_tcp.NAMES[conn.tcp_state]} " if proto == 6 else ""
    line = "ipv4     2 " if "extended" in outputs else ""
    line += (f"{_NAMES.get(proto, 'unknown'):<8} {proto} {ct.remaining(conn)} {state}"
             f"{tuple_text(conn.tuples[ORIGINAL])} ")
    if not conn.seen_reply:
        line += "[UNREPLIED] "
    line += tuple_text(conn.tuples[REPLY])
    if conn.assured:
        line += " [ASSURED]"
    line += f" mark=0 use={use}"
    if "id" in outputs:
        line += f" id={conn.id}"
    return line + "\n"


def main(host: Host, argv: list[str], io: Io) -> int:
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    try:
        command, table, filters, outputs = _parse(argv[1:])
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
    if table == "expect":  # no helpers in netsim: the expectation table stays empty
        return _expect(command, io)
    if command == "G":
        return _get(ct, filters, outputs, io)
    entries = [c for c in (ct.entries() if ct is not None else []) if _selected(c, filters)]
    if command == "L":
        io.write("".join(format_entry(ct, c, outputs) for c in entries))  # type: ignore[arg-type]
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
    for conn in entries:  # -D prints each entry it deletes
        io.write(format_entry(ct, conn, outputs))  # type: ignore[arg-type]
        ct.delete(conn)  # type: ignore[union-attr]
    io.error(f"{PROG}: {len(entries)} flow entries have been deleted.\n")
    return 0 if entries else 1


def _expect(command: str, io: Io) -> int:
    if command == "L":
        io.error(f"{PROG}: 0 expectations have been shown.\n")
    elif command == "C":
        io.write("0\n")
    elif command == "F":
        io.error(f"{PROG}: expectation table has been emptied.\n")
    else:
        io.error(_Error("You need to supply the `--src' option for this command").text())
        return 2
    return 0


def _get(ct: ConntrackTable | None, filters: dict[str, object], outputs: frozenset[str],
         io: Io) -> int:
    """-G: the one entry whose original tuple is given in full (ctnetlink's get)."""
    proto = filters.get("--protonum")
    try:
        if proto is None:
            raise _Error("You need to supply the `--protonum' option for this command")
        if "--orig-src" not in filters or "--orig-dst" not in filters:
            raise _Error("you have to specify `--src' and `--dst'")
        if proto in (6, 17) and ((0, 3) not in filters or (0, 4) not in filters):
            raise _Error("you have to specify `--sport' and `--dport'")
        if proto == 1:
            for option, field in (("--icmp-type", (0, 4)), ("--icmp-code", (0, 5))):
                if field not in filters:
                    raise _Error(f"You need to supply the `{option}' option for this command")
    except _Error as err:
        io.error(err.text())
        return 2
    wanted = dict(filters)
    if proto == 1:
        wanted.setdefault((0, 3), 0)  # no --icmp-id: id 0
    found = [c for c in (ct.entries() if ct is not None else []) if _selected(c, wanted)
             and all(isinstance(v, tuple) and v[1] == 0xFFFFFFFF for k, v in filters.items()
                     if k in ("--orig-src", "--orig-dst"))]
    if not found:
        io.error(f"{PROG}: Operation failed: such conntrack doesn't exist\n")
        return 1
    io.write(format_entry(ct, found[0], outputs, use=2))  # type: ignore[arg-type]
    io.error(f"{PROG}: 1 flow entries have been shown.\n")
    return 0


def _parse(args: list[str]) -> tuple[str | None, str | None, dict[str, object], frozenset[str]]:
    """conntrack's getopt_long() loop. It prints no getopt message (``opterr = 0``) but
    its own, naming the word (``argv[optind - 1]``); a command takes its table from
    the next word unless that is an option; ``-p`` brings its protocol's options."""
    command: str | None = None
    table: str | None = None
    filters: dict[str, object] = {}
    outputs: set[str] = set()
    scan = Getopt("conntrack", args, _SHORTOPTS, _LONGOPTS, exact=True)
    try:
        for name, value in scan:
            letter = name[1:] if len(name) == 2 else ""  # "" for a protocol's --option
            if letter and letter in _COMMANDS:
                if command is not None:
                    raise _Error("Invalid commands combination")
                command = letter
                # the table: glued (-Lconntrack, --dump=conntrack), or the next word
                # unless it is an option (conntrack's get_optional_arg())
                table = value
                following = scan.args[scan.optind] if scan.optind < len(scan.args) else "-"
                if table is None and not following.startswith("-"):
                    table = following
                    scan.optind += 1
                if table is not None and table not in ("conntrack", "expect"):
                    raise _Error(f"unknown type `{table}'" if table not in (
                        "dying", "unconfirmed") else "netsim: only the conntrack and "
                        "expect tables are modelled")
            elif letter == "f":
                assert value is not None
                if value not in ("ipv4", "ipv6", "inet", "inet6"):
                    raise _Error(f"`{value}' unsupported protocol")
                filters["--family"] = value in ("ipv4", "inet")
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
            elif letter in _NAT_FILTERS:
                following = scan.args[scan.optind] if scan.optind < len(scan.args) else "-"
                if value is None and not following.startswith("-"):
                    value = following
                    scan.optind += 1
                filters[_NAT_FILTERS[letter]] = (
                    None if value is None else _address(value, _NAT_FILTERS[letter]))
            elif letter == "o":
                assert value is not None
                for word in value.split(","):
                    if word not in _OUTPUTS:
                        raise _Error(f"Bad parameter `{word}'")
                    if word == "xml":
                        raise _Error("netsim: the xml output is not modelled")
                    outputs.add(word)
            elif letter == "z":
                pass  # zero the counters while listing: netsim keeps none (acct off)
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
    return command, table, filters, frozenset(outputs)


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
                 "--reply-src": reply[1], "--reply-dst": reply[2],
                 "--src-nat": reply[2], "--dst-nat": reply[1]}
    for name, wanted in filters.items():
        if name == "--protonum":
            if wanted != orig[0]:
                return False
        elif name == "--family":
            if not wanted:  # IPv6: no entry of ours
                return False
        elif name in ("--src-nat", "--dst-nat", "--any-nat"):
            kinds = ["--src-nat", "--dst-nat"] if name == "--any-nat" else [name]
            nat = {"--src-nat": conn.src_nat, "--dst-nat": conn.dst_nat}
            if not any(nat[k] and (wanted is None or (
                    isinstance(wanted, tuple) and int.from_bytes(addresses[k], "big")
                    & wanted[1] == wanted[0])) for k in kinds):
                return False
        elif isinstance(name, tuple):
            direction, index = name
            if index == 5:  # the ICMP code: 0 for every echo we track
                if wanted != 0:
                    return False
            elif conn.tuples[direction][index] != wanted:
                return False
        else:
            if wanted is None:  # an IPv6 address: no IPv4 entry has it
                return False
            network, mask = wanted  # type: ignore[misc]
            if int.from_bytes(addresses[name], "big") & mask != network:
                return False
    return True
