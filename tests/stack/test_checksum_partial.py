"""CHECKSUM_PARTIAL: where a UDP checksum stays the pseudo-header sum, and where it is finished.

Linux leaves a local datagram's checksum to the device when the device offloads it
(veth, lo, a bridge); a device without the offload has the kernel finish it before
its captures see the frame. The veth and lo cases are real-kernel recordings
(tests/oracle/scenarios/fid_net_checksum_capture); these tests pin the devices netsim
decides for itself: a NIC on a cable, a tap read by a process, a bridge over both.
"""

from __future__ import annotations

import netsim
from netsim.packets import ipv4, udp
from netsim.packets.checksum import finish_l4_checksum, internet_checksum, pseudo_header_sum


def _udp_checksum(frame: bytes) -> tuple[int, bytes, bytes, int]:
    """(checksum field, src, dst, UDP length) of an Ethernet+IPv4+UDP frame."""
    packet = frame[14:]
    ihl = (packet[0] & 0x0F) * 4
    return (int.from_bytes(packet[ihl + 6:ihl + 8], "big"), packet[12:16], packet[16:20],
            int.from_bytes(packet[ihl + 4:ihl + 6], "big"))


def _is_complete(frame: bytes) -> bool:
    """The UDP checksum verifies: summing pseudo-header and datagram gives all ones."""
    packet = frame[14:]
    ihl = (packet[0] & 0x0F) * 4
    datagram = packet[ihl:ihl + int.from_bytes(packet[ihl + 4:ihl + 6], "big")]
    pseudo = packet[12:20] + bytes([0, 17]) + len(datagram).to_bytes(2, "big")
    return internet_checksum(pseudo + datagram) == 0


def _is_partial(frame: bytes) -> bool:
    check, src, dst, length = _udp_checksum(frame)
    return check == pseudo_header_sum(src, dst, 17, length)


def test_finishing_a_partial_checksum_gives_the_full_one():
    src, dst = bytes([10, 0, 1, 2]), bytes([10, 0, 2, 2])
    for data in (b"", b"x", b"hello\n", bytes(1024), b"\xff" * 9):
        partial = ipv4.build(src, dst, 17, udp.build_partial(src, dst, 5000, 9, data), ident=7)
        full = ipv4.build(src, dst, 17, udp.build(src, dst, 5000, 9, data), ident=7)
        assert partial != full
        assert finish_l4_checksum(partial) == full


def _bridged_lab() -> tuple[netsim.Lab, object]:
    """h1: br0 over a veth (to h2) and a tap (a VM process) and a NIC on a cable (to h3)."""
    lab = netsim.Lab(seed=0)
    h1, h2, h3 = lab.host("h1"), lab.host("h2"), lab.host("h3")
    lab.link("h1:eth0", "h3:eth0")
    h1.sh("ip link add name br0 type bridge && ip link set br0 up && "
          "ip addr add 10.0.0.1/24 dev br0 && "
          "ip link add v0 type veth peer name eth0 netns h2 && ip link set v0 master br0 && "
          "ip link set v0 up && ip link set eth0 master br0 && ip link set eth0 up && "
          "ip tuntap add tap0 mode tap && ip link set tap0 master br0 && ip link set tap0 up")
    h2.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    h3.sh("ip addr add 10.0.0.3/24 dev eth0 && ip link set eth0 up")
    vm = h1.open_tun("tap0", mode="tap")
    lab.run(1.0)
    return lab, vm


def test_a_broadcast_from_br0_is_partial_on_the_veth_and_complete_on_the_tap_and_the_wire():
    lab, vm = _bridged_lab()
    h1, h2, h3 = lab.host("h1"), lab.host("h2"), lab.host("h3")
    at_veth, at_nic = h2.capture("eth0"), h3.capture("eth0")
    vm.read_now()
    sock = h1.udp_socket(5000)
    sock.broadcast = True
    sock.sendto(b"hello\n", ("10.0.0.255", 9))
    lab.run(0.5)
    udp_frames = [f.data for f in at_veth.frames if f.data[12:14] == b"\x08\x00"]
    assert udp_frames and all(_is_partial(f) for f in udp_frames)  # a veth offloads
    wire = [f.data for f in at_nic.frames if f.data[12:14] == b"\x08\x00"]
    assert wire and all(_is_complete(f) for f in wire)  # the NIC has no offload here
    read = [f for f in vm.read_now() if f[12:14] == b"\x08\x00"]
    assert read and all(_is_complete(f) for f in read)  # neither has a tap without TUNSETOFFLOAD


def test_a_nic_sends_complete_checksums_and_a_broadcast_needs_so_broadcast():
    lab, _vm = _bridged_lab()
    h3 = lab.host("h3")
    capture = h3.capture("eth0")
    sock = h3.udp_socket(6000)
    sock.sendto(b"to h1\n", ("10.0.0.1", 9))
    lab.run(0.5)
    sent = [f.data for f in capture.frames if f.data[12:14] == b"\x08\x00"
            and f.data[23] == 17]
    assert sent and all(_is_complete(f) for f in sent)
    try:
        sock.sendto(b"x", ("10.0.0.255", 9))
    except OSError as err:
        assert err.errno == 13  # EACCES: udp_sendmsg's RTCF_BROADCAST check
    else:
        raise AssertionError("a broadcast without SO_BROADCAST was sent")
