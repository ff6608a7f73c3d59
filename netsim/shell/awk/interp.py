"""Running: a parsed program against its input (:class:`_Runner`).

The runner holds the program's variables, the current record and its fields, and the
files and pipes it has opened. It walks the tree: ``_e_*`` methods evaluate
expressions, ``_x_*`` methods execute statements, both picked from tables built once
from :data:`_NODE_TYPES`. Fields are split lazily from ``$0`` and ``$0`` is rebuilt
from ``OFS`` only when a field changed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from netsim.shell.awk.ast import (
    _NODE_TYPES,
    _Arith,
    _Assign,
    _Block,
    _Builtin,
    _Call,
    _Compare,
    _Concat,
    _Cond,
    _Delete,
    _Do,
    _Exit,
    _Expr,
    _ExprStmt,
    _Field,
    _For,
    _ForIn,
    _Getline,
    _If,
    _In,
    _IncDec,
    _Index,
    _Jumper,
    _Logic,
    _LValue,
    _Match,
    _Not,
    _Num,
    _Print,
    _Program,
    _Regex,
    _Return,
    _Rule,
    _Stmt,
    _Str,
    _Unary,
    _Var,
    _While,
)
from netsim.shell.awk.builtins import _BUILTIN_IMPLS
from netsim.shell.awk.errors import (
    _AwkRuntimeError,
    _BreakLoop,
    _ContinueLoop,
    _ExitProgram,
    _NextFile,
    _NextRecord,
    _ReturnValue,
)
from netsim.shell.awk.lexer import _unescape
from netsim.shell.awk.printf import _format
from netsim.shell.awk.records import _dynamic_regex, _split_text, _Stream
from netsim.shell.awk.values import (
    _MAX_CALL_DEPTH,
    _MAX_FIELDS,
    _MAX_STRING,
    _UNINIT,
    _arithmetic,
    _Array,
    _Cell,
    _is_numeric,
    _num,
    _number_text,
    _Pending,
    _Scope,
    _store,
    _Strnum,
    _trunc,
    _truth,
    _Value,
)
from netsim.shell.errors import MAX_TEXT, _LimitExceeded
from netsim.shell.plumbing import _Ctx
from netsim.shell.redirect import _Input, _Output


class _Runner:
    """A running program: its variables, the current record, open files and pipes.

    Each expression node type has an ``_e_`` method and each statement an ``_x_``
    method; :meth:`eval` and :meth:`execute` pick them from tables built once.
    """

    def __init__(self, ctx: _Ctx, program: _Program, prog: str, operands: list[str]) -> None:
        self.ctx = ctx
        self.program = program
        self.prog = prog
        environ: _Array = {name: _Strnum(value)
                           for name, value in ctx.sh._environment([]).items()}
        argv: _Array = {str(i): _Strnum(arg) for i, arg in enumerate([prog, *operands])}
        self.globals: dict[str, _Cell] = {
            "FS": " ", "OFS": " ", "ORS": "\n", "RS": "\n", "NR": 0.0, "FNR": 0.0,
            "FILENAME": "", "SUBSEP": "\034", "CONVFMT": "%.6g", "OFMT": "%.6g",
            "RSTART": 0.0, "RLENGTH": -1.0, "ENVIRON": environ, "ARGV": argv,
            "ARGC": float(len(argv)),
        }
        self.frame: list[_Cell] = []  # the parameters of the function running now
        self.depth = 0
        self.record = ""  # $0, valid unless `stale`
        self.fields: list[str] = []  # $1..$NF, each a _Strnum
        self.stale = False  # a field changed: $0 must be rebuilt from the fields with OFS
        self.main: _Stream | None = None  # the input file being read
        self.arg_index = 1  # the next ARGV element to open
        self.read_any = False  # some file operand was opened (else read standard input)
        self.inputs: dict[str, _Stream] = {}  # getline < file, cmd | getline
        self.written: set[str] = set()  # files written since opened: append, not truncate
        self.pipes: dict[str, list[str]] = {}  # print | cmd: text to run cmd on at close
        self.redirected = 0  # characters printed to files and pipes
        self.ranges = [False] * len(program.rules)
        self.random = random.Random(0)
        self.seed = 0.0
        self.status = 0
        self._evals: dict[type, Callable[[_Runner, object], _Value]] = {}
        self._execs: dict[type, Callable[[_Runner, object], None]] = {}
        for name in dir(type(self)):
            if name.startswith(("_e_", "_x_")):
                table = self._evals if name.startswith("_e_") else self._execs
                table[_NODE_TYPES[name[3:]]] = getattr(type(self), name)

    # ---------------------------------------------------------------- whole program
    def run(self) -> int:
        rules = self.program.rules
        exit_status: int | None = None
        try:
            try:
                for rule in rules:
                    if rule.kind == "BEGIN" and rule.action is not None:
                        self.action(rule.action)
                if any(rule.kind != "BEGIN" for rule in rules):
                    self.main_loop()
            except _ExitProgram as e:  # END rules still run after an exit elsewhere
                exit_status = e.status
            try:
                for rule in rules:
                    if rule.kind == "END" and rule.action is not None:
                        self.action(rule.action)
            except _ExitProgram as e:
                exit_status = e.status if e.status is not None else exit_status
            self.close_all()
        except _AwkRuntimeError as e:
            self.ctx.err(f"{self.prog}: run time error: {e}\n"
                         f"\tFILENAME=\"{self.to_str(self.scalar('FILENAME'))}\" "
                         f"FNR={self.to_str(self.scalar('FNR'))} "
                         f"NR={self.to_str(self.scalar('NR'))}\n")
            return 2
        except RecursionError:
            self.ctx.err(f"{self.prog}: run time error: nesting too deep\n")
            return 2
        return exit_status if exit_status is not None else self.status

    def action(self, block: _Block) -> None:
        try:
            self._x_block(block)
        except _NextRecord:
            raise _AwkRuntimeError("improper use of next") from None
        except _NextFile:
            raise _AwkRuntimeError("improper use of nextfile") from None

    def main_loop(self) -> None:
        rules = [(index, rule) for index, rule in enumerate(self.program.rules)
                 if rule.kind == "main"]
        while True:
            record = self.read_main()
            if record is None:
                return
            self.set_record(record)
            try:
                for index, rule in rules:
                    if not self.matches(index, rule):
                        continue
                    if rule.action is None:
                        self.ctx.out(self.get_record() + self.to_str(self.scalar("ORS")))
                    else:
                        self._x_block(rule.action)
            except _NextRecord:
                continue
            except _NextFile:
                self.main = None

    def matches(self, index: int, rule: _Rule) -> bool:
        """Does the record match the rule's pattern (or fall inside its range)?"""
        if rule.pattern is None:
            return True
        if rule.end is None:
            return _truth(self.eval(rule.pattern))
        if not self.ranges[index]:
            if not _truth(self.eval(rule.pattern)):
                return False
            self.ranges[index] = True
        if _truth(self.eval(rule.end)):  # checked on the opening record too
            self.ranges[index] = False
        return True

    def tick(self) -> None:
        """One loop round or call: counts against the shell's step limit."""
        self.ctx.sh._tick()

    # ---------------------------------------------------------------- input
    def read_main(self) -> str | None:
        """The next record of the main input (the ARGV files, or standard input)."""
        while True:
            if self.main is None and not self.open_next():
                return None
            assert self.main is not None
            record = self.main.read(self.to_str(self.scalar("RS")))
            if record is not None:
                self.globals["NR"] = _num(self.scalar("NR")) + 1.0
                self.globals["FNR"] = _num(self.scalar("FNR")) + 1.0
                return record
            self.main = None

    def open_next(self) -> bool:
        """Open the next input named in ARGV (a program may change ARGV in BEGIN).

        ``var=value`` operands are assignments made when reached; without any file
        operand, standard input is read.
        """
        argv = self.array(_Var("ARGV", None))
        while self.arg_index < _num(self.scalar("ARGC")):
            arg = self.to_str(argv.get(str(self.arg_index), ""))
            self.arg_index += 1
            if not arg:
                continue
            assignment = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", arg, re.DOTALL)
            if assignment:
                self.assign_var(assignment.group(1), _Strnum(_unescape(assignment.group(2))))
                continue
            self.read_any = True
            text = self.ctx.read_input(arg, self.prog, style="open")
            if text is None:
                self.status = 2
                continue
            self.start_file(arg, text)
            return True
        if self.read_any:
            return False
        self.read_any = True
        self.start_file("-", self.ctx.stdin.read_all())  # mawk and gawk both say "-"
        return True

    def start_file(self, name: str, text: str) -> None:
        self.main = _Stream(text)
        self.globals["FILENAME"] = name
        self.globals["FNR"] = 0.0

    def input_stream(self, name: str, command: bool) -> _Stream | None:
        """The stream of ``getline < name`` or ``name | getline``, opened on first use."""
        key = ("|" if command else "<") + name
        stream = self.inputs.get(key)
        if stream is None:
            if command:
                _status, text = self.run_command(name, "", capture=True)
            elif name in ("-", "/dev/stdin"):
                text = self.ctx.stdin.read_all()
            else:
                try:
                    text = self.ctx.sh.fs.read(self.ctx.path(name))
                except OSError:
                    return None
            stream = self.inputs[key] = _Stream(text)
        return stream

    def run_command(self, command: str, stdin: str, capture: bool) -> tuple[int, str]:
        """Run ``command`` as ``sh -c`` would, on the host's shell, in a new process.

        Its output goes to awk's standard output, or is returned when ``capture``.
        """
        sh = self.ctx.sh
        child = sh._new_process(sh._environment([]))
        child.arg0 = "sh"
        out = _Output()
        stdout = sh._fds.get(1)
        stderr = sh._fds.get(2)
        child._fds = {0: _Input(stdin), 1: out if capture or stdout is None else stdout,
                      2: stderr if stderr is not None else _Output()}
        status = child._run_isolated(lambda: child._run_text(command, "-c"))
        return status, out.text()

    # ---------------------------------------------------------------- output
    def emit(self, text: str, redirect: str | None, dest: _Expr | None) -> None:
        if redirect is None or dest is None:
            self.ctx.out(text)
            return
        name = self.to_str(self.eval(dest))
        # standard output has its own limit; this one is for files and pipes
        self.redirected += len(text)
        if self.redirected > MAX_TEXT:
            raise _LimitExceeded(f"netsim: awk output longer than {MAX_TEXT} characters")
        if redirect == "|":
            self.pipes.setdefault(name, []).append(text)
            return
        if name in ("/dev/stdout", "-"):
            self.ctx.out(text)
            return
        if name == "/dev/stderr":
            self.ctx.err(text)
            return
        # `>` truncates when the file is opened -- once; later prints append to it
        append = redirect == ">>" or name in self.written
        try:
            self.ctx.sh.fs.write(self.ctx.path(name), text, append=append)
        except OSError:
            raise _AwkRuntimeError(f'cannot open "{name}" for output') from None
        self.written.add(name)

    def close(self, name: str) -> float:
        """``close(name)``: a pipe's command runs now; returns its status, or -1."""
        result = -1.0
        if name in self.pipes:
            text = "".join(self.pipes.pop(name))
            result = float(self.run_command(name, text, capture=False)[0])
        if name in self.written:
            self.written.discard(name)
            result = 0.0
        for key in ("<" + name, "|" + name):
            if self.inputs.pop(key, None) is not None:
                result = 0.0
        return result

    def close_all(self) -> None:
        for name in list(self.pipes):
            self.close(name)

    # ---------------------------------------------------------------- records and fields
    def set_record(self, text: str) -> None:
        """A new ``$0``: split into fields with the current FS."""
        self.record = text
        fs = self.to_str(self.scalar("FS"))
        parts = _split_text(text, fs)
        if self.scalar("RS") == "" and fs != " ":  # paragraph mode: newline separates too
            parts = [piece for part in parts for piece in part.split("\n")]
        self.fields = [_Strnum(part) for part in parts]
        self.stale = False

    def get_record(self) -> str:
        if self.stale:
            ofs = self.to_str(self.scalar("OFS"))
            if sum(map(len, self.fields)) + len(ofs) * len(self.fields) > _MAX_STRING:
                raise _LimitExceeded(f"netsim: awk record longer than {_MAX_STRING} characters")
            self.record = ofs.join(self.fields)
            self.stale = False
        return self.record

    def field_index(self, node: _Expr) -> int:
        value = _num(self.eval(node))
        if value != value or value < 0:
            raise _AwkRuntimeError(f"negative field index ${self.to_str(value)}")
        index = _trunc(value)
        if index > _MAX_FIELDS:
            raise _AwkRuntimeError(f"${index}: netsim's awk allows {_MAX_FIELDS} fields")
        return index

    def get_field(self, index: int) -> _Value:
        if index == 0:
            return _Strnum(self.get_record())
        return self.fields[index - 1] if index <= len(self.fields) else ""

    def set_field(self, index: int, value: _Value) -> None:
        if index == 0:
            self.set_record(self.to_str(value))
            return
        if index > len(self.fields):
            self.fields.extend(_Strnum("") for _ in range(index - len(self.fields)))
        self.fields[index - 1] = _Strnum(self.to_str(value))
        self.stale = True

    def set_nf(self, value: _Value) -> None:
        """``NF = n`` drops or adds fields, and ``$0`` is rebuilt from them."""
        count = _num(value)
        if count != count or count < 0 or count > _MAX_FIELDS:
            raise _AwkRuntimeError(f"NF set to {self.to_str(count)}")
        count = float(_trunc(count))
        del self.fields[int(count):]
        self.fields.extend(_Strnum("") for _ in range(int(count) - len(self.fields)))
        self.stale = True

    # ---------------------------------------------------------------- variables
    def scalar(self, name: str) -> _Value:
        """A special variable's value (FS, NR...), as a scalar."""
        value = self.globals.get(name, _UNINIT)
        return value if isinstance(value, (float, str)) else _UNINIT

    def to_str(self, value: _Value) -> str:
        if isinstance(value, str):
            return value
        fmt = self.globals.get("CONVFMT")
        return _number_text(value, fmt if isinstance(fmt, str) else "%.6g")

    def output_str(self, value: _Value) -> str:
        """A value as ``print`` shows it: numbers through OFMT, not CONVFMT."""
        if isinstance(value, str):
            return value
        fmt = self.globals.get("OFMT")
        return _number_text(value, fmt if isinstance(fmt, str) else "%.6g")

    def key(self, subscripts: list[_Expr]) -> str:
        """An array subscript: numbers as text, several joined with SUBSEP."""
        if len(subscripts) == 1:
            return str(self.to_str(self.eval(subscripts[0])))  # str(): a plain key, not a _Strnum
        sep = self.to_str(self.scalar("SUBSEP"))
        return sep.join(self.to_str(self.eval(s)) for s in subscripts)

    def cell(self, var: _Var) -> tuple[_Scope, str | int, _Cell | None]:
        """Where a variable lives (its scope and key there) and what it holds."""
        if var.slot is not None:
            return self.frame, var.slot, self.frame[var.slot]
        return self.globals, var.name, self.globals.get(var.name)

    def get_var(self, var: _Var) -> _Value:
        if var.slot is None and var.name == "NF":
            return float(len(self.fields))
        _scope, _key, value = self.cell(var)
        if isinstance(value, dict):
            raise _AwkRuntimeError(f"can't use array {var.name} in scalar context")
        if value is None or isinstance(value, _Pending):
            return _UNINIT
        return value

    def assign_var(self, name: str, value: _Value) -> None:
        self.set_var(_Var(name, None), value)

    def set_var(self, var: _Var, value: _Value) -> None:
        if var.slot is None and var.name == "NF":
            self.set_nf(value)
            return
        scope, key, current = self.cell(var)
        if isinstance(current, dict):
            raise _AwkRuntimeError(f"can't assign to array {var.name}")
        _store(scope, key, value)

    def array(self, var: _Var) -> _Array:
        """The array a name refers to, created on first use."""
        scope, key, current = self.cell(var)
        if isinstance(current, dict):
            return current
        if isinstance(current, _Pending):
            array = current.materialize()
        elif current is None or current is _UNINIT:
            if var.slot is None and var.name == "NF":
                raise _AwkRuntimeError("can't use NF as an array")
            array = {}
        else:
            raise _AwkRuntimeError(f"can't use scalar {var.name} as array")
        _store(scope, key, array)
        return array

    def set(self, target: _LValue, value: _Value) -> None:
        if isinstance(target, _Var):
            self.set_var(target, value)
        elif isinstance(target, _Field):
            self.set_field(self.field_index(target.index), value)
        else:
            self.array(target.array)[self.key(target.subscripts)] = value

    def regex(self, node: _Expr) -> re.Pattern[str]:
        """The regex an argument stands for: a literal itself, anything else as text."""
        if isinstance(node, _Regex):
            return node.pattern
        return _dynamic_regex(self.to_str(self.eval(node)))

    # ---------------------------------------------------------------- evaluation
    def eval(self, node: _Expr) -> _Value:
        return self._evals[type(node)](self, node)

    def execute(self, node: _Stmt) -> None:
        self._execs[type(node)](self, node)

    def _e_num(self, node: _Num) -> _Value:
        return node.value

    def _e_str(self, node: _Str) -> _Value:
        return node.value

    def _e_regex(self, node: _Regex) -> _Value:
        return 1.0 if node.pattern.search(self.get_record()) else 0.0

    def _e_var(self, node: _Var) -> _Value:
        return self.get_var(node)

    def _e_field(self, node: _Field) -> _Value:
        return self.get_field(self.field_index(node.index))

    def _e_index(self, node: _Index) -> _Value:
        array = self.array(node.array)
        key = self.key(node.subscripts)
        value = array.get(key)
        if value is None:  # merely mentioning a[k] creates it
            value = array[key] = _UNINIT
        return value

    def _e_assign(self, node: _Assign) -> _Value:
        if node.op == "=":
            value = self.eval(node.value)
        else:
            right = _num(self.eval(node.value))
            value = _arithmetic(node.op, _num(self.eval(node.target)), right)
        self.set(node.target, value)
        return value

    def _e_cond(self, node: _Cond) -> _Value:
        return self.eval(node.yes) if _truth(self.eval(node.test)) else self.eval(node.no)

    def _e_logic(self, node: _Logic) -> _Value:
        left = _truth(self.eval(node.left))
        if node.op == "&&":
            return 1.0 if left and _truth(self.eval(node.right)) else 0.0
        return 1.0 if left or _truth(self.eval(node.right)) else 0.0

    def _e_not(self, node: _Not) -> _Value:
        return 0.0 if _truth(self.eval(node.operand)) else 1.0

    def _e_unary(self, node: _Unary) -> _Value:
        value = _num(self.eval(node.operand))
        return -value if node.op == "-" else value

    def _e_arith(self, node: _Arith) -> _Value:
        left = _num(self.eval(node.left))
        return _arithmetic(node.op, left, _num(self.eval(node.right)))

    def _e_compare(self, node: _Compare) -> _Value:
        left, right = self.eval(node.left), self.eval(node.right)
        a: float | str
        b: float | str
        if _is_numeric(left) and _is_numeric(right):
            a, b = _num(left), _num(right)
        else:
            a, b = self.to_str(left), self.to_str(right)
        op = node.op
        result = (a < b if op == "<" else a <= b if op == "<=" else a == b if op == "=="
                  else a != b if op == "!=" else a > b if op == ">" else a >= b)
        return 1.0 if result else 0.0

    def _e_match(self, node: _Match) -> _Value:
        subject = self.to_str(self.eval(node.subject))
        found = self.regex(node.regex).search(subject) is not None
        return 1.0 if found != node.negate else 0.0

    def _e_concat(self, node: _Concat) -> _Value:
        text = "".join([self.to_str(self.eval(part)) for part in node.parts])
        if len(text) > _MAX_STRING:
            raise _LimitExceeded(f"netsim: awk string longer than {_MAX_STRING} characters")
        return text

    def _e_incdec(self, node: _IncDec) -> _Value:
        old = _num(self.eval(node.target))
        self.set(node.target, old + node.delta)
        return old + node.delta if node.prefix else old

    def _e_in(self, node: _In) -> _Value:
        key = self.key(node.subscripts)
        return 1.0 if key in self.array(node.array) else 0.0

    def _e_call(self, node: _Call) -> _Value:
        function = self.program.functions[node.name]
        if len(node.args) > len(function.params):
            raise _AwkRuntimeError(f"too many arguments in call to {node.name}")
        frame: list[_Cell] = []
        for arg in node.args:
            if isinstance(arg, _Var) and not (arg.slot is None and arg.name == "NF"):
                # a bare name may be an array, passed by reference
                scope, key, current = self.cell(arg)
                if isinstance(current, (dict, _Pending)):
                    frame.append(current)
                    continue
                if current is None or current is _UNINIT:
                    frame.append(_Pending(scope, key))
                    continue
            frame.append(self.eval(arg))
        frame.extend(_UNINIT for _ in range(len(function.params) - len(frame)))
        if self.depth >= _MAX_CALL_DEPTH:
            raise _AwkRuntimeError(f"function call nesting too deep (over {_MAX_CALL_DEPTH})")
        self.tick()
        saved, self.frame = self.frame, frame
        self.depth += 1
        try:
            self._x_block(function.body)
        except _ReturnValue as r:
            return r.value
        finally:
            self.frame = saved
            self.depth -= 1
        return _UNINIT

    def _e_getline(self, node: _Getline) -> _Value:
        if node.source == "main":
            record = self.read_main()
        else:
            assert node.operand is not None
            name = self.to_str(self.eval(node.operand))
            stream = self.input_stream(name, command=node.source == "cmd")
            if stream is None:
                return -1.0
            # POSIX has `cmd | getline` count in NR; neither mawk nor gawk does
            record = stream.read(self.to_str(self.scalar("RS")))
        if record is None:
            return 0.0
        if node.target is None:
            self.set_record(record)
        else:
            self.set(node.target, _Strnum(record))
        return 1.0

    def _e_builtin(self, node: _Builtin) -> _Value:
        return _BUILTIN_IMPLS[node.name](self, node.args)

    # ---------------------------------------------------------------- statements
    def _x_exprstmt(self, node: _ExprStmt) -> None:
        self.eval(node.expr)

    def _x_print(self, node: _Print) -> None:
        if node.printf:
            values = [self.eval(arg) for arg in node.args]
            text = self.format(self.to_str(values[0]), values[1:], "printf")
        elif node.args:
            ofs = self.to_str(self.scalar("OFS"))
            text = ofs.join([self.output_str(self.eval(arg)) for arg in node.args])
            text += self.to_str(self.scalar("ORS"))
        else:
            text = self.get_record() + self.to_str(self.scalar("ORS"))
        self.emit(text, node.redirect, node.dest)

    def _x_if(self, node: _If) -> None:
        if _truth(self.eval(node.test)):
            self.execute(node.then)
        elif node.orelse is not None:
            self.execute(node.orelse)

    def _x_while(self, node: _While) -> None:
        while _truth(self.eval(node.test)):
            self.tick()
            try:
                self.execute(node.body)
            except _BreakLoop:
                break
            except _ContinueLoop:
                continue

    def _x_do(self, node: _Do) -> None:
        while True:
            self.tick()
            try:
                self.execute(node.body)
            except _BreakLoop:
                break
            except _ContinueLoop:
                pass
            if not _truth(self.eval(node.test)):
                break

    def _x_for(self, node: _For) -> None:
        if node.init is not None:
            self.eval(node.init)
        while node.test is None or _truth(self.eval(node.test)):
            self.tick()
            try:
                self.execute(node.body)
            except _BreakLoop:
                break
            except _ContinueLoop:
                pass
            if node.step is not None:
                self.eval(node.step)

    def _x_forin(self, node: _ForIn) -> None:
        # Insertion order; mawk and gawk use their hash orders, which differ anyway.
        array = self.array(node.array)
        for key in list(array):
            if key not in array:  # deleted by the loop body
                continue
            self.tick()
            # keys that look numeric compare as numbers (gawk; mawk compares text)
            self.set_var(node.var, _Strnum(key))
            try:
                self.execute(node.body)
            except _BreakLoop:
                break
            except _ContinueLoop:
                continue

    def _x_block(self, node: _Block) -> None:
        for stmt in node.body:
            self._execs[type(stmt)](self, stmt)

    def _x_jumper(self, node: _Jumper) -> None:
        raise {"break": _BreakLoop, "continue": _ContinueLoop, "next": _NextRecord,
               "nextfile": _NextFile}[node.kind]()

    def _x_exit(self, node: _Exit) -> None:
        if node.value is None:
            raise _ExitProgram(None)
        raise _ExitProgram(_trunc(_num(self.eval(node.value))) % 256)

    def _x_return(self, node: _Return) -> None:
        raise _ReturnValue(_UNINIT if node.value is None else self.eval(node.value))

    def _x_delete(self, node: _Delete) -> None:
        array = self.array(node.array)
        if node.subscripts is None:
            array.clear()
        else:
            array.pop(self.key(node.subscripts), None)



    # ---------------------------------------------------------------- printf
    def format(self, fmt: str, values: list[_Value], who: str) -> str:
        """``printf``/``sprintf``: :func:`netsim.shell.awk.printf._format`."""
        return _format(self, fmt, values, who)
