"""`brctl` (bridge-utils 1.7) against the real thing.

Every expected text here was produced by bridge-utils 1.7 on Linux 6.18 (Debian 12), in a
fresh network namespace with IPv6 off and lo up -- the oracle's host init. The transcripts
are replayed command by command; each refused command must also leave the simulated world
exactly as it was (devices, ports, FDB, bridge parameters, sysctls).
"""

from __future__ import annotations

import re
import shlex

import pytest

import netsim
from netsim.cli import brctl
from netsim.user.io import Io

from helpers import ToolUnderTest, parse_transcript

TIMER = re.compile(r"(gc timer\t\t)\s*\d+\.\d\d")

USAGE = """Usage: brctl [commands]
commands:
\taddbr     \t<bridge>\t\tadd bridge
\tdelbr     \t<bridge>\t\tdelete bridge
\taddif     \t<bridge> <device>\tadd interface to bridge
\tdelif     \t<bridge> <device>\tdelete interface from bridge
\thairpin   \t<bridge> <port> {on|off}\tturn hairpin on/off
\tsetageing \t<bridge> <time>\t\tset ageing time
\tsetbridgeprio\t<bridge> <prio>\t\tset bridge priority
\tsetfd     \t<bridge> <time>\t\tset bridge forward delay
\tsethello  \t<bridge> <time>\t\tset hello time
\tsetmaxage \t<bridge> <time>\t\tset max message age
\tsetpathcost\t<bridge> <port> <cost>\tset path cost
\tsetportprio\t<bridge> <port> <prio>\tset port priority
\tshow      \t[ <bridge> ]\t\tshow a list of bridges
\tshowmacs  \t<bridge>\t\tshow a list of mac addrs
\tshowstp   \t<bridge>\t\tshow bridge stp info
\tstp       \t<bridge> {on|off}\tturn stp on/off
"""


# ----------------------------------------------------------------------------- helpers
def world(host: netsim.Host) -> tuple:
    """Everything a bridge command could change: devices, ports, FDBs, parameters, sysctls."""
    devices = []
    for d in host.ns.in_order():
        row: tuple = (d.ifindex, d.name, d.kind, d.mac, d.mtu, d.admin_up, d.carrier,
                      d.master.name if d.master else None, d.promiscuity)
        if d.is_bridge:
            row += (d.priority, d.ageing_time, d.forward_delay, d.hello_time, d.max_age,
                    d.stp_enabled, d.group_fwd_mask, d.bridge_mac,
                    tuple((e.mac, e.port.dev.name if e.port else None, e.is_local,
                           e.is_static, e.updated) for e in d.fdb))
        if d.br_port is not None:
            p = d.br_port
            row += (p.port_no, p.state, p.priority, p.path_cost, p.learning, p.flood,
                    p.mcast_flood, p.bcast_flood, p.hairpin)
        devices.append(row)
    return tuple(devices), tuple(sorted(host.ns.sysctl.items()))


BRCTL = ToolUnderTest("brctl", brctl.main, world=world)
run, ok, refused = BRCTL.run, BRCTL.ok, BRCTL.refused


# ----------------------------------------------------------------------------- transcripts
REAL_SESSION = """\
### brctl addbr br0 -> rc=0
### brctl show -> rc=0
O|bridge name<T>bridge id<T><T>STP enabled<T>interfaces$
O|br0<T><T>8000.000000000000<T>no<T><T>$
### brctl addbr br0 -> rc=1
E|device br0 already exists; can't create bridge with the same name$
### ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 -> rc=0
### brctl addif br1 eth0 -> rc=1
E|bridge br1 does not exist!$
### brctl addif br0 eth9 -> rc=1
E|interface eth9 does not exist!$
### brctl addif br0 eth0 -> rc=0
### brctl addif br0 eth0 -> rc=1
E|device eth0 is already a member of a bridge; can't add it to bridge br0.$
### brctl addif br0 br0 -> rc=1
E|device br0 is a bridge device itself; can't add a bridge device to a bridge device.$
### brctl addif br0 lo -> rc=1
E|can't add lo to bridge br0: Invalid argument$
### brctl delif br0 eth1 -> rc=1
E|device eth1 is not a port of br0$
### brctl delif br0 eth9 -> rc=1
E|interface eth9 does not exist!$
### ip link set br0 up -> rc=0
### brctl delbr br0 -> rc=1
E|bridge br0 is still up; can't delete it$
### brctl delbr br9 -> rc=1
E|bridge br9 doesn't exist; can't delete it$
### brctl show -> rc=0
O|bridge name<T>bridge id<T><T>STP enabled<T>interfaces$
O|br0<T><T>8000.020000000101<T>no<T><T>eth0$
### brctl showmacs br0 -> rc=0
O|port no<T>mac addr<T><T>is local?<T>ageing timer$
O|  1<T>02:00:00:00:01:01<T>yes<T><T>   0.00$
### brctl showstp br0 -> rc=0
O|br0$
O| bridge id<T><T>8000.020000000101$
O| designated root<T>8000.020000000101$
O| root port<T><T>   0<T><T><T>path cost<T><T>   0$
O| max age<T><T>  20.00<T><T><T>bridge max age<T><T>  20.00$
O| hello time<T><T>   2.00<T><T><T>bridge hello time<T>   2.00$
O| forward delay<T><T>  15.00<T><T><T>bridge forward delay<T>  15.00$
O| ageing time<T><T> 300.00$
O| hello timer<T><T>   0.00<T><T><T>tcn timer<T><T>   0.00$
O| topology change timer<T>   0.00<T><T><T>gc timer<T><T><TIMER>$
O| flags<T><T><T>$
O|$
O|$
O|eth0 (1)$
O| port id<T><T>8001<T><T><T>state<T><T>       disabled$
O| designated root<T>8000.020000000101<T>path cost<T><T>   2$
O| designated bridge<T>8000.020000000101<T>message age timer<T>   0.00$
O| designated port<T>8001<T><T><T>forward delay timer<T>   0.00$
O| designated cost<T>   0<T><T><T>hold timer<T><T>   0.00$
O| flags<T><T><T>$
O|$
### brctl setageing br0 10 -> rc=0
### brctl setageing br0 -1 -> rc=1
@USAGE
E|brctl: invalid option -- '1'$
E|Unknown option '?'$
### brctl sethello br0 0.5 -> rc=1
E|set hello timer failed: Numerical result out of range$
### brctl setpathcost nope eth0 5 -> rc=0
### brctl setpathcost br0 eth1 5 -> rc=1
E|set path cost failed: No such file or directory$
### brctl setpathcost br0 eth9 5 -> rc=1
E|set path cost failed: No such device$
### brctl setportprio br0 eth0 64 -> rc=1
E|set port priority failed: Numerical result out of range$
### brctl hairpin br0 eth0 on -> rc=0
### brctl showstp br0 -> rc=0
O|br0$
O| bridge id<T><T>8000.020000000101$
O| designated root<T>8000.020000000101$
O| root port<T><T>   0<T><T><T>path cost<T><T>   0$
O| max age<T><T>  20.00<T><T><T>bridge max age<T><T>  20.00$
O| hello time<T><T>   2.00<T><T><T>bridge hello time<T>   2.00$
O| forward delay<T><T>  15.00<T><T><T>bridge forward delay<T>  15.00$
O| ageing time<T><T>  10.00$
O| hello timer<T><T>   0.00<T><T><T>tcn timer<T><T>   0.00$
O| topology change timer<T>   0.00<T><T><T>gc timer<T><T><TIMER>$
O| flags<T><T><T>$
O|$
O|$
O|eth0 (1)$
O| port id<T><T>8001<T><T><T>state<T><T>       disabled$
O| designated root<T>8000.020000000101<T>path cost<T><T>   5$
O| designated bridge<T>8000.020000000101<T>message age timer<T>   0.00$
O| designated port<T>8001<T><T><T>forward delay timer<T>   0.00$
O| designated cost<T>   0<T><T><T>hold timer<T><T>   0.00$
O| flags<T><T><T>$
O| hairpin mode<T><T>   1$
O|$
### brctl stp br0 maybe -> rc=1
E|expect on/off for argument$
### brctl stp eth0 on -> rc=1
E|set stp status failed: Operation not supported$
### brctl setbridgeprio br0 70000 -> rc=0
### brctl show br0 nope lo -> rc=1
O|bridge name<T>bridge id<T><T>STP enabled<T>interfaces$
O|br0<T><T>1170.020000000101<T>no<T><T>eth0$
E|bridge nope does not exist!$
E|device lo is not a bridge!$
### brctl addbr 01234567890123456789 -> rc=0
### brctl addbr "br%d" -> rc=0
### brctl addbr a/b -> rc=1
E|add bridge failed: Invalid argument$
### brctl -> rc=1
@USAGE
### brctl foo -> rc=1
@USAGE
E|never heard of command [foo]$
### brctl -x -> rc=1
@USAGE
E|brctl: invalid option -- 'x'$
E|Unknown option '?'$
### brctl addif br0 -> rc=1
O|Incorrect number of arguments for command$
O|Usage: brctl addif <bridge> <device><T>add interface to bridge$
### ip link set br0 down -> rc=0
### brctl delbr br0 -> rc=0
### brctl show -> rc=0
O|bridge name<T>bridge id<T><T>STP enabled<T>interfaces$
O|012345678901234<T><T>8000.000000000000<T>no<T><T>$
O|br1<T><T>8000.000000000000<T>no<T><T>$
"""


def test_session_recorded_on_linux(host: netsim.Host) -> None:
    """Bridges, ports, errors, settings and the usage, byte for byte as bridge-utils 1.7."""
    BRCTL.replay(host, parse_transcript(REAL_SESSION, out_markers={"@USAGE": USAGE}),
                 mask=lambda stdout: TIMER.sub(r"\1<TIMER>", stdout))


# ----------------------------------------------------------------------------- helpers 2
def veth(host: netsim.Host, name: str, mac: str, peer: str, peer_mac: str) -> None:
    ok(host, f"ip link add {name} address {mac} type veth peer name {peer} address {peer_mac}")


# ----------------------------------------------------------------------------- usage
def test_bare_brctl_prints_usage_on_stdout_and_fails(host: netsim.Host) -> None:
    assert run(host, "brctl") == (1, USAGE, "")


@pytest.mark.parametrize("cmd", ["brctl --help", "brctl -h", "brctl --he", "brctl show --help",
                                 "brctl addbr --help", "brctl -h -x"])
def test_help_anywhere_succeeds(host: netsim.Host, cmd: str) -> None:
    """getopt permutes: -h is seen wherever it is, before a bad option stops the scan."""
    assert run(host, cmd) == (0, USAGE, "")


@pytest.mark.parametrize("cmd", ["brctl -V", "brctl --version", "brctl -V x", "brctl show -V"])
def test_version(host: netsim.Host, cmd: str) -> None:
    assert run(host, cmd) == (0, "bridge-utils, 1.7\n", "")


@pytest.mark.parametrize(("cmd", "message"), [
    ("brctl -x", "brctl: invalid option -- 'x'\n"),
    ("brctl -x -h", "brctl: invalid option -- 'x'\n"),
    ("brctl setageing br0 -1", "brctl: invalid option -- '1'\n"),
    ("brctl --foo", "brctl: unrecognized option '--foo'\n"),
    ("brctl --help=1", "brctl: option '--help' doesn't allow an argument\n"),
])
def test_bad_option_prints_getopt_message_and_usage(host: netsim.Host, cmd: str,
                                                     message: str) -> None:
    ok(host, "brctl addbr br0")
    refused(host, cmd, 1, message + "Unknown option '?'\n", USAGE)


def test_unknown_command(host: netsim.Host) -> None:
    refused(host, "brctl foo", 1, "never heard of command [foo]\n", USAGE)


@pytest.mark.parametrize(("name", "nargs", "text"), brctl.COMMANDS)
def test_too_few_arguments(host: netsim.Host, name: str, nargs: int, text: str) -> None:
    if nargs == 0:
        return  # show takes none
    cmd = " ".join(["brctl", name] + ["x"] * (nargs - 1))
    refused(host, cmd, 1, "", f"Incorrect number of arguments for command\n"
                              f"Usage: brctl {name} {text}\n")


# ----------------------------------------------------------------------------- addbr / delbr
def test_addbr_takes_only_the_first_name(host: netsim.Host) -> None:
    ok(host, "brctl addbr a b")
    assert host.ns.get("a") is not None and host.ns.get("b") is None


def test_long_names_are_cut_to_15_characters(host: netsim.Host) -> None:
    ok(host, "brctl addbr 01234567890123456789")
    assert host.ns.get("012345678901234").is_bridge
    refused(host, "brctl addbr 0123456789012345", 1,
            "device 0123456789012345 already exists; can't create bridge with the same name\n")
    refused(host, "brctl show 0123456789012345678999", 1,
            "bridge 0123456789012345678999 does not exist!\n")
    ok(host, "brctl delbr 0123456789012345678999")  # the kernel cuts it too
    assert host.ns.get("012345678901234") is None


def test_percent_d_lets_the_kernel_choose(host: netsim.Host) -> None:
    ok(host, "brctl addbr br%d")
    ok(host, "brctl addbr br%d")
    ok(host, "brctl addbr %d")
    assert [d.name for d in host.ns.in_order()] == ["lo", "br0", "br1", "0"]
    refused(host, "brctl addbr x%dy%d", 1, "add bridge failed: Invalid argument\n")


@pytest.mark.parametrize("name", ["a/b", "a:b", ".", "..", " ", "", "a b", "x%s"])
def test_invalid_bridge_names(host: netsim.Host, name: str) -> None:
    refused(host, f"brctl addbr '{name}'", 1, "add bridge failed: Invalid argument\n")


def test_addbr_over_any_existing_device(host: netsim.Host) -> None:
    refused(host, "brctl addbr lo", 1,
            "device lo already exists; can't create bridge with the same name\n")


def test_delbr_errors(host: netsim.Host) -> None:
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    refused(host, "brctl delbr lo", 1, "can't delete bridge lo: Operation not permitted\n")
    refused(host, "brctl delbr eth0", 1, "can't delete bridge eth0: Operation not permitted\n")
    refused(host, "brctl delbr ''", 1, "bridge  doesn't exist; can't delete it\n")


def test_delbr_releases_the_ports(host: netsim.Host) -> None:
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    ok(host, "brctl addbr br0")
    ok(host, "brctl addif br0 eth0")
    ok(host, "brctl delbr br0")
    eth0 = host.ns.get("eth0")
    assert eth0.master is None and eth0.br_port is None and eth0.promiscuity == 0


# ----------------------------------------------------------------------------- addif / delif
def test_addif_stops_at_the_first_failure(host: netsim.Host) -> None:
    ok(host, "brctl addbr br0")
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    assert run(host, "brctl addif br0 eth0 eth9 eth1") == (
        1, "", "interface eth9 does not exist!\n")
    assert host.ns.get("eth0").master is host.ns.get("br0")
    assert host.ns.get("eth1").master is None


@pytest.mark.parametrize(("cmd", "message"), [
    ("brctl addif eth1 eth0", "can't add eth0 to bridge eth1: Operation not supported\n"),
    ("brctl addif lo eth1", "can't add eth1 to bridge lo: Operation not supported\n"),
    ("brctl addif lo eth9", "interface eth9 does not exist!\n"),
    ("brctl addif br9 eth0", "bridge br9 does not exist!\n"),
    ("brctl addif br0 br1", "device br1 is a bridge device itself; "
                            "can't add a bridge device to a bridge device.\n"),
    ("brctl addif br1 eth0", "device eth0 is already a member of a bridge; "
                             "can't add it to bridge br1.\n"),
    ("brctl addif br0 tun0", "can't add tun0 to bridge br0: Invalid argument\n"),
    ("brctl delif br0 lo", "device lo is not a port of br0\n"),
    ("brctl delif br1 eth0", "device eth0 is not a port of br1\n"),
    ("brctl delif br9 eth0", "bridge br9 does not exist!\n"),
    ("brctl delif eth1 eth0", "can't delete eth0 from eth1: Operation not supported\n"),
    ("brctl delif lo eth9", "interface eth9 does not exist!\n"),
    ("brctl delif br0 eth0 eth0", "device eth0 is not a port of br0\n"),
])
def test_port_errors(host: netsim.Host, cmd: str, message: str) -> None:
    ok(host, "brctl addbr br0")
    ok(host, "brctl addbr br1")
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    ok(host, "ip tuntap add tun0 mode tun")
    ok(host, "brctl addif br0 eth0")
    if cmd == "brctl delif br0 eth0 eth0":  # the first one goes, the second fails
        assert run(host, cmd) == (1, "", message)
        assert host.ns.get("eth0").master is None
        return
    refused(host, cmd, 1, message)


# ----------------------------------------------------------------------------- show
def test_show_sorts_bridges_and_ports_by_name(host: netsim.Host) -> None:
    for br in ("zz", "aa", "B"):
        ok(host, f"brctl addbr {br}")
    for i, name in enumerate(("veth9", "eth10", "Eth2", "eth2")):
        veth(host, name, f"02:00:00:00:00:1{i}", f"x{i}", f"02:00:00:00:00:2{i}")
        ok(host, f"brctl addif aa {name}")
    assert ok(host, "brctl show") == (
        "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
        "B\t\t8000.000000000000\tno\t\t\n"
        "aa\t\t8000.020000000010\tno\t\tEth2\n"
        "\t\t\t\t\t\t\teth10\n"
        "\t\t\t\t\t\t\teth2\n"
        "\t\t\t\t\t\t\tveth9\n"
        "zz\t\t8000.000000000000\tno\t\t\n")


def test_show_without_bridges_prints_nothing(host: netsim.Host) -> None:
    assert run(host, "brctl show") == (0, "", "")


def test_show_named_bridges_header_only_before_the_first_one(host: netsim.Host) -> None:
    refused(host, "brctl show nope", 1, "bridge nope does not exist!\n")
    ok(host, "brctl addbr br0")
    header = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
    line = "br0\t\t8000.000000000000\tno\t\t\n"
    assert run(host, "brctl show br0 nope br0 lo") == (
        1, header + line + line,
        "bridge nope does not exist!\ndevice lo is not a bridge!\n")


def test_stp_on_shows_yes(host: netsim.Host) -> None:
    ok(host, "brctl addbr br0")
    for word, shown in (("on", "yes"), ("off", "no"), ("yes", "yes"), ("0", "no"), ("1", "yes"),
                        ("no", "no")):
        ok(host, f"brctl stp br0 {word}")
        assert ok(host, "brctl show br0").endswith(f"\t{shown}\t\t\n")
    assert not host.ns.get("br0").stp_enabled


# ----------------------------------------------------------------------------- showmacs
def test_showmacs_learned_and_local_entries_sorted_by_mac() -> None:
    from lab_builders import VM1, bridge_with_taps_and_lan, raw_frame

    lab, host, lan, vms = bridge_with_taps_and_lan(taps=1)
    vms[0].write(raw_frame(b"\xff" * 6, VM1))
    learned = lab.now
    lab.run(1.5)
    lan.sh("ping -c 1 -W 1 10.0.0.99")  # an ARP broadcast from 02:00:00:00:02:01
    lab.run(0.25)
    age = lab.now - learned
    out = ok(host, "brctl showmacs br0")
    lines = out.splitlines()
    assert lines[0] == "port no\tmac addr\t\tis local?\tageing timer"
    rows = [line.split("\t") for line in lines[1:]]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("  1", "02:00:00:00:01:01", "yes"), ("  1", "02:00:00:00:02:01", "no"),
        ("  2", "52:54:00:00:00:01", "no"), ("  2", "fe:54:00:00:00:01", "yes")]
    timers = [r[-1] for r in rows]
    assert timers[0] == timers[3] == "   0.00"
    assert re.fullmatch(r"   [01]\.\d\d", timers[1])
    # seconds with two decimals, %4i.%.2i: the VM's frame is `age` seconds old
    assert re.fullmatch(r"   \d\.\d\d", timers[2])
    assert abs(float(timers[2]) - age) <= 0.011


def test_showmacs_hides_expired_and_bridge_entries_and_zeroes_static_ones() -> None:
    from lab_builders import VM1, bridge_with_taps_and_lan, raw_frame

    lab, host, _lan, vms = bridge_with_taps_and_lan(taps=1)
    from netsim.cli import bridge as bridge_cmd

    io = Io()
    assert bridge_cmd.main(host, shlex.split(
        "bridge fdb add 02:00:00:00:00:99 dev tap0 master static"), io) == 0
    assert bridge_cmd.main(host, shlex.split("bridge fdb add 02:00:00:00:00:98 dev br0"),
                           io) == 0
    vms[0].write(raw_frame(b"\xff" * 6, VM1))
    lab.run(2)
    out = ok(host, "brctl showmacs br0")
    assert "  2\t02:00:00:00:00:99\tno\t\t   0.00\n" in out
    assert "02:00:00:00:00:98" not in out  # the bridge's own entry has no port
    assert "52:54:00:00:00:01\tno\t\t   2.00" in out
    ok(host, "brctl setageing br0 1")
    host.ns.get("br0").fdb.stop_gc()  # let the entry sit expired, uncollected
    assert "52:54:00:00:00:01" not in ok(host, "brctl showmacs br0")


@pytest.mark.parametrize(("cmd", "message"), [
    ("brctl showmacs eth0", "read of forward table failed: Operation not supported\n"),
    ("brctl showmacs lo", "read of forward table failed: Operation not supported\n"),
    ("brctl showmacs nope", "read of forward table failed: No such device\n"),
    ("brctl showstp nope", "bridge nope does not exist!\n"),
    ("brctl showstp eth0", "device eth0 is not a bridge!\n"),
])
def test_show_errors(host: netsim.Host, cmd: str, message: str) -> None:
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    refused(host, cmd, 1, message)


def test_showmacs_of_an_empty_bridge_is_the_header(host: netsim.Host) -> None:
    ok(host, "brctl addbr br0")
    header = "port no\tmac addr\t\tis local?\tageing timer\n"
    assert ok(host, "brctl showmacs br0 extra") == header


# ----------------------------------------------------------------------------- showstp
def test_showstp_lists_ports_by_name_with_their_settings(host: netsim.Host) -> None:
    ok(host, "brctl addbr br0")
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    veth(host, "a0", "02:00:00:00:01:05", "a1", "02:00:00:00:01:06")
    ok(host, "brctl addif br0 eth0 a0")
    ok(host, "brctl setportprio br0 a0 1")
    ok(host, "brctl setpathcost br0 a0 5")
    ok(host, "brctl hairpin br0 a0 on")
    ok(host, "brctl setbridgeprio br0 70000")
    ok(host, "brctl sethello br0 3")
    ok(host, "brctl setmaxage br0 30")
    ok(host, "brctl setfd br0 2")
    ok(host, "brctl setageing br0 10")
    out = TIMER.sub(r"\1<TIMER>", ok(host, "brctl showstp br0"))
    assert out == (
        "br0\n"
        " bridge id\t\t1170.020000000101\n"
        " designated root\t1170.020000000101\n"
        " root port\t\t   0\t\t\tpath cost\t\t   0\n"
        " max age\t\t  30.00\t\t\tbridge max age\t\t  30.00\n"
        " hello time\t\t   3.00\t\t\tbridge hello time\t   3.00\n"
        " forward delay\t\t   2.00\t\t\tbridge forward delay\t   2.00\n"
        " ageing time\t\t  10.00\n"
        " hello timer\t\t   0.00\t\t\ttcn timer\t\t   0.00\n"
        " topology change timer\t   0.00\t\t\tgc timer\t\t<TIMER>\n"
        " flags\t\t\t\n\n\n"
        "a0 (2)\n"
        " port id\t\t0402\t\t\tstate\t\t       disabled\n"
        # a disabled port keeps the designated ids it had (br_stp_set_bridge_priority()
        # updates enabled ports only; recorded in stp_range_errors)
        " designated root\t8000.020000000101\tpath cost\t\t   5\n"
        " designated bridge\t8000.020000000101\tmessage age timer\t   0.00\n"
        " designated port\t0402\t\t\tforward delay timer\t   0.00\n"
        " designated cost\t   0\t\t\thold timer\t\t   0.00\n"
        " flags\t\t\t\n hairpin mode\t\t   1\n\n"
        "eth0 (1)\n"
        " port id\t\t8001\t\t\tstate\t\t       disabled\n"
        " designated root\t8000.020000000101\tpath cost\t\t   2\n"
        " designated bridge\t8000.020000000101\tmessage age timer\t   0.00\n"
        " designated port\t8001\t\t\tforward delay timer\t   0.00\n"
        " designated cost\t   0\t\t\thold timer\t\t   0.00\n"
        " flags\t\t\t\n\n")


# ----------------------------------------------------------------------------- settings
@pytest.mark.parametrize(("cmd", "attr", "value", "sysfs", "text"), [
    ("brctl setageing br0 10", "ageing_time", 10.0, "bridge/ageing_time", "1000"),
    ("brctl setageing br0 1.5x", "ageing_time", 1.5, "bridge/ageing_time", "150"),
    ("brctl setageing br0 0", "ageing_time", 0.0, "bridge/ageing_time", "0"),
    ("brctl setfd br0 1", "forward_delay", 1.0, "bridge/forward_delay", "100"),
    ("brctl setfd br0 31", "forward_delay", 31.0, "bridge/forward_delay", "3100"),
    ("brctl sethello br0 3", "hello_time", 3.0, "bridge/hello_time", "300"),
    ("brctl setmaxage br0 30", "max_age", 30.0, "bridge/max_age", "3000"),
    ("brctl setbridgeprio br0 100", "priority", 100, "bridge/priority", "100"),
    ("brctl setbridgeprio br0 0x10", "priority", 16, "bridge/priority", "16"),
    ("brctl setbridgeprio br0 70000", "priority", 4464, "bridge/bridge_id",
     "1170.000000000000"),
])
def test_bridge_settings(host: netsim.Host, cmd: str, attr: str, value: float, sysfs: str,
                         text: str) -> None:
    """bridge-utils writes the sysfs files: STP off lets forward_delay go out of range."""
    ok(host, "brctl addbr br0")
    ok(host, cmd)
    assert getattr(host.ns.get("br0"), attr) == value
    assert host.fs.read(f"/sys/class/net/br0/{sysfs}") == text + "\n"


@pytest.mark.parametrize(("cmd", "message"), [
    ("brctl setageing br0 abc", "bad ageing time value\n"),
    ("brctl setageing nope 10", "set ageing time failed: No such device\n"),
    ("brctl setageing eth0 10", "set ageing time failed: Operation not supported\n"),
    ("brctl setfd br0 x", "bad forward delay value\n"),
    ("brctl setfd nope 3", "set forward delay failed: No such device\n"),
    ("brctl sethello br0 0.5", "set hello timer failed: Numerical result out of range\n"),
    ("brctl sethello br0 11", "set hello timer failed: Numerical result out of range\n"),
    ("brctl sethello br0 x", "bad hello timer value\n"),
    ("brctl setmaxage br0 5", "set max age failed: Numerical result out of range\n"),
    ("brctl setmaxage br0 41", "set max age failed: Numerical result out of range\n"),
    ("brctl setmaxage br0 y", "bad max age value\n"),
    ("brctl setbridgeprio br0 z", "bad priority\n"),
    ("brctl setbridgeprio nope 1", "set bridge priority failed: No such device\n"),
    ("brctl setpathcost br0 eth0 ' -5'", "set path cost failed: Numerical result out of range\n"),
    ("brctl setportprio br0 eth0 ' -5'",
     "set port priority failed: Numerical result out of range\n"),
    ("brctl setpathcost br0 eth0 0", "set path cost failed: Numerical result out of range\n"),
    ("brctl setpathcost br0 eth0 70000",
     "set path cost failed: Numerical result out of range\n"),
    ("brctl setpathcost br0 eth0 x", "bad path cost value\n"),
    ("brctl setpathcost br0 eth1 5", "set path cost failed: No such file or directory\n"),
    ("brctl setpathcost br0 lo 4", "set path cost failed: No such file or directory\n"),
    ("brctl setpathcost br0 eth9 5", "set path cost failed: No such device\n"),
    ("brctl setportprio br0 eth0 64", "set port priority failed: Numerical result out of range\n"),
    ("brctl setportprio br0 eth0 x", "bad path priority value\n"),
    ("brctl setportprio br0 eth1 5", "set port priority failed: No such file or directory\n"),
    ("brctl setportprio br0 eth9 5", "set port priority failed: No such device\n"),
    ("brctl stp br0 maybe", "expect on/off for argument\n"),
    ("brctl stp nope on", "set stp status failed: No such device\n"),
    ("brctl stp eth0 on", "set stp status failed: Operation not supported\n"),
    ("brctl hairpin br0 eth0 x", "expect on/off for argument\n"),
    ("brctl hairpin br0 eth1 on", "can't set eth1 to hairpin on bridge br0: "
                                  "No such file or directory\n"),
    ("brctl hairpin br0 lo on", "can't set lo to hairpin on bridge br0: "
                                "No such file or directory\n"),
    ("brctl hairpin nope eth0 on", "bridge nope does not exist!\n"),
    ("brctl hairpin br0 eth9 on", "interface eth9 does not exist!\n"),
    ("brctl hairpin nope eth9 on", "interface eth9 does not exist!\n"),
])
def test_setting_errors(host: netsim.Host, cmd: str, message: str) -> None:
    ok(host, "brctl addbr br0")
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    ok(host, "brctl addif br0 eth0")
    refused(host, cmd, 1, message)


def test_numbers_are_written_unsigned(host: netsim.Host) -> None:
    """brctl reads %i into an int and writes it with %lu: ' -5' is 18446744073709551611,
    which the kernel takes (kstrtoul) and keeps in 16 bits -- priority 65531, as on
    Linux; the path cost and port priority refuse it with ERANGE (see above)."""
    ok(host, "brctl addbr br0")
    ok(host, "brctl setbridgeprio br0 ' -5'")
    assert host.ns.get("br0").priority == 65531
    assert host.sh("cat /sys/class/net/br0/bridge/priority").stdout == "65531\n"


def test_setfd_is_range_checked_only_while_stp_runs(host: netsim.Host) -> None:
    ok(host, "brctl addbr br0")
    ok(host, "brctl setfd br0 1")
    ok(host, "brctl stp br0 on")  # starting STP pulls forward_delay into 2..30 s
    assert host.ns.get("br0").forward_delay == 2.0
    for value in ("1", "31", "1e9"):
        refused(host, f"brctl setfd br0 {value}", 1,
                "set forward delay failed: Numerical result out of range\n")
    ok(host, "brctl setfd br0 30")


def test_port_settings_ignore_the_bridge_name(host: netsim.Host) -> None:
    """port_set() writes /sys/class/net/PORT/brport/...: the bridge is never looked at."""
    ok(host, "brctl addbr br0")
    veth(host, "eth0", "02:00:00:00:01:01", "eth1", "02:00:00:00:01:02")
    ok(host, "brctl addif br0 eth0")
    ok(host, "brctl setpathcost nope eth0 5")
    ok(host, "brctl setportprio lo eth0 0x3f")
    ok(host, "brctl hairpin eth1 eth0 yes")
    port = host.ns.get("eth0").br_port
    assert (port.path_cost, port.priority, port.hairpin, port.port_id) == (5, 63, True, 0xFC01)
    ok(host, "brctl setpathcost br0 eth0 1.5")  # %i reads the 1
    ok(host, "brctl hairpin br0 eth0 0")
    assert (port.path_cost, port.hairpin) == (1, False)
