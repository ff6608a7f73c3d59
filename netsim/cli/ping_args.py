"""How iputils' ping reads its arguments: numbers, addresses, names.

Each reader is the C function ping.c calls, with its messages: ``strtol_or_err`` and
``strtoul_or_err`` (iputils_common.c) for the integer options, ``ping_strtod`` for
``-i``/``-W``, ``parsetos`` (``-Q``), ``parseflow`` (``-F``), the ``-N`` node
information words, glibc's ``inet_aton`` (what ``ping 127.1`` or ``ping 0x7f000001``
means) and ``inet_pton`` (``-I``), and what ``getaddrinfo`` answers for a name in a
world with no name server: ``Name or service not known`` for a name that is not a
valid host name, ``Temporary failure in name resolution`` for one that is.

Every number goes through the bounded C readers (:mod:`netsim.user.strtol`,
:mod:`netsim.user.strtod`): a 5,000-digit argument is read like a short one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.user.resolver import name_error
from netsim.user.strtod import strtod
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.user.io import Io

ERANGE_TEXT = "Numerical result out of range"
_HEX = "0123456789abcdefABCDEF"


class ArgError(Exception):
    """error(status, ...): ``ping: <text>`` on stderr, and exit with ``status``."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


def strtol_or_err(text: str, low: int, high: int) -> int:
    """iputils' strtol_or_err(str, "invalid argument", low, high)."""
    return _or_err(text, low, high, unsigned=False)


def strtoul_or_err(text: str, low: int, high: int) -> int:
    """iputils' strtoul_or_err(): strtoul, so ``-1`` is ULONG_MAX (out of range)."""
    return _or_err(text, low, high, unsigned=True)


def _or_err(text: str, low: int, high: int, *, unsigned: bool) -> int:
    parsed = strtol(text, 10, unsigned=unsigned) if text else None
    if parsed is None or parsed.end != len(text) or parsed.overflow:
        suffix = f": {ERANGE_TEXT}" if parsed is not None and parsed.overflow else ""
        raise ArgError(1, f"invalid argument: '{text}'{suffix}")
    if not low <= parsed.value <= high:
        raise ArgError(1, f"invalid argument: '{text}': out of range: {low} <= value <= {high}")
    return parsed.value


def ping_strtod(text: str, what: str, io: Io, errno_fresh: bool = True) -> float:
    """ping.c's ping_strtod(): garbage after the number is only warned about (for
    now, says iputils); no number is 0; inf, nan and subnormals are refused.

    An empty argument is refused with whatever errno holds: ENOENT left over from
    libc's start (a locale file it did not find) unless an earlier number option
    reset it (``errno_fresh`` False)."""
    if not text:
        raise ArgError(2, f"{what}: " + (": No such file or directory" if errno_fresh else ""))
    parsed = strtod(text)
    end = 0 if parsed is None else parsed.end
    value = 0.0 if parsed is None else parsed.value
    if parsed is None or parsed.erange or end != len(text):
        io.error(f"ping: option argument contains garbage: {text[end:]}\n"
                 "ping: this will become fatal error in the future\n")
    if value != value or value in (float("inf"), float("-inf")) or (
            value != 0 and abs(value) < 2.2250738585072014e-308):
        raise ArgError(2, f"{what}: {text}: {ERANGE_TEXT}")
    return value


def _c_int(value: int) -> int:
    return (value + (1 << 31)) % (1 << 32) - (1 << 31)


def _hex_or_decimal(text: str, *, unsigned: bool) -> tuple[int, bool]:
    """``str[0] == '0' && (str[1] == 'x' || 'X')`` ? strto*(str + 2, 16) : strto*(str, 10):
    (the value, whether anything follows the digits)."""
    if text[:2] in ("0x", "0X"):
        rest, base = text[2:], 16
    else:
        rest, base = text, 10
    parsed = strtol(rest, base, unsigned=unsigned)
    if parsed is None:
        return 0, rest != ""
    return parsed.value, parsed.end != len(rest)


def parse_tos(text: str) -> int:
    """parsetos() (``-Q``): the value as an int; only more than 255 is refused."""
    value, junk = _hex_or_decimal(text, unsigned=False)
    if junk:
        raise ArgError(2, f"bad TOS value: {text}")
    tos = _c_int(value)
    if tos > 255:
        raise ArgError(2, f"the decimal value of TOS bits must be in range 0-255: {tos}")
    return tos


def parse_flow(text: str) -> int:
    """parseflow() (``-F``): a 20-bit flow label, ``(int)`` cast on the way."""
    value, junk = _hex_or_decimal(text, unsigned=True)
    if junk:
        raise ArgError(2, f"bad value for flowinfo: {text}")
    flow = _c_int(value) % (1 << 64)
    if flow & ~0xFFFFF:
        raise ArgError(2, f"flow value is greater than 20 bits: {text}")
    return flow


NODEINFO_HELP = """ping -6 -N <nodeinfo opt>
Help:
  help
Query:
  name
  ipv6
  ipv6-all
  ipv6-compatible
  ipv6-global
  ipv6-linklocal
  ipv6-sitelocal
  ipv4
  ipv4-all
Subject:
  subject-ipv6=addr
  subject-ipv4=addr
  subject-name=name
  subject-fqdn=name
"""
_NI_QUERIES = {"name": "name", "ipv6": "ipv6", "ipv6-all": "ipv6", "ipv6-compatible": "ipv6",
               "ipv6-global": "ipv6", "ipv6-linklocal": "ipv6", "ipv6-sitelocal": "ipv6",
               "ipv4": "ipv4", "ipv4-all": "ipv4"}
_NI_SUBJECTS = {"subject-ipv6": "ipv6", "subject-ipv4": "ipv4", "subject-name": "name",
                "subject-fqdn": "name"}


def nodeinfo(arg: str, state: dict[str, str], io: Io) -> None:
    """niquery_option_handler() (``-N``, an IPv6 feature: IPv4 pings ignore it)."""
    if arg == "help":
        io.write(NODEINFO_HELP)
        raise ArgError(0, "")  # its help, and exit 0
    if arg in _NI_QUERIES:
        kind = _NI_QUERIES[arg]
        if state.get("query", kind) == kind:
            state["query"] = kind
            return
        io.write("Qtype conflict\n")
    else:
        name, eq, value = arg.partition("=")
        kind = _NI_SUBJECTS.get(name)
        if eq and kind is not None:
            if state.get("subject", kind) != kind:
                io.write("Subject type conflict\n")
            elif kind == "name" or (kind == "ipv4" and inet_aton(value) is not None) or (
                    kind == "ipv6" and ":" in value):
                state["subject"] = kind
                return
            else:
                io.error(f"ping: {value}: {name_error(value)}\n")
    io.error(NODEINFO_HELP)
    raise ArgError(2, "")


def inet_aton(text: str) -> bytes | None:
    """glibc's __inet_aton_exact(): ``a.b.c.d``, ``a.b.c``, ``a.b``, ``a``, each part
    decimal, octal (``0``...) or hex (``0x``...); nothing may follow."""
    parts: list[int] = []
    i, n = 0, len(text)
    while True:
        base = 10
        digits = False
        if i < n and text[i] == "0":
            i += 1
            digits = True
            base = 8
            if i < n and text[i] in "xX":
                base, digits = 16, False
                i += 1
        value = 0
        while i < n:
            ch = text[i]
            if "0" <= ch <= "9":
                if base == 8 and ch in "89":
                    return None
                value = value * base + int(ch)
            elif base == 16 and ch in _HEX:
                value = value * 16 + int(ch, 16)
            else:
                break
            digits = True
            i += 1
            if value > 0xFFFFFFFF:
                return None
        if not digits:
            return None
        if i < n and text[i] == ".":
            if len(parts) > 2 or value > 0xFF:
                return None
            parts.append(value)
            i += 1
            continue
        break
    if i != n:
        return None
    limit = (0xFFFFFFFF, 0xFFFFFF, 0xFFFF, 0xFF)[len(parts)]
    if value > limit:
        return None
    number = 0
    for part in parts:
        number = number << 8 | part
    number = number << (8 * (4 - len(parts))) | value
    return number.to_bytes(4, "big")


def inet_pton4(text: str) -> bytes | None:
    """inet_pton(AF_INET): exactly four decimal parts, no leading zeros."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    out = []
    for part in parts:
        if not part or len(part) > 3 or not all("0" <= c <= "9" for c in part) or (
                len(part) > 1 and part[0] == "0") or int(part) > 255:
            return None
        out.append(int(part))
    return bytes(out)


def read_hosts(text: str) -> list[tuple[bytes, list[str]]]:
    """/etc/hosts: ``address name [alias...]`` lines (IPv4 ones), ``#`` comments."""
    entries = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2:
            packed = inet_pton4(fields[0])
            if packed is not None:
                entries.append((packed, fields[1:]))
    return entries
