"""BPDUs as bytes (packets/bpdu.py, br_stp_bpdu.c) and on the wire of a simulated bridge."""

import pytest
from stp_labs import pair

from netsim.bridge.stp_bpdu import get_ticks, set_ticks
from netsim.packets import bpdu
from netsim.packets.addr import mac_aton

H1 = mac_aton("02:00:00:00:01:01")
ROOT = bpdu.BridgeId(0x8000, H1)

# Captured on Linux 6.18 (tests/oracle/expected/stp_bpdu_bytes.json): the root's hello,
# max_age 40 s, hello 1 s, forward_delay 2 s; a TCN; the root's answer to it (TC + TCA,
# hello 10 s); a configuration relayed by the next bridge (message age 1/256 s).
ROOT_HELLO = ("0180c2000000020000000101002642420300000000008000020000000101000000008000020000"
              "00010180010000280001000200")
TCN = "0180c2000000020000000201000742420300000080"
ACK = ("0180c20000000200000001010026424203000000008180000200000001010000000080000200000001"
       "018001000028000a000200")


def test_a_configuration_bpdu_is_35_bytes_behind_an_llc_header():
    message = bpdu.ConfigBpdu(False, False, ROOT, 0, ROOT, 0x8001, 0, 40 * 256, 256, 512)
    assert bpdu.frame(H1, message).hex() == ROOT_HELLO
    assert bpdu.parse(bytes.fromhex(ROOT_HELLO)) == message


def test_flags_and_a_tcn():
    ack = bpdu.parse(bytes.fromhex(ACK))
    assert ack.topology_change and ack.topology_change_ack and ack.hello_time == 10 * 256
    assert bpdu.frame(H1, ack).hex() == ACK
    tcn = bpdu.parse(bytes.fromhex(TCN))
    assert isinstance(tcn, bpdu.TcnBpdu)
    assert bpdu.frame(mac_aton("02:00:00:00:02:01"), tcn).hex() == TCN
    assert bpdu.describe(ack).endswith("[TC TCA]")


@pytest.mark.parametrize("hexstr", [
    ROOT_HELLO.replace("42420300000000", "42420300000200", 1),  # version 2 (RSTP)
    ROOT_HELLO.replace("424203", "aaaa03", 1),                   # SNAP, not STP
    ROOT_HELLO[:-8],                                             # 31 bytes of BPDU
    "0180c2000000020000000101" + "0806" + "00" * 40,             # Ethernet II
])
def test_what_the_bridge_does_not_read(hexstr):
    assert bpdu.parse(bytes.fromhex(hexstr)) is None


def test_times_go_out_rounded_down_and_come_in_rounded_up():
    assert set_ticks(250) == 256 and set_ticks(1) == 1  # one jiffy: one 1/256 s tick
    assert get_ticks(256) == 250 and get_ticks(1) == 1
    assert set_ticks(2 * 250) == 512


def test_the_root_sends_its_hellos_every_hello_time_on_its_designated_ports():
    lab, h = pair(links=1)
    lab.run(1.5)  # both came up believing they were the root: their first hellos crossed
    cap = h["h2"].capture("b1")
    lab.run(3)
    frames = cap.stop()
    sent = [bpdu.parse(bytes(f.data)) for f in frames]
    assert [f.pkttype for f in frames] == ["multicast"] * 3  # h2's root port says nothing
    assert all(m.root == h["h1"].bridge("br0").stp_id and m.message_age == 0 for m in sent)
    assert len(bytes(frames[0].data)) == 52  # veth pads nothing


def test_stp_off_sends_no_bpdu_and_arms_no_timer():
    lab, h = pair(links=2, stp=False)
    cap = h["h2"].capture("b1")
    lab.run(60)
    assert cap.stop() == []
    br = h["h1"].bridge("br0")
    assert not br.hello_timer.pending
    assert all(not p.hold_timer.pending and not p.message_age_timer.pending for p in br.ports)
