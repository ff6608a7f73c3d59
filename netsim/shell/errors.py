"""Limits and exceptions shared by every part of the shell.

The limits keep a student's endless loop or runaway recursion from hanging a notebook:
a script that exceeds one stops with a message (status 124, as ``timeout`` uses).

The exceptions come in two kinds. :class:`ShellSyntaxError` is text that does not
parse. The ``_Unwind`` family is how the interpreter leaves nested Python calls the
way a shell leaves nested commands: ``break``/``continue`` out of loops, ``return``
out of a function, ``exit`` out of a (sub)shell, an expansion error out of a script.
They live here, apart from the code that raises and catches them, so that no two
modules of the package need to import each other.
"""

from __future__ import annotations

import os

MAX_STEPS = 100_000  # simple commands + loop rounds in one run()
MAX_FUNC_DEPTH = 100  # nested function calls (bash's FUNCNEST)
MAX_NESTING = 150  # nested subshells, $(...), scripts, sourced files
MAX_PARSE_DEPTH = 200  # nested compound commands in the source text
MAX_TEXT = 8_000_000  # characters in one word, variable or output stream
_RECURSION_LIMIT = 20_000  # Python frames needed for the depths above
_LIMIT_STATUS = 124


class ShellSyntaxError(Exception):
    """Text that does not parse; ``message`` is bash's wording, without the prefix."""

    def __init__(self, message: str, lineno: int, show_line: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.lineno = lineno
        self.show_line = show_line  # bash echoes the offending line after "near token"


class _Unwind(Exception):
    """Base of the exceptions the executor uses to jump out of nested calls."""


class _Break(_Unwind):
    def __init__(self, levels: int, status: int = 0) -> None:
        super().__init__()
        self.levels = levels
        self.status = status  # the loop's status: 1 after ``break 0`` left every loop


class _Continue(_Unwind):
    def __init__(self, levels: int) -> None:
        super().__init__()
        self.levels = levels


class _Return(_Unwind):
    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status


class _Exit(_Unwind):
    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status


class _ExpansionError(_Unwind):
    """``${x:?}``, bad arithmetic, ``set -u``: a non-interactive bash stops the script."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class _LimitExceeded(_Unwind):
    """A resource limit: ends the whole ``run``, whatever subshell it happened in."""


class _Interrupted(_LimitExceeded):
    """A command that would never end at a real prompt (``sleep inf``): netsim's message,
    printed as it is, and the command line stops with ``status`` (130, Ctrl-C's)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Runaway(_LimitExceeded):
    """The simulation's own guard stopped a command (see ``netsim.engine.clock``), or
    Ctrl-C did (:mod:`netsim.user.terminal`): the message is netsim's, printed as it
    is, and the whole ``run`` ends with ``status``."""

    def __init__(self, message: str, status: int = _LIMIT_STATUS) -> None:
        super().__init__(message)
        self.status = status


class _RedirError(Exception):
    """A redirection that cannot be opened: the command is not run, status 1."""


class _Usage(Exception):
    """A bad option to a coreutil: its message, then GNU's 'Try ... --help' line."""

    def __init__(self, message: str, hint: bool = True) -> None:
        super().__init__(message)
        self.hint = hint


def _debug() -> bool:
    """``NETSIM_DEBUG`` is set: re-raise Python errors, so a developer sees them."""
    return bool(os.environ.get("NETSIM_DEBUG"))
