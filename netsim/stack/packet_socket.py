"""AF_PACKET sockets: whole Ethernet frames in and out of one device, below IP.

A DHCP client has no IPv4 address yet, so it cannot use a UDP socket to hear its
server: the offer is addressed to an IP the host does not own (or to broadcast).
dhclient ("Listening on LPF/eth0/...", LPF = Linux Packet Filter) and udhcpc open
``socket(AF_PACKET, SOCK_RAW)`` bound to the interface, attach a BPF filter that
keeps UDP to port 68, and write frames they built themselves.

Receive: the socket sits in ``dev.packet_taps`` beside tcpdump's captures
(``__netif_receive_skb_core`` -> ``deliver_skb`` -> ``packet_rcv``), so it sees a
frame *before* the IP stack, which may then drop the same frame as not addressed to
this host -- both happen, as on Linux. Frames this host transmits are not given back
to it (``dev_queue_xmit_nit`` skips outgoing frames for a socket that filters on
incoming traffic only, like dhclient's filter does).

Send: ``packet_sendmsg`` -> ``dev_queue_xmit``: no routing, no ARP, no netfilter; the
frame goes out exactly as written.

Left out: SOCK_DGRAM packet sockets, PACKET_MR_PROMISC, ring buffers, real BPF.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.stack.skb import PACKET_OUTGOING, Skb

if TYPE_CHECKING:
    from netsim.stack.netdevice import NetDevice

FrameFilter = Callable[[bytes], bool]


def udp_to_port(port: int) -> FrameFilter:
    """The classic BPF program of DHCP clients: IPv4, UDP, not a fragment, dport ``port``."""
    want = port.to_bytes(2, "big")

    def accept(frame: bytes) -> bool:
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            return False
        if (frame[20] & 0x1F) or frame[21]:  # a later fragment has no UDP header
            return False
        ihl = (frame[14] & 0x0F) * 4
        return frame[14 + ihl + 2:14 + ihl + 4] == want

    return accept


class PacketSocket:
    """``socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL))`` bound to ``dev`` with a filter.

    ``on_frame(frame)`` is called for each accepted frame if given; otherwise frames
    wait in :attr:`queue` until :meth:`recv`. ``owner`` names the program in trace
    records ("dhclient").
    """

    path = "socket:[packet]"  # what /proc/PID/fd would show for this descriptor

    def __init__(self, dev: NetDevice, accept: FrameFilter | None = None,
                 on_frame: Callable[[bytes], None] | None = None, owner: str = "") -> None:
        self.dev = dev
        self.ns = dev.ns
        self.accept = accept
        self.on_frame = on_frame
        self.owner = owner
        self.queue: deque[bytes] = deque()
        self.open = True
        dev.packet_taps.append(self)

    # ------------------------------------------------------------------ receive
    def deliver(self, data: bytes, pkttype: int) -> None:
        """packet_rcv(): run the filter; a match is queued for the program."""
        if pkttype == PACKET_OUTGOING or not self.open:
            return
        if self.accept is not None and not self.accept(data):
            return
        if self.on_frame is not None:
            self.on_frame(data)
        else:
            self.queue.append(data)

    def recv(self) -> bytes | None:
        """The oldest queued frame, or None."""
        return self.queue.popleft() if self.queue else None

    # ------------------------------------------------------------------ send
    def send(self, frame: bytes, why: str = "") -> int:
        """packet_sendmsg(): the frame leaves ``dev`` as it is. Returns its frame id."""
        frame_id = self.ns.new_frame_id()
        trace = self.ns.trace
        if trace.enabled:
            who = f"{self.owner}: " if self.owner else ""
            trace.hop(self.ns.name, self.dev.name, "link", "send", frame_id,
                      f"{who}{why or 'a frame written on an AF_PACKET socket'}",
                      "packet_sendmsg", frame)
        self.dev.queue_xmit(Skb(frame, frame_id, self.dev))
        return frame_id

    def close(self) -> None:
        if self.open:
            self.open = False
            if self in self.dev.packet_taps:
                self.dev.packet_taps.remove(self)
