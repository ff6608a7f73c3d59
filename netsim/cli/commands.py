"""The command registry: which program answers to which name in a host's shell.

Programs are imported on first use, so ``import netsim`` stays light and a host
that never runs ``brctl`` never loads it.

A program that keeps running after the shell prompt comes back (QEMU) can also be
started in the background by ``host.spawn``: its module defines, beside ``main``,

    def background(host: Host, argv: list[str], proc: Process) -> None

which starts the program *as* ``proc`` (already in the host's process table, with
``argv`` as its command line): it installs its fds and signal handlers, writes with
``proc.out``/``proc.err``, and returns while the program runs on -- or calls
``proc.exit(status)`` first if it fails at once. See :func:`spawn_in_background`.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from netsim.user.io import CommandFn, Io

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.process import Process

BackgroundFn = Callable[["Host", list[str], "Process"], None]

# name -> "module:function"; each function is (host, argv, io) -> exit status
PROGRAMS: dict[str, str] = {
    "ip": "netsim.cli.ip:main",
    "bridge": "netsim.cli.bridge_cmd:main",
    "brctl": "netsim.cli.brctl:main",
    "sysctl": "netsim.cli.sysctl:main",
    "ping": "netsim.cli.ping:main",
    "ps": "netsim.cli.ps:main",
    "tcpdump": "netsim.cli.tcpdump:main",
    "qemu-system-x86_64": "netsim.qemu.launcher:main",
    "qemu-img": "netsim.qemu.img:main",
    # netfilter (issue 5)
    "iptables": "netsim.cli.iptables:main",
    "conntrack": "netsim.cli.conntrack:main",
    # DHCP (issue 5)
    "dnsmasq": "netsim.cli.dnsmasq:main",
    "dhclient": "netsim.cli.dhclient:main",
    "udhcpc": "netsim.cli.udhcpc:main",
    # services and clients the mode scenarios use (issue 5)
    "socat": "netsim.cli.socat:main",
}


class Registry(Mapping[str, CommandFn]):
    """A read-only mapping that imports each program the first time it is looked up."""

    def __init__(self, programs: dict[str, str]) -> None:
        self._programs = programs
        self._loaded: dict[str, CommandFn] = {}

    def __getitem__(self, name: str) -> CommandFn:
        if name not in self._loaded:
            module_name, _, func = self._programs[name].partition(":")
            self._loaded[name] = getattr(importlib.import_module(module_name), func)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._programs)

    def __len__(self) -> int:
        return len(self._programs)


REGISTRY = Registry(PROGRAMS)


def make_shell(host: Host):
    """The shell a host's ``sh()`` runs in: every registered program, the host's files."""
    from netsim.cli import kill  # noqa: F401  (registers bash's `kill` builtin)
    from netsim.shell import Shell

    return Shell(host, REGISTRY, host.fs)


# ============================================================================ background
# Programs that can run in the background although the shell has them built in:
# name -> "module:function", each a BackgroundFn.
BACKGROUND: dict[str, str] = {
    "sleep": "netsim.cli.commands:sleep_background",
}


def background_entry(name: str) -> BackgroundFn | None:
    """How program ``name`` starts in the background: its :data:`BACKGROUND` entry, or
    the ``background`` function of its module in :data:`PROGRAMS`; None if it cannot."""
    spec = BACKGROUND.get(name)
    if spec is not None:
        module_name, _, func = spec.partition(":")
        return getattr(importlib.import_module(module_name), func)
    spec = PROGRAMS.get(name)
    if spec is None:
        return None
    module = importlib.import_module(spec.partition(":")[0])
    entry = getattr(module, "background", None)
    return entry if callable(entry) else None


def sleep_background(host: Host, argv: list[str], proc: Process) -> None:
    """``sleep 60 &``: the process exits 0 once 60 simulated seconds have passed.

    Intervals are coreutils's (``1.5``, ``2m``, summed when several); a bad one ends
    the process at once with sleep's message and status 1.
    """
    total = 0.0
    for arg in argv[1:]:
        m = re.fullmatch(r"([0-9]*\.?[0-9]+)([smhd]?)", arg)
        if m is None:
            proc.err(f"sleep: invalid time interval ‘{arg}’\n{_SLEEP_TRY}")
            proc.exit(1)
            return
        total += float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    if len(argv) < 2:
        proc.err(f"sleep: missing operand\n{_SLEEP_TRY}")
        proc.exit(1)
        return
    host.lab.call_later(total, proc.exit, 0)  # exit() does nothing if killed before


_SLEEP_TRY = "Try 'sleep --help' for more information.\n"


class _Launching(Mapping[str, CommandFn]):
    """The registry as ``spawn`` shows it to the shell: background-capable programs
    start as processes of their own instead of running to completion."""

    def __init__(self, launch: Callable[[BackgroundFn], CommandFn]) -> None:
        self._launch = launch

    def __getitem__(self, name: str) -> CommandFn:
        entry = background_entry(name)
        return self._launch(entry) if entry is not None else REGISTRY[name]

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)


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
    shell.commands = _Launching(launch)
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
