"""The ready-made worlds a lab can start from (``scenario:`` in a lab file).

``lan`` is the world every mode shares (:mod:`netsim.scenarios.outside`: the LAN switch,
the home router ``gw``, ``lan1``, the ``web`` server) with the hypervisor ``host`` on
the LAN by its own eth0 and nothing else: the start of a lab about setting up a mode.
The others are :mod:`netsim.scenarios`' modes, working, with ``vms`` VMs: the start of
a lab that breaks one thing on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netsim.lab import Lab

MEANINGS = {
    "lan": "the LAN (switch, gw, lan1, web) and host on it by eth0, no VM",
    "nat": "libvirt's NAT: virbr0, dnsmasq, ip_forward, MASQUERADE; VMs vm1.. on it",
    "bridged": "br0 with eth0 and the VMs' taps; VMs lease LAN addresses from gw",
    "host-only": "vboxnet0, a bridge with no uplink; VMs reach only the host",
    "nat-user": "QEMU's user-mode network (slirp), one per VM",
}


def build(scenario: str, vms: int, seed: int) -> Lab:
    """A running world for ``scenario`` (one of :data:`MEANINGS`)."""
    from netsim import scenarios

    if scenario == "lan":
        if vms:
            raise ValueError("scenario lan has no VMs: start them in setup: with "
                             "qemu-system-x86_64, or use vms-to-start:")
        return lan(seed)
    builder = {"nat": scenarios.nat, "bridged": scenarios.bridged,
               "host-only": scenarios.host_only, "nat-user": scenarios.nat_user}[scenario]
    return builder(vms=vms, seed=seed)


def lan(seed: int = 0) -> Lab:
    """The outside world and the host on the LAN by eth0 (192.168.1.10), no VM."""
    from netsim.lab import Lab
    from netsim.scenarios import outside

    lab = Lab(seed=seed)
    lab.note("# the LAN, and the host on it by eth0")
    outside.build_outside(lab)
    host = outside.boot(lab.host("host"))
    outside.host_uplink_on_eth0(host)
    return lab
