"""No command can run away: each command line has a budget of simulated events."""

from __future__ import annotations

import pytest
import simpy

import netsim
from netsim.engine.clock import EVENT_BUDGET, Clock, RunawayError


def looping_host(budget: int) -> tuple[netsim.Lab, netsim.Host]:
    lab = netsim.Lab(seed=0)
    host = lab.host("h1")
    host.sh("ip link set lo up")
    lab.clock.event_budget = budget
    return lab, host


def test_a_long_ping_stops_with_the_guards_message_and_status_124() -> None:
    lab, host = looping_host(5_000)
    result = host.sh("ping -c 100000 -i 0.2 127.0.0.1")
    assert result.returncode == 124
    assert result.stderr.startswith("netsim: stopped at t=")
    assert "5,000 simulated events without finishing" in result.stderr
    assert "lab.clock.event_budget = N allows more" in result.stderr
    stopped_at = lab.now
    assert 0 < stopped_at < 100000 * 0.2
    assert host.sh("echo still here").stdout == "still here\n"  # a fresh budget
    assert lab.now == stopped_at


def test_what_a_loop_printed_before_the_guard_stopped_it_is_kept() -> None:
    lab, host = looping_host(1_000)
    result = host.sh("i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done")
    assert result.returncode == 124
    lines = result.stdout.splitlines()
    assert lines[:2] == ["tick 1", "tick 2"] and len(lines) >= 500
    assert lines[-1] == f"tick {len(lines)}"
    assert lab.now == pytest.approx(len(lines) - 1, abs=1)


def test_the_rest_of_a_script_does_not_run_after_the_guard_stops_it() -> None:
    _, host = looping_host(2_000)
    result = host.sh("ping -q -c 50000 -i 0.2 127.0.0.1; echo after")
    assert result.returncode == 124 and "after" not in result.stdout


def test_sleep_in_a_loop_is_stopped_by_the_guard_not_by_the_clock() -> None:
    lab, host = looping_host(3_000)
    host.sh("ping -c 1 127.0.0.1")  # something that keeps a timer ticking (neighbour, lo)
    result = host.sh("while true; do ping -q -c 1 127.0.0.1 >/dev/null; done")
    assert result.returncode == 124 and "simulated events" in result.stderr


def test_a_budget_the_user_raises_lets_the_command_finish() -> None:
    _, host = looping_host(EVENT_BUDGET)
    result = host.sh("ping -q -c 300 -i 0.2 127.0.0.1")
    assert result.returncode == 0
    assert "300 packets transmitted, 300 received" in result.stdout


def test_run_from_python_is_guarded_too() -> None:
    clock = Clock()
    clock.event_budget = 100

    def ticker():
        while True:
            yield clock.env.timeout(1)

    clock.process(ticker())
    with pytest.raises(RunawayError, match="100 simulated events"):
        clock.run(10_000)
    assert 95 <= clock.now <= 100
    clock.run(50)  # a new run, a new allowance
    assert clock.now == pytest.approx(clock.now)


def test_a_run_to_a_time_leaves_events_due_at_that_time_as_simpy_does() -> None:
    """Events at exactly ``until`` are not processed by that run, in netsim as in simpy."""
    seen: list[tuple[str, float]] = []
    for name in ("simpy", "netsim"):
        clock = Clock()
        clock.call_later(1.0, lambda n=name, c=clock: seen.append((n, c.now)))
        clock.call_later(0.5, lambda n=name, c=clock: seen.append((n, c.now)))
        if name == "simpy":
            clock.env.run(until=1.0)
        else:
            clock.run(1.0)
        assert clock.now == 1.0
    assert seen == [("simpy", 0.5), ("netsim", 0.5)]


def test_running_until_an_event_that_can_never_happen_is_a_clear_error() -> None:
    clock = Clock()
    never = clock.env.event()
    with pytest.raises(RuntimeError, match="No scheduled events left"):
        clock.run_until(never)
    assert isinstance(never, simpy.Event)


def test_a_run_stopped_by_the_guard_leaves_no_marker_to_stop_a_later_run() -> None:
    clock = Clock()
    fired: list[float] = []

    def ticker():
        while True:
            yield clock.env.timeout(1)
            fired.append(clock.now)

    clock.process(ticker())
    clock.event_budget = 10
    with pytest.raises(RunawayError):
        clock.run(1000)  # its marker at t=1000 stays queued, inert
    clock.event_budget = 10_000
    clock.run_until(2000.0)
    assert clock.now == 2000.0 and fired[-1] == 1999.0

    done = clock.env.timeout(5000 - clock.now)
    clock.event_budget = 10
    with pytest.raises(RunawayError):
        clock.run_until(done)
    clock.event_budget = 10_000
    stopped = clock.now
    clock.run_until(5000.0 + 50)  # passes `done` at 5000: its callback was taken off
    assert stopped < 5000.0 and clock.now == 5050.0


def test_a_failed_process_raises_its_own_error_out_of_run_until() -> None:
    clock = Clock()

    def broken():
        yield clock.env.timeout(1)
        raise KeyError("inside")

    with pytest.raises(KeyError, match="inside"):
        clock.run_until(clock.process(broken()))
