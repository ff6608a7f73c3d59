"""A small libvirt-style NAT world for the netfilter tests, built with typed commands.

``host`` has ``virbr0`` 192.168.122.1/24 (ports vnet1, vnet2 to ``vm1`` .10 and
``vm2`` .11) and ``eth0`` 10.0.0.1/24 to ``outside`` 10.0.0.2; ip_forward is on and
MASQUERADE covers the VMs' subnet, as in the ``mode_nat`` recording.
"""

from __future__ import annotations

import netsim

MASQUERADE = ("iptables -t nat -A POSTROUTING -s 192.168.122.0/24 ! -d 192.168.122.0/24 "
              "-j MASQUERADE")


def nat_world(vms: int = 2, masquerade: bool = True) -> netsim.Lab:
    lab = netsim.Lab(seed=1)
    lab.hints = False
    host, outside = lab.host("host"), lab.host("outside")
    commands = [
        (host, "ip link add name virbr0 type bridge && "
               "ip addr add 192.168.122.1/24 dev virbr0 && ip link set virbr0 up"),
        (host, "ip link add eth0 type veth peer name eth0 netns outside"),
        (host, "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up"),
        (outside, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up && "
                  "ip link set lo up"),
        (host, "sysctl -qw net.ipv4.ip_forward=1"),
    ]
    for n in range(1, vms + 1):
        vm = lab.host(f"vm{n}")
        commands += [
            (host, f"ip link add vnet{n} type veth peer name eth0 netns vm{n}"),
            (host, f"ip link set vnet{n} master virbr0 && ip link set vnet{n} up"),
            (vm, f"ip addr add 192.168.122.{9 + n}/24 dev eth0 && ip link set eth0 up && "
                 "ip link set lo up && ip route add default via 192.168.122.1"),
        ]
    if masquerade:
        commands.append((host, MASQUERADE))
    for where, command in commands:
        result = where.sh(command)
        assert result.returncode == 0, (command, result.stderr)
    return lab
