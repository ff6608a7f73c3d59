"""Small worlds the kernel tests share: built through the commands a student types."""

from __future__ import annotations

import netsim
from netsim.packets import arp, ethernet, icmp, ipv4
from netsim.packets.addr import BROADCAST_MAC, ZERO_MAC, ip_aton, mac_aton

from helpers import ok

VM1 = mac_aton("52:54:00:00:00:01")
VM2 = mac_aton("52:54:00:00:00:02")


def two_hosts(seed: int = 0, names: tuple[str, str] = ("h1", "h2")):
    """Two hosts cabled eth0 to eth0: 10.0.0.1/24 and 10.0.0.2/24, up. Returns (lab, a, b)."""
    lab = netsim.Lab(seed=seed)
    a, b = lab.host(names[0]), lab.host(names[1])
    lab.link(f"{names[0]}:eth0", f"{names[1]}:eth0")
    ok(a, "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
    ok(b, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    return lab, a, b


def bridge_and_lan(seed: int = 0):
    """host: br0 with eth0 as its port, eth0 cabled to lan (10.0.0.2/24). Returns (lab, host, lan).

    The seed's host before any VM: what the qemu and animation tests start from.
    """
    lab = netsim.Lab(seed=seed)
    host, lan = lab.host("host"), lab.host("lan")
    lab.link("host:eth0", "lan:eth0")
    ok(host, "ip link add name br0 type bridge && ip link set eth0 master br0 "
             "&& ip link set br0 up && ip link set eth0 up")
    ok(lan, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    return lab, host, lan


def bridge_with_taps_and_lan(seed: int = 0, taps: int = 2):
    """host: br0 with tap0..tapN-1 (persistent, held by VM processes) and eth0, a cable to lan.

    Returns (lab, host, lan, [vm files]).
    """
    lab = netsim.Lab(seed=seed)
    host, lan = lab.host("host"), lab.host("lan")
    lab.link("host:eth0", "lan:eth0")
    ok(host, "ip link add name br0 type bridge && ip link set br0 up")
    ok(host, "ip link set eth0 address 02:00:00:00:01:01 && ip link set eth0 master br0 "
             "&& ip link set eth0 up")
    ok(lan, "ip link set eth0 address 02:00:00:00:02:01 && ip addr add 10.0.0.2/24 dev eth0 "
            "&& ip link set eth0 up")
    vms = []
    for i in range(taps):
        ok(host, f"ip tuntap add tap{i} mode tap && ip link set tap{i} address "
                 f"fe:54:00:00:00:0{i + 1} && ip link set tap{i} master br0 "
                 f"&& ip link set tap{i} up")
        vms.append(host.open_tun(f"tap{i}", mode="tap"))
    lab.run(0.2)
    return lab, host, lan, vms


class EchoLab:
    """a (10.0.0.1) and b (10.0.0.2) on sw's bridge br0, the trace kept within
    ``budget`` rows; :meth:`echoes` has a send timed UDP datagrams to b's port 7,
    which echoes them: 4 hops and about 24 records per echo."""

    def __init__(self, budget: int | None) -> None:
        lab = self.lab = netsim.Lab(seed=3)
        lab.trace.budget = budget
        sw, a, b = lab.host("sw"), lab.host("a"), lab.host("b")
        lab.link("a:eth0", "sw:p0")
        lab.link("b:eth0", "sw:p1")
        ok(sw, "ip link add br0 type bridge && ip link set p0 master br0 && "
               "ip link set p1 master br0 && ip link set br0 up && ip link set p0 up && "
               "ip link set p1 up")
        ok(a, "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
        ok(b, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
        server = b.udp_socket(7)
        server.on_receive = lambda data, addr: server.sendto(data, addr)
        self.client = a.udp_socket(40000)
        self.replies = 0
        self.client.on_receive = self._reply

    def _reply(self, _data: bytes, _addr) -> None:
        self.replies += 1

    def echoes(self, count: int) -> None:
        """``count`` echoes, one every millisecond, each with its own payload."""
        clock = self.lab.clock

        def send(k: int) -> None:
            self.client.sendto(k.to_bytes(4, "big") * 16, ("10.0.0.2", 7))
            if k + 1 < count:
                clock.call_later(1e-3, send, k + 1)

        before = self.replies
        clock.call_soon(send, 0)
        self.lab.run(count * 1e-3 + 0.5)
        assert self.replies - before == count


def raw_frame(dst: bytes, src: bytes, text: bytes = b"netsim-test") -> bytes:
    """A frame with the IEEE 'local experimental' EtherType 0x88b5: no stack reacts to it."""
    return ethernet.build(dst, src, ethernet.ETH_P_EXPERIMENTAL, text, pad=True)


def arp_request(src_mac: bytes, src_ip: str, target_ip: str) -> bytes:
    payload = arp.Arp(arp.ARPOP_REQUEST, src_mac, ip_aton(src_ip), ZERO_MAC,
                      ip_aton(target_ip)).pack()
    return ethernet.build(BROADCAST_MAC, src_mac, ethernet.ETH_P_ARP, payload, pad=True)


def echo_request(src_mac: bytes, dst_mac: bytes, src_ip: str, dst_ip: str, seq: int = 1,
                 ttl: int = 64) -> bytes:
    message = icmp.echo(0x4242, seq, b"netsim-test-ping")
    packet = ipv4.build(ip_aton(src_ip), ip_aton(dst_ip), ipv4.IPPROTO_ICMP, message,
                        ident=0x1111, ttl=ttl)
    return ethernet.build(dst_mac, src_mac, ethernet.ETH_P_IP, packet)


def actions(lab: netsim.Lab, frame_id: int) -> list[tuple[str, str, str]]:
    """(host:dev, action, function) for every record of one frame."""
    return [(f"{r.host}:{r.dev}", r.action, r.func) for r in lab.trace.filter(frame=frame_id)]
