"""The terminal a person types at: output that shows as it is written, and Ctrl-C.

``host.sh()`` and a notebook have no terminal: what a command prints is handed back
when it ends, and a command must end by itself (``ping`` without ``-c`` sends 4
requests and says so). ``netsim shell`` sits a person at one: the shell gives the
command whose standard output is that terminal its :class:`Terminal` (``io.terminal``,
see :class:`netsim.user.io.Io`), and what the command writes goes to :meth:`Terminal.show`
at once, while simulated time passes.

When :attr:`Terminal.interactive` is set someone can press Ctrl-C while a command runs,
so a program may run until then (``ping`` without ``-c``). Ctrl-C is delivered as the
kernel delivers SIGINT to the foreground process: to the handler the program installed
(:meth:`Terminal.on_interrupt`; ``ping`` stops and prints its statistics), and a
program without one is ended: :class:`Interrupted` unwinds it and the shell reports
status 130, as bash does for a program killed by SIGINT. The session that owns the
terminal notes the key press (:meth:`Terminal.press_ctrl_c`, from its signal handler)
and calls :meth:`Terminal.deliver` while the simulation runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from netsim.engine.clock import RunawayError

INTERRUPT_STATUS = 130  # 128 + SIGINT: what bash reports for a program Ctrl-C ended


class Interrupted(RunawayError):
    """Ctrl-C ended a command that installed no handler: the command line stops, with
    status :data:`INTERRUPT_STATUS` (the message is empty: bash prints only a newline)."""

    status = INTERRUPT_STATUS


class Terminal:
    """A terminal: :meth:`show` puts text on the screen (``fd`` 1 or 2); Ctrl-C goes to
    the newest handler a program installed, else ends the command."""

    def __init__(self, interactive: bool = False) -> None:
        self.interactive = interactive
        self.pending = False  # Ctrl-C was pressed and not delivered yet
        self._handlers: list[Callable[[], None]] = []

    def show(self, fd: int, text: str) -> None:
        """Put ``text``, written on descriptor ``fd``, on the screen (a session overrides
        this; the base class shows nothing)."""

    @contextmanager
    def on_interrupt(self, handler: Callable[[], None]) -> Iterator[None]:
        """``signal(SIGINT, handler)`` for the block: Ctrl-C calls ``handler()``."""
        self._handlers.append(handler)
        try:
            yield
        finally:
            self._handlers.remove(handler)

    def press_ctrl_c(self) -> None:
        """Ctrl-C was pressed: delivered at the next :meth:`deliver`."""
        self.pending = True

    def deliver(self) -> None:
        """Deliver a pending Ctrl-C: to the newest handler, or else end the command by
        raising :class:`Interrupted`."""
        if not self.pending:
            return
        self.pending = False
        if self._handlers:
            self._handlers[-1]()
            return
        raise Interrupted("")

    def check(self) -> None:
        """Where a program writes: a pending Ctrl-C that no handler takes ends it now
        (``seq 1 1e12`` at the prompt stops at Ctrl-C); a handled one waits for
        :meth:`deliver`, which the session calls between steps of the simulation."""
        if self.pending and not self._handlers:
            self.deliver()
