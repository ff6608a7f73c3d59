"""The goal vocabulary: each kind of goal, the fields it takes and how it reads.

A goal in a lab file is a mapping with one kind as its key::

    - reach: {from: vm1, to: web}
      hint: the host must forward, and translate the VM's address
    - frames-seen: {on: host, dev: eth0, match: "IP 192.168.1.10 >",
                    traffic: {from: vm1, to: web}}

Every field is checked when the file is read (:mod:`netsim.labs.spec`), so a typo is
refused with its line before any machine is made. How each kind is checked -- always
by sending traffic through the simulation or reading the kernel's state, never by
looking at what the student typed -- is in :mod:`netsim.labs.goals`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from netsim.labs.yamlfile import Mapping, Refused, Sequence

_NAME = re.compile(r"[^\s:/]{1,64}\Z")
_DEV = re.compile(r"[^\s:/]{1,15}\Z")
_MAC = re.compile(r"([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\Z")


# ----------------------------------------------------------------------------- field types
def text(value, line: int, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Refused(line, f"{name}: expected some text, got {shown(value)}")
    return value


def machine(value, line: int, name: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise Refused(line, f"{name}: expected a machine's name (e.g. host, vm1), got "
                            f"{shown(value)}")
    return value


def is_mac(value: str) -> bool:
    return bool(_MAC.match(value))


def is_address(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def target(value, line: int, name: str) -> str:
    """A machine's name or an IPv4 address."""
    if isinstance(value, str) and (is_address(value) or _NAME.match(value)):
        return value
    raise Refused(line, f"{name}: expected a machine's name or an IPv4 address, got "
                        f"{shown(value)}")


def address(value, line: int, name: str) -> str:
    """An IPv4 address, with or without its prefix length: 192.168.1.10/24."""
    try:
        if not isinstance(value, str):
            raise ValueError
        ipaddress.IPv4Interface(value)
    except ValueError:
        raise Refused(line, f"{name}: expected an IPv4 address such as 192.168.1.10/24, "
                            f"got {shown(value)}") from None
    return value


def subnet(value, line: int, name: str) -> str:
    try:
        if not isinstance(value, str):
            raise ValueError
        return str(ipaddress.IPv4Network(value, strict=False))
    except ValueError:
        raise Refused(line, f"{name}: expected a subnet such as 192.168.1.0/24, got "
                            f"{shown(value)}") from None


def dev(value, line: int, name: str) -> str:
    if not isinstance(value, str) or not _DEV.match(value):
        raise Refused(line, f"{name}: expected a device name (1-15 characters, e.g. eth0), "
                            f"got {shown(value)}")
    return value


def port(value, line: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise Refused(line, f"{name}: expected a port number 1-65535, got {shown(value)}")
    return value


def count(value, line: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Refused(line, f"{name}: expected a whole number >= 0, got {shown(value)}")
    return value


def flag(value, line: int, name: str) -> bool:
    if not isinstance(value, bool):
        raise Refused(line, f"{name}: expected true or false, got {shown(value)}")
    return value


def mac(value, line: int, name: str) -> str:
    """A MAC address, or ``machine:dev`` for the MAC that device has when checked."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise Refused(line, f"{name}: put the MAC address in quotes ('52:54:00:12:34:01'): "
                            "unquoted, YAML reads it as a number")
    if isinstance(value, str) and (_MAC.match(value) or is_ref(value)):
        return value.lower() if _MAC.match(value) else value
    raise Refused(line, f"{name}: expected a MAC address ('52:54:00:12:34:01', quoted) or "
                        f"machine:device (vm1:eth0), got {shown(value)}")


def bridge_ref(value, line: int, name: str) -> str:
    """``host:br0``: a device on a machine."""
    if isinstance(value, str) and is_ref(value):
        return value
    raise Refused(line, f"{name}: expected machine:device (e.g. sw1:br0), got {shown(value)}")


def bridge_refs(value, line: int, name: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise Refused(line, f"{name}: expected a list of machine:device (e.g. [sw1:br0, "
                            f"sw3:br0]), got {shown(value)}")
    return [bridge_ref(v, _item_line(value, i, line), name) for i, v in enumerate(value)]


def pair(value, line: int, name: str) -> tuple[str, str]:
    """``[lan1, vm1]`` or ``{from: lan1, to: vm1}``: whom ``lab.why`` asks about."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        value = [value["from"], value["to"]]
    if not isinstance(value, list) or len(value) != 2:
        raise Refused(line, f"{name}: expected two machines, [from, to], got {shown(value)}")
    return machine(value[0], line, name), machine(value[1], line, name)


@dataclass(frozen=True)
class Probe:
    """One piece of a goal's traffic: a ping, or a UDP datagram to ``port``."""

    source: str
    target: str
    port: int | None = None
    line: int = 0

    def __str__(self) -> str:
        if self.port is None:
            return f"{self.source} pings {self.target}"
        return f"{self.source} sends UDP to {self.target} port {self.port}"


def traffic(value, line: int, name: str) -> list[Probe]:
    """``{from: vm1, to: web}``, ``{from: lan1, to: 192.168.1.10, port: 5007}``, or a list."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise Refused(line, f"{name}: expected at least one {{from: A, to: B}}")
    probes = []
    for i, item in enumerate(items):
        where = _item_line(value, i, line) if isinstance(value, list) else line
        if not isinstance(item, dict) or not {"from", "to"} <= set(item) \
                or set(item) - {"from", "to", "port"}:
            raise Refused(where, f"{name}: expected {{from: A, to: B}} with an optional port "
                                 f"(UDP), got {shown(item)}")
        probes.append(Probe(machine(item["from"], where, f"{name}: from"),
                            target(item["to"], where, f"{name}: to"),
                            port(item["port"], where, f"{name}: port")
                            if "port" in item else None, where))
    return probes


def is_ref(value: str) -> bool:
    """``machine:device``?"""
    host, sep, device = value.partition(":")
    return bool(sep and _NAME.match(host) and _DEV.match(device))


def _item_line(value, index: int, default: int) -> int:
    return value.line_of(index) if isinstance(value, Sequence) else default


def shown(value) -> str:
    if isinstance(value, Mapping | dict):
        return "a mapping"
    if isinstance(value, Sequence | list):
        return "a list"
    if value is None:
        return "nothing"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


# ----------------------------------------------------------------------------- the kinds
FieldType = Callable[[object, int, str], object]


@dataclass(frozen=True)
class Kind:
    name: str
    meaning: str
    required: dict[str, FieldType]
    optional: dict[str, FieldType] = field(default_factory=dict)


_REACH = {"from": machine, "to": target}
_REACH_OPT = {"port": port, "answered-by": machine}
_ADDR = {"on": machine, "dev": dev}
_ADDR_OPT = {"address": address, "in": subnet}

KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("reach", "a ping (or, with port, a UDP datagram that is echoed) from A gets its "
                  "answer from B", _REACH, _REACH_OPT),
    Kind("not-reach", "the same probe as reach gets no answer", _REACH, _REACH_OPT),
    Kind("has-address", "a device holds an IPv4 address (that one, one in a subnet, or any)",
         _ADDR, _ADDR_OPT),
    Kind("no-address", "a device holds no IPv4 address (or not that one)", _ADDR, _ADDR_OPT),
    Kind("route", "the kernel's route to an address (ip route get): its gateway and device",
         {"on": machine, "to": target}, {"via": address, "dev": dev}),
    Kind("fdb", "a bridge has learned a MAC address behind a port",
         {"on": machine, "bridge": dev, "mac": mac, "port": dev}, {"traffic": traffic}),
    Kind("stp-root", "every bridge agrees that this bridge is the spanning tree's root",
         {"bridge": bridge_ref}, {"seen-by": bridge_refs}),
    Kind("stp-blocked", "a bridge port is in the blocking state", {"on": machine, "port": dev}),
    Kind("frames-seen", "a capture on a device sees frames (matching a text) during traffic",
         {"on": machine, "dev": dev, "traffic": traffic}, {"match": text, "at-least": count}),
    Kind("frames-not-seen", "a capture on a device sees no such frames during traffic",
         {"on": machine, "dev": dev, "traffic": traffic}, {"match": text}),
    Kind("counters", "a device counter (/sys/class/net/DEV/statistics) moves, or stays, "
                     "during traffic",
         {"on": machine, "dev": dev, "counter": dev, "traffic": traffic},
         {"moved": flag, "at-least": count, "at-most": count}),
    Kind("command-output-contains", "a command's output (run now, not recorded) contains "
                                    "a text",
         {"on": machine, "command": text, "contains": text}),
]}

COMMON: dict[str, FieldType] = {"hint": text, "title": text, "why": pair}
"""Fields every goal may have: a hint shown when it fails, a title that replaces the
goal's own wording, and the two machines ``lab.why`` explains when it fails."""


def known() -> str:
    return ", ".join(KINDS)
