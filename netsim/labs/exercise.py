"""A lab as a student gets it: the world built from the file, the task, and the check.

:class:`Exercise` builds its world at once -- the scenario, the hosts and cables, the
setup commands typed through each machine's shell -- under the runaway guards, so a
teacher's mistake in a setup command (``ping -c 100000000``) stops with the file's line
instead of hanging a class. :meth:`Exercise.check` checks every goal on the world as it
is, each under the same guards, and returns a :class:`~netsim.labs.result.CheckResult`.
"""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from netsim.engine.clock import Clock, RunawayError
from netsim.labs import goals, traffic, worlds
from netsim.labs.kinds import is_address
from netsim.labs.result import CheckResult, GoalResult
from netsim.labs.spec import GoalSpec, LabSpec, Step
from netsim.labs.traffic import Missing, guarded
from netsim.labs.yamlfile import LabError
from netsim.scenarios.outside import ScenarioError

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.lab import Lab
    from netsim.user.io import CommandResult

BUILD_WALL = 120.0
"""Seconds of real time building a lab's world may take, all commands together."""

CHECK_WALL = 60.0
"""Seconds of real time one goal's check may take."""

STP_SETTLE = 60
"""Simulated seconds a check waits, at most, for the spanning tree to converge before it
looks (a person would wait too: 2 x forward_delay for a port to forward, and a topology
change lasts forward_delay + max_age, 35 s with the default timers)."""


class Exercise:
    """A lab: ``.world`` (a running :class:`netsim.Lab`), ``.task``, ``.check()``."""

    def __init__(self, spec: LabSpec) -> None:
        self.spec = spec
        self.world: Lab = _build(spec)

    # ------------------------------------------------------------------ what it says
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def task(self) -> str:
        return self.spec.task

    @property
    def hints(self) -> list[str]:
        return list(self.spec.hints)

    @property
    def goals(self) -> list[str]:
        """The goals in words, in order."""
        return [goals.describe(g) for g in self.spec.goals]

    def machines(self) -> list[str]:
        """The machines of the world: hosts, then VMs."""
        return [*self.world.hosts, *self.world.vms]

    def briefing(self) -> str:
        """What a student reads first: the title, the task, the machines, the goals."""
        lines = [f"== {self.name}: {self.title}", "", self.task, "",
                 "Machines: " + ", ".join(self.machines())]
        if self.spec.vms_to_start:
            lines.append("VMs you start: " + ", ".join(self.spec.vms_to_start))
        lines.append("Goals (checked by sending traffic through the simulation):")
        lines += [f"  {n}. {text}" for n, text in enumerate(self.goals, 1)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Exercise {self.name}: {self.title}>"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.briefing())

    def _repr_html_(self) -> str:
        """The briefing as Jupyter shows it: the title as a heading, the task as the lab
        file wrote it (its commands keep their indentation), the machines, the goals."""
        esc = html.escape
        goals_html = "".join(f"<li>{esc(text)}</li>" for text in self.goals)
        started = (f"<p><b>VMs you start:</b> {esc(', '.join(self.spec.vms_to_start))}</p>"
                   if self.spec.vms_to_start else "")
        return (f"<h3>{esc(self.name)}: {esc(self.title)}</h3>"
                f'<pre style="white-space:pre-wrap">{esc(self.task)}</pre>'
                f"<p><b>Machines:</b> {esc(', '.join(self.machines()))}</p>{started}"
                "<p><b>Goals</b> (checked by sending traffic through the simulation):</p>"
                f"<ol>{goals_html}</ol>")

    # ------------------------------------------------------------------ working on it
    def machine(self, name: str) -> Host:
        """The machine called ``name``: a host, or a running VM's guest (``vm1``)."""
        try:
            return traffic.find(self.world, name)
        except Missing as missing:
            raise KeyError(f"{missing} (machines: {', '.join(self.machines())})") from None

    def sh(self, machine: str, command: str, *, echo: bool = True) -> CommandResult:
        """Type ``command`` on the machine called ``machine``, as a student at its prompt.

        The command joins ``world.history()`` like any typed one. With ``echo`` (the
        default, for a notebook) the prompt, the command and what it printed are shown
        the way a terminal shows them, and a failing command's exit status after them.
        """
        result = self.machine(machine).sh(command)
        if echo:
            print(f"{machine}$ {command}")
            print(result.stdout + result.stderr, end="")
            if result.returncode:
                print(f"[exit status {result.returncode}]")
        return result

    # ------------------------------------------------------------------ checking
    def check(self, student: str | None = None) -> CheckResult:
        """Check every goal on the world as it is now (see :mod:`netsim.labs.goals`).

        The check sends traffic (pings, UDP datagrams) and reads state with the
        machines' tools; none of it joins ``world.history()``. ``student`` defaults to
        ``$USER``.
        """
        world = self.world
        result = CheckResult(self.name, self.title, _student(student),
                             datetime.now(UTC).isoformat(timespec="seconds"), 0.0)
        waited, storm = _settle_stp(world)
        if waited:
            result.notes.append(f"waited {waited} s (simulated) for the spanning tree to "
                                "converge")
        if storm:
            result.notes.append(storm.splitlines()[0])
        for number, goal in enumerate(self.spec.goals, 1):
            try:
                with guarded(world.clock, CHECK_WALL):
                    outcome = goals.check(world, goal)
            except RunawayError as stop:
                outcome = goals.Outcome(False, f"the check ran away: {stop}")
            why = "" if outcome.passed else self._why(goal)
            result.goals.append(GoalResult(number, goal.kind, goals.describe(goal),
                                           outcome.passed, outcome.evidence, why,
                                           goal.hint, goal.line))
        result.sim_time = world.now
        return result

    def _why(self, goal: GoalSpec) -> str:
        """``lab.why``'s explanation for a goal not met: about the goal's own machines
        (its ``why:``, its probe, its traffic), else about the lab's first reach goal.
        Only a ping that fails explains a failure (a storm, or the wrong machine
        answering, is in the evidence); for a not-reach goal, the ping that got through
        does (the path it took)."""
        pair = goal.why or _why_pair(self.world, goal)
        if pair is None:
            first = next((g for g in self.spec.goals if g.kind == "reach"), None)
            pair = _why_pair(self.world, first) if first is not None else None
        if pair is None:
            return ""
        try:
            with guarded(self.world.clock, CHECK_WALL):
                for name in pair:
                    traffic.find(self.world, name)
                answer = self.world.why(*pair)
                traffic.settle(self.world)  # its ping's loose ends, before the next goal
        except (Missing, RunawayError):
            return ""
        # a ping that got through explains a not-reach goal (the way it went), not others
        return "" if answer.reached and goal.kind != "not-reach" else str(answer)

    # ------------------------------------------------------------------ typing
    def solve(self) -> None:
        """Type the lab's intended fix (``solution:``) on the machines; a command that
        fails is a mistake in the lab file (:class:`LabError` with its line)."""
        if not self.spec.solution:
            raise self.spec.error(None, "this lab has no solution: to apply")
        try:
            with guarded(self.world.clock, BUILD_WALL):
                for step in self.spec.solution:
                    _type(self.world, self.spec, step, "solution")
        except RunawayError as stop:
            raise self.spec.error(None, f"the solution ran away: {stop}") from None

    def replay(self, transcript: str, file: str = "<commands>") -> list[tuple[Step, int]]:
        """Type the commands of a transcript -- lines ``machine$ command`` as
        ``print(lab.history())`` writes them; ``#`` lines and blank lines are skipped --
        and return each with its exit status. A failing command does not stop the rest
        (as at a prompt); a line that names no machine is a :class:`LabError`."""
        steps = []
        for number, line in enumerate(transcript.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, sep, command = line.partition("$ ")
            if not sep or not name.strip() or " " in name.strip():
                raise LabError(file, number, "expected 'machine$ command', as "
                                             "print(lab.history()) writes it")
            steps.append(Step(name.strip(), command, number))
        done = []
        for step in steps:
            try:
                host = traffic.find(self.world, step.machine, vm_hint=False)
            except Missing as missing:
                raise LabError(file, step.line, f"{missing} (machines: "
                                                f"{', '.join(self.machines())})") from None
            done.append((step, host.sh(step.command).returncode))
        return done


def _student(student: str | None) -> str:
    return student or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _why_pair(world: Lab, goal: GoalSpec) -> tuple[str, str] | None:
    """Whom ``lab.why`` asks about for a goal not met: its own source and target, or
    its traffic's first."""
    a = goal.args
    if goal.kind in ("reach", "not-reach"):
        source, target = a["from"], a["to"]
    elif a.get("traffic"):
        source, target = a["traffic"][0].source, a["traffic"][0].target
    else:
        return None
    if is_address(target):
        target = traffic.owner_of(world, target)
    return (source, target) if target and target != source else None


# ----------------------------------------------------------------------------- building
def _build(spec: LabSpec) -> Lab:
    if spec.scenario is not None:
        timer = Clock()  # the world's clock does not exist yet: one for the wall limit
        timer.wall_budget = BUILD_WALL
        try:
            with timer.wall_limit():
                world = worlds.build(spec.scenario, spec.vms, spec.seed)
        except (ValueError, TypeError) as error:
            raise spec.error(spec.line_of.get("vms", spec.line_of.get("scenario")),
                             str(error)) from None
        except (RunawayError, ScenarioError) as error:
            raise spec.error(spec.line_of.get("scenario"), f"building the scenario: "
                                                           f"{error}") from None
    else:
        from netsim.lab import Lab

        world = Lab(seed=spec.seed)
    try:
        with guarded(world.clock, BUILD_WALL):
            _make(world, spec)
    except RunawayError as stop:
        raise spec.error(None, f"building the world ran away: {stop}") from None
    _check_names(world, spec)
    return world


def _make(world: Lab, spec: LabSpec) -> None:
    for name, line in spec.hosts:
        if name in world.hosts or name in world.vms:
            raise spec.error(line, f"hosts: {name!r} exists already (the scenario made it)")
        try:
            world.host(name)
        except ValueError as error:
            raise spec.error(line, str(error)) from None
    for a, b, line in spec.links:
        try:
            world.link(a, b)
        except (ValueError, TypeError) as error:
            hint = "; declare machines under hosts:" if "no host" in str(error) else ""
            raise spec.error(line, f"links: {error}{hint}") from None
    if spec.setup:
        world.note(f"# lab {spec.name}: {len(spec.setup)} setup command(s), not shown "
                   "(finding what they did is the exercise)")
    for step in spec.setup:
        _type(world, spec, step, "setup", record=False)


def _type(world: Lab, spec: LabSpec, step: Step, part: str, record: bool = True) -> None:
    """Type one command; a failure is the lab file's mistake, reported at its line."""
    try:
        host = traffic.find(world, step.machine, vm_hint=False)
    except Missing as missing:
        machines = ", ".join([*world.hosts, *world.vms])
        raise spec.error(step.line, f"{part}: {missing} (machines: {machines})") from None
    result = host.sh(step.command, record=record)
    if result.returncode != 0:
        said = ([line for line in result.stderr.splitlines() if line.strip()]
                or [line for line in result.stdout.splitlines() if line.strip()])
        how = "stopped" if result.returncode == 124 else "failed"
        raise spec.error(step.line, f"{part}: {step} {how} (status {result.returncode})"
                                    + (f": {said[-1].strip()}" if said else ""))


def _check_names(world: Lab, spec: LabSpec) -> None:
    known = {*world.hosts, *world.vms}
    for name in spec.vms_to_start:
        if name in known:
            raise spec.error(spec.line_of.get("vms-to-start"),
                             f"vms-to-start: {name!r} exists already")
    known |= set(spec.vms_to_start)
    for goal in spec.goals:
        for name, line in goal.machines():
            if name not in known:
                raise spec.error(line, f"no machine {name!r} in this lab (machines: "
                                       f"{', '.join(sorted(known))})")


def _settle_stp(world: Lab) -> tuple[int, str | None]:
    """Wait for the spanning tree to converge, as a person would before testing: when a
    bridge runs STP, one hello time and a second for the BPDUs to be heard, then while
    a port is still listening or learning, or a topology change is going on (the FDB
    ages fast then). (Seconds waited, the runaway guard's message if the world ran away
    meanwhile.)"""
    from netsim.bridge.device import Bridge

    def bridges() -> list[Bridge]:
        machines = [*world.hosts.values()] + [vm.guest for vm in world.vms.values()]
        return [dev for host in machines for dev in host.ns.in_order()
                if isinstance(dev, Bridge) and dev.stp_enabled]

    def changing() -> bool:
        return any(br.topology_change or br.topology_change_detected or any(
            port.state in ("listening", "learning") for port in br.ports)
            for br in bridges())

    stp = bridges()
    if not stp:
        return 0, None
    waited = int(max(br.hello_time for br in stp)) + 1
    try:
        with guarded(world.clock, CHECK_WALL):
            world.run(waited)
            while waited < STP_SETTLE and changing():
                world.run(1.0)
                waited += 1
    except RunawayError as stop:
        return waited, str(stop)
    return waited, None
