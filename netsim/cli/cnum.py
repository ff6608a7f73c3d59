"""C's ``strtod`` and double-to-long conversion, for the tools that read seconds.

:func:`strtod` reads what glibc's ``strtod``/``sscanf("%lf")`` read: blanks, a sign,
decimal or ``0x`` hexadecimal digits with a fraction and an exponent, ``inf``,
``infinity``, ``nan``; only ASCII digits and C's six blanks. A number too big for a
double is infinite (ERANGE), whatever its length: no Python int is ever made of it.
:func:`c_long` is the x86-64 conversion of a double to ``long``.
"""

from __future__ import annotations

import math
import re

_FLOAT_RE = re.compile(
    r"[ \t\n\v\f\r]*([+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
    r"(?:[pP][+-]?[0-9]+)?|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|inf(?:inity)?|nan))", re.IGNORECASE)
LONG_MIN = -(1 << 63)


def strtod(text: str) -> tuple[float, int] | None:
    """``strtod(text, &end)``: (value, index of ``end``), or None when no number starts
    the text (``end == text``)."""
    match = _FLOAT_RE.match(text)
    if match is None:
        return None
    number = match.group(1)
    end = match.end()
    sign = -1.0 if number.startswith("-") else 1.0
    body = number.lstrip("+-")
    try:
        if body[:2].lower() == "0x":
            value = sign * float.fromhex(body if "p" in body.lower() else body + "p0")
        else:
            value = float(number)
    except OverflowError:
        value = sign * math.inf
    return value, end


def c_long(value: float) -> int:
    """A double converted to a C ``long`` on x86-64: towards zero, and LONG_MIN (the
    "integer indefinite") for NaN, infinities and anything out of range."""
    if not math.isfinite(value) or not -2.0 ** 63 <= value < 2.0 ** 63:
        return LONG_MIN
    return int(value)


def c_argv(argv: list[str]) -> list[str]:
    """The arguments as a C program gets them: execve() copies C strings, so each one
    ends at its first NUL (``$'5\\0x'`` reaches the program as ``5``)."""
    return [arg.partition("\0")[0] for arg in argv]
