"""A forwarding machine's routing is in the graph, the picture and its text twin."""

from __future__ import annotations

import pytest

from netsim import scenarios
from netsim.viz import topology, topology_text
from netsim.viz.graph import to_networkx


@pytest.fixture(scope="module")
def nat_lab():
    return scenarios.nat(vms=1)


def test_routers_have_routed_edges_to_their_uplink_with_their_nat(nat_lab):
    G = to_networkx(nat_lab)
    routed = {(u, v) if d["uplink"] == v else (v, u): d["nat"]
              for u, v, d in G.edges(data=True) if d["kind"] == "routed"}
    assert routed == {("host:virbr0", "host:eth0"): ["MASQUERADE"],
                      ("gw:eth0", "gw:eth1"): ["MASQUERADE"]}


def test_no_routed_edge_once_forwarding_is_off(nat_lab):
    host = nat_lab.host("host")
    host.sh("sysctl -w net.ipv4.ip_forward=0")
    try:
        kinds = [(u, v) for u, v, k in to_networkx(nat_lab).edges(data="kind") if k == "routed"]
        assert kinds and all(u.startswith("gw:") for u, _v in kinds)
    finally:
        host.sh("sysctl -w net.ipv4.ip_forward=1")


def test_text_twin_and_picture_name_the_routing(nat_lab):
    text = topology_text(nat_lab)
    assert "host:virbr0 --routed-- host:eth0   (ip_forward=1; MASQUERADE out of eth0)" in text
    import matplotlib

    matplotlib.use("Agg")
    drawn = topology(nat_lab)
    notes = [t.get_text() for t in drawn["ax"].texts if t.get_text().startswith("routes")]
    assert notes == ["routes + NAT", "routes + NAT"]
    assert len(drawn["edges"]["routed"]) == 2
