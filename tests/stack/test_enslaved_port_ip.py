"""Seed claim S3: once eth0 is a bridge port its own IP goes silent; br0's IP answers.

True in effect, not in form: eth0 keeps its address (and its route), but every frame
eth0 receives now belongs to the bridge (rx_handler), so replies to eth0's address
leave from br0's side of the story or not at all.
"""

from lab_builders import ok

import netsim


def build():
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    ok(h1, "ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth0 "
           "address 02:00:00:00:02:01 netns h2")
    ok(h1, "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
    ok(h2, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    return lab, h1, h2


def test_enslaved_nic_ip_goes_silent_and_answers_again_on_br0():
    lab, h1, h2 = build()
    assert h2.sh("ping -c 1 -W 1 10.0.0.1").returncode == 0
    ok(h1, "ip link add name br0 type bridge && ip link set br0 up")
    ok(h1, "ip link set eth0 master br0")
    assert "10.0.0.1/24" in ok(h1, "ip addr show eth0")  # the address is still there
    ok(h1, "ip neigh flush all")
    ok(h2, "ip neigh flush all")
    silent = h2.sh("ping -c 1 -W 1 10.0.0.1")
    assert silent.returncode == 1 and "0 received" in silent.stdout
    # The echo request did reach br0 and was answered -- through eth0's route,
    # whose ARP replies are swallowed by the bridge: eth0's neighbour entry fails.
    lab.run(3)
    assert ok(h1, "ip -j neigh show dev eth0") == '[{"dst":"10.0.0.2","state":["FAILED"]}]\n'
    handler = [r for r in lab.trace if r.host == "h1" and r.dev == "eth0"
               and r.func == "br_handle_frame" or (r.host == "h1" and r.func == "br_add_if")]
    assert handler  # the rx_handler seam appears in the trace
    ok(h1, "ip addr del 10.0.0.1/24 dev eth0 && ip addr add 10.0.0.1/24 dev br0")
    ok(h2, "ip neigh flush all")
    back = h2.sh("ping -c 1 -W 1 10.0.0.1")
    assert back.returncode == 0 and "1 received" in back.stdout
