"""netsim.viz: the graph matches the lab, the ladder matches the trace, nothing eager."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import pytest
from lab_builders import ok

import netsim
from netsim.viz import hops, ladder, ladder_text, to_networkx, topology, topology_text

matplotlib.use("Agg")

QEMU = ("qemu-system-x86_64 -name vm1 -daemonize -display none -nodefaults "
        "-netdev tap,id=n,ifname=tap0,script=no -device e1000,netdev=n")


@pytest.fixture(scope="module")
def seed_lab():
    """host: br0 with eth0 and tap0 as ports; vm1's qemu on tap0; a cable to lan.

    vm1 pings lan once, so the trace holds one echo request and its reply.
    """
    lab = netsim.Lab(seed=0)
    host, lan = lab.host("host"), lab.host("lan")
    lab.link("host:eth0", "lan:eth0")
    ok(host, "ip link add name br0 type bridge && ip link set br0 up "
             "&& ip link set eth0 master br0 && ip link set eth0 up "
             "&& ip addr add 10.0.0.1/24 dev br0")
    ok(lan, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    ok(host, "ip tuntap add tap0 mode tap && ip link set tap0 master br0 && ip link set tap0 up")
    ok(host, QEMU)
    vm = lab.vm("vm1")
    ok(vm.guest, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up")
    assert "1 received" in ok(vm.guest, "ping -c 1 10.0.0.2")
    return lab


def test_importing_netsim_and_viz_does_not_import_matplotlib():
    # A fresh interpreter: this test process has matplotlib loaded already.
    code = ("import sys, netsim, netsim.viz; "
            "print(any(m == 'matplotlib' or m.startswith('matplotlib.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_graph_has_one_node_per_machine_and_device(seed_lab):
    G = to_networkx(seed_lab)
    kinds = dict(G.nodes(data="kind"))
    assert kinds == {
        "host": "host", "host:lo": "loopback", "host:eth0": "nic", "host:br0": "bridge",
        "host:tap0": "tap",
        "lan": "host", "lan:lo": "loopback", "lan:eth0": "nic",
        "vm1": "vm", "vm1:lo": "loopback", "vm1:eth0": "emulated-nic",
    }
    assert G.nodes["vm1"]["runs_on"] == "host"
    assert G.nodes["host:br0"]["ips"] == ["10.0.0.1/24"]
    assert G.nodes["vm1:eth0"]["mac"] == "52:54:00:12:34:56"  # QEMU's default first MAC
    assert G.nodes["host:tap0"]["state"] == "UP"


def test_graph_edges_are_the_labs_links(seed_lab):
    G = to_networkx(seed_lab)
    links = {(frozenset((u, v)), k) for u, v, k in G.edges(data="kind") if k != "has"}
    assert links == {
        (frozenset(("host:eth0", "host:br0")), "port of"),
        (frozenset(("host:tap0", "host:br0")), "port of"),
        (frozenset(("host:eth0", "lan:eth0")), "cable"),
        (frozenset(("host:tap0", "vm1:eth0")), "qemu"),
    }
    has = {(u, v) for u, v, k in G.edges(data="kind") if k == "has"}
    assert len(has) == 8  # every device hangs off exactly its machine
    assert G.edges["host:eth0", "lan:eth0"]["latency"] == pytest.approx(5e-6)
    assert G.edges["host:tap0", "vm1:eth0"]["pid"] == seed_lab.vm("vm1").pid
    # The graph is a real networkx graph: without the machine-to-device edges, the
    # ping's devices are a path in it.
    import networkx as nx

    wiring = G.edge_subgraph((u, v) for u, v, k in G.edges(data="kind") if k != "has")
    path = nx.shortest_path(wiring, "vm1:eth0", "lan:eth0")
    assert path == ["vm1:eth0", "host:tap0", "host:br0", "host:eth0", "lan:eth0"]


def test_topology_draws_every_device(seed_lab):
    import matplotlib.pyplot as plt

    G = to_networkx(seed_lab)
    drawn = topology(seed_lab)
    devices = {n for n, k in G.nodes(data="kind") if k not in ("host", "vm")}
    assert set(drawn["labels"]) == devices
    assert sum(len(c.get_offsets()) for c in drawn["nodes"].values()) == len(devices)
    assert set(drawn["boxes"]) == {"host", "lan", "vm1"}
    assert {k: len(v) for k, v in drawn["edges"].items()} == {"port of": 2, "cable": 1,
                                                              "qemu": 1}
    # Each device sits inside its machine's box.
    for n in devices:
        x, y = drawn["pos"][n]
        bx, by, bw, bh = drawn["boxes"][G.nodes[n]["host"]].get_bbox().bounds
        assert bx <= x <= bx + bw and by <= y <= by + bh, n
    assert "10.0.0.10/24" in drawn["labels"]["vm1:eth0"].get_text()
    plt.close("all")


def test_topology_text(seed_lab):
    text = topology_text(seed_lab)
    assert "  tap0     tap" in text and "master br0" in text
    assert "host:tap0 --qemu-- vm1:eth0" in text
    assert "host:eth0 --cable-- lan:eth0" in text


def _ping_request(lab) -> int:
    return [r for r in lab.trace if r.func == "ping_v4_sendmsg"][-1].frame_id


def test_ladder_draws_one_arrow_per_hop_of_the_request(seed_lab):
    import matplotlib.pyplot as plt

    frame = _ping_request(seed_lab)
    records = seed_lab.trace.filter(frame=frame)
    path = seed_lab.trace.path(frame)
    # The trace's own count: consecutive records at different places.
    changes = sum(1 for a, b in zip(records, records[1:], strict=False)
                  if (a.host, a.dev) != (b.host, b.dev))
    assert changes == len(path) - 1 == 7
    arrows = ladder(records)
    assert len(arrows) == changes
    # Each arrow goes from one lane to the next lane of the path, downwards in time.
    lanes = {t.get_text(): t.get_position()[0] for t in arrows[0].axes.netsim_lane_texts}
    assert len(lanes) == len(path)
    ys = [a.xy[1] for a in arrows]
    assert ys == sorted(ys, reverse=True)
    assert all(a.xy[0] > a.xyann[0] for a in arrows)  # the request travels left to right
    # the frame is named once, with its tcpdump line; each arrow has its function
    frame_texts = [t.get_text() for t in arrows[0].axes.netsim_frame_texts]
    assert frame_texts[0] == f"echo request #{frame}"
    assert "ICMP echo request" in frame_texts[1]
    assert arrows[0].hop_label.get_text() == "(1) e1000_xmit_frame"
    plt.close("all")


def test_ladder_text_lists_the_hops(seed_lab):
    frame = _ping_request(seed_lab)
    records = seed_lab.trace.filter(frame=frame)
    lines = ladder_text(records).splitlines()
    assert len(lines) == 1 + len(hops(records)) == 8
    assert lines[0] == (f"+0: #{frame} echo request: IP 10.0.0.10 > 10.0.0.2: ICMP echo request, "
                        "id 33506, seq 1")
    assert "vm1:eth0 --> host:qemu" in lines[1]
    assert "host:tap0 --> host:br0" in lines[4]
    assert lines[4].endswith("tap0 is a port of br0: its rx_handler gives the frame to the "
                             "bridge [br_handle_frame]")
    assert lines[7].split()[:2] == ["+5.98", "µs"]  # the cable: 5.98 µs after the frame left
    assert ladder_text([]) == "(no hops)"
