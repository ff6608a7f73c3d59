"""QEMU 7.2's number readers (util/cutils.c) on netsim's bounded strtol."""

from __future__ import annotations

import pytest

from netsim.qemu.cutils import (
    EINVAL,
    ERANGE,
    inet_aton,
    parse_uint,
    parse_uint_full,
    qemu_parse_fd,
    qemu_strtoi,
    qemu_strtoi64,
    qemu_strtosz,
    qemu_strtou64,
    qemu_strtoui,
)

BIG = "9" * 5000


@pytest.mark.parametrize(("fn", "text", "err", "value"), [
    (qemu_strtoi64, "9223372036854775807", 0, (1 << 63) - 1),
    (qemu_strtoi64, "9223372036854775808", ERANGE, (1 << 63) - 1),
    (qemu_strtoi64, "-" + BIG, ERANGE, -(1 << 63)),
    (qemu_strtoi64, "12x", EINVAL, 12),            # no end pointer: the whole string
    (qemu_strtoi64, "", EINVAL, 0),
    (qemu_strtou64, "-1", 0, (1 << 64) - 1),       # strtoull negates
    (qemu_strtou64, "18446744073709551616", ERANGE, (1 << 64) - 1),
    (qemu_strtou64, BIG, ERANGE, (1 << 64) - 1),
    (qemu_strtou64, "0x10", 0, 16),
    (qemu_strtou64, "010", 0, 8),
    (qemu_strtoi, "2147483648", ERANGE, (1 << 31) - 1),
    (qemu_strtoi, "-2147483649", ERANGE, -(1 << 31)),
    (qemu_strtoui, "-1", 0, (1 << 32) - 1),
    (qemu_strtoui, "-4294967296", ERANGE, (1 << 32) - 1),
    (parse_uint, "-5", ERANGE, 0),                 # parse_uint refuses a minus
    (parse_uint, " -5", ERANGE, 0),
    (parse_uint, BIG, ERANGE, (1 << 64) - 1),
    (parse_uint_full, "5 ", EINVAL, 0),
])
def test_readers(fn, text, err, value):
    n = fn(text)
    assert (n.err, n.value) == (err, value)


def test_parse_fd():
    assert qemu_parse_fd("7") == 7 and qemu_parse_fd(" 7") == 7
    assert [qemu_parse_fd(t) for t in ("-1", "abc", "7x", "2147483648", BIG, "")] == [-1] * 6


def test_strtosz_warns_about_a_suffix_on_hex_even_when_it_then_fails():
    assert qemu_strtosz("0x1k").hex_suffix and qemu_strtosz("0x1kz").hex_suffix
    assert qemu_strtosz("0x1kz").err == EINVAL
    assert not qemu_strtosz("0x10").hex_suffix


def test_strtosz_default_suffix_and_overflow():
    assert qemu_strtosz("16", "M").value == 16 << 20
    assert qemu_strtosz("17179869183G").value == 17179869183 << 30
    assert qemu_strtosz("17179869184G").err == ERANGE
    assert qemu_strtosz("18446744073709551615", "M").err == ERANGE


@pytest.mark.parametrize(("text", "addr"), [
    ("10.0.2.15", 0x0A00020F), ("10", 10), ("0x7f.1", 0x7F000001), ("10.0.2.15 junk", 0x0A00020F),
    ("1.2.65535", 0x0102FFFF), ("1.2.65536", None), ("08", None), (" 1.2.3.4", None),
    ("\udcff", None), ("1.2.3.4\x00", None), (BIG, None), ("256.1.1.1", None)])
def test_inet_aton_as_glibc(text, addr):
    assert inet_aton(text) == addr
