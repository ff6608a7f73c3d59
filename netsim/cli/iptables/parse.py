"""iptables' command line -> one :class:`Command` (iptables 1.8.9, nf_tables backend).

The words are read left to right as iptables' ``do_parse`` does: a ``!`` inverts the
option after it; ``-p udp`` makes ``--sport``/``--dport`` known (the protocol's match
loads implicitly), ``-m NAME`` loads a match, ``-j NAME`` a target, whose options only
exist after it. Anything wrong raises :class:`ParamError` with iptables' own words
(exit status 2); nothing has been changed by then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netsim.cli.iptables.services import SERVICES
from netsim.cli.iptables.xtables import (
    INT_MAX,
    UINT8_MAX,
    UINT16_MAX,
    inet_aton_exact,
    numeric_to_ipaddr,
    numeric_to_ipmask,
    strtoui,
    strtoui_end,
)
from netsim.stack.netfilter.rules import (
    CT_STATES,
    TCP_FLAG_BITS,
    Iface,
    Net,
    PortMatch,
    Rule,
    StateMatch,
    Target,
    mask_of,
)
from netsim.user.strtol import strtol

PROG = "iptables v1.8.9 (nf_tables)"
TRY = "Try `iptables -h' or 'iptables --help' for more information.\n"

PROTOCOLS = {"all": 0, "icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50,
             "ah": 51, "sctp": 132, "udplite": 136, "dccp": 33}
"""-p names (getprotobyname on Debian 12); numbers are taken as they are."""

REJECT_TYPES = {
    "icmp-net-unreachable": "net-unreach", "icmp-host-unreachable": "host-unreach",
    "icmp-proto-unreachable": "proto-unreach", "icmp-port-unreachable": "port-unreach",
    "icmp-net-prohibited": "net-prohib", "icmp-host-prohibited": "host-prohib",
    "tcp-reset": "tcp-rst", "icmp-admin-prohibited": "admin-prohib",
}
"""libxt_REJECT's reject_table, in its order: name -> alias."""
VERDICTS = ("ACCEPT", "DROP", "RETURN")
TARGETS = VERDICTS + ("REJECT", "MASQUERADE", "SNAT", "DNAT")

COMMANDS = {"-A": "A", "--append": "A", "-R": "R", "--replace": "R", "-I": "I",
            "--insert": "I", "-D": "D", "--delete": "D",
            "-L": "L", "--list": "L", "-S": "S", "--list-rules": "S", "-F": "F",
            "--flush": "F", "-Z": "Z", "--zero": "Z", "-P": "P", "--policy": "P",
            "-N": "N", "--new-chain": "N", "-X": "X", "--delete-chain": "X",
            "-E": "E", "--rename-chain": "E", "-C": "C", "--check": "C"}
# xtables_find_target(name, XTF_TRY_LOAD) finds these (Debian 12's libxt_*/libipt_* target
# extensions and the standard verdicts): -N refuses them as chain names
TARGET_NAMES = frozenset((
    "ACCEPT", "DROP", "QUEUE", "RETURN", "AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP",
    "CONNMARK", "CONNSECMARK", "CT", "DNAT", "DSCP", "ECN", "HMARK", "IDLETIMER", "LED", "LOG",
    "MARK", "MASQUERADE", "NAT", "NETMAP", "NFLOG", "NFQUEUE", "NOTRACK", "RATEEST",
    "REDIRECT", "REJECT", "SECMARK", "SET", "SNAT", "SYNPROXY", "TCPMSS", "TCPOPTSTRIP", "TEE",
    "TOS", "TPROXY", "TRACE", "TTL", "ULOG", "standard",
))
CHAIN_NAME_MAX = 29  # XT_EXTENSION_MAXNAMELEN
_LONG = {"--source": "-s", "--src": "-s", "--destination": "-d", "--dst": "-d",
         "--protocol": "-p", "--in-interface": "-i", "--out-interface": "-o",
         "--jump": "-j", "--match": "-m", "--table": "-t", "--numeric": "-n",
         "--verbose": "-v", "--exact": "-x", "--source-port": "--sport",
         "--destination-port": "--dport"}


class ParamError(Exception):
    """xtables_error(PARAMETER_PROBLEM): "iptables v1.8.9 (nf_tables): MSG" + Try line."""

    def __init__(self, message: str, status: int = 2, try_line: bool = True,
                 before: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.try_line = try_line
        self.before = before  # what the extension printed to stderr first

    def text(self) -> str:
        return self.before + f"{PROG}: {self}\n" + (TRY if self.try_line else "")


@dataclass
class Command:
    op: str = ""
    flag: str = ""  # how the command was spelled, for "Cannot use -L with -A"
    chain: str | None = None
    rulenum: int | None = None
    policy: str | None = None
    table: str = "filter"
    numeric: bool = False
    verbose: bool = False
    exact: bool = False
    line_numbers: bool = False
    rule: Rule = field(default_factory=Rule)
    seen: set[str] = field(default_factory=set)
    newname: str | None = None  # -E OLD NEW


def parse_net(text: str) -> Net:
    """``-s ADDR[/LEN|/MASK]`` as ``xtables_ipparse_multiple()`` reads it: blanks before
    the address skipped, the mask (after the last ``/``) read first, an address with a
    null mask ignored (``any/0``), then the address masked to its network."""
    text = text.lstrip(_SPACES)
    if "," in text:
        raise ParamError("netsim: a list of addresses (one rule each) is not modelled")
    if len(text.encode("utf-8", "surrogateescape")) > 255:
        raise ParamError("Hostname too long")
    addr, slash, mask = text.rpartition("/")
    if not slash:
        addr, prefixlen = mask, 32
    else:
        bits = numeric_to_ipmask(mask)
        if bits is not None:
            prefixlen = bin(bits).count("1")
        else:
            prefixlen = strtoui(mask, 0, 32)  # type: ignore[assignment]
            if prefixlen is None:
                raise ParamError(f"invalid mask `{mask}' specified")
    if prefixlen == 0:
        addr = "0.0.0.0"
    value = numeric_to_ipaddr(addr)
    if value is None:
        value = inet_aton_exact(addr)  # getaddrinfo() before any name service
    if value is None:
        raise ParamError(f"host/network `{addr}' not found")
    return Net(value & mask_of(prefixlen), prefixlen)


_SPACES = " \t\n\v\f\r"


def _inet_pton(text: str) -> int | None:
    """inet_pton(AF_INET): four decimal parts, no leading zero, nothing else."""
    parts = text.split(".")
    if len(parts) != 4 or not all(
            p and len(p) <= 3 and p.isascii() and p.isdigit() and (p == "0" or p[0] != "0")
            for p in parts):
        return None
    values = [int(p) for p in parts]
    if any(v > 255 for v in values):
        return None
    return int.from_bytes(bytes(values), "big")


def parse_port(text: str, proto: str) -> int:
    """One port of ``--sport``/``--dport``: a number or a service name.

    The two matches read it differently in iptables 1.8.9. libxt_tcp still calls
    ``xtables_parse_port``: ``xtables_strtoui`` up to 65535 (``0x16`` and `` 22`` are
    fine), else a service name, else ``invalid port/service `99999' specified``.
    libxt_udp goes through the guided parser, which asks ``getaddrinfo()``: a decimal
    ``strtoul`` kept in a C int and then in 16 bits (99999 becomes 34463, 2^32 is 0),
    a negative int (2^31, -1, 2^64) looked up as a name, and an unknown name is
    ``Port "..." does not resolve to anything.``
    """
    if proto == "tcp":
        value = strtoui(text, 0, UINT16_MAX)
        if value is None:
            value = _service_port(text)
        if value is None:
            raise ParamError(f"invalid port/service `{text}' specified")
        return value
    parsed = strtol(text, 10, unsigned=True)
    if parsed is not None and parsed.end == len(text):
        number = parsed.value & 0xFFFFFFFF  # (int) strtoul(): ULONG_MAX is -1
        if number < 1 << 31:
            return number & 0xFFFF
    name = _service_port(text)
    if name is not None:
        return name
    raise ParamError(f'Port "{text}" does not resolve to anything.\n')


def _service_port(text: str) -> int | None:
    """xtables_getportbyname(): a name from /etc/services, any protocol's will do."""
    for table in ("tcp", "udp"):
        for port, name in SERVICES[table].items():
            if name == text:
                return port
    return None


def parse_ports(text: str, proto: str, option: str = "--destination-port") -> tuple[int, int]:
    """``N``, ``N:M``, ``:M``, ``N:`` (names allowed)."""
    if proto == "udp" and text.count(":") > 1:
        raise ParamError(f'udp: Too many components for option "{option}" (max: 2)\n')
    if ":" not in text:
        port = parse_port(text, proto) if text or proto == "tcp" else 0
        return port, port
    low, _, high = text.partition(":")
    ports = (parse_port(low, proto) if low else 0, parse_port(high, proto) if high else 65535)
    if proto == "tcp" and ports[0] > ports[1]:
        raise ParamError("invalid portrange (min > max)")
    return ports


def _nat_ports(text: str) -> tuple[int, int]:
    """A NAT target's ports (libxt_NAT's parse_ports(): ``P``, ``P-P``, ``P-P/BASE``):
    xtables_strtoui up to 65535 with an end pointer, so what follows the number is
    named (``Garbage after port value: `abc'``)."""
    read = strtoui_end(text, 0, UINT16_MAX)
    if read is None:
        port = _service_port(text)
        if port is None:
            raise ParamError(f"Port `{text}' not valid")
        return port, port
    port, end = read
    rest = text[end:]
    if not rest:
        return port, port
    if rest[0] == ":":
        raise ParamError("Invalid port:port syntax - use dash")
    if rest[0] != "-":
        raise ParamError(f"Garbage after port value: `{rest}'")
    high_text = rest[1:]
    read = strtoui_end(high_text, 0, UINT16_MAX)
    if read is None:
        raise ParamError(f"Port `{high_text}' not valid")
    maxport, end = read
    if maxport < port:
        raise ParamError(f"Port range `{high_text}' funky")
    rest = high_text[end:]
    if rest and rest[0] != "/":
        raise ParamError(f"Garbage after port range: `{rest}'")
    if rest:  # /BASE: the offset into the range (read, not modelled)
        base = rest[1:]
        if strtoui_end(base, 1, UINT16_MAX) is None and _service_port(base) is None:
            raise ParamError(f"Port `{base}' not valid")
    return port, maxport


def parse_nat_range(text: str, portok: bool) -> tuple[tuple[bytes, bytes] | None,
                                                      tuple[int, int] | None]:
    """``ADDR[-ADDR][:PORT[-PORT]]`` of --to-source / --to-destination (libxt_NAT's
    parse_to(): the ports first; two colons make it an IPv6 address)."""
    colon = text.find(":")
    if colon >= 0 and ":" in text[colon + 1:]:
        colon = -1
    port_range = None
    addrs = text
    if colon >= 0:
        if not portok:
            raise ParamError(_NEED_PORT_PROTO)
        port_range = _nat_ports(text[colon + 1:])
        if colon == 0:
            return None, port_range
        addrs = text[:colon]
    low, dash, high = addrs.partition("-")
    values = []
    for raw in (low, high) if dash else (low,):
        value = _inet_pton(raw)
        if value is None:
            raise ParamError(f'Bad IP address "{raw}"')
        values.append(value.to_bytes(4, "big"))
    return (values[0], values[-1]), port_range


_NEED_PORT_PROTO = "Need TCP, UDP, SCTP or DCCP with port specification"


def parse(argv: list[str]) -> Command:
    """The whole command line (without ``iptables``) into a :class:`Command`."""
    cmd = Command()
    rule = cmd.rule
    words = list(argv)
    i = 0
    invert = False
    port_match: PortMatch | None = None
    loaded: dict[str, object] = {}  # matches loaded by -m or implicitly
    target_opts: set[str] = set()
    addresses: dict[str, tuple[str, bool]] = {}

    def take(option: str) -> str:
        nonlocal i
        if i >= len(words):
            raise ParamError(f'option "{option}" requires an argument')
        i += 1
        return words[i - 1]

    def optional() -> str | None:
        nonlocal i
        if i < len(words) and not words[i].startswith("-") and words[i] != "!":
            i += 1
            return words[i - 1]
        return None

    def once(flag: str) -> None:
        if flag in cmd.seen:
            raise ParamError(f"multiple {flag} flags not allowed")
        cmd.seen.add(flag)

    while i < len(words):
        word = words[i]
        i += 1
        if word == "!":
            invert = True
            continue
        opt = _LONG.get(word, word)
        if opt in COMMANDS:
            op = COMMANDS[opt]
            if cmd.op:
                raise ParamError(f"Cannot use -{op} with -{cmd.op}")
            cmd.op, cmd.flag = op, opt
            if op in ("A", "N", "C"):
                cmd.chain = take(word)
                if op == "N":
                    _parse_chain(cmd.chain)
            elif op == "E":
                cmd.chain = take(word)
                if i >= len(words) or words[i][:1] in ("-", "!"):
                    raise ParamError("-E requires old-chain-name and new-chain-name")
                cmd.newname = take(word)
            elif op in ("I", "D", "R"):
                cmd.chain = take(word)
                number = optional()
                if number is None and op == "R":
                    raise ParamError("-R requires a rule number")
                if number is not None:
                    cmd.rulenum = _rule_number(number)
            elif op == "P":
                cmd.chain = take(word)
                if i >= len(words):
                    raise ParamError("-P requires a chain and a policy")
                cmd.policy = take(word)
            else:
                cmd.chain = optional()
                if op in ("L", "S", "Z") and cmd.chain is not None:
                    number = optional()  # -L CHAIN N: that one rule only
                    if number is not None:
                        cmd.rulenum = _rule_number(number)
        elif opt in ("-V", "--version"):
            cmd.op = "V"  # iptables prints its version and exits, whatever else is there
            return cmd
        elif opt == "-t":
            cmd.table = take(word)
        elif opt in ("-n", "-v", "-x", "--line-numbers"):
            attr = {"-n": "numeric", "-v": "verbose", "-x": "exact",
                    "--line-numbers": "line_numbers"}[opt]
            setattr(cmd, attr, True)
        elif opt in ("-s", "-d"):
            value = take(word)
            once(opt)
            addresses[opt] = (value, invert)  # read once the line is (post_parse)
        elif opt in ("-i", "-o"):
            value = take(word)
            once(opt)
            if opt == "-i":
                rule.in_iface, rule.in_inv = Iface(value), invert
            else:
                rule.out_iface, rule.out_inv = Iface(value), invert
        elif opt == "-p":
            value = take(word)
            once(opt)
            name = _ascii_lower(value)  # iptables canonicalizes with tolower()
            number = strtoui(name, 0, UINT8_MAX)
            if number is not None:
                rule.proto = number
            elif name in PROTOCOLS:
                rule.proto = PROTOCOLS[name]
            else:
                raise ParamError(f'unknown protocol "{name}" specified')
            rule.proto_inv = invert
        elif opt == "-m":
            name = take(word)
            if name in ("udp", "tcp"):
                if rule.proto != PROTOCOLS[name] or rule.proto_inv:
                    raise ParamError(f"{name.upper()} match requires '-p {name}'")
                port_match = PortMatch(name)
                rule.matches.append(port_match)
                loaded[name] = port_match
            elif name in ("conntrack", "state"):
                match = StateMatch(name)
                rule.matches.append(match)
                loaded[name] = match
            elif name in ("multiport", "icmp", "comment", "mark", "limit", "physdev"):
                raise ParamError(f"netsim: match `{name}' is not modelled")
            else:
                raise ParamError(f"Couldn't load match `{name}':No such file or directory\n")
        elif opt in ("--sport", "--dport"):
            proto = {6: "tcp", 17: "udp"}.get(rule.proto) if not rule.proto_inv else None
            if port_match is None:
                if proto is None:
                    raise ParamError(f'unknown option "{word}"')
                port_match = PortMatch(proto)  # the protocol's match, loaded implicitly
                rule.matches.append(port_match)
            value = take(word)
            long_name = "--source-port" if opt == "--sport" else "--destination-port"
            if opt in cmd.seen:
                raise ParamError(f'{port_match.proto}: option "{long_name}" can only be used '
                                 "once.\n")
            cmd.seen.add(opt)
            ports: tuple[int, int] | None = parse_ports(value, port_match.proto, long_name)
            if ports == (0, 0xFFFF) and not invert:
                ports = None  # every port: the match prints (and tests) nothing for it
            if opt == "--sport":
                port_match.sport, port_match.sport_inv = ports, invert
            else:
                port_match.dport, port_match.dport_inv = ports, invert
        elif opt in ("--syn", "--tcp-flags") and (
                port_match.proto == "tcp" if port_match is not None
                else rule.proto == PROTOCOLS["tcp"] and not rule.proto_inv):
            if port_match is None:
                port_match = PortMatch("tcp")  # libxt_tcp, loaded by -p tcp
                rule.matches.append(port_match)
            if port_match.flags is not None:
                raise ParamError("multiple flags not allowed")
            if opt == "--syn":
                port_match.flags = (0x17, 0x02)  # FIN,SYN,RST,ACK SYN
            else:
                port_match.flags = (_tcp_flags(take(word)), _tcp_flags(take(word)))
            port_match.flags_inv = invert
        elif opt in ("--ctstate", "--state") and (
                ("conntrack" if opt == "--ctstate" else "state") in loaded):
            match = loaded["conntrack" if opt == "--ctstate" else "state"]
            value = take(word)
            states = value.upper().split(",") if value else [""]
            for s in states:
                if s not in CT_STATES:
                    kind = "ctstate" if opt == "--ctstate" else "state"
                    raise ParamError(f'Bad {kind} "{s}"')
            match.states, match.invert = frozenset(states), invert  # type: ignore[attr-defined]
        elif opt == "-j":
            if invert:
                raise ParamError("cannot have ! before -j")
            name = take(word)
            once("-j")
            rule.target = Target(name)
        elif opt in ("--reject-with", "--to-source", "--to-destination", "--to-ports") and \
                rule.target is not None and _owner(opt) == rule.target.name:
            value = take(word)
            if opt in target_opts:
                raise ParamError(f'{rule.target.name}: option "{opt}" can only be used once.\n')
            target_opts.add(opt)
            _target_option(rule, opt, value)
        elif opt in ("-w", "--wait"):
            optional()
        elif word.startswith("-") and word != "-":
            raise ParamError(f'unknown option "{word}"')
        else:
            raise _BadArgument(word)
        invert = False
    _finish_matches(rule)
    _finish_target(rule, target_opts)
    if not cmd.op:
        raise ParamError("no command specified")
    if invert:
        raise ParamError("nothing appropriate following !")
    for opt in ("-s", "-d"):  # the source first, wherever each was given
        if opt in addresses:
            value, inverted = addresses[opt]
            net = parse_net(value)
            if net.prefixlen == 0 and not inverted:
                pass  # 0/0 matches everything: iptables leaves it out of the rule
            elif opt == "-s":
                rule.src, rule.src_inv = net, inverted
            else:
                rule.dst, rule.dst_inv = net, inverted
    return cmd


def _parse_chain(name: str) -> None:
    """parse_chain(): what -N accepts as a chain name."""
    if len(name.encode("utf-8", "surrogateescape")) >= CHAIN_NAME_MAX:
        raise ParamError(f"chain name `{name}' too long (must be under {CHAIN_NAME_MAX} chars)")
    if name[:1] in ("-", "!"):
        raise ParamError(f"chain name not allowed to start with `{name[0]}'")
    if name in TARGET_NAMES:
        raise ParamError("chain name may not clash with target name")
    if any(c in " \t\n\v\f\r" for c in name):
        raise ParamError(f"Invalid chain name `{name}'")


def _rule_number(text: str) -> int:
    """parse_rulenumber(): xtables_strtoui(text, NULL, &n, 1, INT_MAX)."""
    number = strtoui(text, 1, INT_MAX)
    if number is None:
        raise ParamError(f"Invalid rule number `{text}'")
    return number


def _ascii_lower(text: str) -> str:
    """C's tolower() in the C locale: only A-Z change."""
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


class _BadArgument(ParamError):
    """A stray word: iptables prints it without its usual prefix."""

    def __init__(self, word: str) -> None:
        super().__init__(f"Bad argument `{word}'")

    def text(self) -> str:
        return f"{self}\n{TRY}"


def _tcp_flags(text: str) -> int:
    """``SYN,ACK`` / ``ALL`` / ``NONE`` -> the bits (libxt_tcp's parse_tcp_flags)."""
    bits = 0
    for name in text.upper().split(","):
        if name == "ALL":
            bits |= 0x3F
        elif name != "NONE":
            if name not in TCP_FLAG_BITS:
                raise ParamError(f'Unknown TCP flag "{name}"')
            bits |= TCP_FLAG_BITS[name]
    return bits


def _owner(option: str) -> str:
    return {"--reject-with": "REJECT", "--to-source": "SNAT",
            "--to-destination": "DNAT", "--to-ports": "MASQUERADE"}[option]


def _target_option(rule: Rule, option: str, value: str) -> None:
    target = rule.target
    assert target is not None
    if option == "--reject-with":
        # REJECT_parse(): the first name or alias the word begins, whatever the case
        word = _ascii_lower(value)
        for name, alias in REJECT_TYPES.items():
            if name.startswith(word) or alias.startswith(word):
                target.reject_with = name
                return
        echo = "echo-reply".startswith(word) or "echoreply".startswith(word)
        raise ParamError(f'unknown reject type "{value}"', before="--reject-with echo-reply "
                         "no longer supported\n" if echo else "")
    # libxt_NAT: ports need one of these protocols, not inverted (ICMP's id is a port)
    portok = rule.proto in (1, 6, 17, 33, 132) and not rule.proto_inv
    if option == "--to-ports":
        if not portok:
            raise ParamError(_NEED_PORT_PROTO)
        target.port_range = _nat_ports(value)
    else:
        target.addr_range, target.port_range = parse_nat_range(value, portok)


def _finish_matches(rule: Rule) -> None:
    """The matches' final checks: ``-m conntrack`` and ``-m state`` need a state."""
    for match in rule.matches:
        if isinstance(match, StateMatch) and not match.states:
            if match.module == "conntrack":
                raise ParamError("conntrack: At least one option is required")
            raise ParamError('state: option "--state" must be specified\n')


def _finish_target(rule: Rule, given: set[str]) -> None:
    """The target's final check (x6->final_check): required options, defaults."""
    target = rule.target
    if target is None:
        return
    if target.name == "REJECT" and not target.reject_with:
        target.reject_with = "icmp-port-unreachable"
    for name, option in (("SNAT", "--to-source"), ("DNAT", "--to-destination")):
        if target.name == name and option not in given:
            raise ParamError(f'{name}: option "{option}" must be specified\n')
