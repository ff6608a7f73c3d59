"""Labs: a starting world, a task, goals checked by traffic, hints -- in a YAML file.

>>> import netsim.labs
>>> lab = netsim.labs.load("fix-the-nat")       # a shipped lab, or a path to a .yaml file
>>> print(lab.task)
>>> lab.world.host("host").sh("sysctl net.ipv4.ip_forward")
>>> print(lab.check())                          # ✓/✗ per goal, with why and a hint

A lab file (PyYAML's safe loading: it holds data, never code)::

    title: Two hosts on one cable
    task: Give h2 an address so that h1 can ping it.
    hosts: [h1, h2]
    links:
      - h1:eth0 h2:eth0
    setup:
      - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up
    goals:
      - reach: {from: h1, to: 10.0.0.2}
        hint: ip addr add 10.0.0.2/24 dev eth0, and bring eth0 up
    solution:
      - h2: ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up

The file's parts are in :mod:`netsim.labs.spec`, the goal kinds in
:mod:`netsim.labs.kinds`, how each is checked in :mod:`netsim.labs.goals`.
``netsim lab list | start | check`` is the command line.
"""

from __future__ import annotations

from importlib import resources
from os import PathLike
from pathlib import Path

from netsim.labs.exercise import Exercise
from netsim.labs.kinds import KINDS
from netsim.labs.result import CheckResult, GoalResult
from netsim.labs.spec import LabSpec, read
from netsim.labs.yamlfile import LabError

__all__ = ["KINDS", "CheckResult", "Exercise", "GoalResult", "LabError", "LabSpec", "load",
           "loads", "read_spec", "shipped"]

ORDER = ("bridge-a-vm", "fix-the-nat", "eth0-joined-br0", "tun-is-not-tap", "loop-and-root",
         "port-forward")
"""The shipped labs in teaching order; any other shipped file follows, by name."""


def _shipped_dir():
    return resources.files("netsim.labs").joinpath("shipped")


def shipped() -> list[tuple[str, str]]:
    """(name, title) of every lab that ships with netsim, in teaching order."""
    names = sorted(p.name[:-5] for p in _shipped_dir().iterdir() if p.name.endswith(".yaml"))
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    return [(name, read_spec(name).title) for name in ordered]


def _source(source: str | PathLike) -> tuple[str, str]:
    """(text, name for errors) of a lab file path or a shipped lab's name."""
    if isinstance(source, str) and "/" not in source and not source.endswith(
            (".yaml", ".yml")) and not Path(source).exists():
        entry = _shipped_dir().joinpath(f"{source}.yaml")
        if not entry.is_file():
            names = ", ".join(n for n, _ in shipped())
            raise LabError(source, None, f"no such lab: not a shipped lab ({names}) and not "
                                         "a file")
        return entry.read_text(encoding="utf-8"), f"{source}.yaml"
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8"), str(source)
    except UnicodeDecodeError:
        raise LabError(str(source), None, "not UTF-8 text: a lab file is YAML") from None
    except OSError as error:
        raise LabError(str(source), None, error.strerror or str(error)) from None


def read_spec(source: str | PathLike) -> LabSpec:
    """A lab file read and checked, without building its world."""
    text, name = _source(source)
    return read(text, name)


def load(source: str | PathLike) -> Exercise:
    """The lab in file ``source`` (or the shipped lab of that name), its world built.

    Raises :class:`LabError` (``lab.yaml:12: reason``) for a file that cannot be used.
    """
    return Exercise(read_spec(source))


def loads(text: str, file: str = "<lab>") -> Exercise:
    """The lab in ``text`` (``file`` names it in errors), its world built."""
    return Exercise(read(text, file))
