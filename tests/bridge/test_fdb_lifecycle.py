"""FDB entries come and go: ageing, static entries, flush on port down, local entries."""

from lab_builders import VM1, bridge_with_taps_and_lan, ok, raw_frame

from netsim.packets.addr import BROADCAST_MAC


def dynamic(host) -> str:
    return ok(host, "bridge fdb show br br0 dynamic")


def test_learned_entry_ages_out_after_ageing_time_of_silence():
    lab, host, _lan, (vm1, _vm2) = bridge_with_taps_and_lan()
    ok(host, "ip link set br0 type bridge ageing_time 300")  # centiseconds: 3 s
    vm1.write(raw_frame(BROADCAST_MAC, VM1))
    learned_at = lab.now
    lab.run(2.5)
    assert "52:54:00:00:00:01 dev tap0" in dynamic(host)
    lab.run(1.0)
    assert "52:54:00:00:00:01" not in dynamic(host)
    aged = [r for r in lab.trace if r.action == "age"]
    assert len(aged) == 1 and aged[0].func == "br_fdb_cleanup"
    assert 3.0 <= aged[0].time - learned_at < 3.0 + 0.011
    # local (permanent) entries never age
    assert "fe:54:00:00:00:01 dev tap0 master br0 permanent" in ok(host, "bridge fdb show br br0")


def test_traffic_refreshes_an_entry():
    lab, host, _lan, (vm1, _vm2) = bridge_with_taps_and_lan()
    ok(host, "brctl setageing br0 3")
    for _ in range(4):
        vm1.write(raw_frame(BROADCAST_MAC, VM1))
        lab.run(2.0)
    assert "52:54:00:00:00:01" in dynamic(host)


def test_static_entry_never_ages_and_steers_frames():
    lab, host, lan, (vm1, vm2) = bridge_with_taps_and_lan()
    ok(host, "bridge fdb add 52:54:00:00:00:09 dev tap1 master static")
    ok(host, "ip link set br0 type bridge ageing_time 100")
    lab.run(5)
    assert "52:54:00:00:00:09 dev tap1 master br0 static" in ok(host, "bridge fdb show br br0")
    from netsim.packets.addr import mac_aton

    vm1.write(raw_frame(mac_aton("52:54:00:00:00:09"), VM1))
    assert len(vm2.read(timeout=0.1)) == 1


def test_port_down_flushes_its_learned_entries():
    lab, host, _lan, (vm1, _vm2) = bridge_with_taps_and_lan()
    vm1.write(raw_frame(BROADCAST_MAC, VM1))
    assert "52:54:00:00:00:01" in dynamic(host)
    ok(host, "ip link set tap0 down")
    assert "52:54:00:00:00:01" not in dynamic(host)
    flush = [r for r in lab.trace if r.action == "flush"]
    assert flush and flush[-1].func == "br_fdb_delete_by_port" and flush[-1].dev == "tap0"
    assert "disabled" in ok(host, "bridge link show dev tap0")


def test_removing_a_port_removes_its_local_entry():
    _lab, host, _lan, _vms = bridge_with_taps_and_lan()
    assert "fe:54:00:00:00:02 dev tap1 master br0 permanent" in ok(host, "bridge fdb show")
    ok(host, "ip link set tap1 nomaster")
    assert "fe:54:00:00:00:02 dev tap1 master" not in ok(host, "bridge fdb show")
