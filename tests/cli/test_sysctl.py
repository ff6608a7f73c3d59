"""`sysctl` (procps-ng 4.0.2) against the real thing, and what writing a sysctl does.

The transcript was recorded with procps-ng 4.0.2 on Linux 6.18 in a fresh network
namespace after the oracle's host init (IPv6 off, lo up), and is replayed command by
command: same output, same status, and a refused command leaves every sysctl as it was.
``<+>`` cuts a long line; ``$`` ends one.
"""

from __future__ import annotations

import pytest

import netsim
from netsim.cli import sysctl

from helpers import ToolUnderTest, parse_transcript

# ----------------------------------------------------------------------------- helpers
SYSCTL = ToolUnderTest("sysctl", sysctl.main, world=lambda host: dict(host.ns.sysctl))
run, ok, refused = SYSCTL.run, SYSCTL.ok, SYSCTL.refused
MARKERS = {"out_markers": {"@USAGE_OUT": sysctl.USAGE}, "err_markers": {"@USAGE_ERR": sysctl.USAGE}}


# ----------------------------------------------------------------------------- transcript
# Commands that fail yet change something, on Linux too: some values were written, or a
# device was deleted before the failing read.
PARTIAL = {"ip link del veth0; sysctl net.ipv4.conf.veth0.forwarding",
           "sysctl -w -q net.ipv4.ip_forward=1 net.ipv4.nope=2 net.ipv4.ip_default_ttl=63",
           "sysctl -w \"net.ipv4.ip_forward=1 2\"", "sysctl -w net..ipv4.ip_forward=1"}

REAL_SESSION = """\
### ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 -> rc=0
### sysctl net.ipv4.ip_forward -> rc=0
O|net.ipv4.ip_forward = 0$
### sysctl -n net.ipv4.ip_forward -> rc=0
O|0$
### sysctl net/ipv4/ip_forward -> rc=0
O|net.ipv4.ip_forward = 0$
### sysctl -N net.ipv4.ip_forward -> rc=0
O|net.ipv4.ip_forward$
### sysctl -w net.ipv4.ip_forward=1 -> rc=0
O|net.ipv4.ip_forward = 1$
### sysctl net.ipv4.conf.all.forwarding net.ipv4.conf.default.forwarding net.ipv4.conf.et<+>
h0.forwarding net.ipv4.conf.lo.forwarding net.ipv4.conf.all.accept_redirects -> rc=0
O|net.ipv4.conf.all.forwarding = 1$
O|net.ipv4.conf.default.forwarding = 1$
O|net.ipv4.conf.eth0.forwarding = 1$
O|net.ipv4.conf.lo.forwarding = 1$
O|net.ipv4.conf.all.accept_redirects = 0$
### sysctl -w net.ipv4.conf.eth0.forwarding=0 -> rc=0
O|net.ipv4.conf.eth0.forwarding = 0$
### sysctl -w net.ipv4.ip_forward=1 -> rc=0
O|net.ipv4.ip_forward = 1$
### sysctl net.ipv4.conf.eth0.forwarding -> rc=0
O|net.ipv4.conf.eth0.forwarding = 0$
### sysctl -w net.ipv4.conf.all.forwarding=0 -> rc=0
O|net.ipv4.conf.all.forwarding = 0$
### sysctl net.ipv4.ip_forward net.ipv4.conf.eth0.forwarding net.ipv4.conf.all.accept_red<+>
irects -> rc=0
O|net.ipv4.ip_forward = 0$
O|net.ipv4.conf.eth0.forwarding = 0$
O|net.ipv4.conf.all.accept_redirects = 1$
### sysctl -w net.ipv4.conf.default.rp_filter=2 -> rc=0
O|net.ipv4.conf.default.rp_filter = 2$
### sysctl net.ipv4.conf.eth0.rp_filter net.ipv4.conf.lo.rp_filter -> rc=0
O|net.ipv4.conf.eth0.rp_filter = 2$
O|net.ipv4.conf.lo.rp_filter = 0$
### sysctl -w net.ipv4.conf.eth1.rp_filter=1 -> rc=0
O|net.ipv4.conf.eth1.rp_filter = 1$
### sysctl -w net.ipv4.conf.default.rp_filter=0 -> rc=0
O|net.ipv4.conf.default.rp_filter = 0$
### sysctl net.ipv4.conf.eth0.rp_filter net.ipv4.conf.eth1.rp_filter -> rc=0
O|net.ipv4.conf.eth0.rp_filter = 0$
O|net.ipv4.conf.eth1.rp_filter = 1$
### ip link add eth2 type veth peer name eth3 -> rc=0
### sysctl net.ipv4.conf.eth2.rp_filter net.ipv6.conf.eth2.disable_ipv6 net.ipv6.conf.eth<+>
2.mtu net.ipv6.conf.lo.mtu -> rc=0
O|net.ipv4.conf.eth2.rp_filter = 0$
O|net.ipv6.conf.eth2.disable_ipv6 = 1$
O|net.ipv6.conf.eth2.mtu = 1500$
O|net.ipv6.conf.lo.mtu = 65536$
### sysctl -w net.ipv6.conf.all.disable_ipv6=0 -> rc=0
O|net.ipv6.conf.all.disable_ipv6 = 0$
### sysctl net.ipv6.conf.lo.disable_ipv6 net.ipv6.conf.default.disable_ipv6 net.ipv6.conf<+>
.eth2.disable_ipv6 -> rc=0
O|net.ipv6.conf.lo.disable_ipv6 = 0$
O|net.ipv6.conf.default.disable_ipv6 = 0$
O|net.ipv6.conf.eth2.disable_ipv6 = 0$
### sysctl net.ipv4.foo -> rc=1
E|sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory$
### sysctl -w net.ipv4.foo=1 -> rc=1
E|sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory$
### sysctl -q net.ipv4.foo -> rc=1
E|sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory$
### sysctl -e net.ipv4.foo -> rc=0
### sysctl -w net.ipv4.ip_forward -> rc=1
E|sysctl: command line(0): invalid syntax, continuing...$
### sysctl net.ipv4.ip_forward = 0 -> rc=2
O|net.ipv4.ip_forward = 0$
E|sysctl: cannot stat /proc/sys/0: No such file or directory$
### sysctl -w net.ipv4.ip_forward=abc -> rc=1
E|sysctl: setting key "net.ipv4.ip_forward": Invalid argument$
### sysctl -w net.ipv4.ip_forward=0x1 -> rc=0
O|net.ipv4.ip_forward = 0x1$
### sysctl -w net.ipv4.ip_forward=010 -> rc=0
O|net.ipv4.ip_forward = 010$
### sysctl net.ipv4.ip_forward -> rc=0
O|net.ipv4.ip_forward = 8$
### sysctl -w net.ipv4.ip_forward=+1 -> rc=1
E|sysctl: setting key "net.ipv4.ip_forward": Invalid argument$
### sysctl -w net.ipv4.ip_forward=2147483648 -> rc=1
E|sysctl: setting key "net.ipv4.ip_forward": Invalid argument$
### sysctl -w net.ipv4.ip_forward=-2147483648 -> rc=0
O|net.ipv4.ip_forward = -2147483648$
### sysctl -w net.ipv4.ip_forward=0 -> rc=0
O|net.ipv4.ip_forward = 0$
### sysctl -w net.ipv4.ip_forward= -> rc=1
E|sysctl: setting key "net.ipv4.ip_forward": Invalid argument$
### sysctl -w "net.ipv4.ip_forward=1 2" -> rc=0
O|net.ipv4.ip_forward = 1 2$
### sysctl -w net.ipv4.ip_forward=1=2 -> rc=1
E|sysctl: setting key "net.ipv4.ip_forward": Invalid argument$
### sysctl -w net.ipv4.ip_default_ttl=0 -> rc=1
E|sysctl: setting key "net.ipv4.ip_default_ttl": Invalid argument$
### sysctl -w net.ipv4.ip_default_ttl=256 -> rc=1
E|sysctl: setting key "net.ipv4.ip_default_ttl": Invalid argument$
### sysctl -w net.ipv4.ip_default_ttl=255 -> rc=0
O|net.ipv4.ip_default_ttl = 255$
### sysctl -w net.ipv4.igmp_link_local_mcast_reports=-1 -> rc=1
E|sysctl: setting key "net.ipv4.igmp_link_local_mcast_reports": Invalid argument$
### sysctl -w net.ipv4.ip_local_port_range="1000 2000" -> rc=1
E|sysctl: setting key "net.ipv4.ip_local_port_range": Invalid argument$
### sysctl -w net.ipv4.ip_local_port_range=3000 -> rc=0
O|net.ipv4.ip_local_port_range = 3000$
### sysctl net.ipv4.ip_local_port_range -> rc=0
O|net.ipv4.ip_local_port_range = 3000<T>60999$
### sysctl -n net.ipv4.ip_local_port_range -> rc=0
O|3000<T>60999$
### sysctl -w net.ipv4.conf.all.mc_forwarding=1 -> rc=0
E|sysctl: setting key "net.ipv4.conf.all.mc_forwarding": Invalid argument$
### sysctl -w net.ipv4.conf=1 -> rc=0
E|sysctl: setting key "net.ipv4.conf": Invalid argument$
### sysctl net.ipv4.route.flush -> rc=0
### sysctl -w net.ipv4.route.flush=1 -> rc=0
O|net.ipv4.route.flush = 1$
### sysctl -w net..ipv4.ip_forward=1 -> rc=0
O|net..ipv4.ip_forward = 1$
E|sysctl: separators should not be repeated: ..ipv4.ip_forward$
E|sysctl: separators should not be repeated: //ipv4/ip_forward$
### sysctl a b c -> rc=3
E|sysctl: cannot stat /proc/sys/a: No such file or directory$
E|sysctl: cannot stat /proc/sys/b: No such file or directory$
E|sysctl: cannot stat /proc/sys/c: No such file or directory$
### sysctl "" -> rc=255
E|sysctl: "" is an unknown key$
### sysctl -> rc=1
@USAGE_ERR
### sysctl -n -> rc=1
E|sysctl: no variables specified$
E|Try `sysctl --help' for more information.$
### sysctl -Z -> rc=0
@USAGE_OUT
E|sysctl: invalid option -- 'Z'$
### sysctl -V -> rc=0
O|sysctl from procps-ng 4.0.2$
### sysctl --v -> rc=0
@USAGE_OUT
E|sysctl: option '--v' is ambiguous; possibilities: '--values' '--version'$
### sysctl --x -> rc=0
@USAGE_OUT
E|sysctl: unrecognized option '--x'$
### sysctl -r -> rc=0
@USAGE_OUT
E|sysctl: option requires an argument -- 'r'$
### sysctl --help=3 -> rc=0
@USAGE_OUT
E|sysctl: option '--help' doesn't allow an argument$
### sysctl -qN x -> rc=1
E|sysctl: options -N and -q cannot coexist$
E|Try `sysctl --help' for more information.$
### sysctl -w -q net.ipv4.ip_forward=1 net.ipv4.nope=2 net.ipv4.ip_default_ttl=63 -> rc=1
E|sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory$
### sysctl --dry-run -w net.ipv4.ip_forward=0 -> rc=0
O|net.ipv4.ip_forward = 0$
### sysctl net.ipv4.ip_forward -> rc=0
O|net.ipv4.ip_forward = 1$
### sysctl -r forw net.ipv4.conf.lo -> rc=0
O|net.ipv4.conf.lo.bc_forwarding = 0$
O|net.ipv4.conf.lo.forwarding = 1$
O|net.ipv4.conf.lo.mc_forwarding = 0$
### sysctl net.ipv4.neigh.lo -> rc=0
O|net.ipv4.neigh.lo.anycast_delay = 100$
O|net.ipv4.neigh.lo.app_solicit = 0$
O|net.ipv4.neigh.lo.base_reachable_time_ms = 30000$
O|net.ipv4.neigh.lo.delay_first_probe_time = 5$
O|net.ipv4.neigh.lo.gc_stale_time = 60$
O|net.ipv4.neigh.lo.interval_probe_time_ms = 5000$
O|net.ipv4.neigh.lo.locktime = 100$
O|net.ipv4.neigh.lo.mcast_resolicit = 0$
O|net.ipv4.neigh.lo.mcast_solicit = 3$
O|net.ipv4.neigh.lo.proxy_delay = 80$
O|net.ipv4.neigh.lo.proxy_qlen = 64$
O|net.ipv4.neigh.lo.retrans_time_ms = 1000$
O|net.ipv4.neigh.lo.ucast_solicit = 3$
O|net.ipv4.neigh.lo.unres_qlen = 101$
O|net.ipv4.neigh.lo.unres_qlen_bytes = 212992$
### sysctl --deprecated net.ipv4.neigh.lo.retrans_time -> rc=0
O|net.ipv4.neigh.lo.retrans_time = 100$
### sysctl net.ipv6.neigh.lo.retrans_time net.ipv6.neigh.lo.locktime -> rc=0
O|net.ipv6.neigh.lo.retrans_time = 250$
O|net.ipv6.neigh.lo.locktime = 0$
### sysctl net.ipv4.conf.lo -> rc=0
O|net.ipv4.conf.lo.accept_local = 0$
O|net.ipv4.conf.lo.accept_redirects = 1$
O|net.ipv4.conf.lo.accept_source_route = 1$
O|net.ipv4.conf.lo.arp_accept = 0$
O|net.ipv4.conf.lo.arp_announce = 0$
O|net.ipv4.conf.lo.arp_evict_nocarrier = 1$
O|net.ipv4.conf.lo.arp_filter = 0$
O|net.ipv4.conf.lo.arp_ignore = 0$
O|net.ipv4.conf.lo.arp_notify = 0$
O|net.ipv4.conf.lo.bc_forwarding = 0$
O|net.ipv4.conf.lo.bootp_relay = 0$
O|net.ipv4.conf.lo.disable_policy = 1$
O|net.ipv4.conf.lo.disable_xfrm = 1$
O|net.ipv4.conf.lo.drop_gratuitous_arp = 0$
O|net.ipv4.conf.lo.drop_unicast_in_l2_multicast = 0$
O|net.ipv4.conf.lo.force_igmp_version = 0$
O|net.ipv4.conf.lo.forwarding = 1$
O|net.ipv4.conf.lo.igmpv2_unsolicited_report_interval = 10000$
O|net.ipv4.conf.lo.igmpv3_unsolicited_report_interval = 1000$
O|net.ipv4.conf.lo.ignore_routes_with_linkdown = 0$
O|net.ipv4.conf.lo.log_martians = 0$
O|net.ipv4.conf.lo.mc_forwarding = 0$
O|net.ipv4.conf.lo.medium_id = 0$
O|net.ipv4.conf.lo.promote_secondaries = 0$
O|net.ipv4.conf.lo.proxy_arp = 0$
O|net.ipv4.conf.lo.proxy_arp_pvlan = 0$
O|net.ipv4.conf.lo.route_localnet = 0$
O|net.ipv4.conf.lo.rp_filter = 0$
O|net.ipv4.conf.lo.secure_redirects = 1$
O|net.ipv4.conf.lo.send_redirects = 1$
O|net.ipv4.conf.lo.shared_media = 1$
O|net.ipv4.conf.lo.src_valid_mark = 0$
O|net.ipv4.conf.lo.tag = 0$
### sysctl -p /nonexist -> rc=1
E|sysctl: cannot open "/nonexist": No such file or directory$
### printf 'net.ipv4.ip_forward = 1\\n# c\\n; c\\nbad\\n-net.ipv4.nope = 3\\nnet.ipv4.nope2=4\\<+>
n' > /tmp/s.conf; sysctl -p /tmp/s.conf -> rc=1
O|net.ipv4.ip_forward = 1$
E|sysctl: /tmp/s.conf(4): invalid syntax, continuing...$
E|sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory$
E|sysctl: cannot stat /proc/sys/net/ipv4/nope2: No such file or directory$
### printf 'net.ipv4.ip_default_ttl=61\\n' | sysctl -p - -> rc=0
O|net.ipv4.ip_default_ttl = 61$
### cat /proc/sys/net/ipv4/ip_default_ttl -> rc=0
O|61$
### echo 0 > /proc/sys/net/ipv4/ip_forward; cat /proc/sys/net/ipv4/ip_forward -> rc=0
O|0$
### cat /proc/sys/net/ipv4/route/flush -> rc=1
E|cat: /proc/sys/net/ipv4/route/flush: Permission denied$
### ip link set eth0 name veth0; sysctl net.ipv4.conf.veth0.forwarding net.ipv6.conf.veth<+>
0.mtu -> rc=0
O|net.ipv4.conf.veth0.forwarding = 0$
O|net.ipv6.conf.veth0.mtu = 1500$
### sysctl net.ipv4.conf.eth0.forwarding -> rc=1
E|sysctl: cannot stat /proc/sys/net/ipv4/conf/eth0/forwarding: No such file or directory$
### ip link del veth0; sysctl net.ipv4.conf.veth0.forwarding -> rc=1
E|sysctl: cannot stat /proc/sys/net/ipv4/conf/veth0/forwarding: No such file or directory$
### ls /proc/sys/net/ipv4/conf -> rc=0
O|all$
O|default$
O|eth2$
O|eth3$
O|lo$
### ls /proc/sys/net/ipv4/neigh -> rc=0
O|eth2$
O|eth3$
O|lo$
"""


def test_session_recorded_on_linux(host: netsim.Host) -> None:
    SYSCTL.replay(host, parse_transcript(REAL_SESSION, **MARKERS), may_change=PARTIAL)


# ----------------------------------------------------------------------------- forwarding
def test_ip_forward_is_what_the_stack_reads(host: netsim.Host) -> None:
    assert ok(host, "sysctl -w net.ipv4.ip_forward=0x1") == "net.ipv4.ip_forward = 0x1\n"
    assert host.ns.sysctl["net.ipv4.ip_forward"] == "1"  # stored as the kernel prints it
    assert host.ns.sysctl["net.ipv4.conf.all.forwarding"] == "1"
    assert host.ns.ipv4.forwarding
    assert host.sh("echo 0 > /proc/sys/net/ipv4/ip_forward").returncode == 0
    assert host.ns.sysctl["net.ipv4.ip_forward"] == "0"
    assert not host.ns.ipv4.forwarding
    assert ok(host, "sysctl net.ipv4.conf.all.forwarding") == (
        "net.ipv4.conf.all.forwarding = 0\n")


def test_writing_ip_forward_sets_every_device_only_when_it_changes(host: netsim.Host) -> None:
    ok(host, "ip link add eth0 type veth peer name eth1")
    ok(host, "sysctl -w net.ipv4.ip_forward=1")
    ok(host, "sysctl -w net.ipv4.conf.eth0.forwarding=0")
    ok(host, "sysctl -w net.ipv4.ip_forward=1")  # same value: devices keep theirs
    assert ok(host, "sysctl -n net.ipv4.conf.eth0.forwarding net.ipv4.conf.eth1.forwarding "
                    "net.ipv4.conf.all.accept_redirects") == "0\n1\n0\n"


def test_per_device_directories_follow_the_devices(host: netsim.Host) -> None:
    ok(host, "ip link add eth0 type veth peer name eth1")
    ok(host, "ip link set eth0 mtu 1400")
    assert ok(host, "sysctl -n net.ipv6.conf.eth0.mtu net.ipv6.conf.eth0.disable_ipv6") == (
        "1400\n1\n")
    ok(host, "sysctl -w net.ipv4.conf.eth0.rp_filter=2")
    ok(host, "ip link set eth0 name veth0")
    assert ok(host, "sysctl -n net.ipv4.conf.veth0.rp_filter") == "2\n"
    refused(host, "sysctl net.ipv4.conf.eth0.rp_filter", 1,
            "sysctl: cannot stat /proc/sys/net/ipv4/conf/eth0/rp_filter: "
            "No such file or directory\n")
    ok(host, "ip link del veth0")
    assert not [k for k in host.ns.sysctl if ".veth0." in k or ".eth1." in k]


def test_dotted_device_names_use_slashes(host: netsim.Host) -> None:
    from netsim.devices.veth import Veth

    host.ns.register(Veth(host.ns, "eth0.100", bytes.fromhex("020000000101")))
    assert ok(host, "sysctl net.ipv4.conf.eth0/100.forwarding") == (
        "net.ipv4.conf.eth0/100.forwarding = 0\n")
    assert ok(host, "sysctl net/ipv4/conf/eth0.100/forwarding") == (
        "net.ipv4.conf.eth0/100.forwarding = 0\n")
    assert host.fs.read("/proc/sys/net/ipv4/conf/eth0.100/forwarding") == "0\n"


def test_conf_default_reaches_devices_that_never_had_the_value_set(host: netsim.Host) -> None:
    """devinet_copy_dflt_conf(), with Linux 6.18's quirks: lo never follows, and a device
    made after a default was written copied that "written" mark and no longer follows."""
    ok(host, "ip link add eth0 type veth peer name eth1")
    ok(host, "sysctl -w net.ipv4.conf.eth1.arp_ignore=1")
    ok(host, "sysctl -w net.ipv4.conf.default.arp_ignore=2")
    ok(host, "ip link add eth2 type veth peer name eth3")
    ok(host, "sysctl -w net.ipv4.conf.default.arp_ignore=8")
    values = ok(host, "sysctl -n " + " ".join(f"net.ipv4.conf.{d}.arp_ignore" for d in (
        "lo", "eth0", "eth1", "eth2", "all")))
    assert values == "0\n8\n1\n2\n0\n"


def test_disable_ipv6_all_reaches_default_and_devices(host: netsim.Host) -> None:
    ok(host, "ip link add eth0 type veth peer name eth1")
    ok(host, "sysctl -w net.ipv6.conf.all.disable_ipv6=0")
    assert ok(host, "sysctl -n net.ipv6.conf.default.disable_ipv6 "
                    "net.ipv6.conf.eth0.disable_ipv6 net.ipv6.conf.lo.disable_ipv6") == (
        "0\n0\n0\n")


# ----------------------------------------------------------------------------- options
def test_listing_all(host: netsim.Host) -> None:
    out = ok(host, "sysctl -a")
    keys = [line.split(" = ")[0] for line in out.splitlines()]
    assert keys == sorted(keys, key=lambda k: k.split("."))
    assert "net.ipv4.ip_forward = 0" in out.splitlines()
    assert "kernel.hostname = h1" in out.splitlines()
    assert "net.ipv4.route.flush" not in out  # write-only: skipped silently
    assert "net.ipv4.neigh.lo.retrans_time " not in out  # deprecated: hidden by default
    assert "net.ipv4.neigh.lo.retrans_time = 100" in ok(host, "sysctl -a --deprecated")
    assert ok(host, "sysctl -a -r 'ipv4\\.ip_(forward|default_ttl)$'") == (
        "net.ipv4.ip_default_ttl = 64\nnet.ipv4.ip_forward = 0\n")


def test_value_only_name_only_and_binary(host: netsim.Host) -> None:
    assert ok(host, "sysctl -b net.ipv4.ip_forward net.ipv4.ip_default_ttl") == "064"
    assert ok(host, "sysctl -n -b net.ipv4.ip_local_port_range") == "32768\t60999"
    assert ok(host, "sysctl -N net.ipv4.ip_forward") == "net.ipv4.ip_forward\n"
    assert ok(host, "sysctl -N -w net.ipv4.ip_forward=1") == "1\n"
    assert ok(host, "sysctl -n -w net.ipv4.ip_forward=0") == "0\n"
    assert ok(host, "sysctl -b -w net.ipv4.ip_forward=1") == "1"


def test_unknown_keys_and_errors(host: netsim.Host) -> None:
    refused(host, "sysctl net.ipv4.foo", 1,
            "sysctl: cannot stat /proc/sys/net/ipv4/foo: No such file or directory\n")
    refused(host, "sysctl a b c", 3, "".join(
        f"sysctl: cannot stat /proc/sys/{k}: No such file or directory\n" for k in "abc"))
    refused(host, "sysctl ''", 255, 'sysctl: "" is an unknown key\n')
    refused(host, "sysctl -e -w net.ipv4.bar=1", 0, "")
    refused(host, "sysctl -e net.ipv4.foo -w net.ipv4.bar=1", 1,
            "sysctl: command line(0): invalid syntax, continuing...\n")
    refused(host, "sysctl -w net.ipv4.ip_default_ttl=0", 1,
            'sysctl: setting key "net.ipv4.ip_default_ttl": Invalid argument\n')
    refused(host, "sysctl -w net.ipv4.conf.lo.mc_forwarding=1", 0,
            'sysctl: setting key "net.ipv4.conf.lo.mc_forwarding": Invalid argument\n')
    refused(host, "sysctl -q -w net.ipv4.ip_forward=x", 1,
            'sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n')
    refused(host, "sysctl -w xy", 1, "sysctl: command line(0): invalid syntax, continuing...\n")
    refused(host, "sysctl -w x", 1, "")  # under two characters: skipped without a word
    refused(host, "sysctl -w a=1 2", 1,
            "sysctl: cannot stat /proc/sys/a: No such file or directory\n")


def test_dry_run_writes_nothing(host: netsim.Host) -> None:
    refused(host, "sysctl --dry-run -w net.ipv4.ip_forward=1", 0, "",
            "net.ipv4.ip_forward = 1\n")


def test_preload_files(host: netsim.Host) -> None:
    refused(host, "sysctl -p", 1,
            'sysctl: cannot open "/etc/sysctl.conf": No such file or directory\n')
    host.fs.write("/etc/sysctl.conf", "# comment\n; comment\nnet.ipv4.ip_forward = 1\n"
                  "-net.ipv4.nope = 2\nnet.ipv4.ip_default_ttl=  42  \nbad line\n")
    # the whole file is parsed before anything is written; "-key" does not hide "cannot stat"
    assert run(host, "sysctl -p") == (
        1, "net.ipv4.ip_forward = 1\nnet.ipv4.ip_default_ttl = 42\n",
        "sysctl: /etc/sysctl.conf(6): invalid syntax, continuing...\n"
        "sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n")
    host.fs.write("/tmp/a.conf", "net.ipv4.ip_forward=0\n")
    assert ok(host, "sysctl -p/tmp/a.conf") == "net.ipv4.ip_forward = 0\n"
    assert ok(host, "sysctl --load=/tmp/a.conf -q") == ""
    assert run(host, "sysctl -p -", stdin="net.ipv4.ip_default_ttl = 7\n") == (
        0, "net.ipv4.ip_default_ttl = 7\n", "")


def test_system_reads_sysctl_d_then_sysctl_conf(host: netsim.Host) -> None:
    host.fs.mkdir("/etc/sysctl.d", parents=True)
    host.fs.mkdir("/usr/lib/sysctl.d", parents=True)
    host.fs.write("/usr/lib/sysctl.d/50-a.conf", "net.ipv4.ip_default_ttl = 50\n")
    host.fs.write("/usr/lib/sysctl.d/60-b.conf", "net.ipv4.ip_default_ttl = 60\n")
    host.fs.write("/etc/sysctl.d/60-b.conf", "net.ipv4.ip_forward = 1\n")  # wins over /usr
    host.fs.write("/etc/sysctl.d/README", "not a .conf\n")
    host.fs.write("/etc/sysctl.conf", "net.ipv4.ip_default_ttl = 70\n")
    assert ok(host, "sysctl --system") == (
        "* Applying /usr/lib/sysctl.d/50-a.conf ...\n"
        "* Applying /etc/sysctl.d/60-b.conf ...\n"
        "* Applying /etc/sysctl.conf ...\n"
        "net.ipv4.ip_default_ttl = 50\nnet.ipv4.ip_forward = 1\nnet.ipv4.ip_default_ttl = 70\n")


@pytest.mark.parametrize(("cmd", "message"), [
    ("sysctl -Z", "sysctl: invalid option -- 'Z'\n"),
    ("sysctl --x", "sysctl: unrecognized option '--x'\n"),
    ("sysctl --v", "sysctl: option '--v' is ambiguous; possibilities: '--values' '--version'\n"),
    ("sysctl -r", "sysctl: option requires an argument -- 'r'\n"),
    ("sysctl --pattern", "sysctl: option '--pattern' requires an argument\n"),
    ("sysctl --help=3", "sysctl: option '--help' doesn't allow an argument\n"),
    ("sysctl -w -net.ipv4.nope=2", "sysctl: invalid option -- 't'\n"),
])
def test_bad_options_print_usage_on_stdout_and_succeed(host: netsim.Host, cmd: str,
                                                         message: str) -> None:
    refused(host, cmd, 0, message, sysctl.USAGE)


def test_help_and_version(host: netsim.Host) -> None:
    assert run(host, "sysctl --help") == (0, sysctl.USAGE, "")
    assert run(host, "sysctl -d") == (0, sysctl.USAGE, "")
    assert run(host, "sysctl -V -Z") == (0, "sysctl from procps-ng 4.0.2\n", "")
    assert run(host, "sysctl") == (1, "", sysctl.USAGE)


# ----------------------------------------------------------------------------- helpers' units
def test_slashdot_swaps_separators_unless_already_right() -> None:
    warn: list[str] = []
    assert sysctl.slashdot("net.ipv4.conf.eth0/100.x", ".", "/", warn) == (
        "net/ipv4/conf/eth0.100/x")
    assert sysctl.slashdot("net/ipv4/conf/eth0.100/x", ".", "/", warn) == (
        "net/ipv4/conf/eth0.100/x")
    assert warn == []
    assert sysctl.slashdot("a..b", ".", "/", warn) == "a//b"
    assert warn == ["separators should not be repeated: ..b"]
