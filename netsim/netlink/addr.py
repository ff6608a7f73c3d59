"""IPv4 addresses: RTM_NEWADDR / RTM_DELADDR (net/ipv4/devinet.c).

An address belongs to a device; what the kernel does with a request:

* a second address in a subnet the device already has is a *secondary*; deleting
  the primary deletes its secondaries too (``promote_secondaries`` is 0 in a new
  network namespace);
* adding an address that is already there fails (``Address already assigned``) unless
  the request may replace it (no NLM_F_EXCL): then only its lifetimes change -- devinet.c
  ignores NLM_F_CREATE, so ``change`` of a missing address adds it;
* the connected route (``proto kernel scope link``) comes and goes with the primary
  address while the device is up, and when a device's last address goes every route
  through it goes too -- the model's IPv4 stack does that part;
* ``valid_lft``/``preferred_lft`` make an address *dynamic*: it counts down, turns
  ``deprecated`` and is deleted in simulated time (:mod:`netsim.stack.addr_lifetime`).

Also here, because the kernel's answers depend on them: the order of a device's
addresses (:func:`kernel_order`) and the scope numbers the model keeps as names.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.netlink.message import NLM_F_EXCL
from netsim.stack.addr_lifetime import (
    INFINITY_LIFE_TIME,
    inet_del_ifa,
    lifetime_changed,
    set_ifa_lifetime,
)
from netsim.stack.extack import NetlinkError
from netsim.stack.route import IfAddr, prefix_mask, to_int

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

IFNAMSIZ = 16

# ---------------------------------------------------------------------- scopes
SCOPE_NUM = {"global": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}
SCOPE_NAME = {v: k for k, v in SCOPE_NUM.items()}


def scope_num(scope: str | int) -> int:
    """The model keeps a scope as its name ("link"), or as digits when it has none."""
    if isinstance(scope, int):
        return scope
    if scope.isdigit():
        return int(scope)
    return SCOPE_NUM.get(scope, 0)


def scope_text(scope: str | int) -> str:
    """rtnl_rtscope_n2a(): a name for the well-known scopes, else the number."""
    num = scope_num(scope)
    return SCOPE_NAME.get(num, str(num))


# ---------------------------------------------------------------------- a device's list
IFA_F_SECONDARY = 0x01
IFA_F_DEPRECATED = 0x20
IFA_F_PERMANENT = 0x80


def ifa_flags(ifa: IfAddr, secondary: bool) -> int:
    """The flags word the kernel reports for an IPv4 address (IFA_FLAGS)."""
    flags = IFA_F_SECONDARY if secondary else 0
    if ifa.deprecated:
        flags |= IFA_F_DEPRECATED
    if ifa.permanent:
        flags |= IFA_F_PERMANENT
    return flags


def same_subnet(a: IfAddr, b: IfAddr) -> bool:
    return a.prefixlen == b.prefixlen and a.network == b.network


def kernel_order(addresses: list[IfAddr], dev: NetDevice) -> list[tuple[IfAddr, bool]]:
    """(address, is_secondary) for one device, in the order of its in_device list.

    __inet_insert_ifa(): an address in a subnet the device already has becomes a
    secondary and goes to the end; a new primary goes after the primaries of equal or
    narrower scope.
    """
    mine = [a for a in addresses if a.dev is dev]
    primaries: list[IfAddr] = []
    secondaries: list[IfAddr] = []
    for ifa in mine:
        if any(same_subnet(ifa, p) for p in primaries):
            secondaries.append(ifa)
        else:
            primaries.append(ifa)
    # a primary goes after the last primary whose scope is not wider than its own
    primaries.sort(key=lambda a: -scope_num(a.scope))
    return [(a, False) for a in primaries] + [(a, True) for a in secondaries]


def _same_prefix(a: IfAddr, local: bytes, plen: int) -> bool:
    """inet_ifa_match() with equal masks: the same subnet."""
    return a.prefixlen == plen and a.network == to_int(local) & prefix_mask(plen)


# ---------------------------------------------------------------------- requests
@dataclass
class AddrRequest:
    """One RTM_NEWADDR/RTM_DELADDR: struct ifaddrmsg and its IFA_* attributes."""

    ifindex: int
    local: bytes | None = None      # IFA_LOCAL
    prefixlen: int = 32
    family: str = "inet"            # ifa_family: "inet", "inet6" or "unspec" (no address)
    match_prefix: bool = True       # IFA_ADDRESS sent: RTM_DELADDR matches the prefix too
    label: str | None = None        # IFA_LABEL (the device's name when absent)
    scope: int = 0
    broadcast: bytes | None = None  # IFA_BROADCAST
    valid_lft: int = INFINITY_LIFE_TIME      # IFA_CACHEINFO (forever when absent)
    preferred_lft: int = INFINITY_LIFE_TIME


def _device(ns: NetNamespace, req: AddrRequest) -> NetDevice:
    """The family decides which handler gets the request; then the device."""
    if req.family != "inet" or req.local is None:
        raise NetlinkError(errno.EOPNOTSUPP)  # no handler for this family (rtnetlink_rcv_msg)
    dev = ns.by_index(req.ifindex)
    if dev is None:
        raise NetlinkError(errno.ENODEV, "ipv4: Device not found")
    return dev


def newaddr(ns: NetNamespace, req: AddrRequest, flags: int = NLM_F_EXCL) -> IfAddr:
    """inet_rtm_newaddr() -> __inet_insert_ifa(): the address added (or whose lifetimes
    were renewed)."""
    dev = _device(ns, req)
    local, plen = req.local, req.prefixlen
    stack = ns.ipv4
    now = ns.lab.now
    for ifa in stack.addresses_of(dev):
        if _same_prefix(ifa, local, plen):
            if ifa.local == local:
                if flags & NLM_F_EXCL:
                    raise NetlinkError(errno.EEXIST, "ipv4: Address already assigned")
                # replace/change keep label and broadcast: only the lifetimes (and the
                # metric) change, and omitted lifetimes mean forever again
                set_ifa_lifetime(ifa, req.valid_lft, req.preferred_lft, now)
                lifetime_changed(ns)
                return ifa
            # (a scope kept as digits, "100", never compares equal here: netsim refuses a
            # second address of such a scope, which Linux accepts -- a known difference)
            if SCOPE_NUM.get(ifa.scope, ifa.scope) != req.scope:
                raise NetlinkError(errno.EINVAL, "ipv4: Invalid scope value")
    ifa = IfAddr(dev, local, plen, req.broadcast, scope_text(req.scope),
                 (req.label or dev.name)[: IFNAMSIZ - 1])
    set_ifa_lifetime(ifa, req.valid_lft, req.preferred_lft, now)
    stack.add_address(ifa)
    lifetime_changed(ns)
    return ifa


def deladdr(ns: NetNamespace, req: AddrRequest) -> None:
    """inet_rtm_deladdr(): the first address (in the device's order) matching the local
    address, the label if given and the prefix if given; a primary takes its
    secondaries along."""
    dev = _device(ns, req)
    for ifa, _secondary in kernel_order(ns.ipv4.addresses, dev):
        if ifa.local != req.local:
            continue
        if req.label is not None and ifa.label != req.label:
            continue
        if req.match_prefix and not _same_prefix(ifa, req.local, req.prefixlen):
            continue
        inet_del_ifa(ns.ipv4, ifa)
        return
    raise NetlinkError(errno.EADDRNOTAVAIL, "ipv4: Address not found")


def request_for(ifa: IfAddr) -> AddrRequest:
    """The RTM_DELADDR that names exactly this address (what `ip addr flush` sends for
    each address it dumped)."""
    return AddrRequest(ifa.dev.ifindex, ifa.local, ifa.prefixlen, label=ifa.label)
