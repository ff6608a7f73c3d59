"""``bridge link``: parsing and printing (bridge/link.c); the kernel side is
:func:`netsim.bridge.netlink.rtnl_bridge_setlink`.

``bridge link`` names a veth's peer by looking its ifindex up *in this namespace* (the
kernel sends no namespace id here), so a peer living elsewhere shows as whatever local
device has that number, or ``if7`` -- as the real tool does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.bridge.netlink import (
    BRIDGE_FLAGS_MASTER,
    BRIDGE_FLAGS_SELF,
    rtnl_bridge_getlink,
    rtnl_bridge_setlink,
)
from netsim.bridge.options import SIMULATED_PORT_FLAGS
from netsim.bridge.port import PORT_STATES
from netsim.cli.bridge.common import (
    Opts,
    Run,
    atoi,
    ll_name_to_index,
    not_simulated,
    parse_on_off,
)
from netsim.cli.ip.args import IpExit, duparg, incomplete, matches
from netsim.cli.ip.link_show import print_flags
from netsim.cli.ip.render import ANY, JSON, Printer
from netsim.netlink import devinfo
from netsim.stack.extack import NetlinkError
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

LINK_USAGE = (
    "Usage: bridge link set dev DEV [ cost COST ] [ priority PRIO ] [ state STATE ]\n"
    + "".join(f"                               [ {opt} {{on | off}} ]\n" for opt in (
        "guard", "hairpin", "fastleave", "root_block", "learning", "learning_sync",
        "flood"))
    + "                               [ mcast_router MULTICAST_ROUTER ]\n"
    + "".join(f"                               [ {opt} {{on | off}} ]\n" for opt in (
        "mcast_flood", "bcast_flood", "mcast_to_unicast", "neigh_suppress", "vlan_tunnel",
        "isolated", "locked"))
    + "                               [ hwmode {vepa | veb} ]\n"
    "                               [ backup_port DEVICE ] [ nobackup_port ]\n"
    "                               [ self ] [ master ]\n"
    "       bridge link show [dev DEV]\n")


def print_link(p: Printer, ns: NetNamespace, dev: NetDevice, opts: Opts) -> None:
    """print_linkinfo() of bridge/link.c for one port."""
    port = dev.br_port
    assert port is not None
    p.open_object()
    p.int(ANY, "ifindex", "%d: ", dev.ifindex)
    name, mdown = dev.name, False
    iflink = dev.iflink()
    if iflink != dev.ifindex:
        # IFLA_LINK without a namespace id: iproute2 resolves the number locally
        if iflink:
            lower = ns.by_index(iflink)
            link = lower.name if lower is not None else f"if{iflink}"
            mdown = lower is not None and not lower.admin_up
            if p.is_json:
                p.string(JSON, "link", "", link)
            else:
                name = f"{name}@{link}"
        elif p.is_json:
            p.null(JSON, "link", "", "")
        else:
            name = f"{name}@NONE"
    p.string(ANY, "ifname", "%s: ", name)
    print_flags(p, devinfo.if_flags(dev), mdown)
    p.int(ANY, "mtu", "mtu %u ", dev.mtu)
    p.string(ANY, "master", "master %s ", port.br.name)
    p.string(ANY, "state", "state %s ", port.state)
    p.uint(ANY, "priority", "priority %u ", port.priority)
    p.uint(ANY, "cost", "cost %u ", port.path_cost)
    if opts.details:
        p.fp(("\\" if opts.oneline else "\n") + "    ")
        for key, value in (("hairpin", port.hairpin), ("guard", port.guard),
                           ("root_block", port.root_block), ("fastleave", False),
                           ("learning", port.learning), ("flood", port.flood),
                           ("mcast_flood", port.mcast_flood),
                           ("bcast_flood", port.bcast_flood)):
            p.on_off(ANY, key, f"{key} %s ", value)
        p.uint(ANY, "mcast_router", "mcast_router %u ", 1)
        for key in ("mcast_to_unicast", "neigh_suppress", "vlan_tunnel", "isolated", "locked"):
            p.on_off(ANY, key, f"{key} %s ", False)
    p.fp("\n")
    p.close_object()


def do_link(run: Run, args: list[str]) -> int:
    """``bridge link [COMMAND ...]``: show (the default), set/change, help."""
    if not args:
        return link_show(run, [])
    word = args[0]
    if matches(word, "set") or matches(word, "change"):
        return link_modify(run, args[1:])
    if any(matches(word, w) for w in ("show", "lst", "list")):
        return link_show(run, args[1:])
    if matches(word, "help"):
        raise IpExit(255, LINK_USAGE)
    raise IpExit(255, f'Command "{word}" is unknown, try "bridge link help".\n')


def link_show(run: Run, argv: list[str]) -> int:
    """``bridge link show [dev DEV]``: the bridge ports, in ifindex order."""
    filter_dev = None
    i = 0
    while i < len(argv):
        if argv[i] == "dev":
            if i + 1 >= len(argv):
                raise incomplete()
            i += 1
            if filter_dev is not None:
                raise duparg("dev", argv[i])
            filter_dev = argv[i]
        i += 1
    filter_index = 0
    if filter_dev is not None:
        filter_index = ll_name_to_index(run.ns, filter_dev, run.io)
        if not filter_index:
            raise IpExit(255, f'Cannot find device "{filter_dev}"\n')
    p = run.opts.printer()
    p.new_json_obj()
    for dev in rtnl_bridge_getlink(run.ns):
        if not filter_index or dev.ifindex == filter_index:
            print_link(p, run.ns, dev, run.opts)
    p.delete_json_obj()
    run.io.write(p.text())
    return 0


def link_modify(run: Run, argv: list[str]) -> int:
    """brlink_modify(): the port attributes to send, then RTM_SETLINK to the bridge.

    Like iproute2, a cost of 0 and a priority above 0x7fff (a C short: -1) are not sent.
    """
    attrs: dict[str, int] = {}
    dev_name = None
    flags = 0
    i = 0

    def value() -> str:
        nonlocal i
        if i + 1 >= len(argv):
            raise incomplete()
        i += 1
        return argv[i]

    while i < len(argv):
        word = argv[i]
        if word == "dev":
            dev_name = value()
        elif word in SIMULATED_PORT_FLAGS:  # the keywords are the flags' names
            attrs[word] = parse_on_off(word, value())
        elif word in ("guard", "fastleave", "root_block", "learning_sync", "mcast_to_unicast",
                      "neigh_suppress", "vlan_tunnel", "isolated", "locked"):
            parse_on_off(word, value())
            raise not_simulated(f'the bridge port option "{word}"')
        elif word in ("mcast_router", "backup_port", "nobackup_port", "hwmode"):
            raise not_simulated(f'the bridge port option "{word}"')
        elif word == "cost":
            cost = atoi(value()) & 0xFFFFFFFF
            if cost > 0:
                attrs["cost"] = cost
        elif word == "priority":
            prio = atoi(value()) & 0xFFFF
            if prio < 0x8000:  # a C short: "-1" means "not given"
                attrs["priority"] = prio
        elif word == "state":
            text = value()
            parsed = strtol(text, 10)
            if text and parsed is not None and parsed.end == len(text):  # strtol(), all
                state = parsed.value & 0xFF
                state = state - 0x100 if state >= 0x80 else state  # a C signed char
            elif text in PORT_STATES:
                state = PORT_STATES.index(text)
            else:
                raise IpExit(255, "Error: invalid STP port state\n")
            if state >= 0:
                attrs["state"] = state
        elif word == "self":
            flags |= BRIDGE_FLAGS_SELF
        elif word == "master":
            flags |= BRIDGE_FLAGS_MASTER
        else:
            raise IpExit(255, LINK_USAGE)
        i += 1
    if dev_name is None:
        raise IpExit(255, "Device is a required argument.\n")
    ifindex = ll_name_to_index(run.ns, dev_name, run.io)
    if not ifindex:
        raise IpExit(255, f'Cannot find bridge device "{dev_name}"\n')
    try:
        rtnl_bridge_setlink(run.ns, ifindex, attrs, flags)
    except NetlinkError as exc:
        raise IpExit(255, exc.text()) from None
    return 0

