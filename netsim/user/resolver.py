"""Names to IPv4 addresses, as glibc's getaddrinfo() finds them on a host with no DNS.

A dotted address is read as inet_aton() reads it (``127.1`` is 127.0.0.1); any other
name is looked up in the host's ``/etc/hosts`` (the ``files`` source of
nsswitch.conf), first match wins. The reverse (getnameinfo()) gives the first name
listed for an address, which is what ping prints beside a reply's source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.user.fs import VirtualFS

HOSTS = "/etc/hosts"


def inet_aton(text: str) -> bytes | None:
    """glibc's inet_aton(): one to four parts, each decimal, octal (0..) or hex (0x..),
    the last part filling the remaining bytes; None if it is not an address."""
    parts = text.split(".")
    if not text or len(parts) > 4 or not all(parts):
        return None
    values = []
    for part in parts:
        if not part[0].isdigit():
            return None
        parsed = strtol(part, 0, unsigned=True)
        if parsed is None or parsed.end != len(part) or parsed.overflow:
            return None
        values.append(parsed.value)
    *head, last = values
    if any(v > 255 for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    number = 0
    for v in head:
        number = number << 8 | v
    number = number << (8 * (4 - len(head))) | last
    return number.to_bytes(4, "big")


def _entries(fs: VirtualFS):
    try:
        text = fs.read(HOSTS)
    except OSError:
        return
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            address = inet_aton(words[0]) if words[0].count(".") == 3 else None
            if address is not None:
                yield address, words[1:]


def gethostbyname(fs: VirtualFS, name: str) -> bytes | None:
    """The IPv4 address ``name`` stands for on this host, or None (no such host)."""
    numeric = inet_aton(name)
    if numeric is not None:
        return numeric
    for address, names in _entries(fs):
        if name in names:
            return address
    return None


def gethostbyaddr(fs: VirtualFS, address: bytes) -> str | None:
    """The first name /etc/hosts gives ``address``, or None."""
    for listed, names in _entries(fs):
        if listed == address:
            return names[0]
    return None
