"""A full-duplex Ethernet cable: propagation delay plus serialisation at a bit rate.

Each direction is a line that carries one frame at a time: a frame starts when the
previous one has left, takes ``8 * len / bandwidth`` seconds to put on the wire and
``latency`` seconds to reach the far end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simpy.events import NORMAL

if TYPE_CHECKING:
    from netsim.devices.nic import Nic

DEFAULT_LATENCY = 5e-6        # 1 km of copper or fibre
DEFAULT_BANDWIDTH = 1e9       # 1 Gbit/s
PREAMBLE_AND_GAP = 20         # 8 bytes preamble + 12 bytes inter-frame gap, plus the FCS below
FCS = 4
_OVERHEAD_BYTES = FCS + PREAMBLE_AND_GAP
_MAX_REASONS = 256  # trace texts remembered per cable (see Cable._tx_reason)


class _Arrival:
    """A frame reaching the far NIC: an entry of simpy's event queue (see Clock.call_later)."""

    __slots__ = ("callbacks", "nic", "data", "frame_id")
    _ok = True
    _value = None
    _defused = True

    def __init__(self, nic: Nic, data: bytes, frame_id: int) -> None:
        self.nic = nic
        self.data = data
        self.frame_id = frame_id
        self.callbacks = _ARRIVE

    def arrive(self) -> None:
        self.nic.wire_rx(self.data, self.frame_id)


_ARRIVE = (_Arrival.arrive,)


class Cable:
    def __init__(self, lab, a: Nic, b: Nic, latency: float = DEFAULT_LATENCY,
                 bandwidth: float = DEFAULT_BANDWIDTH) -> None:
        self.lab = lab
        self.a, self.b = a, b
        self.latency = latency
        self.bandwidth = bandwidth
        self._byte_time = 8 / bandwidth
        self._env = lab.env
        self._schedule = lab.env.schedule  # simpy's public scheduling call, bound once
        self._trace = lab.trace
        a.cable = b.cable = self
        a.cable_peer, b.cable_peer = b, a
        a.tx_busy_until = b.tx_busy_until = 0.0  # when each end's transmitter is free
        self._reasons: dict[tuple[str, str, float], str] = {}  # see _tx_reason

    def other(self, nic: Nic) -> Nic:
        return self.b if nic is self.a else self.a

    def link_check(self) -> None:
        """Link pulses: both ends have carrier exactly when both are up."""
        both = self.a.admin_up and self.b.admin_up
        self.a.set_carrier(both)
        self.b.set_carrier(both)

    def _tx_reason(self, sender: Nic, receiver: Nic, delay: float) -> str:
        """"on the cable h1:eth0 -> sw:p1, arrives in 5.78 us", remembered.

        Formatting this (a float to 2 decimals and four names) cost ~620 ns per frame,
        a quarter of what tracing added to a cable hop; a steady stream of equal-sized
        frames has one delay, so the text is looked up (~100 ns) instead. The key holds
        the device names, so a renamed NIC gets a new text.
        """
        key = (sender.name, receiver.name, delay)
        reasons = self._reasons
        text = reasons.get(key)
        if text is None:
            if len(reasons) >= _MAX_REASONS:  # a queue makes every delay new: stay bounded
                reasons.clear()
            text = reasons[key] = (f"on the cable {sender.ns.name}:{sender.name} -> "
                                   f"{receiver.ns.name}:{receiver.name}, arrives in "
                                   f"{delay * 1e6:.2f} us")
        return text

    def transmit(self, sender: Nic, data: bytes, frame_id: int) -> None:
        """Serialise after the previous frame, propagate, arrive at the far NIC."""
        now = self._env.now
        start = sender.tx_busy_until
        if start < now:
            start = now
        done = start + (len(data) + _OVERHEAD_BYTES) * self._byte_time
        sender.tx_busy_until = done
        arrival = done + self.latency
        receiver = sender.cable_peer
        trace = self._trace
        if trace.enabled:
            trace.hop(sender.ns.name, "", "wire", "tx", frame_id,
                      self._tx_reason(sender, receiver, arrival - now), "phy", data)
        self._schedule(_Arrival(receiver, data, frame_id), NORMAL, arrival - now)
