"""A device's counters read like a dict and count like attributes (netsim.stack.devstats)."""

import pytest
from lab_builders import ok, two_hosts

from netsim.stack.devstats import STAT_KEYS, DeviceStats


def test_counters_start_at_zero_in_rtnl_order_and_compare_as_a_dict():
    stats = DeviceStats()
    assert list(stats) == list(STAT_KEYS)
    assert stats == dict.fromkeys(STAT_KEYS, 0)
    assert len(stats) == 12 and "rx_packets" in stats and "rx_missed_errors" not in stats


def test_a_name_and_its_attribute_are_one_counter():
    stats = DeviceStats()
    stats.rx_packets += 3
    stats["rx_packets"] += 2
    assert stats["rx_packets"] == stats.rx_packets == 5
    assert stats.get("rx_packets") == 5 and dict(stats.items())["rx_packets"] == 5


def test_a_counter_netsim_does_not_keep_is_an_error_or_the_default():
    stats = DeviceStats()
    with pytest.raises(KeyError):
        stats["rx_missed_errors"]
    with pytest.raises(KeyError):
        stats["rx_pakets"] = 1  # a typo does not make a new counter
    assert stats.get("rx_missed_errors", 0) == 0
    with pytest.raises(AttributeError):
        stats.rx_pakets = 1


def test_frames_count_on_both_ends_of_a_cable():
    lab, h1, h2 = two_hosts(seed=1)
    ok(h1, "ping -c 2 10.0.0.2")
    lab.run(1)
    tx, rx = h1.ns.get("eth0").stats, h2.ns.get("eth0").stats
    assert tx.tx_packets == rx.rx_packets >= 3  # an ARP request and 2 echo requests
    # the ARP request leaves as 42 bytes and arrives padded to 60
    assert rx["rx_bytes"] == tx["tx_bytes"] + 18 > 18
    assert f"{rx['rx_packets']}" in h2.sh("cat /proc/net/dev").stdout
