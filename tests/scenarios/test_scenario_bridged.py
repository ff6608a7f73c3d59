"""Issue 5, done-means 4: bridging the uplink (seed claim S3), and a bridged VM being
one more machine on the LAN.

Typed step by step (``BRIDGE_THE_UPLINK``) on a fresh world while lan1 pings the
host's 192.168.1.10: once eth0 is a port of br0, every frame eth0 receives is the
bridge's (``br_handle_frame``), so the echo request arrives on br0, not eth0. The
address is still the host's (Linux's weak host model) and the reply is made, but it is
routed out of eth0, whose ARP replies the bridge now swallows: once the host's old
neighbour entry on eth0 is gone, the reply never leaves. Moving the address to br0
makes it answer again.
"""

from __future__ import annotations

import socket
from pathlib import Path

import dpkt
import pytest

import netsim
from netsim import scenarios
from netsim.engine.trace import TraceRecord
from netsim.lab import Lab
from netsim.scenarios import outside as world
from netsim.scenarios.builders import BRIDGE_THE_UPLINK

HOST_LAN = "192.168.1.10"
VM1_MAC = "52:54:00:12:34:01"


def ping_host_from_lan1(lab: Lab) -> tuple[bool, list[TraceRecord]]:
    """One ping from lan1 to 192.168.1.10; whether it was answered, and the host's
    trace records meanwhile (and for 3 s after, while ARP gives up)."""
    start = len(lab.trace.records)
    result = lab.host("lan1").sh(f"ping -c 1 -W 1 {HOST_LAN}")
    lab.run(3)
    records = [r for r in lab.trace.records[start:] if r.host == "host"]
    return result.returncode == 0 and "1 received" in result.stdout, records


def steps(records: list[TraceRecord]) -> set[tuple[str, str, str, str]]:
    return {(r.dev, r.layer, r.action, r.func) for r in records}


@pytest.fixture
def fresh() -> Lab:
    """The outside world and the host with its address on eth0, nothing bridged."""
    lab = netsim.Lab(seed=0)
    world.build_outside(lab)
    world.host_uplink_on_eth0(world.boot(lab.host("host")))
    return lab


def type_on_host(lab: Lab, *commands: str) -> None:
    for command in commands:
        result = lab.host("host").sh(command)
        assert result.returncode == 0, f"{command}: {result.stderr}"


def test_bridge_the_uplink_step_by_step(fresh):
    lab = fresh
    create, up, enslave, delete, add, route = BRIDGE_THE_UPLINK
    assert enslave == "ip link set eth0 master br0"

    answered, records = ping_host_from_lan1(lab)
    assert answered
    assert ("eth0", "ip", "rx", "ip_rcv") in steps(records)

    type_on_host(lab, create, up, enslave)
    # Right away the host still answers through its old neighbour entry for lan1 on
    # eth0 (as Linux does); that entry can no longer be confirmed: it fails ...
    answered, records = ping_host_from_lan1(lab)
    assert answered
    lab.run(10)
    assert "192.168.1.20 dev eth0 FAILED" in lab.host("host").sh("ip neigh show").stdout
    # ... and from then on 192.168.1.10 is silent.
    answered, records = ping_host_from_lan1(lab)
    assert not answered
    seen = steps(records)
    assert ("eth0", "bridge", "rx", "br_handle_frame") in seen   # the bridge takes it
    assert ("br0", "bridge", "pass-up", "br_pass_frame_up") in seen
    assert ("br0", "ip", "rx", "ip_rcv") in seen                 # it arrives on br0 ...
    assert ("eth0", "ip", "rx", "ip_rcv") not in seen            # ... never on eth0
    assert ("eth0", "arp", "drop", "neigh_invalidate") in seen   # the reply's ARP fails
    lost = [r for r in records if r.action == "drop" and r.func == "arp_error_report"]
    assert len(lost) == 1 and "ICMP echo reply" in lost[0].summary

    type_on_host(lab, delete)
    answered, _ = ping_host_from_lan1(lab)
    assert not answered  # the address is nowhere now

    type_on_host(lab, add, route)
    answered, records = ping_host_from_lan1(lab)
    assert answered
    seen = steps(records)
    assert ("br0", "ip", "rx", "ip_rcv") in seen and ("br0", "ip", "route", "icmp_reply") in seen
    assert not any(r.action == "drop" for r in records)
    assert lab.host("host").sh("ip route show default").stdout.strip() == (
        "default via 192.168.1.1 dev br0")


@pytest.fixture(scope="module")
def bridged(tmp_path_factory) -> tuple[Lab, str, Path]:
    """scenarios.bridged(); lan1 pings vm1 (captured on lan1's eth0)."""
    lab = scenarios.bridged(vms=1)
    guest = lab.vm("vm1").guest
    fields = guest.sh("ip -4 -o addr show eth0").stdout.split()
    address = fields[fields.index("inet") + 1].split("/")[0]
    capture = lab.host("lan1").capture("eth0")
    assert lab.host("lan1").sh(f"ping -c 1 {address}").returncode == 0
    return lab, address, capture.save(tmp_path_factory.mktemp("bridged") / "lan1.pcap")


def test_the_lan_switch_learned_the_vms_mac_on_the_hosts_port(bridged):
    lab, _, _ = bridged
    fdb = lab.host("switch").sh("bridge fdb show br br0").stdout.splitlines()
    assert f"{VM1_MAC} dev port1 master br0 " in fdb  # port1 is the host's cable


def test_lan1_sees_the_vms_own_mac_and_address(bridged):
    lab, address, pcap = bridged
    neigh = lab.host("lan1").sh(f"ip neigh show {address}").stdout
    assert neigh.split()[:5] == [address, "dev", "eth0", "lladdr", VM1_MAC]
    with pcap.open("rb") as f:
        replies = [dpkt.ethernet.Ethernet(buf) for _, buf in dpkt.pcap.Reader(f)]
    echo_replies = [e for e in replies if isinstance(e.data, dpkt.ip.IP)
                    and isinstance(e.data.data, dpkt.icmp.ICMP) and e.data.data.type == 0]
    assert [(e.src.hex(":"), socket.inet_ntoa(e.data.src)) for e in echo_replies] == [
        (VM1_MAC, address)]


def test_gw_leased_the_vm_a_lan_address(bridged):
    lab, address, _ = bridged
    leases = lab.host("gw").sh("cat /var/lib/misc/dnsmasq.leases").stdout.splitlines()
    assert [line.split()[1:4] for line in leases] == [[VM1_MAC, address, "vm1"]]
