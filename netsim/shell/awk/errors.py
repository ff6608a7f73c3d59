"""Errors and jumps: the exceptions the awk parser and runner raise.

A syntax error carries the line mawk would report; a runtime error ends the program
with status 2. ``break``, ``continue``, ``next``, ``nextfile``, ``exit`` and ``return``
are exceptions too (:class:`_Jump`), because each leaves any number of nested Python
calls at once -- a loop body, a user function, the main record loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.shell.awk.values import _Value


class _AwkSyntaxError(Exception):
    """A program that does not parse: ``awk: line N: message``, exit status 2."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _AwkRuntimeError(Exception):
    """A program that fails while running (division by zero, ``$-1``...), status 2."""


class _Jump(Exception):
    """Base of the exceptions that carry control out of nested statements."""


class _BreakLoop(_Jump):
    pass


class _ContinueLoop(_Jump):
    pass


class _NextRecord(_Jump):
    pass


class _NextFile(_Jump):
    pass


class _ExitProgram(_Jump):
    def __init__(self, status: int | None) -> None:
        super().__init__()
        self.status = status  # None: `exit` without a value keeps the earlier status


class _ReturnValue(_Jump):
    def __init__(self, value: _Value) -> None:
        super().__init__()
        self.value = value
