"""C's ``strtod``/``strtold`` for the shell's programs: floating-point numbers from text.

The integer readers are :mod:`netsim.user.strtol`; this is their floating-point
sibling, for ``printf %f``, ``sleep`` and ``seq``. It reads what glibc reads in the C
locale -- leading white space, a sign, decimal digits with a point and an exponent,
hexadecimal ``0x1.8p3``, ``inf``/``infinity``, ``nan``/``nan(...)`` in any case -- and
nothing Python's ``float()`` would add (``1_000``, Unicode digits, trailing blanks).
Any number of digits costs only a scan: the exponent is read bounded, and a value out
of the type's range comes back as ``inf`` or ``0`` with ``overflow`` set (``ERANGE``).

``long_double`` gives ``strtold``'s range (up to about 1.19e4932) for the ERANGE test;
the value itself is still a Python float, so a number between 1.8e308 and that limit
reads as ``inf`` without the warning.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUMBER = re.compile(
    r"[ \t\n\v\f\r]*([+-]?)(?:"
    r"0[xX](?P<hex>(?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+))"
    r"(?:[pP](?P<hexp>[+-]?[0-9]+))?"
    r"|(?P<dec>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:[eE](?P<dexp>[+-]?[0-9]+))?"
    r"|(?P<inf>[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)"
    r"|(?P<nan>[nN][aA][nN](?:\([0-9A-Za-z_]*\))?))"
)
_EXPONENT_CAP = 10**7  # an exponent past this is as good as infinite


@dataclass(frozen=True)
class ParsedFloat:
    """What strtod() returned: the value, where parsing stopped, and ERANGE."""

    value: float
    end: int  # 0 when no number was read (C leaves endptr at the start)
    overflow: bool = False


def _exponent(text: str | None) -> int:
    """An exponent's digits, read bounded (``1e99999999999999999999`` costs nothing)."""
    if not text:
        return 0
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").lstrip("0") or "0"
    return sign * (_EXPONENT_CAP if len(digits) > 7 else min(int(digits), _EXPONENT_CAP))


def strtod(text: str, long_double: bool = False) -> ParsedFloat:
    """C ``strtod`` (``strtold`` with ``long_double``) on ``text``."""
    m = _NUMBER.match(text)
    if m is None:
        return ParsedFloat(0.0, 0)
    sign = -1.0 if m.group(1) == "-" else 1.0
    if m.group("inf"):
        return ParsedFloat(sign * math.inf, m.end())
    if m.group("nan"):
        return ParsedFloat(math.copysign(math.nan, sign), m.end())
    top = 4932 if long_double else 308  # decimal exponent of the largest value
    if m.group("hex") is not None:
        mantissa = m.group("hex")
        whole, _, fraction = mantissa.partition(".")
        digits = (whole + fraction).lstrip("0")
        binary = _exponent(m.group("hexp")) - 4 * len(fraction)
        magnitude = (len(digits) * 4 + binary) * 0.30103 if digits else -math.inf
        if magnitude > top + 1:
            return ParsedFloat(sign * math.inf, m.end(), True)
        if magnitude < -top - 20:
            return ParsedFloat(sign * 0.0, m.end(), bool(digits))
        try:
            value = float.fromhex(f"0x{mantissa}p{_exponent(m.group('hexp'))}")
        except OverflowError:
            value = math.inf
        return ParsedFloat(sign * value, m.end(), math.isinf(value) and not long_double)
    whole, _, fraction = m.group("dec").partition(".")
    exponent = _exponent(m.group("dexp"))
    stripped = whole.lstrip("0")
    if stripped:
        magnitude = len(stripped) - 1 + exponent
    else:
        first = len(fraction) - len(fraction.lstrip("0"))
        magnitude = -first - 1 + exponent if fraction.strip("0") else -math.inf
    if magnitude > top:
        return ParsedFloat(sign * math.inf, m.end(), True)
    if magnitude < -top - 1:
        return ParsedFloat(sign * 0.0, m.end(), magnitude != -math.inf)
    value = float(f"{whole or '0'}.{fraction or '0'}e{exponent}")
    return ParsedFloat(sign * value, m.end(), math.isinf(value) and not long_double)


_SUFFIX_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def sleep_interval(text: str) -> float | None:
    """One operand of coreutils' ``sleep``: seconds (``inf`` for ``inf`` or a number
    past the double range), or None when sleep calls it an invalid time interval.

    A number as strtod reads it (``1e9``, ``0x1p3``, `` 5``), not negative nor NaN,
    then at most one of the suffixes ``s m h d``.
    """
    parsed = strtod(text)
    suffix = text[parsed.end:]
    if parsed.end == 0 or not parsed.value >= 0 or suffix not in _SUFFIX_SECONDS:
        return None
    return parsed.value * _SUFFIX_SECONDS[suffix]
