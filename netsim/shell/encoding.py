"""Text as bytes: how the shell's strings stand for what a C program would hold.

bash and coreutils work on bytes; netsim's shell works on Python strings. The two meet
through UTF-8 with ``surrogateescape``: a byte that is not part of valid UTF-8 (``0xff``,
what ``printf '\\377'`` prints) is the lone surrogate ``\\udcff``, so any byte string
has one string and back, and ``CommandResult`` text always encodes with
``.encode("utf-8", "surrogateescape")``.

A string handed to the shell from Python may hold what no byte string decodes to: a
surrogate outside ``\\udc80``-``\\udcff`` (``"\\ud800"``). :func:`to_bytes` encodes it
as bash's own UTF-8 encoder writes a code point (3 bytes, ``ed a0 80``), and
:func:`canonical` gives the string those bytes decode to, so that nothing in the shell
ever holds text it could not print. :func:`utf8_bytes` is that encoder (bash's
``u32toutf8``), which also writes code points past ``U+10FFFF`` as the 5- and 6-byte
sequences of the original UTF-8 (``$'\\U7fffffff'``).
"""

from __future__ import annotations

import re

_BAD_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def utf8_bytes(code: int) -> bytes:
    """bash's ``u32toutf8``: one code point (up to 0x7fffffff) as 1 to 6 bytes."""
    if code < 0x80:
        return bytes([code])
    if code < 0x800:
        return bytes([0xC0 | code >> 6, 0x80 | code & 0x3F])
    if code < 0x10000:
        return bytes([0xE0 | code >> 12, 0x80 | code >> 6 & 0x3F, 0x80 | code & 0x3F])
    if code < 0x200000:
        return bytes([0xF0 | code >> 18, 0x80 | code >> 12 & 0x3F, 0x80 | code >> 6 & 0x3F,
                      0x80 | code & 0x3F])
    if code < 0x4000000:
        return bytes([0xF8 | code >> 24, 0x80 | code >> 18 & 0x3F, 0x80 | code >> 12 & 0x3F,
                      0x80 | code >> 6 & 0x3F, 0x80 | code & 0x3F])
    if code < 0x80000000:
        return bytes([0xFC | code >> 30, 0x80 | code >> 24 & 0x3F, 0x80 | code >> 18 & 0x3F,
                      0x80 | code >> 12 & 0x3F, 0x80 | code >> 6 & 0x3F, 0x80 | code & 0x3F])
    return b""


def to_bytes(text: str) -> bytes:
    """The bytes ``text`` stands for (see the module's doc); never raises."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        pass
    out = bytearray()
    for piece in re.split(f"({_BAD_SURROGATE.pattern})", text):
        if len(piece) == 1 and _BAD_SURROGATE.match(piece):
            out += utf8_bytes(ord(piece))
        elif piece:
            out += piece.encode("utf-8", "surrogateescape")
    return bytes(out)


def from_bytes(data: bytes) -> str:
    """The string that stands for ``data``: UTF-8, other bytes as ``\\udc80``-``\\udcff``."""
    return data.decode("utf-8", "surrogateescape")


def canonical(text: str) -> str:
    """``text`` as the shell may hold it: a lone surrogate that stands for no byte
    becomes the bytes bash would have written for it (see the module's doc). Text
    that is already printable comes back as it is, at the cost of one scan."""
    if _BAD_SURROGATE.search(text) is None:
        return text
    return from_bytes(to_bytes(text))


def looks_binary(text: str) -> bool:
    """bash's check_binary_file() on a script's first 80 bytes: an ELF header, or a NUL
    in the first line (in the first two after a ``#!`` line)."""
    sample = to_bytes(text[:80])[:80]
    if sample.startswith(b"\x7fELF"):
        return True
    lines = 2 if sample.startswith(b"#!") else 1
    for byte in sample:
        if byte == 0x0A:
            lines -= 1
            if lines == 0:
                return False
        elif byte == 0:
            return True
    return False
