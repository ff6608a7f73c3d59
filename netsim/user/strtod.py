"""glibc's ``strtod``: how C programs read a floating-point number from text.

The companion of :mod:`netsim.user.strtol`: leading white space, a sign, then a
decimal number (``1``, ``.5``, ``2.``, ``1e-3``), a hexadecimal one (``0x1p-2``,
``0x.8``), ``inf``/``infinity`` or ``nan``/``nan(chars)`` in any case; what follows
is left over (``end``). A result too large is ``±inf`` and one too small to be a
normal double (subnormal or zero) sets ``errno = ERANGE`` (``overflow`` /
``underflow`` here), as glibc does. Always in the C locale (``.`` is the decimal
point), which is how ping reads ``-i``/``-W``.

Bounded: a number of 5,000 digits is read in the time of a short one -- at most
:data:`_KEEP` significant digits are handed to Python's ``float``, with the exponent
clamped, so no call ever meets Python's limit on long digit strings.
"""

from __future__ import annotations

import math
import sys
from typing import NamedTuple

_SPACES = " \t\n\v\f\r"
_KEEP = 40  # significant digits kept: far more than a double's 17, so rounding is right
_MIN_NORMAL = sys.float_info.min


class ParsedFloat(NamedTuple):  # immutable, and cheaper to create than a frozen dataclass
    """What strtod() returned: the value, where parsing stopped, and ERANGE."""

    value: float
    end: int  # index in the text after the last character used
    erange: bool  # errno == ERANGE: overflow to ±inf, or underflow (subnormal or zero)


def _digits(text: str, i: int, hexa: bool) -> int:
    allowed = "0123456789abcdefABCDEF" if hexa else "0123456789"
    n = len(text)
    while i < n and text[i] in allowed:
        i += 1
    return i


def strtod(text: str) -> ParsedFloat | None:
    """C ``strtod`` on ``text``; None when no number starts it (C returns 0, ``end`` 0)."""
    n = len(text)
    i = 0
    while i < n and text[i] in _SPACES:
        i += 1
    sign = 1.0
    if i < n and text[i] in "+-":
        sign = -1.0 if text[i] == "-" else 1.0
        i += 1
    lower = text[i:i + 8].lower()
    if lower.startswith("inf"):
        end = i + (8 if lower == "infinity" else 3)
        return ParsedFloat(sign * math.inf, end, False)
    if lower.startswith("nan"):
        end = i + 3
        if end < n and text[end] == "(":
            close = end + 1
            while close < n and (text[close].isascii() and text[close].isalnum()
                                 or text[close] == "_"):
                close += 1
            if close < n and text[close] == ")":
                end = close + 1
        return ParsedFloat(math.copysign(math.nan, sign), end, False)
    hexa = lower.startswith("0x") and _digits(text, i + 2, True) > i + 2 or (
        lower.startswith("0x.") and _digits(text, i + 3, True) > i + 3)
    start = i + 2 if hexa else i
    int_end = _digits(text, start, hexa)
    frac_start = frac_end = int_end
    if int_end < n and text[int_end] == ".":
        frac_start = int_end + 1
        frac_end = _digits(text, frac_start, hexa)
    if int_end == start and frac_end == frac_start:
        return None  # no digit at all ("", ".", "-", "e5")
    end = frac_end  # after the fraction, or after the point of "2.", or the digits
    # the exponent: e/E (decimal) or p/P (hex, in powers of two), only with a digit
    exp_value = 0
    mark = "pP" if hexa else "eE"
    if end < n and text[end] in mark:
        j = end + 1
        exp_sign = 1
        if j < n and text[j] in "+-":
            exp_sign = -1 if text[j] == "-" else 1
            j += 1
        k = _digits(text, j, False)
        if k > j:
            body = text[j:k].lstrip("0") or "0"
            exp_value = exp_sign * (int(body) if len(body) <= 6 else 10**6)
            end = k
    digits = (text[start:int_end] + text[frac_start:frac_end])
    point = int_end - start  # digits before the point
    stripped = digits.lstrip("0")
    if not stripped:
        return ParsedFloat(sign * 0.0, end, False)
    point -= len(digits) - len(stripped)
    kept = stripped[:_KEEP]
    if len(stripped) > _KEEP and stripped[_KEEP:].strip("0"):
        kept += "1"  # a sticky digit: what was cut still counts for rounding
    if hexa:
        scale = max(-20000, min(20000, exp_value + 4 * (point - len(kept))))
        mantissa = int(kept, 16)
        try:
            value = float(mantissa << scale) if scale >= 0 else mantissa / (1 << -scale)
        except OverflowError:
            value = math.inf
    else:
        scale = max(-5000, min(5000, exp_value + point - len(kept)))
        value = float(f"{kept}e{scale}")
    value *= sign
    if math.isinf(value):
        return ParsedFloat(value, end, True)
    return ParsedFloat(value, end, abs(value) < _MIN_NORMAL)

