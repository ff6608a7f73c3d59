"""The kernel side of ``/sys/class/net/BR/bridge/*`` and ``/sys/class/net/DEV/brport/*``.

br_sysfs_br.c and br_sysfs_if.c: a write is read with ``kstrtoul`` by the file system
(:mod:`netsim.pseudofs.numbers`), then handed to the bridge's setter for that file
(:mod:`netsim.bridge.options`, the one ``ip`` and ``bridge`` use too). A refusal comes
back as the errno of the ``write()``: ``bash: echo: write error: Numerical result out
of range``.
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

from netsim.bridge import options
from netsim.bridge.device import format_bridge_id as sysfs_bridge_id
from netsim.bridge.fdb import gc_timer_ticks
from netsim.bridge.port import PORT_STATES
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort

# what pseudofs/tree.py builds the files from
__all__ = ["PORT_FLAGS", "PORT_STATES", "bridge_store", "gc_timer_ticks", "port_store",
           "sysfs_bridge_id"]


def _oserror(code: int) -> OSError:
    """``OSError(code)`` becomes its subclass (EACCES -> PermissionError...)."""
    return OSError(code, os.strerror(code))


# bridge/ATTR -> its setter in netsim.bridge.options (br_sysfs_br.c: store_bridge_parm()
# with set_ATTR, which calls it)
_BRIDGE_SETTERS = {
    "ageing_time": "br_set_ageing_time",
    "forward_delay": "br_set_forward_delay",
    "hello_time": "br_set_hello_time",
    "max_age": "br_set_max_age",
    "priority": "br_stp_set_bridge_priority",
    "stp_state": "br_stp_set_enabled",
    "group_fwd_mask": "br_set_group_fwd_mask",
}


def bridge_store(br: Bridge, attr: str, value: int) -> None:
    """The kernel side of ``/sys/class/net/BR/bridge/ATTR``: the setter, its errno.

    ``value`` is what kstrtoul() read: an unsigned long, times in clock ticks. A file
    for a knob netsim does not simulate refuses the write (EOPNOTSUPP).
    """
    if attr == "flush":
        br.fdb.flush()
        return
    setter = _BRIDGE_SETTERS.get(attr)
    if setter is None:
        raise _oserror(errno.EOPNOTSUPP)  # a knob netsim does not simulate
    try:
        getattr(options, setter)(br, value)
    except NetlinkError as err:
        raise _oserror(err.code) from None


# brport file -> BridgePort flag (the BR_* flag it stores), for the flags the model simulates
PORT_FLAGS = {"hairpin_mode": "hairpin", "learning": "learning", "unicast_flood": "flood",
              "multicast_flood": "mcast_flood", "broadcast_flood": "bcast_flood",
              "bpdu_guard": "guard", "root_block": "root_block"}


def port_store(port: BridgePort, attr: str, value: int) -> None:
    """The kernel side of ``/sys/class/net/DEV/brport/ATTR`` (br_sysfs_if.c).

    path_cost and priority go to their setters; a flag is on for any non-zero value;
    ``flush`` forgets what the port learned.
    """
    try:
        if attr == "path_cost":
            options.br_stp_set_path_cost(port, value)
        elif attr == "priority":
            options.br_stp_set_port_priority(port, value)
        elif attr in PORT_FLAGS:
            options.br_set_port_flag(port, PORT_FLAGS[attr], value != 0)
        elif attr == "flush":
            port.br.fdb.delete_by_port(port, do_all=False)
        else:
            raise _oserror(errno.EOPNOTSUPP)  # a knob netsim does not simulate
    except NetlinkError as err:
        raise _oserror(err.code) from None
