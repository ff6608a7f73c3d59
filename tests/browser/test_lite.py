"""netsim in the browser with nothing installed: the JupyterLite site, in Chromium, offline.

The site is built by tools/lite/build.py (its downloads cached in ~/.cache/netsim-lite,
the site itself reused while nothing it is built from changed) and served on
127.0.0.1. Chromium opens the welcome notebook with every request that leaves
127.0.0.1 aborted and recorded, runs its cells -- pyodide boots, netsim builds a lab
and pings -- and steps the player shown in the notebook. Nothing may leave the
machine, and the page may log no error.

Skipped only when the lite build tools (`pip install -e '.[lite]'`) or Chromium are
missing, and never in CI (CI=true), which installs both.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BOOT = 120_000  # ms: pyodide's first run (15-20 s here) on a busy 2-core machine


def _missing() -> str | None:
    if importlib.util.find_spec("jupyterlite_core") is None:
        return "no jupyterlite-core: pip install -e '.[lite]'"
    if importlib.util.find_spec("jupyterlite_pyodide_kernel") is None:
        return "no jupyterlite-pyodide-kernel: pip install -e '.[lite]'"
    if importlib.util.find_spec("playwright") is None:
        return "no playwright: pip install -e '.[test]'"
    if not Path(CHROMIUM).exists():
        return "no chromium: apt-get install -y chromium"
    return None


def _load_builder():
    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "tools/lite/build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def lite_site() -> Path:
    if reason := _missing():
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI installs it: .ci/run)")
        pytest.skip(reason)
    build = _load_builder()
    cache = build.default_cache()
    # the site .ci/run builds (build/lite), reused while nothing it is made of changed
    return build.build(ROOT / "build" / "lite", cache, reuse=True)


class _Quiet(SimpleHTTPRequestHandler):
    # module workers and WebAssembly need these types; older Pythons guess others
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def served(lite_site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(lite_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class Offline:
    """A page whose requests may only go to 127.0.0.1; the others are aborted and kept."""

    def __init__(self, context) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.failed: list[str] = []
        context.route("**/*", self._route)
        self.page = context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(
            f"{r.status} {r.url}"))

    def _route(self, route) -> None:
        url = route.request.url
        if urlparse(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


def run_all(page) -> None:
    """Run -> Run All Cells, from the menu bar.

    (Not Shift+Enter per cell: a key pressed while the notebook is still opening can
    land in another cell, and the page draws only the cells near the screen.)"""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def test_a_notebook_runs_netsim_and_steps_the_player_offline(served, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1200, "height": 1000})
        watch = Offline(context)
        page = watch.page
        started = time.monotonic()
        page.goto(f"{served}/")      # the front door opens JupyterLab on the welcome
        page.locator(".jp-RenderedMarkdown h1", has_text="netsim in your browser").wait_for(
            timeout=60_000)
        assert "/lab/" in page.url
        run_all(page)
        outputs = page.locator(".jp-OutputArea-output")
        page.get_by_text("2 received, 0% packet loss").wait_for(timeout=BOOT)
        print(f"\npyodide booted and pinged after {time.monotonic() - started:.1f} s",
              file=sys.stderr)
        frame_el = page.locator("iframe[srcdoc]").first
        frame_el.scroll_into_view_if_needed(timeout=60_000)
        player = frame_el.content_frame
        current = player.locator('[aria-current="step"]')
        current.wait_for(timeout=30_000)
        assert current.get_attribute("data-step") == "0"
        caption = player.locator(".nsp-caption").inner_text()
        player.locator('button[title="Next step"]').click()
        assert player.locator('[aria-current="step"]').get_attribute("data-step") == "1"
        assert player.locator(".nsp-caption").inner_text() != caption
        page.get_by_text("fix-the-nat: Fix the NAT").first.wait_for(timeout=60_000)
        page.get_by_text("matplotlib").last.wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "lite.png"), full_page=True)
        errors = [o for o in outputs.all_inner_texts() if "Traceback" in o]
        # the guard itself: a request for pyodide's CDN (where the kernel would look
        # without our lock) is refused and recorded
        probe = context.new_page()
        probe.goto(f"{served}/index.html")
        cdn = "https://cdn.jsdelivr.net/pyodide/v314.0.6/full/pyodide-lock.json"
        assert probe.evaluate(f"() => fetch({cdn!r}).then(() => 'got', () => 'refused')"
                              ) == "refused"
        assert watch.outside.pop() == cdn
        browser.close()
    assert errors == []
    assert watch.outside == [], watch.outside
    assert watch.failed == [], watch.failed
    assert watch.errors == [], watch.errors
