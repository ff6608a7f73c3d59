"""`ip neigh show|add|replace|change|del|flush|get` (ipneigh.c).

iproute2's side: the words, the filter, the printing. The kernel's side (the ARP cache,
what an add or a delete checks) is :mod:`netsim.netlink.neigh`. What `ip neigh` shows
of an entry follows the kernel: the link-layer address only while the entry is *valid*
(so a FAILED or INCOMPLETE entry has none), NOARP entries only with ``nud all``, and
`flush` never removes PERMANENT or NOARP entries unless asked by ``nud``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from netsim.cli.ip import usage
from netsim.cli.ip.args import (
    Args,
    IpExit,
    Prefix,
    duparg,
    duparg2,
    get_addr,
    get_prefix,
    get_unsigned,
    invarg,
    ll_addr_a2n,
    matches,
    nodev,
)
from netsim.cli.ip.opts import Ctx
from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.cli.ip.rtnl import flush_rounds, not_modelled, talk
from netsim.engine.units import KERNEL_HZ, USER_HZ
from netsim.netlink import neigh
from netsim.netlink.message import ADD, CHANGE, REPLACE
from netsim.netlink.neigh import NUD_VALID, NeighRequest, state_bits, state_name
from netsim.packets.addr import ip_ntoa, mac_ntoa


def nud_state_a2n(text: str) -> int | None:
    """nud_state_a2n(): permanent/reachable/failed by prefix, the others exactly, or a bit."""
    if matches(text, "permanent"):
        return 0x80
    if matches(text, "reachable"):
        return 0x02
    exact = {"noarp": 0x40, "none": 0x00, "stale": 0x04, "incomplete": 0x01, "delay": 0x08,
             "probe": 0x10}
    if text in exact:
        return exact[text]
    if matches(text, "failed"):
        return 0x20
    value = get_unsigned(text)
    if value is None or value >= 0x100 or value & (value - 1):
        return None
    return value


# ---------------------------------------------------------------------- show / flush
@dataclass
class NeighFilter:
    state: int = 0xFF & ~0x40
    dev: object | None = None
    prefix: Prefix | None = None
    unused: bool = False

    def accepts(self, state_bits: int, ip: bytes) -> bool:
        if not (self.state & state_bits) and (state_bits or not self.state & 0x100):
            return False
        if self.prefix is not None and self.prefix.bitlen > 0:
            plen = self.prefix.bitlen
            mask = (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
            if int.from_bytes(ip, "big") & mask != int.from_bytes(self.prefix.addr, "big") & mask:
                return False
        return True


def _parse_filter(ctx: Ctx, argv: list[str], flush: bool) -> NeighFilter:
    f = NeighFilter(state=~(0x80 | 0x40) if flush else 0xFF & ~0x40)
    args = Args(argv)
    dev_name = None
    state_given = False
    while args:
        word = args.cur
        if word == "dev":
            text = args.next_arg()
            if dev_name is not None:
                raise duparg("dev", text)
            dev_name = text
        elif word in ("master", "vrf"):
            text = args.next_arg()
            if ctx.ns.get(text) is None:
                raise invarg("Device does not exist\n" if word == "master"
                             else "Not a valid VRF name\n", text)
            raise not_modelled(f'"ip neigh ... {word}"')
        elif word == "nomaster":
            pass
        elif word == "unused":
            f.unused = True
        elif word == "nud":
            text = args.next_arg()
            if not state_given:
                state_given, f.state = True, 0
            state = nud_state_a2n(text)
            if state is None:
                if text != "all":
                    raise invarg("nud state is bad", text)
                state = ~0 & ~0x40 if flush else ~0
            f.state |= state if state else 0x100
        elif word == "proxy":
            raise not_modelled("proxy ARP")
        elif matches(word, "protocol"):
            args.next_arg()
            raise not_modelled('"ip neigh ... protocol"')
        else:
            if word == "to":
                word = args.next_arg()
            if matches(word, "help"):
                raise IpExit(255, usage.IPNEIGH)
            pfx = get_prefix(word, ctx.family_word)
            if pfx.family == "inet6":
                raise not_modelled("IPv6")
            f.prefix = pfx
        args.advance()
    if dev_name is not None:
        f.dev = ctx.ns.get(dev_name)
        if f.dev is None:
            raise nodev(dev_name)
    return f


def _entries(ctx: Ctx, f: NeighFilter) -> list:
    out = []
    for n in ctx.ns.ipv4.arp.in_order():
        if f.dev is not None and n.dev is not f.dev:
            continue
        bits = state_bits(ctx.ns, n)
        if f.accepts(bits, n.ip):
            out.append((n, bits))
    return out


def _age(now: float, then: float) -> int:
    """jiffies_to_clock_t(now - then) / USER_HZ: whole seconds of whole jiffies."""
    jiffies = math.floor(now * KERNEL_HZ + 1e-9) - math.floor(then * KERNEL_HZ + 1e-9)
    return max(jiffies, 0) * USER_HZ // KERNEL_HZ // USER_HZ


def print_neigh(p: Printer, ctx: Ctx, n, bits: int, filtered_dev: bool) -> None:
    """print_neigh(): ``10.0.0.2 dev eth0 lladdr 02:00:00:00:02:01 REACHABLE``."""
    p.open_object()
    p.string(ANY, "dst", "%s ", ip_ntoa(n.ip))
    if not filtered_dev:
        p.fp("dev ")
        p.string(ANY, "dev", "%s ", n.dev.name)
    if bits & NUD_VALID and n.lladdr is not None and n.dev.link_type != "none":
        p.fp("lladdr ")
        p.string(ANY, "lladdr", "%s ", mac_ntoa(n.lladdr))
    if getattr(n, "is_router", False):
        p.null(ANY, "router", "%s ", "router")
    if ctx.stats:  # print_cacheinfo(): the kernel's clock_t ages in whole seconds
        now = ctx.ns.env.now
        refcnt = 1 if getattr(n, "timer_at", None) is not None else 0  # the timer's hold
        if refcnt:
            p.uint(ANY, "refcnt", " ref %u", refcnt)
        p.uint(ANY, "used", " used %u", _age(now, getattr(n, "used", n.updated)))
        p.uint(ANY, "confirmed", "/%u", _age(now, n.confirmed))
        p.uint(ANY, "updated", "/%u", _age(now, n.updated))
        p.uint(ANY, "probes", "probes %u ", n.probes)
    if bits:
        p.open_array(JSON, "state" if p.is_json else "")
        p.string(ANY, None, "%s ", state_name(bits))
        p.close_array(JSON, None)
    p.fp("\n")
    p.close_object()


def do_show(ctx: Ctx, argv: list[str]) -> int:
    f = _parse_filter(ctx, argv, flush=False)
    p = ctx.new_printer()
    p.new_json_obj()
    if ctx.family in ("", "inet"):
        for n, bits in _entries(ctx, f):
            print_neigh(p, ctx, n, bits, filtered_dev=f.dev is not None)
    p.delete_json_obj()
    return 0


def do_flush(ctx: Ctx, argv: list[str]) -> int:
    if not argv:
        raise IpExit(1, "Flush requires arguments.\n")
    f = _parse_filter(ctx, argv, flush=True)
    p = ctx.new_printer()

    def delete(doomed) -> None:
        for n, _bits in doomed:
            with talk():
                neigh.delneigh(ctx.ns, NeighRequest(n.dev.ifindex, n.ip))
        f.state &= ~0x20  # NUD_FAILED

    return flush_rounds(p, ctx.stats, lambda: _entries(ctx, f), delete, "entries")


# ---------------------------------------------------------------------- add / change / del
@dataclass
class NeighReq:
    dst: bytes | None = None
    lladdr: bytes | None = None
    state: int = 0x80
    dev: object | None = None


def _parse_modify(ctx: Ctx, argv: list[str]) -> NeighReq:
    req = NeighReq()
    args = Args(argv)
    lla = None
    dev_name = None
    fam = ctx.family_word
    while args:
        word = args.cur
        if matches(word, "lladdr"):
            text = args.next_arg()
            if lla is not None:
                raise duparg("lladdr", text)
            lla = text
        elif word == "nud":
            text = args.next_arg()
            state = nud_state_a2n(text)
            if state is None:
                raise invarg("nud state is bad", text)
            req.state = state
        elif matches(word, "proxy"):
            raise not_modelled("proxy ARP")
        elif word in ("router", "use", "managed") or matches(word, "extern_learn"):
            raise not_modelled(f'the neighbour flag "{word}"')
        elif word == "dev":
            dev_name = args.next_arg()
        elif matches(word, "protocol"):
            args.next_arg()
            raise not_modelled('"ip neigh ... protocol"')
        else:
            if word == "to":
                word = args.next_arg()
            if matches(word, "help"):
                word = args.next_arg()
            if req.dst is not None:
                raise duparg2("to", word)
            pfx = get_addr(word, fam)
            if pfx.family == "inet6":
                raise not_modelled("IPv6")
            req.dst = pfx.addr
        args.advance()
    if dev_name is None or req.dst is None:
        raise IpExit(255, "Device and destination are required arguments.\n")
    if lla is not None and lla != "null":
        addr = ll_addr_a2n(lla)
        if isinstance(addr, str):
            raise IpExit(1, addr)
        req.lladdr = addr
    req.dev = ctx.ns.get(dev_name)
    if req.dev is None:
        raise nodev(dev_name)
    return req


def neigh_modify(ctx: Ctx, argv: list[str], mode: str) -> int:
    """add (CREATE|EXCL), replace (CREATE|REPLACE), change (REPLACE), del."""
    req = _parse_modify(ctx, argv)
    msg = NeighRequest(req.dev.ifindex, req.dst, req.lladdr, req.state)
    with talk():
        if mode == "del":
            neigh.delneigh(ctx.ns, msg)
        else:
            neigh.newneigh(ctx.ns, msg, {"add": ADD, "replace": REPLACE, "change": CHANGE}[mode])
    return 0


def neigh_get(ctx: Ctx, argv: list[str]) -> int:
    args = Args(argv)
    dst = None
    dev_name = None
    while args:
        word = args.cur
        if word == "dev":
            dev_name = args.next_arg()
        elif matches(word, "proxy"):
            raise not_modelled("proxy ARP")
        else:
            if word == "to":
                word = args.next_arg()
            if matches(word, "help"):
                raise IpExit(255, usage.IPNEIGH)
            if dst is not None:
                raise duparg2("to", word)
            dst = get_addr(word, ctx.family_word)
        args.advance()
    if dev_name is None or dst is None:
        raise IpExit(1, "Device and address are required arguments.\n")
    dev = ctx.ns.get(dev_name)
    if dev is None:
        raise IpExit(1, f'Cannot find device "{dev_name}"\n')
    with talk():
        n = neigh.getneigh(ctx.ns, dev.ifindex, dst.addr)
    p = ctx.new_printer()
    print_neigh(p, ctx, n, state_bits(ctx.ns, n), filtered_dev=False)
    return 0


def do_ipneigh(ctx: Ctx, argv: list[str]) -> int:
    """`ip neigh ...` (also `ip neighbour`)."""
    if not argv:
        return do_show(ctx, [])
    cmd, rest = argv[0], argv[1:]
    if matches(cmd, "add"):
        return neigh_modify(ctx, rest, "add")
    if matches(cmd, "change") or cmd == "chg":
        return neigh_modify(ctx, rest, "change")
    if matches(cmd, "replace"):
        return neigh_modify(ctx, rest, "replace")
    if matches(cmd, "delete"):
        return neigh_modify(ctx, rest, "del")
    if matches(cmd, "get"):
        return neigh_get(ctx, rest)
    if matches(cmd, "show") or matches(cmd, "lst") or matches(cmd, "list"):
        return do_show(ctx, rest)
    if matches(cmd, "flush"):
        return do_flush(ctx, rest)
    if matches(cmd, "help"):
        raise IpExit(255, usage.IPNEIGH)
    raise IpExit(255, f'Command "{cmd}" is unknown, try "ip neigh help".\n')
