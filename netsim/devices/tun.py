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
join a bridge.

**Counters** (measured on Linux 6.18, ``tests/oracle/scenarios/fid_dev_*``): a write
counts in rx_packets/rx_bytes once the stack has had the frame (``tun_get_user`` ->
``dev_sw_netstats_rx_add`` after ``netif_rx``), whatever the stack then did with it; a
write refused for its length (EINVAL) counts nowhere, one refused because the device
is down (EIO) or, on a tun, for an IP version other than 4 or 6 (EINVAL) counts in
rx_dropped. A transmit counts in tx_packets/tx_bytes only when the process *reads* the
frame (``tun_put_user``); one dropped because nobody is attached or the file's queue
(``txqueuelen`` frames) is full counts in tx_dropped; frames still queued when the file
closes are freed uncounted.

**vnet_hdr** (``IFF_VNET_HDR``): every write starts with a 10-byte ``virtio_net_hdr``
and every read gets one (all zero: netsim frames carry no checksum offload or GSO).
The flag is the device's, and the last ``TUNSETIFF`` sets it: the opener's flags
(vnet_hdr, pi, one_queue) replace the device's. A header asking for GSO is refused
(EINVAL); Linux accepts a consistent one, netsim has no GSO. Left out: the
packet-information header itself (``pi`` is shown, files always act as
``IFF_NO_PI``), ``TUNSETVNETHDRSZ``, queue steering across multiple queues (every
frame goes to the first queue).

**Ownership**: ``owner``/``group`` (``TUNSETOWNER``/``TUNSETGROUP``) let a process
without CAP_NET_ADMIN (netsim: any uid but 0) attach when its uid and its gid (or a
supplementary group) match what is set; such a process may attach to an unowned
device but never create one (EPERM).
"""

from __future__ import annotations

import errno
import os
import struct
from collections import deque
from typing import TYPE_CHECKING

from netsim.stack.netdevice import NetDevice
from netsim.stack.skb import PACKET_HOST, Skb, eth_type_trans

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace

IFNAMSIZ = 16
ETH_HLEN = 14
VNET_HDR_LEN = 10          # sizeof(struct virtio_net_hdr), the default vnet_hdr_sz
VNET_HDR_ZERO = bytes(VNET_HDR_LEN)
VIRTIO_NET_HDR_F_NEEDS_CSUM = 1
MIN_IPHDR = 20             # virtio_net_hdr_to_skb(): nh_min_len = sizeof(struct iphdr)
MAX_TAP_QUEUES = 256


class Cred:
    """The credentials a ``TUNSETIFF`` is checked against (``current_cred()``).

    uid 0 stands for a process with CAP_NET_ADMIN; any other uid has none (what
    ``setpriv --reuid`` leaves a process with)."""

    __slots__ = ("uid", "gid", "groups")

    def __init__(self, uid: int = 0, gid: int = 0, groups: tuple[int, ...] = ()) -> None:
        self.uid, self.gid, self.groups = uid, gid, tuple(groups)

    @property
    def net_admin(self) -> bool:
        return self.uid == 0


ROOT = Cred()


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
        if multi_queue:
            self.default_qdisc = "mq"  # one queue discipline per tx queue (256)
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

    @property
    def txqlen(self) -> int:
        return self._txqlen

    @txqlen.setter
    def txqlen(self, length: int) -> None:
        """NETDEV_CHANGE_TX_QUEUE_LEN -> tun_queue_resize(): each file's ring takes the new
        size; when it shrinks, the oldest frames stay and the rest are freed, uncounted."""
        self._txqlen = length
        for tfile in getattr(self, "files", ()):
            while len(tfile.queue) > length:
                tfile.queue.pop()

    def no_carrier_reason(self) -> str:
        return "no process has /dev/net/tun open on it: no reader"

    def not_capable(self, cred: Cred) -> bool:
        """tun_not_capable(): an owner or group is set and ``cred`` does not match it,
        and the process has no CAP_NET_ADMIN."""
        if cred.net_admin:
            return False
        return ((self.owner is not None and cred.uid != self.owner)
                or (self.group is not None and cred.gid != self.group
                    and self.group not in cred.groups))

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
        if len(tfile.queue) >= self._txqlen:
            self.stats["tx_dropped"] += 1
            trace.hop(self.ns.name, self.name, "link", "drop", skb.frame_id,
                      f"{self.name}: the fd's queue is full ({self._txqlen} frames = txqueuelen);"
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

    def receive(self, data: bytes, frame_id: int) -> None:
        """netif_rx() of a written frame (no counting: :meth:`netif_rx` counts it after,
        whatever the stack did with it, as tun_get_user() does)."""
        if self.is_tap:
            self.netif_receive(Skb(data, frame_id, self, eth_type_trans(data, self.mac)))
            return
        skb = Skb(data, frame_id, self, PACKET_HOST)
        if self.packet_taps:
            for tap in self.packet_taps:
                tap.deliver(data, PACKET_HOST)
        self.ns.ipv4.rcv(skb, data)

    def netif_rx(self, data: bytes, frame_id: int, csum_partial: bool = False) -> None:
        """A frame received from the file side, counted (tun_get_user): a writer's frame
        is never CHECKSUM_PARTIAL here (no vnet_hdr offload flags are modelled)."""
        self.receive(data, frame_id)
        stats = self.stats
        stats["rx_packets"] += 1
        stats["rx_bytes"] += len(data)

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
        """write(): tun_chr_write_iter() -> tun_get_user(): the frame is *received* by the
        device. With vnet_hdr on, ``data`` starts with the 10-byte virtio_net_hdr.

        ``frame_id`` lets a writer that carries a frame on (QEMU, from its guest) keep the
        frame's id, so the trace follows one frame from the guest to the wire.
        """
        dev = self._check()
        data = bytes(data)
        total = len(data)
        hdr_len = 0
        header = None
        if dev.vnet_hdr:
            hdr_len = _vnet_hdr_get(data)
            header, data = data[:VNET_HDR_LEN], data[VNET_HDR_LEN:]
        if dev.is_tap and (len(data) < ETH_HLEN or 0 < hdr_len < ETH_HLEN):
            raise _oserror(errno.EINVAL)
        if header is not None:
            _vnet_hdr_to_skb(header, data)
        self._get_user(dev, data, frame_id)
        return total

    def write_frame(self, data: bytes, *, frame_id: int | None = None) -> int:
        """QEMU's tap_write_packet(): one frame, behind an all-zero virtio_net_hdr when the
        device has vnet_hdr on (QEMU strips and adds the header itself); the frame's length."""
        dev = self._check()
        if dev.is_tap and len(data) < ETH_HLEN:
            raise _oserror(errno.EINVAL)
        self._get_user(dev, bytes(data), frame_id)
        return len(data)

    def _get_user(self, dev: TunDevice, data: bytes, frame_id: int | None) -> None:
        """tun_get_user() from the IP version check on: refusals that count in rx_dropped,
        then netif_rx, then the rx counters."""
        if not dev.is_tap and (not data or data[0] >> 4 not in (4, 6)):
            dev.stats["rx_dropped"] += 1
            raise _oserror(errno.EINVAL)
        if not dev.admin_up:
            dev.stats["rx_dropped"] += 1
            raise _oserror(errno.EIO)
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

    def read_now(self) -> list[bytes]:
        """Take every queued frame without waiting (non-blocking reads until EAGAIN); with
        vnet_hdr on, each behind its virtio_net_hdr."""
        dev = self.device
        frames = [data for data, _frame_id in self.take()]
        if dev is not None and dev.vnet_hdr:
            return [VNET_HDR_ZERO + data for data in frames]
        return frames

    def take(self) -> list[tuple[bytes, int]]:
        """Every queued frame with its trace id, without a virtio_net_hdr (QEMU's tap
        backend strips it); each counts as transmitted now (tun_put_user)."""
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


def _vnet_hdr_get(data: bytes) -> int:
    """tun_vnet_hdr_get(): the header's hdr_len (raised to cover a checksum request), or
    EINVAL when the write is shorter than the header or hdr_len is longer than the rest."""
    if len(data) < VNET_HDR_LEN:
        raise _oserror(errno.EINVAL)
    flags, _gso, hdr_len, _size, start, off = struct.unpack_from("<BBHHHH", data)
    if flags & VIRTIO_NET_HDR_F_NEEDS_CSUM:
        hdr_len = max(start + off + 2, hdr_len)
    if hdr_len > len(data) - VNET_HDR_LEN:
        raise _oserror(errno.EINVAL)
    return hdr_len


def _vnet_hdr_to_skb(header: bytes, frame: bytes) -> None:
    """virtio_net_hdr_to_skb(), as far as netsim goes: no GSO (any gso_type is EINVAL), a
    checksum request must lie inside the frame and start past an IPv4 header's worth of
    bytes (the transport offset); other flags (DATA_VALID...) are taken and ignored.
    Linux counts none of these refusals (measured: rx_frame_errors stays 0)."""
    flags, gso, _hdr_len, _size, start, off = struct.unpack("<BBHHHH", header)
    if gso:
        raise _oserror(errno.EINVAL)
    if flags & VIRTIO_NET_HDR_F_NEEDS_CSUM and (start < MIN_IPHDR or start + off + 2 > len(frame)):
        raise _oserror(errno.EINVAL)


def tun_set_iff(ns: NetNamespace, tfile: TunFile, name: str, mode: str, *,
                vnet_hdr: bool = False, multi_queue: bool = False, exclusive: bool = False,
                pi: bool = False, one_queue: bool = False, cred: Cred = ROOT,
                ) -> TunDevice:
    """ioctl(fd, TUNSETIFF): attach the file to device ``name``, creating it if needed.

    ``name`` may contain ``%d`` ("tap%d"): the kernel picks the lowest free number.
    The opener's flags (``vnet_hdr``, ``pi``, ``one_queue``) become the device's, except
    for a second queue of a multi_queue device.
    Raises OSError: EBUSY (exists and ``exclusive``, or already attached), EINVAL
    (not a tun/tap device, other mode, other multi_queue setting), EPERM (``cred`` may
    not attach: see :meth:`TunDevice.not_capable`; or may not create a device), E2BIG
    (a multi_queue device has its 256 queues already).
    """
    if tfile.device is not None:
        raise _oserror(errno.EINVAL)
    name = name[: IFNAMSIZ - 1]
    dev = ns.devices.get(name) if "%d" not in name else None
    if dev is not None:
        if exclusive:
            raise _oserror(errno.EBUSY)
        if not isinstance(dev, TunDevice) or dev.mode != mode:
            raise _oserror(errno.EINVAL)
        if dev.multi_queue != multi_queue:
            raise _oserror(errno.EINVAL)
        if dev.not_capable(cred):
            raise _oserror(errno.EPERM)
        if dev.files and not dev.multi_queue:
            raise _oserror(errno.EBUSY)
        if len(dev.files) >= MAX_TAP_QUEUES:
            raise _oserror(errno.E2BIG)
    else:
        if not cred.net_admin:
            raise _oserror(errno.EPERM)
        if "%d" in name:
            n = 0
            while name.replace("%d", str(n)) in ns.devices:
                n += 1
            name = name.replace("%d", str(n))
        dev = TunDevice(ns, name, mode, multi_queue=multi_queue, vnet_hdr=vnet_hdr)
        ns.register(dev)
    tfile.device = dev
    dev.attach(tfile)
    if not (dev.multi_queue and len(dev.files) > 1):
        dev.vnet_hdr, dev.pi, dev.one_queue = vnet_hdr, pi, one_queue
    return dev
