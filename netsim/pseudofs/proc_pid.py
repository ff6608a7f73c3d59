"""``/proc`` itself and ``/proc/<pid>/``: the host's processes as procfs shows them.

One directory per process of :attr:`Host.processes <netsim.host.Host.processes>`:
``cmdline`` (NUL-separated), ``comm``, ``status`` and ``fd/`` (one symbolic link per
descriptor, ``3 -> /dev/net/tun``); ``/proc/self`` is the login shell's. ``/proc/sys``
and ``/proc/net`` are listed here and served by their own mounts
(:mod:`netsim.pseudofs.sysctl`, :mod:`netsim.pseudofs.proc_net`).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from netsim.pseudofs.numbers import oserror
from netsim.user.process import Process, wall_clock

if TYPE_CHECKING:
    from netsim.host import Host


def proc_status(proc: Process) -> str:
    """``/proc/PID/status``: the first lines of proc_pid_status() (fs/proc/array.c).

    The identity and signal lines; memory, capability and scheduling lines are left
    out. ``SigCgt`` shows the signals the program catches (QEMU: SIGTERM among them).
    """
    fd_size = 64
    while proc.fd_table and max(proc.fd_table) >= fd_size:
        fd_size *= 2  # the fd array grows in powers of two (expand_fdtable)
    return (f"Name:\t{proc.comm}\nUmask:\t0022\nState:\t{proc.state_text}\n"
            f"Tgid:\t{proc.pid}\nNgid:\t0\nPid:\t{proc.pid}\nPPid:\t{proc.ppid}\n"
            "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
            f"FDSize:\t{fd_size}\nGroups:\t \nNStgid:\t{proc.pid}\nNSpid:\t{proc.pid}\n"
            f"Kthread:\t{1 if proc.kernel_thread else 0}\nThreads:\t{proc.threads}\n"
            "SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
            "SigBlk:\t0000000000000000\n"
            f"SigIgn:\t{proc.ignored_signals:016x}\nSigCgt:\t{proc.caught_signals:016x}\n")


# Link permissions of /proc/PID/fd/N: the open mode, for the owner only
_FD_LINK_MODES = {"r": 0o500, "w": 0o300, "rw": 0o700}
# What `ls /proc/PID` shows (a small part of the real directory): name -> kind
_PID_ENTRIES = {"cmdline": "file", "comm": "file", "fd": "dir", "status": "file"}


class ProcPids:
    """``/proc`` itself: a directory per process, ``self``, and the ``sys`` and ``net``
    mounts (listed here, served by their own providers).

    Like procfs, an entry's time is when it was first looked at (the kernel makes the
    inode then), and files show size 0; fd links show 64, the size procfs gives them.
    """

    _MOUNTED = ("net", "sys")

    def __init__(self, host: Host) -> None:
        self.host = host
        self._born: dict[tuple[int, float, str], float] = {}

    def _lookup(self, rel: str) -> tuple[Process | None, list[str]]:
        """``"1031/fd/3"`` -> (process 1031, ["fd", "3"]); (None, []) if no process."""
        head, _, rest = rel.partition("/")
        if head == "self":
            head = str(self.host.shell_pid)
        canonical = head.isdigit() and str(int(head)) == head  # /proc/01 does not exist
        proc = self.host.processes.get(int(head)) if canonical else None
        return proc, rest.split("/") if rest else []

    def _kind(self, rel: str) -> str | None:
        """"dir", "file", "link" or None for a path below /proc."""
        if rel in ("", *self._MOUNTED):
            return "dir"
        if rel == "self":
            return "link"
        proc, parts = self._lookup(rel)
        if proc is None:
            return None
        if not parts:
            return "dir"
        kind = _PID_ENTRIES.get(parts[0])
        if len(parts) == 1 or kind != "dir":
            return kind if len(parts) == 1 else None
        if len(parts) == 2 and parts[1].isdigit() and int(parts[1]) in proc.fd_table:
            return "link" if str(int(parts[1])) == parts[1] else None
        return None

    # FsProvider interface ----------------------------------------------------------
    def exists(self, rel: str) -> bool:
        return self._kind(rel) is not None

    def is_dir(self, rel: str) -> bool:
        return self._kind(rel) == "dir"

    def listdir(self, rel: str) -> list[str]:
        kind = self._kind(rel)
        if kind != "dir":
            raise oserror(errno.ENOTDIR if kind else errno.ENOENT)
        if rel == "":
            return [str(p.pid) for p in self.host.processes.running()] + ["net", "self", "sys"]
        proc, parts = self._lookup(rel)
        assert proc is not None
        if parts == ["fd"]:
            return [str(fd) for fd in sorted(proc.fd_table)]
        return sorted(_PID_ENTRIES)

    def read(self, rel: str) -> str:
        proc, parts = self._lookup(rel)
        if proc is None or self._kind(rel) != "file":
            raise oserror(errno.ENOENT)
        if parts == ["cmdline"]:
            # argv as the process's memory holds it: each word ends with a NUL
            return "".join(word + "\0" for word in proc.cmdline)
        if parts == ["comm"]:
            return proc.comm + "\n"
        return proc_status(proc)

    def write(self, rel: str, text: str) -> None:
        """``echo name > /proc/self/comm`` renames the writer (comm_write()).

        Only a process's own comm may be written (the shell's, here): another's is
        EINVAL. The kernel keeps the bytes as written, newline included, up to 15.
        """
        proc, parts = self._lookup(rel)
        if proc is None or parts != ["comm"]:
            raise oserror(errno.EACCES)
        if proc is not self.host.processes.login_shell:
            raise oserror(errno.EINVAL)
        proc.comm = text[:15]

    def readlink(self, rel: str) -> str | None:
        if rel == "self":
            return str(self.host.shell_pid)
        if self._kind(rel) != "link":
            return None
        proc, parts = self._lookup(rel)
        assert proc is not None
        return proc.fd_target(int(parts[1]))

    def mode(self, rel: str) -> int:
        kind = self._kind(rel)
        if rel == "self":
            return 0o777
        if kind == "link":
            proc, parts = self._lookup(rel)
            assert proc is not None
            return _FD_LINK_MODES.get(proc.fd_mode(int(parts[1])), 0o700)
        if rel.endswith("/fd") or rel == "self/fd":
            return 0o500  # dr-x------: only the owner may look at a process's files
        if kind == "dir":
            return 0o555
        return 0o644 if rel.endswith("/comm") else 0o444

    def size(self, rel: str) -> int:
        return 64 if self._kind(rel) == "link" and rel != "self" else 0

    def mtime(self, rel: str) -> float:
        """Wall-clock time the entry was first looked up (procfs inodes are made then)."""
        now = self.host.processes.now()
        proc, _ = self._lookup(rel)
        if proc is None:
            return wall_clock(0.0)  # /proc itself and self: there since boot
        key = (proc.pid, proc.start_time, rel.partition("/")[2])
        return wall_clock(self._born.setdefault(key, now))
