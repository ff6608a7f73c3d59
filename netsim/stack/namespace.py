"""A network namespace: one host's devices, its IPv4 stack and its sysctls.

Devices are numbered per namespace from 1 (``lo``), always upwards, as Linux 6.x
allocates ifindexes (a deleted device's number is not given out again).
Events about devices (up, down, carrier change, address change, unregister) go
through :meth:`NetNamespace.notify`, the netdevice notifier chain: the bridge and
the IPv4 stack listen there instead of devices calling them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.packets.ethernet import ETH_P_ARP, ETH_P_IP
from netsim.stack.skb import Skb

if TYPE_CHECKING:
    from netsim.lab import Lab
    from netsim.stack.netdevice import NetDevice
    from netsim.stack.netfilter import Netfilter

Notifier = Callable[[str, "NetDevice"], None]

DEFAULT_SYSCTLS = {
    "net.ipv4.ip_forward": "0",
    "net.ipv4.conf.all.forwarding": "0",
    "net.ipv4.igmp_link_local_mcast_reports": "1",
    "net.ipv6.conf.all.disable_ipv6": "0",
    "net.ipv6.conf.default.disable_ipv6": "0",
    "net.ipv4.neigh.default.gc_stale_time": "60",
    "net.ipv4.conf.all.arp_ignore": "0",
    "net.ipv4.conf.all.rp_filter": "0",
    "net.ipv4.ip_default_ttl": "64",
    # br_netfilter's per-namespace default (brnf_init_net); measured on Linux 6.18, where
    # a fresh namespace shows all three bridge-nf-call-* keys at 1
    "net.bridge.bridge-nf-call-iptables": "1",
    # Who may open ICMP "ping" sockets (SOCK_DGRAM, IPPROTO_ICMP): groups low..high.
    # "1 0" is the kernel's default (nobody); systemd's 50-default.conf sets
    # "0 2147483647". QEMU's user-mode network (slirp) asks for such a socket first.
    "net.ipv4.ping_group_range": "1\t0",
}


class NetNamespace:
    def __init__(self, lab: Lab, name: str) -> None:
        from netsim.stack.ipv4 import IPv4Stack
        from netsim.stack.loopback import Loopback

        self.lab = lab
        self.name = name
        self.trace = lab.trace
        self.env = lab.env
        self.devices: dict[str, NetDevice] = {}
        self._next_ifindex = 1
        self.notifiers: list[Notifier] = []
        self.sysctl: dict[str, str] = dict(DEFAULT_SYSCTLS)
        self.peer_nsids: dict[str, int] = {}
        # iptables' tables and conntrack, made by the first iptables command
        # (netsim.stack.netfilter.netfilter_of); None costs the stack one test per hook
        self.netfilter: Netfilter | None = None
        # Per-namespace state of subsystems that keep some (the kernel's net_generic()):
        # the sysctl table, the address-lifetime work, ping ids... It lives and dies with
        # the namespace, so a dropped lab is freed whole.
        self.generic: dict[str, object] = {}
        self.ipv4 = IPv4Stack(self)
        self.lo = self.register(Loopback(self))

    # ------------------------------------------------------------------ devices
    def register(self, dev: NetDevice, ifindex: int = 0) -> NetDevice:
        """register_netdevice(): give the device an ifindex and make it visible.

        ``ifindex`` is a number the device would like to keep (one arriving from another
        namespace); 0 asks for the next free one.
        """
        dev.ifindex = self.alloc_ifindex(ifindex)
        self.devices[dev.name] = dev
        dev.qualified_name = f"{self.name}:{dev.name}"
        self.notify("register", dev)
        return dev

    def alloc_ifindex(self, wanted: int = 0) -> int:
        """dev_index_reserve(): the one place ifindexes are handed out.

        ``wanted`` (a device arriving from another namespace keeps its number) is granted
        when no device here has it, and leaves the counter alone. Otherwise (or for 0)
        the namespace's counter gives the first free number from where it stands
        (``xa_alloc_cyclic``) and moves past it: a deleted device's number is not given
        out again, and a number taken by a device that moved in is skipped when the
        counter gets there.
        """
        if wanted and self.by_index(wanted) is None:
            return wanted
        index = self._next_ifindex
        while self.by_index(index) is not None:
            index += 1
        self._next_ifindex = index + 1
        return index

    def unregister(self, dev: NetDevice) -> None:
        """unregister_netdevice(): down, unhooked from everything, gone."""
        if dev.name not in self.devices:
            return
        dev.close()
        self.notify("unregister", dev)
        dev.uninit()
        del self.devices[dev.name]

    def rename(self, dev: NetDevice, new: str) -> None:
        del self.devices[dev.name]
        dev.name = new
        dev.qualified_name = f"{self.name}:{new}"
        self.devices[new] = dev
        self.notify("changename", dev)

    def get(self, name: str) -> NetDevice | None:
        return self.devices.get(name)

    def by_index(self, ifindex: int) -> NetDevice | None:
        for dev in self.devices.values():
            if dev.ifindex == ifindex:
                return dev
        return None

    def in_order(self) -> list[NetDevice]:
        """Devices by ifindex, as `ip link` lists them."""
        return sorted(self.devices.values(), key=lambda d: d.ifindex)

    def notify(self, event: str, dev: NetDevice) -> None:
        for notifier in list(self.notifiers):
            notifier(event, dev)

    def random_mac(self) -> bytes:
        """eth_random_addr(): random bytes, multicast bit cleared, locally-administered set."""
        raw = bytearray(self.lab.rng.randbytes(6))
        raw[0] = (raw[0] & 0xFE) | 0x02
        return bytes(raw)

    def nsid_of(self, other: NetNamespace) -> int:
        """The id this namespace gives another one (peernet2id_alloc), from 0 upwards."""
        if other.name not in self.peer_nsids:
            self.peer_nsids[other.name] = len(self.peer_nsids)
        return self.peer_nsids[other.name]

    def new_frame_id(self) -> int:
        return self.lab.new_frame_id()

    # ------------------------------------------------------------------ receive
    def deliver_to_protocols(self, skb: Skb) -> None:
        """The ptype handlers: ip_rcv for IPv4, arp_rcv for ARP; others are not for us."""
        data = skb.data
        ethertype = (data[12] << 8) | data[13] if len(data) >= 14 else -1
        if ethertype == ETH_P_IP:
            self.ipv4.rcv(skb, data, 14)
        elif ethertype == ETH_P_ARP:
            self.ipv4.arp.rcv(skb, data[14:])
        else:
            self.trace.hop(self.name, skb.dev.name, "link", "drop", skb.frame_id,
                           f"{skb.dev.name}: no protocol handler for this EtherType",
                           "__netif_receive_skb_core", data)
