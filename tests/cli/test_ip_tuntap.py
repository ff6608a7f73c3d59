"""`ip tuntap` against the real thing (iproute2 6.1.0, Linux 6.18): add, del, show, the
/dev/net/tun rules behind them (exclusive create, mode and multi_queue must match, a held
device is busy) and how tun/tap devices look in `ip link`.
"""

from __future__ import annotations

import pytest
from cli.iproute_helpers import MORE_SETUP, check_unchanged, new_lab, play, run, world

from netsim.cli.ip import usage

# ----------------------------------------------------------------------------- errors
ERROR_SETUP = ["ip tuntap add tap0 mode tap", "ip tuntap add tun0 mode tun",
               "ip tuntap add tap1 mode tap multi_queue",
               "ip link add eth0 type veth peer name eth1", "ip link add br0 type bridge"]

ERRORS = [
    ('ip tuntap add tap0 mode tap', 1, '', 'ioctl(TUNSETIFF): Device or resource busy\n'),
    ('ip tuntap add tap0 mode tun', 1, '', 'ioctl(TUNSETIFF): Device or resource busy\n'),
    ('ip tuntap add eth0 mode tap', 1, '', 'ioctl(TUNSETIFF): Device or resource busy\n'),
    ('ip tuntap del tap0 mode tun', 1, '', 'ioctl(TUNSETIFF): Invalid argument\n'),
    ('ip tuntap del tun0 mode tap', 1, '', 'ioctl(TUNSETIFF): Invalid argument\n'),
    ('ip tuntap del eth0 mode tap', 1, '', 'ioctl(TUNSETIFF): Invalid argument\n'),
    ('ip tuntap del tap1 mode tap', 1, '', 'ioctl(TUNSETIFF): Invalid argument\n'),
    ('ip tuntap add tapx', 1, '', 'You failed to specify a tunnel mode\n'),
    ('ip tuntap add tapx mode foo', 255, '', 'Unknown tunnel mode "foo"\n'),
    (
        'ip tuntap add tapx mode tap mode tun',
        255,
        '',
        'You managed to ask for more than one tunnel mode.\n',
    ),
    (
        'ip tuntap add dev tapy mode tap name tapz',
        255,
        '',
        'Error: either "name" is duplicate, or "tapz" is a garbage.\n',
    ),
    (
        'ip tuntap add tapy mode tap tapz',
        255,
        '',
        'Error: either "name" is duplicate, or "tapz" is a garbage.\n',
    ),
    (
        'ip tuntap add aaaaaaaaaaaaaaaaaaaa mode tap',
        255,
        '',
        'Error: argument "aaaaaaaaaaaaaaaaaaaa" is wrong: "name" not a valid ifname\n',
    ),
    (
        'ip tuntap add dev aaaaaaaaaaaaaaaaaaaa mode tap',
        255,
        '',
        'Error: argument "aaaaaaaaaaaaaaaaaaaa" is wrong: "dev" not a valid ifname\n',
    ),
    ('ip tuntap add user nosuchuser tapq mode tap', 255, '', 'invalid user "nosuchuser"\n'),
    ('ip tuntap add tapq mode tap group nosuchgroup', 255, '', 'invalid group "nosuchgroup"\n'),
    ('ip tuntap add tapq mode', 255, '', 'Command line is not complete. Try option "help"\n'),
    ('ip tuntap foo', 255, '', 'Command "foo" is unknown, try "ip tuntap help".\n'),
    ('ip tuntap help', 255, '', usage.IPTUNTAP),
    (
        'ip link set tun0 address 02:00:00:00:00:01',
        2,
        '',
        'RTNETLINK answers: Operation not supported\n',
    ),
    ('ip link set tun0 master br0', 2, '', 'RTNETLINK answers: Invalid argument\n'),
    ('ip link add t9 type tun', 2, '', 'Error: tun/tap creation via rtnetlink is not supported.\n'),
]


@pytest.mark.parametrize(("cmd", "rc", "out", "err"), ERRORS, ids=[e[0] for e in ERRORS])
def test_refused_tuntap_command_prints_the_real_error_and_changes_nothing(cmd, rc, out, err):
    check_unchanged(ERROR_SETUP, cmd, rc, out, err)


# ----------------------------------------------------------------------------- flows
FLOW_0 = (["h1"], [
    ('h1', 'ip tuntap add tap0 mode tap', 0, '', ''),
    ('h1', 'ip tuntap add tun0 mode tun', 0, '', ''),
    ('h1', 'ip link set tap0 address 02:00:00:00:00:a0', 0, '', ''),
    (
        'h1',
        'ip -d -j link show tap0',
        0,
        '[{"ifindex":2,"ifname":"tap0","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc"'
        ':"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"l'
        'ink_type":"ether","address":"02:00:00:00:00:a0","broadcast":"ff:ff:ff:ff:ff:ff","p'
        'romiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65521,"linkinfo":{"info_kind":"t'
        'un","info_data":{"type":"tap","pi":false,"vnet_hdr":false,"multi_queue":false,"per'
        'sist":true}},"inet6_addr_gen_mode":"eui64","num_tx_queues":1,"num_rx_queues":1,"gs'
        'o_max_size":65536,"gso_max_segs":65535,"tso_max_size":65536,"tso_max_segs":65535,"'
        'gro_max_size":65536}]\n',
        '',
    ),
    (
        'h1',
        'ip -d -j link show tun0',
        0,
        '[{"ifindex":3,"ifname":"tun0","flags":["POINTOPOINT","MULTICAST","NOARP"],"mtu":15'
        '00,"qdisc":"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqle'
        'n":500,"link_type":"none","promiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":6553'
        '5,"linkinfo":{"info_kind":"tun","info_data":{"type":"tun","pi":false,"vnet_hdr":fa'
        'lse,"multi_queue":false,"persist":true}},"inet6_addr_gen_mode":"eui64","num_tx_que'
        'ues":1,"num_rx_queues":1,"gso_max_size":65536,"gso_max_segs":65535,"tso_max_size":'
        '65536,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    (
        'h1',
        'ip -d link show tap0',
        0,
        '2: tap0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group d'
        'efault qlen 1000\n'
        '    link/ether 02:00:00:00:00:a0 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 m'
        'inmtu 68 maxmtu 65521 \n'
        '    tun type tap pi off vnet_hdr off persist on addrgenmode eui64 numtxqueues 1 nu'
        'mrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 65536 tso_max_segs '
        '65535 gro_max_size 65536 \n',
        '',
    ),
    (
        'h1',
        'ip -d link show tun0',
        0,
        '3: tun0: <POINTOPOINT,MULTICAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT'
        ' group default qlen 500\n'
        '    link/none  promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n'
        '    tun type tun pi off vnet_hdr off persist on addrgenmode eui64 numtxqueues 1 nu'
        'mrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 65536 tso_max_segs '
        '65535 gro_max_size 65536 \n',
        '',
    ),
    (
        'h1',
        'ip link show tap0',
        0,
        '2: tap0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group d'
        'efault qlen 1000\n'
        '    link/ether 02:00:00:00:00:a0 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    (
        'h1',
        'ip link show tun0',
        0,
        '3: tun0: <POINTOPOINT,MULTICAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT'
        ' group default qlen 500\n'
        '    link/none \n',
        '',
    ),
    ('h1', 'ip tuntap show', 0, 'tap0: tap persist\ntun0: tun persist\n', ''),
    ('h1', 'ip tuntap add tap1 mode tap multi_queue', 0, '', ''),
    ('h1', 'ip tuntap add tap2 mode tap vnet_hdr', 0, '', ''),
    ('h1', 'ip link set tap1 address 02:00:00:00:00:a1', 0, '', ''),
    (
        'h1',
        'ip -d -j link show tap1',
        0,
        '[{"ifindex":4,"ifname":"tap1","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc"'
        ':"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"l'
        'ink_type":"ether","address":"02:00:00:00:00:a1","broadcast":"ff:ff:ff:ff:ff:ff","p'
        'romiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65521,"linkinfo":{"info_kind":"t'
        'un","info_data":{"type":"tap","pi":false,"vnet_hdr":false,"multi_queue":true,"numq'
        'ueues":0,"numdisabled":0,"persist":true}},"inet6_addr_gen_mode":"eui64","num_tx_qu'
        'eues":256,"num_rx_queues":256,"gso_max_size":65536,"gso_max_segs":65535,"tso_max_s'
        'ize":65536,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    (
        'h1',
        'ip -d link show tap1',
        0,
        '4: tap1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group d'
        'efault qlen 1000\n'
        '    link/ether 02:00:00:00:00:a1 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 m'
        'inmtu 68 maxmtu 65521 \n'
        '    tun type tap pi off vnet_hdr off multi_queue numqueues 0 numdisabled 0 persist'
        ' on addrgenmode eui64 numtxqueues 256 numrxqueues 256 gso_max_size 65536 gso_max_s'
        'egs 65535 tso_max_size 65536 tso_max_segs 65535 gro_max_size 65536 \n',
        '',
    ),
    (
        'h1',
        'ip tuntap show',
        0,
        'tap0: tap persist\n'
        'tun0: tun persist\n'
        'tap1: tap multi_queue persist\n'
        'tap2: tap vnet_hdr persist\n',
        '',
    ),
    (
        'h1',
        'ip -j tuntap show',
        0,
        '[{"ifname":"tap0","flags":["tap","persist"]},{"ifname":"tun0","flags":["tun","pers'
        'ist"]},{"ifname":"tap1","flags":["tap","multi_queue","persist"]},{"ifname":"tap2",'
        '"flags":["tap","vnet_hdr","persist"]}]\n',
        '',
    ),
    (
        'h1',
        'ip -j -p tuntap show',
        0,
        '[ {\n'
        '        "ifname": "tap0",\n'
        '        "flags": [ "tap","persist" ]\n'
        '    },{\n'
        '        "ifname": "tun0",\n'
        '        "flags": [ "tun","persist" ]\n'
        '    },{\n'
        '        "ifname": "tap1",\n'
        '        "flags": [ "tap","multi_queue","persist" ]\n'
        '    },{\n'
        '        "ifname": "tap2",\n'
        '        "flags": [ "tap","vnet_hdr","persist" ]\n'
        '    } ]\n',
        '',
    ),
    ('h1', 'ip tuntap del tap0 mode tap', 0, '', ''),
    ('h1', 'ip tuntap del tun0 mode tun', 0, '', ''),
    ('h1', 'ip tuntap del tap9 mode tap', 0, '', ''),
    ('h1', 'ip tuntap del tap1 mode tap multi_queue', 0, '', ''),
    ('h1', 'ip link del tap2', 0, '', ''),
    (
        'h1',
        'ip -j link show',
        0,
        '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdis'
        'c":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen"'
        ':1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:0'
        '0:00:00"}]\n',
        '',
    ),
    ('h1', 'ip tuntap add tap5 mode tap pi one_queue user 0 group 0', 0, '', ''),
    ('h1', 'ip tuntap show', 0, 'tap5: tap pi one_queue persist filter user 0 group 0\n', ''),
    (
        'h1',
        'ip -j tuntap show',
        0,
        '[{"ifname":"tap5","flags":["tap","pi","one_queue","persist","filter"],"user":0,"gr'
        'oup":0}]\n',
        '',
    ),
    ('h1', 'ip link set tap5 address 02:00:00:00:00:a5', 0, '', ''),
    (
        'h1',
        'ip -d -j link show tap5',
        0,
        '[{"ifindex":7,"ifname":"tap5","flags":["BROADCAST","MULTICAST"],"mtu":1500,"qdisc"'
        ':"noop","operstate":"DOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"l'
        'ink_type":"ether","address":"02:00:00:00:00:a5","broadcast":"ff:ff:ff:ff:ff:ff","p'
        'romiscuity":0,"allmulti":0,"min_mtu":68,"max_mtu":65521,"linkinfo":{"info_kind":"t'
        'un","info_data":{"type":"tap","pi":true,"vnet_hdr":false,"multi_queue":false,"pers'
        'ist":true,"user":"root","group":"root"}},"inet6_addr_gen_mode":"eui64","num_tx_que'
        'ues":1,"num_rx_queues":1,"gso_max_size":65536,"gso_max_segs":65535,"tso_max_size":'
        '65536,"tso_max_segs":65535,"gro_max_size":65536}]\n',
        '',
    ),
    ('h1', 'ip tuntap add mode tap', 0, '', ''),
    ('h1', 'ip tuntap add mode tun', 0, '', ''),
    ('h1', 'ip tuntap add tap%d mode tap', 0, '', ''),
    (
        'h1',
        'ip tap show',
        0,
        'tap5: tap pi one_queue persist filter user 0 group 0\n'
        'tap0: tap persist\n'
        'tun0: tun persist\n'
        'tap1: tap persist\n',
        '',
    ),
    (
        'h1',
        'ip tuntap',
        0,
        'tap5: tap pi one_queue persist filter user 0 group 0\n'
        'tap0: tap persist\n'
        'tun0: tun persist\n'
        'tap1: tap persist\n',
        '',
    ),
    (
        'h1',
        'ip tuntap list dev tap5',
        0,
        'tap5: tap pi one_queue persist filter user 0 group 0\n'
        'tap0: tap persist\n'
        'tun0: tun persist\n'
        'tap1: tap persist\n',
        '',
    ),
    ('h1', 'ip link set tap5 up', 0, '', ''),
    (
        'h1',
        'ip link show tap5',
        0,
        '7: tap5: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc pfifo_fast state DOWN '
        'mode DEFAULT group default qlen 1000\n'
        '    link/ether 02:00:00:00:00:a5 brd ff:ff:ff:ff:ff:ff\n',
        '',
    ),
    ('h1', 'ip link set tun1 up', 1, '', 'Cannot find device "tun1"\n'),
    ('h1', 'ip link show tun1', 1, '', 'Device "tun1" does not exist.\n'),
    ('h1', 'ip -d link show tun1', 1, '', 'Device "tun1" does not exist.\n'),
])


def test_tuntap_add_show_del_and_how_ip_link_shows_them():
    play(FLOW_0)


# ----------------------------------------------------------------------------- processes
def test_a_held_device_is_busy_and_show_d_lists_its_process():
    """tap_carrier_attach: carrier follows the fd; `ip -d tuntap show` finds the holder."""
    _lab, hosts = new_lab("h1")
    h = hosts["h1"]
    assert run(h, "ip tuntap add tap0 mode tap") == (0, "", "")
    assert run(h, "ip link set tap0 address fe:54:00:00:00:01") == (0, "", "")
    assert run(h, "ip link set tap0 up") == (0, "", "")
    assert run(h, "ip link show tap0")[1] == (
        "2: tap0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc pfifo_fast state DOWN "
        "mode DEFAULT group default qlen 1000\n"
        "    link/ether fe:54:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n")
    tfile = h.open_tun("tap0")
    pid = tfile.process.pid
    assert run(h, "ip link show tap0")[1] == (
        "2: tap0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP "
        "mode DEFAULT group default qlen 1000\n"
        "    link/ether fe:54:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n")
    assert run(h, "ip -d tuntap show") == (
        0, f"tap0: tap persist\n\tAttached to processes:tun-holder({pid})\n", "")
    assert run(h, "ip -d -j tuntap show") == (  # iproute2 really prints this (invalid) JSON
        0, '[{"ifname":"tap0","flags":["tap","persist"],"processes":'
           f'["name":"tun-holder","pid":{pid}]}}]\n', "")
    before = world(hosts)
    assert run(h, "ip tuntap del tap0 mode tap") == (
        1, "", "ioctl(TUNSETIFF): Device or resource busy\n")
    assert world(hosts) == before
    tfile.close()
    assert run(h, "ip -j link show tap0")[1].startswith(
        '[{"ifindex":2,"ifname":"tap0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"]')
    assert run(h, "ip tuntap del tap0 mode tap") == (0, "", "")
    assert run(h, "ip tuntap show") == (0, "", "")


def test_deleting_a_tap_that_does_not_exist_creates_and_removes_it():
    """TUNSETIFF makes the device, TUNSETPERSIST 0 and close() delete it: rc 0, an ifindex used."""
    _lab, hosts = new_lab("h1")
    h = hosts["h1"]
    assert run(h, "ip tuntap del tap9 mode tap") == (0, "", "")
    assert run(h, "ip tuntap add tap0 mode tap") == (0, "", "")
    assert run(h, "ip -j link show tap0")[1].startswith('[{"ifindex":3,"ifname":"tap0"')


# ------------------------------------------------------ option parsing, unsimulated features
# What Linux answers (recorded), then what netsim answers where it simulates nothing.
MORE_ERRORS = [
    ('ip tuntap add help', 255, '', usage.IPTUNTAP),
]
NOT_SIMULATED = [

]


@pytest.mark.parametrize(("cmd", "rc", "out", "err"), MORE_ERRORS + NOT_SIMULATED,
                         ids=[e[0] for e in MORE_ERRORS + NOT_SIMULATED])
def test_more_refusals_are_exact_and_change_nothing(cmd, rc, out, err):
    check_unchanged(MORE_SETUP, cmd, rc, out, err)
