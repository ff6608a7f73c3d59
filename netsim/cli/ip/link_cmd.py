"""`ip link add|set|delete|show|help`: the command line side (iplink.c, link_veth.c).

iproute2 turns the words into one RTM_NEWLINK/RTM_DELLINK request and the kernel
either applies it or refuses it. :func:`iplink_parse` is the word-by-word reader
(with iproute2's quirks kept: ``set`` right after ``add`` is taken for a device
name, a second device name is "a garbage", any prefix of ``help`` prints the
usage); :mod:`netsim.netlink.link` is the kernel side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.cli.ip import bridge_opts, usage
from netsim.cli.ip.args import (
    Args,
    IpExit,
    check_altifname,
    check_ifname,
    duparg,
    duparg2,
    fatal,
    get_integer,
    invarg,
    ll_addr_a2n,
    matches,
    nodev,
    strtol,
)
from netsim.cli.ip.opts import Ctx
from netsim.cli.ip.rtnl import not_modelled, talk
from netsim.netlink import devinfo, link
from netsim.netlink.devinfo import IFF_ALLMULTI, IFF_MULTICAST, IFF_NOARP, IFF_PROMISC, IFF_UP
from netsim.netlink.link import LinkInfoData, LinkRequest, PidLookup

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

# The kinds iproute2 has a helper for (iplink_*.c); others are "garbage" with arguments.
IPROUTE2_KINDS = {
    "amt", "bareudp", "bond", "bond_slave", "bridge", "bridge_slave", "dsa", "dummy",
    "erspan", "geneve", "gre", "gretap", "gtp", "ifb", "ip6erspan", "ip6gre", "ip6gretap",
    "ip6tnl", "ipip", "ipoib", "ipvlan", "ipvtap", "macsec", "macvlan", "macvtap",
    "netdevsim", "nlmon", "rmnet", "sit", "team", "team_slave", "vcan", "veth", "vlan",
    "vrf", "vti", "vxcan", "vxlan", "wwan", "xfrm", "virt_wifi", "can", "hsr", "tun",
}


# ---------------------------------------------------------------------- bridge options
# The one place `ip link` hands ``type bridge OPTS`` to the kernel: bridge_opts.py parses
# them and its check()/apply() are br_changelink()'s two halves.
class BridgeData(LinkInfoData):
    """IFLA_INFO_DATA of kind bridge: the IFLA_BR_* attributes bridge_opts.parse() read."""

    def __init__(self, opts: bridge_opts.BridgeOpts) -> None:
        self.opts = opts

    def validate(self, dev: NetDevice | None) -> None:
        bridge_opts.check(dev, self.opts)

    def apply(self, dev: NetDevice) -> None:
        bridge_opts.apply(dev, self.opts)


class BridgeSlaveData(LinkInfoData):
    """IFLA_INFO_SLAVE_DATA for a bridge port: the IFLA_BRPORT_* attributes
    bridge_opts.parse_slave() read, applied by the port's bridge (slave_changelink)."""

    slave = True  # rtnl_changelink() hands it to the master before anything else

    def __init__(self, opts: bridge_opts.BridgeOpts) -> None:
        self.opts = opts

    def apply(self, dev: NetDevice) -> None:
        bridge_opts.slave_changelink(dev, self.opts)


def _kind_data(kind: str, rest: list[str]) -> LinkInfoData:
    """The words after ``type KIND`` (not a veth's peer), as the kernel will get them."""
    if kind == "bridge":
        return BridgeData(bridge_opts.parse(rest))
    if kind == "bridge_slave":
        return BridgeSlaveData(bridge_opts.parse_slave(rest))
    return LinkInfoData()  # a kind the simulated kernel has no options for


# ---------------------------------------------------------------------- the request
@dataclass
class LinkReq(LinkRequest):
    """One RTM_NEWLINK request as iproute2 builds it, with what only iproute2 looks at."""

    create: bool = False
    dev: str | None = None         # the device the request is about, by name
    link: str | None = None
    unmodelled: list[str] = field(default_factory=list)


def _on_off(args: Args, req: LinkReq, word: str, bit: int, invert: bool = False) -> None:
    value = args.next_arg()
    if value not in ("on", "off"):
        raise IpExit(1, f'Error: argument of "{word}" must be "on" or "off", not "{value}"\n')
    req.set_flag(bit, (value == "on") != invert)


def _netns(ctx: Ctx, text: str) -> NetNamespace | int:
    """netns_get_fd(): a name in /run/netns -- here, a host of the lab -- else a PID."""
    name = text.rsplit("/", 1)[-1] if "/" in text else text
    host = ctx.host.lab.hosts.get(name)
    if host is not None and ("/" not in text or text.startswith(("/run/netns/",
                                                                  "/var/run/netns/"))):
        return host.ns
    pid = get_integer(text)
    if pid is None:
        raise invarg('Invalid "netns" value\n', text)
    return pid


def _pid_ns(ctx: Ctx) -> PidLookup:
    """get_net_ns_by_pid() as `ip` sees it: a process of this host lives in its namespace."""
    return lambda pid: ctx.ns if ctx.host.processes.get(pid) is not None else None


# The keywords iproute2 knows and netsim does not simulate, with whether they take a value.
_UNMODELLED_EXACT = {"brd": True, "trailers": True, "carrier": True, "mode": True,
                     "state": True, "protodown": True, "gso_max_size": True,
                     "gso_max_segs": True, "gro_max_size": True, "parentdev": True,
                     "vrf": True}
_UNMODELLED_PREFIX = (("broadcast", True), ("dynamic", True), ("alias", True),
                      ("numtxqueues", True), ("numrxqueues", True), ("addrgenmode", True),
                      ("link-netns", True), ("link-netnsid", True))


def _number_once(args: Args, key: str, seen: bool) -> int:
    """The number after ``key`` (mtu, txqueuelen): a key given twice is a duplicate."""
    text = args.next_arg()
    if seen:
        raise duparg(key, text)
    value = get_integer(text)
    if value is None:
        raise invarg(f'Invalid "{key}" value\n', text)
    return value


def iplink_parse(ctx: Ctx, args: Args, req: LinkReq) -> None:
    """iplink_parse(): read words until the end or ``type KIND`` (which ends this level)."""
    name: str | None = None
    dev: str | None = None
    dev_is_name = False  # iproute2 compares the *pointers*: "dev" may alias "name"
    seen_qlen = seen_mtu = seen_netns = False
    while args:
        word = args.cur
        if word == "up":
            req.set_flag(IFF_UP, True)
        elif word == "down":
            req.set_flag(IFF_UP, False)
        elif word == "index":
            text = args.next_arg()
            parsed = strtol(text, 10)  # atoi()
            if parsed is None or parsed[0] <= 0:
                raise invarg('Invalid "index" value', text)
            req.unmodelled.append("index")
        elif word == "name":
            text = args.next_arg()
            if name is not None:
                raise duparg("name", text)
            if not check_ifname(text):
                raise invarg('"name" not a valid ifname', text)
            name = text
            if dev is None:
                dev, dev_is_name = name, True
        elif matches(word, "link"):
            req.link = args.next_arg()
        elif matches(word, "address"):
            addr = ll_addr_a2n(args.next_arg())
            if isinstance(addr, str):
                raise IpExit(1, addr)
            req.address = addr
        elif word in ("qlen",) or matches(word, "txqueuelen") or matches(word, "txqlen"):
            req.txqlen, seen_qlen = _number_once(args, "txqueuelen", seen_qlen) & 0xFFFFFFFF, True
        elif word == "mtu":
            req.mtu, seen_mtu = _number_once(args, "mtu", seen_mtu), True
        elif word in ("xdp", "xdpgeneric", "xdpdrv", "xdpoffload"):
            raise not_modelled("XDP")
        elif word == "netns":
            text = args.next_arg()
            if seen_netns:
                raise duparg("netns", text)
            req.netns, seen_netns = _netns(ctx, text), True
        elif word == "multicast":
            _on_off(args, req, word, IFF_MULTICAST)
        elif word == "allmulticast":
            _on_off(args, req, word, IFF_ALLMULTI)
        elif word == "promisc":
            _on_off(args, req, word, IFF_PROMISC)
        elif word == "arp":
            _on_off(args, req, word, IFF_NOARP, invert=True)
        elif word == "vf":
            raise not_modelled("SR-IOV (vf)")
        elif matches(word, "master"):
            text = args.next_arg()
            master = ctx.ns.get(text)
            if master is None:
                raise invarg("Device does not exist\n", text)
            req.master = master.ifindex
        elif matches(word, "nomaster"):
            req.master = 0
        elif matches(word, "type"):
            req.kind = args.next_arg()
            args.advance()
            break
        elif word == "group":
            text = args.next_arg()
            if text not in ("default", "0"):
                req.unmodelled.append("group")
        elif word in _UNMODELLED_EXACT or any(matches(word, k) for k, _ in _UNMODELLED_PREFIX):
            req.unmodelled.append(word)
            args.next_arg()
        else:
            if matches(word, "help"):
                raise IpExit(255, usage.IPLINK)
            if word == "dev":
                word = args.next_arg()
            if (dev is not None or name is not None) and not dev_is_name:
                raise duparg2("dev", word)
            if not check_altifname(word):
                raise invarg('"dev" not a valid ifname', word)
            dev, dev_is_name = word, False
        args.advance()
    _finish_names(ctx, req, name, dev, dev_is_name)


def _finish_names(ctx: Ctx, req: LinkReq, name: str | None, dev: str | None,
                  dev_is_name: bool) -> None:
    """The end of iplink_parse(): who the request is about, and whether it renames."""
    if name is None:
        name, dev_is_name = dev, True
    elif dev is None or dev == name:
        dev, dev_is_name = name, True
    if "index" in req.unmodelled and not req.create and req.netns is None:
        raise fatal("index can be used only when creating devices or when moving device "
                    "to another netns.\n")
    if not req.create:
        _check_address_length(ctx, dev, req.address)
        if dev is None:
            raise fatal('Not enough information: "dev" argument is required.\n')
        target = ctx.ns.get(dev)
        if target is None:
            raise nodev(dev)
        req.dev, req.ifindex = dev, target.ifindex
        req.name = None if dev_is_name else name
        return
    if not dev_is_name:
        raise fatal('both "name" and "dev" cannot be used when creating devices.\n')
    if req.link is not None and ctx.ns.get(req.link) is None:
        raise nodev(req.link)
    req.name = name


def _check_address_length(ctx: Ctx, dev: str | None, addr: bytes | None) -> None:
    """iproute2 itself compares the new address's length with the device's (if it has one)."""
    target = ctx.ns.get(dev) if dev is not None else None
    if addr is None or target is None or not devinfo.has_address(target):
        return
    if len(addr) != 6:
        raise IpExit(1, f"Invalid address length {len(addr)} - must be 6 bytes\n")


def _parse_kind_args(ctx: Ctx, req: LinkReq, rest: list[str]) -> None:
    """What follows ``type KIND``: bridge options, a veth peer, or nothing."""
    kind = req.kind
    if not rest:
        return
    if kind == "veth":
        req.peer = _parse_peer(ctx, req, rest)
    elif kind in IPROUTE2_KINDS:
        req.info_data = _kind_data(kind, rest)
    else:
        if matches(rest[0], "help"):
            raise IpExit(255, usage.IPLINK)
        raise IpExit(1, f'Garbage instead of arguments "{rest[0]} ...". '
                        'Try "ip link help".\n')


def _parse_peer(ctx: Ctx, req: LinkReq, rest: list[str]) -> LinkReq:
    """veth_parse_opt(): ``peer [name] NAME [address A] [netns H] ...``."""
    if rest[0] != "peer":
        # link_veth.c prints its usage with printf(): on standard output
        raise IpExit(1, stdout="Usage: ip link <options> type veth [peer <options>]\n"
                               "To get <options> type 'ip link add help'\n")
    peer = LinkReq(create=req.create)
    args = Args(rest[1:])
    iplink_parse(ctx, args, peer)
    if peer.kind is not None:
        raise duparg("type", args.argv[args.i - 1])
    return peer


def iplink_modify(ctx: Ctx, argv: list[str], create: bool, delete: bool = False) -> int:
    """iplink_modify(): parse, then hand the request to the kernel."""
    req = LinkReq(create=create)
    args = Args(argv)
    iplink_parse(ctx, args, req)
    if req.kind is not None:
        _parse_kind_args(ctx, req, args.rest())
    elif create:
        raise IpExit(1, 'Not enough information: "type" argument is required\n')
    for r in (req, req.peer):
        if r is not None and r.unmodelled:
            raise not_modelled(f'"{r.unmodelled[0]}"')
    with talk():
        if delete:
            link.dellink(ctx.ns, req.ifindex)
        elif create:
            link.newlink(ctx.ns, req, _pid_ns(ctx))
        else:
            link.setlink(ctx.ns, req, _pid_ns(ctx))
    return 0


def _show(ctx: Ctx, argv: list[str], do_link: bool) -> int:
    """`ip link show` (:mod:`.listing`, loaded the first time a list is asked for)."""
    from netsim.cli.ip.listing import ipaddr_list

    return ipaddr_list(ctx, argv, do_link=do_link)


def do_iplink(ctx: Ctx, argv: list[str]) -> int:
    """`ip link ...`: which sub-command (prefixes allowed, in iproute2's order)."""
    if not argv:
        return _show(ctx, [], do_link=True)
    cmd, rest = argv[0], argv[1:]
    if matches(cmd, "add"):
        return iplink_modify(ctx, rest, create=True)
    if matches(cmd, "set") or matches(cmd, "change"):
        return iplink_modify(ctx, rest, create=False)
    if matches(cmd, "replace"):
        raise not_modelled('"ip link replace"')
    if matches(cmd, "delete"):
        return iplink_modify(ctx, rest, create=False, delete=True)
    if matches(cmd, "show") or matches(cmd, "lst") or matches(cmd, "list"):
        return _show(ctx, rest, do_link=True)
    if matches(cmd, "xstats") or matches(cmd, "afstats") or matches(cmd, "property"):
        raise not_modelled(f'"ip link {cmd}"')
    if matches(cmd, "help"):
        return _help(rest)
    raise IpExit(255, f'Command "{cmd}" is unknown, try "ip link help".\n')


def _help(rest: list[str]) -> int:
    """`ip link help [TYPE]`: a type's own help if it has one, else the whole usage."""
    if rest and rest[0] == "bridge":
        raise IpExit(0, stdout=usage.BRIDGE_EXPLAIN)
    if rest and rest[0] == "veth":
        raise IpExit(0, stdout=usage.VETH)
    raise IpExit(255, usage.IPLINK)

