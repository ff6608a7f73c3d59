"""Lexing: awk program text to a list of tokens.

Two things make awk's lexer unusual. A newline ends a statement, except after
``{ , && || do else`` where a statement cannot end. And ``/`` is division after an
operand (``a / 2``) but opens a regex literal anywhere else (``$0 ~ /x/``,
``split(s, a, /,/)``) -- :func:`_ends_operand` tells the two apart. String escapes
(``\\n``, ``\\033``...) are decoded here, as mawk does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from netsim.shell.awk.errors import _AwkSyntaxError


class _Tok(NamedTuple):
    """One token: ``kind`` is num str ere name func builtin keyword op nl or eof."""

    kind: str
    text: str  # as written, for messages
    line: int
    value: float | str | None = None  # the number, the unescaped string, the regex


_KEYWORDS = frozenset({
    "BEGIN", "END", "function", "if", "else", "while", "for", "do", "break", "continue",
    "next", "nextfile", "exit", "return", "delete", "getline", "print", "printf", "in",
})
# Built-in functions and how many arguments each takes.
_BUILTINS: dict[str, tuple[int, int]] = {
    "length": (0, 1), "substr": (2, 3), "index": (2, 2), "split": (2, 3), "sub": (2, 3),
    "gsub": (2, 3), "match": (2, 3), "sprintf": (1, 255), "tolower": (1, 1),
    "toupper": (1, 1), "int": (1, 1), "sqrt": (1, 1), "exp": (1, 1), "log": (1, 1),
    "sin": (1, 1), "cos": (1, 1), "atan2": (2, 2), "rand": (0, 0), "srand": (0, 1),
    "system": (1, 1), "close": (1, 2), "fflush": (0, 1),
}
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f\v]+ | \\\r?\n | \#[^\n]*)
  | (?P<nl>\n)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*=?|\+\+|--|&&|\|\||>>|!~|[-+*/%^!=<>]=|[-+*/%^!=<>~?:,;{}()\[\]$|])
""", re.VERBOSE)
# After these a newline cannot end a statement, so the lexer drops it.
_NO_NEWLINE_AFTER = frozenset({",", "{", "&&", "||", "do", "else"})
_STRING_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "a": "\a",
                   "b": "\b", "f": "\f", "v": "\v"}
_OCTAL = re.compile("[0-7]{1,3}")
_HEX = re.compile("[0-9a-fA-F]{1,2}")


def _escape(text: str, i: int) -> tuple[str, int]:
    """The escape ``\\c`` whose ``c`` is at ``text[i]``: what it stands for, and where
    the text resumes.

    An unknown escape keeps its backslash (``"\\."`` is two characters), as mawk
    does; gawk drops it with a warning. Keeping it makes ``split(s, a, "\\.")``
    split on a literal dot in both.
    """
    c = text[i]
    if c in _STRING_ESCAPES:
        return _STRING_ESCAPES[c], i + 1
    if m := _OCTAL.match(text, i):
        return chr(int(m.group(), 8) & 0xFF), m.end()
    if c == "x" and (m := _HEX.match(text, i + 1)):
        return chr(int(m.group(), 16)), m.end()
    return "\\" + c, i + 1


def _unescape(text: str) -> str:
    """Backslash escapes of a ``-v`` value or a ``var=value`` operand."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            piece, i = _escape(text, i + 1)
            out.append(piece)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _scan_string(src: str, pos: int, line: int) -> tuple[str, int]:
    """The string literal opening at ``src[pos] == '"'``: its value and its end."""
    out: list[str] = []
    i = pos + 1
    while True:
        if i >= len(src) or src[i] == "\n":
            shown = src[pos : min(i, pos + 10)]
            raise _AwkSyntaxError(f"runaway string constant {shown} ...", line)
        c = src[i]
        if c == '"':
            return "".join(out), i + 1
        if c == "\\" and i + 1 < len(src):
            if src[i + 1] == "\n":  # a backslash-newline continues the string
                i += 2
                continue
            piece, i = _escape(src, i + 1)
            out.append(piece)
            continue
        out.append(c)
        i += 1


def _bracket_end(src: str, i: int) -> int | None:
    """Where the bracket expression opening at ``src[i] == '['`` ends, if it does.

    The lexer needs this because a ``/`` inside brackets (``/[/]/``) does not end
    the regex literal.
    """
    j = i + 1
    if j < len(src) and src[j] == "^":
        j += 1
    if j < len(src) and src[j] == "]":
        j += 1
    while j < len(src) and src[j] not in "]\n":
        if src.startswith("[:", j) and (k := src.find(":]", j + 2)) > 0 and "\n" not in src[j:k]:
            j = k + 2
        elif src[j] == "\\":
            j += 2
        else:
            j += 1
    return j + 1 if j < len(src) and src[j] == "]" else None


def _scan_regex(src: str, pos: int, line: int) -> tuple[str, int]:
    """The regex literal opening at ``src[pos] == '/'``: its source and its end."""
    out: list[str] = []
    i = pos + 1
    while True:
        if i >= len(src) or src[i] == "\n":
            raise _AwkSyntaxError(f"runaway regular expression {src[pos : pos + 10]} ...", line)
        c = src[i]
        if c == "/":
            return "".join(out), i + 1
        if c == "\\" and i + 1 < len(src):
            nxt = src[i + 1]
            if nxt != "\n":  # backslash-newline: a continuation, dropped
                out.append("/" if nxt == "/" else src[i : i + 2])
            i += 2
            continue
        if c == "[" and (end := _bracket_end(src, i)) is not None:
            out.append(src[i:end])
            i = end
            continue
        out.append(c)
        i += 1


def _ends_operand(tok: _Tok | None) -> bool:
    """Has an operand just ended? Then ``/`` divides; otherwise it opens a regex."""
    if tok is None:
        return False
    if tok.kind in ("num", "str", "ere", "name", "builtin"):
        return True
    if tok.kind == "keyword":
        return tok.text == "getline"
    return tok.kind == "op" and tok.text in (")", "]", "++", "--")


def _tokenize(src: str) -> list[_Tok]:
    """The tokens of a program, ending with an ``eof`` token."""
    toks: list[_Tok] = []
    pos = 0
    line = 1
    while pos < len(src):
        prev = toks[-1] if toks else None
        c = src[pos]
        if c == '"':
            value, end = _scan_string(src, pos, line)
            toks.append(_Tok("str", src[pos:end], line, value))
            pos = end
            continue
        if c == "/" and not _ends_operand(prev):
            source, end = _scan_regex(src, pos, line)
            toks.append(_Tok("ere", src[pos:end], line, source))
            pos = end
            continue
        m = _TOKEN.match(src, pos)
        if m is None:
            raise _AwkSyntaxError(f"unexpected character '{c}'", line)
        kind, text = m.lastgroup or "op", m.group()
        pos = m.end()
        start_line = line
        line += text.count("\n")
        if kind == "space":
            continue
        if kind == "nl":
            if prev is None or prev.kind == "nl" or (
                    prev.kind in ("op", "keyword") and prev.text in _NO_NEWLINE_AFTER):
                continue
            toks.append(_Tok("nl", text, start_line))
            continue
        value: float | str | None = None
        if kind == "num":
            value = float(text)
        elif kind == "name":
            if text in _KEYWORDS:
                kind = "keyword"
            elif text in _BUILTINS:
                kind = "builtin"
            elif src.startswith("(", pos):  # a user function call has no space before (
                kind = "func"
        toks.append(_Tok(kind, text, start_line, value))
    toks.append(_Tok("eof", "", line))
    return toks
