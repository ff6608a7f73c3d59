"""``bridge`` (iproute2 6.1): the forwarding database and the ports of Linux bridges.

Two objects are simulated:

* ``bridge fdb`` (:mod:`.fdb`) -- ``show`` lists the *neighbour table* of the AF_BRIDGE
  family: for every device (by ifindex), first the entries a bridge holds for it as a
  port (``MAC dev eth0 master br0`` + ``permanent``/``static``/nothing for learned
  ones), then the device's own address lists (``MAC dev eth0 self permanent``: the
  multicast groups it listens to). ``add``/``append``/``replace``/``del`` change a
  bridge's FDB (``master``) or a device's own list (``self``, the default!).
* ``bridge link`` (:mod:`.link`) -- ``show`` lists bridge ports with their STP state,
  priority and cost (``-d``: the port flags); ``set`` changes those.

As with ``ip``, the tool only parses and prints, like iproute2; the kernel's side is in
the bridge package (:mod:`netsim.bridge.fdb_ops`, :mod:`netsim.bridge.netlink`, whose
settings go through the same setters as sysfs and brctl: :mod:`netsim.bridge.options`).
It answers from the model or refuses with the errno the kernel would return --
printed as ``RTNETLINK answers: File exists`` -- or its extended-ack message
(``Error: FDB add only supported for Ethernet devices.``).

``bridge vlan show`` prints the (empty) table of a kernel without VLAN filtering;
``mdb``, ``vni``, ``monitor``, ``fdb get``/``flush`` and the VXLAN-only fdb options are
not simulated and say so. ``-c`` (colour) is accepted but prints no colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.cli.bridge.common import Opts, Run, not_simulated
from netsim.cli.bridge.fdb import FDB_USAGE, do_fdb, parse_mac
from netsim.cli.bridge.link import LINK_USAGE, do_link
from netsim.cli.cnum import c_argv
from netsim.cli.ip.args import IpExit, emit, invarg, matches
from netsim.stack.extack import NetlinkError
from netsim.user.io import Io

if TYPE_CHECKING:
    from netsim.host import Host

__all__ = ["FDB_USAGE", "LINK_USAGE", "USAGE", "VERSION", "NetlinkError", "main", "parse_mac"]

VERSION = "6.1.0"

USAGE = (
    "Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }\n"
    "       bridge [ -force ] -batch filename\n"
    "where  OBJECT := { link | fdb | mdb | vlan | monitor }\n"
    "       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |\n"
    "                    -o[neline] | -t[imestamp] | -n[etns] name |\n"
    "                    -c[ompressvlans] -color -p[retty] -j[son] }\n")


def do_vlan(run: Run, args: list[str]) -> int:
    """Only ``show``: with VLAN filtering off no port has a VLAN table to list."""
    if args and not any(matches(args[0], w) for w in ("show", "list", "lst")):
        raise not_simulated(f"bridge vlan {args[0]}")
    if run.opts.json:
        p = run.opts.printer()
        p.new_json_obj()
        p.delete_json_obj()
        run.io.write(p.text())
    else:  # the statistics view has a header of its own, without trailing blanks
        run.io.write("port              vlan-id" + ("\n" if run.opts.stats else "  \n"))
    return 0


_OBJECTS = ("link", "fdb", "mdb", "vlan", "vni", "monitor", "help")


def main(host: Host, argv: list[str], io: Io) -> int:
    """bridge's main(): global options, then the object and its command."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    opts = Opts()
    args = list(argv[1:])
    try:
        while args:
            opt = args[0]
            if opt == "--":
                args.pop(0)
                break
            if not opt.startswith("-"):
                break
            if opt.startswith("--"):
                opt = opt[1:]
            if matches(opt, "-help"):
                raise IpExit(255, USAGE)
            if matches(opt, "-Version"):
                io.write(f"bridge utility, {VERSION}\n")
                return 0
            if matches(opt, "-stats") or matches(opt, "-statistics"):
                opts.stats += 1
            elif matches(opt, "-details"):
                opts.details += 1
            elif matches(opt, "-oneline"):
                opts.oneline = True
            elif matches(opt, "-timestamp"):
                pass  # only `bridge monitor` prints timestamps
            elif matches(opt, "-family"):
                args.pop(0)
                if not args or args[0] == "help":
                    raise IpExit(255, USAGE)
                if args[0] not in ("inet", "inet6"):
                    raise invarg("invalid protocol family", args[0])
            elif opt in ("-4", "-6"):
                pass
            elif matches(opt, "-netns"):
                raise not_simulated("bridge -netns")
            elif _matches_color(opt):
                pass  # colours are accepted and not printed
            elif matches(opt, "-compressvlans") or matches(opt, "-force"):
                pass
            elif matches(opt, "-json"):
                opts.json = True
            elif matches(opt, "-pretty"):
                opts.pretty = True
            elif matches(opt, "-batch"):
                raise not_simulated("bridge -batch")
            else:
                raise IpExit(255, f'Option "{opt}" is unknown, try "bridge help".\n')
            args.pop(0)
        if not args:
            raise IpExit(255, USAGE)
        obj = next((o for o in _OBJECTS if matches(args[0], o)), None)
        run = Run(host.ns, io, opts)
        if obj == "link":
            return do_link(run, args[1:])
        if obj == "fdb":
            return do_fdb(run, args[1:])
        if obj == "vlan":
            return do_vlan(run, args[1:])
        if obj == "help":
            raise IpExit(255, USAGE)
        if obj is not None:
            raise not_simulated(f"bridge {obj}")
        raise IpExit(255, f'Object "{args[0]}" is unknown, try "bridge help".\n')
    except IpExit as exc:
        return emit(io, exc)


def _matches_color(opt: str) -> bool:
    """matches_color(): ``-c``, ``-col``, ``-color=always|auto|never``."""
    name, eq, value = opt.partition("=")
    return matches(name, "-color") and (not eq or value in ("always", "auto", "never"))
