"""IPv4 routes: RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE (net/ipv4/fib_frontend.c,
fib_semantics.c, fib_trie.c, route.c).

The main table lives in the model (``ns.ipv4.main``); the *local* table -- one
``local`` route per address, ``broadcast`` routes for subnet broadcasts -- is not
stored there, so :func:`local_table` rebuilds it from the addresses as the kernel's
``fib_add_ifaddr()`` would have filled it.

Kernel checks reproduced when a route is made (:func:`fib_create_info`): the prefix has
no host bits set, a device given without a gateway must exist and be up, a gateway must
be reachable through a connected (scope link) route or be one of the host's own
addresses, ``src`` must be a local address, reject routes (unreachable, blackhole,
prohibit) take neither a device nor a gateway; then :func:`newroute` refuses a route
whose prefix and metric are taken (NLM_F_EXCL) or missing (no NLM_F_CREATE).

Left out: tables other than main, multipath, nexthop objects, metrics, IPv6
(:class:`NotSimulated`).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.netlink.addr import SCOPE_NUM, kernel_order, scope_text
from netsim.netlink.message import ADD, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE
from netsim.stack.extack import NetlinkError, NotSimulated
from netsim.stack.route import Route, prefix_mask, to_int

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

RTPROT = {"unspec": 0, "redirect": 1, "kernel": 2, "boot": 3, "static": 4, "gated": 8,
          "ra": 9, "mrt": 10, "zebra": 11, "bird": 12, "dnrouted": 13, "xorp": 14, "ntk": 15,
          "dhcp": 16, "keepalived": 18, "babel": 42, "openr": 99, "bgp": 186, "isis": 187,
          "ospf": 188, "rip": 189, "eigrp": 192}
RTPROT_NAME = {v: k for k, v in RTPROT.items()}
RTPROT_BOOT = 3
RTN = {"unspec": 0, "unicast": 1, "local": 2, "broadcast": 3, "anycast": 4, "multicast": 5,
       "blackhole": 6, "unreachable": 7, "prohibit": 8, "throw": 9, "nat": 10, "xresolve": 11}
REJECT_TYPES = ("blackhole", "unreachable", "prohibit")
MODELLED_TYPES = ("unicast",) + REJECT_TYPES
RT_TABLE_MAIN, RT_TABLE_LOCAL = 254, 255
RT_SCOPE_LINK, RT_SCOPE_HOST = 253, 254


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


# ---------------------------------------------------------------------- dumps
@dataclass
class RouteView:
    """One route as the kernel reports it (RTM_NEWROUTE), from either table."""

    type: str
    dst: int
    plen: int
    dev: NetDevice | None
    gateway: bytes | None = None
    proto: int = RTPROT_BOOT
    scope: int = 0
    prefsrc: bytes | None = None
    metric: int = 0
    table: int = RT_TABLE_MAIN
    linkdown: bool = False
    model: Route | None = None
    from_: bytes | None = None  # RTM_GETROUTE with a source: the source asked for


def view(r: Route) -> RouteView:
    """A route of the main table as a dump reports it (a reject route has no device)."""
    reject = r.type in REJECT_TYPES
    dev = None if reject else r.dev
    linkdown = dev is not None and dev.admin_up and not dev.carrier
    return RouteView(r.type, r.dst, r.prefixlen, dev, r.gateway, proto_num(r.protocol),
                     scope_of(r), r.prefsrc, r.metric, RT_TABLE_MAIN, linkdown, r)


def main_table(ns: NetNamespace) -> list[RouteView]:
    """The main table in dump order (the trie walk)."""
    return [view(r) for r in ns.ipv4.main.in_display_order()]


def local_table(ns: NetNamespace) -> list[RouteView]:
    """The local table as fib_add_ifaddr() fills it: per address a ``local`` /32, and for a
    primary a ``broadcast`` route to its subnet's broadcast address (below /31)."""
    out: list[RouteView] = []
    stack = ns.ipv4
    for dev in ns.in_order():
        if not dev.admin_up:
            continue
        for ifa, secondary in kernel_order(stack.addresses, dev):
            prim = ifa.local
            if dev.flag_loopback and not secondary and ifa.prefixlen < 32:
                out.append(RouteView("local", ifa.network, ifa.prefixlen, dev, proto=2,
                                     scope=RT_SCOPE_HOST, prefsrc=prim, table=RT_TABLE_LOCAL))
            out.append(RouteView("local", to_int(ifa.local), 32, dev, proto=2,
                                 scope=RT_SCOPE_HOST, prefsrc=prim, table=RT_TABLE_LOCAL))
            if ifa.broadcast is not None and ifa.broadcast != b"\xff" * 4:
                out.append(RouteView("broadcast", to_int(ifa.broadcast), 32, dev, proto=2,
                                     scope=RT_SCOPE_LINK, prefsrc=prim, table=RT_TABLE_LOCAL))
            if not secondary and ifa.prefixlen < 31:
                bcast = ifa.network | (~prefix_mask(ifa.prefixlen) & 0xFFFFFFFF)
                if not any(v.type == "broadcast" and v.dst == bcast and v.dev is dev
                           for v in out):
                    out.append(RouteView("broadcast", bcast, 32, dev, proto=2,
                                         scope=RT_SCOPE_LINK, prefsrc=prim,
                                         table=RT_TABLE_LOCAL))
    # the trie walk: by key, then the longer prefix first
    out.sort(key=lambda v: (v.dst, -v.plen))
    return out


# ---------------------------------------------------------------------- add / del
@dataclass
class RouteRequest:
    """One RTM_NEWROUTE/RTM_DELROUTE: struct rtmsg and its RTA_* attributes.

    For a delete, None (and oif/metric 0) means "any": only what is given must match.
    """

    dst: bytes = bytes(4)          # RTA_DST (0.0.0.0 with dst_len 0: default)
    dst_len: int = 0
    family: str = "inet"           # rtm_family
    type: str | None = None        # rtm_type; a new route without one is unicast
    gateway: bytes | None = None   # RTA_GATEWAY
    oif: int = 0                   # RTA_OIF: an ifindex
    metric: int = 0                # RTA_PRIORITY
    prefsrc: bytes | None = None   # RTA_PREFSRC
    proto: int | None = None       # rtm_protocol; a new route without one is "boot"
    scope: int | None = None       # rtm_scope; a new route without one: link if no gateway
    onlink: bool = False           # RTNH_F_ONLINK

    @classmethod
    def for_route(cls, r: Route) -> RouteRequest:
        """The RTM_DELROUTE that names exactly this route (what `ip route flush` sends for
        each route it dumped)."""
        return cls(r.dst.to_bytes(4, "big"), r.prefixlen, type=r.type, gateway=r.gateway,
                   oif=r.dev.ifindex, metric=r.metric, prefsrc=r.prefsrc,
                   proto=proto_num(r.protocol), scope=scope_of(r))


def _gateway_dev(ns: NetNamespace, gw: bytes, oif: NetDevice | None,
                 scope: int) -> NetDevice | None:
    """fib_check_nh_v4_gw(): through which device the gateway is reachable, if at all.

    Only routes narrower than the new one's scope count (a connected route, scope link,
    for an ordinary route); one of the host's own addresses counts too.
    """
    stack = ns.ipv4
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


def _is_local(ns: NetNamespace, addr: bytes) -> bool:
    return any(a.local == addr for a in ns.ipv4.addresses)


def fib_create_info(ns: NetNamespace, req: RouteRequest) -> Route:
    """fib_create_info(): the route the kernel would insert, or the refusal."""
    rtype = req.type or "unicast"
    if rtype not in MODELLED_TYPES:
        raise NotSimulated(f'the route type "{rtype}"')
    if req.family != "inet":
        raise NotSimulated("IPv6")
    plen = req.dst_len
    dst = to_int(req.dst)
    if dst & ~prefix_mask(plen) & 0xFFFFFFFF:
        raise NetlinkError(errno.EINVAL, "Invalid prefix for given prefix length")
    scope = req.scope
    if scope is None:
        scope = RT_SCOPE_LINK if (rtype == "unicast" and req.gateway is None) else 0
    if scope > RT_SCOPE_HOST:
        raise NetlinkError(errno.EINVAL, "Invalid scope")
    proto = req.proto if req.proto is not None else RTPROT_BOOT
    oif = ns.by_index(req.oif) if req.oif else None
    if rtype in REJECT_TYPES:
        if req.gateway is not None or req.oif:
            raise NetlinkError(errno.EINVAL, "Gateway, device and multipath can not be "
                                             "specified for this route type")
        dev = ns.lo
    elif scope == RT_SCOPE_HOST:
        if req.gateway is not None:
            raise NetlinkError(errno.EINVAL, "Route with host scope can not have a gateway")
        if oif is None:
            raise NetlinkError(errno.ENODEV)
        dev = oif
    elif req.gateway is not None:
        if req.onlink:
            if not req.oif:
                raise NetlinkError(errno.EINVAL, "Nexthop device required for onlink")
            if oif is None:
                raise NetlinkError(errno.ENODEV)
            dev = oif
        else:
            found = None
            if oif is not None or not req.oif:  # (no such oif: nothing is reachable)
                found = _gateway_dev(ns, req.gateway, oif, scope)
            if found is None:  # fib_lookup() found no route to it
                raise NetlinkError(errno.ENETUNREACH, "Nexthop has invalid gateway")
            dev = found
        if not dev.admin_up:
            raise NetlinkError(errno.ENETDOWN, "Nexthop device is not up")
    else:
        if oif is None:
            raise NetlinkError(errno.ENODEV)
        dev = oif
        if not dev.admin_up:
            raise NetlinkError(errno.ENETDOWN, "Device for nexthop is not up")
    if req.prefsrc is not None and not _is_local(ns, req.prefsrc):
        raise NetlinkError(errno.EINVAL, "Invalid prefsrc address")
    return Route(dst, plen, dev, gateway=req.gateway, protocol=proto_text(proto),
                 scope=scope_text(scope), prefsrc=req.prefsrc, metric=req.metric,
                 type=rtype, flags=["onlink"] if req.onlink else [])


def newroute(ns: NetNamespace, req: RouteRequest, flags: int = ADD) -> Route:
    """inet_rtm_newroute() -> fib_table_insert(): the route made, after fib_create_info();
    one with the same prefix and metric is replaced (NLM_F_REPLACE) or refused (EXCL)."""
    table = ns.ipv4.main
    route = fib_create_info(ns, req)
    existing = next((r for r in table.in_display_order()
                     if r.dst == route.dst and r.prefixlen == route.prefixlen
                     and r.metric == route.metric), None)
    if existing is not None and flags & NLM_F_EXCL:
        raise NetlinkError(errno.EEXIST)
    if existing is None and not flags & NLM_F_CREATE:
        raise NetlinkError(errno.ENOENT)
    if existing is not None and flags & NLM_F_REPLACE:
        table.remove(existing)
    table.add(route)
    return route


def delroute(ns: NetNamespace, req: RouteRequest) -> None:
    """inet_rtm_delroute() -> fib_table_delete(): the first route matching every
    attribute that was given."""
    if req.family != "inet":
        raise NotSimulated("IPv6")
    table = ns.ipv4.main
    dst, plen = to_int(req.dst), req.dst_len
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
        if req.oif and r.dev.ifindex != req.oif:
            continue
        if req.gateway is not None and r.gateway != req.gateway:
            continue
        table.remove(r)
        return
    raise NetlinkError(errno.ESRCH)


# ---------------------------------------------------------------------- get
def getroute(ns: NetNamespace, dst: bytes, oif: int = 0,
             src: bytes | None = None) -> tuple[RouteView, str]:
    """inet_rtm_getroute() -> ip_route_output_key(): the route a locally sent packet to
    ``dst`` would take, and the kind of the cached route (local, broadcast, unicast)."""
    stack = ns.ipv4
    if src == bytes(4):
        src = None  # "from 0.0.0.0": no source given
    if src is not None:
        if src[0] >= 224:  # multicast or limited broadcast
            raise NetlinkError(errno.EINVAL)
        if not _is_local(ns, src):
            raise NetlinkError(errno.ENETUNREACH)
    out = None
    if oif:
        out = ns.by_index(oif)
        if out is None:
            raise NetlinkError(errno.ENODEV)
    if _is_local(ns, dst) or (dst[0] == 127 and ns.lo.admin_up):
        if src is not None:
            return RouteView("local", to_int(dst), 32, ns.lo, from_=src), "local"
        return RouteView("local", to_int(dst), 32, ns.lo, prefsrc=dst), "local"
    for v in local_table(ns):
        if v.type == "broadcast" and v.dst == to_int(dst) and (out is None or v.dev is out):
            return RouteView("broadcast", v.dst, 32, v.dev, prefsrc=v.prefsrc), "broadcast"
    route = stack.main.lookup(to_int(dst), out)
    if route is None:
        if out is not None:  # with an output device, anything is reachable "on link"
            return RouteView("unicast", to_int(dst), 32, out,
                             prefsrc=src or stack.select_source(out, dst)), "unicast"
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
