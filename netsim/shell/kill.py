"""``kill``: bash 5.2's builtin, sending signals to the host's processes.

``kill`` is a *shell builtin* in bash (so that it works with job specs like ``%1``,
and when no new process can be forked), and so it is here: its messages carry the
shell's prefix (``bash: kill: (1234) - No such process`` at the prompt,
``x.sh: line 3: kill: ...`` in a script). Importing this module registers it with the
shell; :func:`netsim.cli.commands.make_shell` does that.

Forms, as bash reads them (``builtins/kill.def``)::

    kill [-s SIG | -n SIG | -SIG] PID...     SIGTERM when no signal is given
    kill -l [SIG...]                         list signals, or translate name <-> number

A signal is a number (0..64, 0 only checks that the process exists) or a name in any
case, with or without ``SIG`` (``-term``, ``-SIGKILL``, ``-s RTMIN+2``); bash also
knows ``EXIT`` (0). A PID may be negative: ``-N`` is process group N, ``-1`` every
process but init (here also sparing the login shell's session). Every operand is
tried; the status is 0 when at least one signal was sent, 1 otherwise, 2 for a usage
error. The signal's effect is :meth:`netsim.user.process.Process.kill`'s: the
program's own handler, or terminate / stop / continue / ignore.

Left out: job specs (there are no jobs: ``%1`` is ``no such job``) and process groups
beyond their leader.
"""

from __future__ import annotations

import errno
import os

from netsim.shell.plumbing import _builtin, _Ctx, _legal_number
from netsim.user.process import NSIG, SIGNAL_NAMES, SIGTERM, Process

USAGE = ("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... "
         "or kill -l [sigspec]\n")
HELP = """\
kill: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
    Send a signal to a job.
    \n    Send the processes identified by PID or JOBSPEC the signal named by
    SIGSPEC or SIGNUM.  If neither SIGSPEC nor SIGNUM is present, then
    SIGTERM is assumed.
    \n    Options:
      -s sig\tSIG is a signal name
      -n sig\tSIG is a signal number
      -l\tlist the signal names; if arguments follow `-l' they are
    \t\tassumed to be signal numbers for which names should be listed
      -L\tsynonym for -l
    \n    Kill is a shell builtin for two reasons: it allows job IDs to be used
    instead of process IDs, and allows processes to be killed if the limit
    on processes that you can create is reached.
    \n    Exit Status:
    Returns success unless an invalid option is given or an error occurs.
"""
EX_USAGE = 2

# bash's signal table: 0 is EXIT, then the kernel's signals, then its trap pseudo-signals
_BASH_NAMES: dict[int, str] = {0: "EXIT", **{n: "SIG" + s for n, s in SIGNAL_NAMES.items()},
                               65: "DEBUG", 66: "ERR", 67: "RETURN"}
_PID_MIN, _PID_MAX = -(1 << 31), (1 << 31) - 1  # pid_t is 32 bits


def legal_number(text: str) -> int | None:
    """bash's legal_number(): strtoimax() plus trailing blanks, or None (overflow too)."""
    return _legal_number(text)


def decode_signal(spec: str) -> int | None:
    """bash's decode_signal(): a number 0..64, or a name (any case, ``SIG`` optional)."""
    number = legal_number(spec)
    if number is not None:
        return number if 0 <= number < NSIG else None
    lowered = spec.lower()
    for sig, name in _BASH_NAMES.items():
        short = name[3:] if name.startswith("SIG") else name
        if lowered in (short.lower(), name.lower()):
            return sig
    return None


def _list_signals(ctx: _Ctx, operands: list[str]) -> int:
    """``kill -l``: the table, or each operand translated (exit statuses > 128 too)."""
    if not operands:
        cells = [f"{n:2d}) SIG{name}" for n, name in SIGNAL_NAMES.items()]
        # five to a line; a short last line keeps the tab after its last cell
        text = "".join(cell + ("\n" if i % 5 == 4 else "\t") for i, cell in enumerate(cells))
        ctx.out(text if text.endswith("\n") else text + "\n")
        return 0
    status = 0
    for word in operands:
        number = legal_number(word)
        if number is not None:
            if number > 128:
                number -= 128  # `kill -l $?` names the signal that ended a command
            if not 0 <= number < NSIG:
                status = ctx.diag(f"kill: {word}: invalid signal specification")
            elif number == 0:
                ctx.out("EXIT\n")
            elif number in SIGNAL_NAMES:  # 32 and 33 have no name: bash prints nothing
                ctx.out(SIGNAL_NAMES[number] + "\n")
            continue
        sig = decode_signal(word)
        if sig is None:
            status = ctx.diag(f"kill: {word}: invalid signal specification")
        else:
            ctx.out(f"{sig}\n")
    return status


def _targets(ctx: _Ctx, pid: int) -> list[Process]:
    """The processes ``kill(pid, ...)`` reaches; [] means ESRCH."""
    table = getattr(ctx.sh.host, "processes", None)
    if table is None:
        return []
    if pid == 0:
        return [table.login_shell]  # our own process group: the shell itself
    if pid == -1:  # everyone we may signal, but init and ourselves
        spared = {1, table.login_shell.pid, table.login_shell.ppid}
        return [p for p in table.running() if p.pid not in spared]
    proc = table.get(abs(pid))
    return [proc] if proc is not None else []


def _send(ctx: _Ctx, pid: int, sig: int) -> int | None:
    """kill(2): deliver ``sig``; None on success, else the errno."""
    targets = _targets(ctx, pid)
    if not targets:
        return errno.ESRCH  # the kernel looks the process up before the signal
    if not 0 <= sig < NSIG:
        return errno.EINVAL  # DEBUG, ERR, RETURN are bash's, not the kernel's
    table = ctx.sh.host.processes
    for proc in targets:
        if proc.running:
            proc.kill(sig, sender=table.login_shell)
    return None


@_builtin("kill")
def kill_builtin(ctx: _Ctx, argv: list[str]) -> int:
    """bash's ``kill``: parse options as kill.def does, then signal every operand."""
    args = argv[1:]
    if not args:
        ctx.err(USAGE)
        return EX_USAGE
    if args[0] == "--help":
        ctx.out(HELP)
        return EX_USAGE
    sig, sigspec = SIGTERM, "TERM"
    listing = saw_signal = False
    i = 0
    while i < len(args):
        word = args[i]
        if word in ("-l", "-L"):
            listing = True
            i += 1
        elif word in ("-s", "-n"):
            if i + 1 >= len(args):
                return ctx.diag(f"kill: {word}: option requires an argument")
            sigspec = args[i + 1]
            sig = decode_signal(sigspec)
            saw_signal = True
            i += 2
        elif (word[:2] == "-s" and word[2:3].isascii() and word[2:3].isalpha()) or (
                word[:2] == "-n" and word[2:3].isdigit()):
            sigspec = word[2:]
            sig = decode_signal(sigspec)
            saw_signal = True
            i += 1
        elif word == "--":
            i += 1
            break
        elif word == "-?":
            ctx.err(USAGE)
            return EX_USAGE
        elif word.startswith("-") and not saw_signal:
            sigspec = word[1:]
            sig = decode_signal(sigspec)
            saw_signal = True
            i += 1
        else:
            break
    operands = args[i:]
    if listing:
        return _list_signals(ctx, operands)
    if sig is None:
        return ctx.diag(f"kill: {sigspec}: invalid signal specification")
    if not operands:
        ctx.err(USAGE)
        return EX_USAGE
    sent = False
    for word in operands:
        digits = word[1:] if word.startswith("-") else word
        pid = legal_number(word) if digits else None
        if pid is not None and _PID_MIN <= pid <= _PID_MAX:
            error = _send(ctx, pid, sig)
            if error == errno.EINVAL:
                ctx.diag(f"kill: {sigspec}: invalid signal specification")
            elif error is not None:
                ctx.diag(f"kill: ({pid}) - {os.strerror(error)}")
            else:
                sent = True
        elif word and not word.startswith("%"):
            ctx.diag(f"kill: {word}: arguments must be process or job IDs")
        elif digits:
            ctx.diag(f"kill: {word}: no such job")  # no job control: never any jobs
        else:
            ctx.diag(f"kill: `{word}': not a pid or valid job spec")
    return 0 if sent else 1
