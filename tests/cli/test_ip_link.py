"""`ip link` against the real thing: every expected text below was produced by iproute2 6.1.0
on Linux 6.18 (in a fresh network namespace with IPv6 off and lo up, as the recordings do).

Each error case also checks that the refused command left the simulated world exactly as
it was (devices, addresses, routes, neighbours, tun/tap devices, all as `ip -j -d` sees them).
"""

from __future__ import annotations

import json
from functools import partial

import pytest
from cli import iproute_helpers
from cli.iproute_helpers import MORE_SETUP, run, world

from netsim.cli.ip import usage
from netsim.cli.ip.args import Args, IpExit, ll_addr_a2n, matches, parse_prefix, strtol
from netsim.cli.ip.render import JsonWriter

# The real tool's text only (hints are tested in test_ping_cli.py).
new_lab = partial(iproute_helpers.new_lab, hints=False)
play = partial(iproute_helpers.play, hints=False)
check_unchanged = partial(iproute_helpers.check_unchanged, hints=False)

# ----------------------------------------------------------------------------- errors
ERROR_SETUP = ["ip link add name br0 type bridge",
               "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
               "address 02:00:00:00:01:02"]

ERRORS = [
    (
        'ip link add set dev eth0 master br0',
        255,
        '',
        'Error: either "dev" is duplicate, or "eth0" is a garbage.\n',
    ),
    (
        'ip link set dev eth0 master br9',
        255,
        '',
        'Error: argument "br9" is wrong: Device does not exist\n\n',
    ),
    ('ip link set dev eth9 master br0', 1, '', 'Cannot find device "eth9"\n'),
    ('ip link set dev br0 master br0', 2, '', 'Error: Can not enslave a bridge to a bridge.\n'),
    ('ip link set dev lo master br0', 2, '', 'RTNETLINK answers: Invalid argument\n'),
    ('ip link set dev eth0 master eth1', 2, '', 'RTNETLINK answers: Operation not supported\n'),
    ('ip link add name br0 type bridge', 2, '', 'RTNETLINK answers: File exists\n'),
    ('ip link add br0 type bridge', 2, '', 'RTNETLINK answers: File exists\n'),
    ('ip link del dev br9', 1, '', 'Cannot find device "br9"\n'),
    ('ip link add br1', 1, '', 'Not enough information: "type" argument is required\n'),
    ('ip link add br1 type foo', 2, '', 'Error: Unknown device type.\n'),
    (
        'ip link add br1 type bridge foo',
        1,
        '',
        'bridge: unknown command "foo"?\n' + usage.BRIDGE_EXPLAIN,
    ),
    ('ip link add br1 type bridge help', 1, '', usage.BRIDGE_EXPLAIN),
    (
        'ip link add br1 type bridge ageing_time x',
        255,
        '',
        'Error: argument "x" is wrong: invalid ageing_time\n',
    ),
    (
        'ip link add br1 type bridge ageing_time',
        255,
        '',
        'Command line is not complete. Try option "help"\n',
    ),
    (
        'ip link add name br1 dev br2 type bridge',
        255,
        '',
        'both "name" and "dev" cannot be used when creating devices.\n',
    ),
    ('ip link add br1 mtu 50 type bridge', 2, '', 'Error: mtu less than device minimum.\n'),
    ('ip link add br1 mtu 70000 type bridge', 2, '', 'Error: mtu greater than device maximum.\n'),
    (
        'ip link add br1 mtu abc type bridge',
        255,
        '',
        'Error: argument "abc" is wrong: Invalid "mtu" value\n\n',
    ),
    (
        'ip link add br1 address 01:00:00:00:00:01 type bridge',
        2,
        '',
        'RTNETLINK answers: Cannot assign requested address\n',
    ),
    ('ip link add br1 address zz type bridge', 1, '', '"zz" is invalid lladdr.\n'),
    (
        'ip link add br1 address 02:00:00:00:00:01:02 type bridge',
        2,
        '',
        'RTNETLINK answers: Invalid argument\n',
    ),
    (
        'ip link add aaaaaaaaaaaaaaaaa type bridge',
        2,
        '',
        'Error: Attribute failed policy validation.\n',
    ),
    (
        'ip link add br/1 type bridge',
        255,
        '',
        'Error: argument "br/1" is wrong: "dev" not a valid ifname\n',
    ),
    ('ip link add br1 type veth peer name eth0', 2, '', 'RTNETLINK answers: File exists\n'),
    ('ip link add br1 type veth peer name br1', 2, '', 'RTNETLINK answers: File exists\n'),
    ('ip link add br1 type veth foo', 1, usage.VETH, ''),
    (
        'ip link add br1 type veth peer name x type bridge',
        255,
        '',
        'Error: duplicate "type": "bridge" is the second value.\n',
    ),
    ('ip link add br1 type dummy', 2, '', 'Error: Unknown device type.\n'),
    ('ip link add t1 type tun', 2, '', 'Error: tun/tap creation via rtnetlink is not supported.\n'),
    ('ip link add link eth9 br1 type bridge', 1, '', 'Cannot find device "eth9"\n'),
    (
        'ip link add b4 type bridge hello_time 50',
        2,
        '',
        'RTNETLINK answers: Numerical result out of range\n',
    ),
    (
        'ip link add b5 type bridge max_age 100',
        2,
        '',
        'RTNETLINK answers: Numerical result out of range\n',
    ),
    (
        'ip link add b10 type bridge group_fwd_mask 1',
        2,
        '',
        'RTNETLINK answers: Invalid argument\n',
    ),
    (
        'ip link add b11 type bridge vlan_filtering 1',
        2,
        '',
        'RTNETLINK answers: Operation not supported\n',
    ),
    (
        'ip link add b17 type bridge priority 70000',
        255,
        '',
        'Error: argument "70000" is wrong: invalid priority\n',
    ),
    (
        'ip link add v9 address 01:00:00:00:00:01 type veth',
        2,
        '',
        'RTNETLINK answers: Cannot assign requested address\n',
    ),
    (
        'ip link add v9 mtu 100 type veth peer name v10 mtu 40',
        2,
        '',
        'RTNETLINK answers: Invalid argument\n',
    ),
    (
        'ip link add v9 type veth peer name v10 address 01:00:00:00:00:01',
        2,
        '',
        'RTNETLINK answers: Cannot assign requested address\n',
    ),
    ('ip link set', 255, '', 'Not enough information: "dev" argument is required.\n'),
    ('ip link set dev', 255, '', 'Command line is not complete. Try option "help"\n'),
    ('ip link set eth9 up', 1, '', 'Cannot find device "eth9"\n'),
    ('ip link set eth0 foo', 255, '', 'Error: either "dev" is duplicate, or "foo" is a garbage.\n'),
    ('ip link set eth0 mtu 10', 2, '', 'Error: mtu less than device minimum.\n'),
    ('ip link set eth0 mtu 70000', 2, '', 'Error: mtu greater than device maximum.\n'),
    (
        'ip link set eth0 address 01:02:03:04:05:06',
        2,
        '',
        'RTNETLINK answers: Cannot assign requested address\n',
    ),
    (
        'ip link set eth0 address 00:00:00:00:00:00',
        2,
        '',
        'RTNETLINK answers: Cannot assign requested address\n',
    ),
    (
        'ip link set eth0 address 02:00:00:00:00:01:05',
        1,
        '',
        'Invalid address length 7 - must be 6 bytes\n',
    ),
    (
        'ip link set br0 address 01:02:03:04:05:06',
        2,
        '',
        'RTNETLINK answers: Cannot assign requested address\n',
    ),
    ('ip link set eth0 name eth1', 2, '', 'RTNETLINK answers: File exists\n'),
    (
        'ip link set eth0 name eth/2',
        255,
        '',
        'Error: argument "eth/2" is wrong: "name" not a valid ifname\n',
    ),
    (
        'ip link set eth0 name aaaaaaaaaaaaaaaaaaaa',
        255,
        '',
        'Error: argument "aaaaaaaaaaaaaaaaaaaa" is wrong: "name" not a valid ifname\n',
    ),
    ('ip link set eth0 name a:b', 2, '', 'RTNETLINK answers: Invalid argument\n'),
    (
        'ip link set eth0 txqueuelen abc',
        255,
        '',
        'Error: argument "abc" is wrong: Invalid "txqueuelen" value\n\n',
    ),
    (
        'ip link set eth0 promisc maybe',
        1,
        '',
        'Error: argument of "promisc" must be "on" or "off", not "maybe"\n',
    ),
    ('ip link set eth0 master', 255, '', 'Command line is not complete. Try option "help"\n'),
    (
        'ip link set eth0 netns foo',
        255,
        '',
        'Error: argument "foo" is wrong: Invalid "netns" value\n\n',
    ),
    ('ip link set eth0 netns 99999', 2, '', 'RTNETLINK answers: No such process\n'),
    (
        'ip link set eth0 index 5',
        255,
        '',
        'index can be used only when creating devices or when moving device to another netn'
        's.\n',
    ),
    (
        'ip link set eth0 type bridge ageing_time 100',
        2,
        '',
        'RTNETLINK answers: Operation not supported\n',
    ),
    (
        'ip link set br0 type foo bar',
        1,
        '',
        'Garbage instead of arguments "bar ...". Try "ip link help".\n',
    ),
    ('ip link set eth0 type veth peer name x', 1, '', 'Cannot find device "x"\n'),
    (
        'ip link set br0 type tun',
        2,
        '',
        'Error: tun/tap creation via rtnetlink is not supported.\n',
    ),
    (
        'ip link set br0 type bridge hello_time 1',
        2,
        '',
        'RTNETLINK answers: Numerical result out of range\n',
    ),
    ('ip link set lo netns 1', 2, '', 'Error: The interface netns is immutable.\n'),
    ('ip link set br0 netns 1', 2, '', 'Error: The interface netns is immutable.\n'),
    ('ip link del', 255, '', 'Not enough information: "dev" argument is required.\n'),
    ('ip link del dev', 255, '', 'Command line is not complete. Try option "help"\n'),
    ('ip link del lo', 2, '', 'RTNETLINK answers: Operation not supported\n'),
    ('ip link del eth0 foo', 255, '', 'Error: either "dev" is duplicate, or "foo" is a garbage.\n'),
    (
        'ip link show dev eth0 dev eth0',
        255,
        '',
        'Error: either "dev" is duplicate, or "eth0" is a garbage.\n',
    ),
    (
        'ip link show eth0 eth1',
        255,
        '',
        'Error: either "dev" is duplicate, or "eth1" is a garbage.\n',
    ),
    ('ip link show nosuch', 1, '', 'Device "nosuch" does not exist.\n'),
    (
        'ip link show master nosuch',
        255,
        '',
        'Error: argument "nosuch" is wrong: Device does not exist\n\n',
    ),
    ('ip link show group', 255, '', 'Command line is not complete. Try option "help"\n'),
    ('ip link s', 255, '', 'Not enough information: "dev" argument is required.\n'),
    ('ip link foo', 255, '', 'Command "foo" is unknown, try "ip link help".\n'),
    ('ip foo', 1, '', 'Object "foo" is unknown, try "ip help".\n'),
    ('ip -foo link', 255, '', 'Option "-foo" is unknown, try "ip -help".\n'),
    ('ip link add h type bridge', 255, '', usage.IPLINK),
    ('ip link set eth0 type veth help', 1, usage.VETH, ''),
]


@pytest.mark.parametrize(("cmd", "rc", "out", "err"), ERRORS, ids=[e[0] for e in ERRORS])
def test_refused_link_command_prints_the_real_error_and_changes_nothing(cmd, rc, out, err):
    check_unchanged(ERROR_SETUP, cmd, rc, out, err)


# ----------------------------------------------------------------------------- flows
FLOW_0 = (['h1'], [
    ('h1', 'ip link add name br0 type bridge', 0, '', ''),
    (
        'h1',
        'ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 address 02:00:'
        '00:00:01:02',
        0,
        '',
        '',
    ),
    ('h1', 'ip link set eth1 up', 0, '', ''),
    ('h1', 'ip link set dev eth0 master br0', 0, '', ''),
    (
        'h1',
        'ip -j link show eth0',
        0,
        '[{"ifindex":4,"link":"eth1","ifname":"eth0","flags":["BROADCAST","MULTICAST"],"mtu'
        '":1500,"qdisc":"noop","master":"br0","operstate":"DOWN","linkmode":"DEFAULT","grou'
        'p":"default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01","broa'
        'dcast":"ff:ff:ff:ff:ff:ff"}]\n',
        '',
    ),
    (
        'h1',
        'ip link show eth0',
        0,
        '4: eth0@eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop master br0 state DOWN mode'
        ' DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    ('h1', 'ip link set eth0 up', 0, '', ''),
    ('h1', 'ip link set br0 up', 0, '', ''),
    (
        'h1',
        'ip -j link show br0',
        0,
        '[{"ifindex":2,"ifname":"br0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mt'
        'u":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default",'
        '"txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01","broadcast":"ff:ff'
        ':ff:ff:ff:ff"}]\n',
        '',
    ),
    (
        'h1',
        'ip link show master br0',
        0,
        '4: eth0@eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 '
        'state UP mode DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    (
        'h1',
        'ip -j link show type bridge',
        0,
        '[{"ifindex":2,"ifname":"br0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mt'
        'u":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default",'
        '"txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01","broadcast":"ff:ff'
        ':ff:ff:ff:ff"}]\n',
        '',
    ),
    (
        'h1',
        'ip -j link show master br0',
        0,
        '[{"ifindex":4,"link":"eth1","ifname":"eth0","flags":["BROADCAST","MULTICAST","UP",'
        '"LOWER_UP"],"mtu":1500,"qdisc":"noqueue","master":"br0","operstate":"UP","linkmode'
        '":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"02:00:0'
        '0:00:01:01","broadcast":"ff:ff:ff:ff:ff:ff"}]\n',
        '',
    ),
    (
        'h1',
        'ip -j link show up',
        0,
        '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdis'
        'c":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen"'
        ':1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:0'
        '0:00:00"},{"ifindex":2,"ifname":"br0","flags":["BROADCAST","MULTICAST","UP","LOWER'
        '_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"'
        'default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01","broadcas'
        't":"ff:ff:ff:ff:ff:ff"},{"ifindex":3,"link":"eth0","ifname":"eth1","flags":["BROAD'
        'CAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","'
        'linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":'
        '"02:00:00:00:01:02","broadcast":"ff:ff:ff:ff:ff:ff"},{"ifindex":4,"link":"eth1","i'
        'fname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc"'
        ':"noqueue","master":"br0","operstate":"UP","linkmode":"DEFAULT","group":"default",'
        '"txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01","broadcast":"ff:ff'
        ':ff:ff:ff:ff"}]\n',
        '',
    ),
    (
        'h1',
        'ip -br link',
        0,
        'lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n'
        'br0              UP             02:00:00:00:01:01 <BROADCAST,MULTICAST,UP,LOWER_UP'
        '> \n'
        'eth1@eth0        UP             02:00:00:00:01:02 <BROADCAST,MULTICAST,UP,LOWER_UP'
        '> \n'
        'eth0@eth1        UP             02:00:00:00:01:01 <BROADCAST,MULTICAST,UP,LOWER_UP'
        '> \n',
        '',
    ),
    (
        'h1',
        'ip -br -j link show eth0',
        0,
        '[{"link":"eth1","ifname":"eth0","operstate":"UP","address":"02:00:00:00:01:01","fl'
        'ags":["BROADCAST","MULTICAST","UP","LOWER_UP"]}]\n',
        '',
    ),
    (
        'h1',
        'ip -o link show br0',
        0,
        '2: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEF'
        'AULT group default qlen 1000\\    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:'
        'ff\n',
        '',
    ),
    (
        'h1',
        'ip -d link show eth0',
        0,
        '4: eth0@eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 '
        'state UP mode DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff promiscuity 1  allmulti 1 m'
        'inmtu 68 maxmtu 65535 \n'
        '    veth \n'
        '    bridge_slave state forwarding priority 32 cost 2 hairpin off guard off root_bl'
        'ock off fastleave off learning on flood on port_id 0x8001 port_no 0x1 designated_p'
        'ort 32769 designated_cost 0 designated_bridge 8000.2:0:0:0:1:1 designated_root 800'
        '0.2:0:0:0:1:1 hold_timer    0.00 message_age_timer    0.00 forward_delay_timer   1'
        '4.92 topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off mcast'
        '_router 1 mcast_fast_leave off mcast_flood on bcast_flood on mcast_to_unicast off '
        'neigh_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 vlan_tunnel off isolate'
        'd off locked off addrgenmode eui64 numtxqueues 2 numrxqueues 2 gso_max_size 65536 '
        'gso_max_segs 65535 tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 \n',
        '',
    ),
    (
        'h1',
        'ip -d -j link show eth1',
        0,
        '[{"ifindex":3,"link":"eth0","ifname":"eth1","flags":["BROADCAST","MULTICAST","UP",'
        '"LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","gr'
        'oup":"default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:02","br'
        'oadcast":"ff:ff:ff:ff:ff:ff","promiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":6'
        '5535,"linkinfo":{"info_kind":"veth"},"inet6_addr_gen_mode":"eui64","num_tx_queues"'
        ':2,"num_rx_queues":2,"gso_max_size":65536,"gso_max_segs":65535,"tso_max_size":5242'
        '80,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    (
        'h1',
        'ip -j -p link show eth0',
        0,
        '[ {\n'
        '        "ifindex": 4,\n'
        '        "link": "eth1",\n'
        '        "ifname": "eth0",\n'
        '        "flags": [ "BROADCAST","MULTICAST","UP","LOWER_UP" ],\n'
        '        "mtu": 1500,\n'
        '        "qdisc": "noqueue",\n'
        '        "master": "br0",\n'
        '        "operstate": "UP",\n'
        '        "linkmode": "DEFAULT",\n'
        '        "group": "default",\n'
        '        "txqlen": 1000,\n'
        '        "link_type": "ether",\n'
        '        "address": "02:00:00:00:01:01",\n'
        '        "broadcast": "ff:ff:ff:ff:ff:ff"\n'
        '    } ]\n',
        '',
    ),
    (
        'h1',
        'ip -s link show eth1',
        0,
        '3: eth1@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mo'
        'de DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    RX:  bytes packets errors dropped  missed   mcast           \n'
        '             0       0      0       0       0       0 \n'
        '    TX:  bytes packets errors dropped carrier collsns           \n'
        '             0       0      0       0       0       0 \n',
        '',
    ),
    (
        'h1',
        'ip -s -j link show lo',
        0,
        '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdis'
        'c":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen"'
        ':1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:0'
        '0:00:00","stats64":{"rx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"over_error'
        's":0,"multicast":0},"tx":{"bytes":0,"packets":0,"errors":0,"dropped":0,"carrier_er'
        'rors":0,"collisions":0}}}]\n',
        '',
    ),
    ('h1', 'ip link set dev eth0 nomaster', 0, '', ''),
    (
        'h1',
        'ip -j link show br0',
        0,
        '[{"ifindex":2,"ifname":"br0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"'
        'mtu":1500,"qdisc":"noqueue","operstate":"DOWN","linkmode":"DEFAULT","group":"defau'
        'lt","txqlen":1000,"link_type":"ether","address":"00:00:00:00:00:00","broadcast":"f'
        'f:ff:ff:ff:ff:ff"}]\n',
        '',
    ),
    ('h1', 'ip link del dev br0', 0, '', ''),
    (
        'h1',
        'ip -j link show',
        0,
        '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdis'
        'c":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen"'
        ':1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:0'
        '0:00:00"},{"ifindex":3,"link":"eth0","ifname":"eth1","flags":["BROADCAST","MULTICA'
        'ST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEF'
        'AULT","group":"default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:0'
        '1:02","broadcast":"ff:ff:ff:ff:ff:ff"},{"ifindex":4,"link":"eth1","ifname":"eth0",'
        '"flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","op'
        'erstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"et'
        'her","address":"02:00:00:00:01:01","broadcast":"ff:ff:ff:ff:ff:ff"}]\n',
        '',
    ),
    (
        'h1',
        'ip link',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT g'
        'roup default qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '3: eth1@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mo'
        'de DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '4: eth0@eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mo'
        'de DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
])

FLOW_1 = (['h1', 'h2'], [
    (
        'h1',
        'ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth0 address 02:00:'
        '00:00:02:01 netns h2',
        0,
        '',
        '',
    ),
    (
        'h1',
        'ip link show eth0',
        0,
        '2: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT gro'
        'up default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff link-netns h2\n',
        '',
    ),
    (
        'h1',
        'ip -j link show eth0',
        0,
        '[{"ifindex":2,"link_index":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST"],"mt'
        'u":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","'
        'txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01","broadcast":"ff:ff:'
        'ff:ff:ff:ff","link_netnsid":0}]\n',
        '',
    ),
    (
        'h2',
        'ip link show eth0',
        0,
        '2: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT gro'
        'up default qlen 1000\n'
        '    link/ether 02:00:00:00:02:01 brd ff:ff:ff:ff:ff:ff link-netns h1\n',
        '',
    ),
    ('h1', 'ip link set eth0 up', 0, '', ''),
    (
        'h1',
        'ip link show eth0',
        0,
        '2: eth0@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN'
        ' mode DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff link-netns h2\n',
        '',
    ),
    (
        'h1',
        'ip link add v1 address 02:00:00:00:03:01 type veth peer name v2 address 02:00:00:0'
        '0:03:02',
        0,
        '',
        '',
    ),
    ('h1', 'ip addr add 10.9.0.1/24 dev v2', 0, '', ''),
    ('h1', 'ip link set v2 netns h2', 0, '', ''),
    (
        'h1',
        'ip link show v1',
        0,
        '4: v1@if3: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group'
        ' default qlen 1000\n'
        '    link/ether 02:00:00:00:03:01 brd ff:ff:ff:ff:ff:ff link-netns h2\n',
        '',
    ),
    (
        'h2',
        'ip link show',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT g'
        'roup default qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '2: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT gro'
        'up default qlen 1000\n'
        '    link/ether 02:00:00:00:02:01 brd ff:ff:ff:ff:ff:ff link-netns h1\n'
        '3: v2@if4: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group'
        ' default qlen 1000\n'
        '    link/ether 02:00:00:00:03:02 brd ff:ff:ff:ff:ff:ff link-netns h1\n',
        '',
    ),
    (
        'h2',
        'ip -j addr show v2',
        0,
        '[{"ifindex":3,"link_index":4,"ifname":"v2","flags":["BROADCAST","MULTICAST"],"mtu"'
        ':1500,"qdisc":"noop","operstate":"DOWN","group":"default","txqlen":1000,"link_type'
        '":"ether","address":"02:00:00:00:03:02","broadcast":"ff:ff:ff:ff:ff:ff","link_netn'
        'sid":0,"addr_info":[]}]\n',
        '',
    ),
    ('h1', 'ip link add br0 type bridge', 0, '', ''),
    ('h1', 'ip link set br0 netns h2', 2, '', 'Error: The interface netns is immutable.\n'),
    ('h1', 'ip link set v1 netns h2', 0, '', ''),
    (
        'h2',
        'ip link show v1',
        0,
        '4: v1@v2: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT'
        ' group default qlen 1000\n'
        '    link/ether 02:00:00:00:03:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    ('h1', 'ip link del eth0', 0, '', ''),
    (
        'h2',
        'ip -j link show',
        0,
        '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdis'
        'c":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen"'
        ':1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:0'
        '0:00:00"},{"ifindex":3,"link":"v1","ifname":"v2","flags":["BROADCAST","MULTICAST",'
        '"M-DOWN"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group'
        '":"default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:03:02","broad'
        'cast":"ff:ff:ff:ff:ff:ff"},{"ifindex":4,"link":"v2","ifname":"v1","flags":["BROADC'
        'AST","MULTICAST","M-DOWN"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode"'
        ':"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"02:00:00'
        ':00:03:01","broadcast":"ff:ff:ff:ff:ff:ff"}]\n',
        '',
    ),
])

FLOW_2 = (['h1'], [
    (
        'h1',
        'ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 address 02:00:'
        '00:00:01:02',
        0,
        '',
        '',
    ),
    ('h1', 'ip link set eth0 mtu 9000 txqueuelen 500 promisc on', 0, '', ''),
    (
        'h1',
        'ip link show eth0',
        0,
        '3: eth0@eth1: <BROADCAST,MULTICAST,PROMISC,M-DOWN> mtu 9000 qdisc noop state DOWN '
        'mode DEFAULT group default qlen 500\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    (
        'h1',
        'ip -d -j link show eth0',
        0,
        '[{"ifindex":3,"link":"eth1","ifname":"eth0","flags":["BROADCAST","MULTICAST","PROM'
        'ISC","M-DOWN"],"mtu":9000,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","'
        'group":"default","txqlen":500,"link_type":"ether","address":"02:00:00:00:01:01","b'
        'roadcast":"ff:ff:ff:ff:ff:ff","promiscuity":1,"allmulti":0,"min_mtu":68,"max_mtu":'
        '65535,"linkinfo":{"info_kind":"veth"},"inet6_addr_gen_mode":"eui64","num_tx_queues'
        '":2,"num_rx_queues":2,"gso_max_size":65536,"gso_max_segs":65535,"tso_max_size":524'
        '280,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    ('h1', 'ip link set eth0 arp off multicast off allmulticast on', 0, '', ''),
    (
        'h1',
        'ip link show eth0',
        0,
        '3: eth0@eth1: <BROADCAST,NOARP,ALLMULTI,PROMISC,M-DOWN> mtu 9000 qdisc noop state '
        'DOWN mode DEFAULT group default qlen 500\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    (
        'h1',
        'ip link set eth0 promisc off allmulticast off arp on multicast on txqueuelen 0',
        0,
        '',
        '',
    ),
    (
        'h1',
        'ip link show eth0',
        0,
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 9000 qdisc noop state DOWN mode DEF'
        'AULT group default \n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    ('h1', 'ip link set eth0 name uplink up', 0, '', ''),
    (
        'h1',
        'ip link show',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT g'
        'roup default qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '2: eth1@uplink: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT '
        'group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '3: uplink@eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 9000 qdisc noqueue '
        'state LOWERLAYERDOWN mode DEFAULT group default \n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    ('h1', 'ip link set name eth9 uplink', 0, '', ''),
    (
        'h1',
        'ip -j link show eth9',
        0,
        '[{"ifindex":3,"link":"eth1","ifname":"eth9","flags":["NO-CARRIER","BROADCAST","MUL'
        'TICAST","UP","M-DOWN"],"mtu":9000,"qdisc":"noqueue","operstate":"LOWERLAYERDOWN","'
        'linkmode":"DEFAULT","group":"default","link_type":"ether","address":"02:00:00:00:0'
        '1:01","broadcast":"ff:ff:ff:ff:ff:ff"}]\n',
        '',
    ),
    ('h1', 'ip link set lo address 02:00:00:00:00:01 mtu 1280', 0, '', ''),
    (
        'h1',
        'ip link show lo',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 1280 qdisc noqueue state UNKNOWN mode DEFAULT gr'
        'oup default qlen 1000\n'
        '    link/loopback 02:00:00:00:00:01 brd 00:00:00:00:00:00\n',
        '',
    ),
    ('h1', 'ip link add type bridge', 0, '', ''),
    ('h1', 'ip link add type veth', 0, '', ''),
    (
        'h1',
        'ip -j link show type veth',
        0,
        '[{"ifindex":2,"link":"eth9","ifname":"eth1","flags":["BROADCAST","MULTICAST"],"mtu'
        '":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","t'
        'xqlen":1000,"link_type":"ether","address":"02:00:00:00:01:02","broadcast":"ff:ff:f'
        'f:ff:ff:ff"},{"ifindex":3,"link":"eth1","ifname":"eth9","flags":["NO-CARRIER","BRO'
        'ADCAST","MULTICAST","UP","M-DOWN"],"mtu":9000,"qdisc":"noqueue","operstate":"LOWER'
        'LAYERDOWN","linkmode":"DEFAULT","group":"default","link_type":"ether","address":"0'
        '2:00:00:00:01:01","broadcast":"ff:ff:ff:ff:ff:ff"},{"ifindex":5,"link":"veth1","if'
        'name":"veth0","flags":["BROADCAST","MULTICAST","M-DOWN"],"mtu":1500,"qdisc":"noop"'
        ',"operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_typ'
        'e":"ether","address":"fa:1f:ad:12:a9:aa","broadcast":"ff:ff:ff:ff:ff:ff"},{"ifinde'
        'x":6,"link":"veth0","ifname":"veth1","flags":["BROADCAST","MULTICAST","M-DOWN"],"m'
        'tu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default",'
        '"txqlen":1000,"link_type":"ether","address":"ca:e1:54:62:dc:dc","broadcast":"ff:ff'
        ':ff:ff:ff:ff"}]\n',
        '',
    ),
    ('h1', 'ip link show type bridge_slave', 0, '', ''),
    ('h1', 'ip link del veth0', 0, '', ''),
    (
        'h1',
        'ip -j link show',
        0,
        '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":1280,"qdisc'
        '":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":'
        '1000,"link_type":"loopback","address":"02:00:00:00:00:01","broadcast":"00:00:00:00'
        ':00:00"},{"ifindex":2,"link":"eth9","ifname":"eth1","flags":["BROADCAST","MULTICAS'
        'T"],"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"def'
        'ault","txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:02","broadcast":'
        '"ff:ff:ff:ff:ff:ff"},{"ifindex":3,"link":"eth1","ifname":"eth9","flags":["NO-CARRI'
        'ER","BROADCAST","MULTICAST","UP","M-DOWN"],"mtu":9000,"qdisc":"noqueue","operstate'
        '":"LOWERLAYERDOWN","linkmode":"DEFAULT","group":"default","link_type":"ether","add'
        'ress":"02:00:00:00:01:01","broadcast":"ff:ff:ff:ff:ff:ff"},{"ifindex":4,"ifname":"'
        'bridge0","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":"noop","operstate":"'
        'DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","ad'
        'dress":"be:0e:39:d3:13:c8","broadcast":"ff:ff:ff:ff:ff:ff"}]\n',
        '',
    ),
])

FLOW_3 = (['h1'], [
    (
        'h1',
        'ip link add br0 address 02:00:00:00:00:99 type bridge ageing_time 5 priority 65535'
        ' group_fwd_mask 0x4000',
        0,
        '',
        '',
    ),
    (
        'h1',
        'ip -d -j link show br0',
        0,
        '[{"ifindex":2,"ifname":"br0","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":'
        '"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"li'
        'nk_type":"ether","address":"02:00:00:00:00:99","broadcast":"ff:ff:ff:ff:ff:ff","pr'
        'omiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"br'
        'idge","info_data":{"forward_delay":1500,"hello_time":200,"max_age":2000,"ageing_ti'
        'me":4,"stp_state":0,"priority":65535,"vlan_filtering":0,"bridge_id":"ffff.2:0:0:0:'
        '0:99","root_id":"ffff.2:0:0:0:0:99","root_port":0,"root_path_cost":0,"topology_cha'
        'nge":0,"topology_change_detected":0,"hello_timer":0.00,"tcn_timer":0.00,"topology_'
        'change_timer":0.00,"gc_timer":0.03,"group_fwd_mask":"0x4000","group_addr":"01:80:c'
        '2:00:00:00","mcast_snooping":1,"no_linklocal_learn":0,"mcast_vlan_snooping":0,"mca'
        'st_router":1,"mcast_query_use_ifaddr":0,"mcast_querier":0,"mcast_hash_elasticity":'
        '16,"mcast_hash_max":4096,"mcast_last_member_cnt":2,"mcast_startup_query_cnt":2,"mc'
        'ast_last_member_intvl":100,"mcast_membership_intvl":26000,"mcast_querier_intvl":25'
        '500,"mcast_query_intvl":12500,"mcast_query_response_intvl":1000,"mcast_startup_que'
        'ry_intvl":3124,"mcast_stats_enabled":0,"mcast_igmp_version":2,"mcast_mld_version":'
        '1,"nf_call_iptables":0,"nf_call_ip6tables":0,"nf_call_arptables":0}},"inet6_addr_g'
        'en_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,"gso_max_size":65536,"gso_max'
        '_segs":65535,"tso_max_size":65536,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    (
        'h1',
        'ip link set br0 type bridge ageing_time 300 hello_time 150 max_age 1000 forward_de'
        'lay 100',
        0,
        '',
        '',
    ),
    (
        'h1',
        'ip -d link show br0',
        0,
        '2: br0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:00:99 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 m'
        'inmtu 68 maxmtu 65535 \n'
        '    bridge forward_delay 100 hello_time 150 max_age 1000 ageing_time 300 stp_state'
        ' 0 priority 65535 vlan_filtering 0 bridge_id ffff.2:0:0:0:0:99 designated_root fff'
        'f.2:0:0:0:0:99 root_port 0 root_path_cost 0 topology_change 0 topology_change_dete'
        'cted 0 hello_timer    0.00 tcn_timer    0.00 topology_change_timer    0.00 gc_time'
        'r    2.98 group_fwd_mask 0x4000 group_address 01:80:c2:00:00:00 mcast_snooping 1 n'
        'o_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 '
        'mcast_querier 0 mcast_hash_elasticity 16 mcast_hash_max 4096 mcast_last_member_cou'
        'nt 2 mcast_startup_query_count 2 mcast_last_member_interval 100 mcast_membership_i'
        'nterval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 mcast_query_'
        'response_interval 1000 mcast_startup_query_interval 3124 mcast_stats_enabled 0 mca'
        'st_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_ca'
        'll_arptables 0 addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gs'
        'o_max_segs 65535 tso_max_size 65536 tso_max_segs 65535 gro_max_size 65536 \n',
        '',
    ),
    ('h1', 'ip link set br0 type bridge stp_state 1', 0, '', ''),
    (
        'h1',
        'ip -d -j link show br0',
        0,
        '[{"ifindex":2,"ifname":"br0","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":'
        '"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"li'
        'nk_type":"ether","address":"02:00:00:00:00:99","broadcast":"ff:ff:ff:ff:ff:ff","pr'
        'omiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"br'
        'idge","info_data":{"forward_delay":200,"hello_time":150,"max_age":1000,"ageing_tim'
        'e":300,"stp_state":1,"priority":65535,"vlan_filtering":0,"bridge_id":"ffff.2:0:0:0'
        ':0:99","root_id":"ffff.2:0:0:0:0:99","root_port":0,"root_path_cost":0,"topology_ch'
        'ange":0,"topology_change_detected":0,"hello_timer":0.00,"tcn_timer":0.00,"topology'
        '_change_timer":0.00,"gc_timer":2.96,"group_fwd_mask":"0x4000","group_addr":"01:80:'
        'c2:00:00:00","mcast_snooping":1,"no_linklocal_learn":0,"mcast_vlan_snooping":0,"mc'
        'ast_router":1,"mcast_query_use_ifaddr":0,"mcast_querier":0,"mcast_hash_elasticity"'
        ':16,"mcast_hash_max":4096,"mcast_last_member_cnt":2,"mcast_startup_query_cnt":2,"m'
        'cast_last_member_intvl":100,"mcast_membership_intvl":26000,"mcast_querier_intvl":2'
        '5500,"mcast_query_intvl":12500,"mcast_query_response_intvl":1000,"mcast_startup_qu'
        'ery_intvl":3124,"mcast_stats_enabled":0,"mcast_igmp_version":2,"mcast_mld_version"'
        ':1,"nf_call_iptables":0,"nf_call_ip6tables":0,"nf_call_arptables":0}},"inet6_addr_'
        'gen_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,"gso_max_size":65536,"gso_ma'
        'x_segs":65535,"tso_max_size":65536,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    (
        'h1',
        'ip link set br0 type bridge forward_delay 100',
        2,
        '',
        'RTNETLINK answers: Numerical result out of range\n',
    ),
    ('h1', 'ip link set br0 type bridge forward_delay 3000 stp_state 0', 0, '', ''),
    (
        'h1',
        'ip -d -j link show br0',
        0,
        '[{"ifindex":2,"ifname":"br0","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":'
        '"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"li'
        'nk_type":"ether","address":"02:00:00:00:00:99","broadcast":"ff:ff:ff:ff:ff:ff","pr'
        'omiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"br'
        'idge","info_data":{"forward_delay":3000,"hello_time":150,"max_age":1000,"ageing_ti'
        'me":300,"stp_state":0,"priority":65535,"vlan_filtering":0,"bridge_id":"ffff.2:0:0:'
        '0:0:99","root_id":"ffff.2:0:0:0:0:99","root_port":0,"root_path_cost":0,"topology_c'
        'hange":0,"topology_change_detected":0,"hello_timer":0.00,"tcn_timer":0.00,"topolog'
        'y_change_timer":0.00,"gc_timer":2.94,"group_fwd_mask":"0x4000","group_addr":"01:80'
        ':c2:00:00:00","mcast_snooping":1,"no_linklocal_learn":0,"mcast_vlan_snooping":0,"m'
        'cast_router":1,"mcast_query_use_ifaddr":0,"mcast_querier":0,"mcast_hash_elasticity'
        '":16,"mcast_hash_max":4096,"mcast_last_member_cnt":2,"mcast_startup_query_cnt":2,"'
        'mcast_last_member_intvl":100,"mcast_membership_intvl":26000,"mcast_querier_intvl":'
        '25500,"mcast_query_intvl":12500,"mcast_query_response_intvl":1000,"mcast_startup_q'
        'uery_intvl":3124,"mcast_stats_enabled":0,"mcast_igmp_version":2,"mcast_mld_version'
        '":1,"nf_call_iptables":0,"nf_call_ip6tables":0,"nf_call_arptables":0}},"inet6_addr'
        '_gen_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,"gso_max_size":65536,"gso_m'
        'ax_segs":65535,"tso_max_size":65536,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    (
        'h1',
        'ip link add br1 address 02:00:00:00:00:98 type bridge stp_state 1 forward_delay 5000',
        0,
        '',
        '',
    ),
    (
        'h1',
        'ip -d -j link show br1',
        0,
        '[{"ifindex":3,"ifname":"br1","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc":'
        '"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"li'
        'nk_type":"ether","address":"02:00:00:00:00:98","broadcast":"ff:ff:ff:ff:ff:ff","pr'
        'omiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"br'
        'idge","info_data":{"forward_delay":3000,"hello_time":200,"max_age":2000,"ageing_ti'
        'me":30000,"stp_state":1,"priority":32768,"vlan_filtering":0,"bridge_id":"8000.2:0:'
        '0:0:0:98","root_id":"8000.2:0:0:0:0:98","root_port":0,"root_path_cost":0,"topology'
        '_change":0,"topology_change_detected":0,"hello_timer":0.00,"tcn_timer":0.00,"topol'
        'ogy_change_timer":0.00,"gc_timer":0.00,"group_fwd_mask":"0","group_addr":"01:80:c2'
        ':00:00:00","mcast_snooping":1,"no_linklocal_learn":0,"mcast_vlan_snooping":0,"mcas'
        't_router":1,"mcast_query_use_ifaddr":0,"mcast_querier":0,"mcast_hash_elasticity":1'
        '6,"mcast_hash_max":4096,"mcast_last_member_cnt":2,"mcast_startup_query_cnt":2,"mca'
        'st_last_member_intvl":100,"mcast_membership_intvl":26000,"mcast_querier_intvl":255'
        '00,"mcast_query_intvl":12500,"mcast_query_response_intvl":1000,"mcast_startup_quer'
        'y_intvl":3124,"mcast_stats_enabled":0,"mcast_igmp_version":2,"mcast_mld_version":1'
        ',"nf_call_iptables":0,"nf_call_ip6tables":0,"nf_call_arptables":0}},"inet6_addr_ge'
        'n_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,"gso_max_size":65536,"gso_max_'
        'segs":65535,"tso_max_size":65536,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    ('h1', 'ip link set br1 type bridge fdb_flush', 0, '', ''),
    ('h1', 'ip link help bridge', 0, usage.BRIDGE_EXPLAIN, ''),
    ('h1', 'ip link help', 255, '', usage.IPLINK),
    ('h1', 'ip link add v1 type veth help', 1, usage.VETH, ''),
])



def test_bridge_enslave_show_formats_release_delete():
    """Text, JSON, -br, -o, -p, -d (bridge port block), -s, filters, M-DOWN..."""
    play(FLOW_0)


def test_veth_across_hosts_and_moving_devices_between_hosts():
    """link-netns NAME / link_index + link_netnsid; `netns` moves; a bridge cannot move."""
    play(FLOW_1)


def test_flags_mtu_qlen_renames_and_default_names():
    play(FLOW_2)


def test_bridge_options_round_trip_through_jiffies():
    """ageing_time 5 reads back 4; STP clamps forward_delay; priority shows in bridge_id."""
    play(FLOW_3)


# ----------------------------------------------------------------------------- recordings
def test_recorded_error_cases_of_iplink_bridge_errors():
    """iplink_bridge_errors: the blog's typo and friends, world unchanged after each."""
    _lab, hosts = new_lab("h1")
    h = hosts["h1"]
    assert run(h, "ip link add name br0 type bridge")[0] == 0
    assert run(h, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
                  "address 02:00:00:00:01:02")[0] == 0
    before = world(hosts)
    assert run(h, "ip link add set dev eth0 master br0") == (
        255, "", 'Error: either "dev" is duplicate, or "eth0" is a garbage.\n')
    assert world(hosts) == before
    assert run(h, "ip link set dev eth0 master br0") == (0, "", "")
    assert run(h, "ip link set dev eth0 master br0") == (0, "", "")  # already there: no-op
    assert run(h, "ip link set br0 up") == (0, "", "")
    assert run(h, "ip link del dev br0") == (0, "", "")  # an up bridge can be deleted
    assert run(h, "ip -j link show eth0")[1] == (
        '[{"ifindex":4,"link":"eth1","ifname":"eth0","flags":["BROADCAST","MULTICAST","M-DOWN"],'
        '"mtu":1500,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default",'
        '"txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01",'
        '"broadcast":"ff:ff:ff:ff:ff:ff"}]\n')
    assert run(h, "ip link del dev br0") == (1, "", 'Cannot find device "br0"\n')


def test_bridge_gc_timer_is_written_raw_with_two_decimals():
    """fdb_ageing: ageing_time 300 cs re-arms the collector: "gc_timer":2.99 after 0.01 s."""
    lab, hosts = new_lab("h1")
    h = hosts["h1"]
    assert run(h, "ip link add name br0 type bridge")[0] == 0
    assert run(h, "ip link set br0 up")[0] == 0
    assert run(h, "ip link set br0 type bridge ageing_time 300") == (0, "", "")
    lab.run(0.01)
    out = run(h, "ip -d -j link show br0")[1]
    assert '"ageing_time":300,' in out
    assert '"gc_timer":2.99,' in out
    assert json.loads(out)[0]["linkinfo"]["info_data"]["gc_timer"] == 2.99


def test_version_help_and_unknown_objects():
    _lab, hosts = new_lab("h1")
    h = hosts["h1"]
    version = (0, "ip utility, iproute2-6.1.0, libbpf 1.1.2\n", "")
    assert run(h, "ip -V") == version
    assert run(h, "ip -Version") == version
    assert run(h, "ip -j -V") == version
    assert run(h, "ip") == (255, "", usage.IP)
    assert run(h, "ip help") == (255, "", usage.IP)
    assert run(h, "ip link help") == (255, "", usage.IPLINK)
    assert run(h, "ip link help bridge") == (0, usage.BRIDGE_EXPLAIN, "")
    assert run(h, "ip link help veth") == (0, usage.VETH, "")
    assert run(h, "ip foo") == (1, "", 'Object "foo" is unknown, try "ip help".\n')
    assert run(h, "ip -foo link") == (255, "", 'Option "-foo" is unknown, try "ip -help".\n')
    assert run(h, "ip xfrm state") == (2, "", 'netsim: "ip xfrm" is not simulated\n')


def test_moving_onto_a_taken_name_is_refused():
    _lab, hosts = new_lab("h1", "h2")
    assert run(hosts["h2"], "ip link add eth1 type veth peer name eth2")[0] == 0
    assert run(hosts["h1"], "ip link add eth0 type veth peer name eth1")[0] == 0
    before = world(hosts)
    assert run(hosts["h1"], "ip link set eth1 netns h2") == (
        2, "", "Error: An interface with the same name exists in the target netns.\n")
    assert world(hosts) == before


def test_unsimulated_options_say_so_and_change_nothing():
    _lab, hosts = new_lab("h1")
    h = hosts["h1"]
    assert run(h, "ip link add br0 type bridge")[0] == 0
    before = world(hosts)
    assert run(h, "ip link set br0 type bridge mcast_snooping 0") == (
        2, "", 'netsim: the bridge option "mcast_snooping" is not simulated\n')
    assert run(h, "ip link set br0 alias uplink") == (2, "", 'netsim: "alias" is not simulated\n')
    assert world(hosts) == before


def test_netns_list_names_the_lab_hosts_with_their_ids():
    _lab, hosts = new_lab("h1", "h2")
    assert run(hosts["h1"], "ip link add eth0 type veth peer name eth0 netns h2")[0] == 0
    assert run(hosts["h1"], "ip netns list") == (0, "h2 (id: 0)\nh1\n", "")
    assert run(hosts["h1"], "ip -j netns") == (
        0, '[{"name":"h2","id":0},{"name":"h1"}]\n', "")


# ----------------------------------------------------------------------------- building blocks
def test_prefix_matching_is_iproute2s():
    assert matches("l", "link") and matches("link", "link")
    assert not matches("", "link") and not matches("links", "link")
    _lab, hosts = new_lab("h1")
    # `ip l s` is `ip link set` (set comes before show) -- which then wants a device
    assert run(hosts["h1"], "ip l s") == (
        255, "", 'Not enough information: "dev" argument is required.\n')


def test_c_number_parsing():
    assert strtol("0x10") == (16, "", False)
    assert strtol("010") == (8, "", False)
    assert strtol(" 12abc", 10) == (12, "abc", False)
    assert strtol("-1", 0, unsigned=True)[0] == (1 << 64) - 1
    assert strtol("xyz") is None


def test_lladdr_and_prefix_parsing():
    assert ll_addr_a2n("2:0:0:0:0:a") == b"\x02\x00\x00\x00\x00\x0a"
    assert ll_addr_a2n("zz") == '"zz" is invalid lladdr.\n'
    pfx = parse_prefix("10.1/16", want_prefix=True)
    assert pfx is not None and pfx.addr == bytes([10, 1, 0, 0]) and pfx.bitlen == 16
    assert parse_prefix("10.0.0.1/33", want_prefix=True) is None
    assert parse_prefix("10.0.0.0/255.255.255.0", want_prefix=True).bitlen == 24


def test_next_arg_runs_out_like_iproute2():
    args = Args(["mtu"])
    with pytest.raises(IpExit) as exc:
        args.next_arg()
    assert exc.value.status == 255
    assert exc.value.stderr == 'Command line is not complete. Try option "help"\n'


def test_json_writer_pretty_layout():
    out: list[str] = []
    jw = JsonWriter(out, pretty=True)
    jw.start_array()
    jw.start_object()
    jw.name("flags")
    jw.start_array()
    jw.string("UP")
    jw.end_array()
    jw.name("empty")
    jw.start_array()
    jw.end_array()
    jw.end_object()
    jw.end_array()
    assert "".join(out) == '[ {\n        "flags": [ "UP" ],\n        "empty": [ ]\n    } ]'


# ------------------------------------------------------ option parsing, unsimulated features
# What Linux answers (recorded), then what netsim answers where it simulates nothing.
MORE_ERRORS = [
    ('ip -l', 255, '', usage.IP),
    ('ip -family help', 255, '', usage.IP),
    ('ip -family foo link', 255, '', 'Error: argument "foo" is wrong: invalid protocol family\n'),
    ('ip -help', 255, '', usage.IP),
    ('ip -0 addr flush dev eth0', 1, '', 'Cannot flush link addresses.\n'),
    ('ip link add b1 type bridge group_address zz', 1, '', '"zz" is invalid lladdr.\n'),
    (
        'ip link add b1 type bridge vlan_protocol foo',
        255,
        '',
        'Error: argument "foo" is wrong: invalid vlan_protocol\n',
    ),
    (
        'ip link add b1 index 0 type bridge',
        255,
        '',
        'Error: argument "0" is wrong: Invalid "index" value\n',
    ),
    (
        'ip link add name a name b type bridge',
        255,
        '',
        'Error: duplicate "name": "b" is the second value.\n',
    ),
    (
        'ip link set eth0 txqueuelen 5 txqueuelen 6',
        255,
        '',
        'Error: duplicate "txqueuelen": "6" is the second value.\n',
    ),
    (
        'ip link set eth0 mtu 1000 mtu 1200',
        255,
        '',
        'Error: duplicate "mtu": "1200" is the second value.\n',
    ),
    (
        'ip link set eth0 netns h1 netns h1',
        255,
        '',
        'Error: duplicate "netns": "h1" is the second value.\n',
    ),
    ('ip link add x type foo help', 255, '', usage.IPLINK),
    ('ip link add a:b type bridge', 2, '', 'RTNETLINK answers: Invalid argument\n'),
    ('ip link add v1 type veth peer name a:b', 2, '', 'RTNETLINK answers: Invalid argument\n'),
    ('ip link add v1 master eth0 type veth', 2, '', 'RTNETLINK answers: Operation not supported\n'),
    ('ip link show scope foo', 255, '', 'Error: argument "foo" is wrong: invalid "scope"\n\n'),
    (
        'ip link show group foo',
        255,
        '',
        'Error: argument "foo" is wrong: Invalid "group" value\n\n',
    ),
    ('ip link show vrf x', 255, '', 'Error: argument "x" is wrong: Not a valid VRF name\n\n'),
    ('ip link show help', 255, '', usage.IPLINK),
]
NOT_SIMULATED = [
    ('ip -batch x', 2, '', 'netsim: ip -batch is not simulated\n'),
    (
        'ip -netns h1 link',
        2,
        '',
        'netsim: ip -netns is not simulated; run the command on that host\n',
    ),
    ('ip link set eth0 xdp off', 2, '', 'netsim: XDP is not simulated\n'),
    (
        'ip link set eth0 vf 0 mac 02:00:00:00:00:01',
        2,
        '',
        'netsim: SR-IOV (vf) is not simulated\n',
    ),
    ('ip link replace x type bridge', 2, '', 'netsim: "ip link replace" is not simulated\n'),
    ('ip link xstats', 2, '', 'netsim: "ip link xstats" is not simulated\n'),
    ('ip link set eth0 group 5', 2, '', 'netsim: "group" is not simulated\n'),
    ('ip xfrm state', 2, '', 'netsim: "ip xfrm" is not simulated\n'),
    ('ip rule', 2, '', 'netsim: "ip rule" is not simulated\n'),
]


@pytest.mark.parametrize(("cmd", "rc", "out", "err"), MORE_ERRORS + NOT_SIMULATED,
                         ids=[e[0] for e in MORE_ERRORS + NOT_SIMULATED])
def test_more_refusals_are_exact_and_change_nothing(cmd, rc, out, err):
    check_unchanged(MORE_SETUP, cmd, rc, out, err)
