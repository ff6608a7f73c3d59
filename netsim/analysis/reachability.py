"""Who can reach whom: real pings between every pair of machines, as a table.

``reachability(lab)`` returns a :class:`Reachability` -- a mapping
``{(source, target): bool}`` -- that prints as a table with sources down the side
and targets across the top (``✓`` reached, ``✗`` not), and as a coloured HTML table
in a notebook. Each cell is one ``ping -c 1 -W 1`` from the source's shell; the
pings are not added to ``lab.history()``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

from netsim.analysis.probe import Probe, default_machines, machine, ping

if TYPE_CHECKING:
    from netsim.lab import Lab

REACHED, NOT_REACHED, SELF = "✓", "✗", "·"


class Reachability(dict[tuple[str, str], bool]):
    """``{(source, target): reached}`` plus the probes behind each answer."""

    def __init__(self, machines: list[str], probes: dict[tuple[str, str], Probe],
                 title: str = "") -> None:
        super().__init__({pair: probe.reached for pair, probe in probes.items()})
        self.machines = machines
        self.probes = probes
        self.title = title

    def reachable_from(self, source: str) -> list[str]:
        return [t for t in self.machines if self.get((source, t))]

    def rows(self) -> list[list[str]]:
        """The table as text cells, header first."""
        out = [["from \\ to", *self.machines]]
        for src in self.machines:
            cells = [SELF if src == dst else (REACHED if self[(src, dst)] else NOT_REACHED)
                     for dst in self.machines]
            out.append([src, *cells])
        return out

    def __str__(self) -> str:
        rows = self.rows()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [self.title] if self.title else []
        for row in rows:
            cells = (cell.ljust(w) if i == 0 else cell.center(w)
                     for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
            lines.append("  ".join(cells).rstrip())
        lines.append(f"({REACHED} = a ping from the row's machine was answered by the "
                     f"column's machine)")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython's text form (a terminal, a notebook's text/plain): the table, not the dict."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = {REACHED: "#c8f0c8", NOT_REACHED: "#f6c6c6", SELF: "#eeeeee"}
        rows = self.rows()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = []
        for row in rows[1:]:
            cells = "".join(f'<td style="background:{colour[c]};text-align:center">{c}</td>'
                            for c in row[1:])
            body.append(f"<tr><th>{html.escape(row[0])}</th>{cells}</tr>")
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table>{caption}<tr>{head}</tr>{''.join(body)}</table>"


def reachability(lab: Lab, machines: Iterable[str] | None = None) -> Reachability:
    """Ping from every machine to every other one (VMs, host, lan1, web by default).

    ``machines`` names the rows and columns, e.g. ``["vm1", "web"]``; each must be a
    machine of this lab (a ``KeyError`` lists the known ones), each once.
    """
    if isinstance(machines, str):
        raise TypeError(f"machines is a list of names, e.g. [{machines!r}], not a string")
    names = list(machines) if machines is not None else default_machines(lab)
    for name in names:
        machine(lab, name)  # an unknown name fails here, before any ping
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"each machine once, please: {', '.join(twice)} given twice")
    probes = {(src, dst): ping(lab, src, dst)
              for src in names for dst in names if src != dst}
    title = f"reachability, {lab.mode.label} mode" if lab.mode is not None else "reachability"
    return Reachability(names, probes, title)
