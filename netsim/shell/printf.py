"""The ``printf`` builtin's ``%`` conversions, as bash 5.2 renders them (the backslash
escapes are :mod:`.escapes`'s, shared with ``echo -e``, ``$'...'`` and ``tr``; awk has
its own printf in :mod:`.awk`).

The work is done on bytes, as in C: ``%.1s`` of ``é`` is its first byte, and widths
count bytes. Numbers are read as C reads them (``strtoimax``/``strtoumax``/``strtold``),
any length: out of range saturates with bash's warning ``Numerical result out of
range``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from netsim.shell.encoding import from_bytes, to_bytes
from netsim.shell.errors import MAX_TEXT
from netsim.shell.escapes import _HEX, _HEX_DIGITS, _OCTAL, unescape_bytes
from netsim.shell.lexer import _NAME_RE
from netsim.shell.numbers import strtod
from netsim.shell.plumbing import _Ctx
from netsim.user.process import wall_clock
from netsim.user.strtol import strtol

_FLAGS = b"#'-+ 0"
_LENGTH_MODIFIERS = b"hjlLtz"
_INT_MAX = (1 << 31) - 1
_INT_MIN = -(1 << 31)
_EOVERFLOW = -(1 << 40)  # a width or precision past INT_MAX written in the format
_UINTMAX = (1 << 64) - 1
# Characters `printf %q` quotes with a backslash (bash's shquote.c bstab)
_BACKSLASHED = frozenset(b" \t\n!\"$&'()*,;<>?[\\]^`{|}")


@dataclass
class _Printf:
    """One run of the printf builtin: the arguments left and what was printed."""

    ctx: _Ctx
    values: list[str]
    index: int = 0
    status: int = 0
    out: bytearray = field(default_factory=bytearray)
    warnings: list[str] = field(default_factory=list)

    def flush_warnings(self) -> None:
        for warning in self.warnings:
            self.ctx.diag(f"printf: {warning}")
        self.warnings.clear()

    # ------------------------------------------------------------- arguments
    def next_value(self) -> str | None:
        if self.index < len(self.values):
            self.index += 1
            return self.values[self.index - 1]
        return None

    def warn_range(self, text: str) -> None:
        self.ctx.diag(f"printf: warning: {text}: Numerical result out of range")

    def invalid(self, text: str) -> None:
        self.ctx.diag(f"printf: {text}: invalid number")
        self.status = 1

    def get_int(self, unsigned: bool = False) -> int:
        """bash's getintmax()/getuintmax(): the next argument as strtoimax (strtoumax)
        reads it; a character's code after a quote; junk after the number is an
        "invalid number" (status 1) and the number read so far is used."""
        text = self.next_value()
        if text is None:
            return 0
        if text[:1] in ("'", '"'):
            return _char_code(text[1:])
        parsed = strtol(text, 0, unsigned=unsigned)
        if parsed is None:
            if text:
                self.invalid(text)
            return 0
        if parsed.end < len(text):
            self.invalid(text)
        elif parsed.overflow:
            self.warn_range(text)
        return parsed.value

    def get_width(self) -> int:
        """bash's getint(): getintmax(), then clamped to an int -- with a warning that
        names the argument after it, as bash does (a bash quirk kept)."""
        value = self.get_int()
        if self.index >= len(self.values):
            return ((value + (1 << 31)) % (1 << 32)) - (1 << 31)  # C's (int) cast
        if value > _INT_MAX or value < _INT_MIN:
            self.warn_range(self.values[self.index])
            return _INT_MAX if value > 0 else _INT_MIN
        return value

    def get_float(self) -> float:
        text = self.next_value()
        if text is None:
            return 0.0
        if text[:1] in ("'", '"'):
            return float(_char_code(text[1:]))
        parsed = strtod(text)
        if parsed.end < len(text) or (parsed.end == 0 and text):
            self.invalid(text)
        elif parsed.overflow:
            self.warn_range(text)
        return parsed.value


def _char_code(rest: str) -> int:
    """printf's ``'A``: the code of the character after the quote (0 if none)."""
    return ord(rest[0]) if rest and not 0xDC80 <= ord(rest[0]) <= 0xDCFF else (
        ord(rest[0]) - 0xDC00 if rest else 0)


def printf(ctx: _Ctx, fmt: str, values: list[str]) -> tuple[bytes, int]:
    """The printf builtin's output for ``fmt`` and its arguments, and its status.

    The format is used again while arguments are left, as bash does.
    """
    job = _Printf(ctx, values)
    data = to_bytes(fmt)
    while True:
        start = job.index
        if _render(job, data):
            break
        if job.index >= len(values) or job.index == start:
            break
    return bytes(job.out), job.status


def _render(job: _Printf, fmt: bytes) -> bool:
    """Render the format once; True when printing must stop (``\\c``, an error)."""
    out = job.out
    i, n = 0, len(fmt)
    while i < n:
        c = fmt[i]
        if c == 0x5C:  # a backslash escape of the format
            end = _escape_end(fmt, i)
            out += unescape_bytes(fmt[i:end], "format", job.warnings)[0]
            job.flush_warnings()
            i = end
            continue
        if c != 0x25:  # %
            out.append(c)
            i += 1
            continue
        start = i
        i += 1
        if i < n and fmt[i] == 0x25:
            out.append(0x25)
            i += 1
            continue
        while i < n and fmt[i] in _FLAGS:
            i += 1
        flags = fmt[start + 1:i].decode()
        width: int | None = None
        precision: int | None = None
        if i < n and fmt[i] == ord("*"):
            i += 1
            width = job.get_width()
        else:
            digits_start = i
            while i < n and fmt[i] in b"0123456789":
                i += 1
            width = _spec_number(fmt[digits_start:i])
        if i < n and fmt[i] == ord("."):
            i += 1
            if i < n and fmt[i] == ord("*"):
                i += 1
                precision = job.get_width()
                if precision < 0:
                    precision = None  # a negative precision is no precision
            else:
                negative = i < n and fmt[i] == ord("-")
                i += negative
                digits_start = i
                while i < n and fmt[i] in b"0123456789":
                    i += 1
                precision = None if negative else (_spec_number(fmt[digits_start:i]) or 0)
        while i < n and fmt[i] in _LENGTH_MODIFIERS:
            i += 1
        if i >= n:
            spec = from_bytes(fmt[start:])
            job.ctx.diag(f"printf: `{spec}': missing format character")
            job.status = 1
            return True
        conv = chr(fmt[i])
        if conv == "(":
            end = _time_format_end(fmt, i + 1)
            if end >= n or fmt[end + 1:end + 2] != b"T":
                bad = from_bytes(fmt[end + 1:end + 2]) or "\0"  # C reads the string's NUL
                job.ctx.diag(f"printf: warning: `{bad}': invalid time format specification")
                out.append(0x25)  # the % is printed, and the format goes on after it
                i = start + 1
                continue
            spec = fmt[i + 1:end]
            i = end + 2
            data = _strftime(job, from_bytes(spec))
            out += _pad_text(data, flags, _clamp(width), _clamp(precision))
            continue
        i += 1
        if not _convert(job, conv, flags, width, precision):
            return True
    return False


def _time_format_end(fmt: bytes, i: int) -> int:
    """Where the ``)`` closing ``%(`` is (parentheses nest), or the end."""
    depth = 1
    while i < len(fmt):
        if fmt[i] == ord("("):
            depth += 1
        elif fmt[i] == ord(")"):
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return i


def _strftime(job: _Printf, spec: str) -> bytes:
    """``%(FORMAT)T``: the argument's time (seconds since the epoch; -1, or no argument,
    is now on the host's simulated clock; -2 the shell's start, its boot) through
    strftime in UTC, the hosts' zone; a result over 127 bytes is empty, as bash's
    buffer leaves it."""
    seconds = job.get_int() if job.index < len(job.values) else -1
    if seconds in (-1, -2):
        table = getattr(job.ctx.sh.host, "processes", None)
        now = table.now() if seconds == -1 and table is not None else 0.0
        seconds = int(wall_clock(now))
    try:
        moment = time.gmtime(seconds)
    except (OverflowError, ValueError, OSError):  # no such date: bash falls back to 0
        moment = time.gmtime(0)
    try:
        data = to_bytes(time.strftime(spec, moment))
    except ValueError:
        return b""
    return data if len(data) < 128 else b""


def _escape_end(fmt: bytes, i: int) -> int:
    """Where the backslash escape at ``fmt[i]`` of a printf format ends."""
    if i + 1 >= len(fmt):
        return i + 1
    e = fmt[i + 1]
    end = i + 2
    if e in _OCTAL:
        end = i + 1
        while end < len(fmt) and end < i + 4 and fmt[end] in _OCTAL:
            end += 1
    elif e in _HEX_DIGITS:
        while end < len(fmt) and end < i + 2 + _HEX_DIGITS[e] and fmt[end] in _HEX:
            end += 1
    return end


def _spec_number(digits: bytes) -> int | None:
    """A width or precision written in the format; past INT_MAX it is ``_EOVERFLOW``:
    C's printf then fails and prints nothing for the conversion."""
    if not digits:
        return None
    text = digits.lstrip(b"0") or b"0"
    return int(text) if len(text) <= 10 and int(text) <= _INT_MAX else _EOVERFLOW


def _convert(job: _Printf, conv: str, flags: str, width: int | None,
             precision: int | None) -> bool:
    """One conversion; False when printf must stop."""
    out = job.out
    if conv in "sbqc":
        arg = job.next_value()
        if conv == "b":
            data, stop = unescape_bytes(to_bytes(arg or ""), "b", job.warnings)
            job.flush_warnings()
            out += _pad_text(data, flags, _clamp(width), _clamp(precision))
            return not stop
        if conv == "q":
            data = to_bytes(_shell_quoted(arg or ""))
            out += _pad_text(data, flags, _clamp(width), _clamp(precision))
            return True
        data = to_bytes(arg or "")
        if conv == "c":
            data, precision = data[:1] or b"\0", None
        if _EOVERFLOW in (width, precision):
            return True  # nothing printed
        out += _pad_text(data, flags, width, precision)
        return True
    if conv == "n":
        name = job.next_value()
        if name:
            if not _NAME_RE.fullmatch(name):
                job.ctx.diag(f"printf: `{name}': not a valid identifier")
                job.status = 1
                return False
            job.ctx.sh._assign(name, str(len(out)))
        return True
    if conv in "diouxX":
        value = job.get_int(unsigned=conv not in "di")
        if _EOVERFLOW not in (width, precision):
            out += _c_integer(flags, width, precision, conv, value).encode()
        return True
    if conv in "eEfFgGaA":
        value_f = job.get_float()
        if _EOVERFLOW not in (width, precision):
            out += _c_float(flags, width, precision, conv, value_f).encode()
        return True
    job.ctx.diag(f"printf: `{conv}': invalid format character")
    job.status = 1
    return False


def _clamp(number: int | None) -> int | None:
    """printstr()'s reading of a width or precision: past INT_MAX it is INT_MAX."""
    return _INT_MAX if number == _EOVERFLOW else number


def _limit(width: int) -> int:
    """A width that would make a text longer than the shell keeps is cut to one
    character past that limit: writing it then stops the script with its message,
    without building gigabytes first."""
    return min(width, MAX_TEXT + 1)


def _pad_text(data: bytes, flags: str, width: int | None, precision: int | None) -> bytes:
    """``%s``/``%b``/``%c``: bytes cut to the precision and padded to the width."""
    if precision is not None and precision >= 0:
        data = data[:precision]
    if width is not None:
        left = "-" in flags or width < 0
        width = _limit(abs(width))
        if len(data) < width:
            pad = b" " * (width - len(data))
            data = data + pad if left else pad + data
    return data


def _c_integer(flags: str, width: int | None, precision: int | None, conv: str,
               value: int) -> str:
    """C's ``%d %i %o %u %x %X`` (``value`` as printf got it: signed for d and i)."""
    negative = conv in "di" and value < 0
    magnitude = abs(value) if conv in "di" else value & _UINTMAX
    digits = {"o": f"{magnitude:o}", "x": f"{magnitude:x}", "X": f"{magnitude:X}"}.get(
        conv, str(magnitude))
    if precision is not None:
        precision = _limit(precision)
        if precision == 0 and magnitude == 0:
            digits = ""
        digits = digits.rjust(precision, "0")
    prefix = ""
    if "#" in flags:
        if conv == "o" and not digits.startswith("0"):
            digits = "0" + digits
        elif conv in "xX" and magnitude:
            prefix = "0" + conv
    if conv in "di":
        prefix = "-" if negative else "+" if "+" in flags else " " if " " in flags else ""
    return _pad_number(prefix, digits, flags, width, zero_ok=precision is None)


def _pad_number(prefix: str, digits: str, flags: str, width: int | None,
                zero_ok: bool) -> str:
    body = prefix + digits
    if width is None:
        return body
    left = "-" in flags or width < 0
    width = _limit(abs(width))
    if len(body) >= width:
        return body
    if left:
        return body.ljust(width)
    if "0" in flags and zero_ok:
        return prefix + digits.rjust(width - len(prefix), "0")
    return body.rjust(width)


def _c_float(flags: str, width: int | None, precision: int | None, conv: str,
             value: float) -> str:
    """C's ``%e %E %f %F %g %G %a %A`` of a double."""
    if not math.isfinite(value):
        sign = "-" if math.copysign(1.0, value) < 0 else (
            "+" if "+" in flags else " " if " " in flags else "")
        text = "nan" if math.isnan(value) else "inf"
        return _pad_number(sign, text.upper() if conv.isupper() else text, flags, width,
                           zero_ok=False)
    if conv in "aA":
        body = _hex_float(abs(value), None if precision is None else _limit(precision),
                          "#" in flags)
        body = body.upper() if conv == "A" else body
        sign = "-" if math.copysign(1.0, value) < 0 else (
            "+" if "+" in flags else " " if " " in flags else "")
        return _pad_number(sign, body, flags, width, zero_ok=True)
    spec = "%" + "".join(sorted(set(flags) - {"'"}, key="#-+ 0".index))
    if width is not None:
        spec += str(_limit(abs(width)))
        if width < 0 and "-" not in spec:
            spec = "%-" + spec[1:]
    if precision is not None:
        spec += f".{_limit(precision)}"
    return (spec + conv) % value


def _hex_float(value: float, precision: int | None, alternate: bool) -> str:
    """glibc's ``%La`` of a long double: the leading hex digit holds the top four bits
    of the 64-bit mantissa (``printf %a 1`` is ``0x8p-3``)."""
    if value == 0:
        mantissa, exponent = 0, 0
    else:
        fraction, exponent = math.frexp(value)  # value = fraction * 2**exponent
        mantissa = int(fraction * (1 << 64))  # 64 bits, the top one set
        exponent -= 4
    digits = f"{mantissa:016x}" if mantissa else "0"
    lead, rest = digits[0], digits[1:].rstrip("0")
    if precision is not None:
        if precision < len(rest):
            scaled = int(lead + rest, 16)
            drop = len(rest) - precision
            scaled = (scaled + (1 << (4 * drop - 1))) >> (4 * drop)  # round half up
            text = f"{scaled:x}"
            if len(text) > 1 + precision:  # carried into a new digit
                exponent += 4
                text = text[:1 + precision]
            lead, rest = text[0], text[1:]
        else:
            rest = rest.ljust(precision, "0")
    point = "." if rest or alternate else ""
    return f"0x{lead}{point}{rest}p{exponent:+d}"


def _shell_quoted(text: str) -> str:
    """``printf %q``: bash's quoting of a word so the shell reads it back as it was."""
    if text == "":
        return "''"
    data = to_bytes(text)
    if any(b < 0x20 or b == 0x7F for b in data) or _invalid_utf8(data):
        return _ansi_c_quote(data)
    out = bytearray()
    for i, b in enumerate(data):
        if b in _BACKSLASHED or (b == ord("#") and i == 0) or (
                b == ord("~") and (i == 0 or data[i - 1] in b":=")):
            out.append(0x5C)
        out.append(b)
    return from_bytes(bytes(out))


def _invalid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


_ANSI_C_NAMES = {0x07: "\\a", 0x08: "\\b", 0x1B: "\\E", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r",
                 0x09: "\\t", 0x0B: "\\v", 0x5C: "\\\\", 0x27: "\\'"}


def _ansi_c_quote(data: bytes) -> str:
    """bash's ansic_quote(): ``$'...'`` with C escapes, other unprintable bytes octal."""
    pieces = []
    for char in from_bytes(data):
        code = ord(char)
        if code in _ANSI_C_NAMES:
            pieces.append(_ANSI_C_NAMES[code])
        elif code < 0x20 or code == 0x7F:
            pieces.append(f"\\{code:03o}")
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that is no UTF-8
            pieces.append(f"\\{code - 0xDC00:03o}")
        else:
            pieces.append(char)
    return "$'" + "".join(pieces) + "'"

