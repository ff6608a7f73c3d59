"""The anchor scenario's yardstick: a bare simpy model with real frames, callback style.

What a simpy simulator with real bytes costs at least, per hop, when it models only the
anchor scenario (``anchor.py``) and nothing else:

* a **transmitter** per cable end: a FIFO, one simpy ``Timeout`` for the serialisation
  (``len(frame) * 8 / 100 Mbit/s``) and one for the 2 us of propagation, whose callback
  hands the frame to the far end;
* a **learning bridge** that slices the MACs out of the frame, learns the source and
  forwards known unicast or floods;
* **hosts** that build Ethernet II + IPv4 + UDP frames for every datagram (the IPv4
  header checksum summed over the packed header) and, on receive, check the destination
  MAC and EtherType, verify the checksum, read the UDP ports and answer echo requests.

Neighbours are known in advance (no ARP), as in netsim's side of the benchmark.
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Callable

from simpy import Environment
from simpy.events import Timeout

BROADCAST = b"\xff" * 6
ETHERNET = struct.Struct("!6s6sH")
IPV4 = struct.Struct("!BBHHHBBH4s4s")
UDP = struct.Struct("!HHHH")
HEADER_WORDS = struct.Struct("!10H")
CHECKSUM = struct.Struct("!H")


def ipv4_checksum(header: bytes) -> int:
    """The ones' complement of the ones' complement sum of the header's 16-bit words."""
    total = sum(HEADER_WORDS.unpack(header))
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frame(src_mac: bytes, dst_mac: bytes, src_ip: bytes, dst_ip: bytes, sport: int,
              dport: int, ident: int, payload: bytes) -> bytes:
    """Ethernet II + IPv4 (checksum filled in) + UDP (checksum 0, legal over IPv4)."""
    udp_len = UDP.size + len(payload)
    ip = IPV4.pack(0x45, 0, IPV4.size + udp_len, ident, 0, 64, 17, 0, src_ip, dst_ip)
    ip = ip[:10] + CHECKSUM.pack(ipv4_checksum(ip)) + ip[12:]
    udp = UDP.pack(sport, dport, udp_len, 0)
    return ETHERNET.pack(dst_mac, src_mac, 0x0800) + ip + udp + payload


class Transmitter:
    """One cable end: frames wait in a FIFO, serialise, propagate, arrive at ``receive``."""

    __slots__ = ("env", "queue", "busy", "receive", "bandwidth", "latency", "sent")

    def __init__(self, env: Environment, bandwidth: float, latency: float) -> None:
        self.env = env
        self.queue: deque[bytes] = deque()
        self.busy = False
        self.receive: Callable[[bytes], None] | None = None
        self.bandwidth = bandwidth
        self.latency = latency
        self.sent = 0

    def send(self, frame: bytes) -> None:
        if self.busy:
            self.queue.append(frame)
        else:
            self.busy = True
            self._after(len(frame) * 8 / self.bandwidth, self._serialised, frame)

    def _after(self, delay: float, then: Callable[[bytes], None], frame: bytes) -> None:
        Timeout(self.env, delay).callbacks.append(lambda _event: then(frame))

    def _serialised(self, frame: bytes) -> None:
        self._after(self.latency, self._arrived, frame)
        if self.queue:
            following = self.queue.popleft()
            self._after(len(following) * 8 / self.bandwidth, self._serialised, following)
        else:
            self.busy = False

    def _arrived(self, frame: bytes) -> None:
        self.sent += 1
        self.receive(frame)


class Bridge:
    """Learn the source port, forward known unicast, flood the rest."""

    def __init__(self) -> None:
        self.ports: list[Transmitter] = []
        self.fdb: dict[bytes, int] = {}

    def receive(self, port: int, frame: bytes) -> None:
        dst = frame[0:6]
        self.fdb[frame[6:12]] = port
        out = None if dst == BROADCAST else self.fdb.get(dst)
        if out is None:
            for other, transmitter in enumerate(self.ports):
                if other != port:
                    transmitter.send(frame)
        elif out != port:
            self.ports[out].send(frame)


class Host:
    """One NIC, known neighbours, an echo server on ``echo_port`` and a reply counter."""

    def __init__(self, index: int, nic: Transmitter, echo_port: int) -> None:
        self.mac = bytes((2, 0, 0, 0, index >> 8, index & 0xFF))
        self.ip = bytes((10, 1, (index + 1) >> 8, (index + 1) & 0xFF))
        self.nic = nic
        self.echo_port = echo_port
        self.requests = 0
        self.replies = 0
        self.ident = 0

    def send(self, dst: Host, sport: int, dport: int, payload: bytes) -> None:
        self.ident = (self.ident + 1) & 0xFFFF
        self.nic.send(udp_frame(self.mac, dst.mac, self.ip, dst.ip, sport, dport, self.ident,
                                payload))

    def receive(self, frame: bytes) -> None:
        dst_mac, src_mac, ethertype = ETHERNET.unpack_from(frame, 0)
        if dst_mac != self.mac or ethertype != 0x0800:
            return
        header = frame[14:34]
        if ipv4_checksum(header) != 0:
            raise ValueError("bad IPv4 header checksum")
        *_, proto, _csum, src_ip, dst_ip = IPV4.unpack(header)
        if dst_ip != self.ip or proto != 17:
            return
        sport, dport, length, _ = UDP.unpack_from(frame, 34)
        payload = frame[42:34 + length]
        if dport == self.echo_port:
            self.requests += 1
            self.ident = (self.ident + 1) & 0xFFFF
            self.nic.send(udp_frame(self.mac, src_mac, dst_ip, src_ip, dport, sport, self.ident,
                                    payload))
        elif sport == self.echo_port:
            self.replies += 1
