"""`ip netns`: in netsim every host *is* a network namespace (named like the host).

Only ``ip netns list`` (and ``ip netns``) is simulated: it lists the lab's hosts, newest
first as iproute2 lists /run/netns, with the ``(id: N)`` this host gave each one it
has a veth to. Creating, deleting or entering namespaces is done with the lab
(``lab.host("name")``), not from inside a host.
"""

from __future__ import annotations

from netsim.cli.ip import usage
from netsim.cli.ip.args import IpExit, matches
from netsim.cli.ip.opts import Ctx
from netsim.cli.ip.render import ANY
from netsim.cli.ip.rtnl import not_modelled


def netns_list(ctx: Ctx) -> int:
    # Linux gives a peer namespace an id as soon as a device here links to it (a veth
    # whose other end lives there): make sure those ids exist before listing.
    for dev in ctx.ns.in_order():
        peer = getattr(dev, "peer", None)
        if peer is not None and peer.ns is not ctx.ns:
            ctx.ns.nsid_of(peer.ns)
    p = ctx.new_printer()
    p.new_json_obj()
    for name in reversed(list(ctx.host.lab.hosts)):
        other = ctx.host.lab.hosts[name].ns
        p.open_object()
        p.string(ANY, "name", "%s", name)
        nsid = ctx.ns.peer_nsids.get(other.name)
        if nsid is not None:
            p.int(ANY, "id", " (id: %d)", nsid)
        p.close_object()
        p.fp("\n")
    p.delete_json_obj()
    return 0


def do_netns(ctx: Ctx, argv: list[str]) -> int:
    if not argv or matches(argv[0], "list"):
        return netns_list(ctx)
    if matches(argv[0], "help"):
        raise IpExit(255, usage.IPNETNS)
    raise not_modelled(f'"ip netns {argv[0]}"', "every host is a namespace: lab.host(NAME)")
