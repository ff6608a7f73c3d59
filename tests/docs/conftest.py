"""The built documentation site, once per session, for the tests that read it.

Building needs the ``docs`` extra (``pip install -e '.[docs]'``). Without it these tests
skip, saying so, except under CI (``CI`` set), where .ci/run installs the extra and a
missing package must fail. ``NETSIM_DOCS_SITE`` names a site already built from this
tree (.ci/run builds it once with ``mkdocs build --strict`` before pytest).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "docs"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

DOCS_PACKAGES = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python",
                 "nbclient", "nbformat")


def require_docs_packages() -> None:
    missing = [m for m in DOCS_PACKAGES if importlib.util.find_spec(m.split(".")[0]) is None
               or importlib.util.find_spec(m) is None]
    if not missing:
        return
    reason = f"the docs extra is not installed (missing {', '.join(missing)})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: .ci/run installs it")
    pytest.skip(reason)


def build_site(out: Path) -> tuple[str, float]:
    """``mkdocs build --strict`` into ``out``: (its log, seconds)."""
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                          str(ROOT / "mkdocs.yml"), "-d", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-6000:]
    return log, time.perf_counter() - start


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site's folder."""
    require_docs_packages()
    given = os.environ.get("NETSIM_DOCS_SITE")
    if given:
        path = Path(given)
        assert (path / "index.html").is_file(), f"NETSIM_DOCS_SITE={given}: no index.html"
        return path
    out = tmp_path_factory.mktemp("site")
    log, _ = build_site(out)
    # mkdocs's own warnings (a kernel's log lines may say WARNING too: not ours to judge)
    warnings = [line for line in log.splitlines() if line.startswith("WARNING -")]
    assert warnings == [], "\n".join(warnings)
    return out
