"""Programs about running programs: sh/bash/dash, env/printenv, which, sleep,
basename and dirname (mostly GNU's old sh-utils).

``sh`` runs a new shell process: only exported variables go with it. ``sleep`` lets
simulated time pass, through ``host.sleep(seconds)``.
"""

from __future__ import annotations

import errno
import math
import os

from netsim.shell.encoding import looks_binary
from netsim.shell.errors import _Interrupted, _Usage
from netsim.shell.lexer import _NAME_RE
from netsim.shell.numbers import sleep_interval
from netsim.shell.plumbing import _SET_FLAGS, _Ctx, _getopts, _utility

# The longest sleep that simulated time can take: past 2**52 microseconds (about 142
# years) the clock, a float of seconds, no longer tells microseconds apart, and later
# timers would all fire at one instant. A longer sleep, like `sleep inf`, is endless.
LONGEST_SLEEP = 2.0**52 / 1e6


@_utility("sleep")
def _sleep(ctx: _Ctx, argv: list[str]) -> int:
    """Simulated time passes: ``host.sleep(seconds)`` when the host has it.

    An endless sleep (``inf``, or longer than :data:`LONGEST_SLEEP`) would hang a real
    terminal until Ctrl-C: here it stops the command line at once, with netsim's
    message and Ctrl-C's status (130), and leaves simulated time where it was.
    """
    _opts, args = _getopts("sleep", argv[1:])
    if not args:
        raise _Usage("sleep: missing operand")
    total, bad = 0.0, False
    for arg in args:
        seconds = sleep_interval(arg)
        if seconds is None:
            ctx.err(f"sleep: invalid time interval ‘{arg}’\n")
            bad = True
        else:
            total += seconds
    if bad:
        raise _Usage("", hint=True)
    if not total <= LONGEST_SLEEP:
        if ctx.sh._background:  # `sleep inf &`: it sleeps on, the prompt comes back
            return 0
        shown = " ".join(args)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        length = "never ends" if math.isinf(total) else (
            f"would take {total:.3g} s, longer than simulated time can run "
            f"({LONGEST_SLEEP:.3g} s)")
        raise _Interrupted(
            f"netsim: sleep {shown} {length}: a real terminal would wait until Ctrl-C. "
            "The command line stops here, as at a Ctrl-C (status 130); simulated time "
            "did not move.", 130)
    sleep = getattr(ctx.sh.host, "sleep", None)
    if callable(sleep):
        sleep(total)
    return 0


@_utility("which")
def _which(ctx: _Ctx, argv: list[str]) -> int:
    status = 0
    for name in argv[1:]:
        if name.startswith("-"):
            continue
        if "/" in name:
            path = ctx.path(name)
            found = name if ctx.sh.fs.is_file(path) and ctx.sh.fs.mode(path) & 0o111 else None
        else:
            found = ctx.sh._program_path(name)
        if found is None:
            status = 1
        else:
            ctx.out(found + "\n")
    return status


@_utility("sh", "bash", "dash")
def _sh(ctx: _Ctx, argv: list[str]) -> int:
    """``sh -c 'cmd' [name args...]``, ``sh script.sh args``, or a script on stdin."""
    name = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]
    options: set[str] = set()
    command = False
    while args and args[0][:1] in "-+" and args[0] not in ("-", "+"):
        arg = args.pop(0)
        if arg == "--":
            break
        for flag in arg[1:]:
            if flag == "c":
                command = True
            elif flag in _SET_FLAGS:
                options.add(_SET_FLAGS[flag])
            elif flag not in "sil":
                return ctx.fail(f"{name}: -{flag}: invalid option", 2)
    script: str | None = None
    if command:
        if not args:
            return ctx.fail(f"{name}: -c: option requires an argument", 2)
        text, arg0, params = args[0], (args[1] if len(args) > 1 else name), args[2:]
    elif args:
        try:
            text = ctx.sh.fs.read(ctx.path(args[0]))
        except OSError as e:
            if name == "bash":
                return ctx.fail(f"bash: {args[0]}: {os.strerror(e.errno or errno.EIO)}", 127)
            return ctx.fail(f"{name}: 0: cannot open {args[0]}: No such file", 2)
        if name == "bash" and looks_binary(text):
            return ctx.fail(f"{args[0]}: {args[0]}: cannot execute binary file", 126)
        script, arg0, params = args[0], args[0], args[1:]
    else:
        text, arg0, params = ctx.stdin.read_all(), name, []
    child = ctx.sh._new_process(ctx.sh._environment([]))
    child.arg0, child.positional, child._script, child.options = arg0, params, script, options
    return child._run_isolated(lambda: child._run_text(text, "-c" if script is None else None))


@_utility("env", "printenv")
def _env(ctx: _Ctx, argv: list[str]) -> int:
    """``env`` prints the environment; ``env X=1 cmd`` runs cmd with X set.

    ``-i`` empties the printed list only: a command run by ``env -i cmd`` still sees
    the shell's exported variables.
    """
    sh = ctx.sh
    args = argv[1:]
    if argv[0] == "printenv":
        env = sh._environment([])
        if not args:
            ctx.out("".join(f"{k}={v}\n" for k, v in env.items()))
            return 0
        found = [env[a] for a in args if a in env]
        ctx.out("".join(v + "\n" for v in found))
        return 0 if len(found) == len(args) else 1
    clear = False
    while args and args[0] in ("-i", "-", "--"):
        clear = clear or args[0] != "--"
        args.pop(0)
    assigns = []
    while args and "=" in args[0] and _NAME_RE.fullmatch(args[0].split("=", 1)[0]):
        name, _, value = args.pop(0).partition("=")
        assigns.append((name, value, False))
    if args:
        return sh._dispatch(args, assigns, functions=False)
    env = {} if clear else sh._environment([])
    env.update({name: value for name, value, _ in assigns})
    ctx.out("".join(f"{k}={v}\n" for k, v in env.items()))
    return 0


@_utility("basename")
def _basename(ctx: _Ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        raise _Usage("basename: missing operand")
    name = argv[1].rstrip("/") or ("/" if argv[1] else "")
    base = name.rsplit("/", 1)[-1] if name != "/" else "/"
    if len(argv) > 2 and base != argv[2] and base.endswith(argv[2]):
        base = base[: -len(argv[2])]
    ctx.out(base + "\n")
    return 0


@_utility("dirname")
def _dirname(ctx: _Ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        raise _Usage("dirname: missing operand")
    for arg in argv[1:]:
        name = arg.rstrip("/")
        if "/" not in name:
            ctx.out(("/" if arg.startswith("/") else ".") + "\n")
        else:
            ctx.out((name.rsplit("/", 1)[0].rstrip("/") or "/") + "\n")
    return 0
