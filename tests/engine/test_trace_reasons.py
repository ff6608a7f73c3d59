"""Reason texts worded when read, or remembered, are still right.

The per-frame path keeps plain values and words the reasons when the trace is read
(see netsim.engine.trace), and ``ip_ntoa`` remembers dotted quads. A text must never go
stale or be worded from what changed later: these tests change what the text depends
on (a device's name, a frame's size) and read the trace again.
"""

from lab_builders import ok, two_hosts

import netsim
from netsim.packets.addr import ip_ntoa
from netsim.wire.cable import FCS, PREAMBLE_AND_GAP


def _wire_reasons(lab: netsim.Lab, host: str) -> list[str]:
    return [r.reason for r in lab.trace.filter(host=host, layer="wire")]


def test_a_renamed_nic_gets_a_new_cable_text():
    lab, h1, _ = two_hosts(seed=1)
    ok(h1, "ping -c 1 10.0.0.2")
    lab.run(1)
    assert _wire_reasons(lab, "h1")[-1].startswith("on the cable h1:eth0 -> h2:eth0,")
    ok(h1, "ip link set eth0 down && ip link set eth0 name lan0 && ip link set lan0 up")
    lab.trace.clear()
    ok(h1, "ping -c 1 10.0.0.2")
    lab.run(1)
    reasons = _wire_reasons(lab, "h1")
    assert reasons and all(r.startswith("on the cable h1:lan0 -> h2:eth0,") for r in reasons)


def test_the_far_end_renamed_is_named_anew_on_the_cable():
    # The cable names its far end from a text each device keeps up to date
    # (NetDevice.qualified_name): a rename there shows in the next frame's record.
    lab, h1, h2 = two_hosts(seed=1)
    ok(h2, "ip link set eth0 down && ip link set eth0 name wan0 && ip link set wan0 up")
    ok(h1, "ping -c 1 10.0.0.2")
    lab.run(1)
    reasons = _wire_reasons(lab, "h1")
    assert reasons and all(r.startswith("on the cable h1:eth0 -> h2:wan0,") for r in reasons)
    assert any(r.startswith("on the cable h2:wan0 -> h1:eth0,") for r in _wire_reasons(lab, "h2"))


def test_a_reason_worded_when_read_keeps_the_names_of_its_time():
    # Rows keep the names, not the devices: a rename after the frame left does not
    # rewrite what the trace says about it, even when the trace is read only afterwards.
    lab, h1, _ = two_hosts(seed=1)
    ok(h1, "ping -c 1 10.0.0.2")
    lab.run(1)
    ok(h1, "ip link set eth0 down && ip link set eth0 name lan0")
    reasons = _wire_reasons(lab, "h1")
    assert reasons and all(r.startswith("on the cable h1:eth0 -> h2:eth0,") for r in reasons)
    tx = lab.trace.filter(host="h1", layer="link", action="tx")
    assert tx and all(r.dev == "eth0" and r.reason == "eth0: driver puts the frame on the wire"
                      for r in tx)


def test_each_frame_size_gets_its_own_delay():
    lab, h1, _ = two_hosts(seed=1)
    ok(h1, "ping -c 1 10.0.0.2")
    ok(h1, "ping -c 1 -s 1000 10.0.0.2")
    lab.run(2)
    for record in lab.trace.filter(host="h1", layer="wire"):
        size = max(len(record.data), 60)  # the NIC pads short frames
        delay_us = ((size + FCS + PREAMBLE_AND_GAP) * 8 / 1e9 + 5e-6) * 1e6
        assert record.reason.endswith(f"arrives in {delay_us:.2f} us"), record.reason
    delays = {r.reason.rsplit(" in ", 1)[1] for r in lab.trace.filter(layer="wire")}
    assert len(delays) >= 2  # a small and a large frame: two different texts


def test_ip_ntoa_is_the_same_text_for_any_bytes_like():
    addr = bytes((192, 168, 7, 200))
    assert ip_ntoa(addr) == ip_ntoa(addr) == "192.168.7.200"
    assert ip_ntoa(bytearray(addr)) == "192.168.7.200"   # unhashable: formatted, not cached
    assert ip_ntoa(memoryview(addr)) == "192.168.7.200"
    assert ip_ntoa(bytes((10, 0, 0, 1))) == "10.0.0.1"


def _arrival(lab: netsim.Lab, host: str) -> list[tuple[str, str, str, str]]:
    return [(r.layer, r.action, r.func, r.reason) for r in lab.trace.filter(host=host)
            if r.layer in ("ip", "udp")]


def test_a_udp_arrival_reads_as_three_steps_though_it_is_one_row():
    lab, h1, h2 = two_hosts(seed=1)
    server = h2.udp_socket(9)
    h1.udp_socket(5000).sendto(b"hello", ("10.0.0.2", 9))
    lab.run(1)
    assert server.recv() == [(b"hello", ("10.0.0.1", 5000))]
    assert _arrival(lab, "h2") == [
        ("ip", "rx", "ip_rcv", "IPv4 10.0.0.1 -> 10.0.0.2 arrives on eth0"),
        ("ip", "deliver", "ip_local_deliver",
         "10.0.0.2 is this host's address: delivered locally"),
        ("udp", "deliver", "udp_queue_rcv_skb", "UDP port 9: queued on the socket"),
    ]
    rx = lab.trace.filter(host="h2", layer="ip", action="rx")[0]
    assert rx.data[9] == 17 and len(rx.data) == 20 + 8 + 5  # the IPv4 packet, not the frame
    assert lab.trace.filter(host="h2", layer="udp")[0].fact("port") == 9


def test_a_datagram_for_no_socket_still_shows_every_step_before_its_drop():
    lab, h1, _ = two_hosts(seed=1)
    h1.udp_socket(5000).sendto(b"hello", ("10.0.0.2", 9))
    lab.run(1)
    steps = _arrival(lab, "h2")
    assert [s[:3] for s in steps[:3]] == [("ip", "rx", "ip_rcv"),
                                          ("ip", "deliver", "ip_local_deliver"),
                                          ("ip", "drop", "__udp4_lib_rcv")]
    assert steps[2][3] == "no socket on UDP port 9: port unreachable"


def test_a_frame_forwarded_by_a_bridge_reads_as_entering_then_forwarded():
    lab = netsim.Lab(seed=2)
    sw = lab.host("sw")
    ok(sw, "ip link add name br0 type bridge && ip link set br0 up")
    for i in (1, 2):
        lab.host(f"h{i}")
        lab.link(f"h{i}:eth0", f"sw:p{i}")
        ok(sw, f"ip link set p{i} master br0 && ip link set p{i} up")
        ok(lab.host(f"h{i}"), f"ip addr add 10.0.0.{i}/24 dev eth0 && ip link set eth0 up")
    ok(lab.host("h1"), "ping -c 2 10.0.0.2")
    seen = [(r.dev, r.action, r.func) for r in lab.trace.filter(host="sw", layer="bridge")
            if r.action in ("rx", "forward", "flood", "learn")]
    # the first request is flooded (its destination is not known yet), the rest forwarded
    assert seen[:3] == [("p1", "rx", "br_handle_frame"), ("br0", "learn", "br_fdb_update"),
                        ("br0", "flood", "br_flood")]
    forwarded = [i for i, s in enumerate(seen) if s[1] == "forward"]
    assert len(forwarded) >= 3
    for i in forwarded:  # right after it came in (and, the first time, was learned)
        before = seen[i - 1] if seen[i - 1][1] == "rx" else seen[i - 2]
        assert before[1:] == ("rx", "br_handle_frame") and before[0] in ("p1", "p2")
        assert seen[i - 1][1] in ("rx", "learn")
    fwd = lab.trace.filter(host="sw", action="forward")[-1]
    assert fwd.reason == (f"br0: {fwd.dst_mac} is in the FDB behind {fwd.fact('port')}: "
                          f"forwarding to {fwd.fact('port')} only")


def test_a_subscriber_hears_every_record_the_trace_keeps_and_can_stop():
    lab, h1, h2 = two_hosts(seed=1)
    heard: list = []
    lab.trace.subscribe(heard.append)
    since = len(lab.trace)
    server = h2.udp_socket(9)
    h1.udp_socket(5000).sendto(b"hello", ("10.0.0.2", 9))  # the per-frame path's rows
    ok(h1, "ping -c 1 10.0.0.2")
    lab.run(1)
    assert server.recv()
    kept = [r.as_tuple() for r in lab.trace.records[since:]]
    assert len(kept) > 20 and [r.as_tuple() for r in heard] == kept
    lab.trace.unsubscribe(heard.append)
    before = len(heard)
    ok(h1, "ping -c 1 10.0.0.2")
    lab.run(1)
    assert len(heard) == before and lab.trace.listeners == ()


def test_a_frame_for_another_mac_is_dropped_by_the_nic_filter_and_said_so():
    # The filter's drop is a prebuilt step worded when read (NIC.rx_filtered_step):
    # the record says what Trace.hop said before, and nothing counts the frame.
    lab, h1, h2 = two_hosts(seed=1)
    ok(h1, "ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:99 dev eth0")
    before = h2.ns.get("eth0").stats["rx_packets"]
    ok(h1, "ping -c 1 -W 1 10.0.0.9 || true")
    lab.run(1)
    drops = lab.trace.filter(host="h2", layer="link", action="drop")
    assert [(r.dev, r.func, r.reason) for r in drops] == [
        ("eth0", "nic_rx_filter",
         "eth0: hardware filter drops a frame for another MAC (not promiscuous)")]
    assert drops[0].data[:6] == bytes.fromhex("020000000099")
    assert h2.ns.get("eth0").stats["rx_packets"] == before
