"""A student's API mistakes get one line saying what was expected and how to get it."""

from __future__ import annotations

import errno

import pytest

import netsim
import netsim.viz as viz
from netsim.scenarios import NetworkMode


@pytest.fixture
def lab() -> netsim.Lab:
    lab = netsim.Lab(seed=0)
    h1, _ = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    h1.sh("ip link add br0 type bridge")
    return lab


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and error.__cause__ is None and error.__suppress_context__ in (
        True, False)
    return text


@pytest.mark.parametrize("call, expected, hint", [
    (lambda lab: viz.topology(lab.host("h1")), "expected a Lab, got Host 'h1'",
     "viz.topology(lab)"),
    (lambda lab: viz.topology_text("lab"), "expected a Lab, got str 'lab'",
     "viz.topology_text(lab)"),
    (lambda lab: viz.fdb(lab.host("h1")), "expected a Bridge, got Host 'h1'", "host.bridge('br0')"),
    (lambda lab: viz.fdb("br0"), "expected a Bridge, got str 'br0'", "host.bridge('br0')"),
    (lambda lab: viz.fdb_text(lab), "expected a Bridge, got Lab", "host.bridge('br0')"),
    (lambda lab: viz.host_inside(lab), "expected a Host, got Lab", "lab.host('h1')"),
    (lambda lab: viz.host_inside("h1"), "expected a Host, got str 'h1'", "lab.host('h1')"),
    (lambda lab: viz.animate(lab.host("h1")), "expected a Lab, got Host 'h1'", "viz.animate(lab)"),
    (lambda lab: viz.ladder(lab), "expected trace records, got Lab", "lab.trace.filter(frame=5)"),
    (lambda lab: viz.ladder_text("abc"), "expected trace records, got str", "lab.trace.filter("),
    (lambda lab: lab.host("h1").sh(["ip", "link"]), "expected a command line as a string, got list",
     "shlex.join"),
    (lambda lab: lab.link(("h1", "eth1"), "h2:eth1"), "expected 'host:device' strings, got tuple",
     "lab.link('h1:eth0', 'h2:eth0')"),
    (lambda lab: lab.host(7), "a host name is a string, got int", "lab.host('h1')"),
])
def test_a_wrong_type_is_a_type_error_naming_what_to_pass(lab, call, expected, hint) -> None:
    with pytest.raises(TypeError) as caught:
        call(lab)
    text = one_line(caught.value)
    assert expected in text and hint in text


def test_animating_a_lab_with_no_frame_says_to_send_one() -> None:
    with pytest.raises(ValueError, match=r"nothing to animate: no frame in the trace yet "
                                         r"\(send one first, e\.g\. h1\.sh\('ping -c 1"):
        viz.animate(netsim.Lab())
    assert viz.animate_text(netsim.Lab()) == "(no steps)"


def test_a_typo_in_a_cable_makes_no_machine(lab) -> None:
    with pytest.raises(ValueError) as caught:
        lab.link("h1:eth5", "h9:eth0")
    assert one_line(caught.value) == ("no host 'h9' in 'h9:eth0' (hosts: h1, h2); "
                                      "make it first with lab.host('h9')")
    assert sorted(lab.hosts) == ["h1", "h2"]
    assert lab.host("h1").ns.get("eth5") is None  # nothing half-made on the good end


@pytest.mark.parametrize("name, reason", [
    ("", "it is empty"), ("a:b", "it contains ':'"), ("a b", "it contains ' '"),
    ("x/y", "it contains '/'"), ("..", "'..' names a directory"), ("n" * 65, "it is too long"),
    ("a\x00", "it contains '\\x00'"),
])
def test_a_host_name_that_could_not_name_a_namespace_is_refused(name, reason) -> None:
    lab = netsim.Lab()
    with pytest.raises(ValueError) as caught:
        lab.host(name)
    assert reason in one_line(caught.value)
    assert lab.hosts == {}


def test_markup_characters_are_fine_in_a_host_name() -> None:
    assert netsim.Lab().host("a&b").name == "a&b"


def test_host_bridge_finds_a_bridge_and_says_which_exist(lab) -> None:
    h1 = lab.host("h1")
    assert h1.bridge("br0") is h1.ns.get("br0")
    with pytest.raises(ValueError, match=r"'eth0' is not a bridge \(bridges here: br0;"):
        h1.bridge("eth0")
    with pytest.raises(ValueError, match=r"'br9' does not exist \(bridges here: br0;"):
        h1.bridge("br9")


def test_a_network_mode_by_its_label(lab) -> None:
    assert NetworkMode("nat") is NetworkMode.NAT
    assert NetworkMode("host-only") is NetworkMode.HOST_ONLY
    with pytest.raises(ValueError) as caught:
        NetworkMode("natt")
    assert one_line(caught.value) == ("'natt' is not a network mode "
                                      "(modes: host-only, nat, nat-user, bridged)")


def test_open_tun_on_a_nic_says_why_the_kernel_refused(lab) -> None:
    h1 = lab.host("h1")
    before = len(h1.processes.table) if hasattr(h1.processes, "table") else None
    with pytest.raises(OSError) as caught:
        h1.open_tun("eth0", mode="tap")
    assert caught.value.errno == errno.EINVAL
    assert "eth0 exists and is not a tun/tap device" in one_line(caught.value)
    h1.sh("ip tuntap add tap0 mode tap")
    with pytest.raises(OSError, match="tap0 is a tap device, not a tun .*mode='tap'"):
        h1.open_tun("tap0", mode="tun")
    h1.open_tun("tap0", mode="tap")
    with pytest.raises(OSError) as caught:
        h1.open_tun("tap0", mode="tap")
    assert caught.value.errno == errno.EBUSY and "already held" in str(caught.value)
    if before is not None:
        assert len(h1.processes.table) == before + 1  # only the holder that succeeded


@pytest.mark.parametrize("spec, words", [
    ("h1:" + "e" * 16, "invalid device name"), ("h1:a/b", "invalid device name"),
    ("h1:eth0:1", "invalid device name"), ("h1", "expected 'host:device'"),
    ("h1:br0", "exists and is a bridge device"), ("h1:eth0", "already cabled"),
])
def test_a_bad_cable_end_is_refused_and_nothing_is_made(lab, spec, words) -> None:
    before = {name: sorted(h.ns.devices) for name, h in lab.hosts.items()}
    with pytest.raises(ValueError, match=words):
        lab.link("h2:eth1", spec)
    assert {name: sorted(h.ns.devices) for name, h in lab.hosts.items()} == before
