"""awk (``netsim/shell/awk/``) against the real thing.

Every expected output and exit status in :data:`CASES` and :data:`OPTION_CASES` was
produced by mawk 1.3.4 (Debian 12's ``/usr/bin/awk``) on the same program and input;
the few places where netsim's awk deliberately follows gawk instead are not among
them. Error messages are mawk's, with ``awk:`` for ``mawk:``.
"""

from __future__ import annotations

import random
import shlex

import pytest

import netsim.shell.interpreter as interpreter
from netsim.host import Host
from netsim.user.io import CommandResult

# Tests asking for `host` (conftest.py) get h of a fresh lab, as it boots.
pytestmark = pytest.mark.host(name="h", init=None)


def awk(host: Host, args: list[str], stdin: str = "") -> CommandResult:
    """``printf '%s' STDIN | awk ARGS...`` in the host's shell."""
    quoted = " ".join(shlex.quote(arg) for arg in args)
    return host.sh(f"printf '%s' {shlex.quote(stdin)} | awk {quoted}")


# (program, standard input, expected standard output, expected exit status)
CASES: list[tuple[str, str, str, int]] = [
    # fields, records, NF/NR
    ('{print $2}',
     'a b\nc d\n', 'b\nd\n', 0),
    ('{ print NF, $NF, $(NF-1) }',
     'a b c\n', '3 c b\n', 0),
    ('{ print $(1+1), $ 1 }',
     'a b c\n', 'b a\n', 0),
    ('{ print NF }',
     '  lead and trail  \n', '3\n', 0),
    ('{ print NR, NF }',
     'a b\n\nc\n', '1 2\n2 0\n3 1\n', 0),
    ('{ print }',
     'no newline at end', 'no newline at end\n', 0),
    ('END { print $0, NF, NR }',
     'a b\nc d e\n', 'c d e 3 2\n', 0),
    ('{ print FNR, NR, FILENAME }',
     'a\nb\n', '1 1 -\n2 2 -\n', 0),
    # field and record assignment
    ('{ $2 = "X"; print; print NF }',
     'a b c\n', 'a X c\n3\n', 0),
    ('{ $5 = "e"; print; print NF }',
     'a b c\n', 'a b c  e\n5\n', 0),
    ('{ NF = 2; print }',
     'a b c d\n', 'a b\n', 0),
    ('{ NF++; $NF = "z"; print }',
     'a b\n', 'a b z\n', 0),
    ('BEGIN { OFS = "-" } { $1 = $1; print }',
     'a b   c\n', 'a-b-c\n', 0),
    ('{ $0 = "x y"; print $2, NF }',
     'a b c\n', 'y 2\n', 0),
    ('{ $3 = $1 + $2 } 1',
     '1 2\n3 4\n', '1 2 3\n3 4 7\n', 0),
    ('{ i = 1; print $i++, i }',
     '7 8\n', '7 1\n', 0),
    ('{ print $NF-1, -$1, !$1 }',
     '0 10\n', '9 0 1\n', 0),
    # FS, RS, OFS, ORS
    ('BEGIN { FS = ":" } { print $1, $3 }',
     'root:x:0:0\n', 'root 0\n', 0),
    ('BEGIN { FS = "," } { print NF, $3 "|" }',
     'a,,c\n', '3 c|\n', 0),
    ('BEGIN { FS = "[0-9]+" } { print NF, $3 }',
     'a1b22c\n', '3 c\n', 0),
    ('BEGIN { FS = "" } { print NF, $1, $3 }',
     'abc\n', '3 a c\n', 0),
    ('BEGIN { FS = "," } { print $2; FS = ":" }',
     'a,b:c\nd,e:f\n', 'b:c\nf\n', 0),
    ('BEGIN { RS = "" } { print NR ": " $1 "|" $NF "|" NF }',
     'a b\nc\n\n\nd e\n', '1: a|c|3\n2: d|e|2\n', 0),
    ('BEGIN { RS = ";" } { print NR, $0 }',
     'x;y;z', '1 x\n2 y\n3 z\n', 0),
    ('BEGIN { RS = "\\n\\n+" } { print NR "[" $0 "]" }',
     'a\nb\n\n\nc\n', '1[a\nb]\n2[c\n]\n', 0),
    ('BEGIN { ORS = "|"; OFS = ":" } { print $1, $2 }',
     'a b\nc d\n', 'a:b|c:d|', 0),
    # patterns
    ('/b/,/d/',
     'a\nb\nc\nd\ne\n', 'b\nc\nd\n', 0),
    ('/b/,/b/ { print "r", $0 }',
     'a\nb\nc\nb\n', 'r b\nr b\n', 0),
    ('NR==2, NR==3 { print NR }',
     '1\n2\n3\n4\n', '2\n3\n', 0),
    ('$1 ~ /^a/ && $2 !~ "x" { print }',
     'ab y\nab x\nb y\n', 'ab y\n', 0),
    ('!seen[$0]++',
     'a\nb\na\nc\nb\n', 'a\nb\nc\n', 0),
    ('length($0) > 3',
     'ab\nabcd\nabcde\n', 'abcd\nabcde\n', 0),
    ('NF',
     'a\n\nb\n', 'a\nb\n', 0),
    ('/^[[:digit:]]+$/ { print "d:" $0 } /^[^a-c]/ { print "n:" $0 }',
     '123\nabc\ndog\n', 'd:123\nn:123\nn:dog\n', 0),
    ('/[/]/ { print "slash" } /a\\/b/ { print "escaped" }',
     'a/b\nab\n', 'slash\nescaped\n', 0),
    ('/^(ab)+$/ { print "rep", $0 } /a.c|^x$/ { print "alt", $0 }',
     'abab\naxc\nx\n', 'rep abab\nalt axc\nalt x\n', 0),
    # control flow
    ('BEGIN { for (i = 1; i <= 3; i++) s = s i; print s }',
     '', '123\n', 0),
    ('BEGIN { while (i < 5) { i++; if (i == 2) continue; if (i == 4) break; print i } }',
     '', '1\n3\n', 0),
    ('BEGIN { do { k++ } while (k < 3); print k; do k++; while (k < 0); print k }',
     '', '3\n4\n', 0),
    ('BEGIN { for (;;) { n++; if (n == 3) break }; print n }',
     '', '3\n', 0),
    ('BEGIN { if (1) if (0) print "a"; else print "b" }',
     '', 'b\n', 0),
    ('BEGIN { if (0) print "a"\n else print "b" }',
     '', 'b\n', 0),
    ('NR == 2 { next } { print } END { print NR }',
     'a\nb\nc\n', 'a\nc\n3\n', 0),
    ('{ print; exit 3 } END { print "end" }',
     'x\ny\n', 'x\nend\n', 3),
    ('BEGIN { exit 2 } END { print "end" }',
     '', 'end\n', 2),
    ('NR == 1 { nextfile } { print }',
     'a\nb\n', '', 0),
    # arrays
    ('{ n[$1]++ } END { for (k in n) print k, n[k] }',
     'a\na\na\n', 'a 3\n', 0),
    ('BEGIN { a[1,2] = "x"; for (k in a) { split(k, p, SUBSEP); print p[1], p[2], a[k] }; print '
     '((1,2) in a), ((2,1) in a) }',
     '', '1 2 x\n1 0\n', 0),
    ('BEGIN { a["x"] = 1; print ("x" in a), ("y" in a); delete a["x"]; print ("x" in a), '
     'length(a) }',
     '', '1 0\n0 0\n', 0),
    ('BEGIN { a[1]; a[2]; delete a; print length(a); a[1]; a["1"]; a[01]; print length(a) }',
     '', '0\n1\n', 0),
    ('{ line[NR] = $0 } END { for (i = NR; i >= 1; i--) print line[i] }',
     'a\nb\nc\n', 'c\nb\na\n', 0),
    # operators and precedence
    ('BEGIN { print 1 + 2 * 3, (1 + 2) * 3, 2 ^ 3 ^ 2, -2 ^ 2, 2 ^ -1, 7 % 3, -7 % 3 }',
     '', '7 9 512 -4 0.5 1 -1\n', 0),
    ('BEGIN { x = 1; x += 2; x -= 1; x *= 5; x /= 2; x %= 3; x ^= 2; print x }',
     '', '4\n', 0),
    ('BEGIN { i = 5; print i++, i, ++i, i--, --i }',
     '', '5 6 7 7 5\n', 0),
    ('BEGIN { print 1 - 1, 1 " " -1, 2 - -1, 1 + "2" "3", 10 % 3 * 2 }',
     '', '0 1-1 3 33 2\n', 0),
    ('BEGIN { print (1 ? "y" : "n"), ("" ? "y" : "n"), ("0" ? "y" : "n"), 1 ? 2 ? "a" : "b" : '
     '"c" }',
     '', 'y n y a\n', 0),
    ('BEGIN { print !0, !1, !"", !"a", !x, 1 && 0, 1 || 0, x = 0, 1 !x }',
     '', '1 0 1 0 1 0 1 0 11\n', 0),
    ('BEGIN { x = y = 3; a = 1; a += a += 2; print x, y, a }',
     '', '3 3 6\n', 0),
    # comparisons: numbers, strings, strnums
    ('{ print ($1 > $2), ($1 > "9"), ($1 == 10.0) }',
     '10 9\n', '1 0 1\n', 0),
    ('BEGIN { print ("10" > "9"), (10 > 9), ("abc" < "abd"), ("a" < 1) }',
     '', '0 1 1 0\n', 0),
    ('{ print ($1 == 0), ($1 == "0.0"), ($1 < 10), ($2 == 100) }',
     '0.0 1e2\n', '1 1 1 1\n', 0),
    ('{ print (x == 0), (x == ""), length(x), ($3 == 0), ($3 == "") }',
     'a b\n', '1 1 0 0 1\n', 0),
    ('{ if ($1) print "t"; else print "f" }',
     '0\n0.0\nx\n\n 1\n', 'f\nf\nt\nf\nt\n', 0),
    ('BEGIN { x = "3.0"; y = 3; print (x == y), (x + 0 == y) }',
     '', '0 1\n', 0),
    ('BEGIN { split("10 9 100", n); print (n[1] > n[2]), (n[3] > n[1]) }',
     '', '1 1\n', 0),
    # numbers as text
    ('BEGIN { x = 0.1 + 0.2; print x, 1e6, 1e-5, 100 / 3, 123456789, 017 + 1, .5 "" }',
     '', '0.3 1000000 1e-05 33.3333 123456789 18 0.5\n', 0),
    ('BEGIN { CONVFMT = "%.2f"; a = 3.14159; b = a ""; print b; OFMT = "%.1f"; print a, 10 }',
     '', '3.14\n3.1 10\n', 0),
    ('{ print $1, $1 + 0, $1 * 2, ($1 == 7) }',
     '007\n', '007 7 14 1\n', 0),
    ('BEGIN { print "3abc" + 1, " 12 " + 0, "+1" + 1, ".5." + 1, "x" + 0 }',
     '', '4 12 2 1.5 0\n', 0),
    # printf and sprintf
    ('{ printf "%s=%d|%5.2f|%-4s|%03d|%x|%o|%e|%c|%%\\n", $1, $2, $2, "ab", 7, 255, 8, 1234.5, '
     '65 }',
     'k 3.7\n', 'k=3| 3.70|ab  |007|ff|10|1.234500e+03|A|%\n', 0),
    ('BEGIN { printf "%*d|%-*d|%.*f\\n", 5, 42, 4, 7, 2, 3.14159 }',
     '', '   42|7   |3.14\n', 0),
    ('BEGIN { printf "%5.1f|%-8.2e|%g|%G|%i|%u|%c|%5c|\\n", 3.14159, 12345.678, 1e-5, 1e20, '
     '42.9, 7, "hello", "z" }',
     '', '  3.1|1.23e+04|1e-05|1E+20|42|7|h|    z|\n', 0),
    ('BEGIN { printf "%.3s|%-6.2f|%06.2f|%+d|% d|%#o|%#x|%X\\n", "abcdef", 3.14159, -3.14159, '
     '5, 7, 8, 255, 255 }',
     '', 'abc|3.14  |-03.14|+5| 7|010|0xff|FF\n', 0),
    ('BEGIN { s = sprintf("%5s|%-5s|%.2s", "ab", "cd", "efgh"); print s; printf("%s-%s\\n", '
     '"a", "b") }',
     '', '   ab|cd   |ef\na-b\n', 0),
    ('{ printf "%c\\n", $1 }',
     '65\n', 'A\n', 0),
    ('BEGIN { printf "%s %s\\n", "a", "b", "extra"; printf "no newline" }',
     '', 'a b\nno newline', 0),
    # string functions
    ('BEGIN { print length("abc"), substr("hello", 2, 3), substr("hello", 3), index("hello", '
     '"ll"), index("abc", "z") }',
     '', '3 ell llo 3 0\n', 0),
    ('{ print length, length() }',
     'abcd\n', '4 4\n', 0),
    ('BEGIN { print substr("hello", 0, 2), substr("hello", 2.7), substr("hello", 1.5, 2.6), '
     'substr("hello", 10) "|", substr("hello", 2, -1) "|" }',
     '', 'he ello he | |\n', 0),
    ('BEGIN { n = split("a:b:c", arr, ":"); print n, arr[1], arr[3]; n = split("  x  y ", w); '
     'print n, w[1] w[2]; n = split("abc", c, ""); print n, c[2] }',
     '', '3 a c\n2 xy\n3 b\n', 0),
    ('BEGIN { n = split("a1b22c", q, /[0-9]+/); print n, q[3]; n = split("a.b", d, "."); print '
     'n, d[2]; n = split("", e); print n }',
     '', '3 c\n2 b\n0\n', 0),
    ('BEGIN { s = "hello world"; n = gsub(/o/, "0", s); print n, s; sub(/l+/, "[&]", s); print s }',
     '', '2 hell0 w0rld\nhe[ll]0 w0rld\n', 0),
    ('{ gsub(/a/, "b"); print; print gsub(/[aeiou]/, ""), $0, NF }',
     'banana split\n', 'bbnbnb split\n1 bbnbnb splt 2\n', 0),
    ('BEGIN { s = "abc"; gsub(/b*/, "-", s); print s; t = "hello"; gsub(//, ".", t); print t; u '
     '= "abc"; gsub(/^/, ">", u); print u }',
     '', '-a-c-\n.h.e.l.l.o.\n>abc\n', 0),
    ('BEGIN { s = "abc"; sub(/b/, "\\\\&", s); print s; t = "abc"; sub(/b/, "[\\\\\\\\&]", t); '
     'print t }',
     '', 'a&c\na[\\b]c\n', 0),
    ('BEGIN { s = "a.b.c"; gsub(".", "X", s); print s; t = "a.b.c"; gsub(/\\./, "X", t); print '
     't; u = "a+b"; gsub(/\\+/, "-", u); print u }',
     '', 'XXXXX\naXbXc\na-b\n', 0),
    ('BEGIN { print match("foobar", /o+/), RSTART, RLENGTH; print match("x", /z/), RSTART, '
     'RLENGTH }',
     '', '2 2 2\n0 0 -1\n', 0),
    ('BEGIN { s = "The Quick"; print match(s, /[A-Z][a-z]+$/), substr(s, RSTART, RLENGTH) }',
     '', '5 Quick\n', 0),
    ('BEGIN { print tolower("AbC"), toupper("aBc"), int(-3.7), int("4.9x"), int(7) }',
     '', 'abc ABC -3 4 7\n', 0),
    ('$1 ~ $2 { print "match", NR } $0 ~ "\\\\.txt$" { print "txt" }',
     'abc b\nabc x\na.txt t\n', 'match 1\nmatch 3\n', 0),
    # arithmetic functions
    ('BEGIN { printf "%.4f %.4f %.4f %.4f %.4f %.4f\\n", sqrt(2), exp(1), log(10), sin(1), '
     'cos(1), atan2(1, 1) * 4 }',
     '', '1.4142 2.7183 2.3026 0.8415 0.5403 3.1416\n', 0),
    ('BEGIN { srand(1); x = rand(); print (x >= 0 && x < 1), srand(2) }',
     '', '1 1\n', 0),
    # user functions
    ('function f(a, b) { return a * b } BEGIN { print f(3, 4) }',
     '', '12\n', 0),
    ('function fib(n) { return n < 2 ? n : fib(n-1) + fib(n-2) } BEGIN { print fib(15) }',
     '', '610\n', 0),
    ('function fill(arr, n,   i) { for (i = 1; i <= n; i++) arr[i] = i * i } BEGIN { fill(sq, '
     '4); print sq[3], length(sq) }',
     '', '9 4\n', 0),
    ('function g(x) { x = 5 } function h() { return } BEGIN { y = 1; g(y); print y, "[" h() "]" }',
     '', '1 []\n', 0),
    ('function f(a) { a[1] = 1 } function g(b) { f(b); return b[1] } BEGIN { print g(c), c[1] }',
     '', '1 1\n', 0),
    ('function max(a, b) { return a > b ? a : b } { m = max(m, $1) } END { print m }',
     '3\n10\n7\n', '10\n', 0),
    # getline, pipes, files
    ('BEGIN { while ((getline line) > 0) n++; print n, line, NR }',
     'a\nb\nc\n', '3 c 3\n', 0),
    ('NR == 1 { getline; print "got", $0 } END { print NR }',
     'a\nb\nc\n', 'got b\n3\n', 0),
    ('{ getline x; print $0, x }',
     '1\n2\n3\n4\n', '1 2\n3 4\n', 0),
    ('BEGIN { "echo hi there" | getline; print $2, NR; "echo a b" | getline v; print v }',
     '', 'there 0\na b\n', 0),
    ('BEGIN { while (("echo a; echo b" | getline line) > 0) n++; print n, line }',
     '', '2 b\n', 0),
    ('BEGIN { print "c\\nb\\na" | "sort"; close("sort"); print "done" }',
     '', 'a\nb\nc\ndone\n', 0),
    ('BEGIN { r = system("exit 3"); print r; print "x" | "exit 4"; print close("exit 4"), '
     'close("nothing") }',
     '', '3\n4 -1\n', 0),
    ('BEGIN { print "x" > "o1"; print "y" > "o1"; close("o1"); while ((getline l < "o1") > 0) '
     'print "read", l }',
     '', 'read x\nread y\n', 0),
    ('BEGIN { print "x" >> "o2"; close("o2"); print "y" > "o2"; close("o2"); while ((getline l '
     '< "o2") > 0) print l; print (getline l < "/nonexistent") }',
     '', 'y\n-1\n', 0),
    ('{ print $1 > $2 } END { close("f1"); while ((getline l < "f1") > 0) print "f1:", l }',
     'a f1\nb f1\n', 'f1: a\nf1: b\n', 0),
    # syntax
    ('# comment\nBEGIN { # another\n  x = 1 + \\\n 2; print x, # trailing\n   "y" ; ; print "z"\n}',
     '', '3 y\nz\n', 0),
    ('BEGIN {\n  for (i = 0;\n       i < 2;\n       i++)\n    print i\n}\n/a/\n{ print "always" }',
     'x\na\n', '0\n1\nalways\na\nalways\n', 0),
    ('BEGIN { print length "x", 1 (2 > 1), (1 == 1) (2 == 3), "x" (1 > 0) }',
     '', '0x 11 10 x1\n', 0),
    ('BEGIN{printf "%d\\n", 3}END{print NR}',
     'a\n', '3\n1\n', 0),
    # errors
    ('BEGIN { x = 1 +  }',
     '', '', 2),
    ('BEGIN { print "abc }',
     '', '', 2),
    ('BEGIN { next }',
     '', '', 2),
    ('BEGIN { f(1) }',
     '', '', 2),
    ('BEGIN { continue }',
     '', '', 2),
    ('BEGIN { substr("a") }',
     '', '', 2),
    ('BEGIN { x = /abc( /; }',
     '', '', 2),
    ('BEGIN { $(-1) = 2 }',
     '', '', 2),
    ('BEGIN { x[1] = 1; x = 2 }',
     '', '', 2),
    ('BEGIN { printf "%s %s\\n" }',
     '', '', 2),
    # the one that started it
    ('/^default / {\n          for(i=0;i<NF;i++) { if ($i == "dev") { print $(i+1); next; } }\n '
     '}',
     'default via 10.0.0.1 dev br0 \n10.0.0.0/24 dev br0 proto kernel scope link src 10.0.0.2 \n',
     'br0\n', 0),
]


@pytest.mark.parametrize(("program", "stdin", "stdout", "status"), CASES)
def test_same_as_mawk(host: Host, program: str, stdin: str, stdout: str, status: int) -> None:
    result = awk(host, [program], stdin)
    assert (result.stdout, result.returncode) == (stdout, status), result.stderr


# (arguments, standard input, expected standard output, expected exit status)
OPTION_CASES: list[tuple[list[str], str, str, int]] = [
    (["-F:", "{ print $1, $3 }"], "root:x:0:0\n", "root 0\n", 0),
    (["-F", "\\t", "{ print NF, $2 }"], "a\tb c\n", "2 b c\n", 0),
    (["-F", "\\|", "{ print $2 }"], "a|b|c\n", "b\n", 0),
    (["-F", " ", "{ print NF, $2 }"], "  a  b \n", "2 b\n", 0),
    (["-F", "[ ]", "{ print NF, $2 }"], "a  b\n", "3 \n", 0),
    (["-Ft", "{ print NF, $2 }"], "atb\tc\n", "2 b\tc\n", 0),  # a "t", not a tab
    (["-F.", "{ print $2 }"], "a.b.c\n", "b\n", 0),
    (["-v", "v=hello", "{ print v, $1 }"], "x\n", "hello x\n", 0),
    (["-v", "v=a\\tb", "-v", "n=41", "BEGIN { print v; print n + 1 }"], "", "a\tb\n42\n", 0),
    (["-vOFS=-", "{ $1 = $1 } 1"], "a b c\n", "a-b-c\n", 0),
    (["{ print v, $0 }", "v=1", "-"], "line\n", "1 line\n", 0),
    # mawk names itself ARGV[0] = "mawk"
    (["BEGIN { print ARGC, ARGV[0], ARGV[1], ARGV[2] }", "x", "y=1"], "", "3 awk x y=1\n", 0),
    (['BEGIN { ARGV[1] = "" } { print }', "nonexistent"], "from stdin\n", "from stdin\n", 0),
    (["--", "{ print $1 }"], "a b\n", "a\n", 0),
]


@pytest.mark.parametrize(("args", "stdin", "stdout", "status"), OPTION_CASES)
def test_options_same_as_mawk(host: Host, args: list[str], stdin: str, stdout: str,
                              status: int) -> None:
    result = awk(host, args, stdin)
    assert (result.stdout, result.returncode) == (stdout, status), result.stderr


def test_program_from_file_and_input_files(host: Host) -> None:
    host.sh("printf '{ n++ } END { print n, FILENAME }\\n' > count.awk; printf 'a\\nb\\n' > in1")
    result = host.sh("awk -f count.awk in1 in1; awk '{ print }' missing; echo $?")
    assert result.stdout == "4 in1\n2\n"
    assert result.stderr == "awk: cannot open 'missing' for reading: No such file or directory\n"


@pytest.mark.parametrize(("program", "stderr"), [
    ("BEGIN { x = 1 +  }", "awk: line 1: syntax error at or near }\n"),
    ("BEGIN { a = ; }", "awk: line 1: syntax error at or near ;\n"),
    ("BEGIN {\n  x = 1\n  print x +\n}", "awk: line 3: syntax error at or near end of line\n"),
    ('BEGIN { print "abc }', 'awk: line 1: runaway string constant "abc } ...\n'),
    ("BEGIN { next }", "awk: line 1: improper use of next\n"),
    ("BEGIN { continue }", "awk: line 1: continue statement outside of loop\n"),
    ("BEGIN { return }", "awk: line 1: return outside function body\n"),
    ('BEGIN { substr("a") }', "awk: line 1: wrong number of arguments in call to substr\n"),
    ("BEGIN { x = /abc( /; }",
     "awk: line 1: regular expression compile failed (missing ')')\nabc( \n"),
    ("BEGIN { $(-1) = 2 }",
     'awk: run time error: negative field index $-1\n\tFILENAME="" FNR=0 NR=0\n'),
    ('BEGIN { printf "%s %s\\n", "a" }',
     'awk: run time error: not enough arguments passed to printf("%s %s\n")\n'
     '\tFILENAME="" FNR=0 NR=0\n'),
    # gawk's choice: mawk prints inf
    ("{ print 1 / $1 }",
     'awk: run time error: division by zero\n\tFILENAME="-" FNR=1 NR=1\n'),
])
def test_error_messages(host: Host, program: str, stderr: str) -> None:
    result = awk(host, [program], "0\n")
    assert (result.stdout, result.stderr, result.returncode) == ("", stderr, 2)


# The core of Debian's /etc/qemu-ifup, verbatim: which bridge holds the default route?
QEMU_IFUP_CORE = """\
switch=$(ip route ls | \\
    awk '/^default / {
          for(i=0;i<NF;i++) { if ($i == "dev") { print $(i+1); next; } }
         }'
        )
echo "[$switch]"
"""


def _bridge_with_default_route(host: Host) -> None:
    for command in ("ip link add br0 type bridge", "ip link set br0 up",
                    "ip addr add 10.0.0.2/24 dev br0", "ip route add default via 10.0.0.1 dev br0"):
        assert host.sh(command).returncode == 0


def test_qemu_ifup_finds_the_default_bridge(host: Host) -> None:
    _bridge_with_default_route(host)
    assert host.sh(QEMU_IFUP_CORE) == CommandResult(0, "[br0]\n", "")


def test_qemu_ifup_script_adds_the_tap_to_the_bridge(host: Host) -> None:
    script = """#! /bin/sh
PATH=$PATH:/sbin:/usr/sbin
ip=$(command -v ip)
if [ -n "$ip" ]; then
   ip link set "$1" up
fi
""" + QEMU_IFUP_CORE.replace('echo "[$switch]"\n', "") + """
for br in $switch; do
    if [ -d /sys/class/net/$br/bridge/. ]; then
        exec ip link set "$1" master "$br"
    fi
done
echo "W: $0: no bridge for guest interface found" >&2
"""
    _bridge_with_default_route(host)
    host.sh(f"ip tuntap add tap0 mode tap; printf '%s' {shlex.quote(script)} > /etc/qemu-ifup; "
            "chmod +x /etc/qemu-ifup")
    assert host.sh("/etc/qemu-ifup tap0") == CommandResult(0, "", "")
    assert " master br0 " in host.sh("ip link show tap0").stdout


def test_endless_loops_stop_at_the_shell_step_limit(host: Host) -> None:
    result = host.sh("awk 'BEGIN { while (1) n++ }'; echo not reached")
    assert result.returncode == 124
    assert "stopped after" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("program", [
    'BEGIN { s = "x"; while (1) s = s s }',
    'BEGIN { s = "x"; for (;;) gsub(//, "yy", s) }',
    "BEGIN { $200000 = 1 }",
    "function f(n) { return f(n + 1) } BEGIN { f(1) }",
])
def test_runaway_programs_are_stopped(host: Host, program: str) -> None:
    result = awk(host, [program])
    assert result.returncode in (2, 124)
    assert result.stderr and "internal error" not in result.stderr


# ---------------------------------------------------------------------------- fuzzing
_TOKENS = [
    "BEGIN", "END", "{", "}", "{", "}", "(", ")", "(", ")", "$", "x", "y", "a", "[", "]", "1",
    "0", "-1", "1e3", '"s"', '"10"', '""', '"%d %s %c %*.*f"', "/a+/", "/[b-]/", "/(/", "+", "-",
    "*", "/", "%", "^", "=", "==", "!=", "<", ">", "<=", ">>", "!", "~", "!~", "&&", "||", "?",
    ":", ",", ";", ";", "\n", "print", "printf", "if", "else", "while", "for", "in", "do",
    "break", "continue", "next", "nextfile", "exit", "getline", "function", "f", "f(", "return",
    "delete", "length", "substr(", "split(", "sub(", "gsub(", "match(", "sprintf(", "index(",
    "int(", "log(", "exp(", "toupper(", "close(", "srand(", "rand()", "NF", "NR", "FS", "RS",
    "$0", "$NF", "++", "--", "+=", "^=", "|", '"cat"', "a[x]", "(x,y) in a", "x in a",
]
_OPERANDS = ["1", "0", "x", "$1", "$0", "NF", '"a"', '"3"', '""', "a[x]", "a[1,2]", "/b/", "-2.5"]
_OPERATORS = ["+", "-", "*", "/", "%", "^", " ", "<", "==", ">=", "~", "!~", "&&", "||", "in"]


def _random_expr(r: random.Random, depth: int = 0) -> str:
    if depth > 3 or r.random() < 0.3:
        return r.choice(_OPERANDS)
    kind = r.randrange(6)
    left, right = _random_expr(r, depth + 1), _random_expr(r, depth + 1)
    if kind < 2:
        op = r.choice(_OPERATORS)
        return f"({left} {op} {'a' if op == 'in' else right})"
    if kind == 2:
        return f"{r.choice(['x', '$2', 'a[1]', 'NF', '$(x)'])} {r.choice(['=', '+=', '%='])} {left}"
    if kind == 3:
        return f"{left} ? {right} : {r.choice(_OPERANDS)}"
    if kind == 4:
        name = r.choice(["substr", "index", "split", "sub", "gsub", "match", "sprintf", "f"])
        third = "a" if name == "split" else "x"
        return f"{name}({left}, {right if name != 'split' else third})"
    return r.choice(["x++", "--NF", "$1++", "a[x]++", "(getline)", '(getline z < "no")',
                     '("echo 1" | getline w)', "length(a)", "-x ^ 2"])


def _random_statement(r: random.Random, depth: int = 0) -> str:
    e = _random_expr(r)
    if depth > 1 or r.random() < 0.5:
        return r.choice([f"print {e}", f'printf "%s %d %c\\n", {e}, {e}, {e}', e, "next",
                         f"delete a[{e}]", "delete a", f'print {e} > "out"', "break",
                         f'print {e} | "cat"', f"exit {e}", f"return {e}", "continue"])
    body = _random_statement(r, depth + 1)
    return r.choice([f"if ({e}) {body}; else {body}", f"while ({e}) {body}",
                     f"for (x = 0; x < {e}; x++) {body}", f"for (k in a) {body}",
                     f"do {body}; while ({e})", f"{{ {body}; {body} }}"])


def _random_program(r: random.Random) -> str:
    if r.random() < 0.5:  # token soup: mostly syntax errors, in every possible place
        return " ".join(r.choice(_TOKENS) for _ in range(r.randrange(1, 25)))
    rules = [f"function f(p, q,  l) {{ {_random_statement(r)}; return p q }}"]
    for _ in range(r.randrange(1, 4)):
        pattern = r.choice(["BEGIN", "END", "", "/a/,/c/", _random_expr(r)])
        rules.append(f"{pattern} {{ {_random_statement(r)}; {_random_statement(r)} }}")
    return "\n".join(rules)


def test_fuzz_no_python_exception_escapes(host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random programs fail as awk fails -- a message and a status -- never with a
    Python exception (NETSIM_DEBUG makes the shell re-raise any that reaches it)."""
    monkeypatch.setenv("NETSIM_DEBUG", "1")
    monkeypatch.setattr(interpreter, "MAX_STEPS", 2_000)  # endless loops end sooner
    r = random.Random(1234)
    for _ in range(1500):
        program = _random_program(r)
        result = awk(host, [program], "a b c\n1 2 3\n\nx\n")
        assert "internal error" not in result.stderr, program
