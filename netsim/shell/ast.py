"""The syntax tree: what the parser builds and the interpreter walks.

A :class:`Word` is a list of parts -- literal text, ``~``, ``$name``, ``$(...)``,
``$((...))`` -- kept apart until the command runs, because quoting decides what happens
to each part (``$x`` is split into fields, ``"$x"`` is not). A command is one of the
nodes gathered in :data:`Node`: a :class:`Simple` command (assignments, words,
redirections), or a compound one made of others (a :class:`Pipeline`, an ``&&``/``||``
list, ``if``, loops, ``case``, a function definition...).

Plain dataclasses without behaviour, so that every other module can use them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Lit:
    """Literal text; ``quoted`` text is never split into fields nor used as a pattern."""

    text: str
    quoted: bool = False


@dataclass
class Tilde:
    """A leading ``~``: ``$HOME``."""


@dataclass
class Param:
    """``$name`` or ``${name<op><arg>}``; ``op`` is ``""``, ``"len"``, ``":-"``..."""

    name: str
    op: str = ""
    arg: Word | None = None
    quoted: bool = False
    arg2: Word | None = None  # the replacement in ${x/pat/rep}
    raw: str = ""


@dataclass
class CmdSub:
    """``$(...)`` or backquotes: the output of a parsed command list."""

    body: Node | None
    source: str
    quoted: bool = False


@dataclass
class Arith:
    """``$((expr))``; ``expr`` is expanded first, then evaluated."""

    expr: Word
    quoted: bool = False


Part = Lit | Tilde | Param | CmdSub | Arith


@dataclass
class Word:
    parts: list[Part]
    raw: str = ""
    lineno: int = 1

    def plain(self) -> str | None:
        """The text if the word has no quotes and no expansions (so it may be a keyword)."""
        if all(isinstance(p, Lit) and not p.quoted for p in self.parts):
            return "".join(p.text for p in self.parts)  # type: ignore[union-attr]
        return None


@dataclass
class HereDoc:
    delimiter: str
    expand: bool
    strip_tabs: bool
    lineno: int
    body: Word | None = None


@dataclass
class Redirect:
    fd: int | None
    op: str
    target: Word | None = None
    heredoc: HereDoc | None = None


@dataclass
class Simple:
    assigns: list[tuple[str, Word, bool]]
    words: list[Word]
    redirects: list[Redirect]
    lineno: int


@dataclass
class Pipeline:
    commands: list[Node]
    negated: bool = False


@dataclass
class AndOr:
    first: Node
    rest: list[tuple[str, Node]]


@dataclass
class Sequence:
    items: list[Node]


@dataclass
class Group:
    body: Node
    subshell: bool


@dataclass
class Background:
    """``cmd &``: run here to completion (nothing runs concurrently), status 0."""

    body: Node


@dataclass
class Redirected:
    """A compound command with redirections: ``while ...; done < file``."""

    body: Node
    redirects: list[Redirect]


@dataclass
class If:
    branches: list[tuple[Node, Node]]
    orelse: Node | None


@dataclass
class Loop:
    cond: Node
    body: Node
    until: bool


@dataclass
class For:
    var: str
    items: list[Word] | None
    body: Node


@dataclass
class ArithFor:
    init: Word
    cond: Word
    step: Word
    body: Node


@dataclass
class CaseItem:
    patterns: list[Word]
    body: Node | None


@dataclass
class Case:
    word: Word
    items: list[CaseItem]


@dataclass
class FuncDef:
    name: str
    body: Node


@dataclass
class ArithCmd:
    expr: Word
    lineno: int


@dataclass
class CondCmd:
    """``[[ ... ]]``: words, and operators kept as plain strings."""

    items: list[Word | str]
    lineno: int


Node = (
    Simple | Pipeline | AndOr | Sequence | Group | Background | Redirected | If | Loop | For
    | ArithFor | Case | FuncDef | ArithCmd | CondCmd
)
