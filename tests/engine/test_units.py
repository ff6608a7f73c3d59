"""Kernel time units: seconds -> jiffies -> clock_t and back, rounded as the kernel rounds."""

from netsim.engine import units


def test_clock_conversions_round_through_jiffies() -> None:
    assert units.clock_t(300.0) == 30000
    assert units.seconds_from_clock_t(7) == 0.068  # 17 jiffies
    assert units.clock_t(units.seconds_from_clock_t(7)) == 6
    assert units.elapsed_clock_t(1.519) == 151
