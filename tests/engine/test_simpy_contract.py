"""The clock's stepping loop and the cable read simpy's event queue directly (a Python
call less per event and per hop). These tests fail if an installed simpy keeps its queue
differently, or if the written-out loop stops behaving like ``Environment.step``."""

import pytest
import simpy

from netsim.engine.clock import Clock, simpy_contract


def test_installed_simpy_keeps_the_queue_the_clock_expects():
    assert simpy_contract(simpy.Environment())


def test_the_contract_check_notices_a_different_queue():
    env = simpy.Environment()
    env._queue = {}  # not a heap list: what a future simpy might do
    assert not simpy_contract(env)


def test_the_contract_check_leaves_the_queue_as_it_was():
    env = simpy.Environment()
    env.timeout(2.0)
    before = list(env._queue)
    simpy_contract(env)
    assert env._queue == before


def _workload(env, schedule_call):
    """Processes, timeouts with values, ties at one instant and a plain callback."""
    seen = []

    def proc(name, delay):
        got = yield env.timeout(delay, value=name)
        seen.append((env.now, got))
        yield env.timeout(0.5)
        seen.append((env.now, name + " again"))

    for name, delay in (("late", 2.0), ("early", 1.0), ("tie-first", 1.5), ("tie-second", 1.5)):
        env.process(proc(name, delay))
    schedule_call(1.5, lambda: seen.append((env.now, "callback")))
    return seen


def test_events_run_in_the_order_simpy_itself_runs_them():
    plain = simpy.Environment()

    def plain_call(delay, fn):
        plain.timeout(delay).callbacks.append(lambda _event: fn())

    expected = _workload(plain, plain_call)
    plain.run(until=3.0)
    clock = Clock()
    got = _workload(clock.env, clock.call_later)
    clock.run(3.0)
    assert len(expected) == 9
    assert got == expected


def test_a_crashed_process_nobody_waits_for_stops_the_run_as_simpy_does():
    clock = Clock()

    def boom():
        yield clock.env.timeout(1.0)
        raise KeyError("lost")

    clock.process(boom())
    with pytest.raises(KeyError) as caught:
        clock.run(5.0)
    assert isinstance(caught.value.__cause__, KeyError)  # a copy, caused by the original
    assert clock.now == 1.0


def test_callbacks_after_a_stop_simulation_run_later_as_with_simpy():
    # An env.run(until=...) that ended by an error leaves simpy's stop callback on its
    # event: the callbacks after it must still run when the clock runs on.
    from simpy.core import StopSimulation

    def stopper(_event):
        raise StopSimulation("left behind")

    for run_with_clock in (False, True):
        clock = Clock()
        seen = []
        event = clock.env.event()
        event.callbacks += [stopper, lambda _event, seen=seen, env=clock.env: seen.append(env.now)]
        event.succeed()
        with pytest.raises(StopSimulation):
            clock.run(1.0) if run_with_clock else clock.env.step()
        clock.run(1.0)
        assert seen == [0.0], run_with_clock
