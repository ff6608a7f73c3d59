"""Classic pcap files: what ``tcpdump -w`` writes and Wireshark opens.

A pcap file is a 24-byte global header followed by one record per frame::

    global header  magic a1b2c3d4, version 2.4, thiszone 0, sigfigs 0,
                   snaplen 262144, network (the link type)
    record header  ts_sec, ts_usec, incl_len, orig_len   (then incl_len bytes)

All integers are little-endian here (the magic tells a reader which order was used).
The link type says how to decode each record: ``1`` (LINKTYPE_ETHERNET) for frames
that start with an Ethernet header, ``101`` (LINKTYPE_RAW) for a tun device, whose
"frames" are bare IPv4 packets.

Timestamps are the simulated time mapped to the wall clock every host agrees on
(:func:`netsim.user.process.wall_clock`: simulated 0 s is 2025-01-01 09:50:00 UTC), so
Wireshark shows the same clock times as ``tcpdump`` in the host's shell does.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from netsim.engine.clock import wall_clock

if TYPE_CHECKING:
    from netsim.stack.capture import Capture, CapturedFrame

PCAP_MAGIC = 0xA1B2C3D4
"""Microsecond-resolution pcap; a nanosecond file would use 0xa1b23c4d."""
SNAPLEN = 262144
"""tcpdump's default snapshot length: no frame is ever cut short."""
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101

LINK_TYPES: dict[str, int] = {"ether": LINKTYPE_ETHERNET, "raw": LINKTYPE_RAW}
"""``Capture.link_type`` -> the pcap link-type number."""

_GLOBAL = struct.Struct("<IHHiIII")
_RECORD = struct.Struct("<IIII")


def link_type_number(link_type: str | int) -> int:
    """``"ether"`` -> 1, ``"raw"`` -> 101; a number is returned as it is."""
    if isinstance(link_type, int):
        return link_type
    try:
        return LINK_TYPES[link_type]
    except KeyError:
        raise ValueError(f"unknown link type {link_type!r} (want 'ether' or 'raw')") from None


def timestamp(sim_seconds: float) -> tuple[int, int]:
    """Simulated seconds -> the record's ``(ts_sec, ts_usec)``, in whole microseconds.

    Computed in integer microseconds, so a frame at 0.3 s gets usec 300000 exactly
    (adding 0.3 to a float near 1.7e9 would round it away).
    """
    micros = round(wall_clock(0.0) * 1_000_000) + round(sim_seconds * 1_000_000)
    return divmod(micros, 1_000_000)


def pcap_bytes(frames: Iterable[CapturedFrame], link_type: str | int) -> bytes:
    """The whole pcap file as bytes: global header, then one record per frame."""
    parts = [_GLOBAL.pack(PCAP_MAGIC, 2, 4, 0, 0, SNAPLEN, link_type_number(link_type))]
    for frame in frames:
        sec, usec = timestamp(frame.time)
        data = frame.data[:SNAPLEN]
        parts.append(_RECORD.pack(sec, usec, len(data), len(frame.data)))
        parts.append(data)
    return b"".join(parts)


def write_pcap(path: str | Path, frames: Iterable[CapturedFrame], link_type: str | int) -> Path:
    """Write ``frames`` to a pcap file at ``path`` (on the real disk); returns the path."""
    path = Path(path)
    path.write_bytes(pcap_bytes(frames, link_type))
    return path


def save(capture: Capture, path: str | Path) -> Path:
    """Write what ``capture`` has seen so far, with its device's link type."""
    return write_pcap(path, capture.frames, capture.link_type)


@dataclass(frozen=True, slots=True)
class PcapRecord:
    """One frame read back from a file: wall-clock time (Unix seconds) and bytes."""

    ts_sec: int
    ts_usec: int
    data: bytes
    orig_len: int


def parse_pcap(blob: bytes) -> tuple[int, list[PcapRecord]]:
    """Read a classic pcap file (either byte order, microsecond magic):
    ``(link type number, records)``. Raises ValueError if it is not one."""
    if len(blob) < _GLOBAL.size:
        raise ValueError("truncated dump file; tried to read 4 file header bytes, only got "
                         f"{len(blob)}")
    for order in "<>":
        magic = struct.unpack_from(order + "I", blob)[0]
        if magic == PCAP_MAGIC:
            break
    else:
        raise ValueError("bad dump file format")
    _, _, _, _, _, _, network = struct.unpack_from(order + "IHHiIII", blob)
    record = struct.Struct(order + "IIII")
    records: list[PcapRecord] = []
    offset = _GLOBAL.size
    while offset + record.size <= len(blob):
        sec, usec, incl, orig = record.unpack_from(blob, offset)
        offset += record.size
        records.append(PcapRecord(sec, usec, blob[offset:offset + incl], orig))
        offset += incl
    return network, records
