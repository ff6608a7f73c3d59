"""QEMU's number readers (``util/cutils.c`` of QEMU 7.2), on netsim's bounded strtol.

Every number QEMU reads from its command line goes through one of these:

* ``qemu_strtoi``/``qemu_strtoui`` (int), ``qemu_strtoi64``/``qemu_strtou64``: glibc's
  ``strtoll``/``strtoull`` plus QEMU's rules -- no digit is EINVAL, an overflow is
  ERANGE with the value saturated, and without an end pointer the whole string must
  be the number;
* ``parse_uint``: ``strtoull`` that refuses a minus sign (ERANGE);
* ``qemu_parse_fd``: a decimal ``int`` >= 0, else -1;
* ``qemu_strtosz``: sizes (``16G``, ``1.5k``, ``0x100``) with the exact 64.64 fixed-point
  arithmetic and the overflow rule of 7.2.

Each returns a :class:`Num` -- ``err`` (0, ``EINVAL`` or ``ERANGE``, as the C functions
return ``-errno``), the value and the end index -- and reads numbers of any length in
bounded time (:mod:`netsim.user.strtol` never hands Python's ``int`` more digits than
the C type holds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from errno import EINVAL, ERANGE

from netsim.user.strtol import strtol

__all__ = ["EINVAL", "ERANGE", "Num", "parse_uint", "parse_uint_full", "qemu_parse_fd",
           "qemu_strtoi", "qemu_strtoi64", "qemu_strtosz", "qemu_strtou64", "qemu_strtoui",
           "qemu_strtoul", "inet_aton"]

INT_MIN, INT_MAX, UINT_MAX = -(1 << 31), (1 << 31) - 1, (1 << 32) - 1
UINT32_MAX = UINT_MAX
INT64_MIN, INT64_MAX, UINT64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1
_SPACES = " \t\n\v\f\r"


@dataclass(frozen=True)
class Num:
    """What a cutils reader returned: ``err`` (0, EINVAL, ERANGE), ``value``, ``end``."""

    err: int
    value: int
    end: int

    @property
    def ok(self) -> bool:
        return self.err == 0


def _finish(text: str, value: int, end: int, overflow: bool, whole: bool) -> Num:
    """``check_strtox_error``: no digit is EINVAL; without an end pointer anything left
    over is EINVAL (before ERANGE is looked at)."""
    if whole and end != len(text):
        return Num(EINVAL, value, end)
    return Num(ERANGE if overflow else 0, value, end)


def qemu_strtoi64(text: str, base: int = 0, *, whole: bool = True) -> Num:
    """``qemu_strtoi64``: ``strtoll``; saturates at INT64_MIN/MAX with ERANGE."""
    p = strtol(text, base, bits=64)
    if p is None:
        return Num(EINVAL, 0, 0)
    return _finish(text, p.value, p.end, p.overflow, whole)


def qemu_strtou64(text: str, base: int = 0, *, whole: bool = True) -> Num:
    """``qemu_strtou64``: ``strtoull`` (``-1`` is UINT64_MAX); UINT64_MAX on overflow."""
    p = strtol(text, base, unsigned=True, bits=64)
    if p is None:
        return Num(EINVAL, 0, 0)
    return _finish(text, p.value, p.end, p.overflow, whole)


def qemu_strtoul(text: str, base: int = 0, *, whole: bool = True) -> Num:
    """``qemu_strtoul``: an unsigned long is 64 bits here, so :func:`qemu_strtou64`."""
    return qemu_strtou64(text, base, whole=whole)


def qemu_strtoi(text: str, base: int = 0, *, whole: bool = True) -> Num:
    """``qemu_strtoi``: ``strtoll`` clamped to an int (INT_MIN/INT_MAX and ERANGE)."""
    p = strtol(text, base, bits=64)
    if p is None:
        return Num(EINVAL, 0, 0)
    value, overflow = p.value, p.overflow
    if value < INT_MIN:
        value, overflow = INT_MIN, True
    elif value > INT_MAX:
        value, overflow = INT_MAX, True
    return _finish(text, value, p.end, overflow, whole)


def qemu_strtoui(text: str, base: int = 0, *, whole: bool = True) -> Num:
    """``qemu_strtoui``: ``strtoull`` into an unsigned int; ``-1`` is UINT_MAX, but a
    value below INT_MIN once negated (``-4294967296``) is ERANGE."""
    p = strtol(text, base, unsigned=True, bits=64)
    if p is None:
        return Num(EINVAL, 0, 0)
    if p.overflow:
        return _finish(text, UINT_MAX, p.end, True, whole)
    signed = p.value - (1 << 64) if p.value > INT64_MAX else p.value
    if signed > UINT_MAX or signed < INT_MIN:
        return _finish(text, UINT_MAX, p.end, True, whole)
    return _finish(text, signed & UINT_MAX, p.end, False, whole)


def parse_uint(text: str, base: int = 0) -> Num:
    """``parse_uint``: ``strtoull`` that refuses a leading minus (value 0, ERANGE). The
    end is past the digits even then; no digit is EINVAL with end 0."""
    p = strtol(text, base, unsigned=True, bits=64)
    if p is None:
        return Num(EINVAL, 0, 0)
    if p.overflow:
        return Num(ERANGE, UINT64_MAX, p.end)
    if text.lstrip(_SPACES).startswith("-"):
        return Num(ERANGE, 0, p.end)
    return Num(0, p.value, p.end)


def parse_uint_full(text: str, base: int = 0) -> Num:
    """``parse_uint_full``: :func:`parse_uint` of the whole string."""
    n = parse_uint(text, base)
    if n.ok and n.end != len(text):
        return Num(EINVAL, 0, n.end)
    return n


def qemu_parse_fd(text: str) -> int:
    """``qemu_parse_fd``: a whole decimal number from 0 to INT_MAX, else -1."""
    p = strtol(text, 10, bits=64)
    if p is None or p.overflow or p.end != len(text) or not 0 <= p.value <= INT_MAX:
        return -1
    return p.value


# ------------------------------------------------------------------ sizes
_UNITS = "BKMGTPE"
# what strtod() reads from a '.': digits, then maybe an exponent
_FRACTION = re.compile(r"\.([0-9]+)((?:[eE][+-]?[0-9]+)?)")
_DBL_MIN = 2.2250738585072014e-308


@dataclass(frozen=True)
class Size(Num):
    """A :func:`qemu_strtosz` result; ``hex_suffix``: a multiplier on a hex number,
    which QEMU 7.2 warns about (``warn_report``) as it reads it."""

    hex_suffix: bool = False


def _suffix(c: str, unit: int) -> int:
    i = _UNITS.find(c.upper()) if len(c) == 1 and c.isascii() else -1
    return unit ** i if i >= 0 else -1


def _fraction(text: str, f: int) -> tuple[int, int | None, float]:
    """``qemu_strtod_finite`` at the '.' of ``text[f]``: (end, err, value). ``err`` None:
    no conversion (no digit after the point; the end stays at ``f``); ERANGE: the double
    overflows or underflows. Bounded: the exponent is read with strtol and only the
    first significant digits are handed to ``float``."""
    m = _FRACTION.match(text, f)
    if m is None:
        return f, None, 0.0
    digits, exp_text = m.group(1), m.group(2)
    exp = 0
    if exp_text:
        parsed = strtol(exp_text[1:], 10)
        exp = max(-10**6, min(10**6, parsed.value)) if parsed is not None else 0
    significant = digits.lstrip("0")
    if not significant:
        return m.end(), 0, 0.0
    exp -= len(digits) - len(significant)
    value = float(f"0.{significant[:800]}e{exp}")
    if value == float("inf") or value < _DBL_MIN:
        return m.end(), ERANGE, 0.0
    return m.end(), 0, value


def qemu_strtosz(text: str, default_suffix: str = "B", unit: int = 1024) -> Size:
    """``qemu_strtosz`` (``qemu_strtosz_MiB`` with ``default_suffix='M'``), the whole
    string: ``err`` is EINVAL or ERANGE as QEMU 7.2's ``do_strtosz`` returns them.

    The integer part is decimal ``strtoull`` (ERANGE when it overflows, EINVAL with a
    minus sign); ``0x`` makes it hex, with no fraction; a fraction becomes a 64-bit
    fixed-point number, needs a suffix, and may not have an exponent; the suffix
    (B, K, M, G, T, P, E in any case) multiplies exactly, rounding half up; a result
    of 2^64 or more is ERANGE. Anything left over makes it EINVAL whatever came
    before (``-m 99999999999999999999k`` is EINVAL, not ERANGE).
    """
    n = len(text)
    err, val, end, valf, hexa = _strtosz_parts(text, unit)
    mul = 0
    if err == 0:
        c = text[end:end + 1]
        mul = _suffix(c, unit)
        if mul > 0:
            end += 1
        else:
            mul = _suffix(default_suffix, unit)
        if mul == 1:
            if valf:
                err, end = EINVAL, 0
        else:
            total = val * mul + ((valf * mul) >> 64) + (((valf * mul) >> 63) & 1)
            if total > UINT64_MAX:
                err = ERANGE
            val = total
    if end != n:     # left over; or a fraction's ERANGE stepped past the NUL (EINVAL)
        err = EINVAL
    return Size(err, val if err == 0 else 0, end, hex_suffix=hexa and mul > 1)


def _strtosz_parts(text: str, unit: int) -> tuple[int, int, int, int, bool]:
    """do_strtosz up to the suffix: (err, integral value, end, 64-bit fraction, hex)."""
    p = qemu_strtou64(text, 10, whole=False)
    if p.err:
        return p.err, 0, p.end, 0, False
    if "-" in text[:p.end]:
        return EINVAL, 0, 0, 0, False
    c = text[p.end:p.end + 1]
    if p.value == 0 and c in ("x", "X"):
        h = qemu_strtou64(text, 16, whole=False)
        if h.err:
            return h.err, 0, h.end, 0, True
        if text[h.end:h.end + 1] == ".":
            return EINVAL, 0, 0, 0, True
        return 0, h.value, h.end, 0, True
    if c == ".":
        end, err, fraction = _fraction(text, p.end)
        if err is None or err:      # C: endptr++ -- past the '.', or one past the number
            return 0, p.value, end + 1, 0, False
        if "e" in text[p.end:end].lower():
            return EINVAL, 0, 0, 0, False
        return 0, p.value, end, _to_u64(fraction * 2.0 ** 64), False
    return 0, p.value, p.end, 0, False


def _to_u64(x: float) -> int:
    """C's ``(uint64_t)`` of a double as gcc compiles it on x86-64 (no AVX-512): values
    from 2^64 on come out as 0 (cvttsd2si of x - 2^63 overflows to 2^63, xor 2^63)."""
    if x < 2.0 ** 63:
        return int(x)
    y = x - 2.0 ** 63
    low = int(y) if y < 2.0 ** 63 else 1 << 63
    return low ^ (1 << 63)


# ------------------------------------------------------------------ addresses
def inet_aton(text: str) -> int | None:
    """glibc's ``inet_aton``: ``a.b.c.d``, ``a.b.c``, ``a.b``, ``a``; each part a C number
    (``0x`` hex, ``0`` octal); trailing white space and whatever follows it is ignored.
    The address as an int, or None. Any text: non-ASCII is never a digit or a space."""
    parts: list[int] = []
    p = 0
    while True:
        if p >= len(text) or text[p] not in "0123456789":
            return None
        part = strtol(text, 0, unsigned=True, start=p)
        if part is None or part.overflow or part.value > 0xFFFFFFFF:
            return None
        val, p = part.value, part.end
        if text[p:p + 1] != ".":
            break
        if len(parts) > 2 or val > 0xFF:
            return None
        parts.append(val)
        p += 1
    if p < len(text) and text[p] not in _SPACES:
        return None
    if val > (0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF)[len(parts)]:
        return None
    addr = 0
    for i, byte in enumerate(parts):
        addr |= byte << (24 - 8 * i)
    return addr | val
