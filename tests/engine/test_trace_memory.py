"""The trace's memory is bounded: a long run keeps the newest rows and counts the rest.

A lab of two hosts on a bridge exchanging timed UDP echoes makes many hops. With a
small budget, memory measured by ``tracemalloc`` stays flat once the bound is reached,
streaming to a file or not (and the same measure sees an unbounded trace grow, so it
can fail), ``dropped`` is exact and the records kept are the newest ones.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from lab_builders import EchoLab, two_hosts

import netsim
from netsim.engine.trace import DEFAULT_BUDGET

from helpers import ok

BUDGET = 2_000  # rows; an echo makes about 20
FIRST = 400  # echoes: the bound is reached after about 100
MORE = 4 * FIRST


def peaks(budget: int | None, first: int = FIRST, stream=None,
          more: int | None = None) -> tuple[int, int]:
    """tracemalloc's peak after ``first`` echoes, then after ``more`` (four times as
    many) on top."""
    EchoLab(budget).echoes(2)  # the modules a lab imports when first used: not measured
    gc.collect()
    tracemalloc.start()
    try:
        lab = EchoLab(budget)
        if stream is not None:
            lab.lab.trace.stream_to(stream)
        lab.echoes(first)
        peak = tracemalloc.get_traced_memory()[1]
        lab.echoes(4 * first if more is None else more)
        return peak, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        if stream is not None:
            lab.lab.close()


def flat(first: int, then: int) -> bool:
    """Generous: 10% and 256 KiB above the first peak (the trace of MORE echoes
    alone, unbounded, is several MiB)."""
    return then <= first * 1.10 + (256 << 10)


def test_memory_stays_flat_once_the_budget_is_reached() -> None:
    first, then = peaks(BUDGET)
    assert flat(first, then), f"peak {first:,} B after {FIRST} echoes, {then:,} B after {MORE} more"


def test_memory_stays_flat_while_streaming(tmp_path) -> None:
    # The file's writer remembers the last 4,096 frame contents (four an echo) and
    # the trace sheds a quarter budget at a time: 2,000 echoes fill both before the
    # first measure.
    first, then = peaks(BUDGET, first=2_000, stream=tmp_path / "t.jsonl.gz", more=2_000)
    assert flat(first, then), f"peak {first:,} B, then {then:,} B"


def test_the_measure_sees_an_unbounded_trace_grow() -> None:
    first, then = peaks(None)
    assert not flat(first, then), (first, then)


def test_dropped_is_exact_and_the_newest_records_are_kept() -> None:
    whole = EchoLab(None)
    whole.echoes(FIRST)
    everything = [r.as_tuple() for r in whole.lab.trace.records]

    bounded = EchoLab(BUDGET)
    trace = bounded.lab.trace
    made = list(trace.records)  # the set-up's, all still in memory
    assert trace.dropped == 0
    trace.subscribe(made.append)  # then every record as it is made
    bounded.echoes(FIRST)
    kept = [r.as_tuple() for r in trace.records]

    assert len(made) == len(everything) > 4 * BUDGET
    assert trace.dropped > 0
    assert len(kept) + trace.dropped == len(everything)
    assert kept == everything[-len(kept):]
    assert [r.as_tuple() for r in made[-len(kept):]] == kept
    # Within the budget and its batch (a quarter more), rows of one or two records.
    assert BUDGET <= len(kept) <= 2 * (BUDGET + BUDGET // 4)
    assert trace.dump().startswith(f"[{trace.dropped:,} older records dropped: the trace "
                                   f"keeps the newest {BUDGET:,} rows in memory")


@pytest.mark.parametrize("budget", [0, -1, "x", 2.5, True])
def test_a_budget_that_is_not_a_positive_number_of_rows_is_refused(budget) -> None:
    lab = netsim.Lab()
    with pytest.raises(ValueError, match="trace budget must be a positive number of rows"):
        lab.trace.budget = budget
    assert lab.trace.budget == DEFAULT_BUDGET


def test_a_budget_of_none_keeps_everything_and_one_row_is_allowed() -> None:
    lab = netsim.Lab()
    lab.trace.budget = None
    assert lab.trace.budget is None
    lab.trace.budget = 1
    assert lab.trace.budget == 1


def test_a_classroom_lab_keeps_its_whole_trace_at_the_default_budget() -> None:
    lab, h1, _ = two_hosts(seed=0)
    ok(h1, "ping -c 3 10.0.0.2")
    trace = lab.trace
    assert trace.budget == DEFAULT_BUDGET == 200_000
    assert trace.dropped == 0
    assert trace.filter(host="h1", layer="icmp")  # the pings are there
    assert not trace.dump().startswith("[")  # no notice
