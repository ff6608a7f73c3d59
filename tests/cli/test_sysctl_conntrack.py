"""net.netfilter.nf_conntrack_* exist once connection tracking is loaded, and the
timeouts written there govern conntrack's entries (texts from Linux 6.18, procps)."""

from __future__ import annotations

from netsim import scenarios


def test_conntrack_sysctls_appear_with_conntrack_and_govern_timeouts():
    lab = scenarios.nat(vms=1)
    host, lan1 = lab.host("host"), lab.host("lan1")
    absent = lan1.sh("sysctl net.netfilter.nf_conntrack_icmp_timeout")
    assert (absent.returncode, absent.stderr) == (
        1, "sysctl: cannot stat /proc/sys/net/netfilter/nf_conntrack_icmp_timeout: "
        "No such file or directory\n")
    assert host.sh("sysctl -n net.netfilter.nf_conntrack_udp_timeout_stream").stdout == "120\n"
    count = int(host.sh("sysctl -n net.netfilter.nf_conntrack_count").stdout)
    listed = host.sh("conntrack -C").stdout
    assert count == int(listed)

    ro = host.sh("sysctl -w net.netfilter.nf_conntrack_count=3")
    assert (ro.returncode, ro.stderr) == (
        0, 'sysctl: setting key "net.netfilter.nf_conntrack_count": Invalid argument\n')
    bad = host.sh("sysctl -w net.netfilter.nf_conntrack_icmp_timeout=abc")
    assert (bad.returncode, bad.stderr) == (
        1, 'sysctl: setting key "net.netfilter.nf_conntrack_icmp_timeout": Invalid argument\n')
    assert host.sh("cat /proc/sys/net/netfilter/nf_conntrack_icmp_timeout").stdout == "30\n"

    assert host.sh("sysctl -w net.netfilter.nf_conntrack_icmp_timeout=5").returncode == 0
    assert lab.vm("vm1").sh("ping -c 1 198.51.100.10").returncode == 0
    mine = [line for line in host.sh("conntrack -L -p icmp").stdout.splitlines()
            if "dst=198.51.100.10" in line]
    assert len(mine) == 1 and mine[0].split()[2] == "4"  # 5 s, a moment gone
    lab.run(6)
    assert "dst=198.51.100.10" not in host.sh("conntrack -L -p icmp").stdout
