"""Small lab files the lab tests share."""

TWO_HOSTS = """\
title: Two hosts on one cable
task: |
  h1 has 10.0.0.1/24 on eth0. Give h2 10.0.0.2/24 so that h1 can ping it.
hosts: [h1, h2]
links:
  - h1:eth0 h2:eth0
setup:
  - h1: ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up
goals:
  - reach: {from: h1, to: h2}
    hint: ip addr add 10.0.0.2/24 dev eth0 on h2, and bring eth0 up
  - has-address: {on: h2, dev: eth0, address: 10.0.0.2/24}
solution:
  - h2: ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up
"""


def with_goals(goals: str, setup: str = "") -> str:
    """TWO_HOSTS, solved in its setup, with other goals (YAML list items, 2 spaces in)."""
    return (TWO_HOSTS.split("goals:")[0].rstrip() + "\n"
            "  - h2: ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up\n"
            + setup + "goals:\n" + goals)
