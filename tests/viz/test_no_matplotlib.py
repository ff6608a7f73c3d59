"""netsim in a Python without matplotlib (the browser version, JupyterLite on pyodide).

Each test runs a fresh interpreter in which an import hook refuses ``matplotlib`` (and,
where it says so, ``yaml``), the way a pyodide kernel without those packages would: the
import fails with ImportError. netsim and its text pictures must work; a drawing
function must end in one friendly sentence; ``viz.show`` must fall back to the text twin.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HIDE = """
import importlib.abc, sys

class Hide(importlib.abc.MetaPathFinder):
    '''Refuses the named top-level packages, as a Python that lacks them would.'''
    def __init__(self, names):
        self.names = set(names)
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Hide(HIDDEN))
"""

A_PING = """
import netsim
lab = netsim.Lab(seed=0)
a, b = lab.host("a"), lab.host("b")
lab.link("a:eth0", "b:eth0")
a.sh("ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
b.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
assert a.sh("ping -c 1 10.0.0.2").returncode == 0
"""


def run_without(hidden: list[str], body: str) -> dict:
    """Run ``body`` with ``hidden`` packages refused; it leaves its answers in ``out``."""
    script = (f"HIDDEN = {hidden!r}\n" + HIDE + "out = {}\n" + textwrap.dedent(body)
              + "\nimport json\nprint(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_hook_really_hides_matplotlib():
    out = run_without(["matplotlib"], """
        try:
            import matplotlib
            out["imported"] = True
        except ImportError:
            out["imported"] = False
    """)
    assert out["imported"] is False


def test_netsim_and_viz_import_without_matplotlib_or_yaml():
    out = run_without(["matplotlib", "yaml"], """
        import sys
        import netsim
        import netsim.viz
        out["loaded"] = sorted(m for m in sys.modules if m.startswith(("matplotlib", "yaml")))
    """)
    assert out["loaded"] == []


def test_a_drawing_function_says_in_one_sentence_what_to_use_instead():
    out = run_without(["matplotlib"], A_PING + textwrap.dedent("""
        import netsim.viz as viz
        for picture in (lambda: viz.topology(lab), lambda: viz.ladder(lab.trace),
                        lambda: viz.fdb(lab.host("a").ns.get("eth0")),
                        lambda: viz.host_inside(a)):
            try:
                picture()
                out.setdefault("drawn", []).append(True)
            except viz.MatplotlibMissing as missing:
                out.setdefault("said", []).append(str(missing))
                out.setdefault("is_import_error", []).append(isinstance(missing, ImportError))
                out.setdefault("chained", []).append(missing.__cause__ is not None
                                                     or missing.__suppress_context__ is False)
            except TypeError as wrong:  # fdb of a NIC: the argument check comes first
                out.setdefault("type_errors", []).append(str(wrong))
    """))
    assert "drawn" not in out
    assert len(out["said"]) == 3 and all(out["is_import_error"])
    assert not any(out["chained"])  # no "during handling of ..." second traceback
    topology, ladder, inside = out["said"]
    assert topology.startswith("viz.topology() draws with matplotlib, which is not available")
    assert "browser version" in topology and "viz.topology_text(" in topology
    assert "viz.ladder_text(" in ladder and "viz.host_inside_text(" in inside
    assert all("viz.player(lab)" in text for text in out["said"])
    assert "expected a Bridge" in out["type_errors"][0]


def test_show_prints_the_text_twin_and_the_player_still_plays():
    out = run_without(["matplotlib"], A_PING + textwrap.dedent("""
        import contextlib, io, sys
        import netsim.viz as viz
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            returned = viz.show(viz.topology, lab)
            viz.show(viz.ladder, lab.trace.filter(host="a"))
        out["printed"] = printed.getvalue()
        out["returned"] = repr(returned)
        out["twin"] = viz.topology_text(lab)
        out["steps"] = len(viz.player(lab))
        out["matplotlib_loaded"] = "matplotlib" in sys.modules
    """))
    assert out["returned"] == "None"
    assert out["printed"].startswith("(no matplotlib in this Python: topology's picture")
    assert out["twin"] in out["printed"]
    assert "echo request" in out["printed"]  # the ladder's twin, from the real ping
    assert out["steps"] > 0 and out["matplotlib_loaded"] is False


def test_show_draws_when_matplotlib_is_there():
    out = run_without([], A_PING + textwrap.dedent("""
        import matplotlib
        matplotlib.use("Agg")
        import netsim.viz as viz
        drawn = viz.show(viz.topology, lab)
        out["keys"] = sorted(drawn)
    """))
    assert "boxes" in out["keys"] and "labels" in out["keys"]
