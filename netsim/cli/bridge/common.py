"""What the objects of ``bridge`` share: one run's options, device names, C number parsing."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.cli.ip.args import IpExit, matches
from netsim.cli.ip.render import Printer
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.stack.namespace import NetNamespace
    from netsim.user.io import Io


@dataclass
class Opts:
    """The global options of one bridge run."""

    stats: int = 0
    details: int = 0
    oneline: bool = False
    json: bool = False
    pretty: bool = False

    def printer(self) -> Printer:
        return Printer(json=self.json, pretty=self.pretty, oneline=self.oneline)


@dataclass
class Run:
    """One run of ``bridge`` on a host: its namespace, its output, its options."""

    ns: NetNamespace
    io: Io
    opts: Opts


def not_simulated(what: str) -> IpExit:
    """A valid request for something netsim does not model: said plainly (status 2)."""
    return IpExit(2, f"netsim: {what} is not simulated\n")


def ll_name_to_index(ns: NetNamespace, name: str, io: Io | None = None) -> int:
    """ll_name_to_index(): a device's ifindex, or N for a name spelled ``ifN``, else 0.

    An unknown name is asked of the kernel (ll_link_get) in a 1056-byte request: a name
    of 1012 bytes or more does not fit, and addattr_l says so before the ``ifN`` try."""
    dev = ns.get(name)
    if dev is not None:
        return dev.ifindex
    if io is not None and len(name.encode("utf-8", "surrogateescape")) >= 1012:
        io.error("addattr_l ERROR: message exceeded bound of 1056\n")
    if not name.startswith("if"):
        return 0
    parsed = strtol(name, 10, unsigned=True, start=2)  # sscanf(name, "if%u")
    return parsed.value & 0xFFFFFFFF if parsed is not None else 0


def ll_index_to_name(ns: NetNamespace, ifindex: int) -> str:
    """ll_index_to_name(): the local device with that number, else ``ifN``."""
    dev = ns.by_index(ifindex)
    return dev.name if dev is not None else f"if{ifindex}"


def mac_text(mac: bytes) -> str:
    return ":".join(f"{b:02x}" for b in mac)


def atoi(text: str) -> int:
    """C atoi(): leading blanks, a sign, digits; 0 when there are none. strtol() cut
    to an int: 2^32 is 0, a 5,000-digit number is -1."""
    parsed = strtol(text, 10)
    value = (parsed.value if parsed is not None else 0) & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def parse_on_off(key: str, text: str) -> int:
    """parse_on_off(): a prefix of "off" or "on" ("o" is off), else exit status 234."""
    if matches(text, "off"):
        return 0
    if matches(text, "on"):
        return 1
    raise IpExit(256 - errno.EINVAL,
                 f'Error: argument of "{key}" must be one of "off", "on", not "{text}"\n')
