"""The VM networking modes of seed claim S1, named once."""

from __future__ import annotations

from enum import Enum


class NetworkMode(Enum):
    """How a VM is connected; ``mode.meaning`` says it in one line.

    >>> NetworkMode.NAT.label
    'nat'
    """

    HOST_ONLY = ("host-only", "the VMs and the host share a private bridge with no uplink: "
                 "they reach each other and nothing beyond, because nothing routes out")
    NAT = ("nat", "the VMs share a private network behind the host, which masquerades "
           "their traffic as its own (libvirt)")
    NAT_USER = ("nat-user", "QEMU itself (slirp) turns each guest's packets into the host's "
                "own sockets: no tap, no bridge, each VM alone on 10.0.2.0/24")
    BRIDGED = ("bridged", "the VM's tap and the host's eth0 share a bridge: the VM is one more "
               "machine on the LAN, with its own MAC and a LAN address")

    def __init__(self, label: str, meaning: str) -> None:
        self.label = label
        self.meaning = meaning

    @classmethod
    def _missing_(cls, value: object) -> NetworkMode:
        """``NetworkMode("nat")``: a mode by its label, as ``netsim modes`` names it."""
        for mode in cls:
            if value == mode.label:
                return mode
        labels = ", ".join(mode.label for mode in cls)
        raise ValueError(f"{value!r} is not a network mode (modes: {labels})")

    def __str__(self) -> str:
        return f"{self.label}: {self.meaning}"
