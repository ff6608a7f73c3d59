"""Trace readers use records' facts, never their wording (issue 12, point 3).

A record's ``reason`` is for people: pictures, ``why``, captures and labs read the
structured ``facts`` the step gives (``record.fact(name)``). The first test keeps it so
by reading the source; the others check real scenarios give the facts the readers need.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from lab_builders import VM1, bridge_with_taps_and_lan, ok, raw_frame

import netsim
from netsim import scenarios
from netsim.analysis import why as w
from netsim.bridge import stp
from netsim.packets.addr import BROADCAST_MAC, mac_ntoa
from netsim.stack.netfilter.hooks import nat_change

NETSIM = Path(netsim.__file__).parent
READERS = sorted([*(NETSIM / "viz").glob("*.py"), *(NETSIM / "analysis").glob("*.py"),
                  NETSIM / "bridge" / "stp.py"])

# str methods and re functions that take text apart
_TEXT_METHODS = {"startswith", "endswith", "split", "rsplit", "partition", "rpartition",
                 "find", "rfind", "index", "rindex", "count", "removeprefix", "removesuffix"}
_MATCHERS = {"search", "match", "fullmatch", "findall", "finditer", "split", "sub", "subn"}


def reason_parsing(source: str) -> list[int]:
    """Lines where ``<x>.reason`` is matched against: a regex, ``in``/``==``, a str
    method that takes it apart. Printing it (f-strings, ``str``) is fine."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    bad = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "reason"):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr in _TEXT_METHODS:
            bad.append(node.lineno)  # r.reason.startswith(...)
        elif isinstance(parent, ast.Call) and node in parent.args:
            func = parent.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _MATCHERS:
                bad.append(node.lineno)  # re.search(..., r.reason), _RX.match(r.reason)
        elif isinstance(parent, ast.Compare) and any(
                isinstance(op, (ast.In, ast.NotIn, ast.Eq, ast.NotEq)) for op in parent.ops):
            bad.append(node.lineno)  # "x" in r.reason
    return sorted(bad)


def test_the_checker_finds_reason_parsing():
    assert reason_parsing(
        "import re\n"
        "a = re.search(r'x', r.reason)\n"
        "b = 'moved' in r.reason\n"
        "c = r.reason.startswith('br0:')\n"
        "d = r.reason.split(', rule')[0]\n"
        "e = _RX.match(rec.reason)\n"
        "f = f'{r.reason} [{r.func}]'\n"
        "g = print(r.reason)\n") == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("path", READERS, ids=lambda p: str(p.relative_to(NETSIM)))
def test_trace_readers_do_not_parse_reasons(path):
    lines = reason_parsing(path.read_text())
    assert not lines, (f"{path.relative_to(NETSIM)} reads record.reason at lines {lines}: "
                       "give the value as a fact where the record is made and read "
                       "record.fact(name)")


# ---------------------------------------------------------------------- real scenarios
def test_a_learned_mac_gives_mac_and_port_as_in_the_fdb():
    lab, host, _lan, (vm1, vm2) = bridge_with_taps_and_lan()
    vm1.write(raw_frame(BROADCAST_MAC, VM1))
    learned = [r for r in lab.trace if r.layer == "bridge" and r.action == "learn"]
    assert learned
    fdb = host.ns.get("br0").fdb
    for r in learned:
        assert r.fact("bridge") == "br0"
        assert r.fact("moved_from") is None
        entry = next(e for e in fdb.entries.values() if mac_ntoa(e.mac) == r.fact("mac"))
        assert entry.port.dev.name == r.fact("port")
    assert any(r.facts == {"bridge": "br0", "mac": mac_ntoa(VM1), "port": "tap0"}
               for r in learned)

    vm2.write(raw_frame(BROADCAST_MAC, VM1))  # the same MAC, now behind tap1
    moved = [r for r in lab.trace if r.action == "learn" and r.fact("moved_from")]
    assert [r.facts for r in moved] == [
        {"bridge": "br0", "mac": mac_ntoa(VM1), "port": "tap1", "moved_from": "tap0"}]
    assert fdb.entries[VM1].port.dev.name == "tap1"
    assert "moved from tap0 to tap1" in moved[0].reason  # the words are unchanged

    from netsim.viz.fdb import fdb_events

    kinds = [(e.kind, e.lane) for e in fdb_events(lab.trace, host.ns.get("br0"))
             if e.lane == mac_ntoa(VM1)]
    assert kinds == [("learned", mac_ntoa(VM1)), ("moved", mac_ntoa(VM1))]


def test_ageing_and_flushing_give_their_facts():
    lab, host, _lan, (vm1, _vm2) = bridge_with_taps_and_lan()
    ok(host, "ip link set br0 type bridge ageing_time 300")
    vm1.write(raw_frame(BROADCAST_MAC, VM1))
    lab.run(4)
    aged = [r for r in lab.trace if r.action == "age"]
    assert [r.facts for r in aged] == [{"bridge": "br0", "mac": mac_ntoa(VM1), "port": "tap0"}]
    vm1.write(raw_frame(BROADCAST_MAC, VM1))
    ok(host, "ip link set tap0 down")
    flush = [r for r in lab.trace if r.action == "flush"]
    assert flush[-1].facts == {"bridge": "br0", "port": "tap0", "count": 1, "all": False}


def _bridges_in_a_loop() -> netsim.Lab:
    """h1 and h2, a bridge each with STP on (short timers), joined twice: h2's b2 blocks."""
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    for h in (h1, h2):
        ok(h, "ip link add br0 type bridge stp_state 1 forward_delay 400 hello_time 100 "
              "max_age 600")
    for n in (1, 2):
        ok(h1, f"ip link add a{n} address 02:00:00:00:01:0{n} type veth peer name b{n} "
               f"address 02:00:00:00:02:0{n} netns h2")
        ok(h1, f"ip link set a{n} master br0 && ip link set a{n} up")
        ok(h2, f"ip link set b{n} master br0 && ip link set b{n} up")
    for h in (h1, h2):
        ok(h, "ip link set br0 up")
    return lab


def test_an_stp_port_state_change_gives_port_and_state():
    lab = _bridges_in_a_loop()
    lab.run(10)
    changes = [r for r in lab.trace if r.layer == "stp" and r.fact("state") is not None]
    assert changes
    for r in changes:
        assert r.dev == r.fact("port")
        assert f"port {r.fact('port_no')}({r.fact('port')}) entered {r.fact('state')} state" \
            in r.reason
    blocked = [r for r in changes if r.host == "h2" and r.fact("state") == stp.BLOCKING]
    assert blocked[-1].facts == {"bridge": "br0", "port": "b2", "port_no": 2,
                                 "state": "blocking"}
    now = {p.dev.name: p.state for p in lab.host("h2").bridge("br0").ports}
    last = {r.fact("port"): r.fact("state") for r in changes if r.host == "h2"}
    assert last == now and "blocking" in now.values()
    assert stp.port_states(lab.trace) == [
        (r.time, r.host, "br0", r.fact("port"), r.fact("state")) for r in changes]


def test_an_iptables_drop_gives_the_rule():
    lab = scenarios.nat(vms=1)
    ok(lab.host("host"), "iptables -I FORWARD -d 198.51.100.10 -j DROP")
    answer = lab.why("vm1", "web")
    drops = [r for r in answer.records if r.layer == "netfilter" and r.action == "drop"]
    assert drops[0].facts == {
        "table": "filter", "chain": "FORWARD", "target": "DROP",
        "rule": "-A FORWARD -d 198.51.100.10/32 -j DROP", "policy": None, "bridged": False}
    assert answer.verdict == w.FILTERED
    assert answer.decided_by == "iptables -t filter FORWARD: -A FORWARD -d 198.51.100.10/32 -j DROP"


def test_a_policy_drop_of_a_bridged_frame_says_so():
    lab = scenarios.bridged(vms=2)
    ok(lab.host("host"), "iptables -P FORWARD DROP")
    answer = lab.why("vm1", "vm2")
    drop = next(r for r in answer.records if r.layer == "netfilter" and r.action == "drop")
    assert drop.facts == {"table": "filter", "chain": "FORWARD", "target": "DROP",
                          "rule": None, "policy": "DROP", "bridged": True}
    assert answer.decided_by == "iptables -t filter FORWARD: policy DROP"


def test_nat_records_give_before_and_after():
    lab = scenarios.nat(vms=1)
    answer = lab.why("vm1", "web")
    nats = [r for r in answer.records if r.layer == "netfilter" and r.action == "nat"]
    bound = [r for r in nats if r.fact("rule")]
    assert [(r.host, r.fact("target"), r.fact("manip"), r.fact("to")) for r in bound] == [
        ("host", "MASQUERADE", "src", "192.168.1.10"), ("gw", "MASQUERADE", "src", "198.51.100.1")]
    replies = [r for r in nats if r.fact("direction") == "reply"]
    assert [(r.host, r.fact("manip"), r.fact("from")) for r in replies] == [
        ("gw", "dst", "198.51.100.1"), ("host", "dst", "192.168.1.10")]
    assert all(r.reason.startswith(nat_change(r.facts)) for r in nats)


def test_a_ping_reply_names_the_request_it_answers():
    lab, h1, _h2 = _two_hosts()
    ok(h1, "ping -c 1 10.0.0.2")
    request = next(r.frame_id for r in lab.trace if r.func == "ping_v4_sendmsg")
    reply = next(r for r in lab.trace if r.func == "icmp_echo")
    assert reply.fact("reply_to") == request
    assert reply.fact("peer") == "10.0.0.1"
    from netsim.viz.animate import default_frames

    assert default_frames(lab) == [request, reply.frame_id]


def test_ip_drops_name_their_cause():
    lab = scenarios.nat(vms=1)
    ok(lab.host("gw"), "sysctl -w net.ipv4.ip_forward=0")
    answer = lab.why("vm1", "web")
    assert answer.verdict == w.IP_FORWARD_OFF
    drop = next(r for r in answer.records if r.layer == "ip" and r.action == "drop")
    assert drop.fact("cause") == "ip_forward_off"

    lab = scenarios.nat(vms=1)
    answer = lab.why("lan1", "vm1")  # a private address behind host's NAT: gw has no route
    assert answer.verdict == w.NO_DNAT
    drop = next(r for r in answer.records if r.layer == "ip" and r.action == "drop")
    assert (drop.host, drop.fact("cause")) == ("gw", "no_route")


def test_a_forwarded_packet_names_its_way_out():
    lab = scenarios.nat(vms=1)
    answer = lab.why("vm1", "web")
    forwards = [r for r in answer.records if r.layer == "ip" and r.action == "forward"]
    assert forwards and all(f"out of {r.fact('out')} " in r.reason for r in forwards)


def _two_hosts():
    lab = netsim.Lab(seed=0)
    h1, h2 = lab.host("h1"), lab.host("h2")
    lab.link("h1:eth0", "h2:eth0")
    ok(h1, "ip addr add 10.0.0.1/24 dev eth0 && ip link set eth0 up")
    ok(h2, "ip addr add 10.0.0.2/24 dev eth0 && ip link set eth0 up")
    return lab, h1, h2
