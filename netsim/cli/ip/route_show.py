"""`ip route show|flush` and how a route prints (iproute.c: print_route, the filter).

The kernel dumps its tables (:func:`netsim.netlink.route.main_table`,
:func:`~netsim.netlink.route.local_table`); iproute2 filters what it gets -- by table,
protocol, scope, type, device, metric, ``root``/``match``/``exact`` prefixes, gateway
and source -- and prints one line per route. `flush` deletes what the filter selects
with one RTM_DELROUTE each, in rounds, until a dump comes back empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsim.cli.ip import usage
from netsim.cli.ip.args import (
    Args,
    IpExit,
    Prefix,
    get_prefix,
    get_unsigned,
    invarg,
    matches,
    nodev,
)
from netsim.cli.ip.opts import Ctx
from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.cli.ip.rtnl import flush_rounds, not_modelled, talk
from netsim.netlink import route
from netsim.netlink.addr import SCOPE_NUM, scope_text
from netsim.netlink.route import RTN, RTPROT, RouteRequest, RouteView, proto_text
from netsim.packets.addr import ip_ntoa
from netsim.stack.route import prefix_mask, to_bytes, to_int

TABLES = {"default": 253, "main": 254, "local": 255}


def parse_proto(text: str) -> int | None:
    """rtnl_rtprot_a2n(): a protocol name or a number 0..255."""
    if text in RTPROT:
        return RTPROT[text]
    return get_unsigned(text, 255)


def parse_scope(text: str) -> int | None:
    """rtnl_rtscope_a2n(): a scope name or a number 0..255."""
    if text in SCOPE_NUM:
        return SCOPE_NUM[text]
    return get_unsigned(text, 255)


# ---------------------------------------------------------------------- a route, as printed
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
            f.proto = args.next_value(parse_proto, 'invalid "protocol"\n', all_ok=True)
        elif matches(word, "scope"):
            f.scope = args.next_value(parse_scope, 'invalid "scope"\n', all_ok=True)
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
    views = route.main_table(ctx.ns)
    if f.table in (0, 255):
        views += route.local_table(ctx.ns)
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
                with talk():
                    route.delroute(ctx.ns, RouteRequest.for_route(v.model))

    return flush_rounds(p, ctx.stats, collect, delete, "entries")
