"""Issue 5, done-means 1: in each ready-made set-up, who can ping whom is what real
Linux, libvirt, QEMU and VirtualBox give.

The expected matrices are written out by hand below, one reason per row; nothing in
them comes from the code under test. ``Y`` = a ping from the row's machine is answered
*by the column's machine*, ``N`` = it is not, ``.`` = itself.
"""

from __future__ import annotations

import pytest

from netsim import scenarios
from netsim.lab import Lab
from netsim.scenarios import NetworkMode, Reachability

MACHINES = ["vm1", "vm2", "host", "lan1", "web"]

# web (198.51.100.10) has only its connected route: the internet routes nothing back
# into private (RFC 1918) space, so web's column is reached only through a NAT, and
# web's own row is N everywhere. Same for every mode.

HOST_ONLY = """
       vm1 vm2 host lan1 web
vm1     .   Y   Y    N    N   # on vboxnet0 with vm2 and the host; DHCP gave no gateway
vm2     Y   .   Y    N    N   # the same, seen from vm2
host    Y   Y   .    Y    Y   # on vboxnet0 itself, and on the LAN with its uplink (via gw)
lan1    N   N   Y    .    Y   # 192.168.56.0/24 is routed nowhere on the LAN (gw has no route)
web     N   N   N    N    .   # no route into private space
"""

NAT = """
       vm1 vm2 host lan1 web
vm1     .   Y   Y    Y    Y   # virbr0 to vm2/host; MASQUERADE as 192.168.1.10, then gw's NAT
vm2     Y   .   Y    Y    Y   # the same, seen from vm2
host    Y   Y   .    Y    Y   # virbr0's 192.168.122.1 is the host's own: no forwarding needed
lan1    N   N   Y    .    Y   # 192.168.122.0/24 lives only inside the host: lan1's gw has no route
web     N   N   N    N    .   # no route into private space
"""

NAT_USER = """
       vm1 vm2 host lan1 web
vm1     .   N   Y    Y    Y   # slirp pings through host sockets; vm2's 10.0.2.15 is vm1's own
vm2     N   .   Y    Y    Y   # each guest is alone on its own 10.0.2.0/24 inside its qemu
host    N   N   .    Y    Y   # no address of the host's leads to 10.0.2.15: nothing listens for it
lan1    N   N   Y    .    Y   # no hostfwd=, no route: nothing outside can start a flow
web     N   N   N    N    .   # no route into private space
"""

BRIDGED = """
       vm1 vm2 host lan1 web
vm1     .   Y   Y    Y    Y   # one more LAN machine (gw's DHCP lease, default via gw)
vm2     Y   .   Y    Y    Y   # the same, seen from vm2
host    Y   Y   .    Y    Y   # br0 holds the host's LAN address; the VMs are on the same LAN
lan1    Y   Y   Y    .    Y   # the VMs' own MACs and LAN addresses answer on the switch
web     N   N   N    N    .   # no route into private space
"""


def parse(table: str) -> dict[tuple[str, str], bool]:
    """A hand-written matrix -> ``{(source, target): reached}`` (diagonal left out)."""
    lines = [line.split("#")[0].split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header == MACHINES and [r[0] for r in rows] == MACHINES
    out = {}
    for row in rows:
        for target, cell in zip(header, row[1:], strict=True):
            if target != row[0]:
                assert cell in "YN", f"{row[0]} -> {target}: {cell!r}"
                out[(row[0], target)] = cell == "Y"
    return out


BUILDERS = {
    NetworkMode.HOST_ONLY: (scenarios.host_only, HOST_ONLY),
    NetworkMode.NAT: (scenarios.nat, NAT),
    NetworkMode.NAT_USER: (scenarios.nat_user, NAT_USER),
    NetworkMode.BRIDGED: (scenarios.bridged, BRIDGED),
}


@pytest.fixture(scope="module", params=list(BUILDERS), ids=lambda m: m.label)
def measured(request) -> tuple[NetworkMode, Lab, Reachability]:
    """One lab per mode with two VMs, and its reachability table (built once)."""
    build, _ = BUILDERS[request.param]
    lab = build(vms=2)
    return request.param, lab, scenarios.reachability(lab)


def test_the_hand_written_tables_parse():
    # a cell that is not Y or N, or a misnamed row, must not slip through silently
    with pytest.raises(AssertionError):
        parse(NAT.replace("Y   Y   .    Y", "Y   Y   .    ?"))
    assert sum(parse(HOST_ONLY).values()) == 2 + 2 + 4 + 2  # Y cells by row


def test_whole_matrix_is_what_real_systems_do(measured):
    mode, _, table = measured
    expected = parse(BUILDERS[mode][1])
    assert table.machines == MACHINES
    wrong = {pair: table[pair] for pair in expected if table[pair] != expected[pair]}
    assert wrong == {}, f"{mode.label}: these cells differ from real systems: {wrong}"
    assert dict(table) == expected


def test_each_yes_was_answered_by_the_target_kernel(measured):
    """A reached cell is a ping whose reply came from the target, seen in the trace."""
    _, lab, table = measured
    for (src, dst), reached in table.items():
        probe = table.probes[(src, dst)]
        assert probe.reached is reached
        if reached:
            assert probe.status == 0 and "1 received" in probe.output
            target_ns = (lab.vms[dst].guest if dst in lab.vms else lab.hosts[dst]).ns.name
            assert any(r.host == target_ns and r.layer == "icmp" and r.action == "reply"
                       for r in probe.records)


def test_user_mode_vm_pinging_the_other_vm_answers_itself_and_is_not_counted():
    lab = scenarios.nat_user(vms=2)
    table = scenarios.reachability(lab, ["vm1", "vm2"])
    probe = table.probes[("vm1", "vm2")]
    assert probe.address == "10.0.2.15"          # vm2's address is vm1's too
    assert probe.status == 0                     # ping itself says: answered ...
    assert "64 bytes from 10.0.2.15" in probe.output
    assert not probe.answered_by_target          # ... but by vm1's own kernel
    assert table[("vm1", "vm2")] is False


def test_table_prints_with_mode_in_title(measured):
    mode, _, table = measured
    text = str(table)
    lines = text.splitlines()
    assert lines[0] == f"reachability, {mode.label} mode"
    assert lines[1].split() == ["from", "\\", "to", *MACHINES]
    expected = parse(BUILDERS[mode][1])
    for src, line in zip(MACHINES, lines[2:7], strict=True):
        cells = line.split()
        assert cells[0] == src
        marks = ["·" if src == dst else ("✓" if expected[(src, dst)] else "✗")
                 for dst in MACHINES]
        assert cells[1:] == marks


def test_table_renders_as_html(measured):
    mode, _, table = measured
    page = table._repr_html_()
    assert page.startswith("<table>") and page.endswith("</table>")
    assert f"<caption>reachability, {mode.label} mode</caption>" in page
    assert page.count("<tr>") == 1 + len(MACHINES)
    expected = parse(BUILDERS[mode][1])
    assert page.count("✓") == sum(expected.values())
    assert page.count("✗") == len(expected) - sum(expected.values())


def test_ipython_shows_the_table_not_the_dict(measured):
    from IPython.lib.pretty import pretty  # IPython comes with ipykernel (test extras)

    _, _, table = measured
    assert pretty(table) == str(table)
