"""What a check sends and reads: one ping or one UDP datagram, through the machines' own
tools, and the guards every check runs under.

Nothing here goes into ``lab.history()``, nor into the student's login shell (each
command runs in a shell of its own): the history and the shell stay the student's. The
traffic is real -- the ARP, FDB and conntrack entries it makes stay, as they would after a
ping on real machines -- and after each probe the world runs a few simulated seconds more
(:data:`AFTER_PROBE`), so what the probe set off (a broadcast going round a loop) happens
inside the check, not in the student's next command.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.analysis.probe import UnknownMachine, address_for, machine
from netsim.engine.clock import RunawayError
from netsim.labs.kinds import Probe, is_address
from netsim.user.io import CommandResult

if TYPE_CHECKING:
    from netsim.engine.clock import Clock
    from netsim.host import Host
    from netsim.lab import Lab

TOKEN = "netsim-lab-probe"
"""What a UDP probe sends: an echo service sends it back."""

AFTER_PROBE = 3.0
"""Simulated seconds the world runs after each probe: long enough for what it set off to
finish (an ARP request nobody answers gives up after 3 s), so the next goal's probe and
``lab.why`` see only their own packets die."""


class Missing(Exception):  # noqa: N818 - a reason, shown as the goal's evidence
    """A machine or device a goal names is not there (yet)."""


@contextmanager
def guarded(clock: Clock, wall_seconds: float) -> Iterator[None]:
    """One event allowance and ``wall_seconds`` of real time for everything inside (a
    lab's start-up, one goal's check); each command inside keeps its own, shorter, wall
    limit (``lab.clock.wall_budget``) and shares the event allowance."""
    per_command = clock.wall_budget
    clock.wall_budget = wall_seconds if per_command else None
    try:
        with clock.budget(), clock.wall_limit():
            clock.wall_budget = per_command
            yield
    finally:
        clock.wall_budget = per_command


def find(world: Lab, name: str, *, vm_hint: bool = True) -> Host:
    """A machine by name (a host, or a VM's guest), or :class:`Missing` (which says that
    a VM exists once qemu runs, unless ``vm_hint`` is False)."""
    try:
        return machine(world, name)
    except UnknownMachine:
        later = " (is it started? a VM exists once qemu runs)" if vm_hint else ""
        raise Missing(f"no machine {name!r}{later}") from None


def owner_of(world: Lab, address: str) -> str | None:
    """The machine holding ``address`` (the first one, if several do)."""
    wanted = ipaddress.IPv4Address(address).packed
    machines = [*world.hosts.values()] + [vm.guest for vm in world.vms.values()]
    for host in machines:
        if any(a.local == wanted for a in host.ns.ipv4.addresses):
            return host.name
    return None


def resolve(world: Lab, source: str, target: str) -> tuple[str | None, str | None]:
    """(address to send to, the machine expected to answer) for a probe's ``to``."""
    if is_address(target):
        return target, owner_of(world, target)
    find(world, target)
    return address_for(world, source, target), target


def run(host: Host, command: str) -> tuple[int, str]:
    """A command for the check: (status, what it printed). It runs in a shell of its
    own, as a script a daemon runs would, so the student's login shell keeps its ``$?``,
    variables and directory, and the history does not see it; the runaway guards are
    those of ``host.sh``."""
    clock = host.lab.clock
    with clock.budget(), clock.wall_limit():
        try:
            result = host.new_shell().run(command)
        except RunawayError as stop:
            result = CommandResult(124, "", f"{stop}\n")
    return result.returncode, result.stdout + result.stderr


def settle(world: Lab, seconds: float = AFTER_PROBE) -> str | None:
    """Let ``seconds`` pass; the runaway guard's message if the world ran away (a
    storm), else None."""
    try:
        world.run(seconds)
    except RunawayError as stop:
        return str(stop)
    return None


@dataclass
class Sent:
    """What one probe did."""

    probe: Probe
    address: str | None = None
    expected: str | None = None          # the machine that should answer
    reached: bool = False                # an answer came back
    answered_by: list[str] = field(default_factory=list)  # whose kernel answered
    text: str = ""                       # the tool's words, shortened
    storm: str | None = None             # the guard's message, if the probe set one off

    def answered(self, name: str | None) -> bool:
        return name is None or name in self.answered_by

    def __str__(self) -> str:
        said = self.text or "(no output)"
        if self.address is None:
            return f"{self.probe.source}: {said}"
        line = f"{self.probe.source}$ {self.command()}: {said}"
        if self.reached and self.answered_by:
            line += f" [answered by {', '.join(self.answered_by)}]"
        if self.storm:
            line += f"\n  and then: {self.storm.splitlines()[0]}"
        return line

    def command(self) -> str:
        if self.probe.port is None:
            return f"ping -c 1 -W 1 -n {self.address}"
        return f"echo {TOKEN} | socat - UDP4:{self.address}:{self.probe.port}"


def send(world: Lab, probe: Probe) -> Sent:
    """Send one probe from its machine and read the outcome (raises :class:`Missing`)."""
    source = find(world, probe.source)
    address, expected = resolve(world, probe.source, probe.target)
    sent = Sent(probe, address, expected)
    if address is None:
        sent.text = f"{probe.target} has no IPv4 address to send to"
        return sent
    trace = world.trace
    was_enabled, trace.enabled = trace.enabled, True
    start = len(trace)
    try:
        status, output = run(source, sent.command())
    finally:
        trace.enabled = was_enabled
    records = trace.records[start:]
    layer, action = ("icmp", "reply") if probe.port is None else ("udp", "deliver")
    sent.answered_by = sorted({r.host for r in records if r.layer == layer
                               and r.action == action and r.host != source.ns.name})
    if probe.port is None:
        sent.reached = status == 0
        sent.text = _ping_words(output)
    else:
        sent.reached = TOKEN in output
        sent.text = ("echoed back" if sent.reached else
                     _last_line(output) or "no answer within 0.5 s")
    sent.storm = settle(world)
    return sent


def _ping_words(output: str) -> str:
    for line in output.splitlines():
        if "packets transmitted" in line:
            return line.strip()
    return _last_line(output)


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    if " E " in last and "socat[" in last:  # socat's log prefix: date, time, socat[pid] E
        last = last.split(" E ", 1)[1]
        call = re.match(r"\w+\(.*\): (.*)", last)  # read(5, 0x..., 8192): Connection refused
        if call:
            last = f"socat: {call.group(1)}"
    return last
