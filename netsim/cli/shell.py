"""A small POSIX shell: what runs the text a student types into a simulated host.

``Shell(host, commands, fs).run("ip link add br0 type bridge && ip link set br0 up")``
reads the text the way bash does -- words, quotes, ``$VAR``, ``$(...)``, pipes, ``&&``,
``if``/``for``/``while``/``case``, functions, redirections, here-documents -- and calls
the programs it names. Programs come from three places, looked up in this order:

1. shell functions the script defined, then the shell's own builtins (``cd``, ``echo``,
   ``export``, ``test``/``[``, ``read``, ``source``...), which must live inside the
   shell because they change the shell itself;
2. the ``commands`` registry: ``ip``, ``bridge``, ``brctl``, ``ping``... written
   elsewhere in netsim, each ``fn(host, argv, io) -> status``;
3. small coreutils written here (``cat``, ``grep``, ``head``, ``wc``, ``ls``,
   ``chmod``...), then executable files in ``$PATH`` directories of the host's file
   system.

How one command line runs (the same order as bash):

    text --lexer--> tokens --parser--> tree of nodes --executor--> status
                                        expand words: $VAR, $(...), $((...)), split
                                        open redirections, then call the program

Pipes are not concurrent: ``a | b`` runs ``a`` to completion, then gives its output to
``b`` as standard input. That is invisible to these short-lived commands, and it keeps
the simulation deterministic. For the same reason ``cmd &`` simply runs ``cmd`` before
going on (there is no job control), and ``wait`` returns at once.

What it leaves out, on purpose: globbing (``*`` stays literal), arrays, ``trap``,
job control, aliases, the history, and prompts. A script runs to completion or to a
limit: :data:`MAX_STEPS` commands and loop rounds per :meth:`Shell.run` (exit status
124, as ``timeout`` uses), :data:`MAX_FUNC_DEPTH` nested function calls, and
:data:`MAX_TEXT` characters in one word or output stream -- so an endless loop in a
notebook stops with a message instead of hanging it.

One ``Shell`` is one open terminal: variables, functions and the working directory
persist from one :meth:`Shell.run` to the next, and messages are worded as an
interactive bash words them (``bash: foo: command not found``, ``bash: syntax error
near unexpected token `fi'``). Script files get bash's script wording (``x.sh: line 3:
...``), ``bash -c`` its own (``bash: -c: line 1: ...``). The coreutils print what GNU
coreutils 9 print under a UTF-8 locale (``mkdir: cannot create directory ‘x’: File
exists``), since students compare with a real terminal. ``awk`` is a small subset
(fields, patterns, print/printf, if, BEGIN/END); anything else is refused with a
message saying so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from netsim.cli.io import CommandFn, CommandResult, Io
from netsim.user.fs import VirtualFS

MAX_STEPS = 100_000  # simple commands + loop rounds in one run()
MAX_FUNC_DEPTH = 100  # nested function calls (bash's FUNCNEST)
MAX_NESTING = 150  # nested subshells, $(...), scripts, sourced files
MAX_PARSE_DEPTH = 200  # nested compound commands in the source text
MAX_TEXT = 8_000_000  # characters in one word, variable or output stream
_RECURSION_LIMIT = 20_000  # Python frames needed for the depths above
_LIMIT_STATUS = 124

# Where `which` says a program lives: the network tools are in /usr/sbin on Debian.
_SBIN = frozenset({
    "ip", "bridge", "brctl", "sysctl", "tcpdump", "iptables", "ip6tables", "nft", "tc",
    "ethtool", "arp", "route", "ifconfig", "modprobe", "tunctl", "dnsmasq",
})


# ====================================================================== errors
class ShellSyntaxError(Exception):
    """Text that does not parse; ``message`` is bash's wording, without the prefix."""

    def __init__(self, message: str, lineno: int, show_line: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno
        self.show_line = show_line  # bash echoes the offending line after "near token"


class _Unwind(Exception):
    """Base of the exceptions the executor uses to jump out of nested calls."""


class _Break(_Unwind):
    def __init__(self, levels: int) -> None:
        super().__init__()
        self.levels = levels


class _Continue(_Unwind):
    def __init__(self, levels: int) -> None:
        super().__init__()
        self.levels = levels


class _Return(_Unwind):
    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status


class _Exit(_Unwind):
    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status


class _ExpansionError(_Unwind):
    """``${x:?}``, bad arithmetic, ``set -u``: a non-interactive bash stops the script."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class _LimitExceeded(_Unwind):
    """A resource limit: ends the whole ``run``, whatever subshell it happened in."""


class _RedirError(Exception):
    """A redirection that cannot be opened: the command is not run, status 1."""


class _Usage(Exception):
    """A bad option to a coreutil: its message, then GNU's 'Try ... --help' line."""

    def __init__(self, message: str, hint: bool = True) -> None:
        super().__init__(message)
        self.hint = hint


# ====================================================================== syntax tree
@dataclass
class Lit:
    """Literal text; ``quoted`` text is never split into fields nor used as a pattern."""

    text: str
    quoted: bool = False


@dataclass
class Tilde:
    """A leading ``~``: ``$HOME``."""


@dataclass
class Param:
    """``$name`` or ``${name<op><arg>}``; ``op`` is ``""``, ``"len"``, ``":-"``..."""

    name: str
    op: str = ""
    arg: Word | None = None
    quoted: bool = False
    arg2: Word | None = None  # the replacement in ${x/pat/rep}
    raw: str = ""


@dataclass
class CmdSub:
    """``$(...)`` or backquotes: the output of a parsed command list."""

    body: Node | None
    source: str
    quoted: bool = False


@dataclass
class Arith:
    """``$((expr))``; ``expr`` is expanded first, then evaluated."""

    expr: Word
    quoted: bool = False


Part = Lit | Tilde | Param | CmdSub | Arith


@dataclass
class Word:
    parts: list[Part]
    raw: str = ""
    lineno: int = 1

    def plain(self) -> str | None:
        """The text if the word has no quotes and no expansions (so it may be a keyword)."""
        if all(isinstance(p, Lit) and not p.quoted for p in self.parts):
            return "".join(p.text for p in self.parts)  # type: ignore[union-attr]
        return None


@dataclass
class HereDoc:
    delimiter: str
    expand: bool
    strip_tabs: bool
    lineno: int
    body: Word | None = None


@dataclass
class Redirect:
    fd: int | None
    op: str
    target: Word | None = None
    heredoc: HereDoc | None = None


@dataclass
class Simple:
    assigns: list[tuple[str, Word, bool]]
    words: list[Word]
    redirects: list[Redirect]
    lineno: int


@dataclass
class Pipeline:
    commands: list[Node]
    negated: bool = False


@dataclass
class AndOr:
    first: Node
    rest: list[tuple[str, Node]]


@dataclass
class Sequence:
    items: list[Node]


@dataclass
class Group:
    body: Node
    subshell: bool


@dataclass
class Redirected:
    """A compound command with redirections: ``while ...; done < file``."""

    body: Node
    redirects: list[Redirect]


@dataclass
class If:
    branches: list[tuple[Node, Node]]
    orelse: Node | None


@dataclass
class Loop:
    cond: Node
    body: Node
    until: bool


@dataclass
class For:
    var: str
    items: list[Word] | None
    body: Node


@dataclass
class ArithFor:
    init: Word
    cond: Word
    step: Word
    body: Node


@dataclass
class CaseItem:
    patterns: list[Word]
    body: Node | None


@dataclass
class Case:
    word: Word
    items: list[CaseItem]


@dataclass
class FuncDef:
    name: str
    body: Node


@dataclass
class ArithCmd:
    expr: Word
    lineno: int


@dataclass
class CondCmd:
    """``[[ ... ]]``: words, and operators kept as plain strings."""

    items: list[Word | str]
    lineno: int


Node = (
    Simple | Pipeline | AndOr | Sequence | Group | Redirected | If | Loop | For | ArithFor
    | Case | FuncDef | ArithCmd | CondCmd
)


# ====================================================================== lexer
_META = frozenset(" \t\n;&|()<>")
_OPERATORS = sorted(
    ["&&", "||", ";;", ";", "&", "|&", "|", "(", ")", "<<", "<<-", "<<<", ">>", ">", "<",
     ">&", "<&", "<>", ">|", "&>", "&>>"],
    key=len, reverse=True,
)
_REDIR_OPS = frozenset(["<", ">", ">>", ">|", "<>", "<&", ">&", "&>", "&>>", "<<", "<<-", "<<<"])
_CLOSERS = frozenset(["then", "else", "elif", "fi", "do", "done", "esac", "}"])
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IO_NUMBER = re.compile(r"[0-9]+(?=[<>])")
_DQ_ESCAPES = '$`"\\'
_HEREDOC_ESCAPES = "$`\\"


@dataclass
class _Token:
    kind: str  # "word", "op", "io" (the 2 of 2>), "eof"
    value: str
    lineno: int
    word: Word | None = None


class _Lexer:
    """Cuts shell text into tokens, reading each word's quotes and expansions.

    The parser pulls one token at a time. ``$(...)`` is parsed right away by a nested
    parser sharing this lexer, so quotes and parentheses inside it are understood
    exactly as outside. Here-document bodies are read when the newline after their
    ``<<WORD`` is reached.
    """

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
        if number:
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
            body = _Parser(self).parse_subst_body()
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
        body = _Parser(_Lexer(inner, line, self.depth + 1)).parse_program()
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


# ====================================================================== parser
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
            self.next()
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
            self.next()
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
            fd = int(tok.value) if len(tok.value) < 6 else 99999
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


# ====================================================================== streams
class _Input:
    """A command's standard input: text, read from the front as commands consume it.

    One ``_Input`` is shared by every command of ``while read l; do ...; done < f``, so
    each ``read`` gets the next line. ``regular`` means it came from a file (``wc`` pads
    its numbers differently for files and pipes).
    """

    def __init__(self, text: str = "", regular: bool = False) -> None:
        self.text = text
        self.pos = 0
        self.regular = regular

    def read_all(self) -> str:
        rest = self.text[self.pos :]
        self.pos = len(self.text)
        return rest

    def read_line(self) -> str | None:
        if self.pos >= len(self.text):
            return None
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end + 1
        line = self.text[self.pos : end]
        self.pos = end
        return line

    def peek_all(self) -> str:
        return self.text[self.pos :]


class _Output:
    """Where a command's writes go: the terminal of ``run``, a pipe, or ``$(...)``."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        if not text:
            return
        self.size += len(text)
        if self.size > MAX_TEXT:
            raise _LimitExceeded(f"netsim: output longer than {MAX_TEXT} characters")
        self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)


class _FileOutput(_Output):
    """Output redirected to a file: kept, then written when the redirection closes.

    Writing once at the end is what a sysfs file needs: ``echo 1 > stp_state`` is one
    write of ``"1\\n"``, which the model checks and may refuse (EINVAL).
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def flush(self, fs: VirtualFS) -> None:
        text = self.text()
        self.parts.clear()
        if text:
            fs.write(self.path, text, append=True)


class _NullOutput(_Output):
    def write(self, text: str) -> None:
        pass


Fd = _Input | _Output


@dataclass
class _Budget:
    """Counters shared by a shell and all its subshells during one ``run``."""

    steps: int = 0
    nesting: int = 0
    func_depth: int = 0
    active: int = 0


# ====================================================================== arithmetic
_ARITH_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9][0-9A-Za-z_#@]*)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*=|<<=|>>=|&&|\|\||\+\+|--|<<|>>|<=|>=|==|!=|\*\*|[-+*/%&|^]="
    r"|[-+*/%<>=!~&|^?:(),]))"
)
_ASSIGN_OPS = frozenset(["=", "*=", "/=", "%=", "+=", "-=", "<<=", ">>=", "&=", "^=", "|="])
_ARITH_LEVELS = [("|",), ("^",), ("&",), ("==", "!="), ("<", "<=", ">", ">="), ("<<", ">>"),
                 ("+", "-"), ("*", "/", "%")]


class _ArithError(Exception):
    def __init__(self, message: str, token: str, subject: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.subject = subject  # what bash names before the colon, if not the expression


def _wrap64(n: int) -> int:
    """bash computes with signed 64-bit integers: 2**63 wraps to -2**63."""
    return ((n + (1 << 63)) % (1 << 64)) - (1 << 63)


class _Arith:
    """``$(( ))``, ``(( ))`` and ``let``: C integer expressions over shell variables.

    Precedence climbing over a token list. ``skip`` counts branches that must be parsed
    but not evaluated (the right of ``&&`` when the left is 0, the unused arm of ``?:``),
    so ``x && y++`` does not increment ``y`` when ``x`` is 0.
    """

    def __init__(self, shell: Shell, text: str, depth: int = 0) -> None:
        self.sh = shell
        self.text = text
        self.depth = depth
        self.tokens: list[tuple[str, str, int]] = []
        self.i = 0
        self.skip = 0
        pos = 0
        while pos < len(text):
            m = _ARITH_TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                if text[pos:].strip() == "":
                    break
                raise _ArithError("syntax error: invalid arithmetic operator",
                                  text[pos:].strip())
            kind = m.lastgroup or "op"
            self.tokens.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()

    # ---------------------------------------------------------------- plumbing
    def evaluate(self) -> int:
        if not self.tokens:
            return 0
        value = self.comma()
        if self.i < len(self.tokens):
            raise _ArithError("syntax error in expression", self.rest())
        return value

    def rest(self) -> str:
        """The text from the current token on: bash's "error token"."""
        if self.i < len(self.tokens):
            return self.text[self.tokens[self.i][2] :]
        return self.text[self.tokens[-1][2] :] if self.tokens else ""

    def peek_op(self) -> str | None:
        if self.i < len(self.tokens) and self.tokens[self.i][0] == "op":
            return self.tokens[self.i][1]
        return None

    def take(self) -> tuple[str, str, int]:
        if self.i >= len(self.tokens):
            raise _ArithError("syntax error: operand expected", self.rest())
        self.i += 1
        return self.tokens[self.i - 1]

    def expect(self, op: str, message: str) -> None:
        if self.peek_op() != op:
            raise _ArithError(message, self.rest())
        self.i += 1

    def var(self, name: str) -> int:
        value = self.sh._lookup_var(name)
        if value is None and "nounset" in self.sh.options:
            raise _ExpansionError(f"{name}: unbound variable", 127)
        value = (value or "").strip()
        if not value:
            return 0
        if re.fullmatch(r"-?[0-9]+", value):
            return _wrap64(int(value))
        if self.depth >= 10:
            raise _ArithError("expression recursion level exceeded", value)
        return _Arith(self.sh, value, self.depth + 1).evaluate()

    def store(self, name: str, value: int) -> int:
        if not self.skip:
            self.sh._assign(name, str(value))
        return value

    # ---------------------------------------------------------------- grammar
    def comma(self) -> int:
        value = self.assign()
        while self.peek_op() == ",":
            self.i += 1
            value = self.assign()
        return value

    def assign(self) -> int:
        toks = self.tokens
        if (self.i + 1 < len(toks) and toks[self.i][0] == "name"
                and toks[self.i + 1][0] == "op" and toks[self.i + 1][1] in _ASSIGN_OPS):
            name = toks[self.i][1]
            op = toks[self.i + 1][1]
            self.i += 2
            value = self.assign()
            if op != "=":
                value = self.binop(op[:-1], self.var(name), value, self.rest())
            return self.store(name, value)
        return self.ternary()

    def ternary(self) -> int:
        cond = self.logical_or()
        if self.peek_op() != "?":
            return cond
        self.i += 1
        self.skip += not cond
        yes = self.assign()
        self.skip -= not cond
        self.expect(":", "syntax error: `:' expected for conditional expression")
        self.skip += bool(cond)
        no = self.assign()
        self.skip -= bool(cond)
        return yes if cond else no

    def logical_or(self) -> int:
        value = self.logical_and()
        while self.peek_op() == "||":
            self.i += 1
            self.skip += bool(value)
            right = self.logical_and()
            self.skip -= bool(value)
            value = int(bool(value) or bool(right))
        return value

    def logical_and(self) -> int:
        value = self.binary(0)
        while self.peek_op() == "&&":
            self.i += 1
            self.skip += not value
            right = self.binary(0)
            self.skip -= not value
            value = int(bool(value) and bool(right))
        return value

    def binary(self, level: int) -> int:
        if level == len(_ARITH_LEVELS):
            return self.power()
        value = self.binary(level + 1)
        while self.peek_op() in _ARITH_LEVELS[level]:
            op = self.take()[1]
            where = self.rest()
            value = self.binop(op, value, self.binary(level + 1), where)
        return value

    def power(self) -> int:
        value = self.unary()
        if self.peek_op() == "**":
            self.i += 1
            where = self.rest()
            value = self.binop("**", value, self.power(), where)
        return value

    def unary(self) -> int:
        op = self.peek_op()
        if op in ("!", "~", "-", "+"):
            self.i += 1
            value = self.unary()
            return {"!": int(not value), "~": ~value, "-": _wrap64(-value), "+": value}[op]
        if op in ("++", "--"):
            self.i += 1
            kind, name, _pos = self.take()
            if kind != "name":
                raise _ArithError("syntax error: operand expected", name)
            return self.store(name, _wrap64(self.var(name) + (1 if op == "++" else -1)))
        return self.postfix()

    def postfix(self) -> int:
        kind, text, _pos = self.take()
        if kind == "num":
            return self.number(text)
        if kind == "name":
            value = self.var(text)
            if self.peek_op() in ("++", "--"):
                step = 1 if self.take()[1] == "++" else -1
                self.store(text, _wrap64(value + step))
            return value
        if text == "(":
            value = self.comma()
            self.expect(")", "missing `)'")
            return value
        self.i -= 1
        raise _ArithError("syntax error: operand expected", self.rest())

    @staticmethod
    def number(text: str) -> int:
        digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@_"
        if re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
            return _wrap64(int(text, 16))
        if re.fullmatch(r"[0-9]+#[0-9A-Za-z@_]+", text):
            base_text, num = text.split("#", 1)
            base = int(base_text)
            if not 2 <= base <= 64:
                raise _ArithError("invalid arithmetic base", text, text)
            value = 0
            for ch in num:
                d = digits.index(ch) if base > 36 else digits.index(ch.lower())
                if d >= base:
                    raise _ArithError("value too great for base", text, text)
                value = value * base + d
            return _wrap64(value)
        if re.fullmatch(r"0[0-7]*", text):
            return int(text, 8)
        if re.fullmatch(r"[1-9][0-9]*", text):
            return _wrap64(int(text))
        raise _ArithError("value too great for base", text, text)

    def binop(self, op: str, a: int, b: int, where: str) -> int:
        if op in ("/", "%") and b == 0:
            if self.skip:
                return 0
            raise _ArithError("division by 0", where)
        if op == "**" and b < 0:
            if self.skip:
                return 0
            raise _ArithError("exponent less than 0", where)
        result = {
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
            "/": lambda: abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1),
            "%": lambda: a - b * (abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)),
            "**": lambda: pow(a, b, 1 << 64), "<<": lambda: a << (b & 63),
            ">>": lambda: a >> (b & 63), "&": lambda: a & b, "|": lambda: a | b,
            "^": lambda: a ^ b, "<": lambda: int(a < b), "<=": lambda: int(a <= b),
            ">": lambda: int(a > b), ">=": lambda: int(a >= b), "==": lambda: int(a == b),
            "!=": lambda: int(a != b),
        }[op]()
        return _wrap64(result)


# ====================================================================== patterns
_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "xdigit": "0-9A-Fa-f", "cntrl": r"\x00-\x1f\x7f",
    "print": r"\x20-\x7e", "graph": r"\x21-\x7e", "word": r"\w",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
}


def _bracket(p: str, i: int, glob: bool) -> tuple[str | None, int]:
    """Translate the bracket expression at ``p[i] == "["`` to a Python class.

    Returns (class, index after it), or (None, i) when there is no closing ``]``.
    In a glob ``[!a]`` negates and a backslash escapes; in a POSIX regex it is literal.
    """
    n = len(p)
    j = i + 1
    negate = False
    if j < n and (p[j] == "^" or (glob and p[j] == "!")):
        negate = True
        j += 1
    items: list[str] = []
    if j < n and p[j] == "]":
        items.append(r"\]")
        j += 1
    while j < n and p[j] != "]":
        if p.startswith("[:", j) and (k := p.find(":]", j + 2)) > 0:
            name = p[j + 2 : k]
            if name not in _CLASSES:
                raise re.error("invalid character class")
            items.append(_CLASSES[name])
            j = k + 2
            continue
        ch = p[j]
        if glob and ch == "\\" and j + 1 < n:
            items.append(re.escape(p[j + 1]))
            j += 2
            continue
        if ch == "-" and items and items[-1].endswith("-"):
            items.append(r"\-")
        else:
            items.append("\\" + ch if ch in "\\[]^&~|" else ch)
        j += 1
    if j >= n:
        return None, i
    return "[" + ("^" if negate else "") + "".join(items) + "]", j + 1


def _posix_regex(p: str, extended: bool) -> str:
    """A POSIX basic (grep) or extended (grep -E, [[ =~ ]]) regex as a Python regex."""
    out: list[str] = []
    i = 0
    n = len(p)
    while i < n:
        c = p[i]
        if c == "\\" and i + 1 < n:
            d = p[i + 1]
            i += 2
            if not extended and d in "(){}|+?":
                out.append(d)
            elif d in "<>":
                out.append(r"\b")
            elif d in "wWsSbB" or d.isdigit():
                out.append("\\" + d)
            else:
                out.append(re.escape(d))
            continue
        if c == "[":
            cls, j = _bracket(p, i, glob=False)
            if cls is None:
                raise re.error("unterminated character set")
            out.append(cls)
            i = j
            continue
        if not extended and c in "(){}|+?":
            out.append("\\" + c)
        elif c == "*" and (not out or out[-1] in ("(", "|", "^")):
            out.append(r"\*")  # a leading * is an ordinary character
        elif c == "{" and not re.match(r"\{[0-9]*(,[0-9]*)?\}", p[i:]):
            out.append(r"\{")
        else:
            out.append(c)
        i += 1
    return "".join(out)


_QUOTED, _EXPANDED = 1, 2
_Segment = tuple[str | None, int]  # (text, flags); (None, 0) separates the fields of "$@"
_FIELD_BREAK: _Segment = (None, 0)


def _glob_regex(segments: list[_Segment]) -> str:
    """A shell pattern (``case``, ``${x#pat}``, ``[[ == ]]``) as a Python regex.

    Only unquoted text is a pattern: in ``case $x in "*")`` the star is literal.
    """
    out: list[str] = []
    for text, flags in segments:
        if text is None:
            out.append(" ")
            continue
        if flags & _QUOTED:
            out.append(re.escape(text))
            continue
        i = 0
        while i < len(text):
            c = text[i]
            if c == "*":
                out.append(".*")
            elif c == "?":
                out.append(".")
            elif c == "[":
                try:
                    cls, j = _bracket(text, i, glob=True)
                except re.error:
                    cls, j = None, i
                if cls is not None:
                    out.append(cls)
                    i = j
                    continue
                out.append(r"\[")
            elif c == "\\" and i + 1 < len(text):
                out.append(re.escape(text[i + 1]))
                i += 1
            else:
                out.append(re.escape(c))
            i += 1
    return "".join(out)


def _compile_glob(segments: list[_Segment]) -> re.Pattern[str]:
    """The compiled pattern; one Python rejects (``[z-a]``) matches only itself."""
    try:
        return re.compile(_glob_regex(segments), re.DOTALL)
    except re.error:
        return re.compile(re.escape("".join(t or " " for t, _ in segments)), re.DOTALL)


def _ifs_split(text: str, ifs: str) -> list[str]:
    """``re.split`` of ``text`` on IFS, keeping the separators at odd indexes."""
    ws = "".join(c for c in ifs if c in " \t\n")
    other = "".join(c for c in ifs if c not in " \t\n")
    pieces = []
    if other:
        w = f"[{re.escape(ws)}]*" if ws else ""
        pieces.append(f"{w}[{re.escape(other)}]{w}")
    if ws:
        pieces.append(f"[{re.escape(ws)}]+")
    return re.split("(" + "|".join(pieces) + ")", text)


def _shell_quote(s: str) -> str:
    """How ``set -x`` shows an argument: quoted only when needed."""
    if s and re.fullmatch(r"[\w@%+=:,./-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def _quote_name(name: str) -> str:
    """File names in coreutils messages: 'name' (GNU's shell-escape quoting)."""
    return f'"{name}"' if "'" in name else f"'{name}'"


def _debug() -> bool:
    return bool(os.environ.get("NETSIM_DEBUG"))


def _status_of(value: object) -> int:
    """A program's return value as an exit status 0..255 (None counts as success)."""
    if value is None:
        return 0
    try:
        return int(value) & 0xFF  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 1


# ====================================================================== the shell
class Shell:
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
        self._script: str | None = None  # the file being run: messages say "FILE: line N:"
        self._lineno = 1
        self._budget = _Budget()
        self._fds: dict[int, Fd] = {0: _Input(), 1: _Output(), 2: _Output()}
        self._locals: list[dict[str, tuple[str | None, bool]]] = []
        self._loops = 0
        self._sourcing = 0
        self._quiet = 0  # > 0 inside if/while conditions and `a && b`: no errexit
        self._subst_status: int | None = None
        self._exec_outputs: list[_FileOutput] = []

    # ================================================================ public API
    def run(self, script: str, stdin: str = "", args: list[str] | None = None) -> CommandResult:
        """Run shell text; return its output, errors and the last command's status.

        ``args`` runs it as a script file would: ``args[0]`` is ``$0`` (and the name in
        error messages), the rest are ``$1``, ``$2``... Never raises for any text, except
        that with the environment variable ``NETSIM_DEBUG`` set, a Python error inside
        a program is re-raised so a developer sees its traceback.
        """
        out, err = _Output(), _Output()
        saved = (self._fds, self.arg0, self.positional, self._script, self._exec_outputs)
        self._fds = {0: _Input(stdin), 1: out, 2: err}
        self._exec_outputs = []
        if args:
            self.arg0, self.positional, self._script = args[0], list(args[1:]), args[0]
        budget = self._budget
        if budget.active == 0:
            budget.steps = budget.nesting = budget.func_depth = 0
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
        return CommandResult(self.status, out.text(), err.text())

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
            return e.status
        except _ExpansionError as e:
            self._diag(str(e))
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
            target.parts.append(text)

    def _run_text(self, text: str, label: str | None) -> int:
        """Parse and run text one complete command at a time, as bash reads a script.

        ``label`` picks the wording of syntax errors: ``interactive`` (a terminal:
        ``bash: syntax error near...``), ``-c`` (``bash: -c: line 1: ...``), ``eval``,
        or None for a file (``FILE: line 3: ...``).
        """
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
        if name.isdigit():
            if name == "0":
                return self.arg0
            index = int(name)
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
            sink = self._fds.get(1, _NullOutput()) if last else _Output()
            child = self._subshell()
            child._fds[0] = stdin
            child._fds[1] = sink
            statuses.append(child._run_isolated(lambda c=child, n=command: c._execute(n)))
            if not last:
                stdin = _Input(sink.text()) if isinstance(sink, _Output) else _Input()
        if "pipefail" in self.options:
            return next((s for s in reversed(statuses) if s), 0)
        return statuses[-1]

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

    def _loop_body(self, body: Node) -> int | None:
        """Run one round of a loop: its status, or None when ``break`` ends the loop."""
        try:
            return self._execute(body)
        except _Break as e:
            if e.levels > 1:
                e.levels -= 1
                raise
            return None
        except _Continue as e:
            if e.levels > 1:
                e.levels -= 1
                raise
            return 0

    def _exec_loop(self, node: Loop) -> int:
        status = 0
        self._loops += 1
        try:
            while True:
                self._tick()
                if (self._quietly(node.cond) == 0) == node.until:
                    return status
                result = self._loop_body(node.body)
                if result is None:
                    return 0
                status = result
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
                result = self._loop_body(node.body)
                if result is None:
                    return 0
                status = result
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
                result = self._loop_body(node.body)
                if result is None:
                    return 0
                status = result
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
        try:
            tree, end = _cond_parse(node.items, 0)
            if end != len(node.items):
                raise _TestError("syntax error in conditional expression")
            return 0 if self._cond_eval(tree) else 1
        except _TestError as e:
            self._diag(str(e))
            return 2

    # ================================================================ simple commands
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
        self._exec_outputs.extend(o for o in opened if isinstance(o, _FileOutput))
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
            return fn(ctx, argv)
        except _Unwind:
            raise
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
        try:
            status = program(self.host, list(argv), io)
        except Exception as e:
            if _debug():
                raise
            self._write(1, io.stdout)
            self._write(2, io.stderr)
            self._diag(f"{argv[0]}: internal error: {type(e).__name__}: {e}")
            return 1
        self._write(1, io.stdout)
        self._write(2, io.stderr)
        return _status_of(status)

    # ================================================================ redirections
    def _with_redirects(self, redirects: list[Redirect], fn: Callable[[], int], name: str) -> int:
        """Open ``redirects`` around ``fn``, as bash does between fork and exec."""
        if not redirects:
            return fn()
        fds = dict(self._fds)
        opened: list[_Output] = []
        try:
            for redirect in redirects:
                self._open_redirect(redirect, fds, opened)
        except _RedirError as e:
            self._diag(str(e))
            return 1
        saved = self._fds
        self._fds = fds
        try:
            status = fn()
        finally:
            self._fds = saved
            ok = all([self._flush(out, name) for out in opened])
        return status if ok else 1

    def _flush(self, out: _Output, name: str) -> bool:
        if not isinstance(out, _FileOutput):
            return True
        try:
            out.flush(self.fs)
        except OSError as e:
            who = f"{name}: " if name else ""
            self._diag(f"{who}write error: {os.strerror(e.errno or errno.EIO)}")
            return False
        return True

    def _open_redirect(self, r: Redirect, fds: dict[int, Fd], opened: list[_Output]) -> None:
        op = r.op
        if r.heredoc is not None:
            body = r.heredoc.body or Word([])
            fds[0 if r.fd is None else r.fd] = _Input(self._expand_str(body))
            return
        assert r.target is not None
        if op == "<<<":
            fds[0 if r.fd is None else r.fd] = _Input(self._expand_str(r.target) + "\n")
            return
        fields = self._expand_word(r.target)
        if len(fields) != 1:
            raise _RedirError(f"{r.target.raw}: ambiguous redirect")
        target = fields[0]
        if op in (">&", "<&"):
            default = 1 if op == ">&" else 0
            fd = default if r.fd is None else r.fd
            if target == "-":
                fds.pop(fd, None)
                return
            if target.isdigit():
                source = fds.get(int(target)) if len(target) < 6 else None
                if source is None:
                    raise _RedirError(f"{target}: Bad file descriptor")
                fds[fd] = source
                return
            if op == "<&" or r.fd is not None:
                raise _RedirError(f"{r.target.raw}: ambiguous redirect")
            op = "&>"  # bash reads `>&file` as `&>file`
        if op in ("<", "<>"):
            fds[0 if r.fd is None else r.fd] = self._open_input(target, create=op == "<>")
            return
        out = self._open_output(target, fds, append=op in (">>", "&>>"))
        opened.append(out)
        if op in ("&>", "&>>"):
            fds[1] = fds[2] = out
        else:
            fds[1 if r.fd is None else r.fd] = out

    def _open_input(self, target: str, create: bool) -> _Input:
        if target == "/dev/stdin":
            current = self._fds.get(0)
            return current if isinstance(current, _Input) else _Input()
        path = self.fs.resolve(target, self.cwd)
        try:
            if create and not self.fs.exists(path):
                self.fs.write(path, "")
            return _Input(self.fs.read(path), regular=True)
        except OSError as e:
            raise _RedirError(f"{target}: {os.strerror(e.errno or errno.EIO)}") from None

    def _open_output(self, target: str, fds: dict[int, Fd], append: bool) -> _Output:
        if target == "/dev/null":
            return _NullOutput()
        if target in ("/dev/stdout", "/dev/stderr"):
            current = fds.get(1 if target == "/dev/stdout" else 2)
            return current if isinstance(current, _Output) else _NullOutput()
        path = self.fs.resolve(target, self.cwd)
        try:
            self.fs.write(path, "", append=append)  # create or truncate now, as open() does
        except OSError as e:
            raise _RedirError(f"{target}: {os.strerror(e.errno or errno.EIO)}") from None
        return _FileOutput(path)

    # ================================================================ expansion
    def _expand_words(self, words: list[Word]) -> list[str]:
        fields: list[str] = []
        for word in words:
            fields.extend(self._expand_word(word))
        return fields

    def _expand_word(self, word: Word) -> list[str]:
        """Expand then split into fields: ``$x`` with x="a b" is two arguments."""
        return self._fields(self._segments(word))

    def _expand_str(self, word: Word) -> str:
        """Expand without splitting (assignments, redirection targets, here-documents)."""
        return "".join(" " if text is None else text for text, _ in self._segments(word))

    def _segments(self, word: Word) -> list[_Segment]:
        segments: list[_Segment] = []
        for part in word.parts:
            if isinstance(part, Lit):
                segments.append((part.text, _QUOTED if part.quoted else 0))
            elif isinstance(part, Tilde):
                segments.append((self.vars.get("HOME", "/root"), _QUOTED))
            elif isinstance(part, Param):
                self._param_segments(part, segments)
            else:
                flags = _EXPANDED | (_QUOTED if part.quoted else 0)
                if isinstance(part, CmdSub):
                    segments.append((self._command_subst(part), flags))
                else:
                    segments.append((str(self._arith(part.expr)), flags))
        if sum(len(text or "") for text, _ in segments) > MAX_TEXT:
            raise _LimitExceeded(f"netsim: a word longer than {MAX_TEXT} characters")
        return segments

    def _param_segments(self, part: Param, segments: list[_Segment]) -> None:
        flags = _EXPANDED | (_QUOTED if part.quoted else 0)
        if part.name in ("@", "*") and part.op == "":
            if part.quoted and part.name == "@":
                for index, value in enumerate(self.positional):
                    if index:
                        segments.append(_FIELD_BREAK)
                    segments.append((value, flags))
                return
            sep = self.vars.get("IFS", " ")[:1] if part.quoted else " "
            segments.append((sep.join(self.positional), flags))
            return
        if part.op in ("-", ":-", "+", ":+") and part.arg is not None:
            value = self._lookup_var(part.name)
            missing = value is None or (part.op.startswith(":") and value == "")
            if missing == part.op.endswith("-"):
                # The word keeps its own quotes: ${x:-"a b"} stays one field.
                for text, inner in self._segments(part.arg):
                    segments.append((text, inner | flags) if text is not None else _FIELD_BREAK)
                return
            segments.append(("" if part.op.endswith("+") else value or "", flags))
            return
        segments.append((self._param_value(part), flags))

    def _fields(self, segments: list[_Segment]) -> list[str]:
        """Field splitting: only unquoted expansions are cut, at IFS characters."""
        ifs = self.vars.get("IFS", " \t\n")
        fields: list[str] = []
        current: list[str] = []
        have = False  # the current field exists (even if empty, like "")
        for text, flags in segments:
            if text is None:
                fields.append("".join(current))
                current, have = [], False
            elif flags & _EXPANDED and not flags & _QUOTED and ifs:
                pieces = _ifs_split(text, ifs)
                current.append(pieces[0])
                have = have or pieces[0] != ""
                for k in range(1, len(pieces), 2):
                    hard = any(c not in " \t\n" for c in pieces[k])
                    if have or hard:
                        fields.append("".join(current))
                    current, have = [pieces[k + 1]], pieces[k + 1] != ""
            else:
                current.append(text)
                have = have or bool(flags & _QUOTED) or text != ""
        if have:
            fields.append("".join(current))
        return fields

    def _param_value(self, part: Param) -> str:
        name, op = part.name, part.op
        if op == "bad":
            raise _ExpansionError(f"{part.raw}: bad substitution")
        value = self._lookup_var(name)
        if op == "indirect":  # ${!ref}: the variable whose name is in $ref
            if value is None or not (_NAME_RE.fullmatch(value) or value.isdigit()):
                raise _ExpansionError(f"{name}: invalid indirect expansion")
            return self._required(value, self._lookup_var(value))
        if op == "len":
            if name in ("@", "*"):
                return str(len(self.positional))
            return str(len(self._required(name, value)))
        if op == "":
            return self._required(name, value)
        missing = value is None or (op.startswith(":") and value == "")
        base = op.lstrip(":") if len(op) == 2 and op.startswith(":") else op
        if base == "-":
            return self._expand_str(part.arg) if missing and part.arg else (value or "")
        if base == "=":
            if not missing:
                return value or ""
            new = self._expand_str(part.arg) if part.arg else ""
            if not _NAME_RE.fullmatch(name):
                raise _ExpansionError(f"${name}: cannot assign in this way")
            self._assign(name, new)
            return new
        if base == "?":
            if not missing:
                return value or ""
            message = self._expand_str(part.arg) if part.arg and part.arg.parts else (
                "parameter null or not set" if op == ":?" else "parameter not set")
            raise _ExpansionError(f"{name}: {message}", 127)
        if base == "+":
            return "" if missing or part.arg is None else self._expand_str(part.arg)
        return self._pattern_op(part, self._required(name, value))

    def _required(self, name: str, value: str | None) -> str:
        if value is None and "nounset" in self.options and name not in ("@", "*"):
            raise _ExpansionError(f"{name}: unbound variable", 127)
        return value or ""

    def _pattern_op(self, part: Param, value: str) -> str:
        """``${x#pat}`` ``${x##pat}`` ``${x%pat}`` ``${x%%pat}`` ``${x/pat/rep}``."""
        segments = self._segments(part.arg) if part.arg else []
        op = part.op
        if op in ("/", "//"):
            anchor = ""
            if segments and not segments[0][1] & _QUOTED and (segments[0][0] or "")[:1] in "#%":
                first = segments[0][0] or ""
                anchor, segments = first[:1], [(first[1:], 0), *segments[1:]]
            regex = _compile_glob(segments).pattern
            if not regex:
                return value
            regex = {"#": "^" + regex, "%": f"(?:{regex})\\Z"}.get(anchor, regex)
            replacement = self._expand_str(part.arg2) if part.arg2 else ""
            return re.sub(regex, lambda _m: replacement, value, count=0 if op == "//" else 1,
                          flags=re.DOTALL)
        pattern = _compile_glob(segments)
        n = len(value)
        if op in ("#", "##"):
            cuts = range(n + 1) if op == "#" else range(n, -1, -1)
            for i in cuts:
                if pattern.fullmatch(value, 0, i):
                    return value[i:]
        else:
            cuts = range(n, -1, -1) if op == "%" else range(n + 1)
            for i in cuts:
                if pattern.fullmatch(value, i, n):
                    return value[:i]
        return value

    def _command_subst(self, part: CmdSub) -> str:
        """``$(cmd)``: run cmd in a subshell, take its output minus trailing newlines."""
        child = self._subshell()
        buf = _Output()
        child._fds[1] = buf
        if part.body is None:
            status = 0
        else:
            body = part.body
            status = child._run_isolated(lambda: child._execute(body))
        self._subst_status = status
        self.status = status  # bash: `echo $(exit 5)$?` prints 5
        return buf.text().rstrip("\n")

    def _arith(self, word: Word) -> int:
        text = self._expand_str(word)
        try:
            return _Arith(self, text).evaluate()
        except _ArithError as e:
            subject = text.lstrip() if e.subject is None else e.subject
            raise _ExpansionError(
                f"{subject}: {e.message} (error token is \"{e.token}\")"
            ) from None

    # ================================================================ [[ ]]
    def _cond_eval(self, tree: tuple[Any, ...]) -> bool:
        kind = tree[0]
        if kind == "or":
            return self._cond_eval(tree[1]) or self._cond_eval(tree[2])
        if kind == "and":
            return self._cond_eval(tree[1]) and self._cond_eval(tree[2])
        if kind == "not":
            return not self._cond_eval(tree[1])
        if kind == "word":
            return self._expand_str(tree[1]) != ""
        if kind == "unary":
            return _test_unary(self, tree[1], self._expand_str(tree[2]))
        left, op, right = self._expand_str(tree[1]), tree[2], tree[3]
        if op in ("==", "=", "!="):
            matched = _compile_glob(self._segments(right)).fullmatch(left) is not None
            return matched == (op != "!=")
        if op == "=~":
            return self._cond_regex(left, right)
        if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
            a, b = self._arith(tree[1]), self._arith(right)
            return _compare_ints(a, op, b)
        return _test_binary(self, left, op, self._expand_str(right))

    def _cond_regex(self, text: str, word: Word) -> bool:
        try:
            pieces = [re.escape(piece) if flags & _QUOTED else _posix_regex(piece, True)
                      for piece, flags in self._segments(word) if piece is not None]
            return re.search("".join(pieces), text) is not None
        except re.error:
            raise _TestError("invalid regular expression") from None


_DISPATCH: dict[type, Callable[[Shell, Any], int]] = {
    Simple: Shell._exec_simple, Pipeline: Shell._exec_pipeline, AndOr: Shell._exec_and_or,
    Sequence: Shell._exec_sequence, Group: Shell._exec_group, Redirected: Shell._exec_redirected,
    If: Shell._exec_if, Loop: Shell._exec_loop, For: Shell._exec_for,
    ArithFor: Shell._exec_arith_for, Case: Shell._exec_case, FuncDef: Shell._exec_funcdef,
    ArithCmd: Shell._exec_arith_cmd, CondCmd: Shell._exec_cond,
}
_BIN_DIRS = frozenset({"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin",
                       "/usr/local/sbin"})
_SET_FLAGS = {"e": "errexit", "u": "nounset", "x": "xtrace"}


# ====================================================================== test, [ and [[
class _TestError(Exception):
    """A malformed test expression: bash prints it and the status is 2."""


_UNARY = frozenset({
    "-e", "-f", "-d", "-r", "-w", "-x", "-s", "-L", "-h", "-c", "-b", "-p", "-S", "-t", "-z",
    "-n", "-O", "-G", "-g", "-u", "-k",
})
_BINARY = frozenset({
    "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef",
})


def _test_unary(sh: Shell, op: str, arg: str) -> bool:
    """``-z s``, ``-n s``, and the file tests (everyone is root: -r/-w need only -e)."""
    if op == "-z":
        return arg == ""
    if op == "-n":
        return arg != ""
    if op == "-t":
        return False
    path = sh.fs.resolve(arg, sh.cwd) if arg else ""
    if not path:
        return False
    if op in ("-L", "-h"):
        return sh.fs.is_symlink(path)
    kind = sh.fs.kind(path)
    if kind is None:
        return False
    checks: dict[str, Callable[[], bool]] = {
        "-e": lambda: True, "-r": lambda: True, "-w": lambda: True,
        "-f": lambda: kind == "file", "-d": lambda: kind == "dir",
        "-c": lambda: kind == "device", "-s": lambda: kind == "dir" or sh.fs.size(path) > 0,
        "-x": lambda: kind == "dir" or bool(sh.fs.mode(path) & 0o111),
        "-O": lambda: True, "-G": lambda: True,
        "-u": lambda: bool(sh.fs.mode(path) & 0o4000),
        "-g": lambda: bool(sh.fs.mode(path) & 0o2000),
        "-k": lambda: bool(sh.fs.mode(path) & 0o1000),
    }
    return checks.get(op, lambda: False)()


def _test_int(text: str) -> int:
    if not re.fullmatch(r"\s*[-+]?[0-9]+\s*", text):
        raise _TestError(f"{text}: integer expression expected")
    return int(text)


def _compare_ints(a: int, op: str, b: int) -> bool:
    return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b,
            "-ge": a >= b}[op]


def _test_binary(sh: Shell, left: str, op: str, right: str) -> bool:
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
        return _compare_ints(_test_int(left), op, _test_int(right))
    if op == "-ef":
        try:
            return sh.fs.realpath(sh.fs.resolve(left, sh.cwd)) == \
                sh.fs.realpath(sh.fs.resolve(right, sh.cwd))
        except OSError:
            return False
    if op == "-a":
        return left != "" and right != ""
    if op == "-o":
        return left != "" or right != ""
    return False  # -nt / -ot: files have no timestamps here


class _TestParser:
    """``test``/``[``: POSIX decides by the number of arguments first, then a grammar.

    That is why ``[ "$x" = "-n" ]`` works whatever ``$x`` holds, and ``[ -n ]`` is true
    (one argument: a non-empty string).
    """

    def __init__(self, sh: Shell, args: list[str]) -> None:
        self.sh = sh
        self.args = args
        self.i = 0

    def run(self) -> bool:
        a = self.args
        n = len(a)
        if n == 0:
            return False
        if n == 1:
            return a[0] != ""
        if n == 2:
            if a[0] == "!":
                return a[1] == ""
            if a[0] in _UNARY:
                return _test_unary(self.sh, a[0], a[1])
            raise _TestError(f"{a[0]}: unary operator expected")
        if n == 3:
            if a[1] in _BINARY or a[1] in ("-a", "-o"):
                return _test_binary(self.sh, a[0], a[1], a[2])
            if a[0] == "!":
                return not _TestParser(self.sh, a[1:]).run()
            if a[0] == "(" and a[2] == ")":
                return a[1] != ""
            raise _TestError(f"{a[1]}: binary operator expected")
        if n == 4 and a[0] == "!":
            return not _TestParser(self.sh, a[1:]).run()
        if n == 4 and a[0] == "(" and a[3] == ")":
            return _TestParser(self.sh, a[1:3]).run()
        value = self.or_expr()
        if self.i < n:
            raise _TestError("too many arguments")
        return value

    def take(self) -> str:
        if self.i >= len(self.args):
            raise _TestError("argument expected")
        self.i += 1
        return self.args[self.i - 1]

    def peek(self) -> str | None:
        return self.args[self.i] if self.i < len(self.args) else None

    def or_expr(self) -> bool:
        value = self.and_expr()
        while self.peek() == "-o":
            self.i += 1
            right = self.and_expr()
            value = value or right
        return value

    def and_expr(self) -> bool:
        value = self.not_expr()
        while self.peek() == "-a":
            self.i += 1
            right = self.not_expr()
            value = value and right
        return value

    def not_expr(self) -> bool:
        if self.peek() == "!":
            self.i += 1
            return not self.not_expr()
        return self.primary()

    def primary(self) -> bool:
        tok = self.take()
        if tok == "(":
            value = self.or_expr()
            if self.take() != ")":
                raise _TestError("`)' expected")
            return value
        if tok in _UNARY and self.i < len(self.args):
            return _test_unary(self.sh, tok, self.take())
        if self.peek() in _BINARY:
            op = self.take()
            return _test_binary(self.sh, tok, op, self.take())
        return tok != ""


def _cond_op(item: Word | str) -> str | None:
    return item if isinstance(item, str) else item.plain()


def _cond_parse(items: list[Word | str], i: int) -> tuple[tuple[Any, ...], int]:
    """``[[ a || b && ! c ]]`` into a small tree, so ``&&``/``||`` can short-circuit."""
    left, i = _cond_and(items, i)
    while i < len(items) and _cond_op(items[i]) == "||":
        right, i = _cond_and(items, i + 1)
        left = ("or", left, right)
    return left, i


def _cond_and(items: list[Word | str], i: int) -> tuple[tuple[Any, ...], int]:
    left, i = _cond_not(items, i)
    while i < len(items) and _cond_op(items[i]) == "&&":
        right, i = _cond_not(items, i + 1)
        left = ("and", left, right)
    return left, i


def _cond_not(items: list[Word | str], i: int) -> tuple[tuple[Any, ...], int]:
    if i >= len(items):
        raise _TestError("syntax error in conditional expression")
    if _cond_op(items[i]) == "!":
        inner, i = _cond_not(items, i + 1)
        return ("not", inner), i
    if _cond_op(items[i]) == "(":
        inner, i = _cond_parse(items, i + 1)
        if i >= len(items) or _cond_op(items[i]) != ")":
            raise _TestError("syntax error in conditional expression: expected `)'")
        return inner, i + 1
    first = items[i]
    if isinstance(first, str):
        raise _TestError(f"syntax error in conditional expression: unexpected token `{first}'")
    op = _cond_op(first)
    nxt = items[i + 1] if i + 1 < len(items) else None
    if op in _UNARY and isinstance(nxt, Word):
        return ("unary", op, nxt), i + 2
    nop = _cond_op(nxt) if nxt is not None else None
    if nop in _BINARY or nop == "=~":
        right = items[i + 2] if i + 2 < len(items) else None
        if not isinstance(right, Word):
            raise _TestError(f"unexpected argument to conditional binary operator `{nop}'")
        return ("binary", first, nop, right), i + 3
    return ("word", first), i + 1


# ====================================================================== builtin plumbing
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
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


_SIMPLE_ESCAPES = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
                   "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape(text: str, printf_format: bool = False) -> tuple[str, bool]:
    """Backslash escapes of ``echo -e`` / ``printf %b`` (or of a printf format).

    Returns the text and whether ``\\c`` asked to stop all further output.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[n])
            i += 2
        elif n == "c" and not printf_format:
            return "".join(out), True
        elif printf_format and n in "\"'?":
            out.append(n)
            i += 2
        elif n in "01234567" and (printf_format or n == "0"):
            start = i + 1 if printf_format else i + 2
            digits = re.match(r"[0-7]{0,3}", text[start:])
            assert digits is not None
            out.append(chr(int(digits.group() or "0", 8) & 0xFF))
            i = start + len(digits.group())
        elif n in "xuU" and (m := re.match(
                {"x": r"[0-9a-fA-F]{1,2}", "u": r"[0-9a-fA-F]{1,4}", "U": r"[0-9a-fA-F]{1,8}"}[n],
                text[i + 2 :])):
            out.append(chr(min(int(m.group(), 16), 0x10FFFF)))
            i += 2 + len(m.group())
        else:
            out.append(c)
            i += 1
    return "".join(out), False


# ====================================================================== shell builtins
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


_PRINTF_SPEC = re.compile(r"%(?:%|([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([diouxXeEfFgGcsb])|)")


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
    fmt, values = args[0], args[1:]
    state = {"status": 0, "index": 0}
    out: list[str] = []
    while True:
        start = state["index"]
        stop = _printf_once(ctx, fmt, values, state, out)
        if stop or state["index"] >= len(values) or state["index"] == start:
            break
    if target is not None:
        ctx.sh._assign(target, "".join(out))
    else:
        ctx.out("".join(out))
    return state["status"]


def _printf_once(ctx: _Ctx, fmt: str, values: list[str], state: dict[str, int],
                 out: list[str]) -> bool:
    """Render the format once, consuming values; True if ``\\c`` stopped the output."""

    def next_value() -> str | None:
        if state["index"] < len(values):
            state["index"] += 1
            return values[state["index"] - 1]
        return None

    def number(text: str | None) -> int:
        value, ok = _printf_number(text)
        if not ok:
            ctx.diag(f"printf: {text}: invalid number")
            state["status"] = 1
        return value

    pos = 0
    for m in _PRINTF_SPEC.finditer(fmt):
        out.append(_unescape(fmt[pos : m.start()], printf_format=True)[0])
        pos = m.end()
        if m.group() == "%%":
            out.append("%")
            continue
        flags, width, precision, conv = m.groups()
        if conv is None:
            out.append(m.group())
            continue
        if width == "*":
            width = str(number(next_value()))
        if precision == "*":
            precision = str(max(number(next_value()), 0))
        width = str(min(int(width), 10_000)) if width and width.lstrip("-").isdigit() else ""
        if precision:
            precision = str(min(int(precision), 10_000))
        spec = f"%{flags}{width}" + (f".{precision}" if precision is not None else "")
        arg = next_value()
        if conv == "b":
            text, stop = _unescape(arg or "")
            out.append((spec + "s") % text)
            if stop:
                return True
        elif conv in "sc":
            text = (arg or "")[:1] if conv == "c" else (arg or "")
            out.append((spec + "s") % text)
        elif conv in "di":
            out.append((spec + "d") % number(arg))
        elif conv in "ouxX":
            value = number(arg)
            out.append((spec + ("d" if conv == "u" else conv)) % (value & 0xFFFFFFFFFFFFFFFF
                                                                 if value < 0 else value))
        else:
            try:
                value_f = float(arg) if arg else 0.0
            except ValueError:
                ctx.diag(f"printf: {arg}: invalid number")
                state["status"] = 1
                value_f = 0.0
            out.append((spec + conv) % value_f)
    out.append(_unescape(fmt[pos:], printf_format=True)[0])
    return False


def _printf_number(text: str | None) -> tuple[int, bool]:
    """printf's idea of a number: 42, -7, 0x1f, 017, 'A (the character's code)."""
    if text is None or text == "":
        return 0, True
    if text[0] in "'\"":
        return (ord(text[1]) if len(text) > 1 else 0), True
    m = re.match(r"\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", text)
    if not m:
        return 0, False
    digits = m.group(2)
    base = 16 if digits[:2].lower() == "0x" else 8 if digits.startswith("0") else 10
    value = int(digits, base) * (-1 if m.group(1) == "-" else 1)
    return _wrap64(value), m.end() == len(text)


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


@_builtin("shift")
def _shift(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    arg = argv[1] if len(argv) > 1 else "1"
    if not re.fullmatch(r"[0-9]+", arg):
        return ctx.diag(f"shift: {arg}: numeric argument required")
    count = int(arg)
    if count > len(sh.positional):
        return 1
    sh.positional = sh.positional[count:]
    return 0


@_builtin("exit")
def _exit(ctx: _Ctx, argv: list[str]) -> int:
    if len(argv) > 2:
        return ctx.diag("exit: too many arguments")
    if len(argv) == 1:
        raise _Exit(ctx.sh.status)
    if not re.fullmatch(r"\s*[-+]?[0-9]+\s*", argv[1]):
        ctx.diag(f"exit: {argv[1]}: numeric argument required")
        raise _Exit(2)
    raise _Exit(int(argv[1]) & 0xFF)


@_builtin("return")
def _return(ctx: _Ctx, argv: list[str]) -> int:
    sh = ctx.sh
    if not sh._locals and not sh._sourcing:
        return ctx.diag("return: can only `return' from a function or sourced script", 2)
    if len(argv) > 1 and not re.fullmatch(r"[-+]?[0-9]+", argv[1]):
        ctx.diag(f"return: {argv[1]}: numeric argument required")
        raise _Return(2)
    raise _Return(int(argv[1]) & 0xFF if len(argv) > 1 else sh.status)


@_builtin("break", "continue")
def _break(ctx: _Ctx, argv: list[str]) -> int:
    name = argv[0]
    arg = argv[1] if len(argv) > 1 else "1"
    if not re.fullmatch(r"[0-9]+", arg) or int(arg) < 1:
        return ctx.diag(f"{name}: {arg}: loop count out of range")
    if ctx.sh._loops == 0:
        ctx.diag(f"{name}: only meaningful in a `for', `while', or `until' loop")
        return 0
    levels = min(int(arg), ctx.sh._loops)
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
    args = argv[1:]
    raw = False
    stdin = ctx.stdin
    while args and args[0].startswith("-") and len(args[0]) > 1:
        opt = args.pop(0)
        if opt == "--":
            break
        for k, flag in enumerate(opt[1:], 1):
            if flag == "r":
                raw = True
            elif flag in "ptu":  # a prompt (no terminal here), a timeout, or an fd
                value = opt[k + 1 :] or (args.pop(0) if args else "")
                if flag == "u":
                    source = sh._fds.get(int(value)) if value.isdigit() else None
                    if not isinstance(source, _Input):
                        return ctx.diag(f"read: {value}: invalid file descriptor: "
                                        "Bad file descriptor")
                    stdin = source
                break
            elif flag != "s":
                ctx.diag(f"read: -{flag}: invalid option")
                return ctx.diag("read: usage: read [-ers] [-a array] [-d delim] [-i text] "
                                "[-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] "
                                "[name ...]", 2)
    names = args or ["REPLY"]
    for name in names:
        if not _NAME_RE.fullmatch(name):
            return ctx.diag(f"read: `{name}': not a valid identifier")
    line = stdin.read_line()
    if line is None:
        for name in names:
            sh._assign(name, "")
        return 1
    complete = line.endswith("\n")
    line = line[:-1] if complete else line
    if not raw:
        while line.endswith("\\") and not line.endswith("\\\\"):
            more = stdin.read_line()
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


# ====================================================================== coreutils
@_utility("cat")
def _cat(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("cat", argv[1:], flags="nEu")
    status = 0
    number = 0
    for name in files or ["-"]:
        text = ctx.read_input(name, "cat")
        if text is None:
            status = 1
            continue
        if "n" in opts or "E" in opts:
            lines = []
            for line in _lines_keep(text):
                body, nl = (line[:-1], "\n") if line.endswith("\n") else (line, "")
                if "E" in opts and nl:
                    body += "$"
                if "n" in opts:
                    number += 1
                    body = f"{number:6d}\t{body}"
                lines.append(body + nl)
            text = "".join(lines)
        ctx.out(text)
    return status


def _grep_regex(patterns: list[str], opts: dict[str, Any]) -> re.Pattern[str]:
    alternatives = []
    for pattern in patterns:
        for piece in pattern.split("\n"):
            if "F" in opts:
                alternatives.append(re.escape(piece))
            else:
                alternatives.append(_posix_regex(piece, extended="E" in opts))
    body = "|".join(f"(?:{a})" for a in alternatives)
    if "x" in opts:
        body = f"^(?:{body})$"
    elif "w" in opts:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return re.compile(body, re.IGNORECASE if "i" in opts else 0)


def _regex_error(error: re.error) -> str:
    """GNU grep's words for the usual mistakes in a pattern."""
    text = str(error)
    if "unterminated character set" in text:
        return "Unmatched [, [^, [:, [., or [="
    if "missing )" in text:
        return "Unmatched ( or \\("
    if "unbalanced parenthesis" in text:
        return "Unmatched ) or \\)"
    if "nothing to repeat" in text or "multiple repeat" in text:
        return "Invalid preceding regular expression"
    if "character class" in text:
        return "Invalid character class name"
    return "Invalid regular expression"


@_utility("grep", "egrep", "fgrep", usage_status=2)
def _grep(ctx: _Ctx, argv: list[str]) -> int:
    """``grep [-vicqEFwxonlhHs] [-e PAT] [-m N] PATTERN [FILE...]``; status 0/1/2."""
    opts, operands = _getopts("grep", argv[1:], flags="vicqEFGwxonlhHsr", valued="em")
    if argv[0].endswith("egrep"):
        opts["E"] = True
    elif argv[0].endswith("fgrep"):
        opts["F"] = True
    patterns = opts.get("e")
    if patterns is None:
        if not operands:
            raise _Usage("Usage: grep [OPTION]... PATTERNS [FILE]...")
        patterns = [operands.pop(0)]
    try:
        regex = _grep_regex(patterns, opts)
    except re.error as e:
        return ctx.fail(f"grep: {_regex_error(e)}", 2)
    files = operands or ([""] if "r" in opts else ["-"])
    if "r" in opts:
        files = [f for name in files for f in _tree_files(ctx, name)]
    show_name = (len(files) > 1 or "H" in opts or "r" in opts) and "h" not in opts
    limit = int(opts["m"][-1]) if "m" in opts and opts["m"][-1].isdigit() else -1
    matched = error = False
    for name in files:
        text = ctx.read_input(name, "grep", quiet="s" in opts)
        if text is None:
            error = True
            continue
        label = "(standard input)" if name == "-" else name
        count = _grep_text(ctx, regex, text, opts, (label + ":") if show_name else "", limit)
        matched = matched or count > 0
        if count and "q" in opts:
            return 0
        if "c" in opts:
            ctx.out(f"{label + ':' if show_name else ''}{count}\n")
        elif "l" in opts and count:
            ctx.out(label + "\n")
    if error and not ("q" in opts and matched):
        return 2
    return 0 if matched else 1


def _tree_files(ctx: _Ctx, name: str) -> list[str]:
    """``grep -r``: the files under a directory operand, named as the user wrote it
    (``""`` stands for the working directory when no operand was given)."""
    fs = ctx.sh.fs
    path = ctx.path(name or ".")
    if name == "-" or not fs.is_dir(path):
        return [name]
    found = []
    for sub in fs.listdir(path):
        shown = f"{name.rstrip('/')}/{sub}" if name else sub
        if not fs.is_symlink(ctx.path(shown)):  # like GNU grep -r: links inside are skipped
            found.extend(_tree_files(ctx, shown))
    return found


def _grep_text(ctx: _Ctx, regex: re.Pattern[str], text: str, opts: dict[str, Any],
               prefix: str, limit: int) -> int:
    """Print the selected lines of one input; return how many were selected."""
    invert = "v" in opts
    quiet = "q" in opts or "c" in opts or "l" in opts
    count = 0
    for number, line in enumerate(_split_lines(text), 1):
        if count == limit:
            break
        if (regex.search(line) is not None) == invert:
            continue
        count += 1
        if quiet:
            continue
        lead = prefix + (f"{number}:" if "n" in opts else "")
        if "o" in opts:
            if not invert:
                for m in regex.finditer(line):
                    if m.group():
                        ctx.out(lead + m.group() + "\n")
        else:
            ctx.out(lead + line + "\n")
    return count


def _parse_count(text: str, what: str, prog: str) -> int:
    if not re.fullmatch(r"[-+]?[0-9]+", text):
        raise _Usage(f"{prog}: invalid number of {what}: ‘{text}’", hint=False)
    return int(text)


def _head_tail_inputs(ctx: _Ctx, prog: str, files: list[str], opts: dict[str, Any],
                      cut: Callable[[str], str]) -> int:
    """Shared by head and tail: ``==> name <==`` headers when there are several files."""
    status = 0
    headers = (len(files) > 1 or "v" in opts) and "q" not in opts
    first = True
    for name in files:
        text = ctx.read_input(name, prog, style="open")
        if text is None:
            status = 1
            continue
        if headers:
            label = "standard input" if name == "-" else name
            ctx.out(("" if first else "\n") + f"==> {label} <==\n")
        first = False
        ctx.out(cut(text))
    return status


@_utility("head")
def _head(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("head", argv[1:], flags="qv", valued="nc", numeric=True)
    if "c" in opts:
        n = _parse_count(opts["c"][-1], "bytes", "head")
        return _head_tail_inputs(ctx, "head", files or ["-"], opts,
                                 lambda text: text[:n] if n >= 0 else text[:n])
    n = _parse_count(opts["n"][-1] if "n" in opts else opts.get("#", "10"), "lines", "head")
    return _head_tail_inputs(ctx, "head", files or ["-"], opts,
                             lambda text: "".join(_lines_keep(text)[:n]))


@_utility("tail")
def _tail(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("tail", argv[1:], flags="qvfF", valued="nc", numeric=True)
    chars = "c" in opts
    spec = opts["c"][-1] if chars else opts["n"][-1] if "n" in opts else opts.get("#", "10")
    n = _parse_count(spec, "bytes" if chars else "lines", "tail")
    from_start = spec.startswith("+")

    def cut(text: str) -> str:
        items: list[str] | str = text if chars else _lines_keep(text)
        if from_start:
            return "".join(items[max(n - 1, 0) :])
        n_abs = abs(n)
        return "".join(items[len(items) - n_abs :]) if n_abs else ""

    return _head_tail_inputs(ctx, "tail", files or ["-"], opts, cut)


@_utility("wc")
def _wc(ctx: _Ctx, argv: list[str]) -> int:
    """Counts, padded as GNU wc pads them (one number alone is never padded)."""
    opts, files = _getopts("wc", argv[1:], flags="lwcm")
    wanted = [k for k in "lwmc" if k in opts] or ["l", "w", "c"]
    rows: list[tuple[list[int], str | None]] = []
    status = 0
    regular_size = 0
    piped = False
    for name in files or ["-"]:
        text = ctx.read_input(name, "wc")
        if text is None:
            status = 1
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()), "m": len(text),
                  "c": len(text.encode())}
        rows.append(([counts[k] for k in wanted], None if not files else name))
        if name == "-" and not ctx.stdin.regular:
            piped = True
        else:
            regular_size += counts["c"]
    if len(rows) > 1:
        rows.append(([sum(r[0][i] for r in rows) for i in range(len(wanted))], "total"))
    if len(wanted) == 1 and len(rows) == 1:
        width = 1
    else:
        width = max(len(str(regular_size)), 7 if piped else 1)
    for numbers, label in rows:
        line = " ".join(str(n).rjust(width) for n in numbers)
        ctx.out(line + (f" {label}" if label is not None else "") + "\n")
    return status


def _read_all(ctx: _Ctx, prog: str, files: list[str], style: str = "plain") -> str | None:
    chunks = []
    for name in files or ["-"]:
        if prog == "sort" and name != "-":
            try:
                chunks.append(ctx.sh.fs.read(ctx.path(name)))
            except OSError as e:
                ctx.err(f"sort: cannot read: {name}: {os.strerror(e.errno or errno.EIO)}\n")
                return None
            continue
        text = ctx.read_input(name, prog, style)
        if text is None:
            return None
        chunks.append(text if not text or text.endswith("\n") else text + "\n")
    return "".join(chunks)


def _sort_number(text: str) -> float:
    m = re.match(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", text)
    return float(m.group()) if m else 0.0


@_utility("sort", usage_status=2)
def _sort(ctx: _Ctx, argv: list[str]) -> int:
    """``sort [-n] [-r] [-u] [-f] [-t SEP] [-k N[,M]]``, bytewise like LC_ALL=C."""
    opts, files = _getopts("sort", argv[1:], flags="nrufsb", valued="kto")
    text = _read_all(ctx, "sort", files)
    if text is None:
        return 2
    sep = opts["t"][-1] if "t" in opts else None
    key_spec = opts["k"][-1] if "k" in opts else None
    m = re.fullmatch(r"([0-9]+)(?:\.[0-9]+)?[a-z]*(?:,([0-9]+)(?:\.[0-9]+)?[a-z]*)?",
                     key_spec or "")
    if key_spec is not None and (m is None or int(m.group(1)) < 1):
        return ctx.fail(f"sort: invalid number at field start: invalid count at start of "
                        f"‘{key_spec}’", 2)

    def key_text(line: str) -> str:
        if m is None:
            return line
        fields = line.split(sep) if sep else re.findall(r"\s*\S+", line)
        start = int(m.group(1)) - 1
        end = int(m.group(2)) if m.group(2) else len(fields)
        return (sep or "").join(fields[start:end])

    def key(line: str) -> tuple[Any, str]:
        k = key_text(line)
        if "n" in opts:
            return (_sort_number(k), line)
        return (k.lower() if "f" in opts else k, line)

    lines = sorted(_split_lines(text), key=key, reverse="r" in opts)
    if "u" in opts:
        unique, seen = [], set()
        for line in lines:
            k = key(line)[0]
            if k not in seen:
                seen.add(k)
                unique.append(line)
        lines = unique
    result = "".join(line + "\n" for line in lines)
    if "o" in opts:
        ctx.sh.fs.write(ctx.path(opts["o"][-1]), result)
    else:
        ctx.out(result)
    return 0


@_utility("uniq")
def _uniq(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("uniq", argv[1:], flags="cdui")
    text = _read_all(ctx, "uniq", files[:1])
    if text is None:
        return 1
    groups: list[list[str]] = []
    for line in _split_lines(text):
        same = groups and (groups[-1][0].lower() == line.lower() if "i" in opts
                           else groups[-1][0] == line)
        if same:
            groups[-1].append(line)
        else:
            groups.append([line])
    out = []
    for group in groups:
        if ("d" in opts and len(group) < 2) or ("u" in opts and len(group) > 1):
            continue
        out.append((f"{len(group):7d} " if "c" in opts else "") + group[0] + "\n")
    if len(files) > 1:
        ctx.sh.fs.write(ctx.path(files[1]), "".join(out))
    else:
        ctx.out("".join(out))
    return 0


def _cut_ranges(spec: str, what: str) -> list[tuple[int, int]]:
    ranges = []
    for item in spec.split(","):
        m = re.fullmatch(r"([0-9]*)(-?)([0-9]*)", item)
        if not m or item in ("", "-"):
            raise _Usage(f"cut: invalid {what} value ‘{item}’")
        start = int(m.group(1)) if m.group(1) else 1
        end = int(m.group(3)) if m.group(3) else (10**9 if m.group(2) else start)
        if start < 1 or (m.group(3) and end < 1):
            raise _Usage(f"cut: {what}s are numbered from 1")
        ranges.append((start, end))
    return ranges


@_utility("cut")
def _cut(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("cut", argv[1:], flags="s", valued="dfcb")
    if not any(k in opts for k in "fcb"):
        raise _Usage("cut: you must specify a list of bytes, characters, or fields")
    delim = opts["d"][-1] if "d" in opts else "\t"
    if len(delim) != 1:
        raise _Usage("cut: the delimiter must be a single character")
    by_field = "f" in opts
    spec = (opts.get("f") or opts.get("c") or opts.get("b"))[-1]
    ranges = _cut_ranges(spec, "field" if by_field else "byte/character position")

    def wanted(i: int) -> bool:
        return any(a <= i <= b for a, b in ranges)

    status = 0
    for name in files or ["-"]:
        text = ctx.read_input(name, "cut")
        if text is None:
            status = 1
            continue
        for line in _split_lines(text):
            if not by_field:
                ctx.out("".join(c for i, c in enumerate(line, 1) if wanted(i)) + "\n")
            elif delim not in line:
                if "s" not in opts:
                    ctx.out(line + "\n")
            else:
                fields = line.split(delim)
                ctx.out(delim.join(f for i, f in enumerate(fields, 1) if wanted(i)) + "\n")
    return status


_TR_CLASSES = {
    "lower": "abcdefghijklmnopqrstuvwxyz", "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "digit": "0123456789", "space": " \t\n\r\f\v", "blank": " \t",
    "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
}
_TR_CLASSES["alpha"] = _TR_CLASSES["lower"] + _TR_CLASSES["upper"]
_TR_CLASSES["alnum"] = _TR_CLASSES["digit"] + _TR_CLASSES["alpha"]
_TR_CLASSES["xdigit"] = "0123456789ABCDEFabcdef"


def _tr_set(spec: str) -> list[str]:
    """A tr set: ``a-z``, ``[:upper:]``, ``\\n``... as the ordered list of its chars."""
    text, _ = _unescape(spec, printf_format=True)
    chars: list[str] = []
    i = 0
    while i < len(text):
        m = re.match(r"\[:([a-z]+):\]", text[i:])
        if m and m.group(1) in _TR_CLASSES:
            chars.extend(_TR_CLASSES[m.group(1)])
            i += m.end()
        elif i + 2 < len(text) and text[i + 1] == "-" and text[i] <= text[i + 2]:
            chars.extend(chr(c) for c in range(ord(text[i]), ord(text[i + 2]) + 1))
            i += 3
        else:
            chars.append(text[i])
            i += 1
    return chars


@_utility("tr")
def _tr(ctx: _Ctx, argv: list[str]) -> int:
    """``tr SET1 SET2``, ``tr -d SET``, ``tr -s SET``, ``-c`` complement."""
    opts, sets = _getopts("tr", argv[1:], flags="dscC")
    if not sets:
        raise _Usage("tr: missing operand")
    delete, squeeze = "d" in opts, "s" in opts
    if not delete and not squeeze and len(sets) < 2:
        raise _Usage(f"tr: missing operand after ‘{sets[0]}’\n"
                     "Two strings must be given when translating.")
    text = ctx.stdin.read_all()
    set1 = _tr_set(sets[0])
    complement = "c" in opts or "C" in opts
    in_set1 = (lambda c: c not in set1) if complement else (lambda c: c in set1)
    if delete:
        text = "".join(c for c in text if not in_set1(c))
        squeeze_set = _tr_set(sets[1]) if squeeze and len(sets) > 1 else []
    elif len(sets) > 1:
        set2 = _tr_set(sets[1])
        if not set2:
            return ctx.fail("tr: when not truncating set1, string2 must be non-empty")
        if complement:
            text = "".join(c if c in set1 else set2[-1] for c in text)
        else:
            table = {c: set2[min(i, len(set2) - 1)] for i, c in enumerate(set1)}
            text = "".join(table.get(c, c) for c in text)
        squeeze_set = set2 if squeeze else []
    else:
        squeeze_set = [c for c in map(chr, range(256)) if in_set1(c)] if complement else set1
    if squeeze_set:
        text = re.sub("([" + "".join(re.escape(c) for c in squeeze_set) + r"])\1+", r"\1", text)
    ctx.out(text)
    return 0


@_utility("tee")
def _tee(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("tee", argv[1:], flags="ai")
    text = ctx.stdin.read_all()
    status = 0
    for name in files:
        try:
            ctx.sh.fs.write(ctx.path(name), text, append="a" in opts)
        except OSError as e:
            status = ctx.fail(f"tee: {name}: {os.strerror(e.errno or errno.EIO)}")
    ctx.out(text)
    return status


@_utility("sleep")
def _sleep(ctx: _Ctx, argv: list[str]) -> int:
    """Simulated time passes: ``host.sleep(seconds)`` when the host has it."""
    args = argv[1:]
    if not args:
        raise _Usage("sleep: missing operand")
    total = 0.0
    for arg in args:
        m = re.fullmatch(r"([0-9]*\.?[0-9]+)([smhd]?)", arg)
        if not m:
            raise _Usage(f"sleep: invalid time interval ‘{arg}’")
        total += float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    sleep = getattr(ctx.sh.host, "sleep", None)
    if callable(sleep):
        sleep(total)
    return 0


@_utility("which")
def _which(ctx: _Ctx, argv: list[str]) -> int:
    status = 0
    for name in argv[1:]:
        if name.startswith("-"):
            continue
        if "/" in name:
            path = ctx.path(name)
            found = name if ctx.sh.fs.is_file(path) and ctx.sh.fs.mode(path) & 0o111 else None
        else:
            found = ctx.sh._program_path(name)
        if found is None:
            status = 1
        else:
            ctx.out(found + "\n")
    return status


@_utility("sh", "bash", "dash")
def _sh(ctx: _Ctx, argv: list[str]) -> int:
    """``sh -c 'cmd' [name args...]``, ``sh script.sh args``, or a script on stdin."""
    name = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]
    options: set[str] = set()
    command = False
    while args and args[0][:1] in "-+" and args[0] not in ("-", "+"):
        arg = args.pop(0)
        if arg == "--":
            break
        for flag in arg[1:]:
            if flag == "c":
                command = True
            elif flag in _SET_FLAGS:
                options.add(_SET_FLAGS[flag])
            elif flag not in "sil":
                return ctx.fail(f"{name}: -{flag}: invalid option", 2)
    script: str | None = None
    if command:
        if not args:
            return ctx.fail(f"{name}: -c: option requires an argument", 2)
        text, arg0, params = args[0], (args[1] if len(args) > 1 else name), args[2:]
    elif args:
        try:
            text = ctx.sh.fs.read(ctx.path(args[0]))
        except OSError as e:
            if name == "bash":
                return ctx.fail(f"bash: {args[0]}: {os.strerror(e.errno or errno.EIO)}", 127)
            return ctx.fail(f"{name}: 0: cannot open {args[0]}: No such file", 2)
        script, arg0, params = args[0], args[0], args[1:]
    else:
        text, arg0, params = ctx.stdin.read_all(), name, []
    child = ctx.sh._new_process(ctx.sh._environment([]))
    child.arg0, child.positional, child._script, child.options = arg0, params, script, options
    return child._run_isolated(lambda: child._run_text(text, "-c" if script is None else None))


def _chmod_mode(spec: str, old: int, is_dir: bool) -> int | None:
    """Apply ``755`` or ``u+x,go-w`` to a mode; None if ``spec`` is not a mode."""
    if re.fullmatch(r"[0-7]{1,4}", spec):
        return int(spec, 8)
    bits = {"u": {"r": 0o400, "w": 0o200, "x": 0o100, "s": 0o4000},
            "g": {"r": 0o40, "w": 0o20, "x": 0o10, "s": 0o2000},
            "o": {"r": 0o4, "w": 0o2, "x": 0o1, "t": 0o1000}}
    mode = old
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXst]*)+)", clause)
        if not m:
            return None
        who = m.group(1).replace("a", "ugo") or "ugo"
        umask = 0o022 if not m.group(1) else 0
        for op, perms in re.findall(r"([-+=])([rwxXst]*)", m.group(2)):
            value = 0
            for w in who:
                for p in perms:
                    if p == "X":
                        p = "x" if is_dir or mode & 0o111 else ""
                    if p == "t":
                        value |= 0o1000
                    else:
                        value |= bits[w].get(p, 0)
            value &= ~umask
            if op == "+":
                mode |= value
            elif op == "-":
                mode &= ~value
            else:
                clear = sum(sum(bits[w].values()) for w in who)
                mode = (mode & ~clear) | value
    return mode


@_utility("chmod")
def _chmod(ctx: _Ctx, argv: list[str]) -> int:
    args = argv[1:]
    recursive = False
    while args and args[0] in ("-R", "-v", "-f", "-c", "--"):
        recursive = recursive or args[0] == "-R"
        if args.pop(0) == "--":
            break
    if not args:
        raise _Usage("chmod: missing operand")
    spec, files = args[0], args[1:]
    if not files:
        raise _Usage(f"chmod: missing operand after ‘{spec}’")
    if _chmod_mode(spec, 0, False) is None:
        raise _Usage(f"chmod: invalid mode: ‘{spec}’")
    status = 0
    fs = ctx.sh.fs
    for name in files:
        path = ctx.path(name)
        if not fs.exists(path):
            status = ctx.fail(f"chmod: cannot access {_quote_name(name)}: "
                              "No such file or directory")
            continue
        targets = _walk(fs, path) if recursive else [path]
        for target in targets:
            mode = _chmod_mode(spec, fs.mode(target), fs.is_dir(target)) or 0
            try:
                fs.chmod(target, mode)
            except OSError as e:
                status = ctx.fail(f"chmod: changing permissions of {_quote_name(name)}: "
                                  f"{os.strerror(e.errno or errno.EIO)}")
    return status


def _walk(fs: VirtualFS, path: str) -> list[str]:
    """``path`` and, for a real directory, everything below it."""
    found = [path]
    if fs.is_dir(path) and not fs.is_symlink(path):
        for name in fs.listdir(path):
            found.extend(_walk(fs, f"{path.rstrip('/')}/{name}"))
    return found


@_utility("touch")
def _touch(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("touch", argv[1:], flags="cam")
    if not files:
        raise _Usage("touch: missing file operand")
    status = 0
    for name in files:
        path = ctx.path(name)
        if ctx.sh.fs.exists(path) or "c" in opts:
            continue
        try:
            ctx.sh.fs.write(path, "", append=True)
        except OSError as e:
            status = ctx.fail(f"touch: cannot touch {_quote_name(name)}: "
                              f"{os.strerror(e.errno or errno.EIO)}")
    return status


@_utility("mkdir")
def _mkdir(ctx: _Ctx, argv: list[str]) -> int:
    opts, dirs = _getopts("mkdir", argv[1:], flags="pv", valued="m")
    if not dirs:
        raise _Usage("mkdir: missing operand")
    mode = _chmod_mode(opts["m"][-1], 0o755, True) if "m" in opts else None
    status = 0
    for name in dirs:
        path = ctx.path(name)
        try:
            ctx.sh.fs.mkdir(path, parents="p" in opts)
            if mode is not None:
                ctx.sh.fs.chmod(path, mode)
        except OSError as e:
            status = ctx.fail(f"mkdir: cannot create directory ‘{name}’: "
                              f"{os.strerror(e.errno or errno.EIO)}")
    return status


@_utility("rm")
def _rm(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("rm", argv[1:], flags="rRfivd")
    force = "f" in opts
    recursive = "r" in opts or "R" in opts
    if not files:
        if force:
            return 0
        raise _Usage("rm: missing operand")
    status = 0
    for name in files:
        path = ctx.path(name)
        if path == "/" and recursive:
            ctx.err("rm: it is dangerous to operate recursively on '/'\n"
                    "rm: use --no-preserve-root to override this failsafe\n")
            status = 1
            continue
        try:
            ctx.sh.fs.remove(path, recursive=recursive)
        except OSError as e:
            if force and e.errno == errno.ENOENT:
                continue
            status = ctx.fail(f"rm: cannot remove {_quote_name(name)}: "
                              f"{os.strerror(e.errno or errno.EIO)}")
    return status


@_utility("rmdir")
def _rmdir(ctx: _Ctx, argv: list[str]) -> int:
    _opts, dirs = _getopts("rmdir", argv[1:], flags="pv")
    if not dirs:
        raise _Usage("rmdir: missing operand")
    status = 0
    fs = ctx.sh.fs
    for name in dirs:
        path = ctx.path(name)
        if not fs.exists(path) and not fs.is_symlink(path):
            reason = "No such file or directory"
        elif not fs.is_dir(path) or fs.is_symlink(path):
            reason = "Not a directory"
        elif fs.listdir(path):
            reason = "Directory not empty"
        else:
            try:
                fs.remove(path, recursive=True)
                continue
            except OSError as e:
                reason = os.strerror(e.errno or errno.EIO)
        status = ctx.fail(f"rmdir: failed to remove {_quote_name(name)}: {reason}")
    return status


def _perm_string(kind: str, mode: int) -> str:
    """``drwxr-xr-x`` from a kind and mode bits, with s/S/t/T for the special bits."""
    chars = []
    for shift, special, letter in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        r, w, x = (mode >> shift) & 4, (mode >> shift) & 2, (mode >> shift) & 1
        xc = "x" if x else "-"
        if mode & special:
            xc = letter if x else letter.upper()
        chars.append(("r" if r else "-") + ("w" if w else "-") + xc)
    return {"dir": "d", "link": "l", "device": "c"}.get(kind, "-") + "".join(chars)


_LS_DATE = "Jan  1 00:00"  # files have no timestamps here: one fixed date for all


def _ls_long(fs: VirtualFS, entries: list[tuple[str, str]]) -> tuple[list[str], int]:
    """``ls -l`` lines for (shown name, path) pairs, and the "total" in 1K blocks."""
    rows = []
    blocks = 0
    for shown, path in entries:
        kind = fs.kind(path, follow=False) or "file"
        name = shown
        if kind == "link":
            target = fs.readlink(path)
            perms, links, size = "lrwxrwxrwx", 1, str(len(target.encode()))
            name = f"{shown} -> {target}"
        elif kind == "dir":
            subdirs = 0
            with contextlib.suppress(OSError):
                subdirs = sum(fs.is_dir(f"{path.rstrip('/')}/{n}") for n in fs.listdir(path))
            virtual = fs.mounted(path)  # sysfs/procfs directories take no disk blocks
            perms, links = _perm_string("dir", fs.mode(path)), 2 + subdirs
            size = "0" if virtual else "4096"
            blocks += 0 if virtual else 4
        elif kind == "device":
            perms, links, size = _perm_string("device", fs.mode(path)), 1, "1, 3"
        else:
            byte_size = 0
            with contextlib.suppress(OSError):
                byte_size = fs.size(path)
            perms, links, size = _perm_string("file", fs.mode(path)), 1, str(byte_size)
            blocks += 0 if fs.mounted(path) else -(-byte_size // 4096) * 4
        rows.append((perms, str(links), size, name))
    w_links = max((len(r[1]) for r in rows), default=1)
    w_size = max((len(r[2]) for r in rows), default=1)
    lines = [f"{p} {n.rjust(w_links)} root root {s.rjust(w_size)} {_LS_DATE} {name}"
             for p, n, s, name in rows]
    return lines, blocks


@_utility("ls", usage_status=2)
def _ls(ctx: _Ctx, argv: list[str]) -> int:
    """``ls [-l] [-a] [-A] [-d] [-1]``: one name per line, as ls does into a pipe."""
    opts, operands = _getopts("ls", argv[1:], flags="laAd1hFrt")
    fs = ctx.sh.fs
    long = "l" in opts
    files: list[tuple[str, str]] = []
    dirs: list[tuple[str, str]] = []
    status = 0
    for name in operands or ["."]:
        path = ctx.path(name)
        kind = fs.kind(path)
        if kind is None and not fs.is_symlink(path):
            status = ctx.fail(f"ls: cannot access {_quote_name(name)}: No such file or directory",
                              2)
            continue
        if name.endswith("/") and kind == "dir":
            with contextlib.suppress(OSError):
                path = fs.realpath(path)
        # `ls -l link` shows the link itself; `ls -l link/` the directory it points to.
        as_file = kind != "dir" or "d" in opts or (
            long and fs.is_symlink(path) and not name.endswith("/"))
        (files if as_file else dirs).append((name, path))
    blocks: list[list[str]] = []
    if files:
        files.sort()
        blocks.append(_ls_long(fs, files)[0] if long else [n for n, _ in files])
    for name, path in sorted(dirs):
        names = fs.listdir(path)
        if "a" in opts:
            names = [".", "..", *names]
        elif "A" not in opts:
            names = [n for n in names if not n.startswith(".")]
        if "r" in opts:
            names.reverse()
        entries = [(n, fs.resolve(n, path)) for n in names]
        lines = []
        if long:
            rows, total = _ls_long(fs, entries)
            lines = [f"total {total}", *rows]
        else:
            lines = names
        if len(operands) > 1 or files or status:
            lines = [f"{name}:", *lines]
        blocks.append(lines)
    ctx.out("\n".join("".join(line + "\n" for line in block) for block in blocks))
    return status


@_utility("env", "printenv")
def _env(ctx: _Ctx, argv: list[str]) -> int:
    """``env`` prints the environment; ``env X=1 cmd`` runs cmd with X set.

    ``-i`` empties the printed list only: a command run by ``env -i cmd`` still sees
    the shell's exported variables.
    """
    sh = ctx.sh
    args = argv[1:]
    if argv[0] == "printenv":
        env = sh._environment([])
        if not args:
            ctx.out("".join(f"{k}={v}\n" for k, v in env.items()))
            return 0
        found = [env[a] for a in args if a in env]
        ctx.out("".join(v + "\n" for v in found))
        return 0 if len(found) == len(args) else 1
    clear = False
    while args and args[0] in ("-i", "-", "--"):
        clear = clear or args[0] != "--"
        args.pop(0)
    assigns = []
    while args and "=" in args[0] and _NAME_RE.fullmatch(args[0].split("=", 1)[0]):
        name, _, value = args.pop(0).partition("=")
        assigns.append((name, value, False))
    if args:
        return sh._dispatch(args, assigns, functions=False)
    env = {} if clear else sh._environment([])
    env.update({name: value for name, value, _ in assigns})
    ctx.out("".join(f"{k}={v}\n" for k, v in env.items()))
    return 0


@_utility("seq")
def _seq(ctx: _Ctx, argv: list[str]) -> int:
    # A negative number is an operand here, not an option: `seq 10 -3 1`.
    numeric = [a if not re.fullmatch(r"-[0-9.]+", a) else f"\0{a}" for a in argv[1:]]
    opts, args = _getopts("seq", numeric, flags="w", valued="s")
    args = [a.removeprefix("\0") for a in args]
    if not args or len(args) > 3:
        raise _Usage("seq: missing operand" if not args else f"seq: extra operand ‘{args[3]}’")
    numbers = []
    for arg in args:
        try:
            numbers.append(float(arg) if re.search(r"[.eE]", arg) else int(arg))
        except ValueError:
            raise _Usage(f"seq: invalid floating point argument: ‘{arg}’") from None
    first, step, last = (1, 1, numbers[0]) if len(numbers) == 1 else (
        (numbers[0], 1, numbers[1]) if len(numbers) == 2 else tuple(numbers))
    if step == 0:
        raise _Usage(f"seq: invalid Zero increment value: ‘{args[1]}’")
    sep = opts["s"][-1] if "s" in opts else "\n"
    out: list[str] = []
    value = first
    while (value <= last) if step > 0 else (value >= last):
        out.append(f"{value:g}" if isinstance(value, float) else str(value))
        if len(out) % 10_000 == 0:
            ctx.sh._tick()
        value += step
    if out:
        ctx.out(sep.join(out) + "\n")
    return 0


@_utility("basename")
def _basename(ctx: _Ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        raise _Usage("basename: missing operand")
    name = argv[1].rstrip("/") or ("/" if argv[1] else "")
    base = name.rsplit("/", 1)[-1] if name != "/" else "/"
    if len(argv) > 2 and base != argv[2] and base.endswith(argv[2]):
        base = base[: -len(argv[2])]
    ctx.out(base + "\n")
    return 0


@_utility("dirname")
def _dirname(ctx: _Ctx, argv: list[str]) -> int:
    if len(argv) < 2:
        raise _Usage("dirname: missing operand")
    for arg in argv[1:]:
        name = arg.rstrip("/")
        if "/" not in name:
            ctx.out(("/" if arg.startswith("/") else ".") + "\n")
        else:
            ctx.out((name.rsplit("/", 1)[0].rstrip("/") or "/") + "\n")
    return 0


@_utility("readlink", "realpath")
def _readlink(ctx: _Ctx, argv: list[str]) -> int:
    opts, names = _getopts(argv[0], argv[1:], flags="femnqsvz")
    canonical = "f" in opts or "e" in opts or "m" in opts or argv[0] == "realpath"
    status = 0
    for name in names:
        try:
            path = ctx.path(name)
            result = ctx.sh.fs.realpath(path) if canonical else ctx.sh.fs.readlink(path)
            if "e" in opts and not ctx.sh.fs.exists(path):
                raise FileNotFoundError(errno.ENOENT, "")
        except OSError as e:
            if argv[0] == "realpath":
                ctx.err(f"realpath: {name}: {os.strerror(e.errno or errno.EIO)}\n")
            status = 1
            continue
        ctx.out(result + "\n")
    return status


@_utility("ln")
def _ln(ctx: _Ctx, argv: list[str]) -> int:
    """``ln -s TARGET LINK`` (hard links are not modelled)."""
    opts, args = _getopts("ln", argv[1:], flags="sfnvT")
    if "s" not in opts:
        return ctx.fail("ln: hard links are not modelled in netsim; use ln -s")
    if not args:
        raise _Usage("ln: missing file operand")
    target = args[0]
    link = args[1] if len(args) > 1 else target.rstrip("/").rsplit("/", 1)[-1]
    fs = ctx.sh.fs
    path = ctx.path(link)
    if fs.is_dir(path) and "n" not in opts and "T" not in opts:
        path = fs.resolve(target.rstrip("/").rsplit("/", 1)[-1], path)
    try:
        if "f" in opts and (fs.exists(path) or fs.is_symlink(path)) and not fs.is_dir(path):
            fs.remove(path)
        fs.symlink(target, path)
    except OSError as e:
        return ctx.fail(f"ln: failed to create symbolic link {_quote_name(link)}: "
                        f"{os.strerror(e.errno or errno.EIO)}")
    return 0


# ====================================================================== awk (a small subset)
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
