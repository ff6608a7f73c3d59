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
from netsim.lab import Lab

from helpers import guest_address

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


def test_a_dnat_port_forward_reaches_a_tcp_server_in_the_vm(tmp_path):
    lab = scenarios.nat(vms=1)
    host, guest, lan1 = lab.host("host"), lab.vm("vm1").guest, lab.host("lan1")
    vm1 = guest_address(guest)
    assert guest.spawn("socat TCP4-LISTEN:7,fork PIPE").running
    forward = f"echo knock | socat - TCP4:{HOST_LAN}:8080"

    # nothing listens on the host's 8080: its TCP answers RST
    assert "Connection refused" in lan1.sh(forward).stderr
    # the DNAT alone meets libvirt's FORWARD REJECT (an ICMP port unreachable): refused too
    assert host.sh("iptables -t nat -A PREROUTING -i eth0 -p tcp --dport 8080 "
                   f"-j DNAT --to-destination {vm1}:7").returncode == 0
    at_vm = guest.capture("eth0")
    result = lan1.sh(forward)
    assert result.stderr.endswith(f"E connect(5, AF=2 {HOST_LAN}:8080, 16): "
                                  "Connection refused\n")
    assert segments(at_vm.save(tmp_path / "refused.pcap")) == []

    # with a FORWARD accept the handshake reaches the VM, from lan1's own address
    assert host.sh(f"iptables -I FORWARD -d {vm1} -p tcp --dport 7 -j ACCEPT").returncode == 0
    at_lan1 = lan1.capture("eth0")
    result = lan1.sh(forward)
    assert (result.returncode, result.stdout) == (0, "knock\n")
    in_vm = segments(at_vm.save(tmp_path / "vm.pcap"))
    syn = next(s for s in in_vm if s.flags == SYN)
    assert (syn.src, syn.dst, syn.dport) == ("192.168.1.20", vm1, 7)
    at_client = segments(at_lan1.save(tmp_path / "lan1.pcap"))
    synack = next(s for s in at_client if s.flags == SYNACK)
    assert (synack.src, synack.sport, synack.dport) == (HOST_LAN, 8080, syn.sport)
    line = next(x for x in host.sh("conntrack -L -p tcp").stdout.splitlines()
                if "dport=8080" in x)
    assert _shape(line) == (f"tcp      6 T TIME_WAIT src=192.168.1.20 dst={HOST_LAN} "
                            f"sport={syn.sport} dport=8080 src={vm1} dst=192.168.1.20 sport=7 "
                            f"dport={syn.sport} [ASSURED] mark=0 use=1")
