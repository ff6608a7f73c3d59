"""`ip` (iproute2 6.1.0) for a simulated host: ``main(host, argv, io) -> exit status``.

The program is split the way iproute2 is; what the kernel does with a request (and
what it answers about devices) is :mod:`netsim.netlink`, the API below every tool:

==================  =========================================================
module              what it does
==================  =========================================================
this file           global options (``-j -d -s -br -o -4 -p -V``) and objects
``opts``            what one run carries: the host, the options, the printer
``args``            prefix matching, C number parsing, the fatal messages
``render``          the text/JSON printer (iproute2's json_writer)
``usage``           the usage texts, verbatim
``rtnl``            kernel refusals as iproute2 prints them (``with talk():``)
``link_cmd``        `ip link add/set/del/help` words -> a netlink.link request
``bridge_opts``     ``type bridge`` options, both sides
``link_show``       one device as `ip link` prints it (also ``-d``, ``-s``, ``-br``)
``listing``         `ip link show` and `ip addr show`
``addr_show``       how addresses print
``addr``            `ip addr add/del/flush`
``route``           `ip route add/del/change/replace/get`
``route_show``      `ip route show/flush`, and how a route prints
``neigh``           `ip neigh`
``tuntap``          `ip tuntap` (through /dev/net/tun, not netlink)
``netns``           `ip netns list`
==================  =========================================================

Every message and exit status is the real one (checked against Linux 6.18).
Anything the simulator does not model says so plainly instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.cli.hints import ip_hint
from netsim.cli.ip import usage
from netsim.cli.ip.args import IpExit, emit, invarg, matches
from netsim.cli.ip.opts import Ctx
from netsim.user.io import Io

if TYPE_CHECKING:
    from netsim.host import Host

VERSION = "ip utility, iproute2-6.1.0, libbpf 1.1.2\n"

_FAMILIES = {"inet": "inet", "inet6": "inet6", "link": "link", "bridge": "bridge",
             "mpls": "mpls", "help": "help"}


def _object_table() -> list[tuple[str, Callable[[Ctx, list[str]], int] | None]]:
    """ip.c's cmds[]: prefixes are tried in this order (``ip a`` is address, ``ip n`` neighbor)."""
    return [
        ("address", _address), ("addrlabel", None), ("maddress", None),
        ("route", _route), ("rule", None), ("neighbor", _neigh),
        ("neighbour", _neigh), ("ntable", None), ("ntbl", None),
        ("link", _link), ("l2tp", None), ("fou", None), ("ila", None),
        ("macsec", None), ("tunnel", None), ("tunl", None), ("tuntap", _tuntap),
        ("tap", _tuntap), ("token", None), ("tcpmetrics", None),
        ("tcp_metrics", None), ("monitor", None), ("xfrm", None), ("mroute", None),
        ("mrule", None), ("netns", _netns), ("netconf", None), ("vrf", None),
        ("sr", None), ("nexthop", None), ("mptcp", None), ("ioam", None), ("help", _help),
        ("stats", None),
    ]


# Each object's module is imported when it is named: `ip link` never loads the routes.
def _address(ctx: Ctx, argv: list[str]) -> int:
    from netsim.cli.ip.addr import do_ipaddr

    return do_ipaddr(ctx, argv)


def _route(ctx: Ctx, argv: list[str]) -> int:
    from netsim.cli.ip.route import do_iproute

    return do_iproute(ctx, argv)


def _neigh(ctx: Ctx, argv: list[str]) -> int:
    from netsim.cli.ip.neigh import do_ipneigh

    return do_ipneigh(ctx, argv)


def _link(ctx: Ctx, argv: list[str]) -> int:
    from netsim.cli.ip.link_cmd import do_iplink

    return do_iplink(ctx, argv)


def _tuntap(ctx: Ctx, argv: list[str]) -> int:
    from netsim.cli.ip.tuntap import do_iptuntap

    return do_iptuntap(ctx, argv)


def _netns(ctx: Ctx, argv: list[str]) -> int:
    from netsim.cli.ip.netns import do_netns

    return do_netns(ctx, argv)


def _help(ctx: Ctx, argv: list[str]) -> int:
    raise IpExit(255, usage.IP)


def _parse_options(ctx: Ctx, argv: list[str]) -> list[str]:
    """ip.c main(): the ``-x`` options before the object, matched by prefix in this order."""
    i = 0
    while i < len(argv):
        opt = argv[i]
        if opt == "--":
            i += 1
            break
        if not opt.startswith("-"):
            break
        if opt.startswith("--"):
            opt = opt[1:]

        def value() -> str:
            nonlocal i
            i += 1
            if i >= len(argv):
                raise IpExit(255, usage.IP)
            return argv[i]

        if matches(opt, "-loops"):
            value()
        elif matches(opt, "-family"):
            fam = value()
            if fam == "help" or fam not in _FAMILIES:
                if fam == "help":
                    raise IpExit(255, usage.IP)
                raise invarg("invalid protocol family", fam)
            ctx.family = _FAMILIES[fam]
        elif opt == "-4":
            ctx.family = "inet"
        elif opt == "-6":
            ctx.family = "inet6"
        elif opt == "-0":
            ctx.family = "link"
        elif opt == "-M":
            ctx.family = "mpls"
        elif opt == "-B":
            ctx.family = "bridge"
        elif matches(opt, "-human") or matches(opt, "-human-readable") or matches(opt, "-iec"):
            pass  # -h / -iec change only how big counters are written: not modelled, ignored
        elif matches(opt, "-stats") or matches(opt, "-statistics"):
            ctx.stats += 1
        elif matches(opt, "-details"):
            ctx.details += 1
        elif matches(opt, "-resolve"):
            pass  # names are never looked up in the simulator: -r changes nothing
        elif matches(opt, "-oneline"):
            ctx.oneline = True
        elif matches(opt, "-timestamp") or matches(opt, "-tshort"):
            pass
        elif matches(opt, "-Version"):
            raise IpExit(0, stdout=VERSION)
        elif matches(opt, "-force"):
            ctx.force = True
        elif matches(opt, "-batch"):
            value()
            raise IpExit(2, "netsim: ip -batch is not simulated\n")
        elif matches(opt, "-brief"):
            ctx.brief = True
        elif matches(opt, "-json"):
            ctx.json = True
        elif matches(opt, "-pretty"):
            ctx.pretty = True
        elif matches(opt, "-rcvbuf"):
            value()
        elif matches(opt, "-color") or matches(opt, "-colour"):
            pass  # not a terminal: iproute2 prints no colours either
        elif matches(opt, "-help"):
            raise IpExit(255, usage.IP)
        elif matches(opt, "-netns"):
            value()
            raise IpExit(2, "netsim: ip -netns is not simulated; run the command on that host\n")
        elif matches(opt, "-Numeric") or matches(opt, "-all") or opt == "-echo":
            pass
        else:
            raise IpExit(255, f'Option "{opt}" is unknown, try "ip -help".\n')
        i += 1
    return argv[i:]


def _dispatch(ctx: Ctx, argv: list[str]) -> int:
    if not argv:
        raise IpExit(255, usage.IP)
    word = argv[0]
    for name, func in _object_table():
        if matches(word, name):
            if func is None:
                raise IpExit(2, f'netsim: "ip {name}" is not simulated\n')
            return func(ctx, argv[1:])
    raise IpExit(1, f'Object "{word}" is unknown, try "ip help".\n')


def main(host: Host, argv: list[str], io: Io) -> int:
    """Run `ip` on ``host``: ``argv[0]`` is "ip"; output goes to ``io``; returns the status."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    ctx = Ctx(host, (io.uid, io.gid, io.groups))
    status = 0
    try:
        rest = _parse_options(ctx, argv[1:])
        status = _dispatch(ctx, rest)
    except IpExit as exc:
        io.write(ctx.printer.text())
        for text in ctx.stderr:
            io.error(text)
        status = emit(io, exc)
        hint = ip_hint(argv) if host.lab.hints else None
        if hint:
            io.error(hint)
        return status
    io.write(ctx.printer.text())
    for text in ctx.stderr:
        io.error(text)
    return status
