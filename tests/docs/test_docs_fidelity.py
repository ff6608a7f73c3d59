"""The fidelity page is generated from the recordings and names every scenario."""

from __future__ import annotations

import re

import pytest

fidelity = pytest.importorskip("site_fidelity", reason="tools/docs/site_fidelity.py needs PyYAML")


def test_every_recording_is_in_exactly_one_area() -> None:
    docs = fidelity.recordings()
    areas = fidelity.load_areas(set(docs))  # raises when one is missing or doubled
    named = [n for a in areas for n in a["scenarios"]]
    assert sorted(named) == sorted(docs)


def test_a_scenario_left_out_of_the_data_stops_the_page(monkeypatch) -> None:
    docs = fidelity.recordings()
    monkeypatch.setitem(docs, "a_new_recording", docs["brctl_basic"])
    with pytest.raises(fidelity.FidelityDataError, match="a_new_recording"):
        fidelity.load_areas(set(docs))


def test_the_generated_page_has_a_section_per_scenario() -> None:
    in_scope, out_of_scope = fidelity.replay_lists()
    assert len(in_scope) >= 58 and out_of_scope
    text = fidelity.page()
    for name in [*in_scope, *out_of_scope]:
        assert f"### `{name}` {{#{name.replace('_', '-')}}}" in text, name
    for name, reason in out_of_scope.items():
        section = text.split(f"### `{name}`")[1].split("\n### ")[0]
        assert "not replayed" in section and reason in section


def test_what_is_compared_is_counted_from_the_recording() -> None:
    doc = fidelity.recordings()["vm_tap_arp_ping"]
    counted = fidelity.count(doc)
    assert counted.commands == sum("sh" in s for s in doc["steps"])
    assert counted.writes == sum("write_hex" in s for s in doc["steps"]) > 0
    assert counted.frames > 0
    assert f"{counted.commands} commands" in counted.sentence()


def test_the_built_page_shows_every_replayed_scenario(site) -> None:
    html = (site / "fidelity.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    in_scope, out_of_scope = fidelity.replay_lists()
    missing = [n for n in [*in_scope, *out_of_scope] if n.replace("_", "-") not in ids]
    assert missing == []
    assert "zero differences" in html
