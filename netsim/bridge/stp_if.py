"""Spanning tree, the interface side (net/bridge/br_stp_if.c): bridge and ports join
and leave the protocol, and the settings that move the tree.

The bridge id is the priority followed by a MAC. Unless the user set the bridge's
address by hand, that MAC is the **numerically lowest MAC among the ports** and is
recalculated whenever a port joins, leaves or changes its address; a new bridge id
runs the whole election again (:func:`change_bridge_id`).

With STP off (the default) the same functions run: every port that works is the
designated port of its segment and forwards at once.

Seed claim S4 (2019) says a hand-set MAC "must match" a port's. Linux 6.18 accepts
any valid unicast MAC and keeps it whatever the ports do (``addr_assign_type`` is
then NET_ADDR_SET); only multicast or all-zero addresses are refused (EADDRNOTAVAIL).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.bridge import stp
from netsim.bridge.stp_timer import jiffies, to_jiffies
from netsim.packets.addr import mac_ntoa
from netsim.packets.bpdu import BridgeId

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort

S4_NOTE = ("Seed claim S4 says a hand-set bridge MAC must match one of its ports; Linux 6.18 "
           "accepts any unicast MAC and keeps it as ports come and go.")

BR_MIN_FORWARD_DELAY, BR_MAX_FORWARD_DELAY = 2.0, 30.0  # seconds (br_private.h)
GC_START_DELAY = 0.1     # br_stp_enable_bridge() starts the FDB collector HZ/10 later


# ---------------------------------------------------------------------- ports
def init_port(p: BridgePort) -> None:
    """br_init_port(): a port (re)starts as the designated port of its segment, blocking."""
    stp.become_designated_port(p)
    stp.set_state(p, stp.BLOCKING, "the port starts", "br_init_port")
    p.topology_change_ack = False
    p.config_pending = False


def enable_port(p: BridgePort) -> None:
    """br_stp_enable_port(): the port works (up, with carrier, in a bridge that is up)."""
    init_port(p)
    stp.port_state_selection(p.br)


def disable_port(p: BridgePort) -> None:
    """br_stp_disable_port(): the port stops; what it learned goes; the tree is recomputed
    without it. (No topology change is flagged for it: Linux does not.)"""
    br = p.br
    was_root = stp.is_root_bridge(br)
    stp.become_designated_port(p)
    stp.set_state(p, stp.DISABLED, "the port is down, has no carrier, or its bridge is down",
                  "br_stp_disable_port")
    p.topology_change_ack = False
    p.config_pending = False
    p.message_age_timer.delete()
    p.forward_delay_timer.delete()
    p.hold_timer.delete()
    br.fdb.delete_by_port(p, do_all=False)
    stp.configuration_update(br)
    stp.port_state_selection(br)
    if stp.is_root_bridge(br) and not was_root:
        stp.become_root_bridge(br)


def port_works(p: BridgePort) -> bool:
    """netif_running(dev) && netif_oper_up(dev)."""
    dev = p.dev
    return dev.admin_up and dev.operstate in ("UP", "UNKNOWN")


# ---------------------------------------------------------------------- the bridge
def enable_bridge(br: Bridge) -> None:
    """br_stp_enable_bridge(): br0 comes up -- hello timer, FDB collector, working ports."""
    if br.stp_enabled:
        br.hello_timer.mod(jiffies(br) + to_jiffies(br.hello_time))
    br.fdb.start_gc(GC_START_DELAY)
    stp.config_bpdu_generation(br)
    for p in br.ports:
        if port_works(p):
            enable_port(p)


def disable_bridge(br: Bridge) -> None:
    """br_stp_disable_bridge(): br0 goes down -- every port is disabled, timers stop."""
    for p in br.ports:
        if p.state != stp.DISABLED:
            disable_port(p)
    stp.set_topology_change(br, False)
    br.topology_change_detected = False
    br.hello_timer.delete()
    br.topology_change_timer.delete()
    br.tcn_timer.delete()
    br.fdb.stop_gc()


def set_enabled(br: Bridge, on: bool) -> None:
    """br_stp_set_enabled(): br_stp_start() / br_stp_stop().

    No user-space STP daemon runs in a network namespace, so "on" is the kernel's STP.
    Turning it off stops the BPDUs but leaves every port in the state it has: a
    blocked port stays blocked until something makes the bridge look again.
    """
    if on and not br.stp_enabled:
        _stp_start(br)
    elif not on and br.stp_enabled:
        br.stp_enabled = False
        stp.log(br, br.name, "STP stopped: no more BPDUs; ports keep their states",
                "br_stp_stop")


def _stp_start(br: Bridge) -> None:
    """br_stp_start(): forward_delay pulled into 2..30 s, then the kernel's STP runs."""
    fd = br.bridge_forward_delay
    if fd < BR_MIN_FORWARD_DELAY or fd > BR_MAX_FORWARD_DELAY:
        stp.set_forward_delay(br, min(max(fd, BR_MIN_FORWARD_DELAY), BR_MAX_FORWARD_DELAY))
    br.stp_enabled = True
    stp.log(br, br.name, "using kernel STP", "br_stp_start")
    if br.admin_up:
        br.hello_timer.mod(jiffies(br) + to_jiffies(br.hello_time))
    stp.port_state_selection(br)


# ---------------------------------------------------------------------- bridge id
def recalculate_bridge_id(br: Bridge) -> bool:
    """br_stp_recalculate_bridge_id(): compute the lowest port MAC, then apply it.

    Returns True when the bridge's address changed.
    """
    if br.mac_set_by_user:
        return False  # the user set the address: keep it
    lowest = min((p.dev.mac for p in br.ports), default=bytes(6))
    if lowest == br.bridge_mac:
        return False
    change_bridge_id(br, lowest, "the lowest port MAC")
    return True


def change_bridge_id(br: Bridge, mac: bytes, why: str) -> None:
    """br_stp_change_bridge_id(): the bridge id *and* the device address become ``mac``;
    ports that carried the old id carry the new one; the election runs again."""
    was_root = stp.is_root_bridge(br)
    old = br.mac
    old_id_mac = br.bridge_mac
    br.fdb.change_bridge_mac(old, mac)
    br.bridge_mac = mac
    br.mac = mac
    for p in br.ports:
        if p.designated_bridge.mac == old_id_mac:
            p.designated_bridge = BridgeId(p.designated_bridge.priority, mac)
        if p.designated_root.mac == old_id_mac:
            p.designated_root = BridgeId(p.designated_root.priority, mac)
    ns = br.ns
    ns.trace.hop(ns.name, br.name, "bridge", "info", 0,
                 f"{br.name}: address is now {why} {mac_ntoa(mac)} (was {mac_ntoa(old)})",
                 "br_stp_change_bridge_id")
    stp.configuration_update(br)
    stp.port_state_selection(br)
    if stp.is_root_bridge(br) and not was_root:
        stp.become_root_bridge(br)
    ns.notify("changeaddr", br)


def set_bridge_priority(br: Bridge, prio: int) -> None:
    """br_stp_set_bridge_priority(): a new bridge id; the election runs again."""
    was_root = stp.is_root_bridge(br)
    for p in br.ports:
        if p.state != stp.DISABLED and stp.is_designated_port(p):
            p.designated_bridge = BridgeId(prio, p.designated_bridge.mac)
    br.priority = prio
    stp.log(br, br.name, f"bridge priority {prio}: bridge id {br.stp_id}",
            "br_stp_set_bridge_priority")
    stp.configuration_update(br)
    stp.port_state_selection(br)
    if stp.is_root_bridge(br) and not was_root:
        stp.become_root_bridge(br)


def set_port_priority(p: BridgePort, prio: int) -> None:
    """br_stp_set_port_priority() once checked: a new port id. Only this port's
    designated role is looked at again -- no BPDU goes out, the neighbours learn the new
    id with the next one."""
    designated = stp.is_designated_port(p)
    p.priority = prio
    if designated:
        p.designated_port = p.port_id
    if p.designated_bridge == p.br.stp_id and p.port_id < p.designated_port:
        stp.become_designated_port(p)
        stp.port_state_selection(p.br)


def set_path_cost(p: BridgePort, cost: int) -> None:
    """br_stp_set_path_cost() once checked: the user's cost sticks (the link speed no
    longer sets it) and the election runs again."""
    p.admin_cost = True
    p.path_cost = cost
    stp.configuration_update(p.br)
    stp.port_state_selection(p.br)
