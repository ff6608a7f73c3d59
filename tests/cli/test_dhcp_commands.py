"""dnsmasq, dhclient and udhcpc typed in two hosts joined by a cable, checked from outside:
the capture decoded by dpkt, the client's ip addr / ip route / resolv.conf, the lease file."""

from pathlib import Path

import dpkt
import pytest

import netsim
from netsim.packets.addr import ip_aton, mac_aton
from netsim.services import dnsmasq as dnsmasq_service

DATA = Path(__file__).parent.parent / "data" / "dhcp"
DNSMASQ = ("dnsmasq --conf-file= --except-interface=lo --bind-interfaces --interface=virbr0 "
           "--listen-address=192.168.122.1 "
           "--dhcp-range=192.168.122.2,192.168.122.254,255.255.255.0,3600 --no-resolv")
CLIENT_MAC = "52:54:00:12:34:56"


def two_hosts(server: bool = True):
    lab = netsim.Lab(seed=1)
    gw, vm = lab.host("gw"), lab.host("vm")
    lab.link("gw:virbr0", "vm:eth0")
    assert gw.sh("ip addr add 192.168.122.1/24 dev virbr0 && ip link set virbr0 up")
    assert vm.sh(f"ip link set eth0 address {CLIENT_MAC}")
    if server:
        assert gw.sh(DNSMASQ).returncode == 0
    return lab, gw, vm


def dhcp_messages(path: Path) -> list[tuple[int, dpkt.dhcp.DHCP, dpkt.ip.IP]]:
    """(message type, DHCP, IP) of every DHCP frame of a pcap, decoded by dpkt alone."""
    out = []
    with path.open("rb") as f:
        for _ts, buf in dpkt.pcap.Reader(f):
            eth = dpkt.ethernet.Ethernet(buf)
            ip = eth.data
            if not isinstance(ip, dpkt.ip.IP) or not isinstance(ip.data, dpkt.udp.UDP):
                continue
            if ip.data.dport not in (67, 68):
                continue
            msg = dpkt.dhcp.DHCP(ip.data.data)
            out.append((dict(msg.opts)[dpkt.dhcp.DHCP_OPT_MSGTYPE][0], msg, ip))
    return out


def test_dhclient_exchange_decodes_with_dpkt(tmp_path):
    lab, gw, vm = two_hosts()
    cap = gw.capture("virbr0")
    result = vm.sh("dhclient -v eth0")
    assert result.returncode == 0
    path = cap.save(tmp_path / "dhcp.pcap")
    messages = dhcp_messages(path)
    kinds = [kind for kind, _, _ in messages]
    # One or two DISCOVERs (dnsmasq pings 3 s before offering), then the rest in order.
    assert kinds[-3:] == [dpkt.dhcp.DHCPOFFER, dpkt.dhcp.DHCPREQUEST, dpkt.dhcp.DHCPACK]
    assert set(kinds[:-3]) | {dpkt.dhcp.DHCPOFFER} == {dpkt.dhcp.DHCPDISCOVER,
                                                        dpkt.dhcp.DHCPOFFER}
    xids = {msg.xid for _, msg, _ in messages}
    assert len(xids) == 1
    _, offer, offer_ip = messages[-3]
    assert offer.yiaddr == int.from_bytes(ip_aton("192.168.122.76"), "big")
    assert offer.chaddr[:6] == mac_aton(CLIENT_MAC)
    assert offer_ip.dst == ip_aton("192.168.122.76")  # unicast, as dnsmasq sends it
    _, req, req_ip = messages[-2]
    opts = dict(req.opts)
    assert opts[dpkt.dhcp.DHCP_OPT_REQ_IP] == ip_aton("192.168.122.76")
    assert opts[dpkt.dhcp.DHCP_OPT_SERVER_ID] == ip_aton("192.168.122.1")
    assert (req_ip.src, req_ip.dst, req_ip.ttl, req_ip.tos) == (bytes(4), b"\xff" * 4, 128, 0x10)
    _, ack, _ = messages[-1]
    ack_opts = dict(ack.opts)
    assert ack_opts[dpkt.dhcp.DHCP_OPT_ROUTER] == ip_aton("192.168.122.1")
    assert ack_opts[dpkt.dhcp.DHCP_OPT_DNS_SVRS] == ip_aton("192.168.122.1")
    assert ack_opts[dpkt.dhcp.DHCP_OPT_LEASE_SEC] == (3600).to_bytes(4, "big")
    assert "DHCPACK of 192.168.122.76 from 192.168.122.1" in result.stderr


def test_dhclient_configures_address_route_and_dns():
    lab, gw, vm = two_hosts()
    result = vm.sh("dhclient -v eth0")
    lines = result.stderr.splitlines()
    assert lines[0] == "Internet Systems Consortium DHCP Client 4.4.3-P1"
    assert f"Listening on LPF/eth0/{CLIENT_MAC}" in lines
    assert lines[-1].startswith("bound to 192.168.122.76 -- renewal in ")
    # as on a real machine (tests/data/ip_lifetimes/dhcp_guest.txt): the lease as lifetimes
    assert vm.sh("ip addr show eth0").stdout.splitlines()[2:] == [
        "    inet 192.168.122.76/24 brd 192.168.122.255 scope global dynamic eth0",
        "       valid_lft 3600sec preferred_lft 3600sec"]
    assert "default via 192.168.122.1 dev eth0" in vm.sh("ip route").stdout
    assert vm.sh("cat /etc/resolv.conf").stdout == "nameserver 192.168.122.1\n"
    assert "dhclient -v eth0" in vm.sh("ps -ef").stdout
    assert vm.sh("ping -c 1 192.168.122.1").returncode == 0


def test_lease_file_log_and_table():
    lab, gw, vm = two_hosts()
    vm.sh("dhclient eth0")
    lease_line = gw.sh("cat /var/lib/misc/dnsmasq.leases").stdout
    expiry, mac, ip, name, client_id = lease_line.split()
    assert (mac, ip, name, client_id) == (CLIENT_MAC, "192.168.122.76", "vm", "*")
    assert int(expiry) > 1_700_000_000
    log = gw.sh("cat /var/log/syslog").stdout
    assert f"DHCPDISCOVER(virbr0) {CLIENT_MAC} \n" in log
    assert f"DHCPACK(virbr0) 192.168.122.76 {CLIENT_MAC} vm\n" in log
    (server,) = dnsmasq_service.running(gw)
    assert [(lease.ip, lease.hostname) for lease in server.leases()] == [
        (ip_aton("192.168.122.76"), "vm")]
    assert "192.168.122.76" in server.table()
    assert "nobody" in gw.sh("ps aux").stdout.split("dnsmasq")[0].splitlines()[-1]


def test_renewal_keeps_the_lease_and_release_ends_it():
    lab, gw, vm = two_hosts()
    vm.sh("dhclient eth0")
    lab.run(3 * 3600)
    assert "192.168.122.76" in vm.sh("ip -4 addr show eth0").stdout
    renewals = gw.sh("grep -c DHCPREQUEST /var/log/syslog").stdout.strip()
    assert int(renewals) >= 5  # the first one, then about every 1350-1800 s
    assert "DHCPACK of 192.168.122.76" in vm.sh("cat /var/log/syslog").stdout
    result = vm.sh("dhclient -v -r eth0")
    assert "DHCPRELEASE of 192.168.122.76 on eth0 to 192.168.122.1 port 67" in result.stderr
    assert "inet " not in vm.sh("ip -4 addr show eth0").stdout
    assert vm.sh("ip route").stdout == ""
    assert gw.sh("cat /var/lib/misc/dnsmasq.leases").stdout == ""
    assert "dhclient" not in vm.sh("ps -e").stdout


def test_killed_client_lets_the_lease_expire():
    lab, gw, vm = two_hosts(server=False)
    gw.sh(DNSMASQ.replace(",3600", ",2m"))
    vm.sh("dhclient eth0")
    (pid,) = [p.pid for p in vm.processes.running() if p.comm == "dhclient"]
    assert vm.sh(f"kill {pid}").returncode == 0
    lab.run(60)
    assert gw.sh("cat /var/lib/misc/dnsmasq.leases").stdout != ""
    lab.run(61)
    assert gw.sh("cat /var/lib/misc/dnsmasq.leases").stdout == ""
    assert any(r.action == "lease" and "expired" in r.reason for r in lab.trace.records)


def test_udhcpc_with_default_script():
    lab, gw, vm = two_hosts()
    result = vm.sh("udhcpc -i eth0 -q")
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert lines[0] == "udhcpc: started, v1.35.0"
    assert "udhcpc: broadcasting select for 192.168.122.76, server 192.168.122.1" in lines
    assert lines[-1] == ("udhcpc: lease of 192.168.122.76 obtained from 192.168.122.1, "
                         "lease time 3600")
    assert "inet 192.168.122.76/24 brd 192.168.122.255" in vm.sh("ip addr show eth0").stdout
    assert "default via 192.168.122.1 dev eth0" in vm.sh("ip route").stdout
    # Debian's default.script: `echo "$R"` with no domain starts with a blank line.
    assert vm.sh("cat /etc/resolv.conf").stdout == "\nnameserver 192.168.122.1\n"
    assert gw.sh("cat /var/lib/misc/dnsmasq.leases").stdout.split()[3:] == [
        "*", "01:52:54:00:12:34:56"]
    assert "udhcpc" not in vm.sh("ps -e").stdout  # -q: exit once bound


def test_no_server_dhclient_gives_up_after_60_s():
    lab, gw, vm = two_hosts(server=False)
    start = lab.now
    result = vm.sh("dhclient -v -1 eth0")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[-2:] == ["No DHCPOFFERS received.",
                          "Unable to obtain a lease on first try.  Exiting."]
    intervals = [int(line.rsplit(" ", 1)[1]) for line in lines if line.startswith("DHCPDISC")]
    assert 3 <= intervals[0] <= 8 and all(i <= 22 for i in intervals)
    assert 60 < lab.now - start <= 62
    assert vm.sh("dhclient -1 eth0").stderr == ""  # quiet without -v


def test_no_server_udhcpc_n_fails_after_three_discovers():
    lab, gw, vm = two_hosts(server=False)
    start = lab.now
    result = vm.sh("udhcpc -i eth0 -n")
    assert (result.returncode, result.stderr) == (1, "udhcpc: started, v1.35.0\n"
                                                  + "udhcpc: broadcasting discover\n" * 3
                                                  + "udhcpc: no lease, failing\n")
    assert lab.now - start == pytest.approx(9, abs=0.1)


def test_pool_exhaustion_no_offer_for_second_client():
    lab = netsim.Lab(seed=2)
    gw = lab.host("gw")
    gw.sh("ip link add virbr0 type bridge && ip addr add 192.168.122.1/24 dev virbr0 "
          "&& ip link set virbr0 up")
    clients = []
    for i in (1, 2):
        lab.host(f"c{i}")
        lab.link(f"gw:p{i}", f"c{i}:eth0")
        gw.sh(f"ip link set p{i} master virbr0 && ip link set p{i} up")
        clients.append(lab.host(f"c{i}"))
    gw.sh(DNSMASQ.replace("192.168.122.2,192.168.122.254", "192.168.122.50,192.168.122.50"))
    lab.run(1)
    assert clients[0].sh("udhcpc -i eth0 -q").returncode == 0
    result = clients[1].sh("udhcpc -i eth0 -n -q")
    assert result.returncode == 1 and "no lease, failing" in result.stderr
    assert "no address available" in gw.sh("cat /var/log/syslog").stdout


@pytest.mark.parametrize("command, status, text", [
    ("dnsmasq --dhcp-range=foo", 1, "\ndnsmasq: bad command line options: bad dhcp-range\n"),
    ("dnsmasq --bogus", 1, "\ndnsmasq: bad command line options: try --help\n"),
    ("dnsmasq --dhcp-option=3,notanip", 1, "\ndnsmasq: bad command line options: bad IP "
                                          "address\n"),
    ("dnsmasq --dhcp-option=option:nosuch,1.2.3.4", 1,
     "\ndnsmasq: bad command line options: bad dhcp-option\n"),
    ("dnsmasq x", 1, "\ndnsmasq: junk found in command line\n"),
    # (without --bind-interfaces the real one starts anyway, on the wildcard address)
    ("dnsmasq --interface=eth9 --bind-interfaces --dhcp-range=10.0.0.2,10.0.0.9", 2,
     "\ndnsmasq: unknown interface eth9\n"),
    ("udhcpc -t x", 1, "udhcpc: invalid number 'x'\n"),
    ("udhcpc -i eth9", 1, "udhcpc: SIOCGIFINDEX: No such device\n"),
    ("dhclient eth9", 1, 'Cannot find device "eth9"\n'),
])
def test_bad_options_give_real_texts_and_change_nothing(command, status, text):
    lab, gw, vm = two_hosts(server=False)
    host = gw if command.startswith("dnsmasq") else vm

    def state() -> tuple:
        return ([p.args for p in host.processes.running()], host.sh("ip addr; ip route").stdout,
                host.fs.exists("/var/lib/misc/dnsmasq.leases"))

    before = state()
    result = host.sh(command)
    assert (result.returncode, result.stderr) == (status, text)
    assert state() == before


def test_bad_long_options_print_usage():
    lab, gw, vm = two_hosts(server=False)
    result = vm.sh("udhcpc --bogus")
    assert result.returncode == 1
    assert result.stderr.startswith("udhcpc: unrecognized option '--bogus'\nBusyBox v1.35.0")
    result = vm.sh("dhclient --bogus eth0")
    assert result.returncode == 1
    assert "Unknown command: --bogus\nUsage: dhclient" in result.stderr
    assert result.stderr.endswith("exiting.\n")


def _first_frame(path: Path) -> bytes:
    with path.open("rb") as f:
        return next(iter(dpkt.pcap.Reader(f)))[1]


def _masked(frame: bytes) -> bytes:
    """xid (random per run) and the UDP checksum that covers it are masked."""
    data = bytearray(frame)
    data[40:42] = b"\0\0"      # UDP checksum
    data[46:50] = b"\0" * 4    # xid
    return bytes(data)


@pytest.mark.parametrize("command, recording", [
    ("dhclient -1 eth0", "dhclient_dnsmasq.pcap"),
    ("udhcpc -i eth0 -n -q -s /bin/true", "udhcpc_dnsmasq.pcap"),
])
def test_discover_bytes_match_the_real_clients(command, recording):
    lab, gw, vm = two_hosts()
    vm.sh("ip link set eth0 up")  # as in the recording (-s /bin/true leaves it alone)
    cap = vm.capture("eth0")
    vm.sh(command)
    ours = next(f.data for f in cap.frames if f.pkttype == "outgoing"
                and f.data[12:14] == b"\x08\x00")
    assert _masked(ours) == _masked(_first_frame(DATA / recording))


def test_a_second_libvirt_dnsmasq_fails_on_its_dns_socket_and_the_first_serves_on():
    """Recorded with dnsmasq 2.90: with DNS on (no --port=0) the listening socket on
    virbr0's address is bound first, so that is what a second copy trips over."""
    from netsim import scenarios

    host = scenarios.nat(vms=0).host("host")
    line = next(p.args for p in host.processes.running() if p.args.startswith("dnsmasq "))
    again = host.sh(line)
    assert (again.returncode, again.stdout, again.stderr) == (
        2, "", "\ndnsmasq: failed to create listening socket for 192.168.122.1: "
               "Address already in use\n")
    assert [p.args for p in host.processes.running()].count(line) == 1
