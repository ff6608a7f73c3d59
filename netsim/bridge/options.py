"""One checked setter per bridge and per port setting (br_stp.c, br_stp_if.c, br_if.c).

Linux has three ways in -- sysfs (br_sysfs_br.c, br_sysfs_if.c, which bridge-utils
writes), rtnetlink (br_netlink.c: ``ip link ... type bridge``, ``bridge link set``) and
the old ioctls (br_ioctl.c) -- and all of them call the same setters. So does netsim:

======================================  ==================================================
setter                                  who calls it
======================================  ==================================================
:func:`br_set_forward_delay`            sysfs ``forward_delay`` (brctl setfd), ip
:func:`br_set_hello_time`               sysfs ``hello_time`` (brctl sethello), ip
:func:`br_set_max_age`                  sysfs ``max_age`` (brctl setmaxage), ip
:func:`br_set_ageing_time`              sysfs ``ageing_time`` (brctl setageing), ip
:func:`br_stp_set_enabled`              sysfs ``stp_state`` (brctl stp), ip
:func:`br_stp_set_bridge_priority`      sysfs ``priority`` (brctl setbridgeprio), ip
:func:`br_set_group_fwd_mask`           sysfs ``group_fwd_mask``, ip
:func:`br_stp_set_path_cost`            brport ``path_cost`` (brctl setpathcost), bridge link
:func:`br_stp_set_port_priority`        brport ``priority`` (brctl setportprio), bridge link
:func:`br_set_port_flag`                brport flag files (brctl hairpin), bridge link
:func:`br_set_port_state`               bridge link ``state`` (brport/state is read-only)
======================================  ==================================================

Each takes the value the way the kernel's does -- times in clock ticks (1/100 s, an
``unsigned long``), the rest as plain numbers -- checks it, and applies it, or raises
:class:`~netsim.stack.extack.NetlinkError` with the errno the kernel returns and
changes nothing. Each tool words that errno its own way (``RTNETLINK answers: ...``,
``bash: echo: write error: ...``, ``set forward delay failed: ...``); the units, the
parsing and the wrap-around of the numbers are the tools' own too.

Times are kept in seconds in the model, through whole jiffies as the kernel keeps them:
``5`` clock ticks are 12 jiffies and read back as 4.

The ``check_*`` functions are the setters' checks alone, for a caller that must refuse a
whole request before changing anything (``ip link add ... type bridge``).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from netsim.bridge import stp, stp_if
from netsim.bridge.port import BR_STATE_DISABLED, PORT_STATES
from netsim.engine.units import KERNEL_HZ, jiffies_from_clock_t
from netsim.stack.extack import NetlinkError

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort

# br_private.h, in jiffies
BR_MIN_HELLO_TIME, BR_MAX_HELLO_TIME = 1 * KERNEL_HZ, 10 * KERNEL_HZ
BR_MIN_FORWARD_DELAY, BR_MAX_FORWARD_DELAY = 2 * KERNEL_HZ, 30 * KERNEL_HZ
BR_MIN_MAX_AGE, BR_MAX_MAX_AGE = 6 * KERNEL_HZ, 40 * KERNEL_HZ
BR_MIN_PATH_COST, BR_MAX_PATH_COST = 1, 65535
BR_MAX_PORT_PRIORITY = 63  # (u16)~0 >> BR_PORT_BITS
BR_GROUPFWD_RESTRICTED = 0x0007  # STP, MAC pause and LACP frames are never forwarded

# the on/off port flags the model simulates (BR_HAIRPIN_MODE, BR_LEARNING, BR_FLOOD,
# BR_MCAST_FLOOD, BR_BCAST_FLOOD, BR_BPDU_GUARD, BR_ROOT_BLOCK), by their BridgePort
# attribute (iproute2's keyword)
SIMULATED_PORT_FLAGS = ("hairpin", "learning", "flood", "mcast_flood", "bcast_flood", "guard",
                        "root_block")


def _seconds(jiffies: int) -> float:
    return jiffies / KERNEL_HZ


# ---------------------------------------------------------------------- bridge timers
def check_forward_delay(stp_enabled: bool, clock_t: int) -> int:
    """br_set_forward_delay()'s check: the jiffies, or ERANGE outside 2..30 s while STP runs."""
    t = jiffies_from_clock_t(clock_t)
    if stp_enabled and not BR_MIN_FORWARD_DELAY <= t <= BR_MAX_FORWARD_DELAY:
        raise NetlinkError(errno.ERANGE)
    return t


def br_set_forward_delay(br: Bridge, clock_t: int) -> None:
    """br_set_forward_delay() (br_stp.c): any value with STP off; 2..30 s (ERANGE) with it on.

    The bridge's own value; the one in use changes too only while it is the root (a
    non-root bridge uses the root's, from its BPDUs)."""
    stp.set_forward_delay(br, _seconds(check_forward_delay(br.stp_enabled, clock_t)))


def check_hello_time(clock_t: int) -> int:
    """br_set_hello_time()'s check: the jiffies, or ERANGE outside 1..10 s."""
    t = jiffies_from_clock_t(clock_t)
    if not BR_MIN_HELLO_TIME <= t <= BR_MAX_HELLO_TIME:
        raise NetlinkError(errno.ERANGE)
    return t


def br_set_hello_time(br: Bridge, clock_t: int) -> None:
    """br_set_hello_time() (br_stp.c): 1..10 s, else ERANGE -- whether STP runs or not.
    In use at once only on the root (from its next hello on)."""
    stp.set_hello_time(br, _seconds(check_hello_time(clock_t)))


def check_max_age(clock_t: int) -> int:
    """br_set_max_age()'s check: the jiffies, or ERANGE outside 6..40 s."""
    t = jiffies_from_clock_t(clock_t)
    if not BR_MIN_MAX_AGE <= t <= BR_MAX_MAX_AGE:
        raise NetlinkError(errno.ERANGE)
    return t


def br_set_max_age(br: Bridge, clock_t: int) -> None:
    """br_set_max_age() (br_stp.c): 6..40 s, else ERANGE -- whether STP runs or not.
    In use at once only on the root."""
    stp.set_max_age(br, _seconds(check_max_age(clock_t)))


def br_set_ageing_time(br: Bridge, clock_t: int) -> None:
    """br_set_ageing_time() (br_stp.c): any value (0 too: entries age at once); never refuses
    without a switchdev driver. The collector runs again at once with the new hold time."""
    br.bridge_ageing_time = br.ageing_time = _seconds(jiffies_from_clock_t(clock_t))
    if br.admin_up:
        br.fdb.start_gc(0.0)


# ---------------------------------------------------------------------- bridge id, STP
def br_stp_set_enabled(br: Bridge, val: int) -> None:
    """br_stp_set_enabled() (br_stp_if.c): any non-zero value starts STP; never refuses.

    No user-space STP daemon runs in a namespace, so "on" means the kernel's own STP,
    and br_stp_start() pulls forward_delay into the 2..30 s STP allows (see
    :func:`netsim.bridge.stp_if.set_enabled`).
    """
    stp_if.set_enabled(br, val != 0)


def br_stp_set_bridge_priority(br: Bridge, prio: int) -> None:
    """br_stp_set_bridge_priority() (br_stp_if.c): its parameter is a u16, so only the low
    16 bits count (sysfs and brctl's 70000 is 4464); never refuses. A new bridge id:
    the root may move at once."""
    stp_if.set_bridge_priority(br, prio & 0xFFFF)


def check_group_fwd_mask(mask: int) -> int:
    """set_group_fwd_mask()'s check: EINVAL when it touches bits 0-2; else the mask as the
    u16 the bridge keeps (sysfs takes an unsigned long: 0x10008 is kept as 0x8)."""
    if mask & BR_GROUPFWD_RESTRICTED:
        raise NetlinkError(errno.EINVAL)
    return mask & 0xFFFF


def br_set_group_fwd_mask(br: Bridge, mask: int) -> None:
    """set_group_fwd_mask() (br_sysfs_br.c; br_changelink() checks the same): link-local
    groups 01:80:c2:00:00:0X the bridge forwards. Bits 0-2 (STP, pause, LACP): EINVAL."""
    br.group_fwd_mask = check_group_fwd_mask(mask)


# ---------------------------------------------------------------------- ports
def br_stp_set_path_cost(port: BridgePort, cost: int) -> None:
    """br_stp_set_path_cost() (br_stp_if.c): 1..65535, else ERANGE."""
    if not BR_MIN_PATH_COST <= cost <= BR_MAX_PATH_COST:
        raise NetlinkError(errno.ERANGE)
    stp_if.set_path_cost(port, cost)


def br_stp_set_port_priority(port: BridgePort, prio: int) -> None:
    """br_stp_set_port_priority() (br_stp_if.c): 0..63 (it is the top 6 bits of the port
    id), else ERANGE."""
    if prio > BR_MAX_PORT_PRIORITY:
        raise NetlinkError(errno.ERANGE)
    stp_if.set_port_priority(port, prio)


def br_set_port_flag(port: BridgePort, flag: str, on: bool) -> None:
    """store_flag() / br_set_port_flag(): one of :data:`SIMULATED_PORT_FLAGS` on or off;
    never refuses."""
    if flag not in SIMULATED_PORT_FLAGS:
        raise ValueError(f"not a simulated port flag: {flag}")
    setattr(port, flag, bool(on))


def br_set_port_state(port: BridgePort, state: int) -> None:
    """br_set_port_state() (br_netlink.c): only without kernel STP, on a working port.

    EINVAL above 4 (blocking), EBUSY while STP runs, ENETDOWN when the device is down or
    (for any state but disabled) has no carrier. Then br_port_state_selection() runs:
    with STP off, a port set to blocking forwards again at once; disabled, listening and
    learning stay as set (no forward delay timer moves them on).
    """
    if not 0 <= state < len(PORT_STATES):
        raise NetlinkError(errno.EINVAL)
    br, dev = port.br, port.dev
    if br.stp_enabled:
        raise NetlinkError(errno.EBUSY)
    oper_up = dev.admin_up and dev.operstate in ("UP", "UNKNOWN")
    if not dev.admin_up or (not oper_up and state != 0):
        raise NetlinkError(errno.ENETDOWN)
    stp.set_state(port, PORT_STATES[state], "set by hand", "br_set_port_state")
    if port.state == BR_STATE_DISABLED:
        br.fdb.delete_by_port(port, do_all=False)
    stp.port_state_selection(br)
