"""tun/tap: a network device whose "wire" is a file descriptor (drivers/net/tun.c).

The driver has two halves that meet at one queue per open file:

* the **character-device half** (``/dev/net/tun``): a process opens it and attaches
  with the ``TUNSETIFF`` ioctl (:func:`tun_set_iff`). :meth:`TunFile.write` is
  ``tun_chr_write_iter`` -> ``tun_get_user`` -> ``netif_rx``: *a write on the fd is
  a receive on the device*. :meth:`TunFile.read` is ``tun_chr_read_iter``: it takes
  frames off the file's queue.
* the **net-device half** (``tap0`` in ``ip link``): :meth:`TunDevice.start_xmit` is
  ``tun_net_xmit``: *a transmit on the device queues the frame for the fd*, up to
  ``txqlen`` frames, after which frames are dropped and counted.

Carrier follows attachment: a device with no file attached has NO-CARRIER. A device
made by ``TUNSETIFF`` alone is deleted when its last file closes; ``ip tuntap add``
makes it *persistent* (``TUNSETPERSIST``) so it outlives its files.

**tap** (``IFF_TAP``) carries Ethernet frames and has its own MAC; **tun**
(``IFF_TUN``) carries bare IP packets: POINTOPOINT, NOARP, no MAC, and it cannot
join a bridge. Left out: the packet-information header (``pi``; netsim files are
always ``IFF_NO_PI``), offloads behind ``vnet_hdr`` (the flag is kept and shown),
queue steering across multiple queues.
"""

from __future__ import annotations

import errno
import os
from collections import deque
from typing import TYPE_CHECKING

from netsim.stack.netdevice import NetDevice
from netsim.stack.skb import PACKET_HOST, Skb

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace

IFNAMSIZ = 16
ETH_HLEN = 14


def _oserror(code: int, what: str = "") -> OSError:
    return OSError(code, os.strerror(code) + (f": {what}" if what else ""))


class TunDevice(NetDevice):
    kind = "tun"
    speed_mbps = 10000  # tun_get_link_ksettings() reports SPEED_10000
    has_queue = True
    max_mtu = 65521

    def __init__(self, ns: NetNamespace, name: str, mode: str, *, persist: bool = False,
                 multi_queue: bool = False, vnet_hdr: bool = False) -> None:
        is_tap = mode == "tap"
        super().__init__(ns, name, ns.random_mac() if is_tap else bytes(6),
                         txqlen=1000 if is_tap else 500)
        self.mode = mode
        self.persist = persist
        self.multi_queue = multi_queue
        self.vnet_hdr = vnet_hdr
        # Flags and owners set by `ip tuntap add ... pi one_queue user U group G`, shown by
        # `ip tuntap show` / `ip -d link`; the packet-information header itself is not
        # simulated (files always behave as IFF_NO_PI).
        self.pi = False
        self.one_queue = False
        self.owner: int | None = None
        self.group: int | None = None
        self.files: list[TunFile] = []
        # Registered with carrier on, as any net device: the first attach changes
        # nothing, so linkwatch never runs and `ip link` says UNKNOWN (the recordings
        # show it for QEMU's tap); a persistent tap loses carrier when its maker closes.
        if not is_tap:
            # A tun device is a point-to-point link without Ethernet: set the class-level
            # flags per instance.
            self.link_type = "none"
            self.flag_broadcast = False
            self.flag_pointopoint = True
            self.flag_noarp = True
            self.max_mtu = 65535

    @property
    def is_tap(self) -> bool:
        return self.mode == "tap"

    def no_carrier_reason(self) -> str:
        return "no process has /dev/net/tun open on it: no reader"

    # ------------------------------------------------------- net-device half
    def start_xmit(self, skb: Skb) -> None:
        """tun_net_xmit(): queue the frame on the attached file, or drop it."""
        trace = self.ns.trace
        if not self.files:
            self.stats["tx_dropped"] += 1
            trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                      f"{self.name}: no process has /dev/net/tun attached (no reader)",
                      "tun_net_xmit", skb.data, l3=not self.is_tap)
            return
        tfile = self.files[0]
        if len(tfile.queue) >= self.txqlen:
            self.stats["tx_dropped"] += 1
            trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                      f"{self.name}: the fd's queue is full ({self.txqlen} frames = txqueuelen);"
                      " the process is not reading", "tun_net_xmit", skb.data,
                      l3=not self.is_tap)
            return
        tfile.queue.append((skb.data, skb.frame_id))
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "link", "queue", skb.frame_id,
                      f"{self.name}: queued for fd {tfile.fd} of pid {tfile.process.pid} "
                      f"({len(tfile.queue)}/{self.txqlen}); the fd is now readable",
                      "tun_net_xmit", skb.data, l3=not self.is_tap)
        tfile.wake()

    def netif_rx(self, data: bytes, frame_id: int) -> None:
        if self.is_tap:
            super().netif_rx(data, frame_id)
            return
        self.stats["rx_packets"] += 1
        self.stats["rx_bytes"] += len(data)
        skb = Skb(data, frame_id, self, PACKET_HOST)
        if self.packet_taps:
            for tap in self.packet_taps:
                tap.deliver(data, PACKET_HOST)
        self.ns.ipv4.rcv(skb, data)

    # ------------------------------------------------------- attach / detach
    def attach(self, tfile: TunFile) -> None:
        """tun_attach(): the file becomes a queue of this device; carrier comes on."""
        self.files.append(tfile)
        self.set_carrier(True)

    def detach(self, tfile: TunFile) -> None:
        """tun_detach(): the queue goes; the last one takes carrier (or the device) away."""
        if tfile in self.files:
            self.files.remove(tfile)
        if self.files:
            return
        if self.persist:
            self.set_carrier(False)
        else:
            self.ns.unregister(self)

    def uninit(self) -> None:
        for tfile in list(self.files):
            tfile.device = None
        self.files.clear()


class TunFile:
    """An open ``/dev/net/tun``: the character-device half, one queue of frames.

    ``write`` and ``read`` raise :class:`OSError` with the kernel's errno, as the
    syscalls do: ``EBADFD`` before ``TUNSETIFF`` or after the device is gone, ``EIO``
    while the device is down, ``EINVAL`` for a tap frame shorter than 14 bytes,
    ``EBADF`` after :meth:`close`.
    """

    def __init__(self, ns: NetNamespace, process, fd: int) -> None:
        self.ns = ns
        self.process = process
        self.fd = fd
        self.device: TunDevice | None = None
        self.queue: deque[tuple[bytes, int]] = deque()
        self.closed = False
        self._waiters: list = []

    @property
    def ifname(self) -> str | None:
        return self.device.name if self.device is not None else None

    def __repr__(self) -> str:
        return f"<TunFile fd={self.fd} ifname={self.ifname} pid={self.process.pid}>"

    def _check(self) -> TunDevice:
        if self.closed:
            raise _oserror(errno.EBADF)
        if self.device is None:
            raise _oserror(errno.EBADFD)
        return self.device

    def write(self, data: bytes, *, frame_id: int | None = None) -> int:
        """tun_chr_write_iter() -> tun_get_user(): the frame is *received* by the device.

        ``frame_id`` lets a writer that carries a frame on (QEMU, from its guest) keep the
        frame's id, so the trace follows one frame from the guest to the wire.
        """
        dev = self._check()
        data = bytes(data)
        if not dev.admin_up:
            raise _oserror(errno.EIO)
        if dev.is_tap and len(data) < ETH_HLEN:
            raise _oserror(errno.EINVAL)
        if not dev.is_tap and (not data or data[0] >> 4 not in (4, 6)):
            raise _oserror(errno.EINVAL)
        ns = self.ns
        if frame_id is None:
            frame_id = ns.new_frame_id()
        trace = ns.trace
        if trace.enabled:
            trace.hop(ns.name, "/dev/net/tun", "chardev", "write", frame_id,
                      f"pid {self.process.pid} writes {len(data)} bytes to fd {self.fd}: "
                      f"the character device hands them to {dev.name}", "tun_chr_write_iter",
                      data, l3=not dev.is_tap)
            trace.hop(ns.name, dev.name, "link", "rx", frame_id,
                      f"{dev.name} receives the frame as if from a wire", "tun_get_user",
                      data, l3=not dev.is_tap)
        dev.netif_rx(data, frame_id)
        return len(data)

    def read_now(self) -> list[bytes]:
        """Take every queued frame without waiting (non-blocking reads until EAGAIN)."""
        return [data for data, _frame_id in self.take()]

    def take(self) -> list[tuple[bytes, int]]:
        """Like :meth:`read_now`, with each frame's trace id (for QEMU's tap backend)."""
        dev = self.device
        frames = []
        trace = self.ns.trace
        while self.queue:
            data, frame_id = self.queue.popleft()
            frames.append((data, frame_id))
            if dev is not None:
                dev.count_tx(len(data))
            if trace.enabled:
                trace.hop(self.ns.name, "/dev/net/tun", "chardev", "read", frame_id,
                          f"pid {self.process.pid} reads {len(data)} bytes from fd {self.fd}",
                          "tun_chr_read_iter", data, l3=dev is not None and not dev.is_tap)
        return frames

    def read(self, timeout: float = 0.0) -> list[bytes]:
        """Every frame the device transmitted to this file within ``timeout`` simulated seconds.

        Simulated time advances by ``timeout`` (the lab runs meanwhile).
        """
        self._check()
        if timeout > 0:
            self.ns.lab.run(timeout)
        if self.closed:
            raise _oserror(errno.EBADF)
        return self.read_now()

    def wake(self) -> None:
        """The fd became readable: wake whoever waits on it (a process's poll loop)."""
        waiters, self._waiters = self._waiters, []
        for callback in waiters:
            callback()

    def on_readable(self, callback) -> None:
        """Call ``callback()`` once, the next time a frame is queued (poll/epoll)."""
        if self.queue:
            callback()
        else:
            self._waiters.append(callback)

    def close(self) -> None:
        """close(): tun_chr_close() -> tun_detach(); frames still queued are freed."""
        if self.closed:
            return
        self.closed = True
        self.queue.clear()
        dev, self.device = self.device, None
        if dev is not None:
            dev.detach(self)
        self.process.fd_closed(self.fd)


def tun_set_iff(ns: NetNamespace, tfile: TunFile, name: str, mode: str, *,
                vnet_hdr: bool = False, multi_queue: bool = False, exclusive: bool = False,
                ) -> TunDevice:
    """ioctl(fd, TUNSETIFF): attach the file to device ``name``, creating it if needed.

    ``name`` may contain ``%d`` ("tap%d"): the kernel picks the lowest free number.
    Raises OSError: EBUSY (exists and ``exclusive``, or already attached), EINVAL
    (not a tun/tap device, other mode, other multi_queue setting).
    """
    if tfile.device is not None:
        raise _oserror(errno.EINVAL)
    name = name[: IFNAMSIZ - 1]
    if "%d" in name:
        n = 0
        while name.replace("%d", str(n)) in ns.devices:
            n += 1
        name = name.replace("%d", str(n))
    dev = ns.devices.get(name)
    if dev is not None:
        if exclusive:
            raise _oserror(errno.EBUSY)
        if not isinstance(dev, TunDevice) or dev.mode != mode:
            raise _oserror(errno.EINVAL)
        if dev.multi_queue != multi_queue:
            raise _oserror(errno.EINVAL)
        if dev.files and not dev.multi_queue:
            raise _oserror(errno.EBUSY)
    else:
        dev = TunDevice(ns, name, mode, multi_queue=multi_queue, vnet_hdr=vnet_hdr)
        ns.register(dev)
    tfile.device = dev
    dev.attach(tfile)
    return dev
