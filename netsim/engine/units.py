"""Kernel time units: jiffies (``HZ``), clock ticks (``USER_HZ``) and the conversions.

The kernel counts time in jiffies, ``HZ`` per second (250 on the recording machine);
what it shows user space -- sysfs, netlink, bridge-utils -- is in ``clock_t``, 100 per
second. A time goes through jiffies on the way in and out, so it is rounded twice, as
``jiffies_to_clock_t`` and ``clock_t_to_jiffies`` round it.
"""

from __future__ import annotations

KERNEL_HZ = 250  # jiffies per second on the recording machine
USER_HZ = 100  # clock_t: what sysfs, netlink and bridge-utils count in


def clock_t(seconds: float) -> int:
    """Seconds in the model -> clock ticks (1/100 s), through jiffies like the kernel."""
    jiffies = int(round(seconds * KERNEL_HZ))
    return jiffies * USER_HZ // KERNEL_HZ


def seconds_from_clock_t(ticks: int) -> float:
    """clock_t_to_jiffies(): 1/100 s -> jiffies (rounded down) -> seconds for the model."""
    return (ticks * KERNEL_HZ // USER_HZ) / KERNEL_HZ


def elapsed_clock_t(seconds: float) -> int:
    """jiffies_delta_to_clock_t(): a time already spent, in whole clock ticks."""
    jiffies = int(seconds * KERNEL_HZ + 1e-9)
    return max(jiffies, 0) * USER_HZ // KERNEL_HZ


def jiffies_from_clock_t(ticks: int) -> int:
    """clock_t_to_jiffies(): clock ticks -> whole jiffies, rounded down."""
    return ticks * KERNEL_HZ // USER_HZ

