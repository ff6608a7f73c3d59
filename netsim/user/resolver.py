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


def _name_pton(name: str) -> list[bytes] | None:
    """ns_name_pton(): the labels of a name (``\\X`` and ``\\DDD`` escapes), or None
    when it is not a domain name (an empty or 64-byte label, over 255 bytes)."""
    labels: list[bytes] = []
    label = bytearray()
    total = 1
    i, n = 0, len(name)
    while i < n:
        ch = name[i]
        i += 1
        if ch == "\\":
            if i + 2 < n + 0 and name[i:i + 3].isdigit() and name[i:i + 3].isascii():
                code = int(name[i:i + 3])
                if code > 255:
                    return None
                label.append(code)
                i += 3
            elif i < n:
                label += name[i].encode("utf-8", "surrogateescape")
                i += 1
            else:
                return None
        elif ch == ".":
            if not label:
                return [] if name == "." else None
            labels.append(bytes(label))
            total += len(label) + 1
            label = bytearray()
        else:
            label += ch.encode("utf-8", "surrogateescape")
        if len(label) > 63:
            return None
    if label:
        labels.append(bytes(label))
        total += len(label) + 1
    if total > 255:
        return None
    return labels


_HOST_CHARS = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_")


def name_error(name: str) -> str:
    """What getaddrinfo() says of a name netsim cannot look up (no name server
    answers in a simulated world, and /etc/hosts is not read)."""
    if not name:
        return "Name or service not known"  # getaddrinfo(NULL, NULL): EAI_NONAME
    ascii_name = name
    if not name.isascii():
        try:
            ascii_name = ".".join(
                label.encode("idna").decode("ascii") if label and not label.isascii()
                else label for label in name.split("."))
        except UnicodeError:
            return "Parameter string not correctly encoded"
    # res_hnok(): printable ASCII, a domain name, host-name characters only, no
    # leading '-': else nss_dns does not even ask
    if any(not " " < ch <= "~" for ch in ascii_name):
        return "Name or service not known"
    labels = _name_pton(ascii_name)
    if labels is None or (labels and labels[0][:1] == b"-") or any(
            byte not in _HOST_CHARS for label in labels for byte in label):
        return "Name or service not known"
    return "Temporary failure in name resolution"
