"""How libxtables (iptables 1.8.9) and glibc read the numbers and addresses of a rule.

Every number iptables takes from its command line goes through
``xtables_strtoui()``/``xtables_strtoul_base()``: ``strtoumax`` with base 0 (``0x10``
is 16, ``010`` is 8, leading blanks and a ``+`` are fine), but a ``-`` after the blanks
is refused, as is a value out of ``[min, max]`` or past ``UINTMAX_MAX`` (ERANGE).
Without an end pointer the whole text must be the number. All of it is read by
:func:`netsim.user.strtol.strtol`, so a 5,000-digit number costs what a short one does.

Addresses are read as libxtables reads them (``xtables_numeric_to_ipaddr``: one to
four parts, each a number up to 255 read by ``xtables_strtoui``, missing parts are 0)
and then as ``getaddrinfo`` does (glibc's ``inet_aton`` without trailing text: ``256``
is 0.0.1.0).
"""

from __future__ import annotations

from netsim.user.strtol import strtol

_SPACES = " \t\n\v\f\r"
UINT8_MAX, UINT16_MAX, INT_MAX = 0xFF, 0xFFFF, 0x7FFFFFFF


def strtoui_end(text: str, low: int, high: int) -> tuple[int, int] | None:
    """``xtables_strtoui(text, &end, &value, low, high)``: (value, index of ``end``), or
    None when there is no digit, a minus sign, ERANGE or a value out of range."""
    if text.lstrip(_SPACES).startswith("-"):
        return None
    parsed = strtol(text, 0, unsigned=True)
    if parsed is None or parsed.overflow or not low <= parsed.value <= high:
        return None
    return parsed.value, parsed.end


def strtoui(text: str, low: int, high: int) -> int | None:
    """``xtables_strtoui(text, NULL, &value, low, high)``: the whole text is the number."""
    read = strtoui_end(text, low, high)
    if read is None or read[1] != len(text):
        return None
    return read[0]


def numeric_to_ipaddr(text: str) -> int | None:
    """``xtables_numeric_to_ipaddr()``: ``10``, ``10.1``, ``10.1.2``, ``10.1.2.3`` (the
    missing bytes are 0), each part read by :func:`strtoui` up to 255. The text is
    first copied into a 20-byte buffer: what is past 19 bytes is not looked at."""
    buf = text.encode("utf-8", "surrogateescape")[:19].decode("utf-8", "surrogateescape")
    values = []
    parts = buf.split(".", 3)  # a dot in the fourth part: strtoui refuses it
    for part in parts:
        value = strtoui(part, 0, UINT8_MAX)
        if value is None:
            return None
        values.append(value)
    values += [0] * (4 - len(values))
    return int.from_bytes(bytes(values), "big")


def numeric_to_ipmask(text: str) -> int | None:
    """``xtables_numeric_to_ipmask()``: a mask must have all four parts."""
    return numeric_to_ipaddr(text) if text.count(".") >= 3 else None


def inet_aton_exact(text: str) -> int | None:
    """glibc's ``__inet_aton_exact`` (what ``getaddrinfo`` tries before DNS): one to
    four parts in C notation (``0x``, leading ``0`` octal), the last one filling the
    bytes left (``1.65535`` is 1.0.255.255), and nothing after the number."""
    return inet_aton(text, exact=True)


def inet_aton(text: str, exact: bool = False) -> int | None:
    """glibc's ``inet_aton``: as :func:`inet_aton_exact`, but a blank after the address
    ends it, whatever follows (``"1.2.3.4 junk"`` is 1.2.3.4)."""
    if not exact:
        for i, c in enumerate(text):
            if c in _SPACES:
                text = text[:i]
                break
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        value = _c_part(part)
        if value is None:
            return None
        values.append(value)
    *head, last = values
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    result = 0
    for v in head:
        result = result << 8 | v
    return result << (8 * (4 - len(head))) | last


def _c_part(part: str) -> int | None:
    """One part of inet_aton: digits only (no sign, no blank), base from the prefix."""
    if not part or not part[0].isascii() or not part[0].isdigit():
        return None
    base, digits = 10, part
    if part[:2] in ("0x", "0X"):
        base, digits = 16, part[2:]
    elif part[0] == "0" and len(part) > 1:
        base, digits = 8, part[1:]
    if not digits:
        return None  # "0x" and nothing: strtoul stops at the x, which is trailing text
    allowed = "0123456789abcdefABCDEF"[:22 if base == 16 else base]
    if any(c not in allowed for c in digits):
        return None
    if len(digits.lstrip("0")) > 11:
        return 1 << 40  # far past any part's range: refused by the caller
    return int(digits, base)
