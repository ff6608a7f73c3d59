"""``ip link add/set DEV type bridge OPTIONS`` and ``ip link set PORT type bridge_slave
OPTIONS``: parsing (iplink_bridge.c, iplink_bridge_slave.c), and handing the request to
the bridge's rtnetlink side (:mod:`netsim.bridge.netlink`: br_changelink, br_setport).

Times travel in *centiseconds* (USER_HZ clock ticks) and the kernel stores them in
jiffies (HZ=250 here), so a value may come back rounded down: ``ageing_time 5``
reads back as 4. iproute2 itself refuses what does not fit the attribute's size
(``priority 70000``: ``invalid priority``); the kernel's rules are the setters'
(:mod:`netsim.bridge.options`), the same for sysfs and brctl. vlan_filtering is refused
because the recorded kernel is built without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.bridge.netlink import (
    CHANGELINK_ORDER,
    br_changelink,
    br_port_slave_changelink,
    check_changelink,
)
from netsim.bridge.options import SIMULATED_PORT_FLAGS
from netsim.cli.ip import usage
from netsim.cli.ip.args import Args, IpExit, get_unsigned, invarg, ll_addr_a2n, matches
from netsim.cli.ip.rtnl import not_modelled

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.stack.netdevice import NetDevice

# keyword -> (how it matches, value limit); "exact" keywords use strcmp in iproute2
_U32, _U16, _U8 = 0xFFFFFFFF, 0xFFFF, 0xFF
_OPTIONS: list[tuple[str, bool, int | None]] = [
    ("forward_delay", False, _U32), ("hello_time", False, _U32), ("max_age", False, _U32),
    ("ageing_time", False, _U32), ("stp_state", False, _U32), ("priority", False, _U16),
    ("vlan_filtering", False, _U8), ("vlan_protocol", False, None),
    ("group_fwd_mask", False, _U16), ("group_address", False, None),
    ("no_linklocal_learn", True, _U8), ("fdb_flush", False, -1),
    ("vlan_default_pvid", False, _U16), ("vlan_stats_enabled", False, _U8),
    ("vlan_stats_per_port", False, _U8), ("mcast_router", False, _U8),
    ("mcast_snooping", False, _U8), ("mcast_vlan_snooping", True, _U8),
    ("mcast_query_use_ifaddr", False, _U8), ("mcast_querier", False, _U8),
    ("mcast_hash_elasticity", False, _U32), ("mcast_hash_max", False, _U32),
    ("mcast_last_member_count", False, _U32), ("mcast_startup_query_count", False, _U32),
    ("mcast_last_member_interval", False, (1 << 64) - 1),
    ("mcast_membership_interval", False, (1 << 64) - 1),
    ("mcast_querier_interval", False, (1 << 64) - 1),
    ("mcast_query_interval", False, (1 << 64) - 1),
    ("mcast_query_response_interval", False, (1 << 64) - 1),
    ("mcast_startup_query_interval", False, (1 << 64) - 1),
    ("mcast_stats_enabled", False, _U8), ("mcast_igmp_version", False, _U8),
    ("mcast_mld_version", False, _U8), ("nf_call_iptables", False, _U8),
    ("nf_call_ip6tables", False, _U8), ("nf_call_arptables", False, _U8),
]
MODELLED = frozenset(CHANGELINK_ORDER)  # what the bridge's br_changelink() knows


@dataclass
class BridgeOpts:
    """The IFLA_BR_* attributes of one request, in the order the user gave them."""

    values: dict[str, int | bytes | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values)


def parse(argv: list[str]) -> BridgeOpts:
    """bridge_parse_opt(): every argument after ``type bridge``."""
    opts = BridgeOpts()
    args = Args(argv)
    while args:
        word = args.cur
        found = _lookup(word)
        if found is None:
            if matches(word, "help"):
                raise IpExit(1, usage.BRIDGE_EXPLAIN)
            raise IpExit(1, f'bridge: unknown command "{word}"?\n' + usage.BRIDGE_EXPLAIN)
        name, limit = found
        if limit == -1:  # a flag without value
            opts.values[name] = None
        else:
            text = args.next_arg()
            opts.values[name] = _value(name, text, limit)
        args.advance()
    return opts


def _lookup(word: str) -> tuple[str, int | None] | None:
    """The first option ``word`` names (most by prefix, as iproute2's if-chain goes)."""
    for name, exact, limit in _OPTIONS:
        if word == name if exact else matches(word, name):
            return name, limit
    return None


def _value(name: str, text: str, limit: int | None) -> int | bytes:
    if name == "group_address":
        addr = ll_addr_a2n(text)
        if isinstance(addr, str):
            raise IpExit(1, addr)
        return addr
    if name == "vlan_protocol":
        if text.lower() not in ("802.1q", "802.1ad"):
            raise invarg("invalid vlan_protocol", text)
        return 0x8100 if text.lower() == "802.1q" else 0x88A8
    value = get_unsigned(text, limit)
    if value is None:
        raise invarg(f"invalid {name}", text)
    return value


# ---------------------------------------------------------------------- kernel side
def check(br: Bridge | None, opts: BridgeOpts) -> None:
    """Everything br_changelink() would refuse, before anything changes (``br`` None: the
    bridge is being created). An option netsim does not model is refused first."""
    unmodelled = [k for k in opts.values if k not in MODELLED]
    if unmodelled:
        raise not_modelled(f'the bridge option "{unmodelled[0]}"')
    check_changelink(br, opts.values)


def apply(br: Bridge, opts: BridgeOpts) -> None:
    """br_changelink(): each option through the bridge's setter, in the kernel's order."""
    br_changelink(br, opts.values)


# ---------------------------------------------------------------------- type bridge_slave
_ON_OFF = -2  # a value of "on" or "off"
_SLAVE_WORDS = ("fdb_flush", "state STATE", "priority PRIO", "cost COST", "guard {on | off}",
                "hairpin {on | off}", "fastleave {on | off}", "root_block {on | off}",
                "learning {on | off}", "flood {on | off}", "proxy_arp {on | off}",
                "proxy_arp_wifi {on | off}", "mcast_router MULTICAST_ROUTER",
                "mcast_fast_leave {on | off}", "mcast_flood {on | off}",
                "bcast_flood {on | off}", "mcast_to_unicast {on | off}",
                "group_fwd_mask MASK", "neigh_suppress {on | off}", "vlan_tunnel {on | off}",
                "isolated {on | off}", "locked {on | off}")
BRIDGE_SLAVE_EXPLAIN = ("Usage: ... bridge_slave [ fdb_flush ]\n"
                        + "".join(f"\t\t\t[ {w} ]\n" for w in _SLAVE_WORDS[1:])
                        + "\t\t\t[ backup_port DEVICE ] [ nobackup_port ]\n")

# keyword -> value (limit, _ON_OFF, -1: none, None: a device name), in the order
# bridge_slave_parse_opt() tries them: "m" is mcast_flood, "p" priority, "f" fdb_flush
_SLAVE_OPTIONS: list[tuple[str, int | None]] = [
    ("fdb_flush", -1), ("state", _U8), ("priority", _U16), ("cost", _U32),
    ("hairpin", _ON_OFF), ("guard", _ON_OFF), ("root_block", _ON_OFF),
    ("fastleave", _ON_OFF), ("learning", _ON_OFF), ("flood", _ON_OFF),
    ("mcast_flood", _ON_OFF), ("bcast_flood", _ON_OFF), ("mcast_to_unicast", _ON_OFF),
    ("proxy_arp", _ON_OFF), ("proxy_arp_wifi", _ON_OFF), ("mcast_router", _U8),
    ("mcast_fast_leave", _ON_OFF), ("neigh_suppress", _ON_OFF), ("group_fwd_mask", _U16),
    ("vlan_tunnel", _ON_OFF), ("isolated", _ON_OFF), ("locked", _ON_OFF),
    ("backup_port", None), ("nobackup_port", -1),
]
SLAVE_MODELLED = frozenset(("fdb_flush", "state", "priority", "cost", *SIMULATED_PORT_FLAGS))


def parse_slave(argv: list[str]) -> BridgeOpts:
    """bridge_slave_parse_opt(): every argument after ``type bridge_slave`` (IFLA_BRPORT_*)."""
    opts = BridgeOpts()
    args = Args(argv)
    while args:
        word = args.cur
        found = next(((n, v) for n, v in _SLAVE_OPTIONS if matches(word, n)), None)
        if found is None:
            if matches(word, "help"):
                raise IpExit(1, BRIDGE_SLAVE_EXPLAIN)
            raise IpExit(1, f'bridge_slave: unknown option "{word}"?\n' + BRIDGE_SLAVE_EXPLAIN)
        name, limit = found
        if limit == -1:
            opts.values[name] = None
        elif limit is None:
            opts.values[name] = args.next_arg()
        elif limit == _ON_OFF:
            text = args.next_arg()
            if not (matches(text, "on") or matches(text, "off")):
                raise IpExit(1, f'Error: argument of "{name}" must be one of "off", "on", '
                                f'not "{text}"\n')
            opts.values[name] = 0 if matches(text, "off") else 1
        else:
            text = args.next_arg()
            value = get_unsigned(text, limit)
            if value is None:
                raise invarg(_SLAVE_INVALID.get(name, f"invalid {name}"), text)
            opts.values[name] = value
        args.advance()
    return opts


_SLAVE_INVALID = {"state": "state is invalid", "priority": "priority is invalid",
                  "cost": "cost is invalid"}


def slave_changelink(dev: NetDevice, opts: BridgeOpts) -> None:
    """br_port_slave_changelink(): the request goes to the bridge ``dev`` is a port of
    (EOPNOTSUPP when it is none), which applies it like ``bridge link set``: the flags,
    then cost, priority and state -- a refusal leaves what came before it set, as on
    Linux. It runs before the rest of ``ip link set`` (rtnl_changelink() order).
    An option netsim does not model is refused before anything changes."""
    unmodelled = [k for k in opts.values if k not in SLAVE_MODELLED]
    if unmodelled:
        raise not_modelled(f'the bridge port option "{unmodelled[0]}"')
    br_port_slave_changelink(dev, opts.values)
