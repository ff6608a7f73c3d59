"""iptables and conntrack against the real tools: every recorded command, byte for byte.

``tests/cli/iptables_real/sessions.json`` holds what iptables v1.8.9 (nf_tables) and
conntrack v1.4.7 printed on Linux 6.18, each session in a fresh network namespace
(recorded by ``record.py`` beside it). Each session is replayed in a fresh netsim host:
exit status, standard output and standard error must be the same, for good commands
and bad ones -- and a bad command must leave the rules as they were (the listing
commands later in each session show it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netsim

DATA = json.loads((Path(__file__).resolve().parent / "iptables_real" / "sessions.json")
                  .read_text())


@pytest.mark.parametrize("name", sorted(DATA["sessions"]))
def test_session_matches_the_real_tools(name: str) -> None:
    lab = netsim.Lab()
    lab.hints = False
    host = lab.host("h")
    for step in DATA["sessions"][name]:
        result = host.sh(step["cmd"])
        assert (result.returncode, result.stdout, result.stderr) == (
            step["rc"], step["stdout"], step["stderr"]), step["cmd"]


def test_recordings_are_from_the_versions_modelled() -> None:
    assert DATA["versions"]["iptables"] == "iptables v1.8.9 (nf_tables)"
    assert DATA["versions"]["conntrack"] == "conntrack v1.4.7 (conntrack-tools)"
