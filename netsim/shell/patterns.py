"""Shell patterns and POSIX regexes, translated to Python regular expressions.

Three pattern languages meet in a shell: globs (``case``, ``${x#pat}``,
``[[ $x == pat ]]``), POSIX basic regexes (``grep``) and extended ones (``grep -E``,
``[[ =~ ]]``, awk). Each is translated to a :mod:`re` pattern; the bracket expressions
they share (``[a-z]``, ``[[:digit:]]``) by one function.

Also here: the *segments* a word expands to (text flagged as quoted and/or expanded),
which a glob needs because a quoted ``*`` is literal, and ``$IFS`` field splitting.
"""

from __future__ import annotations

import re

_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "xdigit": "0-9A-Fa-f", "cntrl": r"\x00-\x1f\x7f",
    "print": r"\x20-\x7e", "graph": r"\x21-\x7e", "word": r"\w",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
}


def _bracket(p: str, i: int, glob: bool) -> tuple[str | None, int]:
    """Translate the bracket expression at ``p[i] == "["`` to a Python class.

    Returns (class, index after it), or (None, i) when there is no closing ``]``.
    In a glob ``[!a]`` negates and a backslash escapes; in a POSIX regex it is literal.
    """
    n = len(p)
    j = i + 1
    negate = False
    if j < n and (p[j] == "^" or (glob and p[j] == "!")):
        negate = True
        j += 1
    items: list[str] = []
    if j < n and p[j] == "]":
        items.append(r"\]")
        j += 1
    while j < n and p[j] != "]":
        if p.startswith("[:", j) and (k := p.find(":]", j + 2)) > 0:
            name = p[j + 2 : k]
            if name not in _CLASSES:
                raise re.error("invalid character class")
            items.append(_CLASSES[name])
            j = k + 2
            continue
        ch = p[j]
        if glob and ch == "\\" and j + 1 < n:
            items.append(re.escape(p[j + 1]))
            j += 2
            continue
        if ch == "-" and items and items[-1].endswith("-"):
            items.append(r"\-")
        else:
            items.append("\\" + ch if ch in "\\[]^&~|" else ch)
        j += 1
    if j >= n:
        return None, i
    return "[" + ("^" if negate else "") + "".join(items) + "]", j + 1


def _posix_regex(p: str, extended: bool) -> str:
    """A POSIX basic (grep) or extended (grep -E, [[ =~ ]]) regex as a Python regex."""
    out: list[str] = []
    i = 0
    n = len(p)
    while i < n:
        c = p[i]
        if c == "\\" and i + 1 < n:
            d = p[i + 1]
            i += 2
            if not extended and d in "(){}|+?":
                out.append(d)
            elif d in "<>":
                out.append(r"\b")
            elif d in "wWsSbB" or d.isdigit():
                out.append("\\" + d)
            else:
                out.append(re.escape(d))
            continue
        if c == "[":
            cls, j = _bracket(p, i, glob=False)
            if cls is None:
                raise re.error("unterminated character set")
            out.append(cls)
            i = j
            continue
        if not extended and c in "(){}|+?":
            out.append("\\" + c)
        elif c == "*" and (not out or out[-1] in ("(", "|", "^")):
            out.append(r"\*")  # a leading * is an ordinary character
        elif c == "{" and not re.match(r"\{[0-9]*(,[0-9]*)?\}", p[i:]):
            out.append(r"\{")
        else:
            out.append(c)
        i += 1
    return "".join(out)


_QUOTED, _EXPANDED = 1, 2
_Segment = tuple[str | None, int]  # (text, flags); (None, 0) separates the fields of "$@"
_FIELD_BREAK: _Segment = (None, 0)


def _glob_regex(segments: list[_Segment]) -> str:
    """A shell pattern (``case``, ``${x#pat}``, ``[[ == ]]``) as a Python regex.

    Only unquoted text is a pattern: in ``case $x in "*")`` the star is literal.
    """
    out: list[str] = []
    for text, flags in segments:
        if text is None:
            out.append(" ")
            continue
        if flags & _QUOTED:
            out.append(re.escape(text))
            continue
        i = 0
        while i < len(text):
            c = text[i]
            if c == "*":
                out.append(".*")
            elif c == "?":
                out.append(".")
            elif c == "[":
                try:
                    cls, j = _bracket(text, i, glob=True)
                except re.error:
                    cls, j = None, i
                if cls is not None:
                    out.append(cls)
                    i = j
                    continue
                out.append(r"\[")
            elif c == "\\" and i + 1 < len(text):
                out.append(re.escape(text[i + 1]))
                i += 1
            else:
                out.append(re.escape(c))
            i += 1
    return "".join(out)


def _compile_glob(segments: list[_Segment]) -> re.Pattern[str]:
    """The compiled pattern; one Python rejects (``[z-a]``) matches only itself."""
    try:
        return re.compile(_glob_regex(segments), re.DOTALL)
    except re.error:
        return re.compile(re.escape("".join(t or " " for t, _ in segments)), re.DOTALL)


def _ifs_split(text: str, ifs: str) -> list[str]:
    """``re.split`` of ``text`` on IFS, keeping the separators at odd indexes."""
    ws = "".join(c for c in ifs if c in " \t\n")
    other = "".join(c for c in ifs if c not in " \t\n")
    pieces = []
    if other:
        w = f"[{re.escape(ws)}]*" if ws else ""
        pieces.append(f"{w}[{re.escape(other)}]{w}")
    if ws:
        pieces.append(f"[{re.escape(ws)}]+")
    return re.split("(" + "|".join(pieces) + ")", text)


def _regex_error(error: re.error) -> str:
    """GNU grep's words for the usual mistakes in a pattern."""
    text = str(error)
    if "unterminated character set" in text:
        return "Unmatched [, [^, [:, [., or [="
    if "missing )" in text:
        return "Unmatched ( or \\("
    if "unbalanced parenthesis" in text:
        return "Unmatched ) or \\)"
    if "nothing to repeat" in text or "multiple repeat" in text:
        return "Invalid preceding regular expression"
    if "character class" in text:
        return "Invalid character class name"
    return "Invalid regular expression"
