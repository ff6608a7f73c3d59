"""IPv4 addresses as the kernel lists them and `ip addr` prints them (print_addrinfo).

The kernel keeps each device's addresses in one list with a rule (devinet.c,
``__inet_insert_ifa``): an address in a subnet the device already has becomes a
*secondary* and goes to the end; a new *primary* goes after the primaries of
equal or narrower scope. :func:`kernel_order` rebuilds that order from the
model's plain list, and says which addresses are secondary.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.packets.addr import ip_ntoa
from netsim.stack.addr_lifetime import INFINITY_LIFE_TIME, remaining

if TYPE_CHECKING:
    from netsim.cli.ip.opts import Ctx
    from netsim.stack.netdevice import NetDevice
    from netsim.stack.route import IfAddr

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


# ifa_flag_names[] of ipaddress.c: bit i of ifa_flags is IFA_F_<name>
IFA_FLAG_NAMES = ("secondary", "nodad", "optimistic", "dadfailed", "home", "deprecated",
                  "tentative", "permanent", "mngtmpaddr", "noprefixroute", "autojoin",
                  "stable-privacy")
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
    """(address, is_secondary) for one device, in the order of its in_device list."""
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


@dataclass
class AddrFilter:
    """The address part of ipaddress.c's ``filter``."""

    family: str = ""
    scope: int = 0
    scopemask: int = 0
    flags: int = 0       # "secondary", "-deprecated", "dynamic" (= -permanent) ...
    flagmask: int = 0    # ... which bits of ifa_flags must equal those of ``flags``
    label: str | None = None
    prefix: tuple[int, int] | None = None  # (network, prefixlen) of "to PREFIX"
    up: bool = False

    def accepts(self, ifa: IfAddr, secondary: bool) -> bool:
        if (self.scope ^ scope_num(ifa.scope)) & self.scopemask:
            return False
        if (ifa_flags(ifa, secondary) ^ self.flags) & self.flagmask:
            return False
        if self.label is not None and not _fnmatch(self.label, ifa.label or ifa.dev.name):
            return False
        if self.prefix is not None:
            net, plen = self.prefix
            mask = (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF if plen else 0
            if plen > 0 and (int.from_bytes(ifa.local, "big") & mask) != (net & mask):
                return False
        return True


def _fnmatch(pattern: str, name: str) -> bool:
    """fnmatch(3), which `ip addr show label 'eth0:*'` uses."""
    return fnmatch.fnmatchcase(name, pattern)


def print_addrinfo(p: Printer, ctx: Ctx, ifa: IfAddr, secondary: bool, filt: AddrFilter,
                   show_index: bool) -> None:
    """print_addrinfo(): one ``inet`` line (and its lifetimes line)."""
    if not filt.accepts(ifa, secondary):
        return
    if not ctx.brief:
        if show_index:
            if p.is_json:
                p.int(JSON, "index", "", ifa.dev.ifindex)
                p.string(JSON, "dev", "", ifa.dev.name)
            else:
                p.fp(f"{ifa.dev.ifindex}: {ifa.dev.name}")
        p.string(ANY, "family", "    %s ", "inet")
    p.string(ANY, "local", "%s", ip_ntoa(ifa.local))
    p.int(ANY, "prefixlen", "/%d ", ifa.prefixlen)
    if ctx.brief:
        return
    if ifa.broadcast is not None:
        p.fp("brd ")
        p.string(ANY, "broadcast", "%s ", ip_ntoa(ifa.broadcast))
    p.string(ANY, "scope", "scope %s ", scope_text(ifa.scope))
    print_ifa_flags(p, ifa_flags(ifa, secondary))
    p.string(ANY, "label", "%s", ifa.label or ifa.dev.name)
    p.nl()
    valid, preferred = remaining(ifa, ctx.ns.lab.now)
    p.fp("       valid_lft ")
    _print_lifetime(p, "valid_life_time", valid)
    p.fp(" preferred_lft ")
    _print_lifetime(p, "preferred_life_time", preferred)
    p.fp("\n")


def print_ifa_flags(p: Printer, flags: int) -> None:
    """print_ifa_flags(): each set flag by name in bit order, except that the permanent
    bit is printed when it is *clear*, as ``dynamic``."""
    for bit, name in enumerate(IFA_FLAG_NAMES):
        mask = 1 << bit
        if mask == IFA_F_PERMANENT:
            if not flags & mask:
                p.fp("dynamic ")
                p.bool(JSON, "dynamic", "", True)
        elif flags & mask:
            p.fp(f"{name} ")
            p.bool(JSON, name, "", True)


def _print_lifetime(p: Printer, key: str, seconds: int) -> None:
    """``forever`` for 0xFFFFFFFF (JSON keeps the number), else ``3599sec``."""
    p.int(JSON, key, "", seconds)
    p.fp("forever" if seconds == INFINITY_LIFE_TIME else f"{seconds}sec")


def print_selected_addrinfo(p: Printer, ctx: Ctx, dev: NetDevice, filt: AddrFilter,
                            show_index: bool) -> None:
    """The ``addr_info`` array of one device (each entry an object, even a filtered one)."""
    p.open_array(JSON, "addr_info")
    if filt.family in ("", "inet") and not (filt.up and not dev.admin_up):
        for ifa, secondary in kernel_order(ctx.ns.ipv4.addresses, dev):
            p.open_object()
            print_addrinfo(p, ctx, ifa, secondary, filt, show_index)
            p.close_object()
    p.close_array(JSON, None)
    if ctx.brief:
        p.fp("\n")

