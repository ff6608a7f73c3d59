"""A small awk: fields, patterns, print/printf, if, BEGIN/END.

What it knows: ``-F``, ``-v``, BEGIN/END, ``/re/`` and expression patterns, print
(also ``> "file"``), printf, if/else, next, exit, fields (``$1``, ``$NF``),
NR/NF/FS/OFS/ORS, ``+ - * / %``, comparisons, ``~ !~``, ``&& || !``, concatenation, and
length/substr/index/tolower/toupper/int. Anything else is refused with a message
saying so.

:class:`_AwkParser` turns the program into Python closures over an :class:`_AwkRun`
(the running program's variables and current record); running a rule is calling them.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from typing import Any

from netsim.cli.shell.errors import _Usage
from netsim.cli.shell.patterns import _posix_regex, _regex_error
from netsim.cli.shell.plumbing import _Ctx, _split_lines, _utility
from netsim.cli.shell.printf import _printf_once, _unescape


class _AwkError(Exception):
    """A program this small awk cannot parse or run."""


class _AwkNext(Exception):
    pass


class _AwkExit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status


_AWK_TOKEN = re.compile(
    r"(?P<ws>[ \t]+|\\\n|#[^\n]*)|(?P<nl>[\n;]+)"
    r"|(?P<num>[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+)"
    r'|(?P<str>"(?:[^"\\]|\\.)*")|(?P<name>[A-Za-z_][A-Za-z0-9_]*)'
    r"|(?P<op>\+\+|--|\+=|-=|\*=|/=|==|!=|<=|>=|&&|\|\||!~|[-+*/%<>=!~$(){},])"
)
_AWK_NUMBER = re.compile(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*")
_AWK_FUNCS = frozenset({"length", "substr", "index", "tolower", "toupper", "int"})
_AwkValue = str | float
_AwkFn = Callable[["_AwkRun"], Any]


def _awk_tokens(text: str) -> list[tuple[str, str]]:
    """Tokens of an awk program; ``/re/`` is a regex where an operand may start."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        last = tokens[-1] if tokens else ("nl", "")
        operand_before = last[0] in ("num", "str", "name", "re") or last[1] in (")", "$")
        if text[pos] == "/" and not operand_before:
            end = pos + 1
            while end < len(text) and text[end] != "/":
                end += 2 if text[end] == "\\" else 1
            if end >= len(text):
                raise _AwkError("unterminated regular expression")
            tokens.append(("re", text[pos + 1 : end]))
            pos = end + 1
            continue
        m = _AWK_TOKEN.match(text, pos)
        if m is None:
            raise _AwkError(f"unexpected character '{text[pos]}'")
        pos = m.end()
        kind = m.lastgroup or "op"
        if kind != "ws":
            tokens.append((kind, m.group()))
    return tokens


def _awk_num(value: _AwkValue) -> float:
    if isinstance(value, float):
        return value
    m = _AWK_NUMBER.match(value)
    try:
        return float(m.group()) if m else 0.0
    except ValueError:
        return 0.0


def _awk_str(value: _AwkValue) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if value == int(value) and abs(value) < 1e16 else f"{value:.6g}"


def _awk_numeric(value: _AwkValue) -> bool:
    return isinstance(value, float) or bool(_AWK_NUMBER.fullmatch(value))


def _awk_true(value: _AwkValue) -> bool:
    if isinstance(value, float):
        return value != 0
    return value != "" and not (_AWK_NUMBER.fullmatch(value) and _awk_num(value) == 0)


class _AwkRun:
    """The state of a running awk program: variables, the current record, output."""

    def __init__(self, ctx: _Ctx, variables: dict[str, _AwkValue]) -> None:
        self.ctx = ctx
        self.vars: dict[str, _AwkValue] = {"FS": " ", "OFS": " ", "ORS": "\n", "NR": 0.0,
                                           "NF": 0.0, "FILENAME": "", **variables}
        self.fields: list[str] = [""]
        self.opened: set[str] = set()

    def write_file(self, name: str, text: str, append: bool) -> None:
        """``print > "file"``: the first write in a run truncates, later ones append."""
        path = self.ctx.path(name)
        try:
            self.ctx.sh.fs.write(path, text, append=append or path in self.opened)
        except OSError as e:
            reason = os.strerror(e.errno or errno.EIO)
            raise _AwkError(f"can't redirect to {name}: {reason}") from None
        self.opened.add(path)

    def set_record(self, line: str) -> None:
        fs = _awk_str(self.vars["FS"])
        if fs == " ":
            parts = line.split()
        elif len(fs) == 1:
            parts = line.split(fs) if line else []
        else:
            parts = re.split(_posix_regex(fs, True), line) if line else []
        self.fields = [line, *parts]
        self.vars["NF"] = float(len(parts))

    def field(self, index: float) -> str:
        i = int(index)
        if i < 0:
            raise _AwkError(f"trying to access out of range field {i}")
        return self.fields[i] if i < len(self.fields) else ""

    def set_field(self, index: float, value: str) -> None:
        i = int(index)
        if i == 0:
            self.set_record(value)
            return
        while len(self.fields) <= i:
            self.fields.append("")
        self.fields[i] = value
        self.vars["NF"] = float(len(self.fields) - 1)
        self.fields[0] = _awk_str(self.vars["OFS"]).join(self.fields[1:])


class _AwkParser:
    """Recursive descent over awk's grammar, building closures over :class:`_AwkRun`."""

    def __init__(self, text: str) -> None:
        self.tokens = _awk_tokens(text)
        self.i = 0
        self.in_print = False  # inside print, `>` is a redirection, not a comparison

    def peek(self, offset: int = 0) -> tuple[str, str]:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else ("eof", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "eof" or (value is not None and tok[1] != value):
            near = tok[1] or "end of program"
            raise _AwkError(f"syntax error near '{near}'")
        self.i += 1
        return tok

    def skip_newlines(self) -> None:
        while self.peek()[0] == "nl":
            self.i += 1

    # ---------------------------------------------------------------- program
    def program(self) -> list[tuple[str, _AwkFn | None, list[_AwkFn] | None]]:
        rules = []
        self.skip_newlines()
        while self.peek()[0] != "eof":
            kind, cond = "main", None
            if self.peek()[1] in ("BEGIN", "END"):
                kind = self.take()[1]
            elif self.peek()[1] != "{":
                cond = self.expr()
            action = self.block() if self.peek()[1] == "{" else None
            if kind != "main" and action is None:
                raise _AwkError(f"{kind} needs an action")
            rules.append((kind, cond, action))
            self.skip_newlines()
        return rules

    def block(self) -> list[_AwkFn]:
        self.take("{")
        statements = []
        self.skip_newlines()
        while self.peek()[1] != "}":
            statements.append(self.statement())
            self.skip_newlines()
        self.take("}")
        return statements

    def statement(self) -> _AwkFn:
        word = self.peek()[1] if self.peek()[0] in ("name", "op") else ""
        if word == "{":
            body = self.block()
            return lambda r: [s(r) for s in body]
        if word in ("print", "printf"):
            self.take()
            paren = self.peek()[1] == "(" and word == "printf"
            if paren:
                self.take("(")
            self.in_print = not paren
            args = self.expr_list()
            self.in_print = False
            if paren:
                self.take(")")
            target = None
            if self.peek()[1] == ">":
                self.take()
                append = self.peek()[1] == ">"
                if append:
                    self.take()
                target = (self.concatenation(), append)
            return self.print_stmt(word, args, target)
        if word == "if":
            self.take()
            self.take("(")
            cond = self.expr()
            self.take(")")
            self.skip_newlines()
            yes = self.statement()
            no = None
            self.skip_newlines()
            if self.peek()[1] == "else":
                self.take()
                self.skip_newlines()
                no = self.statement()
            return lambda r: yes(r) if _awk_true(cond(r)) else (no(r) if no else None)
        if word == "next":
            self.take()

            def do_next(r: _AwkRun) -> None:
                raise _AwkNext()

            return do_next
        if word == "exit":
            self.take()
            code = self.expr() if self.peek()[0] not in ("nl", "eof") and \
                self.peek()[1] != "}" else None

            def do_exit(r: _AwkRun) -> None:
                raise _AwkExit(int(_awk_num(code(r))) if code else 0)

            return do_exit
        return self.expr()

    def print_stmt(self, word: str, args: list[_AwkFn],
                   target: tuple[_AwkFn, bool] | None) -> _AwkFn:
        def run_print(r: _AwkRun) -> None:
            values = [a(r) for a in args]
            if word == "print":
                shown = [_awk_str(v) for v in values] if values else [r.field(0)]
                text = _awk_str(r.vars["OFS"]).join(shown) + _awk_str(r.vars["ORS"])
            elif not values:
                raise _AwkError("printf: no format")
            else:
                out: list[str] = []
                _printf_once(r.ctx, _awk_str(values[0]), [_awk_str(v) for v in values[1:]],
                             {"status": 0, "index": 0}, out)
                text = "".join(out)
            if target is None:
                r.ctx.out(text)
            else:
                r.write_file(_awk_str(target[0](r)), text, target[1])

        return run_print

    def expr_list(self) -> list[_AwkFn]:
        if self.peek()[0] in ("nl", "eof") or self.peek()[1] in ("}", ")") or (
                self.in_print and self.peek()[1] == ">"):
            return []
        items = [self.expr()]
        while self.peek()[1] == ",":
            self.take()
            items.append(self.expr())
        return items

    # ---------------------------------------------------------------- expressions
    def expr(self) -> _AwkFn:
        return self.assignment()

    def assignment(self) -> _AwkFn:
        start = self.i
        target = self.lvalue()
        if target is not None and self.peek()[1] in ("=", "+=", "-=", "*=", "/="):
            op = self.take()[1]
            value = self.assignment()
            get, put = target

            def assign(r: _AwkRun) -> _AwkValue:
                new = value(r)
                if op != "=":
                    a, b = _awk_num(get(r)), _awk_num(new)
                    if op == "/=" and b == 0:
                        raise _AwkError("division by zero in /=")
                    new = a + b if op == "+=" else a - b if op == "-=" else \
                        a * b if op == "*=" else a / b
                put(r, new)
                return new

            return assign
        self.i = start
        return self.logical_or()

    def lvalue(self) -> tuple[_AwkFn, Callable[[_AwkRun, _AwkValue], None]] | None:
        tok = self.peek()
        if tok[0] == "name" and tok[1] not in _AWK_FUNCS and self.peek(1)[1] != "(":
            self.take()
            name = tok[1]

            def put_var(r: _AwkRun, v: _AwkValue) -> None:
                r.vars[name] = v

            return (lambda r: r.vars.get(name, "")), put_var
        if tok[1] == "$":
            self.take()
            index = self.primary()

            def put_field(r: _AwkRun, v: _AwkValue) -> None:
                r.set_field(_awk_num(index(r)), _awk_str(v))

            return (lambda r: r.field(_awk_num(index(r)))), put_field
        return None

    def logical_or(self) -> _AwkFn:
        left = self.logical_and()
        while self.peek()[1] == "||":
            self.take()
            right = self.logical_and()
            left = (lambda a, b: lambda r: float(_awk_true(a(r)) or _awk_true(b(r))))(left, right)
        return left

    def logical_and(self) -> _AwkFn:
        left = self.match()
        while self.peek()[1] == "&&":
            self.take()
            right = self.match()
            left = (lambda a, b: lambda r: float(_awk_true(a(r)) and _awk_true(b(r))))(left, right)
        return left

    def match(self) -> _AwkFn:
        left = self.comparison()
        while self.peek()[1] in ("~", "!~"):
            negate = self.take()[1] == "!~"
            # `$1 ~ /re/`: the regex itself, not a match of it against $0
            right = self._regex_text() if self.peek()[0] == "re" else self.comparison()

            def matcher(r: _AwkRun, a: _AwkFn = left, b: _AwkFn = right,
                        neg: bool = negate) -> float:
                pattern = _posix_regex(_awk_str(b(r)), True)
                return float((re.search(pattern, _awk_str(a(r))) is not None) != neg)

            left = matcher
        return left

    def _regex_text(self) -> _AwkFn:
        literal = self.take()[1]
        return lambda r: literal

    def comparison(self) -> _AwkFn:
        left = self.concatenation()
        ops = ("<", "<=", "==", "!=") + (() if self.in_print else (">", ">="))
        if self.peek()[1] in ops:
            op = self.take()[1]
            right = self.concatenation()

            def compare(r: _AwkRun, a: _AwkFn = left, b: _AwkFn = right) -> float:
                x, y = a(r), b(r)
                if _awk_numeric(x) and _awk_numeric(y):
                    x, y = _awk_num(x), _awk_num(y)
                else:
                    x, y = _awk_str(x), _awk_str(y)
                return float({"<": x < y, "<=": x <= y, "==": x == y, "!=": x != y,
                              ">": x > y, ">=": x >= y}[op])

            return compare
        return left

    def concatenation(self) -> _AwkFn:
        left = self.additive()
        while self.peek()[0] in ("num", "str", "name") or self.peek()[1] in ("$", "("):
            right = self.additive()
            left = (lambda a, b: lambda r: _awk_str(a(r)) + _awk_str(b(r)))(left, right)
        return left

    def additive(self) -> _AwkFn:
        left = self.multiplicative()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.multiplicative()
            left = (lambda a, b, o: lambda r: _awk_num(a(r)) + (
                _awk_num(b(r)) if o == "+" else -_awk_num(b(r))))(left, right, op)
        return left

    def multiplicative(self) -> _AwkFn:
        left = self.unary()
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            right = self.unary()

            def arith(r: _AwkRun, a: _AwkFn = left, b: _AwkFn = right, o: str = op) -> float:
                x, y = _awk_num(a(r)), _awk_num(b(r))
                if o != "*" and y == 0:
                    raise _AwkError("division by zero")
                return x * y if o == "*" else x / y if o == "/" else float(x - y * int(x / y))

            left = arith
        return left

    def unary(self) -> _AwkFn:
        op = self.peek()[1]
        if op in ("!", "-", "+") and self.peek()[0] == "op":
            self.take()
            inner = self.unary()
            if op == "!":
                return lambda r: float(not _awk_true(inner(r)))
            return (lambda r: -_awk_num(inner(r))) if op == "-" else (lambda r: _awk_num(inner(r)))
        if op in ("++", "--"):
            self.take()
            target = self.lvalue()
            if target is None:
                raise _AwkError(f"syntax error near '{op}'")
            get, put = target
            step = 1.0 if op == "++" else -1.0

            def pre(r: _AwkRun) -> float:
                new = _awk_num(get(r)) + step
                put(r, new)
                return new

            return pre
        return self.postfix()

    def postfix(self) -> _AwkFn:
        start = self.i
        target = self.lvalue()
        if target is not None and self.peek()[1] in ("++", "--"):
            step = 1.0 if self.take()[1] == "++" else -1.0
            get, put = target

            def post(r: _AwkRun) -> float:
                old = _awk_num(get(r))
                put(r, old + step)
                return old

            return post
        self.i = start
        return self.primary()

    def primary(self) -> _AwkFn:
        kind, text = self.take()
        if kind == "num":
            value = float(text)
            return lambda r: value
        if kind == "str":
            literal = _unescape(text[1:-1], printf_format=True)[0]
            return lambda r: literal
        if kind == "re":
            pattern = _posix_regex(text, True)
            return lambda r: float(re.search(pattern, r.field(0)) is not None)
        if text == "$":
            index = self.primary()
            return lambda r: r.field(_awk_num(index(r)))
        if text == "(":
            inner = self.expr()
            self.take(")")
            return inner
        if kind == "name" and text in _AWK_FUNCS:
            return self.call(text)
        if kind == "name":
            return lambda r: r.vars.get(text, "")
        raise _AwkError(f"syntax error near '{text}'")

    def call(self, name: str) -> _AwkFn:
        args: list[_AwkFn] = []
        if self.peek()[1] == "(":
            self.take("(")
            args = self.expr_list()
            self.take(")")

        def arg(r: _AwkRun, k: int) -> _AwkValue:
            return args[k](r) if k < len(args) else r.field(0)

        def run_call(r: _AwkRun) -> _AwkValue:
            if name == "length":
                return float(len(_awk_str(arg(r, 0))))
            if name in ("tolower", "toupper"):
                text = _awk_str(arg(r, 0))
                return text.lower() if name == "tolower" else text.upper()
            if name == "int":
                return float(int(_awk_num(arg(r, 0))))
            if name == "index":
                return float(_awk_str(arg(r, 0)).find(_awk_str(arg(r, 1))) + 1)
            text = _awk_str(arg(r, 0))
            start = int(_awk_num(arg(r, 1))) if len(args) > 1 else 1
            count = int(_awk_num(args[2](r))) if len(args) > 2 else len(text)
            begin = max(start, 1)
            end = start + count
            return text[begin - 1 : max(end - 1, begin - 1)]

        return run_call


@_utility("awk", "gawk", "mawk", usage_status=2)
def _awk(ctx: _Ctx, argv: list[str]) -> int:
    """A small awk: ``-F``, ``-v``, BEGIN/END, /re/ and expression patterns, print,
    printf, if, next, exit, fields ($1, $NF), NR/NF/FS/OFS, + - * / %, comparisons,
    ~ !~, && || !, concatenation and length/substr/index/tolower/toupper/int."""
    args = argv[1:]
    variables: dict[str, _AwkValue] = {}
    while args and args[0].startswith("-") and args[0] != "-":
        opt = args.pop(0)
        if opt == "--":
            break
        if opt[1] not in "Fv":
            raise _Usage(f"awk: not an option: {opt}", hint=False)
        value = opt[2:] or (args.pop(0) if args else "")
        if opt[1] == "F":
            variables["FS"] = "\t" if value == "t" else _unescape(value, printf_format=True)[0]
        else:
            name, _, val = value.partition("=")
            variables[name] = _unescape(val, printf_format=True)[0]
    if not args:
        raise _Usage("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]", hint=False)
    try:
        rules = _AwkParser(args[0]).program()
    except _AwkError as e:
        return ctx.fail(f"awk: {e} (netsim's awk knows a small subset of the language)", 2)
    except re.error as e:
        return ctx.fail(f"awk: regular expression: {_regex_error(e)}", 2)
    except RecursionError:
        return ctx.fail("awk: program nested too deeply", 2)
    run = _AwkRun(ctx, variables)
    status = 0
    try:
        for kind, _cond, action in rules:
            if kind == "BEGIN":
                for statement in action or []:
                    statement(run)
        if any(kind != "BEGIN" for kind, _c, _a in rules):
            status = _awk_main(ctx, run, rules, args[1:] or ["-"])
        for kind, _cond, action in rules:
            if kind == "END":
                for statement in action or []:
                    statement(run)
    except _AwkExit as e:
        return e.status
    except _AwkError as e:
        return ctx.fail(f"awk: {e}", 2)
    except re.error as e:
        return ctx.fail(f"awk: regular expression: {_regex_error(e)}", 2)
    return status


def _awk_main(ctx: _Ctx, run: _AwkRun, rules: list[tuple[str, _AwkFn | None,
              list[_AwkFn] | None]], files: list[str]) -> int:
    status = 0
    for name in files:
        text = ctx.read_input(name, "awk", style="open")
        if text is None:
            status = 2
            continue
        run.vars["FILENAME"] = "" if name == "-" else name
        for line in _split_lines(text):
            run.vars["NR"] = _awk_num(run.vars["NR"]) + 1
            run.set_record(line)
            try:
                for kind, cond, action in rules:
                    if kind != "main" or (cond is not None and not _awk_true(cond(run))):
                        continue
                    if action is None:
                        ctx.out(run.field(0) + _awk_str(run.vars["ORS"]))
                    for statement in action or []:
                        statement(run)
            except _AwkNext:
                continue
    return status
