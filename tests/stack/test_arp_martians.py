"""ARP requests from a sender no host can have are neither answered nor learned.

Recorded on Linux 6.18: a request for 10.0.0.2 sent from a veth peer with each sender
address below; whether 10.0.0.2's host replied, and whether its neighbour table then
held the sender (STALE, as a request only suggests reachability).
"""

from __future__ import annotations

import pytest

import netsim
from netsim.packets import arp as arp_pkt
from netsim.packets.addr import ip_aton

# sender address -> (replied, learned), as the real kernel did
RECORDED = {
    "255.255.255.255": (False, False),
    "127.0.0.1": (False, False),
    "10.0.0.2": (False, False),     # the target host's own address
    "224.0.0.1": (False, False),
    "0.1.2.3": (True, True),
    "10.0.0.1": (True, True),
    "10.0.0.7": (True, True),
    "240.0.0.1": (True, True),
}
PROBE_MAC = bytes.fromhex("561adc3a6dde")


def request_from(sip: str) -> bytes:
    body = arp_pkt.Arp(arp_pkt.ARPOP_REQUEST, PROBE_MAC, ip_aton(sip), bytes(6),
                       ip_aton("10.0.0.2")).pack()
    frame = b"\xff" * 6 + PROBE_MAC + b"\x08\x06" + body
    return frame + bytes(60 - len(frame))


@pytest.mark.parametrize("sip", list(RECORDED))
def test_a_request_is_answered_and_learned_only_from_a_possible_sender(sip) -> None:
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    h1.sh("ip link add br0 type bridge && ip link set eth0 master br0 && "
          "ip tuntap add tap0 mode tap && ip link set tap0 master br0 && "
          "ip link set br0 up && ip link set eth0 up && ip link set tap0 up")
    h2.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    fd = h1.open_tun("tap0")
    fd.write(request_from(sip))
    replies = [f for f in fd.read(timeout=0.3)
               if f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02"]
    learned = sip in h2.sh("ip neigh show dev eth0").stdout
    assert (bool(replies), learned) == RECORDED[sip]
