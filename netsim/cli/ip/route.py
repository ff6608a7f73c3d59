"""`ip route add|del|replace|change|get` and the `ip route` dispatcher (iproute.c).

iproute2's side: the words, its own defaults (the scope of a route without a gateway
is link, the protocol is boot), the warnings and the printing. The kernel's side --
fib_create_info()'s checks, the main and local tables, the answer of RTM_GETROUTE --
is :mod:`netsim.netlink.route`; `ip route show|flush` and the printing of a route are
:mod:`netsim.cli.ip.route_show`.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsim.cli.ip import usage
from netsim.cli.ip.args import (
    Args,
    IpExit,
    Prefix,
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
from netsim.cli.ip.route_show import (
    RTN,
    TABLES,
    iproute_flush,
    iproute_list,
    parse_proto,
    parse_scope,
    print_route,
)
from netsim.cli.ip.rtnl import not_modelled, talk
from netsim.netlink import route
from netsim.netlink.message import ADD, CHANGE, REPLACE
from netsim.netlink.route import RouteRequest


# ---------------------------------------------------------------------- add / del
@dataclass
class RouteReq:
    dst: Prefix | None = None
    type: str | None = None
    gateway: bytes | None = None
    dev: object | None = None
    metric: int | None = None
    prefsrc: bytes | None = None
    proto: int | None = None
    scope: int | None = None
    table: int = 254
    onlink: bool = False


# route attributes iproute2 knows and netsim does not model: exact words, then prefixes
_UNMODELLED_WORDS = ("as", "from", "tos", "expires", "mtu", "hoplimit", "advmss", "rtt",
                     "rto_min", "nexthop", "nhid", "encap", "ttl-propagate")
_UNMODELLED_PREFIXED = ("dsfield", "reordering", "window", "cwnd", "initcwnd", "initrwnd",
                        "features", "quickack", "congctl", "rttvar", "ssthresh", "realms",
                        "vrf", "pref", "fastopen_no_cookie")


def _unmodelled_option(word: str) -> bool:
    return word in _UNMODELLED_WORDS or any(matches(word, k) for k in _UNMODELLED_PREFIXED)


def _parse_modify(ctx: Ctx, argv: list[str]) -> RouteReq:
    req = RouteReq()
    args = Args(argv)
    fam = ctx.family_word
    dev_name = None
    while args:
        word = args.cur
        if word == "src":
            pfx = get_addr(args.next_arg(), fam)
            fam = family_after(pfx, fam)
            req.prefsrc = pfx.addr
        elif word == "via":
            if req.gateway is not None:
                raise invarg("use nexthop syntax to specify multiple via\n", word)
            text = args.next_arg()
            if text in ("inet", "inet6", "link", "mpls", "bridge"):
                text = args.next_arg()
            pfx = get_addr(text, fam)
            fam = family_after(pfx, fam)
            req.gateway = pfx.addr
        elif matches(word, "metric") or matches(word, "priority") or word == "preference":
            req.metric = args.next_value(get_unsigned, '"metric" value is invalid\n')
        elif word == "scope":
            req.scope = args.next_value(parse_scope, 'invalid "scope" value\n')
        elif word == "onlink":
            req.onlink = True
        elif matches(word, "protocol"):
            req.proto = args.next_value(parse_proto, '"protocol" value is invalid\n')
        elif matches(word, "table"):
            value = args.next_value(lambda t: TABLES.get(t, get_unsigned(t)),
                                    '"table" value is invalid\n')
            if value != 254:
                raise not_modelled("a routing table other than main")
        elif word in ("dev", "oif"):
            dev_name = args.next_arg()
        elif _unmodelled_option(word):
            raise not_modelled(f'the route option "{word}"')
        else:
            if word == "to":
                word = args.next_arg()
            if (not word[:1].isdigit()) and word in RTN:
                req.type = word
                word = args.next_arg()
            if matches(word, "help"):
                raise IpExit(255, usage.IPROUTE)
            if req.dst is not None:
                raise duparg2("to", word)
            req.dst = get_prefix(word, fam)
            fam = family_after(req.dst, fam)
        args.advance()
    if req.dst is None:
        raise IpExit(255, usage.IPROUTE)
    if dev_name is not None:
        dev = ctx.ns.get(dev_name)
        if dev is None:
            raise nodev(dev_name)
        req.dev = dev
    return req


def _parse_modify(ctx: Ctx, argv: list[str]) -> RouteReq:
    req = RouteReq()
    args = Args(argv)
    fam = ctx.family_word
    dev_name = None
    while args:
        word = args.cur
        if word == "src":
            pfx = get_addr(args.next_arg(), fam)
            fam = family_after(pfx, fam)
            req.prefsrc = pfx.addr
        elif word == "via":
            if req.gateway is not None:
                raise invarg("use nexthop syntax to specify multiple via\n", word)
            text = args.next_arg()
            if text in ("inet", "inet6", "link", "mpls", "bridge"):
                text = args.next_arg()
            pfx = get_addr(text, fam)
            fam = family_after(pfx, fam)
            req.gateway = pfx.addr
        elif matches(word, "metric") or matches(word, "priority") or word == "preference":
            req.metric = args.next_value(get_unsigned, '"metric" value is invalid\n')
        elif word == "scope":
            req.scope = args.next_value(parse_scope, 'invalid "scope" value\n')
        elif word == "onlink":
            req.onlink = True
        elif matches(word, "protocol"):
            req.proto = args.next_value(parse_proto, '"protocol" value is invalid\n')
        elif matches(word, "table"):
            value = args.next_value(lambda t: TABLES.get(t, get_unsigned(t)),
                                    '"table" value is invalid\n')
            if value != 254:
                raise not_modelled("a routing table other than main")
        elif word in ("dev", "oif"):
            dev_name = args.next_arg()
        elif _unmodelled_option(word):
            raise not_modelled(f'the route option "{word}"')
        else:
            if word == "to":
                word = args.next_arg()
            if (not word[:1].isdigit()) and word in RTN:
                req.type = word
                word = args.next_arg()
            if matches(word, "help"):
                raise IpExit(255, usage.IPROUTE)
            if req.dst is not None:
                raise duparg2("to", word)
            req.dst = get_prefix(word, fam)
            fam = family_after(req.dst, fam)
        args.advance()
    if req.dst is None:
        raise IpExit(255, usage.IPROUTE)
    if dev_name is not None:
        dev = ctx.ns.get(dev_name)
        if dev is None:
            raise nodev(dev_name)
        req.dev = dev
    return req


def _message(req: RouteReq) -> RouteRequest:
    """The RTM_NEWROUTE/RTM_DELROUTE iproute2 sends for the words it read."""
    dst = req.dst
    return RouteRequest(dst.addr, dst.bitlen, "inet6" if dst.family == "inet6" else "inet",
                        type=req.type, gateway=req.gateway,
                        oif=req.dev.ifindex if req.dev is not None else 0,
                        metric=req.metric or 0, prefsrc=req.prefsrc, proto=req.proto,
                        scope=req.scope, onlink=req.onlink)


def iproute_modify(ctx: Ctx, argv: list[str], mode: str) -> int:
    """add (CREATE|EXCL), replace (CREATE|REPLACE), change (REPLACE), del."""
    req = _parse_modify(ctx, argv)
    with talk():
        if mode == "del":
            route.delroute(ctx.ns, _message(req))
        else:
            flags = {"add": ADD, "replace": REPLACE, "change": CHANGE}[mode]
            route.newroute(ctx.ns, _message(req), flags)
    return 0


# ---------------------------------------------------------------------- get
def iproute_get(ctx: Ctx, argv: list[str]) -> int:
    """`ip route get ADDR [from A] [oif DEV]`: ask the kernel where a packet would go."""
    args = Args(argv)
    fam = ctx.family_word
    dst = None
    src = None
    odev = None
    while args:
        word = args.cur
        if matches(word, "from"):
            text = args.next_arg()
            if matches(text, "help"):
                raise IpExit(255, usage.IPROUTE)
            src = get_prefix(text, fam)
            fam = family_after(src, fam)
        elif matches(word, "oif") or word == "dev":
            odev = args.next_arg()
        elif word in ("tos", "as") or matches(word, "iif") or matches(word, "mark") \
                or matches(word, "dsfield") or matches(word, "vrf") or matches(word, "sport") \
                or matches(word, "dport") or matches(word, "ipproto"):
            raise not_modelled(f'"ip route get ... {word}"')
        elif matches(word, "notify") or matches(word, "connected") or matches(word, "uid") \
                or matches(word, "fibmatch"):
            if matches(word, "uid"):
                args.next_arg()
            raise not_modelled(f'"ip route get ... {word}"')
        else:
            if word == "to":
                word = args.next_arg()
            if matches(word, "help"):
                raise IpExit(255, usage.IPROUTE)
            dst = get_prefix(word, fam)
            fam = family_after(dst, fam)
            if dst.family == "inet6":
                raise not_modelled("IPv6")
            if dst.bitlen != 32:
                ctx.warn(f"Warning: /{dst.bitlen} as prefix is invalid, only /32 (or none) "
                         "is supported.\n")
        args.advance()
    if dst is None:
        raise IpExit(1, "need at least a destination address\n")
    oif = 0
    if odev is not None:
        dev = ctx.ns.get(odev)
        if dev is None:
            raise nodev(odev)
        oif = dev.ifindex
    with talk():
        view, kind = route.getroute(ctx.ns, dst.addr, oif, src.addr if src is not None else None)
    p = ctx.new_printer()
    p.new_json_obj()
    print_route(p, ctx, view, None, cloned=kind)
    p.delete_json_obj()
    return 0


def do_iproute(ctx: Ctx, argv: list[str]) -> int:
    """`ip route ...`."""
    if not argv:
        return iproute_list(ctx, [])
    cmd, rest = argv[0], argv[1:]
    if matches(cmd, "add"):
        return iproute_modify(ctx, rest, "add")
    if matches(cmd, "change") or cmd == "chg":
        return iproute_modify(ctx, rest, "change")
    if matches(cmd, "replace"):
        return iproute_modify(ctx, rest, "replace")
    if matches(cmd, "prepend") or matches(cmd, "append") or matches(cmd, "test"):
        raise not_modelled(f'"ip route {cmd}"')
    if matches(cmd, "delete"):
        return iproute_modify(ctx, rest, "del")
    if matches(cmd, "list") or matches(cmd, "show") or matches(cmd, "lst"):
        return iproute_list(ctx, rest)
    if matches(cmd, "get"):
        return iproute_get(ctx, rest)
    if matches(cmd, "flush"):
        return iproute_flush(ctx, rest)
    if matches(cmd, "save") or matches(cmd, "restore") or matches(cmd, "showdump"):
        raise not_modelled(f'"ip route {cmd}"')
    if matches(cmd, "help"):
        raise IpExit(255, usage.IPROUTE)
    raise IpExit(255, f'Command "{cmd}" is unknown, try "ip route help".\n')

