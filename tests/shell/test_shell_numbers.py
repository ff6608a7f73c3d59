"""Numbers of any size in the shell: what bash 5.2 does with them, never Python's limits.

Every expected text below was recorded from the real programs (GNU bash 5.2.15,
coreutils 9.1, procps-ng 4.0.2) by ``record_real.py`` in this folder. ``{BIG}`` stands
for a 5,000-digit number (``9`` * 5000): over Python's 4,300-digit ``int()`` limit,
which used to surface as ``internal error: ValueError: Exceeds the limit (4300 digits)``.
"""

from __future__ import annotations

import pytest

from netsim.shell import Shell
from netsim.user.fs import VirtualFS

BIG = "9" * 5000


class _Host:
    shell_pid = 4242

    def sleep(self, seconds: float) -> None:
        pass


def _run(line: str) -> tuple[str, str, int]:
    result = Shell(_Host(), {}, VirtualFS()).run(line.replace("{BIG}", BIG))
    return (result.stdout.replace(BIG, "{BIG}"), result.stderr.replace(BIG, "{BIG}"),
            result.returncode)


# bash's arithmetic: strlong() accumulates digits in intmax_t without overflow checks, so
# any number wraps modulo 2**64; its errors name the number token.
ARITHMETIC = [
    ('echo $((99999999999999999999)) $((18446744073709551616)) $((92233720'
     '36854775808))',
     '7766279631452241919 0 -9223372036854775808\n',
     '',
     0),
    ('echo $(({BIG})) $((-{BIG})) $((0x{BIG})) $((36#{BIG}))',
     '-1 1 -7378697629483820647 -3162298984064494563\n',
     '',
     0),
    ('echo $((0{BIG}))',
     '',
     'bash: 0{BIG}: value too great for base (error token is "0{BIG}")\n',
     1),
    ('x=-{BIG}; echo $((x))',
     '1\n',
     '',
     0),
    ('echo $((0x1ffffffffffffffff)) $((077777777777777777777777)) $((2#111'
     '1111111111111111111111111111111111111111111111111111111111111111))',
     '-1 -1 -1\n',
     '',
     0),
    ('echo $((64#zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz)) $((1844674407370955162'
     '6#5)) $((0x))',
     '4099276460824344803 5 0\n',
     '',
     0),
    ('x={BIG}; echo $((x)) $((x+1)); y=-99999999999999999999; echo $((y))',
     '-1 0\n-7766279631452241919\n',
     '',
     0),
    ('x=0777777777777777777777777; echo $((x))',
     '-1\n',
     '',
     0),
    ('x=08; echo $((x))',
     '',
     'bash: 08: value too great for base (error token is "08")\n',
     1),
    ('x="1 2"; echo $((x))',
     '',
     'bash: 1 2: syntax error in expression (error token is "2")\n',
     1),
    ('echo $((0#1))',
     '',
     'bash: 0#1: invalid number (error token is "0#1")\n',
     1),
    ('echo $((08#1))',
     '',
     'bash: 08#1: value too great for base (error token is "08#1")\n',
     1),
    ('echo $((2#))',
     '',
     'bash: 2#: invalid integer constant (error token is "2#")\n',
     1),
    ('echo $((2##1))',
     '',
     'bash: 2##1: invalid integer constant (error token is "2##1")\n',
     1),
    ('echo $((5#9#1))',
     '',
     'bash: 5#9#1: value too great for base (error token is "5#9#1")\n',
     1),
    ('echo $((5#1#1))',
     '',
     'bash: 5#1#1: invalid number (error token is "5#1#1")\n',
     1),
    ('echo $((10#-5))',
     '',
     'bash: 10#: invalid integer constant (error token is "10#")\n',
     1),
    ('echo $((65#1))',
     '',
     'bash: 65#1: invalid arithmetic base (error token is "65#1")\n',
     1),
    ('echo $((99999999999999999999999999999999999999#1))',
     '',
     'bash: 99999999999999999999999999999999999999#1: invalid arithmetic b'
     'ase (error token is "99999999999999999999999999999999999999#1")\n',
     1),
    ('echo $((--5)) $((-- 5)) $((++5)) $((--  -5)); x=3; echo $((--x)) $(('
     '++x))',
     '5 5 5 -5\n2 3\n',
     '',
     0),
    ('echo $((--))',
     '',
     'bash: --: syntax error: operand expected (error token is "-")\n',
     1),
    ('echo $((2**(0-1)))',
     '',
     'bash: 2**(0-1): exponent less than 0 (error token is ")")\n',
     1),
    ('echo $((1 + 3**-1))',
     '',
     'bash: 1 + 3**-1: exponent less than 0 (error token is "1")\n',
     1),
    ('echo $((2 ** 99999999999999999999)) $((-9223372036854775808 / -1)) $'
     '((-9223372036854775808 % -1))',
     '0 -9223372036854775808 0\n',
     '',
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), ARITHMETIC)
def test_arithmetic_wraps_numbers_of_any_length_as_bash(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)


# shift, exit, return, break and continue read their count with bash's legal_number()
# (strtoimax: a sign and blanks allowed, overflow refused); a second argument abandons
# the command line ("too many arguments"), as a bad count to break and continue does.
COUNTS = [
    ('set -- a b; shift 99999999999999999999999; echo $? $#',
     '1 2\n',
     'bash: shift: 99999999999999999999999: numeric argument required\n',
     0),
    ('set -- a b; shift {BIG}; echo $? $#',
     '1 2\n',
     'bash: shift: {BIG}: numeric argument required\n',
     0),
    ('shift -1; echo $?',
     '1\n',
     'bash: shift: -1: shift count out of range\n',
     0),
    ('set -- a; shift 18446744073709551617; echo $? $#',
     '1 1\n',
     'bash: shift: 18446744073709551617: numeric argument required\n',
     0),
    ("set -- a b; shift ' 1'; echo $? $#; set -- a b; shift +1; echo $? $#"
     '; shift -- 1; echo $? $#',
     '0 1\n0 1\n0 0\n',
     '',
     0),
    ('shift 1 2; echo $?',
     '',
     'bash: shift: too many arguments\n',
     1),
    ('shift ""; echo $?',
     '1\n',
     'bash: shift: : numeric argument required\n',
     0),
    ('exit {BIG}',
     '',
     'bash: exit: {BIG}: numeric argument required\n',
     2),
    ('exit 9223372036854775807',
     '',
     '',
     255),
    ('exit 9223372036854775808',
     '',
     'bash: exit: 9223372036854775808: numeric argument required\n',
     2),
    ('exit -9223372036854775809',
     '',
     'bash: exit: -9223372036854775809: numeric argument required\n',
     2),
    ('exit 0x10',
     '',
     'bash: exit: 0x10: numeric argument required\n',
     2),
    ("exit ' 3 '",
     '',
     '',
     3),
    ('exit -- 3',
     '',
     '',
     3),
    ('exit ""',
     '',
     'bash: exit: : numeric argument required\n',
     2),
    ('exit 5 6; echo $?',
     '',
     'bash: exit: too many arguments\n',
     1),
    ('f() { return {BIG}; }; f; echo $?',
     '2\n',
     'bash: return: {BIG}: numeric argument required\n',
     0),
    ('f() { return -9223372036854775808; }; f; echo $?',
     '0\n',
     '',
     0),
    ("f() { return ' 7 '; }; f; echo $?",
     '7\n',
     '',
     0),
    ('f() { return 5 6; echo in; }; f; echo $?',
     '',
     'bash: return: too many arguments\n',
     1),
    ('for i in 1; do break {BIG}; done; echo $?',
     '',
     'bash: break: {BIG}: numeric argument required\n',
     1),
    ('for i in 1; do continue 18446744073709551617; done; echo $?',
     '',
     'bash: continue: 18446744073709551617: numeric argument required\n',
     1),
    ('for i in 1 2; do break 0; echo x; done; echo $?',
     '1\n',
     'bash: break: 0: loop count out of range\n',
     0),
    ('for i in 1 2; do for j in a b; do continue -1; echo x; done; echo y$'
     'i; done; echo $?',
     '1\n',
     'bash: continue: -1: loop count out of range\n',
     0),
    ("for i in 1; do break ' 2'; echo no; done; echo $?",
     '0\n',
     '',
     0),
    ('for i in 1; do break 1 2; done; echo $?',
     '',
     'bash: break: too many arguments\n',
     1),
    ('for i in 1; do break 9223372036854775807; done; echo $?',
     '0\n',
     '',
     0),
    ('break {BIG}; echo $?',
     '0\n',
     "bash: break: only meaningful in a `for', `while', or `until' loop\n",
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), COUNTS)
def test_builtin_counts_and_statuses_are_bash_s(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)
