"""ps, kill and /proc/PID/fd through the shell, compared with the real tools.

Formats were checked on Debian 12 with procps-ng 4.0.2 (``ps``), GNU bash 5.2.15
(``kill`` is its builtin) and coreutils 9.1 (``ls -l /proc/PID/fd``); the kill texts
below were recorded there with ``bash -ic`` (PIDs 99999 and 99998 did not exist).
"""

from __future__ import annotations

import random

import pytest

from netsim.cli.ps import parse_format, render
from netsim.user.process import Process

from helpers import sh

# Tests asking for `host` (conftest.py) get h of a fresh lab, as it boots (the first command
# gets PID 1031), with the real tools' texts only (no netsim hints).
pytestmark = pytest.mark.host(name="h", init=None, hints=False)

BOOT = [
    "root         1     0  0 09:50 ?        00:00:00 /sbin/init",
    "root         2     0  0 09:50 ?        00:00:00 [kthreadd]",
    "root       231     1  0 09:50 ?        00:00:00 /lib/systemd/systemd-journald",
    "root       498     1  0 09:50 ?        00:00:00 sshd: /usr/sbin/sshd -D [listener] 0 of "
    "10-100 startups",
    "root      1017   498  0 09:50 ?        00:00:00 sshd: root@pts/0",
    "root      1030  1017  0 09:50 pts/0    00:00:00 -bash",
]


# ----------------------------------------------------------------------------- ps formats
def test_ps_ef_columns_are_procps_full_format(host):
    lab = host.lab
    lab.run(125)  # 09:52:05: ps itself starts two minutes after boot
    assert sh(host, "ps -ef") == (0, "\n".join([
        "UID        PID  PPID  C STIME TTY          TIME CMD", *BOOT,
        "root      1031  1030  0 09:52 pts/0    00:00:00 ps -ef"]) + "\n", "")


def test_ps_aux_is_the_bsd_user_format(host):
    out = sh(host, "ps aux")[1].splitlines()
    assert out[0] == "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"
    assert out[1] == "root         1  0.0  0.1 168112 12736 ?        Ss   09:50   0:00 /sbin/init"
    assert out[2] == "root         2  0.0  0.0      0     0 ?        S    09:50   0:00 [kthreadd]"
    assert out[-1] == "root      1031  0.0  0.0  11084  4480 pts/0    R+   09:50   0:00 ps aux"


def test_ps_alone_shows_this_terminal_and_p_selects_pids(host):
    assert sh(host, "ps") == (0, "  PID TTY          TIME CMD\n 1030 pts/0    00:00:00 bash\n"
                                 " 1031 pts/0    00:00:00 ps\n", "")
    assert sh(host, "ps -p 1,231") == (0, "  PID TTY          TIME CMD\n"
                                          "    1 ?        00:00:00 systemd\n"
                                          "  231 ?        00:00:00 systemd-journal\n", "")
    assert sh(host, "ps -fp 1")[1].splitlines()[1] == BOOT[0]
    assert sh(host, "ps -p 4242") == (1, "  PID TTY          TIME CMD\n", "")
    assert sh(host, "ps 498")[1] == (
        "  PID TTY      STAT   TIME COMMAND\n"
        "  498 ?        Ss     0:00 sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\n")
    assert sh(host, "ps -o pid,ppid,cmd -p 1017 --no-headers") == (
        0, " 1017   498 sshd: root@pts/0\n", "")
    assert sh(host, "ps -o pid= -o comm= -C bash") == (0, " 1030 bash\n", "")


USAGE_TAIL = """
Usage:
 ps [options]

 Try 'ps --help <simple|list|output|threads|misc|all>'
  or 'ps --help <s|l|o|t|m|a>'
 for additional help text.

For more details see ps(1).
"""


@pytest.mark.parametrize(("args", "message"), [
    ("-p abc", "process ID list syntax error"),
    ("-p 1,abc", "process ID list syntax error"),
    ("-p 0", "process ID out of range"),
    ("-p", "list of process IDs must follow -p"),
    ("--pid", "list of process IDs must follow --pid"),
    ("-o", "format specification must follow -o"),
    ("-o foo", 'unknown user-defined format specifier "foo"'),
    ("-o pid,,cmd", "improper format list"),
    ("-o pid:x", "column widths must be unsigned decimal numbers"),
    ("-W", "unsupported SysV option"),
    ("zz", "unsupported option (BSD syntax)"),
    ("--foo", "unknown gnu long option"),
    ("-u nosuch", "user name does not exist"),
    ("-C", "list of command names must follow -C"),
])
def test_ps_errors_are_procps_texts(host, args, message):
    assert sh(host, f"ps {args}") == (1, "", f"error: {message}\n{USAGE_TAIL}")


def test_ps_refuses_what_it_does_not_simulate_and_knows_its_version(host):
    assert sh(host, "ps -F") == (1, "", "ps: option -F is not simulated by netsim\n")
    assert sh(host, "ps -o lstart") == (
        1, "", 'ps: format specifier "lstart" is not simulated by netsim\n')
    assert sh(host, "ps --version") == (0, "ps from procps-ng 4.0.2\n", "")


# Rows printed by the real procps for PID 1 (PPID 0) and PID 17778 (PPID 17776):
# a value wider than its column pushes the line; later right-aligned columns give
# the space back, as show_one_proc() does.
LAYOUTS = [
    ("pid:1,ppid:5,c:5,c:5", ["PID PPID    C     C CMD", "1     0     0     0 X",
                              "17778 17776  0    0 X"]),
    ("pid:1,tty:3,ppid:5", ["PID TT PPID CMD", "1 ?       0 X", "17778 ? 17776 X"]),
    ("pid:7,c:1,c:5", ["    PID C     C CMD", "      1  0    0 X", "  17778  0    0 X"]),
    ("pid:2,c:5,c:5", ["PID    C     C CMD", " 1     0     0 X", "17778  0     0 X"]),
    ("pid=X", ["    X CMD", "    1 X", "17778 X"]),
    ("user:3,pid:2", ["USER PID CMD", "ro+  1 X", "ro+ 17778 X"]),
]


@pytest.mark.parametrize(("fmt", "lines"), LAYOUTS)
def test_column_layout_matches_procps(fmt, lines):
    procs = [Process(1, 0, ["X"], 0.0), Process(17778, 17776, ["X"], 0.0)]
    assert render(parse_format(fmt + ",cmd"), procs, 10.0) == "".join(
        line + "\n" for line in lines)


def test_a_command_column_that_is_not_last_is_cut_to_its_width():
    procs = [Process(1, 0, ["/process_api", "--firecracker-init"], 0.0)]
    assert render(parse_format("cmd:10,pid"), procs, 0.0) == "CMD          PID\n/process_a     1\n"
    assert render(parse_format("comm:3,pid"), procs, 0.0) == "COMMAND PID\npro     1\n"
    assert render(parse_format("pid=,cmd="), procs, 0.0) == (
        "    1 /process_api --firecracker-init\n")


# ----------------------------------------------------------------------------- the seed
def test_the_tun_holder_in_ps_ef_and_its_fd_on_dev_net_tun(host):
    """The seed: `ps -ef | grep qemu` then `ls -l /proc/PID/fd/ | grep tun`."""
    lab = host.lab
    assert host.sh("ip tuntap add tap0 mode tap && ip link set tap0 up")
    tfile = host.open_tun("tap0")
    pid = tfile.process.pid
    lab.run(180)
    assert sh(host, "ps -ef | grep tun") == (
        0, f"root      {pid}     1  0 09:50 ?        00:00:00 tun-holder tap0\n", "")
    assert sh(host, f"ls -l /proc/{pid}/fd/ | grep tun") == (
        0, "lrwx------ 1 root root 64 Jan  1 09:53 3 -> /dev/net/tun\n", "")
    assert sh(host, f"ls -l /proc/{pid}/fd")[1] == (
        "total 0\n"
        "lrwx------ 1 root root 64 Jan  1 09:53 0 -> /dev/null\n"
        "lrwx------ 1 root root 64 Jan  1 09:53 1 -> /dev/null\n"
        "lrwx------ 1 root root 64 Jan  1 09:53 2 -> /dev/null\n"
        "lrwx------ 1 root root 64 Jan  1 09:53 3 -> /dev/net/tun\n")
    assert tfile.process.fds()[3] == (3, "/dev/net/tun")


def test_cat_proc_cmdline_separates_words_with_nul(host):
    p = host.spawn("sleep 30")
    assert sh(host, f"cat /proc/{p.pid}/cmdline") == (0, "sleep\x0030\x00", "")
    assert sh(host, "cat /proc/self/cmdline; cat /proc/1/comm") == (0, "-bash\x00systemd\n", "")
    assert sh(host, f"grep -c Name /proc/{p.pid}/status; head -1 /proc/{p.pid}/status") == (
        0, "1\nName:\tsleep\n", "")


def test_killing_the_holder_of_a_persistent_tap_leaves_it_without_carrier(host):
    assert host.sh("ip tuntap add tap0 mode tap && ip link set tap0 up")
    pid = host.open_tun("tap0").process.pid
    assert "LOWER_UP" in host.sh("ip link show tap0").stdout
    assert sh(host, f"kill {pid}") == (0, "", "")
    assert host.sh("ip link show tap0").stdout.startswith(
        "2: tap0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc pfifo_fast state DOWN ")
    assert sh(host, f"ls /proc/{pid}") == (
        2, "", f"ls: cannot access '/proc/{pid}': No such file or directory\n")
    assert sh(host, f"kill {pid}") == (1, "", f"bash: kill: ({pid}) - No such process\n")


def test_killing_the_creator_of_a_non_persistent_tap_removes_it(host):
    proc = host.open_tun("tap1").process
    assert sh(host, "ip -br link show tap1")[0] == 0
    assert sh(host, f"kill -9 {proc.pid}; echo $?") == (0, "0\n", "")
    assert (proc.returncode, proc.signaled) == (137, 9)
    assert sh(host, "ip link show tap1") == (1, "", 'Device "tap1" does not exist.\n')


def test_stop_and_continue_show_in_ps_stat(host):
    p = host.spawn("sleep 100")
    assert sh(host, f"kill -STOP {p.pid}; ps -o pid,stat,cmd -p {p.pid}")[1] == (
        f"  PID STAT CMD\n {p.pid} T    sleep 100\n")
    assert sh(host, f"kill {p.pid}; kill -s CONT {p.pid}; ps -p {p.pid}")[0] == 1
    assert p.returncode == 143


def test_kill_0_and_kill_init_change_nothing_and_kill_dollar_dollar_is_ignored(host):
    assert sh(host, "kill 1; kill -9 2; kill $$; kill 0; kill -0 1030; echo $?") == (
        0, "0\n", "")
    assert [p.pid for p in host.processes.running()][:6] == [1, 2, 231, 498, 1017, 1030]


# ----------------------------------------------------------------------------- kill texts
RECORDED = """\
### kill
kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
rc=2
### kill 99999
bash: kill: (99999) - No such process
rc=1
### kill -9 99999
bash: kill: (99999) - No such process
rc=1
### kill -s KILL 99999
bash: kill: (99999) - No such process
rc=1
### kill -s
bash: kill: -s: option requires an argument
rc=1
### kill -n
bash: kill: -n: option requires an argument
rc=1
### kill -n 9 99999
bash: kill: (99999) - No such process
rc=1
### kill -n TERM 99999
bash: kill: (99999) - No such process
rc=1
### kill -FOO 99999
bash: kill: FOO: invalid signal specification
rc=1
### kill -SIGFOO 99999
bash: kill: SIGFOO: invalid signal specification
rc=1
### kill -sigterm 99999
bash: kill: igterm: invalid signal specification
rc=1
### kill -term 99999
bash: kill: (99999) - No such process
rc=1
### kill -sTERM 99999
bash: kill: (99999) - No such process
rc=1
### kill -n9 99999
bash: kill: (99999) - No such process
rc=1
### kill -s9 99999
bash: kill: s9: invalid signal specification
rc=1
### kill abc
bash: kill: abc: arguments must be process or job IDs
rc=1
### kill 1x
bash: kill: 1x: arguments must be process or job IDs
rc=1
### kill ""
bash: kill: `': not a pid or valid job spec
rc=1
### kill -
bash: kill: : invalid signal specification
rc=1
### kill %1
bash: kill: %1: no such job
rc=1
### kill %
bash: kill: %: no such job
rc=1
### kill -- 99999
bash: kill: (99999) - No such process
rc=1
### kill -- -99999
bash: kill: (-99999) - No such process
rc=1
### kill -9 -15 99999
bash: kill: (-15) - No such process
bash: kill: (99999) - No such process
rc=1
### kill 99999 99998
bash: kill: (99999) - No such process
bash: kill: (99998) - No such process
rc=1
### kill " 99999 "
bash: kill: (99999) - No such process
rc=1
### kill 99999999999
bash: kill: 99999999999: arguments must be process or job IDs
rc=1
### kill 2147483648
bash: kill: 2147483648: arguments must be process or job IDs
rc=1
### kill -2147483649
bash: kill: 2147483649: invalid signal specification
rc=1
### kill -l
 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP
 6) SIGABRT\t 7) SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1
11) SIGSEGV\t12) SIGUSR2\t13) SIGPIPE\t14) SIGALRM\t15) SIGTERM
16) SIGSTKFLT\t17) SIGCHLD\t18) SIGCONT\t19) SIGSTOP\t20) SIGTSTP
21) SIGTTIN\t22) SIGTTOU\t23) SIGURG\t24) SIGXCPU\t25) SIGXFSZ
26) SIGVTALRM\t27) SIGPROF\t28) SIGWINCH\t29) SIGIO\t30) SIGPWR
31) SIGSYS\t34) SIGRTMIN\t35) SIGRTMIN+1\t36) SIGRTMIN+2\t37) SIGRTMIN+3
38) SIGRTMIN+4\t39) SIGRTMIN+5\t40) SIGRTMIN+6\t41) SIGRTMIN+7\t42) SIGRTMIN+8
43) SIGRTMIN+9\t44) SIGRTMIN+10\t45) SIGRTMIN+11\t46) SIGRTMIN+12\t47) SIGRTMIN+13
48) SIGRTMIN+14\t49) SIGRTMIN+15\t50) SIGRTMAX-14\t51) SIGRTMAX-13\t52) SIGRTMAX-12
53) SIGRTMAX-11\t54) SIGRTMAX-10\t55) SIGRTMAX-9\t56) SIGRTMAX-8\t57) SIGRTMAX-7
58) SIGRTMAX-6\t59) SIGRTMAX-5\t60) SIGRTMAX-4\t61) SIGRTMAX-3\t62) SIGRTMAX-2
63) SIGRTMAX-1\t64) SIGRTMAX\t
rc=0
### kill -l 15
TERM
rc=0
### kill -l TERM
15
rc=0
### kill -l SIGTERM
15
rc=0
### kill -l sigterm
15
rc=0
### kill -l 143
TERM
rc=0
### kill -l 999
bash: kill: 999: invalid signal specification
rc=1
### kill -l FOO
bash: kill: FOO: invalid signal specification
rc=1
### kill -l 0
EXIT
rc=0
### kill -l 32
rc=0
### kill -l 33
rc=0
### kill -l 64
RTMAX
rc=0
### kill -l 65
bash: kill: 65: invalid signal specification
rc=1
### kill -l 128
bash: kill: 128: invalid signal specification
rc=1
### kill -l 129
HUP
rc=0
### kill -l 1 2 TERM
HUP
INT
15
rc=0
### kill -l -s
bash: kill: -s: option requires an argument
rc=1
### kill -l -- 3
QUIT
rc=0
### kill -s KILL -l 2
INT
rc=0
### kill -l DEBUG ERR RETURN EXIT
65
66
67
0
rc=0
### kill -DEBUG 99999
bash: kill: (99999) - No such process
rc=1
### kill -99 99999
bash: kill: 99: invalid signal specification
rc=1
### kill -s 99 99999
bash: kill: 99: invalid signal specification
rc=1
### kill -x 1
bash: kill: x: invalid signal specification
rc=1
### kill --foo 1
bash: kill: -foo: invalid signal specification
rc=1
### kill -l 1 --help
HUP
bash: kill: --help: invalid signal specification
rc=1
### kill -l RTMIN+3
37
rc=0
### kill -l 37
RTMIN+3
rc=0
### kill -l IOT
bash: kill: IOT: invalid signal specification
rc=1
### kill -l " 3"
QUIT
rc=0
### kill -l rtmax-1
63
rc=0
### kill -9
kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
rc=2
### kill -TERM
kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
rc=2
### kill -s TERM
kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
rc=2
### kill -?
kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
rc=2
### kill -0 99999
bash: kill: (99999) - No such process
rc=1
### kill -EXIT 99999
bash: kill: (99999) - No such process
rc=1
### kill --help
kill: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
    Send a signal to a job.
\x20\x20\x20\x20
    Send the processes identified by PID or JOBSPEC the signal named by
    SIGSPEC or SIGNUM.  If neither SIGSPEC nor SIGNUM is present, then
    SIGTERM is assumed.
\x20\x20\x20\x20
    Options:
      -s sig\tSIG is a signal name
      -n sig\tSIG is a signal number
      -l\tlist the signal names; if arguments follow `-l' they are
    \t\tassumed to be signal numbers for which names should be listed
      -L\tsynonym for -l
\x20\x20\x20\x20
    Kill is a shell builtin for two reasons: it allows job IDs to be used
    instead of process IDs, and allows processes to be killed if the limit
    on processes that you can create is reached.
\x20\x20\x20\x20
    Exit Status:
    Returns success unless an invalid option is given or an error occurs.
rc=2
### kill --\x20
kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]
rc=2
"""


def _recorded_cases() -> list[tuple[str, str, int]]:
    cases = []
    for block in RECORDED.split("### ")[1:]:
        command, _, rest = block.partition("\n")
        body, _, status = rest.rstrip("\n").rpartition("rc=")
        cases.append((command, body, int(status)))
    return cases


@pytest.mark.parametrize(("command", "expected", "status"), _recorded_cases())
def test_kill_prints_what_bash_prints(host, command, expected, status):
    r = host.sh(command)
    assert (r.stdout + r.stderr, r.returncode) == (expected, status)


# ----------------------------------------------------------------------------- no tracebacks
def test_random_ps_and_kill_command_lines_never_break(host):
    rng = random.Random(3)
    words = ["-e", "-f", "-p", "1", "1030", "-o", "pid,cmd", "pid:", "=x", "a", "u", "x", "-",
             "--", "-s", "-n", "-l", "TERM", "99999", "-9", "%1", "", ",", "-C", "bash", "-N",
             "--pid", "--ppid", "-u", "root", "--no-headers", "-999", "abc", "-q", "2147483648"]
    for _ in range(400):
        line = " ".join(repr(rng.choice(words)) for _ in range(rng.randint(0, 5)))
        for program in ("ps", "kill"):
            r = host.sh(f"{program} {line}")
            assert "internal error" not in r.stderr and "Traceback" not in r.stderr, line
            assert r.returncode in (0, 1, 2), (program, line, r)
    assert host.processes.login_shell.running
