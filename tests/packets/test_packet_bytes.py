"""Frames are real bytes: checksums, lengths, and malformed input raising one error type."""

import random

import pytest

from netsim.packets import MalformedPacket, arp, ethernet, icmp, ipv4, summarize, udp
from netsim.packets.addr import ip_aton, mac_aton, mac_ntoa
from netsim.packets.checksum import internet_checksum

# The echo request the recording vm_tap_arp_ping writes (bytes from the real kernel run).
RECORDED_ECHO = bytes.fromhex(
    "02000000020152540000000108004500003811114000400115a90a00000a0a00000208004b3e4242"
    "00016f7261636c652d70696e672d30313233343536373839616263646566")


def test_ipv4_icmp_build_matches_recorded_bytes():
    message = icmp.echo(0x4242, 1, b"oracle-ping-0123456789abcdef")
    packet = ipv4.build(ip_aton("10.0.0.10"), ip_aton("10.0.0.2"), ipv4.IPPROTO_ICMP, message,
                        ident=0x1111)
    frame = ethernet.build(mac_aton("02:00:00:00:02:01"), mac_aton("52:54:00:00:00:01"),
                           ethernet.ETH_P_IP, packet)
    assert frame == RECORDED_ECHO


def test_checksums_verify_and_ttl_decrement_keeps_them_valid():
    packet = RECORDED_ECHO[14:]
    assert ipv4.header_ok(packet)
    lower = ipv4.decrement_ttl(packet)
    assert lower[8] == 63 and ipv4.header_ok(lower)
    assert internet_checksum(packet[20:]) == 0


def test_udp_checksum_covers_pseudo_header():
    src, dst = ip_aton("10.0.0.1"), ip_aton("10.0.0.2")
    dgram = udp.build(src, dst, 1234, 7, b"hello")
    pseudo = src + dst + bytes([0, 17, 0, len(dgram)])
    assert internet_checksum(pseudo + dgram) == 0
    assert udp.parse(dgram).data == b"hello"


def test_arp_roundtrip_and_summary():
    pkt = arp.Arp(arp.ARPOP_REQUEST, mac_aton("52:54:00:00:00:01"), ip_aton("10.0.0.10"),
                  bytes(6), ip_aton("10.0.0.2"))
    frame = ethernet.build(b"\xff" * 6, pkt.sha, ethernet.ETH_P_ARP, pkt.pack(), pad=True)
    assert len(frame) == 60
    assert arp.parse(frame[14:]) == pkt
    assert summarize(frame) == ("52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff, ARP, Request who-has "
                                "10.0.0.2 tell 10.0.0.10, length 46")


@pytest.mark.parametrize("parse, data", [
    (ethernet.parse, b"\x00" * 13),
    (arp.parse, b"\x00" * 27),
    (ipv4.parse, b"\x45" + b"\x00" * 10),
    (ipv4.parse, bytes.fromhex("4500ffff") + b"\x00" * 16),  # total length beyond the data
    (ipv4.parse, b"\x65" + b"\x00" * 19),                    # not version 4
    (icmp.parse, b"\x08\x00"),
    (udp.parse, b"\x00\x07\x00\x07\x00\x30\x00\x00"),          # length 48 > 8 bytes
])
def test_malformed_bytes_raise_malformed_packet(parse, data):
    with pytest.raises(MalformedPacket):
        parse(data)


def test_summary_never_raises():
    assert summarize(b"\x01\x02").startswith("malformed frame (2 bytes)")
    bad_ip = RECORDED_ECHO[:14] + b"\x45\x00\xff\xff"
    assert summarize(bad_ip).startswith("malformed frame")


def test_mac_text_roundtrip_and_errors():
    assert mac_ntoa(mac_aton("52:54:0:12:34:56")) == "52:54:00:12:34:56"
    for bad in ("52:54:00:12:34", "zz:54:00:12:34:56", "525400123456"):
        with pytest.raises(ValueError):
            mac_aton(bad)


def _words_summed_one_by_one(data: bytes) -> int:
    """RFC 1071 the long way: add 16-bit words, carry around, never fold early."""
    if len(data) & 1:
        data += b"\0"
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
        total = (total & 0xFFFF) + (total >> 16)
    return total


@pytest.mark.parametrize("size", [0, 1, 2, 20, 255, 256, 257, 258, 511, 1024, 1025, 1472,
                                  9000])
def test_checksum_of_long_data_matches_word_by_word_sum(size):
    """The checksum reads the data as one big number modulo 0xFFFF (checksum.py); it
    must agree with the word-by-word sum at odd and even lengths, short and long, for
    all-0xFF data (a sum that is 0 modulo 0xFFFF but not zero: 0xFFFF, never 0), all-zero
    data and random bytes -- and a UDP datagram must check out with its pseudo-header."""
    rng = random.Random(size)
    for data in (bytes(rng.randrange(256) for _ in range(size)), b"\xff" * size,
                 bytes(size)):
        expected = ~_words_summed_one_by_one(data) & 0xFFFF
        assert internet_checksum(data) == expected, (size, data[:4])
    if size >= 8:
        datagram = udp.build(b"\x0a\0\0\x01", b"\x0a\0\0\x02", 5000, 7, b"\xff" * (size - 8))
        pseudo = b"\x0a\0\0\x01\x0a\0\0\x02\0\x11" + len(datagram).to_bytes(2, "big")
        assert ~_words_summed_one_by_one(pseudo + datagram) & 0xFFFF == 0
