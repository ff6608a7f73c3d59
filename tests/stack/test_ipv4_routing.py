"""ARP, a default gateway, and forwarding that only happens with ip_forward=1."""

from lab_builders import ok

import netsim


def three_hosts():
    """a (10.0.1.2) -- r (10.0.1.1 | 10.0.2.1) -- b (10.0.2.2), NICs on cables."""
    lab = netsim.Lab(seed=3)
    a, r, b = lab.host("a"), lab.host("r"), lab.host("b")
    lab.link("a:eth0", "r:eth0")
    lab.link("r:eth1", "b:eth0")
    ok(a, "ip addr add 10.0.1.2/24 dev eth0 && ip link set eth0 up")
    ok(r, "ip addr add 10.0.1.1/24 dev eth0 && ip link set eth0 up")
    ok(r, "ip addr add 10.0.2.1/24 dev eth1 && ip link set eth1 up")
    ok(b, "ip addr add 10.0.2.2/24 dev eth0 && ip link set eth0 up")
    return lab, a, r, b


def test_arp_resolves_then_reachable():
    lab, a, r, _b = three_hosts()
    out = ok(a, "ping -c 1 10.0.1.1")
    assert "1 received" in out
    assert ok(a, "ip neigh show") .startswith("10.0.1.1 dev eth0 lladdr ")
    assert "REACHABLE" in ok(a, "ip neigh show")
    sends = [x for x in lab.trace if x.func == "arp_solicit"]
    assert len(sends) == 1 and "who has 10.0.1.1" in sends[0].reason


def test_no_route_is_network_unreachable():
    _lab, a, _r, _b = three_hosts()
    result = a.sh("ping -c 1 10.0.2.2")
    assert (result.returncode, result.stderr) == (2, "ping: connect: Network is unreachable\n")


def test_forwarding_off_drops_and_on_forwards_with_ttl_decrement():
    lab, a, r, b = three_hosts()
    ok(a, "ip route add default via 10.0.1.1")
    ok(b, "ip route add default via 10.0.2.1")
    off = a.sh("ping -c 1 -W 1 10.0.2.2")
    assert off.returncode == 1
    drops = [x for x in lab.trace if x.host == "r" and x.action == "drop"]
    assert drops and "ip_forward=0" in drops[0].reason
    ok(r, "sysctl -w net.ipv4.ip_forward=1")
    on = a.sh("ping -c 1 -W 1 10.0.2.2")
    assert on.returncode == 0
    assert "ttl=63" in on.stdout  # one router on the way back
    fwd = [x for x in lab.trace if x.host == "r" and x.action == "forward"]
    assert fwd and all(x.func == "ip_forward" for x in fwd)
    assert "TTL 64 -> 63" in fwd[0].reason


def test_arp_failure_reports_host_unreachable():
    lab, a, _r, _b = three_hosts()
    result = a.sh("ping -c 1 -W 5 10.0.1.99")
    assert result.returncode == 1
    assert "From 10.0.1.2 icmp_seq=1 Destination Host Unreachable" in result.stdout
    assert "+1 errors" in result.stdout
    assert "10.0.1.99 dev eth0 FAILED" in ok(a, "ip neigh show")
