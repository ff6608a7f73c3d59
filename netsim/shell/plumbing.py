"""What builtins and coreutils plug into.

Each one is a function ``fn(ctx, argv) -> status``, registered under its names with
:func:`_builtin` (part of the shell: ``cd``, ``export``, ``read``...) or :func:`_utility`
(a stand-in for a GNU program: ``cat``, ``grep``...). The two tables are consulted at
different points of bash's search order (see :mod:`.dispatch`). ``ctx``
(:class:`_Ctx`) gives the shell, standard input and ways to write.

Also the helpers many of them share: GNU option parsing, splitting text into lines,
quoting names in messages.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netsim.shell.errors import _Usage
from netsim.shell.redirect import _Input

if TYPE_CHECKING:
    from netsim.shell.interpreter import Shell


def _shell_quote(s: str) -> str:
    """How ``set -x`` shows an argument: quoted only when needed."""
    if s and re.fullmatch(r"[\w@%+=:,./-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def _quote_name(name: str) -> str:
    """File names in coreutils messages: 'name' (GNU's shell-escape quoting)."""
    return f'"{name}"' if "'" in name else f"'{name}'"


@dataclass
class _Ctx:
    """What a builtin gets: the shell, its standard input, and ways to write."""

    sh: Shell
    stdin: _Input

    def out(self, text: str) -> None:
        self.sh._write(1, text)

    def err(self, text: str) -> None:
        self.sh._write(2, text)

    def fail(self, message: str, status: int = 1) -> int:
        """A coreutil's error: ``cat: x: No such file or directory``."""
        self.err(message + "\n")
        return status

    def diag(self, message: str, status: int = 1) -> int:
        """A shell builtin's error, with the shell's prefix: ``bash: cd: ...``."""
        self.sh._diag(message)
        return status

    def path(self, name: str) -> str:
        return self.sh.fs.resolve(name, self.sh.cwd)

    def read_input(self, name: str, prog: str, style: str = "plain",
                   quiet: bool = False) -> str | None:
        """The text of file ``name`` (``-`` is standard input), or None after an error.

        ``style`` picks the tool's wording: ``plain`` (``cat: x: No such file or
        directory``) or ``open`` (``head: cannot open 'x' for reading: ...``).
        """
        if name == "-":
            return self.stdin.read_all()
        try:
            return self.sh.fs.read(self.path(name))
        except OSError as e:
            if not quiet:
                reason = os.strerror(e.errno or errno.EIO)
                if style == "open" and e.errno == errno.EISDIR:
                    self.err(f"{prog}: error reading {_quote_name(name)}: {reason}\n")
                elif style == "open":
                    self.err(f"{prog}: cannot open {_quote_name(name)} for reading: {reason}\n")
                else:
                    self.err(f"{prog}: {name}: {reason}\n")
            return None


_BuiltinFn = Callable[[_Ctx, list[str]], int]
_BUILTINS: dict[str, _BuiltinFn] = {}  # inside the shell: cd, export, read...
_UTILITIES: dict[str, _BuiltinFn] = {}  # coreutils stand-ins: cat, grep, ls...
# Builtins that also exist as files in /usr/bin (so `which echo` finds one).
_PROGRAM_BUILTINS = frozenset(["echo", "printf", "test", "[", "true", "false", "pwd"])


def _builtin(*names: str) -> Callable[[_BuiltinFn], _BuiltinFn]:
    def register(fn: _BuiltinFn) -> _BuiltinFn:
        for name in names:
            _BUILTINS[name] = fn
        return fn

    return register


def _utility(*names: str, usage_status: int = 1) -> Callable[[_BuiltinFn], _BuiltinFn]:
    """Register a coreutil; a :class:`_Usage` it raises becomes GNU's two-line error."""

    def register(fn: _BuiltinFn) -> _BuiltinFn:
        def run(ctx: _Ctx, argv: list[str]) -> int:
            try:
                return fn(ctx, argv)
            except _Usage as e:
                prog = argv[0].rsplit("/", 1)[-1]
                hint = f"\nTry '{prog} --help' for more information." if e.hint else ""
                return ctx.fail(f"{e}{hint}", usage_status)

        for name in names:
            _UTILITIES[name] = run
        return run

    return register


def _getopts(prog: str, args: list[str], flags: str = "", valued: str = "",
             numeric: bool = False) -> tuple[dict[str, Any], list[str]]:
    """GNU-style short options: ``-abc``, ``-n5``/``-n 5``, ``--``, options after operands.

    Flags map to True, valued options to the list of their values, and with ``numeric``
    a ``-5`` (as in ``head -5``) is stored under ``"#"``.
    """
    opts: dict[str, Any] = {}
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands.extend(args[i:])
            break
        if arg.startswith("--"):
            if arg.startswith("--color"):
                continue
            raise _Usage(f"{prog}: unrecognized option '{arg}'")
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        j = 1
        while j < len(arg):
            ch = arg[j]
            if numeric and ch.isdigit() and j == 1:
                opts["#"] = arg[1:]
                break
            if ch in valued:
                value = arg[j + 1 :]
                if not value:
                    if i >= len(args):
                        raise _Usage(f"{prog}: option requires an argument -- '{ch}'")
                    value = args[i]
                    i += 1
                opts.setdefault(ch, []).append(value)
                break
            if ch not in flags:
                raise _Usage(f"{prog}: invalid option -- '{ch}'")
            opts[ch] = True
            j += 1
    return opts, operands


def _split_lines(text: str) -> list[str]:
    """Lines without their newline; a missing final newline still ends a line."""
    if not text:
        return []
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def _lines_keep(text: str) -> list[str]:
    """Lines with their newline (the last one may have none)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


# The one-letter options of `set -e`, `sh -x`, `#!/bin/sh -e`, and their `set -o` names.
_SET_FLAGS = {"e": "errexit", "u": "nounset", "x": "xtrace"}
