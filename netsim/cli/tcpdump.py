"""``tcpdump`` as 4.99.3 prints it: one line per frame for ARP, ICMP, UDP and TCP over IPv4.

``tcpdump -i DEV [-e] [-n] [-p] [-c N] [-w FILE] [-r FILE]``. The capture is a
:class:`~netsim.stack.capture.Capture` (an AF_PACKET socket on the device): it sees
frames as they arrive, before a bridge takes them, and as they leave. Like the real
one, tcpdump puts the device in promiscuous mode unless ``-p`` is given.

A real tcpdump runs until Ctrl-C. In ``host.sh`` there is no Ctrl-C, so in the
foreground it needs ``-c N``: simulated time passes until N frames have arrived (or
60 simulated seconds, then it gives up and says so). Without ``-c`` it refuses and
suggests ``host.spawn("tcpdump ...")``, which runs it in the background until
``p.kill()``; SIGTERM and SIGINT make it print its statistics and exit 0, as Ctrl-C does.

``-w FILE`` writes a pcap file into the host's file system (bytes stored one per
character, latin-1) and ``-r FILE`` reads one back. Times are the host's wall clock,
:func:`netsim.user.process.wall_clock` of simulated time, printed in UTC.

TCP prints as tcpdump does, with sequence numbers relative to each conversation's
first ACKed segment (:func:`netsim.packets.summary.describe_tcp`).

Not modelled: filter expressions, ``-v``, ``-X``, ``-S``, IPv6 and DNS decoding (a UDP
datagram to port 53 prints as plain UDP, where the real one decodes DNS).
"""

from __future__ import annotations

import errno
import os
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from netsim.cli.cnum import c_argv
from netsim.packets.summary import SeqState, describe_tcp
from netsim.stack.capture import Capture, CapturedFrame
from netsim.stack.pcap import (
    LINKTYPE_ETHERNET,
    LINKTYPE_RAW,
    SNAPLEN,
    parse_pcap,
    pcap_bytes,
    timestamp,
)
from netsim.user.getopt import GetoptError, getopt_long
from netsim.user.io import Io
from netsim.user.process import SIGINT, SIGTERM, wall_clock
from netsim.user.strtol import strtol

if TYPE_CHECKING:
    from netsim.host import Host
    from netsim.user.process import Process

FOREGROUND_LIMIT = 60.0
"""Simulated seconds a foreground ``tcpdump -c N`` waits before giving up."""

USAGE = """tcpdump version 4.99.3
libpcap version 1.10.3 (with TPACKET_V3)
OpenSSL 3.0.19 27 Jan 2026
Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]
\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]
\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]
\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]
\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]
\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]
\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]
\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]
"""
_WITH_ARG = "BcCEFGijMQrsTVwWyzZ"  # tcpdump's options that take an argument
_FLAGS = "AbdDefhHIJKlLnNOpqStuUvxX#"
_SHORTOPTS = _FLAGS + "".join(f"{c}:" for c in _WITH_ARG)  # getopt's option string
_MODELLED = set("ciwrenp")

_LINK_NAMES = {LINKTYPE_ETHERNET: "EN10MB (Ethernet)", LINKTYPE_RAW: "RAW (Raw IP)"}
VERBOSE_HINT = "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n"


class TcpdumpError(Exception):
    """An error tcpdump reports before capturing: message (stderr) and exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


# ============================================================================ options
def parse_args(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """getopt-style options (``-en``, ``-c3``, ``-c 3``) and the filter expression."""
    try:
        options, rest = getopt_long("tcpdump", argv[1:], _SHORTOPTS, {})
    except GetoptError as err:
        if err.kind == GetoptError.UNRECOGNIZED:  # none of the long options is modelled
            raise TcpdumpError(f"tcpdump: netsim: option {err.option} is not modelled",
                               2) from None
        raise TcpdumpError(f"{err}{USAGE}") from None
    opts = {name[1:]: value or "" for name, value in options}
    for letter in opts:
        if letter not in _MODELLED:
            raise TcpdumpError(f"tcpdump: netsim: option -{letter} is not modelled "
                               "(try -e, -n, -p, -c N, -w FILE, -r FILE)", 2)
    if rest:
        raise TcpdumpError(f"tcpdump: netsim: filter expressions ({' '.join(rest)!r}) are "
                           "not modelled; capture everything and read the lines", 2)
    if "c" in opts and packet_count(opts["c"]) <= 0:
        raise TcpdumpError(f"tcpdump: invalid packet count {opts['c']}")
    return opts, rest


def packet_count(text: str) -> int:
    """``-c``: ``atoi()``, a C long cut to an int -- ``12abc`` is 12, ``0x10`` and 2^32
    are 0, 2^31 and 5,000 digits are negative (then "invalid packet count")."""
    parsed = strtol(text, 10)
    if parsed is None:
        return 0
    value = parsed.value & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


# ============================================================================ printing
OUI_NAMES: dict[int, str] = {
    0x000000: "Ethernet", 0x00000C: "Cisco", 0x00005E: "IANA", 0x000081: "Nortel Networks SONMP",
    0x0000F8: "Cisco bridged", 0x0080C2: "Ethernet bridged", 0x00A03E: "ATM Forum",
    0x00E02F: "DOCSIS Spanning Tree", 0x080007: "Appletalk", 0x009069: "Juniper",
    0x080009: "Hewlett-Packard", 0x00120F: "IEEE 802.3 Private", 0x0012BB: "ANSI/TIA",
    0x001B21: "DCBX", 0x002320: "Nicira Networks", 0x5C16C7: "Big Switch Networks",
    0xB0D2F5: "Vello Systems", 0x002481: "HP", 0x0004EA: "HP-Labs",
}
"""tcpdump's small built-in OUI table (oui.c), used for ``(oui ...)`` without ``-n``."""

_ETHERTYPES = {0x0800: "IPv4", 0x0806: "ARP", 0x86DD: "IPv6", 0x8100: "802.1Q"}
# print-icmp.c's unreach2str: the words for each destination unreachable code
_UNREACH = {0: "net {} unreachable", 1: "host {} unreachable",
            5: "{} unreachable - source route failed", 6: "net {} unreachable - unknown",
            7: "host {} unreachable - unknown", 8: "{} unreachable - source host isolated",
            9: "net {} unreachable - admin prohibited",
            10: "host {} unreachable - admin prohibited",
            11: "net {} unreachable - tos prohibited", 12: "host {} unreachable - tos prohibited",
            13: "host {} unreachable - admin prohibited filter",
            14: "host {} unreachable - host precedence violation",
            15: "host {} unreachable - precedence cutoff"}


def mac_text(mac: bytes, numeric: bool) -> str:
    """``02:00:00:00:00:01 (oui Unknown)``; ``Broadcast``; with -n just the hex."""
    text = ":".join(f"{b:02x}" for b in mac)
    if numeric:
        return text
    if mac == b"\xff" * 6:
        return "Broadcast"
    return f"{text} (oui {OUI_NAMES.get(int.from_bytes(mac[:3], 'big'), 'Unknown')})"


def _ip(addr: bytes) -> str:
    return ".".join(str(b) for b in addr)


def timestamp_text(wall: tuple[int, int]) -> str:
    """``HH:MM:SS.micro`` in UTC from ``(sec, usec)`` -- the same rounding as the pcap
    records (:func:`netsim.stack.pcap.timestamp`), so live and ``-r`` lines agree."""
    sec, usec = wall
    return datetime.fromtimestamp(sec, UTC).strftime("%H:%M:%S") + f".{usec:06d}"


def hex_and_ascii(data: bytes) -> str:
    """tcpdump's hex dump (``\\n\\t0x0000:  6162 6364 ...  abcd``), 16 bytes a line."""
    lines = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = "".join(f" {chunk[k]:02x}{chunk[k + 1]:02x}" if k + 1 < len(chunk)
                        else f" {chunk[k]:02x}" for k in range(0, len(chunk), 2))
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"\n\t0x{off:04x}: {hexes:<40}  {text}")
    return "".join(lines)


def arp_text(arp: bytes, numeric: bool) -> str:
    """``Request who-has 10.0.0.2 tell 10.0.0.1, length 28`` (and the Reply form)."""
    if len(arp) < 28:
        return f"[|ARP], length {len(arp)}"
    op = struct.unpack_from("!H", arp, 6)[0]
    sha, spa, tpa = arp[8:14], arp[14:18], arp[24:28]
    if op == 1:
        return f"Request who-has {_ip(tpa)} tell {_ip(spa)}, length {len(arp)}"
    if op == 2:
        return f"Reply {_ip(spa)} is-at {mac_text(sha, numeric)}, length {len(arp)}"
    return f"arp-#{op} for proto type 0x0800 length {len(arp)}"  # rarely seen


def _icmp_text(payload: bytes) -> str:
    icmp_type, code = payload[0], payload[1]
    length = len(payload)
    if icmp_type in (0, 8) and len(payload) >= 8:
        ident, seq = struct.unpack_from("!HH", payload, 4)
        kind = "echo request" if icmp_type == 8 else "echo reply"
        return f"ICMP {kind}, id {ident}, seq {seq}, length {length}"
    if icmp_type == 3 and len(payload) >= 28:
        inner = payload[8:]
        dst = _ip(inner[16:20])
        if code in _UNREACH:
            return f"ICMP {_UNREACH[code].format(dst)}, length {length}"
        if code == 3:
            ihl = (inner[0] & 0x0F) * 4
            if len(inner) >= ihl + 4:
                dport = struct.unpack_from("!H", inner, ihl + 2)[0]
                proto = {17: "udp", 6: "tcp"}.get(inner[9])
                if proto is not None:
                    return f"ICMP {dst} {proto} port {dport} unreachable, length {length}"
                # any other protocol: the two bytes where a port would be, as a port
                return (f"ICMP {dst} protocol {inner[9]} port {dport} unreachable, "
                        f"length {length}")
        if code == 2:
            return f"ICMP {dst} protocol {inner[9]} unreachable, length {length}"
        if code == 4:
            mtu = struct.unpack_from("!H", payload, 6)[0]
            return f"ICMP {dst} unreachable - need to frag (mtu {mtu}), length {length}"
    if icmp_type == 11:
        what = "in-transit" if code == 0 else "reassembly"
        return f"ICMP time exceeded {what}, length {length}"
    return f"ICMP type-#{icmp_type}, length {length}"


def ipv4_text(packet: bytes, seqs: SeqState | None = None) -> str:
    """``10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64`` (no ``IP``).

    ``seqs`` is one tcpdump run's memory of TCP conversations (relative numbers)."""
    if len(packet) < 20:
        return "[|ip]"
    ihl = (packet[0] & 0x0F) * 4
    total = struct.unpack_from("!H", packet, 2)[0]
    proto = packet[9]
    src, dst = _ip(packet[12:16]), _ip(packet[16:20])
    payload = packet[ihl:total]
    if proto == 1 and len(payload) >= 4:
        return f"{src} > {dst}: {_icmp_text(payload)}"
    if proto == 17 and len(payload) >= 8:
        sport, dport, ulen = struct.unpack_from("!HHH", payload)
        return f"{src}.{sport} > {dst}.{dport}: UDP, length {ulen - 8}"
    if proto == 6:
        return describe_tcp(packet[12:16], packet[16:20], payload, seqs)
    return f"{src} > {dst}: ip-proto-{proto} {len(payload)}"


def frame_text(data: bytes, link_type: int, *, numeric: bool = False,
               ether: bool = False, seqs: SeqState | None = None) -> str:
    """One frame as tcpdump prints it after the timestamp (without the newline).

    ``ether`` is ``-e`` (print the link-level header), ``numeric`` is ``-n``.
    """
    if link_type == LINKTYPE_RAW:
        return ("ip: " if ether else "IP ") + ipv4_text(data, seqs)
    if len(data) < 14:
        return f"[|ether], length {len(data)}"
    ethertype = struct.unpack_from("!H", data, 12)[0]
    payload = data[14:]
    header = (f"{mac_text(data[6:12], numeric)} > {mac_text(data[0:6], numeric)}, "
              f"ethertype {_ETHERTYPES.get(ethertype, 'Unknown')} (0x{ethertype:04x}), "
              f"length {len(data)}: ")
    if ethertype == 0x0800:
        return (header if ether else "IP ") + ipv4_text(payload, seqs)
    if ethertype == 0x0806:
        return (header if ether else "ARP, ") + arp_text(payload, numeric)
    return header + hex_and_ascii(payload)


def line(frame: CapturedFrame, link_type: int, *, numeric: bool = False,
         ether: bool = False, seqs: SeqState | None = None) -> str:
    """A captured frame as one line of tcpdump's output, with its newline."""
    return (f"{timestamp_text(timestamp(frame.time))} "
            f"{frame_text(frame.data, link_type, numeric=numeric, ether=ether, seqs=seqs)}\n")


def listening(ifname: str, link_type: int, writing: bool) -> str:
    """What tcpdump says on stderr as it starts capturing."""
    text = (f"listening on {ifname}, link-type {_LINK_NAMES[link_type]}, "
            f"snapshot length {SNAPLEN} bytes\n")
    return "tcpdump: " + text if writing else VERBOSE_HINT + text


def statistics(captured: int, received: int) -> str:
    """The three lines tcpdump prints on stderr when it stops."""
    return (f"{captured} packets captured\n{received} packets received by filter\n"
            "0 packets dropped by kernel\n")


# ============================================================================ running
def _open(host: Host, opts: dict[str, str]) -> Capture:
    """The capture ``-i``/``-p`` ask for, or TcpdumpError as tcpdump reports it."""
    name = opts.get("i")
    if name is None:
        candidates = [d for d in host.ns.in_order() if d.name != "lo" and d.admin_up]
        if not candidates:
            raise TcpdumpError("tcpdump: netsim: no interface is up; name one with -i DEV", 2)
        name = candidates[0].name
    dev = host.ns.get(name)
    if dev is None:
        raise TcpdumpError(f"tcpdump: {name}: No such device exists\n(No such device exists)")
    if not dev.admin_up:
        raise TcpdumpError(f"tcpdump: {name}: That device is not up")
    if "w" in opts:
        _create_output(host, opts["w"])
    return Capture(dev, promisc="p" not in opts)


def _create_output(host: Host, path: str) -> None:
    """pcap_dump_open(): the -w file is made (or refused) before anything is read."""
    try:
        if not path:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
        host.fs.write(host.fs.resolve(path, "/root"), "")
    except OSError as error:
        raise TcpdumpError(f"tcpdump: {path}: {error.strerror}") from None


def _link_number(cap: Capture) -> int:
    return LINKTYPE_RAW if cap.link_type == "raw" else LINKTYPE_ETHERNET


class _Notify:
    """A packet tap placed after a Capture: calls ``on_frame`` once the capture has it."""

    def __init__(self, cap: Capture, on_frame: Callable[[], None]) -> None:
        self.cap = cap
        self.on_frame = on_frame
        cap.dev.packet_taps.append(self)

    def deliver(self, data: bytes, pkttype: int) -> None:
        self.on_frame()

    def remove(self) -> None:
        if self in self.cap.dev.packet_taps:
            self.cap.dev.packet_taps.remove(self)


def _write_file(host: Host, path: str, frames: list[CapturedFrame], link_type: int) -> None:
    blob = pcap_bytes(frames, link_type)
    host.fs.write(host.fs.resolve(path, "/root"), blob.decode("latin-1"))


def _read_file(host: Host, opts: dict[str, str], io: Io) -> int:
    path = opts["r"]
    try:
        if not path:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
        blob = host.fs.read(host.fs.resolve(path, "/root")).encode("latin-1")
    except OSError as error:
        io.error(f"tcpdump: {path}: {error.strerror}\n")
        return 1
    except UnicodeEncodeError:
        io.error(f"tcpdump: {path}: bad dump file format\n")
        return 1
    try:
        link_type, records = parse_pcap(blob)
    except ValueError as error:
        io.error(f"tcpdump: {path}: {error}\n")
        return 1
    if link_type not in _LINK_NAMES:
        io.error(f"tcpdump: netsim: link type {link_type} is not modelled\n")
        return 2
    io.error(f"reading from file {path}, link-type {_LINK_NAMES[link_type]}, "
             f"snapshot length {SNAPLEN}\n")
    if "c" in opts:
        records = records[:packet_count(opts["c"])]
    if "w" in opts:
        try:
            _create_output(host, opts["w"])
        except TcpdumpError as error:
            io.error(f"{error}\n")
            return error.status
        base = wall_clock(0.0)
        frames = [CapturedFrame(r.data, "host", r.ts_sec - base + r.ts_usec / 1e6, "")
                  for r in records]
        _write_file(host, opts["w"], frames, link_type)
        return 0
    seqs: SeqState = {}
    for r in records:
        text = frame_text(r.data, link_type, numeric="n" in opts, ether="e" in opts,
                          seqs=seqs)
        io.write(f"{timestamp_text((r.ts_sec, r.ts_usec))} {text}\n")
    return 0


def main(host: Host, argv: list[str], io: Io) -> int:
    """``tcpdump`` in the foreground: needs ``-c N`` (or ``-r FILE``) to ever end."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    try:
        opts, _ = parse_args(argv)
        if "r" in opts:
            return _read_file(host, opts, io)
        if "c" not in opts:
            raise TcpdumpError(
                "tcpdump: netsim: without -c N tcpdump runs until Ctrl-C, and host.sh has "
                "no Ctrl-C.\nUse 'tcpdump -c N ...' to stop after N packets, or run it in the "
                "background with p = host.spawn('tcpdump ...') and stop it with p.kill().", 2)
        cap = _open(host, opts)
    except TcpdumpError as error:
        io.error(f"{error}\n".replace("\n\n", "\n"))
        return error.status
    count = packet_count(opts["c"])
    link_type = _link_number(cap)
    lab = host.lab
    io.error(listening(cap.dev.name, link_type, "w" in opts))
    enough = lab.env.event()

    def on_frame() -> None:
        # Only note it here: removing taps while the device walks its list of them
        # would make it skip the next one.
        if len(cap.frames) >= count and not enough.triggered:
            enough.succeed()

    notify = _Notify(cap, on_frame)
    try:
        lab.run_until(enough | lab.env.timeout(FOREGROUND_LIMIT))
    finally:
        notify.remove()
        frames = cap.stop()
    shown = frames[:count]
    if "w" in opts:
        _write_file(host, opts["w"], shown, link_type)
    else:
        seqs: SeqState = {}
        for frame in shown:
            io.write(line(frame, link_type, numeric="n" in opts, ether="e" in opts,
                          seqs=seqs))
    if not enough.triggered:
        io.write("\n")  # what an interrupted tcpdump prints, in case a line was half done
        io.error(f"tcpdump: netsim: gave up after {FOREGROUND_LIMIT:g} simulated seconds "
                 f"with {len(frames)} of {count} packets\n")
    io.error(statistics(len(shown), len(frames)))
    return 0


def background(host: Host, argv: list[str], proc: Process) -> None:
    """``host.spawn("tcpdump -i eth0")``: prints each frame as it arrives (``p.stdout``)
    until ``-c N`` frames have come or SIGTERM/SIGINT stops it (then exit 0)."""
    argv = c_argv(argv)  # execve(): each argument ends at its first NUL
    try:
        opts, _ = parse_args(argv)
        if "r" in opts:
            io = Io()
            status = _read_file(host, opts, io)
            proc.out(io.stdout)
            proc.err(io.stderr)
            proc.exit(status)
            return
        cap = _open(host, opts)
    except TcpdumpError as error:
        proc.err(f"{error}\n".replace("\n\n", "\n"))
        proc.exit(error.status)
        return
    count = packet_count(opts["c"]) if "c" in opts else None
    link_type = _link_number(cap)
    numeric, ether = "n" in opts, "e" in opts
    seqs: SeqState = {}
    proc.install_fd(f"socket:[{host.processes.new_pipe_inode()}]")
    proc.err(listening(cap.dev.name, link_type, "w" in opts))

    def finish(interrupted: bool) -> None:
        if not proc.running:
            return
        notify.remove()
        frames = cap.stop()
        shown = frames if count is None else frames[:count]
        if "w" in opts:
            _write_file(host, opts["w"], shown, link_type)
        if interrupted:
            proc.out("\n")
        proc.err(statistics(len(shown), len(frames)))
        proc.exit(0)

    def on_frame() -> None:
        if count is not None and len(cap.frames) > count:
            return
        if "w" not in opts:
            proc.out(line(cap.frames[-1], link_type, numeric=numeric, ether=ether,
                          seqs=seqs))
        if count is not None and len(cap.frames) == count:
            host.lab.call_soon(finish, False)  # not while the device walks its taps

    def on_signal(proc_: Process, sig: int, sender: Process | None) -> None:
        finish(interrupted=True)

    notify = _Notify(cap, on_frame)
    proc.on_signal(SIGTERM, on_signal)
    proc.on_signal(SIGINT, on_signal)
    proc.at_exit(lambda _: (notify.remove(), cap.stop()))  # SIGKILL: the socket closes
