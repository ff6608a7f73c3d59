"""Backslash escapes, as bash 5.2 replaces them in ``echo -e``, ``printf`` and ``$'...'``.

The work is done on bytes, as in C: ``\\377`` is the byte 0xff (text ``\\udcff``, see
:mod:`.encoding`), and ``\\u`` writes a code point with bash's own UTF-8 encoder.
"""

from __future__ import annotations

from netsim.shell.encoding import from_bytes, to_bytes, utf8_bytes

_SIMPLE_ESCAPES = {ord("\\"): b"\\", ord("a"): b"\a", ord("b"): b"\b", ord("e"): b"\x1b",
                   ord("E"): b"\x1b", ord("f"): b"\f", ord("n"): b"\n", ord("r"): b"\r",
                   ord("t"): b"\t", ord("v"): b"\v"}
_OCTAL = b"01234567"
_HEX = b"0123456789abcdefABCDEF"
_HEX_DIGITS = {ord("x"): 2, ord("u"): 4, ord("U"): 8}

# Where the escape languages differ (each a mode of unescape_bytes):
#   echo    echo -e: octal only as \0nnn, \c stops all output
#   b       printf %b: \0nnn and also \nnn, \c stops
#   format  a printf format: \nnn (three digits in all), \" \' \? are the character,
#           \c is left as it is
#   ansic   $'...': as format, and \cX is the control character X
_MODES = ("echo", "b", "format", "ansic")


def unescape_bytes(data: bytes, mode: str,
                   warnings: list[str] | None = None) -> tuple[bytes, bool]:
    """The escapes of ``data`` replaced as bash does in ``mode`` (see ``_MODES``).

    Returns the bytes and whether ``\\c`` asked to stop all further output. printf
    passes ``warnings`` to hear of a ``\\x`` or ``\\u`` without digits (kept as it is).
    """
    assert mode in _MODES
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c != 0x5C or i + 1 >= n:  # not a backslash, or a backslash at the very end
            out.append(c)
            i += 1
            continue
        e = data[i + 1]
        if e in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[e]
            i += 2
        elif e == ord("c") and mode in ("echo", "b"):
            return bytes(out), True
        elif e == ord("c") and mode == "ansic" and i + 2 < n:
            x = data[i + 2]
            i += 3
            if x == 0x5C and i < n and data[i] == 0x5C:  # \c\\ is one control character
                i += 1
            out.append(0x7F if x == ord("?") else (x & 0x1F if x >= 0x80 else
                                                    ord(chr(x).upper()) & 0x1F))
        elif e in b"\"'?" and mode in ("format", "ansic"):
            out.append(e)
            i += 2
        elif e in _OCTAL and (mode in ("format", "ansic", "b") or e == ord("0")):
            # \0 then up to three digits (echo, %b), or up to three digits in all
            start = i + 2 if mode in ("echo", "b") and e == ord("0") else i + 1
            end = start
            while end < n and end < start + 3 and data[end] in _OCTAL:
                end += 1
            out.append(int(data[start:end] or b"0", 8) & 0xFF)
            i = end
        elif e in _HEX_DIGITS:
            end = i + 2
            while end < n and end < i + 2 + _HEX_DIGITS[e] and data[end] in _HEX:
                end += 1
            if end == i + 2:  # no digit: the backslash stays
                if warnings is not None:
                    kind = "hex" if e == ord("x") else "unicode"
                    warnings.append(f"missing {kind} digit for \\{chr(e)}")
                out.append(c)
                i += 1
                continue
            value = int(data[i + 2:end], 16)
            out += bytes([value]) if e == ord("x") else utf8_bytes(value)
            i = end
        else:
            out.append(c)
            i += 1
    return bytes(out), False


def _unescape(text: str, printf_format: bool = False) -> tuple[str, bool]:
    """``echo -e``'s escapes (or a printf format's) in ``text``: the text and whether
    ``\\c`` asked to stop all further output."""
    data, stop = unescape_bytes(to_bytes(text), "format" if printf_format else "echo")
    return from_bytes(data), stop


def ansi_c_quoted(body: str) -> str:
    """The value of ``$'body'``: escapes replaced, and cut at the first NUL, as bash's
    C strings are (``$'a\\0b'`` is ``a``)."""
    data, _ = unescape_bytes(to_bytes(body), "ansic")
    return from_bytes(data.split(b"\0", 1)[0])
