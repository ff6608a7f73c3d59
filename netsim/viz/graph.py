"""The lab as a networkx graph: machines, their devices, and what links them.

Nodes
    ``"host"`` / ``"vm1"``: one per machine, ``kind`` ``"host"`` or ``"vm"`` (a VM's
    guest OS is a machine of its own; ``runs_on`` names the host whose qemu runs it).
    ``"host:eth0"``: one per network device, with ``kind`` (see :data:`DEVICE_KINDS`),
    ``host``, ``name``, ``mac`` ("aa:bb:..", "" for none), ``ips`` (["10.0.0.1/24"])
    and ``state`` (the operstate ``ip link`` prints).

Edges (attribute ``kind``)
    ``"has"``      machine -- each of its devices
    ``"port of"``  a bridge port -- its bridge (``dev.master``)
    ``"veth"``     one veth end -- its peer (possibly in another machine)
    ``"cable"``    NIC -- NIC, with ``latency`` (s) and ``bandwidth`` (bit/s)
    ``"qemu"``     tap -- the guest NIC whose frames the qemu process moves through
                   /dev/net/tun (``pid``, ``fd``, ``netdev`` say which process and fd)
    ``"slirp"``    a qemu process's user-mode network -- the guest NIC it serves
                   (``-netdev user``: ``pid``, ``netdev``, ``net``)
    ``"sockets"``  that user-mode network -- the host device its sockets' traffic
                   leaves by (the host's default route), when there is one
    ``"routed"``   inside a machine that forwards (``net.ipv4.ip_forward=1``): each
                   addressed device -- the device of its default route (the uplink),
                   with ``nat`` naming the POSTROUTING targets (MASQUERADE, SNAT) that
                   translate what leaves by the uplink

A ``-netdev user`` is a node of kind ``"slirp"`` in the host (``"host:slirp/PID"``,
one per qemu process: two VMs never share one): it is not a device of the host's
kernel but libslirp inside qemu, whose guest traffic becomes the host's own sockets.
Its trace place is ``"host:slirp"``.

Node names are the trace's place names ("host:tap0"), so a trace path maps onto the
graph: ``nx.shortest_path(G, "vm1:eth0", "lan:eth0")`` walks the same devices a ping does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from netsim.packets.addr import ip_ntoa, mac_ntoa
from netsim.stack.netfilter import source_nat_targets
from netsim.viz._args import need_lab

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.lab import Lab
    from netsim.stack.netdevice import NetDevice

DEVICE_KINDS = ("nic", "veth", "tap", "tun", "bridge", "loopback", "emulated-nic", "slirp")
SLIRP_IFINDEX = 1 << 20  # after every real device in ifindex order


def device_kind(dev: NetDevice) -> str:
    """What a student would call the device; the class decides, not ``dev.kind``.

    ``dev.kind`` is iproute2's ``info_kind``: empty for physical NICs *and* loopback,
    and "tun" for both tun and tap, so it cannot tell them apart.
    """
    # Imported here: these modules are the kernel model, cheap, but the import order
    # of netsim.qemu vs netsim.devices must not matter to netsim.viz.
    from netsim.bridge.device import Bridge
    from netsim.devices.nic import Nic
    from netsim.devices.tun import TunDevice
    from netsim.devices.veth import Veth
    from netsim.qemu.nic import EmulatedNic
    from netsim.stack.loopback import Loopback

    if isinstance(dev, EmulatedNic):
        return "emulated-nic"
    if isinstance(dev, Nic):
        return "nic"
    if isinstance(dev, Bridge):
        return "bridge"
    if isinstance(dev, TunDevice):
        return "tap" if dev.is_tap else "tun"
    if isinstance(dev, Veth):
        return "veth"
    if isinstance(dev, Loopback):
        return "loopback"
    return dev.kind or "device"


def machines(lab: Lab) -> list[tuple[Host, str, str | None]]:
    """Every machine as ``(host, kind, runs_on)``: hosts first, then VM guests."""
    out: list[tuple[Host, str, str | None]] = [(h, "host", None) for h in lab.hosts.values()]
    out += [(vm.guest, "vm", vm.host.name) for vm in lab.vms.values()]
    return out


def node_id(dev: NetDevice) -> str:
    """A device's node name: the trace's place name, ``"host:dev"``."""
    return f"{dev.ns.name}:{dev.name}"


def to_networkx(lab: Lab) -> nx.Graph:
    """The lab's topology as an undirected :class:`networkx.Graph` (see the module doc)."""
    lab = need_lab(lab, "to_networkx")
    G = nx.Graph(name=f"netsim lab (seed {lab.seed})")
    for host, kind, runs_on in machines(lab):
        G.add_node(host.name, kind=kind, host=host.name, name=host.name, runs_on=runs_on)
        ipv4 = host.ns.ipv4
        for dev in host.ns.in_order():
            nid = node_id(dev)
            mac = "" if dev.mac == bytes(6) and dev.link_type != "ether" else mac_ntoa(dev.mac)
            ips = [f"{ip_ntoa(a.local)}/{a.prefixlen}" for a in ipv4.addresses_of(dev)]
            G.add_node(nid, kind=device_kind(dev), host=host.name, name=dev.name, mac=mac,
                       ips=ips, state=dev.operstate, ifindex=dev.ifindex)
            G.add_edge(host.name, nid, kind="has")
    # Links between devices: added after every node exists, as a veth's peer or a
    # cable's far end may live in a machine listed later.
    for host, _kind, _runs_on in machines(lab):
        for dev in host.ns.in_order():
            nid = node_id(dev)
            if dev.master is not None:
                G.add_edge(nid, node_id(dev.master), kind="port of")
            peer = getattr(dev, "peer", None)
            if peer is not None and node_id(peer) in G:
                G.add_edge(nid, node_id(peer), kind="veth")
    for cable in lab.cables:
        G.add_edge(node_id(cable.a), node_id(cable.b), kind="cable", latency=cable.latency,
                   bandwidth=cable.bandwidth)
    for host, _kind, _runs_on in machines(lab):
        _add_routed(G, host)
    for vm in lab.vms.values():
        for nic in vm.nics:
            backend = nic.backend
            tfile = getattr(backend, "tfile", None)
            tap = tfile.device if tfile is not None else None
            if tap is not None:
                G.add_edge(node_id(tap), node_id(nic), kind="qemu", pid=vm.pid,
                           fd=tfile.fd, netdev=backend.netdev_id)
            elif backend is not None and hasattr(backend, "vnet"):
                _add_slirp(G, vm.host, vm.pid, backend, nic)
    return G


def _add_slirp(G: nx.Graph, host: Host, pid: int, slirp, nic: NetDevice) -> None:
    """A ``-netdev user``: libslirp in qemu, between the guest NIC and the host's sockets."""
    vnet = slirp.vnet
    nid = f"{host.name}:slirp/{pid}"
    G.add_node(nid, kind="slirp", host=host.name, name=f"slirp/{pid}",
               mac=mac_ntoa(vnet.host_mac),
               ips=[f"gw {ip_ntoa(vnet.host)}/{vnet.prefixlen}", f"dns {ip_ntoa(vnet.dns)}"],
               state="UNKNOWN" if not slirp.closed else "DOWN", ifindex=SLIRP_IFINDEX + pid,
               place=f"{host.name}:slirp")
    G.add_edge(host.name, nid, kind="has")
    G.add_edge(nid, node_id(nic), kind="slirp", pid=pid, netdev=slirp.netdev_id,
               net=f"{ip_ntoa(vnet.net)}/{vnet.prefixlen}")
    default = host.ns.ipv4.main.lookup(0)  # only a default route covers 0.0.0.0
    if default is not None and node_id(default.dev) in G:
        G.add_edge(nid, node_id(default.dev), kind="sockets")


@dataclass
class Routing:
    """What one machine's IP layer does between its devices, from its public state.

    ``stack_devs`` are the devices the IP layer sees: up, not loopback, not a bridge
    port (a port's frames go to its bridge -- seed claim S3), with an address.
    ``uplink`` is the device of the default route (or the last addressed device),
    ``gateway`` its next hop, ``forwarding`` is ``net.ipv4.ip_forward`` and ``nat``
    names the nat POSTROUTING targets (MASQUERADE, SNAT) that can translate what
    leaves by ``uplink``.
    """

    forwarding: bool
    stack_devs: list[NetDevice]
    uplink: NetDevice | None
    gateway: str | None
    nat: list[str]

    @property
    def routed(self) -> list[NetDevice]:
        """The devices whose packets the kernel forwards to the uplink (none if off)."""
        if not self.forwarding or self.uplink is None:
            return []
        return [dev for dev in self.stack_devs if dev is not self.uplink]


def routing(host: Host) -> Routing:
    """The :class:`Routing` of ``host``: read, never changed."""
    stack = host.ns.ipv4
    addressed = [dev for dev in host.ns.in_order()
                 if not dev.flag_loopback and dev.admin_up and dev.master is None
                 and stack.addresses_of(dev)]
    default = stack.main.lookup(0)  # only a default route covers 0.0.0.0
    is_default = default is not None and default.prefixlen == 0
    uplink = (default.dev if is_default and default.dev in addressed
              else addressed[-1] if addressed else None)
    gateway = ip_ntoa(default.gateway) if is_default and default.gateway else None
    nat = source_nat_targets(host.ns, uplink.name) if uplink is not None else []
    return Routing(bool(stack.forwarding), addressed, uplink, gateway, nat)


def _add_routed(G: nx.Graph, host: Host) -> None:
    """A forwarding machine's routing between its networks, drawn inside its box."""
    r = routing(host)
    if len(r.stack_devs) < 2:
        return
    for dev in r.routed:
        G.add_edge(node_id(dev), node_id(r.uplink), kind="routed", nat=list(r.nat),
                   uplink=node_id(r.uplink))
