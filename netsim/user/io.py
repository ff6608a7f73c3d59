"""What a command gets and gives: argv, standard input, output and error text.

:class:`OutputBuffer` is the one place text written to a stream is kept: a command's
``io.stdout``/``io.stderr``, a background process's ``proc.stdout``/``proc.stderr`` and
the shell's pipes and ``$(...)`` (``netsim.shell.redirect``) all collect into one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# What a command sees when the simulation's guard stops it (an event budget, see
# netsim.engine.clock): part of the interface between commands and whoever runs them.
from netsim.engine.clock import RunawayError

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.terminal import Terminal

__all__ = ["CommandFn", "CommandResult", "Io", "OutputBuffer", "RunawayError"]


class OutputBuffer:
    """Text written to one stream, in the order it was written.

    Writes are appended as pieces (cheap however many there are); :meth:`text` joins
    them and keeps the joined text as the one piece, so reading again -- as a caller
    polling a background process's output does -- costs nothing more until the next
    write.
    """

    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        if text:
            self._parts.append(text)

    def text(self) -> str:
        """Everything written so far."""
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def clear(self) -> None:
        self._parts = []

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OutputBuffer):
            return NotImplemented
        return self.text() == other.text()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list it replaces

    def __repr__(self) -> str:
        return f"OutputBuffer({self.text()!r})"


@dataclass
class CommandResult:
    """What ``host.sh(...)`` returns: like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str

    def __bool__(self) -> bool:  # `if h.sh("..."):` reads as "if it worked"
        return self.returncode == 0


@dataclass
class Io:
    """One command's standard streams. Commands ``write``/``error`` text, never print.

    ``terminal`` is the terminal the command's output goes to when a person types at
    one (``netsim shell``; see :mod:`netsim.user.terminal`), None under ``host.sh()``:
    a program that would run until Ctrl-C may then do so when it is ``interactive``.
    """

    stdin: str = ""
    cwd: str = "/root"
    env: dict[str, str] = field(default_factory=dict)
    # the credentials the command runs with (``setpriv`` changes them); uid 0 is root,
    # with every capability, any other uid has none
    uid: int = 0
    gid: int = 0
    groups: tuple[int, ...] = ()
    _out: OutputBuffer = field(default_factory=OutputBuffer)
    _err: OutputBuffer = field(default_factory=OutputBuffer)
    terminal: Terminal | None = None

    def write(self, text: str) -> None:
        self._out.write(text)

    def error(self, text: str) -> None:
        self._err.write(text)

    @property
    def stdout(self) -> str:
        return self._out.text()

    @property
    def stderr(self) -> str:
        return self._err.text()


# A command: (host, argv, io) -> exit status. argv[0] is the command's name.
CommandFn = Callable[["Host", list[str], Io], int]
