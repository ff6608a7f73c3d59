"""Who is root, which port blocks, and what moves them (br_stp.c's comparisons).

The same behaviours are replayed against Linux 6.18 recordings in
``tests/oracle`` (stp_ring3, stp_priority_cost, stp_port_priority); these tests say
them one at a time.
"""

from stp_labs import ok, pair, ring3, states

from netsim.bridge import stp
from netsim.packets.addr import mac_aton
from netsim.packets.bpdu import BridgeId


def test_bridge_ids_order_as_the_kernel_compares_them():
    low = BridgeId(0x8000, mac_aton("02:00:00:00:01:02"))
    assert low < BridgeId(0x8000, mac_aton("02:00:00:00:02:01"))  # then the MAC
    assert BridgeId(0x1000, mac_aton("02:00:00:00:03:01")) < low  # priority first
    assert low.pack() == bytes.fromhex("8000020000000102")
    assert BridgeId.unpack(low.pack()) == low
    assert str(low) == "8000.02:00:00:00:01:02" and low.hex() == "8000.020000000102"


def test_three_bridges_elect_the_lowest_id_and_block_one_port():
    lab, h = ring3()
    lab.run(10)  # 2 x forward_delay (4 s) and a little more
    br1, br2, br3 = (h[n].bridge("br0") for n in ("h1", "h2", "h3"))
    assert all(b.designated_root == br1.stp_id for b in (br1, br2, br3))
    assert stp.is_root_bridge(br1) and br1.root_port == 0
    assert (br2.root_port, br2.root_path_cost) == (1, 2)  # e21, one veth (cost 2) away
    assert (br3.root_port, br3.root_path_cost) == (1, 2)  # e31
    # On the h2-h3 segment both offer cost 2: the lower bridge id (h2) is designated.
    assert states(h["h1"]) == {"e12": "forwarding", "e13": "forwarding"}
    assert states(h["h2"]) == {"e21": "forwarding", "e23": "forwarding"}
    assert states(h["h3"]) == {"e31": "forwarding", "e32": "blocking"}
    roles = {p.dev.name: stp.port_role(p) for p in br3.ports}
    assert roles == {"e31": "root", "e32": "alternate"}


def test_a_ping_crosses_the_ring_without_a_loop():
    lab, h = ring3()
    lab.run(10)
    res = h["h3"].sh("ping -c 1 -W 1 10.0.0.2")
    assert res.returncode == 0, res.stdout
    # h3 reaches h2 round by the root: h2's MAC is learned behind e31, never e32
    fdb = ok(h["h3"], "bridge fdb show br br0")
    assert "02:00:00:00:02:01 dev e31 master br0" in fdb
    learned = [line for line in fdb.splitlines()
               if "master br0" in line and "permanent" not in line]
    assert learned and not any("dev e32" in line for line in learned)


def test_a_lower_priority_moves_the_root_at_once():
    lab, h = ring3()
    lab.run(10)
    ok(h["h3"], "ip link set br0 type bridge priority 4096")
    lab.run(0.01)  # h3 sends its BPDUs at once; they cross each veth in a microsecond
    br3 = h["h3"].bridge("br0")
    for name in ("h1", "h2", "h3"):
        assert h[name].bridge("br0").designated_root == br3.stp_id
    # h2's root port is now its direct link to h3
    assert h["h2"].bridge("br0").root_port == 2
    assert states(h["h3"])["e32"] == "listening"  # was blocking: on its way to forwarding
    # h1 relays the new root to h2 once its hold timer lets it (a BPDU a second at most):
    # h1 offers cost 2 too and has the lower id, so h2's port towards h1 blocks
    assert states(h["h2"])["e21"] == "forwarding"
    lab.run(1.5)
    assert states(h["h2"])["e21"] == "blocking"


def test_a_higher_cost_moves_the_root_port_and_the_blocked_port():
    lab, h = ring3()
    lab.run(10)
    ok(h["h3"], "bridge link set dev e31 cost 10")  # via h2 now costs 2 + 2 = 4
    lab.run(0.01)
    br3 = h["h3"].bridge("br0")
    assert (br3.root_port, br3.root_path_cost) == (2, 4)
    assert states(h["h3"]) == {"e31": "blocking", "e32": "listening"}
    lab.run(8.5)
    assert states(h["h3"]) == {"e31": "blocking", "e32": "forwarding"}


def test_the_root_ports_priority_picks_between_parallel_links():
    lab, h = pair(links=2)
    lab.run(10)
    assert states(h["h2"]) == {"b1": "forwarding", "b2": "blocking"}
    ok(h["h2"], "brctl setportprio br0 b2 0")  # our own port id: not what decides
    lab.run(2)
    assert states(h["h2"]) == {"b1": "forwarding", "b2": "blocking"}
    ok(h["h1"], "bridge link set dev a2 priority 16")  # the root's port id decides
    lab.run(2)  # the root's next hello carries port id 4002
    assert h["h2"].bridge("br0").root_port == 2
    assert states(h["h2"]) == {"b1": "blocking", "b2": "listening"}


def test_stp_off_leaves_the_blocked_port_blocking_until_its_information_ages_out():
    lab, h = ring3()
    lab.run(10)
    ok(h["h3"], "ip link set br0 type bridge stp_state 0")
    lab.run(2.5)
    assert states(h["h3"])["e32"] == "blocking"  # turning STP off changes no port state
    # ... but the port's message age timer still runs: after max_age (6 s) the port
    # forgets its neighbour and, STP being off, forwards. h3 now passes BPDUs on like any
    # multicast, so h2 hears the root through h3 as well and blocks e23 itself.
    lab.run(5)
    assert states(h["h3"]) == {"e31": "forwarding", "e32": "forwarding"}
    assert states(h["h2"]) == {"e21": "forwarding", "e23": "blocking"}


def test_a_disabled_port_keeps_its_designated_ids_when_the_priority_changes():
    lab, h = pair(links=1, stp=False)
    ok(h["h1"], "ip link set br0 down && ip link set br0 type bridge priority 4096")
    port = h["h1"].bridge("br0").ports[0]
    assert port.state == "disabled"
    assert port.designated_bridge.priority == 0x8000  # only enabled ports are updated
