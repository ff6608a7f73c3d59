"""ping against the real one: every command recorded in ``tests/data/ping_real``.

``real.json`` holds what iputils 20221126 printed on Linux 6.18 for each command of
``cases.py`` (recorded by ``record.py`` beside it, each in fresh network namespaces,
some with an /etc/hosts). Each is replayed in a fresh netsim world of the same
shape: exit status, standard output and standard error must be the same byte for
byte, except the numbers that measure a real machine's speed -- round-trip times,
the rtt and ipg/ewma figures, ``-v``'s socket identifier, ``-D``'s clock -- which
are masked on both sides. The run's ``time Nms`` must be close: within 30 ms and
10 % (a real interval runs a little long: timers, scheduling), or 50 % where it
measures the machine's speed (``ping -i 0``, ``-f``: ``SEND_COST`` in
``netsim.user.ping``).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from lab_builders import two_hosts

import netsim

from helpers import HOST_INIT, new_host

DATA = Path(__file__).resolve().parents[1] / "data" / "ping_real"
_spec = importlib.util.spec_from_file_location("ping_real_cases", DATA / "cases.py")
assert _spec is not None and _spec.loader is not None
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REAL = json.loads((DATA / "real.json").read_text())

_MASKS = [
    (re.compile(r" time=[0-9.]+ ms"), " time=T ms"),
    (re.compile(r"rtt min/avg/max/mdev = [0-9./]+ ms"), "rtt min/avg/max/mdev = R ms"),
    (re.compile(r"ipg/ewma [0-9./]+ ms"), "ipg/ewma I ms"),
    (re.compile(r"ident=\d+"), "ident=N"),
    (re.compile(r"\[\d+\.\d{6}\] "), "[TS] "),
    (re.compile(r", time \d+ms"), ", time Nms"),
]
_ELAPSED = re.compile(r", time (\d+)ms")


def masked(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def router_world():
    lab = netsim.Lab(seed=0)
    lab.hints = False
    h1, r, h2 = lab.host("h1"), lab.host("r"), lab.host("h2")
    lab.link("h1:eth0", "r:eth0")
    lab.link("r:eth1", "h2:eth0")
    for host, script in (
            (h1, "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up "
                 "&& ip route add default via 10.0.0.254"),
            (r, "ip addr add 10.0.0.254/24 dev eth0 && ip addr add 10.0.1.254/24 dev eth1 "
                "&& ip link set eth0 up && ip link set eth1 up "
                "&& sysctl -qw net.ipv4.ip_forward=1"),
            (h2, "ip addr add 10.0.1.2/24 dev eth0 && ip link set eth0 up "
                 "&& ip route add default via 10.0.1.254")):
        assert host.sh(HOST_INIT + " && " + script).returncode == 0, script
    return h1


def world(kind: str):
    if kind == "router":
        return router_world()
    if kind in ("pair", "hosts"):
        lab, h1, _h2 = two_hosts()
        lab.hints = False
        assert h1.sh("ip link set lo up").returncode == 0  # as the recording's host init
        if kind == "hosts":
            h1.fs.write("/etc/hosts", cases.HOSTS)
        return h1
    return new_host(hints=False)


# Where netsim's kernel (not ping) still differs from Linux: strict xfails, so the fix
# shows up here.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}


def _params():
    for case in REAL["cases"]:
        reason = KNOWN_DIFFERENCES.get((case["world"], case["cmd"]))
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        yield pytest.param(case, id=case["cmd"][:60], marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_ping_prints_what_the_real_one_printed(case) -> None:
    host = world(case["world"])
    # Output, not speed, is compared here: 65,540 pings take ~3 s of real time, near the
    # 4 s wall guard on a busy machine (the guard has tests of its own).
    host.lab.clock.wall_budget = 60
    result = host.sh(cases.expand(case["cmd"]))
    stdout = cases.shrink(result.stdout, case["cmd"])
    stderr = cases.shrink(result.stderr, case["cmd"])
    assert (result.returncode, masked(stdout), masked(stderr)) == (
        case["rc"], masked(case["stdout"]), masked(case["stderr"]))
    real_ms = [int(t) for t in _ELAPSED.findall(case["stdout"])]
    sim_ms = [int(t) for t in _ELAPSED.findall(stdout)]
    # as fast as replies come (-i 0, -f): the time is the real machine's speed
    speed_bound = " -i 0 " in case["cmd"] or " -f " in case["cmd"] and " -i " not in case["cmd"]
    slack = 2 if speed_bound else 10
    assert all(abs(s - r) <= 30 + r // slack for s, r in zip(sim_ms, real_ms, strict=True)), (
        sim_ms, real_ms)


def test_every_case_was_recorded_from_the_version_modelled() -> None:
    assert REAL["versions"]["ping"] == "ping from iputils 20221126"
    assert [(c["world"], c["cmd"]) for c in REAL["cases"]] == list(cases.CASES)
