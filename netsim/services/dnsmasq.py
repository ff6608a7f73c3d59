"""dnsmasq's DHCP server running on a host: socket, ping check, replies, lease file, log.

The decisions are :class:`~netsim.services.dhcp_server.DhcpServer`'s; this module is
the daemon around them, the way dnsmasq's dhcp.c wraps rfc2131.c:

1. ``dhcp_packet``: a datagram arrives on UDP port 67 (the socket is bound to the
   interface, SO_BINDTODEVICE, as with ``--bind-interfaces --interface=virbr0``).
2. DISCOVER: before offering an address nobody leases, dnsmasq **pings it** and
   waits up to 3 s (``do_icmp_ping``): an answer means someone uses it without a
   lease, and another address is chosen. This is the 3-second pause between a
   DISCOVER and its OFFER in every capture. A negative answer is remembered 30 s.
3. The reply goes out (``send_from``): broadcast if the client set the broadcast
   flag (or for a NAK); to ``ciaddr`` when renewing; otherwise unicast to the
   offered address -- which the client does not have yet, so it cannot answer ARP:
   dnsmasq first **writes the ARP entry itself** (SIOCSARP, state STALE), which is
   why ``ip neigh`` on the server lists the client before it has its address.
4. ``lease_update_file``: the lease file is rewritten after every change and when a
   lease expires; log lines go to syslog as ``dnsmasq-dhcp[PID]: DHCPACK(...)``.

Start it from Python with :func:`start` (or type ``dnsmasq ...`` in the host's shell).
Left out: DNS (``--port=0`` behaviour always; DNS option still offered unless
``--port=0``), relays, several DHCP interfaces in one process, the IP TOS byte 0xc0
dnsmasq sets on replies (ours leave it 0).
"""

from __future__ import annotations

import contextlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets import dhcp, udp
from netsim.packets import ipv4 as ip_pkt
from netsim.packets.addr import MalformedPacket, ip_ntoa, mac_ntoa
from netsim.services import syslog
from netsim.services.dhcp_server import DhcpRange, DhcpServer, Lease, Reply, pretty_time
from netsim.stack.ipv4 import NoRoute
from netsim.stack.neighbour import STALE
from netsim.stack.sockets import PingSocket, UdpSocket
from netsim.user.process import SIGTERM, wall_clock

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.stack.netdevice import NetDevice
    from netsim.user.process import Process

VERSION = "2.90"
COMPILE_OPTIONS = ("IPv6 GNU-getopt DBus no-UBus i18n IDN2 DHCP DHCPv6 no-Lua TFTP conntrack "
                   "ipset nftset auth cryptohash DNSSEC loop-detect inotify dumpfile")
DEFAULT_LEASE_FILE = "/var/lib/misc/dnsmasq.leases"
PING_WAIT = 3.0          # seconds do_icmp_ping waits for an answer
PING_CACHE_TIME = 30.0   # a silent address is not pinged again this soon


@dataclass
class DnsmasqConfig:
    """What the command line asked for (see :mod:`netsim.cli.dnsmasq`)."""

    interfaces: list[str] = field(default_factory=list)
    except_interfaces: list[str] = field(default_factory=list)
    listen_addresses: list[bytes] = field(default_factory=list)
    bind_interfaces: bool = False
    ranges: list[DhcpRange] = field(default_factory=list)
    router: bytes | None = None          # --dhcp-option=3,...: None = our own address
    dns: list[bytes] | None = None       # --dhcp-option=6,...: None = our own address
    domain: str = ""
    lease_file: str = DEFAULT_LEASE_FILE
    port: int = 53
    pid_file: str = "/var/run/dnsmasq.pid"
    log_file: str | None = None          # --log-facility=FILE; None = syslog
    log_dhcp: bool = False
    no_ping: bool = False


class Dnsmasq:
    """A running dnsmasq: :attr:`server` decides, this object sends and records."""

    def __init__(self, host: Host, cfg: DnsmasqConfig, proc: Process) -> None:
        self.host = host
        self.cfg = cfg
        self.proc = proc
        self.ns = host.ns
        self.dev: NetDevice | None = None
        self.server: DhcpServer | None = None
        self.sock: UdpSocket | None = None
        self.queue: deque[bytes] = deque()
        self._wakeup = None
        self._ping_silent: dict[bytes, float] = {}
        self.running = False

    # ------------------------------------------------------------------ start / stop
    def pick_interface(self) -> NetDevice | str:
        """The one interface DHCP is served on, or dnsmasq's error text."""
        ns = self.ns
        for name in self.cfg.interfaces:
            if ns.get(name) is None:
                return f"dnsmasq: unknown interface {name}\n"
        names = self.cfg.interfaces or [d.name for d in ns.in_order()
                                        if not d.flag_loopback
                                        and d.name not in self.cfg.except_interfaces]
        for addr in self.cfg.listen_addresses:
            owner = next((a.dev.name for a in ns.ipv4.addresses if a.local == addr), None)
            if owner is None:
                return (f"dnsmasq: failed to create listening socket for {ip_ntoa(addr)}: "
                        "Cannot assign requested address\n")
            if owner not in names:
                names.append(owner)
        for name in names:  # the interface whose subnet holds a range
            for ifa in ns.ipv4.addresses_of(ns.get(name)):
                probe = DhcpServer(name, ifa.local, ifa.prefixlen, self.cfg.ranges)
                if probe.usable_ranges():
                    return ns.get(name)
        if names:
            return ns.get(names[0])
        return "dnsmasq: no interface to serve DHCP on\n"

    def start(self) -> str | None:
        """Bind the socket and begin serving; returns an error text if that fails."""
        dev = self.pick_interface()
        if isinstance(dev, str):
            return dev
        self.dev = dev
        try:
            self.sock = UdpSocket(self.ns, dhcp.SERVER_PORT)
        except OSError:
            return "dnsmasq: failed to bind DHCP server socket: Address already in use\n"
        self.sock.bound_dev = dev if self.cfg.interfaces or self.cfg.bind_interfaces else None
        self.sock.on_receive = self._on_datagram
        self.proc.at_exit(lambda _p: self.stop())
        self.proc.on_signal(SIGTERM, self._on_sigterm)
        self.proc.fd_table[self.proc.lowest_free_fd()] = "socket:[dhcp]"
        self.running = True
        self._make_server()
        self._startup_log()
        self.write_lease_file()
        self.host.lab.process(self._serve())
        return None

    def _make_server(self) -> None:
        """The model, with the interface's address: read again if it changes."""
        addrs = self.ns.ipv4.addresses_of(self.dev)
        own = next((a for a in addrs if DhcpServer(self.dev.name, a.local, a.prefixlen,
                                                   self.cfg.ranges).usable_ranges()), None)
        own = own or (addrs[0] if addrs else None)
        old = self.server.table if self.server else []
        dns = self.cfg.dns if self.cfg.dns is not None else (None if self.cfg.port else [])
        self.server = DhcpServer(self.dev.name, own.local if own else bytes(4),
                                 own.prefixlen if own else 32, self.cfg.ranges,
                                 router=self.cfg.router, dns=dns, domain=self.cfg.domain,
                                 clock=lambda: self.host.lab.now, table=old)

    def stop(self) -> None:
        """Close the socket; the lease file stays (dnsmasq reads it back next start)."""
        if not self.running:
            return
        self.running = False
        if self.sock is not None:
            self.sock.close()
        if self._wakeup is not None and not self._wakeup.triggered:
            self._wakeup.succeed()

    def _on_sigterm(self, proc: Process, sig: int, sender: Process | None) -> None:
        self.log("dnsmasq", "exiting on receipt of SIGTERM")
        proc.exit(0)

    # ------------------------------------------------------------------ Python API
    def leases(self) -> list[Lease]:
        """The lease table now (expired leases removed)."""
        return self.server.leases() if self.server else []

    def table(self) -> str:
        """The lease table as printable text."""
        return self.server.table_text() if self.server else ""

    def lease_file_text(self) -> str:
        return self.server.lease_file(wall_clock) if self.server else ""

    # ------------------------------------------------------------------ log and files
    def log(self, tag: str, text: str) -> None:
        cfg = self.cfg
        if cfg.log_file:
            syslog.log(self.host, tag, self.proc.pid, text, cfg.log_file, with_host=False)
        else:
            syslog.log(self.host, tag, self.proc.pid, text)

    def _startup_log(self) -> None:
        dns = "DNS disabled" if self.cfg.port == 0 else "cachesize 150"
        self.log("dnsmasq", f"started, version {VERSION} {dns}")
        self.log("dnsmasq", f"compile time options: {COMPILE_OPTIONS}")
        for rng in self.cfg.ranges:
            lease = pretty_time(rng.lease_time)
            self.log("dnsmasq-dhcp", f"DHCP, IP range {ip_ntoa(rng.start)} -- "
                                     f"{ip_ntoa(rng.end)}, lease time {lease}")
        if self.cfg.interfaces or self.cfg.bind_interfaces:
            self.log("dnsmasq-dhcp", f"DHCP, sockets bound exclusively to interface "
                                     f"{self.dev.name}")

    def write_lease_file(self) -> None:
        """lease_update_file(): the whole file, rewritten."""
        fs = self.host.fs
        path = self.cfg.lease_file
        try:
            fs.mkdir(path.rsplit("/", 1)[0] or "/", parents=True)
            fs.write(path, self.lease_file_text())
        except OSError as err:
            self.log("dnsmasq", f"failed to write {path}: {err.strerror}")

    def _trace(self, action: str, reason: str, func: str) -> None:
        trace = self.ns.trace
        if trace.enabled:
            trace.hop(self.ns.name, self.dev.name, "dhcp", action, 0, reason, func)

    # ------------------------------------------------------------------ receive
    def _on_datagram(self, data: bytes, addr: tuple[str, int]) -> None:
        if not self.running:
            return
        self.queue.append(data)
        if self._wakeup is not None and not self._wakeup.triggered:
            self._wakeup.succeed()

    def _serve(self):
        """The main loop: one message at a time (a ping check holds the others back)."""
        env = self.host.lab.env
        while self.running:
            if not self.queue:
                self._wakeup = env.event()
                yield self._wakeup
                continue
            data = self.queue.popleft()
            try:
                msg = dhcp.parse(data)
            except MalformedPacket as err:
                self._trace("drop", f"not a DHCP message: {err}", "dhcp_packet")
                continue
            if msg.op != dhcp.BOOTREQUEST:
                continue
            yield from self._handle(msg)

    def _handle(self, msg: dhcp.Dhcp):
        kind = dhcp.MSG_NAMES.get(msg.msg_type or 0, "BOOTP")
        self._trace("rx", f"DHCP{kind.upper()} from {mac_ntoa(msg.chaddr)}, xid "
                          f"{msg.xid:#010x}", "dhcp_packet")
        if not self.ns.ipv4.addresses_of(self.dev):
            self.log("dnsmasq-dhcp", f"DHCP packet received on {self.dev.name} which has no "
                                     "address")
            return
        self._make_server()
        server = self.server
        if self.cfg.log_dhcp and msg.options.get(dhcp.OPT_HOSTNAME):
            name = msg.options[dhcp.OPT_HOSTNAME].decode("ascii", "replace")
            self.log("dnsmasq-dhcp", f"{msg.xid} client provides name: {name}")
        if msg.msg_type == dhcp.DISCOVER:
            yield from self._discover(msg)
        elif msg.msg_type == dhcp.REQUEST:
            reply, line = server.request(msg)
            if line:
                self.log("dnsmasq-dhcp", line)
            if reply is not None:
                self._send(reply)
                if reply.msg_type == dhcp.ACK:
                    self._lease_changed(f"lease of {ip_ntoa(reply.yiaddr)} to "
                                        f"{mac_ntoa(msg.chaddr)} until "
                                        f"{self._expiry_text(reply.yiaddr)}", "lease_update_file")
        elif msg.msg_type == dhcp.RELEASE:
            self.log("dnsmasq-dhcp", server.release(msg))
            self._lease_changed(f"{ip_ntoa(msg.ciaddr)} released by {mac_ntoa(msg.chaddr)}",
                                "lease_prune")
        elif msg.msg_type == dhcp.DECLINE:
            self.log("dnsmasq-dhcp", server.decline(msg))
            self._lease_changed("address declined: marked in use", "lease_prune")

    def _discover(self, msg: dhcp.Dhcp):
        server = self.server
        if not server.usable_ranges():
            self.log("dnsmasq-dhcp", f"no address range available for DHCP request via "
                                     f"{self.dev.name}")
            return
        while True:
            ip = server.choose(msg)
            if ip is None:
                self.log("dnsmasq-dhcp", server.discover_log(msg, "no address available"))
                self._trace("drop", f"no free address in the range for {mac_ntoa(msg.chaddr)}",
                            "address_allocate")
                return
            lease = server.lease_of(msg)
            if (lease is not None and lease.ip == ip) or not (yield from self._ping_in_use(ip)):
                break
            server.in_use.add(ip)
            self.log("dnsmasq-dhcp", f"{ip_ntoa(ip)} in use: abandoning it")
        self.log("dnsmasq-dhcp", server.discover_log(msg))
        self._send(server.offer(msg, ip))

    def _ping_in_use(self, ip: bytes):
        """do_icmp_ping(): True if something answers an echo to ``ip`` within 3 s."""
        now = self.host.lab.now
        if self.cfg.no_ping or now - self._ping_silent.get(ip, -PING_CACHE_TIME) < PING_CACHE_TIME:
            return False
        env = self.host.lab.env
        answered = env.event()
        ident = self.host.lab.rng.getrandbits(16)
        while ident in self.ns.ipv4.ping_sockets:
            ident = (ident + 1) & 0xFFFF

        def on_reply(_ip, _msg) -> None:
            if not answered.triggered:
                answered.succeed()

        sock = PingSocket(self.ns, ident, on_reply, lambda *_: None)
        self._trace("send", f"ping {ip_ntoa(ip)} before offering it: does someone use it "
                            f"already? (wait {PING_WAIT:g} s)", "do_icmp_ping")
        with contextlib.suppress(NoRoute):  # no route: nobody can answer either
            sock.send_echo(ip, 0, bytes(20))
        yield env.any_of([answered, env.timeout(PING_WAIT)])
        sock.close()
        if answered.triggered:
            return True
        self._ping_silent[ip] = self.host.lab.now
        return False

    # ------------------------------------------------------------------ send
    def _send(self, reply: Reply) -> None:
        """send_from(): broadcast, to ciaddr, or unicast after writing the ARP entry."""
        self.log("dnsmasq-dhcp", reply.log)
        server, dev, req = self.server, self.dev, reply.request
        payload = reply.payload(server.server_ip)
        if reply.broadcast:
            dst, how = b"\xff" * 4, "broadcast (the client asked, or a NAK)"
        elif req.ciaddr != bytes(4):
            dst, how = req.ciaddr, "unicast to the client's current address"
        else:
            dst = reply.yiaddr
            how = "unicast: ARP entry written first, the client cannot answer ARP yet"
            self.ns.ipv4.arp.add_permanent(dev, dst, req.chaddr, state=STALE)
            self.ns.trace.hop(self.ns.name, dev.name, "arp", "learn", 0,
                              f"dnsmasq sets {ip_ntoa(dst)} lladdr {mac_ntoa(req.chaddr)} "
                              "(SIOCSARP) for a client without an address yet", "arp_req_set")
        kind = reply.log.split("(", 1)[0]
        self._trace("send", f"{kind} {ip_ntoa(reply.yiaddr)} to {mac_ntoa(req.chaddr)}: {how}",
                    "dhcp_reply")
        datagram = udp.build(server.server_ip, dst, dhcp.SERVER_PORT, dhcp.CLIENT_PORT, payload)
        try:
            self.ns.ipv4.output(dst, ip_pkt.IPPROTO_UDP, datagram, src=server.server_ip,
                                df=False, oif=dev, func="udp_sendmsg")
        except NoRoute:
            self._trace("drop", f"no route to {ip_ntoa(dst)} for the reply", "send_from")

    # ------------------------------------------------------------------ leases
    def _expiry_text(self, ip: bytes) -> str:
        lease = self.server.holder(ip)
        if lease is None or lease.expires is None:
            return "never"
        return f"t={lease.expires:g} s"

    def _lease_changed(self, why: str, func: str) -> None:
        self._trace("lease", why, func)
        self.write_lease_file()
        self._arm_expiry()

    def _arm_expiry(self) -> None:
        """A timer for the next lease to expire: then prune and rewrite the file."""
        times = [lease.expires for lease in self.server.table if lease.expires is not None]
        if times:
            self.host.lab.call_later(max(0.0, min(times) - self.host.lab.now), self._expire)

    def _expire(self) -> None:
        if not self.running:
            return
        for lease in self.server.prune():
            self._trace("lease", f"lease of {ip_ntoa(lease.ip)} to {mac_ntoa(lease.mac)} "
                                 "expired", "lease_prune")
            self.write_lease_file()




def running(host: Host) -> list[Dnsmasq]:
    """The dnsmasq instances alive on ``host`` (oldest first)."""
    alive = [d for d in host.services.get("dnsmasq", []) if d.proc.running]
    host.services["dnsmasq"] = alive
    return alive


def start(host: Host, cfg: DnsmasqConfig, argv: list[str] | None = None) -> Dnsmasq:
    """Start dnsmasq on ``host`` from Python: a daemon in ``ps``, serving at once.

    Raises RuntimeError with dnsmasq's message if it cannot start.
    """
    proc = host.processes.spawn(argv or ["dnsmasq"], ppid=host.shell_pid)
    daemon = launch(host, cfg, proc, daemonize=True)
    if isinstance(daemon, str):
        raise RuntimeError(daemon.strip())
    return daemon


def launch(host: Host, cfg: DnsmasqConfig, proc: Process, daemonize: bool) -> Dnsmasq | str:
    """Start as ``proc``: check, fork to the background (unless ``-d``), serve.

    Returns the daemon, or the error text dnsmasq prints before forking (``proc``
    then exits 2, as dnsmasq does for a bad interface).
    """
    daemon = Dnsmasq(host, cfg, proc)
    dev = daemon.pick_interface()
    if isinstance(dev, str):
        proc.exit(2)
        return "\n" + dev  # dnsmasq's die() starts its message on a line of its own
    if dhcp.SERVER_PORT in host.ns.ipv4.udp_sockets:
        proc.exit(2)
        own = [a for a in host.ns.ipv4.addresses if a.dev is dev]
        if cfg.port and cfg.bind_interfaces and own:
            # the DNS socket is bound first (to each address, under --bind-interfaces):
            # a second dnsmasq on the same network fails there, before DHCP
            return (f"\ndnsmasq: failed to create listening socket for "
                    f"{ip_ntoa(own[0].local)}: Address already in use\n")
        return "\ndnsmasq: failed to bind DHCP server socket: Address already in use\n"
    if daemonize:
        proc = host.processes.daemonize(proc)
        daemon.proc = proc
    proc.user = "nobody"  # dnsmasq drops root once its sockets are bound
    error = daemon.start()
    if error is not None:
        proc.exit(2)
        return "\n" + error
    with contextlib.suppress(OSError):  # dnsmasq carries on without its pid file
        host.fs.mkdir(cfg.pid_file.rsplit("/", 1)[0] or "/", parents=True)
        host.fs.write(cfg.pid_file, f"{proc.pid}\n")
    host.services.setdefault("dnsmasq", []).append(daemon)
    return daemon
