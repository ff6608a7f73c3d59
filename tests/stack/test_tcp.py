"""netsim's TCP against what Linux 6.18 did in tests/data/tcp (the same three machines).

    tc 192.168.122.10 --- tr 192.168.122.1 | 198.51.100.1 (MASQUERADE) --- ts 198.51.100.10

Each test types the commands a person would (socat, iptables, conntrack, sysctl) or
uses the socket API, and checks frames (decoded with dpkt), timings and texts.
"""

from __future__ import annotations

import re
from pathlib import Path

import dpkt
import pytest

from netsim.lab import Lab
from netsim.packets import tcp as tcp_pkt
from netsim.packets.addr import ip_aton
from netsim.stack import tcp_sock

DATA = Path(__file__).resolve().parents[1] / "data" / "tcp"
SERVER = "198.51.100.10"
ROUTER_OUT = "198.51.100.1"


def world() -> Lab:
    lab = Lab(seed=3)
    lab.host("tc"), lab.host("tr"), lab.host("ts")
    lab.link("tc:c0", "tr:r0")
    lab.link("tr:r1", "ts:s0")
    tc, tr, ts = lab.host("tc"), lab.host("tr"), lab.host("ts")
    tc.sh("ip addr add 192.168.122.10/24 dev c0 && ip link set c0 up && "
          "ip route add default via 192.168.122.1")
    tr.sh("ip addr add 192.168.122.1/24 dev r0 && ip link set r0 up && "
          "ip addr add 198.51.100.1/24 dev r1 && ip link set r1 up && "
          "sysctl -qw net.ipv4.ip_forward=1 && iptables -t nat -A POSTROUTING "
          "-s 192.168.122.0/24 ! -d 192.168.122.0/24 -j MASQUERADE")
    ts.sh("ip addr add 198.51.100.10/24 dev s0 && ip link set s0 up")
    assert ts.spawn("socat TCP4-LISTEN:7,fork,reuseaddr PIPE").running
    return lab


def tcp_segments(capture) -> list[tuple[float, dpkt.ip.IP, dpkt.tcp.TCP]]:
    out = []
    for frame in capture.frames:
        ip = dpkt.ethernet.Ethernet(frame.data).data
        if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
            out.append((frame.time, ip, ip.data))
    return out


def socat_error(text: str) -> str:
    """socat's E line without its timestamp and pid."""
    match = re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d socat\[\d+\] E (.*)\n", text)
    assert match, text
    return match.group(1)


def recorded(line_start: str) -> str:
    for line in (DATA / "outputs.txt").read_text().splitlines():
        if " socat[" in line and line_start in line:
            return line.split(" E ", 1)[1]
    raise KeyError(line_start)


# ----------------------------------------------------------------------------- handshake
def test_echo_exchange_has_the_real_shape_and_ends_in_time_wait_on_the_client():
    lab = world()
    tc = lab.host("tc")
    cap = tc.capture("c0")
    result = tc.sh("echo hello | socat - TCP4:198.51.100.10:7")
    assert (result.returncode, result.stdout, result.stderr) == (0, "hello\n", "")
    segs = tcp_segments(cap)
    flags = [t.flags for _, _, t in segs]
    assert flags[:3] == [dpkt.tcp.TH_SYN, dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK, dpkt.tcp.TH_ACK]
    syn_ip, syn = segs[0][1], segs[0][2]
    with open(DATA / "handshake_client.pcap", "rb") as f:
        real_syn = dpkt.ethernet.Ethernet(next(iter(dpkt.pcap.Reader(f)))[1]).data
    assert (syn.win, syn_ip.ttl, syn_ip.df, len(syn.opts)) == (
        real_syn.data.win, real_syn.ttl, real_syn.df, len(real_syn.data.opts))
    assert syn.opts[:8] == real_syn.data.opts[:8]  # mss 1460, sackOK, TS kind/len
    synack_ip = segs[1][1]
    assert synack_ip.id == 0 and segs[1][2].win == 65160
    ids = [ip.id for _, ip, t in segs if ip.src == syn_ip.src]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # one socket counts its ids up
    assert [t.win for _, ip, t in segs[2:] if ip.src == syn_ip.src] == [63] * (len(ids) - 1)
    sockets = list(tc.ns.ipv4.tcp.conns.values())
    assert [s.state for s in sockets] == [tcp_sock.TIME_WAIT]
    lab.run(60.5)
    assert tc.ns.ipv4.tcp.conns == {}


def test_a_closed_port_answers_rst_and_socat_says_connection_refused():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    cap = ts.capture("s0")
    result = tc.sh("echo hi | socat - TCP4:198.51.100.10:9")
    assert result.returncode == 1 and result.stdout == ""
    assert socat_error(result.stderr) == recorded(":9, 16)")
    (_, syn_ip, syn), (_, rst_ip, rst) = tcp_segments(cap)
    assert rst.flags == dpkt.tcp.TH_RST | dpkt.tcp.TH_ACK
    assert (rst.seq, rst.ack, rst.win, rst.opts, rst_ip.id) == (0, syn.seq + 1, 0, b"", 0)
    # the RST answered a SYN that never saw a reply: no entry stays on the router
    assert lab.host("tr").sh("conntrack -L -p tcp").stdout == ""


def test_port_above_65535_wraps_as_socat_reads_it():
    lab = world()
    result = lab.host("tc").sh("echo x | socat - TCP4:198.51.100.10:99999")
    assert socat_error(result.stderr) == recorded(":34463, 16)")


def test_a_dropped_syn_is_sent_again_with_linux_6_18s_timings_then_times_out():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    assert ts.sh("iptables -A INPUT -p tcp --dport 10 -j DROP").returncode == 0
    cap = tc.capture("c0")
    start = lab.now
    result = tc.sh("echo hi | socat - TCP4:198.51.100.10:10")
    assert socat_error(result.stderr) == recorded(":10, 16)")
    times = [t for t, _, seg in tcp_segments(cap) if seg.flags == dpkt.tcp.TH_SYN]
    gaps = [round(b - a, 3) for a, b in zip(times, times[1:], strict=False)]
    assert gaps == [1, 1, 1, 1, 1, 2, 4, 8, 16, 32]  # tcp_syn_linear_timeouts=4, then doubling
    # the recording misses the first SYN; its gaps 2-10 are these, to within jitter
    with open(DATA / "syn_timeout.pcap", "rb") as f:
        real = [ts_ for ts_, _ in dpkt.pcap.Reader(f)]
    real_gaps = [b - a for a, b in zip(real, real[1:], strict=False)]
    assert all(abs(r - g) / g < 0.05 for r, g in zip(real_gaps, gaps[1:9], strict=False))
    assert lab.now - start == pytest.approx(131, abs=0.01)


def test_fewer_syn_retries_give_up_sooner():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    ts.sh("iptables -A INPUT -p tcp --dport 10 -j DROP")
    tc.sh("sysctl -qw net.ipv4.tcp_syn_retries=1 && sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0")
    start = lab.now
    tc.sh("echo hi | socat - TCP4:198.51.100.10:10")
    assert lab.now - start == pytest.approx(3, abs=0.01)  # 1 s, then 2 s


# ----------------------------------------------------------------------------- netfilter
def test_reject_with_tcp_reset_sends_the_rst_linux_sent():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    assert ts.sh("iptables -A INPUT -p tcp --dport 11 -j REJECT --reject-with tcp-reset"
                 ).returncode == 0
    cap = ts.capture("s0")
    result = tc.sh("echo hi | socat - TCP4:198.51.100.10:11")
    assert socat_error(result.stderr) == recorded(":11, 16)")
    (_, _, syn), (_, rst_ip, rst) = tcp_segments(cap)
    with open(DATA / "handshake_server_nat.pcap", "rb") as f:
        real = [dpkt.ethernet.Ethernet(buf).data for _, buf in dpkt.pcap.Reader(f)]
    real_rst = real[-1]
    assert (rst.flags, rst.seq, rst.win, rst.opts, rst_ip.id, rst_ip.ttl, rst_ip.df) == (
        real_rst.data.flags, real_rst.data.seq, real_rst.data.win, real_rst.data.opts,
        real_rst.id, real_rst.ttl, real_rst.df)
    assert rst.ack == syn.seq + 1
    assert "REJECT by rule '-A INPUT -p tcp -m tcp --dport 11 -j REJECT --reject-with " \
           "tcp-reset'" in "\n".join(str(r) for r in lab.trace.records)


def test_default_reject_is_port_unreachable_and_still_refuses_the_connection():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    ts.sh("iptables -A INPUT -p tcp --dport 12 -j REJECT")
    result = tc.sh("echo hi | socat - TCP4:198.51.100.10:12")
    assert socat_error(result.stderr) == "connect(5, AF=2 198.51.100.10:12, 16): " \
                                         "Connection refused"


def test_conntrack_lines_follow_the_connection_over_time():
    lab = world()
    tc, tr, ts = lab.host("tc"), lab.host("tr"), lab.host("ts")
    ts.sh("iptables -A INPUT -p tcp --dport 10 -j DROP")
    stuck = tc.ns.ipv4.tcp.connect(SERVER, 10)
    lab.run(2.5)  # SYNs at 0, 1 and 2 s: each one renews the 120 s
    assert tr.sh("conntrack -L").stdout == (
        f"tcp      6 119 SYN_SENT src=192.168.122.10 dst={SERVER} sport={stuck.lport} dport=10 "
        f"[UNREPLIED] src={SERVER} dst={ROUTER_OUT} sport=10 dport={stuck.lport} mark=0 use=1\n")
    stuck.close()
    tr.sh("conntrack -F")
    conn = tc.ns.ipv4.tcp.connect(SERVER, 7)
    lab.run(1)
    line = tr.sh("conntrack -L").stdout
    assert line == (f"tcp      6 431999 ESTABLISHED src=192.168.122.10 dst={SERVER} "
                    f"sport={conn.lport} dport=7 src={SERVER} dst={ROUTER_OUT} sport=7 "
                    f"dport={conn.lport} [ASSURED] mark=0 use=1\n")
    conn.shutdown()  # our FIN; the echo server answers with its own
    lab.run(0.01)
    assert " TIME_WAIT " in tr.sh("conntrack -L").stdout
    assert tr.sh("conntrack -L").stdout.split()[2] == "119"
    lab.run(120)
    assert tr.sh("conntrack -L").stdout == ""


def test_half_closed_connection_shows_fin_wait_then_close_wait_states():
    lab = world()
    tc, tr = lab.host("tc"), lab.host("tr")
    listener = lab.host("ts").ns.ipv4.tcp.listen(8)  # accepts, never reads or closes
    conn = tc.ns.ipv4.tcp.connect(SERVER, 8)
    lab.run(1)
    conn.shutdown()
    lab.run(1)
    assert tr.sh("conntrack -L").stdout.split()[2:4] == ["59", "CLOSE_WAIT"]
    [server_side] = listener.accept_queue
    server_side.shutdown()
    lab.run(1)
    assert tr.sh("conntrack -L").stdout.split()[2:4] == ["119", "TIME_WAIT"]


def test_syn_match_and_ctstate_invalid_for_a_stray_syn_ack():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    assert ts.sh("iptables -A INPUT -p tcp --syn --dport 7 -j ACCEPT && "
                 "iptables -A INPUT -m conntrack --ctstate INVALID -j DROP").returncode == 0
    assert ts.sh("iptables -S INPUT").stdout.splitlines()[1] == (
        "-A INPUT -p tcp -m tcp --dport 7 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT")
    assert tc.sh("echo ok | socat - TCP4:198.51.100.10:7").stdout == "ok\n"
    counts = ts.sh("iptables -L INPUT -v -n -x").stdout.splitlines()
    assert counts[2].split()[0] == "1"  # only the SYN matched --syn
    assert counts[3].split()[0] == "0"
    # a SYN-ACK nobody asked for opens no entry: INVALID, dropped before TCP answers RST
    cap = tc.capture("c0")
    stray = tcp_pkt.build(ip_aton("192.168.122.10"), ip_aton(SERVER), 5555, 7, 1, 1,
                          tcp_pkt.SYN | tcp_pkt.ACK, 1000)
    tc.ns.ipv4.output(ip_aton(SERVER), 6, stray)
    lab.run(0.1)
    counts = ts.sh("iptables -L INPUT -v -n -x").stdout.splitlines()
    assert counts[3].split()[0] == "1"
    assert [seg.flags for _, _, seg in tcp_segments(cap)] == [dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK]
    resets = [r for r in lab.trace.records if r.host == "ts" and r.func == "tcp_v4_send_reset"]
    assert resets == []
    # without the rule TCP sees it and answers RST (which, untranslated, finds no route
    # back to 192.168.122.10: the NAT never knew this "connection")
    ts.sh("iptables -D INPUT -m conntrack --ctstate INVALID -j DROP")
    tc.ns.ipv4.output(ip_aton(SERVER), 6, stray)
    lab.run(0.1)
    resets = [r for r in lab.trace.records if r.host == "ts" and r.func == "tcp_v4_send_reset"]
    assert [r.action for r in resets] == ["reply", "drop"]


# ----------------------------------------------------------------------------- socat texts
def test_socat_texts_for_no_route_bad_arguments_and_a_port_in_use():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    tc.sh("ip route del default")
    result = tc.sh("echo x | socat - TCP4:203.0.113.5:80")
    assert socat_error(result.stderr) == recorded("203.0.113.5:80")
    assert result.returncode == 1
    result = tc.sh("echo x | socat - TCP:198.51.100.10")
    assert socat_error(result.stderr) == recorded("wrong number")
    result = ts.sh("socat TCP4-LISTEN:7 PIPE")
    assert socat_error(result.stderr) == recorded("bind(5")
    assert result.returncode == 1


def test_a_host_that_never_answers_arp_is_no_route_to_host():
    lab = world()
    result = lab.host("tc").sh("echo x | socat - TCP4:198.51.100.33:7")
    assert socat_error(result.stderr) == recorded("198.51.100.33:7")


def test_the_echo_server_forks_a_child_per_connection_that_exits_at_the_end():
    lab = world()
    ts = lab.host("ts")
    conn = lab.host("tc").ns.ipv4.tcp.connect(SERVER, 7)
    lab.run(0.1)
    ps = ts.sh("ps -e -o ppid,pid,args").stdout
    children = [line for line in ps.splitlines() if "TCP4-LISTEN" in line]
    assert len(children) == 2  # the listener and the connection's child
    conn.shutdown()
    lab.run(0.1)
    ps = ts.sh("ps -e -o args").stdout
    assert ps.count("TCP4-LISTEN") == 1


def test_a_syn_from_a_source_with_no_route_back_gets_no_syn_ack_and_no_socket():
    lab = world()
    tc, ts = lab.host("tc"), lab.host("ts")
    spoofed = ip_aton("203.0.113.9")  # not masqueraded: not from 192.168.122.0/24
    syn = tcp_pkt.build(spoofed, ip_aton(SERVER), 1234, 7, 5, 0, tcp_pkt.SYN, 1000)
    tc.ns.ipv4.output(ip_aton(SERVER), 6, syn, src=spoofed)
    lab.run(0.1)
    drops = [r for r in lab.trace.records if r.host == "ts" and r.func == "inet_csk_route_req"]
    assert len(drops) == 1 and "no route back" in drops[0].reason
    assert ts.ns.ipv4.tcp.conns == {}
