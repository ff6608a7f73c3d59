"""Bad arguments to the scenario API fail at once, with a message that says what to
pass -- not deep inside a half-built lab (a vnet's MAC, a string concatenation)."""

from __future__ import annotations

import pytest

from netsim import scenarios


@pytest.mark.parametrize(("build", "limit"), [(scenarios.nat, 253), (scenarios.bridged, 100),
                                              (scenarios.host_only, 154),
                                              (scenarios.nat_user, 255)])
@pytest.mark.parametrize("vms", [-1, "over"])
def test_a_vm_count_outside_the_dhcp_pool_is_refused_before_building(build, limit, vms):
    count = limit + 1 if vms == "over" else vms
    with pytest.raises(ValueError) as err:
        build(vms=count)
    assert str(err.value) == (f"vms must be between 0 and {limit} for {build.__name__}() "
                              f"(its DHCP pool's size), not {count}")


@pytest.mark.parametrize("vms", ["2", 2.5, True])
def test_a_vm_count_that_is_no_whole_number_is_a_type_error(vms):
    with pytest.raises(TypeError, match=r"^vms must be a whole number of VMs, not "):
        scenarios.nat(vms=vms)


def test_no_vms_is_a_lab_with_the_outside_world_only():
    lab = scenarios.nat(vms=0)
    assert lab.vms == {} and {"host", "gw", "lan1", "web"} <= set(lab.hosts)


@pytest.fixture(scope="module")
def lab():
    return scenarios.nat(vms=1)


@pytest.mark.parametrize(("source", "target"), [("nope", "vm1"), ("vm1", "nope"),
                                                ("vm1", "198.51.100.10")])
def test_why_names_the_machines_it_knows(lab, source, target):
    wrong = source if source != "vm1" else target
    with pytest.raises(KeyError) as err:
        lab.why(source, target)
    assert str(err.value) == (f"no machine {wrong!r} in this lab (machines: gw, host, lan1, "
                              "switch, vm1, web); name a machine, not an address")


def test_reachability_refuses_an_unknown_name_before_any_ping(lab):
    before = len(lab.trace.records)
    with pytest.raises(KeyError, match="no machine 'x' in this lab"):
        scenarios.reachability(lab, ["vm1", "x"])
    assert len(lab.trace.records) == before


def test_reachability_wants_a_list_of_names_each_once(lab):
    with pytest.raises(TypeError, match=r"a list of names, e\.g\. \['vm1'\], not a string"):
        scenarios.reachability(lab, "vm1")
    with pytest.raises(ValueError, match="each machine once, please: vm1 given twice"):
        scenarios.reachability(lab, ["vm1", "web", "vm1"])
