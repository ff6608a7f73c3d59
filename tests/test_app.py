"""The `netsim` program: help when called bare, a version, `python -m netsim`, and
one-line errors (never a traceback) for an output path it cannot use."""

from __future__ import annotations

import subprocess
import sys

import netsim
from netsim.app.main import main


def test_netsim_alone_prints_help_and_succeeds(capsys) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: netsim [-h] [--version] COMMAND ...")
    assert "demo" in out and "modes" in out


def test_version(capsys) -> None:
    try:
        main(["--version"])
    except SystemExit as done:  # argparse's version action exits 0
        assert done.code == 0
    assert capsys.readouterr().out == f"netsim {netsim.__version__}\n"


def test_python_dash_m_runs_the_same_program() -> None:
    run = subprocess.run([sys.executable, "-m", "netsim", "--version"],
                         capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (0, f"netsim {netsim.__version__}\n", "")


def test_demo_out_on_a_file_is_one_line_and_status_2(tmp_path, capsys) -> None:
    existing = tmp_path / "taken"
    existing.write_text("x")
    assert main(["demo", "--out", str(existing)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"netsim demo: --out {existing}: exists and is not a directory\n"
    assert captured.out == ""  # refused before the story starts
    assert existing.read_text() == "x"


def test_demo_out_below_a_file_is_refused(tmp_path, capsys) -> None:
    (tmp_path / "f").write_text("")
    assert main(["demo", "--out", str(tmp_path / "f" / "sub")]) == 2
    assert capsys.readouterr().err == (f"netsim demo: --out {tmp_path / 'f' / 'sub'}: "
                                       f"{tmp_path / 'f'} is not a directory\n")


def test_an_unknown_command_is_argparse_usage_with_status_2(capsys) -> None:
    try:
        main(["demox"])
    except SystemExit as done:
        assert done.code == 2
    assert "invalid choice: 'demox'" in capsys.readouterr().err
