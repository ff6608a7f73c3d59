"""tun/tap: a write on the fd is a receive on the device; a transmit queues for the fd."""

import errno

import pytest
from lab_builders import VM1, ok, raw_frame

import netsim
from netsim.packets.addr import BROADCAST_MAC


def persistent_tap(up: bool = True):
    lab = netsim.Lab(seed=0)
    h = lab.host("h1")
    ok(h, "ip tuntap add tap0 mode tap && ip link set tap0 address fe:54:00:00:00:01")
    if up:
        ok(h, "ip link set tap0 up")
    return lab, h


def flags(h, dev="tap0") -> str:
    return ok(h, f"ip link show {dev}").split("<")[1].split(">")[0]


def test_carrier_follows_the_fd():
    lab, h = persistent_tap()
    assert flags(h) == "NO-CARRIER,BROADCAST,MULTICAST,UP"
    f = h.open_tun("tap0")
    assert flags(h) == "BROADCAST,MULTICAST,UP,LOWER_UP"
    assert ok(h, "cat /sys/class/net/tap0/operstate") == "up\n"
    f.close()
    assert flags(h) == "NO-CARRIER,BROADCAST,MULTICAST,UP"
    assert "tap0" in ok(h, "ip -br link")  # persistent: it outlives the fd


def test_a_tap_made_by_tunsetiff_alone_vanishes_with_its_fd():
    lab = netsim.Lab(seed=0)
    h = lab.host("h1")
    f = h.open_tun("tap%d")
    assert f.ifname == "tap0" and f.fd == 3
    assert h.open_tun("tap%d").ifname == "tap1"
    f.close()
    assert h.sh("ip link show tap0").stderr == 'Device "tap0" does not exist.\n'


def test_write_is_a_receive_on_the_device_and_counts():
    lab, h = persistent_tap()
    f = h.open_tun("tap0")
    cap = h.capture("tap0")
    assert f.write(raw_frame(BROADCAST_MAC, VM1)) == 60
    frames = cap.stop()
    assert [(fr.pkttype, len(fr.data)) for fr in frames] == [("broadcast", 60)]
    stats = ok(h, "ip -s -j link show tap0")
    assert '"rx":{"bytes":60,"packets":1' in stats
    funcs = [r.func for r in lab.trace if r.frame_id == 1]
    assert funcs[:2] == ["tun_chr_write_iter", "tun_get_user"]


def test_transmit_queues_for_the_reader_until_txqueuelen_then_drops():
    lab, h = persistent_tap()
    ok(h, "ip link set tap0 txqueuelen 2 && ip addr add 10.0.0.1/24 dev tap0")
    f = h.open_tun("tap0")
    # The host's ARP for 10.0.0.9 goes out of tap0 once per second: 3 requests, 2 fit.
    h.sh("ping -c 1 -W 6 10.0.0.9")
    drops = [r for r in lab.trace if r.action == "drop" and r.func == "tun_net_xmit"]
    assert drops and "queue is full" in drops[0].reason
    assert len(f.read()) == 2
    assert '"dropped":' in ok(h, "ip -s -j link show tap0")


def test_transmit_with_no_reader_is_dropped():
    lab, h = persistent_tap()
    f = h.open_tun("tap0")
    ok(h, "ip addr add 10.0.0.1/24 dev tap0")
    f.close()
    ok(h, "ip link set tap0 up")
    lab.trace.clear()
    h.sh("ping -c 1 -W 1 10.0.0.9")
    # without carrier the route still points at tap0, but nothing can be sent: no reader
    reasons = [r.reason for r in lab.trace if r.action == "drop"]
    assert any("no process has /dev/net/tun open" in x for x in reasons)


def test_errno_of_the_character_device():
    lab, h = persistent_tap(up=False)
    f = h.open_tun("tap0")
    with pytest.raises(OSError) as err:
        f.write(raw_frame(BROADCAST_MAC, VM1))
    assert err.value.errno == errno.EIO  # device down
    ok(h, "ip link set tap0 up")
    with pytest.raises(OSError) as err:
        f.write(b"\xff" * 10)
    assert err.value.errno == errno.EINVAL  # shorter than an Ethernet header
    with pytest.raises(OSError) as err:
        h.open_tun("tap0")
    assert err.value.errno == errno.EBUSY
    with pytest.raises(OSError) as err:
        h.open_tun("tap0", mode="tun")
    assert err.value.errno == errno.EINVAL
    ok(h, "ip link add v0 type veth peer name v1")
    with pytest.raises(OSError) as err:
        h.open_tun("v0")
    assert err.value.errno == errno.EINVAL
    f.close()
    with pytest.raises(OSError) as err:
        f.read()
    assert err.value.errno == errno.EBADF


def test_tun_is_layer_3_and_refused_by_the_bridge():
    lab = netsim.Lab(seed=0)
    h = lab.host("h1")
    ok(h, "ip tuntap add tun0 mode tun && ip link add name br0 type bridge")
    assert flags(h, "tun0") == "POINTOPOINT,MULTICAST,NOARP"
    result = h.sh("ip link set tun0 master br0")
    assert (result.returncode, result.stderr) == (2, "RTNETLINK answers: Invalid argument\n")
    result = h.sh("brctl addif br0 tun0")
    assert (result.returncode, result.stderr) == (
        1, "can't add tun0 to bridge br0: Invalid argument\n")
    assert ok(h, "bridge link") == ""


def test_tun_carries_bare_ip_packets_to_the_stack():
    from netsim.packets import icmp, ipv4
    from netsim.packets.addr import ip_aton

    lab = netsim.Lab(seed=0)
    h = lab.host("h1")
    ok(h, "ip tuntap add tun0 mode tun && ip addr add 10.8.0.1/24 dev tun0 "
          "&& ip link set tun0 up")
    f = h.open_tun("tun0", mode="tun")
    packet = ipv4.build(ip_aton("10.8.0.2"), ip_aton("10.8.0.1"), ipv4.IPPROTO_ICMP,
                        icmp.echo(7, 1, b"hello"))
    f.write(packet)
    replies = f.read(timeout=0.1)
    assert len(replies) == 1
    reply = ipv4.parse(replies[0])  # no Ethernet header on a tun
    assert reply.src == ip_aton("10.8.0.1") and icmp.parse(reply.payload).type == icmp.ECHO_REPLY


# --------------------------------------------------------------------- issue 16
def test_vnet_hdr_writes_start_with_the_header_and_reads_get_one():
    lab, h = persistent_tap()
    f = h.open_tun("tap0", vnet_hdr=True)
    frame = raw_frame(BROADCAST_MAC, VM1)
    for short in (b"", bytes(9), bytes(10), bytes(10) + frame[:13]):
        with pytest.raises(OSError) as err:
            f.write(short)
        assert err.value.errno == errno.EINVAL
    gso = bytes([0, 1]) + bytes(8)
    with pytest.raises(OSError) as err:
        f.write(gso + frame)  # a GSO request: netsim has no GSO
    assert err.value.errno == errno.EINVAL
    assert f.write(bytes(10) + frame) == 70
    stats = ok(h, "ip -s -j link show tap0")
    assert '"rx":{"bytes":60,"packets":1' in stats  # the header is not counted
    ok(h, "ip addr add 10.0.0.1/24 dev tap0 && ip neigh add 10.0.0.2 lladdr "
          "02:00:00:00:00:02 dev tap0")
    h.sh("ping -c 1 -W 0.1 10.0.0.2")
    (read,) = f.read()
    assert read[:10] == bytes(10) and len(read) == 10 + 98


def test_qemu_writes_frames_without_a_header_of_its_own():
    lab, h = persistent_tap()
    f = h.open_tun("tap0", vnet_hdr=True)
    frame = raw_frame(BROADCAST_MAC, VM1)
    assert f.write_frame(frame) == 60  # tap_write_packet(): QEMU adds the zero header
    assert '"rx":{"bytes":60,"packets":1' in ok(h, "ip -s -j link show tap0")


def test_the_openers_vnet_hdr_flag_replaces_the_devices():
    lab = netsim.Lab(seed=0)
    h = lab.host("h1")
    ok(h, "ip tuntap add tap0 mode tap vnet_hdr")
    f = h.open_tun("tap0")
    assert ok(h, "ip tuntap show") == "tap0: tap persist\n"
    assert ok(h, "cat /sys/class/net/tap0/tun_flags") == "0x1802\n"
    f.close()
    assert ok(h, "ip tuntap show") == "tap0: tap persist\n"


def test_other_uids_need_the_owner_and_the_group():
    lab = netsim.Lab(seed=0)
    h = lab.host("h1")
    ok(h, "ip tuntap add tap0 mode tap user 4242 group 4343")
    assert ok(h, "cat /sys/class/net/tap0/owner /sys/class/net/tap0/group") == "4242\n4343\n"
    with pytest.raises(OSError) as err:
        h.open_tun("tap0", uid=4242, gid=4242)
    assert err.value.errno == errno.EPERM and "user 4242 and group 4343" in str(err.value)
    assert h.open_tun("tap0", uid=4242, gid=4343).ifname == "tap0"
    with pytest.raises(OSError) as err:
        h.open_tun("tap1", uid=4242, gid=4343)  # creating needs CAP_NET_ADMIN
    assert err.value.errno == errno.EPERM
