"""-netdev user: libslirp in the qemu process turns the guest's packets into host sockets."""

from __future__ import annotations

import pytest
from lab_builders import ok

import netsim
from netsim.packets import dhcp, ethernet, icmp, udp
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import ip_aton, mac_aton

GUEST_MAC = "52:54:00:12:34:56"
SLIRP_MAC = mac_aton("52:55:0a:00:02:02")
QEMU_USER = ("qemu-system-x86_64 -name {name} -daemonize -display none -nodefaults "
             "-netdev user,id=n{opts} -device e1000,netdev=n")


def world(seed: int = 0):
    """host (198.51.100.1) wired to web (198.51.100.10), which echoes UDP on port 7."""
    lab = netsim.Lab(seed=seed)
    host, web = lab.host("host"), lab.host("web")
    lab.link("host:eth0", "web:eth0")
    ok(host, "ip link set lo up && ip addr add 198.51.100.1/24 dev eth0 && ip link set eth0 up")
    ok(web, "ip addr add 198.51.100.10/24 dev eth0 && ip link set eth0 up")
    echo = web.udp_socket(7)
    seen: list[tuple[bytes, tuple[str, int]]] = []

    def answer(data: bytes, addr: tuple[str, int]) -> None:
        seen.append((data, addr))
        echo.sendto(data, addr)

    echo.on_receive = answer
    return lab, host, web, seen


def user_vm(lab, host, name: str = "vm1", opts: str = "", configure: bool = True):
    ok(host, QEMU_USER.format(name=name, opts=opts))
    vm = lab.vm(name)
    if configure:
        ok(vm.guest, "ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up "
                     "&& ip route add default via 10.0.2.2")
    return vm


def frames_on(capture) -> list[bytes]:
    return [f.data for f in capture.frames]


def test_the_guest_pings_the_world_and_the_world_sees_the_host():
    lab, host, web, _seen = world()
    vm = user_vm(lab, host)
    cap = web.capture("eth0")
    out = ok(vm.guest, "ping -c 2 198.51.100.10")
    assert "2 received" in out
    assert "ttl=255" in out  # slirp reflects the reply with MAXTTL, whatever the distance
    requests = [ip_pkt.parse(f[14:]) for f in frames_on(cap)
                if f[12:14] == b"\x08\x00" and f[34] == icmp.ECHO_REQUEST]
    assert [ip.src for ip in requests] == [ip_aton("198.51.100.1")] * 2
    assert not lab.trace.filter(host="host", dev="tap0")  # no tap, no bridge


def test_the_guests_arp_for_the_gateway_is_answered_with_52_55_and_the_address():
    lab, host, _web, _seen = world()
    vm = user_vm(lab, host)
    cap = vm.guest.capture("eth0")
    ok(vm.guest, "ping -c 1 10.0.2.2")
    arp_replies = [f for f in frames_on(cap) if f[12:14] == b"\x08\x06" and f[21] == 2]
    assert arp_replies and arp_replies[0][6:12] == SLIRP_MAC
    assert arp_replies[0][22:28] == SLIRP_MAC  # sender hardware address
    assert len(arp_replies[0]) == 64           # slirp's zero-padded reply buffer
    assert ok(vm.guest, "ip neigh show 10.0.2.2").startswith(
        "10.0.2.2 dev eth0 lladdr 52:55:0a:00:02:02")
    assert not lab.trace.filter(host="host", dev="eth0", layer="ip")  # answered by slirp
    assert "1 received" in ok(vm.guest, "ping -c 1 10.0.2.3")


def test_guest_udp_leaves_from_a_host_socket_with_an_ephemeral_port():
    lab, host, _web, seen = world()
    vm = user_vm(lab, host)
    guest = vm.guest.udp_socket(5000)
    guest.sendto(b"hello", ("198.51.100.10", 7))
    back = guest.recv(0.1)
    assert back == [(b"hello", ("198.51.100.10", 7))]   # the reply comes from X:p
    (data, (src, sport)), = seen
    assert src == "198.51.100.1"                          # the outside sees the host
    assert 32768 <= sport <= 60999 and sport != 5000      # a port the host's kernel chose
    # the same guest port keeps the same host socket
    guest.sendto(b"again", ("198.51.100.10", 7))
    guest.recv(0.1)
    assert seen[1][1] == ("198.51.100.1", sport)
    funcs = [r.func for r in lab.trace.filter(layer="slirp")]
    for step in ("slirp_input", "udp_input", "sosendto", "sorecvfrom", "udp_output",
                 "if_encap"):
        assert step in funcs


def test_the_outside_sees_the_guests_ttl_minus_one():
    lab, host, web, _seen = world()
    vm = user_vm(lab, host)
    cap = web.capture("eth0")
    vm.guest.udp_socket(5000).sendto(b"x", ("198.51.100.10", 7))
    lab.run(0.1)
    udp_in = [f for f in frames_on(cap) if f[23] == 17 and f[26:30] == ip_aton("198.51.100.1")]
    assert udp_in[0][22] == 63   # setsockopt(IP_TTL, guest's 64 - 1)


def test_udp_to_10_0_2_2_reaches_the_hosts_loopback_and_answers_come_from_10_0_2_2():
    lab, host, _web, _seen = world()
    vm = user_vm(lab, host)
    server = host.udp_socket(9000)
    got: list[tuple[bytes, tuple[str, int]]] = []
    server.on_receive = lambda data, addr: (got.append((data, addr)),
                                            server.sendto(b"pong", addr))
    guest = vm.guest.udp_socket(5001)
    guest.sendto(b"ping", ("10.0.2.2", 9000))
    assert guest.recv(0.1) == [(b"pong", ("10.0.2.2", 9000))]
    assert got[0][1][0] == "127.0.0.1"
    assert lab.trace.filter(host="host", dev="lo")


def test_dns_to_10_0_2_3_goes_to_the_hosts_resolver_and_comes_back_from_10_0_2_3():
    lab, host, web, _seen = world()
    ok(host, "echo 'nameserver 198.51.100.10' > /etc/resolv.conf")
    resolver = web.udp_socket(53)
    resolver.on_receive = lambda data, addr: resolver.sendto(b"answer:" + data, addr)
    vm = user_vm(lab, host)
    guest = vm.guest.udp_socket(5353)
    guest.sendto(b"query", ("10.0.2.3", 53))
    assert guest.recv(0.1) == [(b"answer:query", ("10.0.2.3", 53))]


def test_udp_to_10_0_2_3_on_another_port_is_refused_with_net_unreachable():
    lab, host, _web, _seen = world()
    vm = user_vm(lab, host)
    cap = vm.guest.capture("eth0")
    vm.guest.udp_socket(5000).sendto(b"q", ("10.0.2.3", 54))
    lab.run(0.1)
    errors = [ip_pkt.parse(f[14:]) for f in frames_on(cap) if f[23] == 1]
    assert errors and errors[0].src == ip_aton("10.0.2.2")
    assert errors[0].payload[:2] == bytes((icmp.DEST_UNREACH, icmp.NET_UNREACH))


@pytest.mark.parametrize("group_range", ["0 2147483647", "0 0"])
def test_with_ping_sockets_allowed_the_kernel_picks_the_id_and_slirp_restores_the_guests(
        group_range):
    lab, host, web, _seen = world()
    ok(host, f"sysctl -w net.ipv4.ping_group_range='{group_range}'")
    vm = user_vm(lab, host)
    wire = web.capture("eth0")
    guest = vm.guest.capture("eth0")
    assert "2 received" in ok(vm.guest, "ping -c 2 198.51.100.10")
    outside = [icmp.parse(f[34:]) for f in frames_on(wire)
               if f[23] == 1 and f[34] == icmp.ECHO_REQUEST]
    inside = [icmp.parse(f[34:]) for f in frames_on(guest)
              if f[23] == 1 and f[34] == icmp.ECHO_REQUEST]
    replies = [icmp.parse(f[34:]) for f in frames_on(guest)
               if f[23] == 1 and f[34] == icmp.ECHO_REPLY]
    assert [m.ident for m in outside] == [1, 2]   # ping_get_port: one new socket per echo
    assert {m.ident for m in inside} == {m.ident for m in replies} != {1, 2}
    assert [m.seq for m in outside] == [1, 2]
    assert any(r.func == "icmp_send" and "SOCK_DGRAM" in r.reason for r in lab.trace)


def test_without_ping_sockets_root_qemu_falls_back_to_a_raw_socket():
    lab, host, web, _seen = world()
    assert ok(host, "sysctl net.ipv4.ping_group_range") == "net.ipv4.ping_group_range = 1\t0\n"
    vm = user_vm(lab, host)
    wire = web.capture("eth0")
    assert "1 received" in ok(vm.guest, "ping -c 1 198.51.100.10")
    inside_id = next(r for r in lab.trace if r.func == "ping_v4_sendmsg"
                     and r.host == "vm1").summary.split("id ")[1].split(",")[0]
    outside = [icmp.parse(f[34:]) for f in frames_on(wire) if f[23] == 1
               and f[34] == icmp.ECHO_REQUEST]
    assert [str(m.ident) for m in outside] == [inside_id]   # raw: the guest's own id
    assert any(r.func == "raw_sendmsg" for r in lab.trace)


def test_without_any_icmp_socket_slirp_sends_its_pseudo_ping_to_udp_port_7():
    lab, host, web, seen = world()
    vm = user_vm(lab, host)
    vm.process.user = "nobody"  # as after QEMU's -runas nobody: no CAP_NET_RAW
    out = ok(vm.guest, "ping -c 1 198.51.100.10")
    assert "1 received" in out
    assert seen[0][0] == (b"This is a pseudo-PING packet used by Slirp to emulate ICMP "
                          b"ECHO-REQUEST packets.\n")
    assert seen[0][1][0] == "198.51.100.1"
    # no echo server: no answer, the guest's ping goes unanswered
    web.ns.ipv4.udp_sockets.pop(7).close()
    assert "0 received" in vm.guest.sh("ping -c 1 -W 1 198.51.100.10").stdout


def test_two_user_mode_vms_each_have_10_0_2_15_and_cannot_reach_each_other():
    lab, host, _web, _seen = world()
    vm1 = user_vm(lab, host, "vm1")
    vm2 = user_vm(lab, host, "vm2")
    ok(vm2.guest, "true")
    assert "1 received" in ok(vm1.guest, "ping -c 1 198.51.100.10")
    assert "1 received" in ok(vm2.guest, "ping -c 1 198.51.100.10")
    # vm2's own address, seen from vm1, is vm1's own address: slirp has no other guest
    cap = vm2.guest.capture("eth0")
    vm1.guest.udp_socket(4000).sendto(b"hi", ("10.0.2.16", 4000))
    lab.run(1.5)
    assert not [f for f in frames_on(cap) if f[23:24] == b"\x11"]


# ----------------------------------------------------------------- DHCP, built frames
def dhcp_frame(mac: bytes, kind: int, xid: int, requested: bytes | None = None) -> bytes:
    options = [(dhcp.OPT_REQUESTED_IP, requested)] if requested else []
    payload = dhcp.build(dhcp.BOOTREQUEST, xid, mac, kind, options=options)
    packet = ip_pkt.build(bytes(4), b"\xff" * 4, ip_pkt.IPPROTO_UDP,
                          udp.build(bytes(4), b"\xff" * 4, 68, 67, payload), df=False)
    return ethernet.build(b"\xff" * 6, mac, ethernet.ETH_P_IP, packet)


def dhcp_exchange(vm, mac: str, kind: int, xid: int, requested: bytes | None = None):
    """Send one DHCP frame out of the guest's eth0; the replies, decoded by dpkt."""
    import dpkt

    from netsim.stack.skb import Skb

    nic = vm.nics[0]
    ok(vm.guest, "ip link set eth0 up")
    cap = vm.guest.capture("eth0")
    lab = vm.host.lab
    nic.queue_xmit(Skb(dhcp_frame(mac_aton(mac), kind, xid, requested), lab.new_frame_id(),
                       nic))
    lab.run(0.1)
    cap.stop()
    out = []
    for f in frames_on(cap):
        eth = dpkt.ethernet.Ethernet(f)
        if isinstance(eth.data, dpkt.ip.IP) and isinstance(eth.data.data, dpkt.udp.UDP) \
                and eth.data.data.sport == 67:
            out.append((eth, dpkt.dhcp.DHCP(eth.data.data.data)))
    return out


def test_slirps_dhcp_offers_10_0_2_15_with_router_dns_and_a_day_long_lease():
    import dpkt

    lab, host, _web, _seen = world()
    vm = user_vm(lab, host, configure=False)
    (eth, offer), = dhcp_exchange(vm, GUEST_MAC, dhcp.DISCOVER, 0x1234)
    opts = dict(offer.opts)
    assert eth.src == SLIRP_MAC and eth.dst == b"\xff" * 6
    assert eth.data.src == ip_aton("10.0.2.2") and eth.data.dst == b"\xff" * 4
    assert offer.op == dpkt.dhcp.DHCP_OP_REPLY and offer.xid == 0x1234
    assert offer.yiaddr == int.from_bytes(ip_aton("10.0.2.15"), "big")
    assert opts[dpkt.dhcp.DHCP_OPT_MSGTYPE] == bytes((dpkt.dhcp.DHCPOFFER,))
    assert opts[dpkt.dhcp.DHCP_OPT_ROUTER] == ip_aton("10.0.2.2")
    assert opts[dpkt.dhcp.DHCP_OPT_DNS_SVRS] == ip_aton("10.0.2.3")
    assert opts[dpkt.dhcp.DHCP_OPT_NETMASK] == ip_aton("255.255.255.0")
    assert opts[dpkt.dhcp.DHCP_OPT_LEASE_SEC] == (86400).to_bytes(4, "big")
    assert [code for code, _v in offer.opts] == [53, 54, 1, 3, 6, 51]  # bootp.c's order
    assert len(eth.data.data.data) == 548
    (_eth, ack), = dhcp_exchange(vm, GUEST_MAC, dhcp.REQUEST, 0x1235, ip_aton("10.0.2.15"))
    assert dict(ack.opts)[dpkt.dhcp.DHCP_OPT_MSGTYPE] == bytes((dpkt.dhcp.DHCPACK,))


def test_a_second_mac_gets_the_next_lease_and_a_taken_address_is_naked():
    import dpkt

    lab, host, _web, _seen = world()
    vm = user_vm(lab, host, configure=False)
    dhcp_exchange(vm, GUEST_MAC, dhcp.REQUEST, 1, ip_aton("10.0.2.15"))
    (_e, offer), = dhcp_exchange(vm, "52:54:00:00:00:99", dhcp.DISCOVER, 2)
    assert offer.yiaddr == int.from_bytes(ip_aton("10.0.2.16"), "big")
    (_e, nak), = dhcp_exchange(vm, "52:54:00:00:00:99", dhcp.REQUEST, 3, ip_aton("10.0.2.15"))
    opts = dict(nak.opts)
    assert opts[dpkt.dhcp.DHCP_OPT_MSGTYPE] == bytes((dpkt.dhcp.DHCPNAK,))
    assert opts[dpkt.dhcp.DHCP_OPT_MESSAGE] == b"requested address not available"


def test_dhcpstart_and_net_move_the_lease_and_the_gateway():
    import dpkt

    lab, host, _web, _seen = world()
    vm = user_vm(lab, host, opts=",net=192.168.76.0/24,dhcpstart=192.168.76.9,"
                 "dns=192.168.76.20", configure=False)
    (eth, offer), = dhcp_exchange(vm, GUEST_MAC, dhcp.DISCOVER, 7)
    opts = dict(offer.opts)
    assert offer.yiaddr == int.from_bytes(ip_aton("192.168.76.9"), "big")
    assert opts[dpkt.dhcp.DHCP_OPT_ROUTER] == ip_aton("192.168.76.2")
    assert opts[dpkt.dhcp.DHCP_OPT_DNS_SVRS] == ip_aton("192.168.76.20")
    assert eth.src == mac_aton("52:55:c0:a8:4c:02")


# ----------------------------------------------------------------- hostfwd, other forms
def test_hostfwd_udp_brings_outside_datagrams_to_the_guest_and_answers_back():
    lab, host, web, _seen = world()
    vm = user_vm(lab, host, opts=",hostfwd=udp::5555-:7")
    guest = vm.guest.udp_socket(7)
    guest.on_receive = lambda data, addr: guest.sendto(b"echo:" + data, addr)
    cap = vm.guest.capture("eth0")
    client = web.udp_socket(4444)
    client.sendto(b"knock", ("198.51.100.1", 5555))
    assert client.recv(0.1) == [(b"echo:knock", ("198.51.100.1", 5555))]
    # the guest had said nothing yet: slirp first asked for its MAC, from 10.0.2.2
    first = frames_on(cap)[0]
    assert first[12:14] == b"\x08\x06" and first[6:12] == SLIRP_MAC
    assert first[38:42] == ip_aton("10.0.2.15") and first[28:32] == ip_aton("10.0.2.2")
    # the guest saw the outside's own address (slirp does not hide it inbound)
    arrived = [r for r in lab.trace.filter(host="vm1", layer="udp")]
    assert "UDP port 7" in arrived[0].reason
    assert "198.51.100.10.4444 > 10.0.2.15.7" in arrived[0].summary


def test_hostfwd_from_the_hosts_loopback_shows_up_as_10_0_2_2():
    lab, host, _web, _seen = world()
    vm = user_vm(lab, host, opts=",hostfwd=udp:127.0.0.1:5555-10.0.2.15:7")
    senders: list[tuple[str, int]] = []
    guest = vm.guest.udp_socket(7)
    guest.on_receive = lambda data, addr: senders.append(addr)
    host.udp_socket(4000).sendto(b"x", ("127.0.0.1", 5555))
    lab.run(0.1)
    assert senders == [("10.0.2.2", 4000)]


@pytest.mark.parametrize("opts, message", [
    (",hostfwd=bad", "Invalid host forwarding rule 'bad' (No : separators)"),
    (",hostfwd=udp::5555-10.0.2.15:7,hostfwd=udp::5555-10.0.2.15:8",
     "Could not set up host forwarding rule 'udp::5555-10.0.2.15:7'"),
    (",hostfwd=udp:10.9.9.9:5555-:7", "Could not set up host forwarding rule "
     "'udp:10.9.9.9:5555-:7'"),
    (",hostfwd=tcp::2222-:22,hostfwd=tcp::2222-:23",
     "Could not set up host forwarding rule 'tcp::2222-:22'"),
    (",dns=10.0.2.2", "DNS must be different from host"),
    (",dhcpstart=10.0.2.3", "DHCP must be different from host and DNS"),
    (",dhcpstart=10.0.3.15", "DHCP doesn't belong to network"),
    (",host=bad", "Failed to parse host"),
    (",restrict=on,dns=10.0.3.3", "DNS doesn't belong to network"),
])
def test_refused_user_netdevs_print_qemus_words_and_hold_nothing(opts, message):
    """Texts as QEMU 7.2.22 printed them on this machine (see the report of issue 5)."""
    lab, host, _web, _seen = world()
    line = QEMU_USER.format(name="vm1", opts=opts)
    result = host.sh(line)
    netdev = line.split("-netdev ")[1].split(" ")[0]
    assert (result.returncode, result.stderr) == (
        1, f"qemu-system-x86_64: -netdev {netdev}: {message}\n")
    assert lab.vms == {}
    assert host.ns.ipv4.udp_sockets == {}     # sockets bound before the failure are closed


def test_a_busy_udp_port_refuses_the_hostfwd_and_a_stopped_vm_frees_it():
    lab, host, _web, _seen = world()
    blocker = host.udp_socket(5555)
    line = QEMU_USER.format(name="vm1", opts=",hostfwd=udp::5555-:7")
    assert host.sh(line).returncode == 1
    blocker.close()
    ok(host, line)
    assert 5555 in host.ns.ipv4.udp_sockets
    ok(host, f"kill {lab.vm('vm1').pid}")
    assert 5555 not in host.ns.ipv4.udp_sockets


@pytest.mark.parametrize("network", ["", "-nic user,model=virtio", "-net nic -net user"])
def test_qemus_default_network_and_the_short_forms_are_user_mode_too(network):
    lab, host, _web, _seen = world()
    ok(host, f"qemu-system-x86_64 -name vm1 -daemonize -display none {network}")
    vm = lab.vm("vm1")
    ok(vm.guest, "ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up "
                 "&& ip route add default via 10.0.2.2")
    assert "1 received" in ok(vm.guest, "ping -c 1 198.51.100.10")
    assert not [d for d in host.ns.devices if d.startswith("tap")]


def test_the_trace_tells_the_slirp_path_apart_from_the_tap_path():
    lab, host, _web, _seen = world()
    vm = user_vm(lab, host)
    ok(vm.guest, "ping -c 1 198.51.100.10")
    request = next(r.frame_id for r in lab.trace if r.func == "ping_v4_sendmsg"
                   and r.host == "vm1")
    assert lab.trace.path(request) == ["vm1:eth0", "host:slirp"]
    sent = next(r for r in lab.trace if r.func == "icmp_send")
    assert f"(frame #{request})" in sent.reason
    out = lab.trace.path(sent.frame_id)
    assert out[:2] == ["host:slirp", "host:eth0"] and "web:eth0" in out
    steps = [r.func for r in lab.trace.filter(layer="slirp")]
    assert steps[:3] == ["slirp_input", "arp_input", "arp_input"]
    echo = [f for f in steps[3:] if f != "ip_output"]
    assert echo == ["slirp_input", "icmp_input", "icmp_send", "icmp_receive", "if_encap"]


@pytest.mark.parametrize("client", ["dhclient -v eth0", "udhcpc -i eth0"])
def test_a_dhcp_client_in_the_guest_gets_address_route_and_dns_from_slirp(client):
    lab, host, _web, _seen = world()
    vm = user_vm(lab, host, configure=False)
    result = vm.guest.sh(client)
    out = result.stdout + result.stderr   # dhclient -v talks on stderr
    assert result.returncode == 0 and "10.0.2.15" in out and "10.0.2.2" in out
    assert "inet 10.0.2.15/24 " in ok(vm.guest, "ip -4 addr show eth0")
    assert ok(vm.guest, "ip route show default").startswith("default via 10.0.2.2 dev eth0")
    assert "nameserver 10.0.2.3" in ok(vm.guest, "cat /etc/resolv.conf")
    assert [r.func for r in lab.trace.filter(action="lease", layer="slirp")] == [
        "bootp_reply", "bootp_reply"]
    assert "1 received" in ok(vm.guest, "ping -c 1 198.51.100.10")


def test_the_hosts_firewall_applies_to_slirps_sockets():
    lab, host, _web, seen = world()
    vm = user_vm(lab, host)
    ok(host, "iptables -A OUTPUT -d 198.51.100.10 -p udp -j DROP")
    vm.guest.udp_socket(5000).sendto(b"x", ("198.51.100.10", 7))
    lab.run(0.1)
    assert seen == []
    dropped = lab.trace.filter(host="host", action="drop")
    assert any(r.func == "ipt_do_table" and "OUTPUT" in r.reason for r in dropped)


def test_a_tcp_hostfwd_starts_as_qemu_does_silently_and_listens_on_the_host():
    lab, host, _web, _seen = world()
    result = host.sh(QEMU_USER.format(name="vm1", opts=",hostfwd=tcp::2222-:22"))
    assert (result.returncode, result.stderr) == (0, "")
    assert 2222 in host.ns.ipv4.tcp.listeners  # forwarding itself: test_slirp_tcp.py


def test_an_unused_udp_socket_expires_after_240_s_and_a_dns_one_after_10_s():
    lab, host, web, _seen = world()
    ok(host, "echo 'nameserver 198.51.100.10' > /etc/resolv.conf")
    resolver = web.udp_socket(53)
    resolver.on_receive = lambda data, addr: resolver.sendto(data, addr)
    vm = user_vm(lab, host)
    vm.guest.udp_socket(5000).sendto(b"x", ("198.51.100.10", 7))
    vm.guest.udp_socket(5353).sendto(b"q", ("10.0.2.3", 53))
    lab.run(1)
    slirp_ports = set(host.ns.ipv4.udp_sockets)
    assert len(slirp_ports) == 2
    lab.run(10)
    assert len(host.ns.ipv4.udp_sockets) == 1    # the DNS socket went after 10 s
    lab.run(230)
    assert host.ns.ipv4.udp_sockets == {}
