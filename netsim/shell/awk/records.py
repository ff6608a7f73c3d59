"""Records and fields: reading input by ``RS``, splitting by ``FS``, ``sub``/``gsub``.

:class:`_Stream` cuts text into records (one character, a regex, or ``""`` for
paragraph mode); :func:`_split_text` splits a record into fields or a string for
``split``; :func:`_substitute` does the replacement of ``sub``/``gsub``, where ``&``
stands for the matched text and ``\\&`` for a literal ``&``.
"""

from __future__ import annotations

import re

from netsim.shell.awk.errors import _AwkRuntimeError
from netsim.shell.awk.regex import _compile, _RegexError
from netsim.shell.awk.values import _MAX_STRING
from netsim.shell.errors import _LimitExceeded

# ====================================================================== records, fields, sub/gsub


_BLANK_LINES = re.compile(r"\n\n+")  # what separates records in paragraph mode


class _Stream:
    """One input (a file, standard input, a command's output), read whole and handed
    out a record at a time, with whatever ``RS`` holds at that moment."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def read(self, rs: str) -> str | None:
        """The next record, or None at the end.

        ``RS`` of one character separates records by it; ``""`` is paragraph mode
        (records are separated by blank lines); anything longer is a regex.
        """
        text, pos = self.text, self.pos
        if rs == "":
            while pos < len(text) and text[pos] == "\n":
                pos += 1
            if pos >= len(text):
                self.pos = pos
                return None
            m = _BLANK_LINES.search(text, pos)
            if m is not None:
                self.pos = m.end()
                return text[pos : m.start()]
            self.pos = len(text)
            return text[pos:].removesuffix("\n")
        if pos >= len(text):
            return None
        end = after = -1
        if len(rs) == 1:
            end = text.find(rs, pos)
            after = end + 1
        else:
            for m in _dynamic_regex(rs).finditer(text, pos):
                if m.end() > m.start():  # an empty match separates nothing
                    end, after = m.span()
                    break
        if end < 0:
            self.pos = len(text)
            return text[pos:]
        self.pos = after
        return text[pos:end]


def _dynamic_regex(text: str) -> re.Pattern[str]:
    """A regex given as a string at run time (``$1 ~ "a+"``, ``FS = ",+"``)."""
    try:
        return _compile(text)
    except _RegexError as e:
        raise _AwkRuntimeError(f"regular expression compile failed ({e})\n{text}") from None


def _replacement(text: str) -> list[str | None]:
    """The pieces of a ``sub``/``gsub`` replacement: text, or None for the match.

    ``&`` is the matched text, ``\\&`` a literal ``&``, ``\\\\`` one backslash (mawk
    and POSIX; gawk keeps both), any other backslash stays.
    """
    pieces: list[str | None] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "&\\":
            literal.append(text[i + 1])
            i += 2
            continue
        if c == "&":
            pieces.append("".join(literal))
            literal = []
            pieces.append(None)
        else:
            literal.append(c)
        i += 1
    pieces.append("".join(literal))
    return pieces


def _substitute(pattern: re.Pattern[str], repl: str, text: str,
                everywhere: bool) -> tuple[str, int]:
    """``sub`` (first match) or ``gsub`` (all): the new text and the number of changes.

    awk and Python disagree on one kind of empty match: awk's ``gsub(/b*/, "-")``
    turns ``abc`` into ``-a-c-``, because an empty match right where the previous
    match ended does not count; Python's ``re.sub`` gives ``-a--c-``. So the
    replacement function leaves such matches alone (replacing the empty text with
    nothing) and does not count them.
    """
    pieces = _replacement(repl)
    count = 0
    size = len(text)
    last_end = -1

    def replace(m: re.Match[str]) -> str:
        nonlocal count, size, last_end
        start, end = m.span()
        if start == end == last_end:
            return ""
        count += 1
        last_end = end
        matched = m.group()
        new = "".join(matched if piece is None else piece for piece in pieces)
        size += len(new) - len(matched)
        if size > _MAX_STRING:  # gsub(//, "xx") on a long text, in a loop
            raise _LimitExceeded(f"netsim: awk string longer than {_MAX_STRING} characters")
        return new

    result = pattern.sub(replace, text, count=0 if everywhere else 1)
    return result, count


def _split_text(text: str, separator: str | re.Pattern[str]) -> list[str]:
    """Split a record (or ``split()``'s string) into fields.

    ``" "`` (the default FS) splits on runs of blanks and newlines, ignoring them at
    both ends; ``""`` gives one character per field; any other single character is
    itself (``-F.`` splits on dots); longer text is a regex.
    """
    if text == "":
        return []
    if isinstance(separator, str):
        if separator == " ":
            return re.findall(r"[^ \t\n]+", text)
        if separator == "":
            return list(text)
        if len(separator) == 1:
            return text.split(separator)
        separator = _dynamic_regex(separator)
    parts: list[str] = []
    pos = 0
    for m in separator.finditer(text):
        if m.end() > m.start():
            parts.append(text[pos : m.start()])
            pos = m.end()
    parts.append(text[pos:])
    return parts
