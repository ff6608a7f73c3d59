"""The syntax of QEMU option arguments: QemuOpts, keyval, sizes, numbers, MAC addresses.

QEMU reads most option arguments (``-netdev tap,id=n1,ifname=tap0``) with QemuOpts:
comma-separated ``name=value`` pairs. A few newer options (``-smp``, ``-machine``) use
the stricter keyval parser. Values are then read with C-library rules -- ``strtol``
with its prefixes, ``qemu_strtosz`` for sizes -- and these functions copy those rules,
corner cases included, because QEMU's error messages depend on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netsim.qemu import errors as E
from netsim.qemu.cutils import ERANGE, qemu_strtoi64, qemu_strtosz
from netsim.user.strtol import strtol


def _strcspn(s: str, chars: str) -> int:
    for i, c in enumerate(s):
        if c in chars:
            return i
    return len(s)


def _opt_value(s: str, p: int) -> tuple[str, int]:
    """A QemuOpts value runs to the next single comma; ``,,`` is a literal comma."""
    out = []
    while p < len(s):
        if s[p] == ",":
            if p + 1 < len(s) and s[p + 1] == ",":
                out.append(",")
                p += 2
                continue
            break
        out.append(s[p])
        p += 1
    return "".join(out), p


@dataclass
class Opts:
    """What QemuOpts made of ``a=b,c,nod``: ordered (name, value) pairs, the id,
    the short-form booleans it warned about, and whether ``help`` was asked."""

    pairs: list[tuple[str, str]]
    id: str | None
    flags: list[tuple[str, str]]
    help: bool

    def get(self, name: str, default: str | None = None) -> str | None:
        for k, v in reversed(self.pairs):
            if k == name:
                return v
        return default

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]


def qemu_opts(text: str, implied: str | None = None) -> Opts:
    """Split an option argument the way QemuOpts does (``qemu_opts_parse_noisily``).

    ``name=value`` pairs separated by commas, ``,,`` for a comma inside a value, the
    first bare word is the ``implied`` parameter (``tap`` is ``type=tap``), later bare
    words are booleans: ``ipv6`` is ``ipv6=on``, ``noipv6`` is ``ipv6=off`` (deprecated,
    QEMU warns). A trailing comma is harmless.
    """
    pairs: list[tuple[str, str]] = []
    flags: list[tuple[str, str]] = []
    ident = None
    want_help = False
    p = 0
    first = implied
    while p < len(text):
        rest = text[p:]
        n = _strcspn(rest, "=,")
        if n == len(rest) or rest[n] != "=":
            if first:
                name = first
                value, p = _opt_value(text, p)
            else:
                name = rest[:n]
                p += n
                if name.startswith("no"):
                    name, value, prefix = name[2:], "off", "no"
                else:
                    value, prefix = "on", ""
                if name in ("help", "?"):
                    want_help = True
                else:
                    flags.append((prefix, name))
        else:
            name = rest[:n]
            value, p = _opt_value(text, p + n + 1)
        first = None
        if p < len(text) and text[p] == ",":
            p += 1
        if name == "id":
            ident = value
            continue
        pairs.append((name, value))
    return Opts(pairs, ident, flags, want_help)


_QAPI_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def keyval(text: str, implied: str | None) -> dict[str, str]:
    """Split an argument the keyval way (``-smp``, ``-machine``): keys must be names,
    only the *first* element may be bare (the implied key), ``,,`` escapes a comma,
    a repeated key keeps its last value. Raises ``(message, None)`` errors as
    :class:`ValueError` carrying QEMU's text."""
    out: dict[str, str] = {}
    p = 0
    first = True
    while p < len(text):
        rest = text[p:]
        n = _strcspn(rest, "=,")
        if n and (n == len(rest) or rest[n] != "=") and implied and first:
            out[implied] = rest[:n]
            p += n + (1 if p + n < len(text) else 0)
            first = False
            continue
        key = rest[:n]
        frags = key.split(".")
        ok = bool(key) and all(
            (_QAPI_NAME.fullmatch(f) or (i and f.isdigit())) for i, f in enumerate(frags))
        if not ok:
            raise ValueError(E.invalid_parameter(key))
        if n == len(rest):
            raise ValueError(E.expected_equals(key))
        value, p = _opt_value(text, p + n + 1)
        if p < len(text):
            p += 1
        out[key] = value
        first = False
    return out


def id_wellformed(ident: str) -> bool:
    """An ``id=`` QEMU accepts: a letter, then letters, digits, ``.``, ``_`` or ``-``."""
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]*", ident))


_TRUE = ("on", "yes", "true", "y")
_FALSE = ("off", "no", "false", "n")


def parse_bool(value: str) -> bool | None:
    """A QemuOpts boolean: on/yes/true/y or off/no/false/n; anything else is None."""
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def strtosz(text: str, default_suffix: str = "B") -> tuple[int, bool]:
    """QEMU's ``qemu_strtosz``: ``16G``, ``1.5G``, ``512k``, ``0x100`` -> bytes.

    Suffixes (any case) B k M G T P E are powers of 1024; a fraction needs a suffix;
    ``-`` and exponents are refused. Returns (bytes, hex_with_suffix) -- the second
    tells that QEMU warns about a multiplier on a hex number. Raises ValueError('inval')
    or ValueError('range'). (:func:`netsim.qemu.cutils.qemu_strtosz` is the reader.)
    """
    size = qemu_strtosz(text, default_suffix)
    if size.err == ERANGE:
        raise ValueError("range")
    if size.err:
        raise ValueError("inval")
    return size.value, size.hex_suffix


def parse_int64(text: str) -> int | None:
    """``qemu_strtoi64(text, NULL, 0)``: the whole string, C prefixes (0x, 0) allowed;
    None for no number, junk after it, or a value outside int64 (ERANGE)."""
    n = qemu_strtoi64(text)
    return n.value if n.ok else None


def parse_device_mac(text: str) -> str | None:
    """``-device ...,mac=``: exactly six 2-digit hex bytes separated by ``:`` or ``-``."""
    if not re.fullmatch(r"[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}", text):
        return None
    return ":".join(text[i:i + 2] for i in range(0, 17, 3)).lower()


def parse_net_mac(text: str) -> str | None:
    """``-net nic,macaddr=`` / ``-nic ...,mac=`` (``net_parse_macaddr``): six strtol(16)
    parts separated by ``:`` or ``-`` (one digit is fine; a part keeps its low byte,
    after strtol's saturation), or a number for the last three bytes."""
    if text == "":      # strtol() read nothing and stopped at the NUL: offset 0
        return "00:00:00:00:00:00"
    whole = strtol(text, 0)
    if whole is not None and not whole.overflow and whole.end == len(text) \
            and 0 <= whole.value <= 0xFFFFFF:
        off = whole.value
        return f"00:00:00:{off >> 16 & 0xFF:02x}:{off >> 8 & 0xFF:02x}:{off & 0xFF:02x}"
    out = []
    p = 0
    for i in range(6):
        part = strtol(text, 16, start=p)
        if part is not None:
            out.append(part.value & 0xFF)
            p = part.end
        else:
            out.append(0)
        if i == 5:
            if p != len(text):
                return None
        else:
            if p >= len(text) or text[p] not in ":-":
                return None
            p += 1
    return ":".join(f"{b:02x}" for b in out)
