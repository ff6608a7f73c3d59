"""Regular expressions: POSIX EREs as awk writes them, translated to Python's ``re``.

The dialects differ in details that matter: ``[[:alpha:]]`` classes, ``]`` first in a
bracket, a backslash inside brackets, ``{n,m}`` intervals, and ``^``/``$`` anchoring
the whole string rather than a line. :func:`_translate` rewrites one into the other
and :func:`_compile` caches the result.
"""

from __future__ import annotations

import re
from functools import lru_cache

from netsim.shell.awk.lexer import _escape
from netsim.shell.awk.values import _SPACE
from netsim.shell.patterns import _CLASSES

_RE_DUP_MAX = 32767  # the largest count of a POSIX interval


def _valid_interval(m: re.Match[str]) -> bool:
    """``{n}``, ``{n,}``, ``{n,m}`` with counts up to RE_DUP_MAX and n <= m; any other
    brace is a literal character, like the rest of an invalid interval."""
    low, high = m.group(1), m.group(3)
    counts = [c.lstrip("0") or "0" for c in (low, high) if c]
    if any(len(c) > 5 or int(c) > _RE_DUP_MAX for c in counts):
        return False
    return not high or int(counts[0]) <= int(counts[1])


class _RegexError(Exception):
    """An ERE that cannot be translated; the message is mawk's wording."""


_INTERVAL = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")
_REGEX_ESCAPES = {  # gawk's regex operators; mawk knows none of them
    "s": rf"[{_SPACE}]", "S": rf"[^{_SPACE}]", "w": r"\w", "W": r"\W", "y": r"\b",
    "B": r"\B", "<": r"\b(?=\w)", ">": r"\b(?<=\w)", "`": r"\A", "'": r"\Z",
}


def _class_char(ch: str) -> str:
    """A character inside a Python character class, escaped if it means something there."""
    return "\\" + ch if ch in "\\]^-[&~|" else ch


def _regex_bracket(src: str, i: int) -> tuple[str, int]:
    """Translate the bracket expression at ``src[i] == '['``; return it and its end.

    Unlike POSIX brackets (and the shell's), awk's allow escapes: ``[\\/\\]]``.
    """
    n = len(src)
    j = i + 1
    negate = j < n and src[j] == "^"
    j += negate
    items: list[str] = []
    single = False  # the last item is one character, so a `-` after it makes a range
    first = True
    while j < n and (src[j] != "]" or first):
        first = False
        if src.startswith("[:", j):
            k = src.find(":]", j + 2)
            if k < 0 or src[j + 2 : k] not in _CLASSES:
                raise _RegexError("bad class -- [], [^] or [")
            items.append(_CLASSES[src[j + 2 : k]])
            j, single = k + 2, False
            continue
        c = src[j]
        if c == "-" and single and j + 1 < n and src[j + 1] != "]":
            items.append("-")
            j, single = j + 1, False
            continue
        if c == "\\" and j + 1 < n:
            ch, j = _escape(src, j + 1)
            if len(ch) == 2:  # unknown escape: the character itself
                ch = ch[1]
        else:
            ch, j = c, j + 1
        items.append(_class_char(ch))
        # a bare "-" item is a range operator (a literal one is escaped): after
        # `a-z` the next `-` is literal, as in `[a-z-]`
        single = not (len(items) >= 2 and items[-2] == "-")
    if j >= n:
        raise _RegexError("bad class -- [], [^] or [")
    return "[" + ("^" if negate else "") + "".join(items) + "]", j + 1


def _regex_escape(src: str, i: int) -> tuple[str, int]:
    """Translate the escape at ``src[i] == '\\\\'``; return it and where the regex resumes."""
    if i + 1 >= len(src):
        return re.escape("\\"), i + 1
    c = src[i + 1]
    if c in _REGEX_ESCAPES:
        return _REGEX_ESCAPES[c], i + 2
    ch, end = _escape(src, i + 1)
    return re.escape(ch[-1] if len(ch) == 2 and ch[0] == "\\" else ch), end


def _translate(src: str) -> str:
    """A POSIX extended regex (with awk's escapes) as a Python regex.

    The two languages mostly agree; the differences handled here: ``$`` is the end
    of the text only (Python's also matches before a final newline); a ``*`` with
    nothing before it is literal; ``a*?`` means ``(a*)?``, where Python would read a
    lazy ``*?``; ``{`` is literal unless it starts a valid interval.
    """
    out: list[str] = []
    atom: int | None = None  # where in `out` the last repeatable item starts
    repeated = False  # the last item already carries a quantifier
    groups: list[int] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        quantifier = None
        if c in "*+?":
            quantifier, i = c, i + 1
        elif c == "{" and (m := _INTERVAL.match(src, i)) and _valid_interval(m):
            quantifier, i = m.group(), m.end()
        if quantifier is not None:
            if atom is None:  # nothing to repeat: the character itself
                atom = len(out)
                out.append(re.escape(quantifier))
                repeated = False
                continue
            if repeated:
                out[atom:] = ["(?:" + "".join(out[atom:]) + ")"]
            out.append(quantifier)
            repeated = True
            continue
        repeated = False
        if c == "\\":
            piece, i = _regex_escape(src, i)
        elif c == "[":
            piece, i = _regex_bracket(src, i)
        elif c == "(":
            groups.append(len(out))
            out.append("(?:")
            atom, i = None, i + 1
            continue
        elif c == ")":
            if not groups:
                raise _RegexError("missing '('")
            atom = groups.pop()
            out.append(")")
            i += 1
            continue
        elif c in "|^$":
            out.append(r"\Z" if c == "$" else c)
            atom, i = None, i + 1
            continue
        else:
            piece, i = ("." if c == "." else re.escape(c)), i + 1
        atom = len(out)
        out.append(piece)
    if groups:
        raise _RegexError("missing ')'")
    return "".join(out)


@lru_cache(maxsize=512)
def _compile(src: str) -> re.Pattern[str]:
    """The compiled form of an awk regex; raises :class:`_RegexError`."""
    try:
        return re.compile(_translate(src), re.DOTALL)
    except re.error as e:
        words = str(e)
        if "range" in words:
            raise _RegexError("bad class -- [], [^] or [") from None
        if "repeat" in words:
            raise _RegexError("bad repetition") from None
        raise _RegexError(words) from None
