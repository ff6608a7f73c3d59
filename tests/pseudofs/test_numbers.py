"""How the kernel's sysfs and procfs handlers read the numbers written to them.

kstrtoul() for a sysfs store, __do_proc_dointvec() for a /proc/sys file
(netsim/pseudofs/numbers.py); the files themselves are tested in tests/cli/test_host_fs.py.
"""

from __future__ import annotations

import errno

import pytest

from netsim.pseudofs.numbers import kstrtoul, proc_ints


def errno_of(action) -> int:
    with pytest.raises(OSError) as err:
        action()
    return err.value.errno


@pytest.mark.parametrize(("text", "value"), [
    ("7", 7), ("7\n", 7), ("+7", 7), ("0x10", 16), ("010", 8), ("0", 0),
    ("18446744073709551615", 2 ** 64 - 1)])
def test_kstrtoul_accepts(text: str, value: int) -> None:
    assert kstrtoul(text) == value


@pytest.mark.parametrize(("text", "code"), [
    ("", errno.EINVAL), ("-1", errno.EINVAL), ("7 ", errno.EINVAL), (" 7", errno.EINVAL),
    ("7\n\n", errno.EINVAL), ("0x", errno.EINVAL), ("09", errno.EINVAL),
    ("18446744073709551616", errno.ERANGE)])
def test_kstrtoul_refuses(text: str, code: int) -> None:
    assert errno_of(lambda: kstrtoul(text)) == code


def test_proc_ints() -> None:
    lo, hi = -(2 ** 31), 2 ** 31 - 1
    assert proc_ints("  9\n", 1, lo, hi) == [9]
    assert proc_ints("010", 1, lo, hi) == [8]
    assert proc_ints("1 2", 2, lo, hi) == [1, 2]
    assert proc_ints("3\tx", 1, lo, hi) == [3]
    assert proc_ints("-2147483648", 1, lo, hi) == [lo]
    for bad in ("", "\n", "+1", "1=2", "abc", "2147483648", "0x"):
        assert errno_of(lambda bad=bad: proc_ints(bad, 1, lo, hi)) == errno.EINVAL
