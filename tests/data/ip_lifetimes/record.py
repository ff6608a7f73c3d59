"""How real_runs.json was recorded: iproute2 6.1.0, Linux 6.18 (HZ=250), fresh netns,
IPv6 off, lo up.

Run as root: python3 record.py real_runs.json (also writes real_runs.json.monitor, kept here as
timed_monitor.txt: `ip -ts monitor address` during the timed part)."""

import json
import subprocess
import sys
import time

NS = "ltrec"


def sh(cmd):
    return subprocess.run(
        ["ip", "netns", "exec", NS, "sh", "-c", cmd], capture_output=True, text=True
    )


def fresh():
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    for c in [
        "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1",  # noqa: E501
        "ip link set lo up",
        "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 address 02:00:00:00:01:02",  # noqa: E501
        "ip link set eth0 up",
        "ip link set eth1 up",
    ]:
        assert sh(c).returncode == 0, c


def step(cmd):
    p = sh(cmd)
    return [cmd, p.returncode, p.stdout, p.stderr]


STATIC = [
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 10 preferred_lft 20",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 10",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 0",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 0 preferred_lft 0",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft -1 preferred_lft 0",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 4294967296",
    "ip addr add 10.0.0.1/24 dev eth0 preferred_lft never",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 10 valid_lft 10",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 10 preferred_lft 20 preferred_lft 5",
    "ip addr add 10.0.0.1/24 dev eth9 valid_lft 10 preferred_lft 20",
    "ip addr add 10.0.0.1/24 dev eth0 preferred_lft 10",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 100 preferred_lft 50",
    "ip addr add 10.0.0.2/24 dev eth0 valid_lft 100 preferred_lft 0",
    "ip addr add 10.0.0.3/24 brd + dev eth0 valid_lft 3600 preferred_lft 1800",
    "ip addr add 10.0.0.4/24 dev eth0 valid_lft forever preferred_lft 0",
    "ip addr add 10.0.1.4/24 dev eth0 valid_lft 0x10 preferred_lft 010",
    "ip addr add 10.0.2.4/24 dev eth0 valid_lft 4294967294 preferred_lft 4294967294",
    "ip addr add 10.0.3.4/24 dev eth0 label eth0:x valid_lft forever preferred_lft forever",
    "ip addr show dev eth0",
    "ip -j addr show dev eth0",
    "ip -d addr show dev eth0",
    "ip -o addr show dev eth0",
    "ip -br addr show dev eth0",
    "ip addr show dev eth0 dynamic",
    "ip addr show dev eth0 permanent",
    "ip addr show dev eth0 deprecated",
    "ip addr show dev eth0 -deprecated",
    "ip addr show dev eth0 -dynamic",
    "ip addr show dev eth0 primary dynamic",
    "ip addr show dev eth0 secondary deprecated",
    "ip addr change 10.0.0.1/24 dev eth0 valid_lft 200 preferred_lft 10",
    "ip addr show to 10.0.0.1/32",
    "ip addr change 10.0.0.1/24 dev eth0",
    "ip addr show to 10.0.0.1/32",
    "ip addr replace 10.0.0.1/24 dev eth0 valid_lft 30 preferred_lft 0",
    "ip addr show to 10.0.0.1/32",
    "ip addr replace 10.0.0.1/24 brd 10.0.0.255 dev eth0 label eth0:y valid_lft 30 preferred_lft 20",  # noqa: E501
    "ip addr show to 10.0.0.1/32",
    "ip addr change 10.0.0.9/24 dev eth0 valid_lft 30 preferred_lft 20",
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 30 preferred_lft 20",
    "ip addr show dev eth0",
    "ip addr flush dev eth0 dynamic",
    "ip addr show dev eth0",
    "ip -4 addr add 10.0.2.15/255.255.255.0 broadcast 10.0.2.255 valid_lft 86400 preferred_lft 86400 dev eth1 label eth1",  # noqa: E501
    "ip -4 addr change 10.0.2.15/255.255.255.0 broadcast 10.0.2.255 valid_lft 86400 preferred_lft 86400 dev eth1 label eth1",  # noqa: E501
    "ip addr show dev eth1",
]
# last-address removal: every route through the device goes, neighbours too
LAST = [
    "ip addr add 10.1.0.1/24 dev eth0",
    "ip addr add 10.1.0.2/24 dev eth0",
    "ip addr add 10.2.0.1/24 dev eth1",
    "ip route add default via 10.1.0.254",
    "ip route add 10.8.0.0/16 dev eth0",
    "ip route add 10.9.0.0/16 via 10.2.0.254",
    "ip neigh add 10.1.0.77 lladdr 00:11:22:33:44:55 dev eth0 nud permanent",
    "ip route",
    "ip addr del 10.1.0.2/24 dev eth0",
    "ip route",
    "ip neigh show dev eth0",
    "ip addr del 10.1.0.1/24 dev eth0",
    "ip route",
    "ip neigh show dev eth0",
    "ip addr add 10.1.0.1/24 dev eth0",
    "ip route add default via 10.1.0.254",
    "ip addr add 10.1.0.3/24 dev eth0",
    "ip addr flush dev eth0",
    "ip route",
]
TIMED_SETUP = [
    "ip addr add 10.0.0.1/24 dev eth0 valid_lft 8 preferred_lft 6",
    "ip addr add 10.0.0.2/24 dev eth0",
    "ip addr add 10.0.1.1/24 dev eth0 valid_lft 4 preferred_lft 2",
    "ip addr add 10.2.0.1/24 dev eth1 valid_lft 3600 preferred_lft 3600",
    "ip route add default via 10.0.0.254",
    "ip route add 10.9.0.0/16 via 10.0.1.254",
    "ip neigh add 10.0.0.77 lladdr 00:11:22:33:44:55 dev eth0 nud permanent",
]
TIMED_SAMPLE = ["ip addr", "ip route", "ip neigh show nud permanent"]

out = {}
fresh()
out["static"] = [step(c) for c in STATIC]
fresh()
out["last_address"] = [step(c) for c in LAST]
fresh()
time.sleep(0.3)
t0 = time.monotonic()
timed = [[0.0] + step(c) for c in TIMED_SETUP]
setup_took = time.monotonic() - t0
monitor_file = open(sys.argv[1] + ".monitor", "w")  # noqa: SIM115 (open while monitor runs)
mon = subprocess.Popen(
    ["ip", "netns", "exec", NS, "ip", "-ts", "monitor", "address"], stdout=monitor_file
)
for k in range(10):
    t = k + 0.5
    time.sleep(max(0.0, t0 + t - time.monotonic()))
    for c in TIMED_SAMPLE:
        timed.append([t] + step(c))
out["timed"] = timed
mon.kill()
out["timed_setup_seconds"] = round(setup_took, 3)
subprocess.run(["ip", "netns", "del", NS])
with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=1)
print("setup took", setup_took)
