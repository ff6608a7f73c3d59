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
import re
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
            cases.append(pytest.param(data["setup"], run, data.get("mask", ""),
                                      id=f"{data['tool']}-{i}"))
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


def _masked(mask: str, text: str) -> str:
    """The text without what ``mask`` matches; a line long enough to have been cut at
    socat's 512 bytes is kept to its first 400 characters (where it was cut depends on
    how many digits the PID has)."""
    lines = re.sub(mask, "", text).split("\n")
    return "\n".join(line[:400] if len(line) > 440 else line for line in lines)


@pytest.mark.parametrize("setup, run, mask", _cases())
def test_hostile_input_gets_the_real_tools_text(setup: str, run: dict, mask: str) -> None:
    """``mask`` (a regex) is what differs from run to run (socat's time and PID)."""
    argv = [decode(a) for a in run["argv"]]
    started = time.monotonic()
    status, out, err = run_tool(setup, argv)
    want_err = decode(run["stderr"])
    if mask:
        err, want_err = _masked(mask, err), _masked(mask, want_err)
    assert (status, out, err) == (run["rc"], decode(run["stdout"]), want_err), run["argv"]
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


@pytest.mark.parametrize("seconds, shown", [
    ("4294967296", "4.29497e+09"), ("1e9", "1e+09"), ("2147483648", "2.14748e+09"),
    ("0x1p40", "1.09951e+12")])
def test_socat_half_close_wait_is_bounded(seconds: str, shown: str) -> None:
    """The real socat waits -t seconds for more answers (here: for ever); the simulated
    one stops after 600 simulated seconds, says so, and the clock has not crawled."""
    host = new_host()
    host.sh("socat UDP4-RECVFROM:7,fork PIPE")
    started = time.monotonic()
    result = host.sh(f"echo hi | socat -t {seconds} - UDP4:127.0.0.1:7")
    assert time.monotonic() - started < 5
    assert (result.returncode, result.stdout) == (0, "hi\n") and host.lab.now < 601
    assert result.stderr == (f"netsim: socat would wait {shown} s for answers; it stopped "
                             "after 600 simulated seconds\n")


# ----------------------------------------------------------------------------- NUL
@pytest.mark.parametrize("argv", [
    ["iptables", "-A", "INPUT", "-p", "tcp\0junk", "--dport", "22\0x", "-s", "10.0.0.0/8\0"],
    ["conntrack", "-L", "-p", "6\0x", "-s", "10.0.0.1/8\0/9"],
    ["udhcpc", "-n", "-q", "-T", "5\0x", "-i", "nonexist\0eth0"],
    ["brctl", "addbr", "br0\0junk"],
    ["tcpdump", "-c", "3\0x", "-r", "/nonexist\0"],
    ["dnsmasq", "--test", "--port=53\0x", "--dhcp-range=10.0.0.10,10.0.0.20,1h\0x"],
    ["socat", "-t", "0.5\0x", "-", "UDP4:127.0.0.1:7\0x"],
    ["ip", "link", "add", "d0\0x", "type", "dummy\0"],
    ["bridge", "link", "show", "dev", "lo\0x"],
    ["sysctl", "net.ipv4.ip_forward\0=1"],
    ["dhclient", "-x", "nonexist\0"],
])
def test_an_argument_ends_at_its_first_nul(argv: list[str]) -> None:
    """No C program can see past a NUL in its arguments (execve copies C strings):
    each tool runs as if the argument stopped there, and no Python error shows."""
    cut = [a.partition("\0")[0] for a in argv]
    assert run_tool("", argv) == run_tool("", cut)
