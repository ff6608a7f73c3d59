"""What the `ip` tests (test_ip_link.py, test_ip_addr_route_neigh.py, test_ip_tuntap.py) share:
running `ip` in a lab, the world `ip` can see, and replaying recorded flows with the random
MACs and running timers masked.
"""

from __future__ import annotations

import re

import netsim
from netsim.cli.ip import main

from helpers import ToolUnderTest

MAC = re.compile(r"\b[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}\b")
FIXED_MACS = {"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:80:c2:00:00:00", "0:0:0:0:0:0"}
TIMER = re.compile(r'("?(?:gc|hello|tcn|topology_change|hold|message_age|forward_delay)_timer"?)'
                   r'[: ]\s*\d+\.\d\d')

IP = ToolUnderTest("ip", main)
run = IP.run  # (status, stdout, stderr) of an `ip` command, through ip's main()

# The setup of each file's "option parsing, unsimulated features" refusals.
MORE_SETUP = [
    "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
    "address 02:00:00:00:01:02",
    "ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up", "ip link set eth1 up",
    "ip neigh add 10.0.0.10 lladdr 52:54:00:00:00:01 dev eth0", "ip link add br0 type bridge",
    "ip tuntap add tap0 mode tap",
]


def new_lab(*names: str, hints: bool = True):
    """A lab with these hosts, lo up in each; hints=False gives the real tool's text only."""
    lab = netsim.Lab(seed=0)
    lab.hints = hints
    hosts = {n: lab.host(n) for n in names}
    for h in hosts.values():
        assert run(h, "ip link set lo up")[0] == 0
    return lab, hosts


def world(hosts) -> list[tuple[int, str, str]]:
    """Everything `ip` can see in every host: must not change when a command is refused."""
    cmds = ("ip -j -d -s link show", "ip -j addr", "ip -j route show table all",
            "ip -j neigh show nud all", "ip -j tuntap show")
    return [run(h, c) for h in hosts.values() for c in cmds]


def mask(text: str, explicit: set[str]) -> str:
    """Random MACs (bridges and veths made without an address) and running timers vary."""
    text = MAC.sub(lambda m: m.group(0) if m.group(0) in explicit | FIXED_MACS else "<MAC>",
                   text)
    return TIMER.sub(lambda m: m.group(1) + " <T>", text)


def explicit_macs(cmds) -> set[str]:
    out = set()
    for c in cmds:
        for m in MAC.findall(c):
            out.add(m)
            out.add(":".join(f"{int(x, 16):x}" for x in m.split(":")))  # bridge-id form
    return out


def play(flow, hints: bool = True) -> None:
    """Run a recorded flow step by step; every step must print what Linux printed."""
    names, steps = flow
    _lab, hosts = new_lab(*names, hints=hints)
    explicit = explicit_macs(cmd for _h, cmd, *_ in steps)
    for host, cmd, rc, out, err in steps:
        got = run(hosts[host], cmd)
        want = (rc, mask(out, explicit), mask(err, explicit))
        assert (got[0], mask(got[1], explicit), mask(got[2], explicit)) == want, f"{host}$ {cmd}"


def check_unchanged(setup, cmd: str, rc: int, out: str, err: str, hints: bool = True) -> None:
    """On a fresh host h1 after `setup`, `cmd` prints exactly (rc, out, err) and leaves the
    world as it was."""
    _lab, hosts = new_lab("h1", hints=hints)
    h = hosts["h1"]
    for c in setup:
        assert run(h, c)[0] == 0
    before = world(hosts)
    assert run(h, cmd) == (rc, out, err)
    assert world(hosts) == before
