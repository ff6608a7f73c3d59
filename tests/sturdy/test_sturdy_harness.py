"""The harness itself: the corpus covers every family, the lab is cheap, the snapshot sees
every kind of change and ignores what traffic teaches, the checks report what they
should, and the strategies reach the garbage they promise."""

from __future__ import annotations

import time

import corpus
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sturdy_checks import (
    STOP_AFTER,
    Outcome,
    Stopped,
    check_frames,
    check_line,
    documented_partial,
    problems_of,
    stop_after,
    sweep,
)
from sturdy_lab import build_lab, build_time, snapshot, world_diff
from sturdy_strategies import (
    ENTRIES,
    GARBAGE,
    LONG,
    command_lines,
    generated,
    is_single_command,
    valid_frames,
)

FAMILIES = {"ip", "bridge", "brctl", "sysctl", "ping", "ps", "kill", "tcpdump", "iptables",
            "conntrack", "dnsmasq", "dhclient", "udhcpc", "socat", "qemu-system-x86_64",
            "qemu-img", "pseudofs", "shell"}


# ----------------------------------------------------------------------------- corpus
def test_the_corpus_has_every_family_with_the_blogs_qemu_line() -> None:
    assert set(corpus.SEEDS) == FAMILIES == set(corpus.VOCAB)
    assert all(len(lines) >= 8 for lines in corpus.SEEDS.values())
    assert corpus.BLOG_QEMU in corpus.SEEDS["qemu-system-x86_64"]
    assert corpus.BLOG_QEMU.split()[0] == "qemu-system-x86_64" and "sockets=1, -m 16G" in (
        corpus.BLOG_QEMU)


def test_the_harvested_corpus_is_small_and_deterministic() -> None:
    harvested = corpus.harvested()
    assert 300 <= len(harvested) <= 2000
    assert list(harvested) == sorted(harvested)
    assert len(corpus.all_lines()) == len(set(corpus.all_lines()))


@pytest.mark.parametrize("family", sorted(corpus.FAMILY_OF_WORD.values()))
def test_a_seed_line_belongs_to_its_family(family: str) -> None:
    assert {corpus.family_of(line) for line in corpus.SEEDS[family]} == {family}


# ----------------------------------------------------------------------------- the lab
def test_the_lab_is_built_in_a_few_milliseconds() -> None:
    assert build_time() < 0.1  # ~8 ms on the CI machine; every case pays it once


def test_the_lab_is_the_one_the_corpus_is_written_for() -> None:
    lab = build_lab(hold_tap=True)
    h1 = lab.hosts["h1"]
    assert h1.sh("ping -c 1 10.0.0.2").returncode == 0
    assert set(h1.ns.devices) == {"lo", "eth0", "br0", "tap0", "veth0", "veth1"}
    assert h1.sh("ls rhel7u4.img sdb.img").returncode == 0
    assert "tun-holder" in h1.sh("ps -ef").stdout


CHANGES = [
    ("ip link set veth0 up", "h1/devices"),
    ("ip addr add 10.1.0.1/24 dev veth0", "h1/addresses"),
    ("ip route add 10.2.0.0/16 via 10.0.0.2", "h1/routes"),
    ("ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev br0 nud permanent", "h1/neighbours"),
    ("bridge fdb add 02:00:00:00:00:05 dev eth0 master static", "h1/fdb"),
    ("bridge fdb add 33:33:00:00:00:02 dev eth0 self permanent", "h1/fdb"),
    ("iptables -P FORWARD DROP", "h1/iptables"),
    ("iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE", "h1/iptables"),
    ("sysctl -w net.ipv4.ip_forward=1", "h1/sysctl"),
    ("dnsmasq --interface=br0 --dhcp-range=10.0.0.50,10.0.0.99", "h1/processes"),
    ("qemu-system-x86_64 -name vm9 -daemonize -display none -nodefaults -netdev "
     "tap,id=n0,ifname=tap9,script=no,downscript=no -device e1000,netdev=n0", "vms"),
]


@pytest.mark.parametrize(("line", "key"), CHANGES)
def test_the_snapshot_sees_every_kind_of_change(line: str, key: str) -> None:
    lab = build_lab()
    before = snapshot(lab)
    assert lab.hosts["h1"].sh(line).returncode == 0
    assert key in world_diff(before, snapshot(lab))


@pytest.mark.parametrize("line", ["ip -d -s link", "ps -ef", "bridge fdb", "iptables -L -n",
                                  "iptables -t nat -L", "ping -c 2 10.0.0.2",
                                  "ping -c 1 -W 1 10.0.0.77", "ping -c 1 192.168.50.1",
                                  "cat /proc/sys/net/ipv4/ip_forward", "sysctl -a"])
def test_the_snapshot_ignores_reading_and_what_traffic_teaches(line: str) -> None:
    lab = build_lab()
    before = snapshot(lab)
    lab.hosts["h1"].sh(line)
    assert world_diff(before, snapshot(lab)) == {}


# ----------------------------------------------------------------------------- single commands
@pytest.mark.parametrize(("line", "single"), [
    ("ip link add br1 type bridge", True),
    ("echo 1 > /proc/sys/net/ipv4/ip_forward", True),
    ("echo $((1 << 3))", True),
    ("/usr/sbin/ip link", True),
    ("ip link; ip addr", False),
    ("ip link && ip addr", False),
    ("false || true", False),
    ("ps -ef | grep qemu", False),
    ("sleep 1 &", False),
    ("echo $(ip link)", False),
    ("echo `ip link`", False),
    ("ip link\nip addr", False),
    ("sh -c 'ip link set veth0 up'", False),
    ("eval ip link", False),
    ("/etc/qemu-ifup tap0", False),
])
def test_what_counts_as_a_single_command(line: str, single: bool) -> None:
    assert is_single_command(line) is single


# ----------------------------------------------------------------------------- the checks
def _outcome(line: str, rc: object = 1, out: str = "", err: str = "", **kw) -> Outcome:
    return Outcome(line, returncode=rc, stdout=out, stderr=err, **kw)


@pytest.mark.parametrize(("outcome", "prop"), [
    (_outcome("ip link", exception=RuntimeError("boom")), "raises"),
    (_outcome("ip link", rc=300, err="x"), "raises"),
    (_outcome("ip link", rc=True, err="x"), "raises"),
    (_outcome("ip link", err="ip: internal error: KeyError: 3\n"), "internal"),
    (_outcome("ip link", out="Traceback (most recent call last):\n"), "internal"),
    (_outcome("ip link", rc=0, wall=6.0), "slow"),
    (_outcome("ip link", rc=0, wall=20.0, stopped=True), "slow"),
    (_outcome("ip link foo"), "silent"),
    (_outcome("ip link foo", err="x", diff={"h1/routes": ["- r"]},
              before={"h1/routes": {1}}, after={"h1/routes": set()}), "world"),
])
def test_each_broken_property_is_reported(outcome: Outcome, prop: str) -> None:
    assert [p.prop for p in problems_of(outcome, {"raises", "internal", "slow", "silent",
                                                   "world"})] == [prop]


@pytest.mark.parametrize("outcome", [
    _outcome("ip link", rc=0),
    _outcome("grep x /etc/hosts"),                        # silent on Linux too
    _outcome("sysctl -w 3"),                              # procps-ng 4.0.2 too
    _outcome("readlink /sys/nope"),                       # GNU readlink without -v
    _outcome("set -e; (false); echo x"),                  # a list: set -e exits silently
    _outcome("ip link; false", err="x", diff={"h1/routes": ["- r"]}),  # not single
    _outcome("ip link foo", rc=0, diff={"h1/routes": ["- r"]}),        # succeeded
])
def test_what_is_not_a_problem(outcome: Outcome) -> None:
    assert problems_of(outcome, {"raises", "internal", "slow", "silent", "world"}) == []


@pytest.mark.parametrize("line", [
    "sysctl -w net.ipv4.ip_forward=1 nosuch.key=1",  # the first is written, then 255
    "brctl delif br0 tap0 nosuch",                   # tap0 leaves, nosuch fails
    "udhcpc -i br0 -n -q",                           # deconfig: link up, address flushed
    "dhclient -1 veth0",                             # PREINIT: link up, no lease: 2
    "bridge link set dev eth0 learning off cost 70000",  # br_setport: flags, then ERANGE
])
def test_a_documented_partial_application_is_allowed(line: str) -> None:
    lab = build_lab()
    before = snapshot(lab)
    result = lab.hosts["h1"].sh(line)
    after = snapshot(lab)
    assert result.returncode != 0 and world_diff(before, after)
    assert documented_partial(line, before, after) is not None
    assert [p for p in check_line(line) if p.prop == "world"] == []


def test_the_allow_list_keeps_each_rule_to_what_it_touches() -> None:
    lab = build_lab()
    before = snapshot(lab)
    lab.hosts["h1"].sh("ip route add 10.3.0.0/16 via 10.0.0.2 && ip link set veth0 up")
    after = snapshot(lab)
    for line in ("sysctl -w a=1 b=2", "brctl delif br0 tap0 eth0", "dhclient -1 veth0",
                 "udhcpc -i veth0", "kill 1 2", "ip link set veth0 up",
                 "bridge link set dev veth0 cost 70000"):
        assert documented_partial(line, before, after) is None, line


def test_a_runaway_call_is_stopped() -> None:
    start = time.perf_counter()
    with pytest.raises(Stopped), stop_after(0.2):
        while True:
            pass
    assert time.perf_counter() - start < STOP_AFTER


# ----------------------------------------------------------------------------- frames
@pytest.mark.parametrize("entry", ENTRIES)
def test_every_valid_frame_passes_the_frame_check(entry: str) -> None:
    for frame in valid_frames():
        assert check_frames([(entry, frame)]) == [], frame.hex()


def test_a_short_tap_write_is_refused_as_linux_refuses_it() -> None:
    assert check_frames([("tap", b""), ("tap", b"\x00" * 13), ("wire-h1", b"")]) == []


# ----------------------------------------------------------------------------- strategies
def test_generated_lines_reach_every_family() -> None:
    seen: set[str] = set()

    @settings(max_examples=400, derandomize=True, database=None, deadline=None)
    @given(generated())
    def collect(line: str) -> None:
        seen.add(corpus.family_of(line))

    collect()
    assert seen == FAMILIES


def test_mutated_lines_carry_the_promised_garbage() -> None:
    found: dict[str, bool] = dict.fromkeys(("100k", "nul", "surrogate", "2^64", "huge"), False)

    def look(line: object) -> list:
        assert isinstance(line, str)
        found["100k"] |= LONG in line
        found["nul"] |= "\x00" in line or "$'\\0'" in line
        found["surrogate"] |= any(0xD800 <= ord(c) <= 0xDFFF for c in line)
        found["2^64"] |= str(2**64) in line
        found["huge"] |= "9" * 5000 in line
        return []

    sweep(command_lines(), look, 700)
    assert all(found.values()), found


def test_garbage_holds_numbers_of_every_width() -> None:
    for text in (str(2**63), str(2**64), "-1", "0", "9" * 5000, "\x00", "\udcff"):
        assert text in GARBAGE


def test_hypothesis_is_fixed_seed_and_writes_no_database() -> None:
    drawn: list[list[str]] = []
    for _ in range(2):
        lines: list[str] = []
        sweep(st.sampled_from(corpus.all_lines()), lambda x, lines=lines: lines.append(x) or [],
              30)
        drawn.append(lines)
    assert drawn[0] == drawn[1]
