# ruff: noqa: E501  (recorded tcpdump lines are as long as tcpdump made them)
"""``tcpdump`` in a host's shell, against lines real tcpdump 4.99.3 printed.

The expected lines were recorded by running the real tcpdump (``tcpdump -r FILE`` with
each option set) on the pcap file netsim wrote for the very same scenario below (read
again when the port unreachable started quoting the whole 33-byte datagram, as Linux does,
instead of its header and 8 bytes).
"""

from __future__ import annotations

import pytest
from lab_builders import two_hosts

import netsim

REAL: dict[str, str] = {
    '': (
        '09:50:00.000000 ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n'
        '09:50:00.000011 ARP, Reply 10.0.0.2 is-at ae:4c:09:c2:e7:e3 (oui Unknown), length 46\n'
        '09:50:00.000011 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 27562, seq 1, length 64\n'
        '09:50:00.000023 IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 27562, seq 1, length 64\n'
        '09:50:00.000023 IP 10.0.0.1.4000 > 10.0.0.2.5000: UDP, length 5\n'
        '09:50:00.000035 IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 5000 unreachable, length 41\n'
    ),
    '-n': (
        '09:50:00.000000 ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n'
        '09:50:00.000011 ARP, Reply 10.0.0.2 is-at ae:4c:09:c2:e7:e3, length 46\n'
        '09:50:00.000011 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 27562, seq 1, length 64\n'
        '09:50:00.000023 IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 27562, seq 1, length 64\n'
        '09:50:00.000023 IP 10.0.0.1.4000 > 10.0.0.2.5000: UDP, length 5\n'
        '09:50:00.000035 IP 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 5000 unreachable, length 41\n'
    ),
    '-e': (
        '09:50:00.000000 ce:07:2c:d8:9f:62 (oui Unknown) > Broadcast, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n'
        '09:50:00.000011 ae:4c:09:c2:e7:e3 (oui Unknown) > ce:07:2c:d8:9f:62 (oui Unknown), ethertype ARP (0x0806), length 60: Reply 10.0.0.2 is-at ae:4c:09:c2:e7:e3 (oui Unknown), length 46\n'
        '09:50:00.000011 ce:07:2c:d8:9f:62 (oui Unknown) > ae:4c:09:c2:e7:e3 (oui Unknown), ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 27562, seq 1, length 64\n'
        '09:50:00.000023 ae:4c:09:c2:e7:e3 (oui Unknown) > ce:07:2c:d8:9f:62 (oui Unknown), ethertype IPv4 (0x0800), length 98: 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 27562, seq 1, length 64\n'
        '09:50:00.000023 ce:07:2c:d8:9f:62 (oui Unknown) > ae:4c:09:c2:e7:e3 (oui Unknown), ethertype IPv4 (0x0800), length 47: 10.0.0.1.4000 > 10.0.0.2.5000: UDP, length 5\n'
        '09:50:00.000035 ae:4c:09:c2:e7:e3 (oui Unknown) > ce:07:2c:d8:9f:62 (oui Unknown), ethertype IPv4 (0x0800), length 75: 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 5000 unreachable, length 41\n'
    ),
    '-e -n': (
        '09:50:00.000000 ce:07:2c:d8:9f:62 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28\n'
        '09:50:00.000011 ae:4c:09:c2:e7:e3 > ce:07:2c:d8:9f:62, ethertype ARP (0x0806), length 60: Reply 10.0.0.2 is-at ae:4c:09:c2:e7:e3, length 46\n'
        '09:50:00.000011 ce:07:2c:d8:9f:62 > ae:4c:09:c2:e7:e3, ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 27562, seq 1, length 64\n'
        '09:50:00.000023 ae:4c:09:c2:e7:e3 > ce:07:2c:d8:9f:62, ethertype IPv4 (0x0800), length 98: 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 27562, seq 1, length 64\n'
        '09:50:00.000023 ce:07:2c:d8:9f:62 > ae:4c:09:c2:e7:e3, ethertype IPv4 (0x0800), length 47: 10.0.0.1.4000 > 10.0.0.2.5000: UDP, length 5\n'
        '09:50:00.000035 ae:4c:09:c2:e7:e3 > ce:07:2c:d8:9f:62, ethertype IPv4 (0x0800), length 75: 10.0.0.2 > 10.0.0.1: ICMP 10.0.0.2 udp port 5000 unreachable, length 41\n'
    ),
}

HEADER = ("tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n"
          "listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n")


def scenario(lab: netsim.Lab, h1: netsim.Host) -> None:
    """ARP, one ping, one UDP datagram to a closed port (answered by ICMP)."""
    h1.sh("ping -c 1 10.0.0.2")
    h1.udp_socket(4000).sendto(b"hello", ("10.0.0.2", 5000))
    lab.run(1)


@pytest.mark.parametrize("opts", list(REAL))
def test_read_back_matches_real_tcpdump(opts: str) -> None:
    lab, h1, _ = two_hosts()
    cap = h1.capture("eth0")
    scenario(lab, h1)
    h1.write_file("/root/s.pcap", "")
    from netsim.stack.pcap import pcap_bytes
    h1.fs.write("/root/s.pcap", pcap_bytes(cap.frames, "ether").decode("latin-1"))
    result = h1.sh(f"tcpdump -r s.pcap {opts}")
    assert result.returncode == 0
    assert result.stdout == REAL[opts]
    assert result.stderr == ("reading from file s.pcap, link-type EN10MB (Ethernet), "
                             "snapshot length 262144\n")


def udp_later(lab: netsim.Lab, h1: netsim.Host, delay: float) -> None:
    """While a foreground tcpdump waits: one datagram, so ARP, UDP and ICMP go by."""
    lab.call_later(delay, lambda: h1.udp_socket(4000).sendto(b"hello", ("10.0.0.2", 5000)))


def without_time(text: str, picks: list[int] | None = None) -> list[str]:
    lines = text.splitlines()
    return [lines[i][16:] for i in (picks if picks is not None else range(len(lines)))]


@pytest.mark.parametrize("opts", list(REAL))
def test_live_foreground_with_count(opts: str) -> None:
    lab, h1, _ = two_hosts()
    udp_later(lab, h1, 2.5)
    result = h1.sh(f"tcpdump -i eth0 {opts} -c 4")
    assert result.returncode == 0
    assert without_time(result.stdout) == without_time(REAL[opts], [0, 1, 4, 5])
    assert result.stdout.startswith("09:50:02.500000 ")  # wall_clock(2.5 s)
    assert result.stderr == HEADER + ("4 packets captured\n4 packets received by filter\n"
                                      "0 packets dropped by kernel\n")
    assert lab.now < 2.6  # stopped at the 4th frame, not at the 60 s cap


def test_write_then_read_round_trip() -> None:
    lab, h1, _ = two_hosts()
    udp_later(lab, h1, 0.0)
    result = h1.sh("tcpdump -i eth0 -c 4 -w /root/cap.pcap")
    assert result.stdout == ""
    assert result.stderr.startswith("tcpdump: listening on eth0, link-type EN10MB")
    read = h1.sh("tcpdump -n -r /root/cap.pcap")
    assert without_time(read.stdout) == without_time(REAL["-n"], [0, 1, 4, 5])
    assert h1.sh("tcpdump -e -c 2 -r cap.pcap").stdout.splitlines() == \
        h1.sh("tcpdump -e -r cap.pcap").stdout.splitlines()[:2]
    h1.sh("tcpdump -r cap.pcap -w copy.pcap")
    assert h1.fs.read("/root/copy.pcap") == h1.fs.read("/root/cap.pcap")


def test_background_until_sigterm() -> None:
    lab, h1, _ = two_hosts()
    proc = h1.spawn("tcpdump -i eth0 -n")
    assert proc.running
    scenario(lab, h1)
    proc.kill()
    assert proc.returncode == 0
    assert proc.stdout == REAL["-n"] + "\n"
    assert proc.stderr == HEADER + ("6 packets captured\n6 packets received by filter\n"
                                    "0 packets dropped by kernel\n")


def test_background_with_count_exits_by_itself() -> None:
    lab, h1, _ = two_hosts()
    proc = h1.spawn("tcpdump -i eth0 -c 2")
    scenario(lab, h1)
    assert not proc.running and proc.returncode == 0
    assert proc.stdout == "".join(REAL[""].splitlines(keepends=True)[:2])


def test_promiscuous_unless_p() -> None:
    lab, h1, _ = two_hosts()
    dev = h1.ns.get("eth0")
    proc = h1.spawn("tcpdump -i eth0")
    assert dev.promiscuity == 1
    proc.kill()
    assert dev.promiscuity == 0
    proc = h1.spawn("tcpdump -p -i eth0")
    assert dev.promiscuity == 0
    proc.kill()


def test_gives_up_after_sixty_simulated_seconds() -> None:
    lab, h1, _ = two_hosts()
    start = lab.now
    result = h1.sh("tcpdump -i eth0 -c 1")
    assert lab.now == pytest.approx(start + 60)
    assert result.returncode == 0
    assert "gave up after 60 simulated seconds with 0 of 1 packets" in result.stderr
    assert result.stderr.endswith("0 packets captured\n0 packets received by filter\n"
                                  "0 packets dropped by kernel\n")


@pytest.mark.parametrize(("command", "status", "stderr"), [
    ("tcpdump -i eth9 -c 1", 1, "tcpdump: eth9: No such device exists\n(No such device exists)\n"),
    ("tcpdump -i eth0 -c abc", 1, "tcpdump: invalid packet count abc\n"),
    ("tcpdump -i eth0 -c 0", 1, "tcpdump: invalid packet count 0\n"),
    ("tcpdump -r /nonexist", 1, "tcpdump: /nonexist: No such file or directory\n"),
])
def test_errors_as_real_tcpdump_prints_them(command: str, status: int, stderr: str) -> None:
    _, h1, _ = two_hosts()
    result = h1.sh(command)
    assert (result.returncode, result.stdout, result.stderr) == (status, "", stderr)


def test_device_down_and_bad_options() -> None:
    _, h1, _ = two_hosts()
    h1.sh("ip link set eth0 down")
    assert h1.sh("tcpdump -i eth0 -c 1").stderr == "tcpdump: eth0: That device is not up\n"
    result = h1.sh("tcpdump -k")
    assert result.returncode == 1
    assert result.stderr.startswith("tcpdump: invalid option -- 'k'\ntcpdump version 4.99.3\n")
    result = h1.sh("tcpdump -i")
    assert result.stderr.startswith("tcpdump: option requires an argument -- 'i'\n")


def test_foreground_without_count_refuses() -> None:
    _, h1, _ = two_hosts()
    result = h1.sh("tcpdump -i eth0")
    assert result.returncode == 2
    assert "-c N" in result.stderr and "host.spawn" in result.stderr
