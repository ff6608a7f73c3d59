"""glibc's ``strtol``/``strtoul`` family: how C programs read numbers from text.

Every simulated tool that reads a number the way its C original does goes through
:func:`strtol`: leading white space, an optional sign, the base from a ``0x``/``0``
prefix when ``base`` is 0, as many digits as there are, and what follows left over.
A value that does not fit saturates (``LONG_MAX``, ``ULONG_MAX``...) and says so
(``errno = ERANGE`` in C), whatever the number of digits: a student's 5,000-digit
number is read in the time of a 20-digit one, never handed whole to Python's ``int``
(which refuses strings over 4,300 digits).

``strtoul`` accepts a minus sign and negates in unsigned arithmetic, as C does
(``strtoul("-1")`` is ``ULONG_MAX``).
"""

from __future__ import annotations

from typing import NamedTuple

_SPACES = " \t\n\v\f\r"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


class Parsed(NamedTuple):  # immutable, and cheaper to create than a frozen dataclass
    """What strtol() returned: the value, where parsing stopped, and ERANGE."""

    value: int
    end: int  # index in the text after the last digit used
    overflow: bool


def _digit_run(text: str, i: int, base: int) -> int:
    """Index after the digits of ``base`` starting at ``i``."""
    allowed = _DIGITS[:base]
    n = len(text)
    while i < n and text[i].lower() in allowed and text[i].isascii():
        i += 1
    return i


def strtol(text: str, base: int = 0, *, unsigned: bool = False, bits: int = 64,
           start: int = 0) -> Parsed | None:
    """C ``strtol`` (or ``strtoul`` with ``unsigned``) on ``text[start:]``.

    Returns None when there is no digit at all (C returns 0 and leaves ``endptr`` at the
    start). ``bits`` is the width of the C type (64 for long, 32 for int-sized
    readers).
    """
    i = start
    n = len(text)
    while i < n and text[i] in _SPACES:
        i += 1
    negative = False
    if i < n and text[i] in "+-":
        negative = text[i] == "-"
        i += 1
    if base in (0, 16) and text[i:i + 2].lower() == "0x" and i + 2 < n \
            and text[i + 2] in "0123456789abcdefABCDEF":
        i += 2
        base = 16
    elif base == 0:
        base = 8 if text[i:i + 1] == "0" else 10
    first = i
    end = _digit_run(text, i, base)
    if end == first:
        return None
    digits = text[first:end].lstrip("0") or "0"
    # More significant digits than the widest value of the type can have: it overflows
    # (checked before int() so a huge string costs nothing).
    widest = len(_to_base((1 << bits) - 1, base)) + 1
    magnitude = int(digits, base) if len(digits) <= widest else 1 << (bits + 1)
    return _saturate(magnitude, negative, unsigned, bits, end)


def _to_base(value: int, base: int) -> str:
    out = ""
    while value:
        value, digit = divmod(value, base)
        out = _DIGITS[digit] + out
    return out or "0"


def _saturate(magnitude: int, negative: bool, unsigned: bool, bits: int, end: int) -> Parsed:
    if unsigned:
        top = (1 << bits) - 1
        if magnitude > top:
            return Parsed(top, end, True)
        return Parsed((-magnitude) & top if negative else magnitude, end, False)
    high, low = (1 << (bits - 1)) - 1, -(1 << (bits - 1))
    value = -magnitude if negative else magnitude
    if value > high:
        return Parsed(high, end, True)
    if value < low:
        return Parsed(low, end, True)
    return Parsed(value, end, False)


def parse_whole(text: str, base: int = 0, *, unsigned: bool = False,
                bits: int = 64) -> int | None:
    """The number if ``text`` is one number and nothing else (no junk, no overflow)."""
    parsed = strtol(text, base, unsigned=unsigned, bits=bits)
    if parsed is None or parsed.overflow or parsed.end != len(text):
        return None
    return parsed.value


def bounded_int(text: str, limit: int = 10**30) -> int:
    """``int(text)`` for a decimal string already known to be digits (with a sign),
    clamped to ``+-limit``: for code that compares the value with a range right after,
    so a 5,000-digit number fails that check instead of Python's digit limit."""
    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    digits = body.lstrip("+-").lstrip("0") or "0"
    if len(digits) > len(str(limit)):
        return sign * limit
    return max(-limit, min(limit, int(body)))
