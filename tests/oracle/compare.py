"""Compare step records (from netsim or from a real run) with an oracle expected file.

An expected file lists, besides its ``steps``:

* ``volatile``: paths such as ``steps[3].json[0].address`` or ``steps[9].frames[1].hex``
  whose values may differ from run to run.  A path covers everything below it:
  ``steps[3].json`` covers ``steps[3].json[0].address``.
* ``masks``: for some of those paths, a pattern the value must still match --
  ``<*>`` stands for one token without whitespace, ``??`` for one byte of a hex
  string (two hex digits).

:func:`compare` walks expected and actual together and returns a list of
:class:`Difference` (path, expected, actual, what); :func:`format_differences` turns them
into text for a test failure.

    python3 tests/oracle/compare.py tests/oracle/expected/x.json actual.json
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class _Missing:
    """The value of a key or step that is not there."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Difference:
    """One place where actual differs from expected."""

    path: str
    expected: Any
    actual: Any
    what: str = "value differs"

    def __str__(self) -> str:
        return (f"{self.path}: {self.what}\n"
                f"    expected: {render(self.expected)}\n"
                f"    actual:   {render(self.actual)}")


# ----------------------------------------------------------------------------- paths
_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def split_path(path: str) -> tuple[str | int, ...]:
    """``"steps[2].json[0].address"`` -> ``("steps", 2, "json", 0, "address")``."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(path):
        m = _PATH_PART.match(path, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"bad path {path!r} at {pos}")
        parts.append(int(m.group(1)) if m.group(1) is not None else m.group(2))
        pos = m.end()
    return tuple(parts)


def join_path(base: str, key: str | int) -> str:
    """Extend a path by a dict key or a list index."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


class VolatileSet:
    """The volatile paths of an expected file; a path covers all paths below it."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._prefixes = {split_path(p) for p in paths}

    def covers(self, path: str) -> bool:
        """True when ``path`` or one of its ancestors is volatile."""
        parts = split_path(path)
        return any(parts[:n] in self._prefixes for n in range(1, len(parts) + 1))


# ----------------------------------------------------------------------------- masks
_HEX_MASK = re.compile(r"(?:[0-9a-f]{2}|\?\?)*")


def mask_matches(mask: str, value: Any) -> bool:
    """Does ``value`` match ``mask``?

    A mask made only of hex byte pairs and ``??`` is a hex mask: same length, each ``??``
    matches any one byte (two hex digits), every other byte must be equal.  Otherwise each
    ``<*>`` matches one non-empty run of non-whitespace characters and the rest of the mask
    is literal text.
    """
    if not isinstance(value, str):
        return False
    if "??" in mask and _HEX_MASK.fullmatch(mask):
        if len(value) != len(mask) or not re.fullmatch(r"[0-9a-fA-F]*", value):
            return False
        return all(m == "??" or m == value[i:i + 2].lower()
                   for i, m in ((j, mask[j:j + 2]) for j in range(0, len(mask), 2)))
    pattern = r"\S+".join(re.escape(part) for part in mask.split("<*>"))
    return re.fullmatch(pattern, value, flags=re.DOTALL) is not None


# ----------------------------------------------------------------------------- walking
class _Walker:
    def __init__(self, volatile: VolatileSet, masks: Mapping[str, str]) -> None:
        self.volatile = volatile
        self.masks = masks
        self.out: list[Difference] = []

    def add(self, path: str, expected: Any, actual: Any, what: str) -> None:
        self.out.append(Difference(path, expected, actual, what))

    def walk(self, exp: Any, act: Any, path: str) -> None:
        if path in self.masks:
            mask = self.masks[path]
            if not mask_matches(mask, act):
                self.add(path, f"<mask> {mask}", act, "does not match the mask")
            return
        if self.volatile.covers(path):
            return
        if isinstance(exp, dict):
            self._walk_dict(exp, act, path)
        elif isinstance(exp, list):
            self._walk_list(exp, act, path)
        elif not _same_scalar(exp, act):
            self.add(path, exp, act, "value differs")

    def _walk_dict(self, exp: dict, act: Any, path: str) -> None:
        if not isinstance(act, dict):
            self.add(path, exp, act, f"expected an object, got {_kind(act)}")
            return
        for key, value in exp.items():
            sub = join_path(path, key)
            if key in act:
                self.walk(value, act[key], sub)
            elif sub in self.masks or not self.volatile.covers(sub):
                self.add(sub, value, MISSING, "missing key")
        for key, value in act.items():
            sub = join_path(path, key)
            if key not in exp and not self.volatile.covers(sub):
                self.add(sub, MISSING, value, "unexpected key")

    def _walk_list(self, exp: list, act: Any, path: str) -> None:
        if not isinstance(act, list):
            self.add(path, exp, act, f"expected a list, got {_kind(act)}")
            return
        if len(exp) != len(act):
            self.add(path, exp, act, f"list length {len(act)}, expected {len(exp)}")
            return
        for i, (e, a) in enumerate(zip(exp, act, strict=True)):
            self.walk(e, a, join_path(path, i))


def _kind(value: Any) -> str:
    if value is MISSING:
        return "nothing"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), type(value).__name__)


def _same_scalar(exp: Any, act: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 == 1.0."""
    if isinstance(exp, bool) or isinstance(act, bool):
        return type(exp) is type(act) and exp == act
    if isinstance(exp, int | float) and isinstance(act, int | float):
        return exp == act
    return type(exp) is type(act) and exp == act


def compare(expected_doc: Mapping[str, Any], actual_steps: Sequence[Mapping[str, Any]],
            keys: Iterable[str] | None = None) -> list[Difference]:
    """Differences between the step records ``actual_steps`` and ``expected_doc["steps"]``.

    ``volatile`` paths of the expected doc are skipped (masked ones are checked against
    their mask).  ``keys`` limits the comparison to these keys of each step record.
    An empty list means equal.
    """
    walker = _Walker(VolatileSet(expected_doc.get("volatile", [])), expected_doc.get("masks", {}))
    expected_steps = list(expected_doc["steps"])
    actual = list(actual_steps)
    wanted = set(keys) if keys is not None else None
    for i in range(max(len(expected_steps), len(actual))):
        path = f"steps[{i}]"
        if i >= len(actual):
            walker.add(path, expected_steps[i], MISSING, "step missing (run stopped early?)")
            continue
        if i >= len(expected_steps):
            walker.add(path, MISSING, actual[i], "extra step")
            continue
        exp, act = expected_steps[i], actual[i]
        if wanted is not None:
            exp = {k: v for k, v in exp.items() if k in wanted}
            act = {k: v for k, v in act.items() if k in wanted}
        walker.walk(exp, act, path)
    return walker.out


# ----------------------------------------------------------------------------- output
def render(value: Any, limit: int = 400) -> str:
    """A readable one-line (frame lists: one line per frame) form of a value."""
    if value is MISSING:
        return "<missing>"
    if isinstance(value, list) and value and all(
            isinstance(v, dict) and "summary" in v for v in value):
        lines = [f"{len(value)} frame(s):"]
        lines += [f"        {v.get('pkttype', ''):9} {v['summary']}" for v in value]
        return "\n".join(lines)
    if isinstance(value, dict) and "summary" in value and "hex" in value:
        return f"frame {value.get('pkttype', '')} {value['summary']} [{value['hex']}]"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def describe_step(record: Mapping[str, Any]) -> str:
    """A short label for a step record, e.g. ``host$ ip -j link show br0``."""
    if "sh" in record:
        return f"{record.get('host')}$ {record['sh']}"
    shown = {k: v for k, v in record.items() if k in (
        "host", "tap_open", "as", "write_hex", "read", "close", "capture", "capture_stop",
        "sleep", "qemu", "file", "proc_fd", "kill")}
    text = json.dumps(shown)
    return text if len(text) <= 120 else text[:120] + "..."


def format_differences(diffs: Sequence[Difference],
                       expected_doc: Mapping[str, Any] | None = None, limit: int = 40) -> str:
    """Text for a failing test: every difference, under the step it belongs to."""
    lines = [f"{len(diffs)} difference(s)"
             + (f" in scenario {expected_doc.get('name')}" if expected_doc else "")]
    steps = list(expected_doc["steps"]) if expected_doc else []
    last_step = None
    for d in diffs[:limit]:
        m = re.match(r"steps\[(\d+)\]", d.path)
        step = int(m.group(1)) if m else None
        if step is not None and step != last_step and step < len(steps):
            lines.append(f"--- step {step}: {describe_step(steps[step])}")
        last_step = step
        lines.append(str(d))
    if len(diffs) > limit:
        lines.append(f"... and {len(diffs) - limit} more")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``compare.py EXPECTED ACTUAL``: exit 0 when equal, 1 when different."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: compare.py EXPECTED.json ACTUAL.json", file=sys.stderr)
        return 2
    with open(args[0]) as f:
        expected = json.load(f)
    with open(args[1]) as f:
        actual = json.load(f)
    steps = actual["steps"] if isinstance(actual, dict) else actual
    diffs = compare(expected, steps)
    print(format_differences(diffs, expected))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
