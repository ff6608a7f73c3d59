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


# The printf builtin: C's strtoimax/strtoumax/strtold on its arguments (out of range
# saturates with a warning, status 0; junk after a number is "invalid number", status 1),
# widths and precisions that are C ints, conversions on bytes (%.1s of é is one byte),
# %q, %n, %a; and the escapes of printf, %b, echo -e and $'...' (a byte that is no UTF-8
# is a surrogate escape in the text, \udcff for 0xff).
PRINTF = [
    ("printf '%d|%i|%u\\n' {BIG} -{BIG} {BIG}; echo $?",
     '9223372036854775807|-9223372036854775808|18446744073709551615\n0\n',
     'bash: printf: warning: {BIG}: Numerical result out of range\nbash: p'
     'rintf: warning: -{BIG}: Numerical result out of range\nbash: printf:'
     ' warning: {BIG}: Numerical result out of range\n',
     0),
    ("printf '%d\\n' 99999999999999999999999 -99999999999999999999999 9223"
     '372036854775808',
     '9223372036854775807\n-9223372036854775808\n9223372036854775807\n',
     'bash: printf: warning: 99999999999999999999999: Numerical result out'
     ' of range\nbash: printf: warning: -99999999999999999999999: Numerica'
     'l result out of range\nbash: printf: warning: 9223372036854775808: N'
     'umerical result out of range\n',
     0),
    ("printf '%x %o %X %u\\n' 99999999999999999999999 99999999999999999999"
     '999 -99999999999999999999999 -1',
     'ffffffffffffffff 1777777777777777777777 FFFFFFFFFFFFFFFF 18446744073'
     '709551615\n',
     'bash: printf: warning: 99999999999999999999999: Numerical result out'
     ' of range\nbash: printf: warning: 99999999999999999999999: Numerical'
     ' result out of range\nbash: printf: warning: -9999999999999999999999'
     '9: Numerical result out of range\n',
     0),
    ("printf '%d\\n' 0x1ffffffffffffffff 0777777777777777777777777 0x{BIG}",
     '9223372036854775807\n9223372036854775807\n9223372036854775807\n',
     'bash: printf: warning: 0x1ffffffffffffffff: Numerical result out of '
     'range\nbash: printf: warning: 0777777777777777777777777: Numerical r'
     'esult out of range\nbash: printf: warning: 0x{BIG}: Numerical result'
     ' out of range\n',
     0),
    ("printf '%d|%d|%d\\n' 12abc ' 12 ' +-5; echo $?",
     '12|12|0\n1\n',
     'bash: printf: 12abc: invalid number\nbash: printf:  12 : invalid num'
     'ber\nbash: printf: +-5: invalid number\n',
     0),
    ('printf \'%d|%d|%d|%d\\n\' "\'" "\'ab" "\'é" \'\'',
     '0|97|233|0\n',
     '',
     0),
    ("printf '%i\\n' 1.5; echo $?",
     '1\n1\n',
     'bash: printf: 1.5: invalid number\n',
     0),
    ("printf '%*d|\\n' 99999999999999999999999",
     '0|\n',
     'bash: printf: warning: 99999999999999999999999: Numerical result out'
     ' of range\n',
     0),
    ("printf '%*d|\\n' 4294967301",
     '    0|\n',
     '',
     0),
    ("printf '%.*d|\\n' 4294967301; printf '%.*s|%*s|\\n' -1 abc -3 a",
     '00000|\nabc|a  |\n',
     '',
     0),
    ("printf '%.*s|\\n' x abc; echo $?",
     '|\n1\n',
     'bash: printf: x: invalid number\n',
     0),
    ("printf '%2147483648s|%.2147483648d|%s\\n' a 5 b",
     '||b\n',
     '',
     0),
    ("printf '%-5d|%+d|% d|%#x|%#o|%#x|%#o|%.3d|%.0d|\\n' 3 4 5 255 8 0 0 "
     '5 0',
     '3    |+4| 5|0xff|010|0|0|005||\n',
     '',
     0),
    ("printf '%ld %lld %hd %zd %jd %Lf\\n' 1 2 3 4 5 6",
     '1 2 3 4 5 6.000000\n',
     '',
     0),
    ("printf '%5%|\\n'; echo $?",
     '1\n',
     "bash: printf: `%': invalid format character\n",
     0),
    ("printf 'a%k|\\n'; echo $?",
     'a1\n',
     "bash: printf: `k': invalid format character\n",
     0),
    ("printf 'a%'; echo; printf '%5'; echo $?",
     'a\n1\n',
     "bash: printf: `%': missing format character\nbash: printf: `%5': mis"
     'sing format character\n',
     0),
    ("printf '%n|%s|\\n' x y; echo $x",
     '|y|\n0\n',
     '',
     0),
    ("printf '%f\\n' 1e5000 1e-5000 -1e5000; echo $?",
     'inf\n0.000000\n-inf\n0\n',
     'bash: printf: warning: 1e5000: Numerical result out of range\nbash: '
     'printf: warning: 1e-5000: Numerical result out of range\nbash: print'
     'f: warning: -1e5000: Numerical result out of range\n',
     0),
    ("printf '%f %f %f %F %f\\n' inf infinity 'nan(123)' -inf ''",
     'inf inf nan -INF 0.000000\n',
     '',
     0),
    ("printf '%f|%f|%f\\n' 0x10 1e '1.5 '; echo $?",
     '16.000000|1.000000|1.500000\n1\n',
     'bash: printf: 1e: invalid number\nbash: printf: 1.5 : invalid number'
     '\n',
     0),
    ("printf '%08.3f|%-8.3e|%G|%e\\n' 3.14159 2.5 0.00001 0x1p-1074",
     '0003.142|2.500e+00|1E-05|4.940656e-324\n',
     '',
     0),
    ("printf '%a %A %a %.2a %a\\n' 1 255 0 1.999 -2",
     '0x8p-3 0XF.FP+4 0x0p+0 0xf.fep-3 -0x8p-2\n',
     '',
     0),
    ("printf '%b|%b|%b|%b|%b|%b\\n' '\\101' '\\0101' '\\01011' '\\1011' '"
     '\\"\\?\\q\' \'\\c\' after',
     'A|A|A1|A1|\\"\\?\\q|',
     '',
     0),
    ('printf \'\\101|\\0101|\\1011|\\"|\\?|\\c|\\q\\n\'',
     'A|\x081|A1|"|?|\\c|\\q\n',
     '',
     0),
    ("printf '\\x41\\x4g\\x\\u263a\\U0001F600\\u|%b\\n' '\\x'; echo $?",
     'A\x04g\\x☺😀\\u|\\x\n0\n',
     'bash: printf: missing hex digit for \\x\nbash: printf: missing unico'
     'de digit for \\u\nbash: printf: missing hex digit for \\x\n',
     0),
    ("printf '%5.1s|%-4.2s|%c|%5c|\\n' é éé é abc",
     '    \udcc3|é  |\udcc3|    a|\n',
     '',
     0),
    ("printf '%q\\n' é 'a b' '' '~x' 'x~' '#a' 'a#' $'\\t' $'a\\001' $'\\x"
     'ff\' a=b \'x:~\' $\'\\x7f\' "a\'b" \'!"#$%&()*+,-./:;<=>?@[\\]^_`{|}'
     "~'",
     "é\na\\ b\n''\n\\~x\nx~\n\\#a\na#\n$'\\t'\n$'a\\001'\n$'\\377'\na=b\n"
     'x:\\~\n$\'\\177\'\na\\\'b\n\\!\\"#\\$%\\&\\(\\)\\*+\\,-./:\\;\\<=\\>'
     '\\?@\\[\\\\\\]\\^_\\`\\{\\|\\}~\n',
     '',
     0),
    ("printf '%5q|%-6q|%.2q|\\n' a b abc",
     '    a|b     |ab|\n',
     '',
     0),
    ("printf -v x 'a\\0b%s' c; echo ${#x}",
     '1\n',
     '',
     0),
    ("printf '%s\\n' '\\377' $'\\377' '\\303\\251'",
     '\\377\n\udcff\n\\303\\251\n',
     '',
     0),
    ("printf '\\377\\303\\251\\n%b\\n' '\\0377'",
     '\udcffé\n\udcff\n',
     '',
     0),
    ("echo $'\\101|\\0101|\\1011|\\x41|\\x4g|\\cA|\\c?|\\c[|\\c\\\\|\\ca|"
     '\\q|\\"|\\?|\\e|\\E|\\u263a|\\U0001F600|\\x|\\u\'',
     'A|\x081|A1|A|\x04g|\x01|\x7f|\x1b|\x1c|\x01|\\q|"|?|\x1b|\x1b|☺|😀|\\'
     'x|\\u\n',
     '',
     0),
    ("echo $'a\\cZb' $'\\c' $'\\U110000' $'\\777' $'\\udcff' $'\\U7fffffff"
     "'",
     'a\x1ab \\c \udcf4\udc90\udc80\udc80 \udcff \udced\udcb3\udcbf \udcfd'
     '\udcbf\udcbf\udcbf\udcbf\udcbf\n',
     '',
     0),
    ("echo $'a\\0b'c $'x\\u0y'; x=$'p\\0q'; echo ${#x}",
     'ac x\n1\n',
     '',
     0),
    ('echo $\'it\\\'s\' $"a b" "$\'x\'" ${x:-$\'a\\tb\'}',
     "it's a b $'x' a\tb\n",
     '',
     0),
    ("echo -e 'a\\101|\\0101|\\01011|\\x41|\\x|\\u|\\u41|\\c|z'",
     'a\\101|A|A1|A|\\x|\\u|A|',
     '',
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), PRINTF)
def test_printf_and_escapes_are_bash_s(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)
