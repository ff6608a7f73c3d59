"""Every Python block of the README runs as pasted, in order, in one session."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib
import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_its_examples() -> None:
    assert len(blocks()) >= 4


# matplotlib warns when an animation it never drew is freed: a notebook would draw it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_every_block_runs_as_pasted_in_order(tmp_path, monkeypatch, capsys) -> None:
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    session: dict = {"__name__": "__readme__"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a README that saves an empty capture would warn
        for number, code in enumerate(blocks(), 1):
            try:
                exec(compile(code, f"README block {number}", "exec"), session)
            except Exception as error:  # pragma: no cover - the message is the point
                pytest.fail(f"README block {number} failed: {type(error).__name__}: {error}")
    out = capsys.readouterr().out
    assert "3 packets transmitted, 3 received" in out           # the first lab's ping
    assert "internal error" not in out and "Traceback" not in out
    assert (tmp_path / "virbr0.pcap").stat().st_size > 24         # more than a pcap header
    import matplotlib.pyplot as plt

    plt.close("all")
