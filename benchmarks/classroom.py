"""The classroom benchmark: a whole Python process that builds a small lab and pings.

The issue's "a classroom-sized lab is instant": 4 hosts ``h0..h3`` cabled to the ports
``p0..p3`` of host ``sw``, a bridge ``br0`` made of those ports, and addresses
10.0.0.1-4/24, built with 13 commands typed the way a student types them::

    sw: ip link add name br0 up type bridge
    sw: ip link set p0 master br0 up         (p1, p2, p3 alike)
    hN: ip addr add 10.0.0.N+1/24 dev eth0   (h0..h3)
    hN: ip link set eth0 up                  (h0..h3)

then every host pings its partner (h0 <-> h1, h2 <-> h3) 10 times, one after another
(``ping -c 10 -i 0.2 ...``), and the ping summaries must say 10 received. The cables
are ``lab.link`` calls (the API, not commands).

The yardstick is a bare simpy model of the same work (mode ``bare``): the same 4 x 10
echoes with real bytes -- Ethernet II, ARP, IPv4 and ICMP echo with their checksums --
through one learning bridge, callback style (the transmitters and the bridge of
:mod:`anchor_bare`), ARP included, so both models put the same frames on the cables.
Its process imports simpy and nothing of netsim.

What is timed is the whole process, interpreter start included: the driver (the
default mode) starts each mode as a fresh ``python benchmarks/classroom.py --mode M``,
alternating the two for ``--rounds`` rounds, and reports each mode's median wall time
and the median of the per-round ratios netsim / bare. It exits with 1 when that ratio
is above 2 (the issue's bound) or when a run fails its checks (every ping answered, the
same number of frame hops in both models).

Bytecode: a user's installed netsim has its ``.pyc`` files, so the driver gives its
children a bytecode cache of their own (``PYTHONPYCACHEPREFIX``, a directory under
the system's temporary directory; ``PYTHONDONTWRITEBYTECODE`` removed) and runs each
mode once before timing to fill it. ``--cold`` runs the children in the caller's
environment unchanged instead (with ``PYTHONDONTWRITEBYTECODE=1`` every process then
compiles every module it imports).

Usage::

    python benchmarks/classroom.py [--rounds 7] [--cold] [--json]
    python benchmarks/classroom.py --mode netsim   # one process: prints its phase times
    python benchmarks/classroom.py --mode bare
"""

from __future__ import annotations

import sys
import time

HOSTS = 4
ECHOES = 10
INTERVAL = 0.2  # s between two echo requests of one ping
BOUND = 2.0  # the bound on netsim / bare, whole process


def partner(i: int) -> int:
    return i ^ 1


# ---------------------------------------------------------------------- netsim mode
def run_netsim() -> str:
    t0 = time.perf_counter()
    import netsim

    t_import = time.perf_counter()
    lab = netsim.Lab(seed=0)
    sw = lab.host("sw")
    hosts = [lab.host(f"h{i}") for i in range(HOSTS)]
    cables = [lab.link(f"h{i}:eth0", f"sw:p{i}") for i in range(HOSTS)]
    t_lab = time.perf_counter()
    typed = [(sw, "ip link add name br0 up type bridge")]
    typed += [(sw, f"ip link set p{i} master br0 up") for i in range(HOSTS)]
    for i, host in enumerate(hosts):
        typed += [(host, f"ip addr add 10.0.0.{i + 1}/24 dev eth0"),
                  (host, "ip link set eth0 up")]
    assert len(typed) == 13
    t_first = None
    for host, command in typed:
        result = host.sh(command)
        if result.returncode != 0:
            raise SystemExit(f"{host.name}: {command}: {result.returncode} {result.stderr}")
        if t_first is None:
            t_first = time.perf_counter()
    t_typed = time.perf_counter()
    replies = []
    for i, host in enumerate(hosts):
        out = host.sh(f"ping -c {ECHOES} -i {INTERVAL} 10.0.0.{partner(i) + 1}").stdout
        summary = next((line for line in out.splitlines() if "packets transmitted" in line), "")
        # "10 packets transmitted, 10 received, 0% packet loss, time 1800ms"
        replies.append(int(summary.split(", ")[1].split()[0]) if summary else -1)
    t_pings = time.perf_counter()
    hops = sum(nic.stats["tx_packets"] for cable in cables for nic in (cable.a, cable.b))
    return (f"replies={','.join(map(str, replies))} hops={hops} "
            f"import={t_import - t0:.6f} lab={t_lab - t_import:.6f} "
            f"first_sh={t_first - t_lab:.6f} typed={t_typed - t_lab:.6f} "
            f"pings={t_pings - t_typed:.6f}")


# ---------------------------------------------------------------------- bare mode
def run_bare() -> str:
    t0 = time.perf_counter()
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bare_classroom

    t_import = time.perf_counter()
    model = bare_classroom.Classroom(HOSTS)
    replies = [model.ping(i, partner(i), ECHOES, INTERVAL) for i in range(HOSTS)]
    t_pings = time.perf_counter()
    return (f"replies={','.join(map(str, replies))} hops={model.hops()} "
            f"import={t_import - t0:.6f} pings={t_pings - t_import:.6f}")


# ---------------------------------------------------------------------- driver
def child_env(cold: bool) -> dict[str, str]:
    import os
    import tempfile
    from pathlib import Path

    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if not cold:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "netsim-classroom-pyc")
    return env


def one_process(mode: str, env: dict[str, str]) -> dict[str, float | str]:
    """Run one mode as a fresh process: its whole wall time and what it printed."""
    import subprocess

    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--mode", mode], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"--mode {mode} failed ({done.returncode}):\n{done.stderr}")
    row: dict[str, float | str] = {"wall": wall}
    for field in done.stdout.split():
        key, _, value = field.partition("=")
        row[key] = value if key == "replies" else float(value)
    return row


def import_time(env: dict[str, str], runs: int) -> dict[str, float]:
    """``python -X importtime -c "import netsim"``: netsim's cumulative import, median of
    ``runs``, and the slowest netsim modules by their own time (from the last run)."""
    import statistics
    import subprocess

    totals = []
    own: dict[str, int] = {}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import netsim"],
                              env=env, capture_output=True, text=True, check=True)
        own = {}
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            self_us, cumulative_us, name = (part.strip() for part in line[12:].split("|"))
            if not self_us.isdigit():
                continue  # the header line
            own[name] = int(self_us)
            if name == "netsim":
                totals.append(int(cumulative_us) / 1e6)
    top = sorted(((us, name) for name, us in own.items() if name.startswith("netsim")),
                 reverse=True)[:8]
    return {"median_s": statistics.median(totals),
            "slowest": {name: us / 1e6 for us, name in top}}


def drive(rounds: int, cold: bool, as_json: bool) -> int:
    import json
    import statistics

    env = child_env(cold)
    if not cold:  # fill the bytecode cache, as an installed package has it
        one_process("netsim", env)
        one_process("bare", env)
    runs: dict[str, list[dict]] = {"netsim": [], "bare": []}
    for _ in range(rounds):
        for mode in ("bare", "netsim"):
            runs[mode].append(one_process(mode, env))
    ratios = [n["wall"] / b["wall"] for n, b in zip(runs["netsim"], runs["bare"], strict=True)]
    expected = ",".join([str(ECHOES)] * HOSTS)
    ok = all(r["replies"] == expected for rows in runs.values() for r in rows)
    hops = {mode: {r["hops"] for r in rows} for mode, rows in runs.items()}
    ok = ok and len(hops["netsim"]) == 1 and hops["netsim"] == hops["bare"]
    medians = {mode: {key: statistics.median(r[key] for r in rows)
                      for key in rows[0] if key != "replies"}
               for mode, rows in runs.items()}
    ratio = statistics.median(ratios)
    imports = import_time(env, rounds)
    if as_json:
        print(json.dumps({"rounds": rounds, "cold": cold, "medians": medians, "ratio": ratio,
                          "ratios": ratios, "import_netsim": imports, "ok": ok}, indent=2))
    else:
        n, b = medians["netsim"], medians["bare"]
        print(f"classroom lab: {HOSTS} hosts on one bridge, 13 typed commands, "
              f"{HOSTS} x {ECHOES} pings; whole processes, medians of {rounds} "
              f"alternating rounds{' (no bytecode cache)' if cold else ''}\n")
        print(f"  bare simpy + bytes  {b['wall']:.3f} s   (its imports {b['import']:.3f} s, "
              f"model {b['pings']:.3f} s, {b['hops']:.0f} frame hops)")
        print(f"  netsim              {n['wall']:.3f} s   (import netsim {n['import']:.3f} s, "
              f"lab {n['lab']:.3f} s, first sh() {n['first_sh']:.3f} s, "
              f"13 commands {n['typed']:.3f} s, pings {n['pings']:.3f} s, "
              f"{n['hops']:.0f} frame hops)")
        print(f"  netsim / bare       {ratio:.2f}   (per round: "
              f"{', '.join(f'{r:.2f}' for r in ratios)}; bound {BOUND})")
        slowest = ", ".join(f"{name} {s * 1e3:.1f}" for name, s in imports["slowest"].items())
        print(f"\npython -X importtime -c 'import netsim': {imports['median_s']:.3f} s "
              f"(median of {rounds}); slowest own times, ms: {slowest}")
        print("\nchecks:", "ok" if ok else "FAILED (replies or frame hops differ)")
    return 0 if ok and ratio <= BOUND else 1


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--mode":  # a timed child: as few imports as can be
        print({"netsim": run_netsim, "bare": run_bare}[argv[1]]())
        return 0
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["netsim", "bare"],
                        help="run one mode in this process and print its phase times")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cold", action="store_true",
                        help="no bytecode cache of the driver's own: the caller's environment")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.mode:
        print({"netsim": run_netsim, "bare": run_bare}[args.mode]())
        return 0
    return drive(args.rounds, args.cold, args.json)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
