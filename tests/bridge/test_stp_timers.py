"""Port states in simulated time, the timers as the tools show them, topology changes and
reconvergence (br_stp_timer.c), read from the model and from the trace."""

import pytest
from stp_labs import FAST, ok, pair, ring3, states

import netsim
from netsim.bridge import stp
from netsim.bridge.stp_timer import round_jiffies


def one_bridge(timers: str = "forward_delay 200") -> tuple[netsim.Lab, netsim.Host]:
    lab = netsim.Lab()
    h1, h2 = lab.host("h1"), lab.host("h2")
    ok(h1, f"ip link add br0 type bridge stp_state 1 {timers}")
    ok(h1, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth0 "
           "address 02:00:00:00:02:01 netns h2")
    ok(h2, "ip link set eth0 up")
    ok(h1, "ip link set eth0 master br0 && ip link set eth0 up && ip link set br0 up")
    return lab, h1


def test_a_port_listens_then_learns_then_forwards_each_forward_delay():
    lab, h1 = one_bridge()  # forward_delay 2 s
    t0 = lab.now
    lab.run(10)
    seq = [(round(t - t0, 6), port, state) for t, host, br, port, state
           in stp.port_states(lab.trace) if host == "h1"]
    assert seq == [(0.0, "eth0", "blocking"), (0.0, "eth0", "disabled"),  # new_nbp
                   (0.0, "eth0", "blocking"), (0.0, "eth0", "listening"),
                   (2.0, "eth0", "learning"), (4.0, "eth0", "forwarding")]
    # the bridge has carrier once a port forwards
    assert "LOWER_UP" in ok(h1, "ip link show br0")


def test_listening_and_learning_ports_pass_no_frame_and_only_learning_learns():
    lab, h1 = one_bridge()
    h2 = lab.host("h2")
    ok(h2, "ip addr add 10.0.0.2/24 dev eth0")
    ok(h1, "ip addr add 10.0.0.1/24 dev br0")
    assert h1.sh("ping -c 1 -W 1 10.0.0.2").returncode == 1  # listening: nothing passes
    br = h1.bridge("br0")
    assert not [e for e in br.fdb.entries.values() if not e.is_local]
    lab.run(1.5)  # learning now (2 s after the start)
    h2.sh("ping -c 1 -W 1 10.0.0.1")
    assert [e.mac.hex(":") for e in br.fdb.entries.values()
            if not e.is_local] == ["02:00:00:00:02:01"]
    lab.run(2)
    assert h1.sh("ping -c 1 -W 1 10.0.0.2").returncode == 0


def test_timers_read_as_the_kernel_shows_them():
    lab, h1 = one_bridge()
    lab.run(1.5)
    port = h1.bridge("br0").ports[0]
    assert port.forward_delay_timer.value() == 50  # 0.5 s left of 2 s, in 1/100 s
    sysfs = ok(h1, "cat /sys/class/net/eth0/brport/forward_delay_timer "
                   "/sys/class/net/br0/bridge/hello_timer")
    assert sysfs.split() == ["50", "50"]  # the root says hello every 2 s
    text = ok(h1, "ip -d link show eth0")
    assert "forward_delay_timer    0.50" in text and "state listening" in text


def test_round_jiffies_rounds_to_a_whole_second():
    assert round_jiffies(1000 + 10, now=900) == 1000     # a quarter second past: down
    assert round_jiffies(1000 + 100, now=900) == 1250    # else up
    assert round_jiffies(1000 + 10, now=1000) == 1010    # never into the past


def test_the_root_flags_a_topology_change_for_forward_delay_plus_max_age():
    lab, h = ring3()
    lab.run(10)  # ports went forwarding at 8 s: a topology change
    root = h["h1"].bridge("br0")
    info = ok(h["h1"], "cat /sys/class/net/br0/bridge/topology_change "
                       "/sys/class/net/br0/bridge/ageing_time").split()
    assert info == ["1", "800"]  # ageing time shown as 2 * forward_delay
    assert root.fdb.hold_time() == 4.0  # learned entries age after forward_delay
    for name in ("h2", "h3"):  # they hear it from the root's BPDUs
        assert h[name].bridge("br0").topology_change
        assert not h[name].bridge("br0").topology_change_detected  # their TCN was acked
    lab.run(12)  # forward_delay + max_age = 10 s after the last change
    for name in ("h1", "h2", "h3"):
        br = h[name].bridge("br0")
        assert not br.topology_change and br.ageing_time == 300.0


def test_a_non_root_bridge_sends_a_tcn_and_the_root_acknowledges_it():
    lab, h = ring3()
    lab.run(10)  # h2's designated port e23 went forwarding at 8 s: a topology change
    sent = [r for r in lab.trace.filter(host="h2", layer="stp", action="tx")
            if r.func == "br_send_tcn_bpdu"]
    assert sent and {r.dev for r in sent} == {"e21"}  # up the root port
    acks = [r for r in lab.trace.filter(host="h1", layer="stp", action="tx", dev="e12")
            if "[TC TCA]" in r.reason]
    assert acks and acks[0].time >= sent[0].time
    # the root's answer waits for its hold timer; h2 repeats its TCN every hello_time
    # until the answer comes, then stops
    assert all(r.time <= acks[0].time for r in sent)
    assert not h["h2"].bridge("br0").tcn_timer.pending


def test_a_bridge_with_no_designated_port_sends_no_tcn():
    lab, h = pair(links=1)  # h2 has its root port only
    lab.run(10)
    assert not [r for r in lab.trace.filter(host="h2", layer="stp")
                if r.func == "br_send_tcn_bpdu"]


def test_a_lost_root_port_fails_over_to_the_blocked_port_after_two_forward_delays():
    lab, h = ring3()
    lab.run(10)
    ok(h["h3"], "ip link set e31 down")
    lab.run(0.01)
    br3 = h["h3"].bridge("br0")
    assert (br3.root_port, br3.root_path_cost) == (2, 4)  # via h2 now
    assert states(h["h3"]) == {"e31": "disabled", "e32": "listening"}
    lab.run(4)
    assert states(h["h3"])["e32"] == "learning"
    lab.run(4)
    assert states(h["h3"])["e32"] == "forwarding"
    assert h["h3"].sh("ping -c 1 -W 1 10.0.0.1").returncode == 0


def test_a_silent_root_is_forgotten_after_max_age():
    lab, h = ring3()
    lab.run(10)
    ok(h["h1"], "ip link set br0 down")  # its cables keep carrier: no port goes down
    lab.run(3)
    assert h["h2"].bridge("br0").root_port == 1  # still believes in h1
    lab.run(4)  # max_age (6 s) after the root's last hello
    br2, br3 = h["h2"].bridge("br0"), h["h3"].bridge("br0")
    assert stp.is_root_bridge(br2)
    assert br3.designated_root == br2.stp_id and br3.root_port == 2
    lost = [r for r in lab.trace.filter(host="h2", layer="stp")
            if r.func == "br_message_age_timer_expired"]
    assert lost and "neighbor 8000.02:00:00:00:01:02 lost" in lost[0].reason


@pytest.mark.parametrize("cmd", [
    "ip link set br0 type bridge forward_delay 100",
    "ip link set br0 type bridge hello_time 1001",
    "ip link set br0 type bridge max_age 599",
    "brctl setfd br0 31",
    "brctl sethello br0 0.5",
    "brctl setmaxage br0 41",
    "bridge link set dev eth0 cost 65536",
    "bridge link set dev eth0 priority 64",
    "ip link set eth0 type bridge_slave cost 0",
    "brctl setpathcost br0 eth0 0",
    "brctl setportprio br0 eth0 64",
    "echo 150 > /sys/class/net/br0/bridge/forward_delay",
    "echo 0 > /sys/class/net/eth0/brport/path_cost",
])
def test_a_refused_setting_leaves_the_tree_as_it_was(cmd):
    lab, h1 = one_bridge(FAST)
    lab.run(9)
    before = ok(h1, "ip -d -j link show br0; ip -d -j link show eth0")
    res = h1.sh(cmd)
    assert res.returncode != 0 and "out of range" in res.stderr
    assert ok(h1, "ip -d -j link show br0; ip -d -j link show eth0") == before


def test_during_a_topology_change_learned_entries_age_after_forward_delay():
    lab, h = ring3(up=False)
    vm = h["h3"].open_tun("tap0")
    ok(h["h3"], "ip link set tap0 master br0 && ip link set tap0 up")
    for name in ("h1", "h2", "h3"):
        ok(h[name], "ip link set br0 up")
    hello = bytes.fromhex("ffffffffffff027700000001") + b"\x88\xb5" + bytes(46)
    lab.run(10)  # forwarding since 8 s: the topology change period runs until ~18 s
    vm.write(hello)
    lab.run(0.1)
    # brctl showmacs leaves out what has expired (has_expired(): hold_time() of br_fdb.c);
    # the collector, asleep for ageing_time since it last found nothing, deletes later
    assert "02:77:00:00:00:01" in ok(h["h1"], "brctl showmacs br0")
    lab.run(6)  # silent for more than forward_delay (4 s)
    assert "02:77:00:00:00:01" not in ok(h["h1"], "brctl showmacs br0")
    lab.run(10)  # the period is over: entries live ageing_time (300 s) again
    assert not h["h1"].bridge("br0").topology_change
    vm.write(hello)
    lab.run(30)
    assert "02:77:00:00:00:01" in ok(h["h1"], "brctl showmacs br0")
