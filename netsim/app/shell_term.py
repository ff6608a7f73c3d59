"""The real terminal under ``netsim shell``: the screen, Ctrl-C, the clock's pace, and
reading lines (readline with history and completion at a tty, plain lines otherwise).

* :class:`Screen` is the :class:`~netsim.user.terminal.Terminal` the simulated shell
  writes to: text goes to the real stdout/stderr at once, bytes as the tools made them.
* :class:`Pacer` makes simulated time pass no faster than real time while a command
  runs (``--speed`` times faster if asked): a tick every 50 simulated milliseconds
  sleeps until the wall clock has caught up, and delivers a pending Ctrl-C. Time
  spent at the prompt passes in the world too, before the next command runs
  (:meth:`Pacer.catch_up`): an idle bridge's forward delay runs out while you read.
* :func:`ctrl_c_goes_to` turns SIGINT, while a command runs, into a key press for the
  screen instead of Python's KeyboardInterrupt.
* :class:`LineReader` reads a line: GNU readline at a terminal (history in a file,
  Tab completion, the arrow keys), ``readline()`` on anything else (a script piped in).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from netsim.engine.clock import RunawayError
from netsim.user.terminal import Terminal

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.world import World

SLICE = 0.05  # simulated seconds between two ticks of the pacer
HISTORY_LENGTH = 1000


def put(stream: IO[str], text: str) -> None:
    """Write ``text`` and flush: as bytes (UTF-8, a tool's odd byte kept) when the
    stream has a binary buffer, as text otherwise (a StringIO in a test)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(text.encode("utf-8", "surrogateescape"))
        buffer.flush()
    else:
        stream.write(text)
        stream.flush()


class Screen(Terminal):
    """The terminal of a session: what the simulated shell writes shows on ``out``
    (descriptor 1) and ``err`` (descriptor 2) as it is written.

    ``session`` is the session it belongs to (the session's programs reach it through
    ``io.terminal``); ``logins`` collects the machines ``ssh NAME`` asked to log in to.
    """

    def __init__(self, out: IO[str], err: IO[str], interactive: bool,
                 echo_ctrl_c: bool = False) -> None:
        super().__init__(interactive=interactive)
        self.out = out
        self.err = err
        self.echo_ctrl_c = echo_ctrl_c  # the tty does not show ^C itself: we do
        self.session: object = None
        self.logins: list[Host] = []
        self.leave: int | None = None  # `logout`: the status to leave this machine with
        self.broken = False  # the reader of our output went away (`| head`)

    def show(self, fd: int, text: str) -> None:
        if self.broken:
            return
        stream = self.err if fd == 2 else self.out
        try:
            put(stream, text)
        except (BrokenPipeError, ValueError):  # a closed pipe or file: nobody reads on
            self.broken = True
            _silence(stream)

    def say(self, text: str) -> None:
        """A line of the session's own (``logout``, ``Connection to vm1 closed.``)."""
        self.show(2, text)

    def deliver(self) -> None:
        if self.pending and self.echo_ctrl_c:
            self.show(1, "^C")  # here, not in the signal handler: no reentrant write
        super().deliver()


class Pacer:
    """Simulated time at the pace of real time (``speed`` simulated seconds per real
    second) while a command runs; Ctrl-C delivered between steps."""

    def __init__(self, world: World, screen: Screen, speed: float) -> None:
        self.world = world
        self.screen = screen
        self.speed = speed
        self.active = False
        self._armed = False
        self._wall0 = self._sim0 = 0.0
        self._idle_since = time.monotonic()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """A command line runs: its simulated time follows the wall clock from now."""
        self._start()
        try:
            yield
        finally:
            self.active = False
            self._idle_since = time.monotonic()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Inside, time runs as fast as the computer goes (``lab check``'s probes)."""
        was = self.active
        self.active = False
        try:
            yield
        finally:
            if was:
                self._start()

    def _start(self) -> None:
        self.active = True
        self._wall0, self._sim0 = time.monotonic(), self.world.now
        if not self._armed and self.speed > 0:
            self._armed = True
            self.world.clock.call_later(SLICE, self._tick)

    def _tick(self) -> None:
        self._armed = False
        if not self.active:
            return  # a tick left from an earlier command: the next one arms its own
        due = self._wall0 + (self.world.now - self._sim0) / self.speed
        self._sleep_until(due)
        self._renew_guard()
        self._armed = True  # armed before delivering: Ctrl-C may end the run here
        self.world.clock.call_later(SLICE, self._tick)
        self.screen.deliver()

    def _sleep_until(self, due: float) -> None:
        """Wait for the wall clock, Ctrl-C cutting the wait short. The real-time guard
        (``clock.wall_limit``'s SIGALRM timer) stops while we wait: waiting is not the
        command's computing."""
        if due <= time.monotonic():
            return
        main = threading.current_thread() is threading.main_thread()
        left = signal.setitimer(signal.ITIMER_REAL, 0)[0] if main else 0.0
        try:
            while not self.screen.pending:
                delay = due - time.monotonic()
                if delay <= 0:
                    break
                time.sleep(min(delay, 0.02))
        finally:
            if left:
                signal.setitimer(signal.ITIMER_REAL, left)

    def _renew_guard(self) -> None:
        """Simulated time moved on by a slice: the real-time guard, which catches what
        computes without moving it (``clock.wall_limit``), starts again, so a ping
        left running for an hour is not taken for a runaway pattern."""
        budget = self.world.clock.wall_budget
        if not budget or threading.current_thread() is not threading.main_thread():
            return
        if signal.getitimer(signal.ITIMER_REAL)[0]:
            signal.setitimer(signal.ITIMER_REAL, budget)

    def catch_up(self) -> None:
        """The time spent at the prompt passes in the world (daemons, timers, STP)."""
        idle = (time.monotonic() - self._idle_since) * self.speed
        self._idle_since = time.monotonic()
        if not idle > 0:
            return
        clock = self.world.clock
        with clock.budget():
            try:
                self.world.run(idle)
            except RunawayError as stop:
                self.screen.say(f"{stop}\n")


@contextlib.contextmanager
def ctrl_c_goes_to(screen: Screen) -> Iterator[None]:
    """While a command runs, SIGINT is Ctrl-C on the simulated terminal (the screen
    delivers it, and shows ``^C`` if the tty does not)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def pressed(_signum: int, _frame: object) -> None:
        screen.press_ctrl_c()

    previous = signal.signal(signal.SIGINT, pressed)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        screen.pending = False  # a Ctrl-C nothing took ends with the command


def _silence(stream: IO[str]) -> None:
    """Point a stream whose reader went away at /dev/null, so that Python's flush at
    exit is quiet too (what ``netsim``'s entry point does for ``| head``)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def tty_echoes_ctrl_c(stream: IO[str]) -> bool:
    """Whether the terminal driver itself shows ``^C`` when Ctrl-C is pressed while a
    command runs (ECHO and ECHOCTL, Linux's default)."""
    try:
        import termios
    except ImportError:
        return False
    try:
        lflag = termios.tcgetattr(stream.fileno())[3]
    except (termios.error, OSError, ValueError, AttributeError):
        return False
    return bool(lflag & termios.ECHO and lflag & termios.ECHOCTL)


def history_file(key: str) -> Path:
    """Where the history of sessions on ``key`` (a scenario or lab) is kept:
    ``$NETSIM_HISTFILE``, else ``$XDG_STATE_HOME/netsim/history-KEY`` (default state
    directory ``~/.local/state``)."""
    override = os.environ.get("NETSIM_HISTFILE")
    if override:
        return Path(override)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key) or "shell"
    return Path(state) / "netsim" / f"history-{safe}"


class LineReader:
    """Reads command lines: with GNU readline when ``interactive`` (a prompt, history,
    completion), plainly otherwise. :meth:`read` returns None at end of input and
    lets Ctrl-C (KeyboardInterrupt) through."""

    def __init__(self, stdin: IO[str], interactive: bool, histfile: Path | None,
                 completer: Callable[[str, str], list[str]] | None,
                 prompt_to: IO[str] | None = None) -> None:
        self.stdin = stdin
        self.interactive = interactive
        self.histfile = histfile
        self.prompt_to = prompt_to  # where a plain reader shows the prompt, if anywhere
        self._readline = None
        if interactive:
            self._readline = _setup_readline(histfile, completer)

    def read(self, prompt: str) -> str | None:
        if self._readline is None:
            if self.prompt_to is not None:
                put(self.prompt_to, prompt)
            binary = getattr(self.stdin, "buffer", None)
            if binary is not None:  # bytes, as bash reads them (any byte goes through)
                data = binary.readline()
                line = data.decode("utf-8", "surrogateescape")
            else:
                line = self.stdin.readline()
            if not line:
                return None
            return line[:-1] if line.endswith("\n") else line
        try:
            return input(prompt)
        except EOFError:
            return None

    def remember(self, line: str) -> None:
        """Add a typed line to the history (bash's ``ignoreboth``: not a repeat of the
        last one, not one starting with a blank)."""
        rl = self._readline
        if rl is None or not line.strip() or line[0].isspace():
            return
        length = rl.get_current_history_length()
        if length and rl.get_history_item(length) == line:
            return
        rl.add_history(line)

    def history(self) -> list[str]:
        rl = self._readline
        if rl is None:
            return []
        return [rl.get_history_item(i) or "" for i in
                range(1, rl.get_current_history_length() + 1)]

    def clear_history(self) -> None:
        if self._readline is not None:
            self._readline.clear_history()

    def close(self) -> None:
        """Keep the history for the next session."""
        rl = self._readline
        if rl is None or self.histfile is None:
            return
        with contextlib.suppress(OSError):
            self.histfile.parent.mkdir(parents=True, exist_ok=True)
            rl.set_history_length(HISTORY_LENGTH)
            rl.write_history_file(str(self.histfile))


def _setup_readline(histfile: Path | None, completer: Callable[[str, str], list[str]] | None):
    """GNU readline for this session: its history file read, Tab bound to completion."""
    try:
        import readline
    except ImportError:  # a Python without readline: plain input() still works
        return None
    readline.set_auto_history(False)
    readline.clear_history()
    if histfile is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(str(histfile))
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    readline.set_completer_delims(" \t\n;|&()<>=")
    if completer is not None:

        def hook(text: str, state: int) -> str | None:
            try:
                if state == 0:
                    line = readline.get_line_buffer()[: readline.get_endidx()]
                    matches = completer(line, text)
                    if len(matches) == 1 and not matches[0].endswith(("/", ".")):
                        matches = [matches[0] + " "]  # Python's readline adds no space
                    hook.matches = matches
                return hook.matches[state] if state < len(hook.matches) else None
            except Exception:  # noqa: BLE001 - a completion must never break the prompt
                return None

        hook.matches = []
        readline.set_completer(hook)
    return readline


def stream_is_tty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def real_streams() -> tuple[IO[str], IO[str], IO[str]]:
    return sys.stdin, sys.stdout, sys.stderr
