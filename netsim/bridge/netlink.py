"""The bridge's rtnetlink side (net/bridge/br_netlink.c): requests made of attributes.

* :func:`br_changelink` -- ``ip link add/set BR type bridge OPTIONS`` (IFLA_BR_*);
  :func:`check_changelink` is what it would refuse, asked before anything changes.
* :func:`br_setport` -- IFLA_BRPORT_* on one port, for ``bridge link set`` (through
  :func:`rtnl_bridge_setlink`) and ``ip link set PORT type bridge_slave``
  (:func:`br_port_slave_changelink`).
* :func:`rtnl_bridge_getlink` -- the ports ``bridge link show`` lists.

Every value goes through the setter of :mod:`netsim.bridge.options` that sysfs and
brctl use too; the attribute names are iproute2's keywords (``forward_delay``, ``cost``).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any

from netsim.bridge import options
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

# IFLA_BR_* the model simulates, in the order br_changelink() handles them
CHANGELINK_ORDER = ("forward_delay", "hello_time", "max_age", "ageing_time", "stp_state",
                    "priority", "vlan_filtering", "group_fwd_mask", "fdb_flush")


def _in_order(values: dict[str, Any]) -> list[tuple[str, Any]]:
    unknown = [k for k in values if k not in CHANGELINK_ORDER]
    if unknown:
        raise ValueError(f"not a simulated bridge attribute: {unknown[0]}")
    return [(k, values[k]) for k in CHANGELINK_ORDER if k in values]


def check_changelink(br: Bridge | None, values: dict[str, Any]) -> None:
    """What br_changelink() would refuse, checked before anything changes (``br`` None: a
    bridge being created, with the defaults -- STP off).

    The kernel's own order decides which refusal comes first. vlan_filtering is refused
    (EOPNOTSUPP): the recorded kernel is built without CONFIG_BRIDGE_VLAN_FILTERING.
    """
    stp_enabled = br.stp_enabled if br is not None else False
    for name, value in _in_order(values):
        if name == "forward_delay":
            options.check_forward_delay(stp_enabled, value)
        elif name == "hello_time":
            options.check_hello_time(value)
        elif name == "max_age":
            options.check_max_age(value)
        elif name == "vlan_filtering":
            raise NetlinkError(errno.EOPNOTSUPP)
        elif name == "group_fwd_mask":
            options.check_group_fwd_mask(value)


def br_changelink(br: Bridge, values: dict[str, Any]) -> None:
    """br_changelink(): each IFLA_BR_* attribute through its setter, in the kernel's order.

    Like the kernel, a refusal stops the request there: what came before it stays set.
    """
    for name, value in _in_order(values):
        if name == "forward_delay":
            options.br_set_forward_delay(br, value)
        elif name == "hello_time":
            options.br_set_hello_time(br, value)
        elif name == "max_age":
            options.br_set_max_age(br, value)
        elif name == "ageing_time":
            options.br_set_ageing_time(br, value)
        elif name == "stp_state":
            options.br_stp_set_enabled(br, value)
        elif name == "priority":
            options.br_stp_set_bridge_priority(br, value)
        elif name == "vlan_filtering":
            raise NetlinkError(errno.EOPNOTSUPP)
        elif name == "group_fwd_mask":
            options.br_set_group_fwd_mask(br, value)
        elif name == "fdb_flush":
            br.fdb.flush()


# ---------------------------------------------------------------------- ports
def br_setport(port: BridgePort, attrs: dict[str, Any]) -> None:
    """br_setport(): the flags first, then cost, priority and state, then the flush.

    Like the kernel, the flags are set before cost is checked: a request with a good
    flag and a bad cost changes the flag and still fails.
    """
    for flag in options.SIMULATED_PORT_FLAGS:
        if flag in attrs:
            options.br_set_port_flag(port, flag, bool(attrs[flag]))
    if "cost" in attrs:
        options.br_stp_set_path_cost(port, attrs["cost"])
    if "priority" in attrs:
        options.br_stp_set_port_priority(port, attrs["priority"])
    if "state" in attrs:
        options.br_set_port_state(port, attrs["state"])
    if "fdb_flush" in attrs:
        port.br.fdb.delete_by_port(port, do_all=False)


def br_port_slave_changelink(dev: NetDevice, attrs: dict[str, Any]) -> None:
    """``ip link set DEV type bridge_slave ...``: the bridge the device is a port of
    answers (br_port_slave_changelink()); a device that is no port has no one to ask."""
    port = dev.br_port
    if port is None:
        raise NetlinkError(errno.EOPNOTSUPP)
    br_setport(port, attrs)


BRIDGE_FLAGS_MASTER, BRIDGE_FLAGS_SELF = 0x1, 0x2


def rtnl_bridge_setlink(ns: NetNamespace, ifindex: int, attrs: dict[str, Any],
                        flags: int) -> None:
    """rtnl_bridge_setlink() -> br_setlink() -> br_setport(): ``bridge link set``.

    Without ``self``/``master`` the request goes to the port's bridge; ``self`` goes to
    the device itself, and only a bridge answers it (and ignores it).
    """
    dev = ns.by_index(ifindex)
    if dev is None:
        raise NetlinkError(errno.ENODEV)
    if not flags or flags & BRIDGE_FLAGS_MASTER:
        port = dev.br_port
        if port is None:
            raise NetlinkError(errno.EOPNOTSUPP)  # no master to ask
        br_setport(port, attrs)
    if flags & BRIDGE_FLAGS_SELF and not dev.is_bridge:
        raise NetlinkError(errno.EOPNOTSUPP)


def rtnl_bridge_getlink(ns: NetNamespace) -> list[NetDevice]:
    """rtnl_bridge_getlink(): the bridge ports (a bridge itself sends nothing here)."""
    return [dev for dev in ns.in_order() if dev.br_port is not None]
