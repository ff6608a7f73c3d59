"""`ip address add|change|replace|del|flush|show` for IPv4 (ipaddress.c).

iproute2's side of it: the words, the checks it makes itself (lifetimes, ``brd +``,
the default scope of 127/8), the warnings, and the printing; the kernel's side --
secondaries, ``Address already assigned``, what ``change`` keeps, lifetimes counting
down -- is :mod:`netsim.netlink.addr`.

``ip addr del 10.0.0.1 dev eth0`` without ``/len`` is a wildcard: any prefix length
(iproute2 sends no IFA_ADDRESS, and warns about it).
"""

from __future__ import annotations

from netsim.cli.ip import usage
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
from netsim.cli.ip.opts import Ctx
from netsim.cli.ip.rtnl import flush_rounds, not_modelled, talk
from netsim.netlink import addr
from netsim.netlink.addr import SCOPE_NUM, AddrRequest, kernel_order
from netsim.netlink.message import ADD, REPLACE
from netsim.stack.addr_lifetime import INFINITY_LIFE_TIME
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


def _message(req: AddrReq, ifindex: int) -> AddrRequest:
    """The RTM_NEWADDR/RTM_DELADDR iproute2 sends: no address means no family at all;
    without ``scope``, an address in 127/8 is a host address (default_scope())."""
    local = req.local
    if local is None:
        return AddrRequest(ifindex, family="unspec", label=req.label)
    scope = req.scope
    if scope is None:
        scope = 254 if local.addr[0] == 127 else 0
    return AddrRequest(ifindex, local.addr, local.bitlen, family=local.family,
                       match_prefix=local.prefix_given, label=req.label, scope=scope,
                       broadcast=_broadcast(req), valid_lft=req.valid_lft,
                       preferred_lft=req.preferred_lft)


def ipaddr_modify(ctx: Ctx, argv: list[str], deleting: bool, exclusive: bool = True) -> int:
    req = _parse(ctx, argv, deleting)
    dev = ctx.ns.get(req.dev)
    if dev is None:
        raise nodev(req.dev)
    _check_lifetimes(req, *req.lifetimes)
    if req.local is not None and req.local.family == "inet6":
        raise not_modelled("IPv6")
    if req.unmodelled:
        raise not_modelled(f'the address option "{req.unmodelled[0]}"')
    msg = _message(req, dev.ifindex)
    with talk():
        if deleting:
            addr.deladdr(ctx.ns, msg)
        else:
            addr.newaddr(ctx.ns, msg, ADD if exclusive else REPLACE)
    return 0


def ipaddr_flush(ctx: Ctx, argv: list[str]) -> int:
    """`ip addr flush ...`: delete every address the filter selects, in rounds."""
    if not argv:
        raise IpExit(1, "Flush requires arguments.\n")
    if ctx.family == "link":
        raise IpExit(1, "Cannot flush link addresses.\n")
    from netsim.cli.ip.listing import filter_device, parse_filter

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
        for ifa, _secondary in doomed:
            if ifa in stack.addresses:  # (a primary deleted before took it along)
                with talk():
                    addr.deladdr(ctx.ns, addr.request_for(ifa))

    return flush_rounds(p, ctx.stats, collect, delete, "addresses")


def _show(ctx: Ctx, argv: list[str], do_link: bool) -> int:
    """`ip address show` (:mod:`.listing`, loaded the first time a list is asked for)."""
    from netsim.cli.ip.listing import ipaddr_list

    return ipaddr_list(ctx, argv, do_link=do_link)


def do_ipaddr(ctx: Ctx, argv: list[str]) -> int:
    """`ip address ...`."""
    if not argv:
        return _show(ctx, [], do_link=False)
    cmd, rest = argv[0], argv[1:]
    if matches(cmd, "add"):
        return ipaddr_modify(ctx, rest, deleting=False, exclusive=True)
    if matches(cmd, "change") or cmd == "chg" or matches(cmd, "replace"):
        return ipaddr_modify(ctx, rest, deleting=False, exclusive=False)
    if matches(cmd, "delete"):
        return ipaddr_modify(ctx, rest, deleting=True)
    if matches(cmd, "list") or matches(cmd, "show") or matches(cmd, "lst"):
        return _show(ctx, rest, do_link=False)
    if matches(cmd, "flush"):
        return ipaddr_flush(ctx, rest)
    if matches(cmd, "save") or matches(cmd, "showdump") or matches(cmd, "restore"):
        raise not_modelled(f'"ip address {cmd}"')
    if matches(cmd, "help"):
        raise IpExit(255, usage.IPADDR)
    raise IpExit(255, f'Command "{cmd}" is unknown, try "ip address help".\n')
