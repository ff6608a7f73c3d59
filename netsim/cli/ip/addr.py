"""`ip address add|change|replace|del|flush|show` for IPv4 (ipaddress.c, net/ipv4/devinet.c).

An address belongs to a device. The kernel side reproduced here:

* a second address in a subnet the device already has is a *secondary*; deleting
  the primary deletes its secondaries too (``promote_secondaries`` is 0 in a new
  network namespace);
* adding an address that is already there fails (``Address already assigned``),
  ``replace``/``change`` of an existing one changes nothing you can see;
* ``ip addr del 10.0.0.1 dev eth0`` without ``/len`` is a wildcard: any prefix length
  (iproute2 warns about it);
* the connected route (``proto kernel scope link``) comes and goes with the primary
  address while the device is up -- the model's IPv4 stack does that part;
* ``valid_lft``/``preferred_lft`` make an address *dynamic*: it counts down, turns
  ``deprecated`` and is deleted in simulated time (:mod:`netsim.stack.addr_lifetime`);
  ``change``/``replace`` of an existing address rewrite only its lifetimes.
"""

from __future__ import annotations

import errno

from netsim.cli.ip import usage
from netsim.cli.ip.addr_show import SCOPE_NUM, kernel_order, scope_text
from netsim.cli.ip.args import (
    Args,
    IpExit,
    Prefix,
    duparg,
    duparg2,
    family_after,
    get_addr,
    get_prefix,
    get_unsigned,
    invarg,
    matches,
    nodev,
)
from netsim.cli.ip.listing import filter_device, ipaddr_list, parse_filter
from netsim.cli.ip.opts import Ctx
from netsim.cli.ip.rtnl import NetlinkError, flush_rounds, not_modelled, report
from netsim.stack.addr_lifetime import (
    INFINITY_LIFE_TIME,
    inet_del_ifa,
    lifetime_changed,
    set_ifa_lifetime,
)
from netsim.stack.route import IfAddr

# ifa_flag_data[]: name -> (read-only, IPv6 only)
_IFA_FLAGS = {
    "secondary": (True, False), "temporary": (True, False), "nodad": (False, True),
    "optimistic": (False, True), "dadfailed": (True, True), "home": (False, True),
    "deprecated": (True, True), "tentative": (True, True), "permanent": (True, True),
    "mngtmpaddr": (False, True), "noprefixroute": (False, False), "autojoin": (False, False),
    "stable-privacy": (True, True),
}


def _scope_value(text: str) -> int | None:
    """rtnl_rtscope_a2n(): a scope name or a number 0..255."""
    if text in SCOPE_NUM:
        return SCOPE_NUM[text]
    value = get_unsigned(text, 255)
    return value


class AddrReq:
    """One RTM_NEWADDR/RTM_DELADDR request as iproute2 builds it."""

    def __init__(self) -> None:
        self.local: Prefix | None = None
        self.local_text = ""
        self.dev: str | None = None
        self.label: str | None = None
        self.scope: int | None = None
        self.broadcast: bytes | None = None
        self.brd_mode = ""  # "+" / "-" (computed from the prefix)
        self.unmodelled: list[str] = []
        self.lifetimes = (False, False)
        self.valid_lft = INFINITY_LIFE_TIME       # what an omitted lifetime means
        self.preferred_lft = INFINITY_LIFE_TIME


def _parse(ctx: Ctx, argv: list[str], deleting: bool) -> AddrReq:
    req = AddrReq()
    args = Args(argv)
    fam = ctx.family_word
    seen_brd = seen_valid = seen_pref = False
    while args:
        word = args.cur
        if word in ("peer", "remote"):
            fam = family_after(get_prefix(args.next_arg(), fam), fam)
            req.unmodelled.append("peer")
        elif matches(word, "broadcast") or word == "brd":
            text = args.next_arg()
            if seen_brd:
                raise duparg("broadcast", text)
            seen_brd = True
            if text in ("+", "-"):
                req.brd_mode = text
            else:
                brd = get_addr(text, fam)
                fam = family_after(brd, fam)
                req.broadcast = brd.addr
        elif word == "anycast":
            fam = family_after(get_addr(args.next_arg(), fam), fam)
            req.unmodelled.append("anycast")
        elif word == "scope":
            req.scope = args.next_value(_scope_value, "invalid scope value.")
        elif word == "dev":
            req.dev = args.next_arg()
        elif word == "label":
            req.label = args.next_arg()
        elif matches(word, "metric") or matches(word, "priority") or matches(word, "preference"):
            args.next_value(get_unsigned, '"metric" value is invalid\n')
            req.unmodelled.append("metric")
        elif matches(word, "valid_lft") or matches(word, "preferred_lft"):
            key = "valid_lft" if matches(word, "valid_lft") else "preferred_lft"
            if (seen_valid if key == "valid_lft" else seen_pref):
                raise duparg(key, word)
            text = args.next_arg()
            value = INFINITY_LIFE_TIME if text == "forever" else get_unsigned(text)
            if value is None:
                raise invarg(f"{key} value", text)
            if key == "valid_lft":
                seen_valid = True
                req.valid_lft = value
            else:
                seen_pref = True
                req.preferred_lft = value
        elif word in _IFA_FLAGS:
            readonly, v6only = _IFA_FLAGS[word]
            if readonly:
                ctx.warn(f"Warning: {word} option is not mutable from userspace\n")
            elif v6only:
                ctx.warn(f"Warning: {word} option can be set only for IPv6 addresses\n")
            else:
                req.unmodelled.append(word)
        else:
            if word == "local":
                word = args.next_arg()
            if matches(word, "help"):
                raise IpExit(255, usage.IPADDR)
            if req.local is not None:
                raise duparg2("local", word)
            req.local = get_prefix(word, fam)
            fam = family_after(req.local, fam)
            req.local_text = word
        args.advance()
    req.lifetimes = (seen_valid, seen_pref)
    if req.dev is None:
        raise IpExit(1, 'Not enough information: "dev" argument is required.\n')
    if req.local is not None and deleting and not req.local.prefix_given:
        ctx.warn("Warning: Executing wildcard deletion to stay compatible with old scripts.\n"
                 f"         Explicitly specify the prefix length ({req.local_text}/32) to "
                 "avoid this warning.\n"
                 "         This special behaviour is likely to disappear in further "
                 "releases,\n         fix your scripts!\n")
    return req


def _check_lifetimes(req: AddrReq, seen_valid: bool, seen_pref: bool) -> None:
    """ipaddr_modify()'s own checks, before anything reaches the kernel.

    An omitted lifetime is forever, so ``valid_lft 10`` alone fails (forever > 10),
    while ``preferred_lft 10`` alone passes (and the address stays permanent).
    """
    if not (seen_valid or seen_pref):
        return
    if not req.valid_lft:
        raise IpExit(1, "valid_lft is zero\n")
    if req.valid_lft < req.preferred_lft:
        raise IpExit(1, "preferred_lft is greater than valid_lft\n")


def _broadcast(req: AddrReq) -> bytes | None:
    """``brd +`` (all host bits set) / ``brd -`` (cleared), for prefixes up to /30."""
    if req.broadcast is not None or not req.brd_mode or req.local is None:
        return req.broadcast
    plen = req.local.bitlen
    if plen > 30:
        return None
    value = int.from_bytes(req.local.addr, "big")
    host = (1 << (32 - plen)) - 1
    value = value | host if req.brd_mode == "+" else value & ~host
    return value.to_bytes(4, "big")


# ---------------------------------------------------------------------- kernel side
def _same_prefix(a: IfAddr, local: bytes, plen: int) -> bool:
    """inet_ifa_match() with equal masks: the same subnet."""
    mask = (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF if plen else 0
    return a.prefixlen == plen and a.network == int.from_bytes(local, "big") & mask


def newaddr(ctx: Ctx, req: AddrReq, exclusive: bool) -> None:
    """inet_rtm_newaddr() -> __inet_insert_ifa()."""
    dev = ctx.ns.get(req.dev)
    if req.local is None or req.local.family != "inet":
        raise NetlinkError(errno.EOPNOTSUPP)
    local, plen = req.local.addr, req.local.bitlen
    scope = req.scope if req.scope is not None else (254 if local[0] == 127 else 0)
    stack = ctx.ns.ipv4
    now = ctx.ns.lab.now
    for ifa in (a for a in stack.addresses if a.dev is dev):
        if _same_prefix(ifa, local, plen):
            if ifa.local == local:
                if exclusive:
                    raise NetlinkError(errno.EEXIST, "ipv4: Address already assigned")
                # replace/change keep label and broadcast: only the lifetimes (and the
                # metric) change, and omitted lifetimes mean forever again
                set_ifa_lifetime(ifa, req.valid_lft, req.preferred_lft, now)
                lifetime_changed(ctx.ns)
                return
            if SCOPE_NUM.get(ifa.scope, ifa.scope) != scope:
                raise NetlinkError(errno.EINVAL, "ipv4: Invalid scope value")
    ifa = IfAddr(dev, local, plen, _broadcast(req), scope_text(scope),
                 (req.label or dev.name)[:15])
    set_ifa_lifetime(ifa, req.valid_lft, req.preferred_lft, now)
    stack.add_address(ifa)
    lifetime_changed(ctx.ns)


def deladdr(ctx: Ctx, req: AddrReq) -> None:
    """inet_rtm_deladdr(): match local, label and (with /len) the prefix; secondaries go too."""
    dev = ctx.ns.get(req.dev)
    if req.local is None or req.local.family != "inet":
        raise NetlinkError(errno.EOPNOTSUPP)
    stack = ctx.ns.ipv4
    for ifa, secondary in kernel_order(stack.addresses, dev):
        if ifa.local != req.local.addr:
            continue
        if req.label is not None and ifa.label != req.label:
            continue
        if req.local.prefix_given and not _same_prefix(ifa, req.local.addr, req.local.bitlen):
            continue
        delete_address(ctx, ifa, secondary)
        return
    raise NetlinkError(errno.EADDRNOTAVAIL, "ipv4: Address not found")


def delete_address(ctx: Ctx, ifa: IfAddr, secondary: bool) -> None:
    """__inet_del_ifa(): a primary takes its secondaries with it."""
    inet_del_ifa(ctx.ns.ipv4, ifa)


def ipaddr_modify(ctx: Ctx, argv: list[str], deleting: bool, exclusive: bool = True) -> int:
    req = _parse(ctx, argv, deleting)
    if ctx.ns.get(req.dev) is None:
        raise nodev(req.dev)
    _check_lifetimes(req, *req.lifetimes)
    if req.local is not None and req.local.family == "inet6":
        raise not_modelled("IPv6")
    if req.unmodelled:
        raise not_modelled(f'the address option "{req.unmodelled[0]}"')
    try:
        if deleting:
            deladdr(ctx, req)
        else:
            newaddr(ctx, req, exclusive)
    except NetlinkError as err:
        raise report(err) from None
    return 0


def ipaddr_flush(ctx: Ctx, argv: list[str]) -> int:
    """`ip addr flush ...`: delete every address the filter selects, in rounds."""
    if not argv:
        raise IpExit(1, "Flush requires arguments.\n")
    if ctx.family == "link":
        raise IpExit(1, "Cannot flush link addresses.\n")
    args = Args(argv)
    lf, af, dev_name = parse_filter(ctx, args, do_link=False)
    dev = filter_device(ctx, dev_name)
    p = ctx.new_printer()
    stack = ctx.ns.ipv4

    def collect() -> list[tuple[IfAddr, bool]]:
        doomed = []
        for d in ([dev] if dev is not None else ctx.ns.in_order()):
            if af.family not in ("", "inet"):
                continue
            if af.up and not d.admin_up:
                continue
            doomed += [(a, s) for a, s in kernel_order(stack.addresses, d) if af.accepts(a, s)]
        return doomed

    def delete(doomed: list[tuple[IfAddr, bool]]) -> None:
        for ifa, secondary in doomed:
            if ifa in stack.addresses:
                delete_address(ctx, ifa, secondary)

    return flush_rounds(p, ctx.stats, collect, delete, "addresses")


def do_ipaddr(ctx: Ctx, argv: list[str]) -> int:
    """`ip address ...`."""
    if not argv:
        return ipaddr_list(ctx, [], do_link=False)
    cmd, rest = argv[0], argv[1:]
    if matches(cmd, "add"):
        return ipaddr_modify(ctx, rest, deleting=False, exclusive=True)
    if matches(cmd, "change") or cmd == "chg" or matches(cmd, "replace"):
        return ipaddr_modify(ctx, rest, deleting=False, exclusive=False)
    if matches(cmd, "delete"):
        return ipaddr_modify(ctx, rest, deleting=True)
    if matches(cmd, "list") or matches(cmd, "show") or matches(cmd, "lst"):
        return ipaddr_list(ctx, rest, do_link=False)
    if matches(cmd, "flush"):
        return ipaddr_flush(ctx, rest)
    if matches(cmd, "save") or matches(cmd, "showdump") or matches(cmd, "restore"):
        raise not_modelled(f'"ip address {cmd}"')
    if matches(cmd, "help"):
        raise IpExit(255, usage.IPADDR)
    raise IpExit(255, f'Command "{cmd}" is unknown, try "ip address help".\n')
