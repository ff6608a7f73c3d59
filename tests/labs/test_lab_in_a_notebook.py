"""A lab worked in Jupyter: the briefing as HTML, commands typed by machine name."""

from __future__ import annotations

import pytest
from lab_texts import TWO_HOSTS

import netsim.labs as labs


def test_the_briefing_is_a_heading_the_task_and_numbered_goals() -> None:
    page = labs.loads(TWO_HOSTS, "two.yaml")._repr_html_()
    assert page.startswith("<h3>two: Two hosts on one cable</h3>")
    assert "h1 has 10.0.0.1/24 on eth0. Give h2 10.0.0.2/24" in page
    assert "<b>Machines:</b> h1, h2" in page
    assert "<ol><li>h1 reaches h2 (ping)</li><li>h2&#x27;s eth0 holds 10.0.0.2/24</li></ol>" \
        in page


def test_the_briefing_escapes_what_the_file_says() -> None:
    text = TWO_HOSTS.replace("Give h2", "Give <script>h2</script>")
    page = labs.loads(text)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;h2&lt;/script&gt;" in page


def test_the_briefing_names_the_vms_to_start() -> None:
    page = labs.load("tun-is-not-tap")._repr_html_()
    assert "<b>VMs you start:</b> vm1" in page


def test_sh_types_on_the_named_machine_and_prints_like_a_terminal(capsys) -> None:
    lab = labs.loads(TWO_HOSTS)
    result = lab.sh("h2", "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    assert result.returncode == 0
    lab.sh("h1", "ping -c 1 10.0.0.2")
    failed = lab.sh("h2", "ip link set nosuch up")
    shown = capsys.readouterr().out
    assert shown.startswith("h2$ ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up\n"
                            "h1$ ping -c 1 10.0.0.2\nPING 10.0.0.2")
    assert "1 packets transmitted, 1 received" in shown
    assert shown.endswith(f"{failed.stderr}[exit status {failed.returncode}]\n")
    assert failed.returncode != 0
    assert "h2$ ip link set nosuch up" in str(lab.world.history())  # typed, so recorded
    assert lab.check().passed                                         # the world changed


def test_sh_can_keep_quiet(capsys) -> None:
    lab = labs.loads(TWO_HOSTS)
    assert "10.0.0.1/24" in lab.sh("h1", "ip -br addr", echo=False).stdout
    assert capsys.readouterr().out == ""


def test_a_machine_by_name_is_a_host_or_a_running_vms_guest() -> None:
    lab = labs.load("fix-the-nat")
    assert lab.machine("host") is lab.world.host("host")
    assert lab.machine("vm1") is lab.world.vm("vm1").guest
    with pytest.raises(KeyError, match=r"no machine 'vm9'.*\(machines: .*host.*vm1"):
        lab.machine("vm9")


def test_the_check_table_explains_a_shared_cause_once() -> None:
    result = labs.load("eth0-joined-br0").check()
    whys = [g.why for g in result.goals if g.why]
    assert len(whys) > 1 and len(set(whys)) < len(whys)  # goals failing for one reason
    page = result._repr_html_()
    first = next(g for g in result.goals if g.why)
    import html

    assert page.count(html.escape(first.why)) == 1
    repeats = sum(g.why == first.why for g in result.goals) - 1
    assert page.count(f"as for goal {first.number}<") == repeats
