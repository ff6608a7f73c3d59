"""Bytes the shell cannot hold as Python text: NUL, and lone surrogates.

bash works on C strings: it skips NUL bytes in what it reads, cuts ``$'...'`` at one,
drops them from a command substitution (with a warning) and from ``read``; a script
whose first line holds one is a "binary file". netsim's text is UTF-8 with
surrogate escapes (``\\udcff`` is the byte 0xff): whatever a caller hands the shell,
what comes back encodes with ``.encode("utf-8", "surrogateescape")``. The expected
texts were recorded from GNU bash 5.2.15 and coreutils 9.1 (``record_real.py``).
"""

from __future__ import annotations

import pytest

from netsim.shell import Shell
from netsim.user.fs import VirtualFS


def _shell() -> Shell:
    return Shell(None, {}, VirtualFS())


def _run(line: str, stdin: str = "") -> tuple[str, str, int]:
    result = _shell().run(line, stdin=stdin)
    return result.stdout, result.stderr, result.returncode


RECORDED = [
    ("printf 'echo a\\0b\\necho c\\n' > n1.sh; bash n1.sh; echo $?",
     '126\n',
     'n1.sh: n1.sh: cannot execute binary file\n',
     0),
    ("printf 'echo x\\necho a\\0b\\n' > n2.sh; bash n2.sh",
     'x\nab\n',
     '',
     0),
    ("printf '#!/bin/bash\\necho a\\0b\\n' > n3.sh; chmod +x n3.sh; ./n3.s"
     'h; echo $?',
     '126\n',
     './n3.sh: ./n3.sh: cannot execute binary file\n',
     0),
    ("printf 'echo a\\0b\\necho c\\n' > n1.sh; chmod +x n1.sh; ./n1.sh; ec"
     'ho $?',
     '126\n',
     'bash: ./n1.sh: cannot execute binary file: Exec format error\n',
     0),
    ("printf 'echo a\\0b\\necho c\\n' > n1.sh; source n1.sh; echo $?",
     'ab\nc\n0\n',
     '',
     0),
    ("printf '\\177ELF\\n' > e; chmod +x e; ./e; echo $?",
     '126\n',
     'bash: ./e: cannot execute binary file: Exec format error\n',
     0),
    ("x=$(printf 'a\\0b'); echo ${#x}; echo $(printf '\\0')x",
     '2\nx\n',
     'bash: warning: command substitution: ignored null byte in input\nbas'
     'h: warning: command substitution: ignored null byte in input\n',
     0),
    ("printf 'a\\0b\\n' | while read v; do echo ${#v} $v; done",
     '2 ab\n',
     '',
     0),
    ("printf 'a\\0b\\n' | cat",
     'a\x00b\n',
     '',
     0),
    ("printf 'a\\377b\\n' | wc; printf 'a\\377b é\\n' | wc -m",
     '      1       1       4\n5\n',
     '',
     0),
    ("x=$'\\udcff'; echo ${#x} $x | wc -c; echo $'\\U0010ffff\\U00110000' "
     '| wc -c',
     '6\n9\n',
     '',
     0),
]


@pytest.mark.parametrize(("line", "stdout", "stderr", "status"), RECORDED)
def test_nul_bytes_are_what_bash_makes_of_them(line, stdout, stderr, status):
    assert _run(line) == (stdout, stderr, status)


def test_nul_in_a_typed_line_is_skipped():
    """``printf 'echo a\\0b c\\0\\n' | bash`` prints ``ab c``: bash skips NULs it reads."""
    assert _run("echo a\x00b c\x00") == ("ab c\n", "", 0)
    assert _run("x=1\x002; echo $x") == ("12\n", "", 0)


@pytest.mark.parametrize(("line", "stdin", "stdout"), [
    # a surrogate that stands for no byte is what bash's UTF-8 encoder writes for it
    ("echo \ud800 \udcff é", "", "\udced\udca0\udc80 \udcff é\n"),
    ("cat", "x\ud800y\x00z\n", "x\udced\udca0\udc80y\x00z\n"),
    ("read v; echo ${#v} $v", "a\ud800\x00b\n", "5 a\udced\udca0\udc80b\n"),
    ("x=$'\\ud800'; echo ${#x} $x", "", "3 \udced\udca0\udc80\n"),
    ("printf '%s\\n' \udcff | wc -c", "", "2\n"),
    # two escaped bytes that make UTF-8 are the character (0xff stays a byte)
    ("printf '%b' '\\xff\\xc3\\xa9' \udcc3\udca9", "", "\udcff" + "é" + "é"),
])
def test_surrogates_anywhere_come_back_encodable(line, stdin, stdout):
    got, err, status = _run(line, stdin)
    assert (got, err, status) == (stdout, "", 0)
    got.encode("utf-8", "surrogateescape")


def test_a_file_written_from_python_with_a_lone_surrogate_prints_encodable_text():
    shell = _shell()
    shell.fs.write("/root/f", "a\ud800b\n")
    result = shell.run("cat f; cat f | wc -c; grep -c b f")
    assert result.stdout == "a\udced\udca0\udc80b\n6\n1\n"
    result.stdout.encode("utf-8", "surrogateescape")
