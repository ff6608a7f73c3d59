"""A burst of frames on one cable line: in order, on time, and without filling the
event queue (netsim.wire.cable: only the first frame of a burst waits in simpy's queue,
the rest in the cable's backlog for that line)."""

import math

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


def _send(nic, mark: int, payload: int = PAYLOAD) -> None:
    """A broadcast frame of an EtherType nobody handles, its payload's first byte
    ``mark``: h2 receives it and says so in the trace, with the time."""
    frame = b"\xff" * 6 + nic.mac + b"\x88\xb5" + bytes([mark]) + bytes(payload - 1)
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


def _times_never_go_back(lab) -> bool:
    times = [r.time for r in lab.trace.records]
    return all(a <= b for a, b in zip(times, times[1:], strict=False))


def test_a_frame_due_before_the_one_ahead_of_it_is_not_held_back():
    """The cable made shorter in the middle of a burst: the last frame is due long
    before the three ahead of it, and arrives then -- it must not wait behind them."""
    lab, nic = _line()
    cable = nic.cable

    def burst() -> None:
        for mark in range(3):
            _send(nic, mark)
        cable.latency = 1e-6
        _send(nic, 3)

    lab.clock.call_soon(burst)
    lab.run(1.0)
    leaves = [4, 1, 2, 3]  # in frame times; frame 3 left last but has 1 us to go
    expected = [(3, round((leaves[0] * FRAME_TIME + 1e-6) * 1e6, 3))]
    expected += [(k, round((leaves[k + 1] * FRAME_TIME + LATENCY) * 1e6, 3)) for k in range(3)]
    assert _arrivals(lab) == expected
    assert _times_never_go_back(lab)


def test_bursts_whose_bit_time_is_below_the_clocks_rounding_keep_time_moving_forward():
    """At 1e19 bit/s a frame takes less than the clock's rounding step after a while:
    two frames of one burst can be due in either order. Each is delivered when due."""
    lab = netsim.Lab(seed=0)
    lab.host("h1")
    lab.host("h2")
    cable = lab.link("h1:eth0", "h2:eth0", latency=1.3, bandwidth=1e19)
    cable.a.open()
    cable.b.open()
    lab.run(0.3)
    for i in range(6):
        lab.clock.call_later(i * math.ulp(0.3), lambda i=i: [_send(cable.a, 10 * i + k, 46)
                                                             for k in range(5)])
    lab.run(2.0)
    assert len(_arrivals(lab)) == 30
    assert _times_never_go_back(lab)
