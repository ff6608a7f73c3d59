"""Every picture reads at the size it is shown (issue 13): no text under 9 points, no
text over another, the animation's address tags over no label, its frames named by what
they are, times a student reads at a glance.

The labs: the seed's (vm1's qemu on tap0, a port of br0 with eth0 cabled to lan; vm1
pings lan) and libvirt's NAT with two VMs (vm2 pings web through both NATs).
"""

from __future__ import annotations

import re

import matplotlib
import pytest
from lab_builders import bridge_and_lan, ok
from viz_geometry import drawn_texts, overlap, overlapping, small_texts

from netsim import scenarios
from netsim.viz import animate, host_inside, ladder, ladder_text, stp, topology
from netsim.viz.animate import DPI, default_frames
from netsim.viz.ladder import hops, short_summary

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")

QEMU = ("qemu-system-x86_64 -name vm1 -daemonize -display none -nodefaults "
        "-netdev tap,id=n,ifname=tap0,script=no -device e1000,netdev=n")
# "+5.98 µs", "+350 µs", "+1.25 ms", "+3.00 s", "+0": a time since something
DURATION = re.compile(r"^[+-](0|\d+(\.\d{1,2})? (µs|ms|s))$")


@pytest.fixture(scope="module")
def seed():
    lab, host, _lan = bridge_and_lan()
    ok(host, "ip addr add 10.0.0.1/24 dev br0")
    ok(host, "ip tuntap add tap0 mode tap && ip link set tap0 master br0 && ip link set tap0 up")
    ok(host, QEMU)
    vm = lab.vm("vm1")
    ok(vm, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up && ping -c 1 10.0.0.2")
    lab.run(310)  # a later ping: times in the trace are large, the pictures' are not
    ok(vm, "ping -c 1 10.0.0.2")
    return lab


@pytest.fixture(scope="module")
def nat():
    lab = scenarios.nat(vms=2)
    ok(lab.vm("vm2").guest, "ping -c 1 198.51.100.10")
    return lab


def _flooded(lab) -> int:
    """The host's ARP request for vm2, which virbr0 floods to both VMs' taps."""
    return next(r.frame_id for r in lab.trace.records
                if r.action == "flood" and r.host == "host" and r.frame_id
                and sum(1 for s in lab.trace.records if s.frame_id == r.frame_id
                        and s.func == "tun_net_xmit") == 2)


def _check(fig, texts=None) -> None:
    assert small_texts(fig) == []
    assert overlapping(fig, texts if texts is not None else drawn_texts(fig)) == []


# ------------------------------------------------------------------ static pictures
def test_the_seeds_pictures_are_9_point_and_nothing_overlaps(seed):
    host = seed.host("host")
    _check(topology(seed)["ax"].figure)
    _check(host_inside(host)["ax"].figure)
    request = default_frames(seed)[0]
    _check(ladder(seed.trace.filter(frame=request))[0].figure)
    # the ARP exchange and both pings on one ladder: four frames, a flood
    ids = set(default_frames(seed)) | {r.frame_id for r in seed.trace.records
                                       if r.func in ("arp_solicit", "arp_process")
                                       and r.frame_id}
    _check(ladder([r for r in seed.trace.records if r.frame_id in ids])[0].figure)


@pytest.mark.parametrize("mode", ["nat", "host_only", "bridged", "nat_user"])
def test_the_mode_labs_pictures_are_9_point_and_nothing_overlaps(mode, nat):
    lab = nat if mode == "nat" else getattr(scenarios, mode)(vms=2)
    _check(topology(lab)["ax"].figure)
    _check(host_inside(lab.host("host"))["ax"].figure)
    if mode == "nat":
        _check(ladder(lab.trace.filter(frame=default_frames(lab)[0]))[0].figure)
        _check(ladder(lab.trace.filter(frame=_flooded(lab)))[0].figure)


def test_the_spanning_tree_is_9_point():
    from test_stp_picture import ring  # the ring of three bridges

    lab, _h = ring()
    lab.run(10)
    _check(stp(lab)["title"].figure)


def test_host_inside_puts_every_marker_spot_clear_of_every_label(seed, nat):
    """A frame waiting at a place covers none of the picture's words."""
    for lab in (seed, nat, scenarios.nat_user(vms=2)):
        drawn = host_inside(lab.host("host"))
        ax = drawn["ax"]
        ax.figure.canvas.draw()
        renderer = ax.figure.canvas.get_renderer()
        words = [(t.get_text(), t.get_window_extent(renderer).extents) for t in drawn["texts"]]
        r = 6 * ax.figure.dpi / 72  # an 11-point marker, and a little air
        for where, xy in drawn["positions"].items():
            px, py = ax.transData.transform(xy)
            spot = (px - r, py - r, px + r, py + r)
            assert [w for w, box in words if overlap(spot, tuple(box))] == [], where


def test_the_topology_fills_its_figure(seed, nat):
    """No margins but the picture's own: the machines span the figure but for half an
    inch (the one-row lab: but for its legend's strip on the right)."""
    for lab in (seed, nat):
        drawn = topology(lab)
        fig, ax = drawn["ax"].figure, drawn["ax"]
        fig.canvas.draw()
        width, height = fig.get_size_inches()
        boxes = [p.get_window_extent() for p in drawn["boxes"].values()]
        left = min(b.x0 for b in boxes) / fig.dpi
        right = max(b.x1 for b in boxes) / fig.dpi
        bottom = min(b.y0 for b in boxes) / fig.dpi
        top = max(b.y1 for b in boxes) / fig.dpi
        strip = width * (1 - ax.get_position().x1)
        assert left < 0.5 and width - strip - right < 0.5
        assert bottom < 0.7 and height - top < 0.5  # a cable's dip has room below


# ------------------------------------------------------------------ the animation
def _every_step(anim):
    """Each step drawn in turn: the texts shown (caption, legend, tags) with the
    picture's labels, and the markers' extents."""
    fig = anim.netsim_caption.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    words = [(t.get_text(), tuple(t.get_window_extent(renderer).extents))
             for t in anim.netsim_labels]
    for i in range(len(anim.netsim_steps)):
        anim.netsim_update(i)
        yield i, fig, renderer, words


def test_animation_text_is_9_point_at_its_shown_size(seed):
    """Shown at its pixel size (the HTML player), an inch of the figure is 96 px: a CSS
    inch. Every text, the picture's labels included, is 9 points or more."""
    anim = animate(seed, snapshot=False)
    fig = anim.netsim_caption.figure
    assert fig.dpi >= DPI == 96
    assert small_texts(fig) == []
    assert fig.get_figwidth() * fig.dpi <= 1100  # fits a notebook's cell


@pytest.mark.parametrize("which", ["seed", "nat", "flood"])
def test_tags_cover_no_label_and_no_text_overlaps_at_any_step(which, seed, nat):
    lab = seed if which == "seed" else nat
    anim = animate(lab, frames=[_flooded(nat)] if which == "flood" else None)
    legend = anim.netsim_legend
    for i, fig, renderer, words in _every_step(anim):
        tags = [t for t in anim.netsim_tags if t.get_text()]
        shown = [anim.netsim_caption, *legend.get_texts(), *tags]
        assert overlapping(fig, shown) == [], i
        picture = anim.netsim_markers[0].axes.get_window_extent(renderer)
        for tag in tags:
            box = tag.get_window_extent(renderer)
            assert [w for w, other in words if overlap(tuple(box.extents), other)] == [], \
                (i, tag.get_text())
            assert picture.x0 <= box.x0 and box.x1 <= picture.x1, (i, tag.get_text())
        for m in anim.netsim_markers:  # a marker never sits on a word either
            x, y = m.get_data()
            if len(x):
                px, py = m.axes.transData.transform((x[0], y[0]))
                spot = (px - 5, py - 5, px + 5, py + 5)
                assert [w for w, other in words if overlap(spot, other)] == [], (i, m)


def test_the_legend_names_the_frames_by_what_they_are(seed, nat):
    names = [t.get_text() for t in animate(seed).netsim_legend.get_texts()]
    assert names == ["echo request", "echo reply"]
    names = [t.get_text() for t in animate(nat, frames=[_flooded(nat)]).netsim_legend.get_texts()]
    assert names == ["ARP request"]
    dhcp = sorted({r.frame_id for r in nat.trace.records if r.frame_id and "BOOTP" in r.summary
                   and r.host == "vm1"})
    names = {re.sub(r" #\d+$", "", t.get_text())
             for t in animate(nat, frames=dhcp).netsim_legend.get_texts()}
    assert names == {"DHCP discover", "DHCP offer", "DHCP request", "DHCP ACK"}
    # two frames of the same kind are told apart by their ids
    pings = [r.frame_id for r in seed.trace.records if r.func == "ping_v4_sendmsg"]
    names = [t.get_text() for t in animate(seed, frames=pings).netsim_legend.get_texts()]
    assert names == [f"echo request #{f}" for f in pings]


def test_a_flood_moves_each_copy_through_its_own_vms_boxes(nat):
    """virbr0 floods the ARP request to vnet0 and vnet1: one copy climbs each column,
    through its own tun file and qemu, into its own guest."""
    anim = animate(nat, frames=[_flooded(nat)])
    positions = anim.netsim_positions
    anim.netsim_update(len(anim.netsim_steps) - 1)
    ends = sorted((m.get_xdata()[0], m.get_ydata()[0]) for m in anim.netsim_markers)
    guests = sorted([positions["vm1:eth0"], positions["vm2:eth0"]])
    assert ends == [pytest.approx(g, abs=0.3) for g in guests]
    # at each qemu step, the copy that moved is in a qemu's box: both qemus get one
    qemus = {k: xy for k, xy in positions.items() if k.startswith("host:pid")}
    assert len(qemus) == 2
    used = set()
    steps = anim.netsim_steps
    for before, step in zip(steps, steps[1:], strict=False):
        if step.record.dev == "qemu":
            moved = [xy[:2] for c, xy in step.copies.items()
                     if c not in before.copies or before.copies[c][:2] != xy[:2]]
            assert len(moved) == 1
            used |= {k for k, xy in qemus.items() if moved[0] == pytest.approx(xy)}
    assert used == set(qemus)


# ------------------------------------------------------------------ the HTML player
@pytest.mark.parametrize("how", ["to_jshtml", "save"])
def test_the_html_player_needs_no_network_and_its_buttons_show(seed, tmp_path, how):
    records = [r for r in seed.trace.records if r.frame_id == default_frames(seed)[0]][:4]
    anim = animate(seed, records=records)
    if how == "to_jshtml":
        html = anim.to_jshtml()
        assert anim._repr_html_() == html  # Jupyter shows the same
    else:
        anim.save(tmp_path / "journey.html", writer="html")
        html = (tmp_path / "journey.html").read_text()
    assert re.search(r"https?://", html) is None
    assert "font-awesome" not in html and 'class="fa ' not in html
    buttons = re.findall(r"<button\b.*?</button>", html, re.S)
    assert len(buttons) == 9
    for b in buttons:  # an icon drawn inline, named
        assert re.search(r'<svg [^>]*aria-label="[a-z ]+"', b), b
        assert re.search(r'<path[^>]* d="M[^"]+"', b), b
    if how == "to_jshtml":  # the frames are in the page (a saved page lists PNG files)
        assert html.count("data:image/png;base64") == len(anim.netsim_steps)


def test_the_spanning_tree_player_needs_no_network_either():
    from test_stp_picture import ring

    from netsim.viz import animate_stp

    lab, _h = ring()
    lab.run(10)

    html = animate_stp(lab).to_jshtml()
    assert re.search(r"https?://", html) is None and "<svg " in html


# ------------------------------------------------------------------ the ladder
def test_the_ladder_names_each_frame_once_and_gives_every_hop_its_reason(seed):
    ids = default_frames(seed)
    records = [r for r in seed.trace.records if r.frame_id in ids]
    arrows = ladder(records)
    ax = arrows[0].axes
    texts = [t.get_text() for t in drawn_texts(ax.figure)]
    for f in ids:
        line = next(r.summary for r in records if r.frame_id == f and r.summary)
        short = short_summary(line)  # tcpdump's line without the MACs and the length
        assert sum(short in t for t in texts) == 1, short
    assert [t.get_text() for t in ax.netsim_frame_texts][::2] == [
        f"echo request #{ids[0]}", f"echo reply #{ids[1]}"]
    # no tcpdump line on an arrow: a number and the kernel function
    for a in arrows:
        assert re.fullmatch(r"\(\d+\) \w+", a.hop_label.get_text()), a.hop_label.get_text()
        number = a.hop_label.get_text().split()[0]
        note = a.note.get_text().replace("\n     ", " ")
        assert note.startswith(number + " ")
        assert f"{a.hop.reason.reason} [{a.hop.reason.func}]" in note
    assert len(arrows) == len(hops(records)) == 14
    # the reasons are those of what sent each frame on
    notes = " ".join(t.get_text().replace("\n     ", " ") for t in ax.netsim_notes)
    assert "its rx_handler gives the frame to the bridge [br_handle_frame]" in notes
    # 310 s on, br0 has forgotten lan's MAC: it floods the request, forwards the reply
    assert "not in the FDB: flooding to eth0 [br_flood]" in notes
    assert "is in the FDB behind tap0: forwarding to tap0 only [br_forward]" in notes


def test_a_floods_copies_leave_together_with_one_label_and_one_note(nat):
    frame = _flooded(nat)
    arrows = ladder(nat.trace.filter(frame=frame))
    first, second = arrows[:2]
    assert first.hop.src == second.hop.src == "host:virbr0"
    assert {first.hop.dst, second.hop.dst} == {"host:vnet0", "host:vnet1"}
    assert first.hop_label is second.hop_label and first.note is second.note
    assert first.hop_label.get_text() == "(1) br_flood, 2 copies"
    assert "flooding to vnet1, vnet0 [br_flood]" in first.note.get_text()
    # each copy then climbs its own column: no arrow from one tap to the other
    assert [(h.src, h.dst) for h in hops(nat.trace.filter(frame=frame))
            if h.src.startswith("host:vnet")] == [("host:vnet0", "host:/dev/net/tun"),
                                                  ("host:vnet1", "host:/dev/net/tun")]
    ends = {h.dst for h in hops(nat.trace.filter(frame=frame)) if h.dst.startswith("vm")}
    assert ends == {"vm1:eth0", "vm2:eth0"}


def test_copies_only_move_along_links_in_every_mode(nat):
    """Every hop of every frame of the four labs (their DHCP, ARP, pings, NAT) goes
    between two places of one host, not from its wire; or from a host's wire to another
    host; or between a guest and its host's qemu or slirp."""
    labs = [nat] + [getattr(scenarios, m)(vms=2) for m in ("host_only", "bridged", "nat_user")]
    bad = []
    for lab in labs:
        for vm in ("vm1", "vm2"):
            lab.vm(vm).guest.sh("ping -c 1 198.51.100.10; ping -c 1 192.168.1.20")
        lab.host("lan1").sh("ping -c 1 192.168.1.10")
        for h in hops(lab.trace.records):
            (sh, _, sd), (dh, _, dd) = h.src.partition(":"), h.dst.partition(":")
            process = ("qemu", "slirp", "/dev/net/tun")
            if sh == dh and (sd == "" or sd == dd):
                bad.append((h.frame_id, h.src, h.dst))
            if sh != dh and not (sd == "" or sd in process or dd in process):
                bad.append((h.frame_id, h.src, h.dst))
    assert bad == []


# ------------------------------------------------------------------ times
def test_durations_and_clock_times_read_at_a_glance():
    from netsim.viz.ladder import clock, duration

    assert duration(0.0) == "+0"
    assert duration(5.976e-6) == "+5.98 µs"
    assert duration(22.656e-6) == "+22.7 µs"
    assert duration(0.35e-3) == "+350 µs"
    assert duration(999.996e-6) == "+1.00 ms"
    assert duration(1.25e-3) == "+1.25 ms"
    assert duration(305.00004) == "+305 s"
    assert duration(-2e-6) == "-2.00 µs"
    assert clock(310.000043296) == "310.000 s"


def _decimals(text: str) -> list[int]:
    return [len(m) for m in re.findall(r"\d+\.(\d+)", text)]


def test_every_time_in_the_ladder_and_the_animation_is_short_and_relative(seed, nat):
    for lab in (seed, nat):
        ids = default_frames(lab)
        records = [r for r in lab.trace.records if r.frame_id in ids]
        ax = ladder(records)[0].axes
        head, *times = [t.get_text() for t in ax.netsim_time_texts]
        assert head.startswith("time after\n") and max(_decimals(head)) == 3
        assert times and all(DURATION.match(t) for t in times), times
        assert records[0].time > 1  # the trace's times are large; the ladder's are not
        text = ladder_text(records)
        assert all(max(_decimals(line), default=0) <= 3 for line in text.splitlines()
                   if not line.startswith("  [")), text
        anim = animate(lab)
        for i in (0, len(anim.netsim_steps) - 1):
            anim.netsim_update(i)
            first = anim.netsim_caption.get_text().split("\n")[0]
            _step, since, _clock = re.fullmatch(r"step (\d+/\d+):  (\S+(?: \S+)?)  "
                                               r"\(t = (\d+\.\d{3}) s\)", first).groups()
            assert DURATION.match(since), first
        assert since != "+0"  # the last step is later than the first
