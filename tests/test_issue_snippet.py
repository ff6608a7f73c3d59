"""The foundation issue's example, line by line."""

from lab_builders import arp_request

import netsim
from netsim.packets import arp


def test_the_snippet_works():
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    assert lab.host("h1") is h1
    lab.link("h1:eth0", "h2:eth0")
    assert h1.sh("ip link add name br0 type bridge").returncode == 0
    assert h1.sh("ip link set dev eth0 master br0").returncode == 0
    h1.sh("ip addr add 10.0.0.1/24 dev br0")
    h1.sh("ip link set br0 up")
    h1.sh("ip link set eth0 up")
    h2.sh("ip addr add 10.0.0.2/24 dev eth0")
    h2.sh("ip link set eth0 up")
    result = h1.sh("ping -c 3 10.0.0.2")
    assert isinstance(result, netsim.CommandResult)
    assert result.returncode == 0
    assert result.stdout.count("bytes from 10.0.0.2") == 3
    assert "3 packets transmitted, 3 received, 0% packet loss" in result.stdout
    fdb = h1.sh("bridge fdb show br br0").stdout
    assert " dev eth0 master br0 \n" in fdb  # h2's MAC, learned on eth0
    t0 = lab.now
    lab.run(2.5)
    assert abs(lab.now - t0 - 2.5) < 1e-9

    h1.sh("ip tuntap add tap0 mode tap && ip link set tap0 master br0 && ip link set tap0 up")
    f = h1.open_tun("tap0", mode="tap")
    assert (f.fd, f.ifname, f.process.pid > 1) == (3, "tap0", True)
    vm_mac = bytes.fromhex("525400123456")
    cap = h1.capture("br0", promisc=False)
    assert f.write(arp_request(vm_mac, "10.0.0.10", "10.0.0.2")) == 60
    replies = f.read(timeout=1.0)
    assert len(replies) == 1
    reply = arp.parse(replies[0][14:])
    assert reply.op == arp.ARPOP_REPLY and reply.spa == bytes([10, 0, 0, 2])
    assert replies[0][:6] == vm_mac
    frames = [fr for fr in cap.stop() if fr.data[6:12] == vm_mac]  # the VM's, not h2's probes
    assert [fr.pkttype for fr in frames] == ["broadcast"]
    assert frames[0].time >= t0
    # the trace follows the request from the fd to h2 and the reply back to the fd
    request_id = next(r.frame_id for r in lab.trace if r.func == "tun_chr_write_iter")
    path = lab.trace.path(request_id)
    assert path[:3] == ["h1:/dev/net/tun", "h1:tap0", "h1:br0"]
    assert "h2:eth0" in path
    f.close()
