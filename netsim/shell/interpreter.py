"""The :class:`Shell`: one terminal session, and the execution of its syntax trees.

``Shell.run(text)`` parses and runs one command line at a time. This module holds the
session's state (variables, functions, working directory, options), the child shells
made for ``( )``, pipes and ``$( )``, and the compound commands: lists, pipelines,
``if``, loops, ``case``, ``(( ))``, ``[[ ]]``. The rest of the class comes from mixins:
:mod:`.dispatch` runs simple commands, :mod:`.redirect` opens redirections and
:mod:`.expand` expands words.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from netsim.shell.ast import (
    AndOr,
    ArithCmd,
    ArithFor,
    Background,
    Case,
    CondCmd,
    For,
    FuncDef,
    Group,
    If,
    Loop,
    Node,
    Pipeline,
    Redirected,
    Sequence,
    Simple,
)
from netsim.shell.dispatch import _Dispatcher
from netsim.shell.encoding import canonical
from netsim.shell.errors import (
    _LIMIT_STATUS,
    _RECURSION_LIMIT,
    MAX_NESTING,
    MAX_STEPS,
    MAX_TEXT,
    ShellSyntaxError,
    _Break,
    _Continue,
    _debug,
    _Exit,
    _ExpansionError,
    _Interrupted,
    _LimitExceeded,
    _Return,
    _Runaway,
)
from netsim.shell.expand import _Expander
from netsim.shell.lexer import _Lexer
from netsim.shell.parser import _Parser
from netsim.shell.patterns import _compile_glob
from netsim.shell.redirect import (
    Fd,
    _FileOutput,
    _Input,
    _NullOutput,
    _Output,
    _PipeOutput,
    _Redirector,
    _TerminalOutput,
)
from netsim.user.fs import VirtualFS
from netsim.user.io import CommandFn, CommandResult, RunawayError

if TYPE_CHECKING:
    from netsim.user.terminal import Terminal


class _Budget:
    """Counters shared by a shell and all its subshells during one ``run``."""

    __slots__ = ("steps", "nesting", "func_depth", "active")

    def __init__(self) -> None:
        self.steps = 0
        self.nesting = 0
        self.func_depth = 0
        self.active = 0


class Shell(_Dispatcher, _Redirector, _Expander):
    """One shell session on one host: variables, functions, working directory.

    ``host`` is handed to every registered program and otherwise opaque (``sleep``
    calls ``host.sleep(seconds)`` and ``$$`` reads ``host.shell_pid`` when they exist).
    ``env`` gives the first exported variables; ``HOME``, ``PATH``, ``PWD``... are
    filled in when missing.

    Readable state: ``cwd``, ``vars`` (all variables), ``exported`` (their names),
    ``functions``, ``status`` (``$?``) and ``options`` (``set -e`` is ``"errexit"``...).
    """

    def __init__(self, host: Any, commands: Mapping[str, CommandFn], fs: VirtualFS,
                 env: dict[str, str] | None = None) -> None:
        self.host = host
        self.commands = commands
        self.fs = fs
        defaults = {
            "HOME": "/root", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "SHELL": "/bin/bash", "USER": "root", "LOGNAME": "root",
        }
        self.vars: dict[str, str] = {**defaults, **(env or {})}
        self.exported: set[str] = set(self.vars)
        start = self.vars.get("PWD") or self.vars["HOME"]
        self.cwd = fs.resolve(start) if fs.is_dir(start) else "/"
        self.vars["PWD"] = self.cwd
        self.exported.add("PWD")
        self.functions: dict[str, FuncDef] = {}
        self.positional: list[str] = []
        self.arg0 = "bash"
        self.status = 0
        self.options: set[str] = set()  # errexit, nounset, xtrace, pipefail
        self.exited: int | None = None  # `exit N` ended the last run: N (see run())
        self._script: str | None = None  # the file being run: messages say "FILE: line N:"
        self._lineno = 1
        self._budget = _Budget()
        self._fds: dict[int, Fd] = {0: _Input(), 1: _Output(), 2: _Output()}
        self._locals: list[dict[str, tuple[str | None, bool]]] = []
        self._loops = 0
        self._sourcing = 0
        self._quiet = 0  # > 0 inside if/while conditions and `a && b`: no errexit
        self._background = 0  # > 0 inside `cmd &`
        self._last_background: int | None = None  # $!: the PID of the last `cmd &`
        self._subst_status: int | None = None
        self._exec_outputs: list[_FileOutput] = []

    # ================================================================ public API
    def run(self, script: str, stdin: str = "", args: list[str] | None = None,
            terminal: Terminal | None = None) -> CommandResult:
        """Run shell text; return its output, errors and the last command's status.

        ``args`` runs it as a script file would: ``args[0]`` is ``$0`` (and the name in
        error messages), the rest are ``$1``, ``$2``... Never raises for any text, except
        that with the environment variable ``NETSIM_DEBUG`` set, a Python error inside
        a program is re-raised so a developer sees its traceback.

        With a ``terminal`` (an interactive session, :mod:`netsim.user.terminal`), what
        the text writes to standard output and error shows there as it is written, and
        the result's ``stdout`` and ``stderr`` are empty. After the run, :attr:`exited`
        is the status of an ``exit`` that ended this shell (None if none did): an
        interactive session ends there.
        """
        if terminal is not None:
            out, err = _TerminalOutput(terminal, 1), _TerminalOutput(terminal, 2)
        else:
            out, err = _Output(), _Output()
        saved = (self._fds, self.arg0, self.positional, self._script, self._exec_outputs)
        self._fds = {0: _Input(canonical(stdin)), 1: out, 2: err}
        self._exec_outputs = []
        if args:
            self.arg0, self.positional, self._script = args[0], list(args[1:]), args[0]
        budget = self._budget
        if budget.active == 0:
            budget.steps = budget.nesting = budget.func_depth = 0
            self.exited = None
        budget.active += 1
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
        try:
            label = None if args else "interactive"
            self.status = self._guarded(lambda: self._run_text(script, label))
            self._flush_exec_outputs()
        finally:
            budget.active -= 1
            sys.setrecursionlimit(old_limit)
            self._fds, self._exec_outputs = saved[0], saved[4]
            if args:
                self.arg0, self.positional, self._script = saved[1], saved[2], saved[3]
        # Text a program made from a file written by Python may hold a lone surrogate
        # that stands for no byte: what is handed back always encodes.
        return CommandResult(self.status, canonical(out.text()), canonical(err.text()))

    def run_file(self, path: str, args: list[str] | None = None, stdin: str = "") -> CommandResult:
        """Execute a file as the kernel would (``/etc/qemu-ifup tap0``).

        The file needs an execute bit and a ``#!`` line naming sh, bash or dash (or
        none, like bash's fallback); it runs in a child process, with ``$0`` = ``path``.
        """
        argv = [path, *(args or [])]
        return self.run('"$0" "$@"', stdin=stdin, args=argv)

    # ================================================================ top level
    def _guarded(self, fn: Callable[[], int]) -> int:
        """Turn every way out of a script into an exit status (and a message)."""
        try:
            return fn()
        except _Exit as e:
            if self._budget.active == 1:  # the shell itself exits, not a nested run
                self.exited = e.status
            return e.status
        except _ExpansionError as e:
            self._diag(str(e))
            return e.status
        except (_Runaway, RunawayError) as e:  # the simulation's guards, wherever they hit
            self._emergency(f"{e}\n")  # (Ctrl-C's Interrupted: status 130, a newline)
            return getattr(e, "status", _LIMIT_STATUS)
        except _Interrupted as e:
            self._emergency(f"{e}\n")
            return e.status
        except _LimitExceeded as e:
            self._emergency(f"bash: {e}\n")
            return _LIMIT_STATUS
        except (_Break, _Continue):
            return 0
        except _Return as e:
            return e.status
        except RecursionError:
            if _debug():
                raise
            self._emergency("bash: netsim: nesting too deep\n")
            return _LIMIT_STATUS
        except Exception as e:
            if _debug():
                raise
            self._emergency(f"bash: internal error: {type(e).__name__}: {e}\n")
            return 1

    def _emergency(self, text: str) -> None:
        """Write a last message even if the error stream is already over its limit."""
        target = self._fds.get(2)
        if isinstance(target, _Output):
            target.write_past_limit(text)

    def _run_text(self, text: str, label: str | None) -> int:
        """Parse and run text one complete command at a time, as bash reads a script.

        ``label`` picks the wording of syntax errors: ``interactive`` (a terminal:
        ``bash: syntax error near...``), ``-c`` (``bash: -c: line 1: ...``), ``eval``,
        or None for a file (``FILE: line 3: ...``).
        """
        # bash reads its input as bytes and skips NULs; a surrogate that stands for no
        # byte becomes the bytes bash would have read (see .encoding)
        text = canonical(text).replace("\0", "")
        lexer = _Lexer(text)
        parser = _Parser(lexer)
        while True:
            try:
                node = parser.parse_command_line()
            except ShellSyntaxError as e:
                self._warnings(lexer)
                self._syntax_error(e, text, label)
                self.status = 2
                return 2
            self._warnings(lexer)
            if node is None:
                return self.status
            self._execute(node)

    def _warnings(self, lexer: _Lexer) -> None:
        for warning in lexer.warnings:
            self._write(2, f"{self._prefix()}{warning}\n")
        lexer.warnings.clear()

    def _syntax_error(self, e: ShellSyntaxError, text: str, label: str | None) -> None:
        if label == "interactive":
            self._write(2, f"{self.arg0}: {e.message}\n")
            return
        if self._script and label is None:
            prefix = f"{self._script}: line {e.lineno}: "
        else:
            prefix = f"{self.arg0}: {label or '-c'}: line {e.lineno}: "
        self._write(2, f"{prefix}{e.message}\n")
        lines = text.split("\n")
        if e.show_line and 0 < e.lineno <= len(lines):
            self._write(2, f"{prefix}`{lines[e.lineno - 1]}'\n")

    # ================================================================ output helpers
    def _write(self, fd: int, text: str) -> None:
        target = self._fds.get(fd)
        if isinstance(target, _Output):
            target.write(text)

    def _prefix(self) -> str:
        if self._script:
            return f"{self._script}: line {self._lineno}: "
        return f"{self.arg0}: "

    def _diag(self, message: str) -> None:
        """A message from the shell itself: ``bash: cd: /x: No such file or directory``."""
        self._write(2, f"{self._prefix()}{message}\n")

    def _tick(self) -> None:
        self._budget.steps += 1
        if self._budget.steps > MAX_STEPS:
            raise _LimitExceeded(
                f"netsim: stopped after {MAX_STEPS} steps (is there an endless loop?)"
            )

    # ================================================================ variables
    def _lookup_var(self, name: str) -> str | None:
        """A variable or special parameter; None when unset."""
        if name in self.vars:
            return self.vars[name]
        if name.isascii() and name.isdigit():
            digits = name.lstrip("0")
            if not digits:  # $0, ${00}
                return self.arg0
            index = int(digits) if len(digits) <= 18 else 1 << 62  # ${99...9}: unset
            return self.positional[index - 1] if index <= len(self.positional) else None
        special = {
            "?": lambda: str(self.status),
            "#": lambda: str(len(self.positional)),
            "$": lambda: str(self._pid()),
            "-": lambda: "".join(f for f, o in (("e", "errexit"), ("u", "nounset"),
                                                ("x", "xtrace")) if o in self.options),
            "@": lambda: " ".join(self.positional) if self.positional else None,
            "*": lambda: " ".join(self.positional) if self.positional else None,
            "LINENO": lambda: str(self._lineno),
            "!": lambda: (str(self._last_background) if self._last_background is not None
                          else None),
            "UID": lambda: "0",
            "EUID": lambda: "0",
        }.get(name)
        return special() if special is not None else None

    def _pid(self) -> int:
        pid = getattr(self.host, "shell_pid", None)
        return pid if isinstance(pid, int) else 1

    def _assign(self, name: str, value: str, append: bool = False) -> None:
        if append:
            value = self.vars.get(name, "") + value
        if len(value) > MAX_TEXT:
            raise _LimitExceeded(f"netsim: variable {name} longer than {MAX_TEXT} characters")
        self.vars[name] = value

    def _unset(self, name: str) -> None:
        self.vars.pop(name, None)
        self.exported.discard(name)

    def _environment(self, assigns: list[tuple[str, str, bool]]) -> dict[str, str]:
        """What a program sees as its environment: exported variables + prefix ones."""
        env = {k: v for k, v in self.vars.items() if k in self.exported}
        for name, value, append in assigns:
            env[name] = env.get(name, "") + value if append else value
        return env

    def _with_temp_vars(self, assigns: list[tuple[str, str, bool]],
                        fn: Callable[[], int]) -> int:
        """``X=1 cmd``: X is set (and exported) for cmd only."""
        if not assigns:
            return fn()
        saved = {name: (self.vars.get(name), name in self.exported) for name, _, _ in assigns}
        for name, value, append in assigns:
            self._assign(name, value, append)
            self.exported.add(name)
        try:
            return fn()
        finally:
            self._restore(saved)

    def _restore(self, saved: dict[str, tuple[str | None, bool]]) -> None:
        for name, (value, exported) in saved.items():
            if value is None:
                self.vars.pop(name, None)
            else:
                self.vars[name] = value
            if exported:
                self.exported.add(name)
            else:
                self.exported.discard(name)

    def _set_cwd(self, path: str) -> None:
        self.vars["OLDPWD"] = self.cwd
        self.cwd = path
        self.vars["PWD"] = path

    # ================================================================ child shells
    def _subshell(self) -> Shell:
        """A copy of this shell, as ``fork`` makes for ``( )``, pipes and ``$( )``."""
        child = Shell.__new__(Shell)
        child.__dict__.update(self.__dict__)
        child.vars = dict(self.vars)
        child.exported = set(self.exported)
        child.functions = dict(self.functions)
        child.positional = list(self.positional)
        child.options = set(self.options)
        child._fds = dict(self._fds)
        child._locals = [dict(frame) for frame in self._locals]
        child._exec_outputs = []
        return child

    def _new_process(self, env: dict[str, str]) -> Shell:
        """A fresh shell process (``sh script``, ``./x.sh``): only the environment."""
        child = self._subshell()
        child.vars = dict(env)
        child.exported = set(env)
        child.functions = {}
        child.options = set()
        child._locals = []
        child._loops = 0
        child._sourcing = 0
        child._quiet = 0
        return child

    def _run_isolated(self, fn: Callable[[], int]) -> int:
        """Run ``fn`` in this (child) shell: ``exit`` and errors end only the child."""
        budget = self._budget
        budget.nesting += 1
        try:
            if budget.nesting > MAX_NESTING:
                raise _LimitExceeded(
                    f"netsim: more than {MAX_NESTING} nested shells (endless recursion?)"
                )
            try:
                return fn()
            except _Exit as e:
                return e.status
            except _ExpansionError as e:
                self._diag(str(e))
                return 1
            except _Return as e:
                return e.status
            except (_Break, _Continue):
                return 0
            finally:
                self._flush_exec_outputs()
        finally:
            budget.nesting -= 1

    def _flush_exec_outputs(self) -> None:
        outputs, self._exec_outputs = self._exec_outputs, []
        for out in outputs:
            self._flush(out, "exec")

    # ================================================================ execution
    def _execute(self, node: Node) -> int:
        status = _DISPATCH[type(node)](self, node)
        self.status = status
        return status

    def _exec_sequence(self, node: Sequence) -> int:
        status = 0
        for item in node.items:
            status = self._execute(item)
        return status

    def _exec_and_or(self, node: AndOr) -> int:
        status = self._quietly(node.first)
        for index, (op, pipeline) in enumerate(node.rest):
            if (op == "&&") != (status == 0):
                continue
            last = index == len(node.rest) - 1
            status = self._execute(pipeline) if last else self._quietly(pipeline)
        return status

    def _quietly(self, node: Node) -> int:
        """Run a command whose failure must not trigger ``set -e`` (a condition)."""
        self._quiet += 1
        try:
            return self._execute(node)
        finally:
            self._quiet -= 1

    def _exec_pipeline(self, node: Pipeline) -> int:
        if len(node.commands) == 1:
            run = self._quietly if node.negated else self._execute
            status = run(node.commands[0])
        else:
            status = self._run_pipe(node.commands)
        if node.negated:
            return 0 if status else 1
        if status and "errexit" in self.options and not self._quiet:
            raise _Exit(status)
        return status

    def _run_pipe(self, commands: list[Node]) -> int:
        """``a | b | c``: each in a subshell, one after the other, output -> input."""
        stdin = self._fds.get(0)
        if not isinstance(stdin, _Input):
            stdin = _Input()
        statuses = []
        for index, command in enumerate(commands):
            last = index == len(commands) - 1
            sink = self._fds.get(1, _NullOutput()) if last else _PipeOutput()
            child = self._subshell()
            child._fds[0] = stdin
            child._fds[1] = sink
            statuses.append(child._run_isolated(lambda c=child, n=command: c._execute(n)))
            if not last:
                stdin = sink.reader() if isinstance(sink, _PipeOutput) else _Input()
        if "pipefail" in self.options:
            return next((s for s in reversed(statuses) if s), 0)
        return statuses[-1]

    def _exec_background(self, node: Background) -> int:
        """``cmd &``: run to completion now (no job control), in a subshell as bash
        forks one, then status 0 as bash gives; a program that would never end
        (``sleep inf``) just returns."""
        table = getattr(self.host, "processes", None)
        before = table.last_pid if table is not None else 0
        child = self._subshell()
        child._background += 1
        child._quiet += 1
        child._run_isolated(lambda: child._execute(node.body))
        if table is not None:  # $!: the job's process -- still running, or already gone
            started = [pid for pid in table.procs if pid > before]
            self._last_background = min(started) if started else table.pid_of_gone_child()
        return 0

    def _exec_group(self, node: Group) -> int:
        if not node.subshell:
            return self._execute(node.body)
        child = self._subshell()
        return child._run_isolated(lambda: child._execute(node.body))

    def _exec_redirected(self, node: Redirected) -> int:
        return self._with_redirects(node.redirects, lambda: self._execute(node.body), "")

    def _exec_if(self, node: If) -> int:
        for cond, body in node.branches:
            if self._quietly(cond) == 0:
                return self._execute(body)
        return self._execute(node.orelse) if node.orelse is not None else 0

    def _loop_body(self, body: Node) -> tuple[bool, int]:
        """Run one round of a loop: (whether ``break`` ended the loop, the status)."""
        try:
            return False, self._execute(body)
        except _Break as e:
            if e.levels > 1:
                e.levels -= 1
                raise
            return True, e.status
        except _Continue as e:
            if e.levels > 1:
                e.levels -= 1
                raise
            return False, 0

    def _exec_loop(self, node: Loop) -> int:
        status = 0
        self._loops += 1
        try:
            while True:
                self._tick()
                if (self._quietly(node.cond) == 0) == node.until:
                    return status
                broke, status = self._loop_body(node.body)
                if broke:
                    return status
        finally:
            self._loops -= 1

    def _exec_for(self, node: For) -> int:
        items = self._expand_words(node.items) if node.items is not None else list(self.positional)
        status = 0
        self._loops += 1
        try:
            for item in items:
                self._tick()
                self._assign(node.var, item)
                broke, status = self._loop_body(node.body)
                if broke:
                    return status
            return status
        finally:
            self._loops -= 1

    def _exec_arith_for(self, node: ArithFor) -> int:
        status = 0
        self._loops += 1
        try:
            self._arith(node.init)
            while True:
                self._tick()
                if node.cond.raw.strip() and self._arith(node.cond) == 0:
                    return status
                broke, status = self._loop_body(node.body)
                if broke:
                    return status
                self._arith(node.step)
        finally:
            self._loops -= 1

    def _exec_case(self, node: Case) -> int:
        word = self._expand_str(node.word)
        for item in node.items:
            for pattern in item.patterns:
                if _compile_glob(self._segments(pattern)).fullmatch(word):
                    return self._execute(item.body) if item.body is not None else 0
        return 0

    def _exec_funcdef(self, node: FuncDef) -> int:
        self.functions[node.name] = node
        return 0

    def _exec_arith_cmd(self, node: ArithCmd) -> int:
        self._tick()
        self._lineno = node.lineno
        try:
            return 0 if self._arith(node.expr) else 1
        except _ExpansionError as e:
            if e.status != 1:
                raise
            self._diag(f"((: {e}")
            return 1

    def _exec_cond(self, node: CondCmd) -> int:
        self._tick()
        self._lineno = node.lineno
        from netsim.shell.conditions import _cond_eval, _cond_parse, _TestError  # [[ ]]: on use

        try:
            tree, end = _cond_parse(node.items, 0)
            if end != len(node.items):
                raise _TestError("syntax error in conditional expression")
            return 0 if _cond_eval(self, tree) else 1
        except _TestError as e:
            self._diag(str(e))
            return 2


_DISPATCH: dict[type, Callable[[Shell, Any], int]] = {
    Simple: Shell._exec_simple, Pipeline: Shell._exec_pipeline, AndOr: Shell._exec_and_or,
    Background: Shell._exec_background,
    Sequence: Shell._exec_sequence, Group: Shell._exec_group, Redirected: Shell._exec_redirected,
    If: Shell._exec_if, Loop: Shell._exec_loop, For: Shell._exec_for,
    ArithFor: Shell._exec_arith_for, Case: Shell._exec_case, FuncDef: Shell._exec_funcdef,
    ArithCmd: Shell._exec_arith_cmd, CondCmd: Shell._exec_cond,
}
