"""A full-duplex Ethernet cable: propagation delay plus serialisation at a bit rate.

Each direction is a line that carries one frame at a time: a frame starts when the
previous one has left, takes ``8 * len / bandwidth`` seconds to put on the wire and
``latency`` seconds to reach the far end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.devices.nic import Nic

DEFAULT_LATENCY = 5e-6        # 1 km of copper or fibre
DEFAULT_BANDWIDTH = 1e9       # 1 Gbit/s
PREAMBLE_AND_GAP = 20         # 8 bytes preamble + 12 bytes inter-frame gap, plus the FCS below
FCS = 4


class Cable:
    def __init__(self, lab, a: Nic, b: Nic, latency: float = DEFAULT_LATENCY,
                 bandwidth: float = DEFAULT_BANDWIDTH) -> None:
        self.lab = lab
        self.a, self.b = a, b
        self.latency = latency
        self.bandwidth = bandwidth
        self._byte_time = 8 / bandwidth
        a.cable = b.cable = self
        a.cable_peer, b.cable_peer = b, a
        a.tx_busy_until = b.tx_busy_until = 0.0  # when each end's transmitter is free

    def other(self, nic: Nic) -> Nic:
        return self.b if nic is self.a else self.a

    def link_check(self) -> None:
        """Link pulses: both ends have carrier exactly when both are up."""
        both = self.a.admin_up and self.b.admin_up
        self.a.set_carrier(both)
        self.b.set_carrier(both)

    def transmit(self, sender: Nic, data: bytes, frame_id: int) -> None:
        """Serialise after the previous frame, propagate, arrive at the far NIC."""
        now = self.lab.env._now
        start = sender.tx_busy_until
        if start < now:
            start = now
        done = start + (len(data) + FCS + PREAMBLE_AND_GAP) * self._byte_time
        sender.tx_busy_until = done
        arrival = done + self.latency
        receiver = sender.cable_peer
        trace = self.lab.trace
        if trace.enabled:
            trace.hop(sender.ns.name, "", "wire", "tx", frame_id,
                      f"on the cable {sender.ns.name}:{sender.name} -> "
                      f"{receiver.ns.name}:{receiver.name}, arrives in "
                      f"{(arrival - now) * 1e6:.2f} us", "phy", data)
        self.lab.call_later(arrival - now, receiver.wire_rx, data, frame_id)
