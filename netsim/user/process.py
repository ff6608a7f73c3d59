"""Processes, their file descriptors and their signals: the user-space side of a host.

The kernel keeps one ``task_struct`` per process; netsim keeps one :class:`Process`
with what ``ps``, ``/proc/PID/`` and ``kill`` show of it:

* **identity** -- a PID, the parent's PID (PPID), the command line (``argv``), the
  short name ``comm`` (the program's file name cut to 15 characters, as the kernel's
  ``TASK_COMM_LEN`` does), user ``root``, a start time and a controlling terminal
  (``pts/0`` for what the student starts from the shell, ``?`` for daemons);
* **the fd table** -- descriptors 0, 1 and 2 are open from the start, and a new
  descriptor takes the *lowest free number*, as POSIX requires of ``open()``. That is
  why a process that closed nothing gets fd 3 for its first ``open("/dev/net/tun")``;
* **signals** -- ``kill(sig)`` runs the handler the program installed (QEMU prints
  ``terminating on signal 15`` and exits 0), or else the default action of
  ``signal(7)``: terminate (the shell reports status ``128 + n``, 143 for SIGTERM),
  ignore (SIGCHLD...), stop (SIGSTOP: state ``T``) or continue (SIGCONT);
* **output** -- a program started in the background keeps what it writes in
  :attr:`Process.stdout` and :attr:`Process.stderr`, as a pipe to its starter would.

A :class:`ProcessTable` is one host's set of processes. It starts with a few fixed
system processes (:data:`SYSTEM_PROCESSES`: init, kthreadd, journald, the ssh daemon
and the student's login shell on ``pts/0``) and hands out new PIDs as Linux does: one
more than the last, wrapping at :data:`PID_MAX` to :data:`RESERVED_PIDS`, skipping
PIDs in use. When a process exits it is reaped at once (its parent waits for it) and
its children are re-parented to PID 1, which is why a daemonized program shows PPID 1.

Left out, on purpose: threads, process groups and sessions (``kill -- -PGID`` treats
the group as its leader alone), users other than root, real scheduling (``TIME`` is
what a program says it used), zombies, core files, signal masks and queues of real-time
signals. PID 1, kernel threads and the login shell survive every signal: the kernel
protects init, kernel threads ignore signals, and the notebook needs its terminal.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from typing import NamedTuple

# The boot time every host shares (what `ps` shows as STIME) is the clock's.
from netsim.engine.clock import BOOT_WALL_CLOCK, wall_clock  # noqa: F401
from netsim.user.io import OutputBuffer

# ============================================================================ PIDs
PID_MAX = 32768
"""``/proc/sys/kernel/pid_max`` (the kernel's default): PIDs have at most 5 digits,
which is the width ``ps`` gives its PID column."""

RESERVED_PIDS = 300
"""Where PID allocation starts again after reaching :data:`PID_MAX` (kernel/pid.c)."""

MEM_TOTAL_KB = 8_130_896
"""``MemTotal`` of the simulated machines (an 8 GB box), for ``ps``'s ``%MEM``."""

# ============================================================================ signals
# Linux x86 numbering; 32 and 33 are taken by glibc and have no name; 34..64 are the
# real-time signals, named as bash names them (SIGRTMIN+n up to 49, then SIGRTMAX-n).
_CLASSIC = (
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
)
SIGNAL_NAMES: dict[int, str] = {n: name for n, name in enumerate(_CLASSIC, start=1)}
for _n in range(34, 65):
    SIGNAL_NAMES[_n] = ("RTMIN" if _n == 34 else f"RTMIN+{_n - 34}") if _n <= 49 else (
        "RTMAX" if _n == 64 else f"RTMAX-{64 - _n}")
NSIG = 65
"""One more than the highest signal number, as ``<signal.h>`` defines it."""

SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGUSR1, SIGUSR2 = 1, 2, 3, 9, 10, 12
SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGSTOP = 13, 14, 15, 17, 18, 19
SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGWINCH = 20, 21, 22, 23, 28

# signal(7)'s default actions; every signal not listed terminates the process
_IGNORED_BY_DEFAULT = frozenset({SIGCHLD, SIGURG, SIGWINCH})
_STOPPING = frozenset({SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU})
_UNCATCHABLE = frozenset({SIGKILL, SIGSTOP})


def signal_name(sig: int) -> str | None:
    """``15`` -> ``"TERM"`` (without ``SIG``, as ``kill -l 15`` prints); None if unnamed."""
    return SIGNAL_NAMES.get(sig)


def signal_number(spec: str) -> int | None:
    """``"TERM"``, ``"sigterm"``, ``"SIGRTMIN+3"`` or ``"15"`` -> the signal number.

    Names are read without regard to case, with or without ``SIG``, as bash's
    ``kill -s`` reads them; numbers must be 0..64. None when there is no such signal.
    """
    text = spec.strip()
    if text.isdigit():
        return int(text) if int(text) < NSIG else None
    upper = spec.upper()
    for sig, name in SIGNAL_NAMES.items():
        if upper in (name, "SIG" + name):
            return sig
    return None


# A handler: fn(process, signal number, sending process or None) -> None. It decides
# for itself whether the process exits (by calling ``process.exit(status)``).
SignalHandler = Callable[["Process", int, "Process | None"], None]
IGNORE = "ignore"
"""Install as a handler (``proc.on_signal(SIGHUP, IGNORE)``) for ``signal(SIG_IGN)``."""

_STATE_NAMES = {"R": "running", "S": "sleeping", "D": "disk sleep", "T": "stopped",
                "Z": "zombie", "X": "dead", "I": "idle"}


def _comm_of(cmdline: list[str]) -> str:
    """The kernel's ``comm``: the executable's file name, at most 15 characters."""
    if not cmdline or not cmdline[0]:
        return ""
    return cmdline[0].rsplit("/", 1)[-1][:15]


# ============================================================================ process
class Process:
    """One running program. Made by :meth:`ProcessTable.spawn`, not directly.

    ``fd_table`` maps descriptor numbers to what they point at: a string names a file
    (``"/dev/null"``, ``"/dev/pts/0"``, ``"pipe:[20481]"``) and any other object is an
    open file of the model, e.g. a :class:`~netsim.devices.tun.TunFile`, shown by its
    ``path`` attribute (``/dev/net/tun``) and closed with its ``close()`` on exit.

    (A plain class: every host makes a table of them at boot, and a dataclass of this
    many fields costs more to create at import than all of a host's processes.)
    """

    def __init__(self, pid: int, ppid: int, cmdline: list[str], start_time: float, *,
                 user: str = "root", comm: str = "", tty: str = "?",
                 table: ProcessTable | None = None) -> None:
        self.pid = pid
        self.ppid = ppid
        self.cmdline = cmdline
        self.start_time = start_time
        self.user = user
        self.fd_table: dict[int, object] = {n: "/dev/null" for n in (0, 1, 2)}
        self.running = True
        self.returncode: int | None = None
        self.comm = comm or _comm_of(cmdline)
        self.tty = tty
        self.state = "S"  # R running, S sleeping, T stopped (ps's STAT, /proc/PID/status)
        self.stat_flags = ""  # ps's STAT extras: s session leader, l threads, + foreground
        self.kernel_thread = False
        self.protected = False  # the login shell: no signal ends it (see the module doc)
        self.cpu_seconds = 0.0  # CPU time used, as TIME shows it
        self.threads = 1
        self.vsz_kb = 5_480  # virtual memory size, as VSZ shows it
        self.rss_kb = 1_020  # resident set size, as RSS shows it
        self.signaled: int | None = None  # the signal that ended the process, if one did
        self.fd_access: dict[int, str] = {}  # "r", "w" or "rw" (default)
        self.handlers: dict[int, SignalHandler | str] = {}
        self.table = table
        self._out = OutputBuffer()
        self._err = OutputBuffer()
        self._pending: list[tuple[int, Process | None]] = []
        self._at_exit: list[Callable[[Process], None]] = []

    def __repr__(self) -> str:
        state = "running" if self.running else f"exited {self.returncode}"
        return f"<Process {self.pid} {' '.join(self.cmdline) or '[' + self.comm + ']'} {state}>"

    # ------------------------------------------------------------------ descriptors
    def lowest_free_fd(self) -> int:
        n = 0
        while n in self.fd_table:
            n += 1
        return n

    def install_fd(self, obj: object, access: str = "rw") -> int:
        """``open()``: put ``obj`` at the lowest free descriptor and return its number.

        ``access`` is the open mode, ``"r"``, ``"w"`` or ``"rw"``: ``ls -l
        /proc/PID/fd`` shows it as the link's permissions (``lr-x``, ``l-wx``, ``lrwx``).
        """
        fd = self.lowest_free_fd()
        self.fd_table[fd] = obj
        self.fd_access[fd] = access
        return fd

    def fd_closed(self, fd: int) -> None:
        self.fd_table.pop(fd, None)
        self.fd_access.pop(fd, None)

    def fd_target(self, fd: int) -> str:
        """What ``ls -l /proc/PID/fd`` shows after the arrow."""
        obj = self.fd_table[fd]
        return obj if isinstance(obj, str) else getattr(obj, "path", "/dev/net/tun")

    def fd_mode(self, fd: int) -> str:
        """How ``fd`` was opened: ``"r"``, ``"w"`` or ``"rw"``."""
        return getattr(self.fd_table.get(fd), "access", None) or self.fd_access.get(fd, "rw")

    def fds(self) -> list[tuple[int, str]]:
        """Every open descriptor and what it points at, as ``ls -l /proc/PID/fd`` lists."""
        return [(fd, self.fd_target(fd)) for fd in sorted(self.fd_table)]

    # ------------------------------------------------------------------ output
    def out(self, text: str) -> None:
        """The program writes ``text`` to its standard output."""
        self._out.write(text)

    def err(self, text: str) -> None:
        """The program writes ``text`` to its standard error (QEMU's messages go here)."""
        self._err.write(text)

    @property
    def stdout(self) -> str:
        """Everything the program wrote to its standard output so far."""
        return self._out.text()

    @property
    def stderr(self) -> str:
        """Everything the program wrote to its standard error so far."""
        return self._err.text()

    @property
    def args(self) -> str:
        """The command line as ``ps -f`` prints it; ``[comm]`` for a kernel thread."""
        return " ".join(self.cmdline) if self.cmdline else f"[{self.comm}]"

    @property
    def state_text(self) -> str:
        """``S (sleeping)``: the State line of ``/proc/PID/status``."""
        return f"{self.state} ({_STATE_NAMES.get(self.state, 'sleeping')})"

    # ------------------------------------------------------------------ signals
    def on_signal(self, sig: int, handler: SignalHandler | str) -> None:
        """``sigaction(sig, ...)``: run ``handler(proc, sig, sender)`` when ``sig`` comes.

        ``handler`` may be :data:`IGNORE`. SIGKILL and SIGSTOP cannot be caught
        (EINVAL, as sigaction() answers).
        """
        if sig in _UNCATCHABLE or not 0 < sig < NSIG:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        self.handlers[sig] = handler

    @property
    def caught_signals(self) -> int:
        """Bit mask of signals with a handler (``SigCgt`` in ``/proc/PID/status``)."""
        return sum(1 << (s - 1) for s, h in self.handlers.items() if h != IGNORE)

    @property
    def ignored_signals(self) -> int:
        """Bit mask of ignored signals (``SigIgn`` in ``/proc/PID/status``)."""
        return sum(1 << (s - 1) for s, h in self.handlers.items() if h == IGNORE)

    def kill(self, sig: int = SIGTERM, sender: Process | None = None) -> None:
        """Send signal ``sig`` (SIGTERM by default), as ``kill(2)`` does.

        The program's handler runs if it installed one (it prints its own message and
        exits with its own status); otherwise the default action: most signals end
        the process with :attr:`returncode` ``128 + sig`` (143 for SIGTERM, 137 for
        SIGKILL), SIGCHLD/SIGURG/SIGWINCH are ignored, SIGSTOP stops it until SIGCONT.
        ``sender`` is who sent it (a handler may name it); by default the host's login
        shell, as if the student had typed ``kill PID``. Signal 0 only checks that the
        process exists. Raises OSError: ESRCH if it has exited, EINVAL for a number
        that is no signal.
        """
        if isinstance(sig, bool) or not isinstance(sig, int) or not 0 <= sig < NSIG:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        if not self.running:
            raise OSError(errno.ESRCH, os.strerror(errno.ESRCH))
        if sender is None and self.table is not None:
            sender = self.table.login_shell
        if sig == 0:
            return
        handler = self.handlers.get(sig)
        # The kernel never delivers a signal init has no handler for, kernel threads
        # ignore all of them, and the notebook's terminal must stay open.
        if self.kernel_thread or self.protected or (self.pid == 1 and handler is None):
            return
        if sig == SIGKILL:
            self._terminate(sig)
        elif sig == SIGCONT:
            self._resume()
            if callable(handler):
                handler(self, sig, sender)
        elif self.state == "T":
            self._pending.append((sig, sender))  # delivered once the process continues
        elif sig == SIGSTOP or (handler is None and sig in _STOPPING):
            self.state = "T"
        elif handler == IGNORE or (handler is None and sig in _IGNORED_BY_DEFAULT):
            return
        elif callable(handler):
            handler(self, sig, sender)
        else:
            self._terminate(sig)

    def _resume(self) -> None:
        if self.state != "T":
            return
        self.state = "S"
        pending, self._pending = self._pending, []
        for sig, sender in pending:
            if self.running:
                self.kill(sig, sender)

    def _terminate(self, sig: int) -> None:
        """A signal's default action "terminate": the shell reports ``128 + sig``."""
        self.signaled = sig
        self.exit(128 + sig)

    # ------------------------------------------------------------------ exit
    def at_exit(self, callback: Callable[[Process], None]) -> None:
        """Call ``callback(proc)`` once the process has exited and its fds are closed."""
        self._at_exit.append(callback)

    def exit(self, code: int = 0) -> None:
        """``_exit(code)``: every descriptor is closed (with the kernel's consequences:
        a tap nobody holds loses carrier, or vanishes if not persistent), then the
        parent reaps the process and its children are re-parented to init.
        Exiting twice does nothing."""
        if not self.running:
            return
        for fd, obj in list(self.fd_table.items()):
            close = getattr(obj, "close", None)
            if close is not None:
                close()
            self.fd_closed(fd)
        self.running = False
        self.returncode = code
        self.state = "X"
        if self.table is not None:
            self.table.reap(self)
        callbacks, self._at_exit = self._at_exit, []
        for callback in callbacks:
            callback(self)


# ============================================================================ the table
class _SystemProcess(NamedTuple):  # a NamedTuple: a frozen dataclass costs more to create
    pid: int
    ppid: int
    cmdline: tuple[str, ...]
    comm: str
    tty: str = "?"
    stat_flags: str = "s"
    vsz_kb: int = 0
    rss_kb: int = 0
    kernel_thread: bool = False
    protected: bool = False


SYSTEM_PROCESSES = (
    _SystemProcess(1, 0, ("/sbin/init",), "systemd", vsz_kb=168_112, rss_kb=12_736),
    _SystemProcess(2, 0, (), "kthreadd", stat_flags="", kernel_thread=True),
    _SystemProcess(231, 1, ("/lib/systemd/systemd-journald",), "systemd-journal",
                   vsz_kb=48_416, rss_kb=15_872),
    _SystemProcess(498, 1, ("sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",),
                   "sshd", vsz_kb=15_436, rss_kb=9_248),
    _SystemProcess(1017, 498, ("sshd: root@pts/0",), "sshd", vsz_kb=17_236, rss_kb=10_912,
                   protected=True),
    _SystemProcess(1030, 1017, ("-bash",), "bash", tty="pts/0", vsz_kb=7_236, rss_kb=4_096,
                   protected=True),
)
"""What runs on every host before the student types anything, all started at boot.

A Debian 12 machine reached over ssh, cut down to one line per kind of process:
PID 1 is init (systemd, started as ``/sbin/init``), PID 2 ``kthreadd``, the parent of
all kernel threads (the others are left out), then the journal, the ssh daemon, the
student's ssh session and their login shell ``-bash`` on ``pts/0``: the parent of
what they start and the ``$$`` of ``host.sh``. New PIDs follow the last one (1031...).
"""


class ProcessTable:
    """The processes of one host, by PID. PID 1 is init; see :data:`SYSTEM_PROCESSES`.

    ``clock()`` gives the simulated time (the lab's ``env.now``): start times come from
    it. PIDs are never reused while in use, and go up one by one like Linux's.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.procs: dict[int, Process] = {}
        self._last_pid = 0
        self._next_inode = 20_480  # pipe:[N] numbers, like the kernel's pipefs inodes
        for sp in SYSTEM_PROCESSES:
            proc = self.spawn(list(sp.cmdline), ppid=sp.ppid, pid=sp.pid, tty=sp.tty,
                              comm=sp.comm)
            proc.stat_flags, proc.vsz_kb, proc.rss_kb = sp.stat_flags, sp.vsz_kb, sp.rss_kb
            proc.kernel_thread, proc.protected = sp.kernel_thread, sp.protected
            if sp.tty != "?":
                proc.fd_table.update({0: f"/dev/{sp.tty}", 1: f"/dev/{sp.tty}",
                                      2: f"/dev/{sp.tty}"})
        self.login_shell: Process = self.procs[SYSTEM_PROCESSES[-1].pid]
        # A process the shell has forked for the command it is about to run (see
        # fork_exec); ``host.spawn`` sets it, so the program does not fork again.
        self.forked: Process | None = None

    def now(self) -> float:
        """The simulated time, in seconds since the host booted."""
        return self._clock()

    # ------------------------------------------------------------------ PIDs
    def _alloc_pid(self) -> int:
        """alloc_pid(): the next number after the last one given, skipping used ones."""
        pid = self._last_pid
        for _ in range(PID_MAX):
            pid += 1
            if pid >= PID_MAX:
                pid = RESERVED_PIDS
            if pid not in self.procs:
                self._last_pid = pid
                return pid
        raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))  # fork(): table full

    @property
    def last_pid(self) -> int:
        """The PID handed out last (what the next fork counts on from)."""
        return self._last_pid

    def pid_of_gone_child(self) -> int:
        """A PID for a child that was forked and has already exited (the shell's
        ``cmd &`` that ran to completion at once): used, and free again."""
        return self._alloc_pid()

    def new_pipe_inode(self) -> int:
        """A fresh inode number for ``pipe:[N]`` or ``socket:[N]`` fd targets."""
        self._next_inode += 1
        return self._next_inode

    # ------------------------------------------------------------------ life cycle
    def spawn(self, cmdline: list[str], ppid: int = 1, pid: int | None = None,
              stdio: tuple[str, str, str] | None = None, *, tty: str = "?",
              comm: str | None = None) -> Process:
        """A new process running ``cmdline`` (fork + exec), child of ``ppid``.

        ``stdio`` says what fds 0, 1, 2 point at (default /dev/null); ``tty`` is the
        controlling terminal ``ps`` shows; ``comm`` overrides the short name.
        """
        if pid is None:
            pid = self._alloc_pid()
        else:
            self._last_pid = max(self._last_pid, pid)
        proc = Process(pid, ppid, list(cmdline), self._clock(), tty=tty, comm=comm or "")
        proc.table = self
        if stdio is not None:
            proc.fd_table.update(enumerate(stdio))
        self.procs[pid] = proc
        return proc

    def fork_exec(self, cmdline: list[str], *, tty: str | None = None) -> Process:
        """The process a program runs as when the login shell starts it: fork + exec.

        If the shell has already forked for this command (:attr:`forked`, set by
        ``host.spawn``), exec replaces that process's image: same PID, new command
        line. Otherwise a new child of the login shell, on its terminal.
        """
        proc, self.forked = self.forked, None
        if proc is not None and proc.running:
            proc.cmdline = list(cmdline)
            proc.comm = _comm_of(proc.cmdline)
            return proc
        shell = self.login_shell
        tty = shell.tty if tty is None else tty
        terminal = f"/dev/{tty}"
        stdio = (terminal, terminal, terminal) if tty != "?" else None
        return self.spawn(cmdline, ppid=shell.pid, stdio=stdio, tty=tty)

    def daemonize(self, proc: Process) -> Process:
        """What ``daemon(3)`` / QEMU's ``-daemonize`` does: fork, setsid, fork again.

        The grandchild carries on with the same command line, no terminal, its
        standard fds on /dev/null, and PPID 1 once the intermediate child has exited;
        ``proc`` itself exits with status 0 (the shell prompt comes back). Open files
        other than 0-2 move to the daemon. Returns the daemon.
        """
        self._alloc_pid()  # the intermediate child lives only for the second fork
        daemon = self.spawn(proc.cmdline, ppid=1, comm=proc.comm)
        for fd, obj in list(proc.fd_table.items()):
            if fd > 2:
                daemon.fd_table[fd] = obj
                daemon.fd_access[fd] = proc.fd_access.get(fd, "rw")
                proc.fd_closed(fd)
                if getattr(obj, "process", None) is proc:
                    obj.process = daemon  # type: ignore[attr-defined]
        daemon.handlers = dict(proc.handlers)
        daemon.stat_flags, daemon.threads = proc.stat_flags.replace("+", ""), proc.threads
        daemon.vsz_kb, daemon.rss_kb = proc.vsz_kb, proc.rss_kb
        proc.exit(0)
        return daemon

    def get(self, pid: int) -> Process | None:
        return self.procs.get(pid)

    def children(self, pid: int) -> list[Process]:
        return [p for p in self.procs.values() if p.ppid == pid]

    def reap(self, proc: Process) -> None:
        """Forget an exited process; its orphans now belong to init (PID 1)."""
        if self.procs.get(proc.pid) is proc:
            del self.procs[proc.pid]
            for child in self.children(proc.pid):
                child.ppid = 1

    def running(self) -> list[Process]:
        """Every process, by PID: the order of ``ls /proc`` and ``ps``."""
        return [self.procs[pid] for pid in sorted(self.procs)]
