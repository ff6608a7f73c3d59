"""Bridge id and port states (net/bridge/br_stp_if.c, br_stp.c), with STP off.

The bridge id is the priority followed by a MAC. Unless the user set the bridge's
address by hand, that MAC is the **numerically lowest MAC among the ports** and is
recalculated whenever a port joins, leaves or changes its address.

Seed claim S4 (2019) says a hand-set MAC "must match" a port's. Linux 6.18 accepts
any valid unicast MAC and keeps it whatever the ports do (``addr_assign_type`` is
then NET_ADDR_SET); only multicast or all-zero addresses are refused (EADDRNOTAVAIL).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge

from netsim.packets.addr import mac_ntoa

S4_NOTE = ("Seed claim S4 says a hand-set bridge MAC must match one of its ports; Linux 6.18 "
           "accepts any unicast MAC and keeps it as ports come and go.")


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


def port_state_selection(br: Bridge) -> None:
    """br_port_state_selection() with STP off: usable ports forward, others are disabled.

    The bridge has carrier exactly when at least one port forwards.
    """
    from netsim.bridge.port import BR_STATE_DISABLED, BR_STATE_FORWARDING

    live = 0
    for port in br.ports:
        dev = port.dev
        usable = br.admin_up and dev.admin_up and dev.carrier
        new = BR_STATE_FORWARDING if usable else BR_STATE_DISABLED
        if new != port.state:
            port.state = new
            if new == BR_STATE_DISABLED:
                br.fdb.delete_by_port(port, do_all=False)
            ns = br.ns
            ns.trace.hop(ns.name, dev.name, "bridge", "info", 0,
                         f"{br.name}: port {dev.name} entering {new} state",
                         "br_set_state")
        if port.state == BR_STATE_FORWARDING:
            live += 1
    br.set_carrier(live > 0)
    # Once ports are involved the bridge's operstate is known (Linux shows UP/DOWN, not the
    # UNKNOWN of a bridge that never had a port), even when the carrier did not change.
    br.operstate_known = True


def change_bridge_id(br: Bridge, mac: bytes, why: str) -> None:
    """br_stp_change_bridge_id(): the bridge id *and* the device address become ``mac``."""
    old = br.mac
    br.bridge_mac = mac
    br.mac = mac
    br.fdb.change_bridge_mac(old, mac)
    ns = br.ns
    ns.trace.hop(ns.name, br.name, "bridge", "info", 0,
                 f"{br.name}: address is now {why} {mac_ntoa(mac)} (was {mac_ntoa(old)})",
                 "br_stp_change_bridge_id")
    ns.notify("changeaddr", br)
