"""The ping program (iputils): echo requests out, replies and errors back, statistics.

It runs as a simpy process in the host: it sends one echo request per interval,
collects replies (and ICMP errors such as "Destination Host Unreachable") through
its ICMP socket, and after the last request waits up to the linger time (``-W``,
10 s by default) for what is still missing. Simulated time passes meanwhile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.packets import icmp
from netsim.packets.addr import ip_ntoa
from netsim.stack.ipv4 import NoRoute
from netsim.stack.sockets import PingSocket

if TYPE_CHECKING:
    from netsim.host import Host

_UNREACH_TEXT = {0: "Destination Net Unreachable", 1: "Destination Host Unreachable",
                 2: "Destination Protocol Unreachable", 3: "Destination Port Unreachable",
                 13: "Packet filtered"}


@dataclass
class PingRun:
    """What one run of ping saw: the lines it printed and its statistics."""

    target: str
    size: int
    lines: list[str] = field(default_factory=list)
    transmitted: int = 0
    received: int = 0
    errors: int = 0
    rtts: list[float] = field(default_factory=list)
    start: float = 0.0
    end: float = 0.0
    error_text: str | None = None  # a fatal error (no route...) before anything was sent


def format_rtt(ms: float) -> str:
    """iputils' precision: 3 decimals under 1 ms, 2 under 10, 1 under 100, none above."""
    if ms < 1:
        return f"{ms:.3f}"
    if ms < 10:
        return f"{ms:.2f}"
    if ms < 100:
        return f"{ms:.1f}"
    return f"{ms:.0f}"


def run_ping(host: Host, dst: bytes, *, count: int, interval: float = 1.0,
             linger: float = 10.0, size: int = 56, oif=None, quiet: bool = False) -> PingRun:
    """Run ``ping -c count`` to ``dst`` and return what it printed (time advances)."""
    lab = host.lab
    ns = host.ns
    run = PingRun(ip_ntoa(dst), size, start=lab.now)
    ident = lab.rng.getrandbits(16)
    while ident in ns.ipv4.ping_sockets:
        ident = (ident + 1) & 0xFFFF
    sent_at: dict[int, float] = {}
    answered: set[int] = set()
    confirm = [False]  # iputils sends with MSG_CONFIRM after a reply: the neighbour is alive
    done = lab.env.event()

    def finished() -> bool:
        return run.transmitted == count and len(answered) >= count

    def on_reply(ip, msg) -> None:
        if msg.seq not in sent_at or msg.seq in answered:
            return
        answered.add(msg.seq)
        confirm[0] = True
        rtt_ms = (lab.now - sent_at[msg.seq]) * 1000
        run.rtts.append(rtt_ms)
        run.received += 1
        if not quiet:
            run.lines.append(f"{len(msg.data) + 8} bytes from {ip_ntoa(ip.src)}: "
                             f"icmp_seq={msg.seq} ttl={ip.ttl} time={format_rtt(rtt_ms)} ms")
        if finished() and not done.triggered:
            done.succeed()

    def on_error(src: bytes, msg, seq: int) -> None:
        if seq in answered:
            return
        answered.add(seq)
        run.errors += 1
        if msg.type == icmp.DEST_UNREACH:
            text = _UNREACH_TEXT.get(msg.code, f"Dest Unreachable, Bad Code: {msg.code}")
        else:
            text = "Time to live exceeded"
        if not quiet:
            run.lines.append(f"From {ip_ntoa(src)} icmp_seq={seq} {text}")
        if finished() and not done.triggered:
            done.succeed()

    sock = PingSocket(ns, ident, on_reply, on_error)
    payload = bytes(8) + bytes((i & 0xFF) for i in range(8, size)) if size >= 8 else bytes(size)

    def program():
        try:
            for seq in range(1, count + 1):
                sent_at[seq] = lab.now
                run.transmitted += 1
                sock.send_echo(dst, seq, payload, oif=oif, confirm=confirm[0])
                confirm[0] = False
                run.end = lab.now
                if seq < count:
                    yield lab.env.timeout(interval)
            if not finished():
                yield done | lab.env.timeout(linger)
        finally:
            sock.close()

    try:
        proc = lab.process(program())
        lab.run_until(proc)
    except NoRoute:
        sock.close()
        run.error_text = "ping: connect: Network is unreachable"
    return run


def statistics(run: PingRun) -> str:
    """The closing block iputils prints."""
    lost = run.transmitted - run.received
    loss = math.floor(lost * 100 / run.transmitted) if run.transmitted else 0
    elapsed = round((run.end - run.start) * 1000)
    errors = f", +{run.errors} errors" if run.errors else ""
    out = [f"--- {run.target} ping statistics ---",
           f"{run.transmitted} packets transmitted, {run.received} received{errors}, "
           f"{loss}% packet loss, time {elapsed}ms"]
    if run.rtts:
        n = len(run.rtts)
        mean = sum(run.rtts) / n
        mdev = math.sqrt(max(sum(r * r for r in run.rtts) / n - mean * mean, 0.0))
        out.append(f"rtt min/avg/max/mdev = {min(run.rtts):.3f}/{mean:.3f}/{max(run.rtts):.3f}/"
                   f"{mdev:.3f} ms")
    return "\n".join(out) + "\n"
