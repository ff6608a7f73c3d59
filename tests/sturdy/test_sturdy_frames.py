"""Sturdy under any input: malformed frames on tap0's fd and from the cable.

Each case is a fresh lab (tap0 held open as QEMU holds it, dnsmasq on br0, echo
servers) and :data:`~sturdy_strategies.FRAMES_PER_CASE` frames: random bytes or mutated
valid Ethernet/ARP/IPv4/ICMP/UDP/TCP/DHCP frames, each written on the tap fd or arriving
on h1's or h2's cabled NIC. Nothing may raise (a tap write under 14 bytes is refused
with EINVAL, as Linux does), and afterwards the lab must still work: h1 and h2 ping
each other once what the frames taught them is forgotten.
"""

from __future__ import annotations

import pytest
from sturdy_checks import assert_no_problems, check_frames, report, save_report, sweep
from sturdy_strategies import FRAMES_PER_CASE, frame_cases

CI_FRAMES = 2000      # CI: frames, FRAMES_PER_CASE per case
SLOW_FRAMES = 10_000  # the marked slow run


def test_malformed_frames_raise_nothing_and_the_lab_keeps_working() -> None:
    result = sweep(frame_cases(), check_frames, CI_FRAMES // FRAMES_PER_CASE)
    assert result.cases * FRAMES_PER_CASE == CI_FRAMES, f"only {result.cases} cases"
    assert_no_problems(result)


@pytest.mark.slow
def test_slow_ten_thousand_frames() -> None:
    result = sweep(frame_cases(), check_frames, SLOW_FRAMES // FRAMES_PER_CASE)
    text = report(result, minimize_lines=True, limit=300)
    print(text)
    save_report("frames", text)
    assert result.cases * FRAMES_PER_CASE == SLOW_FRAMES, f"only {result.cases} cases"
    assert_no_problems(result, limit=300)
