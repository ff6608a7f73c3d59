"""viz.player: one self-contained HTML page stepping through a journey, built from the trace.

What the page *does* in a browser is tested in tests/browser/; here, what it holds: the
steps the trace gives, both pictures' places, copies of a flooded frame, NAT's rewrite,
the bridge table replayed from learn/age/flush records, escaping, size and build time.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

import netsim
import netsim.viz as viz
from netsim import scenarios
from netsim.viz.animate import default_frames, select

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def nat_ping():
    """libvirt's NAT: vm1 pings web through the host's and gw's MASQUERADE."""
    lab = scenarios.nat(vms=1)
    out = lab.vm("vm1").guest.sh("ping -c 1 198.51.100.10").stdout
    assert "1 received" in out
    return lab


def markup_lab():
    """A switch called ``a&b`` whose bridge is ``<i>x``; c pings d, whose firewall drops it."""
    lab = netsim.Lab(seed=0)
    sw = lab.host("a&b")
    peers = [lab.host(n) for n in ("c", "d", "e")]
    for i, peer in enumerate(peers):
        lab.link(f"a&b:eth{i}", f"{peer.name}:eth0")
        assert peer.sh(f"ip addr add 10.0.0.{i + 1}/24 dev eth0 && ip link set eth0 up"
                       ).returncode == 0
    for cmd in ["ip link add name '<i>x' type bridge", "ip link set '<i>x' up",
                *(f"ip link set eth{i} master '<i>x' && ip link set eth{i} up" for i in range(3))]:
        assert sw.sh(cmd).returncode == 0, cmd
    assert peers[1].sh("iptables -A INPUT -p icmp -j DROP").returncode == 0
    assert "0 received" in peers[0].sh("ping -c 1 -W 1 10.0.0.2").stdout
    return lab


@pytest.fixture(scope="module")
def markup():
    return markup_lab()


def page_data(page: str) -> dict:
    """The JSON a page holds, read back the way its script reads it."""
    m = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def step(player, k: int) -> dict:
    """Step ``k`` of a player as a dict, its strings looked up."""
    d = player.data
    row = dict(zip(d["fields"], d["steps"][k], strict=True))
    for name in ("host", "place", "spot", "topo", "layer", "action", "func", "reason"):
        row[name] = d["S"][row[name]]
    row["facts"] = d["facts"][row["facts"]] if row["facts"] >= 0 else {}
    return row


def layers(player, pk: int) -> dict[str, dict[str, str]]:
    """A decoded packet as {layer: {field: value}}."""
    S = player.data["S"]
    return {S[n]: {S[f]: S[v] for f, v in fields}
            for n, _s, _e, fields in player.data["packets"][pk][2]}


# ------------------------------------------------------------------ what it selects
def test_default_is_the_last_ping_request_and_reply(nat_ping):
    p = viz.player(nat_ping)
    assert isinstance(p, viz.Player)
    assert [f[0] for f in p.data["frames"]] == default_frames(nat_ping)
    assert len(p) == len(select(nat_ping)) == len(p.data["steps"])
    assert "the last ping" in p.title
    assert step(p, 0)["func"] == "ping_v4_sendmsg"
    assert step(p, len(p) - 1)["func"] == "ping_rcv"


def test_frames_by_id_by_predicate_and_by_time(nat_ping):
    request, reply = default_frames(nat_ping)
    only = viz.player(nat_ping, frames=[reply])
    assert {f[0] for f in only.data["frames"]} == {reply}
    assert len(only) == len(nat_ping.trace.filter(frame=reply))
    by_pred = viz.player(nat_ping, frames=lambda r: r.frame_id == request)
    assert {f[0] for f in by_pred.data["frames"]} == {request}
    times = [r.time for r in select(nat_ping)]
    middle = sorted(set(times))[len(set(times)) // 2]
    late = viz.player(nat_ping, since=middle)
    early = viz.player(nat_ping, until=middle)
    assert len(late) == sum(t >= middle for t in times)
    assert len(early) == sum(t <= middle for t in times)
    assert late.data["t0"] == middle and late.data["steps"][0][0] == 0  # time from the first


def test_nothing_to_play_says_what_to_do():
    lab = netsim.Lab(seed=0)
    lab.host("h1")
    with pytest.raises(ValueError, match=r"no ping in the trace yet .*ping -c 1"):
        viz.player(lab)
    with pytest.raises(ValueError, match="no trace record of those frames"):
        viz.player(lab, frames=[12345])
    with pytest.raises(TypeError, match=r"viz.player\(\) expected a Lab"):
        viz.player(lab.host("h1"))


# ------------------------------------------------------------------ the page
def test_the_page_is_one_document_that_fetches_nothing(nat_ping):
    whole = viz.player(nat_ping).html
    assert whole.startswith("<!DOCTYPE html>")
    # the data (reasons say "src=10.0.0.1") is no markup: every "<" in it is escaped
    data = re.search(r'(<script type="application/json"[^>]*>)(.*?)(</script>)', whole, re.S)
    assert "<" not in data.group(2) and ">" not in data.group(2) and "&" not in data.group(2)
    page = whole.replace(data.group(2), "")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    for fetching in ("<link", "<img", " src=", "href=", "@import", "url(", "fetch(",
                     "XMLHttpRequest", "WebSocket", "import("):
        assert fetching not in page, fetching
    # the only address is SVG's namespace, a name and not a request
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) == {"http://www.w3.org/2000/svg"}
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "innerHTML" not in page and "insertAdjacentHTML" not in page
    assert "document.write" not in page


def test_building_a_player_imports_no_matplotlib():
    code = ("import sys\nfrom netsim import scenarios\nimport netsim.viz as viz\n"
            "lab = scenarios.nat(vms=1)\n"
            "lab.vm('vm1').guest.sh('ping -c 1 198.51.100.10')\n"
            "page = viz.player(lab).html\n"
            "print(len(page) > 0, any(m.split('.')[0] == 'matplotlib' for m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.split() == ["True", "False"]


def test_names_with_markup_stay_text(markup, tmp_path):
    p = viz.player(markup, frames=lambda r: True, title="<b>ping</b> & co")
    page = p.save(tmp_path / "markup.html").read_text(encoding="utf-8")
    assert "<i>" not in page and "<b>" not in page and "a&b" not in page
    assert "<title>&lt;b&gt;ping&lt;/b&gt; &amp; co</title>" in page
    assert "\\u003ci\\u003ex" in page and "a\\u0026b" in page
    data = page_data(page)   # the script's JSON.parse gets the names back, as text
    assert "a&b" in data["S"] and "a&b:<i>x" in data["S"]
    assert data["title"] == "<b>ping</b> & co"
    assert any(b["name"] == "<i>x" and b["host"] == "a&b" for b in data["bridges"])
    assert "a&b:<i>x" in data["topology"]["nodes"]


def test_a_notebook_shows_it_in_an_iframe_of_its_own(nat_ping):
    one, two = viz.player(nat_ping), viz.player(nat_ping)
    frame = one._repr_html_()
    assert frame.startswith("<iframe srcdoc=\"") and frame.endswith("</iframe>")
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', frame).group(1)
    assert html.unescape(srcdoc) == one.html
    ids = {re.search(r'<div class="nsp" id="(nsp\d+)"', p.html).group(1) for p in (one, two)}
    assert len(ids) == 2   # two players on one page never share an id
    assert 'title="netsim player: the last ping' in frame


def test_save_writes_the_page(nat_ping, tmp_path):
    p = viz.player(nat_ping)
    path = p.save(tmp_path / "ping.html")
    assert path.read_text(encoding="utf-8") == p.html
    assert repr(p) == f"<netsim player: {p.title!r}, {len(p)} steps>"


# ------------------------------------------------------------------ what it shows
def test_every_step_has_a_place_in_both_pictures(nat_ping):
    p = viz.player(nat_ping)
    d = p.data
    nodes, edges, boxes = (d["topology"][k] for k in ("nodes", "edges", "boxes"))
    assert [v["host"] for v in d["inside"]][0] == "host"  # the busiest host first
    assert {"host", "gw", "web"} <= {v["host"] for v in d["inside"]}
    for k in range(len(p)):
        s = step(p, k)
        view = d["inside"][s["inside"]]
        assert any(key in view["pos"] for key in (s["spot"], s["place"], s["host"])), s
        kind, _, name = s["topo"].partition(":")
        assert ((kind == "n" and name in nodes) or (kind == "e" and int(name) < len(edges))
                or (kind == "m" and name in boxes)), s["topo"]
    # the guest's steps are drawn inside the host that runs it; qemu's on its line
    first = step(p, 0)
    assert first["host"] == "vm1" and d["inside"][first["inside"]]["host"] == "host"
    qemu = next(step(p, k) for k in range(len(p)) if step(p, k)["place"] == "host:qemu")
    assert edges[int(qemu["topo"][2:])][0] == "qemu"
    wire = next(step(p, k) for k in range(len(p)) if step(p, k)["place"] == "host")
    assert edges[int(wire["topo"][2:])][0] == "cable"
    assert wire["spot"] == "switch"   # inside host: on the tick of the cable's far end
    ip = next(step(p, k) for k in range(len(p)) if step(p, k)["func"] == "ip_forward")
    assert ip["spot"] == "host:ip"    # the IP layer's work is in the IP stack's box


def test_a_flooded_frame_lights_each_copy(markup):
    p = viz.player(markup, frames=lambda r: True)
    flood = next(k for k in range(len(p)) if step(p, k)["action"] == "flood")
    s = step(p, flood)
    ports = s["reason"].rpartition("flooding to ")[2].split(", ")
    assert len(ports) == 2 and len(s["copies"]) == 2
    S = p.data["S"]
    assert {S[place] for place, _key in s["copies"]} == {f"a&b:{port}" for port in ports}
    # the copy passed up to the bridge's own stack starts at the flood
    up = next(k for k in range(flood, len(p)) if step(p, k)["action"] == "pass-up")
    assert step(p, up)["from"] == flood
    # a copy on one cable is not taken for the copy on another
    wires = [k for k in range(flood, up) if step(p, k)["place"] == "a&b"]
    assert len(wires) == 2 and step(p, wires[1])["from"] != wires[0]
    # the copy that reaches e came over e's cable
    at_e = next(k for k in range(up, len(p)) if step(p, k)["place"] == "e:eth0")
    assert step(p, step(p, at_e)["from"])["facts"]["to"] == "e:eth0"
    drop = next(k for k in range(len(p)) if step(p, k)["action"] == "drop"
                and step(p, k)["layer"] == "netfilter")
    assert step(p, drop)["host"] == "d" and "DROP" in step(p, drop)["facts"]["rule"]


def test_nat_steps_carry_the_rewrite_and_the_bytes_before_and_after(nat_ping):
    p = viz.player(nat_ping)
    nats = [k for k in range(len(p)) if step(p, k)["action"] == "nat"]
    assert len(nats) == 4   # out: host, gw; back: gw, host
    for k in nats:
        s = step(p, k)
        before = max(j for j in range(k) if step(p, j)["frame"] == s["frame"]
                     and step(p, j)["packet"] >= 0)
        side = "source" if s["facts"]["manip"] == "src" else "destination"
        assert layers(p, step(p, before)["packet"])["IPv4"][side] == s["facts"]["from"]
        assert layers(p, s["packet"])["IPv4"][side] == s["facts"]["to"]
    rule = step(p, nats[0])["facts"]
    assert rule["target"] == "MASQUERADE" and rule["to"] == "192.168.1.10"
    assert step(p, nats[1])["facts"]["to"] == "198.51.100.1"


def replay(table: dict, upto: int | None = None) -> dict[str, str]:
    """The page's FDB replay, in Python: the learned entries after trace index ``upto``."""
    entries = dict(table["initial"])
    for index, kind, mac, port, _moved, _time in table["events"]:
        if upto is not None and index > upto:
            break
        if kind in ("learned", "moved"):
            entries[mac] = port
        elif kind == "aged out":
            entries.pop(mac, None)
        elif kind == "flushed":
            entries = {m: q for m, q in entries.items() if q != port}
    return entries


def test_the_fdb_is_replayed_as_it_was_at_each_step(markup):
    p = viz.player(markup, frames=lambda r: True)
    table = next(b for b in p.data["bridges"] if b["name"] == "<i>x")
    br = markup.host("a&b").ns.get("<i>x")
    now = {e.mac.hex(":"): e.port.dev.name for e in br.fdb.entries.values() if not e.is_local}
    assert replay(table) == now                # the whole history ends where the bridge is
    assert table["initial"] == []              # the trace saw every entry learned
    assert len(table["local"]) == 3            # the ports' own addresses
    learn = next(k for k in range(len(p)) if step(p, k)["action"] == "learn")
    s = step(p, learn)
    before, after = replay(table, s["trace"] - 1), replay(table, s["trace"])
    assert s["facts"]["mac"] not in before and after[s["facts"]["mac"]] == s["facts"]["port"]
    forward = next(k for k in range(len(p)) if step(p, k)["action"] == "forward")
    s = step(p, forward)   # the entry that decided is in the table at that step
    assert replay(table, s["trace"])[s["facts"]["mac"]] == s["facts"]["port"]


def test_entries_learned_before_the_trace_are_there_from_the_start():
    from netsim.app.demo import arp_request, build

    lab, vm = build()
    vm.write(arp_request())
    vm.read(timeout=0.5)
    lab.trace.clear()   # br0 learned both MACs; the trace no longer says so
    assert lab.host("host").sh("ping -c 1 10.0.0.2").returncode == 0
    p = viz.player(lab)
    table = next(b for b in p.data["bridges"] if b["name"] == "br0")
    assert table["events"] == []
    assert dict(table["initial"]) == {"52:54:00:12:34:56": "tap0", "ae:4c:09:c2:e7:e3": "eth0"}


# ------------------------------------------------------------------ size and time
def pings(count: int):
    lab = scenarios.nat(vms=1)
    out = lab.vm("vm1").guest.sh(f"ping -c {count} -i 0.2 198.51.100.10").stdout
    assert f"{count} received" in out
    return lab


def every_ping(r) -> bool:
    return r.func in ("ping_v4_sendmsg", "icmp_echo")


def test_a_100_hop_journey_builds_fast_and_small():
    lab = pings(2)
    lab.trace.records  # noqa: B018 -- the trace's own rendering is not the player's time
    start = time.perf_counter()
    p = viz.player(lab, frames=every_ping)
    page = p.html
    took = time.perf_counter() - start
    print(f"\n{len(p)} steps: built in {took * 1e3:.1f} ms, {len(page) / 1e3:.1f} KB")
    assert 100 <= len(p) <= 160
    assert len(page.encode()) < 500_000
    assert took < 1.0   # the target is 0.3 s; measured ~0.01 s


def test_a_5000_hop_selection_builds_and_stays_compact():
    lab = pings(90)
    lab.trace.records  # noqa: B018
    start = time.perf_counter()
    p = viz.player(lab, frames=every_ping)
    page = p.html
    took = time.perf_counter() - start
    size = len(page.encode())
    print(f"\n{len(p)} steps: built in {took:.2f} s, {size / 1e6:.2f} MB")
    assert len(p) >= 5000
    assert size < 5_000_000 and size / len(p) < 400   # strings and packets written once
    assert len(p.data["packets"]) < len(p) / 3
    assert took < 10.0


# ------------------------------------------------------------------ where it is used
def test_the_demo_writes_the_player(tmp_path, capsys):
    from netsim.app.main import main

    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert f"wrote {tmp_path / 'demo.html'}" in capsys.readouterr().out
    data = page_data((tmp_path / "demo.html").read_text(encoding="utf-8"))
    places = {data["S"][s[3]] for s in data["steps"]}
    assert {"host:tap0", "host:br0", "host:eth0", "lan:eth0"} <= places
    assert data["title"].startswith("netsim demo")


@pytest.mark.parametrize("name", ["01_the_seed.ipynb", "02_vm_network_modes.ipynb"])
def test_the_notebooks_show_a_player(name):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    assert any(c.cell_type == "code" and "viz.player(lab)" in c.source for c in nb.cells)


def test_the_wheel_takes_the_page_assets():
    """hatch ships every file of the package that git does not ignore (as it ships
    sysctl_linux618.txt): the page's script and style must be such files."""
    import tomllib
    from importlib import resources

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["netsim"] and not wheel.get("exclude")
    for name in ("player.js", "player.css"):
        path = ROOT / "netsim" / "viz" / "player" / name
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT)
        assert ignored.returncode == 1, f"{name} is git-ignored: the wheel would leave it out"
        assert resources.files("netsim.viz.player").joinpath(name).read_text(encoding="utf-8")
