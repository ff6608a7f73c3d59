"""A full-duplex Ethernet cable: propagation delay plus serialisation at a bit rate.

Each direction is a line that carries one frame at a time: a frame starts when the
previous one has left, takes ``8 * len / bandwidth`` seconds to put on the wire and
``latency`` seconds to reach the far end.

A line delivers in order, so of a burst of frames queued on it only the first needs a
place in the simulation's event queue: each of the others waits with the frame ahead
of it and goes into the event queue when that one arrives (as a NIC's transmit ring
holds frames until the wire is free). A flood then keeps the event queue about as
short as the number of lines, not of frames: a bridge of 256 ports flooding 128
frames would otherwise fill it with 32,000 entries, and every push and pop would pay
for their depth. The event queue pops entries in order of their key (time, priority,
id); each key is still made when its frame is sent, and a frame waits only behind one
whose key is smaller -- still queued, so it cannot be due before it joins: the
simulation runs in exactly the same order. (A frame due before the one ahead of it --
the cable's ``latency`` lowered in the middle of a burst, or a bit time below the
clock's rounding -- goes straight into the event queue, as every frame used to.)
"""

from __future__ import annotations

from heapq import heappush
from typing import TYPE_CHECKING

from simpy.events import NORMAL

from netsim.engine.trace import Step, TraceRecord
from netsim.packets.ethernet import ETH_ZLEN
from netsim.stack.skb import PACKET_HOST, Skb

if TYPE_CHECKING:
    from netsim.devices.nic import Nic

DEFAULT_LATENCY = 5e-6        # 1 km of copper or fibre
DEFAULT_BANDWIDTH = 1e9       # 1 Gbit/s
PREAMBLE_AND_GAP = 20         # 8 bytes preamble + 12 bytes inter-frame gap, plus the FCS below
FCS = 4
_OVERHEAD_BYTES = FCS + PREAMBLE_AND_GAP
_PAD = bytes(ETH_ZLEN)


class _Xmit(Step):
    """A NIC's driver puts a frame on the wire, and the cable carries it: one row, two records.

    The row holds the frame as the driver had it (``data``), the far end as
    ``"host:dev"`` (``a``) and the delay until it arrives (``b``, seconds). The wire's
    record shows the frame as sent: padded to 60 bytes, as the NIC's hardware does.
    Facts of the wire record: ``to`` (the far end), ``delay`` (seconds).
    """

    def __init__(self) -> None:
        super().__init__("wire", "tx", "phy")
        self.width = 2

    def records(self, time, host, dev, frame_id, data, a, b) -> list[TraceRecord]:
        size = len(data)
        return [
            TraceRecord(time, host, dev, "link", "tx", frame_id,
                        f"{dev}: driver puts the frame on the wire", "ndo_start_xmit", data),
            TraceRecord(time, host, "", "wire", "tx", frame_id,
                        f"on the cable {host}:{dev} -> {a}, arrives in {b * 1e6:.2f} us",
                        "phy", data + _PAD[size:] if size < ETH_ZLEN else data,
                        facts={"to": a, "delay": b}),
        ]


XMIT = _Xmit()


class _Arrival(Skb):
    """A frame reaching the far NIC: an entry of simpy's event queue that is also the
    skb the NIC receives it as, so a hop makes one object, not two.

    :meth:`Cable.transmit` fills it in itself (no ``__init__``: a Python call less per
    hop): ``data``, ``frame_id``, ``dev`` (the receiving NIC), ``pkttype`` (PACKET_HOST
    until the NIC's filter decides) and ``callbacks``, what simpy calls when its time
    comes -- the NIC's receive itself (``Nic.wire_rx_callbacks``), so the arrival is no
    extra Python call either; or, for a frame with another of its burst waiting behind
    it, :meth:`Cable._relay`, which first puts ``successor`` (that one's queue entry)
    into the event queue.
    """

    __slots__ = ("callbacks", "successor")
    _ok = True
    _value = None
    _defused = True


_new_arrival = object.__new__


class Cable:
    def __init__(self, lab, a: Nic, b: Nic, latency: float = DEFAULT_LATENCY,
                 bandwidth: float = DEFAULT_BANDWIDTH) -> None:
        self.lab = lab
        self.a, self.b = a, b
        self.latency = latency
        self.bandwidth = bandwidth
        self._byte_time = 8 / bandwidth
        self._env = lab.env
        # simpy's event queue itself (Environment.schedule's work written out in
        # transmit: a Python call less per hop; netsim.engine.clock.simpy_contract)
        self._queue = lab.env._queue
        self._eid = lab.env._eid
        self._trace = lab.trace
        a.cable = b.cable = self
        a.cable_peer, b.cable_peer = b, a
        a.tx_busy_until = b.tx_busy_until = 0.0  # when each end's transmitter is free
        # A burst (see the module's docstring): per sending end, the latest frame that
        # had to wait for the transmitter and when it is due (a frame sent to an idle
        # line leaves them as they are: one old frame per end may stay referenced).
        # Kept here, not on the NICs: a NIC with more than about 30 attributes loses
        # CPython's shared-key instance dict, and every attribute read on the per-frame
        # path gets slower.
        self._bursts: dict[Nic, list] = {a: [None, 0.0], b: [None, 0.0]}
        self._relay_callbacks = (self._relay,)

    def other(self, nic: Nic) -> Nic:
        return self.b if nic is self.a else self.a

    def link_check(self) -> None:
        """Link pulses: both ends have carrier exactly when both are up."""
        both = self.a.admin_up and self.b.admin_up
        self.a.set_carrier(both)
        self.b.set_carrier(both)

    def transmit(self, sender: Nic, data: bytes, frame_id: int) -> None:
        """Pad to 60 bytes (the NIC's hardware does), serialise after the previous frame,
        propagate, arrive at the far NIC."""
        now = self._env._now  # simpy's clock itself: Environment.now is a property (a call)
        start = sender.tx_busy_until
        waits = start > now  # the transmitter is still busy with the frame before
        if not waits:
            start = now
        size = len(data)
        wire = data + _PAD[size:] if size < ETH_ZLEN else data
        done = start + (len(wire) + _OVERHEAD_BYTES) * self._byte_time
        sender.tx_busy_until = done
        arrival = done + self.latency
        receiver = sender.cable_peer
        trace = self._trace
        if trace.enabled:
            trace.add((now, XMIT, sender.ns.name, sender.name, frame_id, data,
                       receiver.qualified_name, arrival - now))
        event = _new_arrival(_Arrival)
        event.data = wire
        event.frame_id = frame_id
        event.dev = receiver
        event.pkttype = PACKET_HOST
        event.callbacks = receiver.wire_rx_callbacks
        due = now + (arrival - now)
        entry = (due, NORMAL, next(self._eid), event)
        if waits:  # a burst: behind the frame before, if that one is still on its way
            burst = self._bursts[sender]
            last, last_due = burst
            burst[0], burst[1] = event, due
            if (last is not None and last.callbacks is not None  # simpy empties them
                    and due >= last_due):  # and due no earlier than that one
                last.successor = entry
                last.callbacks = self._relay_callbacks
                return
        heappush(self._queue, entry)

    def _relay(self, event: _Arrival) -> None:
        """A frame arrives that has the next frame of its burst waiting behind it: that
        one joins the event queue, then the NIC receives this one (through the same
        callbacks as a frame with nothing behind it)."""
        heappush(self._queue, event.successor)
        event.successor = None  # the skb may live on; the frame behind it need not
        for callback in event.dev.wire_rx_callbacks:
            callback(event)
