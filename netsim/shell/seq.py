"""``seq``: GNU coreutils 9.1's, numbers of any size, printed lazily.

The paths of the real program, in its order: integers written as plain digits with a
step up to 200 count as decimal strings, any length (``seq 99999999999999999999999
100000000000000000000001`` is exact; so is ``inf`` as the end); other operands are
read as C's ``strtold`` reads them and printed with ``%.PRECf`` (PREC the most digits
after a point among the operands), ``%g`` when an operand has no fixed-point form,
``-w``'s zero padding or the ``-f`` format, including seq's "print the number just
past LAST if it prints as LAST" rule.

The numbers are made as they are read: into a pipe (``seq 1 1e12 | head -3``) only
the lines the reader takes are computed. Whatever the sink, one seq prints at most
:data:`~netsim.shell.errors.MAX_TEXT` characters, then stops the script with the
shell's output-limit message (the real one would print for hours).

Differences left: the values are doubles where the real seq has long doubles (64-bit
mantissa), so a fraction past 15 digits or an integer past 2**53 that is not plain
digits may print otherwise; integers whose operands are integral are exact.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from decimal import Decimal

from netsim.shell.errors import MAX_TEXT, _LimitExceeded, _Usage
from netsim.shell.numbers import strtod
from netsim.shell.plumbing import _Ctx, _utility
from netsim.shell.printf import _c_float
from netsim.user.getopt import Getopt, GetoptError

_FAST_STEP_LIMIT = 200
_CHUNK = 1 << 16  # characters handed on at a time
_INT_MAX = (1 << 31) - 1
_EXACT_DIGITS = 4000  # integral operands up to this many digits are exact integers


class _Operand:
    """One operand as seq's scan_arg() reads it: value, print width, precision."""

    def __init__(self, text: str) -> None:
        parsed = strtod(text, long_double=True)
        if parsed.end == 0 or parsed.end != len(text) or (parsed.overflow and parsed.value):
            raise _Usage(f"seq: invalid floating point argument: ‘{text}’")
        if math.isnan(parsed.value):
            raise _Usage(f"seq: invalid ‘not-a-number’ argument: ‘{text}’")
        self.text = text
        self.value = parsed.value
        arg = text.lstrip(" \t\n\v\f\r+")
        self.width = 0
        self.precision = _INT_MAX
        point = arg.find(".")
        if point < 0 and "p" not in arg:
            self.precision = 0
        if "x" not in arg and "X" not in arg and math.isfinite(self.value):
            self._fixed_point(arg, point)
        self.exact = self._exact_integer(arg)

    def _fixed_point(self, arg: str, point: int) -> None:
        """Width and precision of a decimal input, as scan_arg() computes them."""
        fraction_len = 0
        self.width = len(arg)
        if point >= 0:
            fraction_len = len(arg[point + 1:].split("e")[0].split("E")[0])
            self.precision = fraction_len
            self.width += -1 if fraction_len == 0 else int(point == 0 or not arg[point - 1]
                                                            .isdigit())
        e = max(arg.find("e"), arg.find("E"))
        if e < 0:
            return
        exponent = _bounded_exponent(arg[e + 1:])
        self.precision += -exponent if exponent < 0 else -min(self.precision, exponent)
        self.width -= len(arg) - e
        if exponent < 0:
            if point < 0 or e == point + 1:
                self.width += 1
            exponent = -exponent
        else:
            if point >= 0 and self.precision == 0 and fraction_len:
                self.width -= 1
            exponent -= min(fraction_len, exponent)
        self.width += exponent

    def _exact_integer(self, arg: str) -> int | None:
        """The operand as an exact integer, when it is one (a finite double: at most
        309 digits)."""
        if self.precision != 0 or not math.isfinite(self.value) or "x" in arg.lower() or (
                self.value == 0 and math.copysign(1.0, self.value) < 0):  # -0 prints "-0"
            return None
        value = Decimal(self.text.strip(" \t\n\v\f\r"))
        return int(value) if value == value.to_integral_value() else None


def _bounded_exponent(text: str) -> int:
    """C's strtol() of an exponent, clamped far past any useful size."""
    body = text.lstrip(" ")
    sign = -1 if body.startswith("-") else 1
    digits = body.lstrip("+-")
    digits = digits[: len(digits) - len(digits.lstrip("0123456789"))].lstrip("0") or "0"
    return sign * (10**9 if len(digits) > 9 else int(digits))


def _all_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@_utility("seq")
def _seq(ctx: _Ctx, argv: list[str]) -> int:
    fmt, separator, equal_width, args = _options(argv[1:])
    if not args:
        raise _Usage("seq: missing operand")
    if len(args) > 3:
        raise _Usage(f"seq: extra operand ‘{args[3]}’")
    layout = _user_format(fmt) if fmt is not None else None
    if fmt is not None and equal_width:
        raise _Usage("seq: format string may not be specified when printing equal width "
                     "strings")
    start_text = "1" if len(args) == 1 else args[0]
    plain = fmt is None and not equal_width and len(separator) == 1
    if plain and all(_all_digits(a) for a in args):
        step_digits = args[1].lstrip("0") or "0" if len(args) == 3 else "1"
        step = int(step_digits) if len(step_digits) <= 3 else _FAST_STEP_LIMIT + 1
        if 0 < step <= _FAST_STEP_LIMIT:
            _emit(ctx, _fast(start_text, args[-1], step, separator))
            return 0
    last = _Operand(args[-1])
    first = _Operand(args[0]) if len(args) > 1 else _Operand("1")
    step_op = _Operand(args[1]) if len(args) == 3 else _Operand("1")
    if step_op.value == 0:
        raise _Usage(f"seq: invalid Zero increment value: ‘{args[1]}’")
    if (plain and first.precision == step_op.precision == last.precision == 0
            and math.isfinite(first.value) and first.value >= 0 and last.value >= 0
            and 0 < step_op.value <= _FAST_STEP_LIMIT and first.exact is not None
            and step_op.exact is not None and (last.exact is not None
                                              or math.isinf(last.value))):
        end = "inf" if math.isinf(last.value) else str(last.exact)
        _emit(ctx, _fast(str(first.exact), end, step_op.exact, separator))
        return 0
    render = layout or _default_format(first, step_op, last, equal_width)
    _emit(ctx, _numbers(render, first, step_op, last, separator))
    return 0


def _options(args: list[str]) -> tuple[str | None, str, bool, list[str]]:
    """seq's option loop: ``+f:s:w`` in POSIX order, stopping at a negative number."""
    fmt, separator, equal_width = None, "\n", False
    scan = Getopt("seq", args, "+f:s:w", {"format": "f:", "separator": "s:",
                                           "equal-width": "w"})
    while True:
        if scan.optind < len(scan.args):
            word = scan.args[scan.optind]
            if word[:1] == "-" and (word[1:2] == "." or word[1:2].isdigit()):
                return fmt, separator, equal_width, scan.args[scan.optind:]
        try:
            name, value = next(scan)
        except StopIteration:
            return fmt, separator, equal_width, scan.operands
        except GetoptError as err:
            raise _Usage(str(err).rstrip("\n")) from None
        if name == "-f":
            fmt = value
        elif name == "-s":
            separator = value or ""
        elif name == "-w":
            equal_width = True


_Render = Callable[[float | int], str]


def _user_format(fmt: str) -> _Render:
    """seq's long_double_format(): one %e %f %g %a directive (any case), checked."""
    i, prefix = 0, []
    while not (fmt[i:i + 1] == "%" and fmt[i + 1:i + 2] != "%"):
        if i >= len(fmt):
            raise _Usage(f"seq: format ‘{fmt}’ has no % directive", hint=False)
        prefix.append(fmt[i])
        i += 2 if fmt[i] == "%" else 1
    start = i + 1
    i = start
    while i < len(fmt) and fmt[i] in "-+#0 '":
        i += 1
    flags = fmt[start:i]
    digits_start = i
    while i < len(fmt) and fmt[i].isdigit():
        i += 1
    width = int(fmt[digits_start:i][:10]) if i > digits_start else None
    precision = None
    if fmt[i:i + 1] == ".":
        i += 1
        digits_start = i
        while i < len(fmt) and fmt[i].isdigit():
            i += 1
        precision = int(fmt[digits_start:i][:10] or "0")
    if fmt[i:i + 1] == "L":
        i += 1
    if i >= len(fmt):
        raise _Usage(f"seq: format ‘{fmt}’ ends in %", hint=False)
    conv = fmt[i]
    if conv not in "efgaEFGA":
        raise _Usage(f"seq: format ‘{fmt}’ has unknown %{conv} directive", hint=False)
    suffix = []
    i += 1
    while i < len(fmt):
        if fmt[i] == "%" and fmt[i + 1:i + 2] != "%":
            raise _Usage(f"seq: format ‘{fmt}’ has too many % directives", hint=False)
        suffix.append(fmt[i])
        i += 2 if fmt[i] == "%" else 1
    before, after = "".join(prefix), "".join(suffix)
    return lambda x: before + _c_float(flags, width, precision, conv, float(x)) + after


def _default_format(first: _Operand, step: _Operand, last: _Operand,
                    equal_width: bool) -> _Render:
    """``%.PRECf`` (zero-padded to one width with -w) when all operands are fixed-point,
    else ``%g`` (seq's get_default_format)."""
    prec = max(first.precision, step.precision)
    if prec != _INT_MAX and last.precision != _INT_MAX:
        if equal_width:
            first_width = first.width + (prec - first.precision)
            last_width = last.width + (prec - last.precision)
            if last.precision and prec == 0:
                last_width -= 1
            if last.precision == 0 and prec:
                last_width += 1
            if first.precision == 0 and prec:
                first_width += 1
            width = max(first_width, last_width)
            return lambda x: _c_float("0", width, prec, "f", x) if isinstance(x, float) \
                else f"{x:0{width}d}"
        return lambda x: _c_float("", None, prec, "f", x) if isinstance(x, float) else str(x)
    return lambda x: _c_float("", None, None, "g", float(x))


def _numbers(render: _Render, first: _Operand, step: _Operand, last: _Operand,
             separator: str) -> Iterator[str]:
    """print_numbers(): FIRST, FIRST+STEP... up to LAST, then a newline."""
    exact = first.exact is not None and step.exact is not None and last.exact is not None
    a: float | int = first.exact if exact else first.value  # type: ignore[assignment]
    s: float | int = step.exact if exact else step.value  # type: ignore[assignment]
    z: float | int = last.exact if exact else last.value  # type: ignore[assignment]
    if (a < z) if s < 0 else (z < a):
        return
    x = a
    i = 1
    extra = False  # the number being printed is the one just past LAST
    while True:
        x0 = x
        text = render(x)
        if extra:
            yield text + "\n"
            return
        x = a + i * s
        i += 1
        if x < z if s < 0 else z < x:
            extra = not exact and _prints_as_last(render, x, x0, z)
            if not extra:
                yield text + "\n"
                return
        yield text + separator


def _prints_as_last(render: _Render, x: float | int, x0: float | int, last: float | int) -> bool:
    """seq's extra number: the one just past LAST, if it prints as LAST and otherwise
    than the number before it (``seq 0 0.000001 0.000003`` ends at 0.000003)."""
    shown = render(x)
    parsed = strtod(shown.strip())
    return parsed.value == last and render(x0) != shown


def _fast(start: str, end: str, step: int, separator: str) -> Iterator[str]:
    """seq_fast(): whole numbers from START to END (or forever, "inf") as decimal
    strings, any length."""
    a = start.lstrip("0") or "0"
    forever = end == "inf"
    b = "" if forever else (end.lstrip("0") or "0")
    if len(a) <= _EXACT_DIGITS and len(b) <= _EXACT_DIGITS:
        value, stop = int(a), None if forever else int(b)
        if stop is not None and value > stop:
            return
        while True:
            count = max(1, _CHUNK // (len(str(value)) + len(separator)))
            top = value + count * step
            if stop is not None and top > stop:
                top = stop + 1
            numbers = range(value, top, step)
            last_one = stop is not None and numbers[-1] + step > stop
            yield separator.join(map(str, numbers)) + ("\n" if last_one else separator)
            if last_one:
                return
            value = numbers[-1] + step
    digits = list(a)
    while forever or _compare(digits, b) <= 0:
        number = "".join(digits)
        for _ in range(step):
            _increment(digits)
        done = not forever and _compare(digits, b) > 0
        yield number + ("\n" if done else separator)


def _compare(digits: list[str], other: str) -> int:
    """Compare a number's digits with another's (both without leading zeros)."""
    if len(digits) != len(other):
        return len(digits) - len(other)
    text = "".join(digits)
    return (text > other) - (text < other)


def _increment(digits: list[str]) -> None:
    i = len(digits) - 1
    while i >= 0 and digits[i] == "9":
        digits[i] = "0"
        i -= 1
    if i < 0:
        digits.insert(0, "1")
    else:
        digits[i] = chr(ord(digits[i]) + 1)


def _emit(ctx: _Ctx, pieces: Iterator[str]) -> None:
    """Hand the numbers on as they are made, in chunks, never more than the shell keeps."""
    ctx.out_lazy(_bounded(_chunks(pieces)))


def _chunks(pieces: Iterator[str]) -> Iterator[str]:
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _bounded(chunks: Iterator[str]) -> Iterator[str]:
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > MAX_TEXT:
            raise _LimitExceeded(f"netsim: output longer than {MAX_TEXT} characters")
        yield chunk
