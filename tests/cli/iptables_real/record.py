#!/usr/bin/env python3
"""Record what the real iptables and conntrack print, for tests/cli/test_iptables_real.py.

    sudo python3 tests/cli/iptables_real/record.py      (writes sessions.json beside it)

Each session runs its commands one by one in a fresh network namespace (``ip netns``,
lo up) and keeps every command's exit status, standard output and standard error.
Recorded on Linux 6.18, Debian 12: iptables v1.8.9 (nf_tables), conntrack v1.4.7.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent

SESSIONS: dict[str, list[str]] = {
    "fresh_tables": ["iptables -S", "iptables -L", "iptables -t nat -L", "iptables -t nat -S",
                     "iptables -L -n -v", "iptables -t nat -L -v -n -x --line-numbers"],
    "rule_forms": [
        "iptables -A FORWARD -s 10.0.0.0/8 -d 1.2.3.4 -i eth0 -o br+ -p udp --sport 53 "
        "--dport 1000:2000 -j ACCEPT",
        "iptables -A FORWARD ! -s 10.0.0.1 ! -i lo -p icmp -m conntrack --ctstate "
        "RELATED,ESTABLISHED -j ACCEPT",
        "iptables -A FORWARD -m state --state NEW -j DROP",
        "iptables -A INPUT -p tcp --dport 22 -j REJECT",
        "iptables -A INPUT -p udp -j REJECT --reject-with icmp-host-prohibited",
        "iptables -A INPUT -p all",
        "iptables -N MYCHAIN", "iptables -A MYCHAIN -j RETURN", "iptables -A INPUT -j MYCHAIN",
        "iptables -A INPUT -m conntrack --ctstate ESTABLISHED,NEW,INVALID,RELATED,UNTRACKED",
        "iptables -A INPUT -m conntrack ! --ctstate NEW",
        "iptables -A INPUT -m state ! --state NEW,ESTABLISHED",
        "iptables -A INPUT -p udp ! --dport 53 ! --sport 1:2",
        "iptables -A INPUT ! -p udp",
        "iptables -A INPUT -p udp --dport 53 -m conntrack --ctstate NEW",
        "iptables -A INPUT -m conntrack --ctstate NEW -p udp --dport 7",
        "iptables -A INPUT -p 17 --dport 7",
        "iptables -A INPUT -p icmp -j REJECT --reject-with icmp-net-unreachable",
        "iptables -A OUTPUT ! -o eth0 -d 10.1.2.3/255.255.0.0 -s 0/0",
        "iptables -A OUTPUT -o verylongname0 -j ACCEPT",
        "iptables -A INPUT -i verylongname0 -j ACCEPT",
        "iptables -A INPUT -p udp --dport 99999",
        "iptables -A INPUT -p udp --dport 22:ssh",
        "iptables -N ZZZ", "iptables -N AAA",
        "iptables -S", "iptables -L", "iptables -L -n", "iptables -L -v", "iptables -L -n -v",
        "iptables -L -n -v -x --line-numbers", "iptables -S -v", "iptables -L INPUT",
        "iptables -S FORWARD", "iptables -L MYCHAIN -n",
    ],
    "nat_rules": [
        "iptables -t nat -A POSTROUTING -s 192.168.122.0/24 ! -d 192.168.122.0/24 -o eth0 "
        "-j MASQUERADE",
        "iptables -t nat -A PREROUTING -d 10.0.0.1 -p udp --dport 8080 -j DNAT "
        "--to-destination 192.168.122.10:7",
        "iptables -t nat -A POSTROUTING -o eth0 -j SNAT --to-source 10.0.0.1",
        "iptables -t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports 1000-2000",
        "iptables -t nat -A POSTROUTING -p udp -j SNAT --to-source 1.2.3.4-1.2.3.8:1000-2000",
        "iptables -t nat -A PREROUTING -j DNAT --to-destination 1.2.3.4",
        "iptables -t nat -A PREROUTING -p udp -j DNAT --to-destination 1.2.3.4:80-90",
        "iptables -t nat -A PREROUTING -p udp -j DNAT --to-destination :80",
        "iptables -t nat -S", "iptables -t nat -L", "iptables -t nat -L -v -n",
        "iptables -t nat -L POSTROUTING -n -v -x",
    ],
    "edits": [
        "iptables -A INPUT -s 1.1.1.1 -j ACCEPT", "iptables -A INPUT -s 2.2.2.2 -j DROP",
        "iptables -I INPUT -s 3.3.3.3 -j ACCEPT", "iptables -I INPUT 2 -s 4.4.4.4",
        "iptables -S INPUT", "iptables -D INPUT 1", "iptables -D INPUT -s 2.2.2.2 -j DROP",
        "iptables -S INPUT", "iptables -D INPUT 7", "iptables -I INPUT 5 -j ACCEPT",
        "iptables -D INPUT -s 9.9.9.9 -j ACCEPT", "iptables -P FORWARD DROP",
        "iptables -P INPUT FOO", "iptables -P FOO DROP", "iptables -N a", "iptables -N a",
        "iptables -A a -j ACCEPT", "iptables -A INPUT -j a", "iptables -X a",
        "iptables -F a", "iptables -X a", "iptables -F INPUT", "iptables -X a",
        "iptables -X nonexist", "iptables -X INPUT", "iptables -N INPUT", "iptables -S",
        "iptables -Z", "iptables -F", "iptables -L -v", "iptables -F FOO", "iptables -Z FOO",
    ],
    "errors": [
        "iptables -A FOO -j ACCEPT", "iptables -A INPUT -j FOO",
        "iptables -A INPUT -s 999.1.1.1 -j ACCEPT", "iptables -A INPUT --bogus",
        "iptables -A INPUT -s", "iptables -A INPUT --dport 80 -j ACCEPT",
        "iptables -t bogus -L", "iptables -L FOO", "iptables -S FOO",
        "iptables -A INPUT -p foo", "iptables -A INPUT -j", "iptables", "iptables -A",
        "iptables -A INPUT -p udp --dport abc",
        "iptables -t nat -A POSTROUTING -j DNAT --to-destination 1.2.3.4",
        "iptables -t nat -A PREROUTING -j SNAT --to-source 1.2.3.4",
        "iptables -A INPUT -j MASQUERADE", "iptables -t nat -A PREROUTING -j DNAT",
        "iptables -t nat -A POSTROUTING -j MASQUERADE --to-ports 100",
        "iptables -t nat -A POSTROUTING -j SNAT --to-source 10.0.0.1:1024-2000",
        "iptables -A INPUT -m conntrack --ctstate FOO", "iptables -A INPUT -m foo",
        "iptables -A INPUT -j REJECT --reject-with foo",
        "iptables -A INPUT -i eth0 -i eth1", "iptables -A INPUT -d 1.2.3.4/33",
        "iptables -A INPUT -p icmp --dport 5", "iptables -A INPUT -p tcp -L",
        "iptables -L -A INPUT", "iptables -A INPUT -p udp -j ACCEPT extra",
        "iptables -A INPUT ! -s 1.2.3.4 ! -s 2.3.4.5",
        "iptables -A INPUT -p icmp -m udp --dport 5",
        "iptables -A INPUT -p udp --sport 5 --sport 6", "iptables -I INPUT 0 -j ACCEPT",
        "iptables -I INPUT x -j ACCEPT", "iptables -D INPUT 0",
        "iptables -A INPUT -i eth+ -o lo", "iptables -t nat -A POSTROUTING -j SNAT",
        "iptables -t nat -A POSTROUTING -j SNAT --to-source 1.2.3",
        "iptables -t nat -A POSTROUTING -j DROP", "iptables -t nat -A POSTROUTING -j REJECT",
        "iptables -A INPUT -j REJECT --reject-with icmp-port-unreachable --reject-with "
        "icmp-host-unreachable",
        "iptables -S", "iptables -t nat -S",
    ],
    "review_errors": [
        "iptables -A FORWARD -p tcp --dport 99999 -j DROP",
        "iptables -A FORWARD -p tcp --dport 1:65536 -j DROP",
        "iptables -A FORWARD -p tcp --sport nosuchservice -j DROP",
        "iptables -A FORWARD -p tcp --dport ssh -j DROP",
        "iptables -A FORWARD -p udp --sport 70000 -j DROP",
        "iptables -t nat -A PREROUTING -p udp -j DNAT --to-destination 1.2.3.4:abc",
        "iptables -t nat -A PREROUTING -p udp -j DNAT --to-destination 1.2.3.4:5-abc",
        "iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:99999",
        "iptables -t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports abc",
        "iptables -t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-65536",
        "iptables -P FORWARD", "iptables -P",
        "iptables -A FORWARD -m conntrack -j ACCEPT",
        "iptables -A FORWARD -m state -j ACCEPT",
        "iptables -A FORWARD ! -j DROP", "iptables -A FORWARD -p tcp ! -j DROP",
        "iptables -V", "iptables --version", "iptables -L -V",
        "iptables -L FORWARD 1", "iptables -L FORWARD 2 -n -v", "iptables -L FORWARD 9",
        "iptables -S FORWARD 1", "iptables -S FORWARD 3", "iptables -S FORWARD 1 -v",
        "iptables -L FORWARD 0", "iptables -S FORWARD x",
        "iptables -S", "iptables -t nat -S",
    ],
    "conntrack_review": ["conntrack -L -s 999.1.1.1", "conntrack -L -s nope",
                         "conntrack -D -d nope", "conntrack -L -r ''",
                         "conntrack -L -s 1.2.3.4/33", "conntrack -L -q 1.2.3.4/x",
                         "conntrack -L -s 10.0.0.0/8", "conntrack -L -d ::1",
                         "conntrack -V", "conntrack --version", "conntrack -V -L",
                         "conntrack -L -V"],
    "conntrack_empty": ["conntrack -L", "conntrack -C", "conntrack -F", "conntrack -D",
                        "conntrack -L -p foo", "conntrack -X", "conntrack -L -p",
                        "conntrack -L extra", "conntrack -C -p icmp", "conntrack -L -p udp",
                        "conntrack"],
}


def run_session(name: str, commands: list[str]) -> list[dict]:
    ns = f"iptrec-{os.getpid()}-{name}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        out = []
        for cmd in commands:
            p = subprocess.run(["ip", "netns", "exec", ns, "bash", "-c", cmd],
                               capture_output=True, text=True, env={**os.environ,
                                                                    "LC_ALL": "C"})
            out.append({"cmd": cmd, "rc": p.returncode, "stdout": p.stdout,
                        "stderr": p.stderr})
        return out
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=True)


def main() -> None:
    versions = {tool: subprocess.run([tool, "--version"], capture_output=True, text=True
                                     ).stdout.strip() for tool in ("iptables", "conntrack")}
    versions["kernel"] = os.uname().release
    doc = {"versions": versions,
           "sessions": {name: run_session(name, cmds) for name, cmds in SESSIONS.items()}}
    (HERE / "sessions.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
