"""``lab.history()`` is complete: typed into an empty ``netsim.Lab``, it rebuilds the
same world.

The replay does what a student with real machines would: lay each cable the comments
name, boot each machine when it first appears (loopback up, as any boot does, which is
not a typed command), type every line on the named machine, run lines ending in
``&`` in the background, and find a VM's console once its qemu line has run. The
rebuilt lab must answer the same reachability matrix and give its guests the same
addresses; if the builders configured anything behind the history's back, it would not.
"""

from __future__ import annotations

import pytest

import netsim
from netsim import scenarios
from netsim.host import Host
from netsim.world.history import History

CABLE = "# cable: "


def replay(history: History, seed: int) -> netsim.Lab:
    """Type a history into a fresh lab, checking each line ends as it did first."""
    lab = netsim.Lab(seed=seed)
    booted: set[str] = set()
    for entry in history:
        if not entry.machine:
            if entry.command.startswith(CABLE):
                a, b = entry.command.removeprefix(CABLE).split(" <-> ")
                for end in (a, b):  # a cable's machines exist before it is plugged in
                    lab.host(end.partition(":")[0])
                lab.link(a, b)
            continue
        name = entry.machine
        machine: Host = lab.vm(name).guest if name in lab.vms else lab.host(name)
        if name not in booted:
            machine.sh("ip link set lo up", record=False)
            booted.add(name)
        if entry.command.endswith(" &"):
            process = machine.spawn(entry.command.removesuffix(" &"))
            assert process.running, f"{name}$ {entry.command}: {process.stderr}"
        else:
            result = machine.sh(entry.command)
            assert result.returncode == entry.status, f"{name}$ {entry.command}: {result.stderr}"
    return lab


def addresses(lab: netsim.Lab) -> dict[str, str]:
    return {name: vm.guest.sh("ip -4 addr show eth0").stdout for name, vm in lab.vms.items()}


@pytest.mark.parametrize("build", [scenarios.host_only, scenarios.nat, scenarios.nat_user,
                                   scenarios.bridged], ids=lambda f: f.__name__)
def test_history_replayed_by_hand_rebuilds_the_same_world(build):
    original = build(vms=2)
    history = original.history()
    assert any(e.command.startswith("qemu-system-x86_64") for e in history)
    copy = replay(history, seed=7)  # other random MACs for the machines' own NICs
    assert copy.history().commands() == history.commands()
    assert sorted(copy.vms) == ["vm1", "vm2"]
    assert addresses(copy) == addresses(original)
    assert dict(scenarios.reachability(copy)) == dict(scenarios.reachability(original))


def test_replay_notices_a_missing_line():
    """The check has teeth: leave out the host's MASQUERADE and the copy differs."""
    history = scenarios.nat(vms=1).history()
    cut = History(e for e in history if "MASQUERADE" not in e.command or e.machine != "host")
    assert len(cut) == len(history) - 1
    copy = replay(cut, seed=7)
    table = scenarios.reachability(copy)
    assert table[("vm1", "host")] and not table[("vm1", "lan1")]
