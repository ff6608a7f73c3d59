"""Bridge ports (net/bridge/br_if.c): enslaving a device and letting it go.

:func:`add_if` is ``br_add_if``: it checks the device may be a port, gives it a
port number, sets the device's **rx_handler** to the bridge's ``handle_frame``
(the one seam that makes the frame the bridge's), makes it promiscuous, adds its
MAC as a local FDB entry and recalculates the bridge id. :func:`del_if` undoes it.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from netsim.bridge import stp_if
from netsim.bridge.input import handle_frame
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.stack.netdevice import NetDevice

BR_STATE_DISABLED = "disabled"
BR_STATE_LISTENING = "listening"
BR_STATE_LEARNING = "learning"
BR_STATE_FORWARDING = "forwarding"
BR_STATE_BLOCKING = "blocking"
# the states as the kernel numbers them (BR_STATE_DISABLED = 0 ... BR_STATE_BLOCKING = 4)
PORT_STATES = (BR_STATE_DISABLED, BR_STATE_LISTENING, BR_STATE_LEARNING, BR_STATE_FORWARDING,
               BR_STATE_BLOCKING)

DEFAULT_PORT_PRIORITY = 0x20
BR_MAX_PORTS = 1 << 10


# The name qemu's helper and ``ip link set master`` catch: a refused bridge operation is
# the kernel's one error type, the errno and the extended-ack message when there is one.
BridgeError = NetlinkError


@dataclass(eq=False)
class BridgePort:
    """struct net_bridge_port: one device's membership in one bridge."""

    br: Bridge
    dev: NetDevice
    port_no: int
    state: str = BR_STATE_DISABLED
    priority: int = DEFAULT_PORT_PRIORITY
    path_cost: int = 100
    learning: bool = True
    flood: bool = True
    mcast_flood: bool = True
    bcast_flood: bool = True
    hairpin: bool = False

    @property
    def port_id(self) -> int:
        """br_make_port_id(): the priority above the low BR_PORT_BITS (10) of the number."""
        return (self.priority << 10) | (self.port_no & 0x3FF)

    def __repr__(self) -> str:
        return f"<BridgePort {self.br.name}:{self.dev.name} #{self.port_no} {self.state}>"


def port_cost(dev: NetDevice) -> int:
    """br_port_cost(): 802.1D cost from the link speed (veth reports 10 Gbit/s -> 2)."""
    speed = getattr(dev, "speed_mbps", None)
    if speed is None:
        return 100
    for limit, cost in ((10000, 2), (1000, 4), (100, 19), (10, 100)):
        if speed >= limit:
            return cost
    return 100


def _find_portno(br: Bridge) -> int:
    used = {p.port_no for p in br.ports}
    for n in range(1, BR_MAX_PORTS):
        if n not in used:
            return n
    raise NetlinkError(errno.EXFULL)


def add_if(br: Bridge, dev: NetDevice) -> BridgePort:
    """br_add_if(): make ``dev`` a port of ``br``. Raises NetlinkError with the errno."""
    if dev.flag_loopback or dev.link_type != "ether" or dev.mac[0] & 1 or dev.mac == bytes(6):
        raise NetlinkError(errno.EINVAL)
    if dev.is_bridge:
        raise NetlinkError(errno.ELOOP, "Can not enslave a bridge to a bridge")
    if dev.master is not None:
        raise NetlinkError(errno.EBUSY, "Device is already in use.")
    port = BridgePort(br, dev, _find_portno(br), path_cost=port_cost(dev))
    dev.master = br
    dev.br_port = port
    dev.rx_handler = partial(handle_frame, port)  # netdev_rx_handler_register()
    dev.promiscuity += 1
    dev.allmulti += 1  # dev_set_allmulti(dev, 1): a port listens to every multicast group
    br.ports.insert(0, port)  # list_add_rcu(): at the head, so floods go newest port first
    br.fdb.insert_local(port, dev.mac)
    ns = br.ns
    ns.trace.hop(ns.name, dev.name, "bridge", "info", 0,
                 f"{dev.name} joins {br.name} as port {port.port_no}: its rx_handler is now "
                 f"the bridge's, so frames it receives belong to {br.name}", "br_add_if")
    stp_if.recalculate_bridge_id(br)
    br.mtu_auto_adjust()
    if br.admin_up:
        stp_if.port_state_selection(br)
    return port


def del_if(br: Bridge, dev: NetDevice) -> None:
    """br_del_if(): release ``dev``; its learned and local entries go with it."""
    port = dev.br_port
    if port is None or port.br is not br:
        raise NetlinkError(errno.EINVAL)
    port.state = BR_STATE_DISABLED
    br.ports.remove(port)
    br.fdb.delete_by_port(port, do_all=True)
    dev.rx_handler = None
    dev.master = None
    dev.br_port = None
    dev.promiscuity -= 1
    dev.allmulti -= 1
    ns = br.ns
    ns.trace.hop(ns.name, dev.name, "bridge", "info", 0,
                 f"{dev.name} leaves {br.name}: its own stack receives its frames again",
                 "br_del_if")
    stp_if.recalculate_bridge_id(br)
    br.mtu_auto_adjust()
    # del_nbp() -> br_stp_disable_port() re-selects port states even while the bridge is
    # down: the last port leaving takes the bridge's carrier away.
    stp_if.port_state_selection(br)
