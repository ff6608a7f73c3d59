"""viz.stp, viz.stp_text and viz.animate_stp on a ring of three bridges built by typing."""

from __future__ import annotations

import pytest

import netsim
from netsim import viz

TIMERS = "forward_delay 200 hello_time 100 max_age 600"  # seconds: 2, 1, 6


def ok(host: netsim.Host, cmd: str) -> str:
    res = host.sh(cmd)
    assert res.returncode == 0, (cmd, res.stdout, res.stderr)
    return res.stdout


def ring() -> tuple[netsim.Lab, dict[str, netsim.Host]]:
    """h1, h2, h3 with br0 each, in a ring of veth pairs; h1 has the lowest MACs."""
    lab = netsim.Lab()
    lab.hints = False
    h = {n: lab.host(n) for n in ("h1", "h2", "h3")}
    for host in h.values():
        ok(host, "ip link add br0 type bridge")
    ok(h["h1"], "ip link add e12 address 02:00:00:00:01:02 type veth "
                "peer name e21 address 02:00:00:00:02:01 netns h2")
    ok(h["h2"], "ip link add e23 address 02:00:00:00:02:03 type veth "
                "peer name e32 address 02:00:00:00:03:02 netns h3")
    ok(h["h3"], "ip link add e31 address 02:00:00:00:03:01 type veth "
                "peer name e13 address 02:00:00:00:01:03 netns h1")
    for name, ports in (("h1", ("e12", "e13")), ("h2", ("e21", "e23")), ("h3", ("e31", "e32"))):
        for p in ports:
            ok(h[name], f"ip link set {p} master br0 && ip link set {p} up")
        ok(h[name], f"ip link set br0 type bridge stp_state 1 {TIMERS}")
        ok(h[name], "ip link set br0 up")
    return lab, h


@pytest.fixture
def converged():
    lab, h = ring()
    lab.run(10)
    return lab, h


def dashed(art: dict) -> list[tuple[str, str]]:
    return [k for k, line in art["links"].items() if line.get_linestyle() == "--"]


def test_the_picture_marks_the_lowest_id_as_root_and_dashes_the_blocked_link(converged):
    lab, h = converged
    art = viz.stp(lab)
    lowest = min((host.bridge("br0") for host in h.values()), key=lambda b: b.stp_id)
    assert art["root"] == "h1:br0" == f"{lowest.ns.name}:{lowest.name}"
    assert "ROOT BRIDGE" in art["bridges"]["h1:br0"].get_text()
    assert "8000.2:0:0:0:1:2" in art["bridges"]["h1:br0"].get_text()
    assert len(art["links"]) == 3
    # h2 and h3 both offer cost 2 on their segment: h2 (lower id) is designated, h3 blocks
    assert dashed(art) == [("h2:e23", "h3:e32")] or dashed(art) == [("h3:e32", "h2:e23")]
    assert "alternate" in art["port_labels"]["h3:e32"].get_text()
    assert "blocking" in art["port_labels"]["h3:e32"].get_text()
    assert all(t.get_text() == "cost 2" for t in art["costs"].values())
    sizes = [t.get_fontsize() for group in ("bridges", "port_labels", "costs")
             for t in art[group].values()]
    assert min(sizes) >= 9


def test_the_port_marker_shows_the_state_in_its_colour(converged):
    from netsim.viz.stp import STATE_COLOURS

    lab, _h = converged
    art = viz.stp(lab)
    colours = {pn: m.get_markerfacecolor() for pn, m in art["ports"].items()}
    assert colours["h3:e32"] == STATE_COLOURS["blocking"]
    assert colours["h1:e12"] == STATE_COLOURS["forwarding"]


def test_no_two_labels_overlap(converged):
    lab, _h = converged
    art = viz.stp(lab)
    fig = art["title"].figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    texts = [t for g in ("bridges", "port_labels", "costs") for t in art[g].values()]
    boxes = [t.get_window_extent(r) for t in texts]
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not a.overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())


def test_the_text_twin(converged):
    lab, _h = converged
    lines = viz.stp_text(lab).splitlines()
    assert lines[0] == "h1 br0  id 8000.2:0:0:0:1:2  ROOT bridge, root path cost 0"
    assert lines[3].startswith("h2 br0  id 8000.2:0:0:0:2:1  root 8000.2:0:0:0:1:2 "
                               "via root port e21, root path cost 2")
    port = {ln.split()[0]: ln.split()[1:4] for ln in lines if ln.startswith("  ")}
    assert port["e32"] == ["alternate", "blocking", "cost"]
    assert port["e23"] == ["designated", "forwarding", "cost"]
    assert port["e21"] == ["root", "forwarding", "cost"]
    assert "  e31      root        forwarding  cost 2  -> h1 e13" in lines


def test_after_the_root_port_goes_down_the_new_tree_shows(converged):
    lab, h = converged
    ok(h["h3"], "ip link set e31 down")   # h3's root port
    lab.run(6 + 2 * 2 + 1)               # past max_age + 2 x forward_delay
    text = viz.stp_text(lab)
    assert "h3 br0  id 8000.2:0:0:0:3:1  root 8000.2:0:0:0:1:2 via root port e32, " \
           "root path cost 4" in text
    assert "  e32      root        forwarding" in text
    assert "  e31      disabled    disabled" in text
    art = viz.stp(lab)
    assert art["root"] == "h1:br0"
    assert sorted(map(sorted, dashed(art))) == [["h1:e13", "h3:e31"]]  # the cut link


def test_the_animation_has_a_frame_per_state_change(converged):
    lab, h = converged
    steps = viz.stp_steps(lab)
    states = [s[1] for s in steps]
    # Every port went listening -> learning -> forwarding (or stayed blocking)
    assert states[-1]["h1:e12"] == "forwarding" and states[-1]["h3:e32"] == "blocking"
    seen = {st.get("h1:e12") for st in states}
    assert {"listening", "learning", "forwarding"} <= seen
    cut = lab.now
    ok(h["h3"], "ip link set e31 down")
    lab.run(12)
    anim = viz.animate_stp(lab, since=cut)
    after = anim.netsim_steps
    assert after[0][0] == pytest.approx(cut) and "disabled" in after[0][2]
    assert [s[1]["h3:e32"] for s in after[-3:]] == ["listening", "learning", "forwarding"]
    anim.netsim_update(len(after) - 1)
    assert anim.netsim_art["title"].get_text().startswith(f"t = {after[-1][0]:.2f} s")
    assert anim.to_jshtml()


def test_a_host_is_not_a_lab(converged):
    _lab, h = converged
    with pytest.raises(TypeError, match=r"^viz\.stp\(\) expected a Lab, got Host 'h1': "
                                        r"e\.g\. viz\.stp\(lab\)$"):
        viz.stp(h["h1"])
    with pytest.raises(TypeError, match="viz.stp_text"):
        viz.stp_text(h["h1"])
