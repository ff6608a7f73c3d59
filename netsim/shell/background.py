"""``cmd &``: how a command line starts in the background (``host.spawn``).

The shell forks a process for the line first; a program that can keep running on its
own -- its module in the command table defines ``background`` (see
:mod:`netsim.user.commands`), or it is ``sleep`` -- then takes that process over and
``spawn`` returns while it runs. Anything else runs to completion at once.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from netsim.shell.numbers import sleep_interval
from netsim.shell.shellutils import LONGEST_SLEEP
from netsim.user.commands import BackgroundFn
from netsim.user.io import CommandFn, Io

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.process import Process


def background_entry(table: Mapping[str, CommandFn], name: str) -> BackgroundFn | None:
    """How program ``name`` starts in the background: ``sleep`` as coreutils's, else
    the table's ``background`` for it; None if it can only run to completion."""
    if name == "sleep":
        return sleep_background
    lookup = getattr(table, "background", None)
    return lookup(name) if lookup is not None else None


def sleep_background(host: Host, argv: list[str], proc: Process) -> None:
    """``sleep 60 &``: the process exits 0 once 60 simulated seconds have passed.

    Intervals are coreutils's (``1.5``, ``2m``, ``1e3``, summed when several); a bad one
    ends the process at once with sleep's message and status 1. ``sleep inf &`` (or a
    sleep longer than simulated time can run) never exits: it runs until killed.
    """
    total = 0.0
    bad = [arg for arg in argv[1:] if sleep_interval(arg) is None]
    if bad or len(argv) < 2:
        errors = "".join(f"sleep: invalid time interval ‘{arg}’\n" for arg in bad)
        proc.err((errors or "sleep: missing operand\n") + _SLEEP_TRY)
        proc.exit(1)
        return
    total = sum(sleep_interval(arg) or 0.0 for arg in argv[1:])
    if total <= LONGEST_SLEEP:
        host.lab.call_later(total, proc.exit, 0)  # exit() does nothing if killed before


_SLEEP_TRY = "Try 'sleep --help' for more information.\n"


class _Launching(Mapping[str, CommandFn]):
    """The command table as ``spawn`` shows it to the shell: background-capable
    programs start as processes of their own instead of running to completion."""

    def __init__(self, table: Mapping[str, CommandFn],
                 launch: Callable[[BackgroundFn], CommandFn]) -> None:
        self._table = table
        self._launch = launch

    def __getitem__(self, name: str) -> CommandFn:
        entry = background_entry(self._table, name)
        return self._launch(entry) if entry is not None else self._table[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


def _words(command: str) -> list[str]:
    """The command line split into words, for the process's name before expansion."""
    try:
        return shlex.split(command) or [command]
    except ValueError:  # unbalanced quotes: the shell will say so
        return [command]


def spawn_in_background(host: Host, command: str,
                        stdio: tuple[str, str, str] | None = None) -> Process:
    """``host.spawn``: run ``command`` like ``command &`` typed at the login shell.

    The process is forked first (it takes the next PID, so a ``ps`` it runs sees
    itself), child of the login shell on ``pts/0``. The shell then expands the line;
    when it calls a program with a ``background`` entry, that program takes the
    process over and keeps it running. Otherwise the whole line runs to completion
    and the process exits with its status; what it printed is in ``stdout`` and
    ``stderr``. A second background program on the same line gets a process of its own.
    """
    table = host.processes
    if stdio is None:
        stdio = ("/dev/null", f"pipe:[{table.new_pipe_inode()}]",
                 f"pipe:[{table.new_pipe_inode()}]")
    first = table.spawn(_words(command), ppid=host.shell_pid, stdio=stdio, tty="pts/0")
    first.fd_access.update({0: "r", 1: "w", 2: "w"})
    launched: list[Process] = []

    def launch(entry: BackgroundFn) -> CommandFn:
        def start(host_: Host, argv: list[str], io: Io) -> int:
            if table.forked is not None:  # the first program of the line: exec
                proc = table.fork_exec(argv)
            else:
                proc = table.spawn(argv, ppid=host.shell_pid, stdio=stdio, tty="pts/0")
            launched.append(proc)
            try:
                entry(host, list(argv), proc)
            except Exception as error:
                if os.environ.get("NETSIM_DEBUG"):
                    raise
                proc.err(f"{argv[0]}: internal error: {type(error).__name__}: {error}\n")
                proc.exit(1)
            return 0  # `cmd &` returns at once, whatever cmd does later

        return start

    shell = host.shell
    saved = shell.commands
    shell.commands = _Launching(saved, launch)
    table.forked = first
    try:
        result = shell.run(command)
    finally:
        shell.commands = saved
        table.forked = None
    if launched:
        return launched[0]
    first.out(result.stdout)
    first.err(result.stderr)
    first.exit(result.returncode)  # nothing happens if a program exec'ed and exited it
    return first
