"""The lexer: shell text cut into tokens, each word already cut into its parts.

Words are where shell syntax is hardest -- quotes, backslashes, ``$VAR``,
``${x:-default}``, ``$(...)``, backquotes, ``$((...))`` -- so the lexer does that work
and hands the parser each word as a :class:`~netsim.shell.ast.Word`. Operators
(``|``, ``&&``, ``;;``, ``>>``...) and newlines are tokens of their own. Keywords are
not: ``if`` is a word, and the parser decides where it is a keyword.

A ``$(...)`` holds whole commands, so reading one needs the parser: the lexer calls
``_Lexer.parser``, which ``parser.py`` sets to its parser class.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar, Protocol

from netsim.shell.ast import Arith, CmdSub, HereDoc, Lit, Node, Param, Part, Tilde, Word
from netsim.shell.errors import MAX_PARSE_DEPTH, ShellSyntaxError
from netsim.shell.escapes import ansi_c_quoted

_META = frozenset(" \t\n;&|()<>")
_OPERATORS = sorted(
    ["&&", "||", ";;", ";", "&", "|&", "|", "(", ")", "<<", "<<-", "<<<", ">>", ">", "<",
     ">&", "<&", "<>", ">|", "&>", "&>>"],
    key=len, reverse=True,
)
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IO_NUMBER = re.compile(r"[0-9]+(?=[<>])")
_DQ_ESCAPES = '$`"\\'
_HEREDOC_ESCAPES = "$`\\"


class _CommandParser(Protocol):
    """What the lexer needs of a parser: the commands inside ``$(...)`` and backquotes."""

    def parse_subst_body(self) -> Node | None: ...

    def parse_program(self) -> Node | None: ...


class _Token:
    __slots__ = ("kind", "value", "lineno", "word")

    def __init__(self, kind: str, value: str, lineno: int, word: Word | None = None) -> None:
        self.kind = kind  # "word", "op", "io" (the 2 of 2>), "eof"
        self.value = value
        self.lineno = lineno
        self.word = word

    def __repr__(self) -> str:
        return f"_Token({self.kind!r}, {self.value!r}, {self.lineno})"


class _Lexer:
    """Cuts shell text into tokens, reading each word's quotes and expansions.

    The parser pulls one token at a time. ``$(...)`` is parsed right away by a nested
    parser sharing this lexer, so quotes and parentheses inside it are understood
    exactly as outside. Here-document bodies are read when the newline after their
    ``<<WORD`` is reached.
    """

    # Reads the commands inside $(...) and backquotes. The grammar is recursive (a word
    # can hold commands) but the imports must not be: parser.py, which imports this
    # module, sets this to its _Parser class.
    parser: ClassVar[Callable[[_Lexer], _CommandParser]]

    def __init__(self, src: str, lineno: int = 1, depth: int = 0) -> None:
        self.src = src
        self.pos = 0
        self.lineno = lineno
        self.depth = depth
        self.pending: list[HereDoc] = []
        self.warnings: list[str] = []

    # ---------------------------------------------------------------- tokens
    def next_token(self) -> _Token:
        src = self.src
        while True:
            self._skip_blanks()
            if self.pos >= len(src):
                self._read_heredocs()
                return _Token("eof", "", self.lineno)
            if src[self.pos] != "#":
                break
            end = src.find("\n", self.pos)  # a comment runs to the end of the line
            self.pos = len(src) if end < 0 else end
        line = self.lineno
        if src[self.pos] == "\n":
            self.pos += 1
            self.lineno += 1
            self._read_heredocs()
            return _Token("op", "\n", line)
        number = _IO_NUMBER.match(src, self.pos)
        digits = number.group().lstrip("0") if number else ""
        if number and len(digits) <= 10 and int(digits or "0") < 1 << 31:
            # a redirection's fd is an int: a longer number is a word (bash's NUMBER)
            self.pos = number.end()
            return _Token("io", number.group(), line)
        for op in _OPERATORS:
            if src.startswith(op, self.pos):
                self.pos += len(op)
                return _Token("op", op, line)
        start = self.pos
        parts = self._scan(stop=_META, quoted=False, quotes=True, escapes=None, tilde=True)
        raw = src[start : self.pos]
        return _Token("word", raw, line, Word(parts, raw, line))

    def _skip_blanks(self) -> None:
        src = self.src
        while self.pos < len(src):
            if src[self.pos] in " \t":
                self.pos += 1
            elif src.startswith("\\\n", self.pos):  # line continuation
                self.pos += 2
                self.lineno += 1
            else:
                break

    def eof_lineno(self) -> int:
        """The line bash names for "unexpected end of file" (it adds a final newline)."""
        return self.lineno + (0 if self.src.endswith("\n") else 1)

    # ---------------------------------------------------------------- words
    def _scan(self, stop: frozenset[str] | str, quoted: bool, quotes: bool,
              escapes: str | None, tilde: bool = False) -> list[Part]:
        """Read word parts up to a character in ``stop`` (left unread) or the end.

        ``escapes`` None: a backslash quotes any character (unquoted text). Otherwise
        only the characters listed (inside double quotes, in here-documents).
        """
        src = self.src
        parts: list[Part] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                parts.append(Lit("".join(buf), quoted))
                buf.clear()

        if tilde and src.startswith("~", self.pos):
            after = src[self.pos + 1 : self.pos + 2]
            if after in ("", "/") or after in stop:
                parts.append(Tilde())
                self.pos += 1
        while self.pos < len(src):
            c = src[self.pos]
            if c in stop:
                break
            if c == "\\":
                nxt = src[self.pos + 1 : self.pos + 2]
                if nxt == "\n":
                    self.pos += 2
                    self.lineno += 1
                elif escapes is None and nxt:
                    flush()
                    parts.append(Lit(nxt, True))
                    self.pos += 2
                elif nxt and escapes is not None and nxt in escapes:
                    buf.append(nxt)
                    self.pos += 2
                else:
                    buf.append("\\")
                    self.pos += 1
                continue
            if quotes and c == "'":
                flush()
                parts.append(Lit(self._single_quoted(), True))
            elif quotes and c == '"':
                flush()
                parts.extend(self._double_quoted())
            elif quotes and c == "$" and src.startswith("$'", self.pos):
                flush()
                parts.append(Lit(self._ansi_c_quoted(), True))
            elif quotes and c == "$" and src.startswith('$"', self.pos):
                flush()  # $"...": a string to translate; there is one language here
                self.pos += 1
                parts.extend(self._double_quoted())
            elif c == "$":
                flush()
                parts.append(self._dollar(quoted))
            elif c == "`":
                flush()
                parts.append(self._backquoted(quoted))
            else:
                if c == "\n":
                    self.lineno += 1
                buf.append(c)
                self.pos += 1
        flush()
        return parts

    def _single_quoted(self) -> str:
        end = self.src.find("'", self.pos + 1)
        if end < 0:
            raise ShellSyntaxError("unexpected EOF while looking for matching `''", self.lineno)
        text = self.src[self.pos + 1 : end]
        self.lineno += text.count("\n")
        self.pos = end + 1
        return text

    def _ansi_c_quoted(self) -> str:
        """``$'...'``: C escapes (``\\n``, ``\\x41``, ``\\u263a``...), cut at a NUL."""
        src, i = self.src, self.pos + 2
        while i < len(src) and src[i] != "'":
            i += 2 if src[i] == "\\" else 1
        if i >= len(src):
            raise ShellSyntaxError("unexpected EOF while looking for matching `''", self.lineno)
        body = src[self.pos + 2 : i]
        self.lineno += body.count("\n")
        self.pos = i + 1
        return ansi_c_quoted(body)

    def _double_quoted(self) -> list[Part]:
        line = self.lineno
        self.pos += 1
        parts = self._scan(stop='"', quoted=True, quotes=False, escapes=_DQ_ESCAPES)
        if self.pos >= len(self.src):
            raise ShellSyntaxError("unexpected EOF while looking for matching `\"'", line)
        self.pos += 1
        if len(parts) == 1 and isinstance(parts[0], Param) and parts[0].name == "@" \
                and parts[0].op == "":
            return parts  # "$@" with no arguments is no word at all, not an empty one
        return [Lit("", True), *parts]  # the empty piece keeps "" as one (empty) field

    def _sub_parts(self, text: str) -> list[Part]:
        """Parts of text where only ``$``, backquotes and backslash are special."""
        sub = _Lexer(text, self.lineno, self.depth)
        return sub._scan(stop="", quoted=True, quotes=False, escapes=_HEREDOC_ESCAPES)

    def _dollar(self, quoted: bool) -> Part:
        src, p = self.src, self.pos
        nxt = src[p + 1 : p + 2]
        if nxt == "(":
            if src.startswith("((", p + 1):
                end = self.arith_end(p + 3)
                if end is not None:
                    text = src[p + 3 : end]
                    parts = self._sub_parts(text)
                    self.lineno += text.count("\n")
                    self.pos = end + 2
                    return Arith(Word(parts, text), quoted)
            self.pos = p + 2
            return self._command_subst(quoted, p)
        if nxt == "{":
            return self._braced(quoted)
        if nxt == "[":  # $[expr]: the old spelling of $((expr))
            end = self._bracket_end(p + 2)
            if end is not None:
                text = src[p + 2 : end]
                parts = self._sub_parts(text)
                self.pos = end + 1
                return Arith(Word(parts, text), quoted)
        name = _NAME_RE.match(src, p + 1)
        if name:
            self.pos = name.end()
            return Param(name.group(), quoted=quoted)
        if nxt and nxt in "0123456789?#@*$!-":
            self.pos = p + 2
            return Param(nxt, quoted=quoted)
        self.pos = p + 1
        return Lit("$", quoted)

    def _bracket_end(self, start: int) -> int | None:
        depth = 0
        for i in range(start, len(self.src)):
            if self.src[i] == "[":
                depth += 1
            elif self.src[i] == "]":
                if depth == 0:
                    return i
                depth -= 1
        return None

    def arith_end(self, start: int) -> int | None:
        """Index of the ``))`` closing an arithmetic expression that starts at ``start``."""
        depth = 0
        src = self.src
        for i in range(start, len(src)):
            ch = src[i]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    return i if src.startswith("))", i) else None
                depth -= 1
        return None

    def _command_subst(self, quoted: bool, start: int) -> CmdSub:
        self.depth += 1
        if self.depth > MAX_PARSE_DEPTH:
            raise ShellSyntaxError("syntax error: nesting too deep", self.lineno)
        try:
            body = self.parser(self).parse_subst_body()
        finally:
            self.depth -= 1
        return CmdSub(body, self.src[start : self.pos], quoted)

    def _backquoted(self, quoted: bool) -> CmdSub:
        src, line = self.src, self.lineno
        specials = "$`\\" + ('"' if quoted else "")
        buf: list[str] = []
        i = self.pos + 1
        while i < len(src) and src[i] != "`":
            if src[i] == "\\" and src[i + 1 : i + 2] and src[i + 1] in specials:
                buf.append(src[i + 1])
                i += 2
            else:
                buf.append(src[i])
                i += 1
        if i >= len(src):
            raise ShellSyntaxError("unexpected EOF while looking for matching ``'", line)
        inner = "".join(buf)
        self.lineno += src.count("\n", self.pos, i)
        self.pos = i + 1
        if self.depth + 1 > MAX_PARSE_DEPTH:
            raise ShellSyntaxError("syntax error: nesting too deep", line)
        body = self.parser(_Lexer(inner, line, self.depth + 1)).parse_program()
        return CmdSub(body, f"`{inner}`", quoted)

    def _braced(self, quoted: bool) -> Part:
        """``${...}``: a name, then optionally ``#`` before it or an operator after it."""
        src, start = self.src, self.pos
        self.pos += 2
        indirect = _NAME_RE.match(src, self.pos + 1) if src.startswith("!", self.pos) else None
        if indirect and src.startswith("}", indirect.end()):
            self.pos = indirect.end() + 1
            return Param(indirect.group(), "indirect", quoted=quoted)
        length = src.startswith("#", self.pos) and src[self.pos + 1 : self.pos + 2] not in ("}", "")
        if length:
            self.pos += 1
        name = self._param_name()
        if not name:
            return self._bad_substitution(start, quoted)
        if src.startswith("}", self.pos):
            self.pos += 1
            return Param(name, "len" if length else "", quoted=quoted)
        if length:
            return self._bad_substitution(start, quoted)
        for op in (":-", ":=", ":?", ":+", "-", "=", "?", "+", "##", "#", "%%", "%", "//", "/"):
            if src.startswith(op, self.pos):
                self.pos += len(op)
                break
        else:
            return self._bad_substitution(start, quoted)
        line = self.lineno
        if op in ("/", "//"):
            pattern = self._scan(stop="/}", quoted=quoted, quotes=True, escapes=None)
            replacement = None
            if src.startswith("/", self.pos):
                self.pos += 1
                replacement = Word(self._scan(stop="}", quoted=quoted, quotes=True, escapes=None))
            self._close_brace(line)
            return Param(name, op, Word(pattern), quoted, replacement)
        arg = self._scan(stop="}", quoted=quoted, quotes=True, escapes=None)
        self._close_brace(line)
        return Param(name, op, Word(arg), quoted)

    def _param_name(self) -> str:
        src = self.src
        m = _NAME_RE.match(src, self.pos) or re.compile(r"[0-9]+").match(src, self.pos)
        if m:
            self.pos = m.end()
            return m.group()
        if src[self.pos : self.pos + 1] and src[self.pos] in "?#@*$!-":
            self.pos += 1
            return src[self.pos - 1]
        return ""

    def _close_brace(self, line: int) -> None:
        if not self.src.startswith("}", self.pos):
            raise ShellSyntaxError("unexpected EOF while looking for matching `}'", line)
        self.pos += 1

    def _bad_substitution(self, start: int, quoted: bool) -> Param:
        end = self.src.find("}", self.pos)
        if end < 0:
            raise ShellSyntaxError("unexpected EOF while looking for matching `}'", self.lineno)
        self.pos = end + 1
        return Param("", "bad", quoted=quoted, raw=self.src[start : self.pos])

    # ---------------------------------------------------------------- here-documents
    def _read_heredocs(self) -> None:
        docs, self.pending = self.pending, []
        for doc in docs:
            self._read_heredoc(doc)

    def _read_heredoc(self, doc: HereDoc) -> None:
        src, start_line = self.src, self.lineno
        lines: list[str] = []
        while True:
            if self.pos >= len(src):
                self.warnings.append(
                    f"warning: here-document at line {doc.lineno} delimited by end-of-file "
                    f"(wanted `{doc.delimiter}')"
                )
                break
            end = src.find("\n", self.pos)
            line = src[self.pos :] if end < 0 else src[self.pos : end]
            self.pos = len(src) if end < 0 else end + 1
            self.lineno += 1
            if doc.strip_tabs:
                line = line.lstrip("\t")
            if line == doc.delimiter:
                break
            lines.append(line + "\n")
        text = "".join(lines)
        if doc.expand:
            sub = _Lexer(text, start_line, self.depth)
            parts = sub._scan(stop="", quoted=True, quotes=False, escapes=_HEREDOC_ESCAPES)
        else:
            parts = [Lit(text, True)]
        doc.body = Word(parts, text, start_line)
