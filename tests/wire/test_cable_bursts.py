"""A burst of frames on one cable line: in order, on time, and without filling the
event queue (netsim.wire.cable: only the first frame of a burst waits in simpy's queue,
the rest in the cable's backlog for that line)."""

import netsim
from netsim.stack.skb import PACKET_HOST, Skb

LATENCY = 1e-3  # s: frames are still on their way long after the transmitter is free
BANDWIDTH = 8e6  # bit/s: a byte a microsecond
PAYLOAD = 100  # bytes after the Ethernet header: 114 + 24 bytes of overhead on the wire
FRAME_TIME = (14 + PAYLOAD + 24) * 8 / BANDWIDTH


def _line():
    lab = netsim.Lab(seed=0)
    lab.host("h1")
    lab.host("h2")
    cable = lab.link("h1:eth0", "h2:eth0", latency=LATENCY, bandwidth=BANDWIDTH)
    cable.a.open()
    cable.b.open()
    return lab, cable.a


def _send(nic, mark: int) -> None:
    """A broadcast frame of an EtherType nobody handles, its payload's first byte
    ``mark``: h2 receives it and says so in the trace, with the time."""
    frame = b"\xff" * 6 + nic.mac + b"\x88\xb5" + bytes([mark]) + bytes(PAYLOAD - 1)
    nic.queue_xmit(Skb(frame, nic.ns.new_frame_id(), nic, PACKET_HOST))


def _arrivals(lab) -> list[tuple[int, float]]:
    """(mark, time in us) of each frame h2's NIC received, in the order it did."""
    return [(r.data[14], round(r.time * 1e6, 3)) for r in lab.trace.records
            if r.host == "h2" and r.layer == "link" and r.action == "rx"]


def test_a_burst_arrives_in_order_back_to_back_and_keeps_the_event_queue_short():
    lab, nic = _line()
    queue = lab.env._queue
    for mark in range(50):
        lab.clock.call_soon(_send, nic, mark)
    depth = []
    for _ in range(40):
        lab.run(FRAME_TIME)
        depth.append(len(queue))
    lab.run(1.0)
    expected = [(k, round(((k + 1) * FRAME_TIME + LATENCY) * 1e6, 3)) for k in range(50)]
    assert _arrivals(lab) == expected
    assert max(depth) <= 3, depth  # one frame of the line in the queue, not fifty


def test_a_burst_behind_a_frame_sent_to_an_idle_line_keeps_its_place():
    """Three frames at once; at 0.5 ms (the transmitter idle again, the three still on
    the wire) one more, then another right behind it: five arrivals, in send order,
    each when serialisation and latency say."""
    lab, nic = _line()
    for mark in range(3):
        lab.clock.call_soon(_send, nic, mark)
    lab.clock.call_later(0.5e-3, _send, nic, 3)
    lab.clock.call_later(0.5e-3, _send, nic, 4)
    lab.run(1.0)
    leaves = [1, 2, 3]
    leaves += [0.5e-3 / FRAME_TIME + 1, 0.5e-3 / FRAME_TIME + 2]
    expected = [(k, round((n * FRAME_TIME + LATENCY) * 1e6, 3)) for k, n in enumerate(leaves)]
    assert _arrivals(lab) == expected
