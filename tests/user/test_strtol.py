"""glibc's strtol family: saturation, prefixes, signs -- and no limit on the digits."""

from __future__ import annotations

import pytest

from netsim.user.strtol import Parsed, bounded_int, parse_whole, strtol

LONG_MAX, LONG_MIN, ULONG_MAX = (1 << 63) - 1, -(1 << 63), (1 << 64) - 1


@pytest.mark.parametrize("text, kwargs, expected", [
    ("  -0x1fZ", {}, Parsed(-31, 7, False)),          # spaces, sign, hex prefix, stops at Z
    ("077", {}, Parsed(63, 3, False)),                # a leading 0 is octal with base 0
    ("09", {}, Parsed(0, 1, False)),                  # ... and 9 is not an octal digit
    ("0x", {}, Parsed(0, 1, False)),                  # "0x" with no hex digit: the 0 alone
    ("12", {"base": 16}, Parsed(18, 2, False)),
    ("-1", {"unsigned": True}, Parsed(ULONG_MAX, 2, False)),   # strtoul negates unsigned
    ("18446744073709551615", {"unsigned": True}, Parsed(ULONG_MAX, 20, False)),
    ("18446744073709551616", {"unsigned": True}, Parsed(ULONG_MAX, 20, True)),
    ("9223372036854775808", {}, Parsed(LONG_MAX, 19, True)),
    ("-9223372036854775808", {}, Parsed(LONG_MIN, 20, False)),
    ("-9223372036854775809", {}, Parsed(LONG_MIN, 20, True)),
    ("2147483648", {"bits": 32}, Parsed((1 << 31) - 1, 10, True)),
    ("0000000000000000000000000000000000042", {"base": 10}, Parsed(42, 37, False)),  # zeros
    ("0000000000000000000000000000000000042", {}, Parsed(34, 37, False)),  # ... octal, base 0
])
def test_strtol_reads_as_glibc_does(text, kwargs, expected) -> None:
    assert strtol(text, **kwargs) == expected


def test_no_digit_is_none() -> None:
    assert strtol("") is None and strtol("  +") is None and strtol("x1") is None


def test_a_number_of_any_length_saturates_without_pythons_digit_limit() -> None:
    huge = "9" * 100_000
    assert strtol(huge) == Parsed(LONG_MAX, 100_000, True)
    assert strtol("-" + huge) == Parsed(LONG_MIN, 100_001, True)
    assert strtol(huge, unsigned=True) == Parsed(ULONG_MAX, 100_000, True)
    assert parse_whole(huge) is None
    assert bounded_int(huge) == 10**30 and bounded_int("-" + huge) == -(10**30)


def test_parse_whole_wants_the_number_and_nothing_else() -> None:
    assert parse_whole("12") == 12
    assert parse_whole("0x10") == 16
    assert parse_whole("12 ") is None and parse_whole("") is None
