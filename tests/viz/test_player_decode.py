"""The player's inspector decodes a frame layer by layer with netsim.packets' parsers."""

from __future__ import annotations

from netsim.packets import arp, bpdu, dhcp, ethernet, icmp, ipv4, tcp, udp
from netsim.packets.addr import ip_aton, mac_aton
from netsim.viz.player.decode import decode

A, B = mac_aton("52:54:00:12:34:56"), mac_aton("ae:4c:09:c2:e7:e3")
IP_A, IP_B = ip_aton("10.0.0.10"), ip_aton("10.0.0.2")


def fields(layers: list[dict]) -> dict[str, dict[str, str]]:
    return {layer["n"]: dict(layer["f"]) for layer in layers}


def spans(layers: list[dict]) -> list[tuple[str, int, int]]:
    return [(layer["n"], layer["s"], layer["e"]) for layer in layers]


def test_arp_request_with_a_nic_s_padding():
    who = arp.Arp(arp.ARPOP_REQUEST, A, IP_A, bytes(6), IP_B).pack()
    frame = ethernet.build(b"\xff" * 6, A, ethernet.ETH_P_ARP, who, pad=True)
    layers = decode(frame)
    assert spans(layers) == [("Ethernet II", 0, 14), ("ARP", 14, 42), ("padding", 42, 60)]
    f = fields(layers)
    assert f["Ethernet II"]["destination"] == "ff:ff:ff:ff:ff:ff (broadcast)"
    assert f["Ethernet II"]["type"] == "0x0806 (ARP)"
    assert f["ARP"]["operation"] == "1 (request: who has?)"
    assert f["ARP"]["target IP"] == "10.0.0.2" and f["ARP"]["sender MAC"] == "52:54:00:12:34:56"


def test_icmp_echo_in_ipv4_in_ethernet():
    packet = ipv4.build(IP_A, IP_B, ipv4.IPPROTO_ICMP, icmp.echo(7, 3, b"x" * 56), ident=0x1111)
    layers = decode(ethernet.build(B, A, ethernet.ETH_P_IP, packet))
    assert spans(layers) == [("Ethernet II", 0, 14), ("IPv4", 14, 34), ("ICMP", 34, 42),
                             ("data", 42, 98)]
    f = fields(layers)
    assert f["IPv4"]["TTL"] == "64" and f["IPv4"]["protocol"] == "1 (ICMP)"
    assert f["IPv4"]["header checksum"].endswith("(correct)")
    assert f["IPv4"]["flags"] == "DF (don't fragment)"
    assert f["ICMP"]["type"] == "8 (echo request)"
    assert (f["ICMP"]["identifier"], f["ICMP"]["sequence"]) == ("7", "3")
    # a tun's record carries the packet alone: the same layers from byte 0
    assert spans(decode(packet, l3=True))[0] == ("IPv4", 0, 20)


def test_a_broken_checksum_is_said_and_a_short_header_is_malformed():
    packet = bytearray(ipv4.build(IP_A, IP_B, ipv4.IPPROTO_ICMP, icmp.echo(1, 1, b"")))
    packet[10] ^= 0xFF
    assert fields(decode(bytes(packet), l3=True))["IPv4"]["header checksum"].endswith("(WRONG)")
    layers = decode(ethernet.build(B, A, ethernet.ETH_P_IP, bytes(packet[:12])))
    assert layers[0]["n"] == "Ethernet II"
    assert layers[-1]["n"] == "malformed" and "shorter than its header" in layers[-1]["f"][0][1]


def test_icmp_error_shows_the_packet_it_quotes():
    offending = ipv4.build(IP_A, IP_B, ipv4.IPPROTO_UDP, udp.build(IP_A, IP_B, 5000, 9, b"hi"))
    error = icmp.error(icmp.DEST_UNREACH, icmp.PORT_UNREACH, offending)
    f = fields(decode(ipv4.build(IP_B, IP_A, ipv4.IPPROTO_ICMP, error), l3=True))
    assert f["ICMP"]["code"] == "3 (port unreachable)"
    quoted = f["quoted IPv4 (the packet this error is about)"]
    assert quoted == {"protocol": "17 (UDP)", "source": "10.0.0.10", "destination": "10.0.0.2",
                      "source port": "5000", "destination port": "9"}


def test_udp_and_the_dhcp_it_carries():
    message = dhcp.build(dhcp.BOOTREQUEST, 0x1234, A, dhcp.DISCOVER)
    datagram = udp.build(bytes(4), b"\xff" * 4, 68, 67, message)
    packet = ipv4.build(bytes(4), b"\xff" * 4, ipv4.IPPROTO_UDP, datagram)
    f = fields(decode(packet, l3=True))
    assert f["UDP"]["source port"] == "68 (bootpc (DHCP client))"
    assert f["UDP"]["destination port"] == "67 (bootps (DHCP server))"
    assert f["DHCP"]["message type"] == "1 (Discover)"
    assert f["DHCP"]["client MAC"] == "52:54:00:12:34:56"
    assert f["DHCP"]["transaction id"] == "0x00001234"
    plain = fields(decode(ipv4.build(IP_A, IP_B, ipv4.IPPROTO_UDP,
                                     udp.build(IP_A, IP_B, 5000, 7, b"hi")), l3=True))
    assert plain["UDP"]["destination port"] == "7 (echo)" and plain["data"]["length"] == "2 bytes"


def test_tcp_syn_with_its_options():
    segment = tcp.build(IP_A, IP_B, 40000, 80, 1000, 0, tcp.SYN, 64240,
                        tcp.syn_options(1460, 12345))
    f = fields(decode(ipv4.build(IP_A, IP_B, ipv4.IPPROTO_TCP, segment), l3=True))
    assert f["TCP"]["flags"] == "[S]" and f["TCP"]["sequence number"] == "1000"
    assert f["TCP"]["destination port"] == "80 (http)"
    assert f["TCP"]["options"] == "mss 1460, sackOK, TS val 12345 ecr 0, wscale 10"


def test_a_bridge_s_bpdu():
    config = bpdu.ConfigBpdu(False, False, bpdu.BridgeId(0x8000, A), 4, bpdu.BridgeId(0x8000, B),
                             0x8001, 256, 20 * 256, 2 * 256, 15 * 256)
    layers = decode(bpdu.frame(B, config))
    assert layers[0]["n"] == "Ethernet (802.3)"
    assert layers[1]["n"] == "STP BPDU (LLC 42 42 03)"
    assert layers[1]["f"][0][1].startswith("config: root 8000.")


def test_a_partial_udp_checksum_is_named_as_such():
    partial = udp.build_partial(IP_A, IP_B, 5000, 9, b"hello\n")
    full = udp.build(IP_A, IP_B, 5000, 9, b"hello\n")
    shown = {}
    for name, datagram in (("partial", partial), ("full", full)):
        packet = ipv4.build(IP_A, IP_B, ipv4.IPPROTO_UDP, datagram, ident=1)
        shown[name] = fields(decode(ethernet.build(B, A, ethernet.ETH_P_IP, packet)))["UDP"]
    assert shown["partial"]["checksum"].startswith(f"{partial[6] << 8 | partial[7]:#06x} (partial")
    assert "partial" not in shown["full"]["checksum"]
