"""The fidelity page, generated from the real-kernel recordings so it cannot drift.

Three sources, all in the repository:

* ``tests/oracle/expected/*.json``: what Linux did, step by step, with the paths that
  vary between runs (``volatile``) and the patterns some of them must still match
  (``masks``). What is compared for a scenario is counted from here.
* ``tests/test_oracle_replay.py``: ``IN_SCOPE`` (replayed, zero differences expected) and
  ``OUT_OF_SCOPE`` (recorded, not replayed yet, with the reason). Read with :mod:`ast`:
  the docs build does not need pytest.
* ``tests/oracle/fidelity.yaml``: the words -- per area what matches and what netsim
  simplifies, per scenario what it pins down. A scenario in no area, or an area naming a
  scenario that was never recorded, stops the build.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
ORACLE = ROOT / "tests" / "oracle"
REPLAY_TEST = ROOT / "tests" / "test_oracle_replay.py"
DATA = ORACLE / "fidelity.yaml"

sys.path.insert(0, str(ORACLE))
from compare import describe_step  # noqa: E402


class FidelityDataError(ValueError):
    """tests/oracle/fidelity.yaml and the recordings disagree."""


def replay_lists() -> tuple[list[str], dict[str, str]]:
    """``IN_SCOPE`` and ``OUT_OF_SCOPE`` as tests/test_oracle_replay.py defines them."""
    tree = ast.parse(REPLAY_TEST.read_text(encoding="utf-8"))
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and t.id in ("IN_SCOPE", "OUT_OF_SCOPE"):
                    found[t.id] = ast.literal_eval(node.value)
    return list(found["IN_SCOPE"]), dict(found["OUT_OF_SCOPE"])


def recordings() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((ORACLE / "expected").glob("*.json"))}


def load_areas(recorded: set[str]) -> list[dict[str, Any]]:
    """The areas of fidelity.yaml, checked against the recordings."""
    areas = yaml.safe_load(DATA.read_text(encoding="utf-8"))["areas"]
    seen: Counter[str] = Counter(name for a in areas for name in a["scenarios"])
    twice = sorted(n for n, c in seen.items() if c > 1)
    unknown = sorted(set(seen) - recorded)
    missing = sorted(recorded - set(seen))
    problems = []
    if missing:
        problems.append(f"scenarios in no area: {missing}")
    if twice:
        problems.append(f"scenarios in several areas: {twice}")
    if unknown:
        problems.append(f"areas name scenarios never recorded: {unknown}")
    if problems:
        raise FidelityDataError(f"{DATA.relative_to(ROOT)}: " + "; ".join(problems))
    return areas


# ----------------------------------------------------------------------------- counting
@dataclass
class Compared:
    """What the replay of one recording compares, counted from the recording."""

    steps: int = 0
    commands: int = 0
    json_outputs: int = 0
    frames: int = 0
    writes: int = 0
    tap_opens: int = 0
    captures: int = 0
    qemu: int = 0
    sleep_seconds: float = 0.0
    volatile: int = 0
    masked: int = 0

    def sentence(self) -> str:
        def n(k: int, one: str, many: str) -> str:
            return f"{k} {one if k == 1 else many}"

        parts = []
        if self.commands:
            text = (f"{n(self.commands, 'command', 'commands')}: exit status, stdout and "
                    "stderr byte for byte")
            if self.json_outputs:
                text += f" ({self.json_outputs} of them `-j` JSON, compared key by key)"
            parts.append(text)
        if self.tap_opens:
            opens = n(self.tap_opens, "open", "opens")
            parts.append(f"{opens} of /dev/net/tun (fd, name or errno)")
        if self.writes:
            writes = n(self.writes, "frame write", "frame writes")
            parts.append(f"{writes} (bytes accepted or errno)")
        if self.frames:
            parts.append(f"{n(self.frames, 'frame', 'frames')} read or captured, byte for byte")
        if self.captures:
            parts.append(n(self.captures, "capture", "captures"))
        if self.qemu:
            parts.append("QEMU's start and exit")
        return "; ".join(parts) or "nothing"


_FRAMES_AT = re.compile(r"steps\[(\d+)\]\.frames(?:\[(\d+)\])?")


def count(doc: dict[str, Any]) -> Compared:
    c = Compared(steps=len(doc["steps"]))
    volatile = set(doc.get("volatile", []))
    masks = doc.get("masks", {})
    whole_frames = {int(m.group(1)) for p in volatile
                    if (m := _FRAMES_AT.fullmatch(p)) and m.group(2) is None}
    for rec in doc["steps"]:
        if "sh" in rec:
            c.commands += 1
            c.json_outputs += "json" in rec
        c.tap_opens += "tap_open" in rec
        c.writes += "write_hex" in rec
        c.captures += "capture" in rec
        c.qemu += "qemu" in rec
        c.sleep_seconds += float(rec.get("sleep", 0) or 0)
        if rec["i"] not in whole_frames:
            c.frames += len(rec.get("frames") or [])
    c.masked = len(masks)
    c.volatile = len(volatile) - len(set(masks) & volatile)
    return c


def volatile_by_step(doc: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(the step as typed, [what in it is not compared, or compared to a pattern])."""
    masks = doc.get("masks", {})
    by_step: dict[int, list[str]] = {}
    for path in sorted(set(doc.get("volatile", [])) | set(masks), key=_path_key):
        m = re.match(r"steps\[(\d+)\]\.?(.*)", path)
        if m is None:
            continue
        step, rest = int(m.group(1)), m.group(2) or "the whole record"
        note = f"`{rest}`" + (f" matches `{masks[path]}`" if path in masks else "")
        by_step.setdefault(step, []).append(note)
    return [(f"step {i}: `{describe_step(doc['steps'][i])}`", notes)
            for i, notes in sorted(by_step.items())]


def _path_key(path: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[\[\].]+", path) if p)


# ----------------------------------------------------------------------------- the page
def _anchor(name: str) -> str:
    return name.replace("_", "-")


def _block(text: str | None) -> str:
    return (text or "").strip()


def scenario_section(name: str, doc: dict[str, Any], entry: dict[str, Any],
                     out_of_scope: str | None) -> list[str]:
    c = count(doc)
    versions = doc.get("versions", {})
    lines = [f"### `{name}` {{#{_anchor(name)}}}", "", doc["about"], ""]
    if entry.get("checks"):
        lines += [f"**Pins down:** {entry['checks']}.", ""]
    if out_of_scope:
        lines += ["!!! warning \"Recorded, not replayed yet\"",
                  f"    {out_of_scope}", ""]
        status = "what the replay would compare"
    else:
        status = "**What matches** (replayed, zero differences)"
    lines += [f"{status}: {c.sentence()}; over {c.steps} steps"
              + (f" and {c.sleep_seconds:g} s of simulated time" if c.sleep_seconds else "")
              + ".", ""]
    if entry.get("simplified"):
        lines += [f"**Simplified here:** {entry['simplified']}", ""]
    notes = volatile_by_step(doc)
    if notes:
        what = (f"{c.volatile} {'value varies' if c.volatile == 1 else 'values vary'} between "
                "two runs on Linux itself")
        if c.masked:
            what += (f"; {c.masked} {'is' if c.masked == 1 else 'are'} compared against a "
                     "pattern (`<*>` one word, `??` one byte)")
        lines += [f"??? note \"Not compared: {what}\"", ""]
        for step, items in notes:
            lines.append(f"    * {step}: " + ", ".join(items))
        lines.append("")
    kernel = versions.get("kernel", "?")
    lines += [f"<small>Recorded on Linux {kernel} in {doc.get('runs', '?')} runs; steps in "
              f"`tests/oracle/scenarios/{name}.json`.</small>", ""]
    return lines


def page() -> str:
    docs = recordings()
    in_scope, out_of_scope = replay_lists()
    areas = load_areas(set(docs))
    totals = [count(docs[n]) for n in in_scope]
    lines = [
        "# Fidelity: netsim against the real kernel",
        "",
        "netsim's yardstick is Linux itself. Each scenario below was run on a real kernel, "
        "every host a fresh network namespace, and recorded step by step with "
        "`tools/record_scenario.py` (how: `tests/oracle/README.md`). "
        "`tests/test_oracle_replay.py` replays each one in netsim and expects **zero "
        "differences**: every command's exit status, stdout and stderr byte for byte, "
        "`-j` JSON key by key, every frame's bytes, every errno. Only values that differ "
        "between two runs on Linux itself (random MACs, timers, ids) are left out, and "
        "each scenario lists them.",
        "",
        f"**{len(in_scope)} scenarios are replayed**, with "
        f"{sum(t.commands for t in totals)} commands and {sum(t.frames for t in totals)} "
        f"frames compared; {len(out_of_scope)} more "
        f"{'is' if len(out_of_scope) == 1 else 'are'} recorded but not replayed yet. "
        "This page is generated from the recordings, `tests/oracle/fidelity.yaml` and the "
        "replay test's lists, at every build of this site.",
        "",
        "| area | scenarios | what netsim models it in |",
        "| --- | --- | --- |",
    ]
    for area in areas:
        names = ", ".join(f"[`{n}`](#{_anchor(n)})" for n in area["scenarios"])
        lines.append(f"| [{area['title']}](#{area['area']}) | {names} | `{area['source']}` |")
    lines.append("")
    for area in areas:
        lines += [f"## {area['title']} {{#{area['area']}}}", ""]
        if _block(area.get("intro")):
            lines += [_block(area["intro"]), ""]
        if _block(area.get("matches")):
            lines += ["**What matches**", "", _block(area["matches"]), ""]
        if _block(area.get("simplified")):
            lines += ["**What netsim simplifies or does not model**", "",
                      _block(area["simplified"]), ""]
        for name, entry in area["scenarios"].items():
            if name not in in_scope and name not in out_of_scope:
                raise FidelityDataError(f"{name}: neither IN_SCOPE nor OUT_OF_SCOPE in "
                                        f"{REPLAY_TEST.relative_to(ROOT)}")
            lines += scenario_section(name, docs[name], entry or {}, out_of_scope.get(name))
    return "\n".join(lines) + "\n"
