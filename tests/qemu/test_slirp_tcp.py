"""-netdev user and TCP: the guest's connection ends in slirp; a host connection goes out.

Same world as test_slirp.py: host 198.51.100.1 cabled to web 198.51.100.10, which runs
``socat TCP4-LISTEN:7,fork PIPE`` here. Frames are decoded with dpkt.
"""

from __future__ import annotations

import dpkt
from lab_builders import ok
from test_slirp import QEMU_USER, user_vm, world

WEB, HOST = "198.51.100.10", "198.51.100.1"


def tcp_frames(capture) -> list[tuple[dpkt.ip.IP, dpkt.tcp.TCP]]:
    out = []
    for frame in capture.frames:
        ip = dpkt.ethernet.Ethernet(frame.data).data
        if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
            out.append((ip, ip.data))
    return out


def addr(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)


def test_a_guest_connection_becomes_the_hosts_own_and_slirp_answers_only_after_it():
    lab, host, web, _seen = world()
    assert web.spawn("socat TCP4-LISTEN:7,fork PIPE").running
    vm = user_vm(lab, host)
    at_guest, at_web = vm.guest.capture("eth0"), web.capture("eth0")
    result = vm.guest.sh(f"echo hello | socat - TCP4:{WEB}:7")
    assert (result.returncode, result.stdout, result.stderr) == (0, "hello\n", "")
    outside = tcp_frames(at_web)
    syn_ip, syn = outside[0]
    assert (addr(syn_ip.src), addr(syn_ip.dst), syn.dport, syn.flags) == (HOST, WEB, 7,
                                                                         dpkt.tcp.TH_SYN)
    inside = tcp_frames(at_guest)
    guest_syn = inside[0][1]
    synack_ip, synack = inside[1]
    assert synack.flags == dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK
    assert (addr(synack_ip.src), synack.sport, synack.ack) == (WEB, 7, guest_syn.seq + 1)
    # slirp's own TCP: an MSS option only, a 65535 window, its first ISN is 1
    assert (synack.opts, synack.win, synack.seq) == (b"\x02\x04\x05\xb4", 65535, 1)
    # slirp sent its SYN-ACK only after the host's own handshake with web completed
    steps = [(r.func, r.time) for r in lab.trace.records
             if (r.host, r.func) in (("host", "tcp_rcv_synsent_state_process"),
                                     ("host", "tcp_output"))]
    assert [f for f, _ in steps[:2]] == ["tcp_rcv_synsent_state_process", "tcp_output"]
    # the guest's ISN and port stay inside; outside, the host's kernel picked its own
    assert syn.seq != guest_syn.seq


def test_a_refused_host_connect_reaches_the_guest_as_rst():
    lab, host, _web, _seen = world()
    vm = user_vm(lab, host)
    at_guest = vm.guest.capture("eth0")
    result = vm.guest.sh(f"echo hi | socat - TCP4:{WEB}:9")
    assert result.returncode == 1
    assert result.stderr.endswith(f"E connect(5, AF=2 {WEB}:9, 16): Connection refused\n")
    rst_ip, rst = tcp_frames(at_guest)[-1]
    assert rst.flags == dpkt.tcp.TH_RST | dpkt.tcp.TH_ACK and addr(rst_ip.src) == WEB


def test_10_0_2_2_is_the_host_itself():
    lab, host, _web, _seen = world()
    assert host.spawn("socat TCP4-LISTEN:8000,fork PIPE").running
    vm = user_vm(lab, host)
    assert vm.guest.sh("echo local | socat - TCP4:10.0.2.2:8000").stdout == "local\n"
    accepted = [r for r in lab.trace.filter(host="host", layer="tcp")
                if r.func == "tcp_conn_request"]
    assert "SYN from 127.0.0.1:" in accepted[0].reason


def test_hostfwd_tcp_brings_a_connection_from_outside_to_the_guests_server():
    lab, host, web, _seen = world()
    result = host.sh(QEMU_USER.format(name="vm1", opts=",hostfwd=tcp::2222-:7"))
    assert (result.returncode, result.stderr) == (0, "")
    vm = lab.vm("vm1")
    ok(vm.guest, "ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && "
                 "ip route add default via 10.0.2.2")
    assert vm.guest.spawn("socat TCP4-LISTEN:7,fork PIPE").running
    at_guest = vm.guest.capture("eth0")
    result = web.sh(f"echo knock | socat - TCP4:{HOST}:2222")
    assert (result.returncode, result.stdout) == (0, "knock\n")
    syn_ip, syn = next((ip, t) for ip, t in tcp_frames(at_guest) if t.flags == dpkt.tcp.TH_SYN)
    # the guest sees the caller's own address and port, not the host's
    assert (addr(syn_ip.src), addr(syn_ip.dst), syn.dport) == (WEB, "10.0.2.15", 7)
    assert syn.opts == b"\x02\x04\x05\xb4"


def test_hostfwd_tcp_to_a_closed_guest_port_ends_the_outside_connection():
    lab, host, web, _seen = world()
    vm = user_vm(lab, host, opts=",hostfwd=tcp::2222-:22")
    result = web.sh(f"echo knock | socat - TCP4:{HOST}:2222")
    # the host's kernel accepted at once; the guest's RST makes slirp close it: EOF
    assert (result.returncode, result.stdout) == (0, "")
    from_guest = [r.summary for r in lab.trace.filter(host="host", dev="slirp", action="rx")
                  if "Flags" in r.summary]
    assert len(from_guest) == 1 and "10.0.2.15.22 > 198.51.100.10." in from_guest[0]
    assert "Flags [R.], seq 0, ack 2, win 0, length 0" in from_guest[0]
    assert vm.running


def test_a_second_tcp_hostfwd_on_the_same_port_fails_as_qemu_says():
    lab, host, _web, _seen = world()
    assert host.spawn("socat TCP4-LISTEN:2222 PIPE").running
    result = host.sh(QEMU_USER.format(name="vm1", opts=",hostfwd=tcp::2222-:22"))
    assert result.returncode == 1
    assert "Could not set up host forwarding rule 'tcp::2222-:22'" in result.stderr
