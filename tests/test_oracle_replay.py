"""netsim against the real kernel: replay every in-scope oracle scenario, expect no difference.

The expected files in ``tests/oracle/expected`` were recorded on Linux (see
``tests/oracle/README.md``).  Each in-scope scenario is replayed with
``tests/oracle/replay.py`` and compared with ``tests/oracle/compare.py``; a failure lists
every difference (path, expected, actual) under the step it belongs to.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ORACLE = Path(__file__).resolve().parent / "oracle"
sys.path.insert(0, str(ORACLE))

from compare import compare, format_differences  # noqa: E402
from frames_format import decode, summary  # noqa: E402
from replay import STEP_KEYS, scenario_steps  # noqa: E402

EXPECTED_DIR = ORACLE / "expected"
SCENARIO_DIR = ORACLE / "scenarios"

IN_SCOPE = [
    "brctl_basic",
    "brctl_errors",
    "bridge_flooding",
    "bridge_mac_lowest_port",
    "bridge_mac_set_by_hand",
    "fdb_ageing",
    "fid_dev_bridge_down",
    "fid_dev_bridge_local_counters",
    "fid_dev_bridge_mtu",
    "fid_dev_bridge_port_states",
    "fid_dev_enslaved_port",
    "fid_dev_multi_queue",
    "fid_dev_tap_noreader",
    "fid_dev_tap_queue_full",
    "fid_dev_tap_txqueuelen_persist",
    "fid_dev_tap_write_sizes",
    "fid_dev_tun_owner_group",
    "fid_dev_tun_write_read",
    "fid_dev_veth_counters",
    "fid_dev_vnet_hdr_flag_wins",
    "fid_dev_vnet_hdr_rw",
    "fdb_learning",
    "ip_on_enslaved_port",
    "iplink_bridge_basic",
    "iplink_bridge_errors",
    "mode_bridged",
    "mode_hostonly",
    "mode_nat",
    "nat_conntrack",
    "qemu_tap_script",
    "stp_bpdu_bytes",
    "stp_guard_root_block",
    "stp_off_loop",
    "stp_one_bridge_edges",
    "stp_port_priority",
    "stp_port_states",
    "stp_priority_cost",
    "stp_range_errors",
    "stp_tc_fdb_ageing",
    "stp_ring3",
    "stp_ring3_failover",
    "tap_carrier_attach",
    "tun_refused_by_bridge",
    "tuntap_basic",
    "vm_tap_arp_ping",
    # issue 16, network fidelity (tests/oracle/fidelity.yaml)
    "fid_net_icmp_quote",
    "fid_net_icmp_ratelimit",
    "fid_net_ping_errors",
    "fid_net_neigh_sysctl",
    "fid_net_neigh_incomplete",
    "fid_net_neigh_probe_failed",
    "fid_net_neigh_reachable",
    "fid_net_reject_types",
    "fid_net_veth_netns",
    "fid_net_iptables_chains",
    "fid_net_conntrack_cli",
    "fid_net_ping_ttl",
    "fid_net_icmp_local",
    # issue 16, QEMU's start-up output (its network scripts)
    "fid_qemu_script_output",
    "fid_qemu_script_fails",
    # issue 16, shell details students use
    "fid_shell_dev_udp_tcp",
    "fid_shell_socat_udp",
]
"""Scenarios netsim must reproduce exactly."""

OUT_OF_SCOPE: dict[str, str] = {
    "fid_net_checksum_capture": (
        "issue 16 follow-up (devices): a UDP datagram routed out of a veth or lo carries "
        "CHECKSUM_PARTIAL's pseudo-header sum in captures until a device without checksum "
        "offload (tap, NIC) finishes it; netsim writes the full checksum at once "
        "(tests/oracle/fidelity.yaml, area checksums)"),
}
"""Recorded scenarios not replayed yet, and the issue that will bring each one."""


def load(name: str) -> dict[str, Any]:
    return json.loads((EXPECTED_DIR / f"{name}.json").read_text())


@pytest.mark.parametrize("name", IN_SCOPE)
def test_replay_matches_real_kernel(name: str) -> None:
    from replay import run_scenario

    expected = load(name)
    actual = run_scenario(expected, seed=0)
    diffs = compare(expected, actual)
    assert not diffs, "\n" + format_differences(diffs, expected)


# ----------------------------------------------------------------------------- bookkeeping
def test_every_recording_is_in_scope_or_explicitly_out_of_scope() -> None:
    recorded = {p.stem for p in EXPECTED_DIR.glob("*.json")}
    assert recorded, f"no expected files in {EXPECTED_DIR}"
    unaccounted = recorded - set(IN_SCOPE) - set(OUT_OF_SCOPE)
    assert not unaccounted, (
        f"recordings neither replayed nor listed in OUT_OF_SCOPE: {sorted(unaccounted)}")
    assert not set(IN_SCOPE) & set(OUT_OF_SCOPE)
    missing = (set(IN_SCOPE) | set(OUT_OF_SCOPE)) - recorded
    assert not missing, f"listed but not recorded: {sorted(missing)}"
    assert all(OUT_OF_SCOPE.values())


def test_every_scenario_has_its_recording() -> None:
    scenarios = {p.stem for p in SCENARIO_DIR.glob("*.json")}
    assert scenarios == {p.stem for p in EXPECTED_DIR.glob("*.json")}


@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIO_DIR.glob("*.json")))
def test_recording_matches_its_scenario(name: str) -> None:
    """The replay reads the steps back from the expected file: they must be the scenario's."""
    scenario = json.loads((SCENARIO_DIR / f"{name}.json").read_text())
    expected = load(name)
    assert expected["name"] == scenario["name"] == name
    assert expected["hosts"] == scenario["hosts"]
    assert expected["host_init"]
    own = [{k: v for k, v in st.items() if k not in ("volatile", "volatile_mask")}
           for st in scenario["steps"]]
    for st in own:
        assert set(st) <= STEP_KEYS, f"step keys unknown to replay.STEP_KEYS: {set(st) - STEP_KEYS}"
    assert scenario_steps(expected) == own
    assert [rec["i"] for rec in expected["steps"]] == list(range(len(own)))


@pytest.mark.parametrize("name", sorted(p.stem for p in EXPECTED_DIR.glob("*.json")))
def test_frame_format_reproduces_recorded_frames(name: str) -> None:
    """frames_format rebuilds the recorded ``decoded`` and ``summary`` of every frame."""
    for rec in load(name)["steps"]:
        for fr in rec.get("frames") or []:
            raw = bytes.fromhex(fr["hex"])
            assert decode(raw) == fr["decoded"], (rec["i"], fr["summary"])
            assert summary(raw) == fr["summary"], rec["i"]


_BCAST_FROM_VM = "ffffffffffff525400000001"
SYNTHETIC_FRAMES = [
    (   # a configuration BPDU (802.3 length + LLC 42 42 03)
        "0180c2000000020000000001002742420300000000018000020000000001000000048000020000000002"
        "80010000000000000000",
        {"len": 52, "dst": "01:80:c2:00:00:00", "src": "02:00:00:00:00:01", "type": "stp",
         "bpdu_type": 0, "root_id": "8000.02:00:00:00:00:01", "root_path_cost": 4,
         "bridge_id": "8000.02:00:00:00:00:02", "port_id": "8001", "flags": 1},
        "02:00:00:00:00:01 > 01:80:c2:00:00:00 STP BPDU root 8000.02:00:00:00:00:01 "
        "bridge 8000.02:00:00:00:00:02",
    ),
    (   # 802.3 with another LLC SAP
        "0180c2000000020000000001002afefe03" + "00" * 40,
        {"len": 57, "dst": "01:80:c2:00:00:00", "src": "02:00:00:00:00:01", "type": "llc"},
        "02:00:00:00:00:01 > 01:80:c2:00:00:00 llc",
    ),
    (   # IPv4/UDP 10.0.0.1:53 -> 10.0.0.2:67, no DF
        _BCAST_FROM_VM + "0800" + "4500001f00070000401166c60a0000010a000002" + "00350043000b0000"
        + "78797a" + "00" * 15,
        {"len": 60, "dst": "ff:ff:ff:ff:ff:ff", "src": "52:54:00:00:00:01",
         "ethertype": "0x0800", "type": "ipv4", "ip_src": "10.0.0.1", "ip_dst": "10.0.0.2",
         "ttl": 64, "proto": 17, "ip_id": 7, "df": False, "sport": 53, "dport": 67},
        "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff IPv4 10.0.0.1 > 10.0.0.2 proto 17",
    ),
    (   # ICMP port unreachable
        _BCAST_FROM_VM + "0800" + "4500001c00000000400166e20a0000010a000002" + "0303fcfc00000000",
        {"len": 42, "dst": "ff:ff:ff:ff:ff:ff", "src": "52:54:00:00:00:01",
         "ethertype": "0x0800", "type": "ipv4", "ip_src": "10.0.0.1", "ip_dst": "10.0.0.2",
         "ttl": 64, "proto": 1, "ip_id": 0, "df": False, "icmp_type": 3, "icmp_code": 3},
        "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff IPv4 10.0.0.1 > 10.0.0.2 proto 1 icmp unreachable",
    ),
    (   # 802.1Q-tagged ARP request
        _BCAST_FROM_VM + "810000050806" + "0001080006040001525400000001010101010000000000000202"
        + "0202",
        {"len": 46, "dst": "ff:ff:ff:ff:ff:ff", "src": "52:54:00:00:00:01", "vlan": 5,
         "ethertype": "0x0806", "type": "arp", "op": "request", "sha": "52:54:00:00:00:01",
         "spa": "1.1.1.1", "tha": "00:00:00:00:00:00", "tpa": "2.2.2.2"},
        "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has 2.2.2.2 tell 1.1.1.1 "
        "(52:54:00:00:00:01)",
    ),
    (   # an ethertype the decoder does not know; ARP too short to decode
        _BCAST_FROM_VM + "1234616263",
        {"len": 17, "dst": "ff:ff:ff:ff:ff:ff", "src": "52:54:00:00:00:01",
         "ethertype": "0x1234"},
        "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff 0x1234",
    ),
    (
        _BCAST_FROM_VM + "86dd60000000",
        {"len": 18, "dst": "ff:ff:ff:ff:ff:ff", "src": "52:54:00:00:00:01",
         "ethertype": "0x86dd", "type": "ipv6"},
        "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff ipv6",
    ),
    (
        _BCAST_FROM_VM + "88b5" + "697427732022712200",
        {"len": 23, "dst": "ff:ff:ff:ff:ff:ff", "src": "52:54:00:00:00:01",
         "ethertype": "0x88b5", "type": "experimental", "payload": "it's \"q\""},
        "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff 0x88b5 'it\\'s \"q\"'",
    ),
    ("0102030405", {"len": 5, "error": "short"}, "malformed frame (5 bytes)"),
]


@pytest.mark.parametrize("hexstr,decoded,text", SYNTHETIC_FRAMES)
def test_frame_format_of_frames_not_in_recordings(hexstr: str, decoded: dict, text: str) -> None:
    raw = bytes.fromhex(hexstr)
    assert decode(raw) == decoded
    assert summary(raw) == text
