"""``iptables -L`` and ``-S`` text, column for column as iptables 1.8.9 prints it.

``-L`` without ``-n`` writes names (``anywhere``, ``all``, ``any``, ``dpt:domain``);
with ``-n`` numbers (``0.0.0.0/0``, protocol ``0``, ``*``, ``dpt:53``). ``-v`` adds
counters and the in/out columns; ``-x`` prints exact counters (8 wide, while the
header keeps ``bytes`` 10 wide: the real tool's rows do not line up either).
"""

from __future__ import annotations

from netsim.cli.iptables.services import SERVICES
from netsim.packets.addr import ip_ntoa
from netsim.stack.netfilter.rules import PROTO_NAMES, Chain, Net, PortMatch, Rule, Table

_PROTO_BY_NUMBER = {0: "all", 2: "igmp", 47: "gre", 50: "esp", 51: "ah", 132: "sctp",
                    136: "udplite", 33: "dccp", **PROTO_NAMES}


def print_num(number: int, exact: bool, table: bool = True) -> str:
    """xtables_print_num(): exact (``%8llu``) or scaled with K/M/G/T (``%5llu``)."""
    if exact:
        return f"{number:8d} " if table else f"{number} "
    if number <= 99999:
        return f"{number:5d} " if table else f"{number} "
    for suffix in "KMGT":
        number = (number + 500) // 1000
        if number <= 9999 or suffix == "T":
            return f"{number:4d}{suffix} " if table else f"{number}{suffix} "
    raise AssertionError("unreachable")


def chain_header(table: Table, chain: Chain, verbose: bool, exact: bool, numbers: bool) -> str:
    if chain.builtin:
        head = f"Chain {chain.name} (policy {chain.policy}"
        if verbose:
            head += (f" {print_num(chain.pkts, exact, False)}packets, "
                     f"{print_num(chain.bytes, exact, False)}bytes")
        head += ")"
    else:
        head = f"Chain {chain.name} ({table.references(chain.name)} references)"
    cols = ""
    if numbers:
        cols += "num  "
    if verbose:
        cols += "    pkts      bytes " if exact else " pkts bytes "
    cols += "target     prot opt "
    if verbose:
        cols += "in     out     "
    cols += "source               destination         "
    return f"{head}\n{cols}\n"


def _addr(net: Net | None, inv: bool, numeric: bool) -> str:
    if net is None or net.prefixlen == 0:
        text = "0.0.0.0/0" if numeric else "anywhere"
    else:
        addr = ip_ntoa(net.network.to_bytes(4, "big"))
        text = addr if net.prefixlen == 32 else f"{addr}/{net.prefixlen}"
    return ("!" if inv else " ") + text


def _port(port: int, proto: str, numeric: bool) -> str:
    return str(port) if numeric else SERVICES[proto].get(port, str(port))


def _port_text(m: PortMatch, numeric: bool) -> str:
    parts = [m.proto]
    for short, ports, inv in (("spt", m.sport, m.sport_inv), ("dpt", m.dport, m.dport_inv)):
        if ports is None:
            continue
        bang = "!" if inv else ""
        if ports[0] == ports[1]:
            parts.append(f"{short}:{bang}{_port(ports[0], m.proto, numeric)}")
        else:
            parts.append(f"{short}s:{bang}{_port(ports[0], m.proto, numeric)}:"
                         f"{_port(ports[1], m.proto, numeric)}")
    if m.flags is not None:
        parts.append(f"flags:{'!' if m.flags_inv else ''}0x{m.flags[0]:02X}/0x{m.flags[1]:02X}")
    return " ".join(parts)


def _extras(rule: Rule, numeric: bool) -> str:
    """The matches' and the target's own words after the destination column."""
    out = ""
    for m in rule.matches:
        if isinstance(m, PortMatch):
            out += " " + _port_text(m, numeric)
        else:
            name = "ctstate" if m.module == "conntrack" else "state"
            out += f" {'! ' if m.invert else ''}{name} {m.state_list}"
    target = rule.target
    if target is not None:
        if target.name == "REJECT":
            out += f" reject-with {target.reject_with}"
        elif target.name in ("SNAT", "DNAT"):
            out += f" to:{target.range_text()}"
        elif target.name == "MASQUERADE" and target.port_range is not None:
            low, high = target.port_range
            out += f" masq ports: {low}" + ("" if low == high else f"-{high}")
    return out


def rule_line(rule: Rule, num: int, verbose: bool, exact: bool, numeric: bool,
              numbers: bool) -> str:
    line = f"{num:<4d} " if numbers else ""
    if verbose:
        line += print_num(rule.pkts, exact) + print_num(rule.bytes, exact)
    line += f"{rule.target.name if rule.target else '':<9} "
    proto = str(rule.proto) if numeric else _PROTO_BY_NUMBER.get(rule.proto, str(rule.proto))
    line += ("!" if rule.proto_inv else " ") + f"{proto:<5}" + "-- "
    if verbose:
        wild = "*" if numeric else "any"
        iface_in = ("!" if rule.in_inv else "") + (rule.in_iface.name if rule.in_iface else wild)
        iface_out = ("!" if rule.out_inv else "") + (
            rule.out_iface.name if rule.out_iface else wild)
        line += f" {iface_in:<6} {iface_out:<6} "
    line += f"{_addr(rule.src, rule.src_inv, numeric):<20} "
    line += f"{_addr(rule.dst, rule.dst_inv, numeric):<20} "
    return line + _extras(rule, numeric) + "\n"


def list_chain(table: Table, chain: Chain, verbose: bool, exact: bool, numeric: bool,
               numbers: bool) -> str:
    text = chain_header(table, chain, verbose, exact, numbers)
    for n, rule in enumerate(chain.rules, 1):
        text += rule_line(rule, n, verbose, exact, numeric, numbers)
    return text


def rule_spec(rule: Rule, chain: str, counters: bool) -> str:
    """``-S``: the rule's spec, with ``-c PKTS BYTES`` before the target under ``-v``."""
    spec = rule.spec(chain)
    if not counters:
        return spec
    count = f"-c {rule.pkts} {rule.bytes}"
    if rule.target is None:
        return f"{spec} {count}"
    head, sep, tail = spec.rpartition(" " + rule.target.spec())
    return f"{head} {count}{sep}{tail}"


def list_rules(table: Table, chains: list[Chain], counters: bool) -> str:
    lines = []
    for chain in chains:
        if chain.builtin:
            lines.append(f"-P {chain.name} {chain.policy}"
                         + (f" -c {chain.pkts} {chain.bytes}" if counters else ""))
        else:
            lines.append(f"-N {chain.name}")
    for chain in chains:
        lines.extend(rule_spec(r, chain.name, counters) for r in chain.rules)
    return "".join(line + "\n" for line in lines)
