"""How long does drawing the topology of a 30-VM lab take? (target: under 1 s)

The lab: one host with bridge br0, eth0 cabled to a LAN host, and N VMs started with
the seed's qemu command line, each on its own pre-created tap. The timed part is
``netsim.viz.topology(lab)`` (graph, layout and artists) and, separately, rendering
the figure to pixels (``canvas.draw()``). matplotlib's import is done before timing.

    python benchmarks/draw_topology.py            # 30 VMs, best of 5
    python benchmarks/draw_topology.py --vms 60 --png /tmp/topo30.png
"""

from __future__ import annotations

import argparse
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

import netsim  # noqa: E402
from netsim.viz import topology  # noqa: E402

TARGET = 1.0  # seconds


def build(vms: int, seed: int = 0) -> netsim.Lab:
    """N VMs on one bridge, built with the commands a student types."""
    lab = netsim.Lab(seed=seed)
    host = lab.host("host")
    lab.link("host:eth0", "lan:eth0")
    script = ["ip link add name br0 type bridge", "ip link set br0 up",
              "ip link set eth0 master br0", "ip link set eth0 up"]
    for i in range(vms):
        script.append(f"ip tuntap add tap{i} mode tap && ip link set tap{i} master br0 "
                      f"&& ip link set tap{i} up")
    for line in script:
        assert host.sh(line).returncode == 0, line
    for i in range(vms):
        cmd = (f"qemu-system-x86_64 -name vm{i} -daemonize -display none -nodefaults "
               f"-netdev tap,id=n,ifname=tap{i},script=no -device e1000,netdev=n")
        result = host.sh(cmd)
        assert result.returncode == 0, result.stderr
        lab.vm(f"vm{i}").sh(f"ip addr add 10.0.1.{i + 1}/16 dev eth0 && ip link set eth0 up")
    lab.run(0.1)
    return lab


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vms", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--png", help="also save the figure here")
    args = parser.parse_args(argv)
    lab = build(args.vms)
    draw_times, render_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        drawn = topology(lab)
        t1 = time.perf_counter()
        drawn["ax"].figure.canvas.draw()
        t2 = time.perf_counter()
        draw_times.append(t1 - t0)
        render_times.append(t2 - t1)
        if args.png:
            drawn["ax"].figure.savefig(args.png, dpi=72, bbox_inches="tight")
        plt.close("all")
    best, render = min(draw_times), min(render_times)
    print(f"{args.vms} VMs, {len(drawn['labels'])} devices: topology() best {best * 1e3:.0f} ms, "
          f"canvas.draw() best {render * 1e3:.0f} ms, together {(best + render) * 1e3:.0f} ms "
          f"(target {TARGET * 1e3:.0f} ms)")
    return 0 if best < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
