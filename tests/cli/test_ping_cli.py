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


def test_each_line_is_written_when_it_happens(pair):
    """A reply's line reaches the command's output at the simulated instant it came."""
    lab, a, _b = pair
    from netsim.cli import ping
    from netsim.user.io import Io

    io = Io()
    written: list[tuple[float, str]] = []
    plain_write = io.write

    def timed_write(text: str) -> None:
        written.append((round(lab.now - start, 3), text))
        plain_write(text)

    io.write = timed_write  # type: ignore[method-assign]
    start = lab.now
    assert ping.main(a, ["ping", "-c", "3", "10.0.0.2"], io) == 0
    replies = [(t, line) for t, line in written if line.startswith("64 bytes")]
    assert [t for t, _ in replies] == [0.0, 1.0, 2.0]
    assert written[0] == (0.0, "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.\n")
    assert written[-1][1].startswith("\n--- 10.0.0.2 ping statistics ---\n")
    assert io.stdout == "".join(text for _, text in written)


def test_a_long_ping_stopped_by_the_guard_keeps_what_it_printed():
    host = netsim.Lab(seed=0).host("h1")
    ok(host, "ip link set lo up")
    host.lab.clock.event_budget = 5000
    result = host.sh("ping -c 100000 -i 0.2 127.0.0.1")
    assert result.returncode == 124
    lines = result.stdout.splitlines()
    assert lines[0] == "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data."
    replies = [line for line in lines if line.startswith("64 bytes from 127.0.0.1: ")]
    assert len(replies) > 100 and len(replies) == len(lines) - 1
    assert replies[-1].startswith(f"64 bytes from 127.0.0.1: icmp_seq={len(replies)} ttl=64")
    assert "netsim: stopped at t=" in result.stderr


def test_the_sequence_is_16_bits_and_wraps_to_0(pair):
    """Request 65,536 goes out as icmp_seq=0 (it crashed netsim once), as iputils'
    htons(ntransmitted + 1) sends it; tests/data/ping_real has the real 65,540 run."""
    _lab, a, _b = pair
    from netsim.packets.addr import ip_aton
    from netsim.user.io import Io
    from netsim.user.ping import PingConfig, Pinger

    io = Io()
    pinger = Pinger(a, PingConfig("10.0.0.2", ip_aton("10.0.0.2"), count=65538,
                                  interval=200), io)
    pinger.ntransmitted = pinger.acked = 65533  # as if 65,533 had gone and come back
    pinger.nreceived = 65533
    assert pinger.run() == 0
    seqs = [line.split("icmp_seq=")[1].split()[0] for line in io.stdout.splitlines()
            if "icmp_seq=" in line]
    assert seqs == ["65534", "65535", "0", "1", "2"]
    assert "65538 packets transmitted, 65538 received, 0% packet loss" in io.stdout


def test_flood_writes_a_dot_per_request_and_a_backspace_per_reply(pair):
    _lab, a, _b = pair
    result = a.sh("ping -f -c 3 10.0.0.2")
    head, _, rest = result.stdout.partition("\n")
    assert head == "PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data."
    assert rest.startswith(".\b \b" * 3 + "\n--- 10.0.0.2 ping statistics ---\n")
    assert ", ipg/ewma " in rest and result.returncode == 0


def test_timestamps_are_the_labs_wall_clock(pair):
    lab, a, _b = pair
    from netsim.engine.clock import wall_clock

    before = wall_clock(lab.now)
    line = a.sh("ping -D -c 1 10.0.0.2").stdout.splitlines()[1]
    stamp = float(line[1:line.index("]")])
    assert line.startswith("[") and line.split("] ", 1)[1].startswith("64 bytes from 10.0.0.2")
    assert before <= stamp < before + 0.01


@pytest.mark.parametrize("command, status, stderr", [
    # a C program sees an argument up to its first NUL ($'...' makes one; a NUL typed
    # into the line itself is skipped by bash's reader, so 'a<NUL>b' is "ab")
    ("ping -c 1 $'10.0.0.2\\0junk'", 0, ""),
    ("ping -c $'\\0' 10.0.0.2", 1, "ping: invalid argument: ''\n"),
    ("ping -c 1 $'x\\0y'", 2, "ping: x: Temporary failure in name resolution\n"),
    ("ping -c 1 'a\0b'", 2, "ping: ab: Temporary failure in name resolution\n"),
    # bytes that are not UTF-8 (what Python keeps as lone surrogates): IDN refuses them
    ("ping -c 1 '\udcff\udcfe'", 2, "ping: \udcff\udcfe: Parameter string not correctly encoded\n"),
    # U+D800 stands for no byte: bash writes it as ED A0 80, which is no UTF-8 either
    ("ping -c 1 '\ud800x.com'", 2,
     "ping: \udced\udca0\udc80x.com: Parameter string not correctly encoded\n"),
    # digits that are not ASCII are no digits for C
    ("ping -c ١ 10.0.0.2", 1, "ping: invalid argument: '١'\n"),
    ("ping -c 1 ١٢٧.0.0.1", 2, "ping: ١٢٧.0.0.1: Temporary failure in name resolution\n"),
    ("ping -c 1 -Q ١ 10.0.0.2", 2, "ping: bad TOS value: ١\n"),
    ("ping -c 1 -p ١ 10.0.0.2", 2, "ping: patterns must be specified as hex digits: ١\n"),
])
def test_odd_arguments_get_the_c_programs_answer(pair, command, status, stderr):
    _lab, a, _b = pair
    result = a.sh(command)
    assert (result.returncode, result.stderr) == (status, stderr)


def test_huge_arguments_are_read_without_python_limits(pair):
    _lab, a, _b = pair
    digits = "7" * 5000
    garbage = ("ping: option argument contains garbage: \n"
               "ping: this will become fatal error in the future\n")
    for option, status, message in (
            ("-c", 1, f"ping: invalid argument: '{digits}': Numerical result out of range\n"),
            ("-s", 1, f"ping: invalid argument: '{digits}': Numerical result out of range\n"),
            ("-i", 2, f"{garbage}ping: bad timing interval: {digits}: "
                      "Numerical result out of range\n"),
            ("-W", 2, f"{garbage}ping: bad linger time: {digits}: "
                      "Numerical result out of range\n")):
        result = a.sh(f"ping {option} {digits} 10.0.0.2")
        assert (result.returncode, result.stderr) == (status, message)
    name = "h" * 100_000
    assert a.sh(f"ping -c 1 {name}").stderr == f"ping: {name}: Name or service not known\n"
