"""Captures: an AF_PACKET socket on one device, as ``tcpdump -i DEV`` opens.

The socket sees frames where the kernel's packet taps are: received frames before
the rx_handler (so a bridge port's capture sees what arrives before the bridge
takes it), transmitted frames as they reach the driver. Not promiscuous by default
(like ``tcpdump -p``): the device's own filtering decides what arrives.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.stack.skb import PKTTYPE_NAMES

if TYPE_CHECKING:
    from pathlib import Path

    from netsim.stack.netdevice import NetDevice


class NoFramesCaptured(UserWarning):
    """A capture saved before anything was captured (its pcap has a header only)."""


@dataclass(frozen=True, slots=True)
class CapturedFrame:
    data: bytes
    pkttype: str   # "host" | "broadcast" | "multicast" | "otherhost" | "outgoing"
    time: float    # simulated seconds
    ifname: str


class Capture:
    def __init__(self, dev: NetDevice, promisc: bool = False, limit: int | None = None) -> None:
        self.dev = dev
        self.promisc = promisc
        self.limit = limit
        self.frames: list[CapturedFrame] = []
        self.running = True
        self.link_type = "ether" if dev.link_type != "none" else "raw"
        dev.packet_taps.append(self)
        if promisc:
            dev.promiscuity += 1

    def deliver(self, data: bytes, pkttype: int) -> None:
        if self.limit is not None and len(self.frames) >= self.limit:
            return
        self.frames.append(CapturedFrame(data, PKTTYPE_NAMES[pkttype],
                                         self.dev.ns.env.now, self.dev.name))

    def stop(self) -> list[CapturedFrame]:
        if self.running:
            self.running = False
            if self in self.dev.packet_taps:
                self.dev.packet_taps.remove(self)
            if self.promisc:
                self.dev.promiscuity -= 1
        return self.frames

    def save(self, path: str | Path) -> Path:
        """Write the frames seen so far to a pcap file that Wireshark and tcpdump open:
        link type Ethernet, or raw IPv4 for a tun device; times from simulated time.
        See :mod:`netsim.stack.pcap`.

        A capture sees only what crosses the device after it started: saving one that
        saw nothing warns (``NoFramesCaptured``), the way tcpdump's "0 packets
        captured" tells you to start it before the traffic.
        """
        from netsim.stack.pcap import save

        if not self.frames:
            warnings.warn(NoFramesCaptured(
                f"{path}: no frame crossed {self.dev.name} since this capture started "
                f"(0 packets captured): start host.capture({self.dev.name!r}) first, then "
                "send the traffic"), stacklevel=2)
        return save(self, path)


class LabCapture:
    """One capture per Ethernet device of every host and VM, merged by time.

    A frame that crosses several devices appears once per device, as it would in
    ``tcpdump -i any`` on each machine; :attr:`frames` orders them all by time. The
    pcap it saves is Ethernet, so tun devices (bare IP) are left out.
    """

    def __init__(self, lab) -> None:
        namespaces = [h.ns for h in lab.hosts.values()] + [vm.guest.ns for vm in lab.vms.values()]
        self.captures = [Capture(dev) for ns in namespaces for dev in ns.in_order()
                         if dev.link_type == "ether"]

    @property
    def frames(self) -> list[CapturedFrame]:
        merged = [f for cap in self.captures for f in cap.frames]
        return sorted(merged, key=lambda f: f.time)  # stable: same-time frames keep order

    def stop(self) -> list[CapturedFrame]:
        for cap in self.captures:
            cap.stop()
        return self.frames

    def save(self, path):
        """Write every frame, from every device, into one pcap file."""
        from netsim.stack.pcap import write_pcap

        return write_pcap(path, self.frames, "ether")
