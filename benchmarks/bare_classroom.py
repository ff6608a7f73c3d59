"""The classroom benchmark's yardstick: ping across one learning bridge, bare simpy, real bytes.

What a callback-style simpy model with real frames costs at least for the classroom lab
(``classroom.py``): N hosts, each on its own cable to one learning bridge, and a ping
of ``count`` echo requests from one host to another, ``interval`` seconds apart:

* the **transmitters** (one per cable end: serialisation, then propagation, as
  ``Timeout`` callbacks) and the **learning bridge** are :mod:`anchor_bare`'s, with
  netsim's default cable (1 Gbit/s, 5 us);
* **hosts** resolve the partner with ARP (a broadcast request, a unicast reply; the
  answering host learns the asker as STALE, as Linux does, and its first packet to it
  starts DELAY: five seconds later one unicast request confirms the address -- the
  PROBE Linux sends, as netsim does), then send ICMP echo requests in
  IPv4 (DF set, TTL 64, both checksums computed) with ping's 56-byte payload (8 bytes
  of send time, then the pattern 0x08, 0x09...); on receive they check the MAC, the
  IPv4 header checksum and the ICMP checksum, answer requests, and match replies by
  identifier and sequence number, checking the payload.
"""

from __future__ import annotations

import struct

from anchor_bare import BROADCAST, CHECKSUM, ETHERNET, IPV4, Bridge, Transmitter, ipv4_checksum
from simpy import Environment
from simpy.events import Timeout

BANDWIDTH = 1e9  # netsim's default cable
LATENCY = 5e-6
DELAY_FIRST_PROBE = 5.0  # net.ipv4.neigh.*.delay_first_probe_time
ETH_P_IP, ETH_P_ARP = 0x0800, 0x0806
ARP = struct.Struct("!HHBBH6s4s6s4s")
ICMP = struct.Struct("!BBHHH")
SENT_AT = struct.Struct("!d")
PATTERN = bytes(range(8, 56))
ZERO_MAC = bytes(6)


def inet_checksum(data: bytes) -> int:
    """RFC 1071: the ones' complement of the ones' complement sum of 16-bit words."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmp_message(kind: int, ident: int, seq: int, payload: bytes) -> bytes:
    message = ICMP.pack(kind, 0, 0, ident, seq) + payload
    return message[:2] + CHECKSUM.pack(inet_checksum(message)) + message[4:]


class Host:
    """One NIC, an ARP table, an echo responder and one ping at a time."""

    def __init__(self, env: Environment, index: int, nic: Transmitter) -> None:
        self.env = env
        self.mac = bytes((2, 0, 0, 0, 0, index + 1))
        self.ip = bytes((10, 0, 0, index + 1))
        self.nic = nic
        self.arp: dict[bytes, bytes] = {}
        self.stale: set[bytes] = set()  # learnt from a request: not yet confirmed
        self.waiting: dict[bytes, list[bytes]] = {}  # packets held for an ARP reply
        self.ident = 0
        self.ping_id = 0x1000 + index
        self.replies = 0

    # -- sending
    def send_ip(self, dst_ip: bytes, message: bytes) -> None:
        self.ident = (self.ident + 1) & 0xFFFF
        header = IPV4.pack(0x45, 0, IPV4.size + len(message), self.ident, 0x4000, 64, 1, 0,
                           self.ip, dst_ip)
        packet = header[:10] + CHECKSUM.pack(ipv4_checksum(header)) + header[12:] + message
        mac = self.arp.get(dst_ip)
        if mac is not None:
            if dst_ip in self.stale:  # STALE -> DELAY: a unicast probe in five seconds
                self.stale.discard(dst_ip)
                Timeout(self.env, DELAY_FIRST_PROBE).callbacks.append(
                    lambda _event: self.send_arp(1, mac, ZERO_MAC, dst_ip))
            self.nic.send(ETHERNET.pack(mac, self.mac, ETH_P_IP) + packet)
        elif dst_ip in self.waiting:
            self.waiting[dst_ip].append(packet)
        else:
            self.waiting[dst_ip] = [packet]
            self.send_arp(1, BROADCAST, ZERO_MAC, dst_ip)

    def send_arp(self, op: int, dst_mac: bytes, target_mac: bytes, target_ip: bytes) -> None:
        body = ARP.pack(1, ETH_P_IP, 6, 4, op, self.mac, self.ip, target_mac, target_ip)
        frame = ETHERNET.pack(dst_mac, self.mac, ETH_P_ARP) + body
        self.nic.send(frame + bytes(60 - len(frame)))  # padded to Ethernet's minimum

    def ping(self, dst_ip: bytes, count: int, interval: float) -> None:
        """Send ``count`` echo requests, ``interval`` apart, as ping does."""

        def send(seq: int) -> None:
            payload = SENT_AT.pack(self.env.now) + PATTERN
            self.send_ip(dst_ip, icmp_message(8, self.ping_id, seq, payload))
            if seq < count:
                Timeout(self.env, interval).callbacks.append(lambda _event: send(seq + 1))

        send(1)

    # -- receiving
    def receive(self, frame: bytes) -> None:
        dst_mac, src_mac, ethertype = ETHERNET.unpack_from(frame, 0)
        if dst_mac != self.mac and dst_mac != BROADCAST:
            return
        if ethertype == ETH_P_ARP:
            self.receive_arp(frame)
        elif ethertype == ETH_P_IP and dst_mac == self.mac:
            self.receive_ip(src_mac, frame)

    def receive_arp(self, frame: bytes) -> None:
        _, _, _, _, op, sha, spa, _, tpa = ARP.unpack_from(frame, 14)
        if tpa != self.ip:
            return
        if op == 1 and spa not in self.arp:
            self.stale.add(spa)
        elif op == 2:
            self.stale.discard(spa)
        self.arp[spa] = sha
        for packet in self.waiting.pop(spa, ()):
            self.nic.send(ETHERNET.pack(sha, self.mac, ETH_P_IP) + packet)
        if op == 1:
            self.send_arp(2, sha, sha, spa)

    def receive_ip(self, src_mac: bytes, frame: bytes) -> None:
        header = frame[14:34]
        if ipv4_checksum(header) != 0:
            raise ValueError("bad IPv4 header checksum")
        *_, total, _, _, _, proto, _, src_ip, dst_ip = IPV4.unpack(header)
        if dst_ip != self.ip or proto != 1:
            return
        message = frame[34:14 + total]
        if inet_checksum(message) != 0:
            raise ValueError("bad ICMP checksum")
        kind, _, _, ident, seq = ICMP.unpack_from(message)
        if kind == 8:
            self.send_ip(src_ip, icmp_message(0, ident, seq, message[8:]))
        elif kind == 0 and ident == self.ping_id:
            if message[16:] != PATTERN:
                raise ValueError("echo reply with another payload")
            self.replies += 1


class Classroom:
    """``hosts`` hosts, each cabled to a port of one learning bridge."""

    def __init__(self, hosts: int) -> None:
        self.env = Environment()
        self.bridge = Bridge()
        self.hosts: list[Host] = []
        self.ends: list[Transmitter] = []
        for i in range(hosts):
            up = Transmitter(self.env, BANDWIDTH, LATENCY)  # host -> bridge
            down = Transmitter(self.env, BANDWIDTH, LATENCY)  # bridge -> host
            host = Host(self.env, i, up)
            up.receive = (lambda port: lambda frame: self.bridge.receive(port, frame))(i)
            down.receive = host.receive
            self.bridge.ports.append(down)
            self.hosts.append(host)
            self.ends += [up, down]

    def ping(self, source: int, target: int, count: int, interval: float) -> int:
        """``ping -c count -i interval`` from one host to another: the replies received."""
        host = self.hosts[source]
        before = host.replies
        host.ping(self.hosts[target].ip, count, interval)
        # until the last reply is in, as the ping command returns: a later timer (a
        # probe) waits for the next command's time to pass, as in netsim
        self.env.run(until=self.env.now + (count - 1) * interval + 1e-3)
        return host.replies - before

    def hops(self) -> int:
        """Frames that crossed a cable."""
        return sum(end.sent for end in self.ends)
