"""DHCP messages are real BOOTP bytes: an independent decoder (dpkt) reads what we build."""

import dpkt
import pytest

from netsim.packets import MalformedPacket, dhcp, ethernet, ipv4, summarize, udp
from netsim.packets.addr import ip_aton, mac_aton

MAC = mac_aton("52:54:00:12:34:56")


def offer() -> bytes:
    return dhcp.build(dhcp.BOOTREPLY, 0x1A2B3C4D, MAC, dhcp.OFFER,
                      yiaddr=ip_aton("192.168.122.50"), siaddr=ip_aton("192.168.122.1"),
                      options=[(dhcp.OPT_SERVER_ID, ip_aton("192.168.122.1")),
                               (dhcp.OPT_LEASE_TIME, (3600).to_bytes(4, "big")),
                               (dhcp.OPT_SUBNET_MASK, ip_aton("255.255.255.0")),
                               (dhcp.OPT_ROUTER, ip_aton("192.168.122.1")),
                               (dhcp.OPT_DNS, ip_aton("192.168.122.1") + ip_aton("8.8.8.8"))])


def test_offer_decodes_with_dpkt():
    payload = offer()
    assert len(payload) == 300
    theirs = dpkt.dhcp.DHCP(payload)
    assert theirs.op == dpkt.dhcp.DHCP_OP_REPLY
    assert theirs.xid == 0x1A2B3C4D
    assert theirs.chaddr[:6] == MAC
    assert theirs.yiaddr == int.from_bytes(ip_aton("192.168.122.50"), "big")
    opts = dict(theirs.opts)
    assert opts[dpkt.dhcp.DHCP_OPT_MSGTYPE] == bytes([dpkt.dhcp.DHCPOFFER])
    assert opts[dpkt.dhcp.DHCP_OPT_LEASE_SEC] == (3600).to_bytes(4, "big")
    assert list(dict(theirs.opts))[0] == dpkt.dhcp.DHCP_OPT_MSGTYPE  # option 53 first


def test_parse_reads_fields_and_options():
    msg = dhcp.parse(offer())
    assert msg.msg_type == dhcp.OFFER
    assert msg.yiaddr == ip_aton("192.168.122.50")
    assert msg.server_id == ip_aton("192.168.122.1")
    assert msg.router == ip_aton("192.168.122.1")
    assert msg.dns == [ip_aton("192.168.122.1"), ip_aton("8.8.8.8")]
    assert msg.lease_time == 3600
    assert msg.subnet_mask == ip_aton("255.255.255.0")
    assert msg.requested_ip is None
    assert msg.summary() == ("DHCP-Reply Offer from 52:54:00:12:34:56, xid 0x1a2b3c4d, "
                             "Your-IP 192.168.122.50")


def test_parse_reads_what_dpkt_builds():
    theirs = dpkt.dhcp.DHCP(op=dpkt.dhcp.DHCP_OP_REQUEST, xid=7, chaddr=MAC,
                            opts=((dpkt.dhcp.DHCP_OPT_MSGTYPE, bytes([dpkt.dhcp.DHCPREQUEST])),
                                  (dpkt.dhcp.DHCP_OPT_REQ_IP, ip_aton("10.0.2.15"))))
    msg = dhcp.parse(bytes(theirs))
    assert (msg.msg_type, msg.xid, msg.requested_ip) == (dhcp.REQUEST, 7, ip_aton("10.0.2.15"))


def test_tcpdump_line_for_a_discover():
    payload = dhcp.build(dhcp.BOOTREQUEST, 1, MAC, dhcp.DISCOVER)
    packet = ipv4.build(ip_aton("0.0.0.0"), ip_aton("255.255.255.255"), ipv4.IPPROTO_UDP,
                        udp.build(ip_aton("0.0.0.0"), ip_aton("255.255.255.255"), 68, 67,
                                  payload))
    frame = ethernet.build(b"\xff" * 6, MAC, ethernet.ETH_P_IP, packet)
    assert summarize(frame, link=False) == (
        "IP 0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 52:54:00:12:34:56, "
        "length 300")


@pytest.mark.parametrize("data", [
    b"\x01" * 100,                                 # shorter than the fixed part
    b"\x03" + bytes(239),                          # op 3
    b"\x01\x01\x06" + bytes(237),                  # no magic cookie
    offer()[:240] + b"\x35\x05\x01",               # option runs past the end
    offer()[:240] + b"\x35\x01\x01",               # no END
])
def test_malformed_dhcp_raises_malformed_packet(data):
    with pytest.raises(MalformedPacket):
        dhcp.parse(data)
