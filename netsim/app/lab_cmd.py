"""``netsim lab``: the labs that ship, a lab started in the shell, a lab checked.

::

    netsim lab list                     one lab per line: its name, then its title
    netsim lab start NAME|FILE          print the task, open the shell on the lab's world
    netsim lab check NAME|FILE [--json] build the world, check the goals (status 0: all met)

``check`` builds a fresh world, so on its own it shows the starting state; ``--commands
FILE`` first types a student's commands (a transcript, ``machine$ command`` per line, as
``print(lab.history())`` writes them), ``--solution`` the lab's own fix (a teacher
testing a lab file).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

SHELL_MODULE = "netsim.app.shell_cmd"
"""The interactive shell: ``run(world, host=None, lab=None, stdin=None, stdout=None) -> int``."""

_LAB_HELP = ("a shipped lab's name (see `netsim lab list`) or a lab file (.yaml)")


def add_parser(sub) -> argparse.ArgumentParser:
    """Add ``lab`` and its actions to the ``netsim`` parser's subcommands."""
    lab = sub.add_parser(
        "lab", help="labs: a broken world, a task, goals checked by sending traffic",
        description="Labs: a starting world, a task and goals, in a small YAML file. Goals "
                    "are checked by sending traffic through the simulation.")
    actions = lab.add_subparsers(dest="lab_action", metavar="ACTION")
    actions.add_parser("list", help="the labs that ship with netsim: name, then title",
                       description="List the labs that ship with netsim, one per line: "
                                   "its name, then its title.")
    start = actions.add_parser("start", help="print a lab's task and open the shell on "
                                             "its world",
                               description="Build a lab's world, print its task and goals, "
                                           "and open the interactive shell on it.")
    start.add_argument("lab", metavar="NAME|FILE", help=_LAB_HELP)
    check = actions.add_parser("check", help="check a lab's goals (status 0 only when "
                                             "all are met)",
                               description="Build a lab's world and check its goals by "
                                           "sending traffic. Exit status 0 only when every "
                                           "goal is met, 1 when one is not, 2 when the lab "
                                           "file cannot be used.")
    check.add_argument("lab", metavar="NAME|FILE", help=_LAB_HELP)
    check.add_argument("--json", action="store_true",
                       help="print the result as JSON: student, lab, time, each goal with "
                            "pass/fail and its evidence")
    check.add_argument("--student", help="the student's name in the result (default: $USER)")
    check.add_argument("--commands", metavar="FILE",
                       help="first type the commands in FILE: lines 'machine$ command', as "
                            "print(lab.history()) writes them")
    check.add_argument("--solution", action="store_true",
                       help="first type the lab's own solution (to test a lab file)")
    lab.set_defaults(lab_parser=lab)
    return lab


def run(args: argparse.Namespace, out=None, err=None) -> int:
    """Carry out ``netsim lab ACTION``; the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    from netsim.labs import LabError

    try:
        if args.lab_action == "list":
            return _list(out)
        if args.lab_action == "start":
            return _start(args, out, err)
        if args.lab_action == "check":
            return _check(args, out)
    except LabError as error:
        print(f"netsim lab {args.lab_action}: {error}", file=err)
        return 2
    args.lab_parser.print_help(out)
    return 0


def _list(out) -> int:
    from netsim.labs import shipped

    labs = shipped()
    width = max(len(name) for name, _ in labs)
    for name, title in labs:
        print(f"{name:<{width}}  {title}", file=out)
    return 0


def _start(args: argparse.Namespace, out, err) -> int:
    from netsim.labs import load

    lab = load(args.lab)
    print(lab.briefing(), file=out)
    print(file=out)
    try:
        shell = importlib.import_module(SHELL_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name != SHELL_MODULE:
            raise
        print("netsim lab start: this netsim has no interactive shell (netsim shell); work "
              f"on the lab from Python: lab = netsim.labs.load({args.lab!r}), then "
              "lab.world.host(NAME).sh(...) and print(lab.check())", file=err)
        return 1
    out.flush()
    return shell.run(lab.world, host=None, lab=lab)


def _check(args: argparse.Namespace, out) -> int:
    from netsim.labs import LabError, load

    lab = load(args.lab)
    if args.solution:
        lab.solve()
    if args.commands:
        try:
            transcript = Path(args.commands).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise LabError(args.commands, None, reason) from None
        lab.replay(transcript, args.commands)
    result = lab.check(student=args.student)
    print(result.to_json() if args.json else str(result), file=out)
    return 0 if result.passed else 1
