"""Frame records in the oracle format: ``{"hex", "summary", "decoded"}`` (+ ``"pkttype"``).

Every frame the oracle recordings contain (read from a tap fd, or seen by an AF_PACKET
capture) is stored as a record with the raw bytes in hex, a one-line ``summary`` and a
``decoded`` dict.  This module rebuilds both from the raw bytes, so that frames produced
by netsim can be compared with the recordings field by field.

The ``decoded`` dict always starts with ``len``; then ``dst``/``src`` MACs, ``vlan`` for
an 802.1Q tag, and, depending on what the frame carries:

* Ethernet II: ``ethertype`` ("0x0806") and ``type``:
  ``arp`` (op, sha, spa, tha, tpa), ``ipv4`` (ip_src, ip_dst, ttl, proto, ip_id, df,
  then icmp_type/icmp_code [+ icmp_id, icmp_seq, icmp_data_len for echo] or
  sport/dport for TCP/UDP), ``ipv6``, ``experimental`` (0x88b5, text ``payload``);
  an ethertype not listed, or a payload too short for its protocol, has no ``type``.
* IEEE 802.3 (length instead of ethertype): ``type`` ``llc``, or ``stp`` when the LLC
  header is 42 42 (bpdu_type; root_id, root_path_cost, bridge_id, port_id, flags for a
  configuration BPDU).  These frames have no ``ethertype`` key.
* Fewer than 14 bytes: ``{"len": n, "error": "short"}``; a truncated 802.1Q header gives
  an ``error`` too.  The summary of a frame with an error is "malformed frame (n bytes)".
"""

from __future__ import annotations

from typing import Any

PKTTYPE_NAMES = ("host", "broadcast", "multicast", "otherhost", "outgoing")
"""Linux ``PACKET_*`` numbers 0..4, in order, as the recordings name them."""

_ICMP_NAMES = {0: "echo-reply", 3: "unreachable", 8: "echo-request"}
_ARP_OPS = {1: "request", 2: "reply"}


def _mac(b: bytes) -> str:
    return ":".join(f"{x:02x}" for x in b)


def _ip(b: bytes) -> str:
    return ".".join(str(x) for x in b)


def _u16(b: bytes, off: int) -> int:
    return int.from_bytes(b[off:off + 2], "big")


def _u32(b: bytes, off: int) -> int:
    return int.from_bytes(b[off:off + 4], "big")


def _bridge_id(b: bytes, off: int) -> str:
    """An STP bridge id: 2 bytes of priority, then a MAC, written ``8000.02:00:...``."""
    return f"{_u16(b, off):04x}.{_mac(b[off + 2:off + 8])}"


_TRUNCATED_VLAN = "error('unpack requires a buffer of 2 bytes')"
"""The ``error`` of a frame whose 802.1Q header is cut short (the recordings' wording)."""


def _decode_8023(payload: bytes, d: dict[str, Any]) -> None:
    """An 802.3 frame: LLC, or a spanning-tree BPDU (LLC DSAP/SSAP 0x42)."""
    d["type"] = "llc"
    if len(payload) < 3 or payload[0] != 0x42 or payload[1] != 0x42:
        return
    d["type"] = "stp"
    bpdu = payload[3:]          # after DSAP, SSAP, control
    if len(bpdu) >= 4:
        d["bpdu_type"] = bpdu[3]  # protocol id (2), version (1), type (1)
    if len(bpdu) >= 35:
        d["root_id"] = _bridge_id(bpdu, 5)
        d["root_path_cost"] = _u32(bpdu, 13)
        d["bridge_id"] = _bridge_id(bpdu, 17)
        d["port_id"] = f"{_u16(bpdu, 25):04x}"
        d["flags"] = bpdu[4]


def _decode_arp(p: bytes, d: dict[str, Any]) -> None:
    op = _u16(p, 6)
    d["type"] = "arp"
    d["op"] = _ARP_OPS.get(op, op)
    d["sha"] = _mac(p[8:14])
    d["spa"] = _ip(p[14:18])
    d["tha"] = _mac(p[18:24])
    d["tpa"] = _ip(p[24:28])


def _decode_ipv4(p: bytes, d: dict[str, Any]) -> None:
    header_len = (p[0] & 0x0F) * 4
    proto = p[9]
    d["type"] = "ipv4"
    d["ip_src"] = _ip(p[12:16])
    d["ip_dst"] = _ip(p[16:20])
    d["ttl"] = p[8]
    d["proto"] = proto
    d["ip_id"] = _u16(p, 4)
    d["df"] = bool(p[6] & 0x40)
    l4 = p[header_len:_u16(p, 2)]   # up to the IP total length: Ethernet padding excluded
    if proto == 1 and len(l4) >= 8:
        d["icmp_type"] = l4[0]
        d["icmp_code"] = l4[1]
        if l4[0] in (0, 8):
            d["icmp_id"] = _u16(l4, 4)
            d["icmp_seq"] = _u16(l4, 6)
            d["icmp_data_len"] = len(l4) - 8
    elif proto in (6, 17) and len(l4) >= 4:
        d["sport"] = _u16(l4, 0)
        d["dport"] = _u16(l4, 2)


def decode(frame: bytes) -> dict[str, Any]:
    """The ``decoded`` dict of a recorded frame (never raises)."""
    d: dict[str, Any] = {"len": len(frame)}
    if len(frame) < 14:
        d["error"] = "short"
        return d
    d["dst"] = _mac(frame[0:6])
    d["src"] = _mac(frame[6:12])
    ethertype = _u16(frame, 12)
    offset = 14
    if ethertype == 0x8100:
        if len(frame) < 16:
            d["error"] = _TRUNCATED_VLAN
            return d
        d["vlan"] = _u16(frame, 14) & 0x0FFF
        if len(frame) < 18:
            d["error"] = _TRUNCATED_VLAN
            return d
        ethertype = _u16(frame, 16)
        offset = 18
    payload = frame[offset:]
    if ethertype < 0x600:
        _decode_8023(payload, d)
        return d
    d["ethertype"] = f"0x{ethertype:04x}"
    if ethertype == 0x0806 and len(payload) >= 28:
        _decode_arp(payload, d)
    elif ethertype == 0x0800 and len(payload) >= 20:
        _decode_ipv4(payload, d)
    elif ethertype == 0x86DD:
        d["type"] = "ipv6"
    elif ethertype == 0x88B5:
        d["type"] = "experimental"
        d["payload"] = payload.rstrip(b"\0").decode("latin-1")
    return d


def _describe(d: dict[str, Any]) -> str:
    """The protocol part of a summary line (after "src > dst ")."""
    kind = d.get("type")
    if kind == "arp":
        if d["op"] == "request":
            return f"ARP who-has {d['tpa']} tell {d['spa']} ({d['sha']})"
        return f"ARP {d['spa']} is-at {d['sha']}"
    if kind == "ipv4":
        text = f"IPv4 {d['ip_src']} > {d['ip_dst']} proto {d['proto']}"
        if "icmp_type" in d:
            text += f" icmp {_ICMP_NAMES.get(d['icmp_type'], d['icmp_type'])}"
        return text
    if kind == "stp":
        return f"STP BPDU root {d.get('root_id')} bridge {d.get('bridge_id')}"
    if kind == "experimental":
        return f"0x88b5 {d.get('payload')!r}"
    if kind:
        return str(kind)
    return str(d.get("ethertype", "?"))


def summary(frame: bytes) -> str:
    """The one-line ``summary`` of a recorded frame, e.g.
    ``52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 10.0.0.2 tell 10.0.0.10 (52:...)``."""
    d = decode(frame)
    if "error" in d:
        return f"malformed frame ({len(frame)} bytes)"
    return f"{d.get('src')} > {d.get('dst')} {_describe(d)}"


def pkttype_name(pkttype: int | str) -> str:
    """``"host"``... for a ``PACKET_*`` number; names pass through unchanged."""
    if isinstance(pkttype, int) and 0 <= pkttype < len(PKTTYPE_NAMES):
        return PKTTYPE_NAMES[pkttype]
    return str(pkttype)


def frame_record(frame: bytes, pkttype: int | str | None = None) -> dict[str, Any]:
    """A frame record as stored in the expected files (``pkttype`` only for captures)."""
    rec: dict[str, Any] = {"hex": frame.hex(), "summary": summary(frame), "decoded": decode(frame)}
    if pkttype is not None:
        rec["pkttype"] = pkttype_name(pkttype)
    return rec
