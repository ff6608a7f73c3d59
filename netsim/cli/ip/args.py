"""iproute2's argument conventions, so that `ip` accepts and refuses exactly what the real one does.

Three habits of iproute2 shape every `ip` sub-command:

* **prefix matching** -- :func:`matches` says whether what the user typed is a
  (non-empty) prefix of a keyword: ``ip l s eth0 up`` is ``ip link set eth0 up``.
  The keywords are tried in a fixed order, so ``s`` means whichever comes first.
* **C number parsing** -- values go through ``strtol``/``strtoul`` with base 0:
  ``0x10`` is 16, ``010`` is 8, leading blanks are skipped, and ``-1`` given to an
  unsigned parser wraps around (then usually fails the range check).
* **fatal errors** -- most bad arguments end the program at once with a fixed
  message and exit status 255 (``exit(-1)``). :class:`IpExit` carries that
  message and status up to :func:`netsim.cli.ip.main`, which prints it.

Everything here is user-space: nothing touches the simulated kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from netsim.user.io import Io
from netsim.user.strtol import strtol as c_strtol


class IpExit(Exception):
    """The program ends now: ``stderr`` text (may be empty) and the exit status."""

    def __init__(self, status: int, stderr: str = "", stdout: str = "") -> None:
        super().__init__(stderr)
        self.status = status
        self.stderr = stderr
        self.stdout = stdout


# ---------------------------------------------------------------------- matching
def matches(typed: str, keyword: str) -> bool:
    """True when ``typed`` is a non-empty prefix of ``keyword`` (iproute2's ``!matches()``)."""
    return bool(typed) and keyword.startswith(typed)


# ---------------------------------------------------------------------- fatal errors
def invarg(msg: str, arg: str) -> IpExit:
    """``invarg()``: a value was recognised but is wrong. Some callers' messages end in
    a newline of their own, which then shows as an empty line: kept on purpose."""
    return IpExit(255, f'Error: argument "{arg}" is wrong: {msg}\n')


def duparg(key: str, arg: str) -> IpExit:
    return IpExit(255, f'Error: duplicate "{key}": "{arg}" is the second value.\n')


def duparg2(key: str, arg: str) -> IpExit:
    """The famous ``Error: either "dev" is duplicate, or "eth0" is a garbage.``"""
    return IpExit(255, f'Error: either "{key}" is duplicate, or "{arg}" is a garbage.\n')


def incomplete() -> IpExit:
    """A keyword that needs a value came last (``NEXT_ARG()`` ran out)."""
    return IpExit(255, 'Command line is not complete. Try option "help"\n')


def missarg(key: str) -> IpExit:
    return IpExit(255, f'Error: argument "{key}" is required\n')


def nodev(name: str) -> IpExit:
    """``nodev()``: the device named on the command line does not exist (status 1)."""
    return IpExit(1, f'Cannot find device "{name}"\n')


def fatal(text: str, status: int = 255) -> IpExit:
    """Any other message printed by iproute2 before it gives up."""
    return IpExit(status, text)


# ---------------------------------------------------------------------- the argv cursor
class Args:
    """The ``argc``/``argv`` pair the C code walks with ``NEXT_ARG()``."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.i = 0

    def __bool__(self) -> bool:
        return self.i < len(self.argv)

    def __len__(self) -> int:
        return len(self.argv) - self.i

    @property
    def cur(self) -> str:
        return self.argv[self.i]

    def advance(self) -> None:
        self.i += 1

    def next_arg(self) -> str:
        """``NEXT_ARG()``: step to the value after a keyword, or fail if there is none."""
        self.i += 1
        if self.i >= len(self.argv):
            raise incomplete()
        return self.argv[self.i]

    def next_value(self, parse: Callable[[str], int | None], error: str,
                   all_ok: bool = False) -> int | None:
        """The value after a keyword, read by ``parse``; one it cannot read is an invalid
        argument (``error``) -- except ``all`` where ``all_ok``, which reads as None."""
        text = self.next_arg()
        value = parse(text)
        if value is None and not (all_ok and text == "all"):
            raise invarg(error, text)
        return value

    def rest(self) -> list[str]:
        return self.argv[self.i:]


# ---------------------------------------------------------------------- C number parsing


def strtol(text: str, base: int = 0, unsigned: bool = False) -> tuple[int, str, bool] | None:
    """C ``strtol``/``strtoul`` (glibc's, :mod:`netsim.user.strtol`): (value, unparsed
    rest, overflowed) or None if there is no digit."""
    parsed = c_strtol(text, base, unsigned=unsigned)
    if parsed is None:
        return None
    return parsed.value, text[parsed.end:], parsed.overflow


def _whole(text: str, unsigned: bool, base: int = 0) -> int | None:
    """The number if ``text`` is one and only one (no trailing junk, no overflow)."""
    if not text:
        return None
    parsed = strtol(text, base, unsigned)
    if parsed is None:
        return None
    value, rest, over = parsed
    if rest or over:
        return None
    return value


def get_integer(text: str) -> int | None:
    """``get_integer()``: a C int."""
    value = _whole(text, unsigned=False)
    if value is None or not -(1 << 31) <= value < (1 << 31):
        return None
    return value


def get_unsigned(text: str, limit: int = 0xFFFFFFFF) -> int | None:
    """``get_unsigned()``/``get_u32()``/``get_u16()``/``get_u8()`` with their upper bound."""
    value = _whole(text, unsigned=True)
    if value is None or value > limit:
        return None
    return value


# ---------------------------------------------------------------------- addresses
def ll_addr_a2n(text: str, maxlen: int = 32) -> bytes | str:
    """``ll_addr_a2n()``: ``"02:00:00:00:00:01"`` -> bytes; on failure the error text.

    Each colon-separated part is read with ``sscanf("%x")``, so ``2:0:0:0:0:1`` and
    even ``0x2:...`` are accepted; any number of parts (the caller checks the length).
    """
    bad = f'"{text}" is invalid lladdr.\n'
    if "." in text:
        addr = ipv4_aton(text)
        return bad if addr is None else addr
    out = bytearray()
    for part in text.split(":")[:maxlen]:
        parsed = strtol(part, 16, unsigned=False)
        if parsed is None:
            return f'"{part}" is invalid lladdr.\n'
        value = parsed[0]
        if not 0 <= value <= 255:
            return f'"{part}" is invalid lladdr.\n'
        out.append(value)
    return bytes(out)


def ipv4_aton(text: str) -> bytes | None:
    """``get_addr_ipv4()``: dotted quad with C number rules; ``10.1`` means 10.1.0.0."""
    out = bytearray(4)
    rest = text
    for i in range(4):
        parsed = strtol(rest, 0, unsigned=True)
        if parsed is None:
            return None
        value, tail, _over = parsed
        if value > 255:
            return None
        out[i] = value
        if not tail:
            return bytes(out)
        if i == 3 or tail[0] != ".":
            return None
        rest = tail[1:]
    return bytes(out)


class Prefix:
    """iproute2's ``inet_prefix`` for IPv4: an address and how many bits of it count.

    ``bitlen`` is -2 for the words ``default``/``all``/``any``; ``prefix_given`` says
    whether the user wrote ``/N`` (``ip addr del`` treats a bare address as a wildcard).
    """

    def __init__(self, addr: bytes, bitlen: int, prefix_given: bool, family: str = "inet",
                 ) -> None:
        self.addr = addr
        self.bitlen = bitlen
        self.prefix_given = prefix_given
        self.family = family  # "inet", "inet6" or "any" (default/all/any)

    @property
    def is_any(self) -> bool:
        return self.family == "any"


def _netmask_bits(text: str) -> int | None:
    """``get_netmask()``: ``24`` or ``255.255.255.0``."""
    value = get_unsigned(text)
    if value is not None:
        return value
    mask = ipv4_aton(text)
    if mask is None:
        return None
    m = int.from_bytes(mask, "big")
    host = ~m & 0xFFFFFFFF
    if host & (host + 1):
        return None
    return bin(m).count("1")


def parse_prefix(text: str, want_prefix: bool) -> Prefix | None:
    """``get_prefix_1()``/``get_addr_1()`` for the IPv4 world; None when invalid.

    IPv6 literals are recognised (so the error is the real one) but not modelled:
    they come back with ``family == "inet6"``.
    """
    addr_text, slash, plen_text = text.partition("/")
    if addr_text == "default":
        pfx = Prefix(bytes(4), -2, True, "any")
    elif addr_text in ("all", "any"):
        pfx = Prefix(bytes(4), -2, False, "any")
    elif ":" in addr_text:
        return Prefix(bytes(16), 128, bool(slash), "inet6")
    else:
        addr = ipv4_aton(addr_text)
        if addr is None:
            return None
        pfx = Prefix(addr, -1, False)
    if not want_prefix:
        if slash:
            return None
        return pfx
    if slash:
        if pfx.bitlen == -2:
            return None
        plen = _netmask_bits(plen_text)
        if plen is None or plen > 32:
            return None
        pfx.bitlen = plen
        pfx.prefix_given = True
    else:
        pfx.bitlen = 0 if pfx.bitlen == -2 else 32
    return pfx


def _wrong_family(pfx: Prefix, family: str) -> bool:
    return family in ("inet", "inet6") and pfx.family in ("inet", "inet6") and pfx.family != family


def get_prefix(text: str, family: str = "any valid") -> Prefix:
    """``get_prefix()``: a prefix or the program ends with iproute2's message (status 1).

    ``family`` is how the message names the expected family: "any valid", or "inet"
    after ``-4``.
    """
    pfx = parse_prefix(text, want_prefix=True)
    if pfx is None or _wrong_family(pfx, family):
        raise IpExit(1, f'Error: {family} prefix is expected rather than "{text}".\n')
    return pfx


def get_addr(text: str, family: str = "any valid") -> Prefix:
    """``get_addr()``: an address (no ``/N``) or the program ends (status 1)."""
    pfx = parse_prefix(text, want_prefix=False)
    if pfx is None or _wrong_family(pfx, family):
        raise IpExit(1, f'Error: {family} address is expected rather than "{text}".\n')
    if pfx.bitlen == -1:
        pfx.bitlen = 32
    return pfx


def family_after(pfx: Prefix, family: str) -> str:
    """The request's family once an address was read: later errors name it ("inet ...")."""
    return pfx.family if pfx.family in ("inet", "inet6") else family


def check_ifname(name: str) -> bool:
    """``check_ifname()``: what the kernel's dev_valid_name() will accept (< 16 bytes,
    no '/', no blanks, not empty)."""
    return len(name.encode("utf-8", "surrogateescape")) < 16 and check_altifname(name)


def check_altifname(name: str) -> bool:
    return bool(name) and not any(c == "/" or c.isspace() for c in name)


def emit(io: Io, exc: IpExit) -> int:
    """Print what an :class:`IpExit` carries and give its exit status."""
    if exc.stdout:
        io.write(exc.stdout)
    if exc.stderr:
        io.error(exc.stderr)
    return exc.status
