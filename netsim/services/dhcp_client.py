"""A DHCP client (RFC 2131 section 4.4): INIT -> SELECTING -> REQUESTING -> BOUND -> RENEWING.

One state machine, two dialects -- ISC ``dhclient`` 4.4.3-P1 and busybox ``udhcpc``
1.35.0 -- that differ in what they put in their packets, how long they wait, what
they print and how they configure the interface (checked against the real tools
exchanging with dnsmasq 2.90 in two network namespaces):

=====================  ===================================  ==============================
                       dhclient                             udhcpc
=====================  ===================================  ==============================
DISCOVER options       12 hostname, 55 (13 codes)           57 max size, 55 (7 codes),
                                                            60 "udhcp 1.35.0", 61 client id
IP header              TOS 0x10, TTL 128                    TOS 0, TTL 64
retries                interval 3-8 s, about doubling,      ``-t 3`` discovers ``-T 3`` s
                       capped near 15 s, for 60 s           apart, then ``-A 20`` s pause
interface set up by    dhclient-script: ``ip addr add``     default.script: address
                       address with the lease as its        (ifconfig: forever), default
                       lifetimes, default route,            route, resolv.conf
                       resolv.conf
=====================  ===================================  ==============================

Before it has an address the client talks through an AF_PACKET socket
(:class:`~netsim.stack.packet_socket.PacketSocket`): frames it builds itself, from
0.0.0.0 to 255.255.255.255. Once bound it renews at T1 by unicast through the IP
stack (a UDP socket on port 68), rebinds by broadcast after T2, and gives the address
up when the lease expires.

dhclient's script gives the address the lease as its lifetimes (``ip addr`` shows
``dynamic``, ``valid_lft 3599sec``) and refreshes them on renewal; udhcpc's sets the
address with ``busybox ifconfig``, which makes it permanent (``forever``).

Left out: INIT-REBOOT from a saved lease, DHCPDECLINE after an ARP check, several
offers compared (the first one wins, as with both real clients on one server).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING

from netsim.packets import dhcp, ethernet, udp
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import BROADCAST_MAC, MalformedPacket, ip_ntoa
from netsim.stack.ipv4 import NoRoute
from netsim.stack.packet_socket import PacketSocket, udp_to_port
from netsim.stack.sockets import UdpSocket

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.stack.netdevice import NetDevice
    from netsim.user.process import Process

ZERO = bytes(4)
ALL_ONES = b"\xff" * 4

# What each client asks for (option 55), in the order the real ones list the codes.
ISC_PARAMS = bytes((1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42))
BUSYBOX_PARAMS = bytes((1, 3, 6, 12, 15, 28, 42))
BUSYBOX_VENDOR = b"udhcp 1.35.0"

# dhclient.conf defaults (ISC clparse.c): first interval, backoff cap, give-up time.
ISC_INITIAL_INTERVAL = 3
ISC_BACKOFF_CUTOFF = 15
ISC_TIMEOUT = 60
ISC_RETRY = 300     # after "No DHCPOFFERS received.", try again this much later
SCRIPT_START = 0.005  # seconds from a client's decision to its script's first command


@dataclass
class Lease:
    """What the client holds once bound (times are simulated seconds)."""

    ip: bytes
    server: bytes
    netmask: bytes
    broadcast: bytes | None
    router: bytes | None
    dns: list[bytes]
    domain: str
    lease_time: int
    obtained: float
    renew_at: float
    rebind_at: float
    expires_at: float

    @property
    def prefixlen(self) -> int:
        return bin(int.from_bytes(self.netmask, "big")).count("1")


@dataclass
class Options:
    """Command-line knobs both tools share (udhcpc's ``-t -T -A``, dhclient's ``-1``)."""

    discover_tries: int = 3      # udhcpc -t
    discover_wait: float = 3.0   # udhcpc -T
    fail_pause: float = 20.0     # udhcpc -A
    once: bool = False           # dhclient -1 / udhcpc -n: give up instead of retrying
    quit_when_bound: bool = False  # udhcpc -q
    hostname: str = ""


class DhcpClient:
    """One client on one interface. ``say(text)`` receives the lines the tool prints."""

    dialect = "dhclient"

    def __init__(self, host: Host, dev: NetDevice, proc: Process, say: Callable[[str], None],
                 options: Options | None = None) -> None:
        self.host = host
        self.lab = host.lab
        self.ns = host.ns
        self.dev = dev
        self.proc = proc
        self.say = say
        self.opts = options or Options()
        self.state = "INIT"
        self.xid = 0
        self.started = 0.0
        self.secs = 0
        self.lease: Lease | None = None
        self.offer: dhcp.Dhcp | None = None
        self._answer = None          # simpy event: a message we wait for has come
        self._answered: dhcp.Dhcp | None = None
        self._timer_gen = 0
        self.raw = PacketSocket(dev, udp_to_port(dhcp.CLIENT_PORT), self._on_frame,
                                owner=self.dialect)
        self.udp: UdpSocket | None = None
        with contextlib.suppress(OSError):  # another client holds port 68: send raw only
            self.udp = UdpSocket(self.ns, dhcp.CLIENT_PORT)
            self.udp.bound_dev = dev
            self.udp.on_receive = lambda data, addr: self._on_payload(data)
        self.detaching = False
        self.adopt(proc)

    def adopt(self, proc: Process) -> None:
        """``proc`` runs this client now (after a fork); its exit closes the sockets."""
        self.proc = proc
        proc.at_exit(lambda p: self.proc is p and not self.detaching and self.close())

    def daemonize(self) -> Process:
        """fork() into the background: the daemon carries the client on."""
        self.detaching = True
        daemon = self.host.processes.daemonize(self.proc)
        self.detaching = False
        self.adopt(daemon)
        return daemon

    # ------------------------------------------------------------------ sockets
    def close(self) -> None:
        self._timer_gen += 1
        self.raw.close()
        if self.udp is not None:
            self.udp.close()
            self.udp = None

    def _on_frame(self, frame: bytes) -> None:
        ihl = (frame[14] & 0x0F) * 4
        self._on_payload(frame[14 + ihl + 8:])

    def _on_payload(self, payload: bytes) -> None:
        try:
            msg = dhcp.parse(payload)
        except MalformedPacket:
            return
        if msg.op != dhcp.BOOTREPLY or msg.xid != self.xid or msg.chaddr != self.dev.mac:
            return
        wanted = {"SELECTING": (dhcp.OFFER,)}.get(self.state, (dhcp.ACK, dhcp.NAK))
        if self.state in ("INIT", "BOUND") or msg.msg_type not in wanted:
            return
        if self._answer is not None and not self._answer.triggered:
            self._answered = msg
            self._answer.succeed()

    def _wait(self, seconds: float):
        """Wait for the awaited answer or ``seconds``; yields, then returns it or None."""
        env = self.lab.env
        self._answer, self._answered = env.event(), None
        yield env.any_of([self._answer, env.timeout(seconds)])
        got, self._answer = self._answered, None
        return got

    def trace(self, action: str, reason: str, func: str) -> None:
        self.ns.trace.hop(self.ns.name, self.dev.name, "dhcp", action, 0,
                          f"{self.dialect}: {reason}", func)

    # ------------------------------------------------------------------ packets
    def ip_header(self) -> tuple[int, int]:
        """(TTL, TOS) of the frames this client builds itself."""
        return 128, 0x10

    def options_for(self, msg_type: int) -> list[tuple[int, bytes]]:
        """The options after 53, in this client's order."""
        out: list[tuple[int, bytes]] = []
        if msg_type == dhcp.REQUEST and self.state == "REQUESTING" and self.offer is not None:
            out += [(dhcp.OPT_SERVER_ID, self.offer.server_id or ZERO),
                    (dhcp.OPT_REQUESTED_IP, self.offer.yiaddr)]
        if msg_type in (dhcp.DISCOVER, dhcp.REQUEST) and self.opts.hostname:
            out.append((dhcp.OPT_HOSTNAME, self.opts.hostname.encode()))
        if msg_type in (dhcp.DISCOVER, dhcp.REQUEST):
            out.append((dhcp.OPT_PARAM_LIST, ISC_PARAMS))
        if msg_type == dhcp.RELEASE and self.lease is not None:
            out.append((dhcp.OPT_SERVER_ID, self.lease.server))
        return out

    def message(self, msg_type: int, ciaddr: bytes = ZERO) -> bytes:
        return dhcp.build(dhcp.BOOTREQUEST, self.xid, self.dev.mac, msg_type, ciaddr=ciaddr,
                          secs=min(self.secs, 0xFFFF), options=self.options_for(msg_type))

    def broadcast(self, msg_type: int, why: str) -> None:
        """A frame from 0.0.0.0:68 to 255.255.255.255:67, written on the packet socket."""
        ttl, tos = self.ip_header()
        dgram = udp.build(ZERO, ALL_ONES, dhcp.CLIENT_PORT, dhcp.SERVER_PORT,
                          self.message(msg_type))
        packet = ip_pkt.build(ZERO, ALL_ONES, ip_pkt.IPPROTO_UDP, dgram, ident=0, ttl=ttl,
                              df=False, tos=tos)
        frame = ethernet.build(BROADCAST_MAC, self.dev.mac, ethernet.ETH_P_IP, packet)
        self.raw.send(frame, why)

    def unicast(self, msg_type: int, server: bytes, why: str) -> None:
        """Through the IP stack from our address (renewing, releasing)."""
        self.trace("send", why, "send_packet")
        if self.udp is None or self.lease is None:
            return
        with contextlib.suppress(NoRoute):
            self.udp.sendto(self.message(msg_type, ciaddr=self.lease.ip),
                            (ip_ntoa(server), dhcp.SERVER_PORT))

    # ------------------------------------------------------------------ acquiring
    def acquire(self):
        """INIT -> BOUND. A simpy generator; its value is True once bound."""
        self.started = self.lab.now
        while True:
            self.state = "SELECTING"
            self.xid = self.lab.rng.getrandbits(32)
            offer = yield from self.select()
            if offer is None:
                return False
            self.offer = offer
            self.state = "REQUESTING"
            ack = yield from self.request()
            if ack is not None and ack.msg_type == dhcp.ACK:
                self.bind(ack)
                return True
            if ack is not None:
                self.on_nak(ack)

    def select(self):
        """Broadcast DISCOVERs until an OFFER comes (dhclient's schedule)."""
        first = self.lab.now
        interval = 0
        while True:
            rng = self.lab.rng
            if interval == 0:
                interval = ISC_INITIAL_INTERVAL + rng.randrange(2 * ISC_INITIAL_INTERVAL)
            else:
                interval += rng.randrange(2 * interval)
            if interval > ISC_BACKOFF_CUTOFF:
                interval = ISC_BACKOFF_CUTOFF // 2 + rng.randrange(ISC_BACKOFF_CUTOFF)
            now = self.lab.now
            if now + interval > first + ISC_TIMEOUT:
                interval = int(first + ISC_TIMEOUT - now) + 1
            self.secs = int(now - first)
            self.say(f"DHCPDISCOVER on {self.dev.name} to 255.255.255.255 port 67 "
                     f"interval {interval}")
            self.broadcast(dhcp.DISCOVER, "DHCPDISCOVER, broadcast")
            offer = yield from self._wait(interval)
            if offer is not None:
                server = offer.server_id or ZERO
                self.say(f"DHCPOFFER of {ip_ntoa(offer.yiaddr)} from {ip_ntoa(server)}")
                return offer
            if self.lab.now >= first + ISC_TIMEOUT:
                self.say("No DHCPOFFERS received.")
                return None

    def request(self):
        """Broadcast the REQUEST for the offer; a few tries, then start again."""
        for _ in range(4):
            self.say(f"DHCPREQUEST for {ip_ntoa(self.offer.yiaddr)} on {self.dev.name} to "
                     "255.255.255.255 port 67")
            self.broadcast(dhcp.REQUEST, "DHCPREQUEST, broadcast: selecting "
                                         f"{ip_ntoa(self.offer.server_id or ZERO)}")
            answer = yield from self._wait(3 + self.lab.rng.randrange(3))
            if answer is not None:
                return answer
        return None

    def on_nak(self, nak: dhcp.Dhcp) -> None:
        self.say(f"DHCPNAK from {ip_ntoa(nak.server_id or ZERO)}")

    # ------------------------------------------------------------------ bound
    def bind(self, ack: dhcp.Dhcp) -> None:
        """The ACK came: remember the lease, configure the interface, arm the timers."""
        now = self.lab.now
        server = ack.server_id or ZERO
        lease_time = ack.lease_time or 3600
        t1 = ack.renewal_time or lease_time // 2
        t2 = ack.rebinding_time or lease_time * 7 // 8
        renew = self.renewal_delay(t1)
        mask = ack.subnet_mask or b"\xff\xff\xff\x00"
        domain = ack.options.get(dhcp.OPT_DOMAIN, b"").decode("ascii", "replace")
        first = self.lease is None or self.lease.ip != ack.yiaddr
        self.lease = Lease(ack.yiaddr, server, mask, ack.options.get(dhcp.OPT_BROADCAST),
                           ack.router, ack.dns, domain, lease_time, now, now + renew, now + t2,
                           now + lease_time)
        self.state = "BOUND"
        self.announce_ack(ack)
        self.configure(first)
        self.trace("lease", f"bound to {ip_ntoa(ack.yiaddr)} from {ip_ntoa(server)} for "
                            f"{lease_time} s, renewing in {renew} s", "bind_lease")
        self.after_bind(renew)
        self._arm(renew, self._renew)

    def renewal_delay(self, t1: int) -> int:
        """dhclient spreads renewals: between 3/4 of T1 and T1."""
        return (t1 * 3 + 3) // 4 + (self.lab.rng.randrange(max(t1, 1)) + 3) // 4

    def announce_ack(self, ack: dhcp.Dhcp) -> None:
        self.say(f"DHCPACK of {ip_ntoa(ack.yiaddr)} from {ip_ntoa(ack.server_id or ZERO)}")

    def after_bind(self, renew: int) -> None:
        self.say(f"bound to {ip_ntoa(self.lease.ip)} -- renewal in {renew} seconds.")

    def configure(self, first: bool) -> None:
        """dhclient-script BOUND/RENEW: address, default route, resolv.conf.

        The address gets the lease as its lifetimes (``valid_lft``/``preferred_lft``),
        so ``ip addr`` shows it ``dynamic`` and counting down, and the kernel deletes
        it by itself if the lease runs out. A renewal of the same address refreshes
        the lifetimes with ``ip addr change``; the mask is written dotted, as the
        script's ``$new_subnet_mask`` is.
        """
        lease = self.lease
        dev = self.dev.name
        brd = f" broadcast {ip_ntoa(lease.broadcast)}" if lease.broadcast else ""
        lifetimes = f" valid_lft {lease.lease_time} preferred_lft {lease.lease_time}"
        addr = f"{ip_ntoa(lease.ip)}/{ip_ntoa(lease.netmask)}{brd}{lifetimes}"
        if first:
            self.run(f"ip -4 addr add {addr} dev {dev} label {dev}")
            if lease.router:
                self.run(f"ip -4 route add default via {ip_ntoa(lease.router)} dev {dev}")
        else:
            self.run(f"ip -4 addr change {addr} dev {dev} label {dev}")
        if lease.dns:
            text = f"domain {lease.domain}\nsearch {lease.domain}\n" if lease.domain else ""
            text += "".join(f"nameserver {ip_ntoa(d)}\n" for d in lease.dns)
            self.write_resolv_conf(text)

    def deconfigure(self) -> None:
        """dhclient-script EXPIRE/RELEASE: ``ip -4 addr flush dev eth0 label eth0``.

        The routes go by themselves: when a device's last IPv4 address goes, Linux
        drops every route through it (fib_disable_ip).
        """
        self.run(f"ip -4 addr flush dev {self.dev.name} label {self.dev.name}")

    def run(self, command: str) -> None:
        """One command of the client's script, in a shell of its own (not the student's)."""
        result = self.host.new_shell().run(command)
        self.trace("info", f"script: {command}" + (f" -> {result.stderr.strip()}"
                                                  if result.returncode else ""),
                   "execve")

    def write_resolv_conf(self, text: str) -> None:
        with contextlib.suppress(OSError):
            self.host.fs.write("/etc/resolv.conf", text)

    # ------------------------------------------------------------------ timers
    def _arm(self, delay: float, what: Callable[[int], None]) -> None:
        self._timer_gen += 1
        gen = self._timer_gen
        self.lab.call_later(max(delay, 0.0), what, gen)

    def _renew(self, gen: int) -> None:
        if gen == self._timer_gen and self.proc.running:
            self.lab.process(self.renew())

    def renew(self):
        """RENEWING until T2 (unicast to the server), REBINDING until expiry (broadcast)."""
        lease = self.lease
        self.xid = self.lab.rng.getrandbits(32)
        while self.proc.running and self.lab.now < lease.expires_at:
            rebinding = self.lab.now >= lease.rebind_at
            self.state = "REBINDING" if rebinding else "RENEWING"
            to = "255.255.255.255" if rebinding else ip_ntoa(lease.server)
            self.say_renew(to)
            if rebinding:
                self.unicast_or_broadcast_rebind()
            else:
                self.unicast(dhcp.REQUEST, lease.server, f"DHCPREQUEST to {to}: renewing")
            limit = lease.expires_at if rebinding else lease.rebind_at
            wait = max(min(60.0, (limit - self.lab.now) / 2), 1.0)
            answer = yield from self._wait(wait)
            if answer is not None and answer.msg_type == dhcp.ACK:
                self.bind(answer)
                return
            if answer is not None:  # NAK: give the address up now
                self.on_nak(answer)
                break
        if self.proc.running:
            self.expire()

    def say_renew(self, to: str) -> None:
        self.say(f"DHCPREQUEST for {ip_ntoa(self.lease.ip)} on {self.dev.name} to {to} "
                 "port 67")

    def unicast_or_broadcast_rebind(self) -> None:
        """REBINDING: the request goes to everyone, still from our address."""
        self.trace("send", "DHCPREQUEST to 255.255.255.255: rebinding", "send_packet")
        if self.udp is not None and self.lease is not None:
            with contextlib.suppress(NoRoute):
                self.ns.ipv4.output(ALL_ONES, ip_pkt.IPPROTO_UDP, udp.build(
                    self.lease.ip, ALL_ONES, dhcp.CLIENT_PORT, dhcp.SERVER_PORT,
                    self.message(dhcp.REQUEST, ciaddr=self.lease.ip)),
                    src=self.lease.ip, oif=self.dev, func="udp_sendmsg")

    def expire(self) -> None:
        """The lease ran out: the address goes; start over from INIT in the background."""
        self.trace("lease", f"lease of {ip_ntoa(self.lease.ip)} expired", "state_init")
        self.deconfigure()
        self.lease = None
        self.state = "INIT"
        self.lab.process(self._reacquire())

    def _reacquire(self):
        bound = yield from self.acquire()
        if not bound and self.proc.running:
            self._arm(ISC_RETRY, lambda gen: gen == self._timer_gen and self.proc.running
                      and self.lab.process(self._reacquire()))

    def release(self) -> None:
        """``dhclient -r``: DHCPRELEASE to the server, then the address goes."""
        if self.lease is None:
            return
        self.say(f"DHCPRELEASE of {ip_ntoa(self.lease.ip)} on {self.dev.name} to "
                 f"{ip_ntoa(self.lease.server)} port 67")
        self.xid = self.lab.rng.getrandbits(32)
        self.unicast(dhcp.RELEASE, self.lease.server, "DHCPRELEASE")
        # The script starts a few milliseconds later (fork + exec of /bin/sh): time for
        # the RELEASE to get through ARP. Flushing the last address at once would flush
        # the neighbour table too (fib_disable_ip), and the RELEASE waiting in it.
        self.lab.run(SCRIPT_START)
        self.deconfigure()
        self._timer_gen += 1
        self.lease = None
        self.state = "INIT"


class BusyboxClient(DhcpClient):
    """busybox udhcpc: its packets, its retries, its messages, Debian's default.script."""

    dialect = "udhcpc"

    def ip_header(self) -> tuple[int, int]:
        return 64, 0

    def options_for(self, msg_type: int) -> list[tuple[int, bytes]]:
        out: list[tuple[int, bytes]] = []
        if msg_type == dhcp.REQUEST and self.state == "REQUESTING" and self.offer is not None:
            out += [(dhcp.OPT_REQUESTED_IP, self.offer.yiaddr),
                    (dhcp.OPT_SERVER_ID, self.offer.server_id or ZERO)]
        if msg_type == dhcp.RELEASE and self.lease is not None:
            out.append((dhcp.OPT_SERVER_ID, self.lease.server))
        if msg_type in (dhcp.DISCOVER, dhcp.REQUEST):
            out += [(dhcp.OPT_MAX_SIZE, (576).to_bytes(2, "big")),
                    (dhcp.OPT_PARAM_LIST, BUSYBOX_PARAMS)]
            if self.opts.hostname:
                out.append((dhcp.OPT_HOSTNAME, self.opts.hostname.encode()))
            out.append((dhcp.OPT_VENDOR_CLASS, BUSYBOX_VENDOR))
        out.append((dhcp.OPT_CLIENT_ID, b"\x01" + self.dev.mac))
        return out

    def acquire(self):
        self.started = self.lab.now
        self.script_deconfig()
        return (yield from super().acquire())

    rounds_left: int | None = None
    """Discovers still allowed before :meth:`on_many_rounds` (None: no such count)."""
    on_many_rounds: Callable[[], None] | None = None

    def _tries(self) -> Iterator[int]:
        """``-t N`` packets; ``-t 0`` is busybox's "no limit" (``!discover_retries ||``)."""
        return iter(range(self.opts.discover_tries)) if self.opts.discover_tries else count()

    def _count_round(self) -> None:
        if self.rounds_left is None:
            return
        self.rounds_left -= 1
        if self.rounds_left < 0 and self.on_many_rounds is not None:
            self.on_many_rounds()

    def select(self):
        """``-t`` discovers ``-T`` seconds apart; then fail (-n) or pause ``-A`` and retry."""
        while True:
            for _ in self._tries():
                self._count_round()
                self.secs = int(self.lab.now - self.started)
                self.say("udhcpc: broadcasting discover")
                self.broadcast(dhcp.DISCOVER, "DHCPDISCOVER, broadcast")
                offer = yield from self._wait(self.opts.discover_wait)
                if offer is not None:
                    return offer
            if self.opts.once:
                self.say("udhcpc: no lease, failing")
                return None
            self.on_no_lease()
            yield self.lab.env.timeout(self.opts.fail_pause)

    def on_no_lease(self) -> None:
        """Without -n the real tool waits ``-A`` seconds and tries again, forever."""

    def request(self):
        server = ip_ntoa(self.offer.server_id or ZERO)
        for _ in self._tries():
            self._count_round()
            self.secs = int(self.lab.now - self.started)
            self.say(f"udhcpc: broadcasting select for {ip_ntoa(self.offer.yiaddr)}, "
                     f"server {server}")
            self.broadcast(dhcp.REQUEST, f"DHCPREQUEST, broadcast: selecting {server}")
            answer = yield from self._wait(self.opts.discover_wait)
            if answer is not None:
                return answer
        return None

    def on_nak(self, nak: dhcp.Dhcp) -> None:
        self.say("udhcpc: received DHCP NAK")
        self.script_deconfig()

    def renewal_delay(self, t1: int) -> int:
        return self.lease_half if hasattr(self, "lease_half") else t1

    def bind(self, ack: dhcp.Dhcp) -> None:
        self.lease_half = (ack.lease_time or 3600) // 2  # udhcpc renews at half the lease
        super().bind(ack)

    def announce_ack(self, ack: dhcp.Dhcp) -> None:
        self.say(f"udhcpc: lease of {ip_ntoa(ack.yiaddr)} obtained from "
                 f"{ip_ntoa(ack.server_id or ZERO)}, lease time {ack.lease_time or 3600}")

    def after_bind(self, renew: int) -> None:
        pass

    def say_renew(self, to: str) -> None:
        self.say(f"udhcpc: sending renew to server {to}")

    def configure(self, first: bool) -> None:
        """default.script ``bound``/``renew``: address (ifconfig), default route, resolv.conf.

        Debian's script sets the address with busybox ifconfig (no ``dynamic`` flag),
        replaces the default route if the router changed, and writes resolv.conf
        starting with a blank line when there is no domain (``echo "$R"``).
        """
        lease = self.lease
        dev = self.dev.name
        addr = f"{ip_ntoa(lease.ip)}/{lease.prefixlen}"
        if first:
            brd = f" broadcast {ip_ntoa(lease.broadcast)}" if lease.broadcast else ""
            self.run(f"ip -4 addr add {addr}{brd} dev {dev}")
        if lease.router and first:
            self.run(f"ip -4 route flush exact 0.0.0.0/0 dev {dev}")
            self.run(f"ip -4 route add default via {ip_ntoa(lease.router)} dev {dev}")
        text = f"domain {lease.domain}" if lease.domain else ""
        text += "".join(f"\nnameserver {ip_ntoa(d)}" for d in lease.dns)
        self.write_resolv_conf(text + "\n")

    def script_deconfig(self) -> None:
        """default.script ``deconfig``: link up, every IPv4 address and route flushed."""
        dev = self.dev.name
        self.run(f"ip link set {dev} up")
        self.run(f"ip -4 addr flush dev {dev}")
        self.run(f"ip -4 route flush dev {dev}")

    def deconfigure(self) -> None:
        self.script_deconfig()
