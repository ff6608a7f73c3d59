"""What builtins and coreutils plug into.

Each one is a function ``fn(ctx, argv) -> status``, registered under its names with
:func:`_builtin` (part of the shell: ``cd``, ``export``, ``read``...) or :func:`_utility`
(a stand-in for a GNU program: ``cat``, ``grep``...). The two tables are consulted at
different points of bash's search order (see :mod:`.dispatch`). ``ctx``
(:class:`_Ctx`) gives the shell, standard input and ways to write.

Also the helpers many of them share: reading options (glibc's getopt, from
:mod:`netsim.user.getopt`), splitting text into lines, quoting names in messages.
"""

from __future__ import annotations

import errno
import importlib
import os
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from netsim.shell.errors import _Usage
from netsim.shell.redirect import _Input, _Output
from netsim.user.getopt import Getopt, GetoptError
from netsim.user.strtol import strtol

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


class _Ctx:
    """What a builtin gets: the shell, its standard input, and ways to write."""

    __slots__ = ("sh", "stdin")

    def __init__(self, sh: Shell, stdin: _Input) -> None:
        self.sh = sh
        self.stdin = stdin

    def out(self, text: str) -> None:
        self.sh._write(1, text)

    def out_lazy(self, chunks: Iterator[str]) -> None:
        """Standard output made as it is read (``seq``): a pipe passes the chunks on
        one at a time, any other output takes them all at once."""
        target = self.sh._fds.get(1)
        if isinstance(target, _Output):
            target.write_lazy(chunks)

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


# The coreutils' modules, by program: each module is imported when one of its programs is
# first looked up (a lab that never runs awk never loads its interpreter). Importing a
# module registers its programs over the placeholders below.
_UTILITY_MODULES: dict[str, tuple[str, ...]] = {
    "seq": ("seq",),
    "textutils": ("cat", "grep", "egrep", "fgrep", "head", "tail", "wc", "sort", "uniq", "cut",
                  "tr", "tee"),
    "awk": ("awk", "gawk", "mawk"),
    "fileutils": ("chmod", "touch", "mkdir", "rm", "rmdir", "ls", "readlink", "realpath", "ln"),
    "shellutils": ("sleep", "which", "sh", "bash", "dash", "env", "printenv", "basename",
                   "dirname"),
}


def _placeholder(module: str, name: str) -> _BuiltinFn:
    """``name`` until ``module`` is imported: imports it, then runs what it registered."""

    def load_and_run(ctx: _Ctx, argv: list[str]) -> int:
        importlib.import_module(f"netsim.shell.{module}")
        if _UTILITIES[name] is load_and_run:
            raise RuntimeError(f"netsim.shell.{module} does not register {name!r}")
        return _UTILITIES[name](ctx, argv)

    return load_and_run


for _module, _names in _UTILITY_MODULES.items():
    for _name in _names:
        _UTILITIES[_name] = _placeholder(_module, _name)


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
                lines = [str(e)] if str(e) else []  # empty: the errors were printed already
                if e.hint:
                    lines.append(f"Try '{prog} --help' for more information.")
                return ctx.fail("\n".join(lines), usage_status)

        for name in names:
            _UTILITIES[name] = run
        return run

    return register


def _getopts(prog: str, args: list[str], flags: str = "", valued: str = "",
             numeric: bool = False) -> tuple[dict[str, Any], list[str]]:
    """A coreutil's getopt_long() loop (:mod:`netsim.user.getopt`): ``-abc``, ``-n5`` or
    ``-n 5``, options after operands, ``--``, and glibc's messages as a :class:`_Usage`.

    Flags map to True, valued options to the list of their values. ``--color[=WHEN]``
    is accepted and ignored (by every tool here, so no abbreviations are read). With
    ``numeric`` a count typed as an option (``head -5``, ``tail -20``) is stored
    under ``"#"``: a word whose first letter is a digit is that count, whole. The
    letter of the last valued option given is under ``"@last"``.
    """
    digits = "".join(f"{d}::" for d in "0123456789") if numeric else ""
    shortopts = "".join(f"{c}:" for c in valued) + flags + digits
    scan = Getopt(prog, args, shortopts, {"color": "::"}, exact=True)
    opts: dict[str, Any] = {}
    try:
        for name, value in scan:
            letter = name[1:]
            if name == "--color":
                continue
            if numeric and letter.isdigit():
                word = scan.args[scan.optind - 1]  # the word it came from, as in C
                if word != f"-{letter}{value or ''}":  # a digit after other letters
                    raise GetoptError(prog, GetoptError.INVALID, letter, word)
                opts["#"] = word[1:]
            elif letter in valued:
                opts.setdefault(letter, []).append(value)
                opts["@last"] = letter  # which valued option came last (head -n 1 -c 2)
            else:
                opts[letter] = True
    except GetoptError as err:
        raise _Usage(str(err).rstrip("\n")) from None
    return opts, scan.operands


def _split_lines(text: str) -> list[str]:
    """Lines without their newline; a missing final newline still ends a line."""
    if not text:
        return []
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def _lines_keep(text: str) -> list[str]:
    """Lines with their newline (the last one may have none)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _legal_number(text: str) -> int | None:
    """bash's ``legal_number()``: ``strtoimax`` in base 10 (leading white space and a
    sign allowed), then only blanks; None for anything else, overflow included
    (``9223372036854775808``), whatever its length."""
    parsed = strtol(text, 10)
    if parsed is None or parsed.overflow or text[parsed.end:].strip(" \t"):
        return None
    return parsed.value


# The one-letter options of `set -e`, `sh -x`, `#!/bin/sh -e`, and their `set -o` names.
_SET_FLAGS = {"e": "errexit", "u": "nounset", "x": "xtrace"}
