"""RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE through the API (fib_create_info's checks)."""

from __future__ import annotations

import errno

from netlink_helpers import fresh_ns, refusal

from netsim.netlink import addr, link, route
from netsim.netlink.devinfo import IFF_UP
from netsim.netlink.link import LinkRequest
from netsim.netlink.message import CHANGE, REPLACE
from netsim.netlink.route import RouteRequest

IP = bytes.fromhex


def veth(ns, up: bool = True):
    req = LinkRequest(name="v1", kind="veth", peer=LinkRequest(name="v2"))
    if up:
        req.set_flag(IFF_UP, True)
    return link.newlink(ns, req)


def with_address():
    """v1 up with 10.0.0.1/24."""
    ns = fresh_ns()
    dev = veth(ns)
    addr.newaddr(ns, addr.AddrRequest(dev.ifindex, IP("0a000001"), 24))
    return ns, dev


def test_a_gateway_no_route_reaches_is_refused():
    # Linux: `ip route add 10.9.0.0/24 via 10.0.0.254` with no address yet ->
    # Error: Nexthop has invalid gateway.  (ENETUNREACH, seen with a raw RTM_NEWROUTE)
    ns = fresh_ns()
    veth(ns)
    req = RouteRequest(IP("0a090000"), 24, gateway=IP("0a0000fe"))
    assert refusal(route.newroute, ns, req) == (errno.ENETUNREACH, "Nexthop has invalid gateway")


def test_a_gateway_on_a_connected_subnet_picks_its_device():
    # Linux: 10.9.0.0/24 via 10.0.0.254 dev v1
    ns, dev = with_address()
    made = route.newroute(ns, RouteRequest(IP("0a090000"), 24, gateway=IP("0a0000fe")))
    assert made.dev is dev and made.scope == "global" and made.protocol == "boot"


def test_a_device_route_needs_a_device_that_is_up():
    # Linux: `ip route add 10.9.0.0/24` -> RTNETLINK answers: No such device;
    # on a down device -> Error: Device for nexthop is not up.
    ns = fresh_ns()
    dev = veth(ns, up=False)
    assert refusal(route.newroute, ns, RouteRequest(IP("0a090000"), 24)) == (errno.ENODEV, None)
    assert refusal(route.newroute, ns, RouteRequest(IP("0a090000"), 24, oif=dev.ifindex)) == \
        (errno.ENETDOWN, "Device for nexthop is not up")


def test_host_bits_in_the_prefix_are_refused():
    # Linux: `ip route add 10.9.0.1/24 dev v1` -> Error: Invalid prefix for given prefix length.
    ns, dev = with_address()
    req = RouteRequest(IP("0a090001"), 24, oif=dev.ifindex)
    assert refusal(route.newroute, ns, req) == \
        (errno.EINVAL, "Invalid prefix for given prefix length")


def test_add_change_replace_and_del_follow_the_request_flags():
    # Linux: add twice -> File exists; change of a missing route -> No such file or
    # directory; del of a missing route -> No such process
    ns, dev = with_address()
    req = RouteRequest(IP("0a090000"), 24, oif=dev.ifindex)
    route.newroute(ns, req)
    assert refusal(route.newroute, ns, req) == (errno.EEXIST, None)
    route.newroute(ns, req, REPLACE)
    missing = RouteRequest(IP("0a080000"), 24, oif=dev.ifindex)
    assert refusal(route.newroute, ns, missing, CHANGE) == (errno.ENOENT, None)
    route.delroute(ns, RouteRequest(IP("0a090000"), 24))
    assert refusal(route.delroute, ns, RouteRequest(IP("0a070000"), 24)) == (errno.ESRCH, None)
    assert [v.dst for v in route.main_table(ns)] == [0x0A000000]  # the connected route


def test_getroute_answers_the_route_or_unreachable():
    # Linux: `ip route get 10.0.0.7` -> dev v1 src 10.0.0.1; `ip route get 10.50.0.1`
    # -> RTNETLINK answers: Network is unreachable
    ns, dev = with_address()
    view, kind = route.getroute(ns, IP("0a000007"))
    assert (view.dev, view.prefsrc, kind) == (dev, IP("0a000001"), "unicast")
    assert refusal(route.getroute, ns, IP("0a320001")) == (errno.ENETUNREACH, None)
