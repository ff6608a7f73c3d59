"""IPv4 addresses as `ip addr` prints them (print_addrinfo).

The kernel lists each device's addresses in its own order, primaries first
(:func:`netsim.netlink.addr.kernel_order`, which also says which are secondary);
this module filters and prints them.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.netlink.addr import IFA_F_PERMANENT, ifa_flags, kernel_order, scope_num, scope_text
from netsim.packets.addr import ip_ntoa
from netsim.stack.addr_lifetime import INFINITY_LIFE_TIME, remaining

if TYPE_CHECKING:
    from netsim.cli.ip.opts import Ctx
    from netsim.stack.netdevice import NetDevice
    from netsim.stack.route import IfAddr

# ifa_flag_names[] of ipaddress.c: bit i of ifa_flags is IFA_F_<name>
IFA_FLAG_NAMES = ("secondary", "nodad", "optimistic", "dadfailed", "home", "deprecated",
                  "tentative", "permanent", "mngtmpaddr", "noprefixroute", "autojoin",
                  "stable-privacy")


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

