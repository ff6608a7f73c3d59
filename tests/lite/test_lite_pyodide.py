"""netsim in pyodide -- the browser's Python, run here by node -- answers as on CPython.

The site's own pyodide and wheels (tools/lite/build.py; build/lite is reused while
nothing it is made of changed) run a script under node in a few seconds, with no
browser: the lock must load netsim and its dependencies on ``import``, and every line
netsim prints must be the one CPython prints (the same seed, the same world).
tests/browser/test_lite.py then runs the whole site in Chromium.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent

SCRIPT = """\
import sys

import netsim
import netsim.labs
import netsim.viz as viz
from netsim import scenarios

print(sys.platform, file=sys.stderr)
lab = netsim.Lab(seed=0)
h1, h2 = lab.host("h1"), lab.host("h2")
lab.link("h1:eth0", "h2:eth0")
h1.sh("ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
h2.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
print(h1.sh("ping -c 2 10.0.0.2; ip neigh; printf '\\\\377x' | wc -c").stdout)
nat = scenarios.nat(vms=1)
print(nat.vm("vm1").guest.sh("ping -c 1 198.51.100.10").stdout)
player = viz.player(nat)
print(len(player), player.title, len(player._repr_html_()) > 10_000)
print(viz.topology_text(nat))
print(nat.why("vm1", "web"))
user = scenarios.nat_user(vms=1)   # QEMU's user networking: its IPv6 prefix check
print(user.vm("vm1").guest.sh("ping -c 1 10.0.2.2").stdout)
exercise = netsim.labs.load("fix-the-nat")   # PyYAML: the pure wheel made from its sdist
print(exercise.check())
try:
    viz.topology(nat)
except ImportError as missing:
    print("no picture:", type(missing).__name__, file=sys.stderr)
"""


def _missing() -> str | None:
    for module in ("jupyterlite_core", "jupyterlite_pyodide_kernel"):
        if importlib.util.find_spec(module) is None:
            return f"no {module}: pip install -e '.[lite]'"
    if shutil.which("node") is None:
        return "no node (it runs pyodide outside a browser here)"
    return None


@pytest.fixture(scope="module")
def site() -> Path:
    if reason := _missing():
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI has it)")
        pytest.skip(reason)
    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "tools/lite/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return build.build(ROOT / "build" / "lite", build.default_cache(), reuse=True)


def test_netsim_in_pyodide_prints_what_it_prints_on_cpython(site, tmp_path):
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    browser = subprocess.run(["node", str(HERE / "run_in_pyodide.mjs"), str(site), str(script)],
                             capture_output=True, text=True, timeout=300)
    assert browser.returncode == 0, browser.stderr
    # pyodide's own lines ("Loading ...") go to the console, not to Python's stderr
    assert "emscripten" in browser.stderr
    assert "no picture: " in browser.stderr          # matplotlib is not in the site
    here = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert here.returncode == 0, here.stderr
    assert "1 received" in browser.stdout and "fix-the-nat" in browser.stdout
    assert browser.stdout == here.stdout


NOTEBOOKS = """\
import json, sys, traceback

import pyodide_js
from IPython.display import display   # what a notebook's namespace has

for path, cells in json.loads(NBS):
    space = {"display": display, "__name__": "__main__"}
    for i, source in enumerate(cells):
        try:
            # as the kernel does before each cell: load the packages its imports name
            await pyodide_js.loadPackagesFromImports(source)
            exec(compile(source, f"{path} cell {i}", "exec"), space)
        except BaseException:
            print(f"FAILED {path} cell {i}:", traceback.format_exc(limit=-2), file=sys.stderr)
            break
    print("ran", path)
"""


def test_every_notebook_of_the_site_runs_in_pyodide(site, tmp_path):
    """Each notebook the site carries, its code cells run in order as "Run All" does
    (with IPython's display; without a kernel a rich output is only its text)."""
    notebooks = []
    for nb in sorted((site / "files").rglob("*.ipynb")):
        cells = [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"
                 and "raises-exception" not in c.get("metadata", {}).get("tags", [])]
        notebooks.append([str(nb.relative_to(site / "files")),
                          ["".join(c["source"]) for c in cells]])
    script = tmp_path / "notebooks.py"
    script.write_text(f"NBS = {json.dumps(notebooks)!r}\n" + NOTEBOOKS)
    ran = subprocess.run(["node", str(HERE / "run_in_pyodide.mjs"), str(site), str(script)],
                         capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert [line for line in ran.stdout.splitlines() if line.startswith("ran ")] == [
        f"ran {path}" for path, _ in notebooks]
    failures = ran.stderr.split("FAILED ")[1:]
    # A notebook that imports matplotlib itself stops at once in the browser; the viz
    # functions (and viz.show) answer without it. Known, and not a fault of the site:
    # listed as an expected failure until those notebooks no longer do.
    direct = [f.split(":")[0] for f in failures
              if f.rstrip().endswith("No module named 'matplotlib'")]
    assert [f for f in failures if f.split(":")[0] not in direct] == []
    if direct:
        pytest.xfail(f"these import matplotlib, which the browser lacks: {direct}")
