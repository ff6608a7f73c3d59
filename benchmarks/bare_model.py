"""The reference: a bare-simpy, callback-style model of one learning bridge with N hosts.

This is the "how fast can simpy itself go" yardstick that ``bridge_echo.py`` measures
netsim against. It models the same topology and the same wire as netsim, and nothing
more:

* **links** -- full duplex, one frame at a time per direction, serialisation at
  ``DEFAULT_BANDWIDTH`` plus ``FCS`` and ``PREAMBLE_AND_GAP`` bytes, then
  ``DEFAULT_LATENCY`` of propagation: the constants are imported from
  :mod:`netsim.wire.cable`, so both models see identical simulated times;
* **the switch** -- one node with a MAC learning table: learn the source, forward
  known unicast to its port, flood everything else to every other port;
* **hosts** -- a NIC filter (own MAC or group bit), IPv4 (header checksum built and
  verified) and UDP demultiplexing by destination port; each host runs a UDP echo
  server on port 7 and a client port;
* **frames are real bytes** -- Ethernet + IPv4 + UDP packed once per frame with one
  :class:`struct.Struct`; the IPv4 checksum is computed from the header fields, the
  UDP checksum is left at 0 (legal for UDP over IPv4). No ARP: neighbour tables are
  filled in advance (netsim's get permanent entries the same way).

Callback style: every frame-hop is one :class:`simpy.events.Timeout` whose callback is
the receiving node's ``rx``; there is no generator per device and no Store.

The workload (:class:`SequentialEcho`) is shared with the netsim side: one round trip at
a time, the next one sent from the callback that receives the previous echo.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable

import simpy
from simpy.events import Event, Timeout

from netsim.wire.cable import DEFAULT_BANDWIDTH, DEFAULT_LATENCY, FCS, PREAMBLE_AND_GAP

ECHO_PORT = 7
CLIENT_PORT = 40000
PAYLOAD_LEN = 32
ETH_ZLEN = 60
_HEADERS = struct.Struct("!6s6sH" "BBHHHBBH4s4s" "HHHH")  # Ethernet, IPv4, UDP: 42 bytes
_IP_WORDS = struct.Struct("!10H")
_PAYLOAD = struct.Struct("!IHH")
_PAYLOAD_PAD = bytes(PAYLOAD_LEN - _PAYLOAD.size)


# ---------------------------------------------------------------------------- workload
def make_pairs(hosts: int, round_trips: int, seed: int) -> list[tuple[int, int]]:
    """``round_trips`` random (client, server) host indexes, never the same host twice."""
    if hosts < 2:
        raise ValueError("need at least 2 hosts")
    rng = random.Random(seed)
    pairs = []
    for _ in range(round_trips):
        a = rng.randrange(hosts)
        b = rng.randrange(hosts - 1)
        pairs.append((a, b + 1 if b >= a else b))
    return pairs


def warm_up_pairs(hosts: int) -> list[tuple[int, int]]:
    """One round trip from every host to the next: afterwards every switch knows every MAC."""
    return [(i, (i + 1) % hosts) for i in range(hosts)]


def host_ip(index: int) -> bytes:
    """10.0.0.1, 10.0.0.2, ... for host 0, 1, ... (a /16, so up to 65,000 hosts)."""
    n = index + 1
    return bytes((10, 0, n >> 8, n & 0xFF))


def ip_text(addr: bytes) -> str:
    return ".".join(str(b) for b in addr)


class SequentialEcho:
    """Round trips one at a time: send, wait for the echo, check it, send the next.

    ``send(client, server, payload)`` is the model's way of sending a datagram from the
    client port of host ``client`` to port 7 of host ``server``. The model calls
    :meth:`reply` with every datagram its clients receive. Only an echo carrying exactly
    the payload that was sent counts as ``received``; anything else is ``unexpected``.
    """

    def __init__(self, send: Callable[[int, int, bytes], object]) -> None:
        self._send = send
        self._done: Event | None = None
        self._pairs: list[tuple[int, int]] = []
        self._next_index = 0
        self._expected: bytes | None = None
        self.received = 0
        self.unexpected = 0

    def start(self, pairs: list[tuple[int, int]], done: Event) -> None:
        """Send the first round trip; the rest follow from the echo callbacks.

        ``done`` succeeds when the echo of the last round trip has come back.
        """
        self._pairs = pairs
        self._done = done
        self._next_index = 0
        self.received = 0
        self.unexpected = 0
        self._next()

    def _next(self) -> None:
        k = self._next_index
        if k == len(self._pairs):
            self._expected = None
            self._done.succeed()
            return
        self._next_index = k + 1
        client, server = self._pairs[k]
        payload = _PAYLOAD.pack(k, client, server) + _PAYLOAD_PAD
        self._expected = payload
        self._send(client, server, payload)

    def reply(self, data: bytes) -> None:
        """A datagram reached a client port."""
        if data == self._expected:
            self.received += 1
            self._next()
        else:
            self.unexpected += 1


# ---------------------------------------------------------------------------- the model
class LinkEnd:
    """One end of a full-duplex link: what its node transmits goes to ``peer``."""

    __slots__ = ("env", "node", "peer", "busy_until", "tx_frames", "latency", "bandwidth")

    def __init__(self, env: simpy.Environment, node: BareHost | BareSwitch, latency: float,
                 bandwidth: float) -> None:
        self.env = env
        self.node = node
        self.peer: LinkEnd | None = None
        self.busy_until = 0.0
        self.tx_frames = 0
        self.latency = latency
        self.bandwidth = bandwidth

    def transmit(self, frame: bytes) -> None:
        """Put ``frame`` on the wire: queue behind the previous frame, serialise, propagate."""
        if len(frame) < ETH_ZLEN:
            frame = frame + bytes(ETH_ZLEN - len(frame))
        env = self.env
        now = env._now
        start = self.busy_until if self.busy_until > now else now
        done = start + (len(frame) + FCS + PREAMBLE_AND_GAP) * 8 / self.bandwidth
        self.busy_until = done
        self.tx_frames += 1
        ev = Timeout(env, done + self.latency - now, frame)
        ev.callbacks.append(self.peer._arrive)

    def _arrive(self, ev: Event) -> None:
        self.node.rx(self, ev._value)


def link(env: simpy.Environment, a: BareHost | BareSwitch, b: BareHost | BareSwitch,
         latency: float = DEFAULT_LATENCY,
         bandwidth: float = DEFAULT_BANDWIDTH) -> tuple[LinkEnd, LinkEnd]:
    """A cable between two nodes; returns (a's end, b's end)."""
    end_a, end_b = LinkEnd(env, a, latency, bandwidth), LinkEnd(env, b, latency, bandwidth)
    end_a.peer, end_b.peer = end_b, end_a
    return end_a, end_b


class BareSwitch:
    """A learning switch: learn the source MAC, forward known unicast, flood the rest."""

    def __init__(self) -> None:
        self.ports: list[LinkEnd] = []
        self.fdb: dict[bytes, LinkEnd] = {}

    def rx(self, port: LinkEnd, frame: bytes) -> None:
        src = frame[6:12]
        if not src[0] & 1:
            self.fdb[src] = port
        dst = frame[0:6]
        out = None if dst[0] & 1 else self.fdb.get(dst)
        if out is None:
            for other in self.ports:
                if other is not port:
                    other.transmit(frame)
        elif out is not port:
            out.transmit(frame)


class BareHost:
    """A host with one NIC, a neighbour table filled in advance and UDP ports."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.mac = bytes((2, 0, 0, 0, (index + 1) >> 8, (index + 1) & 0xFF))
        self.ip = host_ip(index)
        self._ip_sum = (self.ip[0] << 8 | self.ip[1]) + (self.ip[2] << 8 | self.ip[3])
        self.nic: LinkEnd | None = None
        self.neigh: dict[bytes, tuple[bytes, int]] = {}  # ip -> (mac, checksum partial sum)
        self.ports: dict[int, Callable[[bytes, bytes, int], None]] = {}
        self.ident = 0
        self.rx_dropped = 0

    def learn(self, other: BareHost) -> None:
        """A permanent neighbour entry (``ip neigh add ... nud permanent``)."""
        self.neigh[other.ip] = (other.mac, other._ip_sum)

    def send_udp(self, dst_ip: bytes, sport: int, dport: int, payload: bytes) -> None:
        """Ethernet + IPv4 + UDP in one pack, the IPv4 checksum folded from the fields."""
        dst_mac, dst_sum = self.neigh[dst_ip]
        ident = self.ident = (self.ident + 1) & 0xFFFF
        total = 28 + len(payload)
        csum = 0x4500 + total + ident + 0x4000 + (64 << 8 | 17) + self._ip_sum + dst_sum
        csum = (csum & 0xFFFF) + (csum >> 16)
        csum = ~((csum & 0xFFFF) + (csum >> 16)) & 0xFFFF
        self.nic.transmit(_HEADERS.pack(dst_mac, self.mac, 0x0800,
                                        0x45, 0, total, ident, 0x4000, 64, 17, csum,
                                        self.ip, dst_ip,
                                        sport, dport, 8 + len(payload), 0) + payload)

    def rx(self, _port: LinkEnd, frame: bytes) -> None:
        """NIC filter, IPv4 checks (version, checksum, destination), then the UDP port."""
        if frame[0:6] != self.mac and not frame[0] & 1:
            self.rx_dropped += 1
            return
        if frame[12:14] != b"\x08\x00" or frame[14] != 0x45 or frame[23] != 17:
            self.rx_dropped += 1
            return
        total = sum(_IP_WORDS.unpack_from(frame, 14))
        total = (total & 0xFFFF) + (total >> 16)
        if (total & 0xFFFF) + (total >> 16) != 0xFFFF or frame[30:34] != self.ip:
            self.rx_dropped += 1
            return
        sport, dport, length = struct.unpack_from("!HHH", frame, 34)
        handler = self.ports.get(dport)
        if handler is None:
            self.rx_dropped += 1
            return
        handler(frame[42:34 + length], frame[26:30], sport)


class BareBench:
    """The whole bare model: ``hosts`` hosts on one switch, echo servers, the workload."""

    name = "bare simpy (callbacks)"

    def __init__(self, hosts: int) -> None:
        self.env = simpy.Environment()
        self.switch = BareSwitch()
        self.hosts = [BareHost(i) for i in range(hosts)]
        self.ends: list[LinkEnd] = []
        for host in self.hosts:
            host.nic, port = link(self.env, host, self.switch)
            self.switch.ports.append(port)
            self.ends += [host.nic, port]
            for other in self.hosts:
                if other is not host:
                    host.learn(other)
            host.ports[ECHO_PORT] = self._echo_server(host)
            host.ports[CLIENT_PORT] = self._client(host)
        self.workload = SequentialEcho(self._send)

    @staticmethod
    def _echo_server(host: BareHost) -> Callable[[bytes, bytes, int], None]:
        def echo(payload: bytes, src_ip: bytes, sport: int) -> None:
            host.send_udp(src_ip, ECHO_PORT, sport, payload)
        return echo

    def _client(self, _host: BareHost) -> Callable[[bytes, bytes, int], None]:
        def client(payload: bytes, _src_ip: bytes, _sport: int) -> None:
            self.workload.reply(payload)
        return client

    def _send(self, client: int, server: int, payload: bytes) -> None:
        self.hosts[client].send_udp(self.hosts[server].ip, CLIENT_PORT, ECHO_PORT, payload)

    def close_server(self, index: int) -> None:
        """Stop host ``index``'s echo server (tests use it to see a failure counted)."""
        del self.hosts[index].ports[ECHO_PORT]

    def frame_hops(self) -> int:
        """Frames put on a link so far, every link and direction."""
        return sum(end.tx_frames for end in self.ends)

    def start(self, pairs: list[tuple[int, int]]) -> Event:
        """Begin a phase of round trips; returns the event to run until."""
        done = self.env.event()
        limit = self.env.timeout(1.0 + 1e-3 * len(pairs))  # a watchdog if an echo is lost
        self.workload.start(pairs, done)
        return self.env.any_of([done, limit])

    def run_until(self, until: Event) -> None:
        self.env.run(until=until)

    def completed(self) -> int:
        return self.workload.received
