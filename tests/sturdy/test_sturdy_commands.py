"""Sturdy under any input: fuzzed command lines of every family on a fresh lab each.

Two fixed-seed sweeps run once per module (Hypothesis, ``derandomize=True``, no example
database): :data:`ANY_DRAWS` lines of any kind (seeds, mutated seeds, generated lines,
lists and pipelines too) and :data:`SINGLE_DRAWS` single commands. Every line is checked
for every property (:mod:`sturdy_checks`); each test below asserts one property over
both sweeps, so a failure names the property it broke and lists every distinct failing
case, grouped, shortest first.

The slow variant (``pytest -m slow``) checks :data:`SLOW_LINES` lines at once.
"""

from __future__ import annotations

import pytest
from sturdy_checks import ALL_PROPS, SweepResult, check_line, report, sweep
from sturdy_strategies import command_lines

ANY_DRAWS = 1800     # CI: draws of any command line (distinct ones are checked)
SINGLE_DRAWS = 1200  # CI: draws of single commands (property c)
SLOW_LINES = 10_000  # the marked slow run: lines of any kind


@pytest.fixture(scope="module")
def lines() -> SweepResult:
    any_kind = sweep(command_lines(), check_line, ANY_DRAWS)
    single = sweep(command_lines(single=True), check_line, SINGLE_DRAWS)
    return SweepResult(any_kind.cases + single.cases, any_kind.problems + single.problems,
                       any_kind.seconds + single.seconds, any_kind.walls + single.walls)


def _only(result: SweepResult, prop: str) -> SweepResult:
    return SweepResult(result.cases, [p for p in result.problems if p.prop == prop],
                       result.seconds, result.walls)


def test_the_sweeps_ran_a_few_thousand_distinct_lines(lines: SweepResult) -> None:
    assert lines.cases >= 2500, f"only {lines.cases} distinct lines were checked"


def test_sh_never_raises_and_always_gives_a_status(lines: SweepResult) -> None:
    """(a) ``host.sh(line)`` returns a CommandResult: an int status in 0..255, str texts."""
    result = _only(lines, "raises")
    assert not result.problems, report(result)


def test_no_internal_error_and_no_traceback(lines: SweepResult) -> None:
    """(a) Nothing says "internal error" or "Traceback" on stdout or stderr."""
    result = _only(lines, "internal")
    assert not result.problems, report(result)


def test_every_call_takes_under_five_seconds(lines: SweepResult) -> None:
    """(b) No single ``sh()`` call takes 5 s of wall time or more."""
    result = _only(lines, "slow")
    assert not result.problems, report(result)


def test_a_failing_single_command_leaves_the_world_unchanged(lines: SweepResult) -> None:
    """(c) A single command that fails changes no device, address, route, permanent
    neighbour, static FDB entry, iptables rule, sysctl or process, except where the real
    tool applies part of its work before failing (sturdy_checks.documented_partial)."""
    result = _only(lines, "world")
    assert not result.problems, report(result)


def test_a_failing_command_says_why(lines: SweepResult) -> None:
    """Always a status and a message: a failing command prints something, unless it is
    one that fails silently on Linux too (sturdy_checks.SILENT_OK)."""
    result = _only(lines, "silent")
    assert not result.problems, report(result)


@pytest.mark.slow
def test_slow_ten_thousand_command_lines() -> None:
    """Every property over :data:`SLOW_LINES` lines of any kind (a fifth of them single
    commands drawn apart, so that property c sees many)."""
    any_kind = sweep(command_lines(), lambda line: check_line(line, ALL_PROPS),
                     SLOW_LINES * 4 // 5)
    single = sweep(command_lines(single=True), check_line, SLOW_LINES // 5)
    result = SweepResult(any_kind.cases + single.cases, any_kind.problems + single.problems,
                         any_kind.seconds + single.seconds)
    print(report(result, minimize_lines=True, limit=200))
    assert result.cases >= SLOW_LINES * 0.8
    assert not result.problems, report(result)
