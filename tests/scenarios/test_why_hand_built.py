"""`lab.why` and `reachability` on labs built by hand, not by netsim.scenarios: seed
claim S3, a link left down, a machine with no address -- each fix applied, then it works."""

from __future__ import annotations

import pytest

import netsim
from netsim import scenarios
from netsim.analysis import why as w


def two_hosts() -> tuple[netsim.Lab, netsim.Host, netsim.Host]:
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    h1.sh("ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
    h2.sh("ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    return lab, h1, h2


def apply(lab: netsim.Lab, fix: str) -> None:
    """Type the proposed fix, then let a few seconds pass: a neighbour entry that was
    still asking (INCOMPLETE) retries once a second, as on Linux."""
    machine, _, command = fix.partition("$ ")
    result = lab.host(machine).sh(command)
    assert result.returncode == 0, result.stderr
    lab.run(5)


def test_s3_the_address_left_on_an_enslaved_eth0() -> None:
    lab, h1, _ = two_hosts()  # no ping yet: no neighbour entry outlives the change
    h1.sh("ip link add br0 type bridge && ip link set eth0 master br0 && ip link set br0 up")
    answer = lab.why("h1", "h2")
    assert answer.verdict == w.ADDRESS_ON_BRIDGE_PORT
    assert (answer.where, answer.dev, answer.func) == ("h1", "eth0", "br_handle_frame")
    assert "eth0 on h1 is a port of br0 and still holds 10.0.0.1/24" in answer.explanation
    assert "seed claim S3" in answer.explanation
    assert "frame(s) arriving on eth0 went to br0 instead" in answer.explanation
    assert answer.fix == ("h1$ ip addr del 10.0.0.1/24 dev eth0 && "
                          "ip addr add 10.0.0.1/24 dev br0 && ip link set br0 up")
    apply(lab, answer.fix)
    assert lab.why("h1", "h2").reached and lab.why("h2", "h1").reached


@pytest.mark.parametrize("down, words", [
    ("h2", "a down NIC does not listen"), ("h1", "a down device has no routes"),
])
def test_a_link_left_down(down, words) -> None:
    lab, _, _ = two_hosts()
    lab.host(down).sh("ip link set eth0 down")
    answer = lab.why("h1", "h2")
    assert answer.verdict == w.LINK_DOWN
    assert (answer.where, answer.dev) == (down, "eth0")
    assert words in answer.explanation
    assert answer.fix == f"{down}$ ip link set eth0 up"
    apply(lab, answer.fix)
    assert lab.why("h1", "h2").reached


def test_a_machine_with_no_address_gets_a_free_one_in_the_neighbours_subnet() -> None:
    lab, _, h2 = two_hosts()
    h2.sh("ip addr flush dev eth0")
    answer = lab.why("h1", "h2")
    assert answer.verdict == w.NO_ADDRESS and answer.where == "h2"
    assert answer.fix == "h2$ ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up"
    apply(lab, answer.fix)
    assert lab.why("h1", "h2").reached


def test_reachability_covers_every_host_of_a_hand_built_lab() -> None:
    lab, _, h2 = two_hosts()
    table = scenarios.reachability(lab)
    assert table.machines == ["h1", "h2"]
    assert table[("h1", "h2")] and table[("h2", "h1")]
    h2.sh("ip link set eth0 down")
    table = scenarios.reachability(lab)
    assert not table[("h1", "h2")]
    assert "h1         ·   ✗" in str(table)
