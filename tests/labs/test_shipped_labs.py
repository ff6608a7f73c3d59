"""Every lab that ships: each goal fails on the starting world, and every goal passes
once the lab's own solution is typed on that same world."""

from __future__ import annotations

import pytest

import netsim.labs as labs

SHIPPED = [name for name, _ in labs.shipped()]


def test_six_labs_ship_in_teaching_order() -> None:
    assert SHIPPED[:6] == list(labs.ORDER)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_goal_fails_at_the_start_and_passes_after_the_fix(name: str) -> None:
    lab = labs.load(name)
    assert lab.spec.solution, f"{name} has no solution:"
    before = lab.check(student="ci")
    met = [g.goal for g in before.goals if g.passed]
    assert met == [], f"{name}: goals met before any fix:\n{before}"
    assert not before.passed
    lab.solve()
    after = lab.check(student="ci")
    assert after.passed, f"{name}: goals not met after the solution:\n{after}"
    assert str(after).count("✓") == len(lab.spec.goals)


@pytest.mark.parametrize("name", SHIPPED)
def test_each_lab_reads_well(name: str) -> None:
    spec = labs.read_spec(name)
    assert spec.name == name and spec.title and "\n" not in spec.title
    assert len(spec.task.splitlines()) >= 3
    assert all(g.hint or g.title for g in spec.goals[:1])  # the first goal says something


def test_a_failed_goal_says_where_it_died_and_gives_the_hint() -> None:
    result = labs.load("fix-the-nat").check()
    first = result.goals[0]
    assert first.why.startswith("vm1 -> web (198.51.100.10): NOT reached [ip-forward-off]")
    assert "sysctl -w net.ipv4.ip_forward=1" in first.why
    assert first.hint == "A router forwards only with net.ipv4.ip_forward=1."
    text = str(result)
    assert "✗ 1. vm1 reaches web (ping)" in text and "why: as for goal 1" in text


def test_the_nat_lab_teaches_the_masquerade_once_forwarding_is_on() -> None:
    lab = labs.load("fix-the-nat")
    assert lab.world.host("host").sh("sysctl -w net.ipv4.ip_forward=1").returncode == 0
    result = lab.check()
    assert [g.passed for g in result.goals] == [False, False, False]
    assert "[missing-masquerade]" in result.goals[0].why
    assert "MASQUERADE" in result.goals[0].why


def test_the_loop_lab_sees_the_storm_and_the_wrong_root() -> None:
    lab = labs.load("loop-and-root")
    result = lab.check()
    assert "bridge storm" in result.goals[0].evidence
    assert "STP off, it takes itself for the root" in result.goals[1].evidence
    # STP on with default priorities: the loop is broken, but sw1 (lowest MAC) is root
    for sw in ("sw1", "sw2", "sw3"):
        assert lab.world.host(sw).sh("ip link set br0 type bridge stp_state 1").returncode == 0
    result = lab.check()
    assert result.notes and result.notes[0].startswith("waited ")
    # ... and the sw2-sw3 link blocks, so sw3 answers sw1 over the direct link
    assert [g.passed for g in result.goals] == [True, False, False, False]
    assert "root_id 8000.020000000102" in result.goals[1].evidence
    assert "e32" in lab.world.host("sw3").sh("bridge link | grep blocking").stdout


def test_the_port_forward_lab_names_who_answered() -> None:
    result = labs.load("port-forward").check()
    assert "[answered by vm1]" in result.goals[2].evidence
    assert "the answer did not come from host" in result.goals[3].evidence
    assert "[no-dnat]" in result.goals[0].why


def test_a_vm_the_student_has_not_started_yet_fails_its_goals_plainly() -> None:
    result = labs.load("tun-is-not-tap").check()
    assert result.goals[1].evidence == ("no machine 'vm1' (is it started? a VM exists once "
                                        "qemu runs)")


def test_a_mac_table_that_outlives_the_tree_change_is_explained() -> None:
    """Linux keeps a learned entry until it ages out, even when the tree has moved the
    path: sw1 still sends sw3's frames to the link that now blocks. lab.why says so."""
    lab = labs.load("loop-and-root")
    lab.check()  # the storm, and traffic that teaches sw1 where sw3 is: the direct link
    world = lab.world
    for sw, extra in (("sw1", ""), ("sw2", " priority 4096"), ("sw3", "")):
        assert world.host(sw).sh(f"ip link set br0 type bridge stp_state 1{extra}"
                                 ).returncode == 0
    world.run(20)
    answer = world.why("sw1", "sw3")
    assert answer.verdict == "port-not-forwarding"
    assert (answer.where, answer.dev, answer.func) == ("sw3", "e31", "br_handle_frame")
    assert "sw1's br0 sent it that way because its FDB still has" in answer.explanation
    assert answer.fix == ("sw1$ ip link set br0 type bridge fdb_flush (or wait for the entry "
                          "to age out)")
    assert world.host("sw1").sh("ip link set br0 type bridge fdb_flush").returncode == 0
    assert world.why("sw1", "sw3").reached
