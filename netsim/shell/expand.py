"""Word expansion: from the parts of a word to the strings a command receives.

In bash's order: ``~``, ``$name`` and ``${name<op>arg}``, ``$(...)`` and ``$((...))``
become text; then the text that came from unquoted expansions is split into fields at
``$IFS`` characters. There is no globbing: ``*`` stays literal. ``"$@"`` gives one
field per positional parameter, even an empty one.

:class:`_Expander` is mixed into :class:`~netsim.shell.interpreter.Shell`.
"""

from __future__ import annotations

import re

from netsim.shell.ast import CmdSub, Lit, Param, Tilde, Word
from netsim.shell.errors import MAX_TEXT, _ExpansionError, _LimitExceeded
from netsim.shell.lexer import _NAME_RE
from netsim.shell.patterns import (
    _EXPANDED,
    _FIELD_BREAK,
    _QUOTED,
    _compile_glob,
    _ifs_split,
    _Segment,
)
from netsim.shell.redirect import _Output


class _Expander:
    """Word expansion: part of :class:`Shell`, whose variables it reads (and sets, for
    ``${x:=default}``).

    Expanding a word first gives *segments* (:data:`_Segment`): pieces of text flagged
    as quoted and/or as the result of an expansion. Field splitting then cuts only the
    unquoted expansions; patterns (``case``, ``${x#pat}``) treat quoted pieces literally.
    """

    def _expand_words(self, words: list[Word]) -> list[str]:
        fields: list[str] = []
        for word in words:
            fields.extend(self._expand_word(word))
        return fields

    def _expand_word(self, word: Word) -> list[str]:
        """Expand then split into fields: ``$x`` with x="a b" is two arguments."""
        return self._fields(self._segments(word))

    def _expand_str(self, word: Word) -> str:
        """Expand without splitting (assignments, redirection targets, here-documents)."""
        return "".join(" " if text is None else text for text, _ in self._segments(word))

    def _segments(self, word: Word) -> list[_Segment]:
        segments: list[_Segment] = []
        for part in word.parts:
            if isinstance(part, Lit):
                segments.append((part.text, _QUOTED if part.quoted else 0))
            elif isinstance(part, Tilde):
                segments.append((self.vars.get("HOME", "/root"), _QUOTED))
            elif isinstance(part, Param):
                self._param_segments(part, segments)
            else:
                flags = _EXPANDED | (_QUOTED if part.quoted else 0)
                if isinstance(part, CmdSub):
                    segments.append((self._command_subst(part), flags))
                else:
                    segments.append((str(self._arith(part.expr)), flags))
        if sum(len(text or "") for text, _ in segments) > MAX_TEXT:
            raise _LimitExceeded(f"netsim: a word longer than {MAX_TEXT} characters")
        return segments

    def _param_segments(self, part: Param, segments: list[_Segment]) -> None:
        flags = _EXPANDED | (_QUOTED if part.quoted else 0)
        if part.name in ("@", "*") and part.op == "":
            if part.quoted and part.name == "@":
                for index, value in enumerate(self.positional):
                    if index:
                        segments.append(_FIELD_BREAK)
                    segments.append((value, flags))
                return
            sep = self.vars.get("IFS", " ")[:1] if part.quoted else " "
            segments.append((sep.join(self.positional), flags))
            return
        if part.op in ("-", ":-", "+", ":+") and part.arg is not None:
            value = self._lookup_var(part.name)
            missing = value is None or (part.op.startswith(":") and value == "")
            if missing == part.op.endswith("-"):
                # The word keeps its own quotes: ${x:-"a b"} stays one field.
                for text, inner in self._segments(part.arg):
                    segments.append((text, inner | flags) if text is not None else _FIELD_BREAK)
                return
            segments.append(("" if part.op.endswith("+") else value or "", flags))
            return
        segments.append((self._param_value(part), flags))

    def _fields(self, segments: list[_Segment]) -> list[str]:
        """Field splitting: only unquoted expansions are cut, at IFS characters."""
        ifs = self.vars.get("IFS", " \t\n")
        fields: list[str] = []
        current: list[str] = []
        have = False  # the current field exists (even if empty, like "")
        for text, flags in segments:
            if text is None:
                fields.append("".join(current))
                current, have = [], False
            elif flags & _EXPANDED and not flags & _QUOTED and ifs:
                pieces = _ifs_split(text, ifs)
                current.append(pieces[0])
                have = have or pieces[0] != ""
                for k in range(1, len(pieces), 2):
                    hard = any(c not in " \t\n" for c in pieces[k])
                    if have or hard:
                        fields.append("".join(current))
                    current, have = [pieces[k + 1]], pieces[k + 1] != ""
            else:
                current.append(text)
                have = have or bool(flags & _QUOTED) or text != ""
        if have:
            fields.append("".join(current))
        return fields

    def _param_value(self, part: Param) -> str:
        name, op = part.name, part.op
        if op == "bad":
            raise _ExpansionError(f"{part.raw}: bad substitution")
        value = self._lookup_var(name)
        if op == "indirect":  # ${!ref}: the variable whose name is in $ref
            if value is None or not (_NAME_RE.fullmatch(value) or value.isdigit()):
                raise _ExpansionError(f"{name}: invalid indirect expansion")
            return self._required(value, self._lookup_var(value))
        if op == "len":
            if name in ("@", "*"):
                return str(len(self.positional))
            return str(len(self._required(name, value)))
        if op == "":
            return self._required(name, value)
        missing = value is None or (op.startswith(":") and value == "")
        base = op.lstrip(":") if len(op) == 2 and op.startswith(":") else op
        if base == "-":
            return self._expand_str(part.arg) if missing and part.arg else (value or "")
        if base == "=":
            if not missing:
                return value or ""
            new = self._expand_str(part.arg) if part.arg else ""
            if not _NAME_RE.fullmatch(name):
                raise _ExpansionError(f"${name}: cannot assign in this way")
            self._assign(name, new)
            return new
        if base == "?":
            if not missing:
                return value or ""
            message = self._expand_str(part.arg) if part.arg and part.arg.parts else (
                "parameter null or not set" if op == ":?" else "parameter not set")
            raise _ExpansionError(f"{name}: {message}", 127)
        if base == "+":
            return "" if missing or part.arg is None else self._expand_str(part.arg)
        return self._pattern_op(part, self._required(name, value))

    def _required(self, name: str, value: str | None) -> str:
        if value is None and "nounset" in self.options and name not in ("@", "*"):
            raise _ExpansionError(f"{name}: unbound variable", 127)
        return value or ""

    def _pattern_op(self, part: Param, value: str) -> str:
        """``${x#pat}`` ``${x##pat}`` ``${x%pat}`` ``${x%%pat}`` ``${x/pat/rep}``."""
        segments = self._segments(part.arg) if part.arg else []
        op = part.op
        if op in ("/", "//"):
            anchor = ""
            if segments and not segments[0][1] & _QUOTED and (segments[0][0] or "")[:1] in "#%":
                first = segments[0][0] or ""
                anchor, segments = first[:1], [(first[1:], 0), *segments[1:]]
            regex = _compile_glob(segments).pattern
            if not regex:
                return value
            regex = {"#": "^" + regex, "%": f"(?:{regex})\\Z"}.get(anchor, regex)
            replacement = self._expand_str(part.arg2) if part.arg2 else ""
            return re.sub(regex, lambda _m: replacement, value, count=0 if op == "//" else 1,
                          flags=re.DOTALL)
        pattern = _compile_glob(segments)
        n = len(value)
        if op in ("#", "##"):
            cuts = range(n + 1) if op == "#" else range(n, -1, -1)
            for i in cuts:
                if pattern.fullmatch(value, 0, i):
                    return value[i:]
        else:
            cuts = range(n, -1, -1) if op == "%" else range(n + 1)
            for i in cuts:
                if pattern.fullmatch(value, i, n):
                    return value[:i]
        return value

    def _command_subst(self, part: CmdSub) -> str:
        """``$(cmd)``: run cmd in a subshell, take its output minus trailing newlines."""
        child = self._subshell()
        buf = _Output()
        child._fds[1] = buf
        if part.body is None:
            status = 0
        else:
            body = part.body
            status = child._run_isolated(lambda: child._execute(body))
        self._subst_status = status
        self.status = status  # bash: `echo $(exit 5)$?` prints 5
        text = buf.text()
        if "\0" in text:  # a word is a C string: bash drops the NULs, and says so
            self._diag("warning: command substitution: ignored null byte in input")
            text = text.replace("\0", "")
        return text.rstrip("\n")

    def _arith(self, word: Word) -> int:
        from netsim.shell.arith import _Arith, _ArithError  # $((...)): loaded on first use

        text = self._expand_str(word)
        try:
            return _Arith(self, text).evaluate()
        except _ArithError as e:
            subject = text.lstrip() if e.subject is None else e.subject
            raise _ExpansionError(
                f"{subject}: {e.message} (error token is \"{e.token}\")"
            ) from None
