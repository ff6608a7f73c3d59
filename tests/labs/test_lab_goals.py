"""Each kind of goal, met and not met, on small worlds; and what a check leaves behind."""

from __future__ import annotations

import re
import time

import pytest
from lab_texts import TWO_HOSTS, with_goals

import netsim.labs as labs


def passed(goals: str, setup: str = "") -> list[bool]:
    lab = labs.loads(with_goals(goals, setup))
    return [g.passed for g in lab.check().goals]


def test_reach_and_not_reach_by_name_and_by_address() -> None:
    assert passed("  - reach: {from: h1, to: h2}\n"
                  "  - reach: {from: h2, to: 10.0.0.1}\n"
                  "  - not-reach: {from: h1, to: h2}\n"
                  "  - reach: {from: h1, to: 10.0.0.9}\n"
                  "  - not-reach: {from: h1, to: 192.0.2.1}\n") == [True, True, False, False, True]


def test_reach_a_udp_port_needs_its_echo() -> None:
    echo = "  - h2: socat UDP4-RECVFROM:7,fork PIPE &\n"
    lab = labs.loads(with_goals("  - reach: {from: h1, to: h2, port: 7}\n"
                                "  - reach: {from: h1, to: 10.0.0.2, port: 7, answered-by: h2}\n"
                                "  - not-reach: {from: h1, to: h2, port: 9}\n"
                                "  - reach: {from: h1, to: h2, port: 9}\n", echo))
    result = lab.check()
    assert [g.passed for g in result.goals] == [True, True, True, False]
    assert result.goals[0].evidence == ("h1$ echo netsim-lab-probe | socat - UDP4:10.0.0.2:7: "
                                        "echoed back [answered by h2]")
    assert result.goals[3].evidence.endswith("socat: Connection refused")


def test_reach_answered_by_someone_else_is_not_reach() -> None:
    result = labs.loads(with_goals("  - reach: {from: h1, to: 10.0.0.2, answered-by: h1}\n"))
    goal = result.check().goals[0]
    assert not goal.passed and goal.evidence.endswith("the answer did not come from h1")


def test_addresses() -> None:
    assert passed("  - has-address: {on: h2, dev: eth0, address: 10.0.0.2/24}\n"
                  "  - has-address: {on: h2, dev: eth0, address: 10.0.0.2}\n"
                  "  - has-address: {on: h2, dev: eth0, in: 10.0.0.0/8}\n"
                  "  - has-address: {on: h2, dev: eth0}\n"
                  "  - has-address: {on: h2, dev: eth0, address: 10.0.0.2/16}\n"
                  "  - has-address: {on: h2, dev: br0}\n"
                  "  - no-address: {on: h2, dev: eth0}\n"
                  "  - no-address: {on: h2, dev: eth0, in: 192.168.0.0/16}\n"
                  "  - no-address: {on: h2, dev: br0}\n"
                  "  - no-address: {on: h2, dev: lo}\n"
                  ) == [True, True, True, True, False, False, False, True, True, False]


def test_route_is_the_kernels_own_answer() -> None:
    gateway = "  - h1: ip route add 192.0.2.0/24 via 10.0.0.2\n"
    assert passed("  - route: {on: h1, to: h2, dev: eth0}\n"
                  "  - route: {on: h1, to: 192.0.2.7, via: 10.0.0.2, dev: eth0}\n"
                  "  - route: {on: h1, to: 192.0.2.7, via: 10.0.0.3}\n"
                  "  - route: {on: h1, to: 198.51.100.1}\n", gateway) == [True, True, False, False]


SWITCH = """\
title: A switch
task: a and b on sw's br0.
hosts: [sw, a, b]
links:
  - a:eth0 sw:p1
  - b:eth0 sw:p2
setup:
  - sw: ip link add br0 type bridge && ip link set br0 up
  - sw: ip link set p1 master br0 && ip link set p2 master br0
  - sw: ip link set p1 up && ip link set p2 up
  - a: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up
  - b: ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up
goals:
"""


def test_fdb_learns_behind_the_port_the_traffic_came_in_on() -> None:
    lab = labs.loads(SWITCH + "  - fdb: {on: sw, bridge: br0, mac: a:eth0, port: p1}\n"
                              "  - fdb: {on: sw, bridge: br0, mac: a:eth0, port: p1,\n"
                              "          traffic: {from: a, to: b}}\n"
                              "  - fdb: {on: sw, bridge: br0, mac: b:eth0, port: p1}\n"
                              "  - fdb: {on: sw, bridge: br9, mac: b:eth0, port: p1}\n")
    result = lab.check()
    assert [g.passed for g in result.goals] == [False, True, False, False]
    assert "not learned" in result.goals[0].evidence
    assert result.goals[2].evidence.endswith("behind p2")
    assert result.goals[3].evidence.startswith("no bridge br9 on sw")
    mac = lab.world.host("a").sh("cat /sys/class/net/eth0/address").stdout.strip()
    again = labs.loads(SWITCH + f"  - fdb: {{on: sw, bridge: br0, mac: {mac}, port: p1,\n"
                                "          traffic: {from: a, to: b}}\n")
    assert again.check().passed


PAIR = """\
title: Two bridges, two links
task: a loop of two.
hosts: [h1, h2]
setup:
  - h1: >-
      ip link add a1 address 02:00:00:00:01:01
      type veth peer name b1 address 02:00:00:00:02:01 netns h2
  - h1: >-
      ip link add a2 address 02:00:00:00:01:02
      type veth peer name b2 address 02:00:00:00:02:02 netns h2
  - h1: ip link add br0 type bridge stp_state 1 forward_delay 400 hello_time 100 max_age 600
  - h2: ip link add br0 type bridge stp_state 1 forward_delay 400 hello_time 100 max_age 600
  - h1: ip link set a1 master br0 && ip link set a2 master br0
  - h1: ip link set a1 up && ip link set a2 up
  - h2: ip link set b1 master br0 && ip link set b2 master br0
  - h2: ip link set b1 up && ip link set b2 up
  - h1: ip addr add 10.0.0.1/24 dev br0 && ip link set br0 up
  - h2: ip addr add 10.0.0.2/24 dev br0 && ip link set br0 up
goals:
  - stp-root: {bridge: h1:br0}
  - stp-root: {bridge: h2:br0}
  - stp-root: {bridge: h1:br0, seen-by: [h2:br0]}
  - stp-blocked: {on: h2, port: b2}
  - stp-blocked: {on: h2, port: b1}
  - stp-blocked: {on: h1, port: br0}
  - reach: {from: h1, to: h2}
"""


def test_the_spanning_tree_converges_before_it_is_read() -> None:
    lab = labs.loads(PAIR)
    assert lab.world.now < 1  # the ports are still listening
    result = lab.check()
    assert result.notes[0].startswith("waited ") and lab.world.now > 8
    assert [g.passed for g in result.goals] == [True, False, True, True, False, False, True]
    assert result.goals[1].evidence.splitlines() == [
        "h2:br0's bridge_id is 8000.020000000201",
        "h2:br0: root_id 8000.020000000101", "h1:br0: root_id 8000.020000000101"]
    assert result.goals[5].evidence == "br0 on h1 is no bridge port"


def test_a_bridge_with_stp_off_takes_itself_for_the_root() -> None:
    lab = labs.loads(PAIR.replace("stp_state 1", "stp_state 0"))
    lab.world.host("h1").bridge("br0").storm_limit = 10_000_000  # not checked here
    goal = lab.check().goals[0]
    assert not goal.passed
    assert "h2:br0: STP off, it takes itself for the root" in goal.evidence


def test_frames_seen_and_not_seen() -> None:
    result = labs.loads(with_goals(
        "  - frames-seen: {on: h2, dev: eth0, match: icmp echo request,\n"
        "                  traffic: {from: h1, to: h2}}\n"
        "  - frames-seen: {on: h2, dev: eth0, match: ICMP echo request, at-least: 2,\n"
        "                  traffic: {from: h1, to: h2}}\n"
        "  - frames-not-seen: {on: h2, dev: eth0, match: UDP, traffic: {from: h1, to: h2}}\n"
        "  - frames-not-seen: {on: h2, dev: eth0, traffic: {from: h1, to: h2}}\n"
        "  - frames-seen: {on: h2, dev: eth7, traffic: {from: h1, to: h2}}\n")).check()
    assert [g.passed for g in result.goals] == [True, False, True, False, False]
    assert re.match(r"1 of \d frame\(s\) on h2:eth0 matched\n  ", result.goals[1].evidence)
    assert "IP 10.0.0.1 > 10.0.0.2: ICMP echo request" in result.goals[1].evidence
    assert result.goals[4].evidence == "no device eth7 on h2"


def test_counters_move_or_stay() -> None:
    result = labs.loads(with_goals(
        "  - counters: {on: h2, dev: eth0, counter: rx_packets, traffic: {from: h1, to: h2}}\n"
        "  - counters: {on: h2, dev: eth0, counter: rx_packets, moved: false,\n"
        "               traffic: {from: h1, to: h2}}\n"
        "  - counters: {on: h2, dev: lo, counter: rx_packets, moved: false,\n"
        "               traffic: {from: h1, to: h2}}\n"
        "  - counters: {on: h2, dev: eth0, counter: rx_packets, at-most: 1,\n"
        "               traffic: [{from: h1, to: h2}, {from: h1, to: h2}]}\n"
        "  - counters: {on: h2, dev: eth0, counter: rx_bogus, traffic: {from: h1, to: h2}}\n"
    )).check()
    assert [g.passed for g in result.goals] == [True, False, True, False, False]
    assert result.goals[0].evidence.startswith("h2:/sys/class/net/eth0/statistics/rx_packets: ")
    assert result.goals[4].evidence == ("no counter /sys/class/net/eth0/statistics/rx_bogus "
                                        "on h2")


def test_command_output_contains() -> None:
    result = labs.loads(with_goals(
        "  - command-output-contains: {on: h1, command: ip -br addr, contains: 10.0.0.1/24}\n"
        "  - command-output-contains: {on: h1, command: ip -br addr, contains: 10.0.0.2/24}\n"
        "  - command-output-contains: {on: h1, command: ip link show eth9, contains: eth9}\n"
    )).check()
    assert [g.passed for g in result.goals] == [True, False, True]
    assert result.goals[2].evidence.startswith("h1$ ip link show eth9 (status 1):\n  Device ")


def test_a_runaway_check_fails_its_goal_and_the_next_goal_still_runs() -> None:
    lab = labs.loads(with_goals(
        "  - command-output-contains: {on: h1, command: ping -i 0.2 -c 100000000 10.0.0.2,\n"
        "                              contains: statistics}\n"
        "  - reach: {from: h1, to: h2}\n"))
    started = time.monotonic()
    result = lab.check()
    assert time.monotonic() - started < 30
    assert [g.passed for g in result.goals] == [False, True]
    assert "(status 124)" in result.goals[0].evidence


def test_checking_leaves_the_history_and_the_machines_as_they_were() -> None:
    lab = labs.loads(TWO_HOSTS)
    world = world_before = lab.world
    history = [str(e) for e in world.history()]
    trace_on = world.trace.enabled
    h1 = world.host("h1")
    assert h1.sh("cd /tmp; SEEN=yes; false").returncode == 1
    history = [str(e) for e in world.history()]
    assert not lab.check().passed
    assert h1.sh("echo $? $SEEN; pwd", record=False).stdout == "1 yes\n/tmp\n"
    assert [str(e) for e in world.history()] == history
    assert world.trace.enabled == trace_on
    assert world is world_before and sorted(world.hosts) == ["h1", "h2"]
    assert world.host("h2").sh("ip -br addr show eth0").stdout.split()[2:] == []
    # the setup commands are kept out of the history; a note stands for them
    assert history[-2] == ("# lab <lab>: 1 setup command(s), not shown (finding what they "
                           "did is the exercise)")


def test_the_solution_goes_into_the_history_as_typed() -> None:
    lab = labs.loads(TWO_HOSTS)
    lab.solve()
    assert str(lab.world.history()[-1]) == ("h2$ ip addr add 10.0.0.2/24 dev eth0 && "
                                            "ip link set eth0 up")
    assert lab.check().passed


def test_a_wrong_solution_is_the_lab_files_mistake() -> None:
    broken = TWO_HOSTS.rsplit("  - h2:", 1)[0] + "  - h2: ip addr add 10.0.0.2/24 dev eth5\n"
    with pytest.raises(labs.LabError, match=r"^<lab>:14: solution: h2\$ ip addr add "):
        labs.loads(broken).solve()
