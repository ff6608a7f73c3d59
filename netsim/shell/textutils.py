"""Text filters: cat, grep, head, tail, wc, sort, uniq, cut, tr, tee.

They print what GNU coreutils 9 and GNU grep print, errors and exit statuses included,
since students compare with a real terminal. ``sort`` compares bytes, as under
``LC_ALL=C``. GNU coreutils was made by merging three packages -- textutils,
fileutils and sh-utils -- and this module and its two siblings follow that split.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from typing import Any

from netsim.shell.encoding import from_bytes, to_bytes
from netsim.shell.errors import _Usage
from netsim.shell.escapes import _unescape
from netsim.shell.patterns import _posix_regex, _regex_error
from netsim.shell.plumbing import _Ctx, _getopts, _lines_keep, _split_lines, _utility
from netsim.shell.redirect import _Input
from netsim.user.strtol import strtol


@_utility("cat")
def _cat(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("cat", argv[1:], flags="nEu")
    status = 0
    number = 0
    for name in files or ["-"]:
        text = ctx.read_input(name, "cat")
        if text is None:
            status = 1
            continue
        if "n" in opts or "E" in opts:
            lines = []
            for line in _lines_keep(text):
                body, nl = (line[:-1], "\n") if line.endswith("\n") else (line, "")
                if "E" in opts and nl:
                    body += "$"
                if "n" in opts:
                    number += 1
                    body = f"{number:6d}\t{body}"
                lines.append(body + nl)
            text = "".join(lines)
        ctx.out(text)
    return status


def _grep_regex(patterns: list[str], opts: dict[str, Any]) -> re.Pattern[str]:
    alternatives = []
    for pattern in patterns:
        for piece in pattern.split("\n"):
            if "F" in opts:
                alternatives.append(re.escape(piece))
            else:
                alternatives.append(_posix_regex(piece, extended="E" in opts))
    body = "|".join(f"(?:{a})" for a in alternatives)
    if "x" in opts:
        body = f"^(?:{body})$"
    elif "w" in opts:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    return re.compile(body, re.IGNORECASE if "i" in opts else 0)


@_utility("grep", "egrep", "fgrep", usage_status=2)
def _grep(ctx: _Ctx, argv: list[str]) -> int:
    """``grep [-vicqEFwxonlhHs] [-e PAT] [-m N] PATTERN [FILE...]``; status 0/1/2."""
    opts, operands = _getopts("grep", argv[1:], flags="vicqEFGwxonlhHsr", valued="em")
    if argv[0].endswith("egrep"):
        opts["E"] = True
    elif argv[0].endswith("fgrep"):
        opts["F"] = True
    patterns = opts.get("e")
    if patterns is None:
        if not operands:
            raise _Usage("Usage: grep [OPTION]... PATTERNS [FILE]...")
        patterns = [operands.pop(0)]
    try:
        regex = _grep_regex(patterns, opts)
    except re.error as e:
        return ctx.fail(f"grep: {_regex_error(e)}", 2)
    files = operands or ([""] if "r" in opts else ["-"])
    if "r" in opts:
        files = [f for name in files for f in _tree_files(ctx, name)]
    show_name = (len(files) > 1 or "H" in opts or "r" in opts) and "h" not in opts
    limit = -1
    if "m" in opts:  # xstrtoimax: any size (saturated), a negative one is no limit
        parsed = strtol(opts["m"][-1], 10)
        if parsed is None or parsed.end != len(opts["m"][-1]):
            return ctx.fail("grep: invalid max count", 2)
        limit = parsed.value if parsed.value >= 0 else -1
    matched = error = False
    for name in files:
        text = ctx.read_input(name, "grep", quiet="s" in opts)
        if text is None:
            error = True
            continue
        label = "(standard input)" if name == "-" else name
        count = _grep_text(ctx, regex, text, opts, (label + ":") if show_name else "", limit)
        matched = matched or count > 0
        if count and "q" in opts:
            return 0
        if "c" in opts:
            ctx.out(f"{label + ':' if show_name else ''}{count}\n")
        elif "l" in opts and count:
            ctx.out(label + "\n")
    if error and not ("q" in opts and matched):
        return 2
    return 0 if matched else 1


def _tree_files(ctx: _Ctx, name: str) -> list[str]:
    """``grep -r``: the files under a directory operand, named as the user wrote it
    (``""`` stands for the working directory when no operand was given)."""
    fs = ctx.sh.fs
    path = ctx.path(name or ".")
    if name == "-" or not fs.is_dir(path):
        return [name]
    found = []
    for sub in fs.listdir(path):
        shown = f"{name.rstrip('/')}/{sub}" if name else sub
        if not fs.is_symlink(ctx.path(shown)):  # like GNU grep -r: links inside are skipped
            found.extend(_tree_files(ctx, shown))
    return found


def _grep_text(ctx: _Ctx, regex: re.Pattern[str], text: str, opts: dict[str, Any],
               prefix: str, limit: int) -> int:
    """Print the selected lines of one input; return how many were selected."""
    invert = "v" in opts
    quiet = "q" in opts or "c" in opts or "l" in opts
    count = 0
    for number, line in enumerate(_split_lines(text), 1):
        if count == limit:
            break
        if (regex.search(line) is not None) == invert:
            continue
        count += 1
        if quiet:
            continue
        lead = prefix + (f"{number}:" if "n" in opts else "")
        if "o" in opts:
            if not invert:
                for m in regex.finditer(line):
                    if m.group():
                        ctx.out(lead + m.group() + "\n")
        else:
            ctx.out(lead + line + "\n")
    return count


_UINTMAX = (1 << 64) - 1
_OFF_T_MAX = (1 << 63) - 1
_TOO_LARGE = "Value too large for defined data type"  # strerror(EOVERFLOW)
_SIZE_SUFFIXES = "bkKmMGTPEZY"  # head's and tail's, with kB, KiB... ("0" in coreutils)


def _xstrtoumax(text: str, suffixes: str = _SIZE_SUFFIXES) -> tuple[str, int]:
    """gnulib's ``xstrtoumax`` in base 10 with size suffixes: ("ok", value),
    ("overflow", UINTMAX_MAX), ("invalid", 0) or ("invalid overflow", value).

    A sign ``-`` is refused, white space and ``+`` are not; ``2k`` is 2048, ``2kB`` 2000,
    ``2KiB`` 2048, and a suffix alone (``k``) counts as 1 of it. Any number of digits
    costs a scan (:func:`netsim.user.strtol.strtol` saturates).
    """
    body = text.lstrip(" \t\n\v\f\r")
    if body.startswith("-"):
        return "invalid", 0
    parsed = strtol(text, 10, unsigned=True)
    if parsed is not None:
        value, end, overflow = parsed.value, parsed.end, parsed.overflow
    elif text[:1] and text[0] in suffixes:
        value, end, overflow = 1, 0, False
    else:
        return "invalid", 0
    rest = text[end:]
    if rest:
        if rest[0] not in suffixes:
            return ("invalid overflow" if overflow else "invalid"), value
        base, used = 1024, 1
        if rest[1:3] == "iB":
            used = 3
        elif rest[1:2] in ("B", "D"):
            base, used = 1000, 2
        power = {"k": 1, "K": 1, "m": 2, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6, "Z": 7,
                 "Y": 8}.get(rest[0])
        value *= 512 if rest[0] == "b" else base ** (power or 0)
        if value > _UINTMAX:
            value, overflow = _UINTMAX, True
        if rest[used:]:
            return ("invalid overflow" if overflow else "invalid"), value
    return ("overflow" if overflow else "ok"), value


def _parse_count(text: str, what: str, prog: str) -> int:
    """head's and tail's ``xdectoumax``: a count of lines or bytes, 0..UINTMAX_MAX.

    Too large is coreutils 9.1's error (``Value too large for defined data type``),
    not a count of everything.
    """
    result, value = _xstrtoumax(text)
    if result == "ok":
        return value
    reason = f": {_TOO_LARGE}" if result == "overflow" else ""
    raise _Usage(f"{prog}: invalid number of {what}: ‘{text}’{reason}", hint=False)


def _head_count(opts: dict[str, Any]) -> tuple[int, bool, bool]:
    """head's count: (units, counting lines, eliding from the end)."""
    if "c" in opts or "n" in opts:
        lines = "n" in opts and ("c" not in opts or opts["@last"] == "n")
        spec = opts["n" if lines else "c"][-1]
    else:  # the old form, -NUM[bkm][cl]: the letters after the digits say what
        spec, lines = _head_obsolete(opts.get("#", "10"))
    elide = spec.startswith("-")
    what = "lines" if lines else "bytes"
    n = _parse_count(spec[1:] if elide else spec, what, "head")
    if elide and not lines and n > _OFF_T_MAX:
        raise _Usage(f"head: invalid number of bytes: ‘{n}’: {_TOO_LARGE}", hint=False)
    return n, lines, elide


def _head_obsolete(word: str) -> tuple[str, bool]:
    """``head -5``, ``head -2c``, ``head -1k``: the number (with its multiplier) and
    whether it counts lines."""
    digits = word[: len(word) - len(word.lstrip("0123456789"))]
    lines, multiplier = True, ""
    for letter in word[len(digits):]:
        if letter == "c":
            lines, multiplier = False, ""
        elif letter in "bkm":
            lines, multiplier = False, letter
        elif letter == "l":
            lines = True
        elif letter not in "qvz":
            raise _Usage(f"head: invalid trailing option -- {letter}")
    return digits + multiplier, lines


def _head_tail_inputs(ctx: _Ctx, prog: str, files: list[str], opts: dict[str, Any],
                      cut: Callable[[str], str],
                      take: Callable[[_Input], str] | None = None) -> int:
    """Shared by head and tail: ``==> name <==`` headers when there are several files.

    ``take`` reads standard input itself, only as far as it needs (head's first
    lines of a pipe from ``seq 1 1e12``).
    """
    status = 0
    headers = (len(files) > 1 or "v" in opts) and "q" not in opts
    first = True
    for name in files:
        if name == "-" and take is not None:
            text: str | None = take(ctx.stdin)
        else:
            text = ctx.read_input(name, prog, style="open")
        if text is None:
            status = 1
            continue
        if headers:
            label = "standard input" if name == "-" else name
            ctx.out(("" if first else "\n") + f"==> {label} <==\n")
        first = False
        ctx.out(cut(text))
    return status


@_utility("head")
def _head(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("head", argv[1:], flags="qv", valued="nc", numeric=True)
    n, lines, elide = _head_count(opts)
    if lines:
        cut = (lambda text: "".join(_lines_keep(text)[:-n] if n else _lines_keep(text))) \
            if elide else (lambda text: "".join(_lines_keep(text)[:n]))
    else:  # bytes, not characters
        cut = (lambda text: _bytes_slice(text, None, -n if n else None)) if elide else \
            (lambda text: _bytes_slice(text, None, n))
    return _head_tail_inputs(ctx, "head", files or ["-"], opts, cut,
                             None if elide else lambda stdin: _head_take(stdin, n, lines))


def _head_take(stdin: _Input, n: int, lines: bool) -> str:
    """The first ``n`` lines (or bytes) of standard input, reading no further."""
    taken: list[str] = []
    size = 0
    while size < n:
        line = stdin.read_line()
        if line is None:
            break
        taken.append(line)
        size += 1 if lines else len(to_bytes(line))
    text = "".join(taken)
    return text if lines else _bytes_slice(text, None, n)


@_utility("tail")
def _tail(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("tail", argv[1:], flags="qvfF", valued="nc", numeric=True)
    if "c" in opts or "n" in opts:
        chars = "c" in opts and ("n" not in opts or opts["@last"] == "c")
        spec = opts["c" if chars else "n"][-1]
        from_start = spec.startswith("+")
        n = _parse_count(spec.removeprefix("-"), "bytes" if chars else "lines", "tail")
    else:
        n, chars = _tail_obsolete("-" + opts.get("#", "10"))
        from_start = False

    def cut(text: str) -> str:
        if chars:  # bytes, not characters
            data = to_bytes(text)
            start = max(n - 1, 0) if from_start else max(len(data) - n, 0) if n else len(data)
            return from_bytes(data[start:])
        items = _lines_keep(text)
        if from_start:
            return "".join(items[max(n - 1, 0) :])
        return "".join(items[max(len(items) - n, 0) :]) if n else ""

    return _head_tail_inputs(ctx, "tail", files or ["-"], opts, cut)


def _bytes_slice(text: str, start: int | None, end: int | None) -> str:
    """``text[start:end]`` counted in bytes (``head -c 1`` of ``é`` is half of it)."""
    return from_bytes(to_bytes(text)[start:end])


def _tail_obsolete(word: str) -> tuple[int, bool]:
    """``tail -5``, ``tail -2c``, ``tail -3l``: the count and whether it is bytes."""
    m = re.fullmatch(r"-([0-9]*)([bcl]?)f?", word)
    if m is None:
        # getopt then reads the digits as options, which tail refuses
        raise _Usage(f"tail: option used in invalid context -- {word[1:2]}", hint=False)
    result, n = _xstrtoumax(m.group(1) or "10", "b")
    if result != "ok":
        raise _Usage(f"tail: invalid number: ‘{word}’: Numerical result out of range",
                     hint=False)
    if m.group(2) == "b":
        n = min(n * 512, _UINTMAX)
    return n, m.group(2) in ("b", "c")


@_utility("wc")
def _wc(ctx: _Ctx, argv: list[str]) -> int:
    """Counts, padded as GNU wc pads them (one number alone is never padded)."""
    opts, files = _getopts("wc", argv[1:], flags="lwcm")
    wanted = [k for k in "lwmc" if k in opts] or ["l", "w", "c"]
    rows: list[tuple[list[int], str | None]] = []
    status = 0
    regular_size = 0
    piped = False
    for name in files or ["-"]:
        text = ctx.read_input(name, "wc")
        if text is None:
            status = 1
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()),
                  "m": len(text) - _undecodable(text), "c": len(to_bytes(text))}
        rows.append(([counts[k] for k in wanted], None if not files else name))
        if name == "-" and not ctx.stdin.regular:
            piped = True
        else:
            regular_size += counts["c"]
    if len(rows) > 1:
        rows.append(([sum(r[0][i] for r in rows) for i in range(len(wanted))], "total"))
    if len(wanted) == 1 and len(rows) == 1:
        width = 1
    else:
        width = max(len(str(regular_size)), 7 if piped else 1)
    for numbers, label in rows:
        line = " ".join(str(n).rjust(width) for n in numbers)
        ctx.out(line + (f" {label}" if label is not None else "") + "\n")
    return status


def _undecodable(text: str) -> int:
    """How many bytes of ``text`` are no UTF-8 (``wc -m`` counts them as no character)."""
    return sum(1 for c in text if "\udc80" <= c <= "\udcff")


def _read_all(ctx: _Ctx, prog: str, files: list[str], style: str = "plain") -> str | None:
    chunks = []
    for name in files or ["-"]:
        if prog == "sort" and name != "-":
            try:
                chunks.append(ctx.sh.fs.read(ctx.path(name)))
            except OSError as e:
                ctx.err(f"sort: cannot read: {name}: {os.strerror(e.errno or errno.EIO)}\n")
                return None
            continue
        text = ctx.read_input(name, prog, style)
        if text is None:
            return None
        chunks.append(text if not text or text.endswith("\n") else text + "\n")
    return "".join(chunks)


def _sort_number(text: str) -> float:
    m = re.match(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", text)
    return float(m.group()) if m else 0.0


@_utility("sort", usage_status=2)
def _sort(ctx: _Ctx, argv: list[str]) -> int:
    """``sort [-n] [-r] [-u] [-f] [-t SEP] [-k N[,M]]``, bytewise like LC_ALL=C."""
    opts, files = _getopts("sort", argv[1:], flags="nrufsb", valued="kto")
    text = _read_all(ctx, "sort", files)
    if text is None:
        return 2
    sep = opts["t"][-1] if "t" in opts else None
    try:
        field_key = _sort_key(opts["k"][-1]) if "k" in opts else None
    except _Usage as e:
        return ctx.fail(str(e), 2)

    key_flags = field_key[3] if field_key is not None else ""
    if any(letter in key_flags for letter in "nfr"):  # the key's options replace the global
        opts = {k: v for k, v in opts.items() if k not in "nfr"}
        opts.update(dict.fromkeys(letter for letter in key_flags if letter in "nfr"))

    def key_text(line: str) -> str:
        if field_key is None:
            return line
        start, offset, end, _flags = field_key
        fields = line.split(sep) if sep else re.findall(r"\s*\S+", line)
        text = (sep or "").join(fields[start:end])
        return text[offset:] if start < len(fields) else ""

    def key(line: str) -> tuple[Any, str]:
        k = key_text(line)
        if "n" in opts:
            return (_sort_number(k), line)
        return (k.lower() if "f" in opts else k, line)

    lines = sorted(_split_lines(text), key=key, reverse="r" in opts)
    if "u" in opts:
        unique, seen = [], set()
        for line in lines:
            k = key(line)[0]
            if k not in seen:
                seen.add(k)
                unique.append(line)
        lines = unique
    result = "".join(line + "\n" for line in lines)
    if "o" in opts:
        ctx.sh.fs.write(ctx.path(opts["o"][-1]), result)
    else:
        ctx.out(result)
    return 0


_SIZE_MAX = (1 << 64) - 1


def _field_count(text: str, what: str | None) -> tuple[int, str]:
    """sort's parse_field_count(): a count (SIZE_MAX when too large) and what follows."""
    if text.lstrip(" \t\n\v\f\r").startswith("-"):
        parsed = None
    else:
        parsed = strtol(text, 10, unsigned=True)
    if parsed is None:
        raise _Usage(f"sort: {what}: invalid count at start of ‘{text}’")
    return parsed.value, text[parsed.end:]


def _sort_key(spec: str) -> tuple[int, int, int | None, str]:
    """``-k F[.C][OPTS][,F[.C][OPTS]]`` as sort reads it: (first field, characters to
    skip in it, end field or None, the key's own ordering letters), counted from 0;
    sort's errors as :class:`_Usage`."""
    letters: list[str] = []

    def bad(why: str) -> _Usage:
        return _Usage(f"sort: {why}: invalid field specification ‘{spec}’")

    def ordering(rest: str) -> str:
        left = rest.lstrip("bdfghiMnRrV")
        letters.append(rest[: len(rest) - len(left)])
        return left

    field, rest = _field_count(spec, "invalid number at field start")
    if field == 0:
        raise bad("field number is zero")
    offset = 0
    if rest.startswith("."):
        offset, rest = _field_count(rest[1:], "invalid number after '.'")
        if offset == 0:
            raise bad("character offset is zero")
        offset -= 1
    rest = ordering(rest)
    end: int | None = None
    if rest.startswith(","):
        end, rest = _field_count(rest[1:], "invalid number after ','")
        if end == 0:
            raise bad("field number is zero")
        if rest.startswith("."):
            _char, rest = _field_count(rest[1:], "invalid number after '.'")
        rest = ordering(rest)
    if rest:
        raise bad("stray character in field spec")
    return field - 1, offset, end, "".join(letters)


@_utility("uniq")
def _uniq(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("uniq", argv[1:], flags="cdui")
    text = _read_all(ctx, "uniq", files[:1])
    if text is None:
        return 1
    groups: list[list[str]] = []
    for line in _split_lines(text):
        same = groups and (groups[-1][0].lower() == line.lower() if "i" in opts
                           else groups[-1][0] == line)
        if same:
            groups[-1].append(line)
        else:
            groups.append([line])
    out = []
    for group in groups:
        if ("d" in opts and len(group) < 2) or ("u" in opts and len(group) > 1):
            continue
        out.append((f"{len(group):7d} " if "c" in opts else "") + group[0] + "\n")
    if len(files) > 1:
        ctx.sh.fs.write(ctx.path(files[1]), "".join(out))
    else:
        ctx.out("".join(out))
    return 0


def _cut_ranges(spec: str, by_position: bool) -> list[tuple[int, int]]:
    """coreutils' set_fields(): ``N``, ``N-M``, ``N-``, ``-M`` separated by commas or
    blanks, with its errors; a number reaching UINTMAX_MAX is "too large"."""
    numbered = ("byte/character positions are numbered from 1" if by_position
                else "fields are numbered from 1")
    ranges: list[tuple[int, int]] = []
    lhs = rhs = dash = False
    initial, value, i, n = 1, 0, 0, len(spec)
    while True:
        c = spec[i] if i < n else ""
        if c == "-":
            if dash:
                raise _Usage("cut: invalid byte or character range" if by_position
                             else "cut: invalid field range")
            dash = True
            i += 1
            if lhs and not value:
                raise _Usage(f"cut: {numbered}")
            initial, value = (value if lhs else 1), 0
        elif c in (",", " ", "\t", ""):
            if dash:
                dash = False
                if not lhs and not rhs:
                    raise _Usage("cut: invalid range with no endpoint: -")
                if not rhs:
                    ranges.append((initial, _UINTMAX))
                elif value < initial:
                    raise _Usage("cut: invalid decreasing range")
                else:
                    ranges.append((initial, value))
            else:
                if value == 0:
                    raise _Usage(f"cut: {numbered}")
                ranges.append((value, value))
            value = 0
            if not c:
                break
            i += 1
            lhs = rhs = False
        elif c.isascii() and c.isdigit():
            start = i
            while i < n and spec[i].isascii() and spec[i].isdigit():
                i += 1
            if dash:
                rhs = True
            else:
                lhs = True
            digits = spec[start:i]
            value = value * 10 ** len(digits) + int(digits) if len(digits) <= 20 else _UINTMAX
            if value >= _UINTMAX:
                what = "byte/character offset" if by_position else "field number"
                raise _Usage(f"cut: {what} ‘{digits}’ is too large")
        else:
            what = "byte/character position" if by_position else "field value"
            raise _Usage(f"cut: invalid {what} ‘{spec[i:]}’")
    return ranges


@_utility("cut")
def _cut(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("cut", argv[1:], flags="s", valued="dfcb")
    if not any(k in opts for k in "fcb"):
        raise _Usage("cut: you must specify a list of bytes, characters, or fields")
    delim = opts["d"][-1] if "d" in opts else "\t"
    if len(delim) != 1:
        raise _Usage("cut: the delimiter must be a single character")
    by_field = "f" in opts
    spec = (opts.get("f") or opts.get("c") or opts.get("b"))[-1]
    ranges = _cut_ranges(spec, not by_field)

    def wanted(i: int) -> bool:
        return any(a <= i <= b for a, b in ranges)

    status = 0
    for name in files or ["-"]:
        text = ctx.read_input(name, "cut")
        if text is None:
            status = 1
            continue
        for line in _split_lines(text):
            if not by_field:
                ctx.out("".join(c for i, c in enumerate(line, 1) if wanted(i)) + "\n")
            elif delim not in line:
                if "s" not in opts:
                    ctx.out(line + "\n")
            else:
                fields = line.split(delim)
                ctx.out(delim.join(f for i, f in enumerate(fields, 1) if wanted(i)) + "\n")
    return status


_TR_CLASSES = {
    "lower": "abcdefghijklmnopqrstuvwxyz", "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "digit": "0123456789", "space": " \t\n\r\f\v", "blank": " \t",
    "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
}
_TR_CLASSES["alpha"] = _TR_CLASSES["lower"] + _TR_CLASSES["upper"]
_TR_CLASSES["alnum"] = _TR_CLASSES["digit"] + _TR_CLASSES["alpha"]
_TR_CLASSES["xdigit"] = "0123456789ABCDEFabcdef"


def _tr_set(spec: str) -> list[str]:
    """A tr set: ``a-z``, ``[:upper:]``, ``\\n``... as the ordered list of its chars."""
    text, _ = _unescape(spec, printf_format=True)
    chars: list[str] = []
    i = 0
    while i < len(text):
        m = re.match(r"\[:([a-z]+):\]", text[i:])
        if m and m.group(1) in _TR_CLASSES:
            chars.extend(_TR_CLASSES[m.group(1)])
            i += m.end()
        elif i + 2 < len(text) and text[i + 1] == "-" and text[i] <= text[i + 2]:
            chars.extend(chr(c) for c in range(ord(text[i]), ord(text[i + 2]) + 1))
            i += 3
        else:
            chars.append(text[i])
            i += 1
    return chars


@_utility("tr")
def _tr(ctx: _Ctx, argv: list[str]) -> int:
    """``tr SET1 SET2``, ``tr -d SET``, ``tr -s SET``, ``-c`` complement."""
    opts, sets = _getopts("tr", argv[1:], flags="dscC")
    if not sets:
        raise _Usage("tr: missing operand")
    delete, squeeze = "d" in opts, "s" in opts
    if not delete and not squeeze and len(sets) < 2:
        raise _Usage(f"tr: missing operand after ‘{sets[0]}’\n"
                     "Two strings must be given when translating.")
    text = ctx.stdin.read_all()
    set1 = _tr_set(sets[0])
    complement = "c" in opts or "C" in opts
    in_set1 = (lambda c: c not in set1) if complement else (lambda c: c in set1)
    if delete:
        text = "".join(c for c in text if not in_set1(c))
        squeeze_set = _tr_set(sets[1]) if squeeze and len(sets) > 1 else []
    elif len(sets) > 1:
        set2 = _tr_set(sets[1])
        if not set2:
            return ctx.fail("tr: when not truncating set1, string2 must be non-empty")
        if complement:
            text = "".join(c if c in set1 else set2[-1] for c in text)
        else:
            table = {c: set2[min(i, len(set2) - 1)] for i, c in enumerate(set1)}
            text = "".join(table.get(c, c) for c in text)
        squeeze_set = set2 if squeeze else []
    else:
        squeeze_set = [c for c in map(chr, range(256)) if in_set1(c)] if complement else set1
    if squeeze_set:
        text = re.sub("([" + "".join(re.escape(c) for c in squeeze_set) + r"])\1+", r"\1", text)
    ctx.out(text)
    return 0


@_utility("tee")
def _tee(ctx: _Ctx, argv: list[str]) -> int:
    opts, files = _getopts("tee", argv[1:], flags="ai")
    text = ctx.stdin.read_all()
    status = 0
    for name in files:
        try:
            ctx.sh.fs.write(ctx.path(name), text, append="a" in opts)
        except OSError as e:
            status = ctx.fail(f"tee: {name}: {os.strerror(e.errno or errno.EIO)}")
    ctx.out(text)
    return status
