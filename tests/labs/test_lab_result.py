"""A check's result: ✓/✗ in a terminal, an escaped HTML table in Jupyter, JSON to hand in."""

from __future__ import annotations

import json
from datetime import datetime

from lab_texts import TWO_HOSTS

import netsim.labs as labs


def test_the_terminal_list() -> None:
    lab = labs.loads(TWO_HOSTS, "two.yaml")
    text = str(lab.check(student="ana"))
    lines = text.splitlines()
    assert lines[0] == "two: Two hosts on one cable -- 0 of 2 goals met"
    assert lines[1] == "✗ 1. h1 reaches h2 (ping)"
    assert lines[2] == "    seen: h1: h2 has no IPv4 address to send to"
    assert lines[3].startswith("    why: h1 -> h2: NOT reached [no-address]")
    assert "    hint: ip addr add 10.0.0.2/24 dev eth0 on h2, and bring eth0 up" in lines
    assert "✗ 2. h2's eth0 holds 10.0.0.2/24" in lines
    lab.solve()
    assert str(lab.check()).splitlines() == [
        "two: Two hosts on one cable -- all goals met",
        "✓ 1. h1 reaches h2 (ping)", "✓ 2. h2's eth0 holds 10.0.0.2/24"]


def test_the_html_table_escapes_every_text() -> None:
    text = (TWO_HOSTS.replace("title: Two hosts on one cable", "title: <b>bold</b> & co")
            .replace("hint: ip addr add", "title: <script>alert(1)</script>\n    hint: <i>ip addr "
                     "add"))
    result = labs.loads(text).check()
    page = result._repr_html_()
    assert page.startswith("<table><caption>&lt;lab&gt;: &lt;b&gt;bold&lt;/b&gt; &amp; co")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<i>" not in page and "&lt;i&gt;ip addr add" in page
    assert page.count("<tr>") == 3 and page.count("✗") == 2


def test_json_for_the_teacher(monkeypatch) -> None:
    monkeypatch.setenv("USER", "bob")
    lab = labs.loads(TWO_HOSTS, "two.yaml")
    data = json.loads(lab.check().to_json())
    assert data["student"] == "bob" and data["lab"] == "two" and data["passed"] is False
    assert datetime.fromisoformat(data["time"]).tzinfo is not None
    assert [g["passed"] for g in data["goals"]] == [False, False]
    goal = data["goals"][1]
    assert goal == {**goal, "number": 2, "kind": "has-address", "line": 12,
                    "goal": "h2's eth0 holds 10.0.0.2/24",
                    "evidence": "h2$ ip addr show dev eth0: no IPv4 address"}
    assert json.loads(lab.check(student="ana").to_json())["student"] == "ana"
    assert lab.check().score == (0, 2) and not lab.check()


def test_the_briefing() -> None:
    lab = labs.load("port-forward")
    text = lab.briefing()
    assert text.startswith("== port-forward: Forward one port into a NAT VM (DNAT)\n\nvm1 sits")
    assert "Machines: host, switch, lan1, gw, web, vm1" in text
    assert text.endswith("  4. lan1's pings to host are answered by host itself, not by vm1")
    assert repr(lab) == "<Exercise port-forward: Forward one port into a NAT VM (DNAT)>"
