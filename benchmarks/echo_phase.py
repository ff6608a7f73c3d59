"""One netsim phase of the echo benchmark, for instruction counting under callgrind.

Wall time on a shared machine swings by a third from run to run; callgrind's
instruction count does not. Count two runs that differ only in the number of round
trips and divide the difference, so building the lab and warming up cancel out::

    PY=$(python3 -c 'import sys; print(sys.executable)')   # not a pyenv shim
    for n in 500 2500; do
        valgrind --tool=callgrind --callgrind-out-file=cg.$n $PY benchmarks/echo_phase.py 64 $n on
    done   # instructions per round trip = (I refs(2500) - I refs(500)) / 2000

Arguments: hosts, round trips, ``on``/``off`` (tracing).
"""

from __future__ import annotations

import gc
import sys

from bare_model import make_pairs
from bridge_echo import NetsimBench, _warm


def main(argv: list[str]) -> int:
    hosts, round_trips, trace = int(argv[0]), int(argv[1]), argv[2] == "on"
    bench = NetsimBench(hosts, 0, trace)
    _warm(bench, hosts)
    bench.lab.trace.clear()
    gc.collect()
    bench.run_until(bench.start(make_pairs(hosts, round_trips, 0)))
    return 0 if bench.completed() == round_trips else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
