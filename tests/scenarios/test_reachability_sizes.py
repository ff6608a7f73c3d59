"""The matrices do not depend on how many VMs a lab has: one VM, and three."""

from __future__ import annotations

from netsim import scenarios


def _row(table, source: str) -> set[str]:
    return set(table.reachable_from(source))


def test_one_user_mode_vm():
    table = scenarios.reachability(scenarios.nat_user(vms=1))
    assert table.machines == ["vm1", "host", "lan1", "web"]
    assert _row(table, "vm1") == {"host", "lan1", "web"}   # out through slirp's sockets
    assert _row(table, "host") == {"lan1", "web"}          # 10.0.2.15 is inside qemu
    assert _row(table, "web") == set()                     # no route into private space


def test_three_host_only_vms_reach_each_other_and_the_host_only():
    lab = scenarios.host_only(vms=3)
    table = scenarios.reachability(lab)
    assert table.machines == ["vm1", "vm2", "vm3", "host", "lan1", "web"]
    for vm in ("vm1", "vm2", "vm3"):
        assert _row(table, vm) == {"vm1", "vm2", "vm3", "host"} - {vm}
        assert not table[("lan1", vm)]
    addresses = {lab.vm(v).sh("ip -4 -o addr show eth0").stdout.split()[3] for v in
                 ("vm1", "vm2", "vm3")}
    assert len(addresses) == 3 and all(a.startswith("192.168.56.") for a in addresses)
