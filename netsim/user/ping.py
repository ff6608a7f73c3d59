"""The ping program's run (iputils 20221126): echo requests out, replies and errors
back, statistics -- as ``main_loop()``, ``pinger()`` and ``finish()`` do it.

It runs as a simpy process in the host. :meth:`Pinger._pinger` is iputils' token
bucket: a request whenever ``interval`` milliseconds of tokens are there (``-l``
preloads some), and with ``interval == 0`` (``-f``, ``-i 0``) as soon as the last
request is answered or 10 ms have passed. Replies and ICMP errors are handled when
the socket gets them (the kernel's receive timestamp is that instant) and each line
is written to the command's output then, so what a run printed is there even when
something stops it half way. After the last request it waits as iputils does: for
the missing replies, but no longer than twice the slowest round trip (at least one
interval) once something came back, else the linger time (``-W``, 10 s); ``-w``
ends the run at its deadline whatever happens.

Numbers are iputils' own: times in whole microseconds, the statistics in integer
arithmetic, the 16-bit ICMP sequence wrapping from 65535 to 0.
"""

from __future__ import annotations

import contextlib
import struct
from typing import TYPE_CHECKING, Any

import simpy

from netsim.engine.clock import wall_clock
from netsim.packets import icmp
from netsim.packets.addr import ip_ntoa
from netsim.packets.ipv4 import IPPROTO_ICMP
from netsim.stack.ipv4 import NfDropped, NoRoute
from netsim.stack.sockets import PingSocket

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.io import Io

MININTERVAL = 10  # ms: the shortest gap iputils waits for a reply before sending on
LONG_MAX = (1 << 63) - 1
# What one request costs ping and the kernel on a real machine (sendmsg, the reply's
# recvmsg, the loop around them): about 10 us on the machine the recordings were made
# on. A simulated loopback answers in no time at all; without this a flood or a
# burst (-f, -i 0, -i -1) to 127.0.0.1 would send without end at one instant.
SEND_COST = 10e-6
_TIMEVAL = 16  # sizeof(struct timeval): the send time iputils puts first in the data

_UNREACH_TEXT = {
    0: "Destination Net Unreachable", 1: "Destination Host Unreachable",
    2: "Destination Protocol Unreachable", 3: "Destination Port Unreachable",
    5: "Source Route Failed", 6: "Destination Net Unknown", 7: "Destination Host Unknown",
    8: "Source Host Isolated", 9: "Destination Net Prohibited",
    10: "Destination Host Prohibited", 11: "Destination Net Unreachable for Type of Service",
    12: "Destination Host Unreachable for Type of Service", 13: "Packet filtered",
    14: "Precedence Violation", 15: "Precedence Cutoff"}


def icmp_error_text(msg: icmp.Icmp) -> str:
    """pr_icmph(): the words for an ICMP error iputils prints after ``icmp_seq=N``."""
    if msg.type == icmp.DEST_UNREACH:
        if msg.code == 4:
            return f"Frag needed and DF set (mtu = {msg.seq})"
        return _UNREACH_TEXT.get(msg.code, f"Dest Unreachable, Bad Code: {msg.code}")
    if msg.code == 0:
        return "Time to live exceeded"
    if msg.code == 1:
        return "Frag reassembly time exceeded"
    return f"Time exceeded, Bad Code: {msg.code}"


class PingConfig:
    """What the command line asked for, in iputils' units (``struct ping_rts``).

    ``PingConfig(target, dst, count=3, ...)``: the class's values are the defaults (a plain
    class: a dataclass of this many fields costs more to create than a ping takes).
    """

    target: str  # the destination as typed: the statistics' title
    dst: bytes
    count: int = 0  # -c (npackets); 0: until the deadline
    interval: int = 1000  # -i, in ms; 0 floods; negative sends without waiting
    preload: int = 1  # -l
    linger: int = 10000  # -W, in ms
    deadline: int = 0  # -w, in s
    size: int = 56  # -s
    ttl: int | None = None  # -t
    oif: object = None  # -I device
    src: bytes | None = None  # -I address
    fill: bytes | None = None  # -p: the pattern the data is made of
    flood: bool = False
    quiet: bool = False
    audible: bool = False  # -a
    adaptive: bool = False  # -A
    timestamps: bool = False  # -D
    outstanding: bool = False  # -O
    verbose: bool = False  # -v
    multicast: bool = False  # -b or a multicast group: many answer, from other addresses
    route: tuple | None = None  # the route to use, when the kernel made one up (-I dev)
    names: dict[bytes, str] | None = None  # /etc/hosts' names when the target was one
    mtu: int | None = None  # -M do (or a broadcast): larger packets are a local error

    def __init__(self, target: str, dst: bytes, **options: Any) -> None:
        self.target = target
        self.dst = dst
        for name, value in options.items():
            if name not in PingConfig.__annotations__ or name in ("target", "dst"):
                raise TypeError(f"PingConfig() got an unexpected argument {name!r}")
            setattr(self, name, value)


def echo_data(size: int, fill: bytes | None) -> bytes:
    """The data after the ICMP header: bytes counting up (or ``-p``'s pattern), the
    first 8 standing for the send time iputils stamps there."""
    body = (fill * (size // len(fill) + 1))[:size] if fill else bytes(
        i & 0xFF for i in range(size))
    return bytes(min(size, 8)) + body[8:]


def _ns(seconds: float) -> int:
    return round(seconds * 1e9)


def _since_ms(now_ns: int, then_ns: int) -> int:
    """iputils' ``(tv.tv_sec - cur.tv_sec) * 1000 + (tv.tv_nsec - cur.tv_nsec) / 1000000``."""
    sec = now_ns // 1_000_000_000 - then_ns // 1_000_000_000
    nsec = now_ns % 1_000_000_000 - then_ns % 1_000_000_000
    return sec * 1000 + int(nsec / 1_000_000)


def _c_div(a: int, b: int) -> int:
    """C's integer division (towards zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _int32(value: int) -> int:
    """A C ``int`` assigned a wider value (the low 32 bits, signed)."""
    return (value + (1 << 31)) % (1 << 32) - (1 << 31)


def _llsqrt(a: int) -> int:
    x = a
    if x > 0:
        prev = LONG_MAX
        while x < prev:
            prev = x
            x = (x + a // x) // 2
    return x


def format_time(triptime: int) -> str:
    """`` time=...`` of a reply line from the round trip in microseconds."""
    if triptime >= 100000 - 50:
        return f" time={(triptime + 500) // 1000} ms"
    if triptime >= 10000 - 5:
        return f" time={(triptime + 50) // 1000}.{((triptime + 50) % 1000) // 100} ms"
    if triptime >= 1000:
        return f" time={(triptime + 5) // 1000}.{((triptime + 5) % 1000) // 10:02d} ms"
    return f" time={triptime // 1000}.{triptime % 1000:03d} ms"


class Pinger:
    """One run of ping: ``run()`` sends, waits and prints, and returns the exit status."""

    def __init__(self, host: Host, cfg: PingConfig, io: Io, ident: int | None = None) -> None:
        self.host = host
        self.lab = host.lab
        self.env = host.lab.env
        self.cfg = cfg
        self.io = io
        self.write = io.write
        self.interval = cfg.interval
        self.timing = cfg.size >= _TIMEVAL
        self.data = echo_data(cfg.size, cfg.fill) if cfg.size + 28 <= 0xFFFF else b""
        self.ntransmitted = self.nreceived = self.nrepeats = self.nerrors = 0
        self.acked = 0
        self.pipesize = -1
        self.tmin, self.tmax, self.tsum, self.tsum2, self.rtt = LONG_MAX, 0, 0.0, 0.0, 0
        self.rcvd = bytearray(0x10000)
        self.sent_at: dict[int, float] = {}
        self.cur_time: int | None = None
        self.start_time = 0
        self.tokens = 0
        self.exiting = False
        self.waittime = 0
        self.confirm = False
        self.eperm: tuple[int, float, str] | None = None  # a send netfilter refused
        self.busy_until = 0.0
        self.waiting = False
        self.wake_on_reply = False
        self.finished = False
        self.proc: simpy.Process | None = None
        ns = host.ns
        if ident is None:
            ident = self.lab.rng.getrandbits(16)
            while ident in ns.ipv4.ping_sockets:
                ident = (ident + 1) & 0xFFFF
        self.ident = ident
        self.sock = PingSocket(ns, ident, self._on_reply, self._on_error)

    # ------------------------------------------------------------------ the run
    def run(self) -> int:
        """Send, wait, print; the status ping exits with (time passes meanwhile).

        At a terminal Ctrl-C ends the run as SIGINT ends iputils' (``sigexit``): no more
        requests, then the statistics."""
        self.proc = self.lab.process(self._main_loop())
        terminal = self.io.terminal
        try:
            if terminal is None:
                self.lab.run_until(self.proc)
            else:
                with terminal.on_interrupt(self._alarm):
                    self.lab.run_until(self.proc)
        finally:
            self.finished = True
            self.sock.close()
        return self._finish()

    def _main_loop(self):
        cfg = self.cfg
        self.start_time = _ns(self.env.now)
        if cfg.deadline:
            # armed before the first request goes, so a request due at the deadline
            # itself (-w 3 -i 0.3: the eleventh) is one the real ping never sends
            self.lab.clock.call_later(cfg.deadline - 1e-6, self._alarm)
        npackets = cfg.count
        while True:
            if self.exiting:
                break
            if npackets and self.nreceived + self.nerrors >= npackets:
                break
            if cfg.deadline and self.nerrors:
                break
            if self.env.now < self.busy_until:  # still busy with the last request
                yield self.env.timeout(self.busy_until - self.env.now)
                continue
            burst = 0
            while True:
                nxt = self._schedule_exit(self._pinger())
                if nxt > 0:
                    break
                burst += 1
                if burst >= 64:  # a burst without end (-i -1 -w 5): let the time it takes pass
                    break
            if nxt <= 0:
                nxt = 0
            elif self.cfg.adaptive or nxt < max(self.interval, MININTERVAL):
                self.wake_on_reply = True
                if nxt <= MININTERVAL and self._in_flight():
                    nxt = MININTERVAL
            else:  # a blocking recvmsg(): a reply matters when the gap waits for it
                self.wake_on_reply = not self.interval
            self.waiting = True
            with contextlib.suppress(simpy.Interrupt):  # woken by a reply or an alarm
                yield self.env.timeout(nxt / 1000)
            self.waiting = False

    def _wake(self) -> None:
        if self.waiting and self.proc is not None and not self.finished:
            self.waiting = False
            self.proc.interrupt()

    def _alarm(self) -> None:
        """SIGALRM: the deadline, or the end of the wait after the last request (and
        SIGINT, Ctrl-C at a terminal: iputils handles both with ``sigexit``)."""
        if not self.finished:
            self.exiting = True
            self._wake()

    def _schedule_exit(self, nxt: int) -> int:
        cfg = self.cfg
        if not (cfg.count and self.ntransmitted >= cfg.count and not cfg.deadline):
            return nxt
        if self.waittime:
            return nxt
        if self.nreceived:
            waittime = 2 * self.tmax
            floor = (1000 * self.interval) % (1 << 64)  # 1000 * (unsigned long)interval
            if waittime < floor:
                waittime = floor
        else:
            waittime = cfg.linger * 1000
        if nxt < 0 or nxt < waittime // 1000:
            nxt = _int32(waittime // 1000)  # C's int, as iputils assigns it
        self.waittime = waittime
        if waittime:
            self.lab.clock.call_later(min(waittime, 1 << 62) / 1e6, self._alarm)
        return nxt

    def _in_flight(self) -> int:
        diff = (self.ntransmitted - self.acked) & 0xFFFF
        if diff <= 0x7FFF:
            return diff
        return self.ntransmitted - self.nreceived - self.nerrors

    def _acknowledge(self, seq: int) -> None:
        diff = (self.ntransmitted - seq) & 0xFFFF
        if diff <= 0x7FFF:
            if diff + 1 > self.pipesize:
                self.pipesize = diff + 1
            step = (seq - self.acked) & 0xFFFF
            if 0 < step < 0x8000 or (self.ntransmitted & 0xFFFF) - self.acked > 0x7FFF:
                self.acked = seq

    def _advance(self) -> None:
        self.ntransmitted += 1
        if (self.ntransmitted & 0xFFFF) - self.acked > 0x7FFF:
            self.acked = (self.ntransmitted + 1) & 0xFFFF

    def _pinger(self) -> int:
        """Send the next request if its time has come; ms until the next one may go."""
        cfg = self.cfg
        if self.exiting or (cfg.count and self.ntransmitted >= cfg.count and not cfg.deadline):
            return 1000
        interval = self.interval
        now = _ns(self.env.now)
        if self.cur_time is None:
            self.cur_time = now
            self.tokens = interval * (cfg.preload - 1)
        else:
            ntokens = _since_ms(now, self.cur_time)
            if not interval and ntokens < MININTERVAL and self._in_flight() >= cfg.preload:
                return MININTERVAL - ntokens
            ntokens += self.tokens
            most = interval * cfg.preload
            if most < ntokens:
                ntokens = most
            if ntokens < interval:
                return interval - ntokens
            self.cur_time = now
            self.tokens = ntokens - interval
        if cfg.outstanding and self.ntransmitted > 0 \
                and not self.rcvd[self.ntransmitted & 0xFFFF]:
            self._stamp()
            self.write(f"no answer yet for icmp_seq={self.ntransmitted % 0x10000}\n")
        seq = (self.ntransmitted + 1) & 0xFFFF
        self.rcvd[seq] = 0
        self.busy_until = max(self.busy_until, self.env.now) + SEND_COST
        error = self._send(seq)
        if error is None:
            self._advance()
            if not cfg.quiet and cfg.flood:
                self.write(".")
            return interval - self.tokens
        self._advance()  # a hard local error: pretend it was sent
        if error and not cfg.quiet:
            if cfg.flood:
                self.write("E")
            else:
                self.io.error(f"ping: sendmsg: {error}\n")
        self.tokens = 0
        return max(interval, MININTERVAL)

    def _send(self, seq: int) -> str | None:
        """sendto(): None when sent, else the error's text ("" when nothing is printed)."""
        cfg = self.cfg
        size = cfg.size
        if size + 8 > 0xFFFF:  # ping_v4_sendmsg(): EMSGSIZE, nothing queued
            return ""
        mtu = 0xFFFF if size + 28 > 0xFFFF else cfg.mtu
        if mtu is not None and size + 28 > mtu:
            # ip_append_data(): EMSGSIZE, and a local error queued (IP_RECVERR)
            if not cfg.quiet:
                self.nerrors += 1
                if cfg.flood:
                    self.write("E")
                else:
                    self.io.error(f"ping: local error: message too long, mtu={mtu}\n")
            return ""
        self.sent_at[seq] = self.env.now
        # iputils sends with MSG_CONFIRM after a reply (self.confirm), but on its raw
        # socket the kernel confirms the neighbour only with MSG_PROBE: no effect
        # (recorded: fid_net_neigh_reachable, an entry pinged every 0.2 s still expires).
        self.confirm = False
        try:
            if cfg.ttl is None and cfg.src is None and cfg.route is None:
                self.sock.send_echo(cfg.dst, seq, self.data, oif=cfg.oif)
            else:
                self.host.ns.ipv4.output(
                    cfg.dst, IPPROTO_ICMP, icmp.echo(self.ident, seq, self.data),
                    src=cfg.src, ttl=cfg.ttl, df=True,
                    oif=cfg.oif, func="ping_v4_sendmsg", route=cfg.route,
                    eperm=True)
        except NfDropped as e:
            # An OUTPUT rule dropped it (EPERM). iputils looks at the error queue: a REJECT
            # put its ICMP error there within the send, and then ping says "sendmsg:" after
            # printing that error (see _on_error); after a DROP the queue is empty and the
            # failure goes unreported.
            self.eperm = (seq, self.env.now, e.strerror)
            return ""
        except NoRoute as e:
            return e.strerror or "Network is unreachable"
        return None

    def _stamp(self) -> None:
        if self.cfg.timestamps:
            t = round(wall_clock(self.env.now) * 1e6)
            self.write(f"[{t // 1_000_000}.{t % 1_000_000:06d}] ")

    # ------------------------------------------------------------------ receiving
    def _on_reply(self, ip, msg) -> None:
        if self.finished:
            return
        cfg = self.cfg
        seq = msg.seq
        cc = len(msg.data) + 8
        self.nreceived += 1
        self._acknowledge(seq)
        triptime = 0
        if self.timing and cc >= 8 + _TIMEVAL:
            sent = self.sent_at.get(seq)
            if sent is not None:
                triptime = round((self.env.now - sent) * 1e6)
            self.tsum += triptime
            self.tsum2 += float(triptime * triptime)
            if triptime < self.tmin:
                self.tmin = triptime
            if triptime > self.tmax:
                self.tmax = triptime
            if not self.rtt:
                self.rtt = triptime * 8
            else:
                self.rtt += triptime - self.rtt // 8
            if cfg.adaptive:
                self._update_interval()
        dup = False
        if self.rcvd[seq]:
            self.nrepeats += 1
            self.nreceived -= 1
            dup = True
        else:
            self.rcvd[seq] = 1
        self.confirm = True
        if not cfg.quiet:
            if cfg.flood:
                self.write("\b \b\a" if cfg.audible else "\b \b")
            else:
                self._stamp()
                line = f"{cc} bytes from {self._pr_addr(ip.src)}: icmp_seq={seq}"
                if cfg.verbose:
                    line += f" ident={self.ident}"
                line += f" ttl={ip.ttl}"
                if cc < cfg.size + 8:
                    line += " (truncated)\n"
                else:
                    if self.timing:
                        line += format_time(triptime)
                    if dup and (not cfg.multicast or cfg.verbose):
                        line += " (DUP!)"
                    if ip.src != cfg.dst and not cfg.multicast:
                        line += " (DIFFERENT ADDRESS!)"
                    line += "\a\n" if cfg.audible else "\n"
                self.write(line)
        if self.wake_on_reply or (cfg.count and self.nreceived + self.nerrors >= cfg.count):
            self._wake()

    def _on_error(self, src: bytes, msg, seq: int) -> None:
        if self.finished:
            return
        cfg = self.cfg
        self._acknowledge(seq)
        self.nerrors += 1
        if not cfg.quiet:
            if cfg.flood:
                self.write("\bE")
            else:
                self._stamp()
                self.write(f"From {self._pr_addr(src)} icmp_seq={seq} {icmp_error_text(msg)}\n")
        if self.eperm is not None and self.eperm[:2] == (seq, self.env.now):
            if not cfg.quiet:  # the send failed, and receive_error() found this error
                if cfg.flood:
                    self.write("E")
                else:
                    self.io.error(f"ping: sendmsg: {self.eperm[2]}\n")
            self.eperm = None
        self._wake()

    def _pr_addr(self, addr: bytes) -> str:
        """pr_addr(): ``name (address)`` when getnameinfo() finds a name, else the address."""
        text = ip_ntoa(addr)
        names = self.cfg.names
        name = names.get(addr) if names is not None else None
        return f"{name} ({text})" if name else text

    def _update_interval(self) -> None:
        """-A: the interval follows the round trip (update_interval(); root has no floor)."""
        est = self.rtt // 8 if self.rtt else self.interval * 1000
        self.interval = _c_div(est + 500, 1000)

    # ------------------------------------------------------------------ the end
    def _finish(self) -> int:
        """The statistics block; the exit status."""
        start = self.start_time
        cur = self.cur_time if self.cur_time is not None else start
        elapsed_ns = cur - start
        sec, nsec = divmod(elapsed_ns, 1_000_000_000)
        out = [f"\n--- {self.cfg.target} ping statistics ---\n",
               f"{self.ntransmitted} packets transmitted, {self.nreceived} received"]
        if self.nrepeats:
            out.append(f", +{self.nrepeats} duplicates")
        if self.nerrors:
            out.append(f", +{self.nerrors} errors")
        if self.ntransmitted:
            lost = (self.ntransmitted - self.nreceived) * 100.0 / self.ntransmitted
            loss = struct.unpack("f", struct.pack("f", lost))[0]
            out.append(f", {loss:g}% packet loss, time {1000 * sec + (nsec + 500000) // 1000000}ms")
        out.append("\n")
        comma = ""
        if self.nreceived and self.timing:
            total = self.nreceived + self.nrepeats
            tmavg = int(self.tsum / total)
            if self.tsum < 0x7FFFFFFF:
                tmvar = int((self.tsum2 - (self.tsum * self.tsum) / total) / total)
            else:
                tmvar = int(self.tsum2 / total) - tmavg * tmavg
            tmdev = _llsqrt(tmvar)
            out.append("rtt min/avg/max/mdev = " + "/".join(
                f"{v // 1000}.{v % 1000:03d}" for v in (self.tmin, tmavg, self.tmax, tmdev))
                + " ms")
            comma = ", "
        if self.pipesize > 1:
            out.append(f"{comma}pipe {self.pipesize}")
            comma = ", "
        if self.nreceived and (not self.interval or self.cfg.flood or self.cfg.adaptive) \
                and self.ntransmitted > 1:
            ipg = _int32((1000000 * sec + nsec // 1000) // (self.ntransmitted - 1))
            out.append(f"{comma}ipg/ewma {ipg // 1000}.{ipg % 1000:03d}/"
                       f"{self.rtt // 8000}.{(self.rtt // 8) % 1000:03d} ms")
        out.append("\n")
        self.write("".join(out))
        deadline_short = self.cfg.deadline and self.nreceived < self.cfg.count
        return 1 if not self.nreceived or deadline_short else 0
