"""viz.player in a real browser (Chromium, headless): it steps, filters, fetches nothing.

Chromium comes from the distribution (``apt-get install chromium``: .ci/run installs it
when missing) and is driven by Playwright, which downloads no browser of its own here.
Every request whose address is not ``file:``, ``data:`` or ``about:`` is aborted and
counted; the page's console errors and uncaught exceptions are collected. Each test
ends by asserting both lists are empty.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

import netsim
import netsim.viz as viz
from netsim import scenarios

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NEXT, PREV = 'button[title="Next step"]', 'button[title="Previous step"]'
CURRENT = '[aria-current="step"]'


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("no chromium: install it with `apt-get install -y chromium` (.ci/run does)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Watched:
    """A page whose every outside request is refused and counted, and whose errors are kept."""

    def __init__(self, browser, width: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 1000})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def clean(self) -> None:
        assert self.outside == [] and self.errors == []


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.context.close()


@pytest.fixture(scope="module")
def nat_lab():
    lab = scenarios.nat(vms=1)
    assert "1 received" in lab.vm("vm1").guest.sh("ping -c 1 198.51.100.10").stdout
    return lab


def current(scope) -> int:
    return int(scope.locator(CURRENT).get_attribute("data-step"))


def lit(scope) -> tuple[str, str]:
    """What the inside picture and the lab picture light up now."""
    figures = scope.locator("figure.nsp-view")
    return figures.nth(0).get_attribute("data-lit"), figures.nth(1).get_attribute("data-lit")


def test_stepping_lights_each_place_in_both_pictures(nat_lab, watched, tmp_path):
    path = viz.player(nat_lab).save(tmp_path / "ping.html")
    page = watched.page
    page.goto(path.as_uri())
    assert current(page) == 0
    assert page.locator(PREV).is_disabled()
    first_lit, first_caption = lit(page), page.locator(".nsp-caption").inner_text()
    assert first_lit == ("vm1:eth0", "n:vm1:eth0")   # the ping starts in the guest
    pictures = page.locator(".nsp-views")
    before = pictures.screenshot()
    seen = {first_lit}
    for k in range(1, 8):
        page.click(NEXT)
        assert current(page) == k
        seen.add(lit(page))
    assert lit(page)[0].startswith("host:") and len(seen) >= 5   # qemu, tun, vnet0, virbr0...
    assert page.locator(".nsp-caption").inner_text() != first_caption
    assert page.locator(".nsp-litbox").count() >= 1 and page.locator(".nsp-marker").count() == 2
    assert pictures.screenshot() != before       # the pixels moved with the frame
    assert page.screenshot(path=tmp_path / "player.png", full_page=True)[:4] == b"\x89PNG"
    for k in range(6, -1, -1):
        page.click(PREV)
        assert current(page) == k
    assert lit(page) == first_lit and pictures.screenshot() == before
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert current(page) == 2
    page.keyboard.press("ArrowLeft")
    assert current(page) == 1
    page.locator(".nsp-list").evaluate("e => { e.scrollTop = 10 * 46; }")  # rows drawn as seen
    page.click('li[data-step="12"]')   # a click on an event jumps to it
    assert current(page) == 12 and "nat" in page.locator(".nsp-caption").inner_text()
    assert "Rewritten here: NAT src 192.168.122.244" in page.locator(".nsp-inspect").inner_text()
    watched.clean()


READABLE = """() => {
  const small = [], clash = [];
  for (const e of document.querySelectorAll("body *")) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !e.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (size < 11) small.push(size + "px: " + e.textContent.slice(0, 40));
  }
  for (const svg of document.querySelectorAll(".nsp-views svg.nsp-svg")) {
    if (svg.style.display === "none") continue;
    const boxes = [...svg.querySelectorAll("text")].filter((t) => !t.classList.contains("nsp-tag"))
      .map((t) => [t.textContent, t.getBBox()]);
    boxes.forEach(([ta, a], i) => boxes.slice(i + 1).forEach(([tb, b]) => {
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (w > 1 && h > 2) clash.push(ta + " | " + tb);
    }));
  }
  return [small, clash];
}"""


@pytest.mark.parametrize("which", ["nat", "markup"])
def test_every_step_is_readable_at_notebook_width(which, nat_lab, watched, tmp_path):
    """No text under 11 px, and no two labels of a picture on top of each other."""
    p = viz.player(nat_lab) if which == "nat" else viz.player(markup_lab(), frames=lambda r: True)
    page = watched.page
    page.goto(p.save(tmp_path / "page.html").as_uri())
    for k in range(len(p)):
        small, clash = page.evaluate(READABLE)
        assert small == [] and clash == [], (k, small, clash)
        if k < len(p) - 1:
            page.click(NEXT)
    watched.clean()


def test_play_pause_and_speed(nat_lab, watched, tmp_path):
    path = viz.player(nat_lab).save(tmp_path / "ping.html")
    page = watched.page
    page.goto(path.as_uri())
    page.select_option('select[title="Playing speed"]', "8")
    page.click('button[title="Play"]')
    deadline = time.monotonic() + 10   # (the page's CSP refuses wait_for_function's eval)
    while current(page) < 4 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert current(page) >= 4
    page.click('button[title="Pause"]')
    stopped = current(page)
    page.wait_for_timeout(400)
    assert current(page) == stopped and page.locator('button[title="Play"]').count() == 1
    watched.clean()


def test_filters_narrow_the_list_and_the_steps(nat_lab, watched, tmp_path):
    p = viz.player(nat_lab)
    total = len(p)  # every step of the selection
    page = watched.page
    page.goto(p.save(tmp_path / "ping.html").as_uri())
    page.select_option('select[data-filter="action"]', "nat")
    rows = page.locator("li[data-step]")
    assert rows.count() == 4 and all("nat" in t for t in rows.all_inner_texts())
    assert page.locator(".nsp-shown").inner_text() == f"4 of {total} events shown (filtered)"
    shown = [int(s) for s in (rows.nth(i).get_attribute("data-step") for i in range(4))]
    assert current(page) == shown[0]
    page.click(NEXT)
    assert current(page) == shown[1]   # stepping walks the filtered events only
    page.select_option('select[data-filter="host"]', "gw")
    assert rows.count() == 2
    page.click('button[title="Show every event"]')
    assert page.locator(".nsp-shown").inner_text() == f"{total} events"
    watched.clean()


def markup_lab():
    """A switch ``a&b`` with a bridge ``<i>x``; c's ping to d is dropped by d's firewall."""
    lab = netsim.Lab(seed=0)
    sw = lab.host("a&b")
    for i, name in enumerate(("c", "d")):
        peer = lab.host(name)
        lab.link(f"a&b:eth{i}", f"{name}:eth0")
        assert peer.sh(f"ip addr add 10.0.0.{i + 1}/24 dev eth0 && ip link set eth0 up"
                       ).returncode == 0
        assert sw.sh(f"ip link set eth{i} up").returncode == 0
    assert sw.sh("ip link add name '<i>x' type bridge && ip link set '<i>x' up && "
                 "ip link set eth0 master '<i>x' && ip link set eth1 master '<i>x'"
                 ).returncode == 0
    assert lab.host("d").sh("iptables -A INPUT -p icmp -j DROP").returncode == 0
    lab.host("c").sh("ping -c 1 -W 1 10.0.0.2")
    return lab


def test_names_with_markup_show_as_text_and_drops_filter(watched, tmp_path):
    p = viz.player(markup_lab(), frames=lambda r: True)
    page = watched.page
    page.goto(p.save(tmp_path / "markup.html").as_uri())
    assert page.locator("i, b, script:not([id]):not([type])").count() <= 1   # only our script
    assert page.locator("i").count() == 0
    texts = page.locator("svg text").all_text_contents()
    assert "<i>x" in texts and "a&b" in texts       # the lab's labels, as written
    page.select_option('select[title="Which host to look inside"]', label="always a&b")
    assert page.locator(".nsp-view-title").first.inner_text() == "Inside a&b"
    assert "<i>x (bridge)" in page.locator("svg text").all_text_contents()
    page.select_option('select[data-filter="action"]', "drop")
    drops = page.locator("li[data-step]").all_inner_texts()
    assert drops and all("drop" in t for t in drops)
    assert any("d:eth0" in t and "netfilter" in t for t in drops)
    page.locator("li[data-step]").last.click()
    assert page.locator(".nsp-marker").count() == 0  # a dropped copy is an X, not a marker
    watched.clean()


def test_a_notebook_exported_to_html_plays_offline(browser, tmp_path):
    import nbclient
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[
        new_code_cell("from netsim import scenarios\nimport netsim.viz as viz\n"
                      "lab = scenarios.nat(vms=1)\n"
                      "lab.vm('vm1').guest.sh('ping -c 1 198.51.100.10').returncode"),
        new_code_cell("viz.player(lab)"),
        new_code_cell("viz.player(lab, frames=lambda r: r.action == 'nat')")])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    # nbconvert's own page loads MathJax and require.js from a CDN: a template without
    # them shows that everything else -- both players -- needs no network at all.
    (tmp_path / "offline.html.j2").write_text(
        "{%- extends 'lab/index.html.j2' -%}\n"
        "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
        "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n")
    exporter = HTMLExporter(extra_template_paths=[str(tmp_path)],
                            template_file="offline.html.j2")
    body, _ = exporter.from_notebook_node(nb)
    path = tmp_path / "notebook.html"
    path.write_text(body, encoding="utf-8")
    w = Watched(browser, width=1000)
    try:
        w.page.goto(path.as_uri())
        frames = w.page.frame_locator("iframe")
        one, two = frames.nth(0), frames.nth(1)
        one.locator(CURRENT).wait_for()
        two.locator(CURRENT).wait_for()
        assert current(one) == 0 and current(two) == 0
        start, caption = lit(one), one.locator(".nsp-caption").inner_text()
        one.locator(NEXT).click()
        assert current(one) == 1 and one.locator(".nsp-caption").inner_text() != caption
        one.locator(NEXT).click()
        one.locator(NEXT).click()   # from the guest's NIC to qemu
        assert current(one) == 3 and lit(one) != start
        assert current(two) == 0   # the second player is a page of its own
        two.locator(NEXT).click()
        assert current(two) == 1 and current(one) == 3
        assert "the last ping" in one.locator("h1").inner_text()
        assert "the last ping" not in two.locator("h1").inner_text()
        one.locator(PREV).click()
        assert current(one) == 2 and lit(one) == start and current(two) == 1
        w.clean()
    finally:
        w.context.close()
    # With nbconvert's usual template, only its own two scripts try the network.
    body, _ = HTMLExporter().from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")
    w = Watched(browser, width=1000)
    try:
        w.page.goto(path.as_uri())
        frames = w.page.frame_locator("iframe")
        frames.nth(0).locator(NEXT).click()
        assert current(frames.nth(0)) == 1
        assert sorted(u.split("/")[-2] for u in w.outside) == ["2.1.10", "2.7.7"]
        assert all("cdnjs" in u and ("require" in u or "mathjax" in u) for u in w.outside)
    finally:
        w.context.close()


def test_5000_steps_open_and_step_smoothly(watched, tmp_path):
    lab = scenarios.nat(vms=1)
    lab.vm("vm1").guest.sh("ping -c 90 -i 0.2 198.51.100.10")
    p = viz.player(lab, frames=lambda r: r.func in ("ping_v4_sendmsg", "icmp_echo"))
    assert len(p) >= 5000
    page = watched.page
    start = time.perf_counter()
    page.goto(p.save(tmp_path / "big.html").as_uri())
    page.locator(CURRENT).wait_for()
    opened = time.perf_counter() - start
    per_step = page.evaluate("""() => {
        const next = document.querySelector('button[title="Next step"]');
        const t0 = performance.now();
        for (let i = 0; i < 100; i++) next.click();
        return (performance.now() - t0) / 100; }""")
    print(f"\n{len(p)} steps: opened in {opened:.2f} s, {per_step:.1f} ms a step")
    assert current(page) == 100
    assert page.locator("li[data-step]").count() < 60   # the list draws only what is seen
    page.click('button[title="Last step"]')
    assert current(page) == len(p) - 1
    assert opened < 10 and per_step < 100
    watched.clean()


def test_the_matplotlib_animation_buttons_are_drawn_offline(nat_lab, watched, tmp_path):
    # matplotlib's own player takes its button icons from a CDN (font-awesome): offline
    # they were blank squares. viz.animate's page ships its icons: each button must
    # show dark pixels of its own, with every outside request refused.
    import numpy as np
    from PIL import Image

    anim = viz.animate(nat_lab)
    page_file = tmp_path / "anim.html"
    page_file.write_text(anim.to_jshtml(), encoding="utf-8")
    page = watched.page
    page.goto(page_file.as_uri())
    buttons = page.locator("button")
    assert buttons.count() >= 5
    for i in range(buttons.count()):
        shot = tmp_path / f"button{i}.png"
        buttons.nth(i).screenshot(path=str(shot))
        pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
        # an icon: some clearly dark pixels inside the button, not one flat colour
        assert pixels.min() < 110 and pixels.std() > 12, (i, pixels.min(), pixels.std())
    watched.clean()
