"""IPv4 address lifetimes against the real thing.

``tests/data/ip_lifetimes/real_runs.json`` was recorded with iproute2 6.1.0 on Linux 6.18
(``record.py`` beside it): in a fresh network namespace (IPv6 off, lo up, a veth pair
eth0/eth1 up), three runs --

* ``static``: ``valid_lft``/``preferred_lft`` on add/change/replace, the errors, and how
  ``ip addr`` (plain, ``-j``, ``-d``, ``-o``, ``-br``, flag filters) shows dynamic and
  deprecated addresses;
* ``last_address``: removing a device's last address takes every route through it,
  and its neighbours, permanent ones too (fib_disable_ip);
* ``timed``: addresses with lifetimes of 2..8 s sampled half a second into each second:
  the countdown, ``deprecated``, expiry, and the routes going with the last address.

The simulated world must print the same bytes at the same (simulated) seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli.iproute_helpers import new_lab, run, world

DATA = json.loads((Path(__file__).parent.parent / "data" / "ip_lifetimes" / "real_runs.json")
                  .read_text())
SETUP = ["ip link add eth0 address 02:00:00:00:01:01 type veth peer name eth1 "
         "address 02:00:00:00:01:02", "ip link set eth0 up", "ip link set eth1 up"]


def fresh():
    lab, hosts = new_lab("h1", hints=False)
    for cmd in SETUP:
        assert run(hosts["h1"], cmd)[0] == 0, cmd
    return lab, hosts


def replay(steps) -> None:
    """Each recorded step prints what Linux printed; a refused one changes nothing."""
    _lab, hosts = fresh()
    for cmd, rc, out, err in steps:
        before = world(hosts)
        assert run(hosts["h1"], cmd) == (rc, out, err), cmd
        if rc != 0:
            assert world(hosts) == before, f"{cmd} changed the world"


def test_lifetimes_on_add_change_replace_and_how_ip_shows_them():
    replay(DATA["static"])


def test_last_address_takes_the_routes_and_neighbours_of_its_device():
    replay(DATA["last_address"])


def test_countdown_deprecation_and_expiry_second_by_second():
    lab, hosts = fresh()
    for t, cmd, rc, out, err in DATA["timed"]:
        lab.run_until(t)
        assert run(hosts["h1"], cmd) == (rc, out, err), f"at {t} s: {cmd}"


# ------------------------------------------------------------------ beyond the recording
def _addr_lines(host, dev: str = "eth0") -> list[str]:
    out = run(host, f"ip -o addr show dev {dev}")[1]
    return [line.split("    ", 1)[1] for line in out.splitlines()]


def test_replace_restarts_the_clock_and_forever_makes_it_permanent_again():
    lab, hosts = fresh()
    h = hosts["h1"]
    assert run(h, "ip addr add 10.0.0.1/24 dev eth0 valid_lft 10 preferred_lft 5")[0] == 0
    lab.run(4)
    assert _addr_lines(h) == ["inet 10.0.0.1/24 scope global dynamic eth0\\       "
                              "valid_lft 6sec preferred_lft 1sec"]
    assert run(h, "ip addr replace 10.0.0.1/24 dev eth0 valid_lft 10 preferred_lft 5")[0] == 0
    lab.run(9.5)  # 13.5 s after the add, 9.5 s after the replace: still there
    assert _addr_lines(h) == ["inet 10.0.0.1/24 scope global deprecated dynamic eth0\\       "
                              "valid_lft 1sec preferred_lft 0sec"]
    assert run(h, "ip addr change 10.0.0.1/24 dev eth0")[0] == 0
    lab.run(100)
    assert _addr_lines(h) == ["inet 10.0.0.1/24 scope global eth0\\       "
                              "valid_lft forever preferred_lft forever"]


def test_expiry_waits_for_the_next_whole_second_when_that_is_close():
    """check_lifetime rounds its wake-up up to a whole second when that costs < 250 ms:
    added at 0.9 s with valid_lft 2, the address is still there at 2.95 s, gone at 3.0 s."""
    lab, hosts = fresh()
    h = hosts["h1"]
    lab.run(0.9)
    assert run(h, "ip addr add 10.0.0.1/24 dev eth0 valid_lft 2 preferred_lft 2")[0] == 0
    lab.run_until(2.95)
    assert _addr_lines(h) == ["inet 10.0.0.1/24 scope global dynamic eth0\\       "
                              "valid_lft 0sec preferred_lft 0sec"]
    lab.run_until(3.001)
    assert _addr_lines(h) == []
    assert run(h, "ip route show dev eth0") == (0, "", "")


def test_a_long_lifetime_is_checked_every_120_s_and_expires_on_time():
    lab, hosts = fresh()
    h = hosts["h1"]
    assert run(h, "ip addr add 10.0.0.1/24 dev eth0 valid_lft 300 preferred_lft 250")[0] == 0
    lab.run_until(249.5)
    assert _addr_lines(h)[0].endswith("valid_lft 51sec preferred_lft 1sec")
    lab.run_until(250.001)
    assert "deprecated dynamic" in _addr_lines(h)[0]
    lab.run_until(299.99)
    assert _addr_lines(h)[0].endswith("valid_lft 1sec preferred_lft 0sec")
    lab.run_until(300.001)
    assert _addr_lines(h) == []


@pytest.mark.parametrize("cmd, err", [
    ("ip addr add 10.0.0.1/24 dev eth0 valid_lft 10 preferred_lft 20",
     "preferred_lft is greater than valid_lft\n"),
    ("ip addr change 10.0.0.1/24 dev eth0 valid_lft 0", "valid_lft is zero\n"),
])
def test_a_refused_change_leaves_the_countdown_alone(cmd, err):
    lab, hosts = fresh()
    h = hosts["h1"]
    assert run(h, "ip addr add 10.0.0.1/24 dev eth0 valid_lft 10 preferred_lft 5")[0] == 0
    lab.run(3)
    before = world(hosts)
    assert run(h, cmd) == (1, "", err)
    assert world(hosts) == before
    lab.run(7.001)  # (run_until stops just before the events due at that instant)
    assert _addr_lines(h) == []
