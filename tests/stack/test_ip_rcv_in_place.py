"""ip_rcv reads a NIC's packet where it lies in the frame (14 bytes in) and copies out
only what it hands on: the payload for a socket, or the packet itself when it is
dropped or forwarded. Ethernet padding after the packet must never come along."""

from lab_builders import two_hosts

from netsim.packets import ipv4, udp
from netsim.packets.addr import ip_aton
from netsim.stack.skb import PACKET_HOST, Skb

H1, H2 = ip_aton("10.0.0.1"), ip_aton("10.0.0.2")


def _pair():
    """lab_builders.two_hosts (10.0.0.1 and 10.0.0.2, cabled), with both NICs."""
    lab, h1, h2 = two_hosts()
    return lab, (h1, h2), h1.ns.get("eth0"), h2.ns.get("eth0")


def _inject(sender, receiver, packet: bytes) -> int:
    """Put ``packet`` on the wire from ``sender`` to ``receiver``'s MAC, as it is."""
    frame_id = sender.ns.new_frame_id()
    frame = receiver.mac + sender.mac + b"\x08\x00" + packet
    sender.queue_xmit(Skb(frame, frame_id, sender, PACKET_HOST))
    return frame_id


def _ip_drops(lab, frame_id):
    return [r for r in lab.trace.records
            if r.frame_id == frame_id and r.layer == "ip" and r.action == "drop"]


def test_a_short_datagram_reaches_its_socket_without_the_wires_padding():
    lab, (h1, h2), a, b = _pair()
    server = h2.udp_socket(7)
    packet = ipv4.build(H1, H2, ipv4.IPPROTO_UDP, udp.build(H1, H2, 5000, 7, b"hi"))
    _inject(a, b, packet)  # 14 + 30 bytes: padded to 60 on the wire
    lab.run(0.01)
    assert list(server.queue) == [(b"hi", ("10.0.0.1", 5000))]


def test_a_udp_length_beyond_the_packet_is_dropped_with_the_packet_not_the_frame():
    lab, (h1, h2), a, b = _pair()
    h2.udp_socket(7)
    datagram = bytearray(udp.build(H1, H2, 5000, 7, b"0123456789"))
    datagram[4:6] = (200).to_bytes(2, "big")
    packet = ipv4.build(H1, H2, ipv4.IPPROTO_UDP, bytes(datagram))
    frame_id = _inject(a, b, packet)
    lab.run(0.01)
    (drop,) = _ip_drops(lab, frame_id)
    assert drop.reason == "bad UDP: length 200 does not fit"
    assert drop.data == packet  # from its IPv4 header to its end: no padding, no MACs


def test_a_packet_for_another_host_is_refused_with_the_packet_as_it_came():
    lab, (h1, h2), a, b = _pair()
    packet = ipv4.build(H1, ip_aton("10.0.0.9"), ipv4.IPPROTO_UDP,
                        udp.build(H1, ip_aton("10.0.0.9"), 5000, 7, b"x"))
    frame_id = _inject(a, b, packet)
    lab.run(0.01)
    (drop,) = _ip_drops(lab, frame_id)
    assert "not forwarded" in drop.reason
    assert drop.data == packet
