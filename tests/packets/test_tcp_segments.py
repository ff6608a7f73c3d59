"""TCP segments against a handshake recorded between two Linux 6.18 namespaces.

tests/data/tcp/README.md says how the captures were made (checksum offload off, so
the checksums in them are the kernel's own). Each test rebuilds what Linux sent from
its fields and compares bytes, or reads what Linux sent and compares fields with
dpkt's independent decoding.
"""

from __future__ import annotations

from pathlib import Path

import dpkt
import pytest

from netsim.packets import tcp
from netsim.packets.addr import MalformedPacket, ip_aton
from netsim.packets.summary import describe_ipv4, describe_tcp

DATA = Path(__file__).resolve().parents[1] / "data" / "tcp"


def _packets(name: str) -> list[bytes]:
    with open(DATA / name, "rb") as f:
        return [buf[14:] for _ts, buf in dpkt.pcap.Reader(f)]


CLIENT = _packets("handshake_client.pcap")


def _tcp_of(packet: bytes) -> bytes:
    return packet[(packet[0] & 0x0F) * 4:]


def test_every_recorded_checksum_verifies_and_a_flipped_bit_does_not():
    for packet in CLIENT + _packets("handshake_server_nat.pcap"):
        assert tcp.verify(packet[12:16], packet[16:20], _tcp_of(packet))
    syn = _tcp_of(CLIENT[0])
    broken = syn[:30] + bytes([syn[30] ^ 1]) + syn[31:]
    assert not tcp.verify(CLIENT[0][12:16], CLIENT[0][16:20], broken)


def test_the_syn_rebuilt_from_its_fields_is_linux_s_bytes():
    packet = CLIENT[0]
    seg = tcp.parse(_tcp_of(packet))
    assert (seg.flags, seg.window, seg.options.mss, seg.options.sack_perm,
            seg.options.wscale) == (tcp.SYN, 64240, 1460, True, 10)
    assert seg.options.order == ["mss", "sackOK", "TS", "nop", "wscale"]
    rebuilt = tcp.build(packet[12:16], packet[16:20], seg.sport, seg.dport, seg.seq, 0,
                        tcp.SYN, 64240, tcp.syn_options(1460, seg.options.ts[0], 0))
    assert rebuilt == _tcp_of(packet)


def test_an_ack_with_timestamps_and_data_rebuilt_byte_for_byte():
    packet = CLIENT[3]  # [P.] seq 1:7 "hello\n"
    seg = tcp.parse(_tcp_of(packet))
    assert seg.data == b"hello\n"
    rebuilt = tcp.build(packet[12:16], packet[16:20], seg.sport, seg.dport, seg.seq, seg.ack,
                        tcp.PSH | tcp.ACK, 63, tcp.ts_options(*seg.options.ts), seg.data)
    assert rebuilt == _tcp_of(packet)
    decoded = dpkt.tcp.TCP(rebuilt)
    assert (decoded.flags, decoded.win, decoded.data) == (dpkt.tcp.TH_PUSH | dpkt.tcp.TH_ACK,
                                                          63, b"hello\n")


def test_the_rst_for_a_closed_port_is_the_one_linux_sent():
    syn_packet, rst_packet = CLIENT[10], CLIENT[11]
    syn = tcp.parse(_tcp_of(syn_packet))
    rst = tcp.reset_for(syn_packet[12:16], syn_packet[16:20], syn)
    assert rst == _tcp_of(rst_packet)
    assert tcp.reset_for(rst_packet[12:16], rst_packet[16:20], tcp.parse(rst)) is None


def test_tcpdump_lines_with_relative_numbers_as_tcpdump_printed_them():
    seqs: dict = {}
    lines = [describe_tcp(p[12:16], p[16:20], _tcp_of(p), seqs) for p in CLIENT]
    assert lines[0] == ("192.168.122.10.35534 > 198.51.100.10.7: Flags [S], seq 1003011125, "
                        "win 64240, options [mss 1460,sackOK,TS val 2612222626 ecr 0,nop,"
                        "wscale 10], length 0")
    assert lines[1].startswith("198.51.100.10.7 > 192.168.122.10.35534: Flags [S.], seq "
                               "1993373632, ack 1003011126, win 65160, options [mss 1460,")
    assert lines[2] == ("192.168.122.10.35534 > 198.51.100.10.7: Flags [.], ack 1, win 63, "
                        "options [nop,nop,TS val 2612222626 ecr 2988645574], length 0")
    assert ", seq 1:7, ack 1, win 63," in lines[3]
    assert lines[5].startswith("192.168.122.10.35534 > 198.51.100.10.7: Flags [F.], seq 7, "
                               "ack 1, win 63")
    assert lines[11] == ("198.51.100.10.9 > 192.168.122.10.57038: Flags [R.], seq 0, ack "
                         "1397182968, win 0, length 0")


def test_the_trace_summary_prints_whole_numbers():
    assert describe_ipv4(CLIENT[2]) == (
        "IP 192.168.122.10.35534 > 198.51.100.10.7: Flags [.], ack 1993373633, win 63, "
        "options [nop,nop,TS val 2612222626 ecr 2988645574], length 0")


def test_short_or_inconsistent_segments_raise_malformed_packet():
    with pytest.raises(MalformedPacket):
        tcp.parse(bytes(19))
    header = bytearray(_tcp_of(CLIENT[0]))
    header[12] = 0xF0  # data offset 60 > 40 bytes
    with pytest.raises(MalformedPacket):
        tcp.parse(bytes(header))
    header = bytearray(_tcp_of(CLIENT[0]))
    header[21] = 40  # the MSS option claims 40 bytes
    with pytest.raises(MalformedPacket):
        tcp.parse(bytes(header))
    src, dst = ip_aton("10.0.0.1"), ip_aton("10.0.0.2")
    assert "bad hdr length" in describe_tcp(src, dst, bytes(10))
