"""host_inside on the four mode labs: legible (nothing overlaps, labels in their boxes)
and showing what the kernel does between the bridge, eth0 and the IP stack."""

from __future__ import annotations

import matplotlib
import pytest
from viz_geometry import data_to_pixels, inside, overlap, text_extents

from netsim import scenarios
from netsim.viz import host_inside, host_inside_layout, host_inside_text

matplotlib.use("Agg")
MODES = ("nat", "host_only", "bridged", "nat_user")


def _rect(b):
    return (b.x, b.y, b.x + b.w, b.y + b.h)


@pytest.mark.parametrize("mode", MODES)
def test_no_two_boxes_overlap_unless_one_holds_the_other(labs, mode):
    L = host_inside_layout(labs[mode].host("host"))
    boxes = [b for b in L.boxes if b.kind != "layer"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if overlap(_rect(a), _rect(b)):
                assert inside(_rect(a), _rect(b)) or inside(_rect(b), _rect(a)), \
                    (a.label, b.label)
    # every box lies in one layer
    layers = [b for b in L.boxes if b.kind == "layer"]
    for b in boxes:
        assert any(inside(_rect(b), _rect(layer)) for layer in layers), b.label


@pytest.mark.parametrize("mode", MODES)
def test_every_label_fits_its_box_and_no_two_texts_overlap(labs, mode):
    drawn = host_inside(labs[mode].host("host"))
    ax, L = drawn["ax"], drawn["layout"]
    labelled = [(b, t) for b, t in zip(L.boxes, drawn["box_texts"], strict=True) if t]
    extents = text_extents(ax, [t for _b, t in labelled])
    for (b, t), ext in zip(labelled, extents, strict=True):
        assert inside(ext, data_to_pixels(ax, _rect(b)), slack=1), t.get_text()
    every = text_extents(ax, drawn["texts"])
    for i, a in enumerate(every):
        for j in range(i + 1, len(every)):
            assert not overlap(a, every[j], slack=1), (drawn["texts"][i].get_text(),
                                                       drawn["texts"][j].get_text())
    # the guest's address, the longest label of a qemu box, is in it
    assert any("192.168." in t.get_text() or "10.0.2.15" in t.get_text()
               for b, t in labelled if b.kind == "guest")


def _paths(L, kind):
    return [p for p in L.paths if p.kind == kind]


def test_nat_forwards_virbr0_to_eth0_through_masquerade(labs):
    host = labs["nat"].host("host")
    L = host_inside_layout(host)
    routed = _paths(L, "routed")
    assert len(routed) == 1 and not _paths(L, "closed")
    start, end = routed[0].points[0], routed[0].points[-1]
    # starts where virbr0's line enters the IP stack (its left edge)
    assert start == (L.box("ip").x, L.positions["host:ip@virbr0"][1])
    eth0 = L.box("nic", "eth0")
    assert eth0.x <= end[0] <= eth0.x + eth0.w           # ends on eth0's line
    nf = L.box("netfilter")
    assert "MASQUERADE out of eth0" in nf.label
    assert nf.contains(end[0], nf.y + nf.h / 2)           # the path goes through netfilter
    # both virbr0 and eth0 reach the IP layer
    stack = _paths(L, "stack")
    ip = L.box("ip")
    assert len(stack) == 2 and all(any(ip.contains(*pt) for pt in p.points) for p in stack)
    text = host_inside_text(host)
    assert "IP stack sees: virbr0 192.168.122.1/24, eth0 192.168.1.10/24" in text
    assert "routing: ip_forward=1: packets from virbr0 are forwarded out of eth0" in text
    assert "netfilter: nat POSTROUTING MASQUERADE rewrites the source" in text


def test_host_only_reaches_the_ip_layer_but_forwards_nothing(labs):
    host = labs["host_only"].host("host")
    L = host_inside_layout(host)
    assert not _paths(L, "routed") and len(_paths(L, "closed")) == 1
    assert not [b for b in L.boxes if b.kind == "netfilter"]
    assert len(_paths(L, "stack")) == 2
    assert "ip_forward=0" in L.box("ip").label
    assert ("routing: ip_forward=0: nothing is forwarded between vboxnet0 and eth0"
            in host_inside_text(host))


def test_bridged_ip_layer_sees_br0_not_eth0(labs):
    host = labs["bridged"].host("host")
    L = host_inside_layout(host)
    stack = _paths(L, "stack")
    br0 = L.box("bridge", "br0")
    eth0 = L.box("nic", "eth0")
    assert len(stack) == 1 and stack[0].points[0][0] == br0.x + br0.w  # from br0's edge
    assert not any(eth0.contains(*pt) or abs(pt[1] - (eth0.y + eth0.h)) < 1e-9
                   for p in stack for pt in p.points)
    assert "host:ip@br0" in L.positions and "host:ip@eth0" not in L.positions
    assert any("the IP stack\nsees br0, not eth0" in n[2] for n in L.notes)
    text = host_inside_text(host)
    assert "IP stack sees: br0 192.168.1.10/24" in text
    assert "eth0 is a port of br0: its frames go to br0, and the IP stack sees br0" in text


def test_the_picture_widens_rather_than_overlap_for_many_taps():
    lab = scenarios.nat(vms=4)
    L = host_inside_layout(lab.host("host"))
    assert L.width > 14
    ip = L.box("ip")
    bridge = L.box("bridge")
    assert bridge.x + bridge.w < ip.x
