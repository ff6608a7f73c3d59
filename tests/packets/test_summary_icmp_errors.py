"""ICMP errors quote a truncated header: the summary reads it as tcpdump does."""

from __future__ import annotations

from netsim.packets import icmp, ipv4, udp
from netsim.packets.addr import ip_aton
from netsim.packets.summary import describe_ipv4


def _error_about(inner: bytes, code: int) -> str:
    message = icmp.error(icmp.DEST_UNREACH, code, inner)
    return describe_ipv4(ipv4.build(ip_aton("192.168.1.1"), ip_aton("192.168.1.20"),
                                    ipv4.IPPROTO_ICMP, message))


def test_net_unreachable_names_the_quoted_destination():
    echo = ipv4.build(ip_aton("192.168.1.20"), ip_aton("192.168.122.9"), ipv4.IPPROTO_ICMP,
                      icmp.echo(7, 1, bytes(56)))
    assert _error_about(echo, 0) == ("IP 192.168.1.1 > 192.168.1.20: ICMP net 192.168.122.9 "
                                     "unreachable, length 36")
    assert "ICMP host 192.168.122.9 unreachable" in _error_about(echo, 1)


def test_port_unreachable_names_protocol_and_port():
    src, dst = ip_aton("192.168.1.20"), ip_aton("192.168.1.1")
    dgram = ipv4.build(src, dst, ipv4.IPPROTO_UDP, udp.build(src, dst, 40000, 5007, b"hi"))
    assert "ICMP 192.168.1.1 udp port 5007 unreachable, length 36" in _error_about(dgram, 3)
