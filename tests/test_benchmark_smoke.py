"""Smoke test of the speed benchmark (benchmarks/bridge_echo.py) on a small topology,
and of benchmarks/trace_memory.py on a short run.

It checks that both models really do the work being timed: every round trip's echo
comes back to its client with the payload that was sent, and the measured phase is
steady state (no ARP, no flooding), i.e. exactly 4 frame-hops per round trip.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from netsim.engine.trace_file import read_trace

BENCH_DIR = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH_DIR))
bridge_echo = importlib.import_module("bridge_echo")
bare_model = importlib.import_module("bare_model")
trace_memory = importlib.import_module("trace_memory")

HOSTS = 8
ROUND_TRIPS = 200


@pytest.mark.parametrize("trace", [True, False])
def test_both_models_complete_every_round_trip(trace: bool) -> None:
    result = bridge_echo.run(hosts=HOSTS, round_trips=ROUND_TRIPS, seed=0, trace=trace)
    for model in ("bare", "netsim"):
        r = result[model]
        assert r["round_trips"] == ROUND_TRIPS
        assert r["completed"] == ROUND_TRIPS, f"{model}: echoes lost"
        assert r["unexpected"] == 0, f"{model}: wrong datagrams reached a client"
        assert r["frame_hops"] == 4 * ROUND_TRIPS, f"{model}: not steady state"
        assert r["frame_hops_per_s"] > 0
    if trace:
        # The NIC counters netsim's frame-hops are read from agree with the trace's wire records.
        assert result["netsim"]["wire_records"] == 4 * ROUND_TRIPS
    else:
        assert "wire_records" not in result["netsim"]
    assert result["ratio"] > 0
    # Same frames, same wire: both models spend exactly the same simulated time.
    assert result["netsim"]["sim_s"] == pytest.approx(result["bare"]["sim_s"], rel=1e-9)


def test_pairs_are_random_distinct_hosts() -> None:
    pairs = bare_model.make_pairs(HOSTS, 1000, seed=1)
    assert all(a != b and 0 <= a < HOSTS and 0 <= b < HOSTS for a, b in pairs)
    assert len(set(pairs)) == HOSTS * (HOSTS - 1)  # every ordered pair shows up
    assert pairs == bare_model.make_pairs(HOSTS, 1000, seed=1)


@pytest.mark.parametrize("make", [
    lambda: bare_model.BareBench(HOSTS),
    lambda: bridge_echo.NetsimBench(HOSTS, seed=0, trace=False),
], ids=["bare", "netsim"])
def test_lost_echoes_are_counted(make) -> None:
    """With one echo server gone, the count stops short instead of reporting success."""
    bench = make()
    warm = bridge_echo.measure(bench, bare_model.warm_up_pairs(HOSTS))
    assert warm["completed"] == HOSTS
    bench.close_server(3)
    pairs = [(0, 1), (1, 2), (2, 3), (4, 5)]
    result = bridge_echo.measure(bench, pairs)
    assert result["completed"] == 2  # the third round trip's echo never comes back


def test_the_trace_memory_benchmark_runs_and_streams(tmp_path, capsys) -> None:
    """benchmarks/trace_memory.py, small: the anchor run in slices, its trace streamed."""
    path = tmp_path / "t.jsonl.gz"
    result = trace_memory.measure(hosts=4, hops=8_000, slice_s=0.05, stream=str(path),
                                  budget=2_000)
    assert result["ok"] and result["hops"] >= 8_000
    assert result["dropped"] > 10 * 2_000
    trace_memory.report(result, str(path))  # its verdict: this process's RSS, not the run's
    out = capsys.readouterr().out
    assert "CPU s per 100k hops: first after the bound" in out and "peak RSS" in out
    assert sum(1 for _ in read_trace(path)) == result["dropped"] + result["records_kept"]


def test_the_classroom_models_do_the_same_work() -> None:
    """benchmarks/classroom.py's two processes, run here in-process: every ping answered,
    and the same frames on the cables (ARP, 4 x 10 echoes, and the one unicast probe of
    h1, whose entry for h0 was learnt STALE and used at once: DELAY, then PROBE at 5 s)."""
    classroom = importlib.import_module("classroom")

    def fields(line: str) -> dict[str, str]:
        return dict(field.split("=") for field in line.split())

    netsim_run, bare_run = fields(classroom.run_netsim()), fields(classroom.run_bare())
    assert netsim_run["replies"] == bare_run["replies"] == "10,10,10,10"
    assert netsim_run["hops"] == bare_run["hops"] == "176"


def test_the_anchor_benchmark_agrees_on_hops_and_rotates_its_order(monkeypatch) -> None:
    anchor = importlib.import_module("anchor")
    results = anchor.compare(4, 3, rounds=3)
    assert [r["system"] for r in results] == [
        "bare simpy + bytes", "netsim, trace off", "netsim, trace on"]
    assert all(r["ok"] for r in results)
    assert len({r["hops"] for r in results}) == 1 and results[0]["hops"] > 4 * 3 * 4
    assert results[0]["ratio"] == 1.0

    built = []
    real_bare, real_netsim = anchor.BareAnchor, anchor.NetsimAnchor
    monkeypatch.setattr(anchor, "BareAnchor", lambda n: built.append("bare") or real_bare(n))
    monkeypatch.setattr(anchor, "NetsimAnchor",
                        lambda n, t: built.append(f"trace {t}") or real_netsim(n, t))
    rows = anchor.one_round(4, 2, [False, True], turn=1)
    assert built == ["trace False", "trace True", "bare"]  # round 1 starts with system 1
    assert [r["system"] for r in rows] == [
        "bare simpy + bytes", "netsim, trace off", "netsim, trace on"]  # reported bare first


def test_the_anchor_benchmark_runs_ns3_side_by_side_when_given_its_program(tmp_path) -> None:
    # A stand-in for ../shared/perf's ns3_bridge_cpp: the same JSON line, fixed figures.
    anchor = importlib.import_module("anchor")
    fake = tmp_path / "ns3_bridge_cpp"
    fake.write_text(f"#!{sys.executable}\n"
                    "import json, sys\n"
                    "n, k = int(sys.argv[1]), int(sys.argv[2])\n"
                    "print(json.dumps({'hops': 4 * n * k + 2 * n, 'hops_per_s': 1000.0,"
                    " 'delivered_ok': True}))\n")
    fake.chmod(0o755)
    results = anchor.compare(4, 2, rounds=2, ns3=str(fake))
    assert [r["system"] for r in results][-1] == "ns-3 C++ (external)"
    assert all(r["ok"] for r in results)
    ns3 = results[-1]
    assert ns3["hops"] == 4 * 4 * 2 + 8 and ns3["hops_per_s"] == 1000.0
    assert ns3["ratio_ns3"] == 1.0
    bare = results[0]
    assert bare["ratio_ns3"] == pytest.approx(bare["hops_per_s"] / 1000.0, rel=0.5)
    assert "÷ ns-3" in anchor.format_table(results)
