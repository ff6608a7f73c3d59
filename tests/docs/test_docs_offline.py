"""The built site loads nothing from outside: classrooms are often offline.

Two checks. A static scan of every HTML, CSS and SVG file for loads (``src``, a
``<link href>``, CSS ``url()`` and ``@import``) whose address leaves the site; links a
reader clicks (``<a href>``) and XML namespace names are not loads. Then Chromium opens
the site from a local server on 127.0.0.1 and from the folder (file://), every request
elsewhere is refused and counted, and the embedded player is stepped.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

LOADING_ATTRS = {"src", "srcset", "data", "poster", "background"}
LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest",
                     "shortcut icon", "apple-touch-icon", "prefetch", "dns-prefetch",
                     "preconnect"}
OUTSIDE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
CSS_LOAD = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""", re.I)


def outside(url: str) -> bool:
    """An address another host serves (``https://``, ``//cdn``), not data:/blob:/relative."""
    return bool(OUTSIDE.match(url)) and not url.strip().lower().startswith("file:")


class Loads(HTMLParser):
    """Every address an HTML document loads by itself (not the links it offers)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name in LOADING_ATTRS & set(values):
            self.urls += [u.split()[0] for u in values[name].split(",") if u.strip()]
        if tag == "link" and values.get("rel", "").lower() in LOADING_LINK_RELS:
            self.urls.append(values.get("href", ""))
        if tag == "iframe" and "srcdoc" in values:  # the notebook's player: a document
            self.urls += scan_html(values["srcdoc"])
        if "style" in values:
            self.urls += scan_css(values["style"])

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.urls += scan_css(data)


def scan_css(text: str) -> list[str]:
    return [a or b for a, b in CSS_LOAD.findall(text)]


def scan_html(text: str) -> list[str]:
    parser = Loads()
    parser.feed(text)
    return parser.urls


def site_loads(site: Path) -> Iterator[tuple[str, str]]:
    for path in site.rglob("*"):
        if path.suffix in (".html", ".htm"):
            urls = scan_html(path.read_text(encoding="utf-8"))
        elif path.suffix == ".css":
            urls = scan_css(path.read_text(encoding="utf-8"))
        elif path.suffix == ".svg":
            text = path.read_text(encoding="utf-8")
            urls = scan_css(text) + re.findall(r'(?:xlink:)?href="([^"#][^"]*)"', text)
        else:
            continue
        for url in urls:
            yield str(path.relative_to(site)), url


# ----------------------------------------------------------------------------- static
def test_the_scanner_finds_outside_loads() -> None:
    page = ('<link rel="stylesheet" href="https://fonts.example/css">'
            '<script src="//cdn.example/require.js"></script>'
            '<a href="https://example.org/">a link is not a load</a>'
            '<img src="data:image/png;base64,AA"><style>@import "https://x/y.css";</style>'
            '<iframe srcdoc="&lt;script src=&quot;https://cdn/mathjax.js&quot;&gt;'
            '&lt;/script&gt;"></iframe>')
    found = [u for u in scan_html(page) if outside(u)]
    assert found == ["https://fonts.example/css", "//cdn.example/require.js",
                     "https://x/y.css", "https://cdn/mathjax.js"]
    assert scan_css("a { background: url('https://x/bg.png') }") == ["https://x/bg.png"]


def test_no_page_loads_anything_from_outside(site: Path) -> None:
    loads = list(site_loads(site))
    assert len(loads) > 100  # the scan saw the site's own scripts and styles
    assert [(page, url) for page, url in loads if outside(url)] == []


# ----------------------------------------------------------------------------- browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("no chromium: install it with `apt-get install -y chromium` (.ci/run does)")
    with playwright.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The site served on 127.0.0.1 (a free port), as `python -m http.server` would."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base's name)
        pass


class Watched:
    """A browser page whose requests off this machine are refused and counted."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 1000})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:", "http://127.0.0.1:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


PAGES = ["index.html", "getting-started.html", "concepts/data-path.html",
         "concepts/modes.html", "player.html", "notebooks/01_the_seed.html",
         "reference/api/netsim.html", "fidelity.html", "labs.html"]


@pytest.mark.parametrize("base", ["server", "file"])
def test_pages_make_no_outside_request(browser, server: str, site: Path, base: str) -> None:
    root = server if base == "server" else site.as_uri() + "/"
    watched = Watched(browser)
    try:
        for page in PAGES:
            watched.page.goto(root + page, wait_until="load")
            watched.page.wait_for_timeout(300)
        assert watched.outside == []
        if base == "file":
            # From a folder, Chromium refuses the search worker (a file:// script):
            # search needs the site served; every other part of a page works.
            watched.errors = [e for e in watched.errors if "search" not in e]
        assert watched.errors == []
    finally:
        watched.context.close()


def test_search_works_when_served(browser, server: str) -> None:
    watched = Watched(browser)
    try:
        watched.page.goto(server + "index.html")
        watched.page.keyboard.press("s")  # material's search shortcut
        watched.page.locator("input.md-search__input").fill("tuntap")
        watched.page.locator(".md-search-result__item").first.wait_for(timeout=15000)
        assert watched.outside == []
    finally:
        watched.context.close()


def test_the_embedded_player_steps(browser, server: str) -> None:
    watched = Watched(browser)
    try:
        watched.page.goto(server + "player.html")
        frame = watched.page.frame_locator("iframe.netsim-player")
        current = frame.locator('[aria-current="step"]')
        current.wait_for(timeout=15000)
        first = int(current.get_attribute("data-step"))
        frame.locator('button[title="Next step"]').click()
        frame.locator('button[title="Next step"]').click()
        assert int(current.get_attribute("data-step")) == first + 2
        frame.locator('button[title="Previous step"]').click()
        assert int(current.get_attribute("data-step")) == first + 1
        assert watched.outside == [] and watched.errors == []
    finally:
        watched.context.close()


def test_the_notebook_page_shows_outputs(browser, server: str) -> None:
    watched = Watched(browser)
    try:
        watched.page.goto(server + "notebooks/01_the_seed.html")
        text = watched.page.locator("article").inner_text()
        assert "12 -> /dev/net/tun" in text  # an output, not only the code
        assert watched.page.locator(".nb-output img").count() >= 1
        player = watched.page.frame_locator(".nb-html iframe").first
        player.locator('[aria-current="step"]').wait_for(timeout=15000)
        assert watched.outside == [] and watched.errors == []
    finally:
        watched.context.close()
