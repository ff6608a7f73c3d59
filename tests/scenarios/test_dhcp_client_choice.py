"""A scenario can boot its guests with busybox's udhcpc instead of ISC dhclient."""

from __future__ import annotations

import pytest

from netsim import scenarios


def test_udhcpc_guests_lease_the_same_network():
    lab = scenarios.nat(vms=1, dhcp_client="udhcpc")
    assert "vm1$ udhcpc -i eth0" in str(lab.history())
    guest = lab.vm("vm1")
    addr = guest.sh("ip -4 -o addr show eth0").stdout.split()[3]
    assert addr.startswith("192.168.122.") and addr.endswith("/24")
    assert guest.sh("ip route show default").stdout.startswith("default via 192.168.122.1 ")
    assert "nameserver 192.168.122.1" in guest.sh("cat /etc/resolv.conf").stdout
    assert scenarios.reachability(lab, ["vm1", "web"])[("vm1", "web")]


def test_an_unknown_client_is_refused_before_anything_is_built():
    with pytest.raises(ValueError, match="dhcp_client must be one of"):
        scenarios.host_only(dhcp_client="pump")
