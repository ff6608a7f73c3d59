"""Simple commands: from a parsed ``Simple`` node to a program running.

Expand the words and the ``NAME=value`` prefixes, print the ``set -x`` trace, open the
redirections, then find what the first word names, in bash's order: a shell
function, a builtin, a path with a slash, a registered netsim program (``ip``,
``bridge``...), a coreutil written in this package, an executable file in ``$PATH``.

:class:`_Dispatcher` is mixed into :class:`~netsim.shell.interpreter.Shell`.
"""

from __future__ import annotations

import errno
import os
from typing import Any

from netsim.shell.ast import Simple, Word
from netsim.shell.encoding import looks_binary
from netsim.shell.errors import (
    _LIMIT_STATUS,
    MAX_FUNC_DEPTH,
    _debug,
    _Exit,
    _RedirError,
    _Return,
    _Runaway,
    _Unwind,
)
from netsim.shell.parser import _assignment
from netsim.shell.plumbing import (
    _BUILTINS,
    _PROGRAM_BUILTINS,
    _SET_FLAGS,
    _UTILITIES,
    _BuiltinFn,
    _Ctx,
    _shell_quote,
)
from netsim.shell.redirect import _FileOutput, _Input, _NetOutput, _Output, _TerminalOutput
from netsim.user.io import CommandFn, Io, RunawayError

# Where `which` says a program lives: the network tools are in /usr/sbin on Debian.
_SBIN = frozenset({
    "ip", "bridge", "brctl", "sysctl", "tcpdump", "iptables", "ip6tables", "nft", "tc",
    "ethtool", "arp", "route", "ifconfig", "modprobe", "tunctl", "dnsmasq",
})

# Directories where a path names the standard program: `/usr/sbin/ip` is `ip`.
_BIN_DIRS = frozenset({"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin",
                       "/usr/local/sbin"})


def _status_of(value: object) -> int:
    """A program's return value as an exit status 0..255 (None counts as success)."""
    if value is None:
        return 0
    try:
        return int(value) & 0xFF  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 1


class _Dispatcher:
    """Simple commands, from words to a running program: part of :class:`Shell`.

    A mixin: it uses the shell's variables, functions, descriptors and file system.
    """

    def _exec_simple(self, node: Simple) -> int:
        self._tick()
        self._lineno = node.lineno
        self._subst_status = None
        argv = self._expand_args(node.words)
        assigns = [(name, self._expand_str(word), append) for name, word, append in node.assigns]
        if not argv:
            if assigns and "xtrace" in self.options:
                shown = [f"{n}{'+' if a else ''}={v}" for n, v, a in assigns]
                self._write(2, "+ " + " ".join(_shell_quote(s) for s in shown) + "\n")
            for name, value, append in assigns:
                self._assign(name, value, append)
            status = self._subst_status or 0
            return self._with_redirects(node.redirects, lambda: status, "")
        if "xtrace" in self.options:
            shown = [f"{n}{'+' if a else ''}={v}" for n, v, a in assigns] + argv
            self._write(2, "+ " + " ".join(_shell_quote(s) for s in shown) + "\n")
        if argv[0] == "exec":
            return self._exec_builtin(node, argv, assigns)
        return self._with_redirects(node.redirects, lambda: self._dispatch(argv, assigns), argv[0])

    def _expand_args(self, words: list[Word]) -> list[str]:
        """Expand a command's words; ``export X=$v`` keeps ``$v`` whole, like bash."""
        if words and words[0].plain() in ("export", "local", "declare", "readonly", "typeset"):
            argv = [words[0].plain() or ""]
            for word in words[1:]:
                assign = _assignment(word)
                if assign is None:
                    argv.extend(self._expand_word(word))
                else:
                    name, value, append = assign
                    argv.append(f"{name}{'+' if append else ''}={self._expand_str(value)}")
            return argv
        return self._expand_words(words)

    def _exec_builtin(self, node: Simple, argv: list[str],
                      assigns: list[tuple[str, str, bool]]) -> int:
        """``exec >log 2>&1`` redirects the shell itself; ``exec cmd`` ends with cmd."""
        if len(argv) > 1:
            status = self._with_redirects(
                node.redirects, lambda: self._dispatch(argv[1:], assigns), argv[1]
            )
            raise _Exit(status)
        opened: list[_Output] = []
        try:
            for redirect in node.redirects:
                self._open_redirect(redirect, self._fds, opened)
        except _RedirError as e:
            self._diag(str(e))
            return 1
        self._exec_outputs.extend(o for o in opened if isinstance(o, _FileOutput | _NetOutput))
        return 0

    def _dispatch(self, argv: list[str], assigns: list[tuple[str, str, bool]],
                  functions: bool = True) -> int:
        """Find what ``argv[0]`` names and run it: function, builtin, program, file."""
        name = argv[0]
        if functions and name in self.functions:
            return self._with_temp_vars(assigns, lambda: self._call_function(name, argv))
        builtin = _BUILTINS.get(name)
        if builtin is not None:
            return self._with_temp_vars(assigns, lambda: self._run_builtin(builtin, argv))
        if "/" in name:
            return self._exec_path(argv, assigns)
        program = self._registered(name)
        if program is not None:
            return self._run_program(program, argv, self._environment(assigns))
        utility = _UTILITIES.get(name)
        if utility is not None:
            return self._with_temp_vars(assigns, lambda: self._run_builtin(utility, argv))
        found = self._path_search(name)
        if found is not None:
            return self._exec_file(found, argv, self._environment(assigns))
        self._diag(f"{name}: command not found")
        return 127

    def command_names(self) -> list[str]:
        """Every name this shell runs as a command without a path: its functions and
        builtins, the command table's programs and the coreutils (what Tab completes
        first at an interactive prompt)."""
        return sorted({*self.functions, *_BUILTINS, *self.commands, *_UTILITIES})

    def _registered(self, name: str) -> CommandFn | None:
        try:
            return self.commands[name]
        except KeyError:
            return None
        except Exception as error:  # e.g. the program's module fails to import
            if _debug():
                raise
            failure = error  # `error` itself is unbound when the except block ends

            def broken(host: Any, argv: list[str], io: Io) -> int:
                raise failure

            return broken

    def _path_search(self, name: str) -> str | None:
        """An executable file called ``name`` in a ``$PATH`` directory of the host."""
        for directory in self.vars.get("PATH", "").split(":"):
            if not directory:
                continue
            path = self.fs.resolve(name, directory)
            if self.fs.is_file(path) and self.fs.mode(path) & 0o111:
                return path
        return None

    def _program_path(self, name: str) -> str | None:
        """Where ``which`` says a program is, or None when there is no such program."""
        if "/" not in name and (
            self._registered(name) is not None or name in _UTILITIES or name in _PROGRAM_BUILTINS
        ):
            return ("/usr/sbin/" if name in _SBIN else "/usr/bin/") + name
        return self._path_search(name) if "/" not in name else None

    def _exec_path(self, argv: list[str], assigns: list[tuple[str, str, bool]]) -> int:
        """A command with a slash: ``./x.sh``, ``/etc/qemu-ifup``, ``/usr/sbin/ip``."""
        name = argv[0]
        directory, _, base = name.rpartition("/")
        env = self._environment(assigns)
        standard = self.fs.resolve(directory or "/") in _BIN_DIRS
        program = self._registered(base) if base else None
        if program is not None and standard:
            return self._run_program(program, argv, env)
        path = self.fs.resolve(name, self.cwd)
        kind = self.fs.kind(path)
        if kind is None:
            fallback = _UTILITIES.get(base) or (_BUILTINS.get(base) if base in
                                                _PROGRAM_BUILTINS else None)
            if standard and fallback is not None:
                return self._with_temp_vars(assigns, lambda: self._run_builtin(fallback, argv))
            self._diag(f"{name}: No such file or directory")
            return 127
        if kind == "dir":
            self._diag(f"{name}: Is a directory")
            return 126
        if not self.fs.mode(path) & 0o111:
            self._diag(f"{name}: Permission denied")
            return 126
        return self._exec_file(path, argv, env)

    def _exec_file(self, path: str, argv: list[str], env: dict[str, str]) -> int:
        """Run a shell script file in a new process, honouring its ``#!`` line."""
        try:
            text = self.fs.read(path)
        except OSError as e:
            self._diag(f"{argv[0]}: {os.strerror(e.errno or errno.EIO)}")
            return 126
        options: set[str] = set()
        if looks_binary(text):
            if text.startswith("#!"):  # the interpreter, bash, refuses it
                self._write(2, f"{argv[0]}: {argv[0]}: cannot execute binary file\n")
            else:  # execve() refused it, and so does bash
                self._diag(f"{argv[0]}: cannot execute binary file: Exec format error")
            return 126
        if text.startswith("#!"):
            words = text.split("\n", 1)[0][2:].split()
            interpreter = words[0] if words else ""
            program = interpreter.rsplit("/", 1)[-1]
            rest = words[1:]
            if program == "env" and rest:
                program, rest = rest[0].rsplit("/", 1)[-1], rest[1:]
            if program not in ("sh", "bash", "dash"):
                self._diag(f"{argv[0]}: {interpreter}: bad interpreter: No such file or directory")
                return 126
            for flag in "".join(w[1:] for w in rest if w.startswith("-")):
                if flag in _SET_FLAGS:
                    options.add(_SET_FLAGS[flag])
        child = self._new_process(env)
        child.arg0, child.positional, child._script = argv[0], list(argv[1:]), argv[0]
        child.options = options
        return child._run_isolated(lambda: child._run_text(text, None))

    def _call_function(self, name: str, argv: list[str]) -> int:
        budget = self._budget
        if budget.func_depth >= MAX_FUNC_DEPTH:
            self._diag(f"{name}: maximum function nesting level exceeded ({MAX_FUNC_DEPTH})")
            return 1
        budget.func_depth += 1
        saved = (self.positional, self._loops)
        self.positional, self._loops = list(argv[1:]), 0
        self._locals.append({})
        try:
            return self._execute(self.functions[name].body)
        except _Return as e:
            return e.status
        finally:
            self._restore(self._locals.pop())
            self.positional, self._loops = saved
            budget.func_depth -= 1

    def _run_builtin(self, fn: _BuiltinFn, argv: list[str]) -> int:
        stdin = self._fds.get(0)
        ctx = _Ctx(self, stdin if isinstance(stdin, _Input) else _Input())
        try:
            status = fn(ctx, argv)
            error = self._write_error()
            if error is not None:  # bash's builtins check ferror(stdout) as they end
                self._diag(f"{argv[0]}: write error: {os.strerror(error.errno or errno.EIO)}")
                return 1
            return status
        except _Unwind:
            raise
        except RunawayError as e:
            raise _Runaway(str(e), getattr(e, "status", _LIMIT_STATUS)) from None
        except Exception as e:
            if _debug():
                raise
            self._diag(f"{argv[0]}: internal error: {type(e).__name__}: {e}")
            return 1

    def _run_program(self, program: CommandFn, argv: list[str], env: dict[str, str]) -> int:
        """Call a registered program with a fresh :class:`Io`, then route its output."""
        stdin = self._fds.get(0)
        io = Io(stdin=stdin.peek_all() if isinstance(stdin, _Input) else "", cwd=self.cwd,
                env=env)
        out, err = self._fds.get(1), self._fds.get(2)
        if isinstance(out, _TerminalOutput) and not self._background:
            # at a terminal: the program's writes show as they happen (ping's replies)
            io.terminal = out.terminal
            io._out = out
            if isinstance(err, _TerminalOutput):
                io._err = err
        try:
            status = program(self.host, list(argv), io)
        except RunawayError as e:  # what it printed so far, then the guard's word
            self._pass_on(io, out, err)
            raise _Runaway(str(e), getattr(e, "status", _LIMIT_STATUS)) from None
        except Exception as e:
            if _debug():
                raise
            self._pass_on(io, out, err)
            self._diag(f"{argv[0]}: internal error: {type(e).__name__}: {e}")
            return 1
        self._pass_on(io, out, err)
        error = self._write_error()
        if error is not None:  # the program's own write() failed (a socket's peer said no)
            self._write(2, f"{argv[0]}: write error: {os.strerror(error.errno or errno.EIO)}\n")
            return 1
        return _status_of(status)

    def _write_error(self) -> OSError | None:
        """A failed write on standard output, when it is a socket (``/dev/udp/...``)."""
        out = self._fds.get(1)
        return out.take_error() if isinstance(out, _NetOutput) else None

    def _pass_on(self, io: Io, out: Any, err: Any) -> None:
        """A program's output to the command's descriptors, unless it went there as it
        was written (a terminal's)."""
        if io._out is not out:
            self._write(1, io.stdout)
        if io._err is not err:
            self._write(2, io.stderr)
