"""What the event budget cannot see -- a regular expression backtracking for minutes --
the wall-time guard stops: the line ends with netsim's message and status 124."""

from __future__ import annotations

import time

import pytest

import netsim

CATASTROPHIC = "a" * 34  # (a*)*c backtracks 2^34 ways on it in Python's re (minutes)


@pytest.mark.parametrize("line", [
    f"echo {CATASTROPHIC} | grep -E '(a*)*c'; echo after",
    f"[[ {CATASTROPHIC} =~ (a*)*c ]]; echo after",
    f"echo {CATASTROPHIC} | awk '/(a*)*c/'; echo after",
])
def test_a_backtracking_pattern_is_stopped_in_bounded_time(line) -> None:
    lab = netsim.Lab()
    host = lab.host("h1")
    lab.clock.wall_budget = 0.5
    start = time.perf_counter()
    result = host.sh(line)
    assert time.perf_counter() - start < 5
    assert result.returncode == 124 and "after" not in result.stdout
    assert result.stderr == ("netsim: stopped after 0.5 s of real time (a pattern that "
                             "backtracks, or a very long computation?); "
                             "lab.clock.wall_budget = N allows more\n")
    assert host.sh("echo next").stdout == "next\n"  # the timer is off again


def test_the_guard_is_quiet_for_ordinary_commands() -> None:
    lab = netsim.Lab()
    lab.clock.wall_budget = 0.5
    assert lab.host("h1").sh("seq 3 | grep -E '(1|3)'").stdout == "1\n3\n"
