"""The /sys and /proc files of a simulated host, against the real thing.

The transcript was recorded on Linux 6.18 with bash in a fresh network namespace (IPv6
off, lo up); bash's "line 1:" of ``bash -c`` is left out of the messages. Then come the
same files read and written through the file-system API, where the errno matters.
"""

from __future__ import annotations

import errno

import pytest

import netsim

from helpers import new_host, ok, parse_transcript

REAL_SESSION = """\
### ip link add br0 address 02:00:00:00:00:aa type bridge -> rc=0
### ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 address 02:00:00:<+>
00:01:02 -> rc=0
### ip link add a0 address 02:00:00:00:00:10 type veth peer name a1 address 02:00:00:00:0<+>
0:11 -> rc=0
### ip link set eth0 master br0; ip link set a0 master br0 -> rc=0
### ls /sys/class/net -> rc=0
O|a0$
O|a1$
O|br0$
O|eth0$
O|eth1$
O|lo$
### readlink /sys/class/net/br0 -> rc=0
O|../../devices/virtual/net/br0$
### ls /sys/class/net/br0/bridge -> rc=0
O|ageing_time$
O|bridge_id$
O|flush$
O|forward_delay$
O|gc_timer$
O|group_addr$
O|group_fwd_mask$
O|hash_elasticity$
O|hash_max$
O|hello_time$
O|hello_timer$
O|max_age$
O|multicast_igmp_version$
O|multicast_last_member_count$
O|multicast_last_member_interval$
O|multicast_membership_interval$
O|multicast_mld_version$
O|multicast_querier$
O|multicast_querier_interval$
O|multicast_query_interval$
O|multicast_query_response_interval$
O|multicast_query_use_ifaddr$
O|multicast_router$
O|multicast_snooping$
O|multicast_startup_query_count$
O|multicast_startup_query_interval$
O|multicast_stats_enabled$
O|nf_call_arptables$
O|nf_call_ip6tables$
O|nf_call_iptables$
O|no_linklocal_learn$
O|priority$
O|root_id$
O|root_path_cost$
O|root_port$
O|stp_state$
O|tcn_timer$
O|topology_change$
O|topology_change_detected$
O|topology_change_timer$
### ls /sys/class/net/br0/brif -> rc=0
O|a0$
O|eth0$
### ls /sys/class/net/eth0/brport -> rc=0
O|backup_port$
O|bpdu_guard$
O|bridge$
O|broadcast_flood$
O|change_ack$
O|config_pending$
O|designated_bridge$
O|designated_cost$
O|designated_port$
O|designated_root$
O|flush$
O|forward_delay_timer$
O|group_fwd_mask$
O|hairpin_mode$
O|hold_timer$
O|isolated$
O|learning$
O|message_age_timer$
O|multicast_fast_leave$
O|multicast_flood$
O|multicast_router$
O|multicast_to_unicast$
O|neigh_suppress$
O|path_cost$
O|port_id$
O|port_no$
O|priority$
O|proxyarp$
O|proxyarp_wifi$
O|root_block$
O|state$
O|unicast_flood$
### readlink /sys/class/net/eth0/master /sys/class/net/br0/brif/eth0 /sys/class/net/eth0/<+>
brport/bridge /sys/class/net/br0/lower_eth0 /sys/class/net/eth0/upper_br0 -> rc=0
O|../br0$
O|../../eth0/brport$
O|../../br0$
O|../eth0$
O|../br0$
### cd /sys/class/net/br0; for f in address addr_len broadcast carrier dormant duplex fla<+>
gs ifindex iflink mtu operstate speed tx_queue_len type uevent dev_id link_mode addr_assi<+>
gn_type; do echo "$f=$(cat $f 2>&1)"; done -> rc=0
O|address=02:00:00:00:00:aa$
O|addr_len=6$
O|broadcast=ff:ff:ff:ff:ff:ff$
O|carrier=cat: carrier: Invalid argument$
O|dormant=cat: dormant: Invalid argument$
O|duplex=cat: duplex: Invalid argument$
O|flags=0x1002$
O|ifindex=2$
O|iflink=2$
O|mtu=1500$
O|operstate=down$
O|speed=cat: speed: Invalid argument$
O|tx_queue_len=1000$
O|type=1$
O|uevent=DEVTYPE=bridge$
O|INTERFACE=br0$
O|IFINDEX=2$
O|dev_id=0x0$
O|link_mode=0$
O|addr_assign_type=3$
### cd /sys/class/net/br0/bridge; for f in $(ls); do echo "$f=$(cat $f 2>&1)"; done | gre<+>
p -v timer -> rc=0
O|ageing_time=30000$
O|bridge_id=8000.0200000000aa$
O|flush=cat: flush: Permission denied$
O|forward_delay=1500$
O|group_addr=01:80:c2:00:00:00$
O|group_fwd_mask=0x0$
O|hash_elasticity=16$
O|hash_max=4096$
O|hello_time=200$
O|max_age=2000$
O|multicast_igmp_version=2$
O|multicast_last_member_count=2$
O|multicast_last_member_interval=100$
O|multicast_membership_interval=26000$
O|multicast_mld_version=1$
O|multicast_querier=0$
O|multicast_querier_interval=25500$
O|multicast_query_interval=12500$
O|multicast_query_response_interval=1000$
O|multicast_query_use_ifaddr=0$
O|multicast_router=1$
O|multicast_snooping=1$
O|multicast_startup_query_count=2$
O|multicast_startup_query_interval=3124$
O|multicast_stats_enabled=0$
O|nf_call_arptables=0$
O|nf_call_ip6tables=0$
O|nf_call_iptables=0$
O|no_linklocal_learn=0$
O|priority=32768$
O|root_id=8000.0200000000aa$
O|root_path_cost=0$
O|root_port=0$
O|stp_state=0$
O|topology_change=0$
O|topology_change_detected=0$
### cd /sys/class/net/eth0/brport; for f in $(ls); do echo "$f=$(cat $f 2>&1)"; done | gr<+>
ep -v timer -> rc=0
O|backup_port=$
O|bpdu_guard=0$
O|bridge=cat: bridge: Is a directory$
O|broadcast_flood=1$
O|change_ack=0$
O|config_pending=0$
O|designated_bridge=8000.0200000000aa$
O|designated_cost=0$
O|designated_port=32769$
O|designated_root=8000.0200000000aa$
O|flush=cat: flush: Permission denied$
O|group_fwd_mask=0x0$
O|hairpin_mode=0$
O|isolated=0$
O|learning=1$
O|multicast_fast_leave=0$
O|multicast_flood=1$
O|multicast_router=1$
O|multicast_to_unicast=0$
O|neigh_suppress=0$
O|path_cost=2$
O|port_id=0x8001$
O|port_no=0x1$
O|priority=32$
O|proxyarp=0$
O|proxyarp_wifi=0$
O|root_block=0$
O|state=0$
O|unicast_flood=1$
### cd /sys/class/net/eth0; for f in address carrier flags iflink operstate speed duplex <+>
type addr_assign_type; do echo "$f=$(cat $f 2>&1)"; done -> rc=0
O|address=02:00:00:00:01:01$
O|carrier=cat: carrier: Invalid argument$
O|flags=0x1302$
O|iflink=3$
O|operstate=down$
O|speed=cat: speed: Invalid argument$
O|duplex=cat: duplex: Invalid argument$
O|type=1$
O|addr_assign_type=3$
### cd /sys/class/net/lo; for f in address broadcast carrier flags operstate speed duplex<+>
 type addr_assign_type mtu; do echo "$f=$(cat $f 2>&1)"; done -> rc=0
O|address=00:00:00:00:00:00$
O|broadcast=00:00:00:00:00:00$
O|carrier=1$
O|flags=0x9$
O|operstate=unknown$
O|speed=cat: speed: Invalid argument$
O|duplex=cat: duplex: Invalid argument$
O|type=772$
O|addr_assign_type=0$
O|mtu=65536$
### ip link set eth1 up; ip link set eth0 up; ip link set br0 up -> rc=0
### cd /sys/class/net/br0; for f in carrier operstate flags speed duplex dormant; do echo<+>
 "$f=$(cat $f 2>&1)"; done -> rc=0
O|carrier=1$
O|operstate=up$
O|flags=0x1003$
O|speed=10000$
O|duplex=unknown$
O|dormant=0$
### cd /sys/class/net/eth0; for f in carrier operstate flags speed brport/state; do echo <+>
"$f=$(cat $f 2>&1)"; done -> rc=0
O|carrier=1$
O|operstate=up$
O|flags=0x1303$
O|speed=10000$
O|brport/state=3$
### cat /sys/class/net/a0/carrier /sys/class/net/a0/operstate /sys/class/net/a0/brport/st<+>
ate -> rc=1
O|down$
O|0$
E|cat: /sys/class/net/a0/carrier: Invalid argument$
### cat /sys/class/net/br0/statistics/rx_packets /sys/class/net/br0/statistics/tx_carrier<+>
_errors -> rc=0
O|0$
O|0$
### ls /sys/class/net/br0/statistics -> rc=0
O|collisions$
O|multicast$
O|rx_bytes$
O|rx_compressed$
O|rx_crc_errors$
O|rx_dropped$
O|rx_errors$
O|rx_fifo_errors$
O|rx_frame_errors$
O|rx_length_errors$
O|rx_missed_errors$
O|rx_nohandler$
O|rx_over_errors$
O|rx_packets$
O|tx_aborted_errors$
O|tx_bytes$
O|tx_carrier_errors$
O|tx_compressed$
O|tx_dropped$
O|tx_errors$
O|tx_fifo_errors$
O|tx_heartbeat_errors$
O|tx_packets$
O|tx_window_errors$
### echo 7 > /sys/class/net/br0/bridge/ageing_time; cat /sys/class/net/br0/bridge/ageing_<+>
time -> rc=0
O|6$
### echo 0x10 > /sys/class/net/br0/bridge/ageing_time; cat /sys/class/net/br0/bridge/agei<+>
ng_time -> rc=0
O|16$
### echo "7 " > /sys/class/net/br0/bridge/ageing_time -> rc=1
E|bash: echo: write error: Invalid argument$
### echo abc > /sys/class/net/br0/bridge/priority -> rc=1
E|bash: echo: write error: Invalid argument$
### echo 70000 > /sys/class/net/br0/bridge/priority; cat /sys/class/net/br0/bridge/priori<+>
ty /sys/class/net/br0/bridge/bridge_id -> rc=0
O|4464$
O|1170.0200000000aa$
### echo 4 > /sys/class/net/br0/bridge/group_fwd_mask -> rc=1
E|bash: echo: write error: Invalid argument$
### echo 8 > /sys/class/net/br0/bridge/group_fwd_mask; cat /sys/class/net/br0/bridge/grou<+>
p_fwd_mask -> rc=0
O|0x8$
### echo 50 > /sys/class/net/br0/bridge/hello_time -> rc=1
E|bash: echo: write error: Numerical result out of range$
### echo 500 > /sys/class/net/br0/bridge/max_age -> rc=1
E|bash: echo: write error: Numerical result out of range$
### echo 100 > /sys/class/net/br0/bridge/forward_delay; cat /sys/class/net/br0/bridge/for<+>
ward_delay -> rc=0
O|100$
### echo 5 > /sys/class/net/br0/bridge/stp_state; cat /sys/class/net/br0/bridge/stp_state<+>
 /sys/class/net/br0/bridge/forward_delay -> rc=0
O|1$
O|200$
### echo 100 > /sys/class/net/br0/bridge/forward_delay -> rc=1
E|bash: echo: write error: Numerical result out of range$
### echo 0 > /sys/class/net/br0/bridge/stp_state -> rc=0
### echo 1 > /sys/class/net/br0/bridge/bridge_id -> rc=1
E|bash: /sys/class/net/br0/bridge/bridge_id: Permission denied$
### cat /sys/class/net/br0/bridge/flush -> rc=1
E|cat: /sys/class/net/br0/bridge/flush: Permission denied$
### echo 1 > /sys/class/net/br0/bridge/flush -> rc=0
### echo 0 > /sys/class/net/eth0/brport/path_cost -> rc=1
E|bash: echo: write error: Numerical result out of range$
### echo 70000 > /sys/class/net/eth0/brport/path_cost -> rc=1
E|bash: echo: write error: Numerical result out of range$
### echo 9 > /sys/class/net/eth0/brport/path_cost; cat /sys/class/net/eth0/brport/path_co<+>
st -> rc=0
O|9$
### echo 64 > /sys/class/net/eth0/brport/priority -> rc=1
E|bash: echo: write error: Numerical result out of range$
### echo 0x8 > /sys/class/net/eth0/brport/priority; cat /sys/class/net/eth0/brport/priori<+>
ty /sys/class/net/eth0/brport/port_id /sys/class/net/eth0/brport/designated_port -> rc=0
O|8$
O|0x2001$
O|8193$
### echo 7 > /sys/class/net/eth0/brport/hairpin_mode; cat /sys/class/net/eth0/brport/hair<+>
pin_mode -> rc=0
O|1$
### echo 0 > /sys/class/net/eth0/brport/learning; cat /sys/class/net/eth0/brport/learning<+>
 -> rc=0
O|0$
### echo 1 > /sys/class/net/eth0/brport/state -> rc=1
E|bash: /sys/class/net/eth0/brport/state: Permission denied$
### echo 1 > /sys/class/net/eth1/brport/priority -> rc=1
E|bash: /sys/class/net/eth1/brport/priority: No such file or directory$
### echo 9000 > /sys/class/net/eth0/mtu; cat /sys/class/net/eth0/mtu -> rc=0
O|9000$
### echo 70000 > /sys/class/net/eth0/mtu -> rc=1
E|bash: echo: write error: Invalid argument$
### echo 20 > /sys/class/net/eth0/mtu -> rc=1
E|bash: echo: write error: Invalid argument$
### echo 10 > /sys/class/net/eth0/tx_queue_len; cat /sys/class/net/eth0/tx_queue_len -> rc=0
O|10$
### echo 1 > /sys/class/net/eth0/carrier -> rc=1
E|bash: echo: write error: Operation not supported$
### echo 1 > /sys/class/net/eth1/address -> rc=1
E|bash: /sys/class/net/eth1/address: Permission denied$
### echo 0x1002 > /sys/class/net/eth1/flags; cat /sys/class/net/eth1/operstate /sys/class<+>
/net/eth0/carrier -> rc=0
O|down$
O|0$
### echo 0x1003 > /sys/class/net/eth1/flags; cat /sys/class/net/eth1/flags -> rc=0
O|0x1003$
### echo 1 > /sys/class/net/br0/foo -> rc=1
E|bash: /sys/class/net/br0/foo: Permission denied$
### cat /proc/net/dev -> rc=0
O|Inter-|   Receive                                                |  Transmit$
O| face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs<+>
 drop fifo colls carrier compressed$
O|    lo:       0       0    0    0    0     0          0         0        0       0    0<+>
    0    0     0       0          0$
O|   br0:       0       0    0    0    0     0          0         0        0       0    0<+>
    0    0     0       0          0$
O|  eth1:       0       0    0    0    0     0          0         0        0       0    0<+>
    0    0     0       0          0$
O|  eth0:       0       0    0    0    0     0          0         0        0       0    0<+>
    0    0     0       0          0$
O|    a1:       0       0    0    0    0     0          0         0        0       0    0<+>
    0    0     0       0          0$
O|    a0:       0       0    0    0    0     0          0         0        0       0    0<+>
    0    0     0       0          0$
"""


def test_session_recorded_on_linux(host: netsim.Host) -> None:
    for cmd, rc, out, err in parse_transcript(REAL_SESSION):
        result = host.sh(cmd)
        got = (result.returncode, result.stdout, result.stderr.replace("line 1: ", ""))
        assert got == (rc, out, err), f"$ {cmd}"


# ----------------------------------------------------------------------------- helpers
def bridge_host() -> netsim.Host:
    host = new_host()
    ok(host, "ip link add br0 address 02:00:00:00:00:aa type bridge")
    ok(host, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
             "address 02:00:00:00:01:02")
    ok(host, "ip link set eth0 master br0")
    return host


def errno_of(action) -> int:
    with pytest.raises(OSError) as err:
        action()
    return err.value.errno


SYS = "/sys/class/net"


# ----------------------------------------------------------------------------- the tree
def test_etc_hostname_is_the_host_name() -> None:
    host = netsim.Lab(seed=0).host("vmhost")
    assert host.fs.read("/etc/hostname") == "vmhost\n"


def test_class_net_links_into_devices_virtual_net() -> None:
    host = bridge_host()
    fs = host.fs
    assert fs.is_symlink(f"{SYS}/br0")
    assert fs.readlink(f"{SYS}/br0") == "../../devices/virtual/net/br0"
    assert fs.realpath(f"{SYS}/br0/brif/eth0") == "/sys/devices/virtual/net/eth0/brport"
    assert fs.realpath(f"{SYS}/eth0/master") == "/sys/devices/virtual/net/br0"
    assert fs.is_dir(f"{SYS}/eth0/brport") and not fs.exists(f"{SYS}/eth1/brport")
    assert fs.listdir(f"{SYS}/br0/brif") == ["eth0"]
    assert "tun_flags" not in fs.listdir(f"{SYS}/eth0")


def test_devices_come_and_go() -> None:
    host = bridge_host()
    ok(host, "ip link del eth0")
    assert host.fs.listdir(SYS) == ["br0", "lo"]
    assert host.fs.listdir(f"{SYS}/br0/brif") == []
    assert errno_of(lambda: host.fs.read(f"{SYS}/eth0/mtu")) == errno.ENOENT


# ----------------------------------------------------------------------------- reading
def test_attributes_of_a_device_that_is_down_or_up() -> None:
    host = bridge_host()
    fs = host.fs
    for name in ("carrier", "dormant", "speed", "duplex"):
        assert errno_of(lambda name=name: fs.read(f"{SYS}/br0/{name}")) == errno.EINVAL
    assert fs.read(f"{SYS}/br0/operstate") == "down\n"
    ok(host, "ip link set eth1 up && ip link set eth0 up && ip link set br0 up")
    assert [fs.read(f"{SYS}/br0/{n}") for n in ("carrier", "operstate", "flags", "speed",
                                                   "duplex")] == [
        "1\n", "up\n", "0x1003\n", "10000\n", "unknown\n"]
    assert fs.read(f"{SYS}/eth0/flags") == "0x1303\n"  # a port: PROMISC and ALLMULTI
    assert fs.read(f"{SYS}/eth0/brport/state") == "3\n"  # forwarding
    assert fs.read(f"{SYS}/lo/flags") == "0x9\n"
    assert errno_of(lambda: fs.read(f"{SYS}/lo/speed")) == errno.EINVAL


def test_bridge_without_working_ports_has_unknown_speed(host: netsim.Host) -> None:
    ok(host, "ip link add br0 type bridge && ip link set br0 up")
    assert host.fs.read(f"{SYS}/br0/speed") == "-1\n"


def test_tun_and_tap_files(host: netsim.Host) -> None:
    ok(host, "ip tuntap add tap0 mode tap && ip tuntap add tun0 mode tun")
    fs = host.fs
    assert fs.read(f"{SYS}/tap0/tun_flags") == "0x1802\n"  # TAP | NO_PI | PERSIST
    assert fs.read(f"{SYS}/tun0/tun_flags") == "0x1801\n"
    assert [fs.read(f"{SYS}/tun0/{n}") for n in ("type", "address", "addr_len", "flags")] == [
        "65534\n", "\n", "0\n", "0x1090\n"]
    assert fs.read(f"{SYS}/tap0/owner") == "-1\n"
    host.open_tun("qtap0", mode="tap", vnet_hdr=True)  # as QEMU does: not persistent
    assert fs.read(f"{SYS}/qtap0/tun_flags") == "0x5002\n"  # VNET_HDR | NO_PI | TAP
    assert errno_of(lambda: fs.read(f"{SYS}/qtap0/carrier")) == errno.EINVAL  # down
    ok(host, "ip link set qtap0 up")
    assert fs.read(f"{SYS}/qtap0/carrier") == "1\n"  # a process holds it


def test_statistics_and_proc_net_dev_follow_the_counters() -> None:
    from lab_builders import VM1, bridge_with_taps_and_lan, raw_frame

    lab, host, _lan, vms = bridge_with_taps_and_lan(taps=1)
    for _ in range(3):
        vms[0].write(raw_frame(b"\xff" * 6, VM1))
    lab.run(0.1)
    tap0 = host.ns.get("tap0")
    fs = host.fs
    assert fs.read(f"{SYS}/tap0/statistics/rx_packets") == f"{tap0.stats['rx_packets']}\n"
    assert tap0.stats["rx_packets"] == 3
    assert fs.read(f"{SYS}/tap0/statistics/rx_nohandler") == "0\n"
    row = next(line for line in fs.read("/proc/net/dev").splitlines()
               if line.startswith("  tap0:"))
    assert row.split()[1:3] == [str(tap0.stats["rx_bytes"]), "3"]


# ----------------------------------------------------------------------------- writing
def test_bridge_parameter_writes() -> None:
    host = bridge_host()
    fs, br = host.fs, host.ns.get("br0")
    fs.write(f"{SYS}/br0/bridge/ageing_time", "7\n")
    assert fs.read(f"{SYS}/br0/bridge/ageing_time") == "6\n"  # through jiffies, HZ=250
    fs.write(f"{SYS}/br0/bridge/ageing_time", "0x10\n")
    assert br.ageing_time == 0.16
    fs.write(f"{SYS}/br0/bridge/priority", "70000\n")
    assert fs.read(f"{SYS}/br0/bridge/bridge_id") == "1170.0200000000aa\n"  # MAC set by hand
    fs.write(f"{SYS}/br0/bridge/group_fwd_mask", "8")
    assert fs.read(f"{SYS}/br0/bridge/group_fwd_mask") == "0x8\n"
    fs.write(f"{SYS}/br0/bridge/forward_delay", "100\n")  # STP off: any value
    fs.write(f"{SYS}/br0/bridge/stp_state", "5\n")
    assert fs.read(f"{SYS}/br0/bridge/stp_state") == "1\n"
    assert fs.read(f"{SYS}/br0/bridge/forward_delay") == "200\n"  # pulled into 2..30 s


@pytest.mark.parametrize(("file", "text", "code"), [
    ("bridge/ageing_time", "7 ", errno.EINVAL),
    ("bridge/ageing_time", " 7", errno.EINVAL),
    ("bridge/ageing_time", "-1", errno.EINVAL),
    ("bridge/ageing_time", "18446744073709551616", errno.ERANGE),
    ("bridge/priority", "abc", errno.EINVAL),
    ("bridge/group_fwd_mask", "4", errno.EINVAL),
    ("bridge/group_fwd_mask", "1", errno.EINVAL),
    ("bridge/hello_time", "50", errno.ERANGE),
    ("bridge/hello_time", "1001", errno.ERANGE),
    ("bridge/max_age", "500", errno.ERANGE),
    ("bridge/max_age", "4001", errno.ERANGE),
    ("bridge/multicast_snooping", "0", errno.EOPNOTSUPP),
    ("bridge/bridge_id", "1", errno.EACCES),
    ("bridge/gc_timer", "1", errno.EACCES),
    ("../eth0/brport/path_cost", "0", errno.ERANGE),
    ("../eth0/brport/path_cost", "65536", errno.ERANGE),
    ("../eth0/brport/priority", "64", errno.ERANGE),
    ("../eth0/brport/multicast_router", "2", errno.EOPNOTSUPP),
    ("../eth0/brport/state", "1", errno.EACCES),
    ("../eth0/brport/port_id", "1", errno.EACCES),
    ("mtu", "67", errno.EINVAL),
    ("mtu", "65536", errno.EINVAL),
    ("address", "1", errno.EACCES),
    ("carrier", "1", errno.EINVAL),
    ("tx_queue_len", "4294967296", errno.ERANGE),
    ("nope", "1", errno.EACCES),
])
def test_refused_writes_change_nothing(file: str, text: str, code: int) -> None:
    host = bridge_host()
    before = (sorted(host.fs.listdir(f"{SYS}/br0/bridge")),
              [host.fs.read(f"{SYS}/br0/bridge/{f}")
               for f in host.fs.listdir(f"{SYS}/br0/bridge") if f != "flush"],
              [host.fs.read(f"{SYS}/eth0/brport/{f}")
               for f in host.fs.listdir(f"{SYS}/eth0/brport") if f not in ("flush", "bridge")],
              host.fs.read(f"{SYS}/br0/mtu"))
    path = host.fs.resolve(f"{SYS}/br0/{file}")
    assert errno_of(lambda: host.fs.write(path, text)) == code
    after = (sorted(host.fs.listdir(f"{SYS}/br0/bridge")),
             [host.fs.read(f"{SYS}/br0/bridge/{f}")
              for f in host.fs.listdir(f"{SYS}/br0/bridge") if f != "flush"],
             [host.fs.read(f"{SYS}/eth0/brport/{f}")
              for f in host.fs.listdir(f"{SYS}/eth0/brport") if f not in ("flush", "bridge")],
             host.fs.read(f"{SYS}/br0/mtu"))
    assert after == before


def test_forward_delay_is_range_checked_while_stp_runs() -> None:
    host = bridge_host()
    host.fs.write(f"{SYS}/br0/bridge/stp_state", "1")
    for text in ("100", "3001"):
        assert errno_of(lambda text=text: host.fs.write(
            f"{SYS}/br0/bridge/forward_delay", text)) == errno.ERANGE
    host.fs.write(f"{SYS}/br0/bridge/forward_delay", "3000")
    assert host.ns.get("br0").forward_delay == 30.0


def test_port_writes_reach_the_model() -> None:
    host = bridge_host()
    fs, port = host.fs, host.ns.get("eth0").br_port
    fs.write(f"{SYS}/eth0/brport/hairpin_mode", "7\n")
    fs.write(f"{SYS}/eth0/brport/learning", "0\n")
    fs.write(f"{SYS}/eth0/brport/unicast_flood", "0\n")
    fs.write(f"{SYS}/eth0/brport/priority", "0x8\n")
    fs.write(f"{SYS}/eth0/brport/path_cost", "65535\n")
    assert (port.hairpin, port.learning, port.flood, port.priority, port.path_cost) == (
        True, False, False, 8, 65535)
    assert fs.read(f"{SYS}/eth0/brport/hairpin_mode") == "1\n"
    assert fs.read(f"{SYS}/eth0/brport/port_id") == "0x2001\n"
    assert fs.read(f"{SYS}/eth0/brport/designated_port") == "8193\n"


def test_flush_files_forget_learned_entries() -> None:
    from lab_builders import VM1, VM2, bridge_with_taps_and_lan, raw_frame

    lab, host, _lan, vms = bridge_with_taps_and_lan(taps=2)
    vms[0].write(raw_frame(b"\xff" * 6, VM1))
    vms[1].write(raw_frame(b"\xff" * 6, VM2))
    lab.run(0.1)
    fdb = host.ns.get("br0").fdb
    assert fdb.find(VM1) and fdb.find(VM2)
    assert errno_of(lambda: host.fs.read(f"{SYS}/tap0/brport/flush")) == errno.EACCES
    host.fs.write(f"{SYS}/tap0/brport/flush", "1\n")
    assert fdb.find(VM1) is None and fdb.find(VM2) is not None
    host.fs.write(f"{SYS}/br0/bridge/flush", "1\n")
    assert fdb.find(VM2) is None
    assert fdb.find(bytes.fromhex("fe5400000001")).is_local  # local entries stay


def test_device_writes() -> None:
    host = bridge_host()
    fs, eth1 = host.fs, host.ns.get("eth1")
    fs.write(f"{SYS}/eth1/mtu", "9000\n")
    fs.write(f"{SYS}/eth1/tx_queue_len", "10\n")
    assert (eth1.mtu, eth1.txqlen) == (9000, 10)
    fs.write(f"{SYS}/eth1/flags", "0x1003\n")
    assert eth1.admin_up
    assert errno_of(lambda: fs.write(f"{SYS}/eth1/carrier", "1")) == errno.EOPNOTSUPP
    fs.write(f"{SYS}/eth1/flags", "0x1002\n")
    assert not eth1.admin_up


# ----------------------------------------------------------------------------- /proc
def test_proc_sys_files() -> None:
    host = bridge_host()
    fs = host.fs
    assert fs.listdir("/proc/sys") == ["kernel", "net"]
    assert fs.listdir("/proc/sys/net") == ["bridge", "core", "ipv4", "ipv6", "unix"]
    assert fs.listdir("/proc/sys/net/ipv4/conf") == ["all", "br0", "default", "eth0", "eth1",
                                                     "lo"]
    assert fs.mode("/proc/sys/net/ipv4/ip_forward") == 0o644
    assert fs.mode("/proc/sys/net/ipv4/conf/lo/mc_forwarding") == 0o444
    assert fs.mode("/proc/sys/net/ipv4/route/flush") == 0o200
    assert errno_of(lambda: fs.read("/proc/sys/net/ipv4/route/flush")) == errno.EACCES
    assert errno_of(lambda: fs.write("/proc/sys/net/core/rmem_max", "1")) == errno.EACCES
    assert errno_of(lambda: fs.write("/proc/sys/net/ipv4/ip_forward", "1=2")) == errno.EINVAL
    fs.write("/proc/sys/net/ipv4/ip_forward", "1\n2\n")  # what follows the number is ignored
    assert fs.read("/proc/sys/net/ipv4/ip_forward") == "1\n"
    assert fs.read("/proc/sys/net/ipv4/ip_local_reserved_ports") == "\n"
    assert fs.read("/proc/sys/kernel/hostname") == "h1\n"


def test_proc_net_dev_header(host: netsim.Host) -> None:
    text = host.fs.read("/proc/net/dev")
    assert text.splitlines()[:3] == [
        "Inter-|   Receive                                                |  Transmit",
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
        "errs drop fifo colls carrier compressed",
        "    lo:       0       0    0    0    0     0          0         0        0       0 "
        "   0    0    0     0       0          0"]
