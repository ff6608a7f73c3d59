"""Processes and their file descriptors, the user-space side of a host.

Just enough for the kernel side to point at: a process has a PID, a parent, a
command line and an fd table where new descriptors take the lowest free number
(0, 1 and 2 are open from the start), as POSIX requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Process:
    pid: int
    ppid: int
    cmdline: list[str]
    start_time: float
    user: str = "root"
    fd_table: dict[int, object] = field(default_factory=dict)
    running: bool = True
    returncode: int | None = None

    def __post_init__(self) -> None:
        for n in (0, 1, 2):
            self.fd_table.setdefault(n, "/dev/null")

    def lowest_free_fd(self) -> int:
        n = 0
        while n in self.fd_table:
            n += 1
        return n

    def install_fd(self, obj: object) -> int:
        fd = self.lowest_free_fd()
        self.fd_table[fd] = obj
        return fd

    def fd_closed(self, fd: int) -> None:
        self.fd_table.pop(fd, None)

    def fd_target(self, fd: int) -> str:
        """What ``ls -l /proc/PID/fd`` shows after the arrow."""
        obj = self.fd_table[fd]
        return obj if isinstance(obj, str) else getattr(obj, "path", "/dev/net/tun")

    def fds(self) -> list[tuple[int, str]]:
        """Every open descriptor and what it points at, as ``ls -l /proc/PID/fd`` lists."""
        return [(fd, self.fd_target(fd)) for fd in sorted(self.fd_table)]

    def exit(self, code: int = 0) -> None:
        for fd, obj in list(self.fd_table.items()):
            close = getattr(obj, "close", None)
            if close is not None:
                close()
            self.fd_table.pop(fd, None)
        self.running = False
        self.returncode = code


class ProcessTable:
    """The PIDs of one host; PID 1 is init."""

    def __init__(self, clock) -> None:
        self._clock = clock
        self.procs: dict[int, Process] = {}
        self._next_pid = 2
        self.spawn(["/sbin/init"], ppid=0, pid=1)

    def spawn(self, cmdline: list[str], ppid: int = 1, pid: int | None = None,
              stdio: tuple[str, str, str] | None = None) -> Process:
        """A new process; ``stdio`` says what fds 0, 1, 2 point at (default /dev/null)."""
        if pid is None:
            pid = self._next_pid
            self._next_pid += 1
        proc = Process(pid, ppid, list(cmdline), self._clock())
        if stdio is not None:
            proc.fd_table.update(enumerate(stdio))
        self.procs[pid] = proc
        return proc

    def get(self, pid: int) -> Process | None:
        return self.procs.get(pid)

    def reap(self, proc: Process) -> None:
        self.procs.pop(proc.pid, None)
