"""lab.why(source, target): a specific, correct answer for each classic failure (issue 5,
done-means 5), checked by applying the fix it proposes where one exists."""

from __future__ import annotations

import pytest

from netsim import scenarios
from netsim.analysis import why as w


def fix_command(answer: w.Why) -> tuple[str, str]:
    """'host$ cmd' -> ('host', 'cmd')."""
    assert answer.fix is not None and "$ " in answer.fix
    machine, _, command = answer.fix.partition("$ ")
    return machine, command


def apply_fix(lab, answer: w.Why) -> None:
    machine, command = fix_command(answer)
    result = lab.host(machine).sh(command)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def nat_lab():
    return scenarios.nat(vms=1)


def test_a_working_path_is_explained_with_its_translations(nat_lab):
    answer = nat_lab.why("vm1", "web")
    assert answer.reached and answer.verdict == w.REACHED
    text = str(answer)
    assert "Routed by: host, gw." in text
    vm_ip = nat_lab.vm("vm1").guest.ns.ipv4.addresses_of(nat_lab.vm("vm1").guest.ns.get("eth0"))
    private = ".".join(str(b) for b in vm_ip[0].local)
    assert f"host: iptables -t nat POSTROUTING: MASQUERADE: {private} -> 192.168.1.10" in text
    assert "gw: iptables -t nat POSTROUTING: MASQUERADE: 192.168.1.10 -> 198.51.100.1" in text


def test_no_route_at_the_source(nat_lab):
    nat_lab.host("lan1").sh("ip route del default")
    answer = nat_lab.why("lan1", "web")
    assert answer.verdict == w.NO_ROUTE
    assert (answer.where, answer.func) == ("lan1", "ip_route_output_key")
    assert "default" not in answer.decided_by
    assert "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.20" in answer.decided_by
    assert not [r for r in answer.records if r.host == "lan1" and r.action == "route"]
    nat_lab.host("lan1").sh("ip route add default via 192.168.1.1")
    assert nat_lab.why("lan1", "web").reached


def test_ip_forward_off_on_the_nat_host(nat_lab):
    nat_lab.host("host").sh("sysctl -w net.ipv4.ip_forward=0")
    answer = nat_lab.why("vm1", "lan1")
    assert answer.verdict == w.IP_FORWARD_OFF
    assert (answer.where, answer.dev, answer.func) == ("host", "virbr0", "ip_route_input_slow")
    assert answer.decided_by == "host$ sysctl net.ipv4.ip_forward -> 0"
    apply_fix(nat_lab, answer)
    assert nat_lab.why("vm1", "lan1").reached


def test_missing_masquerade_names_the_forwarder_and_where_the_reply_died(nat_lab):
    nat_lab.host("host").sh("iptables -t nat -F POSTROUTING")
    answer = nat_lab.why("vm1", "lan1")
    assert answer.verdict == w.MISSING_MASQUERADE
    # the request arrived (lan1 answered); the reply to the private address died at gw
    assert any(r.host == "lan1" and r.action == "reply" for r in answer.records)
    assert (answer.where, answer.func) == ("gw", "ip_route_input_slow")
    assert "host forwarded the request out of eth0 with that source unchanged" in str(answer)
    assert answer.fix == ("host$ iptables -t nat -A POSTROUTING -s 192.168.122.0/24 "
                          "! -d 192.168.122.0/24 -j MASQUERADE")
    apply_fix(nat_lab, answer)
    assert nat_lab.why("vm1", "lan1").reached


def test_inbound_to_a_private_address_needs_a_port_forward(nat_lab):
    answer = nat_lab.why("lan1", "vm1")
    assert answer.verdict == w.NO_DNAT
    assert (answer.where, answer.func) == ("gw", "ip_route_input_slow")
    assert "private, behind host's NAT" in answer.explanation
    machine, command = fix_command(answer)
    assert machine == "host"
    assert command.startswith("iptables -t nat -A PREROUTING -i eth0 -p udp --dport 5007 "
                              "-j DNAT --to-destination 192.168.122.")


def test_a_drop_rule_is_named_with_its_table_and_chain(nat_lab):
    nat_lab.host("host").sh("iptables -I FORWARD -d 198.51.100.10 -j DROP")
    answer = nat_lab.why("vm1", "web")
    assert answer.verdict == w.FILTERED
    assert (answer.where, answer.func) == ("host", "ipt_do_table")
    assert answer.decided_by == "iptables -t filter FORWARD: -A FORWARD -d 198.51.100.10/32 -j DROP"
    assert not any(r.host == "web" for r in answer.records)  # it never got there
    apply_fix(nat_lab, answer)
    assert nat_lab.why("vm1", "web").reached


@pytest.fixture(scope="module")
def host_only_lab():
    return scenarios.host_only(vms=2)


def test_host_only_isolation_outbound(host_only_lab):
    answer = host_only_lab.why("vm1", "lan1")
    assert answer.verdict == w.HOST_ONLY
    assert answer.where == "vm1"  # no default route: DHCP on vboxnet0 gave no gateway
    assert "vboxnet0 on host (192.168.56.0/24) is a bridge with no uplink" in answer.explanation
    assert "ip_forward=0" in answer.explanation


def test_host_only_isolation_inbound(host_only_lab):
    answer = host_only_lab.why("lan1", "vm1")
    assert answer.verdict == w.HOST_ONLY
    assert (answer.where, answer.func) == ("gw", "ip_route_input_slow")


def test_host_only_vms_reach_each_other(host_only_lab):
    assert host_only_lab.why("vm1", "vm2").reached


def test_user_mode_vms_cannot_address_each_other():
    lab = scenarios.nat_user(vms=2)
    answer = lab.why("vm1", "vm2")
    assert answer.verdict == w.NOT_THE_TARGET and answer.address == "10.0.2.15"
    assert "the ping answered itself" in answer.explanation
    inbound = lab.why("lan1", "vm1")
    assert inbound.verdict == w.NO_DNAT and "hostfwd" in inbound.fix
    assert lab.why("vm1", "web").reached


def test_a_bridged_path_names_the_bridges_it_crossed():
    lab = scenarios.bridged(vms=1)
    answer = lab.why("lan1", "vm1")
    assert answer.reached
    assert "Bridged by: switch br0, host br0." in answer.explanation
    assert "Routed by" not in answer.explanation  # same LAN: nothing routes


def test_a_bridged_frame_dropped_by_forward_names_br_netfilter():
    """With bridge-nf-call-iptables=1 a FORWARD policy DROP also stops bridged frames
    (Docker's classic surprise): why says the frame was bridged and how to undo it."""
    lab = scenarios.bridged(vms=1)
    host = lab.host("host")
    host.sh("iptables -P FORWARD DROP")
    answer = lab.why("vm1", "lan1")
    assert answer.verdict == w.FILTERED and (answer.where, answer.dev) == ("host", "br0")
    assert answer.decided_by == "iptables -t filter FORWARD: policy DROP"
    assert "bridged by br0, not routed" in answer.explanation
    assert "net.bridge.bridge-nf-call-iptables=1" in answer.explanation
    assert answer.fix.endswith("host$ sysctl -w net.bridge.bridge-nf-call-iptables=0")
    host.sh(answer.fix.split("host$ ")[-1])
    assert lab.why("vm1", "lan1").reached


def test_virbr0_keeps_libvirts_own_mac_when_vms_join(nat_lab):
    from netsim.scenarios.builders import VIRBR_MAC, tap_mac

    shown = nat_lab.host("host").sh("ip -br link show virbr0").stdout.split()
    assert shown[2] == VIRBR_MAC and shown[2] != tap_mac(1)  # not the port's fe: MAC
    assert nat_lab.vm("vm1").sh("ping -c 1 192.168.122.1").returncode == 0
    neighbours = nat_lab.vm("vm1").sh("ip neigh show 192.168.122.1").stdout
    assert f"lladdr {VIRBR_MAC}" in neighbours  # the guests' gateway MAC is virbr0's


def test_asking_why_changes_nothing_on_the_machines(host_only_lab):
    """why reads the firewall's tables; `iptables -t nat -S` would have created the nat
    table and loaded connection tracking on a host that had none."""
    host = host_only_lab.host("host")
    assert host.ns.netfilter is None
    before = len(host_only_lab.history())
    assert host_only_lab.why("lan1", "vm1").verdict == w.HOST_ONLY
    assert host.ns.netfilter is None
    assert host.sh("sysctl net.netfilter.nf_conntrack_count").returncode == 1
    assert len(host_only_lab.history()) == before + 1  # only the sysctl just typed
