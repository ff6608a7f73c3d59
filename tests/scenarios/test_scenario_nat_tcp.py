"""TCP across the double NAT of ``scenarios.nat(vms=2)``: SYN, SYN-ACK, ACK seen by dpkt.

web runs ``socat TCP4-LISTEN:7,fork PIPE``; both guests connect from source port
40000, so the host's MASQUERADE must translate the second one's port. Captures on
web's side and on each guest are saved as pcap and decoded with dpkt, not netsim;
``conntrack -L`` lines are compared with the shape the real tool printed
(tests/data/tcp/outputs.txt).
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path

import dpkt
import pytest

from netsim import scenarios
from netsim.engine.lab import Lab
from netsim.host import Host

WEB, GW_WAN, HOST_LAN = "198.51.100.10", "198.51.100.1", "192.168.1.10"
SPORT = 40000
SYN, SYNACK, ACK = dpkt.tcp.TH_SYN, dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK, dpkt.tcp.TH_ACK


@dataclass(frozen=True)
class Segment:
    src: str
    sport: int
    dst: str
    dport: int
    flags: int
    seq: int
    ack: int
    data: bytes


def segments(path: Path) -> list[Segment]:
    out = []
    with path.open("rb") as f:
        for _, buf in dpkt.pcap.Reader(f):
            ip = dpkt.ethernet.Ethernet(buf).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
                t = ip.data
                out.append(Segment(socket.inet_ntoa(ip.src), t.sport, socket.inet_ntoa(ip.dst),
                                   t.dport, t.flags, t.seq, t.ack, bytes(t.data)))
    return out


def guest_address(guest: Host) -> str:
    fields = guest.sh("ip -4 -o addr show eth0").stdout.split()
    return fields[fields.index("inet") + 1].split("/")[0]


@dataclass
class Run:
    lab: Lab
    addr: dict[str, str]
    seen: dict[str, list[Segment]]
    echoed: dict[str, str]
    conntrack_host: str
    conntrack_gw: str


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    lab = scenarios.nat(vms=2)
    web = lab.host("web")
    assert web.spawn("socat TCP4-LISTEN:7,fork PIPE").running
    guests = {name: lab.vm(name).guest for name in ("vm1", "vm2")}
    addr = {name: guest_address(g) for name, g in guests.items()}
    caps = {"web": web.capture("eth0"), **{n: g.capture("eth0") for n, g in guests.items()}}
    echoed = {}
    for name, guest in guests.items():
        result = guest.sh(f"echo hello {name} | socat - TCP4:{WEB}:7,sourceport={SPORT}")
        assert (result.returncode, result.stderr) == (0, "")
        echoed[name] = result.stdout
    directory = tmp_path_factory.mktemp("nat_tcp")
    seen = {n: segments(c.save(directory / f"{n}.pcap")) for n, c in caps.items()}
    return Run(lab, addr, seen, echoed, lab.host("host").sh("conntrack -L -p tcp").stdout,
               lab.host("gw").sh("conntrack -L -p tcp").stdout)


def test_each_guest_gets_its_own_words_back(run):
    assert run.echoed == {"vm1": "hello vm1\n", "vm2": "hello vm2\n"}


def test_the_handshake_crosses_both_nats_with_web_seeing_gws_address(run):
    at_web = run.seen["web"]
    handshakes = [s for s in at_web if s.flags & (SYN | dpkt.tcp.TH_RST) or not s.data]
    syns = [s for s in handshakes if s.flags == SYN]
    assert [(s.src, s.dst, s.dport) for s in syns] == [(GW_WAN, WEB, 7)] * 2
    for syn in syns:
        answer = next(s for s in at_web if s.flags == SYNACK and s.dport == syn.sport)
        assert (answer.src, answer.sport, answer.dst) == (WEB, 7, GW_WAN)
        assert answer.ack == syn.seq + 1
        third = next(s for s in at_web if s.flags == ACK and s.sport == syn.sport)
        assert third.ack == answer.seq + 1


def test_the_clash_on_source_port_40000_is_translated_for_one_guest(run):
    ports_at_web = sorted({s.sport for s in run.seen["web"] if s.flags == SYN})
    assert len(ports_at_web) == 2 and SPORT in ports_at_web
    translated = next(p for p in ports_at_web if p != SPORT)
    assert 1024 <= translated <= 65535
    # each guest saw only its own address and port 40000: the translation is undone
    for name in ("vm1", "vm2"):
        guest_view = run.seen[name]
        syn = next(s for s in guest_view if s.flags == SYN)
        synack = next(s for s in guest_view if s.flags == SYNACK)
        assert (syn.src, syn.sport) == (run.addr[name], SPORT)
        assert (synack.dst, synack.dport, synack.ack) == (run.addr[name], SPORT, syn.seq + 1)


def test_sequence_numbers_pass_the_nat_untouched(run):
    isns_at_guests = {next(s.seq for s in run.seen[n] if s.flags == SYN) for n in ("vm1", "vm2")}
    isns_at_web = {s.seq for s in run.seen["web"] if s.flags == SYN}
    assert isns_at_guests == isns_at_web


def _shape(line: str) -> str:
    return re.sub(r"^(tcp +6) \d+ ", r"\1 T ", line)


def test_conntrack_on_gw_shows_time_wait_assured_lines_as_the_real_tool_prints_them(run):
    lines = [_shape(line) for line in run.conntrack_gw.splitlines()]
    ports = sorted(int(re.search(r"sport=(\d+)", line).group(1)) for line in lines)
    assert len(lines) == 2
    for port in ports:
        assert (f"tcp      6 T TIME_WAIT src={HOST_LAN} dst={WEB} sport={port} dport=7 "
                f"src={WEB} dst={GW_WAN} sport=7 dport={port} [ASSURED] mark=0 use=1") in lines
    seconds = [int(line.split()[2]) for line in run.conntrack_gw.splitlines()]
    assert all(118 <= s <= 120 for s in seconds)


def test_conntrack_on_the_host_keeps_each_guests_port_and_the_translation(run):
    lines = run.conntrack_host.splitlines()
    assert len(lines) == 2
    for name in ("vm1", "vm2"):
        line = next(x for x in lines if f"src={run.addr[name]} " in x)
        assert " TIME_WAIT " in line and line.endswith("[ASSURED] mark=0 use=1")
        assert f"sport={SPORT} dport=7 src={WEB} dst={HOST_LAN} sport=7 dport=" in line


def test_tcpdump_on_web_prints_the_handshake_in_its_own_words():
    lab = scenarios.nat(vms=1)
    web = lab.host("web")
    web.spawn("socat TCP4-LISTEN:7,fork PIPE")
    dump = web.spawn("tcpdump -n -i eth0")
    lab.vm("vm1").guest.sh(f"echo hi | socat - TCP4:{WEB}:7")
    dump.kill()
    lines = [line.split(" ", 1)[1] for line in dump.stdout.splitlines() if " IP " in line]
    assert re.fullmatch(rf"IP {GW_WAN}\.(\d+) > {WEB}\.7: Flags \[S\], seq \d+, win 64240, "
                        r"options \[mss 1460,sackOK,TS val \d+ ecr 0,nop,wscale 10\], "
                        r"length 0", lines[0])
    assert re.fullmatch(rf"IP {WEB}\.7 > {GW_WAN}\.\d+: Flags \[S\.\], seq \d+, ack \d+, "
                        r"win 65160, options \[mss 1460,sackOK,TS val \d+ ecr \d+,nop,"
                        r"wscale 10\], length 0", lines[1])
    assert re.fullmatch(rf"IP {GW_WAN}\.\d+ > {WEB}\.7: Flags \[\.\], ack 1, win 63, "
                        r"options \[nop,nop,TS val \d+ ecr \d+\], length 0", lines[2])
    assert ", seq 1:4, ack 1, win 63," in lines[3]
