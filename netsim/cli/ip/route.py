"""`ip route show|add|del|replace|change|get|flush` (iproute.c; net/ipv4/fib_frontend.c,
fib_semantics.c, fib_trie.c, route.c).

The main table lives in the model (``ns.ipv4.main``); the *local* table -- one
``local`` route per address, ``broadcast`` routes for subnet broadcasts -- is not
stored there, so `ip route show table local` rebuilds it from the addresses as the
kernel's ``fib_add_ifaddr()`` would have filled it.

Kernel checks reproduced for ``add``: the prefix has no host bits set, a device
given without a gateway must be up, a gateway must be reachable through a
connected (scope link) route or be one of the host's own addresses, ``src`` must be
a local address, reject routes (unreachable, blackhole, prohibit) take neither a
device nor a gateway, a route with the same prefix and metric already exists.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from netsim.cli.ip import usage
from netsim.cli.ip.addr_show import SCOPE_NUM, kernel_order, scope_text
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
from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.cli.ip.rtnl import NetlinkError, flush_rounds, not_modelled, report
from netsim.packets.addr import ip_ntoa
from netsim.stack.route import Route, prefix_mask, to_bytes, to_int

RTPROT = {"unspec": 0, "redirect": 1, "kernel": 2, "boot": 3, "static": 4, "gated": 8,
          "ra": 9, "mrt": 10, "zebra": 11, "bird": 12, "dnrouted": 13, "xorp": 14, "ntk": 15,
          "dhcp": 16, "keepalived": 18, "babel": 42, "openr": 99, "bgp": 186, "isis": 187,
          "ospf": 188, "rip": 189, "eigrp": 192}
RTPROT_NAME = {v: k for k, v in RTPROT.items()}
RTN = {"unspec": 0, "unicast": 1, "local": 2, "broadcast": 3, "anycast": 4, "multicast": 5,
       "blackhole": 6, "unreachable": 7, "prohibit": 8, "throw": 9, "nat": 10, "xresolve": 11}
REJECT_TYPES = ("blackhole", "unreachable", "prohibit")
MODELLED_TYPES = ("unicast",) + REJECT_TYPES
TABLES = {"default": 253, "main": 254, "local": 255}


def proto_text(proto: str | int) -> str:
    if isinstance(proto, int):
        return RTPROT_NAME.get(proto, str(proto))
    return proto


def proto_num(proto: str | int) -> int:
    if isinstance(proto, int):
        return proto
    return RTPROT.get(proto, int(proto) if str(proto).isdigit() else 0)


def scope_of(route: Route) -> int:
    """The model keeps scopes as names ("link") or, when odd, as numbers."""
    scope = route.scope
    if isinstance(scope, int):
        return scope
    return SCOPE_NUM.get(scope, int(scope) if scope.isdigit() else 0)


def _parse_proto(text: str) -> int | None:
    if text in RTPROT:
        return RTPROT[text]
    return get_unsigned(text, 255)


def _parse_scope(text: str) -> int | None:
    if text in SCOPE_NUM:
        return SCOPE_NUM[text]
    return get_unsigned(text, 255)


# ---------------------------------------------------------------------- a route, as printed
@dataclass
class RouteView:
    """One route as the kernel reports it (RTM_NEWROUTE), from either table."""

    type: str
    dst: int
    plen: int
    dev: object | None
    gateway: bytes | None = None
    proto: int = 3
    scope: int = 0
    prefsrc: bytes | None = None
    metric: int = 0
    table: int = 254
    linkdown: bool = False
    model: Route | None = None
    from_: bytes | None = None  # `ip route get ... from A`: the source asked for


def _view(r: Route) -> RouteView:
    reject = r.type in REJECT_TYPES
    dev = None if reject else r.dev
    linkdown = dev is not None and dev.admin_up and not dev.carrier
    return RouteView(r.type, r.dst, r.prefixlen, dev, r.gateway, proto_num(r.protocol),
                     scope_of(r), r.prefsrc, r.metric, 254, linkdown, r)


def local_table(ctx: Ctx) -> list[RouteView]:
    """The local table as fib_add_ifaddr() fills it: per address a ``local`` /32, and for a
    primary a ``broadcast`` route to its subnet's broadcast address (below /31)."""
    out: list[RouteView] = []
    stack = ctx.ns.ipv4
    for dev in ctx.ns.in_order():
        if not dev.admin_up:
            continue
        for ifa, secondary in kernel_order(stack.addresses, dev):
            prim = ifa.local
            if dev.flag_loopback and not secondary and ifa.prefixlen < 32:
                out.append(RouteView("local", ifa.network, ifa.prefixlen, dev, proto=2,
                                     scope=254, prefsrc=prim, table=255))
            out.append(RouteView("local", to_int(ifa.local), 32, dev, proto=2, scope=254,
                                 prefsrc=prim, table=255))
            if ifa.broadcast is not None and ifa.broadcast != b"\xff" * 4:
                out.append(RouteView("broadcast", to_int(ifa.broadcast), 32, dev, proto=2,
                                     scope=253, prefsrc=prim, table=255))
            if not secondary and ifa.prefixlen < 31:
                bcast = ifa.network | (~prefix_mask(ifa.prefixlen) & 0xFFFFFFFF)
                if not any(v.type == "broadcast" and v.dst == bcast and v.dev is dev
                           for v in out):
                    out.append(RouteView("broadcast", bcast, 32, dev, proto=2, scope=253,
                                         prefsrc=prim, table=255))
    # the trie walk: by key, then the longer prefix first
    out.sort(key=lambda v: (v.dst, -v.plen))
    return out


def print_route(p: Printer, ctx: Ctx, v: RouteView, filt: RouteFilter | None,
                cloned: str | None = None) -> None:
    """print_route(): one line of `ip route` (or the answer of `ip route get`)."""
    show_details = ctx.details > 0
    p.open_object()
    if (v.type != "unicast" or show_details) and (filt is None or not filt.types
                                                 or v.type in filt.types):
        p.string(ANY, "type", "%s ", v.type)
    if cloned is not None or v.plen == 32:
        dst = ip_ntoa(to_bytes(v.dst))
    elif v.plen == 0 and v.dst == 0:
        dst = "default"
    else:
        dst = f"{ip_ntoa(to_bytes(v.dst))}/{v.plen}"
    p.string(ANY, "dst", "%s ", dst)
    if v.from_ is not None:
        p.string(ANY, "from", "from %s ", ip_ntoa(v.from_))
    if v.gateway is not None and not (filt is not None and filt.via_full):
        if p.is_json:
            p.string(JSON, "gateway", "", ip_ntoa(v.gateway))
        else:
            p.fp(f"via {ip_ntoa(v.gateway)} ")
    if v.dev is not None and not (filt is not None and filt.oif is not None):
        if p.is_json:
            p.string(JSON, "dev", "", v.dev.name)
        else:
            p.fp(f"dev {v.dev.name} ")
    if (v.table != 254 or show_details) and (filt is None or filt.table in (0, None)):
        p.string(ANY, "table", "table %s ", "local" if v.table == 255 else "main")
    if cloned is None:
        if (v.proto != 3 or show_details) and not (filt is not None and filt.proto is not None):
            p.string(ANY, "protocol", "proto %s ", proto_text(v.proto))
        if (v.scope != 0 or show_details) and not (filt is not None and filt.scope is not None):
            p.string(ANY, "scope", "scope %s ", scope_text(v.scope))
    if v.prefsrc is not None and not (filt is not None and filt.src_full):
        if p.is_json:
            p.string(JSON, "prefsrc", "", ip_ntoa(v.prefsrc))
        else:
            p.fp(f"src {ip_ntoa(v.prefsrc)} ")
    if v.metric and not (filt is not None and filt.metric is not None):
        p.uint(ANY, "metric", "metric %u ", v.metric)
    p.open_array(JSON, "flags" if p.is_json else "")
    if v.model is not None and "onlink" in v.model.flags:
        p.string(ANY, None, "%s ", "onlink")
    if v.linkdown:
        p.string(ANY, None, "%s ", "linkdown")
    p.close_array(JSON, None)
    if cloned is not None:
        p.uint(ANY, "uid", "uid %u ", 0)
        _print_cache(p, cloned)
    p.fp("\n")
    p.close_object()


def _print_cache(p: Printer, kind: str) -> None:
    """print_cache_flags(): ``cache <local,brd>`` for a cloned route."""
    words = {"local": ["local"], "broadcast": ["local", "brd"]}.get(kind, [])
    if p.is_json:
        p.jw.name("cache")
        p.jw.start_array()
        for w in words:
            p.jw.string(w)
        p.jw.end_array()
        return
    p.fp(f"{p.sl}    cache ")
    if words:
        p.fp("<" + ",".join(words) + "> ")


# ---------------------------------------------------------------------- show / flush
@dataclass
class RouteFilter:
    table: int | None = 254      # 0 = all tables
    proto: int | None = None
    scope: int | None = None
    types: tuple[str, ...] = ()
    oif: object | None = None
    metric: int | None = None
    root: Prefix | None = None
    match: Prefix | None = None
    via: Prefix | None = None
    src: Prefix | None = None
    cache: bool = False

    @property
    def via_full(self) -> bool:
        return self.via is not None and self.via.bitlen == 32

    @property
    def src_full(self) -> bool:
        return self.src is not None and self.src.bitlen == 32

    def accepts(self, v: RouteView) -> bool:
        if self.cache:
            return False
        if self.table and self.table != v.table:
            return False
        if self.proto is not None and v.proto != self.proto:
            return False
        if self.scope is not None and v.scope != self.scope:
            return False
        if self.types and v.type not in self.types:
            return False
        if self.oif is not None and v.dev is not self.oif:
            return False
        if self.metric is not None and v.metric != self.metric:
            return False
        if self.root is not None and not _root_ok(self.root, v):
            return False
        if self.match is not None and not _match_ok(self.match, v):
            return False
        if self.via is not None and not _addr_in(v.gateway, self.via):
            return False
        return self.src is None or _addr_in(v.prefsrc, self.src)


def _addr_in(addr: bytes | None, pfx: Prefix) -> bool:
    value = to_int(addr) if addr is not None else 0
    return (value & prefix_mask(pfx.bitlen)) == (to_int(pfx.addr) & prefix_mask(pfx.bitlen))


def _root_ok(pfx: Prefix, v: RouteView) -> bool:
    """``root P``: routes inside P (P's length or longer)."""
    if pfx.bitlen > v.plen:
        return False
    return (v.dst & prefix_mask(pfx.bitlen)) == (to_int(pfx.addr) & prefix_mask(pfx.bitlen))


def _match_ok(pfx: Prefix, v: RouteView) -> bool:
    """``match P``: routes that contain P (its length or shorter)."""
    if pfx.bitlen >= 0 and pfx.bitlen < v.plen:
        return False
    return (v.dst & prefix_mask(v.plen)) == (to_int(pfx.addr) & prefix_mask(v.plen))


def _parse_filter(ctx: Ctx, args: Args, flush: bool) -> RouteFilter:
    f = RouteFilter()
    fam = ctx.family_word
    oif_name = None
    while args:
        word = args.cur
        if matches(word, "table"):
            text = args.next_arg()
            if text in TABLES or get_unsigned(text) is not None:
                f.table = TABLES.get(text) or get_unsigned(text)
            elif text == "all":
                f.table = 0
            elif text == "cache":
                f.cache = True
            elif text == "help":
                raise IpExit(255, usage.IPROUTE)
            else:
                raise invarg("table id value is invalid\n", text)
        elif matches(word, "cached") or matches(word, "cloned"):
            f.cache = True
        elif matches(word, "protocol"):
            f.proto = args.next_value(_parse_proto, 'invalid "protocol"\n', all_ok=True)
        elif matches(word, "scope"):
            f.scope = args.next_value(_parse_scope, 'invalid "scope"\n', all_ok=True)
        elif matches(word, "type"):
            text = args.next_arg()
            if text not in RTN:
                raise invarg("node type value is invalid\n", text)
            f.types = (text,)
        elif word in ("dev", "oif"):
            oif_name = args.next_arg()
        elif matches(word, "metric") or matches(word, "priority") or word == "preference":
            f.metric = args.next_value(get_unsigned, '"metric" value is invalid\n')
        elif word == "via":
            f.via = get_prefix(args.next_arg(), fam)
        elif word == "src":
            f.src = get_prefix(args.next_arg(), fam)
        elif word in ("iif", "mark", "tos") or matches(word, "dsfield") \
                or matches(word, "realms") or matches(word, "vrf") or matches(word, "from"):
            raise not_modelled(f'the route selector "{word}"')
        else:
            if matches(word, "to"):
                word = args.next_arg()
            if matches(word, "root"):
                f.root = get_prefix(args.next_arg(), fam)
            elif matches(word, "match"):
                f.match = get_prefix(args.next_arg(), fam)
            else:
                if matches(word, "exact"):
                    word = args.next_arg()
                pfx = get_prefix(word, fam)
                if not (pfx.family == "any" and not pfx.prefix_given):
                    f.root = f.match = pfx
        args.advance()
    if oif_name is not None:
        dev = ctx.ns.get(oif_name)
        if dev is None:
            raise nodev(oif_name)
        f.oif = dev
    return f


def _all_routes(ctx: Ctx, f: RouteFilter) -> list[RouteView]:
    views = [_view(r) for r in ctx.ns.ipv4.main.in_display_order()]
    if f.table in (0, 255):
        views += local_table(ctx)
    return [v for v in views if f.accepts(v)]


def iproute_list(ctx: Ctx, argv: list[str]) -> int:
    f = _parse_filter(ctx, Args(argv), flush=False)
    p = ctx.new_printer()
    p.new_json_obj()
    if ctx.family in ("", "inet"):
        for v in _all_routes(ctx, f):
            print_route(p, ctx, v, f)
    p.delete_json_obj()
    return 0


def iproute_flush(ctx: Ctx, argv: list[str]) -> int:
    if not argv:
        raise IpExit(1, '"ip route flush" requires arguments.\n')
    f = _parse_filter(ctx, Args(argv), flush=True)
    p = ctx.new_printer()
    if f.cache:
        if ctx.stats:
            p.fp("*** IPv4 routing cache is flushed.\n")
        return 0

    def collect() -> list[RouteView]:
        return [v for v in _all_routes(ctx, f) if v.model is not None]

    def delete(doomed: list[RouteView]) -> None:
        for v in doomed:
            if v.model in ctx.ns.ipv4.main.routes:
                ctx.ns.ipv4.main.remove(v.model)

    return flush_rounds(p, ctx.stats, collect, delete, "entries")


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
            req.scope = args.next_value(_parse_scope, 'invalid "scope" value\n')
        elif word == "onlink":
            req.onlink = True
        elif matches(word, "protocol"):
            req.proto = args.next_value(_parse_proto, '"protocol" value is invalid\n')
        elif matches(word, "table"):
            value = args.next_value(lambda t: TABLES.get(t, get_unsigned(t)),
                                    '"table" value is invalid\n')
            if value != 254:
                raise not_modelled("a routing table other than main")
        elif word in ("dev", "oif"):
            dev_name = args.next_arg()
        elif word in ("as", "from", "tos", "expires", "mtu", "hoplimit", "advmss", "rtt",
                      "rto_min", "nexthop", "nhid", "encap", "ttl-propagate") \
                or matches(word, "dsfield") or matches(word, "reordering") \
                or matches(word, "window") or matches(word, "cwnd") \
                or matches(word, "initcwnd") or matches(word, "initrwnd") \
                or matches(word, "features") or matches(word, "quickack") \
                or matches(word, "congctl") or matches(word, "rttvar") \
                or matches(word, "ssthresh") or matches(word, "realms") \
                or matches(word, "vrf") or matches(word, "pref") \
                or matches(word, "fastopen_no_cookie"):
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


def _gateway_dev(ctx: Ctx, gw: bytes, oif, scope: int):
    """fib_check_nh_v4_gw(): through which device the gateway is reachable, if at all.

    Only routes narrower than the new one's scope count (a connected route, scope link,
    for an ordinary route); one of the host's own addresses counts too.
    """
    stack = ctx.ns.ipv4
    for ifa in stack.addresses:
        if ifa.local == gw and ifa.dev.admin_up and (oif is None or ifa.dev is oif):
            return ifa.dev
    best = None
    for r in stack.main.routes:
        rs = scope_of(r)
        if r.type != "unicast" or rs <= scope or not r.matches(to_int(gw)):
            continue
        if not r.dev.admin_up or (oif is not None and r.dev is not oif):
            continue
        if best is None or r.prefixlen > best.prefixlen or \
                (r.prefixlen == best.prefixlen and r.metric < best.metric):
            best = r
    return best.dev if best is not None else None


def _is_local(ctx: Ctx, addr: bytes) -> bool:
    return any(a.local == addr for a in ctx.ns.ipv4.addresses)


def _build(ctx: Ctx, req: RouteReq) -> Route:
    """fib_create_info(): the route the kernel would insert, or the refusal."""
    rtype = req.type or "unicast"
    if rtype not in MODELLED_TYPES:
        raise not_modelled(f'the route type "{rtype}"')
    if req.dst.family != "inet" and not req.dst.is_any:
        raise not_modelled("IPv6")
    plen = req.dst.bitlen
    dst = to_int(req.dst.addr)
    if dst & ~prefix_mask(plen) & 0xFFFFFFFF:
        raise NetlinkError(errno.EINVAL, "Invalid prefix for given prefix length")
    scope = req.scope
    if scope is None:
        scope = 253 if (rtype == "unicast" and req.gateway is None) else 0
    if scope > 254:
        raise NetlinkError(errno.EINVAL, "Invalid scope")
    proto = req.proto if req.proto is not None else 3
    if rtype in REJECT_TYPES:
        if req.gateway is not None or req.dev is not None:
            raise NetlinkError(errno.EINVAL, "Gateway, device and multipath can not be "
                                             "specified for this route type")
        dev = ctx.ns.lo
    elif scope == 254:
        if req.gateway is not None:
            raise NetlinkError(errno.EINVAL, "Route with host scope can not have a gateway")
        if req.dev is None:
            raise NetlinkError(errno.ENODEV)
        dev = req.dev
    elif req.gateway is not None:
        if req.onlink:
            if req.dev is None:
                raise NetlinkError(errno.EINVAL, "Nexthop device required for onlink")
            dev = req.dev
        else:
            dev = _gateway_dev(ctx, req.gateway, req.dev, scope)
            if dev is None:
                raise NetlinkError(errno.EINVAL, "Nexthop has invalid gateway")
        if not dev.admin_up:
            raise NetlinkError(errno.ENETDOWN, "Nexthop device is not up")
    else:
        if req.dev is None:
            raise NetlinkError(errno.ENODEV)
        dev = req.dev
        if not dev.admin_up:
            raise NetlinkError(errno.ENETDOWN, "Device for nexthop is not up")
    if req.prefsrc is not None and not _is_local(ctx, req.prefsrc):
        raise NetlinkError(errno.EINVAL, "Invalid prefsrc address")
    return Route(dst, plen, dev, gateway=req.gateway, protocol=proto_text(proto),
                 scope=scope_text(scope), prefsrc=req.prefsrc, metric=req.metric or 0,
                 type=rtype, flags=["onlink"] if req.onlink else [])


def _same_key(r: Route, dst: int, plen: int, metric: int) -> bool:
    return r.dst == dst and r.prefixlen == plen and r.metric == metric


def iproute_modify(ctx: Ctx, argv: list[str], mode: str) -> int:
    """add (EXCL), replace (CREATE|REPLACE), change (REPLACE), del."""
    req = _parse_modify(ctx, argv)
    table = ctx.ns.ipv4.main
    try:
        if mode == "del":
            _delete(ctx, req)
            return 0
        route = _build(ctx, req)
        existing = next((r for r in table.in_display_order()
                         if _same_key(r, route.dst, route.prefixlen, route.metric)), None)
        if mode == "add" and existing is not None:
            raise NetlinkError(errno.EEXIST)
        if mode == "change" and existing is None:
            raise NetlinkError(errno.ENOENT)
        if existing is not None:
            table.remove(existing)
        table.add(route)
    except NetlinkError as err:
        raise report(err) from None
    return 0


def _delete(ctx: Ctx, req: RouteReq) -> None:
    """fib_table_delete(): the first route matching every attribute that was given."""
    table = ctx.ns.ipv4.main
    if req.dst.family == "inet6":
        raise not_modelled("IPv6")
    dst, plen = to_int(req.dst.addr), req.dst.bitlen
    for r in table.in_display_order():
        if r.dst != dst or r.prefixlen != plen:
            continue
        if req.metric and r.metric != req.metric:
            continue
        if req.type is not None and r.type != req.type:
            continue
        if req.scope is not None and scope_of(r) != req.scope:
            continue
        if req.proto is not None and proto_num(r.protocol) != req.proto:
            continue
        if req.prefsrc is not None and r.prefsrc != req.prefsrc:
            continue
        if req.dev is not None and r.dev is not req.dev:
            continue
        if req.gateway is not None and r.gateway != req.gateway:
            continue
        table.remove(r)
        return
    raise NetlinkError(errno.ESRCH)


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
    oif = None
    if odev is not None:
        oif = ctx.ns.get(odev)
        if oif is None:
            raise nodev(odev)
    try:
        view, kind = _resolve(ctx, dst.addr, oif, src.addr if src is not None else None)
    except NetlinkError as err:
        raise report(err) from None
    p = ctx.new_printer()
    p.new_json_obj()
    print_route(p, ctx, view, None, cloned=kind)
    p.delete_json_obj()
    return 0


def _resolve(ctx: Ctx, dst: bytes, oif, src: bytes | None) -> tuple[RouteView, str]:
    """ip_route_output_key(): the route a locally sent packet to ``dst`` would take."""
    stack = ctx.ns.ipv4
    if src == bytes(4):
        src = None  # "from 0.0.0.0": no source given
    if src is not None:
        if src[0] >= 224:  # multicast or limited broadcast
            raise NetlinkError(errno.EINVAL)
        if not _is_local(ctx, src):
            raise NetlinkError(errno.ENETUNREACH)
    if _is_local(ctx, dst) or (dst[0] == 127 and ctx.ns.lo.admin_up):
        if src is not None:
            return RouteView("local", to_int(dst), 32, ctx.ns.lo, from_=src), "local"
        return RouteView("local", to_int(dst), 32, ctx.ns.lo, prefsrc=dst), "local"
    for v in local_table(ctx):
        if v.type == "broadcast" and v.dst == to_int(dst) and (oif is None or v.dev is oif):
            return RouteView("broadcast", v.dst, 32, v.dev, prefsrc=v.prefsrc), "broadcast"
    route = stack.main.lookup(to_int(dst), oif)
    if route is None:
        if oif is not None:  # with an output device, anything is reachable "on link"
            return RouteView("unicast", to_int(dst), 32, oif,
                             prefsrc=src or stack.select_source(oif, dst)), "unicast"
        raise NetlinkError(errno.ENETUNREACH)
    error = {"unreachable": errno.EHOSTUNREACH, "prohibit": errno.EACCES,
             "blackhole": errno.EINVAL}.get(route.type)
    if error is not None:
        raise NetlinkError(error)
    nexthop = route.gateway or dst
    if src is not None:  # the kernel reports the source asked for, and no prefsrc
        return RouteView("unicast", to_int(dst), 32, route.dev, gateway=route.gateway,
                         from_=src), "unicast"
    prefsrc = route.prefsrc or stack.select_source(route.dev, nexthop)
    return RouteView("unicast", to_int(dst), 32, route.dev, gateway=route.gateway,
                     prefsrc=prefsrc), "unicast"


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

