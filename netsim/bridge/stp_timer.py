"""Spanning tree timers (net/bridge/br_stp_timer.c): what happens when each one runs out.

The kernel counts in jiffies (``HZ`` = 250 per second on the recorded machine) and so
does this module: a :class:`Timer` is a ``struct timer_list`` -- armed with
:meth:`Timer.mod` for an absolute jiffy, cancelled with :meth:`Timer.delete`, shown
to user space by :func:`timer_value` in clock ticks (1/100 s).

=========================  ======================================================
timer                      when it runs out
=========================  ======================================================
bridge ``hello_timer``     the root sends configuration BPDUs on its designated
                           ports, every ``hello_time`` (rounded to a whole second)
bridge ``tcn_timer``       a non-root bridge repeats its TCN until the root answers
bridge ``topology_change`` the topology change period is over: FDB entries age
                           after ``ageing_time`` again
port ``message_age``       the information heard on the port is ``max_age`` old:
                           the neighbour is lost, the spanning tree is recomputed
port ``forward_delay``     listening -> learning -> forwarding
port ``hold_timer``        a BPDU held back (at most one per second) is sent now
=========================  ======================================================

Timers due on the same jiffy run newest-armed first, as the kernel's timer wheel runs
them (each bucket is a list new timers join at the head): the root's hello timer,
re-armed after the hold timer, runs before it -- so a BPDU due on both is sent once,
and ``config_pending`` is clear again when anyone looks.

Left out: the timer wheel's granularity (a 4 s timer really fires up to 256 ms late,
a 40 s one up to 2 s late); here a timer fires on its jiffy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netsim.bridge import stp
from netsim.engine.units import KERNEL_HZ, USER_HZ

if TYPE_CHECKING:
    from netsim.bridge.device import Bridge
    from netsim.bridge.port import BridgePort

HZ = KERNEL_HZ


def jiffies(br: Bridge) -> int:
    """The kernel's ``jiffies`` now (simulated time 0 is jiffy 0)."""
    return int(br.ns.env.now * HZ + 1e-6)


def to_jiffies(seconds: float) -> int:
    """A time the model keeps in seconds, as the jiffies it stands for."""
    return int(round(seconds * HZ))


def round_jiffies(j: int, now: int) -> int:
    """round_jiffies() on CPU 0: to a whole second -- down when less than a quarter past
    it, else up -- unless that would be in the past (then ``j`` as it was)."""
    rem = j % HZ
    rounded = j - rem if rem < HZ // 4 else j - rem + HZ
    return rounded if rounded > now else j


class TimerBase:
    """The timers of one bridge, by the jiffy they are due on: one clock callback per
    jiffy, which runs that jiffy's timers newest-armed first."""

    __slots__ = ("_br", "_due")

    def __init__(self, br: Bridge) -> None:
        self._br = br
        self._due: dict[int, list[tuple[Timer, int]]] = {}

    def add(self, timer: Timer, gen: int, expires: int) -> None:
        bucket = self._due.get(expires)
        if bucket is None:
            bucket = self._due[expires] = []
            ns = self._br.ns
            ns.lab.call_later(max(expires / HZ - ns.env.now, 0.0), self._run, expires)
        bucket.append((timer, gen))

    def _run(self, expires: int) -> None:
        for timer, gen in reversed(self._due.pop(expires, ())):
            timer._expire(gen)


class Timer:
    """struct timer_list: calls ``fn(arg)`` once at its expiry unless re-armed or deleted.

    Each arming puts the timer in its bridge's :class:`TimerBase` for that jiffy; an
    entry that a later arming (or a delete) made stale finds its generation changed
    and does nothing.
    """

    __slots__ = ("_br", "_fn", "_arg", "expires", "_gen")

    def __init__(self, br: Bridge, fn: Callable[[Any], None], arg: Any) -> None:
        self._br = br
        self._fn = fn
        self._arg = arg
        self.expires: int | None = None  # absolute jiffies while pending
        self._gen = 0

    @property
    def pending(self) -> bool:
        """timer_pending()."""
        return self.expires is not None

    def mod(self, expires: int) -> None:
        """mod_timer(): (re)arm for the absolute jiffy ``expires``."""
        self._gen += 1
        self.expires = expires
        self._br.timer_base.add(self, self._gen, expires)

    def delete(self) -> None:
        """timer_delete()."""
        self._gen += 1
        self.expires = None

    def value(self) -> int:
        """br_timer_value(): clock ticks (1/100 s) left while pending, else 0."""
        return timer_value(self, self._br)

    def _expire(self, gen: int) -> None:
        if gen != self._gen:
            return
        self.expires = None
        self._fn(self._arg)


def timer_value(timer: Timer, br: Bridge) -> int:
    """br_timer_value(): clock ticks left while pending, else 0."""
    if timer.expires is None:
        return 0
    delta = max(timer.expires - jiffies(br), 0)
    return delta * USER_HZ // HZ


# ---------------------------------------------------------------------- expiry
# The functions the timers call: each is the kernel's br_*_timer_expired().
def hello_timer_expired(br: Bridge) -> None:
    """br_hello_timer_expired(): configuration BPDUs out, and again in hello_time."""
    if not br.admin_up:
        return
    stp.config_bpdu_generation(br)
    if br.stp_enabled:
        now = jiffies(br)
        br.hello_timer.mod(round_jiffies(now + to_jiffies(br.hello_time), now))


def message_age_timer_expired(port: BridgePort) -> None:
    """br_message_age_timer_expired(): what the port heard is too old -- the neighbour
    (or the root behind it) is gone. The port becomes designated again and the whole
    tree is recomputed; this bridge may find itself the root."""
    if port.state == "disabled":
        return
    br = port.br
    stp.log(br, port.dev.name, f"port {port.port_no}({port.dev.name}) neighbor "
            f"{port.designated_bridge} lost: no BPDU for max_age "
            f"({br.max_age:g} s)", "br_message_age_timer_expired")
    was_root = stp.is_root_bridge(br)
    stp.become_designated_port(port)
    stp.configuration_update(br)
    stp.port_state_selection(br)
    if stp.is_root_bridge(br) and not was_root:
        stp.become_root_bridge(br)


def forward_delay_timer_expired(port: BridgePort) -> None:
    """br_forward_delay_timer_expired(): listening -> learning -> forwarding."""
    br = port.br
    if port.state == "listening":
        stp.set_state(port, "learning", f"forward_delay ({br.forward_delay:g} s) spent "
                      "listening: it learns MAC addresses now, still forwards nothing",
                      "br_forward_delay_timer_expired")
        port.forward_delay_timer.mod(jiffies(br) + to_jiffies(br.forward_delay))
    elif port.state == "learning":
        stp.set_state(port, "forwarding", f"forward_delay ({br.forward_delay:g} s) spent "
                      "learning: frames cross it now", "br_forward_delay_timer_expired")
        if stp.is_designated_for_some_port(br):
            stp.topology_change_detection(br)
        br.set_carrier(True)


def tcn_timer_expired(br: Bridge) -> None:
    """br_tcn_timer_expired(): the root has not acknowledged our TCN: send it again."""
    if not stp.is_root_bridge(br) and br.admin_up:
        stp.transmit_tcn(br)
        br.tcn_timer.mod(jiffies(br) + to_jiffies(br.bridge_hello_time))


def topology_change_timer_expired(br: Bridge) -> None:
    """br_topology_change_timer_expired(): the topology change period is over."""
    br.topology_change_detected = False
    stp.set_topology_change(br, False)


def hold_timer_expired(port: BridgePort) -> None:
    """br_hold_timer_expired(): a BPDU held back while the timer ran goes out now."""
    if port.config_pending:
        stp.transmit_config(port)
