"""What the objects of ``bridge`` share: one run's options, device names, C number parsing."""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from netsim.cli.ip.args import IpExit, matches
from netsim.cli.ip.render import Printer

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


def ll_name_to_index(ns: NetNamespace, name: str) -> int:
    """ll_name_to_index(): a device's ifindex, or N for a name spelled ``ifN``, else 0."""
    dev = ns.get(name)
    if dev is not None:
        return dev.ifindex
    match = re.match(r"if(\d+)", name)
    return int(match.group(1)) % (1 << 32) if match else 0


def ll_index_to_name(ns: NetNamespace, ifindex: int) -> str:
    """ll_index_to_name(): the local device with that number, else ``ifN``."""
    dev = ns.by_index(ifindex)
    return dev.name if dev is not None else f"if{ifindex}"


def mac_text(mac: bytes) -> str:
    return ":".join(f"{b:02x}" for b in mac)


def atoi(text: str) -> int:
    """C atoi(): leading blanks, a sign, digits; 0 when there are none."""
    match = re.match(r"[ \t\n\v\f\r]*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def parse_on_off(key: str, text: str) -> int:
    """parse_on_off(): a prefix of "off" or "on" ("o" is off), else exit status 234."""
    if matches(text, "off"):
        return 0
    if matches(text, "on"):
        return 1
    raise IpExit(256 - errno.EINVAL,
                 f'Error: argument of "{key}" must be one of "off", "on", not "{text}"\n')
