"""Numbers of any size in the shell: what bash 5.2 does with them, never Python's limits.

Every expected text below was recorded from the real programs (GNU bash 5.2.15,
coreutils 9.1, procps-ng 4.0.2) by ``record_real.py`` in this folder. ``{BIG}`` stands
for a 5,000-digit number (``9`` * 5000): over Python's 4,300-digit ``int()`` limit,
which used to surface as ``internal error: ValueError: Exceeds the limit (4300 digits)``.
"""

from __future__ import annotations

import time

import pytest

from netsim.shell import Shell
from netsim.user.fs import VirtualFS

from helpers import new_host

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
    # %(FORMAT)T: strftime in UTC, as the machine that recorded these runs
    ('printf "%(%F %T)T|%(%s)T|%10(%Y)T|%-6.2(%Y)T|%(%Y)\\n" 0 86400 0 0; '
     'echo $?',
     '1970-01-01 00:00:00|86400|      1970|19    |%(1\n',
     "bash: printf: warning: `\\': invalid time format specification\nbash"
     ": printf: `Y': invalid format character\n",
     0),
    ('printf "%(%Y)T|%(x)\\n" 99999999999999999999',
     '1970|%(x)\n',
     'bash: printf: warning: 99999999999999999999: Numerical result out of'
     " range\nbash: printf: warning: `\\': invalid time format specificati"
     'on\n',
     0),
    ('printf "[%(%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%Y%'
     'Y%Y%Y%Y%Y)T]\\n" 0',
     '[]\n',
     '',
     0),
    ('printf "%(%Y)T\\n" abc',
     '1970\n',
     'bash: printf: abc: invalid number\n',
     1),
    ('printf "%((%Y))T|%(a(b)c)T\\n" 0 0',
     '(1970)|a(b)c\n',
     '',
     0),
    ('printf "%(%Y)" 0; echo $?',
     '%(1\n',
     "bash: printf: warning: `\x00': invalid time format specification\nba"
     "sh: printf: `Y': invalid format character\n",
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), PRINTF)
def test_printf_and_escapes_are_bash_s(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)


# head and tail (coreutils 9.1): counts read by xdectoumax with size suffixes; a count
# past 2**64-1 is refused ("Value too large for defined data type"), the old forms
# -5, -2c, -1k; -c counts bytes.
HEAD_TAIL = [
    ("printf 'a\\nb\\nc\\n' > f; head -n {BIG} f",
     '',
     'head: invalid number of lines: ‘{BIG}’: Value too large for defined '
     'data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n -{BIG} f",
     '',
     'head: invalid number of lines: ‘{BIG}’: Value too large for defined '
     'data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -c 99999999999999999999999 f",
     '',
     'head: invalid number of bytes: ‘99999999999999999999999’: Value too '
     'large for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -c -99999999999999999999999 f",
     '',
     'head: invalid number of bytes: ‘99999999999999999999999’: Value too '
     'large for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -99999999999999999999999 f",
     '',
     'head: invalid number of lines: ‘99999999999999999999999’: Value too '
     'large for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -n {BIG} f",
     '',
     'tail: invalid number of lines: ‘{BIG}’: Value too large for defined '
     'data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -n +99999999999999999999999 f",
     '',
     'tail: invalid number of lines: ‘+99999999999999999999999’: Value too'
     ' large for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -n -99999999999999999999999 f",
     '',
     'tail: invalid number of lines: ‘99999999999999999999999’: Value too '
     'large for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -c 99999999999999999999999 f",
     '',
     'tail: invalid number of bytes: ‘99999999999999999999999’: Value too '
     'large for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -c +99999999999999999999999 f",
     '',
     'tail: invalid number of bytes: ‘+99999999999999999999999’: Value too'
     ' large for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -99999999999999999999999 f",
     '',
     'tail: invalid number: ‘-99999999999999999999999’: Numerical result o'
     'ut of range\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 18446744073709551616 f",
     '',
     'head: invalid number of lines: ‘18446744073709551616’: Value too lar'
     'ge for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 18446744073709551615 f",
     'a\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -n -18446744073709551615 f; echo $?",
     '0\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -c -18446744073709551615 f",
     '',
     'head: invalid number of bytes: ‘18446744073709551615’: Value too lar'
     'ge for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -c -9E f",
     '',
     'head: invalid number of bytes: ‘10376293541461622784’: Value too lar'
     'ge for defined data type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1k f",
     'a\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1kB f; head -n 1KiB f; head -n 1k"
     'D f',
     'a\nb\nc\na\nb\nc\na\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -n 2b f",
     'a\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1E f",
     'a\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1Y f",
     '',
     'head: invalid number of lines: ‘1Y’: Value too large for defined dat'
     'a type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1Z f",
     '',
     'head: invalid number of lines: ‘1Z’: Value too large for defined dat'
     'a type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1R f",
     '',
     'head: invalid number of lines: ‘1R’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1Kib f",
     '',
     'head: invalid number of lines: ‘1Kib’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1x f",
     '',
     'head: invalid number of lines: ‘1x’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n '' f",
     '',
     'head: invalid number of lines: ‘’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n ' 2' f",
     'a\nb\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -n ' -2' f",
     '',
     'head: invalid number of lines: ‘ -2’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 0x2 f",
     '',
     'head: invalid number of lines: ‘0x2’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n k f",
     'a\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -n 1 -c 2 f; head -c 2 -n 1 f",
     'a\na\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; tail -c 2 -n 1 f",
     'c\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; tail -n 1e f",
     '',
     'tail: invalid number of lines: ‘1e’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -c 1ZB f",
     '',
     'tail: invalid number of bytes: ‘1ZB’: Value too large for defined da'
     'ta type\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -n ' +2' f",
     'b\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; tail -2c f; tail -2l f; head -2c f; head "
     '-1k f',
     'c\nb\nc\na\na\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; tail -5x f",
     '',
     'tail: option used in invalid context -- 5\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -999999999999999999999999x f",
     '',
     'tail: option used in invalid context -- 9\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; head -n 99999999999999999999x f",
     '',
     'head: invalid number of lines: ‘99999999999999999999x’\n',
     1),
    ("printf 'a\\nb\\nc\\n' > f; tail -c +2 f; tail -c +0 f; tail -c -0 f;"
     ' tail -n +0 f',
     '\nb\nc\na\nb\nc\na\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -c -2 f; head -c -0 f; head -n -0 f",
     'a\nb\na\nb\nc\na\nb\nc\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; echo éa | head -c 1; echo; echo aé | tail"
     ' -c 2',
     '\udcc3\n\udca9\n',
     '',
     0),
    ("printf 'a\\nb\\nc\\n' > f; head -5x f",
     '',
     "head: invalid trailing option -- x\nTry 'head --help' for more infor"
     'mation.\n',
     1),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), HEAD_TAIL)
def test_head_and_tail_counts_are_coreutils_s(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)


# seq (coreutils 9.1): plain digits of any length counted as strings, other operands
# read as strtold, its formats and errors; into a pipe only what the reader takes is
# made (seq 0 112233445566 | head -3 is instant).
SEQ = [
    ('seq 007 9',
     '7\n8\n9\n',
     '',
     0),
    ('seq 1 010 30',
     '1\n11\n21\n',
     '',
     0),
    ('seq 0 0',
     '0\n',
     '',
     0),
    ('seq -0 0',
     '-0\n',
     '',
     0),
    ('seq 1 200 500',
     '1\n201\n401\n',
     '',
     0),
    ('seq 1 201 500',
     '1\n202\n403\n',
     '',
     0),
    ('seq 1e1 1e1',
     '10\n',
     '',
     0),
    ('seq 1 inf | head -2',
     '1\n2\n',
     '',
     0),
    ('seq 5 1',
     '',
     '',
     0),
    ('seq 1 -1 -1',
     '1\n0\n-1\n',
     '',
     0),
    ('seq -1 -1 -3',
     '-1\n-2\n-3\n',
     '',
     0),
    ('seq 0.1 0.1 0.3',
     '0.1\n0.2\n0.3\n',
     '',
     0),
    ('seq 1 0.5 2',
     '1.0\n1.5\n2.0\n',
     '',
     0),
    ('seq 0 0.000001 0.000003',
     '0.000000\n0.000001\n0.000002\n0.000003\n',
     '',
     0),
    ('seq 1 nan',
     '',
     "seq: invalid ‘not-a-number’ argument: ‘nan’\nTry 'seq --help' for mo"
     're information.\n',
     1),
    ('seq nan',
     '',
     "seq: invalid ‘not-a-number’ argument: ‘nan’\nTry 'seq --help' for mo"
     're information.\n',
     1),
    ('seq 1 0 2',
     '',
     "seq: invalid Zero increment value: ‘0’\nTry 'seq --help' for more in"
     'formation.\n',
     1),
    ('seq -f %g 1 2',
     '1\n2\n',
     '',
     0),
    ('seq -f %d 1',
     '',
     'seq: format ‘%d’ has unknown %d directive\n',
     1),
    ("seq -f '%.3f' 1 2",
     '1.000\n2.000\n',
     '',
     0),
    ("seq -f 'x%gy%%' 1 2",
     'x1y%\nx2y%\n',
     '',
     0),
    ("seq -f 'x' 1",
     '',
     'seq: format ‘x’ has no % directive\n',
     1),
    ("seq -f '%' 1",
     '',
     'seq: format ‘%’ ends in %\n',
     1),
    ("seq -f '%g%g' 1",
     '',
     'seq: format ‘%g%g’ has too many % directives\n',
     1),
    ('seq -f %Lg 1',
     '1\n',
     '',
     0),
    ('seq -f %5.2e 3',
     '1.00e+00\n2.00e+00\n3.00e+00\n',
     '',
     0),
    ('seq -w -f %g 1',
     '',
     'seq: format string may not be specified when printing equal width st'
     "rings\nTry 'seq --help' for more information.\n",
     1),
    ('seq -w 8 10',
     '08\n09\n10\n',
     '',
     0),
    ('seq -w 0.5 1 2.5',
     '0.5\n1.5\n2.5\n',
     '',
     0),
    ('seq -w -3 1',
     '-3\n-2\n-1\n00\n01\n',
     '',
     0),
    ('seq -s, 3',
     '1,2,3\n',
     '',
     0),
    ("seq -s '' 3",
     '123\n',
     '',
     0),
    ('seq -s ab 3',
     '1ab2ab3\n',
     '',
     0),
    ('seq 1.5 3',
     '1.5\n2.5\n',
     '',
     0),
    ('seq abc',
     '',
     "seq: invalid floating point argument: ‘abc’\nTry 'seq --help' for mo"
     're information.\n',
     1),
    ("seq 1 '' 2",
     '',
     "seq: invalid floating point argument: ‘’\nTry 'seq --help' for more "
     'information.\n',
     1),
    ("seq ' 1' 2",
     '1\n2\n',
     '',
     0),
    ("seq '1 ' 2",
     '',
     "seq: invalid floating point argument: ‘1 ’\nTry 'seq --help' for mor"
     'e information.\n',
     1),
    ('seq +1 2',
     '1\n2\n',
     '',
     0),
    ('seq 10 -3 1',
     '10\n7\n4\n1\n',
     '',
     0),
    ('seq -- -1 1',
     '-1\n0\n1\n',
     '',
     0),
    ('seq 1_0',
     '',
     "seq: invalid floating point argument: ‘1_0’\nTry 'seq --help' for mo"
     're information.\n',
     1),
    ('seq 1 2 3 4',
     '',
     "seq: extra operand ‘4’\nTry 'seq --help' for more information.\n",
     1),
    ('seq',
     '',
     "seq: missing operand\nTry 'seq --help' for more information.\n",
     1),
    ('seq 18446744073709551616 18446744073709551617',
     '18446744073709551616\n18446744073709551617\n',
     '',
     0),
    ('seq 0x10 0x12',
     '16\n17\n18\n',
     '',
     0),
    ('seq 0x1p3',
     '1\n2\n3\n4\n5\n6\n7\n8\n',
     '',
     0),
    ('seq 1 0x2 5',
     '1\n3\n5\n',
     '',
     0),
    ('seq -.5 1',
     '-0.5\n0.5\n',
     '',
     0),
    ('seq 1. 3',
     '1\n2\n3\n',
     '',
     0),
    ('seq .5 2',
     '0.5\n1.5\n',
     '',
     0),
    ('seq 2 -0.5 1',
     '2.0\n1.5\n1.0\n',
     '',
     0),
    ('seq -1 0.1 -0.8',
     '-1.0\n-0.9\n-0.8\n',
     '',
     0),
    ('seq 1e2 2e2 1e3',
     '100\n300\n500\n700\n900\n',
     '',
     0),
    ('seq 1e-1 1e-1 3e-1',
     '0.1\n0.2\n0.3\n',
     '',
     0),
    ('seq -w 1e1 1e1',
     '10\n',
     '',
     0),
    ('seq inf 1',
     '',
     '',
     0),
    ('seq -inf 0 | head -2',
     '',
     "seq: invalid option -- 'i'\nTry 'seq --help' for more information.\n",
     0),
    ('seq 1 -inf',
     '',
     '',
     0),
    ('seq -5 -inf | head -2',
     '',
     '',
     0),
    ('seq 9223372036854775807 9223372036854775808',
     '9223372036854775807\n9223372036854775808\n',
     '',
     0),
    ('seq -9223372036854775809 -9223372036854775808',
     '-9223372036854775809\n-9223372036854775808\n',
     '',
     0),
    ('seq -x 1',
     '',
     "seq: invalid option -- 'x'\nTry 'seq --help' for more information.\n",
     1),
    ('seq -w',
     '',
     "seq: missing operand\nTry 'seq --help' for more information.\n",
     1),
    ('seq 1 -0',
     '',
     '',
     0),
    ('seq 1 2 {BIG} | head -4',
     '1\n3\n5\n7\n',
     '',
     0),
    ('seq {BIG} {BIG} | wc -c',
     '5001\n',
     '',
     0),
    ('seq {BIG} inf',
     '',
     "seq: invalid floating point argument: ‘{BIG}’\nTry 'seq --help' for "
     'more information.\n',
     1),
    ('seq -- -{BIG} 1',
     '',
     "seq: invalid floating point argument: ‘-{BIG}’\nTry 'seq --help' for"
     ' more information.\n',
     1),
    ('seq 0 112233445566 | head -3',
     '0\n1\n2\n',
     '',
     0),
    ('seq 1 1e12 | head -2',
     '1\n2\n',
     '',
     0),
    ('seq 0.5 1e12 | head -2',
     '0.5\n1.5\n',
     '',
     0),
    ('seq -5 inf | head -2',
     '-5\n-4\n',
     '',
     0),
    ('seq 1 inf | while read x; do [ $x -ge 3 ] && break; echo $x; done',
     '1\n2\n',
     '',
     0),
    ('seq 0005 0010',
     '5\n6\n7\n8\n9\n10\n',
     '',
     0),
    ('seq 1 0005 12',
     '1\n6\n11\n',
     '',
     0),
    ("seq -s '' 10 12",
     '101112\n',
     '',
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), SEQ)
def test_seq_is_coreutils_s(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)


@pytest.mark.parametrize("line", ["seq 0 112233445566", "seq 0 112233445566 > /dev/null",
                                  "x=$(seq inf)", "seq -5 inf | cat"])
def test_a_seq_longer_than_the_shell_keeps_stops_with_the_output_limit(line):
    """The real one prints for hours; here the script stops at MAX_TEXT characters,
    with the shell's limit message and status 124, without building the whole list."""
    stdout, stderr, status = _run(line)
    assert (stderr, status) == ("bash: netsim: output longer than 8000000 characters\n", 124)
    assert len(stdout) <= 8_000_000


# Other numbers from the command line: test's integers (legal_number), grep -m, sort -k,
# cut's lists, ${N}, read -u, and the fd of a redirection (a word if it is no int).
OTHER_COUNTS = [
    ('[ {BIG} -eq 1 ]; echo $?',
     '2\n',
     'bash: [: {BIG}: integer expression expected\n',
     0),
    ('[ 9223372036854775808 -gt 1 ]; echo $?',
     '2\n',
     'bash: [: 9223372036854775808: integer expression expected\n',
     0),
    ("[ ' 5 ' -eq 5 ]; echo $?",
     '0\n',
     '',
     0),
    ("[ '5'$'\\n' -eq 5 ]; echo $?",
     '2\n',
     'bash: [: 5\n: integer expression expected\n',
     0),
    ('[[ {BIG} -eq 1 ]]; echo $?',
     '1\n',
     '',
     0),
    ('test -5 -lt 0; echo $?',
     '0\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; grep -m {BIG} a f",
     'a z\na\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; grep -m x a f; echo $?",
     '2\n',
     'grep: invalid max count\n',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; grep -m ' 1' a f",
     'a z\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; grep -m 1k a f",
     '',
     'grep: invalid max count\n',
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; grep -m -1 a f",
     'a z\na\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; grep -m 0 a f; echo $?",
     '1\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k {BIG} f",
     'a\na z\nb x\nc y\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 0 f",
     '',
     'sort: field number is zero: invalid field specification ‘0’\n',
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 2,{BIG} f",
     'a\nb x\nc y\na z\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 1.0 f",
     '',
     'sort: character offset is zero: invalid field specification ‘1.0’\n',
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 1,0 f",
     '',
     'sort: field number is zero: invalid field specification ‘1,0’\n',
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k x f",
     '',
     'sort: invalid number at field start: invalid count at start of ‘x’\n',
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 1.x f",
     '',
     "sort: invalid number after '.': invalid count at start of ‘x’\n",
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 1,x f",
     '',
     "sort: invalid number after ',': invalid count at start of ‘x’\n",
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 1q f",
     '',
     'sort: stray character in field spec: invalid field specification ‘1q'
     '’\n',
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 2n f",
     'a\na z\nb x\nc y\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k 1.2 f",
     'a\nb x\nc y\na z\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; sort -k -1 f",
     '',
     'sort: invalid number at field start: invalid count at start of ‘-1’'
     '\n',
     2),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f {BIG} f",
     '',
     "cut: field number ‘{BIG}’ is too large\nTry 'cut --help' for more in"
     'formation.\n',
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f 1-9999999999999999999999"
     '9 f',
     '',
     "cut: field number ‘99999999999999999999999’ is too large\nTry 'cut -"
     "-help' for more information.\n",
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -c 99999999999999999999999-"
     ' f',
     '',
     'cut: byte/character offset ‘99999999999999999999999’ is too large\nT'
     "ry 'cut --help' for more information.\n",
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f 18446744073709551615 f",
     '',
     "cut: field number ‘18446744073709551615’ is too large\nTry 'cut --he"
     "lp' for more information.\n",
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f 18446744073709551614 f",
     'b x\na z\nc y\na\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -b 0 f",
     '',
     "cut: byte/character positions are numbered from 1\nTry 'cut --help' "
     'for more information.\n',
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f 2-1 f",
     '',
     "cut: invalid decreasing range\nTry 'cut --help' for more information"
     '.\n',
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f '' f",
     '',
     "cut: fields are numbered from 1\nTry 'cut --help' for more informati"
     'on.\n',
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f - f",
     '',
     "cut: invalid range with no endpoint: -\nTry 'cut --help' for more in"
     'formation.\n',
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f 1-- f",
     '',
     "cut: invalid field range\nTry 'cut --help' for more information.\n",
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f 1x f",
     '',
     "cut: invalid field value ‘x’\nTry 'cut --help' for more information."
     '\n',
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -c '1 3' f",
     'bx\naz\ncy\na\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -d' ' -f2- f",
     'x\nz\ny\na\n',
     '',
     0),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -f 0- f",
     '',
     "cut: fields are numbered from 1\nTry 'cut --help' for more informati"
     'on.\n',
     1),
    ("printf 'b x\\na z\\nc y\\na\\n' > f; cut -c 1,,2 f",
     '',
     "cut: byte/character positions are numbered from 1\nTry 'cut --help' "
     'for more information.\n',
     1),
    ('echo ${{BIG}}; set -- a b; echo ${00} ${01} ${0002}',
     '\nbash a b\n',
     '',
     0),
    ('read -u {BIG} x; echo $?',
     '1\n',
     'bash: read: {BIG}: invalid file descriptor specification\n',
     0),
    ('read -u -1 x; echo $?',
     '1\n',
     'bash: read: -1: invalid file descriptor specification\n',
     0),
    ("read -u ' 0' x <<< hi; echo $? $x",
     '0 hi\n',
     '',
     0),
    ('echo x 99999999999999999999999>f; echo $?; cat f',
     '0\nx 99999999999999999999999\n',
     '',
     0),
    ('echo x 0000000000000000000001>f; cat f',
     'x\n',
     '',
     0),
    ('echo x 0{BIG}>f; echo $?; cat f | wc -c',
     '0\n5004\n',
     '',
     0),
    ('echo x >&{BIG}',
     '',
     'bash: {BIG}: Bad file descriptor\n',
     1),
    ('mkdir -m 99999999999999 d; echo $?',
     '1\n',
     'mkdir: invalid mode ‘99999999999999’\n',
     0),
    ('mkdir -m 0{BIG} d; echo $?',
     '1\n',
     'mkdir: invalid mode ‘0{BIG}’\n',
     0),
    ('mkdir -m 755 d && echo ok',
     'ok\n',
     '',
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), OTHER_COUNTS)
def test_other_counts_are_read_as_the_real_tools_read_them(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)


# awk (mawk 1.3.4): printf widths and precisions past INT_MAX print nothing, as C's
# printf; CONVFMT/OFMT likewise; an interval past RE_DUP_MAX is no interval; numbers
# of any length in text; a NaN keeps its sign (x86's inf*0 and log(-1) are -nan).
AWK = [
    ('awk \'BEGIN{printf "%{BIG}d|", 1}\'',
     '|',
     '',
     0),
    ('awk \'BEGIN{printf "%.{BIG}f|%s", 1, 2}\'',
     '|2',
     '',
     0),
    ('awk \'BEGIN{printf "%2147483648d|", 1}\'',
     '|',
     '',
     0),
    ('awk \'BEGIN{printf "%100000d|", 1}\' | wc -c',
     '100001\n',
     '',
     0),
    ('awk \'BEGIN{CONVFMT="%{BIG}d"; x=0.5; print x ""}\'',
     '\n',
     '',
     0),
    ('awk \'BEGIN{OFMT="%.{BIG}f"; print 0.5}\'',
     '\n',
     '',
     0),
    ('awk \'BEGIN{OFMT="%.2147483648f"; print 0.5, 1}\'',
     ' 1\n',
     '',
     0),
    ('awk \'BEGIN{print match("abc", "a{99999999999}"), match("a{999999999'
     '99}", "a{99999999999}")}\'',
     '0 1\n',
     '',
     0),
    ('awk \'BEGIN{print match("aaa", "a{1,{BIG}}")}\'',
     '0\n',
     '',
     0),
    ('awk \'BEGIN{print substr("abc", -1e300, 1e300), substr("abc", 1e300)'
     "}'",
     ' \n',
     '',
     0),
    ('awk \'BEGIN{x = "{BIG}"; print (x + 0 > 1), length(x), "1e9999999999'
     '9999999999" + 0, -"{BIG}"}\'',
     '1 5000 inf -inf\n',
     '',
     0),
    ("awk 'BEGIN{print (int(1e300) > 1e299), (int(-1e300) < 0), 2^1e6, -2^"
     "1e6}'",
     '1 1 inf -inf\n',
     '',
     0),
    ("echo {BIG} | awk '{print ($1 > 5), $1 * 0, NF}'",
     '1 -nan 1\n',
     '',
     0),
    ('awk \'BEGIN{x=2^1024; printf "%5.2f|%-6e|%g|%G|%E|%+f|% f\\n", log(-'
     '1), -log(-1), x, -x, log(-1), -log(-1), -log(-1); print x, -x, log(-'
     '1), -log(-1), 1/3*log(-1), x*0, x-x, sqrt(-1), (-8)^(1/3), x%2; y = '
     'log(-1) ""; print y, length(y)}\'',
     ' -nan|nan   |inf|-INF|-NAN|+nan| nan\ninf -inf -nan nan -nan -nan -n'
     'an -nan -nan -nan\n-nan 4\n',
     '',
     0),
    # substr(): mawk's ints (truncated, clamped, a start below 1 adds to the length)
    ('awk \'BEGIN{printf "[%s]", substr("abcdef", -3,3); printf "[%s]", su'
     'bstr("abcdef", -2,3); printf "[%s]", substr("abcdef", -1,3); printf '
     '"[%s]", substr("abcdef", 0,3); printf "[%s]", substr("abcdef", -1,1)'
     '; printf "[%s]", substr("abcdef", -1,2); printf "[%s]", substr("abcd'
     'ef", -5,10); printf "[%s]", substr("abcdef", 0,1); printf "[%s]", su'
     'bstr("abcdef", 0.5,1); printf "[%s]", substr("abcdef", -0.5,1); prin'
     'tf "[%s]", substr("abcdef", -1.5,3); printf "[%s]", substr("abcdef",'
     ' 1,0.5); printf "[%s]", substr("abcdef", 1,0.6); printf "[%s]", subs'
     'tr("abcdef", 1,1.5); printf "[%s]", substr("abcdef", 2,1.4); printf '
     '"[%s]", substr("abcdef", 3,-0.5); printf "[%s]", substr("abcdef", -1'
     '00,200); printf "[%s]", substr("abcdef", -2147483647,2147483650); pr'
     'intf "[%s]", substr("abcdef", -3000000000,3000000005); printf "[%s]"'
     ', substr("abcdef", -1); printf "[%s]", substr("abcdef", 0); printf "'
     '[%s]", substr("abcdef", -1e300); printf "[%s]", substr("abcdef", 7);'
     ' printf "[%s]", substr("abcdef", 6); printf "[%s]", substr("abcdef",'
     ' log(-1)); printf "[%s]", substr("abcdef", 2,log(-1)); printf "[%s]"'
     ', substr("abcdef", -1e300,1e300); printf "[%s]", substr("abcdef", -1'
     'e300,2e300); printf "[%s]", substr("abcdef", 1e300); printf "[%s]", '
     'substr("abcdef", 2147483647); printf "[%s]", substr("abcdef", 3,2147'
     '483647); print ""}\'',
     '[abcdef][abcde][abcd][abc][ab][abc][abcdef][a][a][a][abcd][][][a][b]'
     '[][abcdef][][][abcdef][abcdef][][][f][][][][][][][cdef]\n',
     '',
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), AWK)
def test_awk_formats_and_numbers_of_any_size(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)


# kill (bash's builtin), ps (procps-ng 4.0.2) and sleep (coreutils 9.1) on a host: pids,
# signals, column widths and intervals of any length. `$$` is the login shell in both.
ON_A_HOST = [
    ('kill {BIG}',
     '',
     'bash: kill: {BIG}: arguments must be process or job IDs\n',
     1),
    ('kill -{BIG} 1',
     '',
     'bash: kill: {BIG}: invalid signal specification\n',
     1),
    ('kill -s {BIG} 1',
     '',
     'bash: kill: {BIG}: invalid signal specification\n',
     1),
    ('kill -n 99999999999999999999 $$',
     '',
     'bash: kill: 99999999999999999999: invalid signal specification\n',
     1),
    ('kill -- -{BIG}',
     '',
     'bash: kill: -{BIG}: arguments must be process or job IDs\n',
     1),
    ('kill -l {BIG}',
     '',
     'bash: kill: {BIG}: invalid signal specification\n',
     1),
    ('kill -l 9223372036854775807',
     '',
     'bash: kill: 9223372036854775807: invalid signal specification\n',
     1),
    ('kill 2147483648',
     '',
     'bash: kill: 2147483648: arguments must be process or job IDs\n',
     1),
    ('kill -- -2147483649',
     '',
     'bash: kill: -2147483649: arguments must be process or job IDs\n',
     1),
    ('kill -l -- 137',
     'KILL\n',
     '',
     0),
    ('ps -p {BIG}',
     '',
     "error: process ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps "
     "--help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|"
     "o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."
     '\n',
     1),
    ('ps -p 2147483648',
     '',
     "error: process ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps "
     "--help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|"
     "o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."
     '\n',
     1),
    ('ps -p -1',
     '',
     "error: process ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps "
     "--help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|"
     "o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."
     '\n',
     1),
    ('ps -p 1x',
     '',
     'error: process ID list syntax error\n\nUsage:\n ps [options]\n\n Try'
     " 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help "
     "<s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see p"
     's(1).\n',
     1),
    ('ps -p ١',
     '',
     'error: process ID list syntax error\n\nUsage:\n ps [options]\n\n Try'
     " 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help "
     "<s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see p"
     's(1).\n',
     1),
    ('ps {BIG}',
     '',
     "error: process ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps "
     "--help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|"
     "o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."
     '\n',
     1),
    ('ps 1x',
     '',
     'error: process ID list syntax error\n\nUsage:\n ps [options]\n\n Try'
     " 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help "
     "<s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see p"
     's(1).\n',
     1),
    ('ps --pid 99999999999999999999999',
     '',
     "error: process ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps "
     "--help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|"
     "o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."
     '\n',
     1),
    ('ps --ppid {BIG}',
     '',
     "error: process ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps "
     "--help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|"
     "o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."
     '\n',
     1),
    ("ps -p ' 1'",
     '',
     "error: improper list\n\nUsage:\n ps [options]\n\n Try 'ps --help <si"
     "mple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'"
     '\n for additional help text.\n\nFor more details see ps(1).\n',
     1),
    ('ps -p 1,',
     '',
     "error: improper list\n\nUsage:\n ps [options]\n\n Try 'ps --help <si"
     "mple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'"
     '\n for additional help text.\n\nFor more details see ps(1).\n',
     1),
    ('ps -p 1,,2',
     '',
     "error: improper list\n\nUsage:\n ps [options]\n\n Try 'ps --help <si"
     "mple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'"
     '\n for additional help text.\n\nFor more details see ps(1).\n',
     1),
    ('ps -C a,,b',
     '',
     "error: improper list\n\nUsage:\n ps [options]\n\n Try 'ps --help <si"
     "mple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'"
     '\n for additional help text.\n\nFor more details see ps(1).\n',
     1),
    ('ps -o pid:{BIG}',
     '',
     'error: column widths must be unsigned decimal numbers\n\nUsage:\n ps'
     " [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'"
     "\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor "
     'more details see ps(1).\n',
     1),
    ('ps -o pid:2147483648',
     '',
     'error: column widths must be unsigned decimal numbers\n\nUsage:\n ps'
     " [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'"
     "\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor "
     'more details see ps(1).\n',
     1),
    ('ps -o pid:0x10',
     '',
     'error: column widths must be unsigned decimal numbers\n\nUsage:\n ps'
     " [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'"
     "\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor "
     'more details see ps(1).\n',
     1),
    ('ps -o pid:010',
     '',
     'error: column widths must be unsigned decimal numbers\n\nUsage:\n ps'
     " [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'"
     "\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor "
     'more details see ps(1).\n',
     1),
    ('ps -o pid:+5',
     '',
     'error: column widths must be unsigned decimal numbers\n\nUsage:\n ps'
     " [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'"
     "\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor "
     'more details see ps(1).\n',
     1),
    ('ps -u {BIG}',
     '',
     "error: user ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps --h"
     "elp <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t"
     "|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n",
     1),
    ('ps -u 4294967295',
     '',
     "error: user ID out of range\n\nUsage:\n ps [options]\n\n Try 'ps --h"
     "elp <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t"
     "|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n",
     1),
    ('sleep -1',
     '',
     "sleep: invalid option -- '1'\nTry 'sleep --help' for more informatio"
     'n.\n',
     1),
    ('sleep 1x',
     '',
     "sleep: invalid time interval ‘1x’\nTry 'sleep --help' for more infor"
     'mation.\n',
     1),
    ('sleep x y',
     '',
     'sleep: invalid time interval ‘x’\nsleep: invalid time interval ‘y’\n'
     "Try 'sleep --help' for more information.\n",
     1),
    ("sleep ''",
     '',
     "sleep: invalid time interval ‘’\nTry 'sleep --help' for more informa"
     'tion.\n',
     1),
    ('sleep nan',
     '',
     "sleep: invalid time interval ‘nan’\nTry 'sleep --help' for more info"
     'rmation.\n',
     1),
    ('sleep -0; echo $?',
     '1\n',
     "sleep: invalid option -- '0'\nTry 'sleep --help' for more informatio"
     'n.\n',
     0),
    ("sleep ' 0' 0x0p3 0s 0m 0h 0d 1e-9999 0. +0; echo $?",
     '0\n',
     '',
     0),
    ("sleep '0 '",
     '',
     "sleep: invalid time interval ‘0 ’\nTry 'sleep --help' for more infor"
     'mation.\n',
     1),
    ('sleep 0ms',
     '',
     "sleep: invalid time interval ‘0ms’\nTry 'sleep --help' for more info"
     'rmation.\n',
     1),
    ('sleep',
     '',
     "sleep: missing operand\nTry 'sleep --help' for more information.\n",
     1),
    ('sleep -- 0; echo $?',
     '0\n',
     '',
     0),
    ('sleep 0 -1',
     '',
     "sleep: invalid option -- '1'\nTry 'sleep --help' for more informatio"
     'n.\n',
     1),
    ('sleep infx',
     '',
     "sleep: invalid time interval ‘infx’\nTry 'sleep --help' for more inf"
     'ormation.\n',
     1),
    ('sleep .',
     '',
     "sleep: invalid time interval ‘.’\nTry 'sleep --help' for more inform"
     'ation.\n',
     1),
    ('sleep 1_0',
     '',
     "sleep: invalid time interval ‘1_0’\nTry 'sleep --help' for more info"
     'rmation.\n',
     1),
    ('sleep -inf',
     '',
     "sleep: invalid option -- 'i'\nTry 'sleep --help' for more informatio"
     'n.\n',
     1),
]


@pytest.fixture(scope="module")
def host():
    return new_host("h", init=None, hints=False)


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), ON_A_HOST)
def test_kill_ps_and_sleep_read_numbers_as_the_real_ones(host, line, stdout, stderr, status):
    result = host.sh(line.replace("{BIG}", BIG))
    got = (result.stdout.replace(BIG, "{BIG}"), result.stderr.replace(BIG, "{BIG}"),
           result.returncode)
    assert got == (stdout, stderr, status)


ENDLESS = ("netsim: sleep {} never ends: a real terminal would wait until Ctrl-C. The "
           "command line stops here, as at a Ctrl-C (status 130); simulated time did not "
           "move.\n")
TOO_LONG = ("netsim: sleep {} would take {} s, longer than simulated time can run (4.5e+09 "
            "s): a real terminal would wait until Ctrl-C. The command line stops here, as "
            "at a Ctrl-C (status 130); simulated time did not move.\n")


@pytest.mark.parametrize(("line", "message"), [
    ("sleep inf", ENDLESS.format("inf")),
    ("sleep infinity 1", ENDLESS.format("infinity 1")),
    ("sleep 1e400", ENDLESS.format("1e400")),
    ("sleep 1 INF", ENDLESS.format("1 INF")),
    ("sleep 9223372036854775808", TOO_LONG.format("9223372036854775808", "9.22e+18")),
    ("sleep 1e300", TOO_LONG.format("1e300", "1e+300")),
    ("sleep 4503600000", TOO_LONG.format("4503600000", "4.5e+09")),
    ("sleep 0x1p62s", TOO_LONG.format("0x1p62s", "4.61e+18")),
    ("sleep 2e8d", TOO_LONG.format("2e8d", "1.73e+13")),
    ("sleep {BIG}", ENDLESS.format("9" * 37 + "...")),  # past the double range: HUGE_VAL
])
def test_an_endless_sleep_stops_the_line_at_once_and_leaves_the_clock(line, message):
    """The real `sleep inf` waits for Ctrl-C; netsim cannot wait forever, nor set its
    clock to infinity (or to 2**63 s, where the clock no longer tells seconds apart):
    the line stops with its message and Ctrl-C's status, simulated time unchanged."""
    lab_host = new_host("h", init=None, hints=False)
    before = lab_host.lab.clock.now
    started = time.monotonic()
    result = lab_host.sh(line.replace("{BIG}", BIG) + "; echo not reached")
    assert (result.stdout, result.stderr, result.returncode) == ("", message, 130)
    assert lab_host.lab.clock.now == before
    assert time.monotonic() - started < 2


def test_long_but_finite_sleeps_pass_in_no_time_and_endless_ones_run_in_the_background():
    lab_host = new_host("h", init=None, hints=False)
    started = time.monotonic()
    assert lab_host.sh("sleep 1e9 0.5 1m; echo $?").stdout == "0\n"
    assert lab_host.lab.clock.now == 1e9 + 60.5
    assert lab_host.sh("sleep inf & sleep 9223372036854775808 & echo back").stdout == "back\n"
    assert lab_host.lab.clock.now == 1e9 + 60.5
    proc = lab_host.spawn("sleep inf")
    lab_host.lab.run(3600)
    assert proc.running  # runs until killed
    assert lab_host.sh(f"kill {proc.pid}").returncode == 0
    assert not proc.running
    assert time.monotonic() - started < 5


def test_printf_time_now_is_the_host_s_simulated_clock():
    """``%(FORMAT)T`` of -1 (or of no argument) is now: on a host, its simulated wall
    clock (booted 2025-01-01 09:50 UTC); -2 is the shell's start, the boot."""
    lab_host = new_host("h", init=None, hints=False)
    lab_host.lab.run(61.5)
    result = lab_host.sh("printf '%(%F %T)T|%(%H:%M)T|%(%T)T\\n' -1 -2; printf '%(%s)T\\n'")
    assert result.stdout == "2025-01-01 09:51:01|09:50|09:51:01\n1735725061\n"
