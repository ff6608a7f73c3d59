"""topology() of the four mode labs fits a notebook cell and reads cleanly: two rows,
no overlapping boxes or text, labels in their machines, no crossing cables."""

from __future__ import annotations

import matplotlib
import pytest
from viz_geometry import data_to_pixels, inside, overlap, polylines_cross, text_extents

from netsim.viz import to_networkx, topology, topology_layout

matplotlib.use("Agg")
MODES = ("nat", "host_only", "bridged", "nat_user")
MAX_INCHES = 16.5


def _rect(box):
    x, y, w, h = box
    return (x, y, x + w, y + h)


@pytest.mark.parametrize("mode", MODES)
def test_a_mode_lab_wraps_onto_two_rows_that_fit_a_notebook_cell(labs, mode):
    layout = topology_layout(to_networkx(labs[mode]))
    assert layout.rows == 2
    # the hypervisor with its VMs above the outside world
    hx, hy, _hw, _hh = layout.boxes["host"]
    for m in ("switch", "lan1", "gw", "web"):
        assert layout.boxes[m][1] + layout.boxes[m][3] < hy
    drawn = topology(labs[mode])
    width, _height = drawn["ax"].figure.get_size_inches()
    assert width <= MAX_INCHES


@pytest.mark.parametrize("mode", MODES)
def test_no_two_machine_boxes_overlap_and_devices_stay_inside(labs, mode):
    G = to_networkx(labs[mode])
    layout = topology_layout(G)
    names = list(layout.boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not overlap(_rect(layout.boxes[a]), _rect(layout.boxes[b])), (a, b)
    for n, (x, y) in layout.pos.items():
        bx, by, bw, bh = layout.boxes[G.nodes[n]["host"]]
        assert bx < x < bx + bw and by < y < by + bh, n


@pytest.mark.parametrize("mode", MODES)
def test_no_cables_cross_each_other_or_a_bridge_bus(labs, mode):
    G = to_networkx(labs[mode])
    layout = topology_layout(G)
    cables = list(layout.cables.values())
    assert len(cables) == sum(1 for *_e, k in G.edges(data="kind") if k == "cable")
    for i, a in enumerate(cables):
        for b in cables[i + 1:]:
            assert not polylines_cross(a, b), (a, b)
    pos = layout.pos
    buses = []
    for u, v, k in G.edges(data="kind"):
        if k == "port of":
            port, br = (u, v) if G.nodes[v]["kind"] == "bridge" else (v, u)
            (px, py), (bx, by) = pos[port], pos[br]
            bus = (py + by) / 2
            buses.append([(px, py), (px, bus), (bx, bus), (bx, by)])
    for c in cables:
        for b in buses:
            assert not polylines_cross(c, b)
    # the cable between the two rows is one vertical line
    up = layout.cables.get(("host:eth0", "switch:port1")) or \
        layout.cables[("switch:port1", "host:eth0")]
    assert len(up) == 2 and up[0][0] == up[1][0]


@pytest.mark.parametrize("mode", MODES)
def test_labels_stay_in_their_machine_and_no_two_texts_overlap(labs, mode):
    G = to_networkx(labs[mode])
    drawn = topology(labs[mode])
    ax = drawn["ax"]
    labels = list(drawn["labels"].items())
    extents = text_extents(ax, [t for _n, t in labels])
    for (n, t), ext in zip(labels, extents, strict=True):
        box = drawn["boxes"][G.nodes[n]["host"]].get_bbox().extents
        assert inside(ext, data_to_pixels(ax, tuple(box)), slack=1), (n, t.get_text())
    texts = [t for _n, t in labels] + list(drawn["titles"].values())
    every = text_extents(ax, texts)
    for i, a in enumerate(every):
        for j in range(i + 1, len(every)):
            assert not overlap(a, every[j], slack=1), (texts[i].get_text(), texts[j].get_text())
    # the legend stands clear of every machine
    legend = tuple(drawn["legend"].get_window_extent().extents)
    for m, patch in drawn["boxes"].items():
        assert not overlap(legend, data_to_pixels(ax, tuple(patch.get_bbox().extents))), m
    assert "192.168.122.244/24" in drawn["labels"]["vm1:eth0"].get_text() or mode != "nat"
