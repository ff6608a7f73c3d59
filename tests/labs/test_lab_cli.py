"""``netsim lab list | start | check``."""

from __future__ import annotations

import json
import sys
import types

import pytest
from lab_texts import TWO_HOSTS

import netsim.labs as labs
from netsim.app.main import main


def test_list_names_each_lab_first_then_its_title(capsys) -> None:
    assert main(["lab", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [name for name, _ in labs.shipped()]
    assert lines[1].split(None, 1)[1] == "Fix the NAT (ip_forward, MASQUERADE)"


@pytest.mark.parametrize("words", [["lab", "--help"], ["lab", "list", "--help"],
                                   ["lab", "start", "--help"], ["lab", "check", "--help"]])
def test_every_action_has_help(words, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(words)
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: netsim {' '.join(words[:-1])}")


def test_lab_alone_prints_its_help(capsys) -> None:
    assert main(["lab"]) == 0
    assert "list" in capsys.readouterr().out


def test_check_exits_0_only_when_every_goal_is_met(capsys) -> None:
    assert main(["lab", "check", "eth0-joined-br0"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("eth0-joined-br0: The network dropped when eth0 joined br0 -- "
                          "0 of 6 goals met\n✗ 1.")
    assert main(["lab", "check", "eth0-joined-br0", "--solution"]) == 0
    assert capsys.readouterr().out.endswith("-- all goals met\n" + "".join(
        f"✓ {n}. {g}\n" for n, g in enumerate(labs.load("eth0-joined-br0").goals, 1)))


def test_check_json_and_a_students_commands(tmp_path, capsys) -> None:
    lab_file = tmp_path / "two.yaml"
    lab_file.write_text(TWO_HOSTS)
    commands = tmp_path / "mine.txt"
    commands.write_text("# what I typed\nh2$ ip addr add 10.0.0.2/24 dev eth0\n\n"
                        "h2$ ip link set eth0 up\n")
    assert main(["lab", "check", str(lab_file), "--json", "--student", "ana",
                 "--commands", str(commands)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["student"], data["lab"], data["passed"]) == ("ana", "two", True)
    commands.write_text("h2$ ip addr add 10.0.0.2/24 dev eth0\n")  # eth0 left down
    assert main(["lab", "check", str(lab_file), "--json", "--commands", str(commands)]) == 1
    assert [g["passed"] for g in json.loads(capsys.readouterr().out)["goals"]] == [False, True]


def test_a_lab_file_that_cannot_be_used_is_one_line_and_status_2(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(TWO_HOSTS.replace("reach:", "reachh:"))
    assert main(["lab", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"netsim lab check: {bad}:10: unknown goal kind 'reachh' (known: ")
    assert err.count("\n") == 1
    commands = tmp_path / "mine.txt"
    commands.write_text("ip link\n")
    assert main(["lab", "check", "fix-the-nat", "--commands", str(commands)]) == 2
    assert capsys.readouterr().err == (f"netsim lab check: {commands}:1: expected "
                                       "'machine$ command', as print(lab.history()) writes it\n")
    assert main(["lab", "start", "no-such-lab"]) == 2
    assert capsys.readouterr().err.startswith("netsim lab start: no-such-lab: no such lab")


def test_start_prints_the_task_and_opens_the_shell_on_the_labs_world(monkeypatch,
                                                                     capsys) -> None:
    calls = []

    def run(world, host=None, lab=None, stdin=None, stdout=None) -> int:
        calls.append((world, host, lab))
        return 7

    monkeypatch.setitem(sys.modules, "netsim.app.shell_cmd",
                        types.SimpleNamespace(run=run))
    assert main(["lab", "start", "fix-the-nat"]) == 7
    out = capsys.readouterr().out
    assert out.startswith("== fix-the-nat: Fix the NAT (ip_forward, MASQUERADE)\n\nvm1 runs "
                          "on host behind libvirt's NAT network")
    assert "  1. vm1 reaches web (ping)\n" in out
    (world, host, lab), = calls
    assert host is None and lab.name == "fix-the-nat" and world is lab.world
    assert world.host("host").sh("sysctl -n net.ipv4.ip_forward").stdout == "0\n"


def test_start_without_the_shell_says_how_to_work_from_python(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "netsim.app.shell_cmd", None)  # import fails
    assert main(["lab", "start", "bridge-a-vm"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("== bridge-a-vm: Bridge a VM onto the LAN")
    assert "netsim.labs.load('bridge-a-vm')" in captured.err
