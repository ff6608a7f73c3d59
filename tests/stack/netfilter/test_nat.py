"""NAT seen from outside: translated addresses, ports and ids, replies translated back.

Frames are read from captures and decoded with dpkt (an independent decoder), so the
checksums NAT recomputes are checked too.
"""

from __future__ import annotations

import dpkt

from tests.stack.netfilter.nat_world import nat_world


def _ip_frames(capture) -> list[dpkt.ip.IP]:
    out = []
    for record in capture.frames:
        eth = dpkt.ethernet.Ethernet(record.data)
        if isinstance(eth.data, dpkt.ip.IP):
            out.append(eth.data)
    return out


def _checksums_ok(ip: dpkt.ip.IP) -> bool:
    """Recompute every checksum with dpkt and compare with what was on the wire.

    A UDP datagram that a socket sent out of a veth (and forwarded on over veths) is
    CHECKSUM_PARTIAL on Linux: its field holds the pseudo-header sum, which NAT keeps
    right for the addresses it writes (tests/oracle/scenarios/fid_net_checksum_capture).
    """
    raw = bytes(ip)
    again = dpkt.ip.IP(raw)
    wire_ip_sum, wire_l4_sum = again.sum, again.data.sum
    again.sum = 0
    again.data.sum = 0
    rebuilt = dpkt.ip.IP(bytes(again))  # dpkt fills checksums in when packing
    if isinstance(ip.data, dpkt.udp.UDP) and wire_l4_sum == _pseudo_header_sum(ip):
        return rebuilt.sum == wire_ip_sum
    return (rebuilt.sum, rebuilt.data.sum) == (wire_ip_sum, wire_l4_sum)


def _pseudo_header_sum(ip: dpkt.ip.IP) -> int:
    """The folded, uncomplemented sum of the IPv4 pseudo-header (RFC 768), by hand."""
    words = [int.from_bytes(ip.src[:2], "big"), int.from_bytes(ip.src[2:], "big"),
             int.from_bytes(ip.dst[:2], "big"), int.from_bytes(ip.dst[2:], "big"),
             ip.p, ip.data.ulen]
    total = sum(words)
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def test_two_vms_same_udp_port_the_second_is_translated() -> None:
    lab = nat_world()
    outside = lab.host("outside")
    echo = outside.udp_socket(7)
    echo.on_receive = lambda data, addr: echo.sendto(data, addr)
    capture = outside.capture("eth0")
    s1, s2 = lab.host("vm1").udp_socket(5000), lab.host("vm2").udp_socket(5000)
    s1.sendto(b"one", ("10.0.0.2", 7))
    s2.sendto(b"two", ("10.0.0.2", 7))
    lab.run(0.5)
    requests = [ip for ip in _ip_frames(capture) if ip.data.dport == 7]
    assert [(dpkt.utils.inet_to_str(ip.src), ip.data.data) for ip in requests] == [
        ("10.0.0.1", b"one"), ("10.0.0.1", b"two")]
    ports = [ip.data.sport for ip in requests]
    assert ports[0] == 5000 and ports[1] != 5000 and ports[1] >= 1024
    assert all(_checksums_ok(ip) for ip in _ip_frames(capture))
    # every datagram here crossed veths only: left partial, as Linux leaves it
    assert all(ip.data.sum == _pseudo_header_sum(ip) for ip in _ip_frames(capture)
               if isinstance(ip.data, dpkt.udp.UDP))
    assert [d for d, _ in s1.recv()] == [b"one"] and [d for d, _ in s2.recv()] == [b"two"]
    listing = lab.host("host").sh("conntrack -L -p udp").stdout
    assert f"sport=7 dport={ports[1]} mark=0" in listing
    assert "sport=7 dport=5000 mark=0" in listing


def test_ping_ids_clash_pick_another_id() -> None:
    from netsim.stack.netfilter import netfilter_of

    lab = nat_world()
    ct = netfilter_of(lab.host("host").ns).conntrack
    for vm in ("vm1", "vm2"):
        lab.host(vm).ns.ipv4.output(bytes([10, 0, 0, 2]), 1,
                                    __import__("netsim.packets.icmp", fromlist=["echo"])
                                    .echo(1234, 1, b"x" * 8))
        lab.run(0.1)
    replies = sorted((c.tuples[0][1], c.tuples[1][3]) for c in ct.entries())
    assert replies[0] == (bytes([192, 168, 122, 10]), 1234)
    assert replies[1][0] == bytes([192, 168, 122, 11]) and replies[1][1] != 1234


def test_unsolicited_inbound_fails_until_dnat() -> None:
    lab = nat_world(vms=1)
    host, outside, vm = lab.host("host"), lab.host("outside"), lab.host("vm1")
    echo = vm.udp_socket(7)
    echo.on_receive = lambda data, addr: echo.sendto(data, addr)
    client = outside.udp_socket(40000)
    client.sendto(b"knock", ("10.0.0.1", 8080))
    lab.run(0.5)
    assert client.recv() == []  # the host has nothing on 8080: port unreachable
    assert host.sh("iptables -t nat -A PREROUTING -i eth0 -p udp --dport 8080 -j DNAT "
                   "--to-destination 192.168.122.10:7").returncode == 0
    # a new flow (the first one's entry, bound to "no NAT", lives 30 s more)
    client = outside.udp_socket(40001)
    client.sendto(b"knock", ("10.0.0.1", 8080))
    lab.run(0.5)
    assert client.recv() == [(b"knock", ("10.0.0.1", 8080))]
    hops = [r.reason for r in lab.trace.filter(host="host", action="nat")]
    assert any(r.startswith("iptables -t nat PREROUTING: DNAT: 10.0.0.1 -> 192.168.122.10 "
                            "(udp dport 8080 -> 7)") for r in hops)


def test_icmp_error_about_a_translated_datagram_reaches_the_vm() -> None:
    lab = nat_world(vms=1)
    vm = lab.host("vm1")
    capture = vm.capture("eth0")
    vm.udp_socket(5000).sendto(b"?", ("10.0.0.2", 9))  # nobody listens on 9
    lab.run(0.5)
    errors = [ip for ip in _ip_frames(capture) if isinstance(ip.data, dpkt.icmp.ICMP)]
    assert len(errors) == 1
    error = errors[0]
    assert (error.data.type, error.data.code) == (3, 3)
    assert dpkt.utils.inet_to_str(error.dst) == "192.168.122.10"
    quoted = error.data.data.data  # the datagram as the VM sent it, not as NATed
    assert dpkt.utils.inet_to_str(quoted.src) == "192.168.122.10"
    assert quoted.data.sport == 5000
    assert _checksums_ok(error)
    reasons = [r.reason for r in lab.trace.filter(host="host", layer="netfilter")]
    assert any("ICMP error RELATED to" in r for r in reasons)
