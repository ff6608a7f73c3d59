"""A lab file's contents, checked: what the world is built from, the goals, the fix.

The file is a YAML mapping (see :mod:`netsim.labs` for an example)::

    title: one line            # required
    task: |                    # required: what the student reads
      ...
    scenario: nat              # optional: a ready-made world (netsim.labs.worlds)
    vms: 1                     #   and how many VMs it starts
    seed: 0                    # optional
    hosts: [h1, h2]            # optional: more machines, made empty
    links:                     # optional: cables, lab.link("h1:eth0", "h2:eth0")
      - h1:eth0 h2:eth0
    setup:                     # commands typed on the machines, in order
      - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up
    vms-to-start: [vm1]        # optional: VMs the student starts (goals may name them)
    goals: [...]               # required: see netsim.labs.kinds
    hints: [...]               # optional: general hints
    solution: [...]            # optional: the intended fix, as setup is written

Everything here is checked before any machine is made; machine names are checked once
the world stands (:mod:`netsim.labs.exercise`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from netsim.labs import kinds
from netsim.labs.kinds import Probe
from netsim.labs.yamlfile import LabError, Mapping, Refused, Sequence, parse

SCENARIOS = ("lan", "nat", "bridged", "host-only", "nat-user")
"""The ready-made worlds a lab can start from (see :mod:`netsim.labs.worlds`)."""

TOP_LEVEL = ("name", "title", "task", "scenario", "vms", "seed", "hosts", "links", "setup",
             "vms-to-start", "goals", "hints", "solution")


@dataclass(frozen=True)
class Step:
    """One command typed on one machine (setup, solution), with its line in the file."""

    machine: str
    command: str
    line: int

    def __str__(self) -> str:
        return f"{self.machine}$ {self.command}"


@dataclass
class GoalSpec:
    kind: str
    args: dict
    line: int
    lines: dict = field(default_factory=dict)   # field -> line
    hint: str = ""
    title: str = ""
    why: tuple[str, str] | None = None

    def machines(self) -> list[tuple[str, int]]:
        """(machine, line) for every machine this goal names."""
        found = []
        for name, value in self.args.items():
            line = self.lines.get(name, self.line)
            if name in ("from", "on", "answered-by") or (
                    name == "to" and not kinds.is_address(value)):
                found.append((value, line))
            elif (name == "bridge" and self.kind == "stp-root") or (
                    name == "mac" and not kinds.is_mac(value)):
                found.append((value.partition(":")[0], line))
            elif name == "seen-by":
                found += [(ref.partition(":")[0], line) for ref in value]
            elif name == "traffic":
                for probe in value:
                    found.append((probe.source, probe.line))
                    if not kinds.is_address(probe.target):
                        found.append((probe.target, probe.line))
        if self.why is not None:
            found += [(m, self.lines.get("why", self.line)) for m in self.why]
        return found


@dataclass
class LabSpec:
    file: str                     # the name errors give (the path as given, or NAME.yaml)
    name: str
    title: str
    task: str
    scenario: str | None = None
    vms: int = 0
    seed: int = 0
    hosts: list[tuple[str, int]] = field(default_factory=list)
    links: list[tuple[str, str, int]] = field(default_factory=list)
    setup: list[Step] = field(default_factory=list)
    vms_to_start: list[str] = field(default_factory=list)
    goals: list[GoalSpec] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    solution: list[Step] = field(default_factory=list)
    line_of: dict = field(default_factory=dict)  # top-level key -> line

    def error(self, line: int | None, reason: str) -> LabError:
        return LabError(self.file, line, reason)


def read(text: str, file: str) -> LabSpec:
    """Parse and check a lab file's text (``file`` names it in errors)."""
    document = parse(text, file)
    try:
        return _spec(document, file)
    except Refused as refused:
        raise LabError(file, refused.line, refused.reason) from None


def _spec(doc, file: str) -> LabSpec:
    if doc is None:
        raise Refused(None, "the file is empty: a lab needs a title, a task and goals")
    if not isinstance(doc, Mapping):
        raise Refused(1, "a lab file is a mapping (title:, task:, goals: ...), not "
                         f"{kinds.shown(doc)}")
    for key in doc:
        if key not in TOP_LEVEL:
            raise Refused(doc.line_of(key), f"unknown key {key!r} (known: "
                                            f"{', '.join(TOP_LEVEL)})")
    for key in ("title", "task", "goals"):
        if key not in doc:
            raise Refused(doc.line, f"a lab needs {key}: (missing)")
    at = doc.line_of
    stem = PurePath(file).stem
    spec = LabSpec(file=file, name=kinds.text(doc.get("name", stem), at("name"), "name").strip(),
                   title=kinds.text(doc["title"], at("title"), "title").strip(),
                   task=kinds.text(doc["task"], at("task"), "task").strip(),
                   line_of=dict(doc.key_lines))
    for key in ("name", "title"):
        if "\n" in getattr(spec, key):
            raise Refused(at(key), f"{key}: one line, please (the task holds the rest)")
    if "scenario" in doc:
        if doc["scenario"] not in SCENARIOS:
            raise Refused(at("scenario"), f"unknown scenario {doc['scenario']!r} (known: "
                                          f"{', '.join(SCENARIOS)})")
        spec.scenario = doc["scenario"]
    if "vms" in doc:
        if spec.scenario is None:
            raise Refused(at("vms"), "vms: goes with a scenario (start other VMs in setup: "
                                     "with qemu-system-x86_64)")
        spec.vms = kinds.count(doc["vms"], at("vms"), "vms")
    if "seed" in doc:
        spec.seed = kinds.count(doc["seed"], at("seed"), "seed")
    spec.hosts = [(kinds.machine(h, line, "hosts"), line)
                  for h, line in _items(doc, "hosts")]
    spec.links = [_link(item, line) for item, line in _items(doc, "links")]
    spec.setup = _steps(doc, "setup")
    spec.solution = _steps(doc, "solution")
    spec.vms_to_start = [kinds.machine(v, line, "vms-to-start")
                         for v, line in _items(doc, "vms-to-start")]
    hints = doc.get("hints", [])
    spec.hints = ([kinds.text(hints, at("hints"), "hints")] if isinstance(hints, str) else
                  [kinds.text(h, line, "hints") for h, line in _items(doc, "hints")])
    spec.goals = [_goal(item, line) for item, line in _items(doc, "goals")]
    if not spec.goals:
        raise Refused(at("goals"), "goals: a lab needs at least one goal")
    return spec


def _items(doc: Mapping, key: str) -> list[tuple[object, int]]:
    """(item, line) for the list under ``key`` (empty when the key is absent)."""
    if key not in doc or doc[key] is None:
        return []
    value = doc[key]
    if not isinstance(value, Sequence):
        raise Refused(doc.line_of(key), f"{key}: expected a list ('- ' items), got "
                                        f"{kinds.shown(value)}")
    return [(item, value.line_of(i)) for i, item in enumerate(value)]


def _link(item, line: int) -> tuple[str, str, int]:
    """``h1:eth0 h2:eth0`` or ``[h1:eth0, h2:eth0]``: a cable's two ends."""
    ends = item.split() if isinstance(item, str) else item
    if not isinstance(ends, list) or len(ends) != 2 or not all(
            isinstance(e, str) and kinds.is_ref(e) for e in ends):
        raise Refused(line, f"links: expected two ends such as 'h1:eth0 h2:eth0', got "
                            f"{kinds.shown(item)}")
    return ends[0], ends[1], line


def _steps(doc: Mapping, key: str) -> list[Step]:
    steps = []
    for item, line in _items(doc, key):
        if not isinstance(item, Mapping) or len(item) != 1:
            raise Refused(line, f"{key}: each item is one 'machine: command', got "
                                f"{kinds.shown(item)}")
        (name, command), = item.items()
        name = kinds.machine(name, line, key)
        if not isinstance(command, str) or not command.strip():
            raise Refused(line, f"{key}: {name}: expected a command line, got "
                                f"{kinds.shown(command)} (quote it if it has ': ' or "
                                "starts with a special character)")
        steps.append(Step(name, command, line))
    return steps


def _goal(item, line: int) -> GoalSpec:
    if not isinstance(item, Mapping):
        raise Refused(line, f"a goal is a mapping such as 'reach: {{from: A, to: B}}', got "
                            f"{kinds.shown(item)}")
    named = [k for k in item if k not in kinds.COMMON]
    unknown = [k for k in named if k not in kinds.KINDS]
    if unknown:
        raise Refused(item.line_of(unknown[0]), f"unknown goal kind {unknown[0]!r} "
                                                f"(known: {kinds.known()})")
    if not named:
        raise Refused(line, f"a goal needs a kind (known: {kinds.known()})")
    if len(named) > 1:
        raise Refused(item.line_of(named[1]), f"one kind per goal: {named[0]!r} and "
                                              f"{named[1]!r} here (make them two goals)")
    kind = kinds.KINDS[named[0]]
    fields = item[kind.name]
    kind_line = item.line_of(kind.name)
    if not isinstance(fields, Mapping):
        raise Refused(kind_line, f"{kind.name}: expected its fields as a mapping "
                                 f"({', '.join(kind.required)}), got {kinds.shown(fields)}")
    goal = GoalSpec(kind.name, {}, line, {"why": item.line_of("why")})
    allowed = {**kind.required, **kind.optional}
    for name, value in fields.items():
        at = fields.line_of(name)
        if name not in allowed:
            raise Refused(at, f"{kind.name}: unknown field {name!r} (fields: "
                              f"{', '.join(allowed)})")
        goal.args[name] = allowed[name](value, at, f"{kind.name}: {name}")
        goal.lines[name] = at
    missing = [name for name in kind.required if name not in fields]
    if missing:
        raise Refused(kind_line, f"{kind.name}: missing {', '.join(missing)} (fields: "
                                 f"{', '.join(allowed)})")
    if "address" in goal.args and "in" in goal.args:
        raise Refused(kind_line, f"{kind.name}: give address or in, not both")
    for name in ("hint", "title"):
        if name in item:
            setattr(goal, name, kinds.text(item[name], item.line_of(name), name).strip())
    if "why" in item:
        goal.why = kinds.pair(item["why"], item.line_of("why"), "why")
    return goal


__all__ = ["LabSpec", "GoalSpec", "Probe", "SCENARIOS", "Step", "read"]
