"""One libslirp instance: the frame-level edges of the user-mode network (slirp.c, if.c).

The qemu process owns one :class:`Slirp` per ``-netdev user``. It is the NIC's
backend, as :class:`~netsim.qemu.backend.TapBackend` is for a tap: the emulated NIC
hands it every frame the guest transmits (:meth:`Slirp.receive`, QEMU's
``net_slirp_receive`` -> ``slirp_input``), and it hands the guest the frames its
little stack makes (:meth:`Slirp.send_to_guest`, ``slirp_send_packet_all``).

In between there is no kernel: :meth:`Slirp.ip_input` dispatches the guest's packets
to :mod:`.icmp`, :mod:`.udp` (and :mod:`.bootp`), which turn them into *socket calls
of the qemu process on the host*. Packets for the guest leave through
:meth:`Slirp.ip_output` and :meth:`Slirp.if_encap`, which needs the guest's MAC from
:mod:`.arp`'s table -- and asks for it with an ARP request from 10.0.2.2 if it does
not know it yet, holding the packet for up to a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.packets import ethernet
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import MalformedPacket, ip_ntoa, mac_ntoa
from netsim.packets.arp import ARPOP_REQUEST, Arp
from netsim.packets.checksum import internet_checksum
from netsim.qemu.slirp import arp, icmp, tcp, udp
from netsim.qemu.slirp.net import VirtualNetwork
from netsim.qemu.slirp.sockets import SocketTable

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.qemu.config import HostFwd
    from netsim.qemu.nic import EmulatedNic
    from netsim.user.process import Process

TRACE_DEV = "slirp"     # where slirp's hops appear on the host: "host:slirp"
TRACE_LAYER = "slirp"
MAIN_LOOP_DELAY = 5e-6      # a host socket became readable: poll() wakes QEMU's main loop
QEMU_TO_GUEST_DELAY = 2e-6  # qemu_send_packet -> the NIC model
ARP_WAIT = 1.0              # if_encap4: an unresolved packet is dropped after 1 s
IPDEFTTL = 64


@dataclass
class _Pending:
    packet: bytes
    frame_id: int
    expires: float


class Slirp:
    """libslirp for one ``-netdev user``: the guest's whole network, inside qemu."""

    def __init__(self, host: Host, proc: Process, netdev_id: str,
                 vnet: VirtualNetwork) -> None:
        self.host = host
        self.ns = host.ns
        self.lab = host.lab
        self.proc = proc
        self.netdev_id = netdev_id
        self.vnet = vnet
        self.nic: EmulatedNic | None = None
        self.arp_table = arp.ArpTable(vnet)
        self.sockets = SocketTable(self)
        self.bootp_clients: list[bytes | None] = []  # lease i = dhcp_start + i: its MAC
        self.ip_id = 0           # slirp numbers its IP packets 0, 1, 2...
        self.pending: list[_Pending] = []
        self.hostfwd: list[HostFwd] = []
        self.tcp_conns: dict[tuple, tcp.GuestConn] = {}  # slirp's tcb list, by 4-tuple
        self.tcp_listeners: list = []                     # hostfwd=tcp: host listeners
        self.tcp_iss_state = [1, 0.0]                     # tcp_iss, last slow tick
        self.closed = False

    def __repr__(self) -> str:
        return f"<Slirp netdev {self.netdev_id} {ip_ntoa(self.vnet.net)}/{self.vnet.prefixlen}>"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def trace(self, action: str, frame_id: int, reason: str, func: str,
              data: bytes | None = None, l3: bool = False) -> None:
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, TRACE_DEV, TRACE_LAYER, action, frame_id, reason, func,
                      data, l3)

    def new_frame_id(self) -> int:
        return self.ns.new_frame_id()

    def later(self, fn, *args) -> None:
        """Run ``fn`` when QEMU's main loop next wakes (a socket became readable)."""
        self.lab.call_later(MAIN_LOOP_DELAY, fn, *args)

    # ----------------------------------------------------------------- guest -> slirp
    def receive(self, data: bytes, frame_id: int) -> None:
        """net_slirp_receive(): the NIC model passes the guest's frame to libslirp."""
        if self.closed:
            return
        self.slirp_input(data, frame_id)

    def slirp_input(self, frame: bytes, frame_id: int) -> None:
        """By EtherType: ARP to :func:`arp.arp_input`, IPv4 to :meth:`ip_input`."""
        ethertype = (frame[12] << 8) | frame[13] if len(frame) >= ethernet.ETH_HLEN else -1
        self.trace("rx", frame_id, f"qemu (pid {self.pid}) hands the guest's frame to its "
                   f"user-mode network (libslirp, netdev {self.netdev_id}): no tap, no "
                   "bridge, the host's kernel never sees this frame", "slirp_input", frame)
        if ethertype == ethernet.ETH_P_ARP:
            arp.arp_input(self, frame, frame_id)
        elif ethertype == ethernet.ETH_P_IP:
            self.ip_input(frame[ethernet.ETH_HLEN:], frame_id)
        else:
            self.trace("drop", frame_id, f"EtherType {ethertype:#06x}: slirp takes only "
                       "ARP and IP (IPv6 is left out of netsim)", "slirp_input", frame)

    def ip_input(self, packet: bytes, frame_id: int) -> None:
        """ip_input(): header checks, then ICMP, UDP or TCP."""
        try:
            ip = ip_pkt.parse(packet)
        except MalformedPacket as err:
            self.trace("drop", frame_id, f"bad IPv4 packet: {err}", "ip_input", packet, True)
            return
        if internet_checksum(packet[:ip.header_len]):
            self.trace("drop", frame_id, "bad IPv4 header checksum", "ip_input", packet, True)
            return
        packet = packet[:ip.total_len]
        if ip.ttl == 0:
            icmp.icmp_send_error(self, packet, icmp.TIME_EXCEEDED, 0, frame_id)
            return
        if packet[6] & 0x3F or packet[7]:
            self.trace("drop", frame_id, "a fragment: reassembly is left out of netsim",
                       "ip_input", packet, True)
            return
        if ip.proto == ip_pkt.IPPROTO_ICMP:
            icmp.icmp_input(self, packet, ip, frame_id)
        elif ip.proto == ip_pkt.IPPROTO_UDP:
            udp.udp_input(self, packet, ip, frame_id)
        elif ip.proto == ip_pkt.IPPROTO_TCP:
            tcp.tcp_input(self, packet, ip, frame_id)
        else:
            self.trace("drop", frame_id, f"IP protocol {ip.proto}: slirp handles ICMP, UDP "
                       "and TCP only", "ip_input", packet, True)

    # ----------------------------------------------------------------- slirp -> guest
    def ip_output(self, src: bytes, dst: bytes, proto: int, payload: bytes, frame_id: int,
                  *, ttl: int = IPDEFTTL, tos: int = 0, df: bool = False,
                  action: str = "tx", reason: str = "", func: str = "ip_output") -> None:
        """ip_output(): slirp's own IP header (ids 0, 1, 2...), then :meth:`if_encap`.

        ``reason`` and ``func`` describe, in the trace, the step that made the packet.
        """
        packet = ip_pkt.build(src, dst, proto, payload, ident=self.ip_id, ttl=ttl, df=df,
                              tos=tos)
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        if reason:
            self.trace(action, frame_id, reason, func, packet, True)
        self.if_encap(packet, frame_id)

    def if_encap(self, packet: bytes, frame_id: int) -> None:
        """if_encap4(): an Ethernet header from slirp's MAC to the guest's, if known."""
        dst = packet[16:20]
        mac = self.arp_table.search(dst)
        if mac is None:
            self.trace("queue", frame_id, f"slirp does not know {ip_ntoa(dst)}'s MAC yet: "
                       "it asks by ARP and holds the packet (1 s at most)", "if_encap",
                       packet, True)
            self._arp_request(dst)
            self.pending.append(_Pending(packet, frame_id, self.lab.now + ARP_WAIT))
            self.lab.call_later(ARP_WAIT, self.if_start)
            return
        frame = mac + self.vnet.host_mac + ethernet.ETH_P_IP.to_bytes(2, "big") + packet
        self.send_to_guest(frame, frame_id, "if_encap",
                           f"slirp wraps the packet in a frame from {mac_ntoa(frame[6:12])} "
                           f"(its 10.0.2.2 MAC, whoever the sender) to {mac_ntoa(mac)}")

    def _arp_request(self, target: bytes) -> None:
        vnet = self.vnet
        request = Arp(ARPOP_REQUEST, vnet.host_mac, vnet.host, bytes(6), target).pack()
        frame = ethernet.build(b"\xff" * 6, vnet.host_mac, ethernet.ETH_P_ARP, request)
        self.send_to_guest(frame, self.new_frame_id(), "if_encap",
                           f"slirp asks: who has {ip_ntoa(target)}? tell {ip_ntoa(vnet.host)}")

    def if_start(self) -> None:
        """Send what waited for an ARP answer; drop what waited more than a second."""
        still: list[_Pending] = []
        for p in self.pending:
            dst = p.packet[16:20]
            if self.arp_table.search(dst) is not None:
                self.if_encap(p.packet, p.frame_id)
            elif self.lab.now >= p.expires - 1e-12:
                self.trace("drop", p.frame_id, f"no ARP answer from {ip_ntoa(dst)} within "
                           "1 s: slirp drops the packet", "if_start", p.packet, True)
            else:
                still.append(p)
        self.pending = still

    def send_to_guest(self, frame: bytes, frame_id: int, func: str, reason: str) -> None:
        """slirp_send_packet_all() -> qemu_send_packet(): the frame goes to the NIC model."""
        if self.closed:
            return
        nic = self.nic
        if nic is None:
            self.trace("drop", frame_id, f"netdev {self.netdev_id} has no NIC attached: "
                       "the frame goes nowhere", func, frame)
            return
        self.trace("tx", frame_id, reason + f"; qemu passes it to the guest's {nic.model}",
                   func, frame)
        self.lab.call_later(QEMU_TO_GUEST_DELAY, nic.deliver, frame, frame_id)

    # ----------------------------------------------------------------- hostfwd, end
    def add_hostfwd(self, rule: HostFwd) -> None:
        """slirp_add_hostfwd(): bind the host port. Raises OSError as bind() would."""
        udp.add_hostfwd(self, rule)
        self.hostfwd.append(rule)

    def close(self) -> None:
        """QEMU exits: every socket slirp holds on the host closes."""
        if self.closed:
            return
        self.closed = True
        self.sockets.close_all()
        tcp.close_all(self)
