"""``ip link add/set DEV type bridge OPTIONS``: parsing (iplink_bridge.c), and handing the
request to the bridge's rtnetlink side (:mod:`netsim.bridge.netlink`: br_changelink).

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

from netsim.bridge.netlink import CHANGELINK_ORDER, br_changelink, check_changelink
from netsim.cli.ip import usage
from netsim.cli.ip.args import Args, IpExit, get_unsigned, invarg, ll_addr_a2n, matches
from netsim.cli.ip.rtnl import not_modelled

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge

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
