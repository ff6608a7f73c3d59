"""`ping` as iputils prints it: replies, statistics, exit codes and errors."""

import pytest
from lab_builders import ok, two_hosts

import netsim


@pytest.fixture
def pair():
    return two_hosts(names=("a", "b"))


def state(host) -> str:
    return ok(host, "ip -j -d link show") + ok(host, "ip -j addr show") + ok(host, "ip -j route")


def test_three_replies_and_statistics(pair):
    lab, a, _b = pair
    start = lab.now
    result = a.sh("ping -c 3 10.0.0.2")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and result.stderr == ""
    assert lines[0] == "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data."
    assert [line.split(" time=")[0] for line in lines[1:4]] == [
        f"64 bytes from 10.0.0.2: icmp_seq={i} ttl=64" for i in (1, 2, 3)]
    assert lines[4:6] == ["", "--- 10.0.0.2 ping statistics ---"]
    assert lines[6] == "3 packets transmitted, 3 received, 0% packet loss, time 2000ms"
    assert lines[7].startswith("rtt min/avg/max/mdev = ")
    assert 2.0 <= lab.now - start < 2.01  # simulated time passed: 3 requests, 1 s apart


def test_quiet_and_size_and_interval(pair):
    _lab, a, _b = pair
    result = a.sh("ping -q -c 2 -i 0.2 -s 100 10.0.0.2")
    assert result.stdout.splitlines()[:2] == [
        "PING 10.0.0.2 (10.0.0.2) 100(128) bytes of data.", ""]
    assert "2 packets transmitted, 2 received, 0% packet loss, time 200ms" in result.stdout


def test_no_reply_exits_1_after_the_wait(pair):
    lab, a, b = pair
    ok(b, "ip link set eth0 down")
    start = lab.now
    result = a.sh("ping -c 1 -W 2 10.0.0.2")
    assert result.returncode == 1
    assert "1 packets transmitted, 0 received, 100% packet loss, time 0ms" in result.stdout
    assert lab.now - start == pytest.approx(2.0)


@pytest.mark.parametrize("command, status, message", [
    ("ping", 1, "ping: usage error: Destination address required\n"),
    ("ping -c x 10.0.0.2", 1, "ping: invalid argument: 'x'\n"),
    ("ping -c 0 10.0.0.2", 1,
     "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n"),
    ("ping -c 1 10.9.9.9", 2, "ping: connect: Network is unreachable\n"),
    ("ping -c 1 -I eth9 10.0.0.2", 2, "ping: SO_BINDTODEVICE eth9: No such device\n"),
    ("ping -c 1 nosuchhost", 2, "ping: nosuchhost: Temporary failure in name resolution\n"),
])
def test_errors_have_the_real_text_and_status_and_change_nothing(pair, command, status, message):
    _lab, a, _b = pair
    before = state(a)
    result = a.sh(command)
    assert (result.returncode, result.stderr, result.stdout) == (status, message, "")
    assert state(a) == before


def test_invalid_option_prints_usage(pair):
    _lab, a, _b = pair
    result = a.sh("ping -Z 10.0.0.2")
    assert result.returncode == 2
    assert result.stderr.startswith("ping: invalid option -- 'Z'\n\nUsage\n  ping [options]")
    assert result.stderr.endswith("For more details see ping(8).\n")
    missing = a.sh("ping -c")
    assert missing.returncode == 2
    assert missing.stderr.startswith("ping: option requires an argument -- 'c'\n\nUsage\n")


def test_the_seeds_typo_gets_iproute2s_error_then_a_hint():
    lab = netsim.Lab(seed=0)
    h = lab.host("h1")
    ok(h, "ip link add name br0 type bridge && ip link add eth0 type veth peer name eth1")
    before = state(h)
    result = h.sh("ip link add set dev eth0 master br0")
    assert result.returncode == 255
    real, hint = result.stderr.splitlines()
    assert real == 'Error: either "dev" is duplicate, or "eth0" is a garbage.'
    assert hint.startswith("netsim hint: did you mean `ip link set dev eth0 master br0`?")
    assert state(h) == before
    lab.hints = False
    assert h.sh("ip link add set dev eth0 master br0").stderr == (
        'Error: either "dev" is duplicate, or "eth0" is a garbage.\n')
