"""The trace at scale: a million hops with the trace on, in bounded memory and steady time.

The anchor scenario (:mod:`anchor`: N hosts on one learning bridge, timed 1,024-byte
UDP echoes) runs with the trace on at its default budget (the newest 200,000 rows), in
slices of simulated time. After each slice the script notes the hops made, the wall
and CPU time and the resident memory (``VmRSS`` from ``/proc/self/status``), and
prints one line per 100,000 hops or so: seconds per 100,000 hops, memory, records
dropped.

It exits with status 1 when the peak resident memory during the run (``ru_maxrss``)
reaches 400 MiB, when the last 100,000 hops took more than 1.5 times the first
100,000 after the trace reached its budget, or when an echo went missing. "Took" is
CPU time (``time.process_time``): on a shared machine the wall time also counts the
other programs, and swings by more than that from one minute to the next (both are
printed).

``--stream PATH`` streams the whole trace to PATH (``.gz``: gzip) and reports what
that costs: the time spent shedding rows (making them into records and writing them),
the file's size, and the time to close it.

Usage::

    python benchmarks/trace_memory.py [--hosts 64] [--hops 1000000] [--stream t.jsonl.gz]
                                      [--budget N|none] [--slice 0.05]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import resource
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

from anchor import INTERVAL, NetsimAnchor  # noqa: E402

from netsim.engine.trace import DEFAULT_BUDGET  # noqa: E402

MIB = 1 << 20
RSS_LIMIT = 400 * MIB
SLOWDOWN_LIMIT = 1.5
WINDOW = 100_000  # hops per line
HOPS_PER_ECHO = 4  # request and reply, host -> bridge -> host each (the first is flooded)


def vm_rss() -> int:
    """This process's resident memory now, in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_rss() -> int:
    """The peak resident memory so far, in bytes (Linux gives ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class ShedTimer:
    """Wraps a trace's ``_shed`` to add up the wall time spent in it."""

    def __init__(self, trace) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._shed = trace._shed
        trace._shed = self

    def __call__(self, count: int) -> None:
        t0 = time.perf_counter()
        self._shed(count)
        self.seconds += time.perf_counter() - t0
        self.calls += 1


def measure(hosts: int, hops: int, slice_s: float, stream: str | None,
            budget: int | None = DEFAULT_BUDGET) -> dict:
    echoes = math.ceil(hops / (HOPS_PER_ECHO * hosts))
    model = NetsimAnchor(hosts, trace=True)
    lab, trace = model.lab, model.lab.trace
    trace.budget = budget
    if stream:
        trace.stream_to(stream)
    shed = ShedTimer(trace)
    gc.collect()
    print(f"{hosts} hosts x {echoes:,} echoes (~{hosts * echoes * HOPS_PER_ECHO:,} hops), "
          f"trace budget {'none' if budget is None else f'{budget:,} rows'}"
          + (f", streaming to {stream}" if stream else "") + f"; RSS at start "
          f"{vm_rss() / MIB:.0f} MiB\n")
    print(f"{'hops':>10} {'wall s/100k':>12} {'CPU s/100k':>11} {'VmRSS MiB':>10} "
          f"{'dropped':>11}")
    total = model.start(echoes)
    windows = []  # (hops at start, hops, wall s, CPU s, dropped at start, rss after)
    start_hops, start_dropped = model.hops(), trace.dropped
    t_run = t_window = time.perf_counter()
    cpu_start = cpu_window = time.process_time()
    while lab.now < total:
        lab.run(min(slice_s, total - lab.now))
        now_hops = model.hops()
        if now_hops - start_hops >= WINDOW or lab.now >= total:
            t, cpu, rss = time.perf_counter(), time.process_time(), vm_rss()
            hops_made = now_hops - start_hops
            windows.append((start_hops, hops_made, t - t_window, cpu - cpu_window,
                            start_dropped, rss))
            print(f"{now_hops:>10,} {(t - t_window) / hops_made * WINDOW:>12.2f} "
                  f"{(cpu - cpu_window) / hops_made * WINDOW:>11.2f} {rss / MIB:>10.0f} "
                  f"{trace.dropped:>11,}", flush=True)
            start_hops, start_dropped = now_hops, trace.dropped
            t_window, cpu_window = t, cpu
    wall = time.perf_counter() - t_run
    cpu_run = time.process_time() - cpu_start
    run_peak = peak_rss()
    t0 = time.perf_counter()
    trace.close_stream()
    closing = time.perf_counter() - t0
    kept = len(trace.records)  # makes every row kept into a record object
    full = [w for w in windows if w[1] >= WINDOW // 2] or windows  # a short last one says little
    after = [w for w in full if w[4] > 0] or full  # started once rows were being shed
    wall_rate = [w[2] / w[1] * WINDOW for w in after]
    cpu_rate = [w[3] / w[1] * WINDOW for w in after]
    result = {
        "hosts": hosts, "echoes": echoes, "hops": model.hops(), "wall_s": wall,
        "records_kept": kept, "dropped": trace.dropped,
        "peak_rss": run_peak, "max_vm_rss": max(w[5] for w in windows),
        "peak_rss_read": peak_rss(),
        "first_after_bound": cpu_rate[0], "last": cpu_rate[-1],
        "first_after_bound_wall": wall_rate[0], "last_wall": wall_rate[-1],
        "cpu_s": cpu_run, "shed_s": shed.seconds,
        "shed_calls": shed.calls, "close_s": closing,
        "ok": model.tally.requests == model.tally.replies == hosts * echoes,
    }
    if stream:
        result["file_bytes"] = os.path.getsize(stream)
    return result


def report(r: dict, stream: str | None) -> int:
    print(f"\n{r['hops']:,} hops in {r['wall_s']:.1f} s wall ({r['hops'] / r['wall_s']:,.0f} "
          f"hops/s); "
          f"{r['records_kept']:,} records kept, {r['dropped']:,} dropped"
          + (" (to the file)" if stream else ""))
    print(f"peak RSS (ru_maxrss) during the run {r['peak_rss'] / MIB:.0f} MiB, highest VmRSS "
          f"sample {r['max_vm_rss'] / MIB:.0f} MiB (limit {RSS_LIMIT // MIB} MiB); after "
          f"reading the records kept (lab.trace.records) {r['peak_rss_read'] / MIB:.0f} MiB")
    slowdown = r["last"] / r["first_after_bound"]
    print(f"CPU s per 100k hops: first after the bound {r['first_after_bound']:.2f}, last "
          f"{r['last']:.2f} (x{slowdown:.2f}, limit x{SLOWDOWN_LIMIT}); wall "
          f"{r['first_after_bound_wall']:.2f} and {r['last_wall']:.2f}; CPU in all "
          f"{r['cpu_s']:.1f} s")
    print(f"shedding rows ({r['shed_calls']} batches"
          + (", made into records and written" if stream else "") + f"): {r['shed_s']:.1f} s "
          f"wall, {r['shed_s'] / r['wall_s']:.0%} of the run")
    if stream:
        print(f"file {stream}: {r['file_bytes'] / MIB:,.0f} MiB "
              f"({r['file_bytes'] / r['hops']:,.0f} bytes per hop); closing it (the records "
              f"still in memory) {r['close_s']:.1f} s")
    failures = []
    if r["peak_rss"] >= RSS_LIMIT:
        failures.append(f"peak RSS {r['peak_rss'] / MIB:.0f} MiB >= {RSS_LIMIT // MIB} MiB")
    if slowdown > SLOWDOWN_LIMIT:
        failures.append(f"the last 100k hops took x{slowdown:.2f} the first after the bound")
    if not r["ok"]:
        failures.append("echoes went missing")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=64)
    parser.add_argument("--hops", type=int, default=1_000_000, help="about how many")
    parser.add_argument("--slice", type=float, default=50 * INTERVAL,
                        help="simulated seconds run between two samples")
    parser.add_argument("--stream", metavar="PATH", help="stream the trace to PATH")
    parser.add_argument("--budget", type=lambda text: None if text == "none" else int(text),
                        default=DEFAULT_BUDGET,
                        help="rows the trace keeps ('none': all, to compare)")
    args = parser.parse_args(argv)
    result = measure(args.hosts, args.hops, args.slice, args.stream, args.budget)
    return report(result, args.stream)


if __name__ == "__main__":
    sys.exit(main())
