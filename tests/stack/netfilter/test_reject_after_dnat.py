"""A REJECT of a DNATed packet quotes the packet as its sender wrote it
(nf_ct_attach + nf_nat_icmp_reply_translation): the private target never leaks."""

from __future__ import annotations

import socket

import dpkt

from netsim import scenarios


def test_reject_quotes_the_pre_dnat_destination_and_the_sender_gets_refused():
    lab = scenarios.nat(vms=1)
    host, lan1 = lab.host("host"), lab.host("lan1")
    vm_ip = lab.vm("vm1").sh("ip -4 -o addr show eth0").stdout.split()[3].split("/")[0]
    assert host.sh("iptables -t nat -A PREROUTING -i eth0 -p udp --dport 5007 "
                   f"-j DNAT --to-destination {vm_ip}:7").returncode == 0
    capture = lan1.capture("eth0")
    result = lan1.sh("echo hi | socat - UDP4:192.168.1.10:5007")
    errors = []
    for frame in capture.stop():
        ip = dpkt.ethernet.Ethernet(frame.data).data
        if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.icmp.ICMP):
            errors.append(ip)
    assert len(errors) == 1
    icmp = errors[0].data
    assert (icmp.type, icmp.code) == (3, 3)  # libvirt's REJECT: port unreachable
    quoted = dpkt.ip.IP(bytes(icmp.data)[4:])
    assert socket.inet_ntoa(quoted.dst) == "192.168.1.10"
    assert int.from_bytes(bytes(quoted.data)[2:4], "big") == 5007
    assert vm_ip.encode() not in bytes(errors[0])
    assert result.returncode == 1 and result.stderr.endswith("Connection refused\n")
