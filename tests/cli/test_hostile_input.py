"""Hostile numbers and strings: the real tools' texts, no Python error, no hang.

``tests/data/hostile/TOOL.json`` holds what the real tool printed for 5,000-digit
numbers, 2^32, 2^63, 2^64, negative numbers, junk after a number, empty strings, bytes
that are not UTF-8, 100,000-character strings and C's number prefixes (recorded by
``record.py`` beside them, each command in a fresh network namespace). Each command
is replayed in a fresh netsim host after the same setup: exit status, standard output
and standard error must be the same, byte for byte.
"""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path

import pytest

from netsim.cli.commands import PROGRAMS
from netsim.user.io import Io

from helpers import new_host

DATA = Path(__file__).resolve().parents[1] / "data" / "hostile"
LONG = {"{9*100000}": "9" * 100_000, "{x*100000}": "x" * 100_000, "{9*5000}": "9" * 5000}


def decode(text: str) -> str:
    for token, value in LONG.items():
        text = text.replace(token, value)
    return text


def _cases() -> list:
    cases = []
    for path in sorted(DATA.glob("*.json")):
        data = json.loads(path.read_text())
        for i, run in enumerate(data["runs"]):
            cases.append(pytest.param(data["setup"], run, id=f"{data['tool']}-{i}"))
    return cases


def run_tool(setup: str, argv: list[str]) -> tuple[int, str, str]:
    """The command in a fresh host: a tool's main() directly (argv exactly as given),
    ``bash -c SCRIPT`` through the host's shell."""
    host = new_host()
    if setup:
        assert host.sh(setup).returncode == 0
    if argv[0] == "bash":
        result = host.sh(argv[2])
        return result.returncode, result.stdout, result.stderr
    module, func = PROGRAMS[argv[0]].split(":")
    io = Io()
    status = getattr(importlib.import_module(module), func)(host, argv, io)
    return status, io.stdout, io.stderr


@pytest.mark.parametrize("setup, run", _cases())
def test_hostile_input_gets_the_real_tools_text(setup: str, run: dict) -> None:
    argv = [decode(a) for a in run["argv"]]
    started = time.monotonic()
    got = run_tool(setup, argv)
    assert got == (run["rc"], decode(run["stdout"]), decode(run["stderr"])), run["argv"]
    assert time.monotonic() - started < 5, "hostile input must not make a command crawl"


# ----------------------------------------------------------------------------- timers
BACKGROUND_NOTE = ("netsim: udhcpc would keep trying in the foreground; it goes on in the "
                   "background\n")


@pytest.mark.parametrize("options, discovers, now", [
    ("-n -q -T 2147483647", 1, 600.0),   # one discover, then a wait of 68 years
    ("-n -q -t 2147483647", 200, 600.0),  # 2^31 discovers 3 s apart
    ("-n -q -t 0", 200, 600.0),          # -t 0: busybox's "no limit"
    ("-n -q -t 0 -T 0", 1000, 0.0),      # ... all at once: counted, not timed
    ("-q -A 2147483647", 3, 9.0),        # without -n: one round, as before
])
def test_udhcpc_timers_from_the_command_line_are_bounded(options, discovers, now) -> None:
    """The real udhcpc takes up to INT_MAX for -t/-T/-A and waits that long; here the
    prompt comes back after at most 600 simulated seconds or 1,000 discovers, the
    client going on in the background."""
    host = new_host()
    host.sh("ip link add eth0 type veth peer name eth1; ip link set eth1 up")
    started = time.monotonic()
    result = host.sh(f"udhcpc {options} -i eth0")
    assert time.monotonic() - started < 5
    assert result.returncode == 0 and host.lab.now == now
    assert result.stderr == ("udhcpc: started, v1.35.0\n"
                             + "udhcpc: broadcasting discover\n" * discovers + BACKGROUND_NOTE)
    assert "udhcpc " + options in host.sh("ps -e -o args").stdout


def test_udhcpc_2_to_the_63_is_refused_at_once() -> None:
    """The fuzzer's hang: -T 9223372036854775808 is busybox's "invalid number"."""
    host = new_host()
    result = host.sh("udhcpc -T 9223372036854775808")
    assert (result.returncode, result.stderr) == (
        1, "udhcpc: invalid number '9223372036854775808'\n")
    assert host.lab.now == 0
