"""Issue 5, done-means 3: in each mode the guests are configured by DHCP.

A guest renews with ``dhclient -r eth0; dhclient eth0`` while the server's side is
captured; dpkt decodes the exchange from the saved pcap. What the ACK handed out
(address, mask, router, DNS, lease time) must be what the guest's own ``ip`` and
``/etc/resolv.conf`` show and what the server's lease file says. The modes' expected
servers and options are written out below from libvirt's, VirtualBox's and a home
router's set-ups, not taken from the code under test.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import Path

import dpkt
import pytest

from netsim import scenarios
from netsim.lab import Lab

VM1_MAC, VM2_MAC = "52:54:00:12:34:01", "52:54:00:12:34:02"
DISCOVER, OFFER, REQUEST, ACK, RELEASE = 1, 2, 3, 5, 7


@dataclass(frozen=True)
class Server:
    """Where a mode's DHCP server runs and what it should hand out."""

    build: object
    machine: str        # the server's machine
    dev: str            # the device the server listens on (captured)
    lease_file: str
    pool: tuple[str, str]
    router: str | None  # option 3, or None: no default route for the guests
    dns: str            # option 6 (dnsmasq hands out its own address)
    lease_time: int     # option 51, seconds


SERVERS = {
    # libvirt's default network: dnsmasq on virbr0, 192.168.122.2-254, 1 h leases
    "nat": Server(scenarios.nat, "host", "virbr0", "/var/lib/libvirt/dnsmasq/default.leases",
                  ("192.168.122.2", "192.168.122.254"), "192.168.122.1", "192.168.122.1", 3600),
    # the LAN's home router: gw's dnsmasq on its LAN port, .100-.199, 12 h leases
    "bridged": Server(scenarios.bridged, "gw", "eth0", "/var/lib/misc/dnsmasq.leases",
                      ("192.168.1.100", "192.168.1.199"), "192.168.1.1", "192.168.1.1", 43200),
    # VirtualBox's host-only DHCP: .101-.254, and no gateway (dnsmasq --dhcp-option=3)
    "host_only": Server(scenarios.host_only, "host", "vboxnet0", "/var/lib/misc/dnsmasq.leases",
                        ("192.168.56.101", "192.168.56.254"), None, "192.168.56.1", 3600),
}


@dataclass(frozen=True)
class Message:
    time: float
    kind: int
    xid: int
    chaddr: str
    yiaddr: str
    options: dict[int, bytes]


def dhcp_messages(path: Path) -> list[Message]:
    """Every DHCP message in a pcap, decoded by dpkt."""
    out = []
    with path.open("rb") as f:
        for ts, buf in dpkt.pcap.Reader(f):
            ip = dpkt.ethernet.Ethernet(buf).data
            if not (isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.udp.UDP)
                    and {ip.data.sport, ip.data.dport} == {67, 68}):
                continue
            msg = dpkt.dhcp.DHCP(ip.data.data)
            options = {code: bytes(value) for code, value in msg.opts}
            out.append(Message(ts, options[dpkt.dhcp.DHCP_OPT_MSGTYPE][0], msg.xid,
                               msg.chaddr[:6].hex(":"),
                               socket.inet_ntoa(msg.yiaddr.to_bytes(4, "big")), options))
    return out


@dataclass
class Renewal:
    lab: Lab
    server: Server
    messages: list[Message]
    addr: str
    route: str
    resolv: str
    leases: str


@pytest.fixture(scope="module", params=list(SERVERS))
def renewal(request, tmp_path_factory) -> Renewal:
    server = SERVERS[request.param]
    lab = server.build(vms=2)
    capture = lab.host(server.machine).capture(server.dev)
    guest = lab.vm("vm1").guest
    assert guest.sh("dhclient -r eth0; dhclient eth0").returncode == 0
    path = capture.save(tmp_path_factory.mktemp("dhcp") / f"{request.param}.pcap")
    return Renewal(lab, server, dhcp_messages(path), guest.sh("ip -4 addr show eth0").stdout,
                   guest.sh("ip route").stdout, guest.sh("cat /etc/resolv.conf").stdout,
                   lab.host(server.machine).sh(f"cat {server.lease_file}").stdout)


def test_exchange_is_release_discover_offer_request_ack(renewal):
    kinds = [m.kind for m in renewal.messages]
    assert kinds == [RELEASE, DISCOVER, OFFER, REQUEST, ACK]
    assert {m.chaddr for m in renewal.messages} == {VM1_MAC}
    exchange = renewal.messages[1:]
    assert len({m.xid for m in exchange}) == 1           # one transaction
    offer, ack = exchange[1], exchange[3]
    assert offer.yiaddr == ack.yiaddr != "0.0.0.0"
    requested = socket.inet_ntoa(exchange[2].options[dpkt.dhcp.DHCP_OPT_REQ_IP])
    assert requested == offer.yiaddr


def handed_out(renewal: Renewal) -> dict:
    ack = renewal.messages[-1]
    opts = ack.options
    return {"address": ack.yiaddr,
            "mask": socket.inet_ntoa(opts[dpkt.dhcp.DHCP_OPT_NETMASK]),
            "router": socket.inet_ntoa(opts[dpkt.dhcp.DHCP_OPT_ROUTER][:4])
            if dpkt.dhcp.DHCP_OPT_ROUTER in opts else None,
            "dns": socket.inet_ntoa(opts[dpkt.dhcp.DHCP_OPT_DNS_SVRS][:4]),
            "lease": int.from_bytes(opts[dpkt.dhcp.DHCP_OPT_LEASE_SEC], "big")}


def test_the_ack_carries_what_this_mode_hands_out(renewal):
    given, server = handed_out(renewal), renewal.server
    low, high = (ipaddress.ip_address(a) for a in server.pool)
    assert low <= ipaddress.ip_address(given["address"]) <= high
    assert given["mask"] == "255.255.255.0"
    assert given["router"] == server.router
    assert given["dns"] == server.dns
    assert given["lease"] == server.lease_time


def test_guest_configured_itself_from_the_ack(renewal):
    given = handed_out(renewal)
    net = ipaddress.ip_network(f"{given['address']}/{given['mask']}", strict=False)
    shown = re.search(rf"^\s+inet {re.escape(given['address'])}/{net.prefixlen} "
                      rf"brd {net.broadcast_address} scope global dynamic eth0\n"
                      r"\s+valid_lft (\d+)sec preferred_lft \1sec$", renewal.addr, re.M)
    assert shown and given["lease"] - 5 <= int(shown[1]) <= given["lease"]  # dhclient-script
    routes = [line.strip() for line in renewal.route.splitlines()]
    assert f"{net} dev eth0 proto kernel scope link src {given['address']}" in routes
    defaults = [r for r in routes if r.startswith("default")]
    if given["router"] is None:
        assert defaults == []        # host-only: no gateway was handed out, none is set
    else:
        assert defaults == [f"default via {given['router']} dev eth0"]
    assert [line for line in renewal.resolv.splitlines() if line.startswith("nameserver")] == [
        f"nameserver {given['dns']}"]


def test_lease_file_lists_both_vms(renewal):
    rows = [line.split() for line in renewal.leases.splitlines()]
    by_mac = {row[1]: row for row in rows}
    assert set(by_mac) == {VM1_MAC, VM2_MAC}
    expiry, _, address, hostname, _ = by_mac[VM1_MAC]
    ack = renewal.messages[-1]
    assert address == ack.yiaddr and hostname == "vm1"
    # dnsmasq writes expiry = now + lease time; pcap times are the same clock
    assert int(expiry) == int(ack.time) + renewal.server.lease_time
    assert by_mac[VM2_MAC][2] != address


def test_user_mode_guests_get_slirps_fixed_addresses():
    lab = scenarios.nat_user(vms=2)
    for name in ("vm1", "vm2"):
        guest = lab.vm(name).guest
        assert "    inet 10.0.2.15/24 " in guest.sh("ip -4 addr show eth0").stdout
        routes = [line.strip() for line in guest.sh("ip route").stdout.splitlines()]
        assert routes[0] == "default via 10.0.2.2 dev eth0"
        assert "nameserver 10.0.2.3" in guest.sh("cat /etc/resolv.conf").stdout.splitlines()
