"""Pictures of a -netdev user VM: connected through qemu's slirp to the host's stack."""

from __future__ import annotations

import matplotlib
import networkx as nx
from lab_builders import ok

import netsim
from netsim.viz import (
    host_inside,
    host_inside_layout,
    host_inside_text,
    to_networkx,
    topology,
    topology_text,
)
from netsim.viz.animate import animate_text

matplotlib.use("Agg")

QEMU_USER = ("qemu-system-x86_64 -name {name} -daemonize -display none -nodefaults "
             "-netdev user,id=n -device e1000,netdev=n")


def user_lab():
    """host with a default route to web; vm1 and vm2 each on their own -netdev user."""
    lab = netsim.Lab(seed=0)
    host, web = lab.host("host"), lab.host("web")
    lab.link("host:eth0", "web:eth0")
    ok(host, "ip link set lo up && ip addr add 198.51.100.1/24 dev eth0 "
             "&& ip link set eth0 up && ip route add default via 198.51.100.10")
    ok(web, "ip addr add 198.51.100.10/24 dev eth0 && ip link set eth0 up")
    for name in ("vm1", "vm2"):
        ok(host, QEMU_USER.format(name=name))
        ok(lab.vm(name).guest, "ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up "
                               "&& ip route add default via 10.0.2.2")
    assert "1 received" in ok(lab.vm("vm1").guest, "ping -c 1 198.51.100.10")
    return lab, host


def test_the_graph_puts_one_slirp_per_qemu_between_guest_nic_and_host_route():
    lab, host = user_lab()
    G = to_networkx(lab)
    slirps = sorted(n for n, k in G.nodes(data="kind") if k == "slirp")
    assert slirps == [f"host:slirp/{lab.vm('vm1').pid}", f"host:slirp/{lab.vm('vm2').pid}"]
    for vm, node in zip(("vm1", "vm2"), slirps, strict=True):
        assert G.edges[node, f"{vm}:eth0"]["kind"] == "slirp"
        assert G.edges[node, "host:eth0"]["kind"] == "sockets"
        assert G.nodes[node]["place"] == "host:slirp"
    assert not [n for n, k in G.nodes(data="kind") if k in ("tap", "bridge")]
    # vm1 to web goes through its own slirp and the host's NIC; never through vm2's
    path = nx.shortest_path(G, "vm1:eth0", "web:eth0")
    assert path[1] == slirps[0] and slirps[1] not in path


def test_topology_text_and_picture_show_slirp_links_not_a_bridge(tmp_path):
    lab, _host = user_lab()
    text = topology_text(lab)
    pid = lab.vm("vm1").pid
    assert (f"host:slirp/{pid} --slirp-- vm1:eth0   (qemu pid {pid}, netdev n: user-mode "
            "network 10.0.2.0/24, no tap)") in text
    assert f"host:slirp/{pid} --sockets-- host:eth0" in text
    drawn = topology(lab)
    assert "slirp" in drawn["nodes"] and {"slirp", "sockets"} <= set(drawn["edges"])
    vm_nic, slirp = drawn["pos"]["vm1:eth0"], drawn["pos"][f"host:slirp/{pid}"]
    assert vm_nic[0] == slirp[0] and vm_nic[1] > slirp[1]  # the VM stands above its slirp
    drawn["ax"].figure.savefig(tmp_path / "topology.png")


def test_inside_the_host_qemu_holds_libslirp_and_talks_to_the_ip_stack_by_sockets():
    lab, host = user_lab()
    text = host_inside_text(host)
    pid = lab.vm("vm1").pid
    assert (f"qemu (pid {pid}) -netdev user: libslirp inside the process, no /dev/net/tun; "
            "guest vm1: eth0 10.0.2.15/24") in text
    drawn = host_inside(host)
    assert "host:slirp" in drawn["positions"] and "vm1:eth0" in drawn["positions"]
    labels = [t.get_text() for t in drawn["texts"]]
    assert any(label.startswith(f"qemu (pid {pid})\nno /dev/net/tun") for label in labels)


def test_inside_the_host_slirps_sockets_are_routed_out_of_eth0():
    """The socket calls do not stop in the IP stack: its routing sends them out of eth0."""
    _lab, host = user_lab()
    L = host_inside_layout(host)
    eth0_entry = L.positions["host:ip@eth0"]
    sockets = [p for p in L.paths if p.kind == "sockets"]
    routed = [p for p in L.paths if p.kind == "routed"]
    assert len(sockets) == 2 and len(routed) == 2  # one per qemu
    for s, r in zip(sockets, routed, strict=True):
        assert r.points[0] == s.points[-1]        # continues where the socket calls enter
        end = r.points[-1]
        assert abs(end[0] - eth0_entry[0]) < 0.5  # ... into eth0's line below the stack
        eth0 = L.box("nic", "eth0")
        assert eth0.x <= end[0] <= eth0.x + eth0.w and end[1] > eth0.y + eth0.h
    assert ("routing: slirp's sockets are the host's own: out of eth0 by default via "
            "198.51.100.10 dev eth0") in host_inside_text(host)


def test_an_animation_of_a_user_mode_ping_steps_through_slirp():
    lab, _host = user_lab()
    guest_request = next(r.frame_id for r in lab.trace if r.func == "ping_v4_sendmsg"
                         and r.host == "vm1")
    steps = animate_text(lab, [guest_request])
    assert "[slirp_input]" in steps and "[icmp_input]" in steps
