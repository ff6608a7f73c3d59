"""host_inside places a ping's path; animate moves markers along it; demo writes pcap + GIF."""

from __future__ import annotations

import dpkt
import matplotlib
import pytest
from lab_builders import bridge_and_lan, ok

from netsim.viz import animate, animate_text, host_inside, host_inside_text
from netsim.viz.animate import default_frames
from netsim.viz.ladder import place

matplotlib.use("Agg")
# tests that read the artists without rendering would otherwise hear matplotlib say so
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")

QEMU = ("qemu-system-x86_64 -name vm1 -daemonize -display none -nodefaults "
        "-netdev tap,id=n,ifname=tap0,script=no -device e1000,netdev=n")
PING_PATH = ["vm1:eth0", "host:qemu", "host:/dev/net/tun", "host:tap0", "host:br0",
             "host:eth0", "host"]


@pytest.fixture(scope="module")
def lab():
    """The seed: vm1's qemu on tap0, a port of br0 with eth0 cabled to lan; one ping."""
    lab, host, _lan = bridge_and_lan()
    ok(host, "ip tuntap add tap0 mode tap && ip link set tap0 master br0 && ip link set tap0 up")
    ok(host, QEMU)
    vm = lab.vm("vm1")
    assert "1 received" in ok(vm, "ip addr add 10.0.0.10/24 dev eth0 && ip link set eth0 up "
                                  "&& ping -c 1 10.0.0.2")
    return lab


def test_host_inside_places_the_ping_path(lab):
    drawn = host_inside(lab.host("host"))
    positions = drawn["positions"]
    for where in PING_PATH + ["lan:eth0"]:
        assert where in positions, where
    # every place of the request's trace path has a position, and they are distinct spots
    request = default_frames(lab)[0]
    path = lab.trace.path(request)
    assert all(p in positions for p in path)
    spots = [positions[p] for p in PING_PATH]
    assert len(set(spots)) == len(spots)
    # layers: user space above the tap's char device, above its net device, above br0...
    ys = [positions[p][1] for p in ["host:qemu", "host:/dev/net/tun", "host:tap0",
                                    "host:br0", "host:eth0", "host"]]
    assert ys == sorted(ys, reverse=True)
    labels = " ".join(t.get_text() for t in drawn["texts"])
    assert "/dev/net/tun" in labels and "fd 3 -> /dev/net/tun (tap0)" in labels
    assert "52:54:00:12:34:56 -> tap0" in labels  # the FDB, from br.fdb
    assert "10.0.0.10/24" in labels               # the guest's stack inside qemu's box


def test_host_inside_text(lab):
    text = host_inside_text(lab.host("host"))
    assert "qemu (pid 1034) fd 3 -> /dev/net/tun (attached to tap0)" in text
    assert "tap0: /dev/net/tun (char device, fd 3 of pid 1034) + tap0 (net device)" in text
    assert "FDB:" in text and "52:54:00:12:34:56 -> tap0" in text
    assert "host:eth0 ---- cable ---- lan:eth0" in text


def test_markers_move_where_the_frame_moves(lab):
    anim = animate(lab)
    steps, markers, update = anim.netsim_steps, anim.netsim_markers, anim.netsim_update
    request, reply = default_frames(lab)
    assert {s.record.frame_id for s in steps} == {request, reply}
    moved = 0
    prev = None
    for i, step in enumerate(steps):
        update(i)
        data = [tuple(zip(*(list(v) for v in m.get_data()), strict=True)) for m in markers]
        if prev is not None and place(step.record) != place(steps[i - 1].record):
            assert data != prev, f"step {i}: frame moved to {place(step.record)} but no marker did"
            moved += 1
        prev = data
    assert moved >= 12  # request: 7 hops out, reply: 7 hops back
    # the request's marker ends at the far end of the cable, the reply's in the guest
    positions = anim.netsim_positions
    x, y = markers[0].get_data()
    assert (x[0], y[0]) == pytest.approx(positions["lan:eth0"], abs=0.3)
    x, y = markers[1].get_data()
    assert (x[0], y[0]) == pytest.approx(positions["vm1:eth0"], abs=0.3)


def test_captions_carry_reason_and_function(lab):
    anim = animate(lab)
    for i, step in enumerate(anim.netsim_steps):
        anim.netsim_update(i)
        text = anim.netsim_caption.get_text().replace("\n", " ")
        assert f"[{step.record.func}]" in text
        assert step.record.reason.split()[0] in text
    anim.netsim_update(0)
    assert "ping_v4_sendmsg" in anim.netsim_caption.get_text()
    assert "[br_forward]" in animate_text(lab)


def test_flooded_copies_split_and_drops_end_with_an_x(lab):
    # the ARP request: br0 floods it out of eth0 and also passes a copy up, which br0's
    # ARP then drops (not for us): two markers, one ending as a red X at br0
    arp = next(r.frame_id for r in lab.trace.records if r.func == "arp_solicit")
    anim = animate(lab, frames=lambda r: r.frame_id == arp)
    assert len(anim.netsim_markers) == 2
    last = len(anim.netsim_steps) - 1
    anim.netsim_update(last)
    first, copy = anim.netsim_markers
    assert copy.get_marker() == "X" and copy.get_color() == "red"
    assert (copy.get_xdata()[0], copy.get_ydata()[0]) == pytest.approx(
        anim.netsim_positions["host:br0"])
    assert first.get_marker() == "o"


def test_animation_renders_to_html_and_gif(lab, tmp_path):
    anim = animate(lab, frames=default_frames(lab)[:1])
    html = anim.to_jshtml()
    assert html.count("data:image/png;base64") == len(anim.netsim_steps)
    anim.save(tmp_path / "x.gif", writer="pillow", fps=2)
    assert (tmp_path / "x.gif").read_bytes()[:4] == b"GIF8"


def test_demo_writes_pcap_and_gif(tmp_path, capsys):
    from netsim.app.main import main

    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'demo.gif'}" in out
    assert (tmp_path / "demo.gif").read_bytes()[:4] == b"GIF8"
    with open(tmp_path / "demo.pcap", "rb") as f:
        reader = dpkt.pcap.Reader(f)
        assert reader.datalink() == dpkt.pcap.DLT_EN10MB
        frames = [dpkt.ethernet.Ethernet(buf) for _ts, buf in reader]
    # tap0 and eth0 each saw the ARP request, the ARP reply, the echo and its reply
    assert len(frames) == 8
    kinds = [type(e.data).__name__ for e in frames]
    assert kinds.count("ARP") == 4 and kinds.count("IP") == 4
    echo = [e.data for e in frames if isinstance(e.data, dpkt.ip.IP)]
    assert all(isinstance(ip.data, dpkt.icmp.ICMP) for ip in echo)
    assert bytes(echo[0].src) == bytes([10, 0, 0, 10]) and bytes(echo[0].dst) == bytes(
        [10, 0, 0, 2])
    assert b"netsim-demo-ping" in bytes(echo[0].data.data.data)


def test_demo_text_is_unchanged_without_out(capsys):
    from netsim.app.main import main

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "wrote" not in out and "demo.gif" not in out


def test_a_nat_ping_shows_each_translation_on_the_frames_tag():
    """vm1 -> web through libvirt's NAT and gw's: the tag beside the request's marker
    changes source at the host's eth0, then at gw; the reply's changes destination."""
    from netsim import scenarios

    lab = scenarios.nat(vms=1)
    assert "1 received" in ok(lab.vm("vm1").guest, "ping -c 1 198.51.100.10")
    anim = animate(lab)
    steps, update, tags = anim.netsim_steps, anim.netsim_update, anim.netsim_tags
    nat = [(i, s) for i, s in enumerate(steps) if s.nat]
    assert [s.nat for _i, s in nat] == [
        "NAT src 192.168.122.244 -> 192.168.1.10", "NAT src 192.168.1.10 -> 198.51.100.1",
        "NAT dst 198.51.100.1 -> 192.168.1.10", "NAT dst 192.168.1.10 -> 192.168.122.244"]
    (first, _), (at_gw, _) = nat[0], nat[1]
    update(first - 1)
    assert tags[0].get_text() == "192.168.122.244 > 198.51.100.10"
    update(first)
    assert tags[0].get_text() == "192.168.1.10 > 198.51.100.10"
    assert anim.netsim_caption.get_text().split("\n")[1].startswith("NAT src 192.168.122.244")
    # at the host, the translation happens in netfilter's box on eth0's way out
    x, y = anim.netsim_markers[0].get_data()
    assert (x[0], y[0]) == pytest.approx(anim.netsim_positions["host:nat@eth0"])
    update(at_gw)
    assert tags[0].get_text() == "198.51.100.1 > 198.51.100.10"
    x, y = anim.netsim_markers[0].get_data()
    assert (x[0], y[0]) == pytest.approx(anim.netsim_positions["gw:eth1"])  # gw's box
    update(len(steps) - 1)
    assert tags[1].get_text() == "198.51.100.10 > 192.168.122.244"  # the reply, de-NATed
    assert "NAT src 192.168.122.244 -> 192.168.1.10" in animate_text(lab)


def test_the_nat_ladder_marks_the_hops_whose_addresses_changed():
    from netsim import scenarios
    from netsim.viz import ladder, ladder_text

    lab = scenarios.nat(vms=1)
    ok(lab.vm("vm1").guest, "ping -c 1 198.51.100.10")
    request = default_frames(lab)[0]
    records = lab.trace.filter(frame=request)
    text = ladder_text(records)
    assert "host:virbr0 --> host:eth0" in text
    assert "[NAT src 192.168.122.244 -> 192.168.1.10 at host:eth0]" in text
    assert "[NAT src 192.168.1.10 -> 198.51.100.1 at gw:eth1]" in text
    ax = ladder(records)[0].axes
    nat = [t.get_text() for t in ax.netsim_frame_texts if t.get_text().startswith("NAT ")]
    assert nat == ["NAT src 192.168.122.244 -> 192.168.1.10 at host:eth0",
                   "NAT src 192.168.1.10 -> 198.51.100.1 at gw:eth1"]
