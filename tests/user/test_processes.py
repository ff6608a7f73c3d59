"""Processes: PIDs, fd tables, signals, /proc/PID, and the host.spawn / write_file API."""

from __future__ import annotations

import errno
import hashlib
import os
import sys
import types

import pytest

from netsim.cli import commands
from netsim.user.etc import QEMU_IFDOWN, QEMU_IFUP
from netsim.user.process import (
    IGNORE,
    PID_MAX,
    RESERVED_PIDS,
    SIGCHLD,
    SIGCONT,
    SIGKILL,
    SIGSTOP,
    SIGTERM,
    SIGUSR1,
    Process,
    ProcessTable,
    signal_name,
    signal_number,
)

# Tests asking for `host` (conftest.py) get h of a fresh lab, as it boots.
pytestmark = pytest.mark.host(name="h", init=None)


class Closable:
    """An open file of the model: records that exit() closed it."""

    path = "/dev/net/tun"

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


# ----------------------------------------------------------------------------- the table
def test_a_host_boots_with_init_kthreadd_daemons_and_the_login_shell():
    table = ProcessTable(lambda: 0.0)
    rows = [(p.pid, p.ppid, p.args, p.tty) for p in table.running()]
    assert rows == [
        (1, 0, "/sbin/init", "?"),
        (2, 0, "[kthreadd]", "?"),
        (231, 1, "/lib/systemd/systemd-journald", "?"),
        (498, 1, "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "?"),
        (1017, 498, "sshd: root@pts/0", "?"),
        (1030, 1017, "-bash", "pts/0"),
    ]
    assert table.login_shell.pid == 1030 and table.login_shell.comm == "bash"
    assert table.get(1).comm == "systemd" and table.get(2).kernel_thread


def test_new_pids_follow_the_last_one_and_wrap_at_pid_max_skipping_used_ones():
    table = ProcessTable(lambda: 0.0)
    assert [table.spawn(["a"]).pid for _ in range(3)] == [1031, 1032, 1033]
    table._last_pid = PID_MAX - 2
    first = table.spawn(["b"]).pid
    table.spawn(["c"], pid=RESERVED_PIDS)  # taken: the wrap must skip it
    table._last_pid = PID_MAX - 1
    assert (first, table.spawn(["d"]).pid) == (PID_MAX - 1, RESERVED_PIDS + 1)


def test_start_time_and_comm_come_from_the_clock_and_argv0():
    now = [12.5]
    table = ProcessTable(lambda: now[0])
    proc = table.spawn(["/usr/bin/qemu-system-x86_64", "-name", "vm"])
    assert proc.start_time == 12.5
    assert proc.comm == "qemu-system-x86"  # TASK_COMM_LEN: 15 characters


# ----------------------------------------------------------------------------- fds
def test_fds_0_to_2_are_open_and_new_ones_take_the_lowest_free_number():
    proc = ProcessTable(lambda: 0.0).spawn(["x"])
    assert proc.fds() == [(0, "/dev/null"), (1, "/dev/null"), (2, "/dev/null")]
    assert proc.install_fd("/etc/hostname", "r") == 3
    assert proc.install_fd(Closable()) == 4
    proc.fd_closed(3)
    assert proc.install_fd("/tmp/log", "w") == 3  # POSIX: the lowest free one
    assert proc.fds()[3:] == [(3, "/tmp/log"), (4, "/dev/net/tun")]
    assert (proc.fd_mode(3), proc.fd_mode(4)) == ("w", "rw")


def test_exit_closes_every_fd_reaps_and_reparents_the_children_to_init():
    table = ProcessTable(lambda: 0.0)
    parent = table.spawn(["parent"])
    child = table.spawn(["child"], ppid=parent.pid)
    file = Closable()
    parent.install_fd(file)
    seen = []
    parent.at_exit(lambda p: seen.append((p.pid, p.fd_table.copy())))
    parent.exit(3)
    assert file.closed and parent.fd_table == {}
    assert (parent.running, parent.returncode) == (False, 3)
    assert table.get(parent.pid) is None and child.ppid == 1
    assert seen == [(parent.pid, {})]
    parent.exit(4)  # a second exit changes nothing
    assert parent.returncode == 3


# ----------------------------------------------------------------------------- signals
def test_signal_names_and_numbers_as_kill_reads_them():
    assert (signal_name(15), signal_name(34), signal_name(50), signal_name(64)) == (
        "TERM", "RTMIN", "RTMAX-14", "RTMAX")
    assert signal_name(32) is None
    assert [signal_number(s) for s in ("TERM", "sigkill", "SIGRTMIN+3", "9", "65", "NOPE")] == [
        15, 9, 37, 9, None, None]


@pytest.mark.parametrize(("sig", "status"), [(SIGTERM, 143), (SIGKILL, 137), (SIGUSR1, 138)])
def test_default_action_terminates_with_128_plus_the_signal(sig, status):
    table = ProcessTable(lambda: 0.0)
    proc = table.spawn(["sleep", "100"])
    file = Closable()
    proc.install_fd(file)
    proc.kill(sig)
    assert (proc.running, proc.returncode, proc.signaled) == (False, status, sig)
    assert file.closed and table.get(proc.pid) is None


def test_sigchld_is_ignored_and_stop_holds_signals_until_cont():
    proc = ProcessTable(lambda: 0.0).spawn(["x"])
    proc.kill(SIGCHLD)
    assert proc.running and proc.state == "S"
    proc.kill(SIGSTOP)
    proc.kill(SIGTERM)
    assert proc.running and proc.state == "T"
    proc.kill(SIGCONT)
    assert not proc.running and proc.returncode == 143


def test_a_handler_prints_its_own_message_and_chooses_its_status():
    """QEMU: 'terminating on signal 15 from pid N (bash)', then exit status 0."""
    table = ProcessTable(lambda: 0.0)
    proc = table.spawn(["qemu-system-x86_64"])

    def on_term(p: Process, sig: int, sender: Process | None) -> None:
        assert sender is not None
        p.err(f"qemu-system-x86_64: terminating on signal {sig} from pid {sender.pid} "
              f"({sender.comm})\n")
        p.exit(0)

    proc.on_signal(SIGTERM, on_term)
    proc.on_signal(SIGUSR1, IGNORE)
    proc.kill(SIGUSR1)
    assert proc.running
    proc.kill()
    assert proc.stderr == "qemu-system-x86_64: terminating on signal 15 from pid 1030 (bash)\n"
    assert (proc.running, proc.returncode, proc.signaled) == (False, 0, None)


def test_kill_and_sigstop_cannot_be_caught_and_bad_numbers_are_einval():
    proc = ProcessTable(lambda: 0.0).spawn(["x"])
    for sig in (SIGKILL, SIGSTOP, 0, 65):
        with pytest.raises(OSError) as caught:
            proc.on_signal(sig, IGNORE)
        assert caught.value.errno == errno.EINVAL
    for sig in (-1, 65, "TERM"):
        with pytest.raises(OSError) as caught:
            proc.kill(sig)  # type: ignore[arg-type]
        assert caught.value.errno == errno.EINVAL
    proc.kill(0)  # only checks that it exists
    proc.kill(SIGKILL)
    with pytest.raises(ProcessLookupError):
        proc.kill(0)


def test_init_kernel_threads_and_the_login_shell_survive_every_signal():
    table = ProcessTable(lambda: 0.0)
    for pid in (1, 2, 1030, 1017):
        table.get(pid).kill(SIGKILL)
        table.get(pid).kill(SIGTERM)
        assert table.get(pid).running


def test_daemonize_forks_twice_the_daemon_has_parent_1_and_no_terminal():
    table = ProcessTable(lambda: 0.0)
    proc = table.spawn(["qemu-system-x86_64", "-daemonize"], ppid=1030, tty="pts/0")
    file = Closable()
    file.process = proc  # type: ignore[attr-defined]
    fd = proc.install_fd(file)
    daemon = table.daemonize(proc)
    assert daemon.pid == proc.pid + 2  # the middle child lived only to fork again
    assert (daemon.ppid, daemon.tty, proc.running, proc.returncode) == (1, "?", False, 0)
    assert daemon.fd_table[fd] is file and file.process is daemon and not file.closed
    assert daemon.fds()[:3] == [(0, "/dev/null"), (1, "/dev/null"), (2, "/dev/null")]


# ----------------------------------------------------------------------------- /proc
def test_proc_pid_files_cmdline_comm_status_and_fd_links(host):
    proc = host.processes.spawn(["tun-holder", "tap0"], ppid=1030)
    proc.install_fd(Closable())
    fs, base = host.fs, f"/proc/{proc.pid}"
    assert fs.listdir(base) == ["cmdline", "comm", "fd", "status"]
    assert fs.read(f"{base}/cmdline") == "tun-holder\0tap0\0"
    assert fs.read(f"{base}/comm") == "tun-holder\n"
    status = fs.read(f"{base}/status").splitlines()
    assert status[:7] == ["Name:\ttun-holder", "Umask:\t0022", "State:\tS (sleeping)",
                          f"Tgid:\t{proc.pid}", "Ngid:\t0", f"Pid:\t{proc.pid}", "PPid:\t1030"]
    assert fs.listdir(f"{base}/fd") == ["0", "1", "2", "3"]
    assert fs.readlink(f"{base}/fd/3") == "/dev/net/tun"
    assert fs.is_symlink(f"{base}/fd/3") and fs.mode(f"{base}/fd/3", follow=False) == 0o700
    assert fs.readlink("/proc/self") == "1030"
    assert str(proc.pid) in fs.listdir("/proc") and "sys" in fs.listdir("/proc")
    proc.exit(0)
    assert not fs.exists(base)


def test_proc_status_shows_the_caught_signals(host):
    proc = host.processes.spawn(["qemu"])
    proc.on_signal(SIGTERM, lambda p, s, sender: p.exit(0))
    proc.on_signal(1, IGNORE)
    status = host.fs.read(f"/proc/{proc.pid}/status")
    assert "SigIgn:\t0000000000000001\nSigCgt:\t0000000000004000\n" in status


def test_etc_qemu_ifup_and_ifdown_are_debians_mode_0755(host):
    ifup, ifdown = host.fs.read("/etc/qemu-ifup"), host.fs.read("/etc/qemu-ifdown")
    # Debian 12, qemu-system-common 1:7.2+dfsg-7+deb12u18: sha256 of the shipped files
    assert hashlib.sha256(ifup.encode()).hexdigest() == (
        "d4fd5cf3e6c293bec0ccbffd73b10d960d62ad65fa5e5cbd5fbad0a9661d40c8")
    assert hashlib.sha256(ifdown.encode()).hexdigest() == (
        "db40352f85718ca8874dd11722107bb230110bcee7ca585d5e0965369a412947")
    for path, text in (("/etc/qemu-ifup", QEMU_IFUP), ("/etc/qemu-ifdown", QEMU_IFDOWN)):
        if os.path.exists(path):  # the machine that runs the tests may have them too
            with open(path) as f:
                assert f.read() == text
        assert host.fs.mode(path) == 0o755
    assert host.sh("ls -l /etc/qemu-ifup /etc/qemu-ifdown").stdout == (
        "-rwxr-xr-x 1 root root  163 Jan  1 00:00 /etc/qemu-ifdown\n"
        "-rwxr-xr-x 1 root root 1105 Jan  1 00:00 /etc/qemu-ifup\n")


# ----------------------------------------------------------------------------- host API
def test_spawn_sleep_runs_in_the_background_and_kill_ends_it_with_143(host):
    lab = host.lab
    p = host.spawn("sleep 100")
    assert (p.pid, p.ppid, p.tty, p.cmdline, p.running, p.returncode) == (
        1031, 1030, "pts/0", ["sleep", "100"], True, None)
    assert [fd for fd, _ in p.fds()] == [0, 1, 2]
    assert p.fds()[0] == (0, "/dev/null") and p.fds()[1][1].startswith("pipe:[")
    lab.run(50)
    assert p.running
    p.kill()
    assert (p.running, p.returncode, p.stdout, p.stderr) == (False, 143, "", "")
    q = host.spawn("sleep 10")
    lab.run(10.5)
    assert (q.running, q.returncode) == (False, 0)


def test_spawn_goes_through_the_shell_expanding_variables(host):
    host.sh("T=42")
    assert host.spawn('sleep "$T"').cmdline == ["sleep", "42"]
    bad = host.spawn("sleep soon")
    assert (bad.running, bad.returncode) == (False, 1)
    assert bad.stderr == ("sleep: invalid time interval ‘soon’\n"
                          "Try 'sleep --help' for more information.\n")


def test_spawn_of_an_ordinary_command_returns_it_finished(host):
    p = host.spawn("echo hello; ls /nope")
    assert (p.running, p.returncode, p.stdout) == (False, 2, "hello\n")
    assert p.stderr == "ls: cannot access '/nope': No such file or directory\n"
    ps = host.spawn("ps -o pid,ppid,cmd")
    assert ps.stdout == f"  PID  PPID CMD\n 1030  1017 -bash\n {ps.pid}  1030 ps -o pid,ppid,cmd\n"
    with pytest.raises(ProcessLookupError):
        p.kill()


def test_spawn_hands_a_background_program_its_process(host, monkeypatch):
    """A registered program with a background entry keeps running as the process."""
    module = types.ModuleType("netsim_test_daemon")

    def main(host, argv, io):
        io.error("not in the foreground\n")
        return 1

    def background(host, argv, proc):
        proc.install_fd(Closable())
        proc.out(f"started {' '.join(argv[1:])}\n")
        proc.on_signal(SIGTERM, lambda p, sig, sender: (p.err(f"bye {sig}\n"), p.exit(0)))

    module.main, module.background = main, background
    monkeypatch.setitem(sys.modules, "netsim_test_daemon", module)
    monkeypatch.setitem(commands.PROGRAMS, "testd", "netsim_test_daemon:main")
    p = host.spawn("testd --flag 'two words'")
    assert (p.running, p.cmdline, p.stdout) == (True, ["testd", "--flag", "two words"],
                                                 "started --flag two words\n")
    assert p.fds()[3] == (3, "/dev/net/tun")
    assert host.sh("ps -o pid,cmd -C testd").stdout == (
        f"  PID CMD\n {p.pid} testd --flag two words\n")
    assert host.sh("testd").stderr == "not in the foreground\n"  # host.sh runs main
    p.kill()
    assert (p.running, p.returncode, p.stderr) == (False, 0, "bye 15\n")


def test_write_file_creates_files_with_their_mode_and_raises_the_kernels_errors(host):
    host.write_file("/tmp/ifup.sh", "#!/bin/sh\necho up $1\n", mode=0o755)
    assert host.sh("/tmp/ifup.sh tap0").stdout == "up tap0\n"
    host.write_file("notes.txt", "hello\n")
    assert host.sh("ls -l /root/notes.txt; cat notes.txt").stdout == (
        "-rw-r--r-- 1 root root 6 Jan  1 00:00 /root/notes.txt\nhello\n")
    host.write_file("/tmp/ifup.sh", "x", mode=0o600)
    assert host.fs.mode("/tmp/ifup.sh") == 0o600
    with pytest.raises(FileNotFoundError):
        host.write_file("/no/such/dir/file", "x")
    with pytest.raises(IsADirectoryError):
        host.write_file("/tmp", "x")
