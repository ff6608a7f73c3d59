"""SIOCBRADDBR and SIOCBRDELBR: bridge-utils' way to make and remove a bridge (br_ioctl.c).

``brctl addbr`` does not go through rtnetlink: the ioctl calls br_add_bridge(), which
checks the name (dev_valid_name(), a ``%d`` template filled by dev_alloc_name()) and
registers the device; br_del_bridge() refuses a bridge that is still up.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from netsim.bridge.device import Bridge
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.netdevice import NetDevice

IFNAMSIZ = 16


def _valid_name(name: str) -> bool:
    """dev_valid_name(): not empty, not . or .., no '/', ':' or blank."""
    return bool(name) and name not in (".", "..") and not any(
        c in "/:" or c.isspace() for c in name)


def br_add_bridge(ns: NetNamespace, name: str) -> Bridge:
    """A new bridge called ``name`` (``br%d`` takes the lowest free number)."""
    if not _valid_name(name):
        raise NetlinkError(errno.EINVAL)
    if "%" in name:
        head, sep, tail = name.partition("%d")
        if not sep or "%" in head or "%" in tail:
            raise NetlinkError(errno.EINVAL)
        number = 0
        while ns.get(f"{head}{number}{tail}") is not None:
            number += 1
        name = f"{head}{number}{tail}"
        if len(name) >= IFNAMSIZ:
            raise NetlinkError(errno.EINVAL)
    if ns.get(name) is not None:
        raise NetlinkError(errno.EEXIST)
    bridge = Bridge(ns, name)
    ns.register(bridge)
    return bridge


def br_del_bridge(ns: NetNamespace, dev: NetDevice | None) -> None:
    """Remove a bridge: ENXIO if there is none, EPERM if it is not a bridge, EBUSY if up."""
    if dev is None:
        raise NetlinkError(errno.ENXIO)
    if not dev.is_bridge:
        raise NetlinkError(errno.EPERM)
    if dev.admin_up:
        raise NetlinkError(errno.EBUSY)
    ns.unregister(dev)
