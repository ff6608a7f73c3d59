"""Every notebook (notebooks/ and notebooks/labs/) runs top to bottom in a fresh kernel, in
under a minute, and is stored stripped. The checks below read what only the real run can
print: counters, bridge ids, the checker's verdict."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("**/*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
LAB_NOTEBOOKS = [p for p in NOTEBOOKS if p.parent.name == "labs"]
TIME_LIMIT = 60.0  # seconds, for a whole notebook

_runs: dict[Path, tuple] = {}


def name_of(path: Path) -> str:
    return path.relative_to(ROOT / "notebooks").as_posix()


def execute(nb, path: Path):
    """Run ``nb`` in a fresh kernel, in the notebook's folder; (nb, seconds taken)."""
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first cell that fails
    return nb, time.perf_counter() - start


def run(path: Path):
    """The notebook as stored, executed once per test session."""
    if path not in _runs:
        _runs[path] = execute(nbformat.read(path, as_version=4), path)
    return _runs[path]


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def texts(cells) -> str:
    """Everything the cells printed, and the plain-text form of what they displayed."""
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                   for c in cells for o in c.outputs)


def pages(cells) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for c in cells for o in c.outputs)


def images(cells) -> int:
    return sum("image/png" in o.get("data", {}) for c in cells for o in c.outputs)


def tagged(nb, tag: str) -> list:
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


def assert_stripped(nb, name: str) -> None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{name}: cell {i} has outputs stored"
        assert cell.execution_count is None, f"{name}: cell {i} has an execution count"


# ----------------------------------------------------------------------------- all of them
def test_there_are_the_notebooks_of_the_course():
    names = {name_of(p) for p in NOTEBOOKS}
    assert {"01_the_seed.ipynb", "04_tun_vs_tap.ipynb",
            "05_bridge_mac_table_and_id.ipynb"} <= names


def test_every_shipped_lab_has_its_notebook():
    import netsim.labs

    assert {p.stem for p in LAB_NOTEBOOKS} == {name for name, _ in netsim.labs.shipped()}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name_of)
def test_notebook_is_stored_without_outputs(path):
    assert_stripped(nbformat.read(path, as_version=4), path.name)
    # The committed version too, once there is one (git show changes nothing).
    rel = path.relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True,
                           text=True)
    if shown.returncode == 0:
        assert_stripped(nbformat.reads(shown.stdout, as_version=4), f"HEAD:{rel}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name_of)
def test_notebook_opens_with_its_topology_and_ends_with_questions_and_hidden_answers(path):
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in code_cells(nb)]
    first_picture = next(i for i, s in enumerate(code) if "viz.show(viz.topology" in s
                         or "topology(lab)" in s)
    assert first_picture <= 3, "the topology picture comes first, after the set-up"
    questions = [i for i, c in enumerate(nb.cells)
                 if c.cell_type == "markdown" and c.source.startswith("## Questions")]
    hidden = [i for i, c in enumerate(nb.cells)
              if c.metadata.get("jupyter", {}).get("source_hidden")]
    assert questions and hidden and min(hidden) > questions[-1]
    assert any("Teacher's answers" in nb.cells[i].source for i in hidden)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name_of)
def test_notebook_names_only_files_that_are_in_the_repository(path):
    """A path in backquotes that points into the project (`tests/oracle/`, or the
    `shared/seed/` the first 01 cited) must exist; the simulated machine's paths
    (`/dev/net/tun`) and the kernel's sources (`drivers/net/tun.c`) are not ours."""
    nb = nbformat.read(path, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    ours = ("netsim", "tests", "notebooks", "docs", "benchmarks", "tools", "shared", "seed")
    cited = [p for p in re.findall(r"`([\w.-]+(?:/[\w.-]+)+/?)`", prose)
             if p.split("/")[0] in ours or p.endswith((".md", ".py", ".ipynb", ".yaml"))]
    missing = [p for p in cited if not (ROOT / p).exists()]
    assert missing == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name_of)
def test_notebook_runs_without_errors(path):
    nb, elapsed = run(path)
    errors = [o for c in code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert elapsed < TIME_LIMIT, f"{path.name} took {elapsed:.1f} s"
    # It really ran: every code cell executed, and no raw float time got printed.
    assert all(c.execution_count is not None for c in code_cells(nb))
    assert not re.search(r"\d\.\d+e-\d\d", texts(code_cells(nb)))


# ----------------------------------------------------------------------------- each one
def test_the_seed_notebook():
    path = ROOT / "notebooks" / "01_the_seed.ipynb"
    stored = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in stored.cells)
    for stale in ("not simulated yet", "If this netsim has", "shared/seed", "NOTES.md",
                  "hasattr(viz"):
        assert stale not in source
    assert "20 September 2019" in source
    code = code_cells(run(path)[0])
    text = texts(code)
    assert "12 -> /dev/net/tun" in text
    assert "netsim hint" in text
    assert re.search(r"\d+\.\d µs eth0 send - ARP: who has 10\.0\.0\.2\?", text)
    assert images(code) >= 3  # ladder, topology, fdb


def test_the_modes_notebook():
    code = code_cells(run(ROOT / "notebooks" / "02_vm_network_modes.ipynb")[0])
    text, html = texts(code), pages(code)
    for mode in ("host-only", "nat", "nat-user", "bridged"):
        assert f"<caption>reachability, {mode} mode</caption>" in html
    assert "[host-only]" in text and "[no-dnat]" in text and "[not-the-target]" in text
    assert "IP 198.51.100.1.5000 > 198.51.100.10.7: UDP, length 3" in text  # the NAT
    assert "lan1$ echo hi | socat - UDP4:192.168.1.10:5007\nhi\n" in text  # the DNAT
    assert images(code) >= 5  # four topologies, one host_inside


def test_the_spanning_tree_notebook():
    code = code_cells(run(ROOT / "notebooks" / "03_spanning_tree.ipynb")[0])
    text = texts(code)
    assert "bridge storm" in text and "STP is off on h1:br1, h2:br2, h3:br3" in text
    assert "h1 br1  id 8000.2:0:0:0:1:2  ROOT bridge" in text  # the election
    assert "  e32      alternate   blocking" in text              # the blocked port
    assert "via root port e32, root path cost 4" in text          # after the cut
    assert "h2 br2  id 1000.2:0:0:0:2:1  ROOT bridge" in text     # priority 4096
    assert images(code) >= 4  # the ring, election, after the cut, new root
    html = pages(code)
    assert "<img" in html or "animation" in html.lower()


def _counters(text: str, dev: str) -> list[dict[str, int]]:
    """Each `ip -s link show DEV` printed: its TX counters by name."""
    found = []
    for block in re.findall(rf"\d+: {dev}: .*?TX: +bytes.*?\n(.*?)\n", text, re.S):
        found.append(dict(zip(("bytes", "packets", "errors", "dropped"),
                              map(int, block.split()), strict=False)))
    return found


def test_the_tun_vs_tap_notebook():
    code = code_cells(run(ROOT / "notebooks" / "04_tun_vs_tap.ipynb")[0])
    text = texts(code)
    # a tun: no MAC, no carrier until a process attaches, bare IPv4 to the reader
    assert re.search(r"tun0: <NO-CARRIER,POINTOPOINT,[A-Z,]*NOARP,UP>.*\n\s+link/none", text)
    assert "the process read 84 bytes: 45 00 00 54" in text
    assert "an IPv4 packet from 10.8.0.1 to 10.8.0.2 protocol 1" in text
    assert "RTNETLINK answers: Invalid argument" in text
    assert "can't add tun0 to bridge br0: Invalid argument" in text
    # a tap: a disabled port without carrier, forwarding once qemu holds it
    assert re.search(r"tap0: <NO-CARRIER,.*> .* master br0 state disabled", text)
    assert re.search(r"tap0: <[A-Z,]*LOWER_UP> .* master br0 state forwarding", text)
    # nobody reads: one drop, nothing counted as sent; after the read, two sent
    tap1 = _counters(text, "tap1")
    assert tap1[0]["packets"] == 0 and tap1[0]["dropped"] == 1
    assert tap1[1]["packets"] == 2 and tap1[1]["dropped"] == 1
    assert tap1[2]["dropped"] > tap1[1]["dropped"]  # the reader gone: dropped at once
    assert "the fd's queue is full (2 frames = txqueuelen)" in text
    # vnet_hdr: ten zero bytes before the frame, not counted
    assert "header 00 00 00 00 00 00 00 00 00 00 | frame ff ff ff ff ff ff" in text
    read = int(re.search(r"read (\d+) bytes: header", text).group(1))
    assert _counters(text, "tap2")[0]["bytes"] % (read - 10) == 0
    assert "netsim player" in pages(code)
    assert images(code) >= 2  # the topology, the ladder


def test_the_mac_table_and_bridge_id_notebook():
    code = code_cells(run(ROOT / "notebooks" / "05_bridge_mac_table_and_id.ipynb")[0])
    text = texts(code)
    assert re.search(r"#\d+ +learn +br0: learned ([0-9a-f:]{17}) on p1", text)
    assert "broadcast ff:ff:ff:ff:ff:ff: flooding to p2, p0" in text
    lan2 = re.search(r"#\d+ +learn +br0: learned ([0-9a-f:]{17}) on p2", text).group(1)
    assert re.search(rf"aged out +br0: {lan2} on p2 aged out", text)
    # the id follows the lowest port MAC: tap0's, while vm1 runs
    before, after = re.search(r"host br0 id: (\S+) -> (\S+)", text).groups()
    tap0 = re.findall(r"tap0 +\w+ +([0-9a-f:]{17})", text)[-1]  # once the script set it
    assert before == "8000.525400aa0010" and after == "8000." + tap0.replace(":", "")
    assert after < before
    later = re.findall(r"host br0 id: (\S+)\n", text)
    assert later == [before] * 3  # at first; vm1 stopped; vm2 with its fe: tap
    assert "fe:54:00:12:34:02 dev vnet0 master br0 permanent" in text
    assert "netsim player" in pages(code)


# ----------------------------------------------------------------------------- the labs
def verdict(cell) -> str:
    """The first line of what a check() cell showed: the lab and how many goals are met."""
    return texts([cell]).splitlines()[0]


@pytest.mark.parametrize("path", LAB_NOTEBOOKS, ids=name_of)
def test_a_lab_notebook_as_shipped_ends_with_goals_failing(path):
    nb, _ = run(path)
    for cell in tagged(nb, "student"):  # blank: only what to do, as comments
        assert all(line.startswith("#") for line in cell.source.splitlines() if line.strip())
    last = verdict(tagged(nb, "check")[-1])
    assert re.fullmatch(rf"{path.stem}: .* -- (\d+) of (\d+) goals met", last), last
    met, total = map(int, re.search(r"(\d+) of (\d+) goals", last).groups())
    assert met < total
    # the teacher's solution, collapsed, works on its own fresh copy of the lab
    (teacher,) = tagged(nb, "solution")
    assert teacher.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert f"{path.stem}: " in texts([teacher]) and "-- all goals met" in texts([teacher])


@pytest.mark.parametrize("path", LAB_NOTEBOOKS, ids=name_of)
def test_a_lab_notebook_with_the_solution_typed_in_ends_with_every_goal_met(path):
    nb = nbformat.read(path, as_version=4)
    (teacher,) = tagged(nb, "solution")
    checks = [i for i, c in enumerate(nb.cells) if "check" in c.metadata.get("tags", [])]
    # the student types the teacher's fix into the world, just before the last check
    nb.cells.insert(checks[-1], nbformat.v4.new_code_cell(teacher.source + "\nsolve(lab)"))
    nb, elapsed = execute(nb, path)
    assert elapsed < TIME_LIMIT
    checked = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
    assert verdict(checked[-1]).endswith("-- all goals met")


# ----------------------------------------------------------------------------- the browser
HIDE_MATPLOTLIB = '''
import importlib.abc, sys
for name in [m for m in sys.modules if m.startswith("matplotlib")]:
    del sys.modules[name]

class Hide(importlib.abc.MetaPathFinder):
    """What a pyodide kernel without matplotlib answers (the browser version)."""
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "matplotlib":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Hide())
'''


@pytest.mark.parametrize("name", ["01_the_seed.ipynb", "03_spanning_tree.ipynb"])
def test_a_notebook_without_matplotlib_shows_text_twins_instead_of_tracebacks(name):
    """01 and 03 draw every kind of picture, animations included."""
    path = ROOT / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(HIDE_MATPLOTLIB))
    nb, _ = execute(nb, path)
    code = code_cells(nb)
    assert images(code) == 0  # matplotlib really was missing
    text = texts(code)
    assert text.count("(no matplotlib in this Python:") >= 3
    assert "links\n" in text  # the topology's text twin
    if name == "01_the_seed.ipynb":
        assert "br0 FDB at t=" in text and "netsim player" in pages(code)
    else:
        assert "ROOT bridge" in text
