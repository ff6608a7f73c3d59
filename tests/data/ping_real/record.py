#!/usr/bin/env python3
"""Record what the real ping prints, for tests/cli/test_ping_real.py.

    sudo python3 tests/data/ping_real/record.py      (writes real.json beside it)
    sudo python3 tests/data/ping_real/record.py NEW  (records only the cases real.json
                                                     lacks, keeps the others)

Each case of ``cases.py`` runs in fresh network namespaces (``ip netns``), through
``sh -c``: the ``lo`` world is one namespace after the oracle's host init, the
``pair`` world two namespaces joined by a veth pair (10.0.0.1/24 and 10.0.0.2/24).
Kept for each: exit status, standard output, standard error. Recorded with
iputils 20221126 on Linux 6.18 (Debian 12), LANG=C.UTF-8.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import CASES, HOSTS, expand, shrink  # noqa: E402

INIT = ("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; "
        "sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0; ip link set lo up")


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, **kw)


def in_ns(ns: str, command: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return run(["ip", "netns", "exec", ns, "sh", "-c", command], timeout=timeout)


ROUTER = [  # the ``router`` world: h1 (pr1) -- r (pr3) -- h2 (pr2)
    ("pr1", "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up "
            "&& ip route add default via 10.0.0.254"),
    ("pr3", "ip addr add 10.0.0.254/24 dev eth0 && ip addr add 10.0.1.254/24 dev eth1 "
            "&& ip link set eth0 up && ip link set eth1 up && sysctl -qw net.ipv4.ip_forward=1"),
    ("pr2", "ip addr add 10.0.1.2/24 dev eth0 && ip link set eth0 up "
            "&& ip route add default via 10.0.1.254"),
]


def make_router_world() -> None:
    for ns in ("pr2", "pr3"):
        run(["ip", "netns", "add", ns], check=True)
        assert in_ns(ns, INIT).returncode == 0
    run(["ip", "-n", "pr1", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0",
         "netns", "pr3"], check=True)
    run(["ip", "-n", "pr3", "link", "add", "eth1", "type", "veth", "peer", "name", "eth0",
         "netns", "pr2"], check=True)
    for ns, command in ROUTER:
        assert in_ns(ns, command).returncode == 0, command


def make_world(world: str) -> None:
    for ns in ("pr1", "pr2", "pr3"):
        run(["ip", "netns", "del", ns])
    hosts = Path("/etc/netns/pr1/hosts")
    if world == "hosts":
        hosts.parent.mkdir(parents=True, exist_ok=True)
        hosts.write_text(HOSTS)
    elif hosts.exists():
        hosts.unlink()
    run(["ip", "netns", "add", "pr1"], check=True)
    assert in_ns("pr1", INIT).returncode == 0
    if world == "router":
        make_router_world()
    if world in ("pair", "hosts"):
        run(["ip", "netns", "add", "pr2"], check=True)
        assert in_ns("pr2", INIT).returncode == 0
        run(["ip", "-n", "pr1", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0",
             "netns", "pr2"], check=True)
        for ns, addr in (("pr1", "10.0.0.1/24"), ("pr2", "10.0.0.2/24")):
            assert in_ns(ns, f"ip addr add {addr} dev eth0 && ip link set eth0 up"
                         ).returncode == 0


def main() -> None:
    env = dict(os.environ, LANG="C.UTF-8")
    os.environ.update(env)
    version = run(["ping", "-V"], text=True).stdout.splitlines()[0]
    out = {"versions": {"ping": version, "kernel": platform.release()}, "cases": []}
    kept = {}
    if sys.argv[1:] == ["NEW"]:
        old = json.loads((HERE / "real.json").read_text())
        kept = {(c["world"], c["cmd"]): c for c in old["cases"]}
    for world, command in CASES:
        if (world, command) in kept:
            out["cases"].append(kept[(world, command)])
            continue
        make_world(world)
        proc = in_ns("pr1", expand(command))
        stdout = proc.stdout.decode("utf-8", "surrogateescape")
        stderr = proc.stderr.decode("utf-8", "surrogateescape")
        out["cases"].append({"world": world, "cmd": command, "rc": proc.returncode,
                             "stdout": shrink(stdout, command),
                             "stderr": shrink(stderr, command)})
        print(proc.returncode, command[:70], flush=True)
    for ns in ("pr1", "pr2", "pr3"):
        run(["ip", "netns", "del", ns])
    Path("/etc/netns/pr1/hosts").unlink(missing_ok=True)
    (HERE / "real.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
