"""Every way of setting a bridge or port option goes through the same setter.

Linux has one checked setter per option (br_set_forward_delay(), br_stp_set_path_cost()...)
and sysfs, rtnetlink and the ioctls all call it. So for the same value, ``ip link set br0
type bridge forward_delay X``, ``brctl setfd br0 X`` and ``echo X >
/sys/class/net/br0/bridge/forward_delay`` are accepted or refused together, round the
same way and refuse with the same errno -- each tool printing it its own way, with its
own exit status, and leaving the world as it was. What differs is each tool's own
reading of the number before the kernel sees it: brctl counts seconds (``0.05``) where
iproute2 and sysfs count clock ticks (``5``); iproute2 refuses what does not fit the
netlink attribute (a 70000 priority) where sysfs and brctl let the kernel keep its low
16 bits; ``bridge link set`` does not even send a cost of 0.

Every expected text and read-back below was produced by the real tools (iproute2 6.1,
bridge-utils 1.7.1) on Linux 6.18, in a network namespace set up like :func:`new_host`.

``ip link set PORT type bridge_slave ...`` is the port options' netlink path besides
``bridge link set``: it is parsed and applied by :mod:`netsim.cli.ip.bridge_opts`
(:func:`~netsim.cli.ip.bridge_opts.parse_slave`, :func:`~netsim.cli.ip.bridge_opts.
slave_changelink`); :func:`bridge_slave` runs those two the way ``ip link set`` will once
its dispatcher hands ``type bridge_slave`` to them.
"""

from __future__ import annotations

import errno
import shlex

import pytest

import netsim
from netsim.bridge import options
from netsim.cli.ip import bridge_opts
from netsim.cli.ip.args import IpExit
from netsim.cli.ip.rtnl import report
from netsim.stack.extack import NetlinkError, strerror

SETUP = ("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; "
         "ip link set lo up; ip link add br0 address 02:00:00:00:00:aa type bridge; "
         "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
         "address 02:00:00:00:01:02; ip link set eth0 master br0")
B = "/sys/class/net/br0/bridge"
P = "/sys/class/net/eth0/brport"
UP = "ip link set eth1 up; ip link set eth0 up; ip link set br0 up"


# ----------------------------------------------------------------------------- helpers
def new_host() -> netsim.Host:
    host = netsim.Lab(seed=0).host("h1")
    assert host.sh(SETUP).returncode == 0
    return host


def bridge_slave(host: netsim.Host, argv: list[str]) -> tuple[int, str, str]:
    """``ip link set DEV type bridge_slave ARGS``: parse_slave(), then slave_changelink()."""
    dev = host.ns.get(argv[3])
    try:
        bridge_opts.slave_changelink(dev, bridge_opts.parse_slave(argv[6:]))
    except IpExit as exc:
        return exc.status, exc.stdout, exc.stderr
    except NetlinkError as err:
        exc = report(err)
        return exc.status, "", exc.stderr
    return 0, "", ""


def run(host: netsim.Host, cmd: str) -> tuple[int, str, str]:
    argv = shlex.split(cmd)
    if argv[:2] == ["ip", "link"] and argv[4:6] == ["type", "bridge_slave"]:
        return bridge_slave(host, argv)
    result = host.sh(cmd)
    return result.returncode, result.stdout, result.stderr


def world(host: netsim.Host) -> tuple:
    """Every setting a refused command could have changed, and the FDBs."""
    rows = []
    for d in host.ns.in_order():
        row: tuple = (d.name, d.mac, d.admin_up, d.carrier, d.master.name if d.master else None)
        if d.is_bridge:
            row += (d.priority, d.ageing_time, d.forward_delay, d.hello_time, d.max_age,
                    d.stp_enabled, d.group_fwd_mask, d.bridge_mac,
                    tuple((e.mac, e.port.dev.name if e.port else None, e.is_local,
                           e.is_static) for e in d.fdb))
        if d.br_port is not None:
            p = d.br_port
            row += (p.state, p.priority, p.path_cost, p.learning, p.flood, p.mcast_flood,
                    p.bcast_flood, p.hairpin)
        rows.append(row)
    return tuple(rows)


# How each tool says the kernel refused (errno -> exit status and stderr).
def ip_says(code: int) -> tuple[int, str]:
    return 2, f"RTNETLINK answers: {strerror(code)}\n"


def bridge_says(code: int) -> tuple[int, str]:
    return 255, f"RTNETLINK answers: {strerror(code)}\n"


def echo_says(code: int) -> tuple[int, str]:
    return 1, f"bash: echo: write error: {strerror(code)}\n"


def brctl_says(what: str) -> object:
    return lambda code: (1, f"{what}: {strerror(code)}\n")


def invarg(arg: str, msg: str) -> tuple[int, str]:
    """iproute2 refused the value itself: nothing reached the kernel."""
    return 255, f'Error: argument "{arg}" is wrong: {msg}\n'


# ----------------------------------------------------------------------------- bridge options
# option -> {path: (command template, how it words a refusal)}; the template's {v} is the
# value in that tool's own units
BRIDGE_PATHS = {
    "forward_delay": {
        "ip": ("ip link set br0 type bridge forward_delay {v}", ip_says),
        "brctl": ("brctl setfd br0 {v}", brctl_says("set forward delay failed")),
        "sysfs": (f"echo {{v}} > {B}/forward_delay", echo_says)},
    "hello_time": {
        "ip": ("ip link set br0 type bridge hello_time {v}", ip_says),
        "brctl": ("brctl sethello br0 {v}", brctl_says("set hello timer failed")),
        "sysfs": (f"echo {{v}} > {B}/hello_time", echo_says)},
    "max_age": {
        "ip": ("ip link set br0 type bridge max_age {v}", ip_says),
        "brctl": ("brctl setmaxage br0 {v}", brctl_says("set max age failed")),
        "sysfs": (f"echo {{v}} > {B}/max_age", echo_says)},
    "ageing_time": {
        "ip": ("ip link set br0 type bridge ageing_time {v}", ip_says),
        "brctl": ("brctl setageing br0 {v}", brctl_says("set ageing time failed")),
        "sysfs": (f"echo {{v}} > {B}/ageing_time", echo_says)},
    "priority": {
        "ip": ("ip link set br0 type bridge priority {v}", ip_says),
        "brctl": ("brctl setbridgeprio br0 {v}", brctl_says("set bridge priority failed")),
        "sysfs": (f"echo {{v}} > {B}/priority", echo_says)},
    "stp_state": {
        "ip": ("ip link set br0 type bridge stp_state {v}", ip_says),
        "brctl": ("brctl stp br0 {v}", brctl_says("set stp status failed")),
        "sysfs": (f"echo {{v}} > {B}/stp_state", echo_says)},
    "group_fwd_mask": {  # bridge-utils has no command for it
        "ip": ("ip link set br0 type bridge group_fwd_mask {v}", ip_says),
        "sysfs": (f"echo {{v}} > {B}/group_fwd_mask", echo_says)},
}

# (option, set-up, {path: value in its units}, outcome): the outcome is what
# /sys/class/net/br0/bridge/OPTION reads afterwards, or the errno every path refuses with;
# a path whose value is a tuple (value, (status, stderr)) is refused by the tool itself.
BRIDGE_CASES = [
    # forward_delay: any value while STP is off, rounded through jiffies; 2..30 s with it
    ("forward_delay", "", {"ip": "5", "brctl": "0.05", "sysfs": "5"}, "4"),
    ("forward_delay", "", {"ip": "100", "brctl": "1", "sysfs": "100"}, "100"),
    ("forward_delay", "brctl stp br0 on", {"ip": "100", "brctl": "1", "sysfs": "100"},
     errno.ERANGE),
    ("forward_delay", "brctl stp br0 on", {"ip": "199", "brctl": "1.99", "sysfs": "199"},
     errno.ERANGE),
    ("forward_delay", "brctl stp br0 on", {"ip": "3100", "brctl": "31", "sysfs": "3100"},
     errno.ERANGE),
    ("forward_delay", "brctl stp br0 on", {"ip": "3000", "brctl": "30", "sysfs": "3000"},
     "3000"),
    # hello_time: 1..10 s, STP or not
    ("hello_time", "", {"ip": "99", "brctl": "0.99", "sysfs": "99"}, errno.ERANGE),
    ("hello_time", "", {"ip": "1050", "brctl": "10.5", "sysfs": "1050"}, errno.ERANGE),
    ("hello_time", "", {"ip": "101", "brctl": "1.01", "sysfs": "101"}, "100"),
    ("hello_time", "", {"ip": "1000", "brctl": "10", "sysfs": "1000"}, "1000"),
    # max_age: 6..40 s
    ("max_age", "", {"ip": "599", "brctl": "5.99", "sysfs": "599"}, errno.ERANGE),
    ("max_age", "", {"ip": "4100", "brctl": "41", "sysfs": "4100"}, errno.ERANGE),
    ("max_age", "", {"ip": "600", "brctl": "6", "sysfs": "600"}, "600"),
    ("max_age", "", {"ip": "4000", "brctl": "40", "sysfs": "4000"}, "4000"),
    # ageing_time: never refused by the kernel
    ("ageing_time", "", {"ip": "5", "brctl": "0.05", "sysfs": "5"}, "4"),
    ("ageing_time", "", {"ip": "0", "brctl": "0", "sysfs": "0"}, "0"),
    ("ageing_time", "", {"ip": "4294967295", "brctl": "42949672.95", "sysfs": "4294967295"},
     "4294967294"),
    ("ageing_time", "", {"ip": ("4294967296", invarg("4294967296", "invalid ageing_time")),
                         "brctl": "42949672.96", "sysfs": "4294967296"}, "4294967296"),
    # priority: a u16 for the kernel; iproute2 refuses more, sysfs and brctl wrap
    ("priority", "", {"ip": "100", "brctl": "100", "sysfs": "100"}, "100"),
    ("priority", "", {"ip": "0x10", "brctl": "0x10", "sysfs": "0x10"}, "16"),
    ("priority", "", {"ip": "010", "brctl": "010", "sysfs": "010"}, "8"),
    ("priority", "", {"ip": ("70000", invarg("70000", "invalid priority")),
                      "brctl": "70000", "sysfs": "70000"}, "4464"),
    # stp_state: any non-zero value starts STP (brctl only knows on/off words)
    ("stp_state", "", {"ip": "1", "brctl": "on", "sysfs": "1"}, "1"),
    ("stp_state", "", {"ip": "5", "brctl": ("5", (1, "expect on/off for argument\n")),
                       "sysfs": "5"}, "1"),
    ("stp_state", "brctl stp br0 on", {"ip": "0", "brctl": "off", "sysfs": "0"}, "0"),
    # group_fwd_mask: never bits 0-2; the kernel keeps a u16
    ("group_fwd_mask", "", {"ip": "1", "sysfs": "1"}, errno.EINVAL),
    ("group_fwd_mask", "", {"ip": "0x4004", "sysfs": "0x4004"}, errno.EINVAL),
    ("group_fwd_mask", "", {"ip": "0x4000", "sysfs": "0x4000"}, "0x4000"),
    ("group_fwd_mask", "", {"ip": ("0x10008", invarg("0x10008", "invalid group_fwd_mask")),
                            "sysfs": "0x10008"}, "0x8"),
]


def _params(cases: list) -> list:
    """One test per (case, path), named after the option, the path and the value."""
    out = []
    for option, setup, values, outcome in cases:
        for path, value in values.items():
            shown = value if isinstance(value, str) else value[0]
            after = f"-after-{setup.split()[-1]}" if setup else ""
            out.append(pytest.param(option, setup, path, value, outcome,
                                    id=f"{option}-{path}-{shown}{after}"))
    return out


@pytest.mark.parametrize(("option", "setup", "path", "value", "outcome"), _params(BRIDGE_CASES))
def test_bridge_option_same_through_every_path(option, setup, path, value, outcome) -> None:
    host = new_host()
    if setup:
        assert run(host, setup)[0] == 0
    template, says = BRIDGE_PATHS[option][path]
    own_refusal = None
    if isinstance(value, tuple):
        value, own_refusal = value
    before = world(host)
    got = run(host, template.format(v=value))
    if own_refusal is not None or isinstance(outcome, int):
        status, stderr = own_refusal if own_refusal is not None else says(outcome)
        assert got == (status, "", stderr)
        assert world(host) == before, "a refused command changed the world"
    else:
        assert got == (0, "", "")
        assert host.fs.read(f"{B}/{option}") == outcome + "\n"


def test_starting_stp_pulls_forward_delay_in_on_every_path() -> None:
    """br_stp_set_enabled(): forward_delay 4 (ticks) becomes 200 when STP starts."""
    for cmd in ("ip link set br0 type bridge stp_state 1", "brctl stp br0 on",
                f"echo 1 > {B}/stp_state"):
        host = new_host()
        assert run(host, "ip link set br0 type bridge forward_delay 5")[0] == 0
        assert run(host, cmd) == (0, "", "")
        assert host.fs.read(f"{B}/forward_delay") == "200\n", cmd


# ----------------------------------------------------------------------------- port options
PORT_PATHS = {
    "path_cost": {
        "bridge": ("bridge link set dev eth0 cost {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave cost {v}", ip_says),
        "sysfs": (f"echo {{v}} > {P}/path_cost", echo_says),
        "brctl": ("brctl setpathcost br0 eth0 {v}", brctl_says("set path cost failed"))},
    "priority": {
        "bridge": ("bridge link set dev eth0 priority {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave priority {v}", ip_says),
        "sysfs": (f"echo {{v}} > {P}/priority", echo_says),
        "brctl": ("brctl setportprio br0 eth0 {v}", brctl_says("set port priority failed"))},
    "state": {  # brport/state is read-only; brctl has no command for it
        "bridge": ("bridge link set dev eth0 state {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave state {v}", ip_says)},
    "hairpin_mode": {
        "bridge": ("bridge link set dev eth0 hairpin {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave hairpin {v}", ip_says),
        "sysfs": (f"echo {{v}} > {P}/hairpin_mode", echo_says),
        "brctl": ("brctl hairpin br0 eth0 {v}", None)},
    "learning": {
        "bridge": ("bridge link set dev eth0 learning {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave learning {v}", ip_says),
        "sysfs": (f"echo {{v}} > {P}/learning", echo_says)},
    "unicast_flood": {
        "bridge": ("bridge link set dev eth0 flood {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave flood {v}", ip_says),
        "sysfs": (f"echo {{v}} > {P}/unicast_flood", echo_says)},
    "multicast_flood": {
        "bridge": ("bridge link set dev eth0 mcast_flood {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave mcast_flood {v}", ip_says),
        "sysfs": (f"echo {{v}} > {P}/multicast_flood", echo_says)},
    "broadcast_flood": {
        "bridge": ("bridge link set dev eth0 bcast_flood {v}", bridge_says),
        "ip": ("ip link set eth0 type bridge_slave bcast_flood {v}", ip_says),
        "sysfs": (f"echo {{v}} > {P}/broadcast_flood", echo_says)},
}

PORT_CASES = [
    # path cost: 1..65535
    ("path_cost", "", {"bridge": "65535", "ip": "65535", "sysfs": "65535", "brctl": "65535"},
     "65535"),
    ("path_cost", "", {"bridge": "65536", "ip": "65536", "sysfs": "65536", "brctl": "65536"},
     errno.ERANGE),
    # bridge link does not send a cost of 0 (nothing changes); the others send it
    ("path_cost", "", {"ip": "0", "sysfs": "0", "brctl": "0"}, errno.ERANGE),
    ("path_cost", "", {"bridge": ("0", (0, ""))}, "2"),
    # 2^32 + 1: atoi() and sscanf("%i") keep 32 bits (1); get_u32 and kstrtoul do not
    ("path_cost", "", {"bridge": "4294967297", "brctl": "4294967297"}, "1"),
    ("path_cost", "", {"ip": ("4294967297", invarg("4294967297", "cost is invalid"))}, "2"),
    ("path_cost", "", {"sysfs": "4294967297"}, errno.ERANGE),
    # port priority: 0..63
    ("priority", "", {"bridge": "63", "ip": "63", "sysfs": "63", "brctl": "63"}, "63"),
    ("priority", "", {"bridge": "64", "ip": "64", "sysfs": "64", "brctl": "64"}, errno.ERANGE),
    # 65599 = 0x1003f: bridge link keeps 16 bits (63), get_u16 refuses, the rest send it all
    ("priority", "", {"bridge": "65599"}, "63"),
    ("priority", "", {"ip": ("65599", invarg("65599", "priority is invalid"))}, "32"),
    ("priority", "", {"sysfs": "65599", "brctl": "65599"}, errno.ERANGE),
    # state: only on a working port, never above 4 (blocking)
    ("state", "", {"bridge": "3", "ip": "3"}, errno.ENETDOWN),
    ("state", UP, {"bridge": "5", "ip": "5"}, errno.EINVAL),
    ("state", UP, {"bridge": "2", "ip": "2"}, "2"),
    # the flags: on for any non-zero sysfs value
    ("hairpin_mode", "", {"bridge": "on", "ip": "on", "sysfs": "7", "brctl": "on"}, "1"),
    ("hairpin_mode", "brctl hairpin br0 eth0 on",
     {"bridge": "off", "ip": "off", "sysfs": "0", "brctl": "off"}, "0"),
    ("learning", "", {"bridge": "off", "ip": "off", "sysfs": "0"}, "0"),
    ("unicast_flood", "", {"bridge": "off", "ip": "off", "sysfs": "0"}, "0"),
    ("multicast_flood", "", {"bridge": "off", "ip": "off", "sysfs": "0"}, "0"),
    ("broadcast_flood", "", {"bridge": "off", "ip": "off", "sysfs": "0"}, "0"),
    ("broadcast_flood", f"echo 0 > {P}/broadcast_flood",
     {"bridge": "on", "ip": "on", "sysfs": "1"}, "1"),
]


@pytest.mark.parametrize(("option", "setup", "path", "value", "outcome"), _params(PORT_CASES))
def test_port_option_same_through_every_path(option, setup, path, value, outcome) -> None:
    host = new_host()
    if setup:
        assert run(host, setup)[0] == 0
    template, says = PORT_PATHS[option][path]
    own = None
    if isinstance(value, tuple):
        value, own = value
    before = world(host)
    got = run(host, template.format(v=value))
    if own is not None and own[0] != 0:
        assert got == (own[0], "", own[1])
        assert world(host) == before, "a refused command changed the world"
        return
    if isinstance(outcome, int):
        status, stderr = says(outcome)
        assert got == (status, "", stderr)
        assert world(host) == before, "a refused command changed the world"
        return
    assert got == (0, "", "")
    assert host.fs.read(f"{P}/{option}") == outcome + "\n"


def test_flags_before_cost_on_both_netlink_paths() -> None:
    """br_setport(): flags are set, then cost is refused -- for bridge link and bridge_slave."""
    for cmd, status in (("bridge link set dev eth0 learning off cost 70000", 255),
                        ("ip link set eth0 type bridge_slave learning off cost 0", 2)):
        host = new_host()
        assert run(host, cmd) == (status, "", "RTNETLINK answers: Numerical result out of range\n")
        assert host.fs.read(f"{P}/learning") == "0\n"
        assert host.fs.read(f"{P}/path_cost") == "2\n"


@pytest.mark.parametrize(("cmd", "status", "stderr"), [
    ("ip link set eth1 type bridge_slave cost 5", 2, ip_says(errno.EOPNOTSUPP)[1]),
    ("ip link set br0 type bridge_slave cost 5", 2, ip_says(errno.EOPNOTSUPP)[1]),
    ("ip link set eth0 type bridge_slave hairpin maybe", 1,
     'Error: argument of "hairpin" must be one of "off", "on", not "maybe"\n'),
    ("ip link set eth0 type bridge_slave state forwarding", 255,
     'Error: argument "forwarding" is wrong: state is invalid\n'),
    ("ip link set eth0 type bridge_slave cost -1", 255,
     'Error: argument "-1" is wrong: cost is invalid\n'),
    ("ip link set eth0 type bridge_slave learning on cost", 255,
     'Command line is not complete. Try option "help"\n'),
    ("ip link set eth0 type bridge_slave foo", 1,
     'bridge_slave: unknown option "foo"?\n' + bridge_opts.BRIDGE_SLAVE_EXPLAIN),
    ("ip link set eth0 type bridge_slave fastleave on", 2,
     'netsim: the bridge port option "fastleave" is not simulated\n'),
])
def test_bridge_slave_refusals(cmd: str, status: int, stderr: str) -> None:
    host = new_host()
    before = world(host)
    assert run(host, cmd) == (status, "", stderr)
    assert world(host) == before


def test_bridge_slave_prefixes_and_flush() -> None:
    """bridge_slave_parse_opt()'s order: "m" is mcast_flood, "p" priority, "f" fdb_flush."""
    host = new_host()
    assert run(host, "ip link set eth0 type bridge_slave m off p 3 c 7 h on fl off") == (0, "", "")
    port = host.ns.get("eth0").br_port
    assert (port.mcast_flood, port.priority, port.path_cost, port.hairpin, port.flood) == (
        False, 3, 7, True, False)
    assert run(host, "ip link set eth0 type bridge_slave f") == (0, "", "")


# ----------------------------------------------------------------------------- one setter
# setter -> {path: (set-up, command)}: every path that sets the option must call it
SHARED = {
    "br_set_forward_delay": {
        "ip": "ip link set br0 type bridge forward_delay 300", "brctl": "brctl setfd br0 3",
        "sysfs": f"echo 300 > {B}/forward_delay"},
    "br_set_hello_time": {
        "ip": "ip link set br0 type bridge hello_time 300", "brctl": "brctl sethello br0 3",
        "sysfs": f"echo 300 > {B}/hello_time"},
    "br_set_max_age": {
        "ip": "ip link set br0 type bridge max_age 1000", "brctl": "brctl setmaxage br0 10",
        "sysfs": f"echo 1000 > {B}/max_age"},
    "br_set_ageing_time": {
        "ip": "ip link set br0 type bridge ageing_time 300", "brctl": "brctl setageing br0 3",
        "sysfs": f"echo 300 > {B}/ageing_time"},
    "br_stp_set_bridge_priority": {
        "ip": "ip link set br0 type bridge priority 300", "brctl": "brctl setbridgeprio br0 300",
        "sysfs": f"echo 300 > {B}/priority"},
    "br_stp_set_enabled": {
        "ip": "ip link set br0 type bridge stp_state 1", "brctl": "brctl stp br0 on",
        "sysfs": f"echo 1 > {B}/stp_state"},
    "br_set_group_fwd_mask": {
        "ip": "ip link set br0 type bridge group_fwd_mask 0x8",
        "sysfs": f"echo 8 > {B}/group_fwd_mask"},
    "br_stp_set_path_cost": {
        "bridge": "bridge link set dev eth0 cost 9",
        "ip": "ip link set eth0 type bridge_slave cost 9",
        "sysfs": f"echo 9 > {P}/path_cost", "brctl": "brctl setpathcost br0 eth0 9"},
    "br_stp_set_port_priority": {
        "bridge": "bridge link set dev eth0 priority 9",
        "ip": "ip link set eth0 type bridge_slave priority 9",
        "sysfs": f"echo 9 > {P}/priority", "brctl": "brctl setportprio br0 eth0 9"},
    "br_set_port_flag": {
        "bridge": "bridge link set dev eth0 hairpin on",
        "ip": "ip link set eth0 type bridge_slave hairpin on",
        "sysfs": f"echo 1 > {P}/hairpin_mode", "brctl": "brctl hairpin br0 eth0 on"},
    "br_set_port_state": {
        "bridge": f"{UP}; bridge link set dev eth0 state 2",
        "ip": f"{UP}; ip link set eth0 type bridge_slave state 2"},
}
ARGS = {"br_set_forward_delay": 300, "br_set_hello_time": 300, "br_set_max_age": 1000,
        "br_set_ageing_time": 300, "br_stp_set_bridge_priority": 300, "br_stp_set_enabled": 1,
        "br_set_group_fwd_mask": 8, "br_stp_set_path_cost": 9, "br_stp_set_port_priority": 9,
        "br_set_port_flag": ("hairpin", True), "br_set_port_state": 2}


@pytest.mark.parametrize("setter", sorted(SHARED))
def test_every_path_calls_the_one_setter(setter: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Record the setter's calls: each path reaches it, with the same value in its units."""
    real = getattr(options, setter)
    calls: list[tuple] = []

    def spy(obj, *args):
        calls.append(args)
        return real(obj, *args)

    monkeypatch.setattr(options, setter, spy)
    for path, cmd in SHARED[setter].items():
        host = new_host()
        calls.clear()
        *setup, last = cmd.split("; ")
        for step in setup:
            assert run(host, step)[0] == 0
        assert run(host, last) == (0, "", ""), f"{path}: {last}"
        want = ARGS[setter] if isinstance(ARGS[setter], tuple) else (ARGS[setter],)
        assert calls == [want], f"{path} did not go through options.{setter}: {calls}"
