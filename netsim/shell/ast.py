"""The syntax tree: what the parser builds and the interpreter walks.

A :class:`Word` is a list of parts -- literal text, ``~``, ``$name``, ``$(...)``,
``$((...))`` -- kept apart until the command runs, because quoting decides what happens
to each part (``$x`` is split into fields, ``"$x"`` is not). A command is one of the
nodes gathered in :data:`Node`: a :class:`Simple` command (assignments, words,
redirections), or a compound one made of others (a :class:`Pipeline`, an ``&&``/``||``
list, ``if``, loops, ``case``, a function definition...).

Plain records without behaviour, so that every other module can use them. They behave
as dataclasses do (positional or keyword arguments with the class's defaults, a
``repr`` naming the fields, ``==`` field by field, ``match`` patterns), but
:class:`_Node` gives them that without generating code for each class: two dozen
``@dataclass`` classes cost more to create than the rest of the shell does to import,
and every host's first command waits for them.
"""

from __future__ import annotations

from typing import Any, ClassVar


class _Node:
    """A record whose fields are the names its class annotates, in order."""

    _fields: ClassVar[tuple[str, ...]] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._fields = tuple(cls.__dict__.get("__annotations__", ()))
        cls.__match_args__ = cls._fields

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        fields = cls._fields
        if len(args) > len(fields):
            raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments, "
                            f"{len(args)} given")
        values = dict(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{cls.__name__}() got an unexpected or repeated "
                                f"argument {name!r}")
            values[name] = value
        if len(values) < len(fields):
            for name in fields:
                if name not in values:
                    if name not in cls.__dict__:  # no default
                        raise TypeError(f"{cls.__name__}() missing argument {name!r}")
                    values[name] = cls.__dict__[name]
        self.__dict__.update(values)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = self._fields
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


class Lit(_Node):
    """Literal text; ``quoted`` text is never split into fields nor used as a pattern."""

    text: str
    quoted: bool = False


class Tilde(_Node):
    """A leading ``~``: ``$HOME``."""


class Param(_Node):
    """``$name`` or ``${name<op><arg>}``; ``op`` is ``""``, ``"len"``, ``":-"``..."""

    name: str
    op: str = ""
    arg: Word | None = None
    quoted: bool = False
    arg2: Word | None = None  # the replacement in ${x/pat/rep}
    raw: str = ""


class CmdSub(_Node):
    """``$(...)`` or backquotes: the output of a parsed command list."""

    body: Node | None
    source: str
    quoted: bool = False


class Arith(_Node):
    """``$((expr))``; ``expr`` is expanded first, then evaluated."""

    expr: Word
    quoted: bool = False


Part = Lit | Tilde | Param | CmdSub | Arith


class Word(_Node):
    parts: list[Part]
    raw: str = ""
    lineno: int = 1

    def plain(self) -> str | None:
        """The text if the word has no quotes and no expansions (so it may be a keyword)."""
        if all(isinstance(p, Lit) and not p.quoted for p in self.parts):
            return "".join(p.text for p in self.parts)  # type: ignore[union-attr]
        return None


class HereDoc(_Node):
    delimiter: str
    expand: bool
    strip_tabs: bool
    lineno: int
    body: Word | None = None


class Redirect(_Node):
    fd: int | None
    op: str
    target: Word | None = None
    heredoc: HereDoc | None = None


class Simple(_Node):
    assigns: list[tuple[str, Word, bool]]
    words: list[Word]
    redirects: list[Redirect]
    lineno: int


class Pipeline(_Node):
    commands: list[Node]
    negated: bool = False


class AndOr(_Node):
    first: Node
    rest: list[tuple[str, Node]]


class Sequence(_Node):
    items: list[Node]


class Group(_Node):
    body: Node
    subshell: bool


class Background(_Node):
    """``cmd &``: run here to completion (nothing runs concurrently), status 0."""

    body: Node


class Redirected(_Node):
    """A compound command with redirections: ``while ...; done < file``."""

    body: Node
    redirects: list[Redirect]


class If(_Node):
    branches: list[tuple[Node, Node]]
    orelse: Node | None


class Loop(_Node):
    cond: Node
    body: Node
    until: bool


class For(_Node):
    var: str
    items: list[Word] | None
    body: Node


class ArithFor(_Node):
    init: Word
    cond: Word
    step: Word
    body: Node


class CaseItem(_Node):
    patterns: list[Word]
    body: Node | None


class Case(_Node):
    word: Word
    items: list[CaseItem]


class FuncDef(_Node):
    name: str
    body: Node


class ArithCmd(_Node):
    expr: Word
    lineno: int


class CondCmd(_Node):
    """``[[ ... ]]``: words, and operators kept as plain strings."""

    items: list[Word | str]
    lineno: int


Node = (
    Simple | Pipeline | AndOr | Sequence | Group | Background | Redirected | If | Loop | For
    | ArithFor | Case | FuncDef | ArithCmd | CondCmd
)
