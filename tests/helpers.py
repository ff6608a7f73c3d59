"""What the tests share, as plain functions: a fresh host (:func:`new_host`), a script run
in its shell (:func:`ok`, :func:`sh`), a simulated tool run through its main() and checked
against the real one (:class:`ToolUnderTest`), and the transcripts recorded on Linux that
the tools replay (:func:`parse_transcript`).

A transcript is a run of blocks ``### CMD -> rc=N`` followed by the lines the command
printed, ``O|line$`` on standard output and ``E|line$`` on standard error; ``<T>`` is a
tab, ``$`` ends a line (so trailing spaces show) and ``<+>`` at the end of a line joins
it to the next (a long line cut in two). A file may name markers, lines that stand for a
long text such as a usage message (``@USAGE``).

Fixtures built on these (the ``host`` fixture) are in ``conftest.py``; small worlds of
several hosts and the frames sent through them are in ``lab_builders.py``.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping

import netsim
from netsim.user.io import CommandFn, Io

# The oracle's host init: what the recording scripts ran in a fresh network namespace
# before the transcripts (IPv6 off, no IGMP reports for link-local groups, lo up).
HOST_INIT = ("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; "
             "sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0; ip link set lo up")

Step = tuple[str, int, str, str]
"""One recorded command: (command, exit status, stdout, stderr)."""


def new_host(name: str = "h1", *, seed: int = 0, init: str | None = HOST_INIT,
             hints: bool = True) -> netsim.Host:
    """The one host of a fresh lab (``host.lab``).

    By default the host the transcripts were recorded on: h1 after :data:`HOST_INIT`.
    ``init=None`` leaves it as it boots (no command run: PIDs start right after the
    login shell's); ``hints=False`` gives the real tools' texts without netsim's hints.
    """
    lab = netsim.Lab(seed=seed)
    lab.hints = hints
    host = lab.host(name)
    if init:
        assert host.sh(init).returncode == 0
    return host


def ok(host: netsim.Host, script: str) -> str:
    """Run a script that must succeed in the host's shell; return its stdout."""
    result = host.sh(script)
    assert result.returncode == 0, f"{host.name}$ {script}\n{result.stderr}"
    return result.stdout


def sh(host: netsim.Host, script: str) -> tuple[int, str, str]:
    """(status, stdout, stderr) of a script run by the host's shell."""
    result = host.sh(script)
    return result.returncode, result.stdout, result.stderr


def guest_address(guest: netsim.Host) -> str:
    """The guest's IPv4 address on eth0, as ``ip -4 -o addr show eth0`` prints it."""
    fields = guest.sh("ip -4 -o addr show eth0").stdout.split()
    return fields[fields.index("inet") + 1].split("/")[0]


class ToolUnderTest:
    """A simulated tool checked against the real one.

    A command that starts with the tool's ``name`` runs through its ``main()`` (what
    is compared byte for byte); any other command runs through the host's shell.
    ``world(host)`` is everything the tool could change: a refused command must leave
    it as it was.
    """

    def __init__(self, name: str, main: CommandFn,
                 world: Callable[[netsim.Host], object] | None = None) -> None:
        self.name = name
        self.main = main
        self.world = world

    def run(self, host: netsim.Host, cmd: str, stdin: str = "") -> tuple[int, str, str]:
        """(status, stdout, stderr) of ``cmd``; ``stdin`` goes to the tool."""
        if cmd.startswith(self.name):
            io = Io(stdin=stdin)
            rc = self.main(host, shlex.split(cmd), io)
            return rc, io.stdout, io.stderr
        return sh(host, cmd)

    def ok(self, host: netsim.Host, cmd: str) -> str:
        """The stdout of a command that must succeed with nothing on stderr."""
        rc, out, err = self.run(host, cmd)
        assert rc == 0 and err == "", f"$ {cmd}\n{err}"
        return out

    def refused(self, host: netsim.Host, cmd: str, rc: int, stderr: str,
                stdout: str = "") -> None:
        """The exact status and texts, and the world as it was."""
        before = self._world(host)
        assert self.run(host, cmd) == (rc, stdout, stderr), f"$ {cmd}"
        assert self._world(host) == before, f"$ {cmd} failed but changed the world"

    def replay(self, host: netsim.Host, steps: Iterable[Step], *,
               may_change: Iterable[str] = (),
               mask: Callable[[str], str] | None = None) -> None:
        """Run recorded steps in order: each prints what Linux printed, and one that
        fails changes nothing, unless it is one of ``may_change`` (it fails on Linux too
        after changing something). ``mask`` rewrites what varies in our stdout (timers).
        """
        may_change = set(may_change)
        for cmd, rc, out, err in steps:
            before = self._world(host)
            got = self.run(host, cmd)
            if mask is not None:
                got = (got[0], mask(got[1]), got[2])
            assert got == (rc, out, err), f"$ {cmd}"
            if rc != 0 and cmd not in may_change:
                assert self._world(host) == before, f"$ {cmd} failed but changed the world"

    def _world(self, host: netsim.Host) -> object:
        return None if self.world is None else self.world(host)


def parse_transcript(text: str, out_markers: Mapping[str, str] | None = None,
                     err_markers: Mapping[str, str] | None = None) -> list[Step]:
    """The steps of a transcript (see the module's doc).

    A line equal to a key of ``out_markers`` (``err_markers``) stands for that key's text
    on stdout (stderr).
    """
    out_markers = out_markers or {}
    err_markers = err_markers or {}
    text = text.replace("<+>\n", "")
    steps = []
    for block in text.split("### ")[1:]:
        head, *lines = block.rstrip("\n").split("\n")
        cmd, rc = head.rsplit(" -> rc=", 1)
        out = err = ""
        for line in lines:
            if line in out_markers:
                out += out_markers[line]
            elif line in err_markers:
                err += err_markers[line]
            elif line.startswith("O|"):
                out += line[2:-1].replace("<T>", "\t") + "\n"
            else:
                err += line[2:-1].replace("<T>", "\t") + "\n"
        steps.append((cmd, int(rc), out, err))
    return steps
