"""The lab page's examples are real labs: each loads, its solution meets every goal,
and together they use every goal kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import netsim.labs
from netsim.labs import KINDS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "labs.md"


def examples() -> list[str]:
    """Every ```yaml block of the page that is a whole lab file (it has a title)."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", PAGE.read_text(encoding="utf-8"),
                        flags=re.S | re.M)
    return [b for b in blocks if b.startswith("title:") and "goals:\n  -" in b]


def test_there_are_examples() -> None:
    assert len(examples()) >= 3


def test_every_goal_kind_has_an_example() -> None:
    used = {next(iter(goal)) for text in examples()
            for goal in yaml.safe_load(text)["goals"]}
    assert set(KINDS) - used == set()


def test_every_goal_kind_is_in_the_table() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name, kind in KINDS.items():
        row = re.search(rf"^\| `{re.escape(name)}` \|.*$", text, flags=re.M)
        assert row, name
        for field in [*kind.required, *kind.optional]:
            assert f"`{field}`" in row.group(0), (name, field)


@pytest.mark.parametrize("index", range(len(examples())))
def test_example_loads_and_its_solution_meets_every_goal(index: int) -> None:
    exercise = netsim.labs.loads(examples()[index], file=f"docs/labs.md example {index + 1}")
    before = exercise.check()
    assert not before.passed, "an example lab should start unsolved"
    exercise.solve()
    after = exercise.check()
    assert after.passed, str(after)
