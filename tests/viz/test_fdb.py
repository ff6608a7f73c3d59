"""netsim.viz.fdb: the table's rows are the FDB's entries; one timeline mark per change."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest
from lab_builders import VM1, VM2, bridge_with_taps_and_lan, ok, raw_frame

from netsim.packets.addr import BROADCAST_MAC, mac_ntoa
from netsim.viz import fdb, fdb_events, fdb_rows, fdb_text

matplotlib.use("Agg")


@pytest.fixture
def moved_and_aged():
    """VM1 speaks on tap0, then on tap1 (moved); VM2 on tap1; time passes; tap1 leaves."""
    lab, host, _lan, vms = bridge_with_taps_and_lan()
    vms[0].write(raw_frame(BROADCAST_MAC, VM1))
    lab.run(1.0)
    vms[1].write(raw_frame(BROADCAST_MAC, VM1))
    vms[1].write(raw_frame(BROADCAST_MAC, VM2))
    lab.run(1.0)
    br = host.ns.get("br0")
    return lab, host, br


def test_rows_are_the_fdbs_entries(moved_and_aged):
    lab, _host, br = moved_and_aged
    rows = fdb_rows(br)
    entries = {mac_ntoa(e.mac): e for e in br.fdb.entries.values()}
    assert [r.mac for r in rows] == sorted(entries)
    now = br.ns.env.now
    for r in rows:
        e = entries[r.mac]
        assert r.port == (e.port.dev.name if e.port else br.name)
        assert r.is_local == e.is_local
        assert r.ageing == (None if e.is_static else pytest.approx(now - e.updated))
    by_mac = {r.mac: r for r in rows}
    assert by_mac[mac_ntoa(VM1)].port == "tap1"  # it moved
    assert not by_mac[mac_ntoa(VM1)].is_local
    assert by_mac["fe:54:00:00:00:01"].is_local  # tap0's own MAC
    table = fdb(br)
    cells = table.get_celld()
    assert max(r for r, _c in cells) == len(rows)  # a header row plus one row per entry
    assert [cells[i + 1, 0].get_text().get_text() for i in range(len(rows))] == \
        [r.mac for r in rows]
    text = fdb_text(br)
    assert len(text.splitlines()) == 2 + len(rows)
    assert all(r.mac in text for r in rows)


def test_timeline_has_one_mark_per_learn_age_flush_record(moved_and_aged):
    lab, host, br = moved_and_aged
    lab.run(br.ageing_time + 10)  # everything learned ages out
    ok(host, "ip link set tap1 nomaster")  # a flush of tap1's (local) entries
    changes = [r for r in lab.trace if r.layer == "bridge"
               and r.action in ("learn", "age", "flush")]
    kinds = [e.kind for e in fdb_events(lab.trace, br)]
    assert kinds.count("moved") == 1
    assert kinds.count("aged out") == 2
    assert kinds.count("flushed") == 1
    assert len(kinds) == len(changes)
    table, marks = fdb(br, history=lab.trace)
    assert len(marks) == len(changes)
    assert [m.fdb_event.record for m in marks] == changes
    # Each mark sits at its record's time, in the lane of its MAC (or of the flush).
    for m, r in zip(marks, changes, strict=True):
        assert m.get_xdata()[0] == pytest.approx(r.time)
    assert table.axes is not marks[0].axes
    text = fdb_text(br, lab.trace)
    assert sum(line.startswith(" ") and " s  " in line for line in text.splitlines()) == \
        len(changes)
    plt.close("all")


def test_empty_history_draws_no_marks(moved_and_aged):
    _lab, _host, br = moved_and_aged
    _table, marks = fdb(br, history=[])
    assert marks == []
    assert "(none)" in fdb_text(br, [])
    plt.close("all")


def test_a_ping_s_changes_tick_in_microseconds_from_the_first(tmp_path):
    """Learned a second into the run, microseconds apart: the axis counts µs from the
    first change, never seconds with an offset ("1.00001" five times)."""
    import netsim

    lab = netsim.Lab(seed=0)
    h1, h2, h3 = lab.host("h1"), lab.host("h2"), lab.host("h3")
    lab.link("h1:eth0", "h2:eth0")
    lab.link("h1:eth1", "h3:eth0")
    ok(h1, ("ip link add name br0 type bridge && ip link set eth0 master br0 && "
             "ip link set eth1 master br0 && ip link set br0 up && ip link set eth0 up && "
             "ip link set eth1 up"))
    ok(h2, ("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up"))
    ok(h3, ("ip addr add 10.0.0.3/24 dev eth0 && ip link set eth0 up"))
    lab.run(1.0)
    ok(h2, ("ping -c 1 10.0.0.3"))
    matplotlib.use("Agg")
    fdb(h1.ns.get("br0"), history=lab.trace)
    fig = plt.gcf()
    fig.canvas.draw()
    timeline = fig.axes[-1]
    assert timeline.get_xlabel().startswith("simulated time (µs after t = 1.0")
    labels = [t.get_text() for t in timeline.get_xticklabels()]
    assert labels and "0" in labels and not any("e" in text for text in labels)
    assert timeline.xaxis.get_offset_text().get_text() == ""
    plt.close(fig)
