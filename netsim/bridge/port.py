"""Bridge ports (net/bridge/br_if.c): enslaving a device and letting it go.

:func:`add_if` is ``br_add_if``: it checks the device may be a port, gives it a
port number, sets the device's **rx_handler** to the bridge's ``handle_frame``
(the one seam that makes the frame the bridge's), makes it promiscuous, adds its
MAC as a local FDB entry and recalculates the bridge id. :func:`del_if` undoes it.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from netsim.bridge import stp, stp_if, stp_timer
from netsim.bridge.input import handle_frame, handle_frame_counting
from netsim.packets.bpdu import BridgeId
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

DEFAULT_PORT_PRIORITY = 0x8000 >> 10  # 32: the port id's top six bits (BR_PORT_BITS = 10)
BR_MAX_PORTS = 1 << 10
_NO_ID = BridgeId(0, bytes(6))


# The name qemu's helper and ``ip link set master`` catch: a refused bridge operation is
# the kernel's one error type, the errno and the extended-ack message when there is one.
BridgeError = NetlinkError


@dataclass(eq=False)
class BridgePort:
    """struct net_bridge_port: one device's membership in one bridge.

    The ``designated_*`` fields are the best offer heard on the port's segment (or our
    own, when this port is the designated port): the root, its cost from the segment,
    the bridge and port that offer it, and when (``designated_age``, in jiffies).
    """

    br: Bridge
    dev: NetDevice
    port_no: int
    state: str = BR_STATE_DISABLED
    priority: int = DEFAULT_PORT_PRIORITY
    path_cost: int = 100
    admin_cost: bool = False  # BR_ADMIN_COST: the user set the cost; the link speed does not
    learning: bool = True
    flood: bool = True
    mcast_flood: bool = True
    bcast_flood: bool = True
    hairpin: bool = False
    guard: bool = False       # BR_BPDU_GUARD: a BPDU heard on the port disables it
    root_block: bool = False  # BR_ROOT_BLOCK: the port may never become the root port
    designated_root: BridgeId = _NO_ID
    designated_bridge: BridgeId = _NO_ID
    designated_port: int = 0
    designated_cost: int = 0
    designated_age: int = 0
    topology_change_ack: bool = False
    config_pending: bool = False
    stp_xstats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("transition_blk", "transition_fwd", "rx_bpdu", "tx_bpdu", "rx_tcn", "tx_tcn"), 0))

    def __post_init__(self) -> None:
        """br_stp_port_timer_init()."""
        br = self.br
        self.message_age_timer = stp_timer.Timer(br, stp_timer.message_age_timer_expired, self)
        self.forward_delay_timer = stp_timer.Timer(br, stp_timer.forward_delay_timer_expired,
                                                   self)
        self.hold_timer = stp_timer.Timer(br, stp_timer.hold_timer_expired, self)

    @property
    def port_id(self) -> int:
        """br_make_port_id(): the priority above the low BR_PORT_BITS (10) of the number."""
        return (self.priority << 10) | (self.port_no & 0x3FF)

    def __repr__(self) -> str:
        return f"<BridgePort {self.br.name}:{self.dev.name} #{self.port_no} {self.state}>"


# Mbit/s -> cost (port_cost() in br_if.c; checked on Linux 6.18 with taps set by ethtool)
_COST_BY_SPEED = {10000: 2, 5000: 3, 2500: 4, 1000: 5, 100: 19, 10: 100}


def port_cost(dev: NetDevice) -> int:
    """port_cost(): the path cost from the link speed ethtool reports (veth and tap say
    10 Gbit/s: 2; a 1 Gbit/s NIC: 5); faster than 10 Gbit/s is 1; no speed: 100."""
    speed = getattr(dev, "speed_mbps", None)
    if speed is None:
        return 100
    if speed in _COST_BY_SPEED:
        return _COST_BY_SPEED[speed]
    return 1 if speed > 10000 else 100


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
    stp_if.init_port(port)  # new_nbp(): born designated and blocking, then disabled
    stp.set_state(port, BR_STATE_DISABLED, "it is not enabled yet", "new_nbp")
    dev.master = br
    dev.br_port = port
    # netdev_rx_handler_register(); a bridge that had a storm counts every frame (storm.py)
    dev.rx_handler = partial(handle_frame_counting if br.storm_counting else handle_frame, port)
    dev.promiscuity += 1
    dev.allmulti += 1  # dev_set_allmulti(dev, 1): a port listens to every multicast group
    br.ports.insert(0, port)  # list_add_rcu(): at the head, so floods go newest port first
    br.fdb.insert_local(port, dev.mac)
    ns = br.ns
    ns.trace.hop(ns.name, dev.name, "bridge", "info", 0,
                 f"{dev.name} joins {br.name} as port {port.port_no}: its rx_handler is now "
                 f"the bridge's, so frames it receives belong to {br.name}", "br_add_if")
    stp_if.recalculate_bridge_id(br)
    if br.admin_up and stp_if.port_works(port):
        stp_if.enable_port(port)
    br.mtu_auto_adjust()
    return port


def del_if(br: Bridge, dev: NetDevice) -> None:
    """br_del_if(): release ``dev``; its learned and local entries go with it."""
    port = dev.br_port
    if port is None or port.br is not br:
        raise NetlinkError(errno.EINVAL)
    # del_nbp() -> br_stp_disable_port() re-selects port states even while the bridge is
    # down: the last port leaving takes the bridge's carrier away.
    stp_if.disable_port(port)
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
    br.mtu_auto_adjust()
    stp_if.recalculate_bridge_id(br)
