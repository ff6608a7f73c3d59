"""The syntax tree: one small dataclass per kind of expression and statement.

The parser builds these and the runner walks them; they hold no behaviour.
:data:`_NODE_TYPES` names each node type, so the runner can find the ``_e_<name>`` or
``_x_<name>`` method that evaluates or executes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


# Expressions.
@dataclass(slots=True)
class _Num:
    value: float


@dataclass(slots=True)
class _Str:
    value: str


@dataclass(slots=True)
class _Regex:
    """``/re/``: alone it means ``$0 ~ /re/``; as an argument, the regex itself."""

    source: str
    pattern: re.Pattern[str]


@dataclass(slots=True)
class _Var:
    """A variable; ``slot`` is its index among a function's parameters, else None."""

    name: str
    slot: int | None


@dataclass(slots=True)
class _Field:
    index: _Expr


@dataclass(slots=True)
class _Index:
    array: _Var
    subscripts: list[_Expr]


@dataclass(slots=True)
class _Assign:
    op: str  # "=" or an arithmetic operator for `+=`...
    target: _LValue
    value: _Expr


@dataclass(slots=True)
class _Cond:
    test: _Expr
    yes: _Expr
    no: _Expr


@dataclass(slots=True)
class _Logic:
    op: str  # && or ||
    left: _Expr
    right: _Expr


@dataclass(slots=True)
class _Not:
    operand: _Expr


@dataclass(slots=True)
class _Unary:
    op: str  # - or +
    operand: _Expr


@dataclass(slots=True)
class _Arith:
    op: str  # + - * / % ^
    left: _Expr
    right: _Expr


@dataclass(slots=True)
class _Compare:
    op: str
    left: _Expr
    right: _Expr


@dataclass(slots=True)
class _Match:
    negate: bool
    subject: _Expr
    regex: _Expr


@dataclass(slots=True)
class _Concat:
    parts: list[_Expr]


@dataclass(slots=True)
class _IncDec:
    delta: float
    prefix: bool
    target: _LValue


@dataclass(slots=True)
class _In:
    subscripts: list[_Expr]
    array: _Var


@dataclass(slots=True)
class _Call:
    name: str
    args: list[_Expr]
    line: int


@dataclass(slots=True)
class _Builtin:
    name: str
    args: list[_Expr]


@dataclass(slots=True)
class _Getline:
    source: str  # "main" (plain getline), "file" (getline < f) or "cmd" (c | getline)
    target: _LValue | None
    operand: _Expr | None


_Expr = (_Num | _Str | _Regex | _Var | _Field | _Index | _Assign | _Cond | _Logic | _Not | _Unary
         | _Arith | _Compare | _Match | _Concat | _IncDec | _In | _Call | _Builtin | _Getline)
_LValue = _Var | _Field | _Index


# Statements.
@dataclass(slots=True)
class _ExprStmt:
    expr: _Expr


@dataclass(slots=True)
class _Print:
    printf: bool
    args: list[_Expr]
    redirect: str | None  # > >> | or None for standard output
    dest: _Expr | None


@dataclass(slots=True)
class _If:
    test: _Expr
    then: _Stmt
    orelse: _Stmt | None


@dataclass(slots=True)
class _While:
    test: _Expr
    body: _Stmt


@dataclass(slots=True)
class _Do:
    body: _Stmt
    test: _Expr


@dataclass(slots=True)
class _For:
    init: _Expr | None
    test: _Expr | None
    step: _Expr | None
    body: _Stmt


@dataclass(slots=True)
class _ForIn:
    var: _Var
    array: _Var
    body: _Stmt


@dataclass(slots=True)
class _Block:
    body: list[_Stmt]


@dataclass(slots=True)
class _Jumper:
    kind: str  # break continue next nextfile


@dataclass(slots=True)
class _Exit:
    value: _Expr | None


@dataclass(slots=True)
class _Return:
    value: _Expr | None


@dataclass(slots=True)
class _Delete:
    array: _Var
    subscripts: list[_Expr] | None  # None: the whole array


_Stmt = (_ExprStmt | _Print | _If | _While | _Do | _For | _ForIn | _Block | _Jumper | _Exit
         | _Return | _Delete)


@dataclass(slots=True)
class _Rule:
    kind: str  # BEGIN, END or main
    pattern: _Expr | None
    end: _Expr | None  # the second pattern of a range
    action: _Block | None  # None: print the record


@dataclass(slots=True)
class _Function:
    name: str
    params: list[str]
    body: _Block


@dataclass(slots=True)
class _Program:
    rules: list[_Rule]
    functions: dict[str, _Function]


def _is_lvalue(node: _Expr) -> bool:
    return isinstance(node, (_Var, _Field, _Index))


_NODE_TYPES: dict[str, type] = {
    "num": _Num, "str": _Str, "regex": _Regex, "var": _Var, "field": _Field, "index": _Index,
    "assign": _Assign, "cond": _Cond, "logic": _Logic, "not": _Not, "unary": _Unary,
    "arith": _Arith, "compare": _Compare, "match": _Match, "concat": _Concat,
    "incdec": _IncDec, "in": _In, "call": _Call, "builtin": _Builtin, "getline": _Getline,
    "exprstmt": _ExprStmt, "print": _Print, "if": _If, "while": _While, "do": _Do,
    "for": _For, "forin": _ForIn, "block": _Block, "jumper": _Jumper, "exit": _Exit,
    "return": _Return, "delete": _Delete,
}
