"""printf: C's ``%`` conversions for awk's ``printf`` and ``sprintf``.

Each conversion consumes the next value; ``*`` widths and precisions consume one
more. Python's ``%`` operator does most of the work; the rest is where C differs:
``%c`` of a number is a character code, ``%u``/``%x`` of a negative number see it as
unsigned, and ``%#o`` writes ``017`` where Python writes ``0o17``.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from netsim.shell.awk.errors import _AwkRuntimeError
from netsim.shell.awk.values import (
    _INT_MAX,
    _MAX_STRING,
    _is_numeric,
    _nan_text,
    _num,
    _spec_size,
    _trunc,
    _Uninit,
    _Value,
)
from netsim.shell.errors import _LimitExceeded

if TYPE_CHECKING:
    from netsim.shell.awk.interp import _Runner


_FORMAT_SPEC = re.compile(
    r"%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?[hlLqjzt]*([cdiouxXeEfFgGs%])?")


def _format(r: _Runner, fmt: str, values: list[_Value], who: str) -> str:
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
            width_n = _spec_size(width)
        precision_n: int | None = None
        if precision == "*":
            precision_n = _trunc(_num(take()))
            precision_n = precision_n if precision_n >= 0 else None
        elif precision is not None:
            precision_n = _spec_size(precision or "0")
        value = take()
        if (width and width != "*" and width_n is not None and width_n > _INT_MAX) or (
                precision and precision != "*" and precision_n is not None
                and precision_n > _INT_MAX):
            continue  # C's printf fails (EOVERFLOW): the conversion prints nothing
        # A width the string limit cannot hold stops the program there, not in Python.
        if width_n is not None:
            width_n = min(width_n, _MAX_STRING + 1)
        if precision_n is not None:
            precision_n = min(precision_n, _MAX_STRING + 1)
        out.append(_convert(r, flags, width_n, precision_n, conv, value))
    out.append(fmt[pos:])
    text = "".join(out)
    if len(text) > _MAX_STRING:
        raise _LimitExceeded(f"netsim: awk string longer than {_MAX_STRING} characters")
    return text


def _convert(r: _Runner, flags: str, width: int | None, precision: int | None,
             conv: str, value: _Value) -> str:
    """One ``%`` conversion of one value, as C's printf does it."""
    size = "" if width is None else str(width)
    spec = "%" + flags + size + ("" if precision is None else f".{precision}")
    if conv == "s":
        return (spec + "s") % r.to_str(value)
    if conv == "c":
        # a number is a character code (gawk: any Unicode; mawk: a byte)
        if _is_numeric(value) and type(value) is not _Uninit:
            code = _trunc(_num(value))
            ok = 0 <= code < 0x110000 and not 0xD800 <= code < 0xE000
            char = chr(code) if ok else chr(code & 0xFF)
        else:
            char = r.to_str(value)[:1] or "\0"  # C prints the string's NUL
        return ("%" + flags.replace("0", "") + size + "s") % char
    number = _num(value)
    if number != number:  # C keeps the sign of a NaN; padded as text, never with zeros
        text = _nan_text(number)
        text = text.upper() if conv in "EFGX" else text
        if not text.startswith("-") and ("+" in flags or " " in flags):
            text = ("+" if "+" in flags else " ") + text
        return ("%" + flags.replace("0", "").replace("+", "").replace(" ", "") + size
                + "s") % text
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
