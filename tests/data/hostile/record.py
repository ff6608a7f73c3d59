#!/usr/bin/env python3
"""Record what the real tools print for hostile numbers and strings, for
tests/cli/test_hostile_input.py.

    sudo python3 tests/data/hostile/record.py [TOOL...]     (writes TOOL.json beside it)

Each command runs in a fresh network namespace after the oracle's host init (IPv6 off,
lo up) and the tool's own setup, and keeps its exit status, standard output and
standard error. A value of thousands of characters is stored as a token
(``{9*5000}``: 5,000 nines), in the command and in what it printed. An argument with a
NUL cannot reach a real program (execve stops at it), so none is recorded; lone
surrogates stand for bytes that are not UTF-8 (``\\udcff`` is the byte 0xff).

Recorded on Linux 6.18, Debian 12: iptables v1.8.9 (nf_tables), conntrack v1.4.7,
bridge-utils 1.7, BusyBox v1.35.0, isc-dhclient 4.4.3-P1, dnsmasq 2.90, socat 1.7.4.4,
tcpdump 4.99.3, iproute2 6.1.0, procps-ng 4.0.2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = "hostile-rec"
HOST_INIT = ("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; "
             "sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0; ip link set lo up")

LONG = {"{9*100000}": "9" * 100_000, "{x*100000}": "x" * 100_000, "{9*5000}": "9" * 5000}
"""Tokens for the long values, longest first (a token never stands inside another)."""

HOSTILE = ["{9*5000}", "4294967296", "9223372036854775808", "18446744073709551616", "-1",
           " -5", "12abc", "", "\udcff", "1\udcff", "{x*100000}", "\u00b2", "0x10", "010",
           " 5", "+5", "5 ", "0", "255", "256", "65535", "65536", "2147483647", "2147483648",
           "1e9", "1.5"]
"""5,000 digits, 2^32, 2^63, 2^64, negative, junk after a number, empty, bytes that are
not UTF-8, 100,000 characters, a Unicode digit (Python's isdigit() takes it, C does not),
C's prefixes and blanks, and the edges of 8, 16 and 32 bits."""


def expand(templates: list[str], values: list[str]) -> list[list[str]]:
    """Each template (words split on blanks, ``@X`` the value) with each value."""
    return [[w.replace("@X", v) for w in t.split(" ")] for t in templates for v in values]


def lines(prefix: str, rests: list[str]) -> list[list[str]]:
    """``prefix REST`` for each rest, split on blanks."""
    return [f"{prefix} {rest}".split(" ") for rest in rests]


TOOLS: dict[str, dict] = {
    "iptables": {
        "setup": "",
        "commands": expand([
            "iptables -A INPUT -d @X -j ACCEPT", "iptables -A INPUT -s 10.0.0.0/@X -j ACCEPT",
            "iptables -A INPUT -p tcp --dport @X -j ACCEPT",
            "iptables -A INPUT -p udp --sport @X -j ACCEPT",
            "iptables -A INPUT -p tcp --dport 1:@X -j ACCEPT",
            "iptables -A INPUT -p udp --dport @X:5 -j ACCEPT",
            "iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.2:@X",
            "iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination @X",
            "iptables -t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports @X",
            "iptables -L INPUT @X", "iptables -I INPUT @X -j ACCEPT", "iptables -D INPUT @X",
            "iptables -R INPUT @X -j ACCEPT", "iptables -p @X -A INPUT",
            "iptables -A INPUT -p @X"], HOSTILE) + expand([
            "iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:@X",
            ], ["5-3", "5-x", "5-6x", "5:6", "5-6/7", "ssh", "ssh-22", "5-65536", "5-", "-5",
                "5-99999999999999999999999", "5:6-7"]) + expand([
            "iptables -t nat -A PREROUTING -p @X -j DNAT --to-destination 1.2.3.4:5",
            ], ["icmp", "sctp", "udp", "all"]) + lines("iptables -A INPUT", [
                "-p udp --dport 1:2:3", "-p udp --sport 1::", "-p tcp --dport 1:2:3",
                "-p tcp --dport ::", "-p tcp --dport :", "-p udp --dport :", "-p udp --dport 5:3",
                "-p tcp --dport ssh:1", "-s garbage/0", "-s 1.2.3.4.5", "-s 1.2.3.4.", "-s 1..2",
                "-s 1.2.3.0xff", "-s 0x1.0x2.3.4", "-s 1.2.3.4/+8", "-s 1.2.3.4/08",
                "-s 1.2.3.4/010", "-s 1.2.3.4/0x8", "-s 1.2.3.4/255.255.255.0/8",
                "-s 1.2.3.4//8", "-s 1.2.3.4xxxxxxxxxxxxxxxxxx", "-s 4294967295",
                "-s 017777777777", "-s 1.16777215", "-s 1.16777216", "-p TCP", "-p \u00c4X",
                "-p Tcp --dport 5", "-p 6 --dport 5", "-p icmp --dport 5",
                "-s 1.2.3.4/99 -d garbage", "-d 1.2.3.4/99 -s garbage"]) + [
            ["iptables", "-A", "INPUT", "-s", "1.2.3.4 "],
            ["iptables", "-A", "INPUT", "-s", " 1.2.3.4"],
            ["iptables", "-A", "INPUT", "-s", "10.0.0.0/ 8"],
            ["iptables", "-s", "garbage", "-A", "INPUT", "-m", "conntrack"],
            ["iptables", "-s", "garbage"], ["iptables", "-s", "garbage", "-A", "INPUT", "!"],
            ["iptables", "-R", "INPUT", "-1"], ["iptables", "-R", "INPUT"],
            ["iptables", "-w", "99999999999999999999999", "-S"],
            ["bash", "-c", "iptables -A INPUT; iptables -R INPUT 2 -j ACCEPT; "
             "iptables -R INPUT 0x1 -j DROP; iptables -D INPUT 2; iptables -I INPUT 3; "
             "iptables -S INPUT 010; iptables -S"],
            ["bash", "-c", "iptables -A INPUT -d 0x10 -s 256 -p 0x6 --dport 0x10; "
             "iptables -A INPUT -s ' 1.65535/+24' -p udp --dport 4294967296:2147483647; "
             "iptables -A INPUT -s '010.1/ 0x10' -p tcp --sport ' 0x10: 010'; iptables -S"],
            ["bash", "-c", "iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination "
             "1.2.3.4:0x10-+0200; iptables -t nat -A POSTROUTING -p udp -j MASQUERADE "
             "--to-ports ' 010-0x20'; iptables -t nat -S"]],
    },
    "conntrack": {
        "setup": "",
        "commands": expand(["conntrack -L -p @X"], HOSTILE + [
            "6abc", "4294967302", " 6", "+6", "-6", "-0", "-18446744073709551615", "6 ", "0x",
            "00", "1e1", "17x"]) + expand(["conntrack -L -s @X"], HOSTILE + [
                "1.2.3.4 junk", "1.2.3.4\tx", "1.2.3.4x", "1.2.3.4.", "1.16777215",
                "01.2.3.4", "0x1.2.3.4", "::1", "::1/64", "::1/200", "1.2.3.4/33",
                "1.2.3.4/" + "9" * 60, "1" * 60 + "/8"]) + expand(
            ["conntrack -L -s 10.0.0.1/@X"], HOSTILE + [
                "33", "08", " 8", "+8", "8 ", "8x", "-0", "-2147483648", "-4294967264",
                "4294967304", "0010"]) + expand(
            ["conntrack -L -p tcp --dport @X", "conntrack -L -p icmp --icmp-type @X"],
            HOSTILE) + expand(["conntrack -L -r @X"], ["1.2.3.4/8", "::1/200"]),
    },
    "brctl": {
        "setup": "brctl addbr br0; ip link add eth0 address 02:00:00:00:01:01 type veth peer "
                 "name eth1 address 02:00:00:00:01:02; brctl addif br0 eth0",
        "commands": expand([
            "brctl setbridgeprio br0 @X", "brctl setpathcost br0 eth0 @X",
            "brctl setportprio br0 eth0 @X", "brctl setageing br0 @X", "brctl setfd br0 @X",
            "brctl sethello br0 @X", "brctl setmaxage br0 @X"],
            HOSTILE + [" -0x7fffffff", "08", "nan", "inf", "-inf", " -0.5", "1e300", "0x1p3",
                       "0x", ".5", "5.", "1e", "infinity", "nan(123)", "1e-9", "0x1p99999",
                       "1e99999", "\u0661"]) + [
            ["bash", "-c", f"brctl {cmd} '{v}'; echo $?; cat /sys/class/net/br0/bridge/priority "
             "/sys/class/net/eth0/brport/path_cost /sys/class/net/eth0/brport/priority "
             "/sys/class/net/br0/bridge/ageing_time /sys/class/net/br0/bridge/forward_delay"]
            for cmd in ("setbridgeprio br0", "setpathcost br0 eth0", "setportprio br0 eth0",
                        "setageing br0", "setfd br0")
            for v in ("{9*5000}", "4294967296", "4294967295", "2147483648", "18446744073709551616",
                      " -5", "12abc", "0x10", "1e9", "1.5", "65536", "65535", "070", "08", "+5",
                      " -0x7fffffff", "0.019999", "0x1p3", "1e", "0x", "0xg", " +0x1f")
            # a time past what the kernel's clock_t -> jiffies -> clock_t survives reads
            # back wrapped on Linux: only what brctl itself prints is compared for those
            if cmd not in ("setageing br0", "setfd br0") or v not in (
                "{9*5000}", "18446744073709551616", " -5", " -0x7fffffff")],
    },
    "udhcpc": {
        "setup": "",
        "run_as": ["busybox"],  # Debian's udhcpc is busybox's applet
        "commands": expand(["udhcpc -n -q -i nonexist -T @X", "udhcpc -n -q -i nonexist -t @X",
                            "udhcpc -n -q -i nonexist -A @X"],
                           HOSTILE + ["-0", "00", "0x", "1k", "4294967295"]),
    },
    "socat": {
        "setup": "",
        # each E line starts with the time and socat's PID: compared without them
        "mask": r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d socat\[\d+\] ",
        "commands": expand([
            "socat -t 0.2 - UDP4:127.0.0.1:@X", "socat -t 0.2 - TCP4:127.0.0.1:@X",
            "socat -t 0.2 - UDP4:127.0.0.1:7,sp=@X", "socat -t 0.2 - TCP4:127.0.0.1:9,sp=@X"],
            [v for v in HOSTILE if v not in ("{9*5000}", "{x*100000}")]
            + ["9" * 513, "7x", "echo", "0x7", "+99999", "-0"]) + expand([
            "socat UDP4-RECVFROM:@X,fork PIPE", "socat TCP4-LISTEN:@X,fork PIPE"],
            ["", "-1", " -5", "\udcff", "\u00b2", "9" * 513, "nosuchservice"]) + expand([
            "socat -t @X - UDP4:127.0.0.1:7", "socat -t @X - TCP4:127.0.0.1:9"],
            ["{9*5000}", "9223372036854775808", "18446744073709551616", "-1", " -5", "12abc",
             "", "\udcff", "1\udcff", "{x*100000}", "\u00b2", "5 ", "0", "1.5", "nan", "inf",
             "-inf", "1e300", "-0.5", "0.1", "1e-9", "0x0.1", "9223372036854775807"]) + [
            ["socat", "-t"], ["socat", "-t5x", "-", "UDP4:127.0.0.1:7"],
            ["socat", "-t0", "-", "UDP4:127.0.0.1:7"],
            ["socat", "-", "UDP4:127.0.0.1:7,sp=" + "9" * 2048],
            ["socat", "-", "UDP4:127.0.0.1:7,sp=" + "9" * 3000],
            ["socat", "-", "UDP4:" + "1" * 513 + ":7"]],
    },
    "tcpdump": {
        "setup": "",
        "commands": expand(["tcpdump -c @X -r /nonexist"], HOSTILE + ["-0", "00", "4294967297"])
        + [["tcpdump", "-c", "1", "-i", "lo", "-w", w] for w in ("", "/nonexist/x", "/")]
        + [["tcpdump", "-r", ""], ["tcpdump", "-c", "1", "-i", ""]],
    },
    "dnsmasq": {
        "setup": "",
        "commands": expand([
            "dnsmasq --test --dhcp-range=10.0.0.10,10.0.0.20,@X", "dnsmasq --test --port=@X",
            "dnsmasq --test --dhcp-option=@X,10.0.0.1"], HOSTILE) + expand([
            "dnsmasq --test --dhcp-range=10.0.0.10,10.0.0.20,@X"], [
                "1m", "2h", "3d", "1w", "5s", "4294967295", "2147483648s", "119", "1M", "1H",
                "1x", "m", "infinite", "99999999999m", "255.255.255.0,4294967296",
                "255.255.255.0, 7d"]) + [
            ["dnsmasq", "--test", "--dhcp-range=10.0.0.10 , 10.0.0.20 ,1h"]],
    },
    "bridge": {
        "setup": "brctl addbr br0; ip link add eth0 address 02:00:00:00:01:01 type veth peer "
                 "name eth1 address 02:00:00:00:01:02; brctl addif br0 eth0",
        "commands": [
            ["bash", "-c", f"bridge link set dev eth0 {key} '{v}'; echo $?; cat "
             "/sys/class/net/eth0/brport/path_cost /sys/class/net/eth0/brport/priority "
             "/sys/class/net/eth0/brport/state"]
            for key in ("cost", "priority", "state")
            for v in ("{9*5000}", "4294967296", "4294967297", "9223372036854775808",
                      "18446744073709551616", " -5", "12abc", "", "0x10", "010", " 5", "+5",
                      "5 ", "65535", "65536", "32767", "32768", "2147483648", "1e9", "1.5",
                      "\u00b2", "3", "259", "-253", "blocking")] + [
            ["bash", "-c", f"bridge fdb show dev 'if{v}'; echo $?"]
            for v in ("{9*5000}", "4294967296", "3", " 3", "+3", "-4294967293", "x")],
    },
    "ip": {
        "setup": "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
                 "address 02:00:00:00:01:02; ip link set eth0 up; ip addr add 10.0.0.1/24 dev eth0",
        "commands": expand([
            "ip link set eth0 mtu @X", "ip link set eth0 txqueuelen @X",
            "ip addr add 10.9.0.1/@X dev eth0", "ip route add 10.8.0.0/16 via 10.0.0.2 metric @X",
            "ip addr add 10.9.0.1/24 dev eth0 valid_lft @X", "ip link show dev @X"], HOSTILE),
        # not here: route tables other than main/local and neighbour states as numbers,
        # which netsim does not model (it says so); their numbers are read by the same
        # get_u32()/get_unsigned() as the ones above
    },
    "sysctl": {
        "setup": "",
        "commands": expand([
            "sysctl -w net.ipv4.ip_forward=@X", "sysctl -w net.ipv4.conf.all.rp_filter=@X",
            "sysctl -w net.ipv4.neigh.default.gc_thresh1=@X"], HOSTILE),
    },
}


def encode(text: str) -> str:
    for token, value in LONG.items():
        text = text.replace(value, token)
    return text


def decode(text: str) -> str:
    for token, value in LONG.items():
        text = text.replace(token, value)
    return text


def run(argv: list[str]) -> tuple[int, str, str]:
    args = [os.fsencode(a) for a in ["ip", "netns", "exec", NS, *argv]]
    proc = subprocess.run(args, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return (proc.returncode, proc.stdout.decode("utf-8", "surrogateescape"),
            proc.stderr.decode("utf-8", "surrogateescape"))


def fresh(setup: str) -> None:
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    for script in (HOST_INIT, setup):
        if script:
            status, _out, err = run(["bash", "-c", script])
            assert status == 0, err


def record(tool: str) -> None:
    spec = TOOLS[tool]
    runs = []
    for argv in spec["commands"]:
        argv = [decode(a) for a in argv]
        fresh(spec["setup"])
        status, out, err = run(spec.get("run_as", []) + argv)
        runs.append({"argv": [encode(a) for a in argv], "rc": status, "stdout": encode(out),
                     "stderr": encode(err)})
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    data = {"tool": tool, "setup": spec["setup"], "mask": spec.get("mask", ""), "runs": runs}
    (HERE / f"{tool}.json").write_text(json.dumps(data, indent=1) + "\n")


if __name__ == "__main__":
    for name in sys.argv[1:] or list(TOOLS):
        record(name)
