"""Every spanning tree decision is a trace record: layer ``stp``, a reason in words, the
kernel function that took it -- what pictures and students read, never the model."""

from stp_labs import ring3

from netsim.bridge import stp
from netsim.packets import bpdu


def stp_records(lab, host=None):
    return [r for r in lab.trace.records if r.layer == "stp" and (host is None or r.host == host)]


def test_the_root_port_choice_reads_aloud():
    lab, _ = ring3()
    lab.run(3)
    chosen = [r for r in stp_records(lab, "h3") if r.func == "br_root_selection"]
    assert chosen[-1].dev == "e31"
    assert chosen[-1].reason == (
        "br0: BPDU on e31 from root 8000.02:00:00:00:01:02, cost 0, is better than ours: "
        "e31 becomes the root port (path cost 0 + 2 = 2)")


def test_the_blocked_port_says_which_port_is_better():
    lab, _ = ring3()
    lab.run(3)
    blocked = [r for r in stp_records(lab, "h3") if "entered blocking" in r.reason
               and r.func == "br_port_state_selection"]
    assert blocked[-1].dev == "e32"
    assert blocked[-1].reason == (
        "br0: port 2(e32) entered blocking state: a better designated port exists on this "
        "segment (8000.02:00:00:00:02:01 port 8002, root cost 2)")


def test_bpdus_are_records_with_their_bytes():
    lab, _ = ring3()
    lab.run(2.5)
    sent = [r for r in stp_records(lab, "h1") if r.action == "tx"]
    assert sent and all(r.func == "br_send_config_bpdu" for r in sent)
    message = bpdu.parse(sent[0].data)
    assert message.root == message.bridge_id  # the root speaks for itself
    assert sent[0].frame_id and sent[0].summary.endswith("802.3, STP BPDU, length 38")
    heard = [r for r in stp_records(lab) if r.action == "rx" and r.frame_id == sent[0].frame_id]
    assert heard and heard[0].func == "br_stp_rcv"


def test_port_states_reads_the_state_changes_back():
    lab, _ = ring3()
    lab.run(10)
    changes = [(host, port, state) for _, host, br, port, state in stp.port_states(lab.trace)
               if host == "h3" and br == "br0"]
    e32 = [state for host, port, state in changes if port == "e32"]
    assert e32 == ["blocking", "disabled", "blocking", "listening", "blocking"]
    e31 = [state for host, port, state in changes if port == "e31"]
    assert e31[-3:] == ["listening", "learning", "forwarding"]


def test_topology_changes_and_tcns_are_told_in_the_kernels_words():
    lab, _ = ring3()
    lab.run(10)
    texts = {(r.host, r.reason) for r in stp_records(lab) if r.dev == "br0"}
    assert ("h1", "br0: topology change detected, propagating") in texts
    assert ("h2", "br0: topology change detected, sending tcn bpdu") in texts
    assert any(r.func == "br_received_tcn_bpdu" and r.reason == "br0: port 1(e12) received "
               "tcn bpdu" for r in stp_records(lab, "h1"))


def test_bpdus_reads_them_back_decoded():
    lab, _ = ring3()
    lab.run(2.5)
    seen = stp.bpdus(lab.trace)
    first_tx = next(b for b in seen if b[1] == "h1" and b[3] == "tx")
    assert first_tx[2] in ("e12", "e13") and isinstance(first_tx[4], bpdu.ConfigBpdu)
    assert {b[3] for b in seen} == {"tx", "rx"}
