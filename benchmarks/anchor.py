"""The anchor benchmark: N hosts on one learning bridge, timed UDP echoes, frame-hops/s.

The scenario is the one the project measures itself against (ns-3's csma-bridge shape,
``../shared/perf``): N hosts, each on its own 100 Mbit/s full-duplex cable with 2 us of
propagation delay to one learning bridge. Host i sends K UDP echo requests with
1,024-byte payloads, one every millisecond, all hosts starting together, to host
(i + N/2) mod N, which answers each one. A **hop** is one frame crossing one cable and
arriving at the far end (a unicast frame from one host to another is 2 hops). Delivery
is checked: requests received == replies received == N*K in every model.

Three systems run it, interleaved in rounds in this one process (a noisy machine then
slows every system alike; the order rotates from round to round), and the figure is
the median over rounds of each round's
ratio to the bare model:

* **bare** -- :mod:`anchor_bare`, a callback-style simpy model with real Ethernet/IPv4/UDP
  bytes and checksums (what a simpy simulator with real frames costs at least);
* **netsim, trace off** and **netsim, trace on** (its default) -- a :class:`netsim.Lab`
  whose bridge, NICs, cables, IPv4 and UDP sockets do the same work.

Both sides fill their neighbour tables in advance (netsim through
``ip neigh add ... nud permanent``), so both send the same frames: the first request of
every host is flooded by the bridge (it has not learnt the destination yet), the rest go
to one port. The hop counts of all systems must agree, or the run fails.

Usage::

    python benchmarks/anchor.py [--hosts 64 256] [--echoes 100] [--rounds 9] [--json]
        [--ns3 PATH/ns3_bridge_cpp]   # ns-3 C++ side by side, if you have built it
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

from anchor_bare import Bridge, Host, Transmitter  # noqa: E402
from simpy import Environment  # noqa: E402
from simpy.events import Timeout  # noqa: E402

import netsim  # noqa: E402


def host_ip(index: int) -> bytes:
    """10.1.0.1, 10.1.0.2, ... for host 0, 1, ... (the bare model's addresses)."""
    n = index + 1
    return bytes((10, 1, n >> 8, n & 0xFF))


def ip_text(addr: bytes) -> str:
    return ".".join(str(b) for b in addr)

BANDWIDTH = 100e6  # bit/s
LATENCY = 2e-6  # s
PAYLOAD = bytes(1024)
INTERVAL = 1e-3  # s between two requests of one host
ECHO_PORT = 7
CLIENT_PORT = 49152
TARGET_ON, TARGET_OFF = 0.65, 0.85  # the floors, as fractions of the bare rate


def partner(i: int, hosts: int) -> int:
    return (i + hosts // 2) % hosts


class Tally:
    """What every model counts the same way: requests served and replies received."""

    def __init__(self) -> None:
        self.requests = 0
        self.replies = 0


class BareAnchor:
    """The yardstick (:mod:`anchor_bare`): transmitters, a bridge, hosts, timed sends."""

    def __init__(self, hosts: int) -> None:
        self.name = "bare simpy + bytes"
        self.env = Environment()
        self.bridge = Bridge()
        self.hosts = []
        self.ends = []
        for i in range(hosts):
            up = Transmitter(self.env, BANDWIDTH, LATENCY)  # host -> bridge
            down = Transmitter(self.env, BANDWIDTH, LATENCY)  # bridge -> host
            host = Host(i, up, ECHO_PORT)
            up.receive = (lambda port: lambda frame: self.bridge.receive(port, frame))(i)
            down.receive = host.receive
            self.bridge.ports.append(down)
            self.hosts.append(host)
            self.ends += [up, down]

    @property
    def tally(self) -> Tally:
        tally = Tally()
        tally.requests = sum(h.requests for h in self.hosts)
        tally.replies = sum(h.replies for h in self.hosts)
        return tally

    def run(self, echoes: int) -> None:
        env, hosts = self.env, self.hosts

        def send(i: int, k: int) -> None:
            hosts[i].send(hosts[partner(i, len(hosts))], CLIENT_PORT, ECHO_PORT, PAYLOAD)
            if k + 1 < echoes:
                Timeout(env, INTERVAL).callbacks.append(lambda _e: send(i, k + 1))

        for i in range(len(hosts)):
            Timeout(env, 0).callbacks.append(lambda _e, i=i: send(i, 0))
        env.run()

    def hops(self) -> int:
        return sum(end.sent for end in self.ends)


class NetsimAnchor:
    """netsim: a Lab with bridge ``br0`` on host ``sw`` and hosts ``h0..hN-1``."""

    def __init__(self, hosts: int, trace: bool) -> None:
        from netsim.bridge import Bridge
        from netsim.bridge.port import add_if
        from netsim.stack.route import IfAddr

        self.name = f"netsim, trace {'on' if trace else 'off'}"
        lab = self.lab = netsim.Lab(seed=0)
        lab.trace.enabled = trace
        lab.clock.event_budget = 100_000_000  # a benchmark is a long run on purpose
        self.tally = Tally()
        self.nics = []
        sw = lab.host("sw").ns
        for i in range(hosts):
            lab.host(f"h{i}")
            cable = lab.link(f"h{i}:eth0", f"sw:p{i}", latency=LATENCY, bandwidth=BANDWIDTH)
            self.nics += [cable.a, cable.b]
        br = sw.register(Bridge(sw, "br0"))
        for i in range(hosts):
            add_if(br, sw.get(f"p{i}"))
            sw.get(f"p{i}").open()
        br.open()
        self.hosts = [lab.host(f"h{i}") for i in range(hosts)]
        for i, host in enumerate(self.hosts):
            eth0 = host.ns.get("eth0")
            host.ns.ipv4.add_address(IfAddr(eth0, host_ip(i), 16, label="eth0"))
            eth0.open()
        for i, host in enumerate(self.hosts):  # ip neigh add ... nud permanent
            j = partner(i, hosts)
            other = self.hosts[j]
            host.ns.ipv4.arp.add_permanent(host.ns.get("eth0"), host_ip(j),
                                           other.ns.get("eth0").mac)
        self.clients = []
        for host in self.hosts:
            server = host.udp_socket(ECHO_PORT)
            server.on_receive = self._server(server)
            client = host.udp_socket(CLIENT_PORT)
            client.on_receive = self._client
            self.clients.append(client)

    def _server(self, sock):
        def echo(data: bytes, addr: tuple[str, int]) -> None:
            self.tally.requests += 1
            sock.sendto(data, addr)
        return echo

    def _client(self, _data: bytes, _addr: tuple[str, int]) -> None:
        self.tally.replies += 1

    def run(self, echoes: int) -> None:
        self.lab.run(self.start(echoes))

    def start(self, echoes: int) -> float:
        """Schedule every host's ``echoes`` requests; returns the simulated time they all
        take (with a second to spare), for :meth:`run` or a caller running in slices."""
        clock, clients = self.lab.clock, self.clients
        hosts = len(clients)
        targets = [(ip_text(host_ip(partner(i, hosts))), ECHO_PORT) for i in range(hosts)]

        def send(i: int, k: int) -> None:
            clients[i].sendto(PAYLOAD, targets[i])
            if k + 1 < echoes:
                clock.call_later(INTERVAL, send, i, k + 1)

        for i in range(hosts):
            clock.call_soon(send, i, 0)
        return echoes * INTERVAL + 1.0

    def hops(self) -> int:
        return sum(nic.stats["tx_packets"] for nic in self.nics)


def one_round(hosts: int, echoes: int, traces: list[bool], turn: int = 0,
              ) -> list[dict[str, Any]]:
    """Build and run every system once; one row each (bare first).

    ``turn`` rotates the order they run in (round r starts with system r mod 3), so that
    no system always runs first, or always right after the biggest one was freed.
    """
    systems: list[bool | None] = [None, *traces]
    order = systems[turn % len(systems):] + systems[:turn % len(systems)]
    rows = []
    for system in order:
        model = BareAnchor(hosts) if system is None else NetsimAnchor(hosts, system)
        # The previous system's garbage goes here, after this one is built: the run
        # can then reuse that memory, as a long-lived process would (see the README:
        # collected before the build, the trace-on run must fault in fresh pages).
        gc.collect()
        t0 = time.perf_counter()
        model.run(echoes)
        wall = time.perf_counter() - t0
        hops = model.hops()
        rows.append({"system": model.name, "hops": hops, "wall_s": wall,
                     "hops_per_s": hops / wall, "requests": model.tally.requests,
                     "replies": model.tally.replies})
        del model
    rotate = turn % len(systems)
    return rows[len(systems) - rotate:] + rows[:len(systems) - rotate]  # bare first again


def ns3_round(binary: str, hosts: int, echoes: int) -> dict[str, Any]:
    """One run of ``../shared/perf``'s ns-3 C++ program (``ns3_bridge_cpp N K``, built
    from the ``ns3`` wheel by its build_ns3_cpp.sh), read from the JSON line it prints.
    ns-3 counts its ARP frames as hops too, so its hop count is its own."""
    out = subprocess.run([binary, str(hosts), str(echoes)], capture_output=True, text=True,
                         timeout=600, check=True).stdout
    row = json.loads(out.strip().splitlines()[-1])
    ok = bool(row.get("delivered_ok"))
    return {"system": "ns-3 C++ (external)", "hops": row["hops"],
            "hops_per_s": row["hops_per_s"], "requests": hosts * echoes if ok else -1,
            "replies": hosts * echoes if ok else -2, "own_hops": True}


def compare(hosts: int, echoes: int, rounds: int,
            traces: tuple[bool, ...] = (False, True),
            ns3: str | None = None) -> list[dict[str, Any]]:
    """Every system ``rounds`` times, interleaved; per system the medians and ratios.

    With ``ns3`` (the path of the ns-3 program), each round also runs it just before and
    just after the Python systems and counts the mean of the two: side by side, never a
    dependency (the project's systems run without it)."""
    per_round = []
    for turn in range(rounds):
        before = ns3_round(ns3, hosts, echoes) if ns3 else None
        rows = one_round(hosts, echoes, list(traces), turn)
        if ns3:
            after = ns3_round(ns3, hosts, echoes)
            rows.append({**after, "hops_per_s": (before["hops_per_s"] + after["hops_per_s"]) / 2,
                         "requests": min(before["requests"], after["requests"])})
        per_round.append(rows)
    out = []
    for k, first in enumerate(per_round[0]):
        rows = [r[k] for r in per_round]
        ratios = [r[k]["hops_per_s"] / r[0]["hops_per_s"] for r in per_round]
        out.append({
            "system": first["system"], "hosts": hosts, "echoes": echoes,
            "hops": first["hops"],
            "hops_per_s": statistics.median(r["hops_per_s"] for r in rows),
            "ratio": statistics.median(ratios),
            "ok": all(r["requests"] == r["replies"] == hosts * echoes
                      and (r.get("own_hops") or r["hops"] == per_round[0][0]["hops"])
                      for r in rows),
        })
    if ns3:  # each system against ns-3, per round
        for k, result in enumerate(out):
            result["ratio_ns3"] = statistics.median(
                r[k]["hops_per_s"] / r[-1]["hops_per_s"] for r in per_round)
    return out


def format_table(results: list[dict[str, Any]]) -> str:
    with_ns3 = any("ratio_ns3" in r for r in results)
    extra = f" {'÷ ns-3':>7}" if with_ns3 else ""
    lines = [f"{'N':>4} {'system':<20} {'hops':>9} {'frame-hops/s':>13} {'÷ bare':>7}{extra}  ok"]
    for r in results:
        extra = f" {r['ratio_ns3']:>7.2f}" if with_ns3 else ""
        lines.append(f"{r['hosts']:>4} {r['system']:<20} {r['hops']:>9,} "
                     f"{r['hops_per_s']:>13,.0f} {r['ratio']:>7.2f}{extra}  "
                     f"{'yes' if r['ok'] else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--echoes", type=int, default=100, help="K, requests per host")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--ns3", metavar="PROGRAM",
                        help="also run ../shared/perf's ns-3 C++ program, side by side")
    args = parser.parse_args(argv)
    results = []
    for hosts in args.hosts:
        results += compare(hosts, args.echoes, args.rounds, ns3=args.ns3)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"UDP echo, 1,024-byte payloads, K={args.echoes} per host, 100 Mbit/s 2 us links; "
              f"medians of {args.rounds} interleaved rounds\n")
        print(format_table(results))
        print(f"\nfloors: trace on >= {TARGET_ON} x bare, trace off >= {TARGET_OFF} x bare")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
