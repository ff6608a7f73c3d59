"""A check's result: a ✓/✗ list in a terminal, an HTML table in Jupyter, JSON to hand in.

``str(result)`` is the list, with the evidence, ``lab.why``'s explanation and the lab's
hint under each goal not met; ``result._repr_html_()`` is the same as a table (every
text escaped); ``result.to_json()`` is what a teacher collects: the student, the lab,
the time, and each goal with pass/fail and its evidence.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field

PASS, FAIL = "✓", "✗"


@dataclass
class GoalResult:
    number: int
    kind: str
    goal: str          # the goal in words
    passed: bool
    evidence: str      # what the probe or the tool said
    why: str = ""      # lab.why's explanation, for a goal not met
    hint: str = ""     # the lab's hint, for a goal not met
    line: int = 0      # where the goal is in the lab file

    def __str__(self) -> str:
        return self.text()

    def text(self, why_told_at: int | None = None) -> str:
        """The goal's lines; ``why_told_at`` names an earlier goal that showed the same
        explanation (it is not repeated)."""
        lines = [f"{PASS if self.passed else FAIL} {self.number}. {self.goal}"]
        if not self.passed:
            lines += _block("seen", self.evidence)
            lines += _block("why", self.why if why_told_at is None else
                            f"as for goal {why_told_at}")
            lines += _block("hint", self.hint)
        return "\n".join(lines)


def _block(label: str, text: str) -> list[str]:
    if not text:
        return []
    first, *rest = text.splitlines() or [""]
    pad = " " * (len(label) + 6)
    return [f"    {label}: {first}", *(pad + line for line in rest)]


@dataclass
class CheckResult:
    lab: str
    title: str
    student: str
    time: str                 # when the check ran, ISO 8601 (UTC)
    sim_time: float           # the world's simulated time when the check ended
    goals: list[GoalResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every goal met."""
        return all(g.passed for g in self.goals)

    @property
    def score(self) -> tuple[int, int]:
        return sum(g.passed for g in self.goals), len(self.goals)

    def __bool__(self) -> bool:
        return self.passed

    def headline(self) -> str:
        met, total = self.score
        verdict = "all goals met" if self.passed else f"{met} of {total} goals met"
        return f"{self.lab}: {self.title} -- {verdict}"

    def __str__(self) -> str:
        lines = [self.headline(), *(f"  ({note})" for note in self.notes)]
        told: dict[str, int] = {}
        for g in self.goals:
            lines.append(g.text(told.get(g.why) if g.why else None))
            if g.why and not g.passed:
                told.setdefault(g.why, g.number)
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        told: dict[str, int] = {}  # an explanation is shown once, as in str()
        left = 'style="text-align:left;vertical-align:top"'  # notebook CSS centres cells
        for g in self.goals:
            colour = "#c8f0c8" if g.passed else "#f6c6c6"
            why = g.why if not g.why or g.why not in told else f"as for goal {told[g.why]}"
            if g.why and not g.passed:
                told.setdefault(g.why, g.number)
            detail = "" if g.passed else "".join(
                f"<div><b>{label}</b><pre style=\"margin:0;white-space:pre-wrap;"
                f"text-align:left\">{esc(text)}</pre></div>"
                for label, text in (("seen", g.evidence), ("why", why)) if text)
            hint = "" if g.passed else esc(g.hint)
            rows.append(f'<tr><td style="background:{colour};text-align:center">'
                        f"{PASS if g.passed else FAIL}</td><td {left}>{g.number}. "
                        f"{esc(g.goal)}{detail}</td><td {left}>{hint}</td></tr>")
        notes = "".join(f"<p><i>{esc(n)}</i></p>" for n in self.notes)
        return (f"<table><caption>{esc(self.headline())}</caption>"
                "<tr><th></th><th>goal</th><th>hint</th></tr>"
                f"{''.join(rows)}</table>{notes}")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["passed"] = self.passed
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
