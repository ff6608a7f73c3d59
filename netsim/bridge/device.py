"""The bridge as a network device, br0 (net/bridge/br_device.c).

br0 is two things at once: a switch (its ports and FDB) and an ordinary interface
of the host that can carry an IP address. What the host *sends* through br0 enters
the switch at :meth:`Bridge.start_xmit` (``br_dev_xmit``); what the switch decides is
*for the host* comes up through br0 (``br_pass_frame_up``).

Timers are kept in seconds here; `ip -d link` shows them in centiseconds, as the
kernel's netlink interface does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.bridge import forward as fwd
from netsim.bridge import storm, stp_if, stp_timer
from netsim.bridge.fdb import Fdb
from netsim.bridge.port import BridgePort, del_if, port_cost
from netsim.packets.addr import mac_ntoa
from netsim.packets.bpdu import BridgeId
from netsim.stack.netdevice import NetDevice

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.skb import Skb

AGEING_TIME = 300.0      # seconds, BR_DEFAULT_AGEING_TIME
FORWARD_DELAY = 15.0     # seconds (br_dev_setup)
HELLO_TIME = 2.0
MAX_AGE = 20.0
DEFAULT_PRIORITY = 0x8000


def format_bridge_id(priority: int, mac: bytes) -> str:
    """br_show_bridge_id(): ``8000.020000000101`` -- priority, dot, MAC without colons."""
    return f"{priority:04x}." + mac.hex()


class Bridge(NetDevice):
    kind = "bridge"
    is_bridge = True
    has_queue = False
    # br_features_recompute(): the bridge's own NETIF_F_HW_CSUM stays whatever its
    # ports (netdev_increment_features: one port that offloads is enough for all)
    tx_csum_offload = True

    def __init__(self, ns: NetNamespace, name: str) -> None:
        super().__init__(ns, name, ns.random_mac())
        self.ports: list[BridgePort] = []
        self.fdb = Fdb(self)
        self.bridge_mac = bytes(6)  # the MAC half of the bridge id; 0 until a port joins
        self.priority = DEFAULT_PRIORITY
        # What the user set (bridge_*) and what is in use: the root's values, learned
        # from its BPDUs (the same while this bridge is the root); ageing_time is
        # 2 * forward_delay during a topology change. All in seconds.
        self.bridge_ageing_time = self.ageing_time = AGEING_TIME
        self.bridge_forward_delay = self.forward_delay = FORWARD_DELAY
        self.bridge_hello_time = self.hello_time = HELLO_TIME
        self.bridge_max_age = self.max_age = MAX_AGE
        self.stp_enabled = False  # BR_NO_STP / BR_KERNEL_STP
        # Spanning tree state (br_private.h): the root we know, our way to it.
        self.designated_root = BridgeId(DEFAULT_PRIORITY, bytes(6))
        self.root_path_cost = 0
        self.root_port = 0
        self.topology_change = False
        self.topology_change_detected = False
        self.timer_base = stp_timer.TimerBase(self)
        self.hello_timer = stp_timer.Timer(self, stp_timer.hello_timer_expired, self)
        self.tcn_timer = stp_timer.Timer(self, stp_timer.tcn_timer_expired, self)
        self.topology_change_timer = stp_timer.Timer(
            self, stp_timer.topology_change_timer_expired, self)
        self.group_fwd_mask = 0
        self.fdb_max_learned = 0  # IFLA_BR_FDB_MAX_LEARNED: 0 = no limit (see fdb.py)
        self.mtu_set_by_user = False
        # The storm guard (netsim's, see storm.py): how often each recent frame was flooded
        # (or, once the bridge had a storm, came in at all).
        self.frames_seen: dict[int, int] = {}
        self.storm_counting = False
        self.storm_repeats = 0         # frames counted a second time in this window
        self.fwd_newest = 0            # the newest frame id forwarded (known unicast)
        self.stale_count = 0           # older frames forwarded since stale_since
        self.stale_since = 0.0
        self.storm_ports: dict[int, set[str]] = {}  # frame id -> ports it kept coming in on
        self.storm_quarantine: set[int] = set()     # frames the guard drops on sight
        self.storm_drops = 0
        self.storm_reports: list[str] = []  # what the guard said, each time it tripped
        self.storm_limit = storm.STORM_LIMIT
        install_notifier(ns)

    @property
    def bridge_id(self) -> str:
        """As sysfs and brctl show it: ``8000.020000000101``."""
        return format_bridge_id(self.priority, self.bridge_mac)

    @property
    def stp_id(self) -> BridgeId:
        """br->bridge_id: the priority and the MAC, ordered as STP compares them."""
        return BridgeId(self.priority, self.bridge_mac)

    @property
    def storm_limit(self) -> int:
        """How many times one frame may come into this bridge before the storm guard
        stops the run (netsim's guard against loops; see :mod:`netsim.bridge.storm`)."""
        return self._storm_limit

    @storm_limit.setter
    def storm_limit(self, limit: int) -> None:
        if limit < 2:
            raise ValueError("storm_limit must be at least 2")
        self._storm_limit = int(limit)
        self.storm_watch = self._storm_limit // 2  # from here on, ports are noted

    def port_of(self, dev: NetDevice) -> BridgePort | None:
        port = dev.br_port
        return port if port is not None and port.br is self else None

    # -------------------------------------------------------------- up / down
    def ndo_open(self) -> None:
        """br_dev_open() -> br_stp_enable_bridge(): working ports start (with STP: to
        listening), the FDB collector starts, a root begins its hellos."""
        stp_if.enable_bridge(self)

    def ndo_stop(self) -> None:
        """br_dev_stop() -> br_stp_disable_bridge(): every port is disabled, timers stop."""
        stp_if.disable_bridge(self)

    def uninit(self) -> None:
        """br_dev_delete(): release every port."""
        for port in list(self.ports):
            del_if(self, port.dev)
        self.fdb.stop_gc()
        for timer in (self.hello_timer, self.tcn_timer, self.topology_change_timer):
            timer.delete()

    # -------------------------------------------------------------- settings
    def set_mac(self, mac: bytes) -> None:
        """br_set_mac_address(): a hand-set address sticks (see :mod:`stp_if`, claim S4)."""
        self.mac_set_by_user = True
        stp_if.change_bridge_id(self, mac, "set by hand to")
        matches = any(p.dev.mac == mac for p in self.ports)
        if not matches:
            self.ns.trace.hop(self.ns.name, self.name, "bridge", "info", 0,
                              f"{self.name}: {mac_ntoa(mac)} matches no port. "
                              + stp_if.S4_NOTE, "br_set_mac_address")

    def set_mtu(self, mtu: int) -> None:
        self.mtu_set_by_user = True
        super().set_mtu(mtu)

    def mtu_auto_adjust(self) -> None:
        """br_mtu_auto_adjust(): the smallest port MTU (1500 with no port), unless the user
        set one."""
        if self.mtu_set_by_user:
            return
        smallest = min((p.dev.mtu for p in self.ports), default=1500)
        if smallest != self.mtu:
            self.mtu = smallest

    # -------------------------------------------------------------- transmit
    def start_xmit(self, skb: Skb) -> None:
        """br_dev_xmit(): the host sends through br0: into the switch."""
        self.count_tx(len(skb.data))
        dst_mac = skb.data[0:6]
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.name, "bridge", "tx", skb.frame_id,
                      f"{self.name}: the host sends through the bridge", "br_dev_xmit",
                      skb.data)
        if dst_mac[0] & 1:
            kind = "broadcast" if dst_mac == b"\xff\xff\xff\xff\xff\xff" else "multicast"
            fwd.flood(self, skb, kind, ingress=None)
            return
        dst = self.fdb.find(dst_mac)
        if dst is None:
            fwd.flood(self, skb, "unknown unicast", ingress=None)
        else:
            fwd.forward(self, dst, skb, ingress=None)


# ------------------------------------------------------------------ notifier
def install_notifier(ns: NetNamespace) -> None:
    """register_netdevice_notifier(&br_device_notifier), once per namespace."""
    if br_device_event not in ns.notifiers:
        ns.notifiers.append(br_device_event)


def br_device_event(event: str, dev: NetDevice) -> None:
    """br_device_event(): a port changed; the bridge reacts."""
    port = dev.br_port
    if port is None:
        return
    br = port.br
    if event == "change":
        port_carrier_check(port)
    elif event == "down":
        if br.admin_up:
            stp_if.disable_port(port)
    elif event == "up":
        # NETDEV_UP: the carrier change that came with opening it may have started the
        # port already (netsim fires it first); the kernel's linkwatch runs it later.
        if br.admin_up and stp_if.port_works(port) and port.state == "disabled":
            stp_if.enable_port(port)
    elif event == "changeaddr":
        old = next((e.mac for e in br.fdb.entries.values()
                    if e.is_local and e.port is port and e.mac != dev.mac), None)
        if old is not None:
            br.fdb.change_port_mac(port, old, dev.mac)
        else:
            br.fdb.insert_local(port, dev.mac)
        stp_if.recalculate_bridge_id(br)
    elif event == "changemtu":
        br.mtu_auto_adjust()
    elif event == "unregister":
        del_if(br, dev)


def port_carrier_check(port: BridgePort) -> None:
    """br_port_carrier_check(): a port got or lost its carrier (NETDEV_CHANGE)."""
    dev, br = port.dev, port.br
    works = stp_if.port_works(port)
    if not port.admin_cost and works:
        port.path_cost = port_cost(dev)
    if not br.admin_up:
        return
    if works:
        if port.state == "disabled":
            stp_if.enable_port(port)
    elif port.state != "disabled":
        stp_if.disable_port(port)
