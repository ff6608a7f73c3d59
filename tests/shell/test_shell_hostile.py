"""Any input at all: the shell never shows a Python error, never hangs, never holds more
than its limits, and what it hands back always encodes.

Random command lines built from hostile pieces -- numbers past every C type and past
Python's 4,300-digit ``int()`` limit, NUL bytes, lone surrogates, escapes, format
directives, metacharacters -- through every builtin and coreutil the shell has. Each
must end with a status (any), no ``internal error`` and text that
``.encode("utf-8", "surrogateescape")`` takes; the limits (MAX_STEPS, MAX_TEXT...)
keep each one short.
"""

from __future__ import annotations

import random
import time

import pytest

from netsim.shell import Shell
from netsim.shell.plumbing import _BUILTINS, _UTILITIES
from netsim.user.fs import VirtualFS

BIG = "9" * 5000
_PROGRAMS = sorted((set(_BUILTINS) | set(_UTILITIES)) - {"exec"})
_LETTERS = [f"-{c}" for c in "acdefiklmnopqrsuvwxACENRS0129"]
_VALUES = [
    "", "0", "1", "-1", "+1", "01", "0x", "0x1f", "1e", "1e9", "1e999", ".", "-", "--", "%",
    "%*d", "%.*s", "%c", "%q", "%(%s)T", "%2147483648d", "\\", "\\0", "\\x", "\\u", "\\c",
    "$'\\0'", "$'\\xff'", "$'\\ud800'", "\udcff", "\ud800", "a\x00b", "\x7f", "a,b", ",,",
    "1-", "-1-", "=", "!", "(", ")", "[", "]", "-eq", "-lt", "x", "/dev/null", "nan", "inf",
    BIG, "-" + BIG, "0x" + "f" * 5000, "9223372036854775808", "2147483648",
    "18446744073709551616", "'\"'", "*", "~", "$((1/0))", "$((" + BIG + "))", "${x:?}",
    "$@", "${" + BIG + "}", "$((" + "(" * 3000 + "1" + ")" * 3000 + "))", "x" * 100_000,
]


def _word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(_LETTERS)
    if roll < 0.4:
        return rng.choice(_LETTERS) + rng.choice(_VALUES)
    return rng.choice(_VALUES)


@pytest.mark.parametrize("seed", range(4))
def test_hostile_command_lines_end_cleanly(seed):
    rng = random.Random(seed)
    for _ in range(150):
        line = rng.choice(_PROGRAMS) + " " + " ".join(_word(rng) for _ in range(rng.randint(0, 4)))
        if rng.random() < 0.2:
            line = "echo 'x y' | " + line
        started = time.monotonic()
        result = Shell(None, {}, VirtualFS()).run(line, stdin="in\x00\ud800\n")
        assert isinstance(result.returncode, int)
        assert "internal error" not in result.stderr, line[:200]
        result.stdout.encode("utf-8", "surrogateescape")
        result.stderr.encode("utf-8", "surrogateescape")
        assert time.monotonic() - started < 10, line[:200]
