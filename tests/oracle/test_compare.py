"""Tests of the oracle comparer itself: it must find differences, not only agree."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compare import (  # noqa: E402
    MISSING,
    Difference,
    VolatileSet,
    compare,
    format_differences,
    mask_matches,
    split_path,
)

EXPECTED_DIR = HERE / "expected"


def doc(steps: list[dict[str, Any]], volatile: list[str] | None = None,
        masks: dict[str, str] | None = None) -> dict[str, Any]:
    return {"name": "t", "steps": steps, "volatile": volatile or [], "masks": masks or {}}


def sh_step(**kw: Any) -> dict[str, Any]:
    rec = {"i": 0, "host": "h1", "sh": "ip -j link show br0", "rc": 0, "stdout": "",
           "stderr": ""}
    rec.update(kw)
    return rec


def paths(diffs: list[Difference]) -> list[str]:
    return [d.path for d in diffs]


# ------------------------------------------------------------------------ basics
def test_equal_records_give_no_difference() -> None:
    exp = doc([sh_step(json=[{"ifname": "br0", "mtu": 1500}])])
    assert compare(exp, copy.deepcopy(exp["steps"])) == []


def test_scalar_difference_is_reported_with_path_and_values() -> None:
    exp = doc([sh_step(rc=0)])
    diffs = compare(exp, [sh_step(rc=2)])
    assert diffs == [Difference("steps[0].rc", 0, 2, "value differs")]


def test_nested_difference_path() -> None:
    exp = doc([sh_step(json=[{"ifname": "br0", "flags": ["UP", "LOWER_UP"]}])])
    act = [sh_step(json=[{"ifname": "br0", "flags": ["UP", "NO-CARRIER"]}])]
    assert paths(compare(exp, act)) == ["steps[0].json[0].flags[1]"]


def test_bool_is_not_a_number_and_null_is_not_zero() -> None:
    exp = doc([{"i": 0, "ready": True, "error": None, "rc": 0}])
    act = [{"i": 0, "ready": 1, "error": 0, "rc": 0.0}]
    assert paths(compare(exp, act)) == ["steps[0].ready", "steps[0].error"]


# ------------------------------------------------------------------------ volatile
def test_volatile_path_is_ignored() -> None:
    exp = doc([sh_step(json=[{"address": "aa:aa:aa:aa:aa:aa", "mtu": 1500}])],
              volatile=["steps[0].json[0].address"])
    act = [sh_step(json=[{"address": "52:54:00:12:34:56", "mtu": 1500}])]
    assert compare(exp, act) == []


def test_volatile_covers_everything_below_it() -> None:
    exp = doc([sh_step(json=[{"address": "aa", "stats": {"rx": 1}}], stdout="x")],
              volatile=["steps[0].json"])
    act = [sh_step(json=[{"address": "bb", "stats": {"rx": 2}, "extra": 1}, {}], stdout="x")]
    assert compare(exp, act) == []


def test_volatile_does_not_cover_siblings_or_lookalike_prefixes() -> None:
    steps = [sh_step(i=i, rc=0) for i in range(11)]
    exp = doc(steps, volatile=["steps[1].rc", "steps[2].std"])
    act = copy.deepcopy(steps)
    act[10]["rc"] = 1          # steps[10] is not below steps[1]
    act[2]["stdout"] = "y"     # steps[2].stdout is not below steps[2].std
    act[1]["stderr"] = "z"     # a sibling of the volatile key
    assert paths(compare(exp, act)) == ["steps[1].stderr", "steps[2].stdout", "steps[10].rc"]


def test_volatile_set_covers() -> None:
    v = VolatileSet(["steps[2].json", "steps[3].frames[1].hex"])
    assert v.covers("steps[2].json")
    assert v.covers("steps[2].json[0].address")
    assert v.covers("steps[3].frames[1].hex")
    assert not v.covers("steps[3].frames[1]")
    assert not v.covers("steps[3].frames[10].hex")
    assert not v.covers("steps[20].json")
    assert not v.covers("steps[2].jsonx")


def test_volatile_missing_and_extra_keys_are_ignored() -> None:
    exp = doc([sh_step(json=[{"a": 1, "b": 2}])], volatile=["steps[0].json[0].b"])
    assert compare(exp, [sh_step(json=[{"a": 1}])]) == []
    exp2 = doc([sh_step(json=[{"a": 1}])], volatile=["steps[0].json[0].b"])
    assert compare(exp2, [sh_step(json=[{"a": 1, "b": 5}])]) == []


# ------------------------------------------------------------------------ masks
def test_token_mask_matches_and_rejects() -> None:
    mask = "  1\tfe:54:00:00:00:01\tyes\t\t   <*>\n"
    assert mask_matches(mask, "  1\tfe:54:00:00:00:01\tyes\t\t   0.00\n")
    assert mask_matches(mask, "  1\tfe:54:00:00:00:01\tyes\t\t 123.45\n") is False  # spacing
    assert not mask_matches(mask, "  1\tfe:54:00:00:00:02\tyes\t\t   0.00\n")
    assert not mask_matches(mask, "  1\tfe:54:00:00:00:01\tyes\t\t   two words\n")
    assert not mask_matches(mask, "  1\tfe:54:00:00:00:01\tyes\t\t   \n")      # no token
    assert not mask_matches(mask, 12)


def test_token_mask_with_regex_characters_is_literal() -> None:
    assert mask_matches("a.b (c) <*> [d]*", "a.b (c) x [d]*")
    assert not mask_matches("a.b (c) <*> [d]*", "aXb (c) x [d]*")


def test_hex_mask_matches_and_rejects() -> None:
    mask = "4500??1c" + "??" * 2 + "ff"
    assert mask_matches(mask, "4500aa1c0102ff")
    assert mask_matches(mask, "4500001c0000ff")
    assert not mask_matches(mask, "4501aa1c0102ff")     # a literal byte differs
    assert not mask_matches(mask, "4500aa1c0102")       # shorter
    assert not mask_matches(mask, "4500aa1c0102ff00")   # longer
    assert not mask_matches(mask, "4500zz1c0102ff")     # not hex


def test_mask_is_checked_on_a_volatile_path() -> None:
    hexmask = "0800450000??aa"
    exp = doc([{"i": 0, "frames": [{"hex": "0800450000bbaa", "summary": "s"}]}],
              volatile=["steps[0].frames[0].hex"], masks={"steps[0].frames[0].hex": hexmask})
    ok = [{"i": 0, "frames": [{"hex": "080045000042aa", "summary": "s"}]}]
    bad = [{"i": 0, "frames": [{"hex": "080045000042ab", "summary": "s"}]}]
    assert compare(exp, ok) == []
    diffs = compare(exp, bad)
    assert paths(diffs) == ["steps[0].frames[0].hex"]
    assert "mask" in diffs[0].what


def test_masked_value_missing_is_a_difference() -> None:
    exp = doc([sh_step(stdout="timer 0.12\n")], volatile=["steps[0].stdout"],
              masks={"steps[0].stdout": "timer <*>\n"})
    act = [sh_step()]
    del act[0]["stdout"]
    assert paths(compare(exp, act)) == ["steps[0].stdout"]


def test_every_recorded_mask_matches_its_own_recorded_value() -> None:
    files = sorted(EXPECTED_DIR.glob("*.json"))
    assert files, "no expected files"
    checked = 0
    for f in files:
        d = json.loads(f.read_text())
        for path, mask in d.get("masks", {}).items():
            value: Any = {"steps": d["steps"]}
            for part in split_path(path):
                value = value[part]
            assert mask_matches(mask, value), (f.name, path)
            checked += 1
        assert compare(d, d["steps"]) == [], f.name
    assert checked > 0


# ------------------------------------------------------------------------ structure
def test_missing_and_extra_keys() -> None:
    exp = doc([sh_step(json=[{"a": 1}])])
    act = [sh_step()]
    del act[0]["stderr"]
    act[0]["surprise"] = 1
    diffs = compare(exp, act)
    by_path = {d.path: d for d in diffs}
    assert set(by_path) == {"steps[0].json", "steps[0].stderr", "steps[0].surprise"}
    assert by_path["steps[0].json"].actual is MISSING
    assert by_path["steps[0].surprise"].expected is MISSING
    assert by_path["steps[0].stderr"].what == "missing key"


def test_list_length_mismatch() -> None:
    frame = {"hex": "00", "summary": "a > b ARP", "decoded": {"len": 1}}
    exp = doc([{"i": 0, "frames": [frame, frame]}])
    diffs = compare(exp, [{"i": 0, "frames": [frame]}])
    assert paths(diffs) == ["steps[0].frames"]
    assert "length 1" in diffs[0].what and "expected 2" in diffs[0].what


def test_type_mismatch() -> None:
    exp = doc([sh_step(json=[{"a": 1}])])
    assert paths(compare(exp, [sh_step(json={"a": 1})])) == ["steps[0].json"]
    assert paths(compare(exp, [sh_step(json="[]")])) == ["steps[0].json"]


def test_step_count_mismatch() -> None:
    exp = doc([sh_step(i=0), sh_step(i=1)])
    assert paths(compare(exp, [sh_step(i=0)])) == ["steps[1]"]
    assert paths(compare(exp, [sh_step(i=0), sh_step(i=1), sh_step(i=2)])) == ["steps[2]"]


def test_keys_limits_the_comparison() -> None:
    exp = doc([sh_step(rc=0, stdout="a")])
    act = [sh_step(rc=0, stdout="b")]
    assert compare(exp, act, keys=["rc"]) == []
    assert paths(compare(exp, act, keys=["rc", "stdout"])) == ["steps[0].stdout"]


def test_format_differences_is_readable() -> None:
    frame = {"hex": "00", "summary": "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has x",
             "pkttype": "broadcast", "decoded": {}}
    exp = doc([sh_step(rc=0), {"i": 1, "capture_stop": "c1", "frames": [frame]}])
    act = [sh_step(rc=2), {"i": 1, "capture_stop": "c1", "frames": []}]
    text = format_differences(compare(exp, act), exp)
    assert "2 difference(s)" in text
    assert "step 0: h1$ ip -j link show br0" in text
    assert "steps[0].rc" in text and "expected: 0" in text and "actual:   2" in text
    assert "broadcast 52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has x" in text


@pytest.mark.parametrize("path,parts", [
    ("steps[2].json[0].address", ("steps", 2, "json", 0, "address")),
    ("steps[13].stdout", ("steps", 13, "stdout")),
    ("steps[0].frames[1].decoded.ip_id", ("steps", 0, "frames", 1, "decoded", "ip_id")),
])
def test_split_path(path: str, parts: tuple) -> None:
    assert split_path(path) == parts
