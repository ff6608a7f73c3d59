"""The bridge's MAC: the lowest port MAC, unless set by hand (seed claim S4 vs Linux 6.18)."""

from lab_builders import ok

import netsim


def br0_mac(host) -> str:
    return ok(host, "cat /sys/class/net/br0/address").strip()


def make():
    lab = netsim.Lab(seed=1)
    h = lab.host("h1")
    ok(h, "ip link add name br0 type bridge")
    for i, mac in enumerate(("02:00:00:00:00:30", "02:00:00:00:00:20", "02:00:00:00:00:10")):
        ok(h, f"ip link add eth{i} address {mac} type veth peer name peer{i}")
    return lab, h


def test_lowest_port_mac_is_recalculated_on_add_remove_and_change():
    lab, h = make()
    ok(h, "ip link set eth0 master br0")
    assert br0_mac(h) == "02:00:00:00:00:30"
    ok(h, "ip link set eth1 master br0")
    assert br0_mac(h) == "02:00:00:00:00:20"
    ok(h, "ip link set eth1 address 02:00:00:00:00:05")
    assert br0_mac(h) == "02:00:00:00:00:05"
    ok(h, "ip link set eth1 nomaster")
    assert br0_mac(h) == "02:00:00:00:00:30"
    changes = [r for r in lab.trace if r.func == "br_stp_change_bridge_id"]
    assert len(changes) == 4
    assert "lowest port MAC 02:00:00:00:00:30" in changes[-1].reason


def test_hand_set_mac_need_not_match_a_port_and_sticks():
    lab, h = make()
    ok(h, "ip link set eth0 master br0")
    ok(h, "ip link set br0 address 02:00:00:00:00:99")
    assert br0_mac(h) == "02:00:00:00:00:99"
    ok(h, "ip link set eth2 master br0")  # a lower port MAC no longer takes over
    assert br0_mac(h) == "02:00:00:00:00:99"
    assert "8000.020000000099" in ok(h, "brctl show")
    note = [r for r in lab.trace if r.func == "br_set_mac_address"]
    assert note and "S4" in note[0].reason and "Linux 6.18" in note[0].reason


def test_multicast_or_zero_mac_is_refused_and_nothing_changes():
    _lab, h = make()
    ok(h, "ip link set eth0 master br0")
    for bad in ("01:00:00:00:00:01", "00:00:00:00:00:00"):
        result = h.sh(f"ip link set br0 address {bad}")
        assert (result.returncode, result.stderr) == (
            2, "RTNETLINK answers: Cannot assign requested address\n")
        assert br0_mac(h) == "02:00:00:00:00:30"
