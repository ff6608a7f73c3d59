"""IPv4 address lifetimes (net/ipv4/devinet.c: set_ifa_lifetime, check_lifetime).

An address added with ``valid_lft``/``preferred_lft`` is *dynamic*: the kernel notes
when it was set (``ifa_tstamp``) and counts down from there. Its life has three parts::

    set_ifa_lifetime()        tstamp + preferred          tstamp + valid
    |--- preferred ----------------|---- deprecated ------------|  deleted
         `ip addr`: dynamic            dynamic deprecated           (routes too, if it
         valid_lft 3599sec ...         preferred_lft 0sec           was the last one)

* **Permanent or dynamic.** Only the *valid* lifetime decides: ``valid_lft forever``
  makes the address ``IFA_F_PERMANENT`` whatever its preferred lifetime, and a
  permanent address never counts down (``ip addr`` then shows ``forever`` twice,
  even after ``preferred_lft 10``: the kernel keeps the 10 but never reads it).
* **What ``ip addr`` shows** is computed when it asks (inet_fill_ifaddr): the stored
  lifetimes minus the whole seconds elapsed since ``tstamp``, never below 0.
* **Who acts** is one delayed work per network namespace, ``check_lifetime``. Adding
  or changing an address queues it at once; each run deprecates or deletes whatever is
  due (with a 20 ms batching slack, ``ADDRCONF_TIMER_FUZZ_MINUS``), then sleeps until the
  next deadline -- at most ``ADDR_CHECK_FREQUENCY`` (120 s), at least 1 s, and pushed to
  the next whole second when that is less than 250 ms later (``round_jiffies_up``).
  So a real address with ``valid_lft 5`` disappears 5.0-5.25 s after it was set; here,
  with whole-second times, exactly 5 s after.

Left out: ``ifa_cstamp``/``IFA_CACHEINFO``'s creation and update stamps (``ip`` does
not print them), IPv6 (addrconf.c has its own worker), and the global jiffies phase
(simulated seconds play the part of jiffies with HZ = 1 s resolution for rounding).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from netsim.packets.addr import ip_ntoa

if TYPE_CHECKING:
    from netsim.stack.ipv4 import IPv4Stack
    from netsim.stack.namespace import NetNamespace
    from netsim.stack.route import IfAddr

INFINITY_LIFE_TIME = 0xFFFFFFFF
ADDR_CHECK_FREQUENCY = 120.0       # seconds: check_lifetime runs at least this often
ADDRCONF_TIMER_FUZZ_MINUS = 0.02   # HZ/50: deadlines this close count as reached
ADDRCONF_TIMER_FUZZ = 0.25         # HZ/4: how far rounding up to a second may push a run
ADDRCONF_TIMER_FUZZ_MAX = 1.0      # HZ: the shortest sleep between two runs


# ---------------------------------------------------------------------- one address
def set_ifa_lifetime(ifa: IfAddr, valid_lft: int, preferred_lft: int, now: float) -> None:
    """set_ifa_lifetime(): store the lifetimes, restart the clock, recompute the flags.

    A finite valid lifetime clears ``permanent``; a preferred lifetime of 0 sets
    ``deprecated`` at once (``ip addr add ... preferred_lft 0`` makes a deprecated address).
    """
    ifa.permanent = valid_lft == INFINITY_LIFE_TIME
    ifa.deprecated = preferred_lft == 0
    if not ifa.permanent:
        ifa.valid_lft = valid_lft
    if preferred_lft != INFINITY_LIFE_TIME:
        ifa.preferred_lft = preferred_lft
    ifa.tstamp = now


def remaining(ifa: IfAddr, now: float) -> tuple[int, int]:
    """(valid, preferred) seconds left, as inet_fill_ifaddr() puts them in IFA_CACHEINFO.

    Permanent addresses report the infinite value (0xFFFFFFFF, printed ``forever``).
    """
    if ifa.permanent:
        return INFINITY_LIFE_TIME, INFINITY_LIFE_TIME
    valid, preferred = ifa.valid_lft, ifa.preferred_lft
    if preferred != INFINITY_LIFE_TIME:
        elapsed = int(now - ifa.tstamp)  # whole seconds: (jiffies - tstamp) / HZ
        preferred = max(preferred - elapsed, 0)
        if valid != INFINITY_LIFE_TIME:
            valid = max(valid - elapsed, 0)
    return valid, preferred


# ---------------------------------------------------------------------- deleting
def is_secondary(stack: IPv4Stack, ifa: IfAddr) -> bool:
    """An address is secondary when an earlier one of its device has the same subnet."""
    for other in stack.addresses:
        if other is ifa:
            return False
        if (other.dev is ifa.dev and other.prefixlen == ifa.prefixlen
                and other.network == ifa.network):
            return True
    return False


def inet_del_ifa(stack: IPv4Stack, ifa: IfAddr) -> None:
    """__inet_del_ifa() without promote_secondaries: a primary takes its secondaries along.

    The secondaries go first, so when the primary goes last the device may be left
    without any IPv4 address -- which is when the kernel drops its routes.
    """
    if not is_secondary(stack, ifa):
        for other in list(stack.addresses):
            if (other is not ifa and other.dev is ifa.dev and other.prefixlen == ifa.prefixlen
                    and other.network == ifa.network):
                stack.del_address(other)
    stack.del_address(ifa)


# ---------------------------------------------------------------------- the worker
class CheckLifetimeWork:
    """One namespace's ``addr_chk_work``: the delayed work that runs check_lifetime()."""

    def __init__(self, ns: NetNamespace) -> None:
        self.ns = ns
        self._generation = 0  # a queued run whose generation is stale was cancelled

    def queue(self, delay: float) -> None:
        """cancel_delayed_work() + queue_delayed_work(): one pending run at a time."""
        self._generation += 1
        self.ns.lab.call_later(max(delay, 0.0), self._run, self._generation)

    def _run(self, generation: int) -> None:
        if generation == self._generation:
            self.check_lifetime()

    def check_lifetime(self) -> None:
        """Deprecate or delete what is due, then sleep until the next deadline."""
        stack = self.ns.ipv4
        now = self.ns.lab.now
        deadline = round_up_to_second(now + ADDR_CHECK_FREQUENCY)
        counting_down = False
        for ifa in list(stack.addresses):
            if ifa.permanent or ifa not in stack.addresses:
                continue  # (a deleted primary may already have taken this secondary)
            counting_down = True
            age = int(now - ifa.tstamp + ADDRCONF_TIMER_FUZZ_MINUS)
            if ifa.valid_lft != INFINITY_LIFE_TIME and age >= ifa.valid_lft:
                self.expire(stack, ifa)
            elif ifa.preferred_lft == INFINITY_LIFE_TIME:
                continue
            elif age >= ifa.preferred_lft:
                deadline = min(deadline, ifa.tstamp + ifa.valid_lft)
                if not ifa.deprecated:
                    ifa.deprecated = True
                    self.report(ifa, "preferred_lft reached 0: deprecated (not chosen as a "
                                     "source address for new connections)")
            else:
                deadline = min(deadline, ifa.tstamp + ifa.preferred_lft)
        if counting_down:
            self.queue(next_sleep(deadline, now))
        # else: the kernel would wake every 120 s to find nothing to do. Nothing can
        # become due without an address being added or changed, and that queues this
        # work at once (lifetime_changed), so netsim sleeps until then: time jumps over
        # the idle stretch instead of stepping through it.

    def expire(self, stack: IPv4Stack, ifa: IfAddr) -> None:
        self.report(ifa, "valid_lft reached 0: address deleted")
        inet_del_ifa(stack, ifa)

    def report(self, ifa: IfAddr, what: str) -> None:
        self.ns.trace.hop(self.ns.name, ifa.dev.name, "ip", "info", 0,
                          f"{ip_ntoa(ifa.local)}/{ifa.prefixlen}: {what}", "check_lifetime")


def round_up_to_second(t: float) -> float:
    """round_jiffies_up(): the next whole second, strictly after ``t``."""
    return math.floor(t) + 1.0


def next_sleep(deadline: float, now: float) -> float:
    """How long check_lifetime() sleeps: to the deadline, rounded up to a whole second
    when that costs under 250 ms, and never less than one second."""
    when = deadline
    rounded = round_up_to_second(deadline)
    if rounded < deadline + ADDRCONF_TIMER_FUZZ:
        when = rounded
    when = max(when, now + ADDRCONF_TIMER_FUZZ_MAX)
    return when - now




def lifetime_changed(ns: NetNamespace) -> None:
    """An address was added or its lifetimes changed: run check_lifetime now (as
    __inet_insert_ifa() and inet_rtm_newaddr() do), which re-arms itself as needed."""
    work = ns.generic.get("check_lifetime")
    if work is None:
        work = ns.generic["check_lifetime"] = CheckLifetimeWork(ns)
    work.queue(0.0)
