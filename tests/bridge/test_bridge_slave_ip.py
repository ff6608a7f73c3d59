"""`ip link set PORT type bridge_slave ...` reaches the port's setters through its bridge.

Expected texts and statuses recorded on Linux 6.18 with iproute2 6.1 (a scratch
namespace, the same commands in the same order).
"""

from __future__ import annotations

import netsim

RECORDED = [
    ("ip link add br0 type bridge", 0, ""),
    ("ip link add v0 type veth peer name v1", 0, ""),
    ("ip link set v0 type bridge_slave cost 5", 2,
     "RTNETLINK answers: Operation not supported\n"),          # not a port yet
    ("ip link set v0 master br0", 0, ""),
    ("ip link set v0 type bridge_slave cost 5 priority 3", 0, ""),
    ("bridge -d link show dev v0", 0,
     "4: v0@v1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 3 "
     "cost 5 \n    hairpin off guard off root_block off fastleave off learning on flood on "
     "mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off "
     "vlan_tunnel off isolated off locked off \n"),
    ("ip link set v0 type bridge_slave cost 0", 2,
     "RTNETLINK answers: Numerical result out of range\n"),
    ("ip link set v0 type bridge_slave priority 64", 2,
     "RTNETLINK answers: Numerical result out of range\n"),
    ("cat /sys/class/net/v0/brport/path_cost", 0, "5\n"),
]


def test_bridge_slave_options_through_ip_link_set_as_recorded() -> None:
    host = netsim.Lab().host("h")
    for command, status, text in RECORDED:
        result = host.sh(command)
        assert (result.returncode, result.stdout + result.stderr) == (status, text), command


def test_a_refused_bridge_slave_option_leaves_the_port_as_it_was() -> None:
    host = netsim.Lab().host("h")
    host.sh("ip link add br0 type bridge && ip link add v0 type veth peer name v1 && "
            "ip link set v0 master br0 && ip link set v0 type bridge_slave cost 7")
    port = host.ns.get("v0").br_port
    assert host.sh("ip link set v0 type bridge_slave cost 70000").returncode == 2
    assert port.path_cost == 7
