"""The four ready-made labs of issue 5, built the way real systems build them.

Each function returns a running :class:`~netsim.lab.Lab` with the outside
world of :mod:`netsim.scenarios.outside`, the hypervisor ``host`` configured for one
:class:`NetworkMode`, and VMs ``vm1``, ``vm2``... started with real
``qemu-system-x86_64`` command lines whose guests got their address by DHCP
(``dhclient eth0``, or ``udhcpc -i eth0`` with ``dhcp_client="udhcpc"``). Nothing is
wired behind the student's back: ``print(lab.history())``
is the list of commands to type on real machines to build the same thing.
"""

from __future__ import annotations

from netsim.lab import Lab
from netsim.scenarios import outside
from netsim.scenarios.modes import NetworkMode
from netsim.scenarios.outside import GW_LAN_IP, HOST_LAN_IP, boot, run

VIRBR_IP = "192.168.122.1"
VIRBR_MAC = "52:54:00:8e:4f:21"  # any 52:54:00 MAC: libvirt draws one per network
VIRBR_DHCP = ("192.168.122.2", "192.168.122.254")
HOSTONLY_IP = "192.168.56.1"
HOSTONLY_DHCP = ("192.168.56.101", "192.168.56.254")

BRIDGE_THE_UPLINK = [
    "ip link add name br0 type bridge",
    "ip link set br0 up",
    "ip link set eth0 master br0",
    f"ip addr del {HOST_LAN_IP}/24 dev eth0",
    f"ip addr add {HOST_LAN_IP}/24 dev br0",
    f"ip route replace default via {GW_LAN_IP} dev br0",
]
"""Seed claim S3 as typed: once eth0 is in br0 its address stops answering, so it
moves to br0 (and the default route with it)."""

LIBVIRT_NAT_RULES = [
    # what libvirt's default network adds (before 5.1, into the built-in chains)
    "iptables -t nat -A POSTROUTING -s 192.168.122.0/24 ! -d 192.168.122.0/24 -j MASQUERADE",
    "iptables -A FORWARD -d 192.168.122.0/24 -o virbr0 "
    "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    "iptables -A FORWARD -s 192.168.122.0/24 -i virbr0 -j ACCEPT",
    "iptables -A FORWARD -i virbr0 -o virbr0 -j ACCEPT",
    "iptables -A FORWARD -o virbr0 -j REJECT --reject-with icmp-port-unreachable",
    "iptables -A FORWARD -i virbr0 -j REJECT --reject-with icmp-port-unreachable",
]


def vm_mac(index: int) -> str:
    """QEMU's 52:54:00 prefix, one MAC per VM."""
    return f"52:54:00:12:34:{index:02x}"


def tap_mac(index: int) -> str:
    """libvirt gives the host side of a VM's tap the guest's MAC with fe: in front."""
    return f"fe:54:00:12:34:{index:02x}"


def _new_lab(mode: NetworkMode, builder: str, seed: int, vms: int,
             dhcp_client: str) -> tuple[Lab, object]:
    """What every mode starts from, once its arguments are checked: the outside world
    and the host with its LAN address on eth0."""
    _check_vms(vms, builder)
    _check_client(dhcp_client)
    lab = Lab(seed=seed)
    lab.mode = mode
    lab.note(f"# {mode}")
    outside.build_outside(lab)
    host = boot(lab.host("host"))
    outside.host_uplink_on_eth0(host)
    return lab, host


def _qemu(name: str, netdev: str, mac: str, model: str = "virtio-net-pci") -> str:
    return (f"qemu-system-x86_64 -name {name} -daemonize -display none -nodefaults "
            f"-m 512 -netdev {netdev} -device {model},netdev=net0,mac={mac}")


DHCP_CLIENTS = {"dhclient": "dhclient eth0", "udhcpc": "udhcpc -i eth0"}
"""The DHCP client a guest's boot runs: ISC's (Debian, Ubuntu) or busybox's (Alpine)."""


def _boot_guest(lab: Lab, name: str, dhcp_client: str) -> None:
    """The guest's boot asks for an address by DHCP (as its init scripts would)."""
    guest = boot(lab.vm(name).guest)
    run(guest, DHCP_CLIENTS[dhcp_client])


MAX_VMS = {"bridged": 100, "nat": 253, "nat_user": 255, "host_only": 154}
"""How many VMs each set-up can hold: the DHCP pool that leases their addresses (gw's
.100-.199 on the LAN, libvirt's .2-.254, VirtualBox's .101-.254), and for user mode
the last byte of the VMs' 52:54:00:12:34:NN MACs (each guest has its own slirp)."""


def _check_vms(vms: int, mode: str) -> None:
    """A clear error up front, instead of a half-built lab or a failure deep inside."""
    if isinstance(vms, bool) or not isinstance(vms, int):
        raise TypeError(f"vms must be a whole number of VMs, not {vms!r}")
    if not 0 <= vms <= MAX_VMS[mode]:
        raise ValueError(f"vms must be between 0 and {MAX_VMS[mode]} for {mode}() "
                         f"(its DHCP pool's size), not {vms}")


def _check_client(dhcp_client: str) -> None:
    if dhcp_client not in DHCP_CLIENTS:
        raise ValueError(f"dhcp_client must be one of {sorted(DHCP_CLIENTS)}, "
                         f"not {dhcp_client!r}")


def _tap_vm(lab: Lab, host, index: int, bridge: str, dhcp_client: str) -> None:
    """A VM on a libvirt-style tap ``vnetN`` (fe: MAC) enslaved to ``bridge``."""
    tap, name = f"vnet{index - 1}", f"vm{index}"
    run(host,
        f"ip tuntap add {tap} mode tap",
        f"ip link set {tap} address {tap_mac(index)}",
        f"ip link set {tap} master {bridge} && ip link set {tap} up",
        _qemu(name, f"tap,id=net0,ifname={tap},script=no,downscript=no", vm_mac(index)))
    _boot_guest(lab, name, dhcp_client)


def bridged(vms: int = 1, seed: int = 0, dhcp_client: str = "dhclient") -> Lab:
    """Bridged: eth0 and each VM's tap in br0; the VMs lease LAN addresses from gw."""
    lab, host = _new_lab(NetworkMode.BRIDGED, "bridged", seed, vms, dhcp_client)
    lab.note("# bridge the uplink: eth0 into br0, its address moves to br0 (seed S3)")
    run(host, *BRIDGE_THE_UPLINK)
    for index in range(1, vms + 1):
        name = f"vm{index}"
        # Debian's /etc/qemu-ifup puts the tap into the bridge of the default route: br0
        run(host, _qemu(name, f"tap,id=net0,ifname=tap{index - 1},script=/etc/qemu-ifup",
                        vm_mac(index), model="e1000"))
        _boot_guest(lab, name, dhcp_client)
    return lab


def nat(vms: int = 1, seed: int = 0, dhcp_client: str = "dhclient") -> Lab:
    """NAT, libvirt style: virbr0 192.168.122.1/24, dnsmasq, ip_forward, MASQUERADE."""
    lab, host = _new_lab(NetworkMode.NAT, "nat", seed, vms, dhcp_client)
    lab.note("# libvirt's default network")
    run(host,
        "ip link add name virbr0 type bridge",
        # libvirt gives the bridge a MAC of its own (the network's <mac address=...>), so
        # virbr0 does not take its lowest port's fe: MAC (seed S4: a hand-set MAC sticks)
        f"ip link set virbr0 address {VIRBR_MAC}",
        f"ip addr add {VIRBR_IP}/24 dev virbr0 && ip link set virbr0 up",
        "sysctl -w net.ipv4.ip_forward=1",
        *LIBVIRT_NAT_RULES,
        "dnsmasq --interface=virbr0 --bind-interfaces --except-interface=lo "
        f"--dhcp-range={VIRBR_DHCP[0]},{VIRBR_DHCP[1]} "
        "--dhcp-leasefile=/var/lib/libvirt/dnsmasq/default.leases")
    for index in range(1, vms + 1):
        _tap_vm(lab, host, index, "virbr0", dhcp_client)
    return lab


def nat_user(vms: int = 1, seed: int = 0, dhcp_client: str = "dhclient") -> Lab:
    """NAT in QEMU itself (``-netdev user``): no tap, no bridge, slirp's 10.0.2.0/24."""
    lab, host = _new_lab(NetworkMode.NAT_USER, "nat_user", seed, vms, dhcp_client)
    for index in range(1, vms + 1):
        name = f"vm{index}"
        run(host, _qemu(name, "user,id=net0", vm_mac(index), model="e1000"))
        _boot_guest(lab, name, dhcp_client)
    return lab


def host_only(vms: int = 2, seed: int = 0, dhcp_client: str = "dhclient") -> Lab:
    """Host-only (VirtualBox's vboxnet0): a bridge with no uplink, a DHCP server that
    hands out no gateway, and no forwarding."""
    lab, host = _new_lab(NetworkMode.HOST_ONLY, "host_only", seed, vms, dhcp_client)
    lab.note("# the host-only network: a bridge that no uplink joins")
    run(host,
        "ip link add name vboxnet0 type bridge",
        f"ip addr add {HOSTONLY_IP}/24 dev vboxnet0 && ip link set vboxnet0 up",
        "dnsmasq --interface=vboxnet0 --bind-interfaces --except-interface=lo "
        f"--dhcp-range={HOSTONLY_DHCP[0]},{HOSTONLY_DHCP[1]} --dhcp-option=3")
    for index in range(1, vms + 1):
        _tap_vm(lab, host, index, "vboxnet0", dhcp_client)
    return lab
