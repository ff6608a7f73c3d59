"""``ip link add/set DEV type bridge OPTIONS``: parsing (iplink_bridge.c) and the kernel side
(br_netlink.c: br_changelink).

Times travel in *centiseconds* (USER_HZ clock ticks) and the kernel stores them in
jiffies (HZ=250 here), so a value may come back rounded down: ``ageing_time 5``
reads back as 4. The model keeps seconds.

Kernel rules reproduced: hello_time 1..10 s and max_age 6..40 s always, forward_delay
2..30 s only while STP is on (turning STP on clamps it into that range),
group_fwd_mask may not touch bits 0-2, and vlan_filtering is refused because the
recorded kernel is built without it.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field

from netsim.cli.ip import usage
from netsim.cli.ip.args import Args, IpExit, get_unsigned, invarg, ll_addr_a2n, matches
from netsim.cli.ip.rtnl import NetlinkError, not_modelled
from netsim.engine.units import KERNEL_HZ, USER_HZ

BR_GROUPFWD_RESTRICTED = 0x0007

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
MODELLED = {"forward_delay", "hello_time", "max_age", "ageing_time", "stp_state", "priority",
            "vlan_filtering", "group_fwd_mask", "fdb_flush"}


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
def _jiffies(clock_t: int) -> int:
    """clock_t_to_jiffies(): centiseconds -> jiffies, rounded down."""
    return clock_t * KERNEL_HZ // USER_HZ


def check(br, opts: BridgeOpts) -> None:
    """Everything br_changelink() would refuse, before anything changes."""
    unmodelled = [k for k in opts.values if k not in MODELLED]
    if unmodelled:
        raise not_modelled(f'the bridge option "{unmodelled[0]}"')
    v = opts.values
    stp_on = bool(br.stp_enabled) if br is not None else False
    if "forward_delay" in v and stp_on and not 2 * KERNEL_HZ <= _jiffies(v["forward_delay"]) \
            <= 30 * KERNEL_HZ:
        raise NetlinkError(errno.ERANGE)
    if "hello_time" in v and not KERNEL_HZ <= _jiffies(v["hello_time"]) <= 10 * KERNEL_HZ:
        raise NetlinkError(errno.ERANGE)
    if "max_age" in v and not 6 * KERNEL_HZ <= _jiffies(v["max_age"]) <= 40 * KERNEL_HZ:
        raise NetlinkError(errno.ERANGE)
    if "vlan_filtering" in v:
        raise NetlinkError(errno.EOPNOTSUPP)  # CONFIG_BRIDGE_VLAN_FILTERING is off
    if "group_fwd_mask" in v and v["group_fwd_mask"] & BR_GROUPFWD_RESTRICTED:
        raise NetlinkError(errno.EINVAL)


def apply(br, opts: BridgeOpts) -> None:
    """br_changelink(): set what was asked, in the kernel's order."""
    v = opts.values
    if "forward_delay" in v:
        br.forward_delay = _jiffies(v["forward_delay"]) / KERNEL_HZ
    if "hello_time" in v:
        br.hello_time = _jiffies(v["hello_time"]) / KERNEL_HZ
    if "max_age" in v:
        br.max_age = _jiffies(v["max_age"]) / KERNEL_HZ
    if "ageing_time" in v:
        br.set_ageing_time(_jiffies(v["ageing_time"]) / KERNEL_HZ)
    if "stp_state" in v:
        _set_stp(br, bool(v["stp_state"]))
    if "priority" in v:
        br.priority = v["priority"]
    if "group_fwd_mask" in v:
        br.group_fwd_mask = v["group_fwd_mask"]
    if "fdb_flush" in v:
        br.fdb.flush()


def _set_stp(br, on: bool) -> None:
    """br_stp_set_enabled(): with no user-space STP daemon, "on" means the kernel's STP.

    br_stp_start() pulls forward_delay into the range STP allows.
    """
    if on and not br.stp_enabled:
        br.forward_delay = min(max(br.forward_delay, 2.0), 30.0)
    br.stp_enabled = on
