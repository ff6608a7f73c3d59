"""ICMP errors reach UDP sockets as the kernel reports them (__udp4_lib_err)."""

from __future__ import annotations

from lab_builders import two_hosts

from netsim.stack.sockets import UdpSocket


def test_a_connected_socket_gets_connection_refused_from_port_unreachable():
    lab, a, _b = two_hosts(seed=3, names=("a", "b"))
    sock = UdpSocket.autobind(a.ns)
    sock.connect(("10.0.0.2", 9))
    sock.sendto(b"hi", ("10.0.0.2", 9))
    assert sock.recv(timeout=0.1) == []
    error = sock.take_error()
    assert error is not None and (error.errno, error.strerror) == (111, "Connection refused")
    assert sock.take_error() is None  # sock_error() clears it
    hops = lab.trace.filter(host="a", layer="udp", action="deliver")
    assert [h.func for h in hops] == ["__udp4_lib_err"]


def test_an_unconnected_socket_hears_nothing():
    lab, a, _b = two_hosts(seed=3, names=("a", "b"))
    sock = UdpSocket.autobind(a.ns)
    sock.sendto(b"hi", ("10.0.0.2", 9))
    sock.recv(timeout=0.1)
    assert sock.take_error() is None
    assert [r.reason for r in lab.trace.filter(host="a", action="drop")
            if r.func == "icmp_unreach"] == ["ICMP error for no local socket"]


def test_socat_reports_the_refusal_as_the_real_one_does():
    _lab, a, b = two_hosts(seed=3, names=("a", "b"))
    refused = a.sh("echo hi | socat - UDP4:10.0.0.2:9")
    assert refused.returncode == 1
    assert refused.stderr.endswith(" E read(5, 0x563d0ba88000, 8192): Connection refused\n")
    assert b.spawn("socat UDP4-RECVFROM:9,fork PIPE").running
    answered = a.sh("echo hi | socat - UDP4:10.0.0.2:9")
    assert (answered.returncode, answered.stdout) == (0, "hi\n")
