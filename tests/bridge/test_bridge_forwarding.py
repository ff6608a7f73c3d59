"""The bridge's decision, seen through the fds, captures, `bridge fdb` and the trace."""

from lab_builders import VM1, VM2, bridge_with_taps_and_lan, ok, raw_frame

from netsim.packets.addr import BROADCAST_MAC, mac_aton

UNKNOWN = mac_aton("02:99:99:99:99:99")


def last_frame_id(lab):
    return lab.trace.records[-1].frame_id if lab.trace.records else 0


def write_and_id(lab, vm, frame):
    before = len(lab.trace)
    vm.write(frame)
    return lab.trace.records[before].frame_id


def test_unknown_unicast_is_flooded_to_other_ports_not_up_and_not_back():
    lab, host, lan, (vm1, vm2) = bridge_with_taps_and_lan()
    # lan's eth0 is a NIC on a cable: it filters other MACs in hardware unless promiscuous
    c_lan = lan.capture("eth0")
    vm1.write(raw_frame(UNKNOWN, VM1))
    assert len(vm2.read(timeout=0.1)) == 1
    assert c_lan.stop() == []
    c_lan = lan.capture("eth0", promisc=True)
    c_br0 = host.capture("br0")
    fid = write_and_id(lab, vm1, raw_frame(UNKNOWN, VM1))
    assert len(vm2.read(timeout=0.1)) == 1
    assert vm1.read() == []  # never back out of the ingress port
    assert [f.pkttype for f in c_lan.stop()] == ["otherhost"]
    assert c_br0.stop() == []  # unknown unicast is not passed up
    flood = lab.trace.filter(frame=fid, action="flood")
    assert len(flood) == 1 and flood[0].func == "br_flood"
    assert "not in the FDB" in flood[0].reason and "tap1, eth0" in flood[0].reason


def test_broadcast_is_flooded_and_passed_up():
    lab, host, lan, (vm1, vm2) = bridge_with_taps_and_lan()
    c_br0 = host.capture("br0")
    fid = write_and_id(lab, vm1, raw_frame(BROADCAST_MAC, VM1))
    assert len(vm2.read(timeout=0.1)) == 1
    assert [f.pkttype for f in c_br0.stop()] == ["broadcast"]
    kinds = [r.action for r in lab.trace.filter(frame=fid, layer="bridge")]
    assert kinds.index("flood") < kinds.index("pass-up")  # br_flood first, then up


def test_known_unicast_goes_only_to_the_learned_port():
    lab, host, lan, (vm1, vm2) = bridge_with_taps_and_lan()
    vm2.write(raw_frame(BROADCAST_MAC, VM2))  # the bridge learns VM2 behind tap1
    vm1.read(timeout=0.1)
    c_lan = lan.capture("eth0")
    fid = write_and_id(lab, vm1, raw_frame(VM2, VM1))
    assert len(vm2.read(timeout=0.1)) == 1
    assert c_lan.stop() == []
    forward = lab.trace.filter(frame=fid, action="forward")
    assert [r.func for r in forward] == ["br_forward"]
    assert "behind tap1" in forward[0].reason
    assert "52:54:00:00:00:02 dev tap1 master br0" in ok(host, "bridge fdb show br br0")


def test_frame_to_a_mac_behind_the_ingress_port_is_dropped():
    lab, host, lan, (vm1, vm2) = bridge_with_taps_and_lan()
    vm1.write(raw_frame(BROADCAST_MAC, VM1))
    vm2.read(timeout=0.1)
    # A second guest behind the same tap (as if tap0 led to another switch) talks to VM1.
    fid = write_and_id(lab, vm1, raw_frame(VM1, mac_aton("52:54:00:00:00:03")))
    drops = lab.trace.filter(frame=fid, action="drop")
    assert drops and "not sent back" in drops[0].reason
    assert vm2.read(timeout=0.1) == []


def test_learning_is_recorded_with_the_port():
    lab, host, lan, (vm1, _vm2) = bridge_with_taps_and_lan()
    fid = write_and_id(lab, vm1, raw_frame(BROADCAST_MAC, VM1))
    learn = lab.trace.filter(frame=fid, action="learn")
    assert len(learn) == 1 and learn[0].func == "br_fdb_update"
    assert learn[0].reason == "br0: learned 52:54:00:00:00:01 on tap0"
    assert "52:54:00:00:00:01 dev tap0 master br0 \n" in ok(host, "bridge fdb show br br0")


def test_frames_for_the_bridge_mac_are_passed_up_and_answered():
    lab, host, lan, (vm1, _vm2) = bridge_with_taps_and_lan()
    ok(host, "ip addr add 10.0.0.1/24 dev br0")
    result = lan.sh("ping -c 1 10.0.0.1")
    assert result.returncode == 0, result.stdout
    assert "1 received" in result.stdout
    assert lab.trace.filter(host="host", dev="br0", action="pass-up")


def test_stp_bpdu_group_address_is_forwarded_when_stp_is_off_but_pause_is_dropped():
    lab, host, lan, (vm1, vm2) = bridge_with_taps_and_lan()
    stp = raw_frame(mac_aton("01:80:c2:00:00:00"), VM1)
    assert len(vm1.write(stp) and vm2.read(timeout=0.1)) == 1
    pause = raw_frame(mac_aton("01:80:c2:00:00:01"), VM1)
    fid = write_and_id(lab, vm1, pause)
    assert vm2.read(timeout=0.1) == []
    assert "PAUSE" in lab.trace.filter(frame=fid, action="drop")[0].reason
