"""Shell builtins: the commands that run inside the shell, because they change it.

``cd`` changes the working directory; ``export``, ``local``, ``unset``, ``read``,
``set``, ``shift`` change variables and options; ``exit``, ``return``, ``break`` and
``continue`` the flow of control; ``source`` and ``eval`` run text in this very shell.
``echo``, ``printf``, ``test``/``[``, ``true``, ``false`` and ``pwd`` are builtins too,
as in bash (and also files in ``/usr/bin``). ``type`` and ``command -v`` tell what a name
would run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from typing import TYPE_CHECKING

from netsim.shell.encoding import from_bytes
from netsim.shell.errors import (
    MAX_NESTING,
    _Break,
    _Continue,
    _Exit,
    _ExpansionError,
    _LimitExceeded,
    _Return,
)
from netsim.shell.escapes import _unescape
from netsim.shell.lexer import _NAME_RE
from netsim.shell.patterns import _ifs_split
from netsim.shell.plumbing import (
    _BUILTINS,
    _SET_FLAGS,
    _builtin,
    _Ctx,
    _legal_number,
    _shell_quote,
)
from netsim.shell.redirect import _Input
from netsim.user.getopt import Getopt, GetoptError

if TYPE_CHECKING:
    from netsim.shell.interpreter import Shell


@_builtin(":", "true")
def _true(ctx: _Ctx, argv: list[str]) -> int:
    return 0


@_builtin("false")
def _false(ctx: _Ctx, argv: list[str]) -> int:
    return 1


@_builtin("wait", "exec")
def _noop(ctx: _Ctx, argv: list[str]) -> int:
    """``wait``: nothing runs in the background here (``&`` runs to completion)."""
    return 0


@_builtin("echo")
def _echo(ctx: _Ctx, argv: list[str]) -> int:
    args = argv[1:]
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = _unescape(text)
        newline = newline and not stop
    ctx.out(text + ("\n" if newline else ""))
    return 0


@_builtin("printf")
def _printf(ctx: _Ctx, argv: list[str]) -> int:
    args = argv[1:]
    target = None
    if len(args) > 1 and args[0] == "-v":  # printf -v NAME: into a variable, not stdout
        target, args = args[1], args[2:]
        if not _NAME_RE.fullmatch(target):
            return ctx.diag(f"printf: `{target}': not a valid identifier")
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return ctx.diag("printf: usage: printf [-v var] format [arguments]", 2)
    from netsim.shell.printf import printf  # its formats and C number parsing: on first use

    data, status = printf(ctx, args[0], args[1:])
    if target is not None:  # a variable holds a C string: up to the first NUL
        ctx.sh._assign(target, from_bytes(data.split(b"\0", 1)[0]))
    else:
        ctx.out(from_bytes(data))
    return status


@_builtin("cd")
def _cd(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    args = [a for a in argv[1:] if a not in ("-L", "-P")]
    if args and args[0] == "--":
        args = args[1:]
    if len(args) > 1:
        return ctx.diag("cd: too many arguments")
    target = args[0] if args else sh.vars.get("HOME", "")
    if not args and not target:
        return ctx.diag("cd: HOME not set")
    show = False
    if target == "-":
        target = sh.vars.get("OLDPWD", "")
        if not target:
            return ctx.diag("cd: OLDPWD not set")
        show = True
    path = ctx.path(target)
    try:
        sh.fs.listdir(path)  # raises the errno cd would see: ENOENT, ENOTDIR, ELOOP
    except OSError as e:
        return ctx.diag(f"cd: {target}: {os.strerror(e.errno or errno.EIO)}")
    sh._set_cwd(path)
    if show:
        ctx.out(path + "\n")
    return 0


@_builtin("pwd")
def _pwd(ctx: _Ctx, argv: list[str]) -> int:
    cwd = ctx.sh.cwd
    if "-P" in argv[1:]:
        with contextlib.suppress(OSError):
            cwd = ctx.sh.fs.realpath(cwd)
    ctx.out(cwd + "\n")
    return 0


@_builtin("test", "[")
def _test(ctx: _Ctx, argv: list[str]) -> int:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            return ctx.diag("[: missing `]'", 2)
        args = args[:-1]
    from netsim.shell.conditions import _TestError, _TestParser  # loaded on first use

    try:
        return 0 if _TestParser(ctx.sh, args).run() else 1
    except _TestError as e:
        return ctx.diag(f"{argv[0]}: {e}", 2)


@_builtin("export", "declare", "typeset", "readonly")
def _export(ctx: _Ctx, argv: list[str]) -> int:
    """``export X=1 Y``; ``declare``/``readonly`` are accepted and just set variables."""
    sh = ctx.sh
    args = argv[1:]
    options = set()
    while args and args[0].startswith("-") and len(args[0]) > 1:
        options.update(args.pop(0)[1:])
    export = argv[0] == "export" or "x" in options
    if not args:
        shown = sorted(sh.exported) if export else sorted(sh.vars)
        for name in shown:
            value = sh.vars.get(name)
            flag = "-x" if name in sh.exported else "--"
            if value is None:
                ctx.out(f"declare {flag} {name}\n")
            else:
                escaped = re.sub(r'(["\\$`])', r"\\\1", value)
                ctx.out(f'declare {flag} {name}="{escaped}"\n')
        return 0
    status = 0
    for arg in args:
        name, eq, value = arg.partition("=")
        append = name.endswith("+")
        name = name.removesuffix("+") if eq else name
        if not _NAME_RE.fullmatch(name):
            status = ctx.diag(f"{argv[0]}: `{arg}': not a valid identifier")
            continue
        if eq:
            sh._assign(name, value, append)
        if "n" in options:
            sh.exported.discard(name)
        elif export:
            sh.exported.add(name)
    return status


@_builtin("unset")
def _unset_builtin(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    mode = ""
    status = 0
    for arg in argv[1:]:
        if arg in ("-f", "-v"):
            mode = arg[1]
            continue
        if not _NAME_RE.fullmatch(arg):
            status = ctx.diag(f"unset: `{arg}': not a valid identifier")
        elif mode == "f" or (mode == "" and arg not in sh.vars and arg in sh.functions):
            sh.functions.pop(arg, None)
        else:
            sh._unset(arg)
    return status


@_builtin("local")
def _local(ctx: _Ctx, argv: list[str]) -> int:
    """Variables of a function: their old values come back when it returns."""
    sh = ctx.sh
    if not sh._locals:
        return ctx.diag("local: can only be used in a function")
    frame = sh._locals[-1]
    status = 0
    for arg in argv[1:]:
        name, eq, value = arg.partition("=")
        if not _NAME_RE.fullmatch(name):
            status = ctx.diag(f"local: `{arg}': not a valid identifier")
            continue
        frame.setdefault(name, (sh.vars.get(name), name in sh.exported))
        if eq:
            sh._assign(name, value)
        else:
            sh.vars.pop(name, None)
    return status


@_builtin("set")
def _set(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    args = argv[1:]
    if not args:
        for name in sorted(sh.vars):
            ctx.out(f"{name}={_shell_quote(sh.vars[name])}\n")
        return 0
    long_names = {"errexit": "errexit", "nounset": "nounset", "xtrace": "xtrace",
                  "pipefail": "pipefail", "noglob": "", "noclobber": "", "verbose": ""}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            sh.positional = args[i + 1 :]
            return 0
        if arg in ("-o", "+o"):
            if i + 1 >= len(args):
                for name in sorted(n for n in long_names if long_names[n]):
                    state = "on" if name in sh.options else "off"
                    ctx.out(f"{name:<15}\t{state}\n")
                return 0
            name = args[i + 1]
            if name not in long_names:
                return ctx.diag(f"set: {name}: invalid option name")
            if long_names[name]:
                (sh.options.add if arg == "-o" else sh.options.discard)(long_names[name])
            i += 2
            continue
        if arg[:1] in "-+" and len(arg) > 1:
            for flag in arg[1:]:
                if flag in _SET_FLAGS:
                    (sh.options.add if arg[0] == "-" else sh.options.discard)(_SET_FLAGS[flag])
                elif flag not in "fvhBC":
                    ctx.diag(f"set: {arg[0]}{flag}: invalid option")
                    return ctx.diag("set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] "
                                    "[--] [-] [arg ...]", 2)
            i += 1
            continue
        sh.positional = args[i:]
        return 0
    return 0


def _numeric_arg(ctx: _Ctx, argv: list[str], fatal: bool) -> int | None:
    """bash's ``get_numeric_arg``: the optional count of shift, break and continue
    (1 if none; a ``--`` before it is skipped). A word that is not a number is
    "numeric argument required": None, or with ``fatal`` the command line is
    abandoned (``break x``); a second word abandons it with "too many arguments"."""
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return 1
    count = _legal_number(args[0])
    if count is None:
        message = f"{argv[0]}: {args[0]}: numeric argument required"
        if fatal:
            raise _ExpansionError(message)
        ctx.diag(message)
        return None
    if len(args) > 1:
        raise _ExpansionError(f"{argv[0]}: too many arguments")
    return count


def _exit_status(ctx: _Ctx, argv: list[str]) -> int | None:
    """bash's ``get_exitstat`` for exit and return: the argument modulo 256, or None
    (and status 2) when it is not a number bash can hold; None with no argument."""
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return None
    value = _legal_number(args[0])
    if value is None:
        ctx.diag(f"{argv[0]}: {args[0]}: numeric argument required")
        return 2
    if len(args) > 1:
        raise _ExpansionError(f"{argv[0]}: too many arguments")
    return value & 0xFF


@_builtin("shift")
def _shift(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    count = _numeric_arg(ctx, argv, fatal=False)
    if count is None:
        return 1
    if count < 0:
        return ctx.diag(f"shift: {argv[-1]}: shift count out of range")
    if count > len(sh.positional):
        return 1
    sh.positional = sh.positional[count:]
    return 0


@_builtin("exit")
def _exit(ctx: _Ctx, argv: list[str]) -> int:
    status = _exit_status(ctx, argv)
    raise _Exit(ctx.sh.status if status is None else status)


@_builtin("return")
def _return(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    if not sh._locals and not sh._sourcing:
        return ctx.diag("return: can only `return' from a function or sourced script", 2)
    status = _exit_status(ctx, argv)
    raise _Return(sh.status if status is None else status)


@_builtin("break", "continue")
def _break(ctx: _Ctx, argv: list[str]) -> int:
    name = argv[0]
    loops = ctx.sh._loops
    if loops == 0:
        ctx.diag(f"{name}: only meaningful in a `for', `while', or `until' loop")
        return 0
    count = _numeric_arg(ctx, argv, fatal=True)
    assert count is not None
    if count < 1:  # bash leaves every loop, with status 1
        ctx.diag(f"{name}: {argv[-1]}: loop count out of range")
        raise _Break(loops, status=1)
    levels = min(count, loops)
    raise _Break(levels) if name == "break" else _Continue(levels)


@_builtin("source", ".")
def _source(ctx: _Ctx, argv: list[str]) -> int:
    """Run a file's commands in this shell: its variables and functions stay."""
    sh = ctx.sh
    if len(argv) < 2:
        ctx.diag(f"{argv[0]}: filename argument required")
        return ctx.diag(f"{argv[0]}: usage: {argv[0]} filename [arguments]", 2)
    try:
        text = sh.fs.read(ctx.path(argv[1]))
    except OSError as e:
        return ctx.diag(f"{argv[1]}: {os.strerror(e.errno or errno.EIO)}")
    saved = (sh.positional, sh._script, sh._lineno)
    if len(argv) > 2:
        sh.positional = argv[2:]
    sh._script = argv[1]
    sh._sourcing += 1
    sh._budget.nesting += 1
    try:
        if sh._budget.nesting > MAX_NESTING:
            raise _LimitExceeded(f"netsim: more than {MAX_NESTING} nested shells "
                                 "(endless recursion?)")
        return sh._run_text(text, None)
    except _Return as e:
        return e.status
    finally:
        sh._budget.nesting -= 1
        sh._sourcing -= 1
        if len(argv) > 2:
            sh.positional = saved[0]
        sh._script, sh._lineno = saved[1], saved[2]


@_builtin("eval")
def _eval(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    sh._budget.nesting += 1
    try:
        if sh._budget.nesting > MAX_NESTING:
            raise _LimitExceeded(f"netsim: more than {MAX_NESTING} nested evals")
        sh.status = 0
        return sh._run_text(" ".join(argv[1:]), "eval")
    finally:
        sh._budget.nesting -= 1


@_builtin("let")
def _let(ctx: _Ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        return ctx.diag("let: expression expected")
    from netsim.shell.arith import _Arith, _ArithError  # loaded on first use

    value = 0
    for expr in argv[1:]:
        try:
            value = _Arith(ctx.sh, expr).evaluate()
        except _ArithError as e:
            return ctx.diag(f"let: {expr}: {e.message} (error token is \"{e.token}\")")
    return 0 if value else 1


@_builtin("read")
def _read(ctx: _Ctx, argv: list[str]) -> int:
    """``read [-r] [NAME...]``: one line of standard input, split on IFS."""
    sh = ctx.sh
    raw = False
    stdin = ctx.stdin

    def option(name: str, value: str | None) -> int | None:
        """Act on one option; a status if it failed."""
        nonlocal raw, stdin
        if name == "-r":
            raw = True
        elif name == "-u":
            fd = value or ""
            number = _legal_number(fd)
            if number is None or not 0 <= number < 1 << 31:
                return ctx.diag(f"read: {fd}: invalid file descriptor specification")
            source = sh._fds.get(number)
            if not isinstance(source, _Input):
                return ctx.diag(f"read: {fd}: invalid file descriptor: Bad file descriptor")
            stdin = source
        return None  # -s, and -p/-t: a prompt and a timeout, with no terminal here

    # bash's internal_getopt: options first (POSIX order), bash's own messages
    scan = Getopt("read", argv[1:], "+rsp:t:u:")
    try:
        for name, value in scan:
            if (failed := option(name, value)) is not None:
                return failed
    except GetoptError as err:
        if err.kind != GetoptError.MISSING:
            ctx.diag(f"read: -{err.option}: invalid option")
            return ctx.diag("read: usage: read [-ers] [-a array] [-d delim] [-i text] "
                            "[-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] "
                            "[name ...]", 2)
        if (failed := option(f"-{err.option}", "")) is not None:  # missing: taken as empty
            return failed
    args = scan.operands
    names = args or ["REPLY"]
    for name in names:
        if not _NAME_RE.fullmatch(name):
            return ctx.diag(f"read: `{name}': not a valid identifier")
    line = stdin.read_line()
    if line is not None:
        line = line.replace("\0", "")  # bash's read skips NUL bytes
    if line is None:
        for name in names:
            sh._assign(name, "")
        return 1
    complete = line.endswith("\n")
    line = line[:-1] if complete else line
    if not raw:
        while line.endswith("\\") and not line.endswith("\\\\"):
            more = stdin.read_line()
            if more is not None:
                more = more.replace("\0", "")
            if more is None:
                line = line[:-1]
                break
            complete = more.endswith("\n")
            line = line[:-1] + (more[:-1] if complete else more)
    _read_assign(sh, names, line, raw, reply=not args)
    return 0 if complete else 1


def _read_assign(sh: Shell, names: list[str], line: str, raw: bool, reply: bool) -> None:
    ifs = sh.vars.get("IFS", " \t\n")
    ws = "".join(c for c in ifs if c in " \t\n")
    if reply:
        sh._assign("REPLY", line if raw else re.sub(r"\\(.)", r"\1", line))
        return
    rest = line.lstrip(ws) if ws else line
    values = []
    for _name in names[:-1]:
        if not rest or not ifs:
            values.append("")
            continue
        pieces = _ifs_split(rest, ifs)
        values.append(pieces[0])
        rest = "".join(pieces[2:]) if len(pieces) > 1 else ""
    rest = rest.rstrip(ws) if ws else rest
    values.append(rest)
    for name, value in zip(names, values, strict=True):
        sh._assign(name, value if raw else re.sub(r"\\(.)", r"\1", value))


_KEYWORD_NAMES = frozenset({
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "{", "}", "!", "[[", "]]", "function",
})


def _describe(sh: Shell, name: str) -> str | None:
    """What ``type NAME`` says, or None when bash would say "not found"."""
    if name in _KEYWORD_NAMES:
        return f"{name} is a shell keyword"
    if name in sh.functions:
        return f"{name} is a function"
    if name in _BUILTINS:
        return f"{name} is a shell builtin"
    path = sh._program_path(name)
    return f"{name} is {path}" if path else None


@_builtin("type")
def _type(ctx: _Ctx, argv: list[str]) -> int:
    status = 0
    for name in argv[1:]:
        if name.startswith("-"):
            continue
        text = _describe(ctx.sh, name)
        if text is None:
            status = ctx.diag(f"type: {name}: not found")
        else:
            ctx.out(text + "\n")
    return status


@_builtin("command")
def _command(ctx: _Ctx, argv: list[str]) -> int:
    """``command -v NAME`` tells where NAME is; ``command NAME`` skips functions."""
    sh = ctx.sh
    args = argv[1:]
    if args and args[0] in ("-v", "-V"):
        status = 1
        for name in args[1:]:
            if name in sh.functions or name in _BUILTINS or name in _KEYWORD_NAMES:
                ctx.out((name if args[0] == "-v" else _describe(sh, name) or name) + "\n")
                status = 0
            elif (path := sh._program_path(name)) is not None:
                ctx.out((path if args[0] == "-v" else f"{name} is {path}") + "\n")
                status = 0
        return status
    if not args:
        return 0
    return sh._dispatch(args, [], functions=False)
