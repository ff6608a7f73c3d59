"""What a command gets and gives: argv, standard input, output and error text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.host import Host


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
    """One command's standard streams. Commands ``write``/``error`` text, never print."""

    stdin: str = ""
    cwd: str = "/root"
    env: dict[str, str] = field(default_factory=dict)
    _out: list[str] = field(default_factory=list)
    _err: list[str] = field(default_factory=list)

    def write(self, text: str) -> None:
        self._out.append(text)

    def error(self, text: str) -> None:
        self._err.append(text)

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        return "".join(self._err)


# A command: (host, argv, io) -> exit status. argv[0] is the command's name.
CommandFn = Callable[["Host", list[str], Io], int]
