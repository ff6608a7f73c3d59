"""`ip address`, `ip route` and `ip neigh` against the real thing: the expected texts below
were produced by iproute2 6.1.0 on Linux 6.18 in a fresh network namespace (IPv6 off, lo up).

Every refused command is also checked to leave the simulated world as it was.
"""

from __future__ import annotations

import pytest
from cli.iproute_helpers import MORE_SETUP, check_unchanged, new_lab, play, run

import netsim
from netsim.cli.ip import usage

# ----------------------------------------------------------------------------- errors
ERROR_SETUP = [
    "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
    "address 02:00:00:00:01:02",
    "ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up", "ip link set eth1 up",
    "ip neigh add 10.0.0.10 lladdr 52:54:00:00:00:01 dev eth0",
]

ERRORS = [
    ('ip addr add 10.0.0.1/24 dev eth0', 2, '', 'Error: ipv4: Address already assigned.\n'),
    (
        'ip addr add 300.1.1.1/24 dev eth1',
        1,
        '',
        'Error: any valid prefix is expected rather than "300.1.1.1/24".\n',
    ),
    (
        'ip addr add 10.0.0.1/33 dev eth1',
        1,
        '',
        'Error: any valid prefix is expected rather than "10.0.0.1/33".\n',
    ),
    ('ip addr add 10.0.0.1/24 dev eth9', 1, '', 'Cannot find device "eth9"\n'),
    ('ip addr add 10.0.0.1/24', 1, '', 'Not enough information: "dev" argument is required.\n'),
    ('ip addr add dev eth0', 2, '', 'RTNETLINK answers: Operation not supported\n'),
    ('ip addr add 10.0.0.1/24 dev', 255, '', 'Command line is not complete. Try option "help"\n'),
    ('ip addr add 10.0.0.7/24 dev eth0 scope link', 2, '', 'Error: ipv4: Invalid scope value.\n'),
    (
        'ip addr add 10.0.0.9/24 dev eth0 valid_lft 100',
        1,
        '',
        'preferred_lft is greater than valid_lft\n',
    ),
    (
        'ip addr add 10.6.0.1/24 dev eth0 scope foo',
        255,
        '',
        'Error: argument "foo" is wrong: invalid scope value.\n',
    ),
    (
        'ip addr add 10.0.0.1 /24 dev eth0',
        255,
        '',
        'Error: either "local" is duplicate, or "/24" is a garbage.\n',
    ),
    (
        'ip addr add 10.0.0.1/24 dev eth0 local 10.0.0.2/24',
        255,
        '',
        'Error: either "local" is duplicate, or "10.0.0.2/24" is a garbage.\n',
    ),
    ('ip addr del 10.0.0.9/24 dev eth0', 2, '', 'Error: ipv4: Address not found.\n'),
    ('ip addr del 10.0.0.1/24', 1, '', 'Not enough information: "dev" argument is required.\n'),
    ('ip addr del dev eth0', 2, '', 'RTNETLINK answers: Operation not supported\n'),
    ('ip addr del 10.0.0.1/24 dev eth0 label foo', 2, '', 'Error: ipv4: Address not found.\n'),
    ('ip addr flush', 1, '', 'Flush requires arguments.\n'),
    ('ip addr flush dev eth9', 1, '', 'Device "eth9" does not exist.\n'),
    ('ip addr show dev eth9', 1, '', 'Device "eth9" does not exist.\n'),
    ('ip addr foo', 255, '', 'Command "foo" is unknown, try "ip address help".\n'),
    ('ip addr help', 255, '', usage.IPADDR),
    (
        'ip route add 1.2.5.0/24 via 10.0.0.5 dev eth1',
        2,
        '',
        'Error: Nexthop has invalid gateway.\n',
    ),
    ('ip route add 1.2.6.1/24 dev eth0', 2, '', 'Error: Invalid prefix for given prefix length.\n'),
    (
        'ip route add 1.2.10.0/24 via 10.0.0.5 scope link',
        2,
        '',
        'Error: Nexthop has invalid gateway.\n',
    ),
    (
        'ip route change 1.2.11.0/24 dev eth0',
        2,
        '',
        'RTNETLINK answers: No such file or directory\n',
    ),
    (
        'ip route add unreachable 192.168.12.0/24 dev eth0',
        2,
        '',
        'Error: Gateway, device and multipath can not be specified for this route type.\n',
    ),
    (
        'ip route add 192.168.14.0/24 dev eth0 src 10.9.9.9',
        2,
        '',
        'Error: Invalid prefsrc address.\n',
    ),
    ('ip route add 192.168.15.0/24', 2, '', 'RTNETLINK answers: No such device\n'),
    (
        'ip route add 300.0.0.0/24 dev eth0',
        1,
        '',
        'Error: any valid prefix is expected rather than "300.0.0.0/24".\n',
    ),
    ('ip route add 192.168.16.0/24 dev eth9', 1, '', 'Cannot find device "eth9"\n'),
    ('ip route add 10.0.0.0/24 dev eth1', 2, '', 'RTNETLINK answers: File exists\n'),
    ('ip route add 1.2.3.0/24 via 10.9.9.9', 2, '', 'Error: Nexthop has invalid gateway.\n'),
    (
        'ip route add 1.2.3.0/24 dev eth0 scope host via 10.0.0.5',
        2,
        '',
        'Error: Route with host scope can not have a gateway.\n',
    ),
    (
        'ip route add to 1.2.8.0/24 1.2.9.0/24',
        255,
        '',
        'Error: either "to" is duplicate, or "1.2.9.0/24" is a garbage.\n',
    ),
    ('ip route add', 255, '', usage.IPROUTE),
    ('ip route del default', 2, '', 'RTNETLINK answers: No such process\n'),
    ('ip route del 10.0.0.0/24 dev eth1', 2, '', 'RTNETLINK answers: No such process\n'),
    ('ip route del 10.0.0.0/24 via 10.0.0.9', 2, '', 'RTNETLINK answers: No such process\n'),
    ('ip route del 10.0.0.0/24 metric 6', 2, '', 'RTNETLINK answers: No such process\n'),
    ('ip route show dev eth9', 1, '', 'Cannot find device "eth9"\n'),
    ('ip route get', 1, '', 'need at least a destination address\n'),
    ('ip route get 9.9.9.9', 2, '', 'RTNETLINK answers: Network is unreachable\n'),
    ('ip route flush', 1, '', '"ip route flush" requires arguments.\n'),
    ('ip route foo', 255, '', 'Command "foo" is unknown, try "ip route help".\n'),
    ('ip route help', 255, '', usage.IPROUTE),
    (
        'ip neigh add 10.0.0.10 lladdr 52:54:00:00:00:01 dev eth0',
        2,
        '',
        'RTNETLINK answers: File exists\n',
    ),
    ('ip neigh add 10.0.0.15 lladdr 52:54 dev eth0', 2, '', 'Error: Invalid link address.\n'),
    ('ip neigh add 10.0.0.14 dev eth1', 2, '', 'Error: No link layer address given.\n'),
    ('ip neigh add 10.0.0.16 lladdr zz dev eth0', 1, '', '"zz" is invalid lladdr.\n'),
    (
        'ip neigh add 10.0.0.17 lladdr 52:54:00:00:00:04 dev eth9',
        1,
        '',
        'Cannot find device "eth9"\n',
    ),
    (
        'ip neigh add 10.0.0.18 lladdr 52:54:00:00:00:04',
        255,
        '',
        'Device and destination are required arguments.\n',
    ),
    (
        'ip neigh add lladdr 52:54:00:00:00:04 dev eth0',
        255,
        '',
        'Device and destination are required arguments.\n',
    ),
    (
        'ip neigh add 10.0.0.19 lladdr 52:54:00:00:00:04 dev eth0 nud bogus',
        255,
        '',
        'Error: argument "bogus" is wrong: nud state is bad\n',
    ),
    (
        'ip neigh change 10.0.0.30 lladdr 52:54:00:00:00:09 dev eth0',
        2,
        '',
        'RTNETLINK answers: No such file or directory\n',
    ),
    ('ip neigh del 10.0.0.30 dev eth0', 2, '', 'RTNETLINK answers: No such file or directory\n'),
    ('ip neigh del 10.0.0.12', 255, '', 'Device and destination are required arguments.\n'),
    ('ip neigh flush', 1, '', 'Flush requires arguments.\n'),
    ('ip neigh show dev eth9', 1, '', 'Cannot find device "eth9"\n'),
    ('ip neigh get 10.0.0.99 dev eth0', 2, '', 'Error: Neighbour entry not found.\n'),
    ('ip neigh get 10.0.0.13', 1, '', 'Device and address are required arguments.\n'),
    ('ip neigh foo', 255, '', 'Command "foo" is unknown, try "ip neigh help".\n'),
    ('ip neigh help', 255, '', usage.IPNEIGH),
]



@pytest.mark.parametrize(("cmd", "rc", "out", "err"), ERRORS, ids=[e[0] for e in ERRORS])
def test_refused_command_prints_the_real_error_and_changes_nothing(cmd, rc, out, err):
    check_unchanged(ERROR_SETUP, cmd, rc, out, err)


# ----------------------------------------------------------------------------- flows
FLOW_0 = (['h1'], [
    (
        'h1',
        'ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 address 02:00:'
        '00:00:01:02',
        0,
        '',
        '',
    ),
    ('h1', 'ip addr add 10.0.0.1/24 dev eth0', 0, '', ''),
    ('h1', 'ip addr add 10.0.0.5/24 brd + dev eth0 label eth0:1', 0, '', ''),
    ('h1', 'ip addr add 10.0.1.5/16 brd 10.0.255.255 dev eth0', 0, '', ''),
    ('h1', 'ip addr add 10.9.0.5 dev eth0', 0, '', ''),
    ('h1', 'ip addr add 192.168.1.1/24 dev eth1 label foo', 0, '', ''),
    ('h1', 'ip addr add 127.0.0.2/8 dev eth0', 0, '', ''),
    ('h1', 'ip addr add 10.5.0.1/24 dev eth0 scope 7', 0, '', ''),
    (
        'h1',
        'ip addr',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default '
        'qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '    inet 127.0.0.1/8 scope host lo\n'
        '       valid_lft forever preferred_lft forever\n'
        '2: eth1@eth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 192.168.1.1/24 scope global foo\n'
        '       valid_lft forever preferred_lft forever\n'
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 127.0.0.2/8 scope host eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.5.0.1/24 scope 7 eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.1/24 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -j addr',
        0,
        '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdis'
        'c":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"lo'
        'opback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":'
        '[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","v'
        'alid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":2,"link"'
        ':"eth0","ifname":"eth1","flags":["BROADCAST","MULTICAST","M-DOWN"],"mtu":1500,"qdi'
        'sc":"noop","operstate":"DOWN","group":"default","txqlen":1000,"link_type":"ether",'
        '"address":"02:00:00:00:01:02","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"famil'
        'y":"inet","local":"192.168.1.1","prefixlen":24,"scope":"global","label":"foo","val'
        'id_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":3,"link":"'
        'eth1","ifname":"eth0","flags":["BROADCAST","MULTICAST","M-DOWN"],"mtu":1500,"qdisc'
        '":"noop","operstate":"DOWN","group":"default","txqlen":1000,"link_type":"ether","a'
        'ddress":"02:00:00:00:01:01","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"family"'
        ':"inet","local":"127.0.0.2","prefixlen":8,"scope":"host","label":"eth0","valid_lif'
        'e_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.'
        '5.0.1","prefixlen":24,"scope":"7","label":"eth0","valid_life_time":4294967295,"pre'
        'ferred_life_time":4294967295},{"family":"inet","local":"10.0.0.1","prefixlen":24,"'
        'scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_life_time":'
        '4294967295},{"family":"inet","local":"10.0.1.5","prefixlen":16,"broadcast":"10.0.2'
        '55.255","scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_li'
        'fe_time":4294967295},{"family":"inet","local":"10.9.0.5","prefixlen":32,"scope":"g'
        'lobal","label":"eth0","valid_life_time":4294967295,"preferred_life_time":429496729'
        '5},{"family":"inet","local":"10.0.0.5","prefixlen":24,"broadcast":"10.0.0.255","sc'
        'ope":"global","secondary":true,"label":"eth0:1","valid_life_time":4294967295,"pref'
        'erred_life_time":4294967295}]}]\n',
        '',
    ),
    (
        'h1',
        'ip -4 addr show eth0',
        0,
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    inet 127.0.0.2/8 scope host eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.5.0.1/24 scope 7 eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.1/24 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -o addr',
        0,
        '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft fo'
        'rever\n'
        '2: eth1    inet 192.168.1.1/24 scope global foo\\       valid_lft forever preferre'
        'd_lft forever\n'
        '3: eth0    inet 127.0.0.2/8 scope host eth0\\       valid_lft forever preferred_lf'
        't forever\n'
        '3: eth0    inet 10.5.0.1/24 scope 7 eth0\\       valid_lft forever preferred_lft f'
        'orever\n'
        '3: eth0    inet 10.0.0.1/24 scope global eth0\\       valid_lft forever preferred_'
        'lft forever\n'
        '3: eth0    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\\       valid_lft f'
        'orever preferred_lft forever\n'
        '3: eth0    inet 10.9.0.5/32 scope global eth0\\       valid_lft forever preferred_'
        'lft forever\n'
        '3: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\\       v'
        'alid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -br addr',
        0,
        'lo               UNKNOWN        127.0.0.1/8 \n'
        'eth1@eth0        DOWN           192.168.1.1/24 \n'
        'eth0@eth1        DOWN           127.0.0.2/8 10.5.0.1/24 10.0.0.1/24 10.0.1.5/16 10'
        '.9.0.5/32 10.0.0.5/24 \n',
        '',
    ),
    (
        'h1',
        'ip -br -j addr',
        0,
        '[{"ifname":"lo","operstate":"UNKNOWN","addr_info":[{"local":"127.0.0.1","prefixlen'
        '":8}]},{"link":"eth0","ifname":"eth1","operstate":"DOWN","addr_info":[{"local":"19'
        '2.168.1.1","prefixlen":24}]},{"link":"eth1","ifname":"eth0","operstate":"DOWN","ad'
        'dr_info":[{"local":"127.0.0.2","prefixlen":8},{"local":"10.5.0.1","prefixlen":24},'
        '{"local":"10.0.0.1","prefixlen":24},{"local":"10.0.1.5","prefixlen":16},{"local":"'
        '10.9.0.5","prefixlen":32},{"local":"10.0.0.5","prefixlen":24}]}]\n',
        '',
    ),
    (
        'h1',
        'ip addr show dev eth0',
        0,
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 127.0.0.2/8 scope host eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.5.0.1/24 scope 7 eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.1/24 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -j -p addr show dev eth1',
        0,
        '[ {\n'
        '        "ifindex": 2,\n'
        '        "link": "eth0",\n'
        '        "ifname": "eth1",\n'
        '        "flags": [ "BROADCAST","MULTICAST","M-DOWN" ],\n'
        '        "mtu": 1500,\n'
        '        "qdisc": "noop",\n'
        '        "operstate": "DOWN",\n'
        '        "group": "default",\n'
        '        "txqlen": 1000,\n'
        '        "link_type": "ether",\n'
        '        "address": "02:00:00:00:01:02",\n'
        '        "broadcast": "ff:ff:ff:ff:ff:ff",\n'
        '        "addr_info": [ {\n'
        '                "family": "inet",\n'
        '                "local": "192.168.1.1",\n'
        '                "prefixlen": 24,\n'
        '                "scope": "global",\n'
        '                "label": "foo",\n'
        '                "valid_life_time": 4294967295,\n'
        '                "preferred_life_time": 4294967295\n'
        '            } ]\n'
        '    } ]\n',
        '',
    ),
    ('h1', 'ip -6 addr', 0, '', ''),
    (
        'h1',
        'ip -0 addr',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default '
        'qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '2: eth1@eth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    (
        'h1',
        'ip addr show scope global',
        0,
        '2: eth1@eth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 192.168.1.1/24 scope global foo\n'
        '       valid_lft forever preferred_lft forever\n'
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 10.0.0.1/24 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip addr show to 10.0.0.0/8',
        0,
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    inet 10.5.0.1/24 scope 7 eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.1/24 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip addr show label eth0:1',
        0,
        '    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -j addr show label eth0',
        0,
        '[{"addr_info":[{"family":"inet","local":"127.0.0.2","prefixlen":8,"scope":"host","'
        'label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"fam'
        'ily":"inet","local":"10.5.0.1","prefixlen":24,"scope":"7","label":"eth0","valid_li'
        'fe_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10'
        '.0.0.1","prefixlen":24,"scope":"global","label":"eth0","valid_life_time":429496729'
        '5,"preferred_life_time":4294967295},{"family":"inet","local":"10.0.1.5","prefixlen'
        '":16,"broadcast":"10.0.255.255","scope":"global","label":"eth0","valid_life_time":'
        '4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"10.9.0.5","'
        'prefixlen":32,"scope":"global","label":"eth0","valid_life_time":4294967295,"prefer'
        'red_life_time":4294967295},{}]}]\n',
        '',
    ),
    (
        'h1',
        'ip addr show primary',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default '
        'qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '    inet 127.0.0.1/8 scope host lo\n'
        '       valid_lft forever preferred_lft forever\n'
        '2: eth1@eth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 192.168.1.1/24 scope global foo\n'
        '       valid_lft forever preferred_lft forever\n'
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 127.0.0.2/8 scope host eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.5.0.1/24 scope 7 eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.1/24 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip addr show secondary',
        0,
        '3: eth0@eth1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary eth0:1\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip addr show up',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default '
        'qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '    inet 127.0.0.1/8 scope host lo\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -s addr show dev eth1',
        0,
        '2: eth1@eth0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group de'
        'fault qlen 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 192.168.1.1/24 scope global foo\n'
        '       valid_lft forever preferred_lft forever\n'
        '    RX:  bytes packets errors dropped  missed   mcast           \n'
        '             0       0      0       0       0       0 \n'
        '    TX:  bytes packets errors dropped carrier collsns           \n'
        '             0       0      0       0       0       0 \n',
        '',
    ),
    ('h1', 'ip route', 0, '', ''),
    ('h1', 'ip link set eth0 up', 0, '', ''),
    (
        'h1',
        'ip route',
        0,
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 linkdown \n'
        '10.0.0.0/16 dev eth0 proto kernel scope link src 10.0.1.5 linkdown \n'
        '10.5.0.0/24 dev eth0 proto kernel scope link src 10.5.0.1 linkdown \n'
        '127.0.0.0/8 dev eth0 proto kernel scope link src 127.0.0.2 linkdown \n',
        '',
    ),
    (
        'h1',
        'ip -j route',
        0,
        '[{"dst":"10.0.0.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"1'
        '0.0.0.1","flags":["linkdown"]},{"dst":"10.0.0.0/16","dev":"eth0","protocol":"kerne'
        'l","scope":"link","prefsrc":"10.0.1.5","flags":["linkdown"]},{"dst":"10.5.0.0/24",'
        '"dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.5.0.1","flags":["lin'
        'kdown"]},{"dst":"127.0.0.0/8","dev":"eth0","protocol":"kernel","scope":"link","pre'
        'fsrc":"127.0.0.2","flags":["linkdown"]}]\n',
        '',
    ),
    (
        'h1',
        'ip addr del 10.0.0.1 dev eth0',
        0,
        '',
        'Warning: Executing wildcard deletion to stay compatible with old scripts.\n'
        '         Explicitly specify the prefix length (10.0.0.1/32) to avoid this warning.'
        '\n'
        '         This special behaviour is likely to disappear in further releases,\n'
        '         fix your scripts!\n',
    ),
    (
        'h1',
        'ip addr',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default '
        'qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '    inet 127.0.0.1/8 scope host lo\n'
        '       valid_lft forever preferred_lft forever\n'
        '2: eth1@eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default q'
        'len 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 192.168.1.1/24 scope global foo\n'
        '       valid_lft forever preferred_lft forever\n'
        '3: eth0@eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue st'
        'ate LOWERLAYERDOWN group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 127.0.0.2/8 scope host eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.5.0.1/24 scope 7 eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip route',
        0,
        '10.0.0.0/16 dev eth0 proto kernel scope link src 10.0.1.5 linkdown \n'
        '10.5.0.0/24 dev eth0 proto kernel scope link src 10.5.0.1 linkdown \n'
        '127.0.0.0/8 dev eth0 proto kernel scope link src 127.0.0.2 linkdown \n',
        '',
    ),
    ('h1', 'ip addr change 10.0.0.1/24 dev eth0', 0, '', ''),
    ('h1', 'ip addr replace 10.0.0.1/24 dev eth0 label eth0:r', 0, '', ''),
    (
        'h1',
        'ip addr show dev eth0',
        0,
        '3: eth0@eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue st'
        'ate LOWERLAYERDOWN group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 127.0.0.2/8 scope host eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.5.0.1/24 scope 7 eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.1.5/16 brd 10.0.255.255 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.9.0.5/32 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.0.0.1/24 scope global eth0\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -s addr flush dev eth0',
        0,
        '\n*** Round 1, deleting 5 addresses ***\n*** Flush is complete after 1 round ***\n',
        '',
    ),
    ('h1', 'ip -s addr flush dev eth0', 0, 'Nothing to flush.\n', ''),
    (
        'h1',
        'ip addr',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default '
        'qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '    inet 127.0.0.1/8 scope host lo\n'
        '       valid_lft forever preferred_lft forever\n'
        '2: eth1@eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default q'
        'len 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 192.168.1.1/24 scope global foo\n'
        '       valid_lft forever preferred_lft forever\n'
        '3: eth0@eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue st'
        'ate LOWERLAYERDOWN group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    ('h1', 'ip route', 0, '', ''),
    ('h1', 'ip addr add 10.7.0.1/24 dev eth0', 0, '', ''),
    ('h1', 'ip link set eth0 name eth7', 0, '', ''),
    ('h1', 'ip addr add 10.7.0.2/24 dev eth7', 0, '', ''),
    ('h1', 'ip addr add 10.7.0.3/24 dev eth7 label eth7:x', 0, '', ''),
    ('h1', 'ip link set eth7 name e8', 0, '', ''),
    (
        'h1',
        'ip addr show dev e8',
        0,
        '3: e8@eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue stat'
        'e LOWERLAYERDOWN group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 10.7.0.1/24 scope global e8\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.7.0.2/24 scope global secondary e8:2\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.7.0.3/24 scope global secondary e8:x\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip -d addr show dev e8',
        0,
        '3: e8@eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue stat'
        'e LOWERLAYERDOWN group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 m'
        'inmtu 68 maxmtu 65535 \n'
        '    veth numtxqueues 2 numrxqueues 2 gso_max_size 65536 gso_max_segs 65535 tso_max'
        '_size 524280 tso_max_segs 65535 gro_max_size 65536 \n'
        '    inet 10.7.0.1/24 scope global e8\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.7.0.2/24 scope global secondary e8:2\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.7.0.3/24 scope global secondary e8:x\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
    (
        'h1',
        'ip a s',
        0,
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default '
        'qlen 1000\n'
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
        '    inet 127.0.0.1/8 scope host lo\n'
        '       valid_lft forever preferred_lft forever\n'
        '2: eth1@e8: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qle'
        'n 1000\n'
        '    link/ether 02:00:00:00:01:02 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 192.168.1.1/24 scope global foo\n'
        '       valid_lft forever preferred_lft forever\n'
        '3: e8@eth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue stat'
        'e LOWERLAYERDOWN group default qlen 1000\n'
        '    link/ether 02:00:00:00:01:01 brd ff:ff:ff:ff:ff:ff\n'
        '    inet 10.7.0.1/24 scope global e8\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.7.0.2/24 scope global secondary e8:2\n'
        '       valid_lft forever preferred_lft forever\n'
        '    inet 10.7.0.3/24 scope global secondary e8:x\n'
        '       valid_lft forever preferred_lft forever\n',
        '',
    ),
])

FLOW_1 = (['h1'], [
    (
        'h1',
        'ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 address 02:00:'
        '00:00:01:02',
        0,
        '',
        '',
    ),
    ('h1', 'ip addr add 10.0.0.1/24 dev eth0', 0, '', ''),
    ('h1', 'ip link set eth0 up', 0, '', ''),
    ('h1', 'ip route add 1.2.3.0/24 dev eth0', 0, '', ''),
    ('h1', 'ip route add 1.2.4.0/24 via 10.0.0.5', 0, '', ''),
    ('h1', 'ip link set eth1 up', 0, '', ''),
    ('h1', 'ip route add 1.2.7.0/24 via 10.0.0.1', 0, '', ''),
    ('h1', 'ip route add 1.2.8.0/24 dev eth0 metric 5', 0, '', ''),
    ('h1', 'ip route add 1.2.8.0/24 dev eth0 metric 6', 0, '', ''),
    ('h1', 'ip route add 1.2.8.0/24 dev eth0 proto static', 0, '', ''),
    ('h1', 'ip route add 1.2.9.0/24 dev eth0 scope host', 0, '', ''),
    ('h1', 'ip route add default via 10.0.0.5', 0, '', ''),
    ('h1', 'ip route add unreachable 192.168.9.0/24', 0, '', ''),
    ('h1', 'ip route add blackhole 192.168.10.0/24', 0, '', ''),
    ('h1', 'ip route add prohibit 192.168.11.0/24', 0, '', ''),
    ('h1', 'ip route add 192.168.13.0/24 dev eth0 src 10.0.0.1', 0, '', ''),
    (
        'h1',
        'ip route',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n'
        '1.2.8.0/24 dev eth0 scope link metric 6 \n'
        '1.2.9.0/24 dev eth0 scope host \n'
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'unreachable 192.168.9.0/24 \n'
        'blackhole 192.168.10.0/24 \n'
        'prohibit 192.168.11.0/24 \n'
        '192.168.13.0/24 dev eth0 scope link src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip -d route',
        0,
        'unicast default via 10.0.0.5 dev eth0 proto boot scope global \n'
        'unicast 1.2.3.0/24 dev eth0 proto boot scope link \n'
        'unicast 1.2.4.0/24 via 10.0.0.5 dev eth0 proto boot scope global \n'
        'unicast 1.2.7.0/24 via 10.0.0.1 dev eth0 proto boot scope global \n'
        'unicast 1.2.8.0/24 dev eth0 proto static scope link \n'
        'unicast 1.2.8.0/24 dev eth0 proto boot scope link metric 5 \n'
        'unicast 1.2.8.0/24 dev eth0 proto boot scope link metric 6 \n'
        'unicast 1.2.9.0/24 dev eth0 proto boot scope host \n'
        'unicast 10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'unreachable 192.168.9.0/24 proto boot scope global \n'
        'blackhole 192.168.10.0/24 proto boot scope global \n'
        'prohibit 192.168.11.0/24 proto boot scope global \n'
        'unicast 192.168.13.0/24 dev eth0 proto boot scope link src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip -j route',
        0,
        '[{"dst":"default","gateway":"10.0.0.5","dev":"eth0","flags":[]},{"dst":"1.2.3.0/24'
        '","dev":"eth0","scope":"link","flags":[]},{"dst":"1.2.4.0/24","gateway":"10.0.0.5"'
        ',"dev":"eth0","flags":[]},{"dst":"1.2.7.0/24","gateway":"10.0.0.1","dev":"eth0","f'
        'lags":[]},{"dst":"1.2.8.0/24","dev":"eth0","protocol":"static","scope":"link","fla'
        'gs":[]},{"dst":"1.2.8.0/24","dev":"eth0","scope":"link","metric":5,"flags":[]},{"d'
        'st":"1.2.8.0/24","dev":"eth0","scope":"link","metric":6,"flags":[]},{"dst":"1.2.9.'
        '0/24","dev":"eth0","scope":"host","flags":[]},{"dst":"10.0.0.0/24","dev":"eth0","p'
        'rotocol":"kernel","scope":"link","prefsrc":"10.0.0.1","flags":[]},{"type":"unreach'
        'able","dst":"192.168.9.0/24","flags":[]},{"type":"blackhole","dst":"192.168.10.0/2'
        '4","flags":[]},{"type":"prohibit","dst":"192.168.11.0/24","flags":[]},{"dst":"192.'
        '168.13.0/24","dev":"eth0","scope":"link","prefsrc":"10.0.0.1","flags":[]}]\n',
        '',
    ),
    (
        'h1',
        'ip -j -p route show dev eth0',
        0,
        '[ {\n'
        '        "dst": "default",\n'
        '        "gateway": "10.0.0.5",\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "1.2.3.0/24",\n'
        '        "scope": "link",\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "1.2.4.0/24",\n'
        '        "gateway": "10.0.0.5",\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "1.2.7.0/24",\n'
        '        "gateway": "10.0.0.1",\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "1.2.8.0/24",\n'
        '        "protocol": "static",\n'
        '        "scope": "link",\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "1.2.8.0/24",\n'
        '        "scope": "link",\n'
        '        "metric": 5,\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "1.2.8.0/24",\n'
        '        "scope": "link",\n'
        '        "metric": 6,\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "1.2.9.0/24",\n'
        '        "scope": "host",\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "10.0.0.0/24",\n'
        '        "protocol": "kernel",\n'
        '        "scope": "link",\n'
        '        "prefsrc": "10.0.0.1",\n'
        '        "flags": [ ]\n'
        '    },{\n'
        '        "dst": "192.168.13.0/24",\n'
        '        "scope": "link",\n'
        '        "prefsrc": "10.0.0.1",\n'
        '        "flags": [ ]\n'
        '    } ]\n',
        '',
    ),
    (
        'h1',
        'ip route show dev eth0',
        0,
        'default via 10.0.0.5 \n'
        '1.2.3.0/24 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 \n'
        '1.2.7.0/24 via 10.0.0.1 \n'
        '1.2.8.0/24 proto static scope link \n'
        '1.2.8.0/24 scope link metric 5 \n'
        '1.2.8.0/24 scope link metric 6 \n'
        '1.2.9.0/24 scope host \n'
        '10.0.0.0/24 proto kernel scope link src 10.0.0.1 \n'
        '192.168.13.0/24 scope link src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip -o route',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n'
        '1.2.8.0/24 dev eth0 scope link metric 6 \n'
        '1.2.9.0/24 dev eth0 scope host \n'
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'unreachable 192.168.9.0/24 \n'
        'blackhole 192.168.10.0/24 \n'
        'prohibit 192.168.11.0/24 \n'
        '192.168.13.0/24 dev eth0 scope link src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip route get 10.0.0.255',
        0,
        'broadcast 10.0.0.255 dev eth0 src 10.0.0.1 uid 0 \n    cache <local,brd> \n',
        '',
    ),
    (
        'h1',
        'ip route get 1.2.4.9',
        0,
        '1.2.4.9 via 10.0.0.5 dev eth0 src 10.0.0.1 uid 0 \n    cache \n',
        '',
    ),
    ('h1', 'ip route get 1.2.8.9', 0, '1.2.8.9 dev eth0 src 10.0.0.1 uid 0 \n    cache \n', ''),
    (
        'h1',
        'ip -j route get 1.2.4.9',
        0,
        '[{"dst":"1.2.4.9","gateway":"10.0.0.5","dev":"eth0","prefsrc":"10.0.0.1","flags":['
        '],"uid":0,"cache":[]}]\n',
        '',
    ),
    (
        'h1',
        'ip route get 9.9.9.9',
        0,
        '9.9.9.9 via 10.0.0.5 dev eth0 src 10.0.0.1 uid 0 \n    cache \n',
        '',
    ),
    (
        'h1',
        'ip route get 10.0.0.1',
        0,
        'local 10.0.0.1 dev lo src 10.0.0.1 uid 0 \n    cache <local> \n',
        '',
    ),
    (
        'h1',
        'ip route get 127.0.0.1',
        0,
        'local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n',
        '',
    ),
    ('h1', 'ip route get 192.168.9.1', 2, '', 'RTNETLINK answers: No route to host\n'),
    ('h1', 'ip route get 192.168.10.1', 2, '', 'RTNETLINK answers: Invalid argument\n'),
    ('h1', 'ip route get 192.168.11.1', 2, '', 'RTNETLINK answers: Permission denied\n'),
    (
        'h1',
        'ip -j route get 10.0.0.1',
        0,
        '[{"type":"local","dst":"10.0.0.1","dev":"lo","prefsrc":"10.0.0.1","flags":[],"uid"'
        ':0,"cache":["local"]}]\n',
        '',
    ),
    (
        'h1',
        'ip route get 10.0.0.0/24',
        0,
        '10.0.0.0 dev eth0 src 10.0.0.1 uid 0 \n    cache \n',
        'Warning: /24 as prefix is invalid, only /32 (or none) is supported.\n',
    ),
    (
        'h1',
        'ip route get 1.2.4.9 dev eth1',
        0,
        '1.2.4.9 dev eth1 src 10.0.0.1 uid 0 \n    cache \n',
        '',
    ),
    (
        'h1',
        'ip route get 1.2.3.4 from 10.0.0.1',
        0,
        '1.2.3.4 from 10.0.0.1 dev eth0 uid 0 \n    cache \n',
        '',
    ),
    ('h1', 'ip route del 1.2.8.0/24 metric 6', 0, '', ''),
    (
        'h1',
        'ip route show 1.2.8.0/24',
        0,
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n',
        '',
    ),
    (
        'h1',
        'ip route show root 1.2.0.0/16',
        0,
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n'
        '1.2.9.0/24 dev eth0 scope host \n',
        '',
    ),
    (
        'h1',
        'ip route show match 1.2.8.7',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n',
        '',
    ),
    ('h1', 'ip route show proto kernel', 0, '10.0.0.0/24 dev eth0 scope link src 10.0.0.1 \n', ''),
    (
        'h1',
        'ip route show scope link',
        0,
        '1.2.3.0/24 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static \n'
        '1.2.8.0/24 dev eth0 metric 5 \n'
        '10.0.0.0/24 dev eth0 proto kernel src 10.0.0.1 \n'
        '192.168.13.0/24 dev eth0 src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip route show type unicast',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n'
        '1.2.9.0/24 dev eth0 scope host \n'
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        '192.168.13.0/24 dev eth0 scope link src 10.0.0.1 \n',
        '',
    ),
    ('h1', 'ip route show type unreachable', 0, 'unreachable 192.168.9.0/24 \n', ''),
    (
        'h1',
        'ip route list table main',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n'
        '1.2.9.0/24 dev eth0 scope host \n'
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'unreachable 192.168.9.0/24 \n'
        'blackhole 192.168.10.0/24 \n'
        'prohibit 192.168.11.0/24 \n'
        '192.168.13.0/24 dev eth0 scope link src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip route show table all',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth0 scope link metric 5 \n'
        '1.2.9.0/24 dev eth0 scope host \n'
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'unreachable 192.168.9.0/24 \n'
        'blackhole 192.168.10.0/24 \n'
        'prohibit 192.168.11.0/24 \n'
        '192.168.13.0/24 dev eth0 scope link src 10.0.0.1 \n'
        'local 10.0.0.1 dev eth0 table local proto kernel scope host src 10.0.0.1 \n'
        'broadcast 10.0.0.255 dev eth0 table local proto kernel scope link src 10.0.0.1 \n'
        'local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n'
        'local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n'
        'broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1'
        ' \n',
        '',
    ),
    (
        'h1',
        'ip route show table local',
        0,
        'local 10.0.0.1 dev eth0 proto kernel scope host src 10.0.0.1 \n'
        'broadcast 10.0.0.255 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \n'
        'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n'
        'broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \n',
        '',
    ),
    ('h1', 'ip route show default', 0, 'default via 10.0.0.5 dev eth0 \n', ''),
    ('h1', 'ip route show exact 1.2.3.0/24', 0, '1.2.3.0/24 dev eth0 scope link \n', ''),
    ('h1', 'ip route show metric 5', 0, '1.2.8.0/24 dev eth0 scope link \n', ''),
    ('h1', 'ip route show via 10.0.0.5', 0, 'default dev eth0 \n1.2.4.0/24 dev eth0 \n', ''),
    ('h1', 'ip route replace 1.2.8.0/24 dev eth1 metric 5', 0, '', ''),
    (
        'h1',
        'ip route',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.8.0/24 dev eth1 scope link metric 5 \n'
        '1.2.9.0/24 dev eth0 scope host \n'
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'unreachable 192.168.9.0/24 \n'
        'blackhole 192.168.10.0/24 \n'
        'prohibit 192.168.11.0/24 \n'
        '192.168.13.0/24 dev eth0 scope link src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip -s route flush dev eth1',
        0,
        '\n*** Round 1, deleting 1 entries ***\n*** Flush is complete after 1 round ***\n',
        '',
    ),
    (
        'h1',
        'ip route',
        0,
        'default via 10.0.0.5 dev eth0 \n'
        '1.2.3.0/24 dev eth0 scope link \n'
        '1.2.4.0/24 via 10.0.0.5 dev eth0 \n'
        '1.2.7.0/24 via 10.0.0.1 dev eth0 \n'
        '1.2.8.0/24 dev eth0 proto static scope link \n'
        '1.2.9.0/24 dev eth0 scope host \n'
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \n'
        'unreachable 192.168.9.0/24 \n'
        'blackhole 192.168.10.0/24 \n'
        'prohibit 192.168.11.0/24 \n'
        '192.168.13.0/24 dev eth0 scope link src 10.0.0.1 \n',
        '',
    ),
    (
        'h1',
        'ip -s route flush proto static',
        0,
        '\n*** Round 1, deleting 1 entries ***\n*** Flush is complete after 1 round ***\n',
        '',
    ),
    ('h1', 'ip route flush all', 0, '', ''),
    ('h1', 'ip route', 0, '', ''),
    ('h1', 'ip route add 10.3.0.0/16 dev eth0', 0, '', ''),
    ('h1', 'ip link set eth0 down', 0, '', ''),
    ('h1', 'ip route', 0, '', ''),
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
    ('h1', 'ip neigh add 10.0.0.10 lladdr 52:54:00:00:00:01 dev eth0', 0, '', ''),
    ('h1', 'ip neigh add 10.0.0.13 lladdr 52:54:00:00:00:04 dev eth0 nud noarp', 0, '', ''),
    ('h1', 'ip neigh add 10.0.0.12 lladdr 52:54:00:00:00:03 dev eth1 nud stale', 0, '', ''),
    ('h1', 'ip neigh show dev eth0', 0, '10.0.0.10 lladdr 52:54:00:00:00:01 PERMANENT \n', ''),
    (
        'h1',
        'ip -j neigh show dev eth0',
        0,
        '[{"dst":"10.0.0.10","lladdr":"52:54:00:00:00:01","state":["PERMANENT"]}]\n',
        '',
    ),
    (
        'h1',
        'ip neigh show nud noarp',
        0,
        '10.0.0.13 dev eth0 lladdr 52:54:00:00:00:04 NOARP \n',
        '',
    ),
    (
        'h1',
        'ip neigh show nud all dev eth0',
        0,
        '10.0.0.13 lladdr 52:54:00:00:00:04 NOARP \n'
        '10.0.0.10 lladdr 52:54:00:00:00:01 PERMANENT \n',
        '',
    ),
    (
        'h1',
        'ip neigh show 10.0.0.12',
        0,
        '10.0.0.12 dev eth1 lladdr 52:54:00:00:00:03 STALE \n',
        '',
    ),
    (
        'h1',
        'ip -j neigh show dev eth1',
        0,
        '[{"dst":"10.0.0.12","lladdr":"52:54:00:00:00:03","state":["STALE"]}]\n',
        '',
    ),
    ('h1', 'ip neigh replace 10.0.0.10 lladdr 52:54:00:00:00:09 dev eth0', 0, '', ''),
    ('h1', 'ip neigh show dev eth0', 0, '10.0.0.10 lladdr 52:54:00:00:00:09 PERMANENT \n', ''),
    ('h1', 'ip neigh change 10.0.0.10 lladdr 52:54:00:00:00:0a dev eth0 nud stale', 0, '', ''),
    ('h1', 'ip neigh show dev eth0', 0, '10.0.0.10 lladdr 52:54:00:00:00:0a STALE \n', ''),
    ('h1', 'ip neigh replace 10.0.0.10 dev eth0 nud reachable', 0, '', ''),
    ('h1', 'ip neigh show dev eth0', 0, '10.0.0.10 lladdr 52:54:00:00:00:0a REACHABLE \n', ''),
    ('h1', 'ip neigh del 10.0.0.10 dev eth0', 0, '', ''),
    ('h1', 'ip neigh show dev eth0', 0, '', ''),
    (
        'h1',
        'ip neigh get 10.0.0.13 dev eth0',
        0,
        '10.0.0.13 dev eth0 lladdr 52:54:00:00:00:04 NOARP \n',
        '',
    ),
    (
        'h1',
        'ip -j neigh get 10.0.0.13 dev eth0',
        0,
        '10.0.0.13 dev eth0 lladdr 52:54:00:00:00:04 NOARP \n',
        '',
    ),
    ('h1', 'ip neigh add 10.0.0.20 lladdr 52:54:00:00:00:05 dev eth1', 0, '', ''),
    ('h1', 'ip neigh flush dev eth1', 0, '', ''),
    ('h1', 'ip neigh', 0, '10.0.0.20 dev eth1 lladdr 52:54:00:00:00:05 PERMANENT \n', ''),
    ('h1', 'ip -s neigh flush all', 0, 'Nothing to flush.\n', ''),
    (
        'h1',
        'ip -s neigh flush nud permanent',
        0,
        '\n*** Round 1, deleting 1 entries ***\n*** Flush is complete after 1 round ***\n',
        '',
    ),
    ('h1', 'ip neigh show nud all', 0, '10.0.0.13 dev eth0 lladdr 52:54:00:00:00:04 NOARP \n', ''),
    ('h1', 'ip neighbour', 0, '', ''),
    ('h1', 'ip n', 0, '', ''),
])


def test_addresses_primary_secondary_labels_lifetimes_flush():
    """Secondaries, labels (and how a rename rewrites them), scopes, brd +, filters,
    -o/-br/-4/-0/-6, the wildcard delete warning, flush -s."""
    play(FLOW_0)


def test_routes_add_show_filters_get_replace_flush():
    """Gateways through connected routes, metrics, reject routes, the local table,
    `ip route get` (local, broadcast, via, from, dev), selectors, flush."""
    play(FLOW_1)


def test_neighbours_add_replace_change_delete_flush_get():
    play(FLOW_2)


# ----------------------------------------------------------------------------- recordings
@pytest.mark.parametrize(("cmd", "rc", "out", "err"), [
    ("ip route get 1.2.3.4 from 224.0.0.1", 2, "", "RTNETLINK answers: Invalid argument\n"),
    ("ip route get 10.0.0.2 from 0.1.2.3", 2, "", "RTNETLINK answers: Network is unreachable\n"),
    ("ip route get 10.0.0.2 from 0.0.0.0", 0, "10.0.0.2 dev eth0 src 10.0.0.1 uid 0 \n    cache \n",
     ""),
])
def test_route_get_from_a_source(cmd, rc, out, err):
    check_unchanged(ERROR_SETUP, cmd, rc, out, err)


def test_ip_on_enslaved_port_listing():
    """ip_on_enslaved_port steps 6-7: the address stays on the port; route and JSON as recorded."""
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    for h in (h1, h2):
        assert run(h, "ip link set lo up")[0] == 0
    assert run(h1, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth0 "
                   "address 02:00:00:00:02:01 netns h2") == (0, "", "")
    assert run(h1, "ip addr add 10.0.0.1/24 dev eth0")[0] == 0
    assert run(h1, "ip link set eth0 up")[0] == 0
    assert run(h2, "ip link set eth0 up")[0] == 0
    assert run(h1, "ip link add name br0 type bridge")[0] == 0
    assert run(h1, "ip link set eth0 master br0")[0] == 0
    assert run(h1, "ip -j addr show eth0")[1] == (
        '[{"ifindex":2,"link_index":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP",'
        '"LOWER_UP"],"mtu":1500,"qdisc":"noqueue","master":"br0","operstate":"UP",'
        '"group":"default","txqlen":1000,"link_type":"ether","address":"02:00:00:00:01:01",'
        '"broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet",'
        '"local":"10.0.0.1","prefixlen":24,"scope":"global","label":"eth0",'
        '"valid_life_time":4294967295,"preferred_life_time":4294967295}]}]\n')
    assert run(h1, "ip -j route show")[1] == (
        '[{"dst":"10.0.0.0/24","dev":"eth0","protocol":"kernel","scope":"link",'
        '"prefsrc":"10.0.0.1","flags":[]}]\n')


def test_neighbour_states_as_the_recordings_show_them():
    """A FAILED entry has no lladdr; `dev` is left out when the listing is per device."""
    lab, hosts = new_lab("h1")
    h = hosts["h1"]
    assert run(h, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
                  "address 02:00:00:00:01:02")[0] == 0
    arp = h.ns.ipv4.arp
    n = arp.add_permanent(h.ns.get("eth0"), bytes([10, 0, 0, 2]), None, "FAILED")
    assert run(h, "ip -j neigh show dev eth0") == (
        0, '[{"dst":"10.0.0.2","state":["FAILED"]}]\n', "")
    arp.delete(n)
    assert run(h, "ip neigh add 10.0.0.10 lladdr 52:54:00:00:00:01 dev eth1 nud reachable") \
        == (0, "", "")
    assert run(h, "ip -j neigh show") == (
        0, '[{"dst":"10.0.0.10","dev":"eth1","lladdr":"52:54:00:00:00:01",'
           '"state":["REACHABLE"]}]\n', "")
    lab.run(60)  # REACHABLE is only trusted for a while
    assert run(h, "ip neigh show dev eth1") == (
        0, "10.0.0.10 lladdr 52:54:00:00:00:01 STALE \n", "")
    assert run(h, "ip neigh flush all") == (0, "", "")
    assert run(h, "ip -j neigh show") == (0, "[]\n", "")


# ------------------------------------------------------ option parsing, unsimulated features
# What Linux answers (recorded), then what netsim answers where it simulates nothing.
MORE_ERRORS = [
    (
        'ip addr add 10.0.0.2/24 brd + brd + dev eth0',
        255,
        '',
        'Error: duplicate "broadcast": "+" is the second value.\n',
    ),
    (
        'ip addr add 10.0.0.2/24 metric x dev eth0',
        255,
        '',
        'Error: argument "x" is wrong: "metric" value is invalid\n\n',
    ),
    (
        'ip addr add 10.0.0.2/24 valid_lft 5 valid_lft 6 dev eth0',
        255,
        '',
        'Error: duplicate "valid_lft": "valid_lft" is the second value.\n',
    ),
    (
        'ip addr add 10.0.0.2/24 valid_lft x dev eth0',
        255,
        '',
        'Error: argument "x" is wrong: valid_lft value\n',
    ),
    ('ip addr add help', 255, '', usage.IPADDR),
    ('ip addr add 10.0.0.2/24 dev eth0 valid_lft 0', 1, '', 'valid_lft is zero\n'),
    (
        'ip route add 1.2.3.0/24 via 300.1.1.1',
        1,
        '',
        'Error: inet address is expected rather than "300.1.1.1".\n',
    ),
    ('ip addr show scope foo', 255, '', 'Error: argument "foo" is wrong: invalid "scope"\n\n'),
    ('ip addr show help', 255, '', usage.IPADDR),
    (
        'ip neigh show dev eth0 dev eth1',
        255,
        '',
        'Error: duplicate "dev": "eth1" is the second value.\n',
    ),
    (
        'ip neigh show master nosuch',
        255,
        '',
        'Error: argument "nosuch" is wrong: Device does not exist\n\n',
    ),
    ('ip neigh show nud bogus', 255, '', 'Error: argument "bogus" is wrong: nud state is bad\n'),
    ('ip neigh show help', 255, '', usage.IPNEIGH),
    (
        'ip neigh add 10.0.0.3 lladdr 02:00:00:00:00:01 lladdr 02:00:00:00:00:02 dev eth0',
        255,
        '',
        'Error: duplicate "lladdr": "02:00:00:00:00:02" is the second value.\n',
    ),
    (
        'ip neigh add 10.0.0.3 10.0.0.4 dev eth0',
        255,
        '',
        'Error: either "to" is duplicate, or "10.0.0.4" is a garbage.\n',
    ),
    ('ip neigh get help', 255, '', usage.IPNEIGH),
    (
        'ip neigh get 10.0.0.1 10.0.0.2 dev eth0',
        255,
        '',
        'Error: either "to" is duplicate, or "10.0.0.2" is a garbage.\n',
    ),
    ('ip neigh get 10.0.0.1 dev eth9', 1, '', 'Cannot find device "eth9"\n'),
    ('ip netns help', 255, '', usage.IPNETNS),
    ('ip route show table help', 255, '', usage.IPROUTE),
    (
        'ip route show table foo',
        255,
        '',
        'Error: argument "foo" is wrong: table id value is invalid\n\n',
    ),
    ('ip route show proto foo', 255, '', 'Error: argument "foo" is wrong: invalid "protocol"\n\n'),
    ('ip route show scope foo', 255, '', 'Error: argument "foo" is wrong: invalid "scope"\n\n'),
    (
        'ip route show type foo',
        255,
        '',
        'Error: argument "foo" is wrong: node type value is invalid\n\n',
    ),
    (
        'ip route show metric x',
        255,
        '',
        'Error: argument "x" is wrong: "metric" value is invalid\n\n',
    ),
    (
        'ip route add 1.2.3.0/24 via 10.0.0.5 via 10.0.0.6',
        255,
        '',
        'Error: argument "via" is wrong: use nexthop syntax to specify multiple via\n\n',
    ),
    (
        'ip route add 1.2.3.0/24 dev eth0 metric x',
        255,
        '',
        'Error: argument "x" is wrong: "metric" value is invalid\n\n',
    ),
    (
        'ip route add 1.2.3.0/24 dev eth0 scope foo',
        255,
        '',
        'Error: argument "foo" is wrong: invalid "scope" value\n\n',
    ),
    (
        'ip route add 1.2.3.0/24 dev eth0 protocol foo',
        255,
        '',
        'Error: argument "foo" is wrong: "protocol" value is invalid\n\n',
    ),
    (
        'ip route add 1.2.3.0/24 dev eth0 table foo',
        255,
        '',
        'Error: argument "foo" is wrong: "table" value is invalid\n\n',
    ),
    ('ip route add help', 255, '', usage.IPROUTE),
    ('ip route add 1.2.3.0/24 dev eth0 scope 255', 2, '', 'Error: Invalid scope.\n'),
    ('ip route add 1.2.3.0/24 scope host', 2, '', 'RTNETLINK answers: No such device\n'),
    (
        'ip route add 1.2.3.0/24 via 10.0.0.5 onlink',
        2,
        '',
        'Error: Nexthop device required for onlink.\n',
    ),
    (
        'ip route add 1.2.3.0/24 via 10.0.0.5 dev tap0 onlink',
        2,
        '',
        'Error: Nexthop device is not up.\n',
    ),
    ('ip route add 1.2.3.0/24 dev tap0', 2, '', 'Error: Device for nexthop is not up.\n'),
    ('ip route get from help', 255, '', usage.IPROUTE),
    ('ip route get help', 255, '', usage.IPROUTE),
    ('ip route get 1.2.3.4 dev eth9', 1, '', 'Cannot find device "eth9"\n'),
    ('ip route get 1.2.3.4 from 9.9.9.9', 2, '', 'RTNETLINK answers: Network is unreachable\n'),
]
NOT_SIMULATED = [
    ('ip addr add ::1/128 dev eth0', 2, '', 'netsim: IPv6 is not simulated\n'),
    (
        'ip addr add 10.0.0.2/24 dev eth0 peer 10.0.0.3',
        2,
        '',
        'netsim: the address option "peer" is not simulated\n',
    ),
    ('ip addr save', 2, '', 'netsim: "ip address save" is not simulated\n'),
    ('ip neigh show master br0', 2, '', 'netsim: "ip neigh ... master" is not simulated\n'),
    ('ip neigh show proxy', 2, '', 'netsim: proxy ARP is not simulated\n'),
    ('ip neigh show protocol static', 2, '', 'netsim: "ip neigh ... protocol" is not simulated\n'),
    ('ip neigh show ::1', 2, '', 'netsim: IPv6 is not simulated\n'),
    ('ip neigh add proxy 10.0.0.3 dev eth0', 2, '', 'netsim: proxy ARP is not simulated\n'),
    (
        'ip neigh add 10.0.0.3 lladdr 02:00:00:00:00:01 dev eth0 router',
        2,
        '',
        'netsim: the neighbour flag "router" is not simulated\n',
    ),
    (
        'ip neigh add 10.0.0.3 lladdr 02:00:00:00:00:01 dev eth0 protocol static',
        2,
        '',
        'netsim: "ip neigh ... protocol" is not simulated\n',
    ),
    (
        'ip neigh add ::1 lladdr 02:00:00:00:00:01 dev eth0',
        2,
        '',
        'netsim: IPv6 is not simulated\n',
    ),
    (
        'ip neigh add 10.0.0.3 lladdr 02:00:00:00:00:01 dev eth0 nud none',
        2,
        '',
        'netsim: "nud none" is not simulated\n',
    ),
    ('ip neigh get proxy 10.0.0.3 dev eth0', 2, '', 'netsim: proxy ARP is not simulated\n'),
    (
        'ip netns add x',
        2,
        '',
        'netsim: "ip netns add" is not simulated; every host is a namespace: lab.host(NAME)\n',
    ),
    ('ip route show iif eth0', 2, '', 'netsim: the route selector "iif" is not simulated\n'),
    (
        'ip route add 1.2.3.0/24 dev eth0 table 100',
        2,
        '',
        'netsim: a routing table other than main is not simulated\n',
    ),
    (
        'ip route add 1.2.3.0/24 dev eth0 mtu 1400',
        2,
        '',
        'netsim: the route option "mtu" is not simulated\n',
    ),
    (
        'ip route add local 1.2.3.4 dev eth0',
        2,
        '',
        'netsim: the route type "local" is not simulated\n',
    ),
    ('ip route add ::/0 dev eth0', 2, '', 'netsim: IPv6 is not simulated\n'),
    ('ip route del ::/0', 2, '', 'netsim: IPv6 is not simulated\n'),
    ('ip route get 1.2.3.4 tos 0x10', 2, '', 'netsim: "ip route get ... tos" is not simulated\n'),
    (
        'ip route get 1.2.3.4 fibmatch',
        2,
        '',
        'netsim: "ip route get ... fibmatch" is not simulated\n',
    ),
    ('ip route get ::1', 2, '', 'netsim: IPv6 is not simulated\n'),
    ('ip route append 1.2.3.0/24 dev eth0', 2, '', 'netsim: "ip route append" is not simulated\n'),
    ('ip route save', 2, '', 'netsim: "ip route save" is not simulated\n'),
]


@pytest.mark.parametrize(("cmd", "rc", "out", "err"), MORE_ERRORS + NOT_SIMULATED,
                         ids=[e[0] for e in MORE_ERRORS + NOT_SIMULATED])
def test_more_refusals_are_exact_and_change_nothing(cmd, rc, out, err):
    check_unchanged(MORE_SETUP, cmd, rc, out, err)
