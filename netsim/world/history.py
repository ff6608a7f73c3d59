"""What was typed where: the lab's command history, to replay by hand.

Every command line a host or a guest runs through ``sh()`` (and every ``spawn()``,
shown with ``&``) is kept with the machine's name, in order; cables laid with
``Lab.link`` appear as comments, since no command lays a cable. A scenario built
this way prints the exact list a student can type on real machines::

    >>> print(lab.history())
    # cable: host:eth0 <-> switch:port1
    switch$ ip link add name br0 type bridge
    ...
"""

from __future__ import annotations

from typing import NamedTuple


class HistoryEntry(NamedTuple):  # immutable, and cheaper to create than a frozen dataclass
    time: float      # simulated seconds when it was typed
    machine: str     # host or VM name; "" for a comment
    command: str     # the line as typed (a comment starts with "#")
    status: int | None = None  # its exit status, None while unknown (background, comment)

    def __str__(self) -> str:
        if not self.machine:
            return self.command
        return f"{self.machine}$ {self.command}"


class History(list[HistoryEntry]):
    """A list of :class:`HistoryEntry` that prints as a transcript (``str``) and can be
    narrowed to one machine with :meth:`on`."""

    def on(self, machine: str) -> History:
        """The commands typed on one machine, in order."""
        return History(e for e in self if e.machine == machine)

    def commands(self) -> list[str]:
        """Just the command lines (no comments), e.g. to paste into a terminal."""
        return [e.command for e in self if e.machine]

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython shows the transcript
        printer.text(str(self))
