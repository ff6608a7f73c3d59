"""How long does rendering a frame-journey animation to HTML take? (target: under 1 s)

The lab is the seed's: vm1's qemu on tap0, a port of br0 with eth0 cabled to a LAN
host; vm1 pings the LAN host once. The journey is the ping's echo request and its
reply (the default of :func:`netsim.viz.animate`): vm1:eth0 -> qemu -> /dev/net/tun
-> tap0 -> br0 -> eth0 -> wire -> lan:eth0 and back, 14 hops (one animation frame per
trace record: 28). The timed part is ``animate(lab)`` plus ``anim.to_jshtml()``;
matplotlib's import is done before timing. By default only the frames' first 10 hops
are kept (21 records), the issue's target case; ``--hops 0`` times the whole journey.

    python benchmarks/animate_journey.py                       # 10 hops, best of 5
    python benchmarks/animate_journey.py --hops 0 --png /tmp/journey   # + a few PNG frames
"""

from __future__ import annotations

import argparse
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

import netsim  # noqa: E402
from netsim.viz import animate  # noqa: E402
from netsim.viz.animate import default_frames  # noqa: E402
from netsim.viz.ladder import hops as hops_of  # noqa: E402

TARGET = 1.0  # seconds
QEMU = ("qemu-system-x86_64 -name vm1 -daemonize -display none -nodefaults "
        "-netdev tap,id=n,ifname=tap0,script=no -device e1000,netdev=n")


def build(seed: int = 0) -> netsim.Lab:
    lab = netsim.Lab(seed=seed)
    host, lan = lab.host("host"), lab.host("lan")
    lab.link("host:eth0", "lan:eth0")
    for h, line in ((host, "ip link add name br0 type bridge && ip link set eth0 master br0 "
                           "&& ip link set br0 up && ip link set eth0 up"),
                    (lan, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up"),
                    (host, "ip tuntap add tap0 mode tap && ip link set tap0 master br0 "
                           "&& ip link set tap0 up"),
                    (host, QEMU)):
        result = h.sh(line)
        assert result.returncode == 0, result.stderr
    out = lab.vm("vm1").sh("ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up "
                           "&& ping -c 1 10.0.0.2").stdout
    assert "1 received" in out, out
    return lab


def journey(lab: netsim.Lab, max_hops: int | None) -> list:
    """The default frames' records, cut after hop ``max_hops`` when given."""
    ids = set(default_frames(lab))
    records = [r for r in lab.trace.records if r.frame_id in ids]
    if max_hops is None:
        return records
    cut = hops_of(records)[max_hops - 1].record  # the record that completes hop N
    return records[:records.index(cut) + 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hops", type=int, default=10,
                        help="keep only the first N hops (default 10; 0: the whole journey)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--png", help="also save frames 0, 5, 10 as PREFIX-N.png")
    args = parser.parse_args(argv)
    lab = build()
    records = journey(lab, args.hops or None)
    n_hops = len(hops_of(records))
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        anim = animate(lab, records=records)
        html = anim.to_jshtml()
        times.append(time.perf_counter() - t0)
        steps = len(anim.netsim_steps)
        if args.png:
            for i in (0, 5, 10):
                if i < steps:
                    anim.netsim_update(i)
                    anim.netsim_caption.figure.savefig(f"{args.png}-{i}.png")
        plt.close("all")
    best = min(times)
    print(f"journey of {n_hops} hops, {steps} steps: animate() + to_jshtml() best "
          f"{best * 1e3:.0f} ms ({best / steps * 1e3:.1f} ms per step, HTML {len(html) // 1024} "
          f"KiB; target {TARGET * 1e3:.0f} ms for 10 hops)")
    return 0 if best < TARGET or n_hops > 10 else 1


if __name__ == "__main__":
    sys.exit(main())
