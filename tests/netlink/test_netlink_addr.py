"""RTM_NEWADDR / RTM_DELADDR through the API, and what addresses do to routes."""

from __future__ import annotations

import errno

from netlink_helpers import fresh_ns, refusal

from netsim.netlink import addr, link, route
from netsim.netlink.devinfo import IFF_UP
from netsim.netlink.link import LinkRequest
from netsim.netlink.message import REPLACE
from netsim.netlink.route import RouteRequest

IP = bytes.fromhex


def up_veth(ns):
    """va (up) with its peer vb."""
    req = LinkRequest(name="va", kind="veth", peer=LinkRequest(name="vb"))
    req.set_flag(IFF_UP, True)
    return link.newlink(ns, req)


def routes(ns) -> list[tuple]:
    return [(v.dst.to_bytes(4, "big"), v.plen, v.gateway, v.proto, v.scope, v.prefsrc)
            for v in route.main_table(ns)]


def test_an_address_on_an_up_device_brings_its_connected_route():
    # Linux: 10.0.0.0/24 dev v1 proto kernel scope link src 10.0.0.1
    ns = fresh_ns()
    dev = up_veth(ns)
    addr.newaddr(ns, addr.AddrRequest(dev.ifindex, IP("0a000001"), 24))
    assert routes(ns) == [(IP("0a000000"), 24, None, 2, 253, IP("0a000001"))]


def primary_secondary_and_a_route():
    """va up with 10.0.0.1/24, its secondary 10.0.0.2/24, and 10.9.0.0/24 via 10.0.0.254."""
    ns = fresh_ns()
    dev = up_veth(ns)
    addr.newaddr(ns, addr.AddrRequest(dev.ifindex, IP("0a000001"), 24))
    addr.newaddr(ns, addr.AddrRequest(dev.ifindex, IP("0a000002"), 24))
    route.newroute(ns, RouteRequest(IP("0a090000"), 24, gateway=IP("0a0000fe")))
    assert len(routes(ns)) == 2
    return ns, dev


def test_the_last_address_takes_every_route_through_the_device_along():
    # Linux: deleting the primary deletes the secondary, the connected route and the
    # static route
    ns, dev = primary_secondary_and_a_route()
    addr.deladdr(ns, addr.AddrRequest(dev.ifindex, IP("0a000001"), 24))
    assert ns.ipv4.addresses_of(dev) == [] and routes(ns) == []


def test_deleting_a_secondary_leaves_the_routes():
    # Linux: deleting 10.0.0.2/24 (secondary) keeps 10.0.0.1 and both routes
    ns, dev = primary_secondary_and_a_route()
    addr.deladdr(ns, addr.AddrRequest(dev.ifindex, IP("0a000002"), 24))
    assert [a.local for a in ns.ipv4.addresses_of(dev)] == [IP("0a000001")]
    assert len(routes(ns)) == 2


def test_the_same_address_twice_is_eexist_unless_replacing():
    # Linux: Error: ipv4: Address already assigned.  (`ip addr replace` succeeds)
    ns = fresh_ns()
    dev = up_veth(ns)
    req = addr.AddrRequest(dev.ifindex, IP("0a000001"), 24)
    first = addr.newaddr(ns, req)
    assert refusal(addr.newaddr, ns, req) == (errno.EEXIST, "ipv4: Address already assigned")
    assert addr.newaddr(ns, req, REPLACE) is first


def test_an_address_on_a_missing_device_or_a_missing_address():
    # Linux: RTM_NEWADDR/RTM_DELADDR for ifindex 99 -> ENODEV "ipv4: Device not found";
    # `ip addr del 10.0.0.9/24 dev v1` -> Error: ipv4: Address not found.
    ns = fresh_ns()
    dev = up_veth(ns)
    nowhere = addr.AddrRequest(99, IP("0a070001"), 24)
    assert refusal(addr.newaddr, ns, nowhere) == (errno.ENODEV, "ipv4: Device not found")
    assert refusal(addr.deladdr, ns, nowhere) == (errno.ENODEV, "ipv4: Device not found")
    missing = addr.AddrRequest(dev.ifindex, IP("0a000009"), 24)
    assert refusal(addr.deladdr, ns, missing) == (errno.EADDRNOTAVAIL, "ipv4: Address not found")
