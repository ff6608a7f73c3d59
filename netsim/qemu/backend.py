"""QEMU's tap backend (net/tap.c): the qemu process's end of a tap device.

The qemu process holds an open /dev/net/tun file attached to the tap (fd 3, or 14 in
the blog post). Two directions:

* guest -> host: the emulated NIC calls :meth:`TapBackend.receive` (QEMU's
  ``qemu_send_packet`` -> ``tap_receive``), which ``write()``s the frame to the fd:
  the tap device *receives* it.
* host -> guest: when the tap transmits, the fd becomes readable; QEMU's main loop
  notices (``tap_send``), ``read()``s every frame and hands each to the NIC model
  (``qemu_deliver_packet``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.devices.tun import TunFile
    from netsim.qemu.nic import EmulatedNic

MAIN_LOOP_DELAY = 5e-6   # poll() wakes QEMU's main loop
QEMU_TO_GUEST_DELAY = 2e-6


class TapBackend:
    def __init__(self, netdev_id: str, tfile: TunFile, nic: EmulatedNic | None = None) -> None:
        self.netdev_id = netdev_id
        self.tfile = tfile
        self.nic = nic
        self._drain_pending = False
        self.closed = False
        tfile.on_readable(self._fd_readable)

    @property
    def ns(self):
        return self.tfile.ns

    @property
    def pid(self) -> int:
        return self.tfile.process.pid

    def _trace(self, action: str, frame_id: int, reason: str, func: str, data: bytes) -> None:
        self.ns.trace.hop(self.ns.name, "qemu", "user", action, frame_id, reason, func, data)

    # ------------------------------------------------------------- guest -> host
    def receive(self, data: bytes, frame_id: int) -> None:
        """tap_receive(): the guest's frame is written to the tap's fd."""
        if self.closed:
            return
        if self.ns.trace.enabled:
            self._trace("send", frame_id, f"qemu (pid {self.pid}) takes the frame from the "
                        f"guest's NIC and write()s it to fd {self.tfile.fd} (/dev/net/tun, "
                        f"netdev {self.netdev_id})", "qemu_send_packet", data)
        try:
            self.tfile.write_frame(data, frame_id=frame_id)
        except OSError as err:
            # QEMU ignores write errors on a tap (e.g. EIO while the tap is down).
            self._trace("drop", frame_id, f"write() on fd {self.tfile.fd} failed: "
                        f"{err.strerror}; QEMU drops the frame", "tap_write_packet", data)

    # ------------------------------------------------------------- host -> guest
    def _fd_readable(self) -> None:
        """The tap transmitted: poll() will wake QEMU's main loop a moment later."""
        if self.closed or self._drain_pending:
            return
        self._drain_pending = True
        self.ns.lab.call_later(MAIN_LOOP_DELAY, self._tap_send)

    def _tap_send(self) -> None:
        """tap_send(): read every frame the fd has, hand each to the NIC model."""
        self._drain_pending = False
        if self.closed or self.tfile.closed:
            return
        lab = self.ns.lab
        for data, frame_id in self.tfile.take():
            if self.nic is None:
                self._trace("drop", frame_id, f"netdev {self.netdev_id} has no NIC "
                            "(-device ...,netdev=...) attached: dropped", "qemu_deliver_packet",
                            data)
                continue
            if self.ns.trace.enabled:
                self._trace("deliver", frame_id, f"qemu (pid {self.pid}) read the frame from "
                            f"fd {self.tfile.fd} and passes it to the guest's "
                            f"{self.nic.model}", "qemu_deliver_packet", data)
            lab.call_later(QEMU_TO_GUEST_DELAY, self.nic.deliver, data, frame_id)
        self.tfile.on_readable(self._fd_readable)

    def close(self) -> None:
        self.closed = True
