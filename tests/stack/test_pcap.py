"""``Capture.save``: pcap files checked field by field with an independent reader, dpkt."""

from __future__ import annotations

import socket
from pathlib import Path

import dpkt
import pytest
from lab_builders import two_hosts

import netsim
from netsim.stack.capture import Capture
from netsim.stack.pcap import LINKTYPE_ETHERNET, LINKTYPE_RAW, SNAPLEN, parse_pcap
from netsim.user.process import wall_clock


def read(path: Path) -> tuple[int, list[tuple[float, bytes]], dpkt.pcap.Reader]:
    with path.open("rb") as f:
        reader = dpkt.pcap.Reader(f)
        records = list(reader)
        return reader.datalink(), records, reader


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Capture, Path, netsim.Host, netsim.Host]:
    lab, h1, h2 = two_hosts()
    cap = h1.capture("eth0")
    h1.sh("ping -c 2 10.0.0.2")
    h1.udp_socket(4000).sendto(b"hello", ("10.0.0.2", 5000))
    lab.run(1)
    path = cap.save(tmp_path / "x.pcap")
    return cap, path, h1, h2


def test_header_link_type_and_snaplen(saved) -> None:
    cap, path, _, _ = saved
    datalink, records, reader = read(path)
    assert datalink == dpkt.pcap.DLT_EN10MB == LINKTYPE_ETHERNET
    assert reader.snaplen == SNAPLEN
    assert len(records) == len(cap.frames) == 8  # ARP x2, 2 pings x2, UDP, ICMP


def test_every_frame_is_byte_for_byte_and_time_for_time(saved) -> None:
    cap, path, _, _ = saved
    _, records, _ = read(path)
    for (ts, data), frame in zip(records, cap.frames, strict=True):
        assert data == frame.data
        assert ts == pytest.approx(wall_clock(frame.time), abs=1e-6)
    # microseconds of simulated time survive exactly
    _, ours = parse_pcap(path.read_bytes())
    for rec, frame in zip(ours, cap.frames, strict=True):
        assert rec.ts_sec - int(wall_clock(0)) + rec.ts_usec / 1e6 == \
            pytest.approx(frame.time, abs=5e-7)


def test_fields_decode_to_what_netsim_sent(saved) -> None:
    _, path, h1, h2 = saved
    mac1, mac2 = h1.ns.get("eth0").mac, h2.ns.get("eth0").mac
    _, records, _ = read(path)
    eths = [dpkt.ethernet.Ethernet(data) for _, data in records]

    request, reply = eths[0], eths[1]
    assert (request.src, request.dst, request.type) == (mac1, b"\xff" * 6, 0x0806)
    arp = request.data
    assert isinstance(arp, dpkt.arp.ARP)
    assert (arp.op, arp.sha, arp.spa, arp.tpa) == (
        dpkt.arp.ARP_OP_REQUEST, mac1, socket.inet_aton("10.0.0.1"), socket.inet_aton("10.0.0.2"))
    assert (reply.src, reply.dst) == (mac2, mac1)
    assert (reply.data.op, reply.data.sha, reply.data.spa) == (
        dpkt.arp.ARP_OP_REPLY, mac2, socket.inet_aton("10.0.0.2"))

    pings = [e for e in eths if e.type == 0x0800 and isinstance(e.data.data, dpkt.icmp.ICMP)
             and e.data.data.type in (0, 8)]
    assert [(p.data.data.type, p.data.data.data.seq) for p in pings] == \
        [(8, 1), (0, 1), (8, 2), (0, 2)]
    req = pings[0].data
    assert (req.src, req.dst, req.ttl, req.p) == (
        socket.inet_aton("10.0.0.1"), socket.inet_aton("10.0.0.2"), 64, 1)
    assert pings[1].data.data.data.id == req.data.data.id  # the reply echoes the id
    assert pings[0].src == mac1 and pings[1].src == mac2
    assert req.sum == dpkt.ip.IP(bytes(req)).sum  # the header checksum decodes as sent

    udp_frame = next(e for e in eths if e.type == 0x0800 and e.data.p == 17)
    udp = udp_frame.data.data
    assert (udp.sport, udp.dport, udp.data) == (4000, 5000, b"hello")
    assert udp_frame.data.ttl == 64
    unreachable = eths[-1].data.data
    assert (unreachable.type, unreachable.code) == (3, 3)


def test_ip_ids_match_the_frames(saved) -> None:
    cap, path, _, _ = saved
    _, records, _ = read(path)
    for (_, data), frame in zip(records, cap.frames, strict=True):
        eth = dpkt.ethernet.Ethernet(data)
        if eth.type == 0x0800:
            assert eth.data.id == int.from_bytes(frame.data[18:20], "big")


def test_tun_device_is_raw_ipv4(tmp_path: Path) -> None:
    lab = netsim.Lab(seed=0)
    h = lab.host("h")
    tun = h.open_tun("tun0", mode="tun")
    h.sh("ip addr add 10.9.0.1/24 dev tun0 && ip link set tun0 up")
    cap = h.capture("tun0")
    assert cap.link_type == "raw"
    h.udp_socket(4000).sendto(b"via tun", ("10.9.0.2", 7))
    lab.run(1)
    path = cap.save(tmp_path / "tun.pcap")
    datalink, records, _ = read(path)
    assert datalink == LINKTYPE_RAW
    assert len(records) == 1
    ip = dpkt.ip.IP(records[0][1])
    assert (ip.src, ip.dst, ip.p) == (socket.inet_aton("10.9.0.1"),
                                      socket.inet_aton("10.9.0.2"), 17)
    assert (ip.data.sport, ip.data.dport, ip.data.data) == (4000, 7, b"via tun")
    assert tun is not None


@pytest.mark.filterwarnings("ignore::netsim.stack.capture.NoFramesCaptured")
def test_empty_capture_is_a_valid_file(tmp_path: Path) -> None:
    _, h1, _ = two_hosts()
    path = h1.capture("eth0").save(tmp_path / "empty.pcap")
    datalink, records, _ = read(path)
    assert (datalink, records) == (LINKTYPE_ETHERNET, [])


def test_a_whole_lab_capture_saves_every_device_in_time_order(tmp_path):
    import dpkt

    import netsim

    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    h1.sh("ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
    h2.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    everything = lab.capture_all()
    assert h1.sh("ping -c 1 10.0.0.2").returncode == 0
    frames = everything.stop()
    # ARP request, ARP reply, echo request, echo reply: each seen on both NICs
    assert len(frames) == 8
    assert [f.time for f in frames] == sorted(f.time for f in frames)
    path = everything.save(tmp_path / "lab.pcap")
    with open(path, "rb") as fh:
        records = list(dpkt.pcap.Reader(fh))
    assert len(records) == 8
    types = [dpkt.ethernet.Ethernet(buf).type for _ts, buf in records]
    assert types.count(dpkt.ethernet.ETH_TYPE_ARP) == 4
    assert types.count(dpkt.ethernet.ETH_TYPE_IP) == 4


def test_saving_a_capture_that_saw_nothing_warns_and_says_what_to_do(tmp_path) -> None:
    import warnings

    from netsim.stack.capture import NoFramesCaptured

    lab = netsim.Lab(seed=0)
    host = lab.host("h1")
    capture = host.capture("lo")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        capture.save(tmp_path / "empty.pcap")
    assert [type(w.message) for w in caught] == [NoFramesCaptured]
    assert "no frame crossed lo since this capture started" in str(caught[0].message)
    assert "start host.capture('lo') first, then send the traffic" in str(caught[0].message)
    host.sh("ping -c 1 127.0.0.1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        capture.save(tmp_path / "full.pcap")  # no warning once something was seen
    assert (tmp_path / "full.pcap").stat().st_size > (tmp_path / "empty.pcap").stat().st_size
