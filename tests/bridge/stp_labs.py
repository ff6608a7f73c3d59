"""Small worlds of bridges for the spanning tree tests, built through the shell.

MAC addresses are fixed, so every bridge id is known: a bridge takes the lowest MAC of
its ports. With equal priorities ``h1`` (02:00:00:00:01:..) has the lowest id, then
``h2``, then ``h3``.
"""

from __future__ import annotations

import netsim

FAST = "forward_delay 400 hello_time 100 max_age 600"
"""Short STP timers (seconds: 4, 1, 6), as the recordings use."""


def ok(host: netsim.Host, cmd: str) -> str:
    res = host.sh(cmd)
    assert res.returncode == 0, (cmd, res.stdout, res.stderr)
    return res.stdout


def veth(a: netsim.Host, a_dev: str, a_mac: str, b: netsim.Host, b_dev: str, b_mac: str) -> None:
    ok(a, f"ip link add {a_dev} address {a_mac} type veth peer name {b_dev} address {b_mac} "
          f"netns {b.name}")


def enslave(host: netsim.Host, *ports: str) -> None:
    for port in ports:
        ok(host, f"ip link set {port} master br0 && ip link set {port} up")


def ring3(stp: bool = True, timers: str = FAST, up: bool = True) -> tuple[netsim.Lab, dict]:
    """Three hosts h1, h2, h3, each with br0, joined in a ring of veth pairs::

        h1:e12 -- h2:e21      h2:e23 -- h3:e32      h3:e31 -- h1:e13

    With STP on, h1 is the root and h3's e32 blocks.
    """
    lab = netsim.Lab()
    lab.hints = False
    hosts = {name: lab.host(name) for name in ("h1", "h2", "h3")}
    h1, h2, h3 = hosts.values()
    for h in hosts.values():
        ok(h, f"ip link add br0 type bridge stp_state {int(stp)} {timers}")
    veth(h1, "e12", "02:00:00:00:01:02", h2, "e21", "02:00:00:00:02:01")
    veth(h2, "e23", "02:00:00:00:02:03", h3, "e32", "02:00:00:00:03:02")
    veth(h3, "e31", "02:00:00:00:03:01", h1, "e13", "02:00:00:00:01:03")
    enslave(h1, "e12", "e13")
    enslave(h2, "e21", "e23")
    enslave(h3, "e31", "e32")
    for i, h in enumerate(hosts.values(), 1):
        ok(h, f"ip addr add 10.0.0.{i}/24 dev br0")
        if up:
            ok(h, "ip link set br0 up")
    return lab, hosts


def pair(stp: bool = True, timers: str = FAST, links: int = 2) -> tuple[netsim.Lab, dict]:
    """Two hosts h1, h2 with br0 each, joined by ``links`` veth pairs ``aN`` -- ``bN``."""
    lab = netsim.Lab()
    lab.hints = False
    hosts = {name: lab.host(name) for name in ("h1", "h2")}
    h1, h2 = hosts.values()
    for h in hosts.values():
        ok(h, f"ip link add br0 type bridge stp_state {int(stp)} {timers}")
    for n in range(1, links + 1):
        veth(h1, f"a{n}", f"02:00:00:00:01:0{n}", h2, f"b{n}", f"02:00:00:00:02:0{n}")
        enslave(h1, f"a{n}")
        enslave(h2, f"b{n}")
    for i, h in enumerate(hosts.values(), 1):
        ok(h, f"ip addr add 10.0.0.{i}/24 dev br0 && ip link set br0 up")
    return lab, hosts


def states(host: netsim.Host) -> dict[str, str]:
    """Port name -> STP state of br0's ports."""
    return {p.dev.name: p.state for p in host.bridge("br0").ports}
