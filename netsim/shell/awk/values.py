"""Values: awk's numbers, strings and *strnums*, and the conversions between them.

awk has no declared types. A value is a Python ``float`` or ``str``; text that came
from outside the program (a field, ``getline var``, ``split``, ``-v``) is a
:class:`_Strnum`, a ``str`` that compares as a number when it looks like one; a
never-assigned variable is :data:`_UNINIT`, at once ``""`` and ``0``. Here too: how
text becomes a number (:func:`_num`, the longest numeric prefix, as C's ``strtod``),
how a number becomes text (:func:`_number_text`, through ``CONVFMT``/``OFMT``), truth,
C-double arithmetic (:func:`_arithmetic`), and the limits every stage shares.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from netsim.shell.awk.errors import _AwkRuntimeError
from netsim.shell.errors import MAX_TEXT, _LimitExceeded

_MAX_FIELDS = 100_000  # $N and NF beyond this are an error, not a 10 GB record
_MAX_CALL_DEPTH = 400  # nested user-function calls; Python's stack must hold them
_INT_MAX = (1 << 31) - 1  # a printf width or precision past this: C's printf fails
# Strings a program builds (concatenation, gsub, sprintf, a rebuilt $0). Far below the
# shell's MAX_TEXT, because awk can double a string each loop round (`s = s s`) and a
# gsub then walks all of it from Python.
_MAX_STRING = MAX_TEXT // 8


class _Strnum(str):
    """Text from outside the program: a field, ``getline var``, ``split``, ``-v``...

    POSIX calls such text a *numeric string* when it looks like a number (``" 42"``,
    ``"-1.5e3"``), and then it compares as a number. The subclass only records where
    the text came from; whether it looks numeric is checked when it is compared.
    """

    __slots__ = ()


class _Uninit(_Strnum):
    """The value of a variable never assigned: ``""`` and ``0`` at once."""

    __slots__ = ()


_UNINIT = _Uninit("")
_Value = float | str
_Array = dict[str, _Value]


class _Pending:
    """An unassigned variable passed to a function, which may turn it into an array.

    ``function fill(a) { a[1] = "x" }  BEGIN { fill(arr); print arr[1] }`` must
    create ``arr`` in the caller, because arrays are passed by reference. The callee
    cannot know yet whether ``a`` is a scalar or an array, so it gets this stand-in,
    which remembers where the caller keeps the variable.
    """

    __slots__ = ("scope", "key")

    def __init__(self, scope: _Scope, key: str | int) -> None:
        self.scope = scope
        self.key = key

    def materialize(self) -> _Array:
        """The caller's array, created there now if it did not exist yet."""
        current = _load(self.scope, self.key)
        if isinstance(current, dict):
            return current
        if isinstance(current, _Pending):
            array = current.materialize()
        elif current is None or current is _UNINIT:
            array = {}
        else:
            raise _AwkRuntimeError("can't use scalar as array")
        _store(self.scope, self.key, array)
        return array


_Cell = float | str | _Array | _Pending  # what a variable slot can hold
_Scope = dict[str, _Cell] | list[_Cell]  # the globals by name, or a call's parameters


def _load(scope: _Scope, key: str | int) -> _Cell | None:
    """What a variable slot holds; None for a global never mentioned."""
    return scope.get(key) if isinstance(scope, dict) else scope[key]  # type: ignore[arg-type,index]


def _store(scope: _Scope, key: str | int, value: _Cell) -> None:
    scope[key] = value  # type: ignore[index]

_SPACE = " \t\n\r\f\v"
_NUMERIC_TEXT = re.compile(
    rf"[{_SPACE}]*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[{_SPACE}]*")
_NUMBER_PREFIX = re.compile(rf"[{_SPACE}]*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)")


def _num(value: _Value) -> float:
    """A value as a number: text gives its leading number (``"3abc"`` is 3), else 0.

    Hex (``0x1A``) and ``inf``/``nan`` give 0, as in gawk; mawk hands the text to
    ``strtod``, which accepts them.
    """
    if isinstance(value, float):
        return value
    m = _NUMBER_PREFIX.match(value)
    return float(m.group(1)) if m else 0.0


def _is_numeric(value: _Value) -> bool:
    """Does this value compare as a number (a number, or input text that looks like one)?"""
    if isinstance(value, float):
        return True
    if isinstance(value, _Strnum):
        return type(value) is _Uninit or _NUMERIC_TEXT.fullmatch(value) is not None
    return False


def _truth(value: _Value) -> bool:
    """awk's truth: a number is true when non-zero, a string when non-empty.

    Input text that looks numeric counts as its number, so a field ``0`` is false
    while the string constant ``"0"`` is true.
    """
    if isinstance(value, float):
        return value != 0.0
    if isinstance(value, _Strnum) and _is_numeric(value):
        return _num(value) != 0.0
    return value != ""


_FLOAT_FORMAT = re.compile(
    r"(?:[^%]|%%)*%[-+ #0]*([0-9]*)(?:\.([0-9]*))?[eEfFgGdi](?:[^%]|%%)*")


@lru_cache(maxsize=64)
def _usable_format(fmt: str) -> str:
    """CONVFMT/OFMT if it formats one number, else the default: a user's odd value must
    not crash (or recurse through) number conversion. ``%d`` truncates, as in C.

    A width or precision past INT_MAX makes C's sprintf fail: mawk then has an empty
    string (here ``""``, the format of nothing); one past what awk keeps in a string
    stops the program with the string limit, before Python builds it.
    """
    m = _FLOAT_FORMAT.fullmatch(fmt)
    if m is None:
        return "%.6g"
    sizes = [_spec_size(digits) for digits in m.groups() if digits]
    if any(size > _INT_MAX for size in sizes):
        return ""
    if any(size > _MAX_STRING for size in sizes):
        raise _LimitExceeded(f"netsim: awk string longer than {_MAX_STRING} characters")
    return fmt


def _spec_size(digits: str) -> int:
    """A width or precision written in a format, without reading a huge one whole."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 10 else _INT_MAX + 1


def _number_text(value: float, fmt: str) -> str:
    """A number as text: integral values as integers, others through ``fmt``.

    gawk prints any integral value in full (``2^53`` is ``9007199254740992``); the
    mawk of Debian 12 switches to ``%.6g`` above 2^31 -- newer mawk no longer does.
    """
    if value.is_integer():
        return str(int(value))
    if value != value:
        return _nan_text(value)
    usable = _usable_format(fmt)
    return usable % value if usable else ""


def _nan_text(value: float) -> str:
    """C's printf of a NaN: ``-nan`` when its sign bit is set (``inf*0``, ``log(-1)`` on
    x86), where Python would write ``nan`` either way."""
    return "-nan" if math.copysign(1.0, value) < 0 else "nan"


def _trunc(value: float) -> int:
    """A number as a Python int for an index or a length: NaN is 0, infinities clamp."""
    if value != value:
        return 0
    return int(max(min(value, 2.0**62), -(2.0**62)))



def _arithmetic(op: str, a: float, b: float) -> float:
    """``a op b`` in C doubles: overflow gives infinity and domain errors NaN.

    Division by zero is an error, as in gawk (mawk prints ``inf``).
    """
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op in "/%" and b == 0:
        raise _AwkRuntimeError("division by zero" + (" in %" if op == "%" else ""))
    try:
        if op == "/":
            return a / b
        if op == "%":
            return math.fmod(a, b)
        return math.pow(a, b)
    except OverflowError:
        odd = op == "^" and a < 0 and b.is_integer() and b % 2 == 1
        return -math.inf if odd else math.inf
    except ValueError:  # fmod(inf, x), pow(-8, 1/3), pow(0, -1): x86's NaN is -nan
        return math.inf if op == "^" and a == 0 else -math.nan
