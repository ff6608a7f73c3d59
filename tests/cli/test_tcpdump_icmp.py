"""``tcpdump -r`` on ICMP frames the real kernel sent, against what real tcpdump printed.

``tests/data/tcpdump_icmp/icmp_frames.json`` holds every ICMP frame of the recordings
``fid_net_icmp_quote``, ``fid_net_reject_types`` and ``fid_net_ping_errors`` (the
errors Linux 6.18 sent: each --reject-with type, time exceeded, protocol and port
unreachable with their quotes; and the echoes) and the lines tcpdump 4.99.3 printed for
them (``tcpdump -n -r`` and ``tcpdump -e -n -r`` on a pcap of those frames, timestamps
cut off).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

import netsim

DATA = json.loads((Path(__file__).resolve().parent.parent / "data" / "tcpdump_icmp"
                   / "icmp_frames.json").read_text())


def _pcap(frames: list[str]) -> bytes:
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    for i, text in enumerate(frames):
        raw = bytes.fromhex(text)
        out += struct.pack("<IIII", 1_700_000_000 + i, 0, len(raw), len(raw)) + raw
    return out


@pytest.mark.parametrize("opts", list(DATA["tcpdump 4.99.3"]))
def test_icmp_words_match_real_tcpdump(opts: str) -> None:
    lab = netsim.Lab(seed=0)
    host = lab.host("h")
    host.fs.write("/root/icmp.pcap", _pcap(DATA["frames"]).decode("latin-1"))
    result = host.sh(f"tcpdump {opts} -r icmp.pcap")
    assert result.returncode == 0
    lines = [line.split(" ", 1)[1] for line in result.stdout.splitlines()]
    assert lines == DATA["tcpdump 4.99.3"][opts]
