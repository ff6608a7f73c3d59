"""tools/record_scenario.py on the real kernel: a tiny scenario, recorded twice.

Needs root and ``ip netns``; skipped (with the reason) otherwise.  The refusal test runs
everywhere: as non-root directly, as root with privileges dropped through ``setpriv``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORDER = ROOT / "tools" / "record_scenario.py"


def _netns_problem() -> str | None:
    if os.geteuid() != 0:
        return "needs root (creates network namespaces)"
    if shutil.which("ip") is None:
        return "iproute2 (ip) not installed"
    probe = f"nsrec-{os.getpid()}-pytestprobe"
    res = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True,
                         check=False)
    if res.returncode != 0:
        return f"no netns support: {res.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True, check=False)
    return None


PROBLEM = _netns_problem()
needs_netns = pytest.mark.skipif(PROBLEM is not None, reason=str(PROBLEM))

TINY = {
    "name": "tiny_bridge",
    "about": "one bridge, shown as JSON",
    "hosts": ["h1", "h2"],
    "steps": [
        {"host": "h1", "sh": "ip link add name br0 type bridge && ip -j link show br0"},
        {"host": "h1", "sh": "ip link add eth0 type veth peer name eth0 netns $NS_h2 "
                             "&& echo peer in $NS_h2", "note": "placeholder"},
        {"host": "h2", "sh": "ip link show dev eth9", "volatile": ["stdout"]},
        {"sleep": 0.1},
    ],
}


def _ours() -> set[str]:
    res = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    return {line.split()[0] for line in res.stdout.splitlines() if line.startswith("nsrec-")}


@needs_netns
def test_recorder_records_a_tiny_scenario(tmp_path: Path) -> None:
    scen = tmp_path / "tiny_bridge.json"
    scen.write_text(json.dumps(TINY))
    before = _ours()
    res = subprocess.run([sys.executable, str(RECORDER), str(scen), "--out", str(tmp_path / "out"),
                          "--runs", "2"], capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    doc = json.loads((tmp_path / "out" / "tiny_bridge.json").read_text())

    assert set(doc) == {"name", "about", "set", "hosts", "versions", "runs", "host_init",
                        "steps", "volatile", "masks"}
    assert doc["name"] == "tiny_bridge" and doc["runs"] == 2 and doc["hosts"] == ["h1", "h2"]
    assert doc["versions"]["kernel"] == os.uname().release
    assert "ip link set lo up" in doc["host_init"]

    s0, s1, s2, s3 = doc["steps"]
    assert s0["i"] == 0 and s0["host"] == "h1" and s0["sh"] == TINY["steps"][0]["sh"]
    assert s0["rc"] == 0 and s0["stderr"] == ""
    assert s0["json"][0]["ifname"] == "br0" and s0["json"][0]["ifindex"] == 2
    # a new bridge has a random MAC: found to differ between the runs
    assert "steps[0].json[0].address" in doc["volatile"]
    assert "steps[0].stdout" in doc["volatile"]
    # the real namespace name is recorded as its placeholder
    assert s1["rc"] == 0 and s1["stdout"] == "peer in $NS_h2\n" and s1["note"] == "placeholder"
    assert "json" not in s1
    assert s2["rc"] == 1 and "eth9" in s2["stderr"]
    assert "volatile" not in s2 and "steps[2].stdout" in doc["volatile"]
    assert s3 == {"i": 3, "sleep": 0.1}
    # everything created was removed
    assert _ours() == before


@needs_netns
def test_recorder_tap_and_capture(tmp_path: Path) -> None:
    frame = "ffffffffffff52540000000188b5" + "74657374".ljust(92, "0")
    scen = {"name": "tiny_tap", "hosts": ["h1"], "steps": [
        {"host": "h1", "sh": "ip link add name br0 type bridge && ip link set br0 up && "
                             "ip tuntap add tap0 mode tap && ip link set tap0 master br0 && "
                             "ip link set tap0 up"},
        {"host": "h1", "tap_open": "tap0", "mode": "tap", "as": "p1"},
        {"host": "h1", "tap_open": "tap0", "mode": "tap", "as": "p2"},
        {"host": "h1", "capture": "br0", "start": True, "as": "c1"},
        {"as": "p1", "write_hex": frame},
        {"as": "p1", "read": 0.2},
        {"capture_stop": "c1"},
        {"as": "p1", "close": True},
    ]}
    path = tmp_path / "tiny_tap.json"
    path.write_text(json.dumps(scen))
    res = subprocess.run([sys.executable, str(RECORDER), str(path), "--out", str(tmp_path),
                          "--runs", "1"], capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    steps = json.loads(path.read_text())["steps"]
    assert steps[1]["fd"] == 3 and steps[1]["ifname"] == "tap0" and steps[1]["error"] is None
    assert steps[2]["error"] == "TUNSETIFF: EBUSY: Device or resource busy"
    assert steps[3] == {**scen["steps"][3], "i": 3, "ready": True, "error": None}
    assert steps[4]["written"] == 60 and steps[4]["error"] is None
    assert steps[5]["frames"] == [] and steps[5]["error"] is None
    (captured,) = steps[6]["frames"]
    assert captured["pkttype"] == "broadcast" and captured["hex"] == frame
    assert captured["summary"] == "52:54:00:00:00:01 > ff:ff:ff:ff:ff:ff 0x88b5 'test'"
    assert captured["decoded"]["type"] == "experimental"
    assert steps[7]["closed"] is True


def test_recorder_refuses_without_root(tmp_path: Path) -> None:
    scen = tmp_path / "x.json"
    scen.write_text(json.dumps(TINY))
    scen.chmod(0o644)
    tmp_path.chmod(0o755)
    argv = [str(RECORDER), str(scen), "--out", str(tmp_path / "out")]
    if os.geteuid() != 0:
        cmd = [sys.executable, *argv]
    else:
        setpriv = shutil.which("setpriv")
        python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else None
        if setpriv is None or python is None:
            pytest.skip("running as root and cannot drop privileges (no setpriv/python3)")
        cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", python, *argv]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False, cwd="/")
    if os.geteuid() == 0 and "Permission denied" in res.stderr and "record_scenario" in res.stderr:
        pytest.skip("the recorder file is not readable by an unprivileged user here")
    assert res.returncode == 2, res.stderr
    assert "must run as root" in res.stderr
    assert not (tmp_path / "out").exists()
