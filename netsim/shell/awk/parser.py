"""Parsing: tokens to a :class:`_Program`, by recursive descent.

There is one method per precedence level, from assignment and ``?:`` (loosest) down
to ``$`` and ``( )`` (tightest), so each method reads an operand of the next, tighter
level and loops over its own operators. Mistakes are reported as mawk does:
``awk: line 1: syntax error at or near ;``, exit status 2.
"""

from __future__ import annotations

from netsim.shell.awk.ast import (
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
    _Function,
    _Getline,
    _If,
    _In,
    _IncDec,
    _Index,
    _is_lvalue,
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
from netsim.shell.awk.errors import _AwkSyntaxError
from netsim.shell.awk.lexer import _BUILTINS, _Tok, _tokenize
from netsim.shell.awk.regex import _compile, _RegexError

# ====================================================================== parsing
_ASSIGN_OPS = {"=": "=", "+=": "+", "-=": "-", "*=": "*", "/=": "/", "%=": "%", "^=": "^",
               "**=": "^"}
_COMPARE_OPS = frozenset({"<", "<=", "==", "!=", ">", ">="})
_CONCAT_START_OPS = frozenset({"$", "!", "(", "++", "--"})
_CONCAT_START_KINDS = frozenset({"num", "str", "ere", "name", "func", "builtin"})


class _Parser:
    """Recursive descent over awk's grammar; :meth:`program` returns the tree.

    Precedence, loosest first (one method each): assignment, ``?:``, ``||``, ``&&``,
    ``in``, ``~ !~``, comparison, ``cmd | getline``, concatenation, ``+ -``,
    ``* / %``, unary ``! - +``, ``^``, ``++ --``, then ``$``, grouping and operands.
    """

    def __init__(self, src: str) -> None:
        self.toks = _tokenize(src)
        self.i = 0
        self.locals: dict[str, int] | None = None  # parameters of the function being read
        self.context = "main"  # BEGIN, END, main or function: where next/return are legal
        self.loops = 0  # enclosing loops: break and continue need one
        self.no_gt = False  # in an unparenthesized print list, `>` redirects output
        self.functions: dict[str, _Function] = {}
        self.calls: list[tuple[str, int]] = []

    # ---------------------------------------------------------------- tokens
    def peek(self, ahead: int = 0) -> _Tok:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def at(self, *texts: str) -> bool:
        tok = self.toks[self.i]
        return tok.kind in ("op", "keyword") and tok.text in texts

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        if tok.kind == "eof":
            raise self.error(tok)
        self.i += 1
        return tok

    def expect(self, text: str) -> _Tok:
        if not self.at(text):
            raise self.error(self.peek())
        return self.take()

    def error(self, tok: _Tok, message: str | None = None) -> _AwkSyntaxError:
        if message is None:
            near = {"eof": "end of file", "nl": "end of line"}.get(tok.kind, tok.text)
            message = f"syntax error at or near {near}"
        return _AwkSyntaxError(message, tok.line)

    def skip_newlines(self) -> None:
        while self.peek().kind == "nl":
            self.i += 1

    def skip_terminators(self) -> None:
        while self.peek().kind == "nl" or self.at(";"):
            self.i += 1

    def at_statement_end(self) -> bool:
        return self.peek().kind in ("nl", "eof") or self.at(";", "}")

    def end_statement(self) -> None:
        """A simple statement ends at ``;``, a newline, or before ``}``."""
        if self.peek().kind == "nl" or self.at(";"):
            self.i += 1
        elif not (self.at("}") or self.peek().kind == "eof"):
            raise self.error(self.peek())

    # ---------------------------------------------------------------- program
    def program(self) -> _Program:
        rules: list[_Rule] = []
        self.skip_terminators()
        while self.peek().kind != "eof":
            if self.at("function"):
                self.function()
            elif self.at("BEGIN", "END"):
                kind = self.take().text
                self.skip_newlines()
                if not self.at("{"):
                    raise self.error(self.peek())
                rules.append(_Rule(kind, None, None, self.block(kind)))
            else:
                pattern = end = None
                if not self.at("{"):
                    pattern = self.expr()
                    if self.at(","):
                        self.take()
                        end = self.expr()
                # the action's `{` must be on the pattern's line; else it is a new rule
                action = self.block("main") if self.at("{") else None
                rules.append(_Rule("main", pattern, end, action))
            if not (self.peek().kind in ("nl", "eof") or self.at(";")
                    or self.toks[self.i - 1].text == "}"):
                raise self.error(self.peek())
            self.skip_terminators()
        for name, line in self.calls:
            if name not in self.functions:
                raise _AwkSyntaxError(f"function {name} never defined", line)
        return _Program(rules, self.functions)

    def function(self) -> None:
        self.take()
        tok = self.take()
        if tok.kind not in ("name", "func"):
            raise self.error(tok)
        if tok.text in self.functions:
            raise self.error(tok, f"function {tok.text} redefined")
        self.expect("(")
        params: list[str] = []
        while not self.at(")"):
            param = self.take()
            if param.kind != "name" or param.text in params or param.text == tok.text:
                raise self.error(param)
            params.append(param.text)
            if not self.at(")"):
                self.expect(",")
        self.take()
        self.skip_newlines()
        self.locals = {name: index for index, name in enumerate(params)}
        self.context = "function"
        function = _Function(tok.text, params, _Block([]))
        self.functions[tok.text] = function  # before the body: it may call itself
        function.body = self.block("function")
        self.locals = None

    def block(self, context: str | None = None) -> _Block:
        if context is not None:
            self.context = context
        self.expect("{")
        body: list[_Stmt] = []
        while True:
            self.skip_terminators()
            if self.at("}"):
                self.take()
                return _Block(body)
            if self.peek().kind == "eof":
                raise self.error(self.peek(), "missing } near end of file")
            body.append(self.statement())

    # ---------------------------------------------------------------- statements
    def statement(self) -> _Stmt:
        tok = self.peek()
        if self.at("{"):
            return self.block()
        if self.at(";"):
            self.take()
            return _Block([])
        if tok.kind == "keyword":
            handler = getattr(self, "stmt_" + tok.text, None)
            if handler is not None:
                stmt: _Stmt = handler()
                return stmt
        expr = self.expr()
        self.end_statement()
        return _ExprStmt(expr)

    def body(self) -> _Stmt:
        """The statement under ``if``/``while``/``for``, which may start on the next line."""
        self.skip_newlines()
        return self.statement()

    def loop_body(self) -> _Stmt:
        self.loops += 1
        try:
            return self.body()
        finally:
            self.loops -= 1

    def condition(self) -> _Expr:
        self.expect("(")
        test = self.expr()
        self.expect(")")
        return test

    def stmt_if(self) -> _Stmt:
        self.take()
        test = self.condition()
        then = self.body()
        # `if (x) print 1; else print 2`: the `;` ended the statement, newlines may
        # follow; after `{ ... }` a `;` is an empty statement, and an else is an error
        saved = self.i
        self.skip_newlines()
        if self.at("else"):
            self.take()
            return _If(test, then, self.body())
        self.i = saved
        return _If(test, then, None)

    def stmt_while(self) -> _Stmt:
        self.take()
        test = self.condition()
        return _While(test, self.loop_body())

    def stmt_do(self) -> _Stmt:
        self.take()
        body = self.loop_body()
        self.skip_terminators()
        if not self.at("while"):
            raise self.error(self.peek())
        self.take()
        test = self.condition()
        self.end_statement()
        return _Do(body, test)

    def stmt_for(self) -> _Stmt:
        self.take()
        self.expect("(")
        if (self.peek().kind == "name" and self.peek(1).text == "in"
                and self.peek(1).kind == "keyword" and self.peek(2).kind == "name"
                and self.peek(3).text == ")"):
            var = self.variable(self.take().text)
            self.take()
            array = self.variable(self.take().text)
            self.take()
            return _ForIn(var, array, self.loop_body())
        init = None if self.at(";") else self.expr()
        self.expect(";")
        self.skip_newlines()
        test = None if self.at(";") else self.expr()
        self.expect(";")
        self.skip_newlines()
        step = None if self.at(")") else self.expr()
        self.expect(")")
        return _For(init, test, step, self.loop_body())

    def stmt_break(self) -> _Stmt:
        tok = self.take()
        if not self.loops:
            raise self.error(tok, f"{tok.text} statement outside of loop")
        self.end_statement()
        return _Jumper(tok.text)

    stmt_continue = stmt_break

    def stmt_next(self) -> _Stmt:
        tok = self.take()
        if self.context in ("BEGIN", "END"):
            raise self.error(tok, f"improper use of {tok.text}")
        self.end_statement()
        return _Jumper(tok.text)

    stmt_nextfile = stmt_next

    def stmt_exit(self) -> _Stmt:
        self.take()
        value = None if self.at_statement_end() else self.expr()
        self.end_statement()
        return _Exit(value)

    def stmt_return(self) -> _Stmt:
        tok = self.take()
        if self.context != "function":
            raise self.error(tok, "return outside function body")
        value = None if self.at_statement_end() else self.expr()
        self.end_statement()
        return _Return(value)

    def stmt_delete(self) -> _Stmt:
        self.take()
        tok = self.take()
        if tok.kind != "name":
            raise self.error(tok)
        array = self.variable(tok.text)
        subscripts = self.subscripts() if self.at("[") else None
        self.end_statement()
        return _Delete(array, subscripts)

    def stmt_print(self) -> _Stmt:
        printf = self.take().text == "printf"
        args: list[_Expr] | None = None
        if self.at("("):
            # `print (a, b) > "f"`: the parentheses hold the whole list -- unless the
            # statement goes on, as in `print (a)(b)` or `print (1, 2) in arr`
            saved = self.i
            self.take()
            grouped = self.expr_list(")")
            self.expect(")")
            if self.at_statement_end() or self.at(">", ">>", "|"):
                args = grouped
            else:
                self.i = saved
        if args is None:
            args = []
            if not (self.at_statement_end() or self.at(">", ">>", "|")):
                saved_gt, self.no_gt = self.no_gt, True
                args = [self.expr()]
                while self.at(","):
                    self.take()
                    args.append(self.expr())
                self.no_gt = saved_gt
        if printf and not args:
            raise self.error(self.peek())
        redirect = dest = None
        if self.at(">", ">>", "|"):
            redirect = self.take().text
            saved_gt, self.no_gt = self.no_gt, True
            dest = self.concatenation()
            self.no_gt = saved_gt
        self.end_statement()
        return _Print(printf, args, redirect, dest)

    stmt_printf = stmt_print

    # ---------------------------------------------------------------- expressions
    def expr_list(self, closer: str) -> list[_Expr]:
        """Comma-separated expressions up to ``closer``; ``>`` compares again inside."""
        saved_gt, self.no_gt = self.no_gt, False
        items: list[_Expr] = []
        if not self.at(closer):
            items.append(self.expr())
            while self.at(","):
                self.take()
                items.append(self.expr())
        self.no_gt = saved_gt
        return items

    def expr(self) -> _Expr:
        """Assignment (right to left: ``a = b = 1``) or a conditional expression."""
        left = self.ternary()
        tok = self.peek()
        if tok.kind == "op" and tok.text in _ASSIGN_OPS:
            if not _is_lvalue(left):
                raise self.error(tok)
            self.take()
            assert isinstance(left, (_Var, _Field, _Index))
            return _Assign(_ASSIGN_OPS[tok.text], left, self.expr())
        return left

    def ternary(self) -> _Expr:
        test = self.logical_or()
        if not self.at("?"):
            return test
        self.take()
        self.skip_newlines()
        yes = self.expr()
        self.skip_newlines()
        self.expect(":")
        self.skip_newlines()
        return _Cond(test, yes, self.expr())

    def logical_or(self) -> _Expr:
        left = self.logical_and()
        while self.at("||"):
            self.take()
            left = _Logic("||", left, self.logical_and())
        return left

    def logical_and(self) -> _Expr:
        left = self.membership()
        while self.at("&&"):
            self.take()
            left = _Logic("&&", left, self.membership())
        return left

    def membership(self) -> _Expr:
        left = self.matching()
        while self.at("in"):
            self.take()
            left = _In([left], self.array_name())
        return left

    def matching(self) -> _Expr:
        left = self.comparison()
        while self.at("~", "!~"):
            negate = self.take().text == "!~"
            left = _Match(negate, left, self.comparison())
        return left

    def comparison(self) -> _Expr:
        # Left to right, as mawk does (`1 < 2 < 3` is 1); gawk calls it a syntax error.
        left = self.command_getline()
        while self.peek().kind == "op" and self.peek().text in _COMPARE_OPS and not (
                self.no_gt and self.at(">")):
            op = self.take().text
            left = _Compare(op, left, self.command_getline())
        return left

    def command_getline(self) -> _Expr:
        # `"echo " x | getline` runs the whole concatenation, as POSIX's grammar and
        # gawk have it (mawk would run only x).
        left = self.concatenation()
        while self.at("|") and self.peek(1).kind == "keyword" and self.peek(1).text == "getline":
            self.i += 2
            left = _Getline("cmd", self.optional_lvalue(), left)
        return left

    def starts_operand(self) -> bool:
        tok = self.peek()
        return tok.kind in _CONCAT_START_KINDS or (
            tok.kind == "op" and tok.text in _CONCAT_START_OPS)

    def concatenation(self) -> _Expr:
        parts = [self.additive()]
        while self.starts_operand():
            parts.append(self.additive())
        return parts[0] if len(parts) == 1 else _Concat(parts)

    def additive(self) -> _Expr:
        left = self.multiplicative()
        while self.at("+", "-"):
            op = self.take().text
            left = _Arith(op, left, self.multiplicative())
        return left

    def multiplicative(self) -> _Expr:
        left = self.unary()
        while self.at("*", "/", "%"):
            op = self.take().text
            left = _Arith(op, left, self.unary())
        return left

    def unary(self) -> _Expr:
        # `!` binds as tightly as unary minus: `!x ~ y` is `(!x) ~ y` in mawk and gawk.
        if self.at("!"):
            self.take()
            return _Not(self.unary())
        if self.at("-", "+"):
            return _Unary(self.take().text, self.unary())
        return self.power()

    def power(self) -> _Expr:
        # Right to left, tighter than unary minus: -2^2 is -4 and 2^3^2 is 512.
        base = self.postfix()
        if not self.at("^", "**"):
            return base
        self.take()
        return _Arith("^", base, self.exponent())

    def exponent(self) -> _Expr:
        """The right side of ``^``, which may carry signs: ``2^-1``."""
        if self.at("!"):
            self.take()
            return _Not(self.exponent())
        if self.at("-", "+"):
            return _Unary(self.take().text, self.exponent())
        return self.power()

    def postfix(self) -> _Expr:
        if self.at("++", "--"):
            tok = self.take()
            target = self.primary()
            if not _is_lvalue(target):
                raise self.error(tok)
            assert isinstance(target, (_Var, _Field, _Index))
            return _IncDec(1.0 if tok.text == "++" else -1.0, True, target)
        operand = self.primary()
        if self.at("++", "--") and isinstance(operand, (_Var, _Field, _Index)):
            delta = 1.0 if self.take().text == "++" else -1.0
            return _IncDec(delta, False, operand)
        return operand

    def dollar_operand(self) -> _Expr:
        """What follows ``$``: an operand, tighter than anything (``$i++`` is ``($i)++``)."""
        if self.at("++", "--"):
            tok = self.take()
            target = self.primary()
            if not isinstance(target, (_Var, _Field, _Index)):
                raise self.error(tok)
            return _IncDec(1.0 if tok.text == "++" else -1.0, True, target)
        if self.at("-", "+"):
            return _Unary(self.take().text, self.dollar_operand())
        if self.at("!"):
            self.take()
            return _Not(self.dollar_operand())
        return self.primary()

    def primary(self) -> _Expr:
        tok = self.take()
        kind = tok.kind
        if kind == "num":
            assert isinstance(tok.value, float)
            return _Num(tok.value)
        if kind == "str":
            assert isinstance(tok.value, str)
            return _Str(tok.value)
        if kind == "ere":
            assert isinstance(tok.value, str)
            try:
                return _Regex(tok.value, _compile(tok.value))
            except _RegexError as e:
                raise self.error(tok, f"regular expression compile failed ({e})\n"
                                      f"{tok.value}") from None
        if kind == "name":
            if self.at("["):
                return _Index(self.variable(tok.text), self.subscripts())
            return self.variable(tok.text)
        if kind == "func":
            self.expect("(")
            args = self.expr_list(")")
            self.expect(")")
            self.calls.append((tok.text, tok.line))
            return _Call(tok.text, args, tok.line)
        if kind == "builtin":
            return self.builtin(tok)
        if kind == "op" and tok.text == "$":
            return _Field(self.dollar_operand())
        if kind == "op" and tok.text == "(":
            items = self.expr_list(")")
            self.expect(")")
            if len(items) == 1:
                return items[0]
            if not items or not self.at("in"):  # `(a, b)` only makes sense before `in`
                raise self.error(self.peek() if items else tok)
            self.take()
            return _In(items, self.array_name())
        if kind == "keyword" and tok.text == "getline":
            target = self.optional_lvalue()
            if self.at("<"):
                self.take()
                # `getline < "a" "b"` reads "a": the file is a single operand
                return _Getline("file", target, self.postfix())
            return _Getline("main", target, None)
        raise self.error(tok)

    def variable(self, name: str) -> _Var:
        slot = self.locals.get(name) if self.locals is not None else None
        return _Var(name, slot)

    def array_name(self) -> _Var:
        tok = self.take()
        if tok.kind != "name":
            raise self.error(tok)
        return self.variable(tok.text)

    def subscripts(self) -> list[_Expr]:
        self.expect("[")
        items = self.expr_list("]")
        if not items:
            raise self.error(self.peek())
        self.expect("]")
        return items

    def optional_lvalue(self) -> _LValue | None:
        """The variable of ``getline var``, if one follows."""
        if self.at("$"):
            self.take()
            return _Field(self.dollar_operand())
        if self.peek().kind == "name":
            name = self.take().text
            if self.at("["):
                return _Index(self.variable(name), self.subscripts())
            return self.variable(name)
        return None

    def builtin(self, tok: _Tok) -> _Expr:
        name = tok.text
        args: list[_Expr] = []
        if self.at("("):
            self.take()
            args = self.expr_list(")")
            self.expect(")")
        elif name != "length":  # only `length` may go without parentheses
            raise self.error(self.peek())
        low, high = _BUILTINS[name]
        if not low <= len(args) <= high:
            raise self.error(tok, f"wrong number of arguments in call to {name}")
        if (name == "split" or (name == "match" and len(args) == 3)) and not (
                isinstance(args[1 if name == "split" else 2], _Var)):
            raise self.error(tok, f"{name}: the array argument must be a name")
        return _Builtin(name, args)
