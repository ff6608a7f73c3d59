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


def test_an_outer_alarm_is_kept_and_a_sooner_one_left_alone() -> None:
    """Whoever armed SIGALRM before (a test runner's timeout) keeps it: the guard nests."""
    import signal

    rang: list[str] = []
    old = signal.signal(signal.SIGALRM, lambda *_: rang.append("outer"))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        lab = netsim.Lab()
        lab.clock.wall_budget = 0.5
        result = lab.host("h1").sh(f"echo {CATASTROPHIC} | grep -E '(a*)*c'")
        assert result.returncode == 124  # ours rang first
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 28.0 < left <= 30.0  # the outer timer was put back with what it had left
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        lab.clock.wall_budget = 5.0
        assert lab.host("h1").sh("echo fine").stdout == "fine\n"  # outer rings later: kept
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert rang == []
