"""slirp's ARP: answer for its own addresses, remember the guest's MAC (arp_table.c).

slirp answers a request only for the addresses it plays (the host 10.0.2.2 and the DNS
server 10.0.2.3); nobody else lives on the virtual network, so ARP for 10.0.2.7 meets
silence. Each request or reply teaches slirp the sender's MAC in a 16-entry table
(the oldest entry is overwritten), which ``if_encap`` reads to address the guest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.packets import arp, ethernet
from netsim.packets.addr import BROADCAST_MAC, MalformedPacket, ip_ntoa
from netsim.qemu.slirp.net import BROADCAST, slirp_mac

if TYPE_CHECKING:
    from netsim.qemu.slirp.net import VirtualNetwork
    from netsim.qemu.slirp.stack import Slirp

ARP_TABLE_SIZE = 16
ARP_REPLY_LEN = 64  # slirp's reply buffer: 42 bytes of ARP, zero-padded to 64


class ArpTable:
    """IPv4 -> MAC, 16 entries, a round-robin victim when full (``arp_table_add``)."""

    def __init__(self, vnet: VirtualNetwork) -> None:
        self.vnet = vnet
        self.entries: list[tuple[bytes, bytes]] = []
        self.next_victim = 0

    def _is_broadcast(self, addr: bytes) -> bool:
        return addr in (bytes(4), BROADCAST, self.vnet.broadcast)

    def add(self, addr: bytes, mac: bytes) -> None:
        if self._is_broadcast(addr):
            return  # broadcast addresses are never learned
        for i, (known, _mac) in enumerate(self.entries):
            if known == addr:
                self.entries[i] = (addr, mac)
                return
        if len(self.entries) < ARP_TABLE_SIZE:
            self.entries.append((addr, mac))
        else:
            self.entries[self.next_victim] = (addr, mac)
        self.next_victim = (self.next_victim + 1) % ARP_TABLE_SIZE

    def search(self, addr: bytes) -> bytes | None:
        """The MAC for ``addr``; broadcast addresses map to ff:ff:ff:ff:ff:ff."""
        if self._is_broadcast(addr):
            return BROADCAST_MAC
        return next((mac for known, mac in self.entries if known == addr), None)


def arp_input(slirp: Slirp, frame: bytes, frame_id: int) -> None:
    """An ARP frame from the guest: learn its sender; answer if it asks for slirp."""
    try:
        ah = arp.parse(frame[ethernet.ETH_HLEN:])
    except MalformedPacket as err:
        slirp.trace("drop", frame_id, f"bad ARP: {err}", "arp_input", frame)
        return
    vnet = slirp.vnet
    if ah.op == arp.ARPOP_REPLY:
        slirp.arp_table.add(ah.spa, ah.sha)
        slirp.trace("learn", frame_id, f"the guest answers: {ip_ntoa(ah.spa)} is at "
                    f"{_mac(ah.sha)}", "arp_input", frame)
        slirp.if_start()
        return
    if ah.op != arp.ARPOP_REQUEST:
        return
    if ah.tpa == ah.spa:
        slirp.arp_table.add(ah.spa, ah.sha)
        slirp.trace("learn", frame_id, f"gratuitous ARP: {ip_ntoa(ah.spa)} is at "
                    f"{_mac(ah.sha)}", "arp_input", frame)
        return
    if not vnet.contains(ah.tpa) or ah.tpa not in (vnet.host, vnet.dns):
        slirp.trace("drop", frame_id, f"who-has {ip_ntoa(ah.tpa)}: not an address slirp "
                    "plays (only the host and DNS live on this virtual network): no answer",
                    "arp_input", frame)
        return
    slirp.arp_table.add(ah.spa, ah.sha)
    mac = slirp_mac(ah.tpa)
    reply = arp.Arp(arp.ARPOP_REPLY, mac, ah.tpa, ah.sha, ah.spa).pack()
    out = ethernet.build(frame[6:12], mac, ethernet.ETH_P_ARP, reply)
    out += bytes(ARP_REPLY_LEN - len(out))
    out_id = slirp.new_frame_id()
    slirp.trace("reply", frame_id, f"who-has {ip_ntoa(ah.tpa)}: slirp answers "
                f"{_mac(mac)} (52:55 + the address) and learns the guest's "
                f"{_mac(ah.sha)} (reply: frame #{out_id})", "arp_input", frame)
    slirp.send_to_guest(out, out_id, "arp_input",
                        f"ARP reply {ip_ntoa(ah.tpa)} is-at {_mac(mac)}")


def _mac(mac: bytes) -> str:
    return ":".join(f"{b:02x}" for b in mac)
