"""The shell interpreter: each expectation below was checked against bash 5.2 / coreutils 9.1.

A tiny fake registry stands in for netsim's programs: ``say`` echoes its arguments,
``fail`` prints an error and exits 3, ``boom`` raises, ``stdin`` copies its input and
``env-of`` prints one variable of its environment.
"""

from __future__ import annotations

import errno
import random
import string

import pytest

from netsim.shell import MAX_FUNC_DEPTH, MAX_STEPS, Shell
from netsim.user.fs import VirtualFS
from netsim.user.io import Io


def _say(host: object, argv: list[str], io: Io) -> int:
    io.write(" ".join(argv[1:]) + "\n")
    return 0


def _fail(host: object, argv: list[str], io: Io) -> int:
    io.write("partial\n")
    io.error("fail: it went wrong\n")
    return 3


def _boom(host: object, argv: list[str], io: Io) -> int:
    raise RuntimeError("kaboom")


def _stdin(host: object, argv: list[str], io: Io) -> int:
    io.write(io.stdin)
    return 0


def _env_of(host: object, argv: list[str], io: Io) -> int:
    io.write(io.env.get(argv[1], "<unset>") + "\n")
    return 0


REGISTRY = {"say": _say, "fail": _fail, "boom": _boom, "stdin": _stdin, "env-of": _env_of,
            "ip": _say}


class FakeHost:
    """What the shell may ask of a host: the time to sleep, and the shell's PID."""

    shell_pid = 4242

    def __init__(self) -> None:
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def make_shell(host: object = None) -> Shell:
    return Shell(host, REGISTRY, VirtualFS())


def run(script: str, stdin: str = "") -> tuple[int, str, str]:
    result = make_shell().run(script, stdin=stdin)
    return result.returncode, result.stdout, result.stderr


def out(script: str) -> str:
    """The standard output of a script that must succeed silently on stderr."""
    status, stdout, stderr = run(script)
    assert stderr == ""
    return stdout


# ============================================================================ words
@pytest.mark.parametrize(("script", "expected"), [
    ("echo a b   c", "a b c\n"),
    ("echo 'x  y' \"a  b\"", "x  y a  b\n"),
    ("echo \"a'b\" 'c\"d' \"e\\\"f\" 'g\\h' \"i\\j\" \"k\\$l\"", "a'b c\"d e\"f g\\h i\\j k$l\n"),
    ("echo a\\ b\\$c", "a b$c\n"),
    ("echo '#not' # a comment", "#not\n"),
    ("echo a#b", "a#b\n"),
    ("echo a\\\nb", "ab\n"),
    ("echo \"line1\nline2\"", "line1\nline2\n"),
    ("echo ~ ~/x \"~\"", "/root /root/x ~\n"),
    ("echo *", "*\n"),  # no globbing in this shell
])
def test_words_and_quotes(script: str, expected: str) -> None:
    assert out(script) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ('x="a  b  c"; echo $x; echo "$x"', "a b c\na  b  c\n"),
    ('x="a  b"; for w in $x; do echo "[$w]"; done', "[a]\n[b]\n"),
    ('set -- "a b" c ""; echo $#; for a in "$@"; do echo "[$a]"; done', "3\n[a b]\n[c]\n[]\n"),
    ('set -- "a b" c; for a in $@; do echo "<$a>"; done; echo "$*"', "<a>\n<b>\n<c>\na b c\n"),
    ('echo "$@" "$*" ${@} ${*}', "\n"),
    ("IFS=:; x='a::b:'; for w in $x; do echo \"[$w]\"; done", "[a]\n[]\n[b]\n"),
    ("x=; set -- $x \"$x\"; echo $#", "1\n"),
    ('set -- ${x:-"a b"} ${x:-a b}; echo $#', "3\n"),
])
def test_field_splitting(script: str, expected: str) -> None:
    assert out(script) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ('x=; echo "[${x:-def}] [${x-def}] [${y:=set}] $y [${x:+alt}] [${y:+alt}]"',
     "[def] [] [set] set [] [alt]\n"),
    ("f=/usr/local/lib/file.tar.gz; echo ${f#*/} ${f##*/} ${f%.*} ${f%%.*}",
     "usr/local/lib/file.tar.gz file.tar.gz /usr/local/lib/file.tar /usr/local/lib/file\n"),
    ("f=/a/lib/lib; echo ${f/lib/L} ${f//lib/L} ${#f}", "/a/L/lib /a/L/L 10\n"),
    ("x=abc; echo ${x/b/\\/} ${x/#a/A} ${x/%c/C}", "a/c Abc abC\n"),
    ("x=hi; ref=x; echo ${!ref}", "hi\n"),
    ("x=a; x+=b; echo $x", "ab\n"),
    ("set -- a b; echo $# $1 ${2} $0", "2 a b bash\n"),
    ("echo ${#undefined}", "0\n"),
    (": ${z:=default}; echo $z", "default\n"),
])
def test_parameter_expansion(script: str, expected: str) -> None:
    assert out(script) == expected


def test_special_parameters() -> None:
    shell = make_shell(FakeHost())
    assert shell.run("echo $$").stdout == "4242\n"
    assert make_shell().run("echo $$").stdout == "1\n"
    assert out("false; echo $?; true; echo $?") == "1\n0\n"
    assert out("echo $(exit 5)$?") == "5\n"
    assert out("x=$(false); echo $?") == "1\n"


@pytest.mark.parametrize(("script", "expected"), [
    ("echo $(echo a $(echo b))", "a b\n"),
    ("echo `echo back \\`echo tick\\``", "back tick\n"),
    ("x=$(printf 'a\\n\\n\\n'); echo \"[$x]\"", "[a]\n"),
    ('echo "$(echo "nested "quotes"")"', "nested quotes\n"),
    ("echo $(echo a; echo b)", "a b\n"),
    ("echo \"$(echo a; echo b)\"", "a\nb\n"),
    ("echo ${x:-$(echo sub)}", "sub\n"),
])
def test_command_substitution(script: str, expected: str) -> None:
    assert out(script) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ("echo $((1+2*3)) $((10/3)) $((-7/2)) $((-7%3)) $((2**10))", "7 3 -3 -1 1024\n"),
    ("echo $((1<<4)) $((0x10)) $((010)) $((5>3 && 2>1)) $(( ~0 )) $(( !5 ))", "16 16 8 1 -1 0\n"),
    ("echo $(( 3 > 2 ? 10 : 20 )) $(( (1+2) * 3 )) $(( 2 , 3 ))", "10 9 3\n"),
    ("echo $((2**63)) $((9223372036854775807 + 1))",
     "-9223372036854775808 -9223372036854775808\n"),
    ("x=1+2; echo $((x*2)) $[x+1]", "6 4\n"),
    ("echo $((x+=5)) $x; ((y=x*2)); echo $y", "5 5\n10\n"),
    ("x=0; (( x && y++ )); echo ${y:-unset}", "unset\n"),
    ("let a=2+3; echo $a", "5\n"),
])
def test_arithmetic(script: str, expected: str) -> None:
    assert out(script) == expected


def test_arithmetic_errors_stop_the_script() -> None:
    assert run('echo "$((1/0))"; echo after') == (
        1, "", 'bash: 1/0: division by 0 (error token is "0")\n')
    assert run("echo $(( 08 ))") == (
        1, "", 'bash: 08: value too great for base (error token is "08")\n')
    assert run("(( 1 + )); echo next $?") == (
        0, "next 1\n", 'bash: ((: 1 + : syntax error: operand expected (error token is "+ ")\n')


# ============================================================================ lists
@pytest.mark.parametrize(("script", "expected", "status"), [
    ("false || echo x && echo y", "x\ny\n", 0),
    ("true && false || echo c", "c\n", 0),
    ("true || echo no && echo yes", "yes\n", 0),
    ("false && echo no; echo $?", "1\n", 0),
    ("false | true", "", 0),
    ("true | false", "", 1),
    ("! true", "", 1),
    ("! false | false", "", 0),
    ("echo 1 && { echo 2; false; } || echo 3", "1\n2\n3\n", 0),
    ("x=1; (x=2; echo $x); echo $x", "2\n1\n", 0),
    ("x=1; { x=2; }; echo $x", "2\n", 0),
    ("(exit 4); echo $?", "4\n", 0),
    ("true & echo bg", "bg\n", 0),
    ("echo one; exit 3; echo two", "one\n", 3),
])
def test_lists_and_pipelines(script: str, expected: str, status: int) -> None:
    assert run(script) == (status, expected, "")


def test_pipelines_feed_standard_input() -> None:
    assert out("printf 'foo\\nbar\\nbaz\\n' | grep ba | wc -l") == "2\n"
    assert out("printf '1\\n2\\n3\\n4\\n' | head -3 | tail -1") == "3\n"
    assert out("echo piped | stdin") == "piped\n"
    assert out("{ echo a; echo b; } | wc -l") == "2\n"
    assert out("echo 'a b' | read v; echo \"[$v]\"") == "[]\n"  # each part is a subshell


def test_run_stdin_reaches_the_first_command() -> None:
    assert make_shell().run("cat; stdin", stdin="abc\n").stdout == "abc\n"
    assert make_shell().run("stdin", stdin="xyz").stdout == "xyz"


# ============================================================================ control flow
@pytest.mark.parametrize(("script", "expected"), [
    ("if [ -d /tmp ]; then echo yes; else echo no; fi", "yes\n"),
    ("if [ -d /x ]; then echo yes; elif true; then echo elif; else echo no; fi", "elif\n"),
    ("if false; then echo never; fi; echo $?", "0\n"),
    ("for i in 1 2 3; do echo $i; done", "1\n2\n3\n"),
    ("set -- a b; for x; do echo $x; done", "a\nb\n"),
    ("for x in; do echo never; done; echo done", "done\n"),
    ("i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo $i", "5\n"),
    ("i=0; until [ $i -ge 3 ]; do echo $i; i=$((i+1)); done", "0\n1\n2\n"),
    ("for ((i=0; i<3; i++)); do echo $i; done", "0\n1\n2\n"),
    ("for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done",
     "1\n3\n"),
    ("for i in 1 2; do for j in a b c; do [ $j = b ] && continue 2; echo $i$j; done; done",
     "1a\n2a\n"),
    ("for i in 1 2; do for j in a b; do break 2; done; done; echo $i$j", "1a\n"),
    ("case abc in a*) echo A;; *) echo other;; esac", "A\n"),
    ("case hello in h?llo|bye) echo match;; esac", "match\n"),
    ('case x in "*") echo star;; *) echo any;; esac', "any\n"),
    ("case 5 in [0-9]) echo digit;; esac", "digit\n"),
    ("x=b; case $x in\n  a) echo a\n     ;;\n  (b|c) echo bc ;;\nesac", "bc\n"),
    ("case z in a) echo a;; esac; echo $?", "0\n"),
])
def test_control_flow(script: str, expected: str) -> None:
    assert out(script) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ('f() { echo "args: $# $1 $2"; return 3; }; f x y; echo $?', "args: 2 x y\n3\n"),
    ("f() { local x=inner; echo $x; }; x=outer; f; echo $x", "inner\nouter\n"),
    ("n=0; f() { n=$((n+1)); }; f; f; echo $n", "2\n"),
    ("fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; };"
     " fact 6", "720\n"),
    ("function g { echo kw; }; g", "kw\n"),
    ("f() { echo in f; }; f | cat", "in f\n"),
    ("f() { echo $1; shift; echo $1; }; f a b", "a\nb\n"),
    ("f() { return 7; }; f || echo \"failed $?\"", "failed 7\n"),
    ("f() { echo $X; }; X=1 f; echo \"[$X]\"", "1\n[]\n"),
])
def test_functions(script: str, expected: str) -> None:
    assert out(script) == expected


def test_errexit() -> None:
    assert run("set -e; echo before; false; echo after") == (1, "before\n", "")
    assert run("set -e; false || true; if false; then :; fi; ! true; echo ok") == (
        0, "ok\n", "")
    assert run("set -e; (false); echo after") == (1, "", "")


def test_nounset_and_required_parameters() -> None:
    assert run("set -u; echo $nope; echo after") == (127, "", "bash: nope: unbound variable\n")
    assert run("echo ${x:?no x}; echo after") == (127, "", "bash: x: no x\n")
    assert run("(echo ${x:?oops}); echo after $?") == (0, "after 1\n", "bash: x: oops\n")


def test_xtrace() -> None:
    assert run("set -x; echo traced 'a b'; x=1") == (
        0, "traced a b\n", "+ echo traced 'a b'\n+ x=1\n")


def test_eval_and_read() -> None:
    assert out("eval 'x=5; echo $x'; eval echo '$x'") == "5\n5\n"
    assert out('read a b <<< "one two three"; echo "$a|$b"') == "one|two three\n"
    assert out("printf 'l1\\nl2\\n' | while read line; do echo \"got $line\"; done") == (
        "got l1\ngot l2\n")
    assert out("printf 'a:b:c\\n' | { IFS=: read x y z; echo \"$z$y$x\"; }") == "cba\n"
    assert out('x=" a  b "; read -r p q <<< "$x"; echo "[$p][$q]"') == "[a][b]\n"
    assert run("read x < /dev/null; echo $?") == (0, "1\n", "")


# ============================================================================ redirections
def test_redirections_write_into_the_file_system() -> None:
    shell = make_shell()
    result = shell.run("echo a > f.txt; echo b >> f.txt; cat f.txt; wc -l < f.txt")
    assert (result.returncode, result.stdout, result.stderr) == (0, "a\nb\n2\n", "")
    assert shell.fs.read("/root/f.txt") == "a\nb\n"
    shell.run(": > f.txt")
    assert shell.fs.read("/root/f.txt") == ""


def test_redirection_order_of_2_and_1() -> None:
    shell = make_shell()
    result = shell.run("{ echo out; echo err >&2; } > o.txt 2>&1; cat o.txt")
    assert (result.stdout, result.stderr) == ("out\nerr\n", "")
    result = shell.run("{ echo out; echo err >&2; } 2>&1 > o2.txt; echo ---; cat o2.txt")
    assert (result.stdout, result.stderr) == ("err\n---\nout\n", "")
    result = shell.run("fail &> both.txt; cat both.txt")
    assert result.stdout == "partial\nfail: it went wrong\n"


@pytest.mark.parametrize(("script", "expected_out", "expected_err", "status"), [
    ("ls nope 2>/dev/null; echo $?", "2\n", "", 0),
    ("ls nope 2>&1 | head -1", "ls: cannot access 'nope': No such file or directory\n", "", 0),
    ("echo hidden >/dev/null", "", "", 0),
    ("echo text > /dev/stderr", "", "text\n", 0),
    ("echo x 2>&1 >/dev/null", "", "", 0),
    ("exec 2>&1; echo err >&2", "err\n", "", 0),
    ("cat < /nope; echo $?", "1\n", "bash: /nope: No such file or directory\n", 0),
    ("echo x > /nope/f", "", "bash: /nope/f: No such file or directory\n", 1),
    ("echo x > /tmp", "", "bash: /tmp: Is a directory\n", 1),
    ("x='a b'; echo hi > $x", "", "bash: $x: ambiguous redirect\n", 1),
    ("echo hi >&7", "", "bash: 7: Bad file descriptor\n", 1),
])
def test_redirection_cases(script: str, expected_out: str, expected_err: str,
                           status: int) -> None:
    assert run(script) == (status, expected_out, expected_err)


@pytest.mark.parametrize(("script", "expected"), [
    ("cat <<EOF\na $HOME $((1+1)) `echo bq` $(echo sub) \\$x\nEOF", "a /root 2 bq sub $x\n"),
    ("cat <<'EOF'\na $HOME $(echo no)\nEOF", "a $HOME $(echo no)\n"),
    ('cat <<"EOF"\n$HOME\nEOF', "$HOME\n"),
    ("cat <<-EOF\n\ttabbed\n\tEOF", "tabbed\n"),
    ("cat <<EOF | grep b\na\nb\nc\nEOF", "b\n"),
    ("while read -r l; do echo \"<$l>\"; done <<EOF\none\ntwo\nEOF", "<one>\n<two>\n"),
    ('echo "$(cat <<EOF\nhi\nEOF\n)"', "hi\n"),
    ("cat <<A; cat <<B\n1\nA\n2\nB", "1\n2\n"),
])
def test_here_documents(script: str, expected: str) -> None:
    assert out(script) == expected


def test_here_document_without_delimiter_warns() -> None:
    assert run("cat <<EOF\na") == (
        0, "a\n", "bash: warning: here-document at line 1 delimited by end-of-file "
                  "(wanted `EOF')\n")


# ============================================================================ programs
def test_registry_programs_get_argv_stdin_env_and_cwd() -> None:
    assert out("say a \"b c\" d") == "a b c d\n"
    assert out("X=1 env-of X; env-of X") == "1\n<unset>\n"
    assert out("export E=2; env-of E; Y=3; env-of Y") == "2\n<unset>\n"
    seen: list[Io] = []

    def spy(host: object, argv: list[str], io: Io) -> int:
        seen.append(io)
        return 0

    shell = Shell(None, {"spy": spy}, VirtualFS())
    shell.run("cd /tmp && spy")
    assert seen[0].cwd == "/tmp"


def test_program_status_and_stderr_pass_through() -> None:
    assert run("fail; echo $?") == (0, "partial\n3\n", "fail: it went wrong\n")


def test_programs_by_absolute_path() -> None:
    assert out("/usr/sbin/ip link; /sbin/ip addr; /bin/echo hi") == "link\naddr\nhi\n"
    assert run("/usr/bin/nope") == (127, "", "bash: /usr/bin/nope: No such file or directory\n")


def test_unknown_command() -> None:
    assert run("nope") == (127, "", "bash: nope: command not found\n")
    assert run("nope arg; echo $?") == (0, "127\n", "bash: nope: command not found\n")


def test_a_program_that_raises_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NETSIM_DEBUG", raising=False)
    assert run("boom x; echo $?") == (
        0, "1\n", "bash: boom: internal error: RuntimeError: kaboom\n")


def test_netsim_debug_reraises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETSIM_DEBUG", "1")
    with pytest.raises(RuntimeError, match="kaboom"):
        make_shell().run("boom")


def test_sleep_asks_the_host() -> None:
    host = FakeHost()
    assert Shell(host, REGISTRY, VirtualFS()).run("sleep 1.5; sleep 2m").returncode == 0
    assert host.slept == [1.5, 120.0]
    assert run("sleep x") == (
        1, "", "sleep: invalid time interval ‘x’\nTry 'sleep --help' for more information.\n")


def test_which_and_type() -> None:
    assert run("which ip cat say nope cd; echo $?") == (
        0, "/usr/sbin/ip\n/usr/bin/cat\n/usr/bin/say\n1\n", "")
    assert run("type cd; type if; f() { :; }; type f; type ip; type nope") == (
        1, "cd is a shell builtin\nif is a shell keyword\nf is a function\n"
           "ip is /usr/sbin/ip\n", "bash: type: nope: not found\n")
    assert out("command -v say cd") == "/usr/bin/say\ncd\n"


# ============================================================================ scripts
IFUP = ('#!/bin/sh\nset -e\necho "ifup args: $*" >> /tmp/ifup.log\n'
        'ip link set "$1" up\nfalse\necho no\n')


def test_executable_script_runs_with_arguments() -> None:
    shell = make_shell()
    shell.fs.write("/etc/qemu-ifup", IFUP, mode=0o755)
    result = shell.run("/etc/qemu-ifup tap0; echo rc=$?; cat /tmp/ifup.log")
    assert (result.stdout, result.stderr) == ("link set tap0 up\nrc=1\nifup args: tap0\n", "")
    assert shell.run_file("/etc/qemu-ifup", ["tap1"]).stdout == "link set tap1 up\n"


def test_script_permission_and_missing_file() -> None:
    shell = make_shell()
    shell.fs.write("/root/x.sh", "echo hi\n")
    assert shell.run("./x.sh").stderr == "bash: ./x.sh: Permission denied\n"
    assert shell.run("./x.sh").returncode == 126
    assert shell.run("./nope.sh").stderr == "bash: ./nope.sh: No such file or directory\n"
    assert shell.run("./nope.sh").returncode == 127
    shell.run("chmod +x x.sh")
    assert shell.run("./x.sh").stdout == "hi\n"
    shell.fs.write("/root/p", "#!/usr/bin/python3\nprint(1)\n", mode=0o755)
    assert shell.run("./p").stderr == (
        "bash: ./p: /usr/bin/python3: bad interpreter: No such file or directory\n")


def test_sh_c_and_sh_file_and_source() -> None:
    shell = make_shell()
    shell.fs.write("/root/s.sh", 'echo "script $0 $1 $#"\nX=9\nnope\n')
    result = shell.run("sh s.sh a b; echo $X; . ./s.sh one; echo $X")
    assert result.stdout == "script s.sh a 2\n\nscript bash one 1\n9\n"
    assert result.stderr == ("s.sh: line 3: nope: command not found\n"
                             "./s.sh: line 3: nope: command not found\n")
    assert out("bash -c 'echo $0 $1' zero one; sh -c 'exit 3'; echo $?") == "zero one\n3\n"
    assert out("export V=exp; W=no; sh -c 'echo $V [$W]'") == "exp []\n"


def test_run_with_args_is_a_script() -> None:
    result = make_shell().run('echo "$0 $1 $#"; nope', args=["/etc/script", "a"])
    assert (result.returncode, result.stdout) == (127, "/etc/script a 1\n")
    assert result.stderr == "/etc/script: line 1: nope: command not found\n"


def test_state_persists_between_runs_like_a_terminal() -> None:
    shell = make_shell()
    shell.run("cd /tmp; X=1; f() { echo fn; }")
    assert shell.run("pwd; echo $X; f").stdout == "/tmp\n1\nfn\n"
    assert shell.run("exit 4").returncode == 4
    assert shell.run("echo still here").stdout == "still here\n"


# ============================================================================ errors and limits
@pytest.mark.parametrize(("script", "message"), [
    ("if then", "bash: syntax error near unexpected token `then'\n"),
    ("echo hi; fi", "bash: syntax error near unexpected token `fi'\n"),
    ("echo a;;", "bash: syntax error near unexpected token `;;'\n"),
    ("echo )", "bash: syntax error near unexpected token `)'\n"),
    ("echo >", "bash: syntax error near unexpected token `newline'\n"),
    ("if true; then echo", "bash: syntax error: unexpected end of file\n"),
    ('echo "abc', "bash: unexpected EOF while looking for matching `\"'\n"),
    ("echo $(echo", "bash: unexpected EOF while looking for matching `)'\n"),
    ("f() echo x", "bash: syntax error near unexpected token `echo'\n"),
])
def test_syntax_errors(script: str, message: str) -> None:
    assert run(script) == (2, "", message)


def test_syntax_error_in_a_script_file_names_file_and_line() -> None:
    shell = make_shell()
    shell.fs.write("/tmp/bad.sh", "echo one\nfi\n", mode=0o755)
    assert shell.run("/tmp/bad.sh; echo rc=$?").stdout == "one\nrc=2\n"
    assert shell.run("/tmp/bad.sh").stderr == (
        "/tmp/bad.sh: line 2: syntax error near unexpected token `fi'\n/tmp/bad.sh: line 2: `fi'\n")
    assert run("bash -c 'fi'") == (
        2, "",
        "bash: -c: line 1: syntax error near unexpected token `fi'\nbash: -c: line 1: `fi'\n")


def test_builtin_error_messages() -> None:
    assert run("cd /nope") == (1, "", "bash: cd: /nope: No such file or directory\n")
    assert run("cd a b") == (1, "", "bash: cd: too many arguments\n")
    assert run("[ 1 = 1; echo $?") == (0, "2\n", "bash: [: missing `]'\n")
    assert run("[ a -eq 1 ]") == (2, "", "bash: [: a: integer expression expected\n")
    assert run("x='a b'; [ $x = 'a b' ]") == (2, "", "bash: [: too many arguments\n")
    assert run("break; echo $?") == (
        0, "0\n", "bash: break: only meaningful in a `for', `while', or `until' loop\n")
    assert run("return") == (
        2, "", "bash: return: can only `return' from a function or sourced script\n")
    assert run("printf '%d\\n' abc; echo $?") == (
        0, "0\n1\n", "bash: printf: abc: invalid number\n")
    assert run("export 1x=2") == (1, "", "bash: export: `1x=2': not a valid identifier\n")


def test_endless_loop_is_stopped() -> None:
    status, stdout, stderr = run("while true; do :; done; echo never")
    assert status == 124
    assert stdout == ""
    assert stderr == f"bash: netsim: stopped after {MAX_STEPS} steps (is there an endless loop?)\n"


def test_endless_recursion_is_stopped() -> None:
    status, _out, stderr = run("f() { f; }; f; echo after $?")
    assert status == 0
    assert stderr == f"bash: f: maximum function nesting level exceeded ({MAX_FUNC_DEPTH})\n"
    status, _out, stderr = run("f() { echo $(f); }; f")
    assert (status, stderr.count("maximum function nesting level exceeded")) == (0, 1)
    shell = make_shell()
    shell.fs.write("/root/self.sh", "./self.sh\n", mode=0o755)
    result = shell.run("./self.sh")
    assert result.returncode == 124
    assert result.stderr == "bash: netsim: more than 150 nested shells (endless recursion?)\n"


def test_runaway_text_is_stopped() -> None:
    status, _out, stderr = run("x=ab; while true; do x=$x$x; done")
    assert status == 124
    assert "longer than" in stderr


def test_fuzzed_input_never_raises() -> None:
    rng = random.Random(1234)
    pieces = ["if ", "then ", "fi", "do ", "done", "for x in a b; ", "while ", "case ", "esac",
              " in ", ";;", "$(", ")", "`", "'", '"', "${", "}", "$((", "))", "<<EOF\n", "EOF\n",
              "|", "&&", "||", ";", "\n", "{ ", " }", "( ", "echo ", "say ", "cat ", "2>&1",
              ">", "<", "$x", "$@", "[ ", " ]", "[[ ", " ]]", "f() ", "x=", "\\", "#", "!",
              "&", "exit ", "break ", "read ", "${x:-", "${#", "$[", "((", "<<<", "sh -c "]
    for _ in range(1500):
        if rng.random() < 0.5:
            text = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 40)))
        else:
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        result = make_shell().run(text, stdin="in\n")
        assert isinstance(result.returncode, int)
        assert "internal error" not in result.stderr, text


# ============================================================================ builtins
@pytest.mark.parametrize(("script", "expected"), [
    ("echo -n a; echo -e 'b\\tc'; echo -e 'x\\cy'; echo -E 'a\\tb'", "ab\tc\nxa\\tb\n"),
    ("echo -e 'a\\x41\\0101'", "aAA\n"),
    ("echo -- -n", "-- -n\n"),
    ("printf '%s-%d-%x-%%\\n' a 42 255", "a-42-ff-%\n"),
    ("printf '%5s|%-5s|%05d\\n' ab cd 42", "   ab|cd   |00042\n"),
    ("printf '%s\\n' a b c", "a\nb\nc\n"),
    ("printf '%s %s\\n' a b c", "a b\nc \n"),
    ("printf 'x %s y\\n'", "x  y\n"),
    ("printf '%c%c|%.2s|%o %X|%b\\n' hello world abcdef 8 255 'a\\tb'", "hw|ab|10 FF|a\tb\n"),
    ("printf '%5.1f\\n' 3.14159", "  3.1\n"),
    ("cd /tmp && pwd; cd; pwd; cd /etc; cd -; cd ..; pwd", "/tmp\n/root\n/root\n/\n"),
    ("test 1 -eq 1 && echo eq; [ a = b ] || echo ne; [ -z '' ] && echo z", "eq\nne\nz\n"),
    ("[ 1 -lt 2 -a 3 -gt 2 ] && echo and; [ ! -e /nope ] && echo no; [ -n ] && echo one",
     "and\nno\none\n"),
    ("[ \\( 1 = 1 \\) -o x = y ] && echo par", "par\n"),
    ("touch f; [ -f f ] && echo f; [ -s f ] || echo empty; [ -x f ] || echo nox",
     "f\nempty\nnox\n"),
    ("[ -d /tmp ] && [ -e /dev/null ] && [ ! -f /dev/null ] && echo devs", "devs\n"),
    ("x=hello; [[ $x == h* ]] && echo glob; [[ $x =~ ^h(e|a)l ]] && echo re", "glob\nre\n"),
    ("x=hi; [[ -n $x && $x != bye ]] && echo both; [[ ! -d /x || 1 -lt 2 ]] && echo or",
     "both\nor\n"),
    ("[[ 'a b' == \"a b\" ]] && echo q; [[ ab == 'a*' ]] || echo lit", "q\nlit\n"),
    ("export A=1 B; env | grep -E '^(A|B)='", "A=1\n"),
    ("unset x; x=1; unset x; echo \"[${x-unset}]\"", "[unset]\n"),
    ("f() { :; }; unset -f f; type f 2>/dev/null || echo gone", "gone\n"),
    ("set -- a b c; shift 2; echo $# $1; shift 5; echo $?", "1 c\n1\n"),
    ("true; echo $?; false; echo $?; :; echo $?", "0\n1\n0\n"),
])
def test_builtins(script: str, expected: str) -> None:
    assert out(script) == expected


# ============================================================================ coreutils
@pytest.mark.parametrize(("script", "expected"), [
    ("printf 'foo\\nbar\\nbaz\\n' | grep ba", "bar\nbaz\n"),
    ("printf 'foo\\nbar\\n' | grep -v foo", "bar\n"),
    ("printf 'Foo\\n' | grep -i foo", "Foo\n"),
    ("printf 'a\\nb\\na\\n' | grep -c a", "2\n"),
    ("printf 'abc123def\\n' | grep -o '[0-9]\\+'", "123\n"),
    ("printf 'abc123def\\n' | grep -oE '[0-9]+'", "123\n"),
    ("printf 'a.b\\naxb\\n' | grep -F '.'", "a.b\n"),
    ("printf 'x\\ny\\n' | grep -n y", "2:y\n"),
    ("printf 'word words\\nwordy\\n' | grep -w word", "word words\n"),
    ("printf 'a|b\\n' | grep 'a|b'; printf 'aa\\n' | grep 'a\\{2\\}'", "a|b\naa\n"),
    ("printf 'ab\\n' | grep '[[:alpha:]]b'", "ab\n"),
    ("printf 'one\\ntwo\\nthree\\n' | grep -m1 t", "two\n"),
    ("printf 'a\\nb\\n' | grep -e a -e b", "a\nb\n"),
    ("printf 'a b\\nc\\n' | wc", "      2       3       6\n"),
    ("printf 'a b\\nc\\n' | wc -l", "2\n"),
    ("printf 'a b\\nc\\n' | wc -lw", "      2       3\n"),
    ("printf 'a b\\nc\\n' > f; wc f; wc -l f; wc -c < f", "2 3 6 f\n2 f\n6\n"),
    ("printf 'a b\\nc\\n' > f1; printf 'hello world foo\\n' > f2; wc f1 f2",
     " 2  3  6 f1\n 1  3 16 f2\n 3  6 22 total\n"),
    ("printf '1\\n2\\n3\\n4\\n5\\n' | head -2; printf '1\\n2\\n3\\n' | head -n -1",
     "1\n2\n1\n2\n"),
    ("printf '1\\n2\\n3\\n' | tail -n 2; printf '1\\n2\\n3\\n' | tail -n +2; echo abc | head -c 2",
     "2\n3\n2\n3\nab"),
    ("printf '1\\n' > a; printf 'x\\n' > b; head -n 1 a b", "==> a <==\n1\n\n==> b <==\nx\n"),
    ("printf 'c\\nb\\na\\nb\\n' | sort; printf 'c\\nb\\nb\\n' | sort -u", "a\nb\nb\nc\nb\nc\n"),
    ("printf '10\\n9\\n100\\n' | sort -n; printf '1\\n3\\n2\\n' | sort -r",
     "9\n10\n100\n3\n2\n1\n"),
    ("printf 'b 2\\na 10\\nc 1\\n' | sort -k2 -n; printf 'b:2\\na:10\\n' | sort -t: -k2",
     "c 1\nb 2\na 10\na:10\nb:2\n"),
    ("printf 'a\\na\\nb\\na\\n' | uniq; printf 'a\\na\\nb\\n' | uniq -c",
     "a\nb\na\n      2 a\n      1 b\n"),
    ("echo 'a:b:c' | cut -d: -f2; echo 'a:b:c' | cut -d: -f1,3; echo abcdef | cut -c2-4",
     "b\na:c\nbcd\n"),
    ("printf 'a,b\\nnodelim\\n' | cut -d, -f2; printf 'a,b\\nno\\n' | cut -s -d, -f2",
     "b\nnodelim\nb\n"),
    ("echo hello | tr a-z A-Z; echo hello | tr -d l; echo 'a  b   c' | tr -s ' '",
     "HELLO\nheo\na b c\n"),
    ("echo hello | tr '[:lower:]' '[:upper:]'; echo abc | tr -cd 'a\\n'", "HELLO\na\n"),
    ("echo hi | tee t.txt; cat t.txt; echo more | tee -a t.txt > /dev/null; cat t.txt",
     "hi\nhi\nhi\nmore\n"),
    ("seq 3; seq 2 4; seq 1 2 7; seq 10 -3 4; seq -s, 3",
     "1\n2\n3\n2\n3\n4\n1\n3\n5\n7\n10\n7\n4\n1,2,3\n"),
    ("basename /a/b/c.txt; basename /a/b/c.txt .txt; basename a/b/; dirname /a/b/c; dirname c",
     "c.txt\nc\nb\n/a/b\n.\n"),
    ("echo a > f; cat f - f <<< mid; cat -n f", "a\nmid\na\n     1\ta\n"),
    ("mkdir -p a/b; touch a/f a/.hidden; ls a; ls -a a; ls -A a", "b\nf\n.\n..\n.hidden\nb\nf\n"
     ".hidden\nb\nf\n"),
    ("mkdir d; touch f; ls d f", "f\n\nd:\n"),
    ("mkdir x; touch x/y; rm -r x; ls", ""),
    ("ln -s target lnk; readlink lnk; [ -L lnk ] && echo link; [ -e lnk ] || echo dangling",
     "target\nlink\ndangling\n"),
    ("env -i A=1 B=2", "A=1\nB=2\n"),
    ("X=1 env | grep '^X='", "X=1\n"),
])
def test_coreutils(script: str, expected: str) -> None:
    assert out(script) == expected


@pytest.mark.parametrize(("script", "stdout", "stderr", "status"), [
    ("cat /nope", "", "cat: /nope: No such file or directory\n", 1),
    ("cat /tmp", "", "cat: /tmp: Is a directory\n", 1),
    ("cat -z", "", "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n", 1),
    ("printf 'a\\n' | grep zzz", "", "", 1),
    ("grep x /nope", "", "grep: /nope: No such file or directory\n", 2),
    ("printf 'x\\n' | grep -q x /nope -", "", "grep: /nope: No such file or directory\n", 0),
    ("echo a | grep -E 'a('", "", "grep: Unmatched ( or \\(\n", 2),
    ("echo a | grep '[a'", "", "grep: Unmatched [, [^, [:, [., or [=\n", 2),
    ("grep", "", "Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                 "Try 'grep --help' for more information.\n", 2),
    ("head nope", "", "head: cannot open 'nope' for reading: No such file or directory\n", 1),
    ("tail /tmp", "", "tail: error reading '/tmp': Is a directory\n", 1),
    ("sort nope", "", "sort: cannot read: nope: No such file or directory\n", 2),
    ("cut -f1 nope", "", "cut: nope: No such file or directory\n", 1),
    ("cut nope", "", "cut: you must specify a list of bytes, characters, or fields\n"
                     "Try 'cut --help' for more information.\n", 1),
    ("echo z | tee /nope/f", "z\n", "tee: /nope/f: No such file or directory\n", 1),
    ("mkdir /tmp", "", "mkdir: cannot create directory ‘/tmp’: File exists\n", 1),
    ("touch /nope/x", "", "touch: cannot touch '/nope/x': No such file or directory\n", 1),
    ("rm zz", "", "rm: cannot remove 'zz': No such file or directory\n", 1),
    ("rm -f zz", "", "", 0),
    ("rm /tmp", "", "rm: cannot remove '/tmp': Is a directory\n", 1),
    ("rm -rf /", "", "rm: it is dangerous to operate recursively on '/'\n"
                     "rm: use --no-preserve-root to override this failsafe\n", 1),
    ("mkdir -p d/e; rmdir d", "", "rmdir: failed to remove 'd': Directory not empty\n", 1),
    ("chmod 755 zz", "", "chmod: cannot access 'zz': No such file or directory\n", 1),
    ("touch f; chmod 7z9 f", "", "chmod: invalid mode: ‘7z9’\n"
                                 "Try 'chmod --help' for more information.\n", 1),
    ("ls nope", "", "ls: cannot access 'nope': No such file or directory\n", 2),
    ("ln -s a f; ln -s a f", "", "ln: failed to create symbolic link 'f': File exists\n", 1),
    ("head -n x /dev/null", "", "head: invalid number of lines: ‘x’\n", 1),
])
def test_coreutils_errors(script: str, stdout: str, stderr: str, status: int) -> None:
    assert run(script) == (status, stdout, stderr)


def test_ls_long_format() -> None:
    shell = make_shell()
    result = shell.run("mkdir -p /t/d/e; echo a > /t/f; chmod 755 /t/f; ln -s f /t/l; ls -l /t")
    assert result.stdout == (
        "total 8\n"
        "drwxr-xr-x 3 root root 4096 Jan  1 00:00 d\n"
        "-rwxr-xr-x 1 root root    2 Jan  1 00:00 f\n"
        "lrwxrwxrwx 1 root root    1 Jan  1 00:00 l -> f\n"
    )
    assert shell.run("ls -l /dev/null /t/f").stdout == (
        "crw-rw-rw- 1 root root 1, 3 Jan  1 00:00 /dev/null\n"
        "-rwxr-xr-x 1 root root    2 Jan  1 00:00 /t/f\n"
    )


@pytest.mark.parametrize(("spec", "before", "after"), [
    ("755", 0o644, 0o755), ("+x", 0o644, 0o755), ("u+x,g-r", 0o644, 0o704),
    ("go=", 0o755, 0o700), ("a-w", 0o666, 0o444), ("+w", 0o444, 0o644), ("u+s", 0o755, 0o4755),
])
def test_chmod_modes(spec: str, before: int, after: int) -> None:
    shell = make_shell()
    shell.fs.write("/root/f", "", mode=before)
    assert shell.run(f"chmod {spec} f").returncode == 0
    assert shell.fs.mode("/root/f") == after


# ============================================================================ dynamic files
class _BridgeAttrs:
    """A sysfs-like provider: stp_state accepts 0 or 1, address is read-only."""

    def __init__(self) -> None:
        self.stp = "0\n"
        self.writes: list[tuple[str, str]] = []

    def read(self, rel: str) -> str:
        return {"stp_state": self.stp, "address": "02:00:00:00:00:01\n"}[rel]

    def listdir(self, rel: str) -> list[str]:
        return ["address", "stp_state"]

    def is_dir(self, rel: str) -> bool:
        return rel == ""

    def exists(self, rel: str) -> bool:
        return rel in ("", "address", "stp_state")

    def write(self, rel: str, text: str) -> None:
        self.writes.append((rel, text))
        if text.strip() not in ("0", "1"):
            raise OSError(errno.EINVAL, "bad value")
        self.stp = text

    def mode(self, rel: str) -> int:
        return {"": 0o755, "address": 0o444}.get(rel, 0o644)


def test_redirection_into_a_provider_is_one_write() -> None:
    shell = make_shell()
    attrs = _BridgeAttrs()
    shell.fs.mount("/sys/class/net/br0/bridge", attrs)
    result = shell.run("cd /sys/class/net/br0/bridge; echo 1 > stp_state; cat stp_state")
    assert (result.stdout, result.stderr) == ("1\n", "")
    assert attrs.writes == [("stp_state", "1\n")]
    assert shell.run("echo 7 > stp_state; echo $?").stderr == (
        "bash: echo: write error: Invalid argument\n")
    assert shell.run("echo x > address").stderr == "bash: address: Permission denied\n"
    assert shell.run("ls -l").stdout == (
        "total 0\n"
        "-r--r--r-- 1 root root 4096 Jan  1 00:00 address\n"
        "-rw-r--r-- 1 root root 4096 Jan  1 00:00 stp_state\n"
    )


@pytest.mark.parametrize(("script", "expected"), [
    ("printf 'a b c\\nd e f\\n' | awk '{print $2}'", "b\ne\n"),
    ("printf 'root:x:0\\nbin:x:1\\n' | awk -F: '{print $1, $3}'", "root 0\nbin 1\n"),
    ("printf '1: lo\\n    inet 10.0.0.1/24 brd\\n' | awk '/inet / {print $2}'", "10.0.0.1/24\n"),
    ("printf 'a\\nb\\nc\\n' | awk 'NR==2'", "b\n"),
    ("printf 'a b\\nc d e\\n' | awk '{print NF, $NF, $(NF-1)}'", "2 b a\n3 e d\n"),
    ("printf '1\\n2\\n3\\n' | awk '{s += $1} END {print s, NR}'", "6 3\n"),
    ("printf 'eth0 up\\nlo down\\n' | awk '$1 ~ /^eth/ {print $1 \" is \" $2}'", "eth0 is up\n"),
    ("printf 'x 5\\ny 10\\n' | awk '$2 > 6 {print $1}'", "y\n"),
    ("printf 'a b\\n' | awk '{printf \"%s-%s\\n\", $2, $1}'", "b-a\n"),
    ("printf 'Hello\\n' | awk '{print length($0), toupper($1), substr($1, 2, 3)}'",
     "5 HELLO ell\n"),
    ("printf '1\\n2\\n3\\n4\\n' | awk 'NR % 2 == 0 {next} {print}'", "1\n3\n"),
    ("printf 'a b c\\n' | awk '{$2 = \"Z\"; print; print NF}'", "a Z c\n3\n"),
    ("printf 'k=v\\n' | awk -F= '{if ($2 == \"v\") print \"yes\"; else print \"no\"}'", "yes\n"),
    ("printf 'a\\nb\\n' | awk '{print $1 > \"out\"}'; cat out", "a\nb\n"),
])
def test_awk_subset(script: str, expected: str) -> None:
    assert out(script) == expected
