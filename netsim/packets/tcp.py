"""TCP segments (RFC 9293) as Linux 6.x puts them on the wire.

The header is 20 bytes plus options, padded to a multiple of 4::

    sport(2) dport(2) seq(4) ack(4) offset<<4(1) flags(1) window(2) checksum(2) urg(2)

The options Linux sends depend on the segment (checked against a capture of two
network namespaces, ``tests/data/tcp/handshake_client.pcap``):

* a SYN or SYN-ACK: ``mss 1460,sackOK,TS val V ecr E,nop,wscale 10`` -- 20 bytes laid
  out as ``02 04 05b4 | 04 02 | 08 0a V E | 01 | 03 03 0a`` (SACK-permitted and the
  timestamp share one 32-bit-aligned run, ``tcp_options_write``);
* every later segment: ``nop,nop,TS val V ecr E`` (12 bytes);
* a RST from ``tcp_v4_send_reset`` or iptables' REJECT: no options at all.

The checksum covers a *pseudo-header* (source and destination address, protocol 6,
the TCP length) and then the whole segment, so a NAT that rewrites an address must
fix the TCP checksum too (see :mod:`netsim.stack.netfilter.packet`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from netsim.packets.addr import MalformedPacket

FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80
IPPROTO_TCP = 6

# option kinds (include/net/tcp.h TCPOPT_*)
OPT_EOL, OPT_NOP, OPT_MSS, OPT_WINDOW, OPT_SACK_PERM, OPT_SACK, OPT_TIMESTAMP = 0, 1, 2, 3, 4, 5, 8

_HEADER = struct.Struct("!HHIIBBHHH")
_FLAG_LETTERS = ((SYN, "S"), (FIN, "F"), (PSH, "P"), (RST, "R"), (URG, "U"), (ECE, "E"),
                 (CWR, "W"))


@dataclass(slots=True)
class Options:
    """The options of one segment, parsed (None: absent)."""

    mss: int | None = None
    sack_perm: bool = False
    ts: tuple[int, int] | None = None  # (TSval, TSecr)
    wscale: int | None = None
    sack: list[tuple[int, int]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # as they appear, for tcpdump's list


@dataclass(slots=True)
class Tcp:
    sport: int
    dport: int
    seq: int
    ack: int
    flags: int
    window: int
    checksum: int
    urgent: int
    header_len: int
    options: Options
    data: bytes

    @property
    def seg_len(self) -> int:
        """Sequence space the segment takes: its data, plus one for SYN and for FIN."""
        return len(self.data) + (1 if self.flags & SYN else 0) + (1 if self.flags & FIN else 0)


# ----------------------------------------------------------------------------- options
def syn_options(mss: int, tsval: int, tsecr: int = 0, wscale: int = 10) -> bytes:
    """What Linux puts in a SYN and a SYN-ACK: MSS, SACK-permitted, timestamps, NOP, scale."""
    return (struct.pack("!BBH", OPT_MSS, 4, mss) + bytes((OPT_SACK_PERM, 2))
            + struct.pack("!BBII", OPT_TIMESTAMP, 10, tsval, tsecr)
            + bytes((OPT_NOP, OPT_WINDOW, 3, wscale)))


def ts_options(tsval: int, tsecr: int) -> bytes:
    """Every segment after the handshake: two NOPs to align, then the timestamps."""
    return struct.pack("!BBBBII", OPT_NOP, OPT_NOP, OPT_TIMESTAMP, 10, tsval, tsecr)


def parse_options(raw: bytes) -> Options:
    """tcp_parse_options(): kinds we know are read, others skipped by their length."""
    opts = Options()
    i = 0
    while i < len(raw):
        kind = raw[i]
        if kind == OPT_EOL:
            opts.order.append("eol")
            break
        if kind == OPT_NOP:
            opts.order.append("nop")
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2 or i + raw[i + 1] > len(raw):
            raise MalformedPacket(f"TCP option {kind} at offset {i} runs past the header")
        size = raw[i + 1]
        body = raw[i + 2:i + size]
        if kind == OPT_MSS and size == 4:
            opts.mss = int.from_bytes(body, "big")
            opts.order.append("mss")
        elif kind == OPT_SACK_PERM and size == 2:
            opts.sack_perm = True
            opts.order.append("sackOK")
        elif kind == OPT_TIMESTAMP and size == 10:
            opts.ts = struct.unpack("!II", body)
            opts.order.append("TS")
        elif kind == OPT_WINDOW and size == 3:
            opts.wscale = body[0]
            opts.order.append("wscale")
        elif kind == OPT_SACK and (size - 2) % 8 == 0:
            opts.sack = [struct.unpack_from("!II", body, j) for j in range(0, size - 2, 8)]
            opts.order.append("sack")
        else:
            opts.order.append(f"opt-{kind}:{size}")
        i += size
    return opts


# ----------------------------------------------------------------------------- segments
def pseudo_sum(src_ip: bytes, dst_ip: bytes, length: int) -> int:
    """The pseudo-header's contribution to the one's complement sum."""
    return int.from_bytes(src_ip + dst_ip, "big") + IPPROTO_TCP + length


def checksum(src_ip: bytes, dst_ip: bytes, segment: bytes) -> int:
    """The TCP checksum of ``segment`` (its checksum field read as zero).

    As in checksum.py, the one's complement sum of a byte string is the string read as
    one big number modulo 0xFFFF; the pseudo-header is added as a number too.
    """
    padded = segment + b"\0" if len(segment) & 1 else segment
    value = int.from_bytes(padded, "big") - (int.from_bytes(segment[16:18], "big") << (
        8 * (len(padded) - 18)))
    total = (pseudo_sum(src_ip, dst_ip, len(segment)) + value) % 0xFFFF or 0xFFFF
    return ~total & 0xFFFF


def build(src_ip: bytes, dst_ip: bytes, sport: int, dport: int, seq: int, ack: int,
          flags: int, window: int, options: bytes = b"", data: bytes = b"") -> bytes:
    """One segment with its checksum filled in (``options`` already padded to 4 bytes)."""
    if len(options) & 3:
        options += bytes(4 - (len(options) & 3))
    header_len = 20 + len(options)
    segment = _HEADER.pack(sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                           (header_len // 4) << 4, flags, window, 0, 0) + options + data
    csum = checksum(src_ip, dst_ip, segment)
    return segment[:16] + csum.to_bytes(2, "big") + segment[18:]


def verify(src_ip: bytes, dst_ip: bytes, segment: bytes) -> bool:
    """The checksum of a received segment is right (tcp_v4_rcv drops it otherwise)."""
    return checksum(src_ip, dst_ip, segment) == int.from_bytes(segment[16:18], "big")


def parse(segment: bytes) -> Tcp:
    """A segment's fields; MalformedPacket when it is shorter than its header says."""
    if len(segment) < 20:
        raise MalformedPacket(f"TCP segment of {len(segment)} bytes (needs 20)")
    sport, dport, seq, ack, offset, flags, window, csum, urgent = _HEADER.unpack_from(segment)
    header_len = (offset >> 4) * 4
    if header_len < 20 or header_len > len(segment):
        raise MalformedPacket(f"TCP data offset {header_len} does not fit {len(segment)} bytes")
    options = parse_options(segment[20:header_len])
    return Tcp(sport, dport, seq, ack, flags, window, csum, urgent, header_len, options,
               segment[header_len:])


def reset_for(src_ip: bytes, dst_ip: bytes, seg: Tcp) -> bytes | None:
    """The RST answering ``seg`` (which came from ``src_ip`` to ``dst_ip``), or None for a RST.

    tcp_v4_send_reset() and iptables' ``REJECT --reject-with tcp-reset``
    (nf_send_reset) build the same segment: if ``seg`` had an ACK, the RST takes that
    number as its own sequence number; otherwise it has sequence 0 and acknowledges
    everything ``seg`` occupied. Window 0, no options.
    """
    if seg.flags & RST:
        return None
    if seg.flags & ACK:
        return build(dst_ip, src_ip, seg.dport, seg.sport, seg.ack, 0, RST, 0)
    return build(dst_ip, src_ip, seg.dport, seg.sport, 0, seg.seq + seg.seg_len, RST | ACK, 0)


def flag_text(flags: int) -> str:
    """tcpdump's ``[S]``, ``[S.]``, ``[P.]``, ``[F.]``, ``[R.]``: letters, then '.' for ACK."""
    text = "".join(letter for bit, letter in _FLAG_LETTERS if flags & bit)
    if flags & ACK:
        text += "."
    return text or "none"
