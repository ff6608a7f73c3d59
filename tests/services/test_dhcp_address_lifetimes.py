"""A DHCP guest's address carries its lease as lifetimes, as the real scripts set it.

Checked on a real machine (tests/data/ip_lifetimes/dhcp_guest.txt): after ISC dhclient
with Debian's dhclient-script, ``ip addr`` shows ``dynamic`` and ``valid_lft 3600sec
preferred_lft 3600sec`` counting down; after busybox udhcpc with Debian's default.script
(``busybox ifconfig``), the address is permanent, ``forever``.
"""

from __future__ import annotations

from netsim import scenarios
from netsim.services import clients

LEASE = 3600  # libvirt's default network: 1 h leases


def inet_lines(guest) -> list[str]:
    return guest.sh("ip addr show eth0").stdout.splitlines()[2:]


def script_commands(lab, guest) -> list[str]:
    return [r.reason.split("script: ", 1)[1] for r in lab.trace.records
            if r.host == guest.name and r.layer == "dhcp" and "script: " in r.reason]


def test_dhclient_guest_counts_its_lease_down_in_ip_addr():
    lab = scenarios.nat(vms=1)
    guest = lab.vm("vm1").guest
    lease = clients.running(guest, "eth0").lease
    ip = "192.168.122.244"
    assert inet_lines(guest) == [
        f"    inet {ip}/24 brd 192.168.122.255 scope global dynamic eth0",
        f"       valid_lft {LEASE}sec preferred_lft {LEASE}sec"]
    lab.run_until(lease.obtained + 600.5)
    assert inet_lines(guest)[1] == "       valid_lft 3000sec preferred_lft 3000sec"
    assert (f"ip -4 addr add {ip}/255.255.255.0 broadcast 192.168.122.255 valid_lft 3600 "
            "preferred_lft 3600 dev eth0 label eth0") in script_commands(lab, guest)


def test_a_renewal_refreshes_the_lifetimes_with_ip_addr_change():
    lab = scenarios.nat(vms=1)
    guest = lab.vm("vm1").guest
    client = clients.running(guest, "eth0")
    first = client.lease
    lab.run_until(first.renew_at + 10)
    renewed = client.lease
    assert renewed is not first and renewed.ip == first.ip   # RENEW: same address
    left = LEASE - int(lab.now - renewed.obtained)
    assert left > LEASE - int(lab.now - first.obtained)
    assert inet_lines(guest)[1] == f"       valid_lft {left}sec preferred_lft {left}sec"
    assert script_commands(lab, guest)[-1] == (
        "ip -4 addr change 192.168.122.244/255.255.255.0 broadcast 192.168.122.255 "
        "valid_lft 3600 preferred_lft 3600 dev eth0 label eth0")


def test_without_a_server_the_address_expires_with_the_lease_and_takes_the_routes():
    lab = scenarios.nat(vms=1)
    guest, host = lab.vm("vm1").guest, lab.host("host")
    lease = clients.running(guest, "eth0").lease
    pid = next(line.split()[1] for line in host.sh("ps -ef").stdout.splitlines()
               if "dnsmasq" in line)
    assert host.sh(f"kill {pid}").returncode == 0
    lab.run_until(lease.expires_at - 0.5)
    assert inet_lines(guest)[1] == "       valid_lft 1sec preferred_lft 1sec"  # 3599.5 s
    assert "default via 192.168.122.1 dev eth0" in guest.sh("ip route").stdout
    lab.run_until(lease.expires_at + 0.5)
    assert inet_lines(guest) == []
    assert guest.sh("ip route").stdout == ""   # fib_disable_ip: the default route went too


def test_udhcpc_guest_address_is_permanent():
    lab = scenarios.nat(vms=1, dhcp_client="udhcpc")
    guest = lab.vm("vm1").guest
    lab.run(100)
    assert inet_lines(guest) == [
        "    inet 192.168.122.244/24 brd 192.168.122.255 scope global eth0",
        "       valid_lft forever preferred_lft forever"]
