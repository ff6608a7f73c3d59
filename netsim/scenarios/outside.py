"""The world outside the hypervisor, the same in every mode scenario.

::

      internet 198.51.100.0/24            LAN 192.168.1.0/24 (the switch: a bridge)
    web .10 ──eth0──── eth1 .1 [gw] eth0 .1 ──port3─┐
                        NAT out of eth1,             switch ──port2── eth0 lan1 .20
                        DHCP .100-.199 on eth0       └──port1── eth0 [host] .10

``gw`` is a home router: it forwards, masquerades the LAN behind 198.51.100.1 and
serves DHCP on the LAN. ``web`` answers ping and runs a UDP echo service on port 7;
it has no route back into private address space (as on the real internet), so
nothing out there can start a conversation with the LAN. Documentation ranges only
(RFC 5737 for the internet, RFC 1918 inside).

Every machine is configured with the commands a person would type, so
``lab.history()`` lists them; loopback is up as after any boot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.lab import Lab

LAN = "192.168.1.0/24"
GW_LAN_IP = "192.168.1.1"
HOST_LAN_IP = "192.168.1.10"
LAN1_IP = "192.168.1.20"
LAN_DHCP_POOL = ("192.168.1.100", "192.168.1.199")
INTERNET = "198.51.100.0/24"
GW_WAN_IP = "198.51.100.1"
WEB_IP = "198.51.100.10"
ECHO_PORT = 7

SWITCH_PORTS = {"host": "port1", "lan1": "port2", "gw": "port3"}


class ScenarioError(RuntimeError):
    """A command of a ready-made scenario failed: a bug in netsim, never the user's."""


def run(machine: Host, *commands: str) -> None:
    """Type ``commands`` on ``machine``; each must succeed."""
    for command in commands:
        result = machine.sh(command)
        if result.returncode != 0:
            raise ScenarioError(f"{machine.name}$ {command}\n{result.stderr.strip()}")


def boot(machine: Host) -> Host:
    """A machine after boot: loopback up (not a typed command, so not in the history)."""
    machine.sh("ip link set lo up", record=False)
    return machine


def cable(lab: Lab, a: str, b: str) -> None:
    """Plug a cable between two machines, making each machine the first time it is named."""
    for spec in (a, b):
        lab.host(spec.partition(":")[0])
    lab.link(a, b)


def build_outside(lab: Lab) -> None:
    """Cables, the LAN switch, the gateway, lan1 and web; the host's side is the mode's."""
    lab.note("# the world outside the host: LAN switch, gw (router, NAT, DHCP), lan1, web")
    for name, port in SWITCH_PORTS.items():
        cable(lab, f"{name}:eth0", f"switch:{port}")
    cable(lab, "gw:eth1", "web:eth0")
    switch, gw, lan1, web = (boot(lab.host(n)) for n in ("switch", "gw", "lan1", "web"))

    run(switch, "ip link add name br0 type bridge", "ip link set br0 up")
    for port in SWITCH_PORTS.values():
        run(switch, f"ip link set {port} master br0 && ip link set {port} up")

    run(gw,
        f"ip addr add {GW_LAN_IP}/24 dev eth0 && ip link set eth0 up",
        f"ip addr add {GW_WAN_IP}/24 dev eth1 && ip link set eth1 up",
        "sysctl -w net.ipv4.ip_forward=1",
        "iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE",
        f"dnsmasq --interface=eth0 --bind-interfaces "
        f"--dhcp-range={LAN_DHCP_POOL[0]},{LAN_DHCP_POOL[1]},255.255.255.0,12h")

    run(web, f"ip addr add {WEB_IP}/24 dev eth0 && ip link set eth0 up")
    echo = web.spawn(f"socat UDP4-RECVFROM:{ECHO_PORT},fork PIPE")
    if not echo.running:
        raise ScenarioError(f"web$ socat: {echo.stderr.strip()}")

    run(lan1,
        f"ip addr add {LAN1_IP}/24 dev eth0 && ip link set eth0 up",
        f"ip route add default via {GW_LAN_IP}")


def host_uplink_on_eth0(host: Host) -> None:
    """The hypervisor's own LAN address on its NIC, default route via gw."""
    run(host,
        f"ip addr add {HOST_LAN_IP}/24 dev eth0 && ip link set eth0 up",
        f"ip route add default via {GW_LAN_IP}")
