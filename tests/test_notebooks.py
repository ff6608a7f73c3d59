"""Every notebook in notebooks/ runs top to bottom in a fresh kernel, and is stored stripped."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIME_LIMIT = 60.0  # seconds, for a whole notebook


def assert_stripped(nb, name: str) -> None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{name}: cell {i} has outputs stored"
        assert cell.execution_count is None, f"{name}: cell {i} has an execution count"


def test_there_is_a_notebook():
    assert any(p.name == "01_the_seed.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    assert_stripped(nbformat.read(path, as_version=4), path.name)
    # The committed version too, once there is one (git show changes nothing).
    rel = path.relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True,
                           text=True)
    if shown.returncode == 0:
        assert_stripped(nbformat.reads(shown.stdout, as_version=4), f"HEAD:{rel}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first cell that fails
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    assert elapsed < TIME_LIMIT, f"{path.name} took {elapsed:.1f} s"
    # It really ran: every code cell executed, and the pictures came out.
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    if path.name == "01_the_seed.ipynb":
        text = "".join(o.get("text", "") for c in code for o in c.outputs)
        assert "12 -> /dev/net/tun" in text
        assert "netsim hint" in text
        images = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
        assert images >= 3  # ladder, topology, fdb
    if path.name == "02_vm_network_modes.ipynb":
        text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                       for c in code for o in c.outputs)
        pages = "".join(o.get("data", {}).get("text/html", "") for c in code for o in c.outputs)
        for mode in ("host-only", "nat", "nat-user", "bridged"):
            assert f"<caption>reachability, {mode} mode</caption>" in pages
        assert "[host-only]" in text and "[no-dnat]" in text and "[not-the-target]" in text
        assert "IP 198.51.100.1.5000 > 198.51.100.10.7: UDP, length 3" in text  # the NAT
        assert "lan1$ echo hi | socat - UDP4:192.168.1.10:5007\nhi\n" in text  # the DNAT
        images = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
        assert images >= 5  # four topologies, one host_inside
    if path.name == "03_spanning_tree.ipynb":
        text = "".join(o.get("text", "") for c in code for o in c.outputs)
        assert "bridge storm" in text and "STP is off on h1:br1, h2:br2, h3:br3" in text
        assert "h1 br1  id 8000.2:0:0:0:1:2  ROOT bridge" in text  # the election
        assert "  e32      alternate   blocking" in text              # the blocked port
        assert "via root port e32, root path cost 4" in text          # after the cut
        assert "h2 br2  id 1000.2:0:0:0:2:1  ROOT bridge" in text     # priority 4096
        images = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
        assert images >= 3  # election, after the cut, new root
        pages = "".join(o.get("data", {}).get("text/html", "") for c in code for o in c.outputs)
        assert "<img" in pages or "animation" in pages.lower()  # the player
