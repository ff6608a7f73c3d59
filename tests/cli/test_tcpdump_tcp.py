"""``tcpdump -n -r`` of the recorded handshake prints what tcpdump 4.99 printed for it."""

from __future__ import annotations

from pathlib import Path

from netsim.lab import Lab

DATA = Path(__file__).resolve().parents[1] / "data" / "tcp"


def test_tcp_lines_match_the_real_tcpdump_byte_for_byte():
    host = Lab().host("h")
    raw = (DATA / "handshake_client.pcap").read_bytes()
    host.fs.write("/root/c.pcap", raw.decode("latin-1"))  # the fs keeps bytes as latin-1
    result = host.sh("tcpdump -n -r /root/c.pcap")
    # recorded with `TZ=UTC tcpdump -n -r handshake_client.pcap` (tcpdump 4.99.3)
    assert result.stdout == (DATA / "tcpdump_r_client.txt").read_text()
    assert "Flags [S.], seq 1993373632, ack 1003011126, win 65160" in result.stdout
    assert "Flags [R.], seq 0, ack 1397182968, win 0, length 0" in result.stdout
