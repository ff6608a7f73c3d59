"""Shell arithmetic: ``$(( ))``, ``(( ))``, ``for (( ; ; ))`` and ``let``.

C's integer operators and precedences over signed 64-bit integers, as bash computes.
A variable whose value is not a number is itself evaluated as an expression
(``x=1+2; echo $((x*2))`` prints 6). Errors use bash's wording and its "error token".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from netsim.shell.errors import _ExpansionError

if TYPE_CHECKING:
    from netsim.shell.interpreter import Shell


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


_MASK64 = (1 << 64) - 1
_NUM_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_CHUNK = 18  # digits of one int() call: far below Python's 4,300-digit limit


def _wrapped_digits(digits: str, base: int) -> int:
    """``val = val * base + digit`` for each digit, in 64-bit arithmetic (mod 2**64), as
    bash's ``strlong`` accumulates: a 5,000-digit number costs a few hundred ``int()``
    calls on short slices, never one on the whole string. ``base`` <= 36."""
    value = 0
    for start in range(0, len(digits), _CHUNK):
        chunk = digits[start:start + _CHUNK]
        value = (value * base ** len(chunk) + int(chunk, base)) & _MASK64
    return _wrap64(value)


def _strlong(text: str) -> int:
    """bash 5.2's ``strlong`` (expr.c): one number token -- ``42``, ``0x1f``, ``017``,
    ``BASE#DIGITS`` (bases 2..64) -- accumulated without overflow checks, so any length
    wraps modulo 2**64 as bash's intmax_t does. Errors are bash's, the whole token as the
    subject and the error token."""
    base, i, n = 10, 0, len(text)
    found_base = False
    if text.startswith("0"):
        if n == 1:
            return 0
        if text[1] in "xX":
            base, i = 16, 2
        else:
            base, i = 8, 1
        found_base = True
    end = text.find("#", i)
    if end < 0:
        return _digits_value(text, i, n, base)
    value = _digits_value(text, i, end, base)
    if found_base:
        raise _ArithError("invalid number", text, text)
    if not 2 <= value <= 64:
        raise _ArithError("invalid arithmetic base", text, text)
    if end + 1 >= n or text[end + 1] == "#":
        raise _ArithError("invalid integer constant", text, text)
    second = text.find("#", end + 1)
    value = _digits_value(text, end + 1, n if second < 0 else second, value)
    if second >= 0:  # a second base: the digits before it were read first
        raise _ArithError("invalid number", text, text)
    return value


def _digits_value(text: str, start: int, end: int, base: int) -> int:
    """The digits ``text[start:end]`` in ``base`` (bash's digit set for bases over 36:
    ``a-z`` 10..35, ``A-Z`` 36..61, ``@`` 62, ``_`` 63), wrapped to 64 bits."""
    digits = text[start:end]
    if base <= 36:  # upper and lower case are the same digit
        lowered = digits.lower()
        if lowered.strip(_NUM_DIGITS[:base]):
            raise _ArithError("value too great for base", text, text)
        return _wrapped_digits(lowered, base)
    value = 0
    for c in digits:
        if c.isdigit():
            d = ord(c) - 48
        elif "a" <= c <= "z":
            d = ord(c) - 87
        elif "A" <= c <= "Z":
            d = ord(c) - 29
        else:
            d = 62 if c == "@" else 63
        if d >= base:
            raise _ArithError("value too great for base", text, text)
        value = (value * base + d) & _MASK64
    return _wrap64(value)


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
        try:
            value = self.comma()
        except RecursionError:  # thousands of nested ( or unary signs: bash's own wording
            raise _ArithError("expression recursion level exceeded", self.rest()) from None
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
        if value.isascii() and value.isdigit() and value[0] != "0" and len(value) < 19:
            return int(value)  # the common case, without a nested parse
        if self.depth >= 10:
            raise _ArithError("expression recursion level exceeded", value)
        try:
            return _Arith(self.sh, value, self.depth + 1).evaluate()
        except _ArithError as e:
            if e.subject is None:  # bash names the expression the variable held
                e.subject = value
            raise

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
            exponent = self.power()
            # bash's error token here is the last token read (``1`` of ``2**-1``)
            where = self.text[self.tokens[self.i - 1][2]:]
            value = self.binop("**", value, exponent, where)
        return value

    def unary(self) -> int:
        op = self.peek_op()
        if op in ("!", "~", "-", "+"):
            self.i += 1
            value = self.unary()
            return {"!": int(not value), "~": ~value, "-": _wrap64(-value), "+": value}[op]
        if op in ("++", "--") and (self.i + 1 >= len(self.tokens)
                                   or self.tokens[self.i + 1][0] != "name"):
            # not before a variable: two signs, as bash reads them (``--5`` is 5)
            pos = self.tokens[self.i][2]
            self.tokens[self.i:self.i + 1] = [("op", op[0], pos), ("op", op[0], pos + 1)]
            return self.unary()
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
        return _strlong(text)

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
