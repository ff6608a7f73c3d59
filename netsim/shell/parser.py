"""The parser: tokens into a syntax tree, by recursive descent over the POSIX grammar.

``_Parser(_Lexer(text)).parse_command_line()`` returns the next complete command (a
node of :mod:`netsim.shell.ast`), or None at the end of the text. The interpreter
parses and runs one command line at a time, as bash reads a script, so a syntax error
on line 5 is reported after lines 1 to 4 have run.
"""

from __future__ import annotations

import re

from netsim.shell.ast import (
    AndOr,
    ArithCmd,
    ArithFor,
    Background,
    Case,
    CaseItem,
    CondCmd,
    For,
    FuncDef,
    Group,
    HereDoc,
    If,
    Lit,
    Loop,
    Node,
    Part,
    Pipeline,
    Redirect,
    Redirected,
    Sequence,
    Simple,
    Word,
)
from netsim.shell.errors import MAX_PARSE_DEPTH, ShellSyntaxError
from netsim.shell.lexer import _NAME_RE, _Lexer, _Token

_REDIR_OPS = frozenset(["<", ">", ">>", ">|", "<>", "<&", ">&", "&>", "&>>", "<<", "<<-", "<<<"])
_CLOSERS = frozenset(["then", "else", "elif", "fi", "do", "done", "esac", "}"])


def _assignment(word: Word) -> tuple[str, Word, bool] | None:
    """``NAME=value`` (or ``NAME+=value``) split into name, value word, append flag."""
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Lit) or first.quoted:
        return None
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=", first.text)
    if not m:
        return None
    rest = first.text[m.end() :]
    parts: list[Part] = ([Lit(rest)] if rest else []) + word.parts[1:]
    return m.group(1), Word(parts, word.raw[m.end() :], word.lineno), bool(m.group(2))


def _heredoc_delimiter(word: Word) -> tuple[str, bool]:
    """The delimiter text and whether any of it was quoted (then: no expansion)."""
    if all(isinstance(p, Lit) for p in word.parts):
        lits = [p for p in word.parts if isinstance(p, Lit)]
        return "".join(p.text for p in lits), any(p.quoted for p in lits)
    return word.raw, False


class _Parser:
    """Recursive descent over the POSIX grammar, one token of lookahead.

    Keywords (``if``, ``then``, ``{``...) are ordinary words to the lexer; the parser
    treats them as keywords only where a command may start, as the standard says --
    which is why ``echo if`` prints ``if``.
    """

    def __init__(self, lexer: _Lexer) -> None:
        self.lx = lexer
        self._peeked: _Token | None = None

    # ---------------------------------------------------------------- helpers
    def peek(self) -> _Token:
        if self._peeked is None:
            self._peeked = self.lx.next_token()
        return self._peeked

    def next(self) -> _Token:
        tok = self.peek()
        self._peeked = None
        return tok

    @staticmethod
    def _is_op(tok: _Token, *values: str) -> bool:
        return tok.kind == "op" and tok.value in values

    @staticmethod
    def _is_kw(tok: _Token, *values: str) -> bool:
        return tok.kind == "word" and tok.value in values and tok.word is not None \
            and tok.word.plain() is not None

    def _at_closer(self, tok: _Token) -> bool:
        return tok.kind == "eof" or self._is_op(tok, ")", ";;") or self._is_kw(tok, *_CLOSERS)

    def _skip_newlines(self) -> None:
        while self._is_op(self.peek(), "\n"):
            self.next()

    def _error(self, tok: _Token) -> ShellSyntaxError:
        if tok.kind == "eof":
            return ShellSyntaxError("syntax error: unexpected end of file", self.lx.eof_lineno())
        text = "newline" if tok.value == "\n" else tok.value
        return ShellSyntaxError(f"syntax error near unexpected token `{text}'", tok.lineno, True)

    def _expect_kw(self, word: str) -> None:
        tok = self.next()
        if not self._is_kw(tok, word):
            raise self._error(tok)

    def _expect_op(self, op: str) -> None:
        tok = self.next()
        if not self._is_op(tok, op):
            raise self._error(tok)

    # ---------------------------------------------------------------- lists
    def parse_command_line(self) -> Node | None:
        """The next complete command (up to a newline), or None at the end."""
        self._skip_newlines()
        if self.peek().kind == "eof":
            return None
        node = self._list()
        tok = self.next()
        if tok.kind != "eof" and not self._is_op(tok, "\n"):
            raise self._error(tok)
        return node

    def parse_program(self) -> Node | None:
        items = []
        while (node := self.parse_command_line()) is not None:
            items.append(node)
        return Sequence(items) if items else None

    def parse_subst_body(self) -> Node | None:
        """The inside of ``$(...)``, up to and including its ``)``."""
        self._skip_newlines()
        if self._is_op(self.peek(), ")"):
            self.next()
            return None
        unclosed = ShellSyntaxError("unexpected EOF while looking for matching `)'",
                                    self.lx.lineno)
        if self.peek().kind == "eof":
            raise unclosed
        try:
            body = self._compound_list()
        except ShellSyntaxError as e:
            if e.message != "syntax error: unexpected end of file":
                raise
            unclosed.lineno = self.lx.lineno
            raise unclosed from None
        tok = self.next()
        if tok.kind == "eof":
            unclosed.lineno = self.lx.lineno
            raise unclosed
        if not self._is_op(tok, ")"):
            raise self._error(tok)
        return body

    def _list(self) -> Node:
        items = [self._and_or()]
        while self._is_op(self.peek(), ";", "&"):
            if self.next().value == "&":
                items[-1] = Background(items[-1])
            tok = self.peek()
            if self._is_op(tok, "\n") or self._at_closer(tok):
                break
            items.append(self._and_or())
        return items[0] if len(items) == 1 else Sequence(items)

    def _compound_list(self) -> Node:
        """Commands inside a compound command: up to ``then``, ``fi``, ``)``, ``;;``..."""
        self._skip_newlines()
        if self._at_closer(self.peek()):
            raise self._error(self.peek())
        items = [self._and_or()]
        while self._is_op(self.peek(), ";", "&", "\n"):
            if self.next().value == "&":
                items[-1] = Background(items[-1])
            self._skip_newlines()
            if self._at_closer(self.peek()):
                break
            items.append(self._and_or())
        return items[0] if len(items) == 1 else Sequence(items)

    def _and_or(self) -> Node:
        first = self._pipeline()
        rest: list[tuple[str, Node]] = []
        while self._is_op(self.peek(), "&&", "||"):
            op = self.next().value
            self._skip_newlines()
            rest.append((op, self._pipeline()))
        return AndOr(first, rest) if rest else first

    def _pipeline(self) -> Pipeline:
        negated = False
        while self._is_kw(self.peek(), "!"):
            self.next()
            negated = not negated
        commands = [self._command()]
        while self._is_op(self.peek(), "|", "|&"):
            if self.next().value == "|&":  # bash: `a |& b` is `a 2>&1 | b`
                dup = Redirect(2, ">&", Word([Lit("1")], "1"))
                commands[-1] = Redirected(commands[-1], [dup])
            self._skip_newlines()
            commands.append(self._command())
        return Pipeline(commands, negated)

    # ---------------------------------------------------------------- commands
    def _command(self) -> Node:
        self.lx.depth += 1
        try:
            if self.lx.depth > MAX_PARSE_DEPTH:
                raise ShellSyntaxError("syntax error: nesting too deep", self.peek().lineno)
            return self._command_inner()
        finally:
            self.lx.depth -= 1

    def _command_inner(self) -> Node:
        tok = self.peek()
        if self._is_op(tok, "("):
            arith = self._arith_command(tok)
            if arith is not None:
                return self._redirected(arith)
            self.next()
            body = self._compound_list()
            self._expect_op(")")
            return self._redirected(Group(body, subshell=True))
        if tok.kind == "word" and tok.word is not None and tok.word.plain() is not None:
            if tok.value == "function":
                return self._function_keyword()
            handler = {
                "{": self._brace_group, "if": self._if, "while": self._while,
                "until": self._while, "for": self._for, "case": self._case, "[[": self._cond,
            }.get(tok.value)
            if handler is not None:
                return self._redirected(handler())
            if tok.value in _CLOSERS:
                raise self._error(tok)
        return self._simple()

    def _redirected(self, node: Node) -> Node:
        redirects = []
        while self._at_redirect(self.peek()):
            redirects.append(self._redirect())
        return Redirected(node, redirects) if redirects else node

    @staticmethod
    def _at_redirect(tok: _Token) -> bool:
        return tok.kind == "io" or (tok.kind == "op" and tok.value in _REDIR_OPS)

    def _simple(self) -> Node:
        lineno = self.peek().lineno
        assigns: list[tuple[str, Word, bool]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while True:
            tok = self.peek()
            if self._at_redirect(tok):
                redirects.append(self._redirect())
                continue
            if tok.kind != "word" or tok.word is None:
                break
            self.next()
            if not words and (assign := _assignment(tok.word)) is not None:
                assigns.append(assign)
                continue
            words.append(tok.word)
            if len(words) == 1 and not assigns and not redirects \
                    and self._is_op(self.peek(), "("):
                return self._function_rest(tok)
        if not (assigns or words or redirects):
            raise self._error(self.peek())
        return Simple(assigns, words, redirects, lineno)

    def _redirect(self) -> Redirect:
        tok = self.next()
        fd = None
        if tok.kind == "io":
            fd = int(tok.value.lstrip("0") or "0")  # the lexer let no more than an int by
            tok = self.next()
        target = self.next()
        if target.kind == "eof":  # bash reads the end of the text as a newline here
            raise ShellSyntaxError("syntax error near unexpected token `newline'",
                                   target.lineno, True)
        if target.kind != "word" or target.word is None:
            raise self._error(target)
        if tok.value in ("<<", "<<-"):
            delimiter, quoted = _heredoc_delimiter(target.word)
            doc = HereDoc(delimiter, not quoted, tok.value == "<<-", tok.lineno)
            self.lx.pending.append(doc)
            return Redirect(fd, tok.value, None, doc)
        return Redirect(fd, tok.value, target.word)

    def _function_rest(self, name_tok: _Token) -> FuncDef:
        """After ``name`` comes ``()`` then a compound command: ``f() { ...; }``."""
        self.next()
        self._expect_op(")")
        return FuncDef(name_tok.value, self._function_body())

    def _function_keyword(self) -> FuncDef:
        self.next()
        name = self.next()
        if name.kind != "word":
            raise self._error(name)
        if self._is_op(self.peek(), "("):
            self.next()
            self._expect_op(")")
        return FuncDef(name.value, self._function_body())

    def _function_body(self) -> Node:
        self._skip_newlines()
        tok = self.peek()
        if not (self._is_op(tok, "(") or self._is_kw(tok, "{", "if", "while", "until", "for",
                                                     "case", "[[")):
            raise self._error(tok)
        return self._command()

    def _brace_group(self) -> Node:
        self.next()
        body = self._compound_list()
        self._expect_kw("}")
        return Group(body, subshell=False)

    def _if(self) -> Node:
        self.next()
        branches = []
        orelse = None
        cond = self._compound_list()
        self._expect_kw("then")
        branches.append((cond, self._compound_list()))
        while True:
            tok = self.next()
            if self._is_kw(tok, "elif"):
                cond = self._compound_list()
                self._expect_kw("then")
                branches.append((cond, self._compound_list()))
            elif self._is_kw(tok, "else"):
                orelse = self._compound_list()
                self._expect_kw("fi")
                return If(branches, orelse)
            elif self._is_kw(tok, "fi"):
                return If(branches, orelse)
            else:
                raise self._error(tok)

    def _while(self) -> Node:
        until = self.next().value == "until"
        cond = self._compound_list()
        self._expect_kw("do")
        body = self._compound_list()
        self._expect_kw("done")
        return Loop(cond, body, until)

    def _do_group(self) -> Node:
        self._skip_newlines()
        self._expect_kw("do")
        body = self._compound_list()
        self._expect_kw("done")
        return body

    def _for(self) -> Node:
        self.next()
        tok = self.peek()
        if self._is_op(tok, "(") and self.lx.src.startswith("(", self.lx.pos):
            return self._arith_for(tok)
        name = self.next()
        if name.kind != "word" or not _NAME_RE.fullmatch(name.value):
            raise self._error(name)
        self._skip_newlines()
        items = None
        if self._is_kw(self.peek(), "in"):
            self.next()
            items = []
            while self.peek().kind == "word":
                word = self.next().word
                assert word is not None
                items.append(word)
            end = self.next()
            if not self._is_op(end, ";", "\n"):
                raise self._error(end)
        elif self._is_op(self.peek(), ";"):
            self.next()
        return For(name.value, items, self._do_group())

    def _arith_for(self, tok: _Token) -> Node:
        lx = self.lx
        end = lx.arith_end(lx.pos + 1)
        if end is None:
            raise self._error(tok)
        self._peeked = None
        text = lx.src[lx.pos + 1 : end]
        lx.pos = end + 2
        pieces = text.split(";")
        if len(pieces) != 3:
            raise ShellSyntaxError(f"syntax error: `(({text}))'", tok.lineno)
        init, cond, step = (Word(lx._sub_parts(p), p) for p in pieces)
        if self._is_op(self.peek(), ";"):
            self.next()
        return ArithFor(init, cond, step, self._do_group())

    def _arith_command(self, tok: _Token) -> ArithCmd | None:
        """``(( expr ))``, told apart from a nested subshell ``( (cmd) )``."""
        lx = self.lx
        if not lx.src.startswith("(", lx.pos):
            return None
        end = lx.arith_end(lx.pos + 1)
        if end is None:
            return None
        self._peeked = None
        text = lx.src[lx.pos + 1 : end]
        parts = lx._sub_parts(text)
        lx.lineno += text.count("\n")
        lx.pos = end + 2
        return ArithCmd(Word(parts, text, tok.lineno), tok.lineno)

    def _case(self) -> Node:
        self.next()
        word = self.next()
        if word.kind != "word" or word.word is None:
            raise self._error(word)
        self._skip_newlines()
        self._expect_kw("in")
        self._skip_newlines()
        items = []
        while not self._is_kw(self.peek(), "esac"):
            if self._is_op(self.peek(), "("):
                self.next()
            patterns = [self._case_pattern()]
            while self._is_op(self.peek(), "|"):
                self.next()
                patterns.append(self._case_pattern())
            self._expect_op(")")
            self._skip_newlines()
            body = None
            if not (self._is_op(self.peek(), ";;") or self._is_kw(self.peek(), "esac")):
                body = self._compound_list()
            tok = self.peek()
            if self._is_op(tok, ";;"):
                self.next()
                self._skip_newlines()
            elif not self._is_kw(tok, "esac"):
                raise self._error(tok)
            items.append(CaseItem(patterns, body))
        self.next()
        return Case(word.word, items)

    def _case_pattern(self) -> Word:
        tok = self.next()
        if tok.kind != "word" or tok.word is None:
            raise self._error(tok)
        return tok.word

    def _cond(self) -> Node:
        """``[[ ... ]]``: collect words and operators up to ``]]``."""
        start = self.next()
        items: list[Word | str] = []
        while True:
            tok = self.next()
            if tok.kind == "eof":
                raise self._error(tok)
            if self._is_kw(tok, "]]"):
                break
            if tok.kind == "word" and tok.word is not None:
                items.append(tok.word)
                if tok.word.plain() == "=~":
                    items.append(self._cond_regex())
            elif self._is_op(tok, "&&", "||", "(", ")", "<", ">"):
                items.append(tok.value)
            elif not self._is_op(tok, "\n"):
                raise self._error(tok)
        if not items:
            raise ShellSyntaxError("syntax error near unexpected token `]]'", start.lineno, True)
        return CondCmd(items, start.lineno)

    def _cond_regex(self) -> Word:
        """After ``=~`` the regex is read raw: ``(``, ``|`` and ``)`` are regex syntax."""
        lx = self.lx
        lx._skip_blanks()
        src, i, depth = lx.src, lx.pos, 0
        while i < len(src):
            c = src[i]
            if c == "\\":
                i += 2
                continue
            if c in "'\"":
                close = src.find(c, i + 1)
                i = len(src) if close < 0 else close + 1
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            elif c in " \t\n" and depth == 0:
                break
            i += 1
        text = src[lx.pos : i]
        lx.pos = i
        sub = _Lexer(text, lx.lineno, lx.depth)
        return Word(sub._scan(stop="", quoted=False, quotes=True, escapes=None), text)


# The lexer reads the commands inside $(...) with this parser (see _Lexer.parser).
_Lexer.parser = _Parser
