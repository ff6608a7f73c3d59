"""The NIC a guest sees (e1000, virtio-net, rtl8139): a device in the guest's kernel whose
"hardware" is QEMU.

When the guest's driver transmits (``e1000_xmit_frame`` in the guest kernel), the frame
leaves the guest for the qemu process on the host, which hands it to the NIC's backend
(a tap: ``qemu_send_packet`` -> ``tap_receive`` -> ``write()`` on /dev/net/tun). Frames the
backend reads from the tap come back in through :meth:`EmulatedNic.deliver`: QEMU's NIC
model filters them by MAC like real hardware
(:class:`~netsim.devices.rx_filter.MacFilteringNic`), then raises a receive interrupt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.devices.rx_filter import MacFilteringNic

if TYPE_CHECKING:
    from netsim.qemu.vm import Backend
    from netsim.stack.skb import Skb

GUEST_TO_QEMU_DELAY = 2e-6  # the guest's descriptor ring -> QEMU's device model

# The guest driver's transmit and receive functions, per QEMU device model.
DRIVER_FUNCS = {
    "e1000": ("e1000_xmit_frame", "e1000_receive"),
    "e1000e": ("e1000_xmit_frame", "e1000e_receive"),
    "virtio-net-pci": ("start_xmit", "virtio_net_receive"),
    "rtl8139": ("rtl8139_start_xmit", "rtl8139_receive"),
}


class EmulatedNic(MacFilteringNic):
    kind = ""
    has_queue = True
    speed_mbps = 1000
    def __init__(self, ns, name: str, mac: bytes, model: str, qemu_pid: int) -> None:
        # As before the filter was shared: received multicast frames are not counted in
        # the guest's `ip -s link` "mcast" column for an emulated NIC.
        super().__init__(ns, name, mac, rx_counts_multicast=False)
        self.model = model
        self.qemu_pid = qemu_pid
        self.backend: Backend | None = None  # a TapBackend, or libslirp (-netdev user)
        self.operstate_known = True
        self.xmit_func, self.rx_func = DRIVER_FUNCS.get(model, ("ndo_start_xmit", "netif_rx"))

    def no_carrier_reason(self) -> str:
        return "QEMU reports the link down"

    def start_xmit(self, skb: Skb) -> None:
        """The guest driver puts the frame in the NIC's ring: QEMU's model takes it."""
        self.count_tx(len(skb.data))
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "tx", skb.frame_id,
                      f"guest driver ({self.model}) hands the frame to the emulated NIC, "
                      f"that is, to the qemu process (pid {self.qemu_pid}) on the host",
                      self.xmit_func, skb.data)
        backend = self.backend
        if backend is None:
            trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                      f"{self.name} has no backend (-netdev) in QEMU: the frame goes nowhere",
                      "qemu_send_packet", skb.data)
            return
        self.ns.lab.call_later(GUEST_TO_QEMU_DELAY, backend.receive, skb.data, skb.frame_id)

    # QEMU's NIC model receives a frame from its backend: the MAC filter, then the guest.
    deliver = MacFilteringNic.hw_receive

    def rx_down_drop(self, data: bytes, frame_id: int) -> None:
        self.ns.trace.hop(self.ns.name, self.name, "link", "drop", frame_id,
                          f"the guest's {self.name} is down: QEMU drops the frame",
                          self.rx_func, data)

    def rx_filter_drop(self, data: bytes, frame_id: int) -> None:
        self.ns.trace.hop(self.ns.name, self.name, "link", "drop", frame_id,
                          f"the emulated {self.model} filters a frame for another MAC",
                          self.rx_func, data)

    def rx_trace(self, data: bytes, frame_id: int) -> None:
        self.ns.trace.hop(self.ns.name, self.name, "link", "rx", frame_id,
                          f"the emulated {self.model} raises a receive interrupt in the guest",
                          self.rx_func, data)
