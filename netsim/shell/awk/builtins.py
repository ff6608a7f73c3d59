"""Built-in functions: ``length``, ``substr``, ``split``, ``sub``, ``sprintf``, ``rand``...

Each takes the runner and its unevaluated argument nodes, because some arguments are
not values: ``split`` and ``sub`` need the array or variable to assign, and a regex
literal is a pattern rather than a match against ``$0``. :data:`_BUILTIN_IMPLS` maps
each name to its function.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from netsim.shell.awk.ast import _Expr, _Field, _Index, _Num, _Regex, _Var
from netsim.shell.awk.records import _split_text, _substitute
from netsim.shell.awk.values import _num, _Pending, _Strnum, _Value

if TYPE_CHECKING:
    from netsim.shell.awk.interp import _Runner


def _bi_length(r: _Runner, args: list[_Expr]) -> _Value:
    if not args:
        return float(len(r.get_record()))
    arg = args[0]
    if isinstance(arg, _Var) and not (arg.slot is None and arg.name == "NF"):
        _scope, _key, current = r.cell(arg)
        if isinstance(current, dict):  # length(array): its number of elements
            return float(len(current))
        if isinstance(current, _Pending):
            return 0.0
    return float(len(r.to_str(r.eval(arg))))


def _bi_substr(r: _Runner, args: list[_Expr]) -> _Value:
    """mawk 1.3.4's substr(): start and length truncated to ints (clamped to +-INT_MAX,
    NaN as -INT_MAX); a start below 1 becomes 1 and adds its distance below 1... minus
    one (``substr("abcdef", -1, 3)`` is ``abcd``), the sum in 32-bit ints, so that
    ``substr(s, -1e300, 1e300)`` is empty; a length below 1 gives nothing."""
    text = r.to_str(r.eval(args[0]))
    if not text:
        return ""
    begin = _c_int(_num(r.eval(args[1])))
    length = _c_int(_num(r.eval(args[2]))) if len(args) == 3 else len(text)
    if begin < 1:
        length = ((length - begin + (1 << 31)) % (1 << 32)) - (1 << 31)
        begin = 1
    return text[begin - 1 : begin - 1 + length] if length > 0 else ""


def _c_int(value: float) -> int:
    """mawk's d_to_int(): a double as an int, truncated, clamped to +-INT_MAX."""
    limit = (1 << 31) - 1
    if value >= limit:
        return limit
    if value > -limit:
        return int(value)
    return -limit


def _bi_index(r: _Runner, args: list[_Expr]) -> _Value:
    text, part = (r.to_str(r.eval(arg)) for arg in args)
    return float(text.find(part) + 1)


def _bi_split(r: _Runner, args: list[_Expr]) -> _Value:
    text = r.to_str(r.eval(args[0]))
    separator: str | re.Pattern[str]
    if len(args) == 3:
        sep = args[2]
        separator = sep.pattern if isinstance(sep, _Regex) else r.to_str(r.eval(sep))
    else:
        separator = r.to_str(r.scalar("FS"))
    parts = _split_text(text, separator)
    assert isinstance(args[1], _Var)
    array = r.array(args[1])
    array.clear()
    for number, part in enumerate(parts, 1):
        array[str(number)] = _Strnum(part)
    return float(len(parts))


def _bi_sub(r: _Runner, args: list[_Expr], everywhere: bool = False) -> _Value:
    pattern = r.regex(args[0])
    repl = r.to_str(r.eval(args[1]))
    target: _Expr = args[2] if len(args) == 3 else _Field(_Num(0.0))
    new, count = _substitute(pattern, repl, r.to_str(r.eval(target)), everywhere)
    if count and isinstance(target, (_Var, _Field, _Index)):  # gawk: a constant is left be
        r.set(target, new)
    return float(count)


def _bi_gsub(r: _Runner, args: list[_Expr]) -> _Value:
    return _bi_sub(r, args, everywhere=True)


def _bi_match(r: _Runner, args: list[_Expr]) -> _Value:
    text = r.to_str(r.eval(args[0]))
    m = r.regex(args[1]).search(text)
    start, length = (m.start() + 1, m.end() - m.start()) if m else (0, -1)
    r.globals["RSTART"], r.globals["RLENGTH"] = float(start), float(length)
    if len(args) == 3:  # gawk's match(s, re, arr): arr[0] is the match (groups are not kept)
        assert isinstance(args[2], _Var)
        array = r.array(args[2])
        array.clear()
        if m:
            array["0"] = _Strnum(m.group())
    return float(start)


def _bi_sprintf(r: _Runner, args: list[_Expr]) -> _Value:
    values = [r.eval(arg) for arg in args]
    return r.format(r.to_str(values[0]), values[1:], "sprintf")


def _bi_tolower(r: _Runner, args: list[_Expr]) -> _Value:
    return r.to_str(r.eval(args[0])).lower()


def _bi_toupper(r: _Runner, args: list[_Expr]) -> _Value:
    return r.to_str(r.eval(args[0])).upper()


def _bi_int(r: _Runner, args: list[_Expr]) -> _Value:
    value = _num(r.eval(args[0]))
    return float(math.trunc(value)) if math.isfinite(value) else value


def _math(fn: Callable[..., float], overflow: float = math.inf) -> Callable[[_Runner, list[_Expr]],
                                                                             _Value]:
    """A C math function: out of its domain it gives NaN, on overflow ``overflow``."""

    def call(r: _Runner, args: list[_Expr]) -> _Value:
        values = [_num(r.eval(arg)) for arg in args]
        try:
            return float(fn(*values))
        except OverflowError:
            return overflow
        except ValueError:
            # a domain error: x86's default NaN, whose sign bit is set (prints -nan)
            return -math.inf if fn is math.log and values[0] == 0 else -math.nan

    return call


def _bi_rand(r: _Runner, args: list[_Expr]) -> _Value:
    return r.random.random()


def _bi_srand(r: _Runner, args: list[_Expr]) -> _Value:
    previous = r.seed
    r.seed = _num(r.eval(args[0])) if args else float(int(time.time()))
    r.random.seed(r.seed)
    return previous


def _bi_system(r: _Runner, args: list[_Expr]) -> _Value:
    return float(r.run_command(r.to_str(r.eval(args[0])), "", capture=False)[0])


def _bi_close(r: _Runner, args: list[_Expr]) -> _Value:
    return r.close(r.to_str(r.eval(args[0])))


def _bi_fflush(r: _Runner, args: list[_Expr]) -> _Value:
    for arg in args:  # output is never buffered here; evaluate for side effects only
        r.eval(arg)
    return 0.0


_BUILTIN_IMPLS: dict[str, Callable[[_Runner, list[_Expr]], _Value]] = {
    "length": _bi_length, "substr": _bi_substr, "index": _bi_index, "split": _bi_split,
    "sub": _bi_sub, "gsub": _bi_gsub, "match": _bi_match, "sprintf": _bi_sprintf,
    "tolower": _bi_tolower, "toupper": _bi_toupper, "int": _bi_int,
    "sqrt": _math(math.sqrt), "exp": _math(math.exp), "log": _math(math.log),
    "sin": _math(math.sin), "cos": _math(math.cos), "atan2": _math(math.atan2),
    "rand": _bi_rand, "srand": _bi_srand, "system": _bi_system, "close": _bi_close,
    "fflush": _bi_fflush,
}
