"""``dnsmasq``: the options libvirt and people give it, read as dnsmasq 2.90 reads them.

Parsing is GNU getopt_long's (:mod:`netsim.user.getopt`: ``--opt=value``,
``--opt value``, ``-i virbr0``; abbreviated long names are not accepted). Errors print
what the real one prints -- an empty line, then ``dnsmasq: bad command line options:
bad dhcp-range`` -- and exit 1 before anything starts. Then dnsmasq forks into the
background (``-d``/``-k`` keep it in the foreground; here it still runs on, since a
notebook cell cannot be blocked) and serves DHCP: see :mod:`netsim.services.dnsmasq`.

DNS is not modelled: ``--port``, ``--no-resolv``, ``--domain-needed``... are accepted;
``--conf-file`` is accepted and not read (a note says so unless it is /dev/null or
empty, as libvirt's own file holds the same options as its command line).
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.packets.addr import ip_aton
from netsim.services.dhcp_server import MIN_LEASE_TIME, DhcpRange
from netsim.services.dnsmasq import DEFAULT_LEASE_FILE, DnsmasqConfig, launch
from netsim.user.getopt import GetoptError, getopt_long
from netsim.user.io import Io
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.process import Process

# long name -> (short letter or "", takes an argument: "no" | "required" | "optional")
LONG = {
    "interface": ("i", "required"), "except-interface": ("I", "required"),
    "listen-address": ("a", "required"), "bind-interfaces": ("z", "no"),
    "bind-dynamic": ("", "no"), "dhcp-range": ("F", "required"),
    "dhcp-option": ("O", "required"), "dhcp-leasefile": ("l", "required"),
    "no-resolv": ("R", "no"), "no-hosts": ("h", "no"), "port": ("p", "required"),
    "keep-in-foreground": ("k", "no"), "no-daemon": ("d", "no"),
    "pid-file": ("x", "optional"), "conf-file": ("C", "optional"),
    "log-facility": ("8", "required"), "log-dhcp": ("", "no"), "no-ping": ("", "no"),
    "domain": ("s", "required"), "user": ("u", "required"), "group": ("g", "optional"),
    "strict-order": ("o", "no"), "domain-needed": ("D", "no"), "bogus-priv": ("b", "no"),
    "dhcp-no-override": ("", "no"), "dhcp-authoritative": ("K", "no"),
    "dhcp-lease-max": ("X", "required"), "dhcp-hostsfile": ("", "required"),
    "addn-hosts": ("H", "required"), "expand-hosts": ("E", "no"), "local": ("S", "required"),
    "test": ("", "no"), "version": ("v", "no"), "help": ("w", "optional"),
    "log-queries": ("q", "optional"), "cache-size": ("c", "required"),
}
SHORT = {short: name for name, (short, _) in LONG.items() if short}
_TAKES = {"no": "", "required": ":", "optional": "::"}
_SHORTOPTS = "+" + "".join(short + _TAKES[kind] for short, kind in LONG.values() if short)
_LONGOPTS = {name: short + _TAKES[kind] for name, (short, kind) in LONG.items()}

OPTION_NAMES = {"netmask": 1, "router": 3, "dns-server": 6, "domain-name": 15,
                "broadcast": 28, "hostname": 12, "ntp-server": 42, "domain-search": 119}
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class BadOption(Exception):
    """Exit 1 with dnsmasq's "bad command line options: ..." line."""


def _ip(text: str) -> bytes | None:
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        return None


def parse_argv(argv: list[str]) -> list[tuple[str, str | None]]:
    """getopt_long: (long option name, value) pairs; a stray word is "junk".

    The table here is only part of dnsmasq's ~200 options, so long names must be
    typed in full: an abbreviation unique among these may be ambiguous in the real
    one (``--bogus``). Reading stops at the first stray word (``+``), and any word
    left over is junk, as the old loop had it.
    """
    try:
        options, operands = getopt_long("dnsmasq", argv[1:], _SHORTOPTS, _LONGOPTS,
                                        exact=True)
    except GetoptError:
        raise BadOption("try --help") from None
    if operands:
        raise ValueError("junk")
    return [(SHORT[name[1:]] if len(name) == 2 else name[2:], value)
            for name, value in options]


def split_fields(text: str) -> list[str]:
    """dnsmasq's split(): fields at the commas, blanks after a comma and before one
    dropped (not at the very start or end)."""
    parts = text.split(",")
    last = len(parts) - 1
    return [(p.lstrip(" ") if i else p).rstrip(" ") if i < last else (p.lstrip(" ") if i else p)
            for i, p in enumerate(parts)]


def atoi_check(text: str) -> int | None:
    """dnsmasq's atoi_check(): only the digits 0-9 (an empty text too), then atoi() --
    a C long cut to an int, so 2^32 is 0 and 5,000 digits are -1."""
    if any(not "0" <= c <= "9" for c in text):
        return None
    parsed = strtol(text, 10)
    value = (parsed.value if parsed is not None else 0) & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def lease_seconds(text: str) -> int | None:
    """A dhcp-range's lease time: digits and one unit (s m h d w, either case), read
    with atoi() and multiplied in C ints, kept in an unsigned int; under 120 s is 120,
    and 0xffffffff is dnsmasq's infinite (None). Anything else is a bad dhcp-range."""
    factor = 1
    if text and text[-1].lower() in _UNITS:
        factor = _UNITS[text[-1].lower()]
        text = text[:-1]
    number = atoi_check(text)
    if number is None:
        raise BadOption("bad dhcp-range")
    seconds = (number * factor) & 0xFFFFFFFF
    if seconds == 0xFFFFFFFF:
        return None
    return max(seconds, MIN_LEASE_TIME)


def parse_range(text: str) -> DhcpRange:
    """``START,END[,NETMASK][,LEASETIME]`` (tags and ``static`` mode left out)."""
    parts = [p for p in split_fields(text) if not re.match(r"(set|tag):", p)]
    if len(parts) < 2 or _ip(parts[0]) is None:
        raise BadOption("bad dhcp-range")
    start, end = _ip(parts[0]), _ip(parts[1])
    if end is None:
        raise BadOption("bad dhcp-range")
    if int.from_bytes(start, "big") > int.from_bytes(end, "big"):
        start, end = end, start      # dnsmasq swaps a range given backwards
    netmask, lease_time = None, 3600
    for extra in parts[2:4]:
        if _ip(extra) is not None and netmask is None:
            netmask = _ip(extra)
            continue
        if extra == "infinite":
            lease_time = None
            continue
        lease_time = lease_seconds(extra)
    if len(parts) > 4:
        raise BadOption("bad dhcp-range")
    return DhcpRange(start, end, netmask, lease_time)


def apply_option(cfg: DnsmasqConfig, text: str) -> None:
    """``--dhcp-option=option:router,ADDR`` / ``3,ADDR`` / ``6,A,B`` / ``option:domain-name,X``."""
    parts = split_fields(text)
    head = parts[0]
    code = OPTION_NAMES.get(head[7:]) if head.startswith("option:") else atoi_check(head)
    if code is None:
        raise BadOption("bad dhcp-option")
    values = [v for v in parts[1:] if v]
    if code in (3, 6):
        addrs = []
        for value in values:
            if _ip(value) is None:
                raise BadOption("bad IP address")
            addrs.append(ip_aton(value))
        if code == 3:
            cfg.router = addrs[0] if addrs else b""
        else:
            cfg.dns = addrs
    elif code == 15:
        cfg.domain = values[0] if values else ""


def build_config(pairs: list[tuple[str, str | None]], io: Io) -> tuple[DnsmasqConfig, dict]:
    cfg = DnsmasqConfig(lease_file=DEFAULT_LEASE_FILE)
    flags: dict[str, object] = {}
    for name, value in pairs:
        if name == "interface":
            cfg.interfaces += [v for v in (value or "").split(",") if v]
        elif name == "except-interface":
            cfg.except_interfaces += (value or "").split(",")
        elif name == "listen-address":
            for v in (value or "").split(","):
                if _ip(v) is None:
                    raise BadOption("try --help")
                cfg.listen_addresses.append(ip_aton(v))
        elif name in ("bind-interfaces", "bind-dynamic"):
            cfg.bind_interfaces = True
        elif name == "dhcp-range":
            cfg.ranges.append(parse_range(value or ""))
        elif name == "dhcp-option":
            apply_option(cfg, value or "")
        elif name == "dhcp-leasefile":
            cfg.lease_file = value or DEFAULT_LEASE_FILE
        elif name == "port":
            port = atoi_check(value or "")  # atoi_check16()
            if port is None or not 0 <= port <= 0xFFFF:
                raise BadOption("try --help")
            cfg.port = port
        elif name == "pid-file":
            cfg.pid_file = value or cfg.pid_file
        elif name == "log-facility":
            cfg.log_file = value if value and value.startswith("/") else None
        elif name == "log-dhcp":
            cfg.log_dhcp = True
        elif name == "no-ping":
            cfg.no_ping = True
        elif name == "domain":
            cfg.domain = (value or "").split(",")[0]
        elif name == "conf-file":
            if value not in (None, "", "/dev/null"):
                io.error(f"netsim: dnsmasq: --conf-file={value} is not read; give its "
                         "options on the command line\n")
        else:
            flags[name] = value
    return cfg, flags


def _prepare(host: Host, argv: list[str], io: Io) -> tuple[DnsmasqConfig, dict] | int:
    try:
        pairs = parse_argv(argv)
        cfg, flags = build_config(pairs, io)
    except BadOption as err:
        io.error(f"\ndnsmasq: bad command line options: {err}\n")
        return 1
    except ValueError:
        io.error("\ndnsmasq: junk found in command line\n")
        return 1
    if "version" in flags:
        io.write("Dnsmasq version 2.90  Copyright (c) 2000-2024 Simon Kelley\n")
        return 0
    if "test" in flags:
        io.error("dnsmasq: syntax check OK.\n")  # on stderr, as dnsmasq prints it
        return 0
    return cfg, flags


def main(host: Host, argv: list[str], io: Io) -> int:
    """``dnsmasq ...`` typed at the prompt: check, fork, and the prompt comes back."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    prepared = _prepare(host, argv, io)
    if isinstance(prepared, int):
        return prepared
    cfg, flags = prepared
    proc = host.processes.fork_exec(argv)
    if "no-daemon" in flags or "keep-in-foreground" in flags:
        io.error("netsim: dnsmasq stays in the foreground on a real terminal; here it runs "
                 "on in the background\n")
    result = launch(host, cfg, proc, daemonize=True)
    if isinstance(result, str):
        io.error(result)
        return 2
    return 0


def background(host: Host, argv: list[str], proc: Process) -> None:
    """``host.spawn("dnsmasq -d ...")``: the spawned process is dnsmasq itself."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    io = Io()
    prepared = _prepare(host, argv, io)
    proc.out(io.stdout)
    proc.err(io.stderr)
    if isinstance(prepared, int):
        proc.exit(prepared)
        return
    cfg, flags = prepared
    foreground = "no-daemon" in flags or "keep-in-foreground" in flags
    result = launch(host, cfg, proc, daemonize=not foreground)
    if isinstance(result, str):
        proc.err(result)
