"""glibc's strtod, as netsim.user.strtod reads numbers: value, where it stopped, ERANGE.

The expected triples are what glibc 2.36's strtod returned for the same text (a
small C program printing ``%.17g``, ``end - text`` and ``errno == ERANGE``).
"""

from __future__ import annotations

import math
import time

import pytest

from netsim.user.strtod import strtod

GLIBC = [
    ("1", 1.0, 1, False), ("-1", -1.0, 2, False), (" 0.5", 0.5, 4, False),
    ("0.5x", 0.5, 3, False), ("", None, 0, False), ("abc", None, 0, False),
    ("1e-400", 0.0, 6, True), ("1e400", math.inf, 5, True),
    ("1e-310", 9.9999999999999694e-311, 6, True), ("0x1p-2", 0.25, 6, False),
    ("0x.8", 0.5, 4, False), ("0x", 0.0, 1, False), ("0xg", 0.0, 1, False),
    ("nan", math.nan, 3, False), ("NaN(123)", math.nan, 8, False), ("nan(", math.nan, 3, False),
    ("-inf", -math.inf, 4, False), ("infinity", math.inf, 8, False),
    ("infinit", math.inf, 3, False), ("1,5", 1.0, 1, False), ("2.", 2.0, 2, False),
    ("-.5", -0.5, 3, False), (".", None, 0, False), ("e5", None, 0, False),
    ("1e", 1.0, 1, False), ("1e+5x", 100000.0, 4, False),
    ("2147483.648", 2147483.648, 11, False), ("0.1", 0.1, 3, False),
    ("4.9e-324", 4.9406564584124654e-324, 8, True),
    ("2.2250738585072014e-308", 2.2250738585072014e-308, 23, False),
    ("1.7976931348623159e308", math.inf, 22, True), ("0X1P3", 8.0, 5, False),
    ("1e-0000000000000000000000400", 0.0, 28, True),
]


@pytest.mark.parametrize("text, value, end, erange", GLIBC)
def test_strtod_reads_as_glibc_does(text, value, end, erange) -> None:
    parsed = strtod(text)
    if value is None:
        assert parsed is None
        return
    assert parsed is not None
    assert (parsed.end, parsed.erange) == (end, erange)
    assert (math.isnan(parsed.value) and math.isnan(value)) or parsed.value == value


def test_five_thousand_digits_are_read_at_once_and_right() -> None:
    start = time.perf_counter()
    huge = strtod("9" * 5000)
    tiny = strtod("0." + "0" * 4998 + "1")
    exact = strtod("1" + "0" * 4999 + "e-4999")
    assert time.perf_counter() - start < 0.05
    assert huge is not None and huge.value == math.inf and huge.erange and huge.end == 5000
    assert tiny is not None and tiny.value == 0.0 and tiny.erange
    assert exact is not None and exact.value == 1.0 and not exact.erange
