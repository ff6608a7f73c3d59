"""Tables, chains and rules (x_tables: struct ipt_entry, its matches and its target).

A :class:`Rule` is what ``iptables -A`` adds: the IP part every rule has
(``-s -d -i -o -p``, each with ``!``), then *matches* in the order they were given
(``-m udp --dport 53``, ``-m conntrack --ctstate NEW``), then one *target* (``-j``).
Each rule counts the packets and bytes it matched. :meth:`Rule.spec` writes the rule
back the way ``iptables -S`` prints it, so the trace can quote it.

A :class:`Table` (``filter``, ``nat``) holds built-in chains with a policy and user
chains (``-N``); it is created on first use, as the nf_tables backend creates a table
the first time a command names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netsim.packets.addr import ip_ntoa
from netsim.stack.netfilter.packet import IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, Flow

BUILTIN_CHAINS = {
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
}
"""The tables netsim models, with their built-in chains in iptables' listing order."""

PROTO_NAMES = {IPPROTO_ICMP: "icmp", IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp"}
CT_STATES = ("INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED")
"""Connection states in the order libxt_conntrack prints them."""


def mask_of(prefixlen: int) -> int:
    return (0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF if prefixlen else 0


@dataclass(frozen=True)
class Net:
    """An address with its prefix (``-s 192.168.122.0/24``)."""

    network: int
    prefixlen: int

    def contains(self, addr: bytes) -> bool:
        return (int.from_bytes(addr, "big") & mask_of(self.prefixlen)) == self.network

    def __str__(self) -> str:
        return f"{ip_ntoa(self.network.to_bytes(4, 'big'))}/{self.prefixlen}"


@dataclass
class Iface:
    """``-i``/``-o`` NAME: an exact name, or a prefix when it ends in ``+``."""

    name: str

    def matches(self, dev: str) -> bool:
        if self.name.endswith("+"):
            return dev.startswith(self.name[:-1])
        return dev == self.name


# ============================================================================ matches
@dataclass
class PortMatch:
    """xt_tcpudp: ``-m udp|tcp [!] --sport A[:B] [!] --dport A[:B]``."""

    proto: str
    sport: tuple[int, int] | None = None
    sport_inv: bool = False
    dport: tuple[int, int] | None = None
    dport_inv: bool = False
    flags: tuple[int, int] | None = None  # tcp only: (mask, compare), --syn is (0x17, 0x02)
    flags_inv: bool = False

    def matches(self, flow: Flow, ctstate: str) -> bool:
        if flow.proto not in (IPPROTO_TCP, IPPROTO_UDP):
            return False
        if self.sport is not None and (
                (self.sport[0] <= flow.sport <= self.sport[1]) == self.sport_inv):
            return False
        if self.flags is not None and (
                (flow.tcp_flags & self.flags[0] == self.flags[1]) == self.flags_inv):
            return False
        return self.dport is None or (
            (self.dport[0] <= flow.dport <= self.dport[1]) != self.dport_inv)

    def spec(self) -> str:
        parts = [f"-m {self.proto}"]
        for flag, ports, inv in (("--sport", self.sport, self.sport_inv),
                                 ("--dport", self.dport, self.dport_inv)):
            if ports is not None:
                text = str(ports[0]) if ports[0] == ports[1] else f"{ports[0]}:{ports[1]}"
                parts.append(f"{'! ' if inv else ''}{flag} {text}")
        if self.flags is not None:
            parts.append(f"{'! ' if self.flags_inv else ''}--tcp-flags "
                         f"{tcp_flag_names(self.flags[0])} {tcp_flag_names(self.flags[1])}")
        return " ".join(parts)


@dataclass
class StateMatch:
    """xt_conntrack (``-m conntrack --ctstate``) or xt_state (``-m state --state``)."""

    module: str  # "conntrack" or "state"
    states: frozenset[str] = frozenset()
    invert: bool = False

    def matches(self, flow: Flow, ctstate: str) -> bool:
        return (ctstate in self.states) != self.invert

    @property
    def state_list(self) -> str:
        return ",".join(s for s in CT_STATES if s in self.states)

    def spec(self) -> str:
        option = "--ctstate" if self.module == "conntrack" else "--state"
        return f"-m {self.module} {'! ' if self.invert else ''}{option} {self.state_list}"


Match = PortMatch | StateMatch

TCP_FLAG_BITS = {"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20}
"""--tcp-flags names in the order iptables prints them."""


def tcp_flag_names(bits: int) -> str:
    """``FIN,SYN,RST,ACK`` for 0x17; ``NONE`` for 0, ``ALL`` for 0x3f (libxt_tcp)."""
    if bits == 0x3F:
        return "ALL"
    names = [name for name, bit in TCP_FLAG_BITS.items() if bits & bit]
    return ",".join(names) if names else "NONE"


# ============================================================================ targets
@dataclass
class Target:
    """``-j NAME [options]``: a verdict (ACCEPT, DROP, RETURN), a jump to a user chain,
    REJECT, or one of the NAT targets (MASQUERADE, SNAT, DNAT)."""

    name: str
    reject_with: str = ""  # REJECT
    addr_range: tuple[bytes, bytes] | None = None  # SNAT/DNAT addresses (min, max)
    port_range: tuple[int, int] | None = None  # SNAT/DNAT ports, MASQUERADE --to-ports

    @property
    def is_nat(self) -> bool:
        return self.name in ("MASQUERADE", "SNAT", "DNAT")

    def range_text(self) -> str:
        """``1.2.3.4-1.2.3.8:1000-2000`` as --to-source / --to-destination print it."""
        text = ""
        if self.addr_range is not None:
            low, high = self.addr_range
            text = ip_ntoa(low) if low == high else f"{ip_ntoa(low)}-{ip_ntoa(high)}"
        if self.port_range is not None:
            low, high = self.port_range  # type: ignore[assignment]
            text += f":{low}" if low == high else f":{low}-{high}"
        return text

    def spec(self) -> str:
        text = f"-j {self.name}"
        if self.name == "REJECT":
            text += f" --reject-with {self.reject_with}"
        elif self.name == "SNAT":
            text += f" --to-source {self.range_text()}"
        elif self.name == "DNAT":
            text += f" --to-destination {self.range_text()}"
        elif self.name == "MASQUERADE" and self.port_range is not None:
            low, high = self.port_range
            text += f" --to-ports {low}" + ("" if low == high else f"-{high}")
        return text


# ============================================================================ rules
@dataclass(eq=False)
class Rule:
    """One rule: the IP part, matches in order, a target (None: count only)."""

    src: Net | None = None
    src_inv: bool = False
    dst: Net | None = None
    dst_inv: bool = False
    in_iface: Iface | None = None
    in_inv: bool = False
    out_iface: Iface | None = None
    out_inv: bool = False
    proto: int = 0  # 0: all
    proto_inv: bool = False
    matches: list[Match] = field(default_factory=list)
    target: Target | None = None
    pkts: int = 0
    bytes: int = 0

    def match(self, flow: Flow, in_dev: str, out_dev: str, ctstate: str) -> bool:
        """ip_packet_match(), then every match module in turn (ipt_do_table's loop)."""
        if self.src is not None and self.src.contains(flow.src) == self.src_inv:
            return False
        if self.dst is not None and self.dst.contains(flow.dst) == self.dst_inv:
            return False
        if self.in_iface is not None and self.in_iface.matches(in_dev) == self.in_inv:
            return False
        if self.out_iface is not None and self.out_iface.matches(out_dev) == self.out_inv:
            return False
        if self.proto and (flow.proto == self.proto) == self.proto_inv:
            return False
        return all(m.matches(flow, ctstate) for m in self.matches)

    @property
    def uses_conntrack(self) -> bool:
        return any(isinstance(m, StateMatch) for m in self.matches)

    def spec(self, chain: str) -> str:
        """The rule as ``iptables -S`` prints it: ``-A CHAIN -s .. -d .. -i .. -o .. -p ..``."""
        parts = [f"-A {chain}"]

        def neg(flag: bool) -> str:
            return "! " if flag else ""

        if self.src is not None:
            parts.append(f"{neg(self.src_inv)}-s {self.src}")
        if self.dst is not None:
            parts.append(f"{neg(self.dst_inv)}-d {self.dst}")
        if self.in_iface is not None:
            parts.append(f"{neg(self.in_inv)}-i {self.in_iface.name}")
        if self.out_iface is not None:
            parts.append(f"{neg(self.out_inv)}-o {self.out_iface.name}")
        if self.proto:
            parts.append(f"{neg(self.proto_inv)}-p {PROTO_NAMES.get(self.proto, self.proto)}")
        parts.extend(m.spec() for m in self.matches)
        if self.target is not None:
            parts.append(self.target.spec())
        return " ".join(parts)


@dataclass(eq=False)
class Chain:
    name: str
    policy: str | None = None  # built-in chains only: "ACCEPT" or "DROP"
    rules: list[Rule] = field(default_factory=list)
    pkts: int = 0  # the policy's counters
    bytes: int = 0
    # iptables-nft makes base chains without a policy counter; `-P` adds one (zeroed).
    # Observed on Linux 6.18: "policy ACCEPT 0 packets" until the first -P on the chain.
    policy_counter: bool = False
    # iptables-nft makes a built-in chain in the kernel only when it gets a rule or a
    # policy (until then the tools show a stand-in): -X finds no such chain before that,
    # and an empty one with policy ACCEPT can be deleted (it is shown again as before).
    live: bool = False

    @property
    def builtin(self) -> bool:
        return self.policy is not None


class Table:
    """One x_tables table: built-in chains first, user chains by name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.chains: dict[str, Chain] = {
            c: Chain(c, policy="ACCEPT") for c in BUILTIN_CHAINS[name]}

    def in_order(self) -> list[Chain]:
        """Built-in chains in their fixed order, then user chains sorted by name."""
        builtin = [c for c in self.chains.values() if c.builtin]
        users = sorted((c for c in self.chains.values() if not c.builtin), key=lambda c: c.name)
        return builtin + users

    def references(self, name: str) -> int:
        """How many rules jump to chain ``name`` ("Chain FOO (2 references)"). A standard
        verdict is never a jump, even when a user chain was renamed to its name."""
        if name in ("ACCEPT", "DROP", "RETURN", "QUEUE"):
            return 0
        return sum(1 for c in self.chains.values() for r in c.rules
                   if r.target is not None and r.target.name == name)

    @property
    def uses_conntrack(self) -> bool:
        return any(r.uses_conntrack for c in self.chains.values() for r in c.rules)
