"""conntrack -L filters by port and reply tuple, once -p names a protocol (as
conntrack-tools' protocol extensions work); before -p the options are unknown."""

from __future__ import annotations

import pytest

from netsim import scenarios


@pytest.fixture(scope="module")
def lab():
    lab = scenarios.nat(vms=2)
    for vm in ("vm1", "vm2"):
        out = lab.vm(vm).sh("echo hi | socat - UDP4:198.51.100.10:7,sourceport=6000")
        assert out.stdout == "hi\n"
    return lab


def _lines(lab, args: str) -> list[str]:
    result = lab.host("host").sh(f"conntrack -L {args}")
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_port_filters_select_by_original_and_reply_ports(lab):
    both = _lines(lab, "-p udp --orig-port-src 6000")
    assert len(both) == 2 and all("sport=6000 dport=7" in line for line in both)
    # one of the two was translated to another port (the clash): its reply tuple says so
    reply_ports = {line: line.split(" src=")[2].split("dport=")[1].split()[0] for line in both}
    translated = [line for line, port in reply_ports.items() if port != "6000"]
    assert len(translated) == 1
    port = reply_ports[translated[0]]
    assert _lines(lab, f"-p udp --reply-port-dst {port}") == translated
    assert _lines(lab, "-p udp --dport 7 -r 198.51.100.10") == both
    assert _lines(lab, "-p udp --sport 6001") == []


def test_port_options_need_the_protocol_first(lab):
    result = lab.host("host").sh("conntrack -L --orig-port-src 6000")
    assert result.returncode == 2
    assert result.stderr == ("conntrack v1.4.7 (conntrack-tools): unknown option "
                             "`--orig-port-src'\nTry `conntrack -h' or 'conntrack --help' "
                             "for more information.\n")
    missing = lab.host("host").sh("conntrack -L -p udp --sport")
    assert missing.returncode == 2
    assert missing.stderr.startswith("conntrack v1.4.7 (conntrack-tools): option `--sport' "
                                     "requires an argument\n")


def test_address_filters_take_a_network_and_compare_addresses_not_text(lab):
    udp = _lines(lab, "-p udp --dport 7")
    assert len(udp) == 2
    # -s takes ADDR/LEN for the original direction: both guests are in 192.168.122.0/24
    assert _lines(lab, "-p udp --dport 7 -s 192.168.122.0/24") == udp
    assert _lines(lab, "-p udp --dport 7 -s 192.168.0.0/16") == udp
    assert _lines(lab, "-p udp --dport 7 -s 10.0.0.0/8") == []
    # one guest's own address selects its line only, however it is spelled
    guest = udp[0].split("src=")[1].split()[0]
    assert _lines(lab, f"-p udp --dport 7 -s {guest}") == [udp[0]]
    assert _lines(lab, f"-p udp --dport 7 -s {guest}/32") == [udp[0]]
    # the reply goes to the host's LAN address (MASQUERADE), whatever the guest
    assert _lines(lab, "-p udp --dport 7 -q 192.168.1.10") == udp
    # an IPv6 address is valid and matches no IPv4 entry
    assert _lines(lab, "-d ::1") == []
