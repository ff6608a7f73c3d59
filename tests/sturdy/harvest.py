"""Rebuild ``corpus_harvested.txt``: command lines people already typed in this project.

Run by hand (not a test) when the sources change::

    PYTHONPATH=$PWD python tests/sturdy/harvest.py

Sources, each read without running anything: the ``.sh("...")`` lines of README.md and
the notebooks, the steps of the oracle's scenarios (``tests/oracle/scenarios/*.json``),
the ``### CMD -> rc=N`` blocks of the transcripts in ``tests/cli``, the recorded
iptables/conntrack sessions, the recorded ``ip addr`` lifetime runs, QEMU's recorded
command lines, and the constant strings the tests hand to ``host.sh``/``ok``/``sh``.

The file is deterministic (sorted, per-family capped with a fixed stride), one line per
command line, with newlines inside a line written as ``\\n`` (a script of several
lines stays one corpus entry).
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("corpus_harvested.txt")
PER_FAMILY = 160  # at most this many lines of one family (the first word)
MAX_LEN = 400     # longer harvested lines are scripts, not command lines: left out

_SH_CALL = re.compile(r"""\.sh\(\s*(?:f?)(["'])(.+?)\1""")
_TRANSCRIPT = re.compile(r"^### (.+) -> rc=-?\d+$", re.M)
_CALLS = {"sh", "ok", "spawn", "run", "refused", "bad", "fails", "err", "out"}


def from_markdown_and_notebooks() -> list[str]:
    lines = []
    texts = [(ROOT / "README.md").read_text()]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        doc = json.loads(nb.read_text())
        texts += ["".join(cell.get("source", [])) for cell in doc.get("cells", [])]
    for text in texts:
        for match in _SH_CALL.finditer(text):
            body = match.group(2)
            if "{" not in body:  # an f-string's placeholders: not a command line
                lines.append(body)
    return lines


def from_oracle() -> list[str]:
    lines = []
    for path in sorted((ROOT / "tests/oracle/scenarios").glob("*.json")):
        for step in json.loads(path.read_text()).get("steps", []):
            if isinstance(step.get("sh"), str):
                lines.append(step["sh"])
    return lines


def from_recordings() -> list[str]:
    lines = []
    sessions = json.loads((ROOT / "tests/cli/iptables_real/sessions.json").read_text())
    for steps in sessions["sessions"].values():
        lines += [step["cmd"] for step in steps]
    lifetimes = json.loads((ROOT / "tests/data/ip_lifetimes/real_runs.json").read_text())
    lines += [row[0] for row in lifetimes.get("static", []) if isinstance(row[0], str)]
    runs = json.loads((ROOT / "tests/qemu/data/recorded_runs.json").read_text())["runs"]
    lines += [shlex.join(["qemu-system-x86_64", *run["argv"]]) for run in runs]
    for path in sorted((ROOT / "tests").rglob("*.py")):
        lines += _TRANSCRIPT.findall(path.read_text())
    return lines


def from_tests() -> list[str]:
    """Constant first string arguments of sh/ok/spawn/run... calls in the tests."""
    lines = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if "sturdy" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in _CALLS:
                continue
            for arg in node.args[:2]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    lines.append(arg.value)
                    break
    return lines


def family(line: str) -> str:
    word = line.split(None, 1)[0] if line.split() else ""
    return word.rsplit("/", 1)[-1]


def harvest() -> list[str]:
    seen: dict[str, None] = {}
    for line in (from_markdown_and_notebooks() + from_oracle() + from_recordings()
                 + from_tests()):
        line = line.strip()
        if line and len(line) <= MAX_LEN and "\x00" not in line:
            seen.setdefault(line, None)
    by_family: dict[str, list[str]] = defaultdict(list)
    for line in sorted(seen):
        by_family[family(line)].append(line)
    kept = []
    for lines in by_family.values():
        stride = max(1, -(-len(lines) // PER_FAMILY))
        kept += lines[::stride]
    return sorted(kept)


def main() -> None:
    lines = harvest()
    OUT.write_text("".join(line.replace("\\", "\\\\").replace("\n", "\\n") + "\n"
                           for line in lines))
    counts: dict[str, int] = defaultdict(int)
    for line in lines:
        counts[family(line)] += 1
    print(f"{OUT.name}: {len(lines)} lines")
    for name, count in sorted(counts.items(), key=lambda kv: -kv[1])[:40]:
        print(f"  {count:5d} {name}")


if __name__ == "__main__":
    main()
