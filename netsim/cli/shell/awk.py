"""awk, the pattern-action language, as mawk and gawk run it (a faithful POSIX subset).

An awk program is a list of rules ``pattern { action }``; awk reads its input one
*record* (line) at a time, splits it into *fields* ``$1``, ``$2``... and runs the
action of every rule whose pattern matches. This module runs such programs in three
stages, each a section below:

1. **Lexing** (:func:`_tokenize`) cuts the text into tokens. Two things make awk's
   lexer unusual. A newline ends a statement, except after ``{ , && || do else``
   where a statement cannot end. And ``/`` is division after an operand (``a / 2``)
   but opens a regex literal anywhere else (``$0 ~ /x/``, ``split(s, a, /,/)``).
2. **Parsing** (:class:`_Parser`) is recursive descent with one method per precedence
   level, from assignment and ``?:`` (loosest) down to ``$`` and ``( )`` (tightest).
   It builds a tree of small dataclasses (``_Num``, ``_Field``, ``_Print``...).
   Mistakes are reported as mawk does: ``awk: line 1: syntax error at or near ;``,
   exit status 2.
3. **Running** (:class:`_Runner`) walks the tree: ``_e_*`` methods evaluate
   expressions, ``_x_*`` methods execute statements. ``break``, ``next``, ``exit``
   and ``return`` are Python exceptions, because they leave any number of nested
   calls at once.

Values are Python ``float`` (numbers) and ``str``. awk also needs a third kind:
text read from input (a field, ``getline var``, ``split``, ``-v``) that *looks* like
a number compares as a number -- ``$1 > 9`` is true for the field ``10`` although
``"10" > "9"`` between string constants is false. Such text is a :class:`_Strnum`, a
``str`` subclass; a never-assigned variable is the singleton :data:`_UNINIT`, both
``""`` and ``0``.

Supported: BEGIN/END, ``/re/`` and expression patterns, ranges ``/a/,/b/``; all
statements (``if while do for``, ``for (k in a)``, ``break continue next nextfile
exit return delete``, ``print``/``printf`` with ``> >> |``); every operator with awk's
precedence; associative arrays (``a[i,j]`` joins with ``SUBSEP``); fields with ``$0``
rebuilt from ``OFS``; ``NF NR FNR FS OFS ORS RS`` (one character, regex or ``""``
for paragraphs), ``FILENAME SUBSEP CONVFMT OFMT RSTART RLENGTH ENVIRON ARGV ARGC``;
the POSIX built-ins plus ``fflush``; ``getline`` in all its forms; user functions
(arrays by reference, scalars by value); ``-F -v -f``, and ``var=value`` operands.

Where mawk and gawk disagree this follows one of them and says so in a comment
(division by zero is an error, as in gawk; unknown escapes such as ``"\\."`` keep
their backslash, as in mawk). Not supported: POSIX leftmost-*longest* alternation
(Python's ``re`` takes the first alternative that matches, so ``match("ab", /a|ab/)``
finds ``a``), locales and byte semantics (strings are Unicode, as in gawk), and gawk's
extensions (``gensub``, ``asort``, ``strftime``...). Loops and calls count against the
shell's step limit, so an endless loop stops the script as an endless shell loop does.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from netsim.cli.shell.errors import MAX_TEXT, _LimitExceeded, _Usage
from netsim.cli.shell.patterns import _CLASSES
from netsim.cli.shell.plumbing import _Ctx, _utility
from netsim.cli.shell.redirect import _Input, _Output

_MAX_FIELDS = 100_000  # $N and NF beyond this are an error, not a 10 GB record
_MAX_CALL_DEPTH = 400  # nested user-function calls; Python's stack must hold them
_MAX_WIDTH = 10_000  # printf widths and precisions (as the shell's printf caps them)
# Strings a program builds (concatenation, gsub, sprintf, a rebuilt $0). Far below the
# shell's MAX_TEXT, because awk can double a string each loop round (`s = s s`) and a
# gsub then walks all of it from Python.
_MAX_STRING = MAX_TEXT // 8
_USAGE = "usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]"


# ====================================================================== errors and jumps
class _AwkSyntaxError(Exception):
    """A program that does not parse: ``awk: line N: message``, exit status 2."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _AwkRuntimeError(Exception):
    """A program that fails while running (division by zero, ``$-1``...), status 2."""


class _Jump(Exception):
    """Base of the exceptions that carry control out of nested statements."""


class _BreakLoop(_Jump):
    pass


class _ContinueLoop(_Jump):
    pass


class _NextRecord(_Jump):
    pass


class _NextFile(_Jump):
    pass


class _ExitProgram(_Jump):
    def __init__(self, status: int | None) -> None:
        super().__init__()
        self.status = status  # None: `exit` without a value keeps the earlier status


class _ReturnValue(_Jump):
    def __init__(self, value: _Value) -> None:
        super().__init__()
        self.value = value


# ====================================================================== values
class _Strnum(str):
    """Text from outside the program: a field, ``getline var``, ``split``, ``-v``...

    POSIX calls such text a *numeric string* when it looks like a number (``" 42"``,
    ``"-1.5e3"``), and then it compares as a number. The subclass only records where
    the text came from; whether it looks numeric is checked when it is compared.
    """

    __slots__ = ()


class _Uninit(_Strnum):
    """The value of a variable never assigned: ``""`` and ``0`` at once."""

    __slots__ = ()


_UNINIT = _Uninit("")
_Value = float | str
_Array = dict[str, _Value]


class _Pending:
    """An unassigned variable passed to a function, which may turn it into an array.

    ``function fill(a) { a[1] = "x" }  BEGIN { fill(arr); print arr[1] }`` must
    create ``arr`` in the caller, because arrays are passed by reference. The callee
    cannot know yet whether ``a`` is a scalar or an array, so it gets this stand-in,
    which remembers where the caller keeps the variable.
    """

    __slots__ = ("scope", "key")

    def __init__(self, scope: _Scope, key: str | int) -> None:
        self.scope = scope
        self.key = key

    def materialize(self) -> _Array:
        """The caller's array, created there now if it did not exist yet."""
        current = _load(self.scope, self.key)
        if isinstance(current, dict):
            return current
        if isinstance(current, _Pending):
            array = current.materialize()
        elif current is None or current is _UNINIT:
            array = {}
        else:
            raise _AwkRuntimeError("can't use scalar as array")
        _store(self.scope, self.key, array)
        return array


_Cell = float | str | _Array | _Pending  # what a variable slot can hold
_Scope = dict[str, _Cell] | list[_Cell]  # the globals by name, or a call's parameters


def _load(scope: _Scope, key: str | int) -> _Cell | None:
    """What a variable slot holds; None for a global never mentioned."""
    return scope.get(key) if isinstance(scope, dict) else scope[key]  # type: ignore[arg-type,index]


def _store(scope: _Scope, key: str | int, value: _Cell) -> None:
    scope[key] = value  # type: ignore[index]

_SPACE = " \t\n\r\f\v"
_NUMERIC_TEXT = re.compile(
    rf"[{_SPACE}]*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[{_SPACE}]*")
_NUMBER_PREFIX = re.compile(rf"[{_SPACE}]*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)")


def _num(value: _Value) -> float:
    """A value as a number: text gives its leading number (``"3abc"`` is 3), else 0.

    Hex (``0x1A``) and ``inf``/``nan`` give 0, as in gawk; mawk hands the text to
    ``strtod``, which accepts them.
    """
    if isinstance(value, float):
        return value
    m = _NUMBER_PREFIX.match(value)
    return float(m.group(1)) if m else 0.0


def _is_numeric(value: _Value) -> bool:
    """Does this value compare as a number (a number, or input text that looks like one)?"""
    if isinstance(value, float):
        return True
    if isinstance(value, _Strnum):
        return type(value) is _Uninit or _NUMERIC_TEXT.fullmatch(value) is not None
    return False


def _truth(value: _Value) -> bool:
    """awk's truth: a number is true when non-zero, a string when non-empty.

    Input text that looks numeric counts as its number, so a field ``0`` is false
    while the string constant ``"0"`` is true.
    """
    if isinstance(value, float):
        return value != 0.0
    if isinstance(value, _Strnum) and _is_numeric(value):
        return _num(value) != 0.0
    return value != ""


_FLOAT_FORMAT = re.compile(r"(?:[^%]|%%)*%[-+ #0]*[0-9]*(?:\.[0-9]*)?[eEfFgGdi](?:[^%]|%%)*")


@lru_cache(maxsize=64)
def _usable_format(fmt: str) -> str:
    """CONVFMT/OFMT if it formats one number, else the default: a user's odd value must
    not crash (or recurse through) number conversion. ``%d`` truncates, as in C."""
    return fmt if _FLOAT_FORMAT.fullmatch(fmt) else "%.6g"


def _number_text(value: float, fmt: str) -> str:
    """A number as text: integral values as integers, others through ``fmt``.

    gawk prints any integral value in full (``2^53`` is ``9007199254740992``); the
    mawk of Debian 12 switches to ``%.6g`` above 2^31 -- newer mawk no longer does.
    """
    if value.is_integer():
        return str(int(value))
    return _usable_format(fmt) % value


def _trunc(value: float) -> int:
    """A number as a Python int for an index or a length: NaN is 0, infinities clamp."""
    if value != value:
        return 0
    return int(max(min(value, 2.0**62), -(2.0**62)))


# ====================================================================== lexing
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


# ====================================================================== regular expressions
class _RegexError(Exception):
    """An ERE that cannot be translated; the message is mawk's wording."""


_INTERVAL = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")
_REGEX_ESCAPES = {  # gawk's regex operators; mawk knows none of them
    "s": rf"[{_SPACE}]", "S": rf"[^{_SPACE}]", "w": r"\w", "W": r"\W", "y": r"\b",
    "B": r"\B", "<": r"\b(?=\w)", ">": r"\b(?<=\w)", "`": r"\A", "'": r"\Z",
}


def _class_char(ch: str) -> str:
    """A character inside a Python character class, escaped if it means something there."""
    return "\\" + ch if ch in "\\]^-[&~|" else ch


def _regex_bracket(src: str, i: int) -> tuple[str, int]:
    """Translate the bracket expression at ``src[i] == '['``; return it and its end.

    Unlike POSIX brackets (and the shell's), awk's allow escapes: ``[\\/\\]]``.
    """
    n = len(src)
    j = i + 1
    negate = j < n and src[j] == "^"
    j += negate
    items: list[str] = []
    single = False  # the last item is one character, so a `-` after it makes a range
    first = True
    while j < n and (src[j] != "]" or first):
        first = False
        if src.startswith("[:", j):
            k = src.find(":]", j + 2)
            if k < 0 or src[j + 2 : k] not in _CLASSES:
                raise _RegexError("bad class -- [], [^] or [")
            items.append(_CLASSES[src[j + 2 : k]])
            j, single = k + 2, False
            continue
        c = src[j]
        if c == "-" and single and j + 1 < n and src[j + 1] != "]":
            items.append("-")
            j, single = j + 1, False
            continue
        if c == "\\" and j + 1 < n:
            ch, j = _escape(src, j + 1)
            if len(ch) == 2:  # unknown escape: the character itself
                ch = ch[1]
        else:
            ch, j = c, j + 1
        items.append(_class_char(ch))
        # a bare "-" item is a range operator (a literal one is escaped): after
        # `a-z` the next `-` is literal, as in `[a-z-]`
        single = not (len(items) >= 2 and items[-2] == "-")
    if j >= n:
        raise _RegexError("bad class -- [], [^] or [")
    return "[" + ("^" if negate else "") + "".join(items) + "]", j + 1


def _regex_escape(src: str, i: int) -> tuple[str, int]:
    """Translate the escape at ``src[i] == '\\\\'``; return it and where the regex resumes."""
    if i + 1 >= len(src):
        return re.escape("\\"), i + 1
    c = src[i + 1]
    if c in _REGEX_ESCAPES:
        return _REGEX_ESCAPES[c], i + 2
    ch, end = _escape(src, i + 1)
    return re.escape(ch[-1] if len(ch) == 2 and ch[0] == "\\" else ch), end


def _translate(src: str) -> str:
    """A POSIX extended regex (with awk's escapes) as a Python regex.

    The two languages mostly agree; the differences handled here: ``$`` is the end
    of the text only (Python's also matches before a final newline); a ``*`` with
    nothing before it is literal; ``a*?`` means ``(a*)?``, where Python would read a
    lazy ``*?``; ``{`` is literal unless it starts a valid interval.
    """
    out: list[str] = []
    atom: int | None = None  # where in `out` the last repeatable item starts
    repeated = False  # the last item already carries a quantifier
    groups: list[int] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        quantifier = None
        if c in "*+?":
            quantifier, i = c, i + 1
        elif c == "{" and (m := _INTERVAL.match(src, i)):
            quantifier, i = m.group(), m.end()
        if quantifier is not None:
            if atom is None:  # nothing to repeat: the character itself
                atom = len(out)
                out.append(re.escape(quantifier))
                repeated = False
                continue
            if repeated:
                out[atom:] = ["(?:" + "".join(out[atom:]) + ")"]
            out.append(quantifier)
            repeated = True
            continue
        repeated = False
        if c == "\\":
            piece, i = _regex_escape(src, i)
        elif c == "[":
            piece, i = _regex_bracket(src, i)
        elif c == "(":
            groups.append(len(out))
            out.append("(?:")
            atom, i = None, i + 1
            continue
        elif c == ")":
            if not groups:
                raise _RegexError("missing '('")
            atom = groups.pop()
            out.append(")")
            i += 1
            continue
        elif c in "|^$":
            out.append(r"\Z" if c == "$" else c)
            atom, i = None, i + 1
            continue
        else:
            piece, i = ("." if c == "." else re.escape(c)), i + 1
        atom = len(out)
        out.append(piece)
    if groups:
        raise _RegexError("missing ')'")
    return "".join(out)


@lru_cache(maxsize=512)
def _compile(src: str) -> re.Pattern[str]:
    """The compiled form of an awk regex; raises :class:`_RegexError`."""
    try:
        return re.compile(_translate(src), re.DOTALL)
    except re.error as e:
        words = str(e)
        if "range" in words:
            raise _RegexError("bad class -- [], [^] or [") from None
        if "repeat" in words:
            raise _RegexError("bad repetition") from None
        raise _RegexError(words) from None


# ====================================================================== the syntax tree
# Expressions.
@dataclass(slots=True)
class _Num:
    value: float


@dataclass(slots=True)
class _Str:
    value: str


@dataclass(slots=True)
class _Regex:
    """``/re/``: alone it means ``$0 ~ /re/``; as an argument, the regex itself."""

    source: str
    pattern: re.Pattern[str]


@dataclass(slots=True)
class _Var:
    """A variable; ``slot`` is its index among a function's parameters, else None."""

    name: str
    slot: int | None


@dataclass(slots=True)
class _Field:
    index: _Expr


@dataclass(slots=True)
class _Index:
    array: _Var
    subscripts: list[_Expr]


@dataclass(slots=True)
class _Assign:
    op: str  # "=" or an arithmetic operator for `+=`...
    target: _LValue
    value: _Expr


@dataclass(slots=True)
class _Cond:
    test: _Expr
    yes: _Expr
    no: _Expr


@dataclass(slots=True)
class _Logic:
    op: str  # && or ||
    left: _Expr
    right: _Expr


@dataclass(slots=True)
class _Not:
    operand: _Expr


@dataclass(slots=True)
class _Unary:
    op: str  # - or +
    operand: _Expr


@dataclass(slots=True)
class _Arith:
    op: str  # + - * / % ^
    left: _Expr
    right: _Expr


@dataclass(slots=True)
class _Compare:
    op: str
    left: _Expr
    right: _Expr


@dataclass(slots=True)
class _Match:
    negate: bool
    subject: _Expr
    regex: _Expr


@dataclass(slots=True)
class _Concat:
    parts: list[_Expr]


@dataclass(slots=True)
class _IncDec:
    delta: float
    prefix: bool
    target: _LValue


@dataclass(slots=True)
class _In:
    subscripts: list[_Expr]
    array: _Var


@dataclass(slots=True)
class _Call:
    name: str
    args: list[_Expr]
    line: int


@dataclass(slots=True)
class _Builtin:
    name: str
    args: list[_Expr]


@dataclass(slots=True)
class _Getline:
    source: str  # "main" (plain getline), "file" (getline < f) or "cmd" (c | getline)
    target: _LValue | None
    operand: _Expr | None


_Expr = (_Num | _Str | _Regex | _Var | _Field | _Index | _Assign | _Cond | _Logic | _Not | _Unary
         | _Arith | _Compare | _Match | _Concat | _IncDec | _In | _Call | _Builtin | _Getline)
_LValue = _Var | _Field | _Index


# Statements.
@dataclass(slots=True)
class _ExprStmt:
    expr: _Expr


@dataclass(slots=True)
class _Print:
    printf: bool
    args: list[_Expr]
    redirect: str | None  # > >> | or None for standard output
    dest: _Expr | None


@dataclass(slots=True)
class _If:
    test: _Expr
    then: _Stmt
    orelse: _Stmt | None


@dataclass(slots=True)
class _While:
    test: _Expr
    body: _Stmt


@dataclass(slots=True)
class _Do:
    body: _Stmt
    test: _Expr


@dataclass(slots=True)
class _For:
    init: _Expr | None
    test: _Expr | None
    step: _Expr | None
    body: _Stmt


@dataclass(slots=True)
class _ForIn:
    var: _Var
    array: _Var
    body: _Stmt


@dataclass(slots=True)
class _Block:
    body: list[_Stmt]


@dataclass(slots=True)
class _Jumper:
    kind: str  # break continue next nextfile


@dataclass(slots=True)
class _Exit:
    value: _Expr | None


@dataclass(slots=True)
class _Return:
    value: _Expr | None


@dataclass(slots=True)
class _Delete:
    array: _Var
    subscripts: list[_Expr] | None  # None: the whole array


_Stmt = (_ExprStmt | _Print | _If | _While | _Do | _For | _ForIn | _Block | _Jumper | _Exit
         | _Return | _Delete)


@dataclass(slots=True)
class _Rule:
    kind: str  # BEGIN, END or main
    pattern: _Expr | None
    end: _Expr | None  # the second pattern of a range
    action: _Block | None  # None: print the record


@dataclass(slots=True)
class _Function:
    name: str
    params: list[str]
    body: _Block


@dataclass(slots=True)
class _Program:
    rules: list[_Rule]
    functions: dict[str, _Function]


def _is_lvalue(node: _Expr) -> bool:
    return isinstance(node, (_Var, _Field, _Index))


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


# ====================================================================== records, fields, sub/gsub
_FORMAT_SPEC = re.compile(
    r"%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?[hlLqjzt]*([cdiouxXeEfFgGs%])?")


_BLANK_LINES = re.compile(r"\n\n+")  # what separates records in paragraph mode


class _Stream:
    """One input (a file, standard input, a command's output), read whole and handed
    out a record at a time, with whatever ``RS`` holds at that moment."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def read(self, rs: str) -> str | None:
        """The next record, or None at the end.

        ``RS`` of one character separates records by it; ``""`` is paragraph mode
        (records are separated by blank lines); anything longer is a regex.
        """
        text, pos = self.text, self.pos
        if rs == "":
            while pos < len(text) and text[pos] == "\n":
                pos += 1
            if pos >= len(text):
                self.pos = pos
                return None
            m = _BLANK_LINES.search(text, pos)
            if m is not None:
                self.pos = m.end()
                return text[pos : m.start()]
            self.pos = len(text)
            return text[pos:].removesuffix("\n")
        if pos >= len(text):
            return None
        end = after = -1
        if len(rs) == 1:
            end = text.find(rs, pos)
            after = end + 1
        else:
            for m in _dynamic_regex(rs).finditer(text, pos):
                if m.end() > m.start():  # an empty match separates nothing
                    end, after = m.span()
                    break
        if end < 0:
            self.pos = len(text)
            return text[pos:]
        self.pos = after
        return text[pos:end]


def _dynamic_regex(text: str) -> re.Pattern[str]:
    """A regex given as a string at run time (``$1 ~ "a+"``, ``FS = ",+"``)."""
    try:
        return _compile(text)
    except _RegexError as e:
        raise _AwkRuntimeError(f"regular expression compile failed ({e})\n{text}") from None


def _replacement(text: str) -> list[str | None]:
    """The pieces of a ``sub``/``gsub`` replacement: text, or None for the match.

    ``&`` is the matched text, ``\\&`` a literal ``&``, ``\\\\`` one backslash (mawk
    and POSIX; gawk keeps both), any other backslash stays.
    """
    pieces: list[str | None] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "&\\":
            literal.append(text[i + 1])
            i += 2
            continue
        if c == "&":
            pieces.append("".join(literal))
            literal = []
            pieces.append(None)
        else:
            literal.append(c)
        i += 1
    pieces.append("".join(literal))
    return pieces


def _substitute(pattern: re.Pattern[str], repl: str, text: str,
                everywhere: bool) -> tuple[str, int]:
    """``sub`` (first match) or ``gsub`` (all): the new text and the number of changes.

    awk and Python disagree on one kind of empty match: awk's ``gsub(/b*/, "-")``
    turns ``abc`` into ``-a-c-``, because an empty match right where the previous
    match ended does not count; Python's ``re.sub`` gives ``-a--c-``. So the
    replacement function leaves such matches alone (replacing the empty text with
    nothing) and does not count them.
    """
    pieces = _replacement(repl)
    count = 0
    size = len(text)
    last_end = -1

    def replace(m: re.Match[str]) -> str:
        nonlocal count, size, last_end
        start, end = m.span()
        if start == end == last_end:
            return ""
        count += 1
        last_end = end
        matched = m.group()
        new = "".join(matched if piece is None else piece for piece in pieces)
        size += len(new) - len(matched)
        if size > _MAX_STRING:  # gsub(//, "xx") on a long text, in a loop
            raise _LimitExceeded(f"netsim: awk string longer than {_MAX_STRING} characters")
        return new

    result = pattern.sub(replace, text, count=0 if everywhere else 1)
    return result, count


def _split_text(text: str, separator: str | re.Pattern[str]) -> list[str]:
    """Split a record (or ``split()``'s string) into fields.

    ``" "`` (the default FS) splits on runs of blanks and newlines, ignoring them at
    both ends; ``""`` gives one character per field; any other single character is
    itself (``-F.`` splits on dots); longer text is a regex.
    """
    if text == "":
        return []
    if isinstance(separator, str):
        if separator == " ":
            return re.findall(r"[^ \t\n]+", text)
        if separator == "":
            return list(text)
        if len(separator) == 1:
            return text.split(separator)
        separator = _dynamic_regex(separator)
    parts: list[str] = []
    pos = 0
    for m in separator.finditer(text):
        if m.end() > m.start():
            parts.append(text[pos : m.start()])
            pos = m.end()
    parts.append(text[pos:])
    return parts


# ====================================================================== running
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
        """``printf``/``sprintf``: C's conversions, each consuming the next value."""
        out: list[str] = []
        pos = 0
        index = 0

        def take() -> _Value:
            nonlocal index
            if index >= len(values):
                raise _AwkRuntimeError(f'not enough arguments passed to {who}("{fmt}")')
            index += 1
            return values[index - 1]

        for m in _FORMAT_SPEC.finditer(fmt):
            out.append(fmt[pos : m.start()])
            pos = m.end()
            flags, width, precision, conv = m.groups()
            if conv is None:  # a lone or unknown %: printed as it is
                out.append(m.group())
                continue
            if conv == "%":
                out.append("%")
                continue
            width_n: int | None = None
            if width == "*":
                width_n = _trunc(_num(take()))
                if width_n < 0:
                    flags, width_n = flags + "-", -width_n
            elif width:
                width_n = int(width)
            precision_n: int | None = None
            if precision == "*":
                precision_n = _trunc(_num(take()))
                precision_n = precision_n if precision_n >= 0 else None
            elif precision is not None:
                precision_n = int(precision or "0")
            if width_n is not None:
                width_n = min(width_n, _MAX_WIDTH)
            if precision_n is not None:
                precision_n = min(precision_n, _MAX_WIDTH)
            out.append(self.convert(flags, width_n, precision_n, conv, take()))
        out.append(fmt[pos:])
        text = "".join(out)
        if len(text) > _MAX_STRING:
            raise _LimitExceeded(f"netsim: awk string longer than {_MAX_STRING} characters")
        return text

    def convert(self, flags: str, width: int | None, precision: int | None, conv: str,
                value: _Value) -> str:
        """One ``%`` conversion of one value, as C's printf does it."""
        size = "" if width is None else str(width)
        spec = "%" + flags + size + ("" if precision is None else f".{precision}")
        if conv == "s":
            return (spec + "s") % self.to_str(value)
        if conv == "c":
            # a number is a character code (gawk: any Unicode; mawk: a byte)
            if _is_numeric(value) and type(value) is not _Uninit:
                code = _trunc(_num(value))
                ok = 0 <= code < 0x110000 and not 0xD800 <= code < 0xE000
                char = chr(code) if ok else chr(code & 0xFF)
            else:
                char = self.to_str(value)[:1] or "\0"  # C prints the string's NUL
            return ("%" + flags.replace("0", "") + size + "s") % char
        number = _num(value)
        if conv in "eEfFgG":
            return (spec + conv) % number
        if not math.isfinite(number):
            return ("%" + flags.replace("0", "") + size + "f") % number
        integer = math.trunc(number)
        if conv in "di":
            return (spec + "d") % integer
        if integer < 0:  # C reinterprets a negative number as unsigned
            integer &= 0xFFFFFFFFFFFFFFFF
        if conv == "u":
            return (spec + "d") % integer
        if conv == "o" and "#" in flags:  # Python writes 0o17 where C writes 017
            digits = ("%" + ("" if precision is None else f".{precision}") + "o") % integer
            digits = digits if digits.startswith("0") else "0" + digits
            pad = (width or 0) - len(digits)
            if pad <= 0:
                return digits
            if "-" in flags:
                return digits + " " * pad
            return ("0" if "0" in flags else " ") * pad + digits
        return (spec + conv) % integer


def _arithmetic(op: str, a: float, b: float) -> float:
    """``a op b`` in C doubles: overflow gives infinity and domain errors NaN.

    Division by zero is an error, as in gawk (mawk prints ``inf``).
    """
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op in "/%" and b == 0:
        raise _AwkRuntimeError("division by zero" + (" in %" if op == "%" else ""))
    try:
        if op == "/":
            return a / b
        if op == "%":
            return math.fmod(a, b)
        return math.pow(a, b)
    except OverflowError:
        odd = op == "^" and a < 0 and b.is_integer() and b % 2 == 1
        return -math.inf if odd else math.inf
    except ValueError:  # fmod(inf, x), pow(-8, 1/3), pow(0, -1)
        return math.inf if op == "^" and a == 0 else math.nan


# ====================================================================== built-in functions
def _bi_length(r: _Runner, args: list[_Expr]) -> _Value:
    if not args:
        return float(len(r.get_record()))
    arg = args[0]
    if isinstance(arg, _Var) and not (arg.slot is None and arg.name == "NF"):
        _scope, _key, current = r.cell(arg)
        if isinstance(current, dict):  # length(array): its number of elements
            return float(len(current))
        if isinstance(current, _Pending):
            return 0.0
    return float(len(r.to_str(r.eval(arg))))


def _bi_substr(r: _Runner, args: list[_Expr]) -> _Value:
    # gawk's rules (mawk differs for starts below 1): positions truncate toward zero
    # and a start before 1 counts from 1 with the length unchanged.
    text = r.to_str(r.eval(args[0]))
    start = _num(r.eval(args[1]))
    if start != start:
        return ""
    begin = max(_trunc(start), 1) - 1
    if len(args) == 2:
        return text[begin:]
    count = _trunc(_num(r.eval(args[2])))
    return text[begin : begin + count] if count > 0 else ""


def _bi_index(r: _Runner, args: list[_Expr]) -> _Value:
    text, part = (r.to_str(r.eval(arg)) for arg in args)
    return float(text.find(part) + 1)


def _bi_split(r: _Runner, args: list[_Expr]) -> _Value:
    text = r.to_str(r.eval(args[0]))
    separator: str | re.Pattern[str]
    if len(args) == 3:
        sep = args[2]
        separator = sep.pattern if isinstance(sep, _Regex) else r.to_str(r.eval(sep))
    else:
        separator = r.to_str(r.scalar("FS"))
    parts = _split_text(text, separator)
    assert isinstance(args[1], _Var)
    array = r.array(args[1])
    array.clear()
    for number, part in enumerate(parts, 1):
        array[str(number)] = _Strnum(part)
    return float(len(parts))


def _bi_sub(r: _Runner, args: list[_Expr], everywhere: bool = False) -> _Value:
    pattern = r.regex(args[0])
    repl = r.to_str(r.eval(args[1]))
    target: _Expr = args[2] if len(args) == 3 else _Field(_Num(0.0))
    new, count = _substitute(pattern, repl, r.to_str(r.eval(target)), everywhere)
    if count and isinstance(target, (_Var, _Field, _Index)):  # gawk: a constant is left be
        r.set(target, new)
    return float(count)


def _bi_gsub(r: _Runner, args: list[_Expr]) -> _Value:
    return _bi_sub(r, args, everywhere=True)


def _bi_match(r: _Runner, args: list[_Expr]) -> _Value:
    text = r.to_str(r.eval(args[0]))
    m = r.regex(args[1]).search(text)
    start, length = (m.start() + 1, m.end() - m.start()) if m else (0, -1)
    r.globals["RSTART"], r.globals["RLENGTH"] = float(start), float(length)
    if len(args) == 3:  # gawk's match(s, re, arr): arr[0] is the match (groups are not kept)
        assert isinstance(args[2], _Var)
        array = r.array(args[2])
        array.clear()
        if m:
            array["0"] = _Strnum(m.group())
    return float(start)


def _bi_sprintf(r: _Runner, args: list[_Expr]) -> _Value:
    values = [r.eval(arg) for arg in args]
    return r.format(r.to_str(values[0]), values[1:], "sprintf")


def _bi_tolower(r: _Runner, args: list[_Expr]) -> _Value:
    return r.to_str(r.eval(args[0])).lower()


def _bi_toupper(r: _Runner, args: list[_Expr]) -> _Value:
    return r.to_str(r.eval(args[0])).upper()


def _bi_int(r: _Runner, args: list[_Expr]) -> _Value:
    value = _num(r.eval(args[0]))
    return float(math.trunc(value)) if math.isfinite(value) else value


def _math(fn: Callable[..., float], overflow: float = math.inf) -> Callable[[_Runner, list[_Expr]],
                                                                             _Value]:
    """A C math function: out of its domain it gives NaN, on overflow ``overflow``."""

    def call(r: _Runner, args: list[_Expr]) -> _Value:
        values = [_num(r.eval(arg)) for arg in args]
        try:
            return float(fn(*values))
        except OverflowError:
            return overflow
        except ValueError:
            return -math.inf if fn is math.log and values[0] == 0 else math.nan

    return call


def _bi_rand(r: _Runner, args: list[_Expr]) -> _Value:
    return r.random.random()


def _bi_srand(r: _Runner, args: list[_Expr]) -> _Value:
    previous = r.seed
    r.seed = _num(r.eval(args[0])) if args else float(int(time.time()))
    r.random.seed(r.seed)
    return previous


def _bi_system(r: _Runner, args: list[_Expr]) -> _Value:
    return float(r.run_command(r.to_str(r.eval(args[0])), "", capture=False)[0])


def _bi_close(r: _Runner, args: list[_Expr]) -> _Value:
    return r.close(r.to_str(r.eval(args[0])))


def _bi_fflush(r: _Runner, args: list[_Expr]) -> _Value:
    for arg in args:  # output is never buffered here; evaluate for side effects only
        r.eval(arg)
    return 0.0


_BUILTIN_IMPLS: dict[str, Callable[[_Runner, list[_Expr]], _Value]] = {
    "length": _bi_length, "substr": _bi_substr, "index": _bi_index, "split": _bi_split,
    "sub": _bi_sub, "gsub": _bi_gsub, "match": _bi_match, "sprintf": _bi_sprintf,
    "tolower": _bi_tolower, "toupper": _bi_toupper, "int": _bi_int,
    "sqrt": _math(math.sqrt), "exp": _math(math.exp), "log": _math(math.log),
    "sin": _math(math.sin), "cos": _math(math.cos), "atan2": _math(math.atan2),
    "rand": _bi_rand, "srand": _bi_srand, "system": _bi_system, "close": _bi_close,
    "fflush": _bi_fflush,
}
_NODE_TYPES: dict[str, type] = {
    "num": _Num, "str": _Str, "regex": _Regex, "var": _Var, "field": _Field, "index": _Index,
    "assign": _Assign, "cond": _Cond, "logic": _Logic, "not": _Not, "unary": _Unary,
    "arith": _Arith, "compare": _Compare, "match": _Match, "concat": _Concat,
    "incdec": _IncDec, "in": _In, "call": _Call, "builtin": _Builtin, "getline": _Getline,
    "exprstmt": _ExprStmt, "print": _Print, "if": _If, "while": _While, "do": _Do,
    "for": _For, "forin": _ForIn, "block": _Block, "jumper": _Jumper, "exit": _Exit,
    "return": _Return, "delete": _Delete,
}


# ====================================================================== the command
@_utility("awk", "gawk", "mawk", usage_status=2)
def _awk(ctx: _Ctx, argv: list[str]) -> int:
    """``awk [-F fs] [-v var=value] [-f progfile | 'program'] [file ...]``."""
    prog = argv[0].rsplit("/", 1)[-1] or "awk"
    args = argv[1:]
    assignments: list[tuple[str, str]] = []
    fs: str | None = None
    sources: list[str] = []
    while args and args[0].startswith("-") and args[0] != "-":
        opt = args.pop(0)
        if opt == "--":
            break
        if opt in ("--version", "-V"):
            ctx.out(f"{prog} (netsim): a POSIX awk subset, after mawk 1.3.4 and gawk 5\n")
            return 0
        letter = opt[1]
        if letter not in "Fvf":
            raise _Usage(f"{prog}: not an option: {opt}\n{_USAGE}", hint=False)
        value = opt[2:]
        if not value:
            if not args:
                raise _Usage(f"{prog}: option requires an argument -- {letter}\n{_USAGE}",
                             hint=False)
            value = args.pop(0)
        if letter == "F":
            fs = _unescape(value)  # `-Ft` is a "t", not a tab, in mawk and gawk alike
        elif letter == "v":
            name, equals, text = value.partition("=")
            if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                return ctx.fail(f"{prog}: improper assignment: -v {value}", 2)
            assignments.append((name, text))
        else:
            text = ctx.read_input(value, prog, style="open")
            if text is None:
                return 2
            sources.append(text)
    if not sources:
        if not args:
            raise _Usage(_USAGE, hint=False)
        sources.append(args.pop(0))
    try:
        program = _Parser("\n".join(sources)).program()
    except _AwkSyntaxError as e:
        return ctx.fail(f"{prog}: line {e.line}: {e.message}", 2)
    except RecursionError:
        return ctx.fail(f"{prog}: program nested too deeply", 2)
    runner = _Runner(ctx, program, prog, args)
    if fs is not None:
        runner.globals["FS"] = fs
    for name, text in assignments:
        try:
            runner.assign_var(name, _Strnum(_unescape(text)))
        except _AwkRuntimeError as e:
            return ctx.fail(f"{prog}: {e}", 2)
    return runner.run()
