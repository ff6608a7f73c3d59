"""``netsim shell``: a root prompt on a simulated machine, in a real terminal.

    netsim shell                 one fresh machine called ``host``
    netsim shell nat             a mode of ``netsim modes`` (host-only, nat, nat-user, bridged)
    netsim shell LAB.yaml        a lab (``netsim.labs.load``): its task first, ``lab check``

The prompt is Debian's (``root@host:~# ``) and the commands are the machine's, as
``host.sh()`` runs them; while one runs, simulated time passes at the pace of real
time, so ``ping`` prints each reply when it comes and runs until Ctrl-C, which stops
it with its statistics. ``ssh NAME`` opens another machine's prompt and ``exit`` comes
back (:mod:`netsim.app.shell_session`). At a terminal, GNU readline gives the history
(kept per scenario or lab, see :func:`netsim.app.shell_term.history_file`) and Tab
completion (:mod:`netsim.app.shell_complete`); lines piped in are read plainly and run
as fast as the computer goes. The exit status is the last command's, as bash's.

:func:`run` is the entry point for other parts of netsim (``netsim lab``): a world, a
machine, optionally a lab, and the streams.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.world import World

SCENARIOS = ("host-only", "nat", "nat-user", "bridged")

DESCRIPTION = """\
A root prompt on a simulated Linux machine. Type the commands you would type on a
real one (ip, bridge, brctl, ping, iptables, qemu-system-x86_64, cat /proc/...,
bash's own syntax); while a command runs, simulated time passes at the pace of real
time, so ping prints each reply as it comes and runs until Ctrl-C."""

EPILOG = """\
examples:
  netsim shell                  one fresh machine, "host"
  netsim shell nat              the NAT mode of `netsim modes`: host, vm1, vm2, lan1...
  netsim shell LAB.yaml         a lab: its task is printed first; `lab check` grades it

at the prompt:
  help                          what works here
  ssh NAME [COMMAND]            log in to another machine (exit comes back), or run
                                COMMAND there; NAME is a host, a running VM or an address
  exit [N], Ctrl-D              leave (status N, else the last command's)
  Tab, Up/Down, Ctrl-C          completion, history, stop the running command

The history is kept in $XDG_STATE_HOME/netsim/ (~/.local/state/netsim/), one file per
scenario or lab; NETSIM_HISTFILE names another file. Lines piped in (netsim shell <
script) run without a prompt, as fast as the computer goes."""


def add_parser(sub: Any) -> None:
    """The ``shell`` subcommand's arguments (called by :mod:`netsim.app.main`)."""
    parser = sub.add_parser(
        "shell", help="a root prompt on a simulated machine (ssh to the others)",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", nargs="?", metavar="SCENARIO | LAB.yaml",
                        help=f"a mode ({', '.join(SCENARIOS)}) or a lab (a .yaml file or "
                             "a lab's name); default: one fresh machine called host")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--vms", type=int, default=2,
                        help="VMs in a mode's lab (default 2, as `netsim modes`)")
    parser.add_argument("--speed", type=float, default=None, metavar="X",
                        help="simulated seconds per real second while a command runs "
                             "(default 1 at a terminal; 0: as fast as possible, and ping "
                             "without -c sends 4)")


def main(args: argparse.Namespace) -> int:
    """``netsim shell [TARGET]``: build the world, then :func:`run`."""
    if args.speed is not None and not args.speed >= 0:
        print(f"netsim shell: --speed {args.speed:g}: must be 0 or more", file=sys.stderr)
        return 2
    try:
        world, lab, key = _build(args.target, args.seed, args.vms)
    except _Refused as refused:
        print(f"netsim shell: {refused}", file=sys.stderr)
        return 2
    return run(world, lab=lab, speed=args.speed, history=key)


class _Refused(Exception):
    """A target netsim shell cannot open: one line, status 2."""


def _build(target: str | None, seed: int, vms: int) -> tuple[World, Any, str]:
    """(world, lab or None, history key) for ``netsim shell TARGET``."""
    if target is None:
        import netsim

        world = netsim.Lab(seed=seed)
        world.host("host")
        return world, None, "host"
    if target in SCENARIOS:
        from netsim import scenarios

        build = {"host-only": scenarios.host_only, "nat": scenarios.nat,
                 "nat-user": scenarios.nat_user, "bridged": scenarios.bridged}[target]
        try:
            return build(vms=vms, seed=seed), None, target
        except (TypeError, ValueError) as error:
            raise _Refused(f"{target}: {error}") from None
    try:
        labs = importlib.import_module("netsim.labs")
        load = labs.load
    except Exception as error:  # noqa: BLE001 - missing, or broken: either way, say so
        what = "is not part of this netsim" if isinstance(error, ModuleNotFoundError) \
            else f"cannot be loaded ({type(error).__name__}: {error})"
        raise _Refused(f"{target}: not a scenario ({', '.join(SCENARIOS)}), and labs are "
                       f"not available: netsim.labs {what}") from None
    try:
        lab = load(target)
    except Exception as error:  # noqa: BLE001 - the loader's words, on one line
        if os.environ.get("NETSIM_DEBUG"):
            raise
        text = str(error) or type(error).__name__
        raise _Refused(f"{target}: {text} (scenarios: {', '.join(SCENARIOS)})") from None
    name = getattr(lab, "name", None) or os.path.splitext(os.path.basename(target))[0]
    return lab.world, lab, f"lab-{name}"


def run(world: World | None, host: str | None = None, lab: Any = None,
        stdin: IO[str] | None = None, stdout: IO[str] | None = None, *,
        stderr: IO[str] | None = None, speed: float | None = None,
        history: str | None = None) -> int:
    """Open a prompt on ``host`` of ``world`` and run what is typed; the exit status.

    ``host`` None: the world's ``host``, else its first host (one called ``host`` is
    made in a world without any); a VM's name logs in to its guest. With ``lab`` (a
    loaded lab: ``.world``, ``.task``, ``.check()``), its task is printed first and
    ``lab check`` prints ``lab.check()``; ``world`` may then be None (``lab.world``).
    ``stdin``/``stdout`` default to the process's; ``stderr`` to ``stdout`` when that
    is given, else the process's. A person at a terminal (the process's stdin and
    stdout or stderr are ttys) gets the interactive prompt (readline, real-time pace,
    Ctrl-C); anything else reads plain lines.
    ``speed``: simulated seconds per real second while commands run (default 1 at a
    terminal, 0 -- no pacing -- otherwise). ``history``: the key of the history file
    (default: the lab's name, else ``shell``).
    """
    from netsim.app.shell_session import Session
    from netsim.app.shell_term import (
        LineReader,
        Pacer,
        Screen,
        history_file,
        put,
        stream_is_tty,
        tty_echoes_ctrl_c,
    )

    if world is None:
        world = lab.world if lab is not None else None
    if world is None:
        raise TypeError("netsim shell: run() needs a world (or a lab with .world)")
    own = stdin is None and stdout is None
    stdin = sys.stdin if stdin is None else stdin
    out = sys.stdout if stdout is None else stdout
    err = stderr if stderr is not None else (sys.stderr if stdout is None else stdout)
    # A person at a keyboard (bash's test: stdin and stderr are terminals); readline
    # when the prompt's line is on a terminal too (`netsim shell | tee log` has none:
    # the prompt then goes to stderr, as bash's does).
    interactive = own and stream_is_tty(stdin) and (stream_is_tty(out) or stream_is_tty(err))
    editing = interactive and stream_is_tty(out)
    if speed is None:
        speed = 1.0 if interactive else 0.0
    machine = _machine(world, host)
    if machine is None:
        put(err, f"netsim shell: no machine {host!r} here (machines: "
                 f"{', '.join([*world.hosts, *world.vms]) or 'none'})\n")
        return 2
    screen = Screen(out, err, interactive=interactive and speed > 0,
                    echo_ctrl_c=interactive and not tty_echoes_ctrl_c(stdin))
    if history is None:
        history = f"lab-{getattr(lab, 'name', 'lab')}" if lab is not None else "shell"
    reader = None
    try:
        session_holder: list[Session] = []
        reader = LineReader(stdin, editing, history_file(history) if editing else None,
                            lambda before, word: session_holder[0].completions(before, word),
                            prompt_to=err if interactive and not editing else None)
        session = Session(world, screen, reader, Pacer(world, screen, speed), lab=lab,
                          interactive=interactive)
        session_holder.append(session)
        if lab is not None:
            task = str(getattr(lab, "task", "") or "")
            if task:
                put(out, task if task.endswith("\n") else task + "\n")
        if interactive:
            put(out, "netsim shell: `help` lists what works here, `exit` leaves.\n")
        return session.interact(machine)
    except KeyboardInterrupt:
        put(err, "\n")
        return 130
    except Exception as error:  # never a traceback
        if os.environ.get("NETSIM_DEBUG"):
            raise
        put(err, f"netsim shell: internal error: {type(error).__name__}: {error}\n")
        return 1
    finally:
        if reader is not None:
            reader.close()


def _machine(world: World, name: str | None) -> Host | None:
    if name is None:
        if "host" in world.hosts:
            return world.hosts["host"]
        return next(iter(world.hosts.values()), None) or world.host("host")
    if name in world.hosts:
        return world.hosts[name]
    vm = world.vms.get(name)
    return vm.guest if vm is not None and vm.running else None
