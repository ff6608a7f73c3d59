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

PROG = "iptables v1.8.9 (nf_tables)"
TRY = "Try `iptables -h' or 'iptables --help' for more information.\n"

PROTOCOLS = {"all": 0, "icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50,
             "ah": 51, "sctp": 132, "udplite": 136, "dccp": 33}
"""-p names (getprotobyname on Debian 12); numbers are taken as they are."""

REJECT_TYPES = {
    "icmp-net-unreachable": ("net-unreach",), "icmp-host-unreachable": ("host-unreach",),
    "icmp-port-unreachable": ("port-unreach",), "icmp-proto-unreachable": ("proto-unreach",),
    "icmp-net-prohibited": ("net-prohib",), "icmp-host-prohibited": ("host-prohib",),
    "icmp-admin-prohibited": ("admin-prohib",), "tcp-reset": ("tcp-rst",),
}
VERDICTS = ("ACCEPT", "DROP", "RETURN")
TARGETS = VERDICTS + ("REJECT", "MASQUERADE", "SNAT", "DNAT")

COMMANDS = {"-A": "A", "--append": "A", "-R": "R", "--replace": "R", "-I": "I",
            "--insert": "I", "-D": "D", "--delete": "D",
            "-L": "L", "--list": "L", "-S": "S", "--list-rules": "S", "-F": "F",
            "--flush": "F", "-Z": "Z", "--zero": "Z", "-P": "P", "--policy": "P",
            "-N": "N", "--new-chain": "N", "-X": "X", "--delete-chain": "X"}
_LONG = {"--source": "-s", "--src": "-s", "--destination": "-d", "--dst": "-d",
         "--protocol": "-p", "--in-interface": "-i", "--out-interface": "-o",
         "--jump": "-j", "--match": "-m", "--table": "-t", "--numeric": "-n",
         "--verbose": "-v", "--exact": "-x", "--source-port": "--sport",
         "--destination-port": "--dport"}


class ParamError(Exception):
    """xtables_error(PARAMETER_PROBLEM): "iptables v1.8.9 (nf_tables): MSG" + Try line."""

    def __init__(self, message: str, status: int = 2, try_line: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.try_line = try_line

    def text(self) -> str:
        return f"{PROG}: {self}\n" + (TRY if self.try_line else "")


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


def parse_net(text: str) -> Net:
    """``-s ADDR[/LEN|/MASK]``: the address masked to its network."""
    addr, _, mask = text.partition("/")
    value = _dotted(addr, partial=True)
    if value is None:
        raise ParamError(f"host/network `{addr}' not found")
    if not mask:
        prefixlen = 32
    elif mask.isdigit():
        prefixlen = int(mask)
        if prefixlen > 32:
            raise ParamError(f"invalid mask `{mask}' specified")
    else:
        bits = _dotted(mask)
        if bits is None:
            raise ParamError(f"invalid mask `{mask}' specified")
        prefixlen = bin(bits).count("1")
    return Net(value & mask_of(prefixlen), prefixlen)


def _dotted(text: str, partial: bool = False) -> int | None:
    """A dotted quad; ``partial`` also takes ``10``, ``10.1``... (missing bytes are 0, as
    in ``-s 10/8``)."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or (len(parts) < 4 and not partial):
        return None
    if not all(p.isdigit() and int(p) < 256 for p in parts):
        return None
    return int.from_bytes(bytes(int(p) for p in parts + ["0"] * (4 - len(parts))), "big")


def parse_port(text: str, proto: str) -> int:
    """One port of ``--sport``/``--dport``: a number or a service name.

    The two matches read it differently in iptables 1.8.9. libxt_tcp still calls
    ``xtables_parse_port``, which refuses anything above 65535 or unknown
    (``invalid port/service `99999' specified``); libxt_udp goes through the guided
    parser, which keeps the low 16 bits of a number (99999 becomes 34463) and names an
    unknown service its own way.
    """
    name = _service_port(text)
    if proto == "tcp":
        if name is not None:
            return name
        if text.isdigit() and int(text) <= 0xFFFF:
            return int(text)
        raise ParamError(f"invalid port/service `{text}' specified")
    if text.isdigit():
        return int(text) & 0xFFFF
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


def _nat_port(text: str) -> int:
    """A port of a NAT target's range (``--to-destination A:P``, ``--to-ports P``):
    a number up to 65535, else iptables' ``Port `P' not valid``."""
    if not text.isdigit() or int(text) > 0xFFFF:
        raise ParamError(f"Port `{text}' not valid")
    return int(text)


def parse_ports(text: str, proto: str) -> tuple[int, int]:
    """``N``, ``N:M``, ``:M``, ``N:`` (names allowed)."""
    if ":" not in text:
        port = parse_port(text, proto)
        return port, port
    low, _, high = text.partition(":")
    return (parse_port(low, proto) if low else 0, parse_port(high, proto) if high else 65535)


def parse_nat_range(text: str) -> tuple[tuple[bytes, bytes] | None, tuple[int, int] | None]:
    """``ADDR[-ADDR][:PORT[-PORT]]`` of --to-source / --to-destination."""
    addrs, _, ports = text.partition(":")
    addr_range = None
    if addrs:
        low, _, high = addrs.partition("-")
        values = [_dotted(a) for a in (low, high or low)]
        for raw, value in zip((low, high or low), values, strict=True):
            if value is None:
                raise ParamError(f'Bad IP address "{raw}"')
        addr_range = (values[0].to_bytes(4, "big"), values[1].to_bytes(4, "big"))  # type: ignore[union-attr]
    port_range = None
    if ports:
        low, _, high = ports.partition("-")
        port_range = (_nat_port(low), _nat_port(high or low))
    return addr_range, port_range


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
            if op in ("A", "N"):
                cmd.chain = take(word)
            elif op in ("I", "D", "R"):
                cmd.chain = take(word)
                number = optional() if op != "R" else take(word)
                if number is not None:
                    if not number.isdigit() or int(number) < 1:
                        raise ParamError(f"Invalid rule number `{number}'")
                    cmd.rulenum = int(number)
            elif op == "P":
                cmd.chain = take(word)
                if i >= len(words):
                    raise ParamError("-P requires a chain and a policy")
                cmd.policy = take(word)
            else:
                cmd.chain = optional()
                if op in ("L", "S") and cmd.chain is not None:
                    number = optional()  # -L CHAIN N: that one rule only
                    if number is not None:
                        if not number.isdigit() or int(number) < 1:
                            raise ParamError(f"Invalid rule number `{number}'")
                        cmd.rulenum = int(number)
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
            net = parse_net(value)
            if net.prefixlen == 0 and not invert:
                pass  # 0/0 matches everything: iptables leaves it out of the rule
            elif opt == "-s":
                rule.src, rule.src_inv = net, invert
            else:
                rule.dst, rule.dst_inv = net, invert
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
            name = value.lower()
            if name.isdigit() and int(name) < 256:
                rule.proto = int(name)
            elif name in PROTOCOLS:
                rule.proto = PROTOCOLS[name]
            else:
                raise ParamError(f'unknown protocol "{value}" specified')
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
            ports = parse_ports(value, port_match.proto)
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
    return cmd


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
        for name, aliases in REJECT_TYPES.items():
            if value == name or value in aliases:
                target.reject_with = name
                return
        raise ParamError(f'unknown reject type "{value}"')
    if option == "--to-ports":
        low, _, high = value.partition("-")
        target.port_range = (_nat_port(low), _nat_port(high or low))
    else:
        target.addr_range, target.port_range = parse_nat_range(value)
    if target.port_range is not None and (rule.proto not in (6, 17) or rule.proto_inv):
        raise ParamError("Need TCP, UDP, SCTP or DCCP with port specification")


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
