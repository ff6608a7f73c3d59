"""`bridge` (iproute2 6.1.0) against the real thing.

The transcript below was recorded with iproute2 6.1.0 on Linux 6.18 in a fresh network
namespace (IPv6 off, lo up: the oracle's host init); it is replayed command by command
and must match byte for byte, and every refused command must leave the simulated world
as it was. Long lines are cut with ``<+>``; ``$`` ends a line (trailing spaces matter:
``bridge fdb show`` ends a learned entry's line with one).
"""

from __future__ import annotations

import errno
import json

import pytest

import netsim
from netsim.cli import bridge as bridge_cmd

from helpers import ToolUnderTest, new_host, parse_transcript

MARKERS = {"@USAGE": bridge_cmd.USAGE, "@FDB_USAGE": bridge_cmd.FDB_USAGE,
           "@LINK_USAGE": bridge_cmd.LINK_USAGE}


# ----------------------------------------------------------------------------- helpers
def world(host: netsim.Host) -> tuple:
    """Everything `bridge` could change: ports and their flags, FDBs, devices' own lists."""
    devices = []
    for d in host.ns.in_order():
        row: tuple = (d.ifindex, d.name, d.mac, d.admin_up, d.carrier,
                      d.master.name if d.master else None, tuple(d.mc_addresses()),
                      tuple(d.__dict__.get("netsim_fdb_uc", ())),
                      tuple(d.__dict__.get("netsim_fdb_mc", ())),
                      tuple(sorted(d.__dict__.get("netsim_fdb_mc_removed", ()))))
        if d.is_bridge:
            row += (d.bridge_mac, d.stp_enabled,
                    tuple((e.mac, e.port.dev.name if e.port else None, e.is_local,
                           e.is_static, e.added_by_user, e.updated, e.used) for e in d.fdb))
        if d.br_port is not None:
            p = d.br_port
            row += (p.state, p.priority, p.path_cost, p.learning, p.flood, p.mcast_flood,
                    p.bcast_flood, p.hairpin)
        devices.append(row)
    return tuple(devices)


BRIDGE = ToolUnderTest("bridge", bridge_cmd.main, world=world)
run, ok, refused = BRIDGE.run, BRIDGE.ok, BRIDGE.refused


# ----------------------------------------------------------------------------- transcript
REAL_SESSION = """\
### brctl addbr br0 -> rc=0
### ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 -> rc=0
### ip link add eth2 address 02:00:00:00:00:30 type veth peer name eth3 -> rc=0
### brctl addif br0 eth0 -> rc=0
### bridge fdb -> rc=0
O|33:33:00:00:00:01 dev br0 self permanent$
O|33:33:00:00:00:01 dev eth1 self permanent$
O|02:00:00:00:01:01 dev eth0 master br0 permanent$
O|33:33:00:00:00:01 dev eth0 self permanent$
O|33:33:00:00:00:01 dev eth3 self permanent$
O|33:33:00:00:00:01 dev eth2 self permanent$
### bridge link -> rc=0
O|4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority <+>
32 cost 2 $
### bridge -j link -> rc=0
O|[{"ifindex":4,"link":"eth1","ifname":"eth0","flags":["BROADCAST","MULTICAST","M-DOWN"],<+>
"mtu":1500,"master":"br0","state":"disabled","priority":32,"cost":2}]$
### bridge -d link -> rc=0
O|4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority <+>
32 cost 2 $
O|    hairpin off guard off root_block off fastleave off learning on flood on mcast_flood<+>
 on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off<+>
 isolated off locked off $
### bridge -d -j -p link -> rc=0
O|[ {$
O|        "ifindex": 4,$
O|        "link": "eth1",$
O|        "ifname": "eth0",$
O|        "flags": [ "BROADCAST","MULTICAST","M-DOWN" ],$
O|        "mtu": 1500,$
O|        "master": "br0",$
O|        "state": "disabled",$
O|        "priority": 32,$
O|        "cost": 2,$
O|        "hairpin": false,$
O|        "guard": false,$
O|        "root_block": false,$
O|        "fastleave": false,$
O|        "learning": true,$
O|        "flood": true,$
O|        "mcast_flood": true,$
O|        "bcast_flood": true,$
O|        "mcast_router": 1,$
O|        "mcast_to_unicast": false,$
O|        "neigh_suppress": false,$
O|        "vlan_tunnel": false,$
O|        "isolated": false,$
O|        "locked": false$
O|    } ]$
### bridge -o -d link -> rc=0
O|4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority <+>
32 cost 2 \\    hairpin off guard off root_block off fastleave off learning on flood on mc<+>
ast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_t<+>
unnel off isolated off locked off $
### bridge fdb show br br0 -> rc=0
O|33:33:00:00:00:01 dev br0 self permanent$
O|02:00:00:00:01:01 dev eth0 master br0 permanent$
O|33:33:00:00:00:01 dev eth0 self permanent$
### bridge -j fdb show br br0 -> rc=0
O|[{"mac":"33:33:00:00:00:01","ifname":"br0","flags":["self"],"state":"permanent"},{"mac"<+>
:"02:00:00:00:01:01","ifname":"eth0","flags":[],"master":"br0","state":"permanent"},{"mac<+>
":"33:33:00:00:00:01","ifname":"eth0","flags":["self"],"state":"permanent"}]$
### bridge -j -p fdb show dev eth0 -> rc=0
O|[ {$
O|        "mac": "02:00:00:00:01:01",$
O|        "flags": [ ],$
O|        "master": "br0",$
O|        "state": "permanent"$
O|    },{$
O|        "mac": "33:33:00:00:00:01",$
O|        "flags": [ "self" ],$
O|        "state": "permanent"$
O|    } ]$
### bridge fdb show dev br0 -> rc=0
O|33:33:00:00:00:01 self permanent$
### bridge fdb show br eth0 -> rc=0
### bridge fdb show br nope -> rc=255
E|Cannot find bridge device "nope"$
### bridge fdb show dev nope -> rc=255
E|Cannot find device "nope"$
### bridge fdb show dev -> rc=255
E|Command line is not complete. Try option "help"$
### bridge fdb show state foo -> rc=255
E|Error: argument "foo" is wrong: invalid state$
### bridge fdb add 02:00:00:00:00:0a dev eth0 master -> rc=0
### bridge fdb add 02:00:00:00:00:0a dev eth0 master -> rc=255
E|RTNETLINK answers: File exists$
### bridge fdb append 02:00:00:00:00:0a dev eth0 master -> rc=0
### bridge fdb add 02:00:00:00:00:0b dev eth0 master static -> rc=0
### bridge fdb add 02:00:00:00:00:0c dev eth0 master dynamic -> rc=255
E|RTNETLINK answers: Operation not permitted$
### bridge fdb replace 02:00:00:00:00:0a dev eth0 master static -> rc=0
### bridge fdb add 02:00:00:00:00:0d dev eth0 -> rc=0
### bridge fdb add 02:00:00:00:00:0d dev eth0 -> rc=255
E|RTNETLINK answers: File exists$
### bridge fdb append 02:00:00:00:00:0d dev eth0 -> rc=0
### bridge fdb add 02:00:00:00:00:0e dev eth1 -> rc=0
### bridge fdb add 02:00:00:00:00:0e dev eth1 master -> rc=255
E|RTNETLINK answers: Operation not supported$
### bridge fdb add 02:00:00:00:00:0f dev br0 -> rc=0
### bridge fdb add 02:00:00:00:00:10 dev br0 master -> rc=255
E|RTNETLINK answers: Operation not supported$
### bridge fdb add 02:00:00:00:00:11 dev br0 static -> rc=255
E|RTNETLINK answers: Invalid argument$
### bridge fdb add 02:00:00:00:00:12 dev lo -> rc=255
E|Error: FDB add only supported for Ethernet devices.$
### bridge fdb add 00:00:00:00:00:00 dev eth0 master -> rc=255
E|RTNETLINK answers: Invalid argument$
### bridge fdb add zz dev eth0 master -> rc=255
E|Invalid mac address zz$
### bridge fdb add 02:00:00:00:00:12 dev eth9 master -> rc=255
E|Cannot find device "eth9"$
### bridge fdb add 02:00:00:00:00:12 master -> rc=255
E|Device and address are required arguments.$
### bridge fdb add 1:2:3:4:5:6:7 dev eth0 master -> rc=0
### bridge fdb add a b dev eth0 -> rc=255
E|Error: either "to" is duplicate, or "b" is a garbage.$
### bridge fdb add 02:00:00:00:00:14 dev eth0 self master -> rc=0
### bridge fdb add 02:00:00:00:00:15 dev eth0 master vlan 5 -> rc=255
E|RTNETLINK answers: Invalid argument$
### bridge fdb add 02:00:00:00:00:15 dev eth0 master vlan 0 -> rc=255
E|Error: invalid vlan id.$
### bridge fdb show -> rc=0
O|33:33:00:00:00:01 dev br0 self permanent$
O|02:00:00:00:00:0f dev br0 master br0 permanent$
O|02:00:00:00:00:0e dev eth1 self permanent$
O|33:33:00:00:00:01 dev eth1 self permanent$
O|02:00:00:00:00:14 dev eth0 master br0 permanent$
O|01:02:03:04:05:06 dev eth0 master br0 permanent$
O|02:00:00:00:00:0b dev eth0 master br0 static$
O|02:00:00:00:00:0a dev eth0 master br0 static$
O|02:00:00:00:01:01 dev eth0 master br0 permanent$
O|02:00:00:00:00:0d dev eth0 self permanent$
O|02:00:00:00:00:14 dev eth0 self permanent$
O|33:33:00:00:00:01 dev eth0 self permanent$
O|33:33:00:00:00:01 dev eth3 self permanent$
O|33:33:00:00:00:01 dev eth2 self permanent$
### bridge fdb show dynamic -> rc=0
O|02:00:00:00:00:0b dev eth0 master br0 static$
O|02:00:00:00:00:0a dev eth0 master br0 static$
### bridge fdb show state static -> rc=0
O|02:00:00:00:00:0b dev eth0 master br0 static$
O|02:00:00:00:00:0a dev eth0 master br0 static$
### bridge fdb show state permanent dev eth0 -> rc=0
O|02:00:00:00:00:14 master br0 permanent$
O|01:02:03:04:05:06 master br0 permanent$
O|02:00:00:00:01:01 master br0 permanent$
O|02:00:00:00:00:0d self permanent$
O|02:00:00:00:00:14 self permanent$
O|33:33:00:00:00:01 self permanent$
### bridge fdb show vlan 1 -> rc=0
### bridge fdb del 02:00:00:00:00:0a dev eth0 -> rc=255
E|RTNETLINK answers: No such file or directory$
### bridge fdb del 02:00:00:00:00:0a dev eth0 master -> rc=0
### bridge fdb del 02:00:00:00:00:0a dev eth0 master -> rc=255
E|RTNETLINK answers: No such file or directory$
### bridge fdb del 02:00:00:00:00:0d dev eth0 -> rc=0
### bridge fdb del 02:00:00:00:00:0d dev eth0 -> rc=255
E|RTNETLINK answers: No such file or directory$
### bridge fdb del 02:00:00:00:01:01 dev br0 -> rc=255
E|RTNETLINK answers: No such file or directory$
### bridge fdb del 02:00:00:00:00:0f dev br0 -> rc=0
### bridge fdb del 02:00:00:00:01:01 dev eth0 master -> rc=0
### bridge fdb del 02:00:00:00:01:01 dev lo -> rc=255
E|Error: FDB delete only supported for Ethernet devices.$
### bridge fdb del 02:00:00:00:00:0e dev eth1 static -> rc=255
E|RTNETLINK answers: Invalid argument$
### bridge fdb show br br0 -> rc=0
O|33:33:00:00:00:01 dev br0 self permanent$
O|02:00:00:00:00:14 dev eth0 master br0 permanent$
O|01:02:03:04:05:06 dev eth0 master br0 permanent$
O|02:00:00:00:00:0b dev eth0 master br0 static$
O|02:00:00:00:00:14 dev eth0 self permanent$
O|33:33:00:00:00:01 dev eth0 self permanent$
### bridge fdb xyz -> rc=255
E|Command "xyz" is unknown, try "bridge fdb help".$
### bridge fdb help -> rc=255
@FDB_USAGE
### bridge link set dev eth0 learning off -> rc=0
### bridge link set dev eth0 flood off -> rc=0
### bridge link set dev eth0 hairpin on -> rc=0
### bridge link set dev eth0 cost 7 -> rc=0
### bridge link set dev eth0 priority 5 -> rc=0
### bridge link set dev eth0 learning maybe -> rc=234
E|Error: argument of "learning" must be one of "off", "on", not "maybe"$
### bridge link set dev eth0 cost 0 -> rc=0
### bridge link set dev eth0 cost 70000 -> rc=255
E|RTNETLINK answers: Numerical result out of range$
### bridge link set dev eth0 priority 64 -> rc=255
E|RTNETLINK answers: Numerical result out of range$
### bridge link set dev eth0 priority -1 -> rc=0
### bridge link set dev eth1 learning off -> rc=255
E|RTNETLINK answers: Operation not supported$
### bridge link set dev br0 learning off -> rc=255
E|RTNETLINK answers: Operation not supported$
### bridge link set dev nope learning off -> rc=255
E|Cannot find bridge device "nope"$
### bridge link set learning off -> rc=255
E|Device is a required argument.$
### bridge link set dev eth0 -> rc=0
### bridge link set dev eth0 state forwarding -> rc=255
E|RTNETLINK answers: Network is down$
### bridge link set dev eth0 state 9 -> rc=255
E|RTNETLINK answers: Invalid argument$
### bridge link set dev eth0 state bogus -> rc=255
E|Error: invalid STP port state$
### bridge link set dev eth0 self learning on -> rc=255
E|RTNETLINK answers: Operation not supported$
### bridge link set dev eth0 master learning on -> rc=0
### bridge -d link -> rc=0
O|4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority <+>
5 cost 7 $
O|    hairpin on guard off root_block off fastleave off learning on flood off mcast_flood<+>
 on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off<+>
 isolated off locked off $
### bridge link show dev eth3 -> rc=0
### bridge link show dev nope -> rc=255
E|Cannot find device "nope"$
### bridge link show dev eth0 dev eth2 -> rc=255
E|Error: duplicate "dev": "eth2" is the second value.$
### bridge link xyz -> rc=255
E|Command "xyz" is unknown, try "bridge link help".$
### bridge -> rc=255
@USAGE
### bridge foo -> rc=255
E|Object "foo" is unknown, try "bridge help".$
### bridge -x link -> rc=255
E|Option "-x" is unknown, try "bridge help".$
### bridge -V -> rc=0
O|bridge utility, 6.1.0$
### bridge vlan -> rc=0
O|port              vlan-id  $
### bridge -j vlan -> rc=0
O|[]$
### brctl addif br0 eth2 -> rc=0
### ip link set eth3 up -> rc=0
### ip link set eth2 up -> rc=0
### ip link set br0 up -> rc=0
### bridge -s link -> rc=0
O|4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority <+>
5 cost 7 $
O|6: eth2@eth3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state forwarding pr<+>
iority 32 cost 2 $
### bridge link -> rc=0
O|4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority <+>
5 cost 7 $
O|6: eth2@eth3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state forwarding pr<+>
iority 32 cost 2 $
### bridge link set dev eth2 state blocking -> rc=0
### bridge link set dev eth2 state learning -> rc=0
### bridge link -> rc=0
O|4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority <+>
5 cost 7 $
O|6: eth2@eth3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br0 state learning prio<+>
rity 32 cost 2 $
### bridge link set dev eth0 state forwarding -> rc=255
E|RTNETLINK answers: Network is down$
### bridge link set dev eth2 state 0 -> rc=0
### bridge -j link -> rc=0
O|[{"ifindex":4,"link":"eth1","ifname":"eth0","flags":["BROADCAST","MULTICAST","M-DOWN"],<+>
"mtu":1500,"master":"br0","state":"disabled","priority":5,"cost":7},{"ifindex":6,"link":"<+>
eth3","ifname":"eth2","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"maste<+>
r":"br0","state":"disabled","priority":32,"cost":2}]$
### bridge fdb show br br0 -> rc=0
O|33:33:00:00:00:01 dev br0 self permanent$
O|01:00:5e:00:00:6a dev br0 self permanent$
O|33:33:00:00:00:6a dev br0 self permanent$
O|01:00:5e:00:00:01 dev br0 self permanent$
O|02:00:00:00:00:14 dev eth0 master br0 permanent$
O|01:02:03:04:05:06 dev eth0 master br0 permanent$
O|02:00:00:00:00:0b dev eth0 master br0 static$
O|02:00:00:00:00:14 dev eth0 self permanent$
O|33:33:00:00:00:01 dev eth0 self permanent$
O|02:00:00:00:00:30 dev eth2 master br0 permanent$
O|33:33:00:00:00:01 dev eth2 self permanent$
O|01:00:5e:00:00:01 dev eth2 self permanent$
### bridge -s -j fdb show dev eth2 -> rc=0
O|[{"mac":"02:00:00:00:00:30","used":0,"updated":0,"flags":[],"master":"br0","state":"per<+>
manent"},{"mac":"33:33:00:00:00:01","flags":["self"],"state":"permanent"},{"mac":"01:00:5<+>
e:00:00:01","flags":["self"],"state":"permanent"}]$
"""


def test_session_recorded_on_linux(host: netsim.Host) -> None:
    BRIDGE.replay(host, parse_transcript(REAL_SESSION, err_markers=MARKERS))


# ----------------------------------------------------------------------------- fdb show
def learned_world():
    """The fdb_learning recording's world: br0 with eth0 (LAN) and tap0 (a VM), traffic."""
    from lab_builders import VM1, bridge_with_taps_and_lan, raw_frame

    lab, host, lan, vms = bridge_with_taps_and_lan(taps=1)
    vms[0].write(raw_frame(b"\xff" * 6, VM1))
    lab.run(0.5)
    lan.sh("ip neigh add 10.0.0.10 lladdr 52:54:00:00:00:01 dev eth0")
    lan.sh("ping -c 1 -W 1 -n 10.0.0.10")
    return lab, host


FDB_TEXT = """\
02:00:00:00:02:01 dev eth0 master br0 \n02:00:00:00:01:01 dev eth0 master br0 permanent
33:33:00:00:00:01 dev eth0 self permanent
01:00:5e:00:00:01 dev eth0 self permanent
33:33:00:00:00:01 dev br0 self permanent
01:00:5e:00:00:6a dev br0 self permanent
33:33:00:00:00:6a dev br0 self permanent
01:00:5e:00:00:01 dev br0 self permanent
52:54:00:00:00:01 dev tap0 master br0 \n"""


def test_fdb_show_order_and_trailing_space_as_recorded() -> None:
    """Per device by ifindex (here the cabled eth0 came first): the bridge's entries for it,
    newest first, then its own lists; the bridge's own lists in its turn."""
    _lab, host = learned_world()
    out = ok(host, "bridge fdb show br br0")
    assert out.startswith(FDB_TEXT)
    assert out.endswith("fe:54:00:00:00:01 dev tap0 master br0 permanent\n"
                        "33:33:00:00:00:01 dev tap0 self permanent\n"
                        "01:00:5e:00:00:01 dev tap0 self permanent\n")


def test_fdb_show_dev_leaves_out_the_device_name() -> None:
    _lab, host = learned_world()
    assert json.loads(ok(host, "bridge -j fdb show dev tap0")) == [
        {"mac": "52:54:00:00:00:01", "flags": [], "master": "br0", "state": ""},
        {"mac": "fe:54:00:00:00:01", "flags": [], "master": "br0", "state": "permanent"},
        {"mac": "33:33:00:00:00:01", "flags": ["self"], "state": "permanent"},
        {"mac": "01:00:5e:00:00:01", "flags": ["self"], "state": "permanent"}]
    assert ok(host, "bridge fdb show brport tap0 dynamic") == "52:54:00:00:00:01 master br0 \n"


def test_fdb_show_dynamic_keeps_static_entries_but_not_permanent_ones() -> None:
    _lab, host = learned_world()
    ok(host, "bridge fdb add 02:00:00:00:00:99 dev tap0 master static")
    assert ok(host, "bridge fdb show br br0 dynamic") == (
        "02:00:00:00:02:01 dev eth0 master br0 \n"
        "02:00:00:00:00:99 dev tap0 master br0 static\n"
        "52:54:00:00:00:01 dev tap0 master br0 \n")
    assert ok(host, "bridge fdb show state static") == (
        "02:00:00:00:00:99 dev tap0 master br0 static\n")
    assert ok(host, "bridge fdb show state reachable dev eth0") == "02:00:00:00:02:01 master br0 \n"
    assert ok(host, "bridge fdb show vlan 1") == ""


def test_fdb_entries_age_and_show_stale_until_collected() -> None:
    lab, host = learned_world()
    ok(host, "ip link set br0 type bridge ageing_time 300")  # 3 s
    br = host.ns.get("br0")
    br.fdb.stop_gc()  # hold the collector back: an expired entry is shown "stale"
    lab.run(3.5)
    assert "52:54:00:00:00:01 dev tap0 master br0 stale\n" in ok(host, "bridge fdb show")
    br.fdb.start_gc(0.0)
    lab.run(0.1)
    assert ok(host, "bridge fdb show br br0 dynamic") == ""


def test_fdb_statistics_count_whole_seconds() -> None:
    from lab_builders import VM1, bridge_with_taps_and_lan, raw_frame

    lab, host, _lan, vms = bridge_with_taps_and_lan(taps=1)
    vms[0].write(raw_frame(b"\xff" * 6, VM1))
    lab.run(3.5)
    out = ok(host, "bridge -s fdb show dev tap0")
    assert out.startswith("52:54:00:00:00:01 used 3/3 master br0 \n")
    first = json.loads(ok(host, "bridge -s -j fdb show dev tap0"))[0]
    assert list(first) == ["mac", "used", "updated", "flags", "master", "state"]
    assert (first["used"], first["updated"]) == (3, 3)


def test_fdb_show_pretty_json(host: netsim.Host) -> None:
    ok(host, "ip link add br0 type bridge")
    assert ok(host, "bridge -j -p fdb show dev br0") == (
        '[ {\n        "mac": "33:33:00:00:00:01",\n        "flags": [ "self" ],\n'
        '        "state": "permanent"\n    } ]\n')
    assert ok(host, "bridge -json fdb show br lo") == "[]\n"


@pytest.mark.parametrize(("cmd", "rc", "message"), [
    ("bridge fdb show br nope", 255, 'Cannot find bridge device "nope"\n'),
    ("bridge fdb show dev nope", 255, 'Cannot find device "nope"\n'),
    ("bridge fdb show brport", 255, 'Command line is not complete. Try option "help"\n'),
    ("bridge fdb show state foo", 255, 'Error: argument "foo" is wrong: invalid state\n'),
    ("bridge fdb show vlan 2 vlan 3", 255, 'Error: duplicate "vlan": "3" is the second value.\n'),
    ("bridge fdb show help", 255, bridge_cmd.FDB_USAGE),
    ("bridge fdb get 02:00:00:00:00:01 dev eth0", 2,
     "netsim: bridge fdb get is not simulated\n"),
    ("bridge fdb flush dev br0", 2, "netsim: bridge fdb flush is not simulated\n"),
])
def test_fdb_show_errors(host: netsim.Host, cmd: str, rc: int, message: str) -> None:
    ok(host, "ip link add br0 type bridge")
    refused(host, cmd, rc, message)


def test_ifN_names_a_device_by_number(host: netsim.Host) -> None:
    ok(host, "ip link add br0 type bridge")
    assert ok(host, "bridge fdb show dev if2") == "33:33:00:00:00:01 self permanent\n"
    assert ok(host, "bridge fdb show dev if9") == ""


# ----------------------------------------------------------------------------- fdb add/del
def port_host() -> netsim.Host:
    host = new_host()
    ok(host, "ip link add br0 type bridge")
    ok(host, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1")
    ok(host, "ip link set eth0 master br0")
    return host


def entry(host: netsim.Host, mac: str):
    from netsim.packets.addr import mac_aton

    return host.ns.get("br0").fdb.find(mac_aton(mac))


def test_fdb_add_states() -> None:
    host = port_host()
    ok(host, "bridge fdb add 02:00:00:00:00:0a dev eth0 master")  # no state: permanent
    ok(host, "bridge fdb add 02:00:00:00:00:0b dev eth0 master static")
    e = entry(host, "02:00:00:00:00:0a")
    assert (e.is_local, e.is_static, e.added_by_user, e.port.dev.name) == (True, True, True,
                                                                         "eth0")
    e = entry(host, "02:00:00:00:00:0b")
    assert (e.is_local, e.is_static) == (False, True)
    ok(host, "bridge fdb replace 02:00:00:00:00:0a dev eth0 master static")
    assert not entry(host, "02:00:00:00:00:0a").is_local
    ok(host, "ip link set eth1 up && ip link set eth0 up && ip link set br0 up")
    ok(host, "bridge fdb add 02:00:00:00:00:0c dev eth0 master dynamic")
    e = entry(host, "02:00:00:00:00:0c")
    assert (e.is_local, e.is_static, e.added_by_user) == (False, False, True)
    host.lab.run(301)  # a dynamic entry ages like a learned one
    assert entry(host, "02:00:00:00:00:0c") is None
    assert entry(host, "02:00:00:00:00:0b") is not None


def test_fdb_use_learns_as_a_frame_would() -> None:
    host = port_host()
    ok(host, "bridge fdb add 02:00:00:00:00:0d dev eth0 master use")  # port disabled: no-op
    assert entry(host, "02:00:00:00:00:0d") is None
    ok(host, "ip link set eth1 up && ip link set eth0 up && ip link set br0 up")
    ok(host, "bridge fdb add 02:00:00:00:00:0d dev eth0 master use")
    e = entry(host, "02:00:00:00:00:0d")
    assert (e.is_static, e.added_by_user) == (False, True)


def test_fdb_self_entries_live_in_the_device() -> None:
    host = port_host()
    ok(host, "bridge fdb add 02:00:00:00:00:0e dev eth1")
    ok(host, "bridge fdb append 02:00:00:00:00:0e dev eth1")  # no NLM_F_EXCL: fine
    ok(host, "bridge fdb add 01:00:5e:01:02:03 dev eth1")
    assert ok(host, "bridge fdb show dev eth1") == (
        "02:00:00:00:00:0e self permanent\n33:33:00:00:00:01 self permanent\n"
        "01:00:5e:01:02:03 self permanent\n")
    ok(host, "bridge fdb del 33:33:00:00:00:01 dev eth1")  # a group the kernel joined
    ok(host, "bridge fdb del 02:00:00:00:00:0e dev eth1")
    assert ok(host, "bridge fdb show dev eth1") == "01:00:5e:01:02:03 self permanent\n"
    refused(host, "bridge fdb del 02:00:00:00:00:0e dev eth1", 255,
            "RTNETLINK answers: No such file or directory\n")
    ok(host, "bridge fdb add 33:33:00:00:00:01 dev eth1")
    assert "33:33:00:00:00:01" in ok(host, "bridge fdb show dev eth1")


def test_fdb_bridge_own_entries() -> None:
    host = port_host()
    ok(host, "bridge fdb add 02:00:00:00:00:0f dev br0")
    assert "02:00:00:00:00:0f dev br0 master br0 permanent\n" in ok(host, "bridge fdb")
    assert entry(host, "02:00:00:00:00:0f").port is None
    refused(host, "bridge fdb del 02:00:00:00:01:01 dev br0", 255,
            "RTNETLINK answers: No such file or directory\n")
    ok(host, "bridge fdb del 02:00:00:00:00:0f dev br0")
    assert entry(host, "02:00:00:00:00:0f") is None


def test_fdb_del_of_a_port_own_address() -> None:
    host = port_host()
    ok(host, "bridge fdb del 02:00:00:00:01:01 dev eth0 master")
    assert entry(host, "02:00:00:00:01:01") is None


@pytest.mark.parametrize(("cmd", "message"), [
    ("bridge fdb add 02:00:00:00:01:01 dev eth0 master", "RTNETLINK answers: File exists\n"),
    ("bridge fdb add 02:00:00:00:00:0c dev eth0 master dynamic",
     "RTNETLINK answers: Operation not permitted\n"),
    ("bridge fdb add 02:00:00:00:00:0e dev eth1 master",
     "RTNETLINK answers: Operation not supported\n"),
    ("bridge fdb add 02:00:00:00:00:10 dev br0 master",
     "RTNETLINK answers: Operation not supported\n"),
    ("bridge fdb add 02:00:00:00:00:11 dev br0 static", "RTNETLINK answers: Invalid argument\n"),
    ("bridge fdb add 02:00:00:00:00:11 dev eth1 static",
     "RTNETLINK answers: Invalid argument\n"),
    ("bridge fdb add 02:00:00:00:00:12 dev lo",
     "Error: FDB add only supported for Ethernet devices.\n"),
    ("bridge fdb add 02:00:00:00:00:12 dev tun0",
     "Error: FDB add only supported for Ethernet devices.\n"),
    ("bridge fdb del 02:00:00:00:00:12 dev lo",
     "Error: FDB delete only supported for Ethernet devices.\n"),
    ("bridge fdb add 00:00:00:00:00:00 dev eth0 master", "RTNETLINK answers: Invalid argument\n"),
    ("bridge fdb add 02:00:00:00:00:15 dev eth0 master vlan 5",
     "RTNETLINK answers: Invalid argument\n"),
    ("bridge fdb add 02:00:00:00:00:15 dev eth0 master vlan 0", "Error: invalid vlan id.\n"),
    ("bridge fdb add 02:00:00:00:00:15 dev eth0 master sticky",
     "RTNETLINK answers: Invalid argument\n"),
    ("bridge fdb add zz dev eth0 master", "Invalid mac address zz\n"),
    ("bridge fdb add 02:00:00:00:00:12 dev eth9 master", 'Cannot find device "eth9"\n'),
    ("bridge fdb add 02:00:00:00:00:12 master", "Device and address are required arguments.\n"),
    ("bridge fdb del dev eth0", "Device and address are required arguments.\n"),
    ("bridge fdb add a b dev eth0", 'Error: either "to" is duplicate, or "b" is a garbage.\n'),
    ("bridge fdb add 02:00:00:00:00:12 dev", 'Command line is not complete. Try option "help"\n'),
    ("bridge fdb del 02:00:00:00:00:77 dev eth0 master",
     "RTNETLINK answers: No such file or directory\n"),
    ("bridge fdb del 02:00:00:00:01:01 dev eth1 master",
     "RTNETLINK answers: Operation not supported\n"),
    ("bridge fdb del 02:00:00:00:01:01 dev eth0", "RTNETLINK answers: No such file or directory\n"),
    ("bridge fdb xyz", 'Command "xyz" is unknown, try "bridge fdb help".\n'),
    ("bridge fdb help", bridge_cmd.FDB_USAGE),
])
def test_fdb_modify_errors(cmd: str, message: str) -> None:
    host = port_host()
    ok(host, "ip tuntap add tun0 mode tun")
    refused(host, cmd, 255, message)


def test_fdb_vxlan_options_are_not_simulated() -> None:
    host = port_host()
    refused(host, "bridge fdb add 02:00:00:00:00:01 dev eth0 dst 10.0.0.1", 2,
            'netsim: the VXLAN fdb option "dst" is not simulated\n')


# ----------------------------------------------------------------------------- link
def test_link_names_a_foreign_peer_by_a_local_number() -> None:
    """No namespace id in this dump: the peer's ifindex is looked up here (br0 is 2 too)."""
    lab = netsim.Lab(seed=0)
    host, lan = lab.host("host"), lab.host("lan")
    ok(host, "ip link add br0 type bridge")
    ok(host, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth0 "
             "address 02:00:00:00:02:01 netns lan")
    ok(host, "ip link set eth0 master br0")
    assert ok(host, "bridge link") == ("3: eth0@br0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 "
                                       "master br0 state disabled priority 32 cost 2 \n")
    ok(host, "ip link set br0 up")
    assert json.loads(ok(host, "bridge -j link"))[0]["link"] == "br0"
    assert "M-DOWN" not in ok(host, "bridge link")
    for name in ("x1", "x2", "x3"):  # give the lan side a number nobody has here
        ok(lan, f"ip link add {name} type veth peer name {name}p")
    ok(lan, "ip link del eth0")
    ok(host, "ip link add eth5 type veth peer name eth5 netns lan")
    ok(host, "ip link set eth5 master br0")
    peer = host.ns.get("eth5").iflink()
    assert host.ns.by_index(peer) is None
    assert f"eth5@if{peer}: <BROADCAST,MULTICAST>" in ok(host, "bridge link")


def test_link_set_changes_forwarding_behaviour() -> None:
    from lab_builders import VM1, bridge_with_taps_and_lan, raw_frame

    lab, host, _lan, vms = bridge_with_taps_and_lan(taps=1)
    ok(host, "bridge link set dev tap0 learning off")
    vms[0].write(raw_frame(b"\xff" * 6, VM1))
    lab.run(0.1)
    assert entry(host, "52:54:00:00:00:01") is None
    ok(host, "bridge link set dev tap0 learning on flood off hairpin on cost 9 priority 3")
    port = host.ns.get("tap0").br_port
    assert (port.learning, port.flood, port.hairpin, port.path_cost, port.priority) == (
        True, False, True, 9, 3)
    assert host.fs.read("/sys/class/net/tap0/brport/port_id") == "0xc02\n"


def test_link_set_applies_flags_before_checking_the_cost() -> None:
    """br_setport(): the flags are set, then cost fails -- as on Linux."""
    host = port_host()
    assert run(host, "bridge link set dev eth0 learning off cost 70000") == (
        255, "", "RTNETLINK answers: Numerical result out of range\n")
    assert host.ns.get("eth0").br_port.learning is False
    assert host.ns.get("eth0").br_port.path_cost == 2


def test_link_set_state() -> None:
    host = port_host()
    refused(host, "bridge link set dev eth0 state forwarding", 255,
            "RTNETLINK answers: Network is down\n")
    ok(host, "ip link set eth1 up && ip link set eth0 up && ip link set br0 up")
    port = host.ns.get("eth0").br_port
    ok(host, "bridge link set dev eth0 state blocking")  # STP off: forwarding at once
    assert port.state == "forwarding"
    ok(host, "bridge link set dev eth0 state 2")
    assert port.state == "learning"
    assert not host.ns.get("br0").carrier  # no port forwards any more
    ok(host, "bridge link set dev eth0 state forwarding")
    assert host.ns.get("br0").carrier
    ok(host, "ip link set br0 type bridge stp_state 1")
    refused(host, "bridge link set dev eth0 state 0", 255,
            "RTNETLINK answers: Device or resource busy\n")


@pytest.mark.parametrize(("cmd", "rc", "message"), [
    ("bridge link set dev eth0 learning maybe", 234,
     'Error: argument of "learning" must be one of "off", "on", not "maybe"\n'),
    ("bridge link set dev eth0 cost 70000", 255,
     "RTNETLINK answers: Numerical result out of range\n"),
    ("bridge link set dev eth0 priority 64", 255,
     "RTNETLINK answers: Numerical result out of range\n"),
    ("bridge link set dev eth0 priority 70000", 255,
     "RTNETLINK answers: Numerical result out of range\n"),
    ("bridge link set dev eth1 learning off", 255, "RTNETLINK answers: Operation not supported\n"),
    ("bridge link set dev br0 learning off", 255, "RTNETLINK answers: Operation not supported\n"),
    ("bridge link set dev eth0 self learning off", 255,
     "RTNETLINK answers: Operation not supported\n"),
    ("bridge link set dev nope learning off", 255, 'Cannot find bridge device "nope"\n'),
    ("bridge link set learning off", 255, "Device is a required argument.\n"),
    ("bridge link set dev eth0 state 9", 255, "RTNETLINK answers: Invalid argument\n"),
    ("bridge link set dev eth0 state bogus", 255, "Error: invalid STP port state\n"),
    ("bridge link set dev eth0 foo", 255, bridge_cmd.LINK_USAGE),
    ("bridge link set dev eth0 learning", 255, 'Command line is not complete. Try option "help"\n'),
    ("bridge link set dev eth0 fastleave on", 2,
     'netsim: the bridge port option "fastleave" is not simulated\n'),
    ("bridge link show dev nope", 255, 'Cannot find device "nope"\n'),
    ("bridge link show dev eth0 dev eth0", 255,
     'Error: duplicate "dev": "eth0" is the second value.\n'),
    ("bridge link xyz", 255, 'Command "xyz" is unknown, try "bridge link help".\n'),
    ("bridge link help", 255, bridge_cmd.LINK_USAGE),
])
def test_link_errors(cmd: str, rc: int, message: str) -> None:
    refused(port_host(), cmd, rc, message)


def test_link_set_without_changes_and_values_not_sent() -> None:
    host = port_host()
    for cmd in ("bridge link set dev eth0", "bridge link set dev eth0 cost 0",
                "bridge link set dev eth0 cost abc", "bridge link set dev eth0 priority -1",
                "bridge link set dev br0 self"):
        before = world(host)
        ok(host, cmd)
        assert world(host) == before, cmd


def test_link_oneline_details() -> None:
    host = port_host()
    assert ok(host, "bridge -o -d link show dev eth0") == (
        "4: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority "
        "32 cost 2 \\    hairpin off guard off root_block off fastleave off learning on flood on "
        "mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off "
        "vlan_tunnel off isolated off locked off \n")


# ----------------------------------------------------------------------------- global options
@pytest.mark.parametrize(("cmd", "rc", "out", "err"), [
    ("bridge", 255, "", bridge_cmd.USAGE),
    ("bridge help", 255, "", bridge_cmd.USAGE),
    ("bridge -h", 255, "", bridge_cmd.USAGE),
    ("bridge -V", 0, "bridge utility, 6.1.0\n", ""),
    ("bridge -Version link", 0, "bridge utility, 6.1.0\n", ""),
    ("bridge foo", 255, "", 'Object "foo" is unknown, try "bridge help".\n'),
    ("bridge -x link", 255, "", 'Option "-x" is unknown, try "bridge help".\n'),
    ("bridge -ts fdb", 255, "", 'Option "-ts" is unknown, try "bridge help".\n'),
    ("bridge -family foo link", 255, "",
     'Error: argument "foo" is wrong: invalid protocol family\n'),
    ("bridge -n x link", 2, "", "netsim: bridge -netns is not simulated\n"),
    ("bridge mdb", 2, "", "netsim: bridge mdb is not simulated\n"),
    ("bridge monitor", 2, "", "netsim: bridge monitor is not simulated\n"),
    ("bridge vlan add vid 5 dev lo", 2, "", "netsim: bridge vlan add is not simulated\n"),
    ("bridge vlan", 0, "port              vlan-id  \n", ""),
    ("bridge vlan show dev lo", 0, "port              vlan-id  \n", ""),
    ("bridge -s vlan", 0, "port              vlan-id\n", ""),
    ("bridge -j vlan", 0, "[]\n", ""),
    ("bridge -j -p vlan", 0, "[ ]\n", ""),
])
def test_global_options_and_objects(cmd: str, rc: int, out: str, err: str) -> None:
    refused(port_host(), cmd, rc, err, out)


@pytest.mark.parametrize("cmd", ["bridge -- link", "bridge --json link", "bridge -c link",
                                 "bridge -color=never link", "bridge -t -4 -d -s link",
                                 "bridge -family inet link", "bridge l", "bridge f s"])
def test_accepted_option_spellings(cmd: str) -> None:
    assert run(port_host(), cmd)[0] == 0


def test_parse_mac_like_sscanf() -> None:
    assert bridge_cmd.parse_mac("1:2:3:4:5:6:7") == bytes([1, 2, 3, 4, 5, 6])
    assert bridge_cmd.parse_mac("0x1:2:3:4:5:1ff") == bytes([1, 2, 3, 4, 5, 0xFF])
    assert bridge_cmd.parse_mac("1:2:3:4:5") is None
    assert bridge_cmd.parse_mac("1-2-3-4-5-6") is None


def test_netlink_error_text() -> None:
    assert bridge_cmd.NetlinkError(errno.EEXIST).text() == "RTNETLINK answers: File exists\n"
    assert bridge_cmd.NetlinkError(errno.EINVAL, "x").text() == "Error: x.\n"
