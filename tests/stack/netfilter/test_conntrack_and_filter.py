"""Conntrack timeouts in simulated time, filter verdicts in the trace, bridge-nf-call-iptables.

The UDP timeouts follow what the real kernel showed (recorded in this task with real
namespaces): 29 s left right after a datagram; a reply keeps 30 s; an exchange more
than 2 s after the first packet makes it a stream: 119 s left and [ASSURED].
"""

from __future__ import annotations

from tests.stack.netfilter.nat_world import nat_world


def _udp_line(lab) -> str:
    lines = lab.host("host").sh("conntrack -L -p udp").stdout.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_udp_entry_counts_down_becomes_assured_and_times_out() -> None:
    lab = nat_world(vms=1)
    outside, vm = lab.host("outside"), lab.host("vm1")
    echo = outside.udp_socket(7)
    client = vm.udp_socket(5000)
    client.sendto(b"a", ("10.0.0.2", 7))
    lab.run(0.1)
    assert _udp_line(lab) == ("udp      17 29 src=192.168.122.10 dst=10.0.0.2 sport=5000 "
                              "dport=7 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=7 "
                              "dport=5000 mark=0 use=1")
    lab.run(10)
    assert _udp_line(lab).startswith("udp      17 19 ")
    echo.sendto(b"a", ("10.0.0.1", 5000))  # the reply: no longer UNREPLIED, still 30 s
    lab.run(0.1)
    assert _udp_line(lab) == ("udp      17 29 src=192.168.122.10 dst=10.0.0.2 sport=5000 "
                              "dport=7 src=10.0.0.2 dst=10.0.0.1 sport=7 dport=5000 "
                              "mark=0 use=1")
    client.sendto(b"b", ("10.0.0.2", 7))  # > 2 s after the first packet: a stream
    lab.run(0.1)
    assert _udp_line(lab).endswith("sport=7 dport=5000 [ASSURED] mark=0 use=1")
    assert _udp_line(lab).startswith("udp      17 119 ")
    lab.run(120)
    assert lab.host("host").sh("conntrack -L").stderr == (
        "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n")
    assert any("timed out" in r.reason for r in lab.trace.filter(host="host", action="age"))


def test_drop_rule_is_a_trace_hop_naming_table_chain_and_rule() -> None:
    lab = nat_world(vms=1)
    host = lab.host("host")
    host.sh("iptables -A FORWARD -s 192.168.122.10 -p icmp -j DROP")
    result = lab.host("vm1").sh("ping -c 1 -W 1 -n 10.0.0.2")
    assert result.returncode == 1
    drops = lab.trace.filter(host="host", layer="netfilter", action="drop")
    assert [(d.reason, d.func) for d in drops] == [(
        "iptables -t filter FORWARD: DROP by rule "
        "'-A FORWARD -s 192.168.122.10/32 -p icmp -j DROP'", "ipt_do_table")]
    verdict = host.ns.netfilter.last_verdicts[-1]
    assert (verdict.table, verdict.chain, verdict.verdict, verdict.rule, verdict.summary) == (
        "filter", "FORWARD", "DROP", "-A FORWARD -s 192.168.122.10/32 -p icmp -j DROP",
        "icmp 192.168.122.10 -> 10.0.0.2")
    # the counters say so too
    assert host.sh("iptables -L FORWARD -n -v -x").stdout.splitlines()[2].split()[:3] == [
        "1", "84", "DROP"]


def test_policy_drop_and_established_rule() -> None:
    lab = nat_world(vms=1)
    host = lab.host("host")
    for cmd in ("iptables -P FORWARD DROP",
                "iptables -A FORWARD -i virbr0 -o eth0 -j ACCEPT",
                "iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"):
        assert host.sh(cmd).returncode == 0
    assert lab.host("vm1").sh("ping -c 1 -W 1 -n 10.0.0.2").returncode == 0
    host.sh("iptables -t nat -A PREROUTING -i eth0 -p icmp -j DNAT "
            "--to-destination 192.168.122.10")
    assert lab.host("outside").sh("ping -c 1 -W 1 -n 10.0.0.1").returncode == 1
    reasons = [r.reason for r in lab.trace.filter(host="host", action="drop")]
    assert "iptables -t filter FORWARD: DROP by policy DROP (no rule matched)" in reasons


def test_reject_answers_with_port_unreachable() -> None:
    lab = nat_world(vms=1)
    lab.host("host").sh("iptables -A FORWARD -p icmp -j REJECT")
    result = lab.host("vm1").sh("ping -c 1 -W 1 -n 10.0.0.2")
    assert "From 192.168.122.1 icmp_seq=1 Destination Port Unreachable" in result.stdout
    assert lab.trace.filter(host="host", action="reject")


def test_bridge_nf_call_iptables_puts_bridged_frames_through_forward() -> None:
    lab = nat_world(vms=2)
    host = lab.host("host")
    assert host.sh("sysctl net.bridge.bridge-nf-call-iptables").stdout == (
        "net.bridge.bridge-nf-call-iptables = 1\n")  # as in a fresh Linux 6.18 netns
    assert lab.host("vm1").sh("ping -c 1 -W 1 -n 192.168.122.11").returncode == 0
    host.sh("iptables -P FORWARD DROP")  # Docker's classic: bridged VMs cut off
    assert lab.host("vm1").sh("ping -c 1 -W 1 -n 192.168.122.11").returncode == 1
    drop = lab.trace.filter(host="host", action="drop")[-1]
    assert drop.reason == ("iptables -t filter FORWARD: DROP by policy DROP (no rule matched)"
                           " (bridged frame, net.bridge.bridge-nf-call-iptables=1)")
    assert drop.dev == "virbr0"
    host.sh("sysctl -qw net.bridge.bridge-nf-call-iptables=0")
    assert lab.host("vm1").sh("ping -c 1 -W 1 -n 192.168.122.11").returncode == 0
    host.sh("sysctl -qw net.bridge.bridge-nf-call-iptables=1")
    host.sh("iptables -A FORWARD -i virbr0 -o virbr0 -j ACCEPT")  # libvirt's rule
    assert lab.host("vm1").sh("ping -c 1 -W 1 -n 192.168.122.11").returncode == 0
