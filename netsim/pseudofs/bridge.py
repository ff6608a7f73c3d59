"""The kernel side of ``/sys/class/net/BR/bridge/*`` and ``/sys/class/net/DEV/brport/*``.

br_sysfs_br.c and br_sysfs_if.c: a write is read with ``kstrtoul`` by the file system
(:mod:`netsim.pseudofs.tree`), then checked and applied here.
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

from netsim.engine.units import KERNEL_HZ, USER_HZ, elapsed_clock_t, seconds_from_clock_t

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort


def _oserror(code: int) -> OSError:
    """``OSError(code)`` becomes its subclass (EACCES -> PermissionError...)."""
    return OSError(code, os.strerror(code))


# Port states as the kernel numbers them (BR_STATE_*), for brport/state.
PORT_STATES = ("disabled", "listening", "learning", "forwarding", "blocking")

BR_MIN_PATH_COST, BR_MAX_PATH_COST = 1, 65535
BR_MAX_PORT_PRIORITY = 63
BR_GROUPFWD_RESTRICTED = 0x0007  # STP, MAC pause and LACP frames are never forwarded


def sysfs_bridge_id(priority: int, mac: bytes) -> str:
    """br_show_bridge_id(): ``8000.020000000101`` -- priority, dot, MAC without colons."""
    return f"{priority:04x}." + mac.hex()


def _jiffies(ticks: int) -> int:
    return ticks * KERNEL_HZ // USER_HZ


def set_stp(br: Bridge, on: bool) -> None:
    """br_stp_set_enabled(): no STP daemon runs, so "on" means the kernel's own STP.

    Starting STP pulls forward_delay into the 2..30 s range STP allows. netsim does not
    simulate STP itself: the flag is kept and shown, ports keep forwarding.
    """
    if on and not br.stp_enabled:
        br.forward_delay = min(max(br.forward_delay, 2.0), 30.0)
    br.stp_enabled = on


def bridge_store(br: Bridge, attr: str, value: int) -> None:
    """The kernel side of ``/sys/class/net/BR/bridge/ATTR``: check, then apply.

    ``value`` is what :func:`kstrtoul` read; times are clock ticks. The rules are
    br_sysfs_br.c's: hello_time 1..10 s and max_age 6..40 s always, forward_delay
    2..30 s only while STP runs (ERANGE), group_fwd_mask never touching bits 0-2
    (EINVAL), priority kept to 16 bits.
    """
    if attr == "ageing_time":
        br.set_ageing_time(seconds_from_clock_t(value))
    elif attr == "forward_delay":
        if br.stp_enabled and not 2 * KERNEL_HZ <= _jiffies(value) <= 30 * KERNEL_HZ:
            raise _oserror(errno.ERANGE)
        br.forward_delay = seconds_from_clock_t(value)
    elif attr == "hello_time":
        if not KERNEL_HZ <= _jiffies(value) <= 10 * KERNEL_HZ:
            raise _oserror(errno.ERANGE)
        br.hello_time = seconds_from_clock_t(value)
    elif attr == "max_age":
        if not 6 * KERNEL_HZ <= _jiffies(value) <= 40 * KERNEL_HZ:
            raise _oserror(errno.ERANGE)
        br.max_age = seconds_from_clock_t(value)
    elif attr == "priority":
        br.priority = value & 0xFFFF
    elif attr == "stp_state":
        set_stp(br, value != 0)
    elif attr == "group_fwd_mask":
        if value & BR_GROUPFWD_RESTRICTED or value > 0xFFFF:
            raise _oserror(errno.EINVAL)
        br.group_fwd_mask = value
    elif attr == "flush":
        br.fdb.flush()
    else:
        raise _oserror(errno.EOPNOTSUPP)  # a knob netsim does not simulate


# brport file -> BridgePort attribute, for the on/off flags the model simulates
PORT_FLAGS = {"hairpin_mode": "hairpin", "learning": "learning", "unicast_flood": "flood",
               "multicast_flood": "mcast_flood", "broadcast_flood": "bcast_flood"}


def port_store(port: BridgePort, attr: str, value: int) -> None:
    """The kernel side of ``/sys/class/net/DEV/brport/ATTR`` (br_sysfs_if.c).

    path_cost must be 1..65535 and priority at most 63 (ERANGE); a flag is on for any
    non-zero value; ``flush`` forgets what the port learned.
    """
    if attr == "path_cost":
        if not BR_MIN_PATH_COST <= value <= BR_MAX_PATH_COST:
            raise _oserror(errno.ERANGE)
        port.path_cost = value
    elif attr == "priority":
        if value > BR_MAX_PORT_PRIORITY:
            raise _oserror(errno.ERANGE)
        port.priority = value
    elif attr in PORT_FLAGS:
        setattr(port, PORT_FLAGS[attr], value != 0)
    elif attr == "flush":
        port.br.fdb.delete_by_port(port, do_all=False)
    else:
        raise _oserror(errno.EOPNOTSUPP)  # a knob netsim does not simulate


def gc_timer_ticks(br: Bridge) -> int:
    """What is left before the FDB garbage collector runs again, in clock ticks."""
    due = getattr(br.fdb, "gc_due", None)
    if due is None or not br.admin_up:
        return 0
    return elapsed_clock_t(due - br.ns.env.now)
