"""A lab file that cannot be used is refused with its line and a one-line reason; a
lab file can never run code; a teacher's runaway command cannot hang a class."""

from __future__ import annotations

import time

import pytest
from lab_texts import TWO_HOSTS

import netsim.labs as labs
from netsim.labs import LabError


def refused(text: str, file: str = "lab.yaml") -> str:
    with pytest.raises(LabError) as caught:
        labs.loads(text, file)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


def test_a_good_file_loads_and_builds_its_world(tmp_path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(TWO_HOSTS)
    lab = labs.load(str(path))
    assert lab.name == "two" and lab.title == "Two hosts on one cable"
    assert lab.task.startswith("h1 has 10.0.0.1/24")
    assert sorted(lab.world.hosts) == ["h1", "h2"]
    assert "10.0.0.1/24" in lab.world.host("h1").sh("ip addr show eth0").stdout
    assert labs.load(path).name == "two"  # a Path works too


def test_an_unknown_goal_kind_names_its_line_and_the_known_kinds() -> None:
    text = TWO_HOSTS.replace("  - reach: {from: h1, to: h2}", "  - reachh: {from: h1, to: h2}")
    message = refused(text)
    assert message.startswith("lab.yaml:10: unknown goal kind 'reachh' (known: reach, "
                              "not-reach, has-address, no-address, route, fdb, stp-root, ")
    assert message.endswith("counters, command-output-contains)")


@pytest.mark.parametrize(("change", "expected"), [
    (("title: Two hosts on one cable\n", "title: [a, b]\n"),
     "lab.yaml:1: title: expected some text, got a list"),
    (("goals:\n", "gaols:\n"), "lab.yaml:9: unknown key 'gaols' (known: name, title, task, "),
    (("  - reach: {from: h1, to: h2}", "  - reach: {form: h1, to: h2}"),
     "lab.yaml:10: reach: unknown field 'form' (fields: from, to, port, answered-by)"),
    (("  - reach: {from: h1, to: h2}", "  - reach: {from: h1}"),
     "lab.yaml:10: reach: missing to (fields: from, to, port, answered-by)"),
    (("  - reach: {from: h1, to: h2}", "  - reach: {from: h1, to: h2, port: 70000}"),
     "lab.yaml:10: reach: port: expected a port number 1-65535, got 70000"),
    (("address: 10.0.0.2/24", "address: 10.0.0.300/24"),
     "lab.yaml:12: has-address: address: expected an IPv4 address such as 192.168.1.10/24"),
    (("  - h1:eth0 h2:eth0", "  - h1:eth0"),
     "lab.yaml:6: links: expected two ends such as 'h1:eth0 h2:eth0', got 'h1:eth0'"),
    (("  - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up", "  - h1: [ip, addr]"),
     "lab.yaml:8: setup: h1: expected a command line, got a list"),
    (("hosts: [h1, h2]\n", "hosts: [h1, h2]\nhosts: [h3]\n"),
     "lab.yaml:5: 'hosts' is given twice in this mapping (first at line 4)"),
    (("  - reach: {from: h1, to: h2}\n", "  - reach: {from: h1, to: h2}\n    route: {on: h1, "
                                         "to: h2}\n"),
     "lab.yaml:11: one kind per goal: 'reach' and 'route' here (make them two goals)"),
    (("task: |\n", "task: [\n"),
     "lab.yaml:4: not valid YAML: expected ',' or ']', but got ':' (while parsing a flow "),
])
def test_mistakes_are_refused_with_their_line(change, expected) -> None:
    old, new = change
    assert old in TWO_HOSTS
    assert refused(TWO_HOSTS.replace(old, new, 1)).startswith(expected)


def test_a_machine_that_does_not_exist() -> None:
    in_goal = TWO_HOSTS.replace("{on: h2, dev: eth0", "{on: h3, dev: eth0")
    assert refused(in_goal) == "lab.yaml:12: no machine 'h3' in this lab (machines: h1, h2)"
    in_setup = TWO_HOSTS.replace("  - h1: ip addr", "  - hq: ip addr")
    assert refused(in_setup) == ("lab.yaml:8: setup: no machine 'hq' (machines: h1, h2)")
    in_link = TWO_HOSTS.replace("  - h1:eth0 h2:eth0", "  - h1:eth0 h3:eth0")
    assert refused(in_link).startswith("lab.yaml:6: links: no host 'h3' in 'h3:eth0' "
                                       "(hosts: h1, h2)")


def test_a_command_that_fails_while_building_the_world() -> None:
    text = TWO_HOSTS.replace("ip addr add 10.0.0.1/24 dev eth0", "ip addr add 10.0.0.1/24 dev eth9")
    assert refused(text, "class/two.yaml") == (
        "class/two.yaml:8: setup: h1$ ip addr add 10.0.0.1/24 dev eth9 && ip link set eth0 up "
        "failed (status 1): Cannot find device \"eth9\"")


def test_an_unknown_scenario_and_too_many_vms() -> None:
    base = "title: t\ntask: t\nscenario: {}\ngoals:\n  - reach: {{from: host, to: web}}\n"
    assert refused(base.format("natt")).startswith(
        "lab.yaml:3: unknown scenario 'natt' (known: lan, nat, bridged, host-only, nat-user)")
    assert refused(base.format("nat\nvms: 300")).startswith(
        "lab.yaml:4: vms must be between 0 and 253 for nat()")


def test_a_python_tag_is_refused_and_runs_nothing(tmp_path) -> None:
    marker = tmp_path / "ran"
    text = TWO_HOSTS.replace("title: Two hosts on one cable",
                             f'title: !!python/object/apply:os.system ["touch {marker}"]')
    assert refused(text) == ("lab.yaml:1: YAML tag '!!python/object/apply:os.system' refused: "
                             "it would make a Python object (and could run code); a lab file "
                             "holds plain data only (safe loading)")
    assert not marker.exists()
    other = TWO_HOSTS.replace("hosts: [h1, h2]", "hosts: !!python/name:os.system")
    assert "lab.yaml:4: YAML tag '!!python/name:os.system' refused" in refused(other)
    assert "lab.yaml:4: YAML tag '!include' refused" in refused(
        TWO_HOSTS.replace("hosts: [h1, h2]", "hosts: !include other.yaml"))


def test_words_yaml_1_1_would_turn_into_booleans_or_numbers_stay_words() -> None:
    text = TWO_HOSTS.replace("hosts: [h1, h2]", "hosts: [h1, h2, on, no]")
    lab = labs.loads(text)
    assert sorted(lab.world.hosts) == ["h1", "h2", "no", "on"]
    # a MAC stays a string (YAML 1.1 would read 52:54:00:12:34:01 as a base-60 number)
    fdb = TWO_HOSTS.replace("  - has-address: {on: h2, dev: eth0, address: 10.0.0.2/24}",
                            "  - fdb: {on: h1, bridge: br0, mac: 52:54:00:12:34:01, port: p}")
    assert labs.loads(fdb).spec.goals[1].args["mac"] == "52:54:00:12:34:01"


def test_files_that_are_not_labs(tmp_path) -> None:
    assert str(pytest.raises(LabError, labs.load, str(tmp_path / "none.yaml")).value) == (
        f"{tmp_path / 'none.yaml'}: No such file or directory")
    assert refused("") == "lab.yaml: the file is empty: a lab needs a title, a task and goals"
    assert refused("- a\n- b\n") == ("lab.yaml:1: a lab file is a mapping (title:, task:, "
                                     "goals: ...), not a list")
    assert refused("title: t\ntask: t\n") == "lab.yaml:1: a lab needs goals: (missing)"
    assert refused("title: t\ntask: t\ngoals: []\n") == ("lab.yaml:3: goals: a lab needs at "
                                                         "least one goal")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    assert str(pytest.raises(LabError, labs.load, str(binary)).value) == (
        f"{binary}: not UTF-8 text: a lab file is YAML")
    assert str(pytest.raises(LabError, labs.load, "no-such-lab").value).startswith(
        "no-such-lab: no such lab: not a shipped lab (bridge-a-vm, fix-the-nat, ")


def test_a_runaway_setup_command_stops_with_its_line_instead_of_hanging() -> None:
    text = TWO_HOSTS.replace(
        "  - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up\n",
        "  - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up\n"
        "  - h2: ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up\n"
        # -q: no line per reply, so it is the event or wall guard that stops it, never
        # the output limit (which came first on a fast machine)
        "  - h1: ping -q -c 100000000 -i 0.2 10.0.0.2\n")
    started = time.monotonic()
    message = refused(text)
    assert time.monotonic() - started < 30
    assert message.startswith("lab.yaml:10: setup: h1$ ping -q -c 100000000 -i 0.2 10.0.0.2 "
                              "stopped (status 124): netsim: stopped ")


def test_the_build_as_a_whole_has_one_event_allowance() -> None:
    """Many commands that each stay under the per-command budget still cannot make a
    lab's start-up run for ever: they share one allowance."""
    steps = "".join("  - h1: ping -c 30 -i 0.2 10.0.0.2\n" for _ in range(40))
    text = TWO_HOSTS.replace(
        "  - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up\n",
        "  - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up\n"
        "  - h2: ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up\n" + steps)
    import netsim.engine.clock as clock

    original = clock.EVENT_BUDGET
    try:
        clock.EVENT_BUDGET = 1_000   # each ping -c 30: about 100 events; forty: 4,000
        message = refused(text)
    finally:
        clock.EVENT_BUDGET = original
    assert "stopped (status 124)" in message


def test_the_readme_lab_file_works_as_printed() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (text,) = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    lab = labs.loads(text, "README.yaml")
    assert not lab.check().passed
    lab.solve()
    assert lab.check().passed
