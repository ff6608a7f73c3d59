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
    fds: dict[int, object] = field(default_factory=dict)
    running: bool = True
    returncode: int | None = None

    def __post_init__(self) -> None:
        for n, target in ((0, "/dev/null"), (1, "/dev/null"), (2, "/dev/null")):
            self.fds.setdefault(n, target)

    def lowest_free_fd(self) -> int:
        n = 0
        while n in self.fds:
            n += 1
        return n

    def install_fd(self, obj: object) -> int:
        fd = self.lowest_free_fd()
        self.fds[fd] = obj
        return fd

    def fd_closed(self, fd: int) -> None:
        self.fds.pop(fd, None)

    def fd_target(self, fd: int) -> str:
        """What ``ls -l /proc/PID/fd`` shows after the arrow."""
        obj = self.fds[fd]
        return obj if isinstance(obj, str) else getattr(obj, "path", "/dev/net/tun")

    def exit(self, code: int = 0) -> None:
        for fd, obj in list(self.fds.items()):
            close = getattr(obj, "close", None)
            if close is not None:
                close()
            self.fds.pop(fd, None)
        self.running = False
        self.returncode = code


class ProcessTable:
    """The PIDs of one host; PID 1 is init."""

    def __init__(self, clock) -> None:
        self._clock = clock
        self.procs: dict[int, Process] = {}
        self._next_pid = 2
        self.spawn(["/sbin/init"], ppid=0, pid=1)

    def spawn(self, cmdline: list[str], ppid: int = 1, pid: int | None = None) -> Process:
        if pid is None:
            pid = self._next_pid
            self._next_pid += 1
        proc = Process(pid, ppid, list(cmdline), self._clock())
        self.procs[pid] = proc
        return proc

    def get(self, pid: int) -> Process | None:
        return self.procs.get(pid)

    def reap(self, proc: Process) -> None:
        self.procs.pop(proc.pid, None)
