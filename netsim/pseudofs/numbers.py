"""Numbers as the kernel's sysfs and procfs handlers read them, and the errors they give.

:func:`kstrtoul` is what a sysfs ``store`` method reads (one unsigned number, base from
the prefix, an optional trailing newline); :func:`proc_ints` is __do_proc_dointvec(),
what a /proc/sys file reads (blank-separated, signed, range-checked). Both fail the
way the kernel does, with an :func:`oserror` carrying its errno (EINVAL, ERANGE).
"""

from __future__ import annotations

import errno
import os


def oserror(code: int) -> OSError:
    """``OSError(code)`` becomes its subclass (EACCES -> PermissionError...)."""
    return OSError(code, os.strerror(code))


_SPACES = " \t\n\v\f\r"


def _c_number(text: str, i: int, base: int = 0) -> tuple[int, int] | None:
    """The digits at ``text[i:]`` read as the kernel's ``_parse_integer`` reads them.

    With ``base`` 0 the prefix decides: ``0x`` + hex digit is hex, a leading ``0`` is
    octal, anything else decimal. Returns (value, index after the digits), or None
    when there is not a single digit.
    """
    if base == 0:
        if text[i:i + 1] == "0":
            if text[i + 1:i + 2] in ("x", "X") and text[i + 2:i + 3] and \
                    text[i + 2] in "0123456789abcdefABCDEF":
                base, i = 16, i + 2
            else:
                base = 8
        else:
            base = 10
    start = i
    value = 0
    while i < len(text):
        digit = int(text[i], 36) if text[i].isascii() and text[i].isalnum() else 99
        if digit >= base:
            break
        value = value * base + digit
        i += 1
    return (value, i) if i > start else None


def kstrtoul(text: str) -> int:
    """kstrtoul(buf, 0): how a sysfs file reads the number written to it.

    One unsigned number, an optional ``+``, base from the prefix, and nothing after it
    but a single newline: ``"7\\n"`` is 7, ``" 7"`` and ``"7 "`` are EINVAL, a number
    that does not fit 64 bits is ERANGE.
    """
    i = 1 if text.startswith("+") else 0
    parsed = _c_number(text, i)
    if parsed is None:
        raise oserror(errno.EINVAL)
    value, i = parsed
    if text[i:] not in ("", "\n"):
        raise oserror(errno.EINVAL)
    if value >= 1 << 64:
        raise oserror(errno.ERANGE)
    return value


def proc_ints(text: str, count: int, low: int, high: int) -> list[int]:
    """__do_proc_dointvec(): up to ``count`` numbers written to a /proc/sys file.

    Blanks before a number are skipped, a ``-`` is allowed, the base comes from the
    prefix (``010`` is 8), and the character after a number must be a blank or the
    end (``1=2`` is EINVAL). What follows the last number wanted is ignored. Each
    value must lie in [low, high], else EINVAL.
    """
    values: list[int] = []
    i, n = 0, len(text)
    while len(values) < count:
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            break
        negative = text[i] == "-"
        parsed = _c_number(text, i + 1 if negative else i)
        if parsed is None:
            raise oserror(errno.EINVAL)
        value, i = parsed
        if i < n and text[i] not in " \t\n":
            raise oserror(errno.EINVAL)
        value = -value if negative else value
        if not low <= value <= high:
            raise oserror(errno.EINVAL)
        values.append(value)
    if not values:
        raise oserror(errno.EINVAL)
    return values
