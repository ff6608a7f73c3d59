"""Backslash escapes and ``%`` conversions, as ``echo -e`` and ``printf`` render them.

Shared by the ``echo`` and ``printf`` builtins and by ``tr`` (whose sets may hold ``\\n``).
awk has its own (:mod:`.awk`): its escapes and its ``printf`` differ in details.
"""

from __future__ import annotations

import re

from netsim.shell.arith import _wrap64
from netsim.shell.plumbing import _Ctx

_SIMPLE_ESCAPES = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
                   "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape(text: str, printf_format: bool = False) -> tuple[str, bool]:
    """Backslash escapes of ``echo -e`` / ``printf %b`` (or of a printf format).

    Returns the text and whether ``\\c`` asked to stop all further output.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[n])
            i += 2
        elif n == "c" and not printf_format:
            return "".join(out), True
        elif printf_format and n in "\"'?":
            out.append(n)
            i += 2
        elif n in "01234567" and (printf_format or n == "0"):
            start = i + 1 if printf_format else i + 2
            digits = re.match(r"[0-7]{0,3}", text[start:])
            assert digits is not None
            out.append(chr(int(digits.group() or "0", 8) & 0xFF))
            i = start + len(digits.group())
        elif n in "xuU" and (m := re.match(
                {"x": r"[0-9a-fA-F]{1,2}", "u": r"[0-9a-fA-F]{1,4}", "U": r"[0-9a-fA-F]{1,8}"}[n],
                text[i + 2 :])):
            out.append(chr(min(int(m.group(), 16), 0x10FFFF)))
            i += 2 + len(m.group())
        else:
            out.append(c)
            i += 1
    return "".join(out), False


_PRINTF_SPEC = re.compile(r"%(?:%|([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?([diouxXeEfFgGcsb])|)")


def _printf_once(ctx: _Ctx, fmt: str, values: list[str], state: dict[str, int],
                 out: list[str]) -> bool:
    """Render the format once, consuming values; True if ``\\c`` stopped the output."""

    def next_value() -> str | None:
        if state["index"] < len(values):
            state["index"] += 1
            return values[state["index"] - 1]
        return None

    def number(text: str | None) -> int:
        value, ok = _printf_number(text)
        if not ok:
            ctx.diag(f"printf: {text}: invalid number")
            state["status"] = 1
        return value

    pos = 0
    for m in _PRINTF_SPEC.finditer(fmt):
        out.append(_unescape(fmt[pos : m.start()], printf_format=True)[0])
        pos = m.end()
        if m.group() == "%%":
            out.append("%")
            continue
        flags, width, precision, conv = m.groups()
        if conv is None:
            out.append(m.group())
            continue
        if width == "*":
            width = str(number(next_value()))
        if precision == "*":
            precision = str(max(number(next_value()), 0))
        width = str(min(int(width), 10_000)) if width and width.lstrip("-").isdigit() else ""
        if precision:
            precision = str(min(int(precision), 10_000))
        spec = f"%{flags}{width}" + (f".{precision}" if precision is not None else "")
        arg = next_value()
        if conv == "b":
            text, stop = _unescape(arg or "")
            out.append((spec + "s") % text)
            if stop:
                return True
        elif conv in "sc":
            text = (arg or "")[:1] if conv == "c" else (arg or "")
            out.append((spec + "s") % text)
        elif conv in "di":
            out.append((spec + "d") % number(arg))
        elif conv in "ouxX":
            value = number(arg)
            out.append((spec + ("d" if conv == "u" else conv)) % (value & 0xFFFFFFFFFFFFFFFF
                                                                 if value < 0 else value))
        else:
            try:
                value_f = float(arg) if arg else 0.0
            except ValueError:
                ctx.diag(f"printf: {arg}: invalid number")
                state["status"] = 1
                value_f = 0.0
            out.append((spec + conv) % value_f)
    out.append(_unescape(fmt[pos:], printf_format=True)[0])
    return False


def _printf_number(text: str | None) -> tuple[int, bool]:
    """printf's idea of a number: 42, -7, 0x1f, 017, 'A (the character's code)."""
    if text is None or text == "":
        return 0, True
    if text[0] in "'\"":
        return (ord(text[1]) if len(text) > 1 else 0), True
    m = re.match(r"\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", text)
    if not m:
        return 0, False
    digits = m.group(2)
    base = 16 if digits[:2].lower() == "0x" else 8 if digits.startswith("0") else 10
    value = int(digits, base) * (-1 if m.group(1) == "-" else 1)
    return _wrap64(value), m.end() == len(text)
