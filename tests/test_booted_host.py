"""A new host comes up like a booted machine: lo up with 127.0.0.1/8, a hostname, and
/etc/hosts naming localhost and the machine (Debian's layout)."""

from __future__ import annotations

import netsim

# What `hostname a b` prints on standard error (net-tools hostname 3.23, recorded).
USAGE_FIRST_LINE = "Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n"


def fresh(name: str = "h1") -> netsim.Host:
    return netsim.Lab(seed=0).host(name)


def test_lo_is_up_with_its_address_and_answers() -> None:
    host = fresh()
    assert host.sh("ip -br link show lo").stdout == (
        "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n")
    assert host.sh("ip -4 -o addr show lo").stdout.split()[3] == "127.0.0.1/8"
    result = host.sh("ping -c 1 127.0.0.1")
    assert result.returncode == 0 and "1 received" in result.stdout


def test_the_boot_is_not_a_typed_command() -> None:
    host = fresh()
    assert list(host.lab.history()) == []


def test_etc_hosts_names_localhost_and_the_machine() -> None:
    host = fresh("web")
    hosts = host.sh("cat /etc/hosts").stdout
    assert hosts.startswith("127.0.0.1\tlocalhost\n127.0.1.1\tweb\n")
    assert host.sh("cat /etc/hostname").stdout == "web\n"


def test_hostname_prints_sets_and_resolves_as_net_tools_does() -> None:
    host = fresh("h1")
    assert host.sh("hostname").stdout == "h1\n"
    assert host.sh("hostname -i").stdout == "127.0.1.1\n"
    assert host.sh("hostname -I").stdout == "\n"  # lo's addresses are not listed
    host.sh("ip link add br0 type bridge && ip addr add 10.0.0.1/24 dev br0 && "
            "ip addr add 10.0.1.1/24 dev br0")
    assert host.sh("hostname -I").stdout == "10.0.0.1 10.0.1.1 \n"
    assert host.sh("hostname lab.example; hostname; hostname -s; cat /etc/hostname").stdout == (
        "lab.example\nlab\nh1\n")  # the kernel's name changed, /etc/hostname did not
    result = host.sh("hostname a b")
    assert (result.returncode, result.stdout) == (255, "")
    assert result.stderr.startswith(USAGE_FIRST_LINE)
    result = host.sh("hostname -Z")
    assert result.returncode == 255 and result.stderr == "hostname: invalid option -- 'Z'\n"
    assert result.stdout.startswith(USAGE_FIRST_LINE)
