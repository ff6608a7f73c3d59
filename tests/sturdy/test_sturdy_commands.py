"""Sturdy under any input: fuzzed command lines of every family on a fresh lab each.

Two fixed-seed sweeps run once per module (Hypothesis, ``derandomize=True``, no example
database): :data:`ANY_LINES` distinct lines of any kind (seeds, mutated seeds, generated
lines, lists and pipelines too) and :data:`SINGLE_LINES` distinct single commands. Every
line is checked for every property (:mod:`sturdy_checks`); each test below asserts one
property over both sweeps, so a failure names the property it broke and lists every
distinct failing case, grouped, shortest first.

The slow variant (``pytest -m slow tests/sturdy``) checks :data:`SLOW_LINES` lines.
"""

from __future__ import annotations

import pytest
from sturdy_checks import SweepResult, assert_no_problems, check_line, report, save_report, sweep
from sturdy_strategies import command_lines

ANY_LINES = 1300     # CI: distinct command lines of any kind
SINGLE_LINES = 700   # CI: distinct single commands (property c sees many)
SLOW_LINES = 10_000  # the marked slow run: distinct lines, a fifth of them single commands


@pytest.fixture(scope="module")
def lines() -> SweepResult:
    return (sweep(command_lines(), check_line, ANY_LINES)
            + sweep(command_lines(single=True), check_line, SINGLE_LINES))


def test_the_sweeps_ran_a_few_thousand_distinct_lines(lines: SweepResult) -> None:
    assert lines.cases == ANY_LINES + SINGLE_LINES, f"only {lines.cases} lines were checked"


def test_sh_never_raises_and_always_gives_a_status(lines: SweepResult) -> None:
    """(a) ``host.sh(line)`` returns a CommandResult: an int status in 0..255, str texts."""
    assert_no_problems(lines.only("raises"))


def test_no_internal_error_and_no_traceback(lines: SweepResult) -> None:
    """(a) Nothing says "internal error" or "Traceback" on stdout or stderr."""
    assert_no_problems(lines.only("internal"))


def test_every_call_takes_under_five_seconds(lines: SweepResult) -> None:
    """(b) No single ``sh()`` call takes 5 s of wall time or more."""
    assert_no_problems(lines.only("slow"))


def test_a_failing_single_command_leaves_the_world_unchanged(lines: SweepResult) -> None:
    """(c) A single command that fails changes no device, address, route, permanent
    neighbour, static FDB entry, iptables rule, sysctl or process, except where the real
    tool applies part of its work before failing (sturdy_checks.documented_partial)."""
    assert_no_problems(lines.only("world"))


def test_a_failing_command_says_why(lines: SweepResult) -> None:
    """Always a status and a message: a failing command prints something, unless it is
    one that fails silently on Linux too (sturdy_checks.SILENT_OK)."""
    assert_no_problems(lines.only("silent"))


@pytest.mark.slow
def test_slow_ten_thousand_command_lines() -> None:
    """Every property over :data:`SLOW_LINES` distinct lines."""
    result = (sweep(command_lines(), check_line, SLOW_LINES * 4 // 5)
              + sweep(command_lines(single=True), check_line, SLOW_LINES // 5))
    text = report(result, minimize_lines=True, limit=300)
    print(text)
    save_report("command lines", text)
    assert result.cases == SLOW_LINES, f"only {result.cases} lines were checked"
    assert_no_problems(result, limit=300)
