"""What each picture takes, checked at the door: a student who hands ``viz.fdb`` a
host instead of a bridge gets one line saying what was expected and how to get it,
not an AttributeError from deep inside the drawing code."""

from __future__ import annotations

from collections.abc import Iterable

from netsim.bridge.device import Bridge
from netsim.engine.trace import TraceRecord
from netsim.host import Host
from netsim.world import World


def _what(value: object) -> str:
    """``Host 'h1'``, ``str 'br0'``, ``Lab``: the value as the message names it."""
    kind = type(value).__name__
    name = getattr(value, "name", None)
    if isinstance(value, str):
        return f"str {value[:40]!r}"
    return f"{kind} {name!r}" if isinstance(name, str) else kind


def need_lab(value: object, fn: str) -> World:
    if not isinstance(value, World):
        raise TypeError(f"viz.{fn}() expected a Lab, got {_what(value)}: "
                        f"e.g. viz.{fn}(lab)")
    return value


def need_host(value: object, fn: str) -> Host:
    if not isinstance(value, Host):
        raise TypeError(f"viz.{fn}() expected a Host, got {_what(value)}: "
                        f"e.g. viz.{fn}(lab.host('h1'))")
    return value


def need_bridge(value: object, fn: str) -> Bridge:
    if not isinstance(value, Bridge):
        raise TypeError(f"viz.{fn}() expected a Bridge, got {_what(value)}: "
                        f"e.g. viz.{fn}(host.bridge('br0'))")
    return value


def need_records(value: object, fn: str) -> list[TraceRecord]:
    """Trace records (a list, ``lab.trace.filter(...)``, or the Trace itself)."""
    bad = isinstance(value, str | bytes | World | Host) or not isinstance(value, Iterable)
    records = [] if bad else list(value)  # type: ignore[call-overload]
    if bad or not all(isinstance(r, TraceRecord) for r in records):
        raise TypeError(f"viz.{fn}() expected trace records, got {_what(value)}: "
                        f"e.g. viz.{fn}(lab.trace.filter(frame=5))")
    return records
