"""The decisions of a DHCP server, as dnsmasq 2.90 makes them (src/rfc2131.c, dhcp.c).

Pure model: messages in, replies out, a lease table in between; the clock is passed
in, nothing here sends a frame. :mod:`netsim.services.dnsmasq` gives it a socket.

How dnsmasq answers (checked against the real one in two network namespaces):

* **DISCOVER** -> an OFFER of, in order: the address this client already leases; the
  address it asks for (option 50) if free; else a free address picked by hashing its
  MAC into the range (:func:`hash_start`), so a client gets the same address every
  time. No free address: no answer, and the log says "no address available". An
  offer reserves nothing.
* **REQUEST** naming another server (option 54) is not for us: silence. Naming us,
  or renewing (``ciaddr`` set), or after a reboot (option 50 alone): ACK and (re)start
  the lease -- or NAK "address in use" if another client holds it. A request for an
  address outside our network is ignored (dnsmasq is not authoritative by default).
* **RELEASE** ends the lease; **DECLINE** marks the address in use.
* Replies carry, in dnsmasq's order: server id, lease time, T1 = lease/2,
  T2 = 7/8 lease, netmask, broadcast, router, DNS (if any), domain, and the client's
  own host name in an ACK.

Left out: relays (giaddr), static hosts (--dhcp-host), tags, --dhcp-authoritative,
DHCPINFORM answers, the ping cache's exact lifetime, DHCPv6.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from netsim.packets import dhcp
from netsim.packets.addr import ip_ntoa, mac_ntoa
from netsim.stack.route import prefix_mask, to_bytes, to_int

DEFAULT_LEASE_TIME = 3600      # dnsmasq's default when --dhcp-range gives none: "1h"
MIN_LEASE_TIME = 120           # shorter leases are raised to 2 minutes
INFINITE = 0xFFFFFFFF          # the lease time option's "infinite"


def hash_start(mac: bytes) -> int:
    """The hash dnsmasq's address_allocate() starts from (the sdbm string hash).

    52:54:00:12:34:56 in 192.168.122.2--254 -> .76, as the real server offers.
    """
    j = 0
    for byte in mac:
        j = (byte + (j << 6) + (j << 16) - j) & 0xFFFFFFFF
    return j


def pretty_time(seconds: int | None) -> str:
    """dnsmasq's prettyprint_time(): 3600 -> "1h", 3150 -> "52m30s", None -> "infinite"."""
    if seconds is None:
        return "infinite"
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            out += f"{seconds // size}{unit}"
            seconds %= size
    if seconds or not out:
        out += f"{seconds}s"
    return out


@dataclass(frozen=True)
class DhcpRange:
    """``--dhcp-range=START,END[,NETMASK][,LEASETIME]``; ``lease_time`` None = infinite."""

    start: bytes
    end: bytes
    netmask: bytes | None = None
    lease_time: int | None = DEFAULT_LEASE_TIME

    def __contains__(self, ip: bytes) -> bool:
        return to_int(self.start) <= to_int(ip) <= to_int(self.end)

    @property
    def size(self) -> int:
        return to_int(self.end) - to_int(self.start) + 1


@dataclass
class Lease:
    """One line of the lease table. ``expires`` is simulated time (None: infinite)."""

    mac: bytes
    ip: bytes
    expires: float | None
    hostname: str = ""
    client_id: bytes | None = None

    def line(self, wall_clock: Callable[[float], float]) -> str:
        """The lease file's ``EXPIRY MAC IP HOSTNAME CLIENTID`` (0 expiry = infinite)."""
        expiry = 0 if self.expires is None else int(wall_clock(self.expires))
        client_id = self.client_id.hex(":") if self.client_id else "*"
        name = self.hostname or "*"
        return f"{expiry} {mac_ntoa(self.mac)} {ip_ntoa(self.ip)} {name} {client_id}"


@dataclass
class Reply:
    """What the server sends back, and the line dnsmasq logs about it."""

    msg_type: int
    request: dhcp.Dhcp
    yiaddr: bytes
    options: list[tuple[int, bytes]]
    broadcast: bool            # to 255.255.255.255 / ff:ff:...: flag set, or a NAK
    log: str                   # "DHCPOFFER(virbr0) 192.168.122.76 52:54:00:12:34:56 "

    def payload(self, server_ip: bytes) -> bytes:
        """The UDP payload: same xid, flags and chaddr as the request; siaddr = us."""
        req = self.request
        flags = req.flags | (dhcp.FLAG_BROADCAST if self.msg_type == dhcp.NAK else 0)
        siaddr = server_ip if self.msg_type != dhcp.NAK else bytes(4)
        return dhcp.build(dhcp.BOOTREPLY, req.xid, req.chaddr, self.msg_type,
                          ciaddr=req.ciaddr, yiaddr=self.yiaddr, siaddr=siaddr,
                          flags=flags, secs=req.secs, options=self.options)


@dataclass
class DhcpServer:
    """dnsmasq's DHCP server on one interface (``iface``, whose address is ``server_ip``).

    ``router`` and ``dns`` default, as dnsmasq's do, to the server's own address; pass
    ``dns=[]`` for no DNS option (dnsmasq with ``--port=0``).
    """

    iface: str
    server_ip: bytes
    prefixlen: int
    ranges: list[DhcpRange]
    router: bytes | None = None
    dns: list[bytes] | None = None
    domain: str = ""
    clock: Callable[[], float] = lambda: 0.0
    table: list[Lease] = field(default_factory=list)
    in_use: set[bytes] = field(default_factory=set)   # answered a ping, or declined

    def __post_init__(self) -> None:
        if self.router is None:
            self.router = self.server_ip
        if self.dns is None:
            self.dns = [self.server_ip]

    # ------------------------------------------------------------------ the table
    def leases(self) -> list[Lease]:
        """Current leases, newest first (as dnsmasq keeps and writes them)."""
        self.prune()
        return list(self.table)

    def prune(self) -> list[Lease]:
        """lease_prune(): drop expired leases; returns them."""
        now = self.clock()
        gone = [lease for lease in self.table if lease.expires is not None and lease.expires <= now]
        for lease in gone:
            self.table.remove(lease)
        return gone

    def lease_of(self, msg: dhcp.Dhcp) -> Lease | None:
        """lease_find_by_client(): by client id if it sent one, else by MAC."""
        cid = msg.options.get(dhcp.OPT_CLIENT_ID)
        for lease in self.table:
            if (cid and lease.client_id == cid) or lease.mac == msg.chaddr:
                return lease
        return None

    def holder(self, ip: bytes) -> Lease | None:
        for lease in self.table:
            if lease.ip == ip:
                return lease
        return None

    def lease_file(self, wall_clock: Callable[[float], float]) -> str:
        """The text of /var/lib/misc/dnsmasq.leases."""
        return "".join(lease.line(wall_clock) + "\n" for lease in self.leases())

    def table_text(self) -> str:
        """A printable lease table (what a student wants to see at a glance)."""
        rows = [("IP address", "MAC address", "hostname", "expires in")]
        now = self.clock()
        for lease in self.leases():
            left = "never" if lease.expires is None else f"{lease.expires - now:.0f} s"
            rows.append((ip_ntoa(lease.ip), mac_ntoa(lease.mac), lease.hostname or "*", left))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n"
                       for r in rows)

    # ------------------------------------------------------------------ addresses
    def range_for(self, ip: bytes) -> DhcpRange | None:
        for rng in self.ranges:
            if ip in rng:
                return rng
        return None

    def on_our_net(self, ip: bytes) -> bool:
        mask = prefix_mask(self.prefixlen)
        return to_int(ip) & mask == to_int(self.server_ip) & mask

    def usable_ranges(self) -> list[DhcpRange]:
        """The ranges on the interface's subnet (dnsmasq's "context" for this packet)."""
        return [r for r in self.ranges if self.on_our_net(r.start) and self.on_our_net(r.end)]

    def is_free(self, ip: bytes, msg: dhcp.Dhcp) -> bool:
        """Nobody else leases it, it is not ours, nobody answered a ping for it."""
        holder = self.holder(ip)
        if holder is not None and holder.mac != msg.chaddr:
            return False
        return ip != self.server_ip and ip not in self.in_use and self._host_part_ok(ip)

    def _host_part_ok(self, ip: bytes) -> bool:
        host_bits = ~prefix_mask(self.prefixlen) & 0xFFFFFFFF
        host = to_int(ip) & host_bits
        return self.prefixlen >= 31 or host not in (0, host_bits)

    def choose(self, msg: dhcp.Dhcp) -> bytes | None:
        """The address to offer ``msg``'s client, or None ("no address available")."""
        self.prune()
        usable = self.usable_ranges()
        lease = self.lease_of(msg)
        if lease is not None and any(lease.ip in r for r in usable):
            return lease.ip
        wanted = msg.requested_ip
        if wanted and any(wanted in r for r in usable) and self.is_free(wanted, msg):
            return wanted
        for rng in usable:  # address_allocate(): start at the hash, walk round the range
            first = to_int(rng.start)
            offset = hash_start(msg.chaddr) % rng.size
            for step in range(rng.size):
                ip = to_bytes(first + (offset + step) % rng.size)
                if self.is_free(ip, msg):
                    return ip
        return None

    # ------------------------------------------------------------------ messages
    def offer(self, msg: dhcp.Dhcp, ip: bytes) -> Reply:
        return self._reply(dhcp.OFFER, msg, ip, f"{ip_ntoa(ip)} {mac_ntoa(msg.chaddr)} ")

    def discover_log(self, msg: dhcp.Dhcp, why: str = "") -> str:
        return f"DHCPDISCOVER({self.iface}) {mac_ntoa(msg.chaddr)} {why}"

    def request(self, msg: dhcp.Dhcp) -> tuple[Reply | None, str]:
        """DHCPREQUEST: (ACK or NAK or None, the DHCPREQUEST log line)."""
        self.prune()
        server_id = msg.server_id
        ip = msg.requested_ip if msg.ciaddr == bytes(4) else msg.ciaddr
        mac = mac_ntoa(msg.chaddr)
        if ip is None or (server_id is not None and server_id != self.server_ip):
            return None, ""   # selecting another server's offer: not for us
        log = f"DHCPREQUEST({self.iface}) {ip_ntoa(ip)} {mac} "
        if not self.on_our_net(ip):
            return None, ""   # not authoritative: someone else's network
        rng = self.range_for(ip)
        if rng is None or rng not in self.usable_ranges():
            return self._nak(msg, ip, "address not available"), log
        if not self.is_free(ip, msg):
            return self._nak(msg, ip, "address in use"), log
        lease = self.lease_of(msg)
        if lease is None:
            lease = Lease(msg.chaddr, ip, None)
            self.table.insert(0, lease)
        lease.ip = ip
        lease.mac = msg.chaddr
        lease.client_id = msg.options.get(dhcp.OPT_CLIENT_ID)
        lease.hostname = msg.options.get(dhcp.OPT_HOSTNAME, b"").decode("ascii", "replace")
        lease.expires = None if rng.lease_time is None else self.clock() + rng.lease_time
        ack = self._reply(dhcp.ACK, msg, ip, f"{ip_ntoa(ip)} {mac} {lease.hostname}")
        return ack, log

    def release(self, msg: dhcp.Dhcp) -> str:
        """DHCPRELEASE: the lease ends now (only if it is this client's)."""
        lease = self.lease_of(msg)
        if lease is not None and lease.ip == msg.ciaddr:
            self.table.remove(lease)
        return f"DHCPRELEASE({self.iface}) {ip_ntoa(msg.ciaddr)} {mac_ntoa(msg.chaddr)} "

    def decline(self, msg: dhcp.Dhcp) -> str:
        """DHCPDECLINE: the client found the address in use (by ARP): never offer it again."""
        ip = msg.requested_ip or bytes(4)
        self.in_use.add(ip)
        lease = self.lease_of(msg)
        if lease is not None and lease.ip == ip:
            self.table.remove(lease)
        return f"DHCPDECLINE({self.iface}) {ip_ntoa(ip)} {mac_ntoa(msg.chaddr)} "

    # ------------------------------------------------------------------ replies
    def _nak(self, msg: dhcp.Dhcp, ip: bytes, why: str) -> Reply:
        options = [(dhcp.OPT_SERVER_ID, self.server_ip), (dhcp.OPT_MESSAGE, why.encode())]
        log = f"DHCPNAK({self.iface}) {ip_ntoa(ip)} {mac_ntoa(msg.chaddr)} {why}"
        return Reply(dhcp.NAK, msg, bytes(4), options, True, log)

    def _reply(self, msg_type: int, msg: dhcp.Dhcp, ip: bytes, tail: str) -> Reply:
        rng = self.range_for(ip)
        lease_time = rng.lease_time if rng is not None else DEFAULT_LEASE_TIME
        mask = rng.netmask if rng is not None and rng.netmask else to_bytes(
            prefix_mask(self.prefixlen))
        broadcast = to_bytes(to_int(ip) | (~to_int(mask) & 0xFFFFFFFF))
        options: list[tuple[int, bytes]] = [(dhcp.OPT_SERVER_ID, self.server_ip)]
        if lease_time is None:
            options.append((dhcp.OPT_LEASE_TIME, INFINITE.to_bytes(4, "big")))
        else:
            options += [(dhcp.OPT_LEASE_TIME, lease_time.to_bytes(4, "big")),
                        (dhcp.OPT_RENEWAL_T1, (lease_time // 2).to_bytes(4, "big")),
                        (dhcp.OPT_REBINDING_T2, (lease_time * 7 // 8).to_bytes(4, "big"))]
        options += [(dhcp.OPT_SUBNET_MASK, mask), (dhcp.OPT_BROADCAST, broadcast)]
        if self.router:
            options.append((dhcp.OPT_ROUTER, self.router))
        if self.dns:
            options.append((dhcp.OPT_DNS, b"".join(self.dns)))
        if self.domain:
            options.append((dhcp.OPT_DOMAIN, self.domain.encode()))
        hostname = msg.options.get(dhcp.OPT_HOSTNAME)
        if msg_type == dhcp.ACK and hostname:
            options.append((dhcp.OPT_HOSTNAME, hostname))
        name = "DHCPOFFER" if msg_type == dhcp.OFFER else "DHCPACK"
        return Reply(msg_type, msg, ip, options, msg.broadcast_flag,
                     f"{name}({self.iface}) {tail}")
