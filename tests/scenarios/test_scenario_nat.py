"""Issue 5, done-means 2: libvirt's NAT seen from outside, in conntrack, and inbound.

``scenarios.nat(vms=2)`` is a double NAT, as at home: the host masquerades
192.168.122.0/24 behind its LAN address 192.168.1.10, and gw masquerades the LAN
behind 198.51.100.1. Every claim here is read from captures (saved as pcap, decoded
by dpkt), from what the guests' programs print, or from ``conntrack -L``.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path

import dpkt
import pytest

from netsim import scenarios
from netsim.host import Host
from netsim.lab import Lab
from netsim.stack.capture import Capture

from helpers import guest_address

WEB, GW_WAN, HOST_LAN, LAN1 = "198.51.100.10", "198.51.100.1", "192.168.1.10", "192.168.1.20"
SPORT = 5000  # both guests send from the same source port: a clash for the host's NAT


@dataclass(frozen=True)
class Packet:
    """One IPv4 packet from a pcap, in the words of a tcpdump line."""

    src: str
    dst: str
    proto: str           # "icmp" | "udp"
    sport: int | None    # UDP ports; for ICMP echo, the id in sport and dport is None
    dport: int | None
    icmp_type: int | None = None
    payload: bytes = b""


def decode(path: Path) -> list[Packet]:
    """The IPv4 packets in a pcap file, decoded by dpkt (not by netsim)."""
    out = []
    with path.open("rb") as f:
        for _, buf in dpkt.pcap.Reader(f):
            ip = dpkt.ethernet.Ethernet(buf).data
            if not isinstance(ip, dpkt.ip.IP):
                continue
            src, dst = socket.inet_ntoa(ip.src), socket.inet_ntoa(ip.dst)
            if isinstance(ip.data, dpkt.udp.UDP):
                out.append(Packet(src, dst, "udp", ip.data.sport, ip.data.dport,
                                  payload=bytes(ip.data.data)))
            elif isinstance(ip.data, dpkt.icmp.ICMP):
                icmp = ip.data
                ident = icmp.data.id if icmp.type in (0, 8) else None
                out.append(Packet(src, dst, "icmp", ident, None, icmp.type,
                                  payload=bytes(icmp.data)))
    return out


def saved(capture: Capture, directory: Path, name: str) -> list[Packet]:
    return decode(capture.save(directory / f"{name}.pcap"))


@dataclass
class Outbound:
    lab: Lab
    addr: dict[str, str]             # vm name -> its DHCP address on virbr0
    seen: dict[str, list[Packet]]    # capture point -> decoded packets
    ping: str
    echoed: dict[str, str]           # vm name -> what its socat printed
    conntrack_host: str
    conntrack_gw: str


@pytest.fixture(scope="module")
def outbound(tmp_path_factory) -> Outbound:
    """vm1 pings web; both VMs send "hi" to web's echo port from source port 5000."""
    lab = scenarios.nat(vms=2)
    guests = {name: lab.vm(name).guest for name in ("vm1", "vm2")}
    addr = {name: guest_address(g) for name, g in guests.items()}
    points = {"web": lab.host("web").capture("eth0"),     # the internet side of gw
              "gw": lab.host("gw").capture("eth0"),       # the LAN side of gw
              **{name: g.capture("eth0") for name, g in guests.items()}}
    ping = guests["vm1"].sh(f"ping -c 1 {WEB}").stdout
    echoed = {name: g.sh(f"echo hi | socat - UDP4:{WEB}:7,sourceport={SPORT}").stdout
              for name, g in guests.items()}
    conntrack_host = lab.host("host").sh("conntrack -L").stdout
    conntrack_gw = lab.host("gw").sh("conntrack -L").stdout
    directory = tmp_path_factory.mktemp("nat")
    seen = {name: saved(cap, directory, name) for name, cap in points.items()}
    return Outbound(lab, addr, seen, ping, echoed, conntrack_host, conntrack_gw)


def test_vms_leased_two_different_private_addresses(outbound):
    assert all(a.startswith("192.168.122.") for a in outbound.addr.values())
    assert outbound.addr["vm1"] != outbound.addr["vm2"]


def test_the_internet_sees_only_gws_address(outbound):
    web = outbound.seen["web"]
    towards_web = [p for p in web if p.dst == WEB]
    assert {p.proto for p in towards_web} == {"icmp", "udp"}
    assert {p.src for p in towards_web} == {GW_WAN}
    assert {p.dst for p in web if p.src == WEB} == {GW_WAN}


def test_the_lan_sees_only_the_hosts_address(outbound):
    towards_web = [p for p in outbound.seen["gw"] if p.dst == WEB]
    assert towards_web and {p.src for p in towards_web} == {HOST_LAN}
    assert not any(p.src.startswith("192.168.122.") or p.dst.startswith("192.168.122.")
                   for p in outbound.seen["gw"] + outbound.seen["web"])


def test_the_ping_is_answered_through_both_nats(outbound):
    assert "1 received" in outbound.ping
    sent = [p for p in outbound.seen["vm1"] if p.proto == "icmp" and p.icmp_type == 8]
    back = [p for p in outbound.seen["vm1"] if p.proto == "icmp" and p.icmp_type == 0]
    assert [(p.src, p.dst) for p in sent] == [(outbound.addr["vm1"], WEB)]
    assert [(p.src, p.dst) for p in back] == [(WEB, outbound.addr["vm1"])]
    assert back[0].sport == sent[0].sport  # the echo id comes back as the guest chose it
    at_web = [p for p in outbound.seen["web"] if p.proto == "icmp" and p.icmp_type == 8]
    assert [(p.src, p.sport) for p in at_web] == [(GW_WAN, sent[0].sport)]


def udp_flows(packets: list[Packet], towards: str) -> list[tuple[str, int]]:
    return [(p.src, p.sport) for p in packets if p.proto == "udp" and p.dst == towards]


def test_same_source_port_from_both_vms_clashes_and_one_is_translated(outbound):
    # Each guest really sent from port 5000 ...
    for name in ("vm1", "vm2"):
        assert udp_flows(outbound.seen[name], WEB) == [(outbound.addr[name], SPORT)]
    # ... but the host has one address for both: the second flow gets another port.
    on_lan = udp_flows(outbound.seen["gw"], WEB)
    assert len(on_lan) == 2 and {src for src, _ in on_lan} == {HOST_LAN}
    ports = [port for _, port in on_lan]
    assert ports[0] == SPORT and ports[1] != SPORT and 1024 <= ports[1] <= 65535
    # gw keeps those ports (no clash on its side), so web sees the same two
    assert udp_flows(outbound.seen["web"], WEB) == [(GW_WAN, p) for p in ports]


def test_replies_are_translated_back_to_each_guest(outbound):
    for name in ("vm1", "vm2"):
        assert outbound.echoed[name] == "hi\n"
        replies = [p for p in outbound.seen[name] if p.proto == "udp" and p.src == WEB]
        assert [(p.dst, p.sport, p.dport, p.payload) for p in replies] == [
            (outbound.addr[name], 7, SPORT, b"hi\n")]


def lines_about(table: str, address: str) -> list[str]:
    return [line for line in table.splitlines() if f"src={address} " in line]


def countdown(line: str) -> tuple[int, str]:
    """``conntrack -L``'s seconds-left column, and the line with it replaced by T."""
    match = re.match(r"^(\w+ +\d+) (\d+) ", line)
    assert match, line
    return int(match[2]), f"{match[1]} T {line[match.end():]}"


def test_conntrack_on_the_host_shows_each_flow_with_its_reply_tuple(outbound):
    vm1, vm2 = outbound.addr["vm1"], outbound.addr["vm2"]
    ident = next(p.sport for p in outbound.seen["vm1"] if p.proto == "icmp")
    clash_port = udp_flows(outbound.seen["gw"], WEB)[1][1]
    expected = {
        vm1: [f"icmp     1 T src={vm1} dst={WEB} type=8 code=0 id={ident} "
              f"src={WEB} dst={HOST_LAN} type=0 code=0 id={ident} mark=0 use=1",
              f"udp      17 T src={vm1} dst={WEB} sport={SPORT} dport=7 "
              f"src={WEB} dst={HOST_LAN} sport=7 dport={SPORT} mark=0 use=1"],
        vm2: [f"udp      17 T src={vm2} dst={WEB} sport={SPORT} dport=7 "
              f"src={WEB} dst={HOST_LAN} sport=7 dport={clash_port} mark=0 use=1"],
    }
    for address, lines in expected.items():
        found = [countdown(line) for line in lines_about(outbound.conntrack_host, address)
                 if f"dst={WEB}" in line]
        assert [text for _, text in found] == lines
        # one exchange, answered at once: 30 s for ICMP and for UDP (not yet a stream)
        assert all(0 < left <= 30 for left, _ in found)


def test_conntrack_on_gw_sees_the_hosts_address_as_the_origin(outbound):
    flows = lines_about(outbound.conntrack_gw, HOST_LAN)
    replies = sorted(re.findall(r"src=198\.51\.100\.10 dst=(\S+) sport=7 dport=(\d+)",
                                "\n".join(flows)))
    clash_port = udp_flows(outbound.seen["gw"], WEB)[1][1]
    assert replies == sorted([(GW_WAN, str(SPORT)), (GW_WAN, str(clash_port))])


def test_udp_without_a_listener_stays_unreplied_and_the_icmp_error_is_translated_back(
        tmp_path):
    lab = scenarios.nat(vms=1)
    guest = lab.vm("vm1").guest
    vm1 = guest_address(guest)
    cap = guest.capture("eth0")
    assert guest.sh(f"echo hi | socat - UDP4:{WEB}:9,sourceport=6000").stdout == ""
    line = next(line for line in lines_about(lab.host("host").sh("conntrack -L").stdout, vm1)
                if "sport=6000" in line)
    assert countdown(line)[1] == (f"udp      17 T src={vm1} dst={WEB} sport=6000 dport=9 "
                                  f"[UNREPLIED] src={WEB} dst={HOST_LAN} sport=9 dport=6000 "
                                  "mark=0 use=1")
    errors = [p for p in saved(cap, tmp_path, "vm1") if p.icmp_type == 3]
    assert len(errors) == 1 and (errors[0].src, errors[0].dst) == (WEB, vm1)
    quoted = dpkt.ip.IP(errors[0].payload[4:])  # unused word, then the offending header
    assert (socket.inet_ntoa(quoted.src), quoted.data.sport) == (vm1, 6000)


def conntrack_lines(host: Host, address: str) -> list[str]:
    return lines_about(host.sh("conntrack -L").stdout, address)


def test_entries_time_out_as_in_the_kernel():
    """ICMP and a one-shot UDP exchange: 30 s. A UDP flow still talking after 2 s
    becomes a stream: [ASSURED] and 120 s (nf_conntrack_udp_timeout_stream)."""
    lab = scenarios.nat(vms=1)
    guest, host = lab.vm("vm1").guest, lab.host("host")
    vm1 = guest_address(guest)
    guest.sh(f"ping -c 1 {WEB}")
    guest.sh(f"echo hi | socat - UDP4:{WEB}:7,sourceport=5001")
    guest.sh(f"echo hi | socat - UDP4:{WEB}:7,sourceport=5002")
    lab.run(3)
    guest.sh(f"echo again | socat - UDP4:{WEB}:7,sourceport=5002")  # same tuple, 3 s on
    lines = conntrack_lines(host, vm1)
    stream = next(line for line in lines if "sport=5002" in line)
    assert "[ASSURED]" in stream and "[UNREPLIED]" not in stream
    assert 115 < countdown(stream)[0] <= 120
    assert not any("[ASSURED]" in line for line in lines if "sport=5002" not in line)
    lab.run(30)
    left = conntrack_lines(host, vm1)
    assert [line for line in left if "dst=198.51.100.10" in line] == [
        line for line in left if "sport=5002" in line]  # ICMP and the one-shot UDP: gone
    assert len(left) == 1
    lab.run(90)
    assert conntrack_lines(host, vm1) == []


# ---------------------------------------------------------------------------- inbound
def echo_from_lan1(lab: Lab) -> str:
    return lab.host("lan1").sh(f"echo hi | socat - UDP4:{HOST_LAN}:5007").stdout


def forward_rejects(lab: Lab) -> int:
    """Packets counted by libvirt's ``-A FORWARD -o virbr0 -j REJECT`` so far."""
    listing = lab.host("host").sh("iptables -L FORWARD -v -n -x").stdout
    row = next(line for line in listing.splitlines()
               if "REJECT" in line and line.split()[6] == "virbr0")
    return int(row.split()[0])


def test_inbound_needs_dnat_and_a_forward_accept(tmp_path):
    lab = scenarios.nat(vms=1)
    host, guest = lab.host("host"), lab.vm("vm1").guest
    vm1 = guest_address(guest)
    server = guest.spawn("socat UDP4-RECVFROM:7,fork PIPE")
    assert server.running
    at_vm1 = guest.capture("eth0")
    to_vm1 = lambda: [p for p in saved(at_vm1, tmp_path, "vm1") if p.proto == "udp"]  # noqa: E731

    # 1. Nothing on the host listens on 5007: no echo, nothing reaches the VM.
    assert echo_from_lan1(lab) == ""
    assert to_vm1() == []

    # 2. A DNAT alone is not enough: libvirt's FORWARD chain rejects new flows to virbr0.
    assert host.sh("iptables -t nat -A PREROUTING -i eth0 -p udp --dport 5007 "
                   f"-j DNAT --to-destination {vm1}:7").returncode == 0
    before = forward_rejects(lab)
    assert echo_from_lan1(lab) == ""
    assert forward_rejects(lab) == before + 1
    assert to_vm1() == []

    # 3. Let the forwarded flow through: lan1 gets its echo, from the host's address.
    assert host.sh(f"iptables -I FORWARD -d {vm1} -p udp --dport 7 -j ACCEPT").returncode == 0
    at_lan1 = lab.host("lan1").capture("eth0")
    assert echo_from_lan1(lab) == "hi\n"
    arrived = to_vm1()
    assert [(p.src, p.dst, p.dport) for p in arrived if p.dst == vm1] == [(LAN1, vm1, 7)]
    lan1_port = arrived[0].sport
    back = [p for p in saved(at_lan1, tmp_path, "lan1") if p.proto == "udp" and p.dst == LAN1]
    assert [(p.src, p.sport, p.dport, p.payload) for p in back] == [
        (HOST_LAN, 5007, lan1_port, b"hi\n")]
    line = next(line for line in lines_about(host.sh("conntrack -L").stdout, LAN1)
                if f"sport={lan1_port} dport=5007" in line)
    assert countdown(line)[1] == (f"udp      17 T src={LAN1} dst={HOST_LAN} sport={lan1_port} "
                                  f"dport=5007 src={vm1} dst={LAN1} sport=7 dport={lan1_port} "
                                  "mark=0 use=1")
    assert forward_rejects(lab) == before + 1
