"""`ip link show` and `ip addr show`: one listing routine for both (ipaddr_list_flush_or_save).

The steps mirror iproute2's:

1. read the filter words (``dev``, ``up``, ``master``, ``type``, ``scope``, ``label``...);
2. ask the kernel for the devices -- it filters by ``master`` and by a ``type`` it
   knows itself; ``up``, unknown types and ``type X_slave`` are filtered afterwards
   by iproute2, which is why ``ip -j link show up`` prints ``{}`` for each device
   that is down;
3. for `ip addr`, drop devices that have addresses but none that pass the filter;
4. print each device, then its addresses.
"""

from __future__ import annotations

from netsim.cli.ip import usage
from netsim.cli.ip.addr_show import IFA_FLAG_NAMES, AddrFilter, print_selected_addrinfo
from netsim.cli.ip.args import Args, IpExit, duparg2, get_prefix, get_unsigned, invarg, matches
from netsim.cli.ip.link_show import LinkFilter, print_linkinfo, print_stats64
from netsim.cli.ip.opts import Ctx
from netsim.netlink import devinfo
from netsim.netlink.addr import SCOPE_NUM, kernel_order


def _flag_filter(word: str, af: AddrFilter) -> bool:
    """get_filter(): ``[-]FLAG`` keeps addresses with (without) it; ``primary`` is
    ``-secondary``, ``dynamic`` is ``-permanent``, ``temporary`` is ``secondary``."""
    inv = word.startswith("-")
    if inv:
        word = word[1:]
    if word == "dynamic":
        inv, word = not inv, "permanent"
    elif word == "primary":
        inv, word = not inv, "secondary"
    elif word == "temporary":
        word = "secondary"
    if word not in IFA_FLAG_NAMES:
        return False
    mask = 1 << IFA_FLAG_NAMES.index(word)
    af.flags = af.flags & ~mask if inv else af.flags | mask
    af.flagmask |= mask
    return True


def parse_filter(ctx: Ctx, args: Args, do_link: bool,
                 ) -> tuple[LinkFilter, AddrFilter, str | None]:
    lf = LinkFilter()
    af = AddrFilter(family="link" if do_link else ctx.family)
    dev_name: str | None = None
    while args:
        word = args.cur
        if word == "to":
            text = args.next_arg()
            pfx = get_prefix(text, ctx.family_word)
            af.prefix = (int.from_bytes(pfx.addr, "big"), max(pfx.bitlen, 0))
            if not af.family and pfx.family in ("inet", "inet6"):
                af.family = pfx.family  # "to" also sets the family (no link/ether line)
        elif word == "scope":
            text = args.next_arg()
            af.scopemask = -1
            if text in SCOPE_NUM:
                af.scope = SCOPE_NUM[text]
            elif text.isdigit() and int(text) < 256:
                af.scope = int(text)
            elif text == "all":
                af.scope, af.scopemask = 255, 0
            else:
                raise invarg('invalid "scope"\n', text)
        elif word == "up":
            lf.up = af.up = True
        elif _flag_filter(word, af):
            pass
        elif word == "label":
            af.label = args.next_arg()
        elif word == "group":
            text = args.next_arg()
            group = 0 if text == "default" else get_unsigned(text)
            if group is None:
                raise invarg('Invalid "group" value\n', text)
            lf.group = group
        elif word == "master":
            text = args.next_arg()
            master = ctx.ns.get(text)
            if master is None:
                raise invarg("Device does not exist\n", text)
            lf.master = master.ifindex
        elif word == "vrf":
            text = args.next_arg()
            raise invarg("Not a valid VRF name\n", text)
        elif word == "nomaster":
            lf.master = -1
        elif word == "type":
            text = args.next_arg()
            if text.endswith("_slave"):
                lf.slave_kind = text[: -len("_slave")]
            else:
                lf.kind = text
        else:
            if word == "dev":
                word = args.next_arg()
            elif matches(word, "help"):
                raise usage.exit_usage(usage.IPLINK if do_link else usage.IPADDR)
            if dev_name is not None:
                raise duparg2("dev", word)
            dev_name = word
        args.advance()
    return lf, af, dev_name


def _kernel_dump(ctx: Ctx, lf: LinkFilter) -> list:
    """The RTM_GETLINK dump: by ifindex, filtered in the kernel by master and known kinds."""
    out = []
    for dev in ctx.ns.in_order():
        master = dev.master.ifindex if dev.master is not None else 0
        if lf.master == -1 and master:
            continue
        if lf.master > 0 and master != lf.master:
            continue
        if lf.kind in devinfo.KNOWN_KINDS and devinfo.kind(dev) != lf.kind:
            continue
        out.append(dev)
    return out


def _has_matching_address(ctx: Ctx, dev, af: AddrFilter) -> bool:
    entries = kernel_order(ctx.ns.ipv4.addresses, dev)
    if not entries:
        return af.family in ("", "link")
    if af.family not in ("", "inet"):
        return False
    return any(af.accepts(ifa, sec) for ifa, sec in entries)


def filter_device(ctx: Ctx, dev_name: str | None):
    """The device a listing or flush is limited to (``dev NAME``), None for all of them."""
    if dev_name is None:
        return None
    dev = ctx.ns.get(dev_name)
    if dev is None:
        # ll_name_to_index() asks the kernel in a 1056-byte request: a name of 1012
        # bytes or more does not fit, and addattr_l says so first
        too_long = len(dev_name.encode("utf-8", "surrogateescape")) >= 1012
        raise IpExit(1, ("addattr_l ERROR: message exceeded bound of 1056\n" if too_long
                         else "") + f'Device "{dev_name}" does not exist.\n')
    return dev


def ipaddr_list(ctx: Ctx, argv: list[str], do_link: bool) -> int:
    """`ip link show ...` (``do_link``) or `ip addr show ...`."""
    args = Args(argv)
    lf, af, dev_name = parse_filter(ctx, args, do_link)
    dev = filter_device(ctx, dev_name)
    p = ctx.new_printer()
    p.new_json_obj()
    if dev is not None and do_link and lf.group is None:
        # iplink_get(): the one device, asked for by name
        p.open_object()
        print_linkinfo(p, ctx, dev, lf, do_link=True, family=af.family)
        p.close_object()
        p.delete_json_obj()
        return 0
    devices = [dev] if dev is not None else _kernel_dump(ctx, lf)
    if af.family != "link":
        devices = [d for d in devices if _has_matching_address(ctx, d, af)]
    no_link = af.family != "link" and ctx.oneline
    for d in devices:
        p.open_object()
        res = 0
        if ctx.brief or not no_link:
            res = print_linkinfo(p, ctx, d, lf, do_link, label_filter=af.label is not None,
                                     family=af.family)
        if res >= 0 and af.family != "link":
            print_selected_addrinfo(p, ctx, d, af, show_index=ctx.oneline)
        if res > 0 and not do_link and ctx.stats:
            print_stats64(p, ctx, d)
            p.nl()
        p.close_object()
    p.delete_json_obj()
    return 0
