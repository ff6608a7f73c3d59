"""The virtual network one ``-netdev user`` plays for its guest.

Defaults (QEMU 7.2's ``net_slirp_init``): network 10.0.2.0/24, the host -- the
guest's gateway -- at 10.0.2.2, the DNS server at 10.0.2.3, DHCP leases from 10.0.2.15
upwards. ``net=``, ``host=``, ``dns=`` and ``dhcpstart=`` move them; the command-line
parser has already checked them (:meth:`netsim.qemu.builder_net.NetPhases._user`).

Every virtual address answers ARP with a MAC made of libslirp's ``special_ethaddr``
(52:55:00:00:00:00) with the address in its last four bytes: 10.0.2.2 is
52:55:0a:00:02:02 and 10.0.2.3 is 52:55:0a:00:02:03 (``arp_input`` in slirp.c).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_aton

if TYPE_CHECKING:
    from netsim.qemu.config import Netdev

SPECIAL_ETHADDR = bytes((0x52, 0x55, 0, 0, 0, 0))
LOOPBACK = bytes((127, 0, 0, 1))
BROADCAST = b"\xff\xff\xff\xff"


def slirp_mac(addr: bytes) -> bytes:
    """The MAC slirp answers ARP with for one of its addresses: 52:55 + the address."""
    return SPECIAL_ETHADDR[:2] + addr


@dataclass(frozen=True)
class VirtualNetwork:
    """The addresses of one slirp network (4-byte values)."""

    net: bytes
    prefixlen: int
    host: bytes          # vhost_addr: the gateway, and "the host" for the guest
    dns: bytes           # vnameserver_addr
    dhcp_start: bytes    # vdhcp_startaddr: the first lease
    restricted: bool = False   # restrict=on: the guest talks to slirp only
    hostname: str = ""         # hostname=: DHCP option 12

    @classmethod
    def from_netdev(cls, nd: Netdev) -> VirtualNetwork:
        return cls(ip_aton(nd.net or "10.0.2.0"), nd.prefixlen or 24,
                   ip_aton(nd.host or "10.0.2.2"), ip_aton(nd.dns or "10.0.2.3"),
                   ip_aton(nd.guest_addr or "10.0.2.15"), nd.restrict,
                   nd.params.get("hostname", ""))

    @property
    def mask(self) -> bytes:
        return ((0xFFFFFFFF << (32 - self.prefixlen)) & 0xFFFFFFFF).to_bytes(4, "big")

    @property
    def broadcast(self) -> bytes:
        """The network's broadcast address (10.0.2.255)."""
        inv = (1 << (32 - self.prefixlen)) - 1
        return (int.from_bytes(self.net, "big") | inv).to_bytes(4, "big")

    def contains(self, addr: bytes) -> bool:
        mask = int.from_bytes(self.mask, "big")
        return int.from_bytes(addr, "big") & mask == int.from_bytes(self.net, "big")

    @property
    def host_mac(self) -> bytes:
        """The source MAC of every frame slirp sends the guest (``if_encap4``)."""
        return slirp_mac(self.host)
