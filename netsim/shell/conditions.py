"""Conditional expressions: ``test``, ``[`` and ``[[ ]]``.

``test``/``[`` is a command: its arguments arrive expanded and split, and POSIX decides
what they mean by counting them first (:class:`_TestParser`). ``[[ ]]`` is syntax: the
parser keeps its words unexpanded and :func:`_cond_eval` expands each one only when it
is reached, so ``[[ -n $x && $x == a* ]]`` short-circuits, needs no quotes around
``$x``, and reads an unquoted right side of ``==`` as a glob. Both use the same file
tests (``-f``, ``-d``...) and comparisons.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netsim.shell.ast import Word
from netsim.shell.patterns import _QUOTED, _compile_glob, _posix_regex
from netsim.shell.plumbing import _legal_number

if TYPE_CHECKING:
    from netsim.shell.interpreter import Shell


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
    """test's operand of -eq..: bash's legal_number() (a number too large for intmax_t
    is no integer expression)."""
    value = _legal_number(text)
    if value is None:
        raise _TestError(f"{text}: integer expression expected")
    return value


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


def _cond_eval(sh: Shell, tree: tuple[Any, ...]) -> bool:
    """The value of a ``[[ ]]`` tree; each word is expanded only when reached."""
    kind = tree[0]
    if kind == "or":
        return _cond_eval(sh, tree[1]) or _cond_eval(sh, tree[2])
    if kind == "and":
        return _cond_eval(sh, tree[1]) and _cond_eval(sh, tree[2])
    if kind == "not":
        return not _cond_eval(sh, tree[1])
    if kind == "word":
        return sh._expand_str(tree[1]) != ""
    if kind == "unary":
        return _test_unary(sh, tree[1], sh._expand_str(tree[2]))
    left, op, right = sh._expand_str(tree[1]), tree[2], tree[3]
    if op in ("==", "=", "!="):
        matched = _compile_glob(sh._segments(right)).fullmatch(left) is not None
        return matched == (op != "!=")
    if op == "=~":
        return _cond_regex(sh, left, right)
    if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
        a, b = sh._arith(tree[1]), sh._arith(right)
        return _compare_ints(a, op, b)
    return _test_binary(sh, left, op, sh._expand_str(right))


def _cond_regex(sh: Shell, text: str, word: Word) -> bool:
    """``[[ text =~ word ]]``: quoted parts of the regex match literally."""
    try:
        pieces = [re.escape(piece) if flags & _QUOTED else _posix_regex(piece, True)
                  for piece, flags in sh._segments(word) if piece is not None]
        return re.search("".join(pieces), text) is not None
    except re.error:
        raise _TestError("invalid regular expression") from None
